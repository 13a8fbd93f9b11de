//! A snapshot of what the graph holds, in the words a query uses: labels,
//! relationship types, property keys, entity names and the shapes
//! `(:Label)-[:TYPE]->(:Label)` with their counts.
//!
//! Completion, "did you mean" and `:schema` read it; it is rebuilt after
//! every command that may have changed the graph. It reads the graph
//! through its public API only and never changes it.

use std::collections::BTreeMap;

use indexmap::IndexMap;

use crate::graph::{ALIASES_KEY, Graph, PropertyValue};

/// What the graph holds, counted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Schema {
    /// Labels with their node counts, most frequent first.
    pub labels: Vec<(String, usize)>,
    /// Relationship types with their edge counts, most frequent first.
    pub types: Vec<(String, usize)>,
    /// Node property keys with how many nodes carry them, most frequent first.
    pub node_keys: Vec<(String, usize)>,
    /// Relationship property keys with how many edges carry them.
    pub edge_keys: Vec<(String, usize)>,
    /// `(source label, type, target label)` with edge counts, most frequent first.
    pub shapes: Vec<((String, String, String), usize)>,
    /// Canonical names and aliases of nodes, sorted, without duplicates.
    pub names: Vec<String>,
}

impl Schema {
    /// Reads the schema of `graph`.
    pub fn of(graph: &Graph) -> Schema {
        let mut node_keys: IndexMap<String, usize> = IndexMap::new();
        let mut names = Vec::new();
        for id in graph.node_ids() {
            let Some(node) = graph.node(id) else { continue };
            for (key, _) in node.properties().iter() {
                *node_keys.entry(graph.resolve(key).to_owned()).or_default() += 1;
            }
            names.extend(node.name().map(str::to_owned));
            if let Some(PropertyValue::List(aliases)) = node.property(ALIASES_KEY) {
                names.extend(aliases.iter().filter_map(|a| a.as_str().map(str::to_owned)));
            }
        }
        names.sort();
        names.dedup();
        let mut edge_keys: IndexMap<String, usize> = IndexMap::new();
        let mut shapes: BTreeMap<(String, String, String), usize> = BTreeMap::new();
        for id in graph.edge_ids() {
            let Some(edge) = graph.edge(id) else { continue };
            for (key, _) in edge.properties().iter() {
                *edge_keys.entry(graph.resolve(key).to_owned()).or_default() += 1;
            }
            let first_label = |n| {
                graph
                    .node(n)
                    .and_then(|n| n.labels().next().map(str::to_owned))
                    .unwrap_or_default()
            };
            let shape = (
                first_label(edge.source()),
                edge.edge_type().to_owned(),
                first_label(edge.target()),
            );
            *shapes.entry(shape).or_default() += 1;
        }
        Schema {
            labels: by_count(graph.labels().map(|(l, n)| (l.to_owned(), n))),
            types: by_count(graph.edge_types().map(|(t, n)| (t.to_owned(), n))),
            node_keys: by_count(node_keys),
            edge_keys: by_count(edge_keys),
            shapes: by_count(shapes),
            names,
        }
    }

    /// Every property key, of nodes and of relationships, without duplicates.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        let edge_only = self
            .edge_keys
            .iter()
            .filter(|(k, _)| !self.node_keys.iter().any(|(n, _)| n == k));
        self.node_keys
            .iter()
            .chain(edge_only)
            .map(|(k, _)| k.as_str())
    }

    /// The label names.
    pub fn label_names(&self) -> impl Iterator<Item = &str> {
        self.labels.iter().map(|(l, _)| l.as_str())
    }

    /// The relationship type names.
    pub fn type_names(&self) -> impl Iterator<Item = &str> {
        self.types.iter().map(|(t, _)| t.as_str())
    }
}

/// Sorts counted items by count, most first; ties keep their order.
fn by_count<K>(items: impl IntoIterator<Item = (K, usize)>) -> Vec<(K, usize)> {
    let mut items: Vec<_> = items.into_iter().collect();
    items.sort_by_key(|item| std::cmp::Reverse(item.1));
    items
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_labels_types_keys_shapes_and_names() {
        let mut g = Graph::new();
        let hu = g.add_node(["Person"], [("name", PropertyValue::from("Hu Jintao"))]);
        let noda = g.add_node(
            ["Person"],
            [("name", PropertyValue::from("Yoshihiko Noda"))],
        );
        let japan = g.add_node(["Country"], [("name", PropertyValue::from("Japan"))]);
        g.add_alias(noda, "Noda");
        g.add_edge(hu, noda, "MET", [("doc", PropertyValue::from("seed"))])
            .unwrap();
        g.add_edge(hu, japan, "VISITED", []).unwrap();
        let s = Schema::of(&g);
        assert_eq!(s.labels, [("Person".into(), 2), ("Country".into(), 1)]);
        assert_eq!(s.types, [("MET".into(), 1), ("VISITED".into(), 1)]);
        assert_eq!(s.node_keys, [("name".into(), 3), ("aliases".into(), 1)]);
        assert_eq!(s.edge_keys, [("doc".into(), 1)]);
        assert_eq!(s.keys().collect::<Vec<_>>(), ["name", "aliases", "doc"]);
        assert_eq!(s.names, ["Hu Jintao", "Japan", "Noda", "Yoshihiko Noda"]);
        assert_eq!(
            s.shapes[0].0,
            ("Person".into(), "MET".into(), "Person".into())
        );
    }
}
