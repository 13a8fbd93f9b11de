//! Dump load and save at the sizes of issue 6: a graph shaped like
//! `../shared/bench/gen.py`'s (one person in ten thousand edges' worth is a
//! hub, every edge has a date and a document), built in memory so the bench
//! needs no files. `cargo bench --bench dump`.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use newsgraph::graph::{Graph, NodeId, PropertyValue, dump};

/// The binary's allocator (see `src/main.rs`), so that the bench measures
/// what `newsgraph` runs.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    divan::main();
}

/// A graph with `edges / 10` nodes and `edges` edges.
fn graph(edges: usize) -> Graph {
    let mut g = Graph::new();
    let people = edges / 10;
    let titles = ["President", "Premier", "Ambassador", "Mayor"];
    for i in 0..people {
        g.add_node(
            ["Person"],
            [
                ("id", PropertyValue::string(format!("P{i}"))),
                ("name", PropertyValue::string(format!("Person {i}"))),
                ("title", titles[i % titles.len()].into()),
            ],
        );
    }
    let types = ["MET", "MET", "MET", "VISITED", "CONDOLED", "OFFICIAL_OF"];
    // A cheap deterministic generator: the bench needs a fixed shape, not randomness.
    let mut state: u64 = 7;
    let mut next = |n: usize| {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((state >> 33) as usize) % n
    };
    for _ in 0..edges {
        let a = next(people).min(next(people));
        let b = next(people);
        let date = format!("20{:02}-{:02}-{:02}", next(25), 1 + next(12), 1 + next(28));
        let doc = format!("doc{:07}", next(edges / 6 + 1));
        g.add_edge(
            NodeId(a as u32),
            NodeId(b as u32),
            types[next(types.len())],
            [("date", date.into()), ("doc", doc.into())],
        )
        .expect("both ends exist");
    }
    g
}

/// The dump text of the graph with `edges` edges, made once per size.
fn text(edges: usize) -> &'static str {
    static CACHE: OnceLock<Mutex<HashMap<usize, &'static str>>> = OnceLock::new();
    let mut cache = CACHE
        .get_or_init(Default::default)
        .lock()
        .expect("no panics hold it");
    cache.entry(edges).or_insert_with(|| {
        let mut out = Vec::new();
        dump::write(&graph(edges), &mut out).expect("writing to memory");
        String::from_utf8(out).expect("dumps are UTF-8").leak()
    })
}

#[divan::bench(args = [100_000, 1_000_000], sample_count = 5, sample_size = 1)]
fn load(bencher: divan::Bencher, edges: usize) {
    let text = text(edges);
    bencher.bench(|| dump::read(divan::black_box(text), "bench.json").expect("a valid dump"));
}

#[divan::bench(args = [100_000, 1_000_000], sample_count = 5, sample_size = 1)]
fn save(bencher: divan::Bencher, edges: usize) {
    let g = dump::read(text(edges), "bench.json").expect("a valid dump");
    bencher.bench(|| {
        let mut out = Vec::with_capacity(text(edges).len());
        dump::write(&g, &mut out).expect("writing to memory");
        out
    });
}
