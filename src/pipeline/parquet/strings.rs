//! String column chunks, dictionary-encoded here rather than by the parquet
//! crate's column writer.
//!
//! Given to the crate's writer, every string was hashed twice: once to keep
//! one copy of each distinct string of the row group (the writer holds what
//! it is given until the group is written), once more by the writer's own
//! dictionary, whose equality tests, reference counts and per-value
//! `ByteArray`s were a tenth of a run's CPU. Here a column keeps its
//! dictionary itself: each distinct string once, already laid out as the
//! dictionary page, and one index per value.
//!
//! The pages are the format's own, as the crate writes them
//! ([Parquet encodings]): a PLAIN dictionary page, then version 1 data pages
//! of definition levels (RLE, length-prefixed) and RLE_DICTIONARY indices
//! (a bit width, then the RLE / bit-packing hybrid), each Snappy-compressed;
//! a chunk whose dictionary outgrows [`DICTIONARY_LIMIT`] goes on in PLAIN
//! pages, as the crate does. The page headers, the chunk's metadata and the
//! file around it are the crate's ([`SerializedPageWriter`],
//! `append_column`). Min and max (for the columns with statistics) are
//! exact: taken over the dictionary, never truncated.
//!
//! [Parquet encodings]: https://github.com/apache/parquet-format/blob/master/Encodings.md

use super::Span;
use bytes::Bytes;
use hashbrown::HashTable;
use parquet::basic::{Compression, Encoding, EncodingMask, PageType};
use parquet::column::page::{CompressedPage, Page, PageWriter};
use parquet::column::writer::ColumnCloseResult;
use parquet::data_type::ByteArray;
use parquet::errors::ParquetError;
use parquet::file::metadata::{ColumnChunkMetaData, OffsetIndexBuilder, PageEncodingStats};
use parquet::file::statistics::Statistics;
use parquet::file::writer::{SerializedPageWriter, TrackedWrite};
use parquet::schema::types::ColumnDescPtr;
use std::hash::BuildHasher;

/// Bytes of a chunk's dictionary page past which later values are written
/// PLAIN (the crate's default `dictionary_page_size_limit`).
pub const DICTIONARY_LIMIT: usize = 1 << 20;

/// Rows of a data page, at most (the crate's `data_page_row_count_limit`).
pub const PAGE_ROWS: usize = 20_000;

/// Bytes of a data page's values before compression, about (the crate's
/// `data_page_size_limit`).
pub const PAGE_BYTES: usize = 1 << 20;

/// Values a bit-packed run holds at most: 63 groups of 8, so that its header
/// is one byte, as other writers do.
const PACKED_RUN: usize = 63 * 8;

/// One string column of the open row group.
pub struct StrChunk {
    descr: ColumnDescPtr,
    nullable: bool,
    statistics: bool,
    limits: Limits,
    /// The distinct strings: their numbers in `entries`.
    table: HashTable<u32>,
    hasher: rustc_hash::FxBuildHasher,
    /// Where each distinct string is in `dict`.
    entries: Vec<(u32, u32)>,
    /// The dictionary page, PLAIN: each string's length (u32, little
    /// endian), then its bytes.
    dict: Vec<u8>,
    /// The dictionary is full: values are written PLAIN from here on.
    plain: bool,
    page: PageBuf,
    /// Finished data pages, compressed, waiting for the dictionary page.
    pages: Vec<CompressedPage>,
    /// Min and max of the values written PLAIN (the dictionary's are found
    /// at the end).
    plain_min: Option<Vec<u8>>,
    plain_max: Option<Vec<u8>>,
    nulls: u64,
    rows: u64,
    snappy: snap::raw::Encoder,
}

/// Page and dictionary sizes (smaller in tests).
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// See [`DICTIONARY_LIMIT`].
    pub dictionary: usize,
    /// See [`PAGE_ROWS`].
    pub page_rows: usize,
    /// See [`PAGE_BYTES`].
    pub page_bytes: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            dictionary: DICTIONARY_LIMIT,
            page_rows: PAGE_ROWS,
            page_bytes: PAGE_BYTES,
        }
    }
}

/// The data page being filled.
#[derive(Default)]
struct PageBuf {
    /// Definition levels (nullable columns only).
    levels: Vec<u8>,
    /// Dictionary indices of its values (a dictionary page).
    indices: Vec<u32>,
    /// Its values PLAIN (a page after the dictionary filled up).
    values: Vec<u8>,
    rows: usize,
    /// The last value's span and index: a run of one value (a document's
    /// source on each of its rows) skips the lookup.
    last: Option<(Span, u32)>,
}

impl StrChunk {
    /// An empty chunk of the column `descr`; min and max are kept when
    /// `statistics`.
    pub fn new(descr: ColumnDescPtr, statistics: bool) -> StrChunk {
        StrChunk::with_limits(descr, statistics, Limits::default())
    }

    /// [`StrChunk::new`] with other page and dictionary sizes.
    pub fn with_limits(descr: ColumnDescPtr, statistics: bool, limits: Limits) -> StrChunk {
        StrChunk {
            nullable: descr.max_def_level() > 0,
            descr,
            statistics,
            limits,
            table: HashTable::new(),
            hasher: rustc_hash::FxBuildHasher,
            entries: Vec::new(),
            dict: Vec::new(),
            plain: false,
            page: PageBuf::default(),
            pages: Vec::new(),
            plain_min: None,
            plain_max: None,
            nulls: 0,
            rows: 0,
            snappy: snap::raw::Encoder::new(),
        }
    }

    /// Append rows: `def` holds a definition level per row (empty for a
    /// required column), `spans` a span of `text` per defined row.
    pub fn write(&mut self, spans: &[Span], def: &[i16], text: &[u8]) -> Result<(), ParquetError> {
        // Spans are offsets into this call's text: the last one of an
        // earlier call says nothing of this one's.
        self.page.last = None;
        if !self.nullable {
            for &span in spans {
                self.value(span, text)?;
            }
            return Ok(());
        }
        let mut values = spans.iter();
        for &level in def {
            if level == 0 {
                self.page.levels.push(0);
                self.nulls += 1;
                self.end_row()?;
                continue;
            }
            let span = *values.next().ok_or_else(|| {
                ParquetError::General("fewer values than defined rows in a column".into())
            })?;
            self.value(span, text)?;
        }
        if values.next().is_some() {
            return Err(ParquetError::General(
                "more values than defined rows in a column".into(),
            ));
        }
        Ok(())
    }

    /// A row with the value `span` of `text`.
    fn value(&mut self, span: Span, text: &[u8]) -> Result<(), ParquetError> {
        let Span(a, b) = span;
        let s = text
            .get(a as usize..b as usize)
            .ok_or_else(|| ParquetError::General("a string outside the staged text".into()))?;
        // `put` may end the page (the dictionary filled up) before this row:
        // its level goes into the page its value goes into.
        self.put(span, s)?;
        if self.nullable {
            self.page.levels.push(1);
        }
        self.end_row()
    }

    /// One defined value.
    fn put(&mut self, span: Span, s: &[u8]) -> Result<(), ParquetError> {
        if !self.plain {
            if let Some((last, i)) = self.page.last {
                if last == span {
                    self.page.indices.push(i);
                    return Ok(());
                }
            }
            let i = match self.lookup(s) {
                Some(i) => i,
                None if self.dict.len() + 4 + s.len() <= self.limits.dictionary => {
                    self.insert(s)?
                }
                None => {
                    // The dictionary is full: this page ends here (a page has
                    // one encoding), the rest of the chunk is PLAIN.
                    self.finish_page()?;
                    self.plain = true;
                    return self.put(span, s);
                }
            };
            self.page.indices.push(i);
            self.page.last = Some((span, i));
        } else {
            let len = u32::try_from(s.len())
                .map_err(|_| ParquetError::General("a string over 4 GiB".into()))?;
            self.page.values.extend_from_slice(&len.to_le_bytes());
            self.page.values.extend_from_slice(s);
            if self.statistics {
                if self.plain_min.as_deref().is_none_or(|m| s < m) {
                    self.plain_min = Some(s.to_vec());
                }
                if self.plain_max.as_deref().is_none_or(|m| s > m) {
                    self.plain_max = Some(s.to_vec());
                }
            }
        }
        Ok(())
    }

    /// The dictionary's string number `i`.
    fn entry(&self, i: u32) -> &[u8] {
        entry_in(&self.dict, &self.entries, i)
    }

    /// The number of `s` in the dictionary.
    fn lookup(&self, s: &[u8]) -> Option<u32> {
        let hash = self.hasher.hash_one(s);
        self.table.find(hash, |&i| self.entry(i) == s).copied()
    }

    /// Add `s` to the dictionary; its number.
    fn insert(&mut self, s: &[u8]) -> Result<u32, ParquetError> {
        let too_big = || ParquetError::General("a dictionary over 4 GiB".into());
        let i = u32::try_from(self.entries.len()).map_err(|_| too_big())?;
        let len = u32::try_from(s.len()).map_err(|_| too_big())?;
        self.dict.extend_from_slice(&len.to_le_bytes());
        let start = u32::try_from(self.dict.len()).map_err(|_| too_big())?;
        self.dict.extend_from_slice(s);
        let end = u32::try_from(self.dict.len()).map_err(|_| too_big())?;
        self.entries.push((start, end));
        let hash = self.hasher.hash_one(s);
        let (entries, dict, hasher) = (&self.entries, &self.dict, &self.hasher);
        // (The table may grow: it rehashes its members, borrowed apart from
        // the table itself.)
        self.table
            .insert_unique(hash, i, |&k| hasher.hash_one(entry_in(dict, entries, k)));
        Ok(i)
    }

    /// A row is complete: the page ends at the page limits.
    fn end_row(&mut self) -> Result<(), ParquetError> {
        self.page.rows += 1;
        self.rows += 1;
        let bytes = if self.plain {
            self.page.values.len()
        } else {
            // Bit-packed indices: at most this many bytes.
            self.page.indices.len() * bit_width(self.entries.len()) as usize / 8
        };
        if self.page.rows >= self.limits.page_rows || bytes >= self.limits.page_bytes {
            self.finish_page()?;
        }
        Ok(())
    }

    /// Encode and compress the page being filled, if it has rows.
    fn finish_page(&mut self) -> Result<(), ParquetError> {
        if self.page.rows == 0 {
            return Ok(());
        }
        let mut buf = Vec::with_capacity(
            8 + self.page.levels.len() / 8 + self.page.indices.len() * 4 + self.page.values.len(),
        );
        if self.nullable {
            let at = buf.len();
            buf.extend_from_slice(&[0; 4]);
            hybrid(&mut buf, &self.page.levels, 1);
            let len = (buf.len() - at - 4) as u32;
            buf[at..at + 4].copy_from_slice(&len.to_le_bytes());
        }
        let encoding = if self.plain {
            buf.extend_from_slice(&self.page.values);
            Encoding::PLAIN
        } else {
            let width = bit_width(self.entries.len());
            buf.push(width);
            hybrid(&mut buf, &self.page.indices, width);
            Encoding::RLE_DICTIONARY
        };
        let page = Page::DataPage {
            buf: self.compress(&buf)?,
            num_values: self.page.rows as u32,
            encoding,
            def_level_encoding: Encoding::RLE,
            rep_level_encoding: Encoding::RLE,
            statistics: None,
        };
        self.pages.push(CompressedPage::new(page, buf.len()));
        let page = &mut self.page;
        page.levels.clear();
        page.indices.clear();
        page.values.clear();
        page.rows = 0;
        page.last = None;
        Ok(())
    }

    fn compress(&mut self, buf: &[u8]) -> Result<Bytes, ParquetError> {
        let mut out = vec![0; snap::raw::max_compress_len(buf.len())];
        let n = self
            .snappy
            .compress(buf, &mut out)
            .map_err(|e| ParquetError::External(Box::new(e)))?;
        out.truncate(n);
        Ok(Bytes::from(out))
    }

    /// The chunk's pages (the dictionary page first) with their headers, as
    /// in the file, and its metadata for `append_column`.
    pub fn close(mut self) -> Result<(Bytes, ColumnCloseResult), ParquetError> {
        self.finish_page()?;
        let mut sink = TrackedWrite::new(Vec::new());
        let mut writer = SerializedPageWriter::new(&mut sink);
        let mut stats: Vec<PageEncodingStats> = Vec::new();
        let mut encodings = vec![Encoding::RLE];
        let mut offsets = OffsetIndexBuilder::new();
        let (mut compressed, mut uncompressed) = (0i64, 0i64);
        let mut dictionary_offset = None;
        let mut data_offset = None;
        let mut values = 0i64;
        let has_dictionary = self
            .pages
            .iter()
            .any(|p| p.encoding() == Encoding::RLE_DICTIONARY);
        if has_dictionary {
            let dict = std::mem::take(&mut self.dict);
            let page = Page::DictionaryPage {
                buf: self.compress(&dict)?,
                num_values: self.entries.len() as u32,
                encoding: Encoding::PLAIN,
                is_sorted: false,
            };
            let spec = writer.write_page(CompressedPage::new(page, dict.len()))?;
            self.dict = dict;
            dictionary_offset = Some(spec.offset as i64);
            compressed += spec.compressed_size as i64;
            uncompressed += spec.uncompressed_size as i64;
            stats.push(PageEncodingStats {
                page_type: PageType::DICTIONARY_PAGE,
                encoding: Encoding::PLAIN,
                count: 1,
            });
            encodings.push(Encoding::PLAIN);
        }
        for page in std::mem::take(&mut self.pages) {
            let (encoding, rows) = (page.encoding(), page.num_values());
            if !encodings.contains(&encoding) {
                encodings.push(encoding);
            }
            match stats.last_mut() {
                Some(s) if s.page_type == PageType::DATA_PAGE && s.encoding == encoding => {
                    s.count += 1
                }
                _ => stats.push(PageEncodingStats {
                    page_type: PageType::DATA_PAGE,
                    encoding,
                    count: 1,
                }),
            }
            let spec = writer.write_page(page)?;
            data_offset.get_or_insert(spec.offset as i64);
            offsets.append_row_count(rows as i64);
            offsets.append_offset_and_size(spec.offset as i64, spec.compressed_size as i32);
            compressed += spec.compressed_size as i64;
            uncompressed += spec.uncompressed_size as i64;
            values += spec.num_values as i64;
        }
        writer.close()?;
        let bytes_written = sink.bytes_written() as u64;
        let chunk = Bytes::from(sink.into_inner()?);
        let mut meta = ColumnChunkMetaData::builder(self.descr.clone())
            .set_compression(Compression::SNAPPY)
            .set_encodings_mask(EncodingMask::new_from_encodings(encodings.iter()))
            .set_page_encoding_stats(stats)
            .set_total_compressed_size(compressed)
            .set_total_uncompressed_size(uncompressed)
            .set_num_values(values)
            .set_data_page_offset(data_offset.unwrap_or(0))
            .set_dictionary_page_offset(dictionary_offset);
        if self.statistics {
            let (min, max) = self.min_max(has_dictionary);
            meta = meta.set_statistics(Statistics::new(
                min.map(ByteArray::from),
                max.map(ByteArray::from),
                None,
                Some(self.nulls),
                false,
            ));
        }
        Ok((
            chunk,
            ColumnCloseResult {
                bytes_written,
                rows_written: self.rows,
                metadata: meta.build()?,
                bloom_filter: None,
                column_index: None,
                offset_index: Some(offsets.build()),
            },
        ))
    }

    /// Min and max of every value written.
    fn min_max(&self, dictionary: bool) -> (Option<Vec<u8>>, Option<Vec<u8>>) {
        let mut min = self.plain_min.as_deref();
        let mut max = self.plain_max.as_deref();
        if dictionary {
            for i in 0..self.entries.len() as u32 {
                let s = self.entry(i);
                if min.is_none_or(|m| s < m) {
                    min = Some(s);
                }
                if max.is_none_or(|m| s > m) {
                    max = Some(s);
                }
            }
        }
        (min.map(<[u8]>::to_vec), max.map(<[u8]>::to_vec))
    }
}

/// String number `i` of a dictionary page `dict` whose strings are at
/// `entries`.
fn entry_in<'a>(dict: &'a [u8], entries: &[(u32, u32)], i: u32) -> &'a [u8] {
    let (a, b) = entries[i as usize];
    &dict[a as usize..b as usize]
}

/// Bits of a dictionary index among `entries` strings (0 for one or none).
fn bit_width(entries: usize) -> u8 {
    (usize::BITS - entries.saturating_sub(1).leading_zeros()) as u8
}

/// Append `values` (each below 2^`width`) in the RLE / bit-packing hybrid
/// encoding: runs of at least eight equal values (after the pending literals
/// are completed to a group of eight) as RLE runs, the rest bit-packed.
fn hybrid<T: Copy + PartialEq + Into<u32>>(out: &mut Vec<u8>, values: &[T], width: u8) {
    let mut literals = 0; // start of the values not yet written
    let mut i = 0;
    while i < values.len() {
        let v = values[i];
        let mut j = i + 1;
        while j < values.len() && values[j] == v {
            j += 1;
        }
        // Bit-packed runs hold whole groups of eight, but at the very end:
        // the run first completes the pending literals' last group.
        let pad = (8 - (i - literals) % 8) % 8;
        if j - i >= pad + 8 {
            bit_pack(out, &values[literals..i + pad], width);
            rle(out, v.into(), (j - i - pad) as u32, width);
            literals = j;
        }
        i = j;
    }
    bit_pack(out, &values[literals..], width);
}

/// Bit-packed runs of `values` (a multiple of eight of them, but at the end
/// of the stream, where the last group is padded with zeros).
fn bit_pack<T: Copy + Into<u32>>(out: &mut Vec<u8>, values: &[T], width: u8) {
    for run in values.chunks(PACKED_RUN) {
        let groups = run.len().div_ceil(8);
        uleb128(out, ((groups as u32) << 1) | 1);
        let (mut acc, mut bits) = (0u64, 0u32);
        for k in 0..groups * 8 {
            let x = run.get(k).map_or(0, |&x| x.into());
            acc |= u64::from(x) << bits;
            bits += u32::from(width);
            while bits >= 8 {
                out.push(acc as u8);
                acc >>= 8;
                bits -= 8;
            }
        }
    }
}

/// An RLE run: `count` times `value`, in `width` bits rounded up to bytes.
fn rle(out: &mut Vec<u8>, value: u32, count: u32, width: u8) {
    uleb128(out, count << 1);
    out.extend_from_slice(&value.to_le_bytes()[..usize::from(width).div_ceil(8)]);
}

fn uleb128(out: &mut Vec<u8>, mut v: u32) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The hybrid encoding decoded (a reference decoder for the tests).
    fn unhybrid(mut data: &[u8], width: u8, n: usize) -> Vec<u32> {
        let mut out = Vec::new();
        let uleb = |data: &mut &[u8]| {
            let (mut v, mut shift) = (0u32, 0);
            loop {
                let b = data[0];
                *data = &data[1..];
                v |= u32::from(b & 0x7f) << shift;
                if b < 0x80 {
                    return v;
                }
                shift += 7;
            }
        };
        while out.len() < n {
            let h = uleb(&mut data);
            if h & 1 == 0 {
                let bytes = usize::from(width).div_ceil(8);
                let mut v = [0u8; 4];
                v[..bytes].copy_from_slice(&data[..bytes]);
                data = &data[bytes..];
                out.extend(std::iter::repeat_n(
                    u32::from_le_bytes(v),
                    (h >> 1) as usize,
                ));
            } else {
                let count = (h >> 1) as usize * 8;
                let (mut acc, mut bits) = (0u64, 0u32);
                for _ in 0..count {
                    while bits < u32::from(width) {
                        acc |= u64::from(data[0]) << bits;
                        data = &data[1..];
                        bits += 8;
                    }
                    out.push((acc & ((1u64 << width) - 1)) as u32);
                    acc >>= width;
                    bits -= u32::from(width);
                }
            }
        }
        assert!(data.is_empty(), "{} bytes left", data.len());
        out.truncate(n);
        out
    }

    #[test]
    fn hybrid_round_trips_runs_and_literals() {
        let cases: Vec<Vec<u32>> = vec![
            vec![],
            vec![0],
            vec![5; 7],
            vec![5; 8],
            vec![5; 1000],
            (0..1000).map(|i| i % 7).collect(),
            (0..1000).map(|i| (i / 13) % 3).collect(),
            // literals, then a run that must first complete their group
            [vec![1, 2, 3], vec![4; 9], vec![1, 2], vec![9; 30]].concat(),
            [vec![1, 2, 3], vec![4; 12], vec![7]].concat(),
            (0..700).map(|i| (i * 7919) % 600).collect(),
        ];
        for values in cases {
            let max = values.iter().copied().max().unwrap_or(0) as usize;
            for width in [bit_width(max + 1), 17, 32] {
                let mut out = Vec::new();
                hybrid(&mut out, &values, width);
                assert_eq!(unhybrid(&out, width, values.len()), values, "width {width}");
            }
        }
        // Width 0: one value, only run lengths.
        let mut out = Vec::new();
        hybrid(&mut out, &[0u32; 100], 0);
        assert_eq!(unhybrid(&out, 0, 100), vec![0; 100]);
    }

    #[test]
    fn runs_are_rle_and_short_literal_runs_pack() {
        let mut out = Vec::new();
        hybrid(&mut out, &[3u32; 1000], 2);
        assert_eq!(out, vec![0xd0, 0x0f, 3], "one RLE run of 1000");
        let mut out = Vec::new();
        hybrid(&mut out, &[1u8, 0, 1, 1], 1);
        assert_eq!(out, vec![0b11, 0b1101], "one group, padded");
    }

    /// Write `calls` (each a list of values, `None` for null, given in one
    /// `write` call with its own text) into one chunk, splice it into a
    /// file with the crate, and read it back with the crate's reader.
    fn round_trip(
        calls: &[Vec<Option<String>>],
        nullable: bool,
        limits: Limits,
    ) -> (
        Vec<Option<String>>,
        parquet::file::metadata::ColumnChunkMetaData,
        usize,
    ) {
        use parquet::basic::{LogicalType, Repetition, Type as PhysicalType};
        use parquet::file::properties::WriterProperties;
        use parquet::file::reader::{FileReader, SerializedFileReader};
        use parquet::file::writer::SerializedFileWriter;
        use parquet::schema::types::Type;
        use std::sync::Arc;
        let column = Type::primitive_type_builder("s", PhysicalType::BYTE_ARRAY)
            .with_repetition(if nullable {
                Repetition::OPTIONAL
            } else {
                Repetition::REQUIRED
            })
            .with_logical_type(Some(LogicalType::String))
            .build()
            .unwrap();
        let schema = Arc::new(
            Type::group_type_builder("schema")
                .with_fields(vec![Arc::new(column)])
                .build()
                .unwrap(),
        );
        let props = Arc::new(WriterProperties::builder().build());
        let mut file = SerializedFileWriter::new(Vec::new(), schema, props).unwrap();
        let mut chunk = StrChunk::with_limits(file.schema_descr().column(0), true, limits);
        for values in calls {
            let (mut text, mut spans, mut def) = (Vec::new(), Vec::new(), Vec::new());
            for v in values {
                def.push(v.is_some() as i16);
                if let Some(v) = v {
                    // Every value at the same offsets in each call's text.
                    let a = text.len() as u32;
                    text.extend_from_slice(v.as_bytes());
                    spans.push(Span(a, text.len() as u32));
                }
            }
            let def = if nullable { def } else { Vec::new() };
            chunk.write(&spans, &def, &text).unwrap();
        }
        let (bytes, close) = chunk.close().unwrap();
        let mut rg = file.next_row_group().unwrap();
        rg.append_column(&bytes, close).unwrap();
        rg.close().unwrap();
        let data = Bytes::from(file.into_inner().unwrap());
        let reader = SerializedFileReader::new(data).unwrap();
        let meta = reader.metadata().row_group(0).column(0).clone();
        let mut pages = 0;
        let mut page_reader = reader
            .get_row_group(0)
            .unwrap()
            .get_column_page_reader(0)
            .unwrap();
        while page_reader.get_next_page().unwrap().is_some() {
            pages += 1;
        }
        let rows = reader
            .get_row_iter(None)
            .unwrap()
            .map(|r| {
                let r = r.unwrap();
                match r.get_column_iter().next().unwrap().1 {
                    parquet::record::Field::Str(s) => Some(s.clone()),
                    parquet::record::Field::Null => None,
                    f => panic!("{f:?}"),
                }
            })
            .collect();
        (rows, meta, pages)
    }

    fn check(calls: Vec<Vec<Option<String>>>, nullable: bool, limits: Limits) -> usize {
        let (rows, meta, pages) = round_trip(&calls, nullable, limits);
        let all: Vec<Option<String>> = calls.concat();
        assert_eq!(rows, all);
        let defined: Vec<&String> = all.iter().flatten().collect();
        let Some(Statistics::ByteArray(st)) = meta.statistics() else {
            panic!("no statistics: {:?}", meta.statistics());
        };
        assert_eq!(
            st.null_count_opt(),
            Some((all.len() - defined.len()) as u64)
        );
        let min = defined.iter().min().map(|s| s.as_bytes());
        let max = defined.iter().max().map(|s| s.as_bytes());
        assert_eq!(st.min_opt().map(|b| b.data()), min);
        assert_eq!(st.max_opt().map(|b| b.data()), max);
        assert_eq!(meta.num_values(), all.len() as i64);
        pages
    }

    fn value(i: usize) -> Option<String> {
        match i % 11 {
            0 => None,
            1..=3 => Some("同一个值".to_string()),
            4 => Some(String::new()),
            _ => Some(format!("v{}", (i * 7919) % 300)),
        }
    }

    #[test]
    fn chunks_read_back_with_the_crate() {
        let big = Limits {
            dictionary: DICTIONARY_LIMIT,
            page_rows: 64,
            page_bytes: PAGE_BYTES,
        };
        // Nulls, runs, an empty string, 300 distinct values (9-bit indices),
        // pages of 64 rows, values in two calls with overlapping spans.
        let a: Vec<_> = (0..1000).map(value).collect();
        let b: Vec<_> = (1000..1700).map(value).collect();
        let pages = check(vec![a.clone(), b.clone()], true, big);
        assert_eq!(
            pages,
            1 + 1700usize.div_ceil(64),
            "a dictionary page, then data pages"
        );
        // A dictionary of 200 bytes fills up: the rest of the chunk is PLAIN,
        // and min and max count the PLAIN values too.
        let small = Limits {
            dictionary: 200,
            ..big
        };
        check(vec![a.clone(), b], true, small);
        let mut late = a.clone();
        late.push(Some("\u{0}".into()));
        late.push(Some("zzzz late maximum".into()));
        let (_, meta, _) = round_trip(&[late.clone()], true, small);
        let encodings: Vec<_> = meta.encodings().collect();
        assert!(encodings.contains(&Encoding::PLAIN), "{encodings:?}");
        assert!(
            encodings.contains(&Encoding::RLE_DICTIONARY),
            "{encodings:?}"
        );
        check(vec![late], true, small);
        // Every value at once over the dictionary limit: PLAIN pages only.
        check(
            vec![vec![Some("x".repeat(300)), None, Some("y".repeat(300))]],
            true,
            small,
        );
        // All nulls.
        check(vec![vec![None; 100]], true, big);
        // Required column, one distinct value (0-bit indices), and
        // required with many values.
        check(vec![vec![Some("只有一个".to_string()); 100]], false, big);
        let required: Vec<_> = (0..500).map(|i| Some(format!("r{}", i % 37))).collect();
        check(vec![required], false, Limits::default());
    }

    #[test]
    fn a_span_outside_the_text_or_a_count_mismatch_is_an_error() {
        let schema = {
            use parquet::basic::{Repetition, Type as PhysicalType};
            use parquet::schema::types::{SchemaDescriptor, Type};
            let column = Type::primitive_type_builder("s", PhysicalType::BYTE_ARRAY)
                .with_repetition(Repetition::OPTIONAL)
                .build()
                .unwrap();
            SchemaDescriptor::new(std::sync::Arc::new(
                Type::group_type_builder("schema")
                    .with_fields(vec![std::sync::Arc::new(column)])
                    .build()
                    .unwrap(),
            ))
        };
        let mut chunk = StrChunk::new(schema.column(0), true);
        assert!(chunk.write(&[Span(0, 9)], &[1], b"abc").is_err());
        let mut chunk = StrChunk::new(schema.column(0), true);
        assert!(chunk.write(&[Span(0, 1)], &[1, 1], b"abc").is_err());
        let mut chunk = StrChunk::new(schema.column(0), true);
        assert!(chunk
            .write(&[Span(0, 1), Span(1, 2)], &[1], b"abc")
            .is_err());
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

        /// Any indices in runs of any length, any width that holds them:
        /// decoded as written.
        #[test]
        fn hybrid_round_trips_any_values(
            runs in proptest::collection::vec((0u32..40, 1usize..20), 0..80),
            extra in 0u8..4,
        ) {
            let values: Vec<u32> =
                runs.iter().flat_map(|&(v, n)| std::iter::repeat_n(v, n)).collect();
            let max = values.iter().copied().max().unwrap_or(0) as usize;
            let width = bit_width(max + 1) + extra;
            let mut out = Vec::new();
            hybrid(&mut out, &values, width);
            proptest::prop_assert_eq!(unhybrid(&out, width, values.len()), values);
        }

        /// Any column of short strings and nulls, with small pages and a
        /// small dictionary: read back by the crate as written.
        #[test]
        fn any_string_column_reads_back(
            values in proptest::collection::vec(
                proptest::option::of("[a-c\u{4e00}-\u{4e02}]{0,4}"), 0..300),
            page_rows in 1usize..50,
            dictionary in 0usize..64,
        ) {
            let limits = Limits { dictionary, page_rows, page_bytes: PAGE_BYTES };
            let (rows, _, _) = round_trip(std::slice::from_ref(&values), true, limits);
            proptest::prop_assert_eq!(rows, values);
        }
    }

    #[test]
    fn bit_widths() {
        assert_eq!(bit_width(0), 0);
        assert_eq!(bit_width(1), 0);
        assert_eq!(bit_width(2), 1);
        assert_eq!(bit_width(256), 8);
        assert_eq!(bit_width(257), 9);
    }
}
