//! A star: the edges of one type at each anchor node, grouped by the node
//! at their other end (`MATCH (:Country {name: "China"})-[t:TRADED_WITH]-(p:Country)
//! RETURN p.name, sum(t.amount), count(t)`).
//!
//! The matcher and the grouping would spend a few hundred instructions on
//! each match: a frame step, a row, a grouping key looked up through a
//! memo, each aggregate's argument read through the general reads. Here
//! each edge of the anchor's list is tested for the other node's labels,
//! finds that node's group in a table of its own, and is folded into the
//! group's accumulators straight from the edge's property list. Rows are
//! made only for a node's first edge, whose group the grouping finds (or
//! makes) from its keys as usual: the groups, their order and their values
//! are the ones the general path gives.

use std::mem::ManuallyDrop;

use super::Grouping;
use crate::graph::{EdgeId, NodeId, Sym};
use crate::query::error::QueryError;
use crate::query::eval::expr::Read;
use crate::query::eval::pattern::{Matcher, WARM_BATCH, put};
use crate::query::eval::{Ctx, Row, Share};
use crate::query::plan::{Expand, Op, PatternPlan, Slot, Step};
use crate::query::value::Value;

/// What an aggregate of a star is fed for each edge.
#[derive(Clone, Copy)]
enum Arg {
    /// `count(*)`: a value that is never null.
    Row,
    /// The relationship.
    Rel,
    /// The node at the other end.
    Other,
    /// A property of the relationship; `None` for a key the graph has
    /// never seen (always null).
    RelProperty(Option<Sym>),
}

/// The group of each far node met so far, plus one (0 for none), by node
/// id, for the ids from `base` on: the far nodes of one anchor (a country's
/// partners) are a few hundred ids, where the graph has a hundred thousand.
#[derive(Default)]
struct NodeTable {
    base: u32,
    slots: Vec<u32>,
}

impl NodeTable {
    /// The entry of `node`, widening the table first when it does not
    /// cover it: to the span of `edges`' far nodes (those of the anchor at
    /// hand), and at least to twice its size, so that many anchors widen it
    /// a few times only.
    #[inline]
    fn entry(&mut self, node: NodeId, edges: &[(EdgeId, NodeId)]) -> &mut u32 {
        let covered = node
            .0
            .checked_sub(self.base)
            .is_some_and(|i| (i as usize) < self.slots.len());
        if !covered {
            self.widen(node, edges);
        }
        &mut self.slots[(node.0 - self.base) as usize]
    }

    fn widen(&mut self, node: NodeId, edges: &[(EdgeId, NodeId)]) {
        let far = edges.iter().map(|(_, n)| n.0).chain([node.0]);
        let mut lo = far.clone().min().unwrap_or(node.0) as usize;
        let mut hi = far.max().unwrap_or(node.0) as usize + 1;
        let old_lo = self.base as usize;
        if !self.slots.is_empty() {
            lo = lo.min(old_lo);
            hi = hi
                .max(old_lo + self.slots.len())
                .max(lo + 2 * self.slots.len());
        }
        let mut slots = vec![0; hi - lo];
        if !self.slots.is_empty() {
            let at = old_lo - lo;
            slots[at..at + self.slots.len()].copy_from_slice(&self.slots);
        }
        self.base = lo as u32;
        self.slots = slots;
    }
}

/// A `MATCH` of one anchor step and one expansion feeding a grouping by
/// the expansion's far node (see the module's doc).
pub(super) struct Star<'a> {
    patterns: &'a [PatternPlan],
    new_slots: &'a [Slot],
    anchor: Slot,
    expand: &'a Expand,
    args: Vec<Arg>,
}

impl<'a> Star<'a> {
    /// The star of `source` feeding `grouping`, when it has that shape:
    /// one pattern `(a)-[r:T]-(b:L...)` with one type, no property maps
    /// past the anchor, no `WHERE`, no path variable, not optional; every
    /// grouping key reads `b`; every aggregate reads `*`, `r`, `b` or a
    /// property of `r`, and keeps no values (no `collect`).
    pub(super) fn of(
        ctx: &Ctx<'_>,
        source: &'a Op,
        grouping: &Grouping<'_>,
        share: &Share<'_>,
    ) -> Option<Star<'a>> {
        let Op::Match {
            patterns,
            filter: None,
            optional: false,
            new_slots,
            exists_from: None,
            ..
        } = source
        else {
            return None;
        };
        let [pattern] = patterns.as_slice() else {
            return None;
        };
        let [Step::Node { slot: anchor, .. }, Step::Expand(x)] = pattern.steps.as_slice() else {
            return None;
        };
        let simple = pattern.path.is_none()
            && !share.is_split()
            && !x.rel_bound
            && !x.to_bound
            && x.range.is_none()
            && x.types.len() == 1
            && x.rel_props.is_empty()
            && x.to_filter.props.is_empty()
            && x.distinct_from.is_empty();
        let keyed_by_far_node = grouping.by_node.as_ref().map(|m| m.slot) == Some(x.to);
        let plain = !grouping.keeps.contains(&true)
            && grouping.aggregates.iter().all(|c| c.extra.is_none());
        if !(simple && keyed_by_far_node && plain) {
            return None;
        }
        let args = grouping
            .arg_reads
            .iter()
            .map(|read| match read {
                None => Some(Arg::Row),
                Some(Read::Slot(s)) if *s == x.rel => Some(Arg::Rel),
                Some(Read::Slot(s)) if *s == x.to => Some(Arg::Other),
                Some(Read::Property(s, key, _)) if *s == x.rel => {
                    Some(Arg::RelProperty(key.sym(ctx.graph)))
                }
                _ => None,
            })
            .collect::<Option<Vec<Arg>>>()?;
        Some(Star {
            patterns,
            new_slots,
            anchor: *anchor,
            expand: x,
            args,
        })
    }

    /// Folds the star's matches that extend `row` into `grouping`; gives
    /// how many matches there were.
    pub(super) fn run(
        &self,
        ctx: &'a Ctx<'a>,
        row: Row,
        grouping: &mut Grouping<'_>,
    ) -> Result<u64, QueryError> {
        let graph = ctx.graph;
        let x = self.expand;
        let Some(ty) = x.single_type(graph) else {
            return Ok(0);
        };
        let Some(labels) = x
            .to_filter
            .labels
            .iter()
            .map(|l| graph.sym(l).map(|s| graph.label_test(s)))
            .collect::<Option<Vec<_>>>()
        else {
            // A label the graph has never seen: no node carries it.
            return Ok(0);
        };
        let mut matches = 0u64;
        let mut groups = NodeTable::default();
        let anchors =
            Matcher::new(ctx, self.patterns, None, false, self.new_slots, row).up_to_step(1);
        anchors.for_each_match(&mut |anchor_row| {
            let Some(&Value::Node(anchor)) = anchor_row.get(self.anchor) else {
                return Ok(true);
            };
            let edges = graph.typed_edges(anchor, x.direction, ty);
            ctx.guard.charge(edges.len())?;
            let folded = self.fold_edges(ctx, &edges, &labels, anchor_row, &mut groups, grouping);
            ctx.guard.release(edges.len());
            matches += folded?;
            Ok(true)
        })?;
        Ok(matches)
    }

    /// Folds the edges of one anchor (with the nodes at their other ends)
    /// into their groups; gives how many passed the far node's labels.
    fn fold_edges(
        &self,
        ctx: &Ctx<'_>,
        edges: &[(EdgeId, NodeId)],
        labels: &[crate::graph::LabelTest],
        anchor_row: &Row,
        groups: &mut NodeTable,
        grouping: &mut Grouping<'_>,
    ) -> Result<u64, QueryError> {
        let graph = ctx.graph;
        let x = self.expand;
        let mut row: Option<Row> = None;
        let mut matches = 0;
        // Property lists are loaded ahead for the keys read from them.
        let warm = self
            .args
            .iter()
            .any(|a| matches!(a, Arg::RelProperty(Some(key)) if !graph.has_int_column(*key)));
        for (i, &(e, b)) in edges.iter().enumerate() {
            ctx.guard.tick()?;
            if warm && i % WARM_BATCH == 0 {
                graph.warm(&edges[i..edges.len().min(i + WARM_BATCH)], true, false);
            }
            if !labels.iter().all(|t| graph.passes(b, *t)) {
                continue;
            }
            matches += 1;
            let known = groups.entry(b, edges);
            let group = match *known {
                0 => {
                    let row = row.get_or_insert_with(|| anchor_row.clone());
                    put(&mut row[x.rel], Value::Relationship(e));
                    put(&mut row[x.to], Value::Node(b));
                    let g = grouping.group_of(row)?;
                    *known = u32::try_from(g + 1).unwrap_or(u32::MAX);
                    g
                }
                g => g as usize - 1,
            };
            for (acc, arg) in grouping.accumulators_of(group).iter_mut().zip(&self.args) {
                // Values that own nothing, made without a call to drop them.
                let scalar = |v: Value| ManuallyDrop::new(v);
                match *arg {
                    Arg::Row => acc.update_ref(&scalar(Value::Bool(true)))?,
                    Arg::Rel => acc.update_ref(&scalar(Value::Relationship(e)))?,
                    Arg::Other => acc.update_ref(&scalar(Value::Node(b)))?,
                    Arg::RelProperty(None) => acc.update_ref(&scalar(Value::Null))?,
                    Arg::RelProperty(Some(key)) => match graph.edge_int(e, key) {
                        Some(i) => acc.update_ref(&scalar(Value::Int(i)))?,
                        None => match graph.edge_props(e).and_then(|p| p.get(key)) {
                            Some(p) => acc.update(Value::from_property(p))?,
                            None => acc.update_ref(&scalar(Value::Null))?,
                        },
                    },
                }
            }
        }
        Ok(matches)
    }
}
