//! The analyst's who-met-whom questions on a small graph that reproduces the
//! seed article's facts (spec/extraction.md), through `query::run`, with
//! the expected tables; `EXPLAIN` snapshots showing index use; and the
//! limits (cancellation, memory budget) and the statement-by-statement
//! error contract.
//!
//! Snapshots are refreshed with `UPDATE_EXPECT=1 cargo test --test query`.

use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use expect_test::{Expect, expect};
use newsgraph::graph::Graph;
use newsgraph::output;
use newsgraph::query::value::Value;
use newsgraph::query::{self, RunOptions, StatementOutcome};

/// The seed article's facts as the builder should read them.
const SEED: &str = "
CREATE (china:Country {name: 'China'}),
       (japan:Country {name: 'Japan'}),
       (embassy:Organization {name: 'Japanese Embassy'}),
       (beijing:Place {name: 'Beijing'}),
       (liu:Person {name: 'Liu Zhenmin', title: 'Assistant Foreign Minister', aliases: ['Liu']}),
       (hu:Person {name: 'Hu Jintao', title: 'President', aliases: ['Hu', 'President Hu']}),
       (wen:Person {name: 'Wen Jiabao', title: 'Premier', aliases: ['Wen']}),
       (wu:Person {name: 'Wu Bangguo', title: 'top legislator'}),
       (noda:Person {name: 'Yoshihiko Noda', title: 'Prime Minister', aliases: ['Noda']}),
       (liu)-[:OFFICIAL_OF {title: 'Assistant Foreign Minister'}]->(china),
       (hu)-[:OFFICIAL_OF {title: 'President'}]->(china),
       (wen)-[:OFFICIAL_OF {title: 'Premier'}]->(china),
       (wu)-[:OFFICIAL_OF {title: 'top legislator'}]->(china),
       (noda)-[:OFFICIAL_OF {title: 'Prime Minister'}]->(japan),
       (china)-[:CONDOLED {year: 2011}]->(japan),
       (hu)-[:VISITED {year: 2011}]->(embassy),
       (hu)-[:CONDOLED {year: 2011}]->(japan),
       (wen)-[:VISITED {year: 2011}]->(japan),
       (wen)-[:CONDOLED {year: 2011}]->(japan),
       (noda)-[:VISITED {year: 2011, month: 12}]->(china),
       (hu)-[:MET {year: 2011, month: 12}]->(noda),
       (wu)-[:MET {year: 2011, month: 12}]->(noda),
       (wen)-[:MET {year: 2011, month: 12}]->(noda),
       (china)-[:TRADED_WITH {amount: 300000000000, currency: 'USD', year: 2011}]->(japan),
       (embassy)-[:LOCATED_IN]->(beijing)
";

fn seed() -> Graph {
    let mut graph = Graph::new();
    for outcome in query::run(&mut graph, SEED, &RunOptions::default()) {
        if let Err(e) = outcome.result {
            panic!("the seed does not load: {e:?}");
        }
    }
    graph
}

/// Each statement's table, or its error as `Kind/Code at OFFSET: message`.
fn render(graph: &Graph, outcomes: &[StatementOutcome]) -> String {
    let mut out = String::new();
    for o in outcomes {
        match &o.result {
            Ok(r) => {
                out.push_str(&output::table::render(graph, r, 100));
                out.push('\n');
            }
            Err(e) => out.push_str(&format!(
                "{}/{} at {}..{}: {}\n",
                e.code.kind().name(),
                e.code.name(),
                e.span.start,
                e.span.end,
                e.message
            )),
        }
    }
    out
}

#[track_caller]
fn check(q: &str, expect: Expect) {
    let mut graph = seed();
    let outcomes = query::run(&mut graph, q, &RunOptions::default());
    expect.assert_eq(&render(&graph, &outcomes));
}

#[track_caller]
fn check_explain(q: &str, expect: Expect) {
    let graph = seed();
    let text = query::explain(&graph, q).unwrap_or_else(|e| format!("{e:?}"));
    expect.assert_eq(&text);
}

#[test]
fn who_met_noda() {
    check(
        "MATCH (p:Person)-[:MET]-(:Person {name: 'Yoshihiko Noda'}) RETURN p.name AS who, p.title AS title ORDER BY who",
        expect![[r#"
            ┌────────────┬────────────────┐
            │ who        ┆ title          │
            ╞════════════╪════════════════╡
            │ Hu Jintao  ┆ President      │
            │ Wen Jiabao ┆ Premier        │
            │ Wu Bangguo ┆ top legislator │
            └────────────┴────────────────┘
            3 rows

        "#]],
    );
}

#[test]
fn chinese_officials_who_met_japanese_officials() {
    check(
        "MATCH (:Country {name: 'China'})<-[:OFFICIAL_OF]-(a:Person)-[:MET]-(b:Person)-[:OFFICIAL_OF]->(:Country {name: 'Japan'})
         RETURN a.name AS chinese, b.name AS japanese ORDER BY chinese",
        expect![[r#"
            ┌────────────┬────────────────┐
            │ chinese    ┆ japanese       │
            ╞════════════╪════════════════╡
            │ Hu Jintao  ┆ Yoshihiko Noda │
            │ Wen Jiabao ┆ Yoshihiko Noda │
            │ Wu Bangguo ┆ Yoshihiko Noda │
            └────────────┴────────────────┘
            3 rows

        "#]],
    );
}

#[test]
fn shortest_chain_of_meetings() {
    check(
        "MATCH (a:Person {name: 'Hu Jintao'}), (b:Person {name: 'Wen Jiabao'}),
               p = shortestPath((a)-[:MET*]-(b))
         RETURN [n IN nodes(p) | n.name] AS chain, length(p) AS hops",
        expect![[r#"
            ┌───────────────────────────────────────────────┬──────┐
            │ chain                                         ┆ hops │
            ╞═══════════════════════════════════════════════╪══════╡
            │ ["Hu Jintao", "Yoshihiko Noda", "Wen Jiabao"] ┆ 2    │
            └───────────────────────────────────────────────┴──────┘
            1 row

        "#]],
    );
}

#[test]
fn all_shortest_chains() {
    check(
        "MATCH (a:Person {name: 'Hu Jintao'}), (b:Person {name: 'Wu Bangguo'}),
               p = allShortestPaths((a)-[:MET|OFFICIAL_OF*]-(b))
         RETURN [n IN nodes(p) | n.name] AS chain ORDER BY chain",
        expect![[r#"
            ┌───────────────────────────────────────────────┐
            │ chain                                         │
            ╞═══════════════════════════════════════════════╡
            │ ["Hu Jintao", "China", "Wu Bangguo"]          │
            │ ["Hu Jintao", "Yoshihiko Noda", "Wu Bangguo"] │
            └───────────────────────────────────────────────┘
            2 rows

        "#]],
    );
}

#[test]
fn most_meetings() {
    check(
        "MATCH (p:Person)-[m:MET]-() RETURN p.name AS who, count(m) AS meetings ORDER BY meetings DESC, who LIMIT 2",
        expect![[r#"
            ┌────────────────┬──────────┐
            │ who            ┆ meetings │
            ╞════════════════╪══════════╡
            │ Yoshihiko Noda ┆ 3        │
            │ Hu Jintao      ┆ 1        │
            └────────────────┴──────────┘
            2 rows

        "#]],
    );
}

#[test]
fn who_condoled_japan() {
    check(
        "MATCH (x)-[:CONDOLED]->(:Country {name: 'Japan'}) RETURN labels(x)[0] AS kind, x.name AS who ORDER BY who",
        expect![[r#"
            ┌─────────┬────────────┐
            │ kind    ┆ who        │
            ╞═════════╪════════════╡
            │ Country ┆ China      │
            │ Person  ┆ Hu Jintao  │
            │ Person  ┆ Wen Jiabao │
            └─────────┴────────────┘
            3 rows

        "#]],
    );
}

#[test]
fn visits_and_meetings_of_one_person() {
    check(
        "MATCH (p:Person {name: 'Yoshihiko Noda'})
         OPTIONAL MATCH (p)-[:VISITED]->(place)
         OPTIONAL MATCH (p)-[:MET]-(other)
         RETURN p.name, collect(DISTINCT place.name) AS visited, count(DISTINCT other) AS met",
        expect![[r#"
            ┌────────────────┬───────────┬─────┐
            │ p.name         ┆ visited   ┆ met │
            ╞════════════════╪═══════════╪═════╡
            │ Yoshihiko Noda ┆ ["China"] ┆ 3   │
            └────────────────┴───────────┴─────┘
            1 row

        "#]],
    );
}

#[test]
fn trade_partners() {
    check(
        "MATCH (a:Country)-[t:TRADED_WITH]-(b:Country) WHERE a.name < b.name
         RETURN a.name, b.name, t.amount / 1000000000 AS billions, t.currency",
        expect![[r#"
            ┌────────┬────────┬──────────┬────────────┐
            │ a.name ┆ b.name ┆ billions ┆ t.currency │
            ╞════════╪════════╪══════════╪════════════╡
            │ China  ┆ Japan  ┆ 300      ┆ USD        │
            └────────┴────────┴──────────┴────────────┘
            1 row

        "#]],
    );
}

#[test]
fn name_prefix_and_regex() {
    check(
        "MATCH (p:Person) WHERE p.name STARTS WITH 'W' OR p.name =~ 'Y.*Noda' RETURN p.name ORDER BY p.name",
        expect![[r#"
            ┌────────────────┐
            │ p.name         │
            ╞════════════════╡
            │ Wen Jiabao     │
            │ Wu Bangguo     │
            │ Yoshihiko Noda │
            └────────────────┘
            3 rows

        "#]],
    );
}

#[test]
fn writes_count_their_effects() {
    check(
        "MATCH (n:Person {name: 'Yoshihiko Noda'}) SET n.title = 'former Prime Minister', n:Leader RETURN n.title;
         MATCH (n:Leader) REMOVE n:Leader RETURN count(n) AS n;
         MERGE (c:Country {name: 'Russia'}) ON CREATE SET c.created = true RETURN c.created;
         MERGE (c:Country {name: 'Russia'}) ON MATCH SET c.matched = true RETURN c.matched;
         MATCH (c:Country {name: 'Russia'}) DETACH DELETE c",
        expect![[r#"
            ┌───────────────────────┐
            │ n.title               │
            ╞═══════════════════════╡
            │ former Prime Minister │
            └───────────────────────┘
            1 row
            1 label added, 1 property set, 1 property removed

            ┌───┐
            │ n │
            ╞═══╡
            │ 1 │
            └───┘
            1 row
            1 label removed

            ┌───────────┐
            │ c.created │
            ╞═══════════╡
            │ true      │
            └───────────┘
            1 row
            1 node created, 2 properties set

            ┌───────────┐
            │ c.matched │
            ╞═══════════╡
            │ true      │
            └───────────┘
            1 row
            1 property set

            0 rows
            1 node deleted, 3 properties removed

        "#]],
    );
}

#[test]
fn a_failing_statement_does_not_stop_the_next() {
    check(
        "MATCH (a) RETURN b; RETURN 1 AS one; MATCH (n) RETURN n.name AS n LIMIT -1; RETURN 2 AS two",
        expect![[r#"
            SyntaxError/UndefinedVariable at 17..18: variable `b` is not defined
            ┌─────┐
            │ one │
            ╞═════╡
            │ 1   │
            └─────┘
            1 row

            SyntaxError/NegativeIntegerArgument at 72..74: LIMIT needs a non-negative integer
            ┌─────┐
            │ two │
            ╞═════╡
            │ 2   │
            └─────┘
            1 row

        "#]],
    );
}

#[test]
fn semantic_errors_point_at_their_variable() {
    check(
        "MATCH (a)-[r]->(b) MATCH (r) RETURN r;
         MATCH (a) WITH a.name RETURN 1;
         RETURN count(count(*));
         CREATE (a)-[:T|U]->(b);
         CREATE (a)-[:T]-(b);
         RETURN nosuchfunction(1)",
        expect![[r#"
            SyntaxError/VariableTypeConflict at 26..27: variable `r` is not a node
            SyntaxError/NoExpressionAlias at 63..69: an expression in WITH needs an alias (AS name)
            SyntaxError/NestedAggregation at 102..110: an aggregate cannot contain another
            SyntaxError/NoSingleRelationshipType at 132..141: a relationship to create needs exactly one type
            SyntaxError/RequiresDirectedRelationship at 165..171: a relationship to create needs a direction
            SyntaxError/UnknownFunction at 192..206: unknown function `nosuchfunction`
        "#]],
    );
}

#[test]
fn explain_uses_the_name_index() {
    check_explain(
        "MATCH (p:Person)-[:MET]-(:Person {name: 'Yoshihiko Noda'}) RETURN p.name",
        expect![[r#"
            Match
              NodeByNameIndex (anon_2:Person {name: "Yoshihiko Noda"}) name = "Yoshihiko Noda"
              Expand (anon_2)-[anon_1:MET]-(p:Person)
            Project p.name
            Columns p.name"#]],
    );
}

#[test]
fn explain_uses_a_label_scan_and_typed_expansion() {
    check_explain(
        "MATCH (c:Country)<-[:OFFICIAL_OF]-(p) WHERE c.name = 'China' RETURN p.name ORDER BY p.name LIMIT 3",
        expect![[r#"
            Match WHERE (c.name = "China")
              NodeByLabelScan (c:Country) :Country
              Expand (c)<-[anon_1:OFFICIAL_OF]-(p)
            Project p.name
            Top 3 by p.name
            Limit 3
            Columns p.name"#]],
    );
}

#[test]
fn explain_shortest_path() {
    check_explain(
        "MATCH (a {name: 'Hu Jintao'}), (b {name: 'Wu Bangguo'}), p = shortestPath((a)-[:MET*..6]-(b)) RETURN p",
        expect![[r#"
            Match
              NodeByNameIndex (a {name: "Hu Jintao"}) name = "Hu Jintao"
              NodeByNameIndex (b {name: "Wu Bangguo"}) name = "Wu Bangguo"
              ShortestPath (a)-[anon_2:MET]-(b) bidirectional BFS
            Project p
            Columns p"#]],
    );
}

#[test]
fn profile_counts_rows_per_operator() {
    check(
        "PROFILE MATCH (p:Person)-[:MET]->(q) RETURN q.name AS name, count(*) AS n",
        expect![[r#"
            ┌──────────────────────────────────────────────────────────────────────────────────┐
            │ plan                                                                             │
            ╞══════════════════════════════════════════════════════════════════════════════════╡
            │ Match  [3 rows]                                                                  │
            │   NodeByLabelScan (p:Person) :Person                                             │
            │   Expand (p)-[anon_1:MET]->(q)                                                   │
            │ Aggregate keys [q.name AS name] aggregates [count(*)] then anon_4 AS n  [1 rows] │
            │ Columns name, n                                                                  │
            └──────────────────────────────────────────────────────────────────────────────────┘
            1 row

        "#]],
    );
}

#[test]
fn a_cancelled_query_stops() {
    let mut graph = Graph::new();
    // A clique of 12 nodes has astronomically many relationship chains.
    query::run(
        &mut graph,
        "UNWIND range(1, 12) AS i CREATE (:N {i: i});
         MATCH (a:N), (b:N) WHERE a.i < b.i CREATE (a)-[:R]->(b)",
        &RunOptions::default(),
    );
    let cancel = Arc::new(AtomicBool::new(true));
    let options = RunOptions {
        cancel: Some(cancel),
        ..RunOptions::default()
    };
    let outcomes = query::run(
        &mut graph,
        "MATCH p = (a)-[*]-(b) RETURN count(p)",
        &options,
    );
    expect![[r#"
        Interrupted/Cancelled at 0..37: the query was cancelled
    "#]]
    .assert_eq(&render(&graph, &outcomes));
}

#[test]
fn a_memory_budget_stops_a_big_sort() {
    let mut graph = Graph::new();
    let options = RunOptions {
        memory_budget: Some(64 * 1024),
        ..RunOptions::default()
    };
    let outcomes = query::run(
        &mut graph,
        "UNWIND range(1, 100000) AS i WITH i ORDER BY i DESC RETURN count(i)",
        &options,
    );
    expect![[r#"
        Interrupted/MemoryLimit at 0..67: the query needs more than its memory budget of 65536 bytes
    "#]]
    .assert_eq(&render(&graph, &outcomes));
}

#[test]
fn parameters_are_read() {
    let mut graph = seed();
    let mut options = RunOptions::default();
    options
        .params
        .insert("who".into(), query::Value::from("Hu Jintao"));
    let outcomes = query::run(
        &mut graph,
        "MATCH (p:Person {name: $who})-[:MET]->(q) RETURN q.name AS met; RETURN $missing",
        &options,
    );
    expect![[r#"
        ┌────────────────┐
        │ met            │
        ╞════════════════╡
        │ Yoshihiko Noda │
        └────────────────┘
        1 row

        ParameterMissing/MissingParameter at 64..79: parameter $missing was not given
    "#]]
    .assert_eq(&render(&graph, &outcomes));
}

/// The rows of `q` on `graph`, each rendered, sorted (for comparing a
/// rewritten plan with one the rewrite does not apply to).
fn sorted_rows(graph: &mut Graph, q: &str) -> Vec<String> {
    let outcomes = query::run(graph, q, &RunOptions::default());
    let result = outcomes[0].result.as_ref().expect("the query runs");
    let mut rows: Vec<String> = result.rows.iter().map(|r| format!("{r:?}")).collect();
    rows.sort();
    rows
}

/// A graph where the plan rewrites have traps: two people share a name,
/// parallel meetings, a self-loop, an alias that starts like a name.
fn rewrite_graph() -> Graph {
    let mut graph = seed();
    let extra = "
        MATCH (hu:Person {name: 'Hu Jintao'}), (noda:Person {name: 'Yoshihiko Noda'})
        CREATE (twin:Person {name: 'Hu Jintao'}), (other:Person {name: 'Alvaro Uribe', aliases: ['Wen the elder']}),
               (hu)-[:MET {year: 2012}]->(noda), (twin)-[:MET]->(noda), (twin)-[:MET]->(twin),
               (other)-[:MET]->(hu), (other)-[:VISITED]->(:Country {name: 'Peru'})";
    for outcome in query::run(&mut graph, extra, &RunOptions::default()) {
        outcome.result.expect("the extra facts load");
    }
    graph
}

#[test]
fn counts_per_node_merge_groups_like_the_row_by_row_plan() {
    let mut graph = rewrite_graph();
    let q =
        "MATCH (p:Person)-[r:MET]-(:Person) RETURN p.name AS person, count(r) AS n, count(*) AS m";
    let slow = "MATCH (p:Person)-[r:MET]-(o:Person) WHERE o = o RETURN p.name AS person, count(r) AS n, count(*) AS m";
    assert_eq!(sorted_rows(&mut graph, q), sorted_rows(&mut graph, slow));
    let text = query::explain(&graph, q).expect("explains");
    assert!(text.starts_with("CountPerNode (p:Person)"), "{text}");
    check(
        "MATCH (p:Person)-[r:MET]-(:Person) RETURN p.name AS person, count(r) AS meetings ORDER BY meetings DESC, person LIMIT 3",
        expect![[r#"
            ┌────────────────┬──────────┐
            │ person         ┆ meetings │
            ╞════════════════╪══════════╡
            │ Yoshihiko Noda ┆ 3        │
            │ Hu Jintao      ┆ 1        │
            │ Wen Jiabao     ┆ 1        │
            └────────────────┴──────────┘
            3 rows

        "#]],
    );
}

#[test]
fn counts_per_type_equal_the_row_by_row_plan() {
    let mut graph = rewrite_graph();
    let q = "MATCH ()-[r]->() RETURN type(r) AS t, count(*) AS n";
    let slow = "MATCH (a)-[r]->() WHERE a = a RETURN type(r) AS t, count(*) AS n";
    assert_eq!(sorted_rows(&mut graph, q), sorted_rows(&mut graph, slow));
    let q = "MATCH ()<-[r:MET]-() RETURN type(r) + '!' AS t, count(r) AS n";
    let slow = "MATCH (a)<-[r:MET]-() WHERE a = a RETURN type(r) + '!' AS t, count(r) AS n";
    assert_eq!(sorted_rows(&mut graph, q), sorted_rows(&mut graph, slow));
    let text = query::explain(&graph, q).expect("explains");
    assert!(text.starts_with("CountPerType (r)"), "{text}");
}

#[test]
fn steps_that_only_need_to_exist_give_the_same_distinct_rows() {
    let mut graph = rewrite_graph();
    let q = "MATCH (p:Person)-[:MET]->(x), (p)-[:MET]-(:Person {name: 'Yoshihiko Noda'}) RETURN DISTINCT p.name AS person";
    let all = "MATCH (p:Person)-[:MET]->(x), (p)-[:MET]-(:Person {name: 'Yoshihiko Noda'}) RETURN p.name AS person";
    let mut distinct = sorted_rows(&mut graph, all);
    distinct.dedup();
    assert_eq!(sorted_rows(&mut graph, q), distinct);
    assert!(sorted_rows(&mut graph, all).len() > distinct.len());
    let text = query::explain(&graph, q).expect("explains");
    assert!(text.contains("only need to exist"), "{text}");
    let counted =
        "MATCH (p:Person)-[:MET]-(q) RETURN count(DISTINCT p) AS a, count(DISTINCT q) AS b";
    let slow = "MATCH (p:Person)-[:MET]-(q) WITH p, q, 1 AS one RETURN count(DISTINCT p) AS a, count(DISTINCT q) AS b";
    assert_eq!(
        sorted_rows(&mut graph, counted),
        sorted_rows(&mut graph, slow)
    );
}

#[test]
fn a_name_prefix_uses_the_index_and_stays_exact() {
    let mut graph = rewrite_graph();
    check_explain(
        "MATCH (n:Person) WHERE n.name STARTS WITH 'W' RETURN n.name",
        expect![[r#"
            Match WHERE (n.name STARTS WITH "W")
              NodeByNamePrefix (n:Person) name STARTS WITH "W"
            Project n.name
            Columns n.name"#]],
    );
    for prefix in ["W", "w", "Al", "Wen", "Hu J", "Zz"] {
        let q = format!("MATCH (n) WHERE n.name STARTS WITH '{prefix}' RETURN n.name AS name");
        let slow =
            format!("MATCH (n) WHERE n.name STARTS WITH '{prefix}' OR false RETURN n.name AS name");
        assert_eq!(
            sorted_rows(&mut graph, &q),
            sorted_rows(&mut graph, &slow),
            "{prefix}"
        );
    }
    assert_eq!(
        sorted_rows(
            &mut graph,
            "MATCH (n) WHERE n.name STARTS WITH 'W' RETURN n.name AS name"
        )
        .len(),
        2,
        "Wen Jiabao and Wu Bangguo, not the alias 'Wen the elder'"
    );
}

#[test]
fn a_sort_bigger_than_one_run_merges_its_runs_stably() {
    let mut graph = Graph::new();
    let q = "UNWIND range(1, 200000) AS x WITH x, x % 997 AS k ORDER BY k DESC RETURN x";
    let outcomes = query::run(&mut graph, q, &RunOptions::default());
    let result = outcomes[0].result.as_ref().expect("the sort runs");
    let got: Vec<i64> = result
        .rows
        .iter()
        .map(|r| match r[0] {
            query::Value::Int(x) => x,
            ref other => panic!("{other:?}"),
        })
        .collect();
    let mut want: Vec<i64> = (1..=200_000).collect();
    want.sort_by_key(|x| std::cmp::Reverse(x % 997));
    assert_eq!(got, want);
}

/// The rows of the first statement of `q`, in the order the query gives.
fn ordered_rows(graph: &mut Graph, q: &str) -> Vec<String> {
    let outcomes = query::run(graph, q, &RunOptions::default());
    let result = outcomes[0].result.as_ref().expect("the query runs");
    result.rows.iter().map(|r| format!("{r:?}")).collect()
}

#[test]
fn a_top_k_over_many_rows_keeps_the_first_k_of_the_full_sort() {
    // Enough rows that the top-k sort cuts its rows several times and then
    // turns rows away against the worst one kept; keys repeat, so ties sit
    // at the cut (with one sort key only the key is returned, as the order
    // among ties is not specified).
    let mut graph = Graph::new();
    for (order, items) in [
        ("k", "k"),
        ("k DESC", "k"),
        ("k, i DESC", "k, i"),
        ("k DESC, i", "k, i"),
    ] {
        let q = |limit: &str| {
            format!(
                "UNWIND range(0, 4999) AS i WITH i, (i * 7919) % 613 AS k
                 RETURN {items} ORDER BY {order}{limit}"
            )
        };
        let full = ordered_rows(&mut graph, &q(""));
        assert_eq!(full.len(), 5000);
        for limit in [1, 10, 700] {
            let top = ordered_rows(&mut graph, &q(&format!(" LIMIT {limit}")));
            assert_eq!(top, full[..limit], "ORDER BY {order} LIMIT {limit}");
        }
    }
}

#[test]
fn grouping_by_a_node_property_counts_each_node_met_again() {
    // Nodes met many times (a few partners) and nodes met once or twice
    // (past the point where the grouping stops remembering nodes), two of
    // them sharing a name: every group must hold exactly its rows.
    let mut graph = Graph::new();
    let setup = "CREATE (h:Hub)
                 WITH h UNWIND range(0, 5999) AS i
                 CREATE (h)-[:T {amount: i}]->(:P {name: CASE WHEN i < 4 THEN 'few' ELSE 'p' + toString(i) END})";
    assert!(
        query::run(&mut graph, setup, &RunOptions::default())[0]
            .result
            .is_ok()
    );
    let extra = "MATCH (h:Hub), (p:P) WHERE p.name IN ['few', 'p4', 'p5999']
                 UNWIND range(1, 50) AS j CREATE (h)-[:T {amount: 1}]->(p)";
    assert!(
        query::run(&mut graph, extra, &RunOptions::default())[0]
            .result
            .is_ok()
    );
    let rows = ordered_rows(
        &mut graph,
        "MATCH (:Hub)-[t:T]-(p:P) RETURN p.name AS name, count(t) AS n, sum(t.amount) AS total
         ORDER BY n DESC, name LIMIT 3",
    );
    assert_eq!(
        rows,
        [
            r#"[String("few"), Int(204), Int(206)]"#,
            r#"[String("p4"), Int(51), Int(54)]"#,
            r#"[String("p5999"), Int(51), Int(6049)]"#,
        ]
    );
    let groups = ordered_rows(
        &mut graph,
        "MATCH (:Hub)-[t:T]-(p:P) WITH p.name AS name, count(t) AS n RETURN count(*), sum(n)",
    );
    assert_eq!(groups, [r#"[Int(5997), Int(6300)]"#]);
    let few = ordered_rows(
        &mut graph,
        "MATCH (:Hub)-[t:T]-(p:P) WHERE p.name IN ['few', 'p4'] RETURN p.name, count(*) ORDER BY p.name",
    );
    assert_eq!(
        few,
        [r#"[String("few"), Int(204)]"#, r#"[String("p4"), Int(51)]"#]
    );
}

#[test]
fn a_full_sort_orders_like_the_top_k_sort() {
    // Strings that agree on their first 16 bytes, one that is another's
    // prefix, ties (the sort must be stable), and other types mixed in.
    let values = "['international talks b', 'international talks a', 'international talks',
                   'international', null, 2, 'a', 1.5, 'international talks a', 'b', true,
                   'international talks a', '', 'ünïcode', 'international talks\\u0000']";
    let mut graph = Graph::new();
    for order in ["x", "x DESC", "x, i DESC", "x DESC, i"] {
        let q = |limit: &str| {
            format!(
                "WITH {values} AS xs UNWIND range(0, size(xs) - 1) AS i
                 RETURN xs[i] AS x, i ORDER BY {order}{limit}"
            )
        };
        let full = ordered_rows(&mut graph, &q(""));
        let top = ordered_rows(&mut graph, &q(" LIMIT 100"));
        assert_eq!(full, top, "ORDER BY {order}");
        assert_eq!(full.len(), 15);
    }
    // Only strings: the prefix path sorts every row.
    let q = |limit: &str| {
        format!(
            "UNWIND ['international talks b', 'international talks a', 'b', 'international talks a',
                     'international talks', 'a'] AS x
             WITH x, rand() AS r RETURN x ORDER BY x DESC{limit}"
        )
    };
    assert_eq!(
        ordered_rows(&mut graph, &q("")),
        ordered_rows(&mut graph, &q(" LIMIT 10"))
    );
}

/// The rows of `q` in order, or its error's code and message (without its
/// place, which moves when a query is rewritten by hand).
fn rows_or_error(graph: &mut Graph, q: &str) -> String {
    let outcomes = query::run(graph, q, &RunOptions::default());
    match &outcomes[0].result {
        Ok(r) => format!("{:?}", r.rows),
        Err(e) => format!("{}: {}", e.code.name(), e.message),
    }
}

/// Countries trading with traps for the star path (one node's edges
/// grouped by the node at their other end): a self-loop, parallel edges,
/// two partners sharing a name, a partner that is not a country, an edge
/// without an amount, a float amount, and a string under another key.
const TRADE: &str = "
UNWIND range(0, 5) AS c CREATE (:Country {name: 'C' + toString(c), code: c});
CREATE (:Country {name: 'C1', code: 11}), (:Place {name: 'Port'});
MATCH (a:Country), (b:Country) WHERE a.code <> b.code AND (a.code * 7 + b.code) % 3 <> 1
  CREATE (a)-[:TRADED_WITH {amount: a.code * 1000 + b.code, year: 2000 + (a.code + b.code) % 4}]->(b);
MATCH (a:Country {code: 0}), (b:Country {code: 2})
  CREATE (a)-[:TRADED_WITH {amount: 7, year: 2001}]->(b), (a)-[:TRADED_WITH {amount: 8}]->(b),
         (a)-[:TRADED_WITH {year: 2003, note: 'unpriced'}]->(b), (a)-[:TRADED_WITH {amount: 9}]->(a);
MATCH (a:Country {code: 0}), (p:Place) CREATE (a)-[:TRADED_WITH {amount: 5}]->(p);
MATCH (a:Country {code: 3}), (b:Country {code: 11}) CREATE (b)-[:TRADED_WITH {amount: 2.5}]->(a);
";

/// Star-shaped statements (`%W%` marks where a `WHERE` that is always true
/// turns the star off, so that the general path answers the same question).
const STARS: &[&str] = &[
    "MATCH (:Country {name: 'C0'})-[t:TRADED_WITH]-(p:Country) %W% RETURN p.name AS partner, sum(t.amount) AS total, count(t) AS n, count(*) AS m",
    "MATCH (:Country {name: 'C0'})-[t:TRADED_WITH]->(p) %W% RETURN p.name, sum(t.amount), min(t.year), max(t.amount), avg(t.amount)",
    "MATCH (:Country {name: 'C3'})<-[t:TRADED_WITH]-(p:Country) %W% RETURN p, sum(t.amount), count(DISTINCT t), count(DISTINCT p)",
    "MATCH (a:Country)-[t:TRADED_WITH]-(p:Country) %W% RETURN p.name AS partner, sum(t.amount) AS total, count(p) AS n ORDER BY total DESC, partner LIMIT 3",
    "MATCH (a:Country)-[t:TRADED_WITH]->(p:Country) %W% RETURN p.code, p.name, sum(t.year), count(t.note)",
    "MATCH (:Country {name: 'C0'})-[t:TRADED_WITH]-(p:Nowhere) %W% RETURN p.name, count(t)",
    "MATCH (:Country {name: 'C0'})-[t:NEVER]-(p) %W% RETURN p.name, count(t)",
    "MATCH (:Country {name: 'C0'})-[t:TRADED_WITH]-(p) %W% RETURN p.name, sum(t.nothing), count(t.nothing)",
    "MATCH (:Country {name: 'C0'})-[t:TRADED_WITH]-(p) %W% RETURN p.name, sum(t.note)",
    "MATCH (:Country {name: 'Atlantis'})-[t:TRADED_WITH]-(p) %W% RETURN p.name, count(t)",
];

/// Each star statement gives what the general path gives, in the same
/// order, or the same error.
#[track_caller]
fn assert_stars_match(graph: &mut Graph) {
    for q in STARS {
        let star = q.replace("%W% ", "");
        let general = q.replace("%W%", "WHERE true");
        assert_eq!(
            rows_or_error(graph, &star),
            rows_or_error(graph, &general),
            "{star}"
        );
    }
}

fn trade_graph() -> Graph {
    let mut graph = Graph::new();
    for outcome in query::run(&mut graph, TRADE, &RunOptions::default()) {
        outcome.result.expect("the trade graph loads");
    }
    graph
}

#[test]
fn a_star_groups_like_the_row_by_row_plan() {
    let mut graph = trade_graph();
    assert_stars_match(&mut graph);
    // The traps are there: the float, the missing amount and the string.
    let total = rows_or_error(
        &mut graph,
        "MATCH (:Country {name: 'C3'})-[t:TRADED_WITH]-(p:Country {code: 11}) RETURN sum(t.amount)",
    );
    assert!(total.starts_with("[[Float("), "{total}");
    let note = rows_or_error(
        &mut graph,
        "MATCH (:Country {name: 'C0'})-[t:TRADED_WITH]-(p) RETURN p.name, sum(t.note)",
    );
    assert!(!note.starts_with('['), "summing a string fails: {note}");
}

#[test]
fn integer_columns_of_a_loaded_graph_follow_every_change() {
    // A dump load indexes the graph in bulk, which gives `amount` and
    // `year` their columns; the changes below must reach them.
    let mut text = Vec::new();
    newsgraph::graph::dump::write(&trade_graph(), &mut text).expect("writes");
    let mut graph = newsgraph::graph::dump::read_bytes(&text, "trade.json").expect("loads");
    let amount = graph.sym("amount").expect("a key of the graph");
    assert!(graph.has_int_column(amount));
    assert_stars_match(&mut graph);
    let changes = [
        "MATCH ()-[t:TRADED_WITH {amount: 7}]->() SET t.amount = 2.5",
        "MATCH ()-[t:TRADED_WITH {amount: 8}]->() SET t.amount = 80",
        "MATCH ()-[t:TRADED_WITH {amount: 2002}]->() REMOVE t.amount",
        "MATCH ()-[t:TRADED_WITH {amount: 9}]->() SET t.amount = null",
        "MATCH ()-[t:TRADED_WITH {amount: 1003}]->() DELETE t",
        // New edges take the ids the deleted ones freed, and new ids past
        // the end.
        "MATCH (a:Country {code: 0}), (b:Country {code: 1}) CREATE (a)-[:TRADED_WITH {amount: 64}]->(b), (a)-[:TRADED_WITH]->(b), (b)-[:TRADED_WITH {amount: -3}]->(a)",
        "MATCH ()-[t:TRADED_WITH {amount: 3002}]->() SET t.amount = 'lots'",
    ];
    for change in changes {
        for outcome in query::run(&mut graph, change, &RunOptions::default()) {
            outcome.result.expect("the change runs");
        }
        assert_stars_match(&mut graph);
    }
}

#[test]
fn string_predicates_in_where_keep_only_true_rows() {
    // Strings, a number and a missing name: only `true` keeps a row, and a
    // non-string on either side is null, never an error. The same
    // predicates filter a pattern's matches and rows after `WITH`.
    let mut graph = Graph::new();
    let load =
        "UNWIND ['Alpha', 'alpine', 'Al', 'Beta', 7] AS n CREATE (:Item {name: n}); CREATE (:Item)";
    for outcome in query::run(&mut graph, load, &RunOptions::default()) {
        outcome.result.expect("the items load");
    }
    let cases = [
        ("n.name STARTS WITH 'Al'", "Al, Alpha"),
        ("n.name ENDS WITH 'a'", "Alpha, Beta"),
        ("n.name CONTAINS 'lp'", "Alpha, alpine"),
        ("n.name STARTS WITH 'Al' AND n.name ENDS WITH 'l'", "Al"),
        ("n.name STARTS WITH null", ""),
        ("n.name STARTS WITH 7", ""),
        ("NOT n.name STARTS WITH 'Al'", "Beta, alpine"),
    ];
    for (predicate, expected) in cases {
        for q in [
            format!("MATCH (n:Item) WHERE {predicate} RETURN n.name AS x ORDER BY x"),
            format!("MATCH (n:Item) WITH n WHERE {predicate} RETURN n.name AS x ORDER BY x"),
        ] {
            let rows = ordered_rows(&mut graph, &q);
            let names: Vec<String> = rows
                .iter()
                .map(|r| {
                    r.trim_start_matches("[String(\"")
                        .trim_end_matches("\")]")
                        .to_string()
                })
                .collect();
            assert_eq!(names.join(", "), expected, "{q}");
        }
    }
}

#[test]
fn labels_of_nodes_with_one_label_and_with_several() {
    let mut graph = Graph::new();
    let load = "CREATE (:A {i: 1}), (:B:A {i: 2}), ({i: 3}), (:C {i: 4})";
    for outcome in query::run(&mut graph, load, &RunOptions::default()) {
        outcome.result.expect("the nodes load");
    }
    let rows = ordered_rows(
        &mut graph,
        "MATCH (n) RETURN n.i AS i, labels(n) AS l ORDER BY i",
    );
    assert_eq!(
        rows.join(" "),
        "[Int(1), List([String(\"A\")])] [Int(2), List([String(\"B\"), String(\"A\")])] \
         [Int(3), List([])] [Int(4), List([String(\"C\")])]"
    );
}

#[test]
fn a_top_k_of_groups_equals_the_head_of_their_full_sort() {
    // Enough groups that the top-k skips those below the bar set by the
    // first key (an integer count or sum) before making their rows; ties
    // at the bar are decided by the later keys and by the groups' order.
    let mut graph = Graph::new();
    let orders = [
        "c DESC, g",
        "c, g DESC",
        "s DESC",
        "c DESC",
        "f DESC, g",
        "g DESC",
        "m DESC, g",
    ];
    for order in orders {
        for limit in [1, 3, 10, 40] {
            let q = |tail: &str| {
                format!(
                    "UNWIND range(1, 2000) AS i
                     WITH i % 331 AS g, i, (i * 7919) % 13 AS w
                     RETURN g, count(*) AS c, sum(w) AS s, sum(toFloat(w)) AS f, max(w) AS m
                     ORDER BY {order}{tail}"
                )
            };
            let full = ordered_rows(&mut graph, &q(""));
            let top = ordered_rows(&mut graph, &q(&format!(" LIMIT {limit}")));
            assert_eq!(top, full[..limit], "ORDER BY {order} LIMIT {limit}");
        }
    }
}

#[test]
fn a_sort_by_two_strings_orders_by_both_and_keeps_ties_in_order() {
    // First keys of one length (the sort packs the second key's first
    // bytes into its heads), second keys that share prefixes, are empty,
    // or differ only past the packed bytes; then first keys of mixed
    // lengths, where it does not.
    let seconds = "['', 'b', 'ba', 'b\\u0000', 'abcdefghijklmnopq', 'abcdefghijklmnopr', 'abcdefghijkl', 'Z', 'é', 'b']";
    for firsts in [
        "['2011-03-04', '2011-03-05', '1999-12-31']",
        "['k1', 'k10', 'k', 'k2']",
    ] {
        for order in ["a, b", "a DESC, b DESC"] {
            let q = format!(
                "WITH {firsts} AS fs, {seconds} AS ss
                 UNWIND range(0, 299) AS i
                 RETURN fs[(i * 7) % size(fs)] AS a, ss[(i * 13) % size(ss)] AS b, i
                 ORDER BY {order}"
            );
            let mut graph = Graph::new();
            let outcomes = query::run(&mut graph, &q, &RunOptions::default());
            let rows = &outcomes[0].result.as_ref().expect("the sort runs").rows;
            assert_eq!(rows.len(), 300);
            let text = |v: &Value| match v {
                Value::String(s) => s.as_str().to_owned(),
                other => panic!("a string, not {other:?}"),
            };
            for pair in rows.windows(2) {
                let (x, y) = (&pair[0], &pair[1]);
                let mut by_keys = (text(&x[0]), text(&x[1])).cmp(&(text(&y[0]), text(&y[1])));
                if order.contains("DESC") {
                    by_keys = by_keys.reverse();
                }
                assert!(!by_keys.is_gt(), "{order}: {x:?} before {y:?}");
                if by_keys.is_eq() {
                    let (Value::Int(i), Value::Int(j)) = (&x[2], &y[2]) else {
                        panic!("positions are integers");
                    };
                    assert!(i < j, "{order}: ties keep their order: {x:?} before {y:?}");
                }
            }
        }
    }
}

#[test]
fn counts_per_node_grouped_by_name_merge_shared_names_only() {
    // Nodes whose name no other node shares get groups of their own whose
    // names are read last; twins (by name or by alias, in any case), a name
    // that is a list or a number, a missing name, and input that repeats
    // the nodes must still merge or split exactly as row by row.
    let mut graph = rewrite_graph();
    let extra = "
        MATCH (noda:Person {name: 'Yoshihiko Noda'}), (wu:Person {name: 'Wu Bangguo'})
        CREATE (a:Person {name: 'wu bangguo'})-[:MET]->(noda), (b:Person {name: ['Liu', 'X']})-[:MET]->(noda),
               (c:Person {name: 7})-[:MET]->(wu), (d:Person)-[:MET]->(wu), (e:Person {name: 7})-[:MET]->(b),
               (f:Person {name: 'Solo', aliases: ['Wen']})-[:MET]->(wu)";
    for outcome in query::run(&mut graph, extra, &RunOptions::default()) {
        outcome.result.expect("the extra facts load");
    }
    let queries = [
        (
            "MATCH (p:Person)-[r:MET]-(:Person) RETURN p.name AS person, count(r) AS n ORDER BY n DESC, person LIMIT 100",
            "MATCH (p:Person)-[r:MET]-(o:Person) WHERE o = o RETURN p.name AS person, count(r) AS n ORDER BY n DESC, person LIMIT 100",
        ),
        (
            "MATCH (p:Person)-[r:MET]-() RETURN p.name AS person, count(*) AS n",
            "MATCH (p:Person)-[r:MET]-(o) WHERE o = o RETURN p.name AS person, count(*) AS n",
        ),
        (
            "UNWIND [1, 2] AS k MATCH (p:Person)-[r:MET]-(:Person) RETURN p.name AS person, count(r) AS n",
            "UNWIND [1, 2] AS k MATCH (p:Person)-[r:MET]-(o:Person) WHERE o = o RETURN p.name AS person, count(r) AS n",
        ),
    ];
    for (fast, slow) in queries {
        assert_eq!(
            ordered_rows(&mut graph, fast),
            ordered_rows(&mut graph, slow),
            "{fast}"
        );
    }
    // Saved and loaded, the names are indexed in bulk: the same again.
    let mut text = Vec::new();
    newsgraph::graph::dump::write(&graph, &mut text).expect("writes");
    let mut loaded = newsgraph::graph::dump::read_bytes(&text, "g.json").expect("loads");
    for (fast, slow) in queries {
        assert_eq!(
            ordered_rows(&mut loaded, fast),
            ordered_rows(&mut loaded, slow),
            "{fast}"
        );
    }
}
