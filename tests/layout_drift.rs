//! Reports as agencies print them (issue 12 §1, §2), on the generated samples:
//!
//! * `suyu_minzheng_2020|2021` (2019 and 2021 templates): table labels with
//!   every kind of drift (punctuation inside, item markers, half-width
//!   brackets, unit suffixes, 或者, stray spaces, traditional script, pinyin
//!   annotations, a label without its key phrase): every metric as generated,
//!   and each source says how its label matched;
//! * `linzi_shenji_2020|2021`: zeros printed as `—` and as blank cells, each
//!   with one planted arithmetic error: the planted checks fail (counting
//!   blanks as 0, and saying so), nothing else fails, and no check is left
//!   `not_checkable`; the metrics of blank cells stay null.
//!
//! Each in DOCX and ODT. Values come from `samples/expected/<file>.json`.

mod support;

use reportdex::convert::{convert_file, ConvertOptions};
use reportdex::profile::{CheckStatus, MatchHow, Report};
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::path::PathBuf;

fn sample(name: &str) -> PathBuf {
    support::root().join("samples").join(name)
}

fn expected(name: &str) -> Value {
    let p = support::root()
        .join("samples/expected")
        .join(format!("{name}.json"));
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

fn report(name: &str) -> Report {
    let out = convert_file(&sample(name), name, &ConvertOptions::default())
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    out.report
        .unwrap_or_else(|| panic!("{name}: no report object"))
}

/// Every expected metric, exactly (null for blank cells).
fn assert_metrics(name: &str, r: &Report, e: &Value) {
    let want = e["metrics"].as_object().unwrap();
    let mut diffs = Vec::new();
    for (k, v) in want {
        let got = r
            .metrics
            .get(k)
            .map(|x| json!(x))
            .unwrap_or(json!("<absent>"));
        if &got != v {
            diffs.push(format!("{k}: got {got}, want {v}"));
        }
    }
    assert!(diffs.is_empty(), "{name}:\n{}", diffs.join("\n"));
}

fn failing(r: &Report) -> BTreeSet<(String, String)> {
    r.checks
        .iter()
        .filter(|c| c.status == CheckStatus::Fail)
        .map(|c| (c.rule.clone(), c.column.clone()))
        .collect()
}

fn want_failing(e: &Value) -> BTreeSet<(String, String)> {
    e["failing_checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["rule"].as_str().unwrap().to_string(),
                c["column"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

const FORMATS: [&str; 2] = ["docx", "odt"];

#[test]
fn drifted_labels_give_every_metric_and_say_how_they_matched() {
    for year in [2020, 2021] {
        for fmt in FORMATS {
            let name = format!("suyu_minzheng_{year}.{fmt}");
            let r = report(&name);
            let e = expected(&name);
            assert_eq!(json!(r.template), e["template"], "{name}");
            assert_metrics(&name, &r, &e);
            assert_eq!(failing(&r), want_failing(&e), "{name}");
            // No row lost to extra_rows.
            assert!(
                !r.extra_rows.iter().any(|x| x.table == "s3"),
                "{name}: {:?}",
                r.extra_rows
            );
            let src = |k: &str| {
                r.metric_sources
                    .get(k)
                    .unwrap_or_else(|| panic!("{name}: no source for {k}"))
            };
            // Every 三 cell records its row label as printed and how it matched.
            for (k, s) in r
                .metric_sources
                .iter()
                .filter(|(k, _)| k.starts_with("s3."))
            {
                assert!(
                    s.label.is_some() && s.matched.is_some(),
                    "{name}: {k}: {s:?}"
                );
            }
            let how = |k: &str| src(k).matched.unwrap().how;
            let label = |k: &str| src(k).label.clone().unwrap();
            // Punctuation inside the label (the row the issue saw lost).
            let k = "s3.not_processed.excessive.total";
            assert_eq!(label(k), "4.无正当理由大量、反复申请", "{name}");
            assert_eq!(how(k), MatchHow::Normalized, "{name}");
            // Unit suffix, 或者: normalized.
            for k in [
                "s3.new_received.natural_person",
                "s3.not_processed.confirm_or_reissue.research",
                "s3.total_processed.total",
            ] {
                assert_eq!(how(k), MatchHow::Normalized, "{name}: {k}");
            }
            // Item markers, half-width brackets, stray ASCII and full-width
            // spaces, traditional script, pinyin: exact.
            for (k, printed) in [
                ("s3.carried_over.total", "二、上年结转 政府信息公开申请数量"),
                (
                    "s3.unable.not_held.commercial",
                    "1. 本机关不掌握\u{3000}相关政府信息",
                ),
                ("s3.denied.state_secret.total", "（1）属于国家秘密"),
                (
                    "s3.denied.law_forbidden.total",
                    "(2)其他法律行政法规禁止公开",
                ),
                ("s3.denied.third_party.total", "4、保护第三方合法权益"),
                (
                    "s3.unable.needs_creation.total",
                    "2.沒有現成信息需要另行制作",
                ),
                (
                    "s3.unable.still_unclear.total",
                    "3.补(bǔ)正后申请内容仍不明(míng)确",
                ),
            ] {
                assert_eq!(label(k), printed, "{name}");
                assert_eq!(how(k), MatchHow::Exact, "{name}: {k}");
            }
            assert_eq!(how("s3.partial.total"), MatchHow::Exact, "{name}");
            // The key phrase without the template's wording: alias.
            assert_eq!(
                how("s3.denied.internal_affairs.total"),
                MatchHow::Alias,
                "{name}"
            );
            // No key phrase at all: the nearest label of its group.
            let m = src("s3.denied.process_info.total").matched.unwrap();
            assert_eq!(m.how, MatchHow::Fuzzy, "{name}");
            assert!(m.score.0 >= 0.5 && m.score.0 < 1.0, "{name}: {m:?}");
            if year == 2021 {
                for k in ["s3.other.no_correction.total", "s3.other.no_fee.total"] {
                    assert_eq!(how(k), MatchHow::Normalized, "{name}: {k}");
                }
            }
            // Section 二: unit suffixes, spaces, markers on the item labels.
            assert_eq!(
                src("s2.regulation.issued").label.as_deref(),
                Some("规章（件）")
            );
            assert_eq!(
                src("s2.regulation.issued").matched.unwrap().how,
                MatchHow::Normalized
            );
        }
    }
}

#[test]
fn blank_zeros_are_zero_in_checks_and_planted_errors_fail() {
    for (year, zero) in [(2020, "—"), (2021, "")] {
        for fmt in FORMATS {
            let name = format!("linzi_shenji_{year}.{fmt}");
            let r = report(&name);
            let e = expected(&name);
            assert_metrics(&name, &r, &e);
            // Blank cells stay null, and there are many of them.
            let blanks: Vec<&String> = r
                .metric_sources
                .iter()
                .filter(|(_, s)| s.raw.trim() == zero)
                .map(|(k, _)| k)
                .collect();
            assert!(blanks.len() > 50, "{name}: {} blanks", blanks.len());
            for k in &blanks {
                assert_eq!(r.metrics[*k], None, "{name}: {k}");
            }
            // Exactly the planted checks fail, and they needed blanks as 0.
            let want = want_failing(&e);
            assert!(!want.is_empty(), "{name}: nothing planted");
            assert_eq!(failing(&r), want, "{name}");
            for c in r.checks.iter().filter(|c| c.status == CheckStatus::Fail) {
                assert!(c.blanks_as_zero, "{name}: {c:?}");
            }
            // Every check could be run: no operand is really missing.
            let nc: Vec<_> = r
                .checks
                .iter()
                .filter(|c| c.status == CheckStatus::NotCheckable)
                .collect();
            assert!(nc.is_empty(), "{name}: {nc:?}");
            assert!(r
                .checks
                .iter()
                .any(|c| c.blanks_as_zero && c.status == CheckStatus::Pass));
        }
    }
}

#[test]
fn the_same_report_with_zeros_printed_fails_the_same_checks_without_blanks() {
    // linzi_shenji_2021_zeros is linzi_shenji_2021 with its zeros printed as 0.
    for fmt in FORMATS {
        let blank = report(&format!("linzi_shenji_2021.{fmt}"));
        let zeros = report(&format!("linzi_shenji_2021_zeros.{fmt}"));
        assert_eq!(failing(&blank), failing(&zeros), "{fmt}");
        assert!(zeros.checks.iter().all(|c| !c.blanks_as_zero), "{fmt}");
        // Every cell (derived sums over a blank stay null).
        for (k, v) in zeros
            .metrics
            .iter()
            .filter(|(k, _)| zeros.metric_sources.contains_key(k))
        {
            let b = blank.metrics.get(k).copied().flatten();
            let same = b == *v || (b.is_none() && v.is_some_and(|x| x.0 == 0.0));
            assert!(same, "{fmt}: {k}: {b:?} vs {v:?}");
        }
    }
}
