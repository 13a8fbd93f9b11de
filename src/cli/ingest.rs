//! `newsgraph ingest`.

use std::process::ExitCode;

use super::{Error, IngestArgs};

/// Runs `newsgraph ingest`.
pub fn run(_args: &IngestArgs) -> Result<ExitCode, Error> {
    Err(Error::NotBuilt("newsgraph ingest"))
}
