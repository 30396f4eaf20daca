//! Cross-year consistency checks of one agency (template.md §6):
//!
//! - **R6** (warning): `二、上年结转` of year N equals `四、结转下年度继续办理` of
//!   year N−1, for each of the 7 columns of the section 三 table. Holds across
//!   the 2020→2021 template change. Checked only for consecutive years.
//! - **R7** (soft warning): in 2021-format section 二, 现行有效件数(N) =
//!   现行有效件数(N−1) + 本年制发件数(N) − 本年废止件数(N), for 规章 and
//!   行政规范性文件. Checked only when both years use the 2021 template (the 2019
//!   cumulative total is a different quantity). Amendments break it, so it is
//!   never an error.
//!
//! A year with several reports (a conflict) whose values differ makes its
//! checks `not_checkable`: the index does not choose between the reports. When
//! the reports agree on every value (the same report in two formats), the
//! checks run on those values and say so in `note`.

use super::{AgencyYear, CheckStatus, CrossCheck, Severity};

/// Column keys of the section 三 table (the report profile's).
pub use crate::profile::tables::S3_COLUMNS;

/// Equality tolerance for counts read as floating point.
const EPS: f64 = 1e-6;

fn value(y: &AgencyYear, key: &str) -> Option<f64> {
    y.reports
        .first()
        .and_then(|r| r.metrics.get(key).copied().flatten())
}

fn status(expected: Option<f64>, actual: Option<f64>) -> CheckStatus {
    match (expected, actual) {
        (Some(e), Some(a)) if (e - a).abs() < EPS => CheckStatus::Pass,
        (Some(_), Some(_)) => CheckStatus::Fail,
        _ => CheckStatus::NotCheckable,
    }
}

/// Run R6 and R7 over an agency's years (sorted by year).
pub fn cross_checks(years: &[AgencyYear]) -> Vec<CrossCheck> {
    let mut out = Vec::new();
    for pair in years.windows(2) {
        let (prev, cur) = (&pair[0], &pair[1]);
        if cur.year != prev.year + 1 {
            continue;
        }
        let differ = |y: &AgencyYear| y.conflict && y.values_agree != Some(true);
        let conflict = differ(prev) || differ(cur);
        let note = if conflict {
            let y = if differ(cur) { cur.year } else { prev.year };
            Some(format!(
                "several reports with different values for {y}: not checked"
            ))
        } else if prev.conflict || cur.conflict {
            let y = if cur.conflict { cur.year } else { prev.year };
            Some(format!("several reports with identical values for {y}"))
        } else {
            None
        };
        for col in S3_COLUMNS {
            let (expected, actual) = if conflict {
                (None, None)
            } else {
                (
                    value(prev, &format!("s3.carried_forward.{col}")),
                    value(cur, &format!("s3.carried_over.{col}")),
                )
            };
            out.push(CrossCheck {
                rule: "R6".into(),
                year: cur.year,
                prev_year: prev.year,
                column: col.into(),
                status: status(expected, actual),
                severity: Severity::Warning,
                expected,
                actual,
                note: note.clone(),
            });
        }
        let both_2021 = [prev, cur].iter().all(|y| {
            y.reports
                .first()
                .and_then(|r| r.template.as_deref())
                .is_some_and(|t| t == "2021")
        });
        if !both_2021 {
            continue;
        }
        for item in ["regulation", "normative"] {
            let (expected, actual) = if conflict {
                (None, None)
            } else {
                let prev_in_force = value(prev, &format!("s2.{item}.in_force_or_total"));
                let issued = value(cur, &format!("s2.{item}.issued"));
                let repealed = value(cur, &format!("s2.{item}.repealed"));
                let expected = match (prev_in_force, issued, repealed) {
                    (Some(p), Some(i), Some(r)) => Some(p + i - r),
                    _ => None,
                };
                (
                    expected,
                    value(cur, &format!("s2.{item}.in_force_or_total")),
                )
            };
            out.push(CrossCheck {
                rule: "R7".into(),
                year: cur.year,
                prev_year: prev.year,
                column: item.into(),
                status: status(expected, actual),
                severity: Severity::SoftWarning,
                expected,
                actual,
                note: note.clone(),
            });
        }
    }
    out
}
