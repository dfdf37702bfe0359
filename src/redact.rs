//! Redaction of log text before it leaves the machine (a task filed in a tracker, a report
//! pasted elsewhere): secrets and tokens, email and IP addresses, URL query values (except
//! `action`), request bodies logged with an event, and quoted arguments in stack traces. Each redaction is counted by kind so a
//! preview can say what was removed.

use regex::{Captures, Regex};
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// What was removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    Secret,
    Email,
    Ip,
    QueryValue,
    QuotedArgument,
    RequestBody,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Secret => "secrets and tokens",
            Kind::Email => "email addresses",
            Kind::Ip => "IP addresses",
            Kind::QueryValue => "URL query values",
            Kind::QuotedArgument => "quoted arguments in the trace",
            Kind::RequestBody => "request bodies",
        }
    }

    /// What the removed text is replaced by.
    pub fn mark(self) -> &'static str {
        match self {
            Kind::Secret => "[secret]",
            Kind::Email => "[email]",
            Kind::Ip => "[ip]",
            Kind::QueryValue => "[redacted]",
            Kind::QuotedArgument => "[arg]",
            Kind::RequestBody => "[body]",
        }
    }
}

/// Redacted text and how many of each kind were removed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Redacted {
    pub text: String,
    pub removed: BTreeMap<Kind, usize>,
}

impl Redacted {
    /// "2 email addresses, 1 secrets and tokens" — for a preview; empty when nothing was.
    pub fn summary(&self) -> String {
        self.removed
            .iter()
            .map(|(k, n)| format!("{n} {}", k.as_str()))
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn absorb(&mut self, other: BTreeMap<Kind, usize>) {
        for (k, n) in other {
            *self.removed.entry(k).or_default() += n;
        }
    }
}

struct Patterns {
    /// `password=…`, `Authorization: Bearer …`, `api_key: "…"`: the name stays.
    named_secret: Regex,
    /// `Bearer …` / `Basic …` credentials wherever they appear.
    scheme_secret: Regex,
    /// Secrets recognisable by their shape alone.
    shaped_secret: Regex,
    /// A PEM private key's whole block.
    pem_key: Regex,
    /// The password in a URL's userinfo (`postgres://app:pw@db/x`, `redis://:pw@cache`),
    /// for every scheme; RFC 3986 allows no raw `/` or `@` in it.
    url_password: Regex,
    email: Regex,
    ipv4: Regex,
    ipv6: Regex,
    /// `?name=value` / `&name=value`.
    query: Regex,
    /// A quoted string inside a trace frame's argument list.
    quoted: Regex,
    /// `body={…}`, `payload: "…"`, `post_data=…`: a request body logged with the event.
    body: Regex,
    /// "the password is X": the value runs to the next space, `&` and `;` included.
    said_password: Regex,
    /// A request header that carries a credential, as a server echoes it (`X-ClickHouse-Key:
    /// …`, `"authorization": ["…"]`, `Cookie: …`): its whole value.
    credential_header: Regex,
}

fn patterns() -> &'static Patterns {
    static P: OnceLock<Patterns> = OnceLock::new();
    P.get_or_init(|| Patterns {
        named_secret: Regex::new(
            // The name may be a part of a longer key joined by `_`, `.` or `-`, in any case
            // (`aws_secret_access_key`, `AWS_SECRET_ACCESS_KEY`, `client_secret`,
            // `refresh_token`, `db.password`), where `\b` alone does not split it.
            r#"(?i)\b((?:[a-z0-9]+[_.-])*(?:password|passwd|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|auth|authorization|cookie|session(?:id)?|phpsessid)(?:[_.-][a-z0-9]+)*)(["']?\s*[:=]\s*["']?|\s+(?:is|was)\s+["']?)((?:bearer|basic|token|apikey|negotiate|digest)\s+)?([^\s"'&,;]+)"#,
        )
        .unwrap(),
        scheme_secret: Regex::new(r"(?i)\b(bearer|basic|apikey)\s+([A-Za-z0-9._~+/=-]{8,})").unwrap(),
        shaped_secret: Regex::new(
            // JWTs, GitHub, GitLab and Slack tokens, AWS access key ids, Phabricator's
            // API and CLI tokens, Stripe's secret and restricted keys, Google API keys,
            // Slack's incoming-webhook URLs.
            r"\b(?:eyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]{8,}|gh[pousr]_[A-Za-z0-9]{30,}|github_pat_\w{30,}|glpat-[\w-]{20,}|xox[abprs]-[\w-]{10,}|AKIA[0-9A-Z]{16}|api-[a-z0-9]{28}|cli-[a-z0-9]{28}|[sr]k_(?:live|test)_[0-9A-Za-z]{16,}|AIza[0-9A-Za-z_-]{35}|hooks\.slack\.com/services/[A-Za-z0-9/_-]+)\b",
        )
        .unwrap(),
        pem_key: Regex::new(
            r"-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|\z)",
        )
        .unwrap(),
        url_password: Regex::new(r"(?i)\b([a-z][a-z0-9+.-]*://[^:/@\s]*):([^@\s/]+)@").unwrap(),
        email: Regex::new(r"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b")
            .unwrap(),
        ipv4: Regex::new(r"\b(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)\b")
            .unwrap(),
        ipv6: Regex::new(
            r"(?i)\b(?:[0-9a-f]{1,4}:){7}[0-9a-f]{1,4}\b|\b(?:[0-9a-f]{1,4}:){1,6}:(?:[0-9a-f]{1,4}(?::[0-9a-f]{1,4})*)?\b|::1\b",
        )
        .unwrap(),
        query: Regex::new(r"([?&])([^=&#\s?]+)=([^&#\s]*)").unwrap(),
        quoted: Regex::new(r#"'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*""#).unwrap(),
        body: Regex::new(
            r#"(?i)\b((?:request[_ -]?)?body|payload|post[_ -]?data|form[_ -]?data|request[_ -]?params)(["']?\s*[:=]\s*)(\{.*\}|\[.*\]|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|[^\s,;&]+)"#,
        )
        .unwrap(),
        said_password: Regex::new(
            r#"(?i)\b((?:[a-z0-9]+[_.-])*(?:password|passwd|pwd|passphrase)\s+(?:is|was)\s+["']?)([^\s"']+)"#,
        )
        .unwrap(),
        credential_header: Regex::new(
            r#"(?i)(["']?(?:proxy-)?(?:authorization|cookie|set-cookie|x-[a-z0-9-]*(?:key|token|auth|secret|password|session)[a-z0-9-]*)["']?\s*[:=]\s*)(\[\s*"(?:[^"\\]|\\.)*"\s*\]|"(?:[^"\\]|\\.)*"|'[^']*'|[^\r\n,;}]+)"#,
        )
        .unwrap(),
    })
}

fn replace_counted(
    text: &str,
    re: &Regex,
    counts: &mut BTreeMap<Kind, usize>,
    mut with: impl FnMut(&Captures) -> Option<(Kind, String)>,
) -> String {
    re.replace_all(text, |c: &Captures| match with(c) {
        Some((kind, s)) => {
            *counts.entry(kind).or_default() += 1;
            s
        }
        None => c[0].to_string(),
    })
    .into_owned()
}

/// The credentials a run holds (a backend's password or API key, a tracker's token), to
/// be removed from anything a server says before it is shown: a server or a proxy may
/// echo the request's headers in an error.
#[derive(Default, Clone)]
pub struct Secrets {
    values: Vec<String>,
}

impl std::fmt::Debug for Secrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Secrets({} values)", self.values.len())
    }
}

impl Secrets {
    pub fn new() -> Secrets {
        Secrets::default()
    }

    /// A secret, as it is and as a form or an HTTP header would carry it (percent-encoded,
    /// base64). Values too short to be secrets would redact ordinary words: left out.
    pub fn with(mut self, secret: Option<&str>) -> Secrets {
        if let Some(v) = secret.filter(|v| v.len() >= 4) {
            let json = serde_json::to_string(v).unwrap_or_default();
            let json = json.trim_matches('"').to_string();
            let percent = percent_encoded(v, false);
            for form in [
                v.to_string(),
                percent_encoded(v, true),
                percent.replace("%20", "+"),
                percent,
                base64(v.as_bytes()),
                json.replace('/', "\\/"),
                json,
            ] {
                if !self.values.contains(&form) {
                    self.values.push(form);
                }
            }
        }
        self
    }

    /// HTTP Basic credentials: the password, and `user:password` as the header sends it.
    pub fn basic(self, user: Option<&str>, password: Option<&str>) -> Secrets {
        let pair = password.map(|p| base64(format!("{}:{p}", user.unwrap_or("")).as_bytes()));
        let mut s = self.with(password);
        if let Some(pair) = pair.filter(|_| password.is_some_and(|p| p.len() >= 4)) {
            s.values.push(pair);
        }
        s
    }

    /// `text` with every held secret, every credential header's value and every secret
    /// [`redact`] knows by its name or shape replaced.
    pub fn scrub(&self, text: &str) -> String {
        let mut s = text.to_string();
        // Longest first: a base64 form may contain a shorter raw one.
        let mut values: Vec<&String> = self.values.iter().collect();
        values.sort_by_key(|v| std::cmp::Reverse(v.len()));
        for v in values {
            if s.contains(v.as_str()) {
                s = s.replace(v.as_str(), Kind::Secret.mark());
            }
        }
        let p = patterns();
        let mut counts = BTreeMap::new();
        s = replace_counted(&s, &p.credential_header, &mut counts, |c| {
            Some((Kind::Secret, format!("{}{}", &c[1], Kind::Secret.mark())))
        });
        redact_secrets(&s, &mut counts)
    }
}

/// `s` percent-encoded (RFC 3986 unreserved characters kept), hex in either case.
fn percent_encoded(s: &str, lower: bool) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&if lower {
                format!("%{b:02x}")
            } else {
                format!("%{b:02X}")
            });
        }
    }
    out
}

/// Standard base64 with padding (RFC 4648), as HTTP Basic sends `user:password`.
fn base64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().fold(0u32, |n, &b| n << 8 | b as u32) << (8 * (3 - chunk.len()));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(A[(n >> (18 - 6 * i)) as usize & 63] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// "the password is [secret]", unless it already is.
fn said(c: &Captures) -> Option<(Kind, String)> {
    (&c[2] != Kind::Secret.mark())
        .then(|| (Kind::Secret, format!("{}{}", &c[1], Kind::Secret.mark())))
}

/// The secret families of [`redact`] only (no addresses, query values or bodies): for
/// what a server says, where a host name or a query helps the reader.
fn redact_secrets(text: &str, counts: &mut BTreeMap<Kind, usize>) -> String {
    let p = patterns();
    let mut s = replace_counted(text, &p.pem_key, counts, |_| {
        Some((Kind::Secret, Kind::Secret.mark().into()))
    });
    s = replace_counted(&s, &p.shaped_secret, counts, |_| {
        Some((Kind::Secret, Kind::Secret.mark().into()))
    });
    s = replace_counted(&s, &p.url_password, counts, |c| {
        (&c[2] != Kind::Secret.mark())
            .then(|| (Kind::Secret, format!("{}:{}@", &c[1], Kind::Secret.mark())))
    });
    s = replace_counted(&s, &p.said_password, counts, said);
    s = replace_counted(&s, &p.named_secret, counts, |c| {
        let value = &c[4];
        (value != Kind::Secret.mark()).then(|| {
            let scheme = c.get(3).map_or("", |m| m.as_str());
            (
                Kind::Secret,
                format!("{}{}{scheme}{}", &c[1], &c[2], Kind::Secret.mark()),
            )
        })
    });
    replace_counted(&s, &p.scheme_secret, counts, |c| {
        (&c[2] != Kind::Secret.mark())
            .then(|| (Kind::Secret, format!("{} {}", &c[1], Kind::Secret.mark())))
    })
}

/// Redacts a message, URL or any log text.
pub fn redact(text: &str) -> Redacted {
    let p = patterns();
    let mut counts = BTreeMap::new();
    let mut s = replace_counted(text, &p.pem_key, &mut counts, |_| {
        Some((Kind::Secret, Kind::Secret.mark().into()))
    });
    s = replace_counted(&s, &p.shaped_secret, &mut counts, |_| {
        Some((Kind::Secret, Kind::Secret.mark().into()))
    });
    s = replace_counted(&s, &p.url_password, &mut counts, |c| {
        (&c[2] != Kind::Secret.mark())
            .then(|| (Kind::Secret, format!("{}:{}@", &c[1], Kind::Secret.mark())))
    });
    s = replace_counted(&s, &p.body, &mut counts, |c| {
        (&c[3] != Kind::RequestBody.mark()).then(|| {
            (
                Kind::RequestBody,
                format!("{}{}{}", &c[1], &c[2], Kind::RequestBody.mark()),
            )
        })
    });
    s = replace_counted(&s, &p.said_password, &mut counts, said);
    s = replace_counted(&s, &p.named_secret, &mut counts, |c| {
        let value = &c[4];
        (value != Kind::Secret.mark()).then(|| {
            let scheme = c.get(3).map_or("", |m| m.as_str());
            (
                Kind::Secret,
                format!("{}{}{scheme}{}", &c[1], &c[2], Kind::Secret.mark()),
            )
        })
    });
    s = replace_counted(&s, &p.scheme_secret, &mut counts, |c| {
        Some((Kind::Secret, format!("{} {}", &c[1], Kind::Secret.mark())))
    });
    s = replace_counted(&s, &p.query, &mut counts, |c| {
        let (name, value) = (&c[2], &c[3]);
        (!name.eq_ignore_ascii_case("action") && !value.is_empty() && !value.starts_with('[')).then(
            || {
                (
                    Kind::QueryValue,
                    format!("{}{name}={}", &c[1], Kind::QueryValue.mark()),
                )
            },
        )
    });
    s = replace_counted(&s, &p.email, &mut counts, |_| {
        Some((Kind::Email, Kind::Email.mark().into()))
    });
    s = replace_counted(&s, &p.ipv4, &mut counts, |_| {
        Some((Kind::Ip, Kind::Ip.mark().into()))
    });
    s = replace_counted(&s, &p.ipv6, &mut counts, |_| {
        Some((Kind::Ip, Kind::Ip.mark().into()))
    });
    Redacted {
        text: s,
        removed: counts,
    }
}

/// Redacts a stack trace: everything [`redact`] does, and quoted arguments inside a frame's
/// parentheses (PHP and Python traces print call arguments, which can be user data).
pub fn redact_trace(trace: &str) -> Redacted {
    let mut out = Redacted::default();
    let mut lines = Vec::new();
    for line in trace.lines() {
        // Quoted arguments first: removing them can leave text that the other rules
        // match, and a second pass must find nothing new.
        let mut counts = BTreeMap::new();
        let line = match (line.find('('), line.rfind(')')) {
            (Some(open), Some(close)) if open < close => {
                let args = replace_counted(
                    &line[open..=close],
                    &patterns().quoted,
                    &mut counts,
                    // The mark has no quotes, so it cannot pair with a stray quote into a
                    // new quoted string on a second pass.
                    |_| Some((Kind::QuotedArgument, Kind::QuotedArgument.mark().into())),
                );
                format!("{}{args}{}", &line[..open], &line[close + 1..])
            }
            _ => line.to_string(),
        };
        out.absorb(counts);
        let r = redact(&line);
        out.absorb(r.removed);
        lines.push(r.text);
    }
    out.text = lines.join("\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_values_go_but_action_and_paths_stay() {
        let r = redact("GET /w/index.php?title=User:Alice&action=edit&oldid=123 failed");
        assert_eq!(
            r.text,
            "GET /w/index.php?title=[redacted]&action=edit&oldid=[redacted] failed"
        );
        assert_eq!(r.removed[&Kind::QueryValue], 2);
        assert_eq!(r.summary(), "2 URL query values");
    }

    #[test]
    fn secrets_by_name_and_by_shape() {
        let r = redact(
            "Authorization: Bearer abc.def.ghi password=hunter2 api_key: \"k-123\" \
             token ghp_abcdefghijklmnopqrstuvwxyz0123456789",
        );
        assert!(!r.text.contains("abc.def"), "{}", r.text);
        assert!(!r.text.contains("hunter2"), "{}", r.text);
        assert!(!r.text.contains("k-123"), "{}", r.text);
        assert!(!r.text.contains("ghp_"), "{}", r.text);
        assert!(
            r.text.contains("Authorization: Bearer [secret]"),
            "{}",
            r.text
        );
        assert!(r.text.contains("password=[secret]"), "{}", r.text);
        assert_eq!(r.removed[&Kind::Secret], 4, "{}", r.text);
    }

    /// `line` loses `secret`, and says a secret was there.
    fn assert_secret_removed(line: &str, secret: &str) {
        let r = redact(line);
        assert!(!r.text.contains(secret), "{line} -> {}", r.text);
        assert!(r.text.contains(Kind::Secret.mark()), "{line} -> {}", r.text);
    }

    #[test]
    fn secrets_under_longer_key_names() {
        for (line, secret) in [
            (
                "aws_secret_access_key=wJalrXUtnFEMI/K7MDENG",
                "wJalrXUtnFEMI",
            ),
            (
                "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG",
                "wJalrXUtnFEMI",
            ),
            ("client_secret=9f8e7d6c5b4a", "9f8e7d6c5b4a"),
            ("grant access_token=ya29.a0AfH6SM refresh", "ya29.a0AfH6SM"),
            ("refresh_token: 1//0gLk2-xyz", "1//0gLk2-xyz"),
            ("private_key=MIIEvQIBADANBgkq", "MIIEvQIBADANBgkq"),
            ("Cookie PHPSESSID=8vb1h2m5q0c3", "8vb1h2m5q0c3"),
            ("db.password: \"s3cr3t!\"", "s3cr3t!"),
        ] {
            assert_secret_removed(line, secret);
        }
        // The key's name stays, so a reader sees what was removed.
        assert_eq!(
            redact("aws_secret_access_key=wJalrXUtnFEMI").text,
            format!("aws_secret_access_key={}", Kind::Secret.mark())
        );
    }

    #[test]
    fn secrets_by_family() {
        for (line, secret) in [
            (
                "dsn=postgres://app:hunter2pass@db1001:5432/wiki",
                "hunter2pass",
            ),
            ("connecting to redis://:s3cretpw@cache:6379/0", "s3cretpw"),
            ("amqp://guest:p%40ss@rabbit/vhost failed", "p%40ss"),
            (
                "charge with sk_live_4eC39HqLyjWDarjtT1zdp7dc",
                "4eC39HqLyjWDarjtT1zdp7dc",
            ),
            (
                "maps key AIzaSyA1234567890abcdefghijklmnopqrstuv",
                "AIzaSyA1234567890",
            ),
            (
                "post to https://hooks.slack.com/services/T0A1B2C3D/B0F4E5D6C/q8Zr5vLm2nKp failed",
                "q8Zr5vLm2nKp",
            ),
            ("the admin password is Tr0ub4dor&3", "Tr0ub4dor"),
            (
                "key: -----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7\nabc\n-----END RSA PRIVATE KEY----- loaded",
                "MIIEowIBAAKCAQEA7",
            ),
        ] {
            assert_secret_removed(line, secret);
        }
        // The user and the host stay; a URL without a password is untouched.
        assert_eq!(
            redact("postgres://app:pw1@db1001/wiki").text,
            format!("postgres://app:{}@db1001/wiki", Kind::Secret.mark())
        );
        let plain = "GET https://en.wikipedia.org:443/wiki/Main_Page";
        assert_eq!(redact(plain).text, plain);
    }

    #[test]
    fn a_server_echo_loses_every_held_secret_and_credential_header() {
        let secrets = Secrets::new()
            .basic(Some("bot"), Some("pa ss/w@rd"))
            .with(Some("ApiKeyValue123"));
        let echo = "denied; headers: Authorization: Basic Ym90OnBhIHNzL3dAcmQ=\n\
                    \"X-ClickHouse-Key\": [\"pa ss/w@rd\"], x-api-key: ApiKeyValue123\n\
                    form: password=pa%20ss%2Fw%40rd; cookie: sid=abc123; Host: ch1001";
        let out = secrets.scrub(echo);
        for gone in [
            "Ym90OnBhIHNzL3dAcmQ=",
            "pa ss/w@rd",
            "ApiKeyValue123",
            "pa%20ss",
            "abc123",
        ] {
            assert!(!out.contains(gone), "{gone}: {out}");
        }
        assert!(out.contains("Host: ch1001"), "{out}");
        assert_eq!(base64(b"bot:pa ss/w@rd"), "Ym90OnBhIHNzL3dAcmQ=");
        assert_eq!(base64(b"a"), "YQ==");
        assert_eq!(base64(b"ab"), "YWI=");
    }

    fn any_case(s: &str, mask: u64) -> String {
        s.chars()
            .enumerate()
            .map(|(i, c)| {
                if mask >> (i % 64) & 1 == 1 {
                    c.to_ascii_uppercase()
                } else {
                    c
                }
            })
            .collect()
    }

    proptest::proptest! {
        /// Family 1: a secret's key name, inside a longer key joined by any separator, in
        /// any case, before any assignment.
        #[test]
        fn key_names_in_any_shape_lose_their_value(
            name in proptest::sample::select(vec!["password", "passwd", "secret", "token", "api_key",
                "apikey", "access_key", "private_key", "session", "sessionid", "cookie", "phpsessid", "auth"]),
            prefix in proptest::option::of("[a-z]{2,8}"),
            suffix in proptest::option::of("[a-z]{2,6}"),
            join in proptest::sample::select(vec!["_", ".", "-"]),
            assign in proptest::sample::select(vec!["=", ": ", " = ", "=\"", ": '", "\": \""]),
            mask in proptest::num::u64::ANY,
            value in "[A-Za-z0-9+/]{8,40}",
        ) {
            let mut key = String::new();
            if let Some(p) = &prefix { key.push_str(p); key.push_str(join); }
            key.push_str(name);
            if let Some(s) = &suffix { key.push_str(join); key.push_str(s); }
            let line = format!("request failed {}{assign}{value} retrying", any_case(&key, mask));
            let out = redact(&line).text;
            proptest::prop_assert!(!out.contains(&value), "{line} -> {out}");
        }

        /// Family 2: the password in any URL's userinfo, for any scheme.
        #[test]
        fn url_passwords_are_removed_for_every_scheme(
            scheme in "[a-z][a-z0-9+.-]{1,10}",
            user in "[a-z]{0,8}",
            password in "[A-Za-z0-9!$*+~-]{6,24}",
            host in "[a-z]{2,10}(\\.[a-z]{2,5})?",
        ) {
            let line = format!("cannot connect to {scheme}://{user}:{password}@{host}:5432/db");
            let out = redact(&line).text;
            proptest::prop_assert!(!out.contains(&password), "{line} -> {out}");
        }

        /// Family 3: tokens known by their prefix, wherever they stand.
        #[test]
        fn prefixed_tokens_are_removed(
            kind in 0usize..8,
            body in "[A-Za-z0-9]{40}",
            before in "[a-z ]{0,12}",
        ) {
            let token = match kind {
                0 => format!("ghp_{}", &body[..36]),
                1 => format!("glpat-{}", &body[..20]),
                2 => format!("xoxb-{}", &body[..24]),
                3 => format!("AKIA{}", body[..16].to_ascii_uppercase()),
                4 => format!("sk_live_{}", &body[..24]),
                5 => format!("AIza{}", &body[..35]),
                6 => format!("eyJ{}.{}.{}", &body[..12], &body[12..24], &body[24..36]),
                _ => format!("github_pat_{}", &body[..32]),
            };
            let line = format!("{before} {token} end");
            let out = redact(&line).text;
            proptest::prop_assert!(!out.contains(&token), "{line} -> {out}");
        }

        /// Family 4: a PEM private key's body, whatever its lines.
        #[test]
        fn pem_private_key_bodies_are_removed(
            lines in proptest::collection::vec("[A-Za-z0-9+/]{16,64}", 1..8),
            kind in proptest::sample::select(vec!["RSA ", "EC ", "", "ENCRYPTED "]),
        ) {
            let text = format!(
                "loaded key -----BEGIN {kind}PRIVATE KEY-----\n{}\n-----END {kind}PRIVATE KEY----- ok",
                lines.join("\n")
            );
            let out = redact(&text).text;
            for l in &lines {
                proptest::prop_assert!(!out.contains(l.as_str()), "{out}");
            }
        }

        /// Family 5: "password is/was X".
        #[test]
        fn a_password_said_in_words_is_removed(
            verb in proptest::sample::select(vec!["is", "was", "IS"]),
            value in "[A-Za-z0-9!#%&*+-]{6,20}",
        ) {
            let line = format!("note: the root password {verb} {value} for now");
            let out = redact(&line).text;
            proptest::prop_assert!(!out.contains(&value), "{line} -> {out}");
        }

        /// What a server says: a held secret in any of its forms never survives.
        #[test]
        fn a_held_secret_never_survives_a_scrub(
            secret in "[ -~]{4,32}",
            user in "[a-z]{1,8}",
            around in "[a-z ]{0,20}",
        ) {
            let secrets = Secrets::new().basic(Some(&user), Some(&secret));
            let pair = base64(format!("{user}:{secret}").as_bytes());
            for text in [
                format!("{around}{secret}{around}"),
                format!("{around}Authorization: Basic {pair}\n{around}"),
                format!("{around}{}{around}", percent_encoded(&secret, false)),
            ] {
                let out = secrets.scrub(&text);
                proptest::prop_assert!(!out.contains(&pair), "{text} -> {out}");
                if secret.trim().len() >= 4 {
                    proptest::prop_assert!(!out.contains(&secret), "{text} -> {out}");
                }
            }
        }
    }

    #[test]
    fn words_that_merely_name_secrets_stay() {
        let clean = "Session expired for token refresh; auth failed: cookie missing";
        assert_eq!(redact(clean).text, clean);
    }

    #[test]
    fn emails_and_addresses() {
        let r = redact("mail to alice.b+x@example.org from 10.64.0.12 and 2620:0:861:ed1a::1");
        assert_eq!(r.text, "mail to [email] from [ip] and [ip]");
        // Times, versions and ordinary numbers are not addresses.
        let clean = "at 12:30:45.123 on 1.46.0-wmf.4, 256.1.1.1 is no address";
        assert_eq!(redact(clean).text, clean);
        assert!(redact(clean).removed.is_empty());
    }

    #[test]
    fn quoted_trace_arguments_are_removed_but_frames_stay() {
        let trace = "#0 /srv/mediawiki/includes/User.php(512): User->setPassword('hunter2', 3)\n\
                     #1 /srv/mediawiki/includes/Api.php(9): Api->call(\"alice@example.org\")\n\
                     #2 {main}";
        let r = redact_trace(trace);
        assert_eq!(
            r.text,
            "#0 /srv/mediawiki/includes/User.php(512): User->setPassword([arg], 3)\n\
             #1 /srv/mediawiki/includes/Api.php(9): Api->call([arg])\n\
             #2 {main}"
        );
        assert_eq!(r.removed[&Kind::QuotedArgument], 2);
    }

    #[test]
    fn request_bodies_go_whole() {
        let r = redact(r#"POST /api failed body={"user":"alice","pw":"x y"} status=500"#);
        assert_eq!(r.text, "POST /api failed body=[body] status=500");
        let r = redact(r#"payload: "a=1&b=2", request_body='{x}' post_data=raw;next"#);
        assert_eq!(
            r.text,
            "payload: [body], request_body=[body] post_data=[body];next"
        );
        assert_eq!(r.removed[&Kind::RequestBody], 3);
        // The word alone is not a body.
        let clean = "empty body in response; payload too large";
        assert_eq!(redact(clean).text, clean);
    }

    #[test]
    fn redaction_is_idempotent() {
        let once = redact("x?a=1&b=2 password=p alice@example.org 10.0.0.1 body={\"a\":1}");
        let twice = redact(&once.text);
        assert_eq!(twice.text, once.text);
        assert!(twice.removed.is_empty(), "{:?}", twice.removed);
    }

    proptest::proptest! {
        #[test]
        fn redaction_is_idempotent_on_log_like_text(
            s in "[a-zA-Z0-9@.=?&:/ '\"{}\\[\\]_#(),;-]{0,120}"
        ) {
            let once = redact(&s);
            let twice = redact(&once.text);
            proptest::prop_assert_eq!(&twice.text, &once.text);
            let t1 = redact_trace(&s);
            proptest::prop_assert_eq!(&redact_trace(&t1.text).text, &t1.text);
        }

        #[test]
        fn redaction_never_panics(s in proptest::prelude::any::<String>()) {
            let _ = redact(&s);
            let _ = redact_trace(&s);
        }
    }
}
