//! The dump loader on arbitrary bytes: an error or a graph, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(graph) = newsgraph::graph::dump::read_bytes(data, "fuzz.json") {
        let mut out = Vec::new();
        newsgraph::graph::dump::write(&graph, &mut out).expect("writing to memory");
        let again =
            newsgraph::graph::dump::read_bytes(&out, "again.json").expect("a written dump loads");
        let mut out2 = Vec::new();
        newsgraph::graph::dump::write(&again, &mut out2).expect("writing to memory");
        assert_eq!(out, out2, "save, load, save gives the same bytes");
    }
});
