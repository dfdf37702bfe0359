//! Default key bindings: one table, used both to turn keys into actions and to list them
//! in the `?` help overlay and the status line.

use super::action::Action;
use super::state::{InputKind, Mode, Pane, Sort};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use logtriage::decisions::Mark;
use logtriage::diff::Status;

/// Where a binding applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    Anywhere,
    List,
    Detail,
}

pub struct Binding {
    pub keys: &'static str,
    pub what: &'static str,
    pub context: Context,
}

/// Every binding of normal mode, in help order.
pub const BINDINGS: &[Binding] = &[
    Binding {
        keys: "j/k ↓/↑",
        what: "move",
        context: Context::List,
    },
    Binding {
        keys: "j/k ↓/↑",
        what: "scroll",
        context: Context::Detail,
    },
    Binding {
        keys: "PgDn/PgUp g/G",
        what: "page, first, last",
        context: Context::List,
    },
    Binding {
        keys: "Enter Tab",
        what: "switch between list and detail",
        context: Context::Anywhere,
    },
    Binding {
        keys: "Space",
        what: "select several groups: marks and prompts apply to all (Esc clears)",
        context: Context::List,
    },
    Binding {
        keys: "/",
        what: "search: words, /regex/, status: level: mark: owner: task: host: wiki: url:",
        context: Context::Anywhere,
    },
    Binding {
        keys: "f",
        what: "filter by status",
        context: Context::Anywhere,
    },
    Binding {
        keys: "s",
        what: "sort: status, count, ratio, first seen",
        context: Context::Anywhere,
    },
    Binding {
        keys: "b",
        what: "blocker for this train (again: clear)",
        context: Context::Anywhere,
    },
    Binding {
        keys: "p",
        what: "backport for this train",
        context: Context::Anywhere,
    },
    Binding {
        keys: "K",
        what: "known (stays known in later trains)",
        context: Context::Anywhere,
    },
    Binding {
        keys: "i",
        what: "ignore",
        context: Context::Anywhere,
    },
    Binding {
        keys: "x",
        what: "fixed",
        context: Context::Anywhere,
    },
    Binding {
        keys: "o",
        what: "owner: team/person",
        context: Context::Anywhere,
    },
    Binding {
        keys: "t",
        what: "task (T123456 or URL)",
        context: Context::Anywhere,
    },
    Binding {
        keys: "n",
        what: "add a note",
        context: Context::Anywhere,
    },
    Binding {
        keys: "u",
        what: "undo the last change to this group",
        context: Context::Anywhere,
    },
    Binding {
        keys: "e",
        what: "export the report (Markdown)",
        context: Context::Anywhere,
    },
    Binding {
        keys: "r",
        what: "refresh (re-read the sources)",
        context: Context::Anywhere,
    },
    Binding {
        keys: "h",
        what: "decision history of the group (u undoes)",
        context: Context::Anywhere,
    },
    Binding {
        keys: ":",
        what: "command palette",
        context: Context::Anywhere,
    },
    Binding {
        keys: "?",
        what: "this help (type to filter)",
        context: Context::Anywhere,
    },
    Binding {
        keys: "q Ctrl-C",
        what: "quit",
        context: Context::Anywhere,
    },
];

/// The keys that matter now, most important first, for the status line (which shows as
/// many as fit, always ending with help).
pub fn hints(mode: &Mode, focus: Pane) -> &'static [&'static str] {
    match mode {
        Mode::Normal if focus == Pane::Detail => &[
            "j/k scroll",
            "Tab list",
            "b blocker",
            "o owner",
            "t task",
            "n note",
            "u undo",
            "q quit",
        ],
        Mode::Normal => &[
            "j/k move",
            "b blocker",
            "o owner",
            "Tab detail",
            "/ search",
            "f filter",
            "s sort",
            "e export",
            "u undo",
            "q quit",
        ],
        Mode::Search => &["type to search", "Enter keep", "Esc clear"],
        Mode::Input { .. } => &["Enter save", "Esc cancel"],
        Mode::Help { .. } => &["type to filter", "Esc close"],
        Mode::History => &["u undo the last change", "Esc close"],
        Mode::Palette { .. } => &["type to filter", "↑/↓ choose", "Enter run", "Esc close"],
    }
}

/// `hints` joined to fit `width` columns, with "? help" last in normal mode.
pub fn hint_line(mode: &Mode, focus: Pane, width: usize) -> String {
    let tail = if matches!(mode, Mode::Normal) {
        " · ? help"
    } else {
        ""
    };
    let mut out = String::new();
    for h in hints(mode, focus) {
        let sep = if out.is_empty() { "" } else { " · " };
        if out.chars().count() + sep.len() + h.chars().count() + tail.chars().count() > width {
            break;
        }
        out.push_str(sep);
        out.push_str(h);
    }
    out.push_str(tail);
    out
}

/// Translates a key press in `mode` into an action.
pub fn action_for(key: KeyEvent, mode: &Mode) -> Option<Action> {
    if key.modifiers.contains(KeyModifiers::CONTROL) {
        return match key.code {
            KeyCode::Char('c') => Some(Action::Quit),
            KeyCode::Char('d') => Some(Action::PageDown),
            KeyCode::Char('u') => Some(Action::PageUp),
            _ => None,
        };
    }
    let typing = !matches!(mode, Mode::Normal | Mode::History);
    match key.code {
        KeyCode::Esc => Some(Action::Cancel),
        KeyCode::Enter if typing => Some(Action::Submit),
        KeyCode::Backspace if typing => Some(Action::Backspace),
        KeyCode::Char('?') if matches!(mode, Mode::Help { .. }) => Some(Action::ToggleHelp),
        KeyCode::Up if matches!(mode, Mode::Palette { .. }) => Some(Action::Up),
        KeyCode::Down if matches!(mode, Mode::Palette { .. }) => Some(Action::Down),
        KeyCode::Char('u') if matches!(mode, Mode::History) => Some(Action::Undo),
        KeyCode::Char('h') if matches!(mode, Mode::History) => Some(Action::ToggleHistory),
        KeyCode::Char(c) if typing => Some(Action::Type(c)),
        KeyCode::Up | KeyCode::Char('k') => Some(Action::Up),
        KeyCode::Down | KeyCode::Char('j') => Some(Action::Down),
        KeyCode::PageUp => Some(Action::PageUp),
        KeyCode::PageDown => Some(Action::PageDown),
        KeyCode::Home | KeyCode::Char('g') => Some(Action::Top),
        KeyCode::End | KeyCode::Char('G') => Some(Action::Bottom),
        KeyCode::Enter | KeyCode::Tab | KeyCode::BackTab => Some(Action::SwitchPane),
        KeyCode::Char(' ') => Some(Action::ToggleSelect),
        KeyCode::Char('/') => Some(Action::StartSearch),
        KeyCode::Char('f') => Some(Action::CycleFilter),
        KeyCode::Char('s') => Some(Action::CycleSort),
        KeyCode::Char('b') => Some(Action::Mark(Mark::Blocker)),
        KeyCode::Char('p') => Some(Action::Mark(Mark::Backport)),
        KeyCode::Char('K') => Some(Action::Mark(Mark::Known)),
        KeyCode::Char('i') => Some(Action::Mark(Mark::Ignored)),
        KeyCode::Char('x') => Some(Action::Mark(Mark::Fixed)),
        KeyCode::Char('o') => Some(Action::StartInput(InputKind::Owner)),
        KeyCode::Char('t') => Some(Action::StartInput(InputKind::Task)),
        KeyCode::Char('n') => Some(Action::StartInput(InputKind::Note)),
        KeyCode::Char('u') => Some(Action::Undo),
        KeyCode::Char('e') => Some(Action::Export),
        KeyCode::Char('r') => Some(Action::Refresh),
        KeyCode::Char('?') => Some(Action::ToggleHelp),
        KeyCode::Char('h') => Some(Action::ToggleHistory),
        KeyCode::Char(':') => Some(Action::OpenPalette),
        KeyCode::Char('q') => Some(Action::Quit),
        _ => None,
    }
}

/// A palette command: its name, and the action it runs.
pub struct Command {
    pub name: &'static str,
    pub action: fn() -> Action,
}

/// Every command of the `:` palette.
pub const COMMANDS: &[Command] = &[
    Command {
        name: "mark blocker",
        action: || Action::Mark(Mark::Blocker),
    },
    Command {
        name: "mark backport",
        action: || Action::Mark(Mark::Backport),
    },
    Command {
        name: "mark known",
        action: || Action::Mark(Mark::Known),
    },
    Command {
        name: "mark ignored",
        action: || Action::Mark(Mark::Ignored),
    },
    Command {
        name: "mark fixed",
        action: || Action::Mark(Mark::Fixed),
    },
    Command {
        name: "set owner",
        action: || Action::StartInput(InputKind::Owner),
    },
    Command {
        name: "set task",
        action: || Action::StartInput(InputKind::Task),
    },
    Command {
        name: "add note",
        action: || Action::StartInput(InputKind::Note),
    },
    Command {
        name: "undo",
        action: || Action::Undo,
    },
    Command {
        name: "history",
        action: || Action::ToggleHistory,
    },
    Command {
        name: "export report",
        action: || Action::Export,
    },
    Command {
        name: "refresh",
        action: || Action::Refresh,
    },
    Command {
        name: "search",
        action: || Action::StartSearch,
    },
    Command {
        name: "sort by status",
        action: || Action::SetSort(Sort::Status),
    },
    Command {
        name: "sort by count",
        action: || Action::SetSort(Sort::Count),
    },
    Command {
        name: "sort by ratio",
        action: || Action::SetSort(Sort::Ratio),
    },
    Command {
        name: "sort by first seen",
        action: || Action::SetSort(Sort::FirstSeen),
    },
    Command {
        name: "filter all",
        action: || Action::SetFilter(None),
    },
    Command {
        name: "filter new",
        action: || Action::SetFilter(Some(Status::New)),
    },
    Command {
        name: "filter regressed",
        action: || Action::SetFilter(Some(Status::Regressed)),
    },
    Command {
        name: "filter gone",
        action: || Action::SetFilter(Some(Status::Gone)),
    },
    Command {
        name: "filter improved",
        action: || Action::SetFilter(Some(Status::Improved)),
    },
    Command {
        name: "filter steady",
        action: || Action::SetFilter(Some(Status::Steady)),
    },
    Command {
        name: "help",
        action: || Action::ToggleHelp,
    },
    Command {
        name: "quit",
        action: || Action::Quit,
    },
];

/// Palette commands matching `filter` (every word a substring of the name).
pub fn palette_matches(filter: &str) -> Vec<&'static Command> {
    let f = filter.to_lowercase();
    COMMANDS
        .iter()
        .filter(|c| f.split_whitespace().all(|w| c.name.contains(w)))
        .collect()
}
