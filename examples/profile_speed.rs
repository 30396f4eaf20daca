//! Timing of the conversion stages over a directory of documents (single thread):
//! reading + structure, normalization (`fill_normalized`), profile (`analyze`).
//!
//! `cargo run --release --example profile_speed -- /tmp/profbench [rounds]`
//! (`DUMP=file` also writes every output as one JSON line, to compare versions).

use reportdex::convert::{convert_bytes, ConvertOptions};
use std::time::{Duration, Instant};

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = args.next().unwrap_or_else(|| "/tmp/profbench".to_string());
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
    let opts = ConvertOptions::default();
    let n = data.len() as f64;
    let mut docs = Vec::new();
    let t = Instant::now();
    for (name, bytes) in &data {
        if let Ok(d) = convert_bytes(bytes.clone(), name, &opts) {
            docs.push(d);
        }
    }
    let total = t.elapsed();
    let (mut tn, mut ta) = (Duration::ZERO, Duration::ZERO);
    let mut reports = 0;
    for _ in 0..rounds {
        for d in docs.iter_mut() {
            let t = Instant::now();
            reportdex::normalize::fill_normalized(&mut d.sections);
            tn += t.elapsed();
            let t = Instant::now();
            let r = reportdex::profile::analyze(d);
            ta += t.elapsed();
            reports += r.is_some() as usize;
        }
    }
    if let Ok(path) = std::env::var("DUMP") {
        let mut all = String::new();
        for d in &docs {
            all.push_str(&serde_json::to_string(d).expect("json"));
            all.push('\n');
        }
        std::fs::write(path, all).expect("write dump");
    }
    let per = |d: Duration, k: f64| d.as_secs_f64() * 1e3 / k;
    println!(
        "{} docs: full conversion {:.3} ms/doc ({:.0} docs/s/core); normalization {:.3} ms/doc; analysis {:.3} ms/doc; reports {}",
        docs.len(),
        per(total, n),
        n / total.as_secs_f64(),
        per(tn, n * rounds as f64),
        per(ta, n * rounds as f64),
        reports / rounds as usize
    );
}
