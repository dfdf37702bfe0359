//! Fingerprinting cost per event shape (`cargo bench --bench fingerprint`), so a regression
//! shows here before it shows in the README's throughput table.
//!
//! Shapes: a Java trace of 60 frames with a `Caused by` chain, a MediaWiki PHP trace of 25
//! frames, a chained Python traceback, a Go panic with two goroutines, and a one-line
//! message with values. Each is measured two ways:
//! - `first_sight`: every event's trace text differs, so the trace is parsed and the message
//!   masked every time (what a trace or message never seen before costs);
//! - `repeated`: one fingerprinter over events whose traces repeat and whose messages vary
//!   in their values, as production writes them (the caches' steady state).

use logtriage::event::Event;
use logtriage::fingerprint::Fingerprinter;
use std::borrow::Cow;

fn main() {
    divan::main();
}

/// `n` lines made by `line` from their index (each with its own newline), joined.
fn lines(n: usize, line: impl Fn(usize) -> String) -> String {
    (0..n).map(line).collect()
}

fn java_trace() -> String {
    let mut t = String::from("java.lang.IllegalStateException: pool closed\n");
    t.push_str(&lines(12, |i| {
        format!(
            "\tat com.example.orders.Service{i}.handle(Service{i}.java:{})\n",
            40 + i
        )
    }));
    t.push_str(&lines(40, |i| {
        format!(
            "\tat org.springframework.web.servlet.Layer{i}.invoke(Layer{i}.java:{})\n",
            100 + i
        )
    }));
    t.push_str("Caused by: java.sql.SQLTransientConnectionException: timeout\n");
    t.push_str(&lines(8, |i| {
        format!(
            "\tat com.zaxxer.hikari.pool.Pool{i}.get(Pool{i}.java:{})\n",
            200 + i
        )
    }));
    t.push_str("\t... 52 more");
    t
}

fn php_trace() -> String {
    let mut t = String::new();
    t.push_str(&lines(24, |i| {
        format!(
                "#{i} /srv/mediawiki/php-1.46.0-wmf.4/includes/parser/Part{i}.php({}): MediaWiki\\Parser\\Part{i}->run()\n",
                10 + i * 7
        )
    }));
    t.push_str("#24 {main}");
    t
}

fn python_trace() -> String {
    let mut t = String::from("Traceback (most recent call last):\n");
    t.push_str(&lines(10, |i| {
        format!(
            "  File \"/app/orders/step{i}.py\", line {}, in step{i}\n    result = next_step(x)\n",
            20 + i
        )
    }));
    t.push_str("KeyError: 'sku'\n\nDuring handling of the above exception, another exception occurred:\n\nTraceback (most recent call last):\n");
    t.push_str(&lines(6, |i| {
        format!(
                "  File \"/usr/lib/python3.11/site-packages/django/core/h{i}.py\", line {}, in inner\n    response = get_response(request)\n",
                50 + i
        )
    }));
    t.push_str("ValueError: order 1234 has no sku");
    t
}

fn go_trace() -> String {
    let mut t = String::from(
        "panic: runtime error: invalid memory address or nil pointer dereference\n[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x4a5b6c]\n\ngoroutine 17 [running]:\n",
    );
    t.push_str(&lines(12, |i| {
        format!(
                "example.com/orders/internal/step{i}.Run(0xc000{i:03x})\n\t/build/internal/step{i}/run.go:{} +0x{:x}\n",
                30 + i,
                0x40 + i
        )
    }));
    t.push_str("created by main.main\n\t/build/main.go:42 +0x1a\n\ngoroutine 1 [chan receive]:\nmain.main()\n\t/build/main.go:50 +0x2b");
    t
}

/// An error event: `message` (with `n` in it where the shape has a value) and `stack`.
fn event<'a>(message: &'a str, stack: Option<&'a str>) -> Event<'a> {
    Event {
        message: Cow::Borrowed(message),
        stack: stack.map(Cow::Borrowed),
        ..Event::default()
    }
}

/// 256 messages of one shape whose values differ (ids, hosts, durations).
fn messages(shape: &str) -> Vec<String> {
    (0..256)
        .map(|n| match shape {
            "java" => format!("order {n} failed: pool closed after {}ms", n * 7),
            "php" => format!(
                "[req{n:08x}] /w/index.php?title=Page_{n}   MediaWiki\\Parser\\Part0->run(): Return value must be of type string, null returned"
            ),
            "python" => format!("order {n} has no sku"),
            "go" => format!("request {n} from 10.64.{}.{} crashed", n % 50, n % 250),
            _ => format!(
                "upstream thumbor{}.eqiad.wmnet:8800 timed out after {}ms for /w/images/{n:x}/File_{n}.jpg (user=u{n}, overlap:{})",
                1001 + n % 8,
                n * 13,
                n % 2 == 0
            ),
        })
        .collect()
}

fn trace(shape: &str) -> Option<String> {
    match shape {
        "java" => Some(java_trace()),
        "php" => Some(php_trace()),
        "python" => Some(python_trace()),
        "go" => Some(go_trace()),
        _ => None,
    }
}

const SHAPES: &[&str] = &["java", "php", "python", "go", "message"];

#[divan::bench(args = SHAPES)]
fn first_sight(bencher: divan::Bencher, shape: &str) {
    // Each event's trace differs in its text (a thread name at its end), so no cache
    // holds it: the trace is parsed, as for a trace never seen before.
    let msgs = messages(shape);
    let stacks: Vec<Option<String>> = (0..msgs.len())
        .map(|n| trace(shape).map(|t| format!("{t}\n\t(thread worker-{n})")))
        .collect();
    let mut f = Fingerprinter::default();
    let mut i = 0;
    bencher.bench_local(|| {
        i = (i + 1) % msgs.len();
        let ev = event(&msgs[i], stacks[i].as_deref());
        f.prekey(&ev).key
    });
}

#[divan::bench(args = SHAPES)]
fn repeated(bencher: divan::Bencher, shape: &str) {
    let stack = trace(shape);
    let msgs = messages(shape);
    let mut f = Fingerprinter::default();
    let mut i = 0;
    bencher.bench_local(|| {
        i = (i + 1) % msgs.len();
        let ev = event(&msgs[i], stack.as_deref());
        f.prekey(&ev).key
    });
}
