//! `newsgraph export -g GRAPH --format FORMAT [-o OUT]`: writes a graph in
//! another format, to standard output or atomically to a file (a folder
//! receiving `nodes.csv` and `edges.csv` for `csv`).

use std::io::{self, Write};
use std::path::Path;
use std::process::ExitCode;

use super::{Error, ExportArgs, ExportFormat};
use crate::files::atomic::write_atomic;
use crate::graph::{Graph, dump};
use crate::interchange::{dot, graphml, neo4j_csv, triples};

/// Runs `newsgraph export`.
pub fn run(args: &ExportArgs) -> Result<ExitCode, Error> {
    let graph = dump::load(&args.graph)?;
    let write: fn(&Graph, &mut dyn Write) -> io::Result<()> = match args.format {
        ExportFormat::Triples => |g, w| triples::write(g, w),
        ExportFormat::Json => |g, w| dump::write(g, w),
        ExportFormat::Graphml => |g, w| graphml::write(g, w),
        ExportFormat::Dot => |g, w| dot::write(g, w),
        ExportFormat::Csv => return export_csv(&graph, args.output.as_deref()),
    };
    match &args.output {
        Some(path) => to_file(path, |w| write(&graph, w))?,
        None => {
            let mut out = io::BufWriter::new(io::stdout().lock());
            write(&graph, &mut out)?;
            out.flush()?;
        }
    }
    // The process ends here: handing a million edges back to the allocator
    // one by one would cost a quarter of the load time for nothing.
    std::mem::forget(graph);
    Ok(ExitCode::SUCCESS)
}

fn to_file(path: &Path, f: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> Result<(), Error> {
    write_atomic(path, f).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })
}

fn export_csv(graph: &Graph, folder: Option<&Path>) -> Result<ExitCode, Error> {
    let Some(folder) = folder else {
        return Err(Error::Message(
            "export --format csv writes two files: give a folder with -o".to_string(),
        ));
    };
    std::fs::create_dir_all(folder).map_err(|source| Error::Io {
        path: folder.to_path_buf(),
        source,
    })?;
    to_file(&folder.join("nodes.csv"), |w| {
        neo4j_csv::write_nodes(graph, w)
    })?;
    to_file(&folder.join("edges.csv"), |w| {
        neo4j_csv::write_edges(graph, w)
    })?;
    Ok(ExitCode::SUCCESS)
}
