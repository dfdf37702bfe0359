//! The TUI's state: the loaded report, the decisions, what is selected and shown, and
//! the derived rows (filtered and sorted). Nothing here draws or does I/O.

use logtriage::decisions::Decisions;
use logtriage::diff::Status;
use logtriage::report::{GroupReport, Report};
use std::collections::HashSet;
use std::path::PathBuf;
use std::time::Instant;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    List,
    Detail,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sort {
    /// Status (new first), then count now.
    Status,
    /// Events in the current version.
    Count,
    /// Normalized ratio, highest first (new counts as infinite).
    Ratio,
    /// First seen in the current version, newest first.
    FirstSeen,
}

impl Sort {
    pub fn next(self) -> Sort {
        match self {
            Sort::Status => Sort::Count,
            Sort::Count => Sort::Ratio,
            Sort::Ratio => Sort::FirstSeen,
            Sort::FirstSeen => Sort::Status,
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            Sort::Status => "status",
            Sort::Count => "count",
            Sort::Ratio => "ratio",
            Sort::FirstSeen => "first seen",
        }
    }
}

/// What a prompt is asking for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputKind {
    Owner,
    Task,
    Note,
}

impl InputKind {
    pub fn prompt(self) -> &'static str {
        match self {
            InputKind::Owner => "Owner team/person (e.g. Platform/ann)",
            InputKind::Task => "Task: T123456 or a URL (empty clears)",
            InputKind::Note => "Note",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    Normal,
    Search,
    Input {
        kind: InputKind,
        buffer: String,
    },
    Help {
        filter: String,
    },
    /// The selected group's decision history (newest first).
    History,
    /// `:` command palette: type to filter, Enter runs the highlighted command.
    Palette {
        filter: String,
        selected: usize,
    },
    /// `F`: filing the targeted groups in the tracker, one at a time.
    File(Box<FileDialog>),
}

/// How a preparation that found the group already filed starts its message.
pub const ALREADY_FILED: &str = "already filed as ";

/// Filing tasks: the groups still to file and where the first one stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileDialog {
    /// Fingerprints still to file; the first is the one shown.
    pub queue: Vec<String>,
    pub stage: FileStage,
    /// The parent task once the tracker named it (`Some(None)`: there is none), so the
    /// next groups of the queue do not ask again.
    pub parent: Option<Option<logtriage::filing::TaskRef>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileStage {
    /// Drafting, finding the parent task and searching for duplicates.
    Preparing,
    /// The preview: file it, edit the title, link a duplicate, or skip.
    Preview {
        prepared: Box<Prepared>,
        /// The title being edited (`e`), until Enter.
        editing: Option<String>,
        scroll: u16,
    },
    /// The create request is out.
    Filing,
}

/// What the preview shows, and what filing sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prepared {
    pub fingerprint: String,
    pub title: String,
    pub draft: logtriage::task::TaskDraft,
    /// The body as the tracker will get it.
    pub body: String,
    pub destination: String,
    pub parent: Option<logtriage::filing::TaskRef>,
    pub duplicates: Vec<logtriage::filing::TaskRef>,
    /// An earlier attempt left a pending filing (it is looked up before creating).
    pub pending: Option<String>,
}

/// Where `F` files: a tracker, nowhere (tasks are written to files), or a tracker that is
/// configured but cannot be used (the reason is shown on `F`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Filing {
    #[default]
    ToFiles,
    Tracker(String),
    Broken(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Load {
    Loading { since: Instant },
    Ready,
    Failed(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Info,
    Error,
}

pub struct State {
    /// What is being triaged, for the header ("3 files", a URL...).
    pub source_label: String,
    pub load: Load,
    pub report: Option<Report>,
    pub decisions: Decisions,
    pub decisions_path: PathBuf,
    pub rows: Vec<usize>,
    pub selected: usize,
    pub focus: Pane,
    pub detail_scroll: u16,
    pub sort: Sort,
    pub status_filter: Option<Status>,
    pub search: String,
    pub mode: Mode,
    pub message: Option<(String, Tone)>,
    /// Groups that appeared since the previous load (highlighted after a refresh).
    pub fresh: HashSet<String>,
    pub quit: bool,
    /// When the report on screen was read (set by the runtime; data freshness).
    pub loaded_at: Option<String>,
    /// Keys of normal mode (defaults, or the config's `[keys]`).
    pub keymap: super::keys::Keymap,
    /// Events read so far by the load in progress (copied in by the runtime).
    pub events_read: u64,
    /// Groups selected with Space: marks and prompts apply to all of them.
    pub selection: std::collections::BTreeSet<String>,
    /// Colors allowed (NO_COLOR unset).
    pub color: bool,
    /// `[theme] high_contrast`: nothing dimmed.
    pub high_contrast: bool,
    /// Where `F` files tasks.
    pub filing: Filing,
    /// The config's `[[code_links]]`, for task drafts.
    pub code_links: logtriage::task::CodeLinks,
    /// Whether each task of a known or ignored group is open, as the tracker said.
    pub task_states: std::collections::HashMap<String, bool>,
}

impl State {
    pub fn new(
        source_label: String,
        decisions: Decisions,
        decisions_path: PathBuf,
        color: bool,
    ) -> State {
        State {
            source_label,
            load: Load::Loading {
                since: Instant::now(),
            },
            report: None,
            decisions,
            decisions_path,
            rows: Vec::new(),
            selected: 0,
            focus: Pane::List,
            detail_scroll: 0,
            sort: Sort::Status,
            status_filter: None,
            search: String::new(),
            mode: Mode::Normal,
            message: None,
            fresh: HashSet::new(),
            quit: false,
            loaded_at: None,
            selection: Default::default(),
            events_read: 0,
            keymap: Default::default(),
            color,
            high_contrast: false,
            filing: Filing::default(),
            code_links: Default::default(),
            task_states: Default::default(),
        }
    }

    /// The groups an action applies to: the Space-selected ones, else the highlighted one.
    /// The groups a decision applies to: the selected ones, else the one under the cursor;
    /// never the overflow group, which carries no decision (see `GroupReport::overflow`).
    pub fn targets(&self) -> Vec<&GroupReport> {
        let Some(r) = &self.report else {
            return Vec::new();
        };
        if self.selection.is_empty() {
            return self
                .selected_group()
                .into_iter()
                .filter(|g| !g.overflow)
                .collect();
        }
        r.groups
            .iter()
            .filter(|g| self.selection.contains(&g.fingerprint) && !g.overflow)
            .collect()
    }

    pub fn selected_group(&self) -> Option<&GroupReport> {
        let r = self.report.as_ref()?;
        self.rows.get(self.selected).map(|&i| &r.groups[i])
    }

    /// Recomputes the visible rows, keeping the selected group selected when it stays.
    pub fn refresh_rows(&mut self) {
        let keep = self.selected_group().map(|g| g.fingerprint.clone());
        let Some(r) = &self.report else {
            self.rows.clear();
            return;
        };
        let needle = self.search.to_lowercase();
        let mut rows: Vec<usize> = (0..r.groups.len())
            .filter(|&i| {
                let g = &r.groups[i];
                self.status_filter.is_none_or(|s| g.status == s)
                    && (needle.is_empty() || matches_search(g, &needle))
            })
            .collect();
        let key_ratio = |g: &GroupReport| {
            if g.status == Status::New {
                f64::INFINITY
            } else {
                g.ratio.unwrap_or(0.0)
            }
        };
        match self.sort {
            Sort::Status => {} // the report's own order
            Sort::Count => {
                rows.sort_by(|a, b| r.groups[*b].current.count.cmp(&r.groups[*a].current.count))
            }
            Sort::Ratio => {
                rows.sort_by(|a, b| key_ratio(&r.groups[*b]).total_cmp(&key_ratio(&r.groups[*a])))
            }
            Sort::FirstSeen => rows.sort_by(|a, b| {
                r.groups[*b]
                    .current
                    .first_seen
                    .cmp(&r.groups[*a].current.first_seen)
            }),
        }
        self.rows = rows;
        self.selected = keep
            .and_then(|fp| {
                self.rows
                    .iter()
                    .position(|&i| r.groups[i].fingerprint == fp)
            })
            .unwrap_or(0)
            .min(self.rows.len().saturating_sub(1));
    }
}

/// Search: every word must match. `key:value` words filter on a field (`status:new`,
/// `level:error`, `mark:blocker` or `mark:none`, `owner:ann` (team or person), `task:T1`,
/// `rule:stack`, and breakdown values `host:`, `wiki:`, `service:`, `url:`, `channel:`);
/// a word in `/slashes/` is a regular expression; `~word` matches the title fuzzily (its letters
/// in order: `~prsout` finds ParserOutput); any other word must appear in the title,
/// template, fingerprint, owner, task or mark (case-insensitive).
fn matches_search(g: &GroupReport, needle: &str) -> bool {
    needle.split_whitespace().all(|w| matches_word(g, w))
}

fn matches_word(g: &GroupReport, w: &str) -> bool {
    if let Some((key, value)) = w.split_once(':')
        && !value.is_empty()
        && let Some(hit) = field_match(g, key, value)
    {
        return hit;
    }
    let hay = haystack(g);
    if let Some(fuzzy) = w.strip_prefix('~').filter(|f| !f.is_empty()) {
        let title = g.title.to_lowercase();
        let mut it = title.chars();
        return fuzzy.chars().all(|c| it.any(|h| h == c));
    }
    match w.strip_prefix('/').and_then(|x| x.strip_suffix('/')) {
        Some(re) if !re.is_empty() => regex::RegexBuilder::new(re)
            .case_insensitive(true)
            .size_limit(1 << 20)
            .build()
            .is_ok_and(|r| r.is_match(&hay)),
        _ => hay.contains(w),
    }
}

/// `Some(matched)` for a known field key, `None` for an ordinary word with a colon.
fn field_match(g: &GroupReport, key: &str, value: &str) -> Option<bool> {
    let d = g.decision.as_ref();
    let has = |v: Option<&String>| v.is_some_and(|v| v.to_lowercase().contains(value));
    Some(match key {
        "status" => g.status.as_str().starts_with(value),
        "level" => g.level_label().starts_with(value),
        "rule" => g.rule.starts_with(value),
        "mark" | "decision" => match d.and_then(|d| d.mark) {
            Some(m) => m.as_str().starts_with(value),
            None => value == "none",
        },
        "owner" => {
            has(d.and_then(|d| d.owner_team.as_ref()))
                || has(d.and_then(|d| d.owner_person.as_ref()))
        }
        "team" => has(d.and_then(|d| d.owner_team.as_ref())),
        "person" => has(d.and_then(|d| d.owner_person.as_ref())),
        // `task:closed`: the tracker says the group's task is closed.
        "task" if value == "closed" => d.is_some_and(|d| d.task_open == Some(false)),
        "task" => has(d.and_then(|d| d.task.as_ref())),
        "host" | "wiki" | "service" | "url" | "channel" => g
            .top
            .get(key)
            .is_some_and(|vs| vs.iter().any(|(v, _)| v.to_lowercase().contains(value))),
        _ => return None,
    })
}

fn haystack(g: &GroupReport) -> String {
    let mut hay = format!("{} {} {}", g.title, g.template, g.fingerprint).to_lowercase();
    if let Some(d) = &g.decision {
        for v in [&d.owner_team, &d.owner_person, &d.task]
            .into_iter()
            .flatten()
        {
            hay.push(' ');
            hay.push_str(&v.to_lowercase());
        }
        if let Some(m) = d.mark {
            hay.push(' ');
            hay.push_str(m.as_str());
        }
    }
    hay
}
