//! The triage report as one self-contained HTML page: inline CSS, no scripts, no external
//! resources (a Content-Security-Policy says so), and per group a small SVG chart of its
//! events over time before (previous version) and after (current version). Log text is
//! neutralized and HTML-escaped.

use super::{GroupReport, Report, verdict::Call};
use crate::decisions::Mark;
use crate::diff::Status;
use crate::histogram::Histogram;
use crate::input::time::parse_timestamp;
use crate::sanitize::{display_safe, display_safe_multiline};
use std::fmt::Write;

/// Bars per side of a chart.
const BINS: usize = 24;
const BAR_W: usize = 3;
const CHART_H: usize = 28;
/// Stack trace lines shown (the JSON report has them whole).
const STACK_LINES: usize = 25;

const STYLE: &str = "
body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;margin:1.5rem auto;max-width:1200px;padding:0 1rem;color:#1b1b1b;background:#fff}
h1{font-size:1.4rem;margin:0 0 .5rem}h2{font-size:1.15rem;margin:1.6rem 0 .4rem;border-bottom:1px solid #ccc}
h3{font-size:1rem;margin:1rem 0 .3rem}summary{font-size:1.15rem;font-weight:600;margin:1.2rem 0 .4rem;cursor:pointer}
.verdict{padding:.6rem .9rem;border:2px solid;border-radius:4px;font-weight:600;margin:.6rem 0}
.verdict.go{border-color:#1f5fbf;background:#eef4fd}.verdict.no_go{border-color:#b35900;background:#fff4e8}
.verdict.blind{border-color:#6b2fa3;background:#f5eefc}
.unseen{border-left:4px solid #b35900;background:#fff8f0;padding:.4rem .8rem;margin:.6rem 0}
table{border-collapse:collapse;width:100%;margin:.3rem 0 .8rem}table.counts{width:auto}
th,td{border-bottom:1px solid #e2e2e2;padding:.25rem .45rem;text-align:left;vertical-align:middle}
th{background:#f4f4f4;font-weight:600}td.n{text-align:right;font-variant-numeric:tabular-nums}
code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:12.5px}
pre{background:#f6f6f6;padding:.5rem;overflow:auto;white-space:pre-wrap;word-break:break-all}
.legend span{display:inline-block;width:.8rem;height:.8rem;vertical-align:middle;margin:0 .25rem 0 .8rem}
svg.hist{display:block}rect.before{fill:#8c8c8c}rect.after{fill:#1f5fbf}line.axis{stroke:#bbb}
";

/// The page.
pub fn render(r: &Report) -> String {
    let mut o = String::with_capacity(64 * 1024);
    let title = format!(
        "logtriage: {} vs {}",
        display_safe(&r.current.version),
        display_safe(&r.previous.version)
    );
    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{}</title><style>{STYLE}</style></head><body>\n<h1>{}</h1>\n",
        esc(&title),
        esc(&title)
    );
    let class = match r.verdict.call {
        Call::Go => "go",
        Call::NoGo => "no_go",
        Call::Blind => "blind",
    };
    let _ = writeln!(
        o,
        "<div class=\"verdict {class}\" id=\"verdict\">Verdict: {} — {}</div>",
        r.verdict.call.as_str(),
        esc(&r.verdict.reasons.join("; "))
    );
    o.push_str("<ul>\n");
    if let Some(stop) = &r.stop {
        let _ = writeln!(o, "<li>Stop: <b>{}</b></li>", esc(stop));
    }
    for (label, v) in [("Current", &r.current), ("Previous", &r.previous)] {
        let _ = writeln!(
            o,
            "<li>{label} <b>{}</b>: {} events read, {} at or above the minimum level, {} malformed lines, {} – {}</li>",
            esc(&v.version),
            v.events,
            v.triaged,
            v.malformed_lines,
            esc(v.first_seen.as_deref().unwrap_or("?")),
            esc(v.last_seen.as_deref().unwrap_or("?"))
        );
    }
    let _ = writeln!(
        o,
        "<li>Exposure: the current version saw {:.3}× the traffic of the previous.</li></ul>",
        r.exposure.ratio
    );
    unseen(&mut o, r);
    o.push_str("<table class=\"counts\"><tr>");
    for s in Status::ALL {
        let _ = write!(o, "<th>{}</th>", s.as_str());
    }
    o.push_str("</tr><tr>");
    for s in Status::ALL {
        let _ = write!(o, "<td class=\"n\">{}</td>", r.count(s));
    }
    o.push_str("</tr></table>\n");
    let _ = writeln!(
        o,
        "<p class=\"legend\">Charts: events over each version's time window,<span style=\"background:#8c8c8c\"></span>before ({})<span style=\"background:#1f5fbf\"></span>after ({}), on one scale per group.</p>",
        esc(&r.previous.version),
        esc(&r.current.version)
    );
    let windows = Windows::of(r);
    for (mark, name) in [
        (Mark::Blocker, "Open blockers"),
        (Mark::Backport, "Backports pending"),
    ] {
        let gs = r.marked(mark);
        if !gs.is_empty() {
            section(
                &mut o,
                Some(&format!("{name} ({})", gs.len())),
                &gs,
                &windows,
            );
        }
    }
    let closed = r.closed_but_recurring();
    if !closed.is_empty() {
        section(
            &mut o,
            Some(&format!(
                "Known, task closed, still occurring ({})",
                closed.len()
            )),
            &closed,
            &windows,
        );
    }
    for status in Status::ALL {
        let gs: Vec<&GroupReport> = r.groups.iter().filter(|g| g.status == status).collect();
        if gs.is_empty() {
            continue;
        }
        let mut name = status.as_str().to_string();
        name[..1].make_ascii_uppercase();
        let name = format!("{name} ({})", gs.len());
        if matches!(status, Status::Improved | Status::Steady) {
            // What did not get worse is folded: the page opens fast with thousands of
            // groups, and the reader's eye goes to what changed.
            let _ = writeln!(o, "<details><summary>{}</summary>", esc(&name));
            section(&mut o, None, &gs, &windows);
            o.push_str("</details>\n");
        } else {
            section(&mut o, Some(&name), &gs, &windows);
        }
        if matches!(status, Status::New | Status::Regressed) {
            for g in gs {
                details(&mut o, g);
            }
        }
    }
    let _ = writeln!(o, "<p><small>{}</small></p>\n</body></html>", esc(&r.tool));
    o
}

/// The time window of each version, for the charts' x axes.
struct Windows {
    before: Option<(i64, i64)>,
    after: Option<(i64, i64)>,
}

impl Windows {
    fn of(r: &Report) -> Windows {
        let w = |v: &super::VersionSummary| {
            let a = parse_timestamp(v.first_seen.as_deref()?)?;
            let b = parse_timestamp(v.last_seen.as_deref()?)?;
            Some((a, b + 1))
        };
        Windows {
            before: w(&r.previous),
            after: w(&r.current),
        }
    }
}

fn unseen(o: &mut String, r: &Report) {
    let lines = r.not_seen();
    if lines.is_empty() {
        o.push_str("<p class=\"unseen\" id=\"unseen\">Every source was read completely; no malformed lines.</p>\n");
        return;
    }
    o.push_str("<div class=\"unseen\" id=\"unseen\"><b>What this report did not see:</b><ul>");
    for l in lines {
        let _ = write!(o, "<li>{}</li>", esc(&l));
    }
    o.push_str("</ul></div>\n");
}

/// A table of groups under a heading (`None`: the caller gave it one, e.g. a summary).
fn section(o: &mut String, name: Option<&str>, gs: &[&GroupReport], w: &Windows) {
    if let Some(name) = name {
        let _ = writeln!(o, "<h2>{}</h2>", esc(name));
    }
    o.push_str("<table><tr><th>Status</th><th>Now</th><th>Before</th><th>Ratio</th><th>Level</th><th>Before / after</th><th>Decision</th><th>Title</th><th>Fingerprint</th></tr>\n");
    for g in gs {
        let ratio = match (g.status, g.ratio) {
            (Status::New, _) => "new".to_string(),
            (_, Some(r)) => format!("{r:.2}×"),
            (_, None) => "–".to_string(),
        };
        let title = esc(&g.title);
        let title = match &g.link {
            Some(u) => format!("<a href=\"{}\">{title}</a>", esc(u)),
            None => title,
        };
        let _ = writeln!(
            o,
            "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{ratio}</td><td>{}</td><td>{}</td><td>{}</td><td>{title}</td><td><code>{}</code></td></tr>",
            g.status,
            g.current.count,
            g.previous.count,
            esc(&g.level_label()),
            chart(g, w),
            decision(g),
            esc(&g.fingerprint)
        );
    }
    o.push_str("</table>\n");
}

fn decision(g: &GroupReport) -> String {
    let Some(d) = &g.decision else {
        return String::new();
    };
    let mut parts = Vec::new();
    match (d.mark, d.recorded_mark) {
        (Some(m), _) => parts.push(format!("<b>{m}</b>")),
        (None, Some(m)) => parts.push(format!("{m} ({})", esc(d.train.as_deref().unwrap_or("?")))),
        (None, None) => {}
    }
    let owner = [&d.owner_team, &d.owner_person]
        .iter()
        .filter_map(|x| x.as_deref())
        .collect::<Vec<_>>()
        .join("/");
    if !owner.is_empty() {
        parts.push(esc(&owner));
    }
    if let Some(t) = &d.task {
        let closed = if d.task_open == Some(false) {
            " (closed)"
        } else {
            ""
        };
        if t.starts_with("https://") || t.starts_with("http://") {
            parts.push(format!("<a href=\"{}\">{}</a>{closed}", esc(t), esc(t)));
        } else {
            parts.push(format!("{}{closed}", esc(t)));
        }
    }
    parts.join(" · ")
}

/// Two bar charts side by side on one y scale: the group's events over the previous
/// version's window, then over the current version's.
fn chart(g: &GroupReport, w: &Windows) -> String {
    let bins = |h: &Option<Histogram>, window: Option<(i64, i64)>| -> Vec<u64> {
        match (h, window) {
            (Some(h), Some((a, b))) if b > a => h.rebin(a, b, BINS),
            (Some(h), _) if !h.is_empty() => {
                let a = h.start_ms;
                h.rebin(a, a + h.width_ms * h.counts.len() as i64, BINS)
            }
            _ => vec![0; BINS],
        }
    };
    let before = bins(&g.previous.histogram, w.before);
    let after = bins(&g.current.histogram, w.after);
    let max = before
        .iter()
        .chain(&after)
        .copied()
        .max()
        .unwrap_or(0)
        .max(1);
    let side = BINS * BAR_W;
    let gap = 8;
    let width = 2 * side + gap;
    let mut s = format!(
        "<svg class=\"hist\" width=\"{width}\" height=\"{CHART_H}\" viewBox=\"0 0 {width} {CHART_H}\" role=\"img\"><title>before: {} events, after: {} events</title>",
        g.previous.count, g.current.count
    );
    for (x0, values, class) in [(0, &before, "before"), (side + gap, &after, "after")] {
        let _ = write!(
            s,
            "<line class=\"axis\" x1=\"{x0}\" y1=\"{y}\" x2=\"{}\" y2=\"{y}\"/>",
            x0 + side,
            y = CHART_H - 1
        );
        for (i, v) in values.iter().enumerate().filter(|(_, v)| **v > 0) {
            // At least 2 px, so a single event is visible.
            let h = ((*v as f64 / max as f64) * (CHART_H - 2) as f64)
                .ceil()
                .max(2.0) as usize;
            let _ = write!(
                s,
                "<rect class=\"{class}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{h}\"/>",
                x0 + i * BAR_W,
                CHART_H - 1 - h,
                BAR_W - 1
            );
        }
    }
    s.push_str("</svg>");
    s
}

fn details(o: &mut String, g: &GroupReport) {
    let _ = writeln!(o, "<h3>{}</h3><ul>", esc(&g.title));
    let _ = writeln!(
        o,
        "<li>Fingerprint <code>{}</code> ({}; {})</li>",
        esc(&g.fingerprint),
        g.rule,
        esc(&g.grouped_by)
    );
    let _ = writeln!(o, "<li>Grouping: {}</li>", esc(&g.grouping.summary()));
    if let Some(holds) = g.holds(|fp| format!("<code>{}</code>", esc(fp))) {
        let _ = writeln!(o, "<li>{holds}</li>");
    }
    let _ = writeln!(
        o,
        "<li>Now {} (first {}, last {}), before {}</li>",
        g.current.count,
        esc(g.current.first_seen.as_deref().unwrap_or("?")),
        esc(g.current.last_seen.as_deref().unwrap_or("?")),
        g.previous.count
    );
    if let Some(u) = &g.link {
        let _ = writeln!(
            o,
            "<li><a href=\"{}\">Events in the backend</a></li>",
            esc(u)
        );
    }
    for (field, values) in &g.top {
        let vs: Vec<String> = values
            .iter()
            .map(|(v, n)| format!("{} ({n})", esc(v)))
            .collect();
        let _ = writeln!(o, "<li>Top {}: {}</li>", esc(field), vs.join(", "));
    }
    o.push_str("</ul>\n");
    if let Some(s) = &g.sample {
        let _ = writeln!(
            o,
            "<pre class=\"sample\">{}</pre>",
            esc_multiline(&s.message)
        );
    }
    if let Some(st) = &g.stack_trace {
        let text: Vec<&str> = st.lines().take(STACK_LINES).collect();
        let _ = writeln!(
            o,
            "<pre class=\"trace\">{}</pre>",
            esc_multiline(&text.join("\n"))
        );
    }
}

/// Neutralized (no control or bidi characters) and HTML-escaped, on one line.
fn esc(s: &str) -> String {
    html_escape(&display_safe(s))
}

fn esc_multiline(s: &str) -> String {
    html_escape(&display_safe_multiline(s))
}

fn html_escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_text_cannot_become_markup() {
        assert_eq!(
            esc("<script>alert('x')</script>\u{1b}[31m\u{202e}"),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;␛[31m⟨U+202E⟩"
        );
    }

    #[test]
    fn the_page_has_a_chart_per_group_and_no_scripts() {
        let r = crate::task::tests::report();
        let page = render(&r);
        assert!(page.starts_with("<!DOCTYPE html>"));
        assert!(!page.contains("<script"), "no scripts");
        assert!(!page.contains("src=\"http"), "no external resources");
        assert_eq!(page.matches("<svg class=\"hist\"").count(), r.groups.len());
        assert!(page.contains("id=\"verdict\">Verdict: NO-GO"), "{page}");
        // The new TypeError has events after and none before.
        assert!(page.contains("<rect class=\"after\""));
    }

    proptest::proptest! {
        #[test]
        fn escaped_text_is_inert(s in proptest::prelude::any::<String>()) {
            let e = esc(&s);
            proptest::prop_assert!(!e.contains(['<', '>', '"', '\'']));
            proptest::prop_assert!(!e.chars().any(|c| c.is_control()));
        }
    }
}
