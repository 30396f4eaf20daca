//! The legacy Word binary reader (`.doc`, `.wps`) on real files: the samples'
//! `.doc` twins made by LibreOffice, and the public corpus.

use reportdex::convert::{convert_bytes, ConvertOptions};

/// Converts the file named by `DOC_DUMP` and prints its JSON (a development aid:
/// `DOC_DUMP=path cargo test --test doc_reader dump -- --ignored --nocapture`).
#[test]
#[ignore]
fn dump() {
    let path = std::env::var("DOC_DUMP").expect("DOC_DUMP=path");
    let bytes = std::fs::read(&path).unwrap();
    match convert_bytes(bytes, &path, &ConvertOptions::default()) {
        Ok(out) => {
            println!("{}", serde_json::to_string_pretty(&out).unwrap());
            reportdex::pipeline::dataset::rows(&out, "x.json").unwrap();
        }
        Err(e) => println!("error ({}): {e}", e.kind()),
    }
}

mod support;

use serde_json::{json, Value};

fn convert(path: &std::path::Path) -> Value {
    let bytes = std::fs::read(path).unwrap();
    let rel = path.file_name().unwrap().to_string_lossy().to_string();
    let out = convert_bytes(bytes, &rel, &ConvertOptions::default())
        .unwrap_or_else(|e| panic!("{rel}: {e}"));
    serde_json::to_value(&out).unwrap()
}

/// Section titles (as displayed) with levels, and every table grid, depth first.
fn structure(v: &Value, titles: &mut Vec<String>, tables: &mut Vec<Value>) {
    for s in v.as_array().unwrap() {
        titles.push(format!("{} {}", s["level"], s["title"].as_str().unwrap()));
        for c in s["content"].as_array().unwrap() {
            if c["type"] == "table" {
                tables.push(grid(c));
            }
        }
        structure(&s["sections"], titles, tables);
    }
}

/// A table as its grid: size, header rows and each anchor cell (nested tables too).
fn grid(t: &Value) -> Value {
    let cells: Vec<Value> = t["cells"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let nested: Vec<Value> = c
                .get("tables")
                .and_then(Value::as_array)
                .map(|ts| ts.iter().map(grid).collect())
                .unwrap_or_default();
            json!([
                c["row"],
                c["col"],
                c["row_span"],
                c["col_span"],
                c["text"],
                nested
            ])
        })
        .collect();
    json!({"n_rows": t["n_rows"], "n_cols": t["n_cols"], "grid": t["grid"], "cells": cells})
}

/// Every `.doc` sample reads like its DOCX twin: title, section titles with
/// their rendered numbering, table grids, metrics and check verdicts.
#[test]
fn doc_samples_read_like_their_docx_twins() {
    let samples = support::root().join("samples");
    let docs = support::files_with_ext(&samples, &["doc", "wps"]);
    assert!(docs.len() >= 12, "expected the .doc/.wps twins in samples/");
    let mut tables_compared = 0;
    for doc_path in docs {
        let docx_path = doc_path.with_extension("docx");
        let (d, x) = (convert(&doc_path), convert(&docx_path));
        let name = doc_path.file_name().unwrap().to_string_lossy().to_string();
        let ext = doc_path.extension().unwrap().to_string_lossy().to_string();
        assert_eq!(d["source"]["format"], ext.as_str(), "{name}");
        assert_eq!(d["title"], x["title"], "{name}: title");
        let (mut dt, mut dg, mut xt, mut xg) = (vec![], vec![], vec![], vec![]);
        structure(&d["sections"], &mut dt, &mut dg);
        structure(&x["sections"], &mut xt, &mut xg);
        assert_eq!(dt, xt, "{name}: section titles");
        assert_eq!(dg.len(), xg.len(), "{name}: number of tables");
        for (i, (a, b)) in dg.iter().zip(&xg).enumerate() {
            assert_eq!(a, b, "{name}: table {i}");
        }
        tables_compared += xg.len();
        let (dr, xr) = (&d["report"], &x["report"]);
        assert_eq!(dr["metrics"], xr["metrics"], "{name}: metrics");
        assert_eq!(dr["checks"], xr["checks"], "{name}: checks");
        for k in ["agency", "year", "template", "period"] {
            assert_eq!(dr[k], xr[k], "{name}: report {k}");
        }
        assert_eq!(d["properties"]["title"], x["properties"]["title"], "{name}");
        assert_eq!(
            d["properties"]["creator"], x["properties"]["creator"],
            "{name}"
        );
    }
    assert!(tables_compared >= 30, "{tables_compared} tables compared");
}
