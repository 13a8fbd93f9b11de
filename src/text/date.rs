//! Calendar helpers for news text: month and weekday names, day arithmetic,
//! and the full dates that head articles ("January 09, 2012",
//! "17 December 2011", "2011-05-22", "02/26/2011").

use crate::graph::{PartialDate, days_in_month};

/// `word` without the periods that end it ("Jan." -> "Jan").
fn without_final_periods(word: &str) -> &str {
    let bytes = word.as_bytes();
    let mut kept = bytes.len();
    while kept > 0 && bytes[kept - 1] == b'.' {
        kept -= 1;
    }
    // A period is one byte: what is left ends on a character boundary.
    word.get(..kept).unwrap_or(word)
}

/// The month (1..=12) a word names: "January", "Jan", "Jan.", "Sept.".
pub fn month_number(word: &str) -> Option<u8> {
    // Month names are ASCII and capitalised (the periods are at the end).
    if !word.as_bytes().first().is_some_and(u8::is_ascii_uppercase) || word.len() < 3 {
        return None;
    }
    let w = without_final_periods(word);
    const NAMES: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    // Month names are ASCII: any other word is not one.
    if !w.as_bytes().first().is_some_and(u8::is_ascii_uppercase) || w.len() < 3 || w.len() > 9 {
        return None;
    }
    // No two names share their first three letters, and a word of three
    // or more letters can only be the name that starts like it.
    let [a, b, c, ..] = *w.as_bytes() else {
        return None;
    };
    let i = match [a, b, c].map(|x| x.to_ascii_lowercase()) {
        [b'j', b'a', b'n'] => 0,
        [b'f', b'e', b'b'] => 1,
        [b'm', b'a', b'r'] => 2,
        [b'a', b'p', b'r'] => 3,
        [b'm', b'a', b'y'] => 4,
        [b'j', b'u', b'n'] => 5,
        [b'j', b'u', b'l'] => 6,
        [b'a', b'u', b'g'] => 7,
        [b's', b'e', b'p'] => 8,
        [b'o', b'c', b't'] => 9,
        [b'n', b'o', b'v'] => 10,
        [b'd', b'e', b'c'] => 11,
        _ => return None,
    };
    let name = NAMES[i];
    let whole = name.eq_ignore_ascii_case(w);
    let prefix = w.len() <= 4
        && name
            .get(..w.len())
            .is_some_and(|p| p.eq_ignore_ascii_case(w));
    // "Mar" and "May" are fine; "Ma" is too short to be a month.
    (whole || prefix).then_some(i as u8 + 1)
}

/// The weekday (0 = Monday .. 6 = Sunday) a word names.
pub fn weekday_number(word: &str) -> Option<u8> {
    const NAMES: [&str; 7] = [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ];
    if word.len() < 6 {
        return None;
    }
    let w = without_final_periods(word);
    // The names are six to nine letters long and end in "day".
    if !(6..=9).contains(&w.len())
        || !w
            .as_bytes()
            .get(w.len() - 3..)
            .is_some_and(|end| end.eq_ignore_ascii_case(b"day"))
    {
        return None;
    }
    NAMES
        .iter()
        .position(|n| n.eq_ignore_ascii_case(w))
        .map(|i| i as u8)
}

/// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
pub fn days_from_civil(y: i32, m: u8, d: u8) -> i64 {
    let y = i64::from(y) - i64::from(m <= 2);
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

/// The civil date of a day count since 1970-01-01.
pub fn civil_from_days(z: i64) -> (i32, u8, u8) {
    let z = z + 719468;
    let era = if z >= 0 { z } else { z - 146096 } / 146097;
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    ((y + i64::from(m <= 2)) as i32, m, d)
}

/// The weekday (0 = Monday) of a civil date.
pub fn weekday_of(y: i32, m: u8, d: u8) -> u8 {
    // 1970-01-01 was a Thursday (3).
    (days_from_civil(y, m, d) + 3).rem_euclid(7) as u8
}

/// A day-precision date `delta` days from `date`.
pub fn add_days(y: i32, m: u8, d: u8, delta: i64) -> Option<PartialDate> {
    let (y, m, d) = civil_from_days(days_from_civil(y, m, d) + delta);
    PartialDate::day(y, m, d)
}

fn number(s: &str) -> Option<u32> {
    let s = s.trim_matches(|c: char| c == ',' || c == '.');
    if s.is_empty() || s.len() > 4 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn day_in(year: i32, month: u8, day: u32) -> Option<PartialDate> {
    let day = u8::try_from(day).ok()?;
    (day >= 1 && day <= days_in_month(year, month))
        .then(|| PartialDate::day(year, month, day))
        .flatten()
}

/// The first full date (year, month and day) in a short line of text.
pub fn find_full_date(line: &str) -> Option<PartialDate> {
    let words: Vec<&str> = line
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .collect();
    for (i, w) in words.iter().enumerate() {
        if let Ok(d) = PartialDate::parse(w) {
            return Some(d);
        }
        if let Some(d) = slash_date(w) {
            return Some(d);
        }
        let next = |k: usize| words.get(i + k).copied().unwrap_or("");
        if let Some(m) = month_number(w) {
            // "January 09, 2012"
            if let (Some(d), Some(y)) = (number(next(1)), number(next(2)))
                && let Some(date) = i32::try_from(y).ok().and_then(|y| day_in(y, m, d))
            {
                return Some(date);
            }
        }
        if let (Some(d), Some(m), Some(y)) = (number(w), month_number(next(1)), number(next(2))) {
            // "17 December 2011"
            if let Some(date) = i32::try_from(y).ok().and_then(|y| day_in(y, m, d)) {
                return Some(date);
            }
        }
    }
    None
}

/// "02/26/2011" (month first, as American pages write it).
fn slash_date(w: &str) -> Option<PartialDate> {
    let mut parts = w.split('/');
    let m = number(parts.next()?)?;
    let d = number(parts.next()?)?;
    let y = number(parts.next()?)?;
    if parts.next().is_some() || y < 1000 {
        return None;
    }
    day_in(y as i32, u8::try_from(m).ok()?, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_arithmetic_and_weekdays() {
        assert_eq!(weekday_of(2012, 1, 8), 6); // a Sunday
        assert_eq!(civil_from_days(days_from_civil(2000, 2, 29)), (2000, 2, 29));
        assert_eq!(add_days(2012, 1, 1, -1).unwrap().to_string(), "2011-12-31");
    }

    #[test]
    fn full_dates_in_headers() {
        let d = |s: &str| find_full_date(s).map(|d| d.to_string());
        assert_eq!(d("09:02, January 09, 2012").as_deref(), Some("2012-01-09"));
        assert_eq!(
            d("Published 17 December 2011").as_deref(),
            Some("2011-12-17")
        );
        assert_eq!(d("02/26/2011 3:25 PM").as_deref(), Some("2011-02-26"));
        assert_eq!(d("Thursday, May 31, 2012").as_deref(), Some("2012-05-31"));
        assert_eq!(d("no date here"), None);
        assert_eq!(month_number("Sept."), Some(9));
        assert_eq!(month_number("may"), None);
    }
}
