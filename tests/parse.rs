//! Parser tests against data: every query of the openCypher TCK (when the
//! shared TCK checkout is beside the repository), and property tests (no
//! panics on arbitrary input; generated trees print and parse back).

use std::path::{Path, PathBuf};

use newsgraph::query::ast::{Expr, Statement};
use newsgraph::query::parse::{parse_expression, parse_statement};

/// The Debug form of a tree with every span blanked, to compare trees
/// parsed from different texts.
fn without_spans(debug: &str) -> String {
    let mut out = String::with_capacity(debug.len());
    let mut rest = debug;
    while let Some(at) = rest.find("Span {") {
        out.push_str(&rest[..at]);
        out.push_str("Span");
        rest = rest[at..].find('}').map_or("", |end| &rest[at + end + 1..]);
    }
    out.push_str(rest);
    out
}

/// Every expression's span holds text that parses to that expression.
/// With `deep`, all subexpressions are checked; otherwise the clauses'
/// expressions and their direct children (parsing is a thread each, and
/// the TCK has thousands of queries).
fn spans_hold_their_expressions(src: &str, stmt: &Statement, deep: bool) -> Result<(), String> {
    let mut exprs: Vec<&Expr> = Vec::new();
    let singles =
        std::iter::once(&stmt.query.first).chain(stmt.query.unions.iter().map(|u| &u.query));
    for clause in singles.flat_map(|s| &s.clauses) {
        for e in clause.exprs() {
            exprs.push(e);
            if !deep {
                exprs.extend(e.children());
            }
        }
    }
    let mut all = Vec::new();
    if deep {
        stmt.query.for_each_expr(&mut |e| all.push(e.clone()));
    } else {
        all.extend(exprs.into_iter().cloned());
    }
    for e in &all {
        let text = src.get(e.span.range()).unwrap_or("");
        match parse_expression(text) {
            Ok(again)
                if without_spans(&format!("{again:?}")) == without_spans(&format!("{e:?}")) => {}
            Ok(_) => return Err(format!("span {:?} holds `{text}`, not `{e}`", e.span)),
            Err(err) => return Err(format!("span {:?} holds `{text}`: {}", e.span, err.message)),
        }
    }
    Ok(())
}

/// Prints `stmt`, parses the print, and compares the trees (spans aside).
fn round_trips(stmt: &Statement, deep_spans: bool) -> Result<(), String> {
    let printed = stmt.to_string();
    let again = parse_statement(&printed)
        .map_err(|e| format!("printed form does not parse: {}: {printed}", e.message))?;
    let (a, b) = (
        without_spans(&format!("{stmt:?}")),
        without_spans(&format!("{again:?}")),
    );
    if a != b {
        return Err(format!("printed form parses to another tree: {printed}"));
    }
    spans_hold_their_expressions(&printed, &again, deep_spans)
}

/// Error details the parser itself raises; every other expected error is
/// semantic and belongs to the binder, so its query must parse.
const PARSER_CODES: &[&str] = &[
    "UnexpectedSyntax",
    "InvalidNumberLiteral",
    "IntegerOverflow",
    "FloatingPointOverflow",
    "InvalidUnicodeLiteral",
    "InvalidUnicodeCharacter",
    "InvalidRelationshipPattern",
];

/// One query taken from a feature file.
struct TckQuery {
    /// `file:line` of the scenario, with the Examples row.
    origin: String,
    /// The query text.
    text: String,
    /// The error detail if the scenario expects a compile-time SyntaxError.
    syntax_error: Option<String>,
}

/// Finds `shared/<rel>` beside the repository or beside the worktree
/// folder.
fn shared(rel: &str) -> Option<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    root.ancestors()
        .skip(1)
        .take(3)
        .map(|a| a.join("shared").join(rel))
        .find(|p| p.exists())
}

/// Every statement of the benchmark's analyst queries parses.
#[test]
fn bench_queries_parse() {
    let Some(path) = shared("bench/queries.cypher") else {
        eprintln!("bench queries not found beside the repository; nothing to check");
        return;
    };
    let src = std::fs::read_to_string(path).unwrap_or_default();
    let results = newsgraph::query::parse::parse_script(&src);
    assert!(results.len() >= 10, "only {} statements", results.len());
    for (span, result) in results {
        if let Err(e) = result {
            panic!("{}\n{}", e.message, &src[span.range()]);
        }
    }
}

/// Finds the TCK features folder: `$NEWSGRAPH_TCK`, or `shared/tck/features`
/// beside the repository or beside the worktree folder.
fn tck_features() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("NEWSGRAPH_TCK") {
        return Some(PathBuf::from(dir));
    }
    shared("tck/features")
}

fn feature_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            feature_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "feature") {
            out.push(path);
        }
    }
}

/// A scenario's steps before Examples expansion.
#[derive(Default)]
struct Scenario {
    line: usize,
    /// (is_main_query, text) for each doc string after a query step.
    queries: Vec<(bool, String)>,
    syntax_error: Option<String>,
    /// Examples header and rows.
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

fn table_cells(line: &str) -> Vec<String> {
    let inner = line.trim().trim_start_matches('|').trim_end_matches('|');
    inner.split('|').map(|c| c.trim().to_string()).collect()
}

/// Extracts the queries of one feature file.
fn extract(path: &Path, text: &str, out: &mut Vec<TckQuery>) {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    let mut scenarios: Vec<Scenario> = Vec::new();
    let mut next_is_query: Option<bool> = None;
    let mut in_examples = false;
    let mut n = 0;
    while n < lines.len() {
        let line = lines[n].trim();
        if line.starts_with('#') {
            n += 1;
            continue;
        }
        if line.starts_with("Scenario") {
            scenarios.push(Scenario {
                line: n + 1,
                ..Scenario::default()
            });
            in_examples = false;
        } else if line.starts_with("Examples") {
            in_examples = true;
        } else if line.starts_with('|') && in_examples {
            if let Some(s) = scenarios.last_mut() {
                if s.header.is_empty() {
                    s.header = table_cells(line);
                } else {
                    s.rows.push(table_cells(line));
                }
            }
        } else if line.ends_with("executing query:") || line.ends_with("executing control query:") {
            next_is_query = Some(true);
        } else if line.ends_with("having executed:") {
            next_is_query = Some(false);
        } else if line.starts_with("\"\"\"") {
            let indent = lines[n].len() - lines[n].trim_start().len();
            let mut body = Vec::new();
            n += 1;
            while n < lines.len() && !lines[n].trim().starts_with("\"\"\"") {
                let l = lines[n];
                let cut = l.len() - l.trim_start().len();
                body.push(&l[cut.min(indent)..]);
                n += 1;
            }
            if let (Some(main), Some(s)) = (next_is_query.take(), scenarios.last_mut()) {
                s.queries.push((main, body.join("\n")));
            }
        } else if let Some(rest) = line
            .split("a SyntaxError should be raised at compile time: ")
            .nth(1)
            && let Some(s) = scenarios.last_mut()
        {
            s.syntax_error = Some(rest.trim().to_string());
        }
        n += 1;
    }
    for s in scenarios {
        let rows: Vec<Option<&Vec<String>>> = if s.rows.is_empty() {
            vec![None]
        } else {
            s.rows.iter().map(Some).collect()
        };
        for (k, row) in rows.into_iter().enumerate() {
            for (main, q) in &s.queries {
                let mut text = q.clone();
                if let Some(row) = row {
                    for (h, v) in s.header.iter().zip(row) {
                        text = text.replace(&format!("<{h}>"), v);
                    }
                }
                out.push(TckQuery {
                    origin: format!("{name}:{} #{}", s.line, k + 1),
                    text,
                    syntax_error: if *main { s.syntax_error.clone() } else { None },
                });
            }
        }
    }
}

/// Every TCK query parses unless the TCK expects a syntax error the parser
/// is responsible for, and those fail with the TCK's error detail.
#[test]
fn tck_queries_parse_as_the_tck_expects() {
    let Some(dir) = tck_features() else {
        eprintln!("TCK features not found beside the repository; nothing to check");
        return;
    };
    let mut files = Vec::new();
    feature_files(&dir, &mut files);
    let mut queries = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap_or_default();
        extract(f, &text, &mut queries);
    }
    let (mut ok_parsed, mut ok_failed, mut semantic) = (0, 0, 0);
    let mut problems = Vec::new();
    for q in &queries {
        let result = parse_statement(&q.text);
        match (&q.syntax_error, result) {
            (Some(code), Err(e)) if PARSER_CODES.contains(&code.as_str()) => {
                if e.code.name() == code {
                    ok_failed += 1;
                } else {
                    problems.push(format!(
                        "{}: expected {code}, got {} ({})\n{}",
                        q.origin,
                        e.code.name(),
                        e.message,
                        q.text
                    ));
                }
            }
            (Some(code), Ok(_)) if PARSER_CODES.contains(&code.as_str()) => {
                problems.push(format!(
                    "{}: expected {code}, but it parsed\n{}",
                    q.origin, q.text
                ));
            }
            (_, Ok(stmt)) => {
                if let Err(problem) = round_trips(&stmt, false) {
                    problems.push(format!("{}: {problem}\n{}", q.origin, q.text));
                }
                if let Err(problem) = spans_hold_their_expressions(&q.text, &stmt, false) {
                    problems.push(format!("{}: {problem}\n{}", q.origin, q.text));
                }
                if q.syntax_error.is_some() {
                    semantic += 1;
                } else {
                    ok_parsed += 1;
                }
            }
            (_, Err(e)) => problems.push(format!(
                "{}: {} at {}..{}: {}\n{}",
                q.origin,
                e.code.name(),
                e.span.start,
                e.span.end,
                e.message,
                q.text
            )),
        }
    }
    eprintln!(
        "TCK: {} queries from {} files; {ok_parsed} parsed, {semantic} with semantic errors parsed, \
         {ok_failed} syntax errors raised as expected, {} problems",
        queries.len(),
        files.len(),
        problems.len()
    );
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

mod generated {
    //! Property tests: arbitrary text never panics the parser, and
    //! generated trees print as Cypher that parses back to the same tree.

    use newsgraph::query::ast::*;
    use newsgraph::query::parse::{parse_statement, split_statements};
    use newsgraph::span::Span;
    use proptest::prelude::*;

    use super::round_trips;

    fn id(name: &str) -> Ident {
        Ident::new(name, Span::default())
    }

    fn e(kind: ExprKind) -> Expr {
        Expr::new(kind, Span::default())
    }

    /// Names, including reserved words and names that need backticks.
    fn arb_name() -> impl Strategy<Value = String> {
        prop_oneof![
            4 => "[a-z][a-zA-Z0-9_]{0,6}",
            1 => Just("match".to_string()),
            1 => Just("End".to_string()),
            1 => Just("count".to_string()),
            1 => Just("a b".to_string()),
            1 => Just("x`y".to_string()),
            1 => Just("ünï".to_string()),
        ]
    }

    fn arb_ident() -> impl Strategy<Value = Ident> {
        arb_name().prop_map(|n| id(&n))
    }

    fn arb_literal() -> impl Strategy<Value = Literal> {
        prop_oneof![
            any::<i64>().prop_map(|v| Literal::Integer {
                text: v.to_string(),
                value: v
            }),
            (0i64..1000).prop_map(|v| Literal::Integer {
                text: format!("0x{v:X}"),
                value: v
            }),
            any::<f64>()
                .prop_filter("finite", |v| v.is_finite())
                .prop_map(|v| Literal::Float {
                    text: format!("{v:?}"),
                    value: v
                }),
            ".*".prop_map(Literal::String),
            any::<bool>().prop_map(Literal::Bool),
            Just(Literal::Null),
        ]
    }

    fn arb_leaf() -> impl Strategy<Value = Expr> {
        prop_oneof![
            3 => arb_literal().prop_map(|l| e(ExprKind::Literal(l))),
            1 => prop_oneof!["[a-z]{1,4}", "[0-9]{1,2}", Just("match".to_string())]
                .prop_map(|p| e(ExprKind::Parameter(p))),
            3 => arb_name().prop_map(|n| e(ExprKind::Variable(n))),
            1 => Just(e(ExprKind::CountStar)),
        ]
    }

    fn arb_binary_op() -> impl Strategy<Value = BinaryOp> {
        use BinaryOp::*;
        proptest::sample::select(vec![
            Or, Xor, And, Eq, Ne, Lt, Gt, Le, Ge, RegexMatch, StartsWith, EndsWith, Contains, In,
            Add, Sub, Mul, Div, Mod, Pow,
        ])
    }

    fn arb_node(expr: BoxedStrategy<Expr>) -> impl Strategy<Value = NodePattern> {
        (
            proptest::option::of(arb_ident()),
            proptest::collection::vec(arb_ident(), 0..3),
            proptest::option::of(proptest::collection::vec((arb_ident(), expr), 0..2)),
        )
            .prop_map(|(variable, labels, props)| NodePattern {
                variable,
                labels,
                properties: props.map(|p| e(ExprKind::Map(p))),
                span: Span::default(),
            })
    }

    fn arb_rel() -> impl Strategy<Value = RelPattern> {
        (
            proptest::option::of(arb_ident()),
            proptest::collection::vec(arb_ident(), 0..3),
            proptest::sample::select(vec![
                Direction::Left,
                Direction::Right,
                Direction::Undirected,
                Direction::Both,
            ]),
            proptest::option::of((proptest::option::of(0u64..5), proptest::option::of(0u64..5))),
        )
            .prop_map(|(variable, types, direction, length)| RelPattern {
                variable,
                types,
                direction,
                length: length.map(|(min, max)| VarLength {
                    min,
                    max,
                    span: Span::default(),
                }),
                properties: None,
                span: Span::default(),
            })
    }

    fn arb_path(expr: BoxedStrategy<Expr>, min_steps: usize) -> impl Strategy<Value = PathPattern> {
        (
            arb_node(expr.clone()),
            proptest::collection::vec((arb_rel(), arb_node(expr)), min_steps..3),
        )
            .prop_map(|(start, steps)| PathPattern {
                start,
                steps: steps
                    .into_iter()
                    .map(|(rel, node)| PathStep { rel, node })
                    .collect(),
                span: Span::default(),
            })
    }

    /// Expressions; with `patterns`, pattern predicates may occur (as in
    /// `WHERE`).
    fn arb_expr(patterns: bool) -> BoxedStrategy<Expr> {
        arb_leaf()
            .prop_recursive(5, 48, 4, move |inner| {
                let path = arb_path(inner.clone(), 1).boxed();
                let mut choices: Vec<(u32, BoxedStrategy<Expr>)> = vec![
                    (
                        4,
                        (arb_binary_op(), inner.clone(), inner.clone())
                            .prop_map(|(op, l, r)| {
                                e(ExprKind::Binary {
                                    op,
                                    lhs: Box::new(l),
                                    rhs: Box::new(r),
                                })
                            })
                            .boxed(),
                    ),
                    (
                        2,
                        (
                            proptest::sample::select(vec![
                                UnaryOp::Not,
                                UnaryOp::Neg,
                                UnaryOp::Plus,
                            ]),
                            inner.clone(),
                        )
                            .prop_map(|(op, x)| {
                                e(ExprKind::Unary {
                                    op,
                                    operand: Box::new(x),
                                })
                            })
                            .boxed(),
                    ),
                    (
                        1,
                        (inner.clone(), any::<bool>())
                            .prop_map(|(x, negated)| {
                                e(ExprKind::IsNull {
                                    expr: Box::new(x),
                                    negated,
                                })
                            })
                            .boxed(),
                    ),
                    (
                        1,
                        proptest::collection::vec(inner.clone(), 0..3)
                            .prop_map(|v| e(ExprKind::List(v)))
                            .boxed(),
                    ),
                    (
                        1,
                        proptest::collection::vec((arb_ident(), inner.clone()), 0..3)
                            .prop_map(|v| e(ExprKind::Map(v)))
                            .boxed(),
                    ),
                    (
                        2,
                        (inner.clone(), arb_ident())
                            .prop_map(|(b, key)| {
                                e(ExprKind::Property {
                                    base: Box::new(b),
                                    key,
                                })
                            })
                            .boxed(),
                    ),
                    (
                        1,
                        (inner.clone(), inner.clone())
                            .prop_map(|(b, i)| {
                                e(ExprKind::Index {
                                    base: Box::new(b),
                                    index: Box::new(i),
                                })
                            })
                            .boxed(),
                    ),
                    (
                        1,
                        (
                            inner.clone(),
                            proptest::option::of(inner.clone()),
                            proptest::option::of(inner.clone()),
                        )
                            .prop_map(|(b, from, to)| {
                                e(ExprKind::Slice {
                                    base: Box::new(b),
                                    from: from.map(Box::new),
                                    to: to.map(Box::new),
                                })
                            })
                            .boxed(),
                    ),
                    (
                        1,
                        (inner.clone(), proptest::collection::vec(arb_ident(), 1..3))
                            .prop_map(|(b, labels)| {
                                e(ExprKind::HasLabels {
                                    base: Box::new(b),
                                    labels,
                                })
                            })
                            .boxed(),
                    ),
                    (
                        1,
                        (
                            proptest::option::of(inner.clone()),
                            proptest::collection::vec((inner.clone(), inner.clone()), 1..3),
                            proptest::option::of(inner.clone()),
                        )
                            .prop_map(|(operand, whens, else_)| {
                                e(ExprKind::Case {
                                    operand: operand.map(Box::new),
                                    whens: whens
                                        .into_iter()
                                        .map(|(when, then)| CaseWhen { when, then })
                                        .collect(),
                                    else_: else_.map(Box::new),
                                })
                            })
                            .boxed(),
                    ),
                    (
                        2,
                        (
                            proptest::collection::vec(arb_ident(), 0..2),
                            prop_oneof![
                                arb_ident(),
                                Just(id("any")),
                                Just(id("not")),
                                Just(id("exists"))
                            ],
                            any::<bool>(),
                            proptest::collection::vec(inner.clone(), 0..3),
                        )
                            .prop_map(|(namespace, name, distinct, args)| {
                                e(ExprKind::FunctionCall {
                                    namespace,
                                    name,
                                    distinct,
                                    args,
                                })
                            })
                            .boxed(),
                    ),
                    (
                        1,
                        (
                            arb_ident(),
                            inner.clone(),
                            proptest::option::of(inner.clone()),
                            proptest::option::of(inner.clone()),
                        )
                            .prop_map(|(variable, list, filter, map)| {
                                e(ExprKind::ListComprehension {
                                    variable,
                                    list: Box::new(list),
                                    filter: filter.map(Box::new),
                                    map: map.map(Box::new),
                                })
                            })
                            .boxed(),
                    ),
                    (
                        1,
                        (
                            proptest::sample::select(vec![
                                Quantifier::All,
                                Quantifier::Any,
                                Quantifier::None,
                                Quantifier::Single,
                            ]),
                            arb_ident(),
                            inner.clone(),
                            proptest::option::of(inner.clone()),
                        )
                            .prop_map(|(quantifier, variable, list, filter)| {
                                e(ExprKind::Quantified {
                                    quantifier,
                                    variable,
                                    list: Box::new(list),
                                    filter: filter.map(Box::new),
                                })
                            })
                            .boxed(),
                    ),
                    (
                        1,
                        (
                            proptest::option::of(arb_ident()),
                            path.clone(),
                            proptest::option::of(inner.clone()),
                            inner.clone(),
                        )
                            .prop_map(|(variable, pattern, filter, map)| {
                                e(ExprKind::PatternComprehension {
                                    variable,
                                    pattern: Box::new(pattern),
                                    filter: filter.map(Box::new),
                                    map: Box::new(map),
                                })
                            })
                            .boxed(),
                    ),
                    (
                        1,
                        (
                            arb_ident(),
                            proptest::collection::vec(
                                prop_oneof![
                                    arb_ident().prop_map(MapProjectionItem::Property),
                                    Just(MapProjectionItem::AllProperties(Span::default())),
                                    (arb_ident(), inner.clone())
                                        .prop_map(|(k, v)| MapProjectionItem::Literal(k, v)),
                                    arb_ident().prop_map(MapProjectionItem::Variable),
                                ],
                                0..3,
                            ),
                        )
                            .prop_map(|(base, items)| e(ExprKind::MapProjection { base, items }))
                            .boxed(),
                    ),
                ];
                if patterns {
                    choices.push((
                        1,
                        path.prop_map(|p| e(ExprKind::PatternPredicate(Box::new(p))))
                            .boxed(),
                    ));
                }
                proptest::strategy::Union::new_weighted(choices)
            })
            .boxed()
    }

    fn stmt(clauses: Vec<Clause>) -> Statement {
        let single = SingleQuery {
            clauses,
            span: Span::default(),
        };
        Statement {
            prefix: None,
            query: Query {
                first: single,
                unions: Vec::new(),
                span: Span::default(),
            },
            span: Span::default(),
        }
    }

    fn projection(
        items: Vec<(Expr, Option<Ident>)>,
        order: Vec<(Expr, bool)>,
        skip: Option<Expr>,
    ) -> Projection {
        Projection {
            distinct: false,
            star: false,
            items: items
                .into_iter()
                .map(|(expr, alias)| ProjectionItem {
                    expr,
                    alias,
                    span: Span::default(),
                })
                .collect(),
            order_by: order
                .into_iter()
                .map(|(expr, descending)| SortItem {
                    expr,
                    descending,
                    span: Span::default(),
                })
                .collect(),
            skip,
            limit: None,
            span: Span::default(),
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 128, failure_persistence: None, ..ProptestConfig::default() })]

        /// Any text: the parser returns a tree or an error, never panics.
        #[test]
        fn arbitrary_text_never_panics(src in ".{0,80}") {
            let _ = parse_statement(&src);
            for span in split_statements(&src) {
                prop_assert!(src.get(span.range()).is_some());
            }
        }

        /// Cypher-like token soup never panics either.
        #[test]
        fn token_soup_never_panics(tokens in proptest::collection::vec(proptest::sample::select(vec![
            "MATCH", "RETURN", "WITH", "WHERE", "(", ")", "[", "]", "{", "}", "-", "->", "<-", ":", "n", "m",
            "1", "0x", "'s", "\"", "`", ",", ".", "..", "*", "|", "=", "AS", "CASE", "WHEN", "THEN", "END",
            "NOT", "IN", "$", "exists", "{", "UNION", ";", "//", "/*", "\\u", "1e999", "all(", "count(*)",
        ]), 0..30)) {
            let src = tokens.join(" ");
            let _ = parse_statement(&src);
            let _ = split_statements(&src);
        }

        /// Generated expressions in RETURN print and parse back.
        #[test]
        fn generated_expressions_round_trip(
            items in proptest::collection::vec((arb_expr(false), proptest::option::of(arb_ident())), 1..3),
            order in proptest::collection::vec((arb_expr(false), any::<bool>()), 0..2),
            skip in proptest::option::of(arb_expr(false)),
        ) {
            let s = stmt(vec![Clause::Return(Return { projection: projection(items, order, skip), span: Span::default() })]);
            if let Err(problem) = round_trips(&s, true) {
                return Err(TestCaseError::fail(problem));
            }
        }

        /// Generated patterns and WHERE filters (with pattern predicates)
        /// print and parse back.
        #[test]
        fn generated_matches_round_trip(
            path in arb_path(arb_expr(false), 0),
            variable in proptest::option::of(arb_ident()),
            optional in any::<bool>(),
            filter in proptest::option::of(arb_expr(true)),
            ret in arb_expr(false),
        ) {
            let part = PatternPart { variable, shortest: None, path, span: Span::default() };
            let m = Match {
                optional,
                pattern: Pattern { parts: vec![part], span: Span::default() },
                where_: filter,
                span: Span::default(),
            };
            let r = Return { projection: projection(vec![(ret, None)], Vec::new(), None), span: Span::default() };
            let s = stmt(vec![Clause::Match(m), Clause::Return(r)]);
            if let Err(problem) = round_trips(&s, true) {
                return Err(TestCaseError::fail(problem));
            }
        }

        /// Generated updating clauses print and parse back.
        #[test]
        fn generated_updates_round_trip(
            v in arb_ident(),
            key in arb_ident(),
            labels in proptest::collection::vec(arb_ident(), 1..3),
            value in arb_expr(false),
            path in arb_path(arb_expr(false), 1),
            detach in any::<bool>(),
        ) {
            let var = || e(ExprKind::Variable(v.name.clone()));
            let set = SetClause {
                items: vec![
                    SetItem::Property { entity: var(), key: key.clone(), value: value.clone(), span: Span::default() },
                    SetItem::Replace { variable: v.clone(), value: value.clone(), span: Span::default() },
                    SetItem::Update { variable: v.clone(), value, span: Span::default() },
                    SetItem::Labels { variable: v.clone(), labels: labels.clone(), span: Span::default() },
                ],
                span: Span::default(),
            };
            let remove = Remove {
                items: vec![
                    RemoveItem::Property { entity: var(), key, span: Span::default() },
                    RemoveItem::Labels { variable: v.clone(), labels, span: Span::default() },
                ],
                span: Span::default(),
            };
            let part = PatternPart { variable: None, shortest: None, path, span: Span::default() };
            let merge = Merge { pattern: part.clone(), actions: Vec::new(), span: Span::default() };
            let create = Create { pattern: Pattern { parts: vec![part], span: Span::default() }, span: Span::default() };
            let delete = Delete { detach, exprs: vec![var()], span: Span::default() };
            let s = stmt(vec![
                Clause::Create(create),
                Clause::Merge(merge),
                Clause::Set(set),
                Clause::Remove(remove),
                Clause::Delete(delete),
            ]);
            if let Err(problem) = round_trips(&s, true) {
                return Err(TestCaseError::fail(problem));
            }
        }
    }
}
