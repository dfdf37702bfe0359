//! Tests of the fingerprint rules and their precedence.

use super::*;
use crate::aggregate::Aggregator;
use std::borrow::Cow;

fn ev<'a>(message: &'a str) -> Event<'a> {
    Event {
        message: Cow::Borrowed(message),
        ..Event::default()
    }
}

fn fp(e: &Event) -> String {
    let mut f = Fingerprinter::default();
    f.prekey(e).fingerprint()
}

#[test]
fn explicit_field_wins() {
    let mut e = ev("anything");
    e.fingerprint = Some(Cow::Borrowed("checkout-timeout"));
    e.stack = Some(Cow::Borrowed("\tat a.B.c(B.java:1)"));
    let mut f = Fingerprinter::default();
    assert_eq!(f.prekey(&e).rule, Rule::Explicit);
    let mut other = ev("something else");
    other.fingerprint = Some(Cow::Borrowed("checkout-timeout"));
    assert_eq!(fp(&e), fp(&other));
}

#[test]
fn stack_rule_same_error_across_versions() {
    let trace = |v: &str, line: u32| {
        format!(
            "#0 /srv/mediawiki/php-{v}/includes/Parser.php({line}): Parser->parse()\n#1 /srv/mediawiki/php-{v}/includes/Wiki.php(10): Wiki->run()"
        )
    };
    let (a, b) = (trace("1.46.0-wmf.3", 100), trace("1.46.0-wmf.4", 120));
    let mut e1 = ev("[x1] /w/index.php   TypeError: bad 12");
    e1.error_type = Some(Cow::Borrowed("TypeError"));
    e1.stack = Some(Cow::Borrowed(&a));
    let mut e2 = ev("[x2] /w/api.php   TypeError: bad 13");
    e2.error_type = Some(Cow::Borrowed("TypeError"));
    e2.stack = Some(Cow::Borrowed(&b));
    let mut f = Fingerprinter::default();
    assert_eq!(f.prekey(&e1).rule, Rule::Stack);
    assert_eq!(fp(&e1), fp(&e2));
}

#[test]
fn same_message_different_code_path_differs() {
    let mut e1 = ev("java.io.IOException: Broken pipe");
    e1.stack = Some(Cow::Borrowed("\tat org.acme.Export.write(Export.java:10)"));
    let mut e2 = ev("java.io.IOException: Broken pipe");
    e2.stack = Some(Cow::Borrowed("\tat org.acme.Upload.send(Upload.java:22)"));
    assert_ne!(fp(&e1), fp(&e2));
    // Without a stack, the origin (caller) separates them.
    let mut l1 = ev("query failed");
    l1.origin = Some(Cow::Borrowed("db/pool.go:88"));
    let mut l2 = ev("query failed");
    l2.origin = Some(Cow::Borrowed("cache/redis.go:12"));
    let mut l3 = ev("query failed");
    l3.origin = Some(Cow::Borrowed("db/pool.go:91")); // line moved: same code path
    assert_ne!(fp(&l1), fp(&l2));
    assert_eq!(fp(&l1), fp(&l3));
}

#[test]
fn template_field_beats_message_and_strips_prefix() {
    let mut e = ev("[XO1P] /w/index.php?title=Foo   InvalidArgumentException: Cannot foo");
    e.template = Some(Cow::Borrowed(
        "[{reqId}] {exception_url}   InvalidArgumentException: Cannot foo",
    ));
    let mut f = Fingerprinter::default();
    let k = f.prekey(&e);
    assert_eq!(k.rule, Rule::TemplateField);
    assert_eq!(k.template, "InvalidArgumentException: Cannot foo");
}

#[test]
fn mediawiki_prefix_stripping() {
    assert_eq!(
        strip_mediawiki_prefix("[{reqId}] {exception_url}   InvalidArgumentException: Cannot foo"),
        "InvalidArgumentException: Cannot foo"
    );
    assert_eq!(
        strip_mediawiki_prefix("[abc] [no req]   Error: x"),
        "Error: x"
    );
    assert_eq!(
        strip_mediawiki_prefix("[warn] disk full"),
        "[warn] disk full"
    );
}

#[test]
fn message_rule_masks_variables_and_error_field() {
    let mut a = ev("upstream timeout after 30s");
    a.error_message = Some(Cow::Borrowed("dial tcp 10.0.0.1:443: i/o timeout"));
    let mut b = ev("upstream timeout after 45s");
    b.error_message = Some(Cow::Borrowed("dial tcp 10.0.0.7:443: i/o timeout"));
    let mut c = ev("upstream timeout after 45s");
    c.error_message = Some(Cow::Borrowed("connection refused"));
    assert_eq!(fp(&a), fp(&b));
    assert_ne!(fp(&a), fp(&c));
}

#[test]
fn origin_normalization() {
    assert_eq!(normalize_origin("db/pool.go:88"), "db/pool.go");
    assert_eq!(
        normalize_origin("/srv/mediawiki/php-1.46.0-wmf.4/includes/Foo.php:12"),
        "includes/Foo.php"
    );
    assert_eq!(
        normalize_origin("/srv/mediawiki/php-1.46.0-wmf.4/Foo.php"),
        "mediawiki/Foo.php"
    );
    assert_eq!(
        normalize_origin("/opt/app/releases/4.13.0/lib/x.rb"),
        "lib/x.rb"
    );
    assert_eq!(
        normalize_origin("com.example.Handler"),
        "com.example.Handler"
    );
}

#[test]
fn fingerprints_are_stable_known_values() {
    // Decisions are keyed by these: a change here must bump FINGERPRINT_VERSION.
    let e = ev("Found child 32453 in scoreboard slot 8");
    assert_eq!(fp(&e), fp(&ev("Found child 1 in scoreboard slot 10")));
    assert_eq!(fp(&e).len(), 16);
    let golden = fp(&e);
    assert_eq!(
        golden, "39b7a64b74cb37fb",
        "fingerprint algorithm changed: bump FINGERPRINT_VERSION"
    );
    // Version 1's key of the same event is still computable: migration depends on it.
    let k = Fingerprinter::default().prekey(&e);
    assert_eq!(k.fingerprint_as(1, &k.template), "0001110291941870");
}

#[test]
fn mined_groups_do_not_depend_on_input_order() {
    let msgs = [
        "user alice logged out",
        "user bob logged out",
        "disk sda1 full",
        "user carol logged out",
        "user dave logged out",
        "user erin logged out",
    ];
    let run = |order: &[usize]| {
        let mut agg = Aggregator::default();
        let mut f = Fingerprinter::default();
        for &i in order {
            let mut e = ev(msgs[i]);
            e.line = i as u64 + 1;
            agg.count_event(&e);
            let k = f.prekey(&e);
            agg.add(&e, &k);
        }
        let (groups, _) = agg.finalize();
        let mut v: Vec<(String, u64)> = groups
            .iter()
            .map(|g| (g.fingerprint.clone(), g.count("")))
            .collect();
        v.sort();
        v
    };
    let a = run(&[0, 1, 2, 3, 4, 5]);
    assert_eq!(a, run(&[5, 4, 3, 2, 1, 0]));
    assert_eq!(a, run(&[2, 4, 0, 5, 3, 1]));
    assert_eq!(a.len(), 2);
}

#[test]
fn traces_that_differ_only_in_their_messages_are_parsed_once_and_keep_their_types() {
    let java = |msg: &str, cause: &str| {
        format!(
            "com.example.OrderException: {msg}\n\tat com.example.Orders.place(Orders.java:10)\n\tat org.springframework.web.Layer.invoke(Layer.java:3)\nCaused by: java.sql.SQLException: {cause}\n\tat com.example.Db.query(Db.java:7)\n\t... 2 more"
        )
    };
    let mut f = Fingerprinter::default();
    let a = java("order 1 failed", "timeout after 30ms");
    let b = java("order 2 failed for user bob", "timeout after 31ms");
    let ka = f.prekey(&ev_with_stack("order 1 failed", &a));
    let kb = f.prekey(&ev_with_stack("order 2 failed", &b));
    assert_eq!(f.traces_cached(), 1, "the second trace is not parsed again");
    assert_eq!(ka.frames, kb.frames);
    assert_eq!(ka.error_type, kb.error_type);
    // The cached answer is the one parsing gives.
    assert_eq!(
        (kb.error_type.clone(), kb.frames.to_vec()),
        stack::key_frames(&b)
    );
    // Headers that name different types, whatever precedes them, are different keys.
    for (x, y) in [
        (
            "Unhandled Exception: System.AError: m",
            "Unhandled Exception: System.BError: m",
        ),
        ("com.example.AException: m", "com.example.BException: m"),
    ] {
        let tx = format!("{x}\n   at App.Main() in /src/App.cs:line 3");
        let ty = format!("{y}\n   at App.Main() in /src/App.cs:line 3");
        let mut f = Fingerprinter::default();
        let kx = f.prekey(&ev_with_stack("m", &tx));
        let ky = f.prekey(&ev_with_stack("m", &ty));
        assert_ne!(kx.error_type, ky.error_type, "{x} / {y}");
        assert_eq!(kx.error_type, stack::key_frames(&tx).0);
        assert_eq!(ky.error_type, stack::key_frames(&ty).0);
    }
    // A message holding what readers look for anywhere in a trace is kept whole.
    assert_eq!(
        stack::header_type_end("java.lang.X1Exception: see {main}"),
        None
    );
    assert_eq!(
        stack::header_type_end("java.lang.IllegalStateException: pool closed"),
        Some("java.lang.IllegalStateException".len())
    );
    assert_eq!(
        stack::header_type_end("\tat com.example.A.b(A.java:1)"),
        None
    );
}

fn ev_with_stack<'a>(message: &'a str, stack: &'a str) -> Event<'a> {
    Event {
        message: Cow::Borrowed(message),
        stack: Some(Cow::Borrowed(stack)),
        ..Event::default()
    }
}
