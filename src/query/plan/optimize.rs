//! Rewrites of a bound plan into cheaper plans with the same rows, chosen
//! from the plan's shape alone (planning never reads graph data):
//!
//! - a `MATCH` whose last steps bind only variables nothing later reads,
//!   feeding a `DISTINCT` (or aggregates that ignore duplicates), stops
//!   those steps at their first match: they only need to exist;
//! - `MATCH (a)-[r]-(b)` feeding only `count`s grouped by `a` counts each
//!   node's relationships from its adjacency lists instead of making a row
//!   per relationship;
//! - `MATCH ()-[r]->()` feeding only `count`s grouped by `type(r)` reads
//!   the per-type counts the graph keeps;
//! - `MATCH (n) WHERE n.name STARTS WITH 'Al'` starts from the names in
//!   the name index that start so, instead of every node.

use std::collections::HashSet;

use std::sync::Arc;

use super::{AggregateCall, BinaryOp, Expand, Expr, NodeSource, Op, QueryPlan, Slot, Step, Warm};
use crate::graph::Direction;
use crate::graph::NAME_KEY;
use crate::query::value::Value;

/// Applies every rewrite to one single query's plan.
pub fn optimize(plan: &mut QueryPlan) {
    name_prefixes(plan);
    count_per_type(plan);
    count_per_node(plan);
    existential_suffixes(plan);
    warm_expansions(plan);
}

/// Marks the expansions whose relationships' or reached nodes' properties
/// are read later, by the clause's own `WHERE` or by the operators after it.
/// Only a pattern's last step is marked: the candidates of an earlier one
/// are mostly turned away by the steps after it, unread.
fn warm_expansions(plan: &mut QueryPlan) {
    for i in 0..plan.ops.len() {
        if !matches!(plan.ops[i], Op::Match { .. }) {
            continue;
        }
        let uses = uses_after(plan, i);
        if let Op::Match { patterns, .. } = &mut plan.ops[i] {
            for p in patterns {
                match p.steps.last_mut() {
                    Some(Step::Expand(x)) if x.range.is_none() => {
                        x.warm = Warm {
                            rels: uses.all || uses.properties.contains(&x.rel),
                            nodes: uses.all || uses.properties.contains(&x.to),
                        };
                    }
                    Some(Step::Node { slot, warm, .. }) => {
                        *warm = uses.all || uses.properties.contains(slot);
                    }
                    _ => {}
                }
            }
        }
    }
}

/// The slots an expression or operator reads; `all` when it may read any
/// (a nested pattern, an update).
#[derive(Default)]
struct Uses {
    slots: HashSet<Slot>,
    /// The slots whose properties are read (`n.key`).
    properties: HashSet<Slot>,
    all: bool,
}

impl Uses {
    fn reads(&self, slot: Slot) -> bool {
        self.all || self.slots.contains(&slot)
    }

    fn expr(&mut self, e: &Expr) {
        match e {
            Expr::Literal(_) | Expr::Parameter(_) => {}
            Expr::Slot(s) => {
                self.slots.insert(*s);
            }
            Expr::Property(e, _) => {
                if let Some(s) = e.as_slot() {
                    self.properties.insert(s);
                }
                self.expr(e)
            }
            Expr::Unary(_, e) | Expr::IsNull(e, _) | Expr::Located(_, e) => self.expr(e),
            Expr::HasLabels(e, _) => self.expr(e),
            Expr::Index(a, b) | Expr::Binary(_, a, b) => {
                self.expr(a);
                self.expr(b);
            }
            Expr::Slice(a, b, c) => {
                self.expr(a);
                for e in [b, c].into_iter().flatten() {
                    self.expr(e);
                }
            }
            Expr::List(items) => items.iter().for_each(|e| self.expr(e)),
            Expr::Map(entries) => entries.iter().for_each(|(_, e)| self.expr(e)),
            Expr::Call { args, .. } => args.iter().for_each(|e| self.expr(e)),
            Expr::Case {
                operand,
                whens,
                default,
            } => {
                for e in operand.iter().chain(default.iter()) {
                    self.expr(e);
                }
                for (w, t) in whens {
                    self.expr(w);
                    self.expr(t);
                }
            }
            Expr::ListComprehension {
                list, filter, map, ..
            } => {
                self.expr(list);
                for e in filter.iter().chain(map.iter()) {
                    self.expr(e);
                }
            }
            Expr::Quantified {
                list, predicate, ..
            } => {
                self.expr(list);
                self.expr(predicate);
            }
            Expr::Path(parts) => {
                self.slots.insert(parts.start);
                for &(r, n) in &parts.hops {
                    self.slots.insert(r);
                    self.slots.insert(n);
                }
            }
            Expr::MapProjection(e, items) => {
                self.expr(e);
                for item in items {
                    if let super::MapItem::Entry(_, e) = item {
                        self.expr(e);
                    }
                }
            }
            Expr::PatternComprehension { .. } | Expr::Exists { .. } | Expr::ExistsQuery(_) => {
                self.all = true;
            }
        }
    }

    fn steps(&mut self, steps: &[Step]) {
        for step in steps {
            match step {
                Step::Node {
                    slot,
                    source,
                    filter,
                    ..
                } => {
                    self.slots.insert(*slot);
                    if let NodeSource::Name(e) = source {
                        self.expr(e);
                    }
                    filter.props.iter().for_each(|(_, e)| self.expr(e));
                }
                Step::Expand(x) => {
                    self.slots.extend([x.from, x.rel, x.to]);
                    self.slots.extend(&x.distinct_from);
                    x.rel_props.iter().for_each(|(_, e)| self.expr(e));
                    x.to_filter.props.iter().for_each(|(_, e)| self.expr(e));
                }
                Step::Shortest(s) => {
                    self.slots.extend([s.from, s.to, s.rel, s.path]);
                    s.rel_props.iter().for_each(|(_, e)| self.expr(e));
                }
            }
        }
    }

    fn op(&mut self, op: &Op) {
        match op {
            Op::Match {
                patterns, filter, ..
            } => {
                for p in patterns {
                    self.steps(&p.steps);
                    if let Some((slot, parts)) = &p.path {
                        self.slots.insert(*slot);
                        self.expr(&Expr::Path(parts.clone()));
                    }
                }
                filter.iter().for_each(|e| self.expr(e));
            }
            Op::CountPerNode { node, count, .. } => {
                self.slots.extend([*node, *count]);
            }
            Op::CountPerType { rel, count, .. } => {
                self.slots.extend([*rel, *count]);
            }
            Op::Filter(e) | Op::Skip(e) | Op::Limit(e) => self.expr(e),
            Op::Unwind { expr, .. } => self.expr(expr),
            Op::Project { items } => items.iter().for_each(|(e, _)| self.expr(e)),
            Op::Distinct { slots } => self.slots.extend(slots),
            Op::Aggregate {
                keys,
                aggregates,
                items,
            } => {
                keys.iter().for_each(|(e, _)| self.expr(e));
                for call in aggregates {
                    call.arg
                        .iter()
                        .chain(&call.extra)
                        .for_each(|e| self.expr(e));
                }
                items.iter().for_each(|(e, _)| self.expr(e));
            }
            Op::Sort { keys, top } => {
                keys.iter().for_each(|(e, _)| self.expr(e));
                top.iter().for_each(|e| self.expr(e));
            }
            Op::Create { .. }
            | Op::Merge { .. }
            | Op::Set(_)
            | Op::Remove(_)
            | Op::Delete { .. } => {
                self.all = true;
            }
        }
    }
}

/// What the operators from `from` on and the result columns read.
fn uses_after(plan: &QueryPlan, from: usize) -> Uses {
    let mut uses = Uses::default();
    uses.slots.extend(&plan.output);
    for op in plan.ops.iter().skip(from) {
        uses.op(op);
    }
    uses
}

/// The slots a step binds (rather than reads).
fn binds(step: &Step) -> Vec<Slot> {
    match step {
        Step::Node { slot, source, .. } => match source {
            NodeSource::Bound => Vec::new(),
            _ => vec![*slot],
        },
        Step::Expand(x) => {
            let mut out = Vec::new();
            if !x.rel_bound {
                out.push(x.rel);
            }
            if !x.to_bound {
                out.push(x.to);
            }
            out
        }
        Step::Shortest(s) => vec![s.rel, s.path],
    }
}

/// Whether the rows after operator `i` only matter up to duplicates: they
/// reach a `DISTINCT`, or aggregates that ignore duplicates, through
/// operators that keep or drop rows one at a time.
fn duplicates_ignored(ops: &[Op], i: usize) -> bool {
    for op in ops.iter().skip(i + 1) {
        match op {
            Op::Filter(_) | Op::Project { .. } | Op::Match { .. } | Op::Unwind { .. } => {}
            Op::Sort { top: None, .. } => {}
            Op::Distinct { .. } => return true,
            Op::Aggregate { aggregates, .. } => {
                return aggregates
                    .iter()
                    .all(|a| a.distinct || matches!(a.name.as_str(), "min" | "max"));
            }
            _ => return false,
        }
    }
    false
}

/// Marks the `MATCH` steps that only need to exist (see the module doc).
fn existential_suffixes(plan: &mut QueryPlan) {
    for i in 0..plan.ops.len() {
        if !duplicates_ignored(&plan.ops, i) {
            continue;
        }
        let uses = uses_after(plan, i + 1);
        if uses.all {
            continue;
        }
        let Some(Op::Match {
            patterns,
            optional: false,
            exists_from,
            ..
        }) = plan.ops.get_mut(i)
        else {
            continue;
        };
        if patterns.iter().any(|p| p.path.is_some()) {
            continue;
        }
        let steps: Vec<&Step> = patterns.iter().flat_map(|p| &p.steps).collect();
        let mut first_dead = steps.len();
        while first_dead > 0 && binds(steps[first_dead - 1]).iter().all(|s| !uses.reads(*s)) {
            first_dead -= 1;
        }
        if first_dead < steps.len() {
            *exists_from = Some(first_dead);
        }
    }
}

/// A `count` that counts rows: `count(*)` or `count(v)` of a slot the
/// pattern always binds to an entity.
fn counts_rows(call: &AggregateCall, entity_slots: &[Slot]) -> bool {
    call.name == "count"
        && !call.distinct
        && match &call.arg {
            None => true,
            Some(Expr::Slot(s)) => entity_slots.contains(s),
            Some(_) => false,
        }
}

/// The aggregates of a count pushed below the aggregation: each count sums
/// the per-entity counts in `count`.
fn sum_of(aggregates: &mut [AggregateCall], count: Slot) {
    for call in aggregates {
        call.name = "sum".into();
        call.arg = Some(Expr::Slot(count));
    }
}

/// A one-hop `MATCH (a)-[r]-(b)` (no `WHERE`, no properties, no path, at
/// most one type) at `ops[i]`, feeding an aggregation at `ops[i + 1]` whose
/// every aggregate counts rows: the shape both count rewrites start from.
struct OneHopCount<'p> {
    node: Slot,
    source: &'p NodeSource,
    labels: &'p [Arc<str>],
    expand: &'p Expand,
    keys: &'p [(Expr, Slot)],
    aggregates: &'p [AggregateCall],
    items: &'p [(Expr, Slot)],
}

fn one_hop_count(plan: &QueryPlan, i: usize) -> Option<OneHopCount<'_>> {
    let (
        Some(Op::Match {
            patterns,
            filter: None,
            optional: false,
            ..
        }),
        Some(Op::Aggregate {
            keys,
            aggregates,
            items,
        }),
    ) = (plan.ops.get(i), plan.ops.get(i + 1))
    else {
        return None;
    };
    let [pattern] = patterns.as_slice() else {
        return None;
    };
    let (
        None,
        [
            Step::Node {
                slot,
                source,
                filter,
                ..
            },
            Step::Expand(x),
        ],
    ) = (&pattern.path, pattern.steps.as_slice())
    else {
        return None;
    };
    let plain = matches!(source, NodeSource::Label(_) | NodeSource::All)
        && x.from == *slot
        && x.to != *slot
        && !x.rel_bound
        && !x.to_bound
        && x.range.is_none()
        && x.types.len() <= 1
        && x.rel_props.is_empty()
        && x.to_filter.props.is_empty()
        && x.distinct_from.is_empty()
        && filter.props.is_empty()
        && !aggregates.is_empty()
        && aggregates
            .iter()
            .all(|c| counts_rows(c, &[*slot, x.rel, x.to]));
    plain.then_some(OneHopCount {
        node: *slot,
        source,
        labels: &filter.labels,
        expand: x,
        keys,
        aggregates,
        items,
    })
}

/// `MATCH (a)-[r]-(b) ... count(...)` grouped by expressions of `a` only.
fn count_per_node(plan: &mut QueryPlan) {
    for i in 0..plan.ops.len().saturating_sub(1) {
        let uses = uses_after(plan, i + 2);
        let Some(m) = one_hop_count(plan, i) else {
            continue;
        };
        let (a, x) = (m.node, m.expand);
        let mut key_uses = Uses::default();
        m.keys.iter().for_each(|(e, _)| key_uses.expr(e));
        m.items.iter().for_each(|(e, _)| key_uses.expr(e));
        let only_a = !key_uses.all
            && key_uses.slots.iter().all(|s| {
                *s == a
                    || m.keys.iter().any(|(_, k)| k == s)
                    || m.aggregates.iter().any(|c| c.slot == *s)
            });
        if !only_a
            || [x.rel, x.to]
                .iter()
                .any(|s| uses.reads(*s) || key_uses.slots.contains(s))
        {
            continue;
        }
        let op = Op::CountPerNode {
            source: m.source.clone(),
            node: a,
            labels: m.labels.to_vec(),
            expand: x.clone(),
            count: x.rel,
        };
        let count = x.rel;
        plan.ops[i] = op;
        if let Some(Op::Aggregate { aggregates, .. }) = plan.ops.get_mut(i + 1) {
            sum_of(aggregates, count);
        }
    }
}

/// Whether `r` appears in `e` only as the argument of `type(r)`.
fn only_typed(e: &Expr, r: Slot) -> bool {
    match e {
        Expr::Call { name, args, .. }
            if name == "type" && matches!(args.as_slice(), [Expr::Slot(s)] if *s == r) =>
        {
            true
        }
        Expr::Slot(s) => *s != r,
        other => {
            let mut uses = Uses::default();
            uses.expr(other);
            if uses.all {
                return false;
            }
            if !uses.slots.contains(&r) {
                return true;
            }
            children(other).iter().all(|c| only_typed(c, r))
        }
    }
}

/// The direct sub-expressions of the expressions `only_typed` looks into;
/// empty for the others (which then count as reading `r` plainly).
fn children(e: &Expr) -> Vec<&Expr> {
    match e {
        Expr::Property(e, _) | Expr::Unary(_, e) | Expr::IsNull(e, _) | Expr::Located(_, e) => {
            vec![e]
        }
        Expr::Index(a, b) | Expr::Binary(_, a, b) => vec![a, b],
        Expr::List(items) => items.iter().collect(),
        Expr::Call { args, .. } => args.iter().collect(),
        _ => Vec::new(),
    }
}

/// `MATCH ()-[r]->() ... count(...)` grouped by expressions of `type(r)`.
fn count_per_type(plan: &mut QueryPlan) {
    for i in 0..plan.ops.len().saturating_sub(1) {
        let uses = uses_after(plan, i + 2);
        let Some(m) = one_hop_count(plan, i) else {
            continue;
        };
        let (a, x) = (m.node, m.expand);
        let unconstrained = matches!(m.source, NodeSource::All)
            && m.labels.is_empty()
            && x.to_filter.labels.is_empty()
            && x.direction != Direction::Both;
        let typed_keys = m.keys.iter().all(|(e, _)| {
            let mut u = Uses::default();
            u.expr(e);
            !u.all && !u.slots.contains(&a) && !u.slots.contains(&x.to) && only_typed(e, x.rel)
        });
        let mut item_uses = Uses::default();
        m.items.iter().for_each(|(e, _)| item_uses.expr(e));
        if !unconstrained
            || !typed_keys
            || item_uses.all
            || [a, x.rel, x.to]
                .iter()
                .any(|s| uses.reads(*s) || item_uses.slots.contains(s))
        {
            continue;
        }
        let op = Op::CountPerType {
            rel: x.rel,
            types: x.types.clone(),
            count: a,
        };
        plan.ops[i] = op;
        if let Some(Op::Aggregate { aggregates, .. }) = plan.ops.get_mut(i + 1) {
            sum_of(aggregates, a);
        }
    }
}

/// The ASCII prefixes that the conjuncts of `filter` require of
/// `slot`'s name (`n.name STARTS WITH 'Al'`).
fn name_prefix_of(filter: &Expr, slot: Slot) -> Option<Arc<str>> {
    match filter {
        Expr::Binary(BinaryOp::And, a, b) => {
            name_prefix_of(a, slot).or_else(|| name_prefix_of(b, slot))
        }
        Expr::Binary(BinaryOp::StartsWith, target, prefix) => match (&**target, &**prefix) {
            (Expr::Property(e, key), Expr::Literal(Value::String(p)))
                if &**key == NAME_KEY
                    && matches!(**e, Expr::Slot(s) if s == slot)
                    && !p.is_empty()
                    && p.is_ascii() =>
            {
                Some(p.to_arc())
            }
            _ => None,
        },
        _ => None,
    }
}

/// Starts a pattern from the name index where its `WHERE` asks for a name
/// prefix of the anchor node (see the module doc).
fn name_prefixes(plan: &mut QueryPlan) {
    for op in &mut plan.ops {
        let Op::Match {
            patterns,
            filter: Some(filter),
            ..
        } = op
        else {
            continue;
        };
        for pattern in patterns.iter_mut() {
            if let Some(Step::Node { slot, source, .. }) = pattern.steps.first_mut()
                && matches!(source, NodeSource::All | NodeSource::Label(_))
                && let Some(prefix) = name_prefix_of(filter, *slot)
            {
                *source = NodeSource::NamePrefix(prefix);
            }
        }
    }
}
