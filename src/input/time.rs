//! Timestamp parsing for the formats logs use: RFC 3339 / ISO 8601 (with `T` or a space,
//! `.` or `,` fractions, any offset), epoch numbers in s/ms/µs/ns, and common text-log
//! headers. Results are milliseconds since the Unix epoch, UTC; zone-less times are UTC.
//! A trailing zone abbreviation is applied when it names one zone only (`UTC`, `PDT`,
//! `CEST`...); ambiguous ones (`CST`, `IST`, `BST`) are not guessed.

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime};
use std::sync::OnceLock;

/// `--since`: a duration before `now_ms` (`30m`, `12h`, `7d`) or a timestamp, as ms.
pub fn parse_since(s: &str, now_ms: i64) -> Option<i64> {
    let s = s.trim();
    let unit_ms = match s.chars().last()? {
        'm' => Some(60_000),
        'h' => Some(3_600_000),
        'd' => Some(86_400_000),
        _ => None,
    };
    if let Some(unit) = unit_ms
        && let Ok(n) = s[..s.len() - 1].parse::<i64>()
    {
        return (n > 0).then(|| now_ms.saturating_sub(n.saturating_mul(unit)));
    }
    parse_timestamp(s)
}

/// The English abbreviation of a month named as a locale's `%b` writes it (glibc's `abmon`
/// and `ab_alt_mon` of German, French, Spanish, Italian, Portuguese, Dutch, Russian,
/// Ukrainian, Polish, Czech, Turkish, Finnish and the Scandinavian locales), any case, a trailing
/// `.` taken off: `févr` is `Feb`, `ноя` is `Nov`, `Okt` is `Oct`.
pub fn localized_month(word: &str) -> Option<&'static str> {
    const MONTHS: [(&str, &[&str]); 12] = [
        (
            "Jan",
            &[
                "jan", "janv", "ene", "gen", "янв", "січ", "sty", "led", "oca", "tammi",
            ],
        ),
        (
            "Feb",
            &[
                "feb", "févr", "fév", "fev", "фев", "лют", "lut", "úno", "şub", "helmi",
            ],
        ),
        (
            "Mar",
            &["mar", "mär", "mars", "mrt", "мар", "бер", "bře", "maalis"],
        ),
        (
            "Apr",
            &[
                "apr", "avr", "avril", "abr", "апр", "кві", "kwi", "dub", "nis", "huhti",
            ],
        ),
        (
            "May",
            &[
                "may", "mai", "mag", "mei", "maj", "мая", "май", "тра", "kvě", "touko",
            ],
        ),
        (
            "Jun",
            &[
                "jun", "juin", "giu", "июн", "чер", "cze", "čen", "haz", "kesä",
            ],
        ),
        (
            "Jul",
            &[
                "jul", "juil", "lug", "июл", "лип", "lip", "čec", "tem", "heinä",
            ],
        ),
        (
            "Aug",
            &[
                "aug", "août", "ago", "авг", "сер", "sie", "srp", "ağu", "elo",
            ],
        ),
        (
            "Sep",
            &[
                "sep", "sept", "set", "сен", "вер", "wrz", "zář", "eyl", "syys",
            ],
        ),
        (
            "Oct",
            &[
                "oct", "okt", "ott", "out", "окт", "жов", "paź", "říj", "eki", "loka",
            ],
        ),
        ("Nov", &["nov", "ноя", "лис", "lis", "kas", "marras"]),
        (
            "Dec",
            &[
                "dec", "déc", "dez", "dic", "des", "дек", "гру", "gru", "pro", "ara", "joulu",
            ],
        ),
    ];
    let word = word.strip_suffix('.').unwrap_or(word).to_lowercase();
    MONTHS
        .iter()
        .find(|(_, names)| names.contains(&word.as_str()))
        .map(|(english, _)| *english)
}

#[cfg(test)]
mod since_tests {
    use super::*;

    #[test]
    fn since_is_a_duration_before_now_or_a_time() {
        let now = 1_800_000_000_000;
        assert_eq!(parse_since("30m", now), Some(now - 1_800_000));
        assert_eq!(parse_since("2d", now), Some(now - 172_800_000));
        assert_eq!(
            parse_since("2026-11-18T19:00:00Z", now),
            parse_timestamp("2026-11-18T19:00:00Z")
        );
        assert_eq!(parse_since("0h", now), None);
        assert_eq!(parse_since("soon", now), None);
    }
}

/// Parses a timestamp field value. Returns `None` for anything unrecognized or out of range.
pub fn parse_timestamp(s: &str) -> Option<i64> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    if s.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return parse_epoch(s);
    }
    if let Ok(dt) = DateTime::parse_from_rfc3339(s) {
        return Some(dt.timestamp_millis());
    }
    let (s, zone_ms) = split_zone(s);
    let local = parse_iso_loose(s).or_else(|| parse_text_header(s))?;
    Some(local - zone_ms)
}

/// Zone abbreviations that name one zone, with their offset from UTC in minutes.
const ZONES: [(&str, i64); 30] = [
    ("UTC", 0),
    ("GMT", 0),
    ("WET", 0),
    ("WEST", 60),
    ("CET", 60),
    ("CEST", 120),
    ("MET", 60),
    ("MEST", 120),
    ("EET", 120),
    ("EEST", 180),
    ("MSK", 180),
    ("PST", -480),
    ("PDT", -420),
    ("MST", -420),
    ("MDT", -360),
    ("CDT", -300),
    ("EST", -300),
    ("EDT", -240),
    ("AKST", -540),
    ("AKDT", -480),
    ("HST", -600),
    ("JST", 540),
    ("KST", 540),
    ("HKT", 480),
    ("SGT", 480),
    ("AWST", 480),
    ("AEST", 600),
    ("AEDT", 660),
    ("NZST", 720),
    ("NZDT", 780),
];

/// Splits a trailing ` ZONE` abbreviation off a timestamp; returns the offset in ms.
fn split_zone(s: &str) -> (&str, i64) {
    if let Some((head, zone)) = s.rsplit_once(' ')
        && (3..=4).contains(&zone.len())
        && zone.bytes().all(|b| b.is_ascii_uppercase())
        && let Some((_, minutes)) = ZONES.iter().find(|(z, _)| *z == zone)
    {
        return (head.trim_end(), minutes * 60_000);
    }
    (s, 0)
}

/// The other timestamps of text-log headers (src/input/text.rs recognises them): ctime
/// (Apache's error log), Common Log Format, BGL, Spark's `yy/MM/dd`, HDFS's `yyMMdd HHmmss`,
/// HealthApp's `yyyyMMdd-H:m:s:ms`, and the shapes that write no year — syslog's
/// `Mmm d HH:MM:SS`, glog/klog's `mmdd HH:MM:SS.uuuuuu`, Redis 3's `d Mmm HH:MM:SS.mmm` —
/// read in the current year, or the previous one when that would put them more than a day
/// ahead of now.
fn parse_text_header(s: &str) -> Option<i64> {
    use chrono::format::{Item, StrftimeItems};
    // Formats are compiled once: this runs for every event of a text log.
    struct Compiled {
        clf: Vec<Item<'static>>,
        ctime: Vec<Item<'static>>,
        numeric: [Vec<Item<'static>>; 10],
        healthapp: Vec<Item<'static>>,
        syslog: Vec<Item<'static>>,
        jul: Vec<Item<'static>>,
        month_day_year: Vec<Item<'static>>,
        month_dash_day: Vec<Item<'static>>,
        day_month: [Vec<Item<'static>>; 3],
        glog: Vec<Item<'static>>,
        redis_no_year: Vec<Item<'static>>,
        day_month_no_year: Vec<Item<'static>>,
        logcat: Vec<Item<'static>>,
    }
    static C: OnceLock<Compiled> = OnceLock::new();
    let items = |f: &'static str| StrftimeItems::new(f).collect::<Vec<_>>();
    let c = C.get_or_init(|| Compiled {
        clf: items("%d/%b/%Y:%H:%M:%S %z"),
        ctime: items("%a %b %e %H:%M:%S%.f %Y"),
        numeric: [
            items("%Y-%m-%d-%H.%M.%S%.f"),
            items("%y/%m/%d %H:%M:%S%.f"),
            items("%y-%m-%d %H:%M:%S%.f"),
            items("%y%m%d %H%M%S"),
            // MySQL 5.6 and older: `161209 14:18:50`, the hour padded with a space.
            items("%y%m%d %k:%M:%S"),
            // CockroachDB: `250902 12:17:32.188808`.
            items("%y%m%d %H:%M:%S%.f"),
            // Day first with dots, as German, Russian and other locales write dates.
            items("%d.%m.%Y %H:%M:%S%.f"),
            // Unreal Engine: `2025.01.31-08.09.38:221`.
            items("%Y.%m.%d-%H.%M.%S:%3f"),
            // ClickHouse: `2025.01.27 16:36:21.973697`.
            items("%Y.%m.%d %H:%M:%S%.f"),
            // WebSphere's basic format in the US locale: `6/1/12 10:39:11:828` (the zone
            // is split off before).
            items("%m/%d/%y %H:%M:%S:%3f"),
        ],
        healthapp: items("%Y%m%d-%H:%M:%S"),
        syslog: items("%b %e %H:%M:%S%.f %Y"),
        jul: items("%b %d, %Y %I:%M:%S %p"),
        // Aerospike: `Jun 07 2021 16:48:02 GMT`, the year before the time.
        month_day_year: items("%b %e %Y %H:%M:%S%.f"),
        month_dash_day: items("%b-%d %H:%M:%S%.f %Y"),
        // PHP's error log `15-Jul-2024 10:00:00`, Redis `25 Apr 2024 05:32:35.018`.
        // Minecraft Forge's log4j pattern `%d{ddMMMyyyy HH:mm:ss.SSS}`: `29Oct2024 17:00:31.096`.
        day_month: [
            items("%d-%b-%Y %H:%M:%S%.f"),
            items("%d %b %Y %H:%M:%S%.f"),
            items("%d%b%Y %H:%M:%S%.f"),
        ],
        glog: items("%m%d %H:%M:%S%.f %Y"),
        redis_no_year: items("%d %b %H:%M:%S%.f %Y"),
        // log4j's `%d{dd-MMM HH:mm:ss}`: `20-Sep 19:18:43`.
        day_month_no_year: items("%d-%b %H:%M:%S%.f %Y"),
        logcat: items("%m-%d %H:%M:%S%.f %Y"),
    });
    let naive = |s: &str, items: &[Item<'static>]| {
        let mut p = chrono::format::Parsed::new();
        chrono::format::parse(&mut p, s, items.iter()).ok()?;
        p.to_naive_datetime_with_offset(0)
            .ok()
            .map(|t| t.and_utc().timestamp_millis())
    };
    let s = s.trim_matches(|c| c == '[' || c == ']').trim();
    if !s.as_bytes().first()?.is_ascii_digit() {
        // A weekday first is ctime; a month first is syslog, which has no year.
        if let Some(t) = naive(s, &c.ctime) {
            return Some(t);
        }
        // java.util.logging's SimpleFormatter: `Jul 09, 2015 3:23:29 PM`.
        if s.contains(", ")
            && let Some(t) = naive(s, &c.jul)
        {
            return Some(t);
        }
        // Nextflow's logback pattern: `Jul-13 15:13:03.823`.
        if s.as_bytes().get(3) == Some(&b'-') {
            return without_year(s, &c.month_dash_day);
        }
        // `Mmm d YYYY ...`: the day's digits, one space, four digits and a space.
        let b = s.as_bytes();
        let day = b
            .iter()
            .skip(3)
            .position(|c| *c != b' ')
            .map_or(b.len(), |p| p + 3);
        let after_day = day + b[day..].iter().take_while(|c| c.is_ascii_digit()).count();
        let year_third = b.get(after_day) == Some(&b' ')
            && b.get(after_day + 1..after_day + 5)
                .is_some_and(|y| y.iter().all(u8::is_ascii_digit))
            && b.get(after_day + 5) == Some(&b' ');
        if year_third && let Some(t) = naive(s, &c.month_day_year) {
            return Some(t);
        }
        return without_year(s, &c.syslog);
    }
    let b = s.as_bytes();
    if b.len() > 5 && b[..4].iter().all(u8::is_ascii_digit) && b[4] == b' ' {
        return without_year(s, &c.glog);
    }
    // Android's logcat: `03-17 16:13:38.811`.
    if b.len() > 6 && b[2] == b'-' && b[5] == b' ' {
        return without_year(s, &c.logcat);
    }
    let mut p = chrono::format::Parsed::new();
    if chrono::format::parse(&mut p, s, c.clf.iter()).is_ok()
        && let Ok(dt) = p.to_datetime()
    {
        return Some(dt.timestamp_millis());
    }
    // Db2's db2diag.log: `2025-09-01-04.01.42.935663-240`, the offset from UTC in minutes.
    if b.len() >= 23 && b[10] == b'-' && matches!(b[b.len() - 4], b'+' | b'-') {
        let (head, offset) = s.split_at(s.len() - 4);
        let minutes: i64 = offset.parse().ok()?;
        return Some(naive(head, &c.numeric[0])? - minutes * 60_000);
    }
    if let Some(t) = c.numeric.iter().find_map(|items| naive(s, items)) {
        return Some(t);
    }
    if s.bytes().any(|b| b.is_ascii_alphabetic()) {
        return c
            .day_month
            .iter()
            .find_map(|items| naive(s, items))
            .or_else(|| without_year(s, &c.redis_no_year))
            .or_else(|| without_year(s, &c.day_month_no_year));
    }
    let (head, ms) = s.rsplit_once(':')?;
    if s.matches(':').count() != 3 {
        return None;
    }
    Some(naive(head, &c.healthapp)? + i64::from(num(ms.as_bytes())?.min(999)))
}

/// A timestamp that writes no year, in this year or, when that would put it more than a day
/// ahead of now, the last one. `items` end with `%Y`.
fn without_year(s: &str, items: &[chrono::format::Item<'static>]) -> Option<i64> {
    let naive = |s: &str| {
        let mut p = chrono::format::Parsed::new();
        chrono::format::parse(&mut p, s, items.iter()).ok()?;
        p.to_naive_datetime_with_offset(0)
            .ok()
            .map(|t| t.and_utc().timestamp_millis())
    };
    let (year, now_ms) = *SYSLOG_NOW.get_or_init(|| {
        let now = chrono::Utc::now();
        (chrono::Datelike::year(&now), now.timestamp_millis())
    });
    let this_year = naive(&format!("{s} {year}"))?;
    if this_year > now_ms + 86_400_000 {
        return naive(&format!("{s} {}", year - 1));
    }
    Some(this_year)
}

/// The year and time syslog timestamps are read against: when this process first needed
/// them (a run is short; every event of it gets the same year).
static SYSLOG_NOW: OnceLock<(i32, i64)> = OnceLock::new();

/// Epoch seconds, milliseconds, microseconds or nanoseconds, told apart by magnitude.
fn parse_epoch(s: &str) -> Option<i64> {
    let v: f64 = s.parse().ok()?;
    if !v.is_finite() || v < 0.0 {
        return None;
    }
    let ms = if v < 1e11 {
        v * 1e3
    } else if v < 1e14 {
        v
    } else if v < 1e17 {
        v / 1e3
    } else {
        v / 1e6
    };
    if ms > 1e15 {
        return None;
    }
    Some(ms as i64)
}

/// `2024-05-01 10:00:00,123`, `2024-05-01T10:00:00.123+0200`, `2024/05/01 10:00:00`.
fn parse_iso_loose(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    // Airflow 2 writes a comma after the date: `2023-01-01, 10:00:00 UTC`.
    let t = if b.get(10..12) == Some(b", ") { 12 } else { 11 };
    if b.len() < t + 8 {
        return None;
    }
    let date = NaiveDate::from_ymd_opt(num(&b[0..4])? as i32, num(&b[5..7])?, num(&b[8..10])?)?;
    if !matches!(b[4], b'-' | b'/') || !matches!(b[10], b'T' | b' ' | b',') {
        return None;
    }
    let time = NaiveTime::from_hms_opt(
        num(&b[t..t + 2])?,
        num(&b[t + 3..t + 5])?,
        num(&b[t + 6..t + 8])?,
    )?;
    let mut ms = NaiveDateTime::new(date, time).and_utc().timestamp_millis();
    let mut rest = &b[t + 8..];
    if let [b'.' | b',', tail @ ..] = rest {
        let digits = tail.iter().take_while(|c| c.is_ascii_digit()).count();
        let frac = &tail[..digits.min(3)];
        if !frac.is_empty() {
            let mut v = num(frac)? as i64;
            for _ in frac.len()..3 {
                v *= 10;
            }
            ms += v;
        }
        rest = &tail[digits..];
    }
    // Some write a space before the offset: `2017-04-04 11:16:34 +0200`.
    if let [b' ', b'+' | b'-', ..] = rest {
        rest = &rest[1..];
    }
    match rest {
        [] | [b'Z'] | [b'z'] => Some(ms),
        [sign @ (b'+' | b'-'), tz @ ..] => {
            let tz: Vec<u8> = tz.iter().copied().filter(|c| *c != b':').collect();
            if tz.len() != 4 {
                return Some(ms);
            }
            let off = (num(&tz[0..2])? as i64 * 60 + num(&tz[2..4])? as i64) * 60_000;
            Some(if *sign == b'+' { ms - off } else { ms + off })
        }
        _ => Some(ms),
    }
}

fn num(b: &[u8]) -> Option<u32> {
    if b.is_empty() || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(b).ok()?.parse().ok()
}

/// Formats milliseconds since the epoch as RFC 3339 UTC (`2026-11-17T10:00:00.000Z`).
pub fn format_ms(ms: i64) -> String {
    match DateTime::from_timestamp_millis(ms) {
        Some(dt) => dt.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(),
        None => ms.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_and_loose_iso() {
        let base = parse_timestamp("2026-11-17T10:00:00Z").unwrap();
        assert_eq!(
            parse_timestamp("2026-11-17T10:00:00.250Z"),
            Some(base + 250)
        );
        assert_eq!(parse_timestamp("2026-11-17 10:00:00,250"), Some(base + 250));
        assert_eq!(parse_timestamp("2026-11-17T12:00:00+02:00"), Some(base));
        assert_eq!(
            parse_timestamp("2026-11-17T12:00:00.5+0200"),
            Some(base + 500)
        );
        assert_eq!(parse_timestamp("2026/11/17 10:00:00"), Some(base));
        assert_eq!(format_ms(base), "2026-11-17T10:00:00.000Z");
    }

    #[test]
    fn epochs_by_magnitude() {
        let ms = 1_763_373_600_000i64;
        assert_eq!(parse_timestamp("1763373600"), Some(ms));
        assert_eq!(parse_timestamp("1763373600000"), Some(ms));
        assert_eq!(parse_timestamp("1763373600000000"), Some(ms));
        assert_eq!(parse_timestamp("1763373600000000000"), Some(ms));
        assert_eq!(parse_timestamp("1763373600.5"), Some(ms + 500));
    }

    #[test]
    fn text_log_headers() {
        let at = |s: &str| parse_timestamp(s).map(format_ms);
        assert_eq!(
            at("[Sun Dec 04 04:47:44 2005]").as_deref(),
            Some("2005-12-04T04:47:44.000Z")
        );
        assert_eq!(
            at("10/Oct/2000:13:55:36 -0700").as_deref(),
            Some("2000-10-10T20:55:36.000Z")
        );
        assert_eq!(
            at("2005-06-03-15.42.50.675872").as_deref(),
            Some("2005-06-03T15:42:50.675Z")
        );
        assert_eq!(
            at("17/06/09 20:10:40").as_deref(),
            Some("2017-06-09T20:10:40.000Z")
        );
        assert_eq!(
            at("081109 203615").as_deref(),
            Some("2008-11-09T20:36:15.000Z")
        );
        assert_eq!(
            at("20171223-22:15:29:606").as_deref(),
            Some("2017-12-23T22:15:29.606Z")
        );
        // Syslog has no year: this year, unless that is in the future.
        let now = chrono::Utc::now();
        let ts = parse_timestamp("Jan  1 00:00:01").unwrap();
        assert!(ts <= now.timestamp_millis() + 86_400_000);
        assert!(format_ms(ts).ends_with("-01-01T00:00:01.000Z"));
        let dec = parse_timestamp("Dec 31 23:59:59").unwrap();
        assert!(
            dec <= now.timestamp_millis() + 86_400_000,
            "{}",
            format_ms(dec)
        );
        assert!(now.timestamp_millis() - dec < 366 * 86_400_000);
        assert_eq!(
            format_ms(parse_timestamp("Jun 14 15:16:01").unwrap())[4..],
            *"-06-14T15:16:01.000Z"
        );
    }

    #[test]
    fn more_text_headers_and_zones() {
        let at = |s: &str| parse_timestamp(s).map(format_ms);
        // Nextflow writes the month, a dash and the day, and no year.
        assert!(at("Jul-13 15:13:03.823").is_some_and(|t| t.ends_with("-07-13T15:13:03.823Z")));
        // Aerospike writes the year after the day.
        assert_eq!(
            at("Jun 07 2021 16:48:02 GMT").as_deref(),
            Some("2021-06-07T16:48:02.000Z")
        );
        // Db2 writes the offset in minutes.
        assert_eq!(
            at("2025-09-01-04.01.42.935663-240").as_deref(),
            Some("2025-09-01T08:01:42.935Z")
        );
        assert_eq!(
            at("2025-09-01-04.01.42.935663+000").as_deref(),
            Some("2025-09-01T04:01:42.935Z")
        );
        // PostgreSQL writes its zone's abbreviation: PDT is UTC-7.
        assert_eq!(
            at("2025-08-13 01:45:01.123 PDT").as_deref(),
            Some("2025-08-13T08:45:01.123Z")
        );
        assert_eq!(
            at("2025-08-13 01:45:01 CEST").as_deref(),
            Some("2025-08-12T23:45:01.000Z")
        );
        // Ambiguous abbreviations are not guessed: the time is read as UTC, as zone-less
        // times are.
        assert_eq!(
            at("2025-08-13 01:45:01 CST").as_deref(),
            Some("2025-08-13T01:45:01.000Z")
        );
        assert_eq!(
            at("2017-04-04 11:16:34 +0200").as_deref(),
            Some("2017-04-04T09:16:34.000Z")
        );
        assert_eq!(
            at("15-Jul-2024 10:00:00 UTC").as_deref(),
            Some("2024-07-15T10:00:00.000Z")
        );
        assert_eq!(
            at("25 Apr 2024 05:32:35.018").as_deref(),
            Some("2024-04-25T05:32:35.018Z")
        );
        // log4j's `dd-MMM HH:mm:ss` writes no year.
        assert_eq!(
            format_ms(parse_timestamp("20-Sep 19:18:43").unwrap())[4..],
            *"-09-20T19:18:43.000Z"
        );
        assert!(
            at("0517 15:04:22.619632")
                .unwrap()
                .ends_with("-05-17T15:04:22.619Z")
        );
        assert!(
            at("30 May 12:50:13.463")
                .unwrap()
                .ends_with("-05-30T12:50:13.463Z")
        );
        assert_eq!(
            at("Jul 09, 2015 3:23:29 PM").as_deref(),
            Some("2015-07-09T15:23:29.000Z")
        );
        assert_eq!(
            at("20/Jul/2009:22:59:26 +0000").as_deref(),
            Some("2009-07-20T22:59:26.000Z")
        );
    }

    #[test]
    fn garbage_is_none_not_panic() {
        for s in [
            "",
            "yesterday",
            "9999-99-99T99:99:99Z",
            "1e999999",
            "2026-13-01 00:00:00",
            "99999999999999999999999",
        ] {
            let _ = parse_timestamp(s);
        }
        assert_eq!(parse_timestamp("2026-13-01 00:00:00"), None);
    }
}
