//! Streaming aggregation: per group (keyed by [`PreKey`]) and version, the count, first and
//! last seen, a time histogram, top breakdown values, a few samples and one full stack
//! trace. Memory grows with groups and versions, never with events. Aggregators built on
//! different threads merge exactly and deterministically.

use crate::event::{Dimension, Event};
use crate::fingerprint::{PreKey, Rule};
use crate::grouping::{self, Candidate, Grouping, Joined};
use crate::histogram::Histogram;
use crate::level::Level;
use crate::topk::TopK;
use rustc_hash::FxHashMap;
use std::collections::{BTreeMap, HashMap};

/// Samples kept per group and version.
pub const SAMPLES: usize = 3;

/// Where an event was read: source index and 1-based line.
pub type Position = (u32, u64);

#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    pub pos: Position,
    pub timestamp: Option<i64>,
    pub message: String,
    pub request_id: Option<String>,
    pub dims: Vec<(Dimension, String)>,
}

#[derive(Debug, Clone, Default)]
pub struct VersionStats {
    pub count: u64,
    pub first_ms: Option<i64>,
    pub last_ms: Option<i64>,
    /// Earliest position read (deterministic "first" for untimed logs).
    pub first_pos: Option<Position>,
    pub histogram: Histogram,
    pub top: [TopK; 5],
    /// The earliest samples by position.
    pub samples: Vec<Sample>,
    /// The full stack trace of the earliest event that had one.
    pub stack: Option<(Position, String)>,
}

impl VersionStats {
    fn add(&mut self, ev: &Event) {
        let pos = (ev.source, ev.line);
        self.count += 1;
        if let Some(t) = ev.timestamp {
            self.first_ms = min_opt(self.first_ms, Some(t));
            self.last_ms = max_opt(self.last_ms, Some(t));
            self.histogram.add(t, 1);
        }
        self.first_pos = Some(self.first_pos.map_or(pos, |p| p.min(pos)));
        for d in Dimension::ALL {
            if let Some(v) = ev.dim(d) {
                self.top[d.index()].add(v, 1);
            }
        }
        if self.samples.len() < SAMPLES || self.samples.last().is_some_and(|s| s.pos > pos) {
            let sample = Sample {
                pos,
                timestamp: ev.timestamp,
                message: ev.message.to_string(),
                request_id: ev.request_id.as_deref().map(str::to_string),
                dims: Dimension::ALL
                    .iter()
                    .filter_map(|d| ev.dim(*d).map(|v| (*d, v.to_string())))
                    .collect(),
            };
            insert_sample(&mut self.samples, sample);
        }
        if let Some(st) = ev.stack.as_deref()
            && self.stack.as_ref().is_none_or(|(p, _)| *p > pos)
        {
            let full = format!("{}\n{}", ev.message, st);
            self.stack = Some((pos, full));
        }
    }

    pub fn merge(&mut self, o: &VersionStats) {
        self.count += o.count;
        self.first_ms = min_opt(self.first_ms, o.first_ms);
        self.last_ms = max_opt(self.last_ms, o.last_ms);
        self.first_pos = min_opt(self.first_pos, o.first_pos);
        self.histogram.merge(&o.histogram);
        for (a, b) in self.top.iter_mut().zip(&o.top) {
            a.merge(b);
        }
        for s in &o.samples {
            insert_sample(&mut self.samples, s.clone());
        }
        if let Some((p, st)) = &o.stack
            && self.stack.as_ref().is_none_or(|(q, _)| q > p)
        {
            self.stack = Some((*p, st.clone()));
        }
    }
}

fn min_opt<T: Ord + Copy>(a: Option<T>, b: Option<T>) -> Option<T> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.min(y)),
        (x, y) => x.or(y),
    }
}

fn max_opt<T: Ord + Copy>(a: Option<T>, b: Option<T>) -> Option<T> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.max(y)),
        (x, y) => x.or(y),
    }
}

fn insert_sample(samples: &mut Vec<Sample>, s: Sample) {
    if samples.iter().any(|x| x.pos == s.pos) {
        return;
    }
    let at = samples.partition_point(|x| x.pos < s.pos);
    samples.insert(at, s);
    samples.truncate(SAMPLES);
}

/// One pre-group: events with the same [`PreKey`].
#[derive(Debug, Clone)]
pub struct PreGroup {
    pub prekey: PreKey,
    /// The highest level among its events that have one.
    pub level: Level,
    /// Events whose level was inferred from their content, and events without a level.
    pub level_inferred: u64,
    pub level_unknown: u64,
    /// What the content stated, for an inferred level (the first reason in sort order).
    pub inferred_from: Option<&'static str>,
    /// Per version (empty string = events without a version).
    pub versions: BTreeMap<String, VersionStats>,
}

/// Totals per version, over every event read (all levels): the exposure baseline.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct VersionTotals {
    pub events: u64,
    /// Events at or above the minimum level (the ones grouped).
    pub triaged: u64,
    /// Events without a level that could be read (not triaged at a minimum level).
    pub unleveled: u64,
    /// Events whose level was inferred from their content.
    pub level_inferred: u64,
    /// Events without a timestamp.
    pub untimed: u64,
    pub first_ms: Option<i64>,
    pub last_ms: Option<i64>,
    pub first_pos: Option<Position>,
    /// Sources that contributed events of this version.
    pub sources: Vec<u32>,
}

#[derive(Debug, Default)]
pub struct Aggregator {
    pub groups: FxHashMap<u64, PreGroup>,
    pub versions: BTreeMap<String, VersionTotals>,
}

impl Aggregator {
    /// Counts an event toward its version's totals (every event, whatever its level).
    pub fn count_event(&mut self, ev: &Event) {
        let v = ev.version.as_deref().unwrap_or("");
        let t = match self.versions.get_mut(v) {
            Some(t) => t,
            None => self.versions.entry(v.to_string()).or_default(),
        };
        t.events += 1;
        t.unleveled += u64::from(ev.level.is_none());
        t.level_inferred += u64::from(ev.level_inferred.is_some());
        match ev.timestamp {
            Some(ts) => {
                t.first_ms = min_opt(t.first_ms, Some(ts));
                t.last_ms = max_opt(t.last_ms, Some(ts));
            }
            None => t.untimed += 1,
        }
        t.first_pos = min_opt(t.first_pos, Some((ev.source, ev.line)));
        if !t.sources.contains(&ev.source) {
            t.sources.push(ev.source);
            t.sources.sort_unstable();
        }
    }

    /// Adds a triaged event to its group.
    pub fn add(&mut self, ev: &Event, prekey: &PreKey) {
        let v = ev.version.as_deref().unwrap_or("");
        if let Some(t) = self.versions.get_mut(v) {
            t.triaged += 1;
        }
        let g = self.group(prekey, ev.level, 1);
        g.level_inferred += u64::from(ev.level_inferred.is_some());
        g.inferred_from = min_opt(g.inferred_from, ev.level_inferred);
        let stats = match g.versions.get_mut(v) {
            Some(s) => s,
            None => g.versions.entry(v.to_string()).or_default(),
        };
        stats.add(ev);
    }

    /// The pre-group of `prekey`, raised to `level`, with `count` more events counted as of
    /// unknown level when `level` is `None`: an event without a level (grouped only when
    /// every level is) raises nothing. Events read here and rows aggregated by a backend
    /// count alike.
    fn group(&mut self, prekey: &PreKey, level: Option<Level>, count: u64) -> &mut PreGroup {
        let raise = level.unwrap_or(Level::Debug);
        let g = self.groups.entry(prekey.key).or_insert_with(|| PreGroup {
            prekey: prekey.clone(),
            level: raise,
            level_inferred: 0,
            level_unknown: 0,
            inferred_from: None,
            versions: BTreeMap::new(),
        });
        g.level = g.level.max(raise);
        if level.is_none() {
            g.level_unknown += count;
        }
        g
    }

    /// Adds statistics computed elsewhere (a backend that aggregated on its side) for the
    /// events of one pre-group in one version.
    pub fn add_stats(
        &mut self,
        prekey: &PreKey,
        level: Option<Level>,
        version: &str,
        stats: &VersionStats,
    ) {
        if let Some(t) = self.versions.get_mut(version) {
            t.triaged += stats.count;
            if level.is_none() {
                t.unleveled += stats.count;
            }
        }
        self.group(prekey, level, stats.count)
            .versions
            .entry(version.to_string())
            .or_default()
            .merge(stats);
    }

    pub fn merge(&mut self, other: Aggregator) {
        for (k, og) in other.groups {
            match self.groups.get_mut(&k) {
                None => {
                    self.groups.insert(k, og);
                }
                Some(g) => g.absorb(og),
            }
        }
        for (v, t) in other.versions {
            let mine = self.versions.entry(v).or_default();
            mine.events += t.events;
            mine.triaged += t.triaged;
            mine.unleveled += t.unleveled;
            mine.level_inferred += t.level_inferred;
            mine.untimed += t.untimed;
            mine.first_ms = min_opt(mine.first_ms, t.first_ms);
            mine.last_ms = max_opt(mine.last_ms, t.last_ms);
            mine.first_pos = min_opt(mine.first_pos, t.first_pos);
            for s in t.sources {
                if !mine.sources.contains(&s) {
                    mine.sources.push(s);
                }
            }
            mine.sources.sort_unstable();
        }
    }

    /// Final groups, sorted by group key, with no template store or person's decisions:
    /// mining's proposals stand. Also returns the fingerprint of every pre-group key.
    pub fn finalize(self) -> (Vec<Group>, HashMap<u64, String>) {
        let f = self.finalize_with(&Grouping::default());
        (f.groups, f.key_to_fingerprint)
    }

    /// Final groups: each pre-group gets its (pure) fingerprint, and `grouping` with
    /// template mining decides which fingerprints form one group (`crate::grouping`).
    pub fn finalize_with(self, grouping: &Grouping) -> Finalized {
        let mut pre: Vec<PreGroup> = self.groups.into_values().collect();
        pre.sort_by_key(|g| g.prekey.key);
        // Pre-groups with one fingerprint (equal inputs) are one member.
        let mut members: BTreeMap<String, PreGroup> = BTreeMap::new();
        let mut key_to_fingerprint = HashMap::new();
        for g in pre {
            let fp = g.prekey.fingerprint();
            key_to_fingerprint.insert(g.prekey.key, fp.clone());
            match members.get_mut(&fp) {
                Some(m) => m.absorb(g),
                None => {
                    members.insert(fp, g);
                }
            }
        }
        let candidates: Vec<Candidate> = members
            .iter()
            .map(|(fp, g)| Candidate {
                fingerprint: fp,
                minable: g.prekey.rule == Rule::Message,
                partition: (g.prekey.origin.as_deref(), g.prekey.error_type.as_deref()),
                template: &g.prekey.template,
            })
            .collect();
        let assigned = grouping::assign(grouping, &candidates);
        let mut by_group: BTreeMap<String, Vec<(String, Joined, PreGroup)>> = BTreeMap::new();
        for (fp, g) in members {
            let a = assigned.by_fingerprint[&fp].clone();
            by_group.entry(a.group).or_default().push((fp, a.joined, g));
        }
        let groups = by_group
            .into_iter()
            .map(|(key, parts)| Group::from_members(key, parts))
            .collect();
        Finalized {
            groups,
            key_to_fingerprint,
            unmined: assigned.unmined,
            new_store_entries: assigned.new_entries,
        }
    }
}

impl PreGroup {
    fn absorb(&mut self, g: PreGroup) {
        self.level = self.level.max(g.level);
        self.level_inferred += g.level_inferred;
        self.level_unknown += g.level_unknown;
        self.inferred_from = min_opt(self.inferred_from, g.inferred_from);
        for (v, s) in g.versions {
            self.versions.entry(v).or_default().merge(&s);
        }
    }

    fn events(&self) -> u64 {
        self.versions.values().map(|s| s.count).sum()
    }
}

/// What [`Aggregator::finalize_with`] returns.
#[derive(Debug)]
pub struct Finalized {
    pub groups: Vec<Group>,
    /// The fingerprint of every pre-group key (per-event output).
    pub key_to_fingerprint: HashMap<u64, String>,
    /// Distinct templates past the mining cap, left unmerged.
    pub unmined: usize,
    /// Fingerprints the template store did not know, with their groups.
    pub new_store_entries: Vec<(String, String)>,
}

/// One fingerprint of a group: what it is, how many events, how it joined.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub fingerprint: String,
    /// What its fingerprint was computed from.
    pub prekey: PreKey,
    pub events: u64,
    pub joined: Joined,
}

impl Group {
    /// A group from its members (sorted by fingerprint). The lead member — the one the
    /// group is keyed by, else the one with most events — gives the rule, type and title;
    /// the template is the members' position-wise merge when they have one shape.
    fn from_members(key: String, parts: Vec<(String, Joined, PreGroup)>) -> Group {
        let lead = parts
            .iter()
            .position(|(fp, ..)| *fp == key)
            .unwrap_or_else(|| {
                let most = parts.iter().map(|p| p.2.events()).max().unwrap_or(0);
                parts.iter().position(|p| p.2.events() == most).unwrap_or(0)
            });
        let templates: Vec<&str> = parts.iter().map(|p| p.2.prekey.template.as_str()).collect();
        let template =
            grouping::merge_templates(&templates).unwrap_or_else(|| templates[lead].to_string());
        let lead_prekey = parts[lead].2.prekey.clone();
        let title = make_title(&lead_prekey, &template);
        let mut members = Vec::with_capacity(parts.len());
        let mut merged: Option<PreGroup> = None;
        for (fp, joined, g) in parts {
            members.push(Member {
                fingerprint: fp,
                prekey: g.prekey.clone(),
                events: g.events(),
                joined,
            });
            match &mut merged {
                Some(m) => m.absorb(g),
                None => merged = Some(g),
            }
        }
        let m = merged.expect("a group has members");
        Group {
            fingerprint: key,
            rule: lead_prekey.rule,
            explain: lead_prekey.explain(),
            error_type: lead_prekey.error_type.clone(),
            title,
            template,
            level: m.level,
            level_inferred: m.level_inferred,
            level_unknown: m.level_unknown,
            inferred_from: m.inferred_from,
            versions: m.versions,
            prekeys: members.len(),
            members,
        }
    }
}

const TITLE_MAX: usize = 160;

fn make_title(prekey: &PreKey, template: &str) -> String {
    let base = if prekey.rule == Rule::Stack {
        prekey.template.as_str()
    } else {
        template
    };
    let mut t: String = base.chars().take(TITLE_MAX).collect();
    if base.chars().count() > TITLE_MAX {
        t.push('…');
    }
    t
}

/// A final group: every event with the same fingerprint.
#[derive(Debug, Clone)]
pub struct Group {
    pub fingerprint: String,
    pub rule: Rule,
    pub explain: String,
    pub error_type: Option<String>,
    pub title: String,
    pub template: String,
    /// The highest level among its events that have one (see `level_unknown`).
    pub level: Level,
    /// Events whose level was inferred from their content.
    pub level_inferred: u64,
    /// Events without a level (grouped only when every level is).
    pub level_unknown: u64,
    /// What the content stated, for an inferred level.
    pub inferred_from: Option<&'static str>,
    pub versions: BTreeMap<String, VersionStats>,
    /// How many fingerprints this group holds (`members.len()`).
    pub prekeys: usize,
    /// Its fingerprints, sorted, each with how it joined.
    pub members: Vec<Member>,
}

impl Group {
    pub fn count(&self, version: &str) -> u64 {
        self.versions.get(version).map_or(0, |s| s.count)
    }
}
