//! The ClickHouse backend against a real server: `scripts/test` starts one and names it
//! in LOGTRIAGE_TEST_CLICKHOUSE (host:port). Without it these tests fail: they never skip.

use serde_json::Value;
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_logtriage");

mod support;

fn server() -> String {
    std::env::var("LOGTRIAGE_TEST_CLICKHOUSE")
        .expect("LOGTRIAGE_TEST_CLICKHOUSE is not set: run the tests with scripts/test, which starts ClickHouse")
}

/// Runs SQL on the test server over HTTP (curl, independent of the code under test).
fn sql(query: &str) -> String {
    let o = Command::new("curl")
        .args([
            "-fsS",
            "--data-binary",
            query,
            &format!("http://{}/", server()),
        ])
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "{query}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).unwrap()
}

fn run(args: &[&str]) -> Output {
    Command::new(BIN).args(args).output().unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Writes the demo train under `dir` and returns its versioned log files.
fn demo_logs(dir: &std::path::Path) -> Vec<String> {
    support::write_demo(dir)
}

/// A database of its own per test, so tests run in parallel.
fn database(name: &str) -> String {
    let db = format!("t_{name}_{}", std::process::id());
    sql(&format!("CREATE DATABASE IF NOT EXISTS {db}"));
    db
}

#[test]
fn ingest_loads_every_event_of_the_demo() {
    let dir = tempfile::tempdir().unwrap();
    let logs = demo_logs(dir.path());
    let logs: Vec<&str> = logs.iter().map(String::as_str).collect();
    let db = database("demo");
    let url = format!("clickhouse://{}/{db}.events", server());
    let o = run(&[&["ingest", url.as_str()][..], &logs].concat());
    assert!(o.status.success(), "{}", stderr(&o));
    // The same per-version totals as reading the files.
    let report = run(&[&["report", "--format", "json"][..], &logs].concat());
    let r: Value = serde_json::from_str(&String::from_utf8(report.stdout).unwrap()).unwrap();
    let total =
        r["previous"]["events"].as_u64().unwrap() + r["current"]["events"].as_u64().unwrap();
    let said = stderr(&o);
    assert!(
        said.contains(&format!("loaded {total} events"))
            && said.contains("2 malformed lines skipped"),
        "{said}"
    );
    let counts = sql(&format!(
        "SELECT version, count() FROM {db}.events GROUP BY version ORDER BY version FORMAT TSV"
    ));
    let expected = format!(
        "{}\t{}\n{}\t{}\n",
        r["previous"]["version"].as_str().unwrap(),
        r["previous"]["events"],
        r["current"]["version"].as_str().unwrap(),
        r["current"]["events"]
    );
    assert_eq!(counts, expected);
    // Running it again appends (the table exists already).
    assert!(run(&["ingest", &url, logs[0]]).status.success());
}

#[test]
fn values_round_trip_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let nasty = [
        "quote ' and '' and \\ backslash",
        "'); DROP TABLE x; --",
        "tab\there and \\N null-ish and a trailing backslash \\",
        "{x:String} and `tick`",
        "unicode ünï ✓ \u{1b}[31m",
    ];
    let body: String = nasty
        .iter()
        .map(|m| {
            format!(
                "{}\n",
                serde_json::json!({"level": "error", "version": "1", "message": m})
            )
        })
        .collect();
    let file = dir.path().join("nasty.json");
    std::fs::write(&file, body).unwrap();
    let db = database("nasty");
    let url = format!("clickhouse://{}/{db}.events", server());
    let o = run(&["ingest", &url, file.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let got = sql(&format!(
        "SELECT message FROM {db}.events ORDER BY line FORMAT JSONEachRow"
    ));
    let got: Vec<String> = got
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["message"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(got, nasty.iter().map(|m| m.to_string()).collect::<Vec<_>>());
    assert_eq!(
        sql("SELECT 1 FORMAT TSV"),
        "1\n",
        "the server is still fine"
    );
}

#[test]
fn errors_name_the_source_and_the_cause() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a.json");
    std::fs::write(&file, "{\"level\":\"error\",\"message\":\"x\"}\n").unwrap();
    let file = file.to_str().unwrap();
    let missing_db = format!(
        "clickhouse://{}/no_such_db_{}.events",
        server(),
        std::process::id()
    );
    let o = run(&["ingest", &missing_db, file]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains(&missing_db) && stderr(&o).contains("does not exist"),
        "{}",
        stderr(&o)
    );
    // A port nothing listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let o = run(&[
        "ingest",
        &format!("clickhouse://127.0.0.1:{port}/db.t"),
        file,
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("unreachable"), "{}", stderr(&o));
    // Credentials in the URL are refused, and not echoed.
    let o = run(&["ingest", "clickhouse://user:s3cr3t@127.0.0.1/db.t", file]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("credentials in the URL are refused") && !stderr(&o).contains("s3cr3t"),
        "{}",
        stderr(&o)
    );
}

/// fingerprint → (status, count now, count before)
fn groups(report: &Value) -> std::collections::BTreeMap<String, (String, u64, u64)> {
    report["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            let s = g["status"].as_str().unwrap().to_string();
            (
                g["fingerprint"].as_str().unwrap().to_string(),
                (
                    s,
                    g["current"]["count"].as_u64().unwrap(),
                    g["previous"]["count"].as_u64().unwrap(),
                ),
            )
        })
        .collect()
}

#[test]
fn report_from_clickhouse_equals_report_from_the_files() {
    let dir = tempfile::tempdir().unwrap();
    let logs = demo_logs(dir.path());
    let logs: Vec<&str> = logs.iter().map(String::as_str).collect();
    let db = database("same");
    let url = format!("clickhouse://{}/{db}.events", server());
    assert!(
        run(&[&["ingest", url.as_str()][..], &logs].concat())
            .status
            .success()
    );
    let from_files: Value =
        serde_json::from_slice(&run(&[&["report", "--format", "json"][..], &logs].concat()).stdout)
            .unwrap();
    let o = run(&["report", "--format", "json", &url]);
    assert!(o.status.success(), "{}", stderr(&o));
    let from_ch: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(groups(&from_ch), groups(&from_files));
    assert_eq!(
        from_ch["current"]["events"],
        from_files["current"]["events"]
    );
    assert_eq!(from_ch["exposure"], from_files["exposure"]);
    assert_eq!(from_ch["sources"][0]["format"], "clickhouse");
    // A time window leaves out the same events on the server as in the files.
    let since = from_files["previous"]["last_seen"].as_str().unwrap();
    let windowed = |source: &[&str]| -> Value {
        let o = run(&[
            &["report", "--format", "json", "--since", since][..],
            source,
        ]
        .concat());
        assert!(o.status.success(), "{}", stderr(&o));
        serde_json::from_slice(&o.stdout).unwrap()
    };
    let (files_w, ch_w) = (windowed(&logs), windowed(&[url.as_str()]));
    assert_eq!(groups(&ch_w), groups(&files_w));
    assert_eq!(ch_w["previous"]["events"], files_w["previous"]["events"]);
    assert!(
        files_w["previous"]["events"].as_u64().unwrap()
            < from_files["previous"]["events"].as_u64().unwrap(),
        "the window left events out"
    );
    // The gate works the same on it.
    let o = run(&["check", &url]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    // A table that is not there: blind (exit 2) with the cause, never a clean result.
    let missing = format!("clickhouse://{}/{db}.nothing", server());
    let o = run(&["check", &missing]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("table") && stderr(&o).contains("does not exist"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn named_sources_and_credentials_never_leak() {
    let dir = tempfile::tempdir().unwrap();
    let db = database("named");
    let file = dir.path().join("a.json");
    std::fs::write(&file, "{\"level\":\"error\",\"version\":\"2\",\"message\":\"x\"}\n{\"level\":\"error\",\"version\":\"1\",\"message\":\"y\"}\n").unwrap();
    let url = format!("clickhouse://{}/{db}.events", server());
    assert!(
        run(&["ingest", &url, file.to_str().unwrap()])
            .status
            .success()
    );
    let creds = dir.path().join("prod.credentials");
    std::fs::write(&creds, "user = default\npassword = \"\"\n").unwrap();
    let cfg = dir.path().join("config.toml");
    std::fs::write(
        &cfg,
        format!(
            "[sources.prod]\nurl = \"{url}\"\ncredentials_file = \"{}\"\n",
            creds.display()
        ),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&creds, std::fs::Permissions::from_mode(0o644)).unwrap();
        let o = run(&["check", "--config", cfg.to_str().unwrap(), "prod"]);
        assert_eq!(o.status.code(), Some(2));
        assert!(stderr(&o).contains("readable by others"), "{}", stderr(&o));
        std::fs::set_permissions(&creds, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    let o = run(&[
        "report",
        "--format",
        "json",
        "--config",
        cfg.to_str().unwrap(),
        "prod",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let r: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(r["current"]["version"], "2");
    // A wrong user with a canary password: the error says what to check, and never the secret.
    let canary = "tok_CANARY_7f3a9e";
    let o = Command::new(BIN)
        .args(["check", &url])
        .env("LOGTRIAGE_CLICKHOUSE_USER", "nobody_here")
        .env("LOGTRIAGE_CLICKHOUSE_PASSWORD", canary)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let all = format!("{}{}", String::from_utf8_lossy(&o.stdout), stderr(&o));
    assert!(all.contains("check the credentials"), "{all}");
    assert!(!all.contains(canary), "{all}");
}

/// Issue 10: a ClickHouse that stops answering (SIGSTOP: the kernel still accepts the
/// connection, nothing reads it) is blind at the run's deadline, not minutes later. A
/// listener that never accepts is that server, exactly, without stopping the shared one.
#[test]
fn a_server_that_stops_answering_is_blind_at_the_deadline() {
    let stopped = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = stopped.local_addr().unwrap();
    let started = std::time::Instant::now();
    let o = run(&[
        "check",
        "--request-timeout",
        "2s",
        "--timeout",
        "5s",
        &format!("clickhouse://{addr}/logs.events"),
    ]);
    let took = started.elapsed();
    let out = format!("{}{}", String::from_utf8_lossy(&o.stdout), stderr(&o));
    assert_eq!(o.status.code(), Some(2), "{out}");
    assert!(out.contains("timed out"), "{out}");
    assert!(took < std::time::Duration::from_secs(9), "{took:?}: {out}");
    drop(stopped);
}
