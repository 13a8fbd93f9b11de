//! The command line: parses the forms of the contract (`spec/cli.md`),
//! dispatches to one module per command, owns the exit codes and renders
//! every error once, as one line prefixed by the program's name.

mod error;
mod export;
mod import;
mod ingest;
mod query;
mod repl;
mod show;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};

pub use error::Error;

/// Reads news articles into a knowledge graph and answers openCypher queries over it.
#[derive(Debug, Parser)]
#[command(name = "newsgraph", version, about, long_about = None)]
pub struct Cli {
    /// What to do; with none, opens the REPL on the bundled sample corpus.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The commands of the contract.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Open the REPL on a dump, or on articles ingested at start.
    Repl(ReplArgs),
    /// Read articles (.txt, .jsonl, folders, `-`) and write a graph dump.
    Ingest(IngestArgs),
    /// Run one query, or every `;`-separated statement on standard input.
    Query(QueryArgs),
    /// Write a graph in another format.
    Export(ExportArgs),
    /// Read a graph in the neo4j-admin CSV layout and write a dump.
    Import(ImportArgs),
    /// Draw what a query returns as a standalone SVG.
    Show(ShowArgs),
}

/// Arguments of `newsgraph repl`.
#[derive(Debug, Args, Default)]
pub struct ReplArgs {
    /// A graph dump, or article files and folders to ingest at start.
    pub paths: Vec<PathBuf>,
    /// Stop at the first failing statement when reading a script from standard input.
    #[arg(long)]
    pub fail_fast: bool,
}

/// Arguments of `newsgraph ingest`.
#[derive(Debug, Args)]
pub struct IngestArgs {
    /// Article files (.txt, .jsonl), folders (walked recursively) or `-` for standard input.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Where to write the graph dump.
    #[arg(short = 'o', long = "output", value_name = "GRAPH")]
    pub output: PathBuf,
    /// A dump to add the new articles to.
    #[arg(short = 'g', long = "graph", value_name = "GRAPH_IN")]
    pub graph: Option<PathBuf>,
    /// A folder of lexicon files that extend the bundled ones.
    #[arg(long, value_name = "DIR")]
    pub lexicon: Option<PathBuf>,
    /// Worker threads (default: all cores).
    #[arg(short = 'j', long)]
    pub threads: Option<usize>,
}

/// How query results are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum ResultFormat {
    /// Aligned columns for people.
    #[default]
    Table,
    /// One JSON object a statement (the contract of spec/cli.md).
    Json,
    /// Comma-separated values with a header row.
    Csv,
}

/// Arguments of `newsgraph query`.
#[derive(Debug, Args)]
pub struct QueryArgs {
    /// The graph dump to query (an empty graph without it).
    #[arg(short = 'g', long = "graph", value_name = "GRAPH")]
    pub graph: Option<PathBuf>,
    /// How to print results.
    #[arg(long, value_enum, default_value_t = ResultFormat::Table)]
    pub format: ResultFormat,
    /// Save changes back to the dump (atomically).
    #[arg(long, requires = "graph")]
    pub write: bool,
    /// Stop a statement that runs longer than this many seconds.
    #[arg(long, value_name = "SECONDS")]
    pub timeout: Option<f64>,
    /// Stop a statement whose rows, sorts, groups and lists would hold
    /// more than this many megabytes (default 2048).
    #[arg(long, value_name = "MB")]
    pub memory_limit: Option<u64>,
    /// A query parameter, `name=JSON` (repeatable), read as `$name`.
    #[arg(long = "param", value_name = "NAME=JSON")]
    pub params: Vec<String>,
    /// How many threads a statement may use on a graph of 50,000 nodes and
    /// relationships or more (default 1, at most 64).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=64))]
    pub threads: Option<u16>,
    /// The query; without it, statements are read from standard input.
    pub query: Option<String>,
}

/// Formats a whole graph can be exported to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// One edge a line as JSON (the contract's triples).
    Triples,
    /// The graph dump's JSON.
    Json,
    /// GraphML with typed keys (networkx, Gephi, yEd).
    Graphml,
    /// Graphviz DOT.
    Dot,
    /// neo4j-admin CSV: a folder with nodes.csv and edges.csv.
    Csv,
}

/// Arguments of `newsgraph export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The graph dump to export.
    #[arg(short = 'g', long = "graph", value_name = "GRAPH")]
    pub graph: PathBuf,
    /// The format to write.
    #[arg(long, value_enum)]
    pub format: ExportFormat,
    /// Where to write (standard output without it; a folder for csv).
    #[arg(short = 'o', long = "output", value_name = "OUT")]
    pub output: Option<PathBuf>,
}

/// Arguments of `newsgraph import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The nodes file (`id:ID,name,:LABEL,...`).
    #[arg(long, value_name = "NODES.csv")]
    pub nodes: PathBuf,
    /// The edges file (`:START_ID,:END_ID,:TYPE,...`).
    #[arg(long, value_name = "EDGES.csv")]
    pub edges: PathBuf,
    /// Where to write the graph dump.
    #[arg(short = 'o', long = "output", value_name = "GRAPH")]
    pub output: PathBuf,
}

/// Arguments of `newsgraph show`.
#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The graph dump to query.
    #[arg(short = 'g', long = "graph", value_name = "GRAPH")]
    pub graph: PathBuf,
    /// The query whose nodes, relationships and paths are drawn.
    pub query: String,
    /// Where to write the SVG.
    #[arg(short = 'o', long = "output", value_name = "FILE.svg")]
    pub output: PathBuf,
    /// Draw the dated edges along a time axis instead.
    #[arg(long)]
    pub timeline: bool,
}

/// Runs the command line and returns the process's exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(err) if err.is_broken_pipe() => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("newsgraph: {err}");
            ExitCode::from(err.exit_code())
        }
    }
}

/// Dispatches a parsed command line.
pub fn run(cli: Cli) -> Result<ExitCode, Error> {
    match cli.command {
        None => repl::run_sample(),
        Some(Command::Repl(args)) => repl::run(&args),
        Some(Command::Ingest(args)) => ingest::run(&args),
        Some(Command::Query(args)) => query::run(&args),
        Some(Command::Export(args)) => export::run(&args),
        Some(Command::Import(args)) => import::run(&args),
        Some(Command::Show(args)) => show::run(&args),
    }
}
