//! Wrappers around log records, taken off before the records are read: Docker's json-file
//! driver (`{"log":"...\n","stream":"stderr","time":"..."}`, a record cut at 16 KiB continues
//! in the next line without its `\n`), the CRI format of containerd and CRI-O
//! (`<RFC 3339 time> <stream> <P|F> <text>`, `P` lines joined with the lines up to the next
//! `F`), docker compose's `service  | ` prefix and `kubectl logs --prefix`'s
//! `[pod/NAME/CONTAINER] `, a time the runtime stamps on every line it relays
//! (`docker logs --timestamps`, `kubectl logs --timestamps`, a GitHub Actions or Azure
//! Pipelines job log: `<RFC 3339 time with fraction> <text>`), a margin of spaces before
//! every line (a log pasted or relayed indented: ` 1:M 14 Mar 15:58:22.129 * Ready`), and
//! Fly.io's `fly logs` (`<time> app[<machine>] <region> [info]<text>`), a log service's CSV
//! export (src/input/csv.rs), and OpenTelemetry's
//! OTLP/JSON export (one line holds `resourceLogs[].scopeLogs[].logRecords[]`: each log
//! record is an event, with its resource's and scope's attributes). ANSI escape sequences
//! (colours, cursor moves) are removed from text before it is read, so they never reach the
//! parsers or the screen.

use super::time::parse_timestamp;
use crate::level::Level;
use regex::Regex;
use std::borrow::Cow;
use std::sync::OnceLock;

/// A wrapper shape, detected per input from its first lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wrapper {
    DockerJson,
    Cri,
    Compose,
    KubectlPrefix,
    /// skaffold's `[container] ` or `[pod container] ` before each line it relays.
    ContainerPrefix,
    /// Ray's `(name pid=N, ip=A) ` before each line a worker process prints (vLLM writes
    /// its workers' lines so too; the driver's own lines have none), Passenger's `App PID
    /// output: `.
    ProcessPrefix,
    LineTime,
    /// Fly.io's log stream (`fly logs`): `<time> app[<machine>] <region> [info]<text>`.
    Fly,
    /// This many spaces before every line.
    Margin(u8),
    Otlp,
    /// A log service's CSV export (src/input/csv.rs): rows, not lines, are records.
    Csv,
}

impl Wrapper {
    pub fn name(self) -> &'static str {
        match self {
            Wrapper::DockerJson => "docker json-file",
            Wrapper::Cri => "CRI",
            Wrapper::Compose => "docker compose",
            Wrapper::KubectlPrefix => "kubectl --prefix",
            Wrapper::ContainerPrefix => "container prefix",
            Wrapper::ProcessPrefix => "process prefix",
            Wrapper::LineTime => "runtime timestamps",
            Wrapper::Fly => "fly logs",
            Wrapper::Margin(_) => "margin",
            Wrapper::Otlp => "OTLP/JSON",
            Wrapper::Csv => "CSV export",
        }
    }
}

/// One physical line with its wrapper taken off.
#[derive(Debug, Clone, PartialEq)]
pub struct Unwrapped<'a> {
    /// The inner text, without a trailing newline.
    pub text: Cow<'a, str>,
    /// The stream it belongs to: records of different streams are joined separately.
    pub stream: Cow<'a, str>,
    /// The service or container that wrote it (compose service, `pod/container`).
    pub service: Option<Cow<'a, str>>,
    /// The time the runtime stamped on it.
    pub timestamp: Option<i64>,
    /// The line is a part: the record goes on in the next line of the same stream.
    pub partial: bool,
    /// The level the wrapper gave the line (Java Service Wrapper's first column): used
    /// only when the record itself has none.
    pub level: Option<Level>,
}

fn cri_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})) (stdout|stderr) ([PF]) ?").unwrap()
    })
}

/// A relaying runtime's time: RFC 3339 with a fraction of a second, then one space. Docker
/// writes nine digits (`RFC3339NanoFixed`), the kubelet RFC3339Nano (trailing zeros cut),
/// GitHub Actions and Azure Pipelines seven (.NET's `o` format). Or PM2's `--time` /
/// `log_date_format` stamp, a date and time then `: ` (`2019-11-13 14:20:07: `), which it
/// writes before every line of its `out.log` and `err.log`.
fn line_time_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r"^\u{feff}?(?:(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{1,9}(?:Z|[+-]\d{2}:\d{2}))(?: |$)|(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?: ?(?:Z|[+-]\d{2}:?\d{2}))?):(?: |$))",
        )
        .unwrap()
    })
}

/// The time a line's relay stamped, from a [`line_time_re`] match.
fn relay_time(c: &regex::Captures<'_>) -> Option<i64> {
    parse_timestamp(c.get(1).or_else(|| c.get(2))?.as_str())
}

/// Text after a relayed time that a program's own record line never holds but a relaying
/// runtime writes, because it stamps every line it sees: nothing (a blank line), an indented
/// line (a stack frame, a continuation), a second time (the program's own), a JSON object,
/// or a workflow command (`##[group]`). A level after spaces is a program's own padding
/// (tracing's and Spring Boot 3's right-aligned ` INFO`), not an indented line.
fn relayed_text(text: &str) -> bool {
    let b = text.as_bytes();
    match b.first() {
        None | Some(b'\t' | b'{') => true,
        Some(b' ') => {
            let word = text.trim_start().split(' ').next().unwrap_or("");
            Level::from_name(word).is_none()
        }
        Some(b'#') => text.starts_with("##["),
        // A date: `2024-01-31` or `2024/01/31`.
        Some(_) => {
            let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
            b.len() >= 10
                && digits(0..4)
                && matches!(b[4], b'-' | b'/')
                && digits(5..7)
                && b[7] == b[4]
                && digits(8..10)
        }
    }
}

fn compose_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"^([A-Za-z0-9][A-Za-z0-9_.-]*) *\| ?").unwrap())
}

fn kubectl_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"^\[pod/([^/\] ]+)/([^\] ]+)\] ").unwrap())
}

/// skaffold's prefix: `[name] ` or `[pod container] `, names as Kubernetes spells them
/// (DNS labels). Returns the name and where the text starts.
fn container_prefix(line: &str) -> Option<(&str, usize)> {
    let inner = line.strip_prefix('[')?;
    let close = inner.find("] ")?;
    let name = &inner[..close];
    let label = |w: &str| {
        (2..=63).contains(&w.len())
            && w.bytes()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-')
            && w.bytes().next().is_some_and(|c| c.is_ascii_lowercase())
            && !w.ends_with('-')
    };
    let mut words = name.split(' ');
    let ok = words.by_ref().take(2).all(label) && words.next().is_none();
    // A level or a thread in brackets opens many logs' own lines (`[info] `, `[main] `):
    // not a container's name.
    (ok && Level::from_name(name).is_none() && name != "main").then_some((name, close + 3))
}

/// Ray's worker prefix: `(pid=1234) `, `(MyActor pid=1234) `, `(task pid=12, ip=10.0.0.1) `:
/// parentheses holding a `pid=` and at most a name and an address. Returns the process's
/// name as written and where the text starts.
fn process_prefix(line: &str) -> Option<(&str, usize)> {
    // Phusion Passenger relays each line an app process writes as `App 9076 output: ...`
    // (Passenger 6: `App 9076 stdout: `, `App 9076 stderr: `).
    if let Some(rest) = line.strip_prefix("App ") {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        let kind = rest.get(digits..)?;
        let label = [" output: ", " stdout: ", " stderr: "]
            .into_iter()
            .find(|k| kind.starts_with(k))?;
        return (digits > 0).then(|| (&line[..4 + digits], 4 + digits + label.len()));
    }
    let inner = line.strip_prefix('(')?;
    let close = inner.get(..inner.len().min(100))?.find(") ")?;
    let name = &inner[..close];
    let pid = name.find("pid=")?;
    let digits = name[pid + 4..]
        .bytes()
        .take_while(u8::is_ascii_digit)
        .count();
    let after = &name[pid + 4 + digits..];
    let address = |ip: &str| {
        !ip.is_empty()
            && ip
                .bytes()
                .all(|c| c.is_ascii_hexdigit() || c == b'.' || c == b':')
    };
    let ok = digits > 0
        && (pid == 0 || name.as_bytes()[pid - 1] == b' ')
        && (after.is_empty() || after.strip_prefix(", ip=").is_some_and(address))
        && !name[..pid].contains(['(', '[']);
    ok.then_some((name, close + 3))
}

/// The text after a container prefix opens a record of its own kind: a JSON object or a
/// date. (A program's own `[component] message` lines do not count towards the prefix.)
fn after_container_prefix_is_record(line: &str) -> bool {
    container_prefix(line).is_some_and(|(_, at)| {
        let b = line.as_bytes();
        matches!(b.get(at), Some(b'{'))
            || b.get(at..at + 4)
                .is_some_and(|d| d.iter().all(u8::is_ascii_digit))
    })
}

/// Fly.io's log line, as `fly logs` prints it: the time, the source and its instance
/// (`app[d896035c719e28]`, `proxy[...]`, `runner[...]`, `health[...]`), the region, and the
/// level Fly gives the line in brackets (`[info]` for whatever the app printed), directly
/// before the app's text.
fn fly_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z) ([a-z]+)\[([0-9a-f]+)\] ([a-z]{3}) \[([a-z]+)\]").unwrap()
    })
}

/// The wrappers that wrap one line each, tried on a sample's lines.
const LINE_WRAPPERS: [Wrapper; 6] = [
    Wrapper::DockerJson,
    Wrapper::Cri,
    Wrapper::Compose,
    Wrapper::KubectlPrefix,
    Wrapper::ContainerPrefix,
    Wrapper::Fly,
];

/// The wrapper most of the sample's lines are in, if any.
pub fn detect(sample: &str) -> Option<Wrapper> {
    if sample.starts_with("{\"resourceLogs\"") {
        return Some(Wrapper::Otlp);
    }
    if sample
        .lines()
        .find(|l| !l.trim().is_empty())
        .is_some_and(super::csv::is_header)
    {
        return Some(Wrapper::Csv);
    }
    let mut counts = [0usize; LINE_WRAPPERS.len()];
    let (mut n, mut prefixed_records, mut workers) = (0, 0, 0);
    for line in sample.lines().filter(|l| !l.trim().is_empty()).take(50) {
        n += 1;
        let line = strip_ansi(line);
        for (count, w) in counts.iter_mut().zip(LINE_WRAPPERS) {
            *count += usize::from(unwrap(w, &line).is_some());
        }
        prefixed_records += usize::from(after_container_prefix_is_record(&line));
        workers += usize::from(process_prefix(&line).is_some());
    }
    let (best, &count) = counts.iter().enumerate().max_by_key(|(_, c)| **c)?;
    // A container prefix relays records (a quarter of its lines open one: the rest are
    // their traces); a program's own `[component] ` tags open its messages.
    let relays = LINE_WRAPPERS[best] != Wrapper::ContainerPrefix || prefixed_records * 4 >= count;
    if count > 0 && count * 2 > n && relays {
        return Some(LINE_WRAPPERS[best]);
    }
    // Worker processes' lines among the driver's: a fifth of them is enough, the prefix
    // holds a pid.
    if workers >= 3 && workers * 5 >= n {
        return Some(Wrapper::ProcessPrefix);
    }
    if line_time_wrapped(sample) {
        return Some(Wrapper::LineTime);
    }
    margin(sample).map(Wrapper::Margin)
}

/// The spaces every non-blank line of the sample starts with (at least eight lines): a
/// margin the writer's lines did not have. Lines without it are read as they are. Spaces
/// before a number are its padding, not a margin (Factorio's `%8.3f` uptime: `   0.091`
/// grows to `  26.300`; Zabbix's `%6li` process id: ` 12480:20180217:...`, `  6720:...`):
/// a number alone, or lines that open with a digit after spaces of varying width.
fn margin(sample: &str) -> Option<u8> {
    let (mut width, mut widest) = (usize::MAX, 0);
    let (mut n, mut numbers, mut digits) = (0, 0, 0);
    for line in sample.lines().filter(|l| !l.trim().is_empty()).take(50) {
        n += 1;
        let text = line.trim_start_matches(' ');
        let spaces = line.len() - text.len();
        width = width.min(spaces);
        widest = widest.max(spaces);
        if width == 0 {
            return None;
        }
        let token = text.split(' ').next().unwrap_or("");
        numbers += usize::from(token.bytes().all(|b| b.is_ascii_digit() || b == b'.'));
        digits += usize::from(text.starts_with(|c: char| c.is_ascii_digit()));
    }
    let padded = widest != width && digits * 2 >= n;
    (n >= 8 && numbers * 2 < n && !padded).then(|| u8::try_from(width).unwrap_or(u8::MAX))
}

/// A runtime stamps every line it relays: nine in ten of the sample's lines (blank ones
/// too) start with its time, and at least one holds text only a relay would stamp (see
/// [`relayed_text`]). A program that writes such a time on its own record lines leaves
/// its continuation lines unstamped, and is read as it is.
fn line_time_wrapped(sample: &str) -> bool {
    let (mut n, mut stamped, mut relayed) = (0usize, 0usize, false);
    for line in sample.lines().take(50) {
        n += 1;
        if let Some(c) = line_time_re().captures(line) {
            stamped += 1;
            let rest = &line[c.get(0).expect("match").end()..];
            relayed = relayed || relayed_text(&strip_ansi(rest));
        }
    }
    relayed && stamped * 10 >= n * 9
}

/// Takes the wrapper off one line (ANSI escapes already stripped). `None`: the line is not
/// in the wrapper's shape; it is read as it is.
pub fn unwrap(w: Wrapper, line: &str) -> Option<Unwrapped<'_>> {
    match w {
        Wrapper::DockerJson => docker_json(line),
        Wrapper::Cri => {
            let c = cri_re().captures(line)?;
            let end = c.get(0).expect("match").end();
            Some(Unwrapped {
                text: Cow::Borrowed(&line[end..]),
                stream: Cow::Borrowed(c.get(2).expect("stream").as_str()),
                service: None,
                timestamp: parse_timestamp(&c[1]),
                partial: &c[3] == "P",
                level: None,
            })
        }
        Wrapper::Compose => {
            let c = compose_re().captures(line)?;
            let name = c.get(1).expect("name").as_str();
            // Compose pads the service name with spaces before the bar; a bar right after a
            // word (`20171223-22:15:29:606|Step_LSC|...`) is a log's own separator.
            if !line[name.len()..].starts_with(' ') {
                return None;
            }
            let rest = &line[c.get(0).expect("match").end()..];
            // Columns between the first and the time only in the Java Service Wrapper's
            // shape (`LEVEL | source | time |`); a service's own columns (a level, a
            // request id) stay in its text.
            let level = wrapper_level(name);
            let middle = if level.is_some() { 2 } else { 0 };
            if let Some(t) = time_column(rest, middle) {
                // A wrapper that dates every line: `LEVEL | source | time | text` (Java
                // Service Wrapper) or `service | time | text`.
                let source = t.columns.first().copied();
                let stream = t.columns.iter().fold(name.to_string(), |mut s, c| {
                    s.push('|');
                    s.push_str(c);
                    s
                });
                let service = match (level, source) {
                    (Some(_), Some(src)) => src,
                    _ => name,
                };
                return Some(Unwrapped {
                    text: Cow::Borrowed(&rest[t.text_start..]),
                    stream: Cow::Owned(stream),
                    service: Some(Cow::Borrowed(service)),
                    timestamp: Some(t.timestamp),
                    partial: false,
                    level,
                });
            }
            Some(Unwrapped {
                text: Cow::Borrowed(rest),
                stream: Cow::Borrowed(name),
                service: Some(Cow::Borrowed(name)),
                timestamp: None,
                partial: false,
                level: None,
            })
        }
        Wrapper::Fly => {
            // The regex is built only for lines of its shape: most inputs never need it.
            let b = line.as_bytes();
            if !(b.get(10) == Some(&b'T') && line.contains("] ") && line.contains(" [")) {
                return None;
            }
            let c = fly_re().captures(line)?;
            let whole = c.get(0).expect("match");
            // The app's own level, where it wrote one, outranks Fly's: Fly says `info`
            // of anything the app printed.
            Some(Unwrapped {
                text: Cow::Borrowed(&line[whole.end()..]),
                // `app[id]`, `proxy[id]`: Fly's own components share the machine's id.
                stream: Cow::Borrowed(
                    &line[c.get(2).expect("source").start()..c.get(3).expect("instance").end() + 1],
                ),
                service: Some(Cow::Borrowed(c.get(2).expect("source").as_str())),
                timestamp: parse_timestamp(&c[1]),
                partial: false,
                level: Level::from_name(&c[5]),
            })
        }
        Wrapper::LineTime => {
            let c = line_time_re().captures(line)?;
            Some(Unwrapped {
                text: Cow::Borrowed(&line[c.get(0).expect("match").end()..]),
                stream: Cow::Borrowed(""),
                service: None,
                timestamp: relay_time(&c),
                partial: false,
                level: None,
            })
        }
        Wrapper::Margin(width) => {
            let width = usize::from(width);
            if !line.as_bytes().get(..width)?.iter().all(|&b| b == b' ') {
                return None;
            }
            Some(Unwrapped {
                // The margin is spaces: `width` is a char boundary.
                text: Cow::Borrowed(&line[width..]),
                stream: Cow::Borrowed(""),
                service: None,
                timestamp: None,
                partial: false,
                level: None,
            })
        }
        // Many records to a line: see [`otlp_records`]; rows over lines: see
        // src/input/csv.rs.
        Wrapper::Otlp | Wrapper::Csv => None,
        Wrapper::ContainerPrefix => {
            let (name, at) = container_prefix(line)?;
            Some(Unwrapped {
                text: Cow::Borrowed(&line[at..]),
                stream: Cow::Borrowed(name),
                service: Some(Cow::Borrowed(name)),
                timestamp: None,
                partial: false,
                level: None,
            })
        }
        Wrapper::ProcessPrefix => {
            let (name, at) = process_prefix(line)?;
            Some(Unwrapped {
                text: Cow::Borrowed(&line[at..]),
                stream: Cow::Borrowed(name),
                service: None,
                timestamp: None,
                partial: false,
                level: None,
            })
        }
        Wrapper::KubectlPrefix => {
            let c = kubectl_re().captures(line)?;
            let whole = c.get(0).expect("match");
            let id = &line[1..whole.end() - 2];
            Some(Unwrapped {
                text: Cow::Borrowed(&line[whole.end()..]),
                stream: Cow::Borrowed(id),
                service: Some(Cow::Borrowed(id.strip_prefix("pod/").unwrap_or(id))),
                timestamp: None,
                partial: false,
                level: None,
            })
        }
    }
}

/// The columns after a compose-style first column, up to a column holding a time.
struct TimeColumn<'a> {
    /// The columns between the first one and the time, trimmed.
    columns: Vec<&'a str>,
    timestamp: i64,
    /// Where the text after the time column starts.
    text_start: usize,
}

/// Up to `middle` more ` | `-separated columns, then one that is a time of day and a bar:
/// how wrappers that date every line of the program they run lay their lines out.
fn time_column(rest: &str, middle: usize) -> Option<TimeColumn<'_>> {
    let mut columns = Vec::new();
    let mut start = 0;
    for _ in 0..=middle {
        let bar = memchr::memchr(b'|', &rest.as_bytes()[start..rest.len().min(start + 48)])?;
        let col = rest[start..start + bar].trim();
        if col.is_empty() || !rest[..start + bar].ends_with(' ') {
            return None;
        }
        let after = start + bar + 1;
        if col.len() >= 8
            && col.as_bytes()[0].is_ascii_digit()
            && col.contains(':')
            && let Some(timestamp) = parse_timestamp(col)
        {
            let text_start = after + usize::from(rest[after..].starts_with(' '));
            return Some(TimeColumn {
                columns,
                timestamp,
                text_start,
            });
        }
        columns.push(col);
        start = after;
    }
    None
}

/// A wrapper's level column: the usual names, and the Java Service Wrapper's STATUS (its
/// own lifecycle messages, between INFO and WARN).
fn wrapper_level(column: &str) -> Option<Level> {
    if column == "STATUS" {
        return Some(Level::Notice);
    }
    let level = Level::from_name(column)?;
    column
        .bytes()
        .all(|b| b.is_ascii_uppercase())
        .then_some(level)
}

/// The log records of one OTLP/JSON export line, each as a flat JSON object: the record's
/// own fields (`timeUnixNano`, `severityNumber`, `severityText`, `body` as text) and
/// attributes (`exception.type`, `exception.stacktrace`...), its scope's name as `logger`,
/// and its resource's attributes (`service.name`, `service.version`, `host.name`). `None`
/// when the line is not an OTLP export.
pub fn otlp_records(line: &str) -> Option<Vec<String>> {
    use serde_json::{Map, Value};
    let v: Value = serde_json::from_str(line).ok()?;
    let resources = v.get("resourceLogs")?.as_array()?;
    let mut out = Vec::new();
    let attrs = |list: Option<&Value>, into: &mut Map<String, Value>| {
        for a in list.and_then(Value::as_array).into_iter().flatten() {
            if let (Some(k), Some(val)) = (a.get("key").and_then(Value::as_str), a.get("value")) {
                into.insert(k.to_string(), any_value(val));
            }
        }
    };
    for r in resources {
        let mut base = Map::new();
        attrs(r.pointer("/resource/attributes"), &mut base);
        for scope in r
            .get("scopeLogs")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let mut scoped = base.clone();
            if let Some(name) = scope.pointer("/scope/name").and_then(Value::as_str)
                && !name.is_empty()
            {
                scoped.insert("logger".into(), Value::String(name.into()));
            }
            for rec in scope
                .get("logRecords")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let mut flat = scoped.clone();
                attrs(rec.get("attributes"), &mut flat);
                for key in [
                    "timeUnixNano",
                    "observedTimeUnixNano",
                    "severityNumber",
                    "severityText",
                    "traceId",
                ] {
                    if let Some(x) = rec.get(key) {
                        flat.insert(key.into(), x.clone());
                    }
                }
                if flat.get("timeUnixNano").is_some_and(|t| t == "0" || t == 0) {
                    flat.remove("timeUnixNano");
                }
                if !flat.contains_key("timeUnixNano")
                    && let Some(t) = flat.remove("observedTimeUnixNano")
                {
                    flat.insert("timeUnixNano".into(), t);
                }
                if let Some(body) = rec.get("body") {
                    flat.insert("body".into(), any_value(body));
                }
                out.push(Value::Object(flat).to_string());
            }
        }
    }
    Some(out)
}

/// An OTLP `AnyValue` as plain JSON: strings, numbers and booleans as they are; arrays and
/// maps as their JSON text.
fn any_value(v: &serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    let Some(obj) = v.as_object() else {
        return v.clone();
    };
    if let Some(s) = obj.get("stringValue") {
        return s.clone();
    }
    if let Some(Value::String(i)) = obj.get("intValue") {
        return i
            .parse::<i64>()
            .map_or_else(|_| Value::String(i.clone()), Value::from);
    }
    for k in ["intValue", "doubleValue", "boolValue"] {
        if let Some(x) = obj.get(k) {
            return x.clone();
        }
    }
    Value::String(v.to_string())
}

fn docker_json(line: &str) -> Option<Unwrapped<'_>> {
    #[derive(serde::Deserialize)]
    struct Line<'a> {
        #[serde(borrow)]
        log: Cow<'a, str>,
        #[serde(borrow, default)]
        stream: Option<Cow<'a, str>>,
        #[serde(borrow, default)]
        time: Option<Cow<'a, str>>,
    }
    // Docker writes `log` first: other JSON is not parsed twice.
    if !line.starts_with("{\"log\":") {
        return None;
    }
    let l: Line = serde_json::from_str(line).ok()?;
    let partial = !l.log.ends_with('\n');
    let text = match l.log {
        Cow::Borrowed(s) => Cow::Borrowed(s.trim_end_matches(['\n', '\r'])),
        Cow::Owned(s) => Cow::Owned(s.trim_end_matches(['\n', '\r']).to_string()),
    };
    Some(Unwrapped {
        text,
        stream: l.stream.unwrap_or(Cow::Borrowed("stdout")),
        service: None,
        timestamp: l.time.as_deref().and_then(parse_timestamp),
        partial,
        level: None,
    })
}

/// Removes ANSI escape sequences: CSI (`ESC [ ... final`), OSC (`ESC ] ... BEL` or
/// `ESC ] ... ESC \`), and two-byte escapes. Other control characters stay (they are
/// neutralized where text is shown).
pub fn strip_ansi(s: &str) -> Cow<'_, str> {
    if memchr::memchr(0x1b, s.as_bytes()).is_none() {
        return Cow::Borrowed(s);
    }
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] != 0x1b {
            out.push(b[i]);
            i += 1;
            continue;
        }
        match b.get(i + 1) {
            Some(b'[') => {
                i += 2;
                while i < b.len() && !(0x40..=0x7e).contains(&b[i]) {
                    i += 1;
                }
                i += 1;
            }
            Some(b']') => {
                i += 2;
                while i < b.len() && b[i] != 0x07 && !(b[i] == 0x1b && b.get(i + 1) == Some(&b'\\'))
                {
                    i += 1;
                }
                i += if i < b.len() && b[i] == 0x1b { 2 } else { 1 };
            }
            Some(_) => i += 2,
            None => i += 1,
        }
    }
    // Only ASCII bytes of escape sequences were removed: what is left is valid UTF-8.
    Cow::Owned(
        String::from_utf8(out)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ansi_sequences_are_removed() {
        assert_eq!(
            strip_ansi("\u{1b}[2Kweb-1  | \u{1b}[31m\u{1b}[1mWARNING: x\u{1b}[0m"),
            "web-1  | WARNING: x"
        );
        assert_eq!(strip_ansi("a\u{1b}]0;title\u{7}b"), "ab");
        assert_eq!(
            strip_ansi("a\u{1b}]8;;http://x\u{1b}\\link\u{1b}]8;;\u{1b}\\b"),
            "alinkb"
        );
        assert_eq!(strip_ansi("plain"), "plain");
        assert_eq!(strip_ansi("é\u{1b}[0mü"), "éü");
    }

    #[test]
    fn detects_each_wrapper() {
        let docker = "{\"log\":\"hello\\n\",\"stream\":\"stdout\",\"time\":\"2024-01-01T10:00:00.123456789Z\"}\n";
        assert_eq!(detect(docker), Some(Wrapper::DockerJson));
        let cri = "2016-10-06T00:17:09.669794202Z stdout F log line 1\n2016-10-06T00:17:09.669794202Z stdout P part\n";
        assert_eq!(detect(cri), Some(Wrapper::Cri));
        let compose = "redis-1  | 1:M 25 Apr 2024 05:32:35.019 * Ready\nweb-1    | started\n";
        assert_eq!(detect(compose), Some(Wrapper::Compose));
        let skaffold = "[app] {\"level\":\"info\",\"msg\":\"up\"}\n[app] {\"level\":\"error\",\"msg\":\"x\"}\n[app-db postgres] 2024-01-01 10:00:00.000 UTC [1] LOG:  ready\n";
        assert_eq!(detect(skaffold), Some(Wrapper::ContainerPrefix));
        let u = unwrap(Wrapper::ContainerPrefix, "[app-db postgres] 2024-01-01 x").unwrap();
        assert_eq!(
            (u.text.as_ref(), u.stream.as_ref()),
            ("2024-01-01 x", "app-db postgres")
        );
        // A program's own bracketed levels, threads and components are not containers.
        for own in [
            "[info] {\"a\":1}\n[info] {\"a\":2}\n",
            "[main] 2024-01-01 started\n[main] 2024-01-01 ok\n",
            "[INFO] Scanning for projects...\n[INFO] Building x\n",
            "[http] listening on :80\n[http] GET /\n",
        ] {
            assert_eq!(detect(own), None, "{own}");
        }
        let ray = "INFO 08-14 19:24:47 [__init__.py:36] Available plugins\n\
                   (EngineCore_DP0 pid=275) INFO 08-14 19:24:51 [core.py:644] Waiting\n\
                   (EngineCore_DP0 pid=275) WARNING 08-14 19:24:51 [registry.py:582] x\n\
                   (pid=1234, ip=10.0.0.1) Traceback (most recent call last):\n\
                   INFO 08-14 19:24:58 [__init__.py:36] Available plugins\n";
        assert_eq!(detect(ray), Some(Wrapper::ProcessPrefix));
        let u = unwrap(Wrapper::ProcessPrefix, "(EngineCore_DP0 pid=275) INFO x").unwrap();
        assert_eq!(
            (u.text.as_ref(), u.stream.as_ref()),
            ("INFO x", "EngineCore_DP0 pid=275")
        );
        assert!(unwrap(Wrapper::ProcessPrefix, "INFO 08-14 x").is_none());
        let passenger = "App 9076 output: /app/index.js:1\nApp 9076 output: SyntaxError: x\n\
                         App 9076 output:     at f (node:internal/vm:73:18)\n";
        assert_eq!(detect(passenger), Some(Wrapper::ProcessPrefix));
        let u = unwrap(Wrapper::ProcessPrefix, "App 9076 output: SyntaxError: x").unwrap();
        assert_eq!(
            (u.text.as_ref(), u.stream.as_ref()),
            ("SyntaxError: x", "App 9076")
        );
        assert_eq!(
            detect("(node:123) Warning: x\n(node:124) Warning: y\n(a) b\n"),
            None
        );
        let kubectl = "[pod/api-7d9f/app] started\n[pod/api-7d9f/app] ok\n";
        assert_eq!(detect(kubectl), Some(Wrapper::KubectlPrefix));
        let fly = "2025-11-07T19:57:49Z app[d896035c719e28] sjc [info]Error: P3008\n\
                   2025-11-07T19:57:49Z app[d896035c719e28] sjc [info]The migration `x` is already recorded as applied in the database.\n\
                   2025-11-07T19:57:49Z app[d896035c719e28] sjc [info] WARN Reaped child process with pid: 717 and signal: SIGTERM, core dumped? false\n\
                   2025-11-07T19:57:50Z proxy[d896035c719e28] sjc [error]could not find a good candidate within 90 attempts at load balancing\n";
        assert_eq!(detect(fly), Some(Wrapper::Fly));
        let u = unwrap(Wrapper::Fly, fly.lines().nth(2).unwrap()).unwrap();
        assert_eq!(
            u.text,
            " WARN Reaped child process with pid: 717 and signal: SIGTERM, core dumped? false"
        );
        assert_eq!(u.level, Some(Level::Info));
        assert_eq!(u.service.as_deref(), Some("app"));
        assert_eq!(u.timestamp, parse_timestamp("2025-11-07T19:57:49Z"));
        let u = unwrap(Wrapper::Fly, fly.lines().nth(3).unwrap()).unwrap();
        assert_eq!(u.level, Some(Level::Error));
        // Fly's proxy is another writer than the app on the same machine.
        assert_eq!(u.stream, "proxy[d896035c719e28]");
        let healthapp = "20171223-22:15:29:606|Step_LSC|30002312|onStandStepChanged 3579\n";
        assert_eq!(detect(healthapp), None);
        assert_eq!(detect("2024-01-01 10:00:00 INFO x | y\n"), None);
    }

    #[test]
    fn wrappers_that_date_every_line() {
        let status = unwrap(
            Wrapper::Compose,
            "STATUS | wrapper  | 2013/11/26 21:16:15 | --> Wrapper Started as Daemon",
        )
        .unwrap();
        assert_eq!(status.text, "--> Wrapper Started as Daemon");
        assert_eq!(status.level, Some(Level::Notice));
        assert_eq!(status.service.as_deref(), Some("wrapper"));
        assert_eq!(status.timestamp, parse_timestamp("2013/11/26 21:16:15"));
        let jvm = unwrap(
            Wrapper::Compose,
            "INFO   | jvm 1    | 2013/11/26 21:16:17 | \tat java.util.HashMap.get(HashMap.java:1)",
        )
        .unwrap();
        assert_eq!(jvm.text, "\tat java.util.HashMap.get(HashMap.java:1)");
        assert_eq!(jvm.stream, "INFO|jvm 1");
        assert_ne!(jvm.stream, status.stream);
        let compose = unwrap(
            Wrapper::Compose,
            "inference        | 2026-03-14 12:15:41.753 |       Storing keys in a directory",
        )
        .unwrap();
        assert_eq!(compose.text, "      Storing keys in a directory");
        assert_eq!(compose.service.as_deref(), Some("inference"));
        assert_eq!(compose.level, None);
        assert!(compose.timestamp.is_some());
        // A bar in the text is not a time column.
        let plain = unwrap(Wrapper::Compose, "web-1  | GET / | 200").unwrap();
        assert_eq!(plain.text, "GET / | 200");
        assert_eq!(plain.timestamp, None);
        // A service's own columns stay in its text, on its one stream.
        let own = unwrap(
            Wrapper::Compose,
            "web-1  | ERROR | 2024-01-01 10:00:01 | payment failed",
        )
        .unwrap();
        assert_eq!(own.text, "ERROR | 2024-01-01 10:00:01 | payment failed");
        assert_eq!(own.stream, "web-1");
        // A number is not a time of day.
        let id = unwrap(Wrapper::Compose, "web-1  | 12345678 | started").unwrap();
        assert_eq!(id.timestamp, None);
    }

    #[test]
    fn otlp_export_lines_hold_many_records() {
        let line = r#"{"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"pay"}},{"key":"service.version","value":{"stringValue":"2.4.1"}}]},"scopeLogs":[{"scope":{"name":"com.example"},"logRecords":[{"timeUnixNano":"1700000000000000000","severityNumber":17,"severityText":"ERROR","body":{"stringValue":"db down"},"attributes":[{"key":"exception.type","value":{"stringValue":"java.io.IOException"}},{"key":"retries","value":{"intValue":"3"}}]},{"timeUnixNano":"1700000001000000000","severityNumber":9,"body":{"stringValue":"ok"}}]}]}]}"#;
        assert_eq!(detect(line), Some(Wrapper::Otlp));
        let recs = otlp_records(line).unwrap();
        assert_eq!(recs.len(), 2);
        let first: serde_json::Value = serde_json::from_str(&recs[0]).unwrap();
        assert_eq!(first["body"], "db down");
        assert_eq!(first["service.version"], "2.4.1");
        assert_eq!(first["exception.type"], "java.io.IOException");
        assert_eq!(first["retries"], 3);
        assert_eq!(first["logger"], "com.example");
        assert!(otlp_records("{\"a\":1}").is_none());
    }

    #[test]
    fn unwraps_lines() {
        let d = unwrap(
            Wrapper::DockerJson,
            r#"{"log":"Traceback (most recent call last):\n","stream":"stderr","time":"2024-01-01T10:00:00.5Z"}"#,
        )
        .unwrap();
        assert_eq!(d.text, "Traceback (most recent call last):");
        assert_eq!(d.stream, "stderr");
        assert!(!d.partial);
        assert_eq!(d.timestamp, parse_timestamp("2024-01-01T10:00:00.5Z"));
        let p = unwrap(
            Wrapper::DockerJson,
            r#"{"log":"first half ","stream":"stdout","time":"2024-01-01T10:00:00Z"}"#,
        )
        .unwrap();
        assert!(p.partial);
        let c = unwrap(
            Wrapper::Cri,
            "2016-10-06T00:17:09.669794202Z stderr P {\"level\":",
        )
        .unwrap();
        assert_eq!(
            (c.text.as_ref(), c.stream.as_ref(), c.partial),
            ("{\"level\":", "stderr", true)
        );
        let k = unwrap(Wrapper::KubectlPrefix, "[pod/api-7d9f/app] ERROR x").unwrap();
        assert_eq!(k.text, "ERROR x");
        assert_eq!(k.service.as_deref(), Some("api-7d9f/app"));
        let m = unwrap(
            Wrapper::Compose,
            "redis-1  | 1:M 25 Apr 2024 05:32:35.019 * Ready",
        )
        .unwrap();
        assert_eq!(m.text, "1:M 25 Apr 2024 05:32:35.019 * Ready");
        assert_eq!(m.service.as_deref(), Some("redis-1"));
        assert!(unwrap(Wrapper::Compose, "no bar here").is_none());
    }
}
