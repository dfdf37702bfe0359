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

/// `Title… (team/person, T123)`: a blocker in a verdict line.
fn blocker(g: &GroupReport) -> String {
    let title = display_safe(&g.title);
    let mut s: String = title.chars().take(70).collect();
    if title.chars().count() > 70 {
        s.push('…');
    }
    let d = g.decision.as_ref();
    let owner = d.and_then(|d| match (&d.owner_team, &d.owner_person) {
        (Some(t), Some(p)) => Some(format!("{t}/{p}")),
        (Some(x), None) | (None, Some(x)) => Some(x.clone()),
        (None, None) => None,
    });
    let owner = owner.unwrap_or_else(|| "no owner".into());
    let task = d
        .and_then(|d| d.task.clone())
        .unwrap_or_else(|| "no task".into());
    format!("{s} ({}, {})", display_safe(&owner), display_safe(&task))
}

pub fn evaluate(r: &Report) -> TriageVerdict {
    let all = Limits {
        max_new: usize::MAX,
        max_regressed: usize::MAX,
        fail_on_blockers: false,
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
        let titles: Vec<String> = blockers.iter().take(3).map(|g| blocker(g)).collect();
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decisions::{Decisions, Op};

    fn decided(ops: &[Op]) -> Report {
        let mut r = crate::task::tests::report();
        let fp = r
            .groups
            .iter()
            .find(|g| g.status == Status::New)
            .unwrap()
            .fingerprint
            .clone();
        let mut d = Decisions::default();
        for op in ops {
            d.apply(&fp, None, op, "2026-11-22T00:00:00Z", "ann");
        }
        r.attach_decisions(&d);
        r
    }

    #[test]
    fn open_blockers_and_undecided_groups_are_no_go_and_decided_ones_go() {
        let r = decided(&[]);
        assert_eq!(r.verdict.call, Call::NoGo);
        assert_eq!(
            r.verdict.reasons,
            ["1 new and 0 regressed group(s) not triaged yet"]
        );
        let r = decided(&[
            Op::SetMark {
                mark: Some(Mark::Blocker),
                train: Some("2".into()),
            },
            Op::SetOwner {
                team: Some("Platform".into()),
                person: Some("ann".into()),
            },
            Op::SetTask {
                task: Some("T412345".into()),
            },
        ]);
        assert_eq!(r.verdict.call, Call::NoGo);
        assert!(
            r.verdict.reasons[0].starts_with("1 open blocker(s): TypeError: mail"),
            "{:?}",
            r.verdict
        );
        assert!(
            r.verdict.reasons[0].ends_with("(Platform/ann, T412345)"),
            "{:?}",
            r.verdict
        );
        // A blocker raised on another train does not hold this one; a backport does not either.
        let r = decided(&[Op::SetMark {
            mark: Some(Mark::Backport),
            train: Some("2".into()),
        }]);
        assert_eq!(r.verdict.call, Call::Go);
        assert_eq!(r.verdict.reasons[1], "1 backport(s) pending");
        // Known with a closed task: undecided again.
        let mut r = decided(&[
            Op::SetMark {
                mark: Some(Mark::Known),
                train: None,
            },
            Op::SetTask {
                task: Some("T1".into()),
            },
        ]);
        assert_eq!(r.verdict.call, Call::Go);
        r.attach_task_states(|_| Some(false));
        assert_eq!(r.verdict.call, Call::NoGo);
        assert_eq!(r.closed_but_recurring().len(), 1);
        // No events for the current version: blind, whatever the decisions.
        let mut r = decided(&[]);
        r.current.events = 0;
        assert_eq!(evaluate(&r).call, Call::Blind);
    }

    /// Unattributed events: the gate, the triage verdict and the report's list of what it
    /// did not see say the same thing, from one computation.
    #[test]
    fn unattributed_events_make_every_verdict_blind_alike() {
        let mut r = decided(&[]);
        for (no_version, unleveled, blind) in [(5, 5, false), (6, 0, true), (0, 6, true)] {
            r.unattributed = super::super::Unattributed {
                no_version,
                unleveled,
                allowed: 5,
            };
            let gate = gate::evaluate(&r, Limits::default());
            let verdict = evaluate(&r);
            let said = r.unattributed.reasons(&r.current.version);
            assert_eq!(said.is_empty(), !blind);
            assert_eq!(gate.outcome == Outcome::Blind, blind);
            assert_eq!(verdict.call == Call::Blind, blind);
            let not_seen = r.not_seen();
            for reason in &said {
                assert!(gate.reasons.contains(reason), "{gate:?}");
                assert!(verdict.reasons.contains(reason), "{verdict:?}");
                assert!(not_seen.contains(reason), "{not_seen:?}");
            }
        }
    }
}
