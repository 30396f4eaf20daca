//! Property tests: arbitrary tables, section trees and numbering definitions
//! never panic, always give tables that satisfy the invariants of
//! [`Table`](reportdex::model::Table) (`Table::check`), keep every cell text,
//! and give JSON that validates against the schema.
//!
//! Case counts keep the whole file well under a minute in debug builds. A
//! failure found here is also kept as a plain regression test (bottom).

mod support;

use support::zip_of;

use proptest::prelude::*;
use reportdex::convert::{convert_bytes, ConvertOptions};
use reportdex::model::{RawCell, RawRow, RawTable, Table, VMerge};
use reportdex::output::{Content, DocumentOutput, Section};
use std::collections::HashMap;

// ------------------------------------------------------------------ helpers

const W_NS: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
const ODF_NS: &str = r#"xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0""#;
const CT: &[u8] = br#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#;
const RELS: &[u8] = br#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#;

fn docx(body: &str, numbering: Option<&str>) -> Vec<u8> {
    let doc = format!(
        r#"<?xml version="1.0"?><w:document xmlns:w="{W_NS}"><w:body>{body}</w:body></w:document>"#
    );
    let mut parts: Vec<(&str, &[u8])> = vec![
        ("[Content_Types].xml", CT),
        ("_rels/.rels", RELS),
        ("word/document.xml", doc.as_bytes()),
    ];
    let numbering = numbering.map(|n| {
        format!(r#"<?xml version="1.0"?><w:numbering xmlns:w="{W_NS}">{n}</w:numbering>"#)
    });
    if let Some(n) = &numbering {
        parts.push(("word/numbering.xml", n.as_bytes()));
    }
    zip_of(&parts)
}

fn odt(body: &str) -> Vec<u8> {
    let content = format!(
        r#"<?xml version="1.0"?><office:document-content {ODF_NS}><office:body><office:text>{body}</office:text></office:body></office:document-content>"#
    );
    zip_of(&[
        ("mimetype", b"application/vnd.oasis.opendocument.text"),
        ("content.xml", content.as_bytes()),
    ])
}

/// Every table of the output, nested ones included.
fn tables(doc: &DocumentOutput) -> Vec<&Table> {
    fn in_table<'a>(t: &'a Table, out: &mut Vec<&'a Table>) {
        out.push(t);
        for c in &t.cells {
            for n in &c.tables {
                in_table(n, out);
            }
        }
    }
    fn walk<'a>(s: &'a Section, out: &mut Vec<&'a Table>) {
        for c in &s.content {
            if let Content::Table(t) = c {
                in_table(t, out);
            }
        }
        for s in &s.sections {
            walk(s, out);
        }
    }
    let mut out = Vec::new();
    for s in &doc.sections {
        walk(s, &mut out);
    }
    out
}

/// How often each `\n`-separated line occurs in the cells of `tables`.
fn cell_lines<'a>(tables: &[&'a Table]) -> HashMap<&'a str, usize> {
    let mut n = HashMap::new();
    for t in tables {
        for c in &t.cells {
            for line in c.text.split('\n') {
                *n.entry(line).or_insert(0) += 1;
            }
        }
    }
    n
}

/// Run a converted document through every writer and reader of the output:
/// JSON (validated against the schema), the dataset rows, the index and the
/// comparison built from its report line.
fn through_writers(doc: &DocumentOutput) {
    for t in tables(doc) {
        if let Err(e) = t.check() {
            panic!("{e}: {t:?}");
        }
    }
    let json = serde_json::to_vec(doc).unwrap();
    let value: serde_json::Value = serde_json::from_slice(&json).unwrap();
    support::assert_valid_report(&value, &doc.source.path);
    let back: DocumentOutput = serde_json::from_slice(&json).unwrap();
    let rows = reportdex::pipeline::dataset::rows(&back, "x.json").unwrap();
    let index = reportdex::index::build(
        std::io::Cursor::new(&rows.report_line),
        std::path::Path::new("reports.jsonl"),
        None,
        &reportdex::index::names::Aliases::default(),
    )
    .unwrap();
    let opts = reportdex::compare::CompareOptions {
        all: true,
        metrics: Some("all".into()),
        ..Default::default()
    };
    // No agency may be found in a document without a title: an error, not a panic.
    let _ = reportdex::compare::run(&index, &opts);
}

fn convert(bytes: Vec<u8>, name: &str) -> DocumentOutput {
    convert_bytes(bytes, name, &ConvertOptions::default()).unwrap()
}

// ------------------------------------------------------------ raw tables

/// A span: mostly small, sometimes 0 or large, rarely beyond any budget.
fn span() -> impl Strategy<Value = u32> {
    prop_oneof![
        12 => 1u32..=3,
        2 => Just(0u32),
        1 => 4u32..=40,
        1 => Just(3000u32),
        1 => Just(u32::MAX),
    ]
}

fn skip() -> impl Strategy<Value = u32> {
    prop_oneof![8 => Just(0u32), 3 => 1u32..=3, 1 => Just(u32::MAX)]
}

fn raw_cell() -> impl Strategy<Value = RawCell> {
    (
        span(),
        span(),
        prop_oneof![4 => Just(VMerge::None), 1 => Just(VMerge::Restart), 2 => Just(VMerge::Continue)],
        prop::bool::weighted(0.2),
        prop::bool::weighted(0.8),
    )
        .prop_map(|(col_span, row_span, v_merge, covered, has_text)| RawCell {
            // Filled with a unique token below.
            text: if has_text { "?".into() } else { String::new() },
            col_span,
            row_span,
            v_merge,
            covered,
            tables: Vec::new(),
        })
}

fn raw_table() -> impl Strategy<Value = RawTable> {
    let row = (
        prop::collection::vec(raw_cell(), 0..6),
        skip(),
        skip(),
        prop::bool::weighted(0.2),
    )
        .prop_map(|(cells, grid_before, grid_after, header)| RawRow {
            cells,
            grid_before,
            grid_after,
            header,
        });
    (prop::option::of(0u32..8), prop::collection::vec(row, 0..8)).prop_map(
        |(grid_cols, mut rows)| {
            let mut n = 0;
            for c in rows.iter_mut().flat_map(|r| r.cells.iter_mut()) {
                if !c.text.is_empty() {
                    c.text = format!("t{n}");
                    n += 1;
                }
            }
            RawTable { grid_cols, rows }
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// `from_raw` holds the invariants for any rows, and keeps every text
    /// (continuation and covered text joins the covering cell) unless rows
    /// were dropped for size.
    #[test]
    fn from_raw_holds_the_invariants(raw in raw_table()) {
        let texts: Vec<String> = raw
            .rows
            .iter()
            .flat_map(|r| r.cells.iter())
            .filter(|c| !c.text.is_empty())
            .map(|c| c.text.clone())
            .collect();
        let mut w = Vec::new();
        let t = Table::from_raw(raw, "t", &mut w);
        prop_assert_eq!(t.check(), Ok(()), "{:?}", t);
        let dropped = w.iter().any(|w| w.code == "table_too_large");
        let lines = cell_lines(&[&t]);
        for text in &texts {
            let n = lines.get(text.as_str()).copied().unwrap_or(0);
            if dropped {
                prop_assert!(n <= 1, "{} found {} times", text, n);
            } else {
                prop_assert_eq!(n, 1, "{} in {:?} (warnings {:?})", text, t, w);
            }
        }
    }
}

// ------------------------------------------------ tables in DOCX and ODT

/// A cell of a generated document table.
#[derive(Debug, Clone)]
struct GenCell {
    /// 0: empty, 1: a unique token (tracked), 2: `LABELS[label]` (to reach
    /// the profile's table readers; not tracked).
    text: u8,
    label: usize,
    col_span: u32,
    row_span: u32,
    /// 0 none, 1 restart, 2 continue (DOCX); covered placeholder (ODT).
    merge: u8,
    nested: Option<GenTable>,
}

#[derive(Debug, Clone)]
struct GenRow {
    cells: Vec<GenCell>,
    before: u32,
    after: u32,
    header: bool,
}

#[derive(Debug, Clone)]
struct GenTable {
    grid: Option<u32>,
    rows: Vec<GenRow>,
}

fn doc_span() -> impl Strategy<Value = u32> {
    // Huge spans are rare (about one table in ten): a grid of the readers'
    // column caps (1000 DOCX, more ODT) is slow to write and validate in debug
    // builds; `from_raw_holds_the_invariants` covers them.
    prop_oneof![
        400 => 1u32..=3,
        30 => Just(0u32),
        30 => 4u32..=12,
        1 => Just(u32::MAX)
    ]
}

fn gen_table() -> impl Strategy<Value = GenTable> {
    let leaf = Just(None::<GenTable>).boxed();
    gen_table_with(leaf).prop_recursive(2, 8, 2, |inner| {
        gen_table_with(prop_oneof![6 => Just(None), 1 => inner.prop_map(Some)].boxed())
    })
}

fn gen_table_with(nested: BoxedStrategy<Option<GenTable>>) -> BoxedStrategy<GenTable> {
    let cell = (
        prop_oneof![1 => Just(0u8), 3 => Just(1u8), 3 => Just(2u8)],
        0..LABELS.len(),
        doc_span(),
        doc_span(),
        prop_oneof![5 => Just(0u8), 1 => Just(1u8), 2 => Just(2u8)],
        nested,
    )
        .prop_map(|(text, label, col_span, row_span, merge, nested)| GenCell {
            text,
            label,
            col_span,
            row_span,
            merge,
            nested,
        });
    let row = (
        prop::collection::vec(cell, 0..5),
        // gridBefore at its cap (1000 columns) in about one table in ten.
        prop_oneof![300 => Just(0u32), 80 => 1u32..=2, 1 => Just(u32::MAX)],
        prop_oneof![6 => Just(0u32), 2 => 1u32..=2],
        prop::bool::weighted(0.2),
    )
        .prop_map(|(cells, before, after, header)| GenRow {
            cells,
            before,
            after,
            header,
        });
    (prop::option::of(0u32..6), prop::collection::vec(row, 0..10))
        .prop_map(|(grid, rows)| GenTable { grid, rows })
        .boxed()
}

/// Token of the `n`-th text.
fn token(n: &mut usize, texts: &mut Vec<String>) -> String {
    let t = format!("cell{n}");
    *n += 1;
    texts.push(t.clone());
    t
}

/// Labels and values of the standard report tables.
const LABELS: &[&str] = &[
    "信息内容",
    "本年制发件数",
    "本年废止件数",
    "现行有效件数",
    "规章",
    "规范性文件",
    "行政许可",
    "行政处罚",
    "行政强制",
    "行政事业性收费",
    "许可",
    "处罚",
    "收费",
    "本年收费金额（单位：万元）",
    "申请人情况",
    "自然人",
    "法人或其他组织",
    "商业企业",
    "科研机构",
    "社会公益组织",
    "法律服务机构",
    "其他",
    "总计",
    "一、本年新收政府信息公开申请数量",
    "二、上年结转政府信息公开申请数量",
    "三、本年度办理结果",
    "（一）予以公开",
    "（三）不予公开",
    "1.属于国家秘密",
    "四、结转下年度继续办理",
    "行政复议",
    "行政诉讼",
    "结果维持",
    "结果纠正",
    "其他结果",
    "尚未审结",
    "未经复议直接起诉",
    "复议后起诉",
    "合计",
    "件数",
    "0",
    "12",
    "3.5",
    "1,024",
    "—",
    "/",
    "（一）",
    "二、主动公开政府信息情况",
];

fn cell_text(c: &GenCell, n: &mut usize, texts: &mut Vec<String>) -> String {
    if c.text == 1 {
        token(n, texts)
    } else {
        LABELS[c.label].to_string()
    }
}

/// Section headings of the template, put before tables so that the profile
/// reads them as its standard tables.
const SECTIONS: &[&str] = &[
    "二、主动公开政府信息情况",
    "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
    "总体情况",
];

fn docx_table(t: &GenTable, n: &mut usize, texts: &mut Vec<String>) -> String {
    let mut x = String::from("<w:tbl>");
    if let Some(g) = t.grid {
        x.push_str("<w:tblGrid>");
        for _ in 0..g {
            x.push_str(r#"<w:gridCol w:w="100"/>"#);
        }
        x.push_str("</w:tblGrid>");
    }
    for row in &t.rows {
        x.push_str("<w:tr><w:trPr>");
        if row.before > 0 {
            x.push_str(&format!(r#"<w:gridBefore w:val="{}"/>"#, row.before));
        }
        if row.after > 0 {
            x.push_str(&format!(r#"<w:gridAfter w:val="{}"/>"#, row.after));
        }
        if row.header {
            x.push_str("<w:tblHeader/>");
        }
        x.push_str("</w:trPr>");
        for c in &row.cells {
            x.push_str("<w:tc><w:tcPr>");
            if c.col_span != 1 {
                x.push_str(&format!(r#"<w:gridSpan w:val="{}"/>"#, c.col_span));
            }
            match c.merge {
                1 => x.push_str(r#"<w:vMerge w:val="restart"/>"#),
                2 => x.push_str("<w:vMerge/>"),
                _ => {}
            }
            x.push_str("</w:tcPr>");
            if c.text > 0 {
                let t = cell_text(c, n, texts);
                x.push_str(&format!("<w:p><w:r><w:t>{t}</w:t></w:r></w:p>"));
            }
            if let Some(inner) = &c.nested {
                x.push_str(&docx_table(inner, n, texts));
            }
            x.push_str("<w:p/></w:tc>");
        }
        x.push_str("</w:tr>");
    }
    x.push_str("</w:tbl>");
    x
}

fn odt_table(t: &GenTable, n: &mut usize, texts: &mut Vec<String>) -> String {
    let mut x = String::from(r#"<table:table table:name="T">"#);
    if let Some(g) = t.grid {
        x.push_str(&format!(
            r#"<table:table-column table:number-columns-repeated="{g}"/>"#
        ));
    }
    let row_xml = |row: &GenRow, n: &mut usize, texts: &mut Vec<String>| {
        let mut x = String::from("<table:table-row>");
        for c in &row.cells {
            if c.merge == 2 {
                x.push_str("<table:covered-table-cell/>");
                continue;
            }
            x.push_str(&format!(
                r#"<table:table-cell table:number-columns-spanned="{}" table:number-rows-spanned="{}">"#,
                c.col_span, c.row_span
            ));
            if c.text > 0 {
                let t = cell_text(c, n, texts);
                x.push_str(&format!("<text:p>{t}</text:p>"));
            }
            if let Some(inner) = &c.nested {
                x.push_str(&odt_table(inner, n, texts));
            }
            x.push_str("</table:table-cell>");
        }
        x.push_str("</table:table-row>");
        x
    };
    let headers = t.rows.iter().take_while(|r| r.header).count();
    if headers > 0 {
        x.push_str("<table:table-header-rows>");
        for row in &t.rows[..headers] {
            x.push_str(&row_xml(row, n, texts));
        }
        x.push_str("</table:table-header-rows>");
    }
    for row in &t.rows[headers..] {
        x.push_str(&row_xml(row, n, texts));
    }
    x.push_str("</table:table>");
    x
}

/// Each generated text is found exactly once among the output's cells,
/// unless a size limit dropped rows or cells (then at most once).
fn texts_survive(doc: &DocumentOutput, texts: &[String]) -> Result<(), TestCaseError> {
    let all = tables(doc);
    let lines = cell_lines(&all);
    let capped = doc.warnings.iter().any(|w| {
        w.code.contains("too_large") || w.code.contains("too_many") || w.code.contains("capped")
    });
    for t in texts {
        let n = lines.get(t.as_str()).copied().unwrap_or(0);
        if capped {
            prop_assert!(n <= 1, "{} found {} times", t, n);
        } else {
            prop_assert_eq!(n, 1, "{} (warnings {:?}) in {:#?}", t, doc.warnings, all);
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn docx_tables_survive(ts in prop::collection::vec((gen_table(), 0..SECTIONS.len()), 1..3)) {
        let (mut n, mut texts) = (0, Vec::new());
        let mut body = String::from("<w:p><w:r><w:t>某市2023年政府信息公开工作年度报告</w:t></w:r></w:p>");
        for (t, h) in &ts {
            body.push_str(&format!(
                r#"<w:p><w:pPr><w:outlineLvl w:val="0"/></w:pPr><w:r><w:t>{}</w:t></w:r></w:p>"#,
                SECTIONS[*h]
            ));
            body.push_str(&docx_table(t, &mut n, &mut texts));
            body.push_str("<w:p/>");
        }
        let doc = convert(docx(&body, None), "t.docx");
        through_writers(&doc);

        texts_survive(&doc, &texts)?;
    }

    #[test]
    fn odt_tables_survive(ts in prop::collection::vec((gen_table(), 0..SECTIONS.len()), 1..3)) {
        let (mut n, mut texts) = (0, Vec::new());
        let mut body = String::from("<text:p>某市2023年政府信息公开工作年度报告</text:p>");
        for (t, h) in &ts {
            body.push_str(&format!(
                r#"<text:h text:outline-level="1">{}</text:h>"#,
                SECTIONS[*h]
            ));
            body.push_str(&odt_table(t, &mut n, &mut texts));
        }
        let doc = convert(odt(&body), "t.odt");
        through_writers(&doc);
        texts_survive(&doc, &texts)?;
    }
}

// ------------------------------------------- section trees and numbering

const TITLES: &[&str] = &[
    "一、",
    "二、",
    "十一、",
    "（一）",
    "（十）",
    "(二)",
    "1.",
    "12.",
    "1．",
    "（1）",
    "(3)",
    "第一章",
    "第二节",
    "1、",
    "①",
    "",
    "三是",
    "一、二、",
];
const WORDS: &[&str] = &[
    "总体情况",
    "主动公开政府信息情况",
    "收到和处理政府信息公开申请情况",
    "政府信息公开行政复议、行政诉讼情况",
    "存在的主要问题及改进情况",
    "其他需要报告的事项",
    "规章",
    "",
];
const FORMATS: &[&str] = &[
    "decimal",
    "chineseCounting",
    "chineseCountingThousand",
    "ideographTraditional",
    "upperRoman",
    "lowerLetter",
    "decimalEnclosedCircle",
    "bullet",
    "none",
    "bogus",
];
const LVL_TEXTS: &[&str] = &[
    "%1、",
    "（%2）",
    "%1.%2",
    "%3)",
    "第%1章",
    "%0",
    "%9.%1",
    "",
    "%1%1%1",
    "（%1）、",
];

#[derive(Debug, Clone)]
enum Para {
    /// outlineLvl (10 = none), prefix, words.
    Heading(u32, usize, usize),
    /// numId, ilvl, words.
    Numbered(u32, u32, usize),
    Body(usize),
}

fn para() -> impl Strategy<Value = Para> {
    prop_oneof![
        3 => (0u32..=10, 0..TITLES.len(), 0..WORDS.len()).prop_map(|(l, p, w)| Para::Heading(l, p, w)),
        2 => (prop_oneof![0u32..=4, Just(u32::MAX)], prop_oneof![0u32..=9, Just(99_999)], 0..WORDS.len())
            .prop_map(|(n, l, w)| Para::Numbered(n, l, w)),
        2 => (0..WORDS.len()).prop_map(Para::Body),
    ]
}

#[derive(Debug, Clone)]
struct Lvl {
    ilvl: u32,
    start: Option<u32>,
    fmt: usize,
    text: usize,
    restart: Option<u32>,
}

fn numbering() -> impl Strategy<Value = String> {
    let lvl = (
        prop_oneof![0u32..=9, Just(u32::MAX)],
        prop::option::of(prop_oneof![0u32..=20, Just(u32::MAX)]),
        0..FORMATS.len(),
        0..LVL_TEXTS.len(),
        prop::option::of(0u32..=10),
    )
        .prop_map(|(ilvl, start, fmt, text, restart)| Lvl {
            ilvl,
            start,
            fmt,
            text,
            restart,
        });
    let abstract_num = (0u32..4, prop::collection::vec(lvl, 0..6));
    let num = (
        0u32..=4,
        0u32..5,
        prop::collection::vec((0u32..=10, prop::option::of(0u32..=50)), 0..3),
    );
    (
        prop::collection::vec(abstract_num, 0..4),
        prop::collection::vec(num, 0..5),
    )
        .prop_map(|(abstracts, nums)| {
            let mut x = String::new();
            for (id, lvls) in abstracts {
                x.push_str(&format!(r#"<w:abstractNum w:abstractNumId="{id}">"#));
                for l in lvls {
                    x.push_str(&format!(r#"<w:lvl w:ilvl="{}">"#, l.ilvl));
                    if let Some(s) = l.start {
                        x.push_str(&format!(r#"<w:start w:val="{s}"/>"#));
                    }
                    x.push_str(&format!(
                        r#"<w:numFmt w:val="{}"/><w:lvlText w:val="{}"/>"#,
                        FORMATS[l.fmt], LVL_TEXTS[l.text]
                    ));
                    if let Some(r) = l.restart {
                        x.push_str(&format!(r#"<w:lvlRestart w:val="{r}"/>"#));
                    }
                    x.push_str("</w:lvl>");
                }
                x.push_str("</w:abstractNum>");
            }
            for (num_id, abs, overrides) in nums {
                x.push_str(&format!(
                    r#"<w:num w:numId="{num_id}"><w:abstractNumId w:val="{abs}"/>"#
                ));
                for (ilvl, start) in overrides {
                    x.push_str(&format!(r#"<w:lvlOverride w:ilvl="{ilvl}">"#));
                    if let Some(s) = start {
                        x.push_str(&format!(r#"<w:startOverride w:val="{s}"/>"#));
                    }
                    x.push_str("</w:lvlOverride>");
                }
                x.push_str("</w:num>");
            }
            x
        })
}

fn docx_paras(paras: &[Para]) -> String {
    let mut x = String::new();
    for p in paras {
        match p {
            Para::Heading(l, t, w) => {
                let lvl = if *l < 10 {
                    format!(r#"<w:pPr><w:outlineLvl w:val="{l}"/></w:pPr>"#)
                } else {
                    String::new()
                };
                x.push_str(&format!(
                    "<w:p>{lvl}<w:r><w:t>{}{}</w:t></w:r></w:p>",
                    TITLES[*t], WORDS[*w]
                ));
            }
            Para::Numbered(n, l, w) => x.push_str(&format!(
                r#"<w:p><w:pPr><w:numPr><w:ilvl w:val="{l}"/><w:numId w:val="{n}"/></w:numPr></w:pPr><w:r><w:t>{}</w:t></w:r></w:p>"#,
                WORDS[*w]
            )),
            Para::Body(w) => x.push_str(&format!("<w:p><w:r><w:t>{}</w:t></w:r></w:p>", WORDS[*w])),
        }
    }
    x
}

fn odt_paras(paras: &[Para]) -> String {
    let mut x = String::new();
    for p in paras {
        match p {
            Para::Heading(l, t, w) => x.push_str(&format!(
                r#"<text:h text:outline-level="{l}">{}{}</text:h>"#,
                TITLES[*t], WORDS[*w]
            )),
            Para::Numbered(_, _, w) | Para::Body(w) => {
                x.push_str(&format!("<text:p>{}</text:p>", WORDS[*w]))
            }
        }
    }
    x
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn section_trees_and_numbering(
        paras in prop::collection::vec(para(), 0..24),
        numbering in prop::option::of(numbering()),
    ) {
        let doc = convert(docx(&docx_paras(&paras), numbering.as_deref()), "s.docx");
        through_writers(&doc);
        let doc = convert(odt(&odt_paras(&paras)), "s.odt");
        through_writers(&doc);
    }
}

// ------------------------------------------------ regressions found here
