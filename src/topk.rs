//! Top values of a breakdown field (hosts, wikis, services, URL paths) per group and
//! version: exact counts for up to [`CAPACITY`] distinct values, the rest counted as other.

use rustc_hash::FxHashMap;

pub const CAPACITY: usize = 200;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TopK {
    counts: FxHashMap<String, u64>,
    /// Events whose value arrived after the table was full.
    pub other: u64,
}

impl TopK {
    pub fn add(&mut self, value: &str, n: u64) {
        if let Some(c) = self.counts.get_mut(value) {
            *c += n;
        } else if self.counts.len() < CAPACITY {
            self.counts.insert(value.to_string(), n);
        } else {
            self.other += n;
        }
    }

    pub fn merge(&mut self, other: &TopK) {
        let mut keys: Vec<(&String, &u64)> = other.counts.iter().collect();
        keys.sort();
        for (k, v) in keys {
            self.add(k, *v);
        }
        self.other += other.other;
    }

    pub fn distinct(&self) -> usize {
        self.counts.len()
    }

    /// The `n` most frequent values, ties broken by value.
    pub fn top(&self, n: usize) -> Vec<(String, u64)> {
        let mut v: Vec<(String, u64)> = self.counts.iter().map(|(k, c)| (k.clone(), *c)).collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        v.truncate(n);
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_caps() {
        let mut t = TopK::default();
        for i in 0..(CAPACITY + 10) {
            t.add(&format!("h{i}"), 1);
        }
        t.add("h0", 5);
        assert_eq!(t.top(1), vec![("h0".to_string(), 6)]);
        assert_eq!(t.other, 10);
        assert_eq!(t.distinct(), CAPACITY);
    }
}
