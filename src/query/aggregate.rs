//! Aggregating functions of the query language: `count`, `sum`, `avg`,
//! `min`, `max`, `collect`, `stDev`, `stDevP`, `percentileCont` and
//! `percentileDisc`, each with or without DISTINCT.
//!
//! An [`Accumulator`] folds the values of one group; nulls are skipped, and
//! with DISTINCT so is any value equivalent to one already seen. Grouping
//! itself, and `count(*)` (fed a non-null dummy per row), are the
//! evaluator's. This module never reads the graph.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::collections::HashSet;

use crate::hash::FastBuild;

use crate::query::error::{ErrorCode, QueryError};
use crate::query::value::{HashKey, Value, error};

/// The running state of one aggregate over one group.
///
/// # Example: `avg(DISTINCT x)` over 1, 1, null, 2
///
/// ```
/// use newsgraph::query::aggregate::Accumulator;
/// use newsgraph::query::value::Value;
///
/// let mut avg = Accumulator::new("avg", true, None).unwrap();
/// for x in [Value::Int(1), Value::Int(1), Value::Null, Value::Int(2)] {
///     avg.update(x).unwrap();
/// }
/// assert_eq!(avg.finish().unwrap(), Value::Float(1.5));
/// ```
#[derive(Debug, Clone)]
pub struct Accumulator {
    /// The values seen so far, when DISTINCT (boxed: a grouping keeps an
    /// accumulator per group, most of them without).
    seen: Option<Box<Seen>>,
    state: State,
}

/// The values a DISTINCT aggregate has seen: nodes (the common case, as in
/// `count(DISTINCT p)`) as bits by id, any other value by its key.
#[derive(Debug, Clone, Default)]
struct Seen {
    /// Bit `i` is set when the node with id `i` was seen.
    nodes: Vec<u64>,
    /// How many bits of `nodes` are set.
    node_count: usize,
    /// The keys of the other values.
    others: HashSet<HashKey, FastBuild>,
}

impl Seen {
    /// Ids from here on are kept with the other values, so that the bits
    /// stay within 8 MB.
    const NODE_BITS: u32 = 1 << 26;

    /// Records `value`; false when an equivalent value was seen before.
    fn insert(&mut self, value: &Value) -> bool {
        match value {
            Value::Node(id) if id.0 < Self::NODE_BITS => {
                let (word, bit) = ((id.0 / 64) as usize, 1u64 << (id.0 % 64));
                if word >= self.nodes.len() {
                    self.nodes.resize(word + 1, 0);
                }
                let new = self.nodes[word] & bit == 0;
                self.nodes[word] |= bit;
                self.node_count += usize::from(new);
                new
            }
            other => self.others.insert(other.hash_key()),
        }
    }

    /// Adds the values `other` saw.
    fn absorb(&mut self, other: Seen) {
        if self.nodes.len() < other.nodes.len() {
            self.nodes.resize(other.nodes.len(), 0);
        }
        for (mine, theirs) in self.nodes.iter_mut().zip(&other.nodes) {
            *mine |= theirs;
        }
        self.node_count = self.nodes.iter().map(|w| w.count_ones() as usize).sum();
        self.others.extend(other.others);
    }

    /// How many distinct values were seen.
    fn len(&self) -> usize {
        self.node_count + self.others.len()
    }
}

#[derive(Debug, Clone)]
enum State {
    Count(i64),
    Sum(Sum),
    Avg {
        sum: Sum,
        count: u64,
    },
    Min(Option<Value>),
    Max(Option<Value>),
    Collect(Vec<Value>),
    StDev {
        sample: bool,
        values: Vec<f64>,
    },
    Percentile {
        continuous: bool,
        p: f64,
        values: Vec<Value>,
    },
}

/// A sum that stays an integer while every term is one.
#[derive(Debug, Clone, Copy)]
enum Sum {
    Int(i64),
    Float(f64),
}

impl Sum {
    /// The sum of two partial sums.
    fn merge(self, other: Sum, function: &str) -> Result<Sum, QueryError> {
        let v = match other {
            Sum::Int(i) => Value::Int(i),
            Sum::Float(f) => Value::Float(f),
        };
        self.add(&v, function)
    }

    fn add(self, v: &Value, function: &str) -> Result<Sum, QueryError> {
        Ok(match (self, v) {
            (Sum::Int(a), Value::Int(b)) => Sum::Int(a.checked_add(*b).ok_or_else(|| {
                error(
                    ErrorCode::NumberOutOfRange,
                    format!("{function}() overflowed the 64-bit integer range"),
                )
            })?),
            (Sum::Int(a), Value::Float(b)) => Sum::Float(a as f64 + b),
            (Sum::Float(a), Value::Int(b)) => Sum::Float(a + *b as f64),
            (Sum::Float(a), Value::Float(b)) => Sum::Float(a + b),
            (_, other) => return Err(not_a_number(function, other)),
        })
    }
}

fn not_a_number(function: &str, v: &Value) -> QueryError {
    error(
        ErrorCode::TypeInvalidArgumentType,
        format!("{function}() needs numbers, found a {}", v.type_name()),
    )
}

fn as_f64(v: &Value) -> Option<f64> {
    match v {
        Value::Int(i) => Some(*i as f64),
        Value::Float(f) => Some(*f),
        _ => None,
    }
}

/// A count of nothing: what a finished accumulator's place holds.
impl Default for Accumulator {
    fn default() -> Accumulator {
        Accumulator {
            seen: None,
            state: State::Count(0),
        }
    }
}

impl Accumulator {
    /// An empty accumulator for the aggregate `name` (any case). `extra_arg`
    /// is the second argument of `percentileCont` / `percentileDisc`, which
    /// must be a number from 0 to 1 (else ArgumentError `NumberOutOfRange`).
    pub fn new(
        name: &str,
        distinct: bool,
        extra_arg: Option<Value>,
    ) -> Result<Accumulator, QueryError> {
        let percentile = |continuous: bool| -> Result<State, QueryError> {
            let p = match &extra_arg {
                Some(v) => as_f64(v),
                None => None,
            };
            match p {
                Some(p) if (0.0..=1.0).contains(&p) => Ok(State::Percentile {
                    continuous,
                    p,
                    values: Vec::new(),
                }),
                _ => Err(error(
                    ErrorCode::NumberOutOfRange,
                    format!(
                        "{name}() needs a percentile from 0.0 to 1.0, found {}",
                        extra_arg.as_ref().unwrap_or(&Value::Null)
                    ),
                )),
            }
        };
        let state = match name.to_ascii_lowercase().as_str() {
            "count" => State::Count(0),
            "sum" => State::Sum(Sum::Int(0)),
            "avg" => State::Avg {
                sum: Sum::Int(0),
                count: 0,
            },
            "min" => State::Min(None),
            "max" => State::Max(None),
            "collect" => State::Collect(Vec::new()),
            "stdev" => State::StDev {
                sample: true,
                values: Vec::new(),
            },
            "stdevp" => State::StDev {
                sample: false,
                values: Vec::new(),
            },
            "percentilecont" => percentile(true)?,
            "percentiledisc" => percentile(false)?,
            _ => {
                return Err(error(
                    ErrorCode::UnknownFunction,
                    format!("{name}() is not an aggregating function"),
                ));
            }
        };
        Ok(Accumulator {
            seen: distinct.then(Box::default),
            state,
        })
    }

    /// Whether accumulators of aggregate `name` can be merged (see
    /// [`Accumulator::merge`]): all of them without DISTINCT, and `count`,
    /// `min` and `max` with it.
    pub fn mergeable(name: &str, distinct: bool) -> bool {
        !distinct || matches!(name.to_ascii_lowercase().as_str(), "count" | "min" | "max")
    }

    /// Folds in `later`, an accumulator of the same aggregate that saw the
    /// values after this one's (so that `collect` keeps their order, and
    /// `min` and `max` the first of equals). Both must be
    /// [`mergeable`](Accumulator::mergeable).
    pub fn merge(&mut self, later: Accumulator) -> Result<(), QueryError> {
        if let (Some(mine), Some(theirs)) = (&mut self.seen, later.seen) {
            mine.absorb(*theirs);
            if let State::Count(n) = &mut self.state {
                *n = i64::try_from(mine.len()).unwrap_or(i64::MAX);
                return Ok(());
            }
        }
        match (&mut self.state, later.state) {
            (State::Count(a), State::Count(b)) => *a = a.saturating_add(b),
            (State::Sum(a), State::Sum(b)) => *a = a.merge(b, "sum")?,
            (State::Avg { sum, count }, State::Avg { sum: s, count: c }) => {
                *sum = sum.merge(s, "avg")?;
                *count += c;
            }
            (State::Min(best), State::Min(Some(v))) => {
                if best.as_ref().is_none_or(|b| v.order(b) == Ordering::Less) {
                    *best = Some(v);
                }
            }
            (State::Max(best), State::Max(Some(v))) => {
                if best
                    .as_ref()
                    .is_none_or(|b| v.order(b) == Ordering::Greater)
                {
                    *best = Some(v);
                }
            }
            (State::Min(_), State::Min(None)) | (State::Max(_), State::Max(None)) => {}
            (State::Collect(a), State::Collect(b)) => a.extend(b),
            (State::StDev { values: a, .. }, State::StDev { values: b, .. }) => a.extend(b),
            (State::Percentile { values: a, .. }, State::Percentile { values: b, .. }) => {
                a.extend(b)
            }
            _ => {
                return Err(error(
                    ErrorCode::Unsupported,
                    "two different aggregates cannot be merged".to_string(),
                ));
            }
        }
        Ok(())
    }

    /// Folds in the value of one row.
    #[inline]
    pub fn update(&mut self, value: Value) -> Result<(), QueryError> {
        if self.fold_simple(&value) {
            return Ok(());
        }
        self.fold(Cow::Owned(value))
    }

    /// Folds in the value of one row, read in place: it is copied only
    /// when the accumulator keeps it (`collect`, `min`, `max`, ...).
    #[inline]
    pub fn update_ref(&mut self, value: &Value) -> Result<(), QueryError> {
        if self.fold_simple(value) {
            return Ok(());
        }
        self.fold(Cow::Borrowed(value))
    }

    /// Folds in `value` when that is a step of a counter or of an integer
    /// sum without DISTINCT (most rows of most aggregations), saying
    /// whether it did; anything else is left to `fold`.
    #[inline(always)]
    fn fold_simple(&mut self, value: &Value) -> bool {
        if let Some(seen) = &mut self.seen {
            // `count(DISTINCT n)` of nodes: a bit each.
            if let (State::Count(n), Value::Node(_)) = (&mut self.state, value) {
                if seen.insert(value) {
                    *n = n.saturating_add(1);
                }
                return true;
            }
            return false;
        }
        match (&mut self.state, value) {
            (_, Value::Null) => true,
            (State::Count(n), _) => {
                *n = n.saturating_add(1);
                true
            }
            (State::Sum(Sum::Int(sum)), Value::Int(i)) => match sum.checked_add(*i) {
                Some(total) => {
                    *sum = total;
                    true
                }
                // `fold` reports the overflow.
                None => false,
            },
            _ => false,
        }
    }

    fn fold(&mut self, value: Cow<'_, Value>) -> Result<(), QueryError> {
        if value.is_null() {
            return Ok(());
        }
        if let Some(seen) = &mut self.seen
            && !seen.insert(&value)
        {
            return Ok(());
        }
        match &mut self.state {
            State::Count(n) => *n = n.saturating_add(1),
            State::Sum(sum) => *sum = sum.add(&value, "sum")?,
            State::Avg { sum, count } => {
                *sum = sum.add(&value, "avg")?;
                *count += 1;
            }
            State::Min(best) => {
                if best
                    .as_ref()
                    .is_none_or(|b| value.order(b) == Ordering::Less)
                {
                    *best = Some(value.into_owned());
                }
            }
            State::Max(best) => {
                if best
                    .as_ref()
                    .is_none_or(|b| value.order(b) == Ordering::Greater)
                {
                    *best = Some(value.into_owned());
                }
            }
            State::Collect(items) => items.push(value.into_owned()),
            State::StDev { values, .. } => {
                values.push(as_f64(&value).ok_or_else(|| not_a_number("stDev", &value))?)
            }
            State::Percentile {
                continuous, values, ..
            } => {
                if as_f64(&value).is_none() {
                    let name = if *continuous {
                        "percentileCont"
                    } else {
                        "percentileDisc"
                    };
                    return Err(not_a_number(name, &value));
                }
                values.push(value.into_owned());
            }
        }
        Ok(())
    }

    /// How many values the accumulator holds (the items of `collect`, the
    /// values a percentile or deviation sorts, the keys DISTINCT remembers),
    /// so that the evaluator can charge them to a memory budget.
    pub fn held(&self) -> usize {
        let state = match &self.state {
            State::Collect(items) => items.len(),
            State::StDev { values, .. } => values.len(),
            State::Percentile { values, .. } => values.len(),
            State::Count(_) | State::Sum(_) | State::Avg { .. } => 0,
            State::Min(_) | State::Max(_) => 1,
        };
        state + self.seen.as_ref().map_or(0, |s| s.len())
    }

    /// A copy of a count or a sum without DISTINCT, made without the
    /// general clone; `None` for the other aggregates.
    #[inline]
    pub fn plain_copy(&self) -> Option<Accumulator> {
        let state = match (&self.seen, &self.state) {
            (None, State::Count(n)) => State::Count(*n),
            (None, State::Sum(sum)) => State::Sum(*sum),
            _ => return None,
        };
        Some(Accumulator { seen: None, state })
    }

    /// What `finish` will give, for a count or a sum of integers (cheap to
    /// read without finishing); `None` for the other aggregates.
    pub fn int_result(&self) -> Option<i64> {
        match self.state {
            State::Count(n) | State::Sum(Sum::Int(n)) => Some(n),
            _ => None,
        }
    }

    /// The aggregate's value. Over no values: `count` 0, `sum` 0, `collect`
    /// `[]`, `stDev` 0.0, the others null.
    pub fn finish(self) -> Result<Value, QueryError> {
        Ok(match self.state {
            State::Count(n) => Value::Int(n),
            State::Sum(Sum::Int(i)) => Value::Int(i),
            State::Sum(Sum::Float(f)) => Value::Float(f),
            State::Avg { count: 0, .. } => Value::Null,
            State::Avg { sum, count } => {
                let total = match sum {
                    Sum::Int(i) => i as f64,
                    Sum::Float(f) => f,
                };
                Value::Float(total / count as f64)
            }
            State::Min(best) | State::Max(best) => best.unwrap_or(Value::Null),
            State::Collect(items) => Value::List(items),
            State::StDev { sample, values } => Value::Float(std_dev(&values, sample)),
            State::Percentile {
                continuous,
                p,
                mut values,
            } => {
                if values.is_empty() {
                    return Ok(Value::Null);
                }
                values.sort_by(Value::order);
                if continuous {
                    percentile_cont(&values, p)
                } else {
                    percentile_disc(values, p)
                }
            }
        })
    }
}

/// The standard deviation, of a sample (divided by n - 1) or of a whole
/// population (by n); 0.0 when there are too few values. Welford's
/// algorithm, which does not lose precision on large values the way summing
/// squares does.
fn std_dev(values: &[f64], sample: bool) -> f64 {
    let n = values.len();
    if n < 2 {
        return 0.0;
    }
    let mut mean = 0.0;
    let mut m2 = 0.0;
    for (i, x) in values.iter().enumerate() {
        let delta = x - mean;
        mean += delta / (i + 1) as f64;
        m2 += delta * (x - mean);
    }
    let divisor = if sample { n - 1 } else { n };
    (m2 / divisor as f64).sqrt()
}

/// The value at rank `ceil(p * n)` (1-based; the first for p = 0), as is.
fn percentile_disc(values: Vec<Value>, p: f64) -> Value {
    let n = values.len();
    let rank = (p * n as f64).ceil() as usize;
    let index = rank.saturating_sub(1).min(n - 1);
    values.into_iter().nth(index).unwrap_or(Value::Null)
}

/// Linear interpolation between the two values around position
/// `p * (n - 1)`; always a float.
fn percentile_cont(values: &[Value], p: f64) -> Value {
    let n = values.len();
    let position = p * (n - 1) as f64;
    let lower = (position.floor() as usize).min(n - 1);
    let upper = (position.ceil() as usize).min(n - 1);
    let at = |i: usize| values.get(i).and_then(as_f64).unwrap_or(f64::NAN);
    if lower == upper {
        return Value::Float(at(lower));
    }
    let fraction = position - lower as f64;
    Value::Float(at(lower) * (1.0 - fraction) + at(upper) * fraction)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fold(name: &str, distinct: bool, extra: Option<Value>, values: Vec<Value>) -> String {
        let mut acc = Accumulator::new(name, distinct, extra).unwrap();
        for v in values {
            acc.update(v).unwrap();
        }
        acc.finish().unwrap().to_string()
    }

    fn agg(name: &str, values: Vec<Value>) -> String {
        fold(name, false, None, values)
    }

    use Value::{Float, Int, Null};

    #[test]
    fn empty_input() {
        assert_eq!(agg("count", vec![]), "0");
        assert_eq!(agg("sum", vec![]), "0");
        assert_eq!(agg("avg", vec![]), "null");
        assert_eq!(agg("min", vec![]), "null");
        assert_eq!(agg("max", vec![Null]), "null");
        assert_eq!(agg("collect", vec![Null]), "[]");
        assert_eq!(agg("stDev", vec![]), "0.0");
        assert_eq!(
            fold("percentileDisc", false, Some(Float(0.5)), vec![]),
            "null"
        );
    }

    #[test]
    fn distinct_nodes_are_told_apart_by_id_and_from_other_values() {
        use crate::graph::NodeId;
        let node = |i| Value::Node(NodeId(i));
        let far = Seen::NODE_BITS + 5;
        let mut count = Accumulator::new("count", true, None).unwrap();
        for v in [
            node(3),
            node(3),
            node(70),
            Value::Int(3),
            node(far),
            node(far),
            node(0),
            node(70),
        ] {
            count.update(v).unwrap();
        }
        assert_eq!(count.held(), 5);
        assert_eq!(count.finish().unwrap(), Value::Int(5));
    }

    #[test]
    fn nulls_are_skipped_and_distinct_uses_equivalence() {
        let v = vec![Int(1), Null, Int(2), Float(1.0), Int(1)];
        assert_eq!(agg("count", v.clone()), "4");
        assert_eq!(fold("count", true, None, v.clone()), "2");
        assert_eq!(fold("collect", true, None, v.clone()), "[1, 2]");
        assert_eq!(agg("collect", v.clone()), "[1, 2, 1.0, 1]");
        let mut acc = Accumulator::new("collect", true, None).unwrap();
        for x in v {
            acc.update(x).unwrap();
        }
        assert_eq!(acc.held(), 4, "two items and two distinct keys");
        let nan = Float(f64::NAN);
        assert_eq!(fold("count", true, None, vec![nan.clone(), nan]), "1");
    }

    #[test]
    fn sums_and_averages() {
        assert_eq!(agg("sum", vec![Int(1), Int(2)]), "3");
        assert_eq!(agg("sum", vec![Int(1), Float(0.5)]), "1.5");
        assert_eq!(
            agg("sum", (1_000_000..1_003_000).map(Int).collect()),
            "3004498500"
        );
        assert_eq!(agg("avg", vec![Int(1), Int(2)]), "1.5");
        assert_eq!(agg("avg", vec![Int(2), Int(2)]), "2.0");
        let mut acc = Accumulator::new("sum", false, None).unwrap();
        acc.update(Int(i64::MAX)).unwrap();
        assert_eq!(
            acc.update(Int(1)).unwrap_err().code,
            ErrorCode::NumberOutOfRange
        );
        let mut acc = Accumulator::new("sum", false, None).unwrap();
        assert_eq!(
            acc.update(Value::from("a")).unwrap_err().code,
            ErrorCode::TypeInvalidArgumentType
        );
    }

    #[test]
    fn min_and_max_use_the_order_by_order() {
        let mixed = || {
            vec![
                Int(1),
                Value::from("a"),
                Null,
                Value::List(vec![Int(1), Int(2)]),
                Float(0.2),
                Value::from("b"),
            ]
        };
        assert_eq!(agg("max", mixed()), "1");
        assert_eq!(agg("min", mixed()), "[1, 2]");
        let nums = || vec![Int(1), Float(2.0), Int(5), Null, Float(3.2), Float(0.1)];
        assert_eq!(agg("max", nums()), "5");
        assert_eq!(agg("min", nums()), "0.1");
        let strs = || ["a", "b", "B", "abc", "abc1"].map(Value::from).to_vec();
        assert_eq!(agg("max", strs()), "'b'");
        assert_eq!(agg("MIN", strs()), "'B'");
    }

    #[test]
    fn percentiles_and_deviations() {
        let prices = || vec![Float(10.0), Float(20.0), Float(30.0)];
        for (p, disc, cont) in [
            (0.0, "10.0", "10.0"),
            (0.5, "20.0", "20.0"),
            (1.0, "30.0", "30.0"),
            (0.4, "20.0", "18.0"),
        ] {
            assert_eq!(
                fold("percentileDisc", false, Some(Float(p)), prices()),
                disc
            );
            assert_eq!(
                fold("percentileCont", false, Some(Float(p)), prices()),
                cont
            );
        }
        assert_eq!(
            fold("percentileDisc", false, Some(Int(1)), vec![Int(3), Int(1)]),
            "3"
        );
        for bad in [Float(1.5), Float(-0.1), Int(2), Null, Value::from("x")] {
            assert_eq!(
                Accumulator::new("percentileCont", false, Some(bad))
                    .unwrap_err()
                    .code,
                ErrorCode::NumberOutOfRange
            );
        }
        assert_eq!(
            Accumulator::new("percentileDisc", false, None)
                .unwrap_err()
                .code,
            ErrorCode::NumberOutOfRange
        );
        let v = || [2, 4, 4, 4, 5, 5, 7, 9].map(Int).to_vec();
        assert_eq!(agg("stDevP", v()), "2.0");
        assert_eq!(agg("stDev", v()), (32.0f64 / 7.0).sqrt().to_string());
        assert_eq!(agg("stDev", vec![Int(3)]), "0.0");
        assert_eq!(
            Accumulator::new("median", false, None).unwrap_err().code,
            ErrorCode::UnknownFunction
        );
    }
}
