//! The neo4j-admin CSV importer on arbitrary bytes, split at the first NUL
//! into a nodes file and an edges file: an error or a graph, never a panic.
//! A graph that imports also exports to CSV that imports again, and after
//! that first trip, export then import changes nothing.
#![no_main]

use libfuzzer_sys::fuzz_target;
use newsgraph::graph::{Graph, dump};
use newsgraph::interchange::neo4j_csv::{import, write_edges, write_nodes};

fn export(graph: &Graph) -> (Vec<u8>, Vec<u8>) {
    let (mut nodes, mut edges) = (Vec::new(), Vec::new());
    write_nodes(graph, &mut nodes).expect("writing to memory");
    write_edges(graph, &mut edges).expect("writing to memory");
    (nodes, edges)
}

fn dump_bytes(graph: &Graph) -> Vec<u8> {
    let mut out = Vec::new();
    dump::write(graph, &mut out).expect("writing to memory");
    out
}

fuzz_target!(|data: &[u8]| {
    let (nodes, edges) = match data.iter().position(|&b| b == 0) {
        Some(at) => (&data[..at], &data[at + 1..]),
        None => (data, &b":START_ID,:END_ID,:TYPE\n"[..]),
    };
    let Ok(graph) = import(nodes, "nodes.csv", edges, "edges.csv") else {
        return;
    };
    let (n1, e1) = export(&graph);
    let once = import(&n1, "nodes.csv", &e1, "edges.csv")
        .unwrap_or_else(|e| panic!("exported CSV imports again: {e}"));
    let (n2, e2) = export(&once);
    let twice = import(&n2, "nodes.csv", &e2, "edges.csv")
        .unwrap_or_else(|e| panic!("exported CSV imports again: {e}"));
    assert_eq!(
        dump_bytes(&once),
        dump_bytes(&twice),
        "export then import is stable"
    );
});
