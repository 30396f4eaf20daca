//! `reportdex compare OUT --agency NAME | --all`: print or write the comparison.
//! Exit 1 when the agency is unknown or ambiguous (candidates on stderr).

use super::args::CompareArgs;
use super::ExitStatus;
use anyhow::Context;
use reportdex::compare::{self, CompareError, CompareOptions};
use reportdex::index::{self, IndexError};
use std::io::Write;

/// Is `OUT/index.json` older than `OUT/reports.jsonl` (after `convert --no-index`)?
fn is_stale(out: &std::path::Path) -> bool {
    let mtime = |name: &str| {
        std::fs::metadata(out.join(name))
            .and_then(|m| m.modified())
            .ok()
    };
    matches!(
        (mtime(index::INDEX_FILE), mtime(index::REPORTS_FILE)),
        (Some(i), Some(r)) if i < r
    )
}

/// Run `reportdex compare`.
pub fn run(args: CompareArgs) -> anyhow::Result<ExitStatus> {
    let idx = match index::read(&args.out) {
        Ok(idx) => {
            if is_stale(&args.out) {
                eprintln!(
                    "reportdex: warning: {} is older than {}: run `reportdex index {}`",
                    args.out.join(index::INDEX_FILE).display(),
                    index::REPORTS_FILE,
                    args.out.display()
                );
            }
            idx
        }
        Err(IndexError::MissingIndex(p)) => {
            tracing::info!("{} missing: building the index in memory", p.display());
            index::build_dir(&args.out, args.aliases.as_deref())
                .with_context(|| format!("indexing {}", args.out.display()))?
        }
        Err(e) => return Err(e.into()),
    };
    let opts = CompareOptions {
        agency: args.agency,
        all: args.all,
        years: args.years,
        metrics: args.metrics,
        format: args.format,
    };
    let text = match compare::run(&idx, &opts) {
        Ok(t) => t,
        Err(e) if e.exit_code() == 1 => {
            let (head, list) = match &e {
                CompareError::AmbiguousAgency { query, candidates } => (
                    format!(
                        "{query:?} matches {} agencies; name one of:",
                        candidates.len()
                    ),
                    candidates,
                ),
                CompareError::UnknownAgency { query, candidates } if !candidates.is_empty() => (
                    format!("no agency matches {query:?}; similar names:"),
                    candidates,
                ),
                _ => (e.to_string(), &Vec::new()),
            };
            eprintln!("reportdex: {head}");
            for c in list {
                eprintln!("  {c}");
            }
            return Ok(ExitStatus::Failure);
        }
        Err(e) => return Err(e.into()),
    };
    match &args.output {
        Some(path) => {
            std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))?
        }
        None => {
            let mut out = std::io::stdout().lock();
            if let Err(e) = out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
                // A closed pipe (`| head`) is not an error.
                if e.kind() != std::io::ErrorKind::BrokenPipe {
                    return Err(e).context("writing to stdout");
                }
            }
        }
    }
    Ok(ExitStatus::Success)
}
