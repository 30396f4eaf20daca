//! The index of a `convert` run, from what the workers extracted while each
//! document was in memory.
//!
//! Built afterwards from `reports.jsonl` and the per-report JSON files, the
//! index would parse every report line twice (a 50 KB line, most of it
//! `metric_sources`) and every document's JSON once more for the text
//! similarity (about 120 KB, most of it tables): a third of the run's time on
//! small reports. Instead each worker writes, next to the document's rows,
//! * its *entry line*: the `reports.jsonl` line reduced to the fields the
//!   index reads ([`super::input::InputLine`]), and
//! * its *text line*: the document's section tree reduced to titles and
//!   paragraph text ([`super::similarity::DocLite`]),
//!
//! which [`PreparedWriter`] appends to two temporary files in the order of
//! `reports.jsonl`. The index is then built from those files by the same code
//! as `reportdex index` builds it from `reports.jsonl` (same lines, same
//! order, the same values once parsed), so both give the same `index.json`
//! byte for byte (`tests/streaming.rs`, `tests/index_compare.rs`).

use super::merge::{DocLocations, LineTable};
use super::{write_index, BuildSummary, DirInput, Docs, IndexError, WriteHooks};
use crate::output::{Content, DocumentOutput, Section};
use crate::profile::{Check, SectionMatch, Template};
use serde::Serialize;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// A report line as the index reads it (see [`super::input::InputLine`]).
#[derive(Serialize)]
struct EntryLine<'a> {
    path: &'a str,
    json: &'a str,
    sha256: &'a str,
    format: crate::model::Format,
    title: Option<&'a str>,
    report: Option<EntryReport<'a>>,
}

/// The parts of a report the index reads (see [`super::input::InputReport`]).
#[derive(Serialize)]
struct EntryReport<'a> {
    agency: Option<&'a str>,
    agency_normalized: Option<&'a str>,
    agency_forms: &'a [String],
    year: Option<i32>,
    template: Option<Template>,
    metrics: &'a crate::profile::KeyMap<Option<crate::profile::Num>>,
    checks: &'a [Check],
    sections: &'a [SectionMatch],
}

/// A section reduced to what the text similarity reads
/// ([`super::similarity::SectionLite`]).
struct TextSection<'a>(&'a Section);

impl Serialize for TextSection<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("SectionLite", 3)?;
        st.serialize_field("title", &self.0.title)?;
        st.serialize_field("content", &TextContent(&self.0.content))?;
        st.serialize_field("sections", &TextSections(&self.0.sections))?;
        st.end()
    }
}

/// Sections as [`TextSection`]s.
struct TextSections<'a>(&'a [Section]);

impl Serialize for TextSections<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(TextSection))
    }
}

/// A section's paragraphs (tables add nothing to the text similarity).
struct TextContent<'a>(&'a [Content]);

impl Serialize for TextContent<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Para<'a> {
            #[serde(rename = "type")]
            kind: &'static str,
            text: &'a str,
        }
        s.collect_seq(self.0.iter().filter_map(|c| match c {
            Content::Paragraph(p) => Some(Para {
                kind: "paragraph",
                text: &p.text,
            }),
            Content::Table(_) => None,
        }))
    }
}

/// The two index lines of one document, each ending in `\n`.
#[derive(Debug)]
pub struct IndexLines {
    /// Its `json` path relative to OUT.
    json: String,
    entry: Vec<u8>,
    text: Vec<u8>,
}

impl IndexLines {
    /// Bytes they hold on the heap (their buffers' capacities).
    pub fn heap_bytes(&self) -> usize {
        self.json.capacity() + self.entry.capacity() + self.text.capacity()
    }
}

thread_local! {
    /// Lengths of this worker's last index lines (entry, text).
    static LAST_ENTRY: crate::memory::LastLen = const { crate::memory::LastLen::new() };
    static LAST_TEXT: crate::memory::LastLen = const { crate::memory::LastLen::new() };
}

/// The index lines of `doc`, whose JSON is at `json_rel` in OUT.
pub fn lines(doc: &DocumentOutput, json_rel: &str) -> serde_json::Result<IndexLines> {
    let report = doc.report.as_ref().map(|r| EntryReport {
        agency: r.agency.as_deref(),
        agency_normalized: r.agency_normalized.as_deref(),
        agency_forms: &r.agency_forms,
        year: r.year,
        template: r.template,
        metrics: &r.metrics,
        checks: &r.checks,
        sections: &r.sections,
    });
    // Room for this worker's last lines (`memory::LastLen`): lines of
    // tens of KB.
    const MAX_HINT: usize = 1 << 20;
    let mut entry = Vec::with_capacity(LAST_ENTRY.with(|l| l.hint(MAX_HINT)));
    crate::json::to_writer(
        &mut entry,
        &EntryLine {
            path: &doc.source.path,
            json: json_rel,
            sha256: &doc.source.sha256,
            format: doc.source.format,
            title: doc.title.as_deref(),
            report,
        },
    )?;
    entry.push(b'\n');
    #[derive(Serialize)]
    struct TextDoc<'a> {
        sections: TextSections<'a>,
    }
    let mut text = Vec::with_capacity(LAST_TEXT.with(|l| l.hint(MAX_HINT)));
    crate::json::to_writer(
        &mut text,
        &TextDoc {
            sections: TextSections(&doc.sections),
        },
    )?;
    text.push(b'\n');
    LAST_ENTRY.with(|l| l.record(entry.len()));
    LAST_TEXT.with(|l| l.record(text.len()));
    Ok(IndexLines {
        json: json_rel.to_string(),
        entry,
        text,
    })
}

/// Appends the documents' [`IndexLines`] to two files, in the order of
/// `reports.jsonl`, then builds the index from them.
pub struct PreparedWriter {
    entries_path: PathBuf,
    texts_path: PathBuf,
    entries: BufWriter<File>,
    texts: BufWriter<File>,
    offset: u64,
    /// `json` path → (offset, length) of its text line.
    at: LineTable,
}

impl PreparedWriter {
    /// Create the two files `entries` and `texts` (temporary files of the run).
    pub fn create(entries: PathBuf, texts: PathBuf) -> Result<PreparedWriter, IndexError> {
        let open = |p: &Path| {
            File::create(p)
                .map(|f| BufWriter::with_capacity(1 << 16, f))
                .map_err(|source| IndexError::Io {
                    path: p.to_path_buf(),
                    source,
                })
        };
        Ok(PreparedWriter {
            entries: open(&entries)?,
            texts: open(&texts)?,
            entries_path: entries,
            texts_path: texts,
            offset: 0,
            at: LineTable::default(),
        })
    }

    /// Append one document's lines (the document whose line was just appended
    /// to `reports.jsonl`).
    pub fn append(&mut self, lines: IndexLines) -> Result<(), IndexError> {
        let io = |path: &Path, source| IndexError::Io {
            path: path.to_path_buf(),
            source,
        };
        self.entries
            .write_all(&lines.entry)
            .map_err(|e| io(&self.entries_path, e))?;
        self.texts
            .write_all(&lines.text)
            .map_err(|e| io(&self.texts_path, e))?;
        self.at.push(&lines.json, self.offset, lines.text.len());
        self.offset += lines.text.len() as u64;
        Ok(())
    }

    /// Build `out_dir/index.json` from the lines appended (aliases from
    /// `out_dir/aliases.csv` when present, as `reportdex index OUT`).
    pub fn build_and_write(
        self,
        out_dir: &Path,
        hooks: &WriteHooks<'_>,
    ) -> Result<(PathBuf, BuildSummary), IndexError> {
        let PreparedWriter {
            entries_path,
            texts_path,
            entries,
            texts,
            at,
            ..
        } = self;
        for (w, p) in [(entries, &entries_path), (texts, &texts_path)] {
            w.into_inner()
                .map(drop)
                .map_err(|e| e.into_error())
                .map_err(|source| IndexError::Io {
                    path: p.clone(),
                    source,
                })?;
        }
        let docs = DocLocations::lines_of(texts_path, at);
        let input = DirInput::open_at(entries_path, out_dir, None)?;
        write_index(out_dir, input, &Docs::Merged(&docs), Vec::new(), hooks)
    }
}
