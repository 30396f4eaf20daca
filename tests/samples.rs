//! Every sample in `samples/` converts, matches what the generator put in it
//! (`samples/expected/<file>.json`: title, headings as displayed, table grids),
//! validates against the schema, and the DOCX and ODT versions of each report
//! give the same sections, paragraphs and tables.

mod support;

use reportdex::convert::{convert_file, ConvertOptions};
use reportdex::output::{Content, DocumentOutput, Section};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::PathBuf;

fn samples() -> Vec<PathBuf> {
    support::files_with_ext(&support::root().join("samples"), &["docx", "odt"])
}

fn convert(path: &std::path::Path) -> DocumentOutput {
    let rel = path
        .strip_prefix(support::root())
        .unwrap()
        .to_string_lossy()
        .to_string();
    convert_file(path, &rel, &ConvertOptions::default())
        .unwrap_or_else(|e| panic!("{} does not convert: {e}", path.display()))
}

fn headings(s: &[Section], out: &mut Vec<(u8, String)>) {
    for sec in s {
        if sec.level > 0 {
            out.push((sec.level, sec.title.clone()));
        }
        headings(&sec.sections, out);
    }
}

fn tables(s: &[Section], out: &mut Vec<Value>) {
    for sec in s {
        for c in &sec.content {
            if let Content::Table(t) = c {
                let cells: Vec<Value> = t
                    .cells
                    .iter()
                    .map(|c| {
                        json!({"row": c.row, "col": c.col, "row_span": c.row_span,
                               "col_span": c.col_span, "text": c.text})
                    })
                    .collect();
                out.push(json!({"n_rows": t.n_rows, "n_cols": t.n_cols, "cells": cells}));
            }
        }
        tables(&sec.sections, out);
    }
}

/// What a reader sees, independent of the source format: section titles and
/// levels, paragraph texts, table grids.
fn reader_view(s: &[Section]) -> Value {
    Value::Array(
        s.iter()
            .map(|sec| {
                let content: Vec<Value> = sec
                    .content
                    .iter()
                    .map(|c| match c {
                        Content::Paragraph(p) => json!({"p": p.text}),
                        Content::Table(t) => serde_json::to_value(t).unwrap(),
                    })
                    .collect();
                json!({"title": sec.title, "level": sec.level, "content": content,
                       "sections": reader_view(&sec.sections)})
            })
            .collect(),
    )
}

#[test]
fn every_sample_matches_its_expected_structure() {
    let files = samples();
    assert!(
        files.len() >= 20,
        "expected the generated samples, found {}",
        files.len()
    );
    let mut checked = 0;
    for path in &files {
        let out = convert(path);
        let value = serde_json::to_value(&out).unwrap();
        support::assert_valid_report(&value, &path.display().to_string());
        let name = path.file_name().unwrap().to_string_lossy();
        let exp_path = support::root()
            .join("samples/expected")
            .join(format!("{name}.json"));
        let Ok(text) = std::fs::read_to_string(&exp_path) else {
            panic!("no expected data {}", exp_path.display());
        };
        let exp: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(out.title.as_deref(), exp["title"].as_str(), "{name}: title");
        let mut got = Vec::new();
        headings(&out.sections, &mut got);
        let want: Vec<(u8, String)> = serde_json::from_value(exp["headings"].clone()).unwrap();
        assert_eq!(got, want, "{name}: headings as displayed");
        let mut got_tables = Vec::new();
        tables(&out.sections, &mut got_tables);
        let want_tables = exp["tables"].as_array().cloned().unwrap_or_default();
        assert_eq!(
            got_tables.len(),
            want_tables.len(),
            "{name}: number of tables"
        );
        for (i, (g, w)) in got_tables.iter().zip(&want_tables).enumerate() {
            assert_eq!(g["n_rows"], w["n_rows"], "{name} table {i}: rows");
            assert_eq!(g["n_cols"], w["n_cols"], "{name} table {i}: columns");
            let gc = g["cells"].as_array().unwrap();
            let wc = w["cells"].as_array().unwrap();
            for (g, w) in gc.iter().zip(wc) {
                assert_eq!(g, w, "{name} table {i}: first differing cell");
            }
            assert_eq!(gc.len(), wc.len(), "{name} table {i}: number of cells");
        }
        assert!(
            out.warnings.is_empty(),
            "{name}: warnings {:?}",
            out.warnings
        );
        checked += 1;
    }
    assert_eq!(checked, files.len());
}

#[test]
fn docx_and_odt_versions_read_the_same() {
    let mut by_stem: BTreeMap<String, Vec<PathBuf>> = BTreeMap::new();
    for p in samples() {
        let stem = p.file_stem().unwrap().to_string_lossy().to_string();
        by_stem.entry(stem).or_default().push(p);
    }
    let mut pairs = 0;
    for (stem, files) in by_stem {
        if files.len() != 2 {
            continue;
        }
        let a = convert(&files[0]);
        let b = convert(&files[1]);
        assert_eq!(a.title, b.title, "{stem}: title");
        let (va, vb) = (reader_view(&a.sections), reader_view(&b.sections));
        if va != vb {
            let sa = serde_json::to_string_pretty(&va).unwrap();
            let sb = serde_json::to_string_pretty(&vb).unwrap();
            let first = sa
                .lines()
                .zip(sb.lines())
                .position(|(x, y)| x != y)
                .unwrap_or(0);
            panic!(
                "{stem}: DOCX and ODT differ near line {first}:\n docx: {:?}\n odt:  {:?}",
                sa.lines().nth(first),
                sb.lines().nth(first)
            );
        }
        pairs += 1;
    }
    assert!(
        pairs >= 9,
        "expected at least 9 DOCX/ODT pairs, found {pairs}"
    );
}
