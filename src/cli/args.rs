//! Command-line arguments (clap derive). Validation only; `cli::convert` turns
//! them into pipeline options.

use clap::{ArgAction, Args, Parser, Subcommand, ValueEnum};
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
                      OUT/errors.jsonl, or on stderr with --jsonl); 2 the run could not proceed.\n\
                      Streaming: `reportdex convert --stdin-paths [-0] --jsonl -`.\nSee \
                      docs/cli.md for the output layout."
    )]
    Convert(ConvertArgs),
    /// Build the cross-year index OUT/index.json from OUT/reports.jsonl, or
    /// one index from the shards of a distributed run (`IN... -o OUT`).
    Index(IndexArgs),
    /// Show an agency's years side by side (table, CSV, JSON or an HTML page).
    Compare(CompareArgs),
}

/// `reportdex index OUT [--aliases FILE]`, or `reportdex index IN... -o OUT`
/// to merge the shards of a distributed run.
#[derive(Debug, Args)]
pub struct IndexArgs {
    /// Dataset directories written by `reportdex convert -o` and JSON lines
    /// files written by `reportdex convert --jsonl`. One directory without
    /// `-o`: its index is written into it.
    #[arg(value_name = "IN", required = true)]
    pub inputs: Vec<PathBuf>,
    /// Directory to write index.json into (created if missing); required with
    /// several INs or a JSON lines file.
    #[arg(short, long, value_name = "OUT")]
    pub out: Option<PathBuf>,
    /// Pinned agency names: CSV `form,canonical` [default: aliases.csv in the
    /// directory written to, when present].
    #[arg(long, value_name = "FILE")]
    pub aliases: Option<PathBuf>,
}

/// `reportdex compare OUT --agency NAME | --all [...]`.
#[derive(Debug, Args)]
pub struct CompareArgs {
    /// Dataset directory (reads OUT/index.json; builds the index in memory when missing).
    #[arg(value_name = "OUT")]
    pub out: PathBuf,
    /// Agency: any name form seen in the reports, or a unique fragment of one.
    #[arg(short, long, value_name = "NAME", required_unless_present = "all")]
    pub agency: Option<String>,
    /// Every agency (with --format html: a static site in the -o directory, an
    /// index page and one page per agency).
    #[arg(long, conflicts_with = "agency")]
    pub all: bool,
    /// Years to show: YYYY or YYYY-YYYY.
    #[arg(long, value_name = "RANGE", value_parser = parse_years)]
    pub years: Option<(i32, i32)>,
    /// Metrics: comma-separated globs (`s3.*.total`) or substrings; `all` for every metric.
    #[arg(short, long, value_name = "PATTERN")]
    pub metrics: Option<String>,
    /// Output format.
    #[arg(short, long, value_enum, default_value_t = reportdex::compare::Format::Table)]
    pub format: reportdex::compare::Format,
    /// Write to FILE instead of stdout (with --all --format html: the site's
    /// directory, required).
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Aliases file, used when the index has to be built (see `reportdex index`).
    #[arg(long, value_name = "FILE")]
    pub aliases: Option<PathBuf>,
}

fn parse_years(s: &str) -> Result<(i32, i32), String> {
    reportdex::compare::parse_years(s).map_err(|e| e.to_string())
}

/// `reportdex convert INPUT... -o OUT`, or with `--stdin-paths` and/or
/// `--jsonl FILE|-` for streaming.
#[derive(Debug, Args)]
pub struct ConvertArgs {
    /// Files, directories (searched recursively) and zip archives (also nested).
    #[arg(
        value_name = "INPUT",
        required_unless_present = "stdin_paths",
        conflicts_with = "stdin_paths"
    )]
    pub inputs: Vec<PathBuf>,
    /// Read the input paths from standard input, one per line (empty lines
    /// ignored), instead of INPUT arguments. Their source paths are the paths
    /// as given, normalized and never absolute (see docs/cli.md).
    #[arg(long)]
    pub stdin_paths: bool,
    /// With --stdin-paths: the paths are separated by NUL bytes (`find -print0`)
    /// instead of newlines.
    #[arg(short = '0', long = "null")]
    pub null: bool,
    /// Output directory (created if missing).
    #[arg(short, long, value_name = "OUT", required_unless_present = "jsonl")]
    pub out: Option<PathBuf>,
    /// One document JSON per line to FILE (`-`: standard output), in
    /// source-path order. Without -o: nothing else is written to disk and
    /// failures are errors.jsonl records, one JSON line each, on stderr.
    #[arg(long, value_name = "FILE|-")]
    pub jsonl: Option<PathBuf>,
    /// Worker threads [default: all cores].
    #[arg(short, long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: Option<u16>,
    /// Convert every input again, ignoring the manifest of a previous run.
    #[arg(long, requires = "out")]
    pub force: bool,
    /// Do not build OUT/index.json.
    #[arg(long, requires = "out")]
    pub no_index: bool,
    /// Write CSV files without the UTF-8 byte-order mark (by default it is there
    /// so that Excel shows Chinese text correctly).
    #[arg(long, requires = "out")]
    pub no_bom: bool,
    /// Dataset formats written besides OUT/reports.jsonl: `csv` (metrics.csv,
    /// tables.csv), `parquet` (reports.parquet, metrics.parquet,
    /// tables.parquet) or both, comma-separated.
    #[arg(
        long,
        value_enum,
        value_delimiter = ',',
        value_name = "FORMATS",
        default_value = "csv,parquet"
    )]
    pub dataset: Vec<DatasetFormat>,
}

/// A dataset format of `--dataset`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DatasetFormat {
    /// metrics.csv and tables.csv.
    Csv,
    /// reports.parquet, metrics.parquet and tables.parquet.
    Parquet,
}
