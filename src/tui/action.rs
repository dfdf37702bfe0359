//! Everything that can happen to the TUI: keys turned into intents, and results of
//! background work. `update` is the only place that acts on them.

use super::state::InputKind;
use logtriage::decisions::{Decisions, Mark};
use logtriage::report::Report;

#[derive(Debug)]
pub enum Action {
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    /// Enter / Tab: move focus between the list and the detail pane.
    SwitchPane,
    /// Space: add the highlighted group to the selection, or take it out.
    ToggleSelect,
    /// Start `/` search.
    StartSearch,
    /// Cycle the status filter (all → new → regressed → … → all).
    CycleFilter,
    /// Cycle the sort order.
    CycleSort,
    /// Mark the selected group (again on the same mark clears it).
    Mark(Mark),
    /// Start typing a value (owner, task, note).
    StartInput(InputKind),
    /// A character typed into the search box, prompt or help filter.
    Type(char),
    Backspace,
    /// Enter in a prompt: apply it.
    Submit,
    /// Esc: leave the prompt, search or overlay.
    Cancel,
    Undo,
    /// Merge the marked groups into the selected one (kept in the decisions file).
    MergeMarked,
    /// Split the selected group into its fingerprints (kept in the decisions file).
    SplitGroup,
    /// A merge or split was saved: regroup.
    Regrouped(Result<String, String>),
    Export,
    Refresh,
    ToggleHelp,
    ToggleHistory,
    OpenPalette,
    SetSort(super::state::Sort),
    SetFilter(Option<logtriage::diff::Status>),
    Quit,
    /// Background results.
    Loaded(Result<Box<Report>, String>),
    Saved(Result<Decisions, String>),
    /// The decisions file as re-read with a refresh (other instances' changes).
    DecisionsReloaded(Decisions),
    Exported(Result<String, String>),
    /// `F`: file the targeted groups in the tracker (or write them to files).
    StartFiling,
    /// A group's task is drafted, its parent and duplicates looked up.
    FilingPrepared(Result<Box<super::state::Prepared>, String>),
    /// Which tasks are open, as the tracker answered (tasks it does not know are left out).
    TaskStates(Result<std::collections::HashMap<String, bool>, String>),
    /// A filing ended: the message to show, and the decisions as saved.
    Filed(Result<(String, Decisions), String>),
    /// The terminal was resized, or a timer fired (redraw only).
    Resize,
    /// A key press, translated by the keymap of the current mode before `update` sees it.
    Key(crossterm::event::KeyEvent),
}
