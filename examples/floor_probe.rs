//! Floor probe of `make bench` (issue 13): the least work any converter must
//! do per report, to set `reportdex convert`'s speed against. For every
//! `.docx`/`.odt` under DIR it reads the file, opens the zip, inflates the
//! main part (`word/document.xml` or `content.xml`, with libdeflate as the
//! readers do) and tokenizes it with quick-xml — nothing else — on a rayon pool
//! of JOBS threads (default 2), then prints reports/s.
//!
//! `cargo run --release --example floor_probe -- DIR [JOBS]`
//!
//! Output (one line, parsed by `scripts/bench.sh`):
//! `floor probe (-j 2): 2000 docs 0.52 s 3846 docs/s (…)`.

use quick_xml::events::Event;
use rayon::prelude::*;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Every `.docx`/`.odt` under `dir`, sorted.
fn collect(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for e in std::fs::read_dir(dir)? {
        let p = e?.path();
        if p.is_dir() {
            collect(&p, out)?;
        } else if matches!(
            p.extension()
                .and_then(|e| e.to_str())
                .map(str::to_ascii_lowercase)
                .as_deref(),
            Some("docx" | "odt")
        ) {
            out.push(p);
        }
    }
    Ok(())
}

/// Read, unzip, inflate and tokenize one report; returns (main part bytes,
/// XML events). `inflater` is the worker's own, as in the readers (making one
/// per part costs a tenth of inflating a small one).
fn probe(inflater: &mut libdeflater::Decompressor, path: &Path) -> Result<(usize, usize), String> {
    let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| e.to_string())?;
    let name = ["word/document.xml", "content.xml"]
        .into_iter()
        .find(|n| zip.index_for_name(n).is_some())
        .ok_or("no main part")?;
    let index = zip.index_for_name(name).ok_or("no main part")?;
    let mut member = zip.by_index_raw(index).map_err(|e| e.to_string())?;
    let size = member.size() as usize;
    let stored = member.compression() == zip::CompressionMethod::Stored;
    let mut raw = Vec::with_capacity(member.compressed_size() as usize);
    member.read_to_end(&mut raw).map_err(|e| e.to_string())?;
    let xml = if stored {
        raw
    } else {
        let mut xml = vec![0; size];
        let n = inflater
            .deflate_decompress(&raw, &mut xml)
            .map_err(|e| format!("{e:?}"))?;
        xml.truncate(n);
        xml
    };
    let mut reader = quick_xml::Reader::from_reader(xml.as_slice());
    let mut buf = Vec::new();
    let mut events = 0;
    loop {
        match reader
            .read_event_into(&mut buf)
            .map_err(|e| e.to_string())?
        {
            Event::Eof => break,
            _ => events += 1,
        }
        buf.clear();
    }
    Ok((xml.len(), events))
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(args.next().ok_or("usage: floor_probe DIR [JOBS]")?);
    let jobs: usize = args.next().map(|j| j.parse()).transpose()?.unwrap_or(2);
    let pool = rayon::ThreadPoolBuilder::new().num_threads(jobs).build()?;
    let t = Instant::now();
    let mut files = Vec::new();
    collect(&dir, &mut files)?;
    files.sort();
    let results: Vec<Result<(usize, usize), String>> = pool.install(|| {
        files
            .par_iter()
            .map_init(libdeflater::Decompressor::new, |d, p| probe(d, p))
            .collect()
    });
    let secs = t.elapsed().as_secs_f64();
    let mut xml_bytes = 0;
    let mut events = 0;
    for (p, r) in files.iter().zip(&results) {
        match r {
            Ok((b, e)) => {
                xml_bytes += b;
                events += e;
            }
            Err(e) => return Err(format!("{}: {e}", p.display()).into()),
        }
    }
    let n = files.len();
    println!(
        "floor probe (-j {jobs}): {n} docs {secs:.2} s {:.0} docs/s ({:.1} MB of XML inflated, {events} XML events)",
        n as f64 / secs.max(1e-9),
        xml_bytes as f64 / 1e6
    );
    Ok(())
}
