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

    /// Parses a level name as written by loggers, in any case and padding (`ERROR`,
    /// `warn`, `E`, `CRITICAL`, `SEVERE`, `[warning  ]`, PostgreSQL's `LOG`, MySQL's `Note`,
    /// MongoDB's `D2`, Serilog's `Verbose`, npm's and winston's `silly`...).
    pub fn from_name(name: &str) -> Option<Level> {
        let n = name
            .trim()
            .trim_matches(|c| c == '[' || c == ']' || c == ':')
            .trim();
        if n.is_empty() || n.len() > 13 {
            return None;
        }
        let mut buf = [0u8; 13];
        for (d, s) in buf.iter_mut().zip(n.bytes()) {
            *d = s.to_ascii_lowercase();
        }
        let lower = std::str::from_utf8(&buf[..n.len()]).ok()?;
        Some(match lower {
            "fatal" | "critical" | "crit" | "emerg" | "emergency" | "alert" | "panic"
            | "dpanic" | "fatl" | "ftl" | "pnc" | "f" | "c" => Level::Fatal,
            // .NET's console logger writes `fail:` for errors, `dbug:` and `trce:` below.
            // java.util.logging's SEVERE is its highest level, which the JUL bridges
            // (jul-to-slf4j, log4j-jul) map to ERROR: Tomcat logs a failed request at it.
            "error" | "err" | "e" | "eror" | "erro" | "fail" | "severe" => Level::Error,
            // A deprecation is a warning in every runtime's convention (Python's and Node's
            // DeprecationWarning); PHP's `Deprecated:` and MediaWiki's `[deprecated]`
            // channel too (Wikimedia's train is held for new deprecation messages).
            "warning" | "warn" | "w" | "wrn" | "wrng" | "deprecated" => Level::Warning,
            "notice" | "n" | "strict" | "ntc" => Level::Notice,
            // PostgreSQL's LOG, MySQL's Note.
            "info" | "information" | "informational" | "i" | "inf" | "log" | "note" => Level::Info,
            "debug" | "dbg" | "dbug" | "d" | "trace" | "trc" | "trce" | "fine" | "finer"
            | "finest" | "verbose" | "silly" | "v" | "t" | "config" | "d1" | "d2" | "d3" | "d4"
            | "d5" | "debug1" | "debug2" | "debug3" | "debug4" | "debug5" => Level::Debug,
            _ => return None,
        })
    }

    /// A numeric level, read in the convention of the program that wrote it.
    pub fn from_number(n: i64, scale: NumericScale) -> Option<Level> {
        Some(match scale {
            NumericScale::Syslog => match n {
                0..=2 => Level::Fatal,
                3 => Level::Error,
                4 => Level::Warning,
                5 => Level::Notice,
                6 => Level::Info,
                7 => Level::Debug,
                _ => return None,
            },
            NumericScale::Bunyan => match n {
                10..=29 => Level::Debug,
                30..=39 => Level::Info,
                40..=49 => Level::Warning,
                50..=59 => Level::Error,
                60..=100 => Level::Fatal,
                _ => return None,
            },
            NumericScale::Python => match n {
                1..=19 => Level::Debug,
                20..=29 => Level::Info,
                30..=39 => Level::Warning,
                40..=49 => Level::Error,
                50..=100 => Level::Fatal,
                _ => return None,
            },
            NumericScale::Monolog => match n {
                100..=199 => Level::Debug,
                200..=249 => Level::Info,
                250..=299 => Level::Notice,
                300..=399 => Level::Warning,
                400..=499 => Level::Error,
                500..=600 => Level::Fatal,
                _ => return None,
            },
            NumericScale::Logback => match n {
                0..=19_999 => Level::Debug,
                20_000..=29_999 => Level::Info,
                30_000..=39_999 => Level::Warning,
                40_000..=49_999 => Level::Error,
                50_000..=i64::MAX => Level::Fatal,
                _ => return None,
            },
            NumericScale::OpenTelemetry => match n {
                1..=8 => Level::Debug,
                9..=12 => Level::Info,
                13..=16 => Level::Warning,
                17..=20 => Level::Error,
                21..=24 => Level::Fatal,
                _ => return None,
            },
            NumericScale::Nextcloud => match n {
                0 => Level::Debug,
                1 => Level::Info,
                2 => Level::Warning,
                3 => Level::Error,
                4 => Level::Fatal,
                _ => return None,
            },
        })
    }

    /// syslog / journald `PRIORITY` (0 emerg .. 7 debug).
    pub fn from_syslog(p: i64) -> Option<Level> {
        Level::from_number(p, NumericScale::Syslog)
    }
}

/// The conventions numeric levels are written in. Each is a program's documented scale:
/// syslog severities (RFC 5424; journald `PRIORITY`, GELF `level`), Bunyan and pino
/// (10 trace .. 60 fatal), Python `levelno` (10 .. 50), Monolog (100 debug .. 600
/// emergency), logback's `level_value` (10000 .. 40000), OpenTelemetry `SeverityNumber`
/// (1 .. 24) and Nextcloud (0 debug .. 4 fatal).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumericScale {
    Syslog,
    Bunyan,
    Python,
    Monolog,
    Logback,
    OpenTelemetry,
    Nextcloud,
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
        assert_eq!(Level::from_name("SEVERE"), Some(Level::Error));
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
        assert_eq!(
            Level::from_number(50, NumericScale::Bunyan),
            Some(Level::Error)
        );
        assert_eq!(
            Level::from_number(30, NumericScale::Bunyan),
            Some(Level::Info)
        );
        assert_eq!(
            Level::from_number(60, NumericScale::Bunyan),
            Some(Level::Fatal)
        );
    }

    #[test]
    fn ordering_is_severity() {
        assert!(Level::Fatal > Level::Error && Level::Warning > Level::Notice);
        assert!(Level::Info > Level::Debug);
    }
}
