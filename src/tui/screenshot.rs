//! Renders a ratatui buffer as SVG, for the README's screenshots (scripts/screenshots):
//! one rect per run of equal background, one text per run of equal style, on a dark
//! terminal palette. Test-only: the screenshots come from real renders of the demo.

use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};
use std::fmt::Write;

const CELL_W: f64 = 8.4;
const CELL_H: f64 = 17.0;
const FG: &str = "#d8d8d8";
const BG: &str = "#1d1f21";

fn hex(c: Color, default: &str) -> String {
    match c {
        Color::Reset => default.to_string(),
        Color::Black => "#1d1f21".into(),
        Color::Red => "#cc6666".into(),
        Color::Green => "#b5bd68".into(),
        Color::Yellow => "#f0c674".into(),
        Color::Blue => "#81a2be".into(),
        Color::Magenta => "#b294bb".into(),
        Color::Cyan => "#8abeb7".into(),
        Color::Gray => "#a0a0a0".into(),
        Color::DarkGray => "#707070".into(),
        Color::White => "#ffffff".into(),
        Color::Rgb(r, g, b) => format!("#{r:02x}{g:02x}{b:02x}"),
        _ => default.to_string(),
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

pub fn buffer_to_svg(buf: &Buffer) -> String {
    let (w, h) = (buf.area.width, buf.area.height);
    let mut out = String::new();
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{:.0}" height="{:.0}" font-family="DejaVu Sans Mono, monospace" font-size="14">"#,
        f64::from(w) * CELL_W + 16.0,
        f64::from(h) * CELL_H + 16.0
    );
    let _ = writeln!(
        out,
        r#"<rect width="100%" height="100%" fill="{BG}" rx="6"/>"#
    );
    for y in 0..h {
        let mut x = 0;
        while x < w {
            let cell = &buf[(x, y)];
            let reversed = cell.modifier.contains(Modifier::REVERSED);
            let (fg, bg) = if reversed {
                (hex(cell.bg, BG), hex(cell.fg, FG))
            } else {
                (hex(cell.fg, FG), hex(cell.bg, BG))
            };
            let bold = cell.modifier.contains(Modifier::BOLD);
            let underline = cell.modifier.contains(Modifier::UNDERLINED);
            let start = x;
            let mut text = String::new();
            while x < w {
                let c = &buf[(x, y)];
                let r = c.modifier.contains(Modifier::REVERSED);
                let (f2, b2) = if r {
                    (hex(c.bg, BG), hex(c.fg, FG))
                } else {
                    (hex(c.fg, FG), hex(c.bg, BG))
                };
                if f2 != fg
                    || b2 != bg
                    || c.modifier.contains(Modifier::BOLD) != bold
                    || c.modifier.contains(Modifier::UNDERLINED) != underline
                {
                    break;
                }
                text.push_str(c.symbol());
                x += 1;
            }
            let px = 8.0 + f64::from(start) * CELL_W;
            let py = 8.0 + f64::from(y) * CELL_H;
            if bg != BG {
                let _ = writeln!(
                    out,
                    r#"<rect x="{px:.1}" y="{py:.1}" width="{:.1}" height="{CELL_H}" fill="{bg}"/>"#,
                    f64::from(x - start) * CELL_W
                );
            }
            // Block elements (sparklines) as rects: fonts draw them unevenly.
            let mut plain = String::new();
            for (k, ch) in text.chars().enumerate() {
                if ('\u{2581}'..='\u{2588}').contains(&ch) {
                    let eighths = f64::from(ch as u32 - 0x2580);
                    let hh = CELL_H * eighths / 8.0;
                    let cx = px + k as f64 * CELL_W;
                    let _ = writeln!(
                        out,
                        r#"<rect x="{cx:.1}" y="{:.1}" width="{:.1}" height="{hh:.1}" fill="{fg}"/>"#,
                        py + CELL_H - hh,
                        CELL_W - 1.0
                    );
                    plain.push(' ');
                } else {
                    plain.push(ch);
                }
            }
            let text = plain;
            if !text.trim().is_empty() {
                let weight = if bold { r#" font-weight="bold""# } else { "" };
                let deco = if underline {
                    r#" text-decoration="underline""#
                } else {
                    ""
                };
                let _ = writeln!(
                    out,
                    r#"<text x="{px:.1}" y="{:.1}" fill="{fg}" xml:space="preserve" textLength="{:.1}" lengthAdjust="spacingAndGlyphs"{weight}{deco}>{}</text>"#,
                    py + CELL_H * 0.78,
                    f64::from(x - start) * CELL_W,
                    escape(&text)
                );
            }
        }
    }
    out.push_str("</svg>\n");
    out
}
