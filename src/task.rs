//! The task a blocker becomes in a tracker: a title and a body in the format of Wikimedia's
//! Phatality template (Error: version, timestamp, request id, a link to the events; the
//! message in a code block; the stack trace as a Frame / Location / Call table; Impact;
//! Notes), in Remarkup or Markdown, redacted before it leaves the machine.

use crate::redact::{Redacted, redact, redact_trace};
use crate::report::GroupReport;
use crate::report::text::{Dialect, block_text, cell, fence, heading, link_safe, literal};

use crate::sanitize::{display_safe, display_safe_multiline};
use regex::Regex;
use std::fmt::Write as _;
use std::sync::OnceLock;

/// Frames shown in the table; the rest are summarised in one line.
const MAX_FRAMES: usize = 30;

/// The markup a tracker renders.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Markup {
    /// Phabricator.
    Remarkup,
    /// GitHub, GitLab.
    Markdown,
    /// Jira's wiki markup (REST v2); REST v3 takes [`TaskDraft::adf`] instead.
    JiraWiki,
}

impl Markup {
    fn dialect(self) -> Dialect {
        match self {
            Markup::Remarkup => Dialect::Remarkup,
            Markup::Markdown | Markup::JiraWiki => Dialect::Markdown,
        }
    }
}

/// Rules turning a frame's location into a link to a code browser: the first rule whose
/// pattern matches the file path wins; `{name}` in its URL is replaced by the pattern's
/// named group, `{line}` by the line and `{version}` by the version.
#[derive(Debug, Clone, Default)]
pub struct CodeLinks {
    rules: Vec<(Regex, String)>,
}

impl CodeLinks {
    /// From `(pattern, url template)` pairs; a bad pattern is an error naming it.
    pub fn new<'a>(rules: impl IntoIterator<Item = (&'a str, &'a str)>) -> Result<Self, String> {
        let rules = rules
            .into_iter()
            .map(|(p, u)| {
                Regex::new(p)
                    .map(|r| (r, u.to_string()))
                    .map_err(|e| format!("code link pattern {p:?}: {e}"))
            })
            .collect::<Result<_, _>>()?;
        Ok(CodeLinks { rules })
    }

    /// The URL for `location` (`/path/File.php(12)`, `/app/db.py:12`, `Pool.java:88`).
    pub fn url(&self, location: &str, version: &str) -> Option<String> {
        let (path, line) = split_location(location);
        let (re, template) = self.rules.iter().find(|(r, _)| r.is_match(path))?;
        let caps = re.captures(path)?;
        let mut url = template
            .replace("{line}", line)
            .replace("{version}", version);
        for name in re.capture_names().flatten() {
            let value = caps.name(name).map_or("", |m| m.as_str());
            url = url.replace(&format!("{{{name}}}"), value);
        }
        Some(link_safe(&url))
    }
}

/// `path(12)` or `path:12` into path and line (empty when there is none).
fn split_location(location: &str) -> (&str, &str) {
    if let Some(open) = location.rfind('(')
        && location.ends_with(')')
        && location[open + 1..location.len() - 1]
            .bytes()
            .all(|b| b.is_ascii_digit())
    {
        return (&location[..open], &location[open + 1..location.len() - 1]);
    }
    match location.rsplit_once(':') {
        Some((p, l)) if !l.is_empty() && l.bytes().all(|b| b.is_ascii_digit()) => (p, l),
        _ => (location, ""),
    }
}

/// A task ready for preview and for any tracker's markup: what will be sent, and what
/// redaction removed from it (counted per occurrence in the title and body).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskDraft {
    pub title: String,
    pub redacted: Redacted,
    version: String,
    /// `label: value` lines of the Error section; `true` shows the value as code.
    facts: Vec<(String, String, bool)>,
    /// The events in the logging backend.
    link: Option<String>,
    message: String,
    frames: Vec<Row>,
    /// Frames left out of the table.
    hidden_frames: usize,
    /// The impact sentence, `{version}` where the version goes (shown as each markup shows
    /// a value from the logs).
    impact: String,
    /// A word that identifies this filing, so a create whose answer was lost can be found.
    marker: Option<String>,
    /// Why the body was shortened, when it was.
    trimmed: Option<String>,
}

/// One frame of a trace split into its columns.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Row {
    frame: String,
    location: String,
    call: String,
    /// The location in a code browser.
    url: Option<String>,
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
            url: None,
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
            url: None,
        };
    }
    if let Some(c) = java.captures(line) {
        return Row {
            frame: "at".into(),
            location: c[2].to_string(),
            call: c[1].to_string(),
            url: None,
        };
    }
    if let Some(c) = python.captures(line) {
        return Row {
            frame: "File".into(),
            location: format!("{}:{}", &c[1], &c[2]),
            call: c.get(3).map_or("", |m| m.as_str()).to_string(),
            url: None,
        };
    }
    Row {
        frame: String::new(),
        location: String::new(),
        call: line.to_string(),
        url: None,
    }
}

/// The task for group `g` of `version`, redacted, with frames linked by `links`.
pub fn draft(g: &GroupReport, version: &str, links: &CodeLinks) -> TaskDraft {
    let mut redacted = Redacted::default();
    let mut take = |r: Redacted| {
        for (k, n) in &r.removed {
            *redacted.removed.entry(*k).or_default() += n;
        }
        r.text
    };
    let title = take(redact(&display_safe(&g.title)));
    let mut facts = vec![("version".to_string(), version.to_string(), true)];
    if let Some(ts) = &g.current.first_seen {
        facts.push(("timestamp".into(), ts.clone(), false));
    }
    if let Some(id) = g.sample.as_ref().and_then(|s| s.request_id.as_deref()) {
        // Code, so the tracker does not link it as a commit hash.
        facts.push(("request id".into(), take(redact(id)), true));
    }
    facts.push((
        "fingerprint".into(),
        format!("{} ({})", g.fingerprint, g.rule),
        true,
    ));
    let raw = g
        .sample
        .as_ref()
        .map_or_else(|| g.template.clone(), |s| s.message.clone());
    // MediaWiki's `[{reqId}] {url}   ` prefix: the request id is a fact already, the URL
    // becomes one (redacted), and the code block holds the message itself (as Phatality).
    let stripped = crate::fingerprint::strip_mediawiki_prefix(&raw);
    if stripped.len() < raw.len() {
        let prefix = raw[..raw.len() - stripped.len()].trim();
        if let Some((_, url)) = prefix.split_once("] ") {
            let url = url.trim();
            if url.starts_with('/') || url.starts_with("http") {
                facts.insert(
                    facts.len() - 1,
                    ("url".into(), take(redact(&display_safe(url))), true),
                );
            }
        }
    }
    let message = take(redact(&display_safe(stripped)));
    let mut frames = Vec::new();
    if let Some(trace) = &g.stack_trace {
        let trace = take(redact_trace(&display_safe_multiline(trace)));
        // Lines before the first frame are the exception header, already in the message.
        frames = trace
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(split_frame)
            .skip_while(|r| r.frame.is_empty())
            .collect();
    }
    let hidden_frames = frames.len().saturating_sub(MAX_FRAMES);
    frames.truncate(MAX_FRAMES);
    for r in &mut frames {
        r.url = links.url(&r.location, version);
    }
    let impact = format!(
        "{} events in {{version}} (first {}, last {}), {} in the previous version; status: {}.",
        g.current.count,
        g.current.first_seen.as_deref().unwrap_or("?"),
        g.current.last_seen.as_deref().unwrap_or("?"),
        g.previous.count,
        g.status.as_str()
    );
    TaskDraft {
        title,
        redacted,
        version: version.to_string(),
        facts,
        link: g.link.clone(),
        message,
        frames,
        hidden_frames,
        impact,
        marker: None,
        trimmed: None,
    }
}

impl TaskDraft {
    /// Puts `marker` in the Notes, so this filing can be found in the tracker later.
    pub fn set_marker(&mut self, marker: &str) {
        self.marker = Some(marker.to_string());
    }

    pub fn marker(&self) -> Option<&str> {
        self.marker.as_deref()
    }

    /// Why the body was shortened, if it was.
    pub fn trimmed(&self) -> Option<&str> {
        self.trimmed.as_deref()
    }

    /// Shortens the body until it fits `limit` characters in `m`: frames go first (from
    /// the end), then the message is cut; a note in the body says what was left out.
    pub fn fit(&mut self, m: Markup, limit: usize) {
        let original = self.body(m).chars().count();
        if original <= limit {
            return;
        }
        let note = |s: &mut Self, n: usize| {
            s.trimmed = Some(format!(
                "Shortened by logtriage to fit the tracker's limit of {limit} characters (was {n})."
            ));
        };
        note(self, original);
        while self.body(m).chars().count() > limit && !self.frames.is_empty() {
            let drop = self.frames.len().div_ceil(4).max(1);
            let keep = self.frames.len() - drop;
            self.hidden_frames += drop;
            self.frames.truncate(keep);
        }
        let over = self.body(m).chars().count().saturating_sub(limit);
        if over > 0 {
            let keep = self.message.chars().count().saturating_sub(over + 16);
            self.message = self.message.chars().take(keep).collect::<String>() + " [cut]";
        }
    }

    /// The body in `m`.
    pub fn body(&self, m: Markup) -> String {
        match m {
            Markup::JiraWiki => self.jira_wiki(),
            _ => self.markdown_or_remarkup(m.dialect()),
        }
    }

    fn notes(&self) -> String {
        let mut s = String::from("Filed from logtriage.");
        if let Some(t) = &self.trimmed {
            s = format!("{s} {t}");
        }
        if let Some(m) = &self.marker {
            s = format!("{s} Filing id: {m}");
        }
        s
    }

    fn markdown_or_remarkup(&self, d: Dialect) -> String {
        let mut o = String::new();
        heading(&mut o, d, 4, "Error");
        // Facts come from the logs (a version, a request id, a URL): shown literally.
        for (label, value, _) in &self.facts {
            let _ = writeln!(o, "* {label}: {}", literal(d, value, false));
        }
        if let Some(url) = &self.link {
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
        o.push('\n');
        let message = block_text(d, &self.message);
        let f = fence(&message);
        let name = if d == Dialect::Remarkup {
            "name=message,lines=10"
        } else {
            ""
        };
        let _ = writeln!(o, "{f}{name}\n{message}\n{f}");
        if !self.frames.is_empty() {
            o.push('\n');
            let _ = writeln!(o, "| Frame | Location | Call");
            let _ = writeln!(o, "| -- | -- | --");
            // Every column is the trace's text: shown literally (a call's arguments can
            // hold anything a request sent); a location's link follows it in Remarkup.
            for r in &self.frames {
                let loc = literal(d, &r.location, true);
                let loc = match (&r.url, d) {
                    (Some(u), Dialect::Remarkup) => format!("{loc} [[ {u} | code ]]"),
                    (Some(u), Dialect::Markdown) => format!("[{loc}](<{u}>)"),
                    (None, _) => loc,
                };
                let call = literal(d, &r.call, true);
                let _ = writeln!(o, "| {} | {loc} | {call}", literal(d, &r.frame, true));
            }
        }
        if self.hidden_frames > 0 {
            let _ = writeln!(o, "\n({} more frames not shown)", self.hidden_frames);
        }
        o.push('\n');
        heading(&mut o, d, 4, "Impact");
        let _ = writeln!(
            o,
            "{}\n",
            cell(d, &self.impact).replacen("{version}", &literal(d, &self.version, false), 1)
        );
        heading(&mut o, d, 4, "Notes");
        let _ = writeln!(o, "{}", self.notes());
        o
    }

    fn jira_wiki(&self) -> String {
        let esc = |s: &str| jira_escape(&display_safe(s));
        let mut o = String::from("h4. Error\n\n");
        for (label, value, code) in &self.facts {
            if *code {
                let _ = writeln!(o, "* {label}: {{{{{}}}}}", esc(value));
            } else {
                let _ = writeln!(o, "* {label}: {}", esc(value));
            }
        }
        if let Some(url) = &self.link {
            let _ = writeln!(o, "* [Find the events in the logs|{}]", link_safe(url));
        }
        // Log text goes in {noformat} blocks: Jira's wiki markup gives backslashes (PHP
        // namespaces, Windows paths) and many other characters a meaning.
        let literal = |s: &str| s.replace("{noformat}", "{ noformat}");
        let _ = writeln!(
            o,
            "\n{{noformat}}\n{}\n{{noformat}}",
            literal(&self.message)
        );
        if !self.frames.is_empty() {
            let rows: Vec<String> = self
                .frames
                .iter()
                .map(|r| {
                    [r.frame.as_str(), r.location.as_str(), r.call.as_str()]
                        .iter()
                        .filter(|x| !x.is_empty())
                        .copied()
                        .collect::<Vec<_>>()
                        .join(" ")
                })
                .collect();
            let _ = writeln!(
                o,
                "\n{{noformat}}\n{}\n{{noformat}}",
                literal(&rows.join("\n"))
            );
            let linked: Vec<String> = self
                .frames
                .iter()
                .filter_map(|r| {
                    let u = r.url.as_ref()?;
                    let name = if r.frame.starts_with('#') {
                        r.frame.as_str()
                    } else {
                        "frame"
                    };
                    Some(format!("[{}|{u}]", esc(name)))
                })
                .collect();
            if !linked.is_empty() {
                let _ = writeln!(o, "\nCode: {}", linked.join(" · "));
            }
        }
        if self.hidden_frames > 0 {
            let _ = writeln!(o, "\n({} more frames not shown)", self.hidden_frames);
        }
        let _ = writeln!(
            o,
            "\nh4. Impact\n\n{}\n",
            esc(&self.impact.replacen("{version}", &self.version, 1))
        );
        let _ = writeln!(o, "h4. Notes\n\n{}", esc(&self.notes()));
        o
    }

    /// The body as an Atlassian Document Format document (Jira REST v3).
    pub fn adf(&self) -> serde_json::Value {
        use serde_json::{Value, json};
        let text = |s: &str| json!({"type": "text", "text": display_safe(s)});
        let link = |s: &str, href: &str| {
            json!({"type": "text", "text": display_safe(s),
                   "marks": [{"type": "link", "attrs": {"href": href}}]})
        };
        let para = |content: Vec<Value>| json!({"type": "paragraph", "content": content});
        let heading =
            |s: &str| json!({"type": "heading", "attrs": {"level": 4}, "content": [text(s)]});
        let mut items: Vec<Value> = self
            .facts
            .iter()
            .map(|(l, v, _)| json!({"type": "listItem", "content": [para(vec![text(&format!("{l}: {v}"))])]}))
            .collect();
        if let Some(url) = &self.link {
            items.push(json!({"type": "listItem", "content": [para(vec![link("Find the events in the logs", &link_safe(url))])]}));
        }
        let mut content = vec![
            heading("Error"),
            json!({"type": "bulletList", "content": items}),
            json!({"type": "codeBlock", "content": [text(&self.message)]}),
        ];
        if !self.frames.is_empty() {
            let cellv = |kind: &str, c: Value| json!({"type": kind, "content": [para(vec![c])]});
            let mut rows = vec![json!({"type": "tableRow", "content": [
                cellv("tableHeader", text("Frame")),
                cellv("tableHeader", text("Location")),
                cellv("tableHeader", text("Call")),
            ]})];
            for r in &self.frames {
                let loc = match &r.url {
                    Some(u) => link(&r.location, u),
                    None => text(&r.location),
                };
                // ADF text nodes may not be empty.
                let t = |s: &str| text(if s.is_empty() { " " } else { s });
                rows.push(json!({"type": "tableRow", "content": [
                    cellv("tableCell", t(&r.frame)),
                    cellv("tableCell", if r.location.is_empty() { t("") } else { loc }),
                    cellv("tableCell", t(&r.call)),
                ]}));
            }
            content.push(json!({"type": "table", "content": rows}));
        }
        if self.hidden_frames > 0 {
            content.push(para(vec![text(&format!(
                "({} more frames not shown)",
                self.hidden_frames
            ))]));
        }
        content.push(heading("Impact"));
        content.push(para(vec![text(&self.impact.replacen(
            "{version}",
            &self.version,
            1,
        ))]));
        content.push(heading("Notes"));
        content.push(para(vec![text(&self.notes())]));
        json!({"type": "doc", "version": 1, "content": content})
    }

    /// The version the task was drafted for.
    pub fn version(&self) -> &str {
        &self.version
    }
}

/// Text that Jira's wiki renderer shows as written.
fn jira_escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(
            c,
            '{' | '}' | '[' | ']' | '|' | '*' | '_' | '-' | '+' | '^' | '~' | '?' | '!'
        ) {
            o.push('\\');
        }
        o.push(c);
    }
    o
}

#[cfg(test)]
pub(crate) mod tests {
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
                call: "Foo->bar(string, bool)".into(),
                url: None,
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
    pub(crate) fn report() -> crate::report::Report {
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
        let links = CodeLinks::new([(
            r"^/srv/mediawiki/php-(?P<v>[^/]+)/(?P<path>.+)$",
            "https://code.example/core/+blame/wmf/{v}/{path}#{line}",
        )])
        .unwrap();
        let d = draft(g, "2", &links);
        let t = TaskDraftView {
            title: d.title.clone(),
            body: d.body(Markup::Remarkup),
        };
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
                "| `#0` | `/srv/mediawiki/php-2/includes/User.php(512)` [[ https://code.example/core/+blame/wmf/2/includes/User.php#512 | code ]] | `User->setPassword([arg])`"
            ),
            "{}",
            t.body
        );
        assert!(
            t.body.contains("==== Impact ====\n\n1 events in `2`"),
            "{}",
            t.body
        );
        // Counted per occurrence in what would be sent (title, message and trace header
        // each carry the address).
        use crate::redact::Kind;
        let kinds: Vec<Kind> = d.redacted.removed.keys().copied().collect();
        assert_eq!(kinds, [Kind::Email, Kind::QueryValue, Kind::QuotedArgument]);
        assert!(d.redacted.removed[&Kind::Email] >= 2);
        let md = d.body(Markup::Markdown);
        assert!(md.starts_with("#### Error\n"), "{md}");
        assert!(
            md.contains("| `#0` | [`/srv/mediawiki/php-2/includes/User.php(512)`](<https://code.example/core/+blame/wmf/2/includes/User.php#512>) |"),
            "{md}"
        );
        assert!(md.contains("| `User->setPassword([arg])`\n"), "{md}");
        let jira = d.body(Markup::JiraWiki);
        assert!(jira.starts_with("h4. Error\n"), "{jira}");
        assert!(
            jira.contains("{noformat}\n#0 /srv/mediawiki/php-2/includes/User.php(512) User->setPassword([arg])\n#1 {main}\n{noformat}"),
            "{jira}"
        );
        assert!(
            jira.contains(
                "Code: [#0|https://code.example/core/+blame/wmf/2/includes/User.php#512]"
            ),
            "{jira}"
        );
        assert!(
            !jira.contains("hunter2") && !jira.contains("alice@"),
            "{jira}"
        );
        let adf = d.adf().to_string();
        assert!(adf.contains(r#""type":"table""#), "{adf}");
        assert!(!adf.contains("hunter2"), "{adf}");
    }

    struct TaskDraftView {
        title: String,
        body: String,
    }

    #[test]
    fn long_bodies_are_trimmed_to_the_limit_with_a_note() {
        let r = report();
        let g = r
            .groups
            .iter()
            .find(|g| g.title.contains("TypeError"))
            .unwrap();
        let mut g = g.clone();
        g.stack_trace = Some(
            (0..200)
                .map(|i| format!("#{i} /srv/app/src/Deep{i}.php({i}): Deep{i}->call()"))
                .collect::<Vec<_>>()
                .join("\n"),
        );
        let mut d = draft(&g, "2", &CodeLinks::default());
        assert!(d.body(Markup::Markdown).contains("170 more frames"));
        d.fit(Markup::Markdown, 1500);
        let body = d.body(Markup::Markdown);
        assert!(body.chars().count() <= 1500, "{}", body.len());
        assert!(
            body.contains("Shortened by logtriage to fit the tracker's limit of 1500"),
            "{body}"
        );
        assert!(body.contains("| `#0` |"), "the first frames stay: {body}");
        // A message longer than the limit is cut too.
        let mut g2 = g.clone();
        g2.sample.as_mut().unwrap().message = "x".repeat(5000);
        let mut d = draft(&g2, "2", &CodeLinks::default());
        d.fit(Markup::Remarkup, 2000);
        let body = d.body(Markup::Remarkup);
        assert!(
            body.chars().count() <= 2000 && body.contains("[cut]"),
            "{}",
            body.len()
        );
    }

    #[test]
    fn code_links_follow_the_first_matching_rule() {
        let links = CodeLinks::new([
            (
                r"^/srv/mediawiki/php-(?P<v>[^/]+)/extensions/(?P<ext>[^/]+)/(?P<path>.+)$",
                "https://g.example/ext/{ext}/+blame/wmf/{v}/{path}#{line}",
            ),
            (
                r"^/srv/mediawiki/php-(?P<v>[^/]+)/(?P<path>.+)$",
                "https://g.example/core/+blame/wmf/{v}/{path}#{line}",
            ),
            (
                r"^(?P<path>[\w/]+\.py)$",
                "https://gh.example/app/blob/{version}/{path}#L{line}",
            ),
        ])
        .unwrap();
        assert_eq!(
            links
                .url(
                    "/srv/mediawiki/php-1.46.0-wmf.4/extensions/Echo/includes/A.php(12)",
                    "x"
                )
                .as_deref(),
            Some("https://g.example/ext/Echo/+blame/wmf/1.46.0-wmf.4/includes/A.php#12")
        );
        assert_eq!(
            links
                .url("/srv/mediawiki/php-1.46.0-wmf.4/includes/B.php(3)", "x")
                .as_deref(),
            Some("https://g.example/core/+blame/wmf/1.46.0-wmf.4/includes/B.php#3")
        );
        assert_eq!(
            links.url("app/db.py:12", "v7").as_deref(),
            Some("https://gh.example/app/blob/v7/app/db.py#L12")
        );
        assert_eq!(links.url("Pool.java:88", "x"), None);
        assert!(CodeLinks::new([("(", "x")]).is_err());
    }

    proptest::proptest! {
        #[test]
        fn hostile_messages_stay_inside_their_block(msg in proptest::prelude::any::<String>()) {
            static REPORT: OnceLock<crate::report::Report> = OnceLock::new();
            let r = REPORT.get_or_init(report);
            let mut g = r.groups.iter().find(|g| g.title.contains("TypeError")).unwrap().clone();
            g.sample.as_mut().unwrap().message = msg;
            let d = draft(&g, "2", &CodeLinks::default());
            for m in [Markup::Markdown, Markup::Remarkup, Markup::JiraWiki] {
                let body = d.body(m);
                proptest::prop_assert!(
                    body.chars().all(|c| c == '\n' || !c.is_control()),
                    "{body:?}"
                );
                // The sections after the message are still sections: the message could
                // not close its block early.
                let impact = match m {
                    Markup::Markdown => "\n#### Impact\n",
                    Markup::Remarkup => "\n==== Impact ====\n",
                    Markup::JiraWiki => "\nh4. Impact\n",
                };
                proptest::prop_assert_eq!(body.matches(impact).count(), 1, "{}", body);
            }
        }
    }
}
