//! Default key bindings: one table, used both to turn keys into actions and to list them
//! in the `?` help overlay and the status line.

use super::action::Action;
use super::state::{InputKind, Mode, Pane, Sort};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use logtriage::decisions::Mark;
use logtriage::diff::Status;
use std::collections::{BTreeMap, HashMap};

/// Where a binding applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    Anywhere,
    List,
}

/// A rebindable command of normal mode: its name in the config's `[keys]` table, what it
/// does (help), a short label (status line), default keys, and the action.
pub struct Bound {
    pub name: &'static str,
    pub what: &'static str,
    pub short: &'static str,
    pub context: Context,
    pub default_keys: &'static [&'static str],
    pub action: fn() -> Action,
}

macro_rules! bound {
    ($name:literal, $short:literal, $what:literal, $ctx:ident, [$($k:literal),*], $action:expr) => {
        Bound { name: $name, short: $short, what: $what, context: Context::$ctx, default_keys: &[$($k),*], action: $action }
    };
}

/// Every rebindable command, in help order.
pub const BOUND: &[Bound] = &[
    bound!(
        "down",
        "move",
        "move down (scroll in the detail pane)",
        Anywhere,
        ["j", "down"],
        || Action::Down
    ),
    bound!(
        "up",
        "move",
        "move up (scroll in the detail pane)",
        Anywhere,
        ["k", "up"],
        || Action::Up
    ),
    bound!(
        "page_down",
        "page",
        "page down",
        List,
        ["pgdn", "ctrl-d"],
        || Action::PageDown
    ),
    bound!(
        "page_up",
        "page",
        "page up",
        List,
        ["pgup", "ctrl-u"],
        || Action::PageUp
    ),
    bound!("top", "first", "first group", List, ["g", "home"], || {
        Action::Top
    }),
    bound!("bottom", "last", "last group", List, ["G", "end"], || {
        Action::Bottom
    }),
    bound!(
        "switch_pane",
        "detail",
        "switch between list and detail",
        Anywhere,
        ["enter", "tab", "backtab"],
        || Action::SwitchPane
    ),
    bound!(
        "select",
        "select",
        "select several groups: marks and prompts apply to all (Esc clears)",
        List,
        ["space"],
        || Action::ToggleSelect
    ),
    bound!(
        "search",
        "search",
        "search: words, ~fuzzy, /regex/, status: level: mark: owner: task: host: wiki: url:",
        Anywhere,
        ["/"],
        || Action::StartSearch
    ),
    bound!(
        "filter",
        "filter",
        "filter by status",
        Anywhere,
        ["f"],
        || Action::CycleFilter
    ),
    bound!(
        "sort",
        "sort",
        "sort: status, count, ratio, first seen",
        Anywhere,
        ["s"],
        || Action::CycleSort
    ),
    bound!(
        "blocker",
        "blocker",
        "blocker for this train (again: clear)",
        Anywhere,
        ["b"],
        || Action::Mark(Mark::Blocker)
    ),
    bound!(
        "backport",
        "backport",
        "backport for this train",
        Anywhere,
        ["p"],
        || Action::Mark(Mark::Backport)
    ),
    bound!(
        "known",
        "known",
        "known (stays known in later trains; asks for the task)",
        Anywhere,
        ["K"],
        || Action::Mark(Mark::Known)
    ),
    bound!("ignore", "ignore", "ignore", Anywhere, ["i"], || {
        Action::Mark(Mark::Ignored)
    }),
    bound!("fixed", "fixed", "fixed", Anywhere, ["x"], || Action::Mark(
        Mark::Fixed
    )),
    bound!(
        "owner",
        "owner",
        "owner: team/person",
        Anywhere,
        ["o"],
        || Action::StartInput(InputKind::Owner)
    ),
    bound!(
        "task",
        "task",
        "task (T123456 or URL)",
        Anywhere,
        ["t"],
        || Action::StartInput(InputKind::Task)
    ),
    bound!("note", "note", "add a note", Anywhere, ["n"], || {
        Action::StartInput(InputKind::Note)
    }),
    bound!(
        "file",
        "file",
        "file a task in the tracker: preview, edit the title, confirm",
        Anywhere,
        ["F"],
        || Action::StartFiling
    ),
    bound!(
        "undo",
        "undo",
        "undo the last change to this group",
        Anywhere,
        ["u"],
        || Action::Undo
    ),
    bound!(
        "history",
        "history",
        "decision history of the group (u undoes)",
        Anywhere,
        ["h"],
        || Action::ToggleHistory
    ),
    bound!(
        "merge",
        "merge",
        "merge the selected groups into this one (saved)",
        List,
        ["m"],
        || Action::MergeMarked
    ),
    bound!(
        "split",
        "split",
        "split this group into its fingerprints (saved)",
        Anywhere,
        ["S"],
        || Action::SplitGroup
    ),
    bound!(
        "palette",
        "commands",
        "command palette",
        Anywhere,
        [":"],
        || Action::OpenPalette
    ),
    bound!(
        "export",
        "export",
        "export the report (Markdown and HTML)",
        Anywhere,
        ["e"],
        || Action::Export
    ),
    bound!(
        "refresh",
        "refresh",
        "refresh (re-read the sources)",
        Anywhere,
        ["r"],
        || Action::Refresh
    ),
    bound!(
        "help",
        "help",
        "this help (type to filter)",
        Anywhere,
        ["?"],
        || Action::ToggleHelp
    ),
    bound!(
        "quit",
        "quit",
        "quit (Ctrl-C always quits)",
        Anywhere,
        ["q"],
        || Action::Quit
    ),
];

type KeyId = (KeyCode, KeyModifiers);

/// Key spec as written in the config: `b`, `K`, `ctrl-x`, `alt-b`, `space`, `enter`, `tab`,
/// `backtab`, `up`, `down`, `left`, `right`, `pgup`, `pgdn`, `home`, `end`, `f1`..`f12`.
pub fn parse_key(spec: &str) -> Result<KeyId, String> {
    let mut mods = KeyModifiers::NONE;
    let mut rest = spec;
    loop {
        if let Some(r) = rest.strip_prefix("ctrl-") {
            mods |= KeyModifiers::CONTROL;
            rest = r;
        } else if let Some(r) = rest.strip_prefix("alt-") {
            mods |= KeyModifiers::ALT;
            rest = r;
        } else {
            break;
        }
    }
    let code = match rest {
        "space" => KeyCode::Char(' '),
        "enter" => KeyCode::Enter,
        "tab" => KeyCode::Tab,
        "backtab" => KeyCode::BackTab,
        "up" => KeyCode::Up,
        "down" => KeyCode::Down,
        "left" => KeyCode::Left,
        "right" => KeyCode::Right,
        "pgup" => KeyCode::PageUp,
        "pgdn" => KeyCode::PageDown,
        "home" => KeyCode::Home,
        "end" => KeyCode::End,
        f if f.len() > 1
            && f.starts_with('f')
            && f[1..].parse::<u8>().is_ok_and(|n| (1..=12).contains(&n)) =>
        {
            KeyCode::F(f[1..].parse().expect("checked"))
        }
        c if c.chars().count() == 1 => KeyCode::Char(c.chars().next().expect("one char")),
        _ => {
            return Err(format!(
                "unknown key {spec:?}: use a character, ctrl-x, alt-x, space, enter, tab, up, down, pgup, pgdn, home, end or f1-f12"
            ));
        }
    };
    if matches!(code, KeyCode::Char('c')) && mods == KeyModifiers::CONTROL {
        return Err("ctrl-c always quits and cannot be bound".into());
    }
    Ok((code, mods))
}

fn key_id(key: KeyEvent) -> KeyId {
    // Shifted letters arrive as the upper-case char, with or without SHIFT: ignore SHIFT.
    (key.code, key.modifiers - KeyModifiers::SHIFT)
}

/// The normal-mode keymap: defaults, with the config's `[keys]` table applied.
pub struct Keymap {
    map: HashMap<KeyId, usize>,
    /// Per command (index into [`BOUND`]), its keys as written.
    keys: Vec<Vec<String>>,
}

impl Default for Keymap {
    fn default() -> Self {
        Keymap::new(&BTreeMap::new()).expect("the defaults are valid")
    }
}

impl Keymap {
    /// `overrides`: command name → keys; a command named there loses its default keys.
    pub fn new(overrides: &BTreeMap<String, Vec<String>>) -> Result<Keymap, String> {
        for name in overrides.keys() {
            if !BOUND.iter().any(|b| b.name == name) {
                let names: Vec<&str> = BOUND.iter().map(|b| b.name).collect();
                return Err(format!(
                    "[keys]: unknown command {name:?}; commands are {}",
                    names.join(", ")
                ));
            }
        }
        let mut map: HashMap<KeyId, usize> = HashMap::new();
        let mut keys = Vec::new();
        for (i, b) in BOUND.iter().enumerate() {
            let specs: Vec<String> = match overrides.get(b.name) {
                Some(v) => v.clone(),
                None => b.default_keys.iter().map(|k| k.to_string()).collect(),
            };
            for spec in &specs {
                let id = parse_key(spec).map_err(|e| format!("[keys] {}: {e}", b.name))?;
                let other: Option<usize> = map.get(&id).copied();
                if let Some(other) = other
                    && overrides.contains_key(b.name) == overrides.contains_key(BOUND[other].name)
                {
                    return Err(format!(
                        "[keys]: {spec:?} is bound to both {} and {}",
                        BOUND[other].name, b.name
                    ));
                }
                // An explicit binding wins over a default one.
                if !map.contains_key(&id) || overrides.contains_key(b.name) {
                    map.insert(id, i);
                }
            }
            keys.push(specs);
        }
        // Defaults shadowed by an explicit binding no longer show for their command.
        for (i, specs) in keys.iter_mut().enumerate() {
            specs.retain(|s| parse_key(s).is_ok_and(|id| map.get(&id) == Some(&i)));
        }
        Ok(Keymap { map, keys })
    }

    /// The keys of command `i`, for help ("j down").
    pub fn label(&self, i: usize) -> String {
        self.keys[i].join(" ")
    }

    /// The first key of the command named `name`, for hints.
    pub fn first_key(&self, name: &str) -> Option<&str> {
        let i = BOUND.iter().position(|b| b.name == name)?;
        self.keys[i].first().map(String::as_str)
    }

    /// Translates a key press in `mode` into an action.
    pub fn action_for(&self, key: KeyEvent, mode: &Mode) -> Option<Action> {
        if key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('c') {
            return Some(Action::Quit);
        }
        let typing = !matches!(mode, Mode::Normal | Mode::History);
        match (mode, key.code) {
            (_, KeyCode::Esc) => return Some(Action::Cancel),
            (_, KeyCode::Enter) if typing => return Some(Action::Submit),
            (_, KeyCode::Backspace) if typing => return Some(Action::Backspace),
            (Mode::Palette { .. }, KeyCode::Up) => return Some(Action::Up),
            (Mode::Palette { .. }, KeyCode::Down) => return Some(Action::Down),
            (Mode::File(_), KeyCode::Up) => return Some(Action::Up),
            (Mode::File(_), KeyCode::Down) => return Some(Action::Down),
            (Mode::Help { .. }, KeyCode::Char('?')) => return Some(Action::ToggleHelp),
            (_, KeyCode::Char(c)) if typing && !key.modifiers.contains(KeyModifiers::CONTROL) => {
                return Some(Action::Type(c));
            }
            _ if typing => return None,
            _ => {}
        }
        let i = *self.map.get(&key_id(key))?;
        let action = (BOUND[i].action)();
        match (mode, &action) {
            (Mode::History, Action::Undo | Action::ToggleHistory | Action::Quit)
            | (Mode::Normal, _) => Some(action),
            _ => None,
        }
    }

    /// The keys that matter now, as many as fit in `width`, ending with help.
    pub fn hint_line(&self, mode: &Mode, focus: Pane, width: usize) -> String {
        let fixed: &[&str] = match mode {
            Mode::Search => &["type to search", "Enter keep", "Esc clear"],
            Mode::Input { .. } => &["Enter save", "Esc cancel"],
            Mode::Help { .. } => &["type to filter", "Esc close"],
            Mode::History => &["u undo the last change", "Esc close"],
            Mode::Palette { .. } => &["type to filter", "↑/↓ choose", "Enter run", "Esc close"],
            Mode::File(_) => &[
                "y file",
                "e edit title",
                "l link duplicate",
                "n skip",
                "j/k scroll",
                "Esc close",
            ],
            Mode::Normal => &[],
        };
        let names: &[&str] = if focus == Pane::Detail {
            &[
                "down",
                "switch_pane",
                "blocker",
                "owner",
                "task",
                "note",
                "undo",
                "history",
                "quit",
            ]
        } else {
            &[
                "down",
                "blocker",
                "owner",
                "switch_pane",
                "search",
                "filter",
                "sort",
                "export",
                "undo",
                "palette",
                "quit",
            ]
        };
        let mut items: Vec<String> = fixed.iter().map(|s| s.to_string()).collect();
        if matches!(mode, Mode::Normal) {
            for n in names {
                let Some(b) = BOUND.iter().find(|b| b.name == *n) else {
                    continue;
                };
                if let Some(k) = self.first_key(n) {
                    items.push(format!("{k} {}", b.short));
                }
            }
        }
        let tail = match (mode, self.first_key("help")) {
            (Mode::Normal, Some(k)) => format!(" · {k} help"),
            _ => String::new(),
        };
        let mut out = String::new();
        for h in items {
            let sep = if out.is_empty() { "" } else { " · " };
            if out.chars().count() + sep.len() + h.chars().count() + tail.chars().count() > width {
                break;
            }
            out.push_str(sep);
            out.push_str(&h);
        }
        out.push_str(&tail);
        out
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
        name: "merge marked into this group",
        action: || Action::MergeMarked,
    },
    Command {
        name: "split group by fingerprint",
        action: || Action::SplitGroup,
    },
    Command {
        name: "file task",
        action: || Action::StartFiling,
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
