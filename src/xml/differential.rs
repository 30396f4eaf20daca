//! The own tokenizer against quick-xml's, event by event: on every XML part of
//! the public corpus and the samples, and on mutated copies of some of them.

use super::*;
use std::path::{Path, PathBuf};

/// Every event (or the error) of `bytes`, through the own tokenizer or, with
/// `quick_only`, through quick-xml alone (the path for non-UTF-8 parts).
pub(super) fn events(bytes: &[u8], quick_only: bool) -> Vec<String> {
    let mut r = XmlReader::new(bytes, "p.xml", Limits::default());
    if quick_only {
        r.input_str = None;
    }
    let mut out = Vec::new();
    loop {
        match r.next() {
            Ok(Ev::Eof) => {
                out.push(format!("EOF at {}", r.offset()));
                return out;
            }
            Ok(ev) => out.push(event_string(&ev)),
            Err(e) => {
                out.push(error_string(&e));
                return out;
            }
        }
    }
}

/// An event (other than the end of the part) as [`events`] lists it.
pub(super) fn event_string(ev: &Ev<'_>) -> String {
    match ev {
        Ev::Start(e) => {
            let attrs: Vec<String> = e
                .attrs()
                .map(|a| {
                    format!(
                        "{:?}:{}={}",
                        a.ns,
                        String::from_utf8_lossy(a.local),
                        a.value
                    )
                })
                .collect();
            format!(
                "S {:?}:{} {}",
                e.ns,
                String::from_utf8_lossy(e.local),
                attrs.join(" ")
            )
        }
        Ev::End(ns, local) => format!("E {ns:?}:{}", String::from_utf8_lossy(local)),
        Ev::Text(t) => format!("T {t}"),
        Ev::Eof => "EOF".into(),
    }
}

/// An error as [`events`] lists it. Offsets are compared on the events'
/// side (EOF); error offsets of the two paths are only required to be close.
pub(super) fn error_string(e: &ReadError) -> String {
    match e {
        ReadError::Xml { message, .. } => format!("ERR {message}"),
        e => format!("ERR {e}"),
    }
}

/// Markup characters, inserted one at a time by the mutation tests.
const MARKUP: [&[u8]; 8] = [b"<", b">", b"&", b"\"", b"'", b"/", b"=", b" "];

/// `doc` cut at `at`, without its byte at `at`, and with each of `inserts`
/// inserted at `at`.
pub(super) fn mutations_at(doc: &[u8], at: usize, inserts: &[&[u8]]) -> Vec<Vec<u8>> {
    let mut variants = vec![doc[..at].to_vec()];
    if at < doc.len() {
        let mut d = doc.to_vec();
        d.remove(at);
        variants.push(d);
    }
    for ins in inserts {
        let mut m = doc.to_vec();
        m.splice(at..at, ins.iter().copied());
        variants.push(m);
    }
    variants
}

/// The two paths give the same events (or error) on `bytes`.
fn assert_same(bytes: &[u8], context: &dyn std::fmt::Display) {
    assert_eq!(events(bytes, false), events(bytes, true), "{context}");
}

pub(super) fn documents() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    let mut dirs = vec![root.join("../shared/corpus/public"), root.join("samples")];
    while let Some(d) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                dirs.push(p);
            } else if matches!(p.extension().and_then(|x| x.to_str()), Some("docx" | "odt")) {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// The XML parts of a document that is valid UTF-8 (the own tokenizer's
/// domain).
pub(super) fn xml_parts(path: &Path) -> Vec<(String, Vec<u8>)> {
    let Ok(bytes) = std::fs::read(path) else {
        return Vec::new();
    };
    // Read with the zip crate, not the container layer above this one.
    let Ok(mut zip) = zip::ZipArchive::new(std::io::Cursor::new(bytes)) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for i in 0..zip.len() {
        let Ok(mut member) = zip.by_index(i) else {
            continue;
        };
        let name = member.name().to_string();
        if !(name.ends_with(".xml") || name.ends_with(".rels")) {
            continue;
        }
        let mut b = Vec::new();
        if std::io::Read::read_to_end(&mut member, &mut b).is_ok()
            && std::str::from_utf8(&b).is_ok()
        {
            out.push((name, b));
        }
    }
    out
}

#[test]
fn same_events_on_real_parts() {
    let docs = documents();
    assert!(docs.len() > 200, "corpus not found: {}", docs.len());
    let mut parts = 0;
    for d in &docs {
        for (name, b) in xml_parts(d) {
            assert_same(&b, &format_args!("{} {name}", d.display()));
            parts += 1;
        }
    }
    assert!(parts > 1000, "{parts} parts");
}

#[test]
fn same_events_on_mutated_parts() {
    // Deterministic mutations (ASCII only, so the part stays UTF-8): markup
    // characters inserted, bytes removed, tags cut.
    let inserts: Vec<&[u8]> = MARKUP
        .iter()
        .copied()
        .chain([
            &b"</w:p>"[..],
            b"<x>",
            b"<!--",
            b"&amp;",
            b"&#x41;",
            b"&bogus;",
            b"<![CDATA[x]]>",
            b"<?pi?>",
            b"xmlns:w=\"urn:x\" ",
            b"a=\"1\" a=\"2\"",
        ])
        .collect();
    let docs = documents();
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let mut cases = 0;
    for d in docs.iter().step_by(3) {
        for (name, b) in xml_parts(d).into_iter().take(3) {
            let b: Vec<u8> = b.into_iter().take(20_000).collect();
            for _ in 0..30 {
                let mut m = b.clone();
                let at = (next() as usize) % m.len().max(1);
                let at = (at..m.len()).find(|&i| m[i].is_ascii()).unwrap_or(m.len());
                match next() % 3 {
                    0 => {
                        let ins = inserts[(next() as usize) % inserts.len()];
                        m.splice(at..at, ins.iter().copied());
                    }
                    1 if at < m.len() => {
                        m.remove(at);
                    }
                    _ => m.truncate(at),
                }
                if std::str::from_utf8(&m).is_err() {
                    continue;
                }
                assert_same(&m, &format_args!("{} {name} mutated at {at}", d.display()));
                cases += 1;
            }
        }
    }
    assert!(cases > 1000, "{cases} cases");
}

#[test]
fn same_events_on_every_small_mutation() {
    // Every single-byte deletion, every cut and every insertion of a markup
    // fragment, at every position of a document using each kind of token.
    let doc = br#"<?xml version="1.0"?><!-- c --><w:document xmlns:w="urn:w" xmlns:v='urn:v'><w:p w:a="1" v:b='x&amp;y'><w:r><w:t xml:space="preserve"> a &lt;b&gt; &#x4E00; </w:t><w:br/><w:tab /></w:r><![CDATA[<c>]]><?pi x?></w:p ><p xmlns="urn:d" c="3"/></w:document>"#;
    let inserts: Vec<&[u8]> = MARKUP
        .iter()
        .copied()
        .chain([
            &b"xmlns:w=\"urn:x\" "[..],
            b"a=\"1\" a=\"2\"",
            b"</w:p>",
            b"<!--",
            b"&bogus;",
        ])
        .collect();
    let mut cases = 0;
    for at in 0..=doc.len() {
        for m in mutations_at(doc, at, &inserts) {
            assert_same(&m, &String::from_utf8_lossy(&m));
            cases += 1;
        }
    }
    assert!(cases > 3000, "{cases}");
}
