//! NDJSON events: walks one JSON object with serde, capturing only the fields the mapping
//! wants (nested objects or flat dotted keys alike: `{"log":{"level":..}}` and
//! `{"log.level":..}` are both `log.level`) and skipping everything else without allocating.

use super::mapping::FieldMap;
use super::resolve::Captures;
use crate::event::Event;
use rustc_hash::FxHashMap;
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::borrow::Cow;
use std::fmt;

/// Precomputed lookups for the paths a [`FieldMap`] reads.
pub struct JsonPaths {
    /// path → (the path id if a role reads it, whether some wanted path lies below it)
    lookup: FxHashMap<String, (Option<usize>, bool)>,
}

impl JsonPaths {
    pub fn new(map: &FieldMap) -> JsonPaths {
        let mut lookup: FxHashMap<String, (Option<usize>, bool)> = FxHashMap::default();
        for (id, p) in map.paths.iter().enumerate() {
            lookup.entry(p.clone()).or_default().0 = Some(id);
            let mut end = 0;
            while let Some(i) = p[end..].find('.') {
                lookup.entry(p[..end + i].to_string()).or_default().1 = true;
                end += i + 1;
            }
        }
        JsonPaths { lookup }
    }

    /// The path id a role reads at `path`, if any.
    pub fn exact_id(&self, path: &str) -> Option<usize> {
        self.lookup.get(path).and_then(|e| e.0)
    }
}

/// Lookup result for a path: (path id a role reads, whether wanted paths lie below).
type Lookup = Option<(Option<usize>, bool)>;

/// Remembers the lookup of each top-level key by its position in the object: lines of one
/// log repeat the same keys in the same order, so a key comparison replaces a hash lookup.
#[derive(Default)]
pub struct KeyMemo {
    entries: Vec<(String, Lookup)>,
}

impl KeyMemo {
    fn lookup(&mut self, ordinal: usize, key: &str, paths: &JsonPaths) -> Lookup {
        if let Some((k, v)) = self.entries.get(ordinal)
            && k == key
        {
            return *v;
        }
        let v = paths.lookup.get(key).copied();
        if ordinal < 64 {
            if ordinal >= self.entries.len() {
                self.entries
                    .resize_with(ordinal + 1, || (String::new(), None));
            }
            let e = &mut self.entries[ordinal];
            e.0.clear();
            e.0.push_str(key);
            e.1 = v;
        }
        v
    }
}

/// Parses one NDJSON line into an event. Errors are human-readable reasons.
pub fn parse_line<'a>(
    line: &'a str,
    map: &FieldMap,
    paths: &JsonPaths,
    memo: &mut KeyMemo,
) -> Result<Event<'a>, String> {
    if too_deep(line.as_bytes(), MAX_DEPTH) {
        return Err(format!("JSON nested too deeply (over {MAX_DEPTH} levels)"));
    }
    let mut caps = Captures::default();
    let mut path = String::with_capacity(64);
    let mut de = serde_json::Deserializer::from_str(line);
    let node = Node {
        map,
        paths,
        path: &mut path,
        caps: &mut caps,
        top: true,
        exact: None,
        memo: Some(memo),
    };
    node.deserialize(&mut de).map_err(|e| json_reason(&e))?;
    de.end().map_err(|e| json_reason(&e))?;
    if caps.is_empty() {
        return Err(
            "a JSON object without any field of a log record (no message, level or time); \
             if its message is under another name, map it: --field message=KEY"
                .to_string(),
        );
    }
    Ok(caps.into_event(map, line))
}

/// serde_json's own recursion limit; skipped subtrees are not checked by it, so we check.
const MAX_DEPTH: usize = 128;

fn json_reason(e: &dyn std::fmt::Display) -> String {
    let msg = e.to_string();
    if msg.contains("recursion limit") {
        format!("JSON nested too deeply (over {MAX_DEPTH} levels)")
    } else {
        format!("invalid JSON: {msg}")
    }
}

/// True when brackets nest deeper than `max` outside strings. Lines with fewer than `max`
/// opening brackets cannot, and are not scanned.
fn too_deep(b: &[u8], max: usize) -> bool {
    if memchr::memchr2_iter(b'[', b'{', b).nth(max).is_none() {
        return false;
    }
    bracket_depth(b, 0).1 > max as i64
}

/// Walks brackets outside strings from `depth`; returns the depth at the end of `b` and the
/// deepest point. A JSON string cannot hold a raw newline, so a line is scanned on its own.
pub fn bracket_depth(b: &[u8], mut depth: i64) -> (i64, i64) {
    let (mut deepest, mut in_str, mut esc) = (depth, false, false);
    for &c in b {
        if in_str {
            match (esc, c) {
                (true, _) => esc = false,
                (false, b'\\') => esc = true,
                (false, b'"') => in_str = false,
                _ => {}
            }
            continue;
        }
        match c {
            b'"' => in_str = true,
            b'[' | b'{' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b']' | b'}' => depth -= 1,
            _ => {}
        }
    }
    (depth, deepest)
}

struct Node<'m, 'c, 'a> {
    map: &'m FieldMap,
    paths: &'m JsonPaths,
    path: &'c mut String,
    caps: &'c mut Captures<'a>,
    top: bool,
    /// The path id a role reads at this node, if any.
    exact: Option<usize>,
    /// Top-level key memo (the root node only).
    memo: Option<&'c mut KeyMemo>,
}

impl<'a> Node<'_, '_, 'a> {
    fn capture(&mut self, v: Cow<'a, str>) {
        if let Some(id) = self.exact {
            self.caps.offer(self.map, id, v);
        }
    }
    fn not_object<E: de::Error>(&self) -> Result<(), E> {
        if self.top {
            Err(E::custom("not a JSON object"))
        } else {
            Ok(())
        }
    }
}

impl<'de> DeserializeSeed<'de> for Node<'_, '_, 'de> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Node<'_, '_, 'de> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(mut self, mut m: A) -> Result<(), A::Error> {
        let mut ordinal = 0;
        while let Some(key) = m.next_key_seed(KeySeed)? {
            let len = self.path.len();
            if !self.path.is_empty() {
                self.path.push('.');
            }
            self.path.push_str(&key);
            let found = match self.memo.as_deref_mut() {
                Some(memo) => memo.lookup(ordinal, self.path, self.paths),
                None => self.paths.lookup.get(self.path.as_str()).copied(),
            };
            ordinal += 1;
            if let Some((exact, _)) = found {
                m.next_value_seed(Node {
                    map: self.map,
                    paths: self.paths,
                    path: self.path,
                    caps: self.caps,
                    top: false,
                    exact,
                    memo: None,
                })?;
            } else {
                m.next_value::<IgnoredAny>()?;
            }
            self.path.truncate(len);
        }
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(mut self, mut s: A) -> Result<(), A::Error> {
        self.not_object()?;
        // Arrays of strings at a wanted path (stack frames as a list) are joined by lines.
        let mut joined = String::new();
        while let Some(item) = s.next_element::<ScalarOrSkip>()? {
            if let ScalarOrSkip::Text(t) = item {
                if !joined.is_empty() {
                    joined.push('\n');
                }
                joined.push_str(&t);
            }
        }
        if !joined.is_empty() {
            self.capture(Cow::Owned(joined));
        }
        Ok(())
    }

    fn visit_borrowed_str<E: de::Error>(mut self, v: &'de str) -> Result<(), E> {
        self.not_object()?;
        self.capture(Cow::Borrowed(v));
        Ok(())
    }
    fn visit_str<E: de::Error>(mut self, v: &str) -> Result<(), E> {
        self.not_object()?;
        self.capture(Cow::Owned(v.to_string()));
        Ok(())
    }
    fn visit_i64<E: de::Error>(mut self, v: i64) -> Result<(), E> {
        self.not_object()?;
        self.capture(Cow::Owned(v.to_string()));
        Ok(())
    }
    fn visit_u64<E: de::Error>(mut self, v: u64) -> Result<(), E> {
        self.not_object()?;
        self.capture(Cow::Owned(v.to_string()));
        Ok(())
    }
    fn visit_f64<E: de::Error>(mut self, v: f64) -> Result<(), E> {
        self.not_object()?;
        self.capture(Cow::Owned(v.to_string()));
        Ok(())
    }
    fn visit_bool<E: de::Error>(mut self, v: bool) -> Result<(), E> {
        self.not_object()?;
        self.capture(Cow::Borrowed(if v { "true" } else { "false" }));
        Ok(())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.not_object()
    }
}

struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Cow<'de, str>;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(KeySeed)
    }
}

impl<'de> Visitor<'de> for KeySeed {
    type Value = Cow<'de, str>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string key")
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v.to_string()))
    }
}

enum ScalarOrSkip {
    Text(String),
    Skip,
}

impl<'de> de::Deserialize<'de> for ScalarOrSkip {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = ScalarOrSkip;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<ScalarOrSkip, E> {
                Ok(ScalarOrSkip::Text(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<ScalarOrSkip, E> {
                Ok(ScalarOrSkip::Skip)
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<ScalarOrSkip, E> {
                Ok(ScalarOrSkip::Skip)
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<ScalarOrSkip, E> {
                Ok(ScalarOrSkip::Skip)
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<ScalarOrSkip, E> {
                Ok(ScalarOrSkip::Skip)
            }
            fn visit_unit<E: de::Error>(self) -> Result<ScalarOrSkip, E> {
                Ok(ScalarOrSkip::Skip)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<ScalarOrSkip, A::Error> {
                while m.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(ScalarOrSkip::Skip)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut s: A) -> Result<ScalarOrSkip, A::Error> {
                while s.next_element::<IgnoredAny>()?.is_some() {}
                Ok(ScalarOrSkip::Skip)
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::Dimension;
    use crate::level::Level;

    fn parse(line: &str) -> Result<Event<'_>, String> {
        let map = FieldMap::default();
        let paths = JsonPaths::new(&map);
        parse_line(line, &map, &paths, &mut KeyMemo::default())
    }

    #[test]
    fn loguru_serialized_records() {
        // loguru's `serialize=True`: the formatted line in `text`, the record beside it.
        let ev = parse(r#"{"text": "2026-07-02 17:23:33.877 | WARNING  | app.retry:_log:28 - Retrying after failure\n", "record": {"exception": {"type": "TimeoutError", "value": "read timed out", "traceback": true}, "level": {"icon": "x", "name": "WARNING", "no": 30}, "message": "Retrying after failure", "time": {"repr": "2026-07-02 17:23:33.877485+05:30", "timestamp": 1782993213.877485}}}"#).unwrap();
        assert_eq!(ev.level, Some(Level::Warning));
        assert_eq!(ev.message, "Retrying after failure");
        assert_eq!(ev.timestamp, Some(1_782_993_213_877));
        assert_eq!(ev.error_type.as_deref(), Some("TimeoutError"));
    }

    #[test]
    fn mediawiki_legacy() {
        let ev = parse(r##"{"@timestamp":"2026-11-17T10:00:00Z","type":"mediawiki","channel":"exception","level":"ERROR","mwversion":"1.46.0-wmf.4","message":"[abc] /w/index.php   RuntimeException: boom","normalized_message":"[{reqId}] {exception_url}   RuntimeException: boom","exception":{"class":"RuntimeException","message":"boom","file":"/srv/mediawiki/php-1.46.0-wmf.4/includes/Foo.php:12","trace":"#0 /srv/x.php(1): f()"},"wiki":"enwiki","host":"mw1263","reqId":"abc","exception_url":"/w/index.php?title=X"}"##).unwrap();
        assert_eq!(ev.level, Some(Level::Error));
        assert_eq!(ev.version.as_deref(), Some("1.46.0-wmf.4"));
        assert_eq!(
            ev.template.as_deref(),
            Some("[{reqId}] {exception_url}   RuntimeException: boom")
        );
        assert_eq!(ev.error_type.as_deref(), Some("RuntimeException"));
        assert_eq!(ev.stack.as_deref(), Some("#0 /srv/x.php(1): f()"));
        assert_eq!(ev.dim(Dimension::Wiki), Some("enwiki"));
        assert_eq!(ev.dim(Dimension::Host), Some("mw1263"));
        assert_eq!(ev.dim(Dimension::Url), Some("/w/index.php"));
        assert_eq!(ev.dim(Dimension::Channel), Some("exception"));
        assert_eq!(ev.request_id.as_deref(), Some("abc"));
        assert!(ev.timestamp.is_some());
    }

    #[test]
    fn ecs_flat_dotted_and_nested() {
        let flat = parse(r#"{"@timestamp":"2026-11-17T10:00:00Z","log.level":"error","service.version":"2.4.1","message":"m","error.type":"java.io.IOException","error.stack_trace":"at a.B.c(B.java:1)","host.name":"h1","labels":{"wiki":"dewiki","normalized_message":"tmpl"}}"#).unwrap();
        assert_eq!(flat.level, Some(Level::Error));
        assert_eq!(flat.version.as_deref(), Some("2.4.1"));
        assert_eq!(flat.error_type.as_deref(), Some("java.io.IOException"));
        assert_eq!(flat.dim(Dimension::Host), Some("h1"));
        assert_eq!(flat.dim(Dimension::Wiki), Some("dewiki"));
        assert_eq!(flat.template.as_deref(), Some("tmpl"));
        let nested = parse(
            r#"{"log":{"level":"warn"},"service":{"version":"2.4.1","name":"api"},"message":"m"}"#,
        )
        .unwrap();
        assert_eq!(nested.level, Some(Level::Warning));
        assert_eq!(nested.version.as_deref(), Some("2.4.1"));
        assert_eq!(nested.dim(Dimension::Service), Some("api"));
    }

    #[test]
    fn journald_and_bunyan() {
        let j = parse(r#"{"__REALTIME_TIMESTAMP":"1763373600000000","PRIORITY":"3","MESSAGE":"disk failed","_SYSTEMD_UNIT":"api.service","_HOSTNAME":"n1"}"#).unwrap();
        assert_eq!(j.level, Some(Level::Error));
        assert_eq!(j.message, "disk failed");
        assert_eq!(j.timestamp, Some(1_763_373_600_000));
        assert_eq!(j.dim(Dimension::Service), Some("api.service"));
        let b = parse(r#"{"level":50,"time":1763373600000,"msg":"request failed","name":"api","err":{"message":"ECONNRESET","name":"Error","stack":"Error: ECONNRESET\n    at f (/app/x.js:1:2)"}}"#).unwrap();
        assert_eq!(b.level, Some(Level::Error));
        assert_eq!(b.error_message.as_deref(), Some("ECONNRESET"));
        assert!(b.stack.as_deref().unwrap().contains("x.js"));
        assert_eq!(b.error_type.as_deref(), Some("Error"));
    }

    #[test]
    fn escaped_strings_and_arrays() {
        let ev = parse(r#"{"level":"error","message":"a\u001b[31mb","stack_trace":["at a.B.c(B.java:1)","at d.E.f(E.java:2)"]}"#).unwrap();
        assert_eq!(ev.message, "a\u{1b}[31mb");
        assert_eq!(
            ev.stack.as_deref(),
            Some("at a.B.c(B.java:1)\nat d.E.f(E.java:2)")
        );
    }

    #[test]
    fn malformed_lines_are_errors_not_panics() {
        assert!(parse("{\"a\":").unwrap_err().starts_with("invalid JSON"));
        assert!(parse("[1,2]").is_err());
        assert!(parse("\"str\"").is_err());
        assert!(parse("{} trailing").is_err());
        let deep = "[".repeat(100_000);
        assert!(parse(&deep).is_err());
        let deep_obj = format!("{}1{}", "{\"a\":".repeat(10_000), "}".repeat(10_000));
        assert!(parse(&deep_obj).unwrap_err().contains("nested too deeply"));
        let brackets_in_strings = format!("{{\"message\":\"{}\"}}", "[{".repeat(500));
        assert!(parse(&brackets_in_strings).is_ok());
        assert!(parse(r#"{"message":"\ud800"}"#).is_err());
    }
}
