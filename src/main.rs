//! The `reportdex` command line. All logic is in the library (`reportdex::pipeline`)
//! and the thin `cli` layer; this file only parses arguments and exits.

mod cli;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    // clap exits with code 2 on usage errors (0 for --help / --version).
    let args = cli::args::Cli::parse();
    cli::main(args)
}
