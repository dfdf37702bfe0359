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

    /// A link to a group's events in the backend's own UI, if the source has one.
    fn link(
        &self,
        _group: &crate::report::GroupReport,
        _from_ms: i64,
        _to_ms: i64,
    ) -> Option<String> {
        None
    }
}

/// Percent-encodes `s` for a URL query or fragment (everything but unreserved characters).
pub fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The longest run of a template without placeholders: a phrase to search a backend for.
pub fn search_phrase(template: &str) -> &str {
    template
        .split("<*>")
        .map(str::trim)
        .max_by_key(|p| p.len())
        .unwrap_or("")
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
