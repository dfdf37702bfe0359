//! Stack traces: parses the frames of Java, Python, PHP (MediaWiki), Go and JavaScript
//! traces into (file basename, function), drops line numbers and version segments, tells
//! in-app frames from library/runtime frames, and reads the exception type when the trace
//! names it.

use regex::Regex;
use std::sync::OnceLock;

/// One normalized frame: what contributes to a fingerprint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    /// File basename without line (`Bar.java`, `pool.go`), when the frame names a file.
    pub file: Option<String>,
    /// Function with its class/module (`com.example.Bar.handle`, `Foo->bar`).
    pub function: String,
    pub in_app: bool,
    /// The frame as written, for display.
    pub raw: String,
}

impl Frame {
    /// The text a frame contributes to a fingerprint.
    pub fn key(&self) -> String {
        match &self.file {
            Some(f) => format!("{f}:{}", self.function),
            None => self.function.clone(),
        }
    }
}

struct Patterns {
    java: Regex,
    python: Regex,
    php: Regex,
    php_from: Regex,
    php_internal: Regex,
    go_file: Regex,
    js: Regex,
    digits_after_dollar: Regex,
}

fn patterns() -> &'static Patterns {
    static P: OnceLock<Patterns> = OnceLock::new();
    P.get_or_init(|| Patterns {
        java: Regex::new(r"^\s*at\s+([\w$.<>/\[\]]+)\(([^)]*)\)\s*$").unwrap(),
        python: Regex::new(r#"^\s*File "([^"]+)", line \d+, in (\S+)"#).unwrap(),
        php: Regex::new(r"^#\d+\s+(\S+?)\((\d+)\):\s+(.+?)(?:\(.*)?$").unwrap(),
        php_from: Regex::new(r"^from\s+(\S+?)\((\d+)\)\s*$").unwrap(),
        php_internal: Regex::new(r"^#\d+\s+\[internal function\]:\s+(.+?)(?:\(.*)?$").unwrap(),
        go_file: Regex::new(r"^\s+(\S+\.go):\d+(?:\s+\+0x[0-9a-f]+)?\s*$").unwrap(),
        js: Regex::new(r"^\s*at\s+(?:(.+?)\s+\()?([^()\s]+?):\d+(?::\d+)?\)?\s*$").unwrap(),
        digits_after_dollar: Regex::new(r"\$\d+").unwrap(),
    })
}

/// What a trace contributes to a fingerprint: the exception type it names, and the keys
/// of its contributing frames (in-app frames when it has any, recursion folded, at most
/// [`super::MAX_FRAMES`]).
pub fn key_frames(stack: &str) -> (Option<String>, Vec<String>) {
    let parsed = parse_frames(stack);
    let any_app = parsed.iter().any(|f| f.in_app);
    let mut keys: Vec<String> = Vec::new();
    for f in parsed.iter().filter(|f| f.in_app || !any_app) {
        let key = f.key();
        if keys.last() != Some(&key) {
            keys.push(key);
        }
    }
    keys.truncate(super::MAX_FRAMES);
    (exception_type(stack).map(|t| t.0), keys)
}

/// Parses every frame found in `stack`, top (innermost) first as written.
pub fn parse_frames(stack: &str) -> Vec<Frame> {
    let p = patterns();
    let lines: Vec<&str> = stack.lines().collect();
    let mut frames = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i].trim_end();
        if let Some(f) = parse_one(p, line, lines.get(i + 1).copied()) {
            if f.1 {
                i += 1; // Go frames span two lines
            }
            frames.push(f.0);
        }
        i += 1;
    }
    frames
}

fn parse_one(p: &Patterns, line: &str, next: Option<&str>) -> Option<(Frame, bool)> {
    if let Some(c) = p.java.captures(line) {
        let qualified = clean_function(p, &c[1]);
        let file = c[2]
            .split(':')
            .next()
            .filter(|f| f.contains('.'))
            .map(basename);
        let in_app = !is_java_library(&qualified);
        return Some((frame(file, qualified, in_app, line), false));
    }
    if let Some(c) = p.python.captures(line) {
        let path = &c[1];
        let in_app = !(path.contains("site-packages")
            || path.contains("dist-packages")
            || path.contains("/lib/python")
            || path.starts_with('<'));
        return Some((
            frame(Some(basename(path)), c[2].to_string(), in_app, line),
            false,
        ));
    }
    if let Some(c) = p.php.captures(line) {
        let path = &c[1];
        let in_app = !path.contains("/vendor/");
        return Some((
            frame(Some(basename(path)), clean_function(p, &c[3]), in_app, line),
            false,
        ));
    }
    if let Some(c) = p.php_internal.captures(line) {
        return Some((frame(None, clean_function(p, &c[1]), false, line), false));
    }
    if let Some(c) = p.php_from.captures(line) {
        let path = &c[1];
        return Some((
            frame(
                Some(basename(path)),
                String::new(),
                !path.contains("/vendor/"),
                line,
            ),
            false,
        ));
    }
    if let Some(next) = next
        && !line.starts_with(char::is_whitespace)
        && let Some(g) = p.go_file.captures(next)
        && let Some(name) = go_function(line)
    {
        let func = clean_function(p, name);
        let path = &g[1];
        let in_app = !(is_go_runtime(&func)
            || path.contains("/go/src/")
            || path.contains("/pkg/mod/")
            || path.contains("/libexec/src/"));
        return Some((frame(Some(basename(path)), func, in_app, line), true));
    }
    if let Some(c) = p.js.captures(line) {
        let path = &c[2];
        let in_app = !(path.contains("node_modules")
            || path.starts_with("node:")
            || path.starts_with("internal/"));
        let func = c
            .get(1)
            .map(|m| clean_function(p, m.as_str()))
            .unwrap_or_default();
        return Some((frame(Some(basename(path)), func, in_app, line), false));
    }
    None
}

/// `main.(*Server).handle(0xc0, {0x4b, 0x5})` → `main.(*Server).handle`; `created by x in
/// goroutine 7` → `x`. `None` unless the name is a plausible Go symbol.
fn go_function(line: &str) -> Option<&str> {
    let mut s = line.trim_end();
    s = s.strip_prefix("created by ").unwrap_or(s);
    if let Some(i) = s.find(" in goroutine ") {
        s = &s[..i];
    }
    if s.ends_with(')') {
        let mut depth = 0i32;
        for (i, c) in s.char_indices().rev() {
            match c {
                ')' => depth += 1,
                '(' => {
                    depth -= 1;
                    if depth == 0 {
                        s = &s[..i];
                        break;
                    }
                }
                _ => {}
            }
        }
    }
    let ok = !s.is_empty()
        && s.chars().all(|c| {
            c.is_alphanumeric()
                || matches!(
                    c,
                    '.' | '/' | '*' | '(' | ')' | '-' | '_' | '~' | '[' | ']' | ','
                )
        });
    ok.then_some(s)
}

fn frame(file: Option<String>, function: String, in_app: bool, raw: &str) -> Frame {
    Frame {
        file,
        function,
        in_app,
        raw: raw.trim().to_string(),
    }
}

/// Drops generated suffixes that change between builds: `lambda$run$12` → `lambda$run$`,
/// `$$EnhancerByCGLIB$$1a2b` → ``, Go pointer args, PHP anonymous class paths.
fn clean_function(p: &Patterns, f: &str) -> String {
    let mut f = f.trim().to_string();
    if let Some(i) = f.find("$$") {
        let tail = f[i..]
            .find('.')
            .map(|j| f[i + j..].to_string())
            .unwrap_or_default();
        f.truncate(i);
        f.push_str(&tail);
    }
    if let Some(i) = f.find("class@anonymous") {
        let end = f[i..]
            .find("->")
            .or_else(|| f[i..].find("::"))
            .map(|j| i + j);
        let tail = end.map(|e| f[e..].to_string()).unwrap_or_default();
        f = format!("{}class@anonymous{}", &f[..i], tail);
    }
    p.digits_after_dollar.replace_all(&f, "$").into_owned()
}

fn basename(path: &str) -> String {
    let p = path.trim();
    let p = p.rsplit(['/', '\\']).next().unwrap_or(p);
    p.split(':').next().unwrap_or(p).to_string()
}

fn is_java_library(q: &str) -> bool {
    const LIB: &[&str] = &[
        "java.",
        "javax.",
        "jdk.",
        "sun.",
        "com.sun.",
        "kotlin.",
        "kotlinx.",
        "scala.",
        "org.springframework.",
        "org.apache.",
        "io.netty.",
        "org.eclipse.jetty.",
        "org.hibernate.",
        "com.zaxxer.",
        "reactor.",
        "io.grpc.",
        "org.junit.",
        "akka.",
        "com.google.common.",
    ];
    LIB.iter().any(|l| q.starts_with(l))
}

fn is_go_runtime(f: &str) -> bool {
    const LIB: &[&str] = &[
        "runtime.",
        "net/http.",
        "net.",
        "sync.",
        "reflect.",
        "syscall.",
        "testing.",
        "internal/",
        "database/sql.",
        "io.",
        "os.",
    ];
    LIB.iter().any(|l| f.starts_with(l))
}

/// An exception's own line (trimmed): `java.io.IOException: reset`, `Caused by: ...`,
/// `KeyError: 'id'`, `PHP Fatal error:  Uncaught Exception: x`.
fn exception_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"^(?:Caused by:\s+|Uncaught\s+|PHP Fatal error:\s+Uncaught\s+)?([A-Za-z_][\w$]*(?:[.\\][A-Za-z_][\w$]*)*(?:Exception|Error|Throwable|Exit|Interrupt|Fault|Failure))(?::\s*(.*))?$").unwrap()
    })
}

/// True when the line names an exception the way traces do (see [`exception_type`]), or
/// JavaScript's and .NET's base classes, which have no prefix (`Error: boom`).
pub fn is_exception_line(line: &str) -> bool {
    let t = line.trim();
    exception_re().is_match(t)
        || ["Error", "Exception"]
            .iter()
            .any(|base| t == *base || t.strip_prefix(base).is_some_and(|r| r.starts_with(": ")))
}

/// The exception type named in a trace's first lines: Java `java.io.IOException: x`,
/// `Caused by: ...` (the root cause is the last one), Python's final `ValueError: x` line,
/// Go `panic: ...`, PHP `PHP Fatal error:  Uncaught Exception: x`.
pub fn exception_type(text: &str) -> Option<(String, String)> {
    let re = exception_re();
    let mut found = None;
    for line in text.lines() {
        let l = line.trim();
        if let Some(rest) = l.strip_prefix("panic: ") {
            return Some(("panic".to_string(), rest.to_string()));
        }
        if let Some(c) = re.captures(l) {
            let found_type = c[1].to_string();
            let msg = c.get(2).map(|m| m.as_str().to_string()).unwrap_or_default();
            // Python prints the raised exception last; Java prints it first.
            if found.is_none() || text.contains("Traceback (most recent call last)") {
                found = Some((found_type, msg));
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn java_frames() {
        let t = "java.lang.IllegalStateException: pool closed\n\tat com.example.db.Pool.get(Pool.java:88)\n\tat com.example.api.Handler.lambda$handle$12(Handler.java:40)\n\tat java.base/java.lang.Thread.run(Thread.java:829)\n\t... 12 more";
        let f = parse_frames(t);
        assert_eq!(f.len(), 3);
        assert_eq!(f[0].key(), "Pool.java:com.example.db.Pool.get");
        assert_eq!(f[1].function, "com.example.api.Handler.lambda$handle$");
        assert!(f[0].in_app && !f[2].in_app);
        assert_eq!(
            exception_type(t).unwrap().0,
            "java.lang.IllegalStateException"
        );
    }

    #[test]
    fn python_frames_and_last_exception() {
        let t = "Traceback (most recent call last):\n  File \"/app/svc/handlers.py\", line 42, in post\n    x = load()\n  File \"/usr/lib/python3.11/site-packages/requests/api.py\", line 7, in get\n    raise\nKeyError: 'user_id'";
        let f = parse_frames(t);
        assert_eq!(f.len(), 2);
        assert_eq!(f[0].key(), "handlers.py:post");
        assert!(f[0].in_app && !f[1].in_app);
        assert_eq!(exception_type(t).unwrap().0, "KeyError");
    }

    #[test]
    fn php_mediawiki_frames_strip_versions() {
        let a = "from /srv/mediawiki/php-1.46.0-wmf.3/includes/libs/Message/ScalarParam.php(52)\n#0 /srv/mediawiki/php-1.46.0-wmf.3/includes/Message/Message.php(1344): Wikimedia\\Message\\ScalarParam->__construct(string, bool)\n#1 /srv/mediawiki/php-1.46.0-wmf.3/vendor/guzzle/Client.php(10): GuzzleHttp\\Client->send()\n#2 [internal function]: MediaWiki->run()\n#3 {main}";
        let b = a.replace("wmf.3", "wmf.4").replace("(1344)", "(1350)");
        let fa = parse_frames(a);
        let fb = parse_frames(&b);
        assert_eq!(fa.len(), 4);
        assert_eq!(fa, fa.clone());
        let ka: Vec<String> = fa.iter().map(Frame::key).collect();
        let kb: Vec<String> = fb.iter().map(Frame::key).collect();
        assert_eq!(ka, kb);
        assert_eq!(
            ka[1],
            "Message.php:Wikimedia\\Message\\ScalarParam->__construct"
        );
        assert!(!fa[2].in_app);
    }

    #[test]
    fn go_panic_frames() {
        let t = "panic: runtime error: invalid memory address or nil pointer dereference\n\ngoroutine 1 [running]:\nmain.(*Server).handle(0xc000010000, {0x4b2f20, 0x5})\n\t/build/src/server.go:88 +0x1d\nnet/http.HandlerFunc.ServeHTTP(0x0)\n\t/usr/local/go/src/net/http/server.go:2136 +0x29\nmain.main()\n\t/build/src/main.go:12 +0x25";
        let f = parse_frames(t);
        assert_eq!(f.len(), 3);
        assert_eq!(f[0].key(), "server.go:main.(*Server).handle");
        assert!(f[0].in_app && !f[1].in_app);
        assert_eq!(exception_type(t).unwrap().0, "panic");
    }

    #[test]
    fn js_frames() {
        let t = "TypeError: Cannot read properties of undefined (reading 'id')\n    at getUser (/app/src/users.js:10:15)\n    at Layer.handle (/app/node_modules/express/lib/router/layer.js:95:5)\n    at node:internal/process/task_queues:95:5";
        let f = parse_frames(t);
        assert_eq!(f.len(), 3);
        assert_eq!(f[0].key(), "users.js:getUser");
        assert!(f[0].in_app && !f[1].in_app && !f[2].in_app);
        assert_eq!(exception_type(t).unwrap().0, "TypeError");
    }

    #[test]
    fn no_frames_in_prose() {
        assert!(parse_frames("just a message\nwith two lines").is_empty());
    }
}
