//! The reading operators as row iterators: each takes the rows of the
//! operator before it and yields its own, one at a time.

use std::cell::Cell;
use std::cmp::Ordering;
use std::collections::{BinaryHeap, HashMap, HashSet};
use std::hash::{Hash, Hasher};

use hashbrown::HashTable;

mod star;

use super::expr::{Read, Test};
use super::pattern::{Matcher, put};
use super::{Ctx, Row, Share};
use crate::query::aggregate::Accumulator;
use crate::query::error::{ErrorCode, QueryError};
use std::sync::Arc;

use crate::graph::{LabelTest, NodeId};
use crate::hash::{FastBuild, FastHasher};
use crate::query::plan::{AggregateCall, Expand, Expr, NodeSource, Op, Slot};
use crate::query::value::{HashKey, Value};
use crate::span::Span;
use star::Star;

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
    build_shared(ctx, ops, input, counts, Share::ALL)
}

/// `build`, with the first operator doing only `share` of its work.
pub fn build_shared<'a>(
    ctx: &'a Ctx<'a>,
    ops: &'a [Op],
    input: RowIter<'a>,
    counts: &'a [Cell<u64>],
    share: Share<'a>,
) -> RowIter<'a> {
    let counted = |iter: RowIter<'a>, count: &'a Cell<u64>| -> RowIter<'a> {
        Box::new(iter.inspect(move |r| {
            if r.is_ok() {
                count.set(count.get() + 1);
            }
        }))
    };
    let mut iter = input;
    let mut i = 0;
    while let Some(op) = ops.get(i) {
        let share = if i == 0 { share } else { Share::ALL };
        // A pattern source feeding a grouping hands it each row by
        // reference: the rows are never copied one by one.
        if let (Some(agg @ Op::Aggregate { .. }), true) = (ops.get(i + 1), pushes_rows(op)) {
            // A sort with a limit after the grouping ranks the groups as
            // they are finished: only the best become rows of their own.
            let then = then_top(ops, i + 2, &counts[i + 1]);
            let fused = fused_aggregate(ctx, op, agg, iter, &counts[i], share, then);
            let skip = if then.is_some() { 3 } else { 2 };
            iter = counted(fused, &counts[i + skip - 1]);
            i += skip;
            continue;
        }
        if let Op::Aggregate {
            keys,
            aggregates,
            items,
        } = op
            && let Some(then) = then_top(ops, i + 1, &counts[i])
        {
            let input = iter;
            iter = counted(
                lazy(move || aggregate(ctx, input, keys, aggregates, items, Some(then))),
                &counts[i + 1],
            );
            i += 2;
            continue;
        }
        iter = counted(one(ctx, op, iter, share), &counts[i]);
        i += 1;
    }
    iter
}

/// Whether `op` can hand its rows to a sink by reference (`push_rows`).
pub fn pushes_rows(op: &Op) -> bool {
    matches!(op, Op::Match { .. } | Op::CountPerNode { .. })
}

/// The rows of `op` (a pattern source, see `pushes_rows`) extending `row`,
/// handed to `sink` by reference until it answers false; `share` of them.
pub fn push_rows<'a>(
    ctx: &'a Ctx<'a>,
    op: &'a Op,
    row: Row,
    share: Share<'a>,
    sink: &mut dyn FnMut(&Row) -> Result<bool, QueryError>,
) -> Result<(), QueryError> {
    match op {
        Op::Match {
            patterns,
            filter,
            optional,
            new_slots,
            exists_from,
            ..
        } => Matcher::new(ctx, patterns, filter.as_ref(), *optional, new_slots, row)
            .existential_from(*exists_from)
            .shared(share)
            .for_each_match(sink),
        Op::CountPerNode {
            source,
            node,
            labels,
            expand,
            count,
        } => {
            let mut row = row;
            for found in PerNodeCounts::new(ctx, source, labels, expand, share) {
                let (n, c) = found?;
                put(&mut row[*node], Value::Node(n));
                put(&mut row[*count], Value::Int(c));
                if !sink(&row)? {
                    break;
                }
            }
            Ok(())
        }
        _ => Err(QueryError {
            code: ErrorCode::Unsupported,
            span: Span::default(),
            message: "an operator that cannot push its rows was asked to".into(),
        }),
    }
}

/// `source` (a pattern source) feeding `agg` (an `Op::Aggregate`), run as
/// one operator: each match is grouped where it is found. `source_count`
/// receives the rows the source made (for `PROFILE`).
fn fused_aggregate<'a>(
    ctx: &'a Ctx<'a>,
    source: &'a Op,
    agg: &'a Op,
    input: RowIter<'a>,
    source_count: &'a Cell<u64>,
    share: Share<'a>,
    then: Option<ThenTop<'a>>,
) -> RowIter<'a> {
    let Op::Aggregate {
        keys,
        aggregates,
        items,
    } = agg
    else {
        return one(ctx, agg, one(ctx, source, input, share), Share::ALL);
    };
    lazy(move || {
        let mut grouping = Grouping::new(ctx, keys, aggregates, items);
        // Counts per node make a row per node of the label, and as a rule
        // (grouping by the node or its name) a group each.
        if let Op::CountPerNode {
            source: NodeSource::Label(l),
            ..
        } = source
            && !share.is_split()
        {
            grouping.reserve(ctx.graph.label_count(l));
        }
        if let Some(star) = Star::of(ctx, source, &grouping, &share) {
            for row in input {
                let matches = star.run(ctx, row?, &mut grouping)?;
                source_count.set(source_count.get() + matches);
            }
            return finish_grouping(ctx, grouping, then);
        }
        let mut input = input;
        let first = input.next();
        let second = input.next();
        // Counts per node of one input row: each node comes once.
        if let (Op::CountPerNode { node, .. }, None) = (source, &second)
            && !share.is_split()
        {
            grouping.rows_of_distinct_nodes(*node);
        }
        for row in first.into_iter().chain(second).chain(input) {
            push_rows(ctx, source, row?, share, &mut |r| {
                source_count.set(source_count.get() + 1);
                grouping.add(r)?;
                Ok(true)
            })?;
        }
        finish_grouping(ctx, grouping, then)
    })
}

/// The result a group's aggregate number `index` must reach to be among
/// the best of a top-k (see `Grouping::top_cut`).
struct TopCut {
    index: usize,
    bar: i64,
    desc: bool,
}

impl TopCut {
    /// Whether the group of `accumulators` reaches the bar (or might: any
    /// result that is not an integer is let through).
    fn admits(&self, accumulators: &[Accumulator]) -> bool {
        match accumulators
            .get(self.index)
            .and_then(Accumulator::int_result)
        {
            Some(v) if self.desc => v >= self.bar,
            Some(v) => v <= self.bar,
            None => true,
        }
    }
}

/// A sort with a limit right after a grouping: its keys, its limit, and
/// the grouping's row count (for `PROFILE`, as the sort takes the
/// grouping's place in the pipeline).
#[derive(Clone, Copy)]
struct ThenTop<'a> {
    keys: &'a [(Expr, bool)],
    limit: &'a Expr,
    groups: &'a Cell<u64>,
}

/// The sort with a limit at `ops[i]`, if there is one, for the grouping
/// before it whose rows `groups` counts.
fn then_top<'a>(ops: &'a [Op], i: usize, groups: &'a Cell<u64>) -> Option<ThenTop<'a>> {
    match ops.get(i) {
        Some(Op::Sort {
            keys,
            top: Some(limit),
        }) => Some(ThenTop {
            keys,
            limit,
            groups,
        }),
        _ => None,
    }
}

/// The rows of a grouping, or with `then` only the best of them.
fn finish_grouping<'a>(
    ctx: &'a Ctx<'a>,
    grouping: Grouping<'a>,
    then: Option<ThenTop<'a>>,
) -> Result<Vec<Row>, QueryError> {
    match then {
        Some(t) => {
            let top = count_arg(ctx, t.limit, "LIMIT")?;
            let (rows, made) = grouping.finish_top(t.keys, top)?;
            t.groups.set(t.groups.get() + made as u64);
            Ok(rows)
        }
        None => grouping.finish(),
    }
}

/// How each of a projection's `items` is read, with its slot.
fn item_reads(items: &[(Expr, usize)]) -> Vec<(Read<'_>, usize)> {
    items.iter().map(|(e, s)| (Read::of(e), *s)).collect()
}

fn one<'a>(ctx: &'a Ctx<'a>, op: &'a Op, input: RowIter<'a>, share: Share<'a>) -> RowIter<'a> {
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
                        .existential_from(*exists_from)
                        .shared(share),
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
                Ok(row) => {
                    let (node, count) = (*node, *count);
                    Box::new(PerNodeCounts::new(ctx, source, labels, expand, share).map(
                        move |found| {
                            let (n, c) = found?;
                            let mut out = row.clone();
                            out[node] = Value::Node(n);
                            out[count] = Value::Int(c);
                            Ok(out)
                        },
                    ))
                }
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
        Op::Filter(pred) => {
            let test = Test::of(pred);
            Box::new(input.filter_map(move |row| match row {
                Ok(row) => match ctx.test(&test, &row) {
                    Ok(true) => Some(Ok(row)),
                    Ok(false) => None,
                    Err(e) => Some(Err(e)),
                },
                Err(e) => Some(Err(e)),
            }))
        }
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
        Op::Project { items } => {
            let reads = item_reads(items);
            Box::new(input.map(move |row| {
                let mut row = row?;
                for (read, slot) in &reads {
                    let v = ctx.read(*read, &row)?.into_owned();
                    row[*slot] = v;
                }
                Ok(row)
            }))
        }
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
        } => lazy(move || aggregate(ctx, input, keys, aggregates, items, None)),
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
pub fn count_arg(ctx: &Ctx<'_>, e: &Expr, clause: &str) -> Result<usize, QueryError> {
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

/// The groups one share of a split pipeline made (see `Grouping::absorb`).
pub struct PartialGroups {
    hashes: Vec<u64>,
    group_keys: Vec<Value>,
    accumulators: Vec<Accumulator>,
    kept: usize,
}

/// The state of an `Op::Aggregate`: its groups so far, fed one row at a
/// time by reference. A group is a number, its index in `groups`; its key
/// values and accumulators sit in flat lists, so that a new group costs no
/// allocation of its own beyond its key.
pub struct Grouping<'a> {
    ctx: &'a Ctx<'a>,
    keys: &'a [(Expr, usize)],
    aggregates: &'a [AggregateCall],
    items: &'a [(Expr, usize)],
    /// The groups by the hash of their keys; a group is its number, in the
    /// order the groups appeared.
    groups: HashTable<u32>,
    /// The hash of each group's key.
    hashes: Vec<u64>,
    /// The key values of every group, `keys.len()` a group.
    group_keys: Vec<Value>,
    /// The accumulators of every group, `aggregates.len()` a group.
    accumulators: Vec<Accumulator>,
    /// The key values of one row, reused from row to row.
    key_values: Vec<Value>,
    /// How each key is read.
    key_reads: Vec<Read<'a>>,
    /// How each aggregate's argument is read (`None` for `count(*)`).
    arg_reads: Vec<Option<Read<'a>>>,
    /// Which aggregates keep their values (`collect` and the like): those
    /// are charged to the memory budget.
    keeps: Vec<bool>,
    kept: usize,
    /// The empty accumulator of each aggregate without a second argument,
    /// made once and copied for each new group.
    prototypes: Vec<Option<Accumulator>>,
    /// When every key is a node or a property of one node (`p.name`): the
    /// slot of that node and the group of each node seen, so that a node
    /// met again finds its group without its keys being read and hashed.
    /// The graph does not change while a grouping is fed, so a node's keys
    /// stay what they were.
    by_node: Option<NodeGroups>,
    /// When every row holds a different node in this slot and the one key
    /// is that node's `name`: a node whose name no other node shares (see
    /// `Graph::has_unique_name`) gets a group of its own without its name
    /// being read, hashed or compared. The name is read when the group
    /// becomes a row, which a top-k spares most groups (see `top_cut`).
    unique_names: Option<Slot>,
    /// The groups made that way, in order, each with its node; their
    /// entries in `group_keys` wait as nulls.
    pending: Vec<(u32, NodeId)>,
}

/// The groups of the nodes a grouping has seen (see `Grouping::by_node`).
struct NodeGroups {
    slot: Slot,
    groups: HashMap<NodeId, u32, FastBuild>,
    rows: usize,
}

impl NodeGroups {
    /// Past this many groups, the memo is dropped if most rows made a group
    /// of their own: then it only costs.
    const TRIAL: usize = 4096;

    /// The memo for `keys`, when they all read one node.
    fn for_keys(keys: &[(Expr, usize)]) -> Option<NodeGroups> {
        fn node_slot(e: &Expr) -> Option<Slot> {
            match e {
                Expr::Property(inner, _) => inner.as_slot(),
                Expr::Located(_, inner) => node_slot(inner),
                other => other.as_slot(),
            }
        }
        let mut slots = keys.iter().map(|(e, _)| node_slot(e));
        let slot = slots.next()??;
        slots.all(|s| s == Some(slot)).then(|| NodeGroups {
            slot,
            groups: HashMap::default(),
            rows: 0,
        })
    }

    /// The node whose group `row` belongs to, if its slot holds one.
    fn node(&self, row: &Row) -> Option<NodeId> {
        match row.get(self.slot) {
            Some(Value::Node(id)) => Some(*id),
            _ => None,
        }
    }
}

impl<'a> Grouping<'a> {
    /// The grouping of `Op::Aggregate { keys, aggregates, items }`.
    pub fn new(
        ctx: &'a Ctx<'a>,
        keys: &'a [(Expr, usize)],
        aggregates: &'a [AggregateCall],
        items: &'a [(Expr, usize)],
    ) -> Grouping<'a> {
        let keeps = aggregates
            .iter()
            .map(|c| {
                matches!(
                    c.name.as_str(),
                    "collect" | "stdev" | "stdevp" | "percentilecont" | "percentiledisc"
                )
            })
            .collect();
        Grouping {
            ctx,
            keys,
            aggregates,
            items,
            groups: HashTable::new(),
            hashes: Vec::new(),
            group_keys: Vec::new(),
            accumulators: Vec::new(),
            key_values: Vec::with_capacity(keys.len()),
            key_reads: keys.iter().map(|(e, _)| Read::of(e)).collect(),
            arg_reads: aggregates
                .iter()
                .map(|c| c.arg.as_ref().map(Read::of))
                .collect(),
            keeps,
            kept: 0,
            prototypes: aggregates
                .iter()
                .map(|c| match c.extra {
                    None => Accumulator::new(&c.name, c.distinct, None).ok(),
                    Some(_) => None,
                })
                .collect(),
            by_node: NodeGroups::for_keys(keys),
            unique_names: None,
            pending: Vec::new(),
        }
    }

    /// Tells the grouping that each of its rows holds a different node in
    /// `slot` (counts per node of one input row); when its one key is that
    /// node's name, nodes with unique names skip the hash table.
    fn rows_of_distinct_nodes(&mut self, slot: Slot) {
        if let [Read::Property(s, key, _)] = self.key_reads.as_slice()
            && *s == slot
            && &***key == crate::graph::NAME_KEY
        {
            self.unique_names = Some(slot);
        }
    }

    /// The group of `row`'s node, when the node was seen before.
    fn known_group(&mut self, row: &Row) -> Option<(NodeId, Option<usize>)> {
        let memo = self.by_node.as_mut()?;
        let node = memo.node(row)?;
        memo.rows += 1;
        Some((node, memo.groups.get(&node).map(|&g| g as usize)))
    }

    /// Remembers that `node`'s rows go to `group`.
    fn remember(&mut self, node: NodeId, group: usize) {
        if let Some(memo) = &mut self.by_node {
            memo.groups.insert(node, group as u32);
            if memo.groups.len() >= NodeGroups::TRIAL && memo.groups.len() * 2 > memo.rows {
                self.by_node = None;
            }
        }
    }

    /// Appends the empty accumulators of a new group whose first row is
    /// `row` (which the aggregates' second arguments are read from).
    fn push_accumulators(&mut self, row: &Row) -> Result<(), QueryError> {
        // One count or sum, as a rule: a copy of two words.
        if let [Some(only)] = self.prototypes.as_slice()
            && let Some(fresh) = only.plain_copy()
        {
            self.accumulators.push(fresh);
            return Ok(());
        }
        for (call, prototype) in self.aggregates.iter().zip(&self.prototypes) {
            let accumulator = match prototype {
                Some(p) => p.clone(),
                None => {
                    let extra = match &call.extra {
                        Some(e) => Some(self.ctx.eval(e, row)?),
                        None => None,
                    };
                    Accumulator::new(&call.name, call.distinct, extra)?
                }
            };
            self.accumulators.push(accumulator);
        }
        Ok(())
    }

    /// Starts a group with the current row's key values; its number.
    fn new_group(&mut self, row: &Row, hash: u64) -> Result<usize, QueryError> {
        self.ctx
            .guard
            .charge(self.keys.len() + self.aggregates.len())?;
        let number = self.group_number()?;
        self.push_accumulators(row)?;
        Ok(self.insert_group(hash, number))
    }

    /// Enters a group numbered `number` (the next one) whose key is in
    /// `key_values` and whose accumulators were just pushed; its number.
    #[inline]
    fn insert_group(&mut self, hash: u64, number: u32) -> usize {
        self.group_keys.append(&mut self.key_values);
        self.hashes.push(hash);
        let hashes = &self.hashes;
        self.groups
            .insert_unique(hash, number, |&g| hashes[g as usize]);
        number as usize
    }

    /// The group whose key equals `key_values`, whose hash is `hash`.
    #[inline]
    fn find_group(&self, hash: u64) -> Option<usize> {
        // Without keys there is one group: nothing to look up.
        let key_count = self.keys.len();
        if key_count == 0 {
            return (!self.hashes.is_empty()).then_some(0);
        }
        self.groups
            .find(hash, |&g| {
                let start = g as usize * key_count;
                self.group_keys[start..start + key_count]
                    .iter()
                    .zip(&self.key_values)
                    .all(|(a, b)| a.key_ref() == b.key_ref())
            })
            .map(|&g| g as usize)
    }

    /// Makes room for `groups` groups.
    fn reserve(&mut self, groups: usize) {
        let hashes = &self.hashes;
        self.groups.reserve(groups, |&g| hashes[g as usize]);
        self.hashes.reserve(groups);
        self.group_keys
            .reserve(groups.saturating_mul(self.keys.len()));
        self.accumulators
            .reserve(groups.saturating_mul(self.aggregates.len()));
    }

    /// How many groups there are so far.
    pub fn group_count(&self) -> usize {
        self.hashes.len()
    }

    /// The groups so far, to be absorbed by another grouping of the same
    /// operator.
    pub fn into_partial(self) -> PartialGroups {
        PartialGroups {
            hashes: self.hashes,
            group_keys: self.group_keys,
            accumulators: self.accumulators,
            kept: self.kept,
        }
    }

    /// Adds the groups of `later`, made from the rows after this
    /// grouping's: a group both have merges its accumulators, and the new
    /// ones follow in their order, as if one grouping had seen all rows.
    pub fn absorb(&mut self, later: PartialGroups) -> Result<(), QueryError> {
        self.kept += later.kept;
        let key_count = self.keys.len();
        let mut keys = later.group_keys.into_iter();
        let mut accumulators = later.accumulators.into_iter();
        for hash in later.hashes {
            self.ctx.guard.tick()?;
            self.key_values.clear();
            self.key_values.extend(keys.by_ref().take(key_count));
            let found = self.find_group(hash);
            let per_group = self.aggregates.len();
            match found {
                Some(g) => {
                    for (mine, theirs) in self.accumulators[g * per_group..(g + 1) * per_group]
                        .iter_mut()
                        .zip(accumulators.by_ref().take(per_group))
                    {
                        mine.merge(theirs)?;
                    }
                }
                None => {
                    let number = self.group_number()?;
                    self.accumulators
                        .extend(accumulators.by_ref().take(per_group));
                    self.insert_group(hash, number);
                }
            }
        }
        Ok(())
    }

    /// The number the next new group gets.
    fn group_number(&self) -> Result<u32, QueryError> {
        u32::try_from(self.hashes.len()).map_err(|_| QueryError {
            code: ErrorCode::Unsupported,
            span: Span::default(),
            message: format!("an aggregation makes more than {} groups", u32::MAX),
        })
    }

    /// Adds one input row to its group.
    pub fn add(&mut self, row: &Row) -> Result<(), QueryError> {
        self.ctx.guard.tick()?;
        let group = self.group_of(row)?;
        self.update(group, row)
    }

    /// The group `row` belongs to, made when it is the first of its key.
    fn group_of(&mut self, row: &Row) -> Result<usize, QueryError> {
        let ctx = self.ctx;
        // Without keys there is one group, made by the first row.
        if self.keys.is_empty() && !self.hashes.is_empty() {
            return Ok(0);
        }
        if let Some(slot) = self.unique_names
            && let Some(&Value::Node(node)) = row.get(slot)
            && ctx.graph.has_unique_name(node)
        {
            ctx.guard.charge(self.keys.len() + self.aggregates.len())?;
            let number = self.group_number()?;
            self.push_accumulators(row)?;
            self.group_keys.push(Value::Null);
            self.hashes.push(0);
            self.pending.push((number, node));
            return Ok(number as usize);
        }
        let node = match self.known_group(row) {
            Some((_, Some(group))) => return Ok(group),
            Some((node, None)) => Some(node),
            None => None,
        };
        self.key_values.clear();
        let mut hasher = FastHasher::default();
        for read in &self.key_reads {
            let v = ctx.read(*read, row)?.into_owned();
            v.key_ref().hash(&mut hasher);
            self.key_values.push(v);
        }
        let hash = hasher.finish();
        let found = self.find_group(hash);
        let group = match found {
            Some(g) => g,
            None => self.new_group(row, hash)?,
        };
        if let Some(node) = node {
            self.remember(node, group);
        }
        Ok(group)
    }

    /// The accumulators of `group`, one per aggregate.
    fn accumulators_of(&mut self, group: usize) -> &mut [Accumulator] {
        let per_group = self.aggregates.len();
        &mut self.accumulators[group * per_group..(group + 1) * per_group]
    }

    /// Feeds `row`'s aggregate arguments to the accumulators of `group`.
    fn update(&mut self, group: usize, row: &Row) -> Result<(), QueryError> {
        let ctx = self.ctx;
        // One aggregate of a variable that keeps nothing (`sum(n)` of a
        // count per node): fed in place, without the loop.
        if let ([Some(Read::Slot(slot))], [false]) =
            (self.arg_reads.as_slice(), self.keeps.as_slice())
            && let (Some(acc), Some(value)) = (self.accumulators.get_mut(group), row.get(*slot))
        {
            return acc.update_ref(value);
        }
        let per_group = self.aggregates.len();
        let accumulators = &mut self.accumulators[group * per_group..(group + 1) * per_group];
        for ((acc, read), keeps) in accumulators
            .iter_mut()
            .zip(&self.arg_reads)
            .zip(&self.keeps)
        {
            // `count(*)` counts rows: it is fed a value that is never null.
            static ROW: Value = Value::Bool(true);
            let arg = match read {
                Some(r) => ctx.read(*r, row)?,
                None => std::borrow::Cow::Borrowed(&ROW),
            };
            if *keeps && !matches!(*arg, Value::Null) {
                let w = super::weight(&arg);
                ctx.guard.charge(w)?;
                self.kept += w;
            }
            match arg {
                std::borrow::Cow::Borrowed(v) => acc.update_ref(v)?,
                std::borrow::Cow::Owned(v) => acc.update(v)?,
            }
        }
        Ok(())
    }

    /// The groups' rows, each with its key values, its aggregates' results
    /// and the projections that follow them.
    pub fn finish(self) -> Result<Vec<Row>, QueryError> {
        let mut out = Vec::with_capacity(self.hashes.len().max(1));
        self.finish_each(None, &mut |row| {
            out.push(std::mem::take(row));
            Ok(())
        })?;
        Ok(out)
    }

    /// The best `top` of the groups' rows by `keys` (`Op::Sort` with a
    /// limit after the grouping): each row is made in one buffer, and
    /// copied only when it makes the cut.
    /// Also says how many rows the groups made.
    pub fn finish_top(
        self,
        keys: &'a [(Expr, bool)],
        top: usize,
    ) -> Result<(Vec<Row>, usize), QueryError> {
        let mut best = TopK::new(self.ctx, keys, top);
        let groups = self.hashes.len();
        let cut = self.top_cut(keys, top);
        self.finish_each(cut.as_ref(), &mut |row| best.offer(Offered::Borrowed(row)))?;
        let made = if cut.is_some() { groups } else { best.offered };
        Ok((best.finish()?, made))
    }

    /// When the first of `keys` is an integer count or sum (or a
    /// projection that copies one), the bar a group's result must reach to
    /// be among the best `top`: the `top`-th best result. Groups below it
    /// never become rows: their keys are not copied nor their projections
    /// made. Ties with the bar stay, for the later keys and the groups'
    /// order to decide. `None` when this does not apply.
    fn top_cut(&self, keys: &[(Expr, bool)], top: usize) -> Option<TopCut> {
        let groups = self.hashes.len();
        if top == 0 || groups <= top.saturating_mul(4).max(64) {
            return None;
        }
        let (first, desc) = keys.first()?;
        let Read::Slot(mut slot) = Read::of(first) else {
            return None;
        };
        if let Some((e, _)) = self.items.iter().find(|(_, s)| *s == slot) {
            let Read::Slot(source) = Read::of(e) else {
                return None;
            };
            slot = source;
        }
        let index = self.aggregates.iter().position(|c| c.slot == slot)?;
        // The best `top` results so far, the worst of them on top: for a
        // descending order the smallest, for an ascending one the largest.
        let mut best: BinaryHeap<i64> = BinaryHeap::with_capacity(top);
        for acc in self
            .accumulators
            .iter()
            .skip(index)
            .step_by(self.aggregates.len())
        {
            let v = acc.int_result()?;
            // A max-heap of the negated results keeps the smallest on top.
            let v = if *desc { v.checked_neg()? } else { v };
            if best.len() < top {
                best.push(v);
            } else if let Some(mut worst) = best.peek_mut()
                && v < *worst
            {
                *worst = v;
            }
        }
        let bar = *best.peek()?;
        Some(TopCut {
            index,
            bar: if *desc { -bar } else { bar },
            desc: *desc,
        })
    }

    /// Hands each group's row to `sink`, in the order the groups
    /// appeared, but for those below `cut`; the row is made in one
    /// buffer, which `sink` may take.
    fn finish_each(
        mut self,
        cut: Option<&TopCut>,
        sink: &mut dyn FnMut(&mut Row) -> Result<(), QueryError>,
    ) -> Result<(), QueryError> {
        let ctx = self.ctx;
        ctx.guard.release(self.kept);
        // Aggregating nothing without grouping keys still makes one row
        // (`count(*)` is 0, `collect` is []).
        if self.hashes.is_empty() && self.keys.is_empty() {
            self.push_accumulators(&vec![Value::Null; ctx.width])?;
            self.hashes.push(0);
        }
        let groups = self.hashes.len();
        let items = item_reads(self.items);
        let (key_count, per_group) = (self.keys.len(), self.aggregates.len());
        let mut key_values = self.group_keys;
        let mut accumulators = self.accumulators;
        // The groups that become rows: with a cut, those that reach it;
        // the others stay where they are until the lists are dropped.
        let chosen: Box<dyn Iterator<Item = usize>> = match cut {
            Some(c) => Box::new(
                (0..groups)
                    .filter(|&g| c.admits(&accumulators[g * per_group..(g + 1) * per_group]))
                    .collect::<Vec<_>>()
                    .into_iter(),
            ),
            // Every group, without a list of them.
            None => Box::new(0..groups),
        };
        let mut row: Row = Vec::new();
        let mut pending = self.pending.iter().peekable();
        for group in chosen {
            while pending.next_if(|(g, _)| (*g as usize) < group).is_some() {}
            let waiting = pending
                .next_if(|(g, _)| *g as usize == group)
                .map(|(_, node)| *node);
            if row.len() != ctx.width {
                row = Vec::with_capacity(ctx.width);
                row.resize_with(ctx.width, Value::default);
            }
            let group_keys = &mut key_values[group * key_count..(group + 1) * key_count];
            match (waiting, self.unique_names) {
                (Some(node), Some(slot)) => {
                    // The one key, the node's name, read now.
                    row[slot] = Value::Node(node);
                    let name = ctx.read(self.key_reads[0], &row)?.into_owned();
                    row[slot] = Value::Null;
                    row[self.keys[0].1] = name;
                }
                _ => {
                    for ((e, slot), v) in self.keys.iter().zip(group_keys) {
                        let v = std::mem::take(v);
                        // The projections that follow may name a grouped
                        // variable by its slot before the grouping.
                        if let Expr::Slot(source) = e {
                            row[*source] = v.clone();
                        }
                        row[*slot] = v;
                    }
                }
            }
            let group_accumulators = &mut accumulators[group * per_group..(group + 1) * per_group];
            for (call, acc) in self.aggregates.iter().zip(group_accumulators) {
                row[call.slot] = std::mem::take(acc).finish()?;
            }
            for (read, slot) in &items {
                let v = ctx.read(*read, &row)?.into_owned();
                row[*slot] = v;
            }
            sink(&mut row)?;
        }
        Ok(())
    }
}

fn aggregate<'a>(
    ctx: &'a Ctx<'a>,
    input: RowIter<'a>,
    keys: &'a [(Expr, usize)],
    aggregates: &'a [AggregateCall],
    items: &'a [(Expr, usize)],
    then: Option<ThenTop<'a>>,
) -> Result<Vec<Row>, QueryError> {
    let mut grouping = Grouping::new(ctx, keys, aggregates, items);
    for row in input {
        grouping.add(&row?)?;
    }
    finish_grouping(ctx, grouping, then)
}

/// How many rows are sorted at once between two checks of the deadline.
const SORT_RUN: usize = 1 << 16;

/// A stable sort that checks the statement's deadline and cancellation
/// between runs and while merging them: runs of `SORT_RUN` rows are sorted,
/// then merged pairwise.
fn sort_checked<T>(
    ctx: &Ctx<'_>,
    rows: Vec<T>,
    cmp: impl Fn(&T, &T) -> Ordering,
) -> Result<Vec<T>, QueryError> {
    sort_in_runs(ctx, rows, false, cmp)
}

/// [`sort_checked`] for an order in which no two items are equal: each run
/// is sorted unstably, which then gives the same order, faster.
fn sort_checked_unique<T>(
    ctx: &Ctx<'_>,
    rows: Vec<T>,
    cmp: impl Fn(&T, &T) -> Ordering,
) -> Result<Vec<T>, QueryError> {
    sort_in_runs(ctx, rows, true, cmp)
}

/// Sorts runs of `SORT_RUN` items (unstably when `unique`), checking the
/// deadline before each, then merges them.
fn sort_in_runs<T>(
    ctx: &Ctx<'_>,
    mut rows: Vec<T>,
    unique: bool,
    cmp: impl Fn(&T, &T) -> Ordering,
) -> Result<Vec<T>, QueryError> {
    let mut runs: Vec<Vec<T>> = Vec::new();
    while !rows.is_empty() {
        let rest = rows.split_off(rows.len().min(SORT_RUN));
        let mut run = std::mem::replace(&mut rows, rest);
        ctx.guard.check()?;
        if unique && !nearly_sorted(&run, &cmp) {
            run.sort_unstable_by(&cmp);
        } else {
            run.sort_by(&cmp);
        }
        runs.push(run);
    }
    merge_runs(ctx, runs, &cmp)
}

/// Whether `items` are in order but for a few places (one in 32 or
/// fewer): rows that come from an index sorted almost like the statement
/// asks (names by their lower case, sorted as written). The stable sort
/// takes such rows in a few long ascending stretches and merges them, in
/// about one comparison a row, where the unstable one would still spend
/// `n log n`.
fn nearly_sorted<T>(items: &[T], cmp: impl Fn(&T, &T) -> Ordering) -> bool {
    let allowed = items.len() / 32;
    let mut descents = 0;
    for pair in items.windows(2) {
        if cmp(&pair[0], &pair[1]) == Ordering::Greater {
            descents += 1;
            if descents > allowed {
                return false;
            }
        }
    }
    true
}

/// Merges sorted runs pairwise into one, an earlier run first among
/// equals, checking the deadline and cancellation as it goes.
pub fn merge_runs<T>(
    ctx: &Ctx<'_>,
    mut runs: Vec<Vec<T>>,
    cmp: &impl Fn(&T, &T) -> Ordering,
) -> Result<Vec<T>, QueryError> {
    while runs.len() > 1 {
        let mut merged = Vec::with_capacity(runs.len().div_ceil(2));
        let mut pairs = runs.into_iter();
        while let Some(left) = pairs.next() {
            match pairs.next() {
                Some(right) => merged.push(merge_checked(ctx, left, right, cmp)?),
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
pub struct SortKey {
    value: Value,
    /// The string's first 16 bytes, big-endian, zero-padded.
    prefix: u128,
}

impl SortKey {
    /// The key of `value`.
    pub fn new(value: Value) -> SortKey {
        let prefix = match &value {
            Value::String(s) => string_prefix(s),
            _ => 0,
        };
        SortKey { value, prefix }
    }

    /// `Value::order`, by the prefixes where they decide it.
    fn order(&self, other: &SortKey) -> Ordering {
        if let (Value::Int(a), Value::Int(b)) = (&self.value, &other.value) {
            return a.cmp(b);
        }
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

/// The rows of `Op::Sort`: every row in order, or with `top` the best so
/// many.
pub fn sort<'a>(
    ctx: &'a Ctx<'a>,
    input: RowIter<'a>,
    keys: &'a [(Expr, bool)],
    top: Option<&'a Expr>,
) -> Result<Vec<Row>, QueryError> {
    match top {
        Some(e) => top_k(ctx, input, keys, count_arg(ctx, e, "LIMIT")?),
        None => sort_all(ctx, input, keys),
    }
}

/// How two rows' sort keys order them under `keys` (ascending or
/// descending each).
pub fn order_by(keys: &[(Expr, bool)], a: &[SortKey], b: &[SortKey]) -> Ordering {
    for ((x, y), (_, desc)) in a.iter().zip(b).zip(keys) {
        let o = x.order(y);
        let o = if *desc { o.reverse() } else { o };
        if o != Ordering::Equal {
            return o;
        }
    }
    Ordering::Equal
}

/// The best `top` rows by `keys`, in order, the earlier row first among
/// equals (as a stable sort would have them); see `TopK`.
fn top_k<'a>(
    ctx: &'a Ctx<'a>,
    input: RowIter<'a>,
    keys: &'a [(Expr, bool)],
    top: usize,
) -> Result<Vec<Row>, QueryError> {
    let mut best = TopK::new(ctx, keys, top);
    for row in input {
        best.offer(Offered::Owned(row?))?;
    }
    best.finish()
}

/// A row offered to `TopK`: one it may keep, or one it copies if it does.
enum Offered<'r> {
    Owned(Row),
    Borrowed(&'r mut Row),
}

/// The best `top` rows offered so far by `keys`: the buffer keeps at most
/// about twice the rows asked for, and whenever it fills only its best
/// `top` survive (O(n log k) time and O(k) memory).
struct TopK<'a> {
    ctx: &'a Ctx<'a>,
    keys: &'a [(Expr, bool)],
    top: usize,
    /// Each row kept with its sort keys and its position among the rows
    /// offered, which breaks ties.
    rows: Vec<(Vec<SortKey>, usize, Row)>,
    /// How many rows were offered.
    offered: usize,
    /// Values charged to the guard.
    held: usize,
    /// Once the rows were cut to `top`, the last of them is the worst kept:
    /// a row that does not sort before it cannot make the cut (it comes
    /// later than the kept rows, so it loses ties; pushes after the cut
    /// leave the worst in place).
    trimmed: bool,
    /// The keys of the row being offered.
    scratch: Vec<SortKey>,
    /// How each key is read.
    reads: Vec<Read<'a>>,
}

impl<'a> TopK<'a> {
    fn new(ctx: &'a Ctx<'a>, keys: &'a [(Expr, bool)], top: usize) -> TopK<'a> {
        TopK {
            ctx,
            keys,
            top,
            rows: Vec::new(),
            offered: 0,
            held: 0,
            trimmed: false,
            scratch: Vec::with_capacity(keys.len()),
            reads: keys.iter().map(|(e, _)| Read::of(e)).collect(),
        }
    }

    /// Keeps the best `k` rows (unordered).
    fn keep(&mut self, k: usize) {
        let keys = self.keys;
        if k == 0 {
            self.rows.clear();
        } else if k < self.rows.len() {
            self.rows.select_nth_unstable_by(k - 1, |a, b| {
                order_by(keys, &a.0, &b.0).then(a.1.cmp(&b.1))
            });
            self.rows.truncate(k);
        }
    }

    fn offer(&mut self, row: Offered<'_>) -> Result<(), QueryError> {
        let ctx = self.ctx;
        ctx.guard.tick()?;
        let r: &Row = match &row {
            Offered::Owned(r) => r,
            Offered::Borrowed(r) => r,
        };
        self.scratch.clear();
        let position = self.offered;
        self.offered += 1;
        let top = self.top;
        // Once trimmed, the keys are read one at a time against the worst
        // row kept's, and the first that decides settles it: most rows
        // offered lose on their first key, and their other keys go unread.
        let worst = (self.trimmed && top > 0).then(|| &self.rows[top - 1].0);
        let mut beats_worst = worst.is_none();
        for (i, (read, (_, desc))) in self.reads.iter().zip(self.keys).enumerate() {
            let key = SortKey::new(ctx.read(*read, r)?.into_owned());
            if let Some(worst) = worst
                && !beats_worst
            {
                let o = key.order(&worst[i]);
                match if *desc { o.reverse() } else { o } {
                    Ordering::Less => beats_worst = true,
                    // Equal on every key, the later row loses the tie.
                    Ordering::Greater => return Ok(()),
                    Ordering::Equal => {}
                }
            }
            self.scratch.push(key);
        }
        if !beats_worst {
            return Ok(());
        }
        let row = match row {
            Offered::Owned(r) => r,
            Offered::Borrowed(r) => r.clone(),
        };
        let size = row.len() + self.scratch.len();
        let keys = std::mem::replace(&mut self.scratch, Vec::with_capacity(self.keys.len()));
        self.rows.push((keys, position, row));
        if self.rows.len() >= top.saturating_mul(2).max(1024) {
            self.keep(top);
            self.trimmed = self.rows.len() == top;
            ctx.guard.release(self.held);
            self.held = self.rows.iter().map(|(k, _, r)| k.len() + r.len()).sum();
            ctx.guard.charge(self.held)?;
        } else {
            self.held += size;
            ctx.guard.charge(size)?;
        }
        Ok(())
    }

    /// The rows kept, in order.
    fn finish(mut self) -> Result<Vec<Row>, QueryError> {
        let ctx = self.ctx;
        self.keep(self.top);
        ctx.guard.release(self.held);
        ctx.guard.check()?;
        let keys = self.keys;
        let rows = sort_checked(ctx, std::mem::take(&mut self.rows), |a, b| {
            order_by(keys, &a.0, &b.0).then(a.1.cmp(&b.1))
        })?;
        Ok(rows.into_iter().map(|(_, _, r)| r).collect())
    }
}

/// What the sort of all rows moves around: the row's position, and the
/// first key as a number that orders as it does, when it is a string (its
/// prefix, see `SortKey`), an integer or a date.
struct SortEntry {
    /// The first key's order as a number: for a string its first 16 bytes,
    /// big-endian, zero-padded.
    head: u128,
    /// The row's position in the input.
    index: u32,
    /// `HEAD_NONE`, `HEAD_SHORT` (a string of at most 16 bytes: the head is
    /// all of it), `HEAD_LONG`, `HEAD_INT` or `HEAD_DATE`.
    kind: u8,
}

const HEAD_NONE: u8 = 0;
const HEAD_SHORT: u8 = 1;
const HEAD_LONG: u8 = 2;
const HEAD_INT: u8 = 3;
const HEAD_DATE: u8 = 4;

/// Whether a head of `kind` is a string's prefix.
fn is_string_head(kind: u8) -> bool {
    kind == HEAD_SHORT || kind == HEAD_LONG
}

/// The head of a sort's first key and its kind (see `SortEntry`).
fn sort_head(v: &Value) -> (u128, u8) {
    match v {
        Value::String(s) => {
            let kind = if s.len() <= 16 { HEAD_SHORT } else { HEAD_LONG };
            (string_prefix(s), kind)
        }
        // Flipping the sign bit orders two's complement as unsigned.
        Value::Int(i) => (u128::from((*i as u64) ^ (1 << 63)), HEAD_INT),
        Value::Date(d) => {
            // An unknown month or day (0) sorts before every known one, as
            // in `PartialDate`'s order.
            let year = u128::from((d.get_year() as u32) ^ (1 << 31));
            let month = u128::from(d.get_month().map_or(0, |m| u16::from(m) + 1));
            let day = u128::from(d.get_day().map_or(0, |m| u16::from(m) + 1));
            ((year << 32) | (month << 16) | day, HEAD_DATE)
        }
        _ => (0, HEAD_NONE),
    }
}

/// Every row, sorted by `keys` (stable). Keys that are variables are read
/// in the rows, others evaluated once into one flat vector; the sort moves
/// small entries, not rows, and most comparisons end on the first key's
/// head in the entry itself.
fn sort_all<'a>(
    ctx: &'a Ctx<'a>,
    input: RowIter<'a>,
    keys: &'a [(Expr, bool)],
) -> Result<Vec<Row>, QueryError> {
    let width = keys.len();
    let reads: Vec<Read> = keys.iter().map(|(e, _)| Read::of(e)).collect();
    let mut rows: Vec<Row> = Vec::new();
    let mut held = 0usize;
    for row in input {
        let row = row?;
        ctx.guard.tick()?;
        if u32::try_from(rows.len()).is_err() {
            return Err(QueryError {
                code: ErrorCode::MemoryLimit,
                span: Span::default(),
                message: "too many rows to sort".into(),
            });
        }
        let size = row.len() + width;
        held += size;
        ctx.guard.charge(size)?;
        rows.push(row);
    }
    // Keys that are variables (as a rule, after a projection) are compared
    // where they are, in the rows; others are evaluated once into `values`.
    let slots: Option<Vec<Slot>> = reads
        .iter()
        .map(|r| match r {
            Read::Slot(s) => Some(*s),
            _ => None,
        })
        .collect();
    let mut values: Vec<Value> = Vec::new();
    if slots.is_none() {
        values.reserve_exact(rows.len() * width);
        for row in &rows {
            for read in &reads {
                values.push(ctx.read(*read, row)?.into_owned());
            }
        }
    }
    static NULL: Value = Value::Null;
    let key = |index: u32, t: usize| -> &Value {
        match &slots {
            Some(slots) => rows[index as usize].get(slots[t]).unwrap_or(&NULL),
            None => &values[index as usize * width + t],
        }
    };
    let mut entries: Vec<SortEntry> = Vec::with_capacity(rows.len());
    for index in 0..rows.len() as u32 {
        let (head, kind) = if width > 0 {
            sort_head(key(index, 0))
        } else {
            (0, HEAD_NONE)
        };
        entries.push(SortEntry { head, index, kind });
    }
    let desc: Vec<bool> = keys.iter().map(|(_, d)| *d).collect();
    if width >= 2 && desc[0] == desc[1] {
        second_key_in_heads(&mut entries, |i, t| key(i, t));
    }
    let cmp = |a: &SortEntry, b: &SortEntry| -> Ordering {
        for (t, d) in desc.iter().enumerate() {
            let o = if t == 0 && is_string_head(a.kind) && is_string_head(b.kind) {
                match a.head.cmp(&b.head) {
                    // Equal padded prefixes of short strings: one is the
                    // other plus NUL bytes, or they are equal.
                    Ordering::Equal if a.kind == HEAD_SHORT && b.kind == HEAD_SHORT => {
                        str_len(key(a.index, 0)).cmp(&str_len(key(b.index, 0)))
                    }
                    Ordering::Equal => key(a.index, 0).order(key(b.index, 0)),
                    o => o,
                }
            } else if t == 0 && a.kind == b.kind && a.kind != HEAD_NONE {
                // An integer's or a date's head is all of it.
                a.head.cmp(&b.head)
            } else {
                key(a.index, t).order(key(b.index, t))
            };
            let o = if *d { o.reverse() } else { o };
            if o != Ordering::Equal {
                return o;
            }
        }
        a.index.cmp(&b.index)
    };
    ctx.guard.check()?;
    let same_kind = |e: &SortEntry| match entries.first().map(|f| f.kind) {
        Some(HEAD_SHORT | HEAD_LONG) => is_string_head(e.kind),
        Some(k) => k != HEAD_NONE && e.kind == k,
        None => false,
    };
    let entries = if width > 0 && entries.iter().all(same_kind) {
        // Every first key is a string, or every one an integer, or every
        // one a date: sort by the heads alone (cheap comparisons of numbers
        // in the entries), then each run of equal heads by the full
        // comparison.
        // No two entries compare equal (their positions differ), so an
        // unstable sort puts them in the one order a stable sort would.
        let mut entries = if desc[0] {
            sort_checked_unique(ctx, entries, |a, b| {
                b.head.cmp(&a.head).then(a.index.cmp(&b.index))
            })?
        } else {
            sort_checked_unique(ctx, entries, |a, b| {
                a.head.cmp(&b.head).then(a.index.cmp(&b.index))
            })?
        };
        let mut start = 0;
        while let Some(first) = entries.get(start) {
            let head = first.head;
            let len = entries[start..]
                .iter()
                .take_while(|e| e.head == head)
                .count();
            if len > 1 {
                ctx.guard.tick()?;
                entries[start..start + len].sort_unstable_by(cmp);
            }
            start += len;
        }
        entries
    } else {
        sort_checked(ctx, entries, cmp)?
    };
    ctx.guard.release(held);
    Ok(entries
        .iter()
        .map(|e| std::mem::take(&mut rows[e.index as usize]))
        .collect())
}

/// The length of a string value (0 for anything else).
fn str_len(v: &Value) -> usize {
    match v {
        Value::String(s) => s.len(),
        _ => 0,
    }
}

/// When every first key is a string of one length under 16 bytes (dates
/// written out, codes) and every second key a string (sorted the same
/// way): puts the second key's first bytes into each head after the first
/// key's. Heads then order entries by both keys, so that entries that share
/// a first key rarely need the full comparison. Equal heads still mean
/// equal first keys.
fn second_key_in_heads<'v>(entries: &mut [SortEntry], key: impl Fn(u32, usize) -> &'v Value) {
    let Some(first) = entries.first() else {
        return;
    };
    let len = str_len(key(first.index, 0));
    let uniform = entries.iter().all(|e| {
        matches!(key(e.index, 0), Value::String(s) if s.len() == len)
            && matches!(key(e.index, 1), Value::String(_))
    });
    if len == 0 || len >= 16 || !uniform {
        return;
    }
    for e in entries {
        if let Value::String(second) = key(e.index, 1) {
            e.head |= string_prefix(second) >> (8 * len);
        }
    }
}

/// A string's first 16 bytes as a number, big-endian, zero-padded: numbers
/// compare as the strings' prefixes do.
fn string_prefix(s: &str) -> u128 {
    let mut bytes = [0u8; 16];
    let head = &s.as_bytes()[..s.len().min(16)];
    bytes[..head.len()].copy_from_slice(head);
    u128::from_be_bytes(bytes)
}

/// The nodes of an `Op::CountPerNode` with their counts: each node of the
/// source with its labels and at least one matching relationship.
struct PerNodeCounts<'a> {
    ctx: &'a Ctx<'a>,
    nodes: Box<dyn Iterator<Item = NodeId> + 'a>,
    node_tests: Vec<LabelTest>,
    to_tests: Vec<LabelTest>,
    ty: Option<crate::graph::Sym>,
    /// The label bits every node at the other end must have, when each of
    /// `to_tests` is a bit.
    to_bits: Option<u64>,
    direction: crate::graph::Direction,
    /// The nodes being counted, their counts, and the next one to yield.
    batch: Vec<NodeId>,
    counts: Vec<usize>,
    at: usize,
}

impl<'a> PerNodeCounts<'a> {
    fn new(
        ctx: &'a Ctx<'a>,
        source: &'a NodeSource,
        labels: &'a [Arc<str>],
        x: &'a Expand,
        share: Share<'a>,
    ) -> PerNodeCounts<'a> {
        let g = ctx.graph;
        let tests = |labels: &[Arc<str>]| -> Option<Vec<LabelTest>> {
            labels
                .iter()
                .map(|l| g.sym(l).map(|s| g.label_test(s)))
                .collect()
        };
        let ty = match x.types.as_slice() {
            [] => Some(None),
            [one] => g.sym(one).map(Some),
            _ => None,
        };
        // A label or a type the graph has never seen: no node counts.
        let (nodes, node_tests, to_tests, ty): (Box<dyn Iterator<Item = NodeId> + 'a>, _, _, _) =
            match (tests(labels), tests(&x.to_filter.labels), ty) {
                (Some(n), Some(t), Some(ty)) => {
                    // A share takes a range of ids: the nodes are in id order.
                    let nodes: Box<dyn Iterator<Item = NodeId> + 'a> = match source {
                        NodeSource::Label(l) if share.is_split() => {
                            let ids = share.id_range(g.label_id_bound(l));
                            Box::new(g.nodes_with_label_in(l, ids))
                        }
                        NodeSource::Label(l) => Box::new(g.nodes_with_label(l)),
                        _ if share.is_split() => {
                            let ids =
                                share.id_range(u32::try_from(g.node_bound()).unwrap_or(u32::MAX));
                            Box::new(g.node_ids().filter(move |n| ids.contains(&n.0)))
                        }
                        _ => Box::new(g.node_ids()),
                    };
                    (nodes, n, t, ty)
                }
                _ => (Box::new(std::iter::empty()), Vec::new(), Vec::new(), None),
            };
        let to_bits = to_tests.iter().try_fold(0u64, |bits, t| match t {
            LabelTest::Bit(b) => Some(bits | b),
            LabelTest::Sym(_) => None,
        });
        PerNodeCounts {
            ctx,
            nodes,
            node_tests,
            to_tests,
            ty,
            to_bits,
            direction: x.direction,
            batch: Vec::with_capacity(Self::BATCH),
            counts: Vec::with_capacity(Self::BATCH),
            at: 0,
        }
    }
}

impl PerNodeCounts<'_> {
    /// How many nodes are counted together (see `Graph::typed_degrees_to`).
    const BATCH: usize = 32;

    /// Counts the next batch of nodes that pass the node tests; false when
    /// there are none left.
    fn next_batch(&mut self) -> Result<bool, QueryError> {
        let g = self.ctx.graph;
        self.batch.clear();
        self.at = 0;
        while self.batch.len() < Self::BATCH {
            let Some(n) = self.nodes.next() else {
                break;
            };
            self.ctx.guard.tick()?;
            if self.node_tests.iter().all(|t| g.passes(n, *t)) {
                self.batch.push(n);
            }
        }
        match (self.ty, self.to_bits) {
            (Some(sym), _) if self.to_tests.is_empty() => {
                self.counts.clear();
                self.counts.extend(
                    self.batch
                        .iter()
                        .map(|&n| g.typed_degree(n, self.direction, sym)),
                );
            }
            (Some(sym), Some(bits)) => {
                g.typed_degrees_to(&self.batch, self.direction, sym, bits, &mut self.counts)
            }
            (ty, _) => {
                self.counts.clear();
                self.counts.extend(self.batch.iter().map(|&n| {
                    g.edges_at(n, self.direction, ty)
                        .filter(|(_, other)| self.to_tests.iter().all(|t| g.passes(*other, *t)))
                        .count()
                }));
            }
        }
        Ok(!self.batch.is_empty())
    }
}

impl Iterator for PerNodeCounts<'_> {
    type Item = Result<(NodeId, i64), QueryError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            while let (Some(&n), Some(&c)) = (self.batch.get(self.at), self.counts.get(self.at)) {
                self.at += 1;
                if c > 0 {
                    return Some(Ok((n, i64::try_from(c).unwrap_or(i64::MAX))));
                }
            }
            match self.next_batch() {
                Ok(true) => {}
                Ok(false) => return None,
                Err(e) => return Some(Err(e)),
            }
        }
    }
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
