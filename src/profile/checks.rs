//! Arithmetic consistency checks (勾稽关系, template.md §6), reported, never
//! applied: the numbers are not "fixed".
//!
//! * R1 (stated by the template), per 三 column: 一 + 二 = 三（七）总计 + 四.
//! * R2, per 三 column: （七）总计 = （一）+（二）+ Σ（三）1–8 + Σ（四）1–3 +
//!   Σ（五）1–5 + （六） (2019 row, or Σ（六）1–3 in 2021).
//! * R3, per 三 row (`column` is the row key): 总计 = sum of the six applicant columns.
//! * R4, per 三 column, only when a document gives a group row
//!   （三）/（四）/（五）/（六） values of its own: that value = sum of its sub-items
//!   (`column` is `<group>.<column>`).
//! * R5, per 四 group (`column` is the group): 总计 = 维持 + 纠正 + 其他 + 尚未审结.
//! * R8 (2019 only, `severity: warning`), per 二 item 规章 / 规范性文件:
//!   对外公开总数量 ≥ 本年新公开数量 ([`run_r8`]).
//!
//! Blank cells are "not given": their metrics stay null. A blank 总计 cell is
//! filled from R3 (sum of its row) for R1 and R2 when all six applicant cells
//! are given, as §6 suggests. A check that still lacks an operand is run again
//! with the blank and placeholder cells counted as 0 when the report's tables
//! otherwise hold numbers ([`with_blanks_as_zero`]: reports print zeros as
//! blanks or `—`), and says so (`blanks_as_zero`). It stays `not_checkable`
//! only when an operand is really missing (no such row or column, no table)
//! or no table holds a number (an unfilled template).

use super::tables::S3_COLUMNS;
use super::value::Num;
use super::{Check, CheckStatus, Severity, Template};
use std::borrow::Cow;
use std::collections::HashMap;

/// Row keys of the 三 table in order, for a template version.
pub fn s3_rows(t: Template) -> Vec<&'static str> {
    let mut rows = vec![
        "new_received",
        "carried_over",
        "granted",
        "partial",
        "denied.state_secret",
        "denied.law_forbidden",
        "denied.three_security_one_stability",
        "denied.third_party",
        "denied.internal_affairs",
        "denied.process_info",
        "denied.enforcement_file",
        "denied.admin_query",
        "unable.not_held",
        "unable.needs_creation",
        "unable.still_unclear",
        "not_processed.petition",
        "not_processed.duplicate",
        "not_processed.publication",
        "not_processed.excessive",
        "not_processed.confirm_or_reissue",
    ];
    match t {
        Template::V2019 => rows.push("other.total"),
        Template::V2021 => rows.extend(["other.no_correction", "other.no_fee", "other.misc"]),
    }
    rows.extend(["total_processed", "carried_forward"]);
    rows
}

/// Sub-rows of each 三 group (for derived totals and R4).
pub fn group_members(t: Template, group: &str) -> Vec<&'static str> {
    s3_rows(t)
        .into_iter()
        .filter(|r| {
            r.strip_prefix(group).is_some_and(|x| x.starts_with('.'))
                && !(t == Template::V2019 && *r == "other.total")
        })
        .collect()
}

/// Metric values while a report is profiled, by key: hashed, as the checks
/// look keys up by the thousand (catalog keys are borrowed, not copied).
/// The report gets them sorted ([`super::Report::metrics`]).
pub type Metrics = HashMap<Cow<'static, str>, Option<f64>, KeyHash>;

/// An empty [`Metrics`] with room for every catalog key.
pub fn new_metrics() -> Metrics {
    Metrics::with_capacity_and_hasher(super::catalog::entries().len(), KeyHash::default())
}

/// Hashing for maps keyed by metric keys: the keys are the catalog's and
/// cells' own (no untrusted key choice to defend against), short, and looked
/// up often, so rustc's `FxHasher` beats SipHash.
pub type KeyHash = rustc_hash::FxBuildHasher;

/// The key `a.b.c` (cheaper than `format!` on hot paths).
pub fn key3(a: &str, b: &str, c: &str) -> String {
    let mut k = String::with_capacity(a.len() + b.len() + c.len() + 2);
    k.push_str(a);
    k.push('.');
    k.push_str(b);
    k.push('.');
    k.push_str(c);
    k
}

/// The value of key `a.b.c`, built in a reused buffer (no allocation per lookup).
pub fn get3(m: &Metrics, a: &str, b: &str, c: &str) -> Option<f64> {
    thread_local! {
        static KEY: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
    }
    KEY.with(|k| {
        let mut k = k.borrow_mut();
        k.clear();
        k.push_str(a);
        k.push('.');
        k.push_str(b);
        k.push('.');
        k.push_str(c);
        m.get(k.as_str()).copied().flatten()
    })
}

/// Value of a 三 cell for R1/R2: the cell, or for a blank 总计 the sum of its
/// six applicant cells when all are given.
fn s3_value(m: &Metrics, row: &str, col: usize) -> Option<f64> {
    let v = get3(m, "s3", row, S3_COLUMNS[col]);
    if v.is_some() || col != 6 {
        return v;
    }
    let mut sum = 0.0;
    for c in &S3_COLUMNS[..6] {
        sum += get3(m, "s3", row, c)?;
    }
    Some(sum)
}

fn sum(values: impl IntoIterator<Item = Option<f64>>) -> Option<f64> {
    values.into_iter().try_fold(0.0, |a, v| Some(a + v?))
}

fn check(rule: &str, column: String, expected: Option<f64>, actual: Option<f64>) -> Check {
    let status = match (expected, actual) {
        (Some(e), Some(a)) if (e - a).abs() < 1e-6 => CheckStatus::Pass,
        (Some(_), Some(_)) => CheckStatus::Fail,
        _ => CheckStatus::NotCheckable,
    };
    Check {
        rule: rule.to_string(),
        column,
        status,
        expected: expected.map(Num),
        actual: actual.map(Num),
        severity: None,
        evidence: None,
        paragraph: None,
        blanks_as_zero: false,
    }
}

/// R8 (template.md §6, a heuristic reported as a warning): in the 2019 二
/// table, 对外公开总数量 (`actual`) ≥ 本年新公开数量 (`expected`), for 规章 and
/// 规范性文件 (`column` is the item). Nothing for 2021 reports or without a 二 table.
pub fn run_r8(m: &Metrics, t: Template, s2: bool) -> Vec<Check> {
    if t != Template::V2019 || !s2 {
        return Vec::new();
    }
    ["regulation", "normative"]
        .into_iter()
        .map(|item| {
            let new = get3(m, "s2", item, "published_new");
            let total = get3(m, "s2", item, "in_force_or_total");
            let status = match (new, total) {
                (Some(n), Some(tot)) if tot + 1e-6 >= n => CheckStatus::Pass,
                (Some(_), Some(_)) => CheckStatus::Fail,
                _ => CheckStatus::NotCheckable,
            };
            Check {
                rule: "R8".to_string(),
                column: item.to_string(),
                status,
                expected: new.map(Num),
                actual: total.map(Num),
                severity: Some(Severity::Warning),
                evidence: None,
                paragraph: None,
                blanks_as_zero: false,
            }
        })
        .collect()
}

/// Run R1–R5 on the metrics of a report. `group_rows` are 三 group rows that
/// carried their own values (for R4). `s3`/`s4` say whether those tables exist.
pub fn run(
    m: &Metrics,
    t: Template,
    s3: bool,
    s4: bool,
    group_rows: &[(String, [Option<f64>; 7])],
) -> Vec<Check> {
    let mut out = Vec::new();
    if s3 {
        for (col, name) in S3_COLUMNS.iter().enumerate() {
            let v = |row: &str| s3_value(m, row, col);
            let expected = sum([v("new_received"), v("carried_over")]);
            let actual = sum([v("total_processed"), v("carried_forward")]);
            out.push(check("R1", name.to_string(), expected, actual));
        }
        for (col, name) in S3_COLUMNS.iter().enumerate() {
            let parts: Vec<Option<f64>> = s3_rows(t)
                .into_iter()
                .filter(|r| {
                    !matches!(
                        *r,
                        "new_received" | "carried_over" | "total_processed" | "carried_forward"
                    )
                })
                .map(|r| s3_value(m, r, col))
                .collect();
            out.push(check(
                "R2",
                name.to_string(),
                sum(parts),
                s3_value(m, "total_processed", col),
            ));
        }
        for row in s3_rows(t) {
            let parts = S3_COLUMNS[..6].iter().map(|c| get3(m, "s3", row, c));
            out.push(check(
                "R3",
                row.to_string(),
                sum(parts),
                get3(m, "s3", row, "total"),
            ));
        }
        for (group, values) in group_rows {
            let members = group_members(t, group);
            if members.is_empty() {
                continue;
            }
            for (col, name) in S3_COLUMNS.iter().enumerate() {
                let parts = members.iter().map(|r| get3(m, "s3", r, name));
                out.push(check(
                    "R4",
                    format!("{group}.{name}"),
                    sum(parts),
                    values[col],
                ));
            }
        }
    }
    if s4 {
        for g in ["review", "suit_direct", "suit_after_review"] {
            let parts = ["upheld", "corrected", "other", "pending"]
                .iter()
                .map(|r| get3(m, "s4", g, r));
            out.push(check(
                "R5",
                g.to_string(),
                sum(parts),
                get3(m, "s4", g, "total"),
            ));
        }
    }
    out
}

/// Run `checks` on `m`, and for each check it leaves `not_checkable`, take
/// its outcome on a copy of `m` where the `blanks` keys (cells read blank or
/// as a placeholder, in tables holding numbers) count as 0, marked
/// `blanks_as_zero`. A blank 三 总计 whose row has an applicant value stays
/// blank in the copy: R1/R2 derive it from its row (never 0 against a
/// non-zero row). `derive` recomputes the derived keys (group totals, 法人
/// subtotals) of that copy. `checks` must return the same checks in the same
/// order for any metrics.
pub fn with_blanks_as_zero(
    m: &Metrics,
    blanks: &[&'static str],
    derive: impl Fn(&mut Metrics),
    checks: impl Fn(&Metrics) -> Vec<Check>,
) -> Vec<Check> {
    let mut out = checks(m);
    if blanks.is_empty() || out.iter().all(|c| c.status != CheckStatus::NotCheckable) {
        return out;
    }
    let mut zeroed = m.clone();
    for &k in blanks {
        if let Some(row) = k.strip_prefix("s3.").and_then(|r| r.strip_suffix(".total")) {
            if S3_COLUMNS[..6]
                .iter()
                .any(|c| get3(m, "s3", row, c).is_some())
            {
                continue;
            }
        }
        zeroed.insert(Cow::Borrowed(k), Some(0.0));
    }
    derive(&mut zeroed);
    let alt = checks(&zeroed);
    for (c, a) in out.iter_mut().zip(alt) {
        if c.status == CheckStatus::NotCheckable && a.status != CheckStatus::NotCheckable {
            *c = Check {
                blanks_as_zero: true,
                ..a
            };
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_per_version() {
        assert_eq!(s3_rows(Template::V2019).len(), 23);
        assert_eq!(s3_rows(Template::V2021).len(), 25);
        assert_eq!(group_members(Template::V2019, "denied").len(), 8);
        assert_eq!(group_members(Template::V2021, "other").len(), 3);
        assert!(group_members(Template::V2019, "other").is_empty());
    }
}
