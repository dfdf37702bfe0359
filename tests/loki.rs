//! The Loki source against recorded `query_range` responses (streams, as documented) on a
//! local HTTP server: paging forward in time without losing or double-counting entries at
//! page boundaries, the exact requests (quoted selector, start, limit, tenant), and errors.
//! No Loki server can be installed on these machines, so this tests the protocol.

use serde_json::Value;
use std::process::Output;

mod support;
use support::serve;

fn run(args: &[&str], env: &[(&str, &str)]) -> Output {
    support::run_with_env(args, env)
}

/// The query string of a recorded request line, decoded.
fn params(line: &str) -> Vec<(String, String)> {
    let target = line.split_whitespace().nth(1).unwrap();
    support::form_pairs(target.split_once('?').unwrap().1)
}

#[test]
fn pages_forward_without_losing_or_repeating_boundary_entries() {
    let (addr, seen) = serve(
        "loki",
        vec![
            (200, "page1.json"),
            (200, "page2.json"),
            (200, "page3.json"),
        ],
    );
    let url = format!("loki://{addr}/app=mw?limit=3");
    let o = run(
        &["report", "--format", "json", "--min-level", "any", &url],
        &[("LOGTRIAGE_LOKI_TENANT", "mediawiki")],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let r: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        r["sources"][0]["events"], 6,
        "100, 200, 300a, 300b, 400, 500 — each once"
    );
    assert_eq!(r["sources"][0]["format"], "loki");
    assert_eq!(
        (
            r["current"]["version"].as_str().unwrap(),
            r["current"]["events"].as_u64().unwrap()
        ),
        ("2", 4)
    );
    let timeout = r["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["template"] == "timeout after <*>")
        .unwrap();
    assert_eq!(timeout["current"]["count"], 2);
    let reqs = seen.lock().unwrap().clone();
    assert_eq!(reqs.len(), 3);
    let starts: Vec<String> = reqs
        .iter()
        .map(|q| {
            params(&q.line)
                .into_iter()
                .find(|(k, _)| k == "start")
                .unwrap()
                .1
        })
        .collect();
    assert_eq!(
        &starts[1..],
        ["300", "400"],
        "each page starts at the last timestamp seen"
    );
    for q in &reqs {
        assert!(q.line.starts_with("GET /loki/api/v1/query_range?") && q.body.is_empty());
        let p = params(&q.line);
        let get = |k: &str| p.iter().find(|(n, _)| n == k).unwrap().1.clone();
        assert_eq!(get("query"), r#"{app="mw", version=~".+"}"#);
        assert_eq!(
            (get("limit").as_str(), get("direction").as_str()),
            ("3", "forward")
        );
        assert!(
            q.headers
                .iter()
                .any(|(k, v)| k == "x-scope-orgid" && v == "mediawiki")
        );
    }
}

#[test]
fn errors_name_the_cause() {
    let (addr, _) = serve("loki", vec![(401, "unauthorized.json")]);
    let o = run(&["check", &format!("loki://{addr}/app=mw")], &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr)
            .contains("401: check the credentials in LOGTRIAGE_LOKI_USER"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let o = run(&["check", "loki://l/app-x=mw"], &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("label name"));
}

#[test]
fn a_named_source_with_ui_url_links_each_group_to_grafana_explore() {
    let (addr, _) = serve(
        "loki",
        vec![
            (200, "page1.json"),
            (200, "page2.json"),
            (200, "page3.json"),
        ],
    );
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("config.toml");
    std::fs::write(
        &cfg,
        format!(
            "[sources.mw]\nurl = \"loki://{addr}/app=mw?limit=3\"\n\
             ui_url = \"https://grafana.example.org\"\n"
        ),
    )
    .unwrap();
    let o = run(
        &[
            "report",
            "--format",
            "json",
            "--min-level",
            "any",
            "--config",
            cfg.to_str().unwrap(),
            "mw",
        ],
        &[],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let r: Value = serde_json::from_slice(&o.stdout).unwrap();
    let timeout = r["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["template"] == "timeout after <*>")
        .unwrap();
    let link = timeout["link"].as_str().unwrap();
    assert!(
        link.starts_with("https://grafana.example.org/explore?left="),
        "{link}"
    );
    let p = params(&format!("GET {link} HTTP/1.1"));
    let state: Value = serde_json::from_str(&p[0].1).unwrap();
    assert_eq!(
        state["queries"][0]["expr"],
        r#"{app="mw", version=~".+"} |= "timeout after""#
    );
    let from: i64 = state["range"]["from"].as_str().unwrap().parse().unwrap();
    let to: i64 = state["range"]["to"].as_str().unwrap().parse().unwrap();
    assert!(from <= to, "{state}");
}

#[test]
fn rate_limits_are_retried_and_then_reported_as_blind() {
    let (addr, seen) = serve(
        "loki",
        vec![
            (429, "too-many-requests.json"),
            (200, "page1.json"),
            (200, "page2.json"),
            (200, "page3.json"),
        ],
    );
    let o = run(
        &[
            "report",
            "--format",
            "json",
            "--min-level",
            "any",
            &format!("loki://{addr}/app=mw?limit=3"),
        ],
        &[],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let r: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(r["sources"][0]["events"], 6);
    assert_eq!(seen.lock().unwrap().len(), 4);

    let (addr, _) = serve(
        "loki",
        vec![
            (429, "too-many-requests.json"),
            (429, "too-many-requests.json"),
            (429, "too-many-requests.json"),
        ],
    );
    let o = run(&["check", &format!("loki://{addr}/app=mw")], &[]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("429: too many outstanding requests (after 3 attempts)"),
        "{err}"
    );
}

/// A `query_range` answer with `streams`, each `(labels, [(ts, line)])`.
fn streams_answer(streams: &[(&str, Vec<(i64, String)>)]) -> String {
    let result: Vec<Value> = streams
        .iter()
        .map(|(version, values)| {
            serde_json::json!({
                "stream": {"app": "mw", "version": version},
                "values": values.iter().map(|(ts, l)| [ts.to_string(), l.clone()]).collect::<Vec<_>>(),
            })
        })
        .collect();
    serde_json::json!({"status": "success", "data": {"resultType": "streams", "result": result}})
        .to_string()
}

/// Issue 10: more entries on one timestamp than a page holds. Paging from that timestamp
/// would get the same page forever; the instant is read stream by stream instead, and
/// every entry is counted once.
#[test]
fn an_instant_with_more_entries_than_a_page_is_read_stream_by_stream() {
    use support::{Reply, serve_replies};
    const T: i64 = 1_794_880_800_000_000_000;
    let lines = |version: &str, n: usize| -> Vec<(i64, String)> {
        (0..n)
            .map(|i| {
                (
                    T,
                    format!(r#"{{"level":"error","message":"burst {version} item {i}"}}"#),
                )
            })
            .collect()
    };
    // Three streams of 2,000 entries each at T; the first page holds 5,000 of them.
    let first_page = streams_answer(&[
        ("1", lines("1", 2000)),
        ("2", lines("2", 2000)),
        ("3", lines("3", 1000)),
    ]);
    let series = serde_json::json!({"status": "success", "data": [
        {"app": "mw", "version": "1"}, {"app": "mw", "version": "2"}, {"app": "mw", "version": "3"}
    ]})
    .to_string();
    let replies = vec![
        Reply::inline(200, first_page),
        Reply::inline(200, series),
        // A stream's selector also matches streams with more labels (here, as if
        // `{version="1"}` matched the second stream too): counted once all the same.
        Reply::inline(
            200,
            streams_answer(&[("1", lines("1", 2000)), ("2", lines("2", 2000))]),
        ),
        Reply::inline(200, streams_answer(&[("2", lines("2", 2000))])),
        Reply::inline(200, streams_answer(&[("3", lines("3", 2000))])),
        Reply::inline(200, streams_answer(&[])),
    ];
    let (addr, seen) = serve_replies("loki", replies);
    let o = run(
        &[
            "report",
            "--format",
            "json",
            &format!("loki://{addr}/app=mw?since=3650d"),
        ],
        &[],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let r: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(r["sources"][0]["events"], 6000, "{}", r["sources"]);
    assert!(r["sources"][0]["error"].is_null(), "{}", r["sources"]);
    let reqs = seen.lock().unwrap().clone();
    assert_eq!(reqs.len(), 6);
    for pair in reqs.windows(2) {
        assert_ne!(pair[0].line, pair[1].line, "a request repeated");
    }
    let p = params(&reqs[1].line);
    assert!(
        reqs[1].line.contains("/loki/api/v1/series"),
        "{}",
        reqs[1].line
    );
    assert!(
        p.contains(&("match[]".into(), r#"{app="mw", version=~".+"}"#.into())),
        "{p:?}"
    );
    let p = params(&reqs[2].line);
    assert!(
        p.contains(&("query".into(), r#"{app="mw", version="1"}"#.into())),
        "{p:?}"
    );
    assert!(p.contains(&("start".into(), T.to_string())), "{p:?}");
    assert!(p.contains(&("end".into(), (T + 1).to_string())), "{p:?}");
    let p = params(&reqs[5].line);
    assert!(p.contains(&("start".into(), (T + 1).to_string())), "{p:?}");
}

/// A 200 that is not a `query_range` answer (a proxy's page, an empty object) is never "no
/// entries": the source is blind.
#[test]
fn an_answer_that_is_not_a_streams_result_is_blind() {
    use support::{Reply, serve_replies};
    let (addr, _) = serve_replies("loki", vec![Reply::inline(200, "{}".into())]);
    let o = run(&["check", &format!("loki://{addr}/app=mw")], &[]);
    assert_eq!(o.status.code(), Some(2));
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(all.contains("does not answer the query"), "{all}");
}
