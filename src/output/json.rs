//! The JSON-lines contract of `spec/cli.md`: one object a line per
//! statement, either `{"columns":[..],"rows":[[..]],"stats":{..}}` or
//! `{"error":{"kind":..,"code":..,"message":..,"line":L,"column":C}}`.
//!
//! Values: null, booleans, strings and lists are JSON's own; an integer is a
//! JSON integer; a float always carries a fraction or an exponent, and NaN
//! and the infinities are the bare tokens `NaN`, `Infinity`, `-Infinity`
//! (which serde_json cannot write, hence this hand-written encoder); maps,
//! nodes, relationships, paths and dates are tagged objects.

use std::fmt::Write as _;
use std::io;

use crate::graph::{Graph, NodeId};
use crate::query::StatementOutcome;
use crate::query::error::QueryError;
use crate::query::value::{Path, QueryResult, Stats, Value, format_float};
use crate::span::LineIndex;

use super::MAX_DEPTH;

/// Writes the line of one statement's outcome (see [`write_statement`]).
pub fn write_outcome(
    w: &mut impl io::Write,
    graph: &Graph,
    outcome: &StatementOutcome,
    src: &str,
) -> io::Result<()> {
    write_statement(w, graph, &outcome.result, src)
}

/// Writes one statement's line: its result, or its error with the line and
/// column of the error's span in `src` (the whole source the statement came
/// from, which the span indexes).
pub fn write_statement(
    w: &mut impl io::Write,
    graph: &Graph,
    result: &Result<QueryResult, QueryError>,
    src: &str,
) -> io::Result<()> {
    match result {
        Ok(result) => write_result(w, graph, result),
        Err(e) => write_error(w, e, src),
    }
}

/// Writes a result line: columns, rows and all eight stats counters.
pub fn write_result(w: &mut impl io::Write, graph: &Graph, result: &QueryResult) -> io::Result<()> {
    let mut out = String::new();
    out.push_str("{\"columns\":[");
    for (i, c) in result.columns.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_str(&mut out, c);
    }
    out.push_str("],\"rows\":[");
    for (i, row) in result.rows.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push('[');
        for (j, v) in row.iter().enumerate() {
            if j > 0 {
                out.push(',');
            }
            push_value(&mut out, graph, v, 0);
        }
        out.push(']');
    }
    out.push_str("],\"stats\":");
    push_stats(&mut out, &result.stats);
    out.push_str("}\n");
    w.write_all(out.as_bytes())
}

/// Writes an error line. `line` and `column` (1-based, the column counted in
/// characters) locate the start of the error's span in `src`.
pub fn write_error(w: &mut impl io::Write, e: &QueryError, src: &str) -> io::Result<()> {
    let at = LineIndex::new(src).line_col(e.span.start as usize);
    let mut out = String::new();
    out.push_str("{\"error\":{\"kind\":");
    push_str(&mut out, e.kind().name());
    out.push_str(",\"code\":");
    push_str(&mut out, e.code.name());
    out.push_str(",\"message\":");
    push_str(&mut out, &e.message);
    let _ = write!(out, ",\"line\":{},\"column\":{}}}}}", at.line, at.column);
    out.push('\n');
    w.write_all(out.as_bytes())
}

/// The stats object: `elapsed_us` and the eight counters, in the order of
/// `spec/cli.md`.
fn push_stats(out: &mut String, s: &Stats) {
    let _ = write!(
        out,
        "{{\"elapsed_us\":{},\"nodes_created\":{},\"nodes_deleted\":{},\
         \"relationships_created\":{},\"relationships_deleted\":{},\
         \"labels_added\":{},\"labels_removed\":{},\"properties_set\":{},\
         \"properties_removed\":{}}}",
        s.elapsed_us,
        s.nodes_created,
        s.nodes_deleted,
        s.relationships_created,
        s.relationships_deleted,
        s.labels_added,
        s.labels_removed,
        s.properties_set,
        s.properties_removed,
    );
}

/// A value in the contract's encoding, as a string (for tests and for
/// callers that build their own lines).
pub fn value_to_string(graph: &Graph, v: &Value) -> String {
    let mut out = String::new();
    push_value(&mut out, graph, v, 0);
    out
}

fn push_str(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn push_value(out: &mut String, graph: &Graph, v: &Value, depth: usize) {
    if depth > MAX_DEPTH {
        push_str(out, "...");
        return;
    }
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) => {
            let _ = write!(out, "{i}");
        }
        Value::Float(f) => out.push_str(&format_float(*f)),
        Value::String(s) => push_str(out, s),
        Value::List(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                push_value(out, graph, item, depth + 1);
            }
            out.push(']');
        }
        Value::Map(m) => {
            out.push_str("{\"map\":");
            push_object(out, graph, m.iter().map(|(k, v)| (&**k, v)), depth);
            out.push('}');
        }
        Value::Node(id) => push_node(out, graph, *id, depth),
        Value::Relationship(id) => push_relationship(out, graph, *id, None, depth),
        Value::Path(p) => push_path(out, graph, p, depth),
        Value::Date(d) => {
            out.push_str("{\"date\":");
            push_str(out, &d.to_string());
            out.push('}');
        }
    }
}

fn push_object<'a>(
    out: &mut String,
    graph: &Graph,
    entries: impl Iterator<Item = (&'a str, &'a Value)>,
    depth: usize,
) {
    out.push('{');
    for (i, (k, v)) in entries.enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_str(out, k);
        out.push(':');
        push_value(out, graph, v, depth + 1);
    }
    out.push('}');
}

fn push_properties<'a>(
    out: &mut String,
    graph: &Graph,
    props: impl Iterator<Item = (&'a str, &'a crate::graph::PropertyValue)>,
    depth: usize,
) {
    let values: Vec<(&str, Value)> = props.map(|(k, p)| (k, Value::from_property(p))).collect();
    push_object(out, graph, values.iter().map(|(k, v)| (*k, v)), depth);
}

/// `{"node":{"id":7,"labels":[..],"properties":{..}}}`; a node no longer in
/// the graph prints its id with no labels and no properties.
fn push_node(out: &mut String, graph: &Graph, id: NodeId, depth: usize) {
    let _ = write!(out, "{{\"node\":{{\"id\":{},\"labels\":[", id.0);
    if let Some(node) = graph.node(id) {
        for (i, label) in node.labels().enumerate() {
            if i > 0 {
                out.push(',');
            }
            push_str(out, label);
        }
        out.push_str("],\"properties\":");
        let props = node.properties().iter().map(|(k, v)| (graph.resolve(k), v));
        push_properties(out, graph, props, depth);
    } else {
        out.push_str("],\"properties\":{}");
    }
    out.push_str("}}");
}

/// `{"relationship":{"id":3,"type":"MET","start":7,"end":9,"properties":{}}}`.
/// A relationship no longer in the graph prints its id, an empty type, and
/// as endpoints `ends` when it is known (its neighbours in a path), else null.
fn push_relationship(
    out: &mut String,
    graph: &Graph,
    id: crate::graph::EdgeId,
    ends: Option<(NodeId, NodeId)>,
    depth: usize,
) {
    let _ = write!(out, "{{\"relationship\":{{\"id\":{},\"type\":", id.0);
    if let Some(edge) = graph.edge(id) {
        push_str(out, edge.edge_type());
        let _ = write!(
            out,
            ",\"start\":{},\"end\":{},\"properties\":",
            edge.source().0,
            edge.target().0
        );
        let props = edge.properties().iter().map(|(k, v)| (graph.resolve(k), v));
        push_properties(out, graph, props, depth);
    } else {
        out.push_str("\"\"");
        match ends {
            Some((a, b)) => {
                let _ = write!(out, ",\"start\":{},\"end\":{}", a.0, b.0);
            }
            None => out.push_str(",\"start\":null,\"end\":null"),
        }
        out.push_str(",\"properties\":{}");
    }
    out.push_str("}}");
}

/// `{"path":[NODE,RELATIONSHIP,NODE,...]}`.
fn push_path(out: &mut String, graph: &Graph, p: &Path, depth: usize) {
    out.push_str("{\"path\":[");
    for (i, n) in p.nodes.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_node(out, graph, *n, depth + 1);
        if let (Some(r), Some(next)) = (p.relationships.get(i), p.nodes.get(i + 1)) {
            out.push(',');
            push_relationship(out, graph, *r, Some((*n, *next)), depth + 1);
        }
    }
    out.push_str("]}");
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use expect_test::expect;
    use indexmap::IndexMap;

    use super::*;
    use crate::graph::{PartialDate, PropertyValue};
    use crate::query::error::ErrorCode;
    use crate::span::Span;

    fn sample() -> (Graph, Value, Value, Value) {
        let mut g = Graph::new();
        let hu = g.add_node(["Person"], [("name", PropertyValue::from("Hu Jintao"))]);
        let noda = g.add_node(
            ["Person"],
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
        let path = Value::Path(Box::new(Path {
            nodes: vec![noda, hu],
            relationships: vec![met],
        }));
        (g, Value::Node(hu), Value::Relationship(met), path)
    }

    #[test]
    fn values_follow_the_contract() {
        let (g, node, rel, path) = sample();
        let mut m = IndexMap::new();
        m.insert(Arc::from("k"), Value::Int(1));
        m.insert(Arc::from("q\""), Value::Float(1.0));
        let row = Value::List(vec![
            Value::Null,
            Value::Bool(true),
            Value::Int(-7),
            Value::Float(1.0),
            Value::Float(0.1),
            Value::Float(1e300),
            Value::Float(f64::NAN),
            Value::Float(f64::INFINITY),
            Value::Float(f64::NEG_INFINITY),
            Value::from("tab\there \"q\" é"),
            Value::Map(m.into()),
            Value::Date(PartialDate::parse("2011-12").unwrap()),
        ]);
        expect![[r#"[null,true,-7,1.0,0.1,1e300,NaN,Infinity,-Infinity,"tab\there \"q\" é",{"map":{"k":1,"q\"":1.0}},{"date":"2011-12"}]"#]]
            .assert_eq(&value_to_string(&g, &row));
        expect![[r#"{"node":{"id":0,"labels":["Person"],"properties":{"name":"Hu Jintao"}}}"#]]
            .assert_eq(&value_to_string(&g, &node));
        expect![[r#"{"relationship":{"id":0,"type":"MET","start":0,"end":1,"properties":{"date":{"date":"2011-12"}}}}"#]]
            .assert_eq(&value_to_string(&g, &rel));
        expect![[r#"{"path":[{"node":{"id":1,"labels":["Person"],"properties":{"name":"Yoshihiko Noda"}}},{"relationship":{"id":0,"type":"MET","start":0,"end":1,"properties":{"date":{"date":"2011-12"}}}},{"node":{"id":0,"labels":["Person"],"properties":{"name":"Hu Jintao"}}}]}"#]]
            .assert_eq(&value_to_string(&g, &path));
    }

    #[test]
    fn deleted_entities_still_print() {
        let (mut g, node, rel, path) = sample();
        let Value::Node(id) = node else {
            unreachable!()
        };
        g.detach_remove_node(id).unwrap();
        expect![[r#"{"node":{"id":0,"labels":[],"properties":{}}}"#]]
            .assert_eq(&value_to_string(&g, &node));
        expect![[r#"{"relationship":{"id":0,"type":"","start":null,"end":null,"properties":{}}}"#]]
            .assert_eq(&value_to_string(&g, &rel));
        expect![[r#"{"path":[{"node":{"id":1,"labels":["Person"],"properties":{"name":"Yoshihiko Noda"}}},{"relationship":{"id":0,"type":"","start":1,"end":0,"properties":{}}},{"node":{"id":0,"labels":[],"properties":{}}}]}"#]]
            .assert_eq(&value_to_string(&g, &path));
    }

    #[test]
    fn result_and_error_lines() {
        let (g, node, _, _) = sample();
        let result = QueryResult {
            columns: vec!["a.name".into(), "n".into()],
            rows: vec![vec![Value::from("Hu Jintao"), node]],
            stats: Stats {
                elapsed_us: 412,
                properties_set: 2,
                ..Stats::default()
            },
        };
        let mut out = Vec::new();
        let outcome = StatementOutcome {
            span: Span::new(0, 0),
            result: Ok(result),
        };
        write_outcome(&mut out, &g, &outcome, "").unwrap();
        write_result(&mut out, &g, &QueryResult::default()).unwrap();
        let src = "RETURN 1;\nMATCH (n) RETURN é + b";
        let b = src.rfind('b').unwrap();
        let e = QueryError::new(
            ErrorCode::UndefinedVariable,
            Span::new(b, b + 1),
            "Variable `b` not defined",
        );
        write_statement(&mut out, &g, &Err(e), src).unwrap();
        expect![[r#"
            {"columns":["a.name","n"],"rows":[["Hu Jintao",{"node":{"id":0,"labels":["Person"],"properties":{"name":"Hu Jintao"}}}]],"stats":{"elapsed_us":412,"nodes_created":0,"nodes_deleted":0,"relationships_created":0,"relationships_deleted":0,"labels_added":0,"labels_removed":0,"properties_set":2,"properties_removed":0}}
            {"columns":[],"rows":[],"stats":{"elapsed_us":0,"nodes_created":0,"nodes_deleted":0,"relationships_created":0,"relationships_deleted":0,"labels_added":0,"labels_removed":0,"properties_set":0,"properties_removed":0}}
            {"error":{"kind":"SyntaxError","code":"UndefinedVariable","message":"Variable `b` not defined","line":2,"column":22}}
        "#]]
        .assert_eq(&String::from_utf8(out).unwrap());
    }

    #[test]
    fn every_line_is_json_with_bare_nan_tokens() {
        // serde_json rejects NaN; swapping the tokens for null first shows
        // that everything else is well-formed JSON.
        let (g, node, rel, path) = sample();
        let v = Value::List(vec![
            node,
            rel,
            path,
            Value::Float(f64::NAN),
            Value::from("NaN"),
        ]);
        let text = value_to_string(&g, &v).replace("NaN,", "null,");
        let parsed: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(parsed[4], serde_json::json!("NaN"));
    }

    #[test]
    fn deep_nesting_is_cut_short() {
        let mut v = Value::Int(1);
        for _ in 0..(MAX_DEPTH + 10) {
            v = Value::List(vec![v]);
        }
        let text = value_to_string(&Graph::new(), &v);
        assert!(text.contains("\"...\""));
    }
}
