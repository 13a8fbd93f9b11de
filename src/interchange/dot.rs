//! `export --format dot`: Graphviz DOT with each node named (its name, or
//! its labels when it has none) and each edge labelled with its type.
//!
//! Only names, labels and types are drawn; the other properties stay in the
//! dump. Text is written as DOT quoted strings, escaped so that quotes,
//! backslashes and line breaks reach Graphviz as text, not as syntax or as
//! its `\N`-style label escapes.

use std::io::{self, Write};

use crate::graph::Graph;

/// Quotes `text` as a DOT string.
pub fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Writes `graph` as a DOT digraph.
pub fn write(graph: &Graph, w: impl Write) -> io::Result<()> {
    let mut w = io::BufWriter::new(w);
    writeln!(w, "digraph newsgraph {{")?;
    writeln!(w, "  node [shape=box];")?;
    for id in graph.node_ids() {
        let Some(node) = graph.node(id) else { continue };
        let labels: String = node.labels().map(|l| format!(":{l}")).collect();
        let shown = match node.name() {
            Some(name) if labels.is_empty() => name.to_string(),
            Some(name) => format!("{name}\n{labels}"),
            None => labels,
        };
        writeln!(w, "  n{} [label={}];", id.0, quote(&shown))?;
    }
    for id in graph.edge_ids() {
        let Some(edge) = graph.edge(id) else { continue };
        writeln!(
            w,
            "  n{} -> n{} [label={}];",
            edge.source().0,
            edge.target().0,
            quote(edge.edge_type())
        )?;
    }
    writeln!(w, "}}")?;
    w.flush()
}
