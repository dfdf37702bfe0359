//! Sources: where events come from. Files (and stdin) are read by the pipeline here; other
//! sources (logging backends, which need a network) implement the same trait outside the
//! core. `report`, `check` and the TUI see only an [`Analysis`].

use crate::pipeline::{self, Analysis, Options, SourceSpec};

/// Anything logtriage can triage.
pub trait Source: Send + Sync {
    /// A name for messages and reports; never carries credentials.
    fn name(&self) -> String;

    /// Reads the source. `Err` means nothing usable came back: the caller treats it as
    /// blind, never as "no errors". Partial problems (a file that stopped early, malformed
    /// lines) are reported inside the [`Analysis`].
    fn analyze(&self, opts: &Options) -> Result<Analysis, String>;
}

/// Files, globs and stdin, read by the pipeline.
pub struct Files {
    pub specs: Vec<SourceSpec>,
}

impl Source for Files {
    fn name(&self) -> String {
        match self.specs.as_slice() {
            [one] => one.input.name(),
            many => format!("{} files", many.len()),
        }
    }

    fn analyze(&self, opts: &Options) -> Result<Analysis, String> {
        Ok(pipeline::analyze(&self.specs, opts))
    }
}
