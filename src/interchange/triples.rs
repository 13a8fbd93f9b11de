//! `export --format triples`: one JSON object a line for each edge, with the
//! fields of `spec/cli.md` in its order:
//!
//! ```json
//! {"subject":"Hu Jintao","subject_label":"Person","relation":"MET","object":"Yoshihiko Noda","object_label":"Person","doc":"seed","sentence":"...","date":"2011-12","modality":"asserted","properties":{}}
//! ```
//!
//! `subject` and `object` are the nodes' names, the labels their first
//! labels; `doc`, `sentence`, `date` and `modality` come from the edge's
//! properties of those names (a date as text such as `2011-12`), `null`
//! when the edge has none; `properties` holds the edge's other properties
//! in the dump's value encoding.

use std::io::{self, Write};

use serde::Serialize;
use serde::ser::SerializeMap;

use crate::graph::dump::DumpValue;
use crate::graph::{EdgeRef, Graph, NodeRef, PropertyValue};

/// The edge properties that have fields of their own.
pub const FIELDS: [&str; 4] = ["doc", "sentence", "date", "modality"];

/// Writes every edge of `graph` as a triple line, in ascending edge id order.
pub fn write(graph: &Graph, mut w: impl Write) -> io::Result<()> {
    for id in graph.edge_ids() {
        let Some(edge) = graph.edge(id) else { continue };
        serde_json::to_writer(&mut w, &Triple { graph, edge })?;
        w.write_all(b"\n")?;
    }
    Ok(())
}

struct Triple<'g> {
    graph: &'g Graph,
    edge: EdgeRef<'g>,
}

/// A field that is a string when the value is text or a date, the value's
/// own encoding otherwise, and `null` when absent.
struct Field<'a>(Option<&'a PropertyValue>);

impl Serialize for Field<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            None => s.serialize_none(),
            Some(PropertyValue::Date(d)) => s.collect_str(d),
            Some(v) => DumpValue(v).serialize(s),
        }
    }
}

struct Rest<'g>(&'g Graph, EdgeRef<'g>);

impl Serialize for Rest<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        for (key, value) in self.1.properties().iter() {
            let key = self.0.resolve(key);
            if !FIELDS.contains(&key) {
                m.serialize_entry(key, &DumpValue(value))?;
            }
        }
        m.end()
    }
}

fn name<'g>(node: Option<NodeRef<'g>>) -> Option<&'g str> {
    node.and_then(|n| n.name())
}

fn label<'g>(node: Option<NodeRef<'g>>) -> Option<&'g str> {
    node.and_then(|n| n.labels().next())
}

impl Serialize for Triple<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (g, e) = (self.graph, self.edge);
        let subject = g.node(e.source());
        let object = g.node(e.target());
        let mut m = s.serialize_map(Some(10))?;
        m.serialize_entry("subject", &name(subject))?;
        m.serialize_entry("subject_label", &label(subject))?;
        m.serialize_entry("relation", e.edge_type())?;
        m.serialize_entry("object", &name(object))?;
        m.serialize_entry("object_label", &label(object))?;
        for field in FIELDS {
            m.serialize_entry(field, &Field(e.property(field)))?;
        }
        m.serialize_entry("properties", &Rest(g, e))?;
        m.end()
    }
}
