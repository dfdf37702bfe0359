//! The triage verdict a report opens with: go, no-go or blind, and why. No-go while a
//! blocker is open or a new or regressed group has no decision (a known group whose task
//! is closed counts as undecided again); blind when the data cannot show what broke.

use super::{GroupReport, Report};
use crate::decisions::Mark;
use crate::diff::Status;
use crate::gate::{self, Limits, Outcome};
use crate::sanitize::display_safe;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Call {
    Go,
    NoGo,
    Blind,
}

impl Call {
    pub fn as_str(self) -> &'static str {
        match self {
            Call::Go => "GO",
            Call::NoGo => "NO-GO",
            Call::Blind => "BLIND",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TriageVerdict {
    pub call: Call,
    pub reasons: Vec<String>,
}

/// A known or ignored group whose task is closed: it should be triaged again.
pub fn task_closed(g: &GroupReport) -> bool {
    g.decision.as_ref().is_some_and(|d| {
        matches!(d.mark, Some(Mark::Known | Mark::Ignored)) && d.task_open == Some(false)
    })
}

/// New or regressed, and no decision that covers it.
fn undecided(g: &GroupReport) -> bool {
    matches!(g.status, Status::New | Status::Regressed)
        && (task_closed(g)
            || match g.decision.as_ref().and_then(|d| d.mark) {
                None | Some(Mark::Fixed) => true,
                Some(Mark::Blocker | Mark::Backport | Mark::Known | Mark::Ignored) => false,
            })
}

pub fn evaluate(r: &Report) -> TriageVerdict {
    let all = Limits {
        max_new: usize::MAX,
        max_regressed: usize::MAX,
    };
    let gate = gate::evaluate(r, all);
    if gate.outcome == Outcome::Blind {
        return TriageVerdict {
            call: Call::Blind,
            reasons: gate.reasons,
        };
    }
    let mut reasons = Vec::new();
    let blockers = r.marked(Mark::Blocker);
    if !blockers.is_empty() {
        let titles: Vec<String> = blockers
            .iter()
            .take(3)
            .map(|g| display_safe(&g.title).chars().take(80).collect())
            .collect();
        reasons.push(format!(
            "{} open blocker(s): {}{}",
            blockers.len(),
            titles.join("; "),
            if blockers.len() > 3 { "; …" } else { "" }
        ));
    }
    let open: Vec<&GroupReport> = r.groups.iter().filter(|g| undecided(g)).collect();
    if !open.is_empty() {
        let new = open.iter().filter(|g| g.status == Status::New).count();
        reasons.push(format!(
            "{new} new and {} regressed group(s) not triaged yet",
            open.len() - new
        ));
    }
    if reasons.is_empty() {
        reasons.push("no open blockers, and every new or regressed group has a decision".into());
        let backports = r.marked(Mark::Backport).len();
        if backports > 0 {
            reasons.push(format!("{backports} backport(s) pending"));
        }
        return TriageVerdict {
            call: Call::Go,
            reasons,
        };
    }
    TriageVerdict {
        call: Call::NoGo,
        reasons,
    }
}
