//! `newsgraph query`.

use std::process::ExitCode;

use super::{Error, QueryArgs};

/// Runs `newsgraph query`.
pub fn run(_args: &QueryArgs) -> Result<ExitCode, Error> {
    Err(Error::NotBuilt("newsgraph query"))
}
