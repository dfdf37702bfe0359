//! Variable masking: turns a free-text message into a template by replacing what varies
//! between occurrences of the same error with `<*>`: numbers, hex, UUIDs, IPs and ports,
//! emails, URLs and query strings, paths, dates, times and durations, quoted values after
//! `=`, request ids. A single pass over whitespace-separated tokens, no regex on the hot
//! path; tokens keep their surrounding punctuation (`(10.0.0.1:80)` → `(<*>)`).

/// The placeholder every masked variable becomes.
pub const VAR: &str = "<*>";

/// Messages longer than this are masked on their first `MAX_MASK_BYTES` only.
pub const MAX_MASK_BYTES: usize = 4096;

/// Masks `msg` into a template whose tokens are separated by single spaces.
pub fn mask(msg: &str) -> String {
    let msg = truncate(msg, MAX_MASK_BYTES);
    let mut out = String::with_capacity(msg.len());
    let mut rest = msg;
    loop {
        rest = trim_start_ws(rest);
        if rest.is_empty() {
            break;
        }
        let (token, after) = next_token(rest);
        if !out.is_empty() {
            out.push(' ');
        }
        mask_token(token, &mut out);
        rest = after;
    }
    collapse_vars(&mut out);
    out
}

fn truncate(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

fn trim_start_ws(s: &str) -> &str {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i].is_ascii_whitespace() {
            i += 1;
        } else if b[i] < 0x80 {
            break;
        } else {
            let c = s[i..].chars().next().expect("char boundary");
            if !c.is_whitespace() {
                break;
            }
            i += c.len_utf8();
        }
    }
    &s[i..]
}

/// Splits off the next token at whitespace (ASCII or Unicode); `key="a b c"` is one token.
fn next_token(s: &str) -> (&str, &str) {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_whitespace() {
            return (&s[..i], &s[i..]);
        }
        if c >= 0x80 {
            let ch = s[i..].chars().next().expect("char boundary");
            if ch.is_whitespace() {
                return (&s[..i], &s[i..]);
            }
            i += ch.len_utf8();
            continue;
        }
        if (c == b'"' || c == b'\'')
            && i > 0
            && b[i - 1] == b'='
            && let Some(end) = memchr::memchr(c, &b[i + 1..])
        {
            i += end + 2;
            continue;
        }
        i += 1;
    }
    (s, "")
}

/// Punctuation that wraps a value: kept around the masked core.
fn is_wrap(c: u8) -> bool {
    matches!(
        c,
        b'(' | b')'
            | b'['
            | b']'
            | b'{'
            | b'}'
            | b'<'
            | b'>'
            | b'"'
            | b'\''
            | b','
            | b';'
            | b'.'
            | b'!'
            | b'?'
            | b'`'
    )
}

fn mask_token(token: &str, out: &mut String) {
    let b = token.as_bytes();
    // Fast path: a plain word, maybe with wrapping punctuation, is never a variable.
    if b.len() < 16
        && b.iter()
            .all(|c| c.is_ascii_alphabetic() || is_wrap(*c) || *c == b':')
        && !(b.len() == 3 && is_weekday_or_month(token))
    {
        out.push_str(token);
        return;
    }
    // Keep wrapping punctuation, mask the core.
    let core_start = b.iter().position(|c| !is_wrap(*c)).unwrap_or(b.len());
    let quoted_value = b
        .windows(2)
        .any(|w| w[0] == b'=' && (w[1] == b'"' || w[1] == b'\''));
    let mut core_end = b.len();
    if !quoted_value {
        while core_end > core_start && is_wrap(b[core_end - 1]) {
            core_end -= 1;
        }
    }
    // A trailing ':' belongs to a label ("server:"), keep it outside the core too.
    if core_end > core_start && b[core_end - 1] == b':' {
        core_end -= 1;
    }
    out.push_str(&token[..core_start]);
    if core_end == core_start {
        out.push_str(&token[core_start..]);
        return;
    }
    let core = &token[core_start..core_end];
    if is_variable(core) {
        out.push_str(VAR);
    } else {
        mask_parts(core, out);
    }
    out.push_str(&token[core_end..]);
}

/// Whole-token variables.
fn is_variable(t: &str) -> bool {
    let b = t.as_bytes();
    let (mut digits, mut alnum) = (0usize, 0usize);
    let (mut at, mut colon, mut eq) = (false, false, None);
    for (i, &c) in b.iter().enumerate() {
        match c {
            b'0'..=b'9' => {
                digits += 1;
                alnum += 1;
            }
            b'a'..=b'z' | b'A'..=b'Z' => alnum += 1,
            b'@' => at = true,
            b':' => colon = true,
            b'=' if eq.is_none() => eq = Some(i),
            _ => {}
        }
    }
    // Fast path: a plain word.
    if digits == 0 && !at && !colon && b.len() < 16 && b[0] != b'/' && b[0] != b'~' && b.len() != 3
    {
        return false;
    }
    if (b.len() == 3 && is_weekday_or_month(t))
        || is_opaque_id(t)
        || (colon && t.contains("://"))
        || (at && is_email(t))
    {
        return true;
    }
    // `key=value`: the key stays, the value is judged on its own (see `mask_parts`).
    if let Some(eq) = eq
        && eq > 0
        && !b[..eq].iter().any(u8::is_ascii_digit)
    {
        return false;
    }
    if (b[0] == b'/' && t[1..].contains('/')) || t.starts_with("~/") || is_windows_path(t) {
        return true;
    }
    if digits == 0 {
        return false;
    }
    if b[0].is_ascii_digit()
        || (b[0] == b'-' || b[0] == b'+') && b.len() > 1 && b[1].is_ascii_digit()
    {
        return true; // numbers, IPs, dates, times, durations, sizes, versions, hex ids
    }
    if b[0] == b'#' && b.len() > 1 && b[1..].iter().all(u8::is_ascii_digit) {
        return true;
    }
    if is_hex_id(t) {
        return true;
    }
    // Mostly digits: ids like `blk_-6952295868487656571`, `attempt_1445_0020_m_000002_0`.
    digits * 2 >= alnum
}

fn is_weekday_or_month(t: &str) -> bool {
    matches!(
        t,
        "Mon"
            | "Tue"
            | "Wed"
            | "Thu"
            | "Fri"
            | "Sat"
            | "Sun"
            | "Jan"
            | "Feb"
            | "Mar"
            | "Apr"
            | "May"
            | "Jun"
            | "Jul"
            | "Aug"
            | "Sep"
            | "Oct"
            | "Nov"
            | "Dec"
    )
}

fn is_email(t: &str) -> bool {
    match t.find('@') {
        Some(at) if at > 0 => {
            let domain = &t[at + 1..];
            domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.')
        }
        _ => false,
    }
}

fn is_windows_path(t: &str) -> bool {
    let b = t.as_bytes();
    b.len() > 3 && b[0].is_ascii_alphabetic() && b[1] == b':' && b[2] == b'\\'
}

/// 0x-prefixed hex, or 8+ hex digits with at least one digit (hashes, addresses).
fn is_hex_id(t: &str) -> bool {
    if let Some(h) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        return !h.is_empty() && h.bytes().all(|c| c.is_ascii_hexdigit());
    }
    let hexish = || t.bytes().filter(|c| *c != b'-' && *c != b':');
    hexish().count() >= 8
        && hexish().all(|c| c.is_ascii_hexdigit())
        && hexish().any(|c| c.is_ascii_digit())
}

/// Request ids and tokens (`XO1PdwpAADkAAAL-DwYAAABE`): 16+ chars of `[A-Za-z0-9_-]` that
/// switch between lower case, upper case and digits far more often than CamelCase words do
/// (`NetworkAnalyticsEngine` switches 5 times in 22 chars; a random id about every 3rd).
fn is_opaque_id(t: &str) -> bool {
    if t.len() < 16
        || !t
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'-')
    {
        return false;
    }
    let class = |c: u8| match c {
        b'a'..=b'z' => 0,
        b'A'..=b'Z' => 1,
        b'0'..=b'9' => 2,
        _ => 3,
    };
    let b = t.as_bytes();
    let switches = b
        .windows(2)
        .filter(|w| class(w[0]) != class(w[1]) && class(w[0]) != 3 && class(w[1]) != 3)
        .count();
    switches * 10 >= t.len() * 3
}

/// Masks the variable parts of a token that is not a variable as a whole:
/// `node-233` → `node-<*>`, `uid=0` → `uid=<*>`, `path:/var/run/x` → `path:<*>`,
/// `key="a b"` → `key=<*>`.
fn mask_parts(t: &str, out: &mut String) {
    let b = t.as_bytes();
    let mut seg_start = 0;
    let mut i = 0;
    while i <= b.len() {
        let at_delim = i == b.len()
            || matches!(
                b[i],
                b'-' | b'_'
                    | b'.'
                    | b':'
                    | b'/'
                    | b'='
                    | b','
                    | b'#'
                    | b'@'
                    | b'|'
                    | b'('
                    | b')'
                    | b'['
                    | b']'
            );
        if !at_delim {
            i += 1;
            continue;
        }
        let seg = &t[seg_start..i];
        push_segment(seg, out);
        if i == b.len() {
            break;
        }
        let d = b[i];
        // After `=` or `:`, the rest is one value when it is quoted or a path.
        if matches!(d, b'=' | b':') && i + 1 < b.len() {
            let rest = &t[i + 1..];
            let quoted = rest.len() >= 2 && (rest.starts_with('"') || rest.starts_with('\''));
            if quoted || (rest.starts_with('/') && rest[1..].contains('/')) || rest.contains("://")
            {
                out.push(d as char);
                out.push_str(VAR);
                return;
            }
        }
        out.push(d as char);
        i += 1;
        seg_start = i;
    }
}

fn push_segment(seg: &str, out: &mut String) {
    if seg.is_empty() {
        return;
    }
    if seg.bytes().any(|c| c.is_ascii_digit()) && is_variable(seg) {
        out.push_str(VAR);
    } else {
        out.push_str(seg);
    }
}

/// `<*>.<*>.<*>`-style runs joined by `.`/`:`/`-`/`_`/`/` collapse into one `<*>`.
fn collapse_vars(s: &mut String) {
    let b = s.as_bytes();
    let var = VAR.as_bytes();
    let joinable = b.windows(4).any(|w| {
        w[0] == b'>'
            && matches!(w[1], b'.' | b':' | b'-' | b'_' | b'/')
            && w[2] == b'<'
            && w[3] == b'*'
    });
    if !joinable {
        return;
    }
    let mut out: Vec<u8> = Vec::with_capacity(b.len());
    let mut i = 0;
    let mut changed = false;
    while i < b.len() {
        if b[i..].starts_with(var) {
            out.extend_from_slice(var);
            i += var.len();
            while i + 1 + var.len() <= b.len()
                && matches!(b[i], b'.' | b':' | b'-' | b'_' | b'/')
                && &b[i + 1..i + 1 + var.len()] == var
            {
                i += 1 + var.len();
                changed = true;
            }
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    if changed {
        *s = String::from_utf8(out).expect("only ASCII runs were removed");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn m(input: &str, expected: &str) {
        assert_eq!(mask(input), expected, "masking {input:?}");
    }

    #[test]
    fn numbers_and_floats() {
        m(
            "Found child 32453 in scoreboard slot 8",
            "Found child <*> in scoreboard slot <*>",
        );
        m("took -12 and 3.14159 and +7", "took <*> and <*> and <*>");
        m("order #1231 failed", "order <*> failed");
    }

    #[test]
    fn hex_uuid_and_ids() {
        m(
            "addr 0xdeadBEEF messageType = 0xE0000340",
            "addr <*> messageType = <*>",
        );
        m(
            "commit 3f2a9c1e7b and sha d41d8cd98f00b204e9800998ecf8427e",
            "commit <*> and sha <*>",
        );
        m(
            "trace 123e4567-e89b-12d3-a456-426614174000 done",
            "trace <*> done",
        );
        m(
            "block blk_-6952295868487656571 terminating",
            "block <*> terminating",
        );
        m("req XO1PdwpAADkAAAL-DwYAAABE failed", "req <*> failed");
        m("req VwQuIVnEyTjMaNbKqWpXzRtL failed", "req <*> failed");
    }

    #[test]
    fn ips_ports_emails_urls() {
        m(
            "connect to 10.251.73.220:50010 refused",
            "connect to <*> refused",
        );
        m("from (10.0.0.1:80) at [::1]:8080", "from (<*>) at [<*>");
        m("mail bob@example.org bounced", "mail <*> bounced");
        m(
            "GET https://en.wikipedia.org/w/index.php?title=X&action=edit failed",
            "GET <*> failed",
        );
    }

    #[test]
    fn paths_dates_durations() {
        m(
            "workerEnv.init() ok /etc/httpd/conf/workers2.properties",
            "workerEnv.init() ok <*>",
        );
        m(
            "connect() failed path:/var/run/mDNSResponder Socket:4",
            "connect() failed path:<*> Socket:<*>",
        );
        m("at Sat Jul  9 11:35:59 2005", "at <*> <*> <*> <*> <*>");
        m(
            "on 2026-11-17T10:00:00Z after 250ms and 1.5s",
            "on <*> after <*> and <*>",
        );
        m(r"open C:\Users\bob\file.txt failed", "open <*> failed");
    }

    #[test]
    fn partial_tokens_and_quoted_values() {
        m(
            "NIFF: node node-233 has detected",
            "NIFF: node node-<*> has detected",
        );
        m(
            "logname= uid=0 euid=0 rhost=150.183.249.110",
            "logname= uid=<*> euid=<*> rhost=<*>",
        );
        m("user='alice smith' role=admin", "user=<*> role=admin");
        m("generating core.465", "generating core.<*>");
    }

    #[test]
    fn stable_words_are_kept() {
        m(
            "Checking 'hlt' instruction... OK.",
            "Checking 'hlt' instruction... OK.",
        );
        m(
            "java.lang.IllegalStateException: pool closed",
            "java.lang.IllegalStateException: pool closed",
        );
        m("utf8 and log4j over ipv4", "utf8 and log4j over ipv4");
    }

    #[test]
    fn whitespace_is_normalized_and_huge_input_bounded() {
        m("  a \t b  ", "a b");
        let long = "x ".repeat(10_000);
        assert!(mask(&long).len() <= MAX_MASK_BYTES);
        let _ = mask("\u{feff}é 1\u{a0}2 ü");
    }
}
