//! Lowering resolved path patterns to match steps: choosing the anchor
//! node (a bound variable, then a name look-up, then a label scan, then a
//! scan of all nodes) and expanding outwards from it in both directions.

use std::collections::HashSet;
use std::sync::Arc;

use super::{EntityFilter, Expand, Expr, NodeSource, PathParts, PatternPlan, Shortest, Slot, Step};
use crate::graph::{Direction, NAME_KEY};

/// A node of a pattern whose variable has a slot.
#[derive(Debug, Clone)]
pub struct NodePart {
    /// The node's slot.
    pub slot: Slot,
    /// Its labels.
    pub labels: Vec<Arc<str>>,
    /// Its property map.
    pub props: Vec<(Arc<str>, Expr)>,
}

/// A relationship of a pattern whose variable has a slot.
#[derive(Debug, Clone)]
pub struct RelPart {
    /// The relationship's slot (a list of them when variable-length).
    pub slot: Slot,
    /// Whether the variable was bound by an earlier clause.
    pub bound: bool,
    /// Allowed types; empty for any.
    pub types: Vec<Arc<str>>,
    /// Its property map.
    pub props: Vec<(Arc<str>, Expr)>,
    /// The direction as written, left to right.
    pub direction: Direction,
    /// `*min..max`.
    pub range: Option<(u64, Option<u64>)>,
}

/// A path pattern with slots for all its parts.
#[derive(Debug, Clone)]
pub struct PathPart {
    /// `p = ...`.
    pub path: Option<Slot>,
    /// `shortestPath` (false) or `allShortestPaths` (true).
    pub shortest: Option<bool>,
    /// The nodes, in written order.
    pub nodes: Vec<NodePart>,
    /// The relationships; `rels[i]` joins `nodes[i]` and `nodes[i + 1]`.
    pub rels: Vec<RelPart>,
}

/// How attractive a node is as the place to start matching.
fn anchor_cost(node: &NodePart, bound: &HashSet<Slot>) -> u8 {
    if bound.contains(&node.slot) {
        0
    } else if name_expr(node).is_some() {
        1
    } else if !node.labels.is_empty() {
        2
    } else {
        3
    }
}

/// The `name` of a node pattern when it is given by a constant or parameter.
fn name_expr(node: &NodePart) -> Option<&Expr> {
    node.props.iter().find_map(|(k, e)| {
        (&**k == NAME_KEY && matches!(e, Expr::Literal(_) | Expr::Parameter(_))).then_some(e)
    })
}

fn filter(node: &NodePart) -> EntityFilter {
    EntityFilter {
        labels: node.labels.clone(),
        props: node.props.clone(),
    }
}

/// Lowers one path pattern. `bound` holds the slots bound so far (before
/// the clause or by its earlier patterns) and receives this pattern's;
/// `rels` holds the relationship slots the clause bound so far (their
/// edges must differ) and receives this pattern's.
pub fn lower_path(path: &PathPart, bound: &mut HashSet<Slot>, rels: &mut Vec<Slot>) -> PatternPlan {
    let mut steps = Vec::new();
    let parts = path.path.map(|slot| {
        (
            slot,
            PathParts {
                start: path.nodes.first().map_or(0, |n| n.slot),
                hops: path
                    .rels
                    .iter()
                    .zip(path.nodes.iter().skip(1))
                    .map(|(r, n)| (r.slot, n.slot))
                    .collect(),
            },
        )
    });
    if let (Some(all), [a, b], [r]) = (path.shortest, path.nodes.as_slice(), path.rels.as_slice()) {
        for n in [a, b] {
            if !bound.contains(&n.slot) || !n.labels.is_empty() || !n.props.is_empty() {
                node_step(n, bound, &mut steps);
            }
        }
        let path_slot = path.path.unwrap_or(r.slot);
        steps.push(Step::Shortest(Shortest {
            from: a.slot,
            to: b.slot,
            rel: r.slot,
            path: path_slot,
            all,
            direction: r.direction,
            types: r.types.clone(),
            rel_props: r.props.clone(),
            range: r.range.unwrap_or((1, Some(1))),
        }));
        bound.insert(r.slot);
        rels.push(r.slot);
        return PatternPlan {
            steps,
            // The shortest-path step binds the path itself.
            path: None,
        };
    }
    let anchor = path
        .nodes
        .iter()
        .enumerate()
        .min_by_key(|(_, n)| anchor_cost(n, bound))
        .map_or(0, |(i, _)| i);
    let Some(first) = path.nodes.get(anchor) else {
        return PatternPlan { steps, path: parts };
    };
    node_step(first, bound, &mut steps);
    let mut expand = |from: &NodePart,
                      rel: &RelPart,
                      to: &NodePart,
                      reversed: bool,
                      bound: &mut HashSet<Slot>,
                      steps: &mut Vec<Step>| {
        let direction = if reversed {
            rel.direction.reverse()
        } else {
            rel.direction
        };
        steps.push(Step::Expand(Expand {
            from: from.slot,
            rel: rel.slot,
            to: to.slot,
            rel_bound: rel.bound,
            to_bound: bound.contains(&to.slot),
            direction,
            types: rel.types.clone(),
            rel_props: rel.props.clone(),
            range: rel.range,
            to_filter: filter(to),
            distinct_from: rels.clone(),
            reversed,
            warm: Default::default(),
            type_sym: Default::default(),
        }));
        bound.insert(to.slot);
        bound.insert(rel.slot);
        rels.push(rel.slot);
    };
    for i in anchor..path.rels.len() {
        if let (Some(from), Some(to)) = (path.nodes.get(i), path.nodes.get(i + 1)) {
            expand(from, &path.rels[i], to, false, bound, &mut steps);
        }
    }
    for i in (0..anchor).rev() {
        if let (Some(from), Some(to), Some(rel)) =
            (path.nodes.get(i + 1), path.nodes.get(i), path.rels.get(i))
        {
            expand(from, rel, to, true, bound, &mut steps);
        }
    }
    PatternPlan { steps, path: parts }
}

fn node_step(node: &NodePart, bound: &mut HashSet<Slot>, steps: &mut Vec<Step>) {
    let source = if bound.contains(&node.slot) {
        NodeSource::Bound
    } else if let Some(e) = name_expr(node) {
        NodeSource::Name(e.clone())
    } else if let Some(l) = node.labels.first() {
        NodeSource::Label(l.clone())
    } else {
        NodeSource::All
    };
    steps.push(Step::Node {
        slot: node.slot,
        source,
        filter: filter(node),
        warm: false,
    });
    bound.insert(node.slot);
}
