//! Unit tests of `compare` on the synthetic index of `index::tests`.

use super::*;
use crate::index::tests::fixture_index;
use serde_json::{json, Value};

fn opts(agency: &str) -> CompareOptions {
    CompareOptions {
        agency: Some(agency.into()),
        metrics: Some("all".into()),
        format: Format::Json,
        ..Default::default()
    }
}

fn json_of(index: &Index, o: &CompareOptions) -> Value {
    serde_json::from_str(&run(index, o).unwrap()).unwrap()
}

fn row<'a>(v: &'a Value, key: &str) -> &'a Value {
    v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["key"] == key)
        .unwrap_or_else(|| panic!("no row {key}"))
}

#[test]
fn agency_is_found_by_any_form_or_a_unique_fragment() {
    let (_d, index) = fixture_index();
    for q in [
        "威海市文登人民政府办公室",
        "威海市文登區人民政府辦公室",
        "威海市 文登区人民政府办公室",
        "文登",
    ] {
        assert_eq!(
            find_agency(&index, q).unwrap().key,
            "威海市文登区人民政府办公室",
            "{q}"
        );
    }
    assert_eq!(find_agency(&index, "開平").unwrap().key, "开平市科工商务局");
}

#[test]
fn an_agency_own_name_wins_over_a_form_another_report_mentions() {
    let (_d, mut index) = fixture_index();
    // 某市某局's report also mentions 开平市科工商务局 (say, in a contact line)
    // and a liaison office nobody else is called.
    for a in index.agencies.iter_mut().filter(|a| a.key == "某市某局") {
        a.forms.push("开平市科工商务局".into());
        a.forms.push("某某联络处".into());
    }
    assert_eq!(
        find_agency(&index, "开平市科工商务局").unwrap().key,
        "开平市科工商务局"
    );
    // A fragment of own names first, too.
    assert_eq!(
        find_agency(&index, "科工商务").unwrap().key,
        "开平市科工商务局"
    );
    // Only a mentioned form matches: that agency.
    assert_eq!(find_agency(&index, "某某联络处").unwrap().key, "某市某局");
}

#[test]
fn ambiguous_and_unknown_agencies_list_candidates() {
    let (_d, index) = fixture_index();
    let e = find_agency(&index, "市").unwrap_err();
    assert_eq!(e.exit_code(), 1);
    assert_eq!(
        e.candidates(),
        ["威海市文登区人民政府办公室", "开平市科工商务局", "某市某局"]
    );
    assert_eq!(
        e.to_string(),
        "\"市\" matches 3 agencies: 威海市文登区人民政府办公室, 开平市科工商务局, 某市某局"
    );
    let e = find_agency(&index, "文登区财政局").unwrap_err();
    assert!(matches!(e, CompareError::UnknownAgency { .. }));
    assert_eq!(e.exit_code(), 1);
    assert_eq!(e.candidates(), ["威海市文登区人民政府办公室"]);
    let e = run(&index, &CompareOptions::default()).unwrap_err();
    assert!(matches!(e, CompareError::NoAgency));
    assert_eq!(e.exit_code(), 2);
}

#[test]
fn json_has_values_changes_and_absent_years() {
    let (_d, index) = fixture_index();
    let v = json_of(&index, &opts("文登"));
    assert_eq!(v["agency"], "威海市文登區人民政府辦公室");
    assert_eq!(v["agency_key"], "威海市文登区人民政府办公室");
    assert_eq!(v["years"], json!([2019, 2020, 2021]));
    let r = row(&v, "s3.new_received.total");
    assert_eq!(
        r["label"],
        "一、本年新收政府信息公开申请数量 × 申请人情况/总计"
    );
    assert_eq!(
        r["values"],
        json!({"2019": 10.0, "2020": 12.0, "2021": 19.0})
    );
    assert_eq!(
        r["changes"],
        json!({"2020": {"from_year": 2019, "abs": 2.0, "pct": 20.0},
               "2021": {"from_year": 2020, "abs": 7.0, "pct": 58.333333}})
    );
    // Blank in 2020: null value, no change either side, not absent.
    let r = row(&v, "s3.granted.total");
    assert_eq!(r["values"], json!({"2019": 6.0, "2020": null, "2021": 9.0}));
    assert_eq!(r["changes"], json!({"2020": null, "2021": null}));
    assert_eq!(r["absent"], json!([]));
    // A derived key missing from reports of a version that has it (its parts
    // were blank): blank, not absent.
    let r = row(&v, "s3.denied.total.total");
    assert_eq!(
        r["values"],
        json!({"2019": null, "2020": 5.0, "2021": null})
    );
    assert_eq!(r["absent"], json!([]));
    // Version-only keys: absent, not 0.
    let r = row(&v, "s2.fee.items_prev");
    assert_eq!(r["values"], json!({"2019": 0.0, "2020": 0.0, "2021": null}));
    assert_eq!(r["absent"], json!([2021]));
    let r = row(&v, "s2.fee.amount_wan_yuan");
    assert_eq!(
        r["values"],
        json!({"2019": null, "2020": null, "2021": 0.0})
    );
    assert_eq!(r["absent"], json!([2019, 2020]));
    assert_eq!(r["unit"], "万元");
    // 2019's single 其他处理 row against the sum of 2021's three.
    let r = row(&v, "s3.other.total.total");
    assert_eq!(r["values"], json!({"2019": 2.0, "2020": 4.0, "2021": 3.0}));
    assert_eq!(
        r["changes"]["2021"],
        json!({"from_year": 2020, "abs": -1.0, "pct": -25.0})
    );
    // Headline series for the charts: lawsuits sum two keys.
    assert_eq!(
        v["headline"][4],
        json!({"key": "s4.suit_direct.total+s4.suit_after_review.total", "label": "行政诉讼",
               "values": {"2019": 1.0, "2020": null, "2021": null}})
    );
}

#[test]
fn failed_checks_are_listed_and_mark_their_cells() {
    let (_d, index) = fixture_index();
    let v = json_of(&index, &opts("文登"));
    assert_eq!(row(&v, "s3.carried_over.total")["flagged"], json!([2021]));
    assert_eq!(
        row(&v, "s3.carried_over.natural_person")["flagged"],
        json!([2020, 2021]),
        "R1 natural_person failed in 2020; R6 failed in 2021"
    );
    assert_eq!(row(&v, "s3.new_received.total")["flagged"], json!([]));
    let checks = v["checks"].as_array().unwrap();
    let r1: Vec<&Value> = checks.iter().filter(|c| c["rule"] == "R1").collect();
    assert_eq!(
        r1,
        vec![
            &json!({"year": 2020, "prev_year": null, "rule": "R1", "column": "natural_person",
                     "status": "fail", "severity": "error", "expected": 839.0, "actual": 840.0,
                     "note": null})
        ]
    );
    let r6_fail: Vec<(&Value, &Value)> = checks
        .iter()
        .filter(|c| c["rule"] == "R6" && c["status"] == "fail")
        .map(|c| (&c["year"], &c["column"]))
        .collect();
    assert_eq!(
        r6_fail,
        vec![
            (&json!(2021), &json!("natural_person")),
            (&json!(2021), &json!("total"))
        ]
    );
    assert_eq!(
        checks
            .iter()
            .filter(|c| c["rule"] == "R6" && c["status"] == "pass")
            .count(),
        7 + 5
    );
    assert_eq!(
        v["check_summary"]["2020"],
        json!({"pass": 0, "fail": 1, "not_checkable": 1})
    );
}

#[test]
fn conflicts_show_every_file() {
    let (_d, index) = fixture_index();
    let v = json_of(&index, &opts("开平"));
    assert_eq!(
        v["conflicts"],
        json!([{"year": 2021, "reports": 2, "values_agree": false, "differing": [
            {"key": "s3.carried_over.natural_person", "values": [0.0, 1.0]},
            {"key": "s3.carried_over.total", "values": [0.0, 1.0]}
        ]}])
    );
    let files: Vec<&str> = v["reports"]["2021"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["path"].as_str().unwrap())
        .collect();
    assert_eq!(files, vec!["kp/a.docx", "kp/b.odt"]);
    let t = run(
        &index,
        &CompareOptions {
            format: Format::Table,
            ..opts("开平")
        },
    )
    .unwrap();
    assert!(t.contains(
        "  2021: CONFLICT, 2 reports with different values in s3.carried_over.natural_person (0 / 1), s3.carried_over.total (0 / 1) (shown: the first): kp/a.docx [2021], kp/b.odt [2021]\n"
    ));
}

#[test]
fn years_and_metric_patterns_select_columns_and_rows() {
    let (_d, index) = fixture_index();
    let o = CompareOptions {
        years: Some(parse_years("2020-2021").unwrap()),
        metrics: Some("s3.*.total".into()),
        ..opts("文登")
    };
    let v = json_of(&index, &o);
    assert_eq!(v["years"], json!([2020, 2021]));
    let keys: Vec<&str> = v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["key"].as_str().unwrap())
        .collect();
    assert_eq!(
        keys,
        vec![
            "s3.new_received.total",
            "s3.carried_over.total",
            "s3.granted.total",
            "s3.denied.total.total",
            "s3.other.total.total",
            "s3.other.no_correction.total",
            "s3.other.no_fee.total",
            "s3.other.misc.total",
            "s3.carried_forward.total"
        ]
    );
    assert_eq!(row(&v, "s3.other.misc.total")["absent"], json!([2020]));
    // Cross-year checks within the range only.
    assert!(v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["year"] == 2021 || c["year"] == 2020 && c["prev_year"].is_null()));
    assert_eq!(v["text_similarity"].as_object().unwrap().len(), 1);

    let m = MetricFilter::new(Some("fee"));
    assert!(m.matches("s2.fee.items_prev") && !m.matches("s2.license.decisions"));
    assert!(matches!(
        run(
            &index,
            &CompareOptions {
                metrics: Some("nothing*".into()),
                ..opts("文登")
            }
        ),
        Err(CompareError::NoMetrics(_))
    ));
    let e = run(
        &index,
        &CompareOptions {
            years: Some((2030, 2031)),
            ..opts("文登")
        },
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "威海市文登区人民政府办公室 has no report in 2030–2031 (years with reports: 2019, 2020, 2021)"
    );
    assert_eq!(e.exit_code(), 2);
    assert_eq!(parse_years("2019").unwrap(), (2019, 2019));
    assert_eq!(parse_years("2023-2019").unwrap(), (2019, 2023));
    assert!(parse_years("19-20").is_err());
}

#[test]
fn glob_patterns() {
    assert!(glob(b"s3.*.total", b"s3.denied.state_secret.total"));
    assert!(!glob(b"s3.*.total", b"s3.granted.natural_person"));
    assert!(glob(b"s?.*", b"s4.review.total"));
    assert!(glob(b"*", b""));
    assert!(!glob(
        b"a*b*c*d",
        b"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaabbbbbbbbbbbbbbbbc"
    ));
}

#[test]
fn table_is_aligned_and_marks_absent_blank_and_failed_values() {
    let (_d, index) = fixture_index();
    let o = CompareOptions {
        format: Format::Table,
        metrics: Some("s3.new_received.total,s3.granted.total,s2.fee,s3.carried_over.total".into()),
        ..opts("文登")
    };
    let t = run(&index, &o).unwrap();
    let lines: Vec<&str> = t.lines().collect();
    let start = lines.iter().position(|l| l.starts_with("key ")).unwrap();
    let table = lines[start..start + 7].join("\n");
    assert_eq!(
        table,
        "\
key                     metric                                     2019   2020         Δ2020  2021        Δ2021
----------------------  -----------------------------------------  ----  -----  ------------  ----  -----------
s2.fee.items_prev       行政事业性收费/上一年项目数量                 0      0             0   n/a
s2.fee.amount_wan_yuan  行政事业性收费/本年收费金额（单位：万元）   n/a    n/a                   0
s3.new_received.total   一、本年新收政府信息公开申请数量 × 总计      10     12   +2 (+20.0%)    19  +7 (+58.3%)
s3.carried_over.total   二、上年结转政府信息公开申请数量 × 总计       1      3  +2 (+200.0%)   4 !  +1 (+33.3%)
s3.granted.total        （一）予以公开 × 总计                         6  blank                   9"
    );
    assert!(t.contains("2021 R6 2020→2021: FAIL (warning) total: expected 5, found 4"));
    assert!(t.contains("2020 R1 FAIL natural_person: expected 839, found 840"));
    // Every table line has the same display width up to the last column.
    let w: Vec<usize> = lines[start..start + 2]
        .iter()
        .map(|l| unicode_width::UnicodeWidthStr::width(*l))
        .collect();
    assert_eq!(w[0], w[1]);
}

#[test]
fn csv_has_years_as_columns_and_na_for_absent() {
    let (_d, index) = fixture_index();
    let o = CompareOptions {
        format: Format::Csv,
        metrics: Some("s2.fee.amount_wan_yuan,s3.new_received.total".into()),
        ..opts("文登")
    };
    assert_eq!(
        run(&index, &o).unwrap(),
        "agency,agency_key,key,label,unit,2019,2020,2021,change_2020,change_2021,pct_2020,pct_2021,flagged_years\n\
威海市文登區人民政府辦公室,威海市文登区人民政府办公室,s2.fee.amount_wan_yuan,第二十条第（八）项/行政事业性收费/本年收费金额（单位：万元）,万元,NA,NA,0,,,,,\n\
威海市文登區人民政府辦公室,威海市文登区人民政府办公室,s3.new_received.total,一、本年新收政府信息公开申请数量 × 申请人情况/总计,件,10,12,19,2,7,20.00,58.33,\n"
    );
}

#[test]
fn html_is_self_contained_with_tables_and_charts() {
    let (_d, index) = fixture_index();
    let o = CompareOptions {
        format: Format::Html,
        ..opts("文登")
    };
    let h = run(&index, &o).unwrap();
    assert!(h.starts_with("<!DOCTYPE html>"));
    assert_eq!(h.matches("<svg").count(), 5);
    // Chart captions give the latest value and its change.
    assert!(h.contains("<figcaption>收到申请 <small>2021 年 19（+7，+58.3%）</small></figcaption>"));
    assert!(
        h.contains("<figcaption>行政诉讼</figcaption>"),
        "no 2021 value"
    );
    assert!(h.contains("<table class=\"metrics\">"));
    assert!(h.contains("<table class=\"similarity\">"));
    assert!(!h.contains("<script"));
    assert!(
        !h.contains("http://")
            || h.matches("http://").count()
                == h.matches("xmlns=\"http://www.w3.org/2000/svg\"").count()
    );
    assert!(!h.contains("https://"));
    // The --all page links every agency.
    let all = run(
        &index,
        &CompareOptions {
            agency: None,
            all: true,
            ..o
        },
    )
    .unwrap();
    for i in 1..=3 {
        assert!(all.contains(&format!("<a href=\"#agency-{i}\">")));
        assert!(all.contains(&format!("<section class=\"agency\" id=\"agency-{i}\">")));
    }
}

#[test]
fn failed_checks_map_to_the_cells_they_involve() {
    assert_eq!(
        check_keys("R1", Some("total")),
        vec![
            "s3.new_received.total",
            "s3.carried_over.total",
            "s3.total_processed.total",
            "s3.carried_forward.total"
        ]
    );
    assert_eq!(
        check_keys("R3", Some("denied.state_secret")),
        vec!["s3.denied.state_secret.total"]
    );
    assert_eq!(
        check_keys("R4", Some("denied.natural_person")),
        vec!["s3.denied.total.natural_person"]
    );
    assert_eq!(check_keys("R5", Some("review")), vec!["s4.review.total"]);
    assert_eq!(
        check_keys("R7", Some("normative")),
        vec!["s2.normative.in_force_or_total"]
    );
    assert!(check_keys("R9", Some("x")).is_empty());
    assert_eq!(
        check_keys("P4", Some("s3.carried_forward.total")),
        vec!["s3.carried_forward.total"]
    );
    assert_eq!(
        check_keys(
            "P18",
            Some("s4.suit_direct.total+s4.suit_after_review.total")
        ),
        vec!["s4.suit_direct.total", "s4.suit_after_review.total"]
    );
    assert!(is_prose_rule("P12") && !is_prose_rule("P") && !is_prose_rule("Px"));
}
