//! Issue 10: no secret from the environment or a URL appears in any output, against a
//! server that echoes the request's headers in its error (a debugging proxy, a
//! misconfigured gateway), for every backend; and a URL with credentials is refused
//! without being echoed, whatever its password holds.

use std::process::Output;

mod support;
use support::{Reply, serve_replies};

const PASSWORD: &str = "Pw-CANARY-7f3/x@9";
const API_KEY: &str = "QXBpS2V5LUNBTkFSWS0xMjM0NTY3OA==";
const USER: &str = "triage-bot";

fn output(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// Every form a secret travels in over HTTP: as it is, percent-encoded, and in a Basic
/// header as base64 of `user:password`.
fn forms() -> Vec<String> {
    let basic = {
        // Base64 by hand here too, so the test does not trust the code under test.
        let bytes = format!("{USER}:{PASSWORD}").into_bytes();
        let a = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut s = String::new();
        for c in bytes.chunks(3) {
            let n = (c[0] as u32) << 16
                | (*c.get(1).unwrap_or(&0) as u32) << 8
                | *c.get(2).unwrap_or(&0) as u32;
            for i in 0..4 {
                s.push(if i <= c.len() {
                    a[(n >> (18 - 6 * i)) as usize & 63] as char
                } else {
                    '='
                });
            }
        }
        s
    };
    vec![
        PASSWORD.to_string(),
        "CANARY-7f3".to_string(),
        API_KEY.to_string(),
        basic,
    ]
}

fn assert_nothing_leaks(what: &str, o: &Output) {
    let out = output(o);
    assert_eq!(o.status.code(), Some(2), "{what}: {out}");
    for f in forms() {
        assert!(!out.contains(&f), "{what}: {f} leaked: {out}");
    }
}

#[test]
fn a_server_that_echoes_the_request_never_gets_a_secret_printed() {
    // (source URL, its credentials in the environment, how the echoed header shows)
    type Case<'a> = (&'a str, Vec<(&'a str, &'a str)>, &'a str);
    let cases: Vec<Case> = vec![
        (
            "opensearch://{addr}/logs-*",
            vec![
                ("LOGTRIAGE_OPENSEARCH_USER", USER),
                ("LOGTRIAGE_OPENSEARCH_PASSWORD", PASSWORD),
            ],
            "authorization: [secret]",
        ),
        (
            "opensearch://{addr}/logs-*",
            vec![("LOGTRIAGE_OPENSEARCH_API_KEY", API_KEY)],
            "authorization: [secret]",
        ),
        (
            "clickhouse://{addr}/logs.events",
            vec![
                ("LOGTRIAGE_CLICKHOUSE_USER", USER),
                ("LOGTRIAGE_CLICKHOUSE_PASSWORD", PASSWORD),
            ],
            "x-clickhouse-key: [secret]",
        ),
        (
            "loki://{addr}/app=mw",
            vec![
                ("LOGTRIAGE_LOKI_USER", USER),
                ("LOGTRIAGE_LOKI_PASSWORD", PASSWORD),
            ],
            "authorization: [secret]",
        ),
    ];
    for (url, env, shows) in cases {
        for status in [400, 500] {
            let replies = (0..4).map(|_| Reply::echo(status)).collect();
            let (addr, seen) = serve_replies("opensearch", replies);
            let url = url.replace("{addr}", &addr);
            let o = support::run_with_env(&["check", "--request-timeout", "5s", &url], &env);
            assert_nothing_leaks(&url, &o);
            // The echo was read (the credential was sent, and its header shown scrubbed).
            assert!(!seen.lock().unwrap().is_empty());
            assert!(output(&o).contains(shows), "{url}: {}", output(&o));
        }
    }
}

#[test]
fn credentials_in_a_url_are_refused_and_never_echoed() {
    for url in [
        "opensearch://admin:Pw-CANARY-7f3/x@9@h:9200/logs",
        "opensearch+https://admin:Pw-CANARY-7f3@h:9200/logs",
        "loki://admin:Pw-CANARY-7f3/x@9@h:3100/app=mw",
        "clickhouse://admin:Pw-CANARY-7f3/x@9@h:8123/db.t",
        "clickhouse://:Pw-CANARY-7f3@h/db.t",
        "mysql://admin:Pw-CANARY-7f3@h/db",
        "clickhouse://admin:Pw-CANARY#7f3@h:8123/db.t",
        "loki://admin:Pw-CANARY?7f3@h:3100/app=mw",
        "opensearch://admin:Pw-CANARY?x=1@h:9200/logs",
    ] {
        let o = support::run_with_env(&["check", url], &[]);
        let out = output(&o);
        assert_eq!(o.status.code(), Some(2), "{url}: {out}");
        assert!(!out.contains("CANARY"), "{url}: {out}");
    }
}
