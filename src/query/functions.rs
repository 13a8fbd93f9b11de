//! Scalar functions of the query language: `id`, `labels`, `size`,
//! `toInteger`, `substring`, `range`, `sqrt`, `date`, ...
//!
//! Each function has a signature in one table: its arity and the types each
//! argument accepts. That table serves two checks. At run time, [`call`]
//! rejects an argument of a wrong type with a TypeError `InvalidArgumentValue`
//! (what the TCK expects when `toInteger(x)` meets a list at run time); at
//! plan time, [`check_static`] rejects an argument whose type is already known
//! to be wrong (a literal, or a variable bound to a node, relationship or
//! path) with a SyntaxError `InvalidArgumentType` (`properties(1)`,
//! `labels(p)` for a path `p`). A null argument gives null unless the
//! function says otherwise (`coalesce`).
//!
//! Aggregating functions live in `aggregate`; this module only knows their
//! names ([`is_aggregate`]). It reads the graph (labels, types, properties,
//! endpoints) but never changes it.

use std::cell::Cell;
use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::Arc;

use indexmap::IndexMap;

use crate::graph::Graph;
use crate::query::error::{ErrorCode, QueryError};
use crate::query::value::{Value, error, format_float};

mod calendar;

pub use calendar::date_field;
use calendar::now_millis;

/// The type of a value, as function signatures and static checks name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ValueType {
    /// `null`.
    Null,
    /// A boolean.
    Bool,
    /// An integer.
    Int,
    /// A float.
    Float,
    /// A string.
    String,
    /// A list.
    List,
    /// A map.
    Map,
    /// A node.
    Node,
    /// A relationship.
    Relationship,
    /// A path.
    Path,
    /// A date.
    Date,
}

impl ValueType {
    /// The type of `value`.
    pub fn of(value: &Value) -> ValueType {
        match value {
            Value::Null => ValueType::Null,
            Value::Bool(_) => ValueType::Bool,
            Value::Int(_) => ValueType::Int,
            Value::Float(_) => ValueType::Float,
            Value::String(_) => ValueType::String,
            Value::List(_) => ValueType::List,
            Value::Map(_) => ValueType::Map,
            Value::Node(_) => ValueType::Node,
            Value::Relationship(_) => ValueType::Relationship,
            Value::Path(_) => ValueType::Path,
            Value::Date(_) => ValueType::Date,
        }
    }

    fn bit(self) -> u16 {
        1 << (self as u16)
    }
}

/// A set of accepted argument types, as bits of [`ValueType`].
#[derive(Debug, Clone, Copy)]
struct Accepts(u16);

const fn bits(types: &[ValueType]) -> Accepts {
    let mut out = 0u16;
    let mut i = 0;
    while i < types.len() {
        out |= 1 << (types[i] as u16);
        i += 1;
    }
    Accepts(out)
}

use ValueType as T;

const ANY: Accepts = Accepts(u16::MAX);
const INT: Accepts = bits(&[T::Int]);
const NUMBER: Accepts = bits(&[T::Int, T::Float]);
const STRING: Accepts = bits(&[T::String]);
const LIST: Accepts = bits(&[T::List]);
const NODE: Accepts = bits(&[T::Node]);
const REL: Accepts = bits(&[T::Relationship]);
const PATH: Accepts = bits(&[T::Path]);
const ENTITY: Accepts = bits(&[T::Node, T::Relationship]);
const ENTITY_OR_MAP: Accepts = bits(&[T::Node, T::Relationship, T::Map]);
const LIST_OR_STRING: Accepts = bits(&[T::List, T::String]);
const STRING_OR_LIST: Accepts = bits(&[T::String, T::List]);
const TO_STRING: Accepts = bits(&[T::Int, T::Float, T::String, T::Bool, T::Date]);
const TO_INTEGER: Accepts = bits(&[T::Int, T::Float, T::String, T::Bool]);
const TO_FLOAT: Accepts = bits(&[T::Int, T::Float, T::String]);
const TO_BOOLEAN: Accepts = bits(&[T::Bool, T::String, T::Int]);
const DATE_ARG: Accepts = bits(&[T::String, T::Map, T::Date]);
const EMPTY_CHECKABLE: Accepts = bits(&[T::List, T::String, T::Map]);

impl Accepts {
    fn contains(self, t: ValueType) -> bool {
        t == ValueType::Null || self.0 & t.bit() != 0
    }
}

/// How a function treats an argument of a wrong type at run time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Checked {
    /// TypeError `InvalidArgumentValue` at run time, and a SyntaxError
    /// `InvalidArgumentType` at plan time when the type is known.
    Both,
    /// ArgumentError `InvalidArgumentType`, and only at run time: the TCK
    /// wants `range(true, 1)` to fail when it runs.
    RuntimeArgument,
}

/// One function: how many arguments it takes and of what types. `params`
/// has one entry per position; a variadic function repeats its last one.
struct Signature {
    name: &'static str,
    min: usize,
    max: usize,
    params: &'static [Accepts],
    checked: Checked,
}

const fn sig(name: &'static str, min: usize, max: usize, params: &'static [Accepts]) -> Signature {
    Signature {
        name,
        min,
        max,
        params,
        checked: Checked::Both,
    }
}

/// Every scalar function, by its lower-case name.
const SIGNATURES: &[Signature] = &[
    sig("id", 1, 1, &[ENTITY]),
    sig("labels", 1, 1, &[NODE]),
    sig("type", 1, 1, &[REL]),
    sig("properties", 1, 1, &[ENTITY_OR_MAP]),
    sig("keys", 1, 1, &[ENTITY_OR_MAP]),
    sig("startnode", 1, 1, &[REL]),
    sig("endnode", 1, 1, &[REL]),
    sig("nodes", 1, 1, &[PATH]),
    sig("relationships", 1, 1, &[PATH]),
    sig("length", 1, 1, &[PATH]),
    sig("size", 1, 1, &[LIST_OR_STRING]),
    sig("isempty", 1, 1, &[EMPTY_CHECKABLE]),
    sig("exists", 1, 1, &[ANY]),
    sig("coalesce", 1, usize::MAX, &[ANY]),
    sig("head", 1, 1, &[LIST]),
    sig("last", 1, 1, &[LIST]),
    sig("tail", 1, 1, &[LIST]),
    Signature {
        name: "range",
        min: 2,
        max: 3,
        params: &[INT, INT, INT],
        checked: Checked::RuntimeArgument,
    },
    sig("reverse", 1, 1, &[LIST_OR_STRING]),
    sig("tostring", 1, 1, &[TO_STRING]),
    sig("tointeger", 1, 1, &[TO_INTEGER]),
    sig("tofloat", 1, 1, &[TO_FLOAT]),
    sig("toboolean", 1, 1, &[TO_BOOLEAN]),
    sig("tostringornull", 1, 1, &[ANY]),
    sig("tointegerornull", 1, 1, &[ANY]),
    sig("tofloatornull", 1, 1, &[ANY]),
    sig("tobooleanornull", 1, 1, &[ANY]),
    sig("toupper", 1, 1, &[STRING]),
    sig("tolower", 1, 1, &[STRING]),
    sig("trim", 1, 1, &[STRING]),
    sig("ltrim", 1, 1, &[STRING]),
    sig("rtrim", 1, 1, &[STRING]),
    sig("substring", 2, 3, &[STRING, INT, INT]),
    sig("left", 2, 2, &[STRING, INT]),
    sig("right", 2, 2, &[STRING, INT]),
    sig("split", 2, 2, &[STRING, STRING_OR_LIST]),
    sig("replace", 3, 3, &[STRING, STRING, STRING]),
    sig("abs", 1, 1, &[NUMBER]),
    sig("ceil", 1, 1, &[NUMBER]),
    sig("floor", 1, 1, &[NUMBER]),
    sig("round", 1, 3, &[NUMBER, INT, STRING]),
    sig("sign", 1, 1, &[NUMBER]),
    sig("sqrt", 1, 1, &[NUMBER]),
    sig("exp", 1, 1, &[NUMBER]),
    sig("log", 1, 1, &[NUMBER]),
    sig("log10", 1, 1, &[NUMBER]),
    sig("sin", 1, 1, &[NUMBER]),
    sig("cos", 1, 1, &[NUMBER]),
    sig("tan", 1, 1, &[NUMBER]),
    sig("cot", 1, 1, &[NUMBER]),
    sig("asin", 1, 1, &[NUMBER]),
    sig("acos", 1, 1, &[NUMBER]),
    sig("atan", 1, 1, &[NUMBER]),
    sig("atan2", 2, 2, &[NUMBER, NUMBER]),
    sig("degrees", 1, 1, &[NUMBER]),
    sig("radians", 1, 1, &[NUMBER]),
    sig("haversin", 1, 1, &[NUMBER]),
    sig("pi", 0, 0, &[]),
    sig("e", 0, 0, &[]),
    sig("rand", 0, 0, &[]),
    sig("timestamp", 0, 0, &[]),
    sig("date", 0, 1, &[DATE_ARG]),
];

/// The aggregating functions, by lower-case name (see `aggregate`).
const AGGREGATES: &[&str] = &[
    "count",
    "sum",
    "avg",
    "min",
    "max",
    "collect",
    "stdev",
    "stdevp",
    "percentilecont",
    "percentiledisc",
];

/// The most elements `range()` makes: beyond that a query would exhaust
/// memory before it could be cancelled.
pub const MAX_RANGE_LEN: i128 = 10_000_000;

fn signature(name: &str) -> Option<&'static Signature> {
    SIGNATURES
        .iter()
        .find(|s| s.name.eq_ignore_ascii_case(name))
}

/// Whether `name` (any case) is a scalar or an aggregating function.
pub fn exists(name: &str) -> bool {
    signature(name).is_some() || is_aggregate(name)
}

/// Whether `name` (any case) is an aggregating function.
pub fn is_aggregate(name: &str) -> bool {
    AGGREGATES.iter().any(|a| a.eq_ignore_ascii_case(name))
}

/// The fewest and the most arguments a scalar function takes (`usize::MAX`
/// for a variadic one); `None` for an unknown or aggregating function.
pub fn arity(name: &str) -> Option<(usize, usize)> {
    signature(name).map(|s| (s.min, s.max))
}

/// Whether the function gives a different value on each call (`rand()`), so
/// that it may not be folded into a constant.
pub fn is_volatile(name: &str) -> bool {
    ["rand", "timestamp", "date"]
        .iter()
        .any(|n| n.eq_ignore_ascii_case(name))
}

fn accepts(s: &Signature, position: usize) -> Accepts {
    s.params
        .get(position)
        .or(s.params.last())
        .copied()
        .unwrap_or(ANY)
}

/// The plan-time check: `types[i]` is the type of argument `i` when it is
/// known (a literal, or a variable bound to a node, relationship or path),
/// `None` otherwise. A known type the function never accepts is a SyntaxError
/// `InvalidArgumentType`. Unknown functions pass (the planner reports those
/// with [`exists`]).
pub fn check_static(name: &str, types: &[Option<ValueType>]) -> Result<(), QueryError> {
    let Some(s) = signature(name) else {
        return Ok(());
    };
    if s.checked != Checked::Both {
        return Ok(());
    }
    for (i, t) in types.iter().enumerate() {
        if let Some(t) = t
            && !accepts(s, i).contains(*t)
        {
            return Err(error(
                ErrorCode::InvalidArgumentType,
                format!(
                    "{}() does not accept {} {} as argument {}",
                    s.name,
                    article(type_word(*t)),
                    type_word(*t),
                    i + 1
                ),
            ));
        }
    }
    Ok(())
}

fn type_word(t: ValueType) -> &'static str {
    match t {
        ValueType::Null => "null",
        ValueType::Bool => "boolean",
        ValueType::Int => "integer",
        ValueType::Float => "float",
        ValueType::String => "string",
        ValueType::List => "list",
        ValueType::Map => "map",
        ValueType::Node => "node",
        ValueType::Relationship => "relationship",
        ValueType::Path => "path",
        ValueType::Date => "date",
    }
}

/// Calls the scalar function `name` (any case) on evaluated arguments.
pub fn call(name: &str, args: Vec<Value>, graph: &Graph) -> Result<Value, QueryError> {
    let Some(s) = signature(name) else {
        return Err(error(
            ErrorCode::UnknownFunction,
            format!("unknown function {name}()"),
        ));
    };
    if args.len() < s.min || args.len() > s.max {
        return Err(error(
            ErrorCode::InvalidArgumentType,
            format!(
                "{}() takes {}, not {}",
                s.name,
                arity_text(s.min, s.max),
                args.len()
            ),
        ));
    }
    for (i, a) in args.iter().enumerate() {
        let t = ValueType::of(a);
        if !accepts(s, i).contains(t) {
            let code = match s.checked {
                Checked::Both => ErrorCode::InvalidArgumentValue,
                Checked::RuntimeArgument => ErrorCode::ArgumentInvalidArgumentType,
            };
            return Err(error(
                code,
                format!(
                    "{}() does not accept {} as argument {}",
                    s.name,
                    describe(a),
                    i + 1
                ),
            ));
        }
    }
    match s.name {
        "coalesce" => Ok(args
            .into_iter()
            .find(|a| !a.is_null())
            .unwrap_or(Value::Null)),
        "exists" => Ok(Value::Bool(args.iter().all(|a| !a.is_null()))),
        _ if args.iter().any(Value::is_null) => Ok(Value::Null),
        name => dispatch(name, args, graph),
    }
}

fn arity_text(min: usize, max: usize) -> String {
    match (min, max) {
        (a, b) if a == b => format!("{a} argument{}", if a == 1 { "" } else { "s" }),
        (a, usize::MAX) => format!("at least {a} argument{}", if a == 1 { "" } else { "s" }),
        (a, b) => format!("{a} to {b} arguments"),
    }
}

/// "an" before a vowel, else "a".
fn article(word: &str) -> &'static str {
    if word.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

/// A short description of a value for error messages: its type, and the
/// value itself when it is short.
fn describe(v: &Value) -> String {
    match v {
        Value::Node(_) | Value::Relationship(_) | Value::Path(_) => {
            format!("{} {}", article(v.type_name()), v.type_name())
        }
        _ => {
            let text = v.to_string();
            if text.chars().count() <= 40 {
                format!("the {} {text}", v.type_name())
            } else {
                format!("{} {}", article(v.type_name()), v.type_name())
            }
        }
    }
}

/// The arguments, known to be of the accepted types and non-null.
fn dispatch(name: &str, args: Vec<Value>, graph: &Graph) -> Result<Value, QueryError> {
    let mut args = args.into_iter();
    let mut next = || args.next().unwrap_or(Value::Null);
    let a = next();
    Ok(match name {
        "id" => match a {
            Value::Node(n) => Value::Int(i64::from(n.0)),
            Value::Relationship(r) => Value::Int(i64::from(r.0)),
            _ => Value::Null,
        },
        "labels" => {
            if let Value::Node(n) = a
                && let Some(label) = graph.sole_label(n)
            {
                return Ok(Value::List(vec![Value::string(graph.resolve(label))]));
            }
            let node = node_of(graph, &a)?;
            Value::List(node.labels().map(Value::string).collect())
        }
        "type" => Value::string(edge_of(graph, &a)?.edge_type()),
        "properties" => match a {
            Value::Map(m) => Value::Map(m),
            entity => Value::Map(Box::new(entity_properties(graph, &entity)?)),
        },
        "keys" => match a {
            Value::Map(m) => Value::List(m.keys().map(|k| Value::String(k.into())).collect()),
            entity => Value::List(
                entity_properties(graph, &entity)?
                    .into_keys()
                    .map(|k| Value::String(k.into()))
                    .collect(),
            ),
        },
        "startnode" => Value::Node(edge_of(graph, &a)?.source()),
        "endnode" => Value::Node(edge_of(graph, &a)?.target()),
        "nodes" => match a {
            Value::Path(p) => Value::List(p.nodes.into_iter().map(Value::Node).collect()),
            _ => Value::Null,
        },
        "relationships" => match a {
            Value::Path(p) => Value::List(
                p.relationships
                    .into_iter()
                    .map(Value::Relationship)
                    .collect(),
            ),
            _ => Value::Null,
        },
        "length" => match a {
            Value::Path(p) => Value::Int(len_i64(p.relationships.len())),
            _ => Value::Null,
        },
        "size" => match a {
            Value::List(l) => Value::Int(len_i64(l.len())),
            Value::String(s) => Value::Int(len_i64(s.chars().count())),
            _ => Value::Null,
        },
        "isempty" => match a {
            Value::List(l) => Value::Bool(l.is_empty()),
            Value::String(s) => Value::Bool(s.is_empty()),
            Value::Map(m) => Value::Bool(m.is_empty()),
            _ => Value::Null,
        },
        "head" => match a {
            Value::List(l) => l.into_iter().next().unwrap_or(Value::Null),
            _ => Value::Null,
        },
        "last" => match a {
            Value::List(l) => l.into_iter().next_back().unwrap_or(Value::Null),
            _ => Value::Null,
        },
        "tail" => match a {
            Value::List(l) => Value::List(l.into_iter().skip(1).collect()),
            _ => Value::Null,
        },
        "range" => {
            let end = next();
            let step = match next() {
                Value::Null => Value::Int(1),
                step => step,
            };
            range(&a, &end, &step)?
        }
        "reverse" => match a {
            Value::List(mut l) => {
                l.reverse();
                Value::List(l)
            }
            Value::String(s) => Value::string(s.chars().rev().collect::<String>()),
            _ => Value::Null,
        },
        "tostring" | "tostringornull" => to_string(&a),
        "tointeger" | "tointegerornull" => to_integer(&a)?,
        "tofloat" | "tofloatornull" => to_float(&a),
        "toboolean" | "tobooleanornull" => to_boolean(&a),
        "toupper" => map_str(&a, |s| s.to_uppercase()),
        "tolower" => map_str(&a, |s| s.to_lowercase()),
        "trim" => map_str(&a, |s| s.trim().to_string()),
        "ltrim" => map_str(&a, |s| s.trim_start().to_string()),
        "rtrim" => map_str(&a, |s| s.trim_end().to_string()),
        "substring" => {
            let start = non_negative(name, &next(), "start")?;
            let len = match next() {
                Value::Null => usize::MAX,
                len => non_negative(name, &len, "length")?,
            };
            map_str(&a, |s| s.chars().skip(start).take(len).collect())
        }
        "left" => {
            let n = non_negative(name, &next(), "length")?;
            map_str(&a, |s| s.chars().take(n).collect())
        }
        "right" => {
            let n = non_negative(name, &next(), "length")?;
            map_str(&a, |s| {
                let count = s.chars().count();
                s.chars().skip(count.saturating_sub(n)).collect()
            })
        }
        "split" => split(&a, &next()),
        "replace" => {
            let (search, with) = (next(), next());
            match (&a, &search, &with) {
                (Value::String(s), Value::String(f), Value::String(t)) => {
                    Value::string(s.replace(&**f, t))
                }
                _ => Value::Null,
            }
        }
        "abs" => match a {
            Value::Int(i) => Value::Int(i.checked_abs().ok_or_else(|| {
                error(
                    ErrorCode::NumberOutOfRange,
                    format!("abs({i}) does not fit in a 64-bit integer"),
                )
            })?),
            Value::Float(f) => Value::Float(f.abs()),
            _ => Value::Null,
        },
        "ceil" => float_fn(&a, f64::ceil),
        "floor" => float_fn(&a, f64::floor),
        "round" => round(&a, &next(), &next())?,
        "sign" => match a {
            Value::Int(i) => Value::Int(i.signum()),
            Value::Float(f) if f.is_nan() => Value::Int(0),
            Value::Float(f) => Value::Int(if f > 0.0 {
                1
            } else if f < 0.0 {
                -1
            } else {
                0
            }),
            _ => Value::Null,
        },
        "sqrt" => float_fn(&a, f64::sqrt),
        "exp" => float_fn(&a, f64::exp),
        "log" => float_fn(&a, f64::ln),
        "log10" => float_fn(&a, f64::log10),
        "sin" => float_fn(&a, f64::sin),
        "cos" => float_fn(&a, f64::cos),
        "tan" => float_fn(&a, f64::tan),
        "cot" => float_fn(&a, |x| 1.0 / x.tan()),
        "asin" => float_fn(&a, f64::asin),
        "acos" => float_fn(&a, f64::acos),
        "atan" => float_fn(&a, f64::atan),
        "atan2" => match (as_f64(&a), as_f64(&next())) {
            (Some(y), Some(x)) => Value::Float(y.atan2(x)),
            _ => Value::Null,
        },
        "degrees" => float_fn(&a, f64::to_degrees),
        "radians" => float_fn(&a, f64::to_radians),
        "haversin" => float_fn(&a, |x| (1.0 - x.cos()) / 2.0),
        "pi" => Value::Float(std::f64::consts::PI),
        "e" => Value::Float(std::f64::consts::E),
        "rand" => Value::Float(random_unit()),
        "timestamp" => Value::Int(now_millis()),
        "date" => calendar::date(&a)?,
        other => {
            return Err(error(
                ErrorCode::UnknownFunction,
                format!("unknown function {other}()"),
            ));
        }
    })
}

fn len_i64(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

fn node_of<'g>(graph: &'g Graph, v: &Value) -> Result<crate::graph::NodeRef<'g>, QueryError> {
    let Value::Node(id) = v else {
        return Err(error(
            ErrorCode::InvalidArgumentValue,
            format!("expected a node, found {}", describe(v)),
        ));
    };
    graph.node(*id).ok_or_else(|| deleted("node", id.0))
}

fn edge_of<'g>(graph: &'g Graph, v: &Value) -> Result<crate::graph::EdgeRef<'g>, QueryError> {
    let Value::Relationship(id) = v else {
        return Err(error(
            ErrorCode::InvalidArgumentValue,
            format!("expected a relationship, found {}", describe(v)),
        ));
    };
    graph.edge(*id).ok_or_else(|| deleted("relationship", id.0))
}

fn deleted(what: &str, id: u32) -> QueryError {
    error(
        ErrorCode::DeletedEntityAccess,
        format!("{what} {id} has been deleted"),
    )
}

/// The properties of a node or relationship, in stored order.
pub fn entity_properties(
    graph: &Graph,
    entity: &Value,
) -> Result<IndexMap<Arc<str>, Value>, QueryError> {
    let props = match entity {
        Value::Node(n) => node_of(graph, &Value::Node(*n))?.properties(),
        Value::Relationship(r) => edge_of(graph, &Value::Relationship(*r))?.properties(),
        other => {
            return Err(error(
                ErrorCode::InvalidArgumentValue,
                format!(
                    "expected a node or a relationship, found {}",
                    describe(other)
                ),
            ));
        }
    };
    Ok(props
        .iter()
        .map(|(k, v)| (Arc::from(graph.resolve(k)), Value::from_property(v)))
        .collect())
}

fn range(start: &Value, end: &Value, step: &Value) -> Result<Value, QueryError> {
    let (Value::Int(start), Value::Int(end), Value::Int(step)) = (start, end, step) else {
        return Ok(Value::Null);
    };
    if *step == 0 {
        return Err(error(
            ErrorCode::NumberOutOfRange,
            "range() needs a step other than 0",
        ));
    }
    let (start, end, step) = (i128::from(*start), i128::from(*end), i128::from(*step));
    let count = if (step > 0 && start > end) || (step < 0 && start < end) {
        0
    } else {
        (end - start) / step + 1
    };
    if count > MAX_RANGE_LEN {
        return Err(error(
            ErrorCode::NumberOutOfRange,
            format!("range() would make {count} elements; the most it makes is {MAX_RANGE_LEN}"),
        ));
    }
    // Every element lies between start and end, so it fits in an i64.
    Ok(Value::List(
        (0..count)
            .map(|i| Value::Int(i64::try_from(start + i * step).unwrap_or(i64::MAX)))
            .collect(),
    ))
}

fn to_string(v: &Value) -> Value {
    match v {
        Value::String(_) => v.clone(),
        Value::Int(i) => Value::string(i.to_string()),
        Value::Float(f) => Value::string(format_float(*f)),
        Value::Bool(b) => Value::string(b.to_string()),
        Value::Date(d) => Value::string(d.to_string()),
        _ => Value::Null,
    }
}

fn to_integer(v: &Value) -> Result<Value, QueryError> {
    Ok(match v {
        Value::Int(_) => v.clone(),
        Value::Bool(b) => Value::Int(i64::from(*b)),
        Value::Float(f) => float_to_int(*f),
        Value::String(s) => {
            let s = s.trim();
            match s.parse::<i64>() {
                Ok(i) => Value::Int(i),
                Err(_) => match s.parse::<f64>() {
                    Ok(f) if s.bytes().any(|b| b.is_ascii_digit()) => float_to_int(f),
                    _ => Value::Null,
                },
            }
        }
        _ => Value::Null,
    })
}

/// Truncates toward zero; NaN and floats beyond the integer range have no
/// integer and give null.
fn float_to_int(f: f64) -> Value {
    const TWO_POW_63: f64 = 9_223_372_036_854_775_808.0;
    if !(-TWO_POW_63..TWO_POW_63).contains(&f) {
        Value::Null
    } else {
        Value::Int(f.trunc() as i64)
    }
}

fn to_float(v: &Value) -> Value {
    match v {
        Value::Float(_) => v.clone(),
        Value::Int(i) => Value::Float(*i as f64),
        Value::String(s) => {
            let s = s.trim();
            // Rust also reads `inf` and `nan`; Cypher's toFloat reads only
            // decimal numbers, and the spelled-out words Java accepts.
            let numeric = s.bytes().any(|b| b.is_ascii_digit())
                || matches!(s, "NaN" | "Infinity" | "+Infinity" | "-Infinity");
            match s.parse::<f64>() {
                Ok(f) if numeric => Value::Float(f),
                _ => Value::Null,
            }
        }
        _ => Value::Null,
    }
}

fn to_boolean(v: &Value) -> Value {
    match v {
        Value::Bool(_) => v.clone(),
        Value::Int(i) => Value::Bool(*i != 0),
        Value::String(s) => {
            let s = s.trim();
            if s.eq_ignore_ascii_case("true") {
                Value::Bool(true)
            } else if s.eq_ignore_ascii_case("false") {
                Value::Bool(false)
            } else {
                Value::Null
            }
        }
        _ => Value::Null,
    }
}

fn map_str(v: &Value, f: impl FnOnce(&str) -> String) -> Value {
    match v {
        Value::String(s) => Value::string(f(s)),
        _ => Value::Null,
    }
}

fn non_negative(function: &str, v: &Value, what: &str) -> Result<usize, QueryError> {
    match v {
        Value::Int(i) if *i >= 0 => Ok(usize::try_from(*i).unwrap_or(usize::MAX)),
        Value::Int(i) => Err(error(
            ErrorCode::NegativeIntegerArgument,
            format!("{function}() needs a {what} of 0 or more, found {i}"),
        )),
        other => Err(error(
            ErrorCode::InvalidArgumentValue,
            format!(
                "{function}() needs an integer {what}, found {}",
                describe(other)
            ),
        )),
    }
}

fn split(s: &Value, delimiter: &Value) -> Value {
    let Value::String(s) = s else {
        return Value::Null;
    };
    let delimiters: Vec<&str> = match delimiter {
        Value::String(d) => vec![d],
        Value::List(items) => {
            let mut out = Vec::with_capacity(items.len());
            for item in items {
                match item {
                    Value::String(d) => out.push(&**d),
                    _ => return Value::Null,
                }
            }
            out
        }
        _ => return Value::Null,
    };
    let delimiters: Vec<&str> = delimiters.into_iter().filter(|d| !d.is_empty()).collect();
    if delimiters.is_empty() {
        // An empty delimiter splits between characters, as in Java.
        return Value::List(s.chars().map(|c| Value::string(c.to_string())).collect());
    }
    let mut parts = Vec::new();
    let mut rest: &str = s;
    'outer: loop {
        for (i, _) in rest.char_indices() {
            if let Some(d) = delimiters.iter().find(|d| rest[i..].starts_with(**d)) {
                parts.push(Value::string(&rest[..i]));
                rest = &rest[i + d.len()..];
                continue 'outer;
            }
        }
        parts.push(Value::string(rest));
        break;
    }
    Value::List(parts)
}

fn as_f64(v: &Value) -> Option<f64> {
    match v {
        Value::Int(i) => Some(*i as f64),
        Value::Float(f) => Some(*f),
        _ => None,
    }
}

fn float_fn(v: &Value, f: impl FnOnce(f64) -> f64) -> Value {
    as_f64(v).map_or(Value::Null, |x| Value::Float(f(x)))
}

/// `round(x)` rounds half up (toward positive infinity), as Java's
/// `Math.round` does; `round(x, precision[, mode])` rounds to `precision`
/// decimals with a `java.math.RoundingMode` (default `HALF_UP`: half away
/// from zero).
fn round(x: &Value, precision: &Value, mode: &Value) -> Result<Value, QueryError> {
    let Some(x) = as_f64(x) else {
        return Ok(Value::Null);
    };
    if precision.is_null() {
        let r = x.round();
        let r = if (r - x).abs() == 0.5 { x.ceil() } else { r };
        return Ok(Value::Float(r));
    }
    let precision = match precision {
        Value::Int(p) => i32::try_from(*p).unwrap_or(if *p < 0 { i32::MIN } else { i32::MAX }),
        _ => return Ok(Value::Null),
    };
    let mode = match mode {
        Value::Null => "HALF_UP".to_string(),
        Value::String(m) => m.to_ascii_uppercase(),
        _ => return Ok(Value::Null),
    };
    if !x.is_finite() || precision > 300 {
        return Ok(Value::Float(x));
    }
    let scale = 10f64.powi(precision.max(-300));
    let y = x * scale;
    let (lo, hi) = (y.floor(), y.ceil());
    let fraction = y - lo;
    let away = if y >= 0.0 { hi } else { lo };
    let toward = if y >= 0.0 { lo } else { hi };
    let r = match mode.as_str() {
        "UP" => away,
        "DOWN" => toward,
        "CEILING" => hi,
        "FLOOR" => lo,
        "HALF_UP" | "HALF_DOWN" | "HALF_EVEN" if fraction != 0.5 => y.round(),
        "HALF_UP" => away,
        "HALF_DOWN" => toward,
        "HALF_EVEN" => {
            if lo % 2.0 == 0.0 {
                lo
            } else {
                hi
            }
        }
        _ => {
            return Err(error(
                ErrorCode::InvalidArgumentValue,
                format!("round() does not know the rounding mode {mode}"),
            ));
        }
    };
    Ok(Value::Float(r / scale))
}

thread_local! {
    /// xorshift64* state, seeded from the standard library's per-process
    /// random hash keys (no dependency needed for `rand()`).
    static RNG: Cell<u64> = Cell::new(RandomState::new().build_hasher().finish() | 1);
}

/// A uniformly distributed float in `[0, 1)`.
fn random_unit() -> f64 {
    RNG.with(|state| {
        let mut x = state.get();
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        state.set(x);
        let bits = x.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11;
        bits as f64 / (1u64 << 53) as f64
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::PropertyValue;
    use crate::query::value::Path;

    fn run(name: &str, args: Vec<Value>) -> Result<Value, QueryError> {
        call(name, args, &Graph::new())
    }

    fn ok(name: &str, args: Vec<Value>) -> String {
        run(name, args).unwrap().to_string()
    }

    fn code(name: &str, args: Vec<Value>) -> ErrorCode {
        run(name, args).unwrap_err().code
    }

    fn s(text: &str) -> Value {
        Value::from(text)
    }

    fn ints(items: &[i64]) -> Value {
        Value::List(items.iter().map(|i| Value::Int(*i)).collect())
    }

    #[test]
    fn names_are_case_insensitive_and_classified() {
        assert!(exists("toUpper") && exists("COUNT") && !exists("foo"));
        assert!(is_aggregate("percentileDisc") && !is_aggregate("size"));
        assert_eq!(arity("range"), Some((2, 3)));
        assert_eq!(arity("coalesce"), Some((1, usize::MAX)));
        assert_eq!(ok("ToUpper", vec![s("abc")]), "'ABC'");
        assert_eq!(code("foo", vec![]), ErrorCode::UnknownFunction);
        assert_eq!(code("size", vec![]), ErrorCode::InvalidArgumentType);
    }

    #[test]
    fn entity_functions_read_the_graph() {
        let mut g = Graph::new();
        let a = g.add_node(["Foo", "Bar"], [("name", PropertyValue::from("A"))]);
        let b = g.add_node(["Foo"], []);
        let r = g
            .add_edge(a, b, "T", [("w", PropertyValue::from(2i64))])
            .unwrap();
        let call = |name: &str, v: Value| call(name, vec![v], &g).unwrap().to_string();
        assert_eq!(call("labels", Value::Node(a)), "['Foo', 'Bar']");
        assert_eq!(call("id", Value::Relationship(r)), r.0.to_string());
        assert_eq!(call("type", Value::Relationship(r)), "'T'");
        assert_eq!(call("properties", Value::Node(a)), "{name: 'A'}");
        assert_eq!(call("keys", Value::Relationship(r)), "['w']");
        assert_eq!(
            call("startNode", Value::Relationship(r)),
            format!("(#{})", a.0)
        );
        assert_eq!(
            call("endNode", Value::Relationship(r)),
            format!("(#{})", b.0)
        );
        let p = Value::Path(Box::new(Path {
            nodes: vec![a, b],
            relationships: vec![r],
        }));
        assert_eq!(call("length", p.clone()), "1");
        assert_eq!(
            call("nodes", p.clone()),
            format!("[(#{}), (#{})]", a.0, b.0)
        );
        assert_eq!(call("relationships", p), format!("[[#{}]]", r.0));
        assert_eq!(call("labels", Value::Null), "null");
        g.detach_remove_node(a).unwrap();
        let gone = super::call("labels", vec![Value::Node(a)], &g).unwrap_err();
        assert_eq!(gone.code, ErrorCode::DeletedEntityAccess);
    }

    #[test]
    fn wrong_types_fail_at_run_time_and_at_plan_time() {
        assert_eq!(
            code("labels", vec![Value::Int(1)]),
            ErrorCode::InvalidArgumentValue
        );
        assert_eq!(
            code("toInteger", vec![ints(&[])]),
            ErrorCode::InvalidArgumentValue
        );
        assert_eq!(
            code("toFloat", vec![Value::Bool(true)]),
            ErrorCode::InvalidArgumentValue
        );
        assert_eq!(
            code("toBoolean", vec![Value::Float(1.0)]),
            ErrorCode::InvalidArgumentValue
        );
        assert_eq!(
            code("toString", vec![Value::Map(Box::default())]),
            ErrorCode::InvalidArgumentValue
        );
        let known = |t| check_static("properties", &[Some(t)]).map_err(|e| e.code);
        assert_eq!(known(ValueType::Int), Err(ErrorCode::InvalidArgumentType));
        assert_eq!(known(ValueType::Map), Ok(()));
        assert_eq!(known(ValueType::Null), Ok(()));
        assert!(check_static("labels", &[Some(ValueType::Path)]).is_err());
        assert!(check_static("labels", &[None]).is_ok());
        // range's argument types are checked only when it runs.
        assert!(check_static("range", &[Some(ValueType::Bool), Some(ValueType::Int)]).is_ok());
        assert_eq!(
            code("range", vec![Value::Bool(true), Value::Int(1)]),
            ErrorCode::ArgumentInvalidArgumentType
        );
        assert_eq!(
            code("range", vec![Value::Float(0.0), Value::Int(1)]),
            ErrorCode::ArgumentInvalidArgumentType
        );
    }

    #[test]
    fn range_counts_with_a_step() {
        let r = |a, b, c| ok("range", vec![Value::Int(a), Value::Int(b), Value::Int(c)]);
        assert_eq!(r(1381, -3412, -1298), "[1381, 83, -1215, -2513]");
        assert_eq!(r(-10, 10, 3), "[-10, -7, -4, -1, 2, 5, 8]");
        assert_eq!(r(0, 1, -1), "[]");
        assert_eq!(r(0, 0, -1), "[0]");
        assert_eq!(
            ok("range", vec![Value::Int(0), Value::Int(3)]),
            "[0, 1, 2, 3]"
        );
        assert_eq!(
            code("range", vec![Value::Int(2), Value::Int(8), Value::Int(0)]),
            ErrorCode::NumberOutOfRange
        );
        assert_eq!(
            code("range", vec![Value::Int(i64::MIN), Value::Int(i64::MAX)]),
            ErrorCode::NumberOutOfRange
        );
        assert_eq!(r(i64::MAX - 1, i64::MAX, 5), format!("[{}]", i64::MAX - 1));
    }

    #[test]
    fn conversions() {
        assert_eq!(ok("toString", vec![Value::Float(2.3)]), "'2.3'");
        assert_eq!(ok("toString", vec![Value::Float(3.0)]), "'3.0'");
        assert_eq!(ok("toString", vec![Value::Bool(true)]), "'true'");
        assert_eq!(ok("toInteger", vec![Value::Float(82.9)]), "82");
        assert_eq!(ok("toInteger", vec![Value::Float(-2.9)]), "-2");
        assert_eq!(ok("toInteger", vec![s("1.7")]), "1");
        assert_eq!(ok("toInteger", vec![s(" 42 ")]), "42");
        assert_eq!(ok("toInteger", vec![s("foo")]), "null");
        assert_eq!(ok("toInteger", vec![s("")]), "null");
        assert_eq!(ok("toInteger", vec![s("inf")]), "null");
        assert_eq!(ok("toFloat", vec![s("5")]), "5.0");
        assert_eq!(ok("toFloat", vec![s("nan")]), "null");
        assert_eq!(ok("toFloat", vec![Value::Int(3)]), "3.0");
        assert_eq!(ok("toBoolean", vec![s("TRUE")]), "true");
        assert_eq!(ok("toBoolean", vec![s(" tru ")]), "null");
        assert_eq!(ok("toBoolean", vec![Value::Int(0)]), "false");
        assert_eq!(ok("toIntegerOrNull", vec![ints(&[1])]), "null");
        assert_eq!(ok("toStringOrNull", vec![Value::Int(1)]), "'1'");
    }

    #[test]
    fn strings() {
        assert_eq!(
            ok("substring", vec![s("0123456789"), Value::Int(1)]),
            "'123456789'"
        );
        assert_eq!(
            ok(
                "substring",
                vec![s("0123456789"), Value::Int(1), Value::Int(3)]
            ),
            "'123'"
        );
        assert_eq!(ok("substring", vec![s("ab"), Value::Int(5)]), "''");
        assert_eq!(
            code("substring", vec![s("ab"), Value::Int(-1)]),
            ErrorCode::NegativeIntegerArgument
        );
        assert_eq!(ok("left", vec![s("héllo"), Value::Int(2)]), "'hé'");
        assert_eq!(ok("right", vec![s("héllo"), Value::Int(3)]), "'llo'");
        assert_eq!(ok("reverse", vec![s("raksO")]), "'Oskar'");
        assert_eq!(ok("reverse", vec![ints(&[1, 2])]), "[2, 1]");
        assert_eq!(ok("split", vec![s("one1two"), s("1")]), "['one', 'two']");
        assert_eq!(
            ok("split", vec![s("a,b;c"), Value::List(vec![s(","), s(";")])]),
            "['a', 'b', 'c']"
        );
        assert_eq!(ok("split", vec![s("ab"), s("")]), "['a', 'b']");
        assert_eq!(ok("split", vec![s(",a,"), s(",")]), "['', 'a', '']");
        assert_eq!(ok("replace", vec![s("hello"), s("l"), s("L")]), "'heLLo'");
        assert_eq!(ok("trim", vec![s("  x ")]), "'x'");
        assert_eq!(ok("ltrim", vec![s("  x ")]), "'x '");
        assert_eq!(ok("rtrim", vec![s("  x ")]), "'  x'");
        assert_eq!(ok("toLower", vec![s("ÀB")]), "'àb'");
        assert_eq!(ok("size", vec![s("héllo")]), "5");
        assert_eq!(ok("toUpper", vec![Value::Null]), "null");
        assert_eq!(ok("substring", vec![s("abc"), Value::Null]), "null");
    }

    #[test]
    fn lists_and_nulls() {
        assert_eq!(ok("head", vec![ints(&[1, 2])]), "1");
        assert_eq!(ok("head", vec![ints(&[])]), "null");
        assert_eq!(ok("last", vec![ints(&[1, 2])]), "2");
        assert_eq!(ok("tail", vec![ints(&[1, 2])]), "[2]");
        assert_eq!(ok("tail", vec![ints(&[])]), "[]");
        assert_eq!(ok("size", vec![ints(&[1, 2])]), "2");
        assert_eq!(
            ok(
                "coalesce",
                vec![Value::Null, Value::Null, Value::Int(3), Value::Int(4)]
            ),
            "3"
        );
        assert_eq!(ok("coalesce", vec![Value::Null]), "null");
        assert_eq!(ok("exists", vec![Value::Null]), "false");
    }

    #[test]
    fn mathematics() {
        assert_eq!(ok("abs", vec![Value::Int(-1)]), "1");
        assert_eq!(ok("abs", vec![Value::Float(-1.5)]), "1.5");
        assert_eq!(
            code("abs", vec![Value::Int(i64::MIN)]),
            ErrorCode::NumberOutOfRange
        );
        assert_eq!(ok("sqrt", vec![Value::Float(12.96)]), "3.6");
        assert_eq!(ok("ceil", vec![Value::Float(0.1)]), "1.0");
        assert_eq!(ok("floor", vec![Value::Int(3)]), "3.0");
        assert_eq!(ok("round", vec![Value::Float(2.5)]), "3.0");
        assert_eq!(ok("round", vec![Value::Float(-2.5)]), "-2.0");
        assert_eq!(
            ok("round", vec![Value::Float(1.23456), Value::Int(2)]),
            "1.23"
        );
        assert_eq!(ok("round", vec![Value::Float(-2.5), Value::Int(0)]), "-3.0");
        assert_eq!(
            ok(
                "round",
                vec![Value::Float(2.5), Value::Int(0), s("HALF_EVEN")]
            ),
            "2.0"
        );
        assert_eq!(
            ok(
                "round",
                vec![Value::Float(2.1), Value::Int(0), s("CEILING")]
            ),
            "3.0"
        );
        assert_eq!(ok("sign", vec![Value::Float(-0.5)]), "-1");
        assert_eq!(ok("sign", vec![Value::Int(0)]), "0");
        assert_eq!(ok("log", vec![Value::Int(-1)]), "NaN");
        assert_eq!(ok("atan2", vec![Value::Int(0), Value::Int(1)]), "0.0");
        assert_eq!(ok("pi", vec![]), std::f64::consts::PI.to_string());
        for _ in 0..100 {
            let Value::Float(r) = run("rand", vec![]).unwrap() else {
                panic!("rand() is not a float")
            };
            assert!((0.0..1.0).contains(&r));
        }
    }
}
