//! The batch pipeline behind `reportdex convert INPUT... -o OUT`: from any mix
//! of files, directories and zip archives to a dataset in OUT.
//!
//! ```text
//! roots --inputs::discover--> sorted Inputs (files, archive members)
//!       --naming::assign-->   safe, unique output names
//!       --hash pass (rayon)--> sha256 per input: dedup + manifest comparison
//!       --plan-->             convert | reuse (unchanged) | duplicate | failed
//!       --run::execute (rayon workers, one ordered writer)-->
//!             OUT/<name>.json (atomic), reports.jsonl, metrics.csv, tables.csv,
//!             reports.parquet, metrics.parquet, tables.parquet
//!       --finish-->           errors.jsonl, duplicates.jsonl, manifest.json,
//!                             stale outputs removed
//! ```
//!
//! A bad input (or a panic while converting it) becomes an [`ErrorRecord`] and
//! the batch goes on. Everything written to OUT is a function of the inputs
//! only (sorted, no timings, no absolute paths), so `-j 1` and `-j 2` produce
//! byte-identical trees, and an interrupted run followed by a rerun produces
//! the same tree as one uninterrupted run.

pub mod atomic;
pub mod dataset;
pub mod inputs;
pub mod manifest;
pub mod naming;
pub mod parquet;
mod run;

pub use inputs::{InputLimits, RootNaming};
pub use run::{run, run_with_jsonl, stream};

use crate::convert::ConvertOptions;
use serde::Serialize;

/// Why one input could not be converted: a stable snake_case kind (the
/// reader's [`crate::error::ReadError::kind`] or one of the pipeline's own:
/// `io`, `too_large`, `corrupt_zip`, `encrypted`, `archive_too_deep`,
/// `too_deep`, `duplicate_members`, `panic`, `output_io`, `index_entry`) and a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// Stable kind.
    pub kind: &'static str,
    /// Human-readable reason.
    pub message: String,
}

impl Failure {
    /// A failure of some kind.
    pub fn new(kind: &'static str, message: impl Into<String>) -> Failure {
        Failure {
            kind,
            message: message.into(),
        }
    }

    /// An I/O error on an input.
    pub fn io(e: std::io::Error) -> Failure {
        Failure::new("io", format!("I/O error: {e}"))
    }

    /// A broken zip archive.
    pub fn zip(e: zip::result::ZipError) -> Failure {
        Failure::new("corrupt_zip", format!("corrupt zip archive: {e}"))
    }

    /// Input larger than the cap.
    pub fn too_large(size: u64, cap: u64) -> Failure {
        Failure::new(
            "too_large",
            format!("input is {size} bytes, more than the limit of {cap} bytes"),
        )
    }
}

impl From<crate::error::ReadError> for Failure {
    fn from(e: crate::error::ReadError) -> Failure {
        Failure::new(e.kind(), e.to_string())
    }
}

/// The step of the pipeline where a failure happened (`stage` in
/// `errors.jsonl`). A failure in `input`, `convert` or `json` loses the
/// document (it has no JSON); a failure in `profile`, `dataset` or `index`
/// loses only that stage's output for the document: its JSON still lands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Finding and reading the input's bytes (directories, archives, limits).
    Input,
    /// Reading the document: package, XML, Word binary, section tree.
    Convert,
    /// The annual-report profile (`report` in the JSON): the JSON is written
    /// without it.
    Profile,
    /// Writing the document's JSON file.
    Json,
    /// The document's rows in `reports.jsonl` and the CSV and Parquet datasets.
    Dataset,
    /// The document's entry in `index.json`.
    Index,
}

impl Stage {
    /// Every stage, in pipeline order.
    pub const ALL: [Stage; 6] = [
        Stage::Input,
        Stage::Convert,
        Stage::Profile,
        Stage::Json,
        Stage::Dataset,
        Stage::Index,
    ];

    /// The name written in `errors.jsonl`.
    pub fn name(self) -> &'static str {
        match self {
            Stage::Input => "input",
            Stage::Convert => "convert",
            Stage::Profile => "profile",
            Stage::Json => "json",
            Stage::Dataset => "dataset",
            Stage::Index => "index",
        }
    }

    /// Whether a failure in this stage loses the whole document.
    pub fn loses_document(self) -> bool {
        matches!(self, Stage::Input | Stage::Convert | Stage::Json)
    }
}

/// One line of `OUT/errors.jsonl`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct ErrorRecord {
    /// The input path relative to its root (the archive for archive members).
    pub path: String,
    /// The member inside the archive (`dir/a.docx`, `inner.zip!/b.docx`).
    pub member: Option<String>,
    /// Stable error kind.
    pub kind: String,
    /// Reason.
    pub message: String,
    /// Where it failed.
    pub stage: Stage,
}

impl ErrorRecord {
    /// A record for the input at source path `source` (`a.zip!/m.docx` is split
    /// into path and member) that failed in `stage`.
    pub fn new(source: &str, stage: Stage, failure: &Failure) -> ErrorRecord {
        let (path, member) = match source.split_once("!/") {
            Some((p, m)) => (p.to_string(), Some(m.to_string())),
            None => (source.to_string(), None),
        };
        ErrorRecord {
            path,
            member,
            kind: failure.kind.to_string(),
            message: failure.message.clone(),
            stage,
        }
    }
}

/// Options of a batch run.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Worker threads (`None`: all cores).
    pub jobs: Option<usize>,
    /// Convert everything again, ignoring the manifest.
    pub force: bool,
    /// Omit the UTF-8 byte-order mark at the start of the CSV files (it is
    /// there by default so that Excel reads Chinese text correctly).
    pub no_bom: bool,
    /// Single-document conversion options.
    pub convert: ConvertOptions,
    /// Input bounds.
    pub inputs: InputLimits,
    /// Test hook: abort the process (as a kill would) after this many
    /// documents have been written.
    #[doc(hidden)]
    pub abort_after: Option<usize>,
    /// Test hook: panic while converting inputs whose source path contains
    /// this string, to exercise failure isolation.
    #[doc(hidden)]
    pub panic_on: Option<String>,
    /// Test hook: make `stage` fail (a typed error, not a panic) for inputs
    /// whose source path contains the string, to exercise stage isolation.
    #[doc(hidden)]
    pub fail_stage: Option<(Stage, String)>,
    /// Test hook: at this named point of the run, create `OUT/../<point>.reached`
    /// and sleep, so that a test can kill the process exactly there.
    #[doc(hidden)]
    pub pause_at: Option<String>,
    /// Dataset formats to write besides `reports.jsonl` (default: CSV and
    /// Parquet); the files of a format not chosen are removed from OUT.
    pub datasets: dataset::Formats,
    /// Build `OUT/index.json` at the end of the run (its failures per document
    /// are listed in `errors.jsonl` with stage `index`).
    pub index: bool,
    /// How the source paths of the given roots are formed (see
    /// [`inputs::RootNaming`]); `AsGiven` for `--stdin-paths`.
    pub root_naming: inputs::RootNaming,
}

impl Options {
    /// The test hook [`Options::fail_stage`]: an error when it targets `stage`
    /// for the input at `path`.
    pub(crate) fn injected(&self, stage: Stage, path: &str) -> Result<(), Failure> {
        match &self.fail_stage {
            Some((s, needle)) if *s == stage && path.contains(needle.as_str()) => {
                Err(Failure::new(
                    "injected",
                    format!("test failure injected in stage {}", stage.name()),
                ))
            }
            _ => Ok(()),
        }
    }

    /// The test hook [`Options::pause_at`]: when `point` is the one asked for,
    /// leave a marker next to OUT and sleep until killed.
    pub(crate) fn pause(&self, point: &str, out: &std::path::Path) {
        if self.pause_at.as_deref() == Some(point) {
            let marker = out.with_extension(format!("{point}.reached"));
            let _ = std::fs::write(&marker, b"");
            loop {
                std::thread::sleep(std::time::Duration::from_secs(60));
            }
        }
    }
}

/// One index from the shards of a distributed run (dataset directories and
/// `--jsonl` files) written to `out/index.json`, equal to a single run's:
/// [`crate::index::build_and_write_merged`] with the pipeline's JSON naming.
pub fn merge_index(
    shards: &[std::path::PathBuf],
    out: &std::path::Path,
    aliases: Option<&std::path::Path>,
) -> Result<(std::path::PathBuf, crate::index::BuildSummary), crate::index::IndexError> {
    crate::index::build_and_write_merged(shards, out, aliases, &|paths| naming::assign(paths))
}

/// What happened to one document, as reported to [`Progress`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event<'a> {
    /// Converted now.
    Converted(&'a str),
    /// Unchanged since the previous run: its output was reused.
    Reused(&'a str),
    /// Failed while being converted (one of the documents counted by
    /// [`Progress::start`]).
    Failed(&'a ErrorRecord),
    /// One output stage of a document failed (`profile`, `dataset`, `index`);
    /// the document itself was converted (and reported as such).
    StageFailed(&'a ErrorRecord),
    /// Failed before conversion could start (a missing path, an unreadable
    /// directory, a corrupt archive, an unreadable member); reported before
    /// [`Progress::start`] and not counted in its total.
    Rejected(&'a ErrorRecord),
}

/// Progress observer (the CLI draws a bar). Called from the writer thread.
pub trait Progress: Sync {
    /// The number of documents to convert or reuse is known.
    fn start(&self, _total: u64) {}
    /// One document is done.
    fn event(&self, _event: Event<'_>) {}
}

/// A [`Progress`] that ignores everything.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoProgress;

impl Progress for NoProgress {}

/// Counts of a finished run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// Documents found (files and archive members).
    pub documents: u64,
    /// Converted in this run.
    pub converted: u64,
    /// Unchanged since the last run; outputs reused.
    pub up_to_date: u64,
    /// Lines in `errors.jsonl`.
    pub failed: u64,
    /// Byte-identical to an earlier input.
    pub duplicates: u64,
    /// Files ignored (not documents nor archives) and symlink loops.
    pub skipped: u64,
    /// Bytes of the documents converted in this run.
    pub bytes_converted: u64,
    /// The index written (with [`Options::index`]): its path and figures.
    pub index: Option<(std::path::PathBuf, crate::index::BuildSummary)>,
}

/// Why the run could not proceed at all (exit code 2).
#[derive(Debug, thiserror::Error)]
pub enum PipelineError {
    /// OUT exists and is not a directory.
    #[error("{0}: output exists and is not a directory")]
    OutNotDir(String),
    /// OUT could not be created or written.
    #[error("{path}: cannot write output: {source}")]
    Output {
        /// OUT or the file in it.
        path: String,
        /// Cause.
        #[source]
        source: std::io::Error,
    },
    /// None of the inputs exists.
    #[error("no input exists: {0}")]
    NoInputs(String),
    /// Ambiguous inputs.
    #[error(transparent)]
    Discover(#[from] inputs::DiscoverError),
    /// The worker pool could not start.
    #[error("cannot start worker threads: {0}")]
    Pool(#[from] rayon::ThreadPoolBuildError),
    /// Serializing an output failed.
    #[error("cannot serialize output: {0}")]
    Serialize(#[from] serde_json::Error),
    /// The index could not be built at all.
    #[error("indexing: {0}")]
    Index(#[from] crate::index::IndexError),
}
