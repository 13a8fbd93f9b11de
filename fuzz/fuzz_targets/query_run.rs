//! The whole query path on arbitrary text: parse, plan and run every
//! statement on a small graph under a small memory budget and a timeout.
//! Each statement gives rows or an error, never a panic, a hang or an
//! allocation past the budget.
#![no_main]

use std::sync::OnceLock;
use std::time::Duration;

use libfuzzer_sys::fuzz_target;
use newsgraph::graph::Graph;
use newsgraph::query::{RunOptions, run};

/// A few people and countries with the edge types of the extraction spec,
/// made once and cloned for every input so that writes do not accumulate.
fn small_graph() -> &'static Graph {
    static GRAPH: OnceLock<Graph> = OnceLock::new();
    GRAPH.get_or_init(|| {
        let mut graph = Graph::new();
        let setup = "CREATE (hu:Person {name: 'Hu Jintao', aliases: ['President Hu'], born: 1942}),
                            (noda:Person {name: 'Yoshihiko Noda', born: 1957}),
                            (cn:Country {name: 'China'}), (jp:Country {name: 'Japan'}),
                            (bj:Place {name: 'Beijing'}),
                            (hu)-[:OFFICIAL_OF]->(cn), (noda)-[:OFFICIAL_OF]->(jp),
                            (noda)-[:VISITED {date: '2011-12-25', doc: 'seed'}]->(cn),
                            (hu)-[:MET {sentence: 'Hu met Noda.', modality: 'asserted'}]->(noda),
                            (cn)-[:TRADED_WITH {amount: 300000000000, currency: 'USD'}]->(jp),
                            (noda)-[:VISITED]->(bj)";
        for outcome in run(&mut graph, setup, &RunOptions::default()) {
            outcome.result.expect("the fuzz graph's setup runs");
        }
        graph
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(src) = std::str::from_utf8(data) else {
        return;
    };
    let mut graph = small_graph().clone();
    let options = RunOptions {
        timeout: Some(Duration::from_millis(200)),
        memory_budget: Some(1 << 20),
        ..RunOptions::default()
    };
    for outcome in run(&mut graph, src, &options) {
        if let Err(e) = outcome.result {
            assert!(
                src.get(e.span.range()).is_some(),
                "an error span lies inside the source: {e:?}"
            );
        }
    }
});
