//! A fixed-size time histogram whose buckets widen as the time range grows: 64 buckets,
//! width a power of two times one minute, aligned to multiples of the width so any two
//! histograms can be merged exactly. Memory is constant per group and version.

use serde::Serialize;

pub const BUCKETS: usize = 64;
const BASE_WIDTH_MS: i64 = 60_000;
const MAX_WIDTH_MS: i64 = BASE_WIDTH_MS << 40;

/// `Default` is empty: the buckets are allocated by the first `add` (most groups of a large
/// run are never timed, or never seen in a second version).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Histogram {
    /// Start of bucket 0, ms since the epoch; meaningful when `width_ms > 0`.
    pub start_ms: i64,
    /// Bucket width in ms; 0 while empty.
    pub width_ms: i64,
    pub counts: Vec<u64>,
}

impl Histogram {
    pub fn is_empty(&self) -> bool {
        self.width_ms == 0
    }

    pub fn add(&mut self, ts_ms: i64, n: u64) {
        if self.width_ms == 0 {
            self.counts = vec![0; BUCKETS];
            self.width_ms = BASE_WIDTH_MS;
            self.start_ms = ts_ms.div_euclid(BASE_WIDTH_MS) * BASE_WIDTH_MS;
        }
        let end = self
            .start_ms
            .saturating_add(self.width_ms.saturating_mul(BUCKETS as i64));
        if ts_ms < self.start_ms || ts_ms >= end {
            self.cover(ts_ms, ts_ms, self.width_ms);
        }
        self.put(ts_ms, n);
    }

    fn put(&mut self, ts_ms: i64, n: u64) {
        let i = (ts_ms.saturating_sub(self.start_ms) / self.width_ms).clamp(0, BUCKETS as i64 - 1);
        self.counts[i as usize] += n;
    }

    /// The range the data occupies, at bucket granularity.
    fn data_range(&self) -> Option<(i64, i64)> {
        let first = self.counts.iter().position(|c| *c > 0)? as i64;
        let last = self.counts.iter().rposition(|c| *c > 0)? as i64;
        let w = self.width_ms;
        Some((
            self.start_ms + first * w,
            self.start_ms + (last + 1) * w - 1,
        ))
    }

    /// Re-buckets so that the data and `[lo, hi]` fit, with the smallest width (a doubling of
    /// the current one, at least `min_width`) that fits, and the start aligned to it. The
    /// result depends only on the data range, so merges are order-independent.
    fn cover(&mut self, lo: i64, hi: i64, min_width: i64) {
        let (a, b) = match self.data_range() {
            Some((dl, dh)) => (lo.min(dl), hi.max(dh)),
            None => (lo, hi),
        };
        let fits =
            |w: i64| b.saturating_sub(a.div_euclid(w) * w) < w.saturating_mul(BUCKETS as i64);
        let mut w = self.width_ms.max(min_width);
        while !fits(w) && w < MAX_WIDTH_MS {
            w *= 2;
        }
        let new_start = a.div_euclid(w) * w;
        if w == self.width_ms && new_start == self.start_ms {
            return;
        }
        let old = std::mem::replace(&mut self.counts, vec![0; BUCKETS]);
        let (old_start, old_width) = (self.start_ms, self.width_ms);
        self.start_ms = new_start;
        self.width_ms = w;
        for (i, c) in old.into_iter().enumerate().filter(|(_, c)| *c > 0) {
            self.put(old_start + i as i64 * old_width, c);
        }
    }

    pub fn merge(&mut self, other: &Histogram) {
        let Some((lo, hi)) = other.data_range() else {
            return;
        };
        if self.is_empty() {
            *self = other.clone();
            return;
        }
        self.cover(lo, hi, other.width_ms);
        for (i, c) in other.counts.iter().enumerate().filter(|(_, c)| **c > 0) {
            self.put(other.start_ms + i as i64 * other.width_ms, *c);
        }
    }

    pub fn total(&self) -> u64 {
        self.counts.iter().sum()
    }

    /// Re-bins into `n` equal buckets over `[from, to)` (for side-by-side display).
    pub fn rebin(&self, from: i64, to: i64, n: usize) -> Vec<u64> {
        let mut out = vec![0; n];
        if self.is_empty() || to <= from || n == 0 {
            return out;
        }
        let span = (to - from) as f64;
        for (i, c) in self.counts.iter().enumerate().filter(|(_, c)| **c > 0) {
            let mid = self.start_ms + i as i64 * self.width_ms + self.width_ms / 2;
            let pos = ((mid - from) as f64 / span * n as f64).floor();
            let j = pos.clamp(0.0, (n - 1) as f64) as usize;
            out[j] += c;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widens_and_keeps_totals() {
        let mut h = Histogram::default();
        let t0 = 1_763_373_600_000;
        for k in 0..1000 {
            h.add(t0 + k * 3_600_000, 1); // 1000 hours
        }
        assert_eq!(h.total(), 1000);
        assert!(h.width_ms >= 1000 * 3_600_000 / BUCKETS as i64);
        assert_eq!(h.start_ms % h.width_ms, 0);
    }

    #[test]
    fn merge_is_exact_in_total_and_order_independent() {
        let t0 = 1_763_373_600_000;
        let mut a = Histogram::default();
        let mut b = Histogram::default();
        for k in 0..50 {
            a.add(t0 + k * 60_000, 1);
            b.add(t0 + 86_400_000 * 3 + k * 60_000, 2);
        }
        let mut ab = a.clone();
        ab.merge(&b);
        let mut ba = b.clone();
        ba.merge(&a);
        assert_eq!(ab.total(), 150);
        assert_eq!(ab, ba);
    }

    #[test]
    fn extreme_timestamps_do_not_panic() {
        let mut h = Histogram::default();
        h.add(i64::MAX / 4, 1);
        h.add(-i64::MAX / 4, 1);
        h.add(0, 1);
        assert_eq!(h.total(), 3);
        assert_eq!(h.rebin(0, 1000, 10).len(), 10);
    }
}
