//! The cross-year index of a converted data set (issue 5): `OUT/index.json`,
//! described by `schemas/index.schema.json`.
//!
//! [`build_dir`] streams `OUT/reports.jsonl` (one line per converted document,
//! see `report-contract.md`), groups the annual reports by agency (matching rule
//! in [`names`]), and per agency and year keeps the report file(s), template
//! version, metric values and check status. Two reports that claim the same
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
pub mod names;
pub mod similarity;
pub mod synthetic;

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
/// Lines of `reports.jsonl` parsed per parallel batch.
const BATCH_LINES: usize = 2048;

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
    /// cross-year checks can still run; false when the values differ. Null
    /// without a conflict.
    pub values_agree: Option<bool>,
    /// The report(s), sorted by path.
    pub reports: Vec<ReportEntry>,
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
    /// Rule id (`R1`…`R5`).
    pub rule: String,
    /// Column, row key or group.
    pub column: Option<String>,
    /// Expected value.
    pub expected: Option<f64>,
    /// Actual value.
    pub actual: Option<f64>,
}

/// Outcome of a check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CheckStatus {
    /// Consistent.
    Pass,
    /// Inconsistent.
    Fail,
    /// A value is blank or missing, or the year has a conflict.
    NotCheckable,
}

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
/// to `out_dir`.
pub fn build_dir(out_dir: &Path, aliases: Option<&Path>) -> Result<Index, IndexError> {
    let reports = out_dir.join(REPORTS_FILE);
    let file = std::fs::File::open(&reports).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            IndexError::MissingReports(reports.clone())
        } else {
            IndexError::Io {
                path: reports.clone(),
                source: e,
            }
        }
    })?;
    let default_aliases = out_dir.join(ALIASES_FILE);
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
    let mut index = build(
        std::io::BufReader::new(file),
        &reports,
        Some(out_dir),
        &alias_table,
    )?;
    index.aliases_file = alias_path.map(|p| p.display().to_string());
    Ok(index)
}

/// Parsed line with its line number.
struct Parsed {
    line_no: usize,
    line: InputLine,
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
    let started = std::time::Instant::now();
    let mut problems = Vec::new();
    let mut parsed: Vec<Parsed> = Vec::new();
    let mut batch: Vec<(usize, String)> = Vec::with_capacity(BATCH_LINES);
    let mut reports_read = 0usize;
    let flush = |batch: &mut Vec<(usize, String)>,
                 parsed: &mut Vec<Parsed>,
                 problems: &mut Vec<Problem>| {
        let results: Vec<(usize, Result<InputLine, String>)> = batch
            .par_iter()
            .map(|(n, text)| {
                (
                    *n,
                    serde_json::from_str::<InputLine>(text).map_err(|e| e.to_string()),
                )
            })
            .collect();
        for (line_no, r) in results {
            match r {
                Ok(line) => parsed.push(Parsed { line_no, line }),
                Err(message) => problems.push(Problem {
                    line: Some(line_no),
                    path: None,
                    message: format!("malformed line: {message}"),
                }),
            }
        }
        batch.clear();
    };
    for (i, line) in reader.lines().enumerate() {
        let line = line.map_err(|e| IndexError::Io {
            path: origin.to_path_buf(),
            source: e,
        })?;
        if line.trim().is_empty() {
            continue;
        }
        reports_read += 1;
        batch.push((i + 1, line));
        if batch.len() >= BATCH_LINES {
            flush(&mut batch, &mut parsed, &mut problems);
        }
    }
    flush(&mut batch, &mut parsed, &mut problems);
    tracing::debug!(
        "index: {reports_read} lines parsed in {:.2?}",
        started.elapsed()
    );
    let (mut index, maps) = assemble(parsed, aliases, problems);
    index.reports_read = reports_read;
    tracing::debug!("index: grouped and checked at {:.2?}", started.elapsed());
    if let Some(dir) = out_dir {
        add_text_similarity(&mut index, dir, &maps);
        tracing::debug!("index: text similarity done at {:.2?}", started.elapsed());
    }
    Ok(index)
}

/// What the builder keeps of each placed report until the agency is known.
struct Placed {
    name: String,
    year: i32,
    forms: Vec<String>,
    entry: ReportEntry,
    mapping: Vec<(u8, String)>,
}

/// Mapping of standard sections per report JSON path, kept out of the index.
type SectionMaps = BTreeMap<String, Vec<(u8, String)>>;

fn assemble(
    parsed: Vec<Parsed>,
    aliases: &Aliases,
    mut problems: Vec<Problem>,
) -> (Index, SectionMaps) {
    let mut placed = Vec::new();
    let mut unassigned = Vec::new();
    for Parsed { line_no, line } in parsed {
        let InputLine {
            path,
            json,
            sha256,
            format,
            title,
            report,
        } = line;
        let Some(report) = report else {
            unassigned.push(Unassigned {
                path,
                json,
                title,
                reason: "not_a_report".into(),
            });
            continue;
        };
        let InputReport {
            agency,
            agency_normalized,
            agency_forms,
            year,
            template,
            mut metrics,
            checks,
            sections,
        } = report;
        let name = agency_normalized
            .as_deref()
            .or(agency.as_deref())
            .map(names::normalize_agency)
            .filter(|n| !n.is_empty());
        let (name, year) = match (name, year) {
            (Some(n), Some(y)) => (n, y),
            (n, _) => {
                unassigned.push(Unassigned {
                    path,
                    json,
                    title,
                    reason: if n.is_none() { "no_agency" } else { "no_year" }.into(),
                });
                continue;
            }
        };
        if !(1900..=2200).contains(&year) {
            problems.push(Problem {
                line: Some(line_no),
                path: Some(path.clone()),
                message: format!("implausible year {year}"),
            });
        }
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
                    });
                }
                _ => summary.not_checkable += 1,
            }
        }
        let mut forms: Vec<String> = agency_forms;
        if let Some(a) = &agency {
            forms.push(a.clone());
        }
        placed.push(Placed {
            name,
            year,
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
        });
    }

    let all_names: BTreeSet<String> = placed.iter().map(|p| p.name.clone()).collect();
    let matching = names::match_names(&all_names, aliases);

    let mut by_key: BTreeMap<String, Vec<Placed>> = BTreeMap::new();
    for p in placed {
        let key = matching
            .assign
            .get(&p.name)
            .map(|(k, _)| k.clone())
            .unwrap_or_else(|| p.name.clone());
        by_key.entry(key).or_default().push(p);
    }

    let mut maps = SectionMaps::new();
    let mut agencies = Vec::with_capacity(by_key.len());
    for (key, mut reports) in by_key {
        reports.sort_by(|a, b| (a.year, &a.entry.path).cmp(&(b.year, &b.entry.path)));
        let mut forms = BTreeSet::new();
        let mut matched = BTreeSet::new();
        let mut name = None;
        for p in &reports {
            forms.extend(p.forms.iter().filter(|f| !f.trim().is_empty()).cloned());
            if let Some((_, rule)) = matching.assign.get(&p.name) {
                matched.insert((p.name.clone(), *rule));
            }
            if p.name == key {
                // Sorted by year: the last one wins.
                name = p.entry.agency.clone().or(name);
            }
        }
        let mut years: Vec<AgencyYear> = Vec::new();
        for p in reports {
            if let Some(json) = &p.entry.json {
                maps.insert(json.clone(), p.mapping);
            }
            match years.last_mut() {
                Some(y) if y.year == p.year => {
                    y.conflict = true;
                    y.values_agree = Some(y.reports.iter().all(|r| r.metrics == p.entry.metrics));
                    y.reports.push(p.entry);
                }
                _ => years.push(AgencyYear {
                    year: p.year,
                    conflict: false,
                    values_agree: None,
                    reports: vec![p.entry],
                }),
            }
        }
        let cross_checks = crossyear::cross_checks(&years);
        agencies.push(Agency {
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
        });
    }
    unassigned.sort_by(|a, b| a.path.cmp(&b.path));
    let index = Index {
        schema_version: INDEX_SCHEMA_VERSION.into(),
        reports_read: 0,
        aliases_file: None,
        agencies,
        unassigned,
        ambiguous_names: matching
            .ambiguous
            .into_iter()
            .map(|(name, candidates)| AmbiguousName { name, candidates })
            .collect(),
        problems,
    };
    (index, maps)
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

fn load_fingerprint(
    out_dir: &Path,
    rel: &str,
    mapping: &[(u8, String)],
) -> Result<similarity::DocFingerprint, String> {
    let path = report_json_path(out_dir, rel).ok_or("unsafe path")?;
    let meta = std::fs::metadata(&path).map_err(|e| e.to_string())?;
    if meta.len() > MAX_REPORT_JSON_BYTES {
        return Err(format!("larger than {MAX_REPORT_JSON_BYTES} bytes"));
    }
    let bytes = std::fs::read(&path).map_err(|e| e.to_string())?;
    let doc: similarity::DocLite = serde_json::from_slice(&bytes).map_err(|e| e.to_string())?;
    Ok(similarity::fingerprint_doc(&doc, mapping))
}

fn add_text_similarity(index: &mut Index, out_dir: &Path, maps: &SectionMaps) {
    let problems: Vec<Problem> = index
        .agencies
        .par_iter_mut()
        .filter(|a| a.years.len() >= 2)
        .flat_map_iter(|agency| {
            let mut problems = Vec::new();
            let mut prev: Option<(i32, similarity::DocFingerprint)> = None;
            let mut out = Vec::new();
            for y in &agency.years {
                // A conflicting year uses its first report (sorted by path).
                let Some(rel) = y.reports.first().and_then(|r| r.json.as_deref()) else {
                    prev = None;
                    continue;
                };
                let mapping = maps.get(rel).map(Vec::as_slice).unwrap_or(&[]);
                let fp = match load_fingerprint(out_dir, rel, mapping) {
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
        })
        .collect();
    index.problems.extend(problems);
}

/// Write `index.json` into `out_dir` atomically (temporary file, then rename).
pub fn write(index: &Index, out_dir: &Path) -> Result<PathBuf, IndexError> {
    use std::io::Write;
    let path = out_dir.join(INDEX_FILE);
    let tmp = out_dir.join(format!("{INDEX_FILE}.tmp"));
    let io = |p: &Path| {
        let p = p.to_path_buf();
        move |source| IndexError::Io { path: p, source }
    };
    let file = std::fs::File::create(&tmp).map_err(io(&tmp))?;
    let mut w = std::io::BufWriter::new(file);
    serde_json::to_writer(&mut w, index).map_err(|e| IndexError::Io {
        path: tmp.clone(),
        source: e.into(),
    })?;
    w.write_all(b"\n").map_err(io(&tmp))?;
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
    let bytes = std::fs::read(&path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            IndexError::MissingIndex(path.clone())
        } else {
            IndexError::Io {
                path: path.clone(),
                source: e,
            }
        }
    })?;
    serde_json::from_slice(&bytes).map_err(|source| IndexError::Json { path, source })
}

#[cfg(test)]
pub(crate) mod tests;
