//! Integration tests of the ODT reader: in-memory packages built with `zip`
//! (including non-default namespace prefixes) and the public ODT corpus
//! (`../shared/corpus/public`, LibreOffice plain-text exports as references).

use reportdex::container::{Limits, Package};
use reportdex::model::{Block, Document, Table};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/public")
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else { return };
    let mut entries: Vec<_> = rd.flatten().map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            walk(&p, out);
        } else if p.extension().is_some_and(|e| e == "odt") {
            out.push(p);
        }
    }
}

fn table_chars(t: &Table, out: &mut String) {
    for c in &t.cells {
        out.push_str(&c.text);
        out.push('\n');
        for n in &c.tables {
            table_chars(n, out);
        }
    }
}

/// All text we extract: body paragraphs, table cells (recursively), notes,
/// headers and footers.
fn all_text(doc: &Document) -> String {
    let mut s = String::new();
    for b in &doc.body {
        match b {
            Block::Paragraph(p) => {
                s.push_str(&p.text);
                s.push('\n');
            }
            Block::Table(t) => table_chars(t, &mut s),
        }
    }
    for n in &doc.notes {
        s.push_str(&n.text);
        s.push('\n');
    }
    for h in doc.headers.iter().chain(&doc.footers) {
        s.push_str(&h.text);
        s.push('\n');
    }
    s
}

fn char_counts(s: &str) -> HashMap<char, usize> {
    let mut m = HashMap::new();
    for c in s.chars().filter(|c| c.is_alphanumeric()) {
        *m.entry(c).or_insert(0) += 1;
    }
    m
}

/// (matched, reference total) of the alphanumeric multiset.
fn coverage(ours: &str, reference: &str) -> (usize, usize) {
    let o = char_counts(ours);
    let r = char_counts(reference);
    let total = r.values().sum();
    let matched = r
        .iter()
        .map(|(c, n)| (*n).min(o.get(c).copied().unwrap_or(0)))
        .sum();
    (matched, total)
}

fn read_with_timeout(path: &Path) -> Result<Result<Document, String>, String> {
    let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let res = Package::open(bytes, Limits::default())
            .and_then(|mut pkg| reportdex::read::read(&mut pkg))
            .map_err(|e| format!("{} ({e})", e.kind()));
        let _ = tx.send(res);
    });
    rx.recv_timeout(Duration::from_secs(60))
        .map_err(|_| format!("{}: no result within 60 s (hang or panic)", path.display()))
}

/// Files below 90 % coverage, with the reason (checked one by one).
const EXCEPTIONS: &[(&str, &str)] = &[];

#[test]
fn corpus_coverage() {
    let mut files = Vec::new();
    walk(&corpus_dir(), &mut files);
    assert!(!files.is_empty(), "no .odt files under {}", corpus_dir().display());
    let (mut sum_m, mut sum_t) = (0usize, 0usize);
    let mut failures = Vec::new();
    println!("{:>7} {:>7} {:>7}  file", "cover", "ref", "ours");
    for path in &files {
        let rel = path.strip_prefix(corpus_dir()).unwrap_or(path).display().to_string();
        let outcome = read_with_timeout(path).unwrap_or_else(|e| panic!("{e}"));
        let reference = {
            let mut p = path.clone().into_os_string();
            p.push(".ref.txt");
            std::fs::read_to_string(PathBuf::from(p)).ok()
        };
        match (outcome, reference) {
            (Ok(doc), Some(reference)) => {
                let ours = all_text(&doc);
                let (m, t) = coverage(&ours, &reference);
                sum_m += m;
                sum_t += t;
                let pct = if t == 0 { 100.0 } else { 100.0 * m as f64 / t as f64 };
                println!("{pct:>6.1}% {t:>7} {:>7}  {rel}", char_counts(&ours).values().sum::<usize>());
                if pct < 90.0 && !EXCEPTIONS.iter().any(|(f, _)| rel.ends_with(f)) {
                    failures.push(format!("{rel}: {pct:.1}%"));
                }
            }
            (Ok(doc), None) => println!("{:>7} {:>7} {:>7}  {rel} (no reference; {} blocks)", "-", "-", "-", doc.body.len()),
            (Err(e), _) => println!("{:>7} {:>7} {:>7}  {rel} (error: {e})", "-", "-", "-"),
        }
    }
    let agg = 100.0 * sum_m as f64 / sum_t.max(1) as f64;
    println!("aggregate coverage: {agg:.2}% ({sum_m}/{sum_t}) over {} files", files.len());
    assert!(failures.is_empty(), "files below 90%: {failures:#?}");
    assert!(agg >= 98.0, "aggregate coverage {agg:.2}% < 98%");
}
