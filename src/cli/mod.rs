//! The command-line layer: argument parsing, logging, progress and messages,
//! exit codes. `anyhow` lives only here; the library returns typed errors.
//!
//! Exit codes: 0 everything converted, 1 finished but some inputs failed
//! (listed in `OUT/errors.jsonl`), 2 the run could not proceed (usage error,
//! unusable output directory, no existing input). `compare`: 1 when the agency
//! name is unknown or ambiguous (candidates listed on stderr).

pub mod args;
mod compare;
mod convert;
mod index;
mod logging;
mod printer;

use args::{Cli, Command};
use std::process::ExitCode;

/// Outcome of a command, mapped to the process exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// Everything worked (0).
    Success,
    /// Finished, but some inputs failed (1).
    Failure,
    /// Could not run (2).
    Error,
}

impl From<ExitStatus> for ExitCode {
    fn from(s: ExitStatus) -> ExitCode {
        ExitCode::from(match s {
            ExitStatus::Success => 0,
            ExitStatus::Failure => 1,
            ExitStatus::Error => 2,
        })
    }
}

/// Run a parsed command line; errors are printed as `reportdex: <reason>` with
/// their whole cause chain.
pub fn main(cli: Cli) -> ExitCode {
    logging::init(cli.global.verbose, cli.global.quiet);
    logging::quiet_worker_panics();
    let result = match cli.command {
        Command::Convert(args) => convert::run(args, &cli.global),
        Command::Index(args) => index::run(args, &cli.global),
        Command::Compare(args) => compare::run(args),
    };
    match result {
        Ok(status) => status.into(),
        Err(e) => {
            eprintln!("reportdex: {e:#}");
            ExitStatus::Error.into()
        }
    }
}
