//! Tab completion by context: what may stand at the cursor, judged from the
//! tokens before it.
//!
//! - `:co` a meta-command; after `:load `, `:save `, `:ingest ` a file path
//!   (the caller's file completer); after `:format ` and the like, its words;
//! - `(:Pe` / `n:Pe` a label, `[:ME` / `[:MET|VI` a relationship type;
//! - `n.na` and `{na` a property key; `$wh` a parameter;
//! - inside an unclosed string, an entity name: `"Yosh` -> `"Yoshihiko Noda"`;
//! - any other word: keywords, functions and the variables of the query.
//!
//! It decides from tokens only ([`super::lex`]); it never parses a query and
//! never reads the graph beyond the [`Schema`] snapshot.

use super::lex::{self, Kind, Token};
use super::schema::Schema;

/// Keywords of the openCypher subset, as they are completed and highlighted.
pub const KEYWORDS: &[&str] = &[
    "MATCH",
    "OPTIONAL",
    "WHERE",
    "RETURN",
    "WITH",
    "UNWIND",
    "AS",
    "ORDER",
    "BY",
    "ASC",
    "ASCENDING",
    "DESC",
    "DESCENDING",
    "SKIP",
    "LIMIT",
    "DISTINCT",
    "UNION",
    "ALL",
    "CREATE",
    "MERGE",
    "ON",
    "SET",
    "REMOVE",
    "DELETE",
    "DETACH",
    "AND",
    "OR",
    "XOR",
    "NOT",
    "IN",
    "IS",
    "NULL",
    "TRUE",
    "FALSE",
    "STARTS",
    "ENDS",
    "CONTAINS",
    "CASE",
    "WHEN",
    "THEN",
    "ELSE",
    "END",
    "EXISTS",
    "EXPLAIN",
    "PROFILE",
    "COUNT",
    "ANY",
    "NONE",
    "SINGLE",
];

/// Functions offered by completion; the caller keeps only those the query
/// engine knows (`query::functions::exists`), so this list can never make
/// completion offer a function that fails.
pub const FUNCTIONS: &[&str] = &[
    "id",
    "labels",
    "type",
    "properties",
    "keys",
    "size",
    "length",
    "nodes",
    "relationships",
    "startNode",
    "endNode",
    "coalesce",
    "head",
    "last",
    "tail",
    "range",
    "reverse",
    "toString",
    "toInteger",
    "toFloat",
    "toBoolean",
    "toUpper",
    "toLower",
    "trim",
    "ltrim",
    "rtrim",
    "substring",
    "left",
    "right",
    "split",
    "replace",
    "abs",
    "ceil",
    "floor",
    "round",
    "sign",
    "sqrt",
    "exp",
    "log",
    "log10",
    "rand",
    "count",
    "sum",
    "avg",
    "min",
    "max",
    "collect",
    "stDev",
    "stDevP",
    "percentileCont",
    "percentileDisc",
    "date",
    "shortestPath",
    "allShortestPaths",
    "exists",
];

/// What a meta-command takes after its name, for completion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArgKind {
    /// Nothing, or free text.
    None,
    /// File paths.
    Path,
    /// One of these words.
    Words(&'static [&'static str]),
    /// The name of a parameter set with `:param`.
    Params,
    /// One of these words, then file paths.
    WordThenPath(&'static [&'static str]),
}

/// A completion: the text shown in the list and the text put in the line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// Shown in the list of choices.
    pub display: String,
    /// Replaces the text from the completion's start to the cursor.
    pub replacement: String,
}

impl Candidate {
    fn same(text: impl Into<String>) -> Candidate {
        let text = text.into();
        Candidate {
            display: text.clone(),
            replacement: text,
        }
    }
}

/// What the completer may offer, besides the schema.
pub struct Sources<'a> {
    /// The graph's labels, types, keys and names.
    pub schema: &'a Schema,
    /// Meta-command names (without `:`) with the kind of their argument.
    pub commands: &'a [(&'a str, ArgKind)],
    /// Functions known to the engine.
    pub functions: &'a [&'a str],
    /// Names of the parameters set with `:param`.
    pub params: &'a [String],
}

/// Where completion must go when the cursor is at `pos`.
#[derive(Debug, PartialEq, Eq)]
pub enum Completion {
    /// Replace `line[start..pos]` by one of these.
    Candidates(usize, Vec<Candidate>),
    /// A file path: the caller's file completer takes over.
    Path,
}

/// The completions at byte offset `pos` of `line`.
pub fn complete(line: &str, pos: usize, sources: &Sources<'_>) -> Completion {
    let Some(before) = line.get(..pos) else {
        return Completion::Candidates(pos, Vec::new());
    };
    if before.trim_start().starts_with(':') {
        return complete_command(before, sources);
    }
    let tokens = lex::tokens(before);
    let Some(last) = tokens.last().copied() else {
        return Completion::Candidates(pos, Vec::new());
    };
    let previous = tokens[..tokens.len() - 1]
        .iter()
        .rev()
        .find(|t| !t.is_trivia())
        .copied();
    let enclosing = |upto: usize| {
        let open = lex::brackets(&tokens[..upto]).open;
        open.last().and_then(|&at| before[at..].chars().next())
    };
    let candidates = match last.kind {
        Kind::String { closed: false } => {
            let typed = &before[last.start + 1..];
            let quote = before[last.start..].chars().next().unwrap_or('"');
            return Completion::Candidates(last.start, names(typed, quote, sources.schema));
        }
        Kind::Param => {
            let typed = &before[last.start + 1..];
            let found = matching(typed, sources.params.iter().map(String::as_str));
            found.map(|p| Candidate::same(format!("${p}"))).collect()
        }
        Kind::Punct(':') => {
            let at = tokens.len() - 1;
            let found = schema_names(enclosing(at), "", sources.schema);
            return Completion::Candidates(pos, found);
        }
        Kind::Punct('.') if previous.is_some_and(|p| p.kind == Kind::Word) => {
            return Completion::Candidates(pos, keys("", sources.schema));
        }
        Kind::Word | Kind::Backtick { closed: false } => {
            let typed = last.text(before).trim_start_matches('`');
            let at = tokens.len() - 1;
            match previous.map(|p| p.kind) {
                Some(Kind::Punct('|'))
                    if !tokens[..at]
                        .iter()
                        .rposition(|t| !t.is_trivia())
                        .is_some_and(|bar| lex::is_type_bar(before, &tokens, bar)) =>
                {
                    words(typed, &tokens, before, sources)
                }
                Some(Kind::Punct(':' | '|')) => schema_names(enclosing(at), typed, sources.schema),
                Some(Kind::Punct('.')) => keys(typed, sources.schema),
                Some(Kind::Punct('{' | ',')) if enclosing(at) == Some('{') => {
                    keys(typed, sources.schema)
                }
                _ if last.kind == Kind::Word => words(typed, &tokens, before, sources),
                _ => Vec::new(),
            }
        }
        _ => Vec::new(),
    };
    Completion::Candidates(last.start, candidates)
}

/// `:co` -> the commands; `:format j` -> the command's words; paths.
fn complete_command(before: &str, sources: &Sources<'_>) -> Completion {
    let body = before.trim_start();
    let offset = before.len() - body.len();
    match body.find(char::is_whitespace) {
        None => {
            let typed = &body[1..];
            let names = sources.commands.iter().map(|(n, _)| *n);
            let found = matching(typed, names)
                .map(|n| Candidate {
                    display: format!(":{n}"),
                    replacement: format!(":{n} "),
                })
                .collect();
            Completion::Candidates(offset, found)
        }
        Some(space) => {
            let name = &body[1..space];
            let kind = sources.commands.iter().find(|(n, _)| *n == name);
            let first_arg = !body[space..].trim_start().contains(char::is_whitespace);
            match kind.map(|(_, k)| *k) {
                Some(ArgKind::Path) => Completion::Path,
                Some(ArgKind::WordThenPath(_)) if !first_arg => Completion::Path,
                Some(ArgKind::Words(words) | ArgKind::WordThenPath(words)) => {
                    let start = before
                        .rfind(char::is_whitespace)
                        .map_or(before.len(), |i| i + 1);
                    let typed = &before[start..];
                    let found = matching(typed, words.iter().copied())
                        .map(Candidate::same)
                        .collect();
                    Completion::Candidates(start, found)
                }
                Some(ArgKind::Params) => {
                    let start = before
                        .rfind(char::is_whitespace)
                        .map_or(before.len(), |i| i + 1);
                    let typed = &before[start..];
                    let found = matching(typed, sources.params.iter().map(String::as_str))
                        .map(Candidate::same)
                        .collect();
                    Completion::Candidates(start, found)
                }
                _ => Completion::Candidates(before.len(), Vec::new()),
            }
        }
    }
}

/// Labels or types after `:`, judged by the bracket around the cursor: a
/// relationship pattern `[...]` wants types; a map `{...}` wants nothing
/// (`{name: ...}` is followed by a value); anything else wants labels.
fn schema_names(enclosing: Option<char>, typed: &str, schema: &Schema) -> Vec<Candidate> {
    let names: Vec<&str> = match enclosing {
        Some('[') => schema.type_names().collect(),
        Some('{') => return Vec::new(),
        _ => schema.label_names().collect(),
    };
    matching(typed, names.into_iter())
        .map(|n| Candidate::same(quote_name(n)))
        .collect()
}

/// Property keys starting with `typed`.
fn keys(typed: &str, schema: &Schema) -> Vec<Candidate> {
    matching(typed, schema.keys())
        .map(|k| Candidate::same(quote_name(k)))
        .collect()
}

/// Entity names for an open string: those starting with `typed` first, then
/// those with a word starting with it; each put back as a closed string.
fn names(typed: &str, quote: char, schema: &Schema) -> Vec<Candidate> {
    let lower = typed.to_lowercase();
    let starts = |n: &&String| n.to_lowercase().starts_with(&lower);
    let word_starts = |n: &&String| {
        !starts(n)
            && n.split_whitespace()
                .any(|w| w.to_lowercase().starts_with(&lower))
    };
    let first = schema.names.iter().filter(starts);
    let then = schema.names.iter().filter(word_starts);
    first
        .chain(then)
        .map(|n| {
            let escaped = n
                .replace('\\', "\\\\")
                .replace(quote, &format!("\\{quote}"));
            Candidate {
                display: n.clone(),
                replacement: format!("{quote}{escaped}{quote}"),
            }
        })
        .collect()
}

/// Keywords, functions and the variables already named in the query.
fn words(typed: &str, tokens: &[Token], src: &str, sources: &Sources<'_>) -> Vec<Candidate> {
    let mut out: Vec<Candidate> = Vec::new();
    let variables = variables(tokens, src);
    let mut seen = std::collections::HashSet::new();
    for v in matching(typed, variables.iter().copied()) {
        if v != typed && seen.insert(v.to_owned()) {
            out.push(Candidate::same(v));
        }
    }
    out.extend(matching(typed, KEYWORDS.iter().copied()).map(Candidate::same));
    out.extend(
        matching(typed, sources.functions.iter().copied()).map(|f| Candidate {
            display: format!("{f}()"),
            replacement: format!("{f}("),
        }),
    );
    out
}

/// Words that name a variable: right after `(` or `[`, or after `AS`.
fn variables<'s>(tokens: &[Token], src: &'s str) -> Vec<&'s str> {
    let significant: Vec<&Token> = tokens.iter().filter(|t| !t.is_trivia()).collect();
    significant
        .windows(2)
        .filter(|w| w[1].kind == Kind::Word)
        .filter(|w| {
            matches!(w[0].kind, Kind::Punct('(' | '[')) || w[0].text(src).eq_ignore_ascii_case("AS")
        })
        .map(|w| w[1].text(src))
        .collect()
}

/// The items that start with `typed`, ignoring case.
fn matching<'i>(
    typed: &str,
    items: impl Iterator<Item = &'i str>,
) -> impl Iterator<Item = &'i str> {
    let lower = typed.to_lowercase();
    items.filter(move |i| i.to_lowercase().starts_with(&lower))
}

/// A label, type or key as a query must spell it: backticked unless it is
/// a plain word.
fn quote_name(name: &str) -> String {
    let plain = name
        .chars()
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_alphanumeric() || c == '_');
    if plain {
        name.to_owned()
    } else {
        format!("`{}`", name.replace('`', "``"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema() -> Schema {
        Schema {
            labels: vec![
                ("Person".into(), 3),
                ("Place".into(), 1),
                ("Country".into(), 2),
            ],
            types: vec![("MET".into(), 2), ("VISITED".into(), 1)],
            node_keys: vec![("name".into(), 6), ("aliases".into(), 2)],
            edge_keys: vec![
                ("sentence".into(), 3),
                ("doc".into(), 3),
                ("date".into(), 3),
            ],
            shapes: vec![],
            names: vec![
                "Hu Jintao".into(),
                "Japan".into(),
                "Noda".into(),
                "Yoshihiko Noda".into(),
            ],
        }
    }

    const COMMANDS: &[(&str, ArgKind)] = &[
        ("help", ArgKind::None),
        ("load", ArgKind::Path),
        ("format", ArgKind::Words(&["table", "json", "csv"])),
        ("export", ArgKind::WordThenPath(&["triples", "graphml"])),
    ];

    /// The lines after taking each candidate at the cursor `¦`.
    fn check(with_cursor: &str) -> Vec<String> {
        let pos = with_cursor.find('¦').unwrap();
        let line = with_cursor.replace('¦', "");
        let schema = schema();
        let params = vec!["who".to_owned()];
        let sources = Sources {
            schema: &schema,
            commands: COMMANDS,
            functions: FUNCTIONS,
            params: &params,
        };
        match complete(&line, pos, &sources) {
            Completion::Path => vec!["<path>".into()],
            Completion::Candidates(start, found) => found
                .iter()
                .map(|c| format!("{}{}{}", &line[..start], c.replacement, &line[pos..]))
                .collect(),
        }
    }

    #[test]
    fn labels_after_colon_in_a_node() {
        assert_eq!(check("MATCH (a:Pe¦)"), ["MATCH (a:Person)"]);
        assert_eq!(check("MATCH (:P¦"), ["MATCH (:Person", "MATCH (:Place"]);
        assert_eq!(
            check("MATCH (:¦"),
            ["MATCH (:Person", "MATCH (:Place", "MATCH (:Country"]
        );
        assert_eq!(
            check("MATCH (a) WHERE a:Co¦"),
            ["MATCH (a) WHERE a:Country"]
        );
    }

    #[test]
    fn types_after_colon_in_a_relationship() {
        assert_eq!(check("MATCH (a)-[:M¦"), ["MATCH (a)-[:MET"]);
        assert_eq!(check("MATCH (a)-[r:MET|V¦"), ["MATCH (a)-[r:MET|VISITED"]);
        assert_eq!(
            check("RETURN [person IN list | pe¦"),
            [
                "RETURN [person IN list | person",
                "RETURN [person IN list | percentileCont(",
                "RETURN [person IN list | percentileDisc(",
            ]
        );
    }

    #[test]
    fn property_keys_after_dot_and_in_maps() {
        assert_eq!(check("RETURN r.sen¦"), ["RETURN r.sentence"]);
        assert_eq!(check("MATCH (a {na¦"), ["MATCH (a {name"]);
        assert_eq!(check("RETURN a.¦").len(), 5);
        assert_eq!(check("MATCH (a {name: P¦})"), Vec::<String>::new());
    }

    #[test]
    fn entity_names_inside_strings() {
        assert_eq!(
            check("MATCH (a {name: \"Yosh¦"),
            ["MATCH (a {name: \"Yoshihiko Noda\""]
        );
        assert_eq!(
            check("WHERE a.name = 'nod¦"),
            ["WHERE a.name = 'Noda'", "WHERE a.name = 'Yoshihiko Noda'"]
        );
    }

    #[test]
    fn keywords_functions_and_variables() {
        assert_eq!(check("mat¦"), ["MATCH"]);
        assert_eq!(check("RETURN toU¦"), ["RETURN toUpper("]);
        assert_eq!(
            check("MATCH (person) RETURN pe¦"),
            [
                "MATCH (person) RETURN person",
                "MATCH (person) RETURN percentileCont(",
                "MATCH (person) RETURN percentileDisc(",
            ]
        );
        assert_eq!(check("RETURN $w¦"), ["RETURN $who"]);
    }

    #[test]
    fn meta_commands_and_their_arguments() {
        assert_eq!(check(":he¦"), [":help "]);
        assert_eq!(check(":format j¦"), [":format json"]);
        assert_eq!(check(":load da¦"), ["<path>"]);
        assert_eq!(check(":export gr¦"), [":export graphml"]);
        assert_eq!(check(":export dot gr¦"), ["<path>"]);
    }
}
