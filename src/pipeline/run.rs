//! Running a batch: the hash pass, the plan, the workers and the ordered writer.
//!
//! Workers (a rayon pool of `jobs` threads) take documents in source-path
//! order from a shared counter, convert each inside `catch_unwind`, write its
//! JSON atomically and send back only its small dataset rows. One writer (the
//! calling thread) appends rows in source-path order, buffering the few that
//! arrive early; workers never run more than a bounded window ahead of the
//! writer, in documents and in bytes of waiting rows, so memory grows neither
//! with the corpus nor with the writer's lag.

use super::atomic::AtomicDir;
use super::dataset::{self, Formats, Rows, METRICS_HEADER, TABLES_HEADER};
use super::inputs::{self, Inputs};
use super::manifest::{Entry, Manifest, Status, MANIFEST_FILE, TOOL_VERSION};
use super::parquet::{
    ParquetWriter, METRICS_COLUMNS, REPORTS_COLUMNS, REPORT_ROW_GROUP_ROWS, TABLES_COLUMNS,
};
use super::{
    naming, ErrorRecord, Event, Failure, Options, PipelineError, Progress, Stage, Summary,
};
use crate::convert::{convert_unprofiled, to_hex};
use crate::index::prepared::{IndexLines, PreparedWriter};
use crate::output::{DocumentOutput, SCHEMA_VERSION};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

/// Threads of the hash pass per conversion worker (see [`run`]).
const HASH_THREADS_PER_WORKER: usize = 8;

mod ordered;
mod stream;

use ordered::{execute, Weigh};
pub use stream::stream;

/// What to do with one input.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Plan {
    Convert,
    Reuse,
    Duplicate(usize),
    /// Boxed: a plan is kept per input, and failures are rare.
    Failed(Box<Failure>),
}

/// A worker's answer for one document.
enum Done {
    /// Its JSON is in OUT; `rows` are its dataset rows (empty when a stage
    /// failed), `stages` the output stages that failed.
    Rows {
        /// Boxed: the largest part of a small value that waits in order.
        rows: Box<Rows>,
        /// Its lines for the index (with `Options::index`, when its rows are
        /// there).
        index: Option<Box<IndexLines>>,
        converted: bool,
        stages: Vec<(Stage, Failure)>,
    },
    /// The document is lost: it failed in `input`, `convert` or `json`.
    Failed(Stage, Failure),
}

fn out_err(path: &Path, source: std::io::Error) -> PipelineError {
    PipelineError::Output {
        path: path.display().to_string(),
        source,
    }
}

/// Convert `roots` into the dataset directory `out`. Returns the counts; the
/// per-input failures are in `OUT/errors.jsonl` (and were reported to
/// `progress`). An `Err` means the run itself could not proceed.
pub fn run(
    roots: &[PathBuf],
    out: &Path,
    opts: &Options,
    progress: &dyn Progress,
) -> Result<Summary, PipelineError> {
    run_with_jsonl(roots, out, opts, progress, None)
}

/// [`run`], also writing each document's JSON (as written into OUT, reused
/// ones included) as one line to `jsonl`, in source-path order, as it is
/// written.
pub fn run_with_jsonl(
    roots: &[PathBuf],
    out: &Path,
    opts: &Options,
    progress: &dyn Progress,
    mut jsonl: Option<&mut dyn Write>,
) -> Result<Summary, PipelineError> {
    if out.exists() && !out.is_dir() {
        return Err(PipelineError::OutNotDir(out.display().to_string()));
    }
    // OUT is never searched for inputs (it may sit inside an input directory).
    let out_canonical = std::fs::canonicalize(out).ok();
    if roots.is_empty() {
        return Err(PipelineError::NoInputs("no path given".into()));
    }
    let found = inputs::discover_with(
        roots,
        opts.root_naming,
        out_canonical.as_deref(),
        &opts.inputs,
    )?;
    if found.existing_roots == 0 {
        let names: Vec<String> = roots.iter().map(|r| r.display().to_string()).collect();
        return Err(PipelineError::NoInputs(names.join(", ")));
    }
    tracing::info!(
        "found {} documents ({} inputs failed before reading, {} files skipped)",
        found.inputs.len(),
        found.failures.len(),
        found.skipped
    );
    let dir = AtomicDir::prepare(out).map_err(|e| out_err(out, e))?;
    opts.pause("start", out);
    // Kept for the whole run: only the names a collision changed.
    let names = naming::Names::assign(found.inputs.iter().map(|i| i.path));
    let old = Manifest::load(out);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(opts.jobs.unwrap_or(0))
        .thread_name(|i| format!("reportdex-worker-{i}"))
        .build()?;

    // Hash pass: content hashes decide duplicates and what changed. Reading
    // inputs that are not cached yet waits on the disk more than it computes,
    // so this pass gets more threads than the conversion.
    let hash_pool = rayon::ThreadPoolBuilder::new()
        .num_threads(pool.current_num_threads().max(1) * HASH_THREADS_PER_WORKER)
        .thread_name(|i| format!("reportdex-hash-{i}"))
        .build()?;
    let hashed: Vec<Result<Hash, Failure>> = hash_pool.install(|| {
        (0..found.inputs.len())
            .into_par_iter()
            .map(|i| {
                found
                    .inputs
                    .get(i)
                    .hash(&opts.inputs)
                    .map(|(sha256, size)| Hash { sha256, size })
            })
            .collect()
    });
    // Its threads are not needed again (20 threads -> 4 while converting;
    // resident size unchanged: glibc keeps their arenas).
    drop(hash_pool);
    opts.pause("hashed", out);

    let (plans, hashes) = plan(&found.inputs, &names, hashed, &old, opts.force, out);

    let mut errors: Vec<ErrorRecord> = found
        .failures
        .iter()
        .map(|(p, f)| ErrorRecord::new(p, Stage::Input, f))
        .collect();
    for e in &errors {
        progress.event(Event::Rejected(e));
    }
    for (input, p) in found.inputs.iter().zip(&plans) {
        if let Plan::Failed(f) = p {
            let rec = ErrorRecord::new(input.path, Stage::Input, f);
            progress.event(Event::Rejected(&rec));
            errors.push(rec);
        }
    }

    let work: Vec<usize> = plans
        .iter()
        .enumerate()
        .filter(|(_, p)| matches!(p, Plan::Convert | Plan::Reuse))
        .map(|(i, _)| i)
        .collect();
    tracing::info!(
        "{} to convert or reuse, {} duplicates",
        work.len(),
        plans
            .iter()
            .filter(|p| matches!(p, Plan::Duplicate(_)))
            .count()
    );
    progress.start(work.len() as u64);
    // Discovery, naming and planning left their temporaries in the heap.
    crate::memory::release_free_memory();
    opts.pause("planned", out);

    let ctx = Ctx {
        inputs: &found.inputs,
        names: &names,
        hashes: &hashes,
        plans: &plans,
        opts,
        dir: &dir,
    };
    let mut summary = Summary {
        documents: found.inputs.len() as u64,
        skipped: found.skipped,
        ..Summary::default()
    };
    let mut sink = DatasetSink::create(&dir, !opts.no_bom, opts.datasets, opts.index)?;
    // What became of each input of the work list (`Err(kind)` when it failed).
    let mut outcomes: Vec<Option<Result<(), &'static str>>> = vec![None; found.inputs.len()];
    // Output stages that failed for a converted document (they are tried
    // again by the next run, see `plan`).
    let mut stage_failures: HashMap<usize, Vec<Stage>> = HashMap::new();
    execute(
        &pool,
        work.len(),
        |k| process(&ctx, work[k], k),
        |k, done| {
            let i = work[k];
            let input = found.inputs.get(i);
            match done {
                Done::Rows {
                    rows,
                    index,
                    converted,
                    stages,
                } => {
                    sink.append(*rows, index)?;
                    if let Some(w) = jsonl.as_deref_mut() {
                        // The file is in place (written atomically) and in
                        // the page cache: copied, not serialized again.
                        let path = dir.root().join(names.get(i, input.path));
                        std::fs::File::open(&path)
                            .and_then(|mut f| std::io::copy(&mut f, w))
                            .map_err(|e| out_err(&path, e))?;
                    }
                    if converted {
                        summary.converted += 1;
                        summary.bytes_converted += hashes[i].size;
                        progress.event(Event::Converted(input.path));
                    } else {
                        summary.up_to_date += 1;
                        progress.event(Event::Reused(input.path));
                    }
                    outcomes[i] = Some(Ok(()));
                    for (stage, f) in stages {
                        let rec = ErrorRecord::new(input.path, stage, &f);
                        progress.event(Event::StageFailed(&rec));
                        errors.push(rec);
                        stage_failures.entry(i).or_default().push(stage);
                    }
                }
                Done::Failed(stage, f) => {
                    let rec = ErrorRecord::new(input.path, stage, &f);
                    progress.event(Event::Failed(&rec));
                    errors.push(rec);
                    outcomes[i] = Some(Err(f.kind));
                }
            }
            if opts.abort_after == Some(k + 1) {
                // Test hook: die as a kill would, mid-run.
                std::process::abort();
            }
            opts.pause(&format!("batch-{}", k + 1), out);
            Ok(())
        },
    )?;
    let prepared = sink.commit(&dir)?;
    crate::memory::release_free_memory();
    opts.pause("dataset", out);

    // The index, from the lines the workers prepared (the same index as
    // `reportdex index OUT` builds from reports.jsonl); a document whose
    // entry fails is left out of it and listed with stage `index`.
    if let Some(prepared) = prepared {
        let hooks = crate::index::WriteHooks {
            tmp: Some(dir.temp_path(crate::index::INDEX_FILE)),
            fail_on: match &opts.fail_stage {
                Some((Stage::Index, needle)) => Some(needle.as_str()),
                _ => None,
            },
            after_agency: &|n| {
                if n == 1 {
                    opts.pause("index", out);
                }
            },
        };
        let (path, built) = prepared.build_and_write(out, &hooks)?;
        for (source, message) in built.failed_documents() {
            let rec =
                ErrorRecord::new(&source, Stage::Index, &Failure::new("index_entry", message));
            progress.event(Event::StageFailed(&rec));
            errors.push(rec);
            if let Some(i) = found.inputs.iter().position(|x| x.path == source) {
                stage_failures.entry(i).or_default().push(Stage::Index);
            }
        }
        summary.index = Some((path, built));
    }

    // Errors, duplicates and the manifest.
    errors.sort();
    summary.failed = errors.len() as u64;
    let mut buf = Vec::new();
    for e in &errors {
        serde_json::to_writer(&mut buf, e)?;
        buf.push(b'\n');
    }
    dir.write("errors.jsonl", "errors.jsonl", &buf)
        .map_err(|e| out_err(&out.join("errors.jsonl"), e))?;

    // Duplicates and the manifest, streamed in source-path order (discovery
    // failures merged in), so that nothing per input accumulates here.
    #[derive(Serialize)]
    struct DuplicateLine<'a> {
        path: &'a str,
        duplicate_of: &'a str,
        sha256: &'a str,
    }
    let mut dups = Vec::new();
    let mut manifest = ManifestWriter::create(&dir)?;
    let mut early = found.failures.iter().peekable();
    for (i, input) in found.inputs.iter().enumerate() {
        while let Some((p, f)) = early.next_if(|(p, _)| p.as_str() <= input.path) {
            manifest.entry(&Entry::failed(p.clone(), None, f.kind))?;
        }
        let sha256 = (!matches!(plans[i], Plan::Failed(_))).then(|| hashes[i].hex());
        let mut entry = Entry::failed(input.path.to_string(), sha256, "not_run");
        match &plans[i] {
            Plan::Duplicate(j) => {
                summary.duplicates += 1;
                let first = found.inputs.path(*j);
                serde_json::to_writer(
                    &mut dups,
                    &DuplicateLine {
                        path: input.path,
                        duplicate_of: first,
                        sha256: entry.sha256.as_deref().unwrap_or(""),
                    },
                )?;
                dups.push(b'\n');
                entry.status = Status::Duplicate;
                entry.error_kind = None;
                entry.duplicate_of = Some(first.to_string());
            }
            Plan::Failed(f) => entry.error_kind = Some(f.kind.to_string()),
            Plan::Convert | Plan::Reuse => match outcomes[i] {
                Some(Ok(())) => {
                    entry.status = Status::Converted;
                    entry.error_kind = None;
                    entry.json = Some(names.get(i, input.path));
                    if let Some(stages) = stage_failures.get(&i) {
                        let mut stages: Vec<String> =
                            stages.iter().map(|s| s.name().to_string()).collect();
                        stages.sort();
                        stages.dedup();
                        entry.failed_stages = stages;
                    }
                }
                Some(Err(kind)) => entry.error_kind = Some(kind.to_string()),
                None => {}
            },
        }
        manifest.entry(&entry)?;
    }
    for (p, f) in early {
        manifest.entry(&Entry::failed(p.clone(), None, f.kind))?;
    }
    dir.write("duplicates.jsonl", "duplicates.jsonl", &dups)
        .map_err(|e| out_err(&out.join("duplicates.jsonl"), e))?;

    // Outputs of the previous run that this run did not produce (inputs gone,
    // now duplicates or failing) are removed, so OUT matches a clean run.
    if !old.entries.is_empty() {
        let mut stale: HashSet<&str> = old
            .entries
            .iter()
            .filter_map(|e| e.json.as_deref())
            .collect();
        for (i, input) in found.inputs.iter().enumerate() {
            if matches!(outcomes[i], Some(Ok(()))) {
                stale.remove(names.get(i, input.path).as_str());
            }
        }
        // In the previous manifest's order, as before.
        for e in &old.entries {
            if let Some(j) = e.json.as_deref().filter(|j| stale.remove(j)) {
                if naming::is_safe_relative(j) {
                    dir.remove(j).map_err(|err| out_err(&out.join(j), err))?;
                }
            }
        }
    }

    opts.pause("manifest", out);
    manifest.commit(&dir)?;
    dir.finish().map_err(|e| out_err(out, e))?;
    Ok(summary)
}

/// A content hash and size.
#[derive(Debug, Clone, Copy)]
struct Hash {
    sha256: [u8; 32],
    size: u64,
}

impl Hash {
    fn hex(&self) -> String {
        to_hex(&self.sha256)
    }
}

/// Writes `manifest.json` one entry at a time (one entry per line).
struct ManifestWriter {
    w: BufWriter<File>,
    first: bool,
}

impl ManifestWriter {
    fn create(dir: &AtomicDir) -> Result<ManifestWriter, PipelineError> {
        let path = dir.temp_path(MANIFEST_FILE);
        let f = File::create(&path).map_err(|e| out_err(&path, e))?;
        let mut w = BufWriter::new(f);
        w.write_all(b"{\"tool\":\"reportdex\",\"entries\":[")
            .map_err(|e| out_err(&path, e))?;
        Ok(ManifestWriter { w, first: true })
    }

    fn entry(&mut self, e: &Entry) -> Result<(), PipelineError> {
        let sep: &[u8] = if self.first { b"\n" } else { b",\n" };
        self.first = false;
        self.w
            .write_all(sep)
            .map_err(|err| out_err(Path::new(MANIFEST_FILE), err))?;
        serde_json::to_writer(&mut self.w, e)?;
        Ok(())
    }

    fn commit(mut self, dir: &AtomicDir) -> Result<(), PipelineError> {
        let path = dir.temp_path(MANIFEST_FILE);
        self.w.write_all(b"\n]}\n").map_err(|e| out_err(&path, e))?;
        let f = self
            .w
            .into_inner()
            .map_err(|e| out_err(&path, e.into_error()))?;
        drop(f);
        dir.commit(&path, MANIFEST_FILE)
            .map_err(|e| out_err(&path, e))
    }
}

/// Decide per input: failed read, duplicate of an earlier identical input,
/// unchanged since the previous run, or to convert. Also returns the hashes
/// (zero for a failed read, whose plan holds the failure).
fn plan(
    inputs: &Inputs,
    names: &naming::Names,
    hashed: Vec<Result<Hash, Failure>>,
    old: &Manifest,
    force: bool,
    out: &Path,
) -> (Vec<Plan>, Vec<Hash>) {
    let previous = old.converted_by_json();
    let mut first: HashMap<[u8; 32], usize> = HashMap::new();
    let mut plans = Vec::with_capacity(inputs.len());
    let mut hashes = Vec::with_capacity(inputs.len());
    for ((i, input), h) in inputs.iter().enumerate().zip(hashed) {
        let p = match h {
            Err(f) => {
                hashes.push(Hash {
                    sha256: [0; 32],
                    size: 0,
                });
                Plan::Failed(Box::new(f))
            }
            Ok(h) => {
                hashes.push(h);
                if let Some(&j) = first.get(&h.sha256) {
                    Plan::Duplicate(j)
                } else {
                    first.insert(h.sha256, i);
                    let name = names.get(i, input.path);
                    let unchanged = !force
                        && previous.get(name.as_str()).is_some_and(|e| {
                            *e.path == *input.path
                                && e.sha256.as_deref() == Some(h.hex().as_str())
                                && e.tool_version == TOOL_VERSION
                                && e.schema_version == SCHEMA_VERSION
                                // A stage failed last time: try it again.
                                && e.failed_stages.is_empty()
                        })
                        && out.join(&name).is_file();
                    if unchanged {
                        Plan::Reuse
                    } else {
                        Plan::Convert
                    }
                }
            }
        };
        plans.push(p);
    }
    (plans, hashes)
}

/// What the workers share.
struct Ctx<'a> {
    inputs: &'a Inputs,
    names: &'a naming::Names,
    hashes: &'a [Hash],
    plans: &'a [Plan],
    opts: &'a Options,
    dir: &'a AtomicDir,
}

impl Weigh for Done {
    fn heap_bytes(&self) -> usize {
        match self {
            Done::Rows { rows, index, .. } => {
                rows.heap_bytes() + index.as_ref().map_or(0, |i| i.heap_bytes())
            }
            Done::Failed(..) => 0,
        }
    }
}

/// Message of a panic payload.
fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "panic with a non-string payload".to_string()
    }
}

/// Convert (or reuse) input `i`; `k` is its position in the work list.
fn process(ctx: &Ctx<'_>, i: usize, k: usize) -> Done {
    let result = catch_unwind(AssertUnwindSafe(|| {
        if ctx.plans[i] == Plan::Reuse {
            if let Some((rows, index)) = reuse(ctx, i) {
                return Done::Rows {
                    rows: Box::new(rows),
                    index,
                    converted: false,
                    stages: Vec::new(),
                };
            }
        }
        convert_one(ctx, i, k)
    }));
    // The safety net: every stage catches its own panics (see `stage`), so
    // this one only sees a panic outside them.
    result.unwrap_or_else(|payload| {
        let msg = panic_message(payload.as_ref());
        tracing::error!("{}: panic while converting: {msg}", ctx.inputs.path(i));
        Done::Failed(
            Stage::Convert,
            Failure::new(
                "panic",
                format!("internal error (panic) while converting: {msg}"),
            ),
        )
    })
}

/// The profile stage of one document: the report is kept in `doc` and
/// returned serialized, once, for the document's JSON and its line in
/// reports.jsonl (`None`: not an annual report).
fn profile_stage(
    opts: &Options,
    path: &str,
    doc: &mut DocumentOutput,
) -> Result<Option<crate::json::RawJson>, (Stage, Failure)> {
    let report = stage(opts, path, Stage::Profile, || {
        let Some(r) = crate::profile::analyze(doc.profile_view()) else {
            return Ok(None);
        };
        // Sized like the last report's JSON on this thread: reports of one
        // archive are alike, and the text is tens of KB.
        thread_local! {
            static LAST: crate::memory::LastLen = const { crate::memory::LastLen::new() };
        }
        let buf = String::with_capacity(LAST.with(|l| l.hint(1 << 20)));
        let raw = crate::json::to_raw_json_in(&r, buf)
            .map_err(|e| Failure::new("output_io", format!("cannot serialize the profile: {e}")))?;
        LAST.with(|l| l.record(raw.get().len()));
        Ok(Some((r, raw)))
    })?;
    Ok(report.map(|(r, raw)| {
        doc.report = Some(r);
        raw
    }))
}

/// Run one stage of one document: its typed error, or a panic inside it
/// (a bug, reported with kind `panic`), becomes that stage's failure. The
/// test hook [`Options::fail_stage`] is honoured first.
fn stage<T>(
    opts: &Options,
    path: &str,
    stage: Stage,
    f: impl FnOnce() -> Result<T, Failure>,
) -> Result<T, (Stage, Failure)> {
    opts.injected(stage, path).map_err(|e| (stage, e))?;
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(r) => r.map_err(|e| (stage, e)),
        Err(payload) => {
            let msg = panic_message(payload.as_ref());
            tracing::error!("{path}: panic in stage {}: {msg}", stage.name());
            Err((
                stage,
                Failure::new(
                    "panic",
                    format!("internal error (panic) in stage {}: {msg}", stage.name()),
                ),
            ))
        }
    }
}

/// Rows of an unchanged input, read back from its output; `None` when that
/// output is unreadable or not the one expected (then it is converted again).
fn reuse(ctx: &Ctx<'_>, i: usize) -> Option<(Rows, Option<Box<IndexLines>>)> {
    let name = ctx.names.get(i, ctx.inputs.path(i));
    let bytes = std::fs::read(ctx.dir.root().join(&name)).ok()?;
    let doc: DocumentOutput = serde_json::from_slice(&bytes).ok()?;
    let hash = &ctx.hashes[i];
    if *doc.source.path != *ctx.inputs.path(i) || doc.source.sha256 != hash.hex() {
        return None;
    }
    let rows = dataset::rows_as(&doc, &name, ctx.opts.datasets).ok()?;
    let index = index_lines(ctx.opts, &doc, &name).ok()?;
    Some((rows, index))
}

/// A document's lines for the index, when the run builds one.
fn index_lines(
    opts: &Options,
    doc: &DocumentOutput,
    json_rel: &str,
) -> Result<Option<Box<IndexLines>>, Failure> {
    opts.index
        .then(|| crate::index::prepared::lines(doc, json_rel).map(Box::new))
        .transpose()
        .map_err(|e| {
            Failure::new(
                "index_entry",
                format!("cannot serialize the index lines: {e}"),
            )
        })
}

/// Convert input `i` stage by stage: `input` and `convert` (no document
/// without them), then `profile`, `dataset` and `json`. A failed `profile` or
/// `dataset` costs only its own output; a failed `json` loses the document.
fn convert_one(ctx: &Ctx<'_>, i: usize, k: usize) -> Done {
    let input = ctx.inputs.get(i);
    let name = ctx.names.get(i, input.path);
    let mut failed = Vec::new();
    let mut doc = match convert_stages(ctx, i) {
        Ok(doc) => doc,
        Err((s, f)) => return Done::Failed(s, f),
    };
    // The profile is serialized once, for the document's JSON and its line in
    // reports.jsonl.
    let report = profile_stage(ctx.opts, input.path, &mut doc).unwrap_or_else(|e| {
        failed.push(e);
        None
    });
    let rows = stage(ctx.opts, input.path, Stage::Dataset, || {
        dataset::rows_with_report(&doc, &name, report.as_ref(), ctx.opts.datasets)
            .map_err(|e| Failure::new("output_io", e.to_string()))
    });
    // The index lines only with the report line they stand for, so that the
    // index holds what `reportdex index OUT` would read from reports.jsonl; a
    // failure costs only the document's index entry (stage `index`).
    let (rows, index) = match rows {
        Ok(rows) => {
            // Not a `stage`: the test hook of stage `index` acts in the
            // index build, as for `reportdex index`.
            let index = index_lines(ctx.opts, &doc, &name).unwrap_or_else(|e| {
                failed.push((Stage::Index, e));
                None
            });
            (rows, index)
        }
        Err(e) => {
            failed.push(e);
            (Rows::default(), None)
        }
    };
    // Compact: a pretty-printed report is a third larger (every grid index on
    // its own line) and writing it dominated the batch; `jq .` formats it.
    // Streamed into the file: the JSON is about ten times the input's size.
    let written = stage(ctx.opts, input.path, Stage::Json, || {
        let json = DocumentJson::new(&doc, report.as_ref());
        ctx.dir
            .write_with(&name, &format!("doc-{k}.json"), |w| {
                crate::json::to_writer(&mut *w, &json).map_err(std::io::Error::from)?;
                w.write_all(b"\n")
            })
            .map_err(|e| Failure::new("output_io", format!("cannot write {name}: {e}")))
    });
    if let Err((s, f)) = written {
        tracing::debug!("{}: JSON not written", input.path);
        return Done::Failed(s, f);
    }
    Done::Rows {
        rows: Box::new(rows),
        index,
        converted: true,
        stages: failed,
    }
}

/// The `input` and `convert` stages: the document's bytes and its model
/// (without the profile).
fn convert_stages(ctx: &Ctx<'_>, i: usize) -> Result<DocumentOutput, (Stage, Failure)> {
    let input = ctx.inputs.get(i);
    if let Some(needle) = &ctx.opts.panic_on {
        if input.path.contains(needle.as_str()) {
            // Deliberate, documented test hook (`Options::panic_on`); outside
            // the stages, so that it reaches the safety net.
            panic!("test panic requested for {}", input.path);
        }
    }
    tracing::debug!("converting {}", input.path);
    let bytes = stage(ctx.opts, input.path, Stage::Input, || {
        input.read(&ctx.opts.inputs)
    })?;
    stage(ctx.opts, input.path, Stage::Convert, || {
        // The hash pass already hashed these bytes; reuse it unless the input
        // changed size since (then hash what is converted).
        let sha256 = match &ctx.hashes[i] {
            h if h.size == bytes.len() as u64 => h.hex(),
            _ => crate::convert::sha256_hex(&bytes),
        };
        Ok(convert_unprofiled(
            bytes,
            input.path,
            sha256,
            &ctx.opts.convert,
        )?)
    })
}

/// A [`DocumentOutput`] as the pipeline writes it: the same JSON, with the
/// profile serialized beforehand (its bytes also go into reports.jsonl).
#[derive(Serialize)]
struct DocumentJson<'a> {
    schema_version: &'a str,
    source: &'a crate::output::Source,
    properties: &'a crate::model::Properties,
    title: &'a Option<String>,
    sections: &'a [crate::output::Section],
    notes: &'a [crate::model::Note],
    headers: &'a [crate::model::HeaderFooter],
    footers: &'a [crate::model::HeaderFooter],
    warnings: &'a [crate::model::Warning],
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    partial: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    report: Option<&'a crate::json::RawJson>,
}

impl<'a> DocumentJson<'a> {
    /// `report` must be `doc.report` as JSON.
    fn new(doc: &'a DocumentOutput, report: Option<&'a crate::json::RawJson>) -> Self {
        // Every field named, so that a field added to DocumentOutput fails to
        // compile here instead of going missing from the files.
        let DocumentOutput {
            schema_version,
            source,
            properties,
            title,
            sections,
            notes,
            headers,
            footers,
            warnings,
            partial,
            report: _,
        } = doc;
        DocumentJson {
            schema_version,
            source,
            properties,
            title,
            sections,
            notes,
            headers,
            footers,
            warnings,
            partial: *partial,
            report,
        }
    }
}

/// The streamed dataset files (`reports.jsonl`, then the CSV and Parquet
/// files of the formats chosen), built in the temporary directory and renamed
/// into OUT at the end.
struct DatasetSink {
    reports: BufWriter<File>,
    /// `metrics.csv` and `tables.csv`.
    csv: Option<[BufWriter<File>; 2]>,
    /// `reports.parquet`, `metrics.parquet` and `tables.parquet`.
    parquet: Option<[ParquetWriter; 3]>,
    /// The lines the index is built from, when the run builds one.
    index: Option<PreparedWriter>,
}

const REPORTS_FILE: &str = "reports.jsonl";
/// Temporary files of the index lines (see [`crate::index::prepared`]).
const INDEX_ENTRIES: &str = "index-entries.jsonl";
const INDEX_TEXTS: &str = "index-texts.jsonl";
const CSV_FILES: [&str; 2] = ["metrics.csv", "tables.csv"];
const PARQUET_FILES: [&str; 3] = ["reports.parquet", "metrics.parquet", "tables.parquet"];

/// A Parquet file that could not be written, as the run's output error.
fn parquet_err(name: &str) -> impl Fn(super::parquet::ParquetDatasetError) -> PipelineError + '_ {
    move |e| PipelineError::Output {
        path: name.to_string(),
        source: std::io::Error::other(e),
    }
}

/// Chunks at least this long go straight to the file.
const DIRECT_WRITE: usize = 16 * 1024;

/// Append a document's rows to `w`: a long chunk (a document's CSV rows are
/// tens of KB) is written to the file directly, after what is buffered,
/// instead of being copied into the buffer first.
fn write_chunk(w: &mut BufWriter<File>, chunk: &[u8]) -> std::io::Result<()> {
    if chunk.len() < DIRECT_WRITE {
        return w.write_all(chunk);
    }
    w.flush()?;
    w.get_mut().write_all(chunk)
}

impl DatasetSink {
    fn create(
        dir: &AtomicDir,
        bom: bool,
        formats: Formats,
        index: bool,
    ) -> Result<DatasetSink, PipelineError> {
        let open =
            |name: &str, header: Option<&[&str]>| -> Result<BufWriter<File>, PipelineError> {
                let path = dir.temp_path(name);
                let f = File::create(&path).map_err(|e| out_err(&path, e))?;
                let mut w = BufWriter::with_capacity(1 << 16, f);
                if let Some(cols) = header {
                    if bom {
                        w.write_all(b"\xEF\xBB\xBF")
                            .map_err(|e| out_err(&path, e))?;
                    }
                    let row = dataset::header_row(cols)
                        .map_err(|e| out_err(&path, std::io::Error::other(e.to_string())))?;
                    w.write_all(&row).map_err(|e| out_err(&path, e))?;
                }
                Ok(w)
            };
        let csv = if formats.csv {
            Some([
                open(CSV_FILES[0], Some(&METRICS_HEADER))?,
                open(CSV_FILES[1], Some(&TABLES_HEADER))?,
            ])
        } else {
            None
        };
        let parquet = if formats.parquet {
            let create = |name: &str, spec| {
                ParquetWriter::create(&dir.temp_path(name), spec).map_err(parquet_err(name))
            };
            Some([
                create(PARQUET_FILES[0], &REPORTS_COLUMNS)?
                    .with_row_group_rows(REPORT_ROW_GROUP_ROWS),
                create(PARQUET_FILES[1], &METRICS_COLUMNS)?,
                create(PARQUET_FILES[2], &TABLES_COLUMNS)?,
            ])
        } else {
            None
        };
        let index = if index {
            Some(PreparedWriter::create(
                dir.temp_path(INDEX_ENTRIES),
                dir.temp_path(INDEX_TEXTS),
            )?)
        } else {
            None
        };
        Ok(DatasetSink {
            reports: open(REPORTS_FILE, None)?,
            csv,
            parquet,
            index,
        })
    }

    fn append(&mut self, rows: Rows, index: Option<Box<IndexLines>>) -> Result<(), PipelineError> {
        let io = |name: &str, e| out_err(Path::new(name), e);
        write_chunk(&mut self.reports, &rows.report_line).map_err(|e| io(REPORTS_FILE, e))?;
        if let Some([metrics, tables]) = &mut self.csv {
            write_chunk(metrics, &rows.metrics).map_err(|e| io(CSV_FILES[0], e))?;
            write_chunk(tables, &rows.tables).map_err(|e| io(CSV_FILES[1], e))?;
        }
        // A document whose dataset stage failed has no rows (and no Parquet
        // batch): like the CSV, the Parquet files leave it out.
        if let (Some([reports, metrics, tables]), Some(pq)) = (&mut self.parquet, rows.parquet) {
            reports
                .append(pq.reports)
                .map_err(parquet_err(PARQUET_FILES[0]))?;
            metrics
                .append(pq.metrics)
                .map_err(parquet_err(PARQUET_FILES[1]))?;
            tables
                .append(pq.tables)
                .map_err(parquet_err(PARQUET_FILES[2]))?;
        }
        if let (Some(w), Some(lines)) = (&mut self.index, index) {
            w.append(*lines)?;
        }
        Ok(())
    }

    /// Finish the files and move them into OUT; the files of a format not
    /// written are removed (left by an earlier run, they would be stale).
    /// Returns the index lines' writer, to build the index from.
    fn commit(self, dir: &AtomicDir) -> Result<Option<PreparedWriter>, PipelineError> {
        let mut writers = vec![(self.reports, REPORTS_FILE)];
        match self.csv {
            Some(csv) => writers.extend(csv.into_iter().zip(CSV_FILES)),
            None => {
                for name in CSV_FILES {
                    dir.remove(name)
                        .map_err(|e| out_err(&dir.root().join(name), e))?;
                }
            }
        }
        for (w, name) in writers {
            let path = dir.temp_path(name);
            let f = w.into_inner().map_err(|e| out_err(&path, e.into_error()))?;
            drop(f);
            dir.commit(&path, name).map_err(|e| out_err(&path, e))?;
        }
        match self.parquet {
            Some(files) => {
                for (w, name) in files.into_iter().zip(PARQUET_FILES) {
                    w.finish().map_err(parquet_err(name))?;
                    let path = dir.temp_path(name);
                    dir.commit(&path, name).map_err(|e| out_err(&path, e))?;
                }
            }
            None => {
                for name in PARQUET_FILES {
                    dir.remove(name)
                        .map_err(|e| out_err(&dir.root().join(name), e))?;
                }
            }
        }
        Ok(self.index)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn document_json_writes_what_document_output_serializes_to() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/samples");
        let mut checked = 0;
        for e in std::fs::read_dir(dir).unwrap().flatten() {
            let p = e.path();
            if !matches!(p.extension().and_then(|x| x.to_str()), Some("docx" | "odt")) {
                continue;
            }
            let doc = crate::convert::convert_file(&p, "x", &Default::default()).unwrap();
            assert!(doc.report.is_some());
            let report = doc
                .report
                .as_ref()
                .map(|r| crate::json::to_raw_json(r).unwrap());
            // What the pipeline writes (our serializer) against serde_json's
            // serialization of the document itself.
            let ours = crate::json::to_vec(&DocumentJson::new(&doc, report.as_ref())).unwrap();
            assert_eq!(ours, serde_json::to_vec(&doc).unwrap(), "{}", p.display());
            let both = Formats::default();
            let rows = dataset::rows_with_report(&doc, "x.json", report.as_ref(), both).unwrap();
            assert_eq!(rows, dataset::rows_as(&doc, "x.json", both).unwrap());
            checked += 1;
        }
        assert!(checked >= 20, "{checked}");
        // Without a profile the field is left out, as DocumentOutput does.
        let mut doc = crate::convert::convert_file(
            std::path::Path::new(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/samples/hanyang_wenlv_2020.docx"
            )),
            "x",
            &Default::default(),
        )
        .unwrap();
        doc.report = None;
        let ours = crate::json::to_vec(&DocumentJson::new(&doc, None)).unwrap();
        assert_eq!(ours, serde_json::to_vec(&doc).unwrap());
    }
}
