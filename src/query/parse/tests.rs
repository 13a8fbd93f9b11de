//! Unit tests of the parser: canonical printing, trees and errors.

use expect_test::{Expect, expect};

use super::*;
use crate::query::ast::Clause;

/// Parses `src` and shows the canonical form, or the error as
/// `Kind.Detail at start..end: message`.
fn show(src: &str) -> String {
    match parse_statement(src) {
        Ok(s) => s.to_string(),
        Err(e) => format!(
            "{} at {}..{}: {}",
            e.code, e.span.start, e.span.end, e.message
        ),
    }
}

#[track_caller]
fn check(src: &str, expect: Expect) {
    expect.assert_eq(&show(src));
}

#[test]
fn keywords_are_case_insensitive() {
    check(
        "match (n:Person) return n.name",
        expect!["MATCH (n:Person) RETURN n.name"],
    );
}

#[test]
fn precedence() {
    check(
        "RETURN 1 + 2 * 3 ^ 2 AS x",
        expect!["RETURN 1 + 2 * 3 ^ 2 AS x"],
    );
    check("RETURN (1 + 2) * 3", expect!["RETURN (1 + 2) * 3"]);
    check(
        "RETURN -3 ^ 2, -(3 ^ 2), - x ^ 2",
        expect!["RETURN -3 ^ 2, -(3 ^ 2), -x ^ 2"],
    );
    check(
        "RETURN NOT a = b OR c XOR d AND e",
        expect!["RETURN NOT a = b OR c XOR d AND e"],
    );
    check("RETURN (NOT a) = b", expect!["RETURN (NOT a) = b"]);
    check(
        "RETURN a IS NULL = b IS NOT NULL",
        expect!["RETURN a IS NULL = b IS NOT NULL"],
    );
    check(
        "RETURN 1 - (2 - 3), (1 - 2) - 3",
        expect!["RETURN 1 - (2 - 3), 1 - 2 - 3"],
    );
    check("RETURN 2 ^ 3 ^ 2", expect!["RETURN 2 ^ 3 ^ 2"]);
    check("RETURN 2 ^ (3 ^ 2)", expect!["RETURN 2 ^ (3 ^ 2)"]);
    check("RETURN x IN [1] = true", expect!["RETURN x IN [1] = true"]);
    check("RETURN 1 < -1, 2<>-2", expect!["RETURN 1 < -1, 2 <> -2"]);
}

#[test]
fn comparison_chains_become_conjunctions() {
    check("RETURN 1 < 2 <= 3", expect!["RETURN 1 < 2 AND 2 <= 3"]);
    check("RETURN (1 < 2) < 3", expect!["RETURN (1 < 2) < 3"]);
}

#[test]
fn number_literals() {
    check(
        "RETURN 0x1F, 0o17, -9223372036854775808, .5, 1e3, -.1e-5",
        expect!["RETURN 0x1F, 0o17, -9223372036854775808, .5, 1e3, -.1e-5"],
    );
    check("RETURN - 1, --1, -(1)", expect!["RETURN -1, -(-1), -(1)"]);
    check(
        "RETURN 9223372036854775808",
        expect![
            "SyntaxError.IntegerOverflow at 7..26: integer literal `9223372036854775808` does not fit in 64 bits"
        ],
    );
    check(
        "RETURN 0x AS x",
        expect!["SyntaxError.InvalidNumberLiteral at 7..9: invalid number literal `0x`"],
    );
    check(
        "RETURN 12ab",
        expect!["SyntaxError.InvalidNumberLiteral at 7..11: invalid number literal `12ab`"],
    );
    check(
        "RETURN 1.34E999",
        expect![
            "SyntaxError.FloatingPointOverflow at 7..15: float literal `1.34E999` is out of range"
        ],
    );
}

#[test]
fn string_literals() {
    check(
        r#"RETURN 'a\'b', "c\"d", '\u00e9\t\\', "it's""#,
        expect![[r#"RETURN 'a\'b', 'c"d', 'é\t\\', 'it\'s'"#]],
    );
    check(
        r"RETURN '\uH'",
        expect![
            "SyntaxError.InvalidUnicodeLiteral at 8..10: invalid Unicode escape: expected 4 hexadecimal digits"
        ],
    );
    check(r"RETURN '\uD83D\uDE00'", expect!["RETURN '😀'"]);
}

#[test]
fn names_and_comments() {
    check(
        "MATCH (`the node`:`Lab``el`) // comment\n/* block */ RETURN `the node` AS `match`",
        expect!["MATCH (`the node`:`Lab``el`) RETURN `the node` AS `match`"],
    );
}

#[test]
fn patterns() {
    check(
        "MATCH p = (a:Person {name: 'Noda'})-[r:MET|:VISITED*1..3]->(b)<-[:X *2]-(c)--(d)<-->(e) RETURN p",
        expect![
            "MATCH p = (a:Person {name: 'Noda'})-[r:MET|VISITED*1..3]->(b)<-[:X*2]-(c)--(d)<-->(e) RETURN p"
        ],
    );
    check(
        "MATCH p = shortestPath((a)-[*..5]-(b)), q = allShortestPaths((a)-[*2..]-(b)) RETURN p, q",
        expect![
            "MATCH p = shortestPath((a)-[*..5]-(b)), q = allShortestPaths((a)-[*2..]-(b)) RETURN p, q"
        ],
    );
    check(
        "MATCH (n $props) RETURN n",
        expect!["MATCH (n $props) RETURN n"],
    );
    check(
        "MATCH (a)-[:LIKES..]->(c) RETURN c",
        expect![
            "SyntaxError.InvalidRelationshipPattern at 17..19: a length range needs `*` before it, as in `*1..3`"
        ],
    );
    check(
        "MATCH (a)-[:LIKES*-2]->(c) RETURN c",
        expect![
            "SyntaxError.InvalidRelationshipPattern at 18..19: a relationship length cannot be negative"
        ],
    );
}

#[test]
fn pattern_predicates_only_where_allowed() {
    check(
        "MATCH (a) WHERE (a)-[:T]->() AND NOT (a)<--(:B) RETURN a",
        expect!["MATCH (a) WHERE (a)-[:T]->() AND NOT (a)<--(:B) RETURN a"],
    );
    check(
        "MATCH (n) RETURN (n)-[]->()",
        expect![
            "SyntaxError.UnexpectedSyntax at 23..24: expected one of `.`, `[`, an operator, `AS`, `,`, `ORDER`, `SKIP`, `LIMIT`, ..., found `-`"
        ],
    );
    check(
        "RETURN exists((a)-->())",
        expect!["RETURN exists((a)-->())"],
    );
}

#[test]
fn clauses() {
    check(
        "UNWIND [1, 2] AS x WITH DISTINCT x ORDER BY x DESC SKIP 1 LIMIT 2 WHERE x > 0 RETURN *, x AS y ORDER BY y ASC",
        expect![
            "UNWIND [1, 2] AS x WITH DISTINCT x ORDER BY x DESC SKIP 1 LIMIT 2 WHERE x > 0 RETURN *, x AS y ORDER BY y"
        ],
    );
    check(
        "MERGE (a:A {k: 1}) ON CREATE SET a.new = true ON MATCH SET a += {seen: 1}, a:B:C",
        expect!["MERGE (a:A {k: 1}) ON CREATE SET a.new = true ON MATCH SET a += {seen: 1}, a:B:C"],
    );
    check(
        "MATCH (n) SET n = {}, n.x.y = 1 REMOVE n.x, n:A DETACH DELETE n",
        expect!["MATCH (n) SET n = {}, n.x.y = 1 REMOVE n.x, n:A DETACH DELETE n"],
    );
    check(
        "EXPLAIN MATCH (a) RETURN a UNION ALL MATCH (b) RETURN b UNION RETURN 1 AS a;",
        expect!["EXPLAIN MATCH (a) RETURN a UNION ALL MATCH (b) RETURN b UNION RETURN 1 AS a"],
    );
}

#[test]
fn expressions() {
    check(
        "RETURN [x IN range(1, 10) WHERE x % 2 = 0 | x * x], [(a)-->(b) WHERE b.x | b.name], [p = (a)--() | p]",
        expect![
            "RETURN [x IN range(1, 10) WHERE x % 2 = 0 | x * x], [(a)-->(b) WHERE b.x | b.name], [p = (a)--() | p]"
        ],
    );
    check(
        "RETURN all(x IN l WHERE x > 1), ANY(x IN l WHERE x), count(*), count(DISTINCT x), date.truncate('day', d)",
        expect![
            "RETURN all(x IN l WHERE x > 1), any(x IN l WHERE x), count(*), count(DISTINCT x), date.truncate('day', d)"
        ],
    );
    check(
        "RETURN CASE x WHEN 1 THEN 'a' ELSE 'b' END, CASE WHEN x THEN 1 END",
        expect!["RETURN CASE x WHEN 1 THEN 'a' ELSE 'b' END, CASE WHEN x THEN 1 END"],
    );
    check(
        "RETURN n{.name, .*, k: 1, v}, l[0], l[1..], l[..2], l[1..2], m.k, n:A:B, $p, $0",
        expect!["RETURN n{.name, .*, k: 1, v}, l[0], l[1..], l[..2], l[1..2], m.k, n:A:B, $p, $0"],
    );
    check(
        "MATCH (n) WHERE EXISTS { (n)-->(m) WHERE m.x = 1 } AND exists { MATCH (n)-->() RETURN 1 } RETURN n",
        expect![
            "MATCH (n) WHERE EXISTS { (n)-->(m) WHERE m.x = 1 } AND EXISTS { MATCH (n)-->() RETURN 1 } RETURN n"
        ],
    );
    check(
        "RETURN a STARTS WITH 'x' AND b ENDS WITH 'y' OR c CONTAINS 'z' OR d =~ '.*'",
        expect!["RETURN a STARTS WITH 'x' AND b ENDS WITH 'y' OR c CONTAINS 'z' OR d =~ '.*'"],
    );
}

#[test]
fn syntax_errors() {
    check(
        "MATCH (n RETURN n",
        expect![
            "SyntaxError.UnexpectedSyntax at 9..15: expected one of `:`, `{`, `)`, found `RETURN`"
        ],
    );
    check(
        "MATCH (n)\nRETURN",
        expect![
            "SyntaxError.UnexpectedSyntax at 16..16: unexpected end of input: expected one of `DISTINCT`, `*`, `NOT`, an expression"
        ],
    );
    check(
        "RETURN 'abc",
        expect!["SyntaxError.UnexpectedSyntax at 7..11: unterminated string: expected `'`"],
    );
    check(
        "RETURN 1 1",
        expect![
            "SyntaxError.UnexpectedSyntax at 9..10: expected one of `.`, `[`, an operator, `AS`, `,`, `ORDER`, `SKIP`, `LIMIT`, ..., found `1`"
        ],
    );
    check(
        "RETURN 42 — 41",
        expect![
            "SyntaxError.InvalidUnicodeCharacter at 10..13: expected one of `.`, `[`, an operator, `AS`, `,`, `ORDER`, `SKIP`, `LIMIT`, ..., found `—`"
        ],
    );
    check(
        "RETURN {k1#k: 1}",
        expect!["SyntaxError.UnexpectedSyntax at 10..11: expected `:`, found `#`"],
    );
    check(
        "",
        expect![
            "SyntaxError.UnexpectedSyntax at 0..0: unexpected end of input: expected one of `EXPLAIN`, `PROFILE`, `OPTIONAL`, `MATCH`, `WITH`, `RETURN`, `UNWIND`, `CREATE`, ..."
        ],
    );
}

#[test]
fn unexpected_end_is_distinct() {
    for src in [
        "MATCH (n",
        "RETURN [1, 2",
        "RETURN 'open",
        "MATCH (n) RETURN n.",
        "RETURN /* x",
        "RETURN `a",
    ] {
        let err = parse_statement(src).err();
        assert!(
            err.as_ref().is_some_and(QueryError::is_unexpected_end),
            "{src}: {err:?}"
        );
    }
    let err = parse_statement("RETURN 1 +;").err();
    assert!(err.is_some_and(|e| !e.is_unexpected_end()));
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let depth = 100_000;
    let src = format!("RETURN {}1{}", "(".repeat(depth), ")".repeat(depth));
    let err = parse_statement(&src).err();
    assert!(err.is_some_and(|e| e.code == ErrorCode::NestingTooDeep));
    let src = format!("RETURN {}1", "NOT ".repeat(depth));
    assert!(parse_statement(&src).is_err());
    let src = format!(
        "MATCH (n) WHERE {}n{} RETURN n",
        "(".repeat(depth),
        ")".repeat(depth)
    );
    assert!(parse_statement(&src).is_err());
    let src = format!(
        "MATCH (n) WHERE {}(n)-->(){} RETURN n",
        "(".repeat(300),
        ")".repeat(300)
    );
    assert!(parse_statement(&src).is_ok());
    let src = format!(
        "RETURN {}1{}",
        "[".repeat(MAX_DEPTH as usize - 5),
        "]".repeat(MAX_DEPTH as usize - 5)
    );
    let stmt = parse_statement(&src);
    assert!(stmt.is_ok());
}

#[test]
fn long_chains_are_bounded() {
    let src = format!("RETURN 1{}", " + 1".repeat(100_000));
    let err = parse_statement(&src).err();
    assert!(err.is_some_and(|e| e.code == ErrorCode::NestingTooDeep));
    let src = format!("RETURN a{}", ".b".repeat(100_000));
    assert!(parse_statement(&src).is_err());
}

#[test]
fn large_string_literal() {
    let body = "x".repeat(1 << 20);
    let stmt = parse_statement(&format!("RETURN '{body}' AS s")).ok();
    assert!(stmt.is_some());
}

#[test]
fn split_statements_respects_strings_and_comments() {
    let src = "RETURN ';' AS a; // ; here\n RETURN `;` ; /* ; */ ;\n RETURN \"\\\";\" ;  ";
    let pieces: Vec<&str> = split_statements(src)
        .iter()
        .map(|s| &src[s.range()])
        .collect();
    expect![[r#"["RETURN ';' AS a", "// ; here\n RETURN `;`", "RETURN \"\\\";\""]"#]]
        .assert_eq(&format!("{pieces:?}"));
}

#[test]
fn spans_are_absolute_in_scripts() {
    let src = "RETURN 1;\nMATCH (n) RETURN m +";
    let results = parse_script(src);
    assert_eq!(results.len(), 2);
    let err = results[1].1.as_ref().err().cloned();
    assert!(
        err.as_ref()
            .is_some_and(|e| e.span.start as usize == src.len()),
        "{err:?}"
    );
}

#[test]
fn spans_cover_the_source_text() {
    let src = "MATCH (p:Person)-[r:MET]->(q)\nRETURN (p:Person), q.name AS name, count( * )";
    let stmt = parse_statement(src).ok();
    let Some(stmt) = stmt else {
        panic!("does not parse");
    };
    let text = |s: Span| &src[s.range()];
    assert_eq!(text(stmt.span), src);
    let clauses = &stmt.query.first.clauses;
    let (Some(Clause::Match(m)), Some(Clause::Return(r))) = (clauses.first(), clauses.get(1))
    else {
        panic!("unexpected clauses: {clauses:?}");
    };
    assert_eq!(text(m.span), "MATCH (p:Person)-[r:MET]->(q)");
    let path = &m.pattern.parts[0].path;
    assert_eq!(text(path.start.span), "(p:Person)");
    assert_eq!(text(path.steps[0].rel.span), "-[r:MET]->");
    assert_eq!(
        path.start.variable.as_ref().map(|v| text(v.span)),
        Some("p")
    );
    let items: Vec<&str> = r.projection.items.iter().map(|i| text(i.span)).collect();
    assert_eq!(items, ["(p:Person)", "q.name AS name", "count( * )"]);
    let exprs: Vec<&str> = r
        .projection
        .items
        .iter()
        .map(|i| text(i.expr.span))
        .collect();
    assert_eq!(exprs, ["p:Person", "q.name", "count( * )"]);
}

#[test]
fn long_flat_lists_parse() {
    let items: Vec<String> = (0..20_000).map(|n| n.to_string()).collect();
    let src = format!("RETURN [{}] AS l", items.join(", "));
    assert!(parse_statement(&src).is_ok());
}
