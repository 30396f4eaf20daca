//! Reading `OUT/reports.jsonl` (issue 4's dataset file) into lightweight,
//! tolerant structs.
//!
//! Only the fields the index needs are deserialized; every other field is
//! ignored, so this module does not depend on the report profile's Rust types
//! (issue 3) and keeps working when they grow new fields. See
//! `report-contract.md` for the line layout.

use serde::de::{Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::Deserialize;

/// One line of `reports.jsonl`. `M` is how `report.metrics` is read: kept
/// (the default) or only checked ([`MetricsChecked`]).
#[derive(Debug, Clone, Deserialize)]
pub struct InputLine<M = Metrics> {
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
    pub report: Option<InputReport<M>>,
}

/// Metric values as the index keeps them: canonical key → value (null when
/// blank).
pub type Metrics = crate::profile::KeyMap<Option<f64>>;

/// The parts of the `report` object the index uses.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct InputReport<M = Metrics> {
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
    pub metrics: M,
    /// Within-report checks (R1–R5, R8, prose P1…).
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
    /// For a prose check (`P1`…): the sentence stating the number.
    #[serde(default)]
    pub evidence: Option<String>,
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

/// `report.metrics` read as [`Metrics`] would be (a map of numbers or nulls,
/// failing on the same input), but not kept: the index's first pass needs the
/// check, not the values.
#[derive(Debug, Clone, Copy, Default)]
pub struct MetricsChecked;

impl<'de> Deserialize<'de> for MetricsChecked {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = MetricsChecked;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a map")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<MetricsChecked, A::Error> {
                while map.next_entry::<IgnoredAny, Option<f64>>()?.is_some() {}
                Ok(MetricsChecked)
            }
        }
        d.deserialize_map(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checked_metrics_fail_exactly_where_kept_metrics_do() {
        for text in [
            r#"{"path":"a","report":{"metrics":{"x":1,"y":null}}}"#,
            r#"{"path":"a","report":{"metrics":{"x":"1"}}}"#,
            r#"{"path":"a","report":{"metrics":[1]}}"#,
            r#"{"path":"a","report":{"metrics":{"x":{"v":1}}}}"#,
            r#"{"path":"a","report":{"metrics":null}}"#,
        ] {
            let kept = serde_json::from_str::<InputLine>(text).map(|_| ());
            let checked = serde_json::from_str::<InputLine<MetricsChecked>>(text).map(|_| ());
            assert_eq!(
                kept.map_err(|e| e.to_string()),
                checked.map_err(|e| e.to_string()),
                "{text}"
            );
        }
    }
}
