//! Evaluation: runs a statement plan as pull-based row iterators over
//! slots, following openCypher's null and comparison semantics, and counts
//! the side effects.
//!
//! Reading operators stream: rows flow one at a time, so `LIMIT` stops the
//! scans and expansions beneath it. An updating clause sees its input
//! whole before it changes the graph (openCypher's clause-at-a-time
//! semantics), so the pipeline is cut there: the rows before it are
//! collected, the graph is changed, and reading resumes over the collected
//! rows. Evaluation never formats output and never imports petgraph.

mod expr;
mod ops;
mod parallel;
mod pattern;
mod regex;
mod write;

use std::cell::{Cell, RefCell};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering as AtomicOrdering};
use std::time::Instant;

use indexmap::IndexMap;

use crate::graph::{EdgeId, Graph, NodeId, PropertyValue, Sym};
use crate::hash::FastBuild;
use crate::query::error::{ErrorCode, QueryError};
use crate::query::plan::{Op, QueryPlan, StatementPlan};
use crate::query::value::Value;
use crate::query::{QueryResult, Stats};
use crate::span::Span;

pub use ops::RowIter;

/// One row: a value per slot.
pub type Row = Vec<Value>;

/// How many values `v` holds, counting the items of lists and maps two
/// levels deep: what the memory budget charges for a value kept.
fn weight(v: &Value) -> usize {
    fn inner(v: &Value, depth: u8) -> usize {
        let nested = |items: &mut dyn Iterator<Item = &Value>| -> usize {
            if depth == 0 {
                0
            } else {
                items.map(|x| inner(x, depth - 1)).sum()
            }
        };
        match v {
            Value::List(items) => 1 + items.len() + nested(&mut items.iter()),
            Value::Map(m) => 1 + m.len() + nested(&mut m.values()),
            Value::Path(p) => 1 + p.nodes.len() + p.relationships.len(),
            _ => 1,
        }
    }
    inner(v, 1)
}

/// The limits a statement runs under: cancellation, a deadline and a
/// memory budget. Checked in every loop that may run long.
#[derive(Debug)]
pub struct Guard {
    cancel: Option<Arc<AtomicBool>>,
    deadline: Option<Instant>,
    memory_budget: Option<usize>,
    /// Bytes charged, by this thread alone.
    used: Cell<usize>,
    /// Bytes charged, when the statement runs on several threads: one
    /// count for all their guards (see [`Guard::share`]).
    shared: Option<Arc<AtomicUsize>>,
    ticks: Cell<u32>,
    span: Span,
    parallelism: Parallelism,
}

/// How many threads a statement may use, and from what graph size on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Parallelism {
    /// Threads a statement may run on at once (1: one, the caller's).
    pub threads: usize,
    /// Graphs with fewer nodes and relationships than this run on one
    /// thread: starting threads costs more than it saves there.
    pub min_graph_size: usize,
    /// The other threads start once the calling thread has worked this
    /// long on a statement's shares: a new thread costs a few milliseconds
    /// before it does its first share (a core to wake, its first memory),
    /// more than a short statement takes on one thread.
    pub helpers_after: std::time::Duration,
}

impl Parallelism {
    /// One thread.
    pub const SEQUENTIAL: Parallelism = Parallelism {
        threads: 1,
        min_graph_size: usize::MAX,
        helpers_after: std::time::Duration::ZERO,
    };

    /// Graph size from which statements run on several threads, when
    /// they may.
    pub const DEFAULT_MIN_GRAPH_SIZE: usize = 50_000;

    /// How long the calling thread works alone before starting helpers.
    pub const DEFAULT_HELPERS_AFTER: std::time::Duration = std::time::Duration::from_millis(1);
}

impl Default for Parallelism {
    /// One thread. Several threads give the same rows but, on the two-core
    /// machine the benchmarks run on, no steady gain yet: a helper thread
    /// takes milliseconds to do its first share, and the merge runs on
    /// one thread.
    fn default() -> Parallelism {
        Parallelism {
            threads: 1,
            min_graph_size: Parallelism::DEFAULT_MIN_GRAPH_SIZE,
            helpers_after: Parallelism::DEFAULT_HELPERS_AFTER,
        }
    }
}

impl Guard {
    /// A guard with the given limits; errors carry `span`.
    pub fn new(
        cancel: Option<Arc<AtomicBool>>,
        deadline: Option<Instant>,
        memory_budget: Option<usize>,
        span: Span,
    ) -> Guard {
        Guard {
            cancel,
            deadline,
            memory_budget,
            used: Cell::new(0),
            shared: None,
            ticks: Cell::new(0),
            span,
            parallelism: Parallelism::SEQUENTIAL,
        }
    }

    /// The guard with `parallelism` (it starts with one thread).
    pub fn with_parallelism(mut self, parallelism: Parallelism) -> Guard {
        self.parallelism = parallelism;
        self
    }

    /// The count of bytes a statement's threads charge together, starting
    /// from what this guard holds.
    pub fn shared_count(&self) -> Arc<AtomicUsize> {
        Arc::new(AtomicUsize::new(self.used.get()))
    }

    /// A guard for one thread of a statement split over several: the same
    /// limits, charging `count` (from [`Guard::shared_count`]).
    pub fn share(&self, count: &Arc<AtomicUsize>) -> Guard {
        Guard {
            cancel: self.cancel.clone(),
            deadline: self.deadline,
            memory_budget: self.memory_budget,
            used: Cell::new(0),
            shared: Some(Arc::clone(count)),
            ticks: Cell::new(0),
            span: self.span,
            parallelism: Parallelism::SEQUENTIAL,
        }
    }

    /// Counts one unit of work; every few thousand units, checks the
    /// cancellation flag and the deadline.
    pub fn tick(&self) -> Result<(), QueryError> {
        let t = self.ticks.get().wrapping_add(1);
        self.ticks.set(t);
        if t.is_multiple_of(1024) {
            self.check()
        } else {
            Ok(())
        }
    }

    /// Checks the cancellation flag and the deadline now.
    pub fn check(&self) -> Result<(), QueryError> {
        if self
            .cancel
            .as_ref()
            .is_some_and(|c| c.load(AtomicOrdering::Relaxed))
        {
            return Err(QueryError {
                code: ErrorCode::Cancelled,
                span: self.span,
                message: "the query was cancelled".into(),
            });
        }
        if self.deadline.is_some_and(|d| Instant::now() >= d) {
            return Err(QueryError {
                code: ErrorCode::Timeout,
                span: self.span,
                message: "the query ran past its time limit".into(),
            });
        }
        Ok(())
    }

    /// Accounts for `values` values held at once (rows collected for a
    /// sort, a grouping, an expansion); fails past the memory budget.
    pub fn charge(&self, values: usize) -> Result<(), QueryError> {
        let bytes = values.saturating_mul(std::mem::size_of::<Value>());
        let used = match &self.shared {
            Some(count) => count
                .fetch_update(AtomicOrdering::Relaxed, AtomicOrdering::Relaxed, |u| {
                    Some(u.saturating_add(bytes))
                })
                .unwrap_or_else(|u| u)
                .saturating_add(bytes),
            None => {
                let used = self.used.get().saturating_add(bytes);
                self.used.set(used);
                used
            }
        };
        match self.memory_budget {
            Some(budget) if used > budget => Err(QueryError {
                code: ErrorCode::MemoryLimit,
                span: self.span,
                message: format!("the query needs more than its memory budget of {budget} bytes"),
            }),
            _ => Ok(()),
        }
    }

    /// Gives back what `charge` accounted for.
    pub fn release(&self, values: usize) {
        let freed = values.saturating_mul(std::mem::size_of::<Value>());
        // Saturating: a release never takes the count below zero.
        match &self.shared {
            Some(count) => {
                let _ = count.fetch_update(AtomicOrdering::Relaxed, AtomicOrdering::Relaxed, |u| {
                    Some(u.saturating_sub(freed))
                });
            }
            None => self.used.set(self.used.get().saturating_sub(freed)),
        }
    }
}

/// The part of a pattern source's work one run does when a statement's
/// pipeline is split over threads: the `part`th of `parts` contiguous
/// ranges of the candidates of its first step with more than one (see
/// `parallel`). Together the parts yield the source's rows once each, and
/// in order when their rows are put one after the other.
#[derive(Debug, Clone, Copy)]
pub struct Share<'m> {
    part: usize,
    parts: usize,
    /// The candidates of the frame the search splits at, once a part has
    /// made them: the other parts take their ranges from it.
    memo: Option<&'m SplitMemo>,
}

/// The candidates of the frame where a split search branches first, by
/// the depth of that frame: the same for every part.
#[derive(Debug, Default)]
pub struct SplitMemo(std::sync::OnceLock<(usize, pattern::AllCandidates)>);

impl Share<'_> {
    /// All of the work.
    pub const ALL: Share<'static> = Share {
        part: 0,
        parts: 1,
        memo: None,
    };
}

impl<'m> Share<'m> {
    /// The `part`th of `parts` (`part < parts`), sharing `memo` with the
    /// other parts.
    fn new(part: usize, parts: usize, memo: &'m SplitMemo) -> Share<'m> {
        Share {
            part,
            parts,
            memo: Some(memo),
        }
    }

    /// Whether the work is split at all.
    fn is_split(self) -> bool {
        self.parts > 1
    }

    /// Whether this part does the work that cannot be split (a source with
    /// at most one candidate at every step): the first part.
    fn is_first(self) -> bool {
        self.part == 0
    }

    /// This part's range of the ids below `bound`.
    fn id_range(self, bound: u32) -> std::ops::Range<u32> {
        let r = self.range(bound as usize);
        r.start as u32..r.end as u32
    }

    /// This part's range of `len` candidates.
    fn range(self, len: usize) -> std::ops::Range<usize> {
        len * self.part / self.parts..len * (self.part + 1) / self.parts
    }
}

/// What expressions and operators read while a statement runs.
pub struct Ctx<'a> {
    /// The graph as it is now.
    pub graph: &'a Graph,
    /// The statement's parameters.
    pub params: &'a IndexMap<String, Value>,
    /// The limits.
    pub guard: &'a Guard,
    /// Nodes and relationships deleted earlier in the statement.
    pub deleted: &'a Deleted,
    /// How many slots a row has.
    pub width: usize,
    /// Property keys already resolved to the graph's symbols.
    pub keys: KeyCache,
}

/// Property keys resolved to the graph's symbols, by the address of the
/// key's text: a key of the plan is looked up by name once per statement.
/// A hit is checked against the symbol's name, so a key at a reused
/// address can never read another key's values.
#[derive(Debug, Default)]
pub struct KeyCache(RefCell<HashMap<usize, Sym, FastBuild>>);

impl KeyCache {
    /// The symbol of property key `key`, if the graph has one.
    pub fn sym(&self, graph: &Graph, key: &str) -> Option<Sym> {
        let addr = key.as_ptr() as usize;
        if let Some(&sym) = self.0.borrow().get(&addr)
            && graph.resolve(sym) == key
        {
            return Some(sym);
        }
        let sym = graph.sym(key)?;
        self.0.borrow_mut().insert(addr, sym);
        Some(sym)
    }
}

/// The entities a statement deleted; reading them is an error.
#[derive(Debug, Default)]
pub struct Deleted {
    /// Deleted nodes.
    pub nodes: HashSet<NodeId>,
    /// Deleted relationships.
    pub edges: HashSet<EdgeId>,
    /// The types of deleted relationships (`type(r)` still answers).
    pub edge_types: HashMap<EdgeId, Arc<str>>,
}

/// A node or a relationship, as a key of the change log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Entity {
    /// A node.
    Node(NodeId),
    /// A relationship.
    Edge(EdgeId),
}

/// What a statement changed, kept as a net log so that the counts are what
/// a later query can observe (the TCK's definition): an entity created and
/// deleted in one statement counts neither way, and a property is an
/// (entity, key, value) triple compared between the statement's start and
/// its end.
#[derive(Debug, Default)]
pub struct Changes {
    /// Entities created by the statement and still alive.
    created: HashSet<Entity>,
    nodes_deleted: u64,
    relationships_deleted: u64,
    properties_set: u64,
    properties_removed: u64,
    /// The value each touched (entity, key) had when the statement began.
    before: HashMap<(Entity, Arc<str>), Option<PropertyValue>>,
}

impl Changes {
    /// Records a new entity and the keys it was created with.
    pub fn created<'k>(&mut self, e: Entity, keys: impl Iterator<Item = &'k str>) {
        self.created.insert(e);
        for k in keys {
            self.before.insert((e, Arc::from(k)), None);
        }
    }

    /// Records the value `key` of `e` had before it is changed.
    pub fn touched(&mut self, e: Entity, key: &str, old: Option<PropertyValue>) {
        self.before.entry((e, Arc::from(key))).or_insert(old);
    }

    fn settle(&mut self, before: &Option<PropertyValue>, now: &Option<PropertyValue>) {
        if now != before {
            if before.is_some() {
                self.properties_removed += 1;
            }
            if now.is_some() {
                self.properties_set += 1;
            }
        }
    }

    /// Records an entity about to be deleted: its property triples are
    /// settled now (its id may be reused by an entity created later in the
    /// same statement).
    pub fn deleting(&mut self, graph: &Graph, e: Entity) {
        let props: Vec<(Arc<str>, PropertyValue)> = match e {
            Entity::Node(n) => graph
                .node(n)
                .map(|n| {
                    n.properties()
                        .iter()
                        .map(|(k, v)| (Arc::from(graph.resolve(k)), v.clone()))
                        .collect()
                })
                .unwrap_or_default(),
            Entity::Edge(r) => graph
                .edge(r)
                .map(|r| {
                    r.properties()
                        .iter()
                        .map(|(k, v)| (Arc::from(graph.resolve(k)), v.clone()))
                        .collect()
                })
                .unwrap_or_default(),
        };
        for (k, v) in props {
            let before = self.before.remove(&(e, k)).unwrap_or(Some(v));
            self.settle(&before, &None);
        }
        let mut gone = Vec::new();
        self.before.retain(|(entity, _), before| {
            if *entity == e {
                gone.push(before.take());
                false
            } else {
                true
            }
        });
        for before in gone {
            self.settle(&before, &None);
        }
        if !self.created.remove(&e) {
            match e {
                Entity::Node(_) => self.nodes_deleted += 1,
                Entity::Edge(_) => self.relationships_deleted += 1,
            }
        }
    }

    /// The net counts against the graph as it is now.
    fn stats(mut self, graph: &Graph, stats: &mut Stats) {
        for e in &self.created {
            match e {
                Entity::Node(_) => stats.nodes_created += 1,
                Entity::Edge(_) => stats.relationships_created += 1,
            }
        }
        for ((e, key), before) in std::mem::take(&mut self.before) {
            let now = match e {
                Entity::Node(n) => graph.node(n).and_then(|n| n.property(&key).cloned()),
                Entity::Edge(r) => graph.edge(r).and_then(|r| r.property(&key).cloned()),
            };
            self.settle(&before, &now);
        }
        stats.nodes_deleted += self.nodes_deleted;
        stats.relationships_deleted += self.relationships_deleted;
        stats.properties_set += self.properties_set;
        stats.properties_removed += self.properties_removed;
    }
}

/// Rows per operator, filled when a statement is profiled.
pub type Profile = Vec<Vec<u64>>;

/// Runs a planned statement against `graph`.
pub fn run_plan(
    graph: &mut Graph,
    plan: &StatementPlan,
    params: &IndexMap<String, Value>,
    guard: &Guard,
    mut profile: Option<&mut Profile>,
) -> Result<QueryResult, QueryError> {
    let mut stats = Stats::default();
    let mut changes = Changes::default();
    let labels_before: HashSet<String> = graph.labels().map(|(l, _)| l.to_string()).collect();
    let mut deleted = Deleted::default();
    let mut rows: Vec<Row> = Vec::new();
    for part in &plan.parts {
        let counts = profile.as_deref_mut().map(|p| {
            p.push(vec![0; part.ops.len()]);
            p.len() - 1
        });
        let mut part_counts = vec![0u64; part.ops.len()];
        let part_rows = run_query(
            graph,
            part,
            params,
            guard,
            &mut deleted,
            &mut changes,
            &mut part_counts,
        )?;
        if let (Some(p), Some(idx)) = (profile.as_deref_mut(), counts) {
            p[idx] = part_counts;
        }
        rows.extend(part_rows);
    }
    // openCypher forbids mixing `UNION` and `UNION ALL`; the planner rejects it.
    if plan.union_all.iter().any(|all| !all) {
        rows = distinct_rows(rows);
    }
    changes.stats(graph, &mut stats);
    let labels_after: HashSet<String> = graph.labels().map(|(l, _)| l.to_string()).collect();
    stats.labels_added = labels_after.difference(&labels_before).count() as u64;
    stats.labels_removed = labels_before.difference(&labels_after).count() as u64;
    Ok(QueryResult {
        columns: plan.columns.clone(),
        rows,
        stats,
    })
}

/// Keeps the first of each group of equivalent rows.
fn distinct_rows(rows: Vec<Row>) -> Vec<Row> {
    let mut seen = HashSet::new();
    rows.into_iter()
        .filter(|row| seen.insert(row.iter().map(Value::hash_key).collect::<Vec<_>>()))
        .collect()
}

/// Runs one single query: streams the reading operators, cutting the
/// pipeline at each updating clause.
fn run_query(
    graph: &mut Graph,
    plan: &QueryPlan,
    params: &IndexMap<String, Value>,
    guard: &Guard,
    deleted: &mut Deleted,
    stats: &mut Changes,
    counts: &mut [u64],
) -> Result<Vec<Row>, QueryError> {
    let mut input: Vec<Row> = vec![vec![Value::Null; plan.width]];
    let mut start = 0;
    while start <= plan.ops.len() {
        let end = plan.ops[start..]
            .iter()
            .position(Op::is_update)
            .map_or(plan.ops.len(), |p| start + p);
        let reads = &plan.ops[start..end];
        let cells: Vec<Cell<u64>> = counts[start..end].iter().map(|c| Cell::new(*c)).collect();
        let split = parallel::cut(reads).filter(|_| parallel::worth(graph, guard, input.len()));
        let collected = if let (Some(cut), Some(row)) = (split, input.first()) {
            let segment = parallel::Segment {
                graph,
                params,
                guard,
                deleted,
                width: plan.width,
                ops: reads,
                counts: &cells,
            };
            parallel::run(&segment, cut, row.clone())?
        } else {
            let ctx = Ctx {
                graph,
                params,
                guard,
                deleted,
                width: plan.width,
                keys: Default::default(),
            };
            let iter = ops::build(&ctx, reads, Box::new(input.into_iter().map(Ok)), &cells);
            let mut out = Vec::new();
            for row in iter {
                let row = row?;
                guard.charge(row.len())?;
                out.push(row);
            }
            out
        };
        for (c, cell) in counts[start..end].iter_mut().zip(&cells) {
            *c = cell.get();
        }
        input = collected;
        if end == plan.ops.len() {
            break;
        }
        let op = &plan.ops[end];
        input = write::apply(graph, op, input, params, guard, deleted, stats)?;
        counts[end] = input.len() as u64;
        start = end + 1;
    }
    if plan.output.is_empty() {
        return Ok(Vec::new());
    }
    // A slot's value is moved out of the row at its last use in the output
    // and copied only for a use before that (`RETURN a, a`).
    let last_use: Vec<bool> = plan
        .output
        .iter()
        .enumerate()
        .map(|(i, s)| !plan.output[i + 1..].contains(s))
        .collect();
    Ok(input
        .into_iter()
        .map(|mut row| {
            plan.output
                .iter()
                .zip(&last_use)
                .map(|(&s, &last)| match row.get_mut(s) {
                    Some(v) if last => std::mem::take(v),
                    Some(v) => v.clone(),
                    None => Value::Null,
                })
                .collect()
        })
        .collect())
}
