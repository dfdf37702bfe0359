//! What a JSON record longer than [`super::MAX_LINE_BYTES`] becomes: the same record with
//! its long strings and large containers cut, so that it still parses and the event keeps
//! its level, version, message and fingerprint. A service that attaches a 5 MB request
//! body to a FATAL line must not have that line dropped as malformed.
//!
//! The shrinker is fed the line's bytes as they are read (the line is never held whole)
//! and keeps at most [`MAX_OUT`] of them:
//! - a string keeps its first [`STRING_KEEP`] bytes (cut before an escape or a UTF-8
//!   sequence, never inside one), then `…[cut: N bytes]`;
//! - a nested object or array keeps its elements up to [`CONTAINER_KEEP`] bytes, then
//!   closes after its last whole element;
//! - the record itself keeps its members up to [`MAX_OUT`] bytes, then closes.
//!
//! Input that is not JSON comes out as garbage and is reported malformed as before.

/// Bytes a string value keeps.
pub const STRING_KEEP: usize = 16 << 10;
/// Bytes a nested object or array keeps.
pub const CONTAINER_KEEP: usize = 64 << 10;
/// Bytes the whole record keeps: under the line cap, so what comes out is never cut again.
pub const MAX_OUT: usize = super::MAX_LINE_BYTES - 4096;

/// An open object or array.
struct Frame {
    /// Where its elements start in the output (just after its bracket).
    open_at: usize,
    /// Where its last whole element ends (before the comma after it).
    safe: usize,
}

/// Where the shrinker is inside a string.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Escape {
    None,
    /// Just after a backslash.
    Backslash,
    /// Inside a `\u` escape: this many of its four hex digits to come.
    Hex(u8),
}

/// Streams one JSON line into a bounded copy of it. See the module documentation.
pub struct JsonShrinker {
    out: Vec<u8>,
    stack: Vec<Frame>,
    in_string: bool,
    escape: Escape,
    /// Bytes of the current string kept and dropped.
    string_kept: usize,
    string_dropped: usize,
    /// While dropping the rest of a container: its depth (index in `stack`).
    skipping: Option<usize>,
    /// The record closed: what follows is dropped.
    done: bool,
    /// The value of the `\\u` escape being read.
    hex: u32,
    /// The last escape was a high surrogate.
    after_high: bool,
}

/// Nesting past this is left to the parser to refuse (it reads 128 levels).
const MAX_DEPTH: usize = 160;

impl Default for JsonShrinker {
    fn default() -> Self {
        Self::new()
    }
}

impl JsonShrinker {
    pub fn new() -> Self {
        JsonShrinker {
            out: Vec::with_capacity(64 << 10),
            stack: Vec::new(),
            in_string: false,
            escape: Escape::None,
            string_kept: 0,
            string_dropped: 0,
            skipping: None,
            done: false,
            hex: 0,
            after_high: false,
        }
    }

    /// Whether a line that opens like this is shrunk rather than cut: a JSON object, whose
    /// `{` is followed by a key's quote or its end (`{worker-3} ERROR …` is text).
    pub fn applies_to(head: &[u8]) -> bool {
        let mut it = head.iter().filter(|b| !b.is_ascii_whitespace());
        it.next() == Some(&b'{') && it.next().is_none_or(|&b| b == b'"' || b == b'}')
    }

    pub fn feed(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.byte(b);
        }
    }

    /// The shrunk line.
    pub fn finish(self) -> Vec<u8> {
        self.out
    }

    fn emit(&mut self, b: u8) {
        if self.skipping.is_some() || self.done {
            return;
        }
        // The hard cap, whatever fills the record (long numbers, many small values): it
        // closes after its last whole member.
        if self.out.len() >= MAX_OUT {
            if let Some(root) = self.stack.first() {
                self.out.truncate(root.safe);
                self.skipping = Some(0);
            } else {
                self.done = true;
            }
            return;
        }
        self.out.push(b);
    }

    fn byte(&mut self, b: u8) {
        if self.done {
            return;
        }
        if self.in_string {
            self.string_byte(b);
            return;
        }
        match b {
            b'"' => {
                self.in_string = true;
                self.string_kept = 0;
                self.string_dropped = 0;
                self.emit(b);
            }
            b'{' | b'[' => {
                if self.stack.len() >= MAX_DEPTH {
                    // Deeper than the parser reads: left malformed, read no further.
                    self.out.truncate(self.out.len().min(MAX_OUT));
                    self.done = true;
                    return;
                }
                self.emit(b);
                let at = self.out.len();
                self.stack.push(Frame {
                    open_at: at,
                    safe: at,
                });
            }
            b'}' | b']' => {
                let depth = self.stack.len();
                if depth == 0 {
                    return; // not JSON: left for the parser to say so
                }
                if self.skipping == Some(depth - 1) {
                    self.skipping = None;
                }
                self.emit(b);
                self.stack.pop();
                if self.stack.is_empty() {
                    self.done = true;
                }
            }
            b',' => {
                if self.skipping.is_none() && !self.stack.is_empty() && !self.over_budget() {
                    let len = self.out.len();
                    if let Some(f) = self.stack.last_mut() {
                        f.safe = len;
                    }
                }
                self.emit(b);
            }
            // Whitespace between tokens is not needed to read the record.
            b' ' | b'\t' | b'\r' | b'\n' => {}
            _ => self.emit(b),
        }
    }

    fn string_byte(&mut self, b: u8) {
        let prev = self.escape;
        self.escape = match (prev, b) {
            (Escape::None, b'\\') => Escape::Backslash,
            (Escape::Backslash, b'u') => {
                self.hex = 0;
                Escape::Hex(4)
            }
            (Escape::Hex(n), _) => {
                self.hex = self.hex << 4 | (b as char).to_digit(16).unwrap_or(0);
                if n > 1 {
                    Escape::Hex(n - 1)
                } else {
                    Escape::None
                }
            }
            _ => Escape::None,
        };
        // A `\uD83D` high surrogate must keep the `\uDE00` after it: JSON readers refuse
        // half a pair.
        let after_high = self.after_high;
        self.after_high = matches!(prev, Escape::Hex(1)) && (0xD800..0xDC00).contains(&self.hex);
        if prev == Escape::None && b == b'"' {
            self.in_string = false;
            if self.string_dropped > 0 && self.skipping.is_none() {
                let note = format!("…[cut: {} bytes]", self.string_dropped);
                self.out.extend_from_slice(note.as_bytes());
            }
            self.emit(b);
            return;
        }
        if self.string_dropped > 0 {
            self.string_dropped += 1;
            return;
        }
        // Cut only where a character or an escape starts, never within one.
        let boundary = prev == Escape::None && (b & 0xC0) != 0x80 && !after_high;
        if self.string_kept >= STRING_KEEP && boundary {
            self.string_dropped = 1;
            return;
        }
        self.string_kept += 1;
        self.emit(b);
    }

    /// At an element boundary: a container over its budget keeps its whole elements up to
    /// the one before (the one that crossed it goes) and drops the rest; the record over
    /// [`MAX_OUT`] does the same at its top level. True when it cut.
    fn over_budget(&mut self) -> bool {
        let depth = self.stack.len();
        let len = self.out.len();
        let cut_at = if len > MAX_OUT {
            Some(0)
        } else if depth >= 2 && len - self.stack[depth - 1].open_at > CONTAINER_KEEP {
            Some(depth - 1)
        } else {
            None
        };
        match cut_at {
            Some(d) => {
                self.out.truncate(self.stack[d].safe);
                self.skipping = Some(d);
                true
            }
            None => false,
        }
    }
}

/// What is kept of a line over [`super::MAX_LINE_BYTES`] while the rest of it is read: a
/// JSON object shrunk (see [`JsonShrinker`]), any other line's first bytes.
pub enum OverLong {
    Json(JsonShrinker),
    Head(Vec<u8>),
}

impl OverLong {
    /// What to keep of a line whose first bytes, `head`, already pass the line cap.
    pub fn start(head: Vec<u8>) -> OverLong {
        OverLong::start_at(head, super::MAX_LINE_BYTES)
    }

    /// As [`OverLong::start`], with a cap of `max` bytes for a line that is not JSON.
    pub fn start_at(mut head: Vec<u8>, max: usize) -> OverLong {
        if JsonShrinker::applies_to(&head) {
            let mut s = JsonShrinker::new();
            s.feed(&head);
            OverLong::Json(s)
        } else {
            head.truncate(max);
            OverLong::Head(head)
        }
    }

    pub fn feed(&mut self, bytes: &[u8]) {
        if let OverLong::Json(s) = self {
            s.feed(bytes);
        }
    }

    pub fn finish(self) -> Vec<u8> {
        match self {
            OverLong::Json(s) => s.finish(),
            OverLong::Head(h) => h,
        }
    }
}

/// Shrinks a whole JSON line held in memory (a line a little over the cap in a block).
pub fn shrink(line: &[u8]) -> Vec<u8> {
    let mut s = JsonShrinker::new();
    s.feed(line);
    s.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(b: &[u8]) -> serde_json::Value {
        serde_json::from_slice(b).unwrap_or_else(|e| {
            panic!(
                "not JSON ({e}): {}",
                String::from_utf8_lossy(&b[..b.len().min(300)])
            )
        })
    }

    #[test]
    fn a_long_string_is_cut_and_the_other_fields_kept() {
        let big = "x".repeat(3 << 20);
        let line = format!(
            r#"{{"level":"FATAL","payload":"{big}","version":"1.2","message":"db exploded"}}"#
        );
        let out = shrink(line.as_bytes());
        assert!(out.len() < MAX_OUT);
        let v = parse(&out);
        assert_eq!(v["level"], "FATAL");
        assert_eq!(v["version"], "1.2");
        assert_eq!(v["message"], "db exploded");
        let p = v["payload"].as_str().unwrap();
        assert!(p.starts_with("xxxx"));
        assert!(p.ends_with(&format!("…[cut: {} bytes]", (3 << 20) - STRING_KEEP)));
    }

    /// A string of `a`s ending near the string cap, then `unit` repeated: wherever the cut
    /// falls among the units, the record still parses and keeps the field after it.
    fn assert_cut_anywhere_in(unit: &str, width: usize) {
        for pad in 0..2 * width {
            let body = format!(
                "{}{}",
                "a".repeat(STRING_KEEP - width + pad),
                unit.repeat(1000)
            );
            let line = format!(r#"{{"m":"{body}","k":1}}"#);
            assert_eq!(parse(&shrink(line.as_bytes()))["k"], 1, "{unit} +{pad}");
        }
    }

    #[test]
    fn cuts_never_split_an_escape_or_a_character() {
        assert_cut_anywhere_in("\\u00e9é\\n\\\"", 4);
    }

    #[test]
    fn a_large_array_keeps_its_first_elements_and_the_fields_after_it() {
        let items: Vec<String> = (0..200_000).map(|i| format!("\"frame {i}\"")).collect();
        let line = format!(r#"{{"stack":[{}],"level":"error"}}"#, items.join(","));
        let out = shrink(line.as_bytes());
        let v = parse(&out);
        assert_eq!(v["level"], "error");
        let kept = v["stack"].as_array().unwrap();
        assert!(kept.len() > 1000 && kept.len() < 10_000, "{}", kept.len());
        assert_eq!(kept[0], "frame 0");
    }

    #[test]
    fn a_record_of_many_fields_closes_after_its_last_whole_member() {
        let fields: Vec<String> = (0..300_000).map(|i| format!("\"k{i}\":{i}")).collect();
        let line = format!(r#"{{"level":"fatal",{}}}"#, fields.join(","));
        let out = shrink(line.as_bytes());
        assert!(out.len() <= MAX_OUT + 64);
        let v = parse(&out);
        assert_eq!(v["level"], "fatal");
        assert!(v.as_object().unwrap().len() > 10_000);
    }

    #[test]
    fn fed_in_pieces_it_gives_the_same_line() {
        let big = "é".repeat(40_000);
        let line = format!(r#"{{"a":"{big}","b":[{{"c":"{big}"}}],"d":2}}"#);
        let whole = shrink(line.as_bytes());
        let mut s = JsonShrinker::new();
        for piece in line.as_bytes().chunks(7) {
            s.feed(piece);
        }
        assert_eq!(s.finish(), whole);
        assert_eq!(parse(&whole)["d"], 2);
    }

    #[test]
    fn only_objects_are_shrunk() {
        assert!(JsonShrinker::applies_to(b"  {\"a\":1"));
        assert!(JsonShrinker::applies_to(b"{ \"a\":1"));
        assert!(!JsonShrinker::applies_to(b"2026-01-01 ERROR {\"a\":1"));
        assert!(!JsonShrinker::applies_to(b"{worker-3} ERROR boom"));
    }

    #[test]
    fn a_surrogate_pair_is_never_split() {
        assert_cut_anywhere_in("\\ud83d\\ude00", 6);
    }

    #[test]
    fn whatever_fills_a_record_its_copy_stays_under_the_cap() {
        let cases = [
            format!("{{\"level\":\"fatal\",\"n\":1{}}}", " ".repeat(3 << 20)),
            format!("{{\"level\":\"fatal\",\"n\":{}}}", "9".repeat(3 << 20)),
            format!("{{\"level\":\"fatal\",\"a\":{}}}", "[".repeat(3 << 20)),
            format!(
                "{{\"level\":\"fatal\",\"deep\":{{\"x\":[{}]}}}}",
                (0..400_000)
                    .map(|i| format!("{{\"k\":{i}}}"))
                    .collect::<Vec<_>>()
                    .join(",")
            ),
        ];
        for line in &cases {
            let out = shrink(line.as_bytes());
            assert!(out.len() <= MAX_OUT + 64, "{}", out.len());
        }
        // Whitespace goes, the record stays readable.
        assert_eq!(parse(&shrink(cases[0].as_bytes()))["level"], "fatal");
        assert_eq!(parse(&shrink(cases[3].as_bytes()))["level"], "fatal");
    }
}
