//! Results as an aligned table for people (the REPL and `query --format
//! table`), and the one-line text of a value that the table and CSV share.
//!
//! Strings stand bare at the top of a cell and quoted inside lists and maps;
//! a node reads `(:Person {name: "Hu Jintao"})`, a relationship
//! `[:MET {date: 2011-12}]`, a path `(:A)-[:T]->(:B)`.

use std::fmt::Write as _;

use comfy_table::{ContentArrangement, Table, presets};

use crate::graph::{EdgeId, Graph, NodeId, PropertyValue};
use crate::query::value::{Path, QueryResult, Stats, Value, format_float, is_plain_identifier};

use super::MAX_DEPTH;

/// Renders a result as a table of at most `max_rows` rows with a footer: the
/// row count (`3 rows`, or `120 rows, 100 shown` when `max_rows` cut it) and,
/// when the statement changed the graph, what it changed. A statement
/// without columns shows only the footer.
pub fn render(graph: &Graph, result: &QueryResult, max_rows: usize) -> String {
    render_within(graph, result, max_rows, None)
}

/// Like [`render`], but when `width` is given the table is fitted to that
/// many columns (a terminal's width), wrapping long cells.
pub fn render_within(
    graph: &Graph,
    result: &QueryResult,
    max_rows: usize,
    width: Option<u16>,
) -> String {
    let total = result.rows.len();
    let shown = max_rows.min(total);
    let mut out = String::new();
    if !result.columns.is_empty() {
        let mut table = Table::new();
        table.load_style(presets::UTF8_FULL_CONDENSED);
        if let Some(width) = width {
            table
                .set_width(width)
                .set_content_arrangement(ContentArrangement::Dynamic);
        }
        table.set_header(result.columns.iter().map(String::as_str));
        for row in result.rows.iter().take(shown) {
            table.add_row(row.iter().map(|v| cell(graph, v)));
        }
        out.push_str(&table.to_string());
        out.push('\n');
    }
    let noun = if total == 1 { "row" } else { "rows" };
    let _ = write!(out, "{total} {noun}");
    if shown < total {
        let _ = write!(out, ", {shown} shown");
    }
    out.push('\n');
    if let Some(changes) = describe_stats(&result.stats) {
        out.push_str(&changes);
        out.push('\n');
    }
    out
}

/// What a statement changed, e.g. `2 nodes created, 3 properties set`;
/// `None` when it changed nothing.
pub fn describe_stats(s: &Stats) -> Option<String> {
    let counters = [
        (s.nodes_created, "node", "nodes", "created"),
        (s.nodes_deleted, "node", "nodes", "deleted"),
        (
            s.relationships_created,
            "relationship",
            "relationships",
            "created",
        ),
        (
            s.relationships_deleted,
            "relationship",
            "relationships",
            "deleted",
        ),
        (s.labels_added, "label", "labels", "added"),
        (s.labels_removed, "label", "labels", "removed"),
        (s.properties_set, "property", "properties", "set"),
        (s.properties_removed, "property", "properties", "removed"),
    ];
    let parts: Vec<String> = counters
        .iter()
        .filter(|(n, ..)| *n > 0)
        .map(|(n, one, many, verb)| format!("{n} {} {verb}", if *n == 1 { one } else { many }))
        .collect();
    (!parts.is_empty()).then(|| parts.join(", "))
}

/// The text of a value in a table cell or CSV field: strings bare, the rest
/// as in [`text`].
pub fn cell(graph: &Graph, v: &Value) -> String {
    match v {
        Value::String(s) => s.to_string(),
        other => text(graph, other),
    }
}

/// The text of a value with strings quoted: `["a", 1, {k: null}]`.
pub fn text(graph: &Graph, v: &Value) -> String {
    let mut out = String::new();
    push_value(&mut out, graph, v, 0);
    out
}

fn push_quoted(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
}

fn push_key(out: &mut String, key: &str) {
    if is_plain_identifier(key) {
        out.push_str(key);
    } else {
        let _ = write!(out, "`{}`", key.replace('`', "``"));
    }
}

fn push_value(out: &mut String, graph: &Graph, v: &Value, depth: usize) {
    if depth > MAX_DEPTH {
        out.push_str("...");
        return;
    }
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) => {
            let _ = write!(out, "{i}");
        }
        Value::Float(f) => out.push_str(&format_float(*f)),
        Value::String(s) => push_quoted(out, s),
        Value::Date(d) => {
            let _ = write!(out, "{d}");
        }
        Value::List(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                push_value(out, graph, item, depth + 1);
            }
            out.push(']');
        }
        Value::Map(m) => {
            out.push('{');
            for (i, (k, v)) in m.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                push_key(out, k);
                out.push_str(": ");
                push_value(out, graph, v, depth + 1);
            }
            out.push('}');
        }
        Value::Node(id) => push_node(out, graph, *id, depth),
        Value::Relationship(id) => push_relationship(out, graph, *id, depth),
        Value::Path(p) => push_path(out, graph, p, depth),
    }
}

fn push_properties<'a>(
    out: &mut String,
    graph: &Graph,
    props: impl Iterator<Item = (&'a str, &'a PropertyValue)>,
    depth: usize,
) {
    let mut first = true;
    for (k, p) in props {
        out.push_str(if first { " {" } else { ", " });
        first = false;
        push_key(out, k);
        out.push_str(": ");
        push_value(out, graph, &Value::from_property(p), depth + 1);
    }
    if !first {
        out.push('}');
    }
}

/// `(:Person {name: "Hu Jintao"})`; `(#7 deleted)` for a node that is gone.
fn push_node(out: &mut String, graph: &Graph, id: NodeId, depth: usize) {
    let Some(node) = graph.node(id) else {
        let _ = write!(out, "(#{} deleted)", id.0);
        return;
    };
    out.push('(');
    for label in node.labels() {
        out.push(':');
        push_key(out, label);
    }
    let mark = out.len();
    let props = node.properties().iter().map(|(k, v)| (graph.resolve(k), v));
    push_properties(out, graph, props, depth);
    // `()` and `(:A)` have no space to trim; `( {k: 1})` does.
    if node.label_syms().is_empty() && out.len() > mark {
        out.remove(mark);
    }
    out.push(')');
}

/// `[:MET {date: 2011-12}]`; `[#3 deleted]` for a relationship that is gone.
fn push_relationship(out: &mut String, graph: &Graph, id: EdgeId, depth: usize) {
    let Some(edge) = graph.edge(id) else {
        let _ = write!(out, "[#{} deleted]", id.0);
        return;
    };
    out.push_str("[:");
    push_key(out, edge.edge_type());
    let props = edge.properties().iter().map(|(k, v)| (graph.resolve(k), v));
    push_properties(out, graph, props, depth);
    out.push(']');
}

/// `(:A)-[:T]->(:B)<-[:U]-(:C)`: each arrow points the way its relationship
/// goes in the graph.
fn push_path(out: &mut String, graph: &Graph, p: &Path, depth: usize) {
    for (i, n) in p.nodes.iter().enumerate() {
        push_node(out, graph, *n, depth + 1);
        if let Some(r) = p.relationships.get(i) {
            let backwards = graph.edge(*r).is_some_and(|e| e.source() != *n);
            out.push_str(if backwards { "<-" } else { "-" });
            push_relationship(out, graph, *r, depth + 1);
            out.push_str(if backwards { "-" } else { "->" });
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use expect_test::expect;
    use indexmap::IndexMap;

    use super::*;
    use crate::graph::PartialDate;

    fn sample() -> (Graph, NodeId, NodeId, EdgeId) {
        let mut g = Graph::new();
        let hu = g.add_node(["Person"], [("name", PropertyValue::from("Hu Jintao"))]);
        let noda = g.add_node(
            ["Person", "Official"],
            [("name", PropertyValue::from("Yoshihiko Noda"))],
        );
        let met = g
            .add_edge(
                hu,
                noda,
                "MET",
                [(
                    "date",
                    PropertyValue::Date(PartialDate::parse("2011-12").unwrap()),
                )],
            )
            .unwrap();
        (g, hu, noda, met)
    }

    #[test]
    fn cells_show_entities_with_labels_and_properties() {
        let (mut g, hu, noda, met) = sample();
        let bare = g.add_node([], []);
        let unlabelled = g.add_node([], [("k", PropertyValue::from(1i64))]);
        assert_eq!(
            cell(&g, &Value::Node(hu)),
            r#"(:Person {name: "Hu Jintao"})"#
        );
        assert_eq!(cell(&g, &Value::Node(bare)), "()");
        assert_eq!(cell(&g, &Value::Node(unlabelled)), "({k: 1})");
        assert_eq!(
            cell(&g, &Value::Relationship(met)),
            "[:MET {date: 2011-12}]"
        );
        let path = Value::Path(Box::new(Path {
            nodes: vec![noda, hu],
            relationships: vec![met],
        }));
        assert_eq!(
            cell(&g, &path),
            r#"(:Person:Official {name: "Yoshihiko Noda"})<-[:MET {date: 2011-12}]-(:Person {name: "Hu Jintao"})"#
        );
        let mut m = IndexMap::new();
        m.insert(Arc::from("a b"), Value::from("x\"y"));
        let v = Value::List(vec![
            Value::from("s"),
            Value::Null,
            Value::Float(2.0),
            Value::Map(m.into()),
        ]);
        assert_eq!(cell(&g, &v), r#"["s", null, 2.0, {`a b`: "x\"y"}]"#);
        assert_eq!(cell(&g, &Value::from("plain")), "plain");
        g.detach_remove_node(hu).unwrap();
        assert_eq!(cell(&g, &Value::Node(hu)), "(#0 deleted)");
        assert_eq!(cell(&g, &Value::Relationship(met)), "[#0 deleted]");
    }

    #[test]
    fn tables_have_a_footer() {
        let (g, hu, noda, _) = sample();
        let result = QueryResult {
            columns: vec!["n".into(), "n.name".into()],
            rows: vec![
                vec![Value::Node(hu), Value::from("Hu Jintao")],
                vec![Value::Node(noda), Value::Null],
            ],
            stats: Stats::default(),
        };
        expect![[r#"
            ┌─────────────────────────────────────────────┬───────────┐
            │ n                                           ┆ n.name    │
            ╞═════════════════════════════════════════════╪═══════════╡
            │ (:Person {name: "Hu Jintao"})               ┆ Hu Jintao │
            │ (:Person:Official {name: "Yoshihiko Noda"}) ┆ null      │
            └─────────────────────────────────────────────┴───────────┘
            2 rows
        "#]]
        .assert_eq(&render(&g, &result, usize::MAX));
        expect![[r#"
            ┌───────────────────────────────┬───────────┐
            │ n                             ┆ n.name    │
            ╞═══════════════════════════════╪═══════════╡
            │ (:Person {name: "Hu Jintao"}) ┆ Hu Jintao │
            └───────────────────────────────┴───────────┘
            2 rows, 1 shown
        "#]]
        .assert_eq(&render(&g, &result, 1));
        let written = QueryResult {
            stats: Stats {
                nodes_created: 2,
                relationships_created: 1,
                properties_set: 1,
                ..Stats::default()
            },
            ..QueryResult::default()
        };
        expect![[r#"
            0 rows
            2 nodes created, 1 relationship created, 1 property set
        "#]]
        .assert_eq(&render(&g, &written, usize::MAX));
        expect![[r#"
            ┌──────────────────────────┬───────────┐
            │ n                        ┆ n.name    │
            ╞══════════════════════════╪═══════════╡
            │ (:Person {name: "Hu      ┆ Hu Jintao │
            │ Jintao"})                ┆           │
            │ (:Person:Official {name: ┆ null      │
            │ "Yoshihiko Noda"})       ┆           │
            └──────────────────────────┴───────────┘
            2 rows
        "#]]
        .assert_eq(&render_within(&g, &result, usize::MAX, Some(40)));
    }
}
