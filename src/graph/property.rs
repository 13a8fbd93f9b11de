//! Property values and partial dates: what a node or an edge can hold.

use std::cmp::Ordering;
use std::fmt;
use std::sync::Arc;

use indexmap::IndexMap;

use super::text::Str;

/// A value stored under a property key of a node or an edge.
#[derive(Debug, Clone, PartialEq)]
pub enum PropertyValue {
    /// The absent value; only inside lists and maps (a null property is removed).
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A 64-bit signed integer.
    Int(i64),
    /// A 64-bit float.
    Float(f64),
    /// A text value, shared cheaply between the store and query results.
    String(Str),
    /// An ordered list of values.
    List(Vec<PropertyValue>),
    /// A map from keys to values, in insertion order (boxed to keep every
    /// value at 24 bytes: a million edges hold several values each).
    Map(Box<IndexMap<Arc<str>, PropertyValue>>),
    /// A date known to the year, the month or the day.
    Date(PartialDate),
}

impl PropertyValue {
    /// A string value.
    pub fn string(s: impl AsRef<str>) -> PropertyValue {
        PropertyValue::String(Str::from(s.as_ref()))
    }

    /// The text of a string value.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            PropertyValue::String(s) => Some(s),
            _ => None,
        }
    }

    /// The integer of an integer value.
    pub fn as_int(&self) -> Option<i64> {
        match self {
            PropertyValue::Int(i) => Some(*i),
            _ => None,
        }
    }

    /// The name of the value's type, as error messages and dumps spell it.
    pub fn type_name(&self) -> &'static str {
        match self {
            PropertyValue::Null => "null",
            PropertyValue::Bool(_) => "boolean",
            PropertyValue::Int(_) => "integer",
            PropertyValue::Float(_) => "float",
            PropertyValue::String(_) => "string",
            PropertyValue::List(_) => "list",
            PropertyValue::Map(_) => "map",
            PropertyValue::Date(_) => "date",
        }
    }
}

impl From<&str> for PropertyValue {
    fn from(s: &str) -> Self {
        PropertyValue::string(s)
    }
}

impl From<String> for PropertyValue {
    fn from(s: String) -> Self {
        PropertyValue::String(Str::from(s))
    }
}

impl From<i64> for PropertyValue {
    fn from(i: i64) -> Self {
        PropertyValue::Int(i)
    }
}

impl From<f64> for PropertyValue {
    fn from(f: f64) -> Self {
        PropertyValue::Float(f)
    }
}

impl From<bool> for PropertyValue {
    fn from(b: bool) -> Self {
        PropertyValue::Bool(b)
    }
}

impl From<PartialDate> for PropertyValue {
    fn from(d: PartialDate) -> Self {
        PropertyValue::Date(d)
    }
}

/// A calendar date known to the year (`2011`), the month (`2011-12`) or the
/// day (`2011-12-27`), as news text gives them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PartialDate {
    year: i32,
    month: Option<u8>,
    day: Option<u8>,
}

/// Why a text is not a partial date.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("expected a date as YYYY, YYYY-MM or YYYY-MM-DD, found {found:?}")]
pub struct DateError {
    /// The text that was read.
    pub found: String,
}

impl PartialDate {
    /// A date known to the year.
    pub fn year(year: i32) -> PartialDate {
        PartialDate {
            year,
            month: None,
            day: None,
        }
    }

    /// A date known to the month; `None` when the month is not 1..=12.
    pub fn month(year: i32, month: u8) -> Option<PartialDate> {
        (1..=12).contains(&month).then_some(PartialDate {
            year,
            month: Some(month),
            day: None,
        })
    }

    /// A date known to the day; `None` when no such day exists.
    pub fn day(year: i32, month: u8, day: u8) -> Option<PartialDate> {
        ((1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month)).then_some(
            PartialDate {
                year,
                month: Some(month),
                day: Some(day),
            },
        )
    }

    /// The year.
    pub fn get_year(&self) -> i32 {
        self.year
    }

    /// The month, when known.
    pub fn get_month(&self) -> Option<u8> {
        self.month
    }

    /// The day of the month, when known.
    pub fn get_day(&self) -> Option<u8> {
        self.day
    }

    /// Parses `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    pub fn parse(text: &str) -> Result<PartialDate, DateError> {
        let err = || DateError {
            found: text.to_string(),
        };
        let mut parts = text.split('-');
        let year_text = parts.next().ok_or_else(err)?;
        if year_text.len() != 4 || !year_text.bytes().all(|b| b.is_ascii_digit()) {
            return Err(err());
        }
        let year: i32 = year_text.parse().map_err(|_| err())?;
        let mut number = |len: usize| -> Result<Option<u8>, DateError> {
            match parts.next() {
                None => Ok(None),
                Some(p) if p.len() == len && p.bytes().all(|b| b.is_ascii_digit()) => {
                    Ok(Some(p.parse().map_err(|_| err())?))
                }
                Some(_) => Err(err()),
            }
        };
        let month = number(2)?;
        let day = number(2)?;
        if parts.next().is_some() {
            return Err(err());
        }
        match (month, day) {
            (None, _) => Ok(PartialDate::year(year)),
            (Some(m), None) => PartialDate::month(year, m).ok_or_else(err),
            (Some(m), Some(d)) => PartialDate::day(year, m, d).ok_or_else(err),
        }
    }
}

/// The number of days in a month of the proleptic Gregorian calendar.
pub fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

impl Ord for PartialDate {
    /// Chronological, a less precise date sorting before the more precise
    /// dates it contains (`2011` < `2011-01` < `2011-01-01`).
    fn cmp(&self, other: &Self) -> Ordering {
        (self.year, self.month, self.day).cmp(&(other.year, other.month, other.day))
    }
}

impl PartialOrd for PartialDate {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for PartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}", self.year)?;
        if let Some(m) = self.month {
            write!(f, "-{m:02}")?;
            if let Some(d) = self.day {
                write!(f, "-{d:02}")?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_stay_small() {
        // Four words: a string of up to 22 bytes is held in place.
        assert_eq!(std::mem::size_of::<PropertyValue>(), 32);
    }

    #[test]
    fn partial_dates_parse_print_and_order() {
        for text in ["2011", "2011-12", "2011-12-27", "2012-02-29"] {
            assert_eq!(PartialDate::parse(text).unwrap().to_string(), text);
        }
        for bad in [
            "11",
            "2011-13",
            "2011-02-30",
            "2011-1",
            "2011-12-01-02",
            "abcd",
        ] {
            assert!(PartialDate::parse(bad).is_err(), "{bad}");
        }
        let y = PartialDate::parse("2011").unwrap();
        let m = PartialDate::parse("2011-01").unwrap();
        let d = PartialDate::parse("2011-01-01").unwrap();
        assert!(y < m && m < d);
    }
}
