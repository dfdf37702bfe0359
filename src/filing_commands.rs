//! `logtriage file` and `logtriage known`: filing groups' tasks in the configured tracker
//! from the command line (preview, duplicate search, confirmation, at most one create a
//! second), writing them to files when no tracker is configured, and checking known groups'
//! tasks.

use crate::{
    DecisionStore, Failure, FileArgs, KnownArgs, Mark, Op, base64, config, display_safe, trackers,
    versioned_report_without_default_decisions,
};
use logtriage::filing::Tracker as _;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

/// A 16-hex-digit fingerprint that is not also the name of a file.
fn is_fingerprint_argument(s: &str) -> bool {
    s.len() == 16 && s.bytes().all(|b| b.is_ascii_hexdigit()) && !std::path::Path::new(s).exists()
}

pub fn cmd_file(mut a: FileArgs) -> Result<u8, Failure> {
    use logtriage::task::{CodeLinks, Markup};
    // `logtriage file FP... SOURCE...`: leading fingerprints are groups.
    let leading = a
        .input
        .sources
        .iter()
        .take_while(|s| is_fingerprint_argument(s))
        .count();
    a.groups.extend(a.input.sources.drain(..leading));
    if a.groups.is_empty() {
        return Err("name the groups to file: logtriage file FINGERPRINT... SOURCE...".into());
    }
    if a.input.sources.is_empty() {
        return Err(
            "give the sources after the fingerprints: logtriage file FINGERPRINT... SOURCE..."
                .into(),
        );
    }
    let cfg = config::load(a.input.read.config.as_deref())?;
    let links = CodeLinks::new(
        cfg.code_links
            .iter()
            .map(|r| (r.pattern.as_str(), r.url.as_str())),
    )?;
    if a.title.is_some() && a.groups.len() > 1 {
        return Err("--title names one task: give one --group".into());
    }
    let decisions = a
        .input
        .read
        .decisions
        .clone()
        .unwrap_or_else(|| PathBuf::from(logtriage::decisions::DEFAULT_FILE));
    // The decisions file may not exist yet: filing creates it.
    let mut report = versioned_report_without_default_decisions(&a.input, None, Some(&decisions))?;
    // Opened after the run: it may have moved decisions onto their groups.
    let mut store = DecisionStore::open(&decisions).map_err(|e| e.to_string())?;
    report.attach_decisions(&store.data);
    let version = report.current.version.clone();
    let mut groups = Vec::new();
    for fp in &a.groups {
        let g = report
            .groups
            .iter()
            .find(|g| &g.fingerprint == fp)
            .ok_or_else(|| {
                format!(
                    "no group {} in {} vs {}",
                    display_safe(fp),
                    report.current.version,
                    report.previous.version
                )
            })?;
        groups.push(g);
    }
    let tracker_cfg = cfg.tracker.as_ref().filter(|_| !a.to_file);
    let Some(tracker_cfg) = tracker_cfg else {
        let markup = match a.markup.as_str() {
            "remarkup" => Markup::Remarkup,
            "markdown" => Markup::Markdown,
            "jira" => Markup::JiraWiki,
            other => {
                return Err(format!(
                    "--markup {}: remarkup, markdown or jira",
                    display_safe(other)
                )
                .into());
            }
        };
        let drafts = groups
            .iter()
            .map(|g| {
                let mut d = logtriage::task::draft(g, &version, &links);
                if let Some(t) = &a.title {
                    d.title = display_safe(t).into_owned();
                }
                (g.fingerprint.clone(), d)
            })
            .collect::<Vec<_>>();
        return write_task_files(&drafts, markup, &a.out);
    };
    let opened = trackers::open(tracker_cfg).map_err(|e| Failure(e, 2))?;
    let tracker = logtriage::filing::PacedCreates::new(opened.as_ref(), CREATE_INTERVAL);
    let who = logtriage::decisions::current_user();
    // Looked up when the first task needs it.
    let mut parent_lookup = None;
    let interactive = std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
    let mut code = 0;
    for g in groups {
        let mut draft = logtriage::task::draft(g, &version, &links);
        let mut title = a
            .title
            .as_deref()
            .map_or_else(|| draft.title.clone(), |t| display_safe(t).into_owned());
        if let Some(task) = &a.link {
            if !logtriage::decisions::is_task_reference(task) {
                return Err(format!(
                    "--link {}: give the task's URL or a Phabricator id like T123456",
                    display_safe(task)
                )
                .into());
            }
            logtriage::filing::link(
                &mut store,
                &g.fingerprint,
                &g.title,
                &logtriage::filing::TaskRef {
                    id: task.clone(),
                    url: task.clone(),
                    title: title.clone(),
                    open: true,
                    handle: task.clone(),
                },
                &who,
            )
            .map_err(|e| e.to_string())?;
            println!("{}: linked to {}", g.fingerprint, display_safe(task));
            continue;
        }
        if let Some(f) = store
            .data
            .get(&g.fingerprint)
            .and_then(|d| d.filing.clone())
            && f.tracker == tracker.name()
        {
            if let Some(t) = f.task {
                println!("{}: already filed as {t}", g.fingerprint);
                continue;
            }
            // An earlier attempt's answer was lost: find its task before anything else.
            match logtriage::filing::reconcile(&tracker, &mut store, &g.fingerprint, &title, &who) {
                Ok(Some(t)) => {
                    println!(
                        "{}: found the task an earlier attempt had filed: {} {}",
                        g.fingerprint, t.id, t.url
                    );
                    continue;
                }
                Ok(None) => eprintln!(
                    "{}: an earlier attempt (filing id {}) left no task in the tracker; filing again with the same id",
                    g.fingerprint, f.marker
                ),
                Err(e) => {
                    eprintln!("{}: {e}", g.fingerprint);
                    code = 2;
                    continue;
                }
            }
        }
        if parent_lookup.is_none() {
            parent_lookup = Some(tracker.parent(&version).map_err(|e| {
                Failure(
                    format!("{e}; nothing was filed (the parent task is where blockers go)"),
                    2,
                )
            })?);
        }
        let parent = parent_lookup.clone().flatten();
        draft.fit(tracker.markup(), tracker.body_limit());
        eprintln!("── {} ──", g.fingerprint);
        eprintln!("to: {}", tracker.destination());
        if let Some(p) = &parent {
            eprintln!("parent: {} {}", p.id, display_safe(&p.title));
        }
        eprintln!("title: {title}");
        eprintln!(
            "redacted: {}",
            match draft.redacted.summary() {
                s if s.is_empty() => "nothing".to_string(),
                s => s,
            }
        );
        if let Some(t) = draft.trimmed() {
            eprintln!("trimmed: {t}");
        }
        eprintln!("\n{}", draft.body(tracker.markup()));
        let dups = logtriage::filing::duplicates(&tracker, &title)
            .map_err(|e| Failure(format!("{e}; nothing was filed"), 2))?;
        if !dups.is_empty() && !a.duplicate_ok {
            eprintln!("open tasks with the same title:");
            for d in &dups {
                eprintln!("  {} {}", d.id, d.url);
            }
            eprintln!(
                "{}: not filed; link one with --link {} or file anyway with --duplicate-ok",
                g.fingerprint, dups[0].url
            );
            code = code.max(1);
            continue;
        }
        let go = if a.yes {
            true
        } else if interactive {
            loop {
                eprint!("file \"{title}\"? [y]es, [n]o, [e]dit the title: ");
                match read_answer()?.as_str() {
                    "y" | "Y" | "yes" => break true,
                    "e" | "E" => {
                        eprint!("title: ");
                        let t = read_answer()?;
                        if !t.is_empty() {
                            title = display_safe(&t).into_owned();
                        }
                    }
                    _ => break false,
                }
            }
        } else {
            eprintln!("{}: preview only; add --yes to file it", g.fingerprint);
            false
        };
        if !go {
            continue;
        }
        match logtriage::filing::file(
            &tracker,
            &mut store,
            &g.fingerprint,
            &title,
            draft,
            parent.as_ref(),
            &who,
        ) {
            Ok(outcome) => {
                let t = outcome.task();
                let how = match &outcome {
                    logtriage::filing::Outcome::Filed(_) => "filed",
                    logtriage::filing::Outcome::Reconciled(_) => {
                        "found the task an earlier attempt had filed:"
                    }
                };
                println!("{}: {how} {} {}", g.fingerprint, t.id, t.url);
                if let logtriage::filing::Outcome::Filed(c) = &outcome
                    && let Some(w) = &c.warning
                {
                    eprintln!("warning: {w}");
                    code = code.max(1);
                }
            }
            Err(e) => {
                eprintln!("{}: {e}", g.fingerprint);
                code = 2;
            }
        }
    }
    Ok(code)
}

/// The shortest time between two create requests to a tracker.
const CREATE_INTERVAL: std::time::Duration = std::time::Duration::from_secs(1);

/// One line typed by the user, trimmed.
fn read_answer() -> Result<String, Failure> {
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .map_err(|e| format!("cannot read the answer: {e}"))?;
    Ok(line.trim().to_string())
}

/// No tracker: each task goes to `task-FINGERPRINT.txt` in `out`, and the last one to the
/// clipboard by OSC 52 when stdout is a terminal.
fn write_task_files(
    drafts: &[(String, logtriage::task::TaskDraft)],
    markup: logtriage::task::Markup,
    out: &std::path::Path,
) -> Result<u8, Failure> {
    let mut last = None;
    for (fp, t) in drafts {
        let path = out.join(format!("task-{fp}.txt"));
        let text = format!("{}\n\n{}", t.title, t.body(markup));
        logtriage::decisions::write_atomic(&path, text.as_bytes())
            .map_err(|e| format!("cannot write the task: {e}"))?;
        let redacted = match t.redacted.summary() {
            s if s.is_empty() => "nothing redacted".to_string(),
            s => format!("redacted {s}"),
        };
        eprintln!(
            "{fp}: no tracker configured; task \"{}\" written to {} ({redacted})",
            display_safe(&t.title),
            path.display()
        );
        last = Some(text);
    }
    if let Some(text) = last
        && std::io::stdout().is_terminal()
    {
        print!("\x1b]52;c;{}\x07", base64(text.as_bytes()));
        let _ = std::io::stdout().flush();
        eprintln!("the last task is on the clipboard (OSC 52, if the terminal allows it)");
    }
    Ok(0)
}

pub fn cmd_known(a: KnownArgs) -> Result<u8, Failure> {
    let mut store = DecisionStore::open(&a.decisions).map_err(|e| e.to_string())?;
    let known: Vec<(String, logtriage::decisions::Decision)> = store
        .data
        .decisions
        .iter()
        .filter(|(_, d)| matches!(d.mark, Some(Mark::Known | Mark::Ignored)))
        .map(|(fp, d)| (fp.clone(), d.clone()))
        .collect();
    let tracker = if a.check {
        let cfg = config::load(a.config.as_deref())?;
        let t = cfg
            .tracker
            .as_ref()
            .ok_or("known --check: no [tracker] in the config")?;
        Some(trackers::open(t).map_err(|e| Failure(e, 2))?)
    } else {
        None
    };
    let who = logtriage::decisions::current_user();
    let (mut closed, mut failed) = (0, 0);
    for (fp, d) in &known {
        let mark = d.mark.map_or("", Mark::as_str);
        let title = display_safe(d.title.as_deref().unwrap_or("")).into_owned();
        let Some(task) = &d.task else {
            println!("{fp}  {mark:<7}  no task      {title}");
            continue;
        };
        let task_shown = display_safe(task).into_owned();
        let state = match &tracker {
            None => "",
            Some(t) => match t.is_open(task) {
                Ok(Some(true)) => "open",
                Ok(Some(false)) => {
                    closed += 1;
                    "CLOSED"
                }
                Ok(None) => "not this tracker's",
                Err(e) => {
                    failed += 1;
                    eprintln!("{fp}: {e}");
                    "unknown"
                }
            },
        };
        println!("{fp}  {mark:<7}  {task_shown}  {state}  {title}");
        if state == "CLOSED" && a.untriage {
            store
                .apply(
                    fp,
                    None,
                    &Op::SetMark {
                        mark: None,
                        train: None,
                    },
                    &who,
                )
                .map_err(|e| e.to_string())?;
            store
                .apply(
                    fp,
                    None,
                    &Op::AddNote {
                        text: format!("{task_shown} is closed: back to untriaged (was {mark})"),
                    },
                    &who,
                )
                .map_err(|e| e.to_string())?;
            println!("{fp}: cleared the mark; it shows as untriaged when it recurs");
        }
    }
    if tracker.is_some() {
        eprintln!(
            "{} known/ignored group(s): {closed} with a closed task{}",
            known.len(),
            if failed > 0 {
                format!(", {failed} not checked (tracker errors)")
            } else {
                String::new()
            }
        );
    }
    Ok(if failed > 0 {
        2
    } else if closed > 0 && !a.untriage {
        1
    } else {
        0
    })
}
