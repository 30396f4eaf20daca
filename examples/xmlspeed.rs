//! Raw speed of the layers under the readers on one directory: inflating the
//! main part, the bare XML event loop, and the full reader.
//!
//! `cargo run --release --example xmlspeed -- DIR`

use reportdex::container::{Limits, Package};
use reportdex::xml::{Ev, XmlReader};
use std::time::Instant;

fn main() {
    let dir = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "/tmp/c200".into());
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("docx" | "odt")))
        .collect();
    files.sort();
    let data: Vec<Vec<u8>> = files
        .iter()
        .map(|p| std::fs::read(p).expect("read"))
        .collect();
    let n = data.len() as f64;
    let t = Instant::now();
    let mut parts = Vec::new();
    for b in &data {
        let mut pkg = Package::open(b.clone(), Limits::default()).expect("open");
        let main = pkg.main_part().to_string();
        parts.push(pkg.required_part(&main).expect("part"));
    }
    let unzip = t.elapsed().as_secs_f64();
    let bytes: usize = parts.iter().map(Vec::len).sum();
    let t = Instant::now();
    let mut events = 0usize;
    let reps: usize = std::env::var("XML_REPS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1);
    for p in parts.iter().cycle().take(parts.len() * reps) {
        let mut r = XmlReader::new(p, "main", Limits::default());
        loop {
            match r.next().expect("xml") {
                Ev::Eof => break,
                _ => events += 1,
            }
        }
    }
    let xml = t.elapsed().as_secs_f64() / reps as f64;
    events /= reps;
    if reps > 1 {
        println!("bare XmlReader loop       {:.3} ms/doc", xml * 1e3 / n);
        return;
    }
    let t = Instant::now();
    for p in &parts {
        let mut r = quick_xml::Reader::from_reader(p.as_slice());
        r.config_mut().expand_empty_elements = true;
        r.config_mut().check_end_names = true;
        loop {
            match r.read_event().expect("xml") {
                quick_xml::events::Event::Eof => break,
                e => {
                    std::hint::black_box(e);
                }
            }
        }
    }
    let qx = t.elapsed().as_secs_f64();
    let t = Instant::now();
    for b in &data {
        let mut pkg = Package::open(b.clone(), Limits::default()).expect("open");
        let _ = reportdex::read::read(&mut pkg).expect("read");
    }
    let full = t.elapsed().as_secs_f64();
    println!(
        "{} docs, main part {:.0} KB/doc, {:.0} events/doc",
        data.len(),
        bytes as f64 / n / 1024.0,
        events as f64 / n
    );
    println!("open + inflate main part  {:.3} ms/doc", unzip * 1e3 / n);
    println!(
        "bare XmlReader loop       {:.3} ms/doc  ({:.0} MB/s)",
        xml * 1e3 / n,
        bytes as f64 / xml / 1e6
    );
    println!(
        "bare quick-xml loop       {:.3} ms/doc  ({:.0} MB/s)",
        qx * 1e3 / n,
        bytes as f64 / qx / 1e6
    );
    println!("full read (all parts)     {:.3} ms/doc", full * 1e3 / n);
}
