//! Reports laid out as agencies publish them (issue 12, points 3–4), on the
//! layout samples of `tools/make_samples.py` (those whose expected JSON has a
//! `publication`): a publication-metadata table above the title (a Heading 1
//! or a bold centered line), 二 as one table per 第二十条 block, 三 split over
//! two Word tables with its header rows repeated, 三 with a header row repeated
//! in the middle and 四 glued below it in one Word table.
//!
//! Asserted against what the generator wrote: the document title, the first
//! section, the publication fields, every metric, every check passing, and
//! each metric's source naming the Word table and the cell it holds.

mod support;

use reportdex::convert::{convert_file, ConvertOptions};
use reportdex::output::{DocumentOutput, Section};
use reportdex::profile::{CheckStatus, Report};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

/// The layout samples, with their expected JSON.
fn layout_samples() -> Vec<(PathBuf, Value)> {
    let files = support::files_with_ext(&support::root().join("samples"), &["docx", "odt"]);
    files
        .into_iter()
        .filter_map(|f| {
            let name = f.file_name()?.to_string_lossy().to_string();
            let path = support::root()
                .join("samples/expected")
                .join(format!("{name}.json"));
            let e: Value = serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok()?;
            e.get("publication").is_some().then_some((f, e))
        })
        .collect()
}

fn convert(f: &Path) -> DocumentOutput {
    let rel = f
        .strip_prefix(support::root())
        .unwrap()
        .to_string_lossy()
        .to_string();
    convert_file(f, &rel, &ConvertOptions::default()).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn section_titles(s: &[Section], out: &mut Vec<String>) {
    for x in s {
        out.push(x.title.clone());
        section_titles(&x.sections, out);
    }
}

#[test]
fn layout_samples_exist_in_both_formats_and_templates() {
    let samples = layout_samples();
    let mut seen = std::collections::BTreeSet::new();
    for (f, e) in &samples {
        seen.insert((
            f.extension().unwrap().to_string_lossy().to_string(),
            e["template"].as_str().unwrap().to_string(),
        ));
    }
    assert_eq!(seen.len(), 4, "docx/odt × 2019/2021: {seen:?}");
    // Every layout of issue 12 is present.
    let variants: Vec<String> = samples
        .iter()
        .flat_map(|(_, e)| e["variant"].as_array().unwrap().clone())
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    for v in [
        "heading1_title",
        "bold_centered_title",
        "metadata_table_2col",
        "metadata_table_4col",
        "s2_one_table_per_block",
        "s3_split_repeated_header",
        "s3_repeated_header_row",
        "s3_s4_one_table",
    ] {
        assert!(variants.iter().any(|x| x == v), "no sample with {v}");
    }
}

#[test]
fn title_is_the_document_title_and_sections_start_at_one() {
    for (f, e) in layout_samples() {
        let name = f.file_name().unwrap().to_string_lossy().to_string();
        let out = convert(&f);
        let title = e["title"].as_str().unwrap();
        assert_eq!(out.title.as_deref(), Some(title), "{name}");
        let mut titles = Vec::new();
        section_titles(&out.sections, &mut titles);
        assert!(
            !titles.iter().any(|t| t == title),
            "{name}: the title opened a section: {titles:?}"
        );
        let first = titles.iter().find(|t| !t.is_empty()).unwrap();
        assert_eq!(first, e["first_section"].as_str().unwrap(), "{name}");
        let r = out.report.as_ref().unwrap();
        assert_eq!(r.sections[0].standard, 1, "{name}");
        assert_eq!(r.sections[0].title, "一、总体情况", "{name}");
        let want: Vec<String> = e["headings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|h| h[0] == 1)
            .map(|h| h[1].as_str().unwrap().to_string())
            .collect();
        let got: Vec<String> = r.sections.iter().map(|s| s.title.clone()).collect();
        assert_eq!(got, want, "{name}");
    }
}

#[test]
fn publication_fields_are_read_with_their_cells() {
    for (f, e) in layout_samples() {
        let name = f.file_name().unwrap().to_string_lossy().to_string();
        let out = convert(&f);
        let r = out.report.as_ref().unwrap();
        let p = r
            .publication
            .as_ref()
            .unwrap_or_else(|| panic!("{name}: no publication"));
        let w = &e["publication"];
        let value = |x: &Option<reportdex::profile::publication::PublicationField>| {
            json!(x.as_ref().map(|f| f.value.clone()))
        };
        assert_eq!(value(&p.index_no), w["index_no"], "{name} index_no");
        assert_eq!(value(&p.publisher), w["publisher"], "{name} publisher");
        assert_eq!(value(&p.date), w["date"], "{name} date");
        assert_eq!(value(&p.doc_no), w["doc_no"], "{name} doc_no");
        assert_eq!(value(&p.title), w["title"], "{name} title");
        assert_eq!(
            p.date.as_ref().map(|d| d.text.as_str()),
            w["date_text"].as_str(),
            "{name} date as printed"
        );
        // Each field's source is a cell of the metadata table (the first table)
        // holding that text, right of its label.
        let meta = &e["tables"][0];
        for f in [&p.index_no, &p.publisher, &p.date, &p.doc_no, &p.title]
            .into_iter()
            .flatten()
        {
            assert_eq!(f.source.table, Some(0), "{name}");
            let cell = cell_at(meta, f.source.row.unwrap(), f.source.col.unwrap())
                .unwrap_or_else(|| panic!("{name}: no cell at {:?}", f.source));
            assert_eq!(cell["text"], json!(f.text), "{name}");
            let label = cell_at(meta, f.source.row.unwrap(), f.source.col.unwrap() - 1).unwrap();
            assert_eq!(label["text"], json!(f.label), "{name}");
        }
        // The metadata table is no standard table: no metric comes from it.
        assert!(
            r.metric_sources.values().all(|s| s.table != Some(0)),
            "{name}"
        );
    }
}

/// The expected anchor cell at (row, col) of an expected table.
fn cell_at(t: &Value, row: u32, col: u32) -> Option<&Value> {
    t["cells"]
        .as_array()?
        .iter()
        .find(|c| c["row"] == json!(row) && c["col"] == json!(col))
}

/// Index of the expected table holding a cell with this text.
fn table_with(e: &Value, text: &str) -> Vec<usize> {
    e["tables"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
        .filter(|(_, t)| {
            t["cells"]
                .as_array()
                .unwrap()
                .iter()
                .any(|c| c["text"] == json!(text))
        })
        .map(|(i, _)| i)
        .collect()
}

fn report(f: &Path) -> Report {
    convert(f).report.unwrap()
}

#[test]
fn metrics_of_the_logical_table_with_sources_naming_word_table_and_cell() {
    for (f, e) in layout_samples() {
        let name = f.file_name().unwrap().to_string_lossy().to_string();
        let r = report(&f);
        // Every metric, as generated.
        for (k, v) in e["metrics"].as_object().unwrap() {
            let got = r
                .metrics
                .get(k)
                .map(|x| json!(x))
                .unwrap_or(json!("<absent>"));
            assert_eq!(&got, v, "{name}: {k}");
        }
        // Every check passes (nothing is planted in these samples).
        assert!(!r.checks.is_empty(), "{name}");
        let not_pass: Vec<_> = r
            .checks
            .iter()
            .filter(|c| c.status != CheckStatus::Pass)
            .collect();
        assert!(not_pass.is_empty(), "{name}: {not_pass:?}");
        assert!(e["failing_checks"].as_array().unwrap().is_empty(), "{name}");
        assert!(r.extra_rows.is_empty(), "{name}: {:?}", r.extra_rows);
        // Each source names a Word table and an anchor cell holding the raw text.
        for (k, s) in &r.metric_sources {
            let t = &e["tables"][s.table.unwrap() as usize];
            let cell = cell_at(t, s.row.unwrap(), s.col.unwrap())
                .unwrap_or_else(|| panic!("{name}: {k}: no cell at {s:?}"));
            assert_eq!(cell["text"], json!(s.raw), "{name}: {k}");
        }
        let src = |k: &str| r.metric_sources[k].table.unwrap() as usize;
        let variants = e["variant"].to_string();
        if variants.contains("s2_one_table_per_block") {
            // One Word table per 第二十条 block, all read.
            let blocks = table_with(&e, "信息内容").len();
            assert_eq!(
                blocks,
                if e["template"] == "2019" { 5 } else { 4 },
                "{name}"
            );
            let mut used: Vec<usize> = r
                .metric_sources
                .iter()
                .filter(|(k, _)| k.starts_with("s2."))
                .map(|(_, s)| s.table.unwrap() as usize)
                .collect();
            used.sort_unstable();
            used.dedup();
            assert_eq!(used.len(), blocks, "{name}");
            assert_eq!(
                table_with(&e, "规章"),
                vec![src("s2.regulation.issued")],
                "{name}"
            );
            assert_eq!(
                table_with(&e, "行政强制"),
                vec![src("s2.coercion.decisions")],
                "{name}"
            );
        }
        if variants.contains("s3_split_repeated_header") {
            // Both parts carry the header; rows come from the part holding them.
            let parts = table_with(&e, "自然人");
            assert_eq!(parts.len(), 2, "{name}");
            assert_eq!(parts[1], parts[0] + 1, "{name}");
            assert_eq!(src("s3.new_received.total"), parts[0], "{name}");
            assert_eq!(src("s3.carried_forward.total"), parts[1], "{name}");
            assert_eq!(table_with(&e, "4.保护第三方合法权益"), vec![parts[1]]);
            assert_eq!(src("s3.denied.third_party.natural_person"), parts[1]);
            assert_eq!(src("s3.denied.law_forbidden.natural_person"), parts[0]);
        }
        if variants.contains("s3_s4_one_table") {
            // 三 and 四 from the one Word table; 四 read from its lower rows.
            let glued = table_with(&e, "行政复议");
            assert_eq!(glued, table_with(&e, "自然人"), "{name}");
            assert_eq!(src("s4.review.total"), glued[0], "{name}");
            assert_eq!(src("s3.total_processed.total"), glued[0], "{name}");
            let s3_last = r.metric_sources["s3.carried_forward.total"].row.unwrap();
            assert!(r.metric_sources["s4.review.total"].row.unwrap() > s3_last + 2);
            assert!(r.tables_found.s3 && r.tables_found.s4, "{name}");
        }
        if variants.contains("s3_repeated_header_row") {
            // The repeated header rows sit between the data rows.
            let glued = &e["tables"][table_with(&e, "自然人")[0]];
            let headers = glued["cells"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|c| c["text"] == json!("自然人"))
                .count();
            assert_eq!(headers, 2, "{name}");
        }
    }
}

#[test]
fn docx_and_odt_copies_agree() {
    let samples = layout_samples();
    for (f, _) in samples
        .iter()
        .filter(|(f, _)| f.extension().unwrap() == "docx")
    {
        let odt = f.with_extension("odt");
        let (a, b) = (report(f), report(&odt));
        assert_eq!(a.metrics, b.metrics, "{}", f.display());
        assert_eq!(a.metric_sources, b.metric_sources, "{}", f.display());
        assert_eq!(a.publication, b.publication, "{}", f.display());
    }
}
