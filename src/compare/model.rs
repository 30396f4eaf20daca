//! The comparison of one agency across years: the `--format json` interface
//! (`schemas/compare.schema.json`) and the data every renderer draws from.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Years side by side for one agency (`reportdex compare --format json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Comparison {
    /// Agency display name.
    pub agency: String,
    /// Canonical agency key in the index.
    pub agency_key: String,
    /// Every name form seen.
    pub agency_forms: Vec<String>,
    /// The years compared, ascending.
    pub years: Vec<i32>,
    /// Report file(s) per year (`"2021"` → files); several files mean a conflict.
    pub reports: BTreeMap<String, Vec<ReportRef>>,
    /// Years claimed by several reports. Values shown are from the first
    /// report (sorted by path); every file is listed in `reports`.
    pub conflicts: Vec<Conflict>,
    /// Metrics as rows, in catalog order.
    pub rows: Vec<Row>,
    /// Headline metrics charted by the HTML page (requests received, granted,
    /// denied, reconsiderations, lawsuits), independent of the row filter.
    pub headline: Vec<Series>,
    /// Failed within-report checks and all cross-year checks (R6, R7) that ran.
    pub checks: Vec<CheckRow>,
    /// Within-report check counts per year.
    pub check_summary: BTreeMap<String, CheckCounts>,
    /// Text similarity with the previous report, per year (`"2021"` → figures).
    pub text_similarity: BTreeMap<String, YearSimilarity>,
}

/// Several agencies (`compare --all --format json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ComparisonSet {
    /// One comparison per agency, sorted by agency key.
    pub agencies: Vec<Comparison>,
}

/// A year claimed by several reports.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Conflict {
    /// The year.
    pub year: i32,
    /// Number of reports.
    pub reports: usize,
    /// True when all the reports have the same metric values (zeros agree
    /// however they are printed: `0`, blank, `—`).
    pub values_agree: bool,
    /// The keys whose printed numbers differ, with each report's value (in
    /// the order of the year's reports); empty when the values agree.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub differing: Vec<crate::index::KeyDiff>,
}

/// A report file of one year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ReportRef {
    /// Source path.
    pub path: String,
    /// Per-report JSON, relative to OUT.
    pub json: Option<String>,
    /// Template version.
    pub template: Option<String>,
}

/// One metric across the years.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Row {
    /// Canonical metric key of the report profile (`catalog/metrics.csv`).
    pub key: String,
    /// Chinese label path (the key itself when the catalog lacks it).
    pub label: String,
    /// Unit.
    pub unit: Option<String>,
    /// Value per year: a number, or null when the report left it blank or the
    /// key does not exist in that year's template version (see `absent`).
    pub values: BTreeMap<String, Option<f64>>,
    /// Change from the previous compared year, for every year but the first;
    /// null when either value is missing.
    pub changes: BTreeMap<String, Option<Change>>,
    /// Years whose template version has no such key (absent, not 0).
    pub absent: Vec<i32>,
    /// Years where a failed check involves this value.
    pub flagged: Vec<i32>,
    /// Years where the report's text states another number than the table
    /// for this value (a failed prose check `P1`…), with what it states.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub prose: BTreeMap<String, ProseNote>,
}

/// What a report's text states where a prose check failed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ProseNote {
    /// The rule (`P1`…).
    pub rule: String,
    /// The key stated: the row's own key, or `a+b` when the text states a sum
    /// of keys (行政诉讼 = 直接起诉 + 复议后起诉).
    pub key: String,
    /// The number the text states.
    pub value: Option<f64>,
    /// The sentence.
    pub sentence: String,
}

/// Change of a value from an earlier year.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Change {
    /// The year compared with (the previous compared year).
    pub from_year: i32,
    /// Absolute change.
    pub abs: f64,
    /// Relative change in percent; null when the earlier value is 0.
    pub pct: Option<f64>,
}

/// A headline metric for the charts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Series {
    /// Metric key, or `a+b` for a sum of keys.
    pub key: String,
    /// Chinese caption.
    pub label: String,
    /// Value per year (null when blank or absent).
    pub values: BTreeMap<String, Option<f64>>,
}

/// A check result in the comparison.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CheckRow {
    /// Year of the report (year N for cross-year checks).
    pub year: i32,
    /// Year N−1 for cross-year checks.
    pub prev_year: Option<i32>,
    /// Rule id (`R1`…`R8`, prose `P1`…).
    pub rule: String,
    /// Column, row key or group.
    pub column: Option<String>,
    /// `pass`, `fail` or `not_checkable`.
    pub status: String,
    /// `error` (within-report), `warning` (R6) or `soft_warning` (R7).
    pub severity: String,
    /// Expected value.
    pub expected: Option<f64>,
    /// Actual value.
    pub actual: Option<f64>,
    /// Why it was not checked.
    pub note: Option<String>,
    /// For a prose check (`P1`…): the sentence stating the number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<String>,
}

/// Counts of within-report checks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct CheckCounts {
    /// Passed.
    pub pass: usize,
    /// Failed.
    pub fail: usize,
    /// Not checkable.
    pub not_checkable: usize,
}

/// Similarity of one year's report with the previous one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct YearSimilarity {
    /// The year compared with.
    pub prev_year: i32,
    /// Per section: `"all"` (whole document) and `"1"`–`"6"` (standard sections).
    pub sections: BTreeMap<String, SectionFigures>,
}

/// Similarity figures of one section.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SectionFigures {
    /// Section title (standard title, or 全文 for the whole document).
    pub title: String,
    /// Share of this year's sentences also in last year's section (0–1).
    pub sentence_reuse: Option<f64>,
    /// Share of this year's character 5-grams also in last year's section (0–1).
    pub ngram_reuse: Option<f64>,
    /// Distinct sentences this year.
    pub sentences: usize,
    /// Of which reused.
    pub sentences_reused: usize,
}

/// What `compare --format json` prints: one comparison, or a set with `--all`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum CompareJson {
    /// `--agency NAME`.
    One(Box<Comparison>),
    /// `--all`.
    All(ComparisonSet),
}
