//! Reading events from files and stdin: inputs (paths, globs, `-`), transparent `.gz` and
//! `.zst` with a decompression limit, line splitting with a per-line cap, format detection,
//! and the per-format parsers. Bad input never stops a run: it is counted and reported.

pub mod assemble;
pub mod csv;
pub mod json;
pub mod kernel;
pub mod level_column;
pub mod logfmt;
pub mod mapping;
pub mod oversize;
pub mod records;
pub mod resolve;
pub mod severity;
pub mod text;
pub mod time;
pub mod unwrap;
pub mod version_field;

use std::fmt;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::PathBuf;
use std::str::FromStr;

/// Lines longer than this are truncated (and the event reported as malformed if that
/// breaks it).
pub const MAX_LINE_BYTES: usize = 1 << 20;

/// Default cap on the bytes a compressed file may decompress to, as a multiple of its own
/// size: logs compress 10-50x with gzip or zstd, a decompression bomb thousands of times.
pub const DECOMPRESSION_RATIO: u64 = 200;
/// The default cap is never below this (a small file of very repetitive lines).
pub const MIN_MAX_DECOMPRESSED: u64 = 256 << 20;
/// Default cap on what compressed stdin may decompress to (its size is not known).
pub const STDIN_MAX_DECOMPRESSED: u64 = 64 << 30;

/// The shape of an input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Ndjson,
    Logfmt,
    Text,
    Raw,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Ndjson => "ndjson",
            Format::Logfmt => "logfmt",
            Format::Text => "text",
            Format::Raw => "raw",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "ndjson" | "json" => Ok(Format::Ndjson),
            "logfmt" => Ok(Format::Logfmt),
            "text" => Ok(Format::Text),
            "raw" => Ok(Format::Raw),
            _ => Err(format!(
                "unknown format {s:?}: use ndjson, logfmt, text or raw"
            )),
        }
    }
}

/// One input: a file or standard input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    Path(PathBuf),
    Stdin,
}

impl Input {
    pub fn name(&self) -> String {
        match self {
            Input::Path(p) => p.display().to_string(),
            Input::Stdin => "<stdin>".to_string(),
        }
    }
}

/// Expands command-line inputs: `-` is stdin, patterns with `*?[` are globbed (sorted),
/// other paths are taken as they are (a missing file is reported when it is opened).
pub fn expand_inputs(args: &[String]) -> Result<Vec<Input>, String> {
    let mut out = Vec::new();
    for a in args {
        if a == "-" {
            out.push(Input::Stdin);
            continue;
        }
        let is_pattern = a.contains(['*', '?', '[']) && !std::path::Path::new(a).exists();
        if !is_pattern {
            out.push(Input::Path(PathBuf::from(a)));
            continue;
        }
        let paths = glob::glob(a).map_err(|e| format!("{a}: bad glob pattern: {e}"))?;
        let mut matched: Vec<PathBuf> = paths
            .filter_map(Result::ok)
            .filter(|p| p.is_file())
            .collect();
        if matched.is_empty() {
            return Err(format!("{a}: no files match this pattern"));
        }
        matched.sort();
        out.extend(matched.into_iter().map(Input::Path));
    }
    Ok(out)
}

/// Opens an input, decompressing gzip (any number of members) or zstd when its first bytes
/// say so, whatever its name. Decompressed output is capped at `max_decompressed` bytes,
/// by default [`DECOMPRESSION_RATIO`] times the file's size (at least
/// [`MIN_MAX_DECOMPRESSED`]). A file that ends before the size it had when opened (cut
/// by a rotation while it was read) fails the read: what was not read must not look read.
pub fn open(input: &Input, max_decompressed: Option<u64>) -> io::Result<Box<dyn BufRead + Send>> {
    let (raw, max_decompressed): (Box<dyn Read + Send>, u64) = match input {
        Input::Path(p) => {
            let file = File::open(p)?;
            let meta = file.metadata()?;
            if !meta.is_file() {
                // A FIFO or `<(…)`: no size to hold it to, read like stdin.
                let max = max_decompressed.unwrap_or(STDIN_MAX_DECOMPRESSED);
                (Box::new(file) as Box<dyn Read + Send>, max)
            } else {
                let len = meta.len();
                let max = max_decompressed.unwrap_or_else(|| {
                    len.saturating_mul(DECOMPRESSION_RATIO)
                        .max(MIN_MAX_DECOMPRESSED)
                });
                (Box::new(WholeFile { file, len, read: 0 }), max)
            }
        }
        Input::Stdin => (
            Box::new(io::stdin()),
            max_decompressed.unwrap_or(STDIN_MAX_DECOMPRESSED),
        ),
    };
    let mut buffered = BufReader::with_capacity(256 << 10, raw);
    let head = buffered.fill_buf()?;
    let reader: Box<dyn BufRead + Send> = if head.starts_with(&[0x1f, 0x8b]) {
        let dec = flate2::bufread::MultiGzDecoder::new(buffered);
        Box::new(BufReader::with_capacity(
            256 << 10,
            Capped::new(dec, max_decompressed),
        ))
    } else if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
        let dec = zstd::stream::read::Decoder::with_buffer(buffered)?;
        Box::new(BufReader::with_capacity(
            256 << 10,
            Capped::new(dec, max_decompressed),
        ))
    } else {
        Box::new(buffered)
    };
    Ok(reader)
}

/// A file read to the size it had when opened: ending short of it is an error.
struct WholeFile {
    file: File,
    len: u64,
    read: u64,
}

impl Read for WholeFile {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.file.read(buf)?;
        self.read += n as u64;
        if n == 0 && !buf.is_empty() && self.read < self.len {
            return Err(io::Error::other(format!(
                "the file shrank while it was read: {} bytes when opened, it ended after {} (truncated or rotated)",
                self.len, self.read
            )));
        }
        Ok(n)
    }
}

/// A reader that fails once more than `limit` bytes have come out of it.
struct Capped<R> {
    inner: R,
    remaining: u64,
    limit: u64,
}

impl<R> Capped<R> {
    fn new(inner: R, limit: u64) -> Self {
        Capped {
            inner,
            remaining: limit,
            limit,
        }
    }
}

impl<R: Read> Read for Capped<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n as u64 > self.remaining {
            return Err(io::Error::other(format!(
                "decompressed data exceeds the limit of {} bytes (a decompression bomb, or raise --max-decompressed)",
                self.limit
            )));
        }
        self.remaining -= n as u64;
        Ok(n)
    }
}

/// Splits a reader into lines (LF or CRLF), capping each at [`MAX_LINE_BYTES`].
pub struct LineReader<R> {
    inner: R,
    /// 1-based number of the line last returned.
    pub line_no: u64,
    max: usize,
}

/// What [`LineReader::next_line`] read: the line is in the caller's buffer.
pub struct LineInfo {
    pub no: u64,
    /// Original length when the line was truncated.
    pub truncated_from: Option<usize>,
    /// The over-long line was a JSON object, shrunk by [`oversize::JsonShrinker`] rather
    /// than cut: it still parses.
    pub shrunk: bool,
}

impl<R: BufRead> LineReader<R> {
    pub fn new(inner: R) -> Self {
        Self::with_max(inner, MAX_LINE_BYTES)
    }

    pub fn with_max(inner: R, max: usize) -> Self {
        LineReader {
            inner,
            line_no: 0,
            max,
        }
    }

    /// Appends the next line (without its terminator) to `out`.
    pub fn next_line(&mut self, out: &mut Vec<u8>) -> io::Result<Option<LineInfo>> {
        let start = out.len();
        let mut total = 0usize;
        let mut saw_any = false;
        let mut over: Option<oversize::OverLong> = None;
        loop {
            let buf = self.inner.fill_buf()?;
            if buf.is_empty() {
                if !saw_any {
                    return Ok(None);
                }
                break;
            }
            saw_any = true;
            let (chunk, consumed, done) = match memchr::memchr(b'\n', buf) {
                Some(i) => (&buf[..i], i + 1, true),
                None => (buf, buf.len(), false),
            };
            match over.as_mut() {
                Some(o) => o.feed(chunk),
                None if total + chunk.len() > self.max => {
                    // Past the cap: what is kept of the line is decided once, here.
                    let mut head = out.split_off(start);
                    head.extend_from_slice(chunk);
                    over = Some(oversize::OverLong::start_at(head, self.max));
                }
                None => out.extend_from_slice(chunk),
            }
            total += chunk.len();
            self.inner.consume(consumed);
            if done {
                break;
            }
        }
        let shrunk = matches!(over, Some(oversize::OverLong::Json(_)));
        if let Some(o) = over {
            out.extend_from_slice(&o.finish());
        }
        if out.len() > start && out.last() == Some(&b'\r') {
            out.pop();
            total -= 1;
        }
        self.line_no += 1;
        Ok(Some(LineInfo {
            no: self.line_no,
            truncated_from: (total > self.max).then_some(total),
            shrunk,
        }))
    }
}

/// Guesses the format from the first lines of an input. A preamble of text lines before
/// structured ones (a logrotate or container banner, a shell's echo) is looked past: when
/// the 50 lines after the first one-line JSON object (or logfmt line) are at least three
/// quarters of that shape, and at least ten, the input is of it, and the preamble is read
/// as the text lines a structured input may have (see [`is_stray_text`]).
pub fn detect_format(sample: &[u8]) -> Format {
    let text = String::from_utf8_lossy(sample);
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let head = &lines[..lines.len().min(50)];
    let counts = ShapeCounts::of(head);
    let format = counts.format();
    if format != Format::Text {
        return format;
    }
    let structured = |l: &&str| (l.starts_with('{') && l.ends_with('}')) || logfmt::opens_line(l);
    let Some(first) = lines.iter().position(structured) else {
        return Format::Text;
    };
    if first == 0 {
        return Format::Text;
    }
    let after = &lines[first..lines.len().min(first + 50)];
    let c = ShapeCounts::of(after);
    let most = |k: usize| k >= 10 && k * 4 >= c.n * 3;
    if most(c.json) {
        Format::Ndjson
    } else if most(c.logfmt) {
        Format::Logfmt
    } else {
        Format::Text
    }
}

/// How many lines of a sample have each shape.
struct ShapeCounts {
    n: usize,
    json: usize,
    /// Lines inside a JSON record that spans lines (`"key": ...`, closing brackets).
    json_inside: usize,
    logfmt: usize,
}

impl ShapeCounts {
    fn of(lines: &[&str]) -> ShapeCounts {
        let mut c = ShapeCounts {
            n: lines.len(),
            json: 0,
            json_inside: 0,
            logfmt: 0,
        };
        for line in lines {
            if line.starts_with('{') {
                c.json += 1;
            } else if line.starts_with(['"', '}', ']']) {
                c.json_inside += 1;
            } else if logfmt::opens_line(line) {
                // A logfmt line is pairs from its start (logrus, slog, go-kit write `time=`
                // or `ts=` first); a text header with pairs after its message (Rust
                // tracing's `2026-01-01T00:00:00Z  WARN target: msg key=value`) is a text
                // record.
                c.logfmt += 1;
            }
        }
        c
    }

    fn format(&self) -> Format {
        let n = self.n;
        if n == 0 {
            Format::Text
        } else if self.json * 2 > n || (self.json > 0 && (self.json + self.json_inside) * 2 > n) {
            Format::Ndjson
        } else if self.logfmt * 2 > n {
            Format::Logfmt
        } else {
            Format::Text
        }
    }
}

/// A line of a structured input that is plain text: a Go panic or a Python traceback on
/// stderr among a service's JSON lines, a banner among logfmt lines. NDJSON records open
/// with `{`, logfmt records with a `key=value` pair; blank lines go with the text around
/// them. Bytes no text has (NUL and other control characters but tab and escape: what a
/// crashed writer leaves) keep a line malformed.
pub fn is_stray_text(format: Format, line: &str) -> bool {
    let t = line.trim_start();
    let text = match format {
        // A JSON array (`[[`, `[{`, `[1`) is JSON, reported malformed if it is not an
        // object; `[signal SIGSEGV: ...]` inside a Go panic is text.
        Format::Ndjson => {
            let b = t.as_bytes();
            match b.first() {
                Some(b'{') => false,
                Some(b'[') => !b.get(1).is_none_or(|c| {
                    matches!(c, b'[' | b'{' | b'"' | b']' | b'-' | b'0'..=b'9')
                        || c.is_ascii_whitespace()
                }),
                _ => true,
            }
        }
        // logrus's text formatter opens with `WARN[0001]`: a logfmt line is one with a
        // pair, unless it opens as no logfmt record does (a bracket, indentation: Go's
        // `[signal SIGSEGV: ... addr=0x0]` inside a panic).
        Format::Logfmt => line.starts_with([' ', '\t', '[']) || !logfmt::has_pair(t),
        Format::Text | Format::Raw => false,
    };
    // Checked last: structured lines, most of them, are not scanned.
    text && !line
        .bytes()
        .any(|b| (b < 0x20 && b != b'\t' && b != 0x1b) || b == 0x7f)
}

/// A line that could not be read as an event: where, and why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Malformed {
    pub source: String,
    pub line: u64,
    pub reason: String,
}

impl fmt::Display for Malformed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.source, self.line, self.reason)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Cursor, Write};

    #[test]
    fn text_among_structured_lines() {
        assert!(is_stray_text(Format::Ndjson, "panic: runtime error"));
        assert!(!is_stray_text(Format::Ndjson, "{\"level\":\"info\"}"));
        assert!(!is_stray_text(Format::Ndjson, "\u{0}\u{0} partial write"));
        assert!(!is_stray_text(Format::Ndjson, "[[[[["));
        assert!(!is_stray_text(Format::Ndjson, "[1, 2]"));
        assert!(is_stray_text(
            Format::Ndjson,
            "[signal SIGSEGV: segmentation violation]"
        ));
        assert!(is_stray_text(Format::Logfmt, "goroutine 1 [running]:"));
        assert!(is_stray_text(
            Format::Logfmt,
            "[signal SIGSEGV: segmentation violation code=0x1 addr=0x0]"
        ));
        // logrus's text formatter opens with its level, then pairs.
        assert!(!is_stray_text(
            Format::Logfmt,
            "WARN[0001] cache miss key=user:1"
        ));
        assert!(!is_stray_text(
            Format::Logfmt,
            "2024-01-01T10:00:01Z level=error msg=\"db timeout\""
        ));
        assert!(!is_stray_text(Format::Text, "anything"));
    }

    #[test]
    fn lines_crlf_and_truncation() {
        let data = b"a\r\nbb\n\nlong-line-here\nlast";
        let mut r = LineReader::with_max(Cursor::new(&data[..]), 4);
        let mut got = Vec::new();
        let mut buf = Vec::new();
        while let Some(info) = r.next_line(&mut buf).unwrap() {
            got.push((
                info.no,
                String::from_utf8(buf.clone()).unwrap(),
                info.truncated_from,
            ));
            buf.clear();
        }
        assert_eq!(
            got,
            vec![
                (1, "a".into(), None),
                (2, "bb".into(), None),
                (3, "".into(), None),
                (4, "long".into(), Some(14)),
                (5, "last".into(), None)
            ]
        );
    }

    #[test]
    fn a_file_cut_while_it_is_read_fails_the_read() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("app.log");
        std::fs::write(&p, "ERROR one\n".repeat(100_000)).unwrap();
        let mut r = open(&Input::Path(p.clone()), None).unwrap();
        // logrotate's copytruncate between the open and the end of the read.
        std::fs::OpenOptions::new()
            .write(true)
            .open(&p)
            .unwrap()
            .set_len(1000)
            .unwrap();
        let mut s = String::new();
        let err = r.read_to_string(&mut s).unwrap_err().to_string();
        assert!(err.contains("the file shrank while it was read"), "{err}");
        // A file that grows is read to where it was when opened, and more.
        std::fs::write(&p, "ERROR one\n").unwrap();
        let mut r = open(&Input::Path(p.clone()), None).unwrap();
        std::fs::OpenOptions::new()
            .append(true)
            .open(&p)
            .unwrap()
            .write_all(b"ERROR two\n")
            .unwrap();
        let mut s = String::new();
        r.read_to_string(&mut s).unwrap();
        assert!(s.starts_with("ERROR one\n"));
    }

    #[test]
    fn the_default_decompression_cap_follows_the_file_size() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("bomb.zst");
        let mut enc = zstd::stream::write::Encoder::new(File::create(&p).unwrap(), 3).unwrap();
        let zeros = vec![b'0'; 1 << 20];
        for _ in 0..(MIN_MAX_DECOMPRESSED >> 20) + 1 {
            enc.write_all(&zeros).unwrap();
        }
        enc.finish().unwrap();
        assert!(std::fs::metadata(&p).unwrap().len() * DECOMPRESSION_RATIO < MIN_MAX_DECOMPRESSED);
        let mut sink = Vec::new();
        let err = open(&Input::Path(p.clone()), None)
            .unwrap()
            .read_to_end(&mut sink)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("exceeds the limit of 268435456 bytes"),
            "{err}"
        );
        let mut n = 0u64;
        let mut r = open(&Input::Path(p), Some(1 << 30)).unwrap();
        let mut buf = vec![0; 1 << 16];
        loop {
            match r.read(&mut buf).unwrap() {
                0 => break,
                k => n += k as u64,
            }
        }
        assert_eq!(n, MIN_MAX_DECOMPRESSED + (1 << 20));
    }

    #[test]
    fn gzip_multi_member_and_zstd_by_magic() {
        let dir = tempfile::tempdir().unwrap();
        let gz = dir.path().join("x.log");
        let mut f = File::create(&gz).unwrap();
        for part in ["one\n", "two\n"] {
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            e.write_all(part.as_bytes()).unwrap();
            f.write_all(&e.finish().unwrap()).unwrap();
        }
        drop(f);
        let mut s = String::new();
        open(&Input::Path(gz), Some(1 << 20))
            .unwrap()
            .read_to_string(&mut s)
            .unwrap();
        assert_eq!(s, "one\ntwo\n");
        let zs = dir.path().join("y.zst");
        std::fs::write(&zs, zstd::encode_all(&b"three\n"[..], 3).unwrap()).unwrap();
        let mut s = String::new();
        open(&Input::Path(zs), Some(1 << 20))
            .unwrap()
            .read_to_string(&mut s)
            .unwrap();
        assert_eq!(s, "three\n");
    }

    #[test]
    fn decompression_bomb_is_stopped() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("bomb.gz");
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        e.write_all(&vec![b'a'; 10 << 20]).unwrap();
        std::fs::write(&p, e.finish().unwrap()).unwrap();
        let mut s = Vec::new();
        let err = open(&Input::Path(p), Some(1 << 20))
            .unwrap()
            .read_to_end(&mut s)
            .unwrap_err();
        assert!(err.to_string().contains("exceeds the limit"), "{err}");
        assert!(s.len() <= 1 << 20);
    }

    #[test]
    fn detects_formats() {
        assert_eq!(detect_format(b"{\"a\":1}\n{\"b\":2}\n"), Format::Ndjson);
        assert_eq!(
            detect_format(b"level=info msg=a\nlevel=error msg=b\n"),
            Format::Logfmt
        );
        assert_eq!(
            detect_format(b"2026-01-01 10:00:00 ERROR x\n"),
            Format::Text
        );
        assert_eq!(detect_format(b""), Format::Text);
        // A banner before JSON lines; a text log that prints a few JSON lines stays text.
        let mut banner = "logrotate: rotating app.log\n".repeat(30);
        banner.push_str(&"{\"level\":\"error\",\"msg\":\"x\"}\n".repeat(20));
        assert_eq!(detect_format(banner.as_bytes()), Format::Ndjson);
        let mut text = "2026-01-01 10:00:00 INFO starting\n".repeat(30);
        text.push_str(&"{\"config\":1}\n".repeat(3));
        text.push_str(&"2026-01-01 10:00:01 INFO serving\n".repeat(30));
        assert_eq!(detect_format(text.as_bytes()), Format::Text);
        // Rust tracing's fields after the message do not make a line logfmt.
        assert_eq!(
            detect_format(
                b"2026-06-15T18:02:36.953248Z  WARN job{id=1}: worker: failed reason=x err=y\n\
2026-06-15T18:02:37.953248Z  INFO worker: done ts=1 msg=ok\n"
            ),
            Format::Text
        );
    }

    #[test]
    fn globs_and_missing() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("b.log"), "x").unwrap();
        std::fs::write(dir.path().join("a.log"), "x").unwrap();
        let pat = format!("{}/*.log", dir.path().display());
        let got = expand_inputs(&[pat.clone(), "-".into()]).unwrap();
        assert_eq!(got.len(), 3);
        assert_eq!(got[0], Input::Path(dir.path().join("a.log")));
        assert_eq!(got[2], Input::Stdin);
        let none = format!("{}/*.nothing", dir.path().display());
        assert!(
            expand_inputs(&[none])
                .unwrap_err()
                .contains("no files match")
        );
    }
}
