//! One REPL session: the graph, where it came from and whether it has
//! unsaved changes, the settings (`:format`, `:timing`, `:limit`), the
//! parameters, and the last result (for `:last` and `:why`).
//!
//! Statements run through `query::run` on a worker thread so that Ctrl-C
//! can cancel them; results are printed by `output` and the REPL's own `render`.
//! Meta-commands (in [`super::commands`]) reach the session through the
//! methods here.

use std::io::{self, Write};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::Duration;

use indexmap::IndexMap;

use super::complete::{FUNCTIONS, KEYWORDS};
use super::highlight::CONTINUATION_INDENT;
use super::lex::{self, Kind};
use super::render;
use super::schema::Schema;
use super::signal;
use super::suggest;
use crate::extract::IngestReport;
use crate::graph::{Graph, NAME_KEY};
use crate::lexicon::Lexicon;
use crate::output;
use crate::query::error::{ErrorCode, ErrorKind, QueryError};
use crate::query::value::{QueryResult, Value};
use crate::query::{self, RunOptions, StatementOutcome};

/// How results are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Aligned columns with a footer, cut at the row limit.
    Table,
    /// One JSON object a statement, as `newsgraph query --format json`.
    Json,
    /// Comma-separated values with a header row.
    Csv,
}

/// Rows shown at once before `:last` pages on.
pub const DEFAULT_ROW_LIMIT: usize = 100;

/// Deep variable-length matches recurse; the worker gets room for them.
const QUERY_STACK: usize = 256 << 20;

/// How often the waiting loop looks for a Ctrl-C.
const POLL: Duration = Duration::from_millis(20);

/// A result kept for `:last` and `:why`.
#[derive(Debug, Clone)]
pub struct Last {
    /// The rows.
    pub result: QueryResult,
    /// How many rows have been printed from the top.
    pub shown: usize,
}

/// A parameter: the expression as typed and its value.
#[derive(Debug, Clone)]
pub struct Param {
    /// The expression after `=>`.
    pub text: String,
    /// What it evaluated to.
    pub value: Value,
}

/// The state of one REPL session.
pub struct Session {
    pub(super) graph: Graph,
    /// The dump the graph was loaded from or last saved to.
    pub(super) file: Option<PathBuf>,
    /// Whether the graph changed since it was loaded or saved.
    pub(super) dirty: bool,
    /// Bumped on every change of the graph, so the completer's schema can
    /// be refreshed only when needed.
    pub(super) generation: u64,
    pub(super) format: Format,
    pub(super) timing: bool,
    pub(super) row_limit: usize,
    pub(super) params: IndexMap<String, Param>,
    pub(super) last: Option<Last>,
    /// Built on the first `:ingest`.
    lexicon: Option<Lexicon>,
    /// The schema and the generation it was read at.
    schema: Option<(u64, Arc<Schema>)>,
    /// The terminal's width, when there is a terminal: tables wrap long
    /// cells to fit it.
    pub(super) width: Option<u16>,
}

impl Session {
    /// A session on `graph`, read from `file` when it is a dump.
    pub fn new(graph: Graph, file: Option<PathBuf>) -> Session {
        Session {
            graph,
            file,
            dirty: false,
            generation: 0,
            format: Format::Table,
            timing: true,
            row_limit: DEFAULT_ROW_LIMIT,
            params: IndexMap::new(),
            last: None,
            lexicon: None,
            schema: None,
            width: None,
        }
    }

    /// The graph.
    pub fn graph(&self) -> &Graph {
        &self.graph
    }

    /// The last statement's result that had columns, for commands that
    /// work on it (`:why`, `:last`, and pictures).
    pub fn last_result(&self) -> Option<&QueryResult> {
        self.last.as_ref().map(|l| &l.result)
    }

    /// Whether the graph has changes that were not saved.
    pub fn has_unsaved_changes(&self) -> bool {
        self.dirty
    }

    /// Marks the graph as changed by a command.
    pub fn mark_changed(&mut self) {
        self.dirty = true;
        self.generation += 1;
    }

    /// Puts `graph` in place of the session's graph, as read from `file`;
    /// the last result, whose ids named the old graph's nodes, goes.
    pub fn replace_graph(&mut self, graph: Graph, file: Option<PathBuf>) {
        self.graph = graph;
        self.file = file;
        self.dirty = false;
        self.last = None;
        self.generation += 1;
    }

    /// Reads articles into the graph with the bundled lexicon.
    pub fn ingest(&mut self, paths: &[PathBuf]) -> IngestReport {
        let lexicon = self.lexicon.get_or_insert_with(Lexicon::bundled);
        let report = crate::extract::ingest_paths(&mut self.graph, paths, lexicon, None);
        if report.articles > 0 {
            self.mark_changed();
        }
        report
    }

    /// Records that the graph was saved to `file`.
    pub fn saved_to(&mut self, file: PathBuf) {
        self.file = Some(file);
        self.dirty = false;
    }

    /// The schema of the graph, for completion, notes and `:schema`; read
    /// again only after the graph changed (it walks every node and edge).
    pub fn schema(&mut self) -> Arc<Schema> {
        match &self.schema {
            Some((generation, schema)) if *generation == self.generation => Arc::clone(schema),
            _ => {
                let schema = Arc::new(Schema::of(&self.graph));
                self.schema = Some((self.generation, Arc::clone(&schema)));
                schema
            }
        }
    }

    /// Bumped whenever the graph changes.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// The parameter values, as the engine takes them.
    pub fn param_values(&self) -> IndexMap<String, Value> {
        self.params
            .iter()
            .map(|(k, p)| (k.clone(), p.value.clone()))
            .collect()
    }

    /// Runs the statements of `src` (as typed at the prompt, or from line
    /// `first_line` of a script), prints each result to `out` and each
    /// error to `err`, and tells whether all succeeded.
    pub fn execute(
        &mut self,
        src: &str,
        first_line: usize,
        out: &mut dyn Write,
        err: &mut dyn Write,
    ) -> io::Result<bool> {
        let src = src.replace(&format!("\n{CONTINUATION_INDENT}"), "\n");
        let outcomes = match self.run_cancellable(&src) {
            Ok(outcomes) => outcomes,
            Err(message) => {
                writeln!(err, "{message}")?;
                return Ok(false);
            }
        };
        let mut ok = true;
        let mut wrote = false;
        for outcome in &outcomes {
            match &outcome.result {
                Ok(result) => {
                    if render::wrote(&result.stats) {
                        wrote = true;
                        self.mark_changed();
                    }
                    self.print_result(&src, outcome, out)?;
                }
                Err(e) => {
                    ok = false;
                    writeln!(err, "{}", self.describe_error(&src, e, first_line))?;
                }
            }
        }
        // Notes compare with the schema the query ran against, which is
        // the schema now when nothing was written.
        if !wrote && self.graph.node_count() > 0 {
            let schema = self.schema();
            for note in unknown_names(&src, &schema) {
                writeln!(err, "{note}")?;
            }
        }
        Ok(ok)
    }

    /// Runs `src` through the engine on a worker thread, passing Ctrl-C on
    /// as the engine's cancel flag.
    pub fn run_cancellable(&mut self, src: &str) -> Result<Vec<StatementOutcome>, String> {
        let cancel = Arc::new(AtomicBool::new(false));
        let options = RunOptions {
            params: self.param_values(),
            cancel: Some(Arc::clone(&cancel)),
            ..RunOptions::default()
        };
        // A Ctrl-C pressed before this statement is not meant for it.
        signal::take();
        let graph = &mut self.graph;
        std::thread::scope(|scope| {
            let (done, finished) = mpsc::channel();
            let worker = std::thread::Builder::new()
                .name("query".into())
                .stack_size(QUERY_STACK)
                .spawn_scoped(scope, move || {
                    let outcomes = query::run(graph, src, &options);
                    let _ = done.send(());
                    outcomes
                })
                .map_err(|e| format!("cannot start the query: {e}"))?;
            while let Err(mpsc::RecvTimeoutError::Timeout) = finished.recv_timeout(POLL) {
                if signal::take() {
                    cancel.store(true, Ordering::SeqCst);
                }
            }
            worker.join().map_err(|_| {
                "internal error: the query engine stopped unexpectedly; \
                 the graph may hold part of the statement's changes"
                    .to_owned()
            })
        })
    }

    /// Prints one statement's result in the session's format.
    fn print_result(
        &mut self,
        src: &str,
        outcome: &StatementOutcome,
        out: &mut dyn Write,
    ) -> io::Result<()> {
        let Ok(result) = &outcome.result else {
            return Ok(());
        };
        match self.format {
            Format::Json => {
                let mut w = io::BufWriter::new(&mut *out);
                output::json::write_statement(&mut w, &self.graph, &outcome.result, src)?;
                w.flush()?;
            }
            Format::Csv => output::csv::write(&mut *out, &self.graph, result)?,
            Format::Table if result.columns.is_empty() => {
                let mut line = output::table::describe_stats(&result.stats)
                    .unwrap_or_else(|| "no changes".to_owned());
                if self.timing {
                    line.push_str(&format!(" in {}", render::elapsed(result.stats.elapsed_us)));
                }
                writeln!(out, "{line}")?;
            }
            Format::Table => {
                self.last = Some(Last {
                    result: result.clone(),
                    shown: 0,
                });
                self.print_page(false, out)?;
                return Ok(());
            }
        }
        if !result.columns.is_empty() {
            self.last = Some(Last {
                result: result.clone(),
                shown: result.rows.len(),
            });
        }
        Ok(())
    }

    /// Prints the next page of the last result (all remaining rows with
    /// `all`), starting over at the top once every row was shown.
    pub fn print_page(&mut self, all: bool, out: &mut dyn Write) -> io::Result<()> {
        let limit = self.row_limit;
        let timing = self.timing;
        let Some(last) = self.last.as_mut() else {
            return writeln!(out, "no result yet: run a query first");
        };
        let total = last.result.rows.len();
        if last.shown >= total && total > 0 {
            last.shown = 0;
        }
        let first = last.shown;
        let count = if all {
            total - first
        } else {
            limit.min(total - first)
        };
        let page = QueryResult {
            columns: last.result.columns.clone(),
            rows: last.result.rows[first..first + count].to_vec(),
            stats: last.result.stats,
        };
        last.shown = first + count;
        writeln!(out, "{}", table(&self.graph, &page, self.width))?;
        // Time belongs to the statement; a later page shows none.
        writeln!(
            out,
            "{}",
            render::footer(total, first, count, &page.stats, timing && first == 0)
        )
    }

    /// An error with its line and caret, and a "did you mean" when the
    /// error names an unknown function.
    pub fn describe_error(&self, src: &str, e: &QueryError, first_line: usize) -> String {
        if e.code == ErrorCode::Cancelled {
            // Over the `^C` that the terminal echoed.
            return "\rcancelled".to_owned();
        }
        let mut text = render::error(src, e, first_line);
        let found = src.get(e.span.range()).unwrap_or("").trim();
        let word = !found.is_empty() && found.chars().all(|c| c.is_alphanumeric() || c == '_');
        if e.kind() == ErrorKind::SyntaxError
            && word
            && !KEYWORDS.iter().any(|k| k.eq_ignore_ascii_case(found))
            && let Some(best) = suggest::closest(&found.to_uppercase(), KEYWORDS.iter().copied())
        {
            text.push_str(&format!("\ndid you mean {best}?"));
        }
        if e.code == ErrorCode::UnknownFunction {
            let name = src.get(e.span.range()).unwrap_or("");
            let name = name.split('(').next().unwrap_or(name).trim();
            let known = FUNCTIONS
                .iter()
                .copied()
                .filter(|f| query::functions::exists(f));
            if let Some(best) = suggest::closest(name, known) {
                text.push_str(&format!("\ndid you mean {best}()?"));
            }
        }
        text
    }
}

/// What an ingest read, for people: `1 article (22 sentences) in 0.05 s`.
pub fn ingested(report: &IngestReport) -> String {
    format!(
        "{} ({}) in {:.2} s",
        render::count(report.articles, "article"),
        render::count(report.sentences, "sentence"),
        report.seconds
    )
}

/// The index in `all` of the token `t` (found among the significant ones).
fn bar_index(all: &[lex::Token], t: lex::Token) -> usize {
    all.iter().position(|a| a.start == t.start).unwrap_or(0)
}

/// The rows of `result` as aligned columns, cells as `output` writes them,
/// in the style of `query --format table`; the footer is the REPL's own
/// (it knows about pages and time). With a `width`, long cells wrap so
/// that the table fits the terminal.
fn table(graph: &Graph, result: &QueryResult, width: Option<u16>) -> String {
    let mut table = comfy_table::Table::new();
    table.load_style(comfy_table::presets::UTF8_FULL_CONDENSED);
    if let Some(width) = width {
        table
            .set_width(width)
            .set_content_arrangement(comfy_table::ContentArrangement::Dynamic);
    }
    table.set_header(result.columns.iter().map(String::as_str));
    for row in &result.rows {
        table.add_row(row.iter().map(|v| output::table::cell(graph, v)));
    }
    table.to_string()
}

/// Notes for labels, relationship types and property keys that the query
/// names but the graph does not have, with the closest one that it has.
/// A query may legitimately ask for what is absent (it then finds
/// nothing), so these are notes, not errors, and they are only given for
/// queries that changed nothing.
pub fn unknown_names(src: &str, schema: &Schema) -> Vec<String> {
    let tokens: Vec<lex::Token> = lex::tokens(src)
        .into_iter()
        .filter(|t| !t.is_trivia())
        .collect();
    let all = lex::tokens(src);
    let mut notes = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (i, t) in tokens.iter().enumerate() {
        if !matches!(t.kind, Kind::Word | Kind::Backtick { closed: true }) || i == 0 {
            continue;
        }
        let name = t.text(src).trim_matches('`');
        let prev = tokens[i - 1];
        // The bracket around the token decides what a `:` introduces.
        let upto = all.iter().take_while(|a| a.start < t.start).count();
        let open = lex::brackets(&all[..upto]).open;
        let bracket = |back: usize| {
            let at = open.len().checked_sub(back + 1).and_then(|i| open.get(i))?;
            src[*at..].chars().next()
        };
        let enclosing = bracket(0);
        // A map is a property map only inside a node or relationship pattern.
        let pattern_map = enclosing == Some('{') && matches!(bracket(1), Some('(' | '['));
        let (what, known): (&str, Vec<&str>) = match (prev.kind, enclosing) {
            (Kind::Punct(':'), Some('{')) => continue,
            (Kind::Punct('|'), _) if !lex::is_type_bar(src, &all, bar_index(&all, prev)) => {
                continue;
            }
            (Kind::Punct(':' | '|'), Some('[')) => {
                ("relationship type", schema.type_names().collect())
            }
            (Kind::Punct(':'), _) => ("label", schema.label_names().collect()),
            (Kind::Punct('.'), _) if i >= 2 && tokens[i - 2].kind == Kind::Word => {
                ("property key", schema.keys().collect())
            }
            (Kind::Punct('{' | ','), _) if pattern_map => ("property key", schema.keys().collect()),
            _ => continue,
        };
        if known.contains(&name) || !seen.insert((what, name.to_owned())) {
            continue;
        }
        let sigil = match what {
            "property key" => ".",
            _ => ":",
        };
        let note = match suggest::closest(name, known.iter().copied()) {
            Some(best) => {
                format!("note: the graph has no {what} {sigil}{name}; did you mean {sigil}{best}?")
            }
            None => format!("note: the graph has no {what} {sigil}{name}"),
        };
        notes.push(note);
    }
    notes.extend(unknown_entities(src, &tokens, schema));
    notes
}

/// Notes for strings given as a node's name (`{name: "..."}` or
/// `.name = "..."`) that no node has as its name or an alias.
fn unknown_entities(src: &str, tokens: &[lex::Token], schema: &Schema) -> Vec<String> {
    let mut notes = Vec::new();
    for (i, t) in tokens.iter().enumerate() {
        if t.kind != (Kind::String { closed: true }) || i < 2 {
            continue;
        }
        let names_a_node = matches!(tokens[i - 1].kind, Kind::Punct(':' | '='))
            && tokens[i - 2].kind == Kind::Word
            && tokens[i - 2].text(src) == NAME_KEY;
        let text = t.text(src);
        let value = text.get(1..text.len() - 1).unwrap_or("");
        // An escaped string would need the parser's unescaping to compare.
        if !names_a_node || value.contains('\\') || schema.names.iter().any(|n| n == value) {
            continue;
        }
        let note = match suggest::closest(value, schema.names.iter().map(String::as_str)) {
            Some(best) => format!("note: no node is named \"{value}\"; did you mean \"{best}\"?"),
            None => format!("note: no node is named \"{value}\""),
        };
        if !notes.contains(&note) {
            notes.push(note);
        }
    }
    notes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema() -> Schema {
        Schema {
            labels: vec![("Person".into(), 3), ("Country".into(), 2)],
            types: vec![("MET".into(), 2), ("VISITED".into(), 1)],
            node_keys: vec![("name".into(), 6)],
            edge_keys: vec![("sentence".into(), 3), ("date".into(), 3)],
            shapes: vec![],
            names: vec!["Hu Jintao".into(), "Yoshihiko Noda".into()],
        }
    }

    #[test]
    fn notes_for_misspelled_entities() {
        assert_eq!(
            unknown_names(
                "MATCH (a {name: 'Yoshihko Noda'}) WHERE a.name = \"Hu Jintao\" OR a.name = 'Nobody' RETURN a",
                &schema()
            ),
            [
                "note: no node is named \"Yoshihko Noda\"; did you mean \"Yoshihiko Noda\"?",
                "note: no node is named \"Nobody\"",
            ]
        );
    }

    #[test]
    fn notes_for_misspelled_names() {
        let notes = unknown_names(
            "MATCH (a:Persn)-[r:MEET|VISITED]->(b {nmae: 'x'}) WHERE a:Country RETURN r.sentense, b.name",
            &schema(),
        );
        assert_eq!(
            notes,
            [
                "note: the graph has no label :Persn; did you mean :Person?",
                "note: the graph has no relationship type :MEET; did you mean :MET?",
                "note: the graph has no property key .nmae; did you mean .name?",
                "note: the graph has no property key .sentense; did you mean .sentence?",
            ]
        );
        assert!(unknown_names("MATCH (a:Topic) RETURN a", &schema())[0].ends_with(":Topic"));
        assert!(unknown_names("RETURN {k: 1}.k, 'a:b'", &schema()).is_empty());
        assert!(unknown_names("RETURN [n IN nodes(p) | n.name]", &schema()).is_empty());
    }
}
