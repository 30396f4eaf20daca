//! `reportdex convert`: arguments to pipeline options, run, summary, exit status.

use super::args::{ConvertArgs, DatasetFormat, GlobalArgs};
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
/// Hidden test hook: `STAGE:NEEDLE`, make STAGE fail for inputs whose path
/// contains NEEDLE (`Options::fail_stage`).
const ENV_FAIL_STAGE: &str = "REPORTDEX_TEST_FAIL_STAGE";
/// Hidden test hook: sleep at this named point (`Options::pause_at`).
const ENV_PAUSE_AT: &str = "REPORTDEX_TEST_PAUSE_AT";

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
        fail_stage: std::env::var(ENV_FAIL_STAGE).ok().and_then(|v| {
            let (stage, needle) = v.split_once(':')?;
            let stage = pipeline::Stage::ALL
                .into_iter()
                .find(|s| s.name() == stage)?;
            Some((stage, needle.to_string()))
        }),
        pause_at: std::env::var(ENV_PAUSE_AT).ok().filter(|v| !v.is_empty()),
        index: !args.no_index,
        datasets: pipeline::dataset::Formats {
            csv: args.dataset.contains(&DatasetFormat::Csv),
            parquet: args.dataset.contains(&DatasetFormat::Parquet),
        },
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
    match &summary.index {
        Some((path, built)) => super::index::print(path, built, global.quiet, None),
        None => tracing::debug!("--no-index: OUT/index.json not built"),
    }
    Ok(if summary.failed > 0 {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    })
}
