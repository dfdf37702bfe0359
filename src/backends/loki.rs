//! Loki over `query_range`: Loki cannot group by message template, so entries come back
//! (in pages of at most [`PAGE_LIMIT`], the default `max_entries_limit_per_query`) and go
//! through the same readers, fingerprints and aggregation as files. Pages move forward in
//! time from the last timestamp seen, inclusive, and drop the entries already read at that
//! timestamp, so nothing is lost or counted twice at page boundaries. Label values are
//! quoted as LogQL strings; label names must be plain identifiers.

use super::http::{self, Budget, Failure, excerpt};
use logtriage::aggregate::Aggregator;
use logtriage::config::Credentials;
use logtriage::event::Event;
use logtriage::fingerprint::Fingerprinter;
use logtriage::input::json::{JsonPaths, KeyMemo};
use logtriage::input::{logfmt, text};
use logtriage::pipeline::{Analysis, Options, SourceSummary};
use logtriage::redact::Secrets;
use logtriage::sanitize::display_safe;
use serde_json::Value;
use std::borrow::Cow;
use std::collections::HashSet;
use std::fmt;
use std::time::Duration;

pub const USER_ENV: &str = "LOGTRIAGE_LOKI_USER";
pub const PASSWORD_ENV: &str = "LOGTRIAGE_LOKI_PASSWORD";
pub const TENANT_ENV: &str = "LOGTRIAGE_LOKI_TENANT";
/// Entries per request: Loki's default `max_entries_limit_per_query`.
pub const PAGE_LIMIT: usize = 5000;
/// Entries read at most; past it the data is reported incomplete.
pub const MAX_ENTRIES: usize = 2_000_000;
/// How far back the query looks.
/// How far back the query looks unless the URL says `?since=`.
const WINDOW_NS: i64 = 7 * 24 * 3600 * 1_000_000_000;

/// `30m`, `12h`, `7d` as nanoseconds.
fn parse_window(s: &str) -> Option<i64> {
    let unit = match s.chars().last()? {
        'm' => 60,
        'h' => 3600,
        'd' => 86_400,
        _ => return None,
    };
    let n: i64 = s[..s.len() - 1].parse().ok().filter(|n| *n > 0)?;
    n.checked_mul(unit)?.checked_mul(1_000_000_000)
}

/// `loki://host:3100/label=value,label=value`: the stream selector (plus `version=~".+"`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub base: String,
    pub matchers: Vec<(String, String)>,
    /// Entries per request: `?limit=N`, default [`PAGE_LIMIT`]; at most the server's
    /// `max_entries_limit_per_query`.
    pub limit: usize,
    /// How far back from now to read: `?since=12h`, default 7 days.
    pub window_ns: i64,
}

impl Target {
    pub fn parse(url: &str) -> Result<Target, String> {
        let (tls, rest) = http::strip_scheme(url, "loki").ok_or_else(|| {
            format!(
                "{}: a Loki source looks like loki://HOST:PORT/label=value,... (loki+https:// for TLS)",
                http::shown_url(url)
            )
        })?;
        http::refuse_credentials("loki", rest, &format!("{USER_ENV}/{PASSWORD_ENV}"))?;
        let (rest, params) = rest.split_once('?').unwrap_or((rest, ""));
        let mut limit = PAGE_LIMIT;
        let mut window_ns = WINDOW_NS;
        for p in params.split('&').filter(|p| !p.is_empty()) {
            match p.split_once('=') {
                Some(("limit", n)) => {
                    limit = n.parse().ok().filter(|n| *n > 0).ok_or_else(|| {
                        format!(
                            "loki://…?limit={}: expected a positive number",
                            display_safe(n)
                        )
                    })?
                }
                Some(("since", w)) => {
                    window_ns = parse_window(w).ok_or_else(|| {
                        format!(
                            "loki://…?since={}: expected a duration like 30m, 12h or 7d",
                            display_safe(w)
                        )
                    })?
                }
                _ => {
                    return Err(format!(
                        "loki://…?{}: unknown parameter (limit=N, since=DURATION)",
                        display_safe(p)
                    ));
                }
            }
        }
        let (hostport, path) = rest.split_once('/').unwrap_or((rest, ""));
        let mut matchers = Vec::new();
        for m in path.split(',').filter(|m| !m.is_empty()) {
            let (k, v) = m.split_once('=').ok_or_else(|| {
                format!(
                    "loki://{hostport}/…: expected label=value, got {}",
                    display_safe(m)
                )
            })?;
            if !is_label(k) {
                return Err(format!(
                    "loki://{hostport}/…: label name {:?} must be [a-zA-Z_][a-zA-Z0-9_]*",
                    display_safe(k)
                ));
            }
            matchers.push((k.to_string(), v.to_string()));
        }
        Ok(Target {
            base: http::base(tls, hostport, 3100),
            matchers,
            limit,
            window_ns,
        })
    }

    /// Fills a LogQL template's `{matchers}` with the URL's label matchers, every value a
    /// quoted string.
    pub fn query(&self, template: &str) -> String {
        let matchers: Vec<String> = self
            .matchers
            .iter()
            .map(|(k, v)| format!("{k}={}", quote(v)))
            .collect();
        let template = template.trim();
        if matchers.is_empty() {
            template
                .replace("{matchers}, ", "")
                .replace("{matchers}", "")
        } else {
            template.replace("{matchers}", &matchers.join(", "))
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let m: Vec<String> = self
            .matchers
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        write!(
            f,
            "{}/{}",
            http::shown("loki", &self.base),
            display_safe(&m.join(","))
        )
    }
}

fn is_label(s: &str) -> bool {
    let mut c = s.chars();
    c.next()
        .is_some_and(|f| f.is_ascii_alphabetic() || f == '_')
        && c.all(|x| x.is_ascii_alphanumeric() || x == '_')
}

/// A LogQL (Go) double-quoted string literal.
pub fn quote(v: &str) -> String {
    let mut out = String::with_capacity(v.len() + 2);
    out.push('"');
    for c in v.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

pub struct LokiSource {
    pub target: Target,
    pub credentials: Credentials,
    pub tenant: Option<String>,
    /// Grafana's base URL (`[sources.NAME] ui_url`), for links to a group's lines in Explore.
    pub ui_url: Option<String>,
    /// The LogQL query (loki/lines.logql filled with the target's matchers), read once.
    pub query: String,
    /// The credentials and tenant, to scrub from what Loki says.
    secrets: Secrets,
}

impl LokiSource {
    pub fn new(
        target: Target,
        query: String,
        credentials: Credentials,
        tenant: Option<String>,
        ui_url: Option<String>,
    ) -> LokiSource {
        let secrets = Secrets::new()
            .basic(credentials.user.as_deref(), credentials.password.as_deref())
            .with(tenant.as_deref());
        LokiSource {
            target,
            credentials,
            tenant,
            ui_url,
            query,
            secrets,
        }
    }
}

/// The JSON string literal of `s` (Grafana's Explore state is JSON in the URL).
fn json_string(s: &str) -> String {
    serde_json::Value::String(s.to_string()).to_string()
}

impl logtriage::source::Source for LokiSource {
    fn name(&self) -> String {
        self.target.to_string()
    }

    fn analyze(&self, opts: &Options) -> Result<Analysis, String> {
        let end = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as i64);
        let start = end - self.target.window_ns;
        let since = opts
            .since_ms
            .map_or(start, |ms| ms.saturating_mul(1_000_000));
        analyze(self, opts, start.max(since), end)
    }

    /// Grafana Explore on this stream selector, line-filtered by the group's longest literal
    /// phrase, over the compared window.
    fn link(&self, g: &logtriage::report::GroupReport, from_ms: i64, to_ms: i64) -> Option<String> {
        let ui = self.ui_url.as_deref()?.trim_end_matches('/');
        let phrase = logtriage::source::search_phrase(&g.template);
        let mut expr = self.query.clone();
        if !phrase.is_empty() {
            expr.push_str(" |= ");
            expr.push_str(&quote(phrase));
        }
        let state = format!(
            r#"{{"datasource":"loki","queries":[{{"refId":"A","expr":{}}}],"range":{{"from":"{from_ms}","to":"{to_ms}"}}}}"#,
            json_string(&expr)
        );
        Some(format!(
            "{ui}/explore?left={}",
            logtriage::source::percent_encode(&state)
        ))
    }
}

/// One `query_range` page (a read: retried when Loki is unreachable, overloaded or timed
/// out).
fn request(
    src: &LokiSource,
    http: &reqwest::blocking::Client,
    budget: &Budget,
    start: i64,
    end: i64,
) -> Result<Value, String> {
    http::with_retries(budget, |timeout| {
        attempt(src, http, &src.query, start, end, timeout)
    })
}

fn attempt(
    src: &LokiSource,
    http: &reqwest::blocking::Client,
    query: &str,
    start: i64,
    end: i64,
    timeout: Duration,
) -> Result<Value, Failure> {
    let t = &src.target;
    let mut url = reqwest::Url::parse(&format!("{}/loki/api/v1/query_range", t.base))
        .map_err(|e| Failure::fatal(format!("{t}: bad address: {e}")))?;
    url.query_pairs_mut()
        .append_pair("query", query)
        .append_pair("start", &start.to_string())
        .append_pair("end", &end.to_string())
        .append_pair("limit", &t.limit.to_string())
        .append_pair("direction", "forward");
    send(src, http.get(url).timeout(timeout))
}

/// Sends a request with the source's credentials and tenant; the answer's JSON, or why not.
fn send(src: &LokiSource, mut req: reqwest::blocking::RequestBuilder) -> Result<Value, Failure> {
    let t = &src.target;
    let secrets = &src.secrets;
    if let Some(u) = &src.credentials.user {
        req = req.basic_auth(u, src.credentials.password.as_deref());
    }
    if let Some(tenant) = &src.tenant {
        req = req.header("X-Scope-OrgID", tenant);
    }
    let name = t.to_string();
    let resp = req.send().map_err(|e| http::transport_failure(&name, &e))?;
    let status = resp.status().as_u16();
    let body = resp
        .text()
        .map_err(|e| http::transport_failure(&name, &e))?;
    let message = match status {
        200 => {
            return serde_json::from_str(&body).map_err(|_| {
                Failure::fatal(format!(
                    "{t}: the answer is not JSON: {}",
                    excerpt(&body, secrets)
                ))
            });
        }
        401 | 403 => format!(
            "{t}: {status}: check the credentials in {USER_ENV}/{PASSWORD_ENV} and the tenant in {TENANT_ENV} ({})",
            excerpt(&body, secrets)
        ),
        _ => format!("{t}: {status}: {}", excerpt(&body, secrets)),
    };
    Err(Failure {
        message,
        transient: http::transient_status(status),
    })
}

/// One entry of an answer: its timestamp, its stream's labels (as a key and as a map) and
/// its line.
type Entry<'v> = (i64, String, String, &'v serde_json::Map<String, Value>);

/// The entries of a `query_range` answer, in time order (ties by stream, then line). An
/// answer that is not a streams result is refused, never read as "no entries".
fn entries_of(v: &Value) -> Result<Vec<Entry<'_>>, String> {
    let status = v.get("status").and_then(Value::as_str);
    let result = v.pointer("/data/result").and_then(Value::as_array);
    let (Some("success"), Some(result)) = (status, result) else {
        return Err(
            "the answer has no status \"success\" with data.result: it does not answer the query"
                .to_string(),
        );
    };
    let mut entries = Vec::new();
    for stream in result {
        let Some(labels) = stream.get("stream").and_then(Value::as_object) else {
            continue;
        };
        let key = serde_json::to_string(labels).unwrap_or_default();
        for e in stream
            .get("values")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let Some(ts) = e
                .get(0)
                .and_then(Value::as_str)
                .and_then(|s| s.parse::<i64>().ok())
            else {
                return Err(
                    "an entry has no timestamp in nanoseconds: the answer does not follow the API"
                        .to_string(),
                );
            };
            let line = e.get(1).and_then(Value::as_str).unwrap_or("").to_string();
            entries.push((ts, key.clone(), line, labels));
        }
    }
    entries.sort_by(|a, b| (a.0, &a.1, &a.2).cmp(&(b.0, &b.1, &b.2)));
    Ok(entries)
}

/// Where the stream selector of a LogQL query ends (after its `}`), quotes respected.
fn selector_end(query: &str) -> Option<usize> {
    let mut quote = None;
    let mut escaped = false;
    for (i, c) in query.char_indices() {
        match (quote, c) {
            (Some(_), _) if escaped => escaped = false,
            (Some(_), '\\') => escaped = true,
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '`') => quote = Some(c),
            (None, '}') => return Some(i + 1),
            _ => {}
        }
    }
    None
}

/// The query for one stream: its exact labels as the selector, the query's pipeline after.
fn stream_query(query: &str, labels: &serde_json::Map<String, Value>) -> Option<String> {
    let rest = &query[selector_end(query)?..];
    let matchers: Vec<String> = labels
        .iter()
        .filter(|(k, _)| is_label(k))
        .map(|(k, v)| format!("{k}={}", quote(v.as_str().unwrap_or(""))))
        .collect();
    Some(format!("{{{}}}{rest}", matchers.join(", ")))
}

/// The streams with entries in `[start, end)`, from `/loki/api/v1/series`.
fn series(
    src: &LokiSource,
    http: &reqwest::blocking::Client,
    budget: &Budget,
    start: i64,
    end: i64,
) -> Result<Vec<serde_json::Map<String, Value>>, String> {
    let t = &src.target;
    let selector = &src.query[..selector_end(&src.query).unwrap_or(src.query.len())];
    let v = http::with_retries(budget, |timeout| {
        let mut url = reqwest::Url::parse(&format!("{}/loki/api/v1/series", t.base))
            .map_err(|e| Failure::fatal(format!("{t}: bad address: {e}")))?;
        url.query_pairs_mut()
            .append_pair("match[]", selector)
            .append_pair("start", &start.to_string())
            .append_pair("end", &end.to_string());
        send(src, http.get(url).timeout(timeout))
    })?;
    match v.get("data").and_then(Value::as_array) {
        Some(list) if v.get("status").and_then(Value::as_str) == Some("success") => {
            Ok(list.iter().filter_map(|s| s.as_object().cloned()).collect())
        }
        _ => Err(format!(
            "{t}: series: the answer has no status \"success\" with data: it does not answer the query"
        )),
    }
}

/// Reads `[start, end]` page by page and aggregates every entry like a file line.
///
/// Loki answers a page with the first `limit` entries from `start`; the next page starts at
/// the last timestamp seen. When one timestamp holds a whole page (more entries at one
/// instant than `limit`), paging from it would ask for the same page forever: that instant
/// is read stream by stream instead (`/series` for the streams, then each stream's entries
/// at that instant), and paging goes on after it. Every request differs from the one
/// before it, and the run's budget ends the reading in any case.
pub fn analyze(src: &LokiSource, opts: &Options, start: i64, end: i64) -> Result<Analysis, String> {
    let budget = Budget::of(opts);
    let http = http::client(&src.target.to_string(), budget.request_limit())?;
    let t = &src.target;
    let paths = JsonPaths::new(&opts.fields);
    let mut memo = KeyMemo::default();
    let mut fp = Fingerprinter::default();
    let mut agg = Aggregator::default();
    let mut from = start;
    // Entries read at the boundary timestamp `from`, to drop when the next page repeats them.
    let mut at_boundary: HashSet<(String, i64, String)> = HashSet::new();
    let mut read = 0usize;
    let mut problems: Vec<String> = Vec::new();
    let mut line_no = 0u64;
    let mut take = |entry: &Entry, line_no: &mut u64, read: &mut usize| {
        let (ts, _, line, labels) = entry;
        *line_no += 1;
        *read += 1;
        ingest(
            &mut agg, &mut fp, opts, &paths, &mut memo, line, labels, *ts, *line_no,
        );
    };
    loop {
        let v = request(src, &http, &budget, from, end)?;
        let entries = entries_of(&v).map_err(|e| format!("{t}: {e}"))?;
        let page_len = entries.len();
        let first_ts = entries.first().map(|e| e.0);
        let last_ts = entries.last().map(|e| e.0);
        let full = page_len >= t.limit;
        if full && first_ts == last_ts {
            // One instant fills the page: read it stream by stream, then go on after it.
            let instant = first_ts.unwrap_or(from);
            let after = instant.saturating_add(1);
            // One stream's selector also matches streams with more labels: an entry is
            // taken once, whichever stream's query returned it.
            let mut taken: HashSet<(String, i64, String)> = if from == instant {
                std::mem::take(&mut at_boundary)
            } else {
                HashSet::new()
            };
            for labels in series(src, &http, &budget, instant, after)? {
                let Some(q) = stream_query(&src.query, &labels) else {
                    continue;
                };
                let v = http::with_retries(&budget, |timeout| {
                    attempt(src, &http, &q, instant, after, timeout)
                })?;
                let entries = entries_of(&v).map_err(|e| format!("{t}: {e}"))?;
                if entries.len() >= t.limit {
                    problems.push(format!(
                        "one stream has {} or more entries at the instant {instant} ns: those past the first {} were not read",
                        t.limit, t.limit
                    ));
                }
                // Whether `end` is inclusive differs between Loki versions: only the
                // instant itself is taken here; what follows it comes with the next page.
                for e in entries.iter().filter(|e| e.0 == instant) {
                    if taken.insert((e.1.clone(), e.0, e.2.clone())) {
                        take(e, &mut line_no, &mut read);
                    }
                }
            }
            at_boundary.clear();
            from = after;
            if from > end || instant == i64::MAX {
                break;
            }
            continue;
        }
        let mut next_boundary = HashSet::new();
        for e in &entries {
            let id = (e.1.clone(), e.0, e.2.clone());
            if e.0 == from && at_boundary.contains(&id) {
                continue;
            }
            if Some(e.0) == last_ts {
                next_boundary.insert(id);
            }
            take(e, &mut line_no, &mut read);
        }
        if !full {
            break;
        }
        if read >= MAX_ENTRIES {
            problems.push(format!(
                "stopped after {MAX_ENTRIES} entries: later entries were not read"
            ));
            break;
        }
        let Some(last) = last_ts else { break };
        if last == from {
            at_boundary.extend(next_boundary);
        } else {
            at_boundary = next_boundary;
        }
        from = last;
    }
    problems.dedup();
    let problem = (!problems.is_empty()).then(|| problems.join("; "));
    let versions = agg.versions.clone();
    let f = agg.finalize_with(&opts.grouping);
    Ok(Analysis {
        groups: f.groups,
        versions,
        sources: vec![SourceSummary {
            name: src.target.to_string(),
            format: Some("loki".into()),
            events: read as u64,
            malformed: 0,
            error: problem,
            version_field: None,
        }],
        malformed_examples: Vec::new(),
        events: Vec::new(),
        key_to_fingerprint: f.key_to_fingerprint,
        unmined: f.unmined,
        folded: f.folded,
        new_store_entries: f.new_store_entries,
    })
}

/// One entry: the line is read like a file line (JSON, logfmt or text), labels fill in
/// version and level, the entry's timestamp the time.
#[allow(clippy::too_many_arguments)]
fn ingest(
    agg: &mut Aggregator,
    fp: &mut Fingerprinter,
    opts: &Options,
    paths: &JsonPaths,
    memo: &mut KeyMemo,
    line: &str,
    labels: &serde_json::Map<String, Value>,
    ts_ns: i64,
    line_no: u64,
) {
    let trimmed = line.trim_start();
    let parsed = if trimmed.starts_with('{') {
        logtriage::input::json::parse_line(line, &opts.fields, paths, memo).ok()
    } else if logfmt::looks_like_logfmt(line) {
        logfmt::parse_line(line, &opts.fields, paths).ok()
    } else {
        Some(text::parse_event(line))
    };
    let mut ev: Event = parsed.unwrap_or_else(|| Event {
        message: Cow::Borrowed(line),
        ..Event::default()
    });
    ev.line = line_no;
    let label = |k: &str| {
        labels
            .get(k)
            .and_then(Value::as_str)
            .filter(|v| !v.is_empty())
    };
    if ev.version.is_none() {
        ev.version = label("version").map(|v| Cow::Owned(v.to_string()));
    }
    if ev.level.is_none() {
        ev.level = label("level")
            .or_else(|| label("detected_level"))
            .and_then(logtriage::level::Level::from_name);
    }
    if ev.timestamp.is_none() {
        ev.timestamp = Some(ts_ns / 1_000_000);
    }
    agg.count_event(&ev);
    let included = match (opts.min_level, ev.level) {
        (None, _) => true,
        (Some(min), Some(l)) => l >= min,
        (Some(_), None) => false,
    };
    if included {
        let prekey = fp.prekey(&ev);
        agg.add(&ev, &prekey);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backends::queries::Queries;

    #[test]
    fn selectors_quote_values_and_refuse_odd_labels() {
        let t = Target::parse("loki://loki:3100/app=mediawiki,env=prod").unwrap();
        assert_eq!(t.base, "http://loki:3100");
        assert_eq!(
            t.query(Queries::built_in("loki/lines.logql")),
            r#"{app="mediawiki", env="prod", version=~".+"}"#
        );
        // A value trying to close the selector stays one quoted string.
        let evil = Target::parse(r#"loki://l/app=x"} |= "" or {job=~".+"#).unwrap();
        assert_eq!(
            evil.query(Queries::built_in("loki/lines.logql")),
            r#"{app="x\"} |= \"\" or {job=~\".+", version=~".+"}"#
        );
        assert_eq!(quote("a\\b\nc"), r#""a\\b\nc""#);
        assert!(Target::parse("loki://l/app-name=x").is_err());
        assert!(Target::parse("loki://u:p@l/app=x").is_err());
    }

    #[test]
    fn the_window_comes_from_since() {
        let hour = 3600 * 1_000_000_000;
        assert_eq!(
            Target::parse("loki://l/a=b").unwrap().window_ns,
            7 * 24 * hour
        );
        let t = Target::parse("loki://l/a=b?since=12h&limit=10").unwrap();
        assert_eq!((t.window_ns, t.limit), (12 * hour, 10));
        assert_eq!(
            Target::parse("loki://l/a=b?since=30m").unwrap().window_ns,
            hour / 2
        );
        for bad in ["0d", "7", "7w", "-1h", "99999999999999d"] {
            let err = Target::parse(&format!("loki://l/a=b?since={bad}")).unwrap_err();
            assert!(err.contains("expected a duration"), "{bad}: {err}");
        }
    }
}
