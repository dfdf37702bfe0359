//! The triage report: one model ([`Report`], JSON `schema_version` 1, documented in
//! docs/report.md) built from an [`Analysis`], rendered as JSON, Markdown or Phabricator
//! Remarkup. Every string that comes from a log is neutralized before it is rendered.

pub mod html;
pub mod json;
pub mod text;
pub mod verdict;

use crate::aggregate::{Group, VersionStats};
use crate::decisions::{Decisions, Mark, Note};
use crate::diff::{self, Exposure, Params, Status, Verdict};
use crate::event::Dimension;
use crate::fingerprint::FINGERPRINT_VERSION;
use crate::fingerprint::explain::{self, Explanation};
use crate::histogram::Histogram;
use crate::input::time::format_ms;
use crate::level::Level;
use crate::pipeline::{Analysis, SourceSummary};
use serde::Serialize;
use std::collections::BTreeMap;

pub const SCHEMA_VERSION: u32 = 1;

/// Output format of `report` and `diff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    Markdown,
    Json,
    Remarkup,
    Html,
}

impl std::str::FromStr for OutputFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "markdown" | "md" => Ok(OutputFormat::Markdown),
            "json" => Ok(OutputFormat::Json),
            "remarkup" | "phabricator" => Ok(OutputFormat::Remarkup),
            "html" => Ok(OutputFormat::Html),
            _ => Err(format!(
                "unknown report format {s:?}: use markdown, json, remarkup or html"
            )),
        }
    }
}

/// How the two compared versions were chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Picked {
    /// `--current` and `--previous` were given.
    Given,
    /// The two newest versions in the data, by first event seen.
    Newest,
    /// Each input file is one version (`logtriage diff`).
    Files,
}

#[derive(Debug, Clone, Serialize)]
pub struct VersionSummary {
    pub version: String,
    /// Events read for this version, all levels.
    pub events: u64,
    /// Events at or above the minimum level (the ones grouped).
    pub triaged: u64,
    /// Events without a level that could be read: counted, not triaged at a minimum level.
    pub unleveled: u64,
    /// Events whose level was inferred from their content (no level was written).
    pub level_inferred: u64,
    /// Events without a timestamp.
    pub untimed: u64,
    /// Malformed lines in the sources that hold this version (they cannot be attributed
    /// to a version themselves).
    pub malformed_lines: u64,
    pub first_seen: Option<String>,
    pub last_seen: Option<String>,
}

impl GroupReport {
    /// The level as every view shows it: `unknown` when none of the events had one, and
    /// saying so when it was inferred from the content rather than written.
    pub fn level_label(&self) -> String {
        let total = self.current.count + self.previous.count;
        match self.level {
            None => "unknown".to_string(),
            Some(l) if self.level_inferred == 0 => l.to_string(),
            Some(l) if self.level_inferred + self.level_unknown >= total => {
                format!("{l} (inferred)")
            }
            Some(l) => format!("{l} ({} inferred)", self.level_inferred),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Side {
    pub count: u64,
    pub first_seen: Option<String>,
    pub last_seen: Option<String>,
    pub histogram: Option<Histogram>,
}

impl GroupReport {
    /// "Holds N fingerprints: a (its key), b (template mining)", with each fingerprint
    /// written by `code`; `None` for a group of one. One wording for every format.
    pub fn holds(&self, code: impl Fn(&str) -> String) -> Option<String> {
        (self.members.len() > 1).then(|| {
            let listed: Vec<String> = self
                .members
                .iter()
                .map(|m| format!("{} ({})", code(&m.fingerprint), m.joined.short()))
                .collect();
            format!(
                "Holds {} fingerprints: {}",
                self.members.len(),
                listed.join(", ")
            )
        })
    }
}

/// One fingerprint of a group.
#[derive(Debug, Clone, Serialize)]
pub struct MemberOut {
    pub fingerprint: String,
    pub events: u64,
    /// Its masked template (message rules) or title inputs.
    pub template: String,
    pub joined: crate::grouping::Joined,
}

#[derive(Debug, Clone, Serialize)]
pub struct SampleOut {
    pub version: String,
    pub source: String,
    pub line: u64,
    pub timestamp: Option<String>,
    pub message: String,
    pub request_id: Option<String>,
    pub fields: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct GroupReport {
    pub fingerprint: String,
    pub status: Status,
    pub title: String,
    pub template: String,
    /// The highest level its events have; `None` when none of them has one.
    pub level: Option<Level>,
    /// Events whose level was inferred from their content, and events without a level.
    pub level_inferred: u64,
    pub level_unknown: u64,
    /// What the content stated, when a level was inferred (`a Python traceback`).
    pub level_inferred_from: Option<&'static str>,
    pub rule: &'static str,
    /// Why these events were grouped: the fingerprint rule and its inputs, in one line.
    pub grouped_by: String,
    /// The same, component by component: what went into the lead fingerprint and what
    /// did not, and why (library frame, recursion folded, past the frame limit, masked
    /// value...). How the other fingerprints joined is said by `members`.
    pub grouping: Explanation,
    /// The group's fingerprints, each with how it came to be in the group (its own key,
    /// the template store, template mining, a person's merge): what a wrong merge is
    /// argued with.
    pub members: Vec<MemberOut>,
    pub error_type: Option<String>,
    pub current: Side,
    pub previous: Side,
    /// Exposure-normalized current/previous rate ratio; null when previous is 0.
    pub ratio: Option<f64>,
    pub p_value: Option<f64>,
    /// Only in previous, but too few events to call it gone.
    pub absent_not_significant: bool,
    /// Top values per breakdown field (current version if it has events, else previous).
    pub top: BTreeMap<String, Vec<(String, u64)>>,
    pub sample: Option<SampleOut>,
    pub stack_trace: Option<String>,
    /// The triage decision on this group, from the decisions file.
    pub decision: Option<DecisionOut>,
    /// These events in the backend's own UI (OpenSearch Dashboards, Grafana), when known.
    pub link: Option<String>,
    /// The group of distinct errors past the groups one run keeps
    /// (`aggregate::MAX_GROUPS`): it carries no decision.
    pub overflow: bool,
}

/// A group's decision as it applies to the current version.
#[derive(Debug, Clone, Serialize)]
pub struct DecisionOut {
    /// The mark that applies now: a blocker or backport raised on another train does not.
    pub mark: Option<Mark>,
    /// The mark as recorded, and the train it was raised on.
    pub recorded_mark: Option<Mark>,
    pub train: Option<String>,
    pub owner_team: Option<String>,
    pub owner_person: Option<String>,
    pub task: Option<String>,
    /// Whether the task is open in the tracker; null when not checked
    /// (`report --check-tasks`) or not known.
    pub task_open: Option<bool>,
    pub notes: Vec<Note>,
    /// When and by whom it was last changed.
    pub changed_at: Option<String>,
    pub changed_by: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct MethodOut {
    pub min_level: Option<Level>,
    pub min_ratio: f64,
    pub alpha: f64,
    pub fingerprint_version: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct MalformedOut {
    pub total: u64,
    /// `file:line: reason`, the first few.
    pub examples: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub schema_version: u32,
    pub tool: String,
    /// Go / no-go and why; recomputed when decisions or task states are attached.
    pub verdict: verdict::TriageVerdict,
    /// The train stop this report is for (`group1`), when given.
    pub stop: Option<String>,
    /// Only events since this time were read, when the window was limited.
    pub since: Option<String>,
    pub current: VersionSummary,
    pub previous: VersionSummary,
    pub versions_picked: Picked,
    /// Other versions present in the data, not compared.
    pub other_versions: Vec<String>,
    pub exposure: Exposure,
    pub method: MethodOut,
    pub sources: Vec<SourceSummary>,
    pub malformed: MalformedOut,
    pub counts: BTreeMap<Status, usize>,
    pub groups: Vec<GroupReport>,
    /// Events the comparison could not place; past `allowed`, the gate is blind.
    pub unattributed: Unattributed,
}

/// Events that could not be attributed: triaged events with no version (they may be the
/// current version's errors), and events of the current version with no level (they may
/// be errors) when a minimum level is set and most of its events have one (a format
/// without levels, an access log or uWSGI's request lines, loses nothing). A few are
/// noise; more than `allowed` (1% of the current version's events at or above the
/// minimum level, at least [`UNATTRIBUTED_FLOOR`]) and the comparison cannot be trusted
/// to have seen what broke.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Unattributed {
    pub no_version: u64,
    pub unleveled: u64,
    pub allowed: u64,
}

/// The fewest unattributed events that are always tolerated.
pub const UNATTRIBUTED_FLOOR: u64 = 5;

impl Unattributed {
    fn of(a: &Analysis, current: &VersionSummary, min_level: Option<Level>) -> Unattributed {
        Unattributed {
            no_version: a.versions.get("").map_or(0, |t| t.triaged),
            unleveled: if min_level.is_some() && current.unleveled * 2 < current.events {
                current.unleveled
            } else {
                0
            },
            allowed: (current.triaged / 100).max(UNATTRIBUTED_FLOOR),
        }
    }

    /// Why the comparison is blind for want of attribution; empty when it is not. The one
    /// place these counts become words, for the gate, the verdict and the reports.
    pub fn reasons(&self, current: &str) -> Vec<String> {
        let mut out = Vec::new();
        if self.no_version > self.allowed {
            out.push(format!(
                "{} event(s) at or above the minimum level carry no version, more than the {} tolerated: they may be the current version's errors (map the version field: --field version=NAME)",
                self.no_version, self.allowed
            ));
        }
        if self.unleveled > self.allowed {
            out.push(format!(
                "{} event(s) of version {current} have no level that could be read, more than the {} tolerated: they may be errors (--min-level any groups them)",
                self.unleveled, self.allowed
            ));
        }
        out
    }
}

const TOP_VALUES: usize = 5;

impl Report {
    pub fn build(
        a: &Analysis,
        current: &str,
        previous: &str,
        picked: Picked,
        params: &Params,
        min_level: Option<Level>,
    ) -> Report {
        let exposure = diff::exposure(&a.groups, current, previous, &a.versions);
        let mut groups: Vec<GroupReport> = a
            .groups
            .iter()
            .filter(|g| g.count(current) + g.count(previous) > 0)
            .map(|g| {
                let v = diff::classify(g.count(current), g.count(previous), &exposure, params);
                group_report(a, g, current, previous, v)
            })
            .collect();
        groups.sort_by(|x, y| {
            x.status
                .cmp(&y.status)
                .then(y.current.count.cmp(&x.current.count))
                .then(y.previous.count.cmp(&x.previous.count))
                .then(x.fingerprint.cmp(&y.fingerprint))
        });
        let mut counts: BTreeMap<Status, usize> = Status::ALL.iter().map(|s| (*s, 0)).collect();
        for g in &groups {
            *counts.entry(g.status).or_default() += 1;
        }
        let other_versions = a
            .versions
            .keys()
            .filter(|v| v.as_str() != current && v.as_str() != previous)
            .map(|v| {
                if v.is_empty() {
                    "(no version)".to_string()
                } else {
                    v.clone()
                }
            })
            .collect();
        let current_summary = version_summary(a, current);
        let unattributed = Unattributed::of(a, &current_summary, min_level);
        let mut r = Report {
            schema_version: SCHEMA_VERSION,
            tool: format!("logtriage {}", env!("CARGO_PKG_VERSION")),
            verdict: verdict::TriageVerdict {
                call: verdict::Call::Blind,
                reasons: Vec::new(),
            },
            stop: None,
            since: None,
            current: current_summary,
            previous: version_summary(a, previous),
            versions_picked: picked,
            other_versions,
            exposure,
            method: MethodOut {
                min_level,
                min_ratio: params.min_ratio,
                alpha: params.alpha,
                fingerprint_version: FINGERPRINT_VERSION,
            },
            sources: a.sources.clone(),
            malformed: MalformedOut {
                total: a.malformed_total(),
                examples: a
                    .malformed_examples
                    .iter()
                    .map(ToString::to_string)
                    .collect(),
            },
            counts,
            groups,
            unattributed,
        };
        r.verdict = verdict::evaluate(&r);
        r
    }

    /// Attaches the decisions that apply to the report's groups.
    pub fn attach_decisions(&mut self, decisions: &Decisions) {
        let current = self.current.version.clone();
        for g in &mut self.groups {
            if g.overflow {
                continue;
            }
            let members = g.members.iter().map(|m| m.fingerprint.as_str());
            g.decision = decisions
                .for_group(&g.fingerprint, members)
                .map(|d| DecisionOut {
                    mark: d.effective_mark(&current),
                    recorded_mark: d.mark,
                    train: d.train.clone(),
                    owner_team: d.owner_team.clone(),
                    owner_person: d.owner_person.clone(),
                    task: d.task.clone(),
                    task_open: None,
                    notes: d.notes.clone(),
                    changed_at: d.history.last().map(|c| c.at.clone()),
                    changed_by: d.history.last().map(|c| c.by.clone()),
                });
        }
        self.verdict = verdict::evaluate(self);
    }

    /// Redacts what the report quotes from the logs (titles, templates, error types, samples
    /// and their fields, stack traces, top values) before it leaves the machine: secrets, emails,
    /// IP addresses, URL query values except `action`, quoted trace arguments. Returns how
    /// many of each kind were removed.
    pub fn redact(&mut self) -> crate::redact::Redacted {
        use crate::redact::{Redacted, redact, redact_trace};
        let mut total = Redacted::default();
        let mut take = |text: &mut String, r: Redacted| {
            for (k, n) in r.removed {
                *total.removed.entry(k).or_default() += n;
            }
            *text = r.text;
        };
        for g in &mut self.groups {
            let t = redact(&g.title);
            take(&mut g.title, t);
            let t = redact(&g.template);
            take(&mut g.template, t);
            for c in &mut g.grouping.components {
                // A masked value is redacted with the text before it, which may say it is
                // a secret (`password=`); if redaction reaches into that text, the value
                // goes whole.
                let t = redact(&format!("{}{}", c.context, c.value));
                let before = redact(&c.context).text;
                let value = match t.text.strip_prefix(before.as_str()) {
                    Some(v) => v.to_string(),
                    None => crate::redact::Kind::Secret.mark().to_string(),
                };
                take(&mut c.value, crate::redact::Redacted { text: value, ..t });
                c.context.clear();
            }
            for m in &mut g.members {
                let t = redact(&m.template);
                take(&mut m.template, t);
                if let crate::grouping::Joined::Mined { template } = &mut m.joined {
                    let t = redact(template);
                    take(template, t);
                }
            }
            // An exception's type can carry values (a structured logger's `error.type`
            // holding a message, a DSN in a class name's argument).
            if let Some(et) = &mut g.error_type {
                let t = redact(et);
                take(et, t);
            }
            if let Some(st) = &mut g.stack_trace {
                let t = redact_trace(st);
                take(st, t);
            }
            if let Some(sample) = &mut g.sample {
                let t = redact(&sample.message);
                take(&mut sample.message, t);
                if let Some(id) = &mut sample.request_id {
                    let t = redact(id);
                    take(id, t);
                }
                for v in sample.fields.values_mut() {
                    let t = redact(v);
                    take(v, t);
                }
            }
            for values in g.top.values_mut() {
                for (v, _) in values.iter_mut() {
                    let t = redact(v);
                    take(v, t);
                }
            }
        }
        total
    }

    /// Records whether each group's task is open (`state(task)`: `None` when unknown).
    pub fn attach_task_states(&mut self, mut state: impl FnMut(&str) -> Option<bool>) {
        for g in &mut self.groups {
            if let Some(d) = &mut g.decision
                && let Some(t) = &d.task
            {
                d.task_open = state(t);
            }
        }
        self.verdict = verdict::evaluate(self);
    }

    /// Known or ignored groups whose task is closed but which occur in the current version.
    pub fn closed_but_recurring(&self) -> Vec<&GroupReport> {
        self.groups
            .iter()
            .filter(|g| verdict::task_closed(g) && g.current.count > 0)
            .collect()
    }

    /// What the report did not see, one sentence each (raw text: escape it to render):
    /// sources that failed or answered partly, malformed lines, a limited time window, no
    /// events for the current version.
    pub fn not_seen(&self) -> Vec<String> {
        let mut lines = Vec::new();
        for s in &self.sources {
            if let Some(e) = &s.error {
                lines.push(format!(
                    "source {} could not be read completely: {e}",
                    s.name
                ));
            }
        }
        if self.malformed.total > 0 {
            let mut l = format!("{} malformed line(s) skipped", self.malformed.total);
            if let Some(first) = self.malformed.examples.first() {
                l.push_str(&format!("; first: {first}"));
            }
            lines.push(l);
        }
        if let Some(since) = &self.since {
            lines.push(format!(
                "only events since {since} were read: older ones are not in this report"
            ));
        }
        let unattributed = self.unattributed.reasons(&self.current.version);
        let current_unleveled_said = self.unattributed.unleveled > self.unattributed.allowed;
        lines.extend(unattributed);
        for side in [&self.current, &self.previous] {
            let said = current_unleveled_said && std::ptr::eq(side, &self.current);
            if side.unleveled > 0 && self.method.min_level.is_some() && !said {
                lines.push(format!(
                    "{} event(s) of version {} had no level that could be read: counted, not triaged (they may hold errors; --min-level any groups them)",
                    side.unleveled, side.version
                ));
            }
            if side.untimed > 0 {
                lines.push(format!(
                    "{} event(s) of version {} had no timestamp: not on the timeline, and a time window cannot leave them out",
                    side.untimed, side.version
                ));
            }
        }
        if self.current.events == 0 {
            lines.push(format!(
                "no events at all for the current version {}: this report cannot show what it broke",
                self.current.version
            ));
        }
        lines
    }

    /// Groups whose decision applies to the current version with this mark.
    pub fn marked(&self, mark: Mark) -> Vec<&GroupReport> {
        self.groups
            .iter()
            .filter(|g| g.decision.as_ref().and_then(|d| d.mark) == Some(mark))
            .collect()
    }

    pub fn count(&self, s: Status) -> usize {
        self.counts.get(&s).copied().unwrap_or(0)
    }

    pub fn render(&self, format: OutputFormat) -> String {
        match format {
            OutputFormat::Json => json::render(self),
            OutputFormat::Markdown => text::render(self, text::Dialect::Markdown),
            OutputFormat::Remarkup => text::render(self, text::Dialect::Remarkup),
            OutputFormat::Html => html::render(self),
        }
    }
}

fn version_summary(a: &Analysis, v: &str) -> VersionSummary {
    let t = a.versions.get(v);
    VersionSummary {
        version: v.to_string(),
        events: t.map_or(0, |t| t.events),
        triaged: t.map_or(0, |t| t.triaged),
        unleveled: t.map_or(0, |t| t.unleveled),
        level_inferred: t.map_or(0, |t| t.level_inferred),
        untimed: t.map_or(0, |t| t.untimed),
        malformed_lines: t.map_or(0, |t| {
            t.sources
                .iter()
                .map(|s| a.sources[*s as usize].malformed)
                .sum()
        }),
        first_seen: t.and_then(|t| t.first_ms).map(format_ms),
        last_seen: t.and_then(|t| t.last_ms).map(format_ms),
    }
}

fn side(s: Option<&VersionStats>) -> Side {
    Side {
        count: s.map_or(0, |s| s.count),
        first_seen: s.and_then(|s| s.first_ms).map(format_ms),
        last_seen: s.and_then(|s| s.last_ms).map(format_ms),
        histogram: s.map(|s| s.histogram.clone()).filter(|h| !h.is_empty()),
    }
}

fn group_report(a: &Analysis, g: &Group, current: &str, previous: &str, v: Verdict) -> GroupReport {
    let cur = g.versions.get(current);
    let prev = g.versions.get(previous);
    let (shown_version, shown) = match cur.filter(|s| s.count > 0) {
        Some(s) => (current, Some(s)),
        None => (previous, prev),
    };
    let mut top = BTreeMap::new();
    if let Some(s) = shown {
        for d in Dimension::ALL {
            let t = s.top[d.index()].top(TOP_VALUES);
            if !t.is_empty() {
                top.insert(d.name().to_string(), t);
            }
        }
    }
    let sample = shown.and_then(|s| s.samples.first()).map(|s| SampleOut {
        version: shown_version.to_string(),
        source: a.sources[s.pos.0 as usize].name.clone(),
        line: s.pos.1,
        timestamp: s.timestamp.map(format_ms),
        message: s.message.clone(),
        request_id: s.request_id.clone(),
        fields: s
            .dims
            .iter()
            .map(|(d, v)| (d.name().to_string(), v.clone()))
            .collect(),
    });
    let stack_trace = shown
        .and_then(|s| s.stack.as_ref())
        .or_else(|| prev.and_then(|s| s.stack.as_ref()))
        .map(|(_, t)| t.clone());
    GroupReport {
        overflow: crate::aggregate::is_overflow(&g.fingerprint),
        fingerprint: g.fingerprint.clone(),
        status: v.status,
        title: g.title.clone(),
        template: g.template.clone(),
        level: (g.level_unknown < g.versions.values().map(|s| s.count).sum::<u64>())
            .then_some(g.level),
        level_inferred: g.level_inferred,
        level_unknown: g.level_unknown,
        level_inferred_from: g.inferred_from,
        rule: g.rule.as_str(),
        grouped_by: g.explain.clone(),
        grouping: grouping(g, shown_version),
        members: g
            .members
            .iter()
            .map(|m| MemberOut {
                fingerprint: m.fingerprint.clone(),
                events: m.events,
                template: m.prekey.template.clone(),
                joined: m.joined.clone(),
            })
            .collect(),
        error_type: g.error_type.clone(),
        current: side(cur),
        previous: side(prev),
        ratio: v.ratio,
        p_value: v.p_value,
        absent_not_significant: v.absent_not_significant,
        top,
        sample,
        stack_trace,
        decision: None,
        link: None,
    }
}

/// How `g` is grouped, component by component: its lead fingerprint (the one the group is
/// keyed by, else the one with most events) explained from the trace and samples the group
/// kept, `first` version's first. Computed for the groups a report shows, never per event;
/// a trace or sample of another member explains only what the fingerprint itself says.
fn grouping(g: &Group, first: &str) -> Explanation {
    if crate::aggregate::is_overflow(&g.fingerprint) {
        return Explanation {
            rule: g.rule,
            components: Vec::new(),
            notes: vec![format!(
                "errors past the {} groups one run keeps, the ones seen least often: counted here, not grouped by any rule",
                crate::aggregate::MAX_GROUPS
            )],
        };
    }
    let Some(lead) = g.lead_member() else {
        return Explanation {
            rule: g.rule,
            components: Vec::new(),
            notes: vec!["the group has no fingerprint to explain".to_string()],
        };
    };
    let stats: Vec<&VersionStats> = g
        .versions
        .get(first)
        .into_iter()
        .chain(
            g.versions
                .iter()
                .filter(|(v, _)| *v != first)
                .map(|(_, s)| s),
        )
        .collect();
    let mut traces: Vec<&str> = Vec::new();
    for s in &stats {
        if let Some((pos, kept)) = &s.stack {
            // Kept as the message, a line break and the trace.
            if let Some(t) = s
                .samples
                .iter()
                .find(|x| x.pos == *pos)
                .and_then(|x| kept.strip_prefix(x.message.as_str()))
                .and_then(|t| t.strip_prefix('\n'))
            {
                traces.push(t);
            }
            if let Some((_, t)) = kept.split_once('\n') {
                traces.push(t);
            }
            traces.push(kept);
        }
    }
    let samples: Vec<explain::Sample> = stats
        .iter()
        .flat_map(|s| &s.samples)
        .map(|x| explain::Sample {
            message: &x.message,
            host: x
                .dims
                .iter()
                .find(|(d, _)| *d == Dimension::Host)
                .map(|(_, v)| v.as_str()),
        })
        .collect();
    explain::explain(&lead.prekey, &traces, &samples)
}

/// Chooses the two versions to compare: the two newest by first event seen (timestamp,
/// else position in the input). Events without a version are never picked.
pub fn pick_versions(a: &Analysis) -> Result<(String, String), String> {
    type Seen<'a> = (&'a String, Option<i64>, Option<(u32, u64)>);
    let mut vs: Vec<Seen> = a
        .versions
        .iter()
        .filter(|(v, _)| !v.is_empty())
        .map(|(v, t)| (v, t.first_ms, t.first_pos))
        .collect();
    if vs.len() < 2 {
        let found = if vs.is_empty() {
            "no events carry a version".to_string()
        } else {
            format!("only one version ({}) is in the data", vs[0].0)
        };
        return Err(format!(
            "cannot pick two versions to compare: {found}; pass --current and --previous, or use `logtriage diff PREVIOUS CURRENT` for two files"
        ));
    }
    vs.sort_by(|a, b| a.1.cmp(&b.1).then(a.2.cmp(&b.2)).then(a.0.cmp(b.0)));
    let cur = vs[vs.len() - 1].0.clone();
    let prev = vs[vs.len() - 2].0.clone();
    Ok((cur, prev))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::{Options, SourceSpec, analyze};

    /// A Java error new in version 2 (with recursion and a library frame) and a message
    /// with values in both, as JSON lines.
    fn analysis() -> Analysis {
        let trace = "java.lang.StackOverflowError: deep\\n\\tat com.example.Tree.walk(Tree.java:10)\\n\\tat com.example.Tree.walk(Tree.java:11)\\n\\tat java.util.List.forEach(List.java:3)\\n\\tat com.example.Main.run(Main.java:5)";
        let mut lines = Vec::new();
        for v in ["1", "2"] {
            // New in version 2: its details are in the Markdown and HTML reports.
            if v == "2" {
                lines.push(format!(
                r#"{{"@timestamp":"2026-11-1{v}T19:00:00Z","level":"ERROR","version":"{v}","logger":"com.example.Walker","message":"walk failed","stack_trace":"{trace}"}}"#
                ));
            }
            lines.push(format!(
                r#"{{"@timestamp":"2026-11-1{v}T19:00:01Z","level":"ERROR","version":"{v}","logger":"com.example.Db","message":"connect to 10.0.0.{v}:5432 failed after {v} attempts"}}"#
            ));
        }
        analysis_of(&lines)
    }

    /// Version 2 against 1, warnings and up.
    fn report_of(a: &Analysis) -> Report {
        Report::build(
            a,
            "2",
            "1",
            Picked::Given,
            &Params::default(),
            Some(Level::Warning),
        )
    }

    fn analysis_of(lines: &[String]) -> Analysis {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("app.ndjson");
        std::fs::write(&p, lines.join("\n")).unwrap();
        let specs = [SourceSpec {
            input: crate::input::Input::Path(p),
            version: None,
        }];
        analyze(&specs, &Options::default())
    }

    #[test]
    fn a_masked_secret_is_redacted_by_what_comes_before_it() {
        let lines: Vec<String> = ["1", "2"]
            .iter()
            .map(|v| {
                format!(
                    r#"{{"level":"ERROR","version":"{v}","message":"login refused password=hunter{v}x for bob"}}"#
                )
            })
            .collect();
        let a = analysis_of(&lines);
        let mut r = report_of(&a);
        let values = |r: &Report| -> Vec<String> {
            r.groups[0]
                .grouping
                .components
                .iter()
                .filter(|c| c.what == explain::What::MaskedValue)
                .map(|c| c.value.clone())
                .collect()
        };
        assert_eq!(values(&r), ["hunter2x"], "unredacted, it is listed");
        r.redact();
        let json = r.render(OutputFormat::Json);
        assert!(!json.contains("hunter2x"), "{json}");
        assert!(
            values(&r).iter().all(|v| v == "[secret]"),
            "{:?}",
            values(&r)
        );
    }

    #[test]
    fn the_json_lists_each_groups_components_and_redacts_their_values() {
        let a = analysis();
        let mut r = report_of(&a);
        // The frames the explanation counts are the frames the fingerprint hashed.
        for g in &r.groups {
            let group = a.group(&g.fingerprint).unwrap();
            if group.rule == crate::fingerprint::Rule::Stack {
                let counted: Vec<&str> = g
                    .grouping
                    .components
                    .iter()
                    .filter(|c| c.what == explain::What::Frame && c.contributes)
                    .map(|c| c.value.as_str())
                    .collect();
                assert_eq!(counted, group.members[0].prekey.frames[..]);
            }
        }
        r.redact();
        let json: serde_json::Value = serde_json::from_str(&r.render(OutputFormat::Json)).unwrap();
        let groups = json["groups"].as_array().unwrap();
        assert_eq!(groups.len(), 2);
        let whys = |g: &serde_json::Value| -> Vec<(String, String, bool)> {
            g["grouping"]["components"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| {
                    (
                        c["what"].as_str().unwrap().to_string(),
                        c["why"].as_str().unwrap().to_string(),
                        c["contributes"].as_bool().unwrap(),
                    )
                })
                .collect()
        };
        let stack = groups.iter().find(|g| g["rule"] == "stack").unwrap();
        let w = |what: &str, why: &str, counts: bool| (what.to_string(), why.to_string(), counts);
        assert_eq!(
            whys(stack),
            [
                w("exception_type", "exception_type", true),
                w("frame", "in_app", true),
                w("frame", "recursion_folded", false),
                w("frame", "library_frame", false),
                w("frame", "in_app", true),
                w("message", "not_in_rule", false),
            ]
        );
        assert_eq!(
            stack["grouping"]["components"][3]["reason"],
            "library frame"
        );
        assert!(stack["grouped_by"].as_str().unwrap().contains("2 frame(s)"));
        let message = groups.iter().find(|g| g["rule"] == "message").unwrap();
        let comps = message["grouping"]["components"].as_array().unwrap();
        let masked: Vec<&str> = comps
            .iter()
            .filter(|c| c["what"] == "masked_value")
            .map(|c| c["value"].as_str().unwrap())
            .collect();
        assert_eq!(masked.len(), 2, "{comps:?}");
        // The address is log content: redacted like the samples.
        assert!(!masked[0].contains("10.0.0.2"), "{masked:?}");
        assert_eq!(masked[1], "2");
        assert!(
            comps
                .iter()
                .all(|c| c["what"] != "masked_value" || c["replaced_by"] == "<*>")
        );
        // Markdown and HTML say it in one line.
        let md = r.render(OutputFormat::Markdown);
        let html = r.render(OutputFormat::Html);
        let line = "counted: exception type, 2 frames (in-app); not counted: frame (recursion folded), frame (library frame), message (not counted by this rule)";
        assert!(md.contains(&format!("- Grouping: {line}")), "{md}");
        assert!(
            html.contains(&format!("<li>Grouping: {line}</li>")),
            "{html}"
        );
    }
}
