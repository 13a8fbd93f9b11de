//! Statements split over threads give the rows, in the order, that one
//! thread gives: every query below runs with one thread and with three
//! (forced on a small graph), and the two results must be equal, errors
//! and `PROFILE` row counts included.

use std::time::Duration;

use newsgraph::graph::Graph;
use newsgraph::query::eval::Parallelism;
use newsgraph::query::{self, RunOptions, StatementOutcome};

/// 240 people in 12 countries; people meet people a few steps away in a
/// fixed pattern (with repeats, and three hubs), visit countries, and the
/// countries trade. Integer properties only, so that sums are exact.
const GRAPH: &str = "
UNWIND range(0, 11) AS c CREATE (:Country {name: 'C' + toString(c), code: c});
UNWIND range(0, 239) AS i
  MATCH (c:Country {code: i % 12})
  CREATE (:Person {name: 'P' + toString(i % 200), id: i, rank: i % 7})-[:OFFICIAL_OF]->(c);
MATCH (a:Person), (b:Person)
  WHERE b.id = (a.id * 7 + 3) % 240 OR b.id = (a.id + 1) % 240 OR (b.id < 3 AND a.id % 5 = 0)
  CREATE (a)-[:MET {year: 2000 + (a.id + b.id) % 20, weight: a.id % 11}]->(b);
MATCH (a:Person {id: 10}), (b:Person {id: 11}) CREATE (a)-[:MET {year: 2010, weight: 1}]->(b);
MATCH (p:Person), (c:Country) WHERE c.code = (p.id * 5) % 12
  CREATE (p)-[:VISITED {year: 2000 + p.id % 17}]->(c);
MATCH (a:Country), (b:Country) WHERE a.code < b.code AND (a.code + b.code) % 3 = 0
  CREATE (a)-[:TRADED_WITH {amount: a.code * 1000 + b.code, year: 2010}]->(b);
";

/// Statements that go through every breaker, source and merge.
const QUERIES: &[&str] = &[
    // Sources split at their first branching step, rows put end to end.
    "MATCH (p:Person) RETURN p.name, p.id",
    "MATCH (x:Person {id: 0})-[r:MET]-(p:Person) RETURN p.id, r.year",
    "MATCH (x:Person {id: 0})-[:MET]-(:Person)-[:MET]-(p:Person) WHERE p <> x RETURN p.id",
    "MATCH (a:Person)-[:MET]->(b:Person) WHERE a.rank = 2 RETURN DISTINCT b.rank",
    "MATCH (p:Person) WHERE p.id < 40 OPTIONAL MATCH (p)-[:VISITED]->(c:Country {code: 3}) RETURN p.id, c.name",
    "MATCH (p:Person) WITH p, p.id * 2 AS twice WHERE twice % 3 = 0 RETURN p.name, twice",
    "MATCH (p:Person) UNWIND [p.id, p.rank] AS v RETURN v",
    "MATCH (p:Person) WHERE (p)-[:VISITED]->(:Country {code: 0}) RETURN p.id",
    "MATCH (a:Person {id: 5})-[:MET*1..2]-(b:Person) RETURN b.id",
    "MATCH (n) RETURN labels(n), n.name",
    // Sorts, with ties, and top-k.
    "MATCH (x:Person)-[r:MET]-(p:Person) RETURN p.name AS name, r.year AS year ORDER BY year, name",
    "MATCH (p:Person) RETURN p.name AS name, p.id AS id ORDER BY name DESC",
    "MATCH (p:Person)-[r:MET]-() RETURN p.name AS name, r.weight AS w ORDER BY w DESC LIMIT 17",
    "MATCH (p:Person) RETURN p.rank AS rank ORDER BY rank SKIP 5 LIMIT 20",
    // Groupings: first-appearance order, every mergeable aggregate.
    "MATCH (p:Person)-[r:MET]-(:Person) RETURN p.name AS person, count(r) AS meetings ORDER BY meetings DESC, person LIMIT 10",
    "MATCH (p:Person)-[r:MET]-(q:Person) RETURN p.rank, count(*), sum(r.weight), min(r.year), max(r.year), avg(r.weight)",
    "MATCH (p:Person)-[r:MET]-(q:Person) RETURN p.rank, collect(q.id), count(DISTINCT q), min(DISTINCT q.id)",
    "MATCH (p:Person)-[r:MET]-(q:Person) RETURN q.name, stDev(r.weight), percentileDisc(r.year, 0.5)",
    "MATCH (:Country {code: 0})-[t:TRADED_WITH]-(c:Country) RETURN c.name AS partner, sum(t.amount) AS total, count(t) AS reports ORDER BY total DESC, partner",
    "MATCH (p:Person)-[:MET]-(q:Person) RETURN count(DISTINCT q) AS people",
    "MATCH (p:Person {id: 999})-[:MET]-(q) RETURN count(q)",
    "MATCH (p:Person) RETURN collect(DISTINCT p.rank) AS ranks",
    "MATCH ()-[r]->() RETURN type(r) AS t, count(*) AS n ORDER BY t",
    // Paths and a source that never branches.
    "MATCH p = shortestPath((a:Person {id: 1})-[:MET*]-(b:Person {id: 200})) RETURN length(p)",
    "MATCH (a:Person {id: 10})-[:MET]->(b:Person {id: 11}) RETURN a.id, b.id",
    // Errors: the same one, whichever thread meets it.
    "MATCH (p:Person) RETURN p.id / (p.id - 150) AS q",
    "MATCH (p:Person) RETURN sum(p.id / (p.rank - 3)) AS s",
    // Counted rows per operator.
    "PROFILE MATCH (p:Person)-[r:MET]-(:Person) RETURN p.rank AS rank, count(r) AS n ORDER BY rank",
    "PROFILE MATCH (x:Person)-[r:MET]-(p:Person) WHERE r.year > 2005 RETURN p.id AS id ORDER BY id",
    "PROFILE MATCH (p:Person)-[r:MET]-(:Person) RETURN p.rank AS rank, count(r) AS n ORDER BY n DESC LIMIT 3",
    "PROFILE MATCH (p:Person {id: 999}) RETURN p.rank AS rank, count(*) AS n ORDER BY n LIMIT 3",
];

fn graph() -> Graph {
    let mut graph = Graph::new();
    for outcome in query::run(&mut graph, GRAPH, &RunOptions::default()) {
        if let Err(e) = outcome.result {
            panic!("the test graph does not load: {e:?}");
        }
    }
    graph
}

/// The outcome of `q` with `threads` threads, rows and errors as text.
fn outcome(graph: &mut Graph, q: &str, threads: usize) -> String {
    let options = RunOptions {
        parallelism: Parallelism {
            threads,
            min_graph_size: 0,
            helpers_after: Duration::ZERO,
        },
        ..RunOptions::default()
    };
    let outcomes: Vec<StatementOutcome> = query::run(graph, q, &options);
    outcomes
        .iter()
        .map(|o| match &o.result {
            Ok(r) => format!("{:?}\n{:?}", r.columns, r.rows),
            Err(e) => format!("error {:?} at {:?}: {}", e.code, e.span, e.message),
        })
        .collect()
}

#[test]
fn split_statements_give_what_one_thread_gives() {
    let mut g = graph();
    assert!(g.node_count() > 250 && g.edge_count() > 700);
    for q in QUERIES {
        let one = outcome(&mut g, q, 1);
        assert!(!one.is_empty(), "{q}: no outcome");
        // Threads take shares as they come free, so the runs differ from
        // try to try: a few tries each.
        for threads in [2, 3, 3, 3] {
            let many = outcome(&mut g, q, threads);
            assert_eq!(one, many, "{q}: {threads} threads differ from one");
        }
    }
}

#[test]
fn threads_share_one_memory_budget() {
    let mut g = graph();
    let q = "MATCH (a:Person), (b:Person) RETURN collect(a.id) AS ids";
    for threads in [1, 3] {
        let options = RunOptions {
            memory_budget: Some(256 << 10),
            parallelism: Parallelism {
                threads,
                min_graph_size: 0,
                helpers_after: Duration::ZERO,
            },
            ..RunOptions::default()
        };
        let got = query::run(&mut g, q, &options);
        let err = got[0].result.as_ref().expect_err("the budget is too small");
        assert!(err.message.contains("memory budget"), "{threads}: {err:?}");
    }
}

#[test]
fn the_error_cases_do_fail() {
    let mut g = graph();
    for q in &QUERIES[25..27] {
        let got = outcome(&mut g, q, 3);
        assert!(got.starts_with("error"), "{q}: {got}");
    }
}
