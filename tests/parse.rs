//! Parser tests against data: every query of the openCypher TCK (when the
//! shared TCK checkout is beside the repository), and property tests (no
//! panics on arbitrary input; generated trees print and parse back).

use std::path::{Path, PathBuf};

use newsgraph::query::ast::Statement;
use newsgraph::query::parse::parse_statement;

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

/// Prints `stmt`, parses the print, and compares the trees (spans aside).
fn round_trips(stmt: &Statement) -> Result<(), String> {
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
    Ok(())
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

/// Finds the TCK features folder: `$NEWSGRAPH_TCK`, or `shared/tck/features`
/// beside the repository or beside the worktree folder.
fn tck_features() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("NEWSGRAPH_TCK") {
        return Some(PathBuf::from(dir));
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    root.ancestors()
        .skip(1)
        .take(3)
        .map(|a| a.join("shared/tck/features"))
        .find(|p| p.is_dir())
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
                if let Err(problem) = round_trips(&stmt) {
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
