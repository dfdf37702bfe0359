//! Template mining (Drain-like): merges masked templates that differ only in tokens the
//! masks did not catch (`user alice logged in` / `user bob logged in`). It runs over the
//! *distinct* templates in sorted order, so the result does not depend on input order or
//! on how often each line occurs.
//!
//! Templates are bucketed by token count; within a bucket a template joins the most similar
//! cluster when the share of positions holding the same constant token is at least
//! [`SIMILARITY`]. Unlike Drain there is no prefix tree on leading tokens (a variable first
//! token, `com.apple.xpc.launchd.domain.pid.X:`, would split a group); instead a merged
//! cluster is split again on every position that holds fewer than [`MIN_VARIABLE_VALUES`]
//! distinct tokens: two or three values are differing constants, not a variable.
//! Both constants were chosen on Loghub-2k (scripts/grouping-accuracy), one setting for all.

use super::mask::VAR;
use std::collections::BTreeMap;

/// Minimum share of equal constant tokens for two templates to merge.
pub const SIMILARITY: f64 = 0.55;

/// The two constants of template mining, overridable for the leave-one-system-out runs of
/// `scripts/grouping-accuracy --loso` (`LOGTRIAGE_GROUPING_SIMILARITY`,
/// `LOGTRIAGE_GROUPING_MIN_VARIABLE_VALUES`); read once. Not a user setting: fingerprints
/// depend on them.
fn tuned() -> (f64, usize) {
    static T: std::sync::OnceLock<(f64, usize)> = std::sync::OnceLock::new();
    *T.get_or_init(|| {
        let read = |name: &str| std::env::var(name).ok().and_then(|v| v.parse::<f64>().ok());
        (
            read("LOGTRIAGE_GROUPING_SIMILARITY").unwrap_or(SIMILARITY),
            read("LOGTRIAGE_GROUPING_MIN_VARIABLE_VALUES")
                .map_or(MIN_VARIABLE_VALUES, |v| v as usize),
        )
    })
}

/// Clusters `templates`; returns, for each input (by index), its merged template.
pub fn cluster(templates: &[&str]) -> Vec<String> {
    let mut order: Vec<usize> = (0..templates.len()).collect();
    order.sort_by(|a, b| templates[*a].cmp(templates[*b]));

    // bucket key -> clusters (tokens) ; member -> (bucket, cluster index)
    let mut buckets: BTreeMap<usize, Vec<Vec<String>>> = BTreeMap::new();
    let mut membership: Vec<(usize, usize)> = vec![(0, 0); templates.len()];
    for &i in &order {
        let tokens: Vec<&str> = templates[i].split(' ').collect();
        let key = tokens.len();
        let clusters = buckets.entry(key).or_default();
        let best = clusters
            .iter()
            .enumerate()
            .map(|(ci, c)| (ci, similarity(c, &tokens)))
            .filter(|(_, s)| *s >= tuned().0)
            .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)));
        let ci = match best {
            Some((ci, _)) => {
                for (slot, t) in clusters[ci].iter_mut().zip(&tokens) {
                    if slot != t {
                        *slot = VAR.to_string();
                    }
                }
                ci
            }
            None => {
                clusters.push(tokens.iter().map(|t| t.to_string()).collect());
                clusters.len() - 1
            }
        };
        membership[i] = (key, ci);
    }
    // Members of each cluster, then split clusters on positions with too few values.
    let mut members: BTreeMap<(usize, usize), Vec<usize>> = BTreeMap::new();
    for (i, m) in membership.into_iter().enumerate() {
        members.entry(m).or_default().push(i);
    }
    let mut out = vec![String::new(); templates.len()];
    for idx in members.values() {
        for part in split_by_rare_words(templates, idx) {
            let merged = merge(templates, &part);
            for i in part {
                out[i] = merged.clone();
            }
        }
    }
    out
}

/// A position where merged templates hold fewer than this many distinct tokens is
/// taken as a constant that differs (`driver hub` / `driver usbfs`), not a variable: the
/// cluster is split on it. Over-splitting shows one error twice; over-merging would hide a
/// new error inside an old group, which is worse for triage.
pub const MIN_VARIABLE_VALUES: usize = 4;

fn split_by_rare_words(templates: &[&str], idx: &[usize]) -> Vec<Vec<usize>> {
    if idx.len() < 2 {
        return vec![idx.to_vec()];
    }
    let toks: Vec<Vec<&str>> = idx
        .iter()
        .map(|&i| templates[i].split(' ').collect())
        .collect();
    let len = toks[0].len();
    let mut split_positions = Vec::new();
    for p in 0..len {
        let mut values: Vec<&str> = toks.iter().map(|t| t[p]).collect();
        if values.contains(&VAR) {
            continue; // a member already has a variable here
        }
        values.sort_unstable();
        values.dedup();
        if values.len() > 1 && values.len() < tuned().1 {
            split_positions.push(p);
        }
    }
    if split_positions.is_empty() {
        return vec![idx.to_vec()];
    }
    let mut parts: BTreeMap<Vec<&str>, Vec<usize>> = BTreeMap::new();
    for (k, &i) in idx.iter().enumerate() {
        let key: Vec<&str> = split_positions.iter().map(|&p| toks[k][p]).collect();
        parts.entry(key).or_default().push(i);
    }
    parts.into_values().collect()
}

/// Position-wise merge: equal tokens stay, differing ones become the placeholder.
fn merge(templates: &[&str], idx: &[usize]) -> String {
    let mut merged: Vec<String> = templates[idx[0]].split(' ').map(str::to_string).collect();
    for &i in &idx[1..] {
        for (slot, t) in merged.iter_mut().zip(templates[i].split(' ')) {
            if slot != t {
                *slot = VAR.to_string();
            }
        }
    }
    merged.join(" ")
}

/// Share of positions where both hold the same constant token.
fn similarity(cluster: &[String], tokens: &[&str]) -> f64 {
    if tokens.is_empty() {
        return 1.0;
    }
    let same = cluster
        .iter()
        .zip(tokens)
        .filter(|(c, t)| c.as_str() == **t && !t.contains(VAR))
        .count();
    let constant = tokens.iter().filter(|t| !t.contains(VAR)).count().max(1);
    same as f64 / constant.max(tokens.len() / 2).max(1) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merges_uncaught_variables() {
        let t = [
            "user alice logged in from <*>",
            "user bob logged in from <*>",
            "user carol logged in from <*>",
            "user dave logged in from <*>",
            "disk full on <*>",
        ];
        let out = cluster(&t);
        assert_eq!(out[0], "user <*> logged in from <*>");
        assert!(out[..4].iter().all(|o| o == &out[0]));
        assert_eq!(out[4], "disk full on <*>");
    }

    #[test]
    fn keeps_differing_constants_apart() {
        // Similar enough to merge, but the differing position has only 2-3 values.
        let t = [
            "connection refused by <*>",
            "connection reset by <*>",
            "registered new driver hub",
            "registered new driver usbfs",
            "warning",
            "critical",
        ];
        let out = cluster(&t);
        assert_eq!(out[0], t[0]);
        assert_eq!(out[1], t[1]);
        assert_eq!(out[2], t[2]);
        assert_eq!(out[3], t[3]);
        assert_eq!(out[4], "warning");
    }

    #[test]
    fn independent_of_input_order() {
        let a = ["a x c", "a y c", "b q", "a z c"];
        let b = ["a z c", "b q", "a y c", "a x c"];
        let ra = cluster(&a);
        let rb = cluster(&b);
        for (i, t) in a.iter().enumerate() {
            let j = b.iter().position(|u| u == t).unwrap();
            assert_eq!(ra[i], rb[j]);
        }
    }
}
