//! JSON rendering. serde_json escapes C0 controls; this also escapes DEL, C1 controls and
//! bidi/invisible characters as `\u` escapes (`\u202e`), so the JSON stays lossless but
//! cannot drive a terminal it is printed to.

use super::Report;
use crate::sanitize::is_bidi_or_invisible;

pub fn render(r: &Report) -> String {
    let s = serde_json::to_string_pretty(r).expect("report serializes");
    let mut out = escape_unsafe(&s);
    out.push('\n');
    out
}

/// Escapes characters that JSON allows raw but terminals may act on.
pub fn escape_unsafe(json: &str) -> String {
    if !json.chars().any(unsafe_char) {
        return json.to_string();
    }
    let mut out = String::with_capacity(json.len() + 32);
    for c in json.chars() {
        if unsafe_char(c) {
            let mut buf = [0u16; 2];
            for unit in c.encode_utf16(&mut buf) {
                out.push_str(&format!("\\u{unit:04x}"));
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn unsafe_char(c: char) -> bool {
    c == '\u{7f}' || ('\u{80}'..='\u{9f}').contains(&c) || is_bidi_or_invisible(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn c1_and_bidi_are_escaped_losslessly() {
        let v = serde_json::json!({"m": "a\u{9b}31m\u{202e}b\u{1b}c"});
        let s = escape_unsafe(&serde_json::to_string(&v).unwrap());
        assert!(
            !s.chars().any(|c| c.is_control() || is_bidi_or_invisible(c)),
            "{s}"
        );
        let back: serde_json::Value = serde_json::from_str(&s).unwrap();
        assert_eq!(back, v);
    }
}
