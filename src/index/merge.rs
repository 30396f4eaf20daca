//! One index from the shards of a distributed run: `reportdex index IN... -o OUT`.
//!
//! Each shard is a dataset directory (its `reports.jsonl`, per-report JSON at
//! each line's `json` path) or a JSON lines file of whole report JSON as
//! `reportdex convert --jsonl` writes it. The merge gives the index a single
//! run over all the shards' inputs gives, byte for byte:
//!
//! * the lines of all shards are ordered by source path, as a single run
//!   writes `reports.jsonl`; the order of the shards does not matter;
//! * a document in several shards (the same sha256) counts once: the one with
//!   the first source path is kept, as a single run keeps the first input and
//!   records the others as duplicates;
//! * `json` is the name a single run gives the report's JSON (the caller's
//!   naming over the kept source paths, `pipeline::naming::assign`; a single
//!   run also counts failed inputs and duplicates there, so the two differ only
//!   when such an input's name collides with a report's, case-insensitively);
//! * the text similarity reads each report's JSON where its shard has it (a
//!   file of a directory shard, a line of a JSON lines shard).
//!
//! Memory holds the source path, hash and location of every report (about
//! 200 bytes each), never the reports; the merged lines are written to a
//! temporary file in OUT (removed at the end) and indexed as `reports.jsonl` is.

use super::{
    read_report_file, report_json_path, write_index, BuildSummary, DirInput, Docs, IndexError,
    Problem, WriteHooks, INDEX_FILE, MAX_REPORT_JSON_BYTES, REPORTS_FILE,
};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// What kind of shard an IN is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A dataset directory: its `reports.jsonl`.
    Dir,
    /// A JSON lines file of report JSON.
    Jsonl,
}

/// One shard: its IN, kind and the file whose lines are read.
struct Shard {
    input: PathBuf,
    kind: Kind,
    lines: PathBuf,
}

/// A report line of a shard: where it is and what decides its place.
struct Entry {
    path: String,
    sha256: Option<String>,
    shard: usize,
    offset: u64,
    len: usize,
}

/// Where the per-report JSON of a merged index's reports are, by the `json`
/// path the index gives them.
pub(super) enum DocLocations {
    /// The shards of a merge: each report's file or line, by `json` path.
    Shards {
        shards: Vec<PathBuf>,
        by_json: HashMap<String, Location>,
    },
    /// One JSON lines file (a run's own lines, see
    /// [`DocLocations::lines_of`]).
    Lines { file: PathBuf, table: LineTable },
}

/// Where each document's line is in one JSON lines file, compactly (a run
/// keeps one entry per report while it converts): the `json` paths end to
/// end in one string, and per document 32 bytes, sorted by `json` path.
#[derive(Debug, Default)]
pub(crate) struct LineTable {
    names: String,
    /// (start and end of the `json` path in `names`, offset, length).
    at: Vec<(usize, usize, u64, usize)>,
}

impl LineTable {
    /// Record the line of the document `json` at `offset`, `len` bytes.
    pub(crate) fn push(&mut self, json: &str, offset: u64, len: usize) {
        let start = self.names.len();
        self.names.push_str(json);
        self.at.push((start, self.names.len(), offset, len));
    }

    fn name(&self, e: &(usize, usize, u64, usize)) -> &str {
        &self.names[e.0..e.1]
    }

    /// Sort for [`LineTable::find`] (equal paths keep their order).
    fn sort(&mut self) {
        let mut at = std::mem::take(&mut self.at);
        at.sort_by(|a, b| self.name(a).cmp(self.name(b)));
        at.shrink_to_fit();
        self.names.shrink_to_fit();
        self.at = at;
    }

    /// Offset and length of the line of `json` (`json` paths are unique in
    /// a run).
    fn find(&self, json: &str) -> Option<(u64, usize)> {
        let k = self.at.partition_point(|e| self.name(e) < json);
        self.at
            .get(k)
            .filter(|e| self.name(e) == json)
            .map(|e| (e.2, e.3))
    }
}

pub(super) enum Location {
    /// A file of a directory shard.
    File(PathBuf),
    /// A line of a JSON lines shard.
    Line {
        shard: usize,
        offset: u64,
        len: usize,
    },
}

impl DocLocations {
    /// The documents of one JSON lines file: `json` path, offset and length
    /// of each one's line.
    pub(super) fn lines_of(file: PathBuf, mut table: LineTable) -> DocLocations {
        table.sort();
        DocLocations::Lines { file, table }
    }

    /// The JSON text of the report whose `json` path is `rel`.
    pub(super) fn read(&self, rel: &str) -> Result<Vec<u8>, String> {
        let (path, offset, len) = match self {
            DocLocations::Lines { file, table } => {
                let (offset, len) = table.find(rel).ok_or("not in any shard")?;
                (file, offset, len)
            }
            DocLocations::Shards { shards, by_json } => match by_json.get(rel) {
                None => return Err("not in any shard".into()),
                Some(Location::File(p)) => return read_report_file(p),
                Some(Location::Line { shard, offset, len }) => (&shards[*shard], *offset, *len),
            },
        };
        read_range(path, offset, len).map_err(|e| e.to_string())
    }
}

fn read_range(path: &Path, offset: u64, len: usize) -> std::io::Result<Vec<u8>> {
    if len as u64 > MAX_REPORT_JSON_BYTES {
        return Err(std::io::Error::other(format!(
            "larger than {MAX_REPORT_JSON_BYTES} bytes"
        )));
    }
    let mut f = std::fs::File::open(path)?;
    f.seek(SeekFrom::Start(offset))?;
    let mut buf = vec![0u8; len];
    f.read_exact(&mut buf)?;
    Ok(buf)
}

/// What the first pass reads of a directory shard's line.
#[derive(Deserialize)]
struct DirKey {
    path: String,
    #[serde(default)]
    sha256: Option<String>,
}

/// What the first pass reads of a JSON lines shard's line.
#[derive(Deserialize)]
struct DocKey {
    source: DirKey,
}

/// A line of a directory shard, as the merged line needs it.
#[derive(Deserialize)]
struct DirLine<'a> {
    path: String,
    #[serde(default)]
    json: Option<String>,
    #[serde(default)]
    sha256: Option<String>,
    #[serde(default)]
    format: Option<String>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default, borrow)]
    report: Option<&'a RawValue>,
}

/// A report JSON line, as the merged line needs it.
#[derive(Deserialize)]
struct DocLine<'a> {
    source: DocSource,
    #[serde(default)]
    title: Option<String>,
    #[serde(default, borrow)]
    report: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct DocSource {
    path: String,
    #[serde(default)]
    sha256: Option<String>,
    #[serde(default)]
    format: Option<String>,
}

/// A line of the merged `reports.jsonl` (the fields the index reads).
#[derive(Serialize)]
struct MergedLine<'a> {
    path: &'a str,
    json: &'a str,
    sha256: Option<&'a str>,
    format: Option<&'a str>,
    title: Option<&'a str>,
    report: Option<&'a RawValue>,
}

/// Removes the temporary merged lines when dropped.
struct TempFile(PathBuf);

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Build one index from the shards `inputs` (dataset directories and JSON
/// lines files, in any order) and write it to `out_dir/index.json` (the
/// directory is created if missing). `aliases` as for
/// [`super::build_and_write_dir`], with `out_dir/aliases.csv` as the default.
/// `json_names` gives the per-report JSON names of source paths in sorted
/// order, as a batch run names its files (`pipeline::naming::assign`; passed
/// in so that the index does not depend on the pipeline above it).
/// Lines of a shard that cannot be read are left out and listed as problems.
pub fn build_and_write_merged(
    inputs: &[PathBuf],
    out_dir: &Path,
    aliases: Option<&Path>,
    json_names: &dyn Fn(&mut dyn Iterator<Item = &str>) -> Vec<String>,
) -> Result<(PathBuf, BuildSummary), IndexError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| IndexError::Io { path, source }
    };
    let shards = inputs
        .iter()
        .map(|input| {
            let meta = std::fs::metadata(input).map_err(io(input))?;
            Ok(if meta.is_dir() {
                let lines = input.join(REPORTS_FILE);
                if !lines.is_file() {
                    return Err(IndexError::MissingReports(lines));
                }
                Shard {
                    input: input.clone(),
                    kind: Kind::Dir,
                    lines,
                }
            } else {
                Shard {
                    input: input.clone(),
                    kind: Kind::Jsonl,
                    lines: input.clone(),
                }
            })
        })
        .collect::<Result<Vec<Shard>, IndexError>>()?;

    // First pass: source path and hash of every line.
    let mut problems = Vec::new();
    let mut entries = Vec::new();
    for (n, shard) in shards.iter().enumerate() {
        scan_shard(n, shard, &mut entries, &mut problems)?;
    }
    // Source-path order, independent of the order of the shards.
    entries.sort_by(|a, b| {
        (&a.path, &a.sha256, &shards[a.shard].input, a.offset).cmp(&(
            &b.path,
            &b.sha256,
            &shards[b.shard].input,
            b.offset,
        ))
    });
    let mut seen: HashSet<String> = HashSet::new();
    let mut kept: Vec<Entry> = Vec::with_capacity(entries.len());
    let mut duplicates = 0usize;
    for e in entries {
        if let Some(sha) = &e.sha256 {
            if !seen.insert(sha.clone()) {
                duplicates += 1;
                continue;
            }
        }
        if let Some(k) = kept.last() {
            if k.path == e.path {
                problems.push(Problem {
                    line: None,
                    path: Some(e.path.clone()),
                    message: format!(
                        "source path in shards {} and {} with different contents; the first kept",
                        shards[k.shard].input.display(),
                        shards[e.shard].input.display()
                    ),
                });
                continue;
            }
        }
        kept.push(e);
    }
    drop(seen);
    tracing::info!(
        "index: {} reports from {} shards ({duplicates} duplicates across shards)",
        kept.len(),
        shards.len()
    );
    let names = json_names(&mut kept.iter().map(|e| e.path.as_str()));
    if names.len() != kept.len() {
        return Err(IndexError::Io {
            path: out_dir.to_path_buf(),
            source: std::io::Error::other("the naming gave a wrong number of names"),
        });
    }

    // Second pass: the merged lines, in order, into a temporary file in OUT.
    std::fs::create_dir_all(out_dir).map_err(io(out_dir))?;
    let tmp = TempFile(out_dir.join(format!("{INDEX_FILE}.reports.tmp")));
    let mut by_json = HashMap::with_capacity(kept.len());
    {
        let file = std::fs::File::create(&tmp.0).map_err(io(&tmp.0))?;
        let mut w = std::io::BufWriter::with_capacity(256 * 1024, file);
        let mut open: Option<(usize, std::fs::File)> = None;
        for (e, name) in kept.iter().zip(&names) {
            let shard = &shards[e.shard];
            if open.as_ref().map(|(n, _)| *n) != Some(e.shard) {
                let f = std::fs::File::open(&shard.lines).map_err(io(&shard.lines))?;
                open = Some((e.shard, f));
            }
            let Some((_, f)) = open.as_mut() else {
                continue;
            };
            let mut text = vec![0u8; e.len];
            f.seek(SeekFrom::Start(e.offset))
                .and_then(|_| f.read_exact(&mut text))
                .map_err(io(&shard.lines))?;
            let changed = || IndexError::Io {
                path: shard.lines.clone(),
                source: std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    "a line changed while indexing",
                ),
            };
            let location = match shard.kind {
                Kind::Dir => {
                    let l: DirLine = serde_json::from_slice(&text).map_err(|_| changed())?;
                    let line = MergedLine {
                        path: &l.path,
                        json: name,
                        sha256: l.sha256.as_deref(),
                        format: l.format.as_deref(),
                        title: l.title.as_deref(),
                        report: l.report,
                    };
                    write_line(&mut w, &tmp.0, &line)?;
                    l.json
                        .as_deref()
                        .and_then(|j| report_json_path(&shard.input, j))
                        .map(Location::File)
                }
                Kind::Jsonl => {
                    let l: DocLine = serde_json::from_slice(&text).map_err(|_| changed())?;
                    let s = &l.source;
                    let line = MergedLine {
                        path: &s.path,
                        json: name,
                        sha256: s.sha256.as_deref(),
                        format: s.format.as_deref(),
                        title: l.title.as_deref(),
                        report: l.report,
                    };
                    write_line(&mut w, &tmp.0, &line)?;
                    Some(Location::Line {
                        shard: e.shard,
                        offset: e.offset,
                        len: e.len,
                    })
                }
            };
            if let Some(loc) = location {
                by_json.insert(name.clone(), loc);
            }
        }
        let file = w.into_inner().map_err(|e| IndexError::Io {
            path: tmp.0.clone(),
            source: e.into_error(),
        })?;
        drop(file);
    }
    drop(kept);
    let locations = DocLocations::Shards {
        shards: shards.iter().map(|s| s.lines.clone()).collect(),
        by_json,
    };
    let input = DirInput::open_at(tmp.0.clone(), out_dir, aliases)?;
    write_index(
        out_dir,
        input,
        &Docs::Merged(&locations),
        problems,
        &WriteHooks::default(),
    )
}

/// Write one merged line.
fn write_line(w: &mut impl Write, tmp: &Path, line: &MergedLine<'_>) -> Result<(), IndexError> {
    crate::json::to_writer(&mut *w, line)
        .map_err(std::io::Error::from)
        .and_then(|_| w.write_all(b"\n"))
        .map_err(|source| IndexError::Io {
            path: tmp.to_path_buf(),
            source,
        })
}

/// First pass over one shard: each line's source path, hash and place;
/// a line that cannot be read is a problem.
fn scan_shard(
    n: usize,
    shard: &Shard,
    entries: &mut Vec<Entry>,
    problems: &mut Vec<Problem>,
) -> Result<(), IndexError> {
    let io = |source| IndexError::Io {
        path: shard.lines.clone(),
        source,
    };
    let file = std::fs::File::open(&shard.lines).map_err(io)?;
    let mut reader = BufReader::with_capacity(256 * 1024, file);
    let mut buf = Vec::new();
    let (mut offset, mut line_no) = (0u64, 0usize);
    loop {
        buf.clear();
        let read = reader.read_until(b'\n', &mut buf).map_err(io)?;
        if read == 0 {
            break;
        }
        line_no += 1;
        let start = offset;
        offset += read as u64;
        let text = buf.strip_suffix(b"\n").unwrap_or(&buf);
        let text = text.strip_suffix(b"\r").unwrap_or(text);
        if text.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let key = match shard.kind {
            Kind::Dir => serde_json::from_slice::<DirKey>(text),
            Kind::Jsonl => serde_json::from_slice::<DocKey>(text).map(|d| d.source),
        };
        match key {
            Ok(k) => entries.push(Entry {
                path: k.path,
                sha256: k.sha256,
                shard: n,
                offset: start,
                len: text.len(),
            }),
            Err(e) => problems.push(Problem {
                line: Some(line_no),
                path: Some(shard.lines.display().to_string()),
                message: format!("shard line left out: {e}"),
            }),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_table_finds_each_document_after_sorting() {
        let mut t = LineTable::default();
        let docs = [("b/x.json", 0, 10), ("a.json", 10, 5), ("b.json", 15, 7)];
        for (json, offset, len) in docs {
            t.push(json, offset, len);
        }
        t.sort();
        for (json, offset, len) in docs {
            assert_eq!(t.find(json), Some((offset, len)), "{json}");
        }
        assert_eq!(t.find("b"), None);
        assert_eq!(t.find("c.json"), None);
        assert_eq!(LineTable::default().find("a.json"), None);
    }

    fn doc_line(path: &str, sha: &str) -> String {
        format!(
            r#"{{"schema_version":"1.0","source":{{"path":"{path}","format":"docx","sha256":"{sha}"}},"title":"T {path}","sections":[]}}"#
        )
    }

    fn merge(dir: &Path, shards: &[&str], out: &str) -> (super::super::Index, Vec<u8>) {
        let inputs: Vec<PathBuf> = shards.iter().map(|s| dir.join(s)).collect();
        let out = dir.join(out);
        let names = |p: &mut dyn Iterator<Item = &str>| -> Vec<String> {
            p.map(|s| format!("{s}.json")).collect()
        };
        build_and_write_merged(&inputs, &out, None, &names).unwrap();
        let bytes = std::fs::read(out.join(INDEX_FILE)).unwrap();
        (serde_json::from_slice(&bytes).unwrap(), bytes)
    }

    #[test]
    fn shards_are_ordered_deduplicated_and_their_bad_lines_reported() {
        let dir = tempfile::tempdir().unwrap();
        let one = [doc_line("b.docx", "22"), doc_line("a.docx", "11")].join("\n");
        // `c.docx` is `a.docx` again (same hash): left out as a duplicate;
        // `b.docx` with other bytes: a conflict; one truncated line.
        let two = [
            doc_line("c.docx", "11"),
            doc_line("b.docx", "33"),
            "{\"source\":{\"pa".to_string(),
            String::new(),
        ]
        .join("\r\n");
        std::fs::write(dir.path().join("1.jsonl"), one).unwrap();
        std::fs::write(dir.path().join("2.jsonl"), two).unwrap();
        let (index, bytes) = merge(dir.path(), &["1.jsonl", "2.jsonl"], "x");
        let (_, again) = merge(dir.path(), &["2.jsonl", "1.jsonl"], "y");
        assert!(bytes == again, "the order of the shards changed the index");
        assert_eq!(index.reports_read, 2);
        let placed: Vec<(&str, Option<&str>)> = index
            .unassigned
            .iter()
            .map(|u| (u.path.as_str(), u.json.as_deref()))
            .collect();
        assert_eq!(
            placed,
            [
                ("a.docx", Some("a.docx.json")),
                ("b.docx", Some("b.docx.json"))
            ]
        );
        let messages: Vec<&str> = index.problems.iter().map(|p| p.message.as_str()).collect();
        assert_eq!(messages.len(), 2, "{messages:?}");
        assert!(messages
            .iter()
            .any(|m| m.starts_with("shard line left out")));
        assert!(messages.iter().any(|m| m.contains("different contents")));
        // The temporary merged lines are gone.
        let left: Vec<_> = std::fs::read_dir(dir.path().join("x")).unwrap().collect();
        assert_eq!(left.len(), 1);
    }

    #[test]
    fn a_directory_without_reports_is_a_typed_error() {
        let dir = tempfile::tempdir().unwrap();
        let names = |p: &mut dyn Iterator<Item = &str>| p.map(str::to_string).collect();
        let err = build_and_write_merged(
            &[dir.path().to_path_buf()],
            &dir.path().join("o"),
            None,
            &names,
        )
        .unwrap_err();
        assert!(matches!(err, IndexError::MissingReports(_)), "{err}");
        let err = build_and_write_merged(
            &[dir.path().join("missing.jsonl")],
            &dir.path().join("o"),
            None,
            &names,
        )
        .unwrap_err();
        assert!(err.to_string().contains("missing.jsonl"), "{err}");
    }
}
