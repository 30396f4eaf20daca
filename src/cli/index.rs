//! `reportdex index OUT`: build OUT/index.json (also run at the end of `convert`).

use super::args::{GlobalArgs, IndexArgs};
use super::ExitStatus;
use anyhow::Context;
use reportdex::index::{self, CheckStatus, Index};
use std::path::Path;

/// Run `reportdex index`.
pub fn run(args: IndexArgs, global: &GlobalArgs) -> anyhow::Result<ExitStatus> {
    build_and_write(&args.out, args.aliases.as_deref(), global.quiet)?;
    Ok(ExitStatus::Success)
}

/// Build the index of `out`, write `out/index.json`, print a summary line.
pub fn build_and_write(out: &Path, aliases: Option<&Path>, quiet: bool) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let idx =
        index::build_dir(out, aliases).with_context(|| format!("indexing {}", out.display()))?;
    let path = index::write(&idx, out).with_context(|| format!("indexing {}", out.display()))?;
    for p in &idx.problems {
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
        eprintln!(
            "reportdex: {} in {:.2} s",
            summary(&idx),
            started.elapsed().as_secs_f64()
        );
        eprintln!("reportdex: wrote {}", path.display());
    }
    Ok(())
}

/// One-line summary of an index.
pub fn summary(idx: &Index) -> String {
    let reports: usize = idx
        .agencies
        .iter()
        .flat_map(|a| &a.years)
        .map(|y| y.reports.len())
        .sum();
    let conflicts = idx
        .agencies
        .iter()
        .flat_map(|a| &a.years)
        .filter(|y| y.conflict && y.values_agree != Some(true))
        .count();
    let r6 = idx
        .agencies
        .iter()
        .flat_map(|a| &a.cross_checks)
        .filter(|c| c.rule == "R6" && c.status == CheckStatus::Fail)
        .count();
    let r7 = idx
        .agencies
        .iter()
        .flat_map(|a| &a.cross_checks)
        .filter(|c| c.rule == "R7" && c.status == CheckStatus::Fail)
        .count();
    format!(
        "index: {} agencies, {reports} reports, {} not placed, {conflicts} conflicting agency-years, \
         {r6} carry-over (R6) warnings, {r7} R7 soft warnings, {} ambiguous names, {} problems",
        idx.agencies.len(),
        idx.unassigned.len(),
        idx.ambiguous_names.len(),
        idx.problems.len()
    )
}
