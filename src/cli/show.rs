//! `newsgraph show`.

use std::process::ExitCode;

use super::{Error, ShowArgs};

/// Runs `newsgraph show`.
pub fn run(_args: &ShowArgs) -> Result<ExitCode, Error> {
    Err(Error::NotBuilt("newsgraph show"))
}
