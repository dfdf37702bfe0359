//! Fingerprints: a stable key per error, so the same error gets the same key in every
//! version, run and machine. See docs/fingerprinting.md for the rules and their order:
//! explicit field, then exception type + in-app frames, then a logger-written template
//! field, then the masked message (mined into templates by [`drain`]).

pub mod drain;
pub mod explain;
pub mod mask;
pub mod stack;
pub mod trace_cache;

use crate::event::Event;
use crate::hash::StableHasher;
use serde::Serialize;
use std::sync::Arc;
use trace_cache::{TraceCache, TraceReading};

/// Bumped whenever a change to the rules changes any fingerprint. Stored in reports and
/// decisions so keys from different versions are never silently compared.
pub const FINGERPRINT_VERSION: u32 = 2;

/// Frames beyond this many (after in-app filtering and recursion folding) do not count.
pub const MAX_FRAMES: usize = 30;

/// Which rule produced a fingerprint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    /// An explicit fingerprint field on the event.
    Explicit,
    /// Exception type plus normalized stack frames.
    Stack,
    /// A message template written by the logger (MediaWiki `normalized_message`).
    TemplateField,
    /// The message with variables masked, merged by template mining.
    Message,
}

impl Rule {
    pub fn as_str(self) -> &'static str {
        match self {
            Rule::Explicit => "explicit",
            Rule::Stack => "stack",
            Rule::TemplateField => "template_field",
            Rule::Message => "message",
        }
    }
}

/// What one event contributes before template mining: everything the final fingerprint
/// is computed from. Events with equal `key` always end in the same group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreKey {
    pub rule: Rule,
    /// Masked template (message rule: the input to template mining).
    pub template: String,
    /// Exception type, if any.
    pub error_type: Option<String>,
    /// Normalized contributing frames (stack rule), shared by every event of one trace.
    pub frames: Arc<[String]>,
    /// Normalized code location (message and template rules).
    pub origin: Option<String>,
    /// Hash of all of the above: the aggregation key.
    pub key: u64,
}

impl PreKey {
    /// The fingerprint: a pure function of the event's inputs and the rules of
    /// [`FINGERPRINT_VERSION`], never of what else a run read. Which fingerprints form one
    /// group is decided afterwards (`crate::grouping`).
    pub fn fingerprint(&self) -> String {
        self.fingerprint_as(FINGERPRINT_VERSION, &self.template)
    }

    /// The key this pre-key's inputs had under fingerprint version `version`, given that
    /// version's template: version 1 hashed the *mined* template of a message, which
    /// `crate::grouping::migrate` recovers from a decision's stored title.
    pub fn fingerprint_as(&self, version: u32, template: &str) -> String {
        let mut h = StableHasher::default();
        h.field(&version.to_string()).field(self.rule.as_str());
        match self.rule {
            Rule::Explicit => {
                h.field(&self.template);
            }
            Rule::Stack => {
                h.field(self.error_type.as_deref().unwrap_or(""));
                for f in self.frames.iter() {
                    h.field(f);
                }
            }
            Rule::TemplateField | Rule::Message => {
                h.field(template)
                    .field(self.origin.as_deref().unwrap_or(""));
            }
        }
        h.hex()
    }

    /// Human-readable inputs, for "why were these grouped".
    pub fn explain(&self) -> String {
        match self.rule {
            Rule::Explicit => format!("explicit fingerprint field = {}", self.template),
            Rule::Stack => format!(
                "exception type {} + {} frame(s): {}",
                self.error_type.as_deref().unwrap_or("(none)"),
                self.frames.len(),
                self.frames.join(" < ")
            ),
            Rule::TemplateField | Rule::Message => {
                let what = if self.rule == Rule::Message {
                    "masked message"
                } else {
                    "template field"
                };
                match &self.origin {
                    Some(o) => format!("{what} + origin {o}"),
                    None => what.to_string(),
                }
            }
        }
    }
}

/// Computes [`PreKey`]s; caches trace readings, the costly part, by trace text (see
/// [`trace_cache`]).
#[derive(Default)]
pub struct Fingerprinter {
    traces: TraceCache,
    cache: Vec<Option<(u64, usize, Arc<PreKey>)>>,
    /// Keys the pre-key cache (seeded: log text cannot be crafted to collide with another
    /// event's inputs).
    hasher: foldhash::fast::RandomState,
}

/// Hash and total length of everything [`Fingerprinter::compute`] will read from an event:
/// with a logger template and no trace, the (varying) message is not an input. A trace is
/// read only through its reading, so it counts by the identity of its text in the trace
/// cache (`trace`). The hash is seeded per process; a hit is taken on hash and length.
fn input_hash(
    hasher: &foldhash::fast::RandomState,
    ev: &Event,
    trace: Option<u64>,
) -> (u64, usize) {
    use std::hash::{BuildHasher, Hash, Hasher};
    let mut h = hasher.build_hasher();
    let template_only = ev.fingerprint.is_none()
        && ev.stack.is_none()
        && ev.template.as_deref().is_some_and(|t| !t.trim().is_empty());
    let message = if template_only {
        None
    } else {
        Some(&*ev.message)
    };
    let error_message = if template_only {
        None
    } else {
        ev.error_message.as_deref()
    };
    let fields = [
        host_in_message(ev),
        ev.fingerprint.as_deref(),
        ev.error_type.as_deref(),
        ev.template.as_deref(),
        message,
        error_message,
        ev.origin.as_deref(),
    ];
    let mut len = 0;
    for f in fields {
        f.hash(&mut h);
        len += f.map_or(0, str::len);
    }
    (ev.stack.is_some(), trace).hash(&mut h);
    (h.finish(), len)
}

/// The event's host field when its message names it (then it is masked there).
fn host_in_message<'e>(ev: &'e Event) -> Option<&'e str> {
    host_named_in(&ev.message, ev.dim(crate::event::Dimension::Host))
}

/// `host` when `message` names it.
fn host_named_in<'h>(message: &str, host: Option<&'h str>) -> Option<&'h str> {
    // A plain scan from each occurrence of the first byte: building a substring searcher
    // per event costs more than the search.
    host.filter(|h| {
        let (m, h) = (message.as_bytes(), h.as_bytes());
        h.len() >= 3 && memchr::memchr_iter(h[0], m).any(|i| m[i..].starts_with(h))
    })
}

/// The message rule's template: `message` (its MediaWiki prefix stripped), with the
/// error field when the message does not hold it, masked; `host` is masked wherever named.
fn message_template(message: &str, error_message: Option<&str>, host: Option<&str>) -> String {
    match error_message {
        Some(e) if !message.contains(e) => mask::mask_in(&format!("{message} err={e}"), host),
        _ => mask::mask_in(message, host),
    }
}

/// Entries of the per-worker cache of recent [`PreKey`]s (a power of two).
const PREKEY_CACHE: usize = 4096;

impl Fingerprinter {
    /// The pre-key of an event. Events whose fingerprint inputs are identical to a recent
    /// one's (a logger template, a constant message, the same trace) reuse its pre-key from
    /// a small direct-mapped cache, keyed by a 64-bit hash and the inputs' total length.
    pub fn prekey(&mut self, ev: &Event) -> Arc<PreKey> {
        // A trace is read only when no explicit fingerprint outranks it.
        let explicit = ev
            .fingerprint
            .as_deref()
            .is_some_and(|f| !f.trim().is_empty());
        let trace = match ev.stack.as_deref() {
            Some(stack) if !explicit => Some(self.traces.read(stack)),
            _ => None,
        };
        // A trace the cache does not hold has no identity to file its pre-key under.
        if let Some((None, reading)) = &trace {
            return Arc::new(compute(ev, Some(reading)));
        }
        let (h, len) = input_hash(&self.hasher, ev, trace.as_ref().and_then(|t| t.0));
        if self.cache.is_empty() {
            self.cache = vec![None; PREKEY_CACHE];
        }
        let slot = (h as usize) & (PREKEY_CACHE - 1);
        if let Some((k, l, p)) = &self.cache[slot]
            && *k == h
            && *l == len
        {
            return p.clone();
        }
        let p = Arc::new(compute(ev, trace.map(|t| t.1).as_deref()));
        self.cache[slot] = Some((h, len, p.clone()));
        p
    }

    /// How many distinct traces were read and kept.
    pub fn traces_cached(&self) -> usize {
        self.traces.cached()
    }
}

/// The pre-key of `ev`, given the reading of its trace (when it has one and no explicit
/// fingerprint).
fn compute(ev: &Event, trace: Option<&TraceReading>) -> PreKey {
    if let Some(fp) = ev.fingerprint.as_deref().filter(|f| !f.trim().is_empty()) {
        return finish(
            Rule::Explicit,
            fp.trim().to_string(),
            None,
            (Arc::default(), frames_hash(&[])),
            None,
        );
    }
    if let Some(trace) = trace {
        let frames = trace.frames.clone();
        if !frames.is_empty() {
            let error_type = ev
                .error_type
                .as_deref()
                .map(str::to_string)
                .or_else(|| trace.error_type.clone())
                .or_else(|| stack::exception_type(&ev.message).map(|t| t.0));
            let template = stack_title(ev, error_type.as_deref());
            return finish(
                Rule::Stack,
                template,
                error_type,
                (frames, trace.frames_hash),
                None,
            );
        }
    }
    let origin = ev
        .origin
        .as_deref()
        .map(normalize_origin)
        .filter(|o| !o.is_empty());
    if let Some(t) = ev.template.as_deref().filter(|t| !t.trim().is_empty()) {
        let template = mask::mask(strip_mediawiki_prefix(t));
        return finish(
            Rule::TemplateField,
            template,
            ev.error_type.as_deref().map(str::to_string),
            (Arc::default(), frames_hash(&[])),
            origin,
        );
    }
    let message = strip_mediawiki_prefix(&ev.message);
    let template = message_template(message, ev.error_message.as_deref(), host_in_message(ev));
    finish(
        Rule::Message,
        template,
        ev.error_type.as_deref().map(str::to_string),
        (Arc::default(), frames_hash(&[])),
        origin,
    )
}

/// The hash of a trace's key frames that a [`PreKey`]'s key is made from; computed once per
/// trace read ([`TraceReading::frames_hash`]).
pub(crate) fn frames_hash(frames: &[String]) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = rustc_hash::FxHasher::default();
    frames.hash(&mut h);
    h.finish()
}

/// A pre-key from its parts; `frames_hash` is [`frames_hash`] of `frames`.
fn finish(
    rule: Rule,
    template: String,
    error_type: Option<String>,
    (frames, frames_hash): (Arc<[String]>, u64),
    origin: Option<String>,
) -> PreKey {
    // The aggregation key is internal (never stored or compared across runs), so a fast
    // hash will do; `fingerprint()` uses the stable one.
    use std::hash::{Hash, Hasher};
    let mut h = rustc_hash::FxHasher::default();
    (rule, &template, &error_type, &origin, frames_hash).hash(&mut h);
    PreKey {
        rule,
        template,
        error_type,
        frames,
        origin,
        key: h.finish(),
    }
}

/// Title for stack-grouped errors: `Type: masked message`.
fn stack_title(ev: &Event, error_type: Option<&str>) -> String {
    let msg = ev
        .error_message
        .as_deref()
        .or(ev.template.as_deref())
        .unwrap_or(&ev.message);
    let msg = mask::mask(strip_mediawiki_prefix(msg));
    match error_type {
        Some(t) if !msg.contains(t) => format!("{t}: {msg}"),
        _ => msg,
    }
}

/// Strips MediaWiki's `[{reqId}] {exception_url}   ` (or its expanded form) from the front.
pub fn strip_mediawiki_prefix(s: &str) -> &str {
    let t = s.trim_start();
    if !t.starts_with('[') {
        return s;
    }
    let Some(close) =
        memchr::memchr(b']', t.as_bytes()).filter(|&i| t.as_bytes().get(i + 1) == Some(&b' '))
    else {
        return s;
    };
    let id = &t[1..close];
    if id.contains(char::is_whitespace) || id.is_empty() {
        return s;
    }
    let rest = &t[close + 2..];
    // The URL is followed by three spaces in MediaWiki's format.
    static TRIPLE_SPACE: std::sync::OnceLock<memchr::memmem::Finder<'static>> =
        std::sync::OnceLock::new();
    let triple = TRIPLE_SPACE
        .get_or_init(|| memchr::memmem::Finder::new(b"   "))
        .find(rest.as_bytes());
    match triple {
        Some(i)
            if !rest[..i].contains(char::is_whitespace) || rest[..i].starts_with("[no req]") =>
        {
            rest[i..].trim_start()
        }
        _ => s,
    }
}

/// `db/pool.go:88` → `db/pool.go`; `/srv/mediawiki/php-1.46.0-wmf.4/includes/Foo.php:12` →
/// `includes/Foo.php`; logger names pass through. Line numbers and versions never count.
pub fn normalize_origin(o: &str) -> String {
    let o = o.trim();
    let no_line = match o.rfind(':') {
        Some(i) if o[i + 1..].bytes().all(|b| b.is_ascii_digit()) => &o[..i],
        _ => o,
    };
    let parts: Vec<&str> = no_line
        .split(['/', '\\'])
        .filter(|p| !p.is_empty() && !is_version_segment(p))
        .collect();
    if parts.len() <= 2 {
        return parts.join("/");
    }
    let keep: Vec<&str> = parts[parts.len() - 2..].to_vec();
    keep.join("/")
}

/// Path segments that name a release: `php-1.46.0-wmf.4`, `1.46.0`, `v2.3.1`, `releases`.
fn is_version_segment(p: &str) -> bool {
    let b = p.as_bytes();
    let digit_at = |i: usize| b.get(i).is_some_and(u8::is_ascii_digit);
    p == "releases"
        || digit_at(0)
        || (b.first() == Some(&b'v') && digit_at(1))
        || (p.starts_with("php-") && digit_at(4))
        || p.contains("-wmf.")
        || p.contains('@') && p.contains('.') && p.bytes().any(|c| c.is_ascii_digit())
}

#[cfg(test)]
mod tests;
