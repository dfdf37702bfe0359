//! From physical lines to records, for one input: strips ANSI escapes, takes wrappers off
//! (src/input/unwrap.rs), joins a wrapper's partial lines, and joins multi-line records
//! (src/input/records.rs) separately per stream, so that interleaved containers or stdout
//! and stderr never mix. Inputs that need none of this (plain NDJSON, logfmt) are read by
//! the pipeline's fast block path instead.

use super::level_column;
use super::records::{Joiner, JsonJoiner};
use super::unwrap::{self, Wrapper};
use super::{Format, detect_format};
use crate::level::Level;
use std::collections::VecDeque;

/// What a wrapper said about a record.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Meta {
    pub timestamp: Option<i64>,
    pub service: Option<String>,
    /// The level the wrapper gave the line: used when the record has none, written or
    /// inferred.
    pub wrapper_level: Option<Level>,
    /// The level in the input's level column (src/input/level_column.rs): the record's
    /// own, used when the record's header gave none.
    pub column_level: Option<Level>,
}

/// A record ready to parse.
#[derive(Debug, Clone, PartialEq)]
pub struct Assembled {
    pub line: u64,
    pub text: String,
    pub meta: Meta,
}

/// How one input's lines become records.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub format: Format,
    pub wrapper: Option<Wrapper>,
    /// JSON records span lines.
    pub json_multiline: bool,
    /// The start of the input with its wrapper taken off, per stream: each stream decides
    /// for itself whether its records start with headers.
    pub samples: Vec<(String, String)>,
}

impl Plan {
    /// Decides from the start of the input (`forced`: a format given by the user).
    pub fn new(sample: &[u8], forced: Option<Format>) -> Plan {
        let text = String::from_utf8_lossy(sample);
        let wrapper = if forced == Some(Format::Raw) {
            None
        } else {
            unwrap::detect(&text)
        };
        let samples = match wrapper {
            None => vec![(String::new(), unwrap::strip_ansi(&text).into_owned())],
            Some(w) => stream_samples(w, &text),
        };
        let joined;
        let inner = match samples.as_slice() {
            [(_, only)] => only.as_str(),
            _ => {
                joined = samples.iter().map(|(_, t)| t.as_str()).collect::<String>();
                joined.as_str()
            }
        };
        let format = forced.unwrap_or_else(|| detect_format(inner.as_bytes()));
        let json_multiline = format == Format::Ndjson && JsonJoiner::needed(inner);
        Plan {
            format,
            wrapper,
            json_multiline,
            samples,
        }
    }

    /// True when the lines must go through an [`Assembler`]; else each line is a record.
    pub fn needs_assembly(&self) -> bool {
        self.wrapper.is_some() || self.json_multiline || self.format == Format::Text
    }
}

/// The sample's inner lines grouped by stream (partial lines not joined: it is only a
/// sample). Lines not in the wrapper's shape go to the stream `""`, as [`Assembler`] reads
/// them.
fn stream_samples(w: Wrapper, text: &str) -> Vec<(String, String)> {
    let mut samples: Vec<(String, String)> = Vec::new();
    let mut add = |stream: &str, line: &str| {
        let i = match samples.iter().position(|(s, _)| s == stream) {
            Some(i) => i,
            None => {
                samples.push((stream.to_string(), String::new()));
                samples.len() - 1
            }
        };
        samples[i].1.push_str(line);
        samples[i].1.push('\n');
    };
    let mut rows = super::csv::CsvRows::default();
    for (i, line) in text.lines().enumerate() {
        let clean = unwrap::strip_ansi(line);
        if w == Wrapper::Csv {
            for l in rows.push(i as u64 + 1, &clean) {
                add(&l.stream, &l.text);
            }
            continue;
        }
        if w == Wrapper::Otlp {
            for r in unwrap::otlp_records(&clean).unwrap_or_default() {
                add("", &r);
            }
            continue;
        }
        match unwrap::unwrap(w, &clean) {
            Some(u) => add(&u.stream, &u.text),
            None => add("", &clean),
        }
    }
    samples
}

enum Joining {
    Text(Box<Joiner>),
    Json(JsonJoiner),
    Lines,
}

struct Stream {
    name: String,
    joining: Joining,
    /// A partial line waiting for the rest of its record: its first line, text, meta.
    partial: Option<(u64, String, Meta)>,
    /// Meta of the lines pushed and not yet emitted in a record, by line.
    metas: VecDeque<(u64, Meta)>,
    /// The field of a record's first line that holds its level, if the input has one.
    level_column: Option<usize>,
}

/// Turns one input's physical lines into records.
pub struct Assembler {
    plan: Plan,
    streams: Vec<Stream>,
    /// The stream used last.
    last: Option<usize>,
    /// Rows of a CSV export being joined.
    csv: super::csv::CsvRows,
}

impl Assembler {
    pub fn new(plan: Plan) -> Assembler {
        Assembler {
            plan,
            streams: Vec::new(),
            last: None,
            csv: Default::default(),
        }
    }

    fn stream(&mut self, name: &str) -> &mut Stream {
        // Most inputs have one stream, and a wrapped one a few: the last one used is
        // checked first.
        // (Empty names, most inputs', compared without a call to memcmp: this runs per line
        // and libc's memcmp showed in profiles even for zero bytes.)
        let same = |s: &Stream| s.name.len() == name.len() && (name.is_empty() || s.name == name);
        if let Some(last) = self.last
            && same(&self.streams[last])
        {
            return &mut self.streams[last];
        }
        if let Some(i) = self.streams.iter().position(same) {
            self.last = Some(i);
            return &mut self.streams[i];
        }
        self.last = Some(self.streams.len());
        let sample = self
            .plan
            .samples
            .iter()
            .find(|(s, _)| s == name)
            .map_or("", |(_, t)| t.as_str());
        let level_column = match self.plan.format {
            Format::Text => level_column::detect(sample),
            _ => None,
        };
        let joining = match self.plan.format {
            Format::Text => {
                Joining::Text(Box::new(Joiner::with_level_column(sample, level_column)))
            }
            Format::Ndjson if self.plan.json_multiline => Joining::Json(JsonJoiner::default()),
            _ => Joining::Lines,
        };
        self.streams.push(Stream {
            name: name.to_string(),
            joining,
            partial: None,
            metas: Default::default(),
            level_column,
        });
        self.streams.last_mut().expect("pushed")
    }

    /// Feeds one line of a CSV export's message on the row's stream, with the row's time,
    /// level and service as a wrapper's.
    fn feed_csv_line(&mut self, l: super::csv::CsvLine, out: &mut Vec<Assembled>) {
        let meta = Meta {
            timestamp: l.timestamp,
            service: l.service,
            wrapper_level: l.level,
            column_level: None,
        };
        self.stream(&l.stream).feed(l.line, &l.text, meta, out);
    }

    /// Feeds one physical line; completed records are appended to `out`.
    pub fn push(&mut self, line_no: u64, line: &str, out: &mut Vec<Assembled>) {
        let clean = unwrap::strip_ansi(line);
        let Some(w) = self.plan.wrapper else {
            self.stream("").feed(line_no, &clean, Meta::default(), out);
            return;
        };
        if w == Wrapper::Csv {
            for l in self.csv.push(line_no, &clean) {
                self.feed_csv_line(l, out);
            }
            return;
        }
        if w == Wrapper::Otlp {
            match unwrap::otlp_records(&clean) {
                Some(records) => {
                    for text in records {
                        self.stream("").feed(line_no, &text, Meta::default(), out);
                    }
                }
                None => self.stream("").feed(line_no, &clean, Meta::default(), out),
            }
            return;
        }
        let Some(u) = unwrap::unwrap(w, &clean) else {
            // Not in the wrapper's shape (a stray line): read as it is, on its own stream.
            self.stream("").feed(line_no, &clean, Meta::default(), out);
            return;
        };
        let meta = Meta {
            timestamp: u.timestamp,
            service: u.service.map(|s| s.into_owned()),
            wrapper_level: u.level,
            column_level: None,
        };
        let stream = self.stream(&u.stream);
        let (first, mut text, meta) = match stream.partial.take() {
            Some((first, mut text, meta)) => {
                text.push_str(&u.text);
                (first, text, meta)
            }
            None => (line_no, u.text.into_owned(), meta),
        };
        if u.partial && text.len() < super::MAX_LINE_BYTES {
            stream.partial = Some((first, text, meta));
            return;
        }
        if text.len() > super::MAX_LINE_BYTES {
            let mut cut = super::MAX_LINE_BYTES;
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            text.truncate(cut);
        }
        stream.feed(first, &text, meta, out);
    }

    /// Flushes every stream once the input has ended.
    pub fn finish(&mut self, out: &mut Vec<Assembled>) {
        for l in self.csv.finish() {
            self.feed_csv_line(l, out);
        }
        for s in &mut self.streams {
            if let Some((first, text, meta)) = s.partial.take() {
                s.feed(first, &text, meta, out);
            }
            loop {
                let last = match &mut s.joining {
                    Joining::Text(j) => j.finish(),
                    Joining::Json(j) => j.finish(),
                    Joining::Lines => None,
                };
                let Some((line, text)) = last else {
                    break;
                };
                let meta = s.meta_of(line, &text);
                out.push(Assembled { line, text, meta });
            }
        }
        out.sort_by_key(|a| a.line);
    }
}

impl Stream {
    fn feed(&mut self, line_no: u64, text: &str, meta: Meta, out: &mut Vec<Assembled>) {
        if let Joining::Lines = self.joining {
            if !text.trim().is_empty() {
                out.push(Assembled {
                    line: line_no,
                    text: text.to_string(),
                    meta,
                });
            }
            return;
        }
        if meta != Meta::default() {
            self.metas.push_back((line_no, meta));
        }
        let done: Vec<(u64, String)> = match &mut self.joining {
            Joining::Text(j) => j.push(line_no, text).into_iter().collect(),
            Joining::Json(j) => j.push(line_no, text),
            Joining::Lines => unreachable!("handled above"),
        };
        for (line, text) in done {
            let meta = self.meta_of(line, &text);
            out.push(Assembled { line, text, meta });
        }
    }

    /// The meta of the record `text` starting at `line`; forgets the lines before it.
    fn meta_of(&mut self, line: u64, text: &str) -> Meta {
        let mut found = take_meta(&mut self.metas, line).unwrap_or_default();
        if let Some(column) = self.level_column {
            found.column_level = level_column::read(text, column);
        }
        found
    }
}

/// The meta held for the record starting at `line`, from metas kept in line order;
/// forgets those of the lines before it.
pub fn take_meta(metas: &mut VecDeque<(u64, Meta)>, line: u64) -> Option<Meta> {
    let mut found = None;
    while metas.front().is_some_and(|(l, _)| *l <= line) {
        let (l, m) = metas.pop_front().expect("checked");
        if l == line {
            found = Some(m);
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assemble(input: &str) -> (Plan, Vec<Assembled>) {
        let plan = Plan::new(input.as_bytes(), None);
        let mut a = Assembler::new(plan.clone());
        let mut out = Vec::new();
        for (i, l) in input.lines().enumerate() {
            a.push(i as u64 + 1, l, &mut out);
        }
        a.finish(&mut out);
        (plan, out)
    }

    #[test]
    fn each_record_carries_its_level_column() {
        let mut input = String::new();
        for (i, level) in ["INFO", "INFO", "FATAL", "INFO", "WARNING", "INFO"]
            .iter()
            .enumerate()
        {
            input.push_str(&format!(
                "- 111783857{i} 2005.06.03 R02-M1-N0 2005-06-03-15.42.5{i}.675872 R02-M1-N0 RAS KERNEL {level} cache parity error corrected\n"
            ));
        }
        let (_, out) = assemble(&input);
        let levels: Vec<_> = out.iter().map(|a| a.meta.column_level).collect();
        use crate::level::Level::{Fatal, Info, Warning};
        assert_eq!(
            levels,
            [
                Some(Info),
                Some(Info),
                Some(Fatal),
                Some(Info),
                Some(Warning),
                Some(Info)
            ]
        );
    }

    #[test]
    fn docker_json_file_with_a_traceback_and_a_cut_line() {
        let input = [
            r#"{"log":"2024-01-01 10:00:00,000 ERROR app: boom\n","stream":"stderr","time":"2024-01-01T10:00:00.1Z"}"#,
            r#"{"log":"served / 200\n","stream":"stdout","time":"2024-01-01T10:00:00.2Z"}"#,
            r#"{"log":"Traceback (most recent call last):\n","stream":"stderr","time":"2024-01-01T10:00:00.3Z"}"#,
            r#"{"log":"  File \"a.py\", line 1, in f\n","stream":"stderr","time":"2024-01-01T10:00:00.4Z"}"#,
            r#"{"log":"KeyError: 'x'\n","stream":"stderr","time":"2024-01-01T10:00:00.5Z"}"#,
            r#"{"log":"a very long line cut by the dri","stream":"stdout","time":"2024-01-01T10:00:01Z"}"#,
            r#"{"log":"ver in two\n","stream":"stdout","time":"2024-01-01T10:00:01Z"}"#,
        ]
        .join("\n");
        let (plan, out) = assemble(&input);
        assert_eq!(plan.wrapper, Some(Wrapper::DockerJson));
        assert_eq!(plan.format, Format::Text);
        let got: Vec<(u64, &str)> = out.iter().map(|a| (a.line, a.text.as_str())).collect();
        assert_eq!(got[0].0, 1);
        assert!(got[0].1.ends_with("KeyError: 'x'"), "{got:?}");
        assert_eq!(got[1], (2, "served / 200"));
        assert_eq!(got[2], (6, "a very long line cut by the driver in two"));
        assert_eq!(
            out[0].meta.timestamp,
            crate::input::time::parse_timestamp("2024-01-01T10:00:00.1Z")
        );
    }

    #[test]
    fn cri_partial_lines_join_per_stream() {
        let input = "2024-01-01T10:00:00.000000001Z stdout P {\"level\":\"error\",\n2024-01-01T10:00:00.000000002Z stderr F plain stderr line\n2024-01-01T10:00:00.000000003Z stdout F \"msg\":\"boom\"}\n";
        let (plan, out) = assemble(input);
        assert_eq!(plan.wrapper, Some(Wrapper::Cri));
        let texts: Vec<(u64, &str)> = out.iter().map(|a| (a.line, a.text.as_str())).collect();
        assert_eq!(
            texts,
            vec![
                (1, "{\"level\":\"error\",\"msg\":\"boom\"}"),
                (2, "plain stderr line")
            ]
        );
    }

    #[test]
    fn compose_streams_are_joined_apart() {
        let input = "\u{1b}[2Kapi-1    | 2024-01-01 10:00:00 ERROR failed\n\u{1b}[2Kdb-1     | 2024-01-01 10:00:00 LOG:  checkpoint\n\u{1b}[2Kapi-1    | java.lang.IllegalStateException: x\n\u{1b}[2Kapi-1    | \tat a.B.c(B.java:1)\n";
        let (plan, out) = assemble(input);
        assert_eq!(plan.wrapper, Some(Wrapper::Compose));
        let starts: Vec<u64> = out.iter().map(|a| a.line).collect();
        assert_eq!(starts, vec![1, 2]);
        assert!(out[0].text.ends_with("B.java:1)"));
        assert_eq!(out[0].meta.service.as_deref(), Some("api-1"));
    }

    #[test]
    fn skaffold_containers_are_joined_apart() {
        let input = "[api] {\"level\":\"info\",\"msg\":\"up\"}\n[web] {\"level\":\"warn\",\"msg\":\"slow\"}\n[api] panic: boom\n[api] \n[api] goroutine 1 [running]:\n[web] {\"level\":\"info\",\"msg\":\"ok\"}\n[api] main.main()\n[api] \t/app/main.go:10 +0x1d\n";
        let (plan, out) = assemble(input);
        assert_eq!(plan.wrapper, Some(Wrapper::ContainerPrefix));
        let starts: Vec<u64> = out.iter().map(|a| a.line).collect();
        assert_eq!(starts, vec![1, 2, 3, 6]);
        assert!(out[2].text.ends_with("main.go:10 +0x1d"), "{}", out[2].text);
        assert_eq!(out[2].meta.service.as_deref(), Some("api"));
        assert_eq!(out[1].text, "{\"level\":\"warn\",\"msg\":\"slow\"}");
    }

    #[test]
    fn worker_processes_are_joined_apart() {
        // vLLM's driver and its engine process (Ray's prefix), interleaved: each process's
        // traceback is one record of its stream.
        let input = "INFO 08-14 19:24:47 [api.py:36] Starting\n\
                     (EngineCore_DP0 pid=275) ERROR 08-14 19:25:10 [core.py:708] EngineCore failed to start.\n\
                     (EngineCore_DP0 pid=275) Process EngineCore_DP0:\n\
                     INFO 08-14 19:25:10 [api.py:40] Waiting for the engine\n\
                     (EngineCore_DP0 pid=275) Traceback (most recent call last):\n\
                     (EngineCore_DP0 pid=275)   File \"/vllm/core.py\", line 699, in run\n\
                     (EngineCore_DP0 pid=275) RuntimeError: boom\n";
        let (plan, out) = assemble(input);
        assert_eq!(plan.wrapper, Some(Wrapper::ProcessPrefix));
        let starts: Vec<u64> = out.iter().map(|a| a.line).collect();
        assert_eq!(starts, vec![1, 2, 3, 4]);
        assert!(
            out[2]
                .text
                .starts_with("Process EngineCore_DP0:\nTraceback"),
            "{}",
            out[2].text
        );
        assert!(out[2].text.ends_with("RuntimeError: boom"));
    }

    #[test]
    fn a_margin_before_every_line_is_taken_off() {
        // Redis in a container, its lines relayed one space in.
        let lines = [
            " 1:C 14 Mar 15:58:22.127 # oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo",
            " 1:C 14 Mar 15:58:22.127 # Warning: no config file specified",
            " 1:M 14 Mar 15:58:22.129 * Running mode=standalone, port=6379.",
            " 1:M 14 Mar 15:58:22.129 # Server initialized",
            " 1:M 14 Mar 15:58:22.129 * Ready to accept connections",
            " 1:signal-handler (1521045227) Received SIGINT scheduling shutdown...",
            " 1:M 14 Mar 15:58:25.001 # User requested shutdown...",
            " 1:M 14 Mar 15:58:25.002 * Saving the final RDB snapshot before exiting.",
        ];
        let (plan, out) = assemble(&(lines.join("\n") + "\n"));
        assert_eq!(plan.wrapper, Some(Wrapper::Margin(1)));
        assert_eq!(out.len(), 8);
        assert!(out[1].text.starts_with("1:C 14 Mar"));
        assert_eq!(
            crate::input::text::read_header(&out[1].text).level,
            Some(Level::Warning)
        );
        // A padded number is not a margin: Factorio's uptime `   0.091` grows to `  26.300`.
        let uptime: String = (0..10)
            .map(|i| format!("   {i}.091 Info Main.cpp:1: x\n"))
            .collect();
        assert_eq!(assemble(&uptime).0.wrapper, None);
        // Nor is Zabbix's `%6li` process id: each line its own record, dated.
        let zabbix: String = [12480, 6720, 15356, 12480, 4092, 2456, 12480, 6720]
            .iter()
            .map(|pid| format!("{pid:>6}:20180217:212904.350 agent #0 started [collector]\n"))
            .collect();
        let (plan, out) = assemble(&zabbix);
        assert_eq!(plan.wrapper, None);
        assert_eq!(out.len(), 8);
        let header = crate::input::text::read_header(&out[1].text);
        assert!(header.has_timestamp);
        assert_eq!(
            header.timestamp.map(crate::input::time::format_ms),
            Some("2018-02-17T21:29:04.350Z".into())
        );
        assert_eq!(
            &out[1].text[header.message_start..],
            "agent #0 started [collector]"
        );
    }

    #[test]
    fn runtime_timestamps_on_every_line_are_taken_off() {
        // `kubectl logs --timestamps` of a Spring Boot pod: the kubelet stamps the trace's
        // lines too, so they continue the record the program wrote.
        let input = "2021-09-08T08:56:33.537046389Z 2021-09-08 08:56:33.536  INFO 1 --- [main] c.e.Demo : Starting
2021-09-08T08:56:34.1Z 2021-09-08 08:56:34.099 ERROR 1 --- [main] c.e.Demo : Failed to start
2021-09-08T08:56:34.1Z java.lang.IllegalStateException: boom
2021-09-08T08:56:34.1Z \tat com.example.Demo.main(Demo.java:10)
2021-09-08T08:56:35.2Z 2021-09-08 08:56:35.200  WARN 1 --- [main] c.e.Demo : slow
";
        let (plan, out) = assemble(input);
        assert_eq!(plan.wrapper, Some(Wrapper::LineTime));
        let starts: Vec<u64> = out.iter().map(|a| a.line).collect();
        assert_eq!(starts, vec![1, 2, 5]);
        assert!(out[1].text.starts_with("2021-09-08 08:56:34.099 ERROR"));
        assert!(out[1].text.ends_with("(Demo.java:10)"));
        // PM2's err.log with `--time`: every line of a Node crash stamped `date time: `.
        let pm2 = "2019-11-13 14:20:07: /getBillInfo not found
2019-11-13 14:20:07: ReferenceError: recordLog is not defined
2019-11-13 14:20:07:     at Request._callback (F:\\bill\\ls.js:47:21)
2019-11-13 14:20:07:     at Request.emit (events.js:198:13)
2019-11-13 14:22:54: /getBillInfo not found
";
        let (plan, out) = assemble(pm2);
        assert_eq!(plan.wrapper, Some(Wrapper::LineTime));
        let starts: Vec<u64> = out.iter().map(|a| a.line).collect();
        assert_eq!(starts, vec![1, 2, 5]);
        assert!(out[1].text.starts_with("ReferenceError: recordLog"));
        assert!(out[1].meta.timestamp.is_some());
        // A program that writes `date time: message` itself leaves its trace unstamped.
        let own = "2019-11-13 14:20:07: starting\n2019-11-13 14:20:08: failed\njava.lang.X: y\n\tat a.b(C.java:1)\n";
        assert_eq!(assemble(own).0.wrapper, None);
        // A GitHub Actions job log: .NET's seven digits, a workflow command per line.
        let gha = "\u{feff}2025-09-10T09:22:20.4928180Z building 'x.drv'...
2025-09-10T09:22:21.4368813Z error: Cannot build 'x.drv'.
2025-09-10T09:22:21.4369519Z        Reason: builder failed with exit code 1.
2025-09-10T09:22:21.4472242Z ##[error]Process completed with exit code 1.
2025-09-10T09:22:21.4585105Z ##[group]Post job cleanup.
2025-09-10T09:22:21.5194914Z [command]/usr/bin/git version
2025-09-10T09:22:22.5717642Z ##[endgroup]
";
        let (plan, out) = assemble(gha);
        assert_eq!(plan.wrapper, Some(Wrapper::LineTime));
        let starts: Vec<u64> = out.iter().map(|a| a.line).collect();
        assert_eq!(starts, vec![1, 2, 4, 5, 6, 7]);
        assert_eq!(out[0].text, "building 'x.drv'...");
        assert_eq!(
            out[3].meta.timestamp,
            crate::input::time::parse_timestamp("2025-09-10T09:22:21.4585105Z")
        );
    }

    #[test]
    fn a_programs_own_time_is_not_a_wrapper() {
        // zap's ISO 8601 time on its records; the trace's lines carry none.
        let input = "2024-01-01T10:00:00.123Z INFO started
2024-01-01T10:00:01.456Z ERROR failed
java.lang.IllegalStateException: boom
\tat a.B.c(B.java:1)
";
        let (plan, out) = assemble(input);
        assert_eq!(plan.wrapper, None);
        assert_eq!(out.iter().map(|a| a.line).collect::<Vec<_>>(), vec![1, 2]);
        // Every line stamped, but nothing only a relay would stamp: read as it is.
        let own = "2024-01-01T10:00:00.123Z INFO started
2024-01-01T10:00:01.456Z ERROR failed
";
        assert_eq!(assemble(own).0.wrapper, None);
        // tracing-subscriber and Spring Boot 3 pad the level after their own time.
        let tracing = "2022-02-15T18:40:14.289898Z  INFO fmt: preparing\n\
2022-02-15T18:40:14.290011Z  WARN shave: could not locate yak\n\
2022-02-15T18:40:14.290030Z ERROR fmt: failed to shave yak\n";
        let (plan, out) = assemble(tracing);
        assert_eq!(plan.wrapper, None);
        assert_eq!(out.len(), 3);
        let boot3 = "2023-03-08T10:51:04.123+01:00  INFO 12345 --- [main] c.e.App : Started\n\
2023-03-08T10:51:05.456+01:00  WARN 12345 --- [main] c.e.App : slow\n";
        assert_eq!(assemble(boot3).0.wrapper, None);
    }
}
