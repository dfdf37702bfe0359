//! A local HTTP server for protocol tests: serves recorded responses in order, one per
//! connection, and records every request it received.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

#[derive(Debug, Clone)]
#[allow(dead_code)] // each test binary reads the fields it needs
pub struct Request {
    pub line: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
    /// When the request arrived.
    pub at: std::time::Instant,
}

/// `a=1&b=x%20y` (a query string or a form body) as decoded pairs; `+` is a space.
#[allow(dead_code)]
pub fn form_pairs(encoded: &str) -> Vec<(String, String)> {
    encoded
        .split('&')
        .filter(|kv| !kv.is_empty())
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect()
}

/// Percent-decodes one form or query component (`+` is a space).
#[allow(dead_code)]
pub fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' => {
                out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap());
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap()
}

/// Writes the demo train into `dir/demo` with the binary under test and returns its three
/// versioned logs (MediaWiki JSON, ECS, logfmt).
#[allow(dead_code)]
pub fn write_demo(dir: &std::path::Path) -> Vec<String> {
    let demo = dir.join("demo");
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_logtriage"))
        .args(["demo", "--write"])
        .arg(&demo)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    demo_logs(&demo)
}

/// The demo train's three versioned logs in `demo` (written by `logtriage demo --write`).
#[allow(dead_code)]
pub fn demo_logs(demo: &std::path::Path) -> Vec<String> {
    [
        "mediawiki.json",
        "search-indexer.ecs.json",
        "thumbor-proxy.logfmt",
    ]
    .iter()
    .map(|f| demo.join(f).display().to_string())
    .collect()
}

/// Runs the binary under test with `args` and extra environment variables.
#[allow(dead_code)]
pub fn run_with_env(args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_logtriage"));
    c.args(args);
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().unwrap()
}

/// One canned answer: status, a file under tests/recorded/BACKEND/, extra headers, and
/// how long to wait before answering (to make the client time out).
pub struct Reply {
    pub status: u16,
    pub file: &'static str,
    pub headers: Vec<(&'static str, &'static str)>,
    pub delay: std::time::Duration,
    /// The body itself instead of a file.
    pub inline: Option<String>,
    /// Answer with the request's line and headers, as a debugging proxy or a misconfigured
    /// server does in an error.
    pub echo: bool,
}

impl Reply {
    pub fn new(status: u16, file: &'static str) -> Reply {
        Reply {
            status,
            file,
            headers: Vec::new(),
            delay: std::time::Duration::ZERO,
            inline: None,
            echo: false,
        }
    }

    /// Answers `status` with the request echoed (see [`Reply::echo`]).
    #[allow(dead_code)]
    pub fn echo(status: u16) -> Reply {
        Reply {
            echo: true,
            ..Reply::new(status, "")
        }
    }

    /// Answers with `body` itself.
    #[allow(dead_code)]
    pub fn inline(status: u16, body: String) -> Reply {
        Reply {
            inline: Some(body),
            ..Reply::new(status, "")
        }
    }

    #[allow(dead_code)]
    pub fn header(mut self, name: &'static str, value: &'static str) -> Reply {
        self.headers.push((name, value));
        self
    }

    #[allow(dead_code)]
    pub fn after(mut self, delay: std::time::Duration) -> Reply {
        self.delay = delay;
        self
    }
}

/// Serves `responses` in order, one per connection, and records each request.
#[allow(dead_code)]
pub fn serve(
    backend: &str,
    responses: Vec<(u16, &'static str)>,
) -> (String, Arc<Mutex<Vec<Request>>>) {
    serve_replies(
        backend,
        responses
            .into_iter()
            .map(|(status, file)| Reply::new(status, file))
            .collect(),
    )
}

/// Serves `replies` in order, one per connection, and records each request.
pub fn serve_replies(backend: &str, replies: Vec<Reply>) -> (String, Arc<Mutex<Vec<Request>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let backend = backend.to_string();
    let log = seen.clone();
    std::thread::spawn(move || {
        for reply in replies {
            let Ok((stream, _)) = listener.accept() else {
                return;
            };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            let mut headers = Vec::new();
            loop {
                let mut h = String::new();
                reader.read_line(&mut h).unwrap();
                let h = h.trim_end().to_string();
                if h.is_empty() {
                    break;
                }
                let (k, v) = h.split_once(':').unwrap();
                headers.push((k.to_ascii_lowercase(), v.trim().to_string()));
            }
            let len: usize = headers
                .iter()
                .find(|(k, _)| k == "content-length")
                .map_or(0, |(_, v)| v.parse().unwrap());
            let mut body = vec![0; len];
            reader.read_exact(&mut body).unwrap();
            let echoed = reply.echo.then(|| {
                let mut e = format!("bad request; you sent:\n{}\n", line.trim_end());
                for (k, v) in &headers {
                    e.push_str(&format!("{k}: {v}\n"));
                }
                e
            });
            log.lock().unwrap().push(Request {
                line: line.trim_end().to_string(),
                headers,
                body: String::from_utf8(body).unwrap(),
                at: std::time::Instant::now(),
            });
            let payload = echoed.or_else(|| reply.inline.clone()).unwrap_or_else(|| {
                std::fs::read_to_string(format!(
                    "{}/tests/recorded/{backend}/{}",
                    env!("CARGO_MANIFEST_DIR"),
                    reply.file
                ))
                .unwrap()
            });
            std::thread::sleep(reply.delay);
            let extra: String = reply
                .headers
                .iter()
                .map(|(k, v)| format!("{k}: {v}\r\n"))
                .collect();
            let mut s = stream;
            // The client may have given up (a timeout test): ignore write errors.
            let _ = write!(
                s,
                "HTTP/1.1 {} X\r\nContent-Type: application/json\r\n{extra}Content-Length: {}\r\nConnection: close\r\n\r\n{payload}",
                reply.status,
                payload.len()
            );
        }
    });
    (addr, seen)
}
