//! The HTML report in real headless Chromium: the page the conductor opens renders its
//! verdict, what it did not see, and a before/after chart per group with bars where the
//! group had events; hostile log text shows as text and runs nothing. Chromium must be
//! installed (scripts/test installs Debian's package); without it this test fails.

use serde_json::Value;
use std::path::Path;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_logtriage");

mod support;

fn chromium() -> &'static str {
    for c in ["chromium", "chromium-browser", "google-chrome"] {
        if Command::new(c)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
        {
            return c;
        }
    }
    panic!("no chromium on PATH: run the tests with scripts/test, which installs it");
}

/// Opens `dir/report.html` through the checking page and returns what Chromium laid out.
fn layout(dir: &Path) -> Value {
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/check-report.html"),
        dir.join("check.html"),
    )
    .unwrap();
    let profile = dir.join("profile");
    let o = Command::new(chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--allow-file-access-from-files",
            "--virtual-time-budget=10000",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg("--dump-dom")
        .arg(format!("file://{}", dir.join("check.html").display()))
        .output()
        .unwrap();
    let dom = String::from_utf8_lossy(&o.stdout);
    let start = dom.find("<pre id=\"result\">").unwrap_or_else(|| {
        panic!(
            "the page did not report: {dom}\n{}",
            String::from_utf8_lossy(&o.stderr)
        )
    });
    let rest = &dom[start + "<pre id=\"result\">".len()..];
    let json = &rest[..rest.find("</pre>").unwrap()];
    let json = json
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&amp;", "&");
    serde_json::from_str(&json).unwrap()
}

#[test]
fn the_html_report_renders_its_charts_in_chromium() {
    let dir = tempfile::tempdir().unwrap();
    let mut logs = support::write_demo(dir.path());
    let demo = dir.path().join("demo");
    // A hostile new error in the current version.
    let hostile = demo.join("hostile.json");
    std::fs::write(
        &hostile,
        "{\"@timestamp\":\"2026-11-18T19:30:00Z\",\"level\":\"ERROR\",\"mwversion\":\"1.46.0-wmf.4\",\"message\":\"<script>document.title='pwned'</script><img src=x onerror=alert(1)> \\u001b]0;evil\\u0007 done\"}\n",
    )
    .unwrap();
    logs.push(hostile.display().to_string());
    let json = Command::new(BIN)
        .args(["report", "--format", "json"])
        .args(&logs)
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&json.stdout).unwrap();
    let o = Command::new(BIN)
        .args(["report", "--format", "html", "--stop", "group1", "-o"])
        .arg(dir.path().join("report.html"))
        .args(&logs)
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let page = layout(dir.path());

    let groups = report["groups"].as_array().unwrap();
    let charts = page["charts"].as_array().unwrap();
    assert_eq!(charts.len(), groups.len(), "one chart per group");
    for c in charts {
        assert!(
            c["width"].as_f64().unwrap() > 100.0 && c["height"].as_f64().unwrap() > 20.0,
            "{c}"
        );
        let g = groups
            .iter()
            .find(|g| g["fingerprint"] == c["fingerprint"])
            .unwrap();
        // Bars exactly where the group had events.
        let had = |side: &str| g[side]["count"].as_u64().unwrap() > 0;
        assert_eq!(
            c["before"].as_u64().unwrap() > 0,
            had("previous"),
            "{c} {}",
            g["title"]
        );
        assert_eq!(
            c["after"].as_u64().unwrap() > 0,
            had("current"),
            "{c} {}",
            g["title"]
        );
    }
    assert_eq!(page["after_fill"], "rgb(31, 95, 191)");
    // Improved and steady groups start folded.
    assert_eq!(page["folded"], 2);
    let verdict = page["verdict"].as_str().unwrap();
    assert!(
        verdict.starts_with("Verdict: NO-GO — 5 new and 1 regressed"),
        "{verdict}"
    );
    assert!(
        page["unseen"]
            .as_str()
            .unwrap()
            .contains("malformed line(s) skipped"),
        "{page}"
    );
    let text = page["text"].as_str().unwrap();
    assert!(text.contains("Stop: group1"), "{text}");
    // The hostile message is text: nothing ran, no element was made of it.
    assert_ne!(page["title"], "pwned");
    assert_eq!(page["elements"]["img"], 0);
    assert_eq!(page["elements"]["script"], 0);
    assert!(
        text.contains(
            "<script>document.title='pwned'</script><img src=x onerror=alert(1)> ␛]0;evil␇ done"
        ),
        "{text}"
    );
}
