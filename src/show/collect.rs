//! Collecting what a query result holds into a [`Scene`]: every node,
//! relationship and path found anywhere in its values, inside lists and
//! maps too.
//!
//! Only reads values; it does not run queries.

use super::Scene;
use crate::graph::Graph;
use crate::query::value::Value;

impl Scene {
    /// Adds every node, relationship and path found in `values`, however
    /// deep inside lists and maps. The walk keeps its own stack, so a deeply
    /// nested value cannot overflow the call stack.
    ///
    /// # Example: draw what a query returned
    ///
    /// ```
    /// use newsgraph::graph::Graph;
    /// use newsgraph::query::value::Value;
    /// use newsgraph::show::Scene;
    ///
    /// let mut g = Graph::new();
    /// let a = g.add_node(["Person"], [("name", "A".into())]);
    /// let b = g.add_node(["Person"], [("name", "B".into())]);
    /// let met = g.add_edge(a, b, "MET", []).unwrap();
    /// let row = vec![Value::List(vec![Value::Relationship(met), Value::Int(1)])];
    /// let mut scene = Scene::new();
    /// scene.collect(&g, &row);
    /// assert_eq!((scene.node_count(), scene.edge_count()), (2, 1));
    /// ```
    pub fn collect<'v>(&mut self, graph: &Graph, values: impl IntoIterator<Item = &'v Value>) {
        let mut stack: Vec<&Value> = values.into_iter().collect();
        stack.reverse();
        while let Some(value) = stack.pop() {
            match value {
                Value::Node(n) => {
                    self.add_node(graph, *n);
                }
                Value::Relationship(e) => {
                    self.add_edge(graph, *e);
                }
                Value::Path(p) => self.add_path(graph, &p.nodes, &p.relationships),
                Value::List(items) => stack.extend(items.iter().rev()),
                Value::Map(entries) => stack.extend(entries.values().rev()),
                Value::Null
                | Value::Bool(_)
                | Value::Int(_)
                | Value::Float(_)
                | Value::String(_)
                | Value::Date(_) => {}
            }
        }
    }

    /// The scene of every node, relationship and path in the rows of a
    /// query result.
    pub fn from_rows(graph: &Graph, rows: &[Vec<Value>]) -> Scene {
        let mut scene = Scene::new();
        scene.collect(graph, rows.iter().flatten());
        scene
    }
}
