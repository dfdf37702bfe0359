//! The deploy gate behind `logtriage check`: pass (exit 0), fail (exit 1, naming the groups
//! that failed it), or blind (exit 2) when it cannot judge — a source that could not be
//! read, or no events for a version. It never passes on no data.

use crate::decisions::Mark;
use crate::diff::Status;
use crate::report::{GroupReport, Report};
use crate::sanitize::display_safe;
use std::fmt::Write;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Pass,
    Fail,
    Blind,
}

impl Outcome {
    pub fn exit_code(self) -> i32 {
        match self {
            Outcome::Pass => 0,
            Outcome::Fail => 1,
            Outcome::Blind => 2,
        }
    }
}

#[derive(Debug, Clone, Copy, Default)]
pub struct Limits {
    /// New groups allowed before the gate fails (default 0: any new error fails).
    pub max_new: usize,
    pub max_regressed: usize,
    /// Open blockers of this train fail the gate.
    pub fail_on_blockers: bool,
}

#[derive(Debug)]
pub struct Verdict<'a> {
    pub outcome: Outcome,
    pub reasons: Vec<String>,
    pub failing: Vec<&'a GroupReport>,
}

/// Judges a report.
pub fn evaluate(r: &Report, limits: Limits) -> Verdict<'_> {
    let mut blind = Vec::new();
    for s in r.sources.iter().filter(|s| s.error.is_some()) {
        blind.push(format!(
            "source {} could not be read: {}",
            display_safe(&s.name),
            display_safe(s.error.as_deref().unwrap_or(""))
        ));
    }
    for reason in r.unattributed.reasons(&r.current.version) {
        blind.push(display_safe(&reason).into_owned());
    }
    if r.current.events == 0 {
        blind.push(format!(
            "no events for the current version {}",
            display_safe(&r.current.version)
        ));
    }
    if r.previous.events == 0 {
        blind.push(format!(
            "no events for the previous version {}: nothing to compare with",
            display_safe(&r.previous.version)
        ));
    }
    if !blind.is_empty() {
        return Verdict {
            outcome: Outcome::Blind,
            reasons: blind,
            failing: Vec::new(),
        };
    }
    // Groups triaged as known or ignored do not fail the gate (unless their task is known to
    // be closed); blockers and fixed ones do.
    let counts = |g: &&GroupReport| {
        !matches!(
            g.decision.as_ref().and_then(|d| d.mark),
            Some(Mark::Known | Mark::Ignored)
        ) || crate::report::verdict::task_closed(g)
    };
    let is_blocker =
        |g: &&GroupReport| g.decision.as_ref().and_then(|d| d.mark) == Some(Mark::Blocker);
    // Blockers are counted as blockers (when they fail the gate), not again as new.
    let counted = |g: &&GroupReport| counts(g) && !(limits.fail_on_blockers && is_blocker(g));
    let new: Vec<&GroupReport> = r
        .groups
        .iter()
        .filter(|g| g.status == Status::New)
        .filter(counted)
        .collect();
    let regressed: Vec<&GroupReport> = r
        .groups
        .iter()
        .filter(|g| g.status == Status::Regressed)
        .filter(counted)
        .collect();
    let mut reasons = Vec::new();
    let mut failing = Vec::new();
    // A blocker raised on this train holds it, whatever its counts.
    let blockers: Vec<&GroupReport> = r.groups.iter().filter(is_blocker).collect();
    if !blockers.is_empty() && limits.fail_on_blockers {
        reasons.push(format!("{} open blocker(s) on this train", blockers.len()));
        failing.extend(blockers);
    }
    if new.len() > limits.max_new {
        reasons.push(format!(
            "{} new error group(s), at most {} allowed",
            new.len(),
            limits.max_new
        ));
        failing.extend(new);
    }
    if regressed.len() > limits.max_regressed {
        reasons.push(format!(
            "{} regressed error group(s), at most {} allowed",
            regressed.len(),
            limits.max_regressed
        ));
        failing.extend(regressed);
    }
    let outcome = if reasons.is_empty() {
        Outcome::Pass
    } else {
        Outcome::Fail
    };
    Verdict {
        outcome,
        reasons,
        failing,
    }
}

/// The gate's human output.
pub fn render(r: &Report, v: &Verdict) -> String {
    let mut o = String::new();
    let word = match v.outcome {
        Outcome::Pass => "PASS",
        Outcome::Fail => "FAIL",
        Outcome::Blind => "BLIND",
    };
    let _ = writeln!(
        o,
        "{word}: {} vs {} ({} events now, {} before; {} new, {} regressed, {} gone, {} improved, {} steady)",
        display_safe(&r.current.version),
        display_safe(&r.previous.version),
        r.current.events,
        r.previous.events,
        r.count(Status::New),
        r.count(Status::Regressed),
        r.count(Status::Gone),
        r.count(Status::Improved),
        r.count(Status::Steady),
    );
    for reason in &v.reasons {
        let _ = writeln!(o, "  {reason}");
    }
    if v.outcome == Outcome::Blind {
        let _ = writeln!(
            o,
            "  cannot judge this deploy: fix the data source and run the check again"
        );
    }
    for g in &v.failing {
        let ratio = g.ratio.map_or("new".to_string(), |r| format!("{r:.1}×"));
        let _ = writeln!(
            o,
            "  {:<9} {:>7} now {:>7} before {:>7}  {}  {}",
            g.status,
            g.current.count,
            g.previous.count,
            ratio,
            g.fingerprint,
            display_safe(&g.title)
        );
    }
    if r.malformed.total > 0 {
        let _ = writeln!(o, "  note: {} malformed line(s) skipped", r.malformed.total);
    }
    o
}
