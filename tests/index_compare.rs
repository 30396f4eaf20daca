//! Acceptance tests of `reportdex index` and `reportdex compare` (issue 5) on
//! the sample reports: `samples/` is converted with the binary into a
//! temporary OUT, then indexed and compared; values are checked against
//! `samples/expected/*.json`.
//!
//! Three agencies over 2020–2022 (2019 template in 2020, 2021 template after),
//! the layout samples' two agencies over 2020–2021,
//! each year as DOCX and ODT (the same report twice: a conflict whose values
//! agree), a corrected re-issue of 文登 2022 (a conflict whose values differ),
//! a title in traditional characters (文登 2021), and a deliberate carry-over
//! mismatch (开平市自然资源局 2020→2021). Issue 12: copies of 临淄 reports
//! that print zeros as blank, `—` or 0 agree; one with a changed number is a
//! conflict on exactly that key.

mod support;

use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_reportdex"))
}

fn expected(stem: &str) -> Value {
    let p = support::root().join(format!("samples/expected/{stem}.docx.json"));
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

/// A metric of a sample's expected JSON, as a number (null: None).
fn metric(stem: &str, key: &str) -> Option<f64> {
    expected(stem)["metrics"][key].as_f64()
}

/// `samples/` converted into a temporary OUT and indexed, once per test binary.
fn dataset() -> &'static Path {
    static OUT: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    &OUT.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let st = bin()
            .args(["convert", "-q", "--no-index", "-o"])
            .arg(&out)
            .arg(support::root().join("samples"))
            .status()
            .unwrap();
        assert!(st.success(), "convert failed");
        let o = bin().arg("index").arg(&out).output().unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        (dir, out)
    })
    .1
}

fn index_json() -> Value {
    let text = std::fs::read_to_string(dataset().join("index.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn validate(schema: &str, v: &Value) {
    let s: Value = serde_json::from_str(
        &std::fs::read_to_string(support::root().join("schemas").join(schema)).unwrap(),
    )
    .unwrap();
    let val = jsonschema::validator_for(&s).unwrap();
    let errors: Vec<String> = val
        .iter_errors(v)
        .take(5)
        .map(|e| format!("{e} at {}", e.instance_path))
        .collect();
    assert!(errors.is_empty(), "{schema}: {errors:#?}");
}

fn compare(args: &[&str]) -> Output {
    bin()
        .arg("compare")
        .arg(dataset())
        .args(args)
        .output()
        .unwrap()
}

fn compare_json(agency: &str, extra: &[&str]) -> Value {
    let mut args = vec!["--agency", agency, "--format", "json"];
    args.extend_from_slice(extra);
    let o = compare(&args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    validate("compare.schema.json", &v);
    v
}

fn agency<'a>(idx: &'a Value, key: &str) -> &'a Value {
    idx["agencies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["key"] == key)
        .unwrap_or_else(|| panic!("no agency {key}"))
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
fn index_validates_and_groups_the_samples_by_agency_and_year() {
    let idx = index_json();
    validate("index.schema.json", &idx);
    let keys: Vec<&str> = idx["agencies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["key"].as_str().unwrap())
        .collect();
    // One agency per name of the generated samples, sorted.
    let want: Vec<String> = support::sample_agencies().into_iter().collect();
    assert_eq!(keys, want);
    for key in [
        "威海市文登区财政局",
        "开平市科工商务局",
        "开平市自然资源局",
        "武汉市汉阳区文化和旅游局",
        "宿迁市宿豫区水务局",
    ] {
        assert!(keys.contains(&key), "{key}");
    }
    for key in [
        "威海市文登区财政局",
        "开平市自然资源局",
        "武汉市汉阳区文化和旅游局",
    ] {
        let years: Vec<i64> = agency(&idx, key)["years"]
            .as_array()
            .unwrap()
            .iter()
            .map(|y| y["year"].as_i64().unwrap())
            .collect();
        assert_eq!(years, vec![2020, 2021, 2022], "{key}");
    }
    assert_eq!(idx["unassigned"], json!([]));
}

#[test]
fn a_title_in_traditional_characters_joins_its_agency() {
    let idx = index_json();
    let wd = agency(&idx, "威海市文登区财政局");
    let y2021 = &wd["years"][1];
    assert_eq!(y2021["year"], 2021);
    assert_eq!(y2021["reports"][0]["agency"], "威海市文登區財政局");
    assert!(wd["forms"]
        .as_array()
        .unwrap()
        .contains(&json!("威海市文登區財政局")));
    // The name form is accepted by compare as well.
    let v = compare_json("威海市文登區財政局", &[]);
    assert_eq!(v["agency_key"], "威海市文登区财政局");
}

#[test]
fn two_files_for_one_agency_year_are_kept_and_flagged() {
    let idx = index_json();
    let wd = agency(&idx, "威海市文登区财政局");
    let y2022 = &wd["years"][2];
    assert_eq!(y2022["conflict"], true);
    assert_eq!(y2022["values_agree"], false, "the re-issue differs");
    let paths: Vec<&str> = y2022["reports"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        paths,
        vec![
            "samples/wendeng_caizheng_2022.doc",
            "samples/wendeng_caizheng_2022.docx",
            "samples/wendeng_caizheng_2022.odt",
            "samples/wendeng_caizheng_2022_reissue.doc",
            "samples/wendeng_caizheng_2022_reissue.docx",
            "samples/wendeng_caizheng_2022_reissue.odt"
        ]
    );
    // s2.license.decisions: 5 in the report, 6 in the re-issue (expected JSON).
    let differs = &expected("wendeng_caizheng_2022_reissue")["differs"]["s2.license.decisions"];
    let vals: Vec<Option<f64>> = y2022["reports"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["metrics"]["s2.license.decisions"].as_f64())
        .collect();
    let (a, b) = (differs[0].as_f64(), differs[1].as_f64());
    assert_eq!(vals, vec![a, a, a, b, b, b]);
    assert_ne!(a, b);
    // DOCX + ODT + DOC of one report: a conflict whose values agree.
    assert_eq!(wd["years"][0]["conflict"], true);
    assert_eq!(wd["years"][0]["values_agree"], true);
    let v = compare_json("文登", &[]);
    assert_eq!(
        v["conflicts"],
        json!([{"year": 2020, "reports": 3, "values_agree": true},
               {"year": 2021, "reports": 3, "values_agree": true},
               {"year": 2022, "reports": 6, "values_agree": false, "differing": [
                   {"key": "s2.license.decisions", "values": [a, a, a, b, b, b]}]}])
    );
}

/// 临淄 (issue 12 §6): 2021 as DOCX and ODT with zeros printed blank, and as
/// DOCX and ODT with zeros printed 0: one report, no conflict. 2020 with zeros
/// printed `—`, and a copy printing them 0 with one changed number: a conflict
/// on exactly that key, with each copy's value.
#[test]
fn copies_that_print_zeros_differently_agree_and_one_changed_number_is_named() {
    let idx = index_json();
    let lz = agency(&idx, "淄博市临淄区审计局");
    let y = |year: i64| {
        lz["years"]
            .as_array()
            .unwrap()
            .iter()
            .find(|y| y["year"] == year)
            .unwrap()
            .clone()
    };
    let y2021 = y(2021);
    assert_eq!(y2021["reports"].as_array().unwrap().len(), 4);
    assert_eq!(y2021["conflict"], true);
    assert_eq!(y2021["values_agree"], true);
    assert!(y2021.get("differing").is_none());
    // The blank copies really print blanks where the others print 0.
    let nulls = |r: &Value| {
        r["metrics"]
            .as_object()
            .unwrap()
            .values()
            .filter(|v| v.is_null())
            .count()
    };
    let counts: Vec<usize> = y2021["reports"]
        .as_array()
        .unwrap()
        .iter()
        .map(nulls)
        .collect();
    assert!(
        counts.iter().any(|&n| n > 50) && counts.contains(&0),
        "{counts:?}"
    );

    let y2020 = y(2020);
    let paths: Vec<&str> = y2020["reports"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["path"].as_str().unwrap())
        .collect();
    assert_eq!(y2020["values_agree"], false);
    let differs = &expected("linzi_shenji_2020_recount")["differs"]["s2.license.decisions"];
    let (a, b) = (differs[0].as_f64().unwrap(), differs[1].as_f64().unwrap());
    let want: Vec<f64> = paths
        .iter()
        .map(|p| if p.contains("_recount") { b } else { a })
        .collect();
    assert_eq!(
        y2020["differing"],
        json!([{"key": "s2.license.decisions", "values": want}]),
        "{paths:?}"
    );
    // compare says the same: the 2021 copies agree, 2020 names the key.
    let v = compare_json("临淄", &[]);
    assert_eq!(v["conflicts"][0]["year"], 2020);
    assert_eq!(
        v["conflicts"][0]["differing"][0]["key"],
        "s2.license.decisions"
    );
    assert_eq!(v["conflicts"][1]["values_agree"], true);
    let t = compare(&["--agency", "临淄", "--format", "table"]);
    let text = String::from_utf8(t.stdout).unwrap();
    assert!(
        text.contains("2020: CONFLICT, 4 reports with different values in s2.license.decisions ("),
        "{text}"
    );
    assert!(
        text.contains("2021: 4 reports with identical values"),
        "{text}"
    );
}

#[test]
fn carry_over_check_passes_where_consistent_and_fails_on_the_mismatch() {
    let idx = index_json();
    let r6 = |key: &str, year: i64| -> Vec<(String, String, Value, Value)> {
        agency(&idx, key)["cross_checks"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["rule"] == "R6" && c["year"] == year)
            .map(|c| {
                (
                    c["column"].as_str().unwrap().to_string(),
                    c["status"].as_str().unwrap().to_string(),
                    c["expected"].clone(),
                    c["actual"].clone(),
                )
            })
            .collect()
    };
    // 开平市自然资源局 2020→2021: 二、上年结转 is 3 higher than 2020's 四.
    let kp = r6("开平市自然资源局", 2021);
    let fails: Vec<&(String, String, Value, Value)> = kp.iter().filter(|c| c.1 == "fail").collect();
    assert_eq!(fails.len(), 2, "{kp:?}");
    for (col, _, exp, act) in fails {
        assert!(col == "natural_person" || col == "total");
        assert_eq!(
            exp.as_f64(),
            metric(
                "kaiping_ziranziyuan_2020",
                &format!("s3.carried_forward.{col}")
            )
        );
        assert_eq!(
            act.as_f64(),
            metric(
                "kaiping_ziranziyuan_2021",
                &format!("s3.carried_over.{col}")
            )
        );
        assert_eq!(act.as_f64().unwrap() - exp.as_f64().unwrap(), 3.0);
    }
    assert_eq!(kp.iter().filter(|c| c.1 == "pass").count(), 5);
    // Consistent pairs pass in every column.
    for (key, year) in [
        ("开平市自然资源局", 2022),
        ("武汉市汉阳区文化和旅游局", 2021),
        ("武汉市汉阳区文化和旅游局", 2022),
        ("威海市文登区财政局", 2021),
    ] {
        let c = r6(key, year);
        assert_eq!(c.len(), 7);
        assert!(c.iter().all(|c| c.1 == "pass"), "{key} {year}: {c:?}");
    }
    // Against the conflicting 2022 (values differ): not checked.
    assert!(r6("威海市文登区财政局", 2022)
        .iter()
        .all(|c| c.1 == "not_checkable"));

    // compare marks the failed values and lists the warning.
    let o = compare(&["--agency", "自然资源", "--metrics", "s3.carried_over"]);
    assert!(o.status.success());
    let t = String::from_utf8(o.stdout).unwrap();
    assert!(
        t.contains("2021 R6 2020→2021: FAIL (warning) natural_person: expected 10, found 13"),
        "{t}"
    );
    assert!(t.contains("2021 R6 2020→2021: FAIL (warning) total: expected 10, found 13"));
    assert!(t.contains("2022 R6 2021→2022: 7 pass"));
    let v = compare_json("自然资源", &["--metrics", "s3.carried_over"]);
    assert_eq!(row(&v, "s3.carried_over.total")["flagged"], json!([2021]));
    assert_eq!(row(&v, "s3.carried_over.commercial")["flagged"], json!([]));
}

#[test]
fn compare_shows_exact_values_and_changes() {
    let v = compare_json("汉阳区文化和旅游局", &["--metrics", "all"]);
    assert_eq!(v["agency"], "武汉市汉阳区文化和旅游局");
    assert_eq!(v["years"], json!([2020, 2021, 2022]));
    let stems = [
        "hanyang_wenlv_2020",
        "hanyang_wenlv_2021",
        "hanyang_wenlv_2022",
    ];
    for key in [
        "s3.new_received.total",
        "s3.granted.total",
        "s3.total_processed.total",
        "s4.review.total",
    ] {
        let r = row(&v, key);
        for (y, stem) in [2020, 2021, 2022].iter().zip(stems) {
            assert_eq!(
                r["values"][y.to_string()].as_f64(),
                metric(stem, key),
                "{key} {y}"
            );
        }
    }
    // 一、本年新收 总计: 12, 12, 17.
    let r = row(&v, "s3.new_received.total");
    assert_eq!(
        r["values"],
        json!({"2020": 12.0, "2021": 12.0, "2022": 17.0})
    );
    assert_eq!(
        r["changes"],
        json!({"2021": {"from_year": 2020, "abs": 0.0, "pct": 0.0},
               "2022": {"from_year": 2021, "abs": 5.0, "pct": 41.666667}})
    );
    // hanyang 2022 fails R1 natural_person / total and R5 review.
    let failed: Vec<(i64, &str, &str)> = v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["prev_year"].is_null())
        .map(|c| {
            (
                c["year"].as_i64().unwrap(),
                c["rule"].as_str().unwrap(),
                c["column"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        failed,
        vec![
            (2022, "R1", "natural_person"),
            (2022, "R1", "total"),
            (2022, "R5", "review")
        ]
    );
    assert_eq!(row(&v, "s4.review.total")["flagged"], json!([2022]));
    assert_eq!(row(&v, "s3.new_received.total")["flagged"], json!([2022]));
}

#[test]
fn version_only_keys_are_absent_not_zero_and_other_total_spans_versions() {
    let v = compare_json(
        "汉阳",
        &[
            "--metrics",
            "s2.fee,s3.other.total.total,s3.other.misc.total",
        ],
    );
    let fee = row(&v, "s2.fee.amount_wan_yuan");
    assert_eq!(fee["absent"], json!([2020]));
    assert_eq!(
        fee["values"],
        json!({"2020": null, "2021": 634.6, "2022": 433.81})
    );
    assert_eq!(
        fee["changes"]["2021"],
        Value::Null,
        "no change from an absent year"
    );
    let items = row(&v, "s2.fee.items_prev");
    assert_eq!(items["absent"], json!([2021, 2022]));
    assert_eq!(items["values"]["2020"], json!(0.0), "a real 0 in 2020");
    // 2020's single （六）其他处理 row against 2021's sum of three sub-rows.
    let other = row(&v, "s3.other.total.total");
    assert_eq!(other["absent"], json!([]));
    assert_eq!(
        other["values"],
        json!({"2020": 1.0, "2021": 1.0, "2022": 0.0})
    );
    let sum: f64 = ["no_correction", "no_fee", "misc"]
        .iter()
        .map(|k| metric("hanyang_wenlv_2021", &format!("s3.other.{k}.total")).unwrap())
        .sum();
    assert_eq!(other["values"]["2021"].as_f64().unwrap(), sum);
    assert_eq!(row(&v, "s3.other.misc.total")["absent"], json!([2020]));

    // The table says so in words.
    let o = compare(&["--agency", "汉阳", "--metrics", "s2.fee.amount_wan_yuan"]);
    let t = String::from_utf8(o.stdout).unwrap();
    let line = t
        .lines()
        .find(|l| l.starts_with("s2.fee.amount_wan_yuan"))
        .unwrap();
    assert_eq!(
        line,
        "s2.fee.amount_wan_yuan  行政事业性收费/本年收费金额（单位：万元）   n/a  634.6         433.81  -200.79 (-31.6%)"
    );
}

#[test]
fn text_similarity_is_reported_per_standard_section() {
    let v = compare_json("汉阳", &[]);
    let s = &v["text_similarity"]["2021"];
    assert_eq!(s["prev_year"], 2020);
    let sections = s["sections"].as_object().unwrap();
    for name in ["all", "1", "2", "3", "4", "5", "6"] {
        let f = &sections[name];
        for k in ["sentence_reuse", "ngram_reuse"] {
            let x = f[k].as_f64().unwrap_or(-1.0);
            assert!((0.0..=1.0).contains(&x), "{name} {k} {x}");
        }
    }
    assert_eq!(sections["1"]["title"], "一、总体情况");
}

#[test]
fn unknown_or_ambiguous_agency_exits_1_with_candidates() {
    let o = compare(&["--agency", "开平"]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8(o.stderr).unwrap();
    assert_eq!(
        err,
        "reportdex: \"开平\" matches 2 agencies; name one of:\n  开平市科工商务局\n  开平市自然资源局\n"
    );
    let o = compare(&["--agency", "文登区教育局"]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8(o.stderr).unwrap();
    assert!(
        err.starts_with(
            "reportdex: no agency matches \"文登区教育局\"; similar names:\n  威海市文登区财政局\n"
        ),
        "{err}"
    );
    assert!(o.stdout.is_empty());
    // Usage errors exit 2.
    let o = compare(&["--years", "20-21", "--all"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn csv_and_html_outputs() {
    let o = compare(&[
        "--agency",
        "汉阳",
        "--format",
        "csv",
        "--metrics",
        "s3.new_received.total",
    ]);
    assert_eq!(
        String::from_utf8(o.stdout).unwrap(),
        "agency,agency_key,key,label,unit,2020,2021,2022,change_2021,change_2022,pct_2021,pct_2022,flagged_years\n\
武汉市汉阳区文化和旅游局,武汉市汉阳区文化和旅游局,s3.new_received.total,一、本年新收政府信息公开申请数量 × 申请人情况/总计,件,12,12,17,0,5,0.00,41.67,2022\n"
    );
}

/// `compare --all --format html -o DIR` writes a site: an index page linking
/// one self-contained page per agency (and back), with national figures
/// that agree with `compare --all --format json`.
#[test]
fn all_html_writes_a_linked_site() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    let o = compare(&["--all", "--format", "html", "-o", site.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stderr).contains(&format!(
        "{} agency pages",
        support::sample_agencies().len()
    )));
    let index = std::fs::read_to_string(site.join("index.html")).unwrap();
    let all = compare(&["--all", "--format", "json"]);
    let all: Value = serde_json::from_slice(&all.stdout).unwrap();
    let agencies = all["agencies"].as_array().unwrap();

    // One link per agency, in index order, to a page that exists and links back.
    let link = regex::Regex::new(r#"<a href="(agencies/[^"]+)">([^<]+)</a>"#).unwrap();
    let links: Vec<(String, String)> = link
        .captures_iter(&index)
        .map(|c| (c[1].to_string(), c[2].to_string()))
        .collect();
    assert_eq!(links.len(), agencies.len());
    assert_eq!(
        std::fs::read_dir(site.join("agencies")).unwrap().count(),
        agencies.len()
    );
    for ((href, name), a) in links.iter().zip(agencies) {
        assert_eq!(name, a["agency"].as_str().unwrap());
        let page = std::fs::read_to_string(site.join(support::percent_decode(href)))
            .unwrap_or_else(|e| panic!("{href}: {e}"));
        assert!(page.contains("<a href=\"../index.html\" id=\"home\">"));
        assert_eq!(page.matches("<section class=\"agency\"").count(), 1);
        assert_eq!(page.matches("<svg").count(), 5);
        assert!(page.contains(&format!("<h2>{name}</h2>")));
        assert!(!page.contains("https://") && !page.contains("<script"));
    }

    // National figures per year: agencies, reports, requests received.
    let row = regex::Regex::new(
        r#"<tr><td>(\d{4})</td><td class="num">(\d+)</td><td class="num">(\d+)</td><td class="num">([\d.]+)</td>"#,
    )
    .unwrap();
    let mut years = 0;
    for c in row.captures_iter(&index) {
        let y = &c[1];
        let with_year: Vec<&Value> = agencies
            .iter()
            .filter(|a| a["reports"].get(y).is_some())
            .collect();
        let reports: usize = with_year
            .iter()
            .map(|a| a["reports"][y].as_array().unwrap().len())
            .sum();
        let received: f64 = with_year
            .iter()
            .filter_map(|a| a["headline"][0]["values"][y].as_f64())
            .sum();
        assert_eq!(c[2].parse::<usize>().unwrap(), with_year.len(), "{y}");
        assert_eq!(c[3].parse::<usize>().unwrap(), reports, "{y}");
        assert_eq!(c[4].parse::<f64>().unwrap(), received, "{y}");
        years += 1;
    }
    assert_eq!(years, 3, "2020-2022 in the samples");
    assert!(index.contains("<input id=\"q\""), "search box");
    assert!(!index.contains("https://") && !index.contains("http://"));

    // Without a directory: a usage error.
    let o = compare(&["--all", "--format", "html"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("-o DIR"));
}

#[test]
fn convert_builds_the_index_unless_told_not_to() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("o");
    let sample = support::root().join("samples/hanyang_wenlv_2021.docx");
    let st = bin()
        .args(["convert", "-q", "-o"])
        .arg(&out)
        .arg(&sample)
        .status()
        .unwrap();
    assert!(st.success());
    let idx: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("index.json")).unwrap()).unwrap();
    validate("index.schema.json", &idx);
    assert_eq!(idx["reports_read"], 1);
    let out2 = dir.path().join("o2");
    let st = bin()
        .args(["convert", "-q", "--no-index", "-o"])
        .arg(&out2)
        .arg(&sample)
        .status()
        .unwrap();
    assert!(st.success());
    assert!(!out2.join("index.json").exists());
    // compare builds the index in memory when index.json is missing ...
    let o = bin()
        .args([
            "compare",
            "--agency",
            "汉阳",
            "--metrics",
            "s3.new_received.total",
        ])
        .arg(&out2)
        .output()
        .unwrap();
    assert!(o.status.success());
    assert!(String::from_utf8(o.stdout)
        .unwrap()
        .contains("s3.new_received.total"));
    // ... and warns when index.json is older than reports.jsonl.
    assert!(bin()
        .arg("index")
        .arg("-q")
        .arg(&out2)
        .status()
        .unwrap()
        .success());
    let f = std::fs::File::options()
        .append(true)
        .open(out2.join("reports.jsonl"))
        .unwrap();
    f.set_modified(std::time::SystemTime::now() + std::time::Duration::from_secs(60))
        .unwrap();
    let o = bin()
        .args(["compare", "--agency", "汉阳"])
        .arg(&out2)
        .output()
        .unwrap();
    assert!(o.status.success());
    let err = String::from_utf8(o.stderr).unwrap();
    assert!(
        err.contains("is older than reports.jsonl: run `reportdex index"),
        "{err}"
    );
}

#[test]
fn a_subtotal_of_blank_cells_is_blank_not_absent() {
    // 开平市自然资源局 2020 leaves the 总计 column of the detail rows blank, so
    // the derived 不予公开 subtotal cannot be computed for that column.
    let v = compare_json("自然资源", &["--metrics", "s3.denied.total.total"]);
    let r = row(&v, "s3.denied.total.total");
    assert_eq!(r["absent"], json!([]));
    assert_eq!(r["values"]["2020"], Value::Null);
    for (y, stem) in [
        (2021, "kaiping_ziranziyuan_2021"),
        (2022, "kaiping_ziranziyuan_2022"),
    ] {
        let sum: f64 = [
            "state_secret",
            "law_forbidden",
            "three_security_one_stability",
            "third_party",
            "internal_affairs",
            "process_info",
            "enforcement_file",
            "admin_query",
        ]
        .iter()
        .map(|k| metric(stem, &format!("s3.denied.{k}.total")).unwrap())
        .sum();
        assert_eq!(r["values"][y.to_string()].as_f64(), Some(sum), "{y}");
    }
    let o = compare(&["--agency", "自然资源", "--metrics", "s3.denied.total.total"]);
    let t = String::from_utf8(o.stdout).unwrap();
    let line = t
        .lines()
        .find(|l| l.starts_with("s3.denied.total.total"))
        .unwrap();
    assert!(line.contains("blank") && !line.contains("n/a"), "{line}");
}

#[test]
fn compare_shows_a_failed_prose_check_beside_its_value() {
    // suyu_shuiwu_2021's text says 结转下年度继续办理 one more than its table.
    let table_value = metric("suyu_shuiwu_2021", "s3.carried_forward.total").unwrap();
    let v = compare_json("宿迁市宿豫区水务局", &["--metrics", "all"]);
    validate("compare.schema.json", &v);
    let r = row(&v, "s3.carried_forward.total");
    assert_eq!(r["flagged"], json!([2021]));
    let note = &r["prose"]["2021"];
    assert_eq!(note["rule"], "P4");
    assert_eq!(note["value"].as_f64(), Some(table_value + 1.0));
    assert!(note["sentence"]
        .as_str()
        .unwrap()
        .contains("结转下年度继续办理"));
    // Nothing else is flagged: the 2020 prose agrees, and so does the rest of 2021.
    let flagged: Vec<&str> = v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["flagged"] != json!([]) || r.get("prose").is_some())
        .map(|r| r["key"].as_str().unwrap())
        .collect();
    assert_eq!(flagged, ["s3.carried_forward.total"]);
    let fails: Vec<&Value> = v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["status"] == "fail")
        .collect();
    assert_eq!(fails.len(), 1, "{fails:?}");
    assert_eq!(fails[0]["rule"], "P4");
    assert!(fails[0]["evidence"].as_str().unwrap().contains("继续办理"));

    let out = compare(&[
        "--agency",
        "宿迁市宿豫区水务局",
        "--format",
        "table",
        "--metrics",
        "all",
    ]);
    let text = String::from_utf8(out.stdout).unwrap();
    let line = text
        .lines()
        .find(|l| l.starts_with("s3.carried_forward.total"))
        .unwrap();
    let tv = table_value as i64;
    assert!(line.contains(&format!("{tv} ! text {}", tv + 1)), "{line}");
    assert!(
        text.contains("2021 P4 FAIL s3.carried_forward.total: table"),
        "{text}"
    );

    let out = compare(&[
        "--agency",
        "宿迁市宿豫区水务局",
        "--format",
        "html",
        "--metrics",
        "all",
    ]);
    let html = String::from_utf8(out.stdout).unwrap();
    assert!(
        html.contains(&format!("<small class=\"prose\">文中 {}</small>", tv + 1)),
        "no prose note"
    );
    assert!(html.contains("title=\"P4 文中为"), "no tooltip");
}
