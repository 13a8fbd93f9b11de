//! `newsgraph ingest`: read articles, extract in parallel, merge in
//! document order, write the dump atomically, and say what was done.
//!
//! Unreadable paths and bad files (binary, empty, not UTF-8) do not stop
//! the run: the graph of everything else is written first, then each error
//! is printed and the exit status is 1. A `.jsonl` line without a `text`
//! is only a warning (a folder may hold its gold file beside the articles).

use std::io::IsTerminal;
use std::process::ExitCode;
use std::time::Instant;

use indicatif::{ProgressBar, ProgressStyle};

use super::{Error, IngestArgs};
use crate::extract;
use crate::files::articles;
use crate::graph::{Graph, dump};
use crate::lexicon::Lexicon;

/// Loads the bundled lexicon, extended by the tables of `dir`.
pub fn load_lexicon(dir: Option<&std::path::Path>) -> Result<Lexicon, Error> {
    match dir {
        None => Ok(Lexicon::bundled()),
        Some(dir) => {
            let tables = articles::read_tables(dir).map_err(|source| Error::Io {
                path: dir.to_path_buf(),
                source,
            })?;
            let tables: Vec<(String, String)> = tables
                .into_iter()
                .filter(|(name, _)| {
                    crate::lexicon::TABLES.contains(&name.as_str()) || name == "given_names.tsv"
                })
                .collect();
            Lexicon::from_tables(&tables)
                .map_err(|e| Error::Message(format!("{}/{e}", dir.display())))
        }
    }
}

/// Runs `newsgraph ingest`.
pub fn run(args: &IngestArgs) -> Result<ExitCode, Error> {
    let started = Instant::now();
    let lexicon = load_lexicon(args.lexicon.as_deref())?;
    let mut graph = match &args.graph {
        Some(path) => dump::load(path)?,
        None => Graph::new(),
    };
    let (arts, warnings, errors) = articles::read_paths(&args.paths);
    for w in &warnings {
        eprintln!("newsgraph: warning: {w}");
    }
    let bar = if std::io::stderr().is_terminal() {
        let bar = ProgressBar::new(arts.len() as u64);
        if let Ok(style) = ProgressStyle::with_template("{bar:40} {pos}/{len} articles {elapsed}") {
            bar.set_style(style);
        }
        Some(bar)
    } else {
        None
    };
    let tick = || {
        if let Some(b) = &bar {
            b.inc(1);
        }
    };
    let facts = extract::extract_all_with(&lexicon, &arts, args.threads, &tick);
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    crate::graph::merge::merge(&mut graph, &facts);
    dump::save(&graph, &args.output)?;
    let sentences: usize = facts.iter().map(|f| f.sentences).sum();
    let by_type: Vec<String> = graph
        .edge_types()
        .map(|(t, n)| format!("{t} {n}"))
        .collect();
    eprintln!(
        "newsgraph: ingested {} articles, {} sentences: {} nodes, {} edges ({}) in {:.2} s",
        arts.len(),
        sentences,
        graph.node_count(),
        graph.edge_count(),
        if by_type.is_empty() {
            "none".to_string()
        } else {
            by_type.join(", ")
        },
        started.elapsed().as_secs_f64()
    );
    let bad = warnings.iter().filter(|w| w.bad_input).count();
    if errors.is_empty() && bad == 0 {
        Ok(ExitCode::SUCCESS)
    } else {
        for e in &errors {
            eprintln!("newsgraph: {e}");
        }
        Ok(ExitCode::from(1))
    }
}
