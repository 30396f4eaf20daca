//! `reportdex compare` (issue 5): an agency's years side by side — metrics as
//! rows with Chinese labels, years as columns, the change from the previous
//! year, failed checks marked, and the text similarity between years — as a
//! terminal table, CSV, JSON (`schemas/compare.schema.json`) or one
//! self-contained HTML page; every agency in HTML is a static site
//! ([`site`]: an index page and one page per agency, written as it goes).
//!
//! [`run`] selects the agency ([`find_agency`]: any name form or a unique
//! fragment), builds a [`model::Comparison`] from the [`Index`] and renders it.
//! Version-only keys (template.md §7.2) are shown as *absent* for the years of
//! the other template version, never as 0.

pub mod catalog;
pub mod csvfmt;
pub mod html;
pub mod model;
pub mod site;
pub mod table;

use crate::index::names::normalize_agency;
use crate::index::{Agency, CheckStatus, Index, Severity};
use model::{
    Change, CheckCounts, CheckRow, CompareJson, Comparison, ComparisonSet, Conflict, ProseNote,
    ReportRef, Row, SectionFigures, Series, YearSimilarity,
};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use thiserror::Error;

/// Metrics shown when no `--metrics` pattern is given: all of section 二, the
/// row totals of section 三, all of section 四.
pub const DEFAULT_METRICS: &str = "s2.*,s3.new_received.total,s3.carried_over.total,\
s3.granted.total,s3.partial.total,s3.denied.total.total,s3.unable.total.total,\
s3.not_processed.total.total,s3.other.total.total,s3.total_processed.total,\
s3.carried_forward.total,s4.*";

/// Titles of the standard sections (index 0: the whole document).
pub const SECTION_TITLES: [&str; 7] = {
    let t = crate::profile::sections::STANDARD_TITLES;
    ["全文", t[0], t[1], t[2], t[3], t[4], t[5]]
};

/// Headline metrics charted per agency: (caption, keys summed).
pub const HEADLINE: [(&str, &[&str]); 5] = [
    ("收到申请", &["s3.new_received.total"]),
    ("予以公开", &["s3.granted.total"]),
    ("不予公开", &["s3.denied.total.total"]),
    ("行政复议", &["s4.review.total"]),
    (
        "行政诉讼",
        &["s4.suit_direct.total", "s4.suit_after_review.total"],
    ),
];

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    /// Aligned terminal table (CJK double-width aware).
    #[default]
    Table,
    /// CSV, years as columns.
    Csv,
    /// JSON (`schemas/compare.schema.json`).
    Json,
    /// One self-contained HTML page.
    Html,
}

/// What to compare and how to show it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CompareOptions {
    /// Agency: any name form or a unique fragment of one.
    pub agency: Option<String>,
    /// Every agency (`--all`).
    pub all: bool,
    /// Inclusive year range.
    pub years: Option<(i32, i32)>,
    /// Metric pattern(s), comma-separated: globs (`s3.*.total`, `*` and `?`),
    /// or substrings when without wildcards; `all` for every metric. Default
    /// [`DEFAULT_METRICS`].
    pub metrics: Option<String>,
    /// Output format.
    pub format: Format,
}

/// Why a comparison could not be made.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum CompareError {
    /// No agency matches the name.
    #[error(
        "no agency matches {query:?}{}",
        candidates_text(candidates, "; similar names")
    )]
    UnknownAgency {
        /// The name given.
        query: String,
        /// Keys of agencies with similar names.
        candidates: Vec<String>,
    },
    /// Several agencies match the name.
    #[error("{query:?} matches {} agencies{}", candidates.len(), candidates_text(candidates, ""))]
    AmbiguousAgency {
        /// The name given.
        query: String,
        /// Keys of the matching agencies.
        candidates: Vec<String>,
    },
    /// Neither `--agency` nor `--all`.
    #[error("name an agency (--agency NAME) or use --all")]
    NoAgency,
    /// The index has no agencies.
    #[error("the index has no agencies")]
    EmptyIndex,
    /// A `--years` value that is not `YYYY` or `YYYY-YYYY`.
    #[error("invalid year range {0:?}: expected YYYY or YYYY-YYYY")]
    BadYears(String),
    /// The metric pattern matches no known metric.
    #[error("no metric matches {0:?}")]
    NoMetrics(String),
    /// The agency has no report in the requested years.
    #[error("{agency} has no report in {from}–{to} (years with reports: {available})")]
    NoYears {
        /// The agency.
        agency: String,
        /// First requested year.
        from: i32,
        /// Last requested year.
        to: i32,
        /// Years with reports, comma-separated.
        available: String,
    },
    /// Output could not be produced.
    #[error("output: {0}")]
    Output(String),
    /// The index could not be read.
    #[error(transparent)]
    Index(#[from] crate::index::IndexError),
    /// A page of the `--all --format html` site could not be written.
    #[error("writing {}: {source}", path.display())]
    Write {
        /// The file or directory.
        path: std::path::PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

fn candidates_text(c: &[String], prefix: &str) -> String {
    if c.is_empty() {
        return String::new();
    }
    let shown: Vec<&str> = c.iter().take(20).map(String::as_str).collect();
    let more = if c.len() > 20 {
        format!(" … and {} more", c.len() - 20)
    } else {
        String::new()
    };
    format!("{prefix}: {}{more}", shown.join(", "))
}

impl CompareError {
    /// Process exit code: 1 for an unknown or ambiguous agency, 2 otherwise.
    pub fn exit_code(&self) -> i32 {
        match self {
            CompareError::UnknownAgency { .. } | CompareError::AmbiguousAgency { .. } => 1,
            _ => 2,
        }
    }

    /// Candidate agency names, for listing on stderr.
    pub fn candidates(&self) -> &[String] {
        match self {
            CompareError::UnknownAgency { candidates, .. }
            | CompareError::AmbiguousAgency { candidates, .. } => candidates,
            _ => &[],
        }
    }
}

/// Parse `YYYY` or `YYYY-YYYY` (either order).
pub fn parse_years(s: &str) -> Result<(i32, i32), CompareError> {
    let bad = || CompareError::BadYears(s.to_string());
    let year = |t: &str| -> Result<i32, CompareError> {
        let t = t.trim();
        if t.len() != 4 {
            return Err(bad());
        }
        t.parse().map_err(|_| bad())
    };
    match s.split_once(['-', ':', '–']) {
        Some((a, b)) => {
            let (a, b) = (year(a)?, year(b)?);
            Ok((a.min(b), a.max(b)))
        }
        None => {
            let y = year(s)?;
            Ok((y, y))
        }
    }
}

/// Find the agency a name designates. The normalized name is tried against,
/// in order: each agency's key and matched report names (equal), the other
/// name forms its reports mention (equal), the key and matched names
/// (containing it), the other forms (containing it). The first step with any
/// match decides; exactly one agency must match there.
pub fn find_agency<'a>(index: &'a Index, query: &str) -> Result<&'a Agency, CompareError> {
    let q = normalize_agency(query);
    if index.agencies.is_empty() {
        return Err(CompareError::EmptyIndex);
    }
    if q.is_empty() {
        return Err(CompareError::UnknownAgency {
            query: query.to_string(),
            candidates: Vec::new(),
        });
    }
    // The names an agency is known by: its own (key and the report names
    // matched to it), then every other form its reports mention.
    let own = |a: &Agency| -> Vec<String> {
        std::iter::once(a.key.clone())
            .chain(a.matched.iter().map(|m| m.name.clone()))
            .collect()
    };
    let mentioned =
        |a: &Agency| -> Vec<String> { a.forms.iter().map(|f| normalize_agency(f)).collect() };
    // Tiers, first non-empty wins: own name equal, a form equal, own name
    // contains the query, a form contains it.
    let mut hits: Vec<&Agency> = Vec::new();
    for tier in 0..4 {
        hits = index
            .agencies
            .iter()
            .filter(|a| {
                let names = if tier % 2 == 0 { own(a) } else { mentioned(a) };
                if tier < 2 {
                    names.contains(&q)
                } else {
                    names.iter().any(|n| n.contains(&q))
                }
            })
            .collect();
        if !hits.is_empty() {
            break;
        }
    }
    match hits.as_slice() {
        [one] => Ok(one),
        [] => Err(CompareError::UnknownAgency {
            query: query.to_string(),
            candidates: similar_names(index, &q),
        }),
        many => Err(CompareError::AmbiguousAgency {
            query: query.to_string(),
            candidates: many.iter().map(|a| a.key.clone()).collect(),
        }),
    }
}

/// Up to 5 agency keys sharing the most character bigrams with `q`.
fn similar_names(index: &Index, q: &str) -> Vec<String> {
    let grams = |s: &str| -> BTreeSet<(char, char)> {
        let c: Vec<char> = s.chars().collect();
        c.windows(2).map(|w| (w[0], w[1])).collect()
    };
    let qg = grams(q);
    let mut scored: Vec<(usize, &str)> = index
        .agencies
        .iter()
        .map(|a| (grams(&a.key).intersection(&qg).count(), a.key.as_str()))
        .filter(|(s, _)| *s > 0)
        .collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
    scored
        .into_iter()
        .take(5)
        .map(|(_, n)| n.to_string())
        .collect()
}

/// A compiled `--metrics` pattern list.
#[derive(Debug, Clone)]
pub struct MetricFilter {
    patterns: Vec<String>,
    all: bool,
}

impl MetricFilter {
    /// Compile a comma-separated pattern list (`None`: [`DEFAULT_METRICS`]).
    pub fn new(spec: Option<&str>) -> Self {
        let spec = spec.unwrap_or(DEFAULT_METRICS);
        let patterns: Vec<String> = spec
            .split(',')
            .map(|p| p.trim().to_string())
            .filter(|p| !p.is_empty())
            .collect();
        let all = patterns.is_empty() || patterns.iter().any(|p| p == "all" || p == "*");
        Self { patterns, all }
    }

    /// Does a key match?
    pub fn matches(&self, key: &str) -> bool {
        self.all
            || self.patterns.iter().any(|p| {
                if p.contains(['*', '?']) {
                    glob(p.as_bytes(), key.as_bytes())
                } else {
                    key.contains(p.as_str())
                }
            })
    }
}

/// Glob match with `*` (any run, dots included) and `?` (one byte), iterative
/// with one backtrack point: linear in practice, never exponential.
fn glob(p: &[u8], s: &[u8]) -> bool {
    let (mut pi, mut si) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while si < s.len() {
        if pi < p.len() && (p[pi] == b'?' || p[pi] == s[si]) {
            pi += 1;
            si += 1;
        } else if pi < p.len() && p[pi] == b'*' {
            star = Some((pi, si));
            pi += 1;
        } else if let Some((sp, ss)) = star {
            pi = sp + 1;
            si = ss + 1;
            star = Some((sp, ss + 1));
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == b'*' {
        pi += 1;
    }
    pi == p.len()
}

/// Keys a failed check involves (for marking cells).
fn check_keys(rule: &str, column: Option<&str>) -> Vec<String> {
    let Some(c) = column else {
        return Vec::new();
    };
    match rule {
        "R1" => [
            "new_received",
            "carried_over",
            "total_processed",
            "carried_forward",
        ]
        .iter()
        .map(|r| format!("s3.{r}.{c}"))
        .collect(),
        "R2" => vec![format!("s3.total_processed.{c}")],
        "R3" => vec![format!("s3.{c}.total")],
        // R4: `<group>.<column>` → the group's derived subtotal.
        "R4" => match c.rsplit_once('.') {
            Some((group, col)) => vec![format!("s3.{group}.total.{col}")],
            None => Vec::new(),
        },
        "R5" => vec![format!("s4.{c}.total")],
        "R6" => vec![format!("s3.carried_over.{c}")],
        "R7" => vec![format!("s2.{c}.in_force_or_total")],
        // Prose checks: the key stated, or each part of a sum `a+b`.
        r if is_prose_rule(r) => c.split('+').map(str::to_string).collect(),
        _ => Vec::new(),
    }
}

/// Whether a rule id is a prose check (`P1`…).
pub fn is_prose_rule(rule: &str) -> bool {
    rule.strip_prefix('P')
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

fn status_str(s: CheckStatus) -> &'static str {
    match s {
        CheckStatus::Pass => "pass",
        CheckStatus::Fail => "fail",
        CheckStatus::NotCheckable => "not_checkable",
    }
}

/// Build the comparison of one agency.
pub fn comparison(agency: &Agency, years: Option<(i32, i32)>, filter: &MetricFilter) -> Comparison {
    let cat = catalog::Catalog::get();
    let in_range = |y: i32| years.is_none_or(|(a, b)| (a..=b).contains(&y));
    let sel: Vec<&crate::index::AgencyYear> =
        agency.years.iter().filter(|y| in_range(y.year)).collect();
    let year_list: Vec<i32> = sel.iter().map(|y| y.year).collect();
    let ys = |y: i32| y.to_string();

    // Failed checks → flagged cells.
    let mut flags: BTreeMap<String, BTreeSet<i32>> = BTreeMap::new();
    let mut prose: BTreeMap<String, BTreeMap<String, ProseNote>> = BTreeMap::new();
    let mut checks = Vec::new();
    let mut check_summary = BTreeMap::new();
    for y in &sel {
        let Some(r) = y.reports.first() else { continue };
        check_summary.insert(
            ys(y.year),
            CheckCounts {
                pass: r.checks.pass,
                fail: r.checks.fail,
                not_checkable: r.checks.not_checkable,
            },
        );
        for c in &r.checks.failed {
            for k in check_keys(&c.rule, c.column.as_deref()) {
                flags.entry(k.clone()).or_default().insert(y.year);
                if let (true, Some(sentence)) = (is_prose_rule(&c.rule), &c.evidence) {
                    prose
                        .entry(k)
                        .or_default()
                        .entry(ys(y.year))
                        .or_insert(ProseNote {
                            rule: c.rule.clone(),
                            key: c.column.clone().unwrap_or_default(),
                            value: c.actual,
                            sentence: sentence.clone(),
                        });
                }
            }
            checks.push(CheckRow {
                year: y.year,
                prev_year: None,
                rule: c.rule.clone(),
                column: c.column.clone(),
                status: "fail".into(),
                severity: "error".into(),
                expected: c.expected,
                actual: c.actual,
                note: None,
                evidence: c.evidence.clone(),
            });
        }
    }
    for c in &agency.cross_checks {
        if !in_range(c.year) || !in_range(c.prev_year) {
            continue;
        }
        if c.status == CheckStatus::Fail {
            for k in check_keys(&c.rule, Some(&c.column)) {
                flags.entry(k).or_default().insert(c.year);
            }
        }
        checks.push(CheckRow {
            year: c.year,
            prev_year: Some(c.prev_year),
            rule: c.rule.clone(),
            column: Some(c.column.clone()),
            status: status_str(c.status).into(),
            severity: match c.severity {
                Severity::Warning => "warning",
                Severity::SoftWarning => "soft_warning",
            }
            .into(),
            expected: c.expected,
            actual: c.actual,
            note: c.note.clone(),
            evidence: None,
        });
    }
    checks.sort_by(|a, b| {
        (a.year, &a.rule, &a.column)
            .cmp(&(b.year, &b.rule, &b.column))
            .then(a.status.cmp(&b.status))
    });

    // Rows: catalog keys first (table order), then other keys seen.
    let mut seen: BTreeSet<&str> = BTreeSet::new();
    for y in &sel {
        if let Some(r) = y.reports.first() {
            seen.extend(r.metrics.keys().map(String::as_str));
        }
    }
    let mut keys: Vec<&str> = cat
        .display_order()
        .iter()
        .copied()
        .filter(|k| seen.contains(k))
        .collect();
    keys.extend(seen.iter().copied().filter(|k| cat.info(k).is_none()));

    let mut rows = Vec::new();
    for key in keys {
        if !filter.matches(key) {
            continue;
        }
        let mut values = BTreeMap::new();
        let mut absent = Vec::new();
        let mut missing = 0;
        let info = cat.info(key);
        for y in &sel {
            let r = y.reports.first();
            let v = r.and_then(|r| r.metrics.get(key));
            if v.is_none() {
                missing += 1;
                // Absent means "not in this template version". A key the
                // version has but the report lacks (a derived subtotal whose
                // parts are blank) is a blank value instead.
                let in_version = match (info, r.and_then(|r| r.template.as_deref())) {
                    (Some(i), Some(t)) => i.in_template(t),
                    _ => false,
                };
                if !in_version {
                    absent.push(y.year);
                }
            }
            values.insert(ys(y.year), v.copied().flatten());
        }
        if missing == sel.len() {
            continue;
        }
        let mut changes = BTreeMap::new();
        for w in year_list.windows(2) {
            let (a, b) = (values[&ys(w[0])], values[&ys(w[1])]);
            let change = match (a, b) {
                (Some(a), Some(b)) => Some(Change {
                    from_year: w[0],
                    abs: round6(b - a),
                    pct: (a != 0.0).then(|| round6((b - a) / a * 100.0)),
                }),
                _ => None,
            };
            changes.insert(ys(w[1]), change);
        }
        let info = cat.info(key);
        rows.push(Row {
            key: key.to_string(),
            label: info
                .map(|i| i.label.to_string())
                .unwrap_or_else(|| key.to_string()),
            unit: info.map(|i| i.entry.unit.clone()).filter(|u| !u.is_empty()),
            values,
            changes,
            absent,
            flagged: flags
                .get(key)
                .map(|s| s.iter().copied().collect())
                .unwrap_or_default(),
            prose: prose.get(key).cloned().unwrap_or_default(),
        });
    }

    let headline = HEADLINE
        .iter()
        .map(|(label, parts)| {
            let values = sel
                .iter()
                .map(|y| {
                    let r = y.reports.first();
                    let v = parts.iter().try_fold(0.0, |acc, k| {
                        r.and_then(|r| r.metrics.get(k).copied().flatten())
                            .map(|x| acc + x)
                    });
                    (ys(y.year), v)
                })
                .collect();
            Series {
                key: parts.join("+"),
                label: (*label).to_string(),
                values,
            }
        })
        .collect();

    let mut text_similarity = BTreeMap::new();
    for t in &agency.text_similarity {
        if !in_range(t.year) || !in_range(t.prev_year) {
            continue;
        }
        let sections = t
            .sections
            .iter()
            .map(|s| {
                let name = if s.section == 0 {
                    "all".to_string()
                } else {
                    s.section.to_string()
                };
                let title = SECTION_TITLES
                    .get(usize::from(s.section))
                    .copied()
                    .unwrap_or("")
                    .to_string();
                (
                    name,
                    SectionFigures {
                        title,
                        sentence_reuse: s.sentence_reuse,
                        ngram_reuse: s.ngram_reuse,
                        sentences: s.sentences,
                        sentences_reused: s.sentences_reused,
                    },
                )
            })
            .collect();
        text_similarity.insert(
            ys(t.year),
            YearSimilarity {
                prev_year: t.prev_year,
                sections,
            },
        );
    }

    Comparison {
        agency: agency.name.clone(),
        agency_key: agency.key.clone(),
        agency_forms: agency.forms.clone(),
        years: year_list,
        reports: sel
            .iter()
            .map(|y| {
                (
                    ys(y.year),
                    y.reports
                        .iter()
                        .map(|r| ReportRef {
                            path: r.path.clone(),
                            json: r.json.clone(),
                            template: r.template.clone(),
                        })
                        .collect(),
                )
            })
            .collect(),
        conflicts: sel
            .iter()
            .filter(|y| y.conflict)
            .map(|y| Conflict {
                year: y.year,
                reports: y.reports.len(),
                values_agree: y.values_agree == Some(true),
                differing: y.differing.clone(),
            })
            .collect(),
        rows,
        headline,
        checks,
        check_summary,
        text_similarity,
    }
}

fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

/// `NoMetrics` when `opts.metrics` matches no metric of the catalog or the index.
fn check_metrics(
    index: &Index,
    opts: &CompareOptions,
    filter: &MetricFilter,
) -> Result<(), CompareError> {
    if let Some(spec) = &opts.metrics {
        let known = catalog_has_metric(filter)
            || index.agencies.iter().any(|a| agency_has_metric(a, filter));
        if !known {
            return Err(CompareError::NoMetrics(spec.clone()));
        }
    }
    Ok(())
}

/// Does the filter match a metric of the catalog?
fn catalog_has_metric(filter: &MetricFilter) -> bool {
    catalog::Catalog::get()
        .metrics
        .iter()
        .any(|m| filter.matches(&m.entry.key))
}

/// Does the filter match a metric of one of the agency's reports?
fn agency_has_metric(a: &Agency, filter: &MetricFilter) -> bool {
    a.years.iter().any(|y| {
        y.reports
            .iter()
            .any(|r| r.metrics.keys().any(|k| filter.matches(k)))
    })
}

/// Select agencies and build their comparisons.
pub fn comparisons(index: &Index, opts: &CompareOptions) -> Result<Vec<Comparison>, CompareError> {
    let filter = MetricFilter::new(opts.metrics.as_deref());
    check_metrics(index, opts, &filter)?;
    let agencies: Vec<&Agency> = if opts.all {
        if index.agencies.is_empty() {
            return Err(CompareError::EmptyIndex);
        }
        index.agencies.iter().collect()
    } else {
        let q = opts.agency.as_deref().ok_or(CompareError::NoAgency)?;
        let a = find_agency(index, q)?;
        if let Some((from, to)) = opts.years {
            if !a.years.iter().any(|y| (from..=to).contains(&y.year)) {
                let available: Vec<String> = a.years.iter().map(|y| y.year.to_string()).collect();
                return Err(CompareError::NoYears {
                    agency: a.key.clone(),
                    from,
                    to,
                    available: available.join(", "),
                });
            }
        }
        vec![a]
    };
    Ok(agencies
        .par_iter()
        .map(|a| comparison(a, opts.years, &filter))
        .collect())
}

/// Compare as asked and render in the chosen format.
pub fn run(index: &Index, opts: &CompareOptions) -> Result<String, CompareError> {
    let comps = comparisons(index, opts)?;
    match opts.format {
        Format::Table => Ok(table::render(&comps)),
        Format::Csv => csvfmt::render(&comps),
        Format::Json => {
            let doc = if opts.all {
                CompareJson::All(ComparisonSet { agencies: comps })
            } else {
                match comps.into_iter().next() {
                    Some(c) => CompareJson::One(Box::new(c)),
                    None => return Err(CompareError::EmptyIndex),
                }
            };
            let mut s = serde_json::to_string_pretty(&doc)
                .map_err(|e| CompareError::Output(e.to_string()))?;
            s.push('\n');
            Ok(s)
        }
        Format::Html => Ok(html::render(&comps, opts.all)),
    }
}

/// Format a number: integers without decimals, others with up to 4.
pub fn fmt_num(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        let s = format!("{x:.4}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// Format a change: `+3 (+25.0%)`, `-2 (-10.0%)`, `+3` when the base is 0.
pub fn fmt_change(c: &Change) -> String {
    let sign = if c.abs > 0.0 { "+" } else { "" };
    match c.pct {
        Some(p) => format!(
            "{sign}{} ({}{p:.1}%)",
            fmt_num(c.abs),
            if p > 0.0 { "+" } else { "" }
        ),
        None => format!("{sign}{}", fmt_num(c.abs)),
    }
}

/// Format a share 0–1 as a percentage.
pub fn fmt_pct(x: Option<f64>) -> String {
    x.map(|v| format!("{:.0}%", v * 100.0))
        .unwrap_or_else(|| "–".into())
}

#[cfg(test)]
mod tests;
