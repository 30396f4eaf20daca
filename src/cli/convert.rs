//! `reportdex convert`: arguments to pipeline options, run, summary, exit status.

use super::args::{ConvertArgs, GlobalArgs};
use super::printer::Printer;
use super::ExitStatus;
use anyhow::Context;
use reportdex::pipeline::{self, Options};
use std::io::{BufWriter, IsTerminal, Read};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Hidden test hook: abort after this many documents (see `Options::abort_after`).
const ENV_ABORT_AFTER: &str = "REPORTDEX_TEST_ABORT_AFTER";
/// Hidden test hook: panic on inputs whose path contains this (`Options::panic_on`).
const ENV_PANIC_ON: &str = "REPORTDEX_TEST_PANIC_ON";
/// Hidden test hook: `STAGE:NEEDLE`, make STAGE fail for inputs whose path
/// contains NEEDLE (`Options::fail_stage`).
const ENV_FAIL_STAGE: &str = "REPORTDEX_TEST_FAIL_STAGE";
/// Hidden test hook: sleep at this named point (`Options::pause_at`).
const ENV_PAUSE_AT: &str = "REPORTDEX_TEST_PAUSE_AT";

/// Run the conversion.
pub fn run(args: ConvertArgs, global: &GlobalArgs) -> anyhow::Result<ExitStatus> {
    if args.null && !args.stdin_paths {
        anyhow::bail!("-0 (--null) separates the paths read with --stdin-paths: give both");
    }
    let opts = Options {
        jobs: args.jobs.map(usize::from),
        force: args.force,
        no_bom: args.no_bom,
        abort_after: std::env::var(ENV_ABORT_AFTER)
            .ok()
            .and_then(|v| v.parse().ok()),
        panic_on: std::env::var(ENV_PANIC_ON).ok().filter(|v| !v.is_empty()),
        fail_stage: std::env::var(ENV_FAIL_STAGE).ok().and_then(|v| {
            let (stage, needle) = v.split_once(':')?;
            let stage = pipeline::Stage::ALL
                .into_iter()
                .find(|s| s.name() == stage)?;
            Some((stage, needle.to_string()))
        }),
        pause_at: std::env::var(ENV_PAUSE_AT).ok().filter(|v| !v.is_empty()),
        index: !args.no_index,
        root_naming: if args.stdin_paths {
            pipeline::RootNaming::AsGiven
        } else {
            pipeline::RootNaming::LastComponent
        },
        ..Options::default()
    };
    let inputs = if args.stdin_paths {
        read_stdin_paths(args.null).context("reading input paths from standard input")?
    } else {
        args.inputs
    };
    let show_bar = !global.quiet
        && !global.no_progress
        && global.verbose == 0
        && std::io::stderr().is_terminal();
    let started = Instant::now();
    let (Some(out), None) = (&args.out, &args.jsonl) else {
        // --jsonl: no OUT; failures are JSON lines on stderr instead of
        // human-readable lines.
        let printer = Printer::new(show_bar, global.quiet).without_failure_lines();
        let summary = stream(&inputs, args.jsonl.as_deref(), &opts, &printer)?;
        printer.finish(&summary, started.elapsed());
        return Ok(status(&summary));
    };
    let printer = Printer::new(show_bar, global.quiet);
    let summary = pipeline::run(&inputs, out, &opts, &printer)
        .with_context(|| format!("converting into {}", out.display()))?;
    printer.finish(&summary, started.elapsed());
    match &summary.index {
        Some((path, built)) => super::index::print(path, built, global.quiet, None),
        None => tracing::debug!("--no-index: OUT/index.json not built"),
    }
    Ok(status(&summary))
}

fn status(summary: &pipeline::Summary) -> ExitStatus {
    if summary.failed > 0 {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    }
}

/// `--jsonl FILE|-`: documents as JSON lines to FILE or stdout, error records
/// as JSON lines on stderr.
fn stream(
    inputs: &[PathBuf],
    target: Option<&Path>,
    opts: &Options,
    printer: &Printer,
) -> anyhow::Result<pipeline::Summary> {
    let mut errors = std::io::stderr();
    let summary = match target {
        None => anyhow::bail!("--jsonl or -o OUT is required"),
        Some(p) if p == Path::new("-") => {
            let stdout = std::io::stdout().lock();
            let mut data = BufWriter::with_capacity(1 << 16, stdout);
            pipeline::stream(inputs, opts, &mut data, &mut errors, printer)
                .context("writing JSON lines to standard output")?
        }
        Some(p) => {
            let file =
                std::fs::File::create(p).with_context(|| format!("creating {}", p.display()))?;
            let mut data = BufWriter::with_capacity(1 << 16, file);
            pipeline::stream(inputs, opts, &mut data, &mut errors, printer)
                .with_context(|| format!("writing JSON lines to {}", p.display()))?
        }
    };
    Ok(summary)
}

/// The input paths given on standard input: separated by newlines (a `\r`
/// before the newline is dropped) or, with `-0`, by NUL bytes; empty entries
/// are ignored. On Unix the bytes are taken as they are (file names need not
/// be UTF-8); elsewhere they must be UTF-8. The list is read whole before the
/// run starts (a path is small; the documents are what is streamed).
fn read_stdin_paths(null: bool) -> anyhow::Result<Vec<PathBuf>> {
    let mut bytes = Vec::new();
    std::io::stdin().lock().read_to_end(&mut bytes)?;
    let sep = if null { b'\0' } else { b'\n' };
    let mut paths = Vec::new();
    for entry in bytes.split(|&b| b == sep) {
        let entry = if null {
            entry
        } else {
            entry.strip_suffix(b"\r").unwrap_or(entry)
        };
        if entry.is_empty() {
            continue;
        }
        paths.push(path_from_bytes(entry)?);
    }
    Ok(paths)
}

#[cfg(unix)]
fn path_from_bytes(bytes: &[u8]) -> anyhow::Result<PathBuf> {
    use std::os::unix::ffi::OsStrExt;
    Ok(PathBuf::from(std::ffi::OsStr::from_bytes(bytes)))
}

#[cfg(not(unix))]
fn path_from_bytes(bytes: &[u8]) -> anyhow::Result<PathBuf> {
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(PathBuf::from(s)),
        Err(_) => anyhow::bail!(
            "a path on standard input is not UTF-8: {}",
            String::from_utf8_lossy(bytes)
        ),
    }
}
