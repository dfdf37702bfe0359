//! Plain-text logs: a header (timestamp, level, thread, logger) then the message, with
//! multi-line events joined: Java `\tat ...` / `Caused by:` / `... N more`, Python
//! `Traceback`, Go `panic:` + `goroutine N [running]:` blocks, and indented continuations.

use super::time::parse_timestamp;
use crate::event::Event;
use crate::fingerprint::stack;
use crate::level::Level;
use regex::Regex;
use std::borrow::Cow;
use std::sync::OnceLock;

fn header_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        let mon = "(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)";
        let pat = format!(
            r"^\[?(?P<ts>\d{{4}}[-/]\d{{2}}[-/]\d{{2}}[T ]\d{{1,2}}:\d{{2}}:\d{{2}}(?:[.,:]\d+)?(?:Z|[+-]\d{{2}}:?\d{{2}})?|\d{{4}}-\d{{2}}-\d{{2}}-\d{{2}}\.\d{{2}}\.\d{{2}}(?:\.\d+)?|\d{{2}}/\d{{2}}/\d{{2,4}}[ ,]\d{{2}}:\d{{2}}:\d{{2}}(?:[.,]\d+)?|(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) {mon} +\d{{1,2}} \d{{2}}:\d{{2}}:\d{{2}}(?:\.\d+)? \d{{4}}|{mon} +\d{{1,2}} \d{{2}}:\d{{2}}:\d{{2}}|\d{{2}}/{mon}/\d{{4}}:\d{{2}}:\d{{2}}:\d{{2}} [+-]\d{{4}}|\d{{6}} \d{{6}}|\d{{8}}-\d{{1,2}}:\d{{1,2}}:\d{{1,2}}(?::\d+)?)\]?(?:[\s|]+|$)"
        );
        Regex::new(&pat).unwrap()
    })
}

/// True when the line starts with a timestamp or a level word: a new event.
pub fn has_header(line: &str) -> bool {
    header_re().is_match(line) || leading_level(line).is_some()
}

/// Lines that start a new event even without a header (Go runtime output).
fn is_hard_start(line: &str) -> bool {
    line.starts_with("panic: ") || line.starts_with("fatal error: ")
}

fn leading_level(line: &str) -> Option<(Level, usize)> {
    let tok_end = line.find(char::is_whitespace).unwrap_or(line.len());
    let tok = &line[..tok_end];
    level_token(tok).map(|l| (l, tok_end))
}

/// A level as it appears in a text header: upper case (`ERROR`, `WARN:`) or bracketed
/// (`[error]`, `<warning>`).
fn level_token(tok: &str) -> Option<Level> {
    let bracketed = (tok.starts_with('[') && tok.ends_with(']'))
        || (tok.starts_with('<') && tok.ends_with('>'));
    let inner = tok.trim_matches(|c| matches!(c, '[' | ']' | '<' | '>' | ':'));
    if inner.len() < 4 && !bracketed {
        return None; // single letters and "ERR" only when bracketed
    }
    let upper = inner.bytes().all(|b| b.is_ascii_uppercase());
    if !(upper || bracketed) {
        return None;
    }
    Level::from_name(inner)
}

/// Joins physical lines into events.
pub struct Joiner {
    /// The input has header lines: anything without one continues the previous event.
    headers: bool,
    current: Option<(u64, String)>,
    mode: Mode,
}

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Plain,
    Traceback,
    Panic,
}

impl Joiner {
    /// `sample` is the start of the input, used to decide whether it has headers.
    pub fn new(sample: &str) -> Joiner {
        let lines: Vec<&str> = sample
            .lines()
            .filter(|l| !l.trim().is_empty())
            .take(50)
            .collect();
        let with_header = lines.iter().filter(|l| has_header(l)).count();
        Joiner {
            headers: with_header > 0,
            current: None,
            mode: Mode::Plain,
        }
    }

    /// Feeds one line; returns the previous event when this line starts a new one.
    pub fn push(&mut self, line_no: u64, line: &str) -> Option<(u64, String)> {
        if self.current.is_some() && self.continues(line) {
            let (_, text) = self.current.as_mut().expect("checked");
            text.push('\n');
            text.push_str(line);
            return None;
        }
        self.mode = if line.starts_with("Traceback (most recent call last)") {
            Mode::Traceback
        } else if is_hard_start(line) {
            Mode::Panic
        } else {
            Mode::Plain
        };
        self.current
            .replace((line_no, line.to_string()))
            .map(trim_event)
    }

    pub fn finish(&mut self) -> Option<(u64, String)> {
        self.current.take().map(trim_event)
    }

    fn continues(&mut self, line: &str) -> bool {
        if is_hard_start(line) {
            return false;
        }
        if self.headers {
            return !has_header(line);
        }
        if line.trim().is_empty() {
            return self.mode != Mode::Plain;
        }
        if line.starts_with(char::is_whitespace)
            || line.starts_with("Caused by:")
            || line.starts_with("...")
            || line.starts_with("goroutine ")
            || line.starts_with("Traceback (most recent call last)")
        {
            if line.starts_with("Traceback") {
                self.mode = Mode::Traceback;
            }
            return true;
        }
        match self.mode {
            Mode::Panic => true,
            // The raised exception closes a traceback: `KeyError: 'x'`.
            Mode::Traceback => {
                self.mode = Mode::Plain;
                true
            }
            Mode::Plain => false,
        }
    }
}

fn trim_event((no, mut text): (u64, String)) -> (u64, String) {
    while text.ends_with('\n') || text.ends_with(char::is_whitespace) {
        text.pop();
    }
    (no, text)
}

/// Parses a joined text event. Everything after the first line is the stack/body.
pub fn parse_event(text: &str) -> Event<'_> {
    let (first, rest) = match text.find('\n') {
        Some(i) => (&text[..i], Some(&text[i + 1..])),
        None => (text, None),
    };
    let mut ev = Event::default();
    let mut msg = first;
    if let Some(c) = header_re().captures(first) {
        let ts = c.name("ts").expect("ts group").as_str();
        ev.timestamp = parse_timestamp(ts);
        msg = &first[c.get(0).expect("match").end()..];
    }
    // Level: among the first few tokens of the header.
    let mut offset = 0;
    for _ in 0..4 {
        let rest_msg = msg[offset..].trim_start();
        let skipped = msg.len() - offset - rest_msg.len();
        let tok_end = rest_msg.find(char::is_whitespace).unwrap_or(rest_msg.len());
        if let Some(l) = level_token(&rest_msg[..tok_end]) {
            ev.level = Some(l);
            msg = rest_msg[tok_end..].trim_start();
            break;
        }
        if tok_end == 0 {
            break;
        }
        offset += skipped + tok_end;
    }
    let (origin, message) = split_logger(msg);
    ev.origin = origin.map(Cow::Borrowed);
    ev.message = Cow::Borrowed(message);
    if let Some(body) = rest.filter(|r| !r.trim().is_empty()) {
        ev.stack = Some(Cow::Borrowed(body));
    }
    if let Some((t, m)) = stack::exception_type(text) {
        ev.error_type = Some(Cow::Owned(t));
        if !m.is_empty() && !message.contains(m.as_str()) {
            ev.error_message = Some(Cow::Owned(m));
        }
        if ev.level.is_none() {
            ev.level = Some(Level::Error);
        }
    }
    ev
}

/// Strips `[thread]` and a `logger - ` / `logger: ` prefix; returns the logger as origin.
fn split_logger(msg: &str) -> (Option<&str>, &str) {
    let mut m = msg.trim_start();
    if m.starts_with('[')
        && let Some(end) = m.find(']')
        && !m[1..end].contains(' ')
    {
        m = m[end + 1..].trim_start();
    }
    let tok_end = m.find(char::is_whitespace).unwrap_or(m.len());
    let tok = &m[..tok_end];
    let after = m[tok_end..].trim_start();
    let looks_like_logger = |t: &str| {
        t.contains('.')
            && t.chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '$'))
    };
    if let Some(rest) = after.strip_prefix("- ")
        && looks_like_logger(tok)
    {
        return (Some(tok), rest);
    }
    if let Some(name) = tok.strip_suffix(':')
        && looks_like_logger(name)
    {
        return (Some(name), after);
    }
    (None, m)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn join(input: &str) -> Vec<(u64, String)> {
        let mut j = Joiner::new(input);
        let mut out = Vec::new();
        for (i, l) in input.lines().enumerate() {
            out.extend(j.push(i as u64 + 1, l));
        }
        out.extend(j.finish());
        out
    }

    #[test]
    fn java_exception_joined() {
        let input = "2026-11-17 10:00:00,123 ERROR [main] com.example.api.Handler - request failed\njava.lang.IllegalStateException: pool closed\n\tat com.example.db.Pool.get(Pool.java:88)\nCaused by: java.io.IOException: reset\n\t... 3 more\n2026-11-17 10:00:01,000 INFO [main] com.example.App - ok";
        let ev = join(input);
        assert_eq!(ev.len(), 2);
        assert_eq!(ev[0].0, 1);
        assert_eq!(ev[1].0, 6);
        let e = parse_event(&ev[0].1);
        assert_eq!(e.level, Some(Level::Error));
        assert_eq!(e.message, "request failed");
        assert_eq!(e.origin.as_deref(), Some("com.example.api.Handler"));
        assert_eq!(
            e.error_type.as_deref(),
            Some("java.lang.IllegalStateException")
        );
        assert!(e.stack.as_deref().unwrap().contains("Pool.java"));
        assert!(e.timestamp.is_some());
    }

    #[test]
    fn python_traceback_with_and_without_header() {
        let with = "2026-11-17 10:00:00,000 ERROR app: boom\nTraceback (most recent call last):\n  File \"/app/x.py\", line 3, in f\n    g()\nKeyError: 'id'\n2026-11-17 10:00:01,000 INFO app: fine";
        let ev = join(with);
        assert_eq!(ev.len(), 2);
        assert_eq!(
            parse_event(&ev[0].1).error_type.as_deref(),
            Some("KeyError")
        );
        let bare = "Traceback (most recent call last):\n  File \"/app/x.py\", line 3, in f\n    g()\nKeyError: 'id'\nnext message";
        let ev = join(bare);
        assert_eq!(ev.len(), 2, "{ev:?}");
        assert!(ev[0].1.ends_with("KeyError: 'id'"));
        let e = parse_event(&ev[0].1);
        assert_eq!(e.level, Some(Level::Error));
        assert_eq!(ev[1], (5, "next message".to_string()));
    }

    #[test]
    fn go_panic_block() {
        let input = "2026/11/17 10:00:00 INFO serving\npanic: runtime error: index out of range [3] with length 3\n\ngoroutine 7 [running]:\nmain.handler(0x0)\n\t/src/main.go:20 +0x1d\ncreated by main.main\n\t/src/main.go:9 +0x25\n2026/11/17 10:00:05 INFO restarted";
        let ev = join(input);
        assert_eq!(ev.len(), 3, "{ev:?}");
        assert_eq!(ev[1].0, 2);
        let e = parse_event(&ev[1].1);
        assert_eq!(e.error_type.as_deref(), Some("panic"));
        assert_eq!(e.level, Some(Level::Error));
    }

    #[test]
    fn headers_of_many_shapes() {
        for l in [
            "2026-11-17T10:00:00.123Z ERROR x",
            "[Sun Dec 04 04:47:44 2005] [error] mod_jk child workerEnv in error state 6",
            "Jun 14 15:16:01 combo sshd[19939]: x",
            "17/06/09 20:10:40 INFO spark.SecurityManager: x",
            "081109 203615 148 INFO dfs.DataNode: x",
            "20171223-22:15:29:606|Step_LSC|30002312|onStandStepChanged 3579",
            "ERROR something bad",
            "[WARN] careful",
        ] {
            assert!(has_header(l), "{l}");
        }
        for l in [
            "\tat a.b(C.java:1)",
            "  File \"x\"",
            "Caused by: x",
            "plain words",
        ] {
            assert!(!has_header(l), "{l}");
        }
        let e = parse_event(
            "[Sun Dec 04 04:47:44 2005] [error] mod_jk child workerEnv in error state 6",
        );
        assert_eq!(e.level, Some(Level::Error));
        assert_eq!(e.message, "mod_jk child workerEnv in error state 6");
    }
}
