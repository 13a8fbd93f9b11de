//! The pattern matcher: finds every way a clause's patterns embed in the
//! graph, extending one input row, one match at a time.
//!
//! It is a depth-first search over the plan's steps with an explicit stack
//! (one frame of candidates per step), so matches stream out lazily and the
//! depth of the search is the number of steps, not anything in the data.
//! Relationships bound by one clause are pairwise distinct (openCypher's
//! relationship isomorphism); variable-length expansion and shortest paths
//! check the statement's guard as they go.

use std::collections::{HashMap, HashSet, VecDeque};

use super::expr::Test;
use super::{Ctx, Row, Share};
use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;

use crate::graph::{Direction, EdgeId, Graph, LabelTest, NodeId, Sym};
use crate::hash::FastBuild;
use crate::query::error::QueryError;
use crate::query::plan::{
    EntityFilter, Expand, Expr, NodeSource, PathParts, PatternPlan, Shortest, Slot, Step,
};
use crate::query::value::{Path, Value};

/// A node reached by a chain, its edges, and the next edge to try.
type ChainFrame = (NodeId, Vec<(EdgeId, NodeId)>, usize);

/// Candidates of one step, with the property values they must match.
enum Candidates {
    Nodes(Vec<NodeId>),
    Edges(EdgeList),
    Chains(Vec<(Vec<EdgeId>, NodeId)>),
    Paths(Vec<Vec<EdgeId>>),
}

/// A frame's candidates, as threads can share them (see `SplitMemo`).
#[derive(Debug)]
pub enum AllCandidates {
    Nodes(Vec<NodeId>),
    Edges(Vec<(EdgeId, NodeId)>),
    Chains(Vec<(Vec<EdgeId>, NodeId)>),
    Paths(Vec<Vec<EdgeId>>),
}

impl AllCandidates {
    /// The candidates in `range`, for a frame.
    fn range(&self, range: std::ops::Range<usize>) -> Candidates {
        match self {
            AllCandidates::Nodes(v) => Candidates::Nodes(v[range].to_vec()),
            AllCandidates::Edges(v) => Candidates::Edges(Rc::new(v[range].to_vec())),
            AllCandidates::Chains(v) => Candidates::Chains(v[range].to_vec()),
            AllCandidates::Paths(v) => Candidates::Paths(v[range].to_vec()),
        }
    }

    fn count(&self) -> usize {
        match self {
            AllCandidates::Nodes(v) => v.len(),
            AllCandidates::Edges(v) => v.len(),
            AllCandidates::Chains(v) => v.len(),
            AllCandidates::Paths(v) => v.len(),
        }
    }
}

impl Candidates {
    /// A copy of the candidates that threads can share.
    fn to_all(&self) -> AllCandidates {
        match self {
            Candidates::Nodes(v) => AllCandidates::Nodes(v.clone()),
            Candidates::Edges(v) => AllCandidates::Edges(v.to_vec()),
            Candidates::Chains(v) => AllCandidates::Chains(v.clone()),
            Candidates::Paths(v) => AllCandidates::Paths(v.clone()),
        }
    }

    /// How many candidates there are.
    fn count(&self) -> usize {
        match self {
            Candidates::Nodes(v) => v.len(),
            Candidates::Edges(v) => v.len(),
            Candidates::Chains(v) => v.len(),
            Candidates::Paths(v) => v.len(),
        }
    }

    /// Keeps the candidates in `range` only.
    fn keep(&mut self, range: std::ops::Range<usize>) {
        fn cut<T>(v: &mut Vec<T>, range: std::ops::Range<usize>) {
            v.truncate(range.end);
            v.drain(..range.start);
        }
        match self {
            Candidates::Nodes(v) => cut(v, range),
            Candidates::Edges(v) => *v = Rc::new(v[range].to_vec()),
            Candidates::Chains(v) => cut(v, range),
            Candidates::Paths(v) => cut(v, range),
        }
    }

    /// How many values the candidates hold (charged to the memory budget).
    fn len(&self) -> usize {
        match self {
            Candidates::Nodes(v) => v.len(),
            Candidates::Edges(v) => v.len(),
            Candidates::Chains(v) => v.iter().map(|(c, _)| c.len() + 1).sum(),
            Candidates::Paths(v) => v.iter().map(|c| c.len() + 1).sum(),
        }
    }
}

struct Frame {
    candidates: Candidates,
    pos: usize,
    /// What the step's candidates are checked against.
    checks: Rc<Checks>,
}

/// What a step's candidates are checked against: the same for every frame
/// of the step when its property maps hold only constants, and then made
/// once per matcher.
struct Checks {
    /// The values of the step's property map (and of the reached node's).
    props: Vec<Value>,
    to_props: Vec<Value>,
    /// The relationship's property keys as symbols.
    rel_keys: Keys,
    /// The node check (the node of a node step, the reached node of an expansion).
    node: Keys,
    /// When the reached node is given by name: the nodes that carry it.
    targets: Option<Vec<NodeId>>,
    /// When that is one node with few edges of the step's one type (in
    /// one direction): those edges by the node at their other end, so that
    /// each frame finds its edges to the target without reading the
    /// adjacency of the node it starts from.
    to_target: Option<HashMap<NodeId, EdgeList, FastBuild>>,
}

/// Whether `e` has the same value in every row: a literal or a parameter.
fn is_constant(e: &Expr) -> bool {
    match e {
        Expr::Literal(_) | Expr::Parameter(_) => true,
        Expr::Located(_, inner) => is_constant(inner),
        _ => false,
    }
}

/// Labels and property keys resolved to symbols once per frame, so that
/// checking a candidate hashes no strings.
#[derive(Default)]
struct Keys {
    labels: Vec<Sym>,
    /// The labels as checks on the dense label masks.
    tests: Vec<LabelTest>,
    keys: Vec<Sym>,
    /// A label or key the graph has never seen: nothing can match.
    dead: bool,
}

impl Keys {
    fn new(graph: &Graph, labels: &[Arc<str>], keys: &[(Arc<str>, Expr)]) -> Keys {
        let mut dead = false;
        let mut resolve = |s: &str| {
            let sym = graph.sym(s);
            dead |= sym.is_none();
            sym
        };
        let labels: Vec<Sym> = labels.iter().filter_map(|l| resolve(l)).collect();
        let keys = keys.iter().filter_map(|(k, _)| resolve(k)).collect();
        let tests = labels.iter().map(|l| graph.label_test(*l)).collect();
        Keys {
            labels,
            tests,
            keys,
            dead,
        }
    }

    fn is_empty(&self) -> bool {
        !self.dead && self.labels.is_empty() && self.keys.is_empty()
    }
}

/// The edges at a node with the node at their other end, shared.
type EdgeList = Rc<Vec<(EdgeId, NodeId)>>;

/// How many nodes' filtered adjacencies one matcher remembers at most.
const EDGE_CACHE: usize = 1 << 16;

/// Streams the matches of some patterns that extend one row.
pub struct Matcher<'a> {
    ctx: &'a Ctx<'a>,
    steps: Vec<&'a Step>,
    paths: Vec<&'a (Slot, PathParts)>,
    filter: Option<Test<'a>>,
    optional: bool,
    new_slots: &'a [Slot],
    row: Row,
    stack: Vec<Frame>,
    started: bool,
    found: bool,
    done: bool,
    charged: usize,
    edge_cache: RefCell<HashMap<(usize, NodeId, u32), EdgeList, FastBuild>>,
    /// An empty edge list, shared by the frames that find no edges in an
    /// index (see `Checks::to_target`).
    no_edges: EdgeList,
    /// The checks of expansions with constant property maps, by step.
    checks_cache: RefCell<HashMap<usize, Rc<Checks>, FastBuild>>,
    exists_from: Option<usize>,
    /// The part of the search this matcher does.
    share: Share<'a>,
    split: Split,
}

/// Whether a shared matcher (see `Share`) has split its search yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Split {
    /// Every frame so far had one candidate at most.
    Pending,
    /// The first frame with more was cut to this matcher's range.
    Done,
    /// That frame could not be cut (its step only tests for existence):
    /// the first part does the whole search, the others none of it.
    Never,
}

impl<'a> Matcher<'a> {
    /// A matcher of `patterns` (with the clause's `filter`) extending `row`.
    /// With `optional`, a row without matches comes out once with
    /// `new_slots` null.
    pub fn new(
        ctx: &'a Ctx<'a>,
        patterns: &'a [PatternPlan],
        filter: Option<&'a Expr>,
        optional: bool,
        new_slots: &'a [Slot],
        row: Row,
    ) -> Matcher<'a> {
        Matcher {
            ctx,
            steps: patterns.iter().flat_map(|p| p.steps.iter()).collect(),
            paths: patterns.iter().filter_map(|p| p.path.as_ref()).collect(),
            filter: filter.map(Test::of),
            optional,
            new_slots,
            row,
            stack: Vec::new(),
            started: false,
            found: false,
            done: false,
            charged: 0,
            edge_cache: RefCell::new(HashMap::default()),
            no_edges: Rc::new(Vec::new()),
            checks_cache: RefCell::new(HashMap::default()),
            exists_from: None,
            share: Share::ALL,
            split: Split::Done,
        }
    }

    /// Makes the matcher do only `share` of the search.
    pub fn shared(mut self, share: Share<'a>) -> Matcher<'a> {
        self.share = share;
        self.split = if share.is_split() {
            Split::Pending
        } else {
            Split::Done
        };
        self
    }

    /// Makes the matcher run only the first `steps` steps of its patterns
    /// (for an operator that runs the rest its own way). Named paths are
    /// not bound then: the caller takes only patterns without any.
    pub fn up_to_step(mut self, steps: usize) -> Matcher<'a> {
        self.steps.truncate(steps);
        self.paths.clear();
        self
    }

    /// Makes the steps from `first` on stop at their first match (they
    /// bind nothing anybody reads; see `Op::Match::exists_from`).
    pub fn existential_from(mut self, first: Option<usize>) -> Matcher<'a> {
        self.exists_from = first;
        self
    }

    fn push_frame(&mut self) -> Result<(), QueryError> {
        let Some(step) = self.steps.get(self.stack.len()).copied() else {
            return Ok(());
        };
        let depth = self.stack.len();
        // Another part made this frame's candidates already: take this
        // part's range of them.
        let made = match (self.split, self.share.memo.and_then(|m| m.0.get())) {
            (Split::Pending, Some((d, all))) if *d == depth => Some(all),
            _ => None,
        };
        let mut frame = self.frame_for(step, made.map(|all| (all, self.share)))?;
        if made.is_some() {
            self.split = Split::Done;
        } else if self.split == Split::Pending && frame.candidates.count() > 1 {
            // Every frame beneath has one candidate, so this frame is the
            // only one of its step the search will ever make.
            if self.exists_from.is_none_or(|first| depth < first) {
                if let Some(memo) = self.share.memo {
                    // A part that made them at the same time keeps its own.
                    let _ = memo.0.set((depth, frame.candidates.to_all()));
                }
                frame
                    .candidates
                    .keep(self.share.range(frame.candidates.count()));
                self.split = Split::Done;
            } else {
                self.split = Split::Never;
                if !self.share.is_first() {
                    frame.candidates.keep(0..0);
                }
            }
        }
        let n = frame.candidates.len();
        self.ctx.guard.charge(n)?;
        self.charged += n;
        self.stack.push(frame);
        Ok(())
    }

    fn pop_frame(&mut self) {
        if let Some(f) = self.stack.pop() {
            let n = f.candidates.len();
            self.ctx.guard.release(n);
            self.charged = self.charged.saturating_sub(n);
        }
    }

    fn eval_props(&self, props: &[(std::sync::Arc<str>, Expr)]) -> Result<Vec<Value>, QueryError> {
        props
            .iter()
            .map(|(_, e)| self.ctx.eval(e, &self.row))
            .collect()
    }

    /// The frame of `step` over the current row; with `made`, its
    /// candidates are the share's range of those another part made.
    fn frame_for(
        &self,
        step: &Step,
        made: Option<(&AllCandidates, Share<'_>)>,
    ) -> Result<Frame, QueryError> {
        let g = self.ctx.graph;
        let made = made.map(|(all, share)| all.range(share.range(all.count())));
        match step {
            Step::Node {
                slot,
                source,
                filter,
                ..
            } => {
                let props = self.eval_props(&filter.props)?;
                let candidates = if let Some(made) = made {
                    made
                } else if props.iter().any(|v| matches!(v, Value::Null)) {
                    Candidates::Nodes(Vec::new())
                } else {
                    Candidates::Nodes(match source {
                        NodeSource::Bound => match &self.row[*slot] {
                            Value::Node(id) if g.node(*id).is_some() => vec![*id],
                            _ => Vec::new(),
                        },
                        NodeSource::Name(e) => match self.ctx.eval(e, &self.row)? {
                            Value::String(s) => g.lookup_name(&s).to_vec(),
                            _ => Vec::new(),
                        },
                        NodeSource::Label(l) => g.nodes_with_label(l).collect(),
                        NodeSource::NamePrefix(p) => g
                            .nodes_with_name_prefix(p)
                            .unwrap_or_else(|| g.node_ids().collect()),
                        NodeSource::All => g.node_ids().collect(),
                    })
                };
                Ok(Frame {
                    candidates,
                    pos: 0,
                    checks: Rc::new(Checks {
                        props,
                        to_props: Vec::new(),
                        rel_keys: Keys::default(),
                        node: Keys::new(g, &filter.labels, &filter.props),
                        targets: None,
                        to_target: None,
                    }),
                })
            }
            Step::Expand(x) => {
                let checks = self.expand_checks(x)?;
                let Checks {
                    props,
                    to_props,
                    rel_keys,
                    targets,
                    ..
                } = &*checks;
                let nulls = props
                    .iter()
                    .chain(to_props)
                    .any(|v| matches!(v, Value::Null));
                let from = match &self.row[x.from] {
                    Value::Node(id) if !nulls => Some(*id),
                    _ => None,
                };
                // The one node the expansion must reach, when known: bound
                // before the step, or the only node with the given name.
                let target = match (&self.row[x.to], targets) {
                    (Value::Node(n), _) if x.to_bound => Some(*n),
                    (_, Some(t)) if !x.to_bound && t.len() == 1 => t.first().copied(),
                    _ => None,
                };
                let candidates = match (made, from, x.range) {
                    (Some(made), _, _) => made,
                    (None, None, Some(_)) => Candidates::Chains(Vec::new()),
                    (None, None, None) => Candidates::Edges(Rc::new(Vec::new())),
                    (None, Some(from), None) => match (&checks.to_target, target) {
                        // The index is of the one named target, which an
                        // unbound end reaches.
                        (Some(index), Some(_)) if !x.to_bound => {
                            Candidates::Edges(index.get(&from).unwrap_or(&self.no_edges).clone())
                        }
                        _ => Candidates::Edges(self.cached_edges(from, x, target)),
                    },
                    (None, Some(from), Some((min, max))) => {
                        Candidates::Chains(self.chains(from, x, rel_keys, props, min, max)?)
                    }
                };
                Ok(Frame {
                    candidates,
                    pos: 0,
                    checks,
                })
            }
            Step::Shortest(s) => {
                let props = self.eval_props(&s.rel_props)?;
                let rel_keys = Keys::new(g, &[], &s.rel_props);
                let candidates = match (made, &self.row[s.from], &self.row[s.to]) {
                    (Some(made), _, _) => made,
                    (None, Value::Node(a), Value::Node(b)) => {
                        Candidates::Paths(self.shortest(*a, *b, s, &rel_keys, &props)?)
                    }
                    _ => Candidates::Paths(Vec::new()),
                };
                Ok(Frame {
                    candidates,
                    pos: 0,
                    checks: Rc::new(Checks {
                        props,
                        to_props: Vec::new(),
                        rel_keys,
                        node: Keys::default(),
                        targets: None,
                        to_target: None,
                    }),
                })
            }
        }
    }

    /// The checks of an expansion's candidates, made once per matcher when
    /// its property maps hold only constants.
    fn expand_checks(&self, x: &Expand) -> Result<Rc<Checks>, QueryError> {
        let constant = x
            .rel_props
            .iter()
            .chain(&x.to_filter.props)
            .all(|(_, e)| is_constant(e));
        let key = std::ptr::from_ref(x) as usize;
        if constant && let Some(hit) = self.checks_cache.borrow().get(&key) {
            return Ok(hit.clone());
        }
        let g = self.ctx.graph;
        let props = self.eval_props(&x.rel_props)?;
        let to_props = self.eval_props(&x.to_filter.props)?;
        // A reached node given by name is checked against the name index's
        // few nodes rather than by reading properties.
        let targets = x
            .to_filter
            .props
            .iter()
            .zip(&to_props)
            .find_map(|((k, _), v)| match v {
                Value::String(s) if &**k == crate::graph::NAME_KEY => {
                    Some(g.lookup_name(s).to_vec())
                }
                _ => None,
            });
        let to_target = match targets.as_deref() {
            Some(&[t]) if x.range.is_none() => self.edges_to_target(x, t),
            _ => None,
        };
        let checks = Rc::new(Checks {
            rel_keys: Keys::new(g, &[], &x.rel_props),
            node: Keys::new(g, &x.to_filter.labels, &x.to_filter.props),
            props,
            to_props,
            targets,
            to_target,
        });
        if constant {
            self.checks_cache.borrow_mut().insert(key, checks.clone());
        }
        Ok(checks)
    }

    /// The edges of expansion `x` that reach `target`, by the node they
    /// start from (see `Checks::to_target`), when `x` has one type and one
    /// direction and `target` few such edges; each list in the order
    /// `edges_between` gives.
    fn edges_to_target(
        &self,
        x: &Expand,
        target: NodeId,
    ) -> Option<HashMap<NodeId, EdgeList, FastBuild>> {
        /// Past this many edges at the target, building the index could
        /// cost more than the frames it saves.
        const MAX_EDGES: usize = 1 << 16;
        let g = self.ctx.graph;
        let sym = x.single_type(g)?;
        // Both directions list a pair's edges in another order from each
        // end.
        if x.direction == Direction::Both {
            return None;
        }
        let back = x.direction.reverse();
        if g.typed_degree(target, back, sym) > MAX_EDGES {
            return None;
        }
        let mut lists: HashMap<NodeId, Vec<(EdgeId, NodeId)>, FastBuild> = HashMap::default();
        // Both ends list their edges oldest first, read newest first: a
        // pair's edges come out in the same order from either end.
        for (e, other) in g.edges_at(target, back, Some(sym)) {
            lists.entry(other).or_default().push((e, target));
        }
        Some(lists.into_iter().map(|(n, v)| (n, Rc::new(v))).collect())
    }

    /// The edges at `from`, remembered per step: a hub is reached again and
    /// again, and walking its whole adjacency list is the cost, even when
    /// few edges of the wanted type come out. With a `target`, only the
    /// edges that reach it, found from whichever end has fewer edges.
    fn cached_edges(&self, from: NodeId, x: &Expand, target: Option<NodeId>) -> EdgeList {
        let key = (
            std::ptr::from_ref(x) as usize,
            from,
            target.map_or(u32::MAX, |t| t.0),
        );
        if let Some(hit) = self.edge_cache.borrow().get(&key) {
            return hit.clone();
        }
        let edges = Rc::new(match target {
            Some(t) => self.edges_between(from, t, x),
            None => self.edges(from, x),
        });
        let mut cache = self.edge_cache.borrow_mut();
        if cache.len() < EDGE_CACHE {
            cache.insert(key, edges.clone());
        }
        edges
    }

    /// The edges the expansion may follow from `from` that reach `to`.
    fn edges_between(&self, from: NodeId, to: NodeId, x: &Expand) -> Vec<(EdgeId, NodeId)> {
        let g = self.ctx.graph;
        if let Some(sym) = x.single_type(g) {
            let back = x.direction.reverse();
            // Both directions: counted without walking for self-loops.
            let degree = |n: NodeId, d: Direction| match d {
                Direction::Both => {
                    g.typed_degree(n, Direction::Outgoing, sym)
                        + g.typed_degree(n, Direction::Incoming, sym)
                }
                d => g.typed_degree(n, d, sym),
            };
            if degree(to, back) < degree(from, x.direction) {
                return g
                    .edges_at(to, back, Some(sym))
                    .filter(|(_, other)| *other == from)
                    .map(|(e, _)| (e, to))
                    .collect();
            }
        }
        let mut edges = self.edges(from, x);
        edges.retain(|(_, other)| *other == to);
        edges
    }

    /// The edges at `from` that the expansion may follow (type by index).
    fn edges(&self, from: NodeId, x: &Expand) -> Vec<(EdgeId, NodeId)> {
        let g = self.ctx.graph;
        match x.types.as_slice() {
            [_] => match x.single_type(g) {
                Some(sym) => g.typed_edges(from, x.direction, sym),
                None => Vec::new(),
            },
            _ => g.edges_at(from, x.direction, None).collect(),
        }
    }

    #[inline(always)]
    fn type_ok(&self, types: &[std::sync::Arc<str>], e: EdgeId) -> bool {
        if types.len() <= 1 {
            // One type was already used to select the edges.
            return true;
        }
        self.ctx
            .graph
            .edge(e)
            .is_some_and(|r| types.iter().any(|t| **t == *r.edge_type()))
    }

    #[inline(always)]
    fn rel_props_ok(&self, keys: &Keys, values: &[Value], e: EdgeId) -> bool {
        keys.is_empty() || self.rel_props_match(keys, values, e)
    }

    fn rel_props_match(&self, keys: &Keys, values: &[Value], e: EdgeId) -> bool {
        if keys.dead {
            return false;
        }
        let Some(r) = self.ctx.graph.edge(e) else {
            return false;
        };
        let props = r.properties();
        keys.keys.iter().zip(values).all(|(k, v)| {
            props
                .get(*k)
                .is_some_and(|p| Value::from_property(p).equals(v) == Some(true))
        })
    }

    #[inline(always)]
    fn node_ok(&self, keys: &Keys, values: &[Value], n: NodeId) -> bool {
        if keys.is_empty() {
            return true;
        }
        if !keys.dead && keys.keys.is_empty() {
            let g = self.ctx.graph;
            return keys.tests.iter().all(|t| g.passes(n, *t));
        }
        self.node_props_match(keys, values, n)
    }

    fn node_props_match(&self, keys: &Keys, values: &[Value], n: NodeId) -> bool {
        if keys.dead {
            return false;
        }
        let g = self.ctx.graph;
        let Some(node) = g.node(n) else {
            return false;
        };
        let props = node.properties();
        keys.labels.iter().all(|l| node.has_label(*l))
            && keys.keys.iter().zip(values).all(|(k, v)| {
                props
                    .get(*k)
                    .is_some_and(|p| Value::from_property(p).equals(v) == Some(true))
            })
    }

    /// Whether `e` is already bound by an earlier relationship of the clause.
    #[inline(always)]
    fn used(&self, distinct_from: &[Slot], e: EdgeId) -> bool {
        distinct_from.iter().any(|&s| match &self.row[s] {
            Value::Relationship(r) => *r == e,
            Value::List(items) => items
                .iter()
                .any(|v| matches!(v, Value::Relationship(r) if *r == e)),
            _ => false,
        })
    }

    /// Every chain of `min..=max` distinct relationships from `from`.
    fn chains(
        &self,
        from: NodeId,
        x: &Expand,
        keys: &Keys,
        props: &[Value],
        min: u64,
        max: Option<u64>,
    ) -> Result<Vec<(Vec<EdgeId>, NodeId)>, QueryError> {
        let mut out = Vec::new();
        if max.is_some_and(|m| m < min) {
            return Ok(out);
        }
        if min == 0 {
            out.push((Vec::new(), from));
        }
        if max == Some(0) {
            return Ok(out);
        }
        // Depth-first over (node reached, chain so far, next edge index).
        let mut stack: Vec<ChainFrame> = vec![(from, self.edges(from, x), 0)];
        let mut chain: Vec<EdgeId> = Vec::new();
        let mut held = 0usize;
        while let Some((_, edges, pos)) = stack.last_mut() {
            self.ctx.guard.tick()?;
            let Some(&(e, next)) = edges.get(*pos) else {
                stack.pop();
                chain.pop();
                continue;
            };
            *pos += 1;
            if chain.contains(&e)
                || self.used(&x.distinct_from, e)
                || !self.type_ok(&x.types, e)
                || !self.rel_props_ok(keys, props, e)
            {
                continue;
            }
            chain.push(e);
            let len = chain.len() as u64;
            if len >= min.max(1) {
                held += chain.len() + 1;
                self.ctx.guard.charge(chain.len() + 1)?;
                out.push((chain.clone(), next));
            }
            if max.is_none_or(|m| len < m) {
                let edges = self.edges(next, x);
                stack.push((next, edges, 0));
            } else {
                chain.pop();
            }
        }
        self.ctx.guard.release(held);
        Ok(out)
    }

    /// The shortest chains from `a` to `b`: all of them by a layered search
    /// from `a`, or one by a search from both ends.
    fn shortest(
        &self,
        a: NodeId,
        b: NodeId,
        s: &Shortest,
        keys: &Keys,
        props: &[Value],
    ) -> Result<Vec<Vec<EdgeId>>, QueryError> {
        let (min, max) = s.range;
        if a == b {
            return Ok(if min == 0 {
                vec![Vec::new()]
            } else {
                Vec::new()
            });
        }
        let x = Expand {
            from: s.from,
            rel: s.rel,
            to: s.to,
            rel_bound: false,
            to_bound: true,
            direction: s.direction,
            types: s.types.clone(),
            rel_props: s.rel_props.clone(),
            range: None,
            to_filter: EntityFilter::default(),
            distinct_from: Vec::new(),
            reversed: false,
            warm: Default::default(),
            type_sym: Default::default(),
        };
        if !s.all {
            return self.bidirectional(a, b, &x, s, keys, props);
        }
        // Breadth-first from `a`, remembering every parent edge of a node
        // reached at its first depth, until the layer that reaches `b`.
        let mut parents: HashMap<NodeId, Vec<(EdgeId, NodeId)>> = HashMap::new();
        let mut depth_of: HashMap<NodeId, u64> = HashMap::from([(a, 0)]);
        let mut frontier: VecDeque<NodeId> = VecDeque::from([a]);
        let mut depth = 0u64;
        let mut reached = false;
        while !frontier.is_empty() && !reached && max.is_none_or(|m| depth < m) {
            depth += 1;
            let mut next_layer = Vec::new();
            for n in frontier.drain(..) {
                for (e, other) in self.edges(n, &x) {
                    self.ctx.guard.tick()?;
                    if !self.type_ok(&s.types, e) || !self.rel_props_ok(keys, props, e) {
                        continue;
                    }
                    match depth_of.get(&other) {
                        Some(&d) if d < depth => continue,
                        Some(_) => {}
                        None => {
                            depth_of.insert(other, depth);
                            next_layer.push(other);
                        }
                    }
                    parents.entry(other).or_default().push((e, n));
                    if other == b {
                        reached = true;
                    }
                }
            }
            self.ctx.guard.charge(next_layer.len())?;
            frontier.extend(next_layer);
        }
        if !reached {
            return Ok(Vec::new());
        }
        // Walk the parents back from `b`; one path unless all are asked for.
        let mut out = Vec::new();
        let mut stack: Vec<(NodeId, Vec<EdgeId>)> = vec![(b, Vec::new())];
        while let Some((n, chain)) = stack.pop() {
            self.ctx.guard.tick()?;
            if n == a {
                let mut chain = chain;
                chain.reverse();
                out.push(chain);
                if !s.all {
                    break;
                }
                continue;
            }
            let mut seen = HashSet::new();
            for &(e, p) in parents.get(&n).map_or(&[][..], |v| v.as_slice()) {
                if !seen.insert(e) || chain.contains(&e) {
                    continue;
                }
                let mut c = chain.clone();
                c.push(e);
                stack.push((p, c));
            }
        }
        Ok(out)
    }

    /// One shortest chain from `a` to `b` by a breadth-first search from both
    /// ends, always growing the smaller frontier by a whole layer.
    fn bidirectional(
        &self,
        a: NodeId,
        b: NodeId,
        forward: &Expand,
        s: &Shortest,
        keys: &Keys,
        props: &[Value],
    ) -> Result<Vec<Vec<EdgeId>>, QueryError> {
        let mut backward = forward.clone();
        backward.direction = forward.direction.reverse();
        // Each side: node -> the edge and node it was reached from.
        let mut seen_f: HashMap<NodeId, Option<(EdgeId, NodeId)>> = HashMap::from([(a, None)]);
        let mut seen_b: HashMap<NodeId, Option<(EdgeId, NodeId)>> = HashMap::from([(b, None)]);
        let mut front_f = vec![a];
        let mut front_b = vec![b];
        let mut hops = 0u64;
        let mut meet = None;
        while meet.is_none() && !front_f.is_empty() && !front_b.is_empty() {
            if s.range.1.is_some_and(|m| hops >= m) {
                break;
            }
            hops += 1;
            let grow_forward = front_f.len() <= front_b.len();
            let (front, seen, other, x) = if grow_forward {
                (&mut front_f, &mut seen_f, &seen_b, forward)
            } else {
                (&mut front_b, &mut seen_b, &seen_f, &backward)
            };
            let mut next = Vec::new();
            'layer: for &n in front.iter() {
                for (e, m) in self.edges(n, x) {
                    self.ctx.guard.tick()?;
                    if seen.contains_key(&m)
                        || !self.type_ok(&s.types, e)
                        || !self.rel_props_ok(keys, props, e)
                    {
                        continue;
                    }
                    seen.insert(m, Some((e, n)));
                    if other.contains_key(&m) {
                        meet = Some(m);
                        break 'layer;
                    }
                    next.push(m);
                }
            }
            self.ctx.guard.charge(next.len())?;
            *front = next;
        }
        let Some(meet) = meet else {
            return Ok(Vec::new());
        };
        let mut chain = Vec::new();
        let mut n = meet;
        while let Some(Some((e, p))) = seen_f.get(&n) {
            chain.push(*e);
            n = *p;
        }
        chain.reverse();
        let mut n = meet;
        while let Some(Some((e, p))) = seen_b.get(&n) {
            chain.push(*e);
            n = *p;
        }
        Ok(vec![chain])
    }

    /// Takes the next candidate of the top frame that passes its checks and
    /// binds it; false when the frame is exhausted.
    fn advance(&mut self) -> Result<bool, QueryError> {
        let depth = self.stack.len();
        let Some(step) = depth
            .checked_sub(1)
            .and_then(|d| self.steps.get(d))
            .copied()
        else {
            return Ok(false);
        };
        loop {
            self.ctx.guard.tick()?;
            let Some(frame) = self.stack.last_mut() else {
                return Ok(false);
            };
            let pos = frame.pos;
            frame.pos += 1;
            let frame = &self.stack[depth - 1];
            match (step, &frame.candidates) {
                (Step::Node { slot, warm, .. }, Candidates::Nodes(c)) => {
                    let Some(&n) = c.get(pos) else {
                        return Ok(false);
                    };
                    if *warm && pos % WARM_BATCH == 0 {
                        let batch = &c[pos..c.len().min(pos + WARM_BATCH)];
                        self.ctx.graph.warm_nodes(batch);
                    }
                    if self.node_ok(&frame.checks.node, &frame.checks.props, n) {
                        put(&mut self.row[*slot], Value::Node(n));
                        return Ok(true);
                    }
                }
                (Step::Expand(x), Candidates::Edges(c)) => {
                    let Some(&(e, n)) = c.get(pos) else {
                        return Ok(false);
                    };
                    if pos % WARM_BATCH == 0 && (x.warm.rels || x.warm.nodes) {
                        let batch = &c[pos..c.len().min(pos + WARM_BATCH)];
                        self.ctx.graph.warm(batch, x.warm.rels, x.warm.nodes);
                    }
                    let ok = self.type_ok(&x.types, e)
                        && !self.used(&x.distinct_from, e)
                        && (!x.rel_bound
                            || matches!(&self.row[x.rel], Value::Relationship(r) if *r == e))
                        && self.rel_props_ok(&frame.checks.rel_keys, &frame.checks.props, e)
                        && self.to_ok(x, frame, n);
                    if ok {
                        put(&mut self.row[x.rel], Value::Relationship(e));
                        put(&mut self.row[x.to], Value::Node(n));
                        return Ok(true);
                    }
                }
                (Step::Expand(x), Candidates::Chains(c)) => {
                    let Some((chain, n)) = c.get(pos) else {
                        return Ok(false);
                    };
                    if !self.to_ok(x, frame, *n) {
                        continue;
                    }
                    let mut list: Vec<Value> =
                        chain.iter().map(|e| Value::Relationship(*e)).collect();
                    if x.reversed {
                        list.reverse();
                    }
                    let value = Value::List(list);
                    if x.rel_bound && self.row[x.rel].equals(&value) != Some(true) {
                        continue;
                    }
                    let n = *n;
                    self.row[x.rel] = value;
                    put(&mut self.row[x.to], Value::Node(n));
                    return Ok(true);
                }
                (Step::Shortest(s), Candidates::Paths(c)) => {
                    let Some(chain) = c.get(pos) else {
                        return Ok(false);
                    };
                    let Value::Node(start) = self.row[s.from] else {
                        return Ok(false);
                    };
                    let path = walk(self.ctx.graph, start, chain);
                    let rels = Value::List(chain.iter().map(|e| Value::Relationship(*e)).collect());
                    self.row[s.rel] = rels;
                    self.row[s.path] = Value::Path(Box::new(path));
                    return Ok(true);
                }
                _ => return Ok(false),
            }
        }
    }

    #[inline(always)]
    fn to_ok(&self, x: &Expand, frame: &Frame, n: NodeId) -> bool {
        (!x.to_bound || matches!(&self.row[x.to], Value::Node(m) if *m == n))
            && frame.checks.targets.as_ref().is_none_or(|t| t.contains(&n))
            && self.node_ok(&frame.checks.node, &frame.checks.to_props, n)
    }

    /// Builds the named paths of a complete match.
    #[inline(always)]
    fn bind_paths(&mut self) {
        for &(slot, parts) in &self.paths {
            let path = self.ctx.path(parts, &self.row);
            self.row[*slot] = path;
        }
    }

    /// Finds the next match and leaves it in the matcher's row: true when
    /// there is one, false when the search is over.
    fn next_in_place(&mut self) -> Result<bool, QueryError> {
        if !self.started {
            self.started = true;
            if self.steps.is_empty() {
                if !self.share.is_first() {
                    return Ok(false);
                }
                self.bind_paths();
                return self.accept();
            }
            self.push_frame()?;
        }
        while !self.stack.is_empty() {
            if self.advance()? {
                if self.stack.len() == self.steps.len() {
                    if self.split == Split::Pending && !self.share.is_first() {
                        // A search that never branched belongs to the first part.
                        continue;
                    }
                    self.bind_paths();
                    if self.accept()? {
                        if let Some(first) = self.exists_from {
                            while self.stack.len() > first {
                                self.pop_frame();
                            }
                        }
                        return Ok(true);
                    }
                } else {
                    self.push_frame()?;
                }
            } else {
                self.pop_frame();
            }
        }
        Ok(false)
    }

    /// Whether the current row passes the clause's `WHERE`.
    fn accept(&mut self) -> Result<bool, QueryError> {
        let keep = match &self.filter {
            Some(t) => self.ctx.test(t, &self.row)?,
            None => true,
        };
        self.found |= keep;
        Ok(keep)
    }

    /// Ends the search: gives back the memory its frames held and, for an
    /// optional clause that found nothing, makes the row with the clause's
    /// new slots null (the one row it then yields).
    fn finish(&mut self) -> Option<&Row> {
        self.done = true;
        while !self.stack.is_empty() {
            self.pop_frame();
        }
        if self.optional && !self.found {
            for &s in self.new_slots {
                self.row[s] = Value::Null;
            }
            Some(&self.row)
        } else {
            None
        }
    }

    /// Runs the search to its end, handing each match to `sink` by
    /// reference, so that no row is copied; `sink` answers whether to go on.
    /// The rows are the ones the iterator would yield, in the same order.
    pub fn for_each_match(
        mut self,
        sink: &mut dyn FnMut(&Row) -> Result<bool, QueryError>,
    ) -> Result<(), QueryError> {
        while self.next_in_place()? {
            if !sink(&self.row)? {
                return Ok(());
            }
        }
        if let Some(row) = self.finish() {
            sink(row)?;
        }
        Ok(())
    }
}

impl Iterator for Matcher<'_> {
    type Item = Result<Row, QueryError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        match self.next_in_place() {
            Ok(true) => Some(Ok(self.row.clone())),
            Ok(false) => self.finish().map(|row| Ok(row.clone())),
            Err(e) => {
                self.done = true;
                Some(Err(e))
            }
        }
    }
}

impl Drop for Matcher<'_> {
    fn drop(&mut self) {
        self.ctx.guard.release(self.charged);
    }
}

/// How many candidate edges an expansion loads ahead at a time (see
/// `Graph::warm`).
pub(super) const WARM_BATCH: usize = 16;

/// Puts `v` in `slot`. The value there before is, as a rule, a node or a
/// relationship of the previous match: one that owns nothing is let go
/// without a call to drop it.
#[inline]
pub(super) fn put(slot: &mut Value, v: Value) {
    if slot.owns_nothing() {
        std::mem::forget(std::mem::replace(slot, v));
    } else {
        *slot = v;
    }
}

/// The path that starts at `start` and follows `chain`.
pub fn walk(graph: &Graph, start: NodeId, chain: &[EdgeId]) -> Path {
    let mut nodes = vec![start];
    let mut cur = start;
    for &e in chain {
        if let Some(r) = graph.edge(e) {
            cur = if r.source() == cur {
                r.target()
            } else {
                r.source()
            };
        }
        nodes.push(cur);
    }
    Path {
        nodes,
        relationships: chain.to_vec(),
    }
}
