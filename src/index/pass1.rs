//! First pass of the index: read the report lines (parsed in parallel
//! batches), keep only each placed report's agency name, year and where its
//! line is, and group the reports by agency (names matched in [`super::names`]).

use super::input::{self, InputLine};
use super::names::{self, Aliases, MatchRule};
use super::{
    Agency, AmbiguousName, Index, IndexError, Problem, Unassigned, INDEX_SCHEMA_VERSION,
    MALFORMED_LINE,
};
use rayon::prelude::*;
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::io::BufRead;
use std::path::{Path, PathBuf};

/// Lines of `reports.jsonl` parsed per parallel batch. Two batches are in
/// memory at a time (one parsed while the next is read); with 256, the first
/// pass over 5,000 bench reports peaked 13 MB higher and was slower.
pub(super) const BATCH_LINES: usize = 64;

/// Where the second pass finds a placed report's line again.
pub(super) enum LineText {
    /// Byte range in `reports.jsonl`.
    At { offset: u64, len: usize },
    /// The line itself (builds from a reader that cannot seek).
    Text(Box<str>),
}

/// What the first pass keeps of a placed report: enough to match and group.
pub(super) struct Placed {
    pub(super) name: String,
    pub(super) year: i32,
    pub(super) line_no: usize,
    pub(super) text: LineText,
    /// How its name was matched to its agency's (`None`: not in the
    /// name matching's assignments), set when the reports are grouped.
    pub(super) rule: Option<MatchRule>,
}

/// Outcome of the first pass over one line.
pub(super) enum Scanned {
    Placed {
        name: String,
        year: i32,
        implausible: Option<Problem>,
    },
    Unassigned(Unassigned),
    Malformed {
        /// The line's source path, when it can be read.
        path: Option<String>,
        message: String,
    },
}

/// Result of the first pass: the reports grouped by agency key.
pub(super) struct Pass1 {
    pub(super) reports_read: usize,
    pub(super) groups: Vec<(String, Vec<Placed>)>,
    pub(super) tail: Tail,
}

/// The parts of the index after the agencies.
pub(super) struct Tail {
    pub(super) unassigned: Vec<Unassigned>,
    pub(super) ambiguous_names: Vec<AmbiguousName>,
    pub(super) problems: Vec<Problem>,
}

impl Tail {
    pub(super) fn into_index(
        self,
        reports_read: usize,
        alias_path: Option<PathBuf>,
        agencies: Vec<Agency>,
    ) -> Index {
        Index {
            schema_version: INDEX_SCHEMA_VERSION.into(),
            reports_read,
            aliases_file: alias_path.map(|p| p.display().to_string()),
            agencies,
            unassigned: self.unassigned,
            ambiguous_names: self.ambiguous_names,
            problems: self.problems,
        }
    }
}

pub(super) fn scan_line(line_no: usize, text: &str, fail_on: Option<&str>) -> Scanned {
    let line = match serde_json::from_str::<InputLine<input::MetricsChecked>>(text) {
        Ok(l) => l,
        Err(e) => {
            #[derive(Deserialize)]
            struct PathOnly {
                path: String,
            }
            return Scanned::Malformed {
                path: serde_json::from_str::<PathOnly>(text).ok().map(|p| p.path),
                message: e.to_string(),
            };
        }
    };
    if let Some(needle) = fail_on {
        if line.path.contains(needle) {
            return Scanned::Malformed {
                path: Some(line.path),
                message: "test failure injected in stage index".into(),
            };
        }
    }
    let InputLine {
        path,
        json,
        title,
        report,
        ..
    } = line;
    let Some(report) = report else {
        return Scanned::Unassigned(Unassigned {
            path,
            json,
            title,
            reason: "not_a_report".into(),
        });
    };
    let name = report
        .agency_normalized
        .as_deref()
        .or(report.agency.as_deref())
        .map(names::normalize_agency)
        .filter(|n| !n.is_empty());
    match (name, report.year) {
        (Some(name), Some(year)) => Scanned::Placed {
            name,
            year,
            implausible: (!(1900..=2200).contains(&year)).then(|| Problem {
                line: Some(line_no),
                path: Some(path),
                message: format!("implausible year {year}"),
            }),
        },
        (n, _) => Scanned::Unassigned(Unassigned {
            path,
            json,
            title,
            reason: if n.is_none() { "no_agency" } else { "no_year" }.into(),
        }),
    }
}

/// The lines of a `reports.jsonl`, read in batches: line number, offset and
/// text of each line that is not blank.
pub(super) struct LineReader<R> {
    pub(super) reader: R,
    pub(super) offset: u64,
    pub(super) line_no: usize,
}

impl<R: BufRead> LineReader<R> {
    /// The next [`BATCH_LINES`] lines that are not blank (fewer at the end).
    fn batch(&mut self) -> std::io::Result<Vec<(usize, u64, String)>> {
        let mut batch = Vec::with_capacity(BATCH_LINES);
        let mut buf = Vec::new();
        while batch.len() < BATCH_LINES {
            buf.clear();
            let n = self.reader.read_until(b'\n', &mut buf)?;
            if n == 0 {
                break;
            }
            self.line_no += 1;
            let start = self.offset;
            self.offset += n as u64;
            // As `BufRead::lines`: strip `\n` or `\r\n`, require UTF-8.
            if buf.last() == Some(&b'\n') {
                buf.pop();
                if buf.last() == Some(&b'\r') {
                    buf.pop();
                }
            }
            let text = String::from_utf8(std::mem::take(&mut buf)).map_err(|_| {
                std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    "stream did not contain valid UTF-8",
                )
            })?;
            if !text.trim().is_empty() {
                batch.push((self.line_no, start, text));
            }
        }
        Ok(batch)
    }
}

/// First pass: read `reports.jsonl` line by line (parsed in parallel batches),
/// keep only names, years and where each placed line is, and match names.
pub(super) fn scan(
    reader: impl BufRead,
    origin: &Path,
    keep_text: bool,
    aliases: &Aliases,
    fail_on: Option<&str>,
) -> Result<Pass1, IndexError> {
    let started = std::time::Instant::now();
    let io = |source| IndexError::Io {
        path: origin.to_path_buf(),
        source,
    };
    let mut malformed = Vec::new();
    let mut implausible = Vec::new();
    let mut placed: Vec<Placed> = Vec::new();
    let mut unassigned = Vec::new();
    let mut reports_read = 0usize;
    let mut handle = |scanned: Vec<(usize, u64, String, Scanned)>| {
        for (line_no, offset, text, s) in scanned {
            match s {
                Scanned::Placed {
                    name,
                    year,
                    implausible: p,
                } => {
                    implausible.extend(p);
                    placed.push(Placed {
                        name,
                        year,
                        line_no,
                        rule: None,
                        text: if keep_text {
                            LineText::Text(text.into_boxed_str())
                        } else {
                            LineText::At {
                                offset,
                                len: text.len(),
                            }
                        },
                    });
                }
                Scanned::Unassigned(u) => unassigned.push(u),
                Scanned::Malformed { path, message } => malformed.push(Problem {
                    line: Some(line_no),
                    path,
                    message: format!("{MALFORMED_LINE}{message}"),
                }),
            }
        }
    };
    let mut lines = LineReader {
        reader,
        offset: 0,
        line_no: 0,
    };
    // Each batch is parsed on the pool while this thread reads the next.
    let mut batch = lines.batch().map_err(io)?;
    while !batch.is_empty() {
        reports_read += batch.len();
        let mut scanned = Vec::new();
        let next = rayon::in_place_scope(|s| {
            let scanned = &mut scanned;
            s.spawn(move |_| {
                *scanned = batch
                    .into_par_iter()
                    .map(|(n, offset, text)| {
                        let s = scan_line(n, &text, fail_on);
                        (n, offset, text, s)
                    })
                    .collect();
            });
            lines.batch()
        });
        handle(scanned);
        batch = next.map_err(io)?;
    }
    tracing::debug!(
        "index: {reports_read} lines scanned in {:.2?}",
        started.elapsed()
    );

    let all_names: BTreeSet<String> = placed.iter().map(|p| p.name.clone()).collect();
    let matching = names::match_names(&all_names, aliases);
    drop(all_names);
    // Each report carries its own match rule, so that the name -> match map
    // (two strings per distinct name) is not kept while the agencies are
    // built.
    let mut by_key: BTreeMap<String, Vec<Placed>> = BTreeMap::new();
    for mut p in placed {
        let key = match matching.assign.get(&p.name) {
            Some((k, rule)) => {
                p.rule = Some(*rule);
                k.clone()
            }
            None => p.name.clone(),
        };
        by_key.entry(key).or_default().push(p);
    }
    drop(matching.assign);
    unassigned.sort_by(|a, b| a.path.cmp(&b.path));
    malformed.extend(implausible);
    Ok(Pass1 {
        reports_read,
        groups: by_key.into_iter().collect(),
        tail: Tail {
            unassigned,
            ambiguous_names: matching
                .ambiguous
                .into_iter()
                .map(|(name, candidates)| AmbiguousName { name, candidates })
                .collect(),
            problems: malformed,
        },
    })
}
