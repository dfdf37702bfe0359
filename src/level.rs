//! Severity: the normalized levels and how every log dialect's level maps onto them.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Normalized severity, ordered from least to most severe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Debug,
    Info,
    Notice,
    Warning,
    Error,
    Fatal,
}

impl Level {
    pub const ALL: [Level; 6] = [
        Level::Debug,
        Level::Info,
        Level::Notice,
        Level::Warning,
        Level::Error,
        Level::Fatal,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Level::Debug => "debug",
            Level::Info => "info",
            Level::Notice => "notice",
            Level::Warning => "warning",
            Level::Error => "error",
            Level::Fatal => "fatal",
        }
    }

    /// Parses a level name as written by loggers (`ERROR`, `warn`, `E`, `CRITICAL`, `SEVERE`...).
    pub fn from_name(name: &str) -> Option<Level> {
        let n = name
            .trim()
            .trim_matches(|c| c == '[' || c == ']' || c == ':');
        if n.is_empty() || n.len() > 12 {
            return None;
        }
        let mut buf = [0u8; 12];
        for (d, s) in buf.iter_mut().zip(n.bytes()) {
            *d = s.to_ascii_lowercase();
        }
        let lower = std::str::from_utf8(&buf[..n.len()]).ok()?;
        Some(match lower {
            "fatal" | "critical" | "crit" | "emerg" | "emergency" | "alert" | "panic"
            | "severe" | "f" | "c" => Level::Fatal,
            "error" | "err" | "e" | "eror" => Level::Error,
            "warning" | "warn" | "w" | "wrn" => Level::Warning,
            "notice" | "n" => Level::Notice,
            "info" | "information" | "informational" | "i" | "inf" => Level::Info,
            "debug" | "dbg" | "d" | "trace" | "fine" | "finer" | "finest" | "verbose" | "v"
            | "t" | "config" => Level::Debug,
            _ => return None,
        })
    }

    /// syslog / journald `PRIORITY` (0 emerg .. 7 debug).
    pub fn from_syslog(p: i64) -> Option<Level> {
        Some(match p {
            0..=2 => Level::Fatal,
            3 => Level::Error,
            4 => Level::Warning,
            5 => Level::Notice,
            6 => Level::Info,
            7 => Level::Debug,
            _ => return None,
        })
    }

    /// Bunyan / pino numeric levels (10 trace .. 60 fatal).
    pub fn from_bunyan(n: i64) -> Option<Level> {
        Some(match n {
            i64::MIN..=9 => return None,
            10..=29 => Level::Debug,
            30..=39 => Level::Info,
            40..=49 => Level::Warning,
            50..=59 => Level::Error,
            _ => Level::Fatal,
        })
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Level {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Level::from_name(s).ok_or_else(|| {
            format!("unknown level {s:?}: use fatal, error, warning, notice, info or debug")
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_from_many_dialects() {
        assert_eq!(Level::from_name("ERROR"), Some(Level::Error));
        assert_eq!(Level::from_name("[WARN]"), Some(Level::Warning));
        assert_eq!(Level::from_name("SEVERE"), Some(Level::Fatal));
        assert_eq!(Level::from_name("critical"), Some(Level::Fatal));
        assert_eq!(Level::from_name("Notice"), Some(Level::Notice));
        assert_eq!(Level::from_name("trace"), Some(Level::Debug));
        assert_eq!(Level::from_name("banana"), None);
    }

    #[test]
    fn numeric_levels() {
        assert_eq!(Level::from_syslog(3), Some(Level::Error));
        assert_eq!(Level::from_syslog(0), Some(Level::Fatal));
        assert_eq!(Level::from_syslog(9), None);
        assert_eq!(Level::from_bunyan(50), Some(Level::Error));
        assert_eq!(Level::from_bunyan(30), Some(Level::Info));
        assert_eq!(Level::from_bunyan(60), Some(Level::Fatal));
    }

    #[test]
    fn ordering_is_severity() {
        assert!(Level::Fatal > Level::Error && Level::Warning > Level::Notice);
        assert!(Level::Info > Level::Debug);
    }
}
