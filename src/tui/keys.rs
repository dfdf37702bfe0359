//! Default key bindings: one table, used both to turn keys into actions and to list them
//! in the `?` help overlay and the status line.

use super::action::Action;
use super::state::{InputKind, Mode, Pane};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use logtriage::decisions::Mark;

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
    let typing = !matches!(mode, Mode::Normal);
    match key.code {
        KeyCode::Esc => Some(Action::Cancel),
        KeyCode::Enter if typing => Some(Action::Submit),
        KeyCode::Backspace if typing => Some(Action::Backspace),
        KeyCode::Char('?') if matches!(mode, Mode::Help { .. }) => Some(Action::ToggleHelp),
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
        KeyCode::Char('q') => Some(Action::Quit),
        _ => None,
    }
}
