//! The Parquet datasets (`reports.parquet`, `metrics.parquet`,
//! `tables.parquet`): typed columns, dictionary-encoded strings, Snappy pages.
//!
//! Workers fill a [`BatchBuilder`] per document (the same row data as the CSV
//! rows, see [`super::dataset`]); the ordered writer appends each document's
//! [`Batch`] to a [`ParquetWriter`]. The writer keeps one column writer per
//! column open for the current row group, each encoding into its own buffer
//! of pages in memory; documents' rows are staged until [`STAGE_ROWS`] rows or
//! [`STAGE_BYTES`] bytes and then encoded, and the row group is written (its
//! column chunks spliced into the file) at the first document boundary after
//! [`ROW_GROUP_ROWS`] rows or [`ROW_GROUP_BYTES`] bytes. Memory holds one
//! row group encoded (dictionaries and compressed pages, a few bytes a row)
//! plus the staged rows, not the row group's values; row groups can be large,
//! as engines prefer, and few, so the footer's metadata (kept until the end)
//! stays small. The file depends only on the documents and their order (the
//! same bytes for every `--jobs`).
//!
//! Strings of one document are appended to one buffer and the column values
//! are slices of it, so the writer thread only copies them into its staging
//! buffer and encodes. String columns are dictionary-encoded by
//! `strings`, which keeps each distinct string of the row group once;
//! numbers and booleans by the crate's column writers.

mod strings;

use bytes::Bytes;
use parquet::basic::{Compression, LogicalType, Repetition, Type as PhysicalType};
use parquet::column::page::{CompressedPage, PageWriteSpec, PageWriter};
use parquet::column::writer::{get_column_writer, ColumnWriter};
use parquet::errors::ParquetError;
use parquet::file::properties::{EnabledStatistics, WriterProperties, WriterVersion};
use parquet::file::writer::{SerializedFileWriter, SerializedPageWriter, TrackedWrite};
use parquet::schema::types::{ColumnPath, Type};
use std::fs::File;
use std::io::BufWriter;
use std::path::Path;
use std::sync::{Arc, Mutex};

/// Rows per row group: a row group closes at the first document boundary
/// after this many rows (or [`ROW_GROUP_BYTES`]). Query engines read a row
/// group as a unit of work (DuckDB writes 122,880 rows a group); each group
/// costs a few kilobytes of footer metadata, held until the file is closed.
pub const ROW_GROUP_ROWS: usize = 128 * 1024;

/// Bytes of values per row group (the strings' bytes plus 8 per value), at
/// most: bounds the encoded row group held in memory (dictionaries and
/// compressed pages, at most about this much and usually a small fraction)
/// whatever the cells hold.
pub const ROW_GROUP_BYTES: usize = 16 << 20;

/// Rows staged before they are encoded into the open row group.
pub const STAGE_ROWS: usize = 8 * 1024;

/// Staged bytes of values (the strings' bytes plus 8 per value) before they
/// are encoded into the open row group. At 1 MiB the 20,000 small reports
/// peaked about 1.5 MiB higher (3 runs each) than at this size.
pub const STAGE_BYTES: usize = 512 << 10;

/// Row groups of `reports.parquet` (one row per document, mostly distinct
/// strings, whose dictionaries are the bulk of an open group) close after
/// this many rows, so that memory is the same from the first thousand
/// documents on.
pub const REPORT_ROW_GROUP_ROWS: usize = 1_024;

/// Physical and logical type of a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// UTF-8 text: BYTE_ARRAY, logical type STRING.
    Str,
    /// INT32.
    I32,
    /// INT64.
    I64,
    /// DOUBLE.
    F64,
    /// BOOLEAN.
    Bool,
    /// Calendar date: INT32, logical type DATE (days since 1970-01-01).
    Date,
}

/// One column of a Parquet dataset file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ColumnSpec {
    /// Column name.
    pub name: &'static str,
    /// Its type.
    pub kind: Kind,
    /// Whether it may hold nulls (OPTIONAL) or not (REQUIRED).
    pub nullable: bool,
    /// Whether row groups carry its min/max (not for free text, which no
    /// query prunes by range).
    pub statistics: bool,
}

const fn col(name: &'static str, kind: Kind, nullable: bool) -> ColumnSpec {
    ColumnSpec {
        name,
        kind,
        nullable,
        statistics: true,
    }
}

/// A free-text string column: no min/max statistics.
const fn text(name: &'static str, nullable: bool) -> ColumnSpec {
    ColumnSpec {
        statistics: false,
        ..col(name, Kind::Str, nullable)
    }
}

/// Columns of `reports.parquet` (one row per converted document).
pub const REPORTS_COLUMNS: [ColumnSpec; 24] = [
    col("source", Kind::Str, false),
    col("json", Kind::Str, false),
    col("sha256", Kind::Str, false),
    col("format", Kind::Str, false),
    text("title", true),
    col("partial", Kind::Bool, false),
    col("is_report", Kind::Bool, false),
    col("agency", Kind::Str, true),
    col("agency_raw", Kind::Str, true),
    col("year", Kind::I32, true),
    col("template", Kind::Str, true),
    col("template_inferred", Kind::Bool, true),
    col("period_start", Kind::Date, true),
    col("period_end", Kind::Date, true),
    col("period_full_year", Kind::Bool, true),
    col("fee_collected", Kind::Bool, true),
    col("fee_amount_yuan", Kind::F64, true),
    col("fee_cases", Kind::I64, true),
    col("publication_index_no", Kind::Str, true),
    col("publication_publisher", Kind::Str, true),
    col("publication_date", Kind::Str, true),
    col("publication_doc_no", Kind::Str, true),
    col("checks_failed", Kind::I32, true),
    col("checks_not_checkable", Kind::I32, true),
];

/// Columns of `metrics.parquet` (one row per metric of each report).
pub const METRICS_COLUMNS: [ColumnSpec; 9] = [
    col("source", Kind::Str, false),
    col("key", Kind::Str, false),
    text("label", false),
    col("value", Kind::F64, true),
    text("raw", true),
    col("unit", Kind::Str, true),
    col("table", Kind::Str, true),
    col("row", Kind::I64, true),
    col("col", Kind::I64, true),
];

/// Columns of `tables.parquet` (one row per table cell, as `tables.csv`).
pub const TABLES_COLUMNS: [ColumnSpec; 10] = [
    col("source", Kind::Str, false),
    col("table", Kind::Str, false),
    text("section", false),
    col("row", Kind::I64, false),
    col("col", Kind::I64, false),
    col("row_span", Kind::I64, false),
    col("col_span", Kind::I64, false),
    text("header_path", false),
    text("row_label_path", false),
    text("text", false),
];

/// Why a batch or a Parquet file could not be built.
#[derive(Debug, thiserror::Error)]
pub enum ParquetDatasetError {
    /// A row did not match the columns (a bug in the row derivation).
    #[error("row {row} of the Parquet batch does not match column {column}")]
    Shape {
        /// Row (0-based) in the document's batch.
        row: usize,
        /// The column name.
        column: &'static str,
    },
    /// The Parquet encoder or the file failed.
    #[error("{path}: cannot write Parquet: {source}")]
    Write {
        /// The file.
        path: String,
        /// Cause.
        #[source]
        source: ParquetError,
    },
}

/// A string already in a builder's buffer (to repeat it without copying).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span(u32, u32);

/// Values of one column under construction.
#[derive(Debug, Clone, PartialEq)]
enum Building {
    Str(Vec<Span>),
    I32(Vec<i32>),
    I64(Vec<i64>),
    F64(Vec<f64>),
    Bool(Vec<bool>),
}

impl Building {
    fn of(kind: Kind, rows: usize) -> Building {
        match kind {
            Kind::Str => Building::Str(Vec::with_capacity(rows)),
            Kind::I32 | Kind::Date => Building::I32(Vec::with_capacity(rows)),
            Kind::I64 => Building::I64(Vec::with_capacity(rows)),
            Kind::F64 => Building::F64(Vec::with_capacity(rows)),
            Kind::Bool => Building::Bool(Vec::with_capacity(rows)),
        }
    }
}

/// A value pushed into a row.
#[derive(Debug, Clone, Copy)]
pub enum Value<'a> {
    /// Text (copied into the builder's buffer).
    Text(&'a str),
    /// Text already in the buffer.
    Span(Span),
    /// An INT32 or DATE.
    I32(i32),
    /// An INT64.
    I64(i64),
    /// A DOUBLE.
    F64(f64),
    /// A BOOLEAN.
    Bool(bool),
    /// Null (only in a nullable column).
    Null,
}

/// The size of a [`BatchBuilder`]: rows, and bytes of text.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BatchSize {
    /// Rows.
    pub rows: usize,
    /// Bytes of the string values.
    pub text: usize,
}

/// The rows of one document for one Parquet file, filled row by row.
#[derive(Debug)]
pub struct BatchBuilder {
    spec: &'static [ColumnSpec],
    text: Vec<u8>,
    values: Vec<Building>,
    /// Definition levels of each column (empty for a required column).
    defs: Vec<Vec<i16>>,
    rows: usize,
    /// The first mismatch between a row and the columns.
    bad: Option<(usize, &'static str)>,
}

impl BatchBuilder {
    /// An empty batch for the columns `spec`.
    pub fn new(spec: &'static [ColumnSpec]) -> BatchBuilder {
        BatchBuilder::with_capacity(spec, BatchSize::default())
    }

    /// An empty batch for the columns `spec`, with room for `size` (a guess:
    /// the batch grows past it as needed).
    pub fn with_capacity(spec: &'static [ColumnSpec], size: BatchSize) -> BatchBuilder {
        BatchBuilder {
            spec,
            text: Vec::with_capacity(size.text),
            values: spec
                .iter()
                .map(|c| Building::of(c.kind, size.rows))
                .collect(),
            defs: spec
                .iter()
                .map(|c| Vec::with_capacity(if c.nullable { size.rows } else { 0 }))
                .collect(),
            rows: 0,
            bad: None,
        }
    }

    /// Rows and text bytes filled so far.
    pub fn size(&self) -> BatchSize {
        BatchSize {
            rows: self.rows,
            text: self.text.len(),
        }
    }

    /// Copy `s` into the buffer, to push it several times as [`Value::Span`].
    pub fn intern(&mut self, s: &str) -> Span {
        let start = self.text.len() as u32;
        self.text.extend_from_slice(s.as_bytes());
        Span(start, self.text.len() as u32)
    }

    /// Append one row: one value per column, in column order.
    pub fn row(&mut self, values: &[Value<'_>]) {
        if values.len() != self.spec.len() {
            self.bad.get_or_insert((self.rows, "(count)"));
        }
        for (i, (spec, v)) in self.spec.iter().zip(values).enumerate() {
            let null = matches!(v, Value::Null);
            if null && !spec.nullable {
                self.bad.get_or_insert((self.rows, spec.name));
                continue;
            }
            if spec.nullable {
                self.defs[i].push(if null { 0 } else { 1 });
            }
            let v = match *v {
                Value::Text(s) => Value::Span(self.intern(s)),
                v => v,
            };
            let ok = match (&mut self.values[i], v) {
                (_, Value::Null) => true,
                (Building::Str(c), Value::Span(s)) => {
                    c.push(s);
                    true
                }
                (Building::I32(c), Value::I32(x)) => {
                    c.push(x);
                    true
                }
                (Building::I64(c), Value::I64(x)) => {
                    c.push(x);
                    true
                }
                (Building::F64(c), Value::F64(x)) => {
                    c.push(x);
                    true
                }
                (Building::Bool(c), Value::Bool(x)) => {
                    c.push(x);
                    true
                }
                _ => false,
            };
            if !ok {
                self.bad.get_or_insert((self.rows, spec.name));
            }
        }
        self.rows += 1;
    }

    /// The finished batch; an error if a row did not match the columns.
    pub fn finish(self) -> Result<Batch, ParquetDatasetError> {
        if let Some((row, column)) = self.bad {
            return Err(ParquetDatasetError::Shape { row, column });
        }
        let text = self.text;
        let columns = self
            .values
            .into_iter()
            .zip(self.defs)
            .map(|(v, def)| Column {
                values: match v {
                    Building::Str(spans) => Values::Str(spans),
                    Building::I32(v) => Values::I32(v),
                    Building::I64(v) => Values::I64(v),
                    Building::F64(v) => Values::F64(v),
                    Building::Bool(v) => Values::Bool(v),
                },
                def,
            })
            .collect();
        Ok(Batch {
            columns,
            rows: self.rows,
            text,
        })
    }
}

/// Finished values of one column (strings as spans of the batch's text).
#[derive(Debug, Clone, PartialEq)]
enum Values {
    Str(Vec<Span>),
    I32(Vec<i32>),
    I64(Vec<i64>),
    F64(Vec<f64>),
    Bool(Vec<bool>),
}

impl Values {
    fn extend(&mut self, other: Values) {
        match (self, other) {
            // `b` was shifted to this batch's text by the caller.
            (Values::Str(a), Values::Str(b)) => a.extend(b),
            (Values::I32(a), Values::I32(b)) => a.extend(b),
            (Values::I64(a), Values::I64(b)) => a.extend(b),
            (Values::F64(a), Values::F64(b)) => a.extend(b),
            (Values::Bool(a), Values::Bool(b)) => a.extend(b),
            // Batches of one file share its columns (checked by `append`).
            _ => {}
        }
    }

    fn len(&self) -> usize {
        match self {
            Values::Str(v) => v.len(),
            Values::I32(v) => v.len(),
            Values::I64(v) => v.len(),
            Values::F64(v) => v.len(),
            Values::Bool(v) => v.len(),
        }
    }

    /// Bytes of its buffer on the heap.
    fn heap_bytes(&self) -> usize {
        use std::mem::size_of;
        match self {
            Values::Str(v) => v.capacity() * size_of::<Span>(),
            Values::I32(v) => v.capacity() * size_of::<i32>(),
            Values::I64(v) => v.capacity() * size_of::<i64>(),
            Values::F64(v) => v.capacity() * size_of::<f64>(),
            Values::Bool(v) => v.capacity(),
        }
    }

    fn clear(&mut self) {
        match self {
            Values::Str(v) => v.clear(),
            Values::I32(v) => v.clear(),
            Values::I64(v) => v.clear(),
            Values::F64(v) => v.clear(),
            Values::Bool(v) => v.clear(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
struct Column {
    values: Values,
    /// Definition levels (empty for a required column).
    def: Vec<i16>,
}

/// Rows of one or more documents for one Parquet file, column by column.
#[derive(Debug, Clone, PartialEq)]
pub struct Batch {
    columns: Vec<Column>,
    rows: usize,
    /// The strings' bytes, which the spans of the `Str` columns point into.
    text: Vec<u8>,
}

impl Batch {
    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Bytes of values, as [`STAGE_BYTES`] and [`ROW_GROUP_BYTES`] count
    /// them: the strings' bytes plus 8 per value (a span or a number).
    fn value_bytes(&self) -> usize {
        let values: usize = self.columns.iter().map(|c| c.values.len()).sum();
        self.text.len() + 8 * values
    }

    /// Bytes it holds on the heap (its buffers' capacities), what a batch
    /// waiting for the writer costs.
    pub fn heap_bytes(&self) -> usize {
        let columns: usize = self
            .columns
            .iter()
            .map(|c| c.values.heap_bytes() + c.def.capacity() * std::mem::size_of::<i16>())
            .sum();
        self.text.capacity() + columns + self.columns.capacity() * std::mem::size_of::<Column>()
    }
}

/// A Parquet file written row group by row group.
pub struct ParquetWriter {
    path: String,
    spec: &'static [ColumnSpec],
    file: SerializedFileWriter<BufWriter<File>>,
    /// Rows staged, not yet encoded.
    pending: Batch,
    /// The row group being encoded, once it has rows.
    open: Option<OpenGroup>,
    /// Row group limits: [`ROW_GROUP_ROWS`] and [`ROW_GROUP_BYTES`] (smaller
    /// in tests).
    limits: (usize, usize),
    /// Staging limits: [`STAGE_ROWS`] and [`STAGE_BYTES`].
    stage: (usize, usize),
    /// Set by a failed write: the file is then incomplete, and every later
    /// call fails instead of writing a file that looks whole.
    broken: bool,
}

/// The pages of one column chunk, encoded in memory until the row group is
/// written; shared by the column writer's page writer and the row group.
type ChunkPages = Arc<Mutex<TrackedWrite<Vec<u8>>>>;

/// A page writer that appends a column chunk's pages (headers included, as
/// in the file) to a buffer in memory.
struct MemoryPageWriter(ChunkPages);

impl PageWriter for MemoryPageWriter {
    fn write_page(&mut self, page: CompressedPage) -> Result<PageWriteSpec, ParquetError> {
        let mut sink = self
            .0
            .lock()
            .map_err(|_| ParquetError::General("a column's page buffer is poisoned".into()))?;
        SerializedPageWriter::new(&mut sink).write_page(page)
    }

    fn close(&mut self) -> Result<(), ParquetError> {
        Ok(())
    }
}

/// One column of the row group being encoded.
enum OpenColumn {
    /// Numbers and booleans: the crate's column writer.
    Crate {
        /// Boxed, as is the string column: 1.5 KB.
        writer: Box<ColumnWriter<'static>>,
        /// The buffer its pages go to.
        pages: ChunkPages,
    },
    /// Strings: encoded by `strings` (boxed: its Snappy encoder's table is
    /// 2 KB).
    Str(Box<strings::StrChunk>),
}

/// A row group being encoded.
struct OpenGroup {
    columns: Vec<OpenColumn>,
    rows: usize,
    /// Bytes of values encoded so far (see [`ROW_GROUP_BYTES`]).
    bytes: usize,
}

impl OpenGroup {
    /// An empty row group of `file` with the columns `spec`: a column
    /// writer per column.
    fn new(file: &SerializedFileWriter<BufWriter<File>>, spec: &[ColumnSpec]) -> OpenGroup {
        let schema = file.schema_descr();
        // The schema was built from `spec`: one column each, in order.
        let columns = (0..schema.num_columns())
            .zip(spec)
            .map(|(i, c)| {
                let descr = schema.column(i);
                if c.kind == Kind::Str {
                    return OpenColumn::Str(Box::new(strings::StrChunk::new(descr, c.statistics)));
                }
                let pages: ChunkPages = Arc::new(Mutex::new(TrackedWrite::new(Vec::new())));
                let writer = get_column_writer(
                    descr,
                    file.properties().clone(),
                    Box::new(MemoryPageWriter(pages.clone())),
                );
                OpenColumn::Crate {
                    writer: Box::new(writer),
                    pages,
                }
            })
            .collect();
        OpenGroup {
            columns,
            rows: 0,
            bytes: 0,
        }
    }
}

impl ParquetWriter {
    /// Create the file at `path` with the columns `spec`.
    pub fn create(
        path: &Path,
        spec: &'static [ColumnSpec],
    ) -> Result<ParquetWriter, ParquetDatasetError> {
        let name = path.display().to_string();
        let err = |source| write_err(&name, source);
        let f = File::create(path).map_err(|e| err(e.into()))?;
        // Min/max per row group (what engines prune row groups with), not per
        // page; none for the free-text columns, where no query prunes by range
        // and comparing every value cost a tenth of the Parquet encoding.
        let mut props = WriterProperties::builder()
            .set_writer_version(WriterVersion::PARQUET_1_0)
            .set_compression(Compression::SNAPPY)
            .set_dictionary_enabled(true)
            .set_statistics_enabled(EnabledStatistics::Chunk)
            .set_created_by(concat!("reportdex ", env!("CARGO_PKG_VERSION")).to_string());
        for c in spec.iter().filter(|c| !c.statistics) {
            props = props
                .set_column_statistics_enabled(ColumnPath::from(c.name), EnabledStatistics::None);
        }
        let props = props.build();
        let file = SerializedFileWriter::new(
            BufWriter::with_capacity(1 << 16, f),
            schema(spec).map_err(err)?,
            Arc::new(props),
        )
        .map_err(err)?;
        let pending = BatchBuilder::new(spec).finish()?;
        Ok(ParquetWriter {
            path: name,
            spec,
            file,
            pending,
            open: None,
            limits: (ROW_GROUP_ROWS, ROW_GROUP_BYTES),
            stage: (STAGE_ROWS, STAGE_BYTES),
            broken: false,
        })
    }

    /// Close row groups after `rows` rows instead of [`ROW_GROUP_ROWS`] (one
    /// row per document: see [`REPORT_ROW_GROUP_ROWS`]).
    pub fn with_row_group_rows(mut self, rows: usize) -> ParquetWriter {
        self.limits.0 = rows.max(1);
        self
    }

    /// Append a document's rows; encodes the staged rows once
    /// [`STAGE_ROWS`] rows or [`STAGE_BYTES`] bytes are staged, and writes
    /// the row group once it holds [`ROW_GROUP_ROWS`] rows or
    /// [`ROW_GROUP_BYTES`] bytes.
    pub fn append(&mut self, batch: Batch) -> Result<(), ParquetDatasetError> {
        self.check_whole()?;
        if batch.columns.len() != self.spec.len()
            || batch
                .columns
                .iter()
                .zip(&self.pending.columns)
                .any(|(a, b)| {
                    std::mem::discriminant(&a.values) != std::mem::discriminant(&b.values)
                })
        {
            return Err(ParquetDatasetError::Shape {
                row: 0,
                column: "(batch)",
            });
        }
        // The batch's strings are copied into the staging buffer, so that
        // nothing of a worker's allocations outlives its document (kept
        // longer, they pinned pages of the workers' heaps, and the resident
        // size grew with the run).
        // A document without rows may still have interned its source path.
        let text: &[u8] = if batch.rows == 0 { &[] } else { &batch.text };
        if self.pending.text.len() + text.len() > u32::MAX as usize {
            self.encode_pending()?;
            if text.len() > u32::MAX as usize {
                return Err(ParquetDatasetError::Shape {
                    row: 0,
                    column: "(text over 4 GiB)",
                });
            }
        }
        let shift = self.pending.text.len() as u32;
        self.pending.text.extend_from_slice(text);
        for (mine, mut theirs) in self.pending.columns.iter_mut().zip(batch.columns) {
            if let Values::Str(spans) = &mut theirs.values {
                for Span(a, b) in spans.iter_mut() {
                    *a += shift;
                    *b += shift;
                }
            }
            mine.values.extend(theirs.values);
            mine.def.extend(theirs.def);
        }
        self.pending.rows += batch.rows;
        let staged = self.pending.value_bytes();
        let (group_rows, group_bytes) = self.open.as_ref().map_or((0, 0), |g| (g.rows, g.bytes));
        if self.pending.rows >= self.stage.0
            || staged >= self.stage.1
            || group_rows + self.pending.rows >= self.limits.0
            || group_bytes + staged >= self.limits.1
        {
            self.encode_pending()?;
        }
        if let Some(g) = &self.open {
            if g.rows >= self.limits.0 || g.bytes >= self.limits.1 {
                self.write_group()?;
            }
        }
        Ok(())
    }

    /// An error once a write has failed (see `broken`).
    fn check_whole(&self) -> Result<(), ParquetDatasetError> {
        if self.broken {
            return Err(write_err(
                &self.path,
                ParquetError::General("an earlier write failed".into()),
            ));
        }
        Ok(())
    }

    /// Encode the staged rows into the open row group (opened if needed).
    fn encode_pending(&mut self) -> Result<(), ParquetDatasetError> {
        if self.pending.rows == 0 {
            return Ok(());
        }
        let (file, spec) = (&self.file, self.spec);
        let group = self.open.get_or_insert_with(|| OpenGroup::new(file, spec));
        if let Err(e) = encode_columns(
            &mut group.columns,
            &self.pending.columns,
            &self.pending.text,
        ) {
            self.broken = true;
            return Err(write_err(&self.path, e));
        }
        group.rows += self.pending.rows;
        group.bytes += self.pending.value_bytes();
        for c in &mut self.pending.columns {
            c.values.clear();
            c.def.clear();
        }
        self.pending.rows = 0;
        self.pending.text.clear();
        if self.pending.text.capacity() > 4 * STAGE_BYTES {
            // One document's text was far over the staging size: not kept.
            self.pending.text = Vec::new();
        }
        Ok(())
    }

    /// Encode the staged rows, then write the open row group to the file.
    fn write_group(&mut self) -> Result<(), ParquetDatasetError> {
        self.encode_pending()?;
        let Some(group) = self.open.take() else {
            return Ok(());
        };
        if let Err(e) = splice_group(&mut self.file, group) {
            self.broken = true;
            return Err(write_err(&self.path, e));
        }
        // The row group's pages were freed in the middle of the heap.
        crate::memory::release_free_memory();
        Ok(())
    }

    /// Write the last row group and the footer.
    pub fn finish(mut self) -> Result<(), ParquetDatasetError> {
        self.check_whole()?;
        self.write_group()?;
        let path = self.path;
        let err = |source| write_err(&path, source);
        let w = self.file.into_inner().map_err(err)?;
        w.into_inner().map_err(|e| err(e.into_error().into()))?;
        Ok(())
    }
}

/// A write of the file at `path` failed.
fn write_err(path: &str, source: ParquetError) -> ParquetDatasetError {
    ParquetDatasetError::Write {
        path: path.to_string(),
        source,
    }
}

/// Encode `columns` (strings as spans of `text`) with the open row group's
/// column writers, column by column.
fn encode_columns(
    open: &mut [OpenColumn],
    columns: &[Column],
    text: &[u8],
) -> Result<(), ParquetError> {
    if open.len() != columns.len() {
        return Err(ParquetError::General(format!(
            "{} columns in the schema, {} in the rows",
            open.len(),
            columns.len()
        )));
    }
    for (o, c) in open.iter_mut().zip(columns) {
        let writer = match (o, &c.values) {
            (OpenColumn::Str(chunk), Values::Str(spans)) => {
                chunk.write(spans, &c.def, text)?;
                continue;
            }
            (OpenColumn::Crate { writer, .. }, _) => writer,
            (OpenColumn::Str(_), _) => {
                return Err(ParquetError::General(
                    "a column's values do not have its physical type".into(),
                ))
            }
        };
        // In chunks of rows, whole multiples of the writer's own
        // mini-batches, so the pages, and the file, are the same as from one
        // call.
        let defined = if c.def.is_empty() {
            c.values.len()
        } else {
            c.def.iter().filter(|&&l| l > 0).count()
        };
        if defined != c.values.len() {
            return Err(ParquetError::General(format!(
                "{} values for {defined} defined rows in a column",
                c.values.len()
            )));
        }
        for (vals, def) in write_chunks(&c.def, c.values.len()) {
            match (&mut **writer, &c.values) {
                (ColumnWriter::Int32ColumnWriter(w), Values::I32(v)) => {
                    w.write_batch(&v[vals.clone()], def, None)
                }
                (ColumnWriter::Int64ColumnWriter(w), Values::I64(v)) => {
                    w.write_batch(&v[vals.clone()], def, None)
                }
                (ColumnWriter::DoubleColumnWriter(w), Values::F64(v)) => {
                    w.write_batch(&v[vals.clone()], def, None)
                }
                (ColumnWriter::BoolColumnWriter(w), Values::Bool(v)) => {
                    w.write_batch(&v[vals.clone()], def, None)
                }
                _ => Err(ParquetError::General(
                    "a column's values do not have its physical type".into(),
                )),
            }?;
        }
    }
    Ok(())
}

/// Close the open row group's column writers and splice their chunks, in
/// column order, into a row group of `file`.
fn splice_group(
    file: &mut SerializedFileWriter<BufWriter<File>>,
    group: OpenGroup,
) -> Result<(), ParquetError> {
    let mut rg = file.next_row_group()?;
    for column in group.columns {
        let (writer, pages) = match column {
            OpenColumn::Crate { writer, pages } => (*writer, pages),
            OpenColumn::Str(chunk) => {
                let (bytes, close) = chunk.close()?;
                rg.append_column(&bytes, close)?;
                continue;
            }
        };
        let close = writer.close()?;
        let bytes = {
            let mut sink = pages
                .lock()
                .map_err(|_| ParquetError::General("a column's page buffer is poisoned".into()))?;
            // The pages may still be in the tracked writer's own buffer.
            std::io::Write::flush(&mut *sink)?;
            Bytes::from(std::mem::take(sink.inner_mut()))
        };
        rg.append_column(&bytes, close)?;
    }
    rg.close()?;
    Ok(())
}

/// Rows per `write_batch` call: a multiple of the column writer's
/// mini-batch (`WriterProperties::write_batch_size`, 1,024 by default).
const WRITE_CHUNK_ROWS: usize = 8 * 1024;

/// A column's chunks of at most [`WRITE_CHUNK_ROWS`] rows: the range of
/// values of each (the defined ones only, when `def` holds definition
/// levels) and its definition levels. A required column (`def` empty) has a
/// value per row.
fn write_chunks(
    def: &[i16],
    values: usize,
) -> impl Iterator<Item = (std::ops::Range<usize>, Option<&[i16]>)> + '_ {
    let rows = if def.is_empty() { values } else { def.len() };
    let mut start = 0;
    (0..rows.div_ceil(WRITE_CHUNK_ROWS)).map(move |k| {
        let r = k * WRITE_CHUNK_ROWS..((k + 1) * WRITE_CHUNK_ROWS).min(rows);
        if def.is_empty() {
            (r, None)
        } else {
            let d = &def[r];
            let n = d.iter().filter(|&&l| l > 0).count();
            let vals = start..start + n;
            start += n;
            (vals, Some(d))
        }
    })
}

/// The Parquet schema of the columns `spec`.
fn schema(spec: &[ColumnSpec]) -> Result<Arc<Type>, ParquetError> {
    let fields = spec
        .iter()
        .map(|c| {
            let (physical, logical) = match c.kind {
                Kind::Str => (PhysicalType::BYTE_ARRAY, Some(LogicalType::String)),
                Kind::I32 => (PhysicalType::INT32, None),
                Kind::I64 => (PhysicalType::INT64, None),
                Kind::F64 => (PhysicalType::DOUBLE, None),
                Kind::Bool => (PhysicalType::BOOLEAN, None),
                Kind::Date => (PhysicalType::INT32, Some(LogicalType::Date)),
            };
            Type::primitive_type_builder(c.name, physical)
                .with_repetition(if c.nullable {
                    Repetition::OPTIONAL
                } else {
                    Repetition::REQUIRED
                })
                .with_logical_type(logical)
                .build()
                .map(Arc::new)
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Arc::new(
        Type::group_type_builder("schema")
            .with_fields(fields)
            .build()?,
    ))
}

/// Days since 1970-01-01 of a `YYYY-MM-DD` date; `None` when it is not one.
pub fn epoch_days(date: &str) -> Option<i32> {
    let mut parts = date.splitn(3, '-');
    let y: i64 = parts.next()?.parse().ok()?;
    let m: i64 = parts.next()?.parse().ok()?;
    let d: i64 = parts.next()?.parse().ok()?;
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let month_days = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    if !(1..=12).contains(&m) || d < 1 || d > month_days[(m - 1) as usize] {
        return None;
    }
    // Days from civil (H. Hinnant's algorithm).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    i32::try_from(era * 146_097 + doe - 719_468).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epoch_days_of_known_dates() {
        assert_eq!(epoch_days("1970-01-01"), Some(0));
        assert_eq!(epoch_days("2000-03-01"), Some(11_017));
        assert_eq!(epoch_days("2020-12-31"), Some(18_627));
        assert_eq!(epoch_days("2021-02-29"), None);
        assert_eq!(epoch_days("2020-02-29"), Some(18_321));
        assert_eq!(epoch_days("2020-13-01"), None);
        assert_eq!(epoch_days("x"), None);
    }

    /// The row group's buffer holds the strings of the pending rows only,
    /// their spans shifted to it; a document without rows adds nothing.
    #[test]
    fn write_chunks_split_rows_and_their_defined_values() {
        let rows = 2 * WRITE_CHUNK_ROWS + 5;
        // Every third row null.
        let def: Vec<i16> = (0..rows).map(|r| i16::from(r % 3 != 0)).collect();
        let defined = def.iter().filter(|&&l| l > 0).count();
        let chunks: Vec<_> = write_chunks(&def, defined).collect();
        assert_eq!(chunks.len(), 3);
        let mut next = 0;
        for (k, (vals, d)) in chunks.iter().enumerate() {
            let d = d.unwrap();
            assert_eq!(d.len(), if k < 2 { WRITE_CHUNK_ROWS } else { 5 });
            assert_eq!(vals.start, next);
            assert_eq!(vals.len(), d.iter().filter(|&&l| l > 0).count());
            next = vals.end;
        }
        assert_eq!(next, defined);
        // A required column: one value per row, no levels.
        let req: Vec<_> = write_chunks(&[], WRITE_CHUNK_ROWS + 1).collect();
        assert_eq!(
            req,
            [
                (0..WRITE_CHUNK_ROWS, None),
                (WRITE_CHUNK_ROWS..WRITE_CHUNK_ROWS + 1, None)
            ]
        );
        assert_eq!(write_chunks(&[], 0).count(), 0);
    }

    #[test]
    fn pending_strings_are_copied_and_spans_shifted() {
        let dir = tempfile::tempdir().unwrap();
        let mut w = ParquetWriter::create(&dir.path().join("t.parquet"), &TABLES_COLUMNS).unwrap();
        let mut empty = BatchBuilder::new(&TABLES_COLUMNS);
        empty.intern("only-interned.docx");
        w.append(empty.finish().unwrap()).unwrap();
        assert!(w.pending.text.is_empty());
        for doc in ["a.docx", "bb.docx"] {
            let mut b = BatchBuilder::new(&TABLES_COLUMNS);
            let source = b.intern(doc);
            b.row(&[
                Value::Span(source),
                Value::Text("t1"),
                Value::Text("二"),
                Value::I64(0),
                Value::I64(1),
                Value::I64(1),
                Value::I64(1),
                Value::Text("合计"),
                Value::Text("总计 / 合计"),
                Value::Text("12"),
            ]);
            w.append(b.finish().unwrap()).unwrap();
        }
        let Values::Str(sources) = &w.pending.columns[0].values else {
            panic!("the first column holds strings");
        };
        let text = |&Span(a, b): &Span| {
            std::str::from_utf8(&w.pending.text[a as usize..b as usize]).unwrap()
        };
        let got: Vec<&str> = sources.iter().map(text).collect();
        assert_eq!(got, ["a.docx", "bb.docx"]);
        w.finish().unwrap();
    }

    /// Write documents `d0.docx`..`d6.docx` (document d has d rows, each
    /// appended by `row(builder, source, d, k)`) into `path` with the row
    /// group and staging limits given; the sizes of the file's row groups.
    fn write_docs(
        path: &Path,
        limits: (usize, usize),
        stage: (usize, usize),
        row: impl Fn(&mut BatchBuilder, Span, usize, usize),
    ) -> Vec<i64> {
        use parquet::file::reader::{FileReader, SerializedFileReader};
        let mut w = ParquetWriter::create(path, &METRICS_COLUMNS).unwrap();
        w.limits = limits;
        w.stage = stage;
        for doc in 0..7 {
            let mut b = BatchBuilder::new(&METRICS_COLUMNS);
            let source = b.intern(&format!("d{doc}.docx"));
            for k in 0..doc {
                row(&mut b, source, doc, k);
            }
            w.append(b.finish().unwrap()).unwrap();
        }
        w.finish().unwrap();
        let r = SerializedFileReader::new(File::open(path).unwrap()).unwrap();
        r.metadata()
            .row_groups()
            .iter()
            .map(|g| g.num_rows())
            .collect()
    }

    /// The rows of the Parquet file at `path`.
    fn read_rows(path: &Path) -> Vec<parquet::record::Row> {
        use parquet::file::reader::{FileReader, SerializedFileReader};
        let r = SerializedFileReader::new(File::open(path).unwrap()).unwrap();
        r.get_row_iter(None).unwrap().map(|r| r.unwrap()).collect()
    }

    /// Several row groups (small limits), nulls and every kind: read back
    /// as written, the same bytes twice.
    #[test]
    fn row_groups_close_at_document_boundaries() {
        use parquet::record::Field;
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str| {
            let path = dir.path().join(name);
            let groups = write_docs(
                &path,
                (5, usize::MAX),
                (STAGE_ROWS, STAGE_BYTES),
                |b, source, _, k| {
                    b.row(&[
                        Value::Span(source),
                        Value::Text(&format!("k{k}")),
                        Value::Text("标签"),
                        if k % 2 == 0 {
                            Value::F64(k as f64 / 2.0)
                        } else {
                            Value::Null
                        },
                        Value::Null,
                        Value::Text("件"),
                        Value::Text("0"),
                        Value::I64(k as i64),
                        Value::Null,
                    ])
                },
            );
            (path, groups)
        };
        let ((a, groups), (b, _)) = (write("a.parquet"), write("b.parquet"));
        assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
        // Documents of 0..=6 rows, a group closed once 5 are pending:
        // [0+1+2+3] [4+5] [6].
        assert_eq!(groups, [6, 9, 6]);
        let rows = read_rows(&a);
        assert_eq!(rows.len(), 21);
        let last = rows[20]
            .get_column_iter()
            .map(|(_, f)| f.clone())
            .collect::<Vec<_>>();
        assert_eq!(last[0], Field::Str("d6.docx".into()));
        assert_eq!(last[1], Field::Str("k5".into()));
        assert_eq!(last[3], Field::Null);
        assert_eq!(last[7], Field::Long(5));
        let prev = rows[19]
            .get_column_iter()
            .map(|(_, f)| f.clone())
            .collect::<Vec<_>>();
        assert_eq!(prev[3], Field::Double(2.0));
    }

    /// Rows staged in several rounds into one row group read back the same
    /// as rows encoded in one round, in the same row groups.
    #[test]
    fn staged_rounds_make_the_same_rows() {
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, stage: (usize, usize)| {
            let path = dir.path().join(name);
            let groups = write_docs(&path, (8, usize::MAX), stage, |b, source, doc, k| {
                b.row(&[
                    Value::Span(source),
                    Value::Text(&format!("k{}", k % 3)),
                    Value::Text("标签"),
                    Value::F64(k as f64),
                    Value::Null,
                    Value::Text("件"),
                    Value::Text(&k.to_string()),
                    Value::I64(k as i64),
                    Value::I64(doc as i64),
                ])
            });
            let rows: Vec<String> = read_rows(&path).iter().map(|r| r.to_string()).collect();
            (groups, rows)
        };
        // Staged by 2 rows: [0+1+2 | 3 | 4] = 10 rows, then [5 | 6] = 11.
        let (groups, rows) = write("rounds.parquet", (2, usize::MAX));
        assert_eq!(groups, [10, 11]);
        assert_eq!(rows.len(), 21);
        assert!(rows[20].contains("d6.docx"), "{}", rows[20]);
        let (one_groups, one_rows) = write("one.parquet", (usize::MAX, usize::MAX));
        assert_eq!(one_groups, groups);
        assert_eq!(one_rows, rows);
    }

    #[test]
    fn a_row_that_does_not_fit_is_an_error() {
        let mut b = BatchBuilder::new(&METRICS_COLUMNS);
        b.row(&[Value::Null; 9]);
        assert!(matches!(
            b.finish(),
            Err(ParquetDatasetError::Shape {
                row: 0,
                column: "source"
            })
        ));
        let mut b = BatchBuilder::new(&METRICS_COLUMNS);
        b.row(&[Value::I32(1)]);
        assert!(b.finish().is_err());
    }
}
