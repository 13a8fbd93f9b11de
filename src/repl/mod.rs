//! The interactive shell: a rustyline loop over one graph, where analysts
//! ask who met whom. It is a thin adapter: statements go to `query::run`,
//! tables to `output`, files to `graph::dump` and `extract`; the REPL adds
//! editing, completion, colours, history, meta-commands and the evidence
//! view (`:why`), and no query semantics of its own.
//!
//! With standard input not a terminal, the same session reads a script:
//! statements and `:commands` run in order, with no prompt and no colour.

pub mod commands;
mod complete;
mod helper;
mod highlight;
mod input;
mod lex;
mod render;
mod schema;
pub mod session;
mod signal;
mod suggest;

use std::env;
use std::io::{self, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use rustyline::error::ReadlineError;
use rustyline::history::FileHistory;
use rustyline::{
    ColorMode, CompletionType, Config, Editor, EventHandler, KeyCode, KeyEvent, Modifiers,
};

use crate::extract as ingest;
use crate::files::articles::Article;
use crate::graph::Graph;
use crate::lexicon::Lexicon;
use crate::text::Meta;
use commands::{CommandError, Flow};
use helper::{ContinueLine, ReplHelper};
pub use session::Session;

/// What graph the REPL opens.
#[derive(Debug, Clone)]
pub enum Start {
    /// The bundled sample corpus, ingested at start (bare `newsgraph`).
    Sample,
    /// An empty graph.
    Empty,
    /// A graph dump (`.json`) and/or article files and folders to ingest.
    Paths(Vec<PathBuf>),
}

/// How the REPL starts.
#[derive(Debug, Clone)]
pub struct Options {
    /// The graph to open.
    pub start: Start,
    /// In a script, stop at the first failing statement or command.
    pub fail_fast: bool,
}

/// Why the REPL could not start or go on.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The graph to open could not be read.
    #[error("{0}")]
    Open(String),
    /// The terminal failed.
    #[error("terminal: {0}")]
    Terminal(#[from] ReadlineError),
    /// Reading the script or writing results failed.
    #[error(transparent)]
    Io(#[from] io::Error),
}

/// How a REPL session ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// Everything ran (or the person left).
    Done,
    /// A statement or command of the script failed.
    Failed,
}

/// Opens the graph and runs the REPL, or the script on standard input.
pub fn run(options: &Options) -> Result<Ending, Error> {
    let interactive = io::stdin().is_terminal();
    let (graph, file, origin) = match &options.start {
        Start::Sample => sample()?,
        Start::Empty => (Graph::new(), None, "an empty graph".to_owned()),
        Start::Paths(paths) => open(paths)?,
    };
    let mut session = Session::new(graph, file);
    if interactive {
        interact(&mut session, &origin)
    } else {
        let mut script = String::new();
        io::stdin().read_to_string(&mut script)?;
        run_script(&mut session, &script, options.fail_fast)
    }
}

/// The graph to start with, the dump it came from, and a phrase saying
/// where it came from: a dump (`.json`) and the articles to add to it.
fn open(paths: &[PathBuf]) -> Result<(Graph, Option<PathBuf>, String), Error> {
    let (dumps, articles): (Vec<&PathBuf>, Vec<&PathBuf>) = paths
        .iter()
        .partition(|p| p.extension().is_some_and(|e| e == "json"));
    if dumps.len() > 1 {
        let others: Vec<String> = dumps[1..].iter().map(|d| d.display().to_string()).collect();
        return Err(Error::Open(format!(
            "{}: one graph dump at a time (also given: {})",
            dumps[0].display(),
            others.join(", ")
        )));
    }
    let (mut graph, file) = match dumps.first() {
        Some(dump) => (
            crate::graph::dump::load(dump).map_err(|e| Error::Open(e.to_string()))?,
            Some((*dump).clone()),
        ),
        None => (Graph::new(), None),
    };
    let mut origin = file
        .as_ref()
        .map_or_else(|| "an empty graph".to_owned(), |f| f.display().to_string());
    if !articles.is_empty() {
        let articles: Vec<PathBuf> = articles.into_iter().cloned().collect();
        let report = ingest::ingest_paths(&mut graph, &articles, &Lexicon::bundled(), None);
        fail_on_errors(&report)?;
        origin = if file.is_some() {
            format!("{origin} and {}", session::ingested(&report))
        } else {
            session::ingested(&report)
        };
    }
    Ok((graph, file, origin))
}

/// The bundled sample, ingested.
fn sample() -> Result<(Graph, Option<PathBuf>, String), Error> {
    let mut graph = Graph::new();
    let lexicon = Lexicon::bundled();
    let (report, origin) = match sample_dir() {
        Some(dir) => (
            ingest::ingest_paths(&mut graph, std::slice::from_ref(&dir), &lexicon, None),
            format!("the bundled sample ({})", dir.display()),
        ),
        None => {
            let seed = Article {
                id: "seed".to_owned(),
                text: SEED.to_owned(),
                meta: Meta::default(),
            };
            let report = ingest::ingest_articles(&mut graph, &[seed], &lexicon, None);
            (report, "the bundled sample (built in)".to_owned())
        }
    };
    fail_on_errors(&report)?;
    Ok((graph, None, origin))
}

/// The seed article, for a binary that finds no `data/sample` folder.
const SEED: &str = include_str!("../../data/sample/seed.txt");

/// The sample corpus: `data/sample` of the crate this binary was built
/// from, else a `data/sample` beside the binary or up to three folders
/// above it (a copied or installed build).
fn sample_dir() -> Option<PathBuf> {
    let built = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("data")
        .join("sample");
    if built.is_dir() {
        return Some(built);
    }
    let exe = env::current_exe().ok()?;
    exe.ancestors()
        .skip(1)
        .take(4)
        .map(|d| d.join("data").join("sample"))
        .find(|d| d.is_dir())
}

/// Warnings go to standard error; an unreadable path stops the start, as
/// it stops `newsgraph ingest`.
fn fail_on_errors(report: &ingest::IngestReport) -> Result<(), Error> {
    for warning in &report.warnings {
        eprintln!("newsgraph: warning: {warning}");
    }
    match report.errors.first() {
        Some(first) => Err(Error::Open(first.clone())),
        None => Ok(()),
    }
}

/// Where history is kept: `$NEWSGRAPH_HISTORY` (empty: nowhere), else
/// `$XDG_DATA_HOME/newsgraph/history`, else
/// `~/.local/share/newsgraph/history`.
fn history_path() -> Option<PathBuf> {
    if let Some(path) = env::var_os("NEWSGRAPH_HISTORY") {
        return (!path.is_empty()).then(|| PathBuf::from(path));
    }
    let data = env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| {
            env::var_os("HOME")
                .filter(|h| !h.is_empty())
                .map(|h| PathBuf::from(h).join(".local").join("share"))
        })?;
    Some(data.join("newsgraph").join("history"))
}

/// Whether to colour: standard output is a terminal that takes colours and
/// the person did not ask for none (`NO_COLOR`). Colours stay off the
/// output of scripts and pipes in any case.
fn use_colour() -> bool {
    io::stdout().is_terminal()
        && env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        && env::var("TERM").map_or(true, |t| t != "dumb")
}

/// The interactive loop.
fn interact(session: &mut Session, origin: &str) -> Result<Ending, Error> {
    signal::install();
    let colour = use_colour();
    let config = Config::builder()
        .auto_add_history(false)
        .max_history_size(10_000)?
        .history_ignore_space(false)
        .completion_type(CompletionType::List)
        // The highlighter also draws the continuation marker, so it runs on
        // every terminal (rustyline would skip it under NO_COLOR); it leaves
        // colours out itself when `colour` is false.
        .color_mode(if io::stdout().is_terminal() {
            ColorMode::Forced
        } else {
            ColorMode::Disabled
        })
        .build();
    let mut editor: Editor<ReplHelper, FileHistory> = Editor::with_config(config)?;
    let asking = Arc::new(AtomicBool::new(false));
    let functions = complete::FUNCTIONS
        .iter()
        .copied()
        .filter(|f| crate::query::functions::exists(f))
        .collect();
    editor.set_helper(Some(ReplHelper::new(
        commands::completion_table(),
        functions,
        Arc::clone(&asking),
        colour,
    )));
    // Enter, and Ctrl-J (a line feed, which is what pasted text and many
    // terminal drivers send), start a continuation line on an unfinished
    // statement.
    for key in [
        KeyEvent(KeyCode::Enter, Modifiers::NONE),
        KeyEvent::ctrl('J'),
    ] {
        editor.bind_sequence(
            key,
            EventHandler::Conditional(Box::new(ContinueLine::new(Arc::clone(&asking)))),
        );
    }
    let history = history_path();
    if let Some(path) = &history {
        // A first session has no history file yet; that is not an error.
        let _ = editor.load_history(path);
    }
    let mut out = io::stdout();
    writeln!(
        out,
        "newsgraph {}: {} from {origin}.\n\
         End statements with ;  :help for help, :help examples for who met whom, Ctrl-D to leave.",
        env!("CARGO_PKG_VERSION"),
        render::size(session.graph()),
    )?;
    let mut seen_generation = None;
    loop {
        if seen_generation != Some(session.generation()) {
            seen_generation = Some(session.generation());
            let schema = session.schema();
            if let Some(h) = editor.helper_mut() {
                h.set_schema(schema);
            }
        }
        let text = match editor.readline(highlight::PROMPT) {
            Ok(text) => text,
            // Ctrl-C at the prompt drops what was typed; rustyline already
            // left the line on screen, and a fresh prompt follows.
            Err(ReadlineError::Interrupted) => continue,
            Err(ReadlineError::Eof) => {
                if confirm_quit(session, &mut editor, &asking)? {
                    break;
                }
                continue;
            }
            Err(e) => return Err(e.into()),
        };
        if text.trim().is_empty() {
            continue;
        }
        let _ = editor.add_history_entry(text.as_str());
        if let Some(path) = &history {
            save_history(&mut editor, path);
        }
        // A pseudo-terminal that reports no size says 0 columns.
        session.width = editor
            .dimensions()
            .map(|(columns, _)| columns)
            .filter(|c| *c >= 20);
        let flow = if text.trim_start().starts_with(':') {
            let flow = run_command(session, &text, &mut out, &mut io::stdout())?;
            // Parameters are completed after `$`.
            if let Some(h) = editor.helper_mut() {
                h.set_params(session.params.keys().cloned().collect());
            }
            flow
        } else {
            session.execute(&text, 1, &mut out, &mut io::stdout())?;
            Flow::Continue
        };
        out.flush()?;
        if flow == Flow::Quit && confirm_quit(session, &mut editor, &asking)? {
            break;
        }
    }
    Ok(Ending::Done)
}

/// Keeps history across sessions, creating its folder the first time.
/// History is a convenience: when it cannot be written the session goes
/// on, and says so once.
fn save_history(editor: &mut Editor<ReplHelper, FileHistory>, path: &std::path::Path) {
    static WARNED: AtomicBool = AtomicBool::new(false);
    let result = path
        .parent()
        .map_or(Ok(()), std::fs::create_dir_all)
        .map_err(ReadlineError::from)
        .and_then(|()| editor.save_history(path));
    if let Err(e) = result
        && !WARNED.swap(true, Ordering::Relaxed)
    {
        eprintln!("newsgraph: history is not kept: {}: {e}", path.display());
    }
}

/// Whether to leave: yes without unsaved changes, else when the person
/// says so (or presses Ctrl-D again).
fn confirm_quit(
    session: &Session,
    editor: &mut Editor<ReplHelper, FileHistory>,
    asking: &AtomicBool,
) -> Result<bool, Error> {
    if !session.has_unsaved_changes() {
        return Ok(true);
    }
    asking.store(true, Ordering::SeqCst);
    let answer = editor
        .readline("The graph has unsaved changes (:save FILE keeps them). Leave anyway? [y/N] ");
    asking.store(false, Ordering::SeqCst);
    match answer {
        Ok(a) => Ok(matches!(a.trim().to_lowercase().as_str(), "y" | "yes")),
        Err(ReadlineError::Eof) => Ok(true),
        Err(ReadlineError::Interrupted) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// Runs a `:command`, printing its error (a failed command never ends the
/// session); tells the loop what to do next.
fn run_command(
    session: &mut Session,
    line: &str,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<Flow, Error> {
    match commands::dispatch(session, line, out) {
        Ok(flow) => Ok(flow),
        Err(CommandError::Output(e)) => Err(e.into()),
        Err(e) => {
            writeln!(err, "{e}")?;
            Ok(Flow::Continue)
        }
    }
}

/// Runs a script: its statements and commands in order, results on
/// standard output, errors on standard error.
fn run_script(session: &mut Session, script: &str, fail_fast: bool) -> Result<Ending, Error> {
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let mut err = io::stderr();
    let mut ending = Ending::Done;
    for unit in input::script_units(script) {
        let ok = match &unit.unit {
            input::Unit::Command(line) => match commands::dispatch(session, line, &mut out) {
                Ok(Flow::Quit) => break,
                Ok(Flow::Continue) => true,
                Err(CommandError::Output(e)) => return Err(e.into()),
                Err(e) => {
                    out.flush()?;
                    writeln!(err, "newsgraph: line {}: {e}", unit.line)?;
                    false
                }
            },
            input::Unit::Statements(text) => {
                let mut errors = Vec::new();
                let ok = session.execute(text, unit.line, &mut out, &mut errors)?;
                out.flush()?;
                err.write_all(&errors)?;
                ok
            }
        };
        if !ok {
            ending = Ending::Failed;
            if fail_fast {
                break;
            }
        }
    }
    out.flush()?;
    Ok(ending)
}
