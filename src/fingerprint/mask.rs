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
    mask_in(msg, None)
}

/// [`mask`], with the event's host field: that name is a variable wherever a token is it.
pub fn mask_in(msg: &str, host: Option<&str>) -> String {
    let msg = truncate(msg, MAX_MASK_BYTES);
    let mut tokens: Vec<&str> = Vec::with_capacity(16);
    let mut rest = msg;
    loop {
        rest = trim_start_ws(rest);
        if rest.is_empty() {
            break;
        }
        let (token, after) = next_token(rest);
        tokens.push(token);
        rest = after;
    }
    let host = host.filter(|h| h.len() >= 3);
    let mut out = String::with_capacity(msg.len());
    for (i, token) in tokens.iter().enumerate() {
        if !out.is_empty() {
            out.push(' ');
        }
        let is_host = |core: &str| {
            host.is_some_and(|h| {
                core.eq_ignore_ascii_case(h)
                    || core
                        .get(..h.len() + 1)
                        .is_some_and(|p| p[..h.len()].eq_ignore_ascii_case(h) && p.ends_with('.'))
            })
        };
        if (host.is_some() && is_host(split_wrap(token).1)) || names_a_user(&tokens, i) {
            let (pre, _, post) = split_wrap(token);
            out.push_str(pre);
            out.push_str(VAR);
            out.push_str(post);
        } else {
            mask_token(token, &mut out);
        }
    }
    collapse_vars(&mut out);
    collapse_var_runs(&mut out);
    out
}

/// A token's leading and trailing wrapping punctuation, and the core between.
fn split_wrap(token: &str) -> (&str, &str, &str) {
    let b = token.as_bytes();
    let start = b.iter().position(|c| !is_wrap(*c)).unwrap_or(b.len());
    let mut end = b.len();
    while end > start && (is_wrap(b[end - 1]) || b[end - 1] == b':') {
        end -= 1;
    }
    (&token[..start], &token[start..end], &token[end..])
}

/// A user name, where programs that log logins write one (PAM's and sshd's documented
/// messages): `for user X`, `invalid user X`, `user X from|by|on|at …` or `user X` last,
/// and sshd's `Accepted|Failed <method> for X from`.
fn names_a_user(tokens: &[&str], i: usize) -> bool {
    // Cheap test first: this runs for every token.
    let after_keyword = i > 0
        && matches!(
            tokens[i - 1].as_bytes()[0],
            b'u' | b'U' | b'f' | b'"' | b'\'' | b'(' | b'['
        )
        && {
            let p = split_wrap(tokens[i - 1]).1;
            p.eq_ignore_ascii_case("user") || p.eq_ignore_ascii_case("username") || p == "for"
        };
    if !after_keyword {
        return false;
    }
    let word = |j: Option<usize>| {
        j.and_then(|j| tokens.get(j))
            .map(|t| split_wrap(t).1.to_ascii_lowercase())
    };
    let prev = word(i.checked_sub(1));
    let before = word(i.checked_sub(2));
    let next = word(Some(i + 1));
    let core = split_wrap(tokens[i]).1;
    let name_like = !core.is_empty()
        && core.len() <= 64
        && core
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'-' | b'$' | b'@'));
    if !name_like {
        return false;
    }
    match prev.as_deref() {
        Some("user" | "username") => {
            matches!(
                before.as_deref(),
                Some("for" | "invalid" | "illegal" | "unknown")
            ) || matches!(
                next.as_deref(),
                None | Some("from" | "by" | "on" | "at" | "")
            )
        }
        Some("for") => {
            next.as_deref() == Some("from")
                && matches!(
                    before.as_deref(),
                    Some(
                        "password"
                            | "publickey"
                            | "keyboard-interactive/pam"
                            | "hostbased"
                            | "gssapi-with-mic"
                            | "none"
                    )
                )
        }
        _ => false,
    }
}

/// `<*> <*> <*>` (a variable-length run of values: `channels 1 2 3`) becomes one `<*>`.
fn collapse_var_runs(s: &mut String) {
    let run = concat!("<*>", " ", "<*>");
    if !s.contains(run) {
        return;
    }
    let mut out = String::with_capacity(s.len());
    let mut last_var = false;
    for (i, t) in split_byte(s, b' ').enumerate() {
        if t == VAR && last_var {
            continue;
        }
        if i > 0 {
            out.push(' ');
        }
        out.push_str(t);
        last_var = t == VAR;
    }
    *s = out;
}

/// `s` split at each `sep` (ASCII), as `str::split` does, the separators found by memchr
/// (std's char searcher confirms each match with a call to libc's memcmp).
pub(crate) fn split_byte(s: &str, sep: u8) -> impl Iterator<Item = &str> {
    debug_assert!(sep.is_ascii());
    let mut ends = memchr::memchr_iter(sep, s.as_bytes()).chain([s.len()]);
    let mut start = 0;
    std::iter::from_fn(move || {
        let end = ends.next()?;
        let part = &s[start..end];
        start = end + 1;
        Some(part)
    })
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

/// Whether a word without digits could still be a variable, by meaning: a boolean, hex
/// written in letters only (`ffffffff`), a `key:value` pair, a bracketed thread name.
fn letters_may_vary(b: &[u8]) -> bool {
    let core = || split_wrap(std::str::from_utf8(b).unwrap_or("")).1;
    match b.first() {
        Some(b'[') => return true,
        Some(b't' | b'T' | b'f' | b'F' | b'"' | b'\'' | b'(') if matches!(b.len(), 4..=7) => {
            let c = core();
            if c.eq_ignore_ascii_case("true") || c.eq_ignore_ascii_case("false") {
                return true;
            }
        }
        _ => {}
    }
    let colon_inside = b
        .iter()
        .position(|c| *c == b':')
        .is_some_and(|i| i + 1 < b.len() && b[i + 1..].iter().any(|c| c.is_ascii_alphabetic()));
    colon_inside
        || b.len() >= 8
            && b.iter()
                .filter(|c| c.is_ascii_alphabetic())
                .all(|c| c.is_ascii_hexdigit())
            && {
                let c = core().as_bytes();
                c.len() >= 8 && all_hex_letters(c)
            }
}

/// `ffffffff`, `DEADBEEF`: hex in one case with no digit (with a digit, `is_hex_id`).
fn all_hex_letters(b: &[u8]) -> bool {
    b.iter().all(|c| matches!(c, b'a'..=b'f')) || b.iter().all(|c| matches!(c, b'A'..=b'F'))
}

fn mask_token(token: &str, out: &mut String) {
    let b = token.as_bytes();
    // Fast path: a plain word, maybe with wrapping punctuation, is never a variable.
    if b.len() < 16
        && b.iter()
            .all(|c| c.is_ascii_alphabetic() || is_wrap(*c) || *c == b':')
        && !(b.len() == 3 && is_weekday_or_month(token))
        && !letters_may_vary(b)
    {
        out.push_str(token);
        return;
    }
    // A quantity with a comparison sign: `<1`, `>=500ms`, `~3` (the sign is not a wrap).
    let sign = b
        .iter()
        .take_while(|c| matches!(c, b'<' | b'>' | b'~' | b'='))
        .count();
    if sign > 0 && b.get(sign).is_some_and(u8::is_ascii_digit) {
        let (_, _, post) = split_wrap(&token[sign..]);
        out.push_str(VAR);
        out.push_str(post);
        return;
    }
    // A thread name in brackets (logback's `[%thread]`): `[main]`, `[pool-1-thread-3]`.
    if let Some(inner) = token
        .trim_end_matches([':', ','])
        .strip_prefix('[')
        .and_then(|t| t.strip_suffix(']'))
        && is_thread_name(inner)
    {
        out.push('[');
        out.push_str(VAR);
        out.push_str(&token[1 + inner.len()..]);
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
    if is_variable(core) || is_host_name(core) {
        out.push_str(VAR);
    } else if let Some(key) = keyed_value(core) {
        out.push_str(key);
        out.push_str(VAR);
    } else if is_meaningful_variable(core) {
        out.push_str(VAR);
    } else if let Some(name) = pod_name(core) {
        mask_parts(name, out);
        out.push('-');
        out.push_str(VAR);
    } else {
        mask_parts(core, out);
    }
    out.push_str(&token[core_end..]);
}

/// Variables by meaning rather than by digits: booleans, letter-only hex, host names,
/// anything holding an IPv4 address or a MAC address.
fn is_meaningful_variable(core: &str) -> bool {
    let b = core.as_bytes();
    core.eq_ignore_ascii_case("true")
        || core.eq_ignore_ascii_case("false")
        || (b.len() >= 8 && all_hex_letters(b))
        || is_host_name(core)
        || holds_ipv4(b)
        || is_mac(b)
        || is_ipv6(b)
}

/// `::1`, `fe80::1ff:fe23:4567:890a`, `[::1]:8080`: hex groups and two or more colons.
fn is_ipv6(b: &[u8]) -> bool {
    b.iter().filter(|c| **c == b':').count() >= 2
        && b.iter().any(u8::is_ascii_digit)
        && b.iter()
            .all(|c| c.is_ascii_hexdigit() || matches!(c, b':' | b'.' | b'[' | b']'))
}

/// `key=value` and `key:value` (no space): the key stays, any value is a variable
/// (`user=root`, `overlap:true`). Returns the key with its separator. Not `a==b`, `::`,
/// paths or URLs (handled as wholes), nor a value with another separator in it
/// (`a=1,b=2` keeps its keys through `mask_parts`).
fn keyed_value(core: &str) -> Option<&str> {
    let b = core.as_bytes();
    let sep = b.iter().position(|c| *c == b'=' || *c == b':')?;
    let key = &b[..sep];
    let value = &b[sep + 1..];
    let key_ok = !key.is_empty()
        && key[0].is_ascii_alphabetic()
        && key
            .iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'-'));
    // A qualified name (`android.intent.action.SCREEN_ON`, `com.example.Foo`) is code, not
    // a value: it names which thing, as the key's other constants do.
    let qualified_name = value.contains(&b'.')
        && value
            .iter()
            .all(|c| c.is_ascii_alphabetic() || matches!(c, b'.' | b'_' | b'$'))
        && !is_host_name(&core[sep + 1..]);
    // The value of a key that names an error or a message is its text's first word
    // (`err=context deadline exceeded`): the text, not a value.
    let text_key = matches!(
        std::str::from_utf8(key)
            .unwrap_or("")
            .to_ascii_lowercase()
            .as_str(),
        "err" | "error" | "reason" | "msg" | "message" | "cause" | "exception" | "description"
    );
    let value_ok = !value.is_empty()
        && !qualified_name
        && !text_key
        && !matches!(value[0], b'=' | b':' | b'/' | b'\\')
        && !value.iter().any(|c| matches!(c, b'=' | b','));
    (key_ok && value_ok).then(|| &core[..sep + 1])
}

/// A thread name as loggers print it: `main`, or a name with `thread`, `pool`, `worker`
/// or `exec-` in it (`pool-1-thread-3`, `http-nio-8080-exec-5`, `ForkJoinPool-1-worker-2`).
fn is_thread_name(inner: &str) -> bool {
    let l = inner.to_ascii_lowercase();
    l == "main"
        || ["thread", "pool", "worker", "exec-"]
            .iter()
            .any(|w| l.contains(w))
}

/// The alphabet Kubernetes writes generated name suffixes in (`SafeEncodeString`).
fn k8s_suffix(seg: &[u8], len: std::ops::RangeInclusive<usize>) -> bool {
    len.contains(&seg.len())
        && seg
            .iter()
            .all(|c| b"bcdfghjklmnpqrstvwxz2456789".contains(c))
}

/// A Deployment's pod name (`api-7d9f8b6c5d-x2k4p`): the name before the ReplicaSet hash
/// and the pod's random suffix.
fn pod_name(core: &str) -> Option<&str> {
    let last = core.rfind('-')?;
    let hash = core[..last].rfind('-')?;
    let b = core.as_bytes();
    (hash > 0
        && k8s_suffix(&b[last + 1..], 5..=5)
        && k8s_suffix(&b[hash + 1..last], 5..=10)
        && b[hash + 1..last].iter().any(u8::is_ascii_digit))
    .then(|| &core[..hash])
}

/// Top-level domains a host name may end in: the generic ones seen in logs and any
/// two-letter country code; plus the names private networks use.
fn is_tld(l: &str) -> bool {
    (l.len() == 2 && l.bytes().all(|c| c.is_ascii_lowercase()))
        || matches!(
            l,
            "com"
                | "net"
                | "org"
                | "edu"
                | "gov"
                | "mil"
                | "int"
                | "info"
                | "biz"
                | "io"
                | "dev"
                | "app"
                | "cloud"
                | "arpa"
                | "internal"
                | "local"
                | "lan"
                | "corp"
                | "localdomain"
                | "intra"
                | "home"
                | "svc"
                | "cluster"
        )
}

/// A host name: a dotted name ending in a top-level domain (with a `:port`, if any) that
/// is not a reverse-DNS identifier (`com.example.Foo`), or an instance name — letters then
/// two or more digits (`thumbor1001`, `bglio617`, `db-1002`) — that is not a type or
/// standard's name (`int64`, `sha256`, `utf16`, `rfc3339`).
fn is_host_name(core: &str) -> bool {
    // Separators found by byte (memchr), not by std's char searcher, which confirms each
    // match with a call to libc's memcmp: this runs for most tokens of every message.
    let name = match memchr::memrchr(b':', core.as_bytes()) {
        Some(i)
            if i + 1 < core.len() && core.as_bytes()[i + 1..].iter().all(u8::is_ascii_digit) =>
        {
            &core[..i]
        }
        _ => core,
    };
    if memchr::memchr(b'.', name.as_bytes()).is_some() {
        let labels: Vec<&str> = split_byte(name, b'.').collect();
        let ok_label = |l: &&str| {
            !l.is_empty()
                && l.len() <= 63
                && l.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-')
        };
        let first = labels[0];
        // `mw2001.codfw.wmnet`: an instance name qualified by its site, whatever the TLD.
        let instance_first = labels.len() >= 3
            && labels
                .iter()
                .all(|l| l.bytes().all(|c| !c.is_ascii_uppercase()))
            && is_host_name(labels[0]);
        return labels.iter().all(ok_label)
            && (is_tld(labels[labels.len() - 1]) || instance_first)
            && ![
                "com", "org", "net", "io", "java", "javax", "android", "kotlin", "scala",
            ]
            .iter()
            .any(|w| first.eq_ignore_ascii_case(w))
            && (labels.len() >= 3
                || labels[0].bytes().any(|c| c.is_ascii_digit())
                || labels[1].len() > 2);
    }
    let b = name.as_bytes();
    let digits = b.iter().rev().take_while(|c| c.is_ascii_digit()).count();
    let stem = name[..b.len() - digits].trim_end_matches(['-', '_']);
    digits >= 2
        && stem.len() >= 2
        && stem.bytes().all(|c| c.is_ascii_alphabetic() || c == b'-')
        && !matches!(
            stem.to_ascii_lowercase().as_str(),
            "int"
                | "uint"
                | "float"
                | "sha"
                | "utf"
                | "ucs"
                | "base"
                | "crc"
                | "md"
                | "ipv"
                | "http"
                | "tls"
                | "ssl"
                | "win"
                | "arm"
                | "aarch"
                | "amd"
                | "iso"
                | "rfc"
                | "cp"
                | "latin"
                | "ecma"
                | "es"
                | "python"
                | "php"
                | "java"
                | "node"
                | "rsa"
                | "aes"
                | "des"
                | "ec"
                | "x"
                | "i"
                | "mp"
                | "vp"
                | "av"
                | "h"
                | "ie"
        )
}

/// Four dot-separated numbers of at most three digits somewhere in the token.
fn holds_ipv4(b: &[u8]) -> bool {
    let mut i = 0;
    while i < b.len() {
        if b[i].is_ascii_digit() && (i == 0 || !b[i - 1].is_ascii_alphanumeric()) {
            let mut j = i;
            let mut parts = 0;
            loop {
                let start = j;
                while j < b.len() && b[j].is_ascii_digit() && j - start < 4 {
                    j += 1;
                }
                let n = j - start;
                if n == 0 || n > 3 {
                    break;
                }
                parts += 1;
                if parts == 4 {
                    return true;
                }
                if j < b.len() && b[j] == b'.' {
                    j += 1;
                } else {
                    break;
                }
            }
        }
        i += 1;
    }
    false
}

/// `a4:5e:60:c1:22:0f` (or with `-`): six two-digit hex pairs.
fn is_mac(b: &[u8]) -> bool {
    b.len() == 17
        && b.chunks(3).all(|c| {
            c[0].is_ascii_hexdigit()
                && c[1].is_ascii_hexdigit()
                && c.get(2).is_none_or(|s| *s == b':' || *s == b'-')
        })
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
    // Mostly digits, in one piece (`a1234567`): a token with separators is masked part by
    // part instead (`blk_-<*>`, `core.<*>`), so how many digits a value happens to have
    // (`core.862` / `core.2275`) never changes its template.
    digits * 2 >= alnum
        && !b
            .iter()
            .any(|c| matches!(c, b'.' | b'_' | b'-' | b':' | b'/' | b'=' | b','))
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
/// Without a digit it takes a switch every other character: a name with many humps
/// (`getStepCounterStatus`, 6 in 20) is a name.
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
    let digit = t.bytes().any(|c| c.is_ascii_digit());
    switches * 10 >= t.len() * if digit { 3 } else { 5 }
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
        m("at Sat Jul  9 11:35:59 2005", "at <*>");
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
        m("user='alice smith' role=admin", "user=<*> role=<*>");
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

    #[test]
    fn variables_by_meaning_not_by_count() {
        // Each pair is one error: the issue's cases, which split groups before.
        let same = [
            (
                "upstream thumbor1001 timed out",
                "upstream thumbor1003 timed out",
            ),
            ("[main] boom", "[rm-thread-pool1-thread-18] boom"),
            (
                "pod api-7d9f8b6c5d-x2k4p restarted",
                "pod api-5c6b7f9d84-qw8zt restarted",
            ),
            ("login failed user=root", "login failed user=guest"),
            ("merge overlap:true", "merge overlap:false"),
            ("irq mask=ffffffff", "irq mask=fffffff0"),
            ("reply took <1 sec", "reply took 1 sec"),
            (
                "connect failed kafka-2.internal/10.9.160.6:9092",
                "connect failed kafka-2.internal/10.111.94.106:9092",
            ),
            ("generating core.862", "generating core.2275"),
            (
                "timeout from mw2001.codfw.wmnet",
                "timeout from mw1350.eqiad.wmnet",
            ),
            (
                "session closed for user root",
                "session closed for user news",
            ),
            (
                "Accepted password for root from 1.2.3.4",
                "Accepted password for bob from 1.2.3.4",
            ),
            (
                "Opening proxy : MSRA-SA-41.fareast.corp.microsoft.com:7109",
                "Opening proxy : 04DN8IQ.fareast.corp.microsoft.com:54883",
            ),
            ("Supported channels 1 2 3 4 5", "Supported channels 1 2 3"),
            ("link a4:5e:60:c1:22:0f down", "link 00:1a:2b:3c:4d:5e down"),
            ("mode is true", "mode is FALSE"),
        ];
        for (a, b) in same {
            assert_eq!(mask(a), mask(b), "{a:?} and {b:?} should be one template");
        }
        // The event's host field is a variable wherever the message names it.
        assert_eq!(
            mask_in("alpha refused the lease", Some("alpha")),
            "<*> refused the lease"
        );
        // ... and these stay apart: constants that look like values.
        let apart = [
            ("cannot convert to int64", "cannot convert to int32"),
            ("failed to read config.yaml", "failed to read config.json"),
            (
                "action:android.intent.action.SCREEN_ON",
                "action:android.intent.action.TIME_TICK",
            ),
            (
                "class com.example.Foo failed",
                "class com.example.Bar failed",
            ),
            ("user logged in", "user logged out"),
            (
                "err=context deadline exceeded",
                "err=connection deadline exceeded",
            ),
            ("waiting for reply from db", "waiting for data from db"),
        ];
        for (a, b) in apart {
            assert_ne!(mask(a), mask(b), "{a:?} and {b:?} should stay apart");
        }
    }
}
