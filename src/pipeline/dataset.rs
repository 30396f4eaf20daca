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
            // A variant names only the trailing components that differ
            // (`a/b/c | 2019: x` means `a/b/x` for template 2019).
            let base: Vec<&str> = default.split('/').collect();
            let variants = parts
                .filter_map(|p| p.split_once(':'))
                .map(|(v, label)| {
                    let tail: Vec<&str> = label.trim().split('/').collect();
                    let keep = base.len().saturating_sub(tail.len());
                    let full: Vec<&str> = base[..keep].iter().chain(&tail).copied().collect();
                    (v.trim().to_string(), full.join("/"))
                })
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

/// Whether a cell holds data rather than a label: a number (ASCII or
/// full-width digits, thousands separators, `%`), blank, or a placeholder for
/// "nothing" (`/`, `—`, `-`, `无`).
fn is_data_like(text: &str) -> bool {
    let t = normalize_number(text);
    t.is_empty()
        || t.parse::<f64>().is_ok()
        || matches!(t.as_str(), "/" | "／" | "—" | "——" | "-" | "－" | "无")
}

/// Whether a cell holds a number.
fn is_number(text: &str) -> bool {
    let t = normalize_number(text);
    !t.is_empty() && t.parse::<f64>().is_ok()
}

fn normalize_number(text: &str) -> String {
    text.trim()
        .chars()
        .filter(|c| !matches!(c, ',' | '，' | '%' | '％' | ' ' | '\u{3000}'))
        .map(|c| match c {
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            '．' => '.',
            c => c,
        })
        .collect()
}

/// Write one table's cells. Nested tables (inside a cell) follow their parent,
/// with ids `<parent>.<n>` numbered in document order within the parent.
///
/// Header and row-label paths are inferred from the grid, because the header
/// rows of these tables are rarely marked and one table often stacks several
/// blocks, each with its own header rows (section 二 of the template):
/// * header path of a cell: going up its column, data cells (numbers, blanks,
///   placeholders) are passed over until the first label cell; from there the
///   label cells are collected up to the next data cell (the previous block);
/// * row-label path: the leading run of label cells of the cell's row, left of
///   the cell;
/// * a label cell in a row holding numbers is a row label (no header path); a
///   label cell in a row without numbers is a header (no row-label path).
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
    let text_of = |i: usize| {
        cells
            .get(i)
            .and_then(|c| c.get("text"))
            .and_then(Value::as_str)
            .unwrap_or("")
    };
    let data: Vec<bool> = (0..cells.len()).map(|i| is_data_like(text_of(i))).collect();
    let row_has_numbers: Vec<bool> = grid
        .iter()
        .map(|row| row.iter().any(|&i| is_number(text_of(i))))
        .collect();
    let at = |r: usize, c: usize| grid.get(r).and_then(|row| row.get(c)).copied();
    let join = |indices: &[usize]| {
        indices
            .iter()
            .map(|&i| text_of(i).trim())
            .filter(|t| !t.is_empty())
            .collect::<Vec<_>>()
            .join(PATH_SEPARATOR)
    };
    let header_path = |own: usize, r: usize, c: usize| {
        let mut found: Vec<usize> = Vec::new();
        for up in (0..r).rev() {
            let Some(i) = at(up, c) else { break };
            if i == own || found.last() == Some(&i) {
                continue;
            }
            if data.get(i).copied().unwrap_or(true) {
                if found.is_empty() {
                    continue;
                }
                break;
            }
            found.push(i);
        }
        found.reverse();
        join(&found)
    };
    let row_labels = |own: usize, r: usize, c: usize| {
        let mut found: Vec<usize> = Vec::new();
        for left in 0..c {
            let Some(i) = at(r, left) else { break };
            if i == own || data.get(i).copied().unwrap_or(true) {
                break;
            }
            if found.last() != Some(&i) {
                found.push(i);
            }
        }
        join(&found)
    };
    let mut nested = 0usize;
    for (own, cell) in cells.iter().enumerate() {
        let (r, c) = (num(cell, "row"), num(cell, "col"));
        let numbers_in_row = row_has_numbers.get(r).copied().unwrap_or(false);
        let (header_path, row_label_path) = if data.get(own).copied().unwrap_or(true) {
            (header_path(own, r, c), row_labels(own, r, c))
        } else if numbers_in_row {
            (String::new(), row_labels(own, r, c))
        } else {
            (header_path(own, r, c), String::new())
        };
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
    fn stacked_blocks_get_their_own_headers() {
        // | 第（一）项 (2 cols) |
        // | 信息内容 | 数量     |
        // | 规章     | 3        |
        // | 第（五）项 (2 cols) |
        // | 信息内容 | 决定数量 |
        // | 许可     | ／       |
        let cell = |row: u32, col: u32, span: u32, text: &str| json!({"row": row, "col": col, "row_span": 1, "col_span": span, "text": text});
        let t = json!({
            "type": "table", "n_rows": 6, "n_cols": 2, "header_rows": 0,
            "cells": [
                cell(0, 0, 2, "第（一）项"), cell(1, 0, 1, "信息内容"), cell(1, 1, 1, "数量"),
                cell(2, 0, 1, "规章"), cell(2, 1, 1, "3"), cell(3, 0, 2, "第（五）项"),
                cell(4, 0, 1, "信息内容"), cell(4, 1, 1, "决定数量"),
                cell(5, 0, 1, "许可"), cell(5, 1, 1, "／")
            ],
            "grid": [[0,0],[1,2],[3,4],[5,5],[6,7],[8,9]]
        });
        let doc = json!({"source": {"path": "p"}, "sections": [{"title": "二", "content": [t]}]});
        let text = String::from_utf8(rows(&doc, "p.json").unwrap().tables).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[4], "p,0,二,2,1,1,1,第（一）项 / 数量,规章,3");
        assert_eq!(lines[9], "p,0,二,5,1,1,1,第（五）项 / 决定数量,许可,／");
        assert_eq!(lines[2], "p,0,二,1,1,1,1,第（一）项,,数量");
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
            "开平市科工商务局,2022,2019,s2.regulation.issued,第二十条第（一）项/规章/本年新制作数量,3,3件,x.docx"
        );
        assert!(lines[0].starts_with("开平市科工商务局,2022,2019,s2.fee.amount_wan_yuan,"));
        assert!(lines[0].ends_with(",0.35,,x.docx"));
        assert!(lines[2].starts_with("开平市科工商务局,2022,2019,s3.granted.total,"));
        assert!(lines[2].ends_with(",,,x.docx"));
        assert_eq!(
            catalog_label("s2.regulation.issued", "2021"),
            "第二十条第（一）项/规章/本年制发件数"
        );
        assert_eq!(
            catalog_label("s2.coercion.decisions", "2019"),
            "第二十条第（六）项/行政强制/处理决定数量"
        );
        assert_eq!(catalog_label("no.such.key", "2019"), "");
    }
}
