//! Template mining (Drain-like): merges masked templates that differ only in tokens the
//! masks did not catch (`user alice logged in` / `user bob logged in`). It runs over the
//! *distinct* templates in sorted order, so the result does not depend on input order or
//! on how often each line occurs.
//!
//! Templates are bucketed by token count and by their first token (as in Drain's prefix
//! tree, depth 1); within a bucket a template joins the most similar cluster when the share
//! of positions holding the same constant token is at least [`SIMILARITY`].

use super::mask::VAR;
use std::collections::BTreeMap;

/// Minimum share of equal constant tokens for two templates to merge.
pub const SIMILARITY: f64 = 0.5;

/// Clusters `templates`; returns, for each input (by index), its merged template.
pub fn cluster(templates: &[&str]) -> Vec<String> {
    let mut order: Vec<usize> = (0..templates.len()).collect();
    order.sort_by(|a, b| templates[*a].cmp(templates[*b]));

    // bucket key -> clusters (tokens) ; member -> (bucket, cluster index)
    let mut buckets: BTreeMap<(usize, String), Vec<Vec<String>>> = BTreeMap::new();
    let mut membership: Vec<(usize, String, usize)> = vec![(0, String::new(), 0); templates.len()];
    for &i in &order {
        let tokens: Vec<&str> = templates[i].split(' ').collect();
        let key = (tokens.len(), bucket_token(&tokens));
        let clusters = buckets.entry(key.clone()).or_default();
        let best = clusters
            .iter()
            .enumerate()
            .map(|(ci, c)| (ci, similarity(c, &tokens)))
            .filter(|(_, s)| *s >= SIMILARITY)
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
        membership[i] = (key.0, key.1, ci);
    }
    membership
        .into_iter()
        .map(|(len, first, ci)| buckets[&(len, first)][ci].join(" "))
        .collect()
}

fn bucket_token(tokens: &[&str]) -> String {
    match tokens.first() {
        Some(t) if !t.contains(VAR) => t.to_string(),
        _ => VAR.to_string(),
    }
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
            "disk full on <*>",
        ];
        let out = cluster(&t);
        assert_eq!(out[0], "user <*> logged in from <*>");
        assert_eq!(out[0], out[1]);
        assert_eq!(out[2], "disk full on <*>");
    }

    #[test]
    fn keeps_different_messages_apart() {
        let t = [
            "connection refused by <*>",
            "connection reset by <*>",
            "warning",
            "critical",
        ];
        let out = cluster(&t);
        assert_eq!(out[2], "warning");
        assert_eq!(out[3], "critical");
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
