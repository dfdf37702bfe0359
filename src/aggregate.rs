//! Streaming aggregation: per group (keyed by [`PreKey`]) and version, the count, first and
//! last seen, a time histogram, top breakdown values, a few samples and one full stack
//! trace. Memory grows with groups and versions, never with events, and the groups kept are
//! bounded ([`MAX_GROUPS`]). Below the bound, aggregators built on different threads merge
//! exactly and deterministically; past it, which rare pre-groups are folded into the
//! overflow group depends on the order events arrived and on how many threads read them.

use crate::event::{Dimension, Event};
use crate::fingerprint::{PreKey, Rule};
use crate::grouping::{self, Candidate, Grouping, Joined};
use crate::histogram::Histogram;
use crate::level::Level;
use crate::topk::TopK;
use rustc_hash::FxHashMap;
use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap, HashMap};

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

/// Statistics per version (empty string = events without a version), sorted by version. A
/// group has a few versions, so this is a sorted vector: a `BTreeMap` allocates a node with
/// room for eleven entries for every group, which at a million distinct messages was most
/// of the memory.
#[derive(Debug, Clone, Default)]
pub struct VersionMap(Vec<(String, VersionStats)>);

impl VersionMap {
    fn find(&self, version: &str) -> Result<usize, usize> {
        self.0.binary_search_by(|(v, _)| v.as_str().cmp(version))
    }

    pub fn get(&self, version: &str) -> Option<&VersionStats> {
        self.find(version).ok().map(|i| &self.0[i].1)
    }

    /// The statistics of `version`, empty ones added if it has none yet.
    pub fn entry(&mut self, version: &str) -> &mut VersionStats {
        let i = match self.find(version) {
            Ok(i) => i,
            Err(i) => {
                self.0
                    .insert(i, (version.to_string(), VersionStats::default()));
                i
            }
        };
        &mut self.0[i].1
    }

    pub fn iter(&self) -> impl Iterator<Item = (&String, &VersionStats)> {
        self.0.iter().map(|(v, s)| (v, s))
    }

    pub fn values(&self) -> impl Iterator<Item = &VersionStats> {
        self.0.iter().map(|(_, s)| s)
    }
}

impl std::ops::Index<&str> for VersionMap {
    type Output = VersionStats;
    fn index(&self, version: &str) -> &VersionStats {
        self.get(version).expect("no statistics for this version")
    }
}

impl IntoIterator for VersionMap {
    type Item = (String, VersionStats);
    type IntoIter = std::vec::IntoIter<(String, VersionStats)>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
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
    pub versions: VersionMap,
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

/// Most pre-groups (distinct fingerprint inputs) one run keeps statistics for. Real
/// services write hundreds to a few thousand distinct errors; without a bound, varying text
/// nobody masked (a request path in every message) would make memory grow with every
/// message. Past it, the pre-group seen least often is folded into one overflow group
/// ([`overflow_prekey`]): its events are counted and shown there, never dropped. This is the
/// Space-Saving rule (Metwally, Agrawal, El Abbadi 2005): a newcomer takes the evicted
/// one's weight plus its own, so any error that makes up more than 1/`MAX_GROUPS` of the
/// events is kept, whatever the order. Below the bound nothing changes and the result is
/// exact and independent of order and of the number of threads; past it, each reading
/// thread holds its own bounded aggregator, and which rare pre-groups are folded depends on
/// the order and the thread count (their events are counted either way).
pub const MAX_GROUPS: usize = 50_000;

/// The title (and explicit fingerprint input) of the overflow group.
pub const OVERFLOW_TITLE: &str =
    "distinct errors past the groups one run keeps (counted together here, not grouped)";

/// The pre-key of the overflow group (see [`MAX_GROUPS`]): an explicit fingerprint no
/// event can have (events' keys are hashes of their inputs; this one is reserved).
pub fn overflow_prekey() -> PreKey {
    PreKey {
        rule: Rule::Explicit,
        template: OVERFLOW_TITLE.to_string(),
        error_type: None,
        frames: std::sync::Arc::default(),
        origin: None,
        key: u64::MAX,
    }
}

/// Whether `fingerprint` is the overflow group's. That group holds errors no rule grouped, so
/// it carries no decision (one would mute every rare error folded into it later) and is not
/// kept in the template store; the gate still sees it, like any group.
pub fn is_overflow(fingerprint: &str) -> bool {
    static FP: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    fingerprint == FP.get_or_init(|| overflow_prekey().fingerprint())
}

/// Which pre-group to fold into the overflow next: a min-heap of (weight, highest key
/// first) with lazy updates. A weight only grows, so an entry may be stale (lower than the
/// pre-group's weight now) but never higher; a stale entry popped is pushed back with its
/// weight now. One entry per kept pre-group.
#[derive(Debug, Default)]
struct Evictor {
    heap: BinaryHeap<Reverse<(u64, Reverse<u64>)>>,
    weight: FxHashMap<u64, u64>,
}

impl Evictor {
    fn of(groups: &FxHashMap<u64, PreGroup>) -> Evictor {
        let mut e = Evictor::default();
        for (&k, g) in groups {
            e.admit(k, g.events());
        }
        e
    }

    fn admit(&mut self, key: u64, weight: u64) {
        self.weight.insert(key, weight);
        self.heap.push(Reverse((weight, Reverse(key))));
    }

    /// Takes the least weighty pre-group out; returns its key and weight.
    fn pop(&mut self) -> Option<(u64, u64)> {
        while let Some(Reverse((w, Reverse(k)))) = self.heap.pop() {
            let now = self.weight[&k];
            if now > w {
                self.heap.push(Reverse((now, Reverse(k))));
                continue;
            }
            self.weight.remove(&k);
            return Some((k, w));
        }
        None
    }
}

#[derive(Debug)]
pub struct Aggregator {
    pub groups: FxHashMap<u64, PreGroup>,
    pub versions: BTreeMap<String, VersionTotals>,
    /// Events of pre-groups folded out past the bound (see [`MAX_GROUPS`]).
    pub overflow: Option<PreGroup>,
    /// Pre-groups folded into `overflow` (one pre-group may be counted again if it comes
    /// back and is folded again).
    pub folded: u64,
    limit: usize,
    /// Built when the bound is first reached.
    evictor: Option<Evictor>,
}

impl Default for Aggregator {
    fn default() -> Self {
        Aggregator::with_limit(MAX_GROUPS)
    }
}

impl Aggregator {
    /// An aggregator that keeps at most `limit` pre-groups (at least one).
    pub fn with_limit(limit: usize) -> Self {
        Aggregator {
            groups: FxHashMap::default(),
            versions: BTreeMap::new(),
            overflow: None,
            folded: 0,
            limit: limit.max(1),
            evictor: None,
        }
    }

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
        g.versions.entry(v).add(ev);
    }

    /// The pre-group of `prekey`, raised to `level`, with `count` more events counted as of
    /// unknown level when `level` is `None`: an event without a level (grouped only when
    /// every level is) raises nothing. Events read here and rows aggregated by a backend
    /// count alike.
    fn group(&mut self, prekey: &PreKey, level: Option<Level>, count: u64) -> &mut PreGroup {
        if self.evictor.is_some() || self.groups.len() >= self.limit {
            self.make_room(prekey.key, count);
        }
        let raise = level.unwrap_or(Level::Debug);
        let g = self.groups.entry(prekey.key).or_insert_with(|| PreGroup {
            prekey: prekey.clone(),
            level: raise,
            level_inferred: 0,
            level_unknown: 0,
            inferred_from: None,
            versions: VersionMap::default(),
        });
        g.level = g.level.max(raise);
        if level.is_none() {
            g.level_unknown += count;
        }
        g
    }

    /// Past the bound: weighs `count` more events for `key`, and when `key` is new, folds
    /// the least weighty pre-group into the overflow to make room for it.
    fn make_room(&mut self, key: u64, count: u64) {
        let mut e = self
            .evictor
            .take()
            .unwrap_or_else(|| Evictor::of(&self.groups));
        if let Some(w) = e.weight.get_mut(&key) {
            *w += count;
        } else {
            let freed = self.fold_down(&mut e, self.limit - 1);
            e.admit(key, freed.unwrap_or(0) + count);
        }
        self.evictor = Some(e);
    }

    /// Folds the least weighty pre-groups into the overflow until at most `keep` are left;
    /// returns the weight of the last one folded.
    fn fold_down(&mut self, e: &mut Evictor, keep: usize) -> Option<u64> {
        let mut last = None;
        while self.groups.len() > keep {
            let Some((k, w)) = e.pop() else { break };
            let g = self
                .groups
                .remove(&k)
                .expect("the evictor holds kept keys only");
            fold(&mut self.overflow, g);
            self.folded += 1;
            last = Some(w);
        }
        last
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
            .entry(version)
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
        if let Some(o) = other.overflow {
            fold(&mut self.overflow, o);
        }
        self.folded += other.folded;
        if self.evictor.is_some() || self.groups.len() > self.limit {
            // Weights from the counts now: the merged pre-groups' own weights are gone.
            let mut e = Evictor::of(&self.groups);
            self.fold_down(&mut e, self.limit);
            self.evictor = Some(e);
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
        let folded = self.folded;
        let mut pre: Vec<PreGroup> = self.groups.into_values().collect();
        pre.extend(self.overflow);
        // Pre-groups with one fingerprint are one member, whose template (and title) is that
        // of its pre-group with most events, the least by text among equals: chosen by the
        // events, not by the internal keys' hash.
        pre.sort_by_cached_key(|g| {
            (
                std::cmp::Reverse(g.events()),
                g.prekey.template.clone(),
                g.prekey.key,
            )
        });
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
            new_store_entries: assigned
                .new_entries
                .into_iter()
                .filter(|(fp, _)| !is_overflow(fp))
                .collect(),
            folded,
        }
    }
}

/// Folds `g` into the overflow pre-group (made on first use).
fn fold(overflow: &mut Option<PreGroup>, g: PreGroup) {
    match overflow {
        Some(o) => o.absorb(g),
        None => {
            let mut o = g;
            o.prekey = overflow_prekey();
            *overflow = Some(o);
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
            self.versions.entry(&v).merge(&s);
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
    /// Pre-groups folded into the overflow group past [`MAX_GROUPS`].
    pub folded: u64,
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

/// Which of a group's `members` leads it: the one the group is keyed by, else the first
/// with most events.
fn lead<T>(
    key: &str,
    members: &[T],
    fingerprint: impl Fn(&T) -> &str,
    events: impl Fn(&T) -> u64,
) -> Option<usize> {
    members
        .iter()
        .position(|m| fingerprint(m) == key)
        .or_else(|| {
            let most = members.iter().map(&events).max()?;
            members.iter().position(|m| events(m) == most)
        })
}

impl Group {
    /// The member that leads the group (see [`Group::from_members`]).
    pub fn lead_member(&self) -> Option<&Member> {
        lead(
            &self.fingerprint,
            &self.members,
            |m| &m.fingerprint,
            |m| m.events,
        )
        .map(|i| &self.members[i])
    }

    /// A group from its members (sorted by fingerprint). The lead member — the one the
    /// group is keyed by, else the one with most events — gives the rule, type and title;
    /// the template is the members' position-wise merge when they have one shape.
    fn from_members(key: String, parts: Vec<(String, Joined, PreGroup)>) -> Group {
        let lead = lead(&key, &parts, |p| &p.0, |p| p.2.events()).unwrap_or(0);
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
    pub versions: VersionMap,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fingerprint::Fingerprinter;
    use std::borrow::Cow;

    /// Adds one error event per message, in order, with version `v`.
    fn feed(agg: &mut Aggregator, messages: &[String], v: &'static str) {
        let mut f = Fingerprinter::default();
        for (i, m) in messages.iter().enumerate() {
            let ev = Event {
                message: Cow::Borrowed(m.as_str()),
                version: Some(Cow::Borrowed(v)),
                level: Some(Level::Error),
                line: i as u64 + 1,
                ..Event::default()
            };
            agg.count_event(&ev);
            agg.add(&ev, &f.prekey(&ev));
        }
    }

    /// 2,000 one-off messages nobody masked, and one real error 30 times among them.
    /// An aggregator keeping at most `limit` pre-groups, fed `messages` as version 2.
    fn bounded(messages: &[String], limit: usize) -> Aggregator {
        let mut agg = Aggregator::with_limit(limit);
        feed(&mut agg, messages, "2");
        agg
    }

    fn noise_with_a_real_error() -> Vec<String> {
        let mut rng = crate::demo::Rng(11);
        let word = |rng: &mut crate::demo::Rng| -> String {
            (0..6)
                .map(|_| (b'a' + rng.index(26) as u8) as char)
                .collect()
        };
        let mut out: Vec<String> = (0..2000)
            .map(|_| format!("{} {} {}", word(&mut rng), word(&mut rng), word(&mut rng)))
            .collect();
        for k in 0..30 {
            out.insert(
                k * 60 + 7,
                "deadlock found when trying to get lock".to_string(),
            );
        }
        out
    }

    fn titles_and_counts(f: &Finalized) -> Vec<(String, u64)> {
        let mut v: Vec<(String, u64)> = f
            .groups
            .iter()
            .map(|g| (g.title.clone(), g.count("2")))
            .collect();
        v.sort();
        v
    }

    #[test]
    fn below_the_bound_nothing_is_folded() {
        let msgs = noise_with_a_real_error();
        let agg = bounded(&msgs, 5000);
        let f = agg.finalize_with(&Grouping::default());
        assert_eq!(f.folded, 0);
        assert!(f.groups.iter().all(|g| g.title != OVERFLOW_TITLE));
    }

    #[test]
    fn past_the_bound_memory_is_bounded_and_every_event_is_counted() {
        let msgs = noise_with_a_real_error();
        let agg = bounded(&msgs, 100);
        assert!(agg.groups.len() <= 100);
        assert_eq!(
            agg.evictor.as_ref().map(|e| e.heap.len()),
            Some(agg.groups.len())
        );
        let f = agg.finalize_with(&Grouping::default());
        assert!(f.folded > 1800);
        let total: u64 = f.groups.iter().map(|g| g.count("2")).sum();
        assert_eq!(total, msgs.len() as u64, "nothing dropped");
        let overflow = f.groups.iter().find(|g| g.title == OVERFLOW_TITLE).unwrap();
        assert!(overflow.count("2") > 1800);
        // The error seen 30 times is kept, with (almost) all its events: only those
        // before it was weighty enough can have gone to the overflow.
        let real = f
            .groups
            .iter()
            .find(|g| g.title.starts_with("deadlock found"))
            .expect("a frequent error survives the noise");
        assert!(real.count("2") >= 29, "{}", real.count("2"));
    }

    #[test]
    fn the_overflow_group_is_known_by_its_fingerprint_and_kept_out_of_the_store() {
        let msgs = noise_with_a_real_error();
        let agg = bounded(&msgs, 100);
        let f = agg.finalize_with(&Grouping::default());
        let overflow: Vec<&Group> = f
            .groups
            .iter()
            .filter(|g| is_overflow(&g.fingerprint))
            .collect();
        assert_eq!(overflow.len(), 1);
        assert_eq!(overflow[0].title, OVERFLOW_TITLE);
        assert!(!f.new_store_entries.is_empty());
        assert!(f.new_store_entries.iter().all(|(fp, _)| !is_overflow(fp)));
        assert!(!is_overflow(
            &f.groups
                .iter()
                .find(|g| g.title.starts_with("deadlock"))
                .unwrap()
                .fingerprint
        ));
    }

    #[test]
    fn a_frequent_error_survives_whatever_the_order() {
        let mut msgs = noise_with_a_real_error();
        msgs.reverse();
        let agg = bounded(&msgs, 100);
        let f = agg.finalize_with(&Grouping::default());
        assert!(
            f.groups
                .iter()
                .any(|g| g.title.starts_with("deadlock found"))
        );
    }

    #[test]
    fn merging_bounded_aggregators_keeps_the_bound_and_the_counts() {
        let msgs = noise_with_a_real_error();
        let (a, b) = msgs.split_at(msgs.len() / 2);
        let mut left = Aggregator::with_limit(100);
        let mut right = Aggregator::with_limit(100);
        feed(&mut left, a, "2");
        feed(&mut right, b, "2");
        left.merge(right);
        assert!(left.groups.len() <= 100);
        let f = left.finalize_with(&Grouping::default());
        let total: u64 = f.groups.iter().map(|g| g.count("2")).sum();
        assert_eq!(total, msgs.len() as u64);
        assert!(
            f.groups
                .iter()
                .any(|g| g.title.starts_with("deadlock found"))
        );
        // Below the bound, merging is exact: the same as one aggregator.
        let mut one = Aggregator::with_limit(5000);
        feed(&mut one, &msgs, "2");
        let (a, b) = msgs.split_at(700);
        let mut l = Aggregator::with_limit(5000);
        let mut r = Aggregator::with_limit(5000);
        feed(&mut l, a, "2");
        feed(&mut r, b, "2");
        l.merge(r);
        assert_eq!(
            titles_and_counts(&l.finalize_with(&Grouping::default())),
            titles_and_counts(&one.finalize_with(&Grouping::default()))
        );
    }
}
