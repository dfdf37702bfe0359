//! A level written in a fixed column of a text input's lines, where no header convention
//! the text reader knows puts it: Blue Gene/L's RAS lines (`... RAS KERNEL FATAL ...`),
//! lines prefixed with the file they came from (`nova-api.log.1 2017-05-16 00:00:00.008
//! 25746 INFO ...`), WebLogic's `####<time> <Error>`, PocketMine's `[Server thread/INFO]`
//! after a split date. A columnar format (a pattern layout, a printf) writes the level at
//! the same field of every record, so the column is found from the input's first lines:
//! the whitespace-separated field that holds a level name in most of them. Only inputs
//! whose lines the header rules leave without a level get a column; each record's level
//! is then read from it when the record itself gave none.

use super::records::Joiner;
use super::text;
use crate::level::Level;

/// Fields looked at from the start of a line.
const MAX_FIELD: usize = 16;
/// Sample lines needed before a column is trusted.
const MIN_LINES: usize = 5;

/// The field that holds a level in most of the sample's record lines, when the header
/// rules read no level from most of them.
pub fn detect(sample: &str) -> Option<usize> {
    let mut lines = 0usize;
    let mut leveled = 0usize;
    let mut hits = [0usize; MAX_FIELD];
    for line in record_starts(sample) {
        lines += 1;
        if text::read_header(line).level.is_some() {
            leveled += 1;
            continue;
        }
        for (i, field) in line.split_whitespace().take(MAX_FIELD).enumerate() {
            hits[i] += usize::from(level_of_field(field).is_some());
        }
    }
    if lines < MIN_LINES || leveled * 2 >= lines {
        return None;
    }
    let (field, &count) = hits
        .iter()
        .enumerate()
        .max_by_key(|(i, c)| (**c, MAX_FIELD - i))?;
    // Three records in five: a level column, not a word that happens to recur.
    (count * 5 >= lines * 3).then_some(field)
}

/// The first lines of the sample's records: the lines inside a record (a stack trace, a
/// message's second line) say nothing about the records' columns.
fn record_starts(sample: &str) -> Vec<&str> {
    let mut joiner = Joiner::new(sample);
    let mut starts = Vec::new();
    let lines: Vec<&str> = sample.lines().take(200).collect();
    for (i, line) in lines.iter().enumerate() {
        if let Some((n, _)) = joiner.push(i as u64, line) {
            starts.push(lines[n as usize]);
        }
    }
    while let Some((n, _)) = joiner.finish() {
        starts.push(lines[n as usize]);
    }
    starts
}

/// The level in field `column` of a record's first line.
pub fn read(record: &str, column: usize) -> Option<Level> {
    let first = record.lines().next()?;
    level_of_field(first.split_whitespace().nth(column)?)
}

/// A field that is a level name and nothing else, once the brackets a layout puts around
/// it are taken off (`<Error>`, `[INFO]`, `thread/WARN]:`). One- and two-letter names
/// (`E`, `D2`) are left out: in a column found by counting they are too often something
/// else.
fn level_of_field(field: &str) -> Option<Level> {
    let bare =
        field.trim_matches(|c: char| matches!(c, '[' | ']' | '<' | '>' | '(' | ')' | ':' | ','));
    // `thread/WARN]` is a bracket's end; `/webhook/alert` a path, not a level.
    let bare = match bare.rsplit_once('/') {
        Some((_, level)) if field.ends_with(']') || field.ends_with("]:") => level,
        _ => bare,
    };
    if bare.len() < 3 || !bare.bytes().all(|b| b.is_ascii_alphabetic()) {
        return None;
    }
    Level::from_name(bare)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bgl() -> String {
        let mut s = String::new();
        for (i, level) in ["INFO", "INFO", "FATAL", "INFO", "ERROR", "WARNING"]
            .iter()
            .enumerate()
        {
            s.push_str(&format!(
                "- 111783857{i} 2005.06.03 R02-M1-N0-C:J12-U11 2005-06-03-15.42.5{i}.675872 R02-M1-N0-C:J12-U11 RAS KERNEL {level} instruction cache parity error corrected\n"
            ));
        }
        s
    }

    #[test]
    fn finds_the_column_that_holds_levels() {
        let sample = bgl();
        let column = detect(&sample).unwrap();
        assert_eq!(column, 8);
        let third = sample.lines().nth(2).unwrap();
        assert_eq!(read(third, column), Some(Level::Fatal));
        assert_eq!(read("- short line", column), None);
    }

    #[test]
    fn bracketed_fields_are_read() {
        let sample: String = (0..6)
            .map(|i| format!("2020-02-22 [20:56:2{i}] [Server thread/INFO]: Loading {i}\n"))
            .collect();
        let column = detect(&sample).unwrap();
        assert_eq!(
            read(
                "2020-02-22 [22:02:37] [Server thread/EMERGENCY]: crashed",
                column
            ),
            Some(Level::Fatal)
        );
    }

    #[test]
    fn paths_are_not_levels() {
        let sample: String = (0..8)
            .map(|i| format!("10.0.0.{i} - - \"POST /webhook/alert HTTP/1.1\" 200 {i}\n"))
            .collect();
        assert_eq!(detect(&sample), None);
    }

    #[test]
    fn no_column_where_headers_give_levels_or_words_merely_recur() {
        let headed: String = (0..6)
            .map(|i| format!("2024-01-01 10:00:0{i} ERROR x happened\n"))
            .collect();
        assert_eq!(detect(&headed), None);
        let prose =
            "the error was here\nno error there\nan info line\nplain words\nmore words\nand more\n";
        assert_eq!(detect(prose), None);
        assert_eq!(detect("x INFO y\nx INFO y\n"), None, "too few lines");
    }
}
