//! The meta-commands: one table, [`COMMANDS`], that names each command,
//! says what it takes (for `:help` and completion) and points at the
//! function that runs it. A new command is one new row (pictures add
//! `:show`, `:timeline` and `:around` here) and a function with the
//! [`Run`] signature that reaches the session through its methods
//! ([`Session::graph`], [`Session::last_result`], ...), for example:
//!
//! ```text
//! Command {
//!     name: "show",
//!     usage: ":show [FILE.svg]",
//!     summary: "draws the last result as an SVG",
//!     arg: ArgKind::Path,
//!     run: crate::show::repl_show, // fn(&mut Session, &str, &mut dyn Write) -> Result<Flow, CommandError>
//! },
//! ```

use std::io::{self, Write};
use std::path::PathBuf;

pub use super::complete::ArgKind;
use super::render;
use super::session::{Format, Param, Session};
use super::suggest;
use crate::files::atomic::write_atomic;
use crate::graph::dump;
use crate::interchange::{dot, graphml, neo4j_csv, triples};
use crate::query::value::Value;

/// What the loop does after a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    /// Read the next input.
    Continue,
    /// Leave the REPL (after asking, when there are unsaved changes).
    Quit,
}

/// Why a command did not do what it was asked.
#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    /// `:lod`: no such command.
    #[error("unknown command :{name}{}; :help lists the commands", did_you_mean(.suggestion))]
    Unknown {
        /// The name as typed.
        name: String,
        /// The closest command name.
        suggestion: Option<&'static str>,
    },
    /// The arguments do not fit the command.
    #[error("usage: {0}")]
    Usage(&'static str),
    /// `:help nothing`: no such topic.
    #[error("no help on {topic}{}; :help lists the topics", did_you_mean(.suggestion))]
    NoTopic {
        /// The topic as typed.
        topic: String,
        /// The closest topic.
        suggestion: Option<&'static str>,
    },
    /// Reading or writing a file failed.
    #[error("{}: {source}", path.display())]
    File {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        source: io::Error,
    },
    /// A query the command ran failed (already rendered with its caret).
    #[error("{0}")]
    Query(String),
    /// A dump could not be read or written (the message names the file,
    /// line and column).
    #[error("{0}")]
    Dump(String),
    /// `:load` over unsaved changes.
    #[error("the graph has unsaved changes: :save them first, or use :{0}! to drop them")]
    Unsaved(&'static str),
    /// Writing to the terminal failed.
    #[error(transparent)]
    Output(#[from] io::Error),
    /// A command added by another module failed with its own typed error.
    #[error(transparent)]
    Other(Box<dyn std::error::Error + Send + Sync>),
}

fn did_you_mean(suggestion: &Option<&'static str>) -> String {
    suggestion.map_or(String::new(), |s| format!(" (did you mean {s}?)"))
}

/// A command's function: the session, the text after the command's name
/// (trimmed), and where to print.
pub type Run = fn(&mut Session, &str, &mut dyn Write) -> Result<Flow, CommandError>;

/// One meta-command.
pub struct Command {
    /// Its name, typed after `:`.
    pub name: &'static str,
    /// Its arguments as `:help` shows them.
    pub usage: &'static str,
    /// One line for the list of commands.
    pub summary: &'static str,
    /// What follows the name, for completion.
    pub arg: ArgKind,
    /// The function that runs it.
    pub run: Run,
}

/// Every meta-command, in the order `:help` lists them.
pub const COMMANDS: &[Command] = &[
    Command {
        name: "help",
        usage: ":help [COMMAND or TOPIC]",
        summary: "this list; :help examples for who-met-whom queries",
        arg: ArgKind::Words(HELP_WORDS),
        run: help,
    },
    Command {
        name: "schema",
        usage: ":schema",
        summary: "labels, relationship types and property keys, with counts",
        arg: ArgKind::None,
        run: schema,
    },
    Command {
        name: "stats",
        usage: ":stats",
        summary: "the size of the graph, its file and whether it has unsaved changes",
        arg: ArgKind::None,
        run: stats,
    },
    Command {
        name: "load",
        usage: ":load FILE",
        summary: "opens a graph dump instead of this graph (:load! drops unsaved changes)",
        arg: ArgKind::Path,
        run: load,
    },
    Command {
        name: "load!",
        usage: ":load! FILE",
        summary: "opens a graph dump, dropping unsaved changes",
        arg: ArgKind::Path,
        run: load_anyway,
    },
    Command {
        name: "save",
        usage: ":save [FILE]",
        summary: "writes the graph as a dump, atomically (to the file it came from without FILE)",
        arg: ArgKind::Path,
        run: save,
    },
    Command {
        name: "ingest",
        usage: ":ingest PATHS",
        summary: "reads articles (.txt, .jsonl, folders) into the graph",
        arg: ArgKind::Path,
        run: ingest,
    },
    Command {
        name: "export",
        usage: ":export FORMAT FILE",
        summary: "writes the graph as triples, json, graphml, dot or csv (a folder), atomically",
        arg: ArgKind::WordThenPath(EXPORT_FORMATS),
        run: export,
    },
    Command {
        name: "why",
        usage: ":why",
        summary: "the evidence (sentence, document, date) behind each relationship of the last result",
        arg: ArgKind::None,
        run: why,
    },
    Command {
        name: "last",
        usage: ":last [all]",
        summary: "the next rows of the last result (all of them with `all`)",
        arg: ArgKind::Words(&["all"]),
        run: last,
    },
    Command {
        name: "format",
        usage: ":format table|json|csv",
        summary: "how results are printed",
        arg: ArgKind::Words(&["table", "json", "csv"]),
        run: format,
    },
    Command {
        name: "limit",
        usage: ":limit ROWS",
        summary: "how many rows a table shows before :last",
        arg: ArgKind::None,
        run: limit,
    },
    Command {
        name: "timing",
        usage: ":timing on|off",
        summary: "whether tables say how long the query took",
        arg: ArgKind::Words(&["on", "off"]),
        run: timing,
    },
    Command {
        name: "param",
        usage: ":param NAME => EXPRESSION",
        summary: "sets $NAME for the queries that follow",
        arg: ArgKind::Params,
        run: param,
    },
    Command {
        name: "params",
        usage: ":params",
        summary: "the parameters that are set",
        arg: ArgKind::None,
        run: params,
    },
    Command {
        name: "quit",
        usage: ":quit",
        summary: "leaves (asks first when the graph has unsaved changes); so does Ctrl-D",
        arg: ArgKind::None,
        run: quit,
    },
    Command {
        name: "exit",
        usage: ":exit",
        summary: "the same as :quit",
        arg: ArgKind::None,
        run: quit,
    },
];

/// The command named `name`.
pub fn find(name: &str) -> Option<&'static Command> {
    COMMANDS.iter().find(|c| c.name == name)
}

/// Names and argument kinds, for the completer.
pub fn completion_table() -> Vec<(&'static str, ArgKind)> {
    COMMANDS.iter().map(|c| (c.name, c.arg)).collect()
}

/// Runs a `:command` line.
pub fn dispatch(
    session: &mut Session,
    line: &str,
    out: &mut dyn Write,
) -> Result<Flow, CommandError> {
    let body = line.trim().trim_start_matches(':');
    let (name, rest) = body.split_once(char::is_whitespace).unwrap_or((body, ""));
    match find(name) {
        Some(command) => (command.run)(session, rest.trim(), out),
        None => Err(CommandError::Unknown {
            name: name.to_owned(),
            suggestion: suggest::closest(name, COMMANDS.iter().map(|c| c.name))
                .and_then(|n| find(n).map(|c| c.usage.split(' ').next().unwrap_or(c.name))),
        }),
    }
}

const HELP_WORDS: &[&str] = &[
    "examples", "keys", "help", "schema", "stats", "load", "save", "ingest", "export", "why",
    "last", "format", "limit", "timing", "param", "params", "quit", "exit",
];

/// Worked examples on the bundled sample: who met whom, and why we think so.
const EXAMPLES: &str = r#"Worked examples (on the bundled sample; end a statement with ;)

Who met Yoshihiko Noda, and when?
  MATCH (p:Person)-[r:MET]-(:Person {name: "Yoshihiko Noda"})
  RETURN p.name AS who, r.date AS date, r
  ORDER BY who;
  :why                      the sentence, document and date behind each meeting

Which Chinese officials met Japanese officials?
  MATCH (a:Person)-[:OFFICIAL_OF]->(:Country {name: "China"}),
        (b:Person)-[:OFFICIAL_OF]->(:Country {name: "Japan"}),
        (a)-[r:MET]-(b)
  RETURN a.name, b.name, r.date;

Who visited where?
  MATCH (p:Person)-[v:VISITED]->(x) RETURN p.name, x.name, v.date ORDER BY v.date;

The shortest chain of meetings between two people:
  MATCH path = shortestPath((a:Person {name: "Hu Jintao"})-[:MET*]-(b:Person {name: "Wen Jiabao"}))
  RETURN [n IN nodes(path) | n.name] AS chain;

With a parameter:
  :param who => "Yoshihiko Noda"
  MATCH (p)-[r:MET]-({name: $who}) RETURN p.name, r;
"#;

/// Keys and typing help.
const KEYS: &str = "Typing
  Enter        runs the statement once it ends with ; (otherwise a new line)
  empty line   runs what was typed, finished or not
  Tab          completes keywords, functions, :commands, labels after (:,
               types after [:, keys after a dot, names inside a string
               (\"Yosh<Tab> gives \"Yoshihiko Noda\"), files after :load
  Up, Down     history (kept between sessions); Ctrl-R searches it
  Right        takes the grey hint from history
  Ctrl-C       drops the line being typed, or stops the running query
  Ctrl-D       leaves (asks first when the graph has unsaved changes)
";

fn help(_session: &mut Session, topic: &str, out: &mut dyn Write) -> Result<Flow, CommandError> {
    let topic = topic.trim_start_matches(':');
    match topic {
        "" => {
            writeln!(out, "Commands (Tab completes them):")?;
            for c in COMMANDS {
                writeln!(out, "  {:<28} {}", c.usage, c.summary)?;
            }
            writeln!(
                out,
                "\nAnything else is openCypher, ended by ;  e.g.\n  \
                 MATCH (p:Person)-[r:MET]-(:Person {{name: \"Yoshihiko Noda\"}}) RETURN p.name, r;\n\n\
                 :help examples   worked who-met-whom queries\n\
                 :help keys       editing, completion, history"
            )?;
        }
        "examples" => write!(out, "{EXAMPLES}")?,
        "keys" => write!(out, "{KEYS}")?,
        name => match find(name) {
            Some(c) => writeln!(out, "{}\n  {}", c.usage, c.summary)?,
            None => {
                return Err(CommandError::NoTopic {
                    topic: name.to_owned(),
                    suggestion: suggest::closest(name, HELP_WORDS.iter().copied()),
                });
            }
        },
    }
    Ok(Flow::Continue)
}

fn schema(session: &mut Session, _: &str, out: &mut dyn Write) -> Result<Flow, CommandError> {
    let schema = session.schema();
    let list = |items: &[(String, usize)]| {
        if items.is_empty() {
            return "(none)".to_owned();
        }
        items
            .iter()
            .map(|(name, n)| format!("{name} {n}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    writeln!(out, "labels:             {}", list(&schema.labels))?;
    writeln!(out, "relationship types: {}", list(&schema.types))?;
    writeln!(out, "node keys:          {}", list(&schema.node_keys))?;
    writeln!(out, "relationship keys:  {}", list(&schema.edge_keys))?;
    if !schema.shapes.is_empty() {
        writeln!(out, "patterns:")?;
        let shown: Vec<(String, usize)> = schema
            .shapes
            .iter()
            .map(|((s, t, d), n)| (format!("(:{s})-[:{t}]->(:{d})"), *n))
            .collect();
        let width = shown
            .iter()
            .map(|(p, _)| p.chars().count())
            .max()
            .unwrap_or(0);
        for (pattern, n) in shown {
            writeln!(out, "  {pattern:<width$}  {n}")?;
        }
    }
    Ok(Flow::Continue)
}

fn stats(session: &mut Session, _: &str, out: &mut dyn Write) -> Result<Flow, CommandError> {
    let graph = session.graph();
    let mut docs = std::collections::HashSet::new();
    for id in graph.edge_ids() {
        if let Some(doc) = graph
            .edge(id)
            .and_then(|e| e.property("doc"))
            .and_then(|d| d.as_str())
        {
            docs.insert(doc.to_owned());
        }
    }
    writeln!(out, "nodes:          {}", graph.node_count())?;
    writeln!(out, "relationships:  {}", graph.edge_count())?;
    writeln!(out, "documents:      {}", docs.len())?;
    let file = session
        .file
        .as_ref()
        .map_or("(none: :save FILE to keep it)".to_owned(), |f| {
            f.display().to_string()
        });
    writeln!(out, "file:           {file}")?;
    let unsaved = if session.has_unsaved_changes() {
        "yes"
    } else {
        "no"
    };
    writeln!(out, "unsaved:        {unsaved}")?;
    Ok(Flow::Continue)
}

fn load(session: &mut Session, arg: &str, out: &mut dyn Write) -> Result<Flow, CommandError> {
    if session.has_unsaved_changes() {
        return Err(CommandError::Unsaved("load"));
    }
    load_anyway(session, arg, out)
}

fn load_anyway(
    session: &mut Session,
    arg: &str,
    out: &mut dyn Write,
) -> Result<Flow, CommandError> {
    if arg.is_empty() {
        return Err(CommandError::Usage(":load FILE"));
    }
    let path = path_arg(arg);
    let graph = dump::load(&path).map_err(|e| CommandError::Dump(e.to_string()))?;
    writeln!(out, "{}: {}", path.display(), render::size(&graph))?;
    session.replace_graph(graph, Some(path));
    Ok(Flow::Continue)
}

fn save(session: &mut Session, arg: &str, out: &mut dyn Write) -> Result<Flow, CommandError> {
    let path = match (arg, &session.file) {
        ("", Some(file)) => file.clone(),
        ("", None) => {
            return Err(CommandError::Usage(
                ":save FILE (this graph came from no dump)",
            ));
        }
        (file, _) => path_arg(file),
    };
    dump::save(session.graph(), &path).map_err(|e| CommandError::Dump(e.to_string()))?;
    writeln!(
        out,
        "saved {} to {}",
        render::size(session.graph()),
        path.display()
    )?;
    session.saved_to(path);
    Ok(Flow::Continue)
}

fn ingest(session: &mut Session, arg: &str, out: &mut dyn Write) -> Result<Flow, CommandError> {
    let paths = path_args(arg);
    if paths.is_empty() {
        return Err(CommandError::Usage(
            ":ingest PATHS (article files or folders)",
        ));
    }
    let report = session.ingest(&paths);
    for warning in &report.warnings {
        writeln!(out, "warning: {warning}")?;
    }
    for error in &report.errors {
        writeln!(out, "error: {error}")?;
    }
    writeln!(
        out,
        "read {}; the graph has {}",
        super::session::ingested(&report),
        render::size(session.graph())
    )?;
    Ok(Flow::Continue)
}

/// Several file arguments: split at spaces, except inside quotes or after
/// a backslash.
fn path_args(arg: &str) -> Vec<PathBuf> {
    let mut paths = Vec::new();
    let mut current = String::new();
    let mut quote = None;
    let mut chars = arg.chars();
    while let Some(c) = chars.next() {
        match (c, quote) {
            ('\\', _) => current.extend(chars.next()),
            ('"' | '\'', None) => quote = Some(c),
            (c, Some(q)) if c == q => quote = None,
            (c, None) if c.is_whitespace() => {
                if !current.is_empty() {
                    paths.push(PathBuf::from(std::mem::take(&mut current)));
                }
            }
            (c, _) => current.push(c),
        }
    }
    if !current.is_empty() {
        paths.push(PathBuf::from(current));
    }
    paths
}

const EXPORT_FORMATS: &[&str] = &["triples", "json", "graphml", "dot", "csv"];

fn export(session: &mut Session, arg: &str, out: &mut dyn Write) -> Result<Flow, CommandError> {
    const USAGE: &str = ":export triples|json|graphml|dot|csv FILE (csv: a folder)";
    let (format, file) = arg
        .split_once(char::is_whitespace)
        .map(|(f, p)| (f, p.trim()))
        .ok_or(CommandError::Usage(USAGE))?;
    if file.is_empty() {
        return Err(CommandError::Usage(USAGE));
    }
    let path = path_arg(file);
    let graph = session.graph();
    let atomic = |path: PathBuf, write: &dyn Fn(&mut dyn Write) -> io::Result<()>| {
        write_atomic(&path, |w| write(w)).map_err(|source| CommandError::File { path, source })
    };
    match format {
        "triples" => atomic(path.clone(), &|w| triples::write(graph, w))?,
        "json" => atomic(path.clone(), &|w| dump::write(graph, w))?,
        "graphml" => atomic(path.clone(), &|w| graphml::write(graph, w))?,
        "dot" => atomic(path.clone(), &|w| dot::write(graph, w))?,
        "csv" => {
            std::fs::create_dir_all(&path).map_err(|source| CommandError::File {
                path: path.clone(),
                source,
            })?;
            atomic(path.join("nodes.csv"), &|w| {
                neo4j_csv::write_nodes(graph, w)
            })?;
            atomic(path.join("edges.csv"), &|w| {
                neo4j_csv::write_edges(graph, w)
            })?;
        }
        _ => return Err(CommandError::Usage(USAGE)),
    }
    writeln!(
        out,
        "wrote {} as {format} to {}",
        render::size(graph),
        path.display()
    )?;
    Ok(Flow::Continue)
}

/// A file argument as typed: quoted (`"my file.json"`), or with spaces
/// escaped by a backslash as the file completer writes them.
fn path_arg(arg: &str) -> PathBuf {
    let unquoted = ['"', '\'']
        .iter()
        .find_map(|q| arg.strip_prefix(*q).and_then(|a| a.strip_suffix(*q)));
    match unquoted {
        Some(inner) => PathBuf::from(inner),
        None => PathBuf::from(arg.replace("\\ ", " ")),
    }
}

fn why(session: &mut Session, _: &str, out: &mut dyn Write) -> Result<Flow, CommandError> {
    let Some(result) = session.last_result() else {
        writeln!(
            out,
            "no result yet: run a query that returns relationships, then :why"
        )?;
        return Ok(Flow::Continue);
    };
    let edges = render::relationships(result);
    if edges.is_empty() {
        writeln!(
            out,
            "the last result holds no relationships; return them to see their evidence, e.g.\n  \
             MATCH (a)-[r:MET]-(b) RETURN a.name, b.name, r;"
        )?;
    } else {
        let width = session.width.map(usize::from);
        write!(out, "{}", render::why(session.graph(), &edges, width))?;
    }
    Ok(Flow::Continue)
}

fn last(session: &mut Session, arg: &str, out: &mut dyn Write) -> Result<Flow, CommandError> {
    let all = match arg {
        "" => false,
        "all" => true,
        _ => return Err(CommandError::Usage(":last [all]")),
    };
    session.print_page(all, out)?;
    Ok(Flow::Continue)
}

fn format(session: &mut Session, arg: &str, out: &mut dyn Write) -> Result<Flow, CommandError> {
    session.format = match arg {
        "table" => Format::Table,
        "json" => Format::Json,
        "csv" => Format::Csv,
        "" => {
            let now = match session.format {
                Format::Table => "table",
                Format::Json => "json",
                Format::Csv => "csv",
            };
            writeln!(out, "format: {now}")?;
            return Ok(Flow::Continue);
        }
        _ => return Err(CommandError::Usage(":format table|json|csv")),
    };
    Ok(Flow::Continue)
}

fn limit(session: &mut Session, arg: &str, out: &mut dyn Write) -> Result<Flow, CommandError> {
    match arg.parse::<usize>() {
        Ok(n) if n > 0 => session.row_limit = n,
        _ if arg.is_empty() => writeln!(out, "limit: {} rows", session.row_limit)?,
        _ => return Err(CommandError::Usage(":limit ROWS (a number above 0)")),
    }
    Ok(Flow::Continue)
}

fn timing(session: &mut Session, arg: &str, out: &mut dyn Write) -> Result<Flow, CommandError> {
    match arg {
        "on" => session.timing = true,
        "off" => session.timing = false,
        "" => writeln!(out, "timing: {}", if session.timing { "on" } else { "off" })?,
        _ => return Err(CommandError::Usage(":timing on|off")),
    }
    Ok(Flow::Continue)
}

fn param(session: &mut Session, arg: &str, _out: &mut dyn Write) -> Result<Flow, CommandError> {
    const USAGE: &str = ":param NAME => EXPRESSION, e.g. :param who => \"Yoshihiko Noda\"";
    let (name, text) = arg
        .split_once("=>")
        .map(|(n, t)| (n.trim().trim_start_matches('$'), t.trim()))
        .ok_or(CommandError::Usage(USAGE))?;
    let plain_name = name
        .chars()
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_alphanumeric() || c == '_');
    if !plain_name || text.is_empty() {
        return Err(CommandError::Usage(USAGE));
    }
    // The engine evaluates the expression, so a parameter means exactly
    // what the same expression means in a query.
    let src = format!("RETURN {text} AS value");
    let outcomes = session.run_cancellable(&src).map_err(CommandError::Query)?;
    let value = match outcomes.into_iter().next().map(|o| o.result) {
        Some(Ok(mut result)) => result
            .rows
            .pop()
            .and_then(|mut row| row.pop())
            .unwrap_or(Value::Null),
        Some(Err(e)) => return Err(CommandError::Query(session.describe_error(&src, &e, 1))),
        None => return Err(CommandError::Usage(USAGE)),
    };
    session.params.insert(
        name.to_owned(),
        Param {
            text: text.to_owned(),
            value,
        },
    );
    Ok(Flow::Continue)
}

fn params(session: &mut Session, _: &str, out: &mut dyn Write) -> Result<Flow, CommandError> {
    if session.params.is_empty() {
        writeln!(out, "no parameters: set one with :param NAME => EXPRESSION")?;
    }
    for (name, p) in &session.params {
        writeln!(out, ":param {name} => {}", p.text)?;
    }
    Ok(Flow::Continue)
}

fn quit(_: &mut Session, _: &str, _: &mut dyn Write) -> Result<Flow, CommandError> {
    Ok(Flow::Quit)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::{Graph, PartialDate, PropertyValue};
    use crate::query::value::{QueryResult, Stats};

    fn session() -> Session {
        let mut g = Graph::new();
        let hu = g.add_node(["Person"], [("name", PropertyValue::from("Hu Jintao"))]);
        let noda = g.add_node(
            ["Person"],
            [("name", PropertyValue::from("Yoshihiko Noda"))],
        );
        let date = PropertyValue::from(PartialDate::month(2011, 12).expect("a month"));
        let met = g
            .add_edge(
                hu,
                noda,
                "MET",
                [
                    ("sentence", PropertyValue::from("Hu met Noda.")),
                    ("doc", PropertyValue::from("seed")),
                    ("date", date),
                ],
            )
            .expect("both ends exist");
        let mut s = Session::new(g, None);
        s.last = Some(super::super::session::Last {
            result: QueryResult {
                columns: vec!["r".into()],
                rows: vec![vec![Value::Relationship(met)]],
                stats: Stats::default(),
            },
            shown: 1,
        });
        s
    }

    #[track_caller]
    fn check(line: &str, expect: expect_test::Expect) {
        let mut s = session();
        let mut out = Vec::new();
        let shown = match dispatch(&mut s, line, &mut out) {
            Ok(flow) => format!("{}{flow:?}", String::from_utf8_lossy(&out)),
            Err(e) => format!("error: {e}"),
        };
        expect.assert_eq(&shown);
    }

    #[test]
    fn why_schema_stats() {
        check(
            ":why",
            expect_test::expect![[r#"
                [1] Hu Jintao -[:MET]-> Yoshihiko Noda
                    "Hu met Noda."
                    doc: seed, date: 2011-12
                Continue"#]],
        );
        check(
            ":schema",
            expect_test::expect![[r#"
                labels:             Person 2
                relationship types: MET 1
                node keys:          name 2
                relationship keys:  sentence 1, doc 1, date 1
                patterns:
                  (:Person)-[:MET]->(:Person)  1
                Continue"#]],
        );
        check(
            ":stats",
            expect_test::expect![[r#"
                nodes:          2
                relationships:  1
                documents:      1
                file:           (none: :save FILE to keep it)
                unsaved:        no
                Continue"#]],
        );
    }

    #[test]
    fn errors_and_suggestions() {
        check(
            ":shema",
            expect_test::expect![
                "error: unknown command :shema (did you mean :schema?); :help lists the commands"
            ],
        );
        check(
            ":format yaml",
            expect_test::expect!["error: usage: :format table|json|csv"],
        );
        check(
            ":help exampels",
            expect_test::expect![
                "error: no help on exampels (did you mean examples?); :help lists the topics"
            ],
        );
        check(
            ":param 1x => 2",
            expect_test::expect![[
                r#"error: usage: :param NAME => EXPRESSION, e.g. :param who => "Yoshihiko Noda""#
            ]],
        );
        check(
            ":save",
            expect_test::expect!["error: usage: :save FILE (this graph came from no dump)"],
        );
        check(":quit", expect_test::expect!["Quit"]);
    }

    #[test]
    fn export_writes_every_format() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let mut s = session();
        for (format, file) in [
            ("triples", "g.jsonl"),
            ("json", "g.json"),
            ("graphml", "g.graphml"),
            ("dot", "g.dot"),
            ("csv", "csv"),
        ] {
            let path = dir.path().join(file);
            let mut out = Vec::new();
            dispatch(
                &mut s,
                &format!(":export {format} {}", path.display()),
                &mut out,
            )
            .expect("exported");
            assert!(path.exists(), "{format}");
        }
        assert!(dir.path().join("csv").join("edges.csv").is_file());
        let triples = std::fs::read_to_string(dir.path().join("g.jsonl")).expect("triples");
        assert!(
            triples.contains("\"sentence\":\"Hu met Noda.\""),
            "{triples}"
        );
        let err = dispatch(&mut s, ":export yaml x", &mut Vec::new()).map(|_| ());
        assert!(matches!(err, Err(CommandError::Usage(_))));
    }

    #[test]
    fn path_arguments() {
        assert_eq!(
            path_args(r#"a.txt "my dir" b\ c.jsonl  'd e'"#),
            ["a.txt", "my dir", "b c.jsonl", "d e"].map(PathBuf::from)
        );
    }

    #[test]
    fn load_refuses_to_drop_unsaved_changes() {
        let mut s = session();
        s.mark_changed();
        let err = dispatch(&mut s, ":load x.json", &mut Vec::new()).map(|_| ());
        assert!(matches!(err, Err(CommandError::Unsaved("load"))));
    }

    #[test]
    fn save_then_load_round_trips() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let file = dir.path().join("g.json");
        let mut s = session();
        s.mark_changed();
        dispatch(
            &mut s,
            &format!(":save {}", file.display()),
            &mut Vec::new(),
        )
        .expect("saved");
        assert!(!s.has_unsaved_changes());
        let mut out = Vec::new();
        dispatch(&mut s, &format!(":load \"{}\"", file.display()), &mut out).expect("loaded");
        assert!(String::from_utf8_lossy(&out).ends_with(": 2 nodes, 1 relationship\n"));
        assert!(s.last_result().is_none(), "ids of the old graph are gone");
    }
}
