//! The per-worker cache of trace readings: reading a trace ([`stack::key_frames`]) is the
//! costly part of fingerprinting an event that carries one, and production traces repeat
//! far more than messages do, so each distinct trace is read once.
//!
//! A trace is cached by its text, less what no reader looks at ([`stack::cache_key_text`]):
//! of an exception's header line (`java.lang.IllegalStateException: pool closed for order
//! 1234`, `Caused by: ...`) only the part up to its type counts, and of a Go frame only its
//! function and file, not its arguments and addresses. Loggers such as ecs-logging-java
//! write the message, values and all, into the trace, and Go writes other addresses in
//! every crash; without this no two of their traces would be the same text.
//!
//! Lookups hash that text with a fast seeded hash and then compare it byte for byte with
//! the cached one, so a hit is exact: no log text, crafted or not, can take another
//! trace's frames. A trace whose hash is another's is read, not cached, and has no
//! identity for the pre-key cache to file it under.

use super::stack;
use rustc_hash::FxHashMap;
use std::hash::BuildHasher;
use std::sync::Arc;

/// What a trace contributes to a fingerprint ([`stack::key_frames`]).
#[derive(Debug, PartialEq, Eq)]
pub struct TraceReading {
    /// The exception type the trace names.
    pub error_type: Option<String>,
    /// The keys of its contributing frames.
    pub frames: Arc<[String]>,
    /// [`super::frames_hash`] of `frames`.
    pub frames_hash: u64,
}

/// Bytes of trace text and frame keys one cache keeps (per worker); past it, traces are
/// read and not kept. Thousands of distinct traces of a few kB: a run's memory does not
/// grow with its events (see README, "Measured").
const MAX_CACHED_BYTES: usize = 8 << 20;

/// Readings of the traces seen, by their text (see the module doc).
#[derive(Default)]
pub struct TraceCache {
    hasher: foldhash::fast::RandomState,
    entries: FxHashMap<u64, (Box<[u8]>, Arc<TraceReading>)>,
    cached_bytes: usize,
    /// The text being looked up, reused from one trace to the next.
    text: Vec<u8>,
}

impl TraceCache {
    /// The reading of `stack`, and, when its text is in the cache, an identity of that text:
    /// two traces have the same identity exactly when they have the same text. A trace the
    /// cache does not hold (it is full, or another text has the same hash) has none.
    pub fn read(&mut self, stack: &str) -> (Option<u64>, Arc<TraceReading>) {
        self.text.clear();
        stack::cache_key_text(stack, &mut self.text);
        let key = self.hasher.hash_one(&self.text[..]);
        let held = self.entries.get(&key);
        if let Some((text, reading)) = held
            && **text == self.text[..]
        {
            return (Some(key), reading.clone());
        }
        let collides = held.is_some();
        let (error_type, frames) = stack::key_frames(stack);
        let reading = Arc::new(TraceReading {
            error_type,
            frames_hash: super::frames_hash(&frames),
            frames: Arc::from(frames),
        });
        let size = self.text.len() + reading.frames.iter().map(String::len).sum::<usize>();
        if collides || self.cached_bytes + size > MAX_CACHED_BYTES {
            return (None, reading);
        }
        self.cached_bytes += size;
        let text = self.text.clone().into_boxed_slice();
        self.entries.insert(key, (text, reading.clone()));
        (Some(key), reading)
    }

    /// How many distinct traces are cached.
    pub fn cached(&self) -> usize {
        self.entries.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::strategy::Strategy;

    #[test]
    fn a_hit_is_the_same_text_and_a_collision_is_read_anew() {
        let mut c = TraceCache::default();
        let a = "x.AException: m\n\tat a.B.c(B.java:1)";
        let b = "x.BException: m\n\tat a.B.c(B.java:1)";
        let (ka, ra) = c.read(a);
        let (kb, rb) = c.read(b);
        assert_ne!(ka, kb);
        assert_ne!(ra, rb);
        // Force a collision: b's entry filed under a's key.
        let entry = c.entries.remove(&kb.unwrap()).unwrap();
        c.entries.insert(ka.unwrap(), entry);
        let (identity, again) = c.read(a);
        assert_eq!(again.error_type.as_deref(), Some("x.AException"));
        assert_eq!(
            identity, None,
            "a text the cache does not hold has no identity"
        );
    }

    #[test]
    fn go_crashes_that_differ_in_addresses_and_ids_are_read_once() {
        let crash = |id: u32, arg: &str, pc: &str| {
            format!(
                "goroutine {id} [running]:\nmain.(*Server).handle({arg}, {{0x4b, 0x5}})\n\t/src/server.go:88 +0x1d fp=0xc0 sp=0xc1 pc={pc}\ncreated by main.main in goroutine 1\n\t/src/main.go:12 +0x25"
            )
        };
        let mut c = TraceCache::default();
        let a = crash(7, "0xc000010000", "0x4a");
        let b = crash(15943, "0xc0000ff000", "0x9c");
        let (ka, ra) = c.read(&a);
        let (kb, rb) = c.read(&b);
        assert_eq!((ka, c.cached()), (kb, 1));
        assert!(ka.is_some());
        assert_eq!(ra, rb);
        assert_eq!(
            (rb.error_type.clone(), rb.frames.to_vec()),
            stack::key_frames(&b)
        );
        // Another function, file, state or creator is another trace.
        for other in [
            a.replace("handle(", "serve("),
            a.replace("server.go", "client.go"),
            a.replace("[running]", "[chan receive]"),
            a.replace("created by", "main.start()\n\t/src/x.go:1\ncreated by"),
        ] {
            let (k, r) = c.read(&other);
            assert_ne!(k, ka, "{other}");
            assert_eq!(
                (r.error_type.clone(), r.frames.to_vec()),
                stack::key_frames(&other)
            );
        }
    }

    /// A Go dump whose arguments, offsets, registers and goroutine ids are `parts`.
    fn go_dump(parts: &[String; 4]) -> String {
        format!(
            "goroutine {id} [running]:\nmain.(*S).handle({a})\n\t/src/s.go:88 {off}\nnet/http.HandlerFunc.ServeHTTP({b})\n\t/usr/local/go/src/net/http/server.go:2136 +0x29\ncreated by main.main in goroutine 1\n\t/src/main.go:12 +0x25\n\ngoroutine 9 [chan receive]:\nmain.worker()\n\t/src/w.go:3 +0x1",
            id = parts[0],
            a = parts[1],
            off = parts[2],
            b = parts[3],
        )
    }

    fn go_parts() -> impl proptest::strategy::Strategy<Value = [String; 4]> {
        let args = "[0-9a-fx{}, .?:#@A-Za-z_*/\"\\[\\]]{0,16}";
        (
            "[0-9]{1,6}|[0-9a-z ]{0,4}",
            args,
            "(\\+0x[0-9a-f]{1,4})?( fp=0x[0-9a-f]{1,3})?|[a-z+= 0-9]{0,8}",
            args,
        )
            .prop_map(|(id, a, off, b)| [id, a, off, b])
    }

    proptest::proptest! {
        /// Whatever the arguments, offsets and ids hold, two dumps with the same cache text
        /// read the same, and dumps that differ only there mostly share it.
        #[test]
        fn the_same_cache_text_is_the_same_reading(
            pairs in proptest::collection::vec((go_parts(), go_parts()), 64)
        ) {
            let mut same = 0;
            for (x, y) in &pairs {
                let (a, b) = (go_dump(x), go_dump(y));
                let (mut ta, mut tb) = (Vec::new(), Vec::new());
                stack::cache_key_text(&a, &mut ta);
                stack::cache_key_text(&b, &mut tb);
                if ta == tb {
                    same += 1;
                    proptest::prop_assert_eq!(stack::key_frames(&a), stack::key_frames(&b));
                }
            }
            proptest::prop_assert!(same > 0, "no pair shared a cache text: the test tests nothing");
        }
    }

    #[test]
    fn past_its_bytes_a_trace_is_read_and_not_kept() {
        let mut c = TraceCache {
            cached_bytes: MAX_CACHED_BYTES - 10,
            ..TraceCache::default()
        };
        let t = "x.AException: m\n\tat a.B.c(B.java:1)";
        let (identity, r) = c.read(t);
        assert_eq!((identity, c.cached()), (None, 0));
        assert_eq!(
            (r.error_type.clone(), r.frames.to_vec()),
            stack::key_frames(t)
        );
    }
}
