//! Turns the values captured from a structured event (JSON, logfmt) into an [`Event`]:
//! picks the best candidate per role, parses level and time, and derives what MediaWiki
//! leaves implicit (the version from a `/srv/mediawiki/php-<version>/` path).

use super::mapping::{FieldMap, Mark, Role};
use super::time::parse_timestamp;
use crate::event::{Dimension, Event};
use crate::level::{Level, NumericScale};
use std::borrow::Cow;

/// Values captured for one event: per role, the best-priority candidate seen so far.
#[derive(Default)]
pub struct Captures<'a> {
    slots: [Option<(u8, u16, Cow<'a, str>)>; 16],
    /// [`Mark`] bits of the dialect marks seen.
    marks: u8,
}

impl<'a> Captures<'a> {
    /// Offers a value found at path `path_id`; keeps it for each role where it beats what
    /// is there.
    pub fn offer(&mut self, map: &FieldMap, path_id: usize, value: Cow<'a, str>) {
        if let Some(mark) = map.mark_of_path[path_id] {
            self.marks |= mark.bit();
        }
        for &(role, prio) in &map.roles_of_path[path_id] {
            let slot = &mut self.slots[role as usize];
            if slot.as_ref().is_none_or(|(p, _, _)| prio < *p) {
                *slot = Some((prio, path_id as u16, value.clone()));
            }
        }
    }

    fn take(&mut self, role: Role) -> Option<Cow<'a, str>> {
        self.slots[role as usize]
            .take()
            .map(|(_, _, v)| v)
            .filter(|v| !is_blank(v))
    }

    fn path_of(&self, map: &FieldMap, role: Role) -> Option<String> {
        self.slots[role as usize]
            .as_ref()
            .map(|(_, id, _)| map.paths[*id as usize].clone())
    }

    pub fn is_empty(&self) -> bool {
        self.slots.iter().all(Option::is_none)
    }

    fn marked(&self, mark: Mark) -> bool {
        self.marks & mark.bit() != 0
    }

    /// The convention a numeric level of this record is written in, from the field that
    /// holds it and the dialect marks of the record. `None`: no convention is known, and a
    /// small number (0..=9) could be a syslog severity as well as an ascending level.
    fn numeric_scale(&self, path: Option<&str>) -> Option<NumericScale> {
        match path {
            Some(
                "PRIORITY"
                | "syslog.severity"
                | "log.syslog.severity.code"
                | "log.syslog.severity.name",
            ) => return Some(NumericScale::Syslog),
            Some("levelno") => return Some(NumericScale::Python),
            Some("level_value") => return Some(NumericScale::Logback),
            Some("severityNumber" | "severity_number" | "SeverityNumber") => {
                return Some(NumericScale::OpenTelemetry);
            }
            _ => {}
        }
        if self.marked(Mark::Gelf) {
            Some(NumericScale::Syslog)
        } else if self.marked(Mark::Nextcloud) {
            Some(NumericScale::Nextcloud)
        } else if self.marked(Mark::Bunyan) {
            Some(NumericScale::Bunyan)
        } else {
            None
        }
    }

    /// Builds the event. `raw` is used as the message when no message field was found.
    pub fn into_event(mut self, map: &FieldMap, raw: &'a str) -> Event<'a> {
        let mut ev = Event::default();
        let level_path = self.path_of(map, Role::Level);
        let scale = self.numeric_scale(level_path.as_deref());
        let clef = self.marked(Mark::Clef);
        if let Some(l) = self.take(Role::Level) {
            ev.level = parse_level(&l, scale);
        } else if clef {
            // Serilog's compact format leaves `@l` out for Information.
            ev.level = Some(Level::Info);
        }
        ev.timestamp = self.take(Role::Timestamp).and_then(|t| parse_timestamp(&t));
        ev.version = self.take(Role::Version);
        ev.template = self.take(Role::Template);
        ev.fingerprint = self.take(Role::Fingerprint);
        ev.error_type = self.take(Role::ErrorType);
        ev.error_message = self.take(Role::ErrorMessage);
        ev.stack = self.take(Role::Stack);
        ev.origin = self.take(Role::Origin);
        ev.request_id = self.take(Role::RequestId);
        ev.message = match self.take(Role::Message) {
            Some(m) => m,
            None => match &ev.error_message {
                Some(e) => e.clone(),
                None => Cow::Borrowed(raw),
            },
        };
        super::severity::infer_missing(&mut ev);
        if ev.version.is_none() {
            ev.version = ev
                .origin
                .as_deref()
                .and_then(version_from_path)
                .map(|v| Cow::Owned(v.to_string()));
        }
        for (role, dim) in [
            (Role::Host, Dimension::Host),
            (Role::Service, Dimension::Service),
            (Role::Wiki, Dimension::Wiki),
            (Role::Url, Dimension::Url),
            (Role::Channel, Dimension::Channel),
        ] {
            if let Some(v) = self.take(role) {
                let v = if dim == Dimension::Url {
                    url_path(v)
                } else {
                    v
                };
                ev.set_dim(dim, v);
            }
        }
        ev
    }
}

fn is_blank(s: &str) -> bool {
    match s.as_bytes().first() {
        None => true,
        Some(c) if c.is_ascii_whitespace() => s.trim().is_empty(),
        Some(_) => false,
    }
}

/// Level from a field value. A number is read in `scale` when the record says which; else
/// by its range where only one documented convention uses it (10..=60 Bunyan/pino,
/// 100..=600 Monolog, 5000 and up logback); a small number of unknown convention is no
/// level at all rather than a guess.
pub fn parse_level(v: &str, scale: Option<NumericScale>) -> Option<Level> {
    let v = v.trim();
    // An array of strings arrives joined by lines (`tags: ["warning", "plugins"]`): the
    // first that names a level.
    if v.contains('\n') {
        return v.lines().find_map(Level::from_name);
    }
    if let Ok(n) = v.parse::<i64>() {
        let scale = scale.or(match n {
            10..=60 => Some(NumericScale::Bunyan),
            100..=600 => Some(NumericScale::Monolog),
            5000..=60_000 => Some(NumericScale::Logback),
            _ => None,
        })?;
        return Level::from_number(n, scale);
    }
    Level::from_name(v)
}

/// `1.46.0-wmf.4` from `/srv/mediawiki/php-1.46.0-wmf.4/includes/Foo.php`.
pub fn version_from_path(path: &str) -> Option<&str> {
    let start = path.find("/php-")? + 5;
    let rest = &path[start..];
    let end = rest.find('/')?;
    let v = &rest[..end];
    (v.starts_with(|c: char| c.is_ascii_digit())).then_some(v)
}

/// The path of a URL for breakdowns: no scheme, host or query string (query values are PII).
fn url_path(v: Cow<'_, str>) -> Cow<'_, str> {
    let s: &str = &v;
    let query = memchr::memchr2(b'?', b'#', s.as_bytes());
    if s.starts_with('/') && query.is_none() {
        return v;
    }
    let before_query = &s[..query.unwrap_or(s.len())];
    let path = match before_query.find("://") {
        Some(i) => match before_query[i + 3..].find('/') {
            Some(j) => &before_query[i + 3 + j..],
            None => "/",
        },
        None => before_query,
    };
    if path.len() == s.len() {
        v
    } else {
        Cow::Owned(path.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_from_mediawiki_path() {
        assert_eq!(
            version_from_path("/srv/mediawiki/php-1.46.0-wmf.4/includes/Foo.php:12"),
            Some("1.46.0-wmf.4")
        );
        assert_eq!(version_from_path("/srv/app/php-lib/x.php"), None);
    }

    #[test]
    fn url_path_drops_query_and_host() {
        assert_eq!(
            url_path(Cow::Borrowed("/w/index.php?title=X&action=edit")),
            "/w/index.php"
        );
        assert_eq!(
            url_path(Cow::Borrowed("https://en.wikipedia.org/wiki/A?x=1")),
            "/wiki/A"
        );
        assert_eq!(url_path(Cow::Borrowed("[no req]")), "[no req]");
    }

    #[test]
    fn numeric_levels_by_convention() {
        assert_eq!(
            parse_level("3", Some(NumericScale::Syslog)),
            Some(Level::Error)
        );
        assert_eq!(
            parse_level("1", Some(NumericScale::Nextcloud)),
            Some(Level::Info)
        );
        assert_eq!(parse_level("50", None), Some(Level::Error));
        assert_eq!(parse_level("400", None), Some(Level::Error));
        assert_eq!(parse_level("250", None), Some(Level::Notice));
        assert_eq!(parse_level("40000", None), Some(Level::Error));
        assert_eq!(
            parse_level("1", None),
            None,
            "syslog alert or info? unknown"
        );
        assert_eq!(parse_level("WARNING", None), Some(Level::Warning));
        assert_eq!(parse_level("D2", None), Some(Level::Debug));
        assert_eq!(parse_level("plugins\nwarning", None), Some(Level::Warning));
        assert_eq!(parse_level("plugins\nlistening", None), None);
    }
}
