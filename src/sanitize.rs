//! Neutralizes control characters, bidi overrides and invisibles in log content before it
//! reaches a terminal or a report: every one is replaced by a visible marker, never dropped
//! silently and never passed through live.

use std::borrow::Cow;

/// Returns `s` with every control, bidi and invisible character made visible.
///
/// C0 controls become Control Pictures (`␛`, `␍`, `␀`), DEL becomes `␡`, C1 controls and
/// bidi/invisible format characters become their code point (`⟨U+202E⟩`). Tabs become
/// spaces and newlines `⏎` (use [`display_safe_multiline`] to keep line breaks). Idempotent.
pub fn display_safe(s: &str) -> Cow<'_, str> {
    escape(s, false)
}

/// Like [`display_safe`] but keeps `\n` as a real line break.
pub fn display_safe_multiline(s: &str) -> Cow<'_, str> {
    escape(s, true)
}

fn needs_escape(c: char) -> bool {
    c.is_control() || is_bidi_or_invisible(c)
}

/// Bidi controls and zero-width/invisible format characters (Trojan Source, CVE-2021-42574).
pub fn is_bidi_or_invisible(c: char) -> bool {
    matches!(c,
        '\u{061C}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{2069}' | '\u{FEFF}' | '\u{180E}' | '\u{FFF9}'..='\u{FFFB}')
}

fn escape(s: &str, keep_newlines: bool) -> Cow<'_, str> {
    if !s.chars().any(needs_escape) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '\n' if keep_newlines => out.push('\n'),
            '\n' => out.push('⏎'),
            '\t' => out.push_str("    "),
            '\u{7F}' => out.push('␡'),
            c if (c as u32) < 0x20 => {
                out.push(char::from_u32(0x2400 + c as u32).unwrap_or('\u{FFFD}'))
            }
            c if needs_escape(c) => out.push_str(&format!("⟨U+{:04X}⟩", c as u32)),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAYLOADS: &[&str] = &[
        "\x1b]0;pwned\x07",
        "\x1b]52;c;cHduZWQ=\x07",
        "\x1b]8;;https://evil\x1b\\click\x1b]8;;\x1b\\",
        "\x1b[2J\x1b[H",
        "\x1b[1A\x1b[2K\r[OK] Authentication success",
        "\x1b[6n",
        "\x1bP tmux; \x1b\\",
        "\u{9b}31m",
        "abc\rXYZ",
        "\u{202E}exe.txt",
        "nul\0byte",
        "unterminated \x1b]",
    ];

    #[test]
    fn no_control_survives_and_each_is_visible() {
        for p in PAYLOADS {
            let out = display_safe(p);
            assert!(!out.chars().any(needs_escape), "{p:?} -> {out:?}");
            let removed = p.chars().filter(|c| needs_escape(*c)).count();
            let markers = out.matches(['␛', '␍', '␀', '␇', '⟨', '⏎', '␡']).count();
            assert!(markers >= removed, "{p:?} -> {out:?}");
        }
    }

    #[test]
    fn escape_shown_not_dropped() {
        assert_eq!(display_safe("\x1b[31mFAKE"), "␛[31mFAKE");
        assert_eq!(display_safe("a\u{202E}b"), "a⟨U+202E⟩b");
        assert_eq!(display_safe("a\rb"), "a␍b");
    }

    #[test]
    fn idempotent_and_borrowed_when_clean() {
        for p in PAYLOADS {
            let once = display_safe(p).into_owned();
            assert_eq!(display_safe(&once), once);
        }
        assert!(matches!(display_safe("plain text"), Cow::Borrowed(_)));
    }

    #[test]
    fn multiline_keeps_newlines_only() {
        assert_eq!(display_safe_multiline("a\n\x1bb"), "a\n␛b");
        assert_eq!(display_safe("a\nb"), "a⏎b");
    }

    proptest::proptest! {
        #[test]
        fn nothing_live_survives_and_it_is_idempotent(s in proptest::prelude::any::<String>()) {
            for keep in [false, true] {
                let once = escape(&s, keep);
                proptest::prop_assert!(once.chars().all(|c| !needs_escape(c) || (keep && c == '\n')));
                let twice = escape(&once, keep).into_owned();
                proptest::prop_assert_eq!(twice.as_str(), once.as_ref());
                proptest::prop_assert!(once.chars().count() <= 10 * s.chars().count().max(1));
            }
        }

        #[test]
        fn bytes_decoded_lossily_are_neutralized(b in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..200)) {
            let s = String::from_utf8_lossy(&b);
            proptest::prop_assert!(display_safe(&s).chars().all(|c| !needs_escape(c)));
        }
    }
}
