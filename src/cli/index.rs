//! `reportdex index OUT`: build OUT/index.json (also run at the end of `convert`).

use super::args::{GlobalArgs, IndexArgs};
use super::ExitStatus;
use anyhow::Context;
use reportdex::index::{self, BuildSummary};
use std::path::Path;

/// Run `reportdex index`.
pub fn run(args: IndexArgs, global: &GlobalArgs) -> anyhow::Result<ExitStatus> {
    match (args.inputs.as_slice(), &args.out) {
        ([dir], None) => build_and_write(dir, args.aliases.as_deref(), global.quiet)?,
        (_, None) => anyhow::bail!("several INs: name the directory to write to with -o OUT"),
        (inputs, Some(out)) => {
            let started = std::time::Instant::now();
            let (path, summary) =
                index::build_and_write_merged(inputs, out, args.aliases.as_deref())
                    .with_context(|| format!("indexing into {}", out.display()))?;
            print(&path, &summary, global.quiet, Some(started.elapsed()));
        }
    }
    Ok(ExitStatus::Success)
}

/// Build the index of `out`, write `out/index.json`, print a summary line.
/// The index is written one agency at a time, never held whole in memory.
pub fn build_and_write(out: &Path, aliases: Option<&Path>, quiet: bool) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let (path, summary) = index::build_and_write_dir(out, aliases)
        .with_context(|| format!("indexing {}", out.display()))?;
    print(&path, &summary, quiet, Some(started.elapsed()));
    Ok(())
}

/// Log the problems of an index written to `path` and (unless quiet) print its
/// summary line.
pub fn print(
    path: &Path,
    summary: &BuildSummary,
    quiet: bool,
    elapsed: Option<std::time::Duration>,
) {
    for p in &summary.problems {
        tracing::info!(
            "index: {}{}{}",
            p.line.map(|l| format!("line {l}: ")).unwrap_or_default(),
            p.path
                .as_deref()
                .map(|f| format!("{f}: "))
                .unwrap_or_default(),
            p.message
        );
    }
    if !quiet {
        let time = elapsed
            .map(|d| format!(" in {:.2} s", d.as_secs_f64()))
            .unwrap_or_default();
        eprintln!("reportdex: {}{time}", summary_line(summary));
        eprintln!("reportdex: wrote {}", path.display());
    }
}

/// One-line summary of an index.
pub fn summary_line(s: &BuildSummary) -> String {
    format!(
        "index: {} agencies, {} reports, {} not placed, {} conflicting agency-years, \
         {} carry-over (R6) warnings, {} R7 soft warnings, {} ambiguous names, {} problems",
        s.agencies,
        s.reports,
        s.unassigned,
        s.conflicts,
        s.r6_failed,
        s.r7_failed,
        s.ambiguous_names,
        s.problems.len()
    )
}
