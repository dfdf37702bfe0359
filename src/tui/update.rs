//! `update`: the only place the state changes. It answers each [`Action`] with the
//! [`Effect`]s (background work) to start; the runtime performs them and reports back.

use super::action::Action;
use super::state::{
    FileDialog, FileStage, Filing, InputKind, Load, Mode, Pane, Prepared, State, Tone,
};
use logtriage::decisions::{Mark, Op, is_task_reference};
use logtriage::diff::Status;
use std::time::Instant;

/// Background work asked for by `update`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// (Re)read the sources and rebuild the report.
    Load,
    /// Save one change to the decisions file.
    Save {
        fingerprint: String,
        title: String,
        op: Op,
    },
    /// Undo the last change to a group.
    Undo { fingerprint: String },
    /// A person's merges (`(fingerprint, into)`) and splits, saved in the decisions file;
    /// then the report is rebuilt with them.
    Regroup {
        merges: Vec<(String, String)>,
        splits: Vec<String>,
    },
    /// Write files next to the decisions file (the report for people in Markdown and
    /// HTML; task drafts when no tracker is configured): what they are, name and contents.
    Export {
        what: String,
        files: Vec<(String, String)>,
    },
    /// Put text on the terminal's clipboard (OSC 52).
    Clipboard(String),
    /// Find the parent task and duplicates for a drafted task.
    PrepareFiling {
        fingerprint: String,
        version: String,
        draft: Box<logtriage::task::TaskDraft>,
        /// The parent task when already looked up for this queue.
        parent: Option<Option<logtriage::filing::TaskRef>>,
    },
    /// File a previewed task (intent first, reconciled, never sent twice).
    File(Box<Prepared>),
    /// Ask the tracker whether these tasks (of known and ignored groups) are open.
    CheckTasks(Vec<String>),
}

const PAGE: usize = 10;

pub fn update(s: &mut State, action: Action) -> Vec<Effect> {
    match action {
        Action::Loaded(result) => loaded(s, result),
        Action::Saved(result) => {
            saved(s, result);
            vec![]
        }
        Action::Exported(result) => {
            s.message = Some(match result {
                Ok(what) => (what, Tone::Info),
                Err(e) => (e, Tone::Error),
            });
            vec![]
        }
        Action::FilingPrepared(result) => prepared(s, result),
        Action::Filed(result) => filed(s, result),
        Action::DecisionsReloaded(d) => {
            s.decisions = d;
            attach(s);
            s.refresh_rows();
            vec![]
        }
        Action::TaskStates(result) => {
            match result {
                Ok(states) => {
                    s.task_states = states;
                    attach(s);
                    s.refresh_rows();
                    let closed = s
                        .report
                        .as_ref()
                        .map_or(0, |r| r.closed_but_recurring().len());
                    if closed > 0 {
                        s.message = Some((
                            format!(
                                "{closed} known group(s) still occur but their task is closed: triage them again (search task:closed)"
                            ),
                            Tone::Error,
                        ));
                    }
                }
                Err(e) => s.message = Some((format!("could not check tasks: {e}"), Tone::Error)),
            }
            vec![]
        }
        Action::Resize | Action::Key(_) => vec![],
        a => match s.mode {
            Mode::Help { .. } => {
                help(s, a);
                vec![]
            }
            Mode::Search => {
                search(s, a);
                vec![]
            }
            Mode::Input { .. } => input(s, a),
            Mode::History => match a {
                Action::Undo => normal(s, Action::Undo),
                Action::Cancel | Action::ToggleHistory => {
                    s.mode = Mode::Normal;
                    vec![]
                }
                Action::Quit => {
                    s.quit = true;
                    vec![]
                }
                _ => vec![],
            },
            Mode::Palette { .. } => palette(s, a),
            Mode::File(_) => file_dialog(s, a),
            Mode::Normal => normal(s, a),
        },
    }
}

/// Puts the decisions, and the task states known from the tracker, on the report.
fn attach(s: &mut State) {
    if let Some(r) = &mut s.report {
        r.attach_decisions(&s.decisions);
        if !s.task_states.is_empty() {
            r.attach_task_states(|t| s.task_states.get(t).copied());
        }
    }
}

/// The tasks of known and ignored groups on screen, for the tracker to say which are closed.
fn tasks_to_check(s: &State) -> Vec<String> {
    let Some(r) = &s.report else {
        return Vec::new();
    };
    let mut tasks: Vec<String> = r
        .groups
        .iter()
        .filter_map(|g| g.decision.as_ref())
        .filter(|d| matches!(d.mark, Some(Mark::Known | Mark::Ignored)))
        .filter_map(|d| d.task.clone())
        .collect();
    tasks.sort();
    tasks.dedup();
    tasks
}

fn saved(s: &mut State, result: Result<logtriage::decisions::Decisions, String>) {
    match result {
        Ok(d) => {
            s.decisions = d;
            attach(s);
            s.refresh_rows();
            s.message = Some((
                format!("saved to {}", s.decisions_path.display()),
                Tone::Info,
            ));
        }
        Err(e) => s.message = Some((e, Tone::Error)),
    }
}

fn help(s: &mut State, a: Action) {
    let Mode::Help { filter } = &mut s.mode else {
        return;
    };
    match a {
        Action::Type(c) => filter.push(c),
        Action::Backspace => {
            filter.pop();
        }
        Action::Cancel | Action::ToggleHelp | Action::Submit => s.mode = Mode::Normal,
        Action::Quit => s.quit = true,
        _ => {}
    }
}

fn search(s: &mut State, a: Action) {
    match a {
        Action::Type(c) => {
            s.search.push(c);
            s.refresh_rows();
        }
        Action::Backspace => {
            s.search.pop();
            s.refresh_rows();
        }
        Action::Submit => s.mode = Mode::Normal,
        Action::Cancel => {
            s.search.clear();
            s.mode = Mode::Normal;
            s.refresh_rows();
        }
        _ => {}
    }
}

fn palette(s: &mut State, a: Action) -> Vec<Effect> {
    let Mode::Palette { filter, selected } = &mut s.mode else {
        return vec![];
    };
    let n = super::keys::palette_matches(filter).len();
    match a {
        Action::Type(c) => {
            filter.push(c);
            *selected = 0;
        }
        Action::Backspace => {
            filter.pop();
            *selected = 0;
        }
        Action::Up => *selected = selected.saturating_sub(1),
        Action::Down => *selected = (*selected + 1).min(n.saturating_sub(1)),
        Action::Cancel => s.mode = Mode::Normal,
        Action::Submit => {
            let chosen = super::keys::palette_matches(filter)
                .get(*selected)
                .map(|c| (c.action)());
            s.mode = Mode::Normal;
            if let Some(action) = chosen {
                return update(s, action);
            }
        }
        _ => {}
    }
    vec![]
}

/// Palette "merge marked into this group": every fingerprint of the marked groups joins
/// the selected group in every later run.
fn merge_marked(s: &mut State) -> Vec<Effect> {
    let Some(into) = s.selected_group().map(|g| g.fingerprint.clone()) else {
        s.message = Some(("no group selected".into(), Tone::Error));
        return vec![];
    };
    let merges: Vec<(String, String)> = s
        .targets()
        .iter()
        .filter(|g| g.fingerprint != into && s.selection.contains(&g.fingerprint))
        .flat_map(|g| {
            g.members
                .iter()
                .map(|m| (m.fingerprint.clone(), into.clone()))
        })
        .collect();
    if merges.is_empty() {
        s.message = Some((
            "mark the groups to merge (space), then select the one they join".into(),
            Tone::Error,
        ));
        return vec![];
    }
    s.selection.clear();
    vec![Effect::Regroup {
        merges,
        splits: Vec::new(),
    }]
}

/// Palette "split group by fingerprint": each becomes a group of its own.
fn split_group(s: &mut State) -> Vec<Effect> {
    let Some(g) = s.selected_group() else {
        s.message = Some(("no group selected".into(), Tone::Error));
        return vec![];
    };
    if g.members.len() < 2 {
        s.message = Some((
            "this group has one fingerprint: nothing to split".into(),
            Tone::Error,
        ));
        return vec![];
    }
    let splits = g.members.iter().map(|m| m.fingerprint.clone()).collect();
    vec![Effect::Regroup {
        merges: Vec::new(),
        splits,
    }]
}

/// `F`: drafts a task per targeted group; files them in the tracker one by one after a
/// preview, or writes them to files when no tracker is configured.
fn start_filing(s: &mut State) -> Vec<Effect> {
    let targets: Vec<String> = s.targets().iter().map(|g| g.fingerprint.clone()).collect();
    let Some(r) = &s.report else {
        return vec![];
    };
    if targets.is_empty() {
        s.message = Some(("no group selected".into(), Tone::Error));
        return vec![];
    }
    match &s.filing {
        Filing::Broken(e) => {
            s.message = Some((format!("cannot file: {e}"), Tone::Error));
            vec![]
        }
        Filing::ToFiles => {
            let version = &r.current.version;
            let mut files = Vec::new();
            for g in r.groups.iter().filter(|g| targets.contains(&g.fingerprint)) {
                let d = logtriage::task::draft(g, version, &s.code_links);
                let text = format!(
                    "{}\n\n{}",
                    d.title,
                    d.body(logtriage::task::Markup::Remarkup)
                );
                files.push((format!("task-{}.txt", g.fingerprint), text));
            }
            let last = files.last().map(|(_, t)| t.clone()).unwrap_or_default();
            vec![
                Effect::Export {
                    what: "no tracker configured: task (also on the clipboard)".into(),
                    files,
                },
                Effect::Clipboard(last),
            ]
        }
        Filing::Tracker(_) => {
            let first = targets[0].clone();
            s.mode = Mode::File(Box::new(FileDialog {
                queue: targets,
                stage: FileStage::Preparing,
                parent: None,
            }));
            prepare(s, &first)
        }
    }
}

/// The effect that drafts group `fingerprint`'s task and looks up its parent and duplicates.
fn prepare(s: &State, fingerprint: &str) -> Vec<Effect> {
    let Some(r) = &s.report else {
        return vec![];
    };
    let Some(g) = r.groups.iter().find(|g| g.fingerprint == fingerprint) else {
        return vec![];
    };
    let parent = match &s.mode {
        Mode::File(d) => d.parent.clone(),
        _ => None,
    };
    vec![Effect::PrepareFiling {
        fingerprint: fingerprint.to_string(),
        version: r.current.version.clone(),
        draft: Box::new(logtriage::task::draft(g, &r.current.version, &s.code_links)),
        parent,
    }]
}

fn prepared(s: &mut State, result: Result<Box<Prepared>, String>) -> Vec<Effect> {
    let Mode::File(dialog) = &mut s.mode else {
        return vec![];
    };
    match result {
        Ok(p)
            if dialog.stage == FileStage::Preparing
                && dialog.queue.first() == Some(&p.fingerprint) =>
        {
            dialog.parent = Some(p.parent.clone());
            dialog.stage = FileStage::Preview {
                prepared: p,
                editing: None,
                scroll: 0,
            };
        }
        Ok(_) => {}
        // A group filed before is skipped; the others still get their preview.
        Err(e) if e.starts_with(super::state::ALREADY_FILED) => {
            let fp = dialog.queue.first().cloned().unwrap_or_default();
            s.message = Some((format!("{fp}: {e}"), Tone::Info));
            return next_filing(s);
        }
        // The tracker cannot be reached or refused: stop, nothing more is asked.
        Err(e) => {
            s.mode = Mode::Normal;
            s.message = Some((format!("cannot file: {e}"), Tone::Error));
        }
    }
    vec![]
}

fn filed(
    s: &mut State,
    result: Result<(String, logtriage::decisions::Decisions), String>,
) -> Vec<Effect> {
    match result {
        Ok((message, d)) => {
            saved(s, Ok(d));
            s.message = Some((message, Tone::Info));
            next_filing(s)
        }
        Err(e) => {
            s.mode = Mode::Normal;
            s.message = Some((e, Tone::Error));
            vec![]
        }
    }
}

/// Moves to the next group to file, or closes the dialog.
fn next_filing(s: &mut State) -> Vec<Effect> {
    let Mode::File(dialog) = &mut s.mode else {
        return vec![];
    };
    if !dialog.queue.is_empty() {
        dialog.queue.remove(0);
    }
    match dialog.queue.first().cloned() {
        Some(next) => {
            dialog.stage = FileStage::Preparing;
            prepare(s, &next)
        }
        None => {
            s.mode = Mode::Normal;
            vec![]
        }
    }
}

/// Keys in the filing dialog: `y`/Enter files, `e` edits the title, `l` links the first
/// duplicate instead, `n` skips, `j`/`k` scroll, Esc closes.
fn file_dialog(s: &mut State, a: Action) -> Vec<Effect> {
    let Mode::File(dialog) = &mut s.mode else {
        return vec![];
    };
    let FileStage::Preview {
        prepared,
        editing,
        scroll,
    } = &mut dialog.stage
    else {
        match (&dialog.stage, a) {
            (FileStage::Preparing, Action::Cancel) => s.mode = Mode::Normal,
            (FileStage::Filing, Action::Cancel) => {
                s.message = Some((
                    "waiting for the tracker's answer (it is never sent twice)".into(),
                    Tone::Info,
                ));
            }
            _ => {}
        }
        return vec![];
    };
    if let Some(buffer) = editing {
        match a {
            Action::Type(c) => buffer.push(c),
            Action::Backspace => {
                buffer.pop();
            }
            Action::Submit => {
                let title = buffer.trim().to_string();
                if !title.is_empty() {
                    prepared.title = title;
                }
                *editing = None;
            }
            Action::Cancel => *editing = None,
            _ => {}
        }
        return vec![];
    }
    match a {
        Action::Type('y') | Action::Submit => {
            let p = prepared.clone();
            dialog.stage = FileStage::Filing;
            return vec![Effect::File(p)];
        }
        Action::Type('e') => *editing = Some(prepared.title.clone()),
        Action::Type('l') => match prepared.duplicates.first() {
            Some(dup) => {
                let effect = Effect::Save {
                    fingerprint: prepared.fingerprint.clone(),
                    title: prepared.title.clone(),
                    op: Op::SetTask {
                        task: Some(dup.url.clone()),
                    },
                };
                let mut effects = vec![effect];
                effects.extend(next_filing(s));
                return effects;
            }
            None => s.message = Some(("no duplicate to link".into(), Tone::Error)),
        },
        Action::Type('n') => return next_filing(s),
        Action::Type('j') | Action::Down => *scroll = scroll.saturating_add(1),
        Action::Type('k') | Action::Up => *scroll = scroll.saturating_sub(1),
        Action::Cancel => s.mode = Mode::Normal,
        _ => {}
    }
    vec![]
}

fn input(s: &mut State, a: Action) -> Vec<Effect> {
    let Mode::Input { kind, buffer } = &mut s.mode else {
        return vec![];
    };
    match a {
        Action::Type(c) => buffer.push(c),
        Action::Backspace => {
            buffer.pop();
        }
        Action::Cancel => s.mode = Mode::Normal,
        Action::Submit => {
            let (kind, text) = (*kind, buffer.trim().to_string());
            s.mode = Mode::Normal;
            return submit_input(s, kind, &text);
        }
        _ => {}
    }
    vec![]
}

fn normal(s: &mut State, a: Action) -> Vec<Effect> {
    let n = s.rows.len();
    match a {
        Action::Up if s.focus == Pane::Detail => {
            s.detail_scroll = s.detail_scroll.saturating_sub(1)
        }
        Action::Down if s.focus == Pane::Detail => {
            s.detail_scroll = s.detail_scroll.saturating_add(1)
        }
        Action::Up => select(s, s.selected.saturating_sub(1)),
        Action::Down => select(s, (s.selected + 1).min(n.saturating_sub(1))),
        Action::PageUp => select(s, s.selected.saturating_sub(PAGE)),
        Action::PageDown => select(s, (s.selected + PAGE).min(n.saturating_sub(1))),
        Action::Top => select(s, 0),
        Action::Bottom => select(s, n.saturating_sub(1)),
        Action::SwitchPane => {
            s.focus = if s.focus == Pane::List {
                Pane::Detail
            } else {
                Pane::List
            };
        }
        Action::ToggleSelect => {
            if let Some(fp) = s.selected_group().map(|g| g.fingerprint.clone())
                && !s.selection.remove(&fp)
            {
                s.selection.insert(fp);
            }
            select(s, (s.selected + 1).min(n.saturating_sub(1)));
        }
        Action::StartSearch => s.mode = Mode::Search,
        Action::CycleFilter => {
            s.status_filter = match s.status_filter {
                None => Some(Status::New),
                Some(Status::New) => Some(Status::Regressed),
                Some(Status::Regressed) => Some(Status::Gone),
                Some(Status::Gone) => Some(Status::Improved),
                Some(Status::Improved) => Some(Status::Steady),
                Some(Status::Steady) => None,
            };
            s.refresh_rows();
        }
        Action::CycleSort => {
            s.sort = s.sort.next();
            s.refresh_rows();
        }
        Action::Mark(m) => return mark(s, m),
        Action::StartInput(kind) => {
            if s.targets().is_empty() {
                s.message = Some((no_target(s), Tone::Error));
            } else {
                s.mode = Mode::Input {
                    kind,
                    buffer: prefill(s, kind),
                };
            }
        }
        Action::Undo => match s.selected_group() {
            Some(g) => {
                return vec![Effect::Undo {
                    fingerprint: g.fingerprint.clone(),
                }];
            }
            None => s.message = Some(("no group selected".into(), Tone::Error)),
        },
        Action::Export => match &s.report {
            Some(r) => {
                let version: String = r
                    .current
                    .version
                    .chars()
                    .map(|c| {
                        if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                            c
                        } else {
                            '_'
                        }
                    })
                    .collect();
                use logtriage::report::OutputFormat;
                // What leaves the machine is redacted; the screen shows the logs as they are.
                let mut r = r.clone();
                r.redact();
                return vec![Effect::Export {
                    what: "report".into(),
                    files: vec![
                        (
                            format!("logtriage-report-{version}.md"),
                            r.render(OutputFormat::Markdown),
                        ),
                        (
                            format!("logtriage-report-{version}.html"),
                            r.render(OutputFormat::Html),
                        ),
                    ],
                }];
            }
            None => s.message = Some(("nothing to export yet".into(), Tone::Error)),
        },
        Action::StartFiling => return start_filing(s),
        Action::MergeMarked => return merge_marked(s),
        Action::SplitGroup => return split_group(s),
        Action::Regrouped(result) => {
            s.message = Some(match result {
                Ok(m) => (m, Tone::Info),
                Err(e) => (e, Tone::Error),
            });
            if !matches!(s.load, Load::Loading { .. }) {
                s.load = Load::Loading {
                    since: Instant::now(),
                };
                return vec![Effect::Load];
            }
        }
        Action::Refresh if !matches!(s.load, Load::Loading { .. }) => {
            s.load = Load::Loading {
                since: Instant::now(),
            };
            return vec![Effect::Load];
        }
        Action::ToggleHistory if s.selected_group().is_some() => s.mode = Mode::History,
        Action::OpenPalette => {
            s.mode = Mode::Palette {
                filter: String::new(),
                selected: 0,
            };
        }
        Action::SetSort(sort) => {
            s.sort = sort;
            s.refresh_rows();
        }
        Action::SetFilter(status) => {
            s.status_filter = status;
            s.refresh_rows();
        }
        Action::ToggleHelp => {
            s.mode = Mode::Help {
                filter: String::new(),
            }
        }
        Action::Quit => s.quit = true,
        Action::Cancel => {
            s.message = None;
            s.selection.clear();
        }
        _ => {}
    }
    vec![]
}

fn select(s: &mut State, i: usize) {
    if s.selected != i {
        s.selected = i;
        s.detail_scroll = 0;
    }
}

fn loaded(s: &mut State, result: Result<Box<logtriage::report::Report>, String>) -> Vec<Effect> {
    match result {
        Ok(r) => {
            s.fresh = match &s.report {
                Some(old) => {
                    let known: std::collections::HashSet<&str> =
                        old.groups.iter().map(|g| g.fingerprint.as_str()).collect();
                    r.groups
                        .iter()
                        .filter(|g| !known.contains(g.fingerprint.as_str()))
                        .map(|g| g.fingerprint.clone())
                        .collect()
                }
                None => Default::default(),
            };
            if !s.fresh.is_empty() {
                s.message = Some((
                    format!(
                        "{} group(s) appeared since the last refresh (marked ★)",
                        s.fresh.len()
                    ),
                    Tone::Info,
                ));
            }
            s.report = Some(*r);
            attach(s);
            s.load = Load::Ready;
            s.refresh_rows();
            let tasks = tasks_to_check(s);
            if matches!(s.filing, Filing::Tracker(_)) && !tasks.is_empty() {
                return vec![Effect::CheckTasks(tasks)];
            }
        }
        // The last good report stays on screen; the header says the data is stale.
        Err(e) => s.load = Load::Failed(e),
    }
    vec![]
}

/// `b`, `p`, `K`, `i`, `x`: set the mark on the target groups, or clear it when they all
/// have it already. Marking one group known without a task asks for the task.
/// Why there is nothing to decide on: the decisions file's own refusal for the overflow
/// group (said before anything is tried), else no group.
fn no_target(s: &State) -> String {
    match s.selected_group().filter(|g| g.overflow) {
        Some(g) => logtriage::decisions::DecisionsError::Overflow {
            fingerprint: g.fingerprint.clone(),
        }
        .to_string(),
        None => "no group selected".to_string(),
    }
}

fn mark(s: &mut State, m: Mark) -> Vec<Effect> {
    let current = s
        .report
        .as_ref()
        .map(|r| r.current.version.clone())
        .unwrap_or_default();
    let targets = s.targets();
    if targets.is_empty() {
        s.message = Some((no_target(s), Tone::Error));
        return vec![];
    }
    let all_have = targets
        .iter()
        .all(|g| g.decision.as_ref().and_then(|d| d.mark) == Some(m));
    let op = if all_have {
        Op::SetMark {
            mark: None,
            train: None,
        }
    } else {
        Op::SetMark {
            mark: Some(m),
            train: m.is_per_train().then_some(current),
        }
    };
    let ask_task = !all_have
        && m == Mark::Known
        && targets.len() == 1
        && targets[0]
            .decision
            .as_ref()
            .is_none_or(|d| d.task.is_none());
    let effects = targets
        .iter()
        .map(|g| Effect::Save {
            fingerprint: g.fingerprint.clone(),
            title: g.title.clone(),
            op: op.clone(),
        })
        .collect();
    if ask_task {
        s.mode = Mode::Input {
            kind: InputKind::Task,
            buffer: String::new(),
        };
    }
    effects
}

fn prefill(s: &State, kind: InputKind) -> String {
    let d = s.selected_group().and_then(|g| g.decision.as_ref());
    match (kind, d) {
        (InputKind::Owner, Some(d)) if d.owner_team.is_some() || d.owner_person.is_some() => {
            format!(
                "{}/{}",
                d.owner_team.clone().unwrap_or_default(),
                d.owner_person.clone().unwrap_or_default()
            )
        }
        (InputKind::Task, Some(d)) => d.task.clone().unwrap_or_default(),
        _ => String::new(),
    }
}

fn submit_input(s: &mut State, kind: InputKind, text: &str) -> Vec<Effect> {
    let targets: Vec<(String, String)> = s
        .targets()
        .iter()
        .map(|g| (g.fingerprint.clone(), g.title.clone()))
        .collect();
    let none_if_empty = |v: &str| (!v.trim().is_empty()).then(|| v.trim().to_string());
    let ops = match kind {
        InputKind::Owner => {
            let (team, person) = match text.split_once('/') {
                Some((t, p)) => (none_if_empty(t), none_if_empty(p)),
                None => (none_if_empty(text), None),
            };
            vec![Op::SetOwner { team, person }]
        }
        InputKind::Task => {
            if !text.is_empty() && !is_task_reference(text) {
                s.message = Some((
                    format!("{text:?} is not a task: use T123456 or an http(s) URL"),
                    Tone::Error,
                ));
                return vec![];
            }
            vec![Op::SetTask {
                task: none_if_empty(text),
            }]
        }
        InputKind::Note => {
            if text.is_empty() {
                return vec![];
            }
            vec![Op::AddNote {
                text: text.to_string(),
            }]
        }
    };
    targets
        .iter()
        .flat_map(|(fingerprint, title)| {
            ops.iter().map(|op| Effect::Save {
                fingerprint: fingerprint.clone(),
                title: title.clone(),
                op: op.clone(),
            })
        })
        .collect()
}
