//! The runtime: owns the terminal, turns input into actions, runs `update`, draws, and
//! performs effects in background tasks (loading, saving, exporting) so the UI never
//! blocks. The terminal is restored on quit, on error and on panic.

use super::action::Action;
use super::state::{Load, Prepared, State};
use super::update::{Effect, update};
use super::view;
use crossterm::event::{self, Event, KeyEventKind};
use crossterm::execute;
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use logtriage::decisions::{DecisionStore, current_user};
use logtriage::filing::Tracker;
use logtriage::report::Report;
use ratatui::Terminal;
use ratatui::backend::{Backend, CrosstermBackend};
use std::io;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;
use tokio::sync::mpsc::{UnboundedSender, unbounded_channel};

/// Builds the report (reads every source): runs on a blocking thread.
/// It adds the events it reads to the counter it is given (progress).
pub type Loader = Arc<dyn Fn(&Arc<AtomicU64>) -> Result<Report, String> + Send + Sync>;

pub struct Options {
    pub source_label: String,
    pub decisions_path: PathBuf,
    pub loader: Loader,
    /// Where `e` writes the report.
    pub export_dir: PathBuf,
    /// `--follow`: refresh on this interval.
    pub follow: Option<Duration>,
    /// From the config's `[keys]`.
    pub keymap: super::keys::Keymap,
    /// From `[theme] color` and NO_COLOR.
    pub color: bool,
    /// From `[theme] high_contrast`.
    pub high_contrast: bool,
    /// The tracker `F` files in (`[tracker]`), if configured and usable.
    pub tracker: Option<Arc<dyn Tracker>>,
    /// What `F` does, for the state.
    pub filing: super::state::Filing,
    /// `[[code_links]]`.
    pub code_links: logtriage::task::CodeLinks,
}

/// Runs the TUI until the user quits.
pub fn run(mut opts: Options) -> Result<(), String> {
    let store = DecisionStore::open(&opts.decisions_path).map_err(|e| e.to_string())?;
    let mut state = State::new(
        opts.source_label.clone(),
        store.data,
        opts.decisions_path.clone(),
        opts.color,
    );
    state.keymap = std::mem::take(&mut opts.keymap);
    state.high_contrast = opts.high_contrast;
    state.filing = opts.filing.clone();
    state.code_links = opts.code_links.clone();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    install_panic_hook();
    enable_raw_mode().map_err(|e| format!("cannot use the terminal: {e}"))?;
    let mut stdout = io::stdout();
    if let Err(e) = execute!(stdout, EnterAlternateScreen) {
        restore();
        return Err(format!("cannot use the terminal: {e}"));
    }
    let result = Terminal::new(CrosstermBackend::new(io::stdout()))
        .map_err(|e| e.to_string())
        .and_then(|mut terminal| runtime.block_on(main_loop(&mut terminal, state, &opts)));
    restore();
    result
}

fn restore() {
    let _ = disable_raw_mode();
    let _ = execute!(io::stdout(), LeaveAlternateScreen, crossterm::cursor::Show);
}

fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        previous(info);
    }));
}

async fn main_loop<B: Backend>(
    terminal: &mut Terminal<B>,
    mut state: State,
    opts: &Options,
) -> Result<(), String>
where
    B::Error: std::fmt::Display,
{
    let (tx, mut rx) = unbounded_channel::<Action>();
    let progress = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    spawn_input(tx.clone(), stop.clone());
    perform(Effect::Load, &tx, opts, &progress);
    let mut tick = tokio::time::interval(Duration::from_millis(250));
    let mut follow = opts.follow.map(tokio::time::interval);
    if let Some(f) = follow.as_mut() {
        f.tick().await; // the first tick is immediate: the initial load covers it
    }
    #[cfg(unix)]
    let mut term_signal = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .map_err(|e| e.to_string())?;
    #[cfg(unix)]
    let mut hangup = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup())
        .map_err(|e| e.to_string())?;
    let result = loop {
        state.events_read = progress.load(Ordering::Relaxed);
        if let Err(e) = terminal.draw(|f| view::draw(f, &state)) {
            break Err(format!("cannot draw: {e}"));
        }
        #[cfg(unix)]
        let terminated = async {
            tokio::select! {
                _ = term_signal.recv() => {}
                _ = hangup.recv() => {}
            }
        };
        #[cfg(not(unix))]
        let terminated = std::future::pending::<()>();
        let action = tokio::select! {
            // SIGTERM / SIGHUP: leave cleanly (the terminal is restored by the caller).
            _ = terminated => break Ok(()),
            a = rx.recv() => a,
            _ = tick.tick(), if matches!(state.load, Load::Loading { .. }) => Some(Action::Resize),
            _ = async { follow.as_mut().expect("guarded").tick().await }, if follow.is_some() => Some(Action::Refresh),
        };
        let Some(action) = action else { break Ok(()) };
        let fresh_data = matches!(action, Action::Loaded(Ok(_)));
        if let Action::Key(k) = &action
            && k.modifiers
                .contains(crossterm::event::KeyModifiers::CONTROL)
            && k.code == crossterm::event::KeyCode::Char('z')
        {
            suspend(terminal);
            continue;
        }
        let action = match action {
            Action::Key(k) => match state.keymap.action_for(k, &state.mode) {
                Some(a) => a,
                None => continue,
            },
            a => a,
        };
        for effect in update(&mut state, action) {
            perform(effect, &tx, opts, &progress);
        }
        if fresh_data {
            state.loaded_at = Some(chrono::Local::now().format("%H:%M:%S").to_string());
        }
        if state.quit {
            break Ok(());
        }
    };
    stop.store(true, Ordering::Relaxed);
    result
}

/// Ctrl-Z: give the terminal back, stop like any job (`fg` resumes), then take it again.
fn suspend<B: Backend>(terminal: &mut Terminal<B>) {
    restore();
    #[cfg(unix)]
    // SAFETY: raise(3) with a valid signal number; the process stops until SIGCONT.
    unsafe {
        libc::raise(libc::SIGTSTP);
    }
    let _ = enable_raw_mode();
    let _ = execute!(io::stdout(), EnterAlternateScreen);
    let _ = terminal.clear();
}

/// A thread that polls the terminal and forwards key presses as actions, per the keymap
/// of the state's current mode (which the thread does not see: it sends raw keys through
/// a translation done on the main loop side).
fn spawn_input(tx: UnboundedSender<Action>, stop: Arc<AtomicBool>) {
    let mode_tx = tx;
    std::thread::spawn(move || {
        while !stop.load(Ordering::Relaxed) {
            match event::poll(Duration::from_millis(100)) {
                Ok(true) => match event::read() {
                    Ok(Event::Key(k)) if k.kind != KeyEventKind::Release => {
                        if mode_tx.send(Action::Key(k)).is_err() {
                            break;
                        }
                    }
                    Ok(Event::Resize(..)) => {
                        let _ = mode_tx.send(Action::Resize);
                    }
                    Ok(_) => {}
                    Err(_) => break,
                },
                Ok(false) => {}
                Err(_) => break,
            }
        }
    });
}

/// Drafts what the filing preview shows: the body in the tracker's markup (trimmed to its
/// limit), the parent task, open duplicates, and a pending earlier attempt.
fn prepare_filing(
    tracker: &dyn Tracker,
    decisions: &std::path::Path,
    fingerprint: String,
    version: &str,
    mut draft: logtriage::task::TaskDraft,
    known_parent: Option<Option<logtriage::filing::TaskRef>>,
) -> Result<Box<Prepared>, String> {
    let store = DecisionStore::open(decisions).map_err(|e| e.to_string())?;
    if let Some(task) = store
        .data
        .get(&fingerprint)
        .and_then(|d| d.filing.as_ref())
        .filter(|f| f.tracker == tracker.name())
        .and_then(|f| f.task.clone())
    {
        return Err(format!("{}{task}", super::state::ALREADY_FILED));
    }
    let pending = logtriage::filing::pending(&store, tracker, &fingerprint).map(|f| f.marker);
    let parent = match known_parent {
        Some(p) => p,
        None => tracker.parent(version).map_err(|e| e.to_string())?,
    };
    let title = draft.title.clone();
    let duplicates = logtriage::filing::duplicates(tracker, &title).map_err(|e| e.to_string())?;
    draft.fit(tracker.markup(), tracker.body_limit());
    Ok(Box::new(Prepared {
        body: draft.body(tracker.markup()),
        fingerprint,
        title,
        draft,
        destination: tracker.destination(),
        parent,
        duplicates,
        pending,
    }))
}

/// Runs an effect in the background and reports its result as an action.
fn perform(
    effect: Effect,
    tx: &UnboundedSender<Action>,
    opts: &Options,
    progress: &Arc<AtomicU64>,
) {
    let tx = tx.clone();
    match effect {
        Effect::Load => {
            let loader = opts.loader.clone();
            let progress = progress.clone();
            progress.store(0, Ordering::Relaxed);
            let decisions = opts.decisions_path.clone();
            tokio::task::spawn_blocking(move || {
                let loaded = loader(&progress).map(Box::new);
                // Other instances may have changed decisions meanwhile.
                match DecisionStore::open(&decisions) {
                    Ok(store) => {
                        let _ = tx.send(Action::DecisionsReloaded(store.data));
                    }
                    Err(e) => {
                        let _ = tx.send(Action::Saved(Err(e.to_string())));
                    }
                }
                let _ = tx.send(Action::Loaded(loaded));
            });
        }
        Effect::Save {
            fingerprint,
            title,
            op,
        } => {
            let path = opts.decisions_path.clone();
            tokio::task::spawn_blocking(move || {
                let result = DecisionStore::open(&path)
                    .and_then(|mut s| {
                        s.apply(&fingerprint, Some(&title), &op, &current_user())
                            .map(|_| s.data)
                    })
                    .map_err(|e| e.to_string());
                let _ = tx.send(Action::Saved(result));
            });
        }
        Effect::Undo { fingerprint } => {
            let path = opts.decisions_path.clone();
            tokio::task::spawn_blocking(move || {
                let result = DecisionStore::open(&path)
                    .and_then(|mut s| s.undo(&fingerprint, &current_user()).map(|_| s.data))
                    .map_err(|e| e.to_string());
                let _ = tx.send(Action::Saved(result));
            });
        }
        Effect::Regroup { merges, splits } => {
            let path = opts.decisions_path.clone();
            tokio::task::spawn_blocking(move || {
                let who = current_user();
                let result = DecisionStore::open(&path)
                    .and_then(|mut store| {
                        for (fp, into) in &merges {
                            store.merge(fp, into, &who)?;
                        }
                        for fp in &splits {
                            store.split(fp, &who)?;
                        }
                        Ok(if merges.is_empty() {
                            format!("split into {} groups: regrouping", splits.len())
                        } else {
                            format!("{} fingerprint(s) merged: regrouping", merges.len())
                        })
                    })
                    .map_err(|e| e.to_string());
                let _ = tx.send(Action::Regrouped(result));
            });
        }
        Effect::Export { what, files } => {
            let dir = opts.export_dir.clone();
            tokio::task::spawn_blocking(move || {
                let result = files
                    .iter()
                    .map(|(name, contents)| {
                        let path = dir.join(name);
                        logtriage::decisions::write_atomic(&path, contents.as_bytes())
                            .map(|_| path.display().to_string())
                            .map_err(|e| e.to_string())
                    })
                    .collect::<Result<Vec<_>, _>>()
                    .map(|paths| format!("{what} written to {}", paths.join(" and ")));
                let _ = tx.send(Action::Exported(result));
            });
        }
        Effect::Clipboard(text) => {
            use std::io::Write;
            let mut out = io::stdout();
            let _ = write!(out, "\x1b]52;c;{}\x07", crate::base64(text.as_bytes()));
            let _ = out.flush();
        }
        Effect::PrepareFiling {
            fingerprint,
            version,
            draft,
            parent,
        } => {
            let Some(tracker) = opts.tracker.clone() else {
                return;
            };
            let path = opts.decisions_path.clone();
            tokio::task::spawn_blocking(move || {
                let _ = tx.send(Action::FilingPrepared(prepare_filing(
                    tracker.as_ref(),
                    &path,
                    fingerprint,
                    &version,
                    *draft,
                    parent,
                )));
            });
        }
        Effect::CheckTasks(tasks) => {
            let Some(tracker) = opts.tracker.clone() else {
                return;
            };
            tokio::task::spawn_blocking(move || {
                let mut states = std::collections::HashMap::new();
                let mut failed = None;
                for t in tasks {
                    match tracker.is_open(&t) {
                        Ok(Some(open)) => {
                            states.insert(t, open);
                        }
                        Ok(None) => {}
                        Err(e) => {
                            failed.get_or_insert(e.to_string());
                        }
                    }
                }
                let _ = tx.send(Action::TaskStates(match failed {
                    Some(e) if states.is_empty() => Err(e),
                    _ => Ok(states),
                }));
            });
        }
        Effect::File(p) => {
            let Some(tracker) = opts.tracker.clone() else {
                return;
            };
            let path = opts.decisions_path.clone();
            tokio::task::spawn_blocking(move || {
                let result = DecisionStore::open(&path)
                    .map_err(|e| e.to_string())
                    .and_then(|mut store| {
                        let outcome = logtriage::filing::file(
                            tracker.as_ref(),
                            &mut store,
                            &p.fingerprint,
                            &p.title,
                            p.draft.clone(),
                            p.parent.as_ref(),
                            &current_user(),
                        )
                        .map_err(|e| e.to_string())?;
                        let t = outcome.task();
                        let mut message = match &outcome {
                            logtriage::filing::Outcome::Filed(_) => {
                                format!("filed {} {}", t.id, t.url)
                            }
                            logtriage::filing::Outcome::Reconciled(_) => format!(
                                "found {} {} (an earlier attempt had filed it)",
                                t.id, t.url
                            ),
                        };
                        if let logtriage::filing::Outcome::Filed(c) = &outcome
                            && let Some(w) = &c.warning
                        {
                            message = format!("{message}; {w}");
                        }
                        Ok((message, store.data))
                    });
                let _ = tx.send(Action::Filed(result));
            });
        }
    }
}
