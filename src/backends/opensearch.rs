//! OpenSearch / Elasticsearch over the `_search` API: a composite aggregation over a
//! grouping key the cluster can compute (version, logger template, exception class,
//! level), paged with `after_key`, with per bucket first/last seen, one sample document,
//! top breakdown values and a date histogram. Queries are JSON built from
//! queries/opensearch/*.json with validated field names; no user text ever reaches a
//! `query_string`. Partial shard results are reported, never silently used.

use super::http::{self, Budget, Failure, excerpt};
use super::queries::Queries;
use logtriage::coarse::{CoarseRow, VersionTotal, bucket_ms};
use logtriage::config::Credentials;
use logtriage::event::Dimension;
use logtriage::input::json::{JsonPaths, KeyMemo, parse_line};
use logtriage::input::mapping::FieldMap;
use logtriage::level::Level;
use logtriage::pipeline::{Analysis, Options};
use logtriage::redact::Secrets;
use logtriage::sanitize::display_safe;
use serde_json::Value;
use std::fmt;
use std::time::Duration;

pub const USER_ENV: &str = "LOGTRIAGE_OPENSEARCH_USER";
pub const PASSWORD_ENV: &str = "LOGTRIAGE_OPENSEARCH_PASSWORD";
pub const API_KEY_ENV: &str = "LOGTRIAGE_OPENSEARCH_API_KEY";
/// Composite pages read at most (500 buckets each); hitting it is reported.
const MAX_PAGES: usize = 200;
/// Raw events read at most, over all groups without a usable key; a group that would
/// pass it keeps its one sample and is reported.
const MAX_RAW_EVENTS: u64 = 100_000;

/// Field names of the index (MediaWiki's Logstash layout by default).
pub struct Fields {
    pub time: String,
    pub version: String,
    pub template: String,
    pub error_type: String,
    pub level: String,
    pub host: String,
    pub wiki: String,
    pub service: String,
    pub url: String,
    pub channel: String,
}

impl Default for Fields {
    fn default() -> Self {
        let s = |v: &str| v.to_string();
        Fields {
            time: s("@timestamp"),
            version: s("mwversion"),
            template: s("normalized_message.keyword"),
            error_type: s("exception.class.keyword"),
            level: s("level.keyword"),
            host: s("host.keyword"),
            wiki: s("wiki.keyword"),
            service: s("servergroup.keyword"),
            url: s("exception_url.keyword"),
            channel: s("channel.keyword"),
        }
    }
}

/// `opensearch://host:9200/index-pattern` (or `elasticsearch://`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub base: String,
    pub index: String,
    scheme: String,
}

impl Target {
    pub fn parse(url: &str) -> Result<Target, String> {
        // The REST URL people already use with curl (https://host:9200/index) works too.
        let (scheme, tls, rest) = match url.strip_prefix("https://") {
            Some(rest) => ("https", true, rest),
            None => ["opensearch", "elasticsearch"]
                .into_iter()
                .find_map(|name| http::strip_scheme(url, name).map(|(tls, r)| (name, tls, r)))
                .ok_or_else(|| {
                    format!(
                        "{}: an OpenSearch source looks like opensearch://HOST:PORT/INDEX-PATTERN (opensearch+https:// or https:// for TLS)",
                        http::shown_url(url)
                    )
                })?,
        };
        http::refuse_credentials(
            scheme,
            rest,
            &format!("{USER_ENV}/{PASSWORD_ENV} or {API_KEY_ENV}"),
        )?;
        let (hostport, index) = rest
            .split_once('/')
            .ok_or_else(|| format!("{scheme}://…: no /INDEX-PATTERN after the host"))?;
        let ok = !index.is_empty()
            && index != "_all"
            && !index.contains("..")
            && index
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '*' | ','));
        if !ok {
            return Err(format!(
                "{scheme}://{hostport}/{}: bad index pattern (letters, digits, - _ . * , only; not _all)",
                display_safe(index)
            ));
        }
        Ok(Target {
            base: http::base(tls, hostport, 9200),
            index: index.to_string(),
            scheme: scheme.to_string(),
        })
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown = if self.scheme == "https" {
            self.base.clone()
        } else {
            http::shown(&self.scheme, &self.base)
        };
        write!(f, "{shown}/{}", self.index)
    }
}

fn valid_field(f: &str) -> bool {
    !f.is_empty()
        && f.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '@' | '-'))
}

/// Fills a query template: field placeholders with validated names, `"{levels}"` with a
/// JSON array, `{bucket_ms}` with a number; the result must parse as JSON.
fn build(template: &str, fields: &Fields, levels: &[String], bucket: i64) -> Result<Value, String> {
    let mut s = template.to_string();
    for (name, value) in [
        ("time", &fields.time),
        ("version", &fields.version),
        ("template", &fields.template),
        ("error_type", &fields.error_type),
        ("level", &fields.level),
        ("host", &fields.host),
        ("wiki", &fields.wiki),
        ("service", &fields.service),
        ("url", &fields.url),
        ("channel", &fields.channel),
    ] {
        if !valid_field(value) {
            return Err(format!(
                "field name {value:?} for {name} is not a plain field name"
            ));
        }
        s = s.replace(&format!("{{{name}_field}}"), value);
    }
    s = s.replace(
        "\"{levels}\"",
        &serde_json::to_string(levels).expect("strings serialize"),
    );
    s = s.replace("{bucket_ms}", &bucket.to_string());
    serde_json::from_str(&s).map_err(|e| format!("query template does not give JSON: {e}"))
}

pub struct Client {
    target: Target,
    http: reqwest::blocking::Client,
    credentials: Credentials,
    api_key: Option<String>,
    budget: Budget,
    secrets: Secrets,
}

impl Client {
    pub fn new(
        target: Target,
        credentials: Credentials,
        api_key: Option<String>,
        budget: Budget,
    ) -> Result<Client, String> {
        let http = http::client(&target.to_string(), budget.request_limit())?;
        let secrets = Secrets::new()
            .basic(credentials.user.as_deref(), credentials.password.as_deref())
            .with(api_key.as_deref());
        Ok(Client {
            target,
            http,
            credentials,
            api_key,
            budget,
            secrets,
        })
    }

    /// POSTs a search body to `<index>/_search` (a read: retried when the cluster is
    /// unreachable, overloaded or timed out, within the run's budget); returns the response
    /// JSON.
    pub fn search(&self, body: &Value) -> Result<Value, String> {
        http::with_retries(&self.budget, |timeout| self.attempt(body, timeout))
    }

    fn attempt(&self, body: &Value, timeout: Duration) -> Result<Value, Failure> {
        let t = &self.target;
        let fatal = Failure::fatal;
        let url = format!("{}/{}/_search", t.base, t.index);
        let mut req = self
            .http
            .post(&url)
            .timeout(timeout)
            .header("Content-Type", "application/json")
            .body(body.to_string());
        if let Some(k) = &self.api_key {
            let mut v = reqwest::header::HeaderValue::from_str(&format!("ApiKey {k}"))
                .map_err(|_| fatal(format!("{t}: {API_KEY_ENV} is not a valid header value")))?;
            v.set_sensitive(true);
            req = req.header("Authorization", v);
        } else if let Some(u) = &self.credentials.user {
            req = req.basic_auth(u, self.credentials.password.as_deref());
        }
        let resp = req
            .send()
            .map_err(|e| http::transport_failure(&t.to_string(), &e))?;
        let status = resp.status().as_u16();
        let text = resp
            .text()
            .map_err(|e| http::transport_failure(&t.to_string(), &e))?;
        let v: Value = serde_json::from_str(&text).map_err(|_| Failure {
            message: format!(
                "{t}: {status}: the answer is not JSON: {}",
                excerpt(&text, &self.secrets)
            ),
            transient: http::transient_status(status),
        })?;
        if status >= 400 {
            let kind = v
                .pointer("/error/type")
                .and_then(Value::as_str)
                .unwrap_or("");
            let reason = v
                .pointer("/error/reason")
                .and_then(Value::as_str)
                .unwrap_or("");
            let message = match (status, kind) {
                (401 | 403, _) => format!(
                    "{t}: {status}: check the credentials in {USER_ENV}/{PASSWORD_ENV} or {API_KEY_ENV} ({})",
                    excerpt(reason, &self.secrets)
                ),
                (404, "index_not_found_exception") => {
                    format!(
                        "{t}: no index matches {} ({})",
                        t.index,
                        excerpt(reason, &self.secrets)
                    )
                }
                _ => format!("{t}: {status}: {kind}: {}", excerpt(reason, &self.secrets)),
            };
            return Err(Failure {
                message,
                transient: http::transient_status(status),
            });
        }
        Ok(v)
    }
}

/// Problems with completeness: failed shards or a timed-out search. An answer that does
/// not say how many shards answered cannot be trusted to be complete.
fn partial(v: &Value) -> Option<String> {
    let shards = |k: &str| v.pointer(&format!("/_shards/{k}")).and_then(Value::as_u64);
    let (Some(total), Some(successful)) = (shards("total"), shards("successful")) else {
        return Some(
            "the answer has no _shards.total/successful: cannot tell that every shard answered"
                .to_string(),
        );
    };
    // Skipped shards (nothing in the time range) count as successful.
    let failed = shards("failed").unwrap_or(0);
    let missing = total.saturating_sub(successful).max(failed);
    let timed_out = v.get("timed_out").and_then(Value::as_bool).unwrap_or(false);
    match (missing, timed_out) {
        (0, false) => None,
        (f, false) => Some(format!("partial results: {f} of {total} shards failed")),
        (0, true) => Some("partial results: the search timed out".to_string()),
        (f, true) => Some(format!(
            "partial results: the search timed out and {f} of {total} shards failed"
        )),
    }
}

/// The array at `pointer` in an answer, or why the answer is not one to what was asked: a
/// proxy's 200 page, an aggregation the query named but the answer lacks. Never read as
/// "no buckets".
fn required<'v>(v: &'v Value, pointer: &str) -> Result<&'v Vec<Value>, String> {
    v.pointer(pointer).and_then(Value::as_array).ok_or_else(|| {
        format!(
            "the answer has no {}: it does not answer the query, so nothing can be concluded from it",
            pointer.trim_start_matches('/').replace('/', ".")
        )
    })
}

/// Versions whose groups count more events than the totals answer gave them (or that it
/// did not name): the answers disagree, so one of them is wrong.
fn inconsistent(totals: &[VersionTotal], rows: &[CoarseRow]) -> Vec<String> {
    let mut grouped: std::collections::BTreeMap<&str, u64> = Default::default();
    for r in rows {
        *grouped.entry(r.version.as_str()).or_default() += r.count;
    }
    grouped
        .into_iter()
        .filter_map(|(version, n)| {
            let total = totals.iter().find(|t| t.version == version).map(|t| t.events);
            match total {
                Some(t) if n <= t => None,
                Some(t) => Some(format!(
                    "the groups of version {version} count {n} events but the totals only {t}: the answers disagree"
                )),
                None => Some(format!(
                    "the groups name version {version} ({n} events), which the totals do not: the answers disagree"
                )),
            }
        })
        .collect()
}

/// Level names as the index stores them, for levels at or above `min`.
fn level_names(min: Option<Level>) -> Vec<String> {
    let names = |l: Level| -> &'static [&'static str] {
        match l {
            Level::Fatal => &[
                "FATAL",
                "CRITICAL",
                "ALERT",
                "EMERGENCY",
                "fatal",
                "critical",
            ],
            // java.util.logging's SEVERE (Tomcat, Jenkins, WildFly's JUL handlers).
            Level::Error => &["ERROR", "error", "err", "SEVERE", "severe"],
            Level::Warning => &["WARNING", "WARN", "warning", "warn"],
            Level::Notice => &["NOTICE", "notice"],
            Level::Info => &["INFO", "info"],
            Level::Debug => &["DEBUG", "debug", "TRACE", "trace"],
        }
    };
    Level::ALL
        .iter()
        .filter(|l| min.is_none_or(|m| **l >= m))
        .flat_map(|l| names(*l).iter().map(|s| s.to_string()))
        .collect()
}

/// `--since`: a range clause on the time field, added to the query's `bool` filters (a
/// query without one gets one). Without `--since` nothing is added, so documents without a
/// timestamp still count, as they do in files.
fn restrict_since(query: &mut Value, fields: &Fields, since_ms: Option<i64>) -> Result<(), String> {
    let Some(since) = since_ms else {
        return Ok(());
    };
    let clause = serde_json::json!({
        "range": { fields.time.as_str(): { "gte": since, "format": "epoch_millis" } }
    });
    let root = query
        .as_object_mut()
        .ok_or("an OpenSearch query must be a JSON object")?;
    let q = root
        .entry("query")
        .or_insert_with(|| serde_json::json!({ "bool": { "filter": [] } }));
    let filter = q
        .pointer_mut("/bool/filter")
        .and_then(Value::as_array_mut)
        .ok_or("--since needs the query's filters in query.bool.filter (an array)")?;
    filter.push(clause);
    Ok(())
}

fn ms(v: Option<&Value>) -> Option<i64> {
    v.and_then(|x| x.get("value"))
        .and_then(Value::as_f64)
        .filter(|f| f.is_finite() && *f > 0.0)
        .map(|f| f as i64)
}

/// Reads an index pattern: totals per version, then every composite page of groups.
pub fn analyze(
    client: &Client,
    fields: &Fields,
    opts: &Options,
    queries: &Queries,
) -> Result<Analysis, String> {
    let t = &client.target;
    let mut problems = Vec::new();
    let mut totals_query = build(&queries.get("opensearch/totals.json")?, fields, &[], 60_000)?;
    restrict_since(&mut totals_query, fields, opts.since_ms)?;
    let totals_resp = client.search(&totals_query)?;
    problems.extend(partial(&totals_resp));
    let version_buckets = required(&totals_resp, "/aggregations/versions/buckets")
        .map_err(|e| format!("{t}: totals: {e}"))?;
    if let Some(other) = totals_resp
        .pointer("/aggregations/versions/sum_other_doc_count")
        .and_then(Value::as_u64)
        .filter(|&n| n > 0)
    {
        problems.push(format!(
            "{other} events are of versions beyond the 1000 the totals list: the newest may be among them"
        ));
    }
    let totals: Vec<VersionTotal> = version_buckets
        .iter()
        .map(|b| VersionTotal {
            version: b
                .get("key")
                .map(|k| k.as_str().map_or(k.to_string(), str::to_string))
                .unwrap_or_default(),
            events: b.get("doc_count").and_then(Value::as_u64).unwrap_or(0),
            first_ms: ms(b.get("first")),
            last_ms: ms(b.get("last")),
        })
        .collect();
    let lo = totals.iter().filter_map(|v| v.first_ms).min();
    let hi = totals.iter().filter_map(|v| v.last_ms).max();
    let width = match (lo, hi) {
        (Some(l), Some(h)) => bucket_ms(l, h),
        _ => 60_000,
    };
    let mut query = build(
        &queries.get("opensearch/groups.json")?,
        fields,
        &level_names(opts.min_level),
        width,
    )?;
    restrict_since(&mut query, fields, opts.since_ms)?;
    let paths = JsonPaths::new(&opts.fields);
    let mut memo = KeyMemo::default();
    let mut rows = Vec::new();
    let mut keyless = Vec::new();
    let mut pages = 0;
    loop {
        let resp = client.search(&query)?;
        problems.extend(partial(&resp));
        let buckets = required(&resp, "/aggregations/groups/buckets")
            .map_err(|e| format!("{t}: groups: {e}"))?
            .clone();
        for b in &buckets {
            let r = row(b, &opts.fields, &paths, &mut memo);
            // No template and no exception class: the cluster cannot tell these events
            // apart, so they are read one by one and fingerprinted like file lines.
            if r.template.is_none() && r.error_type.is_none() && r.count > 1 {
                keyless.push((b["key"].clone(), r));
            } else {
                rows.push(r);
            }
        }
        pages += 1;
        let after = resp.pointer("/aggregations/groups/after_key").cloned();
        match after {
            Some(a) if !buckets.is_empty() && pages < MAX_PAGES => {
                query["aggs"]["groups"]["composite"]["after"] = a
            }
            Some(_) if !buckets.is_empty() => {
                problems.push(format!(
                    "stopped after {MAX_PAGES} pages of groups: the rest was not read"
                ));
                break;
            }
            _ => break,
        }
    }
    let raw_query = queries.get("opensearch/raw.json")?;
    let mut budget = MAX_RAW_EVENTS;
    for (key, r) in keyless {
        if r.count > budget {
            problems.push(format!(
                "{} {} events of version {} have no {} or {}: more than the {MAX_RAW_EVENTS} raw events read, so they are one group from a sample",
                r.count,
                r.level.map_or("unleveled", |l| l.as_str()),
                r.version,
                fields.template,
                fields.error_type
            ));
            rows.push(r);
            continue;
        }
        budget -= r.count;
        let mut q = build(&raw_query, fields, &[], width)?;
        restrict_since(&mut q, fields, opts.since_ms)?;
        let filter = q
            .pointer_mut("/query/bool/filter")
            .and_then(Value::as_array_mut)
            .ok_or("opensearch/raw.json needs query.bool.filter (an array)")?;
        for (k, field) in [("version", &fields.version), ("level", &fields.level)] {
            match key.get(k).filter(|v| !v.is_null()) {
                Some(v) => filter.push(serde_json::json!({ "term": { field.as_str(): v } })),
                None => filter.push(serde_json::json!({
                    "bool": { "must_not": { "exists": { "field": field.as_str() } } }
                })),
            }
        }
        let before = rows.len();
        let mut read = 0u64;
        loop {
            let resp = client.search(&q)?;
            problems.extend(partial(&resp));
            let hits = required(&resp, "/hits/hits")
                .map_err(|e| format!("{t}: events: {e}"))?
                .clone();
            for h in &hits {
                let source = h
                    .get("_source")
                    .map_or_else(|| "{}".into(), Value::to_string);
                rows.push(event_row(
                    &source,
                    &r,
                    width,
                    &opts.fields,
                    &paths,
                    &mut memo,
                ));
            }
            read += hits.len() as u64;
            match hits.last().and_then(|h| h.get("sort")) {
                Some(after) if read < r.count => q["search_after"] = after.clone(),
                _ => break,
            }
        }
        if read != r.count {
            problems.push(format!(
                "version {}: {} events without a usable key were counted but {read} were read",
                r.version, r.count
            ));
            rows.truncate(before);
            rows.push(r);
        }
    }
    problems.extend(inconsistent(&totals, &rows));
    let mut a =
        logtriage::coarse::analysis(&t.to_string(), "opensearch", totals, rows, &opts.grouping);
    problems.dedup();
    if !problems.is_empty() {
        a.sources[0].error = Some(problems.join("; "));
    }
    Ok(a)
}

/// One composite bucket as a coarse row; the sample document is read with the same field
/// mapping as NDJSON files.
fn row(b: &Value, fields: &FieldMap, paths: &JsonPaths, memo: &mut KeyMemo) -> CoarseRow {
    let key = |k: &str| {
        b.pointer(&format!("/key/{k}"))
            .and_then(Value::as_str)
            .map(str::to_string)
            .filter(|s| !s.is_empty())
    };
    let source = b
        .pointer("/sample/hits/hits/0/_source")
        .map(Value::to_string)
        .unwrap_or_else(|| "{}".into());
    let mut r = CoarseRow {
        version: key("version").unwrap_or_default(),
        level: key("level").and_then(|l| Level::from_name(&l)),
        template: key("template"),
        error_type: key("error_type"),
        count: b.get("doc_count").and_then(Value::as_u64).unwrap_or(0),
        first_ms: ms(b.get("first")),
        last_ms: ms(b.get("last")),
        ..CoarseRow::default()
    };
    if let Ok(ev) = parse_line(&source, fields, paths, memo) {
        take_sample(&mut r, &ev);
    }
    for d in Dimension::ALL {
        for tb in b
            .pointer(&format!("/{}/buckets", d.name()))
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let (Some(k), Some(n)) = (
                tb.get("key").and_then(Value::as_str),
                tb.get("doc_count").and_then(Value::as_u64),
            ) {
                r.values.push((d, k.to_string(), n));
            }
        }
    }
    for hb in b
        .pointer("/histogram/buckets")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if let (Some(k), Some(n)) = (
            hb.get("key").and_then(Value::as_i64),
            hb.get("doc_count").and_then(Value::as_u64),
        ) {
            r.buckets.push((k, n));
        }
    }
    r
}

/// The sample event's text, code location and breakdown values, into its row.
fn take_sample(r: &mut CoarseRow, ev: &logtriage::event::Event) {
    r.sample_message = ev.message.to_string();
    r.sample_error_message = ev.error_message.as_deref().map(str::to_string);
    r.sample_request_id = ev.request_id.as_deref().map(str::to_string);
    r.stack = ev.stack.as_deref().map(str::to_string);
    r.origin = ev.origin.as_deref().map(str::to_string);
    r.fingerprint_field = ev.fingerprint.as_deref().map(str::to_string);
    r.sample_dims = Dimension::ALL
        .iter()
        .filter_map(|d| ev.dim(*d).map(|v| (*d, v.to_string())))
        .collect();
}

/// One raw event of a keyless group as a coarse row of one event, so that fingerprinting
/// and merging treat it exactly like a file line.
fn event_row(
    source: &str,
    group: &CoarseRow,
    width: i64,
    fields: &FieldMap,
    paths: &JsonPaths,
    memo: &mut KeyMemo,
) -> CoarseRow {
    let mut r = CoarseRow {
        version: group.version.clone(),
        level: group.level,
        count: 1,
        ..CoarseRow::default()
    };
    if let Ok(ev) = parse_line(source, fields, paths, memo) {
        r.first_ms = ev.timestamp;
        r.last_ms = ev.timestamp;
        if let Some(ts) = ev.timestamp {
            r.buckets.push((ts.div_euclid(width) * width, 1));
        }
        take_sample(&mut r, &ev);
        r.values = r
            .sample_dims
            .iter()
            .map(|(d, v)| (*d, v.clone(), 1))
            .collect();
    }
    r
}

/// An index pattern as a [`logtriage::source::Source`].
pub struct OpenSearchSource {
    pub target: Target,
    pub credentials: Credentials,
    pub api_key: Option<String>,
    /// OpenSearch Dashboards / Kibana, for links into Discover.
    pub ui_url: Option<String>,
    pub queries: Queries,
}

/// A KQL phrase, then a rison string: `"` and `\` escaped for KQL, `'` and `!` for rison.
fn kql_rison(field: &str, value: &str) -> String {
    let kql = format!(
        "{field}:\"{}\"",
        value.replace('\\', "\\\\").replace('"', "\\\"")
    );
    kql.replace('!', "!!").replace('\'', "!'")
}

impl logtriage::source::Source for OpenSearchSource {
    fn name(&self) -> String {
        self.target.to_string()
    }

    fn analyze(&self, opts: &Options) -> Result<Analysis, String> {
        let client = Client::new(
            self.target.clone(),
            self.credentials.clone(),
            self.api_key.clone(),
            http::Budget::of(opts),
        )?;
        analyze(&client, &Fields::default(), opts, &self.queries)
    }

    /// Discover, filtered to the group (its logger template, else its exception class, else
    /// its message) over the compared window.
    fn link(&self, g: &logtriage::report::GroupReport, from_ms: i64, to_ms: i64) -> Option<String> {
        use logtriage::source::{percent_encode, search_phrase};
        let ui = self.ui_url.as_deref()?.trim_end_matches('/');
        let query = match (g.rule, &g.error_type) {
            ("template_field", _) => kql_rison("normalized_message", search_phrase(&g.template)),
            (_, Some(t)) => kql_rison("exception.class", t),
            _ => kql_rison("message", search_phrase(&g.template)),
        };
        let time = logtriage::input::time::format_ms;
        Some(format!(
            "{ui}/app/discover#/?_g=(time:(from:'{}',to:'{}'))&_a=(query:(language:kuery,query:'{}'))",
            time(from_ms),
            time(to_ms),
            percent_encode(&query)
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_and_index_patterns() {
        let t = Target::parse("opensearch://logstash.local:9200/logstash-*").unwrap();
        assert_eq!(t.base, "http://logstash.local:9200");
        assert_eq!(t.to_string(), "opensearch://logstash.local:9200/logstash-*");
        assert!(Target::parse("elasticsearch://es/logs-2026.11.*").is_ok());
        let tls = Target::parse("https://logstash.wikimedia.org/logstash-*").unwrap();
        assert_eq!(tls.base, "https://logstash.wikimedia.org:9200");
        assert_eq!(
            tls.to_string(),
            "https://logstash.wikimedia.org:9200/logstash-*"
        );
        let tls = Target::parse("opensearch+https://os:443/logs-*").unwrap();
        assert_eq!(
            (tls.base.as_str(), tls.to_string().as_str()),
            ("https://os:443", "opensearch+https://os:443/logs-*")
        );
        for bad in [
            "opensearch://x/_all",
            "opensearch://x/a/b",
            "opensearch://x/a?q=1",
            "opensearch://u:p@x/a",
            "opensearch://x/../a",
            "opensearch://x/",
        ] {
            assert!(Target::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn queries_are_json_with_validated_fields_and_no_query_string() {
        let q = build(
            Queries::built_in("opensearch/groups.json"),
            &Fields::default(),
            &level_names(Some(Level::Error)),
            120_000,
        )
        .unwrap();
        assert_eq!(
            q.pointer("/query/bool/filter/0/terms/level.keyword")
                .unwrap()
                .as_array()
                .unwrap()
                .len(),
            // Error's five spellings (JUL's SEVERE among them) and fatal's six.
            11
        );
        assert_eq!(
            q.pointer("/aggs/groups/aggs/histogram/date_histogram/fixed_interval")
                .unwrap(),
            "120000ms"
        );
        assert!(!q.to_string().contains("query_string"));
        let evil = Fields {
            version: "mwversion\"}},{\"script\":\"".into(),
            ..Fields::default()
        };
        assert!(
            build(
                Queries::built_in("opensearch/groups.json"),
                &evil,
                &[],
                60_000
            )
            .is_err()
        );
    }
}
