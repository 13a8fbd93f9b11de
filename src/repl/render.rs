//! What the REPL prints around the output layer's tables: errors with the
//! query line and a caret, result footers, and the evidence behind
//! relationships (`:why`).
//!
//! Values in tables, JSON and CSV are `output`'s business; this module
//! formats only the REPL's own lines.

use std::fmt::Write as _;

use crate::graph::{EdgeId, Graph, NodeId, PropertyValue};
use crate::output;
use crate::query::error::QueryError;
use crate::query::value::{QueryResult, Stats, Value};
use crate::span::LineIndex;

/// An error as `Kind (Code) at line L, column C: message`, then the line
/// of `src` it points into and a caret under the column (carets under the
/// whole span when it stays on that line). `first_line` is the line of the
/// script where `src` starts (1 at the prompt).
pub fn error(src: &str, err: &QueryError, first_line: usize) -> String {
    let index = LineIndex::new(src);
    let start = (err.span.start as usize).min(src.len());
    let at = index.line_col(start);
    let text = index.line_text(at.line);
    let end = (err.span.end as usize).min(src.len());
    let end_at = index.line_col(end.max(start));
    let width = if end_at.line == at.line && end_at.column > at.column {
        end_at.column - at.column
    } else {
        1
    };
    // Tabs stay tabs so that the caret lines up whatever the tab width.
    let pad: String = text
        .chars()
        .take(at.column - 1)
        .map(|c| if c == '\t' { '\t' } else { ' ' })
        .collect();
    format!(
        "{} ({}) at line {}, column {}: {}\n  {}\n  {}{}",
        err.kind().name(),
        err.code.name(),
        at.line + first_line - 1,
        at.column,
        err.message,
        text,
        pad,
        "^".repeat(width)
    )
}

/// The line under a table: how many rows, how many shown, what changed,
/// and (with `timing`) how long it took.
pub fn footer(total: usize, first: usize, shown: usize, stats: &Stats, timing: bool) -> String {
    let mut out = match (total, shown) {
        (1, 1) => "1 row".to_owned(),
        (t, s) if s >= t => format!("{t} rows"),
        (t, s) if first == 0 => format!("{t} rows, {s} shown (:last for more)"),
        (t, s) => {
            let more = if first + s < t {
                " (:last for more)"
            } else {
                ""
            };
            format!("rows {}-{} of {t}{more}", first + 1, first + s)
        }
    };
    if let Some(changes) = output::table::describe_stats(stats) {
        let _ = write!(out, "; {changes}");
    }
    if timing {
        let _ = write!(out, " in {}", elapsed(stats.elapsed_us));
    }
    out
}

/// Whether a statement changed the graph.
pub fn wrote(stats: &Stats) -> bool {
    output::table::describe_stats(stats).is_some()
}

/// `1 node`, `2 nodes`: a count with its noun.
pub fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// The size of a graph: `3 nodes, 1 relationship`.
pub fn size(graph: &Graph) -> String {
    format!(
        "{}, {}",
        count(graph.node_count(), "node"),
        count(graph.edge_count(), "relationship")
    )
}

/// A duration in microseconds for people: `0.42 ms`, `12.3 ms`, `1.25 s`.
pub fn elapsed(us: u64) -> String {
    match us {
        0..1_000 => format!("{:.2} ms", us as f64 / 1e3),
        1_000..1_000_000 => format!("{:.1} ms", us as f64 / 1e3),
        _ => format!("{:.2} s", us as f64 / 1e6),
    }
}

/// The relationships in `result`, in order of first appearance: those in
/// cells, in paths, and inside lists and maps.
pub fn relationships(result: &QueryResult) -> Vec<EdgeId> {
    fn walk(value: &Value, out: &mut Vec<EdgeId>) {
        match value {
            Value::Relationship(e) => out.push(*e),
            Value::Path(p) => out.extend(p.relationships.iter().copied()),
            Value::List(items) => items.iter().for_each(|v| walk(v, out)),
            Value::Map(map) => map.values().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    for row in &result.rows {
        for value in row {
            walk(value, &mut out);
        }
    }
    let mut seen = std::collections::HashSet::new();
    out.retain(|e| seen.insert(*e));
    out
}

/// The evidence behind each relationship: its ends and type, the sentence
/// it was read from, and the document and date. With a `width`, sentences
/// wrap at word boundaries to fit it.
pub fn why(graph: &Graph, edges: &[EdgeId], width: Option<usize>) -> String {
    let mut out = String::new();
    for (i, &id) in edges.iter().enumerate() {
        let Some(edge) = graph.edge(id) else {
            let _ = writeln!(out, "[{}] relationship {} no longer exists", i + 1, id.0);
            continue;
        };
        let _ = writeln!(
            out,
            "[{}] {} -[:{}]-> {}",
            i + 1,
            node_name(graph, edge.source()),
            edge.edge_type(),
            node_name(graph, edge.target())
        );
        match edge.property("sentence") {
            Some(s) => {
                let quoted = format!("\"{}\"", plain(s));
                let _ = writeln!(out, "{}", wrap(&quoted, "    ", width));
            }
            None => out.push_str("    (no sentence recorded)\n"),
        }
        let mut source = Vec::new();
        let modality = edge.property("modality").and_then(PropertyValue::as_str);
        if let Some(m) = modality.filter(|m| *m != "asserted") {
            source.push(format!("modality: {m}"));
        }
        for key in ["doc", "date"] {
            if let Some(v) = edge.property(key) {
                source.push(format!("{key}: {}", plain(v)));
            }
        }
        if !source.is_empty() {
            let _ = writeln!(out, "    {}", source.join(", "));
        }
    }
    out
}

/// `text` after `indent`, broken at spaces so that no line is wider than
/// `width` (a word longer than the line stands alone).
fn wrap(text: &str, indent: &str, width: Option<usize>) -> String {
    let Some(width) = width.filter(|w| *w > indent.len() + 20) else {
        return format!("{indent}{text}");
    };
    let room = width - indent.len();
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        let fits = line.chars().count() + 1 + word.chars().count() <= room;
        if !line.is_empty() && !fits {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    lines.push(line);
    lines
        .iter()
        .map(|l| format!("{indent}{l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A node as a person reads it: its name, or its label and id.
fn node_name(graph: &Graph, id: NodeId) -> String {
    match graph.node(id) {
        Some(node) => match node.name() {
            Some(name) => name.to_owned(),
            None => format!(
                "(:{} #{})",
                node.labels().collect::<Vec<_>>().join(":"),
                id.0
            ),
        },
        None => format!("#{}", id.0),
    }
}

/// A property value as plain text.
fn plain(value: &PropertyValue) -> String {
    match value {
        PropertyValue::Null => "null".to_owned(),
        PropertyValue::Bool(b) => b.to_string(),
        PropertyValue::Int(i) => i.to_string(),
        PropertyValue::Float(f) => f.to_string(),
        PropertyValue::String(s) => s.to_string(),
        PropertyValue::Date(d) => d.to_string(),
        PropertyValue::List(items) => {
            let items: Vec<String> = items.iter().map(plain).collect();
            format!("[{}]", items.join(", "))
        }
        PropertyValue::Map(map) => {
            let items: Vec<String> = map
                .iter()
                .map(|(k, v)| format!("{k}: {}", plain(v)))
                .collect();
            format!("{{{}}}", items.join(", "))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn footers() {
        let stats = Stats {
            elapsed_us: 1_234,
            nodes_created: 2,
            properties_set: 1,
            ..Stats::default()
        };
        assert_eq!(footer(1, 0, 1, &Stats::default(), false), "1 row");
        assert_eq!(footer(0, 0, 0, &Stats::default(), false), "0 rows");
        assert_eq!(
            footer(250, 0, 100, &Stats::default(), false),
            "250 rows, 100 shown (:last for more)"
        );
        assert_eq!(
            footer(250, 200, 50, &Stats::default(), false),
            "rows 201-250 of 250"
        );
        assert_eq!(
            footer(0, 0, 0, &stats, true),
            "0 rows; 2 nodes created, 1 property set in 1.2 ms"
        );
    }

    #[test]
    fn evidence_of_relationships() {
        let mut g = Graph::new();
        let wen = g.add_node(["Person"], [("name", PropertyValue::from("Wen Jiabao"))]);
        let noda = g.add_node(
            ["Person"],
            [("name", PropertyValue::from("Yoshihiko Noda"))],
        );
        let met = g
            .add_edge(
                wen,
                noda,
                "MET",
                [
                    ("sentence", PropertyValue::from("Wen met Noda in Beijing.")),
                    ("doc", PropertyValue::from("seed")),
                    (
                        "date",
                        PropertyValue::from(crate::graph::PartialDate::month(2011, 12).unwrap()),
                    ),
                ],
            )
            .unwrap();
        let result = QueryResult {
            columns: vec!["r".into(), "again".into()],
            rows: vec![vec![
                Value::Relationship(met),
                Value::List(vec![Value::Relationship(met)]),
            ]],
            stats: Stats::default(),
        };
        let edges = relationships(&result);
        assert_eq!(edges, [met]);
        assert_eq!(
            why(&g, &edges, Some(26)),
            "[1] Wen Jiabao -[:MET]-> Yoshihiko Noda\n    \"Wen met Noda in\n    Beijing.\"\n    doc: seed, date: 2011-12\n"
        );
        assert_eq!(
            why(&g, &edges, None),
            "[1] Wen Jiabao -[:MET]-> Yoshihiko Noda\n    \"Wen met Noda in Beijing.\"\n    doc: seed, date: 2011-12\n"
        );
    }
}
