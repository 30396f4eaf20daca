//! `reportdex compare OUT --agency NAME | --all`: print or write the comparison.
//! Exit 1 when the agency is unknown or ambiguous (candidates on stderr).
//! `--all --format html -o DIR` writes a static site (see [`compare::site`]).

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

/// Warn when `OUT/index.json` is older than `OUT/reports.jsonl`.
fn warn_if_stale(out: &std::path::Path) {
    if is_stale(out) {
        eprintln!(
            "reportdex: warning: {} is older than {}: run `reportdex index {}`",
            out.join(index::INDEX_FILE).display(),
            index::REPORTS_FILE,
            out.display()
        );
    }
}

/// `--all --format html`: the static site into the `-o` directory, streamed
/// from `OUT/index.json` (or from an index built in memory when it is missing).
fn write_site(
    out: &std::path::Path,
    aliases: Option<&std::path::Path>,
    opts: &CompareOptions,
    dir: Option<&std::path::Path>,
) -> anyhow::Result<ExitStatus> {
    let Some(dir) = dir else {
        eprintln!(
            "reportdex: --all --format html writes a site (index.html and one page per agency): \
             name its directory with -o DIR"
        );
        return Ok(ExitStatus::Error);
    };
    let site = if out.join(index::INDEX_FILE).is_file() {
        warn_if_stale(out);
        compare::site::write_from_index_file(out, opts, dir)?
    } else {
        tracing::info!("no {}: building the index in memory", index::INDEX_FILE);
        let idx = index::build_dir(out, aliases)
            .with_context(|| format!("indexing {}", out.display()))?;
        compare::site::write(&idx, opts, dir)?
    };
    eprintln!(
        "reportdex: wrote {} and {} agency pages in {}/ ({:.1} MB; largest page {} KB: {})",
        site.index.display(),
        site.agency_pages,
        dir.join(compare::site::AGENCIES_DIR).display(),
        site.bytes as f64 / 1e6,
        site.largest.1.div_ceil(1024),
        site.largest.0.display()
    );
    Ok(ExitStatus::Success)
}

/// Run `reportdex compare`.
pub fn run(args: CompareArgs) -> anyhow::Result<ExitStatus> {
    let opts = CompareOptions {
        agency: args.agency,
        all: args.all,
        years: args.years,
        metrics: args.metrics,
        format: args.format,
    };
    if opts.all && opts.format == compare::Format::Html {
        return write_site(
            &args.out,
            args.aliases.as_deref(),
            &opts,
            args.output.as_deref(),
        );
    }
    let idx = match index::read(&args.out) {
        Ok(idx) => {
            warn_if_stale(&args.out);
            idx
        }
        Err(IndexError::MissingIndex(p)) => {
            tracing::info!("{} missing: building the index in memory", p.display());
            index::build_dir(&args.out, args.aliases.as_deref())
                .with_context(|| format!("indexing {}", args.out.display()))?
        }
        Err(e) => return Err(e.into()),
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
            const SHOWN: usize = 30;
            for c in list.iter().take(SHOWN) {
                eprintln!("  {c}");
            }
            if list.len() > SHOWN {
                eprintln!("  … and {} more: give a longer name", list.len() - SHOWN);
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
