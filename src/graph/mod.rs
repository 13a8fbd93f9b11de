//! The graph store: a petgraph `StableGraph` of labelled nodes and typed
//! edges, with indexes by name and alias, by label and by type.
//!
//! Every stage writes into and reads from this store through the mutation
//! and look-up API below; outside this module nobody imports petgraph. The
//! graph knows nothing about queries, text or files.

mod bulk;
mod column;
pub mod dump;
mod intern;
pub mod merge;
mod property;
mod text;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use column::IntColumns;
use indexmap::IndexMap;
use petgraph::stable_graph::{EdgeIndex, NodeIndex, StableGraph};
use petgraph::visit::{EdgeIndexable as _, EdgeRef as _, NodeIndexable as _};

pub use intern::{Interner, Sym};
pub use property::{DateError, PartialDate, PropertyValue, days_in_month};
pub use text::Str;

/// The property key whose string value is a node's canonical name.
pub const NAME_KEY: &str = "name";
/// The property key whose list of strings holds a node's aliases.
pub const ALIASES_KEY: &str = "aliases";

/// A node's id: stable across deletes of other nodes and across save/load.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeId(pub u32);

/// An edge's id: stable across deletes of other edges and across save/load.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EdgeId(pub u32);

/// Which edges of a node to follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Edges that start at the node.
    Outgoing,
    /// Edges that end at the node.
    Incoming,
    /// Both; a self-loop is reported once.
    Both,
}

impl Direction {
    /// The direction that follows the same edges from their other end.
    pub fn reverse(self) -> Direction {
        match self {
            Direction::Outgoing => Direction::Incoming,
            Direction::Incoming => Direction::Outgoing,
            Direction::Both => Direction::Both,
        }
    }
}

/// An ordered map from interned keys to values.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Properties {
    entries: Vec<(Sym, PropertyValue)>,
}

impl Properties {
    /// The value under `key`.
    pub fn get(&self, key: Sym) -> Option<&PropertyValue> {
        self.entries.iter().find(|(k, _)| *k == key).map(|(_, v)| v)
    }

    /// The entries in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = (Sym, &PropertyValue)> {
        self.entries.iter().map(|(k, v)| (*k, v))
    }

    /// How many entries there are.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    fn insert(&mut self, key: Sym, value: PropertyValue) -> Option<PropertyValue> {
        match self.entries.iter_mut().find(|(k, _)| *k == key) {
            Some((_, v)) => Some(std::mem::replace(v, value)),
            None => {
                // Exact capacity: a million edges with three properties each
                // would otherwise carry room for a fourth.
                self.entries.reserve_exact(1);
                self.entries.push((key, value));
                None
            }
        }
    }

    fn remove(&mut self, key: Sym) -> Option<PropertyValue> {
        let i = self.entries.iter().position(|(k, _)| *k == key)?;
        Some(self.entries.remove(i).1)
    }
}

#[derive(Debug, Clone)]
struct NodeData {
    labels: Vec<Sym>,
    props: Properties,
}

#[derive(Debug, Clone)]
struct EdgeData {
    ty: Sym,
    props: Properties,
}

/// The edges of one type at one node in one direction, oldest first, each
/// with the node at its other end.
type TypedEdges = (Sym, Vec<(EdgeId, NodeId)>);

/// A borrowed list of edges, each with the node at its other end.
type EdgeList<'a> = &'a [(EdgeId, NodeId)];

/// A node's edges grouped by direction and type.
///
/// petgraph keeps a node's edges as a linked list threaded through the edge
/// array, so following edges of one type meant visiting every edge of the
/// node at a random place in memory. On the 1M-edge benchmark graph that
/// walk was most of the time of the analyst queries (a country has 76k
/// edges of which a query wants one type); contiguous per-type lists make
/// a typed expansion touch only the edges it returns.
#[derive(Debug, Clone, Default)]
struct Adjacency {
    out: Vec<TypedEdges>,
    inc: Vec<TypedEdges>,
    /// How many self-loops (of any type) the node has: without any, a
    /// degree in both directions is a sum, with no walk to find loops.
    loops: u32,
}

fn typed_push(groups: &mut Vec<TypedEdges>, ty: Sym, entry: (EdgeId, NodeId)) {
    match groups.iter_mut().find(|(t, _)| *t == ty) {
        Some((_, v)) => v.push(entry),
        None => groups.push((ty, vec![entry])),
    }
}

fn typed_remove(groups: &mut [TypedEdges], ty: Sym, edge: EdgeId) {
    if let Some((_, v)) = groups.iter_mut().find(|(t, _)| *t == ty)
        && let Some(i) = v.iter().rposition(|(e, _)| *e == edge)
    {
        // Ordered removal keeps the newest-first iteration order petgraph
        // gives, which the untyped path still uses.
        v.remove(i);
    }
}

/// Reads the record of every property list `lists` gives for `items`,
/// then (their addresses now at hand) every key: the reads of one pass
/// wait for none of the others, so that their cache misses overlap (see
/// `Graph::warm`).
fn touch<'g, T>(items: &[T], lists: impl Fn(&T) -> [Option<&'g Properties>; 2]) {
    /// Items read per pass: their lists are kept on the stack between the
    /// passes.
    const CHUNK: usize = 16;
    // The values read are folded into `touched` only so that the reads are
    // not optimised away.
    let mut touched = 0usize;
    for chunk in items.chunks(CHUNK) {
        let mut found: [&[(Sym, PropertyValue)]; 2 * CHUNK] = [&[]; 2 * CHUNK];
        let mut n = 0;
        for item in chunk {
            for props in lists(item).into_iter().flatten() {
                found[n] = &props.entries;
                n += 1;
            }
        }
        for entries in &found[..n] {
            // The first and the last key: a list of several entries spans
            // several cache lines.
            touched ^= entries.first().map_or(0, |(k, _)| k.index());
            touched ^= entries.last().map_or(0, |(k, _)| k.index());
        }
    }
    std::hint::black_box(touched);
}

/// The first string after every string that starts with `prefix` (an
/// ASCII one), so that a range scan of the prefix needs no test of each
/// key's text; `None` when there is none (the prefix is all `\x7f`, or
/// empty).
fn prefix_end(prefix: &str) -> Option<String> {
    let mut bytes = prefix.as_bytes().to_vec();
    while let Some(last) = bytes.pop() {
        if last < 0x7f {
            bytes.push(last + 1);
            return String::from_utf8(bytes).ok();
        }
    }
    None
}

fn typed_get(groups: &[TypedEdges], ty: Sym) -> &[(EdgeId, NodeId)] {
    groups
        .iter()
        .find(|(t, _)| *t == ty)
        .map_or(&[], |(_, v)| v.as_slice())
}

/// Why a mutation was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GraphError {
    /// The node id names no node (never made, or deleted).
    #[error("node {0} does not exist")]
    NoSuchNode(u32),
    /// The edge id names no edge (never made, or deleted).
    #[error("relationship {0} does not exist")]
    NoSuchEdge(u32),
    /// A node with edges was deleted without detaching them first.
    #[error("node {0} still has relationships; delete them first or use DETACH DELETE")]
    NodeHasEdges(u32),
}

/// The knowledge graph: nodes with labels and properties, edges with a type
/// and properties, and the indexes that keep look-ups from scanning.
#[derive(Debug, Clone, Default)]
pub struct Graph {
    graph: StableGraph<NodeData, EdgeData, petgraph::Directed, u32>,
    symbols: Interner,
    /// Lower-cased canonical name or alias -> the nodes that carry it.
    /// Sorted, so that names can be looked up by prefix too.
    names: BTreeMap<Box<str>, Vec<NodeId>>,
    /// Label -> the nodes that carry it, by id.
    by_label: IndexMap<Sym, BTreeSet<NodeId>>,
    /// Relationship type -> the edges of that type, by id.
    by_type: IndexMap<Sym, BTreeSet<EdgeId>>,
    /// Node index -> its edges by direction and type (see `Adjacency`).
    adjacency: Vec<Adjacency>,
    /// Node index -> one bit per label it carries, for the labels that
    /// have a bit (see `label_bits`): a label check then reads one word
    /// from a dense array instead of the node's record.
    label_masks: Vec<u64>,
    /// The labels that have a bit in `label_masks`, the bit being the
    /// position here: the first 64 labels ever added to a node.
    label_bits: Vec<Sym>,
    /// Node index -> how many of the entries of `names` that hold it hold
    /// another node too: 0 for a node that shares no name or alias with
    /// any other (ignoring case).
    name_clashes: Vec<u32>,
    /// Node index -> a bit set when the node's `name` is a string.
    string_named: Vec<u64>,
    name_key: Option<Sym>,
    aliases_key: Option<Sym>,
    /// Copies of some keys' integer values, by edge id (see `column.rs`).
    int_columns: IntColumns,
}

/// A label check resolved once (see `Graph::label_test`), cheap to
/// apply to many nodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LabelTest {
    /// The label has a bit in the dense label masks.
    Bit(u64),
    /// The label is checked against the node's record.
    Sym(Sym),
}

/// The nodes carrying a label, ascending by id (see
/// [`Graph::nodes_with_label`]).
pub enum LabelNodes<'g> {
    /// From the label's set of nodes.
    Set(std::collections::btree_set::Iter<'g, NodeId>),
    /// From the dense label masks: every id whose mask has `bit`.
    Masks {
        /// The masks, by node id.
        masks: &'g [u64],
        /// The label's bit.
        bit: u64,
        /// The next id to look at.
        next: usize,
    },
}

impl Iterator for LabelNodes<'_> {
    type Item = NodeId;

    fn next(&mut self) -> Option<NodeId> {
        match self {
            LabelNodes::Set(set) => set.next().copied(),
            LabelNodes::Masks { masks, bit, next } => {
                let Some(found) = masks
                    .get(*next..)
                    .and_then(|rest| rest.iter().position(|m| m & *bit != 0))
                else {
                    *next = masks.len();
                    return None;
                };
                let id = *next + found;
                *next = id + 1;
                Some(NodeId(id as u32))
            }
        }
    }
}

/// A read-only view of one node.
#[derive(Clone, Copy)]
pub struct NodeRef<'g> {
    graph: &'g Graph,
    id: NodeId,
    data: &'g NodeData,
}

impl<'g> NodeRef<'g> {
    /// The node's id.
    pub fn id(&self) -> NodeId {
        self.id
    }

    /// The node's labels as symbols, in the order they were added.
    pub fn label_syms(&self) -> &'g [Sym] {
        &self.data.labels
    }

    /// The node's labels, in the order they were added.
    pub fn labels(&self) -> impl Iterator<Item = &'g str> + 'g {
        let symbols = &self.graph.symbols;
        self.data.labels.iter().map(move |s| symbols.resolve(*s))
    }

    /// Whether the node carries `label`.
    pub fn has_label(&self, label: Sym) -> bool {
        self.data.labels.contains(&label)
    }

    /// The node's properties.
    pub fn properties(&self) -> &'g Properties {
        &self.data.props
    }

    /// The value of property `key`.
    pub fn property(&self, key: &str) -> Option<&'g PropertyValue> {
        self.data.props.get(self.graph.symbols.get(key)?)
    }

    /// The node's canonical name, when it has one.
    pub fn name(&self) -> Option<&'g str> {
        self.data.props.get(self.graph.name_key?)?.as_str()
    }
}

/// A read-only view of one edge.
#[derive(Clone, Copy)]
pub struct EdgeRef<'g> {
    graph: &'g Graph,
    id: EdgeId,
    source: NodeId,
    target: NodeId,
    data: &'g EdgeData,
}

impl<'g> EdgeRef<'g> {
    /// The edge's id.
    pub fn id(&self) -> EdgeId {
        self.id
    }

    /// The node the edge starts at.
    pub fn source(&self) -> NodeId {
        self.source
    }

    /// The node the edge ends at.
    pub fn target(&self) -> NodeId {
        self.target
    }

    /// The edge's type as a symbol.
    pub fn type_sym(&self) -> Sym {
        self.data.ty
    }

    /// The edge's type.
    pub fn edge_type(&self) -> &'g str {
        self.graph.symbols.resolve(self.data.ty)
    }

    /// The edge's properties.
    pub fn properties(&self) -> &'g Properties {
        &self.data.props
    }

    /// The value of property `key`.
    pub fn property(&self, key: &str) -> Option<&'g PropertyValue> {
        self.data.props.get(self.graph.symbols.get(key)?)
    }
}

fn name_key_of(s: &str) -> Box<str> {
    s.to_lowercase().into_boxed_str()
}

impl Graph {
    /// An empty graph.
    pub fn new() -> Graph {
        Graph::default()
    }

    /// The symbol table of labels, types and keys.
    pub fn symbols(&self) -> &Interner {
        &self.symbols
    }

    /// The symbol of `s`, adding it when new.
    pub fn intern(&mut self, s: &str) -> Sym {
        let sym = self.symbols.intern(s);
        if s == NAME_KEY {
            self.name_key = Some(sym);
        } else if s == ALIASES_KEY {
            self.aliases_key = Some(sym);
        }
        sym
    }

    /// The symbol of `s`, if any label, type or key was ever spelt so.
    pub fn sym(&self, s: &str) -> Option<Sym> {
        self.symbols.get(s)
    }

    /// The string of a symbol.
    pub fn resolve(&self, sym: Sym) -> &str {
        self.symbols.resolve(sym)
    }

    /// How many nodes there are.
    pub fn node_count(&self) -> usize {
        self.graph.node_count()
    }

    /// How many edges there are.
    pub fn edge_count(&self) -> usize {
        self.graph.edge_count()
    }

    /// One past the largest node id ever in use (ids below it may be free).
    pub fn node_bound(&self) -> usize {
        self.graph.node_bound()
    }

    /// One past the largest edge id ever in use (ids below it may be free).
    pub fn edge_bound(&self) -> usize {
        self.graph.edge_bound()
    }

    /// The node with id `id`, if it exists.
    pub fn node(&self, id: NodeId) -> Option<NodeRef<'_>> {
        self.graph
            .node_weight(NodeIndex::new(id.0 as usize))
            .map(|data| NodeRef {
                graph: self,
                id,
                data,
            })
    }

    /// Reads the records and the property lists of the edges of `entries`
    /// (when `edges`) and of the nodes beside them (when `nodes`), all
    /// before any is needed: their cache misses overlap, where reads one
    /// row at a time wait for each in turn. The property reads that follow
    /// then find them in cache. First every record is read, then (their
    /// addresses now at hand) every property list.
    pub fn warm(&self, entries: &[(EdgeId, NodeId)], edges: bool, nodes: bool) {
        touch(entries, |&(e, n)| {
            [
                edges.then(|| self.edge_props(e)).flatten(),
                nodes.then(|| self.node_props(n)).flatten(),
            ]
        });
    }

    /// The integer that edge `id` has under `key`, if it has one: read
    /// from the key's column when it has one (see [`Graph::has_int_column`]),
    /// else from the edge's property list.
    #[inline]
    pub fn edge_int(&self, id: EdgeId, key: Sym) -> Option<i64> {
        match self.int_columns.get(key, id) {
            Some(answer) => answer,
            None => match self.edge_props(id)?.get(key)? {
                PropertyValue::Int(i) => Some(*i),
                _ => None,
            },
        }
    }

    /// Whether the integers of edges under `key` are kept in a column, in
    /// the order of the edges' ids: reading many of them then touches
    /// neither the edges' records nor their property lists.
    pub fn has_int_column(&self, key: Sym) -> bool {
        self.int_columns.has(key)
    }

    /// [`Graph::warm`] for the nodes `ids`.
    pub fn warm_nodes(&self, ids: &[NodeId]) {
        touch(ids, |&n| [self.node_props(n), None]);
    }

    /// The properties of node `id`, if it exists (without the rest of a
    /// [`NodeRef`]).
    pub fn node_props(&self, id: NodeId) -> Option<&Properties> {
        let data = self.graph.node_weight(NodeIndex::new(id.0 as usize))?;
        Some(&data.props)
    }

    /// The properties of edge `id`, if it exists: unlike [`Graph::edge`],
    /// this does not look up the edge's endpoints.
    pub fn edge_props(&self, id: EdgeId) -> Option<&Properties> {
        let data = self.graph.edge_weight(EdgeIndex::new(id.0 as usize))?;
        Some(&data.props)
    }

    /// The edge with id `id`, if it exists.
    pub fn edge(&self, id: EdgeId) -> Option<EdgeRef<'_>> {
        let index = EdgeIndex::new(id.0 as usize);
        let data = self.graph.edge_weight(index)?;
        let (s, t) = self.graph.edge_endpoints(index)?;
        Some(EdgeRef {
            graph: self,
            id,
            source: NodeId(s.index() as u32),
            target: NodeId(t.index() as u32),
            data,
        })
    }

    /// Every node id, ascending.
    pub fn node_ids(&self) -> impl Iterator<Item = NodeId> + '_ {
        self.graph.node_indices().map(|i| NodeId(i.index() as u32))
    }

    /// Every edge id, ascending.
    pub fn edge_ids(&self) -> impl Iterator<Item = EdgeId> + '_ {
        self.graph.edge_indices().map(|i| EdgeId(i.index() as u32))
    }

    /// The nodes carrying `label`, ascending by id.
    pub fn nodes_with_label(&self, label: &str) -> LabelNodes<'_> {
        let Some((sym, set)) = self
            .sym(label)
            .and_then(|s| Some((s, self.by_label.get(&s)?)))
        else {
            return LabelNodes::Set(Default::default());
        };
        // Most nodes carry the label: a scan of the dense masks reads one
        // array in order, where the set's walk follows its tree.
        match self.label_test(sym) {
            LabelTest::Bit(bit) if set.len().saturating_mul(4) >= self.label_masks.len() => {
                LabelNodes::Masks {
                    masks: &self.label_masks,
                    bit,
                    next: 0,
                }
            }
            _ => LabelNodes::Set(set.iter()),
        }
    }

    /// The nodes carrying `label` whose ids lie in `ids`, ascending.
    pub fn nodes_with_label_in(
        &self,
        label: &str,
        ids: std::ops::Range<u32>,
    ) -> impl Iterator<Item = NodeId> + '_ {
        self.sym(label)
            .and_then(|s| self.by_label.get(&s))
            .filter(|_| ids.start < ids.end)
            .into_iter()
            .flat_map(move |set| set.range(NodeId(ids.start)..NodeId(ids.end)).copied())
    }

    /// The ids of the nodes carrying `label` lie below this.
    pub fn label_id_bound(&self, label: &str) -> u32 {
        self.sym(label)
            .and_then(|s| self.by_label.get(&s))
            .and_then(|set| set.last())
            .map_or(0, |n| n.0 + 1)
    }

    /// How many nodes carry `label`.
    pub fn label_count(&self, label: &str) -> usize {
        self.sym(label)
            .and_then(|s| self.by_label.get(&s))
            .map_or(0, |s| s.len())
    }

    /// The edges of type `ty`, ascending by id.
    pub fn edges_with_type(&self, ty: &str) -> impl Iterator<Item = EdgeId> + '_ {
        self.sym(ty)
            .and_then(|s| self.by_type.get(&s))
            .into_iter()
            .flat_map(|set| set.iter().copied())
    }

    /// How many edges have type `ty`.
    pub fn type_count(&self, ty: &str) -> usize {
        self.sym(ty)
            .and_then(|s| self.by_type.get(&s))
            .map_or(0, |s| s.len())
    }

    /// Every label in use with its node count, in first-use order.
    pub fn labels(&self) -> impl Iterator<Item = (&str, usize)> + '_ {
        self.by_label
            .iter()
            .filter(|(_, set)| !set.is_empty())
            .map(|(s, set)| (self.resolve(*s), set.len()))
    }

    /// Every relationship type in use with its edge count, in first-use order.
    pub fn edge_types(&self) -> impl Iterator<Item = (&str, usize)> + '_ {
        self.by_type
            .iter()
            .filter(|(_, set)| !set.is_empty())
            .map(|(s, set)| (self.resolve(*s), set.len()))
    }

    /// The nodes whose canonical name or an alias equals `name`, ignoring case.
    pub fn lookup_name(&self, name: &str) -> &[NodeId] {
        self.names
            .get(&*name_key_of(name))
            .map_or(&[], |v| v.as_slice())
    }

    /// The nodes whose canonical name or an alias starts with `prefix`
    /// when both are lower-cased, ascending by id, each once; `None` when
    /// the prefix is not ASCII (lower-casing is then not a per-character
    /// map, and the index cannot answer).
    pub fn nodes_with_name_prefix(&self, prefix: &str) -> Option<Vec<NodeId>> {
        if !prefix.is_ascii() {
            return None;
        }
        let prefix = prefix.to_ascii_lowercase();
        let mut ids: Vec<NodeId> = self
            .names
            .range::<str, _>((
                std::ops::Bound::Included(prefix.as_str()),
                prefix_end(&prefix)
                    .as_deref()
                    .map_or(std::ops::Bound::Unbounded, std::ops::Bound::Excluded),
            ))
            .flat_map(|(_, ids)| ids.iter().copied())
            .collect();
        ids.sort_unstable();
        ids.dedup();
        Some(ids)
    }

    /// Every indexed name and alias (lower-cased), for completion.
    pub fn indexed_names(&self) -> impl Iterator<Item = &str> + '_ {
        self.names.keys().map(|k| &**k)
    }

    /// The edges at `node` in `direction`, each with the node at its other
    /// end, newest first (outgoing before incoming). With `ty`, only edges of
    /// that type, read from the per-type lists without visiting the others.
    pub fn edges_at(
        &self,
        node: NodeId,
        direction: Direction,
        ty: Option<Sym>,
    ) -> impl Iterator<Item = (EdgeId, NodeId)> + '_ {
        let index = NodeIndex::new(node.0 as usize);
        let present = self.graph.contains_node(index);
        let out = matches!(direction, Direction::Outgoing | Direction::Both) && present;
        let inc = matches!(direction, Direction::Incoming | Direction::Both) && present;
        let typed = ty.map(|t| {
            let (outs, incs) = if present {
                self.typed_lists(node, direction, t)
            } else {
                (&[][..], &[][..])
            };
            outs.iter().rev().copied().chain(
                incs.iter()
                    .rev()
                    .copied()
                    // A self-loop was already reported as outgoing.
                    .filter(move |(_, other)| !(out && *other == node)),
            )
        });
        let untyped = ty.is_none().then(|| {
            let outgoing = out
                .then(|| {
                    self.graph
                        .edges_directed(index, petgraph::Direction::Outgoing)
                })
                .into_iter()
                .flatten()
                .map(|e| (e, e.target()));
            let incoming = inc
                .then(|| {
                    self.graph
                        .edges_directed(index, petgraph::Direction::Incoming)
                })
                .into_iter()
                .flatten()
                // A self-loop was already reported as outgoing.
                .filter(move |e| !(out && e.source() == e.target()))
                .map(|e| (e, e.source()));
            outgoing
                .chain(incoming)
                .map(|(e, other)| (EdgeId(e.id().index() as u32), NodeId(other.index() as u32)))
        });
        typed
            .into_iter()
            .flatten()
            .chain(untyped.into_iter().flatten())
    }

    /// The edges of type `ty` at `node` in `direction`, in the order of
    /// [`Graph::edges_at`], copied from the per-type lists in one go.
    pub fn typed_edges(
        &self,
        node: NodeId,
        direction: Direction,
        ty: Sym,
    ) -> Vec<(EdgeId, NodeId)> {
        if !self.graph.contains_node(NodeIndex::new(node.0 as usize)) {
            return Vec::new();
        }
        let (outs, incs) = self.typed_lists(node, direction, ty);
        let mut edges = Vec::with_capacity(outs.len() + incs.len());
        edges.extend(outs.iter().rev());
        let loops = self.loops_in_both(node, direction);
        if loops {
            // A self-loop was already reported as outgoing.
            edges.extend(incs.iter().rev().filter(|(_, other)| *other != node));
        } else {
            edges.extend(incs.iter().rev());
        }
        edges
    }

    /// How many edges of type `ty` `node` has in `direction` (a self-loop
    /// counts once under `Both`), without walking them.
    pub fn typed_degree(&self, node: NodeId, direction: Direction, ty: Sym) -> usize {
        let Some(adj) = self.adjacency.get(node.0 as usize) else {
            return 0;
        };
        match direction {
            Direction::Outgoing => typed_get(&adj.out, ty).len(),
            Direction::Incoming => typed_get(&adj.inc, ty).len(),
            Direction::Both if adj.loops == 0 => {
                typed_get(&adj.out, ty).len() + typed_get(&adj.inc, ty).len()
            }
            Direction::Both => {
                let loops = typed_get(&adj.out, ty)
                    .iter()
                    .filter(|(_, o)| *o == node)
                    .count();
                typed_get(&adj.out, ty).len() + typed_get(&adj.inc, ty).len() - loops
            }
        }
    }

    /// How many edges of type `ty` `node` has in `direction` whose node at
    /// the other end has every label bit of `bits` (an or of
    /// [`LabelTest::Bit`]s): a count of typed neighbours that reads one
    /// word per edge from the dense label masks.
    pub fn typed_degree_to(&self, node: NodeId, direction: Direction, ty: Sym, bits: u64) -> usize {
        let masks = &self.label_masks;
        let passes = |other: NodeId| {
            masks
                .get(other.0 as usize)
                .is_some_and(|m| m & bits == bits)
        };
        let (outs, incs) = self.typed_lists(node, direction, ty);
        // A self-loop is in both lists and counts once.
        let loops = self.loops_in_both(node, direction);
        outs.iter().filter(|(_, o)| passes(*o)).count()
            + incs
                .iter()
                .filter(|(_, o)| passes(*o) && !(loops && *o == node))
                .count()
    }

    /// Whether `direction` is both and `node` has a self-loop (of any
    /// type): then its outgoing and incoming lists share an edge.
    fn loops_in_both(&self, node: NodeId, direction: Direction) -> bool {
        direction == Direction::Both
            && self
                .adjacency
                .get(node.0 as usize)
                .is_some_and(|a| a.loops > 0)
    }

    /// The edges of type `ty` at `node` that leave it and that reach it,
    /// each list empty when `direction` does not ask for it.
    fn typed_lists(
        &self,
        node: NodeId,
        direction: Direction,
        ty: Sym,
    ) -> (EdgeList<'_>, EdgeList<'_>) {
        let adj = self.adjacency.get(node.0 as usize);
        let out = matches!(direction, Direction::Outgoing | Direction::Both);
        let inc = matches!(direction, Direction::Incoming | Direction::Both);
        (
            adj.filter(|_| out)
                .map_or(&[][..], |a| typed_get(&a.out, ty)),
            adj.filter(|_| inc)
                .map_or(&[][..], |a| typed_get(&a.inc, ty)),
        )
    }

    /// [`Graph::typed_degree_to`] for each of `nodes`, into `counts`: the
    /// nodes' lists are first read one after another without waiting for
    /// each (their cache misses overlap), then counted.
    pub fn typed_degrees_to(
        &self,
        nodes: &[NodeId],
        direction: Direction,
        ty: Sym,
        bits: u64,
        counts: &mut Vec<usize>,
    ) {
        // The values read are folded into `touched` only so that the reads
        // are not optimised away.
        let mut touched = 0usize;
        for &n in nodes {
            let (outs, incs) = self.typed_lists(n, direction, ty);
            touched ^= outs.first().map_or(0, |(e, _)| e.0 as usize);
            touched ^= incs.first().map_or(0, |(e, _)| e.0 as usize);
        }
        std::hint::black_box(touched);
        counts.clear();
        counts.extend(
            nodes
                .iter()
                .map(|&n| self.typed_degree_to(n, direction, ty, bits)),
        );
    }

    /// How many edges `node` has in `direction`.
    pub fn degree(&self, node: NodeId, direction: Direction) -> usize {
        self.edges_at(node, direction, None).count()
    }

    /// Adds a node with `labels` and `props`; a null property is left out.
    pub fn add_node<'a, L, P>(&mut self, labels: L, props: P) -> NodeId
    where
        L: IntoIterator<Item = &'a str>,
        P: IntoIterator<Item = (&'a str, PropertyValue)>,
    {
        // Sized from the start: a vector grown one push at a time keeps room
        // for four entries, which doubles the memory of a million edges.
        let props = props.into_iter();
        let index = self.graph.add_node(NodeData {
            labels: Vec::new(),
            props: Properties {
                entries: Vec::with_capacity(props.size_hint().0),
            },
        });
        let id = NodeId(index.index() as u32);
        // petgraph reuses the index of a removed node.
        match self.adjacency.get_mut(id.0 as usize) {
            Some(adj) => *adj = Adjacency::default(),
            None => {
                self.adjacency
                    .resize_with(id.0 as usize + 1, Adjacency::default);
            }
        }
        self.set_label_mask(id, 0);
        for label in labels {
            self.add_label(id, label);
        }
        for (key, value) in props {
            self.set_node_property(id, key, value);
        }
        id
    }

    /// Adds an edge of type `ty` from `source` to `target`.
    pub fn add_edge<'a, P>(
        &mut self,
        source: NodeId,
        target: NodeId,
        ty: &str,
        props: P,
    ) -> Result<EdgeId, GraphError>
    where
        P: IntoIterator<Item = (&'a str, PropertyValue)>,
    {
        for n in [source, target] {
            if self.node(n).is_none() {
                return Err(GraphError::NoSuchNode(n.0));
            }
        }
        let ty = self.intern(ty);
        let props = props.into_iter();
        let index = self.graph.add_edge(
            NodeIndex::new(source.0 as usize),
            NodeIndex::new(target.0 as usize),
            EdgeData {
                ty,
                props: Properties {
                    entries: Vec::with_capacity(props.size_hint().0),
                },
            },
        );
        let id = EdgeId(index.index() as u32);
        self.by_type.entry(ty).or_default().insert(id);
        if let Some(adj) = self.adjacency.get_mut(source.0 as usize) {
            typed_push(&mut adj.out, ty, (id, target));
            if source == target {
                adj.loops += 1;
            }
        }
        if let Some(adj) = self.adjacency.get_mut(target.0 as usize) {
            typed_push(&mut adj.inc, ty, (id, source));
        }
        for (key, value) in props {
            self.set_edge_property(id, key, value)?;
        }
        Ok(id)
    }

    /// Adds `label` to a node; false when it was already there or the node is gone.
    pub fn add_label(&mut self, node: NodeId, label: &str) -> bool {
        let sym = self.intern(label);
        let Some(data) = self.graph.node_weight_mut(NodeIndex::new(node.0 as usize)) else {
            return false;
        };
        if data.labels.contains(&sym) {
            return false;
        }
        data.labels.push(sym);
        self.by_label.entry(sym).or_default().insert(node);
        let bit = match self.label_bits.iter().position(|l| *l == sym) {
            Some(i) => Some(i),
            None if self.label_bits.len() < 64 => {
                self.label_bits.push(sym);
                Some(self.label_bits.len() - 1)
            }
            None => None,
        };
        if let Some(i) = bit {
            let mask = self.label_masks.get(node.0 as usize).copied().unwrap_or(0);
            self.set_label_mask(node, mask | 1 << i);
        }
        true
    }

    fn set_label_mask(&mut self, node: NodeId, mask: u64) {
        let i = node.0 as usize;
        if i >= self.label_masks.len() {
            if mask == 0 {
                return;
            }
            self.label_masks.resize(i + 1, 0);
        }
        self.label_masks[i] = mask;
    }

    /// The label of `node` when it carries exactly one, read from the dense
    /// label masks without the node's record; `None` when it carries none
    /// or several, or when the graph has labels without a bit (then the
    /// mask does not tell).
    pub fn sole_label(&self, node: NodeId) -> Option<Sym> {
        if self.by_label.len() > self.label_bits.len() {
            return None;
        }
        let mask = *self.label_masks.get(node.0 as usize)?;
        if mask.count_ones() != 1 {
            return None;
        }
        self.label_bits.get(mask.trailing_zeros() as usize).copied()
    }

    /// A check of `label` to apply to many nodes with `passes`.
    pub fn label_test(&self, label: Sym) -> LabelTest {
        match self.label_bits.iter().position(|l| *l == label) {
            Some(i) => LabelTest::Bit(1 << i),
            None => LabelTest::Sym(label),
        }
    }

    /// Whether `node` exists and carries the label of `test`.
    #[inline]
    pub fn passes(&self, node: NodeId, test: LabelTest) -> bool {
        match test {
            LabelTest::Bit(bit) => self
                .label_masks
                .get(node.0 as usize)
                .is_some_and(|m| m & bit != 0),
            LabelTest::Sym(sym) => self.node(node).is_some_and(|n| n.has_label(sym)),
        }
    }

    /// Removes `label` from a node; false when it was not there.
    pub fn remove_label(&mut self, node: NodeId, label: &str) -> bool {
        let Some(sym) = self.sym(label) else {
            return false;
        };
        let Some(data) = self.graph.node_weight_mut(NodeIndex::new(node.0 as usize)) else {
            return false;
        };
        let Some(i) = data.labels.iter().position(|l| *l == sym) else {
            return false;
        };
        data.labels.remove(i);
        if let Some(set) = self.by_label.get_mut(&sym) {
            set.remove(&node);
        }
        if let Some(bit) = self.label_bits.iter().position(|l| *l == sym) {
            let mask = self.label_masks.get(node.0 as usize).copied().unwrap_or(0);
            self.set_label_mask(node, mask & !(1 << bit));
        }
        true
    }

    /// Sets a node property, returning the old value; `Null` removes it.
    pub fn set_node_property(
        &mut self,
        node: NodeId,
        key: &str,
        value: PropertyValue,
    ) -> Option<PropertyValue> {
        if value == PropertyValue::Null {
            return self.remove_node_property(node, key);
        }
        let sym = self.intern(key);
        let index = NodeIndex::new(node.0 as usize);
        let data = self.graph.node_weight_mut(index)?;
        let indexed = Some(sym) == self.name_key || Some(sym) == self.aliases_key;
        let new_names = indexed.then(|| names_of(&value));
        if Some(sym) == self.name_key {
            let named = matches!(value, PropertyValue::String(_));
            set_bit(&mut self.string_named, node.0 as usize, named);
        }
        let old = data.props.insert(sym, value);
        if indexed {
            if let Some(old) = &old {
                self.unindex_names(node, &names_of(old));
            }
            self.index_names(node, &new_names.unwrap_or_default());
        }
        old
    }

    /// Removes a node property, returning its value.
    pub fn remove_node_property(&mut self, node: NodeId, key: &str) -> Option<PropertyValue> {
        let sym = self.sym(key)?;
        let data = self
            .graph
            .node_weight_mut(NodeIndex::new(node.0 as usize))?;
        let old = data.props.remove(sym)?;
        if Some(sym) == self.name_key {
            set_bit(&mut self.string_named, node.0 as usize, false);
        }
        if Some(sym) == self.name_key || Some(sym) == self.aliases_key {
            self.unindex_names(node, &names_of(&old));
        }
        Some(old)
    }

    /// Sets an edge property, returning the old value; `Null` removes it.
    pub fn set_edge_property(
        &mut self,
        edge: EdgeId,
        key: &str,
        value: PropertyValue,
    ) -> Result<Option<PropertyValue>, GraphError> {
        if value == PropertyValue::Null {
            return self.remove_edge_property(edge, key);
        }
        let sym = self.intern(key);
        let data = self
            .graph
            .edge_weight_mut(EdgeIndex::new(edge.0 as usize))
            .ok_or(GraphError::NoSuchEdge(edge.0))?;
        self.int_columns.set(edge, sym, Some(&value));
        Ok(data.props.insert(sym, value))
    }

    /// Removes an edge property, returning its value.
    pub fn remove_edge_property(
        &mut self,
        edge: EdgeId,
        key: &str,
    ) -> Result<Option<PropertyValue>, GraphError> {
        let data = self
            .graph
            .edge_weight_mut(EdgeIndex::new(edge.0 as usize))
            .ok_or(GraphError::NoSuchEdge(edge.0))?;
        let Some(sym) = self.symbols.get(key) else {
            return Ok(None);
        };
        self.int_columns.set(edge, sym, None);
        Ok(data.props.remove(sym))
    }

    /// Deletes an edge.
    pub fn remove_edge(&mut self, edge: EdgeId) -> Result<(), GraphError> {
        let index = EdgeIndex::new(edge.0 as usize);
        let ends = self.graph.edge_endpoints(index);
        let data = self
            .graph
            .remove_edge(index)
            .ok_or(GraphError::NoSuchEdge(edge.0))?;
        self.int_columns.set_all(edge, &Properties::default());
        if let Some((s, t)) = ends {
            if let Some(adj) = self.adjacency.get_mut(s.index()) {
                typed_remove(&mut adj.out, data.ty, edge);
                if s == t {
                    adj.loops = adj.loops.saturating_sub(1);
                }
            }
            if let Some(adj) = self.adjacency.get_mut(t.index()) {
                typed_remove(&mut adj.inc, data.ty, edge);
            }
        }
        if let Some(set) = self.by_type.get_mut(&data.ty) {
            set.remove(&edge);
        }
        Ok(())
    }

    /// Deletes a node that has no edges.
    pub fn remove_node(&mut self, node: NodeId) -> Result<(), GraphError> {
        if self.node(node).is_none() {
            return Err(GraphError::NoSuchNode(node.0));
        }
        if self.edges_at(node, Direction::Both, None).next().is_some() {
            return Err(GraphError::NodeHasEdges(node.0));
        }
        self.drop_node(node);
        Ok(())
    }

    /// Deletes a node and every edge at it; returns the deleted edges.
    pub fn detach_remove_node(&mut self, node: NodeId) -> Result<Vec<EdgeId>, GraphError> {
        if self.node(node).is_none() {
            return Err(GraphError::NoSuchNode(node.0));
        }
        let edges: Vec<EdgeId> = self
            .edges_at(node, Direction::Both, None)
            .map(|(e, _)| e)
            .collect();
        for &e in &edges {
            self.remove_edge(e)?;
        }
        self.drop_node(node);
        Ok(edges)
    }

    fn drop_node(&mut self, node: NodeId) {
        let Some(data) = self.graph.remove_node(NodeIndex::new(node.0 as usize)) else {
            return;
        };
        if let Some(adj) = self.adjacency.get_mut(node.0 as usize) {
            *adj = Adjacency::default();
        }
        self.set_label_mask(node, 0);
        set_bit(&mut self.string_named, node.0 as usize, false);
        for label in &data.labels {
            if let Some(set) = self.by_label.get_mut(label) {
                set.remove(&node);
            }
        }
        for (key, value) in data.props.iter() {
            if Some(key) == self.name_key || Some(key) == self.aliases_key {
                self.unindex_names(node, &names_of(value));
            }
        }
    }

    /// Adds `alias` to a node's aliases unless it equals its name or an
    /// alias it has (ignoring case); true when added.
    pub fn add_alias(&mut self, node: NodeId, alias: &str) -> bool {
        let Some(n) = self.node(node) else {
            return false;
        };
        let known = |s: &str| s.to_lowercase() == alias.to_lowercase();
        if n.name().is_some_and(known) {
            return false;
        }
        let mut aliases = match n.property(ALIASES_KEY) {
            Some(PropertyValue::List(items)) => items.clone(),
            _ => Vec::new(),
        };
        if aliases.iter().filter_map(|a| a.as_str()).any(known) {
            return false;
        }
        aliases.push(PropertyValue::string(alias));
        self.set_node_property(node, ALIASES_KEY, PropertyValue::List(aliases));
        true
    }

    /// Makes a graph with nodes and edges at given ids, as a dump records
    /// them; ids not listed stay free. Fails on a dangling edge end.
    #[allow(clippy::type_complexity)]
    pub fn with_ids(
        nodes: Vec<(NodeId, Vec<Arc<str>>, Vec<(Arc<str>, PropertyValue)>)>,
        edges: Vec<(
            EdgeId,
            NodeId,
            NodeId,
            Arc<str>,
            Vec<(Arc<str>, PropertyValue)>,
        )>,
    ) -> Result<Graph, GraphError> {
        let mut graph = Graph::new();
        let node_bound = nodes.iter().map(|n| n.0.0 as usize + 1).max().unwrap_or(0);
        let mut holes = Vec::new();
        let mut by_id: Vec<Option<_>> = (0..node_bound).map(|_| None).collect();
        for (id, labels, props) in nodes {
            by_id[id.0 as usize] = Some((labels, props));
        }
        for (i, slot) in by_id.into_iter().enumerate() {
            match slot {
                Some((labels, props)) => {
                    graph.add_node(
                        labels.iter().map(|l| &**l),
                        props.iter().map(|(k, v)| (&**k, v.clone())),
                    );
                }
                None => {
                    graph.graph.add_node(NodeData {
                        labels: Vec::new(),
                        props: Properties::default(),
                    });
                    holes.push(NodeId(i as u32));
                }
            }
        }
        let edge_bound = edges.iter().map(|e| e.0.0 as usize + 1).max().unwrap_or(0);
        let mut by_id: Vec<Option<_>> = (0..edge_bound).map(|_| None).collect();
        for (id, s, t, ty, props) in edges {
            by_id[id.0 as usize] = Some((s, t, ty, props));
        }
        let anchor = graph.node_ids().next();
        let mut edge_holes = Vec::new();
        for (i, slot) in by_id.into_iter().enumerate() {
            match slot {
                Some((s, t, ty, props)) => {
                    for end in [s, t] {
                        if holes.binary_search(&end).is_ok() || end.0 as usize >= node_bound {
                            return Err(GraphError::NoSuchNode(end.0));
                        }
                    }
                    graph.add_edge(s, t, &ty, props.iter().map(|(k, v)| (&**k, v.clone())))?;
                }
                None => {
                    let Some(a) = anchor else {
                        return Err(GraphError::NoSuchEdge(i as u32));
                    };
                    let ty = graph.intern("");
                    let index = NodeIndex::new(a.0 as usize);
                    graph.graph.add_edge(
                        index,
                        index,
                        EdgeData {
                            ty,
                            props: Properties::default(),
                        },
                    );
                    edge_holes.push(EdgeIndex::new(i));
                }
            }
        }
        for e in edge_holes {
            graph.graph.remove_edge(e);
        }
        for n in holes {
            graph.graph.remove_node(NodeIndex::new(n.0 as usize));
        }
        Ok(graph)
    }

    fn index_names(&mut self, node: NodeId, names: &[String]) {
        for name in names {
            let ids = self.names.entry(name_key_of(name)).or_default();
            if !ids.contains(&node) {
                ids.push(node);
                // The entry now holds `node` and others: it clashes, and
                // so does the one it held alone before.
                if let [alone, _] = ids.as_slice() {
                    count_clash(&mut self.name_clashes, *alone, true);
                }
                if ids.len() > 1 {
                    count_clash(&mut self.name_clashes, node, true);
                }
            }
        }
    }

    /// Whether `node`'s `name` is a string that no other node has as its
    /// name or as an alias (ignoring case): a grouping by the names of
    /// such nodes can give each its own group without comparing names.
    pub fn has_unique_name(&self, node: NodeId) -> bool {
        let i = node.0 as usize;
        bit(&self.string_named, i) && self.name_clashes.get(i).is_none_or(|c| *c == 0)
    }

    fn unindex_names(&mut self, node: NodeId, names: &[String]) {
        let (name_key, aliases_key) = (self.name_key, self.aliases_key);
        for name in names {
            // A name may also be held by the other indexed property.
            let still_held = self.node(node).is_some_and(|n| {
                [name_key, aliases_key].into_iter().flatten().any(|k| {
                    n.data
                        .props
                        .get(k)
                        .is_some_and(|v| names_of(v).iter().any(|x| x.eq_ignore_ascii_case(name)))
                })
            });
            if still_held {
                continue;
            }
            let key = name_key_of(name);
            if let Some(ids) = self.names.get_mut(&key) {
                let before = ids.len();
                ids.retain(|n| *n != node);
                if ids.len() < before && before > 1 {
                    count_clash(&mut self.name_clashes, node, false);
                }
                if let ([alone], 2) = (ids.as_slice(), before) {
                    count_clash(&mut self.name_clashes, *alone, false);
                }
                if ids.is_empty() {
                    self.names.remove(&key);
                }
            }
        }
    }
}

/// The names a `name` or `aliases` value puts in the index.
/// Counts one entry of the name index more (or less) that `node` shares
/// with other nodes.
fn count_clash(clashes: &mut Vec<u32>, node: NodeId, more: bool) {
    let i = node.0 as usize;
    if clashes.len() <= i {
        if !more {
            return;
        }
        clashes.resize(i + 1, 0);
    }
    clashes[i] = if more {
        clashes[i].saturating_add(1)
    } else {
        clashes[i].saturating_sub(1)
    };
}

/// Whether bit `i` of `bits` is set; bits past the end are clear.
fn bit(bits: &[u64], i: usize) -> bool {
    bits.get(i / 64).is_some_and(|w| w & (1 << (i % 64)) != 0)
}

/// Sets or clears bit `i` of `bits`, growing `bits` only to set one.
fn set_bit(bits: &mut Vec<u64>, i: usize, on: bool) {
    if bits.len() <= i / 64 {
        if !on {
            return;
        }
        bits.resize(i / 64 + 1, 0);
    }
    if on {
        bits[i / 64] |= 1 << (i % 64);
    } else {
        bits[i / 64] &= !(1 << (i % 64));
    }
}

fn names_of(value: &PropertyValue) -> Vec<String> {
    match value {
        PropertyValue::String(s) => vec![s.to_string()],
        PropertyValue::List(items) => items
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests;
