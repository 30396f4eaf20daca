//! Reading `OUT/reports.jsonl` (issue 4's dataset file) into lightweight,
//! tolerant structs.
//!
//! Only the fields the index needs are deserialized; every other field is
//! ignored, so this module does not depend on the report profile's Rust types
//! (issue 3) and keeps working when they grow new fields. See
//! `report-contract.md` for the line layout.

use serde::Deserialize;
use std::collections::BTreeMap;

/// One line of `reports.jsonl`.
#[derive(Debug, Clone, Deserialize)]
pub struct InputLine {
    /// Source path relative to the input root.
    pub path: String,
    /// Per-report JSON path, relative to OUT.
    #[serde(default)]
    pub json: Option<String>,
    /// SHA-256 of the source file.
    #[serde(default)]
    pub sha256: Option<String>,
    /// `docx` or `odt`.
    #[serde(default)]
    pub format: Option<String>,
    /// Title of the document.
    #[serde(default)]
    pub title: Option<String>,
    /// The report profile, or null when the document is not an annual report.
    #[serde(default)]
    pub report: Option<InputReport>,
}

/// The parts of the `report` object the index uses.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct InputReport {
    /// Agency name as written.
    #[serde(default)]
    pub agency: Option<String>,
    /// Agency name normalized by the profile (NFKC, simplified, no spaces).
    #[serde(default)]
    pub agency_normalized: Option<String>,
    /// Every agency name form seen in the document.
    #[serde(default)]
    pub agency_forms: Vec<String>,
    /// Reporting (data) year.
    #[serde(default)]
    pub year: Option<i32>,
    /// Template version, `2019` or `2021`.
    #[serde(default)]
    pub template: Option<String>,
    /// Canonical metric key → value (null when blank); keys of the other
    /// template version are absent.
    #[serde(default)]
    pub metrics: BTreeMap<String, Option<f64>>,
    /// Within-report consistency checks (R1–R5).
    #[serde(default)]
    pub checks: Vec<InputCheck>,
    /// Mapping of document sections to the six standard sections.
    #[serde(default)]
    pub sections: Vec<InputSection>,
}

/// One within-report check result.
#[derive(Debug, Clone, Deserialize)]
pub struct InputCheck {
    /// Rule id (`R1`…`R5`).
    #[serde(default)]
    pub rule: String,
    /// Column, row key or group the check is about.
    #[serde(default)]
    pub column: Option<String>,
    /// `pass`, `fail` or `not_checkable`.
    #[serde(default)]
    pub status: String,
    /// Expected value.
    #[serde(default)]
    pub expected: Option<f64>,
    /// Actual value.
    #[serde(default)]
    pub actual: Option<f64>,
}

/// One entry of the report's standard-section mapping.
#[derive(Debug, Clone, Deserialize)]
pub struct InputSection {
    /// Standard section number, 1–6.
    pub standard: u8,
    /// Section title as displayed in the document.
    #[serde(default)]
    pub title: String,
}
