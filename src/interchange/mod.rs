//! Whole-graph conversion to and from other formats: export to triples
//! (JSON lines, the contract of `spec/cli.md`), the dump's JSON, GraphML,
//! Graphviz DOT and neo4j-admin CSV, and import of neo4j-admin CSV.
//!
//! It goes through the graph's public API only, writes to `impl Write` and
//! reads from bytes: the command line opens the files.

pub mod dot;
pub mod graphml;
pub mod neo4j_csv;
pub mod triples;

use crate::graph::PropertyValue;
use crate::graph::dump::DumpValue;

/// A property value as compact JSON in the dump's encoding (a float keeps
/// its fraction; maps, dates and non-finite floats are tagged objects).
pub fn json_text(value: &PropertyValue) -> String {
    // Serializing a value to a string cannot fail: every map key is a string.
    serde_json::to_string(&DumpValue(value)).unwrap_or_default()
}
