//! logtriage core: everything that knows about logs and nothing about terminals or networks.
//!
//! The pipeline is `input` (read files into [`event::Event`]s) → `fingerprint` (a stable key
//! per error) → `grouping`
//! (which fingerprints are one group: a person's merges, the template store, mining) →
//! `aggregate` (per group and version statistics, bounded by groups) → `diff`
//! (status per group between two versions) → `report` (JSON, Markdown, Remarkup) and `gate`
//! (the deploy check). `demo` writes a deterministic release train used by tests and docs.

pub mod aggregate;
pub mod coarse;
pub mod config;
pub mod decisions;
pub mod demo;
pub mod diff;
pub mod event;
pub mod filing;
pub mod fingerprint;
pub mod gate;
pub mod grouping;
pub mod hash;
pub mod histogram;
pub mod input;
pub mod level;
pub mod pipeline;
pub mod redact;
pub mod report;
pub mod sanitize;
pub mod source;
pub mod stats;
pub mod task;
pub mod topk;
