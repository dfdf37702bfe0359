//! The version diff: a status per group (new, regressed, improved, gone, steady) between a
//! current and a previous version, with exposure normalized and a significance test so that
//! small counts do not flip status. The method is documented in docs/diff.md.

use crate::aggregate::{Group, VersionTotals};
use crate::stats::{binom_cdf, binom_sf};
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    New,
    Regressed,
    Gone,
    Improved,
    Steady,
}

impl Status {
    pub const ALL: [Status; 5] = [
        Status::New,
        Status::Regressed,
        Status::Gone,
        Status::Improved,
        Status::Steady,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::New => "new",
            Status::Regressed => "regressed",
            Status::Gone => "gone",
            Status::Improved => "improved",
            Status::Steady => "steady",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Thresholds of the diff.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Params {
    /// A group is regressed (improved) only if its exposure-normalized ratio is at least
    /// this (at most 1/this).
    pub min_ratio: f64,
    /// ... and the one-sided binomial test rejects "same rate" at this level.
    pub alpha: f64,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            min_ratio: 2.0,
            alpha: 0.01,
        }
    }
}

/// How much more traffic the current version saw than the previous: `ratio` = current /
/// previous exposure.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Exposure {
    pub ratio: f64,
    /// `median_shared_groups`, `total_events` or `equal` (no usable baseline).
    pub method: &'static str,
    /// Groups seen in both versions that the estimate used.
    pub baseline_groups: usize,
}

/// Groups with fewer events than this in both versions together are not used to estimate
/// exposure (their ratio is mostly noise), unless too few groups remain.
const BASELINE_MIN_EVENTS: u64 = 10;

/// Estimates exposure from the groups present in both versions: the median of their
/// count ratios. A median ignores a flood in one group and a new error that hits every
/// request alike; with fewer than 3 shared groups it falls back to total events read.
pub fn exposure(
    groups: &[Group],
    current: &str,
    previous: &str,
    totals: &BTreeMap<String, VersionTotals>,
) -> Exposure {
    let shared: Vec<(u64, u64)> = groups
        .iter()
        .map(|g| (g.count(current), g.count(previous)))
        .filter(|(c, p)| *c > 0 && *p > 0)
        .collect();
    let mut stable: Vec<f64> = shared
        .iter()
        .filter(|(c, p)| c + p >= BASELINE_MIN_EVENTS)
        .map(|(c, p)| *c as f64 / *p as f64)
        .collect();
    if stable.len() < 3 {
        stable = shared.iter().map(|(c, p)| *c as f64 / *p as f64).collect();
    }
    if stable.len() >= 3 {
        stable.sort_by(f64::total_cmp);
        let n = stable.len();
        let median = if n % 2 == 1 {
            stable[n / 2]
        } else {
            (stable[n / 2 - 1] * stable[n / 2]).sqrt()
        };
        return Exposure {
            ratio: median,
            method: "median_shared_groups",
            baseline_groups: n,
        };
    }
    let c = totals.get(current).map_or(0, |t| t.events);
    let p = totals.get(previous).map_or(0, |t| t.events);
    if c > 0 && p > 0 {
        return Exposure {
            ratio: c as f64 / p as f64,
            method: "total_events",
            baseline_groups: 0,
        };
    }
    Exposure {
        ratio: 1.0,
        method: "equal",
        baseline_groups: 0,
    }
}

/// The verdict on one group.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Verdict {
    pub status: Status,
    /// (current / exposure ratio) / previous; `None` when previous is 0.
    pub ratio: Option<f64>,
    /// One-sided p-value of the test behind the status (`None` for new).
    pub p_value: Option<f64>,
    /// Seen only in previous, but too few events to call it gone.
    pub absent_not_significant: bool,
}

/// Classifies a group from its counts in the current (`c`) and previous (`p`) versions.
pub fn classify(c: u64, p: u64, exposure: &Exposure, params: &Params) -> Verdict {
    let r = exposure.ratio.max(1e-9);
    let share = r / (1.0 + r); // expected share of events in current if nothing changed
    let n = c + p;
    let ratio = (p > 0).then(|| (c as f64 / r) / p as f64);
    let mut v = Verdict {
        status: Status::Steady,
        ratio,
        p_value: None,
        absent_not_significant: false,
    };
    if c > 0 && p == 0 {
        v.status = Status::New;
        return v;
    }
    if n == 0 {
        return v;
    }
    if c == 0 {
        let p0 = (1.0 - share).powf(n as f64);
        v.p_value = Some(p0);
        if p0 < params.alpha {
            v.status = Status::Gone;
        } else {
            v.absent_not_significant = true;
        }
        return v;
    }
    let rr = ratio.unwrap_or(1.0);
    if rr >= params.min_ratio {
        let pv = binom_sf(c, n, share);
        v.p_value = Some(pv);
        if pv < params.alpha {
            v.status = Status::Regressed;
        }
    } else if rr <= 1.0 / params.min_ratio {
        let pv = binom_cdf(c, n, share);
        v.p_value = Some(pv);
        if pv < params.alpha {
            v.status = Status::Improved;
        }
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exp(r: f64) -> Exposure {
        Exposure {
            ratio: r,
            method: "test",
            baseline_groups: 3,
        }
    }

    #[test]
    fn each_status() {
        let p = Params::default();
        assert_eq!(classify(1, 0, &exp(0.1), &p).status, Status::New);
        assert_eq!(classify(0, 120, &exp(0.1), &p).status, Status::Gone);
        assert_eq!(classify(60, 50, &exp(0.1), &p).status, Status::Regressed);
        assert_eq!(classify(8, 800, &exp(0.1), &p).status, Status::Improved);
        assert_eq!(classify(40, 400, &exp(0.1), &p).status, Status::Steady);
    }

    #[test]
    fn small_counts_do_not_flip() {
        let p = Params::default();
        // 3 vs 1 at equal traffic is a 3x ratio but not significant.
        let v = classify(3, 1, &exp(1.0), &p);
        assert_eq!(v.status, Status::Steady);
        assert!(v.ratio.unwrap() >= 2.0);
        // Absent from a canary that sees 10% of the traffic: 3 previous events prove nothing.
        let v = classify(0, 3, &exp(0.1), &p);
        assert_eq!(v.status, Status::Steady);
        assert!(v.absent_not_significant);
    }

    #[test]
    fn canary_traffic_is_normalized() {
        let p = Params::default();
        // Same rate, tenfold less traffic: steady, ratio ~1.
        let v = classify(10, 100, &exp(0.1), &p);
        assert_eq!(v.status, Status::Steady);
        assert!((v.ratio.unwrap() - 1.0).abs() < 1e-9);
    }
}
