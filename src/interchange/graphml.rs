//! `export --format graphml`: GraphML with typed `<key>` declarations, as
//! networkx, Gephi and yEd read it.
//!
//! Each property key gets one `<key>` per side (node or edge) whose
//! `attr.type` is `long`, `double`, `boolean` or `string`, chosen from all
//! the values under that key: integers and floats together are `double`,
//! any other mix is `string`. Lists and maps are written as JSON text in a
//! `string` key, dates as `2011-12`. A node's labels are the `labels` key
//! (`:Person:Country`, as neo4j's APOC writes them) and its name is also the
//! `label` key Gephi and yEd show; an edge's type is the `type` key and its
//! `label`.

use std::io::{self, Write};

use indexmap::IndexMap;

use super::neo4j_csv::float_text;
use crate::graph::{Graph, Properties, PropertyValue, Sym};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ty {
    Long,
    Double,
    Boolean,
    String,
}

impl Ty {
    fn of(value: &PropertyValue) -> Ty {
        match value {
            PropertyValue::Int(_) => Ty::Long,
            PropertyValue::Float(_) => Ty::Double,
            PropertyValue::Bool(_) => Ty::Boolean,
            _ => Ty::String,
        }
    }

    fn merge(self, other: Ty) -> Ty {
        match (self, other) {
            (a, b) if a == b => a,
            (Ty::Long | Ty::Double, Ty::Long | Ty::Double) => Ty::Double,
            _ => Ty::String,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Ty::Long => "long",
            Ty::Double => "double",
            Ty::Boolean => "boolean",
            Ty::String => "string",
        }
    }
}

fn keys<'g>(all: impl Iterator<Item = &'g Properties>) -> IndexMap<Sym, Ty> {
    let mut kinds: IndexMap<Sym, Ty> = IndexMap::new();
    for props in all {
        for (key, value) in props.iter() {
            let ty = Ty::of(value);
            kinds
                .entry(key)
                .and_modify(|t| *t = t.merge(ty))
                .or_insert(ty);
        }
    }
    kinds
}

/// Escapes text for an XML attribute or element, dropping the control
/// characters XML 1.0 cannot hold.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => {}
            c => out.push(c),
        }
    }
    out
}

fn text(value: &PropertyValue, ty: Ty) -> String {
    match (value, ty) {
        (PropertyValue::Int(i), Ty::Double) => float_text(*i as f64),
        (PropertyValue::Int(i), _) => i.to_string(),
        (PropertyValue::Float(f), _) => float_text(*f),
        (PropertyValue::Bool(b), _) => b.to_string(),
        (PropertyValue::String(s), _) => s.to_string(),
        (PropertyValue::Date(d), _) => d.to_string(),
        (other, _) => super::json_text(other),
    }
}

/// Writes `graph` as a GraphML document.
pub fn write(graph: &Graph, w: impl Write) -> io::Result<()> {
    let mut w = io::BufWriter::new(w);
    let node_keys = keys(
        graph
            .node_ids()
            .filter_map(|id| graph.node(id))
            .map(|n| n.properties()),
    );
    let edge_keys = keys(
        graph
            .edge_ids()
            .filter_map(|id| graph.edge(id))
            .map(|e| e.properties()),
    );
    writeln!(w, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        w,
        r#"<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">"#
    )?;
    writeln!(
        w,
        r#"  <key id="labels" for="node" attr.name="labels" attr.type="string"/>"#
    )?;
    writeln!(
        w,
        r#"  <key id="label" for="node" attr.name="label" attr.type="string"/>"#
    )?;
    writeln!(
        w,
        r#"  <key id="type" for="edge" attr.name="type" attr.type="string"/>"#
    )?;
    writeln!(
        w,
        r#"  <key id="elabel" for="edge" attr.name="label" attr.type="string"/>"#
    )?;
    for (side, prefix, keys) in [("node", "n", &node_keys), ("edge", "e", &edge_keys)] {
        for (i, (key, ty)) in keys.iter().enumerate() {
            writeln!(
                w,
                r#"  <key id="{prefix}{i}" for="{side}" attr.name="{}" attr.type="{}"/>"#,
                escape(graph.resolve(*key)),
                ty.name()
            )?;
        }
    }
    writeln!(w, r#"  <graph id="G" edgedefault="directed">"#)?;
    for id in graph.node_ids() {
        let Some(node) = graph.node(id) else { continue };
        writeln!(w, r#"    <node id="n{}">"#, id.0)?;
        let labels: String = node.labels().map(|l| format!(":{l}")).collect();
        writeln!(w, r#"      <data key="labels">{}</data>"#, escape(&labels))?;
        if let Some(name) = node.name() {
            writeln!(w, r#"      <data key="label">{}</data>"#, escape(name))?;
        }
        for (key, value) in node.properties().iter() {
            // Every key was collected above; a miss would only drop the value.
            if let Some((i, _, ty)) = node_keys.get_full(&key) {
                let t = escape(&text(value, *ty));
                writeln!(w, r#"      <data key="n{i}">{t}</data>"#)?;
            }
        }
        writeln!(w, "    </node>")?;
    }
    for id in graph.edge_ids() {
        let Some(edge) = graph.edge(id) else { continue };
        writeln!(
            w,
            r#"    <edge id="e{}" source="n{}" target="n{}">"#,
            id.0,
            edge.source().0,
            edge.target().0
        )?;
        let ty = escape(edge.edge_type());
        writeln!(w, r#"      <data key="type">{ty}</data>"#)?;
        writeln!(w, r#"      <data key="elabel">{ty}</data>"#)?;
        for (key, value) in edge.properties().iter() {
            // Every key was collected above; a miss would only drop the value.
            if let Some((i, _, kt)) = edge_keys.get_full(&key) {
                let t = escape(&text(value, *kt));
                writeln!(w, r#"      <data key="e{i}">{t}</data>"#)?;
            }
        }
        writeln!(w, "    </edge>")?;
    }
    writeln!(w, "  </graph>")?;
    writeln!(w, "</graphml>")?;
    w.flush()
}
