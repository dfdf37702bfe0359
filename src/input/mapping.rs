//! Field mapping: which field of a structured event plays which role (version, level,
//! message...). Candidates cover MediaWiki legacy and ECS, ECS generally, logfmt, journald,
//! Bunyan/pino, Serilog (CLEF and JSON), GELF, python-json-logger, structlog, Rust tracing,
//! log4j2's JSON layouts, logstash-logback, MongoDB, Nextcloud and OpenTelemetry; the first
//! candidate present wins. Every role can be overridden. A few keys are read only as marks
//! of the dialect that wrote the record, which says how its numeric level is to be read.

use std::collections::HashMap;

/// A role a field can play in an [`crate::event::Event`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    Version,
    Level,
    Timestamp,
    Message,
    Template,
    Fingerprint,
    ErrorType,
    ErrorMessage,
    Stack,
    Origin,
    RequestId,
    Host,
    Service,
    Wiki,
    Url,
    Channel,
}

impl Role {
    pub const ALL: [Role; 16] = [
        Role::Version,
        Role::Level,
        Role::Timestamp,
        Role::Message,
        Role::Template,
        Role::Fingerprint,
        Role::ErrorType,
        Role::ErrorMessage,
        Role::Stack,
        Role::Origin,
        Role::RequestId,
        Role::Host,
        Role::Service,
        Role::Wiki,
        Role::Url,
        Role::Channel,
    ];

    /// The name used in `--field ROLE=PATH` and in the config's `[fields]` table.
    pub fn name(self) -> &'static str {
        match self {
            Role::Version => "version",
            Role::Level => "level",
            Role::Timestamp => "timestamp",
            Role::Message => "message",
            Role::Template => "template",
            Role::Fingerprint => "fingerprint",
            Role::ErrorType => "error_type",
            Role::ErrorMessage => "error_message",
            Role::Stack => "stack",
            Role::Origin => "origin",
            Role::RequestId => "request_id",
            Role::Host => "host",
            Role::Service => "service",
            Role::Wiki => "wiki",
            Role::Url => "url",
            Role::Channel => "channel",
        }
    }

    pub fn from_name(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.name() == s)
    }

    /// Built-in candidates, most specific first.
    pub(crate) fn defaults(self) -> &'static [&'static str] {
        match self {
            // MediaWiki legacy, ECS, logfmt/generic, OpenTelemetry-ish.
            Role::Version => &[
                "mwversion",
                "service.version",
                "version",
                "labels.version",
                "app.version",
                "release",
            ],
            // Names before numbers: Monolog writes both `level_name` and `level`.
            Role::Level => &[
                "log.level",
                "@level",
                "level_name",
                "levelname",
                "level",
                "severity",
                "severityText",
                "severity_text",
                "SeverityText",
                "@l",
                "Level",
                "log_level",
                "PRIORITY",
                "lvl",
                "loglevel",
                "levelno",
                "level_value",
                "severityNumber",
                "severity_number",
                "SeverityNumber",
                "syslog.severity",
                "log.syslog.severity.name",
                "log.syslog.severity.code",
                "s",
                // loguru's `serialize=True` records.
                "record.level.name",
                // Kibana's JSON log puts the level among its `tags`.
                "tags",
            ],
            Role::Timestamp => &[
                "@timestamp",
                "timestamp",
                "time",
                "ts",
                "__REALTIME_TIMESTAMP",
                "date",
                "@t",
                "datetime",
                "asctime",
                "timeMillis",
                "instant.epochSecond",
                "Timestamp",
                "timeUnixNano",
                "t.$date",
                "t",
                "record.time.timestamp",
            ],
            Role::Message => &[
                "message",
                "msg",
                "MESSAGE",
                "@message",
                "@m",
                "short_message",
                "fields.message",
                "logEvent.message",
                "Message",
                "RenderedMessage",
                "log",
                "record.message",
                "text",
                "event",
                "body",
                "@mt",
                "MessageTemplate",
                // Google Cloud Logging's LogEntry.
                "textPayload",
                "jsonPayload.message",
            ],
            Role::Template => &[
                "normalized_message",
                "labels.normalized_message",
                "@mt",
                "MessageTemplate",
            ],
            // Only when configured: an explicit fingerprint is the user's decision.
            Role::Fingerprint => &[],
            Role::ErrorType => &[
                "exception.class",
                "error.type",
                "err.type",
                "error.kind",
                "err.name",
                "exception.type",
                "exc_type",
                "thrown.name",
                "record.exception.type",
            ],
            Role::ErrorMessage => &[
                "exception.message",
                "error.message",
                "err.message",
                "err",
                "error",
                "thrown.message",
                "record.exception.value",
            ],
            Role::Stack => &[
                "exception.trace",
                "error.stack_trace",
                "err.stack",
                "error.stack",
                "stack_trace",
                "stacktrace",
                "stack",
                "exc_info",
                "exc_text",
                "exception.stacktrace",
                "thrown.extendedStackTrace",
                "@x",
                "Exception",
                "full_message",
            ],
            Role::Origin => &[
                "exception.file",
                "log.origin.file.name",
                "caller",
                "log.logger",
                "logger",
                "logger_name",
                "loggerName",
                "target",
                "@module",
                "SourceContext",
                "CODE_FILE",
                "name",
                "src",
            ],
            Role::RequestId => &[
                "reqId",
                "trace.id",
                "request_id",
                "requestId",
                "req_id",
                "x_request_id",
            ],
            Role::Host => &[
                "host.name",
                "host",
                "hostname",
                "_HOSTNAME",
                "host.hostname",
            ],
            Role::Service => &[
                "service.name",
                "service",
                "_SYSTEMD_UNIT",
                "app",
                "servergroup",
                "labels.servergroup",
                "kubernetes.labels.app",
                "component",
                "resource.labels.service_name",
            ],
            Role::Wiki => &["wiki", "labels.wiki"],
            Role::Url => &[
                "exception_url",
                "url.path",
                "url",
                "url.original",
                "url.full",
                "request.url",
                "path",
                "http.request.path",
                "httpRequest.requestUrl",
            ],
            Role::Channel => &["channel", "labels.channel", "log.logger", "logger"],
        }
    }
}

/// A key whose presence says which program wrote a JSON record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    /// Bunyan's `v` (its format version) and pino's `pid`+`hostname`: levels 10..60.
    Bunyan,
    /// Nextcloud's `remoteAddr` / `userAgent` beside `reqId`: levels 0 debug .. 4 fatal.
    Nextcloud,
    /// GELF's `short_message`: `level` is a syslog severity.
    Gelf,
    /// Serilog's compact format (`@t`): a record without `@l` is Information.
    Clef,
}

impl Mark {
    pub fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

/// The keys read only as dialect marks.
const MARKS: [(&str, Mark); 5] = [
    ("v", Mark::Bunyan),
    ("remoteAddr", Mark::Nextcloud),
    ("userAgent", Mark::Nextcloud),
    ("short_message", Mark::Gelf),
    ("@t", Mark::Clef),
];

/// Resolved mapping: candidate paths per role, with user overrides applied.
#[derive(Debug, Clone)]
pub struct FieldMap {
    /// All paths any role may read, deduplicated; index = path id.
    pub paths: Vec<String>,
    /// path id -> roles it may fill, with the candidate's priority (0 = best).
    pub roles_of_path: Vec<Vec<(Role, u8)>>,
    /// path id -> the dialect its presence marks, if any.
    pub mark_of_path: Vec<Option<Mark>>,
    /// Roles the user mapped to a field of their own.
    pub overridden: Vec<Role>,
}

impl Default for FieldMap {
    fn default() -> Self {
        FieldMap::new(&HashMap::new())
    }
}

impl FieldMap {
    /// Builds the mapping; an override replaces a role's candidates with one path.
    pub fn new(overrides: &HashMap<Role, String>) -> FieldMap {
        let mut paths: Vec<String> = Vec::new();
        let mut roles_of_path: Vec<Vec<(Role, u8)>> = Vec::new();
        let mut index: HashMap<String, usize> = HashMap::new();
        for role in Role::ALL {
            let list: Vec<&str> = match overrides.get(&role) {
                Some(p) => vec![p.as_str()],
                None => role.defaults().to_vec(),
            };
            for (prio, p) in list.into_iter().enumerate() {
                let id = *index.entry(p.to_string()).or_insert_with(|| {
                    paths.push(p.to_string());
                    roles_of_path.push(Vec::new());
                    paths.len() - 1
                });
                roles_of_path[id].push((role, prio as u8));
            }
        }
        let mut mark_of_path = vec![None; paths.len()];
        for (p, mark) in MARKS {
            let id = *index.entry(p.to_string()).or_insert_with(|| {
                paths.push(p.to_string());
                roles_of_path.push(Vec::new());
                mark_of_path.push(None);
                paths.len() - 1
            });
            mark_of_path[id] = Some(mark);
        }
        FieldMap {
            paths,
            roles_of_path,
            mark_of_path,
            overridden: overrides.keys().copied().collect(),
        }
    }

    /// Adds `path` as the last candidate for `role`.
    pub fn add_candidate(&mut self, role: Role, path: &str) {
        let id = match self.path_id(path) {
            Some(id) => id,
            None => {
                self.paths.push(path.to_string());
                self.roles_of_path.push(Vec::new());
                self.mark_of_path.push(None);
                self.paths.len() - 1
            }
        };
        if self.roles_of_path[id].iter().any(|(r, _)| *r == role) {
            return;
        }
        self.roles_of_path[id].push((role, u8::MAX));
    }

    /// True when `path` is a candidate for `role`.
    pub fn reads(&self, role: Role, path: &str) -> bool {
        self.path_id(path)
            .is_some_and(|id| self.roles_of_path[id].iter().any(|(r, _)| *r == role))
    }

    pub fn path_id(&self, path: &str) -> Option<usize> {
        self.paths.iter().position(|p| p == path)
    }
}

/// Parses `ROLE=PATH` as given to `--field`.
pub fn parse_override(s: &str) -> Result<(Role, String), String> {
    let (role, path) = s
        .split_once('=')
        .ok_or_else(|| format!("--field {s:?}: expected ROLE=FIELD, e.g. version=app.release"))?;
    let role = Role::from_name(role.trim()).ok_or_else(|| {
        let names: Vec<&str> = Role::ALL.iter().map(|r| r.name()).collect();
        format!(
            "--field {s:?}: unknown role {role:?}; roles are {}",
            names.join(", ")
        )
    })?;
    let path = path.trim();
    if path.is_empty() {
        return Err(format!("--field {s:?}: empty field name"));
    }
    Ok((role, path.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn override_replaces_candidates() {
        let mut o = HashMap::new();
        o.insert(Role::Version, "app.release".to_string());
        let m = FieldMap::new(&o);
        let id = m.path_id("app.release").unwrap();
        assert_eq!(m.roles_of_path[id], vec![(Role::Version, 0)]);
        // mwversion no longer maps to Version
        assert!(m.path_id("mwversion").is_none());
    }

    #[test]
    fn parse_override_errors_are_clear() {
        assert_eq!(
            parse_override("level=sev").unwrap(),
            (Role::Level, "sev".into())
        );
        assert!(
            parse_override("nope=x")
                .unwrap_err()
                .contains("unknown role")
        );
        assert!(parse_override("level").unwrap_err().contains("ROLE=FIELD"));
    }
}
