//! Plain-text log records: the header (timestamp, level, thread, logger) and the message of
//! a record that src/input/records.rs has joined, and the level inferred from its content
//! when none was written.

use super::severity;
use super::time::{localized_month, parse_timestamp};
use crate::event::{Dimension, Event};
use crate::fingerprint::stack;
use crate::level::Level;
use regex::Regex;
use std::borrow::Cow;
use std::sync::OnceLock;

fn header_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        let mon = "(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)";
        let zone = "(?: (?:UTC|GMT|WET|WEST|CET|CEST|MET|MEST|EET|EEST|MSK|PST|PDT|MST|MDT|CST|CDT|EST|EDT|AKST|AKDT|HST|JST|KST|HKT|SGT|AWST|AEST|AEDT|NZST|NZDT|IST|BST))?";
        let pat = format!(
            r"^\[?(?P<ts>\d{{4}}[-/]\d{{2}}[-/]\d{{2}}(?:[T ]|, )\d{{1,2}}:\d{{2}}:\d{{2}}(?:[.,:]\d+)?(?: ?(?:Z|[+-]\d{{2}}:?\d{{2}}))?{zone}|\d{{4}}-\d{{2}}-\d{{2}}-\d{{2}}\.\d{{2}}\.\d{{2}}(?:\.\d+)?(?:[+-]\d{{3}})?|\d{{4}}\.\d{{2}}\.\d{{2}}-\d{{2}}\.\d{{2}}\.\d{{2}}(?::\d{{3}})?|\d{{4}}\.\d{{2}}\.\d{{2}} \d{{2}}:\d{{2}}:\d{{2}}(?:\.\d+)?|\d{{2}}-\d{{2}} \d{{2}}:\d{{2}}:\d{{2}}\.\d{{3}}|\d{{1,2}}/\d{{1,2}}/\d{{2}} \d{{1,2}}:\d{{2}}:\d{{2}}:\d{{3}}{zone}|\d{{2}}[-/.]\d{{2}}[-/.]\d{{2,4}}[ ,]\d{{2}}:\d{{2}}:\d{{2}}(?:[.,]\d+)?|(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) {mon} +\d{{1,2}} \d{{2}}:\d{{2}}:\d{{2}}(?:\.\d+)? \d{{4}}|{mon} \d{{1,2}}, \d{{4}} \d{{1,2}}:\d{{2}}:\d{{2}} [AP]M|{mon} +\d{{1,2}}(?: \d{{4}})? \d{{2}}:\d{{2}}:\d{{2}}(?:\.\d+)?(?: GMT)?|{mon}-\d{{2}} \d{{2}}:\d{{2}}:\d{{2}}(?:[.,]\d+)?|\d{{2}}{mon}\d{{4}} \d{{2}}:\d{{2}}:\d{{2}}(?:\.\d+)?|\d{{2}}/{mon}/\d{{4}}:\d{{2}}:\d{{2}}:\d{{2}} [+-]\d{{4}}|\d{{2}}-{mon}(?:-\d{{4}} \d{{2}}:\d{{2}}:\d{{2}}(?:[.,]\d+)?(?: [A-Z][A-Za-z_]+(?:/[A-Za-z_+-]+)+|{zone})| \d{{2}}:\d{{2}}:\d{{2}}(?:[.,]\d+)?)|\d{{2}}:\d{{2}}:\d{{2}}(?:[,.]\d{{3}})?|\d{{1,2}}:\d{{2}}[AP]M|\d{{6}} \d{{6}}|\d{{6}} {{1,2}}\d{{1,2}}:\d{{2}}:\d{{2}}|\d{{8}}-\d{{1,2}}:\d{{1,2}}:\d{{1,2}}(?::\d+)?|1\d{{9}}(?::|\.\d{{3,9}}|\d{{3}}(?:\.\d+)?|\]))(?:\][\s|:]*|[\s|:]+|$)"
        );
        Regex::new(&pat).unwrap()
    })
}

/// Redis: `pid:role dd Mon yyyy hh:mm:ss.mmm C message`, C one of `.` `-` `*` `#` (Redis 3
/// and older write no year; Redis 2 wrote `[pid] ` first, Redis 1 nothing).
fn redis_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"^(?:\d+:[XCSM] |\[\d+\] )?(?P<ts>\d{1,2} [A-Z][a-z]{2} (?:\d{4} )?\d{2}:\d{2}:\d{2}(?:\.\d+)?) (?P<lvl>[.*#-]) ").unwrap()
    })
}

/// What a line's header says: its timestamp, its level, and where the message starts.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub struct Header {
    pub timestamp: Option<i64>,
    /// The line had a timestamp in a header position (even one that did not parse).
    pub has_timestamp: bool,
    pub level: Option<Level>,
    /// Byte offset of the message in the line.
    pub message_start: usize,
    /// syslog (RFC 3164) lines: the byte ranges of the HOSTNAME and of the TAG's program.
    pub syslog: Option<(Span, Span)>,
}

/// A byte range of a line: start, end.
pub type Span = (usize, usize);

/// Reads a line's header. Cheap for lines that have none: the first byte decides which
/// shapes are tried before any regex runs.
pub fn read_header(line: &str) -> Header {
    let b = line.as_bytes();
    let Some(&first) = b.first() else {
        return Header::default();
    };
    if first.is_ascii_whitespace() {
        return indented_header(line);
    }
    if severity::is_glog(b) {
        return glog_header(line);
    }
    if first == b'#'
        && let Some(h) = weblogic_header(line)
    {
        return h;
    }
    if first == b'='
        && let Some((level, ts, end)) = erlang_report(line)
    {
        return Header {
            timestamp: parse_timestamp(&ts.replacen("::", " ", 1)),
            has_timestamp: true,
            level: Some(level),
            message_start: end,
            ..Header::default()
        };
    }
    if first.is_ascii_uppercase()
        && let Some(h) = level_dash_time(line)
    {
        return h;
    }
    if let Some(after) = uptime_stamp(b) {
        // The kernel's and X.Org's seconds since boot: a header, but no time of day.
        let mut h = Header {
            has_timestamp: true,
            message_start: after,
            ..Header::default()
        };
        // A kernel report's first line states no level of its own (`INFO: task x blocked
        // for more than 120 seconds.` is printed at KERN_ERR): inferred from the report.
        if super::kernel::report_level(&line[after..]).is_none()
            && let Some(f) = severity::header_level(&line[after..], true)
        {
            h.level = Some(f.level);
            h.message_start = after + f.end;
        }
        return h;
    }
    if let Some((seconds, end)) = redis_signal_handler(b) {
        return Header {
            timestamp: Some(seconds * 1000),
            has_timestamp: true,
            message_start: end,
            ..Header::default()
        };
    }
    if looks_like_redis(b)
        && let Some(c) = redis_re().captures(line)
    {
        let marked = match &c["lvl"] {
            "." => Level::Debug,
            "-" => Level::Info,
            "*" => Level::Notice,
            _ => Level::Warning,
        };
        let end = c.get(0).expect("match").end();
        // Old Redis logged warnings at its notice mark with the word: `* WARNING ...`; a
        // level word after the mark is the line's level.
        let (level, message_start) = match severity::header_level(&line[end..], true) {
            Some(f) => (f.level, end + f.end),
            None => (marked, end),
        };
        return Header {
            timestamp: parse_timestamp(&c["ts"]),
            has_timestamp: true,
            level: Some(level),
            message_start,
            ..Header::default()
        };
    }
    if first.is_ascii_digit()
        && let Some((level, message_start)) = elapsed_level(line)
    {
        return Header {
            level: Some(level),
            message_start,
            ..Header::default()
        };
    }
    let line_level = severity::prefix_level(line);
    let (prefix, after_prefix) = match line_level {
        Some((level, end)) if level_before_timestamp(b) => (Some(level), end),
        _ => (None, 0),
    };
    let rest = &line[after_prefix..];
    let stamp = if may_start_with_timestamp(rest.as_bytes())
        && let Some(m) = header_re().find(rest)
    {
        // The match is `[`? timestamp `]`? separators: the timestamp is what is left once
        // those are trimmed (a find runs on the lazy DFA; captures would backtrack).
        let ts = m
            .as_str()
            .trim_start_matches('[')
            .trim_end_matches(|c: char| c == ']' || c == '|' || c == ':' || c.is_whitespace());
        Some((Cow::Borrowed(ts), m.end()))
    } else {
        localized_syslog_stamp(rest).map(|s| (Cow::Owned(s.english()), s.end))
    };
    if let Some((ts, end)) = stamp {
        let ts = ts.as_ref();
        let after = after_prefix + end;
        let mut h = Header {
            timestamp: parse_timestamp(ts),
            has_timestamp: true,
            level: prefix,
            message_start: after,
            syslog: None,
        };
        if is_syslog_stamp(ts)
            && let Some((host, program, msg)) = syslog_host_and_tag(line, after)
        {
            h.syslog = Some((host, program));
            h.message_start = msg;
            // The program's own record inside (klog's `E0325 ...` through journald, a level
            // word): read its header too.
            // journald keeps the program's indentation (`qs[36187]:   WARN : ...`).
            let pad = line[msg..].len() - line[msg..].trim_start().len();
            let own = &line[msg + pad..];
            // A kernel report's level is inferred from the report (see the
            // seconds-since-boot case).
            let kernel_report = &line[program.0..program.1] == "kernel"
                && super::kernel::report_level(super::kernel::after_stamp(own).unwrap_or(own))
                    .is_some();
            if h.level.is_none() && !kernel_report {
                let inner = read_header(own);
                if inner.level.is_some() {
                    h.level = inner.level;
                    h.message_start = msg + pad + inner.message_start;
                } else if let Some(f) = severity::header_level(own, false) {
                    // A level among the message's first tokens: `level=error msg=...`.
                    h.level = Some(f.level);
                } else {
                    h.level = component_level(own);
                }
            }
            // The kernel's seconds since boot inside (kern.log): not the message's.
            if h.message_start == msg
                && let Some(end) = uptime_stamp(own.as_bytes())
            {
                h.message_start = msg + pad + end;
            }
            return h;
        }
        if h.level.is_none()
            && line
                .as_bytes()
                .get(after)
                .is_some_and(u8::is_ascii_uppercase)
            && let Some(level) = monitoring_state(&line[after..])
        {
            h.level = Some(level);
        } else if h.level.is_none()
            && let Some(f) = severity::header_level(&line[after..], true)
        {
            h.level = Some(f.level);
            h.message_start = after + f.end;
            // Apache's mod_php logs every PHP error at `[php:notice]`: PHP's own label
            // (`[client ...] PHP Warning:  ...`) is the record's level.
            if f.level <= Level::Notice
                && let Some(i) = memchr::memmem::find(
                    &line.as_bytes()[h.message_start..line.len().min(h.message_start + 200)],
                    b"] PHP ",
                )
                && let Some((level, _)) = severity::prefix_level(&line[h.message_start + i + 2..])
            {
                h.level = Some(level);
            }
        } else if h.level.is_none()
            && let Some((level, end)) = severity::prefix_level(line[after..].trim_start())
        {
            // A line-opening level after the timestamp: PHP's `[date] PHP Warning:  ...`.
            let skipped = line[after..].len() - line[after..].trim_start().len();
            h.level = Some(level);
            h.message_start = after + skipped + end;
        } else if h.level.is_none()
            && let Some((level, end)) = ceph_priority(&line[after..])
        {
            h.level = Some(level);
            h.message_start = after + end;
        } else if h.level.is_none()
            && let Some((level, end)) = dated_erlang_report(&line[after..])
        {
            h.level = Some(level);
            h.message_start = after + end;
        } else if severity::is_tornado(b) {
            // Tornado closes its header after the module and line: `web:123] message`.
            if let Some(close) = memchr::memmem::find(&b[after..line.len().min(after + 80)], b"] ")
            {
                h.message_start = after + close + 2;
            }
        } else if prefix.is_some() {
            // Ruby's Logger repeats the level as a word: skip it.
            if let Some(f) = severity::header_level(&line[after..], true) {
                h.message_start = after + f.end;
            }
        }
        return h;
    }
    if let Some((level, end)) = line_level {
        return Header {
            level: Some(level),
            message_start: end,
            ..Header::default()
        };
    }
    if first.is_ascii_digit()
        && let Some(h) = zabbix_header(line)
    {
        return h;
    }
    if line.starts_with("[pid: ") {
        return uwsgi_header(line);
    }
    if let Some(h) = bullet_level(line) {
        return h;
    }
    if let Some((ts, _)) = clf_timestamp(line) {
        // An access log line: the request is the message; a status code is not a level.
        return Header {
            timestamp: parse_timestamp(ts),
            has_timestamp: true,
            ..Header::default()
        };
    }
    Header::default()
}

/// WebLogic's log entry: `####`, then fields in angle brackets, the time first and the
/// severity second (`####<Mar 24, 2022 10:30:29,707 AM GMT> <Notice> <JMX> ...`); the time
/// is in the server locale's medium format, which JDK 9 and later write with a comma after
/// the year (`May 8, 2024, 12:32:13,641 PM India Standard Time`).
fn weblogic_header(line: &str) -> Option<Header> {
    let rest = line.strip_prefix("####<")?;
    let close = rest.find("> <")?;
    let ts = &rest[..close];
    let after = &rest[close + 3..];
    let level_end = after.find('>')?;
    let level = Level::from_name(&after[..level_end]);
    let english = ts.replacen(", ", " ", 2).replace(',', ".");
    Some(Header {
        timestamp: parse_timestamp(&english),
        has_timestamp: true,
        level,
        message_start: "####<".len() + close + 3 + level_end + 1,
        ..Header::default()
    })
}

/// Ceph's entry after its time: the thread id in hex, then the entry's priority as `%2d`
/// (`7f6fa1d2ad80 -1 bluestore ...`): -1 is `derr`, an error; 0 is always logged, info;
/// higher are debug levels. Returns the level and where the message starts.
fn ceph_priority(rest: &str) -> Option<(Level, usize)> {
    let (thread, after) = rest.split_once(' ')?;
    if !(8..=16).contains(&thread.len()) || !thread.bytes().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    let trimmed = after.trim_start_matches(' ');
    let (prio, message) = trimmed.split_once(' ')?;
    let n: i32 = prio.parse().ok()?;
    if prio.len() > 3 || !(-1..=30).contains(&n) {
        return None;
    }
    let level = match n {
        -1 => Level::Error,
        0 => Level::Info,
        _ => Level::Debug,
    };
    Some((level, rest.len() - message.len()))
}

/// Nagios' and Icinga 1's state lines, which state a check's result in a field of their own
/// (`SERVICE ALERT: web01;HTTP;CRITICAL;HARD;3;Connection refused`): the fields are
/// `host;service;state;...` for a service, `host;state;...` for a host, with the contact
/// first in a notification. The state is the line's level: OK and UP are info, WARNING and
/// UNKNOWN warnings, CRITICAL, DOWN and UNREACHABLE errors (`ACKNOWLEDGEMENT (CRITICAL)`
/// and the like wrap it). The word ALERT is the event's kind, not syslog's level.
fn monitoring_state(rest: &str) -> Option<Level> {
    if !["SERVICE ", "HOST ", "CURRENT ", "INITIAL "]
        .iter()
        .any(|p| rest.starts_with(p))
    {
        return None;
    }
    let head = rest.get(..rest.len().min(32)).unwrap_or(rest);
    let (kind, _) = head.split_once(": ")?;
    let fields = &rest[kind.len() + 2..];
    let (object, event) = kind.split_once(' ')?;
    let object = match object {
        "SERVICE" => 1,
        "HOST" => 0,
        "CURRENT" | "INITIAL" => match event {
            "SERVICE STATE" => 1,
            "HOST STATE" => 0,
            _ => return None,
        },
        _ => return None,
    };
    let index = match event {
        "ALERT" | "SERVICE STATE" | "HOST STATE" => 1 + object,
        "NOTIFICATION" => 2 + object,
        // A flapping or downtime alert states STARTED, STOPPED or DISABLED.
        "FLAPPING ALERT" | "DOWNTIME ALERT" => {
            let started = fields.split(';').nth(1 + object)? == "STARTED";
            return Some(if started && event == "FLAPPING ALERT" {
                Level::Warning
            } else {
                Level::Info
            });
        }
        _ => return None,
    };
    let state = fields.split(';').nth(index)?;
    let state = state
        .split_once('(')
        .map_or(state, |(_, inner)| inner.trim_end_matches(')'));
    Some(match state {
        "OK" | "UP" | "RECOVERY" => Level::Info,
        "WARNING" | "UNKNOWN" => Level::Warning,
        "CRITICAL" | "DOWN" | "UNREACHABLE" => Level::Error,
        _ => Level::Notice,
    })
}

/// A daemon's component, then its level as a capitalized word, each closed by a colon:
/// Dovecot's `imap-login: Info: Disconnected ...`, `auth-worker(24544): Error: ...` (its
/// log prefix, then `Debug`, `Info`, `Warning`, `Error`, `Fatal` or `Panic`).
fn component_level(message: &str) -> Option<Level> {
    let head = &message.as_bytes()[..message.len().min(66)];
    let colon = memchr::memmem::find(head, b": ")?;
    let (component, rest) = (&message[..colon], &message[colon + 2..]);
    if component.is_empty() || component.contains(' ') {
        return None;
    }
    let (word, _) = rest.split_once(": ")?;
    Some(match word {
        "Debug" => Level::Debug,
        "Info" => Level::Info,
        "Warning" => Level::Warning,
        "Error" => Level::Error,
        "Fatal" | "Panic" => Level::Fatal,
        _ => return None,
    })
}

/// Erlang/OTP's error_logger report header, as RabbitMQ, ejabberd and OTP's SASL write
/// it: `=WARNING REPORT==== 22-Mar-2021::12:19:14 ===`, the report on the lines below.
/// Returns the level its kind states, the time, and where the header ends.
fn erlang_report(line: &str) -> Option<(Level, &str, usize)> {
    let rest = line.strip_prefix('=')?;
    let (kind, rest) = rest.split_once(" REPORT==== ")?;
    let level = report_level(kind)?;
    let (ts, _) = rest.split_once(" ===")?;
    let end = line.len() - rest.len() + ts.len() + 4;
    (ts.contains("::") && ts.len() <= 30).then_some((level, ts, end))
}

/// The level an error_logger report's kind states: error, crash and supervisor reports are
/// errors, progress reports information.
fn report_level(kind: &str) -> Option<Level> {
    match kind {
        "ERROR" | "CRASH" | "SUPERVISOR" => Some(Level::Error),
        "WARNING" => Some(Level::Warning),
        "INFO" | "PROGRESS" => Some(Level::Info),
        _ => None,
    }
}

/// lager's crash log dates the report header itself: `2015-04-16 00:30:04 =CRASH REPORT====`.
/// Returns the level and where the header ends.
fn dated_erlang_report(rest: &str) -> Option<(Level, usize)> {
    let (kind, tail) = rest.strip_prefix('=')?.split_once(" REPORT====")?;
    let level = report_level(kind)?;
    let end = rest.len() - tail.len();
    (tail.is_empty() || tail.starts_with([' ', '='])).then_some((level, end))
}

/// Zabbix's stamp (server, proxy and agent: `%6li:%Y%m%d:%H%M%S.%03ld`): the process id
/// padded to six, the date and the time to the millisecond, `  2456:20180218:143525.832
/// active check ...`. The time (local, as Zabbix writes it, read as UTC like every stamp
/// without a zone) and where the message starts.
fn zabbix_stamp(line: &str) -> Option<(Option<i64>, usize)> {
    let all = line.as_bytes();
    let spaces = all.iter().take(6).take_while(|&&c| c == b' ').count();
    let b = &all[spaces..];
    let pid = b.iter().take(10).take_while(|c| c.is_ascii_digit()).count();
    // The first bytes decide: digits, then `:` and a digit.
    if pid == 0 || b.get(pid) != Some(&b':') || !b.get(pid + 1).is_some_and(u8::is_ascii_digit) {
        return None;
    }
    // `:` `20180217:212904.350` then a space: ASCII, so every offset is a char boundary.
    if b.get(pid + 20) != Some(&b' ') {
        return None;
    }
    let start = spaces + pid + 1;
    let stamp = &line[start..start + 19];
    let time = chrono::NaiveDateTime::parse_from_str(stamp, "%Y%m%d:%H%M%S%.3f").ok()?;
    Some((Some(time.and_utc().timestamp_millis()), start + 20))
}

/// The longest line [`is_time_alone`] reads: a date, a time to the nanosecond and a zone.
const MAX_TIME_ALONE: usize = 48;

/// A line that holds a time and nothing else (Hugo's `2026-02-23 13:19:46.304 -0500` under
/// `Change detected, rebuilding site`): it dates the line before it.
#[inline]
pub fn is_time_alone(line: &str) -> bool {
    if line.len() > MAX_TIME_ALONE {
        return false;
    }
    let header = read_header(line);
    header.has_timestamp
        && header.level.is_none()
        && line
            .get(header.message_start..)
            .is_some_and(|m| m.trim().is_empty())
}

/// The level a line's reader reads as written there (not inferred): what the tests of
/// level conventions compare.
#[cfg(test)]
pub fn written_level(line: &str) -> Option<Level> {
    let e = parse_event(line);
    e.level.filter(|_| e.level_inferred.is_none())
}

/// The header of a line that opens with Zabbix's stamp (see [`zabbix_stamp`]).
fn zabbix_header(line: &str) -> Option<Header> {
    let (timestamp, message_start) = zabbix_stamp(line)?;
    Some(Header {
        timestamp,
        has_timestamp: true,
        message_start,
        ..Header::default()
    })
}

/// `[ 36879.664] ` or `[   12.345678] `: seconds since boot, as the kernel (dmesg) and the
/// X server stamp their lines. Returns where the rest of the line starts.
fn uptime_stamp(b: &[u8]) -> Option<usize> {
    let after = uptime_stamp_end(b)?;
    Some(after + b[after..].iter().take_while(|&&c| c == b' ').count())
}

/// Where a leading seconds-since-boot stamp ends: just after its `]`.
pub(super) fn uptime_stamp_end(b: &[u8]) -> Option<usize> {
    if b.first() != Some(&b'[') {
        return None;
    }
    let spaces = b[1..].iter().take_while(|&&c| c == b' ').count();
    let at = 1 + spaces;
    let int = b[at..].iter().take_while(|c| c.is_ascii_digit()).count();
    let dot = at + int;
    let frac = b
        .get(dot + 1..)?
        .iter()
        .take_while(|c| c.is_ascii_digit())
        .count();
    let close = dot + 1 + frac;
    (int > 0 && b.get(dot) == Some(&b'.') && (3..=9).contains(&frac) && b.get(close) == Some(&b']'))
        .then_some(close + 1)
}

/// Seconds since the program started, as `%8.3f` pads them, then a level word (Factorio:
/// `  26.300 Warning TransmissionControlHelper.cpp:172: ...`): the level and where the
/// message starts. No time of day, so not a timestamp.
fn elapsed_level(line: &str) -> Option<(Level, usize)> {
    let t = line.trim_start_matches(' ');
    let b = t.as_bytes();
    let int = b.iter().take_while(|c| c.is_ascii_digit()).count();
    if !(1..=7).contains(&int)
        || b.get(int) != Some(&b'.')
        || !b.get(int + 1..int + 4)?.iter().all(u8::is_ascii_digit)
        || b.get(int + 4) != Some(&b' ')
    {
        return None;
    }
    let after = int + 5;
    let f = severity::header_level(&t[after..], true).filter(|f| f.start == 0)?;
    Some((f.level, line.len() - t.len() + after + f.end))
}

/// A dated line indented as a whole: Consul's agent streams its log 4 spaces in, under its
/// banner. Only a timestamp makes an indented line a header: an indented level word or
/// anything else is a record's continuation.
fn indented_header(line: &str) -> Header {
    // Zabbix pads its process id with spaces, never a tab.
    if line.starts_with(' ')
        && let Some(h) = zabbix_header(line)
    {
        return h;
    }
    let t = line.trim_start();
    let indent = line.len() - t.len();
    if !may_start_with_timestamp(t.as_bytes()) || !header_re().is_match(t) {
        // MSBuild's summary repeats each diagnostic indented under its target.
        let found = severity::msbuild_diagnostic(t)
            .map(|(level, end)| (level, indent + end))
            .or_else(|| severity::next_js_mark(line))
            .or_else(|| severity::test_runner_line(line))
            .or_else(|| severity::right_aligned_level(line))
            .or_else(|| elapsed_level(line));
        return match found {
            Some((level, message_start)) => Header {
                level: Some(level),
                message_start,
                ..Header::default()
            },
            None => bullet_level(line).unwrap_or_default(),
        };
    }
    let mut h = read_header(t);
    if !h.has_timestamp {
        return Header::default();
    }
    h.message_start += indent;
    if let Some(((hs, he), (ps, pe))) = h.syslog {
        h.syslog = Some(((hs + indent, he + indent), (ps + indent, pe + indent)));
    }
    h
}

/// An init script's bullet (LSB's `log_failure_msg`, OpenRC's `eerror`/`ewarn`): ` * Error:
/// MySQL server could not be started`, ` * WARNING: x is already starting`: a level word
/// with its colon after the bullet.
fn bullet_level(line: &str) -> Option<Header> {
    let rest = line.trim_start().strip_prefix("* ")?;
    let (level, end) = severity::prefix_level(rest)?;
    rest[..end].trim_end().ends_with(':').then(|| Header {
        level: Some(level),
        message_start: line.len() - rest.len() + end,
        ..Header::default()
    })
}

/// The Common Log Format (Apache, nginx, Traefik access logs): `host ident user [time]
/// "request" status bytes`; the time is the fourth field. Returns it and where it ends.
fn clf_timestamp(line: &str) -> Option<(&str, usize)> {
    let b = line.as_bytes();
    let open = b.iter().take(300).position(|&c| c == b'[')?;
    // Four fields before it: three spaces (counted by memchr, not split by std's char
    // searcher, which calls memcmp for each).
    if open == 0 || b[open - 1] != b' ' || memchr::memchr_iter(b' ', &b[..open]).count() != 3 {
        return None;
    }
    let ts = line.get(open + 1..open + 27)?;
    let t = ts.as_bytes();
    let shaped = t[2] == b'/'
        && t[6] == b'/'
        && t[11] == b':'
        && t[20] == b' '
        && matches!(t[21], b'+' | b'-')
        && b.get(open + 27) == Some(&b']');
    shaped.then_some((ts, open + 28))
}

/// A syslog timestamp in a locale's month names (see [`localized_syslog_stamp`]).
struct LocalizedStamp<'a> {
    /// The month's English abbreviation.
    month: &'static str,
    day: &'a str,
    /// `hh:mm:ss` and a fraction, if written.
    time: &'a str,
    /// Where the separators after the stamp end.
    end: usize,
}

impl LocalizedStamp<'_> {
    /// The stamp in English, for [`parse_timestamp`] and the syslog reading after it.
    fn english(&self) -> String {
        format!("{} {:>2} {}", self.month, self.day, self.time)
    }
}

/// A syslog timestamp in a locale's month names (`journalctl` under `LANG=ru_RU.UTF-8`:
/// `ноя 20 16:52:58`; `févr. 14 09:01:22`). Recognizing it allocates nothing.
fn localized_syslog_stamp(rest: &str) -> Option<LocalizedStamp<'_>> {
    let b = rest.as_bytes();
    let first = *b.first()?;
    if !(first.is_ascii_alphabetic() || first >= 0xC3) {
        return None;
    }
    let word_end = rest
        .char_indices()
        .take(7)
        .find(|(_, c)| !c.is_alphabetic())
        .map(|(i, _)| i)?;
    let mut i = word_end + usize::from(b.get(word_end) == Some(&b'.'));
    let spaces = b[i..].iter().take_while(|&&c| c == b' ').count();
    let day_len = b[i + spaces..]
        .iter()
        .take_while(|c| c.is_ascii_digit())
        .count();
    if !(1..=2).contains(&spaces) || !(1..=2).contains(&day_len) {
        return None;
    }
    i += spaces;
    let day = &rest[i..i + day_len];
    i += day_len;
    let time = b.get(i + 1..i + 9)?;
    let digit = |k: usize| time[k].is_ascii_digit();
    if b[i] != b' '
        || !(digit(0) && digit(1) && digit(3) && digit(4) && digit(6) && digit(7))
        || time[2] != b':'
        || time[5] != b':'
    {
        return None;
    }
    let time_start = i + 1;
    i += 9;
    // Checked last: a word, a day and a time of day are rare outside a timestamp.
    let month = localized_month(&rest[..word_end])?;
    if b.get(i) == Some(&b'.') {
        i += 1 + b[i + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
    }
    if i < b.len() && b[i] != b' ' {
        return None;
    }
    Some(LocalizedStamp {
        month,
        day,
        time: &rest[time_start..i],
        end: i + b[i..].iter().take_while(|&&c| c == b' ').count(),
    })
}

/// A BSD syslog timestamp: `Mmm dd hh:mm:ss`, no year.
fn is_syslog_stamp(ts: &str) -> bool {
    let b = ts.as_bytes();
    b.len() == 15 && b[0].is_ascii_uppercase() && b[3] == b' ' && b[9] == b':'
}

/// RFC 3164 puts `HOSTNAME TAG: ` after the timestamp, the tag a program name with an
/// optional `[pid]`. Returns the host's and the program's byte ranges and where the
/// message starts, when the line has that shape.
fn syslog_host_and_tag(line: &str, after_ts: usize) -> Option<(Span, Span, usize)> {
    let rest = &line[after_ts..];
    let host_end = rest.find(' ')?;
    let host = &rest[..host_end];
    if host.is_empty() || host.ends_with(':') {
        return None;
    }
    let tag_start = host_end + 1;
    let colon = rest[tag_start..].find(": ").map(|i| tag_start + i)?;
    let tag = &rest[tag_start..colon];
    let program = tag.split('[').next().unwrap_or(tag);
    let valid =
        |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/' | '(' | ')');
    if program.is_empty() || !program.chars().all(valid) {
        return None;
    }
    Some((
        (after_ts, after_ts + host_end),
        (after_ts + tag_start, after_ts + tag_start + program.len()),
        after_ts + colon + 2,
    ))
}

/// Redis's line from a signal handler, which cannot format a date: the pid, `:signal-handler`
/// (`[pid | signal handler]` before 3.0), the Unix time in parentheses, the message. Returns
/// the time and where the message starts.
fn redis_signal_handler(b: &[u8]) -> Option<(i64, usize)> {
    let (pid, rest) = match b.first()? {
        b'[' => {
            let pid = b[1..].iter().take_while(|c| c.is_ascii_digit()).count();
            (pid, b[1 + pid..].strip_prefix(b" | signal handler] (")?)
        }
        _ => {
            let pid = b.iter().take_while(|c| c.is_ascii_digit()).count();
            (pid, b[pid..].strip_prefix(b":signal-handler (")?)
        }
    };
    let digits = rest.iter().take_while(|c| c.is_ascii_digit()).count();
    if pid == 0 || !(9..=11).contains(&digits) || !rest[digits..].starts_with(b") ") {
        return None;
    }
    let seconds = std::str::from_utf8(&rest[..digits]).ok()?.parse().ok()?;
    Some((seconds, b.len() - rest.len() + digits + 2))
}

/// `pid:role `, `[pid] ` or `dd Mon ` as Redis starts its lines: checked before its regex
/// runs.
fn looks_like_redis(b: &[u8]) -> bool {
    let digits = b.iter().take_while(|c| c.is_ascii_digit()).count();
    if digits > 0
        && b.len() > digits + 3
        && b[digits] == b':'
        && matches!(b[digits + 1], b'X' | b'C' | b'S' | b'M')
        && b[digits + 2] == b' '
    {
        return true;
    }
    if b.first() == Some(&b'[') {
        let pid = b[1..].iter().take_while(|c| c.is_ascii_digit()).count();
        return pid > 0 && b[1 + pid..].starts_with(b"] ");
    }
    // Redis 1: the date first, `30 May 10:03:19 - ...`.
    (1..=2).contains(&digits)
        && b.len() > digits + 5
        && b[digits] == b' '
        && b[digits + 1].is_ascii_uppercase()
        && b[digits + 2].is_ascii_lowercase()
        && b[digits + 4] == b' '
}

/// True when a line starts a record by its header; cheaper than [`read_header`] (no
/// captures, no timestamp parsing).
pub fn starts_record(line: &str) -> bool {
    let b = line.as_bytes();
    if b.first().is_some_and(u8::is_ascii_whitespace) {
        let t = line.trim_start();
        return (may_start_with_timestamp(t.as_bytes()) && header_re().is_match(t))
            || severity::opens_indented(line)
            || (b[0] == b' ' && zabbix_stamp(line).is_some());
    }
    if b.is_empty() {
        return false;
    }
    if severity::is_glog(b)
        || (looks_like_redis(b) && redis_re().is_match(line))
        || redis_signal_handler(b).is_some()
    {
        return true;
    }
    // A level before the timestamp (`<PRI>`, Ruby's `E, [`) is found by prefix_level too.
    (may_start_with_timestamp(b) && header_re().is_match(line))
        || severity::prefix_level(line).is_some()
        || localized_syslog_stamp(line).is_some()
        || line.starts_with("[pid: ")
        || clf_timestamp(line).is_some()
        || super::logfmt::opens_line(line)
        || uptime_stamp(b).is_some()
        || (b[0].is_ascii_digit() && zabbix_stamp(line).is_some())
        || (b[0] == b'=' && erlang_report(line).is_some())
        || (b[0] == b'#' && weblogic_header(line).is_some())
        || is_runner_line(line)
}

/// CodeIgniter's (and Kohana's) header: the level, ` - `, the time, then ` --> ` before the
/// message (`ERROR - 2025-07-26 12:31:12 --> Query error: ...`).
fn level_dash_time(line: &str) -> Option<Header> {
    let b = line.as_bytes();
    let dash = b.iter().take(8).position(|&c| c == b' ')?;
    if b.get(dash..dash + 3) != Some(b" - ") || !b.get(dash + 3)?.is_ascii_digit() {
        return None;
    }
    let level = Level::from_name(&line[..dash])?;
    let rest = &line[dash + 3..];
    let arrow = rest.find(" --> ")?;
    let timestamp = parse_timestamp(&rest[..arrow]);
    timestamp.map(|t| Header {
        timestamp: Some(t),
        has_timestamp: true,
        level: Some(level),
        message_start: dash + 3 + arrow + 5,
        ..Header::default()
    })
}

/// AWS Lambda's own lines around each invocation, as its runtime writes them to the
/// function's log stream: `START RequestId: ...`, `END RequestId: ...`, `REPORT RequestId:
/// ...`, `INIT_START Runtime Version: ...`, `INIT_REPORT ...`, SnapStart's
/// `RESTORE_START`/`RESTORE_REPORT`, and the extensions' `EXTENSION\tName: ...`,
/// `TELEMETRY\tName: ...`.
pub fn is_lambda_platform_line(line: &str) -> bool {
    if !matches!(
        line.as_bytes().first(),
        Some(b'S' | b'E' | b'R' | b'I' | b'T')
    ) {
        return false;
    }
    [
        "START RequestId: ",
        "END RequestId: ",
        "REPORT RequestId: ",
        "INIT_START ",
        "INIT_REPORT ",
        "RESTORE_START ",
        "RESTORE_REPORT ",
        "EXTENSION\t",
        "TELEMETRY\t",
    ]
    .iter()
    .any(|p| line.starts_with(p))
}

/// A CI runner's own line among a job's output: a workflow command (`##[group]Run tests`,
/// `##[endgroup]`) or the command line it runs (`[command]/usr/bin/git version`); a CLI's
/// status line (`==> Newer Nomad version available`: HashiCorp's tools and Homebrew mark
/// their own output so; `tail` heads each file's lines `==> x.log <==`); a shell prompt
/// of a pasted terminal session.
fn is_runner_line(line: &str) -> bool {
    line.starts_with("##[")
        || line.starts_with("[command]")
        || line.starts_with("==> ")
        || is_w3c_directive(line)
        || is_shell_prompt(line)
}

/// A directive of the W3C Extended Log File Format (IIS writes them whenever it opens or
/// rolls a log): `#Software: ...`, `#Version: 1.0`, `#Date: ...`, `#Fields: date time ...`.
pub fn is_w3c_directive(line: &str) -> bool {
    line.starts_with('#')
        && [
            "#Software: ",
            "#Version: ",
            "#Date: ",
            "#Fields: ",
            "#Start-Date: ",
            "#End-Date: ",
            "#Remark: ",
        ]
        .iter()
        .any(|d| line.starts_with(d))
}

/// bash's default prompt before a command: Debian's `user@host:~/dir$ cmd` and Red Hat's
/// `[user@host dir]$ cmd` (`#` for root).
fn is_shell_prompt(line: &str) -> bool {
    let b = line.as_bytes();
    let bracketed = b.first() == Some(&b'[');
    let start = usize::from(bracketed);
    let user = b[start..]
        .iter()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.'))
        .count();
    if user == 0 || b.get(start + user) != Some(&b'@') {
        return false;
    }
    let host_start = start + user + 1;
    let host = b[host_start..]
        .iter()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'.'))
        .count();
    if host == 0 {
        return false;
    }
    let after_host = host_start + host;
    let (sep, ends): (u8, [&str; 2]) = if bracketed {
        (b' ', ["]$ ", "]# "])
    } else {
        (b':', ["$ ", "# "])
    };
    if b.get(after_host) != Some(&sep) {
        return false;
    }
    let head = &line[after_host + 1..];
    let head = head.get(..head.len().min(200)).unwrap_or(head);
    ends.iter().any(|end| {
        head.find(end)
            .is_some_and(|i| !head[..i].contains(['@', '\t']))
    }) || head.trim_end().ends_with(ends[0].trim_end())
}

/// syslog's `<PRI>`, Ruby's Logger's `E, [` and Tornado's `[W 230101 ...` put a level
/// before the timestamp.
fn level_before_timestamp(b: &[u8]) -> bool {
    b.first() == Some(&b'<') || b.get(1) == Some(&b',') || severity::is_tornado(b)
}

/// The first bytes a header timestamp can start with: a digit, `[`, or a month or weekday
/// name.
fn may_start_with_timestamp(b: &[u8]) -> bool {
    let Some(&first) = b.first() else {
        return false;
    };
    first.is_ascii_digit()
        || first == b'['
        || (first.is_ascii_uppercase() && b.get(1).is_some_and(u8::is_ascii_lowercase))
}

/// glog/klog: `Lmmdd hh:mm:ss.uuuuuu threadid file:line] msg` (no year: see
/// [`parse_timestamp`]).
fn glog_header(line: &str) -> Header {
    let level = Level::from_name(&line[..1]);
    let ts_end = line[1..]
        .find(|c: char| c.is_ascii_whitespace())
        .map(|i| 1 + i)
        .and_then(|d| line[d + 1..].find(' ').map(|j| d + 1 + j))
        .unwrap_or(line.len());
    let timestamp = parse_timestamp(&line[1..ts_end]);
    let mut message_start = line.find("] ").map_or(ts_end, |i| i + 2);
    // CockroachDB numbers its entries after the tags: `[n1] 12  message`.
    if line.as_bytes().get(7) == Some(&b' ')
        && let Some((counter, _)) = crdb_counter(&line.as_bytes()[message_start..])
    {
        message_start += counter + 2;
    }
    Header {
        timestamp,
        has_timestamp: true,
        level,
        message_start,
        ..Header::default()
    }
}

/// A rule of one character repeated four times or more (`=====`, `!!!!`, `****`, `####`):
/// the top of a box that a start script
/// or a runtime draws around a message (Erlang's run_erl `=====` / `===== LOGGING STARTED
/// ...` / `=====`, a boxed `!!!! WARNING: ...`), whose lines all open with the rule.
/// Terraform's diagnostic box (0.15 and later): `╷` on a line of its own opens it, each
/// line inside starts with `│` (`│ Error: Backend initialization required`), `╵` closes it.
pub const TERRAFORM_BOX: (&str, &str, &str) = ("\u{2577}", "\u{2502}", "\u{2575}");

pub fn rule_run(line: &str) -> Option<&str> {
    let t = line.trim_end();
    let c = *t.as_bytes().first()?;
    (t.len() >= 4 && matches!(c, b'=' | b'*' | b'!' | b'#') && t.bytes().all(|b| b == c))
        .then_some(t)
}

/// A CockroachDB line that goes on with the entry before it: the entry's counter after the
/// tags, then `+` (the next line of a multi-line message) or `|` (the rest of a long line).
pub fn crdb_continuation(line: &str) -> bool {
    let b = line.as_bytes();
    // Only CockroachDB's header has the year: klog's `E0922 ...] 5 | 6 rows` is a message.
    if b.get(7) != Some(&b' ') || !severity::is_glog(b) {
        return false;
    }
    memchr::memmem::find(b, b"] ")
        .and_then(|close| crdb_counter(&b[close + 2..]))
        .is_some_and(|(_, mark)| mark != b' ')
}

/// CockroachDB's entry counter after the tags, then a space and its mark: a space opens an
/// entry, `+` goes on with its next line, `|` with the rest of a long line. Returns the
/// counter's length and the mark.
fn crdb_counter(rest: &[u8]) -> Option<(usize, u8)> {
    let counter = rest.iter().take_while(|c| c.is_ascii_digit()).count();
    let mark = *rest.get(counter + 1)?;
    (counter > 0 && rest[counter] == b' ' && matches!(mark, b' ' | b'+' | b'|'))
        .then_some((counter, mark))
}

/// uwsgi's request log: `[pid: 1|app: 0|req: 1/1] 127.0.0.1 () {38 vars in 696 bytes}
/// [Sun Mar 13 22:49:12 2016] POST /x => ...`: the time is in the middle.
fn uwsgi_header(line: &str) -> Header {
    let mut h = Header {
        has_timestamp: true,
        message_start: 0,
        ..Header::default()
    };
    if let Some(open) = line.find("} [")
        && let Some(close) = line[open + 3..].find(']')
    {
        h.timestamp = parse_timestamp(&line[open + 3..open + 3 + close]);
    }
    h
}

/// A text's first line, and the lines after it if there are any.
fn split_first_line(text: &str) -> (&str, Option<&str>) {
    match text.split_once('\n') {
        Some((first, rest)) => (first, Some(rest)),
        None => (text, None),
    }
}

/// Parses a joined text event. Everything after the first line is the stack/body.
/// An upper-case level word and a colon opening a message (`WARNING: x`): the level and
/// where the rest starts.
fn labelled_level(msg: &str) -> Option<(Level, usize)> {
    let (word, _) = msg.get(..msg.len().min(10))?.split_once(':')?;
    if word.len() < 3 || !word.bytes().all(|c| c.is_ascii_uppercase()) {
        return None;
    }
    Some((Level::from_name(word)?, word.len() + 1))
}

pub fn parse_event(text: &str) -> Event<'_> {
    let (first, rest) = split_first_line(text);
    let mut ev = Event::default();
    let header = read_header(first);
    ev.timestamp = header.timestamp;
    ev.level = header.level;
    let mut msg = first[header.message_start..].trim_start();
    let mut body = rest;
    // A label of its own opening the message, above the header's level: MinIO prints its
    // warnings through its info logger (`INFO: WARNING: MINIO_ACCESS_KEY ... deprecated`),
    // a process manager relays a child's `ERROR: ...` at INFO.
    if let Some(outer) = ev.level
        && let Some((inner, end)) = labelled_level(msg)
        && inner > outer
    {
        ev.level = Some(inner);
        msg = msg[end..].trim_start();
    }
    if let Some(((hs, he), (ps, pe))) = header.syslog {
        ev.set_dim(Dimension::Host, Cow::Borrowed(&first[hs..he]));
        ev.origin = Some(Cow::Borrowed(&first[ps..pe]));
    }
    // java.util.logging writes the level at the start of the record's second line:
    // `Jul 09, 2015 3:23:29 PM com.example.Foo run` / `SEVERE: message`.
    if ev.level.is_none()
        && header.has_timestamp
        && let Some(second) = rest
    {
        let (line2, after) = split_first_line(second);
        if let Some((level, end)) = severity::prefix_level(line2) {
            ev.level = Some(level);
            ev.origin = Some(Cow::Borrowed(msg.trim()));
            msg = line2[end..].trim_start();
            body = after;
        }
    }
    // A box: the message is on the line under the rule, after the rule's characters (or
    // after the side of Terraform's diagnostic box).
    let side = match rule_run(first) {
        Some(run) => Some(run),
        None if first.trim_end() == TERRAFORM_BOX.0 => Some(TERRAFORM_BOX.1),
        None => None,
    };
    if ev.level.is_none()
        && let (Some(run), Some(second)) = (side, rest)
    {
        let (line2, after) = split_first_line(second);
        if let Some(inner) = line2.strip_prefix(run) {
            let inner = inner.trim();
            msg = match severity::prefix_level(inner) {
                Some((level, end)) => {
                    ev.level = Some(level);
                    inner[end..].trim_start()
                }
                None => inner,
            };
            body = after;
        }
    }
    if ev.level.is_none() {
        ev.level = severity::message_id_level(text);
    }
    // A time alone on the record's second line dates it (Hugo's `Change detected,
    // rebuilding site (#1).` over `2026-02-23 13:19:46.304 -0500`).
    if ev.timestamp.is_none()
        && let Some(second) = rest
    {
        let (line2, _) = split_first_line(second);
        if is_time_alone(line2) {
            ev.timestamp = read_header(line2).timestamp;
        }
    }
    if ev.origin.is_none() {
        let (origin, message) = split_logger(msg);
        ev.origin = origin.map(Cow::Borrowed);
        msg = message;
    }
    // The kernel's rule over a warning: the warning's line is the message.
    if super::kernel::message(msg).unwrap_or(msg).trim() == super::kernel::CUT_HERE
        && let Some(b) = body
    {
        let (line2, after) = split_first_line(b);
        msg = super::kernel::message(line2).unwrap_or(line2).trim();
        body = after;
    }
    // A header alone on its line (Erlang's `=ERROR REPORT====`, GHC's
    // `Loan.hs:86:10-19: warning: [-Wmissing-methods]`): the message is the next
    // line that holds one.
    if msg.trim().is_empty()
        && let Some(b) = body
    {
        let skip = b.len() - b.trim_start_matches(['\n', '\r']).len();
        let b = &b[skip..];
        let (line2, after) = split_first_line(b);
        // A stack frame is the trace's, not a message.
        let next = line2.trim();
        if !(next.starts_with("at ") || next.starts_with("File \"")) {
            msg = next;
            body = after;
        }
    }

    ev.message = Cow::Borrowed(msg);
    if let Some(body) = body.filter(|r| !r.trim().is_empty()) {
        ev.stack = Some(Cow::Borrowed(body));
    }
    if let Some((t, m)) = stack::exception_type(text) {
        ev.error_type = Some(Cow::Owned(t));
        if !m.is_empty() && !msg.contains(m.as_str()) {
            ev.error_message = Some(Cow::Owned(m));
        }
    }
    severity::infer_missing(&mut ev);
    ev
}

/// Strips `[thread]` (padded or not) and a `logger - ` / `logger: ` / `logger   : ` prefix
/// (logback's and Spring Boot's patterns, whose `PID --- ` goes too); returns the logger as
/// origin.
fn split_logger(msg: &str) -> (Option<&str>, &str) {
    let mut m = msg.trim_start();
    if let Some((pid, rest)) = m.split_once(" --- ")
        && !pid.is_empty()
        && pid.bytes().all(|b| b.is_ascii_digit())
    {
        m = rest.trim_start();
    }
    if m.starts_with('[')
        && let Some(end) = m.find(']')
        && !m[1..end].trim().contains(' ')
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
    // Spring Boot pads the logger to a column and puts ` : ` after it: a dotted logger, or
    // a padded one (`user : x` in prose keeps its first word).
    let padded = m[tok_end..].starts_with("  ");
    if let Some(rest) = after.strip_prefix(": ")
        && (padded || tok.contains('.'))
        && !tok.is_empty()
        && tok
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '$'))
    {
        return (Some(tok), rest);
    }
    (None, m)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn older_shapes_of_common_servers() {
        // MySQL 5.6 and older.
        let e = parse_event("161209 14:18:50 [Warning] Using unique option prefix myisam-recover");
        assert_eq!(e.level, Some(Level::Warning));
        assert_eq!(e.timestamp, parse_timestamp("2016-12-09T14:18:50Z"));
        let e = parse_event("161209  9:18:50 [ERROR] Aborting");
        assert_eq!(e.level, Some(Level::Error));
        assert_eq!(e.timestamp, parse_timestamp("2016-12-09T09:18:50Z"));
        // beego's one-letter levels (frp).
        let e = parse_event("2025/10/20 00:57:37 [W] [control.go:99] reconnect to server error");
        assert_eq!(e.level, Some(Level::Warning));
        assert_eq!(
            parse_event("2025/10/20 00:47:16 [I] [root.go:139] start").level,
            Some(Level::Info)
        );
        // Gin's debug-mode warnings.
        let e = parse_event("[GIN-debug] [WARNING] Running in \"debug\" mode.");
        assert_eq!(e.level, Some(Level::Warning));
        assert_eq!(e.message, "Running in \"debug\" mode.");
        assert_eq!(
            parse_event("[GIN-debug] GET /ping --> main.ping (3 handlers)").level,
            None
        );
        // absl/TensorFlow: glog's letter and `file:line]` after a time of their own.
        let e = parse_event(
            "2024-10-31 05:51:30.460648: E external/xla/cuda_fft.cc:485] Unable to register cuFFT factory",
        );
        assert_eq!(e.level, Some(Level::Error));
        // Telegraf's letters; mosquitto's seconds since the epoch.
        let e =
            parse_event("2024-10-24T04:03:52Z E! [inputs.jti] Error in plugin: connection refused");
        assert_eq!(e.level, Some(Level::Error));
        let e = parse_event("1717510388: Error: Address already in use");
        assert_eq!(e.level, Some(Level::Error));
        assert_eq!(e.timestamp, Some(1_717_510_388_000));
        assert_eq!(
            parse_event("1717509750: mosquitto version 2.0.11 starting").level,
            None
        );
        // Seconds or milliseconds since the epoch opening the line: Mozilla's log
        // (geckodriver), Squid's access log.
        let e = parse_event(
            "1586170226125\taddons.webextension.doh-rollout@mozilla.org\tWARN\tLoading extension",
        );
        assert_eq!(
            (e.level, e.timestamp),
            (Some(Level::Warning), Some(1_586_170_226_125))
        );
        let e = parse_event("1286536308.779    180 192.168.0.224 TCP_MISS/200 411 GET http://x/");
        assert_eq!((e.level, e.timestamp), (None, Some(1_286_536_308_779)));
        assert!(!starts_record("12865363087790 is not a time"));
        // Seconds since the epoch in brackets: unbound's and Nagios/Icinga 1's stamp.
        let e = parse_event("[1672567200] unbound[1234:0] error: can't bind socket");
        assert_eq!(
            (e.level, e.timestamp),
            (Some(Level::Error), Some(1_672_567_200_000))
        );
        assert_eq!(
            parse_event("[1672567200] unbound[1234:0] notice: init module 0: validator").level,
            Some(Level::Notice)
        );
        assert!(starts_record(
            "[1399999999] SERVICE ALERT: web01;HTTP;OK;HARD;1;HTTP OK"
        ));
        assert!(!starts_record("[12345] not a time"));
        // A label above the header's level opening the message.
        let e = parse_event("INFO: WARNING: MINIO_ACCESS_KEY and MINIO_SECRET_KEY are deprecated.");
        assert_eq!(e.level, Some(Level::Warning));
        assert_eq!(
            e.message,
            "MINIO_ACCESS_KEY and MINIO_SECRET_KEY are deprecated."
        );
        assert_eq!(parse_event("ERROR: INFO: x").level, Some(Level::Error));
        assert_eq!(parse_event("INFO: Note: x").level, Some(Level::Info));
        // ClickHouse's server log: `yyyy.mm.dd hh:mm:ss.micros [ thread ] {query} <Level>`.
        let e = parse_event(
            "2025.01.27 16:36:22.089962 [ 1 ] {} <Error> Application: Caught exception while setting up access control.",
        );
        assert_eq!(
            (e.level, e.timestamp),
            (Some(Level::Error), Some(1_737_995_782_089))
        );
        // Minecraft Forge's stamp; a thread name with spaces before its level.
        let e = parse_event(
            "[29Oct2024 17:00:48.348] [LanServerPinger #1/WARN] [net.minecraft.client.server.LanServerPinger/]: LanServerPinger: Network is unreachable",
        );
        assert_eq!(
            (e.level, e.timestamp),
            (Some(Level::Warning), Some(1_730_221_248_348))
        );
        // A CLI's status line and a pasted shell prompt are lines of their own.
        assert!(starts_record("==> Newer Nomad version available: 0.5.2"));
        assert!(starts_record(
            "toby@consigliere:~/src/vector$ ls -l /tmp/vector/"
        ));
        assert!(starts_record("[root@web01 ~]# systemctl restart nginx"));
        assert!(starts_record("user@host:~$"));
        assert!(!starts_record("admin@example.com: mailbox full"));
        assert!(!starts_record(
            "git@github.com:org/repo.git is not reachable"
        ));
        // Nagios' state lines: the state field is the level, ALERT is not.
        for (line, level) in [
            (
                "[1399999999] SERVICE ALERT: web01;HTTP;CRITICAL;HARD;3;Connection refused",
                Level::Error,
            ),
            (
                "[1399999999] SERVICE ALERT: web01;HTTP;OK;HARD;3;HTTP OK: 200",
                Level::Info,
            ),
            (
                "[1399999999] HOST ALERT: web01;DOWN;SOFT;1;PING CRITICAL - Packet loss = 100%",
                Level::Error,
            ),
            (
                "[1399999999] CURRENT SERVICE STATE: db;Disk;WARNING;HARD;3;DISK WARNING",
                Level::Warning,
            ),
            (
                "[1399999999] SERVICE NOTIFICATION: admin;web01;HTTP;ACKNOWLEDGEMENT (CRITICAL);notify;x",
                Level::Error,
            ),
            (
                "[1399999999] HOST NOTIFICATION: admin;web01;UP;notify-host;PING OK",
                Level::Info,
            ),
            (
                "[1399999999] SERVICE FLAPPING ALERT: web01;HTTP;STARTED; Service appears to have started flapping",
                Level::Warning,
            ),
            (
                "[1399999999] HOST DOWNTIME ALERT: web01;STARTED; Host has entered a period of scheduled downtime",
                Level::Info,
            ),
        ] {
            assert_eq!(parse_event(line).level, Some(level), "{line}");
        }
        // What reported it, then its level.
        let e = parse_event(
            "JavaScript error: resource://gre/modules/XULStore.jsm, line 66: Error: Can't find profile directory.",
        );
        assert_eq!(e.level, Some(Level::Error));
        assert_eq!(
            parse_event("JavaScript warning: https://x/v.js, line 5: Error: Script terminated by timeout at:").level,
            Some(Level::Warning)
        );
        assert_eq!(
            parse_event("Fatal error: Uncaught Exception: boom in /app/index.php:3").level,
            Some(Level::Fatal)
        );
        assert_eq!(parse_event("Terminal error count: 0").level, None);
        for (line, level) in [
            (
                "Window manager warning: Overwriting existing binding of keysym 37",
                Some(Level::Warning),
            ),
            ("Internal Server Error: /admin/", Some(Level::Error)),
            (
                "initdb: warning: enabling \"trust\" authentication",
                Some(Level::Warning),
            ),
            ("Mean squared error: 0.0123", None),
            ("One two three four error: x", None),
            ("TypeError error: x", None),
            ("Ignore the following warning: x", None),
            ("No error: x", None),
        ] {
            // The level the line writes (a failure in words may still infer a warning).
            assert_eq!(written_level(line), level, "{line}");
        }
        // Python's warnings module; banners' levels.
        let e = parse_event(
            "/venv/lib/python3.12/site-packages/airflow/routes/__init__.py:48: RemovedInAirflow3Warning: use x",
        );
        assert_eq!((e.level, &*e.message), (Some(Level::Warning), "use x"));
        assert_eq!(written_level("/app/x.py:48: ValueError: no"), None);
        assert_eq!(
            parse_event("*** WARNING: you are running uWSGI as root !!! (use the --uid flag) ***")
                .level,
            Some(Level::Warning)
        );
        assert_eq!(
            parse_event("==> WARNING: Expect Mode enabled, expecting 3 servers").level,
            Some(Level::Warning)
        );
        assert_eq!(parse_event("*** Starting uWSGI 2.0.18 ***").level, None);
        // Heroku's router writes `at=`; Ansible's task results.
        assert_eq!(
            parse_event("2015-06-15T14:13:45.127390+00:00 heroku[router]: at=error code=H10 desc=\"App crashed\"").level,
            Some(Level::Error)
        );
        assert_eq!(
            parse_event("2015-06-15T14:13:36.162616+00:00 heroku[router]: at=info method=GET")
                .level,
            Some(Level::Info)
        );
        assert_eq!(
            parse_event("2015-04-21 14:43:11,700 p=30141 u=ksingh |  failed: [127.0.0.1] => {\"changed\": true}").level,
            Some(Level::Error)
        );
        assert_eq!(
            parse_event("2015-04-21 14:43:11,600 p=30141 u=ksingh |  ok: [127.0.0.1]").level,
            None
        );
        // Android Studio's logcat columns: the level letter padded into its own column.
        let e = parse_event(
            "2023-06-01 18:13:08.485  2266-2266  studio.deploy           installer                            E  Could not get package user id",
        );
        assert_eq!(e.level, Some(Level::Error));
        assert_eq!(
            parse_event("2023-06-01 18:13:09.600  8468-8468  ostacoffee.club         pl.costacoffee.club                  W  ClassLoaderContext mismatch").level,
            Some(Level::Warning)
        );
        // Erlang/OTP's error_logger reports.
        let e = parse_event(
            "=WARNING REPORT==== 22-Mar-2021::12:19:14 ===\nclosing AMQP connection <0.26296.60>:\nconnection_closed_abruptly",
        );
        assert_eq!(
            (e.level, e.timestamp.map(crate::input::time::format_ms)),
            (
                Some(Level::Warning),
                Some("2021-03-22T12:19:14.000Z".into())
            )
        );
        assert!(starts_record("=CRASH REPORT==== 1-Jan-2020::00:00:01 ==="));
        assert!(!starts_record("=== not a report ==="));
        // journald keeps the program's indentation before its level.
        let e = parse_event(
            "Jan 04 18:09:23 vais-laptop qs[36187]:   WARN : Failed to create wl_display",
        );
        assert_eq!(e.level, Some(Level::Warning));
        // The GNU `file:line: kind:` diagnostic; a kind of notice before its level.
        for (line, level) in [
            (
                "/var/www/app/controllers/accounts_controller.rb:63: warning: else without rescue is useless",
                Some(Level::Warning),
            ),
            (
                "src/main.c:12:5: error: expected ';' before '}' token",
                Some(Level::Error),
            ),
            (
                "DEPRECATION WARNING: Passing strings to the middleware builder is deprecated",
                Some(Level::Warning),
            ),
            ("GET /index.html: 200", None),
        ] {
            assert_eq!(parse_event(line).level, level, "{line}");
        }
        // Chromium's bracket, env_logger's `[LEVEL target]`, Unreal Engine's verbosity.
        for (line, level) in [
            (
                "[0131/083655.474:WARNING:angle_platform_impl.cc(48)] HLSLCompiler.cpp:257 (compileToBinary):",
                Some(Level::Warning),
            ),
            (
                "[2023-07-03T11:54:00 UTC][ERROR tiny_ebnf_grammar_parser::syntax_parsing] Parsing error:  --> 6:5",
                Some(Level::Error),
            ),
            (
                "[2025.01.31-08.09.38:234][368]LogHttp: Warning: [FHttpManager::Shutdown] Unbinding delegates",
                Some(Level::Warning),
            ),
            (
                "[2025.01.31-08.09.38:221][368]LogStudioTelemetry: Display: Shutdown StudioTelemetry Module",
                Some(Level::Info),
            ),
            (
                "[2025.01.31-08.09.38:221][368]RenderDocPlugin: plugin has been unloaded.",
                None,
            ),
            // CLI labels: cobra's `Error:`, ssh's `Warning:`, Ansible's `ERROR!`.
            ("Error: unknown command \"x\" for \"y\"", Some(Level::Error)),
            (
                "Warning: Permanently added 'host' to the list of known hosts.",
                Some(Level::Warning),
            ),
            (
                "2024-04-03 11:24:56,257 p=3911 u=gonzales n=ansible | ERROR! We were unable to read either as JSON nor YAML",
                Some(Level::Error),
            ),
            ("Errors are reported below", None),
            // Airflow's warnings: no colon after the line number.
            (
                "/venv/lib/python3.12/site-packages/airflow/routes/__init__.py:23 DeprecationWarning: 'HTTP_422' is deprecated",
                Some(Level::Warning),
            ),
            ("/srv/app/main.go:23 DeprecationWarning: not Python", None),
        ] {
            assert_eq!(written_level(line), level, "{line}");
        }
        assert_eq!(
            parse_event("[2025.01.31-08.09.38:221][368]LogHttp: Display: x")
                .timestamp
                .map(crate::input::time::format_ms),
            Some("2025-01-31T08:09:38.221Z".into())
        );
        // MSBuild's diagnostics (indented too, in its summary); SQL Server's severity.
        for (line, level) in [
            (
                "   1:7>E:\\Graduation Project\\App\\JoinController.cs(111,25): error CS0117: 'EquineVet' does not contain 'Ssn' [E:\\Graduation Project\\App\\App.csproj]",
                Some(Level::Error),
            ),
            (
                "         E:\\Graduation Project\\App\\Bid.cs(14,32): warning CS8618: Non-nullable property 'Auction' [E:\\App\\App.csproj]",
                Some(Level::Warning),
            ),
            (
                "C:\\fakepath(135,1): warning X4000: use of potentially uninitialized variable (f_i)",
                None,
            ),
            (
                "2024-02-03 13:59:04.26 Logon       Error: 18456, Severity: 14, State: 38.",
                Some(Level::Error),
            ),
            (
                "2024-02-03 13:59:04.26 spid51      Error: 3041, Severity: 16, State: 1.",
                Some(Level::Error),
            ),
        ] {
            assert_eq!(written_level(line), level, "{line}");
        }
        // Not MSBuild's shape (no project after it): the word makes it an inferred warning.
        let fxc = parse_event(
            "C:\\fakepath(135,1): warning X4000: use of potentially uninitialized variable (f_i)",
        );
        assert_eq!(fxc.level, Some(Level::Warning));
        assert!(fxc.level_inferred.is_some());
        assert!(starts_record(
            "         E:\\App\\Bid.cs(14,32): warning CS8618: x [E:\\App\\App.csproj]"
        ));
        // log4net's internal messages.
        assert_eq!(
            parse_event("log4net:ERROR Failed to find type [MasterDetail.Models.TracingLayout]")
                .level,
            Some(Level::Error)
        );
        assert_eq!(
            parse_event("log4net: Setting Collection Property [AddParameter]").level,
            Some(Level::Debug)
        );
        // mod_php logs at notice what PHP labels a warning or a fatal error; Dovecot's
        // `component: Level:`.
        for (line, level) in [
            (
                "[Sun Jul 13 18:18:46.516724 2025] [php:notice] [pid 18176:tid 1292] [client 127.0.0.1:58043] PHP Warning:  Undefined variable $conn in C:\\www\\x.php on line 13",
                Some(Level::Warning),
            ),
            (
                "[Sun Jul 13 18:18:46.516724 2025] [php:notice] [pid 18176:tid 1292] [client 127.0.0.1:58043] PHP Fatal error:  Uncaught TypeError: x",
                Some(Level::Fatal),
            ),
            (
                "[Sun Jul 13 18:18:46.516724 2025] [php:notice] [pid 18176:tid 1292] AH00094: Command line: 'httpd -d C:/wamp64'",
                Some(Level::Notice),
            ),
            (
                "Feb  5 15:13:58 dns-z2 dovecot: master: Warning: Killed with signal 15 (by pid=15672 uid=0 code=kill)",
                Some(Level::Warning),
            ),
            (
                "Feb  5 15:13:58 dns-z2 dovecot: imap(bob): Error: Mailbox INBOX: open failed",
                Some(Level::Error),
            ),
            (
                "Feb  5 15:13:58 dns-z2 dovecot: imap-login: Login: user=<bob>, method=PLAIN",
                None,
            ),
        ] {
            assert_eq!(parse_event(line).level, level, "{line}");
        }
        // Labels with nothing to report, and look-alikes of this session's rules.
        for line in [
            "Training error: 0.0123",
            "2024-01-01 10:00:00 Validation error: 0.0512",
            "err: <nil>",
            "TOTAL FAIL: 0",
            "Registered unhandledRejection handler",
            "2024-01-01 10:00:00 user42  D  /var/lib/x",
        ] {
            let e = parse_event(line);
            assert!(
                e.level.is_none_or(|l| l < Level::Warning),
                "{line}: {:?}",
                e.level
            );
        }
        // A failed retry says so in words: a warning, inferred, not an error.
        let retry =
            parse_event("2024-01-01 10:00:00 retry 1 failed: [Errno 111] Connection refused");
        assert_eq!(retry.level, Some(Level::Warning));
        assert!(retry.level_inferred.is_some());
        assert_eq!(
            parse_event("[2023-07-03T11:54:00 UTC][ERROR app] Parsing error").level,
            Some(Level::Error)
        );
        // CI runners' workflow commands; Go's bare `err:` prints.
        assert_eq!(
            parse_event(
                "2025-09-10T09:22:21.4472242Z ##[error]Process completed with exit code 1."
            )
            .level,
            Some(Level::Error)
        );
        assert_eq!(
            parse_event("##[warning]Node.js 16 actions are deprecated.").level,
            Some(Level::Warning)
        );
        assert_eq!(
            parse_event("2025-09-10T09:22:21.5139431Z ##[group]Cachix: push").level,
            None
        );
        assert_eq!(
            parse_event("err: write tcp [::1]:8080->[::1]:60418: write: broken pipe").level,
            Some(Level::Error)
        );
        // A promise rejection nothing caught, as PM2 and Next.js report it.
        let e = parse_event(
            "You have triggered an unhandledRejection, you may have forgotten to catch a Promise rejection:\nChunkLoadError: Failed to load chunk\n    at Context.loadChunkAsync (/app/.next/server/runtime.js:683:27)",
        );
        assert_eq!(e.level_inferred, Some("an unhandled promise rejection"));
        // Content that states the failure: a core dump, a failed systemd unit.
        for line in [
            "Jan 04 18:09:23 host systemd-coredump[36191]: Process 36187 (qs) of user 1000 dumped core.",
            "Jul 22 14:46:27 pet-clinic systemd[1]: promtail.service: Main process exited, code=exited, status=1/FAILURE",
            "Jul 22 14:46:27 pet-clinic systemd[1]: promtail.service: Failed with result 'exit-code'.",
        ] {
            let e = parse_event(line);
            assert_eq!(e.level, Some(Level::Error), "{line}");
            assert!(e.level_inferred.is_some());
        }
        assert_eq!(
            parse_event("Jul 22 15:07:03 h systemd[1]: x.service: Main process exited, code=exited, status=0/SUCCESS").level,
            None
        );
        // log4j's `dd-MMM HH:mm:ss`.
        assert_eq!(
            parse_event(
                "20-Sep 19:18:43 WARN  (?:getDbVersion:?) (KKEng) Problem reading ConfigData"
            )
            .level,
            Some(Level::Warning)
        );
        // The kernel's and X.Org's seconds since boot, X.Org's markers; log4j 1's own lines.
        let e = parse_event(
            "[ 36879.664] (WW) The directory \"/usr/share/fonts/Type1\" does not exist.",
        );
        assert_eq!((e.level, e.timestamp), (Some(Level::Warning), None));
        assert_eq!(
            e.message,
            "The directory \"/usr/share/fonts/Type1\" does not exist."
        );
        assert_eq!(
            parse_event("[   12.345678] usb 1-1: new high-speed USB device").level,
            None
        );
        assert!(starts_record("[ 36879.664] X.Org X Server 1.20.7"));
        assert!(!starts_record("[1.5] not a stamp"));
        let e = parse_event("log4j:WARN No appenders could be found for logger (x).");
        assert_eq!(e.level, Some(Level::Warning));
        // Redis 2: `[pid] dd Mon hh:mm:ss # ...`.
        let e = parse_event("[8071] 28 Jan 21:52:28 # WARNING overcommit_memory is set to 0!");
        assert_eq!(e.level, Some(Level::Warning));
        // Redis's signal handler writes the Unix time, no date and no level mark.
        for (line, message) in [
            (
                "1:signal-handler (1521045227) Received SIGINT scheduling shutdown...",
                "Received",
            ),
            (
                "[14791 | signal handler] (1463266462) Received SIGINT",
                "Received",
            ),
        ] {
            assert!(starts_record(line), "{line}");
            let h = read_header(line);
            assert!(h.timestamp.is_some() && h.level.is_none(), "{line}");
            assert!(line[h.message_start..].starts_with(message), "{line}");
        }
        assert!(!starts_record("1:signal-handler (12) x"));
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
            "E0517 15:04:22.619632 1952452992 logging_unittest.cc:253] Log every 3",
            "1:M 25 Apr 2024 05:32:35.019 * monotonic clock: POSIX clock_gettime",
            "[15-Jul-2024 10:00:00 UTC] PHP Warning:  x",
            "Jul 09, 2015 3:23:29 PM com.example.Foo run",
            "4961:M 30 May 12:50:13.463 # Server started, Redis version 3.0.2",
            "16-12-18 19:11:16 phue: GET Request timed out.",
            "83.79.21.142 - - [08/Nov/2024:06:31:56 +0000] \"GET / HTTP/2.0\" 302 448",
            "03-17 16:13:38.811  1702  2395 D WindowManager: printFreezingDisplayLogs",
            "[2016-09-06 22:05:19,208: DEBUG/MainProcess] | Worker: Preparing bootsteps.",
            "15:54:07,115 INFO  [EasyConf:122] Refreshed the configuration",
            "[11:24:41] [Server thread/INFO]: Time elapsed: 64810 ms",
            "[2017-04-04 11:16:34 +0200] warning/PluginNotificationTask: Notification",
            "Jan 01 14:56:10.232070 [WARNING] fpm_children_bury(), line 215: child exited",
        ] {
            assert!(starts_record(l), "{l}");
        }
        for l in [
            "\tat a.b(C.java:1)",
            "  File \"x\"",
            "Caused by: x",
            "plain words",
            "Error handling is hard",
        ] {
            assert!(!starts_record(l), "{l}");
        }
        let e = parse_event(
            "[Sun Dec 04 04:47:44 2005] [error] mod_jk child workerEnv in error state 6",
        );
        assert_eq!(e.level, Some(Level::Error));
        assert_eq!(e.message, "mod_jk child workerEnv in error state 6");
    }

    #[test]
    fn levels_and_times_of_more_writers() {
        // (line, level, dated, message)
        let cases = [
            // journalctl under a Russian or French locale: `%b` in the locale's words.
            (
                "ноя 20 16:52:58 userpc ubuntu-report[6782]: level=error msg=\"not delivered\"",
                Some(Level::Error),
                true,
                "level=error msg=\"not delivered\"",
            ),
            (
                "févr. 14 09:01:22 host sshd[42]: Accepted publickey for root",
                None,
                true,
                "Accepted publickey for root",
            ),
            // Factorio: seconds since start as `%8.3f`, then the level.
            (
                "  26.300 Warning TransmissionControlHelper.cpp:172: Fragment 0001 failed",
                Some(Level::Warning),
                false,
                "TransmissionControlHelper.cpp:172: Fragment 0001 failed",
            ),
            (
                "1234.567 Error GlobalModSettings.cpp:107: Failed to migrate",
                Some(Level::Error),
                false,
                "GlobalModSettings.cpp:107: Failed to migrate",
            ),
            (
                "   0.043 Operating system: Linux",
                None,
                false,
                "0.043 Operating system: Linux",
            ),
            // GLib's `Domain-LEVEL **:` through journald.
            (
                "Nov 20 16:52:58 pc gnome-shell[66]: (gnome-shell:66): Gjs-WARNING **: 16:52:58.123: x",
                Some(Level::Warning),
                true,
                "x",
            ),
            (
                "Nov 20 16:52:58 pc gnome-shell[66]: (gnome-shell:66): GLib-GIO-CRITICAL **: x",
                Some(Level::Error),
                true,
                "x",
            ),
            // Ansible's `[DEPRECATION WARNING]:` after its log_path prefix.
            (
                "2021-05-17 12:50:09,066 p=1717026 u=lma n=ansible | [DEPRECATION WARNING]: x",
                Some(Level::Warning),
                true,
                "x",
            ),
            // cloud-init's `%(filename)s[%(levelname)s]:`.
            (
                "2021-05-07 22:49:24,374 - cc_final_message.py[WARNING]: Used fallback datasource",
                Some(Level::Warning),
                true,
                "Used fallback datasource",
            ),
        ];
        for (line, level, dated, message) in cases {
            let e = parse_event(line);
            assert_eq!(e.level, level, "{line}");
            assert_eq!(e.timestamp.is_some(), dated, "{line}");
            assert_eq!(e.message, message, "{line}");
        }
        assert_eq!(
            localized_syslog_stamp("Mai  3 10:00:00 x").map(|s| s.english()),
            Some("May  3 10:00:00".into())
        );
        for not_a_stamp in [
            "mars 3 heures",
            "Nov 20 16:52",
            "Status 20 16:52:58 ok",
            "ноя 20 16:52:58x",
        ] {
            assert!(
                localized_syslog_stamp(not_a_stamp).is_none(),
                "{not_a_stamp}"
            );
        }
    }

    #[test]
    fn levels_and_times_from_real_header_shapes() {
        let cases: [(&str, Option<Level>, bool); 10] = [
            (
                "E0517 15:04:22.619632 1952452992 logging_unittest.cc:253] Log every 3",
                Some(Level::Error),
                true,
            ),
            (
                "[2023-05-15 18:19:32] local.ERROR: Target class [X] does not exist.",
                Some(Level::Error),
                true,
            ),
            (
                "2021-11-15 13:26:52 [warning  ] bar    process_name=MainProcess",
                Some(Level::Warning),
                true,
            ),
            (
                "2025-04-24T22:09:20.856Z\terror\tinternal/queue_sender.go:128\tExporting failed.",
                Some(Level::Error),
                true,
            ),
            (
                "2025-08-13 01:46:12.212 PDT [12389] ERROR:  relation \"t\" does not exist",
                Some(Level::Error),
                true,
            ),
            (
                "MainThread::ERROR::2011-12-05 07:04:56,300::vdsm::74::vds::(run) Traceback",
                Some(Level::Error),
                false,
            ),
            (
                "1:M 25 Apr 2024 05:32:35.019 # Warning: no config file specified",
                Some(Level::Warning),
                true,
            ),
            (
                "2020-08-06T14:25:02.936146Z 0 [Warning] [MY-010068] [Server] CA certificate",
                Some(Level::Warning),
                true,
            ),
            (
                "[pid: 88185|app: 0|req: 1/1] 127.0.0.1 () {38 vars in 696 bytes} [Sun Mar 13 22:49:12 2016] POST /x",
                None,
                true,
            ),
            (
                "I, [2024-01-02T10:00:00.123456 #42]  INFO -- app: started",
                Some(Level::Info),
                true,
            ),
        ];
        for (line, level, timed) in cases {
            let e = parse_event(line);
            assert_eq!(e.level, level, "{line}");
            assert_eq!(e.timestamp.is_some(), timed, "{line}");
            assert!(e.level_inferred.is_none(), "{line}");
        }
        let logback = parse_event(
            "2025-01-24T07:00:36,200 INFO [main                     ] ZookeeperConfig          : Connection state changed",
        );
        assert_eq!(logback.message, "Connection state changed");
        assert_eq!(logback.origin.as_deref(), Some("ZookeeperConfig"));
        let boot = parse_event(
            "2024-02-01T10:00:00.123+01:00  INFO 4242 --- [           main] o.s.b.w.e.tomcat.TomcatWebServer         : Tomcat started on port 8080",
        );
        assert_eq!(boot.level, Some(Level::Info));
        assert_eq!(boot.message, "Tomcat started on port 8080");
        assert_eq!(
            boot.origin.as_deref(),
            Some("o.s.b.w.e.tomcat.TomcatWebServer")
        );
        assert_eq!(
            parse_event("2024-02-01 10:00:00 Result : OK").message,
            "Result : OK"
        );
        let sys = parse_event(
            "Nov  3 09:23:38 veridian automount[7998]: lookup(file): lookup for foobar failed",
        );
        assert_eq!(sys.message, "lookup(file): lookup for foobar failed");
        assert_eq!(sys.origin.as_deref(), Some("automount"));
        assert_eq!(sys.dim(Dimension::Host), Some("veridian"));
        // No level written: the failure in its words makes it an inferred warning.
        assert_eq!(sys.level, Some(Level::Warning));
        assert!(sys.level_inferred.is_some());
        let kernel =
            parse_event("Jun 14 15:16:01 node7 kernel: ERROR: out of memory in cgroup /app");
        assert_eq!(kernel.level, Some(Level::Error));
        assert_eq!(kernel.origin.as_deref(), Some("kernel"));
        let pg = parse_event("2025-08-13 01:46:12.212 PDT [12389] ERROR:  relation does not exist");
        assert_eq!(
            pg.timestamp.map(crate::input::time::format_ms).as_deref(),
            Some("2025-08-13T08:46:12.212Z")
        );
        assert_eq!(pg.message, "relation does not exist");
        let ruby = parse_event("E, [2024-01-02T10:00:00.123456 #42] ERROR -- app: boom");
        assert_eq!(ruby.message, "-- app: boom");
    }

    /// Each logging library's or tool's default output, as its documentation shows it: the
    /// level it writes, and the message after the header.
    #[test]
    fn default_formats_of_libraries_and_tools() {
        for (line, level, message) in [
            // Serilog's console sink: `[{Timestamp:HH:mm:ss} {Level:u3}] {Message}`.
            (
                "[10:00:00 WRN] disk almost full",
                Level::Warning,
                "disk almost full",
            ),
            // logrus's TextFormatter on a terminal.
            (
                "ERRO[0001] connection lost",
                Level::Error,
                "connection lost",
            ),
            (
                "WARN[2023-01-01T10:00:00Z] disk almost full",
                Level::Warning,
                "disk almost full",
            ),
            // zerolog's ConsoleWriter: time.Kitchen, then a three-letter level.
            (
                "10:00AM WRN disk almost full component=x",
                Level::Warning,
                "disk almost full component=x",
            ),
            // Tornado's LogFormatter (and Jupyter's).
            (
                "[W 230101 10:00:00 web:123] disk almost full",
                Level::Warning,
                "disk almost full",
            ),
            (
                "[E 2023-01-01 10:00:01.000 ServerApp] connection lost",
                Level::Error,
                "connection lost",
            ),
            // Airflow 2's task log.
            (
                "[2023-01-01, 10:00:00 UTC] {taskinstance.py:123} WARNING - disk almost full",
                Level::Warning,
                "- disk almost full",
            ),
            // npm and yarn.
            (
                "npm WARN deprecated x@1.0.0: old",
                Level::Warning,
                "deprecated x@1.0.0: old",
            ),
            ("npm ERR! code ELIFECYCLE", Level::Error, "code ELIFECYCLE"),
            ("npm error code E404", Level::Error, "code E404"),
            (
                "error Command failed with exit code 1.",
                Level::Error,
                "Command failed with exit code 1.",
            ),
            (
                "warning x@1.0.0: deprecated",
                Level::Warning,
                "x@1.0.0: deprecated",
            ),
            // Node's process warnings.
            (
                "(node:1234) [DEP0005] DeprecationWarning: Buffer() is deprecated",
                Level::Warning,
                "Buffer() is deprecated",
            ),
            (
                "(node:1234) Warning: Accessing non-existent property",
                Level::Warning,
                "Accessing non-existent property",
            ),
            // A GLib message under its program and pid.
            (
                "(gnome-shell:1234): Gjs-WARNING **: 10:00:00.000: disk almost full",
                Level::Warning,
                "disk almost full",
            ),
            // glog 0.7 writes the year.
            (
                "E20230101 10:00:01.000000 1234 x.cc:2] connection lost",
                Level::Error,
                "connection lost",
            ),
            // dmesg -x.
            (
                "kern  :err   : [    1.100000] connection lost",
                Level::Error,
                "connection lost",
            ),
            // kotlinc and rustc.
            (
                "w: /src/A.kt: (3, 5): Parameter 'x' is never used",
                Level::Warning,
                "/src/A.kt: (3, 5): Parameter 'x' is never used",
            ),
            (
                "e: file:///src/A.kt:4:5 Unresolved reference: y",
                Level::Error,
                "file:///src/A.kt:4:5 Unresolved reference: y",
            ),
            (
                "error[E0308]: mismatched types",
                Level::Error,
                "mismatched types",
            ),
            // A level after a syslog-style tag with its pid.
            (
                "2023-01-01 10:00:00 unbound[1:0] warning: disk almost full",
                Level::Warning,
                "disk almost full",
            ),
        ] {
            let e = parse_event(line);
            assert_eq!(e.level, Some(level), "{line}");
            assert_eq!(e.message, message, "{line}");
        }
        // Not levels: a word that is not a tool's, a kotlinc-like line without a path.
        // (`INFO[main] x` does read Info: a level before a thread bracket is log4j's shape.)
        for line in ["e: 2.71828", "(node:1234) Something happened"] {
            assert_eq!(parse_event(line).level, None, "{line}");
        }
        // Not yarn's `error ` prefix: a failure in words, an inferred warning.
        let errors = parse_event("errors were found");
        assert_eq!(errors.level, Some(Level::Warning));
        assert!(errors.level_inferred.is_some());
        // An init script's bullets: a level word with its colon, or none.
        let lsb = parse_event(" * Error: MySQL server could not be started");
        assert_eq!(
            (lsb.level, lsb.message.as_ref()),
            (Some(Level::Error), "MySQL server could not be started")
        );
        assert_eq!(parse_event(" * Starting nginx nginx").level, None);
        // No level word with its colon: the word alone makes an inferred warning.
        let bullet = parse_event(" * Warning about nothing");
        assert_eq!(bullet.level, Some(Level::Warning));
        assert!(bullet.level_inferred.is_some());
        // WebLogic's entries, in the JDK 8 and the JDK 9+ medium date format.
        for line in [
            "####<Mar 24, 2022 10:30:29,707 AM GMT> <Notice> <JMX> <wlsadmin> <AdminServer> <x> <<WLS Kernel>> <> <> <1648117829707> <BEA-149535> <done>",
            "####<May 8, 2024, 12:32:13,641 PM India Standard Time> <Error> <Security> <h> <AdminServer> <x> <<WLS Kernel>> <> <> <1715151733641> <BEA-090947> <boom>",
        ] {
            let h = read_header(line);
            assert!(h.has_timestamp, "{line}");
            assert!(h.level.is_some(), "{line}");
            assert!(starts_record(line), "{line}");
        }
        // Ceph's priority after its thread id; Dovecot's level after its component.
        let ceph = parse_event(
            "2022-02-10T09:32:06.302+0000 7f6fa1d2ad80 -1 bluestore(/x) _open_db erroring",
        );
        assert_eq!(
            (ceph.level, ceph.message.as_ref()),
            (Some(Level::Error), "bluestore(/x) _open_db erroring")
        );
        assert_eq!(
            parse_event("2022-02-10T09:32:05.746+0000 7f6fa1d2ad80  0 set uid:gid to 64045:64045")
                .level,
            Some(Level::Info)
        );
        assert_eq!(
            parse_event("2022-02-10 09:32:05.746 7f6fa1d2ad80 10 osd.0 tick").level,
            Some(Level::Debug)
        );
        assert_eq!(
            parse_event(
                "Oct 12 15:44:43 canyon dovecot: pop3-login: Info: Disconnected (auth failed)"
            )
            .level,
            Some(Level::Info)
        );
        assert_eq!(
            parse_event(
                "Oct 12 15:44:43 canyon dovecot: auth-worker(24544): Error: mysql: Connect failed"
            )
            .level,
            Some(Level::Error)
        );
        let rails =
            parse_event("Completed 500 Internal Server Error in 12ms (ActiveRecord: 1.0ms)");
        assert_eq!(rails.level, Some(Level::Error));
        assert!(rails.level_inferred.is_some());
        assert_eq!(parse_event("Completed 200 OK in 12ms").level, None);
    }
}
