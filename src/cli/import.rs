//! `newsgraph import`.

use std::process::ExitCode;

use super::{Error, ImportArgs};

/// Runs `newsgraph import`.
pub fn run(_args: &ImportArgs) -> Result<ExitCode, Error> {
    Err(Error::NotBuilt("newsgraph import"))
}
