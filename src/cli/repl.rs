//! `newsgraph repl`.

use std::process::ExitCode;

use super::{Error, ReplArgs};

/// Runs `newsgraph repl`.
pub fn run(_args: &ReplArgs) -> Result<ExitCode, Error> {
    Err(Error::NotBuilt("newsgraph repl"))
}
