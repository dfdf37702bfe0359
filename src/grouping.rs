//! Which fingerprints are one group. A fingerprint is a pure function of an event (see
//! `crate::fingerprint`); a group is a set of fingerprints, keyed by one of them. Who
//! decides, in order:
//!
//! 1. a person: `decide --split FP` keeps a fingerprint in a group of its own, `decide
//!    --merge INTO FP` puts FP in INTO's group (both kept in the decisions file);
//! 2. the template store: every fingerprint a run saw, with the group it was put in,
//!    persisted next to the decisions file (`<decisions>.groups`), so a fingerprint keeps
//!    its group in every later run whatever else that run reads;
//! 3. template mining, for fingerprints seen for the first time only: a new fingerprint
//!    mined together with known ones joins their group; new ones mined only with each other
//!    form a group keyed by the smallest of their fingerprints. Mining never moves a known
//!    fingerprint and never joins two known groups: that takes a person.
//!
//! Without a decisions file there is no store, and mining's proposals stand for the run.

use crate::fingerprint::drain;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// How a fingerprint came to be in its group: what the JSON and the detail pane show, so a
/// wrong merge can be argued with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "how", rename_all = "snake_case")]
pub enum Joined {
    /// The group is keyed by this fingerprint.
    Own,
    /// The template store put it there in an earlier run.
    Store,
    /// Template mining proposed it in this run: its template and the group's differ only
    /// where the mined template has `<*>`.
    Mined { template: String },
    /// A person merged it into this group.
    Person { by: String, at: String },
}

impl Joined {
    /// A few words, for lists: no log text and no names, so any format can print them.
    pub fn short(&self) -> &'static str {
        match self {
            Joined::Own => "its key",
            Joined::Store => "template store",
            Joined::Mined { .. } => "template mining",
            Joined::Person { .. } => "merged by a person",
        }
    }

    /// One line for the detail pane.
    pub fn describe(&self) -> String {
        match self {
            Joined::Own => "the group's own fingerprint".to_string(),
            Joined::Store => "kept in this group by the template store (an earlier run)".into(),
            Joined::Mined { template } => format!("merged by template mining as `{template}`"),
            Joined::Person { by, at } => format!("merged by {by} at {at}"),
        }
    }
}

/// A person's merge: this fingerprint belongs to `into`'s group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Merge {
    pub into: String,
    pub by: String,
    pub at: String,
}

/// A person's split: this fingerprint is a group of its own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Split {
    pub by: String,
    pub at: String,
}

/// Everything that decides groups beyond the fingerprints themselves.
#[derive(Debug, Clone, Default)]
pub struct Grouping {
    /// The template store: fingerprint → group, from earlier runs.
    pub store: BTreeMap<String, String>,
    pub merges: BTreeMap<String, Merge>,
    pub splits: BTreeMap<String, Split>,
}

/// One fingerprint of a run, as grouping sees it.
#[derive(Debug, Clone)]
pub struct Candidate<'a> {
    pub fingerprint: &'a str,
    /// Message-rule fingerprints may be mined; the other rules are exact already.
    pub minable: bool,
    /// Mining only merges within one partition (the same origin and error type).
    pub partition: (Option<&'a str>, Option<&'a str>),
    pub template: &'a str,
}

/// The group of one fingerprint and how it got there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    pub group: String,
    pub joined: Joined,
}

/// Groups for a run's fingerprints.
#[derive(Debug, Default)]
pub struct Assigned {
    pub by_fingerprint: HashMap<String, Assignment>,
    /// Distinct templates past the mining cap, left unmerged (counted, never dropped).
    pub unmined: usize,
    /// Fingerprints the store did not know, with their groups: what to persist.
    pub new_entries: Vec<(String, String)>,
}

/// Follows a person's merges and the store from `fp` to the group it is kept in, if any.
fn known_group(g: &Grouping, fp: &str) -> Option<(String, Joined)> {
    if g.splits.contains_key(fp) {
        return Some((fp.to_string(), Joined::Own));
    }
    let mut at = fp.to_string();
    let mut joined = None;
    // Chains are short; the bound stops a cycle a hand edit could make.
    for _ in 0..32 {
        let next = if let Some(m) = g.merges.get(&at) {
            joined.get_or_insert(Joined::Person {
                by: m.by.clone(),
                at: m.at.clone(),
            });
            m.into.clone()
        } else if let Some(s) = g.store.get(&at).filter(|s| **s != at) {
            joined.get_or_insert(Joined::Store);
            s.clone()
        } else {
            break;
        };
        if g.splits.contains_key(&next) || next == fp {
            at = next;
            break;
        }
        at = next;
    }
    if at == fp {
        return g.store.contains_key(fp).then_some((at, Joined::Own));
    }
    Some((at, joined.unwrap_or(Joined::Own)))
}

/// Decides the group of every candidate. A pure function of the candidates (as a set) and
/// `grouping`: input order never matters.
pub fn assign(grouping: &Grouping, candidates: &[Candidate]) -> Assigned {
    let mut out = Assigned::default();
    let mut new: Vec<usize> = Vec::new();
    for (i, c) in candidates.iter().enumerate() {
        match known_group(grouping, c.fingerprint) {
            Some((group, joined)) => {
                out.by_fingerprint
                    .insert(c.fingerprint.to_string(), Assignment { group, joined });
            }
            None => new.push(i),
        }
    }
    // Mining, per partition, over the new fingerprints and the known ones they may join.
    let mut partitions: BTreeMap<(Option<&str>, Option<&str>), Vec<usize>> = BTreeMap::new();
    for (i, c) in candidates.iter().enumerate() {
        if c.minable && !grouping.splits.contains_key(c.fingerprint) {
            partitions.entry(c.partition).or_default().push(i);
        }
    }
    let is_new = |i: usize| !out.by_fingerprint.contains_key(candidates[i].fingerprint);
    let mut mined: Vec<(usize, Assignment)> = Vec::new();
    for idx in partitions.values() {
        if !idx.iter().any(|&i| is_new(i)) {
            continue;
        }
        let templates: Vec<&str> = idx.iter().map(|&i| candidates[i].template).collect();
        let result = drain::cluster_counted(&templates);
        out.unmined += result.unmined;
        let mut clusters: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for (&i, t) in idx.iter().zip(&result.merged) {
            clusters.entry(t.as_str()).or_default().push(i);
        }
        for (template, members) in clusters {
            let (fresh, known): (Vec<usize>, Vec<usize>) =
                members.iter().partition(|&&i| is_new(i));
            if fresh.is_empty() {
                continue;
            }
            let target = if known.is_empty() {
                fresh
                    .iter()
                    .map(|&i| candidates[i].fingerprint)
                    .min()
                    .expect("non-empty")
                    .to_string()
            } else {
                // The group most of the known members are in (ties: the smallest key).
                let mut votes: BTreeMap<&str, usize> = BTreeMap::new();
                for &i in &known {
                    *votes
                        .entry(&out.by_fingerprint[candidates[i].fingerprint].group)
                        .or_default() += 1;
                }
                let best = votes.values().copied().max().unwrap_or(0);
                votes
                    .into_iter()
                    .find(|(_, n)| *n == best)
                    .map(|(g, _)| g.to_string())
                    .expect("non-empty")
            };
            for &i in &fresh {
                let fp = candidates[i].fingerprint;
                let joined = if fp == target {
                    Joined::Own
                } else {
                    Joined::Mined {
                        template: template.to_string(),
                    }
                };
                mined.push((
                    i,
                    Assignment {
                        group: target.clone(),
                        joined,
                    },
                ));
            }
        }
    }
    for (i, a) in mined {
        out.by_fingerprint
            .insert(candidates[i].fingerprint.to_string(), a);
    }
    for &i in &new {
        let fp = candidates[i].fingerprint;
        let a = out
            .by_fingerprint
            .entry(fp.to_string())
            .or_insert_with(|| Assignment {
                group: fp.to_string(),
                joined: Joined::Own,
            });
        out.new_entries.push((fp.to_string(), a.group.clone()));
    }
    out.new_entries.sort();
    out
}

/// The position-wise merge of templates of one shape (equal tokens stay, differing ones
/// become `<*>`); `None` when their token counts differ or there is only one.
pub fn merge_templates(templates: &[&str]) -> Option<String> {
    let (first, rest) = templates.split_first()?;
    if rest.is_empty() {
        return None;
    }
    let mut merged: Vec<&str> = first.split(' ').collect();
    for t in rest {
        let tokens: Vec<&str> = t.split(' ').collect();
        if tokens.len() != merged.len() {
            return None;
        }
        for (slot, t) in merged.iter_mut().zip(tokens) {
            if *slot != t {
                *slot = crate::fingerprint::mask::VAR;
            }
        }
    }
    Some(merged.join(" "))
}

/// Where version-1 decisions belong in this run: `(version-1 key, group)` pairs.
///
/// A version-1 key hashed the same inputs as today's, except that a message's template was
/// the *mined* one. Exception types, frames and explicit fields give the key back exactly;
/// for messages the mined template is the decision's stored title (titles are that template
/// unless cut at 160 characters), so a key is confirmed by hashing the title with each
/// origin of the run and looked for among the members of that origin whose template has
/// the title's shape. A decision found nowhere stays in `version1`, whole.
pub fn migrate_v1(
    version1: &BTreeMap<String, crate::decisions::Decision>,
    groups: &[crate::aggregate::Group],
) -> Vec<(String, String)> {
    use crate::fingerprint::Rule;
    let titles: Vec<&str> = version1
        .values()
        .filter_map(|d| d.title.as_deref())
        .filter(|t| !t.ends_with('…'))
        .collect();
    // version-1 key -> group -> events of the members that gave it
    let mut found: BTreeMap<&str, BTreeMap<&str, u64>> = BTreeMap::new();
    let mut seen_origins = std::collections::HashSet::new();
    let mut message_keys: Vec<(String, Rule, Option<&str>, &str)> = Vec::new();
    for g in groups {
        for m in &g.members {
            let k = &m.prekey;
            match k.rule {
                Rule::Explicit | Rule::Stack => {
                    let key = k.fingerprint_as(1, &k.template);
                    if let Some((old, _)) = version1.get_key_value(&key) {
                        *found
                            .entry(old)
                            .or_default()
                            .entry(&g.fingerprint)
                            .or_default() += m.events;
                    }
                }
                Rule::TemplateField | Rule::Message => {
                    if seen_origins.insert((k.rule, k.origin.as_deref())) {
                        for t in &titles {
                            let key = k.fingerprint_as(1, t);
                            if version1.contains_key(&key) {
                                message_keys.push((key, k.rule, k.origin.as_deref(), t));
                            }
                        }
                    }
                }
            }
        }
    }
    for (key, rule, origin, title) in &message_keys {
        let old = version1.get_key_value(key).expect("checked").0.as_str();
        for g in groups {
            for m in &g.members {
                let k = &m.prekey;
                if k.rule == *rule
                    && k.origin.as_deref() == *origin
                    && same_shape(title, &k.template)
                {
                    *found
                        .entry(old)
                        .or_default()
                        .entry(&g.fingerprint)
                        .or_default() += m.events;
                }
            }
        }
    }
    found
        .into_iter()
        .filter_map(|(old, by_group)| {
            let most = by_group.values().copied().max()?;
            let group = by_group.into_iter().find(|(_, n)| *n == most)?.0;
            Some((old.to_string(), group.to_string()))
        })
        .collect()
}

/// Whether a version-1 mined template and a template of today have one shape: as many
/// tokens, equal wherever neither is a variable.
fn same_shape(a: &str, b: &str) -> bool {
    let var = crate::fingerprint::mask::VAR;
    let (mut x, mut y) = (a.split(' '), b.split(' '));
    loop {
        match (x.next(), y.next()) {
            (None, None) => return true,
            (Some(p), Some(q)) if p == q || p.contains(var) || q.contains(var) => {}
            _ => return false,
        }
    }
}

/// Decisions kept under a member of a group rather than the group's own key (the group
/// got another key: a person merged it into another): `(member, group)` pairs.
pub fn rekey_moves(
    decisions: &crate::decisions::Decisions,
    groups: &[crate::aggregate::Group],
) -> Vec<(String, String)> {
    groups
        .iter()
        .filter(|g| decisions.get(&g.fingerprint).is_none())
        .filter_map(|g| {
            let m = g
                .members
                .iter()
                .find(|m| decisions.get(&m.fingerprint).is_some())?;
            Some((m.fingerprint.clone(), g.fingerprint.clone()))
        })
        .collect()
}

/// Moves decisions to their groups' keys, from version 1's keys (`from_version1`) or from
/// a member's. A group that already has a decision keeps it, gains the moved one's notes
/// and history, and fills what it left unset.
pub fn apply_moves(
    d: &mut crate::decisions::Decisions,
    moves: &[(String, String)],
    from_version1: bool,
) {
    for (old, group) in moves {
        let taken = if from_version1 {
            d.version1.remove(old)
        } else {
            d.decisions.remove(old)
        };
        let Some(mut moved) = taken else { continue };
        match d.decisions.get_mut(group) {
            None => {
                d.decisions.insert(group.clone(), moved);
            }
            Some(kept) => {
                kept.mark = kept.mark.or(moved.mark);
                if kept.train.is_none() {
                    kept.train = moved.train.take();
                }
                if kept.owner_team.is_none() {
                    kept.owner_team = moved.owner_team.take();
                }
                if kept.owner_person.is_none() {
                    kept.owner_person = moved.owner_person.take();
                }
                if kept.task.is_none() {
                    kept.task = moved.task.take();
                }
                if kept.filing.is_none() {
                    kept.filing = moved.filing.take();
                }
                kept.notes.append(&mut moved.notes);
                kept.notes.sort_by(|a, b| a.at.cmp(&b.at));
                kept.history.append(&mut moved.history);
                kept.history.sort_by(|a, b| a.at.cmp(&b.at));
            }
        }
    }
}

/// The template store on disk: fingerprint → group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoreFile {
    pub format: String,
    pub fingerprint_version: u32,
    pub groups: BTreeMap<String, String>,
}

/// The store's `format` field.
pub const STORE_FORMAT: &str = "logtriage-groups";

/// Fingerprints the store keeps at most. Past it new fingerprints are grouped for the run
/// but not remembered (the run says so): the file stays a few megabytes (about 40 bytes
/// an entry) even when something floods a log with distinct messages.
pub const STORE_MAX: usize = 200_000;

impl Default for StoreFile {
    fn default() -> Self {
        StoreFile {
            format: STORE_FORMAT.to_string(),
            fingerprint_version: crate::fingerprint::FINGERPRINT_VERSION,
            groups: BTreeMap::new(),
        }
    }
}

impl StoreFile {
    /// Parses a store; one from another fingerprint version is empty (its keys mean
    /// nothing now), anything else unreadable is an error naming the cause.
    pub fn parse(text: &str) -> Result<StoreFile, String> {
        if text.trim().is_empty() {
            return Ok(StoreFile::default());
        }
        let s: StoreFile = serde_json::from_str(text).map_err(|e| e.to_string())?;
        if s.format != STORE_FORMAT {
            return Err(format!(
                "not a logtriage template store (format {:?})",
                s.format
            ));
        }
        if s.fingerprint_version != crate::fingerprint::FINGERPRINT_VERSION {
            return Ok(StoreFile::default());
        }
        Ok(s)
    }

    /// Adds what the store did not know; returns how many entries did not fit.
    pub fn remember(&mut self, entries: &[(String, String)]) -> usize {
        let mut left_out = 0;
        for (fp, group) in entries {
            if self.groups.contains_key(fp) {
                continue;
            }
            if self.groups.len() >= STORE_MAX {
                left_out += 1;
                continue;
            }
            self.groups.insert(fp.clone(), group.clone());
        }
        left_out
    }

    pub fn render(&self) -> String {
        let mut s = serde_json::to_string(self).expect("store serializes");
        s.push('\n');
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cand<'a>(fp: &'a str, template: &'a str) -> Candidate<'a> {
        Candidate {
            fingerprint: fp,
            minable: true,
            partition: (None, None),
            template,
        }
    }

    const USERS: [(&str, &str); 6] = [
        ("a1", "session opened for alice"),
        ("b2", "session opened for bob"),
        ("c3", "session opened for carol"),
        ("d4", "session opened for dave"),
        ("e5", "session opened for erin"),
        ("f6", "session opened for frank"),
    ];

    fn run(grouping: &Grouping, fps: &[(&str, &str)]) -> Assigned {
        let c: Vec<Candidate> = fps.iter().map(|(f, t)| cand(f, t)).collect();
        assign(grouping, &c)
    }

    #[test]
    fn a_stored_fingerprint_keeps_its_group_whatever_else_is_read() {
        // Day 1 sees three users: too few values for mining to call the name a variable.
        let day1 = run(&Grouping::default(), &USERS[..3]);
        let groups: Vec<&str> = USERS[..3]
            .iter()
            .map(|(f, _)| day1.by_fingerprint[*f].group.as_str())
            .collect();
        assert_eq!(groups, ["a1", "b2", "c3"]);
        let mut store = StoreFile::default();
        store.remember(&day1.new_entries);
        let grouping = Grouping {
            store: store.groups,
            ..Grouping::default()
        };
        // Day 2 sees six: mining would now merge them all, but the known three stay put
        // and the three new ones join the known group mining puts them with.
        let day2 = run(&grouping, &USERS);
        for (fp, _) in &USERS[..3] {
            assert_eq!(day2.by_fingerprint[*fp].group, *fp);
        }
        assert_eq!(day2.by_fingerprint["d4"].group, "a1");
        assert!(matches!(
            day2.by_fingerprint["d4"].joined,
            Joined::Mined { .. }
        ));
        // Without the store, the same run regroups everything.
        let fresh = run(&Grouping::default(), &USERS);
        assert!(
            USERS
                .iter()
                .all(|(f, _)| fresh.by_fingerprint[*f].group == "a1")
        );
    }

    #[test]
    fn input_order_never_matters() {
        let mut reversed = USERS.to_vec();
        reversed.reverse();
        let a = run(&Grouping::default(), &USERS);
        let b = run(&Grouping::default(), &reversed);
        assert_eq!(a.by_fingerprint, b.by_fingerprint);
        assert_eq!(a.new_entries, b.new_entries);
    }

    #[test]
    fn a_persons_merge_and_split_outrank_mining_and_the_store() {
        let stamp = |s: &str| Merge {
            into: s.to_string(),
            by: "ann".into(),
            at: "2026-12-03T00:00:00Z".into(),
        };
        let mut grouping = Grouping::default();
        grouping.store.insert("x9".into(), "x9".into());
        grouping.merges.insert("x9".into(), stamp("a1"));
        grouping.splits.insert(
            "b2".into(),
            Split {
                by: "ann".into(),
                at: "2026-12-03T00:00:00Z".into(),
            },
        );
        let mut fps = USERS.to_vec();
        fps.push(("x9", "disk full"));
        let out = run(&grouping, &fps);
        assert_eq!(out.by_fingerprint["x9"].group, "a1");
        assert!(matches!(
            out.by_fingerprint["x9"].joined,
            Joined::Person { .. }
        ));
        assert_eq!(out.by_fingerprint["b2"].group, "b2");
        // The others are mined without b2; with five values left they still merge.
        assert_eq!(out.by_fingerprint["c3"].group, "a1");
        // A merge chain that loops (a hand edit) ends instead of hanging.
        grouping.merges.insert("a1".into(), stamp("x9"));
        let looped = run(&grouping, &fps);
        assert!(looped.by_fingerprint.contains_key("x9"));
    }

    #[test]
    fn the_store_is_bounded_and_survives_a_version_change() {
        let mut store = StoreFile::default();
        let many: Vec<(String, String)> = (0..STORE_MAX + 3)
            .map(|i| (format!("{i:016x}"), format!("{i:016x}")))
            .collect();
        assert_eq!(store.remember(&many), 3);
        assert_eq!(StoreFile::parse(&store.render()).unwrap(), store);
        let old = r#"{"format":"logtriage-groups","fingerprint_version":1,"groups":{"a":"b"}}"#;
        assert!(StoreFile::parse(old).unwrap().groups.is_empty());
        assert!(StoreFile::parse("{\"format\":\"x\"}").is_err());
    }
}
