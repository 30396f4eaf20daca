//! Command-line arguments (clap derive). Validation only; `cli::convert` turns
//! them into pipeline options.

use clap::{ArgAction, Args, Parser, Subcommand};
use std::path::PathBuf;

/// Turn archives of DOCX/ODT government information-disclosure annual reports
/// into structured, validated datasets.
#[derive(Debug, Parser)]
#[command(name = "reportdex", version, about, propagate_version = true)]
pub struct Cli {
    /// Options shared by all subcommands.
    #[command(flatten)]
    pub global: GlobalArgs,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Options shared by all subcommands.
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// More log output on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides.
    #[arg(short, long, global = true, action = ArgAction::Count)]
    pub verbose: u8,
    /// Print only errors: no progress bar, no summary.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Never draw a progress bar (it is also hidden when stderr is not a terminal).
    #[arg(long, global = true)]
    pub no_progress: bool,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Convert documents (files, directories, zip archives) into a dataset directory.
    #[command(
        after_help = "Exit codes: 0 every document converted; 1 some inputs failed (listed in \
                      OUT/errors.jsonl); 2 the run could not proceed.\nSee docs/cli.md for the \
                      output layout."
    )]
    Convert(ConvertArgs),
}

/// `reportdex convert INPUT... -o OUT`.
#[derive(Debug, Args)]
pub struct ConvertArgs {
    /// Files, directories (searched recursively) and zip archives (also nested).
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
    /// Output directory (created if missing).
    #[arg(short, long, value_name = "OUT")]
    pub out: PathBuf,
    /// Worker threads [default: all cores].
    #[arg(short, long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: Option<u16>,
    /// Convert every input again, ignoring the manifest of a previous run.
    #[arg(long)]
    pub force: bool,
    /// Do not build OUT/index.json.
    #[arg(long)]
    pub no_index: bool,
    /// Write CSV files without the UTF-8 byte-order mark (by default it is there
    /// so that Excel shows Chinese text correctly).
    #[arg(long)]
    pub no_bom: bool,
}
