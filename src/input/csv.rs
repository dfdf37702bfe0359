//! Log exports in CSV (RFC 4180), as log services download them: CloudWatch Logs'
//! `timestamp,message` and Logs Insights' `@timestamp,@message,@logStream`, Kibana
//! Discover's and Datadog's table exports. The first line names the columns; a quoted field
//! may hold commas, doubled quotes and line breaks, so one row may span lines. The message
//! column is the wrapped text: its lines are read as any input's lines are (a text log's
//! header and trace lines, which CloudWatch splits one per row when a runtime writes them
//! line by line, join again; a JSON message is a JSON record), with the row's time, level
//! and service as a wrapper's, and rows of different log streams or hosts joined apart.

use super::mapping::Role;

/// The column a role is read from: one of the names a JSON record's field is known by for
/// that role (src/input/mapping.rs), in any case, or a name only exports use (Datadog's
/// `status` for the level, Logs Insights' `@logStream`).
fn names_role(name: &str, role: Role) -> bool {
    let extra: &[&str] = match role {
        Role::Message => &["@message", "textPayload", "content"],
        Role::Level => &["status", "severity"],
        Role::Host => &["@logStream", "logStream", "log_stream"],
        _ => &[],
    };
    role.defaults()
        .iter()
        .chain(extra)
        .any(|n| n.eq_ignore_ascii_case(name))
}

/// The longest row taken: a row whose quotes never close is cut here (or past
/// `records::MAX_RECORD_BYTES`).
const MAX_ROW_LINES: usize = 10_000;

/// The fields of one CSV line or row, unquoted; `None` while a quoted field is still open
/// at the end of `row`.
fn fields(row: &str) -> Option<Vec<String>> {
    let mut out = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = row.chars().peekable();
    let mut at_start = true;
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                _ => field.push(c),
            }
            continue;
        }
        match c {
            '"' if at_start => {
                quoted = true;
                at_start = false;
            }
            ',' => {
                out.push(std::mem::take(&mut field));
                at_start = true;
            }
            _ => {
                field.push(c);
                at_start = false;
            }
        }
    }
    if quoted {
        return None;
    }
    out.push(field);
    Some(out)
}

/// The first line names the columns of a log export: two or more names, none of them
/// empty or long, one of them a message's.
pub fn is_header(line: &str) -> bool {
    let line = line.trim_start_matches('\u{feff}').trim_end();
    let Some(names) = fields(line) else {
        return false;
    };
    names.len() >= 2
        && names.iter().all(|n| {
            !n.is_empty()
                && n.len() <= 64
                && n.bytes().all(|c| {
                    c.is_ascii_alphanumeric() || matches!(c, b'_' | b'@' | b'.' | b'-' | b' ')
                })
        })
        && names.iter().any(|n| names_role(n, Role::Message))
}

/// One line of a row's message, with what the row's other columns say of it.
#[derive(Debug, Clone, PartialEq)]
pub struct CsvLine {
    pub line: u64,
    pub text: String,
    /// The log stream or host the row came from: rows of different ones are joined apart.
    pub stream: String,
    pub timestamp: Option<i64>,
    pub level: Option<crate::level::Level>,
    pub service: Option<String>,
}

/// Where each role's column is, by the header's names.
#[derive(Default)]
struct Columns {
    /// How many columns the header names.
    count: usize,
    message: usize,
    time: Option<usize>,
    level: Option<usize>,
    service: Option<usize>,
    stream: Option<usize>,
}

impl Columns {
    fn new(names: &[String]) -> Columns {
        let find = |role: Role| names.iter().position(|n| names_role(n, role));
        Columns {
            count: names.len(),
            message: find(Role::Message).unwrap_or(names.len().saturating_sub(1)),
            time: find(Role::Timestamp),
            level: find(Role::Level),
            service: find(Role::Service),
            stream: find(Role::Host),
        }
    }
}

/// Joins an export's lines into rows and gives out each row's message lines.
#[derive(Default)]
pub struct CsvRows {
    columns: Option<Columns>,
    /// A row whose quoted field is still open: its first line, text, lines.
    open: Option<(u64, String, usize)>,
    /// The quotes in the open row so far: odd while a quoted field is open (a quote inside
    /// one is doubled), so each line is counted once, not the whole row again.
    quotes: usize,
}

impl CsvRows {
    /// Feeds one line; returns the lines of the row it completes. The header line, and
    /// rows that are blank, give nothing.
    pub fn push(&mut self, line_no: u64, line: &str) -> Vec<CsvLine> {
        let (first, text, lines) = match self.open.take() {
            Some((first, mut text, lines)) => {
                text.push('\n');
                text.push_str(line);
                (first, text, lines + 1)
            }
            None => {
                self.quotes = 0;
                (line_no, line.to_string(), 1)
            }
        };
        self.quotes += memchr::memchr_iter(b'"', line.as_bytes()).count();
        if self.quotes % 2 == 1 {
            if lines < MAX_ROW_LINES && text.len() < super::records::MAX_RECORD_BYTES {
                self.open = Some((first, text, lines));
                return Vec::new();
            }
            // Quotes that never close: the row as it stands, quote and all.
            return self.row(first, vec![text]);
        }
        let values = fields(&text).unwrap_or_else(|| vec![text.clone()]);
        self.row(first, values)
    }

    /// The row still open when the input ends.
    pub fn finish(&mut self) -> Vec<CsvLine> {
        match self.open.take() {
            Some((first, text, _)) => self.row(first, vec![text]),
            None => Vec::new(),
        }
    }

    fn row(&mut self, first: u64, mut values: Vec<String>) -> Vec<CsvLine> {
        let Some(columns) = &self.columns else {
            let names: Vec<String> = values
                .into_iter()
                .map(|v| v.trim_start_matches('\u{feff}').trim().to_string())
                .collect();
            self.columns = Some(Columns::new(&names));
            return Vec::new();
        };
        if values.iter().all(|v| v.trim().is_empty()) {
            return Vec::new();
        }
        let column = |i: Option<usize>| i.and_then(|i| values.get(i)).map(|v| v.trim());
        let timestamp = column(columns.time).and_then(super::time::parse_timestamp);
        let level = column(columns.level).and_then(crate::level::Level::from_name);
        let service = column(columns.service)
            .filter(|s| !s.is_empty())
            .map(str::to_string);
        let stream = column(columns.stream).unwrap_or("").to_string();
        // A row too short for its message column (a stray line) is read whole.
        let message = if columns.message + 1 == columns.count && values.len() > columns.count {
            // The last column, unquoted, holding commas of its own.
            values[columns.message..].join(",")
        } else if columns.message < values.len() {
            std::mem::take(&mut values[columns.message])
        } else {
            values.join(",")
        };
        // The line break a runtime ended its write with is not a line of the message.
        let message = message.trim_end_matches(['\n', '\r']);
        message
            .split('\n')
            .enumerate()
            .map(|(k, text)| CsvLine {
                line: first + k as u64,
                text: text.trim_end_matches('\r').to_string(),
                stream: stream.clone(),
                timestamp,
                level,
                service: service.clone(),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_span_lines_and_give_their_message_lines() {
        // CloudWatch Logs' console export: each message keeps its newline inside quotes.
        let input = "timestamp,message\n\
                     1689878257942,\"START RequestId: 7a1 Version: 9\n\"\n\
                     1689878259961,\"2023-07-20T18:37:39.961Z 7a1 Task timed out, after \"\"2.02\"\" seconds\n\"\n\
                     1689878259962,\"java.lang.IllegalStateException: x\n\tat a.B.c(B.java:1)\n\"\n";
        assert!(is_header(input.lines().next().unwrap()));
        let mut rows = CsvRows::default();
        let mut out = Vec::new();
        for (i, l) in input.lines().enumerate() {
            out.extend(rows.push(i as u64 + 1, l));
        }
        out.extend(rows.finish());
        let lines: Vec<(u64, &str)> = out.iter().map(|l| (l.line, l.text.as_str())).collect();
        assert_eq!(
            lines,
            vec![
                (2, "START RequestId: 7a1 Version: 9"),
                (
                    4,
                    "2023-07-20T18:37:39.961Z 7a1 Task timed out, after \"2.02\" seconds"
                ),
                (6, "java.lang.IllegalStateException: x"),
                (7, "\tat a.B.c(B.java:1)"),
            ]
        );
        assert_eq!(out[1].timestamp, Some(1_689_878_259_961));
    }

    #[test]
    fn level_service_and_stream_columns() {
        let mut rows = CsvRows::default();
        assert!(rows.push(1, "date,host,service,status,message").is_empty());
        let line = rows
            .push(2, "2024-05-01T10:00:00Z,web-1,api,error,boom")
            .remove(0);
        assert_eq!(line.level, Some(crate::level::Level::Error));
        assert_eq!(line.service.as_deref(), Some("api"));
        assert_eq!(line.stream, "web-1");
        assert_eq!(line.text, "boom");
        // The last column unquoted, with commas of its own.
        let line = rows
            .push(
                3,
                "2024-05-01T10:00:00Z,web-1,api,warn,retry 2, backing off",
            )
            .remove(0);
        assert_eq!(line.text, "retry 2, backing off");
    }

    #[test]
    fn only_an_export_header_opens_a_csv_input() {
        assert!(is_header("\"@timestamp\",\"@message\",\"@logStream\""));
        assert!(is_header("date,host,service,message,status"));
        // A log line with commas, a header without a message column.
        assert!(!is_header(
            "2024-01-01 10:00:00,123 INFO main - started, ok"
        ));
        assert!(!is_header("a,b,c"));
        assert!(!is_header("message"));
    }

    #[test]
    fn a_long_quoted_row_is_read_in_linear_time() {
        // 10,000 lines inside one quoted field: counted line by line, parsed once.
        let mut rows = CsvRows::default();
        assert!(rows.push(1, "time,message").is_empty());
        assert!(rows.push(2, "1,\"start").is_empty());
        for i in 0..9_997u64 {
            assert!(rows.push(3 + i, "\tat a.B.c(B.java:1)").is_empty());
        }
        let out = rows.push(10_000, "end\"");
        assert_eq!(out.len(), 9_999);
        assert_eq!(out[0].line, 2);
    }

    #[test]
    fn an_unclosed_quote_does_not_swallow_the_input() {
        let mut rows = CsvRows::default();
        assert!(rows.push(1, "time,message").is_empty());
        assert!(rows.push(2, "1,\"never closed").is_empty());
        let out = rows.finish();
        assert_eq!(out[0].line, 2);
        assert!(out[0].text.contains("never closed"));
    }
}
