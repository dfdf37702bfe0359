//! The triage TUI, in the Elm shape: [`state`] (the model), [`action`] (messages),
//! [`update`] (the only place state changes, returning effects), [`view`] (pure drawing),
//! [`keys`] (the keymap), and [`app`] (the runtime: terminal, input, background effects).

pub mod action;
pub mod app;
pub mod keys;
pub mod state;
pub mod update;
pub mod view;

#[cfg(test)]
mod screenshot;
#[cfg(test)]
mod tests;
