//! Where one document's time goes in a batch, stage by stage (single thread,
//! inputs already in memory, output written nowhere):
//! unzip + XML reading, section tree, normalization, profile, JSON
//! serialization, dataset rows (CSV).
//!
//! `cargo run --release --example stages -- DIR [rounds]`

use reportdex::container::{Limits, Package};
use reportdex::output::Source;
use std::time::{Duration, Instant};

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = args.next().unwrap_or_else(|| "/tmp/c200".to_string());
    let rounds: u32 = args.next().and_then(|s| s.parse().ok()).unwrap_or(3);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("read dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            matches!(
                p.extension().and_then(|e| e.to_str()),
                Some("docx") | Some("odt")
            )
        })
        .collect();
    files.sort();
    let data: Vec<(String, Vec<u8>)> = files
        .iter()
        .map(|p| (p.display().to_string(), std::fs::read(p).expect("read")))
        .collect();
    const STAGES: [&str; 7] = [
        "unzip+read",
        "structure",
        "normalize",
        "profile",
        "json",
        "rows",
        "total",
    ];
    let mut t = [Duration::ZERO; 7];
    let (mut json_bytes, mut row_bytes, mut docs) = (0usize, 0usize, 0usize);
    for _ in 0..rounds {
        for (name, bytes) in &data {
            let start = Instant::now();
            let mut lap = start;
            let mut mark = |i: usize, t: &mut [Duration; 7]| {
                let now = Instant::now();
                t[i] += now - lap;
                lap = now;
            };
            let Ok(mut pkg) = Package::open(bytes.clone(), Limits::default()) else {
                continue;
            };
            let format = pkg.format();
            let Ok(doc) = reportdex::read::read(&mut pkg) else {
                continue;
            };
            mark(0, &mut t);
            let built = reportdex::structure::build(doc);
            mark(1, &mut t);
            let source = Source {
                path: name.clone(),
                format,
                size: bytes.len() as u64,
                sha256: String::new(),
            };
            let mut out = reportdex::convert::assemble(built, source);
            reportdex::normalize::fill_normalized(&mut out.sections);
            mark(2, &mut t);
            out.report = reportdex::profile::analyze(out.profile_view());
            mark(3, &mut t);
            let json = serde_json::to_vec(&out).expect("json");
            mark(4, &mut t);
            let rows = reportdex::pipeline::dataset::rows(&out, "x.json").expect("rows");
            mark(5, &mut t);
            t[6] += start.elapsed();
            json_bytes += json.len();
            row_bytes += rows.report_line.len() + rows.metrics.len() + rows.tables.len();
            docs += 1;
        }
    }
    let n = docs.max(1) as f64;
    println!(
        "{} documents x {rounds} rounds; JSON {:.0} KB/doc, rows {:.0} KB/doc",
        data.len(),
        json_bytes as f64 / n / 1024.0,
        row_bytes as f64 / n / 1024.0
    );
    let total = t[6].as_secs_f64();
    for (name, d) in STAGES.iter().zip(t) {
        println!(
            "{name:<12} {:7.3} ms/doc  {:5.1}%",
            d.as_secs_f64() * 1000.0 / n,
            100.0 * d.as_secs_f64() / total
        );
    }
}
