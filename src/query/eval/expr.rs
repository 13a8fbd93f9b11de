//! Expression evaluation over one row, with openCypher's three-valued
//! logic: null propagates through operators, `AND`/`OR` absorb it where
//! the other side decides, and comparisons of incomparable values are null.

use super::pattern::{Matcher, walk};
use super::{Ctx, Row};
use crate::graph::Sym;
use crate::query::error::{ErrorCode, QueryError};
use crate::query::functions;
use crate::query::plan::{BinaryOp, Expr, MapItem, PathParts, PropKey, Quantifier, Slot, UnaryOp};
use crate::query::value::Value;
use crate::span::Span;
use std::borrow::Cow;

/// An expression read once per row, sorted out once per operator: most
/// grouping keys, aggregate arguments and projections are a variable or a
/// property of one, read without walking the expression.
#[derive(Clone, Copy)]
pub(super) enum Read<'a> {
    /// The value in a slot.
    Slot(Slot),
    /// A property of the node or relationship in a slot; the whole
    /// expression is evaluated when the slot holds anything else.
    Property(Slot, &'a PropKey, &'a Expr),
    /// `labels(x)` of the variable in a slot: read from the dense label
    /// masks when the node has one label; the whole expression is
    /// evaluated otherwise.
    Labels(Slot, &'a Expr),
    /// Any other expression.
    Expr(&'a Expr),
}

impl<'a> Read<'a> {
    /// How to read `e`.
    pub(super) fn of(e: &'a Expr) -> Read<'a> {
        let mut inner = e;
        while let Expr::Located(_, x) = inner {
            inner = x;
        }
        match inner {
            Expr::Slot(s) => Read::Slot(*s),
            Expr::Property(of, key) => match of.as_slot() {
                Some(s) => Read::Property(s, key, e),
                None => Read::Expr(e),
            },
            Expr::Call { name, args, .. } if name == "labels" => match args.as_slice() {
                [arg] => match Read::of(arg) {
                    Read::Slot(s) => Read::Labels(s, e),
                    _ => Read::Expr(e),
                },
                _ => Read::Expr(e),
            },
            _ => Read::Expr(e),
        }
    }
}

/// A predicate sorted out once per operator: comparisons of variables and
/// their properties, and conjunctions of them, are tested without walking
/// the expression (see [`Read`]).
pub(super) enum Test<'a> {
    /// `a op b` with a comparison `op`; errors reading a side are placed at
    /// the span, when the comparison had one.
    Compare(BinaryOp, Read<'a>, Read<'a>, Option<Span>),
    /// `a op b` of two variables (`p <> x`): nothing to evaluate.
    Slots(BinaryOp, Slot, Slot),
    /// Every one of these holds (each is tested, as `AND` evaluates both
    /// sides).
    All(Vec<Test<'a>>),
    /// Any other predicate.
    Expr(&'a Expr),
}

impl<'a> Test<'a> {
    /// How to test `e`.
    pub(super) fn of(e: &'a Expr) -> Test<'a> {
        Test::within(e, None)
    }

    fn within(e: &'a Expr, span: Option<Span>) -> Test<'a> {
        match e {
            Expr::Located(at, inner) => match Test::within(inner, Some(*at)) {
                Test::Expr(_) => Test::Expr(e),
                t => t,
            },
            Expr::Binary(op, a, b) if is_comparison(*op) => match (Read::of(a), Read::of(b)) {
                (Read::Slot(x), Read::Slot(y)) => Test::Slots(*op, x, y),
                (x, y) => Test::Compare(*op, x, y, span),
            },
            Expr::Binary(BinaryOp::And, a, b) if is_comparisons(a) && is_comparisons(b) => {
                let mut all = Vec::new();
                for side in [a, b] {
                    match Test::within(side, span) {
                        Test::All(inner) => all.extend(inner),
                        t => all.push(t),
                    }
                }
                Test::All(all)
            }
            _ => Test::Expr(e),
        }
    }
}

fn type_error(code: ErrorCode, message: String) -> QueryError {
    QueryError {
        code,
        span: Span::default(),
        message,
    }
}

/// The functions that read an entity's data: calling them on a deleted
/// node or relationship is `DeletedEntityAccess`.
const READS_ENTITY: &[&str] = &["labels", "keys", "properties"];

impl Ctx<'_> {
    /// Evaluates `e` over `row`.
    pub fn eval(&self, e: &Expr, row: &Row) -> Result<Value, QueryError> {
        match e {
            Expr::Literal(v) => Ok(v.clone()),
            Expr::Parameter(name) => self.params.get(name).cloned().ok_or_else(|| QueryError {
                code: ErrorCode::MissingParameter,
                span: Span::default(),
                message: format!("parameter ${name} was not given"),
            }),
            Expr::Slot(s) => Ok(row.get(*s).cloned().unwrap_or(Value::Null)),
            Expr::Property(inner, key) => {
                let v = self.eval_ref(inner, row)?;
                match self.stored_property(&v, || key.sym(self.graph)) {
                    Some(found) => found,
                    None => self.property(&v, key),
                }
            }
            Expr::Index(list, index) => {
                let l = self.eval(list, row)?;
                let i = self.eval(index, row)?;
                self.index(l, i)
            }
            Expr::Slice(list, from, to) => {
                let l = self.eval(list, row)?;
                let from = match from {
                    Some(e) => Some(self.eval(e, row)?),
                    None => None,
                };
                let to = match to {
                    Some(e) => Some(self.eval(e, row)?),
                    None => None,
                };
                slice(l, from, to)
            }
            Expr::List(items) => Ok(Value::List(
                items
                    .iter()
                    .map(|i| self.eval(i, row))
                    .collect::<Result<_, _>>()?,
            )),
            Expr::Map(entries) => {
                let mut map = indexmap::IndexMap::with_capacity(entries.len());
                for (k, e) in entries {
                    map.insert(k.clone(), self.eval(e, row)?);
                }
                Ok(Value::Map(Box::new(map)))
            }
            Expr::Unary(op, inner) => {
                let v = self.eval(inner, row)?;
                match op {
                    UnaryOp::Not => match v {
                        Value::Bool(b) => Ok(Value::Bool(!b)),
                        Value::Null => Ok(Value::Null),
                        other => Err(not_boolean("NOT", &other)),
                    },
                    UnaryOp::Neg => v.neg(),
                    UnaryOp::Plus => match v {
                        Value::Int(_) | Value::Float(_) | Value::Null => Ok(v),
                        other => Err(type_error(
                            ErrorCode::TypeInvalidArgumentType,
                            format!("unary + needs a number, found {}", other.type_name()),
                        )),
                    },
                }
            }
            Expr::Binary(op, a, b) => self.binary(*op, a, b, row),
            Expr::Located(span, inner) => self.eval(inner, row).map_err(at(*span)),
            Expr::IsNull(inner, negated) => {
                let v = self.eval_ref(inner, row)?;
                Ok(Value::Bool(matches!(*v, Value::Null) != *negated))
            }
            Expr::HasLabels(inner, labels) => match self.eval(inner, row)? {
                Value::Null => Ok(Value::Null),
                Value::Node(id) => {
                    let node = self.graph.node(id).ok_or_else(|| deleted_node(id.0))?;
                    Ok(Value::Bool(labels.iter().all(|l| {
                        self.graph.sym(l).is_some_and(|s| node.has_label(s))
                    })))
                }
                other => Err(type_error(
                    ErrorCode::TypeInvalidArgumentType,
                    format!("a label check needs a node, found {}", other.type_name()),
                )),
            },
            Expr::Call { name, args, span } => {
                let mut values = Vec::with_capacity(args.len());
                for a in args {
                    values.push(self.eval(a, row)?);
                }
                if name == "type"
                    && let [Value::Relationship(id)] = values.as_slice()
                    && let Some(t) = self.deleted.edge_types.get(id)
                {
                    return Ok(Value::String(t.into()));
                }
                // A range is checked against the memory budget before it is made.
                let range_len = if name == "range" {
                    range_len(&values)
                } else {
                    0
                };
                self.guard.charge(range_len)?;
                self.guard.release(range_len);
                if READS_ENTITY.contains(&name.as_str()) {
                    for v in &values {
                        self.check_exists(v)?;
                    }
                }
                functions::call(name, values, self.graph).map_err(at(*span))
            }
            Expr::Case {
                operand,
                whens,
                default,
            } => {
                let subject = match operand {
                    Some(o) => Some(self.eval(o, row)?),
                    None => None,
                };
                for (when, then) in whens {
                    let w = self.eval(when, row)?;
                    let hit = match &subject {
                        Some(s) => s.equals(&w) == Some(true),
                        None => matches!(w, Value::Bool(true)),
                    };
                    if hit {
                        return self.eval(then, row);
                    }
                }
                match default {
                    Some(d) => self.eval(d, row),
                    None => Ok(Value::Null),
                }
            }
            Expr::ListComprehension {
                slot,
                list,
                filter,
                map,
            } => {
                let items = match self.eval(list, row)? {
                    Value::List(items) => items,
                    Value::Null => return Ok(Value::Null),
                    other => return Err(not_a_list(&other)),
                };
                let mut local = row.clone();
                let mut out = Vec::with_capacity(items.len());
                // The list being built counts against the memory budget.
                let mut held = 0;
                for item in items {
                    self.guard.tick()?;
                    local[*slot] = item;
                    if let Some(f) = filter
                        && !matches!(self.eval(f, &local)?, Value::Bool(true))
                    {
                        continue;
                    }
                    let v = match map {
                        Some(m) => self.eval(m, &local)?,
                        None => std::mem::replace(&mut local[*slot], Value::Null),
                    };
                    let w = super::weight(&v);
                    self.guard.charge(w)?;
                    held += w;
                    out.push(v);
                }
                self.guard.release(held);
                Ok(Value::List(out))
            }
            Expr::Quantified {
                kind,
                slot,
                list,
                predicate,
            } => {
                let items = match self.eval(list, row)? {
                    Value::List(items) => items,
                    Value::Null => return Ok(Value::Null),
                    other => return Err(not_a_list(&other)),
                };
                let mut local = row.clone();
                let (mut trues, mut falses, mut nulls) = (0usize, 0usize, 0usize);
                for item in items {
                    self.guard.tick()?;
                    local[*slot] = item;
                    match self.eval(predicate, &local)? {
                        Value::Bool(true) => trues += 1,
                        Value::Bool(false) => falses += 1,
                        Value::Null => nulls += 1,
                        other => return Err(not_boolean("a quantifier's predicate", &other)),
                    }
                }
                let _ = falses;
                Ok(match kind {
                    Quantifier::All if falses > 0 => Value::Bool(false),
                    Quantifier::Any if trues > 0 => Value::Bool(true),
                    Quantifier::None if trues > 0 => Value::Bool(false),
                    Quantifier::Single if trues > 1 => Value::Bool(false),
                    _ if nulls > 0 => Value::Null,
                    Quantifier::All => Value::Bool(true),
                    Quantifier::Any => Value::Bool(false),
                    Quantifier::None => Value::Bool(true),
                    Quantifier::Single => Value::Bool(trues == 1),
                })
            }
            Expr::PatternComprehension {
                pattern,
                filter,
                map,
            } => {
                let matcher = Matcher::new(
                    self,
                    std::slice::from_ref(&**pattern),
                    filter.as_deref(),
                    false,
                    &[],
                    row.clone(),
                );
                let mut out = Vec::new();
                for m in matcher {
                    let m = m?;
                    out.push(self.eval(map, &m)?);
                }
                Ok(Value::List(out))
            }
            Expr::Exists { patterns, filter } => {
                let mut matcher =
                    Matcher::new(self, patterns, filter.as_deref(), false, &[], row.clone());
                match matcher.next() {
                    Some(Ok(_)) => Ok(Value::Bool(true)),
                    Some(Err(e)) => Err(e),
                    None => Ok(Value::Bool(false)),
                }
            }
            Expr::Path(parts) => Ok(self.path(parts, row)),
            Expr::ExistsQuery(ops) => {
                let counts: Vec<std::cell::Cell<u64>> =
                    ops.iter().map(|_| std::cell::Cell::new(0)).collect();
                let input: super::RowIter<'_> = Box::new(std::iter::once(Ok(row.clone())));
                let mut rows = super::ops::build(self, ops, input, &counts);
                match rows.next() {
                    Some(Ok(_)) => Ok(Value::Bool(true)),
                    Some(Err(e)) => Err(e),
                    None => Ok(Value::Bool(false)),
                }
            }
            Expr::MapProjection(base, items) => {
                let b = self.eval(base, row)?;
                let props = match &b {
                    Value::Null => return Ok(Value::Null),
                    Value::Map(m) => m.clone(),
                    Value::Node(_) | Value::Relationship(_) => {
                        self.check_exists(&b)?;
                        Box::new(functions::entity_properties(self.graph, &b)?)
                    }
                    other => {
                        return Err(type_error(
                            ErrorCode::TypeInvalidArgumentType,
                            format!(
                                "a map projection needs a map or an entity, found {}",
                                other.type_name()
                            ),
                        ));
                    }
                };
                let mut out = indexmap::IndexMap::new();
                for item in items {
                    match item {
                        MapItem::Property(k) => {
                            out.insert(k.clone(), props.get(k).cloned().unwrap_or(Value::Null));
                        }
                        MapItem::All => {
                            for (k, v) in props.iter() {
                                out.insert(k.clone(), v.clone());
                            }
                        }
                        MapItem::Entry(k, e) => {
                            out.insert(k.clone(), self.eval(e, row)?);
                        }
                    }
                }
                Ok(Value::Map(Box::new(out)))
            }
        }
    }

    /// The path a named pattern's slots describe.
    pub fn path(&self, parts: &PathParts, row: &Row) -> Value {
        let Some(Value::Node(start)) = row.get(parts.start) else {
            return Value::Null;
        };
        let mut chain = Vec::new();
        for &(rel, _) in &parts.hops {
            match row.get(rel) {
                Some(Value::Relationship(e)) => chain.push(*e),
                Some(Value::List(items)) => chain.extend(items.iter().filter_map(|v| match v {
                    Value::Relationship(e) => Some(*e),
                    _ => None,
                })),
                _ => return Value::Null,
            }
        }
        Value::Path(Box::new(walk(self.graph, *start, &chain)))
    }

    fn check_exists(&self, v: &Value) -> Result<(), QueryError> {
        match v {
            Value::Node(id) if self.graph.node(*id).is_none() => Err(deleted_node(id.0)),
            Value::Relationship(id) if self.graph.edge(*id).is_none() => Err(deleted_edge(id.0)),
            _ => Ok(()),
        }
    }

    /// The property of node or relationship `v` under the key `sym` gives
    /// (a key the graph has never seen reads null); `None` when `v` is
    /// neither a node nor a relationship.
    #[inline]
    fn stored_property(
        &self,
        v: &Value,
        sym: impl FnOnce() -> Option<Sym>,
    ) -> Option<Result<Value, QueryError>> {
        let props = match v {
            Value::Node(id) => self.graph.node_props(*id).ok_or_else(|| deleted_node(id.0)),
            Value::Relationship(id) => self.graph.edge_props(*id).ok_or_else(|| deleted_edge(id.0)),
            _ => return None,
        };
        Some(props.map(|props| {
            sym()
                .and_then(|k| props.get(k))
                .map_or(Value::Null, Value::from_property)
        }))
    }

    /// `v.key`.
    pub fn property(&self, v: &Value, key: &str) -> Result<Value, QueryError> {
        if let Some(found) = self.stored_property(v, || self.keys.sym(self.graph, key)) {
            return found;
        }
        match v {
            Value::Null => Ok(Value::Null),
            Value::Map(map) => Ok(map.get(key).cloned().unwrap_or(Value::Null)),
            Value::Date(d) => Ok(match key {
                "year" => Value::Int(i64::from(d.get_year())),
                "month" => d
                    .get_month()
                    .map_or(Value::Null, |m| Value::Int(i64::from(m))),
                "day" => d
                    .get_day()
                    .map_or(Value::Null, |m| Value::Int(i64::from(m))),
                _ => Value::Null,
            }),
            other => Err(type_error(
                ErrorCode::TypeInvalidArgumentType,
                format!("cannot read property `{key}` of a {}", other.type_name()),
            )),
        }
    }

    fn index(&self, container: Value, index: Value) -> Result<Value, QueryError> {
        match (container, index) {
            (Value::Null, _) | (_, Value::Null) => Ok(Value::Null),
            (Value::List(items), Value::Int(i)) => {
                let len = items.len() as i64;
                let i = if i < 0 { i + len } else { i };
                Ok(usize::try_from(i)
                    .ok()
                    .and_then(|i| items.into_iter().nth(i))
                    .unwrap_or(Value::Null))
            }
            (Value::List(_), other) => Err(type_error(
                ErrorCode::TypeInvalidArgumentType,
                format!(
                    "a list index must be an integer, found {}",
                    other.type_name()
                ),
            )),
            (Value::Map(map), Value::String(k)) => Ok(map.get(&*k).cloned().unwrap_or(Value::Null)),
            (v @ (Value::Node(_) | Value::Relationship(_)), Value::String(k)) => {
                self.property(&v, &k)
            }
            (Value::Map(_) | Value::Node(_) | Value::Relationship(_), other) => Err(type_error(
                ErrorCode::MapElementAccessByNonString,
                format!("a map key must be a string, found {}", other.type_name()),
            )),
            (other, _) => Err(type_error(
                ErrorCode::TypeInvalidArgumentType,
                format!("cannot index into a {}", other.type_name()),
            )),
        }
    }

    /// Whether `e` is true over `row` (a `WHERE`): the same answer as
    /// `eval` giving `true`, but comparisons, and conjunctions of them,
    /// are decided without making a value for their result.
    pub fn is_true(&self, e: &Expr, row: &Row) -> Result<bool, QueryError> {
        match e {
            Expr::Binary(op, a, b) if is_comparison(*op) => {
                let x = self.eval_ref(a, row)?;
                let y = self.eval_ref(b, row)?;
                Ok(holds(*op, &x, &y))
            }
            // Both sides are evaluated, as `eval` does, so that an error in
            // either is raised; a comparison is never of the wrong type for
            // `AND`.
            Expr::Binary(BinaryOp::And, a, b) if is_comparisons(a) && is_comparisons(b) => {
                let p = self.is_true(a, row)?;
                let q = self.is_true(b, row)?;
                Ok(p && q)
            }
            Expr::Located(span, inner) => self.is_true(inner, row).map_err(at(*span)),
            _ => Ok(matches!(self.eval(e, row)?, Value::Bool(true))),
        }
    }

    /// Whether `t` holds for `row` (see [`Test`]); null is false.
    pub(super) fn test(&self, t: &Test<'_>, row: &Row) -> Result<bool, QueryError> {
        match t {
            Test::Compare(op, a, b, span) => {
                let placed = |e: QueryError| match span {
                    Some(s) => at(*s)(e),
                    None => e,
                };
                let x = self.read(*a, row).map_err(placed)?;
                let y = self.read(*b, row).map_err(placed)?;
                Ok(holds(*op, &x, &y))
            }
            Test::Slots(op, a, b) => match (row.get(*a), row.get(*b)) {
                (Some(x), Some(y)) => Ok(holds(*op, x, y)),
                _ => Ok(false),
            },
            Test::All(tests) => {
                let mut all = true;
                for t in tests {
                    all &= self.test(t, row)?;
                }
                Ok(all)
            }
            Test::Expr(e) => self.is_true(e, row),
        }
    }

    /// Reads `r` over `row` (see [`Read`]), borrowing a slot's value.
    #[inline(always)]
    pub(super) fn read<'r>(&self, r: Read<'r>, row: &'r Row) -> Result<Cow<'r, Value>, QueryError> {
        static NULL: Value = Value::Null;
        match r {
            Read::Slot(s) => Ok(Cow::Borrowed(row.get(s).unwrap_or(&NULL))),
            Read::Property(s, key, e) => self.read_property(s, key, e, row),
            Read::Labels(s, e) => match row.get(s) {
                Some(Value::Node(n)) if let Some(label) = self.graph.sole_label(*n) => Ok(
                    Cow::Owned(Value::List(vec![Value::string(self.graph.resolve(label))])),
                ),
                _ => self.eval_ref(e, row),
            },
            Read::Expr(e) => self.eval_ref(e, row),
        }
    }

    /// [`Read::Property`].
    fn read_property<'r>(
        &self,
        slot: Slot,
        key: &PropKey,
        e: &'r Expr,
        row: &'r Row,
    ) -> Result<Cow<'r, Value>, QueryError> {
        let stored = row
            .get(slot)
            .and_then(|v| self.stored_property(v, || key.sym(self.graph)));
        match stored {
            Some(Ok(v)) => Ok(Cow::Owned(v)),
            // Null, a map, a deleted entity: the general way, with its
            // errors placed in the statement.
            _ => self.eval_ref(e, row),
        }
    }

    /// Evaluates `e` over `row`, borrowing the value when it is already
    /// there (a slot or a literal) instead of copying it.
    pub(super) fn eval_ref<'r>(
        &self,
        e: &'r Expr,
        row: &'r Row,
    ) -> Result<Cow<'r, Value>, QueryError> {
        static NULL: Value = Value::Null;
        match e {
            Expr::Slot(s) => Ok(Cow::Borrowed(row.get(*s).unwrap_or(&NULL))),
            Expr::Literal(v) => Ok(Cow::Borrowed(v)),
            Expr::Located(span, inner) => self.eval_ref(inner, row).map_err(at(*span)),
            _ => self.eval(e, row).map(Cow::Owned),
        }
    }

    fn binary(&self, op: BinaryOp, a: &Expr, b: &Expr, row: &Row) -> Result<Value, QueryError> {
        let x = self.eval_ref(a, row)?;
        let y = self.eval_ref(b, row)?;
        let (x, y) = (&*x, &*y);
        match op {
            BinaryOp::Add => x.add(y),
            BinaryOp::Sub => x.sub(y),
            BinaryOp::Mul => x.mul(y),
            BinaryOp::Div => x.div(y),
            BinaryOp::Rem => x.rem(y),
            BinaryOp::Pow => x.pow(y),
            BinaryOp::Eq
            | BinaryOp::Ne
            | BinaryOp::Lt
            | BinaryOp::Le
            | BinaryOp::Gt
            | BinaryOp::Ge => Ok(opt_bool(compare(op, x, y))),
            BinaryOp::And | BinaryOp::Or | BinaryOp::Xor => {
                let p = as_bool(x, op)?;
                let q = as_bool(y, op)?;
                Ok(opt_bool(match op {
                    BinaryOp::And => match (p, q) {
                        (Some(false), _) | (_, Some(false)) => Some(false),
                        (Some(true), Some(true)) => Some(true),
                        _ => None,
                    },
                    BinaryOp::Or => match (p, q) {
                        (Some(true), _) | (_, Some(true)) => Some(true),
                        (Some(false), Some(false)) => Some(false),
                        _ => None,
                    },
                    _ => match (p, q) {
                        (Some(p), Some(q)) => Some(p != q),
                        _ => None,
                    },
                }))
            }
            BinaryOp::In => match y {
                Value::Null => Ok(Value::Null),
                Value::List(items) => {
                    let mut unknown = false;
                    for item in items {
                        match x.equals(item) {
                            Some(true) => return Ok(Value::Bool(true)),
                            Some(false) => {}
                            None => unknown = true,
                        }
                    }
                    Ok(if unknown {
                        Value::Null
                    } else {
                        Value::Bool(false)
                    })
                }
                other => Err(type_error(
                    ErrorCode::TypeInvalidArgumentType,
                    format!("IN needs a list on its right, found {}", other.type_name()),
                )),
            },
            BinaryOp::StartsWith | BinaryOp::EndsWith | BinaryOp::Contains => match (x, y) {
                (Value::String(s), Value::String(t)) => Ok(Value::Bool(match op {
                    BinaryOp::StartsWith => s.starts_with(&**t),
                    BinaryOp::EndsWith => s.ends_with(&**t),
                    _ => s.contains(&**t),
                })),
                _ => Ok(Value::Null),
            },
            BinaryOp::Regex => match (x, y) {
                (Value::String(s), Value::String(pattern)) => {
                    let re = super::regex::Regex::new(pattern)
                        .map_err(|m| type_error(ErrorCode::InvalidArgumentValue, m))?;
                    Ok(Value::Bool(re.is_match(s)))
                }
                _ => Ok(Value::Null),
            },
        }
    }
}

/// Gives an error without a position the position `span`.
pub(super) fn at(span: Span) -> impl FnOnce(QueryError) -> QueryError {
    move |mut e| {
        if e.span == Span::default() {
            e.span = span;
        }
        e
    }
}

/// The outcome of an ordering or equality `op`; `None` for null, as for
/// incomparable values.
#[inline]
fn compare(op: BinaryOp, x: &Value, y: &Value) -> Option<bool> {
    match op {
        BinaryOp::Eq => x.equals(y),
        BinaryOp::Ne => x.equals(y).map(|b| !b),
        BinaryOp::Lt => x.less_than(y),
        BinaryOp::Le => x.less_eq(y),
        BinaryOp::Gt => x.greater_than(y),
        _ => x.greater_eq(y),
    }
}

/// Whether `x op y` is true, for a comparison `op`; two nodes or two
/// relationships are equal by id without the general comparison.
#[inline(always)]
fn holds(op: BinaryOp, x: &Value, y: &Value) -> bool {
    let same = match (x, y) {
        (Value::Node(m), Value::Node(n)) => Some(m == n),
        (Value::Relationship(m), Value::Relationship(n)) => Some(m == n),
        _ => None,
    };
    match (op, same) {
        (BinaryOp::Eq, Some(same)) => same,
        (BinaryOp::Ne, Some(same)) => !same,
        (BinaryOp::StartsWith | BinaryOp::EndsWith | BinaryOp::Contains, _) => match (x, y) {
            (Value::String(s), Value::String(t)) => match op {
                BinaryOp::StartsWith => s.starts_with(&**t),
                BinaryOp::EndsWith => s.ends_with(&**t),
                _ => s.contains(&**t),
            },
            // Null, as for any other operand.
            _ => false,
        },
        _ => compare(op, x, y) == Some(true),
    }
}

/// Whether `op` compares two values into a boolean or null, never failing
/// (a test of it reads both sides, and `holds` decides).
fn is_comparison(op: BinaryOp) -> bool {
    matches!(
        op,
        BinaryOp::Eq
            | BinaryOp::Ne
            | BinaryOp::Lt
            | BinaryOp::Le
            | BinaryOp::Gt
            | BinaryOp::Ge
            | BinaryOp::StartsWith
            | BinaryOp::EndsWith
            | BinaryOp::Contains
    )
}

/// Whether `e` is a comparison or a conjunction of comparisons: its value
/// is always a boolean or null.
fn is_comparisons(e: &Expr) -> bool {
    match e {
        Expr::Binary(BinaryOp::And, a, b) => is_comparisons(a) && is_comparisons(b),
        Expr::Binary(op, ..) => is_comparison(*op),
        Expr::Located(_, inner) => is_comparisons(inner),
        _ => false,
    }
}

fn opt_bool(b: Option<bool>) -> Value {
    b.map_or(Value::Null, Value::Bool)
}

fn as_bool(v: &Value, op: BinaryOp) -> Result<Option<bool>, QueryError> {
    match v {
        Value::Bool(b) => Ok(Some(*b)),
        Value::Null => Ok(None),
        other => Err(not_boolean(
            match op {
                BinaryOp::And => "AND",
                BinaryOp::Or => "OR",
                _ => "XOR",
            },
            other,
        )),
    }
}

fn not_boolean(what: &str, v: &Value) -> QueryError {
    type_error(
        ErrorCode::TypeInvalidArgumentType,
        format!("{what} needs booleans, found {}", v.type_name()),
    )
}

fn not_a_list(v: &Value) -> QueryError {
    type_error(
        ErrorCode::TypeInvalidArgumentType,
        format!("expected a list, found {}", v.type_name()),
    )
}

fn deleted_node(id: u32) -> QueryError {
    type_error(
        ErrorCode::DeletedEntityAccess,
        format!("node {id} was deleted"),
    )
}

fn deleted_edge(id: u32) -> QueryError {
    type_error(
        ErrorCode::DeletedEntityAccess,
        format!("relationship {id} was deleted"),
    )
}

/// `list[from..to]`: bounds count from the end when negative, and are
/// clamped to the list.
fn slice(list: Value, from: Option<Value>, to: Option<Value>) -> Result<Value, QueryError> {
    let items = match list {
        Value::Null => return Ok(Value::Null),
        Value::List(items) => items,
        other => {
            return Err(type_error(
                ErrorCode::TypeInvalidArgumentType,
                format!("cannot slice a {}", other.type_name()),
            ));
        }
    };
    let len = items.len() as i64;
    let bound = |v: Option<Value>, default: i64| -> Result<Option<i64>, QueryError> {
        match v {
            None => Ok(Some(default)),
            Some(Value::Null) => Ok(None),
            Some(Value::Int(i)) => Ok(Some(if i < 0 { (len + i).max(0) } else { i.min(len) })),
            Some(other) => Err(type_error(
                ErrorCode::TypeInvalidArgumentType,
                format!(
                    "a slice bound must be an integer, found {}",
                    other.type_name()
                ),
            )),
        }
    };
    let (Some(a), Some(b)) = (bound(from, 0)?, bound(to, len)?) else {
        return Ok(Value::Null);
    };
    if a >= b {
        return Ok(Value::List(Vec::new()));
    }
    Ok(Value::List(
        items
            .into_iter()
            .skip(a as usize)
            .take((b - a) as usize)
            .collect(),
    ))
}

/// How many items `range(start, end[, step])` makes (0 for bad arguments,
/// which the function itself reports).
fn range_len(args: &[Value]) -> usize {
    let step = match args.get(2) {
        None | Some(Value::Null) => 1,
        Some(Value::Int(s)) => *s,
        Some(_) => return 0,
    };
    let (Some(Value::Int(start)), Some(Value::Int(end))) = (args.first(), args.get(1)) else {
        return 0;
    };
    let span = i128::from(*end) - i128::from(*start);
    let step = i128::from(step);
    if step == 0 || (span != 0 && (span > 0) != (step > 0)) {
        return 0;
    }
    usize::try_from(span / step + 1).unwrap_or(usize::MAX)
}
