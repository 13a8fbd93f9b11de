//! `newsgraph import --nodes N.csv --edges E.csv -o GRAPH`: reads the
//! neo4j-admin CSV layout and writes a dump atomically.

use std::process::ExitCode;

use super::{Error, ImportArgs};
use crate::graph::dump;
use crate::interchange::neo4j_csv;

/// Runs `newsgraph import`.
pub fn run(args: &ImportArgs) -> Result<ExitCode, Error> {
    let read = |path: &std::path::Path| {
        std::fs::read(path).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })
    };
    let nodes = read(&args.nodes)?;
    let edges = read(&args.edges)?;
    let graph = neo4j_csv::import(
        &nodes,
        &args.nodes.display().to_string(),
        &edges,
        &args.edges.display().to_string(),
    )?;
    drop((nodes, edges));
    dump::save(&graph, &args.output)?;
    // The process ends here: freeing a million edges one by one would cost
    // a tenth of the import for nothing.
    std::mem::forget(graph);
    Ok(ExitCode::SUCCESS)
}
