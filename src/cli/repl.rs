//! `newsgraph repl`, and `newsgraph` with no arguments.

use std::process::ExitCode;

use super::{Error, ReplArgs};
use crate::repl;

/// Runs `newsgraph repl`: exit status 1 when a statement of a script failed.
pub fn run(args: &ReplArgs) -> Result<ExitCode, Error> {
    let options = repl::Options {
        paths: args.paths.clone(),
        fail_fast: args.fail_fast,
    };
    match repl::run(&options) {
        Ok(repl::Ending::Done) => Ok(ExitCode::SUCCESS),
        Ok(repl::Ending::Failed) => Ok(ExitCode::FAILURE),
        Err(repl::Error::Io(e)) => Err(Error::Stdout(e)),
        Err(e) => Err(Error::Message(e.to_string())),
    }
}
