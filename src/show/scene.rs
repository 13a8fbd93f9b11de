//! What to draw: a set of node ids and edge ids of one graph.
//!
//! A scene is independent of the query engine: it is filled from ids (by a
//! test, by [`super::around`], or by collecting the values of a query
//! result) and only read by the renderers.

use std::collections::{BTreeSet, VecDeque};

use crate::graph::{Direction, EdgeId, Graph, NodeId};

/// The nodes and relationships of a graph that a picture shows.
///
/// Every relationship brings its two end nodes along, so a scene never
/// holds a dangling edge. Ids are kept sorted, which makes every picture of
/// the same scene the same bytes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scene {
    nodes: BTreeSet<NodeId>,
    edges: BTreeSet<EdgeId>,
}

impl Scene {
    /// An empty scene.
    pub fn new() -> Scene {
        Scene::default()
    }

    /// The scene of the given nodes and edges (and the edges' end nodes);
    /// ids that name nothing in `graph` are left out.
    pub fn from_ids(
        graph: &Graph,
        nodes: impl IntoIterator<Item = NodeId>,
        edges: impl IntoIterator<Item = EdgeId>,
    ) -> Scene {
        let mut scene = Scene::new();
        for n in nodes {
            scene.add_node(graph, n);
        }
        for e in edges {
            scene.add_edge(graph, e);
        }
        scene
    }

    /// The whole graph.
    pub fn whole(graph: &Graph) -> Scene {
        Scene::from_ids(graph, graph.node_ids(), graph.edge_ids())
    }

    /// Adds a node; false when it is already there or names no node.
    pub fn add_node(&mut self, graph: &Graph, node: NodeId) -> bool {
        graph.node(node).is_some() && self.nodes.insert(node)
    }

    /// Adds an edge and its end nodes; false when it is already there or
    /// names no edge.
    pub fn add_edge(&mut self, graph: &Graph, edge: EdgeId) -> bool {
        let Some(e) = graph.edge(edge) else {
            return false;
        };
        self.nodes.insert(e.source());
        self.nodes.insert(e.target());
        self.edges.insert(edge)
    }

    /// Adds the nodes and relationships of a path.
    pub fn add_path(&mut self, graph: &Graph, nodes: &[NodeId], edges: &[EdgeId]) {
        for n in nodes {
            self.add_node(graph, *n);
        }
        for e in edges {
            self.add_edge(graph, *e);
        }
    }

    /// Adds everything of another scene.
    pub fn extend(&mut self, other: &Scene) {
        self.nodes.extend(other.nodes.iter().copied());
        self.edges.extend(other.edges.iter().copied());
    }

    /// The nodes, by id.
    pub fn nodes(&self) -> impl ExactSizeIterator<Item = NodeId> + '_ {
        self.nodes.iter().copied()
    }

    /// The relationships, by id.
    pub fn edges(&self) -> impl ExactSizeIterator<Item = EdgeId> + '_ {
        self.edges.iter().copied()
    }

    /// Whether the scene holds the node.
    pub fn contains_node(&self, node: NodeId) -> bool {
        self.nodes.contains(&node)
    }

    /// How many nodes the scene holds.
    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }

    /// How many relationships the scene holds.
    pub fn edge_count(&self) -> usize {
        self.edges.len()
    }

    /// Whether there is nothing to draw.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }
}

/// The ego view: the nodes named `name` (canonical name or alias, any case)
/// and every relationship within `depth` hops of them, in either direction.
///
/// Depth 0 is the named nodes alone. An edge is kept when one of its ends is
/// fewer than `depth` hops away, so the outermost ring of nodes is drawn
/// without the edges among themselves. The walk is breadth-first with a
/// queue, so a large depth costs at most one visit per node.
pub fn around(graph: &Graph, name: &str, depth: u32) -> Result<Scene, super::ShowError> {
    let roots = graph.lookup_name(name);
    if roots.is_empty() {
        return Err(super::ShowError::UnknownName(name.to_string()));
    }
    let mut scene = Scene::new();
    let mut queue: VecDeque<(NodeId, u32)> = VecDeque::new();
    for root in roots {
        if scene.add_node(graph, *root) {
            queue.push_back((*root, 0));
        }
    }
    while let Some((node, hops)) = queue.pop_front() {
        if hops >= depth {
            continue;
        }
        for (edge, other) in graph.edges_at(node, Direction::Both, None) {
            scene.edges.insert(edge);
            if scene.nodes.insert(other) {
                queue.push_back((other, hops + 1));
            }
        }
    }
    Ok(scene)
}
