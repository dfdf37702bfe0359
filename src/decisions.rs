//! Triage decisions: what people decided about a group (blocker, backport, known, ignored,
//! fixed; owner team and person; task; notes), with who and when, and the decisions file
//! that keeps them.
//!
//! The file is JSON with sorted keys, meant to live in the working directory and in git.
//! Every change is one [`Op`], saved before it is acknowledged: under an exclusive lock on
//! `<file>.lock` the file is re-read, the op is applied to what is on disk (so two
//! instances merge instead of clobbering each other), and the result replaces the file
//! atomically and durably (temp file, fsync, rename, fsync of the directory). A kill at
//! any moment leaves either the old or the new file, never a torn one.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The default decisions file, in the working directory.
pub const DEFAULT_FILE: &str = "logtriage-decisions.json";
const FORMAT: &str = "logtriage-decisions";
const FILE_VERSION: u32 = 1;
/// How long a save waits for another instance's lock before giving up.
const LOCK_WAIT: Duration = Duration::from_secs(10);

/// The verdict on a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mark {
    /// Blocks the train it was raised on.
    Blocker,
    /// Needs a fix backported to the train it was raised on.
    Backport,
    /// Known and tracked (usually with a task): stays known in later trains.
    Known,
    /// Not worth tracking: stays ignored in later trains.
    Ignored,
    /// Fixed: if it occurs again it is a regression of the fix.
    Fixed,
}

impl Mark {
    pub fn as_str(self) -> &'static str {
        match self {
            Mark::Blocker => "blocker",
            Mark::Backport => "backport",
            Mark::Known => "known",
            Mark::Ignored => "ignored",
            Mark::Fixed => "fixed",
        }
    }

    /// Blockers and backports belong to one train; the others carry across trains.
    pub fn is_per_train(self) -> bool {
        matches!(self, Mark::Blocker | Mark::Backport)
    }
}

impl fmt::Display for Mark {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Mark {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "blocker" => Ok(Mark::Blocker),
            "backport" => Ok(Mark::Backport),
            "known" => Ok(Mark::Known),
            "ignored" | "ignore" => Ok(Mark::Ignored),
            "fixed" => Ok(Mark::Fixed),
            _ => Err(format!(
                "unknown mark {s:?}: use blocker, backport, known, ignored or fixed"
            )),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Note {
    pub at: String,
    pub by: String,
    pub text: String,
}

/// One change to one group's decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Op {
    /// Set (or clear, with `None`) the mark; `train` is the version it was made on.
    SetMark {
        mark: Option<Mark>,
        train: Option<String>,
    },
    /// Team and person together (one change, one undo).
    SetOwner {
        team: Option<String>,
        person: Option<String>,
    },
    SetOwnerTeam {
        team: Option<String>,
    },
    SetOwnerPerson {
        person: Option<String>,
    },
    /// A task id (`T123456`) or URL.
    SetTask {
        task: Option<String>,
    },
    AddNote {
        text: String,
    },
    /// Removes the note written at `at` by `by` (the undo of [`Op::AddNote`]).
    RemoveNote {
        at: String,
        by: String,
    },
    /// Records a filing in a tracker: first its intent (before the create is sent), then
    /// its outcome.
    SetFiling {
        filing: Option<Filing>,
    },
}

/// A task being filed, or filed, for a group. Recorded before the tracker is asked to
/// create it, so a create whose answer was lost is looked up by `marker` instead of being
/// sent again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Filing {
    /// The tracker's name (its config key) and URL.
    pub tracker: String,
    /// A word written into the task's body that identifies this filing.
    pub marker: String,
    /// When the intent was recorded (RFC 3339).
    pub at: String,
    /// The task's id or URL once the tracker confirmed it; `None` while pending.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task: Option<String>,
}

impl Op {
    /// A short human description, for history views and messages.
    pub fn describe(&self) -> String {
        let or_none = |v: &Option<String>| v.clone().unwrap_or_else(|| "(none)".to_string());
        match self {
            Op::SetMark {
                mark: Some(m),
                train: Some(t),
            } if m.is_per_train() => format!("marked {m} for {t}"),
            Op::SetMark { mark: Some(m), .. } => format!("marked {m}"),
            Op::SetMark { mark: None, .. } => "cleared the mark".to_string(),
            Op::SetOwner { team, person } => format!("owner {}/{}", or_none(team), or_none(person)),
            Op::SetOwnerTeam { team } => format!("owner team {}", or_none(team)),
            Op::SetOwnerPerson { person } => format!("owner {}", or_none(person)),
            Op::SetTask { task } => format!("task {}", or_none(task)),
            Op::AddNote { text } => format!("note: {text}"),
            Op::RemoveNote { .. } => "removed a note".to_string(),
            Op::SetFiling {
                filing: Some(Filing { task: Some(t), .. }),
            } => format!("filed {t}"),
            Op::SetFiling { filing: Some(f) } => {
                format!("filing in {} (id {})", f.tracker, f.marker)
            }
            Op::SetFiling { filing: None } => "cleared the filing".to_string(),
        }
    }
}

/// A change as recorded in a decision's history: the op, and what it replaced (so it
/// can be undone).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    pub at: String,
    pub by: String,
    pub op: Op,
    /// The op that restores the state before this change.
    pub undo: Op,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    /// The group's title when last changed, for people reading the file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mark: Option<Mark>,
    /// The train (version) a blocker or backport was raised on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub train: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner_team: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner_person: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task: Option<String>,
    /// The last filing in a tracker, pending or done.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filing: Option<Filing>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<Note>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub history: Vec<Change>,
}

impl Decision {
    /// Applies an op; returns the op that undoes it.
    fn apply(&mut self, op: &Op, at: &str, by: &str) -> Op {
        match op {
            Op::SetMark { mark, train } => {
                let undo = Op::SetMark {
                    mark: self.mark,
                    train: self.train.clone(),
                };
                self.mark = *mark;
                self.train = train.clone();
                undo
            }
            Op::SetOwner { team, person } => Op::SetOwner {
                team: std::mem::replace(&mut self.owner_team, team.clone()),
                person: std::mem::replace(&mut self.owner_person, person.clone()),
            },
            Op::SetOwnerTeam { team } => Op::SetOwnerTeam {
                team: std::mem::replace(&mut self.owner_team, team.clone()),
            },
            Op::SetOwnerPerson { person } => Op::SetOwnerPerson {
                person: std::mem::replace(&mut self.owner_person, person.clone()),
            },
            Op::SetTask { task } => Op::SetTask {
                task: std::mem::replace(&mut self.task, task.clone()),
            },
            Op::SetFiling { filing } => Op::SetFiling {
                filing: std::mem::replace(&mut self.filing, filing.clone()),
            },
            Op::AddNote { text } => {
                self.notes.push(Note {
                    at: at.to_string(),
                    by: by.to_string(),
                    text: text.clone(),
                });
                Op::RemoveNote {
                    at: at.to_string(),
                    by: by.to_string(),
                }
            }
            Op::RemoveNote { at: nat, by: nby } => {
                match self.notes.iter().position(|n| &n.at == nat && &n.by == nby) {
                    Some(i) => Op::AddNote {
                        text: self.notes.remove(i).text,
                    },
                    None => Op::RemoveNote {
                        at: nat.clone(),
                        by: nby.clone(),
                    },
                }
            }
        }
    }

    /// The mark as it applies to `current`: blockers and backports only on their train.
    pub fn effective_mark(&self, current: &str) -> Option<Mark> {
        match self.mark {
            Some(m) if m.is_per_train() => (self.train.as_deref() == Some(current)).then_some(m),
            m => m,
        }
    }

    /// "team/person", or whichever is set.
    pub fn owner(&self) -> Option<String> {
        match (&self.owner_team, &self.owner_person) {
            (Some(t), Some(p)) => Some(format!("{t}/{p}")),
            (Some(t), None) => Some(t.clone()),
            (None, Some(p)) => Some(p.clone()),
            (None, None) => None,
        }
    }

    fn is_empty(&self) -> bool {
        self.mark.is_none()
            && self.owner_team.is_none()
            && self.owner_person.is_none()
            && self.task.is_none()
            && self.filing.is_none()
            && self.notes.is_empty()
            && self.history.is_empty()
    }
}

/// The decisions file's content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decisions {
    pub format: String,
    pub version: u32,
    /// Fingerprint version of the keys (see docs/fingerprinting.md).
    pub fingerprint_version: u32,
    pub decisions: BTreeMap<String, Decision>,
    /// A person's merges: fingerprint → the group it belongs to (`decide --merge`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub merges: BTreeMap<String, crate::grouping::Merge>,
    /// A person's splits: fingerprints kept in a group of their own (`decide --split`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub splits: BTreeMap<String, crate::grouping::Split>,
    /// Decisions keyed by fingerprint version 1 that no run has matched to a group of the
    /// current version yet: kept whole until one does (`crate::grouping::migrate_v1`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub version1: BTreeMap<String, Decision>,
}

impl Default for Decisions {
    fn default() -> Self {
        Decisions {
            format: FORMAT.to_string(),
            version: FILE_VERSION,
            fingerprint_version: crate::fingerprint::FINGERPRINT_VERSION,
            decisions: BTreeMap::new(),
            merges: BTreeMap::new(),
            splits: BTreeMap::new(),
            version1: BTreeMap::new(),
        }
    }
}

impl Decisions {
    pub fn get(&self, fingerprint: &str) -> Option<&Decision> {
        self.decisions.get(fingerprint)
    }

    /// The key a group's decision is kept under: the group's own fingerprint, else the
    /// first member fingerprint that has one (a decision made when the group was keyed by
    /// another of its fingerprints), else the group's.
    pub fn key_for<'a>(
        &self,
        group: &'a str,
        members: impl IntoIterator<Item = &'a str>,
    ) -> &'a str {
        if self.decisions.contains_key(group) {
            return group;
        }
        members
            .into_iter()
            .find(|m| self.decisions.contains_key(*m))
            .unwrap_or(group)
    }

    /// The decision on a group (see [`Decisions::key_for`]).
    pub fn for_group<'a>(
        &self,
        group: &'a str,
        members: impl IntoIterator<Item = &'a str>,
    ) -> Option<&Decision> {
        self.decisions.get(self.key_for(group, members))
    }

    /// What grouping needs from this file: a person's merges and splits.
    pub fn grouping(&self, store: BTreeMap<String, String>) -> crate::grouping::Grouping {
        crate::grouping::Grouping {
            store,
            merges: self.merges.clone(),
            splits: self.splits.clone(),
        }
    }

    /// Applies `op` to the group `fingerprint`, recording who and when.
    pub fn apply(&mut self, fingerprint: &str, title: Option<&str>, op: &Op, at: &str, by: &str) {
        let d = self.decisions.entry(fingerprint.to_string()).or_default();
        if let Some(t) = title {
            d.title = Some(t.to_string());
        }
        let undo = d.apply(op, at, by);
        d.history.push(Change {
            at: at.to_string(),
            by: by.to_string(),
            op: op.clone(),
            undo,
        });
        if d.is_empty() {
            self.decisions.remove(fingerprint);
        }
    }

    fn parse(text: &str, path: &Path) -> Result<Decisions, DecisionsError> {
        let d: Decisions = serde_json::from_str(text).map_err(|e| DecisionsError::Corrupt {
            path: path.to_path_buf(),
            reason: if text.contains("<<<<<<<") {
                format!("{e} (it contains git conflict markers: resolve the conflict first)")
            } else {
                e.to_string()
            },
        })?;
        let mut d = d;
        if d.fingerprint_version == 1 {
            // Version 1 keys name no group of this version: kept aside, whole, until a run
            // matches each to its group (`grouping::migrate_v1`).
            let old = std::mem::take(&mut d.decisions);
            d.version1.extend(old);
            d.fingerprint_version = crate::fingerprint::FINGERPRINT_VERSION;
        }
        if d.fingerprint_version > crate::fingerprint::FINGERPRINT_VERSION {
            return Err(DecisionsError::Corrupt {
                path: path.to_path_buf(),
                reason: format!(
                    "its fingerprints are of version {}, newer than this logtriage's {}: upgrade logtriage",
                    d.fingerprint_version,
                    crate::fingerprint::FINGERPRINT_VERSION
                ),
            });
        }
        if d.format != FORMAT || d.version != FILE_VERSION {
            return Err(DecisionsError::Corrupt {
                path: path.to_path_buf(),
                reason: format!(
                    "not a logtriage decisions file of version {FILE_VERSION} (format {:?}, version {})",
                    d.format, d.version
                ),
            });
        }
        Ok(d)
    }

    fn render(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).expect("decisions serialize");
        s.push('\n');
        s
    }
}

#[derive(Debug)]
pub enum DecisionsError {
    /// The file exists but cannot be used; it is never overwritten.
    Corrupt {
        path: PathBuf,
        reason: String,
    },
    Io {
        path: PathBuf,
        action: &'static str,
        error: io::Error,
    },
    Locked {
        path: PathBuf,
        waited: Duration,
    },
    /// The fingerprint is the overflow group's, which takes no decision
    /// (`aggregate::is_overflow`).
    Overflow {
        fingerprint: String,
    },
}

impl fmt::Display for DecisionsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecisionsError::Corrupt { path, reason } => write!(
                f,
                "{}: cannot use the decisions file: {reason}; it was left untouched",
                path.display()
            ),
            DecisionsError::Io {
                path,
                action,
                error,
            } => write!(f, "{}: cannot {action}: {error}; NOT SAVED", path.display()),
            DecisionsError::Locked { path, waited } => write!(
                f,
                "{}: another logtriage held the lock for {:.0?}; NOT SAVED, try again",
                path.display(),
                waited
            ),
            DecisionsError::Overflow { fingerprint } => write!(
                f,
                "{fingerprint} is the group of rare errors past the {} groups one run keeps: it cannot carry a decision (it would hide every error later counted there); NOT SAVED. Narrow the query or the files so the errors get groups of their own, and decide on those",
                crate::aggregate::MAX_GROUPS
            ),
        }
    }
}

impl std::error::Error for DecisionsError {}

/// The decisions file on disk.
#[derive(Debug)]
pub struct DecisionStore {
    path: PathBuf,
    /// What the file held after the last load or save.
    pub data: Decisions,
}

impl DecisionStore {
    /// Opens `path`; a missing file is an empty store (created on the first save).
    pub fn open(path: impl Into<PathBuf>) -> Result<DecisionStore, DecisionsError> {
        // A decisions file kept elsewhere and linked in (a shared checkout, dotfiles) is
        // locked and written where it lives: replacing the link would fork the file.
        let path = through_symlinks(&path.into());
        let data = read(&path)?;
        Ok(DecisionStore { path, data })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Re-reads the file (changes by other instances).
    pub fn reload(&mut self) -> Result<(), DecisionsError> {
        self.data = read(&self.path)?;
        Ok(())
    }

    /// Applies one op and saves it before returning: when this returns `Ok`, the change is
    /// on disk. Changes other instances saved meanwhile are kept.
    pub fn apply(
        &mut self,
        fingerprint: &str,
        title: Option<&str>,
        op: &Op,
        by: &str,
    ) -> Result<(), DecisionsError> {
        let at = now();
        self.change(&[fingerprint], |d| d.apply(fingerprint, title, op, &at, by))
    }

    /// The template store kept beside the file (`<file>.groups`); empty when there is none.
    pub fn template_store(&self) -> Result<crate::grouping::StoreFile, DecisionsError> {
        let path = sidecar(&self.path, ".groups");
        match fs::read_to_string(&path) {
            Ok(text) => crate::grouping::StoreFile::parse(&text)
                .map_err(|reason| DecisionsError::Corrupt { path, reason }),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(Default::default()),
            Err(error) => Err(DecisionsError::Io {
                path,
                action: "read the template store",
                error,
            }),
        }
    }

    /// Everything that decides groups: this file's merges and splits, and the store.
    pub fn grouping(&self) -> Result<crate::grouping::Grouping, DecisionsError> {
        Ok(self.data.grouping(self.template_store()?.groups))
    }

    /// Adds fingerprints the store did not know (what a run grouped for the first time),
    /// under the decisions file's lock. Returns how many did not fit
    /// ([`crate::grouping::STORE_MAX`]).
    pub fn remember_groups(&self, entries: &[(String, String)]) -> Result<usize, DecisionsError> {
        if entries.is_empty() {
            return Ok(0);
        }
        let _lock = Lock::acquire(&self.path)?;
        let mut store = self.template_store()?;
        let before = store.groups.len();
        let left_out = store.remember(entries);
        if store.groups.len() != before {
            write_atomic(&sidecar(&self.path, ".groups"), store.render().as_bytes())?;
        }
        Ok(left_out)
    }

    /// Changes the file under its lock with `change` applied to what is on disk, for the
    /// fingerprints `about`; refuses the overflow group's.
    fn change(
        &mut self,
        about: &[&str],
        change: impl FnOnce(&mut Decisions),
    ) -> Result<(), DecisionsError> {
        if let Some(fp) = about.iter().find(|f| crate::aggregate::is_overflow(f)) {
            return Err(DecisionsError::Overflow {
                fingerprint: fp.to_string(),
            });
        }
        let _lock = Lock::acquire(&self.path)?;
        sweep_temp_files(&self.path);
        let mut fresh = read(&self.path)?;
        change(&mut fresh);
        write_atomic(&self.path, fresh.render().as_bytes())?;
        self.data = fresh;
        Ok(())
    }

    /// A person's merge: `fingerprint` joins `into`'s group in every later run.
    pub fn merge(&mut self, fingerprint: &str, into: &str, by: &str) -> Result<(), DecisionsError> {
        let at = now();
        self.change(&[fingerprint, into], |d| {
            d.splits.remove(fingerprint);
            d.merges.insert(
                fingerprint.to_string(),
                crate::grouping::Merge {
                    into: into.to_string(),
                    by: by.to_string(),
                    at,
                },
            );
        })
    }

    /// A person's split: `fingerprint` is a group of its own in every later run.
    pub fn split(&mut self, fingerprint: &str, by: &str) -> Result<(), DecisionsError> {
        let at = now();
        self.change(&[fingerprint], |d| {
            d.merges.remove(fingerprint);
            d.splits.insert(
                fingerprint.to_string(),
                crate::grouping::Split {
                    by: by.to_string(),
                    at,
                },
            );
        })
    }

    /// Keeps decisions on the groups of this run: version-1 decisions found in it move to
    /// their groups (see [`crate::grouping::migrate_v1`]), and a decision kept under a
    /// member moves to its group's key. Saves only when something moved; returns
    /// (from version 1, from members).
    pub fn follow_groups(
        &mut self,
        groups: &[crate::aggregate::Group],
    ) -> Result<(usize, usize), DecisionsError> {
        let from_v1 = if self.data.version1.is_empty() {
            Vec::new()
        } else {
            crate::grouping::migrate_v1(&self.data.version1, groups)
        };
        let rekeyed = crate::grouping::rekey_moves(&self.data, groups);
        if from_v1.is_empty() && rekeyed.is_empty() {
            return Ok((0, 0));
        }
        self.change(&[], |d| {
            crate::grouping::apply_moves(d, &rekeyed, false);
            crate::grouping::apply_moves(d, &from_v1, true);
        })?;
        Ok((from_v1.len(), rekeyed.len()))
    }

    /// Undoes the last change to `fingerprint` (itself recorded as a change).
    pub fn undo(&mut self, fingerprint: &str, by: &str) -> Result<Option<Op>, DecisionsError> {
        let Some(last) = self
            .data
            .get(fingerprint)
            .and_then(|d| d.history.last())
            .cloned()
        else {
            return Ok(None);
        };
        self.apply(fingerprint, None, &last.undo, by)?;
        Ok(Some(last.op))
    }
}

fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

/// A task reference: a Phabricator-style id (`T123456`) or an http(s) URL.
pub fn is_task_reference(s: &str) -> bool {
    let id = s
        .strip_prefix('T')
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
    id || ((s.starts_with("https://") || s.starts_with("http://"))
        && !s.contains(char::is_whitespace))
}

/// Who is making a change: `$LOGTRIAGE_USER`, else `$USER`, else "unknown".
pub fn current_user() -> String {
    std::env::var("LOGTRIAGE_USER")
        .or_else(|_| std::env::var("USER"))
        .ok()
        .filter(|u| !u.trim().is_empty())
        .unwrap_or_else(|| "unknown".to_string())
}

fn read(path: &Path) -> Result<Decisions, DecisionsError> {
    match fs::read_to_string(path) {
        Ok(text) if text.trim().is_empty() => Ok(Decisions::default()),
        Ok(text) => Decisions::parse(&text, path),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(Decisions::default()),
        Err(error) => Err(DecisionsError::Io {
            path: path.to_path_buf(),
            action: "read the decisions file",
            error,
        }),
    }
}

/// Removes temp files that writers killed mid-save left behind. Called under the lock: no
/// live writer has one open then.
fn sweep_temp_files(path: &Path) {
    let (Some(dir), Some(name)) = (path.parent(), path.file_name()) else {
        return;
    };
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    let prefix = format!("{}.tmp.", name.to_string_lossy());
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for e in entries.filter_map(Result::ok) {
        if e.file_name().to_string_lossy().starts_with(&prefix) {
            let _ = fs::remove_file(e.path());
        }
    }
}

/// An exclusive advisory lock on `<file>.lock`, released on drop.
struct Lock(File);

impl Lock {
    fn acquire(path: &Path) -> Result<Lock, DecisionsError> {
        let lock_path = sidecar(path, ".lock");
        let io_err = |error| DecisionsError::Io {
            path: lock_path.clone(),
            action: "open the lock file",
            error,
        };
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(io_err)?;
        let start = Instant::now();
        loop {
            match file.try_lock() {
                Ok(()) => return Ok(Lock(file)),
                Err(fs::TryLockError::WouldBlock) if start.elapsed() < LOCK_WAIT => {
                    std::thread::sleep(Duration::from_millis(5))
                }
                Err(fs::TryLockError::WouldBlock) => {
                    return Err(DecisionsError::Locked {
                        path: path.to_path_buf(),
                        waited: start.elapsed(),
                    });
                }
                Err(fs::TryLockError::Error(error)) => {
                    return Err(DecisionsError::Io {
                        path: lock_path,
                        action: "lock",
                        error,
                    });
                }
            }
        }
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        let _ = self.0.unlock();
    }
}

fn sidecar(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(suffix);
    path.with_file_name(name)
}

/// The file a path names once its symbolic links are followed (at most 40, as the kernel
/// allows), the last link's target even when it does not exist yet. Relative targets are
/// read from the link's directory.
pub fn through_symlinks(path: &Path) -> PathBuf {
    let mut p = path.to_path_buf();
    for _ in 0..40 {
        match fs::symlink_metadata(&p) {
            Ok(meta) if meta.file_type().is_symlink() => match fs::read_link(&p) {
                Ok(target) if target.is_absolute() => p = target,
                Ok(target) => {
                    p = p
                        .parent()
                        .map_or_else(|| target.clone(), |dir| dir.join(&target))
                }
                Err(_) => break,
            },
            _ => break,
        }
    }
    p
}

/// Replaces `path` with `bytes` atomically and durably: a temp file in the same directory,
/// written and fsynced, renamed over the target, then the directory fsynced. On any error
/// the old file is intact and the temp file removed. A new file is created 0600 (notes may
/// hold personal data); an existing file keeps its permissions. A device, pipe or socket is
/// written in place.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), DecisionsError> {
    // Through a symbolic link to its target: the link stays a link.
    let target = through_symlinks(path);
    let path = target.as_path();
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let tmp = sidecar(path, &format!(".tmp.{}", std::process::id()));
    let err = |action: &'static str| {
        move |error| DecisionsError::Io {
            path: path.to_path_buf(),
            action,
            error,
        }
    };
    // A device, pipe or socket (`-o /dev/stdout`, `/dev/null`, a FIFO) is written in
    // place: a file renamed over it would replace it (as root, the machine's /dev/null).
    if let Ok(meta) = fs::metadata(path)
        && !meta.is_file()
        && !meta.is_dir()
    {
        let mut f = OpenOptions::new()
            .write(true)
            .open(path)
            .map_err(err("open"))?;
        return f.write_all(bytes).map_err(err("write"));
    }
    let result = (|| {
        let mut opts = OpenOptions::new();
        opts.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        let mut f = opts.open(&tmp).map_err(err("create a temporary file"))?;
        if let Ok(meta) = fs::metadata(path) {
            f.set_permissions(meta.permissions())
                .map_err(err("copy permissions"))?;
        }
        f.write_all(bytes).map_err(err("write"))?;
        f.sync_all().map_err(err("fsync"))?;
        drop(f);
        fs::rename(&tmp, path).map_err(err("rename the temporary file"))?;
        #[cfg(unix)]
        File::open(&dir)
            .and_then(|d| d.sync_all())
            .map_err(err("fsync the directory"))?;
        Ok(())
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn a_pipe_is_written_in_place_not_replaced() {
        use std::io::Read;
        use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("out");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        // A reader that does not wait for a writer, so that the write below never blocks.
        let mut reader = OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NONBLOCK)
            .open(&fifo)
            .unwrap();
        write_atomic(&fifo, b"report").unwrap();
        let mut got = Vec::new();
        let _ = reader.read_to_end(&mut got);
        assert_eq!(got, b"report");
        assert!(fs::metadata(&fifo).unwrap().file_type().is_fifo());
    }

    fn store() -> (tempfile::TempDir, DecisionStore) {
        let dir = tempfile::tempdir().unwrap();
        let s = DecisionStore::open(dir.path().join("d.json")).unwrap();
        (dir, s)
    }

    #[cfg(unix)]
    #[test]
    fn a_linked_decisions_file_is_written_where_it_lives() {
        let dir = tempfile::tempdir().unwrap();
        let shared = dir.path().join("shared");
        fs::create_dir(&shared).unwrap();
        let target = shared.join("decisions.json");
        let link = dir.path().join("decisions.json");
        // A relative link, as a checkout or dotfiles manager makes it.
        std::os::unix::fs::symlink("shared/decisions.json", &link).unwrap();
        let mut s = DecisionStore::open(&link).unwrap();
        let mark = Op::SetMark {
            mark: Some(Mark::Known),
            train: None,
        };
        s.apply("fp1", Some("x"), &mark, "ann").unwrap();
        // The link is still a link, the decision is in its target, the lock beside it.
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert!(fs::read_to_string(&target).unwrap().contains("fp1"));
        assert!(shared.join("decisions.json.lock").exists());
        assert!(!dir.path().join("decisions.json.lock").exists());
        // A second instance through the link sees it.
        let again = DecisionStore::open(&link).unwrap();
        assert_eq!(again.data.get("fp1").unwrap().mark, Some(Mark::Known));
        // A link loop ends.
        let a = dir.path().join("a");
        let b = dir.path().join("b");
        std::os::unix::fs::symlink(&b, &a).unwrap();
        std::os::unix::fs::symlink(&a, &b).unwrap();
        let _ = through_symlinks(&a);
    }

    #[test]
    fn apply_saves_and_reloads() {
        let (_d, mut s) = store();
        s.apply(
            "fp1",
            Some("TypeError: x"),
            &Op::SetMark {
                mark: Some(Mark::Blocker),
                train: Some("1.46.0-wmf.4".into()),
            },
            "ann",
        )
        .unwrap();
        s.apply(
            "fp1",
            None,
            &Op::SetOwnerTeam {
                team: Some("MediaWiki-Platform".into()),
            },
            "ann",
        )
        .unwrap();
        s.apply(
            "fp1",
            None,
            &Op::AddNote {
                text: "seen on testwiki only".into(),
            },
            "bob",
        )
        .unwrap();
        let again = DecisionStore::open(s.path()).unwrap();
        let d = again.data.get("fp1").unwrap();
        assert_eq!(d.mark, Some(Mark::Blocker));
        assert_eq!(d.owner(), Some("MediaWiki-Platform".into()));
        assert_eq!(d.notes[0].by, "bob");
        assert_eq!(d.history.len(), 3);
        assert_eq!(d.title.as_deref(), Some("TypeError: x"));
    }

    #[test]
    fn blockers_belong_to_their_train_known_carries_over() {
        let mut d = Decision {
            mark: Some(Mark::Blocker),
            train: Some("1.46.0-wmf.4".into()),
            ..Decision::default()
        };
        assert_eq!(d.effective_mark("1.46.0-wmf.4"), Some(Mark::Blocker));
        assert_eq!(d.effective_mark("1.46.0-wmf.5"), None);
        d.mark = Some(Mark::Known);
        assert_eq!(d.effective_mark("1.46.0-wmf.5"), Some(Mark::Known));
    }

    #[test]
    fn undo_restores_each_kind_of_change() {
        let (_d, mut s) = store();
        s.apply(
            "fp",
            None,
            &Op::SetMark {
                mark: Some(Mark::Known),
                train: None,
            },
            "a",
        )
        .unwrap();
        s.apply(
            "fp",
            None,
            &Op::SetMark {
                mark: Some(Mark::Blocker),
                train: Some("v2".into()),
            },
            "a",
        )
        .unwrap();
        s.apply(
            "fp",
            None,
            &Op::SetTask {
                task: Some("T1".into()),
            },
            "a",
        )
        .unwrap();
        s.apply("fp", None, &Op::AddNote { text: "n".into() }, "a")
            .unwrap();
        assert!(matches!(
            s.undo("fp", "a").unwrap(),
            Some(Op::AddNote { .. })
        ));
        assert!(s.data.get("fp").unwrap().notes.is_empty());
        s.undo("fp", "a").unwrap(); // the undo of the note removal re-adds it...
        assert_eq!(s.data.get("fp").unwrap().notes.len(), 1);
        s.undo("fp", "a").unwrap(); // ...and undoing that removes it again
        assert!(s.data.get("fp").unwrap().notes.is_empty());
        let (_d2, mut t) = store();
        t.apply(
            "x",
            None,
            &Op::SetMark {
                mark: Some(Mark::Known),
                train: None,
            },
            "a",
        )
        .unwrap();
        t.apply(
            "x",
            None,
            &Op::SetMark {
                mark: Some(Mark::Blocker),
                train: Some("v2".into()),
            },
            "a",
        )
        .unwrap();
        t.undo("x", "a").unwrap();
        assert_eq!(t.data.get("x").unwrap().mark, Some(Mark::Known));
        assert_eq!(t.data.get("x").unwrap().train, None);
    }

    #[test]
    fn two_instances_merge_instead_of_clobbering() {
        let (_d, mut a) = store();
        let mut b = DecisionStore::open(a.path()).unwrap();
        a.apply(
            "fp1",
            None,
            &Op::SetMark {
                mark: Some(Mark::Blocker),
                train: Some("v".into()),
            },
            "a",
        )
        .unwrap();
        // b has not reloaded, yet its save keeps a's change.
        b.apply(
            "fp2",
            None,
            &Op::SetOwnerPerson {
                person: Some("bob".into()),
            },
            "b",
        )
        .unwrap();
        let disk = DecisionStore::open(a.path()).unwrap();
        assert!(disk.data.get("fp1").is_some() && disk.data.get("fp2").is_some());
        assert_eq!(b.data, disk.data);
    }

    #[test]
    fn a_corrupt_file_is_reported_and_never_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("d.json");
        let conflict = "<<<<<<< HEAD\n{}\n=======\n{}\n>>>>>>> other\n";
        fs::write(&p, conflict).unwrap();
        let err = DecisionStore::open(&p).unwrap_err().to_string();
        assert!(
            err.contains("git conflict markers") && err.contains("left untouched"),
            "{err}"
        );
        assert_eq!(fs::read_to_string(&p).unwrap(), conflict);
        fs::write(
            &p,
            "{\"format\":\"other\",\"version\":1,\"fingerprint_version\":1,\"decisions\":{}}",
        )
        .unwrap();
        assert!(
            DecisionStore::open(&p)
                .unwrap_err()
                .to_string()
                .contains("not a logtriage decisions file")
        );
    }

    #[test]
    fn failed_write_leaves_old_file_and_no_temp() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("d.json");
        let mut s = DecisionStore::open(&p).unwrap();
        s.apply(
            "fp",
            None,
            &Op::SetTask {
                task: Some("T1".into()),
            },
            "a",
        )
        .unwrap();
        let before = fs::read_to_string(&p).unwrap();
        // The temp file's name is taken by a directory: creating it fails.
        fs::create_dir(sidecar(&p, &format!(".tmp.{}", std::process::id()))).unwrap();
        let err = s
            .apply(
                "fp",
                None,
                &Op::SetTask {
                    task: Some("T2".into()),
                },
                "a",
            )
            .unwrap_err();
        assert!(err.to_string().contains("NOT SAVED"), "{err}");
        assert_eq!(fs::read_to_string(&p).unwrap(), before);
        assert_eq!(s.data.get("fp").unwrap().task.as_deref(), Some("T1"));
    }

    #[cfg(unix)]
    #[test]
    fn new_files_are_private_existing_keep_their_mode() {
        use std::os::unix::fs::PermissionsExt;
        let (_d, mut s) = store();
        s.apply(
            "fp",
            None,
            &Op::SetTask {
                task: Some("T1".into()),
            },
            "a",
        )
        .unwrap();
        assert_eq!(
            fs::metadata(s.path()).unwrap().permissions().mode() & 0o777,
            0o600
        );
        fs::set_permissions(s.path(), fs::Permissions::from_mode(0o644)).unwrap();
        s.apply(
            "fp",
            None,
            &Op::SetTask {
                task: Some("T2".into()),
            },
            "a",
        )
        .unwrap();
        assert_eq!(
            fs::metadata(s.path()).unwrap().permissions().mode() & 0o777,
            0o644
        );
    }
}
