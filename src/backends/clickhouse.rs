//! ClickHouse over its HTTP interface: source URLs, credentials from the environment,
//! errors that name the source and the cause, and `ingest` (create the table from
//! queries/clickhouse/schema.sql and load events read from files).

use super::http::{self, Budget, Failure};
use super::queries::Queries;
pub use logtriage::config::Credentials;
use logtriage::event::{Dimension, Event};
use logtriage::pipeline::{self, Options, SourceSpec};
use logtriage::redact::Secrets;
use logtriage::sanitize::display_safe;
use std::fmt;
use std::time::Duration;

/// Rows per INSERT.
const BATCH_ROWS: usize = 20_000;

/// A parsed `clickhouse://host:port/db.table` source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// `http://host:port` or `https://host:port`
    pub base: String,
    pub database: String,
    pub table: String,
}

impl Target {
    pub fn parse(url: &str) -> Result<Target, String> {
        let Some((tls, rest)) = http::strip_scheme(url, "clickhouse") else {
            return Err(format!(
                "{}: a ClickHouse source looks like clickhouse://HOST:PORT/DATABASE.TABLE (clickhouse+https:// for TLS)",
                http::shown_url(url)
            ));
        };
        http::refuse_credentials(
            "clickhouse",
            rest,
            "LOGTRIAGE_CLICKHOUSE_USER and LOGTRIAGE_CLICKHOUSE_PASSWORD",
        )?;
        let shown = display_safe(url);
        let (hostport, path) = rest
            .split_once('/')
            .ok_or_else(|| format!("{shown}: no /DATABASE.TABLE after the host"))?;
        if hostport.is_empty() || hostport.contains(['?', '#', ' ']) {
            return Err(format!("{shown}: bad host {hostport:?}"));
        }
        let (database, table) = path
            .split_once('.')
            .ok_or_else(|| format!("{shown}: expected DATABASE.TABLE after the host"))?;
        for (what, name) in [("database", database), ("table", table)] {
            if !is_identifier(name) {
                return Err(format!(
                    "{shown}: {what} name {name:?} must be a plain identifier ([A-Za-z_][A-Za-z0-9_]*)"
                ));
            }
        }
        Ok(Target {
            base: http::base(tls, hostport, if tls { 8443 } else { 8123 }),
            database: database.to_string(),
            table: table.to_string(),
        })
    }

    pub fn qualified(&self) -> String {
        format!("{}.{}", self.database, self.table)
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}/{}",
            http::shown("clickhouse", &self.base),
            self.qualified()
        )
    }
}

fn is_identifier(s: &str) -> bool {
    let mut c = s.chars();
    c.next()
        .is_some_and(|f| f.is_ascii_alphabetic() || f == '_')
        && c.all(|x| x.is_ascii_alphanumeric() || x == '_')
}

/// The default credential variables (a named source can name others, or a file).
pub const USER_ENV: &str = "LOGTRIAGE_CLICKHOUSE_USER";
pub const PASSWORD_ENV: &str = "LOGTRIAGE_CLICKHOUSE_PASSWORD";

/// An HTTP client for one ClickHouse server. Credentials come from the environment and
/// travel in headers, never in URLs or messages.
pub struct Client {
    target: Target,
    http: reqwest::blocking::Client,
    user: Option<String>,
    password: Option<String>,
    budget: Budget,
    secrets: Secrets,
}

impl Client {
    pub fn new(
        target: Target,
        budget: Budget,
        credentials: &Credentials,
    ) -> Result<Client, String> {
        let http = http::client(&target.to_string(), budget.request_limit())?;
        Ok(Client {
            target,
            http,
            user: credentials.user.clone(),
            password: credentials.password.clone(),
            budget,
            secrets: Secrets::new()
                .basic(credentials.user.as_deref(), credentials.password.as_deref()),
        })
    }

    /// Runs `sql` (with `body` as its data, for INSERT) and returns the response text. Not
    /// retried: an INSERT that timed out may have landed.
    pub fn execute(&self, sql: &str, body: Vec<u8>) -> Result<String, String> {
        let timeout = self.budget.next_request().map_err(|f| f.message)?;
        self.attempt(sql, body, timeout).map_err(|f| f.message)
    }

    /// Runs a read-only query, retrying transient failures (unreachable, timeout, 502,
    /// 503, 504) up to [`READ_ATTEMPTS`] times with capped exponential backoff and full
    /// jitter, within the run's budget.
    pub fn query(&self, sql: &str) -> Result<String, String> {
        http::with_retries(&self.budget, |timeout| {
            self.attempt(sql, Vec::new(), timeout)
        })
    }

    fn attempt(&self, sql: &str, body: Vec<u8>, timeout: Duration) -> Result<String, Failure> {
        let fatal = Failure::fatal;
        let start = std::time::Instant::now();
        let mut url = reqwest::Url::parse(&format!("{}/", self.target.base))
            .map_err(|e| fatal(format!("{}: bad address: {e}", self.target)))?;
        url.query_pairs_mut().append_pair("query", sql);
        // The server stops a runaway query itself, a little before our own timeout.
        url.query_pairs_mut().append_pair(
            "max_execution_time",
            &(timeout.as_secs() * 5 / 6).max(1).to_string(),
        );
        let mut req = self.http.post(url).timeout(timeout).body(body);
        if let Some(u) = &self.user {
            req = req.header("X-ClickHouse-User", u);
        }
        if let Some(p) = &self.password {
            let mut v = reqwest::header::HeaderValue::from_str(p).map_err(|_| {
                fatal(format!(
                    "{}: LOGTRIAGE_CLICKHOUSE_PASSWORD is not a valid header value",
                    self.target
                ))
            })?;
            v.set_sensitive(true);
            req = req.header("X-ClickHouse-Key", v);
        }
        let resp = req
            .send()
            .map_err(|e| http::transport_failure(&self.target.to_string(), &e))?;
        let status = resp.status();
        let text = resp.text().map_err(|e| {
            let transient = e.is_timeout();
            Failure {
                message: http::transport_failure(&self.target.to_string(), &e).message,
                transient,
            }
        })?;
        if std::env::var_os("LOGTRIAGE_TRACE_QUERIES").is_some() {
            let first = sql.split_whitespace().take(8).collect::<Vec<_>>().join(" ");
            eprintln!(
                "[{}] {} ms, {} bytes received: {first} …",
                self.target,
                start.elapsed().as_millis(),
                text.len()
            );
        }
        if !status.is_success() {
            return Err(Failure {
                message: self.server_error(status.as_u16(), &text),
                transient: http::transient_status(status.as_u16()),
            });
        }
        // A query that fails after the headers were sent still answers 200.
        if let Some(i) = text.find("Code: ")
            && text[i..].contains("DB::Exception")
        {
            return Err(fatal(format!(
                "{}: the query failed midway: {}",
                self.target,
                http::excerpt(&text[i..], &self.secrets)
            )));
        }
        Ok(text)
    }

    fn server_error(&self, status: u16, body: &str) -> String {
        let msg = http::excerpt(body, &self.secrets);
        let t = &self.target;
        let credentials =
            "check the credentials in LOGTRIAGE_CLICKHOUSE_USER / LOGTRIAGE_CLICKHOUSE_PASSWORD";
        // ClickHouse's own error codes say more than the HTTP status.
        if msg.contains("Code: 81,") || msg.contains("UNKNOWN_DATABASE") {
            format!("{t}: database {} does not exist ({msg})", t.database)
        } else if msg.contains("Code: 60,") || msg.contains("UNKNOWN_TABLE") {
            format!("{t}: table {} does not exist ({msg})", t.qualified())
        } else if matches!(status, 401 | 403)
            || msg.contains("Code: 516,")
            || msg.contains("Code: 192,")
            || msg.contains("Code: 193,")
        {
            format!("{t}: {status}: {credentials} ({msg})")
        } else {
            format!("{t}: {status}: {msg}")
        }
    }
}

/// One row of the schema, as JSONEachRow.
fn row(ev: &Event, source: &str) -> serde_json::Value {
    let s = |v: &Option<std::borrow::Cow<'_, str>>| v.as_deref().unwrap_or("").to_string();
    let d = |dim: Dimension| ev.dim(dim).unwrap_or("").to_string();
    serde_json::json!({
        "ts_ms": ev.timestamp.unwrap_or(0),
        "version": s(&ev.version),
        "level": ev.level.map(|l| l.as_str()).unwrap_or(""),
        "message": &*ev.message,
        "template": s(&ev.template),
        "fingerprint_field": s(&ev.fingerprint),
        "error_type": s(&ev.error_type),
        "error_message": s(&ev.error_message),
        "stack": s(&ev.stack),
        "origin": s(&ev.origin),
        "request_id": s(&ev.request_id),
        "host": d(Dimension::Host),
        "service": d(Dimension::Service),
        "wiki": d(Dimension::Wiki),
        "url": d(Dimension::Url),
        "channel": d(Dimension::Channel),
        "source": source,
        "line": ev.line,
    })
}

/// What `ingest` did.
#[derive(Debug, Default)]
pub struct IngestSummary {
    pub rows: u64,
    pub malformed: u64,
    pub failed_sources: Vec<String>,
}

/// Creates the table if missing and loads every event of `specs` into it.
pub fn ingest(
    target: &Target,
    credentials: &Credentials,
    specs: &[SourceSpec],
    opts: &Options,
) -> Result<IngestSummary, String> {
    // Loading is not a gate's read: each INSERT may take minutes, and the load as long as
    // the data needs.
    let budget = Budget::new(Duration::from_secs(30 * 86_400), Duration::from_secs(300));
    let client = Client::new(target.clone(), budget, credentials)?;
    client.execute(
        &Queries::built_in("clickhouse/schema.sql").replace("{table}", &target.qualified()),
        Vec::new(),
    )?;
    let insert = format!("INSERT INTO {} FORMAT JSONEachRow", target.qualified());
    let mut summary = IngestSummary::default();
    for spec in specs {
        let name = spec.input.name();
        let mut batch: Vec<u8> = Vec::with_capacity(8 << 20);
        let mut in_batch = 0usize;
        let mut failure: Option<String> = None;
        let mut rows = 0u64;
        let mut malformed = 0u64;
        let (_, read_error) = pipeline::read_events(
            spec,
            opts,
            &mut |ev| {
                if failure.is_some() {
                    return;
                }
                serde_json::to_writer(&mut batch, &row(ev, &name)).expect("rows serialize");
                batch.push(b'\n');
                in_batch += 1;
                if in_batch >= BATCH_ROWS {
                    match client.execute(&insert, std::mem::take(&mut batch)) {
                        Ok(_) => rows += in_batch as u64,
                        Err(e) => failure = Some(e),
                    }
                    in_batch = 0;
                }
            },
            &mut |_| malformed += 1,
        );
        if failure.is_none() && in_batch > 0 {
            match client.execute(&insert, batch) {
                Ok(_) => rows += in_batch as u64,
                Err(e) => failure = Some(e),
            }
        }
        if let Some(e) = failure {
            return Err(format!("{e} (after {rows} rows from {name})"));
        }
        summary.rows += rows;
        summary.malformed += malformed;
        if let Some(e) = read_error {
            summary.failed_sources.push(format!("{name}: {e}"));
        }
    }
    Ok(summary)
}

/// The column names of the coarse key, in the order of coarse_key.sql.
const KEY_NAMES: [&str; 9] = [
    "version",
    "level",
    "template",
    "fingerprint_field",
    "error_type",
    "origin",
    "stack",
    "coarse_message",
    "coarse_error",
];

/// Fills a query template: `{table}`, `{levels}`, `{key}`, `{key_names}`, `{bucket_ms}`.
/// Only validated identifiers, level names of our own and numbers are substituted.
fn fill(
    template: &str,
    coarse_key: &str,
    target: &Target,
    levels: &str,
    bucket_ms: i64,
    since_ms: i64,
) -> String {
    let key: String = coarse_key
        .lines()
        .filter(|l| !l.trim_start().starts_with("--"))
        .collect::<Vec<_>>()
        .join(" ");
    template
        .lines()
        .filter(|l| !l.trim_start().starts_with("--"))
        .collect::<Vec<_>>()
        .join("\n")
        .replace("{key_names}", &KEY_NAMES.join(", "))
        .replace("{key}", key.trim())
        .replace("{table}", &target.qualified())
        .replace("{levels}", levels)
        .replace("{bucket_ms}", &bucket_ms.to_string())
        .replace("{since_ms}", &since_ms.to_string())
}

/// ClickHouse quotes 64-bit integers in JSON by default: read either form.
fn int(v: &serde_json::Value) -> i64 {
    v.as_i64()
        .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
        .unwrap_or(0)
}

fn text(v: &serde_json::Value) -> String {
    v.as_str().unwrap_or("").to_string()
}

fn rows(
    body: &str,
    client: &Client,
) -> Result<Vec<serde_json::Map<String, serde_json::Value>>, String> {
    let target = &client.target;
    body.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| match serde_json::from_str::<serde_json::Value>(l) {
            Ok(serde_json::Value::Object(m)) => Ok(m),
            _ => Err(format!(
                "{target}: unexpected response line: {}",
                http::excerpt(l, &client.secrets)
            )),
        })
        .collect()
}

/// Values of a breakdown field with their counts: `counts_<dim>` is `[[hash...], [n...]]`,
/// `names_<dim>` is `[[hash, value]...]`. Empty values are left out.
fn value_counts(row: &serde_json::Map<String, serde_json::Value>, dim: &str) -> Vec<(String, u64)> {
    let as_key = |v: &serde_json::Value| match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let names: std::collections::HashMap<String, String> = row
        .get(&format!("names_{dim}"))
        .and_then(|v| v.as_array())
        .into_iter()
        .flatten()
        .filter_map(|pair| {
            pair.as_array()
                .filter(|p| p.len() == 2)
                .map(|p| (as_key(&p[0]), text(&p[1])))
        })
        .collect();
    let Some(counts) = row
        .get(&format!("counts_{dim}"))
        .and_then(|v| v.as_array())
        .filter(|a| a.len() == 2)
    else {
        return Vec::new();
    };
    let (hashes, ns) = (counts[0].as_array(), counts[1].as_array());
    hashes
        .into_iter()
        .flatten()
        .zip(ns.into_iter().flatten())
        .filter_map(|(h, n)| {
            names
                .get(&as_key(h))
                .filter(|v| !v.is_empty())
                .map(|v| (v.clone(), int(n).max(0) as u64))
        })
        .collect()
}

/// Reads a ClickHouse table the way the file pipeline reads files, with the heavy
/// lifting on the server: per coarse key counts, first/last seen, a sample, breakdown
/// counts and a histogram, in one scan; [`logtriage::coarse`] fingerprints each row and
/// merges rows that share a fingerprint.
pub fn analyze(
    target: &Target,
    credentials: &Credentials,
    opts: &Options,
    queries: &Queries,
) -> Result<pipeline::Analysis, String> {
    use logtriage::coarse::{CoarseRow, VersionTotal, bucket_ms};
    use logtriage::level::Level;
    let client = Client::new(target.clone(), Budget::of(opts), credentials)?;
    let coarse_key = queries.get("clickhouse/coarse_key.sql")?;
    // Without --since every row counts, those without a timestamp (ts_ms = 0) too.
    let since_ms = opts.since_ms.unwrap_or(0);
    let mut levels: Vec<String> = Level::ALL
        .iter()
        .filter(|l| opts.min_level.is_none_or(|min| **l >= min))
        .map(|l| format!("'{}'", l.as_str()))
        .collect();
    if opts.min_level.is_none() {
        levels.push("''".into());
    }
    let levels = levels.join(", ");
    let known = |t: i64| (t > 0).then_some(t);
    let totals: Vec<VersionTotal> = rows(
        &client.query(&fill(
            &queries.get("clickhouse/totals.sql")?,
            &coarse_key,
            target,
            &levels,
            0,
            since_ms,
        ))?,
        &client,
    )?
    .iter()
    .map(|r| VersionTotal {
        version: text(&r["version"]),
        events: int(&r["events"]).max(0) as u64,
        first_ms: known(int(&r["first_ms"])),
        last_ms: known(int(&r["last_ms"])),
    })
    .collect();
    let lo = totals.iter().filter_map(|t| t.first_ms).min();
    let hi = totals.iter().filter_map(|t| t.last_ms).max();
    let width = match (lo, hi) {
        (Some(lo), Some(hi)) => bucket_ms(lo, hi),
        _ => 60_000,
    };
    let some = |v: String| Some(v).filter(|v| !v.is_empty());
    let coarse: Vec<CoarseRow> = rows(
        &client.query(&fill(
            &queries.get("clickhouse/groups.sql")?,
            &coarse_key,
            target,
            &levels,
            width,
            since_ms,
        ))?,
        &client,
    )?
    .iter()
    .map(|r| CoarseRow {
        version: text(&r["version"]),
        level: Level::from_name(r["level"].as_str().unwrap_or("")),
        template: some(text(&r["template"])),
        fingerprint_field: some(text(&r["fingerprint_field"])),
        error_type: some(text(&r["error_type"])),
        origin: some(text(&r["origin"])),
        stack: some(text(&r["stack"])),
        count: int(&r["events"]).max(0) as u64,
        first_ms: known(int(&r["first_ms"])),
        last_ms: known(int(&r["last_ms"])),
        sample_message: text(&r["sample_message"]),
        sample_error_message: some(text(&r["sample_error_message"])),
        sample_request_id: some(text(&r["sample_request_id"])),
        sample_line: int(&r["sample_line"]).max(0) as u64,
        sample_dims: Dimension::ALL
            .iter()
            .map(|d| (*d, text(&r[&format!("sample_{}", d.name())])))
            .filter(|(_, v)| !v.is_empty())
            .collect(),
        values: Dimension::ALL
            .iter()
            .flat_map(|d| {
                value_counts(r, d.name())
                    .into_iter()
                    .map(move |(v, n)| (*d, v, n))
            })
            .collect(),
        buckets: pairs(r.get("buckets")),
    })
    .collect();
    Ok(logtriage::coarse::analysis(
        &target.to_string(),
        "clickhouse",
        totals,
        coarse,
        &opts.grouping,
    ))
}

/// `[[k...], [n...]]` (ClickHouse's sumMap) as pairs.
fn pairs(v: Option<&serde_json::Value>) -> Vec<(i64, u64)> {
    let Some([ks, ns]) = v
        .and_then(|v| v.as_array())
        .and_then(|a| <&[serde_json::Value; 2]>::try_from(a.as_slice()).ok())
    else {
        return Vec::new();
    };
    ks.as_array()
        .into_iter()
        .flatten()
        .zip(ns.as_array().into_iter().flatten())
        .map(|(k, n)| (int(k), int(n).max(0) as u64))
        .collect()
}

/// A ClickHouse table as a [`logtriage::source::Source`].
pub struct ClickHouseSource {
    pub target: Target,
    pub credentials: Credentials,
    pub queries: Queries,
}

impl logtriage::source::Source for ClickHouseSource {
    fn name(&self) -> String {
        self.target.to_string()
    }

    fn analyze(&self, opts: &Options) -> Result<pipeline::Analysis, String> {
        analyze(&self.target, &self.credentials, opts, &self.queries)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        let t = Target::parse("clickhouse://127.0.0.1:18123/logs.events").unwrap();
        assert_eq!(t.base, "http://127.0.0.1:18123");
        assert_eq!(t.qualified(), "logs.events");
        assert_eq!(t.to_string(), "clickhouse://127.0.0.1:18123/logs.events");
        assert_eq!(
            Target::parse("clickhouse://ch/logs.events").unwrap().base,
            "http://ch:8123"
        );
        for bad in [
            "http://x/a.b",
            "clickhouse://x/a",
            "clickhouse://x/a.b;DROP",
            "clickhouse://u:p@x/a.b",
            "clickhouse:///a.b",
            "clickhouse://x/a.b c",
        ] {
            assert!(Target::parse(bad).is_err(), "{bad}");
        }
    }
}
