//! Bulk building for loaders: records go into the store without touching
//! its indexes, and the indexes are then built in one pass each.
//!
//! Keeping every index up to date per record cost a loader most of its
//! time: each edge pushed onto two per-type adjacency lists at random
//! places in memory and into a B-tree, and each list grew by doubling. Built
//! at the end from the finished store, each list is allocated once at its
//! exact size and the B-trees are packed full. Only loaders use this; every
//! other mutation goes through the indexed API in `mod.rs`.
//!
//! Invariant: between the first `push_*` and [`Graph::reindex`] the indexes
//! are stale, so a loader must not hand the graph out before calling it.

use std::collections::{BTreeMap, BTreeSet};

use indexmap::IndexMap;
use petgraph::stable_graph::{EdgeIndex, NodeIndex};
use petgraph::visit::{EdgeRef as _, IntoEdgeReferences as _, NodeIndexable as _};

use super::column::IntColumns;
use super::{
    Adjacency, EdgeData, EdgeId, Graph, NodeData, NodeId, Properties, PropertyValue, Sym,
    TypedEdges, name_key_of, set_bit,
};

impl Properties {
    /// Properties from entries whose keys are distinct and values not null.
    pub(super) fn from_entries(entries: Vec<(Sym, PropertyValue)>) -> Properties {
        Properties { entries }
    }
}

impl Graph {
    /// Adds a node without indexing it.
    pub(super) fn push_node_unindexed(&mut self, labels: Vec<Sym>, props: Properties) -> NodeId {
        NodeId(self.graph.add_node(NodeData { labels, props }).index() as u32)
    }

    /// Gives an existing node new labels and properties without indexing them.
    pub(super) fn replace_node_unindexed(
        &mut self,
        node: NodeId,
        labels: Vec<Sym>,
        props: Properties,
    ) {
        if let Some(data) = self.graph.node_weight_mut(NodeIndex::new(node.0 as usize)) {
            *data = NodeData { labels, props };
        }
    }

    /// Adds an edge between existing nodes without indexing it; `None` when
    /// an end does not exist.
    pub(super) fn push_edge_unindexed(
        &mut self,
        source: NodeId,
        target: NodeId,
        ty: Sym,
        props: Properties,
    ) -> Option<EdgeId> {
        let (s, t) = (
            NodeIndex::new(source.0 as usize),
            NodeIndex::new(target.0 as usize),
        );
        if !self.graph.contains_node(s) || !self.graph.contains_node(t) {
            return None;
        }
        let index = self.graph.add_edge(s, t, EdgeData { ty, props });
        Some(EdgeId(index.index() as u32))
    }

    /// Makes room for `more` edges beyond those in the store, so that a
    /// loader that knows roughly how many are coming adds them without the
    /// store's list of edges growing by copying.
    pub(super) fn reserve_edges_unindexed(&mut self, more: usize) {
        self.graph.reserve_exact_edges(more);
    }

    /// Removes an edge without touching the indexes.
    pub(super) fn remove_edge_unindexed(&mut self, edge: EdgeId) {
        self.graph.remove_edge(EdgeIndex::new(edge.0 as usize));
    }

    /// Removes a node and its edges without touching the indexes; the
    /// edges go newest first, as `detach_remove_node` removes them.
    pub(super) fn remove_node_unindexed(&mut self, node: NodeId) {
        let index = NodeIndex::new(node.0 as usize);
        let edges: Vec<EdgeIndex<u32>> = self
            .graph
            .edges_directed(index, petgraph::Direction::Outgoing)
            .chain(
                self.graph
                    .edges_directed(index, petgraph::Direction::Incoming)
                    .filter(|e| e.source() != e.target()),
            )
            .map(|e| e.id())
            .collect();
        for e in edges {
            self.graph.remove_edge(e);
        }
        self.graph.remove_node(index);
    }

    /// Builds every index from the store, replacing what was there: the
    /// name index, labels and types in order of first use by ascending id,
    /// and the adjacency lists in ascending edge id.
    ///
    /// The adjacency lists, the largest part, are built on a second thread
    /// while this one builds the rest: each only reads the store. Without
    /// a second thread, or should it panic, they are built here, where the
    /// same panic then surfaces as it would without threads.
    pub(super) fn reindex(&mut self) {
        let (nodes, by_type, adjacency, int_columns) = std::thread::scope(|s| {
            let adjacency = std::thread::Builder::new().spawn_scoped(s, || self.build_adjacency());
            let nodes = self.node_indexes();
            let by_type = self.type_index();
            let int_columns = self.int_columns();
            let adjacency = match adjacency.map(|handle| handle.join()) {
                Ok(Ok(adjacency)) => adjacency,
                _ => self.build_adjacency(),
            };
            (nodes, by_type, adjacency, int_columns)
        });
        let NodeIndexes {
            names,
            name_clashes,
            string_named,
            label_bits,
            label_masks,
            by_label,
        } = nodes;
        self.names = names;
        self.name_clashes = name_clashes;
        self.string_named = string_named;
        self.label_bits = label_bits;
        self.label_masks = label_masks;
        self.by_label = by_label;
        self.by_type = by_type;
        self.adjacency = adjacency;
        self.int_columns = int_columns;
    }

    /// The integer columns of the edges in the store (see `column.rs`).
    fn int_columns(&self) -> IntColumns {
        IntColumns::build(
            self.graph
                .edge_references()
                .map(|e| (EdgeId(e.id().index() as u32), &e.weight().props)),
        )
    }

    fn node_indexes(&self) -> NodeIndexes {
        let mut names: IndexMap<Box<str>, Vec<NodeId>> = IndexMap::new();
        let mut by_label: Vec<Vec<NodeId>> = Vec::new();
        let mut label_order = Vec::new();
        let (name_key, aliases_key) = (self.name_key, self.aliases_key);
        let mut string_named = vec![0u64; self.graph.node_bound().div_ceil(64)];
        for index in self.graph.node_indices() {
            let id = NodeId(index.index() as u32);
            let data = &self.graph[index];
            for &label in &data.labels {
                if by_label.len() <= label.index() {
                    by_label.resize_with(label.index() + 1, Vec::new);
                }
                let ids = &mut by_label[label.index()];
                if ids.is_empty() {
                    label_order.push(label);
                }
                ids.push(id);
            }
            for (key, value) in data.props.iter() {
                if Some(key) != name_key && Some(key) != aliases_key {
                    continue;
                }
                let mut index_one = |name: &str| {
                    let ids = names.entry(name_key_of(name)).or_default();
                    if !ids.contains(&id) {
                        ids.push(id);
                    }
                };
                match value {
                    PropertyValue::String(s) => {
                        index_one(s);
                        if Some(key) == name_key {
                            set_bit(&mut string_named, id.0 as usize, true);
                        }
                    }
                    PropertyValue::List(items) => items
                        .iter()
                        .filter_map(PropertyValue::as_str)
                        .for_each(index_one),
                    _ => {}
                }
            }
        }
        let mut name_clashes = vec![0u32; self.graph.node_bound()];
        for ids in names.values_mut() {
            ids.shrink_to_fit();
            if ids.len() > 1 {
                for id in ids.iter() {
                    name_clashes[id.0 as usize] += 1;
                }
            }
        }
        // The first 64 labels get a bit in the dense label masks.
        let label_bits: Vec<Sym> = label_order.iter().copied().take(64).collect();
        let mut label_masks = vec![0; self.graph.node_bound()];
        for index in self.graph.node_indices() {
            let mut mask = 0u64;
            for label in &self.graph[index].labels {
                if let Some(bit) = label_bits.iter().position(|l| l == label) {
                    mask |= 1 << bit;
                }
            }
            label_masks[index.index()] = mask;
        }
        NodeIndexes {
            // Collected, sorted and built in one go.
            names: names.into_iter().collect(),
            name_clashes,
            string_named,
            label_bits,
            label_masks,
            by_label: label_order
                .into_iter()
                .map(|l| {
                    (
                        l,
                        BTreeSet::from_iter(std::mem::take(&mut by_label[l.index()])),
                    )
                })
                .collect(),
        }
    }

    fn type_index(&self) -> IndexMap<Sym, BTreeSet<EdgeId>> {
        let mut by_type: Vec<Vec<EdgeId>> = Vec::new();
        let mut order = Vec::new();
        for e in self.graph.edge_references() {
            let ty = e.weight().ty;
            if by_type.len() <= ty.index() {
                by_type.resize_with(ty.index() + 1, Vec::new);
            }
            let ids = &mut by_type[ty.index()];
            if ids.is_empty() {
                order.push(ty);
            }
            ids.push(EdgeId(e.id().index() as u32));
        }
        // Collected ascending, so each set is built packed in one go.
        order
            .into_iter()
            .map(|t| {
                (
                    t,
                    BTreeSet::from_iter(std::mem::take(&mut by_type[t.index()])),
                )
            })
            .collect()
    }

    /// The per-type adjacency lists of every node, each allocated at its
    /// exact size: the edges are sorted by node with a counting sort (each
    /// node's edges stay in ascending id), then each node's run is split by
    /// type in order of first appearance.
    fn build_adjacency(&self) -> Vec<Adjacency> {
        let bound = self.graph.node_bound();
        let mut adjacency = vec![Adjacency::default(); bound];
        // Any symbol fills the sort buffer before its slots are written.
        let Some(filler) = self.graph.edge_weights().next().map(|e| e.ty) else {
            return adjacency;
        };
        let mut start = vec![0u32; bound + 1];
        let mut loops = vec![0u32; bound];
        let mut sorted: Vec<(Sym, EdgeId, NodeId)> = Vec::new();
        for outgoing in [true, false] {
            // (this end, the other end) of an edge in the direction at hand.
            let ends = |s: NodeIndex<u32>, t: NodeIndex<u32>| {
                if outgoing {
                    (s.index(), t.index())
                } else {
                    (t.index(), s.index())
                }
            };
            start.iter_mut().for_each(|c| *c = 0);
            for e in self.graph.edge_references() {
                start[ends(e.source(), e.target()).0 + 1] += 1;
            }
            for i in 1..start.len() {
                start[i] += start[i - 1];
            }
            let mut next = start.clone();
            sorted.clear();
            sorted.resize(self.graph.edge_count(), (filler, EdgeId(0), NodeId(0)));
            for e in self.graph.edge_references() {
                let (this, other) = ends(e.source(), e.target());
                if outgoing && this == other {
                    loops[this] += 1;
                }
                let slot = &mut next[this];
                sorted[*slot as usize] = (
                    e.weight().ty,
                    EdgeId(e.id().index() as u32),
                    NodeId(other as u32),
                );
                *slot += 1;
            }
            drop(next);
            for (node, adj) in adjacency.iter_mut().enumerate() {
                let run = &sorted[start[node] as usize..start[node + 1] as usize];
                let groups = group_by_type(run);
                if outgoing {
                    adj.out = groups;
                    adj.loops = loops[node];
                } else {
                    adj.inc = groups;
                }
            }
        }
        adjacency
    }
}

/// The indexes built from the nodes alone (see the fields of [`Graph`]).
struct NodeIndexes {
    names: BTreeMap<Box<str>, Vec<NodeId>>,
    name_clashes: Vec<u32>,
    string_named: Vec<u64>,
    label_bits: Vec<Sym>,
    label_masks: Vec<u64>,
    by_label: IndexMap<Sym, BTreeSet<NodeId>>,
}

/// Splits one node's edges by type, types in order of first appearance and
/// edges in the order given, every list at its exact size.
fn group_by_type(run: &[(Sym, EdgeId, NodeId)]) -> Vec<TypedEdges> {
    let mut counts: Vec<(Sym, usize)> = Vec::new();
    for (ty, _, _) in run {
        match counts.iter_mut().find(|(t, _)| t == ty) {
            Some((_, n)) => *n += 1,
            None => counts.push((*ty, 1)),
        }
    }
    let mut groups: Vec<TypedEdges> = Vec::with_capacity(counts.len());
    groups.extend(counts.iter().map(|&(t, n)| (t, Vec::with_capacity(n))));
    for &(ty, edge, other) in run {
        if let Some((_, list)) = groups.iter_mut().find(|(t, _)| *t == ty) {
            list.push((edge, other));
        }
    }
    groups
}
