//! The cross-year index of a converted data set (issue 5): `OUT/index.json`,
//! described by `schemas/index.schema.json`.
//!
//! [`build_dir`] streams `OUT/reports.jsonl` (one line per converted document,
//! see `report-contract.md`), groups the annual reports by agency (matching rule
//! in [`names`]), and per agency and year keeps the report file(s), template
//! version, metric values and check status. [`build_and_write_dir`] does the
//! same but writes `index.json` one agency at a time: a first pass keeps only
//! each report's agency name, year and byte offset, a second re-reads each
//! agency's lines, builds it and writes it, so memory does not grow with the
//! data set. Two reports that claim the same
//! agency and year are both kept and the year is flagged as a conflict. It then
//! runs the cross-year checks R6/R7 of template.md §6 ([`crossyear`]) and the
//! text similarity of each report with the agency's previous one
//! ([`similarity`], reading the per-report JSON files in parallel).
//!
//! Metrics follow template.md §7.2: keys present in both template versions
//! compare directly; keys of one version only are *absent* (not 0, not null)
//! from the other version's reports; `s3.other.total.*` of a 2021 report is
//! the sum of its three sub-rows when the report does not carry it already.

pub mod crossyear;
pub mod input;
mod merge;
pub mod names;
pub mod prepared;
pub mod similarity;
pub mod stream;
pub mod synthetic;

pub use merge::build_and_write_merged;

use input::{InputLine, InputReport};
use names::{Aliases, MatchRule};
use rayon::prelude::*;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::io::BufRead;
use std::path::{Component, Path, PathBuf};
use thiserror::Error;

/// Version of the `index.json` layout.
pub const INDEX_SCHEMA_VERSION: &str = "1.0";
/// File name of the index inside OUT.
pub const INDEX_FILE: &str = "index.json";
/// File name of the dataset's report list inside OUT.
pub const REPORTS_FILE: &str = "reports.jsonl";
/// Default aliases file inside OUT, used when no other is given.
pub const ALIASES_FILE: &str = "aliases.csv";
/// Per-report JSON files larger than this are not read for text similarity.
pub const MAX_REPORT_JSON_BYTES: u64 = 256 * 1024 * 1024;
/// Lines of `reports.jsonl` parsed per parallel batch. Two batches are in
/// memory at a time (one parsed while the next is read); with 256, the first
/// pass over 5,000 bench reports peaked 13 MB higher and was slower.
const BATCH_LINES: usize = 64;

/// Why the index could not be built, read or written.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum IndexError {
    /// OUT has no `reports.jsonl`.
    #[error("{0} not found: convert a data set into this directory first")]
    MissingReports(PathBuf),
    /// OUT has no `index.json`.
    #[error("{0} not found: run `reportdex index` first")]
    MissingIndex(PathBuf),
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// `index.json` is not valid.
    #[error("{path}: invalid index: {source}")]
    Json {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: serde_json::Error,
    },
    /// `aliases.csv` is not valid.
    #[error("{file} line {line}: {message}")]
    Aliases {
        /// The file.
        file: String,
        /// 1-based line.
        line: u64,
        /// What is wrong.
        message: String,
    },
}

/// The cross-year index (`OUT/index.json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Index {
    /// Version of this layout (`1.0`).
    pub schema_version: String,
    /// Lines read from `reports.jsonl`.
    pub reports_read: usize,
    /// The aliases file used, if any.
    pub aliases_file: Option<String>,
    /// Agencies, sorted by key.
    pub agencies: Vec<Agency>,
    /// Documents that could not be placed: not an annual report, or no agency
    /// or year found.
    pub unassigned: Vec<Unassigned>,
    /// Names that the level-character rule could attach to several agencies;
    /// they were left apart. Pin them in `aliases.csv`.
    pub ambiguous_names: Vec<AmbiguousName>,
    /// Non-fatal problems (malformed lines, unreadable per-report JSON).
    pub problems: Vec<Problem>,
}

/// One agency and its reports by year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Agency {
    /// Canonical key: the normalized agency name (see the matching rule).
    pub key: String,
    /// Display name: the name as written in the latest report whose normalized
    /// name is the key (else the key).
    pub name: String,
    /// Every name form seen in the agency's reports, as written, sorted.
    pub forms: Vec<String>,
    /// How each normalized report name was matched to this agency.
    pub matched: Vec<NameMatch>,
    /// Reports by year, sorted by year.
    pub years: Vec<AgencyYear>,
    /// Cross-year checks (R6, R7).
    pub cross_checks: Vec<CrossCheck>,
    /// Text similarity of each report with the agency's previous report.
    pub text_similarity: Vec<TextSimilarity>,
}

/// A normalized name and the rule that matched it to its agency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct NameMatch {
    /// Normalized name as found in reports.
    pub name: String,
    /// The rule that matched it.
    pub rule: MatchRule,
}

/// One year of an agency.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct AgencyYear {
    /// Reporting (data) year.
    pub year: i32,
    /// True when several reports claim this agency and year. All are kept.
    pub conflict: bool,
    /// With a conflict: true when every report of the year has the same
    /// metric values (e.g. one report published as both DOCX and ODT), so
    /// cross-year checks can still run; false when a printed number differs.
    /// Zeros agree however they are printed: `0`, a blank cell or `—` (null)
    /// are the same value here. Null without a conflict.
    pub values_agree: Option<bool>,
    /// With a conflict whose values differ: each key whose printed numbers
    /// differ, with its value in each report (in the order of `reports`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub differing: Vec<KeyDiff>,
    /// The report(s), sorted by path.
    pub reports: Vec<ReportEntry>,
}

/// A metric whose printed numbers differ between the reports of one year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct KeyDiff {
    /// Canonical metric key.
    pub key: String,
    /// The value in each report of the year, in the order of its `reports`
    /// (null when blank or absent).
    pub values: Vec<Option<f64>>,
}

/// Whether two values of one metric in copies of a report agree: equal, or
/// both zero however printed (0, blank or placeholder → null, absent).
fn same_value(a: Option<f64>, b: Option<f64>) -> bool {
    let z = |v: Option<f64>| v.unwrap_or(0.0);
    z(a) == z(b)
}

/// Whether `key` is printed in a table cell (not derived) in every report.
fn printed_in_all(key: &str, reports: &[ReportEntry]) -> bool {
    use crate::profile::catalog::{entry, Kind};
    match entry(key).map(|e| e.kind) {
        Some(Kind::Derived) => false,
        Some(Kind::CellIn2019DerivedIn2021) => reports
            .iter()
            .all(|r| r.template.as_deref() == Some("2019")),
        _ => true,
    }
}

/// Keys whose printed numbers differ between `reports` (zeros and blanks
/// agree), with each report's value. Derived keys (sums of cells) are left
/// out: they follow the cells, and are null over a blank cell.
pub fn differing_keys(reports: &[ReportEntry]) -> Vec<KeyDiff> {
    let keys: BTreeSet<&String> = reports.iter().flat_map(|r| r.metrics.keys()).collect();
    keys.into_iter()
        .filter(|k| printed_in_all(k, reports))
        .filter_map(|k| {
            let values: Vec<Option<f64>> = reports
                .iter()
                .map(|r| r.metrics.get(k).copied().flatten())
                .collect();
            let first = values.first().copied().flatten();
            (!values.iter().all(|v| same_value(first, *v))).then(|| KeyDiff {
                key: k.clone(),
                values,
            })
        })
        .collect()
}

/// One report in the index.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ReportEntry {
    /// Source path relative to the input root.
    pub path: String,
    /// Per-report JSON, relative to OUT.
    pub json: Option<String>,
    /// SHA-256 of the source file.
    pub sha256: Option<String>,
    /// `docx` or `odt`.
    pub format: Option<String>,
    /// Document title.
    pub title: Option<String>,
    /// Agency name as written in this report.
    pub agency: Option<String>,
    /// Template version (`2019` or `2021`).
    pub template: Option<String>,
    /// Metric values: canonical key → value, null when blank; keys of the other
    /// template version are absent.
    pub metrics: BTreeMap<String, Option<f64>>,
    /// Within-report checks (R1–R5).
    pub checks: CheckSummary,
}

/// Status counts of a report's checks and the failed ones.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CheckSummary {
    /// Checks that passed.
    pub pass: usize,
    /// Checks that failed.
    pub fail: usize,
    /// Checks that could not be run (blank cells).
    pub not_checkable: usize,
    /// The failed checks.
    pub failed: Vec<Check>,
}

/// A failed within-report check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Check {
    /// Rule id (`R1`…`R5`, `R8`, prose `P1`…).
    pub rule: String,
    /// Column, row key or group; for a prose check the metric key (`a+b`
    /// for a sum).
    pub column: Option<String>,
    /// Expected value (for a prose check, the table value).
    pub expected: Option<f64>,
    /// Actual value (for a prose check, the value stated in the text).
    pub actual: Option<f64>,
    /// For a prose check: the sentence stating the number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<String>,
}

/// Outcome of a check: the report profile's (`not_checkable` here also when
/// the year has conflicting reports).
pub use crate::profile::CheckStatus;

/// How serious a failed cross-year check is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// R6: usually a data error, but reorganised agencies break it.
    Warning,
    /// R7: a heuristic; amendments break it.
    SoftWarning,
}

/// A cross-year check (R6 or R7) between year N−1 and year N.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CrossCheck {
    /// `R6` or `R7`.
    pub rule: String,
    /// Year N.
    pub year: i32,
    /// Year N−1.
    pub prev_year: i32,
    /// R6: section 三 column key; R7: `regulation` or `normative`.
    pub column: String,
    /// Outcome.
    pub status: CheckStatus,
    /// Severity when failed.
    pub severity: Severity,
    /// R6: 结转下年度 of N−1; R7: 现行有效(N−1) + 制发(N) − 废止(N).
    pub expected: Option<f64>,
    /// R6: 上年结转 of N; R7: 现行有效(N).
    pub actual: Option<f64>,
    /// Why the check was not run, when it was not.
    pub note: Option<String>,
}

/// Text similarity of a year's report with the previous report of the agency.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TextSimilarity {
    /// This year.
    pub year: i32,
    /// The previous year with a report (usually `year - 1`).
    pub prev_year: i32,
    /// Per section; only sections found in both reports.
    pub sections: Vec<SectionSimilarity>,
}

/// Similarity figures of one section.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SectionSimilarity {
    /// Standard section 1–6 (template.md §2); 0 is the whole document.
    pub section: u8,
    /// Distinct sentences this year.
    pub sentences: usize,
    /// Of which also in last year's section.
    pub sentences_reused: usize,
    /// Share of this year's sentences found in last year's section (0–1).
    pub sentence_reuse: Option<f64>,
    /// Share of this year's character 5-grams found in last year's section (0–1).
    pub ngram_reuse: Option<f64>,
    /// Characters this year (normalized, no whitespace).
    pub chars: usize,
    /// Characters last year.
    pub prev_chars: usize,
}

/// A document that is not in any agency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Unassigned {
    /// Source path.
    pub path: String,
    /// Per-report JSON, relative to OUT.
    pub json: Option<String>,
    /// Document title.
    pub title: Option<String>,
    /// Why: `not_a_report`, `no_agency` or `no_year`.
    pub reason: String,
}

/// A name the level-character rule could not attach to one agency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct AmbiguousName {
    /// The normalized name.
    pub name: String,
    /// The agencies it could belong to.
    pub candidates: Vec<String>,
}

/// A non-fatal problem met while building the index.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Problem {
    /// Line of `reports.jsonl` (1-based), when the problem is a line.
    pub line: Option<usize>,
    /// The file concerned, when known.
    pub path: Option<String>,
    /// What happened.
    pub message: String,
}

/// Build the index of the data set in `out_dir` from `out_dir/reports.jsonl`.
///
/// `aliases` is the aliases file; when `None`, `out_dir/aliases.csv` is used
/// if it exists. Per-report JSON files (for text similarity) are read relative
/// to `out_dir`. The whole index is returned in memory; [`build_and_write_dir`]
/// writes `index.json` without holding it.
pub fn build_dir(out_dir: &Path, aliases: Option<&Path>) -> Result<Index, IndexError> {
    let input = DirInput::open(out_dir, aliases)?;
    let pass1 = scan(input.reader, &input.reports, false, &input.aliases, None)?;
    let mut agencies = Vec::new();
    let reports_read = pass1.reports_read;
    let docs = Docs::Dir(out_dir);
    let (tail, _) = place_agencies(pass1, Some(&input.reports), Some(&docs), Ok, |a| {
        agencies.push(a);
        Ok(())
    })?;
    Ok(tail.into_index(reports_read, input.alias_path, agencies))
}

/// Figures of an index written by [`build_and_write_dir`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BuildSummary {
    /// Agencies.
    pub agencies: usize,
    /// Reports placed in an agency.
    pub reports: usize,
    /// Documents not placed.
    pub unassigned: usize,
    /// Agency-years whose reports disagree.
    pub conflicts: usize,
    /// Failed R6 checks.
    pub r6_failed: usize,
    /// Failed R7 checks.
    pub r7_failed: usize,
    /// Names left apart by the level-character rule.
    pub ambiguous_names: usize,
    /// The non-fatal problems.
    pub problems: Vec<Problem>,
}

/// Start of the message of a [`Problem`] for a line of `reports.jsonl` that
/// could not be read: that document has no entry in the index.
pub const MALFORMED_LINE: &str = "malformed line: ";

impl BuildSummary {
    /// The documents left out of the index because their line could not be
    /// read, with the reason: (source path, message). Lines whose source path
    /// cannot be told are problems only.
    pub fn failed_documents(&self) -> Vec<(String, String)> {
        self.problems
            .iter()
            .filter(|p| p.message.starts_with(MALFORMED_LINE))
            .filter_map(|p| {
                let path = p.path.clone()?;
                let message = match p.line {
                    Some(l) => format!(
                        "left out of the index (reports.jsonl line {l}): {}",
                        p.message
                    ),
                    None => format!("left out of the index: {}", p.message),
                };
                Some((path, message))
            })
            .collect()
    }

    /// The figures of an index held in memory.
    pub fn of(index: &Index) -> Self {
        let mut s = BuildSummary {
            unassigned: index.unassigned.len(),
            ambiguous_names: index.ambiguous_names.len(),
            problems: index.problems.clone(),
            ..BuildSummary::default()
        };
        for a in &index.agencies {
            s.add(a);
        }
        s
    }

    fn merge(&mut self, o: &BuildSummary) {
        self.agencies += o.agencies;
        self.reports += o.reports;
        self.conflicts += o.conflicts;
        self.r6_failed += o.r6_failed;
        self.r7_failed += o.r7_failed;
    }

    fn add(&mut self, a: &Agency) {
        self.agencies += 1;
        for y in &a.years {
            self.reports += y.reports.len();
            if y.conflict && y.values_agree != Some(true) {
                self.conflicts += 1;
            }
        }
        for c in &a.cross_checks {
            if c.status == CheckStatus::Fail {
                match c.rule.as_str() {
                    "R6" => self.r6_failed += 1,
                    "R7" => self.r7_failed += 1,
                    _ => {}
                }
            }
        }
    }
}

/// Build the index of `out_dir` (as [`build_dir`]) and write it to
/// `out_dir/index.json` (as [`write()`], byte for byte), one agency at a time:
/// memory stays small whatever the size of the data set. Each placed line of
/// `reports.jsonl` is parsed twice (once to group, once to write).
pub fn build_and_write_dir(
    out_dir: &Path,
    aliases: Option<&Path>,
) -> Result<(PathBuf, BuildSummary), IndexError> {
    let input = DirInput::open(out_dir, aliases)?;
    write_index(
        out_dir,
        input,
        &Docs::Dir(out_dir),
        Vec::new(),
        &WriteHooks::default(),
    )
}

/// How the batch pipeline writes its index
/// ([`prepared::PreparedWriter::build_and_write`]).
pub struct WriteHooks<'a> {
    /// Where the index is built before it is renamed to `index.json`
    /// (default: `index.json.tmp` next to it).
    pub tmp: Option<PathBuf>,
    /// Test hook: the lines of reports whose source path contains this are
    /// treated as unreadable (see [`BuildSummary::failed_documents`]).
    #[doc(hidden)]
    pub fail_on: Option<&'a str>,
    /// Called after each agency is written (flushed), with their count so far.
    #[doc(hidden)]
    pub after_agency: &'a (dyn Fn(usize) + Sync),
}

impl Default for WriteHooks<'_> {
    fn default() -> Self {
        WriteHooks {
            tmp: None,
            fail_on: None,
            after_agency: &|_| {},
        }
    }
}

/// Build the index from `input` (per-report JSON found through `docs`) and
/// write it to `out_dir/index.json` one agency at a time; `extra` problems
/// (met before the build) come first in the index's problem list.
fn write_index(
    out_dir: &Path,
    input: DirInput,
    docs: &Docs<'_>,
    extra: Vec<Problem>,
    hooks: &WriteHooks<'_>,
) -> Result<(PathBuf, BuildSummary), IndexError> {
    use std::io::Write;
    let mut pass1 = scan(
        input.reader,
        &input.reports,
        false,
        &input.aliases,
        hooks.fail_on,
    )?;
    if !extra.is_empty() {
        pass1.tail.problems.splice(0..0, extra);
    }
    let mut summary = BuildSummary {
        unassigned: pass1.tail.unassigned.len(),
        ambiguous_names: pass1.tail.ambiguous_names.len(),
        ..BuildSummary::default()
    };
    let reports_read = pass1.reports_read;
    let alias_file = input.alias_path.map(|p| p.display().to_string());
    let mut written = 0usize;
    let path = write_atomically(out_dir, hooks.tmp.as_deref(), |w, tmp| {
        let json = |w: &mut dyn Write, v: &dyn erased::Ser| v.write_to(w, tmp);
        let raw = |w: &mut dyn Write, s: &str| {
            w.write_all(s.as_bytes()).map_err(|source| IndexError::Io {
                path: tmp.to_path_buf(),
                source,
            })
        };
        raw(w, "{\"schema_version\":")?;
        json(w, &INDEX_SCHEMA_VERSION)?;
        raw(w, ",\"reports_read\":")?;
        json(w, &reports_read)?;
        raw(w, ",\"aliases_file\":")?;
        json(w, &alias_file)?;
        raw(w, ",\"agencies\":[")?;
        let mut first = true;
        // Agencies are serialized in the parallel workers; written in order.
        let (tail, _) = place_agencies(
            pass1,
            Some(&input.reports),
            Some(docs),
            |a| {
                let mut counts = BuildSummary::default();
                counts.add(&a);
                let bytes = serde_json::to_vec(&a).map_err(|e| IndexError::Io {
                    path: tmp.to_path_buf(),
                    source: e.into(),
                })?;
                Ok((bytes, counts))
            },
            |(bytes, counts)| {
                if !first {
                    raw(w, ",")?;
                }
                first = false;
                summary.merge(&counts);
                w.write_all(&bytes).map_err(|source| IndexError::Io {
                    path: tmp.to_path_buf(),
                    source,
                })?;
                written += 1;
                w.flush().map_err(|source| IndexError::Io {
                    path: tmp.to_path_buf(),
                    source,
                })?;
                (hooks.after_agency)(written);
                Ok(())
            },
        )?;
        raw(w, "],\"unassigned\":")?;
        json(w, &tail.unassigned)?;
        raw(w, ",\"ambiguous_names\":")?;
        json(w, &tail.ambiguous_names)?;
        raw(w, ",\"problems\":")?;
        json(w, &tail.problems)?;
        raw(w, "}\n")?;
        summary.problems = tail.problems;
        Ok(())
    })?;
    Ok((path, summary))
}

/// Serialize a value to a writer as compact JSON (object-safe).
mod erased {
    use super::IndexError;
    use std::io::Write;
    use std::path::Path;

    /// A value that can be written as JSON.
    pub(super) trait Ser {
        fn write_to(&self, w: &mut dyn Write, path: &Path) -> Result<(), IndexError>;
    }

    impl<T: serde::Serialize> Ser for T {
        fn write_to(&self, w: &mut dyn Write, path: &Path) -> Result<(), IndexError> {
            serde_json::to_writer(w, self).map_err(|e| IndexError::Io {
                path: path.to_path_buf(),
                source: e.into(),
            })
        }
    }
}

/// The opened inputs of a data set directory.
struct DirInput {
    reports: PathBuf,
    reader: std::io::BufReader<std::fs::File>,
    alias_path: Option<PathBuf>,
    aliases: Aliases,
}

impl DirInput {
    fn open(out_dir: &Path, aliases: Option<&Path>) -> Result<Self, IndexError> {
        DirInput::open_at(out_dir.join(REPORTS_FILE), out_dir, aliases)
    }

    /// The report lines in `reports`; aliases from `aliases`, else
    /// `aliases_dir/aliases.csv` when present.
    fn open_at(
        reports: PathBuf,
        aliases_dir: &Path,
        aliases: Option<&Path>,
    ) -> Result<Self, IndexError> {
        let file = std::fs::File::open(&reports)
            .map_err(|e| open_error(&reports, e, IndexError::MissingReports))?;
        let default_aliases = aliases_dir.join(ALIASES_FILE);
        let alias_path = match aliases {
            Some(p) => Some(p.to_path_buf()),
            None if default_aliases.is_file() => Some(default_aliases),
            None => None,
        };
        let alias_table = match &alias_path {
            Some(p) => {
                let text = std::fs::read_to_string(p).map_err(|e| IndexError::Io {
                    path: p.clone(),
                    source: e,
                })?;
                Aliases::parse(&text, &p.display().to_string())?
            }
            None => Aliases::new(),
        };
        Ok(DirInput {
            reports,
            reader: std::io::BufReader::with_capacity(256 * 1024, file),
            alias_path,
            aliases: alias_table,
        })
    }
}

/// Build the index from the lines of a `reports.jsonl` (`origin` names it in
/// errors). With `out_dir`, per-report JSON files are read from there for the
/// text similarity; without, no similarity is computed.
pub fn build(
    reader: impl BufRead,
    origin: &Path,
    out_dir: Option<&Path>,
    aliases: &Aliases,
) -> Result<Index, IndexError> {
    let pass1 = scan(reader, origin, true, aliases, None)?;
    let reports_read = pass1.reports_read;
    let mut agencies = Vec::new();
    let docs = out_dir.map(Docs::Dir);
    let (tail, _) = place_agencies(pass1, None, docs.as_ref(), Ok, |a| {
        agencies.push(a);
        Ok(())
    })?;
    Ok(tail.into_index(reports_read, None, agencies))
}

/// Where the second pass finds a placed report's line again.
enum LineText {
    /// Byte range in `reports.jsonl`.
    At { offset: u64, len: usize },
    /// The line itself (builds from a reader that cannot seek).
    Text(Box<str>),
}

/// What the first pass keeps of a placed report: enough to match and group.
struct Placed {
    name: String,
    year: i32,
    line_no: usize,
    text: LineText,
    /// How its name was matched to its agency's (`None`: not in the
    /// name matching's assignments), set when the reports are grouped.
    rule: Option<MatchRule>,
}

/// Outcome of the first pass over one line.
enum Scanned {
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
struct Pass1 {
    reports_read: usize,
    groups: Vec<(String, Vec<Placed>)>,
    tail: Tail,
}

/// The parts of the index after the agencies.
struct Tail {
    unassigned: Vec<Unassigned>,
    ambiguous_names: Vec<AmbiguousName>,
    problems: Vec<Problem>,
}

impl Tail {
    fn into_index(
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

fn scan_line(line_no: usize, text: &str, fail_on: Option<&str>) -> Scanned {
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
struct LineReader<R> {
    reader: R,
    offset: u64,
    line_no: usize,
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
fn scan(
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

/// A report as the index keeps it, with what the agency needs besides.
struct Full {
    name: String,
    year: i32,
    rule: Option<MatchRule>,
    forms: Vec<String>,
    mapping: Vec<(u8, String)>,
    entry: ReportEntry,
}

/// Read and parse a placed report's line again.
fn reload(
    p: Placed,
    file: &mut Option<std::fs::File>,
    reports: Option<&Path>,
) -> Result<Full, IndexError> {
    use std::io::{Read, Seek, SeekFrom};
    let changed = |what: &str| IndexError::Io {
        path: reports.map(Path::to_path_buf).unwrap_or_default(),
        source: std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!(
                "line {}: {what} (was the file changed while indexing?)",
                p.line_no
            ),
        ),
    };
    let text: Box<str> = match p.text {
        LineText::Text(t) => t,
        LineText::At { offset, len } => {
            let path = reports.ok_or_else(|| changed("no file"))?;
            let io = |source| IndexError::Io {
                path: path.to_path_buf(),
                source,
            };
            if file.is_none() {
                *file = Some(std::fs::File::open(path).map_err(io)?);
            }
            let f = file.as_mut().ok_or_else(|| changed("no file"))?;
            f.seek(SeekFrom::Start(offset)).map_err(io)?;
            let mut buf = vec![0u8; len];
            f.read_exact(&mut buf).map_err(io)?;
            String::from_utf8(buf)
                .map_err(|_| changed("not UTF-8"))?
                .into_boxed_str()
        }
    };
    let line: InputLine = serde_json::from_str(&text).map_err(|_| changed("malformed"))?;
    drop(text);
    let InputLine {
        path,
        json,
        sha256,
        format,
        title,
        report,
    } = line;
    let report = report.ok_or_else(|| changed("no report"))?;
    let InputReport {
        agency,
        agency_forms,
        template,
        mut metrics,
        checks,
        sections,
        ..
    } = report;
    fill_other_total(template.as_deref(), &mut metrics);
    let mut summary = CheckSummary::default();
    for c in checks {
        match c.status.as_str() {
            "pass" => summary.pass += 1,
            "fail" => {
                summary.fail += 1;
                summary.failed.push(Check {
                    rule: c.rule,
                    column: c.column,
                    expected: c.expected,
                    actual: c.actual,
                    evidence: c.evidence,
                });
            }
            _ => summary.not_checkable += 1,
        }
    }
    let mut forms: Vec<String> = agency_forms;
    if let Some(a) = &agency {
        forms.push(a.clone());
    }
    Ok(Full {
        name: p.name,
        year: p.year,
        rule: p.rule,
        forms,
        mapping: sections
            .into_iter()
            .map(|s| (s.standard, s.title))
            .collect(),
        entry: ReportEntry {
            path,
            json,
            sha256,
            format,
            title,
            agency,
            template,
            metrics,
            checks: summary,
        },
    })
}

/// Agencies built and handed on per parallel chunk, at most.
const AGENCY_CHUNK: usize = 128;
/// Reports per parallel chunk, at most (unless one agency has more): a
/// chunk's agencies are all in memory at once, built and serialized, so its
/// size in reports, not in agencies, bounds the second pass's memory. Counted
/// in agencies alone, the chunks of an archive holding ten reports per agency
/// held 44 MB of agencies at the peak (heaptrack, 20,000 reports), ten times
/// what the same number of agencies with one report each would.
const REPORT_CHUNK: usize = 256;

/// The next chunk of agencies: up to [`AGENCY_CHUNK`] of them and
/// [`REPORT_CHUNK`] reports, but always at least one agency.
fn next_chunk<T>(
    groups: &mut std::iter::Peekable<impl Iterator<Item = (String, Vec<T>)>>,
) -> Vec<(String, Vec<T>)> {
    let mut chunk = Vec::new();
    let mut reports = 0;
    while chunk.len() < AGENCY_CHUNK {
        let Some((_, placed)) = groups.peek() else {
            break;
        };
        if !chunk.is_empty() && reports + placed.len() > REPORT_CHUNK {
            break;
        }
        reports += placed.len();
        chunk.extend(groups.next());
    }
    chunk
}

/// Second pass: build each agency (reports re-read, checks, text similarity),
/// pass it through `finish` (in the parallel workers) and hand the result to
/// `sink` in key order. Returns the tail of the index, with the similarity
/// problems appended, and the number of agencies.
fn place_agencies<T: Send>(
    pass1: Pass1,
    reports: Option<&Path>,
    docs: Option<&Docs<'_>>,
    finish: impl Fn(Agency) -> Result<T, IndexError> + Sync,
    mut sink: impl FnMut(T) -> Result<(), IndexError>,
) -> Result<(Tail, usize), IndexError> {
    let started = std::time::Instant::now();
    let Pass1 {
        groups, mut tail, ..
    } = pass1;
    let count = groups.len();
    let mut groups = groups.into_iter().peekable();
    loop {
        let chunk: Vec<(String, Vec<Placed>)> = next_chunk(&mut groups);
        if chunk.is_empty() {
            break;
        }
        let built: Vec<Result<(T, Vec<Problem>), IndexError>> = chunk
            .into_par_iter()
            .map(|(key, placed)| {
                let mut file = None;
                let full = placed
                    .into_iter()
                    .map(|p| reload(p, &mut file, reports))
                    .collect::<Result<Vec<Full>, IndexError>>()?;
                drop(file);
                let (mut agency, maps) = assemble_agency(key, full);
                let problems = match docs {
                    Some(docs) => text_similarity(&mut agency, docs, &maps),
                    None => Vec::new(),
                };
                Ok((finish(agency)?, problems))
            })
            .collect();
        for b in built {
            let (done, problems) = b?;
            tail.problems.extend(problems);
            sink(done)?;
        }
        // The chunk's reports and texts were freed all over the heap.
        crate::memory::release_free_memory();
    }
    tracing::debug!("index: {count} agencies built in {:.2?}", started.elapsed());
    Ok((tail, count))
}

/// Mapping of standard sections per report JSON path, kept out of the index.
type SectionMaps = BTreeMap<String, Vec<(u8, String)>>;

/// One agency from its reports: years, conflicts, cross-year checks.
fn assemble_agency(key: String, mut reports: Vec<Full>) -> (Agency, SectionMaps) {
    reports.sort_by(|a, b| (a.year, &a.entry.path).cmp(&(b.year, &b.entry.path)));
    let mut forms = BTreeSet::new();
    let mut matched = BTreeSet::new();
    let mut name = None;
    for p in &reports {
        forms.extend(p.forms.iter().filter(|f| !f.trim().is_empty()).cloned());
        if let Some(rule) = p.rule {
            matched.insert((p.name.clone(), rule));
        }
        if p.name == key {
            // Sorted by year: the last one wins.
            name = p.entry.agency.clone().or(name);
        }
    }
    let mut maps = SectionMaps::new();
    let mut years: Vec<AgencyYear> = Vec::new();
    for p in reports {
        if let Some(json) = &p.entry.json {
            maps.insert(json.clone(), p.mapping);
        }
        match years.last_mut() {
            Some(y) if y.year == p.year => {
                y.conflict = true;
                y.reports.push(p.entry);
                y.differing = differing_keys(&y.reports);
                y.values_agree = Some(y.differing.is_empty());
            }
            _ => years.push(AgencyYear {
                year: p.year,
                conflict: false,
                values_agree: None,
                differing: Vec::new(),
                reports: vec![p.entry],
            }),
        }
    }
    let cross_checks = crossyear::cross_checks(&years);
    let agency = Agency {
        name: name.unwrap_or_else(|| key.clone()),
        key,
        forms: forms.into_iter().collect(),
        matched: matched
            .into_iter()
            .map(|(name, rule)| NameMatch { name, rule })
            .collect(),
        years,
        cross_checks,
        text_similarity: Vec::new(),
    };
    (agency, maps)
}

/// Keys of the 2021 （六）其他处理 sub-rows whose sum is `s3.other.total.*`.
const OTHER_PARTS: [&str; 3] = ["no_correction", "no_fee", "misc"];

/// For a 2021 report without `s3.other.total.<col>`, derive it as the sum of
/// the three sub-rows (null when one is blank) — template.md §7.2.
fn fill_other_total(template: Option<&str>, metrics: &mut BTreeMap<String, Option<f64>>) {
    if template != Some("2021") {
        return;
    }
    for col in crossyear::S3_COLUMNS
        .iter()
        .copied()
        .chain(["legal_org_subtotal"])
    {
        let key = format!("s3.other.total.{col}");
        if metrics.contains_key(&key) {
            continue;
        }
        let parts: Vec<Option<Option<f64>>> = OTHER_PARTS
            .iter()
            .map(|p| metrics.get(&format!("s3.other.{p}.{col}")).copied())
            .collect();
        if parts.iter().all(Option::is_none) {
            continue;
        }
        let sum = parts
            .iter()
            .try_fold(0.0, |acc, v| v.flatten().map(|x| acc + x));
        metrics.insert(key, sum);
    }
}

/// Resolve a per-report JSON path (relative to OUT) safely.
fn report_json_path(out_dir: &Path, rel: &str) -> Option<PathBuf> {
    let p = Path::new(rel);
    p.components()
        .all(|c| matches!(c, Component::Normal(_) | Component::CurDir))
        .then(|| out_dir.join(p))
}

/// Where the per-report JSON of the index's reports are.
enum Docs<'a> {
    /// Files at their `json` path relative to this directory.
    Dir(&'a Path),
    /// The shards of a merged index: `json` path → where that report is.
    Merged(&'a merge::DocLocations),
}

impl Docs<'_> {
    /// The JSON text of the report whose `json` path is `rel`.
    fn read(&self, rel: &str) -> Result<Vec<u8>, String> {
        match self {
            Docs::Dir(out_dir) => {
                read_report_file(&report_json_path(out_dir, rel).ok_or("unsafe path")?)
            }
            Docs::Merged(locations) => locations.read(rel),
        }
    }
}

/// A per-report JSON file, refused when larger than [`MAX_REPORT_JSON_BYTES`].
fn read_report_file(path: &Path) -> Result<Vec<u8>, String> {
    let meta = std::fs::metadata(path).map_err(|e| e.to_string())?;
    if meta.len() > MAX_REPORT_JSON_BYTES {
        return Err(format!("larger than {MAX_REPORT_JSON_BYTES} bytes"));
    }
    std::fs::read(path).map_err(|e| e.to_string())
}

fn load_fingerprint(
    docs: &Docs<'_>,
    rel: &str,
    mapping: &[(u8, String)],
) -> Result<similarity::DocFingerprint, String> {
    let bytes = docs.read(rel)?;
    // Validated as UTF-8 once, in bulk: `from_slice` checks every string on
    // its own (most of the text is Chinese), which cost more than the check
    // of the whole line. Invalid bytes still go to `from_slice`, for its
    // error message.
    let doc: similarity::DocLite = match simdutf8::basic::from_utf8(&bytes) {
        Ok(text) => serde_json::from_str(text),
        Err(_) => serde_json::from_slice(&bytes),
    }
    .map_err(|e| e.to_string())?;
    Ok(similarity::fingerprint_doc(&doc, mapping))
}

/// Text similarity of each year of an agency with its previous report; the
/// per-report JSON files are read one after the other and dropped once
/// fingerprinted. Returns the problems met.
fn text_similarity(agency: &mut Agency, docs: &Docs<'_>, maps: &SectionMaps) -> Vec<Problem> {
    let mut problems = Vec::new();
    if agency.years.len() < 2 {
        return problems;
    }
    let mut prev: Option<(i32, similarity::DocFingerprint)> = None;
    let mut out = Vec::new();
    for y in &agency.years {
        // A conflicting year uses its first report (sorted by path).
        let Some(rel) = y.reports.first().and_then(|r| r.json.as_deref()) else {
            prev = None;
            continue;
        };
        let mapping = maps.get(rel).map(Vec::as_slice).unwrap_or(&[]);
        let fp = match load_fingerprint(docs, rel, mapping) {
            Ok(fp) => fp,
            Err(message) => {
                problems.push(Problem {
                    line: None,
                    path: Some(rel.to_string()),
                    message: format!("text similarity skipped: {message}"),
                });
                prev = None;
                continue;
            }
        };
        if let Some((prev_year, prev_fp)) = &prev {
            let mut sections = Vec::new();
            for (n, (cur, old)) in fp.iter().zip(prev_fp.iter()).enumerate() {
                if let (Some(cur), Some(old)) = (cur, old) {
                    let r = similarity::compare(cur, old);
                    sections.push(SectionSimilarity {
                        section: n as u8,
                        sentences: r.sentences,
                        sentences_reused: r.sentences_reused,
                        sentence_reuse: r.sentence_reuse,
                        ngram_reuse: r.ngram_reuse,
                        chars: r.chars,
                        prev_chars: r.prev_chars,
                    });
                }
            }
            out.push(TextSimilarity {
                year: y.year,
                prev_year: *prev_year,
                sections,
            });
        }
        prev = Some((y.year, fp));
    }
    agency.text_similarity = out;
    problems
}

/// Write `index.json` into `out_dir` atomically (temporary file, then rename).
pub fn write(index: &Index, out_dir: &Path) -> Result<PathBuf, IndexError> {
    write_atomically(out_dir, None, |w, tmp| {
        serde_json::to_writer(&mut *w, index).map_err(|e| IndexError::Io {
            path: tmp.to_path_buf(),
            source: e.into(),
        })?;
        w.write_all(b"\n").map_err(|source| IndexError::Io {
            path: tmp.to_path_buf(),
            source,
        })
    })
}

/// Write `out_dir/index.json` through `body` (given the buffered writer and the
/// temporary file's path): temporary file, sync, rename.
fn write_atomically(
    out_dir: &Path,
    tmp: Option<&Path>,
    body: impl FnOnce(&mut dyn std::io::Write, &Path) -> Result<(), IndexError>,
) -> Result<PathBuf, IndexError> {
    let path = out_dir.join(INDEX_FILE);
    let tmp = tmp.map_or_else(
        || out_dir.join(format!("{INDEX_FILE}.tmp")),
        Path::to_path_buf,
    );
    let io = |p: &Path| {
        let p = p.to_path_buf();
        move |source| IndexError::Io { path: p, source }
    };
    let file = std::fs::File::create(&tmp).map_err(io(&tmp))?;
    let mut w = std::io::BufWriter::with_capacity(256 * 1024, file);
    body(&mut w, &tmp)?;
    let file = w.into_inner().map_err(|e| IndexError::Io {
        path: tmp.clone(),
        source: e.into_error(),
    })?;
    file.sync_all().map_err(io(&tmp))?;
    drop(file);
    std::fs::rename(&tmp, &path).map_err(io(&path))?;
    Ok(path)
}

/// Read `out_dir/index.json`.
pub fn read(out_dir: &Path) -> Result<Index, IndexError> {
    let path = out_dir.join(INDEX_FILE);
    // Reading the whole file first is several times faster than a reader.
    let bytes = std::fs::read(&path).map_err(|e| open_error(&path, e, IndexError::MissingIndex))?;
    serde_json::from_slice(&bytes).map_err(|source| IndexError::Json { path, source })
}

/// The error of opening `path`: `missing(path)` when it does not exist, else
/// the I/O error.
pub(crate) fn open_error(
    path: &Path,
    e: std::io::Error,
    missing: fn(PathBuf) -> IndexError,
) -> IndexError {
    if e.kind() == std::io::ErrorKind::NotFound {
        missing(path.to_path_buf())
    } else {
        IndexError::Io {
            path: path.to_path_buf(),
            source: e,
        }
    }
}

#[cfg(test)]
pub(crate) mod tests;
