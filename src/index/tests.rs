//! Unit tests of the index builder on a synthetic data set: hand-written
//! `reports.jsonl` lines and per-report JSON files in a temporary directory.
//! (Acceptance tests on the converted samples live in `tests/index_compare.rs`.)

use super::agencies::{next_chunk, AGENCY_CHUNK, REPORT_CHUNK};
use super::*;
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// Metrics of a report: every s3 column of the R6 rows, plus extras.
fn metrics(carried_over: f64, carried_forward: f64, extra: &[(&str, Value)]) -> Value {
    let mut m = serde_json::Map::new();
    for col in crossyear::S3_COLUMNS {
        let (o, f) = if col == "total" || col == "natural_person" {
            (carried_over, carried_forward)
        } else {
            (0.0, 0.0)
        };
        m.insert(format!("s3.carried_over.{col}"), json!(o));
        m.insert(format!("s3.carried_forward.{col}"), json!(f));
    }
    for (k, v) in extra {
        m.insert(k.to_string(), v.clone());
    }
    Value::Object(m)
}

/// A document JSON with sections 一 and 五 of the given texts.
fn doc(s1: &str, s5: &str) -> Value {
    let sec = |title: &str, text: &str| {
        json!({"title": title, "level": 1, "heading_source": "style",
               "content": [{"type": "paragraph", "text": text},
                           {"type": "table", "n_rows": 1, "n_cols": 1, "header_rows": 0,
                            "cells": [{"row": 0, "col": 0, "row_span": 1, "col_span": 1, "text": "表格文字不计入"}]}],
               "sections": []})
    };
    json!({"schema_version": "1.0", "title": "t",
           "sections": [sec("一、总体情况", s1), sec("五、存在的主要问题及改进情况", s5)]})
}

struct Line {
    path: &'static str,
    agency: Option<&'static str>,
    year: Option<i32>,
    template: &'static str,
    metrics: Value,
    checks: Value,
    text: Option<(&'static str, &'static str)>,
}

fn line(path: &'static str, agency: &'static str, year: i32, template: &'static str) -> Line {
    Line {
        path,
        agency: Some(agency),
        year: Some(year),
        template,
        metrics: metrics(0.0, 0.0, &[]),
        checks: json!([]),
        text: None,
    }
}

/// Write a data set into `dir` and return the reports.jsonl text.
fn write_dataset(dir: &Path, lines: &[Line]) {
    let mut jsonl = String::new();
    for l in lines {
        let json_rel = format!("{}.json", l.path.replace('/', "_"));
        if let Some((s1, s5)) = l.text {
            std::fs::write(dir.join(&json_rel), doc(s1, s5).to_string()).unwrap();
        }
        let report = json!({
            "agency": l.agency,
            "agency_normalized": l.agency.map(names::normalize_agency),
            "agency_source": "title",
            "agency_forms": l.agency.into_iter().collect::<Vec<_>>(),
            "year": l.year,
            "template": l.template,
            "metrics": l.metrics,
            "metric_sources": {},
            "checks": l.checks,
            "extra_field_from_a_newer_profile": [1, 2, 3],
        });
        let v = json!({"path": l.path, "json": json_rel, "sha256": "00", "format": "docx",
                       "title": format!("{}{}年政府信息公开工作年度报告", l.agency.unwrap_or(""), l.year.unwrap_or(0)),
                       "report": report});
        jsonl.push_str(&v.to_string());
        jsonl.push('\n');
    }
    std::fs::write(dir.join(REPORTS_FILE), jsonl).unwrap();
}

/// The synthetic data set shared with the compare tests.
///
/// - 文登: 2019 (2019 template, title drops 区), 2020 (2019), 2021 (2021,
///   traditional characters). R6 2019→2020 consistent, 2020→2021 not.
///   2021 text copies 2020's with new numbers.
/// - 开平: two reports for 2021 (conflict), one for 2022.
/// - 某局: 2021 and 2022 in the 2021 template; R7 fails.
pub(crate) fn fixture(dir: &Path) {
    let copy_2020 = "2020年，本办共收到申请12件。我们持续推进政务公开标准化规范化建设。";
    let copy_2021 = "2021年，本办共收到申请19件。我们持续推进政务公开标准化规范化建设。";
    let lines = vec![
        Line {
            metrics: metrics(
                1.0,
                3.0,
                &[
                    ("s3.new_received.total", json!(10)),
                    ("s3.granted.total", json!(6)),
                    ("s3.other.total.total", json!(2)),
                    ("s2.fee.items_prev", json!(0)),
                    ("s4.review.total", json!(1)),
                    ("s4.suit_direct.total", json!(1)),
                    ("s4.suit_after_review.total", json!(0)),
                ],
            ),
            checks: json!([{"rule": "R1", "column": "total", "status": "pass", "expected": 11, "actual": 11}]),
            text: Some((
                "本办高度重视政府信息公开工作，认真贯彻落实条例。",
                "存在的问题是公开内容不够全面。",
            )),
            ..line("wd/2019.docx", "威海市文登人民政府办公室", 2019, "2019")
        },
        Line {
            metrics: metrics(
                3.0,
                5.0,
                &[
                    ("s3.new_received.total", json!(12)),
                    ("s3.granted.total", json!(null)),
                    ("s3.denied.total.total", json!(5)),
                    ("s3.other.total.total", json!(4)),
                    ("s2.fee.items_prev", json!(0)),
                    ("s4.review.total", json!(2)),
                ],
            ),
            checks: json!([
                {"rule": "R1", "column": "natural_person", "status": "fail", "expected": 839, "actual": 840},
                {"rule": "R3", "column": "granted", "status": "not_checkable", "expected": null, "actual": null}
            ]),
            text: Some((copy_2020, "问题在于信息发布不够及时。")),
            ..line("wd/2020.docx", "威海市文登区人民政府办公室", 2020, "2019")
        },
        Line {
            metrics: metrics(
                4.0,
                0.0,
                &[
                    ("s3.new_received.total", json!(19)),
                    ("s3.granted.total", json!(9)),
                    ("s3.other.no_correction.total", json!(1)),
                    ("s3.other.no_fee.total", json!(0)),
                    ("s3.other.misc.total", json!(2)),
                    ("s3.other.no_correction.natural_person", json!(1)),
                    ("s3.other.no_fee.natural_person", json!(null)),
                    ("s3.other.misc.natural_person", json!(2)),
                    ("s2.fee.amount_wan_yuan", json!(0)),
                    ("s4.review.total", json!(0)),
                ],
            ),
            text: Some((copy_2021, "下一步将加强培训，提升公开质量和水平。")),
            ..line("wd/2021.docx", "威海市文登區人民政府辦公室", 2021, "2021")
        },
        line("kp/a.docx", "开平市科工商务局", 2021, "2021"),
        Line {
            metrics: metrics(1.0, 0.0, &[]),
            ..line("kp/b.odt", "開平市科工商務局", 2021, "2021")
        },
        line("tz/2021.docx", "同值局", 2021, "2021"),
        line("tz/2021.odt", "同值局", 2021, "2021"),
        line("tz/2022.docx", "同值局", 2022, "2021"),
        line("kp/c.docx", "开平市科工商务局", 2022, "2021"),
        Line {
            metrics: metrics(
                0.0,
                0.0,
                &[
                    ("s2.regulation.in_force_or_total", json!(10)),
                    ("s2.regulation.issued", json!(1)),
                    ("s2.regulation.repealed", json!(0)),
                ],
            ),
            ..line("mj/2021.docx", "某市某局", 2021, "2021")
        },
        Line {
            metrics: metrics(
                0.0,
                0.0,
                &[
                    ("s2.regulation.in_force_or_total", json!(12)),
                    ("s2.regulation.issued", json!(2)),
                    ("s2.regulation.repealed", json!(1)),
                ],
            ),
            ..line("mj/2022.docx", "某市某局", 2022, "2021")
        },
        Line {
            agency: None,
            ..line("x/no-agency.docx", "", 2021, "2021")
        },
        Line {
            year: None,
            ..line("x/no-year.docx", "某单位", 2021, "2021")
        },
    ];
    write_dataset(dir, &lines);
    // A document that is not an annual report, and a broken line.
    let mut f = std::fs::read_to_string(dir.join(REPORTS_FILE)).unwrap();
    f.push_str("{\"path\": \"x/notice.docx\", \"json\": \"n.json\", \"report\": null}\n");
    f.push_str("{not json\n");
    std::fs::write(dir.join(REPORTS_FILE), f).unwrap();
}

pub(crate) fn fixture_index() -> (tempfile::TempDir, Index) {
    let dir = tempfile::tempdir().unwrap();
    fixture(dir.path());
    let index = build_dir(dir.path(), None).unwrap();
    (dir, index)
}

fn agency<'a>(index: &'a Index, key: &str) -> &'a Agency {
    index
        .agencies
        .iter()
        .find(|a| a.key == key)
        .unwrap_or_else(|| panic!("no agency {key}"))
}

#[test]
fn agencies_are_matched_across_name_forms() {
    let (_d, index) = fixture_index();
    let keys: Vec<&str> = index.agencies.iter().map(|a| a.key.as_str()).collect();
    assert_eq!(
        keys,
        vec![
            "同值局",
            "威海市文登区人民政府办公室",
            "开平市科工商务局",
            "某市某局"
        ]
    );
    let wd = agency(&index, "威海市文登区人民政府办公室");
    assert_eq!(
        wd.years.iter().map(|y| y.year).collect::<Vec<_>>(),
        vec![2019, 2020, 2021]
    );
    assert_eq!(
        wd.forms,
        vec![
            "威海市文登人民政府办公室",
            "威海市文登区人民政府办公室",
            "威海市文登區人民政府辦公室"
        ]
    );
    assert_eq!(
        wd.matched,
        vec![
            NameMatch {
                name: "威海市文登人民政府办公室".into(),
                rule: MatchRule::LevelChar
            },
            NameMatch {
                name: "威海市文登区人民政府办公室".into(),
                rule: MatchRule::Exact
            },
        ]
    );
    // Display name: the latest report whose normalized name is the key (2021,
    // written in traditional characters).
    assert_eq!(wd.name, "威海市文登區人民政府辦公室");
    assert_eq!(index.reports_read, 15);
}

#[test]
fn two_reports_for_one_agency_year_are_a_conflict_not_a_merge() {
    let (_d, index) = fixture_index();
    let kp = agency(&index, "开平市科工商务局");
    let y2021 = &kp.years[0];
    assert_eq!(y2021.year, 2021);
    assert!(y2021.conflict);
    let paths: Vec<&str> = y2021.reports.iter().map(|r| r.path.as_str()).collect();
    assert_eq!(paths, vec!["kp/a.docx", "kp/b.odt"]);
    assert!(!kp.years[1].conflict);
    // Cross-year checks against a conflicting year are not run.
    assert!(kp
        .cross_checks
        .iter()
        .all(|c| c.status == CheckStatus::NotCheckable
            && c.note.as_deref()
                == Some("several reports with different values for 2021: not checked")));
}

#[test]
fn a_conflict_with_identical_values_still_runs_the_checks() {
    let (_d, index) = fixture_index();
    let tz = agency(&index, "同值局");
    assert!(tz.years[0].conflict);
    assert_eq!(tz.years[0].values_agree, Some(true));
    assert_eq!(tz.years[0].reports.len(), 2);
    assert_eq!(tz.years[1].values_agree, None);
    let r6: Vec<&CrossCheck> = tz.cross_checks.iter().filter(|c| c.rule == "R6").collect();
    assert_eq!(r6.len(), 7);
    assert!(r6.iter().all(|c| c.status == CheckStatus::Pass
        && c.note.as_deref() == Some("several reports with identical values for 2021")));
    let kp = agency(&index, "开平市科工商务局");
    assert_eq!(kp.years[0].values_agree, Some(false));
}

#[test]
fn carry_over_check_r6_passes_when_consistent_and_fails_otherwise() {
    let (_d, index) = fixture_index();
    let wd = agency(&index, "威海市文登区人民政府办公室");
    let r6 = |year: i32, col: &str| {
        wd.cross_checks
            .iter()
            .find(|c| c.rule == "R6" && c.year == year && c.column == col)
            .unwrap()
            .clone()
    };
    let c = r6(2020, "total");
    assert_eq!(
        (c.prev_year, c.status, c.expected, c.actual, c.severity),
        (
            2019,
            CheckStatus::Pass,
            Some(3.0),
            Some(3.0),
            Severity::Warning
        )
    );
    assert_eq!(r6(2020, "commercial").status, CheckStatus::Pass);
    let c = r6(2021, "total");
    assert_eq!(
        (c.status, c.expected, c.actual),
        (CheckStatus::Fail, Some(5.0), Some(4.0))
    );
    assert_eq!(r6(2021, "commercial").status, CheckStatus::Pass);
    // 7 columns per consecutive pair; no R7 across a 2019-format year.
    assert_eq!(wd.cross_checks.len(), 14);
    assert!(wd.cross_checks.iter().all(|c| c.rule == "R6"));
}

#[test]
fn r7_is_a_soft_warning_between_2021_format_years() {
    let (_d, index) = fixture_index();
    let mj = agency(&index, "某市某局");
    let reg = mj
        .cross_checks
        .iter()
        .find(|c| c.rule == "R7" && c.column == "regulation")
        .unwrap();
    assert_eq!(
        (reg.status, reg.expected, reg.actual, reg.severity),
        (
            CheckStatus::Fail,
            Some(11.0),
            Some(12.0),
            Severity::SoftWarning
        )
    );
    let norm = mj
        .cross_checks
        .iter()
        .find(|c| c.rule == "R7" && c.column == "normative")
        .unwrap();
    assert_eq!(norm.status, CheckStatus::NotCheckable);
}

#[test]
fn version_only_keys_stay_absent_and_other_total_is_derived_for_2021() {
    let (_d, index) = fixture_index();
    let wd = agency(&index, "威海市文登区人民政府办公室");
    let m = |i: usize| &wd.years[i].reports[0].metrics;
    assert_eq!(m(0).get("s2.fee.items_prev"), Some(&Some(0.0)));
    assert_eq!(m(2).get("s2.fee.items_prev"), None, "absent, not 0");
    assert_eq!(m(0).get("s2.fee.amount_wan_yuan"), None);
    assert_eq!(m(2).get("s2.fee.amount_wan_yuan"), Some(&Some(0.0)));
    // 2019: the cell; 2021: 1 + 0 + 2; a blank sub-row makes the sum blank.
    assert_eq!(m(0).get("s3.other.total.total"), Some(&Some(2.0)));
    assert_eq!(m(2).get("s3.other.total.total"), Some(&Some(3.0)));
    assert_eq!(m(2).get("s3.other.total.natural_person"), Some(&None));
    assert_eq!(
        m(1).get("s3.granted.total"),
        Some(&None),
        "blank kept as null"
    );
}

#[test]
fn check_status_is_summarised_per_report() {
    let (_d, index) = fixture_index();
    let wd = agency(&index, "威海市文登区人民政府办公室");
    let c = &wd.years[1].reports[0].checks;
    assert_eq!((c.pass, c.fail, c.not_checkable), (0, 1, 1));
    assert_eq!(
        c.failed,
        vec![Check {
            evidence: None,
            rule: "R1".into(),
            column: Some("natural_person".into()),
            expected: Some(839.0),
            actual: Some(840.0)
        }]
    );
    assert_eq!(wd.years[0].reports[0].checks.pass, 1);
}

#[test]
fn unplaceable_documents_and_bad_lines_are_reported() {
    let (_d, index) = fixture_index();
    let un: Vec<(&str, &str)> = index
        .unassigned
        .iter()
        .map(|u| (u.path.as_str(), u.reason.as_str()))
        .collect();
    assert_eq!(
        un,
        vec![
            ("x/no-agency.docx", "no_agency"),
            ("x/no-year.docx", "no_year"),
            ("x/notice.docx", "not_a_report")
        ]
    );
    assert_eq!(index.problems.len(), 1 + 6, "{:#?}", index.problems);
    assert_eq!(index.problems[0].line, Some(15));
    assert!(index.problems[0].message.starts_with("malformed line"));
    // The reports without a per-report JSON file are listed, not fatal.
    assert!(index.problems[1..]
        .iter()
        .all(|p| p.message.starts_with("text similarity skipped")));
}

#[test]
fn text_similarity_spots_a_copy_with_new_numbers() {
    let (_d, index) = fixture_index();
    let wd = agency(&index, "威海市文登区人民政府办公室");
    let sims: BTreeMap<i32, &TextSimilarity> =
        wd.text_similarity.iter().map(|t| (t.year, t)).collect();
    assert_eq!(sims.keys().copied().collect::<Vec<_>>(), vec![2020, 2021]);
    let s2021 = sims[&2021];
    assert_eq!(s2021.prev_year, 2020);
    let sec = |n: u8| s2021.sections.iter().find(|s| s.section == n).unwrap();
    // Section 一 copies 2020 with the numbers changed.
    assert_eq!(sec(1).sentence_reuse, Some(1.0));
    assert_eq!(sec(1).ngram_reuse, Some(1.0));
    assert_eq!((sec(1).sentences, sec(1).sentences_reused), (2, 2));
    // Section 五 is new text.
    assert_eq!(sec(5).sentence_reuse, Some(0.0));
    // Sections absent from both documents are not listed.
    let listed: Vec<u8> = s2021.sections.iter().map(|s| s.section).collect();
    assert_eq!(listed, vec![0, 1, 5]);
    // 2020 vs 2019: different text.
    assert_eq!(
        sims[&2020]
            .sections
            .iter()
            .find(|s| s.section == 1)
            .unwrap()
            .sentence_reuse,
        Some(0.0)
    );
}

#[test]
fn aliases_file_in_out_is_used_by_default() {
    let dir = tempfile::tempdir().unwrap();
    fixture(dir.path());
    std::fs::write(
        dir.path().join(ALIASES_FILE),
        "form,canonical\n某市某局,开平市科工商务局\n",
    )
    .unwrap();
    let index = build_dir(dir.path(), None).unwrap();
    let kp = agency(&index, "开平市科工商务局");
    assert_eq!(kp.years.len(), 2);
    assert_eq!(kp.years[1].reports.len(), 2, "2022 now has two reports");
    assert!(kp.years[1].conflict);
    assert!(kp.matched.contains(&NameMatch {
        name: "某市某局".into(),
        rule: MatchRule::Alias
    }));
    assert!(index
        .aliases_file
        .as_deref()
        .is_some_and(|f| f.ends_with("aliases.csv")));
    // An explicit file wins; a broken one is an error naming it.
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "a,b,c\n").unwrap();
    let e = build_dir(dir.path(), Some(&bad)).unwrap_err();
    assert!(e.to_string().contains("bad.csv line 1"), "{e}");
}

#[test]
fn index_round_trips_through_write_and_read() {
    let (dir, index) = fixture_index();
    let path = write(&index, dir.path()).unwrap();
    assert_eq!(path, dir.path().join(INDEX_FILE));
    assert!(!dir.path().join("index.json.tmp").exists());
    let back = read(dir.path()).unwrap();
    assert_eq!(back, index);
    // The file validates against the checked-in schema.
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/index.schema.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let written: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&written)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
}

#[test]
fn missing_inputs_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let e = build_dir(dir.path(), None).unwrap_err();
    assert!(matches!(e, IndexError::MissingReports(_)));
    assert!(e
        .to_string()
        .ends_with("reports.jsonl not found: convert a data set into this directory first"));
    let e = read(dir.path()).unwrap_err();
    assert!(matches!(e, IndexError::MissingIndex(_)));
}

#[test]
fn streamed_index_is_byte_identical_to_the_in_memory_one() {
    let (dir, index) = fixture_index();
    write(&index, dir.path()).unwrap();
    let whole = std::fs::read(dir.path().join(INDEX_FILE)).unwrap();
    std::fs::remove_file(dir.path().join(INDEX_FILE)).unwrap();
    let (path, summary) = build_and_write_dir(dir.path(), None).unwrap();
    assert!(!dir.path().join("index.json.tmp").exists());
    let streamed = std::fs::read(&path).unwrap();
    assert_eq!(
        String::from_utf8(streamed).unwrap(),
        String::from_utf8(whole).unwrap()
    );
    assert_eq!(summary, BuildSummary::of(&index));
    assert_eq!(summary.problems.len(), 7);
    // From a reader (lines kept in memory): the same index.
    let text = std::fs::read_to_string(dir.path().join(REPORTS_FILE)).unwrap();
    let from_reader = build(
        text.as_bytes(),
        Path::new(REPORTS_FILE),
        Some(dir.path()),
        &names::Aliases::new(),
    )
    .unwrap();
    assert_eq!(from_reader, index);
}

/// Chunks of the second pass hold at most REPORT_CHUNK reports (an agency
/// with more gets a chunk of its own) and AGENCY_CHUNK agencies, keep the key
/// order and lose no agency.
#[test]
fn agency_chunks_are_bounded_by_reports_and_agencies() {
    let sizes = [1usize, 300, 10, 10, 250, 7, 0, 3];
    let mut groups: Vec<(String, Vec<u8>)> = sizes
        .iter()
        .enumerate()
        .map(|(i, n)| (format!("a{i}"), vec![0u8; *n]))
        .collect();
    groups.extend((0..300).map(|i| (format!("b{i:03}"), vec![0u8; 1])));
    let expected: Vec<String> = groups.iter().map(|(k, _)| k.clone()).collect();
    let mut it = groups.into_iter().peekable();
    let mut seen = Vec::new();
    let mut chunks = Vec::new();
    loop {
        let chunk = next_chunk(&mut it);
        if chunk.is_empty() {
            break;
        }
        let reports: usize = chunk.iter().map(|(_, p)| p.len()).sum();
        assert!(chunk.len() <= AGENCY_CHUNK);
        assert!(
            reports <= REPORT_CHUNK || chunk.len() == 1,
            "{reports} reports in {} agencies",
            chunk.len()
        );
        chunks.push((chunk.len(), reports));
        seen.extend(chunk.into_iter().map(|(k, _)| k));
    }
    assert_eq!(seen, expected);
    // 1 | 300 alone | 10+10 (250 more would pass 256) | 250 (7 more would)
    // | 7+0+3 and 125 of b (128 agencies) | 128 of b | the last 47.
    assert_eq!(
        chunks,
        [
            (1, 1),
            (1, 300),
            (2, 20),
            (1, 250),
            (128, 135),
            (128, 128),
            (47, 47)
        ]
    );
}
