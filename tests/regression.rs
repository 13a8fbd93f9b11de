//! One test per bug found by fuzzing or by the bad-input suite (issue #7),
//! each named after what broke, with the input that broke it.

use newsgraph::graph::{Graph, dump};
use newsgraph::interchange::neo4j_csv::{import, write_edges, write_nodes};

/// Exports `graph` as neo4j-admin CSV and imports the result.
fn csv_round_trip(graph: &Graph) -> Graph {
    let (mut nodes, mut edges) = (Vec::new(), Vec::new());
    write_nodes(graph, &mut nodes).unwrap();
    write_edges(graph, &mut edges).unwrap();
    import(&nodes, "nodes.csv", &edges, "edges.csv").unwrap_or_else(|e| {
        panic!(
            "{e}\n{}\n{}",
            String::from_utf8_lossy(&nodes),
            String::from_utf8_lossy(&edges)
        )
    })
}

fn dump_text(graph: &Graph) -> String {
    let mut out = Vec::new();
    dump::write(graph, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

// See: issue #7, fuzz target csv_import. A property key holding `:` (from
// the header `nam:(e:ID`, which keeps the id as property `nam:(e`) was
// exported as the bare header `nam:(e`, which import reads as key `nam`
// of the unknown type `(e`.
#[test]
fn csv_export_of_a_key_with_a_colon_imports_again() {
    let graph = import(
        b"nam:(e:ID\nx\n",
        "nodes.csv",
        b":START_ID,:END_ID,:TYPE\n",
        "edges.csv",
    )
    .unwrap();
    let again = csv_round_trip(&graph);
    assert_eq!(dump_text(&graph), dump_text(&again));
    assert_eq!(again.node_ids().count(), 1);
}

// See: issue #7, bad-input suite. `RETURN [[[...1...]]]` nested 499 deep
// (inside the parser's limit of 500) overflowed the caller's stack in the
// binder, which ran on the calling thread; the query now runs on a thread
// with a stack sized for the parser's depth limit. The test thread's stack
// is only 2 MiB, so this fails without the fix.
#[test]
fn query_nested_just_inside_the_depth_limit_runs() {
    use newsgraph::query::{RunOptions, run};
    for (open, close) in [("[", "]"), ("{a: ", "}"), ("CASE WHEN true THEN ", " END")] {
        let src = format!("RETURN {}1{} AS deep", open.repeat(499), close.repeat(499));
        let outcomes = run(&mut Graph::new(), &src, &RunOptions::default());
        assert_eq!(outcomes.len(), 1);
        let result = outcomes[0].result.as_ref().expect("a deep query runs");
        assert_eq!(result.rows.len(), 1);
    }
}

// See: issue #7, bad-input suite. One line of prose with no sentence end
// was one sentence, and extraction scans a sentence's tokens once per
// match: 64 KB took 2.5 s and 1 MB minutes in a debug build. Such a run is
// now cut into sentences of at most `MAX_SENTENCE_TOKENS` tokens.
#[test]
fn a_line_without_sentence_ends_is_cut_into_bounded_sentences() {
    use newsgraph::lexicon::Lexicon;
    use newsgraph::text::{Document, MAX_SENTENCE_TOKENS, Meta};
    let line = "Hu Jintao met Yoshihiko Noda in Beijing and talked about trade ".repeat(1000);
    let lex = Lexicon::bundled();
    let doc = Document::parse("line", line, &Meta::default(), &lex);
    assert!(doc.sentences.len() > 1);
    assert!(
        doc.sentences
            .iter()
            .all(|s| s.tokens.len() <= MAX_SENTENCE_TOKENS)
    );
}

// See: issue #7, fuzz target csv_import. In the header `n\t:ID(p),n` the
// id column kept its id as the property `n\t` while the bare column `n` was
// trimmed to `n`; export then wrote both as `n` and its file failed to
// import. The name before a `:` is trimmed too, so the header is refused.
#[test]
fn csv_header_names_are_trimmed_before_a_role() {
    let err = import(
        b"n\t:ID(p),n\nb,y\n",
        "nodes.csv",
        b":START_ID,:END_ID,:TYPE\n",
        "edges.csv",
    )
    .map(|_| ())
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "nodes.csv:1: column \"n\" appears twice in the header"
    );
}

// See: issue #7, fuzz target csv_import. Roles were checked for duplicates
// by their debug names in the same set as property keys, so a property
// named `Label` exported beside `:LABEL` made a header that failed to
// import ("column \"Label:double\" appears twice").
#[test]
fn csv_property_named_like_a_role_round_trips() {
    let graph = import(
        b":ID,:LABEL,Label:float,Type\n1,Person,1.5,x\n",
        "nodes.csv",
        b":START_ID,:END_ID,:TYPE\n",
        "edges.csv",
    )
    .unwrap();
    let again = csv_round_trip(&graph);
    assert_eq!(dump_text(&graph), dump_text(&again));
}

// See: fuzz/artifacts/query_parse/timeout-fb7ccc2d (query_parse fuzzing,
// issue #7). Inside `WHERE`, each `(` was parsed first as a pattern
// predicate and then again as a parenthesized expression; a node pattern's
// property map holds expressions, so `( {a: (` nested forty deep took 2^40
// attempts. Failed pattern attempts are now remembered by offset.
#[test]
fn nested_parentheses_with_maps_in_where_parse_in_linear_attempts() {
    use newsgraph::query::parse::parse_statement;
    let src = format!("MATCH (n) WHERE f({}x", "( {a: (".repeat(40));
    let err = parse_statement(&src).expect_err("an unclosed expression");
    assert_eq!(
        err.span.start as usize,
        src.len(),
        "the error is at the end: {err:?}"
    );
    let closed = format!(
        "MATCH (n) WHERE f({}1{}) RETURN n",
        "({a: ".repeat(40),
        "})".repeat(40)
    );
    parse_statement(&closed).expect("maps nested in parentheses parse");
}

// See: fuzz/artifacts/query_run/timeout-eb8df14e and
// fuzz/artifacts/query_parse/timeout-bd9056ba (issue #7). `[x IN [x IN
// ...` is tried as a comprehension and then as a list at every level, and
// `({a: ({b: ...` as a pattern and then as an expression; each attempt
// parsed everything inside again, in time exponential in the nesting.
// Parsed expressions are now remembered by offset.
#[test]
fn nested_comprehensions_and_maps_parse_in_polynomial_time() {
    use newsgraph::query::parse::parse_statement;
    let lists = format!("RETURN {}1{}", "[x IN ".repeat(60), ", 2]".repeat(60));
    parse_statement(&lists).expect("lists of `x IN` tests parse");
    let comprehensions = format!("RETURN {}[1]{}", "[x IN ".repeat(60), " | x]".repeat(60));
    parse_statement(&comprehensions).expect("nested comprehensions parse");
    let maps = format!("MATCH (n) WHERE f({}1", "({a: [x IN ".repeat(40));
    assert!(parse_statement(&maps).is_err());
}
