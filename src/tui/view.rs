//! The pure view: draws a [`State`] into a frame. No I/O, no state changes; every string
//! that comes from a log goes through `display_safe` first. Readable at 80×24 and on a
//! projector: status is always spelled out (NEW, ↑, ↓, GONE), never shown by color alone.

use super::keys::{BOUND, Context};
use super::state::{Load, Mode, Pane, State, Tone};
use logtriage::decisions::Mark;
use logtriage::diff::Status;
use logtriage::fingerprint::stack::parse_frames;
use logtriage::gate::Outcome;
use logtriage::report::{GroupReport, Report};
use logtriage::sanitize::display_safe;
use ratatui::Frame;
use ratatui::layout::{Constraint, Direction, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, List, ListItem, ListState, Paragraph, Wrap};

/// Styles, with or without color (NO_COLOR).
struct Theme {
    color: bool,
    /// No dimmed text (for projectors): secondary text in the normal color.
    high_contrast: bool,
}

impl Theme {
    fn status(&self, s: Status) -> Style {
        let base = Style::default();
        match (s, self.color) {
            (Status::New, true) => base
                .fg(Color::Black)
                .bg(Color::Yellow)
                .add_modifier(Modifier::BOLD),
            (Status::New, false) => base.add_modifier(Modifier::BOLD | Modifier::REVERSED),
            (Status::Regressed, true) => base.fg(Color::Yellow).add_modifier(Modifier::BOLD),
            (Status::Regressed, false) => base.add_modifier(Modifier::BOLD),
            (Status::Gone | Status::Improved, true) => base.fg(Color::Cyan),
            _ => base,
        }
    }
    fn mark(&self, m: Mark) -> Style {
        match (m, self.color) {
            (Mark::Blocker, true) => Style::default()
                .fg(Color::White)
                .bg(Color::Magenta)
                .add_modifier(Modifier::BOLD),
            (Mark::Blocker, false) => {
                Style::default().add_modifier(Modifier::BOLD | Modifier::REVERSED)
            }
            (Mark::Backport, true) => Style::default()
                .fg(Color::Magenta)
                .add_modifier(Modifier::BOLD),
            _ => Style::default().add_modifier(Modifier::BOLD),
        }
    }
    fn alert(&self) -> Style {
        if self.color {
            Style::default()
                .fg(Color::White)
                .bg(Color::Red)
                .add_modifier(Modifier::BOLD)
        } else {
            Style::default().add_modifier(Modifier::BOLD | Modifier::REVERSED)
        }
    }
    fn dim(&self) -> Style {
        if self.color && !self.high_contrast {
            Style::default().fg(Color::Gray)
        } else {
            Style::default()
        }
    }
    fn heading(&self) -> Style {
        Style::default().add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
    }
}

pub fn draw(f: &mut Frame, s: &State) {
    let theme = Theme {
        color: s.color,
        high_contrast: s.high_contrast,
    };
    let area = f.area();
    let banner = banner(s);
    let header_h = 2 + u16::from(banner.is_some());
    let chunks = Layout::default()
        .direction(Direction::Vertical)
        .constraints([
            Constraint::Length(header_h),
            Constraint::Min(3),
            Constraint::Length(1),
        ])
        .split(area);
    draw_header(f, chunks[0], s, &theme, banner);
    let wide = area.width >= 120;
    let body = Layout::default()
        .direction(if wide {
            Direction::Horizontal
        } else {
            Direction::Vertical
        })
        .constraints(if wide {
            [Constraint::Percentage(55), Constraint::Percentage(45)]
        } else {
            [Constraint::Percentage(45), Constraint::Percentage(55)]
        })
        .split(chunks[1]);
    draw_list(f, body[0], s, &theme);
    draw_detail(f, body[1], s, &theme);
    draw_footer(f, chunks[2], s, &theme);
    match &s.mode {
        Mode::Help { filter } => draw_help(f, area, s, filter),
        Mode::History => draw_history(f, area, s),
        Mode::Palette { filter, selected } => draw_palette(f, area, filter, *selected),
        Mode::File(dialog) => draw_file_dialog(f, area, dialog, s),
        _ => {}
    }
}

/// A loud line when the data cannot be trusted: loading, failed, or blind.
fn banner(s: &State) -> Option<(String, bool)> {
    match &s.load {
        Load::Loading { since } => {
            let secs = since.elapsed().as_secs_f64();
            let rate = if secs > 0.0 {
                s.events_read as f64 / secs
            } else {
                0.0
            };
            Some((
                format!(
                    "LOADING… {secs:.1}s · {} events read ({:.0}k/s)",
                    s.events_read,
                    rate / 1000.0
                ),
                false,
            ))
        }
        Load::Failed(e) if s.report.is_some() => Some((
            format!(
                "STALE: refresh failed, showing the last good data: {}",
                display_safe(e)
            ),
            true,
        )),
        Load::Failed(e) => Some((format!("BLIND: {}", display_safe(e)), true)),
        Load::Ready => {
            let r = s.report.as_ref()?;
            let mut why = Vec::new();
            for src in r.sources.iter().filter(|x| x.error.is_some()) {
                why.push(format!(
                    "{} could not be read: {}",
                    display_safe(&src.name),
                    display_safe(src.error.as_deref().unwrap_or(""))
                ));
            }
            if r.current.events == 0 {
                why.push(format!(
                    "no events for {}",
                    display_safe(&r.current.version)
                ));
            }
            if r.previous.events == 0 {
                why.push(format!(
                    "no events for {}",
                    display_safe(&r.previous.version)
                ));
            }
            (!why.is_empty()).then(|| {
                (
                    format!("BLIND: {} — this is not a clean result", why.join("; ")),
                    true,
                )
            })
        }
    }
}

fn draw_header(f: &mut Frame, area: Rect, s: &State, t: &Theme, banner: Option<(String, bool)>) {
    let mut lines = Vec::new();
    let title = match &s.report {
        Some(r) => format!(
            " logtriage  {} vs {}{}  ·  {}",
            display_safe(&r.current.version),
            display_safe(&r.previous.version),
            r.stop
                .as_deref()
                .map(|st| format!(" at {}", display_safe(st)))
                .unwrap_or_default(),
            display_safe(&s.source_label)
        ),
        None => format!(" logtriage  ·  {}", display_safe(&s.source_label)),
    };
    let mut first = vec![Span::styled(
        title,
        Style::default().add_modifier(Modifier::BOLD),
    )];
    if let Some(r) = &s.report {
        first.extend(gate_spans(r, t));
    }

    if let Some(r) = &s.report
        && let (Some(a), Some(b)) = (&r.current.first_seen, &r.current.last_seen)
    {
        first.push(Span::styled(
            format!("  ·  {} – {}", short_time(a), short_time(b)),
            t.dim(),
        ));
    }
    if let Some(at) = &s.loaded_at {
        first.push(Span::styled(format!("  ·  read {at}"), t.dim()));
    }
    lines.push(Line::from(first));
    if let Some(r) = &s.report {
        lines.push(counts_line(r, t));
    } else {
        lines.push(Line::from(""));
    }
    if let Some((text, alert)) = banner {
        let style = if alert {
            t.alert()
        } else {
            Style::default().add_modifier(Modifier::BOLD)
        };
        lines.push(Line::from(Span::styled(format!(" {text} "), style)));
    }
    f.render_widget(Paragraph::new(lines), area);
}

/// The deploy gate's verdict on what is on screen, with its rule (as `logtriage check`
/// with its defaults: any new or regressed group that is not known or ignored fails).
fn gate_spans<'a>(r: &Report, t: &Theme) -> Vec<Span<'a>> {
    let v = logtriage::gate::evaluate(
        r,
        logtriage::gate::Limits {
            fail_on_blockers: true,
            ..Default::default()
        },
    );
    let (word, style) = match v.outcome {
        Outcome::Pass => ("PASS", Style::default().add_modifier(Modifier::BOLD)),
        Outcome::Fail => ("FAIL", t.status(Status::New)),
        Outcome::Blind => ("BLIND", t.alert()),
    };
    let why = match v.outcome {
        Outcome::Pass => "no new or regressed errors".to_string(),
        Outcome::Fail => {
            let blocker = |g: &&&logtriage::report::GroupReport| {
                g.decision.as_ref().and_then(|d| d.mark)
                    == Some(logtriage::decisions::Mark::Blocker)
            };
            let blockers = v.failing.iter().filter(blocker).count();
            let new = v
                .failing
                .iter()
                .filter(|g| g.status == Status::New && !blocker(g))
                .count();
            let reg = v.failing.len() - new - blockers;
            let untriaged = format!("{new} new, {reg} regressed untriaged");
            match blockers {
                0 => untriaged,
                b => format!("{b} blocker(s), {untriaged}"),
            }
        }
        Outcome::Blind => "cannot judge".to_string(),
    };
    vec![
        Span::raw("  ·  gate "),
        Span::styled(word, style),
        Span::styled(format!(" ({why})"), t.dim()),
    ]
}

fn counts_line<'a>(r: &Report, t: &Theme) -> Line<'a> {
    let mut spans = vec![Span::raw(format!(
        " {} events · {} malformed │ ",
        r.current.events, r.malformed.total
    ))];
    for (st, label) in [
        (Status::New, "NEW"),
        (Status::Regressed, "↑"),
        (Status::Gone, "GONE"),
        (Status::Improved, "↓"),
        (Status::Steady, "steady"),
    ] {
        spans.push(Span::styled(
            format!("{label} {}", r.count(st)),
            t.status(st),
        ));
        spans.push(Span::raw(" "));
    }
    let blockers = r.marked(Mark::Blocker).len();
    spans.push(Span::raw("│ "));
    let style = if blockers > 0 {
        t.mark(Mark::Blocker)
    } else {
        Style::default()
    };
    spans.push(Span::styled(format!("blockers {blockers}"), style));
    Line::from(spans)
}

fn short_time(ts: &str) -> String {
    // 2026-11-18T19:00:06.495Z -> 11-18 19:00
    if ts.len() >= 16 {
        format!("{} {}", &ts[5..10], &ts[11..16])
    } else {
        ts.to_string()
    }
}

pub fn badge(g: &GroupReport) -> String {
    match g.status {
        Status::New => "NEW".to_string(),
        Status::Gone => "GONE".to_string(),
        Status::Regressed => format!("↑{:.1}×", g.ratio.unwrap_or(0.0)),
        Status::Improved => format!("↓{:.2}×", g.ratio.unwrap_or(0.0)),
        Status::Steady => "steady".to_string(),
    }
}

/// Eight-cell sparkline of the current version's histogram (previous when absent).
fn sparkline(g: &GroupReport) -> String {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let h = g
        .current
        .histogram
        .as_ref()
        .or(g.previous.histogram.as_ref());
    let Some(h) = h else { return " ".repeat(8) };
    let end = h.start_ms + h.width_ms * h.counts.len() as i64;
    let first = h.counts.iter().position(|c| *c > 0).unwrap_or(0) as i64;
    let last = h.counts.iter().rposition(|c| *c > 0).unwrap_or(0) as i64 + 1;
    let bins = h.rebin(
        h.start_ms + first * h.width_ms,
        (h.start_ms + last * h.width_ms).min(end),
        8,
    );
    let max = bins.iter().copied().max().unwrap_or(0).max(1);
    bins.iter()
        .map(|&c| {
            if c == 0 {
                ' '
            } else {
                BARS[((c * 7) / max) as usize]
            }
        })
        .collect()
}

fn decision_cell(g: &GroupReport) -> (String, Option<Mark>) {
    let Some(d) = &g.decision else {
        return (String::new(), None);
    };
    let mut mark = d
        .mark
        .map(|m| m.as_str().to_uppercase())
        .unwrap_or_default();
    if logtriage::report::verdict::task_closed(g) {
        mark = "KNOWN·CLOSED".into();
    }
    let owner = match (&d.owner_team, &d.owner_person) {
        (Some(t), Some(p)) => format!("{t}/{p}"),
        (Some(x), None) | (None, Some(x)) => x.clone(),
        _ => String::new(),
    };
    let text = [mark, owner]
        .into_iter()
        .filter(|x| !x.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    (display_safe(&text).into_owned(), d.mark)
}

fn draw_list(f: &mut Frame, area: Rect, s: &State, t: &Theme) {
    let focus = s.focus == Pane::List;
    let filter = match (s.status_filter, s.search.is_empty()) {
        (None, true) => String::new(),
        (st, _) => {
            let mut parts = Vec::new();
            if let Some(st) = st {
                parts.push(format!("status={st}"));
            }
            if !s.search.is_empty() {
                parts.push(format!("search={}", display_safe(&s.search)));
            }
            format!(" [{}]", parts.join(" "))
        }
    };
    let selected = if s.selection.is_empty() {
        String::new()
    } else {
        format!(" · {} selected", s.selection.len())
    };
    // Events whose level could not be read are not in the list: say how many.
    let unleveled = s
        .report
        .as_ref()
        .filter(|r| r.method.min_level.is_some())
        .map_or(0, |r| r.current.unleveled + r.previous.unleveled);
    let unleveled = if unleveled > 0 {
        format!(" · {unleveled} with no level, not listed")
    } else {
        String::new()
    };
    let title = format!(
        " Groups {}/{} · sort {}{}{}{} ",
        s.rows.len(),
        s.report.as_ref().map_or(0, |r| r.groups.len()),
        s.sort.name(),
        filter,
        selected,
        unleveled
    );
    let block = Block::default()
        .borders(Borders::ALL)
        .title(title)
        .border_style(border(focus));
    let Some(r) = &s.report else {
        // The header's banner is one line: here the whole reason, and what to do, wraps.
        let text = match &s.load {
            Load::Failed(e) => format!("Nothing to triage: {}", display_safe(e)),
            _ => "reading the sources…".to_string(),
        };
        f.render_widget(
            Paragraph::new(text).wrap(Wrap { trim: true }).block(block),
            area,
        );
        return;
    };
    if s.rows.is_empty() {
        let msg = if r.groups.is_empty() {
            "no error groups in either version"
        } else {
            "no group matches the filter (f, /, Esc)"
        };
        f.render_widget(Paragraph::new(msg).block(block), area);
        return;
    }
    // Only the rows that fit are built, so a frame costs the same at 100 or 100,000 groups.
    let visible = area.height.saturating_sub(2).max(1) as usize;
    let offset = s
        .selected
        .saturating_sub(visible / 2)
        .min(s.rows.len().saturating_sub(visible));
    let items: Vec<ListItem> = s.rows[offset..(offset + visible).min(s.rows.len())]
        .iter()
        .map(|&i| {
            let g = &r.groups[i];
            let fresh = if s.selection.contains(&g.fingerprint) {
                "●"
            } else if s.fresh.contains(&g.fingerprint) {
                "★"
            } else {
                " "
            };
            let (dec, mark) = decision_cell(g);
            let mut spans = vec![
                Span::raw(fresh),
                Span::styled(format!("{:<7}", badge(g)), t.status(g.status)),
                Span::raw(format!(" {:>6} {:>6} ", g.current.count, g.previous.count)),
                Span::styled(sparkline(g), t.dim()),
                Span::raw(" "),
            ];
            if !dec.is_empty() {
                spans.push(Span::styled(
                    format!("{dec:.18}"),
                    mark.map_or(Style::default(), |m| t.mark(m)),
                ));
                spans.push(Span::raw(" "));
            }
            spans.push(Span::raw(display_safe(&g.title).into_owned()));
            ListItem::new(Line::from(spans))
        })
        .collect();
    let mut state = ListState::default().with_selected(Some(s.selected - offset));
    let list = List::new(items)
        .block(block)
        .highlight_style(Style::default().add_modifier(Modifier::REVERSED))
        .highlight_symbol("▶");
    f.render_stateful_widget(list, area, &mut state);
}

fn border(focus: bool) -> Style {
    if focus {
        Style::default().add_modifier(Modifier::BOLD)
    } else {
        Style::default()
    }
}

fn draw_detail(f: &mut Frame, area: Rect, s: &State, t: &Theme) {
    let focus = s.focus == Pane::Detail;
    let block = Block::default()
        .borders(Borders::ALL)
        .title(" Detail ")
        .border_style(border(focus));
    let Some(g) = s.selected_group() else {
        f.render_widget(Paragraph::new("").block(block), area);
        return;
    };
    let r = s.report.as_ref().expect("a selected group has a report");
    let mut l: Vec<Line> = Vec::new();
    let safe = |x: &str| display_safe(x).into_owned();
    l.push(Line::from(vec![
        Span::styled(format!("{} ", badge(g)), t.status(g.status)),
        Span::styled(
            safe(&g.title),
            Style::default().add_modifier(Modifier::BOLD),
        ),
    ]));
    l.push(Line::from(format!(
        "{} · {} · fingerprint {}",
        g.level_label(),
        g.rule,
        g.fingerprint
    )));
    if let Some(why) = g.level_inferred_from {
        l.push(Line::styled(
            format!("no level written: inferred from {why}"),
            t.dim(),
        ));
    }
    l.push(Line::from(format!(
        "now {} ({} – {}) · before {} · ratio {}",
        g.current.count,
        g.current
            .first_seen
            .as_deref()
            .map(short_time)
            .unwrap_or_else(|| "?".into()),
        g.current
            .last_seen
            .as_deref()
            .map(short_time)
            .unwrap_or_else(|| "?".into()),
        g.previous.count,
        g.ratio.map_or("–".to_string(), |x| format!("{x:.2}×"))
    )));
    if let Some(d) = &g.decision {
        let mut parts = Vec::new();
        match (d.mark, d.recorded_mark) {
            (Some(m), _) => parts.push(m.as_str().to_uppercase()),
            (None, Some(m)) => parts.push(format!(
                "{m} on {} (not this train)",
                d.train.as_deref().unwrap_or("?")
            )),
            _ => {}
        }
        if let Some(t) = &d.owner_team {
            parts.push(format!("team {t}"));
        }
        if let Some(p) = &d.owner_person {
            parts.push(format!("owner {p}"));
        }
        if let Some(k) = &d.task {
            parts.push(match d.task_open {
                Some(false) => format!("task {k} (closed in the tracker: triage again)"),
                Some(true) => format!("task {k} (open)"),
                None => format!("task {k}"),
            });
        }
        l.push(Line::from(vec![
            Span::styled("Decision: ", t.heading()),
            Span::raw(safe(&parts.join(" · "))),
        ]));
        if let Some(f) = s
            .decisions
            .get(&g.fingerprint)
            .and_then(|d| d.filing.as_ref())
            .filter(|f| f.task.is_none())
        {
            l.push(Line::from(Span::styled(
                format!(
                    "  filing pending in {} since {} (id {}): F looks for it before filing again",
                    safe(&f.tracker),
                    short_time(&f.at),
                    safe(&f.marker)
                ),
                t.alert(),
            )));
        }
        for n in &d.notes {
            l.push(Line::from(format!(
                "  note by {} {}: {}",
                safe(&n.by),
                short_time(&n.at),
                safe(&n.text)
            )));
        }
        if let (Some(at), Some(by)) = (&d.changed_at, &d.changed_by) {
            l.push(Line::from(Span::styled(
                format!("  last change {} by {}", short_time(at), safe(by)),
                t.dim(),
            )));
        }
    }
    l.push(Line::from(""));
    l.push(Line::from(Span::styled("Why grouped", t.heading())));
    grouping_lines(&mut l, g, usize::from(area.width.saturating_sub(2)), t);
    if g.members.len() > 1 {
        l.push(Line::from(format!(
            "{} fingerprints (S splits; or logtriage decide --split FP):",
            g.members.len()
        )));
        for m in &g.members {
            l.push(Line::from(Span::styled(
                format!(
                    "  {} · {} events · {}",
                    m.fingerprint,
                    m.events,
                    m.joined.short()
                ),
                t.dim(),
            )));
        }
    }
    l.push(Line::from(Span::styled("Template", t.heading())));
    l.push(Line::from(safe(&g.template)));
    histogram_lines(&mut l, g, r, t);
    if !g.top.is_empty() {
        l.push(Line::from(Span::styled("Where", t.heading())));
        for (field, values) in &g.top {
            let vs: Vec<String> = values
                .iter()
                .map(|(v, n)| format!("{} ({n})", safe(v)))
                .collect();
            l.push(Line::from(format!("{field}: {}", vs.join(", "))));
        }
    }
    if let Some(url) = &g.link {
        l.push(Line::from(Span::styled(
            "Events in the backend",
            t.heading(),
        )));
        l.push(Line::from(Span::styled(safe(url), t.dim())));
    }
    if let Some(sample) = &g.sample {
        l.push(Line::from(Span::styled(
            format!("Sample ({}:{})", safe(&sample.source), sample.line),
            t.heading(),
        )));
        l.push(Line::from(safe(&sample.message)));
    }
    if let Some(st) = &g.stack_trace {
        l.push(Line::from(Span::styled(
            "Stack trace (in-app frames in bold)",
            t.heading(),
        )));
        let in_app: std::collections::HashSet<String> = parse_frames(st)
            .into_iter()
            .filter(|fr| fr.in_app)
            .map(|fr| fr.raw)
            .collect();
        for line in st.lines() {
            let text = safe(line);
            let style = if in_app.contains(line.trim()) {
                Style::default().add_modifier(Modifier::BOLD)
            } else {
                t.dim()
            };
            l.push(Line::from(Span::styled(text, style)));
        }
    }
    let p = Paragraph::new(l)
        .block(block)
        .wrap(Wrap { trim: false })
        .scroll((s.detail_scroll, 0));
    f.render_widget(p, area);
}

/// Frame lines "Why grouped" lists at most (a run of frames not counted for one reason is
/// one line).
const GROUPING_FRAME_LINES: usize = 8;

/// "Why grouped": the rule, then each component, counted ones plainly (`✓`), the others
/// dimmed (`·`) with their reason; consecutive frames not counted for one reason on one
/// line, masked values on one line, at most [`GROUPING_FRAME_LINES`] frame lines, each
/// fitted to `width` (a frame's key shortened from its start).
fn grouping_lines(l: &mut Vec<Line>, g: &GroupReport, width: usize, t: &Theme) {
    let safe = |x: &str| display_safe(x).into_owned();
    use logtriage::fingerprint::explain::{What, Why};
    let e = &g.grouping;
    l.push(Line::from(format!("rule {}", g.rule)));
    let cs = &e.components;
    let masked: Vec<String> = cs
        .iter()
        .filter(|c| c.what == What::MaskedValue)
        .map(|c| safe(&c.value))
        .collect();
    let masked = match masked.len() {
        0..=6 => masked.join(", "),
        n => format!("{}, … ({n} in all)", masked[..6].join(", ")),
    };
    let mut frame_lines = 0;
    let mut i = 0;
    while i < cs.len() {
        let c = &cs[i];
        // A run of components of one kind that do not count for one reason.
        let mut run = 1;
        while !c.contributes
            && cs
                .get(i + run)
                .is_some_and(|n| (n.what, n.why, n.contributes) == (c.what, c.why, false))
        {
            run += 1;
        }
        if c.what == What::MaskedValue {
            i += run;
            continue;
        }
        if c.what == What::Frame {
            if frame_lines == GROUPING_FRAME_LINES {
                let rest = &cs[i..];
                let mut left = 0;
                let mut by: Vec<(&str, usize)> = Vec::new();
                for c in rest.iter().filter(|c| c.what == What::Frame) {
                    left += 1;
                    let why = if c.contributes { "counted" } else { c.reason };
                    match by.iter_mut().find(|b| b.0 == why) {
                        Some(b) => b.1 += 1,
                        None => by.push((why, 1)),
                    }
                }
                let by: Vec<String> = by.iter().map(|(w, n)| format!("{n} {w}")).collect();
                l.push(Line::from(Span::styled(
                    format!("  … {left} more frames: {}", by.join(", ")),
                    t.dim(),
                )));
                i += rest.iter().take_while(|c| c.what == What::Frame).count();
                continue;
            }
            frame_lines += 1;
        }
        let mark = if c.contributes { '✓' } else { '·' };
        let suffix = match c.why {
            Why::ExceptionType | Why::ExplicitField => String::new(),
            _ => format!(" — {}", c.reason),
        };
        let times = if run > 1 {
            format!(" ×{run}")
        } else {
            String::new()
        };
        let prefix = format!("  {mark} {}{times}", c.what.label());
        // A stack rule's message is the Template shown below.
        let mut value = if c.value.is_empty() || (c.what == What::Message && !c.contributes) {
            String::new()
        } else if c.what == What::Frame {
            safe(frame_shown(&c.value))
        } else {
            safe(&c.value)
        };
        // A frame's key on one line: its end (the function) tells frames apart.
        let room = width.saturating_sub(prefix.chars().count() + suffix.chars().count() + 1);
        let long = value.chars().count();
        if matches!(c.what, What::Frame | What::Goroutine) && long > room && room >= 16 {
            value = format!(
                "…{}",
                value.chars().skip(long + 1 - room).collect::<String>()
            );
        }
        let text = if value.is_empty() {
            format!("{prefix}{suffix}")
        } else {
            format!("{prefix} {value}{suffix}")
        };
        l.push(if c.contributes {
            Line::from(text)
        } else {
            Line::from(Span::styled(text, t.dim()))
        });
        if c.what == What::Message && !masked.is_empty() {
            l.push(Line::from(Span::styled(
                format!("  · masked → <*>: {masked}"),
                t.dim(),
            )));
        }
        i += run;
    }
    for n in &e.notes {
        l.push(Line::from(Span::styled(format!("  ({n})"), t.dim())));
    }
}

/// A frame's key without its file when the function names it
/// (`Pool.java:com.example.Pool.get` → `com.example.Pool.get`).
fn frame_shown(key: &str) -> &str {
    match key.split_once(':') {
        Some((file, function))
            if file.contains('.')
                && file
                    .split('.')
                    .next()
                    .is_some_and(|stem| !stem.is_empty() && function.contains(stem)) =>
        {
            function
        }
        _ => key,
    }
}

/// Side-by-side sparklines of both versions over one time axis.
fn histogram_lines(l: &mut Vec<Line>, g: &GroupReport, r: &Report, t: &Theme) {
    let (Some(from), Some(to)) = (
        [&r.previous.first_seen, &r.current.first_seen]
            .into_iter()
            .flatten()
            .filter_map(|x| parse_ms(x))
            .min(),
        [&r.previous.last_seen, &r.current.last_seen]
            .into_iter()
            .flatten()
            .filter_map(|x| parse_ms(x))
            .max(),
    ) else {
        return;
    };
    const W: usize = 32;
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let row = |h: &Option<logtriage::histogram::Histogram>| -> String {
        let Some(h) = h else { return "·".repeat(W) };
        let bins = h.rebin(from, to + 1, W);
        let max = bins.iter().copied().max().unwrap_or(0).max(1);
        bins.iter()
            .map(|&c| {
                if c == 0 {
                    '·'
                } else {
                    BARS[((c * 7) / max) as usize]
                }
            })
            .collect()
    };
    l.push(Line::from(Span::styled(
        format!(
            "Over time ({} – {})",
            short_time(&logtriage::input::time::format_ms(from)),
            short_time(&logtriage::input::time::format_ms(to))
        ),
        t.heading(),
    )));
    l.push(Line::from(format!("before {}", row(&g.previous.histogram))));
    l.push(Line::from(format!("now    {}", row(&g.current.histogram))));
}

fn parse_ms(ts: &str) -> Option<i64> {
    logtriage::input::time::parse_timestamp(ts)
}

fn draw_footer(f: &mut Frame, area: Rect, s: &State, t: &Theme) {
    let line = match &s.mode {
        Mode::Search => Line::from(vec![
            Span::styled("/", Style::default().add_modifier(Modifier::BOLD)),
            Span::raw(display_safe(&s.search).into_owned()),
            Span::raw("▏"),
        ]),
        Mode::Input { kind, buffer } => Line::from(vec![
            Span::styled(
                format!("{}: ", kind.prompt()),
                Style::default().add_modifier(Modifier::BOLD),
            ),
            Span::raw(display_safe(buffer).into_owned()),
            Span::raw("▏"),
        ]),
        _ => match &s.message {
            Some((m, Tone::Error)) => {
                Line::from(Span::styled(display_safe(m).into_owned(), t.alert()))
            }
            Some((m, Tone::Info)) => Line::from(display_safe(m).into_owned()),
            None => Line::from(Span::styled(
                s.keymap.hint_line(&s.mode, s.focus, area.width as usize),
                t.dim(),
            )),
        },
    };
    f.render_widget(Paragraph::new(line), area);
}

fn draw_help(f: &mut Frame, area: Rect, s: &State, filter: &str) {
    let needle = filter.to_lowercase();
    let mut lines: Vec<Line> = BOUND
        .iter()
        .enumerate()
        .map(|(i, b)| (s.keymap.label(i), b))
        .filter(|(keys, b)| {
            needle.is_empty()
                || keys.to_lowercase().contains(&needle)
                || b.what.to_lowercase().contains(&needle)
                || b.name.contains(&needle)
        })
        .map(|(keys, b)| {
            let ctx = match b.context {
                Context::Anywhere => "",
                Context::List => " (list)",
            };
            Line::from(vec![
                Span::styled(
                    format!(
                        "{:<16}",
                        if keys.is_empty() {
                            "(unbound)".to_string()
                        } else {
                            keys
                        }
                    ),
                    Style::default().add_modifier(Modifier::BOLD),
                ),
                Span::raw(format!("{}{ctx}", b.what)),
            ])
        })
        .collect();
    if lines.is_empty() {
        lines.push(Line::from("no key matches"));
    }
    let title = if filter.is_empty() {
        " Keys — type to filter, Esc closes ".to_string()
    } else {
        format!(" Keys matching {:?} ", display_safe(filter))
    };
    let rect = centered(area, 96, lines.len() as u16 + 2);
    f.render_widget(Clear, rect);
    f.render_widget(
        Paragraph::new(lines).block(Block::default().borders(Borders::ALL).title(title)),
        rect,
    );
}

fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width.saturating_sub(2)).max(1);
    let h = h.min(area.height.saturating_sub(2)).max(1);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}

fn draw_history(f: &mut Frame, area: Rect, s: &State) {
    let Some(g) = s.selected_group() else { return };
    let history = s
        .decisions
        .get(&g.fingerprint)
        .map(|d| d.history.as_slice())
        .unwrap_or(&[]);
    let mut lines: Vec<Line> = history
        .iter()
        .rev()
        .map(|c| {
            Line::from(vec![
                Span::styled(
                    format!("{} ", short_time(&c.at)),
                    Style::default().add_modifier(Modifier::BOLD),
                ),
                Span::raw(format!("{:<10} ", display_safe(&c.by))),
                Span::raw(display_safe(&c.op.describe()).into_owned()),
            ])
        })
        .collect();
    if lines.is_empty() {
        lines.push(Line::from("no decision recorded for this group yet"));
    }
    let title = format!(
        " History of {} — u undoes the newest, Esc closes ",
        g.fingerprint
    );
    let rect = centered(area, 90, lines.len() as u16 + 2);
    f.render_widget(Clear, rect);
    f.render_widget(
        Paragraph::new(lines).block(Block::default().borders(Borders::ALL).title(title)),
        rect,
    );
}

/// The filing preview: where the task goes, its parent, title, what was redacted or
/// trimmed, open duplicates, and the body as it will be sent.
fn draw_file_dialog(f: &mut Frame, area: Rect, dialog: &super::state::FileDialog, s: &State) {
    use super::state::FileStage;
    let bold = Style::default().add_modifier(Modifier::BOLD);
    let left = if dialog.queue.len() > 1 {
        format!(" ({} more after this)", dialog.queue.len() - 1)
    } else {
        String::new()
    };
    let (title, mut lines) = match &dialog.stage {
        FileStage::Preparing => (
            format!(" File a task{left} "),
            vec![Line::from(
                "drafting, finding the parent task and searching for duplicates…",
            )],
        ),
        FileStage::Filing => (
            format!(" File a task{left} "),
            vec![Line::from(
                "filing… (the intent is saved first; a lost answer is looked up, never resent)",
            )],
        ),
        FileStage::Preview {
            prepared: p,
            editing,
            scroll,
        } => {
            let field = |label: &str, value: String| {
                Line::from(vec![
                    Span::styled(format!("{label:<10}"), bold),
                    Span::raw(value),
                ])
            };
            let mut lines = vec![field("To", display_safe(&p.destination).into_owned())];
            lines.push(field(
                "Parent",
                p.parent.as_ref().map_or_else(
                    || "none configured".to_string(),
                    |t| format!("{} {}", t.id, display_safe(&t.title)),
                ),
            ));
            lines.push(match editing {
                Some(buffer) => Line::from(vec![
                    Span::styled(format!("{:<10}", "Title"), bold),
                    Span::styled(
                        format!("{}▏", display_safe(buffer)),
                        Style::default().add_modifier(Modifier::REVERSED),
                    ),
                ]),
                None => field("Title", display_safe(&p.title).into_owned()),
            });
            let summary = p.draft.redacted.summary();
            lines.push(field(
                "Redacted",
                if summary.is_empty() {
                    "nothing".to_string()
                } else {
                    summary
                },
            ));
            if let Some(t) = p.draft.trimmed() {
                lines.push(field("Trimmed", t.to_string()));
            }
            if let Some(task) = s
                .decisions
                .get(&p.fingerprint)
                .and_then(|d| d.task.as_ref())
            {
                lines.push(field(
                    "Has task",
                    format!(
                        "{} (filing replaces it with the new task)",
                        display_safe(task)
                    ),
                ));
            }
            if let Some(m) = &p.pending {
                lines.push(field(
                    "Pending",
                    format!("an earlier attempt ({m}) is looked up before anything is created"),
                ));
            }
            if !p.duplicates.is_empty() {
                lines.push(Line::from(Span::styled(
                    "Open tasks with the same title (l links the first instead of filing):",
                    bold,
                )));
                for d in p.duplicates.iter().take(3) {
                    lines.push(Line::from(format!(
                        "  {} {}",
                        display_safe(&d.id),
                        display_safe(&d.url)
                    )));
                }
            }
            lines.push(Line::from(""));
            let body: Vec<Line> = p
                .body
                .lines()
                .skip(*scroll as usize)
                .map(|l| Line::from(display_safe(l).into_owned()))
                .collect();
            lines.extend(body);
            (
                format!(
                    " File {}{left} — y file · e edit title · l link duplicate · n skip · j/k scroll · Esc ",
                    p.fingerprint
                ),
                lines,
            )
        }
    };
    let height = area.height.saturating_sub(4).max(3);
    lines.truncate(height as usize);
    let rect = centered(area, area.width.saturating_sub(6), height);
    f.render_widget(Clear, rect);
    f.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(Block::default().borders(Borders::ALL).title(title)),
        rect,
    );
}

fn draw_palette(f: &mut Frame, area: Rect, filter: &str, selected: usize) {
    let matches = super::keys::palette_matches(filter);
    let mut lines = vec![Line::from(vec![
        Span::styled(":", Style::default().add_modifier(Modifier::BOLD)),
        Span::raw(display_safe(filter).into_owned()),
        Span::raw("▏"),
    ])];
    let room = area.height.saturating_sub(5).max(1) as usize;
    let first = selected.saturating_sub(room - 1);
    for (i, c) in matches.iter().enumerate().skip(first).take(room) {
        let style = if i == selected {
            Style::default().add_modifier(Modifier::REVERSED)
        } else {
            Style::default()
        };
        lines.push(Line::from(Span::styled(format!(" {} ", c.name), style)));
    }
    if matches.is_empty() {
        lines.push(Line::from(" no command matches"));
    }
    let rect = centered(area, 40, lines.len() as u16 + 2);
    f.render_widget(Clear, rect);
    f.render_widget(
        Paragraph::new(lines).block(Block::default().borders(Borders::ALL).title(" Commands ")),
        rect,
    );
}
