//! One test per reason a component counts or not, and the explanation agreeing with the
//! fingerprint on every trace of the stack tests.

use super::*;
use crate::event::Event;
use crate::fingerprint::{Fingerprinter, MAX_FRAMES};
use std::borrow::Cow;

/// The explanation of an event with `message` and `stack`, from that event's own trace.
fn of(message: &str, stack: Option<&str>) -> Explanation {
    let ev = Event {
        message: Cow::Borrowed(message),
        stack: stack.map(Cow::Borrowed),
        ..Event::default()
    };
    let k = Fingerprinter::default().prekey(&ev);
    let traces: Vec<&str> = stack.into_iter().collect();
    explain(
        &k,
        &traces,
        &[Sample {
            message,
            host: None,
        }],
    )
}

/// `(value, why)` of the frames.
fn frames(e: &Explanation) -> Vec<(String, Why)> {
    e.components
        .iter()
        .filter(|c| c.what == What::Frame)
        .map(|c| (c.value.clone(), c.why))
        .collect()
}

fn contributing(e: &Explanation) -> Vec<String> {
    e.components
        .iter()
        .filter(|c| c.what == What::Frame && c.contributes)
        .map(|c| c.value.clone())
        .collect()
}

#[test]
fn library_frames_do_not_count() {
    let t = "java.lang.IllegalStateException: pool closed\n\tat com.example.db.Pool.get(Pool.java:88)\n\tat java.base/java.lang.Thread.run(Thread.java:829)";
    let e = of("pool closed", Some(t));
    assert_eq!(e.rule, Rule::Stack);
    assert_eq!(
        frames(&e),
        [
            ("Pool.java:com.example.db.Pool.get".to_string(), Why::InApp),
            (
                "Thread.java:java.base/java.lang.Thread.run".to_string(),
                Why::LibraryFrame
            ),
        ]
    );
    let ty = &e.components[0];
    assert_eq!(
        (ty.what, ty.value.as_str(), ty.contributes),
        (What::ExceptionType, "java.lang.IllegalStateException", true)
    );
    // The message is no input of the stack rule, and says so.
    let m = e
        .components
        .iter()
        .find(|c| c.what == What::Message)
        .unwrap();
    assert_eq!((m.contributes, m.why), (false, Why::NotInRule));
    assert!(e.notes.is_empty());
}

#[test]
fn recursion_is_folded() {
    let t = "java.lang.StackOverflowError\n\tat a.Tree.walk(Tree.java:10)\n\tat a.Tree.walk(Tree.java:12)\n\tat java.util.List.forEach(List.java:3)\n\tat a.Tree.walk(Tree.java:12)\n\tat a.Main.run(Main.java:5)";
    let whys: Vec<Why> = frames(&of("x", Some(t))).into_iter().map(|f| f.1).collect();
    // A library frame between two calls of one function does not unfold it.
    assert_eq!(
        whys,
        [
            Why::InApp,
            Why::RecursionFolded,
            Why::LibraryFrame,
            Why::RecursionFolded,
            Why::InApp
        ]
    );
}

#[test]
fn frames_past_the_limit_do_not_count() {
    let mut t = String::from("java.lang.RuntimeException: deep");
    for i in 0..MAX_FRAMES + 5 {
        t.push_str(&format!("\n\tat a.B.f{i}(B.java:{i})"));
    }
    let f = frames(&of("deep", Some(&t)));
    assert_eq!(f.len(), MAX_FRAMES + 5);
    assert!(f[..MAX_FRAMES].iter().all(|f| f.1 == Why::InApp));
    // The innermost count: Java writes them first.
    assert!(f[MAX_FRAMES..].iter().all(|f| f.1 == Why::PastFrameLimit));
    // Python writes the innermost last: its outermost frames are the ones past the limit.
    let mut p = String::from("Traceback (most recent call last):");
    for i in 0..MAX_FRAMES + 2 {
        p.push_str(&format!(
            "\n  File \"/app/m.py\", line {i}, in f{i}\n    x()"
        ));
    }
    p.push_str("\nValueError: x");
    let f = frames(&of("ValueError: x", Some(&p)));
    assert_eq!(f[0], ("m.py:f0".to_string(), Why::PastFrameLimit));
    assert_eq!(f[1].1, Why::PastFrameLimit);
    assert_eq!(f[2], ("m.py:f2".to_string(), Why::InApp));
}

/// A Go panic with `main.main` and `worker` in-app, a second goroutine and `created by`.
const GO_DUMP: &str = "panic: boom\n\ngoroutine 1 [running]:\nmain.(*Server).handle(0xc0)\n\t/app/server.go:42 +0x23\nmain.main()\n\t/app/main.go:12 +0x1d\ncreated by main.start in goroutine 1\n\t/app/main.go:10 +0x88\n\ngoroutine 9 [chan receive, 2 minutes]:\nmain.worker(0xc0)\n\t/app/worker.go:88 +0x45\n";

#[test]
fn go_other_goroutines_and_created_by_do_not_count() {
    let e = of("panic: boom", Some(GO_DUMP));
    assert_eq!(
        frames(&e),
        [
            ("server.go:main.(*Server).handle".to_string(), Why::InApp),
            ("main.go:main.main".to_string(), Why::InApp),
            ("main.go:main.start".to_string(), Why::CreatedBy),
        ]
    );
    let g: Vec<(&str, Why)> = e
        .components
        .iter()
        .filter(|c| c.what == What::Goroutine)
        .map(|c| (c.value.as_str(), c.why))
        .collect();
    assert_eq!(
        g,
        [(
            "goroutine 9 [chan receive, 2 minutes]",
            Why::NotCrashingGoroutine
        )]
    );
    assert!(
        !e.components
            .iter()
            .any(|c| c.what == What::Goroutine && c.contributes)
    );
}

#[test]
fn top_library_frames_count_when_only_the_entry_point_is_in_app() {
    let t = "panic: boom\n\ngoroutine 1 [running]:\npanic({0x1, 0x2})\n\t/usr/local/go/src/runtime/panic.go:770 +0x132\nnet/http.(*conn).serve(0xc0)\n\t/usr/local/go/src/net/http/server.go:2039 +0x8a\nmain.main()\n\t/app/main.go:12 +0x1d\n";
    assert_eq!(
        frames(&of("panic: boom", Some(t))),
        [
            ("panic.go:panic".to_string(), Why::RuntimePanic),
            (
                "server.go:net/http.(*conn).serve".to_string(),
                Why::TopLibraryFrame
            ),
            ("main.go:main.main".to_string(), Why::EntryPoint),
        ]
    );
}

#[test]
fn masked_values_are_listed() {
    let e = of("Found child 32453 in scoreboard slot 8", None);
    assert_eq!(e.rule, Rule::Message);
    let c = &e.components[0];
    assert_eq!(
        (c.what, c.value.as_str(), c.why),
        (
            What::Message,
            "Found child <*> in scoreboard slot <*>",
            Why::MaskedMessage
        )
    );
    let masked: Vec<(&str, bool, Option<&str>)> = e
        .components
        .iter()
        .filter(|c| c.what == What::MaskedValue)
        .map(|c| (c.value.as_str(), c.contributes, c.replaced_by))
        .collect();
    assert_eq!(
        masked,
        [("32453", false, Some("<*>")), ("8", false, Some("<*>"))]
    );
}

#[test]
fn masked_values_align_with_the_template() {
    let v = |raw: &str| masked_values(raw, &mask::mask(raw));
    assert_eq!(
        v("connect to 10.0.0.1:5432 failed (attempt 3)").unwrap(),
        ["10.0.0.1:5432", "3"]
    );
    // A run of values is one placeholder; whitespace does not matter.
    assert_eq!(v("channels  1 2 3 open").unwrap(), ["1 2 3"]);
    assert_eq!(v("node-233 down").unwrap(), ["233"]);
    assert_eq!(v("no values here").unwrap(), Vec::<String>::new());
    assert_eq!(masked_values("other text", "some <*> text"), None);
}

#[test]
fn a_sample_of_another_fingerprint_explains_nothing_it_cannot() {
    // The group's kept trace and sample are another member's.
    let e = of("x", Some(GO_DUMP));
    let k = Fingerprinter::default().prekey(&Event {
        message: Cow::Borrowed("x"),
        stack: Some(Cow::Borrowed(GO_DUMP)),
        ..Event::default()
    });
    let other = "java.lang.RuntimeException\n\tat a.B.c(B.java:1)";
    let e2 = explain(&k, &[other], &[]);
    assert_eq!(contributing(&e2), contributing(&e));
    assert!(
        frames(&e2).iter().all(|f| f.1 == Why::InFingerprint),
        "{e2:?}"
    );
    assert_eq!(e2.notes.len(), 1);
    let m = Fingerprinter::default().prekey(&Event {
        message: Cow::Borrowed("user 12 gone"),
        ..Event::default()
    });
    let e3 = explain(
        &m,
        &[],
        &[Sample {
            message: "disk 3 full",
            host: None,
        }],
    );
    assert!(!e3.components.iter().any(|c| c.what == What::MaskedValue));
    assert_eq!(e3.notes.len(), 1);
}

#[test]
fn the_explanation_counts_the_frames_the_fingerprint_hashes() {
    for t in crate::fingerprint::stack::tests::fixtures() {
        let ev = Event {
            message: Cow::Borrowed("m"),
            stack: Some(Cow::Borrowed(&t)),
            ..Event::default()
        };
        let k = Fingerprinter::default().prekey(&ev);
        assert_eq!(k.rule, Rule::Stack, "{t}");
        let e = explain(&k, &[&t], &[]);
        assert!(e.notes.is_empty(), "{t}");
        assert_eq!(contributing(&e), k.frames.to_vec(), "{t}");
        assert!(frames(&e).iter().all(|f| f.1 != Why::InFingerprint), "{t}");
    }
}

#[test]
fn a_huge_trace_lists_its_counted_frames_and_sums_up_the_rest() {
    let mut trace = String::from("java.lang.IllegalStateException: boom\n");
    trace.push_str("\tat com.example.App.run(App.java:3)\n");
    for i in 0..5000 {
        trace.push_str(&format!(
            "\tat org.springframework.Layer{i}.call(Layer{i}.java:1)\n"
        ));
    }
    let e = of("boom", Some(&trace));
    assert_eq!(contributing(&e), ["App.java:com.example.App.run"]);
    let uncounted = frames(&e).iter().filter(|(_, w)| !w.counts()).count();
    assert_eq!(uncounted, MAX_UNCOUNTED_FRAMES);
    assert!(
        e.notes
            .iter()
            .any(|n| n.contains(&format!("{} more frame(s)", 5000 - MAX_UNCOUNTED_FRAMES))),
        "{:?}",
        e.notes
    );
}
