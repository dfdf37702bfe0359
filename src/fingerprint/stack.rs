//! Stack traces: parses the frames of Java, Python, PHP (MediaWiki, Laravel), Go, .NET and
//! JavaScript traces into (file basename, function), drops line numbers, addresses and
//! version segments, tells in-app frames from library/runtime frames, picks the frames that
//! count (see [`key_frames`]) and reads the exception type when the trace names it.

use super::explain::Why;
use memchr::memmem;
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

    /// Python writes a traceback outermost frame first ("most recent call last").
    fn is_python(&self) -> bool {
        self.raw.starts_with("File \"")
    }

    /// PHP's `#3 /path(12): f()` and MediaWiki's `from /path(12)`.
    fn is_php(&self) -> bool {
        self.raw.starts_with('#') || self.raw.starts_with("from ")
    }

    /// Go's `created by pkg.f in goroutine 7`: where the goroutine was started, not a call
    /// on its stack.
    fn is_created_by(&self) -> bool {
        self.raw.starts_with("created by ")
    }

    /// Go's panic and signal machinery (`panic(...)`, `runtime.gopanic`, `runtime.sigpanic`),
    /// on top of every Go panic's stack whatever failed.
    fn is_go_runtime_top(&self) -> bool {
        self.file.as_deref().is_some_and(|f| f.ends_with(".go"))
            && (self.function == "panic" || self.function.starts_with("runtime."))
    }
}

struct Patterns {
    python: Regex,
    php: Regex,
    php_from: Regex,
    php_internal: Regex,
    js: Regex,
    dotnet: Regex,
    dotnet_generated: Regex,
    digits_after_dollar: Regex,
}

fn patterns() -> &'static Patterns {
    static P: OnceLock<Patterns> = OnceLock::new();
    P.get_or_init(|| Patterns {
        python: Regex::new(r#"^\s*File "([^"]+)", line \d+, in (\S+)"#).unwrap(),
        php: Regex::new(r"^#\d+\s+(\S+?)\((\d+)\):\s+(.+?)(?:\(.*)?$").unwrap(),
        php_from: Regex::new(r"^from\s+(\S+?)\((\d+)\)\s*$").unwrap(),
        php_internal: Regex::new(r"^#\d+\s+\[internal function\]:\s+(.+?)(?:\(.*)?$").unwrap(),
        js: Regex::new(r"^\s*at\s+(?:(.+?)\s+\()?([^()\s]+?):\d+(?::\d+)?\)?\s*$").unwrap(),
        // `at Ns.Class.Method(Int32 id) in /src/File.cs:line 42`, or without ` in …`.
        dotnet: Regex::new(r"^\s*at\s+([^\s(]+)\((.*)\)(?:\s+in\s+(.+):line\s+\d+)?\s*$").unwrap(),
        // Compiler-generated numbers: `<Main>b__0_0`, `<Run>d__5`, `<>c__DisplayClass5_0`,
        // local functions `g__Local|3_0`.
        dotnet_generated: Regex::new(r"(__|DisplayClass|\|)\d+(?:_\d+)*").unwrap(),
        digits_after_dollar: Regex::new(r"\$\d+").unwrap(),
    })
}

/// Innermost library frames that count when a trace has no in-app frame but its entry point
/// (see [`key_frames`]).
pub const TOP_LIBRARY_FRAMES: usize = 3;

/// What a trace contributes to a fingerprint: the exception type it names (see
/// [`exception_type`]) and the keys of its contributing frames, innermost
/// [`super::MAX_FRAMES`] at most, consecutive identical frames (recursion) once, in the
/// trace's own order. Which frames contribute:
///
/// - **Go**: only the crashing goroutine's — the first `goroutine N [running]:` block of a
///   dump (the runtime prints the goroutine that panicked or threw first), else the first
///   block. Its `created by` frame names the goroutine's creator, not a call on its stack:
///   it counts only when the block has no other frame.
/// - **In-app frames**, when the trace has any beyond its *entry point*.
/// - Otherwise — no in-app frames, or in-app frames that only start the program — the
///   top (innermost) [`TOP_LIBRARY_FRAMES`] library frames (not counting Go's panic and
///   signal machinery, `panic` and `runtime.*`, when there are others) plus those
///   in-app frames. An entry point is on the trace of every error of the program, so it
///   cannot tell two errors apart: two framework errors under `public/index.php` differ
///   by where the framework failed.
///
/// The entry point is the trace's outermost in-app frame when the runtime's output marks
/// it as top-level code — PHP's outermost frame (the call `{main}` made: the front
/// controller, `index.php`, `public/index.php`, `artisan`), Python's `<module>` frame (the
/// script run: `manage.py`, `__main__.py`), Go's `main.main`, a Java `main` or .NET `Main`
/// method — together with the in-app frames right inside it in the same file (Django's
/// `manage.py` `main()`), and the frames with the same key elsewhere in the trace (the
/// trace of a chained exception).
pub fn key_frames(stack: &str) -> (Option<String>, Vec<String>) {
    let r = read(stack, false);
    (r.error_type, r.keys)
}

/// A trace as [`key_frames`] reads it: every frame with why it counts or not. The
/// fingerprint and its explanation (`super::explain`) both come from here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reading {
    /// The exception type the trace names ([`exception_type`]).
    pub error_type: Option<String>,
    /// The crashing goroutine's frames (every frame of other traces), in the trace's own
    /// order, then a Go `created by` frame that does not count.
    pub frames: Vec<Frame>,
    /// Why each of `frames` counts or not.
    pub why: Vec<Why>,
    /// The keys of the frames that count, in the trace's order: what the fingerprint hashes.
    pub keys: Vec<String>,
    /// The headers of a Go dump's other goroutines (`goroutine 9 [chan receive]:`), when
    /// read with `detail`.
    pub other_goroutines: Vec<String>,
}

/// Reads `stack` by the rules of [`key_frames`]; with `detail`, also lists a Go dump's
/// other goroutines (the fingerprint does not need them).
pub fn read(stack: &str, detail: bool) -> Reading {
    let (crash, others) = go_goroutines(stack, detail);
    let (frames, created_by): (Vec<Frame>, Vec<Frame>) = parse_frames(crash)
        .into_iter()
        .partition(|f| !f.is_created_by());
    // `created by` counts only when the goroutine has nothing else.
    let (mut frames, created_by) = if frames.is_empty() {
        (created_by, Vec::new())
    } else {
        (frames, created_by)
    };
    // The rules read innermost first; Python writes it last.
    let outermost_first = frames.iter().any(Frame::is_python);
    if outermost_first {
        frames.reverse();
    }
    let mut why = contributing(&frames, stack);
    // Recursion: a frame with the key of the previous frame that counts, once; then the
    // innermost MAX_FRAMES.
    let mut keys: Vec<String> = Vec::new();
    // The last key that counted, once past the limit (before, the last of `keys`).
    let mut past: Option<String> = None;
    for (f, w) in frames.iter().zip(why.iter_mut()) {
        if !w.counts() {
            continue;
        }
        let key = f.key();
        if past.as_ref().or(keys.last()) == Some(&key) {
            *w = Why::RecursionFolded;
        } else if keys.len() == super::MAX_FRAMES {
            *w = Why::PastFrameLimit;
            past = Some(key);
        } else {
            keys.push(key);
        }
    }
    if outermost_first {
        frames.reverse();
        why.reverse();
        keys.reverse();
    }
    why.extend(created_by.iter().map(|_| Why::CreatedBy));
    frames.extend(created_by);
    Reading {
        error_type: exception_type(stack).map(|t| t.0),
        frames,
        why,
        keys,
        other_goroutines: others,
    }
}

/// Why each of `frames` (innermost first) counts or not, by the rules of [`key_frames`]
/// (before recursion folding and the frame limit).
fn contributing(frames: &[Frame], stack: &str) -> Vec<Why> {
    // A set: a trace can hold thousands of in-app frames of one file.
    let entry: std::collections::HashSet<String> = entry_point(frames, stack).into_iter().collect();
    let only_entry = frames
        .iter()
        .filter(|f| f.in_app)
        .all(|f| entry.contains(&f.key()));
    if !only_entry {
        return frames
            .iter()
            .map(|f| {
                if f.in_app {
                    Why::InApp
                } else {
                    Why::LibraryFrame
                }
            })
            .collect();
    }
    // The top library frames count (Go's panic machinery only when nothing else is there).
    let skip_runtime = frames.iter().any(|f| !f.in_app && !f.is_go_runtime_top());
    let mut taken = 0;
    frames
        .iter()
        .map(|f| {
            if f.in_app {
                Why::EntryPoint
            } else if skip_runtime && f.is_go_runtime_top() {
                Why::RuntimePanic
            } else if taken < TOP_LIBRARY_FRAMES {
                taken += 1;
                Why::TopLibraryFrame
            } else {
                Why::LibraryFrame
            }
        })
        .collect()
}

/// The keys of the entry point's frames (see [`key_frames`]); `frames` innermost first.
fn entry_point(frames: &[Frame], stack: &str) -> Vec<String> {
    let Some(outer) = frames.iter().rposition(|f| f.in_app) else {
        return Vec::new();
    };
    let f = &frames[outer];
    let top_level = if f.is_php() {
        // PHP ends every trace with `#N {main}`, the script's top level, which called the
        // outermost frame.
        outer == frames.len() - 1 && markers().main.find(stack.as_bytes()).is_some()
    } else if f.is_python() {
        f.function == "<module>"
    } else {
        f.function == "main.main" || f.function.ends_with(".main") || f.function.ends_with(".Main")
    };
    if !top_level || f.file.is_none() {
        return Vec::new();
    }
    let mut keys = vec![f.key()];
    for inner in frames[..outer].iter().rev() {
        if !inner.in_app || inner.file != f.file {
            break;
        }
        keys.push(inner.key());
    }
    keys
}

/// Go: the crashing goroutine's block of a dump of several (see [`key_frames`]), with what
/// precedes the first block; `stack` itself when it has fewer than two blocks. With
/// `detail`, also the other blocks' headers.
fn go_goroutines(stack: &str, detail: bool) -> (&str, Vec<String>) {
    let b = stack.as_bytes();
    let mut blocks: Vec<(usize, bool, &str)> = Vec::new();
    for i in memmem::find_iter(b, b"goroutine ") {
        if i > 0 && b[i - 1] != b'\n' {
            continue;
        }
        let end = memchr::memchr(b'\n', &b[i..]).map_or(b.len(), |j| i + j);
        let header = stack[i..end].trim_end();
        // `goroutine 1 [running]:`, `goroutine 7 gp=0xc0 m=0 mp=0x5d [chan receive]:`
        let Some(open) = header.rfind('[').filter(|_| header.ends_with("]:")) else {
            continue;
        };
        blocks.push((i, header[open + 1..].starts_with("running"), header));
    }
    if blocks.len() < 2 {
        return (stack, Vec::new());
    }
    let k = blocks.iter().position(|b| b.1).unwrap_or(0);
    let start = if k == 0 { 0 } else { blocks[k].0 };
    let end = blocks.get(k + 1).map_or(b.len(), |b| b.0);
    let others = if detail {
        blocks
            .iter()
            .enumerate()
            .filter(|(j, _)| *j != k)
            .map(|(_, b)| b.2.to_string())
            .collect()
    } else {
        Vec::new()
    };
    (&stack[start..end], others)
}

/// `text`'s lines as `str::lines` gives them (no empty last line after a final newline, a
/// `\r` before a newline dropped), found by memchr as [`super::mask::split_byte`] finds
/// them: std's char searcher confirms each newline with a call to libc's memcmp, which
/// costs more than the rest of reading a line here.
fn lines_of(text: &str) -> impl Iterator<Item = &str> {
    let mut newlines = memchr::memchr_iter(b'\n', text.as_bytes());
    let mut start = 0;
    std::iter::from_fn(move || {
        if start >= text.len() {
            return None;
        }
        let line = match newlines.next() {
            Some(end) => {
                let line = &text[start..end];
                start = end + 1;
                line.strip_suffix('\r').unwrap_or(line)
            }
            None => {
                let line = &text[start..];
                start = text.len();
                line
            }
        };
        Some(line)
    })
}

/// Parses every frame found in `stack`, top (innermost) first as written.
pub fn parse_frames(stack: &str) -> Vec<Frame> {
    let p = patterns();
    let lines: Vec<&str> = lines_of(stack).collect();
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
    // Each pattern runs only on lines that can match it (what it must start with): a
    // capture is the costly part of reading a trace.
    let trimmed = line.trim_start();
    let at = trimmed.starts_with("at");
    if at && let Some((name, location)) = java_frame_parts(line) {
        if is_dotnet_args(location) {
            return Some((dotnet_frame(p, name, None, line), false));
        }
        let qualified = clean_function(p, name);
        let file = location
            .split(':')
            .next()
            .filter(|f| f.contains('.'))
            .map(basename);
        let in_app = !is_java_library(&qualified);
        return Some((frame(file, qualified, in_app, line), false));
    }
    // .NET frames Java's pattern does not take: with ` in /path:line N`, or with names
    // holding '`' or '|'. The name is followed by its `(` directly, unlike JavaScript's.
    if let Some(t) = line.trim_start().strip_prefix("at ")
        && (t.ends_with(')') || t.contains(":line "))
        && t.find('(')
            .is_some_and(|i| !t[..i].contains(char::is_whitespace))
        && let Some(c) = p.dotnet.captures(line)
    {
        let file = c.get(3).map(|m| m.as_str());
        return Some((dotnet_frame(p, &c[1], file, line), false));
    }
    if trimmed.starts_with("File")
        && let Some(c) = p.python.captures(line)
    {
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
    if line.starts_with('#')
        && let Some(c) = p.php.captures(line)
    {
        let path = &c[1];
        let in_app = !path.contains("/vendor/");
        return Some((
            frame(Some(basename(path)), php_function(p, &c[3]), in_app, line),
            false,
        ));
    }
    if line.starts_with('#')
        && let Some(c) = p.php_internal.captures(line)
    {
        return Some((frame(None, php_function(p, &c[1]), false, line), false));
    }
    if line.starts_with("from")
        && let Some(c) = p.php_from.captures(line)
    {
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
        && let Some(path) = go_file_path(next)
        && let Some(name) = go_function(line)
    {
        let func = clean_function(p, name);
        let in_app = !(is_go_runtime(&func)
            || func == "panic"
            || path.contains("/go/src/")
            || path.contains("/src/runtime/")
            || path.contains("/pkg/mod/")
            || path.contains("/libexec/src/"));
        return Some((frame(Some(basename(path)), func, in_app, line), true));
    }
    if at && let Some(c) = p.js.captures(line) {
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

/// True when the parenthesized part of an `at x.Y.z(…)` frame is a .NET argument list
/// (`()`, `(String name, Int32 id)`) rather than a Java location (`Foo.java:12`,
/// `SourceFile:3`, `Native Method`, `Unknown Source`): Java always writes one.
fn is_dotnet_args(args: &str) -> bool {
    const JAVA: &[&str] = &[
        "Native Method",
        "Unknown Source",
        "Compiled Code",
        "Interpreted Code",
    ];
    args.is_empty() || (args.contains([' ', ',']) && !JAVA.iter().any(|j| args.starts_with(j)))
}

/// A .NET frame: `Ns.Class.Method` with compiler-generated numbers dropped; the BCL
/// (`System.`), ASP.NET and other Microsoft libraries (`Microsoft.`) and runtime-made
/// methods (`lambda_method12`) are library frames.
fn dotnet_frame(p: &Patterns, function: &str, file: Option<&str>, line: &str) -> Frame {
    let func = p
        .dotnet_generated
        .replace_all(function, "${1}")
        .into_owned();
    let in_app = !(func.starts_with("System.")
        || func.starts_with("Microsoft.")
        || func.starts_with("lambda_method"));
    frame(file.map(basename), func, in_app, line)
}

/// A PHP frame's function; Laravel's log writes the trace inside a JSON string, with its
/// backslashes doubled (`App\\Http\\Kernel`), which does not make it another function.
fn php_function(p: &Patterns, f: &str) -> String {
    let f = clean_function(p, f);
    if f.contains("\\\\") {
        f.replace("\\\\", "\\")
    } else {
        f
    }
}

/// A Java frame, `at pkg.Class.method(File.java:12)`: the qualified method (letters,
/// digits, `_$.<>/[]`) and what its parentheses hold (no `)`), with nothing but white
/// space after them. Scanned, not matched: this runs on every line of every trace read.
fn java_frame_parts(line: &str) -> Option<(&str, &str)> {
    let rest = line.trim_start().strip_prefix("at")?;
    let name_at = rest.trim_start();
    if name_at.len() == rest.len() {
        return None;
    }
    let name_len = name_at
        .find(|c: char| !(c.is_alphanumeric() || c == '_' || "$.<>/[]".contains(c)))
        .unwrap_or(name_at.len());
    let (name, after) = name_at.split_at(name_len);
    let inside = after.strip_prefix('(')?;
    let close = inside.find(')')?;
    (!name.is_empty() && inside[close + 1..].trim_start().is_empty())
        .then(|| (name, &inside[..close]))
}

/// The file of a Go frame's second line, `\t/path/file.go:12 +0x1d` (with
/// GOTRACEBACK=system's `fp=0x… sp=0x… pc=0x…` after it): indented, a `.go` path, `:` and
/// the line, then only those. Scanned, not matched, as [`java_frame_parts`].
fn go_file_path(line: &str) -> Option<&str> {
    let body = line.trim_start();
    if body.len() == line.len() {
        return None;
    }
    let mut words = body.split_whitespace();
    let (path, number) = words.next()?.rsplit_once(':')?;
    let hex = |h: &str| !h.is_empty() && h.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    if path.len() <= 3
        || !path.ends_with(".go")
        || number.is_empty()
        || !number.chars().all(|c| c.is_ascii_digit())
    {
        return None;
    }
    let mut words = words.peekable();
    if let Some(offset) = words.peek().and_then(|w| w.strip_prefix("+0x")) {
        if !hex(offset) {
            return None;
        }
        words.next();
    }
    words
        .all(|w| {
            w.split_once("=0x").is_some_and(|(k, v)| {
                !k.is_empty() && k.bytes().all(|b| b.is_ascii_lowercase()) && hex(v)
            })
        })
        .then_some(path)
}

/// `main.(*Server).handle(0xc0, {0x4b, 0x5})` → `main.(*Server).handle`; `created by x in
/// goroutine 7` → `x`. `None` unless the name is a plausible Go symbol.
fn go_function(line: &str) -> Option<&str> {
    let mut s = line.trim_end();
    s = s.strip_prefix("created by ").unwrap_or(s);
    static IN_GOROUTINE: OnceLock<memmem::Finder<'static>> = OnceLock::new();
    let in_goroutine = IN_GOROUTINE.get_or_init(|| memmem::Finder::new(" in goroutine "));
    if let Some(i) = in_goroutine.find(s.as_bytes()) {
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
/// `$$EnhancerByCGLIB$$1a2b` → ``, Go pointer args, PHP anonymous class paths, PHP 8.4's
/// closure locations (`{closure:/app/routes/web.php:12}` → `{closure}`).
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
    while let Some(i) = f.find("{closure:") {
        let end = f[i..].find('}').map_or(f.len(), |j| i + j + 1);
        f.replace_range(i..end, "{closure}");
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

/// How the name of an exception type ends (`IllegalStateException`, `TypeError`,
/// `SystemExit`, `KeyboardInterrupt`, `SegmentationFault`, `AssertionFailure`); a Java
/// class nested in one is one too, named after a `$` (Spring's
/// `HttpClientErrorException$NotFound`).
const TYPE_SUFFIXES: [&str; 7] = [
    "Exception",
    "Error",
    "Throwable",
    "Exit",
    "Interrupt",
    "Fault",
    "Failure",
];

/// An exception's own line (trimmed), `[prefix] Type[: message]`: `java.io.IOException:
/// reset`, `Caused by: ...`, `KeyError: 'id'`, `PHP Fatal error:  Uncaught Exception: x`,
/// PHP's display form `Fatal error: Uncaught TypeError: x`, .NET's `Unhandled exception.
/// System.X: y`. The type is a dotted (or PHP `\\`-separated) name whose last part is a
/// name followed by one of [`TYPE_SUFFIXES`] (then `$Nested` classes); the message is the
/// rest of the line after `:`. Returns the type's span and the message; read by scanning,
/// as this runs on every line of every trace not seen before.
fn read_header(l: &str) -> Option<(usize, usize, Option<&str>)> {
    header_prefix_end(l)
        .and_then(|start| read_type_at(l, start))
        .or_else(|| read_type_at(l, 0))
}

/// Where a header's prefix (see [`read_header`]) ends, with the spaces after it.
fn header_prefix_end(l: &str) -> Option<usize> {
    let after_spaces = |rest: &str| {
        let t = rest.trim_start();
        (t.len() < rest.len()).then_some(l.len() - t.len())
    };
    if let Some(r) = l.strip_prefix("Caused by:") {
        return after_spaces(r);
    }
    if let Some(r) = l.strip_prefix("Uncaught") {
        return after_spaces(r);
    }
    if let Some(r) = l
        .strip_prefix("PHP ")
        .unwrap_or(l)
        .strip_prefix("Fatal error:")
    {
        let at = after_spaces(r)?;
        return after_spaces(l[at..].strip_prefix("Uncaught")?);
    }
    let r = l
        .strip_prefix("Unhandled exception")
        .or_else(|| l.strip_prefix("Unhandled Exception"))?;
    after_spaces(r.strip_prefix(['.', ':'])?)
}

/// A header's type starting at `start`, followed by the end of the line or `:` and the
/// message (see [`read_header`]).
fn read_type_at(l: &str, start: usize) -> Option<(usize, usize, Option<&str>)> {
    let word = |c: char| c.is_alphanumeric() || c == '_';
    let starts_name = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    let mut end = start;
    let mut last; // where the last dotted part starts
    loop {
        let rest = &l[end..];
        if !starts_name(rest.chars().next()) {
            return None;
        }
        let len = rest
            .find(|c: char| !(word(c) || c == '$'))
            .unwrap_or(rest.len());
        last = end;
        end += len;
        let mut next = l[end..].chars();
        match next.next() {
            Some('.' | '\\') if starts_name(next.next()) => end += 1,
            _ => break,
        }
    }
    if !names_a_type(&l[last..end]) {
        return None;
    }
    let message = match l[end..].strip_prefix(':').map(str::trim_start) {
        _ if end == l.len() => None,
        Some(m) if !m.contains('\n') => Some(m),
        _ => return None,
    };
    Some((start, end, message))
}

/// A type's last name part: ends in one of [`TYPE_SUFFIXES`], or is a class nested in one
/// (`HttpClientErrorException$NotFound`: after the suffix, `$` and names).
fn names_a_type(part: &str) -> bool {
    let nested_from = |i: usize| {
        part[i..].split('$').skip(1).all(|n| {
            n.chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        })
    };
    let mut i = part.len();
    loop {
        // A name before the suffix: `Exception` alone is PHP's base class, read apart.
        if TYPE_SUFFIXES
            .iter()
            .any(|s| i > s.len() && part[..i].ends_with(s))
            && nested_from(i)
        {
            return true;
        }
        match part[..i].rfind('$') {
            Some(d) => i = d,
            None => return false,
        }
    }
}

/// True when the line names an exception the way traces do (see [`exception_type`]), or
/// JavaScript's and .NET's base classes, which have no prefix (`Error: boom`).
pub fn is_exception_line(line: &str) -> bool {
    let t = line.trim();
    read_header(t).is_some()
        || ["Error", "Exception"]
            .iter()
            .any(|base| t == *base || t.strip_prefix(base).is_some_and(|r| r.starts_with(": ")))
}

/// The exception type named in a trace's first lines, and its message:
/// - Java `java.io.IOException: x` (the first such line: the exception thrown, not the
///   `Caused by:` that follow), .NET `System.NullReferenceException: x` (also after `Unhandled exception. `);
/// - Python's final `ValueError: x` line;
/// - PHP `PHP Fatal error:  Uncaught Exception: x` (also after the error log's
///   `[date] `, and PHP's display form `Fatal error: Uncaught TypeError: x`, bare `Error`
///   included), MediaWiki's `[reqId] /url   Wikimedia\Rdbms\DBQueryError: x`, Laravel's
///   `{"exception":"[object] (Illuminate\\…\\QueryException(code: 0): x at /path:12)`;
/// - Go: the panic's kind (see [`go_panic_kind`]) for `panic: ...`, and `fatal error: x`
///   (masked) for the runtime's fatal errors in a goroutine dump.
pub fn exception_type(text: &str) -> Option<(String, String)> {
    if let Some(t) = laravel_exception(text) {
        return Some(t);
    }
    let python = markers().traceback.find(text.as_bytes()).is_some();
    let go_dump = markers().goroutine.find(text.as_bytes()).is_some();
    let mut found = None;
    for line in lines_of(text) {
        let l = strip_log_prefix(line.trim());
        if let Some(rest) = l.strip_prefix("panic: ") {
            let rest = strip_recovered(rest);
            return Some((go_panic_kind(rest), rest.to_string()));
        }
        if go_dump && let Some(rest) = l.strip_prefix("fatal error: ") {
            let rest = rest.trim();
            return Some((
                format!("fatal error: {}", mask_value(rest)),
                rest.to_string(),
            ));
        }
        // The scan stops at a line's first character that cannot be in a header: most
        // lines of a trace cost a few bytes.
        let typed = read_header(l)
            .map(|(start, end, msg)| (l[start..end].to_string(), msg.unwrap_or("").to_string()))
            .or_else(|| php_uncaught_base(l));
        if let Some(t) = typed {
            // Python prints the raised exception last; Java prints it first.
            if found.is_none() || python {
                found = Some(t);
            }
        }
    }
    found
}

/// Where the exception's type ends in `line`, when `line` is a header that
/// [`exception_type`] reads only the type of (`java.lang.IllegalStateException: pool
/// closed`, `Caused by: X: ...`): what follows cannot change what [`key_frames`] returns,
/// unless it holds text that the readers look for anywhere in a trace (`{main}`, a
/// Laravel `[object] (`, a Python `Traceback (most recent call last)`), in which case, as
/// for every other line, `None`.
pub fn header_type_end(line: &str) -> Option<usize> {
    // Cheap tests first: frames (`at ...`, `#0 ...`, `File ...`) are most lines.
    let trimmed = line.trim_start();
    if trimmed.starts_with("at ")
        || trimmed.starts_with('#')
        || trimmed.starts_with('[')
        || trimmed.starts_with("panic: ")
        || trimmed.starts_with("fatal error: ")
        || memmem::find(line.as_bytes(), b": ").is_none()
    {
        return None;
    }
    let (_, end, _) = read_header(line.trim())?;
    let end = end + (line.len() - trimmed.len());
    (!holds_trace_marker(&line[end..])).then_some(end)
}

/// Whether `text` holds what the readers look for anywhere in a trace (`{main}`, a Laravel
/// `[object] (`, a Python `Traceback (most recent call last)`): a line holding one is
/// always cached by its whole text.
fn holds_trace_marker(text: &str) -> bool {
    let m = markers();
    [&m.main, &m.object, &m.traceback]
        .iter()
        .any(|f| f.find(text.as_bytes()).is_some())
}

/// What the readers look for anywhere in a trace, each searcher built once: `str::contains`
/// and `memmem::find` build theirs on every call, which costs more than the search on the
/// many short traces of a run.
struct Markers {
    /// PHP's `{main}`, the outermost frame of every PHP trace.
    main: memmem::Finder<'static>,
    /// Laravel's (Monolog's) `[object] (` before an exception.
    object: memmem::Finder<'static>,
    /// Python's traceback header.
    traceback: memmem::Finder<'static>,
    /// A goroutine header on a line of its own: a Go dump.
    goroutine: memmem::Finder<'static>,
}

fn markers() -> &'static Markers {
    static M: OnceLock<Markers> = OnceLock::new();
    M.get_or_init(|| Markers {
        main: memmem::Finder::new("{main}"),
        object: memmem::Finder::new("[object] ("),
        traceback: memmem::Finder::new("Traceback (most recent call last)"),
        goroutine: memmem::Finder::new("\ngoroutine "),
    })
}

/// Writes to `out` the text a trace is cached by (`super::trace_cache`): two traces with
/// the same text have the same [`key_frames`]. Each line is written as it is (tagged `L`),
/// but for the parts no reader looks at:
/// - an exception header's message (see [`header_type_end`]);
/// - a Go frame's arguments, offset and registers (`pkg.(*T).f(0xc000123, {0x4b, 0x5})` and
///   `\t/src/f.go:12 +0x1d fp=0xc0…`: the function and the file, tagged `F`), which differ
///   in every crash;
/// - a goroutine's id in its header (`goroutine 15943 [running]:`, tagged `R`).
///
/// The tags keep the text unambiguous: no line written as it is reads as a shortened one.
pub fn cache_key_text(stack: &str, out: &mut Vec<u8>) {
    let mut lines = super::mask::split_byte(stack, b'\n').peekable();
    while let Some(line) = lines.next() {
        if let Some(end) = header_type_end(line) {
            out.push(b'L');
            out.extend_from_slice(&line.as_bytes()[..end]);
        } else if let Some((name, path)) = lines.peek().and_then(|next| go_frame_read(line, next)) {
            out.push(b'F');
            out.push(if line.starts_with("created by ") {
                b'1'
            } else {
                b'0'
            });
            out.extend_from_slice(name.as_bytes());
            out.push(0);
            out.extend_from_slice(path.as_bytes());
            lines.next();
        } else if let Some(rest) = goroutine_header_rest(line) {
            out.push(b'R');
            out.extend_from_slice(rest.as_bytes());
        } else {
            out.push(b'L');
            out.extend_from_slice(line.as_bytes());
        }
        out.push(b'\n');
    }
}

/// The function and file [`parse_one`] reads of a Go frame's two lines, when no other
/// reader can take the first and neither holds a trace marker: all that the frame
/// contributes, whatever its arguments and addresses.
fn go_frame_read<'l>(line: &'l str, next: &'l str) -> Option<(&'l str, &'l str)> {
    let trimmed = line.trim_start();
    if line.len() != trimmed.len()
        || ["at", "File", "#", "from"]
            .iter()
            .any(|p| trimmed.starts_with(p))
        || holds_trace_marker(line)
        || holds_trace_marker(next)
    {
        return None;
    }
    Some((go_function(line)?, go_file_path(next)?))
}

/// A goroutine header's text after its id (`goroutine 15943 [running]:` → ` [running]:`),
/// when that is all it holds: how [`go_goroutines`] reads it.
fn goroutine_header_rest(line: &str) -> Option<&str> {
    let rest = line.strip_prefix("goroutine ")?;
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    let rest = &rest[digits..];
    (digits > 0 && rest.starts_with(" [") && !holds_trace_marker(rest)).then_some(rest)
}

/// A line's log prefix that comes before an exception's name: MediaWiki's
/// `[reqId] /url   ` and PHP's error log `[01-Jan-2024 00:00:00 UTC] ` before `PHP `.
fn strip_log_prefix(l: &str) -> &str {
    if !l.starts_with('[') {
        return l;
    }
    let s = super::strip_mediawiki_prefix(l);
    if s.len() != l.len() {
        return s;
    }
    match l.find("] PHP ") {
        Some(i) => &l[i + 2..],
        None => l,
    }
}

/// PHP's uncaught `Error` and `Exception`, named without a prefix the pattern needs:
/// `PHP Fatal error:  Uncaught Error: Call to undefined function f()`.
fn php_uncaught_base(l: &str) -> Option<(String, String)> {
    let rest = l
        .strip_prefix("PHP ")
        .unwrap_or(l)
        .strip_prefix("Fatal error:")?;
    let rest = rest.trim_start().strip_prefix("Uncaught ")?;
    ["Error", "Exception"].iter().find_map(|base| {
        let msg = rest.strip_prefix(base)?;
        let msg = if msg.is_empty() {
            msg
        } else {
            msg.strip_prefix(':')?
        };
        Some((base.to_string(), msg.trim().to_string()))
    })
}

/// Laravel's (Monolog's) context: `{"exception":"[object] (Illuminate\\Database\\QueryException(code:
/// 0): SQLSTATE[…] at /app/vendor/…/Connection.php:712)`: the first one, the exception
/// thrown (`[previous exception]` ones follow it).
fn laravel_exception(text: &str) -> Option<(String, String)> {
    let at = markers().object.find(text.as_bytes())? + markers().object.needle().len();
    let rest = &text[at..];
    let open = rest.find("(code: ")?;
    let name = &rest[..open];
    if name.is_empty()
        || !name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'\\')
    {
        return None;
    }
    let name = name.replace("\\\\", "\\");
    let after = &rest[open..];
    let line = after.lines().next().unwrap_or("");
    let msg = line.split_once("): ").map_or("", |(_, m)| m);
    let msg = msg.rsplit_once(" at ").map_or(msg, |(m, _)| m);
    Some((name, msg.trim().to_string()))
}

/// `boom [recovered]` → `boom`: Go marks a panic that was recovered and panicked again.
fn strip_recovered(msg: &str) -> &str {
    let msg = msg.trim();
    match msg.rfind(" [recovered") {
        Some(i) if msg.ends_with(']') => &msg[..i],
        _ => msg,
    }
}

/// The kind of a Go panic, its exception type: what the panic says without its values.
/// A runtime error is named by the runtime's words, bounds errors without their
/// `[5] with length 3` (`runtime error: index out of range`); any other panic value is
/// `panic: ` and its first line masked ([`mask_value`]): a custom panic's message is the
/// only thing naming it, but the numbers, addresses, paths and quoted values in it do not
/// count.
fn go_panic_kind(msg: &str) -> String {
    if let Some(rest) = msg.strip_prefix("runtime error: ") {
        let cut = rest.find(" [").map_or(rest, |i| &rest[..i]);
        return format!("runtime error: {}", mask_value(cut));
    }
    format!("panic: {}", mask_value(msg))
}

/// The first line of a message as a short, value-free name: double-quoted strings (Go's
/// `%q`) become `"<*>"`, then [`super::mask::mask`]; at most 100 bytes.
fn mask_value(msg: &str) -> String {
    let msg = msg.lines().next().unwrap_or("");
    let mut unquoted = String::with_capacity(msg.len());
    let mut rest = msg;
    while let Some(i) = rest.find('"') {
        unquoted.push_str(&rest[..i]);
        let body = &rest[i + 1..];
        let mut end = None;
        let mut escaped = false;
        for (j, c) in body.char_indices() {
            match c {
                '\\' if !escaped => escaped = true,
                '"' if !escaped => {
                    end = Some(j);
                    break;
                }
                _ => escaped = false,
            }
        }
        match end {
            Some(j) => {
                unquoted.push_str("\"<*>\"");
                rest = &body[j + 1..];
            }
            None => {
                unquoted.push('"');
                rest = body;
            }
        }
    }
    unquoted.push_str(rest);
    let mut m = super::mask::mask(&unquoted);
    if m.len() > 100 {
        let mut end = 100;
        while !m.is_char_boundary(end) {
            end -= 1;
        }
        m.truncate(end);
    }
    m
}

#[cfg(test)]
pub(crate) mod tests {
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

    /// The pattern [`read_header`] scans for, as a regular expression.
    fn header_pattern() -> Regex {
        Regex::new(&format!(
            r"^(?:Caused by:\s+|Uncaught\s+|(?:PHP )?Fatal error:\s+Uncaught\s+|Unhandled [Ee]xception[.:]\s+)?([A-Za-z_][\w$]*(?:[.\\][A-Za-z_][\w$]*)*(?:{})(?:\$[A-Za-z_]\w*)*)(?::\s*(.*))?$",
            TYPE_SUFFIXES.join("|")
        ))
        .unwrap()
    }

    fn agrees_with_pattern(re: &Regex, l: &str) {
        let want = re
            .captures(l)
            .map(|c| (c[1].to_string(), c.get(2).map(|m| m.as_str().to_string())));
        let got = read_header(l).map(|(s, e, m)| (l[s..e].to_string(), m.map(str::to_string)));
        assert_eq!(got, want, "{l:?}");
    }

    #[test]
    fn the_header_scanner_reads_what_its_pattern_matches() {
        let re = header_pattern();
        for l in [
            "java.lang.IllegalStateException: pool closed",
            "Caused by: java.io.IOException: x: y",
            "Caused by:java.io.IOException",
            "Caused by:   org.postgresql.util.PSQLException: FATAL",
            "PHP Fatal error:  Uncaught TypeError: f(): Argument #1",
            "Fatal error: Uncaught Exception: boom",
            "Fatal error: Uncaught Error",
            "Unhandled exception. System.InvalidOperationException: no",
            "Unhandled Exception: System.Exception: x",
            "Unhandled exception: System.Exception",
            "Uncaught Wikimedia\\Rdbms\\DBQueryError: x",
            "Wikimedia\\Rdbms\\DBConnectionError: Cannot access the database",
            "HttpClientErrorException$NotFound: 404",
            "a.b$C$Exception$In$Out: x",
            "a.b.FooException$: x",
            "a.b.FooException$1: x",
            "a..b.FooException: x",
            "a.b.FooException.: x",
            "a.b.FooException :x",
            "FooException:\n  x",
            "FooException: \nx",
            "FooException:x\ny",
            "ValueError",
            "KeyboardInterrupt",
            "SystemExit: 2",
            "_Private9Error: é",
            "ÉtatError: x",
            "9Error: x",
            "Error",
            "Error: x",
            "Caused by: Error",
            "Uncaught  Error: x",
            "Uncaught",
            "",
            "\tat com.example.Foo.bar(Foo.java:1)",
        ] {
            agrees_with_pattern(&re, l);
        }
    }

    proptest::proptest! {
        #[test]
        fn the_header_scanner_agrees_with_its_pattern_on_any_line(
            l in "(Caused by: |Uncaught |PHP Fatal error: Uncaught |Unhandled exception. )?[a-zA-Z_$.\\\\: 9é\n]{0,12}(Exception|Error|Exit|Fault)?[$a-zA-Z:. \n]{0,6}"
        ) {
            agrees_with_pattern(&header_pattern(), &l);
        }
    }

    /// The patterns the frame scanners replace, as regular expressions.
    fn java_pattern() -> Regex {
        Regex::new(r"^\s*at\s+([\w$.<>/\[\]]+)\(([^)]*)\)\s*$").unwrap()
    }

    fn go_file_pattern() -> Regex {
        Regex::new(r"^\s+(\S+\.go):\d+(?:\s+\+0x[0-9a-f]+)?(?:\s+[a-z]+=0x[0-9a-f]+)*\s*$").unwrap()
    }

    fn frame_scanners_agree(java: &Regex, go: &Regex, l: &str) {
        let want = java
            .captures(l)
            .map(|c| (c[1].to_string(), c[2].to_string()));
        let got = java_frame_parts(l).map(|(a, b)| (a.to_string(), b.to_string()));
        assert_eq!(got, want, "java {l:?}");
        let want = go.captures(l).map(|c| c[1].to_string());
        assert_eq!(go_file_path(l).map(str::to_string), want, "go {l:?}");
    }

    #[test]
    fn the_frame_scanners_read_what_their_patterns_match() {
        let (java, go) = (java_pattern(), go_file_pattern());
        for l in [
            "\tat com.example.Foo.bar(Foo.java:12)",
            "  at com.example.Foo.<init>(Foo.java:12)  ",
            "at x.Y$1.run(Unknown Source)",
            "at java.base/java.lang.Thread.run(Thread.java:829)",
            "at Foo.bar()",
            "at Foo.bar(a)b",
            "at Foo.bar(a))",
            "at  Foo.bar (x)",
            "atFoo.bar(x)",
            "at Fé.bar(x)",
            "at (x)",
            "\t/usr/local/go/src/net/http/server.go:1868 +0x1d",
            "\t/app/main.go:12",
            "\t/app/main.go:12 +0x1d fp=0xc0 sp=0xc1 pc=0x2",
            "\t/app/main.go:12 fp=0xc0",
            "\t/app/main.go:12 +0x1D",
            "\t/app/main.go:12 +0x",
            "\t/app/main.go:12 +0x1 +0x2",
            "\t/app/main.go:12:3",
            "\tC:/a/main.go:12",
            "\t.go:12",
            "\ta.go:12 ",
            "/app/main.go:12",
            "\t/app/main.go: 12",
            "\t/app/main.go:12 FP=0x1",
        ] {
            frame_scanners_agree(&java, &go, l);
        }
    }

    proptest::proptest! {
        #[test]
        fn the_frame_scanners_agree_with_their_patterns_on_any_line(
            l in "[ \t]{0,2}(at ?)?[a-z$.<>/éF:]{0,6}(\\.go)?[:(]?[0-9a-z)x+ =.é]{0,10}(\\)| \\+0x1d| fp=0xc)?[ \t]{0,2}"
        ) {
            frame_scanners_agree(&java_pattern(), &go_file_pattern(), &l);
        }
    }

    proptest::proptest! {
        #[test]
        fn lines_are_split_as_std_splits_them(t in "[a\\r\\n]{0,12}") {
            proptest::prop_assert_eq!(lines_of(&t).collect::<Vec<_>>(), t.lines().collect::<Vec<_>>());
            proptest::prop_assert_eq!(
                super::super::mask::split_byte(&t, b'\n').collect::<Vec<_>>(),
                t.split('\n').collect::<Vec<_>>()
            );
        }
    }

    #[test]
    fn a_class_nested_in_an_exception_is_an_exception_type() {
        let t = "org.springframework.web.client.HttpClientErrorException$NotFound: 404 Not Found: \"customer 7 not found\"\n\tat com.example.Client.get(Client.java:12)";
        assert_eq!(
            exception_type(t).unwrap().0,
            "org.springframework.web.client.HttpClientErrorException$NotFound"
        );
        // Its message is not part of what a trace is cached by.
        let line = t.lines().next().unwrap();
        assert_eq!(
            &line[..header_type_end(line).unwrap()],
            "org.springframework.web.client.HttpClientErrorException$NotFound"
        );
        assert_eq!(exception_type("com.example.Outer$Inner: x"), None);
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
        // The panic's kind is its type (it was `panic` for every Go panic).
        assert_eq!(
            exception_type(t).unwrap().0,
            "runtime error: invalid memory address or nil pointer dereference"
        );
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

    /// A GOTRACEBACK=system/crash panic (frames with `fp= sp= pc=`), with `func` panicking
    /// with `panic`, at line `line`, in goroutine `id` with addresses `addr`.
    fn go_trace(panic: &str, func: &str, line: u32, id: u32, addr: &str) -> String {
        format!(
            "panic: {panic}\n[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x{addr}]\n\n\
             goroutine {id} [running]:\n\
             main.(*Server).{func}(0xc0000{addr}, 0x0)\n\t/home/u/app/server.go:{line} +0x23 fp=0xc000046f48 sp=0xc000046f20 pc=0x{addr}\n\
             main.main()\n\t/home/u/app/main.go:12 +0x1d fp=0xc000046f80 sp=0xc000046f48 pc=0x48f2ff\n\
             runtime.main()\n\t/usr/local/go/src/runtime/proc.go:250 +0x207 fp=0xc000046fe0 sp=0xc000046f80 pc=0x4368a7\n\
             created by main.main in goroutine {id}\n\t/home/u/app/main.go:10 +0x88\n"
        )
    }

    const NIL: &str = "runtime error: invalid memory address or nil pointer dereference";

    #[test]
    fn go_traceback_system_frames_count_not_created_by() {
        let a = key_frames(&go_trace(NIL, "handle", 42, 1, "48f2a3"));
        assert_eq!(
            a.1,
            ["server.go:main.(*Server).handle", "main.go:main.main"],
            "the fp=/sp=/pc= frames count, `created by` does not"
        );
        assert_eq!(a.0.as_deref(), Some(NIL));
        // Renaming the panicking function splits the group.
        assert_ne!(a, key_frames(&go_trace(NIL, "serve", 42, 1, "48f2a3")));
        // Lines, addresses and goroutine ids do not count.
        assert_eq!(a, key_frames(&go_trace(NIL, "handle", 57, 19, "4a0001")));
        // `created by` counts when the goroutine has nothing else.
        let only =
            "goroutine 7 [running]:\ncreated by main.start in goroutine 1\n\t/app/main.go:10 +0x88";
        assert_eq!(key_frames(only).1, ["main.go:main.start"]);
    }

    #[test]
    fn go_panic_kind_is_the_type() {
        let at = |p: &str| key_frames(&go_trace(p, "handle", 42, 1, "48f2a3"));
        let oob = at("runtime error: index out of range [5] with length 3");
        assert_ne!(
            at(NIL),
            oob,
            "nil dereference and index out of range differ"
        );
        assert_eq!(oob.0.as_deref(), Some("runtime error: index out of range"));
        assert_eq!(
            oob,
            at("runtime error: index out of range [12] with length 4")
        );
        assert_eq!(
            at("runtime error: slice bounds out of range [:9] with capacity 8")
                .0
                .as_deref(),
            Some("runtime error: slice bounds out of range")
        );
        // A custom panic: its words count, its values do not.
        let custom = at("user 42 not found in shard \"eu-1\"");
        assert_eq!(custom, at("user 7 not found in shard \"us-2\" [recovered]"));
        assert_ne!(custom, at("config missing"));
        assert!(!custom.0.unwrap().contains(char::is_numeric));
        // The runtime's fatal errors, in a goroutine dump.
        let fatal = "fatal error: concurrent map writes\n\ngoroutine 12 [running]:\nmain.(*Cache).Put(0xc000)\n\t/app/cache.go:30 +0x4c\n";
        assert_eq!(
            exception_type(fatal).unwrap().0,
            "fatal error: concurrent map writes"
        );
        assert_eq!(key_frames(fatal).1, ["cache.go:main.(*Cache).Put"]);
        // ... not a compiler's or a program's own `fatal error:` line.
        assert_eq!(exception_type("fatal error: stdio.h: No such file"), None);
    }

    #[test]
    fn go_dump_counts_the_crashing_goroutine_only() {
        let crash = go_trace(NIL, "handle", 42, 1, "48f2a3");
        let other = |f: &str| {
            format!(
                "\ngoroutine 9 [chan receive, 2 minutes]:\nmain.{f}(0xc0)\n\t/home/u/app/worker.go:88 +0x45\ncreated by main.main in goroutine 1\n\t/home/u/app/main.go:11 +0x99\n"
            )
        };
        let dump = format!("{crash}{}", other("worker"));
        assert_eq!(key_frames(&dump), key_frames(&crash));
        assert_eq!(
            key_frames(&dump),
            key_frames(&format!("{crash}{}", other("drain")))
        );
        // A dump whose running goroutine is not the first block.
        let reordered = format!(
            "panic: {NIL}\n{}\n{}",
            other("worker"),
            &crash[crash.find("goroutine").unwrap()..]
        );
        assert_eq!(key_frames(&reordered), key_frames(&crash));
    }

    /// A Laravel request failing inside the framework: only `public/index.php` is in-app.
    fn laravel_trace(top: &[&str], line: u32, arg: &str) -> String {
        let mut t = String::from(
            "PHP Fatal error:  Uncaught Illuminate\\Database\\QueryException: SQLSTATE[HY000] [2002] Connection refused in /var/www/vendor/laravel/framework/src/Illuminate/Database/Connection.php:712\nStack trace:\n",
        );
        let mut n = 0;
        for f in top {
            t.push_str(&format!(
                "#{n} /var/www/vendor/laravel/framework/src/Illuminate/Database/Connection.php({}): Illuminate\\Database\\{f}('{arg}', Array, Object(Closure))\n",
                line + n
            ));
            n += 1;
        }
        for f in [
            "Routing\\Pipeline->then",
            "Foundation\\Http\\Kernel->sendRequestThroughRouter",
        ] {
            t.push_str(&format!(
                "#{n} /var/www/vendor/laravel/framework/src/Illuminate/Pipeline/Pipeline.php(116): Illuminate\\{f}(Object(Illuminate\\Http\\Request))\n"
            ));
            n += 1;
        }
        t.push_str(&format!(
            "#{n} /var/www/public/index.php({}): Illuminate\\Foundation\\Http\\Kernel->handle(Object(Illuminate\\Http\\Request))\n#{} {{main}}\n  thrown in /var/www/vendor/laravel/framework/src/Illuminate/Database/Connection.php on line 712",
            50 + line,
            n + 1
        ));
        t
    }

    #[test]
    fn php_entry_point_only_counts_top_library_frames() {
        let a = laravel_trace(
            &[
                "Connection->runQueryCallback",
                "Connection->run",
                "Connection->select",
            ],
            700,
            "select * from users",
        );
        let k = key_frames(&a);
        assert_eq!(k.0.as_deref(), Some("Illuminate\\Database\\QueryException"));
        assert_eq!(
            k.1,
            [
                "Connection.php:Illuminate\\Database\\Connection->runQueryCallback",
                "Connection.php:Illuminate\\Database\\Connection->run",
                "Connection.php:Illuminate\\Database\\Connection->select",
                "index.php:Illuminate\\Foundation\\Http\\Kernel->handle",
            ]
        );
        // Two framework errors under index.php differ by their top frames...
        let b = laravel_trace(
            &[
                "Connection->runQueryCallback",
                "Connection->run",
                "Connection->insert",
            ],
            700,
            "insert into jobs",
        );
        assert_ne!(k, key_frames(&b));
        // ... and the same one is the same whatever its lines and arguments.
        let c = laravel_trace(
            &[
                "Connection->runQueryCallback",
                "Connection->run",
                "Connection->select",
            ],
            731,
            "select * from posts",
        );
        assert_eq!(k, key_frames(&c));
        // With in-app frames beyond the entry point, only in-app frames count, as before.
        let app = a.replace(
            "#3 /var/www/vendor/laravel/framework/src/Illuminate/Pipeline/Pipeline.php",
            "#3 /var/www/app/Http/Middleware/Tenant.php",
        );
        assert_eq!(
            key_frames(&app).1,
            [
                "Tenant.php:Illuminate\\Routing\\Pipeline->then",
                "index.php:Illuminate\\Foundation\\Http\\Kernel->handle",
            ]
        );
    }

    #[test]
    fn python_entry_script_only_counts_top_library_frames() {
        let t = |f: &str, line: u32| {
            format!(
                "Traceback (most recent call last):\n  File \"/app/manage.py\", line 22, in <module>\n    main()\n  File \"/app/manage.py\", line 18, in main\n    execute_from_command_line(sys.argv)\n  File \"/usr/lib/python3.11/site-packages/django/core/management/__init__.py\", line {line}, in execute\n    x\n  File \"/usr/lib/python3.11/site-packages/django/db/backends/utils.py\", line 89, in {f}\n    y\nOperationalError: no such table: users"
            )
        };
        let a = key_frames(&t("_execute", 442));
        assert_eq!(
            a.1,
            [
                "manage.py:<module>",
                "manage.py:main",
                "__init__.py:execute",
                "utils.py:_execute"
            ]
        );
        assert_eq!(a, key_frames(&t("_execute", 440)));
        assert_ne!(a, key_frames(&t("executemany", 442)));
        // An app frame past the script: only in-app frames count.
        let app = t("_execute", 442).replace(
            "/usr/lib/python3.11/site-packages/django/db/backends/utils.py",
            "/app/shop/db.py",
        );
        assert_eq!(
            key_frames(&app).1,
            ["manage.py:<module>", "manage.py:main", "db.py:_execute"]
        );
    }

    #[test]
    fn php_and_laravel_and_mediawiki_types() {
        let ty = |t: &str| exception_type(t).map(|t| t.0);
        assert_eq!(
            ty("[2024-01-01 00:00:00] production.ERROR: Call to undefined method App\\Foo::bar() {\"exception\":\"[object] (BadMethodCallException(code: 0): Call to undefined method App\\\\Foo::bar() at /app/vendor/laravel/framework/src/Illuminate/Support/Traits/ForwardsCalls.php:67)\n[stacktrace]\n#0 /app/x.php(1): f()\n#1 {main}\n\"}").as_deref(),
            Some("BadMethodCallException")
        );
        assert_eq!(
            exception_type(
                "local.ERROR: x {\"exception\":\"[object] (Illuminate\\\\Database\\\\QueryException(code: 2002): SQLSTATE[HY000] [2002] refused at /app/C.php:712)"
            ),
            Some((
                "Illuminate\\Database\\QueryException".to_string(),
                "SQLSTATE[HY000] [2002] refused".to_string()
            ))
        );
        assert_eq!(
            ty("[abc123] /w/index.php   Wikimedia\\Rdbms\\DBQueryError: Error 1205: Lock wait timeout exceeded").as_deref(),
            Some("Wikimedia\\Rdbms\\DBQueryError")
        );
        assert_eq!(
            ty("Fatal error: Uncaught TypeError: f(): Argument #1 ($x) must be of type int in /app/a.php:3").as_deref(),
            Some("TypeError")
        );
        assert_eq!(
            ty("[01-Jan-2024 00:00:00 UTC] PHP Fatal error:  Uncaught Illuminate\\Database\\QueryException: SQLSTATE[42S02]").as_deref(),
            Some("Illuminate\\Database\\QueryException")
        );
        assert_eq!(
            ty(
                "PHP Fatal error:  Uncaught Error: Call to undefined function foo() in /app/a.php:3"
            )
            .as_deref(),
            Some("Error")
        );
        // Laravel's JSON-escaped trace is the same frames as the plain one.
        let json = parse_frames(
            "#0 /app/vendor/x/Router.php(12): Illuminate\\\\Routing\\\\Router->dispatch(Object(Illuminate\\\\Http\\\\Request))",
        );
        assert_eq!(json[0].function, "Illuminate\\Routing\\Router->dispatch");
        // PHP 8.4 names closures by their line.
        let c = parse_frames("#0 [internal function]: {closure:/app/routes/web.php:12}()");
        assert_eq!(c[0].function, "{closure}");
    }

    #[test]
    fn dotnet_frames_and_type() {
        let t = "Unhandled exception. System.NullReferenceException: Object reference not set to an instance of an object.\n   at Shop.Orders.OrderService.Total(Order order, Int32 n) in /src/Shop/Orders/OrderService.cs:line 42\n   at Shop.Orders.OrderService.<PlaceAsync>d__5.MoveNext() in C:\\src\\Shop\\Orders\\OrderService.cs:line 30\n   at Shop.Api.<>c__DisplayClass3_0.<Map>b__0_1()\n   at System.Threading.Tasks.Task.Execute()\n   at Microsoft.AspNetCore.Routing.EndpointMiddleware.Invoke(HttpContext httpContext)\n   at Shop.Program.Main(String[] args)";
        let f = parse_frames(t);
        let keys: Vec<String> = f.iter().map(Frame::key).collect();
        assert_eq!(
            keys,
            [
                "OrderService.cs:Shop.Orders.OrderService.Total",
                "OrderService.cs:Shop.Orders.OrderService.<PlaceAsync>d__.MoveNext",
                "Shop.Api.<>c__DisplayClass.<Map>b__",
                "System.Threading.Tasks.Task.Execute",
                "Microsoft.AspNetCore.Routing.EndpointMiddleware.Invoke",
                "Shop.Program.Main",
            ]
        );
        let in_app: Vec<bool> = f.iter().map(|f| f.in_app).collect();
        assert_eq!(in_app, [true, true, true, false, false, true]);
        let (ty, k) = key_frames(t);
        assert_eq!(ty.as_deref(), Some("System.NullReferenceException"));
        assert_eq!(k.len(), 4);
        assert_eq!(
            exception_type("System.InvalidOperationException: Sequence contains no elements\n   at System.Linq.ThrowHelper.ThrowNoElementsException()").unwrap().0,
            "System.InvalidOperationException"
        );
        // Java frames stay Java frames.
        let j = parse_frames(
            "\tat java.lang.Thread.sleep(Native Method)\n\tat a.B.c(Unknown Source)\n\tat a.B.d(SourceFile:3)",
        );
        assert_eq!(j.len(), 3);
        assert!(!j[0].in_app && j[1].in_app);
        assert_eq!(j[2].key(), "a.B.d");
    }

    /// The traces of these tests, for tests elsewhere that hold for every trace.
    pub(crate) fn fixtures() -> Vec<String> {
        let mut v: Vec<String> = [
            "java.lang.IllegalStateException: pool closed\n\tat com.example.db.Pool.get(Pool.java:88)\n\tat com.example.api.Handler.lambda$handle$12(Handler.java:40)\n\tat java.base/java.lang.Thread.run(Thread.java:829)\n\t... 12 more",
            "Traceback (most recent call last):\n  File \"/app/svc/handlers.py\", line 42, in post\n    x = load()\n  File \"/usr/lib/python3.11/site-packages/requests/api.py\", line 7, in get\n    raise\nKeyError: 'user_id'",
            "from /srv/mediawiki/php-1.46.0-wmf.3/includes/libs/Message/ScalarParam.php(52)\n#0 /srv/mediawiki/php-1.46.0-wmf.3/includes/Message/Message.php(1344): Wikimedia\\Message\\ScalarParam->__construct(string, bool)\n#1 /srv/mediawiki/php-1.46.0-wmf.3/vendor/guzzle/Client.php(10): GuzzleHttp\\Client->send()\n#2 [internal function]: MediaWiki->run()\n#3 {main}",
            "panic: runtime error: invalid memory address or nil pointer dereference\n\ngoroutine 1 [running]:\nmain.(*Server).handle(0xc000010000, {0x4b2f20, 0x5})\n\t/build/src/server.go:88 +0x1d\nnet/http.HandlerFunc.ServeHTTP(0x0)\n\t/usr/local/go/src/net/http/server.go:2136 +0x29\nmain.main()\n\t/build/src/main.go:12 +0x25",
            "TypeError: Cannot read properties of undefined (reading 'id')\n    at getUser (/app/src/users.js:10:15)\n    at Layer.handle (/app/node_modules/express/lib/router/layer.js:95:5)\n    at node:internal/process/task_queues:95:5",
            "Unhandled exception. System.NullReferenceException: Object reference not set to an instance of an object.\n   at Shop.Orders.OrderService.Total(Order order, Int32 n) in /src/Shop/Orders/OrderService.cs:line 42\n   at Shop.Orders.OrderService.<PlaceAsync>d__5.MoveNext() in C:\\src\\Shop\\Orders\\OrderService.cs:line 30\n   at Shop.Api.<>c__DisplayClass3_0.<Map>b__0_1()\n   at System.Threading.Tasks.Task.Execute()\n   at Microsoft.AspNetCore.Routing.EndpointMiddleware.Invoke(HttpContext httpContext)\n   at Shop.Program.Main(String[] args)",
            "goroutine 7 [running]:\ncreated by main.start in goroutine 1\n\t/app/main.go:10 +0x88",
            "fatal error: concurrent map writes\n\ngoroutine 12 [running]:\nmain.(*Cache).Put(0xc000)\n\t/app/cache.go:30 +0x4c\n",
        ]
        .iter()
        .map(|t| t.to_string())
        .collect();
        let crash = go_trace(NIL, "handle", 42, 1, "48f2a3");
        v.push(format!(
            "{crash}\ngoroutine 9 [chan receive, 2 minutes]:\nmain.worker(0xc0)\n\t/home/u/app/worker.go:88 +0x45\ncreated by main.main in goroutine 1\n\t/home/u/app/main.go:11 +0x99\n"
        ));
        v.push(crash);
        let laravel = laravel_trace(
            &[
                "Connection->runQueryCallback",
                "Connection->run",
                "Connection->select",
            ],
            700,
            "select * from users",
        );
        v.push(laravel.replace(
            "#3 /var/www/vendor/laravel/framework/src/Illuminate/Pipeline/Pipeline.php",
            "#3 /var/www/app/Http/Middleware/Tenant.php",
        ));
        v.push(laravel);
        let django = "Traceback (most recent call last):\n  File \"/app/manage.py\", line 22, in <module>\n    main()\n  File \"/app/manage.py\", line 18, in main\n    execute_from_command_line(sys.argv)\n  File \"/usr/lib/python3.11/site-packages/django/core/management/__init__.py\", line 442, in execute\n    x\n  File \"/usr/lib/python3.11/site-packages/django/db/backends/utils.py\", line 89, in _execute\n    y\nOperationalError: no such table: users";
        v.push(django.replace(
            "/usr/lib/python3.11/site-packages/django/db/backends/utils.py",
            "/app/shop/db.py",
        ));
        v.push(django.to_string());
        v
    }
}
