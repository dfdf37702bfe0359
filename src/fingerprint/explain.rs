//! Why a group is a group, component by component, the way Sentry explains its grouping:
//! what went into the fingerprint and what did not, and why (a library frame, recursion
//! folded, past the frame limit, a masked value). Computed for one group's lead sample
//! when a report or the TUI shows it, never per event, from the same code that computes
//! the fingerprint ([`super::stack::read`], [`super::message_template`]): the frames an
//! explanation says count are the frames the fingerprint hashes.
//!
//! How the group's *other* fingerprints joined it (template store, mining, a person's
//! merge) is said by the group's members, not here.

use super::{PreKey, Rule, mask, stack, strip_mediawiki_prefix};
use serde::Serialize;

/// What one component is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum What {
    ExplicitFingerprint,
    ExceptionType,
    Frame,
    /// Another goroutine of a Go dump (its header).
    Goroutine,
    Message,
    TemplateField,
    /// A value of the message that masking replaced.
    MaskedValue,
    Origin,
}

impl What {
    pub fn label(self) -> &'static str {
        match self {
            What::ExplicitFingerprint => "explicit fingerprint",
            What::ExceptionType => "exception type",
            What::Frame => "frame",
            What::Goroutine => "goroutine",
            What::Message => "message",
            What::TemplateField => "template field",
            What::MaskedValue => "masked value",
            What::Origin => "origin",
        }
    }
}

/// Why a component counts or not: a short stable name (JSON) and its wording.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Why {
    // Counts:
    /// The event's fingerprint field.
    ExplicitField,
    /// The exception type, with the stack rule.
    ExceptionType,
    /// An in-app frame.
    InApp,
    /// An in-app frame of the entry point, when it is all the trace has in-app.
    EntryPoint,
    /// A library frame among the top ones, when only the entry point is in-app.
    TopLibraryFrame,
    /// A frame in the fingerprint when no trace of it was kept to say more.
    InFingerprint,
    /// The message with its values masked.
    MaskedMessage,
    /// The template the logger wrote.
    LoggerTemplate,
    /// Where the event was logged.
    Origin,
    // Does not count:
    /// A library or runtime frame.
    LibraryFrame,
    /// Go's panic and signal machinery, skipped for the top library frames.
    RuntimePanic,
    /// The same key as the previous frame that counts.
    RecursionFolded,
    /// Beyond [`super::MAX_FRAMES`].
    PastFrameLimit,
    /// Go's `created by` frame, when the goroutine has other frames.
    CreatedBy,
    /// A goroutine of a Go dump other than the crashing one.
    NotCrashingGoroutine,
    /// A value masking replaced.
    Masked,
    /// Not an input of this rule.
    NotInRule,
    /// The exception type of a message: not in the fingerprint, but mining merges only
    /// messages of one type and origin.
    MiningPartition,
    /// The trace named no exception type.
    NoExceptionType,
}

impl Why {
    /// Whether a component with this reason is an input of the fingerprint.
    pub fn counts(self) -> bool {
        matches!(
            self,
            Why::ExplicitField
                | Why::ExceptionType
                | Why::InApp
                | Why::EntryPoint
                | Why::TopLibraryFrame
                | Why::InFingerprint
                | Why::MaskedMessage
                | Why::LoggerTemplate
                | Why::Origin
        )
    }

    /// The stable name (as in JSON).
    pub fn name(self) -> &'static str {
        match self {
            Why::ExplicitField => "explicit_field",
            Why::ExceptionType => "exception_type",
            Why::InApp => "in_app",
            Why::EntryPoint => "entry_point",
            Why::TopLibraryFrame => "top_library_frame",
            Why::InFingerprint => "in_fingerprint",
            Why::MaskedMessage => "masked_message",
            Why::LoggerTemplate => "logger_template",
            Why::Origin => "origin",
            Why::LibraryFrame => "library_frame",
            Why::RuntimePanic => "runtime_panic",
            Why::RecursionFolded => "recursion_folded",
            Why::PastFrameLimit => "past_frame_limit",
            Why::CreatedBy => "created_by",
            Why::NotCrashingGoroutine => "not_crashing_goroutine",
            Why::Masked => "masked",
            Why::NotInRule => "not_in_rule",
            Why::MiningPartition => "mining_partition",
            Why::NoExceptionType => "no_exception_type",
        }
    }

    /// Its human wording.
    pub fn wording(self) -> &'static str {
        match self {
            Why::ExplicitField => "the event's fingerprint field",
            Why::ExceptionType => "the exception type",
            Why::InApp => "in-app",
            Why::EntryPoint => "in-app entry point",
            Why::TopLibraryFrame => "top library frame, as only the entry point is in-app",
            Why::InFingerprint => "in the fingerprint; its trace was not kept",
            Why::MaskedMessage => "the message, values masked",
            Why::LoggerTemplate => "the template the logger wrote",
            Why::Origin => "where it was logged; lines and versions do not count",
            Why::LibraryFrame => "library frame",
            Why::RuntimePanic => "Go's panic machinery",
            Why::RecursionFolded => "recursion folded",
            Why::PastFrameLimit => "past the frame limit",
            Why::CreatedBy => "where the goroutine was created",
            Why::NotCrashingGoroutine => "not the crashing goroutine",
            Why::Masked => "masked",
            Why::NotInRule => "not counted by this rule",
            Why::MiningPartition => {
                "not in the fingerprint; mining merges only messages of one type"
            }
            Why::NoExceptionType => "the trace names no exception type",
        }
    }
}

/// One input, or would-be input, of a fingerprint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Component {
    pub what: What,
    /// What it is: the frame's key (`Foo.php:App\Foo->bar`, what is hashed), the masked
    /// message, the value masking replaced...
    pub value: String,
    pub contributes: bool,
    pub why: Why,
    /// `why` in words.
    pub reason: &'static str,
    /// The placeholder a masked value became.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replaced_by: Option<&'static str>,
    /// For a masked value, the message text right before it (at most
    /// [`CONTEXT_CHARS`]): redaction needs it to know a value is a secret
    /// (`password=hunter2`). Not shown.
    #[serde(skip)]
    pub context: String,
}

/// How much of the text before a masked value [`Component::context`] keeps.
pub const CONTEXT_CHARS: usize = 40;

impl Component {
    fn new(what: What, value: impl Into<String>, why: Why) -> Component {
        Component {
            what,
            value: value.into(),
            contributes: why.counts(),
            why,
            reason: why.wording(),
            replaced_by: None,
            context: String::new(),
        }
    }
}

/// A group's fingerprint, component by component.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Explanation {
    pub rule: Rule,
    pub components: Vec<Component>,
    /// What could not be explained, and why (no sample of this fingerprint was kept...).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

impl Explanation {
    /// One line, the same for every report format: what counted and what did not, by kind
    /// and reason (`counted: exception type, 2 frames (in-app); not counted: 14 frames
    /// (library frame), message (not counted by this rule)`).
    pub fn summary(&self) -> String {
        let mut kinds: Vec<(&Component, usize)> = Vec::new();
        for c in &self.components {
            match kinds
                .iter_mut()
                .find(|(k, _)| (k.contributes, k.what, k.why) == (c.contributes, c.what, c.why))
            {
                Some((_, n)) => *n += 1,
                None => kinds.push((c, 1)),
            }
        }
        let side = |counts: bool| -> String {
            let listed: Vec<String> = kinds
                .iter()
                .filter(|(c, _)| c.contributes == counts)
                .map(|(c, n)| {
                    let mut s = match n {
                        1 => c.what.label().to_string(),
                        n => format!("{n} {}s", c.what.label()),
                    };
                    let said =
                        matches!(c.why, Why::ExplicitField | Why::ExceptionType | Why::Masked)
                            || (counts && c.what != What::Frame);
                    if !said {
                        s.push_str(&format!(" ({})", c.why.wording()));
                    }
                    s
                })
                .collect();
            listed.join(", ")
        };
        let mut out = format!("counted: {}", side(true));
        let not = side(false);
        if !not.is_empty() {
            out.push_str(&format!("; not counted: {not}"));
        }
        out
    }
}

/// A sample of the events a fingerprint was computed from.
#[derive(Debug, Clone, Copy, Default)]
pub struct Sample<'a> {
    /// The event's message.
    pub message: &'a str,
    /// Its host field.
    pub host: Option<&'a str>,
}

/// Masked values listed at most.
pub const MAX_MASKED_VALUES: usize = 20;

/// Frames not counted that an explanation lists (the counted ones are always listed: there
/// are at most `MAX_FRAMES`); the rest are summed up in a note. A trace can hold millions.
pub const MAX_UNCOUNTED_FRAMES: usize = 60;

/// Other goroutines of a Go dump an explanation lists; the rest are counted in a note.
pub const MAX_GOROUTINES: usize = 10;

/// Explains `prekey` from the first of `traces` (stack rule) and `samples` (message
/// rule) that gives it, so from an event of this fingerprint.
pub fn explain(prekey: &PreKey, traces: &[&str], samples: &[Sample]) -> Explanation {
    let mut components = Vec::new();
    let mut notes = Vec::new();
    match prekey.rule {
        Rule::Explicit => components.push(Component::new(
            What::ExplicitFingerprint,
            &prekey.template,
            Why::ExplicitField,
        )),
        Rule::Stack => {
            components.push(match &prekey.error_type {
                Some(t) => Component::new(What::ExceptionType, t, Why::ExceptionType),
                None => Component::new(What::ExceptionType, "", Why::NoExceptionType),
            });
            match traces
                .iter()
                .map(|t| stack::read(t, true))
                .find(|r| r.keys[..] == prekey.frames[..])
            {
                Some(r) => {
                    let mut uncounted = 0;
                    let mut unlisted: std::collections::BTreeMap<&str, usize> =
                        std::collections::BTreeMap::new();
                    for (f, why) in r.frames.iter().zip(&r.why) {
                        if !why.counts() {
                            uncounted += 1;
                            if uncounted > MAX_UNCOUNTED_FRAMES {
                                *unlisted.entry(why.wording()).or_default() += 1;
                                continue;
                            }
                        }
                        components.push(Component::new(What::Frame, f.key(), *why));
                    }
                    if !unlisted.is_empty() {
                        let parts: Vec<String> =
                            unlisted.iter().map(|(w, n)| format!("{n} {w}")).collect();
                        notes.push(format!(
                            "{} more frame(s) not counted and not listed: {}",
                            uncounted - MAX_UNCOUNTED_FRAMES,
                            parts.join(", ")
                        ));
                    }
                    for g in r.other_goroutines.iter().take(MAX_GOROUTINES) {
                        let g = g.trim_end_matches(':');
                        components.push(Component::new(
                            What::Goroutine,
                            g,
                            Why::NotCrashingGoroutine,
                        ));
                    }
                    if r.other_goroutines.len() > MAX_GOROUTINES {
                        notes.push(format!(
                            "{} more goroutine(s) not listed",
                            r.other_goroutines.len() - MAX_GOROUTINES
                        ));
                    }
                }
                None => {
                    for f in prekey.frames.iter() {
                        components.push(Component::new(What::Frame, f, Why::InFingerprint));
                    }
                    notes.push(
                        "no trace of this fingerprint was kept: the frames that did not count are not listed"
                            .to_string(),
                    );
                }
            }
            components.push(Component::new(
                What::Message,
                &prekey.template,
                Why::NotInRule,
            ));
        }
        Rule::TemplateField | Rule::Message => {
            let (what, why) = if prekey.rule == Rule::Message {
                (What::Message, Why::MaskedMessage)
            } else {
                (What::TemplateField, Why::LoggerTemplate)
            };
            components.push(Component::new(what, &prekey.template, why));
            if prekey.rule == Rule::Message {
                match masked_from_samples(&prekey.template, samples) {
                    Some((values, err_field)) => {
                        let n = values.len();
                        for (context, v) in values.into_iter().take(MAX_MASKED_VALUES) {
                            let mut c = Component::new(What::MaskedValue, v, Why::Masked);
                            c.replaced_by = Some(mask::VAR);
                            c.context = context;
                            components.push(c);
                        }
                        if n > MAX_MASKED_VALUES {
                            notes.push(format!(
                                "{} more masked value(s) not listed",
                                n - MAX_MASKED_VALUES
                            ));
                        }
                        if err_field {
                            notes.push(
                                "the error field (err=…) is masked too; its values are not kept"
                                    .to_string(),
                            );
                        }
                    }
                    None => notes.push(
                        "no sample of this fingerprint was kept: its masked values are not listed"
                            .to_string(),
                    ),
                }
            }
            if let Some(o) = &prekey.origin {
                components.push(Component::new(What::Origin, o, Why::Origin));
            }
            if let Some(t) = &prekey.error_type {
                let why = if prekey.rule == Rule::Message {
                    Why::MiningPartition
                } else {
                    Why::NotInRule
                };
                components.push(Component::new(What::ExceptionType, t, why));
            }
        }
    }
    Explanation {
        rule: prekey.rule,
        components,
        notes,
    }
}

/// The values masking replaced in the first sample whose message masks into `template`,
/// and whether the template also holds an error field the samples do not keep.
fn masked_from_samples(
    template: &str,
    samples: &[Sample],
) -> Option<(Vec<(String, String)>, bool)> {
    samples.iter().find_map(|s| {
        let raw = strip_mediawiki_prefix(s.message);
        let masked = super::message_template(raw, None, super::host_named_in(s.message, s.host));
        if masked == template {
            return masked_values_in_context(raw, template).map(|v| (v, false));
        }
        // The event's error field was appended (` err=…`); samples keep only the message.
        let rest = template.strip_prefix(masked.as_str())?;
        rest.starts_with(" err=")
            .then(|| masked_values_in_context(raw, &masked).map(|v| (v, rest.contains(mask::VAR))))
            .flatten()
    })
}

/// The values of `raw` that `template` (its masked form) replaced with [`mask::VAR`], in
/// order: each placeholder aligned with the text it stands for. `None` when they do not
/// align.
pub fn masked_values(raw: &str, template: &str) -> Option<Vec<String>> {
    masked_values_in_context(raw, template).map(|v| v.into_iter().map(|(_, v)| v).collect())
}

/// [`masked_values`], each with the text before it (at most [`CONTEXT_CHARS`]).
fn masked_values_in_context(raw: &str, template: &str) -> Option<Vec<(String, String)>> {
    // Masking reads the first MAX_MASK_BYTES and writes tokens separated by single spaces.
    let mut end = raw.len().min(mask::MAX_MASK_BYTES);
    while !raw.is_char_boundary(end) {
        end -= 1;
    }
    let raw = raw[..end].split_whitespace().collect::<Vec<_>>().join(" ");
    let literals: Vec<&str> = template.split(mask::VAR).collect();
    let (first, rest) = literals.split_first()?;
    let mut at = raw.strip_prefix(first).map(|_| first.len())?;
    let mut values = Vec::new();
    for (i, lit) in rest.iter().enumerate() {
        // Each placeholder stands for at least one character; the literal after it is
        // found at its first place (the last one at the end).
        let from = at + raw[at..].chars().next()?.len_utf8();
        let found = if i + 1 == rest.len() {
            (raw.len() >= from + lit.len() && raw.ends_with(lit)).then(|| raw.len() - lit.len())
        } else if lit.is_empty() {
            Some(from)
        } else {
            raw[from..].find(lit).map(|j| from + j)
        }?;
        let before = &raw[..at];
        let skip = before.chars().count().saturating_sub(CONTEXT_CHARS);
        let context: String = before.chars().skip(skip).collect();
        values.push((context, raw.get(at..found)?.to_string()));
        at = found + lit.len();
    }
    (at == raw.len()).then_some(values)
}

#[cfg(test)]
mod tests;
