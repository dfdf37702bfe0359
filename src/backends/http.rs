//! What every backend shares over HTTP: the client's timeouts, one-line causes for transport
//! failures, bounded retries with backoff and jitter for reads, and short safe excerpts of
//! a server's answer for error messages.

use logtriage::redact::Secrets;
use logtriage::sanitize::display_safe;
use std::time::{Duration, Instant};

/// Reads are tried at most this many times.
pub const READ_ATTEMPTS: u32 = 3;
const BACKOFF_BASE_MS: u64 = 200;
const BACKOFF_CAP_MS: u64 = 2_000;

/// A failed request, and whether trying again may help.
pub struct Failure {
    pub message: String,
    pub transient: bool,
}

impl Failure {
    /// A failure that trying again will not fix (bad credentials, a missing index, a query
    /// the server refuses).
    pub fn fatal(message: String) -> Failure {
        Failure {
            message,
            transient: false,
        }
    }
}

/// The HTTP statuses worth a retry: the server or a proxy in front of it is overloaded or
/// restarting.
pub fn transient_status(status: u16) -> bool {
    matches!(status, 429 | 502..=504)
}

/// A blocking client: 5 s to connect, `timeout` for the whole request, no redirects (a
/// redirect to a login page must not look like an answer), TLS certificates verified.
pub fn client(name: &str, timeout: Duration) -> Result<reqwest::blocking::Client, String> {
    // rustls needs one process-wide crypto provider; a second install is refused, harmlessly.
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::blocking::Client::builder()
        .connect_timeout(Duration::from_secs(5))
        .timeout(timeout)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| format!("{name}: cannot set up HTTP: {e}"))
}

/// The failure for a request that got no answer, named by `name`: timed out, unreachable,
/// TLS, or failed for another reason. Timeouts and refused connections are transient.
pub fn transport_failure(name: &str, e: &reqwest::Error) -> Failure {
    let chain = error_chain(e);
    let lower = chain.to_ascii_lowercase();
    let cause = if e.is_timeout() {
        "timed out"
    } else if ["certificate", "tls", "ssl", "handshake", "corrupt message"]
        .iter()
        .any(|w| lower.contains(w))
    {
        "TLS failed"
    } else if e.is_connect() {
        "unreachable (connection refused or no route)"
    } else {
        "request failed"
    };
    Failure {
        message: format!("{name}: {cause}: {}", display_safe(&chain)),
        transient: e.is_timeout() || (e.is_connect() && cause != "TLS failed"),
    }
}

/// The error and its causes, without the URL (which may carry a path the user did not
/// choose to show), on one line.
fn error_chain(e: &reqwest::Error) -> String {
    let mut parts = vec![e.without_url_ref_string()];
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        let text = s.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        source = s.source();
    }
    parts.join(": ")
}

trait WithoutUrl {
    fn without_url_ref_string(&self) -> String;
}

impl WithoutUrl for reqwest::Error {
    fn without_url_ref_string(&self) -> String {
        let text = match self.url() {
            Some(u) => self.to_string().replace(u.as_str(), "…"),
            None => self.to_string(),
        };
        text.replace(" for url (…)", "").replace(" for url", "")
    }
}

/// Splits a source URL into whether it wants TLS and what follows the scheme:
/// `NAME://…` is plain HTTP, `NAME+https://…` is HTTPS.
pub fn strip_scheme<'a>(url: &'a str, name: &str) -> Option<(bool, &'a str)> {
    if let Some(rest) = url.strip_prefix(&format!("{name}+https://")) {
        return Some((true, rest));
    }
    url.strip_prefix(&format!("{name}://"))
        .map(|rest| (false, rest))
}

/// A source URL as it may be shown: whole when it holds no `@`, else only its scheme.
/// Credentials in a URL are refused (see [`refuse_credentials`]), and a password may hold
/// `/` or `@` itself, so no part after the scheme can be shown safely.
pub fn shown_url(url: &str) -> String {
    if !url.contains('@') {
        return display_safe(url).into_owned();
    }
    match url.split_once("://") {
        Some((scheme, _))
            if scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '+') =>
        {
            format!("{scheme}://… (the rest is not shown: it may hold credentials)")
        }
        _ => "a source URL (not shown: it may hold credentials)".to_string(),
    }
}

/// Refuses a source URL that carries credentials (`user:password@`, with any characters
/// in the password): they belong in the environment or a private file, where they are
/// not shown in `ps`, shell history or error messages. Nothing of the URL is echoed.
pub fn refuse_credentials(scheme: &str, rest: &str, put_them_in: &str) -> Result<(), String> {
    // Anywhere: a password may hold `/`, `?` or `#`, so no part of the URL is known to be
    // free of it (no source's host, path or parameters needs an `@`).
    if rest.contains('@') {
        return Err(format!(
            "{scheme}://…: credentials in the URL are refused; put them in {put_them_in}"
        ));
    }
    Ok(())
}

/// `http(s)://host:port`, with the backend's default port when none is given.
pub fn base(tls: bool, hostport: &str, default_port: u16) -> String {
    let scheme = if tls { "https" } else { "http" };
    if hostport
        .rsplit_once(':')
        .is_some_and(|(_, p)| p.parse::<u16>().is_ok())
    {
        format!("{scheme}://{hostport}")
    } else {
        format!("{scheme}://{hostport}:{default_port}")
    }
}

/// How a source made by [`base`] is shown: `NAME://host:port` or `NAME+https://host:port`.
pub fn shown(name: &str, base: &str) -> String {
    match base.strip_prefix("https://") {
        Some(hostport) => format!("{name}+https://{hostport}"),
        None => format!("{name}://{}", base.trim_start_matches("http://")),
    }
}

/// The time one run may spend on a backend: a deadline for all its requests and retries,
/// and a limit for each request. Made when the run starts (a TUI reload starts afresh).
#[derive(Clone, Copy, Debug)]
pub struct Budget {
    deadline: Instant,
    run: Duration,
    request: Duration,
}

impl Budget {
    pub fn new(run: Duration, request: Duration) -> Budget {
        let now = Instant::now();
        Budget {
            // A run limit too far away to represent is no limit.
            deadline: now
                .checked_add(run)
                .unwrap_or_else(|| now + Duration::from_secs(100 * 365 * 86_400)),
            run,
            request,
        }
    }

    pub fn of(opts: &logtriage::pipeline::Options) -> Budget {
        Budget::new(opts.run_timeout, opts.request_timeout)
    }

    /// How long the next request may take: its own limit, or what is left of the run.
    pub fn next_request(&self) -> Result<Duration, Failure> {
        let left = self.deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(Failure::fatal(self.spent()));
        }
        Ok(left.min(self.request))
    }

    /// The per-request limit, for a server-side limit a little under it.
    pub fn request_limit(&self) -> Duration {
        self.request
    }

    fn spent(&self) -> String {
        format!(
            "the run's time limit of {} s passed before the source answered in full (--timeout)",
            self.run.as_secs()
        )
    }
}

/// Runs `attempt` (given the time its request may take) until it succeeds, fails for
/// good, [`READ_ATTEMPTS`] are spent or the budget's deadline passes, sleeping a capped
/// exponential backoff with full jitter between tries.
pub fn with_retries<T>(
    budget: &Budget,
    mut attempt: impl FnMut(Duration) -> Result<T, Failure>,
) -> Result<T, String> {
    let mut seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(1, |d| d.as_nanos() as u64)
        | 1;
    let mut n = 0;
    loop {
        let result = budget.next_request().and_then(&mut attempt);
        match result {
            Ok(t) => return Ok(t),
            Err(f) if f.transient && n + 1 < READ_ATTEMPTS => {
                // xorshift: enough randomness to keep clients from retrying in lockstep.
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                let cap = (BACKOFF_BASE_MS << n).min(BACKOFF_CAP_MS);
                let pause = Duration::from_millis(seed % (cap + 1));
                if Instant::now() + pause >= budget.deadline {
                    return Err(format!("{}; {}", f.message, budget.spent()));
                }
                std::thread::sleep(pause);
                n += 1;
            }
            Err(f) if n > 0 => return Err(format!("{} (after {} attempts)", f.message, n + 1)),
            Err(f) => return Err(f.message),
        }
    }
}

/// A server's answer on one line, cut at 500 characters, safe to print: every secret the
/// run holds, and every credential a server may echo, removed first.
pub fn excerpt(body: &str, secrets: &Secrets) -> String {
    let body = secrets.scrub(body);
    let one = body.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut s = display_safe(&one).into_owned();
    if let Some((cut, _)) = s.char_indices().nth(500) {
        s.truncate(cut);
        s.push('…');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ample() -> Budget {
        Budget::new(Duration::from_secs(60), Duration::from_secs(30))
    }

    #[test]
    fn the_deadline_ends_retries_and_caps_each_request() {
        let budget = Budget::new(Duration::from_millis(300), Duration::from_secs(30));
        let mut given = Vec::new();
        let r: Result<(), String> = with_retries(&budget, |t| {
            given.push(t);
            std::thread::sleep(Duration::from_millis(250));
            Err(Failure {
                message: "timed out".into(),
                transient: true,
            })
        });
        let e = r.unwrap_err();
        assert!(e.contains("time limit of 0 s passed"), "{e}");
        assert!(
            given.iter().all(|t| *t <= Duration::from_millis(300)),
            "{given:?}"
        );
        let spent = Budget::new(Duration::ZERO, Duration::from_secs(30));
        let mut called = false;
        let r: Result<(), String> = with_retries(&spent, |_| {
            called = true;
            Ok(())
        });
        assert!(!called && r.is_err());
    }

    #[test]
    fn retries_stop_at_the_limit_and_say_how_many() {
        let mut tries = 0;
        let r: Result<(), String> = with_retries(&ample(), |_| {
            tries += 1;
            Err(Failure {
                message: "503".into(),
                transient: true,
            })
        });
        assert_eq!(tries, READ_ATTEMPTS);
        assert_eq!(r.unwrap_err(), "503 (after 3 attempts)");
    }

    #[test]
    fn fatal_failures_are_not_retried_and_success_ends_the_loop() {
        let mut tries = 0;
        let r: Result<(), String> = with_retries(&ample(), |_| {
            tries += 1;
            Err(Failure::fatal("401".into()))
        });
        assert_eq!((tries, r.unwrap_err().as_str()), (1, "401"));
        let mut tries = 0;
        let r = with_retries(&ample(), |_| {
            tries += 1;
            if tries < 2 {
                Err(Failure {
                    message: "timed out".into(),
                    transient: true,
                })
            } else {
                Ok(7)
            }
        });
        assert_eq!((tries, r), (2, Ok(7)));
    }

    #[test]
    fn schemes_choose_tls_and_default_ports() {
        assert_eq!(
            strip_scheme("loki+https://l/a=b", "loki"),
            Some((true, "l/a=b"))
        );
        assert_eq!(strip_scheme("loki://l/a=b", "loki"), Some((false, "l/a=b")));
        assert_eq!(strip_scheme("lokix://l", "loki"), None);
        assert_eq!(base(true, "ch", 8443), "https://ch:8443");
        assert_eq!(base(false, "ch:9000", 8123), "http://ch:9000");
        assert_eq!(base(false, "[::1]", 8123), "http://[::1]:8123");
        assert_eq!(base(false, "[::1]:9", 8123), "http://[::1]:9");
        assert_eq!(
            shown("clickhouse", "https://ch:8443"),
            "clickhouse+https://ch:8443"
        );
        assert_eq!(shown("loki", "http://l:3100"), "loki://l:3100");
    }

    #[test]
    fn excerpts_are_one_safe_line() {
        let none = Secrets::new();
        assert_eq!(excerpt("a\n  b\x1b[31m", &none), "a b␛[31m");
        assert_eq!(excerpt(&"é".repeat(600), &none).chars().count(), 501);
        assert_eq!(excerpt("short", &none), "short");
    }
}
