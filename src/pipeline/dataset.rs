//! Dataset rows derived from one converted document: its `reports.jsonl`
//! line, its `metrics.csv` rows and its `tables.csv` rows (report contract,
//! "Dataset files written by `reportdex convert`").
//!
//! Rows are derived from the typed [`DocumentOutput`], whether it was just
//! converted or read back from OUT (an unchanged input of a rerun), so both
//! give the same bytes. Each worker encodes its rows as CSV text; the writer only appends
//! them in source-path order, so memory stays flat however many documents run.

use crate::model::{Format, Table};
use crate::output::{Content, DocumentOutput, Section};
use crate::profile::Report;
use serde::Serialize;
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
    path: &'a str,
    json: &'a str,
    sha256: &'a str,
    format: Format,
    title: Option<&'a str>,
    report: Option<&'a Report>,
}

/// Encode a header row (used once per file).
pub fn header_row(columns: &[&str]) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(columns)?;
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

/// Derive the rows of a document; `json_rel` is where its JSON is written,
/// relative to OUT.
pub fn rows(doc: &DocumentOutput, json_rel: &str) -> Result<Rows, csv::Error> {
    let path = doc.source.path.as_str();
    let line = ReportLine {
        path,
        json: json_rel,
        sha256: &doc.source.sha256,
        format: doc.source.format,
        title: doc.title.as_deref(),
        report: doc.report.as_ref(),
    };
    let mut report_line = serde_json::to_vec(&line).map_err(std::io::Error::from)?;
    report_line.push(b'\n');
    Ok(Rows {
        report_line,
        metrics: match &doc.report {
            Some(r) => metric_rows(r, path)?,
            None => Vec::new(),
        },
        tables: table_rows(&doc.sections, path)?,
    })
}

/// A serializable value as CSV text: strings unquoted, `null` empty.
fn text_of<T: Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(serde_json::Value::Null) | Err(_) => String::new(),
        Ok(other) => other.to_string(),
    }
}

fn metric_rows(report: &Report, path: &str) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let agency = report
        .agency_normalized
        .as_deref()
        .or(report.agency.as_deref())
        .unwrap_or("");
    let year = report.year.map(|y| y.to_string()).unwrap_or_default();
    let template = text_of(&report.template);
    for (key, value) in &report.metrics {
        let value = text_of(value);
        let raw = report
            .metric_sources
            .get(key)
            .map_or("", |s| s.raw.as_str());
        let label = catalog_label(key, &template);
        w.write_record([
            agency,
            year.as_str(),
            template.as_str(),
            key.as_str(),
            label,
            value.as_str(),
            raw,
            path,
        ])?;
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

fn table_rows(sections: &[Section], path: &str) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut index = 0usize;
    for s in sections {
        section_tables(s, path, &mut index, &mut w)?;
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

fn section_tables(
    section: &Section,
    path: &str,
    index: &mut usize,
    w: &mut csv::Writer<Vec<u8>>,
) -> Result<(), csv::Error> {
    for item in &section.content {
        if let Content::Table(t) = item {
            write_table(t, &index.to_string(), &section.title, path, w)?;
            *index += 1;
        }
    }
    for c in &section.sections {
        section_tables(c, path, index, w)?;
    }
    Ok(())
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
    table: &Table,
    id: &str,
    section: &str,
    path: &str,
    w: &mut csv::Writer<Vec<u8>>,
) -> Result<(), csv::Error> {
    let cells = &table.cells;
    let text_of = |i: usize| cells.get(i).map_or("", |c| c.text.as_str());
    let data: Vec<bool> = cells.iter().map(|c| is_data_like(&c.text)).collect();
    let row_has_numbers: Vec<bool> = table
        .grid
        .iter()
        .map(|row| row.iter().any(|&i| is_number(text_of(i as usize))))
        .collect();
    let at = |r: usize, c: usize| {
        table
            .grid
            .get(r)
            .and_then(|row| row.get(c))
            .map(|&i| i as usize)
    };
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
        let (r, c) = (cell.row as usize, cell.col as usize);
        let numbers_in_row = row_has_numbers.get(r).copied().unwrap_or(false);
        let (header_path, row_label_path) = if data[own] {
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
            &cell.row_span.to_string(),
            &cell.col_span.to_string(),
            &header_path,
            &row_label_path,
            &cell.text,
        ])?;
        for t in &cell.tables {
            write_table(t, &format!("{id}.{nested}"), section, path, w)?;
            nested += 1;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    /// A typed document with the given sections (no report).
    fn doc(path: &str, sections: Value) -> DocumentOutput {
        serde_json::from_value(json!({
            "schema_version": "1.0",
            "source": {"path": path, "format": "docx", "size": 1, "sha256": "ab"},
            "properties": {},
            "title": "T",
            "sections": sections,
            "warnings": []
        }))
        .unwrap()
    }

    fn section(title: &str, content: Value) -> Value {
        json!({"title": title, "level": 1, "heading_source": "style",
               "content": content, "sections": []})
    }

    fn cell(row: u32, col: u32, row_span: u32, col_span: u32, text: &str) -> Value {
        json!({"row": row, "col": col, "row_span": row_span, "col_span": col_span, "text": text})
    }

    #[test]
    fn table_rows_have_header_and_label_paths() {
        // | 项目 (2 cols)    | 数量 |
        // | 申请 | 自然人    | 12   |
        // |      | 法人      | 3    |
        let table = json!({
            "type": "table", "n_rows": 3, "n_cols": 3, "header_rows": 1,
            "cells": [
                cell(0, 0, 1, 2, "项目"), cell(0, 2, 1, 1, "数量"),
                cell(1, 0, 2, 1, "申请"), cell(1, 1, 1, 1, "自然人"), cell(1, 2, 1, 1, "12"),
                cell(2, 1, 1, 1, "法人"), cell(2, 2, 1, 1, "3")
            ],
            "grid": [[0,0,1],[2,3,4],[2,5,6]]
        });
        let d = doc(
            "a/b.docx",
            json!([section(
                "三、收到和处理政府信息公开申请情况",
                json!([table])
            )]),
        );
        let rows = rows(&d, "a/b.docx.json").unwrap();
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
        let t = json!({
            "type": "table", "n_rows": 6, "n_cols": 2, "header_rows": 0,
            "cells": [
                cell(0, 0, 1, 2, "第（一）项"), cell(1, 0, 1, 1, "信息内容"), cell(1, 1, 1, 1, "数量"),
                cell(2, 0, 1, 1, "规章"), cell(2, 1, 1, 1, "3"), cell(3, 0, 1, 2, "第（五）项"),
                cell(4, 0, 1, 1, "信息内容"), cell(4, 1, 1, 1, "决定数量"),
                cell(5, 0, 1, 1, "许可"), cell(5, 1, 1, 1, "／")
            ],
            "grid": [[0,0],[1,2],[3,4],[5,5],[6,7],[8,9]]
        });
        let d = doc("p", json!([section("二", json!([t]))]));
        let text = String::from_utf8(rows(&d, "p.json").unwrap().tables).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[4], "p,0,二,2,1,1,1,第（一）项 / 数量,规章,3");
        assert_eq!(lines[9], "p,0,二,5,1,1,1,第（五）项 / 决定数量,许可,／");
        assert_eq!(lines[2], "p,0,二,1,1,1,1,第（一）项,,数量");
    }

    #[test]
    fn metric_rows_of_a_generated_sample() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/samples/hanyang_wenlv_2020.docx"
        );
        let bytes = std::fs::read(path).unwrap();
        let d = crate::convert::convert_bytes(
            bytes,
            "samples/hanyang_wenlv_2020.docx",
            &crate::convert::ConvertOptions::default(),
        )
        .unwrap();
        let report = d.report.as_ref().unwrap();
        let rows = rows(&d, "x.json").unwrap();
        let text = String::from_utf8(rows.metrics).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        // One row per metric of the report, in key order.
        assert_eq!(lines.len(), report.metrics.len());
        let line = |key: &str| {
            *lines
                .iter()
                .find(|l| l.split(',').nth(3) == Some(key))
                .unwrap()
        };
        assert_eq!(
            line("s2.normative.issued"),
            "武汉市汉阳区文化和旅游局,2020,2019,s2.normative.issued,第二十条第（一）项/规范性文件/本年新制作数量,5,5,samples/hanyang_wenlv_2020.docx"
        );
        assert!(line("s3.new_received.natural_person").starts_with(
            "武汉市汉阳区文化和旅游局,2020,2019,s3.new_received.natural_person,一、本年新收政府信息公开申请数量 × 申请人情况/自然人,8,"
        ));
        // The reports.jsonl line carries the report object as in the JSON.
        let line: Value = serde_json::from_slice(&rows.report_line).unwrap();
        assert_eq!(line["report"], serde_json::to_value(report).unwrap());
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
