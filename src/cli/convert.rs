//! `reportdex convert`: arguments to pipeline options, run, summary, exit status.

use super::args::{ConvertArgs, GlobalArgs};
use super::printer::Printer;
use super::ExitStatus;
use anyhow::Context;
use reportdex::pipeline::{self, Options};
use std::io::IsTerminal;
use std::time::Instant;

/// Hidden test hook: abort after this many documents (see `Options::abort_after`).
const ENV_ABORT_AFTER: &str = "REPORTDEX_TEST_ABORT_AFTER";
/// Hidden test hook: panic on inputs whose path contains this (`Options::panic_on`).
const ENV_PANIC_ON: &str = "REPORTDEX_TEST_PANIC_ON";

/// Run the conversion.
pub fn run(args: ConvertArgs, global: &GlobalArgs) -> anyhow::Result<ExitStatus> {
    let opts = Options {
        jobs: args.jobs.map(usize::from),
        force: args.force,
        no_bom: args.no_bom,
        abort_after: std::env::var(ENV_ABORT_AFTER)
            .ok()
            .and_then(|v| v.parse().ok()),
        panic_on: std::env::var(ENV_PANIC_ON).ok().filter(|v| !v.is_empty()),
        ..Options::default()
    };
    let show_bar = !global.quiet
        && !global.no_progress
        && global.verbose == 0
        && std::io::stderr().is_terminal();
    let printer = Printer::new(show_bar, global.quiet);
    let started = Instant::now();
    let summary = pipeline::run(&args.inputs, &args.out, &opts, &printer)
        .with_context(|| format!("converting into {}", args.out.display()))?;
    printer.finish(&summary, started.elapsed());
    if args.no_index {
        tracing::debug!("--no-index: OUT/index.json not built");
    } else {
        super::index::build_and_write(&args.out, None, global.quiet)?;
    }
    Ok(if summary.failed > 0 {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    })
}
