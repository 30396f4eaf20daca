//! The cross-year index of a converted data set (issue 5): `OUT/index.json`,
//! described by `schemas/index.schema.json`.
//!
//! [`build_dir`] streams `OUT/reports.jsonl` (one line per converted document,
//! see `report-contract.md`), groups the annual reports by agency (matching rule
//! in [`names`]), and per agency and year keeps the report file(s), template
//! version, metric values and check status. [`build_and_write_dir`] does the
//! same but writes `index.json` one agency at a time: a first pass
//! (`pass1.rs`) keeps only each report's agency name, year and byte offset, a
//! second (`agencies.rs`) re-reads each agency's lines, builds it and writes
//! it, so memory does not grow with the data set. Two reports that claim the same
//! agency and year are both kept and the year is flagged as a conflict. It then
//! runs the cross-year checks R6/R7 of template.md §6 ([`crossyear`]) and the
//! text similarity of each report with the agency's previous one
//! ([`similarity`], reading the per-report JSON files in parallel).
//!
//! Metrics follow template.md §7.2: keys present in both template versions
//! compare directly; keys of one version only are *absent* (not 0, not null)
//! from the other version's reports; `s3.other.total.*` of a 2021 report is
//! the sum of its three sub-rows when the report does not carry it already.

mod agencies;
pub mod crossyear;
pub mod input;
mod merge;
pub mod names;
mod pass1;
pub mod prepared;
pub mod similarity;
pub mod stream;
pub mod synthetic;

pub use merge::build_and_write_merged;

use agencies::{place_agencies, read_report_file, report_json_path, Docs};
use pass1::scan;

use names::{Aliases, MatchRule};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::io::BufRead;
use std::path::{Path, PathBuf};
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
    #[schemars(with = "BTreeMap<String, Option<f64>>")]
    pub metrics: crate::profile::KeyMap<Option<f64>>,
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
                let bytes = crate::json::to_vec(&a).map_err(|e| IndexError::Io {
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
            crate::json::to_writer(w, self).map_err(|e| IndexError::Io {
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

/// Write `index.json` into `out_dir` atomically (temporary file, then rename).
pub fn write(index: &Index, out_dir: &Path) -> Result<PathBuf, IndexError> {
    write_atomically(out_dir, None, |w, tmp| {
        crate::json::to_writer(&mut *w, index).map_err(|e| IndexError::Io {
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
