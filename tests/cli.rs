//! End-to-end tests of the `logtriage` binary: the demo's ground truth, every input shape,
//! bad input, the gate's exit codes, and that log content cannot drive a terminal.

use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

mod support;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_logtriage"))
}

fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("logtriage runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn demo_dir() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo");
    let o = run(&["demo", "--write", path.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    (dir, path)
}

fn demo_logs(dir: &Path) -> Vec<String> {
    support::demo_logs(dir)
}

/// Every truth group is exactly one report group with the same counts and status, and
/// the report has no other group.
fn assert_matches_truth(report: &Value, truth: &Value) {
    let groups = report["groups"].as_array().unwrap();
    let truth_groups = truth["groups"].as_array().unwrap();
    for t in truth_groups {
        let matching: Vec<&Value> = groups
            .iter()
            .filter(|g| {
                g["title"]
                    .as_str()
                    .unwrap()
                    .contains(t["title_contains"].as_str().unwrap())
                    && g["current"]["count"] == t["current"]
                    && g["previous"]["count"] == t["previous"]
            })
            .collect();
        assert_eq!(
            matching.len(),
            1,
            "truth group {} matched {} report groups",
            t["label"],
            matching.len()
        );
        assert_eq!(
            matching[0]["status"], t["status"],
            "status of {}",
            t["label"]
        );
    }
    assert_eq!(
        groups.len(),
        truth_groups.len(),
        "report groups: {:#?}",
        groups
            .iter()
            .map(|g| g["title"].clone())
            .collect::<Vec<_>>()
    );
}

#[test]
fn demo_report_recovers_the_ground_truth_exactly() {
    let (_d, dir) = demo_dir();
    let truth: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("truth/report.json")).unwrap())
            .unwrap();
    let mut args = vec!["report", "--format", "json"];
    let logs = demo_logs(&dir);
    args.extend(logs.iter().map(String::as_str));
    let o = run(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    let report: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(report["schema_version"], 1);
    assert_eq!(report["versions_picked"], "newest");
    assert_eq!(report["current"]["version"], truth["current"]);
    assert_eq!(report["previous"]["version"], truth["previous"]);
    assert_eq!(report["malformed"]["total"], truth["malformed_lines"]);
    assert_matches_truth(&report, &truth);
}

#[test]
fn demo_diff_of_two_text_logs_recovers_the_ground_truth() {
    let (_d, dir) = demo_dir();
    let truth: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("truth/diff.json")).unwrap())
            .unwrap();
    let before = dir.join("profile-service.before.log");
    let after = dir.join("profile-service.after.log");
    let o = run(&[
        "diff",
        "--format",
        "json",
        "--previous-label",
        "before",
        "--current-label",
        "after",
        before.to_str().unwrap(),
        after.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let report: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(report["versions_picked"], "files");
    assert_eq!(report["current"]["version"], "after");
    assert_matches_truth(&report, &truth);
    // The Python traceback is one event grouped by its frames.
    let keyerror = report["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["title"].as_str().unwrap().contains("KeyError"))
        .unwrap();
    assert_eq!(keyerror["rule"], "stack");
    assert!(
        keyerror["stack_trace"]
            .as_str()
            .unwrap()
            .contains("views.py")
    );
}

#[test]
fn demo_without_arguments_prints_the_report() {
    let o = run(&["demo"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("# logtriage: `1.46.0-wmf.4` vs `1.46.0-wmf.3`"),
        "{out}"
    );
    assert!(
        out.contains("4 new · 1 regressed · 1 gone · 1 improved · 7 steady"),
        "{out}"
    );
}

#[test]
fn remarkup_and_markdown_render_the_same_groups() {
    let (_d, dir) = demo_dir();
    let logs = demo_logs(&dir);
    for (format, heading) in [("markdown", "## New (4)"), ("remarkup", "== New (4) ==")] {
        let mut args = vec!["report", "--format", format];
        args.extend(logs.iter().map(String::as_str));
        let o = run(&args);
        assert!(o.status.success());
        let out = stdout(&o);
        assert!(out.contains(heading), "{format}: {out}");
        assert!(out.contains("Too many connections"), "{format}");
    }
}

#[test]
fn gate_fails_passes_and_goes_blind() {
    let (_d, dir) = demo_dir();
    let logs = demo_logs(&dir);
    let with = |extra: &[&str]| {
        let mut args = vec!["check"];
        args.extend_from_slice(extra);
        args.extend(logs.iter().map(String::as_str));
        run(&args)
    };
    let fail = with(&[]);
    assert_eq!(fail.status.code(), Some(1), "{}", stdout(&fail));
    let out = stdout(&fail);
    assert!(
        out.starts_with("FAIL: 1.46.0-wmf.4 vs 1.46.0-wmf.3"),
        "{out}"
    );
    assert!(out.contains("4 new error group(s), at most 0 allowed"));
    assert!(out.contains("ParserOutput::getText"));
    let pass = with(&["--max-new", "4", "--max-regressed", "1"]);
    assert_eq!(pass.status.code(), Some(0), "{}", stdout(&pass));
    assert!(stdout(&pass).starts_with("PASS"));
    // A version with no events: blind, never pass.
    let blind = with(&[
        "--current",
        "1.46.0-wmf.5",
        "--previous",
        "1.46.0-wmf.4",
        "--max-new",
        "1000",
    ]);
    assert_eq!(blind.status.code(), Some(2), "{}", stdout(&blind));
    assert!(stdout(&blind).contains("BLIND"));
    assert!(stdout(&blind).contains("no events for the current version 1.46.0-wmf.5"));
}

#[test]
fn an_unreadable_source_is_blind_not_clean() {
    let (_d, dir) = demo_dir();
    let mut logs = demo_logs(&dir);
    logs.push(dir.join("missing.json").display().to_string());
    let mut args = vec!["check", "--max-new", "1000", "--max-regressed", "1000"];
    args.extend(logs.iter().map(String::as_str));
    let o = run(&args);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stdout(&o).contains("missing.json could not be read: cannot open"),
        "{}",
        stdout(&o)
    );
    // `report` writes what it has, says what it did not see, and exits 2.
    let mut args = vec!["report"];
    args.extend(logs.iter().map(String::as_str));
    let o = run(&args);
    assert_eq!(o.status.code(), Some(2));
    assert!(stdout(&o).contains("could not be read completely"));
    assert!(stderr(&o).contains("BLIND"));
}

#[test]
fn no_data_at_all_is_blind() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.json");
    std::fs::write(&empty, "").unwrap();
    let o = run(&["check", empty.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("cannot pick two versions"),
        "{}",
        stderr(&o)
    );
    let o = run(&[
        "check",
        "--current",
        "2",
        "--previous",
        "1",
        empty.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
}

fn write(dir: &Path, name: &str, body: &[u8]) -> String {
    let p = dir.join(name);
    std::fs::write(&p, body).unwrap();
    p.display().to_string()
}

fn fingerprints(args: &[&str]) -> Vec<Value> {
    let o = run(args);
    assert!(o.status.success(), "{}", stderr(&o));
    stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn fingerprint_output_for_each_shape() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // text: a Java exception spans lines 1-4, the next event starts on line 5.
    let text = write(d, "app.log", b"2026-11-17 10:00:00,000 ERROR [main] com.acme.Api - request 17 failed\njava.lang.IllegalStateException: pool closed\n\tat com.acme.db.Pool.get(Pool.java:88)\n\tat com.acme.Api.handle(Api.java:12)\n2026-11-17 10:00:01,000 ERROR [main] com.acme.Api - request 18 failed\njava.lang.IllegalStateException: pool closed\n\tat com.acme.db.Pool.get(Pool.java:91)\n\tat com.acme.Api.handle(Api.java:12)\n2026-11-17 10:00:02,000 WARN [main] com.acme.Cache - miss for 42\n");
    let evs = fingerprints(&["fingerprint", &text]);
    assert_eq!(evs.len(), 3);
    assert_eq!(evs[0]["line"], 1);
    assert_eq!(evs[1]["line"], 5);
    assert_eq!(evs[2]["line"], 9);
    assert_eq!(evs[0]["level"], "error");
    assert_eq!(evs[2]["level"], "warning");
    assert_eq!(
        evs[0]["fingerprint"], evs[1]["fingerprint"],
        "same frames, line numbers moved"
    );
    assert_eq!(evs[0]["file"], text.as_str());
    assert!(
        evs[0]["title"]
            .as_str()
            .unwrap()
            .contains("IllegalStateException")
    );
    // ndjson and logfmt
    let nd = write(d, "a.json", b"{\"level\":\"error\",\"message\":\"timeout after 30s on db1107\"}\n\n{\"level\":\"error\",\"message\":\"timeout after 45s on db1142\"}\n");
    let evs = fingerprints(&["fingerprint", &nd]);
    assert_eq!(evs.len(), 2);
    assert_eq!(evs[1]["line"], 3);
    assert_eq!(evs[0]["fingerprint"], evs[1]["fingerprint"]);
    assert_eq!(evs[0]["template"], "timeout after <*> on <*>");
    let lf = write(d, "b.logfmt", b"level=error msg=\"dial failed\" err=\"dial tcp 10.0.0.1:443: refused\" caller=net/dial.go:10\nlevel=error msg=\"dial failed\" err=\"dial tcp 10.0.0.2:443: refused\" caller=net/dial.go:12\n");
    let evs = fingerprints(&["fingerprint", &lf]);
    assert_eq!(evs[0]["fingerprint"], evs[1]["fingerprint"]);
    // raw: every line is an event, even ones a text reader would join.
    let evs = fingerprints(&["fingerprint", "--format", "raw", &text]);
    assert_eq!(evs.len(), 9);
    assert_eq!(evs[8]["line"], 9);
}

#[test]
fn log_service_exports_are_read_as_their_records() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // CloudWatch Logs' CSV download: a Java trace written line by line is one row per line.
    let csv = write(
        d,
        "log-events-viewer-result.csv",
        b"timestamp,message\n\
          1689878257942,\"START RequestId: 7a1 Version: 9\n\"\n\
          1689878259961,\"2023-07-20T18:37:39.961Z 7a1 ERROR poc.App - save failed\n\"\n\
          1689878259962,\"java.lang.IllegalStateException: store closed\n\"\n\
          1689878259962,\"\tat poc.Store.save(Store.java:12)\n\"\n\
          1689878259963,\"END RequestId: 7a1\n\"\n",
    );
    let evs = fingerprints(&["fingerprint", "--min-level", "any", &csv]);
    let lines: Vec<i64> = evs.iter().map(|e| e["line"].as_i64().unwrap()).collect();
    assert_eq!(lines, vec![2, 4, 10]);
    assert_eq!(evs[1]["level"], "error");
    assert!(
        evs[1]["title"]
            .as_str()
            .unwrap()
            .contains("IllegalStateException")
    );
    // Cloud Logging's JSON download: an array of pretty-printed entries.
    let array = write(
        d,
        "downloaded-logs.json",
        b"[\n  {\n    \"severity\": \"ERROR\",\n    \"textPayload\": \"upstream timed out\",\n    \"timestamp\": \"2026-03-26T19:51:53.793081Z\"\n  },\n  {\n    \"severity\": \"INFO\",\n    \"textPayload\": \"ready\",\n    \"timestamp\": \"2026-03-26T19:51:54Z\"\n  }\n]\n",
    );
    let o = run(&["fingerprint", "--min-level", "any", &array]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!stderr(&o).contains("malformed"), "{}", stderr(&o));
    let evs: Vec<Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(evs.len(), 2);
    assert_eq!(evs[0]["level"], "error");
    assert_eq!(evs[0]["title"], "upstream timed out");
    // `fly logs`: the app's own level first; Fly's `[error]` over what words would infer;
    // Fly's proxy is not the app's record.
    let fly = write(
        d,
        "fly.log",
        b"2025-11-07T19:57:49Z app[d896035c719e28] sjc [info] WARN Slow query took 5s:\n\
          2025-11-07T19:57:50Z proxy[d896035c719e28] sjc [error]could not find a good candidate within 90 attempts at load balancing\n\
          2025-11-07T19:57:51Z app[d896035c719e28] sjc [info]listening on 0.0.0.0:8080\n",
    );
    let evs = fingerprints(&["fingerprint", "--min-level", "any", &fly]);
    let levels: Vec<&str> = evs.iter().map(|e| e["level"].as_str().unwrap()).collect();
    assert_eq!(levels, vec!["warning", "error", "info"]);
}

#[cfg(unix)]
#[test]
fn reports_are_replaced_whole_and_through_a_link() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let a = write(d, "a.json", b"{\"level\":\"error\",\"message\":\"boom\"}\n");
    let b = write(d, "b.json", b"{\"level\":\"error\",\"message\":\"bang\"}\n");
    // The report's place is a link into a shared directory, holding an older, longer report.
    std::fs::create_dir(d.join("shared")).unwrap();
    let target = d.join("shared/report.md");
    std::fs::write(&target, "x".repeat(100_000)).unwrap();
    let link = d.join("report.md");
    std::os::unix::fs::symlink("shared/report.md", &link).unwrap();
    let o = run(&[
        "diff",
        "--format",
        "markdown",
        "-o",
        link.to_str().unwrap(),
        &a,
        &b,
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    let written = std::fs::read_to_string(&target).unwrap();
    assert!(
        !written.contains("xxxx"),
        "the old report is replaced whole"
    );
    assert!(written.contains("bang"));
    // Nothing is left beside it.
    let names: Vec<String> = std::fs::read_dir(d.join("shared"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, vec!["report.md"]);
}

#[test]
fn stdin_gzip_and_zstd_inputs() {
    let dir = tempfile::tempdir().unwrap();
    let body = b"{\"level\":\"error\",\"message\":\"disk full on sda1\"}\n";
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(body).unwrap();
    let gz_path = write(dir.path(), "x.json.gz", &gz.finish().unwrap());
    let zst_path = write(
        dir.path(),
        "y.json.zst",
        &zstd::encode_all(&body[..], 1).unwrap(),
    );
    assert_eq!(fingerprints(&["fingerprint", &gz_path]).len(), 1);
    assert_eq!(fingerprints(&["fingerprint", &zst_path]).len(), 1);
    let mut child = bin()
        .args(["fingerprint", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(body).unwrap();
    let o = child.wait_with_output().unwrap();
    let line: Value = serde_json::from_str(stdout(&o).lines().next().unwrap()).unwrap();
    assert_eq!(line["file"], "<stdin>");
}

#[test]
fn bad_input_is_counted_and_named_never_fatal() {
    let dir = tempfile::tempdir().unwrap();
    let mut body = Vec::new();
    body.extend_from_slice(b"{\"level\":\"error\",\"message\":\"first\"}\n");
    body.extend_from_slice(b"{\"level\":\"error\",\"message\":\n"); // line 2: torn
    body.extend_from_slice(b"{\"level\":\"error\",\"message\":\"caf\xe9 latin-1\"}\n"); // line 3: invalid UTF-8
    body.extend_from_slice(&b"[".repeat(5000)); // line 4: too deep
    body.push(b'\n');
    body.extend_from_slice(b"{\"level\":\"error\",\"message\":\"");
    body.extend_from_slice(&b"x".repeat(2 << 20)); // line 5: 2 MiB, kept shrunk
    body.extend_from_slice(b"\"}\n");
    body.extend_from_slice(b"{\"level\":\"error\",\"message\":\"last\"}\n"); // line 6
    let p = write(dir.path(), "bad.json", &body);
    let o = run(&["fingerprint", &p]);
    assert!(o.status.success(), "{}", stderr(&o));
    let evs: Vec<Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let lines: Vec<u64> = evs.iter().map(|e| e["line"].as_u64().unwrap()).collect();
    assert_eq!(
        lines,
        vec![1, 3, 5, 6],
        "valid lines survive, invalid UTF-8 is decoded lossily, a long one is shrunk"
    );
    assert!(evs[1]["template"].as_str().unwrap().contains('\u{fffd}'));
    let err = stderr(&o);
    assert!(err.contains("2 malformed line(s) skipped"), "{err}");
    assert!(err.contains(&format!("{p}:2: invalid JSON")), "{err}");
    assert!(
        err.contains(&format!("{p}:4: JSON nested too deeply")),
        "{err}"
    );
    assert!(!err.contains(&format!("{p}:5:")), "{err}");
}

/// 100 errors of one group in each of versions 1.0 and 1.1, as NDJSON: a steady baseline.
fn steady_in_both_versions() -> String {
    let mut body = String::new();
    for v in ["1.0", "1.1"] {
        for i in 0..100 {
            body.push_str(&format!(
                "{{\"level\":\"error\",\"version\":\"{v}\",\"message\":\"steady failure {i}\"}}\n"
            ));
        }
    }
    body
}

/// Issue 10 (a): a FATAL line that carries a field over the line cap is an event of its
/// version, not a malformed line, so the gate sees it.
#[test]
fn the_gate_sees_events_that_carry_huge_fields() {
    let dir = tempfile::tempdir().unwrap();
    let mut body = steady_in_both_versions();
    let big = "x".repeat((1 << 20) + 10);
    for _ in 0..50 {
        body.push_str(&format!(
            "{{\"level\":\"FATAL\",\"payload\":\"{big}\",\"version\":\"1.1\",\"message\":\"database exploded\"}}\n"
        ));
    }
    let p = write(dir.path(), "huge.json", body.as_bytes());
    // Also as text among text lines, and through stdin (the assembled reader).
    let text = write(
        dir.path(),
        "huge-text.log",
        format!("2026-01-01 10:00:00 INFO starting\n{body}").as_bytes(),
    );
    for (args, src) in [(vec![], &p), (vec!["--input-format", "text"], &text)] {
        let mut a = vec!["check"];
        a.extend(args);
        a.push(src);
        let o = run(&a);
        let out = stdout(&o);
        assert_eq!(o.status.code(), Some(1), "{out}{}", stderr(&o));
        assert!(out.contains("50 now"), "{out}");
        assert!(out.contains("database exploded"), "{out}");
        assert!(!out.contains("malformed"), "{out}");
    }
}

/// Issue 10 (b): a banner before NDJSON does not turn the file into text.
#[test]
fn a_banner_before_json_lines_keeps_the_file_json() {
    let dir = tempfile::tempdir().unwrap();
    let mut body = String::new();
    for i in 0..30 {
        body.push_str(&format!("logrotate: rotating /var/log/app.log ({i})\n"));
    }
    for (v, msg, level, n) in [
        ("1.0", "steady failure", "error", 200),
        ("1.1", "steady failure", "error", 200),
        ("1.1", "database exploded on shard", "fatal", 200),
    ] {
        for i in 0..n {
            body.push_str(&format!(
                "{{\"log.level\":\"{level}\",\"service.version\":\"{v}\",\"message\":\"{msg} {i}\"}}\n"
            ));
        }
    }
    let p = write(dir.path(), "banner.json", body.as_bytes());
    let o = run(&["check", &p]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{out}{}", stderr(&o));
    assert!(out.contains("database exploded on shard"), "{out}");
    let o = run(&["report", "--format", "json", &p]);
    let r: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(r["sources"][0]["format"], "ndjson", "{}", r["sources"]);
}

#[test]
fn long_raw_and_text_lines_are_kept_and_marked() {
    let dir = tempfile::tempdir().unwrap();
    let mut body = b"ERROR ".to_vec();
    body.extend_from_slice(&b"y".repeat(3 << 20));
    body.extend_from_slice(b"\nERROR short\n");
    let p = write(dir.path(), "long.log", &body);
    let empty = write(dir.path(), "empty.log", b"");
    for format in ["raw", "text"] {
        let evs = fingerprints(&["fingerprint", "--format", format, &p]);
        assert_eq!(evs.len(), 2, "{format}");
        assert_eq!(evs[1]["line"], 2);
        let o = run(&[
            "diff",
            "--format",
            "json",
            "--min-level",
            "any",
            "--input-format",
            format,
            &empty,
            &p,
        ]);
        let r: Value = serde_json::from_str(&stdout(&o)).unwrap();
        let long = r["groups"]
            .as_array()
            .unwrap()
            .iter()
            .find(|g| g["sample"]["line"] == 1)
            .unwrap();
        let msg = long["sample"]["message"].as_str().unwrap();
        assert!(
            msg.ends_with("…[line truncated: 3145734 bytes]"),
            "{format}: …{}",
            &msg[msg.len() - 60..]
        );
        assert!(msg.len() < (1 << 20) + 100);
    }
}

#[test]
fn truncated_gzip_keeps_what_was_read_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let mut body = Vec::new();
    for i in 0..5000 {
        body.extend_from_slice(
            format!("{{\"level\":\"error\",\"message\":\"event {i}\"}}\n").as_bytes(),
        );
    }
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&body).unwrap();
    let full = gz.finish().unwrap();
    let p = write(dir.path(), "cut.json.gz", &full[..full.len() / 2]);
    let o = run(&["fingerprint", &p]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("read error after line"),
        "{}",
        stderr(&o)
    );
    assert!(!stdout(&o).is_empty());
}

#[test]
fn control_characters_never_reach_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    // Version 1 is seen first, so 2 is current and its error is new (shown in full).
    let evil = "{\"level\":\"error\",\"mwversion\":\"1\",\"message\":\"other\"}\n{\"level\":\"error\",\"mwversion\":\"2\",\"message\":\"boom \\u001b]0;pwned\\u0007 \\u001b[2J \\u202eexe.txt \\u009b31m\"}\n";
    let p = write(dir.path(), "evil.json", evil.as_bytes());
    for format in ["markdown", "remarkup", "json"] {
        let o = run(&["report", "--format", format, &p]);
        assert!(o.status.success(), "{}", stderr(&o));
        let out = stdout(&o);
        assert!(
            !out.chars()
                .any(|c| (c.is_control() && c != '\n') || ('\u{202a}'..='\u{202e}').contains(&c)),
            "{format}: {out:?}"
        );
        if format != "json" {
            assert!(out.contains("␛]0;pwned␇"), "{format}: {out}");
            assert!(out.contains("⟨U+202E⟩"), "{format}");
        }
    }
    let o = run(&["fingerprint", &p]);
    assert!(
        !stdout(&o)
            .chars()
            .any(|c| c == '\u{1b}' || c == '\u{9b}' || c == '\u{202e}')
    );
}

#[test]
fn usage_errors_name_the_problem() {
    let o = run(&["report", "--current", "x", "nothing.json"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("give both --current and --previous"));
    let o = run(&["report", "--min-level", "loud", "x.json"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--min-level"));
    let o = run(&["report", "--field", "colour=x", "x.json"]);
    assert!(stderr(&o).contains("unknown role \"colour\""));
    let o = run(&["report", "/nonexistent/*.json"]);
    assert!(stderr(&o).contains("no files match"));
    for bad in ["0s", "5d", "99999999999999999999h", "soon"] {
        let o = run(&["check", "--timeout", bad, "x.json"]);
        assert_eq!(o.status.code(), Some(2), "{bad}");
        assert!(
            stderr(&o).contains("expected a time like 90s, 5m or 1h"),
            "{bad}: {}",
            stderr(&o)
        );
    }
}

#[test]
fn field_overrides_from_flag_and_config() {
    let dir = tempfile::tempdir().unwrap();
    // No timestamps: the version seen first in the input is the older one.
    let body = "{\"sev\":\"error\",\"rel\":\"1\",\"text\":\"old thing\"}\n{\"sev\":\"error\",\"rel\":\"2\",\"text\":\"new thing broke\"}\n{\"sev\":\"error\",\"rel\":\"2\",\"text\":\"old thing\"}\n";
    let p = write(dir.path(), "custom.json", body.as_bytes());
    let o = run(&[
        "report",
        "--format",
        "json",
        "--field",
        "level=sev",
        "--field",
        "version=rel",
        &p,
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let r: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(r["current"]["version"], "2");
    assert_eq!(r["counts"]["new"], 1);
    let cfg = write(
        dir.path(),
        "c.toml",
        b"[fields]\nlevel = \"sev\"\nversion = \"rel\"\n",
    );
    let o = run(&["report", "--format", "json", "--config", &cfg, &p]);
    assert!(o.status.success(), "{}", stderr(&o));
    let r2: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(r2["counts"], r["counts"]);
}

#[test]
fn decisions_show_in_reports_and_known_errors_pass_the_gate() {
    let (_d, dir) = demo_dir();
    let logs = demo_logs(&dir);
    let file = dir.join("decisions.json");
    let f = file.to_str().unwrap();
    let with = |cmd: &str, extra: &[&str]| {
        let mut args = vec![cmd, "--decisions", f];
        args.extend_from_slice(extra);
        args.extend(logs.iter().map(String::as_str));
        run(&args)
    };
    // The new groups, by title.
    let r: Value = serde_json::from_str(&stdout(&run(&[
        &["report", "--format", "json"][..],
        &logs.iter().map(String::as_str).collect::<Vec<_>>(),
    ]
    .concat())))
    .unwrap();
    let fp_of = |needle: &str| {
        r["groups"]
            .as_array()
            .unwrap()
            .iter()
            .find(|g| g["status"] == "new" && g["title"].as_str().unwrap().contains(needle))
            .unwrap()["fingerprint"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let parser = fp_of("ParserOutput");
    let npe = fp_of("NullPointerException");
    let decide = |args: &[&str]| {
        let o = run(&[&["decide", "--file", f][..], args].concat());
        assert!(o.status.success(), "{}", stderr(&o));
        stdout(&o)
    };
    let out = decide(&[
        &parser,
        "--mark",
        "blocker",
        "--train",
        "1.46.0-wmf.4",
        "--owner-team",
        "Platform",
        "--owner",
        "ann",
        "--task",
        "T412345",
        "--note",
        "floods testwiki",
    ]);
    assert!(
        out.contains(&format!("{parser}: marked blocker for 1.46.0-wmf.4")),
        "{out}"
    );
    decide(&[&npe, "--mark", "known", "--task", "T400001"]);
    let md = stdout(&with("report", &[]));
    assert!(md.contains("## Open blockers (1)"), "{md}");
    assert!(md.contains("blocker · Platform/ann · T412345"), "{md}");
    assert!(md.contains("- Note by "), "{md}");
    let json: Value =
        serde_json::from_str(&stdout(&with("report", &["--format", "json"]))).unwrap();
    let g = json["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["fingerprint"] == parser.as_str())
        .unwrap();
    assert_eq!(g["decision"]["mark"], "blocker");
    assert_eq!(g["decision"]["owner_person"], "ann");
    // Known errors do not fail the gate; the blocker (as a blocker) and the other new ones
    // still do.
    let gate = stdout(&with("check", &[]));
    assert!(gate.contains("1 open blocker(s) on this train"), "{gate}");
    assert!(gate.contains("2 new error group(s)"), "{gate}");
    assert!(!gate.contains("NullPointerException"), "{gate}");
    // An open blocker fails the gate even when new groups are allowed.
    let o = with("check", &["--max-new", "100"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).contains("1 open blocker(s) on this train"),
        "{}",
        stdout(&o)
    );
    // Undo, and a blocker of another train does not apply to this one.
    let out = decide(&["--undo", &npe]);
    assert!(out.contains("undid \"task T400001\""), "{out}");
    decide(&[&parser, "--mark", "blocker", "--train", "1.46.0-wmf.3"]);
    let json: Value =
        serde_json::from_str(&stdout(&with("report", &["--format", "json"]))).unwrap();
    let g = json["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["fingerprint"] == parser.as_str())
        .unwrap();
    assert_eq!(g["decision"]["mark"], Value::Null);
    assert_eq!(g["decision"]["recorded_mark"], "blocker");
}

#[test]
fn decide_rejects_what_it_cannot_record() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("d.json");
    let f = f.to_str().unwrap();
    let err = |args: &[&str]| {
        let o = run(&[&["decide", "--file", f][..], args].concat());
        assert_eq!(o.status.code(), Some(2));
        stderr(&o)
    };
    assert!(err(&["nothex", "--mark", "known"]).contains("not a fingerprint"));
    assert!(err(&["edbffc58ceb8846d", "--mark", "blocker"]).contains("pass --train"));
    assert!(err(&["edbffc58ceb8846d", "--task", "soon"]).contains("T123456"));
    assert!(err(&["edbffc58ceb8846d"]).contains("nothing to record"));
    assert!(err(&["edbffc58ceb8846d", "--mark", "urgent"]).contains("unknown mark"));
    assert!(!std::path::Path::new(f).exists(), "nothing was written");
    let o = run(&["report", "--decisions", "/nonexistent/d.json", "x.json"]);
    assert!(stderr(&o).contains("no decisions file there"));
}

#[test]
fn completions_and_man_page() {
    let o = run(&["completions", "bash"]);
    assert!(o.status.success());
    assert!(stdout(&o).contains("_logtriage()"));
    let o = run(&["man"]);
    assert!(o.status.success());
    assert!(stdout(&o).contains(".TH logtriage"));
}

#[test]
fn since_leaves_out_older_events_and_refuses_nonsense() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("app.json");
    std::fs::write(
        &p,
        concat!(
            r#"{"@timestamp":"2026-11-18T10:00:00Z","level":"error","version":"2","message":"old failure"}"#,
            "\n",
            r#"{"@timestamp":"2026-11-18T12:00:00Z","level":"error","version":"2","message":"new failure"}"#,
            "\n",
            r#"{"level":"error","version":"2","message":"undated failure"}"#,
            "\n",
            r#"{"@timestamp":"2026-11-18T11:30:00Z","level":"error","version":"1","message":"baseline"}"#,
            "\n",
        ),
    )
    .unwrap();
    let p = p.to_str().unwrap();
    let o = run(&[
        "report",
        "--format",
        "json",
        "--since",
        "2026-11-18T11:00:00Z",
        p,
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let r: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let titles: Vec<&str> = r["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["title"].as_str().unwrap())
        .collect();
    assert!(
        titles.iter().any(|t| t.contains("new failure")),
        "{titles:?}"
    );
    assert!(titles.iter().any(|t| t.contains("undated")), "{titles:?}");
    assert!(
        !titles.iter().any(|t| t.contains("old failure")),
        "{titles:?}"
    );
    let o = run(&["report", "--since", "soon", p]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--since soon: expected a duration"));
}

#[test]
fn file_without_a_tracker_writes_a_redacted_task_and_says_where() {
    let (dir, demo) = demo_dir();
    let logs = demo_logs(&demo);
    let logs: Vec<&str> = logs.iter().map(String::as_str).collect();
    let o = run(&[&["report", "--format", "json"][..], &logs].concat());
    let r: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let g = r["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| {
            g["title"]
                .as_str()
                .unwrap()
                .contains("ParserOutput::getText")
        })
        .unwrap();
    let fp = g["fingerprint"].as_str().unwrap();
    let out = dir.path().to_str().unwrap();
    let o = run(&[&["file", "--out", out, fp][..], &logs].concat());
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("no tracker configured"),
        "{}",
        stderr(&o)
    );
    assert!(stderr(&o).contains("redacted"), "{}", stderr(&o));
    let task = std::fs::read_to_string(dir.path().join(format!("task-{fp}.txt"))).unwrap();
    assert!(
        task.starts_with("TypeError: MediaWiki\\Parser\\ParserOutput::getText()"),
        "{task}"
    );
    assert!(
        task.contains("==== Error ====\n\n* version: `1.46.0-wmf.4`"),
        "{task}"
    );
    assert!(
        task.contains("| `#0` | `/srv/mediawiki/php-1.46.0-wmf.4/"),
        "{task}"
    );
    assert!(task.contains("| `#3` |  | `{main}`"), "{task}");
    // The sample's URL keeps its path but not its query values, as a fact of its own; the
    // message block holds the message without MediaWiki's `[reqId] url` prefix.
    assert!(
        task.contains("* url: `/w/index.php?title=[redacted]&search=[redacted]"),
        "{task}"
    );
    assert!(
        task.contains("```name=message,lines=10\nTypeError: MediaWiki"),
        "{task}"
    );
    assert!(
        !task.contains("search=") || task.contains("search=[redacted]"),
        "{task}"
    );
    // Not a terminal: nothing is sent to a clipboard.
    assert!(o.stdout.is_empty());

    let o = run(&[
        &["file", "--group", "0000000000000000", "--out", out][..],
        &logs,
    ]
    .concat());
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("no group 0000000000000000 in 1.46.0-wmf.4 vs 1.46.0-wmf.3"));
}

#[test]
fn reports_redact_what_they_quote_unless_asked_not_to() {
    let (_dir, demo) = demo_dir();
    let logs = demo_logs(&demo);
    let logs: Vec<&str> = logs.iter().map(String::as_str).collect();
    for format in ["markdown", "remarkup", "html", "json"] {
        let o = run(&[&["report", "--format", format][..], &logs].concat());
        let text = stdout(&o);
        // The demo's sample URLs carry search terms in their query strings.
        assert!(text.contains("search=[redacted]"), "{format}: {text}");
        assert!(!text.contains("search=WQzrIp"), "{format}");
        assert!(stderr(&o).contains("redacted "), "{}", stderr(&o));
    }
    let o = run(&[&["report", "--no-redact"][..], &logs].concat());
    assert!(stdout(&o).contains("search=WQzrIp"), "{}", stdout(&o));
}

#[test]
fn an_error_type_is_redacted_like_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let body = concat!(
        "{\"level\":\"error\",\"message\":\"db down\",\"error.type\":\"DbError(password=hunter2)\",\"service.version\":\"1.0\"}\n",
        "{\"level\":\"error\",\"message\":\"db down\",\"error.type\":\"DbError(password=hunter2)\",\"service.version\":\"1.1\"}\n",
    );
    let p = write(dir.path(), "e.json", body.as_bytes());
    let o = run(&["report", "--format", "json", &p]);
    assert!(
        o.status.success() || o.status.code() == Some(1),
        "{}",
        stderr(&o)
    );
    let text = stdout(&o);
    assert!(text.contains("\"error_type\""), "{text}");
    assert!(!text.contains("hunter2"), "{text}");
}

#[test]
fn a_version_field_of_another_name_is_found_and_named() {
    let dir = tempfile::tempdir().unwrap();
    let body = concat!(
        "{\"asctime\": \"2024-05-01 10:00:00,000\", \"levelname\": \"ERROR\", \"message\": \"db down\", \"app_version\": \"2.4.0\"}\n",
        "{\"asctime\": \"2024-05-01 11:00:00,000\", \"levelname\": \"ERROR\", \"message\": \"db down\", \"app_version\": \"2.4.1\"}\n",
        "{\"asctime\": \"2024-05-01 11:00:01,000\", \"levelname\": \"ERROR\", \"message\": \"cache cold\", \"app_version\": \"2.4.1\"}\n",
    );
    let p = write(dir.path(), "pjl.json", body.as_bytes());
    let o = run(&["report", "--format", "json", &p]);
    let r: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(r["current"]["version"], "2.4.1", "{}", stderr(&o));
    assert_eq!(r["previous"]["version"], "2.4.0");
    assert_eq!(r["sources"][0]["version_field"], "app_version");
    // The user's own mapping wins, and nothing is guessed then.
    let o = run(&["report", "--format", "json", "--field", "version=nope", &p]);
    assert!(!stdout(&o).contains("version_field"), "{}", stdout(&o));
}

#[test]
fn levels_that_were_inferred_or_missing_are_said_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let prev = write(
        dir.path(),
        "prev.log",
        b"2026-11-17 10:00:00 INFO worker started\n",
    );
    let cur = write(
        dir.path(),
        "cur.log",
        b"Starting worker\nTraceback (most recent call last):\n  File \"/srv/w.py\", line 1, in <module>\nValueError: queue name is empty\nworker exited\n",
    );
    let o = run(&["diff", "--format", "markdown", &prev, &cur]);
    let md = stdout(&o);
    assert!(md.contains("error (inferred)"), "{md}");
    assert!(
        md.contains("2 event(s) of version") && md.contains("had no level that could be read"),
        "{md}"
    );
    assert!(md.contains("had no timestamp"), "{md}");
    let o = run(&["diff", "--format", "json", &prev, &cur]);
    let r: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let g = &r["groups"][0];
    assert_eq!(g["level"], "error");
    assert_eq!(g["level_inferred"], 1);
    assert_eq!(g["level_inferred_from"], "a Python traceback");
    assert_eq!(r["current"]["unleveled"], 2);
    // Every event grouped: the ones without a level say so, never "error".
    let o = run(&[
        "diff",
        "--format",
        "json",
        "--min-level",
        "any",
        &prev,
        &cur,
    ]);
    let r: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let unknown: Vec<&Value> = r["groups"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|g| g["level"].is_null())
        .collect();
    assert_eq!(unknown.len(), 2, "{r}");
    assert!(unknown.iter().all(|g| g["level_unknown"] == 1));
    let o = run(&[
        "diff",
        "--format",
        "markdown",
        "--min-level",
        "any",
        &prev,
        &cur,
    ]);
    assert!(stdout(&o).contains("| unknown |"), "{}", stdout(&o));
}

#[test]
fn wrapped_container_logs_are_read_as_their_inner_records() {
    let dir = tempfile::tempdir().unwrap();
    let compose = write(
        dir.path(),
        "compose.log",
        concat!(
            "\u{1b}[2Kapi-1    | 2026-11-17 10:00:00,000 ERROR [main] c.e.Api - request failed\n",
            "\u{1b}[2Kdb-1     | 2026-11-17 10:00:00.100 UTC [7] LOG:  checkpoint starting\n",
            "\u{1b}[2Kapi-1    | java.lang.IllegalStateException: pool closed\n",
            "\u{1b}[2Kapi-1    | \tat c.e.Pool.get(Pool.java:88)\n",
        )
        .as_bytes(),
    );
    let evs = fingerprints(&["fingerprint", "--min-level", "any", &compose]);
    let lines: Vec<u64> = evs.iter().map(|e| e["line"].as_u64().unwrap()).collect();
    assert_eq!(lines, vec![1, 2], "{evs:?}");
    assert_eq!(evs[0]["level"], "error");
    assert_eq!(evs[1]["level"], "info");
    let cri = write(
        dir.path(),
        "cri.log",
        b"2026-11-17T10:00:00.000000001Z stderr P {\"level\":\"error\",\"msg\":\"db \n2026-11-17T10:00:00.000000002Z stderr F down\"}\n",
    );
    let evs = fingerprints(&["fingerprint", &cri]);
    assert_eq!(evs.len(), 1, "{evs:?}");
    assert_eq!(evs[0]["title"], "db down");
}

#[test]
fn levels_in_a_column_and_from_a_wrapper_reach_triage() {
    let dir = tempfile::tempdir().unwrap();
    // Blue Gene/L's RAS lines: the level is the ninth field, after two times and locations.
    let mut bgl = String::new();
    for (i, level) in ["INFO", "INFO", "FATAL", "INFO", "INFO", "INFO"]
        .iter()
        .enumerate()
    {
        bgl.push_str(&format!(
            "- 111783857{i} 2005.06.03 R02-M1-N0 2005-06-03-15.42.5{i}.675872 R02-M1-N0 RAS KERNEL {level} data TLB error interrupt\n"
        ));
    }
    let bgl = write(dir.path(), "bgl.log", bgl.as_bytes());
    let evs = fingerprints(&["fingerprint", "--min-level", "warning", &bgl]);
    let lines: Vec<u64> = evs.iter().map(|e| e["line"].as_u64().unwrap()).collect();
    assert_eq!(lines, vec![3], "{evs:?}");
    assert_eq!(evs[0]["level"], "fatal");
    assert_eq!(evs[0]["level_inferred"], Value::Null);
    // The Java Service Wrapper: its own STATUS lines are notices; the JVM's uncaught
    // exception, which the wrapper tags INFO, is an error inferred from the content.
    let wrapper = write(
        dir.path(),
        "wrapper.log",
        concat!(
            "STATUS | wrapper  | 2013/11/26 21:16:15 | --> Wrapper Started as Daemon\n",
            "INFO   | jvm 1    | 2013/11/26 21:16:17 | WrapperManager: Initializing...\n",
            "INFO   | jvm 1    | 2013/11/26 21:34:49 | Exception in thread \"Shutdown\" java.util.ConcurrentModificationException\n",
            "INFO   | jvm 1    | 2013/11/26 21:34:49 | \tat java.util.HashMap$HashIterator.nextEntry(HashMap.java:894)\n",
            "STATUS | wrapper  | 2013/11/26 21:34:50 | <-- Wrapper Stopped\n",
        )
        .as_bytes(),
    );
    let evs = fingerprints(&["fingerprint", "--min-level", "any", &wrapper]);
    let got: Vec<(u64, String)> = evs
        .iter()
        .map(|e| {
            (
                e["line"].as_u64().unwrap(),
                e["level"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (1, "notice".into()),
            (2, "info".into()),
            (3, "error".into()),
            (5, "notice".into())
        ],
        "{evs:?}"
    );
}

/// Issue 10: a request path built to act when the report is pasted (a mention, a file
/// embed, a task link, a phishing link) is shown as code in Remarkup and Markdown, never
/// as markup.
#[test]
fn log_values_are_pasted_as_code_not_markup() {
    let dir = tempfile::tempdir().unwrap();
    let evil = "/wiki/@bob_{F1234}_T5678_[[https://evil.example/|Approve_deploy]]";
    let mut body = String::new();
    body.push_str("{\"level\":\"error\",\"version\":\"1\",\"message\":\"steady\"}\n");
    for _ in 0..3 {
        body.push_str(&format!(
            "{{\"level\":\"error\",\"version\":\"2\",\"url\":\"{evil}\",\"message\":\"boom <img src=x onerror=alert(1)> @ops\"}}\n"
        ));
    }
    let p = write(dir.path(), "evil.json", body.as_bytes());
    for format in ["remarkup", "markdown"] {
        let o = run(&["report", "--format", format, "--no-redact", &p]);
        let out = stdout(&o);
        assert!(o.status.success(), "{}", stderr(&o));
        assert!(out.contains(&format!("`{evil}` (3)")), "{format}: {out}");
        // Every mention is inside a code span or block.
        for line in out.lines() {
            let unquoted: String = line.split('`').step_by(2).collect();
            if !line.starts_with("boom") {
                assert!(
                    !unquoted.contains("@bob") && !unquoted.contains("@ops"),
                    "{format}: {line}"
                );
            }
        }
    }
}

/// Issue 10: errors that carry no version (a field the mapping does not know) are not
/// silently left out of the comparison: past a small share, the gate is blind.
#[test]
fn errors_without_a_version_make_the_gate_blind() {
    let dir = tempfile::tempdir().unwrap();
    let mut body = steady_in_both_versions();
    let few = write(dir.path(), "few.json", body.as_bytes());
    for i in 0..50 {
        body.push_str(&format!(
            "{{\"level\":\"fatal\",\"app_release\":\"1.1\",\"message\":\"database exploded {i}\"}}\n"
        ));
    }
    let many = write(dir.path(), "many.json", body.as_bytes());
    assert_eq!(run(&["check", &few]).status.code(), Some(0));
    let o = run(&["check", &many]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(2), "{out}");
    assert!(
        out.contains("50 event(s) at or above the minimum level carry no version"),
        "{out}"
    );
    let o = run(&["report", "--format", "json", &many]);
    let r: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(r["unattributed"]["no_version"], 50);
    assert_eq!(r["verdict"]["call"], "blind");
}

#[test]
fn the_overflow_group_takes_no_decision_and_says_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("d.json");
    let f = file.to_str().unwrap();
    let overflow = logtriage::aggregate::overflow_prekey().fingerprint();
    for args in [
        vec!["decide", "--file", f, &overflow, "--mark", "ignored"],
        vec![
            "decide",
            "--file",
            f,
            "--merge",
            "0123456789abcdef",
            &overflow,
        ],
    ] {
        let o = run(&args);
        assert!(!o.status.success(), "{args:?}");
        let err = stderr(&o);
        assert!(err.contains("cannot carry a decision"), "{err}");
        assert!(err.contains("NOT SAVED") && err.contains("Narrow"), "{err}");
    }
    assert!(!file.exists() || !std::fs::read_to_string(&file).unwrap().contains(&overflow));
}
