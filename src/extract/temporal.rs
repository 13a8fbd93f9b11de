//! Dates in sentences, resolved against the article's date and dateline:
//! "on Sunday", "last month", "at the end of 2011", "March 11",
//! "May 22, 2011", "17 December 2011", "in 2006", "today".

use crate::graph::PartialDate;
use crate::text::date::{add_days, month_number, weekday_number, weekday_of};
use crate::text::{Token, TokenKind};

/// A date expression in a sentence.
#[derive(Debug, Clone, PartialEq)]
pub struct DateExpr {
    /// First token index (in the sentence).
    pub start: usize,
    /// One past the last token index.
    pub end: usize,
    /// The resolved date.
    pub date: PartialDate,
    /// Whether it came from the text alone (a year, or a month with a year).
    pub absolute: bool,
}

fn year_of(word: &str) -> Option<i32> {
    let w = word.trim_end_matches(['.', ',']);
    (w.len() == 4 && w.bytes().all(|b| b.is_ascii_digit()))
        .then(|| w.parse::<i32>().ok())
        .flatten()
        .filter(|y| (1900..=2100).contains(y))
}

fn day_of(word: &str) -> Option<u8> {
    let n = word.bytes().take_while(u8::is_ascii_digit).count();
    let (digits, rest) = word.split_at(n);
    if digits.is_empty() || digits.len() > 2 {
        return None;
    }
    // "1-2" (a span of days), "22nd", "1st".
    if !(rest.is_empty() || rest.starts_with('-') || ["st", "nd", "rd", "th"].contains(&rest)) {
        return None;
    }
    digits.parse().ok().filter(|d| (1..=31).contains(d))
}

/// Whether a token of `len` bytes that starts with `first_byte` can begin
/// a date expression: a number, a capitalised word of three letters or
/// more (a month or a weekday, "Jan" the shortest), or a word of four
/// letters or more whose first letter starts a weekday or one of "today",
/// "tonight", "yesterday", "last", "this", "next" ("the" and "to" are not).
fn may_begin_date(first_byte: u8, len: usize) -> bool {
    let b = first_byte;
    b.is_ascii_digit()
        || (b.is_ascii_uppercase() && len >= 3)
        || (matches!(b, b'm' | b't' | b'w' | b'f' | b's' | b'y' | b'l' | b'n') && len >= 4)
}

/// Resolves a month and day without a year to the nearest such day not
/// more than a week after `reference`.
fn month_day(month: u8, day: u8, reference: Option<PartialDate>) -> Option<PartialDate> {
    let r = reference?;
    let y = r.get_year();
    let candidate = PartialDate::day(y, month, day)?;
    let limit = match (r.get_month(), r.get_day()) {
        (Some(m), Some(d)) => add_days(y, m, d, 7),
        (Some(m), None) => PartialDate::month(y, m),
        _ => None,
    };
    match limit {
        Some(l) if candidate > l && (candidate.get_month() != l.get_month()) => {
            PartialDate::day(y - 1, month, day)
        }
        _ => Some(candidate),
    }
}

fn month_only(month: u8, reference: Option<PartialDate>, last: bool) -> Option<PartialDate> {
    let r = reference?;
    let y = r.get_year();
    match r.get_month() {
        Some(m) if month > m || (last && month >= m) => PartialDate::month(y - 1, month),
        _ => PartialDate::month(y, month),
    }
}

fn shift_month(r: PartialDate, delta: i32) -> Option<PartialDate> {
    let m = i32::from(r.get_month()?) - 1 + delta;
    let y = r.get_year() + m.div_euclid(12);
    PartialDate::month(y, (m.rem_euclid(12) + 1) as u8)
}

/// Every date expression in a sentence's tokens. `reference` is the day
/// relative words count from; `year` the year a bare month falls in;
/// `lowers` holds the tokens' words lower-cased.
pub fn date_exprs(
    text: &str,
    tokens: &[Token],
    lowers: &crate::extract::Lowered,
    reference: Option<PartialDate>,
) -> Vec<DateExpr> {
    let mut out = Vec::new();
    date_exprs_into(text, tokens, lowers, reference, &mut out);
    out
}

/// [`date_exprs`] into `out`, a buffer the caller keeps across sentences
/// (emptied first).
pub fn date_exprs_into(
    text: &str,
    tokens: &[Token],
    lowers: &crate::extract::Lowered,
    reference: Option<PartialDate>,
    out: &mut Vec<DateExpr>,
) {
    out.clear();
    let word = |i: usize| lowers.word(i);
    let lower = |i: usize| lowers.get(i);
    let mut i = 0;
    let push = |out: &mut Vec<DateExpr>,
                start: usize,
                end: usize,
                date: Option<PartialDate>,
                absolute: bool| {
        if let Some(date) = date {
            out.push(DateExpr {
                start,
                end,
                date,
                absolute,
            });
        }
    };
    while i < tokens.len() {
        // The first byte and the length decide, before the word is sliced out.
        let begins = tokens.get(i).is_some_and(|t| {
            text.as_bytes()
                .get(t.span.start as usize)
                .is_some_and(|&b| may_begin_date(b, t.span.range().len()))
        });
        if !begins {
            i += 1;
            continue;
        }
        let w = word(i);
        let l = lower(i);
        let kind = tokens[i].kind;
        // Month names are capitalised words; days and years are numbers.
        let capitalised = w.as_bytes().first().is_some_and(u8::is_ascii_uppercase);
        let month = (capitalised && kind == TokenKind::Word)
            .then(|| month_number(w))
            .flatten();
        if let Some(m) = month {
            // "May" is also a verb and a name: a month needs a day or a
            // year beside it, or "in"/"last"/"this"/"next" before it.
            let mut j = i + 1;
            let mut day = None;
            if let Some(d) = day_of(word(j)) {
                day = Some(d);
                j += 1;
            }
            let mut k = j;
            if word(k) == "," {
                k += 1;
            }
            let year = year_of(word(k));
            let before = if i > 0 { lower(i - 1) } else { "" };
            match (day, year) {
                (Some(d), Some(y)) => {
                    push(out, i, k + 1, PartialDate::day(y, m, d), true);
                    i = k + 1;
                    continue;
                }
                (Some(d), None) => {
                    push(out, i, j, month_day(m, d, reference), false);
                    i = j;
                    continue;
                }
                (None, Some(y)) => {
                    push(out, i, k + 1, PartialDate::month(y, m), true);
                    i = k + 1;
                    continue;
                }
                (None, None) => {
                    let last = before == "last";
                    if [
                        "in", "last", "this", "since", "early", "late", "mid", "during",
                    ]
                    .contains(&before)
                    {
                        push(
                            out,
                            i.saturating_sub(1),
                            i + 1,
                            month_only(m, reference, last),
                            false,
                        );
                    }
                }
            }
        } else if let Some(d) = (kind == TokenKind::Number).then(|| day_of(w)).flatten() {
            // "17 December 2011", "7 November".
            if let Some(m) = month_number(word(i + 1)) {
                let date = match year_of(word(i + 2)) {
                    Some(y) => PartialDate::day(y, m, d),
                    None => month_day(m, d, reference),
                };
                let end = if year_of(word(i + 2)).is_some() {
                    i + 3
                } else {
                    i + 2
                };
                push(out, i, end, date, year_of(word(i + 2)).is_some());
                i = end;
                continue;
            }
        } else if let Some(y) = (kind == TokenKind::Number).then(|| year_of(w)).flatten() {
            let before = if i > 0 { lower(i - 1) } else { "" };
            let before2 = if i > 1 { lower(i - 2) } else { "" };
            if before == "of" && before2 == "end" {
                push(
                    out,
                    i.saturating_sub(3),
                    i + 1,
                    PartialDate::month(y, 12),
                    true,
                );
            } else if before == "of" && (before2 == "beginning" || before2 == "start") {
                push(
                    out,
                    i.saturating_sub(3),
                    i + 1,
                    PartialDate::month(y, 1),
                    true,
                );
            } else if [
                "in",
                "of",
                "during",
                "since",
                "until",
                "by",
                "early",
                "late",
                "mid",
                "(",
                ",",
                "throughout",
                "for",
            ]
            .contains(&before)
            {
                push(out, i, i + 1, Some(PartialDate::year(y)), true);
            }
        } else if let Some(wd) = weekday_number(w) {
            // "on Sunday"; "Saturday, March 12" leaves it to the month.
            let followed_by_date = word(i + 1) == "," && month_number(word(i + 2)).is_some();
            if !followed_by_date {
                let date = reference.and_then(|r| match (r.get_month(), r.get_day()) {
                    (Some(m), Some(d)) => {
                        let back = (i64::from(weekday_of(r.get_year(), m, d)) - i64::from(wd))
                            .rem_euclid(7);
                        add_days(r.get_year(), m, d, -back)
                    }
                    (Some(m), None) => PartialDate::month(r.get_year(), m),
                    _ => None,
                });
                push(out, i, i + 1, date, false);
            }
        } else {
            let next = lower(i + 1);
            let r = reference;
            let (date, len) = match (l, next) {
                ("today", _) | ("tonight", _) => (r, 1),
                ("yesterday", _) => (
                    r.and_then(|r| add_days(r.get_year(), r.get_month()?, r.get_day()?, -1)),
                    1,
                ),
                ("last", "year") => (r.map(|r| PartialDate::year(r.get_year() - 1)), 2),
                ("this", "year") => (r.map(|r| PartialDate::year(r.get_year())), 2),
                ("next", "year") => (r.map(|r| PartialDate::year(r.get_year() + 1)), 2),
                ("last", "month") => (r.and_then(|r| shift_month(r, -1)), 2),
                ("this", "month") | ("this", "week") | ("last", "week") => {
                    (r.and_then(|r| shift_month(r, 0)), 2)
                }
                ("next", "month") => (r.and_then(|r| shift_month(r, 1)), 2),
                _ => (None, 0),
            };
            if len > 0 {
                push(out, i, i + len, date, false);
                i += len;
                continue;
            }
        }
        i += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lexicon::Lexicon;
    use crate::text::tokenize;

    fn dates(s: &str, reference: &str) -> Vec<String> {
        let lex = Lexicon::bundled();
        let sentence = crate::text::Sentence {
            span: crate::span::Span::new(0, s.len()),
            tokens: tokenize(s, 0, s.len(), &lex),
            paragraph: 0,
        };
        let r = PartialDate::parse(reference).ok();
        let lowers = crate::extract::Lowered::of_sentence(s, &sentence);
        date_exprs(s, &sentence.tokens, &lowers, r)
            .into_iter()
            .map(|d| d.date.to_string())
            .collect()
    }

    #[test]
    fn relative_and_absolute_dates() {
        assert_eq!(
            dates("said here on Sunday that", "2012-01-08"),
            ["2012-01-08"]
        );
        assert_eq!(dates("On Thursday, they met", "2011-02-26"), ["2011-02-24"]);
        assert_eq!(dates("at the end of 2011.", "2012-01-08"), ["2011-12"]);
        assert_eq!(dates("hit on March 11.", "2012-01-08"), ["2011-03-11"]);
        assert_eq!(
            dates("On May 22, 2011, Kan met", "2011-05-22"),
            ["2011-05-22"]
        );
        assert_eq!(dates("visited last December", "2012-05-13"), ["2011-12"]);
        assert_eq!(dates("earlier this month", "2011-12-17"), ["2011-12"]);
        assert_eq!(dates("last year", "2014-04"), ["2013"]);
        assert_eq!(dates("September 1-2, and", "2017-09-02"), ["2017-09-01"]);
        assert_eq!(
            dates("Published 17 December 2011", "2011-12-17"),
            ["2011-12-17"]
        );
        assert_eq!(dates("They may meet in 2006", "2011"), ["2006"]);
    }
}
