//! Query values and their openCypher semantics: equality with null
//! (three-valued), comparison, the ORDER BY total order, equivalence for
//! DISTINCT and grouping, arithmetic, and the conversion to and from stored
//! properties. Also the result types a statement hands to the output layer
//! ([`QueryResult`], [`Stats`]).
//!
//! Nodes and relationships are ids here; they are materialised only at the
//! output boundary. This module never reads the graph and never formats
//! results for a user (see `output`).

use std::cmp::Ordering;
use std::fmt;
use std::sync::Arc;

use indexmap::IndexMap;

use crate::graph::{EdgeId, NodeId, PartialDate, PropertyValue, Str};
use crate::query::error::{ErrorCode, QueryError};
use crate::span::Span;

/// A value computed by a query.
///
/// The derived `PartialEq` is structural Rust equality (used by tests); the
/// query language's `=` is [`Value::equals`].
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Value {
    /// The absent value.
    #[default]
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A 64-bit signed integer.
    Int(i64),
    /// A 64-bit float.
    Float(f64),
    /// A text value.
    String(Str),
    /// An ordered list.
    List(Vec<Value>),
    /// A map from keys to values, in insertion order (boxed, like a path,
    /// so that a value, and with it every row, stays small).
    Map(Box<IndexMap<Arc<str>, Value>>),
    /// A node of the graph, by id.
    Node(NodeId),
    /// A relationship of the graph, by id.
    Relationship(EdgeId),
    /// A path: nodes joined by relationships.
    Path(Box<Path>),
    /// A date known to the year, the month or the day.
    Date(PartialDate),
}

/// A path through the graph: `nodes.len() == relationships.len() + 1`, and
/// `relationships[i]` joins `nodes[i]` and `nodes[i + 1]` (either way round).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Path {
    /// The nodes in walking order.
    pub nodes: Vec<NodeId>,
    /// The relationships between consecutive nodes.
    pub relationships: Vec<EdgeId>,
}

/// What a statement changed, in the TCK's counting (see `tck/README.md`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    /// Wall time of the statement in microseconds.
    pub elapsed_us: u64,
    /// Nodes created.
    pub nodes_created: u64,
    /// Nodes deleted.
    pub nodes_deleted: u64,
    /// Relationships created.
    pub relationships_created: u64,
    /// Relationships deleted.
    pub relationships_deleted: u64,
    /// Labels that newly exist in the graph.
    pub labels_added: u64,
    /// Labels that no longer exist in the graph.
    pub labels_removed: u64,
    /// (entity, key, value) triples added.
    pub properties_set: u64,
    /// (entity, key, value) triples removed.
    pub properties_removed: u64,
}

/// The rows of one statement, with its column names and stats.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct QueryResult {
    /// Column names, as aliased or as written.
    pub columns: Vec<String>,
    /// One value per column in each row.
    pub rows: Vec<Vec<Value>>,
    /// What the statement changed.
    pub stats: Stats,
}

/// A runtime error without a position; the evaluator gives it the span of the
/// expression that raised it.
pub(crate) fn error(code: ErrorCode, message: impl Into<String>) -> QueryError {
    QueryError {
        code,
        span: Span::default(),
        message: message.into(),
    }
}

/// The outcome of comparing two values with `<` and its kin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Comparison {
    /// Both are comparable and ordered this way.
    Ordered(Ordering),
    /// Both are numbers and one is NaN: every comparison is false.
    Unordered,
    /// A null is involved or the types are not comparable: the result is null.
    Null,
}

impl Value {
    /// A string value.
    pub fn string(s: impl AsRef<str>) -> Value {
        Value::String(Str::from(s.as_ref()))
    }

    /// Whether this is `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// The name of the value's type, as error messages spell it.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Int(_) => "integer",
            Value::Float(_) => "float",
            Value::String(_) => "string",
            Value::List(_) => "list",
            Value::Map(_) => "map",
            Value::Node(_) => "node",
            Value::Relationship(_) => "relationship",
            Value::Path(_) => "path",
            Value::Date(_) => "date",
        }
    }

    /// Cypher `=`: `None` is null. Null on either side gives null; numbers
    /// compare by value (`1 = 1.0`, `NaN <> NaN`); lists and maps compare
    /// element by element, a null inside making the result null unless some
    /// other element already differs; values of different types are unequal.
    ///
    /// ```
    /// use newsgraph::query::value::Value;
    ///
    /// assert_eq!(Value::Int(1).equals(&Value::Float(1.0)), Some(true));
    /// assert_eq!(Value::Float(f64::NAN).equals(&Value::Float(f64::NAN)), Some(false));
    /// let list = |items| Value::List(items);
    /// // [1, null] = [1, null] is null; [2, null] = [1, null] is false.
    /// assert_eq!(list(vec![Value::Int(1), Value::Null]).equals(&list(vec![Value::Int(1), Value::Null])), None);
    /// assert_eq!(list(vec![Value::Int(2), Value::Null]).equals(&list(vec![Value::Int(1), Value::Null])), Some(false));
    /// ```
    pub fn equals(&self, other: &Value) -> Option<bool> {
        use Value::*;
        match (self, other) {
            (Null, _) | (_, Null) => None,
            (Bool(a), Bool(b)) => Some(a == b),
            (Int(_) | Float(_), Int(_) | Float(_)) => {
                Some(number_cmp(self, other) == Some(Ordering::Equal))
            }
            (String(a), String(b)) => Some(a == b),
            (List(a), List(b)) => {
                if a.len() != b.len() {
                    return Some(false);
                }
                all_equal(a.iter().zip(b))
            }
            (Map(a), Map(b)) => {
                if a.len() != b.len() || a.keys().any(|k| !b.contains_key(k)) {
                    return Some(false);
                }
                all_equal(a.iter().filter_map(|(k, x)| Some((x, b.get(k)?))))
            }
            (Node(a), Node(b)) => Some(a == b),
            (Relationship(a), Relationship(b)) => Some(a == b),
            (Path(a), Path(b)) => Some(a == b),
            (Date(a), Date(b)) => Some(a == b),
            _ => Some(false),
        }
    }

    fn comparison(&self, other: &Value) -> Comparison {
        use Value::*;
        match (self, other) {
            (Null, _) | (_, Null) => Comparison::Null,
            (Int(_) | Float(_), Int(_) | Float(_)) => match number_cmp(self, other) {
                Some(o) => Comparison::Ordered(o),
                None => Comparison::Unordered,
            },
            (String(a), String(b)) => Comparison::Ordered(a.cmp(b)),
            (Bool(a), Bool(b)) => Comparison::Ordered(a.cmp(b)),
            (Date(a), Date(b)) => Comparison::Ordered(a.cmp(b)),
            (List(a), List(b)) => {
                for (x, y) in a.iter().zip(b) {
                    match x.comparison(y) {
                        Comparison::Ordered(Ordering::Equal) => {}
                        // `[1, 2] < [1, NaN]`: the element pair decides nothing
                        // but is not equal either; like Neo4j, give up with null.
                        Comparison::Unordered => return Comparison::Null,
                        decided => return decided,
                    }
                }
                Comparison::Ordered(a.len().cmp(&b.len()))
            }
            _ => Comparison::Null,
        }
    }

    /// Cypher's ordering for `<`, `<=`, `>`, `>=`: `None` when the result is
    /// null or not an ordering (types that are not comparable, a null, or a
    /// NaN). Prefer [`Value::less_than`] and its kin, which also get NaN right
    /// (every comparison with NaN is false, not null).
    pub fn compare(&self, other: &Value) -> Option<Ordering> {
        match self.comparison(other) {
            Comparison::Ordered(o) => Some(o),
            Comparison::Unordered | Comparison::Null => None,
        }
    }

    fn compare_with(&self, other: &Value, accept: impl Fn(Ordering) -> bool) -> Option<bool> {
        match self.comparison(other) {
            Comparison::Ordered(o) => Some(accept(o)),
            Comparison::Unordered => Some(false),
            Comparison::Null => None,
        }
    }

    /// Cypher `<` (`None` is null).
    pub fn less_than(&self, other: &Value) -> Option<bool> {
        self.compare_with(other, |o| o == Ordering::Less)
    }

    /// Cypher `<=` (`None` is null).
    pub fn less_eq(&self, other: &Value) -> Option<bool> {
        self.compare_with(other, |o| o != Ordering::Greater)
    }

    /// Cypher `>` (`None` is null).
    pub fn greater_than(&self, other: &Value) -> Option<bool> {
        self.compare_with(other, |o| o == Ordering::Greater)
    }

    /// Cypher `>=` (`None` is null).
    pub fn greater_eq(&self, other: &Value) -> Option<bool> {
        self.compare_with(other, |o| o != Ordering::Less)
    }

    /// Rank of the type in the ORDER BY order (ascending).
    fn order_rank(&self) -> u8 {
        match self {
            Value::Map(_) => 0,
            Value::Node(_) => 1,
            Value::Relationship(_) => 2,
            Value::List(_) => 3,
            Value::Path(_) => 4,
            Value::Date(_) => 5,
            Value::String(_) => 6,
            Value::Bool(_) => 7,
            Value::Int(_) | Value::Float(_) => 8,
            Value::Null => 9,
        }
    }

    /// The total order of ORDER BY (ascending): maps, nodes, relationships,
    /// lists, paths, dates, strings, booleans, numbers (NaN after every other
    /// number), and null last. Within a type: maps by their sorted keys and
    /// values, entities by id, lists and paths element by element.
    pub fn order(&self, other: &Value) -> Ordering {
        use Value::*;
        let rank = self.order_rank().cmp(&other.order_rank());
        if rank != Ordering::Equal {
            return rank;
        }
        match (self, other) {
            (Int(_) | Float(_), Int(_) | Float(_)) => match number_cmp(self, other) {
                Some(o) => o,
                None => is_nan(self).cmp(&is_nan(other)),
            },
            (String(a), String(b)) => a.cmp(b),
            (Bool(a), Bool(b)) => a.cmp(b),
            (Date(a), Date(b)) => a.cmp(b),
            (Node(a), Node(b)) => a.cmp(b),
            (Relationship(a), Relationship(b)) => a.cmp(b),
            (List(a), List(b)) => order_lists(a, b),
            (Map(a), Map(b)) => {
                let (a, b) = (sorted_entries(a), sorted_entries(b));
                for ((ka, va), (kb, vb)) in a.iter().zip(&b) {
                    let o = ka.cmp(kb).then_with(|| va.order(vb));
                    if o != Ordering::Equal {
                        return o;
                    }
                }
                a.len().cmp(&b.len())
            }
            (Path(a), Path(b)) => {
                let steps = |p: &self::Path| {
                    let mut out = Vec::with_capacity(p.nodes.len() * 2);
                    for (i, n) in p.nodes.iter().enumerate() {
                        out.push(Value::Node(*n));
                        if let Some(r) = p.relationships.get(i) {
                            out.push(Value::Relationship(*r));
                        }
                    }
                    out
                };
                order_lists(&steps(a), &steps(b))
            }
            _ => Ordering::Equal,
        }
    }

    /// Equivalence, as DISTINCT and grouping use it: like `=`, but null is
    /// equivalent to null and NaN to NaN (and `1` to `1.0`).
    pub fn equivalent(&self, other: &Value) -> bool {
        self.hash_key() == other.hash_key()
    }

    /// Whether the value holds no memory of its own (nothing to drop).
    #[inline]
    pub fn owns_nothing(&self) -> bool {
        matches!(
            self,
            Value::Null
                | Value::Bool(_)
                | Value::Int(_)
                | Value::Float(_)
                | Value::Node(_)
                | Value::Relationship(_)
                | Value::Date(_)
        )
    }

    /// A hashable key: two values have equal keys exactly when they are
    /// [equivalent](Value::equivalent).
    pub fn hash_key(&self) -> HashKey {
        match self {
            Value::Null => HashKey::Null,
            Value::Bool(b) => HashKey::Bool(*b),
            Value::Int(i) => HashKey::Int(*i),
            Value::Float(f) => float_key(*f),
            Value::String(s) => HashKey::String(s.clone()),
            Value::List(l) => HashKey::List(l.iter().map(Value::hash_key).collect()),
            Value::Map(m) => HashKey::Map(
                sorted_entries(m)
                    .into_iter()
                    .map(|(k, v)| (k.clone(), v.hash_key()))
                    .collect(),
            ),
            Value::Node(n) => HashKey::Node(*n),
            Value::Relationship(r) => HashKey::Relationship(*r),
            Value::Path(p) => HashKey::Path((**p).clone()),
            Value::Date(d) => HashKey::Date(*d),
        }
    }

    /// Cypher `+`: numbers add (integers checked for overflow, a float on
    /// either side making a float), strings concatenate (with a number on the
    /// other side printed as `toString` would), lists concatenate, and a list
    /// plus an element appends (or prepends) it. Null gives null.
    pub fn add(&self, other: &Value) -> Result<Value, QueryError> {
        use Value::*;
        match (self, other) {
            (List(a), List(b)) => Ok(List(a.iter().chain(b).cloned().collect())),
            (List(a), x) => {
                let mut out = a.clone();
                out.push(x.clone());
                Ok(List(out))
            }
            (x, List(b)) => {
                let mut out = Vec::with_capacity(b.len() + 1);
                out.push(x.clone());
                out.extend(b.iter().cloned());
                Ok(List(out))
            }
            (Null, _) | (_, Null) => Ok(Null),
            (String(a), String(b)) => Ok(Value::string(format!("{a}{b}"))),
            (String(a), n @ (Int(_) | Float(_))) => Ok(Value::string(format!("{a}{}", n.plain()))),
            (n @ (Int(_) | Float(_)), String(b)) => Ok(Value::string(format!("{}{b}", n.plain()))),
            (Int(a), Int(b)) => a
                .checked_add(*b)
                .map(Int)
                .ok_or_else(|| overflow("+", *a, *b)),
            _ => float_op(self, other, "+", |a, b| a + b),
        }
    }

    /// Cypher `-` on numbers.
    pub fn sub(&self, other: &Value) -> Result<Value, QueryError> {
        match (self, other) {
            (Value::Int(a), Value::Int(b)) => a
                .checked_sub(*b)
                .map(Value::Int)
                .ok_or_else(|| overflow("-", *a, *b)),
            _ => float_op(self, other, "-", |a, b| a - b),
        }
    }

    /// Cypher `*` on numbers.
    pub fn mul(&self, other: &Value) -> Result<Value, QueryError> {
        match (self, other) {
            (Value::Int(a), Value::Int(b)) => a
                .checked_mul(*b)
                .map(Value::Int)
                .ok_or_else(|| overflow("*", *a, *b)),
            _ => float_op(self, other, "*", |a, b| a * b),
        }
    }

    /// Cypher `/`: integer division truncates toward zero and fails on a zero
    /// divisor; float division follows IEEE 754 (`1.0 / 0` is Infinity).
    pub fn div(&self, other: &Value) -> Result<Value, QueryError> {
        match (self, other) {
            (Value::Int(a), Value::Int(0)) => Err(division_by_zero(*a, "/")),
            (Value::Int(a), Value::Int(b)) => a
                .checked_div(*b)
                .map(Value::Int)
                .ok_or_else(|| overflow("/", *a, *b)),
            _ => float_op(self, other, "/", |a, b| a / b),
        }
    }

    /// Cypher `%`: the remainder takes the dividend's sign; an integer zero
    /// divisor fails, a float one gives NaN.
    pub fn rem(&self, other: &Value) -> Result<Value, QueryError> {
        match (self, other) {
            (Value::Int(a), Value::Int(0)) => Err(division_by_zero(*a, "%")),
            // `i64::MIN % -1` overflows in Rust but is 0 mathematically.
            (Value::Int(a), Value::Int(b)) => Ok(Value::Int(a.checked_rem(*b).unwrap_or(0))),
            _ => float_op(self, other, "%", |a, b| a % b),
        }
    }

    /// Cypher `^`: always a float.
    pub fn pow(&self, other: &Value) -> Result<Value, QueryError> {
        float_op(self, other, "^", f64::powf)
    }

    /// Cypher unary `-`.
    pub fn neg(&self) -> Result<Value, QueryError> {
        match self {
            Value::Null => Ok(Value::Null),
            Value::Int(i) => i.checked_neg().map(Value::Int).ok_or_else(|| {
                error(
                    ErrorCode::NumberOutOfRange,
                    format!("-({i}) does not fit in a 64-bit integer"),
                )
            }),
            Value::Float(f) => Ok(Value::Float(-f)),
            other => Err(error(
                ErrorCode::TypeInvalidArgumentType,
                format!("cannot negate a {}", other.type_name()),
            )),
        }
    }

    /// A stored property as a query value.
    pub fn from_property(p: &PropertyValue) -> Value {
        match p {
            PropertyValue::Null => Value::Null,
            PropertyValue::Bool(b) => Value::Bool(*b),
            PropertyValue::Int(i) => Value::Int(*i),
            PropertyValue::Float(f) => Value::Float(*f),
            PropertyValue::String(s) => Value::String(s.clone()),
            PropertyValue::List(l) => Value::List(l.iter().map(Value::from_property).collect()),
            PropertyValue::Map(m) => Value::Map(Box::new(
                m.iter()
                    .map(|(k, v)| (k.clone(), Value::from_property(v)))
                    .collect(),
            )),
            PropertyValue::Date(d) => Value::Date(*d),
        }
    }

    /// The value as something a property can hold (null means "remove").
    /// Booleans, numbers, strings, dates and homogeneous lists of them can be
    /// stored; a map, an entity, a path, or a list holding null, a list, a map
    /// or mixed types is a TypeError `InvalidPropertyType`.
    pub fn to_property(&self) -> Result<PropertyValue, QueryError> {
        let invalid = |what: &str| {
            error(
                ErrorCode::InvalidPropertyType,
                format!("a {what} cannot be stored as a property"),
            )
        };
        match self {
            Value::Null => Ok(PropertyValue::Null),
            Value::Bool(b) => Ok(PropertyValue::Bool(*b)),
            Value::Int(i) => Ok(PropertyValue::Int(*i)),
            Value::Float(f) => Ok(PropertyValue::Float(*f)),
            Value::String(s) => Ok(PropertyValue::String(s.clone())),
            Value::Date(d) => Ok(PropertyValue::Date(*d)),
            Value::List(items) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    match item {
                        Value::Null => return Err(invalid("list holding null")),
                        Value::List(_) | Value::Map(_) => {
                            return Err(invalid(&format!("list of {}s", item.type_name())));
                        }
                        _ => {}
                    }
                    if let Some(first) = items.first()
                        && first.type_name() != item.type_name()
                    {
                        return Err(invalid("list of mixed types"));
                    }
                    out.push(item.to_property()?);
                }
                Ok(PropertyValue::List(out))
            }
            other => Err(invalid(other.type_name())),
        }
    }

    /// The value as `toString` and string concatenation print it: strings
    /// bare, everything else in its literal form.
    pub fn plain(&self) -> String {
        match self {
            Value::String(s) => s.to_string(),
            other => other.to_string(),
        }
    }
}

/// A float as Cypher prints it: the shortest text that reads back to the same
/// float, always with a fraction or an exponent (`1.0`, `1e300`), and `NaN`,
/// `Infinity`, `-Infinity`.
pub fn format_float(f: f64) -> String {
    if f.is_nan() {
        "NaN".to_string()
    } else if f.is_infinite() {
        if f > 0.0 { "Infinity" } else { "-Infinity" }.to_string()
    } else {
        // Rust's `Debug` for f64 is the shortest round-trip form and always
        // keeps a `.0` or an exponent, unlike `Display` (`1`, and 300 digits
        // for 1e300).
        format!("{f:?}")
    }
}

/// A value seen as a grouping key without copying it: hashes and compares
/// as the value's [`HashKey`] does (equal exactly for equivalent values),
/// but borrows a string where the `HashKey` would share it.
#[derive(Debug, PartialEq, Eq, Hash)]
pub enum KeyRef<'a> {
    /// A string, borrowed.
    Str(&'a str),
    /// Any other value (no allocation unless it is a list, a map or a path).
    Other(HashKey),
}

impl Value {
    /// The value as a grouping key; see [`KeyRef`].
    pub fn key_ref(&self) -> KeyRef<'_> {
        match self {
            Value::String(s) => KeyRef::Str(s),
            other => KeyRef::Other(other.hash_key()),
        }
    }
}

/// A key that is `Eq + Hash` and equal exactly for equivalent values.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum HashKey {
    /// Null.
    Null,
    /// A boolean.
    Bool(bool),
    /// An integer, or a float with an integral value in the integer range.
    Int(i64),
    /// Any other float, by its bits (never NaN, never -0.0).
    Float(u64),
    /// NaN.
    NaN,
    /// A string.
    String(Str),
    /// A list.
    List(Vec<HashKey>),
    /// A map, entries sorted by key.
    Map(Vec<(Arc<str>, HashKey)>),
    /// A node.
    Node(NodeId),
    /// A relationship.
    Relationship(EdgeId),
    /// A path.
    Path(Path),
    /// A date.
    Date(PartialDate),
}

/// 2^63 as a float: the first float above every i64.
const TWO_POW_63: f64 = 9_223_372_036_854_775_808.0;

fn float_key(f: f64) -> HashKey {
    if f.is_nan() {
        HashKey::NaN
    } else if f.fract() == 0.0 && (-TWO_POW_63..TWO_POW_63).contains(&f) {
        // Integral and in range, so the cast is exact; this also folds -0.0
        // into 0.
        HashKey::Int(f as i64)
    } else {
        HashKey::Float(f.to_bits())
    }
}

fn is_nan(v: &Value) -> bool {
    matches!(v, Value::Float(f) if f.is_nan())
}

/// Numbers by value, exactly (no rounding of large integers); `None` when a
/// NaN is involved.
fn number_cmp(a: &Value, b: &Value) -> Option<Ordering> {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => Some(x.cmp(y)),
        (Value::Float(x), Value::Float(y)) => x.partial_cmp(y),
        (Value::Int(x), Value::Float(y)) => int_float_cmp(*x, *y),
        (Value::Float(x), Value::Int(y)) => int_float_cmp(*y, *x).map(Ordering::reverse),
        _ => None,
    }
}

fn int_float_cmp(i: i64, f: f64) -> Option<Ordering> {
    if f.is_nan() {
        return None;
    }
    if f >= TWO_POW_63 {
        return Some(Ordering::Less);
    }
    if f < -TWO_POW_63 {
        return Some(Ordering::Greater);
    }
    let whole = f.trunc();
    // In range, so the cast is exact.
    Some(i.cmp(&(whole as i64)).then_with(|| {
        let fraction = f - whole;
        0.0f64.partial_cmp(&fraction).unwrap_or(Ordering::Equal)
    }))
}

fn all_equal<'a>(pairs: impl Iterator<Item = (&'a Value, &'a Value)>) -> Option<bool> {
    let mut unknown = false;
    for (x, y) in pairs {
        match x.equals(y) {
            Some(false) => return Some(false),
            None => unknown = true,
            Some(true) => {}
        }
    }
    if unknown { None } else { Some(true) }
}

fn order_lists(a: &[Value], b: &[Value]) -> Ordering {
    for (x, y) in a.iter().zip(b) {
        let o = x.order(y);
        if o != Ordering::Equal {
            return o;
        }
    }
    a.len().cmp(&b.len())
}

fn sorted_entries(m: &IndexMap<Arc<str>, Value>) -> Vec<(&Arc<str>, &Value)> {
    let mut entries: Vec<_> = m.iter().collect();
    entries.sort_by(|a, b| a.0.cmp(b.0));
    entries
}

fn as_f64(v: &Value) -> Option<f64> {
    match v {
        Value::Int(i) => Some(*i as f64),
        Value::Float(f) => Some(*f),
        _ => None,
    }
}

fn float_op(
    a: &Value,
    b: &Value,
    op: &str,
    f: impl Fn(f64, f64) -> f64,
) -> Result<Value, QueryError> {
    if a.is_null() || b.is_null() {
        return Ok(Value::Null);
    }
    match (as_f64(a), as_f64(b)) {
        (Some(x), Some(y)) => Ok(Value::Float(f(x, y))),
        _ => Err(error(
            ErrorCode::TypeInvalidArgumentType,
            format!(
                "cannot apply {op} to a {} and a {}",
                a.type_name(),
                b.type_name()
            ),
        )),
    }
}

fn overflow(op: &str, a: i64, b: i64) -> QueryError {
    error(
        ErrorCode::NumberOutOfRange,
        format!("{a} {op} {b} does not fit in a 64-bit integer"),
    )
}

fn division_by_zero(a: i64, op: &str) -> QueryError {
    error(
        ErrorCode::NumberOutOfRange,
        format!("{a} {op} 0: integer division by zero"),
    )
}

/// Whether `name` can be written bare in Cypher (else it needs backticks).
pub fn is_plain_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || c == '_')
}

/// Writes `name` bare or in backticks, as Cypher needs.
pub fn write_identifier(f: &mut impl fmt::Write, name: &str) -> fmt::Result {
    if is_plain_identifier(name) {
        f.write_str(name)
    } else {
        write!(f, "`{}`", name.replace('`', "``"))
    }
}

/// Writes `s` as a single-quoted Cypher string literal.
pub fn write_string_literal(f: &mut impl fmt::Write, s: &str) -> fmt::Result {
    f.write_char('\'')?;
    for c in s.chars() {
        match c {
            '\'' => f.write_str("\\'")?,
            '\\' => f.write_str("\\\\")?,
            '\n' => f.write_str("\\n")?,
            '\r' => f.write_str("\\r")?,
            '\t' => f.write_str("\\t")?,
            c => f.write_char(c)?,
        }
    }
    f.write_char('\'')
}

/// Values nested deeper than this print as `...`, so that printing never
/// exhausts the stack.
const DISPLAY_DEPTH: usize = 256;

fn write_value(f: &mut fmt::Formatter<'_>, v: &Value, depth: usize) -> fmt::Result {
    if depth > DISPLAY_DEPTH {
        return f.write_str("...");
    }
    match v {
        Value::Null => f.write_str("null"),
        Value::Bool(b) => write!(f, "{b}"),
        Value::Int(i) => write!(f, "{i}"),
        Value::Float(x) => f.write_str(&format_float(*x)),
        Value::String(s) => write_string_literal(f, s),
        Value::List(items) => {
            f.write_str("[")?;
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    f.write_str(", ")?;
                }
                write_value(f, item, depth + 1)?;
            }
            f.write_str("]")
        }
        Value::Map(m) => {
            f.write_str("{")?;
            for (i, (k, v)) in m.iter().enumerate() {
                if i > 0 {
                    f.write_str(", ")?;
                }
                write_identifier(f, k)?;
                f.write_str(": ")?;
                write_value(f, v, depth + 1)?;
            }
            f.write_str("}")
        }
        Value::Node(n) => write!(f, "(#{})", n.0),
        Value::Relationship(r) => write!(f, "[#{}]", r.0),
        Value::Path(p) => {
            f.write_str("<")?;
            for (i, n) in p.nodes.iter().enumerate() {
                write!(f, "(#{})", n.0)?;
                if let Some(r) = p.relationships.get(i) {
                    write!(f, "-[#{}]-", r.0)?;
                }
            }
            f.write_str(">")
        }
        Value::Date(d) => write!(f, "date('{d}')"),
    }
}

impl fmt::Display for Value {
    /// The value in Cypher literal form (`'text'`, `[1, 2.0]`, `{k: null}`,
    /// `date('2011-12')`). Nodes, relationships and paths, which have no
    /// literal, show their ids: `(#7)`, `[#3]`, `<(#7)-[#3]-(#9)>`; the output
    /// layer shows them with their labels and properties instead.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_value(f, self, 0)
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}

impl From<i64> for Value {
    fn from(i: i64) -> Self {
        Value::Int(i)
    }
}

impl From<f64> for Value {
    fn from(f: f64) -> Self {
        Value::Float(f)
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::string(s)
    }
}

impl From<Vec<Value>> for Value {
    fn from(items: Vec<Value>) -> Self {
        Value::List(items)
    }
}

impl From<Option<bool>> for Value {
    /// Three-valued logic: `None` is null.
    fn from(b: Option<bool>) -> Self {
        b.map_or(Value::Null, Value::Bool)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(items: Vec<Value>) -> Value {
        Value::List(items)
    }

    fn map(entries: &[(&str, Value)]) -> Value {
        Value::Map(Box::new(
            entries
                .iter()
                .map(|(k, v)| (Arc::from(*k), v.clone()))
                .collect(),
        ))
    }

    const NAN: Value = Value::Float(f64::NAN);

    #[test]
    fn equality_is_three_valued() {
        use Value::*;
        assert_eq!(Int(1).equals(&Float(1.0)), Some(true));
        assert_eq!(NAN.equals(&NAN), Some(false));
        assert_eq!(Null.equals(&Null), None);
        assert_eq!(Int(1).equals(&Value::from("1")), Some(false));
        assert_eq!(
            list(vec![Int(1), Null]).equals(&list(vec![Int(1), Null])),
            None
        );
        assert_eq!(
            list(vec![Int(2), Null]).equals(&list(vec![Int(1), Null])),
            Some(false)
        );
        assert_eq!(
            list(vec![Null]).equals(&list(vec![Null, Null])),
            Some(false)
        );
        assert_eq!(map(&[]).equals(&map(&[("k", Null)])), Some(false));
        assert_eq!(map(&[("k", Null)]).equals(&map(&[("k", Null)])), None);
        assert_eq!(
            map(&[("k", Int(1)), ("l", Null)]).equals(&map(&[("k", Null), ("l", Int(1))])),
            None
        );
        assert_eq!(
            map(&[("k", Int(1)), ("l", Int(2))]).equals(&map(&[("l", Int(2)), ("k", Float(1.0))])),
            Some(true)
        );
        let nested = |a: Vec<Value>, b: Vec<Value>| list(a).equals(&list(b));
        let one = || list(vec![Int(1)]);
        let null_list = || list(vec![Null]);
        assert_eq!(nested(vec![one()], vec![one(), null_list()]), Some(false));
        assert_eq!(
            nested(vec![one(), list(vec![Int(2)])], vec![one(), null_list()]),
            None
        );
        assert_eq!(
            nested(
                vec![one(), list(vec![Int(2), Int(3)])],
                vec![one(), null_list()]
            ),
            Some(false)
        );
        assert_eq!(nested(vec![Value::from("a")], vec![Int(1)]), Some(false));
        assert_eq!(Node(NodeId(1)).equals(&Node(NodeId(1))), Some(true));
        assert_eq!(
            Node(NodeId(1)).equals(&Relationship(EdgeId(1))),
            Some(false)
        );
        // Large integers are compared exactly, not through a rounded float.
        assert_eq!(Int(i64::MAX).equals(&Float(TWO_POW_63)), Some(false));
        assert_eq!(Int(1 << 62).equals(&Float((1u64 << 62) as f64)), Some(true));
    }

    #[test]
    fn comparison_follows_the_tck() {
        use Value::*;
        assert_eq!(Int(1).less_than(&Float(3.5)), Some(true));
        assert_eq!(Int(1).less_than(&Float(1.0)), Some(false));
        assert_eq!(Value::from("1").less_than(&Int(1)), None);
        assert_eq!(Bool(false).less_than(&Bool(true)), Some(true));
        assert_eq!(NAN.greater_than(&Int(1)), Some(false));
        assert_eq!(NAN.less_eq(&NAN), Some(false));
        assert_eq!(NAN.greater_eq(&Value::from("a")), None);
        assert_eq!(map(&[]).less_than(&map(&[])), None);
        assert_eq!(Node(NodeId(1)).less_than(&Node(NodeId(2))), None);
        let ge = |a: Vec<Value>, b: Vec<Value>| list(a).greater_eq(&list(b));
        assert_eq!(ge(vec![Int(1), Int(0)], vec![Int(1)]), Some(true));
        assert_eq!(ge(vec![Int(1), Null], vec![Int(1)]), Some(true));
        assert_eq!(ge(vec![Int(1), Int(2)], vec![Int(1), Null]), None);
        assert_eq!(ge(vec![Int(1), Value::from("a")], vec![Int(1), Null]), None);
        assert_eq!(ge(vec![Int(1), Int(2)], vec![Int(3), Null]), Some(false));
        let d = |s| Date(PartialDate::parse(s).unwrap());
        assert_eq!(d("2011-12").less_than(&d("2012")), Some(true));
    }

    #[test]
    fn a_value_is_four_words() {
        // Rows are vectors of values, copied and dropped once per row:
        // maps and paths are boxed to keep every value this small, and a
        // string of up to 22 bytes is held in place.
        assert_eq!(std::mem::size_of::<Value>(), 32);
    }

    #[test]
    fn order_by_sorts_types_as_the_tck_says() {
        use Value::*;
        let path = Path(Box::new(self::Path {
            nodes: vec![NodeId(0), NodeId(1)],
            relationships: vec![EdgeId(0)],
        }));
        let mut values = vec![
            Node(NodeId(0)),
            Relationship(EdgeId(0)),
            path.clone(),
            Float(1.5),
            list(vec![Value::from("list")]),
            Value::from("text"),
            Null,
            Bool(false),
            NAN,
            map(&[("a", Value::from("map"))]),
        ];
        values.sort_by(Value::order);
        let expected = vec![
            map(&[("a", Value::from("map"))]),
            Node(NodeId(0)),
            Relationship(EdgeId(0)),
            list(vec![Value::from("list")]),
            path,
            Value::from("text"),
            Bool(false),
            Float(1.5),
            NAN,
            Null,
        ];
        assert_eq!(format!("{values:?}"), format!("{expected:?}"));

        let s = Value::from;
        let mut lists = vec![
            list(vec![]),
            list(vec![s("a")]),
            list(vec![s("a"), Int(1)]),
            list(vec![Int(1)]),
            list(vec![Int(1), s("a")]),
            list(vec![Int(1), Null]),
            list(vec![Null, Int(1)]),
            list(vec![Null, Int(2)]),
        ];
        let sorted = lists.clone();
        lists.reverse();
        lists.sort_by(Value::order);
        assert_eq!(lists, sorted);
        assert_eq!(Int(2).order(&Float(1.5)), Ordering::Greater);
        assert_eq!(Float(f64::INFINITY).order(&NAN), Ordering::Less);
    }

    #[test]
    fn equivalence_groups_null_nan_and_equal_numbers() {
        use Value::*;
        assert!(Null.equivalent(&Null));
        assert!(NAN.equivalent(&NAN));
        assert!(Int(1).equivalent(&Float(1.0)));
        assert!(Float(-0.0).equivalent(&Int(0)));
        assert!(!Int(1).equivalent(&Float(1.5)));
        assert!(list(vec![Null, NAN]).equivalent(&list(vec![Null, NAN])));
        assert!(
            map(&[("a", Int(1)), ("b", Null)]).equivalent(&map(&[("b", Null), ("a", Float(1.0))]))
        );
        assert!(!Value::from("1").equivalent(&Int(1)));
    }

    #[test]
    fn arithmetic_promotes_and_checks() {
        use Value::*;
        assert_eq!(Int(1).add(&Int(2)).unwrap(), Int(3));
        assert_eq!(Int(1).add(&Float(0.5)).unwrap(), Float(1.5));
        assert_eq!(Int(1).add(&Null).unwrap(), Null);
        assert_eq!(Value::from("a").add(&Int(1)).unwrap(), Value::from("a1"));
        assert_eq!(
            Float(2.0).add(&Value::from("b")).unwrap(),
            Value::from("2.0b")
        );
        assert_eq!(
            list(vec![Bool(false), Bool(true)])
                .add(&Bool(false))
                .unwrap(),
            list(vec![Bool(false), Bool(true), Bool(false)])
        );
        assert_eq!(
            list(vec![Int(1)]).add(&list(vec![Int(2)])).unwrap(),
            list(vec![Int(1), Int(2)])
        );
        assert_eq!(
            Int(i64::MAX).add(&Int(1)).unwrap_err().code,
            ErrorCode::NumberOutOfRange
        );
        assert_eq!(
            Int(i64::MIN).neg().unwrap_err().code,
            ErrorCode::NumberOutOfRange
        );
        assert_eq!(Int(7).div(&Int(2)).unwrap(), Int(3));
        assert_eq!(Int(-7).div(&Int(2)).unwrap(), Int(-3));
        assert_eq!(
            Int(1).div(&Int(0)).unwrap_err().code,
            ErrorCode::NumberOutOfRange
        );
        assert_eq!(
            Int(1).rem(&Int(0)).unwrap_err().code,
            ErrorCode::NumberOutOfRange
        );
        assert_eq!(Float(1.0).div(&Int(0)).unwrap(), Float(f64::INFINITY));
        assert!(matches!(Float(0.0).div(&Int(0)).unwrap(), Float(f) if f.is_nan()));
        assert_eq!(Int(-7).rem(&Int(3)).unwrap(), Int(-1));
        assert_eq!(Int(2).pow(&Int(3)).unwrap(), Float(8.0));
        assert_eq!(Float(1.5).neg().unwrap(), Float(-1.5));
        assert_eq!(
            Bool(true).sub(&Int(1)).unwrap_err().code,
            ErrorCode::TypeInvalidArgumentType
        );
    }

    #[test]
    fn only_storable_values_become_properties() {
        use Value::*;
        let ok = list(vec![Int(1), Int(2)]).to_property().unwrap();
        assert_eq!(Value::from_property(&ok), list(vec![Int(1), Int(2)]));
        assert_eq!(
            list(vec![]).to_property().unwrap(),
            PropertyValue::List(vec![])
        );
        for bad in [
            map(&[("num", Int(1))]),
            list(vec![map(&[("num", Int(1))])]),
            list(vec![Int(1), Null]),
            list(vec![Int(1), Value::from("a")]),
            list(vec![list(vec![])]),
            Node(NodeId(0)),
        ] {
            assert_eq!(
                bad.to_property().unwrap_err().code,
                ErrorCode::InvalidPropertyType,
                "{bad}"
            );
        }
    }

    #[test]
    fn display_is_cypher_literal_form() {
        use Value::*;
        let v = list(vec![
            Null,
            Bool(true),
            Int(-3),
            Float(1.0),
            Float(1e300),
            Float(f64::NEG_INFINITY),
            Value::from("it's"),
            map(&[
                ("a b", Int(1)),
                ("c", Date(PartialDate::parse("2011-12").unwrap())),
            ]),
        ]);
        assert_eq!(
            v.to_string(),
            "[null, true, -3, 1.0, 1e300, -Infinity, 'it\\'s', {`a b`: 1, c: date('2011-12')}]"
        );
        assert_eq!(format_float(0.1), "0.1");
        assert_eq!(format_float(1e-7), "1e-7");
    }

    mod properties {
        use proptest::prelude::*;

        use super::*;

        fn scalar() -> impl Strategy<Value = Value> {
            prop_oneof![
                Just(Value::Null),
                any::<bool>().prop_map(Value::Bool),
                (-3i64..3).prop_map(Value::Int),
                prop_oneof![
                    Just(f64::NAN),
                    Just(-0.0),
                    Just(f64::INFINITY),
                    (-3i32..3).prop_map(|i| f64::from(i) / 2.0),
                ]
                .prop_map(Value::Float),
                "[ab]{0,2}".prop_map(Value::string),
            ]
        }

        fn value() -> impl Strategy<Value = Value> {
            scalar().prop_recursive(3, 12, 3, |inner| {
                prop_oneof![
                    prop::collection::vec(inner.clone(), 0..3).prop_map(Value::List),
                    prop::collection::vec(("[kl]", inner), 0..3).prop_map(|entries| {
                        Value::Map(Box::new(
                            entries
                                .into_iter()
                                .map(|(k, v)| (Arc::from(k.as_str()), v))
                                .collect(),
                        ))
                    }),
                ]
            })
        }

        proptest! {
            #[test]
            fn order_is_a_total_order(a in value(), b in value(), c in value()) {
                prop_assert_eq!(a.order(&a), Ordering::Equal);
                prop_assert_eq!(a.order(&b), b.order(&a).reverse());
                if a.order(&b) != Ordering::Greater && b.order(&c) != Ordering::Greater {
                    prop_assert_ne!(a.order(&c), Ordering::Greater);
                }
            }

            #[test]
            fn semantics_agree(a in value(), b in value()) {
                if a.equals(&b) == Some(true) {
                    prop_assert!(a.equivalent(&b));
                }
                if a.equivalent(&b) {
                    prop_assert_eq!(a.order(&b), Ordering::Equal);
                    // Equivalent values are never unequal, except that NaN
                    // is equivalent to itself but not equal.
                    if !a.to_string().contains("NaN") {
                        prop_assert_ne!(a.equals(&b), Some(false));
                    }
                }
                if let Some(o) = a.compare(&b) {
                    prop_assert_eq!(a.order(&b), o);
                }
                prop_assert_eq!(a.equals(&b), b.equals(&a));
            }
        }
    }
}
