//! The one error type of the command line, rendered once at the edge.

use std::io;
use std::path::PathBuf;

/// Everything that can stop a command.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A stage that this build does not have yet.
    #[error("{0} is not built yet")]
    NotBuilt(&'static str),
    /// Reading or writing a file failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        source: io::Error,
    },
    /// Writing to standard output failed.
    #[error("{0}")]
    Stdout(#[from] io::Error),
    /// A dump that could not be read or written; names the file and position.
    #[error(transparent)]
    Dump(#[from] crate::graph::dump::DumpError),
    /// A CSV file that could not be imported; names the file and line.
    #[error(transparent)]
    Import(#[from] crate::interchange::neo4j_csv::ImportError),
    /// A message that already names its file, line or position.
    #[error("{0}")]
    Message(String),
}

impl Error {
    /// Whether this is a closed pipe on standard output, which is success.
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, Error::Stdout(e) if e.kind() == io::ErrorKind::BrokenPipe)
    }

    /// The process exit code for this error.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::NotBuilt(_) => 3,
            _ => 1,
        }
    }
}
