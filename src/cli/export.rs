//! `newsgraph export`.

use std::process::ExitCode;

use super::{Error, ExportArgs};

/// Runs `newsgraph export`.
pub fn run(_args: &ExportArgs) -> Result<ExitCode, Error> {
    Err(Error::NotBuilt("newsgraph export"))
}
