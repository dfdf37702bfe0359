//! The task a blocker becomes in a tracker: a title and a body in the format of Wikimedia's
//! Phatality template (Error: version, timestamp, request id, a link to the events; the
//! message in a code block; the stack trace as a Frame / Location / Call table; Impact;
//! Notes), in Remarkup or Markdown, redacted before it leaves the machine.

use crate::redact::{Redacted, redact, redact_trace};
use crate::report::GroupReport;
use crate::report::text::{Dialect, cell, fence, heading, link_safe};
use crate::sanitize::{display_safe, display_safe_multiline};
use regex::Regex;
use std::fmt::Write as _;
use std::sync::OnceLock;

/// Frames shown in the table; the rest are summarised in one line.
const MAX_FRAMES: usize = 30;

/// A task ready for preview: what will be sent, and what redaction removed from it
/// (counted per occurrence in the title and body).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskDraft {
    pub title: String,
    pub body: String,
    pub redacted: Redacted,
}

/// One frame of a trace split into its columns.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Row {
    frame: String,
    location: String,
    call: String,
}

/// `#3 /path/File.php(12): Call()`, `from /path/File.php(52)`, `at pkg.Cls.m(File.java:12)`,
/// `File "x.py", line 12, in f`; anything else is a row with only a call.
fn split_frame(line: &str) -> Row {
    static P: OnceLock<[Regex; 3]> = OnceLock::new();
    let [php, java, python] = P.get_or_init(|| {
        [
            Regex::new(r"^(#\d+|from)\s+(.+?\(\d+\))(?::\s*(.*))?$").unwrap(),
            Regex::new(r"^at\s+(.+?)\(([^)]*)\)$").unwrap(),
            Regex::new(r#"^File "([^"]+)", line (\d+)(?:, in (.*))?$"#).unwrap(),
        ]
    });
    let line = line.trim();
    if let Some(c) = php.captures(line) {
        return Row {
            frame: c[1].to_string(),
            location: c[2].to_string(),
            call: c.get(3).map_or("", |m| m.as_str()).to_string(),
        };
    }
    if let Some((n, rest)) = line.split_once(' ')
        && n.starts_with('#')
        && n[1..].bytes().all(|b| b.is_ascii_digit())
        && n.len() > 1
    {
        // `#3 {main}` and other frames without a location.
        return Row {
            frame: n.to_string(),
            location: String::new(),
            call: rest.trim().to_string(),
        };
    }
    if let Some(c) = java.captures(line) {
        return Row {
            frame: "at".into(),
            location: c[2].to_string(),
            call: c[1].to_string(),
        };
    }
    if let Some(c) = python.captures(line) {
        return Row {
            frame: "File".into(),
            location: format!("{}:{}", &c[1], &c[2]),
            call: c.get(3).map_or("", |m| m.as_str()).to_string(),
        };
    }
    Row {
        frame: String::new(),
        location: String::new(),
        call: line.to_string(),
    }
}

/// The task for group `g` of `version`, redacted.
pub fn draft(g: &GroupReport, version: &str, d: Dialect) -> TaskDraft {
    let mut redacted = Redacted::default();
    let mut take = |r: Redacted| {
        for (k, n) in &r.removed {
            *redacted.removed.entry(*k).or_default() += n;
        }
        r.text
    };
    let title = take(redact(&display_safe(&g.title)));
    let mut o = String::new();
    heading(&mut o, d, 4, "Error");
    let _ = writeln!(o, "* version: `{}`", cell(d, version));
    if let Some(ts) = &g.current.first_seen {
        let _ = writeln!(o, "* timestamp: {}", cell(d, ts));
    }
    if let Some(id) = g.sample.as_ref().and_then(|s| s.request_id.as_deref()) {
        // Quoted, so the tracker does not link it as a commit hash.
        let _ = writeln!(o, "* request id: `{}`", cell(d, id).replace('`', "'"));
    }
    if let Some(url) = &g.link {
        let url = link_safe(url);
        match d {
            Dialect::Remarkup => {
                let _ = writeln!(o, "* [[ {url} | Find the events in the logs ]]");
            }
            Dialect::Markdown => {
                let _ = writeln!(o, "* Find the events in the logs: <{url}>");
            }
        }
    }
    let _ = writeln!(o, "* fingerprint: `{}` ({})", g.fingerprint, g.rule);
    o.push('\n');
    let message = g
        .sample
        .as_ref()
        .map_or_else(|| g.template.clone(), |s| s.message.clone());
    let message = take(redact(&display_safe(&message)));
    let f = fence(&message);
    match d {
        Dialect::Remarkup => {
            let _ = writeln!(o, "{f}name=message,lines=10\n{message}\n{f}");
        }
        Dialect::Markdown => {
            let _ = writeln!(o, "{f}\n{message}\n{f}");
        }
    }
    if let Some(trace) = &g.stack_trace {
        let trace = take(redact_trace(&display_safe_multiline(trace)));
        // Lines before the first frame are the exception header, already in the message.
        let rows: Vec<Row> = trace
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(split_frame)
            .skip_while(|r| r.frame.is_empty())
            .collect();
        o.push('\n');
        let _ = writeln!(o, "| Frame | Location | Call");
        let _ = writeln!(o, "| -- | -- | --");
        for r in rows.iter().take(MAX_FRAMES) {
            let _ = writeln!(
                o,
                "| {} | {} | {}",
                cell(d, &r.frame),
                cell(d, &r.location),
                cell(d, &r.call)
            );
        }
        if rows.len() > MAX_FRAMES {
            let _ = writeln!(o, "\n({} more frames not shown)", rows.len() - MAX_FRAMES);
        }
    }
    o.push('\n');
    heading(&mut o, d, 4, "Impact");
    let _ = writeln!(
        o,
        "{} events in {} (first {}, last {}), {} in the previous version; status: {}.\n",
        g.current.count,
        cell(d, version),
        g.current.first_seen.as_deref().unwrap_or("?"),
        g.current.last_seen.as_deref().unwrap_or("?"),
        g.previous.count,
        g.status.as_str()
    );
    heading(&mut o, d, 4, "Notes");
    let _ = writeln!(o, "Filed from logtriage.");
    TaskDraft {
        title,
        body: o,
        redacted,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_split_into_columns() {
        assert_eq!(
            split_frame(
                "#0 /srv/mediawiki/php-1.46.0-wmf.4/includes/Message.php(1344): Foo->bar(string, bool)"
            ),
            Row {
                frame: "#0".into(),
                location: "/srv/mediawiki/php-1.46.0-wmf.4/includes/Message.php(1344)".into(),
                call: "Foo->bar(string, bool)".into()
            }
        );
        assert_eq!(
            split_frame("from /srv/a/ScalarParam.php(52)").location,
            "/srv/a/ScalarParam.php(52)"
        );
        let j = split_frame("    at com.example.Pool.get(Pool.java:88)");
        assert_eq!(
            (j.location.as_str(), j.call.as_str()),
            ("Pool.java:88", "com.example.Pool.get")
        );
        let p = split_frame(r#"File "/app/db.py", line 12, in connect"#);
        assert_eq!(
            (p.location.as_str(), p.call.as_str()),
            ("/app/db.py:12", "connect")
        );
        let main = split_frame("#2 {main}");
        assert_eq!((main.frame.as_str(), main.call.as_str()), ("#2", "{main}"));
        assert_eq!(split_frame("Caused by: x").call, "Caused by: x");
    }

    /// The report of a small train whose new error carries secrets in message and trace.
    fn report() -> crate::report::Report {
        use crate::pipeline::{Options, SourceSpec, analyze};
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("mw.json");
        let trace = "#0 /srv/mediawiki/php-2/includes/User.php(512): User->setPassword('hunter2')\\n#1 {main}";
        let line = |v: &str, msg: &str, tr: &str| {
            format!(
                r#"{{"@timestamp":"2026-11-18T19:00:00Z","level":"ERROR","mwversion":"{v}","reqId":"XO1Pdw","message":"{msg}","exception":{{"class":"TypeError","trace":"{tr}"}}}}"#
            )
        };
        let text = [
            line("1", "Lock wait timeout", ""),
            line(
                "2",
                "TypeError: mail alice@example.org failed for /w/index.php?title=Secret",
                trace,
            ),
        ]
        .join("\n");
        std::fs::write(&p, text).unwrap();
        let specs = [SourceSpec {
            input: crate::input::Input::Path(p),
            version: None,
        }];
        let a = analyze(&specs, &Options::default());
        crate::report::Report::build(
            &a,
            "2",
            "1",
            crate::report::Picked::Newest,
            &crate::diff::Params::default(),
            Some(crate::level::Level::Warning),
        )
    }

    #[test]
    fn a_draft_follows_the_template_and_leaks_nothing() {
        let r = report();
        let g = r
            .groups
            .iter()
            .find(|g| g.title.contains("TypeError"))
            .unwrap();
        let t = draft(g, "2", Dialect::Remarkup);
        for secret in ["alice@example.org", "hunter2", "title=Secret"] {
            assert!(
                !t.body.contains(secret) && !t.title.contains(secret),
                "{secret}: {}",
                t.body
            );
        }
        assert!(
            t.body.starts_with("==== Error ====\n\n* version: `2`\n"),
            "{}",
            t.body
        );
        assert!(t.body.contains("* request id: `XO1Pdw`"), "{}", t.body);
        assert!(t.body.contains("```name=message,lines=10\n"), "{}", t.body);
        assert!(
            t.body.contains(
                "| #0 | /srv/mediawiki/php-2/includes/User.php(512) | User->setPassword('[arg]')"
            ),
            "{}",
            t.body
        );
        assert!(
            t.body.contains("==== Impact ====\n\n1 events in 2"),
            "{}",
            t.body
        );
        // Counted per occurrence in what would be sent (title, message and trace header
        // each carry the address).
        use crate::redact::Kind;
        let kinds: Vec<Kind> = t.redacted.removed.keys().copied().collect();
        assert_eq!(kinds, [Kind::Email, Kind::QueryValue, Kind::QuotedArgument]);
        assert!(t.redacted.removed[&Kind::Email] >= 2);
        let md = draft(g, "2", Dialect::Markdown);
        assert!(md.body.starts_with("#### Error\n"), "{}", md.body);
    }
}
