//! Benchmark of the index and compare stages on a synthetic data set
//! (`make bench` runs it through `scripts/bench_index.sh`).
//!
//! Usage: `cargo run --release --example bench_index -- [REPORTS] [DIR]`
//! (default 10000 reports: 2000 agencies × 5 years, in a temporary directory;
//! `--reuse` keeps an existing data set in DIR). The compare site goes to DIR/site.

use reportdex::compare::{self, CompareOptions, Format};
use reportdex::index::{self, synthetic};
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let reports: usize = args
        .get(1)
        .filter(|a| !a.starts_with("--"))
        .map(|s| s.parse())
        .transpose()?
        .unwrap_or(10_000);
    let tmp;
    let dir = match args.get(2) {
        Some(d) => std::path::PathBuf::from(d),
        None => {
            tmp = tempfile::tempdir()?;
            tmp.path().to_path_buf()
        }
    };
    let years = 5;
    let spec = synthetic::SyntheticSpec {
        agencies: reports.div_ceil(years),
        first_year: 2019,
        years,
    };
    let t = Instant::now();
    let reuse = args.iter().any(|a| a == "--reuse") && dir.join("reports.jsonl").is_file();
    let n = if reuse {
        reports
    } else {
        synthetic::write_dataset(&dir, &spec)?
    };
    let size = std::fs::metadata(dir.join("reports.jsonl"))?.len();
    println!(
        "generated {n} reports ({} agencies × {years} years), reports.jsonl {:.1} MB, in {:.2?}",
        spec.agencies,
        size as f64 / 1e6,
        t.elapsed()
    );

    let t = Instant::now();
    let idx = index::build_dir(&dir, None)?;
    let build = t.elapsed();
    let t = Instant::now();
    let path = index::write(&idx, &dir)?;
    let write = t.elapsed();
    let isize = std::fs::metadata(&path)?.len();
    println!(
        "index: build {build:.2?} (incl. text similarity), write {write:.2?}, index.json {:.1} MB, {} agencies, {} problems",
        isize as f64 / 1e6,
        idx.agencies.len(),
        idx.problems.len()
    );

    let t = Instant::now();
    let idx = index::read(&dir)?;
    println!("index: read {:.2?}", t.elapsed());

    let agency = idx
        .agencies
        .get(idx.agencies.len() / 2)
        .map(|a| a.key.clone());
    for (label, opts) in [
        (
            "compare one agency, table",
            CompareOptions {
                agency: agency.clone(),
                format: Format::Table,
                ..Default::default()
            },
        ),
        (
            "compare --all --format json",
            CompareOptions {
                all: true,
                format: Format::Json,
                ..Default::default()
            },
        ),
        (
            "compare --all --format csv",
            CompareOptions {
                all: true,
                format: Format::Csv,
                ..Default::default()
            },
        ),
    ] {
        let t = Instant::now();
        let out = compare::run(&idx, &opts)?;
        println!(
            "{label}: {:.2?}, {:.1} MB",
            t.elapsed(),
            out.len() as f64 / 1e6
        );
    }
    // `compare --all --format html`: the static site, written agency by agency.
    let site_dir = dir.join("site");
    let t = Instant::now();
    let site = compare::site::write(
        &idx,
        &CompareOptions {
            all: true,
            format: Format::Html,
            ..Default::default()
        },
        &site_dir,
    )?;
    println!(
        "compare --all --format html (site): {:.2?}, {} agency pages + index, {:.1} MB, largest page {:.0} KB",
        t.elapsed(),
        site.agency_pages,
        site.bytes as f64 / 1e6,
        site.largest.1 as f64 / 1024.0
    );
    Ok(())
}
