//! Template mining (Drain-like): merges masked templates that differ only in tokens the
//! masks did not catch (`user alice logged in` / `user bob logged in`). It runs over the
//! *distinct* templates in sorted order, so the result does not depend on input order or
//! on how often each line occurs.
//!
//! Templates are bucketed by token count; within a bucket a template joins the most similar
//! cluster when the share of positions holding the same constant token is at least
//! [`SIMILARITY`] (ties: the older cluster). Unlike Drain there is no prefix tree on leading
//! tokens (a variable first token, `com.apple.xpc.launchd.domain.pid.X:`, would split a
//! group); instead a merged cluster is split again on every position that holds fewer than
//! [`MIN_VARIABLE_VALUES`] distinct values: two to four values are differing constants, not
//! a variable. A token the masks replaced in part counts by its shape (`(uid=<*>)` and
//! `LOGIN(uid=<*>)` are two values, `(<*>)` and `(0)` one: see [`value_classes`]). Both constants were chosen on Loghub-2k (scripts/grouping-accuracy), one
//! setting for all.
//!
//! Candidates come from an index, not from a scan of the bucket (which made mining quadratic
//! in the number of distinct messages: anyone who controls error text could stall the tool).
//! Each bucket maps (position, constant token) to the clusters holding that token there; a
//! cluster's entry is removed when its position becomes `<*>`, so the index always matches
//! the clusters. A template with `k` constant positions reaches the threshold only with a
//! cluster sharing at least `m` of them (`m` from the threshold and the similarity's
//! denominator), so such a cluster shares at least one of *any* `k - m + 1` of them: only the
//! posting lists of the `k - m + 1` rarest are read (prefix filtering), and every candidate
//! is scored exactly as before. The result is the same as scoring every cluster of the
//! bucket. (With a threshold that needs no shared token, `m = 0`, the bucket is scanned.)
//!
//! The clusters kept are capped at [`MAX_CLUSTERS`]: past it a template that joins no cluster
//! does not start one but is left as it is, unmerged, and counted ([`Mined::unmined`]).
//! Nothing is dropped: every input gets an output template.

use super::mask::VAR;
use std::collections::{BTreeMap, HashMap};

/// Minimum share of equal constant tokens for two templates to merge.
pub const SIMILARITY: f64 = 0.7;

/// Most clusters mined in one call (all token counts together). Each kept cluster costs
/// memory (its tokens and index entries) and makes posting lists longer; real services
/// have hundreds to a few thousand message templates, so 50,000 leaves room for any real
/// log while bounding what varying text in error messages can make the miner hold. Past it,
/// templates that would start a new cluster stay unmerged (their own masked template);
/// templates similar to a kept cluster still join it.
pub const MAX_CLUSTERS: usize = 50_000;

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

/// The result of [`cluster_counted`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Mined {
    /// For each input (by index), its merged template.
    pub merged: Vec<String>,
    /// Inputs past [`MAX_CLUSTERS`] that joined no cluster and were left as they are.
    pub unmined: usize,
}

/// Clusters `templates`; returns, for each input (by index), its merged template.
pub fn cluster(templates: &[&str]) -> Vec<String> {
    cluster_counted(templates).merged
}

/// [`cluster`], also counting the templates left unmerged past [`MAX_CLUSTERS`].
pub fn cluster_counted(templates: &[&str]) -> Mined {
    let (threshold, min_values) = tuned();
    mine(templates, MAX_CLUSTERS, threshold, min_values)
}

/// Marks a cluster position that is not in the index (its token holds `<*>`).
const NOT_INDEXED: u32 = u32::MAX;

/// The clusters of one token count and their index.
struct Bucket<'a> {
    /// Tokens per position.
    len: usize,
    /// Cluster `c` holds `tokens[c * len..(c + 1) * len]`; a position becomes [`VAR`] when
    /// a member differs there.
    tokens: Vec<&'a str>,
    /// (position, constant token) -> clusters holding that token at that position.
    index: HashMap<(u32, &'a str), Vec<u32>>,
    /// Parallel to `tokens`: where the cluster sits in its position's posting list
    /// ([`NOT_INDEXED`] if not there), so that removal is a `swap_remove`.
    slot: Vec<u32>,
}

impl<'a> Bucket<'a> {
    fn new(len: usize) -> Self {
        Bucket {
            len,
            tokens: Vec::new(),
            index: HashMap::new(),
            slot: Vec::new(),
        }
    }

    fn count(&self) -> usize {
        self.tokens.len() / self.len
    }

    fn cluster(&self, c: usize) -> &[&'a str] {
        &self.tokens[c * self.len..(c + 1) * self.len]
    }

    fn push(&mut self, tokens: &[&'a str]) -> usize {
        let c = self.count();
        for (p, &t) in tokens.iter().enumerate() {
            self.tokens.push(t);
            if t.contains(VAR) {
                // Never counted by the similarity: not indexed.
                self.slot.push(NOT_INDEXED);
            } else {
                let list = self.index.entry((p as u32, t)).or_default();
                self.slot.push(list.len() as u32);
                list.push(c as u32);
            }
        }
        c
    }

    /// Position-wise merge of `tokens` into cluster `c`, unindexing positions that vary.
    fn merge_into(&mut self, c: usize, tokens: &[&'a str]) {
        for (p, &t) in tokens.iter().enumerate() {
            let at = c * self.len + p;
            let old = self.tokens[at];
            if old == t {
                continue;
            }
            self.tokens[at] = VAR;
            let s = std::mem::replace(&mut self.slot[at], NOT_INDEXED);
            if s == NOT_INDEXED {
                continue;
            }
            let key = (p as u32, old);
            let list = self
                .index
                .get_mut(&key)
                .expect("indexed position has a list");
            list.swap_remove(s as usize);
            if let Some(&moved) = list.get(s as usize) {
                self.slot[moved as usize * self.len + p] = s;
            }
            if list.is_empty() {
                self.index.remove(&key);
            }
        }
    }

    /// The cluster `tokens` joins: the most similar at or above `threshold`, the older on a
    /// tie; the same answer as scoring every cluster of the bucket.
    fn best(&self, tokens: &[&str], threshold: f64) -> Option<usize> {
        let constant: Vec<usize> = (0..tokens.len())
            .filter(|&p| !tokens[p].contains(VAR))
            .collect();
        // The denominator of `similarity`, and the fewest shared constants that reach the
        // threshold (the same float expression, so the same rounding).
        let denom = constant.len().max(1).max(tokens.len() / 2).max(1);
        let need = (0..=constant.len()).find(|&s| s as f64 / denom as f64 >= threshold)?;
        let score = |c: usize| (c, similarity(self.cluster(c), tokens));
        let pick = |a: &(usize, f64), b: &(usize, f64)| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0));
        if need == 0 {
            // Every cluster qualifies, sharing a token or not: score them all.
            return (0..self.count())
                .map(score)
                .filter(|(_, s)| *s >= threshold)
                .max_by(pick)
                .map(|(c, _)| c);
        }
        // A qualifying cluster misses at most `k - need` constant positions, so it holds one
        // of any `k - need + 1`: read the shortest posting lists.
        let mut lists: Vec<&[u32]> = constant
            .iter()
            .map(|&p| {
                self.index
                    .get(&(p as u32, tokens[p]))
                    .map_or(&[][..], Vec::as_slice)
            })
            .collect();
        lists.sort_unstable_by_key(|l| l.len());
        let mut candidates: Vec<u32> = lists[..constant.len() - need + 1]
            .iter()
            .flat_map(|l| l.iter().copied())
            .collect();
        candidates.sort_unstable();
        candidates.dedup();
        candidates
            .into_iter()
            .map(|c| score(c as usize))
            .filter(|(_, s)| *s >= threshold)
            .max_by(pick)
            .map(|(c, _)| c)
    }
}

#[cfg(test)]
impl Bucket<'_> {
    /// The index holds exactly the constant positions of the clusters, slots included.
    fn check_index(&self) {
        let mut entries = 0;
        for (&(p, t), list) in &self.index {
            assert!(!list.is_empty());
            for (s, &c) in list.iter().enumerate() {
                let at = c as usize * self.len + p as usize;
                assert_eq!(self.tokens[at], t);
                assert_eq!(self.slot[at] as usize, s);
            }
            entries += list.len();
        }
        let constant = self.tokens.iter().filter(|t| !t.contains(VAR)).count();
        assert_eq!(entries, constant);
    }
}

/// [`cluster_counted`] with its constants as arguments.
fn mine(templates: &[&str], max_clusters: usize, threshold: f64, min_values: usize) -> Mined {
    let mut order: Vec<usize> = (0..templates.len()).collect();
    order.sort_by(|a, b| templates[*a].cmp(templates[*b]));

    // token count -> clusters ; member -> (token count, cluster index), None if unmined
    let mut buckets: HashMap<usize, Bucket> = HashMap::new();
    let mut membership: Vec<Option<(usize, usize)>> = vec![None; templates.len()];
    let mut kept = 0;
    let mut unmined = 0;
    let mut tokens: Vec<&str> = Vec::new();
    for &i in &order {
        tokens.clear();
        tokens.extend(templates[i].split(' '));
        let key = tokens.len();
        let bucket = buckets.entry(key).or_insert_with(|| Bucket::new(key));
        membership[i] = match bucket.best(&tokens, threshold) {
            Some(c) => {
                bucket.merge_into(c, &tokens);
                Some((key, c))
            }
            None if kept < max_clusters => {
                kept += 1;
                Some((key, bucket.push(&tokens)))
            }
            None => {
                unmined += 1;
                None
            }
        };
    }
    #[cfg(test)]
    buckets.values().for_each(Bucket::check_index);
    drop(buckets);
    // Members of each cluster, then split clusters on positions with too few values.
    let mut members: BTreeMap<(usize, usize), Vec<usize>> = BTreeMap::new();
    let mut out = vec![String::new(); templates.len()];
    for (i, m) in membership.into_iter().enumerate() {
        match m {
            Some(m) => members.entry(m).or_default().push(i),
            None => out[i] = templates[i].to_string(),
        }
    }
    for idx in members.values() {
        for part in split_by_rare_words(templates, idx, min_values) {
            let merged = merge(templates, &part);
            for i in part {
                out[i] = merged.clone();
            }
        }
    }
    Mined {
        merged: out,
        unmined,
    }
}

/// A position where merged templates hold fewer than this many distinct tokens is
/// taken as a constant that differs (`driver hub` / `driver usbfs`), not a variable: the
/// cluster is split on it. Over-splitting shows one error twice; over-merging would hide a
/// new error inside an old group, which is worse for triage.
pub const MIN_VARIABLE_VALUES: usize = 5;

fn split_by_rare_words(templates: &[&str], idx: &[usize], min_values: usize) -> Vec<Vec<usize>> {
    if idx.len() < 2 {
        return vec![idx.to_vec()];
    }
    let toks: Vec<Vec<&str>> = idx
        .iter()
        .map(|&i| templates[i].split(' ').collect())
        .collect();
    let len = toks[0].len();
    // Positions with a few classes of values, and each member's class there.
    let mut split_positions: Vec<Vec<usize>> = Vec::new();
    for p in 0..len {
        let values: Vec<&str> = toks.iter().map(|t| t[p]).collect();
        if let Some(classes) = value_classes(&values, min_values) {
            split_positions.push(classes);
        }
    }
    if split_positions.is_empty() {
        return vec![idx.to_vec()];
    }
    let mut parts: BTreeMap<Vec<usize>, Vec<usize>> = BTreeMap::new();
    for (k, &i) in idx.iter().enumerate() {
        let key: Vec<usize> = split_positions.iter().map(|c| c[k]).collect();
        parts.entry(key).or_default().push(i);
    }
    parts.into_values().collect()
}

/// The class of each token at one position of a cluster, when there are more than one and
/// fewer than `min_values` classes (differing constants: the cluster splits on them);
/// `None` when the position is one class or a variable.
///
/// A plain token is its own class. A token the masks replaced in part (`(uid=<*>)`,
/// `rhost=<*>`) has a *shape*: the masks decided which part of it varies, so the rest is
/// constant text. A token joins the class of a more general shape it fits (see [`fits`]):
/// `(0)` and `()` fit `(<*>)` (a value the masks missed), `allreduce_<*>.rts:` fits `<*>:`
/// (masked more finely). So `(<*>)`/`(root)`/`()` is one class — a variable — while
/// `(uid=<*>)`/`LOGIN(uid=<*>)` are two constants that differ (the session was opened by
/// `login` or not), exactly like two plain words.
fn value_classes(values: &[&str], min_values: usize) -> Option<Vec<usize>> {
    let mut distinct: Vec<&str> = values.to_vec();
    distinct.sort_unstable();
    distinct.dedup();
    if distinct.len() < 2 {
        return None;
    }
    // Most general first: shapes before plain tokens, fewer constant characters first.
    distinct.sort_by_key(|v| {
        (
            !v.contains(VAR),
            v.len() - v.matches(VAR).count() * VAR.len(),
        )
    });
    let mut roots: Vec<&str> = Vec::new();
    let mut class_of: HashMap<&str, usize> = HashMap::with_capacity(distinct.len());
    for v in distinct {
        let class = match roots
            .iter()
            .position(|r| r.contains(VAR) && (fits(v, r) || same_ends(v, r)))
        {
            Some(c) => c,
            None => {
                if roots.len() + 1 >= min_values {
                    return None;
                }
                roots.push(v);
                roots.len() - 1
            }
        };
        class_of.insert(v, class);
    }
    (roots.len() > 1).then(|| values.iter().map(|v| class_of[v]).collect())
}

/// Whether two shapes have the same text before their first `<*>` and after their last:
/// what lies between two variables is the inside of one value (`task_<*>_m_<*>` and
/// `task_<*>_r_<*>` are two task ids), what leads or ends it says what the value is.
fn same_ends(a: &str, b: &str) -> bool {
    let ends = |s: &'_ str| -> Option<(usize, usize)> {
        Some((s.find(VAR)?, s.len() - s.rfind(VAR)? - VAR.len()))
    };
    match (ends(a), ends(b)) {
        (Some((ah, at)), Some((bh, bt))) => {
            a[..ah] == b[..bh] && a[a.len() - at..] == b[b.len() - bt..]
        }
        _ => false,
    }
}

/// Whether `token` could be what the masks turned into `shape`: it holds the shape's
/// constant parts in order, each `<*>` of the shape standing for any text (`<*>` in
/// `token` is text too) — except the value of a `key=` pair, which is never empty: an empty
/// value says the field does not apply (PAM's `rhost=` on a local login), which is not a
/// value the masks replaced.
fn fits(token: &str, shape: &str) -> bool {
    let mut parts = shape.split(VAR);
    let first = parts.next().unwrap_or("");
    let Some(mut rest) = token.strip_prefix(first) else {
        return false;
    };
    let mut before = first;
    let parts: Vec<&str> = parts.collect();
    for (n, part) in parts.iter().enumerate() {
        // The least the variable before `part` can stand for.
        let least = if before.ends_with('=') {
            rest.chars().next().map_or(1, char::len_utf8)
        } else {
            0
        };
        if rest.len() < least {
            return false;
        }
        if n + 1 == parts.len() {
            return rest.len() >= least + part.len() && rest.ends_with(part);
        }
        match rest[least..].find(part) {
            Some(at) => rest = &rest[least + at + part.len()..],
            None => return false,
        }
        before = part;
    }
    true
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
fn similarity<S: AsRef<str>>(cluster: &[S], tokens: &[&str]) -> f64 {
    if tokens.is_empty() {
        return 1.0;
    }
    let same = cluster
        .iter()
        .zip(tokens)
        .filter(|(c, t)| c.as_ref() == **t && !t.contains(VAR))
        .count();
    let constant = tokens.iter().filter(|t| !t.contains(VAR)).count().max(1);
    same as f64 / constant.max(tokens.len() / 2).max(1) as f64
}

/// The algorithm before the index: every cluster of the bucket scored for every template.
/// Kept as the reference the index must agree with.
#[cfg(test)]
fn cluster_by_scan(templates: &[&str], threshold: f64, min_values: usize) -> Vec<String> {
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
            .filter(|(_, s)| *s >= threshold)
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
    let mut members: BTreeMap<(usize, usize), Vec<usize>> = BTreeMap::new();
    for (i, m) in membership.into_iter().enumerate() {
        members.entry(m).or_default().push(i);
    }
    let mut out = vec![String::new(); templates.len()];
    for idx in members.values() {
        for part in split_by_rare_words(templates, idx, min_values) {
            let merged = merge(templates, &part);
            for i in part {
                out[i] = merged.clone();
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::demo::Rng;

    /// Distinct templates built so that many share words at the same positions: a few
    /// skeletons (mutated at random positions), words from a small vocabulary, `<*>` and
    /// `(<*>)` tokens, 1 to 9 tokens.
    fn random_templates(rng: &mut Rng, n: usize, vocab: usize) -> Vec<String> {
        let words: Vec<String> = (0..vocab).map(|w| format!("w{w}")).collect();
        let skeletons: Vec<Vec<String>> = (0..6)
            .map(|_| {
                let len = 1 + rng.index(9);
                (0..len).map(|_| words[rng.index(vocab)].clone()).collect()
            })
            .collect();
        let mut seen = std::collections::BTreeSet::new();
        let mut out = Vec::new();
        for _ in 0..n * 4 {
            if out.len() == n {
                break;
            }
            let mut t: Vec<String> = if rng.index(4) == 0 {
                let len = 1 + rng.index(9);
                (0..len).map(|_| words[rng.index(vocab)].clone()).collect()
            } else {
                skeletons[rng.index(skeletons.len())].clone()
            };
            let changes = rng.index(t.len() + 1);
            for _ in 0..changes {
                let p = rng.index(t.len());
                t[p] = match rng.index(8) {
                    0 => VAR.to_string(),
                    1 => format!("({VAR})"),
                    _ => words[rng.index(vocab)].clone(),
                };
            }
            let t = t.join(" ");
            if seen.insert(t.clone()) {
                out.push(t);
            }
        }
        out
    }

    #[test]
    fn index_agrees_with_scan_on_random_templates() {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let (mut compared, mut merging) = (0, 0);
        for round in 0..400 {
            let n = 1 + rng.index(120);
            let vocab = 2 + rng.index(12);
            let owned = random_templates(&mut rng, n, vocab);
            let t: Vec<&str> = owned.iter().map(String::as_str).collect();
            for &(threshold, min_values) in &[
                (SIMILARITY, MIN_VARIABLE_VALUES),
                (0.0, 2),
                (0.3, 3),
                (0.4, 4),
                (0.5, 1),
                (0.65, 5),
                (0.8, 4),
                (1.0, 2),
            ] {
                let by_scan = cluster_by_scan(&t, threshold, min_values);
                let mined = mine(&t, usize::MAX, threshold, min_values);
                assert_eq!(mined.unmined, 0);
                assert_eq!(
                    mined.merged, by_scan,
                    "round {round}, threshold {threshold}, min values {min_values}: {t:?}"
                );
                compared += 1;
                let distinct: std::collections::BTreeSet<&String> = by_scan.iter().collect();
                merging += usize::from(distinct.len() < t.len());
            }
        }
        assert_eq!(compared, 400 * 8);
        assert!(
            merging > compared / 2,
            "only {merging} of {compared} runs merged anything"
        );
    }

    #[test]
    fn index_agrees_with_scan_on_many_templates() {
        // Large buckets, long posting lists, many positions turned into `<*>`.
        let mut rng = Rng(42);
        for vocab in [3, 8, 40] {
            let owned = random_templates(&mut rng, 3000, vocab);
            let t: Vec<&str> = owned.iter().map(String::as_str).collect();
            let mined = mine(&t, usize::MAX, SIMILARITY, MIN_VARIABLE_VALUES);
            assert_eq!(
                mined.merged,
                cluster_by_scan(&t, SIMILARITY, MIN_VARIABLE_VALUES)
            );
        }
    }

    #[test]
    fn index_follows_positions_that_become_variables() {
        // `p q r z` joins `p q r s` (position 3 becomes `<*>`); `p x r s` then shares only
        // 2 of 4 constants with the cluster (`s` is gone): below the threshold.
        let t = ["p x r s", "p q r z", "p q r s"];
        let by_scan = cluster_by_scan(&t, SIMILARITY, 1);
        assert_eq!(by_scan, ["p x r s", "p q r <*>", "p q r <*>"]);
        let mined = mine(&t, usize::MAX, SIMILARITY, 1);
        assert_eq!(mined.merged, by_scan);
    }

    #[test]
    fn past_the_cap_templates_stay_unmerged() {
        // Unrelated templates sort first and fill the cap of 2; the `user` ones come after.
        let t = [
            "alpha beta gamma",
            "delta epsilon zeta",
            "eta theta iota",
            "kappa lambda mu",
            "user alice logged in",
            "user bob logged in",
        ];
        let mined = mine(&t, 2, SIMILARITY, MIN_VARIABLE_VALUES);
        assert_eq!(mined.unmined, 4);
        assert_eq!(mined.merged, t);
        // Below the cap nothing changes.
        let all = mine(&t, 6, SIMILARITY, MIN_VARIABLE_VALUES);
        assert_eq!(all.unmined, 0);
        assert_eq!(
            all.merged,
            cluster_by_scan(&t, SIMILARITY, MIN_VARIABLE_VALUES)
        );
    }

    /// As many logins by different users as a variable needs values.
    const LOGINS: [&str; MIN_VARIABLE_VALUES] = [
        "user alice logged in from <*>",
        "user bob logged in from <*>",
        "user carol logged in from <*>",
        "user dave logged in from <*>",
        "user erin logged in from <*>",
    ];

    #[test]
    fn past_the_cap_templates_still_join_kept_clusters() {
        let t: Vec<&str> = LOGINS.iter().copied().chain(["zone full"]).collect();
        let mined = mine(&t, 1, SIMILARITY, MIN_VARIABLE_VALUES);
        assert_eq!(mined.unmined, 1);
        assert!(
            mined.merged[..5]
                .iter()
                .all(|m| m == "user <*> logged in from <*>")
        );
        assert_eq!(mined.merged[5], "zone full");
    }

    #[test]
    fn capped_mining_keeps_every_input_and_bounds_clusters() {
        let mut rng = Rng(7);
        for cap in [0, 1, 3, 10, 30] {
            let owned = random_templates(&mut rng, 300, 30);
            let t: Vec<&str> = owned.iter().map(String::as_str).collect();
            let mined = mine(&t, cap, SIMILARITY, MIN_VARIABLE_VALUES);
            assert_eq!(mined.merged.len(), t.len());
            let unmerged: Vec<usize> = (0..t.len()).filter(|&i| mined.merged[i] == t[i]).collect();
            assert!(unmerged.len() >= mined.unmined);
            // Each kept cluster splits into parts, each a distinct merged template; the
            // unmined ones are their own templates.
            let distinct: std::collections::BTreeSet<&String> = mined.merged.iter().collect();
            assert!(distinct.len() <= mined.unmined + cap * t.len());
            if cap == 0 {
                assert_eq!(mined.unmined, t.len());
            }
            // Order-independent with the cap too.
            let mut rev = t.clone();
            rev.reverse();
            let mut again = mine(&rev, cap, SIMILARITY, MIN_VARIABLE_VALUES).merged;
            again.reverse();
            assert_eq!(again, mined.merged);
        }
    }

    #[test]
    fn merges_uncaught_variables() {
        let t: Vec<&str> = LOGINS.iter().copied().chain(["disk full on <*>"]).collect();
        let out = cluster(&t);
        assert_eq!(out[0], "user <*> logged in from <*>");
        assert!(out[..5].iter().all(|o| o == &out[0]));
        assert_eq!(out[5], "disk full on <*>");
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
    fn a_token_masked_in_part_keeps_its_constant_text() {
        let t = [
            "session opened for user <*> by (uid=<*>)",
            "session opened for user <*> by LOGIN(uid=<*>)",
            "failure; tty=<*> rhost=<*> user=<*>",
            "failure; tty=<*> rhost= user=<*>",
        ];
        let c = cluster(&t);
        assert_ne!(c[0], c[1], "opened by login or not: two constants");
        assert_ne!(c[2], c[3], "an empty key= value is not a masked value");
    }

    #[test]
    fn shapes_that_fit_each_other_are_one_variable() {
        // A value the masks missed, an empty value in brackets, one masked more finely,
        // and ids that differ only between their variables.
        assert_eq!(value_classes(&["(<*>)", "(root)", "()"], 5), None);
        assert_eq!(value_classes(&["<*>:", "allreduce_<*>.rts:"], 5), None);
        assert_eq!(
            value_classes(&["task_<*>_m_<*>", "task_<*>_r_<*>"], 5),
            None
        );
        assert_eq!(
            value_classes(&["(uid=<*>)", "LOGIN(uid=<*>)", "(uid=<*>)"], 5),
            Some(vec![0, 1, 0])
        );
        assert_eq!(
            value_classes(&["rhost=<*>", "rhost=", "rhost=<*>"], 5),
            Some(vec![0, 1, 0])
        );
        // As many classes as a variable has values: a variable.
        assert_eq!(
            value_classes(&["a<*>", "b<*>", "c<*>", "d<*>", "e<*>"], 5),
            None
        );
        assert_eq!(value_classes(&["a", "b", "a"], 5), Some(vec![0, 1, 0]));
    }

    #[test]
    fn fits_reads_shapes() {
        assert!(fits("(0)", "(<*>)"));
        assert!(fits("()", "(<*>)"));
        assert!(!fits("rhost=", "rhost=<*>"));
        assert!(fits("rhost=a", "rhost=<*>"));
        assert!(fits("a=1,b=2", "a=<*>,b=<*>"));
        assert!(!fits("a=,b=2", "a=<*>,b=<*>"));
        assert!(!fits("LOGIN(uid=<*>)", "(uid=<*>)"));
        assert!(fits("x.rts:", "<*>:"));
        assert!(!fits("x.rts", "<*>:"));
        assert!(fits("é", "<*>"));
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
