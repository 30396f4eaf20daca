//! Dataset rows derived from one converted document: its `reports.jsonl`
//! line, its `metrics.csv` rows and its `tables.csv` rows (report contract,
//! "Dataset files written by `reportdex convert`").
//!
//! Rows are derived from the document's JSON value, so a fresh conversion and
//! an output reused from a previous run (read back from OUT) give the same
//! bytes. Each worker encodes its rows as CSV text; the writer only appends
//! them in source-path order, so memory stays flat however many documents run.

use serde::Serialize;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::OnceLock;

/// Columns of `metrics.csv`.
pub const METRICS_HEADER: [&str; 8] = [
    "agency", "year", "template", "key", "label", "value", "raw", "source",
];

/// Columns of `tables.csv`.
pub const TABLES_HEADER: [&str; 10] = [
    "source",
    "table",
    "section",
    "row",
    "col",
    "row_span",
    "col_span",
    "header_path",
    "row_label_path",
    "text",
];

/// Separator between the parts of a header or row-label path.
pub const PATH_SEPARATOR: &str = " / ";

/// The rows of one document.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rows {
    /// One `reports.jsonl` line, newline included.
    pub report_line: Vec<u8>,
    /// `metrics.csv` rows, CSV-encoded (no header).
    pub metrics: Vec<u8>,
    /// `tables.csv` rows, CSV-encoded (no header).
    pub tables: Vec<u8>,
}

#[derive(Serialize)]
struct ReportLine<'a> {
    path: &'a Value,
    json: &'a str,
    sha256: &'a Value,
    format: &'a Value,
    title: &'a Value,
    report: &'a Value,
}

/// Encode a header row (used once per file).
pub fn header_row(columns: &[&str]) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(columns)?;
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

/// Derive the rows of a document from its JSON value; `json_rel` is where its
/// JSON is written, relative to OUT.
pub fn rows(doc: &Value, json_rel: &str) -> Result<Rows, csv::Error> {
    let null = Value::Null;
    let source = doc.get("source").unwrap_or(&null);
    let path_value = source.get("path").unwrap_or(&null);
    let path = path_value.as_str().unwrap_or("");
    let report = doc.get("report").unwrap_or(&null);
    let line = ReportLine {
        path: path_value,
        json: json_rel,
        sha256: source.get("sha256").unwrap_or(&null),
        format: source.get("format").unwrap_or(&null),
        title: doc.get("title").unwrap_or(&null),
        report,
    };
    let mut report_line = serde_json::to_vec(&line).map_err(std::io::Error::from)?;
    report_line.push(b'\n');
    Ok(Rows {
        report_line,
        metrics: metric_rows(report, path)?,
        tables: table_rows(doc, path)?,
    })
}

fn scalar(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

fn metric_rows(report: &Value, path: &str) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    if let Some(metrics) = report.get("metrics").and_then(Value::as_object) {
        let agency = report
            .get("agency_normalized")
            .filter(|v| !v.is_null())
            .or_else(|| report.get("agency"));
        let agency = scalar(agency);
        let year = scalar(report.get("year"));
        let template = scalar(report.get("template"));
        let sources = report.get("metric_sources");
        let mut keys: Vec<&String> = metrics.keys().collect();
        keys.sort();
        for key in keys {
            let value = scalar(metrics.get(key));
            let raw = scalar(sources.and_then(|s| s.get(key)).and_then(|s| s.get("raw")));
            let label = catalog_label(key, &template);
            w.write_record([
                agency.as_str(),
                year.as_str(),
                template.as_str(),
                key.as_str(),
                label,
                value.as_str(),
                raw.as_str(),
                path,
            ])?;
        }
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

/// Labels of `catalog/metrics.csv` by key: the default label path and the
/// template-specific ones (`a/b | 2019: c/d`).
/// Metric key -> (default label path, [(template version, label path)]).
type Catalog = HashMap<String, (String, Vec<(String, String)>)>;

fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| {
        let mut map = HashMap::new();
        let mut r = csv::Reader::from_reader(include_str!("../../catalog/metrics.csv").as_bytes());
        let headers = r.headers().cloned().unwrap_or_default();
        let col = |name: &str| headers.iter().position(|h| h == name);
        let (Some(k), Some(l)) = (col("key"), col("label_path")) else {
            return map;
        };
        for rec in r.records().flatten() {
            let (Some(key), Some(label_path)) = (rec.get(k), rec.get(l)) else {
                continue;
            };
            let mut parts = label_path.split(" | ");
            let default = parts.next().unwrap_or("").trim().to_string();
            let variants = parts
                .filter_map(|p| p.split_once(':'))
                .map(|(v, label)| (v.trim().to_string(), label.trim().to_string()))
                .collect();
            map.insert(key.to_string(), (default, variants));
        }
        map
    })
}

/// The catalog label of a metric key for a template version ("" if unknown).
pub fn catalog_label(key: &str, template: &str) -> &'static str {
    match catalog().get(key) {
        Some((default, variants)) => variants
            .iter()
            .find(|(v, _)| v == template)
            .map_or(default.as_str(), |(_, l)| l.as_str()),
        None => "",
    }
}

fn table_rows(doc: &Value, path: &str) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut index = 0usize;
    if let Some(sections) = doc.get("sections").and_then(Value::as_array) {
        for s in sections {
            section_tables(s, path, &mut index, &mut w)?;
        }
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

fn section_tables(
    section: &Value,
    path: &str,
    index: &mut usize,
    w: &mut csv::Writer<Vec<u8>>,
) -> Result<(), csv::Error> {
    let title = section.get("title").and_then(Value::as_str).unwrap_or("");
    if let Some(content) = section.get("content").and_then(Value::as_array) {
        for item in content {
            if item.get("type").and_then(Value::as_str) == Some("table") {
                write_table(item, &index.to_string(), title, path, w)?;
                *index += 1;
            }
        }
    }
    if let Some(children) = section.get("sections").and_then(Value::as_array) {
        for c in children {
            section_tables(c, path, index, w)?;
        }
    }
    Ok(())
}

fn num(v: &Value, key: &str) -> usize {
    v.get(key).and_then(Value::as_u64).unwrap_or(0) as usize
}

fn looks_numeric(text: &str) -> bool {
    let t: String = text
        .trim()
        .chars()
        .filter(|c| !matches!(c, ',' | '%' | ' '))
        .collect();
    !t.is_empty() && t.parse::<f64>().is_ok()
}

/// Write one table's cells. Nested tables (inside a cell) follow their parent,
/// with ids `<parent>.<n>` numbered in document order within the parent.
fn write_table(
    table: &Value,
    id: &str,
    section: &str,
    path: &str,
    w: &mut csv::Writer<Vec<u8>>,
) -> Result<(), csv::Error> {
    let empty = Vec::new();
    let cells = table
        .get("cells")
        .and_then(Value::as_array)
        .unwrap_or(&empty);
    let grid: Vec<Vec<usize>> = table
        .get("grid")
        .and_then(Value::as_array)
        .map(|rows| {
            rows.iter()
                .map(|r| {
                    r.as_array()
                        .map(|r| r.iter().map(|i| i.as_u64().unwrap_or(0) as usize).collect())
                        .unwrap_or_default()
                })
                .collect()
        })
        .unwrap_or_default();
    let header_rows = num(table, "header_rows");
    let text_of = |i: usize| {
        cells
            .get(i)
            .and_then(|c| c.get("text"))
            .and_then(Value::as_str)
            .unwrap_or("")
    };
    let at = |r: usize, c: usize| grid.get(r).and_then(|row| row.get(c)).copied();
    // Row labels are the leading columns before the first column holding a
    // number below the header rows.
    let n_cols = grid.iter().map(Vec::len).max().unwrap_or(0);
    let label_cols = cells
        .iter()
        .filter(|c| num(c, "row") >= header_rows)
        .filter(|c| looks_numeric(c.get("text").and_then(Value::as_str).unwrap_or("")))
        .map(|c| num(c, "col"))
        .min()
        .unwrap_or(n_cols);
    let join = |indices: Vec<usize>, own: usize| {
        let mut parts: Vec<&str> = Vec::new();
        let mut last = None;
        for i in indices {
            if Some(i) == last || i == own {
                continue;
            }
            last = Some(i);
            let t = text_of(i).trim();
            if !t.is_empty() {
                parts.push(t);
            }
        }
        parts.join(PATH_SEPARATOR)
    };
    let mut nested = 0usize;
    for (own, cell) in cells.iter().enumerate() {
        let (r, c) = (num(cell, "row"), num(cell, "col"));
        let header_path = join(
            (0..header_rows.min(r)).filter_map(|hr| at(hr, c)).collect(),
            own,
        );
        let row_label_path = join(
            (0..label_cols.min(c)).filter_map(|lc| at(r, lc)).collect(),
            own,
        );
        w.write_record([
            path,
            id,
            section,
            &r.to_string(),
            &c.to_string(),
            &num(cell, "row_span").to_string(),
            &num(cell, "col_span").to_string(),
            &header_path,
            &row_label_path,
            cell.get("text").and_then(Value::as_str).unwrap_or(""),
        ])?;
        if let Some(inner) = cell.get("tables").and_then(Value::as_array) {
            for t in inner {
                write_table(t, &format!("{id}.{nested}"), section, path, w)?;
                nested += 1;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn table() -> Value {
        // | 项目 (2 cols)    | 数量 |
        // | 申请 | 自然人    | 12   |
        // |      | 法人      | 3    |
        json!({
            "type": "table", "n_rows": 3, "n_cols": 3, "header_rows": 1,
            "cells": [
                {"row":0,"col":0,"row_span":1,"col_span":2,"text":"项目"},
                {"row":0,"col":2,"row_span":1,"col_span":1,"text":"数量"},
                {"row":1,"col":0,"row_span":2,"col_span":1,"text":"申请"},
                {"row":1,"col":1,"row_span":1,"col_span":1,"text":"自然人"},
                {"row":1,"col":2,"row_span":1,"col_span":1,"text":"12"},
                {"row":2,"col":1,"row_span":1,"col_span":1,"text":"法人"},
                {"row":2,"col":2,"row_span":1,"col_span":1,"text":"3"}
            ],
            "grid": [[0,0,1],[2,3,4],[2,5,6]]
        })
    }

    #[test]
    fn table_rows_have_header_and_label_paths() {
        let doc = json!({
            "source": {"path": "a/b.docx", "sha256": "ab", "format": "docx"},
            "title": "T",
            "sections": [{"title": "", "content": [], "sections": [
                {"title": "三、收到和处理政府信息公开申请情况", "content": [table()], "sections": []}
            ]}]
        });
        let rows = rows(&doc, "a/b.docx.json").unwrap();
        let text = String::from_utf8(rows.tables).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 7);
        assert_eq!(
            lines[0],
            "a/b.docx,0,三、收到和处理政府信息公开申请情况,0,0,1,2,,,项目"
        );
        assert_eq!(
            lines[4],
            "a/b.docx,0,三、收到和处理政府信息公开申请情况,1,2,1,1,数量,申请 / 自然人,12"
        );
        assert_eq!(
            lines[6],
            "a/b.docx,0,三、收到和处理政府信息公开申请情况,2,2,1,1,数量,申请 / 法人,3"
        );
        assert_eq!(
            String::from_utf8(rows.report_line).unwrap(),
            "{\"path\":\"a/b.docx\",\"json\":\"a/b.docx.json\",\"sha256\":\"ab\",\"format\":\"docx\",\"title\":\"T\",\"report\":null}\n"
        );
        assert!(rows.metrics.is_empty());
    }

    #[test]
    fn metric_rows_use_catalog_labels() {
        let doc = json!({
            "source": {"path": "x.docx", "sha256": "ab", "format": "docx"},
            "title": null, "sections": [],
            "report": {
                "agency": "開平市科工商務局", "agency_normalized": "开平市科工商务局",
                "year": 2022, "template": "2019",
                "metrics": {"s2.regulation.issued": 3, "s2.fee.amount_wan_yuan": 0.35, "s3.granted.total": null},
                "metric_sources": {"s2.regulation.issued": {"table": 0, "row": 2, "col": 1, "raw": "3件"}}
            }
        });
        let rows = rows(&doc, "x.docx.json").unwrap();
        let text = String::from_utf8(rows.metrics).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3);
        assert_eq!(
            lines[1],
            "开平市科工商务局,2022,2019,s2.regulation.issued,规章/本年新制作数量,3,3件,x.docx"
        );
        assert!(lines[0].starts_with("开平市科工商务局,2022,2019,s2.fee.amount_wan_yuan,"));
        assert!(lines[0].ends_with(",0.35,,x.docx"));
        assert!(lines[2].starts_with("开平市科工商务局,2022,2019,s3.granted.total,"));
        assert!(lines[2].ends_with(",,,x.docx"));
        assert_eq!(
            catalog_label("s2.regulation.issued", "2021"),
            "第二十条第（一）项/规章/本年制发件数"
        );
    }
}
