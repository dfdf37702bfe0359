//! Markdown (GitHub/GitLab) and Phabricator Remarkup rendering of a [`Report`]: the same
//! content for people. Log text is neutralized, kept out of table syntax, and code blocks
//! use a fence longer than any backtick run inside them.

use super::{GroupReport, Picked, Report};
use crate::decisions::Mark;
use crate::diff::Status;
use crate::sanitize::{display_safe, display_safe_multiline};
use std::fmt::Write;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Markdown,
    Remarkup,
}

/// Stack traces longer than this many lines are cut in human reports (JSON has them whole).
const STACK_LINES: usize = 25;

pub fn render(r: &Report, d: Dialect) -> String {
    let mut o = String::new();
    let cur = &r.current;
    let prev = &r.previous;
    heading(
        &mut o,
        d,
        1,
        &format!(
            "logtriage: {} vs {}",
            literal(d, &cur.version, false),
            literal(d, &prev.version, false)
        ),
    );
    let _ = writeln!(
        o,
        "{}\n",
        bold(d, &format!("Verdict: {}", r.verdict.call.as_str()))
    );
    // Reasons name versions, sources and what a server said: each is shown literally.
    for reason in &r.verdict.reasons {
        let _ = writeln!(o, "- {}", literal(d, reason, false));
    }
    if !r.verdict.reasons.is_empty() {
        o.push('\n');
    }
    if let Some(stop) = &r.stop {
        let _ = writeln!(o, "- Stop: {}", literal(d, stop, false));
    }
    for (label, v) in [("Current", cur), ("Previous", prev)] {
        let _ = writeln!(
            o,
            "- {label} {}: {} events read, {} at or above the minimum level, {} malformed lines, {} – {}",
            literal(d, &v.version, false),
            v.events,
            v.triaged,
            v.malformed_lines,
            v.first_seen.as_deref().unwrap_or("?"),
            v.last_seen.as_deref().unwrap_or("?"),
        );
    }
    let picked = match r.versions_picked {
        Picked::Given => "as given",
        Picked::Newest => "picked automatically: the two newest versions by first event seen",
        Picked::Files => "one version per input file",
    };
    let _ = writeln!(o, "- Versions: {picked}.");
    if !r.other_versions.is_empty() {
        let others: Vec<String> = r
            .other_versions
            .iter()
            .map(|v| literal(d, v, false))
            .collect();
        let _ = writeln!(
            o,
            "- Also in the data, not compared: {}.",
            others.join(", ")
        );
    }
    let _ = writeln!(
        o,
        "- Exposure: the current version saw {:.3}× the traffic of the previous ({}).",
        r.exposure.ratio,
        match r.exposure.method {
            "median_shared_groups" => format!(
                "median over {} groups seen in both",
                r.exposure.baseline_groups
            ),
            "total_events" => "ratio of events read".to_string(),
            _ => "no baseline: assumed equal".to_string(),
        }
    );
    o.push('\n');
    let summary: Vec<String> = Status::ALL
        .iter()
        .map(|s| format!("{} {}", r.count(*s), s))
        .collect();
    let _ = writeln!(o, "{}\n", bold(d, &summary.join(" · ")));
    data_problems(&mut o, d, r);
    for (mark, heading_text) in [
        (Mark::Blocker, "Open blockers"),
        (Mark::Backport, "Backports pending"),
    ] {
        let gs = r.marked(mark);
        if !gs.is_empty() {
            heading(&mut o, d, 2, &format!("{heading_text} ({})", gs.len()));
            table(&mut o, d, &gs);
        }
    }
    let closed = r.closed_but_recurring();
    if !closed.is_empty() {
        heading(
            &mut o,
            d,
            2,
            &format!("Known, task closed, still occurring ({})", closed.len()),
        );
        let _ = writeln!(
            o,
            "These were triaged as known or ignored, but their task is closed: triage them again.\n"
        );
        table(&mut o, d, &closed);
    }
    for status in Status::ALL {
        let gs: Vec<&GroupReport> = r.groups.iter().filter(|g| g.status == status).collect();
        if gs.is_empty() {
            continue;
        }
        heading(
            &mut o,
            d,
            2,
            &format!("{} ({})", capitalize(status.as_str()), gs.len()),
        );
        table(&mut o, d, &gs);
        if matches!(status, Status::New | Status::Regressed) {
            for g in gs {
                details(&mut o, d, g);
            }
        }
    }
    o
}

fn data_problems(o: &mut String, d: Dialect, r: &Report) {
    // They name sources and quote what went wrong with them: shown literally.
    let lines: Vec<String> = r.not_seen().iter().map(|l| literal(d, l, false)).collect();
    if !lines.is_empty() {
        let _ = writeln!(o, "What this report did not see:");
        for l in lines {
            let _ = writeln!(o, "- {l}");
        }
        o.push('\n');
    }
}

fn table(o: &mut String, d: Dialect, gs: &[&GroupReport]) {
    let _ = writeln!(
        o,
        "| Status | Now | Before | Ratio | Level | Decision | Title | Fingerprint |"
    );
    let _ = writeln!(o, "| --- | ---: | ---: | ---: | --- | --- | --- | --- |");
    for g in gs {
        let ratio = match (g.status, g.ratio) {
            (Status::New, _) => "new".to_string(),
            (_, Some(r)) => format!("{r:.2}×"),
            (_, None) => "–".to_string(),
        };
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} | {} | {} | {} | {} |",
            g.status,
            g.current.count,
            g.previous.count,
            ratio,
            g.level_label(),
            text_cell(d, &decision_summary(g)),
            title_cell(d, g),
            inline_code(d, &g.fingerprint)
        );
    }
    o.push('\n');
}

/// The title, shown literally, linked to the group's events in the backend when there is
/// a link (in Remarkup the link follows the title: its text is ours).
fn title_cell(d: Dialect, g: &GroupReport) -> String {
    let title = literal(d, &g.title, true);
    match (&g.link, d) {
        (None, _) => title,
        (Some(u), Dialect::Markdown) => format!("[{title}](<{}>)", link_safe(u)),
        (Some(u), Dialect::Remarkup) => format!("{title} [[ {} | events ]]", link_safe(u)),
    }
}

/// `blocker · team/person · T123`, or `blocker (1.46.0-wmf.3)` for a mark of another train.
fn decision_summary(g: &GroupReport) -> String {
    let Some(dec) = &g.decision else {
        return String::new();
    };
    let mut parts = Vec::new();
    match (dec.mark, dec.recorded_mark) {
        (Some(m), _) => parts.push(m.to_string()),
        (None, Some(m)) => parts.push(format!("{m} ({})", dec.train.as_deref().unwrap_or("?"))),
        (None, None) => {}
    }
    match (&dec.owner_team, &dec.owner_person) {
        (Some(t), Some(p)) => parts.push(format!("{t}/{p}")),
        (Some(x), None) | (None, Some(x)) => parts.push(x.clone()),
        (None, None) => {}
    }
    if let Some(t) = &dec.task {
        parts.push(match dec.task_open {
            Some(false) => format!("{t} (closed)"),
            _ => t.clone(),
        });
    }
    parts.join(" · ")
}

fn details(o: &mut String, d: Dialect, g: &GroupReport) {
    heading(o, d, 3, &literal(d, &g.title, false));
    let decision = decision_summary(g);
    if !decision.is_empty() {
        let _ = writeln!(o, "- Decision: {}", safe(&decision));
    }
    if let Some(dec) = &g.decision {
        for n in &dec.notes {
            let _ = writeln!(
                o,
                "- Note by {} ({}): {}",
                safe(&n.by),
                safe(&n.at),
                safe(&n.text)
            );
        }
    }
    let _ = writeln!(
        o,
        "- Fingerprint {} ({}; {})",
        inline_code(d, &g.fingerprint),
        g.rule,
        literal(d, &g.grouped_by, false)
    );
    let _ = writeln!(o, "- Grouping: {}", safe(&g.grouping.summary()));
    if let Some(holds) = g.holds(|fp| inline_code(d, fp)) {
        let _ = writeln!(o, "- {holds}");
    }
    let _ = writeln!(
        o,
        "- Now {} (first {}, last {}), before {}",
        g.current.count,
        g.current.first_seen.as_deref().unwrap_or("?"),
        g.current.last_seen.as_deref().unwrap_or("?"),
        g.previous.count
    );
    if let Some(url) = &g.link {
        let url = link_safe(url);
        match d {
            Dialect::Markdown => {
                let _ = writeln!(o, "- Events in the backend: <{url}>");
            }
            Dialect::Remarkup => {
                let _ = writeln!(o, "- [[{url} | Events in the backend]]");
            }
        }
    }
    for (field, values) in &g.top {
        let vs: Vec<String> = values
            .iter()
            .map(|(v, n)| format!("{} ({n})", literal(d, v, false)))
            .collect();
        let _ = writeln!(o, "- Top {field}: {}", vs.join(", "));
    }
    if let Some(s) = &g.sample {
        let mut where_ = format!("{}:{}", literal(d, &s.source, false), s.line);
        if let Some(id) = &s.request_id {
            let _ = write!(where_, ", request id {}", inline_code(d, id));
        }
        let _ = writeln!(o, "- Sample ({where_}):");
        o.push('\n');
        code_block(o, d, &display_safe_multiline(&s.message));
    }
    if let Some(st) = &g.stack_trace {
        let lines: Vec<&str> = st.lines().collect();
        let mut text = lines
            .iter()
            .take(STACK_LINES)
            .copied()
            .collect::<Vec<_>>()
            .join("\n");
        if lines.len() > STACK_LINES {
            let _ = write!(
                text,
                "\n… {} more lines (full trace in the JSON report)",
                lines.len() - STACK_LINES
            );
        }
        let _ = writeln!(o, "- Stack trace:");
        o.push('\n');
        code_block(o, d, &display_safe_multiline(&text));
    }
    o.push('\n');
}

/// A URL that cannot leave its link markup: whitespace, controls and the characters that
/// close a Markdown autolink or a Remarkup link are percent-encoded.
pub(crate) fn link_safe(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    for c in url.chars() {
        if c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | '|' | '[' | ']' | '`') {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                let _ = write!(out, "%{b:02X}");
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn safe(s: &str) -> String {
    display_safe(s).into_owned()
}

pub(crate) fn heading(o: &mut String, d: Dialect, level: usize, text: &str) {
    match d {
        Dialect::Markdown => {
            let _ = writeln!(o, "{} {}\n", "#".repeat(level), text);
        }
        Dialect::Remarkup => {
            let marks = "=".repeat(level);
            let _ = writeln!(o, "{marks} {text} {marks}\n");
        }
    }
}

fn bold(_d: Dialect, s: &str) -> String {
    format!("**{s}**")
}

fn inline_code(d: Dialect, s: &str) -> String {
    literal(d, s, false)
}

/// A value from the logs placed inline in Markdown or Remarkup, made inert: a code span,
/// which neither markup reads for mentions (`@team`), embeds (`{F123}`), object links
/// (`T123`, `D45`), `[[ links ]]`, `[links](…)`, images, autolinks or HTML. Control
/// characters are shown escaped and newlines as `⏎`. In Markdown the span's backtick run
/// is longer than any inside the value (CommonMark); Remarkup's span cannot hold a
/// backtick, so one becomes `'`. In a table cell the column separator is escaped (GFM
/// reads `\|` as `|` inside a span) or, in Remarkup, shown as `¦`. Empty stays empty.
pub(crate) fn literal(d: Dialect, s: &str, in_table: bool) -> String {
    let s = safe(s);
    if s.trim().is_empty() {
        return String::new();
    }
    match d {
        Dialect::Markdown => {
            let s = if in_table { s.replace('|', "\\|") } else { s };
            let longest = s.split(|c| c != '`').map(str::len).max().unwrap_or(0);
            let ticks = "`".repeat(longest + 1);
            // A span that starts or ends with a backtick needs a space inside its ticks.
            let pad = if s.starts_with('`') || s.ends_with('`') {
                " "
            } else {
                ""
            };
            format!("{ticks}{pad}{s}{pad}{ticks}")
        }
        Dialect::Remarkup => {
            let s = s.trim().replace('`', "'");
            let s = if in_table { s.replace('|', "¦") } else { s };
            format!("`{s}`")
        }
    }
}

/// A table cell: neutralized, no newlines, and the column separator escaped.
pub(crate) fn cell(d: Dialect, s: &str) -> String {
    let s = safe(s);
    match d {
        Dialect::Markdown => s.replace('|', "\\|"),
        Dialect::Remarkup => s.replace('|', "¦"),
    }
}

/// Log text in a table cell or heading, shown as written: like [`cell`], and in Markdown the
/// characters that would start emphasis, code, links or HTML are backslash-escaped (a
/// backslash too, when it would escape the next character).
pub(crate) fn text_cell(d: Dialect, s: &str) -> String {
    let c = cell(d, s);
    if d != Dialect::Markdown {
        return c;
    }
    const SPECIAL: &[char] = &['*', '_', '`', '<', '>', '[', ']', '~', '#'];
    let mut out = String::with_capacity(c.len() + 8);
    let mut chars = c.chars().peekable();
    while let Some(ch) = chars.next() {
        match ch {
            // `\|` from `cell` stays: it keeps the table intact.
            '\\' if chars.peek() == Some(&'|') => out.push('\\'),
            '\\' if chars.peek().is_some_and(|n| n.is_ascii_punctuation()) => out.push_str("\\\\"),
            c if SPECIAL.contains(&c) => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// A code fence longer than any backtick run in `text` (at least three backticks).
pub(crate) fn fence(text: &str) -> String {
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    "`".repeat((longest + 1).max(3))
}

/// A fenced block whose fence is longer than any backtick run in `text`.
fn code_block(o: &mut String, d: Dialect, text: &str) {
    let text = block_text(d, text);
    let fence = fence(&text);
    let _ = writeln!(o, "{fence}\n{text}\n{fence}\n");
}

/// Text for a fenced block. Remarkup ends a block at any line that ends with three
/// backticks, whatever the fence: such a line of the logs gets a `·` after them, so the
/// block holds all of it.
pub(crate) fn block_text(d: Dialect, text: &str) -> String {
    if d != Dialect::Remarkup || !text.contains("```") {
        return text.to_string();
    }
    text.split('\n')
        .map(|l| {
            if l.trim_end().ends_with("```") {
                format!("{l}·")
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::OnceLock;

    /// The text of a Markdown or Remarkup document outside its code blocks and code spans:
    /// what the markup would read for mentions, embeds and links. A fence of three or more
    /// backticks opens a block up to a fence at least as long; inline, a run of N backticks
    /// opens a span up to the next run of exactly N (CommonMark); an unmatched run is text.
    pub(crate) fn outside_code(doc: &str, d: Dialect) -> String {
        let run_at = |b: &[u8], i: usize| b[i..].iter().take_while(|&&c| c == b'`').count();
        let mut out = String::new();
        let mut fence: Option<usize> = None;
        for line in doc.lines() {
            let t = line.trim_start();
            let ticks = run_at(t.as_bytes(), 0);
            match fence {
                Some(n) => {
                    // Remarkup closes a block at any line ending in three backticks.
                    let closes = match d {
                        Dialect::Markdown => ticks >= n && t[ticks..].trim().is_empty(),
                        Dialect::Remarkup => line.trim_end().ends_with("```"),
                    };
                    if closes {
                        fence = None;
                    }
                    continue;
                }
                None if ticks >= 3 => {
                    fence = Some(ticks);
                    continue;
                }
                None => {}
            }
            let b = line.as_bytes();
            let mut i = 0;
            while i < b.len() {
                if b[i] != b'`' {
                    let next = line[i..].find('`').map_or(b.len(), |k| i + k);
                    out.push_str(&line[i..next]);
                    i = next;
                    continue;
                }
                let n = run_at(b, i);
                let mut j = i + n;
                let mut close = None;
                while j < b.len() {
                    if b[j] == b'`' {
                        let m = run_at(b, j);
                        if m == n {
                            close = Some(j + m);
                            break;
                        }
                        j += m;
                    } else {
                        j += 1;
                    }
                }
                match close {
                    Some(end) => i = end,
                    None => {
                        out.push_str(&line[i..i + n]);
                        i += n;
                    }
                }
            }
            out.push('\n');
        }
        out
    }

    #[test]
    fn literals_are_code_spans_that_log_text_cannot_close() {
        assert_eq!(literal(Dialect::Markdown, "a`b", false), "``a`b``");
        assert_eq!(literal(Dialect::Markdown, "`x", false), "`` `x ``");
        assert_eq!(literal(Dialect::Markdown, "a|b", true), "`a\\|b`");
        assert_eq!(literal(Dialect::Remarkup, " a`b|c ", true), "`a'b¦c`");
        assert_eq!(literal(Dialect::Remarkup, "x\ny", false), "`x⏎y`");
        assert_eq!(literal(Dialect::Markdown, "  ", false), "");
        assert_eq!(
            outside_code("a `b` c ``d`e`` f\n```\nzz\n```\ng `h", Dialect::Markdown),
            "a  c  f\ng `h\n"
        );
        // Remarkup: a line of the block that ends in backticks closes it.
        assert_eq!(
            outside_code("```\nx```\n@bob\n```", Dialect::Remarkup),
            "@bob\n"
        );
        assert_eq!(block_text(Dialect::Remarkup, "x```\ny"), "x```·\ny");
    }

    /// What a log can carry to make a pasted report act: mentions, embeds, object links,
    /// links, images, HTML, and the characters that would end a code span or a cell.
    fn hostile() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let token = proptest::sample::select(vec![
            "@bob",
            "@release-team",
            "{F1234}",
            "{T5678}",
            "T5678",
            "D42",
            "[[https://evil.example/|Approve deploy]]",
            "[click](javascript:alert(1))",
            "![x](https://evil.example/x.png)",
            "<img src=x onerror=alert(1)>",
            "https://evil.example/",
            "`",
            "``",
            "```\n",
            "|",
            "\n",
            "%%%",
            "##",
            "]]",
            "\\",
            "**",
            "//",
        ]);
        (
            proptest::collection::vec(token.clone(), 0..4),
            "[ -~]{0,12}",
            proptest::collection::vec(token, 0..4),
        )
            .prop_map(|(a, mid, b)| format!("{}ZQX{mid}{}", a.concat(), b.concat()))
    }

    proptest::proptest! {
        /// No value from the logs can produce a live mention, embed or link: wherever it
        /// lands in a report or a task body, it is inside a code span or block.
        #[test]
        fn log_values_stay_inside_code_in_reports_and_tasks(
            v in hostile(), title in hostile(), top in hostile(), source in hostile(),
            frame in hostile(), id in hostile(),
        ) {
            static REPORT: OnceLock<crate::report::Report> = OnceLock::new();
            let mut r = REPORT.get_or_init(crate::task::tests::report).clone();
            r.current.version = v.clone();
            r.other_versions = vec![v.clone()];
            r.stop = Some(v.clone());
            r.verdict.reasons = vec![format!("no events for the current version {v}")];
            for g in &mut r.groups {
                g.title = title.clone();
                g.template = title.clone();
                g.error_type = Some(title.clone());
                g.grouped_by = title.clone();
                g.top.insert("url".into(), vec![(top.clone(), 3)]);
                // A link is the source's (its query percent-encoded there) and cannot
                // leave its markup (`links_cannot_break_their_markup`).
                g.link = Some("https://logstash.example/app#/?q=x".into());
                if let Some(s) = &mut g.sample {
                    s.source = source.clone();
                    s.request_id = Some(id.clone());
                    s.message = title.clone();
                }
                g.stack_trace = Some(format!("#0 /srv/{frame}.php(12): {frame}('{top}')\n#1 {{main}}"));
            }
            for d in [Dialect::Markdown, Dialect::Remarkup] {
                let doc = render(&r, d);
                let outside = outside_code(&doc, d);
                proptest::prop_assert!(!outside.contains("ZQX"), "{d:?}: {outside}\n---\n{doc}");
                for g in &r.groups {
                    let task = crate::task::draft(g, &v, &crate::task::CodeLinks::default());
                    let m = match d {
                        Dialect::Markdown => crate::task::Markup::Markdown,
                        Dialect::Remarkup => crate::task::Markup::Remarkup,
                    };
                    let body = task.body(m);
                    let outside = outside_code(&body, d);
                    proptest::prop_assert!(!outside.contains("ZQX"), "{d:?} task: {outside}\n---\n{body}");
                }
            }
        }
    }

    #[test]
    fn markdown_cells_show_log_text_as_written() {
        assert_eq!(
            text_cell(
                Dialect::Markdown,
                "SELECT * FROM t WHERE a = *x* and __init__ <b>"
            ),
            "SELECT \\* FROM t WHERE a = \\*x\\* and \\_\\_init\\_\\_ \\<b\\>"
        );
        // Namespaces keep their single backslash; a backslash before punctuation doubles.
        assert_eq!(
            text_cell(Dialect::Markdown, r"MediaWiki\Parser a\*b c|d"),
            r"MediaWiki\Parser a\\\*b c\|d"
        );
        assert_eq!(text_cell(Dialect::Remarkup, "a*b|c"), "a*b¦c");
    }

    #[test]
    fn fences_outgrow_backticks() {
        let mut o = String::new();
        code_block(&mut o, Dialect::Markdown, "a ```` b");
        assert!(o.starts_with("`````\n"), "{o}");
        assert_eq!(fence("plain"), "```");
        assert_eq!(fence("a ```` b"), "`````");
    }

    #[test]
    fn links_cannot_break_their_markup() {
        assert_eq!(
            link_safe("https://k/app#x'(a) b>|]\u{1b}["),
            "https://k/app#x'(a)%20b%3E%7C%5D%1B%5B"
        );
    }

    #[test]
    fn cells_cannot_break_tables() {
        assert_eq!(cell(Dialect::Markdown, "a|b\nc"), "a\\|b⏎c");
        assert_eq!(cell(Dialect::Remarkup, "a|b"), "a¦b");
    }
}
