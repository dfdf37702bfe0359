//! Severity in text: the level token of a text-log header in every common convention
//! (`ERROR`, `[warning  ]`, `<warn>`, Laravel's `local.ERROR:`, Python's `ERROR:root:`,
//! vdsm's `::ERROR::`, Apache's `[core:error]`, zap's tab-separated `error`, PostgreSQL's
//! `LOG:`/`STATEMENT:`, PHP's `PHP Fatal error:`), the single-letter levels of formats
//! that define them (glog/klog `E0517`, Ruby's Logger `E, [`, Redis `#`/`*`, syslog `<PRI>`),
//! and, when nothing was written, the level that the content itself states: an uncaught
//! exception, a traceback, a panic, a segfault, an OOM kill.

use crate::level::Level;
use std::sync::OnceLock;

/// Tokens of a header searched for a level, after the timestamp.
const MAX_TOKENS: usize = 6;
/// Bytes of a header searched for a level.
const MAX_HEADER_BYTES: usize = 120;

/// A level token found in a header: the level and the byte range of the token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Found {
    pub level: Level,
    pub start: usize,
    pub end: usize,
}

/// The level among the first tokens of `rest` (what follows a header's timestamp, or a whole
/// line). `after_timestamp`: the first token directly follows a timestamp, where a lower-case
/// level word (`2024-05-01 10:00:00 error ...`) is a header field, not prose.
pub fn header_level(rest: &str, after_timestamp: bool) -> Option<Found> {
    if after_timestamp && let Some(found) = websphere_event_type(rest) {
        return Some(found);
    }
    let b = rest.as_bytes();
    let mut limit = b.len().min(MAX_HEADER_BYTES);
    let mut pos = 0;
    // Numbers right after the timestamp (a process and thread id) are still the header.
    let mut only_numbers_so_far = true;
    let mut after_category = false;
    let mut after_tag = false;
    let mut after_caller = false;
    for _ in 0..MAX_TOKENS {
        while pos < limit && matches!(b[pos], b' ' | b'\t' | b'|') {
            pos += 1;
        }
        if pos >= limit {
            return None;
        }
        let start = pos;
        let end = token_end(b, start, limit);
        // A long bracketed field (a thread's name) does not use up the header's bytes.
        if end - start > 24 {
            limit = b.len().min(limit + (end - start));
        }
        // winston's `<time> - error: ...`: a lone dash separates fields.
        if &rest[start..end] == "-" {
            pos = end;
            continue;
        }
        // A CI runner's workflow command after its time: `##[error]Process completed with
        // exit code 1.` (GitHub Actions, Azure Pipelines).
        if let Some(level) = workflow_command_level(&rest[start..end]) {
            return Some(Found {
                level,
                start,
                end: start + rest[start..end].find(']')? + 1,
            });
        }
        // SQL Server's errorlog: `Error: 18456, Severity: 14, State: 38.`, the severity
        // as SQL Server documents it (10 and below informational, 11-16 errors the user
        // can correct, 17 and above resource and system errors).
        if &rest[start..end] == "Error:"
            && let Some(level) = sql_server_severity(&rest[end..])
        {
            return Some(Found { level, start, end });
        }
        // Unreal Engine's `LogHttp: Warning: ...`: a category, then its verbosity.
        if after_category
            && let Some(level) = match &rest[start..end] {
                "Fatal:" => Some(Level::Fatal),
                "Error:" => Some(Level::Error),
                "Warning:" => Some(Level::Warning),
                "Display:" | "Log:" => Some(Level::Info),
                "Verbose:" | "VeryVerbose:" => Some(Level::Debug),
                _ => None,
            }
        {
            return Some(Found { level, start, end });
        }
        after_category = rest[start..end].strip_suffix(':').is_some_and(|c| {
            c.len() > 3 && c.starts_with("Log") && c.bytes().all(|b| b.is_ascii_alphanumeric())
        });
        if let Some(level) = keyed_level(&rest[start..end], &rest[end..]) {
            return Some(Found { level, start, end });
        }
        if let Some(level) = glib_level(&rest[start..end], &rest[end..]) {
            return Some(Found { level, start, end });
        }
        if b[start] == b'%'
            && let Some(level) = cisco_mnemonic_level(&rest[start..end], &rest[end..])
        {
            return Some(Found { level, start, end });
        }
        let tab_delimited =
            (start > 0 && b[start - 1] == b'\t') && (end == b.len() || b[end] == b'\t');
        let first_after_ts = only_numbers_so_far && after_timestamp;
        let tag = after_tag;
        let caller = after_caller;
        after_caller = is_caller(&rest[start..end]);
        // A program and its pid, as syslog's TAG writes them: `unbound[1:0]`.
        after_tag =
            b[start].is_ascii_alphabetic() && b[end - 1] == b']' && rest[start..end].contains('[');
        only_numbers_so_far &= b[start..end].iter().all(u8::is_ascii_digit);
        // MongoDB's text log (`<time> I CONTROL  [ctx] message`) and Android's logcat
        // (`<time> <pid> <tid> W Tag: message`): one letter, then a component or a tag.
        if first_after_ts
            && end == start + 1
            && let Some(level) = single_letter_level(b[start], &rest[end..])
        {
            return Some(Found { level, start, end });
        }
        // Telegraf's `E!`, `W!`, `I!`, `D!` after the time.
        if first_after_ts
            && end == start + 2
            && b[start + 1] == b'!'
            && let Some(level) = match b[start] {
                b'E' => Some(Level::Error),
                b'W' => Some(Level::Warning),
                b'I' => Some(Level::Info),
                b'D' => Some(Level::Debug),
                _ => None,
            }
        {
            return Some(Found { level, start, end });
        }
        // Android Studio's logcat columns (`<time>  2266-2266  studio.deploy  installer
        // E  Could not ...`): a letter padded into a column of its own.
        if end == start + 1
            && start >= 2
            && &b[start - 2..start] == b"  "
            && b.get(end..end + 2) == Some(b"  ")
            && let Some(level) = logcat_letter(b[start])
            && pid_tid_before(&rest[..start])
        {
            return Some(Found { level, start, end });
        }
        // Gitea's `<time> modules/git/git.go:146:InitSimple() [W] message`: the letter after
        // the caller.
        if (first_after_ts || caller)
            && let Some(level) = bracketed_letter_level(&b[start..end])
        {
            return Some(Found { level, start, end });
        }
        if let Some((level, used)) =
            token_level(&rest[start..end], first_after_ts || tab_delimited || tag)
            && !negated(&rest[..start])
        {
            return Some(Found {
                level,
                start,
                end: start + used,
            });
        }
        pos = end;
    }
    None
}

/// The level a security tool's record states in its own terms, by the tool's
/// documentation: a Snort or Suricata alert's `[Priority: N]` (1 high, 2 medium, 3 low, 4
/// very low), a ModSecurity audit record's outcome (`Message: Warning.` for a rule that
/// matched, `Access denied` or `Action: Intercepted` for a request it blocked), and a
/// packet logged by netfilter's `LOG` target (`IN=eth0 OUT= ... SRC=... DST=...`, as UFW
/// writes it), which the kernel logs at warning unless the rule says otherwise.
fn security_record_level(text: &str) -> Option<(Level, Reason)> {
    let first = text.lines().next().unwrap_or("");
    static ALERT: OnceLock<memchr::memmem::Finder<'static>> = OnceLock::new();
    let alert = ALERT.get_or_init(|| memchr::memmem::Finder::new(b"[**] ["));
    if alert.find(first.as_bytes()).is_some() {
        let at = text.find("[Priority: ")? + "[Priority: ".len();
        let level = match text.as_bytes().get(at)? {
            b'1' => Level::Error,
            b'2' => Level::Warning,
            b'3' => Level::Notice,
            b'4' => Level::Info,
            _ => return None,
        };
        return Some((level, "the alert's priority"));
    }
    if is_modsecurity_boundary(first) {
        if text.contains("Action: Intercepted") || text.contains("Message: Access denied") {
            return Some((Level::Error, "ModSecurity blocked the request"));
        }
        if text.contains("Message: Warning.") {
            return Some((Level::Warning, "a ModSecurity rule matched the request"));
        }
        return None;
    }
    static IN: OnceLock<memchr::memmem::Finder<'static>> = OnceLock::new();
    let inbound = IN.get_or_init(|| memchr::memmem::Finder::new(b"IN="));
    let at = inbound.find(first.as_bytes())?;
    let rest = &first[at..];
    let has = |field: &str| memchr::memmem::find(rest.as_bytes(), field.as_bytes()).is_some();
    (has(" OUT=") && has(" SRC=") && has(" DST="))
        .then_some((Level::Warning, "a packet netfilter's LOG target logged"))
}

/// A section boundary of ModSecurity's serial audit log: `--d67af501-A--`.
pub fn is_modsecurity_boundary(line: &str) -> bool {
    let b = line.trim_end().as_bytes();
    b.len() == 14
        && b.starts_with(b"--")
        && b.ends_with(b"--")
        && b[10] == b'-'
        && b[2..10].iter().all(u8::is_ascii_hexdigit)
        && b[11].is_ascii_uppercase()
}

/// The word before a level word denies it (ClamAV's `DON'T PANIC! Read ...`).
fn negated(before: &str) -> bool {
    let word = before.trim_end().rsplit(' ').next().unwrap_or("");
    ["don't", "dont", "not", "never", "no"]
        .iter()
        .any(|w| word.eq_ignore_ascii_case(w))
}

/// A source location as a logger's caller field writes it: `cmd/web.go:206`,
/// `modules/git/git.go:146:InitSimple()`, `server.py:31:run`.
fn is_caller(token: &str) -> bool {
    let Some((file, rest)) = token.split_once(':') else {
        return false;
    };
    let ext = file.rsplit_once('.').map_or("", |(_, e)| e);
    (1..=4).contains(&ext.len())
        && ext.bytes().all(|c| c.is_ascii_lowercase())
        && rest.bytes().next().is_some_and(|c| c.is_ascii_digit())
}

/// The level of SQL Server's `Error: N, Severity: S, ...` by its severity.
fn sql_server_severity(after: &str) -> Option<Level> {
    let (_, rest) = after.split_once(", Severity: ")?;
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    let severity: u32 = rest[..digits].parse().ok()?;
    Some(match severity {
        0..=10 => Level::Info,
        11..=16 => Level::Error,
        _ => Level::Fatal,
    })
}

/// The level of a CI workflow command: `##[error]`, `##[warning]`, `##[notice]`,
/// `##[debug]` (`##[group]` and the others are not levels).
fn workflow_command_level(tok: &str) -> Option<Level> {
    let inner = tok.strip_prefix("##[")?;
    let name = &inner[..inner.find(']')?];
    matches!(name, "error" | "warning" | "notice" | "debug")
        .then(|| Level::from_name(name))
        .flatten()
}

/// Android Studio's logcat puts `pid-tid` (`2266-2266`) before its tag and level columns.
fn pid_tid_before(head: &str) -> bool {
    head.split_whitespace().any(|t| {
        t.split_once('-').is_some_and(|(p, q)| {
            !p.is_empty()
                && !q.is_empty()
                && p.bytes().all(|c| c.is_ascii_digit())
                && q.bytes().all(|c| c.is_ascii_digit())
        })
    })
}

/// WebSphere's and Open Liberty's basic log format, after the bracketed time: the thread's
/// id in eight hex digits, the logger's short name, then the event type in one letter
/// (`[6/1/12 10:39:11:828 EDT] 00000000 WsServerImpl  A   WSVR0001I: Server open`). The
/// types are IBM's: F fatal, E error, W warning, A audit, I info, C configuration, D detail,
/// 1 to 3 trace levels; O and R are a program's System.out and System.err, no level.
fn websphere_event_type(rest: &str) -> Option<Found> {
    let b = rest.as_bytes();
    let start = b.iter().position(|c| *c != b' ')?;
    let id = b.get(start..start + 8)?;
    if !id.iter().all(u8::is_ascii_hexdigit) || b.get(start + 8) != Some(&b' ') {
        return None;
    }
    let after_id = &rest[start + 8..];
    let name_start = start + 8 + (after_id.len() - after_id.trim_start_matches(' ').len());
    let name_end = name_start + rest[name_start..].find(' ')?;
    let after_name = &rest[name_end..];
    let letter = name_end + (after_name.len() - after_name.trim_start_matches(' ').len());
    if name_end == name_start
        || Level::from_name(&rest[name_start..name_end]).is_some()
        || !matches!(b.get(letter + 1), None | Some(b' '))
    {
        return None;
    }
    let level = match b.get(letter)? {
        b'F' => Level::Fatal,
        b'E' => Level::Error,
        b'W' => Level::Warning,
        b'A' => Level::Notice,
        b'I' | b'C' => Level::Info,
        b'D' | b'1' | b'2' | b'3' => Level::Debug,
        _ => return None,
    };
    Some(Found {
        level,
        start: letter,
        end: letter + 1,
    })
}

/// The system message of Cisco IOS, NX-OS and ASA: `%FACILITY-SEVERITY-MNEMONIC:`
/// (`%OSPF-4-NOVALIDKEY:`, `%ASA-6-302013:`), and IOS XR's with a subfacility and a
/// spaced colon (`%PKT_INFRA-LINK-3-UPDOWN : ...`), whose severity is syslog's, 0
/// emergencies to 7 debugging, as Cisco's system message guides define it. `after` is what
/// follows the token.
fn cisco_mnemonic_level(tok: &str, after: &str) -> Option<Level> {
    let tok = tok.strip_prefix('%')?;
    let tok = match tok.strip_suffix(':') {
        Some(t) => t,
        None if after.starts_with(" : ") => tok,
        None => return None,
    };
    let parts: Vec<&str> = tok.split('-').collect();
    let name = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == b'_')
    };
    let (severity, names) = match parts.as_slice() {
        [facility, severity, mnemonic] => (*severity, vec![*facility, *mnemonic]),
        [facility, sub, severity, mnemonic] => (*severity, vec![*facility, *sub, *mnemonic]),
        _ => return None,
    };
    if !names.into_iter().all(name) {
        return None;
    }
    match severity.as_bytes() {
        [d @ b'0'..=b'7'] => Level::from_syslog(i64::from(d - b'0')),
        _ => None,
    }
}

/// GLib's log line (`(gnome-shell:6966): Gjs-WARNING **: 16:52:58.123: msg`): the log
/// domain, a dash and the level, then ` **`. `ERROR` always aborts the program; GLib calls
/// `CRITICAL` a critical warning, one that points at a bug: an error.
fn glib_level(tok: &str, after: &str) -> Option<Level> {
    if !after.starts_with(" **") {
        return None;
    }
    match tok.rsplit('-').next()? {
        "ERROR" => Some(Level::Fatal),
        "CRITICAL" => Some(Level::Error),
        "WARNING" => Some(Level::Warning),
        _ => None,
    }
}

/// A header token that names its level with a key: a logfmt pair after a prefix
/// (`heroku[router]: at=error code=H10 ...`, Heroku's router writes `at=`; `level=`,
/// `lvl=`, `severity=` elsewhere), or Ansible's task result `failed: [host]`, `fatal:
/// [host]: FAILED!` (`after` is what follows the token).
fn keyed_level(tok: &str, after: &str) -> Option<Level> {
    if let Some((key, value)) = tok.split_once('=') {
        return match key {
            "at" | "level" | "lvl" | "severity" => Level::from_name(value.trim_matches('"'))
                .filter(|_| value.trim_matches('"').len() >= 3),
            _ => None,
        };
    }
    // The host in brackets, then ` => {...}`, `: FAILED!`, `: UNREACHABLE!` or an item.
    let result = after
        .strip_prefix(" [")
        .and_then(|a| a.split_once(']'))
        .map(|(_, r)| r);
    (matches!(tok, "failed:" | "fatal:")
        && result.is_some_and(|r| {
            r.starts_with(" =>") || r.starts_with(": ") || r.starts_with(" (item=")
        }))
    .then_some(Level::Error)
}

/// Bytes a bracketed header field may span: log4j's `[%t]` holds a thread's name, which may
/// have spaces and brackets of its own (`[Source: Kafka -> Calc(select=[id])]`).
const MAX_FIELD_BYTES: usize = 256;

/// The end of the token at `start`: the next space, tab or `|`; a bracket opened at the
/// start closes the token, padding included (`[warning  ]`); a square bracket closes at its
/// matching bracket however far it is (up to [`MAX_FIELD_BYTES`]), past `limit`.
fn token_end(b: &[u8], start: usize, limit: usize) -> usize {
    let close = match b[start] {
        b'[' => Some(b']'),
        b'<' => Some(b'>'),
        b'(' => Some(b')'),
        _ => None,
    };
    if let Some(close) = close
        && let Some(i) = b
            .get(start + 1..limit.min(start + 24).max(start + 1))
            .and_then(|w| w.iter().position(|&c| c == close))
    {
        let mut end = start + 1 + i + 1;
        if end < b.len() && b[end] == b':' {
            end += 1;
        }
        return end;
    }
    if b[start] == b'['
        && let Some(end) = matching_bracket(&b[start..b.len().min(start + MAX_FIELD_BYTES)])
    {
        return start + end + 1;
    }
    let mut end = start;
    while end < b.len() && !matches!(b[end], b' ' | b'\t' | b'|') {
        end += 1;
    }
    end
}

/// The index of the `]` that closes the `[` at `b[0]`, nesting counted.
fn matching_bracket(b: &[u8]) -> Option<usize> {
    let mut depth = 0usize;
    for (i, &c) in b.iter().enumerate() {
        match c {
            b'[' => depth += 1,
            b']' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

/// The level a header token names, and how much of the token it takes: all of it, or up
/// to the separators after a level inside it (`DEBUG:Hello,` leaves `Hello,` to the
/// message). `loose`: a lower- or title-case word counts too.
fn token_level(tok: &str, loose: bool) -> Option<(Level, usize)> {
    let whole = |l: Level| (l, tok.len());
    let bracketed = tok.len() >= 2
        && matches!(
            (
                tok.as_bytes()[0],
                tok.trim_end_matches(':').as_bytes().last()
            ),
            (b'[', Some(b']')) | (b'<', Some(b'>')) | (b'(', Some(b')'))
        );
    if bracketed {
        let inner = tok.trim_end_matches(':');
        let inner = inner[1..inner.len() - 1].trim();
        // X.Org's markers: `(EE)` error, `(WW)` warning, `(!!)` notice, `(II)` and the
        // other kinds of message (`(--)` probed, `(**)` from the config...) information.
        if tok.starts_with('(') && inner.len() == 2 {
            return match inner {
                "EE" => Some(whole(Level::Error)),
                "WW" => Some(whole(Level::Warning)),
                "!!" => Some(whole(Level::Notice)),
                "II" | "--" | "**" | "==" | "++" | "NI" | "??" => Some(whole(Level::Info)),
                _ => None,
            };
        }
        // Apache 2.4 `[core:error]`, `[proxy_fcgi:warn]`, Minecraft servers'
        // `[Server thread/INFO]`: the level follows the module or thread.
        let word = inner.rsplit([':', '/']).next().unwrap_or(inner);
        if word.len() >= 3
            && word.bytes().all(|c| c.is_ascii_alphanumeric())
            && let Some(level) = Level::from_name(word)
        {
            return Some(whole(level));
        }
        // Celery's `[WARNING/MainProcess]`: the level, then the process.
        if let Some((level, _)) = inner.split_once('/')
            && level.len() >= 3
            && is_upper_word(level)
        {
            return Level::from_name(level).map(whole);
        }
        // A kind of notice, then its level: Ansible's `[DEPRECATION WARNING]:`.
        if let Some((kind, word)) = inner.rsplit_once(' ')
            && kind.len() >= 3
            && is_upper_word(kind)
            && word.len() >= 4
            && is_upper_word(word)
            && let Some(level) = Level::from_name(word)
        {
            return Some(whole(level));
        }
        // env_logger's `[ERROR app]`: the level, then the target.
        if let Some((word, _)) = inner.split_once(' ')
            && word.len() >= 4
            && is_upper_word(word)
            && let Some(level) = Level::from_name(word)
        {
            return Some(whole(level));
        }
        // Chromium's `[0131/083655.474:WARNING:angle_platform_impl.cc(48)]` (and with
        // `pid:tid:` first): an upper-case level between the colons.
        if inner.contains(':') {
            return inner
                .split(':')
                .find(|part| part.len() >= 4 && is_upper_word(part))
                .and_then(Level::from_name)
                .map(whole);
        }
        return None;
    }
    // A bracket that holds the level and more than a token: env_logger's `[ERROR
    // my_crate::parser] ...` after a bracketed time.
    if let Some(word) = tok.strip_prefix('[')
        && !word.contains(']')
        && word.len() >= 4
        && is_upper_word(word)
        && let Some(level) = Level::from_name(word)
    {
        return Some(whole(level));
    }
    // cloud-init's `cc_final_message.py[WARNING]:` (`%(filename)s[%(levelname)s]:`),
    // Sparksee's `Graph[SEVERE]`: a name, then the level in brackets.
    if let Some(open) = tok.find('[')
        && open > 0
        && let Some(inner) = tok[open + 1..]
            .strip_suffix("]:")
            .or_else(|| tok[open + 1..].strip_suffix(']'))
        && inner.len() >= 4
        && is_upper_word(inner)
        && let Some(level) = Level::from_name(inner)
    {
        return Some(whole(level));
    }
    // Asterisk's `NOTICE[1]:`, `WARNING[4521][C-00000012]:`: the level, then its thread's
    // (and call's) ids in brackets.
    if tok.ends_with("]:")
        && let Some(open) = tok.find('[')
        && open >= 4
        && is_upper_word(&tok[..open])
        && tok[open..]
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'[' | b']' | b'-' | b':'))
        && let Some(level) = Level::from_name(&tok[..open])
    {
        return Some(whole(level));
    }
    // Ansible's `ERROR!` too; Serilog's console `[10:00:00 WRN] ...`, whose bracket opened
    // before the time; a column rule after a padded level (`warning| ...`).
    let word = tok.trim_end_matches([':', '|']);
    let word = word.strip_suffix('!').unwrap_or(word);
    let word = match word.strip_suffix(']') {
        Some(w) if !w.contains('[') => w,
        _ => word,
    };
    if word.len() >= 3 && is_upper_word(word) {
        if let Some(l) = Level::from_name(word) {
            // `LOG` is PostgreSQL's, always with its colon; elsewhere it is just a word.
            if word != "LOG" || tok.ends_with(':') {
                return Some(whole(l));
            }
        }
        if tok.ends_with(':') && is_postgres_detail(word) {
            return Some(whole(Level::Info));
        }
    }
    if loose && word.len() >= 4 && word.bytes().all(|c| c.is_ascii_alphabetic()) {
        return Level::from_name(word).map(whole);
    }
    // Icinga's `warning/ConfigCompiler:`: a lower-case level, then `/` and the component.
    if loose
        && let Some((head, _)) = tok.split_once('/')
        && head.len() >= 4
        && head.bytes().all(|c| c.is_ascii_lowercase())
        && let Some(l) = Level::from_name(head)
    {
        return Some(whole(l));
    }
    // `local.ERROR:` (Monolog/Laravel `channel.LEVEL`), `ERROR:root:msg` (Python's default
    // format), `MainThread::ERROR::2011-12-05` (vdsm), `DEBUG/MainProcess]` (Celery): an
    // upper-case level between dots, colons or slashes.
    if tok.len() > word.len() || tok.contains(['.', ':', '/']) {
        let mut at = 0;
        for part in tok.split(['.', ':', '/', ']']) {
            let part_end = at + part.len();
            if part.len() >= 4
                && is_upper_word(part)
                && let Some(l) = Level::from_name(part)
            {
                let rest = &tok[part_end..];
                let seps = rest.len() - rest.trim_start_matches([':', '.', '/']).len();
                return Some((l, part_end + seps));
            }
            at = part_end + 1;
        }
    }
    None
}

/// A one-letter level right after a timestamp, as MongoDB's text log (F E W I D) and
/// logcat (V D I W E F A) write it, when an upper-case component, a `[context]` or a
/// `Tag:` follows.
fn single_letter_level(letter: u8, after: &str) -> Option<Level> {
    // glog's `file.cc:485]` after the letter, as absl and TensorFlow write it after their
    // own time.
    let glog_source = |t: &str| {
        t.ends_with(']')
            && t[..t.len() - 1]
                .rsplit_once(':')
                .is_some_and(|(file, line)| {
                    file.contains('.') && line.bytes().all(|b| b.is_ascii_digit())
                })
    };
    // logcat's threadtime pads a short tag before its colon: `F libc    : ...`.
    let padded_tag = |t: &str| {
        let after_tag = &after.trim_start()[t.len()..];
        after_tag.starts_with(' ') && after_tag.trim_start().starts_with(": ")
    };
    // The rest of a bracketed header after it, only ids: Ray's `[2024-05-25 19:43:26,117 W
    // 20500 20504] (raylet.exe) ...` (its spdlog pattern `[%Y-%m-%d %H:%M:%S,%e %L %P %t]`).
    let ids_then_close = || {
        after.split_once(']').is_some_and(|(ids, _)| {
            !ids.trim().is_empty()
                && ids
                    .split(' ')
                    .all(|id| id.bytes().all(|c| c.is_ascii_digit()))
        })
    };
    // CoreOS capnslog (etcd 2/3.3, Rook): `<time> I | pkg: message`, its letters C(ritical),
    // E, W, N(otice), I, D, T(race).
    if after.starts_with(" | ") {
        return match letter {
            b'C' => Some(Level::Fatal),
            b'E' => Some(Level::Error),
            b'W' => Some(Level::Warning),
            b'N' => Some(Level::Notice),
            b'I' => Some(Level::Info),
            b'D' | b'T' => Some(Level::Debug),
            _ => None,
        };
    }
    let component = after.split_whitespace().next().is_some_and(|t| {
        t.starts_with('[')
            || (t.len() >= 2 && is_upper_word(t))
            || (t.len() > 1 && t.ends_with(':'))
            || glog_source(t)
            || padded_tag(t)
    }) || ids_then_close();
    if !component {
        return None;
    }
    logcat_letter(letter)
}

/// The level a one-letter code names in MongoDB's and logcat's alphabet: `F`atal and
/// `A`ssert, `E`rror, `W`arning, `I`nfo, `D`ebug and `V`erbose.
fn logcat_letter(letter: u8) -> Option<Level> {
    match letter {
        b'F' | b'A' => Some(Level::Fatal),
        b'E' => Some(Level::Error),
        b'W' => Some(Level::Warning),
        b'I' => Some(Level::Info),
        b'D' | b'V' => Some(Level::Debug),
        _ => None,
    }
}

fn is_upper_word(w: &str) -> bool {
    let b = w.as_bytes();
    b[0].is_ascii_uppercase()
        && b.iter()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
}

/// PostgreSQL's lines that detail the report before them (they have their own header).
pub fn is_postgres_detail(w: &str) -> bool {
    matches!(
        w,
        "STATEMENT" | "DETAIL" | "HINT" | "CONTEXT" | "QUERY" | "LOCATION"
    )
}

/// A level that a whole-line prefix defines: glog/klog `E0517 15:04:22.619632 ...`, Ruby's
/// Logger `E, [2024-01-01T10:00:00.123 #42] ERROR -- app: ...`, syslog's `<PRI>`, PHP's
/// `PHP Warning:  ...`, a level word opening the line (`ERROR something`, `[WARN] x`,
/// `WARNING: ...`). Returns the level and where the rest of the line starts.
pub fn prefix_level(line: &str) -> Option<(Level, usize)> {
    let b = line.as_bytes();
    let first = *b.first()?;
    if is_glog(b) {
        return Some((Level::from_name(&line[..1])?, 0));
    }
    if b.len() > 3 && first.is_ascii_uppercase() && b[1] == b',' && b[2] == b' ' && b[3] == b'[' {
        let level = match first {
            b'D' => Level::Debug,
            b'I' => Level::Info,
            b'W' => Level::Warning,
            b'E' => Level::Error,
            b'F' | b'A' => Level::Fatal,
            _ => return None,
        };
        return Some((level, 3));
    }
    if first == b'<'
        && let Some(close) = b.iter().take(5).position(|&c| c == b'>')
        && close > 1
        && let Ok(pri) = line[1..close].parse::<i64>()
        && pri <= 191
    {
        return Some((Level::from_syslog(pri % 8)?, close + 1));
    }
    if let Some(rest) = line.strip_prefix("PHP ")
        && let Some((level, end)) = php_level(rest)
    {
        return Some((level, 4 + end));
    }
    if let Some(found) = tool_prefix_level(line) {
        return Some(found);
    }
    // `error: ...`, `warning: ...` (compilers, git, CLIs), .NET's `fail: Category[0]`: a
    // lower-case level word with its colon opens the line (Go's `panic:` is the runtime's,
    // not a level: see [`infer`]).
    if first.is_ascii_lowercase()
        && let Some(colon) = b.iter().take(9).position(|&c| c == b':')
        && colon >= 3
        && b.get(colon + 1).is_none_or(|c| *c == b' ')
        && matches!(
            &line[..colon],
            "error"
                | "err"
                | "warning"
                | "warn"
                | "info"
                | "debug"
                | "notice"
                | "trace"
                | "fatal"
                | "critical"
                | "fail"
                | "dbug"
                | "trce"
                | "crit"
        )
        && let Some(level) = Level::from_name(&line[..colon])
        && !is_empty_value(&line[colon + 1..])
    {
        return Some((level, colon + 1));
    }
    // The GNU `file:line: message` diagnostic: `app.rb:63: warning: ...` (Ruby),
    // `x.c:12:5: error: ...` (compilers), and Python's warnings module,
    // `path/to/mod.py:48: DeprecationWarning: message`.
    if let Some(found) = located_diagnostic(line).or_else(|| msbuild_diagnostic(line)) {
        return Some(found);
    }
    // A banner's level: uWSGI's `*** WARNING: ...`, Consul's `==> WARNING: ...`,
    // CockroachDB's `* WARNING: ...`.
    if matches!(first, b'*' | b'=' | b'!')
        && let Some(end) = decorated_level(line)
    {
        return Some(end);
    }
    if first == b'#'
        && let Some(level) = workflow_command_level(line)
    {
        return Some((level, line.find(']')? + 1));
    }
    // A component, then its level: Dovecot's `master: Warning: Killed with signal 15`,
    // `imap(user): Error: ...`.
    if first.is_ascii_lowercase()
        && let Some(colon) = memchr::memchr(b':', &b[..b.len().min(48)])
        && !b[..colon].contains(&b' ')
        && let Some(rest) = line[colon + 1..].strip_prefix(' ')
        && let Some(word) = rest.split(' ').next()
        && let Some(level) = match word {
            // GNU's `program: warning: message` (initdb, gcc's driver, tar) in lower case.
            "Warning:" | "warning:" => Some(Level::Warning),
            "Error:" | "error:" => Some(Level::Error),
            "Fatal:" | "Panic:" | "fatal:" => Some(Level::Fatal),
            // nginx writes what it says before its error log is open to stderr as
            // `nginx: [emerg] bind() to 0.0.0.0:80 failed`, its levels in brackets.
            _ if word.starts_with('[') && word.ends_with(']') => {
                let name = &word[1..word.len() - 1];
                let nginx = matches!(
                    name,
                    "debug" | "info" | "notice" | "warn" | "error" | "crit" | "alert" | "emerg"
                );
                nginx.then(|| Level::from_name(name)).flatten()
            }
            _ => None,
        }
    {
        return Some((level, colon + 2 + word.len()));
    }
    // log4j 1's and log4net's own messages: `log4j:WARN No appenders could be found ...`,
    // `log4net:ERROR Failed to find type ...` (log4net's internal debug lines are
    // `log4net: ...`).
    if first == b'l'
        && let Some(rest) = line
            .strip_prefix("log4j:")
            .or_else(|| line.strip_prefix("log4net:"))
    {
        let prefix = line.len() - rest.len();
        let word = rest.split(' ').next().unwrap_or("");
        if word.is_empty() && prefix == 8 {
            return Some((Level::Debug, prefix));
        }
        if !word.is_empty()
            && is_upper_word(word)
            && let Some(level) = Level::from_name(word)
        {
            return Some((level, prefix + word.len()));
        }
    }
    // Julia's ConsoleLogger: `[ Info: msg` on one line, `┌ Warning: msg` over a box.
    if matches!(first, b'[' | 0xE2)
        && let Some(rest) = line
            .strip_prefix("[ ")
            .or_else(|| line.strip_prefix("\u{250c} "))
        && let Some((word, _)) = rest.split_once(": ")
        && matches!(word, "Debug" | "Info" | "Warning" | "Error")
    {
        return Some((
            Level::from_name(word)?,
            line.len() - rest.len() + word.len() + 1,
        ));
    }
    // A source's name and its level in one bracket: RetroArch's cores write `[libretro
    // WARN] ...`, `[libretro ERROR] ...`.
    if first == b'['
        && let Some(close) = memchr::memchr(b']', &b[..b.len().min(40)])
        && let Some((name, word)) = line[1..close].split_once(' ')
        && !name.is_empty()
        && name
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.'))
        && word.len() >= 4
        && is_upper_word(word)
        && let Some(level) = Level::from_name(word)
    {
        return Some((level, close + 1));
    }
    if first.is_ascii_uppercase() || first == b'[' || first == b'<' {
        let limit = b.len().min(MAX_HEADER_BYTES);
        let end = token_end(b, 0, limit);
        // A level word must be a header field: alone (`ERROR something`, `WARNING: x`), not
        // the first word of a sentence that merely mentions it.
        if let Some(found) = token_level(&line[..end], false) {
            return Some(found);
        }
        // A CLI's label: `Error: unknown command`, `Warning: Permanently added ...`,
        // Ansible's `ERROR! ...`.
        if let Some(label) = line[..end].strip_suffix([':', '!'])
            && matches!(
                label,
                "Error" | "Warning" | "Fatal" | "ERROR" | "WARNING" | "FATAL"
            )
            && b.get(end) == Some(&b' ')
        {
            return Some((Level::from_name(label)?, end));
        }
        // A kind of notice, then its level: Rails' `DEPRECATION WARNING: ...`.
        if end >= 3
            && is_upper_word(&line[..end])
            && let Some(next) = line[end..].strip_prefix(' ')
            && let Some(word) = next.split(' ').next()
            && let Some(name) = word.strip_suffix(':')
            && matches!(name, "WARNING" | "ERROR")
            && let Some(level) = Level::from_name(name)
            && !is_empty_value(&next[word.len()..])
        {
            return Some((level, end + 1 + word.len()));
        }
        // What reported it (one to three words), then its level: Firefox's `JavaScript
        // error: ...`, PHP's display `Fatal error: ...`, mutter's `Window manager warning:
        // ...`, Django's `Internal Server Error: /path`.
        if first.is_ascii_uppercase()
            && let Some(end) = reporter_end(b)
        {
            let rest = &line[end..];
            for (word, level) in [
                (" error: ", Level::Error),
                (" Error: ", Level::Error),
                (" warning: ", Level::Warning),
                (" Warning: ", Level::Warning),
            ] {
                // `Training error: 0.0123`, `Standard error: none` are measures, not levels.
                if let Some(value) = rest.strip_prefix(word)
                    && !is_empty_value(value)
                {
                    let level = if &line[..end] == "Fatal" {
                        Level::Fatal
                    } else {
                        level
                    };
                    return Some((level, end + word.len() - 1));
                }
            }
        }
        // HotSpot's own warnings on stderr: `OpenJDK 64-Bit Server VM warning: Option ...`,
        // `Java HotSpot(TM) 64-Bit Server VM warning: ...`.
        if (first == b'O' || first == b'J')
            && let Some(i) = memchr::memmem::find(&b[..b.len().min(48)], b" VM warning: ")
            && (line.starts_with("OpenJDK ") || line.starts_with("Java HotSpot"))
        {
            return Some((Level::Warning, i + " VM warning:".len()));
        }
        // A bracketed tag, then the level in brackets: Gin's `[GIN-debug] [WARNING] ...`.
        if first == b'['
            && end + 1 < limit
            && b[end - 1] == b']'
            && b.get(end) == Some(&b' ')
            && b.get(end + 1) == Some(&b'[')
        {
            let next_end = token_end(b, end + 1, limit);
            let (level, used) = token_level(&line[end + 1..next_end], false)?;
            return Some((level, end + 1 + used));
        }
        // A bracketed tag, then a lower-case level word: AspectJ's weaver
        // `[AppClassLoader@1b6d3586] warning no match for this type name`.
        if first == b'[' && end + 1 < limit && b[end - 1] == b']' && b.get(end) == Some(&b' ') {
            // traitlets' `[%(name)s] %(levelname)s | %(message)s`: Jupyter's kernel
            // `[IPKernelApp] ERROR | Exception in message handler:`.
            let word = line[end + 1..].split(' ').next().unwrap_or("");
            if matches!(
                word,
                "error"
                    | "warning"
                    | "warn"
                    | "info"
                    | "debug"
                    | "fatal"
                    | "ERROR"
                    | "WARNING"
                    | "WARN"
                    | "INFO"
                    | "DEBUG"
                    | "CRITICAL"
                    | "FATAL"
            ) && line.len() > end + 1 + word.len()
            {
                return Some((Level::from_name(word)?, end + 1 + word.len()));
            }
        }
    }
    None
}

/// Tornado's log line (and Jupyter's, which uses its formatter): `[W 230101 10:00:00
/// web:123] message`, the level's initial, a space, then the time.
pub fn is_tornado(b: &[u8]) -> bool {
    b.len() > 4
        && b[0] == b'['
        && matches!(b[1], b'D' | b'I' | b'W' | b'E' | b'C')
        && b[2] == b' '
        && b[3].is_ascii_digit()
}

/// Levels that a tool's own line prefix states, as the tool documents it: Tornado's `[W `,
/// logrus's terminal `WARN[0000]`, npm's `npm WARN` / `npm ERR!`, yarn's `error `, Node's
/// `(node:PID) Warning:`, a GLib message under its program `(prog:PID): Gtk-WARNING **:`,
/// `dmesg -x`'s `kern  :warn  :`, kotlinc's `w: /path`, rustc's `error[E0308]:`.
fn tool_prefix_level(line: &str) -> Option<(Level, usize)> {
    let b = line.as_bytes();
    if matches!(b.first(), Some(b'0'..=b'9' | b'a'..=b'f' | b't' | b'w'))
        && let Some(found) = wine_debug_line(line)
    {
        return Some(found);
    }
    match *b.first()? {
        b'[' if is_tornado(b) => Some((Level::from_name(&line[1..2])?, 3)),
        b'D' | b'I' | b'W' | b'E' | b'F' | b'P' | b'T' if b.get(4) == Some(&b'[') => {
            // logrus's TextFormatter on a terminal: four letters, then the seconds since
            // start (or the time) in brackets.
            let level = match &b[..4] {
                b"TRAC" | b"DEBU" => Level::Debug,
                b"INFO" => Level::Info,
                b"WARN" => Level::Warning,
                b"ERRO" => Level::Error,
                b"FATA" | b"PANI" => Level::Fatal,
                _ => return None,
            };
            let close = memchr::memchr(b']', &b[..b.len().min(40)])?;
            (b.get(close + 1) == Some(&b' ')).then_some((level, close + 1))
        }
        b'n' => {
            let rest = line.strip_prefix("npm ")?;
            let word = rest.split(' ').next()?;
            let level = match word {
                "ERR!" | "error" => Level::Error,
                "WARN" | "warn" => Level::Warning,
                "notice" => Level::Notice,
                "info" | "http" | "timing" => Level::Info,
                "verb" | "sill" => Level::Debug,
                _ => return None,
            };
            Some((level, 4 + word.len()))
        }
        b'e' if line.starts_with("error[E") => rustc_error(line),
        b'e' | b'w' | b'i' => {
            // yarn's `error Command failed ...`, `warning package.json: ...`, `info Visit
            // ...`: the word, one space, the message.
            for (word, level) in [
                ("error ", Level::Error),
                ("warning ", Level::Warning),
                ("info ", Level::Info),
            ] {
                if let Some(rest) = line.strip_prefix(word)
                    && rest.starts_with(|c: char| !c.is_whitespace())
                {
                    return Some((level, word.len()));
                }
            }
            // kotlinc: `w: /src/A.kt: (3, 5): ...`, `e: file:///src/A.kt:4:5 ...`.
            let rest = line
                .strip_prefix("w: ")
                .or_else(|| line.strip_prefix("e: "))?;
            let path = rest.starts_with('/')
                || rest.starts_with("file:")
                || rest.as_bytes().get(1..3) == Some(b":\\");
            let level = if b[0] == b'w' {
                Level::Warning
            } else {
                Level::Error
            };
            path.then_some((level, 2))
        }
        b'(' => {
            // `(node:1234) [DEP0005] DeprecationWarning: ...`, `(gnome-shell:1234):
            // Gjs-WARNING **: ...`: a program and its pid in parentheses.
            let close = memchr::memchr(b')', &b[..b.len().min(64)])?;
            let (_, pid) = line[1..close].rsplit_once(':')?;
            if pid.is_empty() || !pid.bytes().all(|c| c.is_ascii_digit()) {
                return None;
            }
            let rest = line[close + 1..].trim_start_matches(':').trim_start();
            let at = line.len() - rest.len();
            let rest_b = rest.as_bytes();
            let code = if rest.starts_with('[') {
                memchr::memchr(b']', &rest_b[..rest_b.len().min(16)]).map_or(0, |i| i + 2)
            } else {
                0
            };
            let tok = rest.get(code..)?.split(' ').next()?;
            if let Some(name) = tok.strip_suffix(':')
                && name.ends_with("Warning")
                && name.bytes().all(|c| c.is_ascii_alphabetic())
            {
                return Some((Level::Warning, at + code + tok.len()));
            }
            // GLib's `Domain-LEVEL **: hh:mm:ss.mmm: message`.
            let after = &rest[code + tok.len()..];
            let level = glib_level(tok, after)?;
            let message = after.strip_prefix(" **: ").unwrap_or(after);
            let time = message
                .split_once(": ")
                .filter(|(t, _)| {
                    t.len() == 12
                        && t.bytes()
                            .all(|c| c.is_ascii_digit() || c == b':' || c == b'.')
                })
                .map_or(0, |(t, _)| t.len() + 2);
            Some((level, line.len() - message.len() + time))
        }
        b'm' if let Some(at) = make_stopped(line) => Some((Level::Error, at)),
        b'c' if line.starts_with("cc1") => cc1_level(line),
        b'k' | b'u' | b'd' | b'm' | b'a' | b's' | b'l' | b'c' => dmesg_level(line),
        b'P' | b'F' | b'o' | b'-' => test_runner_line(line),
        _ => None,
    }
}

/// GNU make's line when a recipe failed or it cannot go on, in any locale: `make: ***
/// [Makefile:224: __sub-make] Error 2`, `make[2]: *** No rule to make target 'x'.  Stop.`
/// (the `***` is make's mark for an error). Where the message starts.
fn make_stopped(line: &str) -> Option<usize> {
    let rest = line.strip_prefix("make")?;
    let level = if rest.starts_with('[') {
        let close = rest.find(']')?;
        rest[1..close]
            .bytes()
            .all(|c| c.is_ascii_digit())
            .then_some(close + 1)?
    } else {
        0
    };
    rest[level..].strip_prefix(": *** ").map(|_| 4 + level + 6)
}

/// The compiler proper's own lines, with no source location (`cc1: warning: x`, `cc1plus:
/// error: x`, `cc1: some warnings being treated as errors`, `cc1: all warnings being treated
/// as errors`, which stops the build).
fn cc1_level(line: &str) -> Option<(Level, usize)> {
    let rest = line
        .strip_prefix("cc1: ")
        .or_else(|| line.strip_prefix("cc1plus: "))?;
    let at = line.len() - rest.len();
    for (label, level) in [
        ("error: ", Level::Error),
        ("fatal error: ", Level::Fatal),
        ("warning: ", Level::Warning),
        ("note: ", Level::Info),
    ] {
        if rest.starts_with(label) {
            return Some((level, at + label.len()));
        }
    }
    rest.ends_with("warnings being treated as errors")
        .then_some((Level::Error, at))
}

/// Wine's debug output (its Developer's Guide, \"Debug classes\"): the thread's id in hex
/// (and the process's, with `+pid`), the class, the channel, then the function and the
/// message: `0054:err:vulkan:vulkan_init_once Failed to load libvulkan.so.1`, `0150:fixme:
/// ntdll:EtwEventSetInformation ... stub`. `err` is an error; `fixme` (something Wine does
/// not implement) and `warn` are warnings; `trace` is debug.
fn wine_debug_line(line: &str) -> Option<(Level, usize)> {
    let b = line.as_bytes();
    // Only the first bytes decide: up to two hex ids of four digits or more, then a class.
    let mut at = 0;
    for _ in 0..2 {
        let hex = b[at..]
            .iter()
            .take(9)
            .take_while(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(c))
            .count();
        if hex >= 4 && b.get(at + hex) == Some(&b':') {
            at += hex + 1;
        } else {
            break;
        }
    }
    let rest = &line[at..];
    let (level, class) = [
        (Level::Error, "err:"),
        (Level::Warning, "fixme:"),
        (Level::Warning, "warn:"),
        (Level::Debug, "trace:"),
    ]
    .into_iter()
    .find(|(_, class)| rest.starts_with(class))?;
    let channel = rest[class.len()..]
        .bytes()
        .take(24)
        .take_while(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'_')
        .count();
    (channel > 0 && rest.as_bytes().get(class.len() + channel) == Some(&b':'))
        .then_some((level, at + class.len() + channel + 1))
}

/// An indented line that opens a record of its own by what it starts with, not by a
/// timestamp: MSBuild's diagnostic repeated in its summary, Next.js's marked lines and its
/// request lines, a test runner's line for a test.
pub fn opens_indented(line: &str) -> bool {
    // Next.js indents its lines by exactly one space.
    let one_space = line
        .as_bytes()
        .get(1)
        .is_some_and(|c| !c.is_ascii_whitespace())
        && line.starts_with(' ');
    (one_space && (next_js_mark(line).is_some() || next_js_request_status(line).is_some()))
        || msbuild_diagnostic(line.trim_start()).is_some()
        || test_runner_line(line).is_some()
        || right_aligned_level(line).is_some()
}

/// A level name padded on the left to a fixed width, as log4j's `%5p` and SSHKit's
/// formatter (`%6s`) write it: ` INFO`, ` WARN` and `ERROR` in five columns, `  INFO` and
/// ` DEBUG` in six; then a space and the message (where it starts, after the level).
pub fn right_aligned_level(line: &str) -> Option<(Level, usize)> {
    let word = line.trim_start_matches(' ');
    let pad = line.len() - word.len();
    if !(1..=2).contains(&pad) {
        return None;
    }
    let end = word.as_bytes().iter().take(6).position(|&c| c == b' ')?;
    let name = &word[..end];
    if !matches!(pad + name.len(), 5 | 6) || !is_upper_word(name) {
        return None;
    }
    match name {
        "TRACE" | "DEBUG" | "INFO" | "WARN" | "ERROR" | "FATAL" => {
            Level::from_name(name).map(|level| (level, pad + end + 1))
        }
        _ => None,
    }
}

/// A test runner's line for a test or a test file, as its reporter documents it, and the
/// level a person triaging reads in it (a failure is an error): Jest's `PASS src/a.test.ts`
/// and `FAIL ...`, then `  ✓ name (5 ms)`, `  ✕ name`, `  ○ skipped name` and `  ● Suite ›
/// name` over a failure's details (`√` and `×` on Windows consoles); `go test -v`'s `---
/// FAIL: TestX (0.00s)`, `--- PASS:`, `--- SKIP:` (indented for subtests) and its package
/// lines `FAIL\tpkg\t0.01s` and `ok  \tpkg\t0.01s`.
pub fn test_runner_line(line: &str) -> Option<(Level, usize)> {
    let t = line.trim_start_matches(' ');
    // The first byte decides: `P`, `F`, `o`, `-`, or the lead byte of a mark (`✓✕○●√` are
    // 0xE2 in UTF-8, `×` 0xC3).
    if !matches!(
        t.as_bytes().first(),
        Some(b'P' | b'F' | b'o' | b'-' | 0xE2 | 0xC3)
    ) {
        return None;
    }
    let indent = line.len() - t.len();
    if indent == 0 {
        // The test file's path, after the project's display name if any, before the time
        // a slow file took and the heap it used if any: `PASS api src/a.test.ts (12.1 s)`.
        for (word, level) in [("PASS ", Level::Info), ("FAIL ", Level::Error)] {
            if let Some(rest) = t.strip_prefix(word)
                && rest.starts_with(|c: char| !c.is_whitespace())
            {
                let rest = rest.trim_end();
                let named = rest.split_once(" (").map_or(rest, |(path, _)| path);
                let words = named.split_whitespace().count();
                if (1..=2).contains(&words)
                    && named
                        .split_whitespace()
                        .last()
                        .is_some_and(|p| p.contains(['/', '.']))
                {
                    return Some((level, word.len()));
                }
            }
        }
        for (word, level) in [("FAIL\t", Level::Error), ("ok  \t", Level::Info)] {
            if t.starts_with(word) {
                return Some((level, word.len()));
            }
        }
    }
    for (word, level) in [
        ("--- FAIL: ", Level::Error),
        ("--- PASS: ", Level::Info),
        ("--- SKIP: ", Level::Info),
    ] {
        if t.starts_with(word) {
            return Some((level, indent + word.len()));
        }
    }
    if indent < 2 {
        return None;
    }
    let mark = t.chars().next()?;
    let level = match mark {
        '\u{2713}' | '\u{221A}' | '\u{25CB}' => Level::Info,
        '\u{2715}' | '\u{D7}' | '\u{25CF}' => Level::Error,
        _ => return None,
    };
    let at = indent + mark.len_utf8();
    // `● Console`: the heading over what the tests printed, not a failure.
    let level = if line[at..].trim_end() == " Console" {
        Level::Info
    } else {
        level
    };
    (line.as_bytes().get(at) == Some(&b' ')).then_some((level, at + 1))
}

/// The mark Next.js puts before each line of its own (`packages/next/src/build/output/
/// log.ts`: ` ⨯ error`, ` ⚠ warn`, ` ✓ event`, ` ○ wait`, ` ▲ ready`, ` » trace`), after
/// one space, with one space after it.
pub fn next_js_mark(line: &str) -> Option<(Level, usize)> {
    let rest = line.strip_prefix(' ')?;
    let mark = rest.chars().next()?;
    let level = match mark {
        '\u{2A2F}' => Level::Error,
        '\u{26A0}' => Level::Warning,
        '\u{2713}' | '\u{25CB}' | '\u{25B2}' => Level::Info,
        '\u{BB}' => Level::Debug,
        _ => return None,
    };
    let at = 1 + mark.len_utf8();
    (line.as_bytes().get(at) == Some(&b' ')).then_some((level, at + 1))
}

/// The status of the line a Next.js development server writes for each request: ` GET
/// /producto/x 200 in 37ms` (one space, the method, the path, the status, the time; the
/// space is gone from the message).
fn next_js_request_status(line: &str) -> Option<&str> {
    let rest = line.strip_prefix(' ').unwrap_or(line);
    if !rest.starts_with(|c: char| c.is_ascii_uppercase()) {
        return None;
    }
    let (method, rest) = rest.split_once(' ')?;
    if !is_http_method(method) || !rest.starts_with('/') {
        return None;
    }
    let (_, after_path) = rest.split_once(' ')?;
    let (status, time) = after_path.split_once(" in ")?;
    let digits = time.bytes().take_while(u8::is_ascii_digit).count();
    (status.len() == 3
        && status.bytes().all(|c| c.is_ascii_digit())
        && digits > 0
        && time[digits..].starts_with(|c: char| c.is_ascii_alphabetic()))
    .then_some(status)
}

/// rustc's error with its code: `error[E0308]: mismatched types`.
fn rustc_error(line: &str) -> Option<(Level, usize)> {
    let code = line.strip_prefix("error[E")?.get(..6)?;
    (code.as_bytes()[..4].iter().all(u8::is_ascii_digit) && &code[4..] == "]:")
        .then_some((Level::Error, 14))
}

/// `dmesg -x`: the facility and the level, each padded, then the kernel's time since boot:
/// `kern  :warn  : [    1.000000] message`.
fn dmesg_level(line: &str) -> Option<(Level, usize)> {
    let (facility, rest) = line.split_at_checked(7)?;
    let (level, rest) = rest.split_at_checked(7)?;
    let facility = facility.strip_suffix(':')?.trim_end();
    if !matches!(
        facility,
        "kern"
            | "user"
            | "mail"
            | "daemon"
            | "auth"
            | "syslog"
            | "lpr"
            | "news"
            | "uucp"
            | "cron"
            | "authpriv"
            | "ftp"
            | "local0"
            | "local1"
            | "local2"
            | "local3"
            | "local4"
            | "local5"
            | "local6"
            | "local7"
    ) {
        return None;
    }
    let level = match level.strip_suffix(':')?.trim_end() {
        "emerg" | "alert" | "crit" => Level::Fatal,
        "err" => Level::Error,
        "warn" => Level::Warning,
        "notice" => Level::Notice,
        "info" => Level::Info,
        "debug" => Level::Debug,
        _ => return None,
    };
    let skip = rest.len() - rest.trim_start().len();
    let stamp = rest
        .trim_start()
        .strip_prefix('[')
        .and_then(|r| r.find("] ").map(|i| i + 3))
        .unwrap_or(0);
    Some((level, 14 + skip + stamp))
}

/// What follows a label when there is nothing to report: a number (a measure, `Training
/// error: 0.0123`), or Go's and others' empty values (`err: <nil>`, `error: none`).
/// The end of the one to three words that open a line and name what reports a level after
/// them: letters only, at most 30 bytes, the last one not itself `...Error`, none a
/// determiner (`Ignore the following warning:`, `No error:` are sentences about a level, not
/// a program's name).
fn reporter_end(b: &[u8]) -> Option<usize> {
    let mut end = 0;
    for word in 0..3 {
        let len = b[end..]
            .iter()
            .take_while(|c| c.is_ascii_alphabetic())
            .count();
        if len < 2 || end + len > 30 || is_determiner(&b[end..end + len]) {
            return None;
        }
        let next = end + len;
        let level_next = |w: &[u8]| b[next..].starts_with(w);
        if level_next(b" error: ")
            || level_next(b" Error: ")
            || level_next(b" warning: ")
            || level_next(b" Warning: ")
        {
            return (!b[end..next].ends_with(b"Error")).then_some(next);
        }
        if word == 2 || b.get(next) != Some(&b' ') {
            return None;
        }
        end = next + 1;
    }
    None
}

/// English determiners (and `following`, `next`, which stand as one): words that open a
/// noun phrase, never a program's name.
fn is_determiner(word: &[u8]) -> bool {
    const DETERMINERS: [&[u8]; 16] = [
        b"the",
        b"this",
        b"that",
        b"these",
        b"those",
        b"following",
        b"an",
        b"no",
        b"any",
        b"some",
        b"each",
        b"every",
        b"another",
        b"all",
        b"other",
        b"next",
    ];
    DETERMINERS.iter().any(|d| word.eq_ignore_ascii_case(d))
}

fn is_empty_value(value: &str) -> bool {
    let v = value.trim();
    let first = v.split([' ', ',', ';']).next().unwrap_or("");
    v.is_empty()
        || (first.starts_with(|c: char| c.is_ascii_digit())
            && first
                .bytes()
                .all(|c| c.is_ascii_digit() || b".%+-e".contains(&c)))
        || matches!(
            first,
            "<nil>" | "nil" | "none" | "None" | "null" | "NULL" | "false"
        )
}

/// A diagnostic in the GNU `file:line[:column]: kind: message` form (GNU coding standards;
/// compilers, Ruby's warnings, Python's `warnings.showwarning`): the level its kind states
/// (`warning`, `error`, `fatal error`, or a Python category `...Warning`) and where the
/// message starts.
fn located_diagnostic(line: &str) -> Option<(Level, usize)> {
    let b = line.as_bytes();
    let space = memchr::memchr(b' ', &b[..b.len().min(300)])?;
    // `file:line:` or `file:line:column:`: digits between the last colons. Airflow logs
    // Python's warnings without the colon after the line number (`routes/__init__.py:23
    // DeprecationWarning: ...`): only a Python file's warning category may follow that.
    let (location, colon) = match line[..space].strip_suffix(':') {
        Some(location) => (location, true),
        None => (&line[..space], false),
    };
    let (rest, last) = location.rsplit_once(':')?;
    let numeric = |s: &str| !s.is_empty() && s.bytes().all(|c| c.is_ascii_digit());
    // Android's manifest merger: `AndroidManifest.xml:20:5-86 Warning:` (a column range,
    // no colon, the kind capitalised), its message on the next line.
    if !colon
        && rest.contains(':')
        && let Some((from, to)) = last.split_once('-')
        && numeric(from)
        && numeric(to)
    {
        let after = &line[space + 1..];
        return [("Warning:", Level::Warning), ("Error:", Level::Error)]
            .into_iter()
            .find(|(kind, _)| after.starts_with(kind))
            .map(|(kind, level)| (level, space + 1 + kind.len()));
    }
    // GHC gives a column range (`Loan.hs:86:10-19:`) or a span (`X.hs:(86,10)-(90,20):`).
    let span = |s: &str| {
        s.split_once('-').is_some_and(|(a, b)| {
            (numeric(a) && numeric(b)) || (a.starts_with('(') && b.ends_with(')'))
        })
    };
    if !(numeric(last) || colon && span(last)) {
        return None;
    }
    let file = match rest.rsplit_once(':') {
        Some((file, line_no)) if numeric(line_no) => file,
        _ => rest,
    };
    if file.is_empty() || numeric(file) {
        return None;
    }
    let after = &line[space + 1..];
    if colon {
        for (kind, level) in [
            ("warning: ", Level::Warning),
            ("error: ", Level::Error),
            ("fatal error: ", Level::Fatal),
        ] {
            // GHC ends the line after the kind: its message is on the next lines.
            if after.starts_with(kind) || after.trim_end() == kind.trim_end() {
                return Some((level, space + 1 + kind.len() - 1));
            }
        }
    }
    let name_len = after.find(": ")?;
    let name = &after[..name_len];
    (name.ends_with("Warning")
        && (colon || file.ends_with(".py"))
        && name
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'.' || c == b'_'))
    .then_some((Level::Warning, space + 1 + name_len + 1))
}

/// A diagnostic in MSBuild's canonical form, as MSBuild logs a compiler's or a task's:
/// `path(line,col): warning CS8602: message [project.csproj]` (the origin may hold spaces,
/// a build node's `1:7>` may precede it, the project it was built for follows it; a bare
/// compiler's line without the project is left to the record it is part of). Returns the
/// level and where the message starts.
pub fn msbuild_diagnostic(line: &str) -> Option<(Level, usize)> {
    if !line.trim_end().ends_with("proj]") {
        return None;
    }
    let b = line.as_bytes();
    let head = &b[..b.len().min(400)];
    let close = memchr::memmem::find(head, b"): ")?;
    let open = head[..close].iter().rposition(|&c| c == b'(')?;
    let location = &line[open + 1..close];
    if location.is_empty() || !location.bytes().all(|c| c.is_ascii_digit() || c == b',') {
        return None;
    }
    let after = &line[close + 3..];
    let (kind, level) = [("warning ", Level::Warning), ("error ", Level::Error)]
        .into_iter()
        .find(|(kind, _)| after.starts_with(kind))?;
    // The code: letters then digits, then a colon (`CS8602:`, `MSB3277:`).
    let code = after[kind.len()..].split(' ').next()?.strip_suffix(':')?;
    let letters = code.bytes().take_while(u8::is_ascii_uppercase).count();
    (letters > 0 && letters < code.len() && code[letters..].bytes().all(|c| c.is_ascii_digit()))
        .then_some((level, close + 3 + kind.len() + code.len() + 1))
}

/// A level word after a banner's decoration (`***`, `==>`, `**`): upper case, with its
/// colon.
fn decorated_level(line: &str) -> Option<(Level, usize)> {
    let deco = line
        .bytes()
        .take_while(|c| matches!(c, b'*' | b'=' | b'>' | b'!'))
        .count();
    let rest = line.get(deco..)?.strip_prefix(' ')?;
    let word = rest.split(' ').next()?;
    let name = word.strip_suffix(':')?;
    // One star frames a message too (CockroachDB's `* WARNING: ...` on stderr).
    let framed = (2..=4).contains(&deco) || line.starts_with("* ");
    (framed && name.len() >= 4 && is_upper_word(name))
        .then(|| Level::from_name(name))
        .flatten()
        .map(|level| (level, deco + 1 + word.len()))
}

/// A one-letter level in brackets, as beego's logger (frp, beego apps) writes it after the
/// time: `[E]`, `[W]`, `[I]`, `[D]`, `[T]`, `[N]`otice, `[C]`ritical, `[A]`lert,
/// e`[M]`ergency.
fn bracketed_letter_level(tok: &[u8]) -> Option<Level> {
    match tok {
        [b'[', c, b']'] => match c {
            b'A' | b'M' => Some(Level::Fatal),
            b'C' | b'E' | b'W' | b'I' | b'D' | b'T' | b'N' => {
                Level::from_name(std::str::from_utf8(std::slice::from_ref(c)).expect("ASCII"))
            }
            _ => None,
        },
        _ => None,
    }
}

/// True for a glog/klog header, `Lmmdd hh:mm:ss.uuuuuu`, CockroachDB's, which adds the
/// year (`Lyymmdd hh:mm:ss.uuuuuu`, its crdb-v1 and crdb-v2 formats), or glog 0.7's, which
/// writes the whole year (`Lyyyymmdd hh:mm:ss.uuuuuu`); L one of I W E F.
pub fn is_glog(b: &[u8]) -> bool {
    let date = match (b.get(7), b.get(9)) {
        (Some(b' '), _) => 6,
        (_, Some(b' ')) => 8,
        _ => 4,
    };
    b.len() > 10 + date
        && matches!(b[0], b'I' | b'W' | b'E' | b'F')
        && b[1..=date].iter().all(u8::is_ascii_digit)
        && b[date + 1] == b' '
        && b[date + 2..date + 4].iter().all(u8::is_ascii_digit)
        && b[date + 4] == b':'
}

/// PHP's error levels as its error log writes them: `Fatal error:`, `Warning:`...
fn php_level(s: &str) -> Option<(Level, usize)> {
    const LEVELS: [(&str, Level); 9] = [
        ("Fatal error:", Level::Fatal),
        ("Parse error:", Level::Fatal),
        ("Catchable fatal error:", Level::Error),
        ("Recoverable fatal error:", Level::Error),
        ("Warning:", Level::Warning),
        ("Notice:", Level::Notice),
        ("Deprecated:", Level::Warning),
        ("Strict Standards:", Level::Notice),
        ("Core Warning:", Level::Warning),
    ];
    LEVELS
        .iter()
        .find(|(p, _)| s.starts_with(p))
        .map(|(p, l)| (*l, p.len()))
}

/// Why a level was inferred from an event's content, for the detail pane and the JSON.
pub type Reason = &'static str;

/// Whether a runtime's mark opens a record of its own when it starts a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Opens {
    /// It can stand anywhere in a record (`... segfault at ...`).
    No,
    /// A trace of its own (`Exception in thread "main" ...`).
    Record,
    /// A Go panic or signal dump: goroutine blocks follow, separated by blank lines.
    GoDump,
}

/// What runtimes and the kernel print when something fails and no logger gave it a level,
/// as their documentation shows it: the text, the level it states, why, and whether a line
/// starting with it opens a record.
const RUNTIME_MARKS: [(&str, Level, Reason, Opens); 46] = [
    // Unity's player and editor logs print the managed stack of each Debug.Log* call: the
    // call names the level the script logged at.
    (
        "UnityEngine.Debug:LogException (",
        Level::Error,
        "Unity's Debug.LogException",
        Opens::No,
    ),
    (
        "UnityEngine.Debug:LogError (",
        Level::Error,
        "Unity's Debug.LogError",
        Opens::No,
    ),
    (
        "UnityEngine.Debug:LogAssertion (",
        Level::Error,
        "Unity's Debug.LogAssertion",
        Opens::No,
    ),
    (
        "UnityEngine.Debug:LogWarning (",
        Level::Warning,
        "Unity's Debug.LogWarning",
        Opens::No,
    ),
    (
        "Traceback (most recent call last)",
        Level::Error,
        "a Python traceback",
        Opens::No,
    ),
    (
        "PHP Fatal error",
        Level::Fatal,
        "a PHP fatal error",
        Opens::No,
    ),
    (
        "Fatal error: ",
        Level::Fatal,
        "a PHP fatal error",
        Opens::No,
    ),
    (
        "http: panic serving",
        Level::Error,
        "a Go HTTP handler panic",
        Opens::No,
    ),
    ("panic: ", Level::Fatal, "a Go panic", Opens::GoDump),
    (
        "fatal error: ",
        Level::Fatal,
        "a Go runtime fatal error",
        Opens::GoDump,
    ),
    (
        "SIGSEGV: ",
        Level::Fatal,
        "a Go runtime signal",
        Opens::GoDump,
    ),
    (
        "SIGABRT: ",
        Level::Fatal,
        "a Go runtime signal",
        Opens::GoDump,
    ),
    (
        "SIGQUIT: ",
        Level::Fatal,
        "a Go runtime signal",
        Opens::GoDump,
    ),
    // Java's default handler prints `Exception in thread "main" java.lang.X: ...`, Python's
    // threading.excepthook `Exception in thread Thread-1 (run):` over the traceback.
    (
        "Exception in thread ",
        Level::Error,
        "an uncaught exception in a thread",
        Opens::Record,
    ),
    // Python's sys.unraisablehook: an exception raised where it could not propagate (a
    // destructor, a callback), printed over its traceback.
    (
        "Exception ignored in: ",
        Level::Error,
        "an exception Python could not raise",
        Opens::Record,
    ),
    (
        "Unhandled exception. ",
        Level::Error,
        "an unhandled .NET exception",
        Opens::Record,
    ),
    (
        "Unhandled Exception: ",
        Level::Error,
        "an unhandled .NET exception",
        Opens::Record,
    ),
    // The .NET runtime's own failure (`Fatal error. Internal CLR error. (0x80131506)`),
    // over the managed stack.
    (
        "Fatal error. ",
        Level::Error,
        "the .NET runtime failed",
        Opens::Record,
    ),
    // Wine's crash lines (`wine: Unhandled page fault on read access to ...`), winedbg's
    // (`Unhandled exception: page fault on read access to ... in 32-bit code`).
    (
        "wine: Unhandled ",
        Level::Error,
        "a program crashed under Wine",
        Opens::Record,
    ),
    (
        "Unhandled exception: ",
        Level::Error,
        "a program crashed under Wine",
        Opens::Record,
    ),
    // Windows' structured exception that crashed a program, by its documented name
    // (Blender's and other crash handlers print it).
    (
        "EXCEPTION_ACCESS_VIOLATION",
        Level::Error,
        "a Windows access violation",
        Opens::No,
    ),
    (
        "EXCEPTION_STACK_OVERFLOW",
        Level::Error,
        "a Windows stack overflow",
        Opens::No,
    ),
    (
        "Uncaught ",
        Level::Error,
        "an uncaught exception",
        Opens::No,
    ),
    // PM2's line before the reason of a rejection nothing caught, and Node's event name.
    (
        "You have triggered an unhandledRejection",
        Level::Error,
        "an unhandled promise rejection",
        Opens::Record,
    ),
    (
        "unhandledRejection: ",
        Level::Error,
        "an unhandled promise rejection",
        Opens::No,
    ),
    (
        "UnhandledPromiseRejection",
        Level::Error,
        "an unhandled promise rejection",
        Opens::No,
    ),
    // Rust's panic hook: `thread 'main' panicked at src/main.rs:3:5:` (before 1.73:
    // `thread 'main' panicked at 'boom', src/main.rs:3:5`).
    ("' panicked at ", Level::Error, "a Rust panic", Opens::No),
    ("Kernel panic", Level::Fatal, "a kernel panic", Opens::No),
    // The compilers' sanitizers (ASan, LSan, MSan, TSan) report under `==PID==`.
    (
        "AddressSanitizer:DEADLYSIGNAL",
        Level::Fatal,
        "a sanitizer's crash report",
        Opens::Record,
    ),
    (
        "ERROR: AddressSanitizer: ",
        Level::Fatal,
        "a sanitizer's crash report",
        Opens::No,
    ),
    (
        "ERROR: MemorySanitizer: ",
        Level::Fatal,
        "a sanitizer's crash report",
        Opens::No,
    ),
    (
        "ERROR: LeakSanitizer: ",
        Level::Error,
        "a sanitizer's leak report",
        Opens::No,
    ),
    (
        "WARNING: ThreadSanitizer: ",
        Level::Error,
        "a sanitizer's data race report",
        Opens::No,
    ),
    // libstdc++'s terminate handler before it aborts the process.
    (
        "terminate called after throwing an instance of ",
        Level::Error,
        "an uncaught C++ exception",
        Opens::Record,
    ),
    (
        "terminate called without an active exception",
        Level::Error,
        "a C++ program terminated",
        Opens::Record,
    ),
    (
        "pure virtual method called",
        Level::Error,
        "a C++ program terminated",
        Opens::Record,
    ),
    (
        "segfault at ",
        Level::Error,
        "a segmentation fault",
        Opens::No,
    ),
    (
        "Segmentation fault",
        Level::Error,
        "a segmentation fault",
        Opens::No,
    ),
    (
        "general protection fault",
        Level::Error,
        "a general protection fault",
        Opens::No,
    ),
    (
        "invoked oom-killer",
        Level::Error,
        "an out-of-memory kill",
        Opens::No,
    ),
    (
        "Out of memory: Kill",
        Level::Error,
        "an out-of-memory kill",
        Opens::No,
    ),
    (
        "oom-kill:",
        Level::Error,
        "an out-of-memory kill",
        Opens::No,
    ),
    (
        "Memory cgroup out of memory",
        Level::Error,
        "an out-of-memory kill",
        Opens::No,
    ),
    // systemd-coredump's `Process 36187 (qs) of user 1000 dumped core.`, a shell's
    // `Aborted (core dumped)`.
    ("dumped core", Level::Error, "a core dump", Opens::No),
    ("(core dumped)", Level::Error, "a core dump", Opens::No),
    // systemd about a unit whose process failed: `x.service: Failed with result
    // 'exit-code'.`
    (
        ": Failed with result '",
        Level::Error,
        "a failed systemd unit",
        Opens::No,
    ),
];

/// What build tools write at the start of a line when a build failed: Gradle's failure
/// report and result line, Ant's result line.
const BUILD_FAILURES: [&str; 3] = [
    "FAILURE: Build failed with an exception",
    "FAILURE: Build completed with ",
    "BUILD FAILED",
];

/// What a line that starts with a runtime's mark opens, if anything: a Ruby crash line
/// or one of [`RUNTIME_MARKS`] that opens a record.
pub fn opens(line: &str) -> Opens {
    for (text, _, _, opens) in RUNTIME_MARKS {
        if opens != Opens::No && line.starts_with(text) {
            return opens;
        }
    }
    if is_ruby_crash(line)
        || is_rust_panic(line)
        || is_loader_error(line)
        || is_python_process_report(line)
    {
        return Opens::Record;
    }
    Opens::No
}

/// Python's multiprocessing names the process whose target raised before it prints the
/// traceback: `Process SpawnProcess-1:`, `Process EngineCore_DP0:`.
fn is_python_process_report(line: &str) -> bool {
    line.strip_prefix("Process ")
        .and_then(|name| name.strip_suffix(':'))
        .is_some_and(|name| {
            !name.is_empty()
                && name
                    .bytes()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
        })
}

/// The dynamic linker's report that a program could not start (glibc's ld.so: `/usr/sbin/
/// mysqld: symbol lookup error: /usr/sbin/mysqld: undefined symbol: SSL_library_init`,
/// `app: error while loading shared libraries: libssl.so.1.1: cannot open shared object
/// file: No such file or directory`): the program's path, then the kind of failure.
fn is_loader_error(line: &str) -> bool {
    let b = line.as_bytes();
    if !b
        .first()
        .is_some_and(|c| *c == b'/' || c.is_ascii_alphanumeric())
    {
        return false;
    }
    let Some(colon) = memchr::memmem::find(&b[..b.len().min(160)], b": ") else {
        return false;
    };
    let rest = &line[colon + 2..];
    !b[..colon].contains(&b' ')
        && [
            "error while loading shared libraries: ",
            "symbol lookup error: ",
            "relocation error: ",
        ]
        .iter()
        .any(|kind| rest.starts_with(kind))
}

/// Rust's panic hook opens its own line: `thread 'main' panicked at src/main.rs:3:5:`.
pub fn is_rust_panic(line: &str) -> bool {
    line.strip_prefix("thread '")
        .and_then(|rest| rest.find("' panicked at "))
        .is_some()
}

/// The level an event's content states when no level was written: runtimes print uncaught
/// exceptions, tracebacks and panics without one, and the kernel does not tag segfaults or
/// OOM kills. `parts`: the event's text (a whole text record, or a structured record's
/// message and stack); `has_error_type`: an exception type was found or given.
pub fn infer(parts: &[&str], has_error_type: bool) -> Option<(Level, Reason)> {
    // One set of literal searches, built once: most events hold none of the marks and are
    // read once; the first mark in the list's order that any part holds decides.
    static MARKS: OnceLock<regex::RegexSet> = OnceLock::new();
    let marks = MARKS.get_or_init(|| {
        regex::RegexSet::new(RUNTIME_MARKS.iter().map(|(text, ..)| regex::escape(text)))
            .expect("literal marks")
    });
    if let Some(first) = parts
        .iter()
        .filter(|p| marks.is_match(p))
        .flat_map(|p| marks.matches(p).into_iter())
        .min()
    {
        let (_, level, reason, _) = RUNTIME_MARKS[first];
        return Some((level, reason));
    }
    if let Some(first) = parts.first() {
        let mut lines = first
            .lines()
            .chain(parts.get(1).into_iter().flat_map(|p| p.lines()));
        let line = lines.next().unwrap_or("");
        let second = lines.next().map(|l| super::kernel::message(l).unwrap_or(l));
        if let Some(found) =
            super::kernel::level_of(super::kernel::message(line).unwrap_or(line), second)
        {
            return Some(found);
        }
    }
    if let Some(found) = parts.first().and_then(|p| security_record_level(p)) {
        return Some(found);
    }
    if parts.first().is_some_and(|p| is_loader_error(p)) {
        return Some((Level::Error, "the dynamic linker could not start a program"));
    }
    if parts.first().is_some_and(|p| is_ruby_crash(p)) {
        return Some((Level::Error, "an uncaught Ruby exception"));
    }
    // systemd about a unit's main process that did not exit with success: `Main process
    // exited, code=exited, status=1/FAILURE`, `code=killed, status=9/KILL`.
    // (systemd before 236 wrote `main process exited`, `Unit x.service entered failed
    // state.` and `x.service failed.`)
    // docker compose about a container whose process ended in failure: `web_1 exited with
    // code 1` (code 0 is a clean exit).
    if let Some(first) = parts.first() {
        let line = first.lines().next().unwrap_or("");
        let exited = line
            .find("ain process exited, code=")
            .filter(|&i| i > 0 && matches!(line.as_bytes()[i - 1], b'M' | b'm'));
        if exited.is_some_and(|i| !line[i..].contains("status=0/SUCCESS"))
            || line.ends_with(" entered failed state.")
            || line.ends_with(".service failed.")
        {
            return Some((Level::Error, "a failed systemd unit"));
        }
        if let Some((name, code)) = line.trim_end().split_once(" exited with code ")
            && !name.is_empty()
            && !name.contains(' ')
            && code.parse::<u64>().is_ok_and(failure_status)
        {
            return Some((Level::Error, "a container that exited with an error"));
        }
    }
    // PHP-FPM's slow log: a request that ran past request_slowlog_timeout, its script and
    // its stack (`[pool www] pid 4242`, `script_filename = /var/www/x.php`, frames), the
    // entry php-fpm's own log reports as a WARNING.
    if parts.iter().take(2).any(|p| {
        p.lines()
            .take(2)
            .any(|l| l.starts_with("script_filename = "))
    }) {
        return Some((Level::Warning, "a PHP-FPM slow request"));
    }
    if is_rails_exception(parts) {
        return Some((Level::Error, "a Rails exception with its backtrace"));
    }
    if ruby_backtrace(parts) {
        return Some((Level::Error, "an exception with its Ruby backtrace"));
    }
    // bash reporting a failed command of a script: `start.sh: line 13: cd: /x: No such
    // file or directory`, `bash: line 1: foo: command not found`.
    if parts.first().is_some_and(|p| is_shell_error(p)) {
        return Some((Level::Error, "a shell error"));
    }
    if parts.first().is_some_and(|p| is_system_error_report(p)) {
        return Some((Level::Error, "a failed system call reported by a program"));
    }
    // What build tools and R print when they stop, at the start of a line of its own.
    if let Some(first) = parts.first().and_then(|p| p.lines().next()) {
        if first.trim_end() == "Execution halted" {
            return Some((Level::Fatal, "an R script stopped by an error"));
        }
        if BUILD_FAILURES.iter().any(|start| first.starts_with(start)) {
            return Some((Level::Error, "a failed build"));
        }
    }
    // Gradle's line for a task that failed: `> Task :app:compileKotlin FAILED`.
    if parts.first().is_some_and(|p| {
        p.starts_with("> Task :") && p.lines().next().is_some_and(|l| l.ends_with(" FAILED"))
    }) {
        return Some((Level::Error, "a failed build task"));
    }
    if parts
        .first()
        .is_some_and(|p| server_error_response(p) || rails_server_error(p))
    {
        return Some((Level::Error, "an HTTP 5xx response"));
    }
    if let Some(level) = parts.first().and_then(|p| django_response(p)) {
        return Some((level, "Django's line for an HTTP 4xx or 5xx response"));
    }
    // Node and browsers: `TypeError: x` over `    at f (file.js:1:2)` frames (the error line
    // may be in the message and the frames in the stack; Node 10's util.inspect writes
    // `{ Error: x` with the frames inside the braces).
    let frames = parts
        .iter()
        .any(|p| p.starts_with("    at ") || p.contains("\n    at "));
    let error_line = parts.iter().any(|p| {
        p.lines()
            .any(|l| !l.starts_with(' ') && l.contains("Error: "))
    });
    if frames && error_line {
        return Some((Level::Error, "an exception with a stack trace"));
    }
    let has_stack = parts.len() > 1 || parts.first().is_some_and(|p| p.contains('\n'));
    match (has_error_type, has_stack) {
        (true, true) => Some((Level::Error, "an exception with a stack trace")),
        (true, false) => Some((Level::Error, "an exception")),
        _ => {
            let first = parts.first().and_then(|p| p.lines().next())?;
            warning_in_words(first)
                .or_else(|| {
                    failed_exit(first).then_some("a process that exited with a failure status")
                })
                .map(|reason| (Level::Warning, reason))
        }
    }
}

/// An exit status that reports a failure: not 0 (success), nor 130 and 143, the status a
/// shell reports for a process that SIGINT or SIGTERM stopped (128 + the signal), as a
/// stop or a restart asks (Heroku's `Process exited with status 143` after `Stopping all
/// processes with SIGTERM`).
fn failure_status(status: u64) -> bool {
    !matches!(status, 0 | 130 | 143)
}

/// A line that reports a process's exit with a failure status (see [`failure_status`]), in
/// the words runtimes and tools use: Go's `exec.ExitError` (`exit status 1`), Python's `CalledProcessError`
/// (`returned non-zero exit status 2`), debuggers' and supervisors' `Process 5555 has exited
/// with status 1`, `exited with code 137`, `exit code: 1`.
fn failed_exit(line: &str) -> bool {
    const SAID: [&str; 5] = [
        "exit status ",
        "exited with status ",
        "exited with code ",
        "exit code ",
        "exit code: ",
    ];
    static EXIT: OnceLock<memchr::memmem::Finder<'static>> = OnceLock::new();
    let exit = EXIT.get_or_init(|| memchr::memmem::Finder::new(b"exit"));
    exit.find_iter(line.as_bytes()).any(|at| {
        let rest = &line[at..];
        SAID.iter()
            .find(|s| rest.starts_with(*s))
            .is_some_and(|said| {
                let number = rest[said.len()..].trim_start_matches('-');
                let digits = number.bytes().take_while(u8::is_ascii_digit).count();
                digits > 0
                    && !number[digits..].starts_with(|c: char| c.is_ascii_alphanumeric())
                    && number[..digits].parse::<u64>().is_ok_and(failure_status)
            })
    })
}

/// A message that states a failure or a deprecation in words (`authenticator failed for ...`, `query
/// denied`, `Invalid user admin`, `could not connect`): programs that write no level (sshd,
/// exim, BIND and most daemons through syslog, scripts) still say so. Such a line is at
/// least a warning to a person triaging it; never more, since the words alone do not tell
/// an error from a retry. A count of none (`0 errors`, `failed=0`) and an access log's
/// request line (its path may say anything) state no failure. A deprecation notice is a
/// warning in every runtime's convention (pflag's `Flag --port has been deprecated`, PHP's
/// `Deprecated:`, Node's and Python's `DeprecationWarning`).
pub fn warning_in_words(line: &str) -> Option<Reason> {
    const FAILURE: Reason = "its message reports a failure";
    const WARNED: Reason = "its message says it is a warning";
    const WORDS: [&str; 29] = [
        "unexpected",
        "refusing",
        "rejecting",
        "error",
        "violation",
        "incorrect",
        "degraded",
        "errors",
        "errored",
        "denied",
        "refused",
        "rejected",
        "invalid",
        "unable",
        "cannot",
        "can't",
        "couldn't",
        "fatal",
        "panic",
        "panicked",
        "exception",
        "unreachable",
        "aborted",
        "aborting",
        "crashed",
        "corrupt",
        "corrupted",
        "mismatch",
        "break-in",
    ];
    // Two-word phrases: the word before and the word.
    // `missing` as what is said of a thing (`The referenced script ... is missing!`), not as
    // its adjective (`Creating missing swap directories`).
    const PHRASES: [(&str, &str); 12] = [
        ("is", "missing"),
        ("are", "missing"),
        ("was", "missing"),
        ("were", "missing"),
        ("not", "found"),
        ("not", "available"),
        ("not", "match"),
        ("doesn't", "match"),
        ("could", "not"),
        ("timed", "out"),
        ("not", "permitted"),
        ("of", "memory"),
    ];
    const NONE_BEFORE: [&str; 7] = ["0", "no", "not", "zero", "without", "ignoring", "ignore"];
    const NONE_AFTER: [&str; 10] = [
        "=0", ": 0", "=nil", "=null", "=none", "=false", ":null", ":0", ": none", "=\"\"",
    ];
    // What says of a whole that none of it is so (`none are missing`, `nothing is missing`).
    const NONE_SUBJECT: [&str; 3] = ["none", "nothing", "nobody"];
    const STEMS: [&str; 2] = ["fail", "deprecat"];
    // Most lines hold none of the words: one pass of a literal search over all of them
    // says so.
    static ANY: OnceLock<regex::Regex> = OnceLock::new();
    let any = ANY.get_or_init(|| {
        let words = WORDS
            .iter()
            .chain(&STEMS)
            .chain(&["warning", "timeout"])
            .map(|w| regex::escape(w));
        let phrases = PHRASES
            .iter()
            .map(|(a, b)| regex::escape(&format!("{a} {b}")));
        let all: Vec<String> = words.chain(phrases).collect();
        // A word that holds another (`errors`, `error`) adds nothing to the search.
        let alternation: Vec<&String> = all
            .iter()
            .filter(|w| !all.iter().any(|o| o != *w && w.contains(o.as_str())))
            .collect();
        let alternation: Vec<&str> = alternation.iter().map(|w| w.as_str()).collect();
        regex::Regex::new(&format!("(?i){}", alternation.join("|"))).expect("literal alternation")
    });
    if !any.is_match(line) {
        return None;
    }
    if is_request_line(line) {
        return None;
    }
    let b = line.as_bytes();
    let in_word = |c: u8| c.is_ascii_alphanumeric() || matches!(c, b'\'' | b'-' | b'_');
    let mut quotes = 0usize;
    let mut before: &[u8] = b"";
    let mut before_that: &[u8] = b"";
    let mut i = 0;
    while i < b.len() {
        if !in_word(b[i]) {
            quotes += usize::from(b[i] == b'"');
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && in_word(b[i]) {
            i += 1;
        }
        let word = &b[start..i];
        let is = |w: &str| word.eq_ignore_ascii_case(w.as_bytes());
        let stem =
            |s: &str| word.len() >= s.len() && word[..s.len()].eq_ignore_ascii_case(s.as_bytes());
        if stem(STEMS[1]) {
            return Some("its message reports a deprecation");
        }
        // A count of warnings (`0 errors, 2 warnings`, `with 1 warning`) is a summary, not
        // one.
        let counted = start >= 2 && b[start - 1] == b' ' && b[start - 2].is_ascii_digit();
        let warned = is("warning") && !counted;
        // A timeout that happened, not one that is set (`timeout=30s`, `Timeout: 10`,
        // `--timeout 5`, `Setting socket timeout to 30 seconds`, `using a timeout of 60s`).
        let timed_out = is("timeout") && {
            let after = line[i..].trim_start();
            let next_word = after.split(' ').next().unwrap_or("");
            !matches!(b.get(i), Some(b'=' | b':'))
                && !after.starts_with(|c: char| c.is_ascii_digit())
                && !["to", "of", "is", "set", "for", "value"]
                    .iter()
                    .any(|w| next_word.eq_ignore_ascii_case(w))
                && !["set", "setting", "using", "with", "default", "a", "the"]
                    .iter()
                    .any(|w| before.eq_ignore_ascii_case(w.as_bytes()))
        };
        // An exception rendered as `Type: message` inside the text (`erä 1/30 epäonnistui
        // (JSONDecodeError: Expecting ',' delimiter)`): the type names a failure in any
        // language the message is written in.
        // A key named like one whose value is a flag or a count (`LastError: null`,
        // `retry on TimeoutError: true`) is a setting, not a failure.
        let exception_type = b.get(i) == Some(&b':')
            && word.first().is_some_and(u8::is_ascii_uppercase)
            && ["Error", "Exception"]
                .iter()
                .any(|t| word.len() > t.len() && word.ends_with(t.as_bytes()))
            && !scalar_value(&line[i + 1..]);
        let failure = warned
            || timed_out
            || exception_type
            || WORDS.iter().any(|w| is(w))
            || (stem(STEMS[0])
                && !["failover", "failsafe", "fail-safe", "failback", "fail-fast"]
                    .iter()
                    .any(|w| is(w)));
        // A word inside quotes is quoted text (a path, a request, a user's input), unless it
        // is the whole value of a field (the kernel's audit records: `apparmor="DENIED"`).
        let field_value =
            || start >= 2 && &b[start - 2..start] == b"=\"" && b.get(i) == Some(&b'"');
        if failure && (quotes.is_multiple_of(2) || field_value()) {
            let after = line[i..].trim_start_matches([' ', '"', '\'']);
            let after = match after.get(..5) {
                Some(c) if c.eq_ignore_ascii_case("count") => after[5..].trim_start_matches(' '),
                _ => after,
            };
            let none_before = NONE_BEFORE
                .iter()
                .any(|w| before.eq_ignore_ascii_case(w.as_bytes()));
            let none_after = NONE_AFTER.iter().any(|z| {
                after
                    .as_bytes()
                    .get(..z.len())
                    .is_some_and(|a| a.eq_ignore_ascii_case(z.as_bytes()))
            });
            if !none_before && !none_after {
                return Some(if warned { WARNED } else { FAILURE });
            }
        }
        if PHRASES
            .iter()
            .any(|(first, second)| before.eq_ignore_ascii_case(first.as_bytes()) && is(second))
            && !NONE_SUBJECT
                .iter()
                .any(|w| before_that.eq_ignore_ascii_case(w.as_bytes()))
        {
            return Some(FAILURE);
        }
        before_that = before;
        before = word;
    }
    None
}

/// The text after a key's colon is one flag and nothing more (`: true`, `: false}`). A
/// null stays a message: Java renders an exception without one as `NullPointerException:
/// null`; a number too (Python's `KeyError: 5`).
fn scalar_value(after: &str) -> bool {
    let value = after.trim_start_matches(' ');
    let end = value
        .find([',', ';', '}', ')', ']', ' '])
        .unwrap_or(value.len());
    let (token, rest) = value.split_at(end);
    ["true", "false"]
        .iter()
        .any(|w| token.trim_matches('"').eq_ignore_ascii_case(w))
        && (rest.is_empty() || !rest.starts_with(' '))
}

/// An access log's request line, `"GET /path?q=error HTTP/1.1"`: the method, one space, the
/// target, then the protocol (a message that names the protocol elsewhere, Puma's `HTTP
/// parse error ... bad protocol HTTP/1.0`, is not one).
pub fn is_request_line(line: &str) -> bool {
    static REQUEST: OnceLock<memchr::memmem::Finder<'static>> = OnceLock::new();
    let b = line.as_bytes();
    let request = REQUEST.get_or_init(|| memchr::memmem::Finder::new(b" HTTP/"));
    request.find_iter(b).any(|at| {
        let before = &b[..at];
        let open = before.iter().rposition(|&c| c == b'"').map_or(0, |i| i + 1);
        let inside = &before[open..];
        let method = inside.iter().take_while(|c| c.is_ascii_uppercase()).count();
        method >= 3 && inside.get(method) == Some(&b' ') && !inside[method + 1..].contains(&b' ')
    })
}

/// A request method HTTP defines (RFC 9110).
fn is_http_method(word: &str) -> bool {
    matches!(
        word,
        "GET" | "POST" | "PUT" | "DELETE" | "PATCH" | "HEAD" | "OPTIONS" | "CONNECT" | "TRACE"
    )
}

/// A place in source that ends with its line's number: uWSGI's `core/socket.c line 769`,
/// Unity's `Assets/X.cs line 16` (both in brackets after a message).
pub fn ends_with_line_number(place: &str) -> bool {
    place
        .rsplit_once(" line ")
        .is_some_and(|(_, n)| !n.is_empty() && n.bytes().all(|c| c.is_ascii_digit()))
}

/// A server's access line: a request line followed by its response's status (`"GET
/// /a.gif HTTP/1.1" 200 -`), not a message that quotes a request.
pub fn is_access_line(line: &str) -> bool {
    access_status(line).is_some()
}

/// The status after an access line's request (see [`is_access_line`]): the method before
/// the target, the protocol's version, a closing quote if any, one space, then the status's
/// bytes (and what follows them). Or the status column of a request line drawn as a table
/// (see [`table_access_status`]).
fn access_status(line: &str) -> Option<&[u8]> {
    let b = line.as_bytes();
    memchr::memmem::find_iter(b, b" HTTP/")
        .find_map(|at| {
            let before = &line[..at];
            let path = before.rfind(' ')?;
            let method = before[..path].rsplit(['"', ' ']).next().unwrap_or("");
            if !is_http_method(method) {
                return None;
            }
            let after = &b[at + 6..];
            let version = after
                .iter()
                .take_while(|c| c.is_ascii_digit() || **c == b'.')
                .count();
            let rest = &after[version..];
            let rest = rest.strip_prefix(b"\"").unwrap_or(rest);
            let status = rest.strip_prefix(b" ")?;
            (status.len() >= 3
                && status[..3].iter().all(u8::is_ascii_digit)
                && status.get(3).is_none_or(|c| !c.is_ascii_alphanumeric()))
            .then_some(status)
        })
        .or_else(|| table_access_status(line))
}

/// A request line whose columns a web framework's default logger separates with ` | `:
/// Gin's `[GIN] 2025/07/24 - 18:43:56 | 500 | 30.0s | 127.0.0.1 | POST "/api/generate"`,
/// Fiber's `12:00:00 | 500 | 1ms | 127.0.0.1 | GET | /api | -`. A column that is a status
/// (three digits, 1xx to 5xx) and a column that is a method, alone or before its path.
fn table_access_status(line: &str) -> Option<&[u8]> {
    const MIN_COLUMNS: usize = 4;
    // Stops at the fourth column's bar.
    memchr::memmem::find_iter(line.as_bytes(), b" | ").nth(MIN_COLUMNS - 2)?;
    let mut status = None;
    let mut method = false;
    for column in line.split('|') {
        let t = column.trim();
        let b = t.as_bytes();
        if status.is_none()
            && b.len() == 3
            && b.iter().all(u8::is_ascii_digit)
            && (b'1'..=b'5').contains(&b[0])
        {
            status = Some(b);
        } else if !method {
            let word = t.split([' ', '\t']).next().unwrap_or("");
            let rest = t[word.len()..].trim_start();
            method = is_http_method(word)
                && (rest.is_empty() || rest.starts_with('/') || rest.starts_with("\"/"));
        }
    }
    status.filter(|_| method)
}

/// Sets an inferred level on an event that has none, from what its message and stack
/// state. Both event constructors (text records, structured records) end with it.
pub fn infer_missing(ev: &mut crate::event::Event<'_>) {
    if ev.level.is_some() {
        return;
    }
    let found = match ev.stack.as_deref() {
        Some(stack) => infer(&[&ev.message, stack], ev.error_type.is_some()),
        None => infer(&[&ev.message], ev.error_type.is_some()),
    };
    // A structured record that carries an error under its error key and states no level:
    // go-kit's `logger.Log("err", err)` writes no level at all (Flux, Prometheus before its
    // levels, Thanos); the error is reported, so it is at least a warning.
    let found = found.or_else(|| {
        ev.error_message
            .as_deref()
            .filter(|e| !is_empty_value(e))
            .map(|_| (Level::Warning, "its record carries an error"))
    });
    if let Some((level, reason)) = found {
        ev.level = Some(level);
        ev.level_inferred = Some(reason);
    }
}

/// The severity letter of an IBM message identifier opening one of a record's first lines:
/// a component prefix, a number and `I`nformational, `A`udit, `W`arning, `E`rror,
/// `S`evere or `T`erminating, then a colon (IBM MQ's `AMQ6184W: An internal IBM MQ error
/// has occurred`, WebSphere's `CWWKZ0013E: ...`), as IBM documents its message IDs.
pub fn message_id_level(text: &str) -> Option<Level> {
    text.lines().take(12).find_map(|line| {
        let b = line.as_bytes();
        let letters = b.iter().take_while(|c| c.is_ascii_uppercase()).count();
        if !(3..=5).contains(&letters) {
            return None;
        }
        let digits = b[letters..]
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .count();
        if !(3..=5).contains(&digits) || b.get(letters + digits + 1) != Some(&b':') {
            return None;
        }
        Some(match b[letters + digits] {
            b'I' | b'A' => Level::Info,
            b'W' => Level::Warning,
            b'E' | b'S' => Level::Error,
            b'T' => Level::Fatal,
            _ => return None,
        })
    })
}

/// bash's message for an error in a script: the script's name, `line N`, the message.
pub fn is_shell_error(text: &str) -> bool {
    // A shell that cannot find a command: `sh: locale: not found` (ash, dash's `sh: 1: x:
    // not found`), `bash: x: command not found`.
    let first = text.lines().next().unwrap_or("").trim_end();
    let program = first.split(": ").next().unwrap_or("");
    let shell = matches!(
        program.rsplit('/').next().unwrap_or(""),
        "sh" | "bash" | "ash" | "dash" | "zsh"
    );
    if shell && (first.ends_with(": not found") || first.ends_with(": command not found")) {
        return first.split(": ").count() >= 3;
    }
    let Some((name, rest)) = text.split_once(": line ") else {
        return false;
    };
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    !name.is_empty()
        && !name.contains(' ')
        && digits > 0
        && rest[digits..].starts_with(": ")
        && rest.len() > digits + 2
}

/// The text the C library gives a failed system call's error number (glibc's `strerror`;
/// Go writes the same texts in lower case): the most common ones.
const SYSTEM_ERRORS: [&str; 24] = [
    "No such file or directory",
    "Permission denied",
    "Connection refused",
    "Address already in use",
    "Cannot allocate memory",
    "No space left on device",
    "Too many open files",
    "Broken pipe",
    "Connection reset by peer",
    "Connection timed out",
    "Operation not permitted",
    "Is a directory",
    "Not a directory",
    "File exists",
    "Resource temporarily unavailable",
    "Network is unreachable",
    "No route to host",
    "Read-only file system",
    "Device or resource busy",
    "Input/output error",
    "Bad file descriptor",
    "Directory not empty",
    "Text file busy",
    "Disk quota exceeded",
];

/// A program's report of a failed system call, as `perror(3)` and `err(3)` write it: the
/// program's name, a colon, what failed, and the error's text last (`mkdir: ./upload:
/// No such file or directory`, `cat: can't open '/x': No such file or directory`). A
/// relay's key (`stderr: ...`, `msg: ...`) is not a program's name.
fn is_system_error_report(text: &str) -> bool {
    let line = text.lines().next().unwrap_or("").trim_end();
    // uWSGI's `uwsgi_error()` adds where it was called: `bind(): Address already in use
    // [core/socket.c line 769]`.
    let line = match line.rsplit_once(" [") {
        Some((report, place)) if place.strip_suffix(']').is_some_and(ends_with_line_number) => {
            report
        }
        _ => line,
    };
    let Some((name, _)) = line.split_once(": ") else {
        return false;
    };
    let relay_key = matches!(
        name,
        "msg" | "message" | "stderr" | "stdout" | "output" | "reason" | "detail" | "cause"
    );
    // The error's text last, after `: ` (perror) or `] ` (Python's `[Errno 2] `).
    let tail = |e: &str| {
        let cut = line.len().saturating_sub(e.len());
        cut > 0
            && line.get(cut..).is_some_and(|t| t.eq_ignore_ascii_case(e))
            && (line[..cut].ends_with(": ") || line[..cut].ends_with("] "))
    };
    (1..=64).contains(&name.len())
        && !name.contains(' ')
        && !relay_key
        && SYSTEM_ERRORS.iter().any(|e| tail(e))
}

/// HTTP's reason phrases for the client's (4xx) and the server's (5xx) failures (RFC 9110).
const CLIENT_ERRORS: [&str; 24] = [
    "Bad Request",
    "Unauthorized",
    "Payment Required",
    "Forbidden",
    "Not Found",
    "Method Not Allowed",
    "Not Acceptable",
    "Request Timeout",
    "Conflict",
    "Gone",
    "Length Required",
    "Precondition Failed",
    "Request Entity Too Large",
    "Payload Too Large",
    "Content Too Large",
    "Unsupported Media Type",
    "Range Not Satisfiable",
    "Expectation Failed",
    "Misdirected Request",
    "Unprocessable Entity",
    "Unprocessable Content",
    "Locked",
    "Precondition Required",
    "Too Many Requests",
];
const SERVER_ERRORS: [&str; 6] = [
    "Internal Server Error",
    "Not Implemented",
    "Bad Gateway",
    "Service Unavailable",
    "Gateway Timeout",
    "HTTP Version Not Supported",
];

/// Django's `django.request` line for a failed response, which it logs at WARNING for a
/// 4xx and at ERROR for a 5xx: the reason phrase, `: `, the path (`Not Found: /favicon.ico`,
/// `Forbidden (CSRF token missing.): /submit/`). Under runserver's bare `%(message)s` the
/// level is not written.
pub fn django_response(text: &str) -> Option<Level> {
    let line = text.lines().next()?;
    let (reason, path) = line.split_once(": ")?;
    if !path.starts_with('/') || path.contains(' ') {
        return None;
    }
    let reason = match reason.split_once(" (") {
        Some((r, detail)) if detail.ends_with(')') => r,
        _ => reason,
    };
    if CLIENT_ERRORS.contains(&reason) {
        Some(Level::Warning)
    } else if SERVER_ERRORS.contains(&reason) {
        Some(Level::Error)
    } else {
        None
    }
}

/// A request line answered with a 5xx status, which HTTP defines as the server's failure
/// (RFC 9110, 15.6): `"GET /x HTTP/1.1" 500 2326` in an access log that writes no level
/// (Common Log Format, a framework's request line).
fn server_error_response(text: &str) -> bool {
    let first = text.lines().next().unwrap_or("");
    let b = first.as_bytes();
    // uWSGI's request log: `[pid: 1|app: 0|req: 2/3] ... POST /x => generated 2063 bytes in
    // 6 msecs (HTTP/1.1 500) 6 headers in 215 bytes ...`.
    if first.starts_with("[pid: ")
        && let Some(at) = memchr::memmem::find(b, b" msecs (HTTP/")
    {
        let after = &b[at + 13..];
        let version = after
            .iter()
            .take_while(|c| c.is_ascii_digit() || **c == b'.')
            .count();
        if after[version..]
            .strip_prefix(b" ")
            .is_some_and(|status| is_5xx(status) && status.get(3) == Some(&b')'))
        {
            return true;
        }
    }
    if next_js_request_status(first).is_some_and(|status| is_5xx(status.as_bytes())) {
        return true;
    }
    access_status(first).is_some_and(is_5xx)
}

/// Rails' line that ends a request answered with a 5xx status: `Completed 500 Internal
/// Server Error in 12ms` (after the request's tags, if any).
fn rails_server_error(text: &str) -> bool {
    let first = text.lines().next().unwrap_or("");
    let Some(at) = memchr::memmem::find(first.as_bytes(), b"Completed 5") else {
        return false;
    };
    let status = &first.as_bytes()[at + "Completed ".len()..];
    is_5xx(status)
        && status.get(3) == Some(&b' ')
        && status.get(4).is_some_and(u8::is_ascii_uppercase)
        && (at == 0 || first.as_bytes()[at - 1] == b' ')
}

/// An HTTP status of the 5xx class opens `status`, with nothing of a word right after it.
fn is_5xx(status: &[u8]) -> bool {
    status.len() >= 3
        && status[0] == b'5'
        && status[1..3].iter().all(u8::is_ascii_digit)
        && status.get(3).is_none_or(|c| !c.is_ascii_alphanumeric())
}

/// Rails' report of an exception a request raised: `Class::Name (message):` over the
/// backtrace's `file.rb:N:in 'method'` frames (ActionDispatch's DebugExceptions).
fn is_rails_exception(parts: &[&str]) -> bool {
    let Some(first) = parts.first().and_then(|p| p.lines().next()) else {
        return false;
    };
    is_rails_exception_line(first)
        && parts
            .iter()
            .any(|p| ruby_source_line(p) && (p.contains(":in `") || p.contains(":in '")))
}

/// The line Rails' `DebugExceptions` logs over a backtrace: the exception's class, then its
/// message in parentheses (`ActionController::RoutingError (No route matches [GET] "/x"):`;
/// Rails 7 leaves the colon out).
pub fn is_rails_exception_line(line: &str) -> bool {
    let first = line.trim();
    let Some((class, rest)) = first.split_once(" (") else {
        return false;
    };
    let constant = |c: &str| {
        c.starts_with(|ch: char| ch.is_ascii_uppercase())
            && c.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
    };
    (rest.ends_with("):") || rest.ends_with(')'))
        && !class.is_empty()
        && class.split("::").all(constant)
}

/// A message over the indented frames of a Ruby backtrace, as `Exception#full_message`
/// and the frameworks that print `e.backtrace.join("\n\t")` under their own line
/// (Sinatra's `dump_errors!`, Rack's `ShowExceptions`) write it: two frames or more.
fn ruby_backtrace(parts: &[&str]) -> bool {
    parts
        .iter()
        .flat_map(|p| p.lines())
        .skip(1)
        .filter(|l| is_ruby_frame_line(l))
        .nth(1)
        .is_some()
}

/// An indented frame of a Ruby backtrace (see [`is_ruby_frame`]): `\t/app/app.rb:294:in
/// 'block in <class:App>'`, `from` before it when the interpreter prints it.
pub fn is_ruby_frame_line(line: &str) -> bool {
    let frame = line.trim_start();
    frame.len() < line.len() && is_ruby_frame(frame.strip_prefix("from ").unwrap_or(frame))
}

/// A frame of a Ruby backtrace: a path with no spaces, its line, then `:in` and the method
/// quoted (``in `m'`` before Ruby 3.4, `in 'm'` since): `app/jobs/x.rb:62:in 'block in
/// X#find'`, a script without the `.rb` too (`bin/bundle:23:in 'load'`).
pub fn is_ruby_frame(text: &str) -> bool {
    let Some(at) = text.find(":in `").or_else(|| text.find(":in '")) else {
        return false;
    };
    let place = &text[..at];
    let digits = place.bytes().rev().take_while(u8::is_ascii_digit).count();
    digits > 0 && place[..at - digits].ends_with(':') && !place.contains(' ')
}

/// A line of a Ruby backtrace names a Ruby file or a template Rails compiles to Ruby
/// (`app/views/home.html.erb:160:in ...`).
fn ruby_source_line(text: &str) -> bool {
    [".rb:", ".erb:", ".haml:", ".slim:", ".builder:"]
        .iter()
        .any(|ext| text.contains(ext))
}

/// Ruby's report of an uncaught exception: `file.rb:12:in 'method': message (Class)`.
pub fn is_ruby_crash(text: &str) -> bool {
    let first = text.lines().next().unwrap_or("");
    first.contains(".rb:")
        && first.contains(":in ")
        && first.trim_end().ends_with(')')
        && (first.contains("': ") || first.contains("`: "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_letter_among_ids_in_the_header_bracket() {
        // Ray's spdlog pattern `[%Y-%m-%d %H:%M:%S,%e %L %P %t]`.
        for (line, level) in [
            (
                "[2024-05-25 19:43:26,117 W 20500 20504] (raylet.exe) memory_monitor.cc:67: Not running MemoryMonitor.",
                Some(Level::Warning),
            ),
            (
                "[2024-05-25 19:43:26,112 I 20500 20504] (raylet.exe) grpc_server.cc:134: started",
                Some(Level::Info),
            ),
            // Not ids: a word after the letter.
            ("[2024-05-25 19:43:26,112 I am here] started", None),
            // Asterisk: the level, then its thread's (and call's) ids.
            (
                "[2026-03-18 13:22:23] NOTICE[1]: res_statsd.c:399 load_module: Could not load statsd config; using defaults",
                Some(Level::Notice),
            ),
            (
                "[2026-03-18 13:22:23] WARNING[4521][C-00000012]: chan_sip.c:1 x: y",
                Some(Level::Warning),
            ),
        ] {
            assert_eq!(crate::input::text::parse_event(line).level, level, "{line}");
        }
    }

    use crate::input::text::written_level;

    #[test]
    fn wine_debug_classes() {
        for (line, level) in [
            (
                "0054:err:vulkan:vulkan_init_once Failed to load libvulkan.so.1",
                Some(Level::Error),
            ),
            (
                "0150:fixme:ntdll:EtwEventSetInformation (deadbeef, 2, 00007F80828C5D98, 34) stub",
                Some(Level::Warning),
            ),
            (
                "0024:0028:warn:seh:dispatch_exception x",
                Some(Level::Warning),
            ),
            ("trace:file:CreateFileW x", Some(Level::Debug)),
            // Not one of Wine's classes.
            ("0054:info:x y", None),
        ] {
            assert_eq!(written_level(line), level, "{line}");
        }
    }

    #[test]
    fn make_and_the_compiler_stopping_a_build() {
        for (line, level) in [
            (
                "make[2]: *** [scripts/Makefile.build:244: r8125_n.o] \u{41e}\u{448}\u{438}\u{431}\u{43a}\u{430} 1",
                Some(Level::Error),
            ),
            (
                "make: *** No rule to make target 'x'.  Stop.",
                Some(Level::Error),
            ),
            (
                "cc1: some warnings being treated as errors",
                Some(Level::Error),
            ),
            (
                "cc1plus: warning: command-line option '-Wx' is valid for C",
                Some(Level::Warning),
            ),
            ("make: Entering directory '/usr/src/linux'", None),
            ("makes: *** x", None),
        ] {
            assert_eq!(written_level(line), level, "{line}");
        }
        // Refusing a client is a failure in words.
        assert!(
            warning_in_words("Refusing connection for address (IP ADDR:({1.2.3.4:49770})), username (x). PasswordMissing")
                .is_some()
        );
    }

    #[test]
    fn an_exit_with_a_failure_status() {
        for line in [
            "Process 5555 has exited with status 1",
            "exit status 2",
            "Command '['make']' returned non-zero exit status 2.",
            "worker exited with code 137",
            "build step failed, exit code: 1",
        ] {
            assert!(failed_exit(line), "{line}");
        }
        for line in [
            "Process 5555 has exited with status 0",
            "Process exited with status 143",
            "exit status 1a",
            "exit code 00",
            "the exit is closed",
        ] {
            assert!(!failed_exit(line), "{line}");
        }
    }

    #[test]
    fn a_bracketed_letter_after_the_caller() {
        for (line, level) in [
            (
                "modules/git/git.go:146:InitSimple() [W] git module has been initialized already",
                Level::Warning,
            ),
            (
                "cmd/web.go:206:serveInstalled() [I] PING DATABASE postgres",
                Level::Info,
            ),
            ("routers/init.go:80:GlobalInit() [E] failed", Level::Error),
        ] {
            assert_eq!(
                header_level(line, true).map(|f| f.level),
                Some(level),
                "{line}"
            );
        }
        assert_eq!(
            header_level("see notes [W] here", true).map(|f| f.level),
            None
        );
    }

    #[test]
    fn failure_stated_in_words_is_a_warning() {
        for line in [
            "dovecot_login authenticator failed for ([1.2.3.5]) [1.2.3.4]:55379: 535 Incorrect",
            "Invalid user webmaster from 173.234.31.186",
            "client @0x7f65 1.2.3.4#3076 (example.com): query (cache) 'example.com/ANY/IN' denied",
            "Could not connect to db: connection refused",
            "lookup(file): lookup for foobar failed",
            "无效token error",
            "H=test.com [1.2.3.4]:53343 rejected RCPT <a@b.c>: \"JunkMail rejected\"",
            "Auth: (4238) Login incorrect (eap: rlm_eap (EAP): No EAP session matching state)",
            "127.0.1.1 (192.168.124.180[192.168.124.180]): SECURITY VIOLATION: Root login attempted",
            "md/raid:md0: raid level 5 active with 2 out of 3 devices, algorithm 2: degraded",
            "spa.alsa: hw:1,0p: Channels doesn't match (requested 64, got 2)",
            "BlueZ system service is not available",
            "monitor: [unexpected] network state changed, but stringification didn't",
            "igor001/83.22.155.85:52937 [igor001] Inactivity timeout (--ping-restart), restarting",
            "HTTP Token not found for secrets group secret-grp1",
            // The whole value of a field, not quoted text.
            "audit: type=1400 apparmor=\"DENIED\" operation=\"capable\" profile=\"x\"",
        ] {
            assert!(warning_in_words(line).is_some(), "{line}");
            assert_eq!(
                infer(&[line], false),
                Some((Level::Warning, "its message reports a failure")),
                "{line}"
            );
        }
        for line in [
            "Build finished: 0 errors, 0 warnings",
            "sync done failed=0 ok=12",
            "rocksdb: Options.error_if_exists: 0",
            "Rendering rescues/layout (internal_server_error)",
            "1.2.3.4 - - [01/Jan/2024:10:00:00 +0000] \"GET /error/failed.html HTTP/1.1\" 404 12",
            "failover to replica b complete",
            "Started x.service.",
            "无效",
            "grep -q \"BUILD FAILED\" build.out && echo retry",
            "Terminal error count: 0",
            // A timeout that is set, not one that happened.
            "timeout=60s",
            "Timeout: 75",
            "starting worker with --timeout 30",
            "Session timeout 300 seconds",
            "Setting socket timeout to 30 seconds",
            "Using a timeout of 60s for health checks",
            // A count of warnings; a failure denied.
            "Build finished with 1 warning",
            "md0: array is not degraded",
            "audit: msg=\"the request was denied by policy\"",
        ] {
            assert!(warning_in_words(line).is_none(), "{line}");
        }
        // The word itself; not a count of them.
        assert_eq!(
            warning_in_words("        SECURITY WARNING: No secret option provided"),
            Some("its message says it is a warning")
        );
        assert_eq!(warning_in_words("Build finished with 3 warnings"), None);
        assert!(warning_in_words("Warning: disk almost full").is_some());
        assert!(warning_in_words("upstream connection timeout while reading").is_some());
        // What is said of a thing, not its adjective.
        assert!(
            warning_in_words(
                "The referenced script on this Behaviour (Game Object 'X') is missing!"
            )
            .is_some()
        );
        assert_eq!(
            warning_in_words("kid1| Creating missing swap directories"),
            None
        );
        // Said of none of them, or a key whose value is a flag or a null: no failure.
        assert_eq!(
            warning_in_words("checked 12 modules, none are missing"),
            None
        );
        assert_eq!(warning_in_words("Sync state: LastError: false"), None);
        // Java's rendering of an exception without a message is still a failure.
        assert!(warning_in_words("Upload failed: null").is_some());
        assert!(warning_in_words("Task 17 ended with NullPointerException: null").is_some());
        assert_eq!(
            warning_in_words("policy: retry on TimeoutError: true, max 3"),
            None
        );
        assert_eq!(warning_in_words("status={LastError: false}"), None);
        // A type that names a failure, then its message, is one.
        assert!(warning_in_words("step 3 (KeyError: 5)").is_some());
        assert!(warning_in_words("two files are missing").is_some());
        assert_eq!(
            infer(
                &["Flag --port has been deprecated, see --secure-port instead."],
                false
            ),
            Some((Level::Warning, "its message reports a deprecation"))
        );
    }

    #[test]
    fn a_lower_case_level_after_a_bracketed_tag() {
        assert_eq!(
            header_level(
                "DON'T PANIC! Read https://docs.clamav.net/manual/Installing.html",
                true
            ),
            None
        );
        // capnslog's letter before ` | `.
        let level = |rest: &str| header_level(rest, true).map(|f| f.level);
        assert_eq!(
            level("E | clusterdisruption-controller: seems to be deleted"),
            Some(Level::Error)
        );
        assert_eq!(
            level("N | etcdserver/membership: set the initial cluster version"),
            Some(Level::Notice)
        );
        assert_eq!(
            level("I | op-k8sutil: removing deployment"),
            Some(Level::Info)
        );
        assert_eq!(
            prefix_level("[libretro WARN] [FindBIOSImageInDirectory] Skipping 'x.ini'"),
            Some((Level::Warning, 15))
        );
        assert_eq!(
            prefix_level("[libretro ERROR] [ReportError] No BIOS"),
            Some((Level::Error, 16))
        );
        assert_eq!(prefix_level("[some thing] x"), None);
        assert_eq!(prefix_level("[a ] x"), None);
        // One letter names a level only where a format defines it: not in a bracket.
        assert_eq!(prefix_level("[Part C] Configuring network"), None);
        assert_eq!(
            prefix_level(
                "[ParallelWebappClassLoader@77aad23b] warning javax.* types are not being woven"
            ),
            Some((Level::Warning, 44))
        );
        assert_eq!(
            prefix_level("[AppClassLoader@1b6d3586] error at com/x/Aspect.java::0"),
            Some((Level::Error, 31))
        );
        assert_eq!(prefix_level("[main] errors were fixed"), None);
        assert_eq!(
            prefix_level("[IPKernelApp] ERROR | Exception in message handler:"),
            Some((Level::Error, 19))
        );
        assert_eq!(
            prefix_level("[IPKernelApp] WARNING | No such comm target registered: x"),
            Some((Level::Warning, 21))
        );
        assert_eq!(prefix_level("[main] error"), None);
    }

    #[test]
    fn long_bracketed_fields_are_one_field() {
        // log4j's `[%t]` with a long thread name, nested brackets and spaces: one field,
        // the level after it is read (Flink's source coordinator threads).
        let line = format!(
            "[{} -> Calc(select=[id AS a])] [org.x.Y] [WARN] x",
            "a".repeat(130)
        );
        assert_eq!(
            header_level(&line, true).map(|f| f.level),
            Some(Level::Warning)
        );
        // Past the field's bound it is words again, and the header's bytes run out.
        let line = format!("[{}] [WARN] x", "a ".repeat(150));
        assert_eq!(header_level(&line, true), None);
        let open = format!("[{}", "b".repeat(200));
        assert_eq!(prefix_level(&open), None);
    }

    #[test]
    fn celery_and_node_inspect_shapes() {
        assert_eq!(
            prefix_level(
                "[WARNING/MainProcess] /site-packages/celery/worker.py:507: CPendingDeprecationWarning:"
            ),
            Some((Level::Warning, 21))
        );
        assert_eq!(
            prefix_level("[Server thread/INFO]: Done"),
            Some((Level::Info, 21))
        );
        let inspect = "{ Error: listen EADDRINUSE: address already in use :::5000";
        let frames = "    at Server.setupListenHandle [as _listen2] (net.js:1279:14)\n    at listenInCluster (net.js:1327:12)\n  code: 'EADDRINUSE' }";
        assert_eq!(
            infer(&[inspect, frames], false),
            Some((Level::Error, "an exception with a stack trace"))
        );
    }

    #[test]
    fn rails_exceptions_are_inferred_errors() {
        let text = " ActionController::RoutingError (No route matches [GET] \"/settings\"):\n  \n  actionpack (5.1.4) lib/action_dispatch/middleware/debug_exceptions.rb:63:in `call'";
        assert_eq!(
            infer(&[text], false),
            Some((Level::Error, "a Rails exception with its backtrace"))
        );
        assert_eq!(infer(&["Started GET (x):"], false), None);
        // Rails 7 leaves the colon out, and its frames are not indented.
        let rails7 = "ActionController::RoutingError (No route matches [GET] \"/contact\")\nconfig/initializers/100-quiet_logger.rb:20:in `call'";
        assert_eq!(infer(&[rails7], false).map(|x| x.0), Some(Level::Error));
        // A template's error: its backtrace names the template.
        let template = "ActionView::Template::Error (theme/avatar.png isn't precompiled):\n    160:   <%= image_tag \"theme/avatar.png\" %>\n  app/views/static_pages/home.html.erb:160:in `_app_views_home'";
        assert_eq!(infer(&[template], false).map(|x| x.0), Some(Level::Error));
        assert_eq!(
            infer(
                &["Processing by UsersController#show (json):\n  a.rb:1:in `x'"],
                false
            ),
            None
        );
    }

    #[test]
    fn ibm_message_ids_carry_their_severity() {
        let block = "11.10.2018 10:39:30 - Process(9884.1) User(felix)\n     Host(X)\n\nAMQ6184W: An internal IBM MQ error has occurred.\n";
        assert_eq!(message_id_level(block), Some(Level::Warning));
        assert_eq!(
            message_id_level("CWWKZ0013E: It is not possible"),
            Some(Level::Error)
        );
        assert_eq!(
            message_id_level("AMQ7125I: There are 90 days left"),
            Some(Level::Info)
        );
        assert_eq!(message_id_level("HTTP200X: no"), None);
        assert_eq!(message_id_level("ABC123E no colon"), None);
        assert_eq!(message_id_level("ERRORS1234E: too many letters"), None);
    }

    fn level(rest: &str, after_ts: bool) -> Option<Level> {
        header_level(rest, after_ts).map(|f| f.level)
    }

    #[test]
    fn header_tokens_of_many_conventions() {
        let cases: [(&str, bool, Option<Level>); 26] = [
            ("ERROR [main] c.e.Foo - boom", true, Some(Level::Error)),
            ("[warning  ] bar    x=42", true, Some(Level::Warning)),
            ("local.ERROR: Target class", false, Some(Level::Error)),
            (
                "\terror\tinternal/queue_sender.go:128\tExporting failed.",
                false,
                Some(Level::Error),
            ),
            ("\tinfo\tMetrics\t{}", false, Some(Level::Info)),
            ("PDT [12389] ERROR:  relation", false, Some(Level::Error)),
            ("PDT [12389] LOG:  statement", false, Some(Level::Info)),
            ("PDT [12389] STATEMENT:  SELECT", false, Some(Level::Info)),
            (
                "0 [Warning] [MY-010068] [Server] CA",
                false,
                Some(Level::Warning),
            ),
            (
                "[core:error] [pid 35708] AH00126",
                false,
                Some(Level::Error),
            ),
            ("148 INFO dfs.DataNode: x", false, Some(Level::Info)),
            ("error connecting to db", true, Some(Level::Error)),
            (
                "I CONTROL  [initandlisten] git version: 0095",
                true,
                Some(Level::Info),
            ),
            (
                "E STORAGE  [conn3] WiredTiger error",
                true,
                Some(Level::Error),
            ),
            ("I am here", true, None),
            (
                "1702  2395 D WindowManager: printFreezingDisplayLogs",
                true,
                Some(Level::Debug),
            ),
            (
                "1702  8671 E AndroidRuntime: FATAL EXCEPTION: main",
                true,
                Some(Level::Error),
            ),
            (
                "DEBUG/MainProcess] | Worker: Preparing bootsteps.",
                true,
                Some(Level::Debug),
            ),
            ("HTTP/1.1 GET /x", false, None),
            (
                "[Server thread/WARN]: Can't keep up!",
                true,
                Some(Level::Warning),
            ),
            (
                "- error: uncaughtException: Unexpected identifier",
                true,
                Some(Level::Error),
            ),
            (
                "warning/PluginNotificationTask: Notification command",
                true,
                Some(Level::Warning),
            ),
            // Prose mentions a level; it is not a header field.
            ("request failed with an error", true, None),
            ("the Error was handled", false, None),
            ("GET /x HTTP/1.1 404", false, None),
            ("LOG the thing", false, None),
        ];
        for (rest, after_ts, want) in cases {
            assert_eq!(level(rest, after_ts), want, "{rest:?}");
        }
    }

    #[test]
    fn a_level_inside_a_token_leaves_the_rest_to_the_message() {
        let f = header_level("DEBUG:Hello, World!", true).unwrap();
        assert_eq!(
            (f.level, &"DEBUG:Hello, World!"[f.end..]),
            (Level::Debug, "Hello, World!")
        );
        let f = header_level("local.ERROR: Target class", false).unwrap();
        assert_eq!(&"local.ERROR: Target class"[f.end..], " Target class");
        assert_eq!(prefix_level("ERROR:root:disk low"), Some((Level::Error, 6)));
    }

    #[test]
    fn whole_line_prefixes() {
        let p = |l: &str| prefix_level(l).map(|x| x.0);
        assert_eq!(
            p("E0517 15:04:22.619632 1952452992 x.cc:253] m"),
            Some(Level::Error)
        );
        assert_eq!(
            p("W0517 15:04:22.619751    2452992 x.cc:263] m"),
            Some(Level::Warning)
        );
        assert_eq!(
            p("E, [2024-01-01T10:00:00.123 #42] ERROR -- app: x"),
            Some(Level::Error)
        );
        assert_eq!(
            p("<11>Oct 11 22:14:15 mymachine su: 'su root' failed"),
            Some(Level::Error)
        );
        assert_eq!(
            p("<165>1 2003-10-11T22:14:15.003Z host app - - x"),
            Some(Level::Notice)
        );
        assert_eq!(
            p("PHP Fatal error:  Uncaught Exception: x"),
            Some(Level::Fatal)
        );
        assert_eq!(
            p("PHP Warning:  Undefined variable $x"),
            Some(Level::Warning)
        );
        assert_eq!(
            p("nginx: [emerg] bind() to 0.0.0.0:80 failed (98: Address already in use)"),
            Some(Level::Fatal)
        );
        assert_eq!(
            p("nginx: [warn] the \"user\" directive makes sense only if the master process runs"),
            Some(Level::Warning)
        );
        assert_eq!(p("note: [1] see above"), None);
        // A deprecation is a warning: PHP's label, MediaWiki's `[deprecated]` channel.
        assert_eq!(
            p("PHP Deprecated:  Function create_function() is deprecated in x.php on line 3"),
            Some(Level::Warning)
        );
        assert_eq!(
            p("[deprecated] Use of wfMsg was deprecated in MediaWiki 1.21."),
            Some(Level::Warning)
        );
        assert_eq!(
            p("PHP Strict Standards:  Non-static method"),
            Some(Level::Notice)
        );
        assert_eq!(p("WARNING:root:disk low"), Some(Level::Warning));
        assert_eq!(p("ERROR something bad"), Some(Level::Error));
        assert_eq!(p("[WARN] careful"), Some(Level::Warning));
        assert_eq!(p("Error handling is described below"), None);
        assert_eq!(p("fail: WorkflowEngine.Startup[0]"), Some(Level::Error));
        assert_eq!(
            p("warn: 5/6/2024 15:19:13.336 CoreEventId"),
            Some(Level::Warning)
        );
        assert_eq!(p("error: pathspec 'x' did not match"), Some(Level::Error));
        assert_eq!(p("errors: 0"), None);
        assert_eq!(p("information/Notification: x"), None);
        assert_eq!(p("Exception in thread \"main\" java.lang.X"), None);
        assert_eq!(p("I am the actual vdsm"), None);
    }

    #[test]
    fn inferred_only_from_what_runtimes_print() {
        let i = |t: &str| infer(&[t], false).map(|x| x.0);
        // The dynamic linker and libstdc++'s terminate handler: lines of their own.
        for line in [
            "/usr/sbin/mysqld: symbol lookup error: /usr/sbin/mysqld: undefined symbol: SSL_library_init",
            "node: error while loading shared libraries: libnode.so.72: cannot open shared object file: No such file or directory",
            "terminate called after throwing an instance of 'std::runtime_error'",
            "pure virtual method called",
        ] {
            assert_eq!(i(line), Some(Level::Error), "{line}");
            assert_eq!(opens(line), Opens::Record, "{line}");
        }
        assert_eq!(opens("the build: symbol lookup error: x"), Opens::No);
        assert_eq!(opens("Process SpawnProcess-1:"), Opens::Record);
        assert_eq!(opens("Process exited with code 1:"), Opens::No);
        assert_eq!(
            i("loki-compose_loki_1 exited with code 1"),
            Some(Level::Error)
        );
        assert_eq!(i("loki-compose_loki_1 exited with code 0"), None);
        assert_eq!(
            i(
                "[17-Oct-2023 10:00:00]  [pool www] pid 4242\nscript_filename = /var/www/x.php\n[0x00007f] curl_exec() /var/www/x.php:12"
            ),
            Some(Level::Warning)
        );
        // A state is not a failure: the kernel logs `NIC Link is Down` at KERN_INFO.
        assert_eq!(i("e1000e: eth0 NIC Link is Down"), None);
        let uwsgi = "[pid: 15059|app: 0|req: 2/3] 81.69.101.193 () {38 vars in 716 bytes} [Fri Feb 17 06:15:16 2023] POST /config/ => generated 145 bytes in 3021 msecs (HTTP/1.1 500) 5 headers in 157 bytes (1 switches on core 0)";
        assert_eq!(i(uwsgi), Some(Level::Error));
        assert_eq!(i(&uwsgi.replace("1.1 500", "1.1 404")), None);
        // An access log's request line states nothing; a message naming the protocol does.
        assert_eq!(
            i("10.0.0.1 - - [05/Feb/2026:02:19:37 +0300] \"GET /error?denied=1 HTTP/1.1\" 200 12"),
            None
        );
        assert_eq!(i("GET /api/failed HTTP/1.1 200"), None);
        assert_eq!(
            i(
                "HTTP parse error, malformed request (\"GET /index.php\" - (127.0.0.1)): #<Puma::HttpParserError: Invalid HTTP format, parsing fails. Bad protocol HTTP/1.0>"
            ),
            Some(Level::Warning)
        );
        assert_eq!(
            i("bind(): Address already in use [core/socket.c line 769]"),
            Some(Level::Error)
        );
        assert_eq!(
            i("Traceback (most recent call last):\n  File \"x\""),
            Some(Level::Error)
        );
        assert_eq!(
            i("panic: runtime error: index out of range"),
            Some(Level::Fatal)
        );
        assert_eq!(
            i("2009/11/10 http: panic serving 1.2.3.4:5: boom"),
            Some(Level::Error)
        );
        assert_eq!(
            i("kernel: app[123]: segfault at 0 ip 00007f sp 00007ff error 4 in libc.so"),
            Some(Level::Error)
        );
        assert_eq!(
            i("kernel: Out of memory: Killed process 4242 (java) total-vm:1kB"),
            Some(Level::Error)
        );
        // Security tools' records, by their own terms.
        let snort = "[**] [1:1000005:0] UDP Connection [**]\n[Classification: A Network Trojan was Detected] [Priority: 1] \n09/04-21:42:43.1 10.0.0.1:1 -> 10.0.0.2:2";
        assert_eq!(i(snort), Some(Level::Error));
        let fast = "09/04-21:42:43.1 [**] [1:2000:1] ET SCAN x [**] [Classification: Attempted Information Leak] [Priority: 2] {TCP} 1.2.3.4:5 -> 6.7.8.9:80";
        assert_eq!(i(fast), Some(Level::Warning));
        let modsec = "--d67af501-A--\n[07/Jun/2023:17:45:31 --0400] Z 1.2.3.4 1 5.6.7.8 80\n--d67af501-H--\nMessage: Warning. Pattern match at REQUEST_HEADERS:Host.\n--d67af501-Z--";
        assert_eq!(i(modsec), Some(Level::Warning));
        let ufw = "Aug 20 00:01:05 localhost kernel: [3217909.838554] [UFW BLOCK] IN=eth0 OUT= MAC=52:54 SRC=109.205.213.90 DST=194.58.102.129 LEN=40 PROTO=TCP SPT=51638 DPT=48580";
        assert_eq!(i(ufw), Some(Level::Warning));
        assert_eq!(i("user logged IN=yes"), None);
        // Crashes under Wine and Windows' exception names; the .NET runtime's own failure.
        for crash in [
            "wine: Unhandled exception 0xe0434352 in thread 150 at address 00006FFFFF37D887",
            "Unhandled exception: page fault on read access to 0x00000000 in 32-bit code",
            "Error   : EXCEPTION_ACCESS_VIOLATION",
            "Fatal error. 0x80131506\n   at System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw()",
        ] {
            assert_eq!(i(crash), Some(Level::Error), "{crash}");
        }
        assert_eq!(
            opens("wine: Unhandled page fault on read access to 0x00000000"),
            Opens::Record
        );
        assert_eq!(
            i(
                "app.rb:3:in 'divide': divided by 0 (ZeroDivisionError)\n\tfrom app.rb:7:in '<main>'"
            ),
            Some(Level::Error)
        );
        // Rust panics, HTTP 5xx request lines, build and R failures, bash's script errors,
        // systemd's unit failures (old and new wording).
        for (text, level) in [
            (
                "thread 'main' panicked at src/main.rs:3:5:\nindex out of bounds",
                Some(Level::Error),
            ),
            (
                "thread 'tokio-runtime-worker' panicked at 'boom', src/lib.rs:9:1",
                Some(Level::Error),
            ),
            (
                "127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] \"GET / HTTP/1.0\" 502 2326",
                Some(Level::Error),
            ),
            (
                "[GIN] ::1 - [Tue, 26 Oct 2021 01:57:29 +05] \"POST /sign-up HTTP/1.1 500 6.7ms \"x\"",
                Some(Level::Error),
            ),
            (
                "127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] \"GET /500 HTTP/1.0\" 404 500",
                None,
            ),
            ("\"GET / HTTP/1.1\" 5000 bytes", None),
            (
                "> Task :app:processDebugResources FAILED",
                Some(Level::Error),
            ),
            ("> Task :app:compileDebugKotlin UP-TO-DATE", None),
            ("BUILD FAILED in 3m 4s", Some(Level::Error)),
            ("grep -q \"BUILD FAILED\" build.out && echo retry", None),
            ("Execution halted", Some(Level::Fatal)),
            ("Execution halted by scheduler quota, resuming", None),
            (
                "/srv/app/gunicorn_start: line 16: exec: gunicorn: not found",
                Some(Level::Error),
            ),
            ("parsed config: line 16: ok", None),
            // perror(3)/err(3): a program, what failed, the error's text last.
            (
                "mkdir: ./upload_dir: No such file or directory",
                Some(Level::Error),
            ),
            (
                "cat: can't open '/local/out.txt': No such file or directory",
                Some(Level::Error),
            ),
            (
                "/venv/bin/python: can't open file '/x/main.py': [Errno 2] No such file or directory",
                Some(Level::Error),
            ),
            ("stderr: mkdir: /mnt/x: File exists", None),
            ("sh: locale: not found", Some(Level::Error)),
            ("bash: gunicorn: command not found", Some(Level::Error)),
            // Not a shell's error: a failure in words.
            ("The page: not found", Some(Level::Warning)),
            (
                "stderr: /bin/sh: hpsum: command not found",
                Some(Level::Warning),
            ),
            // Django's request logger under runserver's `%(message)s`.
            ("Method Not Allowed: /submit/", Some(Level::Warning)),
            (
                "Forbidden (CSRF token missing.): /login/",
                Some(Level::Warning),
            ),
            ("Bad Gateway: /api/", Some(Level::Error)),
            ("Gone: the page you asked for", None),
            ("checked: the file exists", None),
            (
                "Disk check: no such file or directory found, creating it",
                None,
            ),
            (
                "systemd[1]: kubelet.service: main process exited, code=exited, status=255/n/a",
                Some(Level::Error),
            ),
            (
                "systemd[1]: Unit kubelet.service entered failed state.",
                Some(Level::Error),
            ),
            (
                "systemd[1]: x.service: Main process exited, code=exited, status=0/SUCCESS",
                None,
            ),
        ] {
            assert_eq!(i(text), level, "{text}");
        }
        assert_eq!(i("Started GET \"/\" for 127.0.0.1"), None);
        assert_eq!(i("0 errors, 2 warnings"), None);
        assert_eq!(
            infer(&["x", "at a.B(B.java:1)"], true).map(|x| x.0),
            Some(Level::Error)
        );
        assert_eq!(infer(&["x"], true).map(|x| x.1), Some("an exception"));
        assert_eq!(opens("panic: boom"), Opens::GoDump);
        assert_eq!(
            opens("Exception in thread \"main\" java.lang.X"),
            Opens::Record
        );
        assert_eq!(opens("2024-01-01 panic: x"), Opens::No);
    }

    #[test]
    fn tools_state_a_level_where_they_locate_a_problem() {
        // GHC's column range and span, Android's manifest merger, HotSpot's own warnings.
        for (line, level) in [
            (
                "src/Loan.hs:86:10-19: warning: [-Wmissing-methods]",
                Level::Warning,
            ),
            ("src/Deal.hs:(966,10)-(970,4): error:", Level::Error),
            (
                "/w/app/src/main/AndroidManifest.xml:20:5-86 Warning:",
                Level::Warning,
            ),
            (
                "OpenJDK 64-Bit Server VM warning: Option UseConcMarkSweepGC was deprecated",
                Level::Warning,
            ),
        ] {
            assert_eq!(prefix_level(line).map(|x| x.0), Some(level), "{line}");
        }
    }
}
