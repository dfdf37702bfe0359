//! Trackers tasks are filed in — Phabricator (Conduit), GitHub Issues, GitLab Issues, Jira
//! (REST v2/v3) — behind the library's [`Tracker`] trait, and what their HTTP has in common:
//! a token from the environment sent as a sensitive header or form field (never in a URL,
//! never printed), no redirects, reads retried on overload honouring `Retry-After`, creates
//! sent once, and one-line errors that say what to do.

mod github;
mod gitlab;
mod jira;
mod phabricator;

use crate::backends::http;
use logtriage::config::TrackerConfig;
use logtriage::filing::{TaskRef, Tracker, TrackerError};
use logtriage::redact::Secrets;
use logtriage::sanitize::display_safe;
use reqwest::blocking::{RequestBuilder, Response};
use std::time::Duration;

/// The default request timeout for trackers.
const TIMEOUT_SECS: u64 = 20;
/// The longest `Retry-After` a read waits for before giving up with a message.
const MAX_RETRY_AFTER_SECS: u64 = 10;

/// The tracker `cfg` describes, with its token read from the environment.
pub fn open(cfg: &TrackerConfig) -> Result<Box<dyn Tracker>, String> {
    if !matches!(
        cfg.kind.as_str(),
        "phabricator" | "github" | "gitlab" | "jira"
    ) {
        return Err(format!(
            "tracker kind {}: use phabricator, github, gitlab or jira",
            display_safe(&cfg.kind)
        ));
    }
    let token = std::env::var(&cfg.token_env)
        .ok()
        .filter(|t| !t.trim().is_empty())
        .ok_or_else(|| {
            format!(
                "tracker {}: set the API token in ${} (it is never read from the config or the command line)",
                cfg.kind, cfg.token_env
            )
        })?;
    let timeout = Duration::from_secs(cfg.timeout_secs.unwrap_or(TIMEOUT_SECS));
    let base = |default: Option<&str>| -> Result<String, String> {
        let url = cfg
            .url
            .as_deref()
            .or(default)
            .ok_or_else(|| format!("tracker {}: set url", cfg.kind))?;
        if !(url.starts_with("https://") || is_loopback_http(url)) {
            return Err(format!(
                "tracker {}: url must start with https:// (the token must not travel in clear; plain http is allowed to this machine only)",
                cfg.kind
            ));
        }
        if url.contains('@') {
            return Err(format!(
                "tracker {}: no credentials in the url; use token_env",
                cfg.kind
            ));
        }
        Ok(url.trim_end_matches('/').to_string())
    };
    let project = || {
        cfg.project
            .clone()
            .ok_or_else(|| format!("tracker {}: set project", cfg.kind))
    };
    let default_url = (cfg.kind == "github").then_some("https://api.github.com");
    let api = Api::new(&cfg.kind, base(default_url)?, timeout, token)?;
    Ok(match cfg.kind.as_str() {
        "phabricator" => Box::new(phabricator::Phabricator::new(api, cfg)),
        "github" => Box::new(github::GitHub::new(api, project()?, cfg)?),
        "gitlab" => Box::new(gitlab::GitLab::new(api, project()?, cfg)),
        "jira" => {
            let user = match &cfg.user_env {
                Some(v) => Some(
                    std::env::var(v)
                        .map_err(|_| format!("tracker jira: set the account email in ${v}"))?,
                ),
                None => None,
            };
            Box::new(jira::Jira::new(api, project()?, user, cfg)?)
        }
        other => {
            return Err(format!(
                "tracker kind {}: use phabricator, github, gitlab or jira",
                display_safe(other)
            ));
        }
    })
}

/// `http://` to this machine (a local proxy, a test server).
fn is_loopback_http(url: &str) -> bool {
    let Some(rest) = url.strip_prefix("http://") else {
        return false;
    };
    let host = rest.split('/').next().unwrap_or("");
    let host = match host.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => host.rsplit_once(':').map_or(host, |(h, _)| h),
    };
    host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// One tracker's HTTP: its base URL, client and token.
pub struct Api {
    pub kind: String,
    pub base: String,
    client: reqwest::blocking::Client,
    token: Token,
    secrets: Secrets,
}

/// The token: shown nowhere.
struct Token(String);

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[REDACTED]")
    }
}

/// An answer: status, `Retry-After` seconds, rate-limit reset, body.
pub struct Answer {
    pub status: u16,
    pub retry_after: Option<u64>,
    pub rate_limit_exhausted: bool,
    pub body: String,
    /// The tracker's token, to remove from anything of the answer that is shown.
    secrets: Secrets,
}

impl Answer {
    pub fn json(&self, what: &str) -> Result<serde_json::Value, TrackerError> {
        serde_json::from_str(&self.body).map_err(|e| {
            TrackerError::new(format!(
                "{what}: the tracker's answer is not JSON ({e}): {}",
                http::excerpt(&self.body, &self.secrets)
            ))
        })
    }
}

impl Api {
    fn new(kind: &str, base: String, timeout: Duration, token: String) -> Result<Api, String> {
        Ok(Api {
            kind: kind.to_string(),
            base,
            client: http::client(&format!("tracker {kind}"), timeout)?,
            secrets: Secrets::new().with(Some(&token)),
            token: Token(token),
        })
    }

    pub fn token(&self) -> &str {
        &self.token.0
    }

    pub fn client(&self) -> &reqwest::blocking::Client {
        &self.client
    }

    /// A header value holding the token, marked sensitive so it is never logged.
    pub fn secret_header(&self, value: String) -> reqwest::header::HeaderValue {
        let mut v = reqwest::header::HeaderValue::from_str(&value)
            .unwrap_or_else(|_| reqwest::header::HeaderValue::from_static("invalid-token"));
        v.set_sensitive(true);
        v
    }

    /// Sends a request once. A request that got no answer is an error whose outcome is
    /// unknown unless the connection was never made.
    pub fn send(&self, what: &str, req: RequestBuilder) -> Result<Answer, TrackerError> {
        let resp: Response = req.send().map_err(|e| {
            let f = http::transport_failure(&format!("{} {what}", self.kind), &e);
            TrackerError {
                message: f.message,
                outcome_unknown: !e.is_connect(),
            }
        })?;
        let status = resp.status().as_u16();
        let header = |n: &str| {
            resp.headers()
                .get(n)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let retry_after = header("retry-after").and_then(|v| v.trim().parse().ok());
        let rate_limit_exhausted = header("x-ratelimit-remaining").as_deref() == Some("0");
        let body = resp.text().map_err(|e| TrackerError {
            message: format!("{} {what}: the answer was cut off: {e}", self.kind),
            outcome_unknown: true,
        })?;
        Ok(Answer {
            status,
            retry_after,
            rate_limit_exhausted,
            body,
            secrets: self.secrets.clone(),
        })
    }

    /// A read: sent up to [`http::READ_ATTEMPTS`] times on timeouts, 5xx and rate limits
    /// whose `Retry-After` is short; the answer must be 2xx.
    pub fn read(
        &self,
        what: &str,
        make: impl Fn() -> RequestBuilder,
    ) -> Result<Answer, TrackerError> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            let last = attempt >= http::READ_ATTEMPTS;
            match self.send(what, make()) {
                Err(e) if !last && e.message.contains("timed out") => {
                    std::thread::sleep(Duration::from_millis(200 << attempt));
                }
                Err(e) => return Err(e),
                Ok(a) if (200..300).contains(&a.status) => return Ok(a),
                Ok(a) if !last && is_rate_limited(&a) => match a.retry_after {
                    Some(s) if s <= MAX_RETRY_AFTER_SECS => {
                        std::thread::sleep(Duration::from_secs(s));
                    }
                    None if a.status == 429 => {
                        std::thread::sleep(Duration::from_millis(500 << attempt));
                    }
                    _ => return Err(self.refused(what, &a)),
                },
                Ok(a) if !last && matches!(a.status, 502..=504) => {
                    std::thread::sleep(Duration::from_millis(200 << attempt));
                }
                Ok(a) => {
                    let mut e = self.refused(what, &a);
                    if attempt > 1 {
                        e.message = format!("{} (after {attempt} attempts)", e.message);
                    }
                    return Err(e);
                }
            }
        }
    }

    /// A create: sent once. 2xx is the answer; anything else is an error, whose outcome is
    /// unknown for 5xx (the tracker may have created the task before failing).
    pub fn create(&self, what: &str, req: RequestBuilder) -> Result<Answer, TrackerError> {
        let a = self.send(what, req)?;
        if (200..300).contains(&a.status) {
            return Ok(a);
        }
        let mut e = self.refused(what, &a);
        e.outcome_unknown = a.status >= 500;
        Err(e)
    }

    /// The error for a non-2xx answer, in words.
    pub fn refused(&self, what: &str, a: &Answer) -> TrackerError {
        let kind = &self.kind;
        let detail = http::excerpt(&a.body, &self.secrets);
        let message = if is_rate_limited(a) {
            let wait = a
                .retry_after
                .map_or_else(|| "a minute or more".to_string(), |s| format!("{s} s"));
            format!(
                "{kind} {what}: rate limited (HTTP {}); nothing more is sent now, try again in {wait}",
                a.status
            )
        } else {
            match a.status {
                401 => format!(
                    "{kind} {what}: the tracker refused the token (HTTP 401); check the token in the configured token_env variable"
                ),
                403 => format!("{kind} {what}: the token may not do this (HTTP 403): {detail}"),
                404 => format!(
                    "{kind} {what}: not found (HTTP 404): check the tracker url and project, and that the token can see them: {detail}"
                ),
                400 | 422 => format!(
                    "{kind} {what}: the tracker rejected the request (HTTP {}): {detail}",
                    a.status
                ),
                s => format!("{kind} {what}: HTTP {s}: {detail}"),
            }
        };
        TrackerError::new(self.scrub(&message))
    }

    /// `text` with the token and any echoed credential removed, in case a tracker or a
    /// proxy echoes the request in an error.
    pub fn scrub(&self, text: &str) -> String {
        self.secrets.scrub(text)
    }
}

/// 429, or GitHub's 403 with a `Retry-After` or an exhausted rate limit (its secondary and
/// primary rate limits).
fn is_rate_limited(a: &Answer) -> bool {
    a.status == 429 || (a.status == 403 && (a.retry_after.is_some() || a.rate_limit_exhausted))
}

/// Where a tracker finds the train's blocker task: `parent` (an id or URL, looked up) or
/// else `parent_title` (found among open tasks); none when neither is configured.
pub struct ParentRule {
    task: Option<String>,
    title: Option<String>,
}

impl ParentRule {
    pub fn new(cfg: &TrackerConfig) -> ParentRule {
        ParentRule {
            task: cfg.parent.clone(),
            title: cfg.parent_title.clone(),
        }
    }

    /// `parent` names the task itself.
    pub fn names_a_task(&self) -> bool {
        self.task.is_some()
    }

    pub fn resolve(
        &self,
        tracker: &dyn Tracker,
        version: &str,
    ) -> Result<Option<TaskRef>, TrackerError> {
        if let Some(p) = &self.task {
            return match tracker.lookup(p)? {
                Some(t) => Ok(Some(t)),
                None => Err(TrackerError::new(format!(
                    "{}: parent {p:?} is not one of its tasks; set parent in [tracker] to its id or URL",
                    tracker.name()
                ))),
            };
        }
        match &self.title {
            Some(t) => parent_by_title(tracker, t, version),
            None => Ok(None),
        }
    }
}

/// The open task titled `template` (with `{version}` filled in), for trackers configured
/// with `parent_title`.
pub fn parent_by_title(
    tracker: &dyn Tracker,
    template: &str,
    version: &str,
) -> Result<Option<TaskRef>, TrackerError> {
    let title = template.replace("{version}", version);
    logtriage::filing::duplicates(tracker, &title)?
        .into_iter()
        .next()
        .map(Some)
        .ok_or_else(|| {
            TrackerError::new(format!(
                "{}: no open task titled {title:?}; create the train's blocker task, or set parent in [tracker]",
                tracker.name()
            ))
        })
}

/// `what, labels a, b` — a destination with its labels, for previews.
pub fn with_labels(what: String, labels: &[String]) -> String {
    if labels.is_empty() {
        what
    } else {
        format!("{what}, labels {}", labels.join(", "))
    }
}

/// Words of `text` that are safe in any tracker's full-text query: letters, digits and
/// a few joiners; everything else separates words.
pub fn search_words(text: &str) -> String {
    text.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.' || c == '-'))
        .map(|w| w.trim_matches(|c| c == '.' || c == '-'))
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Percent-encodes one path segment or query value.
pub fn encode(s: &str) -> String {
    logtriage::source::percent_encode(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_only_to_this_machine() {
        for ok in [
            "http://127.0.0.1:8080",
            "http://localhost/x",
            "http://[::1]:9/",
        ] {
            assert!(is_loopback_http(ok), "{ok}");
        }
        for no in [
            "http://phab.example",
            "http://127.0.0.1.evil.example",
            "https://x",
            "http://10.0.0.1",
        ] {
            assert!(!is_loopback_http(no), "{no}");
        }
    }

    #[test]
    fn search_words_drop_query_syntax() {
        assert_eq!(
            search_words("TypeError: \"x\" AND (y) -z* in Foo.php 1.46.0-wmf.4"),
            "TypeError x AND y z in Foo.php 1.46.0-wmf.4"
        );
    }
}
