//! logfmt events (`level=error msg="db timeout" err="i/o timeout" caller=db/pool.go:88`),
//! as Go services write them. Quoted values may contain escaped quotes.

use super::json::JsonPaths;
use super::mapping::FieldMap;
use super::resolve::Captures;
use crate::event::Event;
use std::borrow::Cow;

/// Parses one logfmt line. A line with no `key=value` pair is malformed.
pub fn parse_line<'a>(
    line: &'a str,
    map: &FieldMap,
    paths: &JsonPaths,
) -> Result<Event<'a>, String> {
    let mut caps = Captures::default();
    let mut pairs = 0usize;
    for (k, v) in Pairs::new(line) {
        let Some(v) = v else { continue };
        pairs += 1;
        if let Some(id) = paths.exact_id(k) {
            caps.offer(map, id, v);
        }
    }
    if pairs == 0 {
        return Err("not logfmt: no key=value pairs".to_string());
    }
    Ok(caps.into_event(map, line))
}

/// True when a line looks like logfmt: at least two `key=value` pairs, one of them a level
/// or message key.
pub fn looks_like_logfmt(line: &str) -> bool {
    let mut n = 0;
    let mut known = false;
    for (k, v) in Pairs::new(line).take(32) {
        if v.is_some() {
            n += 1;
            known |= matches!(
                k,
                "level" | "lvl" | "msg" | "message" | "ts" | "time" | "err" | "caller"
            );
        }
    }
    n >= 2 && known
}

/// The line holds at least one `key=value` pair.
pub fn has_pair(line: &str) -> bool {
    Pairs::new(line).take(32).any(|(_, v)| v.is_some())
}

/// A logfmt record among text lines (Go's slog or logrus on stderr beside plain output, a
/// compose stream of several programs): a line that opens with `key=` and looks like
/// logfmt. The first bytes decide before any pair is parsed.
pub fn opens_line(line: &str) -> bool {
    let b = line.as_bytes();
    if !b.first().is_some_and(u8::is_ascii_lowercase) {
        return false;
    }
    let key = b
        .iter()
        .take(24)
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'-'))
        .count();
    b.get(key) == Some(&b'=') && looks_like_logfmt(line)
}

/// Iterator over `key=value` pairs; a bare word yields `(word, None)`.
struct Pairs<'a> {
    s: &'a str,
    pos: usize,
}

impl<'a> Pairs<'a> {
    fn new(s: &'a str) -> Self {
        Pairs { s, pos: 0 }
    }
}

impl<'a> Iterator for Pairs<'a> {
    type Item = (&'a str, Option<Cow<'a, str>>);

    fn next(&mut self) -> Option<Self::Item> {
        let b = self.s.as_bytes();
        while self.pos < b.len() && b[self.pos].is_ascii_whitespace() {
            self.pos += 1;
        }
        if self.pos >= b.len() {
            return None;
        }
        let start = self.pos;
        while self.pos < b.len() && !b[self.pos].is_ascii_whitespace() && b[self.pos] != b'=' {
            self.pos += 1;
        }
        let key = &self.s[start..self.pos];
        if self.pos >= b.len() || b[self.pos] != b'=' {
            return Some((key, None));
        }
        self.pos += 1; // '='
        if self.pos < b.len() && b[self.pos] == b'"' {
            self.pos += 1;
            let vstart = self.pos;
            let mut escaped = false;
            while self.pos < b.len() {
                match b[self.pos] {
                    b'\\' => {
                        escaped = true;
                        self.pos += 2;
                        continue;
                    }
                    b'"' => break,
                    _ => self.pos += 1,
                }
            }
            let end = self.pos.min(b.len());
            let raw = &self.s[vstart..end];
            self.pos = (self.pos + 1).min(b.len());
            let v = if escaped {
                Cow::Owned(unescape(raw))
            } else {
                Cow::Borrowed(raw)
            };
            return Some((key, Some(v)));
        }
        let vstart = self.pos;
        while self.pos < b.len() && !b[self.pos].is_ascii_whitespace() {
            self.pos += 1;
        }
        Some((key, Some(Cow::Borrowed(&self.s[vstart..self.pos]))))
    }
}

fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut it = s.chars();
    while let Some(c) = it.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match it.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some(o) => out.push(o),
            None => out.push('\\'),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::level::Level;

    #[test]
    fn logfmt_lines_among_text_are_recognized_by_their_first_bytes() {
        assert!(opens_line(
            r#"time=2025-07-28T12:56:23.340Z level=ERROR msg="Invalid status code: " code=500"#
        ));
        assert!(opens_line("level=warn msg=slow caller=db.go:12"));
        assert!(!opens_line(
            "maxprocs: Updating GOMAXPROCS=1: using minimum"
        ));
        assert!(!opens_line("code=1 only one pair"));
        assert!(!opens_line("Time=x level=info"));
        assert!(!opens_line("an ordinary sentence with x=1 and msg=2 later"));
    }

    #[test]
    fn go_service_line() {
        let map = FieldMap::default();
        let paths = JsonPaths::new(&map);
        let ev = parse_line(
            r#"ts=2026-11-17T10:00:00Z level=error version=2.4.1 msg="query failed" err="pq: canceling statement due to \"timeout\"" caller=db/pool.go:88 service=billing"#,
            &map,
            &paths,
        )
        .unwrap();
        assert_eq!(ev.level, Some(Level::Error));
        assert_eq!(ev.message, "query failed");
        assert_eq!(
            ev.error_message.as_deref(),
            Some("pq: canceling statement due to \"timeout\"")
        );
        assert_eq!(ev.origin.as_deref(), Some("db/pool.go:88"));
        assert_eq!(ev.version.as_deref(), Some("2.4.1"));
        assert!(ev.timestamp.is_some());
    }

    #[test]
    fn go_kit_error_without_a_level_is_an_inferred_warning() {
        let map = FieldMap::default();
        let paths = JsonPaths::new(&map);
        let read = |line| parse_line(line, &map, &paths).unwrap();
        let ev = read(
            r#"ts=2019-11-02T02:50:01.3Z caller=memcached.go:136 component=memcached err="storing in memcache: EOF""#,
        );
        assert_eq!(ev.level, Some(Level::Warning));
        assert_eq!(ev.level_inferred, Some("its record carries an error"));
        // An error field whose text states a failure: the words say so first.
        let ev = read(
            r#"ts=2019-11-02T02:50:01.3Z caller=memcached.go:136 component=memcached err="storing in memcache: connect timeout""#,
        );
        assert_eq!(ev.level, Some(Level::Warning));
        assert!(ev.level_inferred.is_some());
        let ev = read(r#"ts=2019-11-02T02:50:01.3Z caller=main.go:248 err=null version=1.15.0"#);
        assert_eq!(ev.level, None);
        let ev = read(r#"ts=2019-11-02T02:50:01.3Z level=info err="x" msg=retrying"#);
        assert_eq!((ev.level, ev.level_inferred), (Some(Level::Info), None));
    }

    #[test]
    fn detection_and_garbage() {
        assert!(looks_like_logfmt("level=info msg=hi"));
        assert!(!looks_like_logfmt("2026-01-01 ERROR something a=b"));
        let map = FieldMap::default();
        let paths = JsonPaths::new(&map);
        assert!(parse_line("just words here", &map, &paths).is_err());
        // unterminated quote does not panic
        assert!(parse_line("level=error msg=\"unterminated \\", &map, &paths).is_ok());
    }
}
