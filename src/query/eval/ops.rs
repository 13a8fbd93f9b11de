//! The reading operators as row iterators: each takes the rows of the
//! operator before it and yields its own, one at a time.

use std::cell::Cell;
use std::cmp::Ordering;
use std::collections::HashSet;

use indexmap::IndexMap;

use super::pattern::Matcher;
use super::{Ctx, Row};
use crate::query::aggregate::Accumulator;
use crate::query::error::{ErrorCode, QueryError};
use std::sync::Arc;

use crate::graph::{LabelTest, NodeId};
use crate::hash::FastBuild;
use crate::query::plan::{AggregateCall, Expand, Expr, NodeSource, Op, Slot};
use crate::query::value::{HashKey, Value};
use crate::span::Span;

/// A stream of rows, or the error that ended it.
pub type RowIter<'a> = Box<dyn Iterator<Item = Result<Row, QueryError>> + 'a>;

/// Chains the reading operators `ops` over `input`; `counts` receives the
/// rows each operator yields (for `PROFILE`).
pub fn build<'a>(
    ctx: &'a Ctx<'a>,
    ops: &'a [Op],
    input: RowIter<'a>,
    counts: &'a [Cell<u64>],
) -> RowIter<'a> {
    let mut iter = input;
    for (op, count) in ops.iter().zip(counts) {
        let next = one(ctx, op, iter);
        iter = Box::new(next.inspect(move |r| {
            if r.is_ok() {
                count.set(count.get() + 1);
            }
        }));
    }
    iter
}

fn one<'a>(ctx: &'a Ctx<'a>, op: &'a Op, input: RowIter<'a>) -> RowIter<'a> {
    match op {
        Op::Match {
            patterns,
            filter,
            optional,
            new_slots,
            exists_from,
            ..
        } => Box::new(input.flat_map(move |row| -> RowIter<'a> {
            match row {
                Ok(row) => Box::new(
                    Matcher::new(ctx, patterns, filter.as_ref(), *optional, new_slots, row)
                        .existential_from(*exists_from),
                ),
                Err(e) => Box::new(std::iter::once(Err(e))),
            }
        })),
        Op::CountPerNode {
            source,
            node,
            labels,
            expand,
            count,
        } => Box::new(input.flat_map(move |row| -> RowIter<'a> {
            match row {
                Ok(row) => count_per_node(ctx, source, *node, labels, expand, *count, row),
                Err(e) => Box::new(std::iter::once(Err(e))),
            }
        })),
        Op::CountPerType { rel, types, count } => {
            Box::new(input.flat_map(move |row| -> RowIter<'a> {
                match row {
                    Ok(row) => Box::new(count_per_type(ctx, *rel, types, *count, row).into_iter()),
                    Err(e) => Box::new(std::iter::once(Err(e))),
                }
            }))
        }
        Op::Filter(pred) => Box::new(input.filter_map(move |row| match row {
            Ok(row) => match ctx.eval(pred, &row) {
                Ok(Value::Bool(true)) => Some(Ok(row)),
                Ok(_) => None,
                Err(e) => Some(Err(e)),
            },
            Err(e) => Some(Err(e)),
        })),
        Op::Unwind { expr, slot } => Box::new(input.flat_map(move |row| -> RowIter<'a> {
            let row = match row {
                Ok(row) => row,
                Err(e) => return Box::new(std::iter::once(Err(e))),
            };
            let items = match ctx.eval(expr, &row) {
                Ok(Value::List(items)) => items,
                Ok(Value::Null) => Vec::new(),
                Ok(other) => vec![other],
                Err(e) => return Box::new(std::iter::once(Err(e))),
            };
            let slot = *slot;
            Box::new(items.into_iter().map(move |v| {
                ctx.guard.tick()?;
                let mut r = row.clone();
                r[slot] = v;
                Ok(r)
            }))
        })),
        Op::Project { items } => Box::new(input.map(move |row| {
            let mut row = row?;
            for (e, slot) in items {
                let v = ctx.eval(e, &row)?;
                row[*slot] = v;
            }
            Ok(row)
        })),
        Op::Distinct { slots } => {
            let mut seen: HashSet<Vec<HashKey>, FastBuild> = HashSet::default();
            Box::new(input.filter_map(move |row| match row {
                Ok(row) => {
                    let key: Vec<_> = slots.iter().map(|&s| row[s].hash_key()).collect();
                    seen.insert(key).then_some(Ok(row))
                }
                Err(e) => Some(Err(e)),
            }))
        }
        Op::Aggregate {
            keys,
            aggregates,
            items,
        } => lazy(move || aggregate(ctx, input, keys, aggregates, items)),
        Op::Sort { keys, top } => lazy(move || sort(ctx, input, keys, top.as_ref())),
        Op::Skip(e) => match count_arg(ctx, e, "SKIP") {
            Ok(n) => Box::new(input.skip(n)),
            Err(err) => Box::new(std::iter::once(Err(err))),
        },
        Op::Limit(e) => match count_arg(ctx, e, "LIMIT") {
            Ok(n) => Box::new(input.take(n)),
            Err(err) => Box::new(std::iter::once(Err(err))),
        },
        Op::Create { .. } | Op::Merge { .. } | Op::Set(_) | Op::Remove(_) | Op::Delete { .. } => {
            Box::new(std::iter::once(Err(QueryError {
                code: ErrorCode::Unsupported,
                span: Span::default(),
                message: "an updating clause reached the reading pipeline".into(),
            })))
        }
    }
}

/// An iterator that computes its rows on first pull (for the operators that
/// must see all their input: aggregation and sorting).
fn lazy<'a, F>(f: F) -> RowIter<'a>
where
    F: FnOnce() -> Result<Vec<Row>, QueryError> + 'a,
{
    let mut f = Some(f);
    let mut rows: Option<std::vec::IntoIter<Row>> = None;
    Box::new(std::iter::from_fn(move || {
        if let Some(f) = f.take() {
            match f() {
                Ok(r) => rows = Some(r.into_iter()),
                Err(e) => return Some(Err(e)),
            }
        }
        rows.as_mut()?.next().map(Ok)
    }))
}

/// The value of `SKIP` or `LIMIT`: a non-negative integer.
fn count_arg(ctx: &Ctx<'_>, e: &Expr, clause: &str) -> Result<usize, QueryError> {
    let v = ctx.eval(e, &Vec::new())?;
    match v {
        Value::Int(n) if n >= 0 => Ok(usize::try_from(n).unwrap_or(usize::MAX)),
        Value::Int(n) => Err(QueryError {
            code: ErrorCode::NegativeIntegerArgument,
            span: Span::default(),
            message: format!("{clause} needs a non-negative integer, found {n}"),
        }),
        other => Err(QueryError {
            code: ErrorCode::InvalidArgumentType,
            span: Span::default(),
            message: format!("{clause} needs an integer, found {}", other.type_name()),
        }),
    }
}

struct Group {
    row: Row,
    accumulators: Vec<Accumulator>,
}

fn aggregate<'a>(
    ctx: &'a Ctx<'a>,
    input: RowIter<'a>,
    keys: &'a [(Expr, usize)],
    aggregates: &'a [AggregateCall],
    items: &'a [(Expr, usize)],
) -> Result<Vec<Row>, QueryError> {
    let mut groups: IndexMap<Vec<HashKey>, Group, FastBuild> = IndexMap::default();
    // The key and the arguments of one row, reused from row to row: a key
    // is only copied when it starts a new group.
    let mut key = Vec::with_capacity(keys.len());
    let mut args = Vec::with_capacity(aggregates.len());
    // The values that `collect` and the like keep, charged to the budget.
    let keeps: Vec<bool> = aggregates
        .iter()
        .map(|c| {
            matches!(
                c.name.as_str(),
                "collect" | "stdev" | "stdevp" | "percentilecont" | "percentiledisc"
            )
        })
        .collect();
    let mut kept = 0usize;
    for row in input {
        let mut row = row?;
        ctx.guard.tick()?;
        key.clear();
        for (e, slot) in keys {
            let v = ctx.eval(e, &row)?;
            key.push(v.hash_key());
            row[*slot] = v;
        }
        args.clear();
        for call in aggregates {
            args.push(match &call.arg {
                Some(e) => ctx.eval(e, &row)?,
                // `count(*)` counts rows: it is fed a value that is never null.
                None => Value::Bool(true),
            });
        }
        let group = match groups.get_index_of(key.as_slice()) {
            Some(i) => &mut groups[i],
            None => {
                ctx.guard.charge(row.len())?;
                let accumulators = new_accumulators(ctx, aggregates, &row)?;
                let (i, _) = groups.insert_full(key.clone(), Group { row, accumulators });
                &mut groups[i]
            }
        };
        for ((acc, arg), keeps) in group
            .accumulators
            .iter_mut()
            .zip(args.drain(..))
            .zip(&keeps)
        {
            if *keeps && !matches!(arg, Value::Null) {
                let w = super::weight(&arg);
                ctx.guard.charge(w)?;
                kept += w;
            }
            acc.update(arg)?;
        }
    }
    ctx.guard.release(kept);
    // Aggregating nothing without grouping keys still makes one row
    // (`count(*)` is 0, `collect` is []).
    if groups.is_empty() && keys.is_empty() {
        let row = vec![Value::Null; ctx.width];
        let accumulators = new_accumulators(ctx, aggregates, &row)?;
        groups.insert(Vec::new(), Group { row, accumulators });
    }
    let mut out = Vec::with_capacity(groups.len());
    for (_, group) in groups {
        let mut row = group.row;
        for (call, acc) in aggregates.iter().zip(group.accumulators) {
            row[call.slot] = acc.finish()?;
        }
        for (e, slot) in items {
            let v = ctx.eval(e, &row)?;
            row[*slot] = v;
        }
        out.push(row);
    }
    Ok(out)
}

fn new_accumulators(
    ctx: &Ctx<'_>,
    aggregates: &[AggregateCall],
    row: &Row,
) -> Result<Vec<Accumulator>, QueryError> {
    aggregates
        .iter()
        .map(|call| {
            let extra = match &call.extra {
                Some(e) => Some(ctx.eval(e, row)?),
                None => None,
            };
            Accumulator::new(&call.name, call.distinct, extra)
        })
        .collect()
}

/// How many rows are sorted at once between two checks of the deadline.
const SORT_RUN: usize = 1 << 16;

/// A stable sort that checks the statement's deadline and cancellation
/// between runs and while merging them: runs of `SORT_RUN` rows are sorted,
/// then merged pairwise.
fn sort_checked<T>(
    ctx: &Ctx<'_>,
    mut rows: Vec<T>,
    cmp: impl Fn(&T, &T) -> Ordering,
) -> Result<Vec<T>, QueryError> {
    let mut runs: Vec<Vec<T>> = Vec::new();
    while !rows.is_empty() {
        let rest = rows.split_off(rows.len().min(SORT_RUN));
        let mut run = std::mem::replace(&mut rows, rest);
        ctx.guard.check()?;
        run.sort_by(&cmp);
        runs.push(run);
    }
    while runs.len() > 1 {
        let mut merged = Vec::with_capacity(runs.len().div_ceil(2));
        let mut pairs = runs.into_iter();
        while let Some(left) = pairs.next() {
            match pairs.next() {
                Some(right) => merged.push(merge_checked(ctx, left, right, &cmp)?),
                None => merged.push(left),
            }
        }
        runs = merged;
    }
    Ok(runs.pop().unwrap_or_default())
}

/// Merges two sorted runs, the left one first among equals.
fn merge_checked<T>(
    ctx: &Ctx<'_>,
    left: Vec<T>,
    right: Vec<T>,
    cmp: &impl Fn(&T, &T) -> Ordering,
) -> Result<Vec<T>, QueryError> {
    let mut out = Vec::with_capacity(left.len() + right.len());
    let mut left = left.into_iter().peekable();
    let mut right = right.into_iter().peekable();
    loop {
        if out.len() % 4096 == 0 {
            ctx.guard.check()?;
        }
        let take_left = match (left.peek(), right.peek()) {
            (Some(l), Some(r)) => cmp(r, l) != Ordering::Less,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => break,
        };
        let next = if take_left { left.next() } else { right.next() };
        out.extend(next);
    }
    Ok(out)
}

/// A sort key with, for a string, its first 16 bytes as a number: most
/// comparisons then end on two integers in the key itself, without
/// following the strings' pointers (scattered over the heap).
struct SortKey {
    value: Value,
    /// The string's first 16 bytes, big-endian, zero-padded.
    prefix: u128,
}

impl SortKey {
    fn new(value: Value) -> SortKey {
        let prefix = match &value {
            Value::String(s) => {
                let mut bytes = [0u8; 16];
                let head = &s.as_bytes()[..s.len().min(16)];
                bytes[..head.len()].copy_from_slice(head);
                u128::from_be_bytes(bytes)
            }
            _ => 0,
        };
        SortKey { value, prefix }
    }

    /// `Value::order`, by the prefixes where they decide it.
    fn order(&self, other: &SortKey) -> Ordering {
        if let (Value::String(a), Value::String(b)) = (&self.value, &other.value) {
            let by_prefix = self.prefix.cmp(&other.prefix);
            if by_prefix != Ordering::Equal {
                return by_prefix;
            }
            if a.len() <= 16 && b.len() <= 16 {
                // Equal padded prefixes: one is the other plus NUL bytes.
                return a.len().cmp(&b.len());
            }
        }
        self.value.order(&other.value)
    }
}

fn sort<'a>(
    ctx: &'a Ctx<'a>,
    input: RowIter<'a>,
    keys: &'a [(Expr, bool)],
    top: Option<&'a Expr>,
) -> Result<Vec<Row>, QueryError> {
    let top = match top {
        Some(e) => Some(count_arg(ctx, e, "LIMIT")?),
        None => None,
    };
    let cmp = |a: &(Vec<SortKey>, Row), b: &(Vec<SortKey>, Row)| -> Ordering {
        for ((x, y), (_, desc)) in a.0.iter().zip(&b.0).zip(keys) {
            let o = x.order(y);
            let o = if *desc { o.reverse() } else { o };
            if o != Ordering::Equal {
                return o;
            }
        }
        Ordering::Equal
    };
    // With a limit, keep at most about twice the rows asked for: whenever
    // the buffer fills, only its best `k` survive (a top-k in O(n log k)
    // time and O(k) memory).
    let keep = |rows: &mut Vec<(Vec<SortKey>, Row)>, k: usize| {
        if k == 0 {
            rows.clear();
        } else if k < rows.len() {
            rows.select_nth_unstable_by(k - 1, cmp);
            rows.truncate(k);
        }
    };
    let mut rows: Vec<(Vec<SortKey>, Row)> = Vec::new();
    let mut held = 0usize;
    for row in input {
        let row = row?;
        ctx.guard.tick()?;
        let mut k = Vec::with_capacity(keys.len());
        for (e, _) in keys {
            k.push(SortKey::new(ctx.eval(e, &row)?));
        }
        let size = row.len() + k.len();
        rows.push((k, row));
        if let Some(top) = top
            && rows.len() >= top.saturating_mul(2).max(1024)
        {
            keep(&mut rows, top);
            ctx.guard.release(held);
            held = rows.iter().map(|(k, r)| k.len() + r.len()).sum();
            ctx.guard.charge(held)?;
        } else {
            held += size;
            ctx.guard.charge(size)?;
        }
    }
    if let Some(top) = top {
        keep(&mut rows, top);
    }
    ctx.guard.release(held);
    ctx.guard.check()?;
    let rows = sort_checked(ctx, rows, cmp)?;
    Ok(rows.into_iter().map(|(_, r)| r).collect())
}

/// The rows of `Op::CountPerNode` extending `row`: each node of `source`
/// with its labels and at least one matching relationship, with the count.
fn count_per_node<'a>(
    ctx: &'a Ctx<'a>,
    source: &'a NodeSource,
    node: Slot,
    labels: &'a [Arc<str>],
    x: &'a Expand,
    count: Slot,
    row: Row,
) -> RowIter<'a> {
    let g = ctx.graph;
    let tests = |labels: &[Arc<str>]| -> Option<Vec<LabelTest>> {
        labels
            .iter()
            .map(|l| g.sym(l).map(|s| g.label_test(s)))
            .collect()
    };
    let (Some(node_tests), Some(to_tests)) = (tests(labels), tests(&x.to_filter.labels)) else {
        return Box::new(std::iter::empty());
    };
    let ty = match x.types.as_slice() {
        [] => None,
        [one] => match g.sym(one) {
            Some(sym) => Some(sym),
            None => return Box::new(std::iter::empty()),
        },
        _ => return Box::new(std::iter::empty()),
    };
    let nodes: Box<dyn Iterator<Item = NodeId> + 'a> = match source {
        NodeSource::Label(l) => Box::new(g.nodes_with_label(l)),
        _ => Box::new(g.node_ids()),
    };
    let direction = x.direction;
    Box::new(nodes.filter_map(move |n| {
        if let Err(e) = ctx.guard.tick() {
            return Some(Err(e));
        }
        if !node_tests.iter().all(|t| g.passes(n, *t)) {
            return None;
        }
        let c = match ty {
            Some(sym) if to_tests.is_empty() => g.typed_degree(n, direction, sym),
            _ => g
                .edges_at(n, direction, ty)
                .filter(|(_, other)| to_tests.iter().all(|t| g.passes(*other, *t)))
                .count(),
        };
        if c == 0 {
            return None;
        }
        let mut out = row.clone();
        out[node] = Value::Node(n);
        out[count] = Value::Int(i64::try_from(c).unwrap_or(i64::MAX));
        Some(Ok(out))
    }))
}

/// The rows of `Op::CountPerType` extending `row`: one per relationship
/// type in use (of `types`, when given) with one relationship and the count.
fn count_per_type(
    ctx: &Ctx<'_>,
    rel: Slot,
    types: &[Arc<str>],
    count: Slot,
    row: Row,
) -> Vec<Result<Row, QueryError>> {
    let g = ctx.graph;
    g.edge_types()
        .filter(|(t, _)| types.is_empty() || types.iter().any(|w| **w == **t))
        .filter_map(|(t, n)| {
            let first = g.edges_with_type(t).next()?;
            let mut out = row.clone();
            out[rel] = Value::Relationship(first);
            out[count] = Value::Int(i64::try_from(n).unwrap_or(i64::MAX));
            Some(Ok(out))
        })
        .collect()
}
