//! `--format csv`: one row per agency and metric, years as columns, then the
//! change columns.
//!
//! Columns: `agency, agency_key, key, label, unit, <year>…, change_<year>…,
//! pct_<year>…, flagged_years`. A value cell is a number, empty when the report
//! left it blank, or `NA` when the key does not exist in that year's template
//! version (absent, not 0). With `--all` the year columns are the union of all
//! agencies' years.

use super::model::Comparison;
use super::{fmt_num, CompareError};
use std::collections::BTreeSet;

/// Written for a key absent from that year's template version.
pub const ABSENT: &str = "NA";

/// Render comparisons as CSV.
pub fn render(comps: &[Comparison]) -> Result<String, CompareError> {
    let years: BTreeSet<i32> = comps.iter().flat_map(|c| c.years.iter().copied()).collect();
    let years: Vec<i32> = years.into_iter().collect();
    let mut w = csv::Writer::from_writer(Vec::new());
    let err = |e: csv::Error| CompareError::Output(e.to_string());
    let mut header: Vec<String> = ["agency", "agency_key", "key", "label", "unit"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    header.extend(years.iter().map(|y| y.to_string()));
    header.extend(years.iter().skip(1).map(|y| format!("change_{y}")));
    header.extend(years.iter().skip(1).map(|y| format!("pct_{y}")));
    header.push("flagged_years".into());
    w.write_record(&header).map_err(err)?;
    for c in comps {
        for r in &c.rows {
            let mut rec = vec![
                c.agency.clone(),
                c.agency_key.clone(),
                r.key.clone(),
                r.label.clone(),
                r.unit.clone().unwrap_or_default(),
            ];
            for y in &years {
                let ys = y.to_string();
                rec.push(if !c.years.contains(y) {
                    String::new()
                } else if r.absent.contains(y) {
                    ABSENT.to_string()
                } else {
                    r.values
                        .get(&ys)
                        .copied()
                        .flatten()
                        .map(fmt_num)
                        .unwrap_or_default()
                });
            }
            let change = |y: &i32| r.changes.get(&y.to_string()).copied().flatten();
            for y in years.iter().skip(1) {
                rec.push(change(y).map(|c| fmt_num(c.abs)).unwrap_or_default());
            }
            for y in years.iter().skip(1) {
                rec.push(
                    change(y)
                        .and_then(|c| c.pct)
                        .map(|p| format!("{p:.2}"))
                        .unwrap_or_default(),
                );
            }
            let flagged: Vec<String> = r.flagged.iter().map(|y| y.to_string()).collect();
            rec.push(flagged.join(";"));
            w.write_record(&rec).map_err(err)?;
        }
    }
    let bytes = w
        .into_inner()
        .map_err(|e| CompareError::Output(e.to_string()))?;
    String::from_utf8(bytes).map_err(|e| CompareError::Output(e.to_string()))
}
