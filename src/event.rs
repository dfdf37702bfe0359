//! The event model: one log event as every reader produces it, whatever the input shape.
//! Strings borrow from the input buffer where they can, so the hot path allocates little.

use crate::level::Level;
use std::borrow::Cow;

/// The breakdown dimensions kept per group (top values): where an error happens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Dimension {
    Host,
    Service,
    Wiki,
    Url,
    Channel,
}

impl Dimension {
    pub const ALL: [Dimension; 5] = [
        Dimension::Host,
        Dimension::Service,
        Dimension::Wiki,
        Dimension::Url,
        Dimension::Channel,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Dimension::Host => "host",
            Dimension::Service => "service",
            Dimension::Wiki => "wiki",
            Dimension::Url => "url",
            Dimension::Channel => "channel",
        }
    }

    pub fn index(self) -> usize {
        self as usize
    }
}

/// One log event. `line` is the 1-based line where the event starts in its source.
#[derive(Debug, Clone, Default)]
pub struct Event<'a> {
    pub source: u32,
    pub line: u64,
    /// Milliseconds since the Unix epoch.
    pub timestamp: Option<i64>,
    pub level: Option<Level>,
    /// Set when no level was written and `level` was inferred from the content: why
    /// (`"a Python traceback"`).
    pub level_inferred: Option<&'static str>,
    pub version: Option<Cow<'a, str>>,
    /// The message: for multi-line events, the first line (the rest is in `stack`).
    pub message: Cow<'a, str>,
    /// A message template written by the logger itself (MediaWiki `normalized_message`).
    pub template: Option<Cow<'a, str>>,
    /// An explicit fingerprint, when a fingerprint field is configured.
    pub fingerprint: Option<Cow<'a, str>>,
    pub error_type: Option<Cow<'a, str>>,
    pub error_message: Option<Cow<'a, str>>,
    /// Stack trace text (Java, Python, PHP, Go or JS frames), if any.
    pub stack: Option<Cow<'a, str>>,
    /// The code location that logged it: caller (`db/pool.go:88`), logger name, exception file.
    pub origin: Option<Cow<'a, str>>,
    pub request_id: Option<Cow<'a, str>>,
    /// Breakdown values, indexed by [`Dimension::index`].
    pub dims: [Option<Cow<'a, str>>; 5],
}

impl<'a> Event<'a> {
    pub fn dim(&self, d: Dimension) -> Option<&str> {
        self.dims[d.index()].as_deref()
    }

    pub fn set_dim(&mut self, d: Dimension, v: Cow<'a, str>) {
        self.dims[d.index()] = Some(v);
    }
}
