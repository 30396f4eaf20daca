//! The streaming mode behind `reportdex convert --jsonl` without `-o OUT`:
//! every document's JSON (the same compact JSON as `OUT/<source>.json`) is
//! written as one line to a writer, and each failure as one `errors.jsonl`
//! record (a JSON line) to another; nothing is written to disk.
//!
//! Documents are converted by the same workers as a batch run and written in
//! source-path order; results that arrive early wait in the bounded reorder
//! window of [`super::execute`] (`16 × jobs` documents), so memory does not grow
//! with the number of inputs, only the list of input paths is held whole. A
//! document byte-identical to one written earlier in the stream (same sha256)
//! is not written again, as a batch run records it as a duplicate instead of
//! converting it.

use super::{execute, panic_message, stage, DocumentJson};
use crate::convert::convert_unprofiled;
use crate::pipeline::inputs::{self, Input};
use crate::pipeline::{ErrorRecord, Event, Failure, Options, PipelineError, Progress, Stage};
use crate::pipeline::{InputLimits, Summary};
use std::collections::HashSet;
use std::io::Write;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;

/// A worker's answer for one document.
enum Streamed {
    /// Converted: its JSON line, hash, size and the output stages that failed.
    Json {
        sha256: [u8; 32],
        size: u64,
        line: Vec<u8>,
        stages: Vec<(Stage, Failure)>,
    },
    /// The document is lost: it failed in `input`, `convert` or `json`.
    Failed(Stage, Failure),
}

impl super::ordered::Weigh for Streamed {
    fn heap_bytes(&self) -> usize {
        match self {
            Streamed::Json { line, .. } => line.capacity(),
            Streamed::Failed(..) => 0,
        }
    }
}

/// Convert `roots` and write one JSON line per document to `data`, in
/// source-path order, and one error record per failure to `errors` (each
/// written whole with one `write_all`, so lines of concurrent log output are
/// not torn). No input at all (an empty path list) is a successful empty run.
/// An `Err` means the run could not proceed (no input exists, `data` cannot be
/// written).
pub fn stream(
    roots: &[PathBuf],
    opts: &Options,
    data: &mut dyn Write,
    errors: &mut dyn Write,
    progress: &dyn Progress,
) -> Result<Summary, PipelineError> {
    let mut summary = Summary::default();
    if roots.is_empty() {
        progress.start(0);
        return Ok(summary);
    }
    let found = inputs::discover_with(roots, opts.root_naming, None, &opts.inputs)?;
    if found.existing_roots == 0 {
        let names: Vec<String> = roots.iter().map(|r| r.display().to_string()).collect();
        return Err(PipelineError::NoInputs(names.join(", ")));
    }
    summary.documents = found.inputs.len() as u64;
    summary.skipped = found.skipped;
    let data_err = |e: std::io::Error| PipelineError::Output {
        path: "the JSON lines output".into(),
        source: e,
    };
    let mut emit = |rec: &ErrorRecord, summary: &mut Summary| -> Result<(), PipelineError> {
        summary.failed += 1;
        let mut line = serde_json::to_vec(rec)?;
        line.push(b'\n');
        // Standard error closed: the record is lost, the run goes on.
        if let Err(e) = errors.write_all(&line) {
            tracing::debug!("cannot write an error record: {e}");
        }
        Ok(())
    };
    for (p, f) in &found.failures {
        let rec = ErrorRecord::new(p, Stage::Input, f);
        progress.event(Event::Rejected(&rec));
        emit(&rec, &mut summary)?;
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(opts.jobs.unwrap_or(0))
        .thread_name(|i| format!("reportdex-worker-{i}"))
        .build()?;
    progress.start(found.inputs.len() as u64);
    // Digests of the documents written (32 bytes each, not their hex).
    let mut seen: HashSet<[u8; 32]> = HashSet::new();
    let inputs = &found.inputs;
    execute(
        &pool,
        inputs.len(),
        |k| stream_one(opts, &inputs.get(k)),
        |k, done| {
            let input = inputs.get(k);
            match done {
                Streamed::Json {
                    sha256,
                    size,
                    line,
                    stages,
                } => {
                    if !seen.insert(sha256) {
                        tracing::info!(
                            "{}: duplicate of an earlier input, not written",
                            input.path
                        );
                        summary.duplicates += 1;
                        progress.event(Event::Reused(input.path));
                        return Ok(());
                    }
                    data.write_all(&line).map_err(data_err)?;
                    summary.converted += 1;
                    summary.bytes_converted += size;
                    progress.event(Event::Converted(input.path));
                    for (s, f) in stages {
                        let rec = ErrorRecord::new(input.path, s, &f);
                        progress.event(Event::StageFailed(&rec));
                        emit(&rec, &mut summary)?;
                    }
                }
                Streamed::Failed(s, f) => {
                    let rec = ErrorRecord::new(input.path, s, &f);
                    progress.event(Event::Failed(&rec));
                    emit(&rec, &mut summary)?;
                }
            }
            if opts.abort_after == Some(k + 1) {
                std::process::abort();
            }
            Ok(())
        },
    )?;
    data.flush().map_err(data_err)?;
    Ok(summary)
}

/// Convert one input to its JSON line; a panic becomes a `panic` failure.
fn stream_one(opts: &Options, input: &Input<'_>) -> Streamed {
    catch_unwind(AssertUnwindSafe(|| convert_to_line(opts, input))).unwrap_or_else(|payload| {
        let msg = panic_message(payload.as_ref());
        tracing::error!("{}: panic while converting: {msg}", input.path);
        Streamed::Failed(
            Stage::Convert,
            Failure::new(
                "panic",
                format!("internal error (panic) while converting: {msg}"),
            ),
        )
    })
}

/// The stages of a batch run without the files: `input`, `convert`,
/// `profile` (its failure leaves the report out, as in a batch run), `json`.
fn convert_to_line(opts: &Options, input: &Input<'_>) -> Streamed {
    let path: &str = input.path;
    if let Some(needle) = &opts.panic_on {
        if path.contains(needle.as_str()) {
            // Deliberate, documented test hook (`Options::panic_on`).
            panic!("test panic requested for {path}");
        }
    }
    let limits: &InputLimits = &opts.inputs;
    let bytes = match stage(opts, path, Stage::Input, || input.read(limits)) {
        Ok(b) => b,
        Err((s, f)) => return Streamed::Failed(s, f),
    };
    let size = bytes.len() as u64;
    let sha256: [u8; 32] = {
        use sha2::{Digest, Sha256};
        Sha256::digest(&bytes).into()
    };
    let doc = stage(opts, path, Stage::Convert, || {
        Ok(convert_unprofiled(
            bytes,
            path,
            crate::convert::to_hex(&sha256),
            &opts.convert,
        )?)
    });
    let mut doc = match doc {
        Ok(d) => d,
        Err((s, f)) => return Streamed::Failed(s, f),
    };
    let mut stages = Vec::new();
    let report = super::profile_stage(opts, path, &mut doc).unwrap_or_else(|e| {
        stages.push(e);
        None
    });
    let line = stage(opts, path, Stage::Json, || {
        let mut line = crate::json::to_vec(&DocumentJson::new(&doc, report.as_ref()))
            .map_err(|e| Failure::new("output_io", format!("cannot serialize the JSON: {e}")))?;
        line.push(b'\n');
        Ok(line)
    });
    match line {
        Ok(line) => Streamed::Json {
            sha256,
            size,
            line,
            stages,
        },
        Err((s, f)) => Streamed::Failed(s, f),
    }
}
