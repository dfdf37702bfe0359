//! Runs inputs through readers, fingerprinting and aggregation on all cores: one reader
//! thread splits each input into batches of events, workers parse and aggregate their
//! share (batch `i` always goes to worker `i % n`, so results do not depend on timing), and
//! the workers' aggregates are merged.

use crate::aggregate::{Aggregator, Group, VersionTotals};
use crate::event::Event;
use crate::fingerprint::Fingerprinter;
use crate::input::assemble::{Assembled, Assembler, Meta, Plan, take_meta};
use crate::input::json::JsonPaths;
use crate::input::mapping::FieldMap;
use crate::input::oversize::{JsonShrinker, OverLong};
use crate::input::records::Joiner;
use crate::input::text;
use crate::input::{self, Format, Input, LineReader, Malformed};
use crate::level::Level;
use crossbeam_channel::{Receiver, Sender, bounded};
use serde::Serialize;
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::io::BufRead;
use std::sync::Arc;

/// Malformed-line examples kept for the report.
pub const MALFORMED_EXAMPLES: usize = 10;
const BATCH_BYTES: usize = 512 << 10;

#[derive(Debug, Clone)]
pub struct Options {
    /// Force a format instead of detecting it per input.
    pub format: Option<Format>,
    pub fields: FieldMap,
    /// Events below this level are counted but not grouped; `None` groups every event,
    /// including those without a level.
    pub min_level: Option<Level>,
    /// Events stamped before this instant (ms since the epoch) are left out, as a backend
    /// asked for the same window would leave them out. Events without a timestamp stay.
    pub since_ms: Option<i64>,
    /// Cap on what a compressed input may decompress to (default: see [`input::open`]).
    pub max_decompressed: Option<u64>,
    pub threads: usize,
    /// Keep one record per grouped event (for `logtriage fingerprint`).
    pub record_events: bool,
    /// Incremented by the number of events read, as they are read (progress display).
    pub progress: Option<Arc<std::sync::atomic::AtomicU64>>,
    /// The longest a backend may take to answer, all its requests and retries together
    /// (`--timeout`); past it the source is blind.
    pub run_timeout: std::time::Duration,
    /// The longest one request to a backend may take (`--request-timeout`).
    pub request_timeout: std::time::Duration,
    /// A person's merges and splits and the template store (`crate::grouping`).
    pub grouping: Arc<crate::grouping::Grouping>,
}

/// Default for [`Options::run_timeout`].
pub const DEFAULT_RUN_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(300);
/// Default for [`Options::request_timeout`].
pub const DEFAULT_REQUEST_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

impl Default for Options {
    fn default() -> Self {
        Options {
            format: None,
            fields: FieldMap::default(),
            min_level: Some(Level::Warning),
            since_ms: None,
            max_decompressed: None,
            run_timeout: DEFAULT_RUN_TIMEOUT,
            request_timeout: DEFAULT_REQUEST_TIMEOUT,
            threads: std::thread::available_parallelism()
                .map_or(2, |n| n.get())
                .clamp(1, 8),
            record_events: false,
            progress: None,
            grouping: Arc::default(),
        }
    }
}

/// One input with an optional version label applied to all of its events (for `diff`).
#[derive(Debug, Clone)]
pub struct SourceSpec {
    pub input: Input,
    pub version: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SourceSummary {
    pub name: String,
    pub format: Option<String>,
    /// Events read (all levels).
    pub events: u64,
    pub malformed: u64,
    /// Why this source could not be read (fully): then the data is incomplete.
    pub error: Option<String>,
    /// The field versions were read from when it is none of the known names (found by
    /// name and value shape at the start of the input).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version_field: Option<String>,
}

/// One grouped event, for `logtriage fingerprint`.
#[derive(Debug, Clone)]
pub struct EventRecord {
    pub source: u32,
    pub line: u64,
    pub level: Option<Level>,
    /// Why the level was inferred, when it was not written.
    pub level_inferred: Option<&'static str>,
    pub key: u64,
}

/// Everything read: groups, per-version totals, and what could not be read.
#[derive(Debug)]
pub struct Analysis {
    pub groups: Vec<Group>,
    pub versions: BTreeMap<String, VersionTotals>,
    pub sources: Vec<SourceSummary>,
    pub malformed_examples: Vec<Malformed>,
    pub events: Vec<EventRecord>,
    pub key_to_fingerprint: HashMap<u64, String>,
    /// Distinct templates past the mining cap, left unmerged.
    pub unmined: usize,
    /// Pre-groups folded into the overflow group past `aggregate::MAX_GROUPS`.
    pub folded: u64,
    /// Fingerprints the template store did not know, with the groups this run put them in.
    pub new_store_entries: Vec<(String, String)>,
}

impl Analysis {
    pub fn malformed_total(&self) -> u64 {
        self.sources.iter().map(|s| s.malformed).sum()
    }
    pub fn failed_sources(&self) -> Vec<&SourceSummary> {
        self.sources.iter().filter(|s| s.error.is_some()).collect()
    }
    pub fn group(&self, fingerprint: &str) -> Option<&Group> {
        self.groups.iter().find(|g| g.fingerprint == fingerprint)
    }
}

/// One line of a batch: its number, its byte range in the batch's data, and the length it
/// had before it was cut, if it was.
type Item = (u64, usize, usize, Option<usize>);

struct Batch {
    source: u32,
    format: Format,
    version: Option<Arc<str>>,
    /// The source's own field mapping, when it differs from the run's.
    mapping: Option<Arc<Mapping>>,
    data: Vec<u8>,
    /// (line, start, end, truncated_from). Empty for a block of whole lines, which the
    /// worker splits itself; `first_line` numbers them.
    items: Vec<Item>,
    first_line: u64,
    /// What the assembler said about each item: a wrapper's time and service, a level
    /// column's level (by item index; shorter than `items` where the rest have none).
    meta: Vec<Meta>,
}

/// Splits a block of whole lines (LF or CRLF) into items.
fn split_block(data: &[u8], first_line: u64) -> Vec<Item> {
    let mut items = Vec::with_capacity(data.len() / 256 + 1);
    let mut start = 0;
    let ends = memchr::memchr_iter(b'\n', data).chain(std::iter::once(data.len()));
    for (line, nl) in (first_line..).zip(ends) {
        if nl == data.len() && start == data.len() {
            break;
        }
        let end = if nl > start && data[nl - 1] == b'\r' {
            nl - 1
        } else {
            nl
        };
        // A block can hold a line somewhat over the cap: the worker shrinks a JSON one,
        // other lines are cut like the reader would.
        let truncated = (end - start > input::MAX_LINE_BYTES).then_some(end - start);
        let end = if truncated.is_some() && JsonShrinker::applies_to(&data[start..end]) {
            end
        } else {
            end.min(start + input::MAX_LINE_BYTES)
        };
        items.push((line, start, end, truncated));
        start = nl + 1;
    }
    items
}

/// The aggregator a run uses: bounded (`aggregate::MAX_GROUPS`), except when every event
/// is recorded (`fingerprint`, which prints each line's group: memory grows with the
/// events there anyway, and a folded pre-group would leave its lines without one).
fn aggregator(opts: &Options) -> Aggregator {
    if opts.record_events {
        Aggregator::with_limit(usize::MAX)
    } else {
        Aggregator::default()
    }
}

#[derive(Default)]
struct WorkerOut {
    agg: Aggregator,
    malformed: Vec<Malformed>,
    malformed_count: HashMap<u32, u64>,
    events_count: HashMap<u32, u64>,
    records: Vec<EventRecord>,
}

/// Reads every source and aggregates.
pub fn analyze(sources: &[SourceSpec], opts: &Options) -> Analysis {
    let threads = opts.threads.max(1);
    let names: Arc<Vec<String>> = Arc::new(sources.iter().map(|s| s.input.name()).collect());
    let mut summaries: Vec<SourceSummary> = sources
        .iter()
        .map(|s| SourceSummary {
            name: s.input.name(),
            format: None,
            events: 0,
            malformed: 0,
            error: None,
            version_field: None,
        })
        .collect();
    let paths = Arc::new(JsonPaths::new(&opts.fields));
    let outs: Vec<WorkerOut> = std::thread::scope(|scope| {
        let mut txs: Vec<Sender<Batch>> = Vec::new();
        let mut handles = Vec::new();
        for _ in 0..threads {
            let (tx, rx) = bounded::<Batch>(4);
            txs.push(tx);
            let paths = paths.clone();
            let names = names.clone();
            handles.push(scope.spawn(move || worker(rx, opts, &paths, &names)));
        }
        let mut next = 0usize;
        for (i, spec) in sources.iter().enumerate() {
            let read = read_source(i as u32, spec, opts, &txs, &mut next);
            summaries[i].format = read.format.map(|f| f.name().to_string());
            summaries[i].error = read.error;
            summaries[i].version_field = read.version_field;
        }
        drop(txs);
        handles
            .into_iter()
            .map(|h| h.join().expect("worker panicked"))
            .collect()
    });
    let mut agg = aggregator(opts);
    let mut malformed = Vec::new();
    let mut records = Vec::new();
    for o in outs {
        agg.merge(o.agg);
        malformed.extend(o.malformed);
        records.extend(o.records);
        for (s, n) in o.malformed_count {
            summaries[s as usize].malformed += n;
        }
        for (s, n) in o.events_count {
            summaries[s as usize].events += n;
        }
    }
    malformed.sort_by(|a, b| (&a.source, a.line).cmp(&(&b.source, b.line)));
    malformed.truncate(MALFORMED_EXAMPLES);
    records.sort_by_key(|r| (r.source, r.line));
    let versions = agg.versions.clone();
    let f = agg.finalize_with(&opts.grouping);
    Analysis {
        groups: f.groups,
        versions,
        sources: summaries,
        malformed_examples: malformed,
        events: records,
        key_to_fingerprint: f.key_to_fingerprint,
        unmined: f.unmined,
        folded: f.folded,
        new_store_entries: f.new_store_entries,
    }
}

/// The field mapping one source's records are read with, and its JSON lookups.
pub struct Mapping {
    pub fields: FieldMap,
    pub paths: JsonPaths,
}

/// A source opened and planned.
struct Opened {
    reader: Box<dyn BufRead + Send>,
    plan: Plan,
    /// Its own mapping, when its version field has a name none of the known ones has.
    mapping: Option<Arc<Mapping>>,
    version_field: Option<String>,
}

/// Opens a source, reads its start, and decides how its lines become records and which
/// field holds its version.
fn open_source(spec: &SourceSpec, opts: &Options) -> Result<Opened, String> {
    let mut reader =
        input::open(&spec.input, opts.max_decompressed).map_err(|e| format!("cannot open: {e}"))?;
    let sample = reader
        .fill_buf()
        .map_err(|e| format!("cannot read: {e}"))?
        .to_vec();
    let plan = Plan::new(&sample, opts.format);
    let version_field = if spec.version.is_none() {
        plan.samples
            .iter()
            .find_map(|(_, text)| input::version_field::discover(text, plan.format, &opts.fields))
    } else {
        None
    };
    let mapping = version_field.as_deref().map(|field| {
        let mut fields = opts.fields.clone();
        fields.add_candidate(crate::input::mapping::Role::Version, field);
        let paths = JsonPaths::new(&fields);
        Arc::new(Mapping { fields, paths })
    });
    Ok(Opened {
        reader,
        plan,
        mapping,
        version_field,
    })
}

/// What reading one source found out about it.
struct SourceRead {
    format: Option<Format>,
    /// Why reading stopped early, if it did.
    error: Option<String>,
    version_field: Option<String>,
}

/// What [`each_record`] gives each record: its line, text, wrapper meta, and the length
/// of its line when that was cut.
type OnRecord<'a> = dyn FnMut(u64, &str, &Meta, Option<usize>) + 'a;

/// Reads every record of an opened source in order, through its assembler when it needs
/// one (else one line is one record): `on_record(line, text, meta, truncated_from)`.
/// Returns why reading stopped early, if it did.
fn each_record(
    reader: Box<dyn BufRead + Send>,
    plan: Plan,
    on_record: &mut OnRecord,
) -> Option<String> {
    let format = plan.format;
    let mut assembler = plan.needs_assembly().then(|| Assembler::new(plan));
    let mut lines = LineReader::new(reader);
    let mut buf = Vec::new();
    let mut records: Vec<Assembled> = Vec::new();
    let none = Meta::default();
    let mut error = None;
    loop {
        buf.clear();
        let info = match lines.next_line(&mut buf) {
            Ok(Some(i)) => i,
            Ok(None) => break,
            Err(e) => {
                error = Some(format!("read error after line {}: {e}", lines.line_no));
                break;
            }
        };
        // std's validation first: `from_utf8_lossy` walks a line chunk by chunk, slower on
        // the valid lines that are nearly all of them.
        let mut line = match std::str::from_utf8(&buf) {
            Ok(s) => Cow::Borrowed(s),
            Err(_) => String::from_utf8_lossy(&buf),
        };
        // A JSON line was shrunk and still parses; other shapes keep the event, marked cut.
        if let Some(n) = info.truncated_from
            && !info.shrunk
            && format != Format::Ndjson
        {
            line = Cow::Owned(truncation_marker(&line, n));
        }
        match assembler.as_mut() {
            Some(a) => {
                a.push(info.no, &line, &mut records);
                for r in records.drain(..) {
                    on_record(r.line, &r.text, &r.meta, None);
                }
            }
            None => on_record(info.no, &line, &none, info.truncated_from),
        }
    }
    if let Some(a) = assembler.as_mut() {
        a.finish(&mut records);
        for r in records.drain(..) {
            on_record(r.line, &r.text, &r.meta, None);
        }
    }
    error
}

/// Splits one source into batches for the workers.
fn read_source(
    source: u32,
    spec: &SourceSpec,
    opts: &Options,
    txs: &[Sender<Batch>],
    next: &mut usize,
) -> SourceRead {
    let opened = match open_source(spec, opts) {
        Ok(o) => o,
        Err(error) => {
            return SourceRead {
                format: None,
                error: Some(error),
                version_field: None,
            };
        }
    };
    let format = opened.plan.format;
    let version: Option<Arc<str>> = spec.version.as_deref().map(Arc::from);
    let mapping = opened.mapping;
    let send = |b: Batch, next: &mut usize| {
        let _ = txs[*next % txs.len()].send(b);
        *next += 1;
    };
    let new_batch = || Batch {
        source,
        format,
        version: version.clone(),
        mapping: mapping.clone(),
        data: Vec::new(),
        items: Vec::new(),
        first_line: 0,
        meta: Vec::new(),
    };
    let error = if opened.plan.needs_assembly() {
        let with_room = || {
            let mut b = new_batch();
            b.data.reserve(BATCH_BYTES + 4096);
            b
        };
        let mut batch = with_room();
        let error = each_record(opened.reader, opened.plan, &mut |line, text, meta, _| {
            push_item(&mut batch, line, text.as_bytes(), None);
            // A wrapper's time and service, a level column's level, at the item's index;
            // items past the end have none (most text inputs: nothing is stored).
            if *meta != Meta::default() {
                batch.meta.resize(batch.items.len() - 1, Meta::default());
                batch.meta.push(meta.clone());
            }
            if batch.data.len() >= BATCH_BYTES {
                send(std::mem::replace(&mut batch, with_room()), next);
            }
        });
        if !batch.items.is_empty() {
            send(batch, next);
        }
        error
    } else {
        read_blocks(opened.reader, format, &new_batch, &send, next)
    };
    SourceRead {
        format: Some(format),
        error,
        version_field: opened.version_field,
    }
}

/// Line-per-event formats: sends blocks of whole lines without splitting them here (the
/// workers do), so the reader thread only reads and counts newlines. A line longer than
/// [`input::MAX_LINE_BYTES`] is cut there and sent on its own, marked truncated.
fn read_blocks(
    mut reader: Box<dyn BufRead + Send>,
    format: Format,
    new_batch: &dyn Fn() -> Batch,
    send_batch: &dyn Fn(Batch, &mut usize),
    next: &mut usize,
) -> Option<String> {
    let mut line_no: u64 = 1; // number of the first line in `buf`
    let mut buf: Vec<u8> = Vec::with_capacity(BATCH_BYTES * 2);
    // While reading the rest of an over-long line: its number, what is kept of it, and
    // its length so far.
    let mut oversize: Option<(u64, OverLong, usize)> = None;
    let mut send = |data: Vec<u8>, items: Vec<Item>, first_line: u64| {
        send_batch(
            Batch {
                data,
                items,
                first_line,
                ..new_batch()
            },
            next,
        );
    };
    loop {
        let chunk = match reader.fill_buf() {
            Ok(c) => c,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => {
                if !buf.is_empty() {
                    send(std::mem::take(&mut buf), Vec::new(), line_no);
                }
                return Some(format!(
                    "read error after line {}: {e}",
                    line_no.saturating_sub(1)
                ));
            }
        };
        if chunk.is_empty() {
            break;
        }
        let n = chunk.len();
        if let Some((no, kept, total)) = oversize.as_mut() {
            match memchr::memchr(b'\n', chunk) {
                Some(i) => {
                    *total += i;
                    kept.feed(&chunk[..i]);
                    let (no, total) = (*no, *total);
                    let Some((_, kept, _)) = oversize.take() else {
                        unreachable!()
                    };
                    let line = kept.finish();
                    let len = line.len();
                    send(line, vec![(no, 0, len, Some(total))], no);
                    line_no = no + 1;
                    reader.consume(i + 1);
                }
                None => {
                    *total += n;
                    kept.feed(chunk);
                    reader.consume(n);
                }
            }
            continue;
        }
        buf.extend_from_slice(chunk);
        reader.consume(n);
        if buf.len() < BATCH_BYTES {
            continue;
        }
        match memchr::memrchr(b'\n', &buf) {
            Some(last) => {
                // Text lines at the end go with the next block: a panic's goroutine dump
                // is joined in one worker.
                let cut = stray_tail_start(&buf[..last + 1], format);
                let rest = buf.split_off(cut);
                let lines = memchr::memchr_iter(b'\n', &buf).count() as u64;
                let block = std::mem::replace(&mut buf, rest);
                send(block, Vec::new(), line_no);
                line_no += lines;
            }
            None if buf.len() > input::MAX_LINE_BYTES => {
                let total = buf.len();
                let kept = OverLong::start(std::mem::take(&mut buf));
                oversize = Some((line_no, kept, total));
            }
            None => {}
        }
    }
    if let Some((no, kept, total)) = oversize {
        let line = kept.finish();
        let len = line.len();
        send(line, vec![(no, 0, len, Some(total))], no);
    } else if !buf.is_empty() {
        send(buf, Vec::new(), line_no);
    }
    None
}

/// Where the run of text lines (see [`input::is_stray_text`]) that ends `block` (whole
/// lines) starts, so that the block can be cut before it; the block's end when it ends
/// with a structured line, or when the run is longer than [`MAX_STRAY_TAIL`] or is the
/// whole block (then it is cut where it is).
fn stray_tail_start(block: &[u8], format: Format) -> usize {
    let end = block.len();
    if !matches!(format, Format::Ndjson | Format::Logfmt) {
        return end;
    }
    let mut start = end;
    while start > 0 && end - start < MAX_STRAY_TAIL {
        // The line that ends at `start - 1` (its newline).
        let line_start = memchr::memrchr(b'\n', &block[..start - 1]).map_or(0, |i| i + 1);
        let line = &block[line_start..start - 1];
        let stray = std::str::from_utf8(line).is_ok_and(|l| input::is_stray_text(format, l));
        if !stray {
            return start;
        }
        start = line_start;
    }
    end
}

/// The most bytes of text lines carried from one block to the next.
const MAX_STRAY_TAIL: usize = 256 << 10;

/// Parses one item (a line, or a joined text event) in `format`.
fn parse_item<'a>(
    format: Format,
    text: &'a str,
    fields: &FieldMap,
    paths: &JsonPaths,
    memo: &mut input::json::KeyMemo,
) -> Result<Event<'a>, String> {
    match format {
        Format::Ndjson => input::json::parse_line(text, fields, paths, memo),
        Format::Logfmt => input::logfmt::parse_line(text, fields, paths),
        Format::Text => Ok(parse_text_record(text, fields, paths, memo)),
        Format::Raw => Ok(Event {
            message: Cow::Borrowed(text),
            ..Event::default()
        }),
    }
}

/// A text record; a JSON object or a logfmt line among text lines (a mixed stream, a
/// container that logs both) is read as such, the lines after a logfmt line as its stack.
fn parse_text_record<'a>(
    text: &'a str,
    fields: &FieldMap,
    paths: &JsonPaths,
    memo: &mut input::json::KeyMemo,
) -> Event<'a> {
    if text.starts_with('{')
        && text.trim_end().ends_with('}')
        && let Ok(ev) = input::json::parse_line(text, fields, paths, memo)
    {
        return ev;
    }
    let (first, rest) = text.split_once('\n').unwrap_or((text, ""));
    if input::logfmt::opens_line(first)
        && let Ok(mut ev) = input::logfmt::parse_line(first, fields, paths)
    {
        if ev.stack.is_none() && !rest.trim().is_empty() {
            ev.stack = Some(Cow::Borrowed(rest));
        }
        return ev;
    }
    text::parse_event(text)
}

/// Reads one source event by event, in order, on this thread (for `ingest`): `on_event`
/// gets every event, `on_malformed` every line that is not one. Returns the format and,
/// if reading stopped early, why.
pub fn read_events(
    spec: &SourceSpec,
    opts: &Options,
    on_event: &mut dyn FnMut(&Event),
    on_malformed: &mut dyn FnMut(Malformed),
) -> (Option<Format>, Option<String>) {
    let opened = match open_source(spec, opts) {
        Ok(o) => o,
        Err(e) => return (None, Some(e)),
    };
    let format = opened.plan.format;
    let run_paths;
    let (fields, paths) = match &opened.mapping {
        Some(m) => (&m.fields, &m.paths),
        None => {
            run_paths = JsonPaths::new(&opts.fields);
            (&opts.fields, &run_paths)
        }
    };
    let mut memo = input::json::KeyMemo::default();
    let name = spec.input.name();
    // As the workers do: text lines of a structured input are joined and read as text.
    let mut stray = StrayText::new(format);
    // The wrapper meta of the text lines not yet emitted, to give each record its first
    // line's, as the workers do.
    let mut stray_meta: std::collections::VecDeque<(u64, Meta)> = Default::default();
    let mut versions = VersionCarry::default();
    let emit_text = |record: Option<(u64, String)>,
                     memo: &mut input::json::KeyMemo,
                     stray_meta: &mut std::collections::VecDeque<(u64, Meta)>,
                     versions: &mut VersionCarry,
                     on_event: &mut dyn FnMut(&Event)| {
        if let Some((line, text)) = record {
            let meta = take_meta(stray_meta, line);
            let mut ev = parse_text_record(&text, fields, paths, memo);
            ev.line = line;
            if let Some(m) = &meta {
                apply_meta(&mut ev, m);
            }
            versions.carry(&mut ev, true);
            if let Some(v) = &spec.version {
                ev.version = Some(Cow::Borrowed(v));
            }
            on_event(&ev);
        }
    };
    let error = each_record(
        opened.reader,
        opened.plan,
        &mut |line, text, meta, truncated| {
            let (is_text, record) = stray.feed(line, text);
            if is_text && *meta != Meta::default() {
                stray_meta.push_back((line, meta.clone()));
            }
            emit_text(record, &mut memo, &mut stray_meta, &mut versions, on_event);
            if is_text {
                return;
            }
            stray_meta.clear();
            if text.trim().is_empty() {
                return;
            }
            match parse_item(format, text, fields, paths, &mut memo) {
                Ok(mut ev) => {
                    ev.line = line;
                    apply_meta(&mut ev, meta);
                    versions.carry(&mut ev, format == Format::Text);
                    if let Some(v) = &spec.version {
                        ev.version = Some(Cow::Borrowed(v));
                    }
                    on_event(&ev);
                }
                Err(reason) => on_malformed(Malformed {
                    source: name.clone(),
                    line,
                    reason: truncated_reason(reason, truncated),
                }),
            }
        },
    );
    emit_text(
        stray.finish(),
        &mut memo,
        &mut stray_meta,
        &mut versions,
        on_event,
    );
    (Some(format), error)
}

/// A malformed line's reason, saying when the line was cut first.
fn truncated_reason(reason: String, truncated: Option<usize>) -> String {
    match truncated {
        Some(n) => format!(
            "line of {n} bytes truncated to {} bytes: {reason}",
            input::MAX_LINE_BYTES
        ),
        None => reason,
    }
}

/// What a wrapper said, where the record itself is silent.
fn apply_meta<'a>(ev: &mut Event<'a>, meta: &'a Meta) {
    if ev.timestamp.is_none() {
        ev.timestamp = meta.timestamp;
    }
    if meta.column_level.is_some() && (ev.level.is_none() || ev.level_inferred.is_some()) {
        ev.level = meta.column_level;
        ev.level_inferred = None;
    }
    // A wrapper's level stands where the record wrote none: over no level, and over an
    // inferred one it outranks (Fly's `[error]` over `failed` read as a warning; its
    // `[info]` for whatever an app printed does not lower what the words say).
    match (ev.level, meta.wrapper_level) {
        (None, w) => ev.level = w,
        (Some(inferred), Some(w)) if ev.level_inferred.is_some() && w > inferred => {
            ev.level = Some(w);
            ev.level_inferred = None;
        }
        _ => {}
    }
    if let Some(s) = &meta.service
        && ev.dim(crate::event::Dimension::Service).is_none()
    {
        ev.set_dim(crate::event::Dimension::Service, Cow::Borrowed(s));
    }
}

/// The first [`input::MAX_LINE_BYTES`] of a line, marked as cut.
fn truncation_marker(head: &str, original_len: usize) -> String {
    format!("{head} …[line truncated: {original_len} bytes]")
}

fn push_item(batch: &mut Batch, line: u64, bytes: &[u8], truncated: Option<usize>) {
    let start = batch.data.len();
    batch.data.extend_from_slice(bytes);
    batch.items.push((line, start, batch.data.len(), truncated));
}

fn worker(rx: Receiver<Batch>, opts: &Options, paths: &JsonPaths, names: &[String]) -> WorkerOut {
    let mut out = WorkerOut {
        agg: aggregator(opts),
        ..WorkerOut::default()
    };
    let mut fp = Fingerprinter::default();
    let mut memo = input::json::KeyMemo::default();
    // The memo caches lookups of one mapping: start it anew when the mapping changes.
    let mut memo_of: Option<*const Mapping> = None;
    for batch in rx {
        let (fields, paths) = match &batch.mapping {
            Some(m) => (&m.fields, &m.paths),
            None => (&opts.fields, paths),
        };
        let mapping_id = batch.mapping.as_ref().map(Arc::as_ptr);
        if mapping_id != memo_of {
            memo = input::json::KeyMemo::default();
            memo_of = mapping_id;
        }
        if let Some(p) = &opts.progress {
            let n = if batch.items.is_empty() {
                memchr::memchr_iter(b'\n', &batch.data).count().max(1)
            } else {
                batch.items.len()
            };
            p.fetch_add(n as u64, std::sync::atomic::Ordering::Relaxed);
        }
        let split;
        let items = if batch.items.is_empty() {
            split = split_block(&batch.data, batch.first_line);
            &split
        } else {
            &batch.items
        };
        // Text among structured lines (a Go panic and its goroutine dump on stderr, a
        // traceback, a banner): joined into records by the text rules and read as text.
        let mut stray = StrayText::new(batch.format);
        let mut versions = VersionCarry::default();
        let take_text = |record: Option<(u64, String)>,
                         memo: &mut input::json::KeyMemo,
                         versions: &mut VersionCarry,
                         fp: &mut Fingerprinter,
                         out: &mut WorkerOut| {
            if let Some((first, text)) = record {
                let mut ev = parse_text_record(&text, fields, paths, memo);
                versions.carry(&mut ev, true);
                // Items are in line order but for records an assembler joined late.
                let index = items
                    .binary_search_by_key(&first, |it| it.0)
                    .ok()
                    .or_else(|| items.iter().position(|it| it.0 == first));
                take_event(ev, first, index, &batch, opts, fp, out);
            }
        };
        for (index, &(line, start, end, truncated)) in items.iter().enumerate() {
            let mut bytes = &batch.data[start..end];
            let shrunk;
            if bytes.len() > input::MAX_LINE_BYTES && JsonShrinker::applies_to(bytes) {
                shrunk = input::oversize::shrink(bytes);
                bytes = &shrunk;
            }
            let mut text = match std::str::from_utf8(bytes) {
                Ok(s) => Cow::Borrowed(s),
                Err(_) => String::from_utf8_lossy(bytes),
            };
            let (is_text, record) = stray.feed(line, &text);
            take_text(record, &mut memo, &mut versions, &mut fp, &mut out);
            if is_text {
                continue;
            }
            // A JSON line was shrunk and still parses; other shapes keep the event and say
            // it was cut.
            if let Some(n) = truncated
                && batch.format != Format::Ndjson
                && !JsonShrinker::applies_to(bytes)
            {
                text = Cow::Owned(truncation_marker(&text, n));
            }
            if text.trim().is_empty() {
                continue;
            }
            let parsed = parse_item(batch.format, &text, fields, paths, &mut memo);
            let mut ev = match parsed {
                Ok(ev) => ev,
                Err(reason) => {
                    let reason = truncated_reason(reason, truncated);
                    *out.malformed_count.entry(batch.source).or_default() += 1;
                    if out.malformed.len() < MALFORMED_EXAMPLES {
                        out.malformed.push(Malformed {
                            source: names[batch.source as usize].clone(),
                            line,
                            reason,
                        });
                    }
                    continue;
                }
            };
            versions.carry(&mut ev, batch.format == Format::Text);
            take_event(ev, line, Some(index), &batch, opts, &mut fp, &mut out);
        }
        take_text(stray.finish(), &mut memo, &mut versions, &mut fp, &mut out);
    }
    out
}

/// The text lines of a structured input (see [`input::is_stray_text`]), joined into
/// records by the text rules as they come, in both readers (the workers and
/// [`read_events`]). Text inputs have none: their lines were joined before.
struct StrayText {
    format: Format,
    /// No sample: text lines are few among structured ones, and a record among them starts
    /// wherever the text rules (a trace's lines, indentation) do not continue the one
    /// before.
    joiner: Option<Joiner>,
}

impl StrayText {
    fn new(format: Format) -> StrayText {
        StrayText {
            format,
            joiner: matches!(format, Format::Ndjson | Format::Logfmt).then(|| Joiner::new("")),
        }
    }

    /// Feeds one line: whether it was text (then it is joined, not read as a structured
    /// record), and the text record it completed, if any (a structured line completes the
    /// one before it).
    fn feed(&mut self, line: u64, text: &str) -> (bool, Option<input::records::Record>) {
        let Some(joiner) = self.joiner.as_mut() else {
            return (false, None);
        };
        if input::is_stray_text(self.format, text) {
            (true, joiner.push(line, text))
        } else {
            (false, joiner.finish())
        }
    }

    /// The last text record, once the input or the batch has ended.
    fn finish(&mut self) -> Option<input::records::Record> {
        self.joiner.as_mut().and_then(Joiner::finish)
    }
}

/// The version of the last record that wrote one, given to the text records after it that
/// write none: a panic on stderr after a service's JSON lines is that version's crash, not
/// an event outside the comparison. Structured records without a version keep none.
#[derive(Default)]
struct VersionCarry {
    last: Option<String>,
}

impl VersionCarry {
    /// `text`: the event is a text record (it could not have written a version field).
    fn carry(&mut self, ev: &mut Event<'_>, text: bool) {
        match ev.version.as_deref() {
            Some(v) if self.last.as_deref() != Some(v) => self.last = Some(v.to_string()),
            None if text => ev.version = self.last.clone().map(Cow::Owned),
            _ => {}
        }
    }
}

/// Counts one event toward its version and, at or above the minimum level, adds it to its
/// group.
fn take_event<'a>(
    mut ev: Event<'a>,
    line: u64,
    index: Option<usize>,
    batch: &'a Batch,
    opts: &Options,
    fp: &mut Fingerprinter,
    out: &mut WorkerOut,
) {
    ev.source = batch.source;
    ev.line = line;
    if let Some(meta) = index.and_then(|i| batch.meta.get(i)) {
        apply_meta(&mut ev, meta);
    }
    if let Some(v) = &batch.version {
        ev.version = Some(Cow::Borrowed(v));
    }
    if let (Some(since), Some(ts)) = (opts.since_ms, ev.timestamp)
        && ts < since
    {
        return;
    }
    *out.events_count.entry(batch.source).or_default() += 1;
    out.agg.count_event(&ev);
    let included = match (opts.min_level, ev.level) {
        (None, _) => true,
        (Some(min), Some(l)) => l >= min,
        (Some(_), None) => false,
    };
    if !included {
        return;
    }
    let prekey = fp.prekey(&ev);
    if opts.record_events {
        out.records.push(EventRecord {
            source: ev.source,
            line,
            level: ev.level,
            level_inferred: ev.level_inferred,
            key: prekey.key,
        });
    }
    out.agg.add(&ev, &prekey);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file read as version 1, every event kept and recorded.
    fn every_event_of(path: std::path::PathBuf) -> (SourceSpec, Options) {
        let spec = SourceSpec {
            input: Input::Path(path),
            version: Some("1".into()),
        };
        let opts = Options {
            min_level: None,
            record_events: true,
            ..Options::default()
        };
        (spec, opts)
    }

    #[test]
    fn a_block_is_cut_before_the_text_lines_that_end_it() {
        let block = b"{\"a\":1}\n{\"a\":2}\npanic: boom\n\ngoroutine 1 [running]:\n";
        assert_eq!(stray_tail_start(block, Format::Ndjson), 16);
        assert_eq!(stray_tail_start(b"{\"a\":1}\n", Format::Ndjson), 8);
        // All text, or a text format: cut where it is.
        assert_eq!(
            stray_tail_start(b"panic: x\nmain.f()\n", Format::Ndjson),
            18
        );
        assert_eq!(stray_tail_start(b"a\nb\n", Format::Text), 4);
    }

    /// A panic that a batch's edge would have cut is one event.
    #[test]
    fn a_trace_across_a_batch_edge_is_one_event() {
        let dir = tempfile::tempdir().unwrap();
        let mut body = String::new();
        let mut i = 0;
        while body.len() < BATCH_BYTES - 200 {
            body.push_str(&format!("{{\"level\":\"info\",\"msg\":\"request {i}\"}}\n"));
            i += 1;
        }
        body.push_str("panic: runtime error: index out of range\n\ngoroutine 1 [running]:\n");
        for f in 0..40 {
            body.push_str(&format!("main.handler{f}(0x0)\n\t/app/main.go:{f} +0x1c\n"));
        }
        body.push_str("{\"level\":\"info\",\"msg\":\"restarted\"}\n");
        let path = dir.path().join("big.ndjson");
        std::fs::write(&path, &body).unwrap();
        let (spec, opts) = every_event_of(path);
        let a = analyze(std::slice::from_ref(&spec), &opts);
        assert_eq!(
            a.events.len(),
            i + 2,
            "{} JSON lines, the panic, the last",
            i
        );
        assert_eq!(
            a.events
                .iter()
                .filter(|e| e.level == Some(Level::Fatal))
                .count(),
            1
        );
    }

    /// A crash printed after a service's JSON lines is that version's, in both readers.
    #[test]
    fn text_records_take_the_version_of_the_records_before_them() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("svc.log");
        std::fs::write(
            &path,
            "{\"level\":\"info\",\"version\":\"2.4.1\",\"msg\":\"started\"}\n\
             panic: runtime error: index out of range\n\ngoroutine 1 [running]:\nmain.f()\n",
        )
        .unwrap();
        let spec = SourceSpec {
            input: Input::Path(path),
            version: None,
        };
        let a = analyze(std::slice::from_ref(&spec), &Options::default());
        let panic = a.groups.iter().find(|g| g.level == Level::Fatal).unwrap();
        assert_eq!(panic.count("2.4.1"), 1);
        let mut versions = Vec::new();
        read_events(
            &spec,
            &Options::default(),
            &mut |ev| versions.push(ev.version.as_deref().map(str::to_string)),
            &mut |m| panic!("malformed {m}"),
        );
        assert_eq!(versions, vec![Some("2.4.1".to_string()); 2]);
    }

    #[test]
    fn logfmt_and_json_records_among_text_are_read_as_such() {
        let opts = Options::default();
        let paths = JsonPaths::new(&opts.fields);
        let mut memo = input::json::KeyMemo::default();
        let ev = parse_text_record(
            "time=2025-07-28T12:56:23.340Z level=ERROR msg=\"Invalid status code\" code=500",
            &opts.fields,
            &paths,
            &mut memo,
        );
        assert_eq!(ev.level, Some(Level::Error));
        assert_eq!(ev.message, "Invalid status code");
        let ev = parse_text_record(
            "{\"level\":\"warn\",\"msg\":\"slow\"}",
            &opts.fields,
            &paths,
            &mut memo,
        );
        assert_eq!(ev.level, Some(Level::Warning));
    }

    /// A Go service that logs JSON (or logfmt) and then panics on stderr: the panic and its
    /// goroutine dump are one event, read the same by `analyze` (report, check) and by
    /// `read_events` (ingest).
    #[test]
    fn text_among_structured_lines_is_read_alike_by_both_readers() {
        let dir = tempfile::tempdir().unwrap();
        let panic = "panic: runtime error: invalid memory address or nil pointer dereference\n[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x4a1b2c]\n\ngoroutine 1 [running]:\nmain.handler(0x0)\n\t/app/main.go:42 +0x1c\n";
        let mut json = String::new();
        let mut logfmt = String::new();
        for i in 0..60 {
            json.push_str(&format!(
                "{{\"level\":\"info\",\"ts\":\"2024-01-01T10:00:00Z\",\"msg\":\"request {i}\"}}\n"
            ));
            logfmt.push_str(&format!(
                "time=\"2024-01-01T10:00:00Z\" level=info msg=\"request {i}\"\n"
            ));
        }
        for (name, body) in [("json.log", json), ("logfmt.log", logfmt)] {
            let path = dir.path().join(name);
            std::fs::write(
                &path,
                format!("{body}{panic}{}", body.lines().next().unwrap()),
            )
            .unwrap();
            let (spec, opts) = every_event_of(path);
            let a = analyze(std::slice::from_ref(&spec), &opts);
            assert_eq!(a.malformed_total(), 0, "{name}: {:?}", a.malformed_examples);
            let mut seen: Vec<(u64, Option<Level>)> =
                a.events.iter().map(|e| (e.line, e.level)).collect();
            seen.sort();
            let mut read = Vec::new();
            let mut stacks = Vec::new();
            let (_, err) = read_events(
                &spec,
                &opts,
                &mut |ev| {
                    read.push((ev.line, ev.level));
                    if ev.line == 61 {
                        stacks.push(ev.stack.as_deref().unwrap_or("").to_string());
                    }
                },
                &mut |m| panic!("{name}: malformed {m}"),
            );
            assert_eq!(err, None);
            read.sort();
            assert_eq!(seen, read, "{name}");
            assert_eq!(seen.len(), 62, "{name}: 60 lines, the panic, the last line");
            assert!(seen.contains(&(61, Some(Level::Fatal))), "{name}: {seen:?}");
            assert!(stacks[0].contains("main.go:42"), "{name}: {stacks:?}");
        }
    }
}
