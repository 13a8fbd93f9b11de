//! The analyst queries of issue 6 (`../shared/bench/queries.cypher`) at 10k
//! and 100k edges. The graph is read from `gen.py`'s CSVs when they exist
//! (`$NEWSGRAPH_PERF_DATA/<size>/` or `/tmp/newsgraph-perf/<size>/`, as
//! `run_newsgraph.sh` leaves them); otherwise one of the same shape is
//! built in memory, with the names the queries ask for, so the bench needs
//! no files. `cargo bench --bench query`.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Mutex, OnceLock};

use newsgraph::graph::{Graph, NodeId, PropertyValue};
use newsgraph::interchange::neo4j_csv;
use newsgraph::query::{self, RunOptions};

/// The binary's allocator (see `src/main.rs`), so that the bench measures
/// what `newsgraph` runs.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    divan::main();
}

/// The statements of `queries.cypher`, by name.
const QUERIES: [(&str, &str); 10] = [
    (
        "q01_who_met_leader",
        r#"MATCH (x:Person {name: "Leo Ruto"})-[r:MET]-(p:Person) RETURN p.name AS person, r.date AS date, r.doc AS doc ORDER BY date, person, doc"#,
    ),
    (
        "q02_two_hops",
        r#"MATCH (x:Person {name: "Thongloun Esposito"})-[:MET]-(:Person)-[:MET]-(p:Person) WHERE p <> x RETURN count(DISTINCT p) AS people"#,
    ),
    (
        "q03_top_meeters",
        r#"MATCH (p:Person)-[r:MET]-(:Person) RETURN p.name AS person, count(r) AS meetings ORDER BY meetings DESC, person LIMIT 10"#,
    ),
    (
        "q04_china_met_japan",
        r#"MATCH (:Country {name: "China"})<-[:OFFICIAL_OF]-(a:Person)-[m:MET]-(b:Person)-[:OFFICIAL_OF]->(:Country {name: "Japan"}) RETURN a.name AS chinese, b.name AS japanese, m.date AS date, m.doc AS doc ORDER BY date, chinese, japanese"#,
    ),
    (
        "q05_visits_china_2015",
        r#"MATCH (p:Person)-[v:VISITED]->(:Country {name: "China"}) WHERE v.date >= "2015-01-01" AND v.date <= "2015-12-31" RETURN p.name AS person, v.date AS date, v.doc AS doc ORDER BY date, person"#,
    ),
    (
        "q06_shortest_met_path",
        r#"MATCH path = shortestPath((a:Person {name: "Nikol Kristersson"})-[:MET*]-(b:Person {name: "Barbara Ramaphosa"})) RETURN length(path) AS hops"#,
    ),
    (
        "q07_china_trade_partners",
        r#"MATCH (:Country {name: "China"})-[t:TRADED_WITH]-(partner:Country) RETURN partner.name AS partner, sum(t.amount) AS total_usd, count(t) AS reports ORDER BY total_usd DESC, partner LIMIT 10"#,
    ),
    (
        "q08_name_prefix",
        r#"MATCH (n) WHERE n.name STARTS WITH "Al" RETURN n.name AS name, labels(n) AS labels ORDER BY name"#,
    ),
    (
        "q09_edges_by_type",
        r#"MATCH ()-[r]->() RETURN type(r) AS type, count(*) AS edges ORDER BY type"#,
    ),
    (
        "q10_visited_china_and_met_leader",
        r#"MATCH (p:Person)-[:VISITED]->(:Country {name: "China"}), (p)-[:MET]-(:Person {name: "Leo Ruto"}) RETURN DISTINCT p.name AS person ORDER BY person"#,
    ),
];

/// The graph of a size (`10k`, `100k`), made once.
fn graph(size: &'static str) -> &'static Mutex<Graph> {
    static CACHE: OnceLock<Mutex<HashMap<&'static str, &'static Mutex<Graph>>>> = OnceLock::new();
    let mut cache = CACHE
        .get_or_init(Default::default)
        .lock()
        .expect("no bench panicked holding the cache");
    cache.entry(size).or_insert_with(|| {
        let g = from_csv(size).unwrap_or_else(|| synthetic(edges_of(size)));
        Box::leak(Box::new(Mutex::new(g)))
    })
}

fn edges_of(size: &str) -> usize {
    match size {
        "10k" => 10_000,
        _ => 100_000,
    }
}

/// `gen.py`'s CSVs for `size`, when they are on disk.
fn from_csv(size: &str) -> Option<Graph> {
    let root = std::env::var_os("NEWSGRAPH_PERF_DATA")
        .map_or_else(|| PathBuf::from("/tmp/newsgraph-perf"), PathBuf::from);
    let dir = root.join(size);
    let nodes = std::fs::read(dir.join("nodes.csv")).ok()?;
    let edges = std::fs::read(dir.join("edges.csv")).ok()?;
    neo4j_csv::import(&nodes, "nodes.csv", &edges, "edges.csv").ok()
}

/// A graph shaped like `gen.py`'s: `edges / 10` people (a few hubs), 200
/// countries (China and Japan among them), meetings, visits, trade reports
/// and one country per person; the people the queries name are there.
fn synthetic(edges: usize) -> Graph {
    let mut g = Graph::new();
    let people = edges / 10;
    let named = [
        (0, "Leo Ruto"),
        (500, "Thongloun Esposito"),
        (900, "Nikol Kristersson"),
        (999, "Barbara Ramaphosa"),
    ];
    for i in 0..people {
        let name = named
            .iter()
            .find(|(k, _)| *k == i)
            .map_or_else(|| format!("Al Person {i}"), |(_, n)| n.to_string());
        g.add_node(["Person"], [("name", PropertyValue::string(name))]);
    }
    let countries: Vec<NodeId> = (0..200)
        .map(|i| {
            let name = match i {
                0 => "China".to_string(),
                1 => "Japan".to_string(),
                _ => format!("Country {i}"),
            };
            g.add_node(["Country"], [("name", PropertyValue::string(name))])
        })
        .collect();
    // A cheap deterministic generator: the bench needs a fixed shape, not randomness.
    let mut state: u64 = 7;
    let mut next = |n: usize| {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((state >> 33) as usize) % n.max(1)
    };
    for p in 0..people {
        let c = countries[next(countries.len()).min(next(countries.len()))];
        g.add_edge(NodeId(p as u32), c, "OFFICIAL_OF", [])
            .expect("both ends exist");
    }
    for _ in people..edges {
        // Low ids are picked more often: the hubs of a news graph.
        let a = NodeId(next(people).min(next(people)).min(next(people)) as u32);
        let date = format!("20{:02}-{:02}-{:02}", next(25), 1 + next(12), 1 + next(28));
        let doc = PropertyValue::string(format!("doc{:07}", next(edges / 6 + 1)));
        let (b, ty) = match next(10) {
            0..=5 => (NodeId(next(people) as u32), "MET"),
            6..=8 => (countries[next(countries.len())], "VISITED"),
            _ => {
                let amount = PropertyValue::Int(next(1_000_000) as i64);
                let from = countries[next(countries.len())];
                let to = countries[next(countries.len())];
                g.add_edge(
                    from,
                    to,
                    "TRADED_WITH",
                    [("date", date.into()), ("doc", doc), ("amount", amount)],
                )
                .expect("both ends exist");
                continue;
            }
        };
        g.add_edge(a, b, ty, [("date", date.into()), ("doc", doc)])
            .expect("both ends exist");
    }
    g
}

#[divan::bench(args = ["10k", "100k"], consts = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], sample_count = 10)]
fn analyst<const Q: usize>(bencher: divan::Bencher, size: &'static str) {
    let lock = graph(size);
    let (_, src) = QUERIES[Q];
    bencher.bench_local(|| {
        let mut g = lock.lock().expect("no bench panicked holding the graph");
        let out = query::run(&mut g, src, &RunOptions::default());
        assert!(out.iter().all(|o| o.result.is_ok()), "{src}");
        out.len()
    });
}
