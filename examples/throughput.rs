//! Conversion throughput: reads every `.docx`/`.odt` directly inside DIR (or below
//! it) into memory first, then converts each with `reportdex::convert::convert_bytes`
//! and serializes the result with `serde_json::to_vec`, as the pipeline does, on a
//! rayon pool of N threads. Prints documents/s and MB/s of input.
//!
//! ```text
//! cargo run --release --example throughput -- DIR [--threads N] [--repeat R]
//! ```
//!
//! `--repeat R` converts the whole set R times (default 1) for steadier figures.
//! `--out OUT` also writes each document's JSON to OUT/<file name>.json (or
//! `.error.txt`), e.g. to check that an optimization changes no output; the time
//! then includes the writing.
//! Reading happens before the clock starts, so disk speed is not measured.
//! On Linux the process CPU time of the conversion is printed too (docs per
//! CPU-second): on a shared machine that figure is steadier than the wall clock.

use rayon::prelude::*;
use reportdex::convert::{convert_bytes, ConvertOptions};
use std::path::{Path, PathBuf};
use std::time::Instant;

fn collect(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect(&path, out)?;
        } else if matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("docx" | "odt")
        ) {
            out.push(path);
        }
    }
    Ok(())
}

/// User + system CPU time of this process in seconds (Linux `/proc/self/stat`,
/// in clock ticks of 1/100 s); `None` elsewhere.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let rest = &stat[stat.rfind(')')? + 1..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // After the command name: state is field 3; utime and stime are 14 and 15.
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) / 100.0)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let mut dir: Option<PathBuf> = None;
    let mut threads = 1usize;
    let mut repeat = 1usize;
    let mut out: Option<PathBuf> = None;
    while let Some(a) = args.next() {
        match a.as_str() {
            "--threads" => threads = args.next().ok_or("--threads needs a value")?.parse()?,
            "--repeat" => repeat = args.next().ok_or("--repeat needs a value")?.parse()?,
            "--out" => out = Some(args.next().ok_or("--out needs a value")?.into()),
            _ if dir.is_none() => dir = Some(PathBuf::from(a)),
            _ => return Err(format!("unexpected argument {a:?}").into()),
        }
    }
    let dir = dir.ok_or("usage: throughput DIR [--threads N] [--repeat R] [--out OUT]")?;
    if let Some(out) = &out {
        std::fs::create_dir_all(out)?;
    }
    let mut paths = Vec::new();
    collect(&dir, &mut paths)?;
    paths.sort();
    let files: Vec<(String, Vec<u8>)> = paths
        .iter()
        .map(|p| {
            let rel = p.strip_prefix(&dir).unwrap_or(p).display().to_string();
            Ok((rel, std::fs::read(p)?))
        })
        .collect::<std::io::Result<_>>()?;
    let total_bytes: usize = files.iter().map(|(_, b)| b.len()).sum();
    if files.is_empty() {
        return Err("no .docx/.odt files found".into());
    }
    println!(
        "{} files, {:.1} MB, average {:.1} KB; {} thread(s), {} repeat(s)",
        files.len(),
        total_bytes as f64 / 1e6,
        total_bytes as f64 / files.len() as f64 / 1e3,
        threads,
        repeat
    );
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()?;
    let opts = ConvertOptions::default();
    let cpu_start = cpu_seconds();
    let start = Instant::now();
    let (ok, failed, json_bytes) = pool.install(|| {
        (0..repeat)
            .map(|_| {
                files
                    .par_iter()
                    .map(|(name, bytes)| {
                        let result = convert_bytes(bytes.clone(), name, &opts)
                            .map_err(|e| e.to_string())
                            .and_then(|doc| serde_json::to_vec(&doc).map_err(|e| e.to_string()));
                        if let Some(out) = &out {
                            let flat = name.replace(['/', '\\'], "__");
                            let written = match &result {
                                Ok(json) => std::fs::write(out.join(flat + ".json"), json),
                                Err(e) => std::fs::write(out.join(flat + ".error.txt"), e),
                            };
                            if let Err(e) = written {
                                eprintln!("writing output for {name}: {e}");
                            }
                        }
                        match result {
                            Ok(json) => (1usize, 0usize, json.len()),
                            Err(_) => (0, 1, 0),
                        }
                    })
                    .reduce(|| (0, 0, 0), |a, b| (a.0 + b.0, a.1 + b.1, a.2 + b.2))
            })
            .fold((0, 0, 0), |a, b| (a.0 + b.0, a.1 + b.1, a.2 + b.2))
    });
    let secs = start.elapsed().as_secs_f64();
    let cpu = match (cpu_start, cpu_seconds()) {
        (Some(a), Some(b)) if b > a => Some(b - a),
        _ => None,
    };
    let docs = (files.len() * repeat) as f64;
    println!(
        "{ok} converted, {failed} failed, {:.1} MB JSON in {secs:.2}s: {:.0} docs/s, {:.1} MB/s",
        json_bytes as f64 / 1e6,
        docs / secs,
        (total_bytes * repeat) as f64 / 1e6 / secs
    );
    if let Some(cpu) = cpu {
        println!(
            "CPU {cpu:.2}s: {:.0} docs per CPU-second, {:.1} MB per CPU-second",
            docs / cpu,
            (total_bytes * repeat) as f64 / 1e6 / cpu
        );
    }
    Ok(())
}
