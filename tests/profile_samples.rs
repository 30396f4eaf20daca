//! Every generated sample (`samples/*.docx|odt`) yields exactly the profile it
//! was generated with (`samples/expected/<file>.json`): every metric key and
//! value, agency (canonical and as written), year, template, period, fee and
//! the failing checks (arithmetic and prose), and the prose statements where
//! the generator recorded them.

mod support;

use reportdex::convert::{convert_file, ConvertOptions};
use reportdex::profile::{catalog, CheckStatus, Report};
use serde_json::{json, Value};
use std::collections::BTreeSet;

fn expected_of(file: &std::path::Path) -> Value {
    let name = file.file_name().unwrap().to_string_lossy().to_string();
    let path = support::root()
        .join("samples/expected")
        .join(format!("{name}.json"));
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

fn report_of(file: &std::path::Path) -> Report {
    let rel = file
        .strip_prefix(support::root())
        .unwrap()
        .to_string_lossy()
        .to_string();
    let out = convert_file(file, &rel, &ConvertOptions::default())
        .unwrap_or_else(|e| panic!("{rel}: {e}"));
    out.report
        .unwrap_or_else(|| panic!("{rel}: no report object"))
}

/// Differences between the report and the expected JSON, as readable lines.
fn differences(r: &Report, e: &Value) -> Vec<String> {
    let mut diffs = Vec::new();
    let mut cmp = |what: &str, got: Value, want: &Value| {
        if &got != want {
            diffs.push(format!("{what}: got {got}, want {want}"));
        }
    };
    cmp("agency", json!(r.agency_normalized), &e["agency"]);
    cmp(
        "agency_as_written",
        json!(r.agency),
        &e["agency_as_written"],
    );
    cmp("year", json!(r.year), &e["year"]);
    cmp("template", json!(r.template), &e["template"]);
    cmp(
        "template_inferred",
        json!(r.template_inferred),
        &e["template_inferred"],
    );
    let period = r
        .period
        .as_ref()
        .map(|p| json!({"start": p.start, "end": p.end, "full_year": p.full_year}));
    cmp("period", json!(period), &e["period"]);
    let fee = r
        .fee
        .as_ref()
        .map(|f| json!({"collected": f.collected, "amount_yuan": f.amount_yuan, "cases": f.cases}));
    cmp("fee", json!(fee), &e["fee"]);

    // Every expected metric key, exactly; and no cell key beyond them.
    let want = e["metrics"].as_object().unwrap();
    for (k, v) in want {
        let got = r
            .metrics
            .get(k)
            .map(|x| json!(x))
            .unwrap_or(json!("<absent>"));
        if &got != v {
            diffs.push(format!("metric {k}: got {got}, want {v}"));
        }
    }
    for k in r.metrics.keys() {
        let is_cell = catalog::entry(k).is_some_and(|c| c.kind == catalog::Kind::Cell);
        if is_cell && !want.contains_key(k) {
            diffs.push(format!("metric {k} present but not expected"));
        }
    }
    let failing: BTreeSet<(String, String)> = r
        .checks
        .iter()
        .filter(|c| c.status == CheckStatus::Fail)
        .map(|c| (c.rule.clone(), c.column.clone()))
        .collect();
    let want_failing: BTreeSet<(String, String)> = e["failing_checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["rule"].as_str().unwrap().to_string(),
                c["column"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    // The numbers stated in the prose, where the generator recorded them:
    // every statement written, and nothing else (distractors stay unread).
    if let Some(want) = e.get("prose").and_then(Value::as_array) {
        let mut want: Vec<String> = want
            .iter()
            .map(|p| format!("{} {} {}", p["rule"], p["key"], p["value"]))
            .collect();
        let mut got: Vec<String> = r
            .prose
            .iter()
            .map(|p| format!("{} {} {}", json!(p.rule), json!(p.key), json!(p.value)))
            .collect();
        want.sort();
        got.sort();
        if got != want {
            diffs.push(format!("prose statements: got {got:?}, want {want:?}"));
        }
    }
    if failing != want_failing {
        diffs.push(format!(
            "failing checks: got {failing:?}, want {want_failing:?}"
        ));
    }
    diffs
}

#[test]
fn every_sample_yields_its_expected_profile() {
    let files = support::files_with_ext(&support::root().join("samples"), &["docx", "odt"]);
    assert!(
        files.len() >= 18,
        "expected the generated samples, found {}",
        files.len()
    );
    let mut failures = Vec::new();
    for f in &files {
        let e = expected_of(f);
        let r = report_of(f);
        for d in differences(&r, &e) {
            failures.push(format!("{}: {d}", f.file_name().unwrap().to_string_lossy()));
        }
    }
    assert!(
        failures.is_empty(),
        "{} differences:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn inconsistent_sample_names_rule_and_column_with_values() {
    let f = support::root().join("samples/hanyang_wenlv_2022.docx");
    let r = report_of(&f);
    let c = r
        .checks
        .iter()
        .find(|c| c.rule == "R1" && c.column == "natural_person")
        .unwrap();
    assert_eq!(c.status, CheckStatus::Fail);
    let (exp, act) = (c.expected.unwrap().0, c.actual.unwrap().0);
    assert_eq!(exp - act, 2.0, "一 was raised by 2: {c:?}");
}

#[test]
fn seed_sample_paragraphs_carry_a_clean_normalized_form() {
    use reportdex::output::{Content, Section};
    fn walk(s: &[Section], out: &mut Vec<(String, Option<String>)>) {
        for sec in s {
            for c in &sec.content {
                if let Content::Paragraph(p) = c {
                    out.push((p.text.clone(), p.normalized.clone()));
                }
            }
            walk(&sec.sections, out);
        }
    }
    let f = support::root().join("samples/kaiping_kegongshangwu_2022_seed.odt");
    let rel = "samples/kaiping_kegongshangwu_2022_seed.odt";
    let out = convert_file(&f, rel, &ConvertOptions::default()).unwrap();
    let mut paras = Vec::new();
    walk(&out.sections, &mut paras);
    let all: String = paras
        .iter()
        .map(|(t, n)| n.clone().unwrap_or_else(|| t.clone()))
        .collect();
    assert!(
        all.contains("现向社会公布开平市科工商务局2022年信息公开工作年度报告"),
        "{all}"
    );
    let pinyin = regex::Regex::new(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\)").unwrap();
    assert_eq!(pinyin.find(&all).map(|m| m.as_str()), None);
    // The original text is kept as it was.
    assert!(paras
        .iter()
        .any(|(t, _)| t.contains("開平市科工商務(wù)局")));
    // `normalized` only appears where it differs.
    assert!(paras.iter().all(|(t, n)| n.as_ref() != Some(t)));
}

#[test]
fn prose_checks_pass_where_the_prose_agrees_and_fail_on_the_planted_number() {
    for ext in ["docx", "odt"] {
        for (year, planted) in [(2020, false), (2021, true)] {
            let f = support::root().join(format!("samples/suyu_shuiwu_{year}.{ext}"));
            let r = report_of(&f);
            let prose: Vec<_> = r
                .checks
                .iter()
                .filter(|c| c.rule.starts_with('P'))
                .collect();
            assert_eq!(
                prose.len(),
                r.prose.len(),
                "{year}.{ext}: one check per statement"
            );
            assert!(
                prose.len() >= 12,
                "{year}.{ext}: {} statements",
                prose.len()
            );
            for c in &prose {
                let evidence = c.evidence.as_deref().unwrap_or("");
                assert!(!evidence.is_empty() && c.paragraph.is_some(), "{c:?}");
                if planted && c.rule == "P4" {
                    assert_eq!(c.status, CheckStatus::Fail, "{c:?}");
                    assert_eq!(c.column, "s3.carried_forward.total");
                    assert_eq!(c.actual.map(|n| n.0), c.expected.map(|n| n.0 + 1.0));
                    assert!(evidence.contains("结转下年度继续办理"), "{evidence}");
                } else {
                    assert_eq!(c.status, CheckStatus::Pass, "{year}.{ext}: {c:?}");
                }
            }
        }
    }
}
