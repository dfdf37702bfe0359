//! Record boundaries: joins the physical lines of an input into records, one per log event.
//!
//! Text records start at a header (a timestamp or a level where headers put them) and go on
//! over the lines that each runtime prints after it, as documented for its traces:
//! - Java: `\tat ...`, `Caused by: ...`, `Suppressed: ...`, `\t... N more`, `nested
//!   exception is:` followed by a blank line and the nested exception;
//! - Python: `Traceback (most recent call last):` up to the raised exception's line, chained
//!   by `During handling of the above exception, another exception occurred:` or `The above
//!   exception was the direct cause of the following exception:`;
//! - PHP: `Stack trace:`, `#N ...`, `  thrown in ...`, Laravel's `[stacktrace]` and
//!   `[previous exception]`, xdebug's `PHP Stack trace:` / `PHP   1. ...`;
//! - Go: `panic: ...`, `fatal error: ...`, `goroutine N [state]:` blocks separated by blank
//!   lines, `created by ...`, frames with `fp=`/`sp=`/`pc=`;
//! - .NET: ` ---> ` inner exceptions, `--- End of stack trace from previous location ---`;
//! - Node: `    at ...`, and the `Error: ...` after the source excerpt and its `^` caret;
//! - Ruby: `file.rb:N:in 'm': message (Class)` then `\tfrom ...`.
//!
//! An input "has headers" when two of the sample's lines start with a timestamp, or when at
//! least a quarter of the lines that could start a record start with a level; then a line
//! without a header continues the record before it (a multi-line
//! message), except after a finished traceback. Without headers, each such line is its own
//! record. A traceback that follows a header line directly belongs to that record (Python's
//! `logger.exception`); one after a line without a header starts its own record.
//!
//! JSON records that span lines (pretty-printed, or Elasticsearch's `stacktrace` arrays) are
//! joined by counting brackets outside strings.

use super::kernel;
use super::oversize::JsonShrinker;
use super::severity::{self, Opens};
use super::text::{self, read_header, starts_record};
use crate::fingerprint::stack;
use crate::level::Level;
use std::collections::VecDeque;
use std::sync::OnceLock;

/// A joined record: the line it starts on and its text (lines joined by `\n`).
pub type Record = (u64, String);

/// What the record being built is inside of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Trace {
    None,
    /// A Python traceback still waiting for its exception line.
    Python,
    /// A Python traceback that printed its exception (a chain may follow).
    PythonDone,
    /// A Go panic or goroutine dump.
    Go,
}

/// The kind of a physical line, from its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Blank,
    Header,
    /// Indented, or a marker that only continues a trace (`Caused by:`, `#3 ...`).
    Continuation,
    /// Python's chaining lines (`During handling of the above exception ...`).
    Chain,
    Traceback,
    Goroutine,
    /// A line that starts a trace of its own: `panic:`, `Exception in thread "main"`,
    /// `Unhandled exception.`, a Ruby crash line.
    TraceStart,
    /// `java.lang.IllegalStateException: x`, `KeyError: 'id'`: an exception's own line.
    Exception,
    Other,
}

fn classify(line: &str) -> Kind {
    let b = line.as_bytes();
    let Some(&first) = b.first() else {
        return Kind::Blank;
    };
    if first == b' ' || first == b'\t' {
        return if line.trim().is_empty() {
            Kind::Blank
        } else if starts_record(line) {
            Kind::Header
        } else {
            Kind::Continuation
        };
    }
    match first {
        // A frame of stars around a message (CockroachDB's stderr): `*` lines separate.
        b'*' if text::rule_run(line).is_none()
            && line.bytes().all(|c| c == b'*' || c.is_ascii_whitespace()) =>
        {
            return Kind::Blank;
        }
        b'I' | b'W' | b'E' | b'F' if text::crdb_continuation(line) => return Kind::Continuation,
        b'#' if b.get(1).is_some_and(u8::is_ascii_digit) => return Kind::Continuation,
        // `journalctl -x`: the catalog's explanation of the entry above, `░░ Subject: ...`.
        0xE2 if line.starts_with("\u{2591}\u{2591}") => return Kind::Continuation,
        b'}' | b']' => return Kind::Continuation,
        b'"' if line.starts_with("\"}") => return Kind::Continuation,
        b'a' if line.starts_with("at ") && line.contains('(') => return Kind::Continuation,
        b'.' if line.starts_with("... ") || line == "..." => return Kind::Continuation,
        b'-' if line.starts_with("--- End of") || line.starts_with("--->") => {
            return Kind::Continuation;
        }
        b'C' if line.starts_with("Caused by: ") => return Kind::Continuation,
        b'S' if line.starts_with("Suppressed: ") || line.starts_with("Stack trace:") => {
            return Kind::Continuation;
        }
        b'W' if line.starts_with("Wrapped by: ") => return Kind::Continuation,
        // Node's MODULE_NOT_FOUND error lists the modules that required it.
        b'R' if line.starts_with("Require stack:") => return Kind::Continuation,
        b'[' if line.starts_with("[stacktrace]") || line.starts_with("[previous exception]") => {
            return Kind::Continuation;
        }
        b'c' if line.starts_with("created by ") => return Kind::Continuation,
        b'n' if line.starts_with("nested exception is") => return Kind::Continuation,
        b'P' if is_php_stack_line(line) => return Kind::Continuation,
        b'D' if line.starts_with("During handling of the above exception") => {
            return Kind::Chain;
        }
        b'T' if line.starts_with("The above exception was the direct cause") => {
            return Kind::Chain;
        }
        b'T' if line.starts_with("Traceback (most recent call last)") => return Kind::Traceback,
        b'g' if line.starts_with("goroutine ") && line.ends_with("]:") => return Kind::Goroutine,
        _ => {}
    }
    // PHP's error log dates every line of an xdebug stack trace:
    // `[15-May-2020 13:39:01 UTC] PHP   1. {main}() /app/index.php:0`.
    if first == b'['
        && let Some(i) = memchr::memmem::find(b, b"] PHP ")
        && is_php_stack_line(&line[i + 2..])
    {
        return Kind::Continuation;
    }
    // No runtime mark has a header's shape: headers first, they are most lines.
    if starts_record(line) {
        return Kind::Header;
    }
    if severity::opens(line) != Opens::No {
        return Kind::TraceStart;
    }
    if stack::is_exception_line(line) {
        return Kind::Exception;
    }
    Kind::Other
}

/// [`classify`], where a line with a level in the input's level column is a header.
fn classify_with_column(line: &str, level_column: Option<usize>) -> Kind {
    let kind = classify(line);
    if kind == Kind::Other
        && level_column.is_some_and(|c| super::level_column::read(line, c).is_some())
    {
        return Kind::Header;
    }
    kind
}

/// xdebug's lines of a PHP stack trace: `PHP Stack trace:`, `PHP   1. {main}() ...`.
fn is_php_stack_line(line: &str) -> bool {
    line.starts_with("PHP Stack trace:")
        || (line.starts_with("PHP  ") && line[4..].trim_start().starts_with(char::is_numeric))
}

/// Python's closing line of a traceback: the exception, `Name: message` or `Name`.
fn closes_python(line: &str) -> bool {
    if line.starts_with("File ") || line.starts_with(char::is_whitespace) {
        return false;
    }
    let name = line.split(": ").next().unwrap_or(line);
    !name.is_empty()
        && name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && name
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_'))
}

struct Building {
    line: u64,
    text: String,
    /// Where the first line ends in `text` (read for every line joined: not searched).
    first_end: usize,
    /// The record's first line had a header.
    header: bool,
    lines: usize,
    /// Indentation of the first line: without headers, only deeper lines continue it.
    indent: usize,
    trace: Trace,
    /// The kind of the first line.
    first: Kind,
    last: Kind,
    /// The last line ended a sentence that introduces what follows (`nested exception is:`,
    /// Node's `^` caret under the source excerpt).
    introduces: bool,
    /// Every line after the first was joined as a relayed trace's (see [`relays_trace`]).
    relayed: bool,
    /// The length of the rule the record opens with, if it opens a box (see [`in_box`]).
    rule: usize,
    /// The first line has a timestamp: read when first asked (see [`Building::dated`]).
    dated: std::cell::Cell<Option<bool>>,
    /// Where the record is in a kernel report that it opened (see [`super::kernel`]).
    kernel: KernelReport,
    /// Lines joined past [`MAX_RECORD_LINES`] or [`MAX_RECORD_BYTES`]: read for the
    /// joining rules, not kept.
    dropped: usize,
    /// The last line joined once lines are dropped (the rules read it; at most 64 KiB).
    dropped_last: String,
    /// The report or block the record's first lines open (read once, not per line joined).
    opening: Opening,
}

/// A report or block that a record's first line (or its first lines) opens, whose own rules
/// say which lines after it are the record's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Opening {
    Plain,
    /// Terraform's diagnostic box (see [`text::TERRAFORM_BOX`]).
    TerraformBox,
    /// Gradle's `FAILURE: Build ...` report (see [`in_gradle_report`]).
    GradleReport,
    /// A rule of `=`: a sanitizer's report may follow it.
    EqualsRule,
    /// A sanitizer's report (see [`in_sanitizer_report`]).
    SanitizerReport,
    /// Node's uncaught-exception report (see [`in_node_crash`]).
    NodeCrash,
    /// Celery's worker banner (see [`celery_banner`]).
    CeleryBanner,
    /// A Rust panic (see [`continues_rust_panic`]).
    RustPanic,
    /// MediaWiki's `Type from line N of file:` (see [`is_mediawiki_exception`]).
    MediaWikiException,
    /// W3C log directives (IIS's `#Software:` ... `#Fields:`).
    W3cDirectives,
    /// PowerShell's view of an error record (see [`in_powershell_error`]).
    PowerShellError,
    /// Julia's ConsoleLogger box (see [`julia_box`]).
    JuliaBox,
    /// Snort's full alert: `[**] [gid:sid:rev] msg [**]`, its lines up to a blank.
    SnortAlert,
    /// A ModSecurity audit transaction, `--id-A--` to `--id-Z--`.
    ModSecurityAudit,
    /// One of Lambda's own lines (see [`text::is_lambda_platform_line`]).
    LambdaPlatform,
}

impl Opening {
    /// What a record's first line opens.
    fn opened_by(line: &str) -> Opening {
        let (open, ..) = text::TERRAFORM_BOX;
        if line.trim_end() == open {
            Opening::TerraformBox
        } else if line.starts_with("FAILURE: Build ") {
            Opening::GradleReport
        } else if is_sanitizer_line(line) {
            Opening::SanitizerReport
        } else if text::rule_run(line).is_some_and(|run| run.starts_with('=')) {
            Opening::EqualsRule
        } else if is_script_location(line) {
            Opening::NodeCrash
        } else if opens_celery_banner(line) {
            Opening::CeleryBanner
        } else if severity::is_rust_panic(line) {
            Opening::RustPanic
        } else if is_mediawiki_exception(line) {
            Opening::MediaWikiException
        } else if text::is_w3c_directive(line) {
            Opening::W3cDirectives
        } else if line.starts_with("\u{250c} ") {
            Opening::JuliaBox
        } else if line.starts_with("[**] [") {
            Opening::SnortAlert
        } else if severity::is_modsecurity_boundary(line) {
            Opening::ModSecurityAudit
        } else if text::is_lambda_platform_line(line) {
            Opening::LambdaPlatform
        } else {
            Opening::Plain
        }
    }

    /// What the record opens once `line` has joined it as its line number `lines` (blank
    /// lines counted): a sanitizer's report among its first three lines, PowerShell's
    /// `At line:` second.
    fn after(self, first: &str, lines: usize, line: &str) -> Opening {
        match self {
            Opening::Plain | Opening::EqualsRule
                if lines <= 3 && first.starts_with(['=', 'A', 'W']) && is_sanitizer_line(line) =>
            {
                Opening::SanitizerReport
            }
            Opening::Plain if lines == 2 && is_powershell_position(line) => {
                Opening::PowerShellError
            }
            other => other,
        }
    }
}

/// A record opened by a kernel report goes on over the report's lines until it closes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum KernelReport {
    /// Not a kernel report, or one that has closed.
    No,
    /// The `cut here` rule of a warning: the kernel's next line is the warning's.
    CutHere,
    /// An oops, `BUG:`, warning, hung task or stall: its context, registers and trace.
    Open,
    /// An OOM kill: every kernel line up to the one naming the process killed.
    Oom,
}

impl KernelReport {
    /// What a record's first line opens.
    fn opened_by(line: &str) -> KernelReport {
        match kernel::message(line) {
            Some(m) if m.trim() == kernel::CUT_HERE => KernelReport::CutHere,
            Some(m) if m.contains(" invoked oom-killer: ") => KernelReport::Oom,
            Some(m) if kernel::opens_report(m) => KernelReport::Open,
            _ => KernelReport::No,
        }
    }

    /// The report goes on over this kernel message.
    fn continues(self, message: &str) -> bool {
        match self {
            KernelReport::No => false,
            KernelReport::CutHere | KernelReport::Oom => true,
            KernelReport::Open => kernel::continues_report(message),
        }
    }

    /// Where the report is once this kernel message has joined it.
    fn after(self, message: &str) -> KernelReport {
        match self {
            KernelReport::CutHere => KernelReport::Open,
            KernelReport::Open if kernel::ends_report(message) => KernelReport::No,
            KernelReport::Oom if kernel::ends_oom_report(message) => KernelReport::No,
            other => other,
        }
    }
}

/// The longest kernel report taken as one record (an OOM kill's task table is one line per
/// process).
const MAX_KERNEL_REPORT_LINES: usize = 600;

impl Building {
    /// The record's first line.
    fn first_line(&self) -> &str {
        &self.text[..self.first_end]
    }

    /// The record's last line.
    fn last_line(&self) -> &str {
        if self.dropped > 0 {
            return &self.dropped_last;
        }
        self.text.rsplit('\n').next().unwrap_or("")
    }

    /// The record's first line has a timestamp.
    fn dated(&self) -> bool {
        if let Some(d) = self.dated.get() {
            return d;
        }
        let d = self.header && read_header(self.first_line()).has_timestamp;
        self.dated.set(Some(d));
        d
    }
}

/// A dated input has at least one dated line in this many lines that could start a record
/// (chosen on the annotated real logs: 16 scores best on all 15 sets, 0.975 boundary F1,
/// and 0.963 when each set is scored with the share chosen on the other 14; no share
/// scores 0.973).
const DATED_SHARE: usize = 16;

/// Joins physical lines of a text input into records.
pub struct Joiner {
    /// The input has headers: a line without one continues the record before it.
    headers: bool,
    /// The headers are timestamps: only a dated record's message goes on over plain lines
    /// (a banner's undated `*** WARNING: ... ***` is a line of its own).
    dated_input: bool,
    /// The whitespace field that holds the level of the input's records, if it has one.
    level_column: Option<usize>,
    /// Every line opens with the number of its record (npm's debug log: `7 silly cache add
    /// parsed spec Result {` and the object's lines after it, each under the same `7`).
    numbered: bool,
    /// Most dated lines of the sample are indented as a whole (Consul's agent): those start
    /// records.
    indented_headers: bool,
    current: Option<Building>,
    /// A record with a header has started: plain lines before it are not a message's.
    dated_record_seen: bool,
    /// Blank lines seen after the current record, not yet known to belong to it.
    blanks: usize,
    /// A relayed trace (see [`relays_trace`]) that another program's lines interrupted
    /// (journald interleaves the processes it captures): its next relayed lines still join
    /// it, and the records finished meanwhile wait in `held` so that records leave in the
    /// order they started.
    parked: Option<Building>,
    /// Lines seen since the record was parked.
    parked_for: usize,
    held: Vec<Record>,
    /// Records finished and not yet handed out, in order.
    ready: VecDeque<Record>,
    /// Bracketed tags that open many undated lines of the sample (gin's `[GIN]` and
    /// `[GIN-debug]`): a component's own lines, each a record, not a message's next line.
    tags: Vec<String>,
}

impl Joiner {
    /// `sample` is the start of the input, used to decide whether it has headers.
    pub fn new(sample: &str) -> Joiner {
        Joiner::with_level_column(sample, None)
    }

    /// As [`Joiner::new`], for an input whose records write their level in a fixed
    /// whitespace field (see [`super::level_column`]): a line with a level there opens a
    /// record, as a header does.
    pub fn with_level_column(sample: &str, level_column: Option<usize>) -> Joiner {
        // A level as a line's first word is a header the header rules read, or prose (a
        // script's `  ERROR: API call failed` among its prints): not a column's.
        let level_column = level_column.filter(|&c| c > 0);
        let mut candidates = 0usize;
        let mut with_header = 0usize;
        let mut dated = 0usize;
        let mut indented = 0usize;
        let mut tags: Vec<(&str, usize)> = Vec::new();
        for line in sample.lines().take(200) {
            let kind = classify_with_column(line, level_column);
            if kind == Kind::Other
                && let Some(tag) = bracket_tag(line)
            {
                match tags.iter_mut().find(|(t, _)| *t == tag) {
                    Some((_, n)) => *n += 1,
                    None => tags.push((tag, 1)),
                }
            }
            match kind {
                Kind::Header => {
                    candidates += 1;
                    with_header += 1;
                    let has_time = read_header(line).has_timestamp;
                    dated += usize::from(has_time);
                    indented += usize::from(has_time && line.starts_with([' ', '\t']));
                }
                Kind::Other | Kind::Exception | Kind::TraceStart => candidates += 1,
                _ => {}
            }
        }
        // A logger dates its records: two dated lines make a pattern even when the records
        // between them are long (an IBM MQ message block), as long as they are one line in
        // sixteen (a build log dated at its start and end is not). Lines marked only by a
        // level word need to be a quarter of the sample: a stray `WARNING:` among plain
        // lines does not make every line after it a continuation.
        let dated_input = dated >= 2 && dated * DATED_SHARE >= candidates;
        let headers = dated_input
            || (with_header >= 2 && with_header * 4 >= candidates)
            || (with_header == 1 && candidates == 1);
        Joiner {
            headers,
            dated_input,
            level_column,
            numbered: numbered_records(sample),
            indented_headers: indented > 0 && indented * 2 >= dated,
            current: None,
            dated_record_seen: false,
            blanks: 0,
            parked: None,
            parked_for: 0,
            held: Vec::new(),
            ready: VecDeque::new(),
            tags: tags
                .into_iter()
                .filter(|(_, n)| *n >= TAG_LINES)
                .map(|(t, _)| t.to_string())
                .collect(),
        }
    }

    /// The line opens with one of the sample's recurring tags.
    fn tagged(&self, line: &str) -> bool {
        !self.tags.is_empty() && bracket_tag(line).is_some_and(|t| self.tags.iter().any(|x| x == t))
    }

    /// Feeds one line; returns a finished record, if one is ready (records come out in the
    /// order they started: one per call, the rest on later calls and from [`Self::finish`]).
    pub fn push(&mut self, line_no: u64, line: &str) -> Option<Record> {
        let mut kind = classify_with_column(line, self.level_column);
        if kind == Kind::Blank {
            if self.current.is_some() {
                self.blanks += 1;
            }
            return None;
        }
        // An indented dated line starts a record only where the input writes its records
        // so (decided from the sample); elsewhere it is part of a message.
        if kind == Kind::Header
            && !self.indented_headers
            && line.starts_with([' ', '\t'])
            && !severity::opens_indented(line)
        {
            kind = Kind::Continuation;
        }
        if let Some(p) = self.parked.as_mut() {
            if kind == Kind::Header && relays_trace(p, line) {
                p.keep(0, line);
                p.lines += 1;
                self.parked_for = 0;
                return self.ready.pop_front();
            }
            self.parked_for += 1;
            if self.parked_for > MAX_PARKED_LINES || same_program(p, line) {
                self.release_parked();
            }
        }
        let mut relayed = false;
        let joins = match &self.current {
            Some(r) if self.numbered && record_number(line).is_some() => {
                record_number(line) == record_number(&r.text)
            }
            Some(r) => {
                relayed = kind == Kind::Header
                    && r.relayed
                    && (self.blanks == 0 || r.lines > 1)
                    && relays_trace(r, line);
                relayed || self.continues(r, kind, line)
            }
            None => false,
        };
        if joins {
            let blanks = std::mem::take(&mut self.blanks);
            let r = self.current.as_mut().expect("checked");
            r.relayed &= relayed;
            r.keep(blanks, line);
            r.lines += 1 + blanks;
            r.trace = next_trace(r.trace, kind, line);
            if r.kernel != KernelReport::No
                && let Some(m) = kernel::message(line)
            {
                r.kernel = r.kernel.after(m);
            }
            r.last = kind;
            r.introduces = introduces(line);
            r.opening = r.opening.after(&r.text[..r.first_end], r.lines, line);
            return self.ready.pop_front();
        }
        self.blanks = 0;
        if !self.dated_record_seen && kind == Kind::Header {
            self.dated_record_seen = !self.dated_input || read_header(line).has_timestamp;
        }
        let next = Building {
            line: line_no,
            text: line.to_string(),
            first_end: line.len(),
            header: kind == Kind::Header,
            lines: 1,
            indent: indentation(line),
            trace: next_trace(Trace::None, kind, line),
            first: kind,
            last: kind,
            introduces: introduces(line),
            relayed: true,
            rule: text::rule_run(line).map_or(0, str::len),
            dated: std::cell::Cell::new(None),
            dropped: 0,
            dropped_last: String::new(),
            kernel: KernelReport::opened_by(line),
            opening: Opening::opened_by(line),
        };
        if let Some(done) = self.current.replace(next) {
            // Another program's line interrupts a relayed trace: park it.
            if self.headers
                && self.parked.is_none()
                && done.relayed
                && done.lines > 1
                && program_of(done.first_line()).is_some()
                && !same_program(&done, line)
            {
                self.parked = Some(done);
                self.parked_for = 0;
            } else {
                self.done(finish(done));
            }
        }
        self.ready.pop_front()
    }

    /// The records left once the input has ended, one per call, in order; `None` when all
    /// are out.
    pub fn finish(&mut self) -> Option<Record> {
        self.blanks = 0;
        if let Some(r) = self.current.take() {
            self.done(finish(r));
        }
        self.release_parked();
        self.ready.pop_front()
    }

    /// A finished record: handed out, or held while a parked one may still grow.
    fn done(&mut self, r: Record) {
        if self.parked.is_some() {
            self.held.push(r);
            if self.held.len() >= MAX_HELD_RECORDS {
                self.release_parked();
            }
        } else {
            self.ready.push_back(r);
        }
    }

    fn release_parked(&mut self) {
        if let Some(p) = self.parked.take() {
            self.ready.push_back(finish(p));
            self.ready.extend(self.held.drain(..));
        }
    }

    fn continues(&self, r: &Building, kind: Kind, line: &str) -> bool {
        let after_blank = self.blanks > 0;
        if !after_blank && in_box(r, line) {
            return true;
        }
        if !after_blank && continues_header_list(r, line) {
            return true;
        }
        match r.opening {
            Opening::JuliaBox => return julia_box(r, line) && !after_blank,
            // Snort's full alert goes on over its lines up to a blank one.
            Opening::SnortAlert => return !after_blank,
            // ModSecurity's serial audit log: a transaction from its `--id-A--` boundary to
            // its `--id-Z--`, blank lines and all.
            Opening::ModSecurityAudit => {
                let last = r.last_line().trim_end();
                return !(r.lines > 1
                    && severity::is_modsecurity_boundary(last)
                    && last.as_bytes()[11] == b'Z');
            }
            // Lambda's own lines are whole, but for the X-Ray line of a traced invocation's
            // `REPORT`; what follows `START` is the function's output.
            Opening::LambdaPlatform => {
                return r.lines == 1
                    && !after_blank
                    && r.first_line().starts_with("REPORT ")
                    && line.starts_with("XRAY TraceId: ");
            }
            _ => {}
        }
        // A block of W3C log directives (IIS's `#Software:` ... `#Fields:`) is one record.
        if text::is_w3c_directive(line) {
            return !after_blank && r.opening == Opening::W3cDirectives;
        }
        if in_gradle_report(r, line) {
            return true;
        }
        if in_sanitizer_report(r, line) {
            return true;
        }
        if in_node_crash(r, line) {
            return true;
        }
        if let Some(continues) = celery_banner(r, line) {
            return continues;
        }
        if !after_blank && in_powershell_error(r, line) {
            return true;
        }
        if !after_blank && continues_rust_panic(r, line) {
            return true;
        }
        // BuildKit's plain progress output: each step's lines carry the step's number.
        if let Some(step) = buildkit_step(line) {
            match buildkit_step(r.first_line()) {
                Some(open) => return open == step,
                None if line[step.len() + 2..].starts_with('[') => return false,
                None => {}
            }
        }
        if !after_blank && continues_kernel_report(r, line) {
            return true;
        }
        // A structured logger's record among text lines (a proxy's JSON access log beside
        // its text log, a library that logs JSON in a text program's output).
        if kind == Kind::Other && r.trace == Trace::None && is_json_log_line(line) {
            return false;
        }
        // A server's access line for a request is whole: the undated lines after it are
        // another writer's (SAM CLI's own lines among its API server's dated requests).
        if kind == Kind::Other
            && r.lines == 1
            && r.header
            && read_header(&r.text).level.is_none()
            && severity::is_access_line(&r.text)
        {
            return false;
        }
        // Lambda's own lines open records of their own wherever they come.
        if text::is_lambda_platform_line(line) {
            return false;
        }
        match kind {
            Kind::Blank => unreachable!("blank lines are held back"),
            // PostgreSQL's report goes on over lines of their own header: `DETAIL:`,
            // `HINT:`, `STATEMENT:` ... after the `ERROR:` line are fields of that report.
            Kind::Header if !after_blank && continues_postgres_report(r, line) => true,
            // Node's `Error: boom` under the source excerpt's caret, a Python traceback's
            // exception line (`Error: boom` reads as a label): no time, so not a header.
            // Next.js's ` ⨯ Failed to generate static paths for /x:` over the error.
            Kind::Header
                if (r.introduces
                    || r.trace == Trace::Python
                    || (r.lines == 1 && announces(r) && stack::is_exception_line(line)))
                    && !read_header(line).has_timestamp =>
            {
                true
            }
            // A time alone on the line after an undated line dates it (Hugo's `Change
            // detected, rebuilding site (#1).` then `2026-02-23 13:19:46.304 -0500`).
            Kind::Header
                if !after_blank && r.lines == 1 && text::is_time_alone(line) && !r.dated() =>
            {
                true
            }
            // java.util.logging: `SEVERE: message` on the line after the timestamp line.
            Kind::Header => {
                r.lines == 1
                    && r.header
                    && !after_blank
                    && severity::prefix_level(line).is_some()
                    && !read_header(line).has_timestamp
                    && {
                        let first = read_header(&r.text);
                        first.has_timestamp
                            && first.level.is_none()
                            && names_a_source(r.text.get(first.message_start..).unwrap_or(""))
                    }
            }
            Kind::Continuation => {
                // In a Go dump, only a new goroutine follows a blank line.
                if after_blank && r.trace == Trace::Go && !self.headers {
                    return false;
                }
                // Without headers, a line indented no deeper than the record's first line
                // is its sibling, not part of it (` * Running on ...` after ` * Debug ...`).
                // A bullet is an item of its own also after a record that has no header, or
                // no date in a dated input, unless the record announced a list (werkzeug's
                // ` * Running on ...` among its dated request lines or a script's `mkdir:`
                // errors; Skaffold's `Checking cache...` over ` - app: Found Locally`).
                let indent = indentation(line);
                if r.trace == Trace::None
                    && is_bullet(line)
                    && (!self.headers || !r.header || (self.dated_input && !r.dated()))
                    && !announces_list(r)
                {
                    return false;
                }
                self.headers || r.trace != Trace::None || indent == 0 || indent > r.indent
            }
            Kind::Chain => matches!(r.trace, Trace::PythonDone | Trace::Python) || self.headers,
            Kind::Traceback => {
                if r.trace == Trace::PythonDone && r.last == Kind::Chain {
                    return true;
                }
                // `logger.exception(...)`: the traceback follows the record's header line
                // (and the lines of its message) directly; so does `exc_info=True` at any
                // level (botocore logs its retries' tracebacks at DEBUG).
                // A line without a header takes the traceback when it announces a failure
                // (Django's `Invalid HTTP_HOST header: ...` with its traceback under
                // runserver's bare `%(message)s`), not after `Starting worker`.
                !after_blank
                    && r.trace == Trace::None
                    && if r.header {
                        takes_trace(r, line)
                    } else {
                        r.lines == 1 && {
                            // A shell's report of a failed command is whole on its line.
                            let first = r.first_line().trim_end();
                            (first.ends_with(':') || speaks_of_failure(first))
                                && !severity::is_shell_error(first)
                        }
                    }
            }
            Kind::Goroutine => {
                r.trace == Trace::Go || r.text.contains("panic") || r.text.contains("SIGQUIT")
            }
            Kind::TraceStart => false,
            // An exception's line after a finished Java, Node or Ruby trace (its frames, `... N
            // more`) is another trace: a cause would say `Caused by:`.
            Kind::Exception if !r.introduces && ends_with_frame(r) => false,
            Kind::Exception => match r.trace {
                Trace::Python => true,
                Trace::PythonDone => false,
                Trace::Go => !after_blank,
                // With headers, a line without one continues, blank lines or not (SLF4J's
                // `log.debug("...", e)` prints the throwable under a DEBUG header).
                Trace::None => {
                    (self.headers || r.introduces || (!after_blank && (r.lines > 1 || r.header)))
                        && (r.introduces || takes_trace(r, line))
                }
            },
            Kind::Other if r.trace == Trace::PythonDone && closes_logging_error(r, line) => true,
            // The line a record's last line announced (see [`introduces`]).
            Kind::Other if r.introduces && !after_blank => true,
            // Rails' logger writes a backtrace's frames unindented under the exception's
            // line (`ActionController::RoutingError (No route matches [GET] "/x")`).
            Kind::Other
                if !after_blank
                    && severity::is_ruby_frame(line)
                    && (severity::is_ruby_frame(r.last_line())
                        || (r.lines == 1 && severity::is_rails_exception_line(r.first_line()))) =>
            {
                true
            }
            // Django's request logger writes one line per failed response (`Not Found:
            // /favicon.ico`), a record of its own among a server's request lines.
            Kind::Other
                if line.as_bytes().first().is_some_and(u8::is_ascii_uppercase)
                    && severity::django_response(line).is_some() =>
            {
                false
            }
            // The lines of a MediaWiki exception's message (a DBQueryError's `Function:`
            // and `Query:`), before the blank line over its `#0` frames.
            Kind::Other
                if !after_blank
                    && r.last != Kind::Continuation
                    && r.opening == Opening::MediaWikiException =>
            {
                true
            }
            // Node's MODULE_NOT_FOUND lists the modules that required the missing one, a
            // `- /app/x.js` line each, under `Require stack:`.
            Kind::Other
                if !after_blank
                    && line.starts_with("- ")
                    && (r.last_line() == "Require stack:"
                        || (r.last_line().starts_with("- ")
                            && r.text.contains("\nRequire stack:\n"))) =>
            {
                true
            }
            Kind::Other if indented_under_prefix(r, line) => true,
            // Unity's log: a message's managed stack, then after a blank line the place it
            // was logged from, `(Filename: Assets/X.cs Line: 125)` or `[Assets/X.cs line 16]`.
            Kind::Other if !after_blank && is_unity_frame(line) => true,
            Kind::Other if is_unity_trailer(line) && is_unity_frame(r.last_line()) => true,
            // The rows of a text table drawn line by line go on with its first border
            // (cloud-init's `ci-info: | Device |  Up  |`); a title bar (`ci-info:
            // +++++Route IPv4 info+++++`) opens the next table.
            Kind::Other
                if !after_blank
                    && table_row(line).is_some_and(|(prefix, title)| {
                        !title && table_row(r.last_line()).is_some_and(|(p, _)| p == prefix)
                    }) =>
            {
                true
            }
            // A compiler's source excerpt under its diagnostic: `86 | instance Asset Loan
            // where` (GHC, rustc).
            Kind::Other if is_gutter(line) && is_diagnostic(r) => true,
            // The next line in a frame of stars: `* WARNING: x` then `* more of it` (adb's
            // one-line `* daemon started successfully *` have no level).
            Kind::Other
                if line.starts_with("* ")
                    && r.text.starts_with("* ")
                    && severity::prefix_level(r.first_line()).is_some() =>
            {
                true
            }
            Kind::Other => match r.trace {
                Trace::Python => true,
                Trace::PythonDone => false,
                Trace::Go => !after_blank,
                // A dated input's plain lines continue a dated record's message; before the
                // first one (a start script's output, a banner), and after a line that had
                // no header either, each is a record of its own.
                // A recurring tag opens a record, unless the record's last line announced
                // what follows (`Health report:` over `[OK] db` lines).
                Trace::None => {
                    self.headers
                        && !dotnet_console_header(r.first_line())
                        && self.dated_record_seen
                        && (!self.dated_input || r.dated() || opens_trace(r.first))
                        && (!self.tagged(line) || announces(r))
                        && !another_writers_line(r, line)
                        && !same_programs_next_diagnostic(r, line)
                        && !(is_sentence(line) && ends_with_frame(r))
                }
            },
        }
    }
}

/// A whole JSON object on one line that carries a log record's field: a time, a level or a
/// message under one of the names structured loggers give them.
fn is_json_log_line(line: &str) -> bool {
    const KEYS: [&[u8]; 9] = [
        b"\"level\":",
        b"\"time\":",
        b"\"ts\":",
        b"\"msg\":",
        b"\"message\":",
        b"\"@timestamp\":",
        b"\"timestamp\":",
        b"\"severity\":",
        b"\"lvl\":",
    ];
    let b = line.trim_end().as_bytes();
    b.starts_with(b"{\"")
        && b.ends_with(b"}")
        && KEYS.iter().any(|k| memchr::memmem::find(b, k).is_some())
}

/// The lines Python's `logging.Handler.handleError` prints after the traceback of a
/// handler that failed: `Logged from file web.py, line 1524` (Python 2), and under
/// `--- Logging error ---` the `Call stack:` (its frames are indented), `Message: ...` and
/// `Arguments: ...` (Python 3).
fn closes_logging_error(r: &Building, line: &str) -> bool {
    line.starts_with("Logged from file ")
        || (r.first_line().trim_end() == "--- Logging error ---"
            && (line.trim_end() == "Call stack:"
                || line.starts_with("Message: ")
                || line.starts_with("Arguments: ")))
}

/// The line is the kernel's next line of the report the record holds (see
/// [`KernelReport::continues`]).
fn continues_kernel_report(r: &Building, line: &str) -> bool {
    r.kernel != KernelReport::No
        && r.lines < MAX_KERNEL_REPORT_LINES
        && kernel::message(line).is_some_and(|m| r.kernel.continues(m))
}

/// A line of PostgreSQL's error report after its first, for the record it continues: the
/// field's name after the log line prefix, with the two spaces PostgreSQL writes after it,
/// and the same session in the prefix (the token before the field and before the report's
/// level, `[18072]` with `%p`): another backend's report may have come in between.
fn continues_postgres_report(r: &Building, line: &str) -> bool {
    let Some(field) = postgres_field_at(line) else {
        return false;
    };
    let first = r.first_line();
    let head = &first.as_bytes()[..first.len().min(160)];
    let Some(colon) = memchr::memmem::find(head, b":  ") else {
        return false;
    };
    // Both cut at ASCII bytes the searches found: char boundaries.
    let before_level = first[..colon].rsplit_once(' ').map_or("", |(p, _)| p);
    let session = |prefix: &str| {
        prefix
            .trim_end()
            .rsplit(' ')
            .next()
            .unwrap_or("")
            .to_owned()
    };
    session(before_level) == session(&line[..field])
}

/// Where a PostgreSQL report field's name (` DETAIL:  `, ` STATEMENT:  ` ...) starts: the
/// word before the first colon and the two spaces PostgreSQL writes after a field's name.
fn postgres_field_at(line: &str) -> Option<usize> {
    let head = &line.as_bytes()[..line.len().min(160)];
    let at = memchr::memmem::find(head, b":  ")?;
    // `at` and the space are ASCII bytes: char boundaries. Without a log_line_prefix the
    // field's name opens the line.
    let name_start = memchr::memrchr(b' ', &head[..at]).map_or(0, |space| space + 1);
    severity::is_postgres_detail(&line[name_start..at]).then_some(name_start.saturating_sub(1))
}

/// The record's last line is a stack frame of a Java, Node or Ruby trace.
fn ends_with_frame(r: &Building) -> bool {
    let last = r.last_line().trim_start();
    r.lines > 1
        && ((last.starts_with("at ") && last.ends_with([')', ']']))
            || (last.starts_with("... ") && last.ends_with(" more"))
            || severity::is_ruby_frame_line(r.last_line()))
}

/// A multi-line message that a logger prefixes line by line with its name, indenting the
/// lines after the first under it (the Java Service Wrapper's `WrapperManager: WARNING -
/// ...` then `WrapperManager:           while ...`, and `WrapperManager: ` alone between
/// paragraphs): the line repeats the record's first line up to a `: ` and goes on indented,
/// or stops there.
fn indented_under_prefix(r: &Building, line: &str) -> bool {
    // A logger's name is short: only the first bytes are looked at (a long record must
    // not make every line joined to it cost its length).
    let head = &r.text.as_bytes()[..r.text.len().min(128)];
    let end = memchr::memchr(b'\n', head).unwrap_or(head.len());
    let Some(colon) = memchr::memmem::find(&head[..end], b": ") else {
        return false;
    };
    // `colon` is at an ASCII `: `: a char boundary.
    let prefix = &r.text[..colon + 2];
    colon > 0
        && head.get(colon + 2) != Some(&b' ')
        && line
            .strip_prefix(prefix)
            .is_some_and(|rest| rest.trim().is_empty() || rest.starts_with("  "))
}

/// java.util.logging's first line names where the record was logged after the time: the
/// class and the method (`winstone.Logger logInternal`), not a sentence (MySQL's
/// `161209 14:18:53 InnoDB: 5.5.53 started; ...` is a record of its own).
fn names_a_source(rest: &str) -> bool {
    let first_line = rest.split('\n').next().unwrap_or("");
    let mut tokens = 0;
    for token in first_line.split_whitespace() {
        tokens += 1;
        if tokens > 2 || token.ends_with(':') {
            return false;
        }
    }
    tokens > 0
}

/// A program that relays another's output prefixes every line of it with the same header
/// (Terraform's `<time> [DEBUG] plugin: terraform: ` before each line of a plugin's Go
/// panic): a line that repeats the record's first line up to where a trace opened there,
/// and goes on with something that is not a record of its own, is that trace's next line.
/// Lines are compared byte by byte first: most share no such prefix.
fn relays_trace(r: &Building, line: &str) -> bool {
    let first = r.first_line();
    let common = first
        .bytes()
        .zip(line.bytes())
        .take_while(|(a, b)| a == b)
        .count();
    // At least a header's worth: a time and a level.
    if common < 16 {
        return false;
    }
    let shared = &first.as_bytes()[..common];
    let mut from = 0;
    for _ in 0..4 {
        // The header ends at a colon or a bracket, then a space (vLLM's `INFO 08-14
        // 19:24:47 [core.py:708] `).
        let Some(i) = memchr::memchr2_iter(b':', b']', &shared[from..])
            .find(|&i| shared.get(from + i + 1) == Some(&b' '))
        else {
            return false;
        };
        let at = from + i + 2;
        let (Some(inner), Some(next)) = (first.get(at..), line.get(at..)) else {
            return false;
        };
        // klog's `F` (Fatal) writes every goroutine's stack after its line.
        let klog_fatal = inner.starts_with('F') && severity::is_glog(inner.as_bytes());
        let opens_trace = severity::opens(inner) != Opens::No
            || inner.starts_with("Traceback (most recent call last)")
            || stack::is_exception_line(inner)
            || (klog_fatal && (r.lines > 1 || classify(next) == Kind::Goroutine));
        if opens_trace {
            // Every line of a relayed record carries the prefix (the caller keeps count:
            // a record whose trace came unprefixed is not relayed), and what follows it
            // is a trace's next line: a frame, an indented line, a blank, a goroutine, a
            // chain, or a Go frame `pkg.f(...)` in a Go dump. A line repeating the header
            // with other words is a record of its own.
            let go = severity::opens(inner) == Opens::GoDump || klog_fatal;
            let python = inner.starts_with("Traceback (most recent call last)");
            return match classify(next) {
                Kind::Blank | Kind::Continuation | Kind::Goroutine | Kind::Chain => true,
                Kind::Other => go && (next.trim_end().ends_with(')') || is_go_file_line(next)),
                Kind::Exception => python && r.lines > 1,
                _ => false,
            };
        }
        // Android's crash report (RuntimeInit): `FATAL EXCEPTION: main`, `Process: pkg,
        // PID: n`, then the throwable, every line under AndroidRuntime's prefix.
        if inner.starts_with("FATAL EXCEPTION: ") {
            return match classify(next) {
                Kind::Continuation | Kind::Exception => true,
                _ => r.lines == 1 && next.starts_with("Process: "),
            };
        }
        // A Ruby backtrace logged as one message (Sidekiq's `WARN: app/x.rb:70:in 'm'`),
        // its next frames under the relay's prefix only.
        if severity::is_ruby_frame(next) && r.last_line().rsplit(": ").any(severity::is_ruby_frame)
        {
            return true;
        }
        // A message logged with a throwable, each line of it under the message's prefix
        // (logcat's `Log.e(tag, msg, e)`): the exception's line right after the message,
        // then its frames and causes. Python's the same (vLLM's formatter repeats the
        // prefix on each line of `logger.exception(msg)`): the traceback right after the
        // message, then its frames, its exception and the exceptions chained to it.
        let next_kind = classify(next);
        // The relayed second line, past the prefix: what the record's trace opened with.
        let second = || r.text.split('\n').nth(1).and_then(|l| l.get(at..));
        let python =
            || second().is_some_and(|l| l.starts_with("Traceback (most recent call last)"));
        let thrown = || second().is_some_and(stack::is_exception_line);
        if r.lines == 1 && matches!(next_kind, Kind::Traceback | Kind::Exception)
            || r.lines > 1
                && (python()
                    && matches!(
                        next_kind,
                        Kind::Continuation | Kind::Exception | Kind::Chain | Kind::Traceback
                    )
                    || next_kind == Kind::Continuation && thrown())
        {
            return true;
        }
        // PHP's trace of a failure, each line under the message's prefix (Matomo's
        // LineMessageFormatter): `Stack trace:`, then the `#N` frames.
        if (next.starts_with("Stack trace:")
            || (next.starts_with('#') && next.as_bytes().get(1).is_some_and(u8::is_ascii_digit)))
            && speaks_of_failure(inner)
        {
            return true;
        }
        // A value dumped over lines under the message's prefix (PHP's `var_export`, a
        // pretty-printed array or object): from the line that opens it to the one that
        // closes it, each line after the prefix a dump's (a key, a quoted value, a bracket).
        if inner.trim_end().ends_with(['(', '[', '{'])
            && r.lines < MAX_DUMP_LINES
            && next.starts_with(['\'', '"', '(', ')', '[', ']', '{', '}', ' ', '\t'])
        {
            let depth = r.text[r.first_end..].bytes().fold(1i64, |d, c| match c {
                b'(' | b'[' | b'{' => d + 1,
                b')' | b']' | b'}' => d - 1,
                _ => d,
            });
            if depth > 0 {
                return true;
            }
        }
        from = at;
    }
    false
}

/// How many lines a dump relayed under a prefix may take (see [`relays_trace`]): its
/// brackets are counted again for every line.
const MAX_DUMP_LINES: usize = 500;

/// Lines a parked trace waits for its next relayed line.
const MAX_PARKED_LINES: usize = 16;

/// Records finished while a trace is parked, at most: then it is let go.
const MAX_HELD_RECORDS: usize = 64;

/// The line comes from the program that wrote the record's first line: the same syslog
/// host and tag (`host kubelet[13745]: `).
fn same_program(r: &Building, line: &str) -> bool {
    let first = r.first_line();
    match (program_of(first), program_of(line)) {
        (Some(a), Some(b)) => a == b,
        _ => false,
    }
}

/// A syslog line's host and tag, from after its time to the `: ` that ends the tag.
fn program_of(line: &str) -> Option<&str> {
    let h = read_header(line);
    let ((hs, _), (_, pe)) = h.syslog?;
    line.get(hs..pe)
}

/// A Go source line of a dump whose tab a relay dropped: `/src/x/server.go:198 +0xe5`.
fn is_go_file_line(line: &str) -> bool {
    let t = line.trim_end();
    let t = match t.rsplit_once(" +0x") {
        Some((head, off)) if off.bytes().all(|c| c.is_ascii_hexdigit()) => head,
        _ => t,
    };
    t.rsplit_once(".go:").is_some_and(|(file, n)| {
        !file.contains(' ') && !n.is_empty() && n.bytes().all(|c| c.is_ascii_digit())
    })
}

/// The number a line opens with, followed by one of npm's level words: `12 verbose stack
/// ...`.
fn record_number(line: &str) -> Option<&str> {
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    let rest = line.get(digits + 1..)?;
    let word = rest.split(' ').next().unwrap_or("");
    (digits > 0
        && digits <= 7
        && line.as_bytes()[digits] == b' '
        && matches!(
            word,
            "silly" | "verbose" | "info" | "http" | "timing" | "notice" | "warn" | "error"
        ))
    .then(|| &line[..digits])
}

/// The sample's lines are numbered by record: nearly all open with a number that never
/// goes down, and some numbers repeat (one record over several lines). Timestamps or
/// process ids in first place do not have that shape: they are not followed by a
/// lower-case word, or they go down, or none repeats.
fn numbered_records(sample: &str) -> bool {
    let mut lines = 0usize;
    let mut numbered = 0usize;
    let mut repeats = 0usize;
    let mut last: Option<u64> = None;
    for line in sample.lines().take(200).filter(|l| !l.trim().is_empty()) {
        lines += 1;
        let Some(n) = record_number(line).and_then(|n| n.parse::<u64>().ok()) else {
            continue;
        };
        numbered += 1;
        match last {
            // npm numbers its records one by one.
            Some(prev) if n < prev || n > prev + 1 => return false,
            Some(prev) if n == prev => repeats += 1,
            _ => {}
        }
        last = Some(n);
    }
    lines >= 5 && numbered * 10 >= lines * 9 && repeats > 0
}

fn next_trace(t: Trace, kind: Kind, line: &str) -> Trace {
    match (t, kind) {
        (_, Kind::Traceback) => Trace::Python,
        (_, Kind::Goroutine) => Trace::Go,
        (_, Kind::TraceStart) if severity::opens(line) == Opens::GoDump => Trace::Go,
        (Trace::Python, Kind::Exception | Kind::Other | Kind::Header) if closes_python(line) => {
            Trace::PythonDone
        }
        (Trace::PythonDone, Kind::Chain) => Trace::PythonDone,
        (t, _) => t,
    }
}

/// A line inside the box the record opened with a rule (see [`text::rule_run`]): it opens
/// with the rule, and the box has not been closed by a bare rule yet.
fn in_box(r: &Building, line: &str) -> bool {
    if r.rule == 0 {
        return r.opening == Opening::TerraformBox && in_terraform_box(r, line);
    }
    let run = &r.text[..r.rule];
    let closed = r.lines > 1 && r.last_line().trim_end() == run;
    !closed && line.starts_with(run)
}

/// Julia's ConsoleLogger draws a record of several lines as a box: `┌ Warning: msg`, then
/// `│ key = value` lines, then `└ @ Module file:line`. Inside a record that opened so, a
/// line of the box goes on with it and any other line does not.
fn julia_box(r: &Building, line: &str) -> bool {
    let closed = r.lines > 1 && r.last_line().starts_with('\u{2514}');
    !closed && line.starts_with(['\u{2502}', '\u{2514}'])
}

/// The step number of a line of BuildKit's plain progress output (`docker build
/// --progress=plain`): `#5 [backend 2/4] RUN npm ci`, `#5 0.412 added 80 packages`, `#5 DONE
/// 1.2s`. A PHP stack frame has the same `#N ` start and a path or `{main}` after it.
fn buildkit_step(line: &str) -> Option<&str> {
    let rest = line.strip_prefix('#')?;
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    let after = rest.get(digits..)?.strip_prefix(' ')?;
    let php_frame = after.starts_with(['/', '{', '\\'])
        || after.starts_with("[internal function]")
        || after.as_bytes().get(1) == Some(&b':')
        || after.contains(".php(");
    (digits > 0 && !php_frame).then(|| &rest[..digits])
}

/// Celery's worker banner: its ASCII art beside `celery@host vX.Y`, the platform and time,
/// `[config]`, `[queues]` and, after a blank line, `[tasks]` with one `  . name` line per
/// task (celery/apps/worker.py). Its first line opens a record; its lines, blank ones
/// between them, are that record's until a line with a header. `None`: not the banner.
fn celery_banner(r: &Building, line: &str) -> Option<bool> {
    if opens_celery_banner(line) {
        return Some(false);
    }
    (r.opening == Opening::CeleryBanner).then(|| !starts_record(line))
}

/// The banner's first line: ` -------------- celery@host v4.4.7 (cliffs)`.
fn opens_celery_banner(line: &str) -> bool {
    line.starts_with([' ', '-']) && line.trim_start().starts_with("-------------- celery@")
}

/// Rust's panic report after its `thread 'x' panicked at ...` line (and the message line
/// that [`introduces`] joins): `stack backtrace:`, the numbered frames (`  12:
/// tokio::runtime::task::raw::poll`) with their `at src/x.rs:3:5` lines, and the `note: ...`
/// line under the frames (`note: Some details are omitted ...`), however the frames are
/// indented. (Without a backtrace, the hook's `note: run with RUST_BACKTRACE=1` line is read
/// as a line of its own, as annotators of earlier sets did.)
fn continues_rust_panic(r: &Building, line: &str) -> bool {
    if r.opening != Opening::RustPanic {
        return false;
    }
    let t = line.trim_start();
    let digits = t.bytes().take_while(u8::is_ascii_digit).count();
    t == "stack backtrace:"
        || (t.starts_with("note: ") && r.text.contains("\nstack backtrace:"))
        || t.starts_with("at ")
        || (digits > 0 && t[digits..].starts_with(": "))
}

/// PowerShell's view of an error record (a native command's stderr line shows so too):
/// `python : <the line>`, then `At line:1 char:61`, the command with `+ ` before it and a
/// `+ ~~~~` underline, and `    + CategoryInfo : ...`, `    + FullyQualifiedErrorId : ...`
/// (lines longer than the console wrap onto indented lines).
fn in_powershell_error(r: &Building, line: &str) -> bool {
    if r.lines == 1 {
        return is_powershell_position(line);
    }
    r.opening == Opening::PowerShellError
        && line.starts_with(['+', ' '])
        && !r.last_line().contains("+ FullyQualifiedErrorId ")
}

/// PowerShell's position line under an error record's message: `At line:1 char:61`.
fn is_powershell_position(line: &str) -> bool {
    line.starts_with("At line:") && line[8..].contains(" char:")
}

/// MediaWiki's line for an exception (MWExceptionHandler, as maintenance scripts print it and
/// its exception log records it): `[reqId] ` first in logs, then `Type from line N of
/// /path/File.php: message`.
fn is_mediawiki_exception(first: &str) -> bool {
    // Read for every record's first line: one searcher, built once.
    static FROM_LINE: OnceLock<memchr::memmem::Finder<'static>> = OnceLock::new();
    let finder = FROM_LINE.get_or_init(|| memchr::memmem::Finder::new(" from line "));
    let Some(at) = finder.find(first.as_bytes()) else {
        return false;
    };
    let (head, rest) = (&first[..at], &first[at + " from line ".len()..]);
    let kind = head.rsplit(' ').next().unwrap_or(head);
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    (kind.ends_with("Error") || kind.ends_with("Exception"))
        && digits > 0
        && rest[digits..].starts_with(" of ")
}

/// Node's report of an uncaught exception: the script and line where it was thrown
/// (`/app/index.js:1`), that line of source, a caret under it, a blank line, the error and
/// its stack, up to the blank line over `Node.js v18.16.0` (read as a line of its own, as
/// annotators of earlier sets did). A dated line ends it too.
fn in_node_crash(r: &Building, line: &str) -> bool {
    r.opening == Opening::NodeCrash
        && r.lines < 200
        && !line.starts_with("Node.js v")
        && !starts_record(line)
}

/// A line that is only a script's path and a line number: `/app/index.js:1`,
/// `file:///app/server.mjs:12`, `C:\app\x.ts:3`.
fn is_script_location(line: &str) -> bool {
    let line = line.trim_end();
    // Read for every record's first line: a last byte and a first space decide most.
    if !line.as_bytes().last().is_some_and(u8::is_ascii_digit) || line.contains(' ') {
        return false;
    }
    let Some((path, number)) = line.rsplit_once(':') else {
        return false;
    };
    let script = [".js", ".mjs", ".cjs", ".ts", ".mts", ".cts", ".jsx", ".tsx"]
        .iter()
        .any(|ext| path.ends_with(ext));
    script
        && !path.contains(' ')
        && !number.is_empty()
        && number.bytes().all(|c| c.is_ascii_digit())
}

/// A sanitizer's report (ASan, LSan, MSan, TSan): `AddressSanitizer:DEADLYSIGNAL` or a rule
/// of `=`, then `==PID==ERROR: AddressSanitizer: ...`, the stacks (`    #0 0x... in f
/// file.c:12`), blank lines between its sections, `SUMMARY: ...` and `==PID==ABORTING`, the
/// line that ends it. A dated line ends it too.
fn in_sanitizer_report(r: &Building, line: &str) -> bool {
    match r.opening {
        Opening::EqualsRule => r.lines == 1 && is_sanitizer_line(line),
        Opening::SanitizerReport => !r.last_line().ends_with("==ABORTING") && !starts_record(line),
        _ => false,
    }
}

/// A line of a sanitizer's own: `==50747==ERROR: AddressSanitizer: ...`,
/// `WARNING: ThreadSanitizer: ...`, `AddressSanitizer:DEADLYSIGNAL`.
fn is_sanitizer_line(line: &str) -> bool {
    (line.starts_with("==")
        || line.starts_with("WARNING: ")
        || line.starts_with("AddressSanitizer:"))
        && line.contains("Sanitizer")
}

/// Gradle's failure report: `FAILURE: Build failed with an exception.`, then its sections
/// (`* What went wrong:`, `* Where:`, `* Try:`, `* Exception is:`, `* Get more help at
/// ...`), blank lines between them, up to the `BUILD FAILED` line that follows it.
fn in_gradle_report(r: &Building, line: &str) -> bool {
    r.opening == Opening::GradleReport
        && !line.starts_with("BUILD FAILED")
        && !line.starts_with("FAILURE: ")
        && !starts_record(line)
}

/// A line inside the Terraform diagnostic box (see [`text::TERRAFORM_BOX`]) that the record
/// opened, not closed yet: a side line or the closing corner.
fn in_terraform_box(r: &Building, line: &str) -> bool {
    let (_, side, close) = text::TERRAFORM_BOX;
    !(r.lines > 1 && r.last_line().trim_end() == close)
        && (line.starts_with(side) || line.trim_end() == close)
}

/// A trace with no header of its own (a Python `Traceback`, a Java exception's line) after a
/// record: it is that record's (a logger call given the exception: `logger.exception`,
/// `log.debug(msg, e)`) unless the record was logged below warning and its message speaks of
/// no failure. A JVM's uncaught exception after `INFO: Server startup in 1342 ms`, or a
/// traceback after gunicorn's `[INFO] Worker exiting`, is another writer's error: joined, it
/// would be hidden under an info line.
fn takes_trace(r: &Building, trace_line: &str) -> bool {
    let mut lines = r.text.split('\n');
    let first = lines.next().unwrap_or("");
    let header = read_header(first);
    let (level, message, jul) = match header.level {
        Some(level) => (
            level,
            first.get(header.message_start..).unwrap_or(""),
            false,
        ),
        // java.util.logging: the level starts the record's second line.
        None => match lines
            .next()
            .and_then(|l| severity::prefix_level(l).map(|v| (v, l)))
        {
            Some(((level, at), second)) => (level, second.get(at..).unwrap_or(""), true),
            None => return true,
        },
    };
    let python = trace_line.starts_with("Traceback (most recent call last)");
    // A one-line warning that states no failure (torchrun's `W... Sending process 9868
    // closing signal SIGTERM`) does not introduce a Python traceback: the traceback is the
    // error the process printed next, which joined would read as a warning. (SLF4J's
    // `log.warn(msg, e)` prints the JVM's trace under any message: it stays.)
    if level == Level::Warning && python && r.lines == 1 {
        let message = message.trim_end();
        return message.is_empty() || leads_on(message) || speaks_of_failure(message);
    }
    if level >= Level::Warning || r.lines > 2 {
        return true;
    }
    // A server's access line for a request is whole: the trace after it is another
    // writer's (werkzeug's line, then Flask's bare `HTTPException` and its traceback).
    if severity::is_access_line(message) {
        return false;
    }
    // Where another writer is likely: JUL's two-line records share catalina.out with the
    // JVM's own stderr; a Python traceback after an INFO line (gunicorn's master). SLF4J's
    // `log.info(msg, e)` under a one-line header, and `exc_info=True` at DEBUG (botocore),
    // print their own trace there.
    if (python && level < Level::Info) || (!python && !jul) {
        return true;
    }
    let message = message.trim_end();
    if leads_on(message) {
        return true;
    }
    // The exception's own message repeated as the record's (`log.info(e.getMessage(), e)`).
    let thrown = trace_line.split_once(": ").map_or("", |(_, m)| m.trim());
    if thrown.len() >= 8 && message.contains(thrown) {
        return true;
    }
    speaks_of_failure(message)
}

/// A plain line that states a failure, or reads as a sentence of its own, right after a
/// one-line record logged below warning whose message is a whole statement (it neither
/// leads on nor speaks of a failure): another writer's line (CPython's `Could not find
/// platform independent libraries` from a child process among uvicorn's INFO lines,
/// Nautobot's startup notices among gunicorn's), as a trace there is in [`takes_trace`].
/// A logger's own message that goes on over a second sentence is cut in two by it; on the
/// annotated held-out sets such lines were another writer's more often.
///
/// After a record of any level, a failure reported in the shape of a program's own
/// diagnostic (`prog: message`, `func(args): message`, `zsh:1: message`, as the GNU coding
/// standards and C's `__func__` prefix write them) is another writer's too: a desktop
/// session's or a container's stderr interleaves many programs.
fn another_writers_line(r: &Building, line: &str) -> bool {
    if r.lines > 1 {
        return false;
    }
    let first = r.first_line();
    let header = read_header(first);
    // Not under a warning or an error: their detail lines (`reason: upstream returned
    // invalid payload`) are theirs.
    let below_warning = match header.level {
        Some(level) if level >= Level::Warning => return false,
        level => level.is_some(),
    };
    let message = first.get(header.message_start..).unwrap_or("").trim_end();
    if message.is_empty() || leads_on(message) {
        return false;
    }
    let diagnostic = diagnostic_program(line).is_some();
    // After a line with no level, only a program's own diagnostic is another writer's.
    if !below_warning && !diagnostic {
        return false;
    }
    let failure = severity::warning_in_words(line).is_some();
    (failure && diagnostic)
        || (below_warning && (failure || is_sentence(line)) && !speaks_of_failure(message))
}

/// A program's diagnostic after a record that opened with another of the same program's
/// (`conky: Invalid value ...` then `conky: desktop window (4a0) is root window`): such a
/// program writes one line per message, so each line is a record.
fn same_programs_next_diagnostic(r: &Building, line: &str) -> bool {
    diagnostic_program(line).is_some_and(|name| diagnostic_program(r.first_line()) == Some(name))
}

/// The program's name of a line in the shape of a program's diagnostic: a name (an identifier, `::` paths and
/// dots allowed), then optionally its arguments in parentheses or a line number, then `: `
/// and the message (`conky: Invalid value`, `glx_bind_pixmap(0x6072da): Failed to query`,
/// `zsh:1: command not found`). An all-capital name is a label of the record above
/// (PostgreSQL's `DETAIL:`), not a program.
fn diagnostic_program(line: &str) -> Option<&str> {
    const MAX_NAME: usize = 48;
    let b = line.as_bytes();
    if !b
        .first()
        .is_some_and(|c| c.is_ascii_alphabetic() || *c == b'_')
    {
        return None;
    }
    let mut i = 0;
    while i < b.len() && i <= MAX_NAME {
        match b[i] {
            c if c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'-') => i += 1,
            b':' if b.get(i + 1) == Some(&b':') => i += 2,
            _ => break,
        }
    }
    if i > MAX_NAME || !line[..i].bytes().any(|c| c.is_ascii_lowercase()) {
        return None;
    }
    let mut rest = &line[i..];
    if rest.starts_with('(') {
        match rest.find(')') {
            Some(close) => rest = &rest[close + 1..],
            None => return None,
        }
    }
    // A line number after the name: `zsh:1: ...`.
    if let Some(after) = rest.strip_prefix(':') {
        let digits = after.len() - after.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        if digits > 0 && after[digits..].starts_with(':') {
            rest = &after[digits..];
        }
    }
    rest.starts_with(": ").then(|| &line[..i])
}

/// A message whose end leads on to the lines after it: a colon, a comma, a dash, an open
/// bracket, `>>`, or a title's rule (`== Plasma store: ==`).
fn leads_on(message: &str) -> bool {
    // Ansible's `FAILED | rc=1 >>` over the command's output.
    message.ends_with(">>")
        || message.ends_with([
            ':', ';', ',', '-', '=', '*', '#', '~', '+', '|', '\\', '(', '[', '{',
        ])
}

/// A frame of the managed stack Unity prints under a log message: `Class:Method (params)`,
/// then ` (at path:line)` when the frame has a source, `UnityEngine.Debug:Log (object)`.
fn is_unity_frame(line: &str) -> bool {
    // A class's name opens it.
    if !line.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
        return false;
    }
    let Some((head, params)) = line.split_once(" (") else {
        return false;
    };
    let Some((class, method)) = head.split_once(':') else {
        return false;
    };
    let name = |s: &str| {
        !s.is_empty()
            && s.bytes().all(|c| {
                c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'<' | b'>' | b'`' | b'$')
            })
    };
    name(class)
        && name(method)
        && method.starts_with(|c: char| c.is_ascii_alphabetic() || matches!(c, '_' | '<' | '.'))
        && params.ends_with(')')
}

/// The line Unity writes under a message's stack, after a blank line: where it was logged.
fn is_unity_trailer(line: &str) -> bool {
    let t = line.trim_end();
    (t.starts_with("(Filename: ") && t.ends_with(')'))
        || (t.starts_with('[')
            && t.ends_with(']')
            && severity::ends_with_line_number(&t[..t.len() - 1]))
}

/// A line that reads as a sentence of its own: a capital letter, then words.
fn is_sentence(line: &str) -> bool {
    let b = line.as_bytes();
    b.first().is_some_and(u8::is_ascii_uppercase)
        && b.get(1).is_some_and(u8::is_ascii_lowercase)
        && line.split(' ').filter(|w| !w.is_empty()).nth(3).is_some()
}

/// Words with which a message announces the failure whose trace follows it.
fn speaks_of_failure(message: &str) -> bool {
    const WORDS: [&str; 25] = [
        "exception",
        "unavailable",
        "error",
        "fail",
        "unexpected",
        "unable",
        "cannot",
        "can't",
        "could not",
        "couldn't",
        "timed out",
        "timeout",
        "abort",
        "crash",
        "invalid",
        "denied",
        "refused",
        "problem",
        "ignor",
        "retry",
        "trace",
        "caught",
        "throw",
        "not ",
        "lost",
    ];
    let lower = message.to_lowercase();
    WORDS.iter().any(|w| lower.contains(w))
}

/// A list of HTTP header fields that a record prints under a line announcing them:
/// MediaWiki's debug log writes `Start request GET /wiki/X`, `HTTP HEADERS:` and one
/// `NAME: value` line per field in one call ($wgDebugPrintHttpHeaders); HTTP clients'
/// debug output prints `Request headers:` the same way. The announcing line and each field
/// after it (a field name is an RFC 9110 token: letters, digits, `-`) are the record's.
fn continues_header_list(r: &Building, line: &str) -> bool {
    if announces_headers(line) {
        return !read_header(line).has_timestamp;
    }
    if !is_header_field(line) {
        return false;
    }
    let last = r.last_line();
    announces_headers(last) || (is_header_field(last) && r.text.lines().any(announces_headers))
}

/// `HTTP HEADERS:`, `Request headers:`, `Response Headers:`: a short line naming headers.
fn announces_headers(line: &str) -> bool {
    if line.len() > 32 {
        return false;
    }
    let t = line.trim();
    t.len() <= 24
        && t.len() >= 8
        && t.as_bytes()[t.len() - 8..].eq_ignore_ascii_case(b"headers:")
        && t.split(' ').count() <= 2
}

/// An HTTP header field's line: `USER-AGENT: Mozilla/5.0 ...`, `dnt: 1`.
fn is_header_field(line: &str) -> bool {
    let b = line.as_bytes();
    if !b.first().is_some_and(u8::is_ascii_alphabetic) {
        return false;
    }
    let name = b
        .iter()
        .take(65)
        .take_while(|c| c.is_ascii_alphanumeric() || **c == b'-')
        .count();
    name >= 2 && b.get(name) == Some(&b':')
}

/// The record's first line ends announcing what follows: `Health report failed:`.
fn announces(r: &Building) -> bool {
    r.first_line().trim_end().ends_with(':')
}

/// The record's first line announces the list of items under it: it ends with a colon,
/// or with an ellipsis as a step in progress does (`Generating tags...`), and is not itself
/// an item.
fn announces_list(r: &Building) -> bool {
    let first = r.first_line().trim_end();
    (announces(r) || first.ends_with("...")) && !is_bullet(first)
}

/// The record opens with a compiler's diagnostic (`file:line:col: warning: ...`).
fn is_diagnostic(r: &Building) -> bool {
    severity::prefix_level(r.first_line()).is_some()
}

/// A numbered line of a source excerpt under a diagnostic: the line's number, ` | `, code.
fn is_gutter(line: &str) -> bool {
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    digits <= 6
        && line[digits..].starts_with(" |")
        && matches!(line.as_bytes().get(digits + 2), None | Some(b' '))
}

/// How many undated lines of the sample must open with the same tag for it to open records.
const TAG_LINES: usize = 3;

/// A tag in brackets opening a line, then a space: `[GIN-debug] GET /ping`, `[Worker(x)]`
/// is not one (a word, dashes, dots, colons only).
fn bracket_tag(line: &str) -> Option<&str> {
    let rest = line.strip_prefix('[')?;
    let end = rest.find(']')?;
    let tag = &rest[..end];
    let ok = (2..=40).contains(&tag.len())
        && tag.as_bytes()[0].is_ascii_alphabetic()
        && tag
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.' | b':'))
        && rest[end + 1..].starts_with(' ');
    ok.then_some(tag)
}

/// A row of a text table (`+------+-----+`, `| lo | True |`), after an optional prefix that
/// every row repeats: the prefix, and whether the row is a title bar (`+++ Title +++`).
fn table_row(line: &str) -> Option<(&str, bool)> {
    let line = line.trim_end();
    // The end first: most lines are not rows, and this needs no scan.
    if !line.ends_with(['+', '|']) {
        return None;
    }
    let start = line.find(['+', '|'])?;
    let (prefix, row) = line.split_at(start);
    let ok = start <= 40 && row.len() >= 3;
    ok.then(|| {
        let title = row.starts_with("++") && row.bytes().any(|b| b.is_ascii_alphabetic());
        (prefix, title)
    })
}

/// The first line of a record of .NET's console logger (`info: Microsoft.Hosting.Lifetime[14]`,
/// `fail: App.Worker[0]`): the logger indents every line of the message and exception after
/// it, so a line that is not indented is another writer's (`dotnet watch`'s own lines).
fn dotnet_console_header(first: &str) -> bool {
    let Some((level, category)) = first.split_once(": ") else {
        return false;
    };
    matches!(level, "trce" | "dbug" | "info" | "warn" | "fail" | "crit")
        && category.trim_end().ends_with(']')
        && !category.contains(' ')
}

/// A line of this kind starts a trace of its own (a Rust panic, `Exception in thread`).
fn opens_trace(kind: Kind) -> bool {
    matches!(
        kind,
        Kind::TraceStart | Kind::Exception | Kind::Traceback | Kind::Goroutine
    )
}

fn is_bullet(line: &str) -> bool {
    let t = line.trim_start();
    t.len() > 2 && matches!(t.as_bytes()[0], b'*' | b'-' | b'+') && t.as_bytes()[1] == b' '
}

fn indentation(line: &str) -> usize {
    line.len() - line.trim_start_matches([' ', '\t']).len()
}

fn introduces(line: &str) -> bool {
    let t = line.trim_end();
    let carets = t.trim_start();
    // V8 underlines the failing span with carets, one per character (`^^^^^`). Rust's
    // panic hook (1.73 and later) writes the message on the line after `thread 'main'
    // panicked at src/main.rs:3:5:`.
    t.ends_with("nested exception is:")
        || (!carets.is_empty() && carets.bytes().all(|c| c == b'^'))
        || (t.ends_with(':') && t.contains("panicked at "))
}

fn finish(r: Building) -> Record {
    let mut text = r.text;
    while text.ends_with(char::is_whitespace) {
        text.pop();
    }
    if r.dropped > 0 {
        text.push_str(&format!("\n…[{} more lines not kept]", r.dropped));
    }
    (r.line, text)
}

/// Lines one record keeps: a JVM prints at most 1,024 frames per trace by default
/// (`-XX:MaxJavaStackTraceDepth`), and a record has its causes' traces after its own.
pub const MAX_RECORD_LINES: usize = 10_000;
/// Bytes one record keeps. The lines past either cap are still read for the joining
/// rules (so the record ends where it would), counted, and dropped: memory stays flat in
/// the size of one event.
pub const MAX_RECORD_BYTES: usize = 4 << 20;

impl Building {
    /// Appends `blanks` blank lines and `line`, within the caps.
    fn keep(&mut self, blanks: usize, line: &str) {
        if self.dropped > 0
            || self.lines >= MAX_RECORD_LINES
            || self.text.len() + blanks + 1 + line.len() > MAX_RECORD_BYTES
        {
            self.dropped += 1 + blanks;
            self.dropped_last.clear();
            let mut end = line.len().min(64 << 10);
            while !line.is_char_boundary(end) {
                end -= 1;
            }
            self.dropped_last.push_str(&line[..end]);
            return;
        }
        for _ in 0..blanks {
            self.text.push('\n');
        }
        self.text.push('\n');
        self.text.push_str(line);
    }
}

/// Joins JSON records that span lines: a record starts at a line opening with `{` and ends
/// where its brackets close. A line outside any record is passed on alone (it is reported
/// malformed when it is not JSON). A record that never closes is cut at
/// [`MAX_JSON_RECORD_LINES`] lines.
#[derive(Default)]
pub struct JsonJoiner {
    current: Option<(u64, String, usize)>,
    /// The current record grew past the line cap: what is kept of it.
    shrinker: Option<JsonShrinker>,
    depth: i64,
    /// The last record given out was closed by its brackets (not cut short).
    closed_last: bool,
}

/// Lines one JSON record may span. Its bytes are bounded by the shrinker past the line
/// cap; the line count only ends a record that never closes (the next record opening at
/// column 0 ends it first).
pub const MAX_JSON_RECORD_LINES: usize = 100_000;

/// A closed record of a JSON array without the comma or the array's end after it
/// (`{...},`, `{...}]`).
fn without_array_punctuation(mut text: String) -> String {
    let kept = text
        .trim_end_matches(|c: char| c == ',' || c == ']' || c.is_ascii_whitespace())
        .len();
    if kept < text.len() && text[..kept].ends_with('}') {
        text.truncate(kept);
    }
    text
}

impl JsonJoiner {
    /// True when some record in the sample spans lines and closes: then the input needs
    /// joining. A torn line (a record cut off, the next line a new record) does not count.
    pub fn needed(sample: &str) -> bool {
        // An array of records: its punctuation is taken off by the joiner.
        if sample
            .trim_start()
            .strip_prefix('[')
            .is_some_and(|rest| rest.trim_start().starts_with('{'))
        {
            return true;
        }
        let mut j = JsonJoiner::default();
        let mut lines = sample.lines().peekable();
        let mut no = 0;
        while let Some(line) = lines.next() {
            if lines.peek().is_none() && !sample.ends_with('\n') {
                break; // the sample may end mid-line
            }
            no += 1;
            let spanning = j.current.is_some();
            for (_, text) in j.push(no, line) {
                if spanning && text.contains('\n') && j.closed_last {
                    return true;
                }
            }
        }
        false
    }

    /// Feeds one line; returns the records it completes (at most two: a line outside any
    /// record can flush an unclosed one).
    pub fn push(&mut self, line_no: u64, line: &str) -> Vec<Record> {
        let mut out = Vec::new();
        // A JSON array of records, as log services export them (Cloud Logging's and
        // CloudWatch's JSON downloads: `[`, then `{ ... },` per record, then `]`): the
        // array's brackets and the commas between records belong to no record.
        let line = if self.current.is_none() {
            let t = line.trim();
            if matches!(t, "[" | "]" | "]," | ",") {
                return out;
            }
            match t.strip_prefix('[').map(str::trim_start) {
                Some(rest) if rest.starts_with('{') => rest,
                _ => line,
            }
        } else {
            line
        };
        // A line opening at column 0 with `{` is a new record: the one before was torn.
        if self.current.is_some() && line.starts_with('{') {
            let (no, mut text, _) = self.current.take().expect("checked");
            if let Some(s) = self.shrinker.take() {
                text = String::from_utf8_lossy(&s.finish()).into_owned();
            }
            self.depth = 0;
            self.closed_last = false;
            out.push((no, text));
        }
        if let Some((_, text, lines)) = &mut self.current {
            // Past the line cap, the record is shrunk as it comes, like an over-long line.
            if self.shrinker.is_none() && text.len() + line.len() > super::MAX_LINE_BYTES {
                let mut s = JsonShrinker::new();
                s.feed(text.as_bytes());
                text.clear();
                self.shrinker = Some(s);
            }
            match &mut self.shrinker {
                Some(s) => {
                    s.feed(b"\n");
                    s.feed(line.as_bytes());
                }
                None => {
                    text.push('\n');
                    text.push_str(line);
                }
            }
            *lines += 1;
            let over = *lines >= MAX_JSON_RECORD_LINES;
            self.scan(line);
            if self.depth <= 0 || over {
                let (no, mut text, _) = self.current.take().expect("checked");
                if let Some(s) = self.shrinker.take() {
                    text = String::from_utf8_lossy(&s.finish()).into_owned();
                }
                self.closed_last = self.depth <= 0;
                self.depth = 0;
                out.push((no, without_array_punctuation(text)));
            }
            return out;
        }
        if line.trim().is_empty() {
            return out;
        }
        if line.trim_start().starts_with('{') {
            self.scan(line);
            if self.depth > 0 {
                self.current = Some((line_no, line.to_string(), 1));
                return out;
            }
            self.depth = 0;
            out.push((line_no, without_array_punctuation(line.to_string())));
            return out;
        }
        out.push((line_no, line.to_string()));
        out
    }

    pub fn finish(&mut self) -> Option<Record> {
        self.depth = 0;
        let shrunk = self.shrinker.take();
        self.current.take().map(|(no, text, _)| match shrunk {
            Some(s) => (no, String::from_utf8_lossy(&s.finish()).into_owned()),
            None => (no, text),
        })
    }

    fn scan(&mut self, line: &str) {
        self.depth = super::json::bracket_depth(line.as_bytes(), self.depth).0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::text::parse_event;
    use crate::level::Level;

    fn join(input: &str) -> Vec<(u64, String)> {
        let mut j = Joiner::new(input);
        let mut out = Vec::new();
        for (i, l) in input.lines().enumerate() {
            out.extend(j.push(i as u64 + 1, l));
        }
        while let Some(r) = j.finish() {
            out.push(r);
        }
        out
    }

    #[test]
    fn a_record_keeps_its_first_lines_and_counts_the_rest() {
        let mut input = String::from(
            "2026-01-01 10:00:00 ERROR request failed\njava.lang.StackOverflowError: deep\n",
        );
        let frames = MAX_RECORD_LINES + 5_000;
        input.push_str(&"\tat com.example.Foo.bar(Foo.java:12)\n".repeat(frames));
        input.push_str("2026-01-01 10:00:01 ERROR next one\n");
        let records = join(&input);
        assert_eq!(records.len(), 2, "the cap does not end the record early");
        let (_, text) = &records[0];
        assert_eq!(text.lines().count(), MAX_RECORD_LINES + 1);
        assert!(
            text.ends_with("…[5002 more lines not kept]"),
            "{}",
            &text[text.len() - 80..]
        );
        assert_eq!(records[1].0, frames as u64 + 3);
        // Bytes: long lines reach the byte cap first.
        let long = format!("    detail {}\n", "x".repeat(100_000));
        let input = format!("2026-01-01 10:00:00 ERROR big\n{}", long.repeat(100));
        let records = join(&input);
        assert_eq!(records.len(), 1);
        let (_, text) = &records[0];
        assert!(text.len() <= MAX_RECORD_BYTES + 100);
        assert!(text.ends_with("more lines not kept]"));
    }

    #[test]
    fn a_json_record_over_the_line_cap_is_shrunk_as_it_is_joined() {
        let mut j = JsonJoiner::default();
        let mut out = j.push(1, "{");
        out.extend(j.push(2, r#"  "level": "fatal","#));
        out.extend(j.push(3, r#"  "frames": ["#));
        for i in 0..60_000 {
            out.extend(j.push(
                4 + i,
                r#"    "com.example.Foo.bar(Foo.java:123) and more text to fill the line","#,
            ));
        }
        out.extend(j.push(70_000, r#"    "end"], "message": "exploded""#));
        out.extend(j.push(70_001, "}"));
        assert_eq!(out.len(), 1);
        let v: serde_json::Value = serde_json::from_str(&out[0].1).unwrap();
        assert_eq!(v["level"], "fatal");
        assert_eq!(v["message"], "exploded");
    }

    fn starts(input: &str) -> Vec<u64> {
        join(input).into_iter().map(|r| r.0).collect()
    }

    /// The level each record of `input` is read at.
    /// The level each record writes (not inferred).
    fn written_levels(input: &str) -> Vec<Option<Level>> {
        join(input)
            .iter()
            .map(|(_, t)| text::written_level(t))
            .collect()
    }

    fn levels(input: &str) -> Vec<Option<Level>> {
        join(input)
            .iter()
            .map(|(_, t)| parse_event(t).level)
            .collect()
    }

    #[test]
    fn another_programs_diagnostic_after_a_record_below_warning_is_its_own_record() {
        // A desktop session's stderr: Chromium's INFO lines, compton's `func(args): ...`,
        // zsh's `zsh:1: ...`, a C++ `Class::method: ...`.
        let input = "[3030:3030:1114/001325.547557:INFO:account_tracker.cc(328)] OnGetTokenFailure: Connection failed (-130).\n\
                     glx_bind_pixmap(0x006072da): Failed to query Pixmap info.\n\
                     win_paint_win(0x02400019): Failed to bind texture. Expect troubles.\n\
                     [3030:3079:1114/001528.823018:INFO:connection_factory_impl.cc(386)] Failed to connect\n\
                     zsh:1: command not found: wmname\n\
                     [3030:3079:1114/001528.823018:INFO:connection_factory_impl.cc(386)] Failed to connect\n\
                     PluginRegistry::load_plugins: Importing plugin ae.py failed: bad path\n";
        assert_eq!(starts(input), vec![1, 2, 3, 4, 5, 6, 7]);
        // Under a warning or an error, a `name: failure` line is its detail.
        let detail = "2024-01-01 10:00:00,000 ERROR [worker-1] c.e.Sync - Sync of batch 42 aborted\n\
                      reason: upstream returned invalid payload\n\
                      2024-01-01 10:00:01,000 INFO [worker-1] c.e.Sync - Retrying batch 42\n";
        assert_eq!(starts(detail), vec![1, 3]);
        // A program that writes one line per message: each of its lines is a record, with
        // or without a failure in it.
        let conky = "2017-11-14 00:05:52 W: awesome: a_glib_poll:432: Last main loop iteration took 1.5 seconds!\n\
                     conky: Invalid value 'left_left' for setting 'alignment'\n\
                     conky: desktop window (4a0) is root window\n\
                     conky: drawing to double buffer\n";
        assert_eq!(starts(conky), vec![1, 2, 3, 4]);
        // After a message that leads on, or an output that `>>` introduces: the record's
        // own lines.
        let own = "2024-01-01 10:00:01 UTC [1] LOG:  Running the check:\n\
                   pg_check: cannot open file\n\
                   2017-04-05 10:47:08,357 p=24955 u=ejos |  192.168.10.61 | FAILED | rc=1 >>\n\
                   modprobe: FATAL: Module aufs not found.\n";
        assert_eq!(starts(own), vec![1, 3]);
        // An all-capital label is not a program's name.
        assert_eq!(diagnostic_program("CONTEXT: cannot open file"), None);
        assert_eq!(
            diagnostic_program("cat: can't open '/local/out.txt': No such file"),
            Some("cat")
        );
        assert_eq!(diagnostic_program("http://example.org: failed"), None);
    }

    #[test]
    fn a_trace_after_a_warning_that_states_no_failure_is_its_own_record() {
        let input = "W1212 12:11:31.725000 9724 torch/distributed/elastic/multiprocessing/api.py:908] Sending process 9868 closing signal SIGTERM\n\
                     Traceback (most recent call last):\n  File \"/a.py\", line 717, in run\n\
                     \x20   result = self._invoke_run(role)\nSignalException: Process 9724 got signal: 15\n";
        assert_eq!(starts(input), vec![1, 2]);
        assert_eq!(
            levels(input),
            vec![Some(Level::Warning), Some(Level::Error)]
        );
        // `logger.warning(msg, exc_info=True)` about a failure, and a warning with an empty
        // message over its exception, keep their trace.
        let own = "2020-12-16 02:01:25,504 - googleapiclient - WARNING - file_cache is unavailable\n\
                   Traceback (most recent call last):\n  File \"/f.py\", line 33, in <module>\n\
                   ModuleNotFoundError: No module named 'x'\n\
                   2020-05-07 15:40:46 [ main:4000 ] - [ WARN ] \n\
                   java.lang.NullPointerException\n\tat java.lang.ProcessBuilder.start(ProcessBuilder.java:1012)\n";
        assert_eq!(starts(own), vec![1, 5]);
    }

    #[test]
    fn levels_of_network_and_framework_lines() {
        // Cisco's `%FACILITY-SEVERITY-MNEMONIC:`: syslog's severity, whatever the words say.
        let cisco = "Mar 24 12:09:35 198.51.100.2 1991217: Mar 24 12:09:35.367: %OSPF-4-NOVALIDKEY: No valid authentication send key\n\
                     Mar 24 12:09:36 198.51.100.2 1991218: Mar 24 12:09:36.367: %SEC-6-IPACCESSLOGP: list 101 denied tcp 10.0.0.1(1) -> 10.0.0.2(2), 1 packet\n\
                     Mar 24 12:09:37 198.51.100.2 1991219: *Mar 24 12:09:37.367: %SYS-2-MALLOCFAIL: Memory allocation of 65536 bytes failed\n";
        assert_eq!(
            levels(cisco),
            vec![Some(Level::Warning), Some(Level::Info), Some(Level::Fatal)]
        );
        // IOS XR's, as a syslog collector writes it: a subfacility, and the colon spaced off.
        let xr = "Jan 15 10:21:20 10.0.0.1 301: RP/0/RSP0/CPU0:Jan 15 10:21:20.123 : ifmgr[227]: %PKT_INFRA-LINK-3-UPDOWN : Interface GigabitEthernet0/0/0/0, changed state to Down\n\
                  Jan 15 10:21:21 10.0.0.1 302: RP/0/RSP0/CPU0:Jan 15 10:21:21.123 : ifmgr[227]: %PKT_INFRA-LINEPROTO-5-UPDOWN : Line protocol on Interface GigabitEthernet0/0/0/0, changed state to Down\n\
                  Jan 15 10:21:22 10.0.0.1 303: RP/0/RSP0/CPU0:Jan 15 10:21:22.123 : ifmgr[227]: %PKT-INFRA-5-UPDOWN is a name\n";
        assert_eq!(
            levels(xr),
            vec![Some(Level::Error), Some(Level::Notice), None]
        );
        // Gin's request line answered with a 5xx is the server's failure; a 2xx is not.
        let gin = "[GIN] 2025/07/24 - 18:43:56 | 500 | 30.003153853s |       127.0.0.1 | POST     \"/api/generate\"\n\
                   [GIN] 2025/07/24 - 18:43:57 | 200 |  1.2ms |       127.0.0.1 | GET      \"/api/tags\"\n";
        assert_eq!(levels(gin), vec![Some(Level::Error), None]);
        // Motion's `[NTC]`; Sparksee's `Name[LEVEL]`.
        let motion = "[-1242463392] [NTC] [ALL] [Jul 24 16:25:16] motion_startup: Using log type (ALL)\n\
                      2013-04-15 18:35:11.766|Tx[SEVERE] Objects references still active when closing.\n";
        assert_eq!(
            written_levels(motion),
            vec![Some(Level::Notice), Some(Level::Error)]
        );
        // A padded level column closed by a bar: the level is written, not inferred.
        let bar = "Apr 02 11:24:16 warning| Unit scylla-jmx.service entered dead state.";
        assert_eq!(text::written_level(bar), Some(Level::Warning));
    }

    #[test]
    fn right_aligned_levels_open_records() {
        // SSHKit's formatter (Capistrano) pads the level to six columns; log4j's `%5p` to five.
        let input = "  INFO START 2021-04-16 10:02:26 +0100 cap production deploy\n\
                     \x20DEBUG [02985c2a] Running /usr/bin/env which passenger as root@h\n\
                     \x20DEBUG [4336ff7a] \t53e9b2fa995367601a4dc22c4de2f68778f1b06d\tHEAD\n\
                     \x20 WARN [4336ff7a] Finished in 1.194 seconds with exit status 1 (failed).\n\
                     \x20WARN [main] c.e.App - pool exhausted\n\
                     ERROR [main] c.e.App - gave up\n";
        assert_eq!(starts(input), vec![1, 2, 3, 4, 5, 6]);
        use Level::{Debug, Error, Info, Warning};
        let read = written_levels(input);
        assert_eq!(
            read,
            vec![
                Some(Info),
                Some(Debug),
                Some(Debug),
                Some(Warning),
                Some(Warning),
                Some(Error)
            ]
        );
        // Deeper, or not a level's width: a message's own lines.
        assert_eq!(severity::right_aligned_level("    INFO x"), None);
        assert_eq!(severity::right_aligned_level(" Info x"), None);
    }

    #[test]
    fn a_step_in_progress_takes_its_list_of_items() {
        let input = "Generating tags...\n - bookservice -> bookservice:v0.1.1\n - frontend -> frontend:v0.1.1\n\
                     Tags used in deployment:\n - bookservice -> bookservice:2fcc\n\
                     Starting deploy\n - deployment.apps/bookservice configured\n";
        assert_eq!(starts(input), vec![1, 4, 6, 7]);
    }

    #[test]
    fn websphere_basic_format_records_and_levels() {
        let input = "[6/1/12 10:39:11:828 EDT] 00000000 WsServerImpl  A   WSVR0001I: Server server1 open for e-business\n\
                     [2022-06-09, 13:03:35:570 PDT] 0000002f com.ibm.ws.session.WASSessionCore          I SESN8501I: No store\n\
                     [2022-06-09, 13:03:51:281 PDT] 00000033 org.apache.myfaces.webapp.AbstractFacesInitializer E An error occured\n\
                     java.lang.NullPointerException\n\tat a.b.C.d(C.java:1)\n\
                     [2022-06-09, 13:03:52:001 PDT] 00000033 com.ibm.ws.x.Y   W CWWKZ0014W: The application could not be started\n\
                     [2022-06-09, 13:03:52:002 PDT] 00000033 SystemOut   O hello from the app\n";
        assert_eq!(starts(input), vec![1, 2, 3, 6, 7]);
        use Level::{Error, Info, Notice, Warning};
        let read = written_levels(input);
        assert_eq!(
            read,
            vec![Some(Notice), Some(Info), Some(Error), Some(Warning), None]
        );
        // 2012-06-01 10:39:11.828 EDT is 14:39:11.828 UTC.
        assert_eq!(
            parse_event(input.lines().next().unwrap()).timestamp,
            Some(1_338_561_551_828)
        );
    }

    #[test]
    fn buildkit_steps_are_records_of_their_own() {
        let input = "#1 [internal] load local bake definitions\n#1 reading from stdin 1.20kB done\n\
                     #1 DONE 0.0s\n\n#2 [frontend internal] load build definition from Dockerfile\n\
                     #2 DONE 0.2s\n\n#8 [frontend builder 1/6] FROM docker.io/library/node:20\n\
                     #8 ...\n\n#9 [frontend internal] load build context\n#9 DONE 0.0s\n\n\
                     #8 [frontend builder 1/6] FROM docker.io/library/node:20\n#8 DONE 0.2s\n";
        assert_eq!(starts(input), vec![1, 5, 8, 11, 14]);
        // PHP's frames keep their record.
        let php = "PHP Fatal error:  Uncaught Exception: boom in /app/x.php:3\nStack trace:\n\
                   #0 /app/index.php(12): f()\n#1 [internal function]: g()\n#2 {main}\n\
                   #3 C:\\www\\y.php(4): h()\n  thrown in /app/x.php on line 3\n";
        assert_eq!(starts(php), vec![1]);
    }

    proptest::proptest! {
        /// Any text, in any script, is cut into records and read without a panic: the
        /// rules slice lines at byte offsets they found, never inside a character.
        #[test]
        fn any_text_is_read_without_a_panic(
            lines in proptest::collection::vec(
                "(\\PC|[ #:\\[\\]()|=*>~^+-]|INFO|ERROR|headers:|At line:|所需时间为|пример|exit status |timeout|=\"|\u{2713} |\u{2A2F} |GET /|0054:err:x:|make\\[1\\]: \\*\\*\\* |cc1: |:in `|\\(Filename: |NOTICE\\[1\\]:|--- FAIL: |UnityEngine.Debug:LogError \\(){0,40}",
                1..12,
            ),
            prefix in "(|2024-05-01 10:00:00 INFO |\\(w pid=1\\) |App 7 output: | |  |    |\\t|Fri Oct 21 16:51:12 2022)",
        ) {
            let input: String = lines.iter().map(|l| format!("{prefix}{l}\n")).collect();
            for (_, text) in join(&input) {
                let _ = parse_event(&text);
            }
        }
    }

    #[test]
    fn another_writers_line_after_an_info_line_is_its_own_record() {
        let input = "INFO:     Started reloader process [22792] using WatchFiles\n\
                     Could not find platform independent libraries <prefix>\n\
                     INFO:     Started server process [25616]\n\
                     INFO:     Loaded config:\nretries failed=3 before giving up\n";
        assert_eq!(starts(input), vec![1, 2, 3, 4]);
        // A message that speaks of the failure keeps its next line.
        let failing = "INFO:     Retrying the upload\nupload failed: connection reset\n\
                       INFO:     Started server process [25616]\n";
        assert_eq!(starts(failing), vec![1, 3]);
        // Another writer's sentence among gunicorn's one-line records (Nautobot's startup
        // notices under `nohup`): its own record, and so is the next.
        let bare = "[2025-01-03 07:26:31 +0000] [2032380] [INFO] Booting worker with pid: 2032380\n\
                    Something has changed the router's view. Please verify that class X is safe.\n\
                    HTTP Token not found for secrets group grp1\n\
                    [2025-01-03 07:26:32 +0000] [2032380] [INFO] Ready\n";
        assert_eq!(starts(bare), vec![1, 2, 3, 4]);
        // A value on the next line of a message is the message's.
        let value = "[2025-01-03 07:26:31 +0000] [1] [INFO] Loaded settings from env\n\
                     production\n\
                     [2025-01-03 07:26:32 +0000] [1] [INFO] Ready\n";
        assert_eq!(starts(value), vec![1, 3]);
    }

    #[test]
    fn rust_panic_with_its_backtrace_is_one_record() {
        let input = "Hi from start\n\
                     thread 'actix-server worker 0' panicked at 'called `Option::unwrap()` on a `None` value', src/main.rs:9:5\n\
                     stack backtrace:\n0: rust_begin_unwind\nat /rustc/x/library/std/src/panicking.rs:584:5\n\
                     \x20 1: core::panicking::panic_fmt\n             at /rustc/x/library/core/src/panicking.rs:142:14\n\
                     note: Some details are omitted, run with `RUST_BACKTRACE=full` for a verbose backtrace.\n\
                     Hi from response\n";
        assert_eq!(starts(input), vec![1, 2, 9]);
    }

    #[test]
    fn node_module_not_found_with_its_require_stack_is_one_record() {
        let input = "Error: Cannot find module 'dayjs'\nRequire stack:\n- /app/src/utils/day.js\n\
                     - /app/src/index.js\n    at Function.Module._resolveFilename (node:internal/modules/cjs/loader:1028:15)\n\
                     \x20   at require (node:internal/modules/cjs/helpers:119:18) {\n  code: 'MODULE_NOT_FOUND',\n\
                     \x20 requireStack: [ '/app/src/utils/day.js' ]\n}\nError: Cannot find module 'dayjs'\n";
        assert_eq!(starts(input), vec![1, 10]);
        // Alone among plain lines too (no header makes the input headed).
        let list: String = (0..9).map(|i| format!("- /app/src/m{i}.js\n")).collect();
        let alone = format!(
            "Error: Cannot find module 'dayjs'\nRequire stack:\n{list}    at require (node:internal/modules/cjs/helpers:119:18)\nNode.js v16.20.2\n"
        );
        assert_eq!(starts(&alone), vec![1, 13]);
    }

    #[test]
    fn a_sanitizer_report_is_one_record() {
        let input = "Running PAM authentication for user \"test\"\n\
                     =================================================================\n\
                     ==50747==ERROR: AddressSanitizer: attempting free on address which was not malloc()-ed: 0x6020 in thread T0\n\
                     \x20   #0 0x7fd42dfa340f in __interceptor_free asan_malloc_linux.cc:122\n\
                     \x20   #1 0x558283e89680 in auth_call_pam call_pam.c:173\n\n\
                     0x602000000954 is located 4 bytes inside of 16-byte region\nallocated by thread T0 here:\n\
                     \x20   #0 0x7fd42dfa3808 in __interceptor_malloc asan_malloc_linux.cc:144\n\n\
                     SUMMARY: AddressSanitizer: bad-free asan_malloc_linux.cc:122 in __interceptor_free\n\
                     ==50747==ABORTING\nchild 50747 ended: status=0x100\n";
        assert_eq!(starts(input), vec![1, 2, 13]);
        let records = join(input);
        assert_eq!(parse_event(&records[1].1).level, Some(Level::Fatal));
        let deadly = "YR\nAddressSanitizer:DEADLYSIGNAL\n=================================================================\n\
                      ==138754==ERROR: AddressSanitizer: SEGV on unknown address 0x00004e7ffff1\n\
                      \x20   #0 0x7f33cb739b46 in f x.c:1\n\nSUMMARY: AddressSanitizer: SEGV x.c:1\n==138754==ABORTING\n";
        assert_eq!(starts(deadly), vec![1, 2]);
    }

    #[test]
    fn a_mediawiki_exception_is_one_record() {
        let input = "Warning: wikis.yaml does not exist. Running general jobs.\n\
                     JobQueueError from line 932 of /w/includes/jobqueue/JobQueueDB.php: Wikimedia\\Rdbms\\DBQueryError: Error 1146: Table 'wiki.job' doesn't exist\n\
                     Function: JobQueueDB::claimRandom\nQuery: SELECT  job_id FROM `job`\n\n\
                     #0 /w/includes/jobqueue/JobQueueDB.php(336): JobQueueDB->getDBException()\n#1 {main}\n\
                     Job queue is empty.\n";
        assert_eq!(starts(input), vec![1, 2, 8]);
    }

    #[test]
    fn node_uncaught_exception_report_is_one_record() {
        let input = "Server listening on 3000\n/app/index.js:1\nimport { handler } from './handler.js';\n^^^^^^\n\n\
                     SyntaxError: Cannot use import statement outside a module\n\
                     \x20   at internalCompileFunction (node:internal/vm:73:18)\n\nNode.js v18.16.0\n\
                     Server listening on 3000\n";
        assert_eq!(starts(input), vec![1, 2, 9, 10]);
        assert!(!is_script_location("Listening on localhost:3000"));
    }

    #[test]
    fn w3c_directives_are_one_record_among_dated_lines() {
        let input = "#Software: Microsoft Internet Information Services 8.5\n#Version: 1.0\n\
                     #Date: 2015-01-13 00:32:17\n#Fields: date time s-ip cs-method cs-uri-stem sc-status\n\
                     2015-01-13 00:32:17 10.0.0.1 GET /robots.txt 404\n\
                     #Software: Microsoft Internet Information Services 8.5\n#Version: 1.0\n\
                     2015-01-13 01:00:00 10.0.0.1 GET /x 200\n";
        assert_eq!(starts(input), vec![1, 5, 6, 8]);
    }

    #[test]
    fn django_response_lines_are_records_among_request_lines() {
        let input = "[pid: 15059|app: 0|req: 3/6] 179.43.177.242 () {30 vars in 326 bytes} [Fri Feb 17 06:15:41 2023] GET / => generated 2063 bytes in 6 msecs (HTTP/1.1 404) 6 headers in 215 bytes (1 switches on core 0)\n\
                     Not Found: /\n\
                     [pid: 15059|app: 0|req: 4/7] 179.43.177.242 () {30 vars in 326 bytes} [Fri Feb 17 06:15:42 2023] GET /x => generated 2063 bytes in 6 msecs (HTTP/1.1 404) 6 headers in 215 bytes (1 switches on core 0)\n";
        assert_eq!(starts(input), vec![1, 2, 3]);
    }

    #[test]
    fn celery_banner_is_one_record() {
        let input = "worker: Warm shutdown (MainProcess)\n \n -------------- celery@host v4.4.7 (cliffs)\n\
                     --- ***** ----- \n- ** ---------- [config]\n- ** ---------- .> app:         x:0x7f\n\
                     \x20-------------- [queues]\n                .> celery           exchange=celery\n\n\
                     [tasks]\n  . orders.tasks.order_created\n\n\
                     [2021-04-29 19:20:58,030: INFO/MainProcess] Connected to amqp://guest@127.0.0.1//\n";
        assert_eq!(starts(input), vec![1, 3, 13]);
    }

    #[test]
    fn powershell_error_view_is_one_record() {
        let input = "python : Watching for file changes with StatReloader\nAt line:1 char:61\n\
                     + ... python manage.py runserver 8000 2>&1 | Out-F ...\n\
                     +                              ~~~~~~~~~~~~~~~~~~~~~~\n\
                     \x20   + CategoryInfo          : NotSpecified: (Watching for fi...:String) [], RemoteExc \n\
                     \x20  eption\n    + FullyQualifiedErrorId : NativeCommandError\n \n\
                     Exception in thread django-main-thread:\nTraceback (most recent call last):\n";
        assert_eq!(starts(input), vec![1, 9]);
    }

    #[test]
    fn python_thread_exception_after_warnings_is_its_own_record() {
        // The warnings module's records (`file:line: Category: message` over the source
        // line) make the input headed; threading.excepthook's report is still a record.
        let warning =
            "/x/rq/utils.py:128: DeprecationWarning: utcnow() is deprecated\n  return utcnow()\n";
        let input = format!(
            "{warning}{warning}Exception in thread Thread-1 (run):\nTraceback (most recent call last):\n\
             \x20 File \"/t.py\", line 1, in run\n    self.run()\nredis.exceptions.ConnectionError: closed.\n\
             Exception ignored in: <function Pool.__del__ at 0x7f>\nTraceback (most recent call last):\n\
             \x20 File \"/p.py\", line 2, in __del__\nOSError: handle is closed\n"
        );
        assert_eq!(starts(&input), vec![1, 3, 5, 10]);
    }

    #[test]
    fn gradle_failure_report_is_one_record() {
        let input = "2 errors\n FAILED\n\nFAILURE: Build failed with an exception.\n\n\
                     * What went wrong:\nExecution failed for task ':app:compileJava'.\n\
                     > Compilation failed; see the compiler error output for details.\n\n\
                     * Try:\nRun with --stacktrace option to get the stack trace.\n\n\
                     BUILD FAILED\n\nTotal time: 1.088 secs\n";
        assert_eq!(starts(input), vec![1, 4, 13, 15]);
    }

    #[test]
    fn a_terraform_diagnostic_box_is_one_record() {
        let input = "Initializing the backend...\n\u{2577}\n\u{2502} Error: Backend initialization required\n\
                     \u{2502} \n\u{2502} Reason: Initial configuration of the backend \"s3\"\n\u{2575}\n\
                     \u{2577}\n\u{2502} Warning: Argument is deprecated\n\u{2575}\nWorkspace created\n";
        assert_eq!(starts(input), vec![1, 2, 7, 10]);
        let records = join(input);
        let e = parse_event(&records[1].1);
        assert_eq!(e.level, Some(Level::Error));
        assert_eq!(e.message, "Backend initialization required");
        assert_eq!(parse_event(&records[2].1).level, Some(Level::Warning));
    }

    #[test]
    fn an_http_header_list_is_the_record_that_announced_it() {
        // MediaWiki's debug log: one wfDebug call writes the request and its headers.
        let input = "Start request GET /wiki/Main_Page\nHTTP HEADERS:\nHOST: example.org\n\
                     USER-AGENT: curl/8.0 (x86_64)\nACCEPT-LANGUAGE: fr-CA,fr;q=0.8\n\
                     [caches] main: MemcachedPeclBagOStuff\nFully initialised\n\
                     Connected to database 0 at 10.0.0.29\n";
        assert_eq!(starts(input), vec![1, 6, 7, 8]);
        // Short lines of other scripts are not cut inside a character.
        assert_eq!(starts("所需时间为: 0\n处理时间为: 1\n"), vec![1, 2]);
        // A field-shaped line with no list announced is a line of its own.
        assert_eq!(
            starts("Fully initialised\nIP: 10.0.0.1\nUser: got user 7\n"),
            vec![1, 2, 3]
        );
    }

    #[test]
    fn numbered_records_span_the_lines_that_share_a_number() {
        let npm = "0 info it worked if it ends with ok\n1 verbose cli [ '/usr/bin/node',\n1 verbose cli   '/usr/bin/npm',\n1 verbose cli   'publish' ]\n2 info using npm@2.15.8\n3 verbose stack Error: not found\n3 verbose stack     at x (/a.js:1:2)\n4 error not ok\n";
        assert_eq!(starts(npm), vec![1, 2, 5, 6, 8]);
        // Process ids in first place repeat but are not record numbers: no lower-case
        // word after them, or they go down.
        let pids = "12 INFO a\n12 INFO b\n13 WARN c\n12 INFO d\n14 INFO e\n";
        assert!(!numbered_records(pids));
        let down = "5 info a\n5 info b\n3 info c\n6 info d\n7 info e\n";
        assert!(!numbered_records(down));
        // Seconds since start, repeated within a second: not npm's words.
        let elapsed = "0 starting server\n0 loading config\n1 error: cannot bind\n1 retrying\n2 listening\n2 error: db unreachable\n";
        assert!(!numbered_records(elapsed));
    }

    #[test]
    fn an_indented_log_stream_is_read_record_by_record() {
        // Consul's agent: a banner, then its log four spaces in.
        let input = "==> Consul agent running!\n         Node name: 'agent-one'\n\n==> Log data will now stream in as it occurs:\n\n    2016/06/17 16:30:48 [INFO] raft: Node entering Follower state\n    2016/06/17 16:30:50 [WARN] raft: Heartbeat timeout reached\n    2016/06/17 16:30:51 [ERR] agent: failed to sync remote state\n";
        // Each of the banner's `==>` lines is a record (with the lines indented under it);
        // each dated line one more.
        assert_eq!(starts(input), vec![1, 4, 6, 7, 8]);
        let records = join(input);
        assert_eq!(parse_event(&records[3].1).level, Some(Level::Warning));
        assert_eq!(
            parse_event(&records[3].1).message,
            "raft: Heartbeat timeout reached"
        );
        // Where dated lines are not indented, an indented one is part of a message.
        let schedule = "2024-01-01 10:00:00 INFO [scheduler] Next runs:\n    2024-01-02 00:00:00 backup-db\n2024-01-01 10:00:01 INFO [scheduler] done\n";
        assert_eq!(starts(schedule), vec![1, 3]);
        // An indented stack frame is still a continuation.
        let java = "2026-11-17 10:00:00,123 ERROR [main] App - failed\n    at com.example.App.main(App.java:3)\n";
        assert_eq!(starts(java), vec![1]);
    }

    #[test]
    fn logfmt_lines_start_records_in_a_text_stream() {
        let input = "2025/07/28 12:54:45 maxprocs: Updating GOMAXPROCS=1\n2025/07/28 12:54:45 INFO GOMEMLIMIT is updated\ntime=2025-07-28T12:56:23.340Z level=ERROR msg=\"Invalid status code\" code=500\ntime=2025-07-28T12:56:23.341Z level=ERROR msg=\"Invalid status code\" code=500\n";
        assert_eq!(starts(input), vec![1, 2, 3, 4]);
    }

    #[test]
    fn a_relayed_trace_is_one_record() {
        // Terraform relays a plugin's Go panic line by line under its own header.
        let p = "2017/05/05 17:55:54 [DEBUG] plugin: terraform: ";
        let input = format!(
            "2017/05/05 17:55:54 [DEBUG] root: eval: *terraform.EvalApplyProvisioners\n\
             {p}panic: interface conversion: interface {{}} is nil, not string\n\
             {p}\n\
             {p}goroutine 68 [running]:\n\
             {p}main.generateScripts(0xc4201343f0)\n\
             {p}\t/opt/gopath/src/provisioner.go:84 +0x1c2\n\
             2017/05/05 17:55:54 [DEBUG] root: eval: *terraform.EvalIf\n\
             2017/05/05 17:55:54 [DEBUG] plugin: terraform: started\n\
             2017/05/05 17:55:54 [DEBUG] plugin: terraform: listening\n"
        );
        assert_eq!(starts(&input), vec![1, 2, 7, 8, 9]);
        // Records of one second that share a header and a logger are not a relay.
        let burst = "2024-01-01 10:00:00 ERROR app: ValueError: bad input\n2024-01-01 10:00:00 ERROR app: request 18 failed\n2024-01-01 10:00:00 ERROR app: request 19 failed\n";
        assert_eq!(starts(burst), vec![1, 2, 3]);
        // The same error logged twice, its trace unprefixed: two records, not a relay.
        let twice = "2019-01-23 18:30:06.8491 Error FileTarget: Failed write. Exception: System.UnauthorizedAccessException: denied\n   at NLog.Write()\n2019-01-23 18:30:06.8491 Error FileTarget: Failed write. Exception: System.UnauthorizedAccessException: denied\n   at NLog.Write()\n";
        assert_eq!(starts(twice), vec![1, 3]);
        // vLLM's formatter repeats the header on each line of `logger.exception(msg)`.
        let p = "ERROR 08-14 19:25:10 [core.py:708] ";
        let input = format!(
            "{p}EngineCore failed to start.\n\
             {p}Traceback (most recent call last):\n\
             {p}  File \"/vllm/core.py\", line 699, in run_engine_core\n\
             {p}    engine_core = EngineCoreProc(*args, **kwargs)\n\
             {p}Exception: WorkerProc initialization failed.\n\
             {p}EngineCore failed to start.\n\
             INFO 08-14 19:25:11 [core.py:77] Shutting down\n"
        );
        assert_eq!(starts(&input), vec![1, 6, 7]);
    }

    #[test]
    fn two_dated_lines_make_an_input_headed_unless_they_are_rare() {
        // A JSP compile error: two dated records, many lines in between.
        let mut input =
            String::from("23-Feb-2023 15:40:03.713 INFO [main] org.x.Ctx.log started\n");
        input.push_str("17-Apr-2023 14:21:32.233 SEVERE [exec-1] org.x.Valve.invoke Servlet threw exception\n\n");
        for i in 15..30 {
            input.push_str(&format!("{i}: <td>line {i} of the page</td>\n"));
        }
        input.push_str("Stacktrace:\n\tat org.x.Jasper.compile(Jasper.java:1)\n");
        assert_eq!(starts(&input), vec![1, 2]);
        // A build log dated at its start and end: its lines are records of their own.
        let mut build = String::from("2024-01-01 10:00:00 build started\n");
        for i in 0..40 {
            build.push_str(&format!("compiling module{i}.c\n"));
        }
        build.push_str("2024-01-01 10:05:00 build finished\n");
        assert_eq!(starts(&build).len(), 42);
        // Lines marked only by a level word still need to be a quarter of the lines.
        let mut plain = String::from("ERROR: first\nERROR: second\n");
        for i in 0..10 {
            plain.push_str(&format!("step {i} done\n"));
        }
        assert_eq!(starts(&plain).len(), 12);
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
    fn java_bare_trace_with_nested_exception_and_blank_line() {
        let input = "Exception in thread \"main\" org.springframework.BeanCreationException: failed; nested exception is:\n\n\tjava.lang.IllegalStateException: no pool\n\tat a.B.c(B.java:1)\nSuppressed: java.io.IOException: close\n\t... 4 more\nException in thread \"worker\" java.lang.OutOfMemoryError: heap\n\tat x.Y.z(Y.java:2)";
        assert_eq!(starts(input), vec![1, 7]);
        let joined = join(input);
        let e = parse_event(&joined[0].1);
        assert_eq!(e.level, Some(Level::Error));
        assert!(e.level_inferred.is_some());
    }

    #[test]
    fn a_cause_after_a_blank_line_stays_with_its_record() {
        let input = "2023-08-30 11:59:50.113 ERROR 32339 --- [main] c.z.h.p.HikariPool : Exception during pool initialization.\n\ncom.mysql.cj.jdbc.exceptions.CommunicationsException: Communications link failure\n\tat com.mysql.cj.jdbc.ConnectionImpl.<init>(ConnectionImpl.java:1)\n2023-08-30 11:59:51.000  INFO 32339 --- [main] c.e.App : stopping";
        assert_eq!(starts(input), vec![1, 5]);
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
        assert_eq!(e.level_inferred, Some("a Python traceback"));
        assert_eq!(ev[1], (5, "next message".to_string()));
    }

    #[test]
    fn bare_traceback_after_a_text_line_is_its_own_record() {
        let input = "Starting worker\nTraceback (most recent call last):\n  File \"w.py\", line 1, in <module>\nValueError: bad\nworker exited";
        assert_eq!(starts(input), vec![1, 2, 5]);
    }

    #[test]
    fn chained_python_exceptions_are_one_record() {
        let input = "Traceback (most recent call last):\n  File \"a.py\", line 2, in f\n    x()\nKeyError: 'a'\n\nDuring handling of the above exception, another exception occurred:\n\nTraceback (most recent call last):\n  File \"a.py\", line 4, in f\n    y()\nValueError: b\nnext";
        assert_eq!(starts(input), vec![1, 12]);
        let joined = join(input);
        let e = parse_event(&joined[0].1);
        assert_eq!(e.error_type.as_deref(), Some("ValueError"));
    }

    #[test]
    fn go_panic_block() {
        let input = "2026/11/17 10:00:00 INFO serving\npanic: runtime error: index out of range [3] with length 3\n\ngoroutine 7 [running]:\nmain.handler(0x0)\n\t/src/main.go:20 +0x1d\ncreated by main.main\n\t/src/main.go:9 +0x25\n\ngoroutine 1 [chan receive]:\nmain.main()\n\t/src/main.go:12 +0x40 fp=0xc000 sp=0xc000 pc=0x4a\n2026/11/17 10:00:05 INFO restarted";
        let ev = join(input);
        assert_eq!(starts(input), vec![1, 2, 13], "{ev:?}");
        let e = parse_event(&ev[1].1);
        // The panic's kind is its type (values dropped), so an index out of range and a nil
        // dereference at the same frames are two errors.
        assert_eq!(
            e.error_type.as_deref(),
            Some("runtime error: index out of range")
        );
        assert_eq!(e.level, Some(Level::Fatal));
        assert!(e.level_inferred.is_some());
    }

    #[test]
    fn go_http_panic_serving_keeps_its_goroutine() {
        let input = "2009/11/10 23:00:00 http: panic serving 127.0.0.1:4242: boom\ngoroutine 21 [running]:\nnet/http.(*conn).serve.func1()\n\t/go/src/net/http/server.go:1850 +0xbf\n2009/11/10 23:00:01 next";
        assert_eq!(starts(input), vec![1, 5]);
        let joined = join(input);
        let e = parse_event(&joined[0].1);
        assert_eq!(e.level, Some(Level::Error));
    }

    #[test]
    fn php_traces_bare_and_with_error_log_header() {
        let bare = "PHP Fatal error:  Uncaught Exception: boom in /app/x.php:3\nStack trace:\n#0 /app/y.php(10): f()\n#1 {main}\n  thrown in /app/x.php on line 3\nPHP Warning:  Undefined variable $a in /app/z.php on line 2";
        assert_eq!(starts(bare), vec![1, 6]);
        let joined = join(bare);
        let e = parse_event(&joined[0].1);
        assert_eq!(e.level, Some(Level::Fatal));
        assert!(e.level_inferred.is_none());
        let logged = "[15-Jul-2024 10:00:00 UTC] PHP Fatal error:  Uncaught Error: x in /a.php:2\nStack trace:\n#0 {main}\n  thrown in /a.php on line 2\n[15-Jul-2024 10:00:01 UTC] PHP Notice:  y";
        let ev = join(logged);
        assert_eq!(starts(logged), vec![1, 5]);
        let e = parse_event(&ev[0].1);
        assert_eq!(e.level, Some(Level::Fatal));
        assert!(e.timestamp.is_some());
    }

    #[test]
    fn php_error_log_dates_every_xdebug_line() {
        let input = "[15-May-2020 13:39:01 Europe/Kiev] PHP Warning:  include(a.php): failed to open stream\n[15-May-2020 13:39:01 Europe/Kiev] PHP Stack trace:\n[15-May-2020 13:39:01 Europe/Kiev] PHP   1. {main}() /app/index.php:0\n[15-May-2020 13:39:01 Europe/Kiev] PHP Warning:  include(): Failed opening 'a.php'";
        assert_eq!(starts(input), vec![1, 4]);
    }

    #[test]
    fn dotnet_trace_with_end_of_stack_markers() {
        let input = "Unhandled exception. System.InvalidOperationException: outer\n ---> System.IO.IOException: inner\n   at App.Read() in /app/A.cs:line 5\n   --- End of inner exception stack trace ---\n   at App.Main()\n--- End of stack trace from previous location ---\n   at App.Run()\nUnhandled exception. System.Exception: again\n   at App.Main()";
        assert_eq!(starts(input), vec![1, 8]);
    }

    #[test]
    fn ruby_crashes_are_separate_records() {
        let input = "app.rb:3:in 'divide': divided by 0 (ZeroDivisionError)\n\tfrom app.rb:7:in '<main>'\napp.rb:9:in 'read': no file (Errno::ENOENT)\n\tfrom app.rb:12:in '<main>'";
        assert_eq!(starts(input), vec![1, 3]);
        let joined = join(input);
        assert_eq!(parse_event(&joined[1].1).level, Some(Level::Error));
        // Sinatra's `dump_errors!`: its dated line over the tab-indented backtrace (a
        // script without `.rb` among the frames); the sentence after it is another record.
        let sinatra = "I, [2016-09-13T09:10:44.403221 #1080]  INFO -- : worker=0 ready\n\
                       2016-09-13 09:21:58 - App::PermissionDenied - App::PermissionDenied:\n\
                       \t/home/isucon/webapp/ruby/app.rb:294:in `block in <class:WebApp>'\n\
                       \t/home/isucon/.local/ruby/bin/bundle:23:in `load'\n\
                       \t/home/isucon/.local/ruby/bin/bundle:23:in `<main>'\n\
                       Sinatra::Templates#erubis is deprecated and will be removed, use #erb instead.\n";
        assert_eq!(starts(sinatra), vec![1, 2, 6]);
        let ev = join(sinatra);
        let crash = parse_event(&ev[1].1);
        assert_eq!(crash.level, Some(Level::Error));
        assert!(crash.level_inferred.is_some());
        assert_eq!(parse_event(&ev[2].1).level, Some(Level::Warning));
    }

    #[test]
    fn next_js_marked_lines_and_request_lines() {
        // `next dev`: a mark after one space opens each line of its own; the error under
        // an announcing line is that line's.
        let input = " \u{2713} Compiled in 236ms (1637 modules)\n \
                     GET /producto/a 200 in 37ms\n \
                     \u{2A2F} Failed to generate static paths for /producto/[slug]:\n\
                     Error: Cannot find module './5994.js'\n\
                     Require stack:\n\
                     - /app/.next/server/webpack-runtime.js\n    \
                     at __webpack_require__.f.require (.next/server/webpack-runtime.js:198:28) {\n  \
                     code: 'MODULE_NOT_FOUND'\n\
                     }\n \
                     GET /producto/a 500 in 838ms\n \
                     \u{26A0} Port 3000 is in use, trying 3001 instead.\n";
        assert_eq!(starts(input), vec![1, 2, 3, 10, 11]);
        let read = levels(input);
        assert_eq!(
            read,
            [
                Some(Level::Info),
                None,
                Some(Level::Error),
                Some(Level::Error),
                Some(Level::Warning)
            ]
        );
    }

    #[test]
    fn test_runner_lines() {
        // Jest's reporter: the file's result, a line per test, a failure's details.
        let jest = "FAIL src/a.test.tsx\n  \
                    telemetry wiring\n    \
                    \u{2713} forwards card_selected (60 ms)\n    \
                    \u{2715} reports the sort order (125 ms)\n\
                    \n  \
                    \u{25CF} telemetry wiring \u{203A} reports the sort order\n\
                    \n    \
                    expect(received).toMatchObject(expected)\n\
                    \n      \
                    at Object.<anonymous> (src/a.test.tsx:42:7)\n";
        // (The describe block's name goes with the file's line above it.)
        assert_eq!(starts(jest), vec![1, 3, 4, 6]);
        // A slow file's line carries its time, a project's its display name: the file's
        // line after a failure's details is a record of its own.
        let slow = "  \u{25CF} suite \u{203A} fails\n\n    expect(x).toBe(y)\n\n\
                    PASS src/b.test.ts (12.1 s)\n\
                    FAIL api src/c.test.ts (5.02 s, 81 MB heap size)\n";
        assert_eq!(starts(slow), vec![1, 5, 6]);
        assert_eq!(parse_event("  \u{25CF} Console").level, Some(Level::Info));
        let read = levels(jest);
        assert_eq!(
            read,
            [
                Some(Level::Error),
                Some(Level::Info),
                Some(Level::Error),
                Some(Level::Error)
            ]
        );
        // `go test -v`: a subtest's result indented under its test's.
        let go = "=== RUN   TestParse\n\
                  --- FAIL: TestParse (0.00s)\n    \
                  --- FAIL: TestParse/empty (0.00s)\n        \
                  parse_test.go:12: got 1, want 0\n\
                  FAIL\n\
                  FAIL\texample.com/parse\t0.004s\n\
                  ok  \texample.com/other\t0.002s\n";
        let read = levels(go);
        assert_eq!(starts(go), vec![1, 2, 3, 5, 6, 7], "{:?}", join(go));
        assert_eq!(
            &read[1..],
            [
                Some(Level::Error),
                Some(Level::Error),
                Some(Level::Error),
                Some(Level::Error),
                Some(Level::Info)
            ]
        );
    }

    #[test]
    fn unity_messages_with_their_stack_and_where_they_were_logged() {
        let input = "Entering SQSettings Init()\n\
                     UnityEngine.StackTraceUtility:ExtractStackTrace () (at C:/build/StackTrace.cs:37)\n\
                     UnityEngine.Debug:LogWarning (object)\n\
                     SQSettings:Init () (at H:/Assets/SQSettings.cs:125)\n\
                     \n\
                     (Filename: H:/Assets/SQSettings.cs Line: 125)\n\
                     \n\
                     DontDestroyOnLoad only works for root GameObjects.\n\
                     ChatManager:Start () (at H:/Assets/ChatManager.cs:169)\n\
                     \n\
                     [H:/Assets/ChatManager.cs line 169]\n\
                     \n\
                     Unloading 5 unused Assets / (43.2 KB). Loaded Objects now: 3073.\n";
        assert_eq!(starts(input), vec![1, 8, 13]);
        let ev = join(input);
        assert_eq!(parse_event(&ev[0].1).level, Some(Level::Warning));
    }

    #[test]
    fn a_time_alone_dates_the_line_before_it() {
        // `hugo server`: the rebuild's line, its time, then lines of their own.
        let input = "Watching for changes in /site/content\n\
                     Change detected, rebuilding site (#1).\n\
                     2026-02-23 13:19:46.304 -0500\n\
                     Template changed /shortcodes/a.html\n\
                     Total in 27 ms\n\
                     \n\
                     Change detected, rebuilding site (#2).\n\
                     2026-02-23 13:31:52.336 -0500\n\
                     Source changed /_index.md\n";
        assert_eq!(starts(input), vec![1, 2, 4, 5, 7, 9]);
        let ev = join(input);
        assert_eq!(
            parse_event(&ev[1].1)
                .timestamp
                .map(crate::input::time::format_ms),
            Some("2026-02-23T18:19:46.304Z".into())
        );
    }

    #[test]
    fn a_trace_and_a_dump_under_the_prefix_of_each_line() {
        // Matomo's LineMessageFormatter writes its prefix before every line of a message.
        let p = "ERROR Piwik\\FrontController[2020-03-22 11:26:22 UTC] [85a5a] ";
        let d = "DEBUG Piwik\\Tracker[2020-03-22 12:47:09 UTC] [745d7] ";
        let input = format!(
            "{p}Uncaught exception: Error: Class 'Db' not found in /app/API.php:12\n\
             {p}Stack trace:\n\
             {p}#0 [internal function]: API->get(true)\n\
             {p}#1 {{main}}\n\
             {d}Debug enabled - Input parameters: array (\n\
             {d}'idsite' => '2',\n\
             {d}'url' => 'https://example.org/?a[b]=1',\n\
             {d})\n\
             {d}Current datetime: 2020-03-22 12:47:09\n\
             {d}Executing A::manipulateRequest()...\n\
             {d}Executing B::manipulateRequest()...\n"
        );
        assert_eq!(starts(&input), vec![1, 5, 9, 10, 11]);
    }

    #[test]
    fn a_request_line_does_not_take_the_trace_after_it() {
        // werkzeug's request line, then Flask's bare `HTTPException` and its traceback.
        let input = "2025-09-21 22:55:58,731:INFO:werkzeug:127.0.0.1 - - [21/Sep/2025 22:55:58] \"GET /a.gif HTTP/1.1\" 200 -\n\
                     HTTPException\n\
                     Traceback (most recent call last):\n  \
                     File \"/app/flask/app.py\", line 1823, in full_dispatch_request\n    \
                     rv = self.dispatch_request()\n\
                     werkzeug.exceptions.NotFound: 404 Not Found\n\
                     2025-09-21 22:55:59,001:INFO:werkzeug:127.0.0.1 - - [21/Sep/2025 22:55:59] \"GET / HTTP/1.1\" 200 -\n";
        assert_eq!(starts(input), vec![1, 2, 7]);
        // A message that quotes a request keeps the throwable logged with it.
        let quoted = "2024-05-01 10:00:00,123 INFO c.e.Web - Handled \"GET /x HTTP/1.1\" with retry\n\
                      java.io.IOException: reset\n\
                      \tat c.e.Web.handle(Web.java:12)\n\
                      2024-05-01 10:00:01,000 INFO c.e.Web - next\n";
        assert_eq!(starts(quoted), vec![1, 4]);
        // A message that ends with a bracket, then the logger's next records.
        let brackets = "2024-05-01 10:00:00,123 INFO [main] app: Loading plugins [\n\
                        2024-05-01 10:00:00,123 INFO [main] app: Loaded 3 plugins\n\
                        2024-05-01 10:00:00,123 INFO [main] app: Ready\n";
        assert_eq!(starts(brackets), vec![1, 2, 3]);
        // A rule that titles what follows keeps it (Ray's plasma store report).
        let report = "[2024-05-25 19:43:26,106 I 20500 17108] (raylet.exe) store.cc:564: ========== Plasma store: =================\n\
                      Current usage: 0 / 1.99276 GB\n\
                      - num bytes created total: 0\n\
                      [2024-05-25 19:43:26,112 I 20500 20504] (raylet.exe) grpc_server.cc:134: started\n";
        assert_eq!(starts(report), vec![1, 4]);
    }

    #[test]
    fn node_uncaught_error_after_source_excerpt() {
        let input = "/app/server.js:10\n    throw new Error('boom');\n    ^\n\nError: boom\n    at Object.<anonymous> (/app/server.js:10:11)\n\nNode.js v18.0.0";
        let ev = join(input);
        assert_eq!(starts(input), vec![1, 8], "{ev:?}");
        assert_eq!(parse_event(&ev[0].1).level, Some(Level::Error));
        // V8 underlines a span: a caret per character.
        let span = "/app/routes/blog.js:15\n  return throw new Error(\"x\")\n         ^^^^^\n\nSyntaxError: Unexpected token 'throw'\n    at Object.compileFunction (node:vm:352:18)";
        assert_eq!(starts(span), vec![1]);
    }

    #[test]
    fn java_util_logging_level_on_second_line() {
        let input = "Jul 09, 2015 3:23:29 PM com.example.Foo run\nSEVERE: could not connect\njava.net.ConnectException: refused\n\tat com.example.Foo.run(Foo.java:3)\nJul 09, 2015 3:23:30 PM com.example.Foo run\nINFO: retrying";
        let ev = join(input);
        assert_eq!(starts(input), vec![1, 5]);
        let e = parse_event(&ev[0].1);
        assert_eq!(e.level, Some(Level::Error));
        assert_eq!(e.message, "could not connect");
        assert_eq!(e.origin.as_deref(), Some("com.example.Foo run"));
        assert!(e.timestamp.is_some());
        assert_eq!(parse_event(&ev[1].1).level, Some(Level::Info));
    }

    #[test]
    fn only_a_class_and_method_line_takes_the_level_line_after_it() {
        // MySQL 5.5: a dated sentence, then the client's error on a line of its own.
        let input = "161209 14:18:53 InnoDB: 5.5.53 started; log sequence number 1595675\nERROR: 1064  You have an error in your SQL syntax\n161209 14:18:53 [ERROR] Aborting";
        assert_eq!(starts(input), vec![1, 2, 3]);
    }

    #[test]
    fn report_fields_wrapped_lines_and_successive_traces() {
        // PostgreSQL's DETAIL/STATEMENT lines are fields of the report above them.
        let pg = "2021-12-20 09:48:14.640 GMT [18072] ERROR:  database \"m\" already exists\n2021-12-20 09:48:14.640 GMT [18072] STATEMENT:  CREATE DATABASE \"m\"\n2021-12-20 09:48:15.001 GMT [18073] LOG:  checkpoint starting";
        assert_eq!(starts(pg), vec![1, 3]);
        // Another backend's line in between: the field is not its.
        let interleaved = "2021-12-20 09:48:14.640 GMT [2] ERROR:  boom\n2021-12-20 09:48:14.640 GMT [3] LOG:  checkpoint\n2021-12-20 09:48:14.640 GMT [2] STATEMENT:  SELECT 1";
        assert_eq!(starts(interleaved), vec![1, 2, 3]);
        // A logger's name before every line of a message, the lines after the first
        // indented under it.
        let wrapper = "WrapperManager: Initializing...\nWrapperManager: WARNING - The Wrapper jar file is version 3.3.9\nWrapperManager:           while the Wrapper is 3.5.3.\nWrapperManager: \nWrapperManager: WARNING - Unable to load the native library\n2013-11-26 21:16:18.044:INFO::Logging to STDERR";
        assert_eq!(starts(wrapper), vec![1, 2, 5, 6]);
        // Two printStackTrace()s one after the other: a cause would say `Caused by:`.
        let traces = "java.sql.SQLException: Fail to convert\n\tat oracle.jdbc.A.b(A.java:112)\n\tat oracle.jdbc.A.c(A.java:146)\njava.sql.SQLException: Fail to convert\n\tat oracle.jdbc.A.b(A.java:112)";
        assert_eq!(starts(traces), vec![1, 4]);
        // A start script's lines before a dated log are records of their own.
        let prelude = "Root: /root/emqttd\nstarting emqttd on node 'emq@127.0.0.1'\nemqttd ctl is starting...[ok]\n17:07:33.367 [error] gen_server terminated\n17:08:29.520 [error] HTTP Auth failure\nsecond line of it";
        assert_eq!(starts(prelude), vec![1, 2, 3, 4, 5]);
    }

    #[test]
    fn an_exception_line_that_reads_as_a_label_closes_its_traceback() {
        let input = "Traceback (most recent call last):\n  File \"x.py\", line 1, in <module>\nError: boom\nnext line";
        assert_eq!(starts(input), vec![1, 4]);
    }

    #[test]
    fn a_trace_after_a_message_of_no_failure_is_another_writers() {
        // catalina.out: the JVM prints an uncaught exception after JUL's startup lines.
        let jul = "Nov 19, 2015 7:00:03 PM org.apache.catalina.startup.Catalina start\nINFO: Server startup in 1342 ms\njava.sql.SQLException: Fail to convert\n\tat a.b(C.java:1)";
        assert_eq!(starts(jul), vec![1, 3]);
        // gunicorn's master logs at INFO; the traceback is a worker's stderr.
        let python = "2012-07-01 22:38:31 [66916] [INFO] Using worker: sync\nTraceback (most recent call last):\n  File \"manage.py\", line 20, in <module>\nImportError: No module named x\n2012-07-01 22:38:36 [66952] [INFO] Booting";
        assert_eq!(starts(python), vec![1, 2, 5]);
        // An info message that is the exception's own, or that announces it, keeps it.
        let same = "2017-03-06 20:37:02,154 [ 186571]   INFO - VcsLogRefresherImpl - Not enough first block \ncom.intellij.vcs.VcsLogException: Not enough first block\n\tat a.b(C.java:1)";
        assert_eq!(starts(same), vec![1]);
        let colon = "2020-09-09 14:12:55,748:DEBUG:certbot.log:Exiting abnormally:\nTraceback (most recent call last):\n  File \"x.py\", line 1, in <module>\nValueError: x";
        assert_eq!(starts(colon), vec![1]);
        // SLF4J's `log.info(msg, e)` under a one-line header, `exc_info=True` at DEBUG: the
        // record's own trace, whatever the message says.
        let slf4j = "2024-01-01 10:00:00,001 INFO  [main] c.e.Svc - Connection closed\njava.io.IOException: Broken pipe\n\tat a.b(C.java:1)\n2024-01-01 10:00:01,001 INFO  [main] c.e.Svc - next";
        assert_eq!(starts(slf4j), vec![1, 4]);
        let debug = "2024-01-01 10:00:02,001 DEBUG app.client: Request details for x\nTraceback (most recent call last):\n  File \"x.py\", line 1, in f\nKeyError: k";
        assert_eq!(starts(debug), vec![1]);
        // At warning and above the trace is always the record's.
        let warn = "2024-01-01 10:00:00,001 WARN App - Using worker: sync\njava.io.IOException: x\n\tat a.b(C.java:1)";
        assert_eq!(starts(warn), vec![1]);
    }

    #[test]
    fn undated_lines_of_a_dated_input_do_not_take_the_next_lines() {
        // uWSGI's banner warning comes before its dated lines: it is one line, like the
        // banner lines after it.
        let uwsgi = "*** WARNING: you are running uWSGI as root !!! ***\nyour memory page size is 4096 bytes\ndetected max file descriptor number: 1024\nMon Feb  4 16:37:00 2013 - error parsing request\nMon Feb  4 16:37:01 2013 - error parsing request\nsecond line of it";
        assert_eq!(starts(uwsgi), vec![1, 2, 3, 4, 5]);
        // werkzeug's bullets among its dated request lines, a script's error between them.
        let flask = " * Serving Flask app \"app\"\n * Debug mode: on\nmkdir: ./upload_dir: No such file or directory\n * Running on http://0.0.0.0:5000/\napp.py:48: SyntaxWarning: name 'x' is assigned to before global declaration\n  global x\n * Debugger is active!";
        assert_eq!(starts(flask), vec![1, 2, 3, 4, 5, 7]);
        // A list announced by its record stays in it.
        let list = "[GIN-debug] [WARNING] Running in debug mode.\n - using env:\texport GIN_MODE=release\n - using code:\tgin.SetMode(gin.ReleaseMode)\n[GIN-debug] [WARNING] Trusting all proxies.";
        assert_eq!(starts(list), vec![1, 4]);
    }

    #[test]
    fn tables_reports_and_crashes_of_more_writers() {
        // cloud-init draws its tables a row per line, each under `ci-info: `.
        let tables = "Cloud-init v. 21.1 running 'init' at Fri, 07 May 2021 23:09:01 +0000.\n\
ci-info: ++++++++++Net device info++++++++++\n\
ci-info: +--------+------+-----------+\n\
ci-info: | Device |  Up  |  Address  |\n\
ci-info: +--------+------+-----------+\n\
ci-info: |   lo   | True | 127.0.0.1 |\n\
ci-info: +--------+------+-----------+\n\
ci-info: +++++++Route IPv4 info+++++++\n\
ci-info: +-------+-------------+\n\
ci-info: | Route | Destination |\n\
ci-info: no authorized SSH keys fingerprints found for user x.";
        assert_eq!(starts(tables), vec![1, 2, 8, 11]);
        // PostgreSQL without a log_line_prefix: the fields still follow their report.
        let pg = "LOG:  autovacuum launcher started\nERROR:  missing FROM-clause entry for table \"k\"\nSTATEMENT:  SELECT * FROM r ORDER BY k.name\nLOG:  unexpected EOF on client connection";
        assert_eq!(starts(pg), vec![1, 2, 4]);
        // Android's crash report: every line under AndroidRuntime's prefix.
        let crash = "02-28 13:55:05.936  5118  5166 E AndroidRuntime: FATAL EXCEPTION: Thread-5\n\
02-28 13:55:05.936  5118  5166 E AndroidRuntime: Process: com.example, PID: 5118\n\
02-28 13:55:05.936  5118  5166 E AndroidRuntime: java.lang.IllegalStateException: Not allowed\n\
02-28 13:55:05.936  5118  5166 E AndroidRuntime: \tat android.app.ContextImpl.start(ContextImpl.java:1701)\n\
02-28 14:06:12.844   781   781 F libc    : crash_dump helper failed to exec\n\
02-28 14:06:42.865  6117  6117 E AndroidRuntime: FATAL EXCEPTION: main";
        let got = join(crash);
        assert_eq!(got.iter().map(|r| r.0).collect::<Vec<_>>(), vec![1, 5, 6]);
        assert_eq!(parse_event(&got[1].1).level, Some(Level::Fatal));
    }

    #[test]
    fn a_ruby_backtrace_relayed_by_journald_is_one_record() {
        let input = "Oct 06 22:07:41 host bundle[2288]: 2025-10-06T13:07:41.655Z pid=2288 tid=4q1a WARN: RuntimeError: 400 Bad Request\n\
Oct 06 22:07:41 host bundle[2288]: 2025-10-06T13:07:41.655Z pid=2288 tid=4q1a WARN: app/services/wp.rb:70:in 'Wp#request'\n\
Oct 06 22:07:41 host bundle[2288]: app/services/wp.rb:13:in 'Wp#list_posts'\n\
Oct 06 22:07:41 host bundle[2288]: app/jobs/job.rb:25:in 'Job#perform'\n\
Oct 06 22:08:06 host bundle[2288]: 2025-10-06T13:08:06.743Z pid=2288 tid=4py6 INFO: start";
        // Sidekiq logs the backtrace as a message of its own, its frames under journald's
        // prefix only.
        assert_eq!(starts(input), vec![1, 2, 5]);
    }

    #[test]
    fn a_rust_panic_takes_its_message_line() {
        let input = "thread 'main' panicked at src/main.rs:3:5:\nindex out of bounds: the len is 1 but the index is 2\nnote: run with `RUST_BACKTRACE=1` environment variable to display a backtrace\nthread 'main' panicked at src/main.rs:3:5:\nboom";
        let got = join(input);
        assert_eq!(got.iter().map(|r| r.0).collect::<Vec<_>>(), vec![1, 3, 4]);
        assert_eq!(parse_event(&got[0].1).level, Some(Level::Error));
    }

    #[test]
    fn a_logging_handlers_error_report_is_one_record() {
        let py2 = "Traceback (most recent call last):\n  File \"/usr/lib/python2.7/logging/handlers.py\", line 928, in emit\n    smtp = smtplib.SMTP(self.mailhost, port)\nSMTPServerDisconnected: Connection unexpectedly closed: timed out\nLogged from file web.py, line 1524\nTraceback (most recent call last):\n  File \"x.py\", line 1, in emit\n    f()\nKeyError: 'a'\nLogged from file web.py, line 1524";
        assert_eq!(starts(py2), vec![1, 6]);
        let py3 = "--- Logging error ---\nTraceback (most recent call last):\n  File \"/usr/lib/python3.12/logging/__init__.py\", line 1160, in emit\n    msg = self.format(record)\nTypeError: not all arguments converted during string formatting\nCall stack:\n  File \"/app/main.py\", line 3, in <module>\n    log.info(\"x\", 1)\nMessage: 'x'\nArguments: (1,)\nnext line";
        assert_eq!(starts(py3), vec![1, 11]);
    }

    #[test]
    fn a_json_record_among_text_lines_is_its_own() {
        let input = "2024-05-01T10:00:01Z INF Starting provider *file.Provider\n\
{\"ClientAddr\":\"172.18.0.1:53460\",\"DownstreamStatus\":502,\"level\":\"info\",\"msg\":\"\"}\n\
{\"ClientAddr\":\"172.18.0.1:53462\",\"DownstreamStatus\":200,\"time\":\"2024-05-01T10:00:03Z\"}\n\
2024-05-01T10:00:04Z ERR error=\"dial tcp 10.0.0.2:80: connect: connection refused\"\n\
2024-05-01T10:00:06Z INF message body follows:\n\
{\"a\": 1, \"b\": 2}";
        assert_eq!(starts(input), vec![1, 2, 3, 4, 5]);
    }

    #[test]
    fn a_kernel_report_is_one_record_in_dmesg_and_in_syslog() {
        let dmesg = "[  120.100000] e1000e: eth0 NIC Link is Up\n\
[  123.456789] watchdog: BUG: soft lockup - CPU#1 stuck for 22s! [kworker/1:2:123]\n\
[  123.456800] Modules linked in: ext4 mbcache jbd2\n\
[  123.456810] CPU: 1 PID: 123 Comm: kworker/1:2 Not tainted 5.15.0-91-generic #101\n\
[  123.456840] RIP: 0010:_raw_spin_unlock_irqrestore+0x25/0x30\n\
[  123.456860] RSP: 0018:ffffb5c0c0d3bd48 EFLAGS: 00000246\n\
[  123.456880] Call Trace:\n\
[  123.456920]  <TASK>\n\
[  123.456930]  ata_scsi_queuecmd+0x1f/0x80\n\
[  123.456940]  </TASK>\n\
[  125.000000] e1000e: eth0 NIC Link is Down\n\
[  242.000000] INFO: task jbd2/sda1-8:123 blocked for more than 120 seconds.\n\
[  242.000001]       Not tainted 5.15.0-91-generic #101-Ubuntu\n\
[  242.000002] \"echo 0 > /proc/sys/kernel/hung_task_timeout_secs\" disables this message.\n\
[  242.000003] task:jbd2/sda1-8     state:D stack:    0 pid:  123 ppid:     2\n\
[  300.000000] ------------[ cut here ]------------\n\
[  300.000001] WARNING: CPU: 0 PID: 1 at kernel/x.c:10 f+0x1/0x2\n\
[  300.000005] Call Trace:\n\
[  300.000006]  g+0x1/0x2\n\
[  300.000007] ---[ end trace 0000000000000000 ]---\n\
[  300.000008] CPU: 0 PID: 1 is not a report's line once it has ended\n\
[ 5000.000000] java invoked oom-killer: gfp_mask=0x100cca(GFP_HIGHUSER_MOVABLE), order=0\n\
[ 5000.000006] Mem-Info:\n\
[ 5000.000010] [   4242]     0  4242  1000000   900000  7000000        0             0 java\n\
[ 5000.000012] Out of memory: Killed process 4242 (java) total-vm:4000000kB\n\
[ 5000.100000] oom_reaper: reaped process 4242 (java), now anon-rss:0kB";
        let got = join(dmesg);
        let starts: Vec<u64> = got.iter().map(|r| r.0).collect();
        assert_eq!(starts, vec![1, 2, 11, 12, 16, 21, 22, 26]);
        let levels: Vec<Option<Level>> = got.iter().map(|r| parse_event(&r.1).level).collect();
        assert_eq!(
            levels,
            vec![
                None,
                Some(Level::Error),
                None,
                Some(Level::Error),
                Some(Level::Warning),
                None,
                Some(Level::Error),
                None
            ]
        );
        assert!(
            parse_event(&got[4].1)
                .message
                .starts_with("WARNING: CPU: 0")
        );
        // The same report through syslog (kern.log) and the journal.
        for prefix in [
            "Dec  1 10:00:00 host kernel: ",
            "Dec 01 10:00:00 host kernel: ",
        ] {
            let journal: String = dmesg
                .lines()
                .map(|l| {
                    let l = if prefix.starts_with("Dec 01") {
                        &l[15..]
                    } else {
                        l
                    };
                    format!("{prefix}{l}\n")
                })
                .collect();
            let got = join(&journal);
            assert_eq!(
                got.iter().map(|r| r.0).collect::<Vec<_>>(),
                starts,
                "{prefix}"
            );
            let hung = parse_event(&got[3].1);
            assert_eq!(hung.level, Some(Level::Error));
            assert!(
                hung.message.starts_with("INFO: task jbd2"),
                "{}",
                hung.message
            );
        }
    }

    #[test]
    fn a_level_column_opens_records_and_a_failure_takes_its_traceback() {
        // Play 1 writes the thread first, then the time and the level: no header shape, but
        // a level column; its error report goes on over blank and plain lines.
        let play = "main 2011-05-01 10:56:22  INFO ~ Starting app\n\
main 2011-05-01 10:56:22  INFO ~ Module crud is available\n\
main 2011-05-01 10:56:22  INFO ~ Module rabbitmq is available\n\
main 2011-05-01 10:56:23  WARN ~ staticDir path must end with /\n\
play-thread-1 2011-05-01 10:59:24 ERROR ~ niceThrowable \n\
\n\
@66a1gkkjg\n\
Action not found\n\
\n\
play.exceptions.ActionNotFoundException: Action Module.index not found\n\
\tat play.mvc.ActionInvoker.getActionMethod(ActionInvoker.java:582)\n\
main 2011-05-01 11:00:49  INFO ~ Starting app";
        let column = crate::input::level_column::detect(play);
        assert_eq!(column, Some(3));
        let column_starts = |input: &str| {
            let mut j = Joiner::with_level_column(input, column);
            let mut got = Vec::new();
            for (i, line) in input.lines().enumerate() {
                got.extend(j.push(i as u64 + 1, line).map(|r| r.0));
            }
            while let Some(r) = j.finish() {
                got.push(r.0);
            }
            got
        };
        assert_eq!(column_starts(play), vec![1, 2, 3, 4, 5, 12]);
        // An indented line is inside its record even with a level word in that column.
        let indented = format!("{play}\n  detail x y WARN here\n");
        assert_eq!(column_starts(&indented), vec![1, 2, 3, 4, 5, 12]);
        // Django's runserver prints the security logger's message, then its traceback.
        let django = "Invalid HTTP_HOST header: '127.0.0.1:8000'. You may need to add '127.0.0.1' to ALLOWED_HOSTS.\nTraceback (most recent call last):\n  File \"/x.py\", line 1, in get_host\ndjango.core.exceptions.DisallowedHost: Invalid HTTP_HOST header\n[01/Dec/2026 10:00:00] \"GET / HTTP/1.1\" 400 59";
        assert_eq!(starts(django), vec![1, 5]);
        // A shell's error is whole on its line.
        let shell = "/srv/start.sh: line 16: exec: gunicorn: not found\nTraceback (most recent call last):\n  File \"x.py\", line 1, in <module>\nImportError: x";
        assert_eq!(starts(shell), vec![1, 2]);
    }

    #[test]
    fn dotnet_console_records_take_only_indented_lines() {
        let input = "info: Microsoft.Hosting.Lifetime[0]\n      Hosting environment: Development\ndotnet watch ⚠ msbuild: [Warning] Found project reference\ninfo: Microsoft.EntityFrameworkCore.Database.Command[20101]\n      Executed DbCommand (3ms)\nUsing launch settings from Properties/launchSettings.json...";
        assert_eq!(starts(input), vec![1, 3, 4, 6]);
    }

    #[test]
    fn a_trace_under_any_level_stays_with_its_record() {
        // SLF4J's `log.debug("...", e)` and Python's `exc_info=True` at DEBUG print the
        // trace under a low-level header: it is that record's, not an error of its own.
        let python = "2024-01-01 10:00:00,001 DEBUG botocore.endpoint: Exception received when sending HTTP request.\nTraceback (most recent call last):\n  File \"/x.py\", line 9, in send\nConnectionError: refused\n2024-01-01 10:00:01,000 INFO app: fine";
        assert_eq!(starts(python), vec![1, 5]);
        assert_eq!(parse_event(&join(python)[0].1).level, Some(Level::Debug));
        let java = "2024-01-01 10:00:00.001 DEBUG [main] c.z.h.p.HikariPool - Failed to create connection\njava.sql.SQLException: Connection refused\n\tat a.b(C.java:1)\n2024-01-01 10:00:01.000 INFO [main] App - up";
        assert_eq!(starts(java), vec![1, 4]);
    }

    #[test]
    fn plain_lines_without_headers_are_records_of_their_own() {
        let input = " * Serving Flask app 'app.py'\nWARNING: This is a development server.\nPress CTRL+C to quit\n * Restarting with stat";
        // Bulleted lines are items of their own.
        assert_eq!(starts(input), vec![1, 2, 3, 4]);
        // Without headers, deeper lines belong to the line above them.
        let nested = "/app/run.sh: line 3: failed\n    exit code 2\nnext";
        assert_eq!(starts(nested), vec![1, 3]);
    }

    #[test]
    fn multiline_messages_under_headers() {
        let input = "2009-07-20 22:59:27,672:DEBUG:Hello, World!\n  How are you today?\n2009-07-20 22:59:30,221:ERROR:Goodbye, World!";
        let ev = join(input);
        assert_eq!(starts(input), vec![1, 3]);
        assert_eq!(parse_event(&ev[1].1).level, Some(Level::Error));
        assert_eq!(parse_event(&ev[0].1).level, Some(Level::Debug));
    }

    #[test]
    fn rules_of_this_session_stay_within_their_shapes() {
        // A log4j `%5p` log: a message ending in a colon does not take the padded lines
        // after it.
        let padded = " INFO [main] o.a.k.c.c.ConsumerConfig - ConsumerConfig values:\n\
                      \tauto.commit.interval.ms = 5000\n\
                      \tbootstrap.servers = [localhost:9092]\n\
                      \x20INFO [main] o.a.k.c.u.AppInfoParser - Kafka version: 3.0.0\n\
                      \x20WARN [main] o.a.k.c.NetworkClient - Connection to node -1 could not be established.\n\
                      ERROR [main] c.e.App - failed\n";
        assert_eq!(starts(padded), vec![1, 4, 5, 6]);
        // A message that quotes a request keeps its traceback.
        let quoted = "2024-01-01 10:00:00,000 ERROR app: \"GET /x HTTP/1.1\" 500 handler raised\n\
                      Traceback (most recent call last):\n  File \"/app/x.py\", line 10, in boom\n\
                      \x20   raise ValueError(\"x\")\nValueError: x\n";
        assert_eq!(starts(quoted), vec![1]);
        // Lambda's lines do not make a function's prints continue the line before them.
        let lambda = "START RequestId: 8b2 Version: $LATEST\n\
                      [WARNING]\t2024-01-01T10:00:00.000Z\t8b2\tcache miss for key user:42\n\
                      processing order 17\norder 17 saved\nEND RequestId: 8b2\n";
        assert_eq!(starts(lambda), vec![1, 2, 3, 4, 5]);
        // Gradle's report keeps the paragraphs of its sections.
        let gradle = "FAILURE: Build failed with an exception.\n\n* What went wrong:\n\
                      Configuration cache problems found in this build.\n\n\
                      1 problem was found storing the configuration cache.\n\n\
                      * Try:\n> Run with --stacktrace option to get the stack trace.\n\n\
                      BUILD FAILED in 2s\n";
        assert_eq!(starts(gradle), vec![1, 11]);
    }

    #[test]
    fn codeigniter_records_keep_their_sql() {
        let input = "<?php defined('BASEPATH') OR exit('No direct script access allowed'); ?>\n\n\
                     ERROR - 2025-07-26 12:31:12 --> Query error: You have an error in your SQL syntax - Invalid query: SELECT *\n\
                     FROM `maxwell_esi_master`\nWHERE `mxesi_status` = 1\n\
                     ERROR - 2025-07-26 13:15:19 --> Severity: Warning --> Cannot modify header information\n\
                     DEBUG - 2025-07-26 13:15:20 --> Session: Class initialized\n";
        assert_eq!(starts(input), vec![1, 3, 6, 7]);
        let records = join(input);
        let e = parse_event(&records[1].1);
        assert_eq!(e.level, Some(Level::Error));
        assert!(e.timestamp.is_some());
        assert!(e.message.starts_with("Query error"));
    }

    #[test]
    fn security_tools_multi_line_records() {
        let snort = "[**] [1:1000006:0] TCP connection [**]\n[Priority: 0] \n\
                     09/04-21:42:42.860730 10.100.20.59:57263 -> 10.100.10.190:22\n\
                     TCP TTL:127 TOS:0x0 ID:53730 IpLen:20 DgmLen:108 DF\n\n\
                     [**] [1:1000005:0] UDP Connection [**]\n\
                     [Classification: A Network Trojan was Detected] [Priority: 1] \n";
        assert_eq!(starts(snort), vec![1, 6]);
        let modsec = "--d67af501-A--\n[07/Jun/2023:17:45:31 --0400] Z 1.2.3.4 1 5.6.7.8 80\n\
                      --d67af501-B--\nGET / HTTP/1.1\nHost: x\n\n--d67af501-H--\n\
                      Message: Warning. Pattern match\n\n--d67af501-Z--\n\n\
                      --e00bf501-A--\n[07/Jun/2023:17:45:32 --0400] Y 1.2.3.4 1 5.6.7.8 80\n\
                      --e00bf501-Z--\n";
        assert_eq!(starts(modsec), vec![1, 12]);
    }

    #[test]
    fn a_rails_backtrace_is_the_exception_line_s() {
        let input = "Started GET \"/contact\" for 5.255.103.132 at 2023-03-07 08:31:34 +0000\n\
                     ActionController::RoutingError (No route matches [GET] \"/contact\")\n\
                     config/initializers/100-quiet_logger.rb:20:in `call'\n\
                     lib/middleware/request_tracker.rb:228:in `call'\n\
                     start\n";
        assert_eq!(starts(input), vec![1, 2, 5]);
    }

    #[test]
    fn lambda_platform_lines_are_records_of_their_own() {
        // A dated app line, then Lambda's own undated lines: not the app line's.
        let input = "2023-07-20T18:37:39.961Z 7a1 Task timed out after 2.02 seconds\n\
                     END RequestId: 7a1\n\
                     REPORT RequestId: 7a1\tDuration: 2019.16 ms\tBilled Duration: 2187 ms\n\
                     XRAY TraceId: 1-abc\tSegmentId: 9f\tSampled: true\n\
                     INIT_START Runtime Version: java:17.v9\n\
                     START RequestId: 8b2 Version: 9\n\
                     2023-07-20T18:37:41.000Z 8b2 ERROR boom\n\
                     java.lang.IllegalStateException: boom\n\
                     \tat a.B.c(B.java:1)\n";
        assert_eq!(starts(input), vec![1, 2, 3, 5, 6, 7]);
    }

    #[test]
    fn julia_console_logger_records() {
        let input = "\u{250c} Warning: `info()` is deprecated, use `@info` instead.\n\
                     \u{2502}   caller = top-level scope at none:0\n\
                     \u{2514} @ Core none:0\n\
                     [ Info: Precompiling CoolProp\n\
                     \u{250c} Error: build failed\n\
                     \u{2514} @ Main build.jl:3\n\
                     CoolProp latestVersion = 6.1.0 ...\n";
        assert_eq!(starts(input), vec![1, 4, 5, 7]);
        use Level::{Error, Info, Warning};
        assert_eq!(
            written_levels(input),
            vec![Some(Warning), Some(Info), Some(Error), None]
        );
    }

    #[test]
    fn a_json_array_of_records_is_read_as_its_records() {
        // Cloud Logging's JSON download: pretty-printed entries in an array.
        let pretty = "[\n  {\n    \"severity\": \"ERROR\",\n    \"textPayload\": \"boom\"\n  },\n  \
                      {\n    \"severity\": \"INFO\",\n    \"textPayload\": \"ok\"\n  }\n]\n";
        // One entry per line, the first on the array's line.
        let compact = "[{\"level\":\"warn\",\"msg\":\"a\"},\n{\"level\":\"info\",\"msg\":\"b\"}]\n";
        for (input, first, second) in [(pretty, 2, 6), (compact, 1, 2)] {
            assert!(JsonJoiner::needed(input));
            let mut j = JsonJoiner::default();
            let mut out = Vec::new();
            for (i, l) in input.lines().enumerate() {
                out.extend(j.push(i as u64 + 1, l));
            }
            out.extend(j.finish());
            assert_eq!(
                out.iter().map(|r| r.0).collect::<Vec<_>>(),
                vec![first, second]
            );
            for (_, text) in &out {
                assert!(
                    serde_json::from_str::<serde_json::Value>(text).is_ok(),
                    "{text}"
                );
            }
        }
    }

    #[test]
    fn json_records_spanning_lines() {
        let input = "{\"level\":\"INFO\",\"message\":\"a\"}\n{\"level\": \"ERROR\", \"message\": \"b\",\n\"stacktrace\": [\"java.lang.X: y\",\n\"at a.B(B.java:1)\"] }\nnot json\n{\"level\":\"WARN\",\"message\":\"{ brace in a string\"}";
        assert!(JsonJoiner::needed(input));
        assert!(!JsonJoiner::needed("{\"a\":1}\n{\"b\":2}\n"));
        // A torn line followed by whole records is not a record spanning lines.
        assert!(!JsonJoiner::needed(
            "{\"a\":1}\n{\"b\":\n{\"c\":3}\n[[[[\n{\"d\":4}\n"
        ));
        let mut j = JsonJoiner::default();
        let mut out = Vec::new();
        for (i, l) in input.lines().enumerate() {
            out.extend(j.push(i as u64 + 1, l));
        }
        out.extend(j.finish());
        let starts: Vec<u64> = out.iter().map(|r| r.0).collect();
        assert_eq!(starts, vec![1, 2, 5, 6]);
        assert!(out[1].1.ends_with("] }"));
    }

    #[test]
    fn cockroachdb_entries_go_on_over_their_marked_lines() {
        let input = "I250902 12:17:32.188714 1 1@cli/log_flags.go:212 \u{22ee} [n?] 1  using explicit logging configuration:\n\
I250902 12:17:32.188714 1 1@cli/log_flags.go:212 \u{22ee} [n?] 1 +\u{2039}file-defaults: {dir: 'logs'}\u{203a}\n\
W250902 12:17:32.188908 1 1@cli/start.go:1446 \u{22ee} [n?] 2  ALL SECURITY CONTROLS HAVE BEEN DISABLED!\n\
W250902 12:17:32.188908 1 1@cli/start.go:1446 \u{22ee} [n?] 2 +\n\
W250902 12:17:32.188908 1 1@cli/start.go:1446 \u{22ee} [n?] 2 |rest of a long line\n\
I250902 12:17:32.189501 1 1@cli/start.go:562 \u{22ee} [n?] 5  soft memory limit\n";
        let starts: Vec<u64> = join(input).iter().map(|r| r.0).collect();
        assert_eq!(starts, vec![1, 3, 6]);
        let h = read_header(input.lines().nth(2).unwrap());
        assert_eq!(h.level, Some(crate::level::Level::Warning));
        assert_eq!(
            h.timestamp,
            crate::input::time::parse_timestamp("2025-09-02T12:17:32.188908Z")
        );
        assert_eq!(
            &input.lines().nth(2).unwrap()[h.message_start..],
            "ALL SECURITY CONTROLS HAVE BEEN DISABLED!"
        );
    }

    #[test]
    fn a_frame_of_stars_holds_messages() {
        // CockroachDB's stderr: each `* LEVEL:` opens a message, `*` lines separate.
        let input = "cockroach start: Tue Sep  2 12:17:43 UTC 2025, logging to logs\n*\n\
* WARNING: ALL SECURITY CONTROLS HAVE BEEN DISABLED!\n* \n* In this mode:\n\
* - Your cluster is open.\n*\n*\n* INFO: initial startup completed.\n\
* Node will now attempt to join a running cluster.\n*\n";
        let got = join(input);
        let starts: Vec<u64> = got.iter().map(|r| r.0).collect();
        assert_eq!(starts, vec![1, 3, 9]);
        let boxed = "=====\n===== LOGGING STARTED Thu May 30 11:22:43 WIB 2019\n=====\nconfig is OK\n\
!!!!\r\n!!!! WARNING: ulimit -n is 1024.\r\n!!!!\r\n=====\n===== LOGGING STARTED Thu May 30\n=====\n";
        let boxes = join(boxed);
        assert_eq!(
            boxes.iter().map(|r| r.0).collect::<Vec<_>>(),
            vec![1, 4, 5, 8]
        );
        let warning = text::parse_event(&boxes[2].1);
        assert_eq!(warning.level, Some(crate::level::Level::Warning));
        assert_eq!(warning.message, "ulimit -n is 1024.");
        let adb = "* daemon not running. starting it now on port 5037 *\n* daemon started successfully *\n";
        assert_eq!(join(adb).len(), 2);
        assert!(got[1].1.ends_with("* - Your cluster is open."));
        assert_eq!(
            severity::prefix_level("* WARNING: ALL SECURITY").map(|x| x.0),
            Some(crate::level::Level::Warning)
        );
    }

    #[test]
    fn a_relayed_dump_goes_on_past_another_programs_lines() {
        // journald interleaves systemd's lines into kubelet's goroutine dump: the dump's
        // lines stay with klog's fatal line, records leave in the order they started.
        let input = "Sep 22 16:53:58 m kubelet[137]: I0922 16:53:58.1 137 server.go:1] starting\n\
Sep 22 16:53:58 m kubelet[137]: F0922 16:53:58.7 137 server.go:198] failed to load config\n\
Sep 22 16:53:58 m kubelet[137]: goroutine 1 [running]:\n\
Sep 22 16:53:58 m kubelet[137]: k8s.io/klog/v2.stacks(0xc0001a2001, 0xc0001b8840)\n\
Sep 22 16:53:58 m kubelet[137]: /workspace/src/k8s.io/klog/v2/klog.go:996 +0xb9\n\
Sep 22 16:53:58 m systemd[1]: kubelet.service: main process exited, code=exited, status=255/n/a\n\
Sep 22 16:53:58 m kubelet[137]: main.main()\n\
Sep 22 16:53:58 m kubelet[137]: _output/src/k8s.io/kubernetes/cmd/kubelet/kubelet.go:41 +0xe5\n\
Sep 22 16:53:58 m systemd[1]: kubelet.service failed.\n\
Sep 22 16:54:08 m kubelet[140]: I0922 16:54:08.1 140 server.go:1] starting\n";
        let got = join(input);
        assert_eq!(
            got.iter().map(|r| r.0).collect::<Vec<_>>(),
            vec![1, 2, 6, 9, 10]
        );
        assert!(got[1].1.ends_with("kubelet.go:41 +0xe5"), "{:?}", got[1].1);
        assert_eq!(got[1].1.lines().count(), 6);
    }

    #[test]
    fn rules_of_other_formats_stay_in_their_lane() {
        // klog's messages may start with a number and `|` or `+`: CockroachDB's marks only
        // follow its own header, which has the year.
        let klog = "I0922 16:53:58.100000 137 server.go:1] starting\n\
E0922 16:53:58.200000 137 table.go:10] 5 | 6 rows mismatched\n\
E0922 16:53:58.300000 137 calc.go:10] 2 +2 != 5\n";
        assert_eq!(join(klog).len(), 3);
        // Two throwables logged in one millisecond under one logcat header: each keeps its
        // frames (a trace is parked only under a syslog program's tag).
        let logcat = "09-01 12:00:00.100  1234  1234 E Sync: item 1 failed\n\
09-01 12:00:00.100  1234  1234 E Sync: java.lang.IllegalStateException: x\n\
09-01 12:00:00.100  1234  1234 E Sync: \tat a.B.c(B.java:1)\n\
09-01 12:00:00.100  1234  1234 E Sync: item 2 failed\n\
09-01 12:00:00.100  1234  1234 E Sync: java.lang.IllegalStateException: y\n\
09-01 12:00:00.100  1234  1234 E Sync: \tat a.B.d(B.java:2)\n\
09-01 12:00:00.200  1234  1234 I Sync: done\n";
        let got = join(logcat);
        assert_eq!(got.iter().map(|r| r.0).collect::<Vec<_>>(), vec![1, 4, 7]);
        assert!(got[1].1.ends_with("(B.java:2)"));
        // A message that announces a list keeps its tagged lines.
        let report = "2024-01-01 10:00:00 ERROR Health report failed:\n[OK] db reachable\n\
[OK] cache warm\n[OK] disk space\n[FAIL] queue unreachable\n2024-01-01 10:00:01 INFO next\n";
        // (`[FAIL]` is a level tag: a record of its own.)
        assert_eq!(
            join(report).iter().map(|r| r.0).collect::<Vec<_>>(),
            vec![1, 5, 6]
        );
        // A gutter-like line continues only a diagnostic.
        let plain = "Starting build\n3 errors\n200 | OK\nDone\n";
        assert_eq!(join(plain).len(), 4);
        let ghc = "src/Loan.hs:86:10-19: warning: [-Wmissing-methods]\n    No explicit implementation\n   |\n86 | instance Asset Loan where\n   |          ^^^^\n";
        assert_eq!(join(ghc).len(), 1);
    }

    #[test]
    fn a_rust_panic_opens_its_own_record() {
        let input = "2024-01-01 10:00:00 INFO building\n   Compiling foo v0.1.0\n\
thread 'main' panicked at src/main.rs:3:5:\nindex out of bounds\n\
note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace\n\
2024-01-01 10:00:01 INFO done\n";
        assert_eq!(
            join(input).iter().map(|r| r.0).collect::<Vec<_>>(),
            vec![1, 3, 6]
        );
    }
}
