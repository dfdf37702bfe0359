//! Backends that aggregate on their side (ClickHouse, later OpenSearch and Loki) deliver
//! *coarse rows*: counts and a sample per key the server can compute. This turns them into
//! the same [`Analysis`] the file pipeline produces: each row's sample is fingerprinted
//! with the same rules, and rows that share a fingerprint are merged. No I/O here.

use crate::aggregate::{Aggregator, Sample, VersionStats, VersionTotals};
use crate::event::{Dimension, Event};
use crate::fingerprint::Fingerprinter;
use crate::level::Level;
use crate::pipeline::{Analysis, SourceSummary};
use std::borrow::Cow;

/// Events of one version, all levels.
#[derive(Debug, Clone, PartialEq)]
pub struct VersionTotal {
    pub version: String,
    pub events: u64,
    pub first_ms: Option<i64>,
    pub last_ms: Option<i64>,
}

/// One row of a server-side aggregation: the fields the fingerprint reads, the counts,
/// and the earliest event as a sample.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CoarseRow {
    pub version: String,
    pub level: Option<Level>,
    pub template: Option<String>,
    pub fingerprint_field: Option<String>,
    pub error_type: Option<String>,
    pub origin: Option<String>,
    pub stack: Option<String>,
    pub count: u64,
    pub first_ms: Option<i64>,
    pub last_ms: Option<i64>,
    pub sample_message: String,
    pub sample_error_message: Option<String>,
    pub sample_request_id: Option<String>,
    /// Line of the sample in the file it was ingested from (0 when unknown).
    pub sample_line: u64,
    pub sample_dims: Vec<(Dimension, String)>,
    /// Breakdown values with their counts.
    pub values: Vec<(Dimension, String, u64)>,
    /// (bucket start in ms, events)
    pub buckets: Vec<(i64, u64)>,
}

/// Smallest histogram bucket (60 s × 2^k) that spans `[lo, hi]` in 64 buckets: what a
/// backend should count per.
pub fn bucket_ms(lo: i64, hi: i64) -> i64 {
    let mut w: i64 = 60_000;
    while hi.saturating_sub(lo.div_euclid(w) * w) >= w.saturating_mul(64) && w < 60_000 << 40 {
        w *= 2;
    }
    w
}

/// Builds the analysis of one source from its per-version totals and coarse rows.
pub fn analysis(
    source_name: &str,
    format: &str,
    totals: Vec<VersionTotal>,
    mut rows: Vec<CoarseRow>,
    grouping: &crate::grouping::Grouping,
) -> Analysis {
    let mut agg = Aggregator::default();
    let mut total_events = 0;
    for t in totals {
        total_events += t.events;
        agg.versions.insert(
            t.version,
            VersionTotals {
                events: t.events,
                triaged: 0,
                first_ms: t.first_ms,
                last_ms: t.last_ms,
                first_pos: None,
                sources: vec![0],
                // The backends' totals do not break events down by level or timestamp.
                ..VersionTotals::default()
            },
        );
    }
    // Deterministic whatever order the server answered in.
    rows.sort_by(|a, b| {
        (
            &a.version,
            &a.level,
            &a.template,
            &a.error_type,
            &a.origin,
            &a.stack,
            &a.sample_message,
        )
            .cmp(&(
                &b.version,
                &b.level,
                &b.template,
                &b.error_type,
                &b.origin,
                &b.stack,
                &b.sample_message,
            ))
    });
    let mut fp = Fingerprinter::default();
    for r in &rows {
        let mut stats = VersionStats {
            count: r.count,
            first_ms: r.first_ms,
            last_ms: r.last_ms,
            first_pos: Some((0, r.sample_line)),
            ..VersionStats::default()
        };
        stats.samples.push(Sample {
            pos: (0, r.sample_line),
            timestamp: r.first_ms,
            message: r.sample_message.clone(),
            request_id: r.sample_request_id.clone(),
            dims: r.sample_dims.clone(),
        });
        if let Some(st) = &r.stack {
            stats.stack = Some(((0, r.sample_line), format!("{}\n{st}", r.sample_message)));
        }
        for (d, v, n) in &r.values {
            if !v.is_empty() {
                stats.top[d.index()].add(v, *n);
            }
        }
        for (b, n) in &r.buckets {
            stats.histogram.add(*b, *n);
        }
        let owned = |v: &Option<String>| v.clone().map(Cow::Owned);
        let ev = Event {
            line: r.sample_line,
            level: r.level,
            version: Some(Cow::Owned(r.version.clone())),
            message: Cow::Owned(r.sample_message.clone()),
            template: owned(&r.template),
            fingerprint: owned(&r.fingerprint_field),
            error_type: owned(&r.error_type),
            error_message: owned(&r.sample_error_message),
            stack: owned(&r.stack),
            origin: owned(&r.origin),
            ..Event::default()
        };
        let prekey = fp.prekey(&ev);
        agg.add_stats(&prekey, r.level, &r.version, &stats);
    }
    let versions = agg.versions.clone();
    let f = agg.finalize_with(grouping);
    Analysis {
        groups: f.groups,
        versions,
        sources: vec![SourceSummary {
            name: source_name.to_string(),
            format: Some(format.to_string()),
            events: total_events,
            malformed: 0,
            error: None,
            version_field: None,
        }],
        malformed_examples: Vec::new(),
        events: Vec::new(),
        key_to_fingerprint: f.key_to_fingerprint,
        unmined: f.unmined,
        folded: f.folded,
        new_store_entries: f.new_store_entries,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_sharing_a_fingerprint_merge() {
        let row = |version: &str, count: u64, msg: &str| CoarseRow {
            version: version.into(),
            level: Some(Level::Error),
            count,
            first_ms: Some(1_000),
            last_ms: Some(2_000),
            sample_message: msg.into(),
            values: vec![(Dimension::Host, "mw1".into(), count)],
            buckets: vec![(0, count)],
            ..CoarseRow::default()
        };
        let totals = vec![
            VersionTotal {
                version: "2".into(),
                events: 100,
                first_ms: Some(1_000),
                last_ms: Some(2_000),
            },
            VersionTotal {
                version: "1".into(),
                events: 100,
                first_ms: Some(0),
                last_ms: Some(500),
            },
        ];
        let a = analysis(
            "ch",
            "clickhouse",
            totals,
            vec![
                row("2", 3, "timeout after 30s"),
                row("2", 4, "timeout after 45s"),
                row("1", 5, "timeout after 10s"),
                row("2", 1, "disk full"),
            ],
            &Default::default(),
        );
        assert_eq!(a.groups.len(), 2);
        let t = a
            .groups
            .iter()
            .find(|g| g.template.starts_with("timeout"))
            .unwrap();
        assert_eq!((t.count("2"), t.count("1")), (7, 5));
        assert_eq!(
            t.versions["2"].top[Dimension::Host.index()].top(1),
            vec![("mw1".to_string(), 7)]
        );
        assert_eq!(a.versions["2"].triaged, 8);
    }

    #[test]
    fn rows_without_a_level_are_unknown_not_errors() {
        let totals = vec![VersionTotal {
            version: "2".into(),
            events: 10,
            first_ms: Some(0),
            last_ms: Some(1),
        }];
        let row = |level: Option<Level>, count: u64| CoarseRow {
            version: "2".into(),
            level,
            count,
            sample_message: "queue stalled".into(),
            ..CoarseRow::default()
        };
        let a = analysis(
            "ch",
            "clickhouse",
            totals.clone(),
            vec![row(None, 6)],
            &Default::default(),
        );
        let g = &a.groups[0];
        assert_eq!(g.level_unknown, 6);
        assert_ne!(g.level, Level::Error);
        assert_eq!(a.versions["2"].unleveled, 6);
        // The same counts as events read from files would give (aggregate::Aggregator::add).
        let mixed = analysis(
            "ch",
            "clickhouse",
            totals,
            vec![row(None, 2), row(Some(Level::Warning), 3)],
            &Default::default(),
        );
        let g = &mixed.groups[0];
        assert_eq!((g.level, g.level_unknown), (Level::Warning, 2));
    }

    #[test]
    fn bucket_width_spans_the_range() {
        assert_eq!(bucket_ms(0, 60_000 * 63), 60_000);
        assert_eq!(bucket_ms(0, 60_000 * 64), 120_000);
    }
}
