//! Dataset rows derived from one converted document: its `reports.jsonl`
//! line, its `metrics.csv` rows and its `tables.csv` rows (report contract,
//! "Dataset files written by `reportdex convert`"), and the same rows as
//! Parquet column batches (`reports.parquet`, `metrics.parquet`,
//! `tables.parquet`, see [`super::parquet`]).
//!
//! Rows are derived from the typed [`DocumentOutput`], whether it was just
//! converted or read back from OUT (an unchanged input of a rerun), so both
//! give the same bytes. Each worker encodes its rows as CSV text and Parquet
//! column values in the same pass over the same values, so the two formats
//! cannot drift; the writer only appends them in source-path order, so memory
//! stays flat however many documents run.

use super::parquet::Span;
use super::parquet::{
    epoch_days, Batch, BatchBuilder, BatchSize, ParquetDatasetError, Value, METRICS_COLUMNS,
    REPORTS_COLUMNS, TABLES_COLUMNS,
};
use crate::json::RawJson;
use crate::model::{Format, Table};
use crate::output::{Content, DocumentOutput, Section};
use crate::profile::publication::{Publication, PublicationField};
use crate::profile::{CheckStatus, Num, Report};
use serde::Serialize;
use std::borrow::Cow;
use std::collections::BTreeMap;
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

/// Which dataset formats `convert` writes (`--dataset csv,parquet`);
/// `reports.jsonl` is always written (the index reads it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Formats {
    /// `metrics.csv` and `tables.csv`.
    pub csv: bool,
    /// `reports.parquet`, `metrics.parquet` and `tables.parquet`.
    pub parquet: bool,
}

impl Default for Formats {
    /// Both formats.
    fn default() -> Formats {
        Formats {
            csv: true,
            parquet: true,
        }
    }
}

impl Formats {
    /// CSV only (what [`rows`] derives).
    pub const CSV: Formats = Formats {
        csv: true,
        parquet: false,
    };
}

/// The rows of one document.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Rows {
    /// One `reports.jsonl` line, newline included.
    pub report_line: Vec<u8>,
    /// `metrics.csv` rows, CSV-encoded (no header); empty without CSV.
    pub metrics: Vec<u8>,
    /// `tables.csv` rows, CSV-encoded (no header); empty without CSV.
    pub tables: Vec<u8>,
    /// The same rows for the Parquet files; `None` without Parquet.
    pub parquet: Option<ParquetRows>,
}

impl Rows {
    /// Bytes they hold on the heap (their buffers' capacities).
    pub fn heap_bytes(&self) -> usize {
        self.report_line.capacity()
            + self.metrics.capacity()
            + self.tables.capacity()
            + self.parquet.as_ref().map_or(0, |p| {
                p.reports.heap_bytes() + p.metrics.heap_bytes() + p.tables.heap_bytes()
            })
    }
}

/// One document's rows of the three Parquet files.
#[derive(Debug, Clone, PartialEq)]
pub struct ParquetRows {
    /// Its `reports.parquet` row.
    pub reports: Batch,
    /// Its `metrics.parquet` rows.
    pub metrics: Batch,
    /// Its `tables.parquet` rows.
    pub tables: Batch,
}

/// Why a document's dataset rows could not be derived.
#[derive(Debug, thiserror::Error)]
pub enum RowsError {
    /// CSV or JSON encoding failed.
    #[error("cannot encode CSV rows: {0}")]
    Csv(#[from] csv::Error),
    /// The Parquet batch could not be built.
    #[error(transparent)]
    Parquet(#[from] ParquetDatasetError),
}

#[derive(Serialize)]
struct ReportLine<'a> {
    path: &'a str,
    json: &'a str,
    sha256: &'a str,
    format: Format,
    title: Option<&'a str>,
    /// Only present (true) for a document read in part (main part cut off).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    partial: bool,
    report: Option<&'a RawJson>,
}

/// Encode a header row (used once per file).
pub fn header_row(columns: &[&str]) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(columns)?;
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

/// Derive the CSV rows of a document; `json_rel` is where its JSON is
/// written, relative to OUT.
pub fn rows(doc: &DocumentOutput, json_rel: &str) -> Result<Rows, RowsError> {
    rows_as(doc, json_rel, Formats::CSV)
}

/// Derive the rows of a document in the given formats.
pub fn rows_as(doc: &DocumentOutput, json_rel: &str, formats: Formats) -> Result<Rows, RowsError> {
    let report = match &doc.report {
        Some(r) => Some(
            crate::json::to_raw_json(r)
                .map_err(std::io::Error::from)
                .map_err(csv::Error::from)?,
        ),
        None => None,
    };
    rows_with_report(doc, json_rel, report.as_ref(), formats)
}

/// [`rows_as`] for a caller that has serialized `doc.report` already (the
/// pipeline writes the same bytes into the document's JSON): `report` must be
/// `doc.report` as JSON.
pub fn rows_with_report(
    doc: &DocumentOutput,
    json_rel: &str,
    report: Option<&RawJson>,
    formats: Formats,
) -> Result<Rows, RowsError> {
    let path = doc.source.path.as_str();
    let line = ReportLine {
        path,
        json: json_rel,
        sha256: &doc.source.sha256,
        format: doc.source.format,
        title: doc.title.as_deref(),
        partial: doc.partial,
        report,
    };
    let hint = SIZE_HINT.get();
    // The line is mostly the report, serialized already.
    let mut report_line =
        Vec::with_capacity(report.map_or(0, |r| r.get().len()) + 2 * path.len() + 512);
    crate::json::to_writer(&mut report_line, &line)
        .map_err(std::io::Error::from)
        .map_err(csv::Error::from)?;
    report_line.push(b'\n');
    let mut pq = formats.parquet.then(|| Builders {
        metrics: BatchBuilder::with_capacity(&METRICS_COLUMNS, hint.metric_batch),
        tables: BatchBuilder::with_capacity(&TABLES_COLUMNS, hint.table_batch),
    });
    let mut metrics = Vec::with_capacity(if formats.csv { hint.metrics } else { 0 });
    if let Some(r) = &doc.report {
        metric_rows(
            r,
            path,
            formats.csv.then_some(&mut metrics),
            pq.as_mut().map(|b| &mut b.metrics),
        );
    }
    let tables = table_rows(
        &doc.sections,
        path,
        formats.csv,
        hint.tables,
        pq.as_mut().map(|b| &mut b.tables),
    );
    SIZE_HINT.set(SizeHint::after(
        &metrics,
        &tables,
        pq.as_ref().map(|b| (b.metrics.size(), b.tables.size())),
    ));
    let parquet = match pq {
        Some(b) => Some(ParquetRows {
            reports: report_row(doc, json_rel)?,
            metrics: b.metrics.finish()?,
            tables: b.tables.finish()?,
        }),
        None => None,
    };
    Ok(Rows {
        report_line,
        metrics,
        tables,
        parquet,
    })
}

/// Capacities for a document's CSV rows and Parquet batches, from what the
/// last document of the same worker needed ([`crate::memory::next_capacity`]:
/// the rows run to tens of KB and hundreds of rows per document).
#[derive(Clone, Copy)]
struct SizeHint {
    metrics: usize,
    tables: usize,
    metric_batch: BatchSize,
    table_batch: BatchSize,
}

impl SizeHint {
    /// Cap of a hint in bytes (1 MiB) and in rows (16,384): one huge document
    /// does not make every later one reserve as much.
    const MAX: usize = 1 << 20;
    const MAX_ROWS: usize = 1 << 14;

    /// The start, before any document.
    const EMPTY: SizeHint = SizeHint {
        metrics: 0,
        tables: 0,
        metric_batch: BatchSize { rows: 0, text: 0 },
        table_batch: BatchSize { rows: 0, text: 0 },
    };

    /// After a document with these CSV rows and (when written) these Parquet
    /// batch sizes (metrics, cells).
    fn after(metrics: &[u8], tables: &[u8], batches: Option<(BatchSize, BatchSize)>) -> SizeHint {
        let grow = crate::memory::next_capacity;
        let batch = |b: BatchSize| BatchSize {
            rows: grow(b.rows, Self::MAX_ROWS),
            text: grow(b.text, Self::MAX),
        };
        let (m, t) = batches.unwrap_or_default();
        SizeHint {
            metrics: grow(metrics.len(), Self::MAX),
            tables: grow(tables.len(), Self::MAX),
            metric_batch: batch(m),
            table_batch: batch(t),
        }
    }
}

thread_local! {
    static SIZE_HINT: std::cell::Cell<SizeHint> = const { std::cell::Cell::new(SizeHint::EMPTY) };
}

/// A document's Parquet builders of metrics and cells.
struct Builders {
    metrics: BatchBuilder,
    tables: BatchBuilder,
}

/// Text or null.
fn text_or_null(s: Option<&str>) -> Value<'_> {
    s.map_or(Value::Null, Value::Text)
}

/// The `reports.parquet` row of a document.
fn report_row(doc: &DocumentOutput, json_rel: &str) -> Result<Batch, ParquetDatasetError> {
    let mut b = BatchBuilder::new(&REPORTS_COLUMNS);
    let r = doc.report.as_ref();
    let template = r.and_then(|r| r.template).map(|t| text_of(&t));
    let period = r.and_then(|r| r.period.as_ref());
    let fee = r.and_then(|r| r.fee.as_ref());
    let count = |status: CheckStatus| {
        r.map_or(Value::Null, |r| {
            Value::I32(r.checks.iter().filter(|c| c.status == status).count() as i32)
        })
    };
    let date = |d: Option<&String>| {
        d.and_then(|d| epoch_days(d))
            .map_or(Value::Null, Value::I32)
    };
    // `report.publication`: each field's value (the date in ISO form when
    // the printed date parses).
    let publication = r.and_then(|r| r.publication.as_ref());
    let field = |f: fn(&Publication) -> Option<&PublicationField>| {
        text_or_null(publication.and_then(f).map(|f| f.value.as_str()))
    };
    let publication: [Value; 4] = [
        field(|p| p.index_no.as_ref()),
        field(|p| p.publisher.as_ref()),
        field(|p| p.date.as_ref()),
        field(|p| p.doc_no.as_ref()),
    ];
    b.row(&[
        Value::Text(&doc.source.path),
        Value::Text(json_rel),
        Value::Text(&doc.source.sha256),
        Value::Text(doc.source.format.as_str()),
        text_or_null(doc.title.as_deref()),
        Value::Bool(doc.partial),
        Value::Bool(r.is_some()),
        text_or_null(r.and_then(|r| r.agency_normalized.as_deref().or(r.agency.as_deref()))),
        text_or_null(r.and_then(|r| r.agency.as_deref())),
        r.and_then(|r| r.year).map_or(Value::Null, Value::I32),
        text_or_null(template.as_deref()),
        r.map_or(Value::Null, |r| Value::Bool(r.template_inferred)),
        date(period.and_then(|p| p.start.as_ref())),
        date(period.and_then(|p| p.end.as_ref())),
        period
            .and_then(|p| p.full_year)
            .map_or(Value::Null, Value::Bool),
        fee.and_then(|f| f.collected)
            .map_or(Value::Null, Value::Bool),
        fee.and_then(|f| f.amount_yuan)
            .map_or(Value::Null, |n| Value::F64(n.0)),
        fee.and_then(|f| f.cases)
            .and_then(|c| i64::try_from(c).ok())
            .map_or(Value::Null, Value::I64),
        publication[0],
        publication[1],
        publication[2],
        publication[3],
        count(CheckStatus::Fail),
        count(CheckStatus::NotCheckable),
    ]);
    b.finish()
}

/// A serializable value as CSV text: strings unquoted, `null` empty.
fn text_of<T: Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(serde_json::Value::Null) | Err(_) => String::new(),
        Ok(other) => other.to_string(),
    }
}

/// Append a metric value as [`text_of`] writes it: a whole number (what
/// [`Num`] serializes as an integer) directly, anything else through serde.
fn push_value(out: &mut Vec<u8>, value: Option<Num>) {
    match value {
        None => {}
        Some(Num(v)) if v.is_finite() && v.fract() == 0.0 && v.abs() < 9.0e15 => {
            push_int(out, v as i64)
        }
        Some(n) => out.extend_from_slice(text_of(&n).as_bytes()),
    }
}

/// Append the metric rows of `report` as CSV to `csv` and as Parquet values
/// to `pq` (each when given).
fn metric_rows(
    report: &Report,
    path: &str,
    mut csv: Option<&mut Vec<u8>>,
    mut pq: Option<&mut BatchBuilder>,
) {
    let source = pq.as_mut().map(|b| b.intern(path));
    let agency = report
        .agency_normalized
        .as_deref()
        .or(report.agency.as_deref())
        .unwrap_or("");
    let year = report.year.map(|y| y.to_string()).unwrap_or_default();
    let template = text_of(&report.template);
    // Metrics, their sources and the catalog are all sorted by key: walk them
    // side by side instead of looking every key up.
    let mut sources = report.metric_sources.iter().peekable();
    let mut labels = catalog().iter().peekable();
    for (key, &value) in &report.metrics {
        let cell = advance_to(&mut sources, key);
        let raw = cell.map_or("", |s| s.raw.as_str());
        let entry = advance_to(&mut labels, key);
        let label = entry.map_or("", |l| l.label(&template));
        if let Some(out) = csv.as_deref_mut() {
            let mut rec = Record::new(out);
            rec.field(agency);
            rec.field(&year);
            rec.field(&template);
            rec.field(key);
            rec.field(label);
            rec.raw_field(|o| push_value(o, value));
            rec.field(raw);
            rec.field(path);
            rec.end();
        }
        if let (Some(b), Some(source)) = (pq.as_deref_mut(), source) {
            let int = |n: Option<u32>| n.map_or(Value::Null, |n| Value::I64(i64::from(n)));
            let table = cell.and_then(|s| s.table).map(|t| t.to_string());
            b.row(&[
                Value::Span(source),
                Value::Text(key),
                Value::Text(label),
                value.map_or(Value::Null, |Num(v)| Value::F64(v)),
                text_or_null(cell.map(|s| s.raw.as_str())),
                text_or_null(entry.map(|l| l.unit.as_str()).filter(|u| !u.is_empty())),
                text_or_null(table.as_deref()),
                int(cell.and_then(|s| s.row)),
                int(cell.and_then(|s| s.col)),
            ]);
        }
    }
}

/// Advance `iter` (sorted by key) past the keys before `key`; the value of
/// `key` if present.
fn advance_to<'a, V>(
    iter: &mut std::iter::Peekable<impl Iterator<Item = (&'a String, &'a V)>>,
    key: &str,
) -> Option<&'a V> {
    while iter.next_if(|(k, _)| k.as_str() < key).is_some() {}
    iter.next_if(|(k, _)| k.as_str() == key).map(|(_, v)| v)
}

/// The labels of one metric key in `catalog/metrics.csv`.
struct CatalogLabels {
    /// The default label path.
    default: String,
    /// (template version, label path) where the version's differs.
    variants: Vec<(String, String)>,
    /// The unit (`件`, `元`, …); empty when the catalog gives none.
    unit: String,
}

impl CatalogLabels {
    /// The label path for a template version.
    fn label(&self, template: &str) -> &str {
        self.variants
            .iter()
            .find(|(v, _)| v == template)
            .map_or(self.default.as_str(), |(_, l)| l.as_str())
    }
}

/// Labels of `catalog/metrics.csv` by key: the default label path and the
/// template-specific ones (`a/b | 2019: c/d`).
type Catalog = BTreeMap<String, CatalogLabels>;

fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| {
        let mut map = BTreeMap::new();
        let mut r = csv::Reader::from_reader(include_str!("../../catalog/metrics.csv").as_bytes());
        let headers = r.headers().cloned().unwrap_or_default();
        let col = |name: &str| headers.iter().position(|h| h == name);
        let (Some(k), Some(l)) = (col("key"), col("label_path")) else {
            return map;
        };
        let u = col("unit");
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
            let unit = u.and_then(|u| rec.get(u)).unwrap_or("").to_string();
            map.insert(
                key.to_string(),
                CatalogLabels {
                    default,
                    variants,
                    unit,
                },
            );
        }
        map
    })
}

/// The catalog label of a metric key for a template version ("" if unknown).
pub fn catalog_label(key: &str, template: &str) -> &'static str {
    catalog().get(key).map_or("", |l| l.label(template))
}

/// One CSV record appended to a buffer, byte for byte as `csv::Writer` with
/// its default settings writes it. Quoting and escaping are `csv_core`'s (the
/// engine under `csv::Writer`); this only spares the per-record overhead of
/// `csv::Writer::write_record` (about 2,400 instructions a row) and lets
/// numbers be written without a `String` each.
struct Record<'a> {
    out: &'a mut Vec<u8>,
    csv: csv_core::Writer,
    fields: usize,
    /// The last field went through `csv`, which may owe its closing quote
    /// (written with the next delimiter or the terminator).
    csv_last: bool,
}

/// Run one `csv_core` write step into the end of `out`, giving it `room`
/// bytes at a time until it has written everything.
fn csv_step(
    out: &mut Vec<u8>,
    room: usize,
    mut step: impl FnMut(&mut [u8]) -> (csv_core::WriteResult, usize),
) {
    loop {
        let start = out.len();
        out.resize(start + room, 0);
        let (result, written) = step(&mut out[start..]);
        out.truncate(start + written);
        if matches!(result, csv_core::WriteResult::InputEmpty) {
            return;
        }
    }
}

impl<'a> Record<'a> {
    fn new(out: &'a mut Vec<u8>) -> Self {
        static WRITER: OnceLock<csv_core::Writer> = OnceLock::new();
        Record {
            out,
            csv: WRITER.get_or_init(csv_core::Writer::new).clone(),
            fields: 0,
            csv_last: false,
        }
    }

    /// The delimiter before a field: `,` as it is unless `csv` must close
    /// the previous field.
    fn separate(&mut self) {
        if self.fields > 0 {
            if self.csv_last {
                let csv = &mut self.csv;
                csv_step(self.out, 2, |o| csv.delimiter(o));
            } else {
                self.out.push(b',');
            }
        }
        self.fields += 1;
        self.csv_last = false;
    }

    /// Append a text field.
    fn field(&mut self, text: &str) {
        self.separate();
        let mut input = text.as_bytes();
        // A field without the bytes that make csv_core quote it (delimiter,
        // quote, CR, LF) is written as it is: skip the writer's machinery. Not
        // the first field: csv_core must see it to write a record of one
        // empty field as `""`.
        if self.fields > 1
            && memchr::memchr3(b',', b'"', b'\n', input).is_none()
            && !input.contains(&b'\r')
        {
            self.out.extend_from_slice(input);
            return;
        }
        self.csv_last = true;
        let csv = &mut self.csv;
        // Room for the worst case: both quotes and every byte a doubled quote.
        csv_step(self.out, 2 * input.len() + 2, |o| {
            let (result, read, written) = csv.field(input, o);
            input = &input[read..];
            (result, written)
        });
    }

    /// Append a field written by `write`, which must need no quoting.
    fn raw_field(&mut self, write: impl FnOnce(&mut Vec<u8>)) {
        self.separate();
        write(self.out);
    }

    /// Append an unsigned number field.
    fn uint(&mut self, n: u64) {
        self.separate();
        push_uint(self.out, n);
    }

    /// End the record (`csv_core` writes a record of one empty field as `""`,
    /// and closes a quoted last field; otherwise the terminator is `\n`, the
    /// default writer's).
    fn end(mut self) {
        if self.csv_last || self.fields <= 1 {
            let csv = &mut self.csv;
            csv_step(self.out, 3, |o| csv.terminator(o));
        } else {
            self.out.push(b'\n');
        }
    }
}

/// Append `n` in decimal.
fn push_uint(out: &mut Vec<u8>, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[i..]);
}

/// Append `n` in decimal, with a leading `-` when negative.
fn push_int(out: &mut Vec<u8>, n: i64) {
    if n < 0 {
        out.push(b'-');
    }
    push_uint(out, n.unsigned_abs());
}

/// The cell rows of a document: CSV-encoded (when `csv`, else empty) and as
/// Parquet values into `pq` (when given).
fn table_rows(
    sections: &[Section],
    path: &str,
    csv: bool,
    capacity: usize,
    mut pq: Option<&mut BatchBuilder>,
) -> Vec<u8> {
    let source = pq.as_mut().map(|b| b.intern(path));
    let mut w = TableWriter {
        out: Vec::with_capacity(if csv { capacity } else { 0 }),
        csv,
        pq: pq.zip(source),
        path,
        scratch: Scratch::default(),
    };
    let mut index = 0usize;
    for s in sections {
        section_tables(s, &mut index, &mut w);
    }
    w.out
}

/// Where table rows go, with buffers reused from cell to cell.
struct TableWriter<'a> {
    out: Vec<u8>,
    /// Whether to write CSV into `out`.
    csv: bool,
    /// The Parquet builder and the source path in its buffer.
    pq: Option<(&'a mut BatchBuilder, Span)>,
    path: &'a str,
    scratch: Scratch,
}

/// Per-table and per-cell work buffers.
#[derive(Default)]
struct Scratch {
    /// Per cell: whether it holds data (see [`cell_kind`]).
    data: Vec<bool>,
    /// Per cell: whether it holds a number.
    number: Vec<bool>,
    /// Per grid row: whether a cell of the row holds a number.
    row_has_numbers: Vec<bool>,
    /// Cells of the path being built.
    found: Vec<usize>,
    /// The header path of the current cell.
    header: String,
    /// The row-label path of the current cell.
    labels: String,
}

fn section_tables(section: &Section, index: &mut usize, w: &mut TableWriter) {
    for item in &section.content {
        if let Content::Table(t) = item {
            write_table(t, &index.to_string(), &section.title, w);
            *index += 1;
        }
    }
    for c in &section.sections {
        section_tables(c, index, w);
    }
}

/// Whether a cell holds data rather than a label, and whether it holds a
/// number. Data: a number (ASCII or full-width digits, thousands separators,
/// `%`), blank, or a placeholder for "nothing" (`/`, `—`, `-`, `无`).
fn cell_kind(text: &str) -> (bool, bool) {
    let t = normalize_number(text);
    let number = !t.is_empty() && t.parse::<f64>().is_ok();
    let data = t.is_empty() || number || matches!(&*t, "/" | "／" | "—" | "——" | "-" | "－" | "无");
    (data, number)
}

/// Whether a character is dropped or rewritten by [`normalize_number`].
fn number_noise(c: char) -> bool {
    matches!(
        c,
        ',' | '，' | '%' | '％' | ' ' | '\u{3000}' | '０'..='９' | '．'
    )
}

/// The trimmed text without separators, `%` and spaces, full-width digits
/// and point made ASCII (borrowed when there is nothing to change).
fn normalize_number(text: &str) -> Cow<'_, str> {
    let t = text.trim();
    if !t.contains(number_noise) {
        return Cow::Borrowed(t);
    }
    t.chars()
        .filter(|c| !matches!(c, ',' | '，' | '%' | '％' | ' ' | '\u{3000}'))
        .map(|c| match c {
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            '．' => '.',
            c => c,
        })
        .collect::<String>()
        .into()
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
fn write_table(table: &Table, id: &str, section: &str, w: &mut TableWriter) {
    let s = &mut w.scratch;
    s.data.clear();
    s.number.clear();
    for c in &table.cells {
        let (data, number) = cell_kind(&c.text);
        s.data.push(data);
        s.number.push(number);
    }
    s.row_has_numbers.clear();
    s.row_has_numbers.extend(table.grid.iter().map(|row| {
        row.iter()
            .any(|&i| s.number.get(i as usize).copied().unwrap_or(false))
    }));
    let mut nested = 0usize;
    // The table id and section, once in the Parquet buffer for all cells.
    let spans =
        w.pq.as_mut()
            .map(|(b, _)| (b.intern(id), b.intern(section)));
    for (own, cell) in table.cells.iter().enumerate() {
        let (r, c) = (cell.row as usize, cell.col as usize);
        let s = &mut w.scratch;
        let numbers_in_row = s.row_has_numbers.get(r).copied().unwrap_or(false);
        let (header, labels) = if s.data[own] {
            (true, true)
        } else {
            (!numbers_in_row, numbers_in_row)
        };
        s.header.clear();
        if header {
            header_path(table, s, own, r, c);
        }
        s.labels.clear();
        if labels {
            row_labels(table, s, own, r, c);
        }
        if w.csv {
            let mut rec = Record::new(&mut w.out);
            rec.field(w.path);
            rec.field(id);
            rec.field(section);
            rec.uint(r as u64);
            rec.uint(c as u64);
            rec.uint(u64::from(cell.row_span));
            rec.uint(u64::from(cell.col_span));
            rec.field(&s.header);
            rec.field(&s.labels);
            rec.field(&cell.text);
            rec.end();
        }
        if let (Some((b, source)), Some((id, section))) = (w.pq.as_mut(), spans) {
            let int = |n: u64| Value::I64(n as i64);
            b.row(&[
                Value::Span(*source),
                Value::Span(id),
                Value::Span(section),
                int(r as u64),
                int(c as u64),
                int(u64::from(cell.row_span)),
                int(u64::from(cell.col_span)),
                Value::Text(&s.header),
                Value::Text(&s.labels),
                Value::Text(&cell.text),
            ]);
        }
        for t in &cell.tables {
            // The nested table needs its own scratch: this table's per-cell
            // facts are still in use for the cells after this one.
            let outer = std::mem::take(&mut w.scratch);
            write_table(t, &format!("{id}.{nested}"), section, w);
            w.scratch = outer;
            nested += 1;
        }
    }
}

/// The cell index at grid position (`r`, `c`).
fn grid_at(table: &Table, r: usize, c: usize) -> Option<usize> {
    table
        .grid
        .get(r)
        .and_then(|row| row.get(c))
        .map(|&i| i as usize)
}

/// Set `s.header` to the header path of cell `own` at (`r`, `c`) (see
/// [`write_table`]).
fn header_path(table: &Table, s: &mut Scratch, own: usize, r: usize, c: usize) {
    s.found.clear();
    for up in (0..r).rev() {
        let Some(i) = grid_at(table, up, c) else {
            break;
        };
        if i == own || s.found.last() == Some(&i) {
            continue;
        }
        if s.data.get(i).copied().unwrap_or(true) {
            if s.found.is_empty() {
                continue;
            }
            break;
        }
        s.found.push(i);
    }
    join_path(table, s.found.iter().rev(), &mut s.header);
}

/// Set `s.labels` to the row-label path of cell `own` at (`r`, `c`) (see
/// [`write_table`]).
fn row_labels(table: &Table, s: &mut Scratch, own: usize, r: usize, c: usize) {
    s.found.clear();
    for left in 0..c {
        let Some(i) = grid_at(table, r, left) else {
            break;
        };
        if i == own || s.data.get(i).copied().unwrap_or(true) {
            break;
        }
        if s.found.last() != Some(&i) {
            s.found.push(i);
        }
    }
    join_path(table, s.found.iter(), &mut s.labels);
}

/// Append the trimmed, non-empty texts of `cells` to `out`, separated by
/// [`PATH_SEPARATOR`].
fn join_path<'a>(table: &Table, cells: impl Iterator<Item = &'a usize>, out: &mut String) {
    for &i in cells {
        let text = table.cells.get(i).map_or("", |c| c.text.trim());
        if text.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push_str(PATH_SEPARATOR);
        }
        out.push_str(text);
    }
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
    fn records_are_written_as_the_csv_crate_writes_them() {
        let records: [&[&str]; 6] = [
            &["a", "", "b c", "数量", "x,y", "say \"hi\""],
            &["line\nbreak", "cr\r", "\"", "\"\"", ",", "end"],
            &["", "", "", "", "", ""],
            &["#", "'", " lead", "trail ", "\t", "／"],
            &[""],
            &["only"],
        ];
        let mut ours = Vec::new();
        let mut theirs = csv::WriterBuilder::new()
            .flexible(true)
            .from_writer(Vec::new());
        for fields in records {
            let mut rec = Record::new(&mut ours);
            for f in fields {
                rec.field(f);
            }
            rec.end();
            theirs.write_record(fields).unwrap();
        }
        // Every sequence of one to three fields drawn from these (first,
        // middle and last positions; quoted fields next to plain ones).
        let tricky = ["", "a", "x,y", "say \"hi\"", "cr\r", "line\nbreak", "数量"];
        for a in tricky {
            theirs.write_record([a]).unwrap();
            let mut rec = Record::new(&mut ours);
            rec.field(a);
            rec.end();
            for b in tricky {
                theirs.write_record([a, b]).unwrap();
                let mut rec = Record::new(&mut ours);
                rec.field(a);
                rec.field(b);
                rec.end();
                for c in tricky {
                    theirs.write_record([a, b, c]).unwrap();
                    let mut rec = Record::new(&mut ours);
                    rec.field(a);
                    rec.field(b);
                    rec.field(c);
                    rec.end();
                }
            }
        }
        // Numbers after a quoted field, and a quoted field after numbers.
        let mut rec = Record::new(&mut ours);
        rec.field("q,1");
        rec.uint(5);
        rec.field("q\"2");
        rec.end();
        theirs.write_record(["q,1", "5", "q\"2"]).unwrap();
        let mut rec = Record::new(&mut ours);
        for n in [0, 7, 10, 4_294_967_295] {
            rec.uint(n);
        }
        rec.raw_field(|o| push_int(o, -12));
        rec.end();
        theirs
            .write_record(["0", "7", "10", "4294967295", "-12"])
            .unwrap();
        assert_eq!(
            String::from_utf8(ours).unwrap(),
            String::from_utf8(theirs.into_inner().unwrap()).unwrap()
        );
        let text = |v: Option<f64>| {
            let mut o = Vec::new();
            push_value(&mut o, v.map(Num));
            String::from_utf8(o).unwrap()
        };
        for v in [0.0, -0.0, 12.0, -3.0, 0.35, 1e20, 2.5e-7, f64::NAN] {
            assert_eq!(text(Some(v)), text_of(&Num(v)), "{v}");
        }
        assert_eq!(text(None), "");
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

    /// A nested table smaller than its parent: the parent's cells after the
    /// one holding it are still written with the parent's own facts (the
    /// nested table once overwrote them and the next cell indexed past the end).
    #[test]
    fn nested_table_keeps_the_parent_rows() {
        let mut holder = cell(0, 0, 1, 1, "外");
        holder["tables"] = json!([{
            "n_rows": 1, "n_cols": 1, "header_rows": 0,
            "cells": [cell(0, 0, 1, 1, "内")], "grid": [[0]]
        }]);
        let table = json!({
            "type": "table", "n_rows": 2, "n_cols": 3, "header_rows": 0,
            "cells": [
                holder, cell(0, 1, 1, 1, "b"), cell(0, 2, 1, 1, "c"),
                cell(1, 0, 1, 1, "x"), cell(1, 1, 1, 1, "1"), cell(1, 2, 1, 1, "2")
            ],
            "grid": [[0,1,2],[3,4,5]]
        });
        let d = doc("n.doc", json!([section("一、总体情况", json!([table]))]));
        let rows = rows(&d, "n.doc.json").unwrap();
        let text = String::from_utf8(rows.tables).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 7, "{text}");
        assert_eq!(lines[1], "n.doc,0.0,一、总体情况,0,0,1,1,,,内");
        assert_eq!(lines[6], "n.doc,0,一、总体情况,1,2,1,1,c,x,2");
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
