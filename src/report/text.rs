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
            safe(&cur.version),
            safe(&prev.version)
        ),
    );
    let _ = writeln!(
        o,
        "{}\n",
        bold(
            d,
            &format!(
                "Verdict: {} — {}",
                r.verdict.call.as_str(),
                safe(&r.verdict.reasons.join("; "))
            )
        )
    );
    if let Some(stop) = &r.stop {
        let _ = writeln!(o, "- Stop: {}", bold(d, &safe(stop)));
    }
    for (label, v) in [("Current", cur), ("Previous", prev)] {
        let _ = writeln!(
            o,
            "- {label} {}: {} events read, {} at or above the minimum level, {} malformed lines, {} – {}",
            bold(d, &safe(&v.version)),
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
        let others: Vec<String> = r.other_versions.iter().map(|v| safe(v)).collect();
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
    data_problems(&mut o, r);
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

fn data_problems(o: &mut String, r: &Report) {
    let lines: Vec<String> = r.not_seen().iter().map(|l| safe(l)).collect();
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

/// The title, linked to the group's events in the backend when there is a link.
fn title_cell(d: Dialect, g: &GroupReport) -> String {
    let title = text_cell(d, &g.title);
    match (&g.link, d) {
        (None, _) => title,
        (Some(u), Dialect::Markdown) => format!("[{title}](<{}>)", link_safe(u)),
        (Some(u), Dialect::Remarkup) => {
            format!("[[ {} | {} ]]", link_safe(u), remarkup_link_text(&title))
        }
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
    heading(o, d, 3, &text_cell(d, &g.title));
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
        safe(&g.grouped_by)
    );
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
            .map(|(v, n)| format!("{} ({n})", safe(v)))
            .collect();
        let _ = writeln!(o, "- Top {field}: {}", vs.join(", "));
    }
    if let Some(s) = &g.sample {
        let mut where_ = format!("{}:{}", safe(&s.source), s.line);
        if let Some(id) = &s.request_id {
            let _ = write!(where_, ", request id {}", inline_code(d, id));
        }
        let _ = writeln!(o, "- Sample ({where_}):");
        o.push('\n');
        code_block(o, &display_safe_multiline(&s.message));
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
        code_block(o, &display_safe_multiline(&text));
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
    let s = safe(s).replace('`', "'");
    match d {
        Dialect::Markdown | Dialect::Remarkup => format!("`{s}`"),
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

/// Text inside a Remarkup `[[ url | text ]]` link: a `]]` would end the link early.
pub(crate) fn remarkup_link_text(text: &str) -> String {
    text.replace("]]", "] ]")
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
fn code_block(o: &mut String, text: &str) {
    let fence = fence(text);
    let _ = writeln!(o, "{fence}\n{text}\n{fence}\n");
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

    #[test]
    fn remarkup_links_cannot_be_closed_by_log_text() {
        assert_eq!(remarkup_link_text("a]]b [[c]]"), "a] ]b [[c] ]");
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
        code_block(&mut o, "a ```` b");
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
