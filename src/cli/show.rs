//! `newsgraph show`: runs a query on a graph dump and draws every node,
//! relationship and path it returns as a standalone SVG, or with
//! `--timeline` its dated relationships along a time axis.
//!
//! The dump is only read: a query that changes the graph is drawn but not
//! saved. The picture is replaced whole or not at all.

use std::process::ExitCode;

use super::{Error, ShowArgs};
use crate::files::atomic::write_atomic;
use crate::graph::dump;
use crate::query::{self, RunOptions};
use crate::show::{self, Options, Scene};
use crate::span::LineIndex;

/// Runs `newsgraph show`.
pub fn run(args: &ShowArgs) -> Result<ExitCode, Error> {
    let mut graph = dump::load(&args.graph).map_err(|e| Error::Message(e.to_string()))?;
    let outcomes = query::run(&mut graph, &args.query, &RunOptions::default());
    let mut scene = Scene::new();
    for outcome in &outcomes {
        match &outcome.result {
            Ok(result) => scene.collect(&graph, result.rows.iter().flatten()),
            Err(e) => {
                let at = LineIndex::new(&args.query).line_col(e.span.start as usize);
                return Err(Error::Message(format!(
                    "query:{}:{}: {} ({}): {}",
                    at.line,
                    at.column,
                    e.code.kind(),
                    e.code.name(),
                    e.message
                )));
            }
        }
    }
    // The query, on one line, is the picture's title.
    let title = args.query.split_whitespace().collect::<Vec<_>>().join(" ");
    let options = Options::titled(title);
    let svg = if args.timeline {
        show::render_timeline(&graph, &scene, &options)
    } else {
        show::render_svg(&graph, &scene, &options)
    };
    write_atomic(&args.output, |w: &mut dyn std::io::Write| {
        w.write_all(svg.as_bytes())
    })
    .map_err(|source| Error::Io {
        path: args.output.clone(),
        source,
    })?;
    if scene.is_empty() {
        eprintln!(
            "newsgraph: warning: the query returned no nodes, relationships or paths; {} is empty",
            args.output.display()
        );
    } else if args.timeline && show::dated_edge_count(&graph, &scene) == 0 {
        eprintln!(
            "newsgraph: warning: none of the {} relationships has a date; {} says so",
            scene.edge_count(),
            args.output.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}
