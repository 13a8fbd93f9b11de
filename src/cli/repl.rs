//! `newsgraph repl`, and `newsgraph` with no arguments.

use std::process::ExitCode;

use super::{Error, ReplArgs};
use crate::repl;

/// Runs `newsgraph repl`: on an empty graph without paths; exit status 1
/// when a statement of a script failed.
pub fn run(args: &ReplArgs) -> Result<ExitCode, Error> {
    start(&repl::Options {
        start: match args.paths.is_empty() {
            true => repl::Start::Empty,
            false => repl::Start::Paths(args.paths.clone()),
        },
        fail_fast: args.fail_fast,
    })
}

/// Runs `newsgraph` with no arguments: the REPL on the bundled sample.
pub fn run_sample() -> Result<ExitCode, Error> {
    start(&repl::Options {
        start: repl::Start::Sample,
        fail_fast: false,
    })
}

fn start(options: &repl::Options) -> Result<ExitCode, Error> {
    match repl::run(options) {
        Ok(repl::Ending::Done) => Ok(ExitCode::SUCCESS),
        Ok(repl::Ending::Failed) => Ok(ExitCode::FAILURE),
        Err(repl::Error::Io(e)) => Err(Error::Stdout(e)),
        Err(e) => Err(Error::Message(e.to_string())),
    }
}
