//! The OpenSearch source against recorded responses that follow the documented `_search`
//! API (composite aggregation pages with `after_key`, partial shards, 401, 404), served by
//! a local HTTP server that also records the exact requests logtriage sends. No OpenSearch
//! server can be installed on these machines, so this tests the protocol, not a cluster.

use serde_json::Value;
use std::net::TcpListener;
use std::process::Output;

mod support;
use support::serve;

/// The recorded train: totals, then three composite pages of groups.
const TRAIN: [(u16, &str); 4] = [
    (200, "totals.json"),
    (200, "groups-page1.json"),
    (200, "groups-page2.json"),
    (200, "groups-page3.json"),
];

fn run(args: &[&str], env: &[(&str, &str)]) -> Output {
    support::run_with_env(args, env)
}

#[test]
fn composite_pages_are_all_read_and_requests_are_exact() {
    let (addr, seen) = serve("opensearch", TRAIN.to_vec());
    let url = format!("opensearch://{addr}/logstash-*");
    let canary = "tok_CANARY_0s_5e1";
    let o = run(
        &["report", "--format", "json", &url],
        &[
            ("LOGTRIAGE_OPENSEARCH_USER", "triage"),
            ("LOGTRIAGE_OPENSEARCH_PASSWORD", canary),
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let r: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(r["current"]["version"], "1.46.0-wmf.4");
    assert_eq!(r["sources"][0]["format"], "opensearch");
    let groups = r["groups"].as_array().unwrap();
    assert_eq!(groups.len(), 2, "{groups:#?}");
    let type_error = groups
        .iter()
        .find(|g| g["title"].as_str().unwrap().contains("ParserOutput"))
        .unwrap();
    assert_eq!(
        (
            type_error["status"].as_str().unwrap(),
            type_error["current"]["count"].as_u64().unwrap()
        ),
        ("new", 3)
    );
    assert_eq!(type_error["rule"], "stack", "the sample's trace decides");
    assert_eq!(type_error["top"]["host"][0][0], "mw1301");
    let lock = groups
        .iter()
        .find(|g| g["title"].as_str().unwrap().contains("Lock wait"))
        .unwrap();
    assert_eq!(
        (
            lock["current"]["count"].as_u64().unwrap(),
            lock["previous"]["count"].as_u64().unwrap()
        ),
        (1, 4)
    );
    // The exact requests: POST <index>/_search with JSON bodies; the second page asks
    // `after` the first page's after_key; basic auth, never a query_string.
    let reqs = seen.lock().unwrap().clone();
    assert_eq!(reqs.len(), 4);
    for q in &reqs {
        assert_eq!(q.line, "POST /logstash-*/_search HTTP/1.1");
        assert!(
            q.headers
                .iter()
                .any(|(k, v)| k == "content-type" && v == "application/json")
        );
        assert!(
            q.headers
                .iter()
                .any(|(k, v)| k == "authorization" && v.starts_with("Basic "))
        );
        assert!(!q.body.contains("query_string"));
    }
    let page2: Value = serde_json::from_str(&reqs[2].body).unwrap();
    assert_eq!(
        page2
            .pointer("/aggs/groups/composite/after/version")
            .unwrap(),
        "1.46.0-wmf.3"
    );
    let page1: Value = serde_json::from_str(&reqs[1].body).unwrap();
    assert!(page1.pointer("/aggs/groups/composite/after").is_none());
    assert!(
        !String::from_utf8_lossy(&o.stderr).contains(canary)
            && !String::from_utf8_lossy(&o.stdout).contains(canary)
    );
}

/// `check` of the recorded cluster at `addr`, with limits no group count reaches: only a
/// blind source can fail it.
fn lenient_check(addr: &str) -> Output {
    run(
        &[
            "check",
            "--max-new",
            "100",
            "--max-regressed",
            "100",
            &format!("opensearch://{addr}/logstash-*"),
        ],
        &[],
    )
}

#[test]
fn partial_shards_are_reported_and_make_the_gate_blind() {
    let (addr, _) = serve(
        "opensearch",
        vec![
            (200, "partial.json"),
            (200, "groups-page1.json"),
            (200, "groups-page2.json"),
            (200, "groups-page3.json"),
        ],
    );
    let o = lenient_check(&addr);
    assert_eq!(
        o.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("BLIND") && out.contains("1 of 3 shards failed") && out.contains("timed out"),
        "{out}"
    );
}

#[test]
fn auth_and_missing_index_errors_name_the_cause() {
    let (addr, _) = serve("opensearch", vec![(401, "unauthorized.json")]);
    let o = run(&["check", &format!("opensearch://{addr}/logstash-*")], &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr)
            .contains("401: check the credentials in LOGTRIAGE_OPENSEARCH_USER"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let (addr, _) = serve("opensearch", vec![(404, "index-not-found.json")]);
    let o = run(
        &["report", &format!("elasticsearch://{addr}/nothing-*")],
        &[],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("no index matches nothing-*"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let o = run(
        &["check", &format!("opensearch://127.0.0.1:{port}/logs")],
        &[],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("unreachable"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn a_named_source_with_ui_url_links_each_group_to_discover() {
    let (addr, _) = serve("opensearch", TRAIN.to_vec());
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("config.toml");
    std::fs::write(
        &cfg,
        format!(
            "[sources.prod]\nurl = \"opensearch://{addr}/logstash-*\"\n\
             ui_url = \"https://logstash.example.org/\"\n"
        ),
    )
    .unwrap();
    let o = run(
        &[
            "report",
            "--format",
            "markdown",
            "--config",
            cfg.to_str().unwrap(),
            "prod",
        ],
        &[],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let md = String::from_utf8_lossy(&o.stdout);
    let links: Vec<&str> = md
        .lines()
        .filter_map(|l| l.strip_prefix("- Events in the backend: <"))
        .collect();
    assert_eq!(links.len(), 1, "the new group has details: {md}");
    for l in &links {
        assert!(
            l.starts_with("https://logstash.example.org/app/discover#/?_g=(time:(from:'20"),
            "{l}"
        );
        assert!(l.ends_with("'))>"), "{l}");
        assert!(!l.contains(' '), "{l}");
    }
    // The TypeError group is found by its exception class.
    assert!(
        links
            .iter()
            .any(|l| l.contains("exception.class%3A%22TypeError%22")),
        "{links:?}"
    );
}

#[test]
fn an_overloaded_cluster_is_retried_then_reported_as_blind() {
    let (addr, seen) = serve(
        "opensearch",
        [&[(503, "unavailable.json")][..], &TRAIN].concat(),
    );
    let url = format!("opensearch://{addr}/logstash-*");
    let o = run(&["check", &url], &[]);
    assert_ne!(
        o.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(seen.lock().unwrap().len(), 5, "one retry, then every page");

    let (addr, seen) = serve(
        "opensearch",
        vec![
            (503, "unavailable.json"),
            (503, "unavailable.json"),
            (503, "unavailable.json"),
        ],
    );
    let o = run(&["check", &format!("opensearch://{addr}/logstash-*")], &[]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("503: search_phase_execution_exception: all shards failed (after 3 attempts)"),
        "{err}"
    );
    assert_eq!(seen.lock().unwrap().len(), 3);
}

#[test]
fn a_named_source_can_replace_a_query_from_its_queries_dir() {
    let (addr, seen) = serve("opensearch", TRAIN.to_vec());
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("opensearch")).unwrap();
    let builtin = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/queries/opensearch/totals.json"
    ))
    .unwrap();
    // A site whose cluster needs a search timeout on every request.
    std::fs::write(
        dir.path().join("opensearch/totals.json"),
        builtin.replacen('{', "{\"timeout\": \"30s\",", 1),
    )
    .unwrap();
    let cfg = dir.path().join("config.toml");
    std::fs::write(
        &cfg,
        format!(
            "[sources.prod]\nurl = \"opensearch://{addr}/logstash-*\"\nqueries_dir = \"{}\"\n",
            dir.path().display()
        ),
    )
    .unwrap();
    let o = run(&["check", "--config", cfg.to_str().unwrap(), "prod"], &[]);
    assert_ne!(
        o.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let reqs = seen.lock().unwrap().clone();
    let totals: Value = serde_json::from_str(&reqs[0].body).unwrap();
    assert_eq!(totals["timeout"], "30s", "the override was sent");
    let groups: Value = serde_json::from_str(&reqs[1].body).unwrap();
    assert!(
        groups.get("timeout").is_none(),
        "groups.json stays built in"
    );
}

#[test]
fn since_adds_a_range_filter_on_the_time_field() {
    let (addr, seen) = serve("opensearch", TRAIN.to_vec());
    let url = format!("opensearch://{addr}/logstash-*");
    let o = run(&["check", "--since", "2026-11-17T00:00:00Z", &url], &[]);
    assert_ne!(
        o.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let reqs = seen.lock().unwrap().clone();
    for q in &reqs {
        let body: Value = serde_json::from_str(&q.body).unwrap();
        let filters = body
            .pointer("/query/bool/filter")
            .unwrap()
            .as_array()
            .unwrap();
        assert!(
            filters
                .iter()
                .any(|f| f.pointer("/range/@timestamp/gte")
                    == Some(&Value::from(1_794_873_600_000_i64))),
            "{body}"
        );
    }
}

#[test]
fn groups_without_a_usable_key_are_read_event_by_event() {
    // ECS logs: no normalized_message, no exception class. The cluster can only give one
    // bucket per version and level; its events are read with search_after and fingerprinted
    // like file lines, so different errors stay different groups.
    let (addr, seen) = serve(
        "opensearch",
        vec![
            (200, "keyless-totals.json"),
            (200, "keyless-groups.json"),
            (200, "groups-page3.json"),
            (200, "keyless-raw1.json"),
            (200, "keyless-raw2.json"),
        ],
    );
    let o = run(
        &[
            "report",
            "--format",
            "json",
            "--field",
            "version=service.version",
            &format!("opensearch://{addr}/app-*"),
        ],
        &[],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let r: Value = serde_json::from_slice(&o.stdout).unwrap();
    let mut groups: Vec<(String, u64, u64)> = r["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            (
                g["template"].as_str().unwrap().to_string(),
                g["current"]["count"].as_u64().unwrap(),
                g["previous"]["count"].as_u64().unwrap(),
            )
        })
        .collect();
    groups.sort();
    assert_eq!(groups.len(), 2, "{groups:?}");
    assert!(groups[0].0.starts_with("cache miss"), "{groups:?}");
    assert_eq!((groups[0].1, groups[0].2), (1, 0));
    assert!(groups[1].0.starts_with("db timeout"), "{groups:?}");
    assert_eq!((groups[1].1, groups[1].2), (2, 1));
    let reqs = seen.lock().unwrap().clone();
    assert_eq!(reqs.len(), 5);
    let raw1: Value = serde_json::from_str(&reqs[3].body).unwrap();
    let filters = raw1.pointer("/query/bool/filter").unwrap().to_string();
    assert!(
        filters.contains(r#"{"term":{"mwversion":"2.0.1"}}"#),
        "{filters}"
    );
    assert!(raw1.get("search_after").is_none());
    let raw2: Value = serde_json::from_str(&reqs[4].body).unwrap();
    assert_eq!(
        raw2["search_after"],
        serde_json::json!([1_794_880_850_000_i64, "c2"])
    );
}

/// Issue 10 (c): an answer with HTTP 200 that does not answer the query (no aggregations,
/// no shard counts) or that contradicts the totals never passes the gate.
#[test]
fn answers_that_do_not_answer_the_query_make_the_gate_blind() {
    use support::{Reply, serve_replies};
    let totals = std::fs::read_to_string(format!(
        "{}/tests/recorded/opensearch/totals.json",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let no_aggs = r#"{"took":1,"timed_out":false,"_shards":{"total":3,"successful":3,"skipped":0,"failed":0},"hits":{"total":{"value":0,"relation":"eq"},"hits":[]}}"#;
    let no_shards = totals.replace(
        r#""_shards":{"total":3,"successful":3,"skipped":0,"failed":0},"#,
        "",
    );
    // The totals say 5 and 7 events; these groups count 50 of the current version.
    let page1 = std::fs::read_to_string(format!(
        "{}/tests/recorded/opensearch/groups-page1.json",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
    .replacen(r#""doc_count":3,"#, r#""doc_count":50,"#, 1);
    let cases: Vec<(Vec<Reply>, &str)> = vec![
        (
            vec![Reply::inline(200, no_aggs.to_string())],
            "the answer has no aggregations.versions.buckets",
        ),
        (
            vec![
                Reply::new(200, "totals.json"),
                Reply::inline(200, no_aggs.to_string()),
            ],
            "the answer has no aggregations.groups.buckets",
        ),
        (
            vec![
                Reply::inline(200, no_shards),
                Reply::new(200, "groups-page1.json"),
                Reply::new(200, "groups-page2.json"),
                Reply::new(200, "groups-page3.json"),
            ],
            "cannot tell that every shard answered",
        ),
        (
            vec![
                Reply::new(200, "totals.json"),
                Reply::inline(200, page1),
                Reply::new(200, "groups-page2.json"),
                Reply::new(200, "groups-page3.json"),
            ],
            "the groups of version 1.46.0-wmf.4 count 51 events but the totals only 5",
        ),
    ];
    for (replies, says) in cases {
        let (addr, _) = serve_replies("opensearch", replies);
        let o = lenient_check(&addr);
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
        assert_eq!(o.status.code(), Some(2), "{all}");
        assert!(all.contains(says), "{says}: {all}");
    }
}

/// Issue 10: a cluster that accepts connections and never answers (a stopped process)
/// ends the run at its deadline, blind, not minutes later.
#[test]
fn a_cluster_that_never_answers_is_blind_at_the_deadline() {
    use support::{Reply, serve_replies};
    let slow = std::time::Duration::from_secs(30);
    let (addr, _) = serve_replies(
        "opensearch",
        vec![
            Reply::new(200, "totals.json").after(slow),
            Reply::new(200, "totals.json").after(slow),
            Reply::new(200, "totals.json").after(slow),
        ],
    );
    let started = std::time::Instant::now();
    let o = run(
        &[
            "check",
            "--request-timeout",
            "1s",
            "--timeout",
            "3s",
            &format!("opensearch://{addr}/logstash-*"),
        ],
        &[],
    );
    let took = started.elapsed();
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(o.status.code(), Some(2), "{all}");
    assert!(all.contains("timed out"), "{all}");
    assert!(took < std::time::Duration::from_secs(8), "{took:?}: {all}");
}
