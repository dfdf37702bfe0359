//! The built-in demo release train: deterministic logs of two train versions of several
//! services in several shapes (MediaWiki legacy NDJSON, a Java service's ECS NDJSON, a Go
//! service's logfmt), with a canary-sized current version and groups of every status; plus
//! two plain-text logs (a Python service before/after a deploy) for `logtriage diff`, and
//! the ground truth of both (`truth/report.json`, `truth/diff.json`).

use serde::Serialize;
use serde_json::json;
use std::fmt::Write as _;
use std::io;
use std::path::{Path, PathBuf};

pub const PREVIOUS: &str = "1.46.0-wmf.3";
pub const CURRENT: &str = "1.46.0-wmf.4";
/// 2026-11-17T00:00:00Z: the previous version's logs start here and run 43 hours.
const T0: i64 = 1_794_873_600_000;
const PREV_SPAN: i64 = 43 * 3_600_000;
/// The current version is on the canary stop (group0) for two hours.
const CUR_SPAN: i64 = 2 * 3_600_000;

pub const MEDIAWIKI_FILE: &str = "mediawiki.json";
pub const JAVA_FILE: &str = "search-indexer.ecs.json";
pub const GO_FILE: &str = "thumbor-proxy.logfmt";
pub const BEFORE_FILE: &str = "profile-service.before.log";
pub const AFTER_FILE: &str = "profile-service.after.log";

/// One group of the ground truth.
#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq)]
pub struct TruthGroup {
    pub label: String,
    /// A substring of the group's title.
    pub title_contains: String,
    pub previous: u64,
    pub current: u64,
    pub status: String,
}

#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq)]
pub struct Truth {
    pub current: String,
    pub previous: String,
    pub malformed_lines: u64,
    pub groups: Vec<TruthGroup>,
}

/// A tiny deterministic generator (xorshift64*): the demo is byte-identical everywhere.
/// Tests elsewhere in the crate use it for reproducible random inputs.
pub(crate) struct Rng(pub(crate) u64);

impl Rng {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    /// An index below `n`.
    #[cfg(test)]
    pub(crate) fn index(&mut self, n: usize) -> usize {
        self.below(n as u64) as usize
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len() as u64) as usize]
    }
    fn id(&mut self, len: usize) -> String {
        const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-";
        (0..len)
            .map(|_| A[self.below(A.len() as u64) as usize] as char)
            .collect()
    }
}

/// Timestamps for `n` events of a version, spread over its window.
fn times(rng: &mut Rng, version: &str, n: u64) -> Vec<i64> {
    let (start, span) = if version == CURRENT {
        (T0 + PREV_SPAN, CUR_SPAN)
    } else {
        (T0, PREV_SPAN)
    };
    (0..n)
        .map(|_| start + rng.below(span as u64) as i64)
        .collect()
}

fn iso(ms: i64) -> String {
    crate::input::time::format_ms(ms)
}

const PREV_WIKIS: &[&str] = &[
    "enwiki",
    "dewiki",
    "frwiki",
    "commonswiki",
    "wikidatawiki",
    "jawiki",
];
const CUR_WIKIS: &[&str] = &["testwiki", "mediawikiwiki", "officewiki", "test2wiki"];

fn wikis(v: &str) -> &'static [&'static str] {
    if v == CURRENT { CUR_WIKIS } else { PREV_WIKIS }
}

struct Out {
    lines: Vec<(i64, String)>,
}

impl Out {
    fn push(&mut self, t: i64, line: String) {
        self.lines.push((t, line));
    }
    fn finish(mut self, extra: &[(i64, &str)]) -> String {
        for (t, l) in extra {
            self.lines.push((*t, l.to_string()));
        }
        self.lines.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)));
        let mut s = String::new();
        for (_, l) in self.lines {
            s.push_str(&l);
            s.push('\n');
        }
        s
    }
}

fn php_trace(v: &str, frames: &[(&str, u32, &str)], shift: u32) -> String {
    let mut s = String::new();
    for (i, (file, line, call)) in frames.iter().enumerate() {
        let _ = writeln!(
            s,
            "#{i} /srv/mediawiki/php-{v}/{file}({}): {call}",
            line + shift
        );
    }
    let _ = write!(s, "#{} {{main}}", frames.len());
    s
}

#[allow(clippy::too_many_arguments)]
fn mw_event(
    rng: &mut Rng,
    v: &str,
    t: i64,
    level: &str,
    channel: &str,
    class: &str,
    normalized: &str,
    expanded: &str,
    trace: Option<String>,
    file: &str,
) -> String {
    let req = rng.id(24);
    let url = format!(
        "/w/index.php?title=Special:Search&search={}&fulltext=1",
        rng.id(6)
    );
    let mut o = json!({
        "@timestamp": iso(t),
        "type": "mediawiki",
        "channel": channel,
        "level": level,
        "mwversion": v,
        "wiki": rng.pick(wikis(v)),
        "host": format!("mw{}", 1300 + rng.below(160)),
        "reqId": req,
        "url": url,
        "servergroup": "appserver",
        "normalized_message": normalized,
        "message": format!("[{req}] {url}   {expanded}"),
        "exception_url": url,
    });
    if let Some(tr) = trace {
        o["exception"] = json!({
            "class": class,
            "message": expanded.split_once(": ").map_or(expanded, |x| x.1),
            "file": format!("/srv/mediawiki/php-{v}/{file}"),
            "trace": tr,
        });
    }
    o.to_string()
}

fn mediawiki(rng: &mut Rng, truth: &mut Vec<TruthGroup>) -> String {
    let mut out = Out { lines: Vec::new() };
    let shift = |v: &str| if v == CURRENT { 7 } else { 0 };
    // A: steady database lock timeouts, with a trace whose paths carry the version.
    for (v, n) in [(PREVIOUS, 400u64), (CURRENT, 40)] {
        for t in times(rng, v, n) {
            let db = format!("db{}", 1100 + rng.below(90));
            let trace = php_trace(
                v,
                &[
                    (
                        "includes/libs/rdbms/database/Database.php",
                        1203,
                        "Wikimedia\\Rdbms\\Database->getQueryException(string, int, string, string)",
                    ),
                    (
                        "includes/libs/rdbms/database/Database.php",
                        1187,
                        "Wikimedia\\Rdbms\\Database->reportQueryError(string, int, string, string, bool)",
                    ),
                    (
                        "includes/page/PageStore.php",
                        288,
                        "Wikimedia\\Rdbms\\Database->select(array, array, array, string)",
                    ),
                ],
                shift(v),
            );
            let expanded = format!(
                "Wikimedia\\Rdbms\\DBQueryError: Error 1205: Lock wait timeout exceeded; try restarting transaction ({db})"
            );
            out.push(t, mw_event(rng, v, t, "ERROR", "exception", "Wikimedia\\Rdbms\\DBQueryError", "[{reqId}] {exception_url}   Wikimedia\\Rdbms\\DBQueryError: Error 1205: Lock wait timeout exceeded; try restarting transaction ({db_server})", &expanded, Some(trace), "includes/libs/rdbms/database/Database.php:1203"));
        }
    }
    truth.push(tg(
        "mw-db-lock-timeout",
        "Lock wait timeout exceeded",
        400,
        40,
        "steady",
    ));
    // B: steady PHP warnings (no trace: grouped by the normalized message).
    for (v, n) in [(PREVIOUS, 300u64), (CURRENT, 31)] {
        for t in times(rng, v, n) {
            let line = 80 + shift(v);
            out.push(t, mw_event(rng, v, t, "WARNING", "error", "", "PHP Warning: Undefined array key \"title\"", &format!("PHP Warning: Undefined array key \"title\" in /srv/mediawiki/php-{v}/includes/skins/SkinTemplate.php on line {line}"), None, ""));
        }
    }
    truth.push(tg(
        "mw-php-warning",
        "Undefined array key",
        300,
        31,
        "steady",
    ));
    // M: steady memcached errors whose normalized message has PSR-3 placeholders.
    for (v, n) in [(PREVIOUS, 250u64), (CURRENT, 24)] {
        for t in times(rng, v, n) {
            let key = format!("WANCache:{}:page:{}", rng.pick(wikis(v)), rng.below(99999));
            let expanded = format!(
                "Memcached error for key \"{key}\" on server \"10.64.{}.{}:11211\": A TIMEOUT OCCURRED",
                rng.below(50),
                rng.below(250)
            );
            out.push(t, mw_event(rng, v, t, "ERROR", "memcached", "", "Memcached error for key \"{memcached-key}\" on server \"{memcached-server}\": A TIMEOUT OCCURRED", &expanded, None, ""));
        }
    }
    truth.push(tg(
        "mw-memcached-timeout",
        "Memcached error for key",
        250,
        24,
        "steady",
    ));
    // E: regressed: too many connections, 12x the normalized rate.
    for (v, n) in [(PREVIOUS, 50u64), (CURRENT, 60)] {
        for t in times(rng, v, n) {
            let trace = php_trace(
                v,
                &[
                    (
                        "includes/libs/rdbms/loadbalancer/LoadBalancer.php",
                        1650,
                        "Wikimedia\\Rdbms\\LoadBalancer->reportConnectionError()",
                    ),
                    (
                        "includes/libs/rdbms/loadbalancer/LoadBalancer.php",
                        910,
                        "Wikimedia\\Rdbms\\LoadBalancer->getServerConnection(int, string, int)",
                    ),
                    (
                        "includes/Revision/RevisionStore.php",
                        1492,
                        "Wikimedia\\Rdbms\\LoadBalancer->getConnection(int)",
                    ),
                ],
                shift(v),
            );
            let db = format!("10.64.{}.{}", rng.below(50), rng.below(250));
            out.push(t, mw_event(rng, v, t, "ERROR", "exception", "Wikimedia\\Rdbms\\DBConnectionError", "[{reqId}] {exception_url}   Wikimedia\\Rdbms\\DBConnectionError: Cannot access the database: Too many connections ({db_server})", &format!("Wikimedia\\Rdbms\\DBConnectionError: Cannot access the database: Too many connections ({db})"), Some(trace), "includes/libs/rdbms/loadbalancer/LoadBalancer.php:1650"));
        }
    }
    truth.push(tg(
        "mw-db-too-many-connections",
        "Too many connections",
        50,
        60,
        "regressed",
    ));
    // F: new in the current version, and loud: a TypeError from the parser.
    for t in times(rng, CURRENT, 85) {
        let trace = php_trace(
            CURRENT,
            &[
                (
                    "includes/parser/ParserOutput.php",
                    512,
                    "MediaWiki\\Parser\\ParserOutput->getText(array)",
                ),
                (
                    "includes/page/Article.php",
                    803,
                    "MediaWiki\\Parser\\ParserOutput->runOutputPipeline(MediaWiki\\Parser\\ParserOptions, array)",
                ),
                ("includes/actions/ViewAction.php", 78, "Article->view()"),
            ],
            0,
        );
        out.push(t, mw_event(rng, CURRENT, t, "ERROR", "exception", "TypeError", "[{reqId}] {exception_url}   TypeError: MediaWiki\\Parser\\ParserOutput::getText(): Return value must be of type string, null returned", "TypeError: MediaWiki\\Parser\\ParserOutput::getText(): Return value must be of type string, null returned", Some(trace), "includes/parser/ParserOutput.php:512"));
    }
    truth.push(tg(
        "mw-parser-typeerror",
        "ParserOutput::getText(): Return value must be of type string",
        0,
        85,
        "new",
    ));
    // I: improved: a deprecation warning mostly fixed in the new branch.
    for (v, n) in [(PREVIOUS, 800u64), (CURRENT, 8)] {
        for t in times(rng, v, n) {
            out.push(t, mw_event(rng, v, t, "WARNING", "deprecated", "", "Use of Title::newFromURL was deprecated in MediaWiki 1.40. [Called from {caller} in {file} at line {line}]", &format!("Use of Title::newFromURL was deprecated in MediaWiki 1.40. [Called from SpecialSearch::goResult in /srv/mediawiki/php-{v}/includes/specials/SpecialSearch.php at line {}]", 300 + shift(v)), None, ""));
        }
    }
    truth.push(tg(
        "mw-deprecated-newfromurl",
        "Title::newFromURL was deprecated",
        800,
        8,
        "improved",
    ));
    // Info-level traffic: counted, never triaged.
    for (v, n) in [(PREVIOUS, 2000u64), (CURRENT, 200)] {
        for t in times(rng, v, n) {
            let o = json!({"@timestamp": iso(t), "type": "mediawiki", "channel": "api", "level": "INFO", "mwversion": v, "wiki": rng.pick(wikis(v)), "host": format!("mw{}", 1300 + rng.below(160)), "message": format!("API GET {} {} action=query list=search", rng.id(8), rng.below(9999)), "normalized_message": "API {method} {user} {ip} {query}"});
            out.push(t, o.to_string());
        }
    }
    // One line cut short by a crashed writer.
    let torn = format!(
        "{{\"@timestamp\":\"{}\",\"type\":\"mediawiki\",\"channel\":\"exception\",\"level\":\"ERR",
        iso(T0 + PREV_SPAN + 1_800_000)
    );
    out.finish(&[(T0 + PREV_SPAN + 1_800_000, &torn)])
}

fn java_trace(class_msg: &str, frames: &[(&str, &str, u32)]) -> String {
    let mut s = class_msg.to_string();
    for (cls, method, line) in frames {
        let file = cls.rsplit('.').next().unwrap_or(cls);
        let _ = write!(s, "\n\tat {cls}.{method}({file}.java:{line})");
    }
    s
}

#[allow(clippy::too_many_arguments)]
fn ecs_event(
    rng: &mut Rng,
    v: &str,
    t: i64,
    level: &str,
    message: &str,
    etype: &str,
    emsg: &str,
    trace: &str,
) -> String {
    json!({
        "@timestamp": iso(t),
        "ecs.version": "1.7.0",
        "log.level": level,
        "log.logger": "org.wikimedia.search.indexer.BatchWriter",
        "service": {"name": "search-indexer", "version": v},
        "host.name": format!("search-indexer-{}-{}", rng.id(4).to_lowercase(), rng.id(5).to_lowercase()),
        "message": message,
        "error.type": etype,
        "error.message": emsg,
        "error.stack_trace": trace,
        "trace.id": rng.id(32),
    })
    .to_string()
}

fn java(rng: &mut Rng, truth: &mut Vec<TruthGroup>) -> String {
    let mut out = Out { lines: Vec::new() };
    let line = |v: &str, l: u32| if v == CURRENT { l + 4 } else { l };
    // D: steady socket timeouts to the search cluster.
    for (v, n) in [(PREVIOUS, 150u64), (CURRENT, 16)] {
        for t in times(rng, v, n) {
            let trace = java_trace(
                "java.net.SocketTimeoutException: Read timed out",
                &[
                    ("java.base/sun.nio.ch.NioSocketImpl", "timedRead", 278),
                    (
                        "org.apache.http.impl.io.SessionInputBufferImpl",
                        "fillBuffer",
                        153,
                    ),
                    (
                        "org.wikimedia.search.indexer.ElasticClient",
                        "bulk",
                        line(v, 212),
                    ),
                    (
                        "org.wikimedia.search.indexer.BatchWriter",
                        "flush",
                        line(v, 96),
                    ),
                ],
            );
            let msg = format!(
                "bulk request of {} documents to elastic{}.eqiad.wmnet failed",
                rng.below(500),
                1050 + rng.below(40)
            );
            out.push(
                t,
                ecs_event(
                    rng,
                    v,
                    t,
                    "ERROR",
                    &msg,
                    "java.net.SocketTimeoutException",
                    "Read timed out",
                    &trace,
                ),
            );
        }
    }
    truth.push(tg(
        "java-socket-timeout",
        "SocketTimeoutException",
        150,
        16,
        "steady",
    ));
    // G: new NullPointerException.
    for t in times(rng, CURRENT, 7) {
        let trace = java_trace(
            "java.lang.NullPointerException: Cannot invoke \"String.length()\" because \"title\" is null",
            &[
                (
                    "org.wikimedia.search.indexer.DocumentBuilder",
                    "titleField",
                    61,
                ),
                ("org.wikimedia.search.indexer.DocumentBuilder", "build", 40),
                ("org.wikimedia.search.indexer.BatchWriter", "add", 71),
            ],
        );
        let msg = format!("cannot index page {}", rng.below(9_000_000));
        out.push(
            t,
            ecs_event(
                rng,
                CURRENT,
                t,
                "ERROR",
                &msg,
                "java.lang.NullPointerException",
                "Cannot invoke \"String.length()\" because \"title\" is null",
                &trace,
            ),
        );
    }
    truth.push(tg("java-npe", "NullPointerException", 0, 7, "new"));
    // J: gone: connection pool shut down.
    for t in times(rng, PREVIOUS, 120) {
        let trace = java_trace(
            "java.lang.IllegalStateException: Connection pool shut down",
            &[
                ("org.apache.http.util.Asserts", "check", 34),
                (
                    "org.apache.http.impl.conn.PoolingHttpClientConnectionManager",
                    "requestConnection",
                    269,
                ),
                ("org.wikimedia.search.indexer.ElasticClient", "bulk", 205),
            ],
        );
        out.push(
            t,
            ecs_event(
                rng,
                PREVIOUS,
                t,
                "ERROR",
                "bulk request failed",
                "java.lang.IllegalStateException",
                "Connection pool shut down",
                &trace,
            ),
        );
    }
    truth.push(tg(
        "java-pool-shut-down",
        "Connection pool shut down",
        120,
        0,
        "gone",
    ));
    // L1/L2: the same exception and message from two code paths.
    for (v, n, cls, method, l) in [
        (
            PREVIOUS,
            100u64,
            "org.wikimedia.search.indexer.ExportJob",
            "write",
            133,
        ),
        (
            CURRENT,
            10,
            "org.wikimedia.search.indexer.ExportJob",
            "write",
            137,
        ),
        (
            CURRENT,
            12,
            "org.wikimedia.search.indexer.SnapshotUploader",
            "send",
            58,
        ),
    ] {
        for t in times(rng, v, n) {
            let trace = java_trace(
                "java.io.IOException: Broken pipe",
                &[
                    ("java.base/sun.nio.ch.SocketDispatcher", "write0", 0),
                    (cls, method, l),
                    ("org.wikimedia.search.indexer.Main", "run", 44),
                ],
            );
            out.push(
                t,
                ecs_event(
                    rng,
                    v,
                    t,
                    "ERROR",
                    "write failed",
                    "java.io.IOException",
                    "Broken pipe",
                    &trace,
                ),
            );
        }
    }
    truth.push(tg(
        "java-broken-pipe-export",
        "Broken pipe",
        100,
        10,
        "steady",
    ));
    truth.push(tg("java-broken-pipe-upload", "Broken pipe", 0, 12, "new"));
    for (v, n) in [(PREVIOUS, 600u64), (CURRENT, 60)] {
        for t in times(rng, v, n) {
            let o = json!({"@timestamp": iso(t), "log.level": "INFO", "service": {"name": "search-indexer", "version": v}, "message": format!("indexed batch of {} documents in {}ms", rng.below(500), rng.below(900))});
            out.push(t, o.to_string());
        }
    }
    out.finish(&[])
}

fn go(rng: &mut Rng, truth: &mut Vec<TruthGroup>) -> String {
    let mut out = Out { lines: Vec::new() };
    let host = |rng: &mut Rng| format!("thumbor{}", 1001 + rng.below(8));
    // C: steady upstream timeouts.
    for (v, n) in [(PREVIOUS, 200u64), (CURRENT, 19)] {
        for t in times(rng, v, n) {
            let h = host(rng);
            out.push(t, format!(
                "ts={} level=error version={v} service=thumbor-proxy host={h} msg=\"upstream request timeout\" err=\"context deadline exceeded (Client.Timeout exceeded while awaiting headers)\" caller=proxy/upstream.go:142 upstream=http://10.64.{}.{}:8800 duration={}.{}s path=/wikipedia/commons/thumb/{}/{}.jpg",
                iso(t), rng.below(50), rng.below(250), 30 + rng.below(5), rng.below(10), rng.id(2), rng.id(10)
            ));
        }
    }
    truth.push(tg(
        "go-upstream-timeout",
        "upstream request timeout",
        200,
        19,
        "steady",
    ));
    // H: new, a single event: still new.
    for t in times(rng, CURRENT, 1) {
        let h = host(rng);
        out.push(t, format!("ts={} level=error version={CURRENT} service=thumbor-proxy host={h} msg=\"failed to decode thumbnail\" err=\"image: unknown format\" caller=thumb/decode.go:57 path=/wikipedia/commons/thumb/{}.webp", iso(t), rng.id(12)));
    }
    truth.push(tg(
        "go-thumb-decode",
        "failed to decode thumbnail",
        0,
        1,
        "new",
    ));
    // K: absent from the canary, but too rare to call gone.
    for t in times(rng, PREVIOUS, 3) {
        let h = host(rng);
        out.push(t, format!("ts={} level=warn version={PREVIOUS} service=thumbor-proxy host={h} msg=\"cache miss storm\" keys={} caller=cache/lru.go:88", iso(t), 1000 + rng.below(900)));
    }
    truth.push(tg(
        "go-cache-miss-storm",
        "cache miss storm",
        3,
        0,
        "steady",
    ));
    for (v, n) in [(PREVIOUS, 1000u64), (CURRENT, 100)] {
        for t in times(rng, v, n) {
            let h = host(rng);
            out.push(t, format!("ts={} level=info version={v} service=thumbor-proxy host={h} msg=\"served thumbnail\" bytes={} duration={}ms", iso(t), rng.below(90000), rng.below(300)));
        }
    }
    let garbage = "\u{0}\u{0}\u{0}\u{1b}[2J partial write";
    out.finish(&[(T0 + 3_600_000, garbage)])
}

fn tg(label: &str, title: &str, previous: u64, current: u64, status: &str) -> TruthGroup {
    TruthGroup {
        label: label.into(),
        title_contains: title.into(),
        previous,
        current,
        status: status.into(),
    }
}

/// A Python service's text logs, before and after a deploy (no versions inside).
fn python_text(rng: &mut Rng, after: bool, truth: &mut Vec<TruthGroup>) -> String {
    let base = if after {
        T0 + PREV_SPAN
    } else {
        T0 + PREV_SPAN - CUR_SPAN
    };
    let mut out = Out { lines: Vec::new() };
    let ts = |rng: &mut Rng| base + rng.below(CUR_SPAN as u64) as i64;
    let header = |t: i64, level: &str, logger: &str| {
        let s = iso(t);
        format!(
            "{} {},{} {level} [{}] {logger}: ",
            &s[..10],
            &s[11..19],
            &s[20..23],
            "MainThread"
        )
    };
    let counts = |b: u64, a: u64| if after { a } else { b };
    for _ in 0..counts(50, 45) {
        let t = ts(rng);
        out.push(
            t,
            format!(
                "{}Failed to fetch profile for user {}: upstream timeout after {}ms",
                header(t, "ERROR", "profiles.api"),
                rng.below(1_000_000),
                1000 + rng.below(4000)
            ),
        );
    }
    for _ in 0..counts(40, 38) {
        let t = ts(rng);
        out.push(
            t,
            format!(
                "{}Slow query on table {} took {}s",
                header(t, "WARNING", "profiles.db"),
                rng.pick(&[
                    "profiles", "avatars", "prefs", "badges", "follows", "sessions"
                ]),
                2 + rng.below(8)
            ),
        );
    }
    for _ in 0..counts(30, 33) {
        let t = ts(rng);
        out.push(
            t,
            format!(
                "{}Retrying request {} (attempt {})",
                header(t, "WARNING", "profiles.http"),
                rng.id(12),
                1 + rng.below(3)
            ),
        );
    }
    if after {
        for _ in 0..12 {
            let t = ts(rng);
            out.push(t, format!(
                "{}Unhandled error rendering profile {}\nTraceback (most recent call last):\n  File \"/srv/profiles/profiles/views.py\", line 88, in render\n    badge = user[\"badges\"][0]\n  File \"/srv/profiles/profiles/models.py\", line 41, in __getitem__\n    return self.data[key]\nKeyError: 'badges'",
                header(t, "ERROR", "profiles.views"), rng.below(1_000_000)
            ));
        }
    } else {
        for _ in 0..30 {
            let t = ts(rng);
            out.push(
                t,
                format!(
                    "{}Redis connection lost to 10.64.{}.{}:6379, reconnecting",
                    header(t, "ERROR", "profiles.cache"),
                    rng.below(50),
                    rng.below(250)
                ),
            );
        }
    }
    for _ in 0..counts(500, 450) {
        let t = ts(rng);
        out.push(
            t,
            format!(
                "{}GET /profile/{} 200 {}ms",
                header(t, "INFO", "profiles.access"),
                rng.below(1_000_000),
                rng.below(300)
            ),
        );
    }
    if after {
        truth.push(tg(
            "py-profile-timeout",
            "Failed to fetch profile for user",
            50,
            45,
            "steady",
        ));
        truth.push(tg("py-slow-query", "Slow query on table", 40, 38, "steady"));
        truth.push(tg("py-retrying", "Retrying request", 30, 33, "steady"));
        truth.push(tg("py-keyerror", "KeyError", 0, 12, "new"));
        truth.push(tg("py-redis-lost", "Redis connection lost", 30, 0, "gone"));
    }
    out.finish(&[])
}

/// Writes the demo into `dir` (created if missing); returns the files written.
pub fn write(dir: &Path) -> io::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)?;
    let mut rng = Rng(0x5eed_1e55_ca11_ab1e);
    let mut truth = Vec::new();
    let files = [
        (MEDIAWIKI_FILE, mediawiki(&mut rng, &mut truth)),
        (JAVA_FILE, java(&mut rng, &mut truth)),
        (GO_FILE, go(&mut rng, &mut truth)),
    ];
    let mut diff_truth = Vec::new();
    let before = python_text(&mut rng, false, &mut diff_truth);
    let after = python_text(&mut rng, true, &mut diff_truth);
    let mut written = Vec::new();
    for (name, body) in files
        .iter()
        .map(|(n, b)| (*n, b.as_str()))
        .chain([(BEFORE_FILE, before.as_str()), (AFTER_FILE, after.as_str())])
    {
        let p = dir.join(name);
        std::fs::write(&p, body)?;
        written.push(p);
    }
    let t = Truth {
        current: CURRENT.into(),
        previous: PREVIOUS.into(),
        malformed_lines: 2,
        groups: truth,
    };
    let dt = Truth {
        current: AFTER_FILE.into(),
        previous: BEFORE_FILE.into(),
        malformed_lines: 0,
        groups: diff_truth,
    };
    // In a subdirectory, so that `DIR/*.json` names the logs only.
    std::fs::create_dir_all(dir.join("truth"))?;
    for (name, v) in [("truth/report.json", &t), ("truth/diff.json", &dt)] {
        let p = dir.join(name);
        std::fs::write(
            &p,
            serde_json::to_string_pretty(v).expect("serializes") + "\n",
        )?;
        written.push(p);
    }
    Ok(written)
}

/// The demo files that hold versioned train logs (inputs of `report`).
pub fn is_versioned_log(p: &Path) -> bool {
    let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
    [MEDIAWIKI_FILE, JAVA_FILE, GO_FILE].contains(&name)
}
