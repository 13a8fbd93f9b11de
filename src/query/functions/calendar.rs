//! The calendar behind `date()` and date property access: ISO 8601 dates
//! (calendar, week and ordinal forms), the fields a date has (`year`,
//! `week`, `weekYear`, `ordinalDay`, ...), and the day arithmetic they need
//! (Howard Hinnant's civil-day algorithms). Dates stay as precise as they are
//! written: `date('2011-12')` is a month, like the dates the builder stores.

use std::sync::Arc;

use indexmap::IndexMap;

use super::describe;
use crate::graph::PartialDate;
use crate::query::error::{ErrorCode, QueryError};
use crate::query::value::{Value, error};

pub(super) fn date(v: &Value) -> Result<Value, QueryError> {
    let invalid = |what: String| error(ErrorCode::InvalidArgumentValue, what);
    match v {
        Value::Null => Ok(Value::Date(today())),
        Value::Date(_) => Ok(v.clone()),
        Value::String(s) => parse_date(s.trim())
            .map(Value::Date)
            .ok_or_else(|| invalid(format!("date() cannot read {}", describe(v)))),
        Value::Map(m) => date_from_map(m).map(Value::Date),
        other => Err(invalid(format!("date() cannot read {}", describe(other)))),
    }
}

/// The ISO 8601 calendar dates `date()` reads: `YYYY`, `YYYY-MM`,
/// `YYYY-MM-DD` (kept as precise as written, like the dates the builder
/// stores), and the day-precise week dates (`2015-W30-2`, `2015-W30`),
/// ordinal dates (`2015-202`) and basic forms without dashes (`20150721`,
/// `201507`, `2015W302`, `2015202`).
fn parse_date(text: &str) -> Option<PartialDate> {
    if let Ok(d) = PartialDate::parse(text) {
        return Some(d);
    }
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let (year_text, rest) = text.split_at_checked(4)?;
    if !digits(year_text) {
        return None;
    }
    let year: i32 = year_text.parse().ok()?;
    let number = |s: &str| -> Option<i64> { if digits(s) { s.parse().ok() } else { None } };
    let extended = rest.starts_with('-');
    let rest = rest.strip_prefix('-').unwrap_or(rest);
    if let Some(week) = rest.strip_prefix('W') {
        let (week, day) = match (extended, week.len()) {
            (_, 2) => (week, None),
            (true, 4) => (
                week.get(..2)?,
                Some(week.get(3..)?).filter(|_| week.as_bytes().get(2) == Some(&b'-')),
            ),
            (false, 3) => (week.get(..2)?, Some(week.get(2..)?)),
            _ => return None,
        };
        let day = match day {
            Some(d) => number(d)?,
            None => 1,
        };
        return week_date(year, number(week)?, day);
    }
    match (extended, rest.len()) {
        (true, 3) | (false, 3) => ordinal_date(year, number(rest)?),
        (false, 2) => PartialDate::month(year, u8::try_from(number(rest)?).ok()?),
        (false, 4) => PartialDate::day(
            year,
            u8::try_from(number(rest.get(..2)?)?).ok()?,
            u8::try_from(number(rest.get(2..)?)?).ok()?,
        ),
        _ => None,
    }
}

/// `date({year, month, day})` and the other field sets openCypher knows:
/// `{year, week, dayOfWeek}`, `{year, ordinalDay}`, `{year, quarter,
/// dayOfQuarter}`. Fields left out make a less precise date where the
/// project's partial dates can say so (`{year: 2011, month: 12}` is
/// `2011-12`), and the first day otherwise (`{year: 1984, week: 10}`).
fn date_from_map(m: &IndexMap<Arc<str>, Value>) -> Result<PartialDate, QueryError> {
    const FIELDS: [&str; 8] = [
        "year",
        "month",
        "day",
        "week",
        "dayOfWeek",
        "ordinalDay",
        "quarter",
        "dayOfQuarter",
    ];
    let invalid = |what: String| error(ErrorCode::InvalidArgumentValue, what);
    let mut fields: [Option<i64>; 8] = [None; 8];
    let mut base = None;
    for (key, value) in m {
        if key.eq_ignore_ascii_case("date") {
            base = match value {
                Value::Null => None,
                Value::Date(d) => Some(*d),
                other => {
                    return Err(invalid(format!(
                        "date() selects from a date, not from {}",
                        describe(other)
                    )));
                }
            };
            continue;
        }
        let Some(i) = FIELDS.iter().position(|f| f.eq_ignore_ascii_case(key)) else {
            return Err(invalid(format!(
                "date() knows the fields date, {}, not {key}",
                FIELDS.join(", ")
            )));
        };
        fields[i] = match value {
            Value::Null => None,
            Value::Int(n) => Some(*n),
            other => {
                return Err(invalid(format!(
                    "date() needs an integer {key}, found {}",
                    describe(other)
                )));
            }
        };
    }
    let [
        mut year,
        mut month,
        mut day,
        week,
        mut day_of_week,
        ordinal_day,
        quarter,
        mut day_of_quarter,
    ] = fields;
    // `{date: d, ...}` selects from `d`: the fields given replace d's, in the
    // calendar the given fields name (week, ordinal, quarter or month).
    if let Some(base) = base {
        let get = |key: &str| match date_field(&base, key) {
            Value::Int(i) => Some(i),
            _ => None,
        };
        if week.is_some() {
            year = year.or(get("weekYear"));
            day_of_week = day_of_week.or(get("dayOfWeek"));
        } else if ordinal_day.is_some() {
            year = year.or(get("year"));
        } else if quarter.is_some() {
            year = year.or(get("year"));
            day_of_quarter = day_of_quarter.or(get("dayOfQuarter"));
        } else {
            year = year.or(get("year"));
            month = month.or(get("month"));
            day = day.or(get("day"));
        }
    }
    let year = year.ok_or_else(|| invalid("date() needs a year".to_string()))?;
    let year =
        i32::try_from(year).map_err(|_| invalid(format!("the year {year} is out of range")))?;
    let small = |n: i64| u8::try_from(n).unwrap_or(0);
    let date = match (
        month,
        day,
        week,
        day_of_week,
        ordinal_day,
        quarter,
        day_of_quarter,
    ) {
        (None, None, None, None, None, None, None) => Some(PartialDate::year(year)),
        (Some(m), None, None, None, None, None, None) => PartialDate::month(year, small(m)),
        (Some(m), Some(d), None, None, None, None, None) => {
            PartialDate::day(year, small(m), small(d))
        }
        (None, None, Some(w), d, None, None, None) => week_date(year, w, d.unwrap_or(1)),
        (None, None, None, None, Some(d), None, None) => ordinal_date(year, d),
        (None, None, None, None, None, Some(q), None) if (1..=4).contains(&q) => {
            PartialDate::month(year, small(q * 3 - 2))
        }
        (None, None, None, None, None, Some(q), Some(d)) if (1..=4).contains(&q) => {
            let first = days_from_civil(year, small(q * 3 - 2), 1);
            let next = if q == 4 {
                days_from_civil(year.saturating_add(1), 1, 1)
            } else {
                days_from_civil(year, small(q * 3 + 1), 1)
            };
            (1..=next - first)
                .contains(&d)
                .then(|| date_of_days(first + d - 1))
                .flatten()
        }
        _ => None,
    };
    date.ok_or_else(|| invalid(format!("{} is not a date", Value::Map(Box::new(m.clone())))))
}

/// The fields of a date that property access reads (`d.year`, `d.week`,
/// ...): null for a field the date is not precise enough to have, or for
/// an unknown name.
pub fn date_field(d: &PartialDate, key: &str) -> Value {
    let int = |n: i64| Value::Int(n);
    let year = d.get_year();
    let month = d.get_month();
    let field = key.to_ascii_lowercase();
    match field.as_str() {
        "year" => return int(i64::from(year)),
        "month" => return month.map_or(Value::Null, |m| int(i64::from(m))),
        "quarter" => return month.map_or(Value::Null, |m| int(i64::from((m - 1) / 3 + 1))),
        _ => {}
    }
    let (Some(month), Some(day)) = (month, d.get_day()) else {
        return Value::Null;
    };
    let days = days_from_civil(year, month, day);
    let weekday = (days + 3).rem_euclid(7) + 1;
    // The ISO week belongs to the year of its Thursday.
    let thursday = days - (weekday - 1) + 3;
    let (week_year, ..) = civil_from_days(thursday);
    let week = (thursday - days_from_civil(week_year, 1, 1)) / 7 + 1;
    let quarter_start = days_from_civil(year, (month - 1) / 3 * 3 + 1, 1);
    match field.as_str() {
        "day" => int(i64::from(day)),
        "weekday" | "dayofweek" => int(weekday),
        "week" => int(week),
        "weekyear" => int(i64::from(week_year)),
        "ordinalday" => int(days - days_from_civil(year, 1, 1) + 1),
        "dayofquarter" => int(days - quarter_start + 1),
        _ => Value::Null,
    }
}

/// The day `day` (1 = Monday) of ISO week `week` of `year`.
fn week_date(year: i32, week: i64, day: i64) -> Option<PartialDate> {
    let monday_of_week_one = |y: i32| {
        let jan4 = days_from_civil(y, 1, 4);
        jan4 - (jan4 + 3).rem_euclid(7)
    };
    let first = monday_of_week_one(year);
    let weeks = (monday_of_week_one(year.saturating_add(1)) - first) / 7;
    if !(1..=weeks).contains(&week) || !(1..=7).contains(&day) {
        return None;
    }
    date_of_days(first + (week - 1) * 7 + day - 1)
}

/// The day `ordinal` (1 = 1 January) of `year`.
fn ordinal_date(year: i32, ordinal: i64) -> Option<PartialDate> {
    let first = days_from_civil(year, 1, 1);
    let length = days_from_civil(year.saturating_add(1), 1, 1) - first;
    (1..=length)
        .contains(&ordinal)
        .then(|| date_of_days(first + ordinal - 1))
        .flatten()
}

fn date_of_days(days: i64) -> Option<PartialDate> {
    let (y, m, d) = civil_from_days(days);
    PartialDate::day(y, m, d)
}

/// Howard Hinnant's `days_from_civil`: a proleptic Gregorian date to days
/// since 1970-01-01.
fn days_from_civil(year: i32, month: u8, day: u8) -> i64 {
    let y = i64::from(year) - i64::from(month <= 2);
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(month);
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Today's date in UTC.
fn today() -> PartialDate {
    let days = now_millis().div_euclid(86_400_000);
    date_of_days(days).unwrap_or(PartialDate::year(1970))
}

/// Howard Hinnant's `civil_from_days`: days since 1970-01-01 to a
/// proleptic Gregorian (year, month, day).
fn civil_from_days(days: i64) -> (i32, u8, u8) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (
        i32::try_from(y).unwrap_or(i32::MAX),
        u8::try_from(m).unwrap_or(1),
        u8::try_from(d).unwrap_or(1),
    )
}

pub(super) fn now_millis() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::Graph;

    fn run(args: Vec<Value>) -> Result<Value, QueryError> {
        super::super::call("date", args, &Graph::new())
    }

    fn ok(name: &str, args: Vec<Value>) -> String {
        assert_eq!(name, "date");
        run(args).unwrap().to_string()
    }

    fn code(name: &str, args: Vec<Value>) -> ErrorCode {
        assert_eq!(name, "date");
        run(args).unwrap_err().code
    }

    fn s(text: &str) -> Value {
        Value::from(text)
    }

    #[test]
    fn dates() {
        assert_eq!(ok("date", vec![s("2011-12")]), "date('2011-12')");
        let mut m = IndexMap::new();
        m.insert(Arc::from("year"), Value::Int(1984));
        m.insert(Arc::from("month"), Value::Int(10));
        m.insert(Arc::from("day"), Value::Int(11));
        assert_eq!(
            ok("date", vec![Value::Map(m.clone().into())]),
            "date('1984-10-11')"
        );
        m.insert(Arc::from("day"), Value::Int(32));
        assert_eq!(
            code("date", vec![Value::Map(m.into())]),
            ErrorCode::InvalidArgumentValue
        );
        assert_eq!(
            code("date", vec![s("2011-13")]),
            ErrorCode::InvalidArgumentValue
        );
        assert!(matches!(run(vec![]), Ok(Value::Date(_))));
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(days_from_civil(2011, 12, 27), 15_335);
        assert_eq!(days_from_civil(1969, 12, 31), -1);
        assert_eq!(civil_from_days(15_335), (2011, 12, 27));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
    }

    #[test]
    fn iso_date_forms() {
        let d = |text: &str| ok("date", vec![s(text)]);
        for (text, expected) in [
            ("2015-07-21", "2015-07-21"),
            ("20150721", "2015-07-21"),
            ("2015-07", "2015-07"),
            ("201507", "2015-07"),
            ("2015-W30-2", "2015-07-21"),
            ("2015W302", "2015-07-21"),
            ("2015-W30", "2015-07-20"),
            ("2015W30", "2015-07-20"),
            ("2015-202", "2015-07-21"),
            ("2015202", "2015-07-21"),
            ("2015", "2015"),
        ] {
            assert_eq!(d(text), format!("date('{expected}')"), "{text}");
        }
        for bad in ["2015-W54", "2015-366", "2015-W30-8", "15-07-21", "2015-7"] {
            assert_eq!(
                code("date", vec![s(bad)]),
                ErrorCode::InvalidArgumentValue,
                "{bad}"
            );
        }
        let map = |fields: &[(&str, i64)]| {
            let m: IndexMap<Arc<str>, Value> = fields
                .iter()
                .map(|(k, v)| (Arc::from(*k), Value::Int(*v)))
                .collect();
            ok("date", vec![Value::Map(m.into())])
        };
        assert_eq!(
            map(&[("year", 1984), ("week", 10), ("dayOfWeek", 3)]),
            "date('1984-03-07')"
        );
        assert_eq!(map(&[("year", 1984), ("week", 10)]), "date('1984-03-05')");
        assert_eq!(
            map(&[("year", 1984), ("ordinalDay", 202)]),
            "date('1984-07-20')"
        );
        assert_eq!(
            map(&[("year", 1984), ("quarter", 3), ("dayOfQuarter", 45)]),
            "date('1984-08-14')"
        );
        assert_eq!(map(&[("year", 1984), ("quarter", 3)]), "date('1984-07')");
        assert_eq!(map(&[("year", 1984)]), "date('1984')");
        let select = |base: &str, fields: &[(&str, i64)]| {
            let mut m: IndexMap<Arc<str>, Value> = IndexMap::new();
            m.insert(
                Arc::from("date"),
                Value::Date(PartialDate::parse(base).unwrap()),
            );
            m.extend(fields.iter().map(|(k, v)| (Arc::from(*k), Value::Int(*v))));
            ok("date", vec![Value::Map(m.into())])
        };
        assert_eq!(select("1984-11-11", &[]), "date('1984-11-11')");
        assert_eq!(select("1984-11-11", &[("year", 28)]), "date('0028-11-11')");
        assert_eq!(select("1984-11-11", &[("day", 28)]), "date('1984-11-28')");
        assert_eq!(select("1984-11-11", &[("week", 1)]), "date('1984-01-08')");
        assert_eq!(
            select("1984-11-11", &[("ordinalDay", 28)]),
            "date('1984-01-28')"
        );
        assert_eq!(
            select("1984-11-11", &[("quarter", 3)]),
            "date('1984-08-11')"
        );
        assert_eq!(select("1816-12-31", &[("week", 2)]), "date('1817-01-07')");
        assert_eq!(
            select("1816-12-30", &[("week", 2), ("dayOfWeek", 3)]),
            "date('1817-01-08')"
        );
    }

    #[test]
    fn date_fields() {
        let f =
            |text: &str, key: &str| date_field(&PartialDate::parse(text).unwrap(), key).to_string();
        let fields = [
            "year",
            "quarter",
            "month",
            "week",
            "weekYear",
            "day",
            "ordinalDay",
            "weekDay",
            "dayOfQuarter",
        ];
        let all = |text: &str| fields.map(|k| f(text, k)).join(" ");
        assert_eq!(all("1984-10-11"), "1984 4 10 41 1984 11 285 4 11");
        assert_eq!(f("1984-01-01", "weekYear"), "1983");
        assert_eq!(f("1984-01-01", "week"), "52");
        assert_eq!(f("1984-01-01", "weekDay"), "7");
        assert_eq!(all("2011-12"), "2011 4 12 null null null null null null");
        assert_eq!(f("2011", "month"), "null");
        assert_eq!(f("2011-12-27", "hour"), "null");
    }
}
