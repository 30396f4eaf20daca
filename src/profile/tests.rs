//! Table → metrics tests on tables built through `Table::from_raw`, in the
//! merged (vMerge/gridSpan) and the split-label layouts of both versions.

use super::*;
use crate::model::{
    Content, HeadingSource, ParagraphOut, RawCell, RawRow, RawTable, Section, Table, VMerge,
};

// ------------------------------------------------------------------ builders

fn cell(text: &str) -> RawCell {
    RawCell::new(text)
}

fn span(text: &str, cols: u32) -> RawCell {
    RawCell {
        col_span: cols,
        ..RawCell::new(text)
    }
}

fn vm(text: &str, cols: u32, restart: bool) -> RawCell {
    RawCell {
        col_span: cols,
        v_merge: if restart {
            VMerge::Restart
        } else {
            VMerge::Continue
        },
        ..RawCell::new(if restart { text } else { "" })
    }
}

fn table(rows: Vec<Vec<RawCell>>) -> Table {
    let raw = RawTable {
        grid_cols: None,
        rows: rows
            .into_iter()
            .map(|cells| RawRow {
                cells,
                ..RawRow::default()
            })
            .collect(),
    };
    let mut w = Vec::new();
    let t = Table::from_raw(raw, "test", &mut w);
    assert!(w.is_empty(), "{w:?}");
    t
}

fn para(text: &str) -> Content {
    Content::Paragraph(ParagraphOut {
        text: text.to_string(),
        style: None,
        notes: Vec::new(),
        normalized: None,
    })
}

fn section(title: &str, content: Vec<Content>) -> Section {
    Section {
        title: title.to_string(),
        level: 1,
        heading_source: HeadingSource::Preamble,
        content,
        sections: Vec::new(),
    }
}

/// A document as the profile reads it, owned by the test.
#[derive(Debug, Clone)]
struct TestDoc {
    path: String,
    sections: Vec<Section>,
}

/// [`super::analyze`] of a test document.
fn analyze(d: &TestDoc) -> Option<Report> {
    super::analyze(DocView {
        path: &d.path,
        title: None,
        title_property: None,
        sections: &d.sections,
    })
}

fn doc(path: &str, preamble: Vec<Content>, sections: Vec<Section>) -> TestDoc {
    let mut all = vec![Section {
        title: String::new(),
        level: 0,
        heading_source: HeadingSource::Preamble,
        content: preamble,
        sections: Vec::new(),
    }];
    all.extend(sections);
    TestDoc {
        path: path.into(),
        sections: all,
    }
}

/// Rows of the 三 table: (group label or "", row label, key).
fn s3_rows_spec(t: Template) -> Vec<(&'static str, &'static str, &'static str)> {
    let mut v = vec![
        ("", "一、本年新收政府信息公开申请数量", "new_received"),
        ("", "二、上年结转政府信息公开申请数量", "carried_over"),
        ("三", "（一）予以公开", "granted"),
        (
            "三",
            "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
            "partial",
        ),
        ("（三）不予公开", "1.属于国家秘密", "denied.state_secret"),
        (
            "（三）不予公开",
            "2.其他法律行政法规禁止公开",
            "denied.law_forbidden",
        ),
        (
            "（三）不予公开",
            "3.危及“三安全一稳定”",
            "denied.three_security_one_stability",
        ),
        (
            "（三）不予公开",
            "4.保护第三方合法权益",
            "denied.third_party",
        ),
        (
            "（三）不予公开",
            "5.属于三类内部事务信息",
            "denied.internal_affairs",
        ),
        (
            "（三）不予公开",
            "6.属于四类过程性信息",
            "denied.process_info",
        ),
        (
            "（三）不予公开",
            "7.属于行政执法案卷",
            "denied.enforcement_file",
        ),
        ("（三）不予公开", "8.属于行政查询事项", "denied.admin_query"),
        (
            "（四）无法提供",
            "1.本机关不掌握相关政府信息",
            "unable.not_held",
        ),
        (
            "（四）无法提供",
            "2.没有现成信息需要另行制作",
            "unable.needs_creation",
        ),
        (
            "（四）无法提供",
            "3.补正后申请内容仍不明确",
            "unable.still_unclear",
        ),
        (
            "（五）不予处理",
            "1.信访举报投诉类申请",
            "not_processed.petition",
        ),
        ("（五）不予处理", "2.重复申请", "not_processed.duplicate"),
        (
            "（五）不予处理",
            "3.要求提供公开出版物",
            "not_processed.publication",
        ),
        (
            "（五）不予处理",
            "4.无正当理由大量反复申请",
            "not_processed.excessive",
        ),
        (
            "（五）不予处理",
            "5.要求行政机关确认或重新出具已获取信息",
            "not_processed.confirm_or_reissue",
        ),
    ];
    match t {
        Template::V2019 => v.push(("三", "（六）其他处理", "other.total")),
        Template::V2021 => v.extend([
            (
                "（六）其他处理",
                "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
                "other.no_correction",
            ),
            (
                "（六）其他处理",
                "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
                "other.no_fee",
            ),
            ("（六）其他处理", "3.其他", "other.misc"),
        ]),
    }
    v.push(("三", "（七）总计", "total_processed"));
    v.push(("", "四、结转下年度继续办理", "carried_forward"));
    v
}

/// Consistent values for every 三 row: (row key → 7 values).
fn s3_values(t: Template) -> Vec<(&'static str, [i64; 7])> {
    let spec = s3_rows_spec(t);
    let mut rows: Vec<(&str, [i64; 7])> = Vec::new();
    let mut processed = [0i64; 7];
    for (i, &(_, _, key)) in spec.iter().enumerate() {
        if matches!(
            key,
            "new_received" | "carried_over" | "total_processed" | "carried_forward"
        ) {
            continue;
        }
        let mut v = [0i64; 7];
        v[0] = (i as i64 * 7) % 5;
        v[1] = i as i64 % 2;
        v[5] = i as i64 % 3 / 2;
        v[6] = v[..6].iter().sum();
        for k in 0..7 {
            processed[k] += v[k];
        }
        rows.push((key, v));
    }
    let carried_over = [1, 1, 0, 0, 0, 0, 2];
    let carried_forward = [3, 0, 0, 0, 0, 1, 4];
    let mut new_received = [0i64; 7];
    for k in 0..7 {
        new_received[k] = processed[k] + carried_forward[k] - carried_over[k];
    }
    let mut out = vec![
        ("new_received", new_received),
        ("carried_over", carried_over),
    ];
    out.extend(rows);
    out.push(("total_processed", processed));
    out.push(("carried_forward", carried_forward));
    out
}

const H1: &str = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）";
const ORG: [&str; 5] = [
    "商业企业",
    "科研机构",
    "社会公益组织",
    "法律服务机构",
    "其他",
];

/// The 三 table. `merged`: vMerge/gridSpan as in Word; otherwise merged labels
/// are written out as repeated text in every cell. `label` maps label text
/// (variants), `value` maps (key, column, value) to the cell text.
fn s3_table(
    t: Template,
    merged: bool,
    label: &dyn Fn(&str) -> String,
    value: &dyn Fn(&str, usize, i64) -> String,
) -> Table {
    let mut rows: Vec<Vec<RawCell>> = Vec::new();
    // Header.
    if merged {
        rows.push(vec![vm(H1, 3, true), span("申请人情况", 7)]);
        let mut r1 = vec![
            vm("", 3, false),
            vm(&label("自然人"), 1, true),
            span("法人或其他组织", 5),
        ];
        r1.push(vm(&label("总计"), 1, true));
        rows.push(r1);
        let mut r2 = vec![vm("", 3, false), vm("", 1, false)];
        r2.extend(ORG.iter().map(|o| cell(&label(o))));
        r2.push(vm("", 1, false));
        rows.push(r2);
    } else {
        let mut r0: Vec<RawCell> = (0..3).map(|_| cell(H1)).collect();
        r0.extend((0..7).map(|_| cell("申请人情况")));
        rows.push(r0);
        let mut r1: Vec<RawCell> = (0..3).map(|_| cell(H1)).collect();
        r1.push(cell(&label("自然人")));
        r1.extend((0..5).map(|_| cell("法人或其他组织")));
        r1.push(cell(&label("总计")));
        rows.push(r1);
        let mut r2: Vec<RawCell> = (0..3).map(|_| cell(H1)).collect();
        r2.push(cell(&label("自然人")));
        r2.extend(ORG.iter().map(|o| cell(&label(o))));
        r2.push(cell(&label("总计")));
        rows.push(r2);
    }
    let values = s3_values(t);
    let spec = s3_rows_spec(t);
    let mut prev_group = "";
    let mut in_results = false;
    for ((group, text, key), (vkey, vals)) in spec.iter().zip(values.iter()) {
        assert_eq!(key, vkey);
        let mut r = Vec::new();
        let three = "三、本年度办理结果";
        if group.is_empty() {
            r.push(span(&label(text), 3));
            in_results = false;
        } else {
            let first_in_results = !in_results;
            in_results = true;
            if merged {
                r.push(vm(&label(three), 1, first_in_results));
            } else {
                r.push(cell(&label(three)));
            }
            if *group == "三" {
                r.push(span(&label(text), 2));
            } else {
                if merged {
                    r.push(vm(&label(group), 1, *group != prev_group));
                } else {
                    r.push(cell(&label(group)));
                }
                r.push(cell(&label(text)));
            }
        }
        prev_group = group;
        for (k, v) in vals.iter().enumerate() {
            r.push(cell(&value(key, k, *v)));
        }
        rows.push(r);
    }
    table(rows)
}

fn s2_2021(label: &dyn Fn(&str) -> String) -> Table {
    let blk = |s: &str| vec![span(s, 4)];
    table(vec![
        blk("第二十条第（一）项"),
        vec![
            cell("信息内容"),
            cell(&label("本年制发件数")),
            cell(&label("本年废止件数")),
            cell(&label("现行有效件数")),
        ],
        vec![cell("规章"), cell("0"), cell("0"), cell("/")],
        vec![cell("行政规范性文件"), cell("3"), cell("1"), cell("25")],
        blk("第二十条第（五）项"),
        vec![cell("信息内容"), span("本年处理决定数量", 3)],
        vec![cell("行政许可"), span("120", 3)],
        blk("第二十条第（六）项"),
        vec![cell("信息内容"), span("本年处理决定数量", 3)],
        vec![cell("行政处罚"), span("45", 3)],
        vec![cell("行政强制"), span("", 3)],
        blk("第二十条第（八）项"),
        vec![
            cell("信息内容"),
            span(&label("本年收费金额（单位：万元）"), 3),
        ],
        vec![cell("行政事业性收费"), span("0.35", 3)],
    ])
}

fn s2_2019(header_new: &str) -> Table {
    let blk = |s: &str| vec![span(s, 5)];
    table(vec![
        blk("第二十条第（一）项"),
        vec![
            cell("信息内容"),
            cell(header_new),
            span("本年新公开数量", 2),
            cell("对外公开总数量"),
        ],
        vec![
            cell("规章(设区的市、自治州人民政府应提供相关数据)"),
            cell("1"),
            span("1", 2),
            cell("9"),
        ],
        vec![cell("规范性文件"), cell("14"), span("14", 2), cell("140")],
        vec![
            cell("其他主动公开文件(行政机关制定发布的其他文件)"),
            cell("5"),
            span("5", 2),
            cell("50"),
        ],
        blk("第二十条第（五）项"),
        vec![
            cell("信息内容"),
            cell("上一年项目数量"),
            span("本年增/减", 2),
            cell("处理决定数量"),
        ],
        vec![cell("行政许可"), cell("30"), span("+2", 2), cell("1036")],
        vec![
            cell("其他对外管理服务事项"),
            cell("4"),
            span("-1", 2),
            cell("7"),
        ],
        blk("第二十条第（六）项"),
        vec![
            cell("信息内容"),
            cell("上一年项目数量"),
            span("本年增/减", 2),
            cell("处理决定数量"),
        ],
        vec![cell("行政处罚"), cell("50"), span("0", 2), cell("12")],
        vec![cell("行政强制"), cell("6"), span("—", 2), cell("0")],
        blk("第二十条第（八）项"),
        vec![
            cell("信息内容"),
            span("上一年项目数量", 2),
            span("本年增/减", 2),
        ],
        vec![cell("行政事业性收费"), span("3", 2), span("-3", 2)],
        blk("第二十条第（九）项"),
        vec![
            cell("信息内容"),
            span("采购项目数量", 2),
            span("采购总金额", 2),
        ],
        vec![cell("政府集中采购"), span("2", 2), span("251000元", 2)],
    ])
}

fn s4_table(values: [&str; 15], merged: bool) -> Table {
    let results = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"];
    let rows = if merged {
        let mut h2: Vec<RawCell> = results.iter().map(|r| vm(r, 1, true)).collect();
        h2.push(span("未经复议直接起诉", 5));
        h2.push(span("复议后起诉", 5));
        let mut h3: Vec<RawCell> = (0..5).map(|_| vm("", 1, false)).collect();
        h3.extend(results.iter().chain(results.iter()).map(|r| cell(r)));
        vec![
            vec![span("行政复议", 5), span("行政诉讼", 10)],
            h2,
            h3,
            values.iter().map(|v| cell(v)).collect(),
        ]
    } else {
        // Lost merges: group labels only over their first column.
        let mut h1 = vec![cell("行政复议")];
        h1.extend((0..4).map(|_| cell("")));
        h1.push(cell("行政诉讼"));
        h1.extend((0..9).map(|_| cell("")));
        let h3: Vec<RawCell> = results.iter().cycle().take(15).map(|r| cell(r)).collect();
        vec![h1, h3, values.iter().map(|v| cell(v)).collect()]
    };
    table(rows)
}

fn standard_doc(title: &str, t2: Table, t3: Table, t4: Table) -> TestDoc {
    doc(
        "reports/x.docx",
        vec![para(title)],
        vec![
            section(
                "一、总体情况",
                vec![para(
                    "本报告中所列数据的统计期限自2022年1月1日起至2022年12月31日止。",
                )],
            ),
            section("二、主动公开政府信息情况", vec![Content::Table(t2)]),
            section(
                "三、收到和处理政府信息公开申请情况",
                vec![Content::Table(t3)],
            ),
            section(
                "四、政府信息公开行政复议、行政诉讼情况",
                vec![Content::Table(t4)],
            ),
            section("五、存在的主要问题及改进情况", vec![para("无。")]),
            section(
                "六、其他需要报告的事项",
                vec![
                    para("本年度未收取信息处理费。"),
                    para("某某市某某局"),
                    para("2023年1月16日"),
                ],
            ),
        ],
    )
}

fn plain(s: &str) -> String {
    s.to_string()
}

fn num(v: i64) -> String {
    v.to_string()
}

fn expected_s3(t: Template) -> BTreeMap<String, Option<f64>> {
    let mut m = BTreeMap::new();
    for (key, vals) in s3_values(t) {
        for (k, v) in vals.iter().enumerate() {
            m.insert(format!("s3.{key}.{}", S3_COLUMNS[k]), Some(*v as f64));
        }
    }
    m
}

fn metric_map(r: &Report, prefix: &str, cells_only: Template) -> BTreeMap<String, Option<f64>> {
    r.metrics
        .iter()
        .filter(|(k, _)| k.starts_with(prefix))
        .filter(|(k, _)| catalog::entry(k).is_some_and(|e| e.is_cell_in(cells_only)))
        .map(|(k, v)| (k.clone(), v.map(|n| n.0)))
        .collect()
}

fn failing(r: &Report) -> Vec<(String, String)> {
    r.checks
        .iter()
        .filter(|c| c.status == CheckStatus::Fail)
        .map(|c| (c.rule.clone(), c.column.clone()))
        .collect()
}

/// Failing checks that did not count blanks as 0.
fn failing_plain(r: &Report) -> Vec<(String, String)> {
    r.checks
        .iter()
        .filter(|c| c.status == CheckStatus::Fail && !c.blanks_as_zero)
        .map(|c| (c.rule.clone(), c.column.clone()))
        .collect()
}

const S4_VALUES: [&str; 15] = [
    "5", "2", "0", "0", "7", "8", "1", "0", "0", "9", "0", "0", "0", "1", "1",
];

// --------------------------------------------------------------------- tests

#[test]
fn v2021_merged_layout_exact_metrics() {
    let d = standard_doc(
        "开平市科工商务局2022年政府信息公开工作年度报告",
        s2_2021(&plain),
        s3_table(Template::V2021, true, &plain, &|_, _, v| num(v)),
        s4_table(S4_VALUES, true),
    );
    let r = analyze(&d).unwrap();
    assert_eq!(r.template, Some(Template::V2021));
    assert!(!r.template_inferred);
    assert_eq!(r.agency.as_deref(), Some("开平市科工商务局"));
    assert_eq!(r.agency_source, Some(MetaSource::Title));
    assert_eq!(r.year, Some(2022));
    assert_eq!(r.year_source, Some(MetaSource::Title));
    assert_eq!(
        r.agency_forms,
        vec!["开平市科工商务局".to_string(), "某某市某某局".to_string()]
    );
    let p = r.period.clone().unwrap();
    assert_eq!(
        (p.start.as_deref(), p.end.as_deref(), p.full_year),
        (Some("2022-01-01"), Some("2022-12-31"), Some(true))
    );
    let fee = r.fee.clone().unwrap();
    assert_eq!(fee.collected, Some(false));
    assert_eq!(r.sections.len(), 6);
    assert_eq!(
        r.tables_found,
        TablesFound {
            s2: true,
            s3: true,
            s4: true
        }
    );

    assert_eq!(
        metric_map(&r, "s3.", Template::V2021),
        expected_s3(Template::V2021)
    );
    let s2: BTreeMap<String, Option<f64>> = [
        ("s2.regulation.issued", Some(0.0)),
        ("s2.regulation.repealed", Some(0.0)),
        ("s2.regulation.in_force_or_total", None),
        ("s2.normative.issued", Some(3.0)),
        ("s2.normative.repealed", Some(1.0)),
        ("s2.normative.in_force_or_total", Some(25.0)),
        ("s2.license.decisions", Some(120.0)),
        ("s2.penalty.decisions", Some(45.0)),
        ("s2.coercion.decisions", None),
        ("s2.fee.amount_wan_yuan", Some(0.35)),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    assert_eq!(metric_map(&r, "s2.", Template::V2021), s2);
    let s4 = metric_map(&r, "s4.", Template::V2021);
    assert_eq!(s4.len(), 15);
    assert_eq!(s4["s4.review.upheld"], Some(5.0));
    assert_eq!(s4["s4.review.total"], Some(7.0));
    assert_eq!(s4["s4.suit_direct.total"], Some(9.0));
    assert_eq!(s4["s4.suit_after_review.pending"], Some(1.0));
    // 2019-only keys are absent, not 0.
    assert!(
        !r.metrics.contains_key("s3.other.total.natural_person")
            || r.metrics["s3.other.total.natural_person"].is_some()
    );
    assert!(!r.metrics.contains_key("s2.license.items_prev"));
    assert!(!r.metrics.contains_key("s2.procurement.projects"));
    // Derived keys.
    let exp = expected_s3(Template::V2021);
    let sum = |rows: &[&str], col: &str| {
        rows.iter()
            .map(|r| exp[&format!("s3.{r}.{col}")].unwrap())
            .sum::<f64>()
    };
    assert_eq!(
        r.metrics["s3.other.total.total"].map(|n| n.0),
        Some(sum(
            &["other.no_correction", "other.no_fee", "other.misc"],
            "total"
        ))
    );
    assert_eq!(
        r.metrics["s3.unable.total.natural_person"].map(|n| n.0),
        Some(sum(
            &[
                "unable.not_held",
                "unable.needs_creation",
                "unable.still_unclear"
            ],
            "natural_person"
        ))
    );
    // Sources point at the cells.
    let src = &r.metric_sources["s3.new_received.natural_person"];
    assert_eq!((src.table, src.row, src.col), (Some(1), Some(3), Some(3)));
    assert_eq!((src.paragraph, src.from_text), (None, false));
    assert_eq!(r.metric_sources["s2.regulation.in_force_or_total"].raw, "/");
    // Every check passes or (for the blank coercion / "/" cell) is absent from R1-R5.
    assert_eq!(failing(&r), Vec::<(String, String)>::new());
    assert_eq!(r.checks.iter().filter(|c| c.rule == "R1").count(), 7);
    assert_eq!(r.checks.iter().filter(|c| c.rule == "R3").count(), 25);
    assert_eq!(r.checks.iter().filter(|c| c.rule == "R5").count(), 3);
    assert!(r.extra_rows.is_empty(), "{:?}", r.extra_rows);
    // Integers print as integers.
    let json = serde_json::to_string(&r).unwrap();
    assert!(json.contains("\"s2.license.decisions\":120,"), "{json}");
    assert!(json.contains("\"s2.fee.amount_wan_yuan\":0.35"));
}

#[test]
fn v2021_split_labels_traditional_spaces_and_inconsistency() {
    // Traditional characters, full-width markers, line breaks inside labels,
    // merged labels written out as repeated text; one wrong cell.
    let label = |s: &str| {
        s.replace("公开", "公開")
            .replace("申请", "申請")
            .replace("结转", "結轉")
            .replace("处理", "處理")
            .replace("商业企业", "商業\n企業")
            .replace("科研机构", "科研 機構")
            .replace("1.", "１．")
            .replace("3.", "（3）")
            .replace("“三安全一稳定”", "\"三安全一稳定\"")
    };
    let value = |key: &str, col: usize, v: i64| {
        if key == "granted" && col == 0 {
            (v + 1).to_string()
        } else {
            v.to_string()
        }
    };
    let d = standard_doc(
        "2021年汉阳区文旅局政府信息公开年报",
        s2_2021(&|s: &str| {
            s.replace("现行有效件数", "现行有效件")
                .replace("（单位：万元）", "(万元)")
        }),
        s3_table(Template::V2021, false, &label, &value),
        s4_table(S4_VALUES, false),
    );
    let r = analyze(&d).unwrap();
    assert_eq!(r.agency.as_deref(), Some("汉阳区文旅局"));
    assert_eq!(r.year, Some(2021));
    assert_eq!(r.template, Some(Template::V2021));
    let mut exp = expected_s3(Template::V2021);
    *exp.get_mut("s3.granted.natural_person").unwrap() =
        exp["s3.granted.natural_person"].map(|v| v + 1.0);
    assert_eq!(metric_map(&r, "s3.", Template::V2021), exp);
    assert_eq!(r.metrics["s2.regulation.in_force_or_total"], None);
    assert_eq!(r.metrics["s2.normative.in_force_or_total"], Some(Num(25.0)));
    assert_eq!(r.metrics["s2.fee.amount_wan_yuan"], Some(Num(0.35)));
    assert_eq!(r.metrics["s4.suit_after_review.total"], Some(Num(1.0)));
    assert_eq!(
        failing(&r),
        vec![
            ("R2".to_string(), "natural_person".to_string()),
            ("R3".to_string(), "granted".to_string()),
        ]
    );
    let r2 = r
        .checks
        .iter()
        .find(|c| c.rule == "R2" && c.column == "natural_person")
        .unwrap();
    assert_eq!(r2.expected.unwrap().0, r2.actual.unwrap().0 + 1.0);
}

#[test]
fn v2019_blank_total_column_and_slash_cells() {
    let value = |key: &str, col: usize, v: i64| {
        if col == 6 && !matches!(key, "new_received" | "total_processed") {
            String::new()
        } else if key == "denied.state_secret" {
            "/".to_string()
        } else {
            v.to_string()
        }
    };
    let d = standard_doc(
        "2020年某某区人民政府办公室政府信息公开工作年度报告",
        s2_2019("本年新 制作数量"),
        s3_table(Template::V2019, true, &plain, &value),
        s4_table(S4_VALUES, true),
    );
    let r = analyze(&d).unwrap();
    assert_eq!(r.template, Some(Template::V2019));
    assert!(!r.template_inferred);
    assert_eq!(r.agency.as_deref(), Some("某某区人民政府办公室"));
    assert_eq!(r.year, Some(2020));
    let mut exp = expected_s3(Template::V2019);
    for (k, v) in exp.iter_mut() {
        let blank_total = k.ends_with(".total")
            && !k.starts_with("s3.new_received.")
            && !k.starts_with("s3.total_processed.");
        if blank_total || k.starts_with("s3.denied.state_secret.") {
            *v = None;
        }
    }
    assert_eq!(metric_map(&r, "s3.", Template::V2019), exp);
    assert_eq!(r.metric_sources["s3.denied.state_secret.research"].raw, "/");
    // 2021-only keys are absent.
    assert!(!r.metrics.contains_key("s3.other.no_fee.natural_person"));
    assert!(!r.metrics.contains_key("s2.fee.amount_wan_yuan"));
    // Section 二, 2019: 22 cells, deltas signed, unit inside the cell, extra row kept.
    let s2 = metric_map(&r, "s2.", Template::V2019);
    assert_eq!(s2.len(), 22);
    assert_eq!(s2["s2.regulation.issued"], Some(1.0));
    assert_eq!(s2["s2.regulation.published_new"], Some(1.0));
    assert_eq!(s2["s2.normative.in_force_or_total"], Some(140.0));
    assert_eq!(s2["s2.license.items_delta"], Some(2.0));
    assert_eq!(s2["s2.license.decisions"], Some(1036.0));
    assert_eq!(s2["s2.other_service.items_delta"], Some(-1.0));
    assert_eq!(s2["s2.coercion.items_delta"], None);
    assert_eq!(s2["s2.fee.items_prev"], Some(3.0));
    assert_eq!(s2["s2.fee.items_delta"], Some(-3.0));
    assert_eq!(s2["s2.procurement.projects"], Some(2.0));
    assert_eq!(s2["s2.procurement.amount"], Some(251000.0));
    assert_eq!(r.metric_sources["s2.procurement.amount"].raw, "251000元");
    assert_eq!(r.extra_rows.len(), 1);
    assert_eq!(r.extra_rows[0].table, "s2");
    assert!(r.extra_rows[0].label.starts_with("其他主动公开文件"));
    assert_eq!(r.extra_rows[0].values, vec!["5", "5", "50"]);
    // Blank totals: R3 not checkable, R1/R2 of the total column filled from R3
    // where possible; nothing fails.
    // Blanked cells hide non-zero values: counted as 0 (issue 12) the table
    // is inconsistent as printed, and only checks that say so fail.
    assert_eq!(failing_plain(&r), Vec::<(String, String)>::new());
    let r3 = r
        .checks
        .iter()
        .find(|c| c.rule == "R3" && c.column == "granted")
        .unwrap();
    assert_eq!(r3.status, CheckStatus::NotCheckable);
    let r1 = r
        .checks
        .iter()
        .find(|c| c.rule == "R1" && c.column == "research")
        .unwrap();
    assert_eq!(r1.status, CheckStatus::Pass);
    let r2 = r
        .checks
        .iter()
        .find(|c| c.rule == "R2" && c.column == "research")
        .unwrap();
    // Its `/` cell counts as 0 in the check (the metric stays null).
    assert_ne!(r2.status, CheckStatus::NotCheckable);
    assert!(r2.blanks_as_zero);
    assert_eq!(r.metrics["s3.denied.state_secret.research"], None);
}

#[test]
fn s4_inconsistent_group_flagged() {
    let mut v = S4_VALUES;
    v[9] = "10";
    let d = standard_doc(
        "某某局2022年政府信息公开工作年度报告",
        s2_2021(&plain),
        s3_table(Template::V2021, true, &plain, &|_, _, v| num(v)),
        s4_table(v, true),
    );
    let r = analyze(&d).unwrap();
    assert_eq!(
        failing(&r),
        vec![("R5".to_string(), "suit_direct".to_string())]
    );
    let c = r
        .checks
        .iter()
        .find(|c| c.rule == "R5" && c.column == "suit_direct")
        .unwrap();
    assert_eq!((c.expected, c.actual), (Some(Num(9.0)), Some(Num(10.0))));
}

#[test]
fn seed_like_document_without_tables() {
    let seed = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/seed/000_aefcde8288a9dad5.txt"
    ));
    let mut sections = Vec::new();
    for line in seed.lines() {
        let l = line.trim();
        if l.is_empty() {
            continue;
        }
        let is_heading = ["一、", "二、", "三、", "四、", "五、", "六、"]
            .iter()
            .any(|p| l.starts_with(p));
        if is_heading {
            sections.push(section(l, Vec::new()));
        } else if let Some(s) = sections.last_mut() {
            s.content.push(para(l));
        }
    }
    let d = doc("seed/000_aefcde8288a9dad5.docx", Vec::new(), sections);
    let r = analyze(&d).unwrap();
    assert_eq!(r.agency_normalized.as_deref(), Some("开平市科工商务局"));
    assert_eq!(r.agency.as_deref(), Some("開平市科工商務局"));
    assert_eq!(r.agency_source, Some(MetaSource::OpeningSentence));
    assert_eq!(r.year, Some(2022));
    assert_eq!(r.year_source, Some(MetaSource::Period));
    assert_eq!(r.template, Some(Template::V2021));
    assert!(r.template_inferred);
    let p = r.period.unwrap();
    assert_eq!(
        (p.start.as_deref(), p.end.as_deref(), p.full_year),
        (Some("2022-01-01"), Some("2022-12-15"), Some(false))
    );
    let f = r.fee.unwrap();
    assert_eq!(
        (f.collected, f.amount_yuan, f.cases),
        (Some(false), Some(Num(0.0)), Some(0))
    );
    assert_eq!(
        r.sections.iter().map(|s| s.standard).collect::<Vec<_>>(),
        vec![1, 2, 3, 4, 5, 6]
    );
    assert_eq!(r.tables_found, TablesFound::default());
    // Tables missing: every 2021 cell key present as null, no zeros, no checks run.
    assert_eq!(r.metrics.len(), 207);
    assert!(r.metrics.values().all(Option::is_none));
    assert!(r.checks.is_empty());
    assert!(r.metric_sources.is_empty());
    // Each missing table is recorded, with its heading seen.
    assert_eq!(
        r.warnings
            .iter()
            .map(|w| (w.code.as_str(), w.table.as_str()))
            .collect::<Vec<_>>(),
        vec![
            ("table_missing", "s2"),
            ("table_missing", "s3"),
            ("table_missing", "s4")
        ]
    );
    assert!(r.warnings[1].message.contains("has a heading but no table"));
}

#[test]
fn non_reports_get_no_profile() {
    let d = doc(
        "misc/letter.docx",
        vec![
            para("关于召开年度工作会议的通知"),
            para("各单位：请按时参加。"),
        ],
        vec![],
    );
    assert!(analyze(&d).is_none());
    let d = doc(
        "misc/stats.docx",
        vec![para("2022年上半年政府信息公开数据统计")],
        vec![],
    );
    assert!(analyze(&d).is_none());
    // Even with the standard tables inside.
    let mut d = standard_doc(
        "某某局2022年第三季度政府信息公开数据统计",
        s2_2021(&plain),
        s3_table(Template::V2021, true, &plain, &|_, _, v| num(v)),
        s4_table(S4_VALUES, true),
    );
    assert!(analyze(&d).is_none());
    d.sections[0].content = vec![para("某某局2022年政府信息公开工作年度报告")];
    assert!(analyze(&d).is_some());
}

#[test]
fn section_titles_vary() {
    let d = doc(
        "x.docx",
        vec![para("2019年上海市人民政府办公厅政府信息公开工作年度报告")],
        vec![
            section("一、工作基本情况", vec![]),
            section("二、行政机关主动公开政府信息情况", vec![]),
            section("三、收到和处理政府信息公开申请情况", vec![]),
            section(
                "四、因政府信息公开工作被申请行政复议提起行政诉讼情况",
                vec![],
            ),
            section("五、存在问题和改进措施", vec![]),
            section("附件", vec![]),
        ],
    );
    let r = analyze(&d).unwrap();
    assert_eq!(r.agency.as_deref(), Some("上海市人民政府办公厅"));
    assert_eq!(r.year, Some(2019));
    assert_eq!(
        (r.template, r.template_inferred),
        (Some(Template::V2019), true)
    );
    assert_eq!(
        r.sections
            .iter()
            .map(|s| (s.standard, s.title.as_str()))
            .collect::<Vec<_>>(),
        vec![
            (1, "一、工作基本情况"),
            (2, "二、行政机关主动公开政府信息情况"),
            (3, "三、收到和处理政府信息公开申请情况"),
            (4, "四、因政府信息公开工作被申请行政复议提起行政诉讼情况"),
            (5, "五、存在问题和改进措施"),
        ]
    );
    assert_eq!(r.metrics.len(), 22 + 161 + 15);
}

#[test]
fn v2019_flattened_rows_and_truncated_headers() {
    // No merges at all: a group label appears only on the first row of its
    // span, so rows have 1–3 label cells and the grid pads them at the end.
    let values = s3_values(Template::V2019);
    let spec = s3_rows_spec(Template::V2019);
    let mut rows: Vec<Vec<RawCell>> = Vec::new();
    let mut h: Vec<RawCell> = (0..3).map(|_| cell("")).collect();
    h.push(cell("自然人"));
    h.extend(ORG.iter().map(|o| cell(o)));
    h.push(cell("总计"));
    rows.push(h);
    let mut prev_group = "";
    let mut results_open = false;
    for ((group, text, _), (_, vals)) in spec.iter().zip(values.iter()) {
        let mut r = Vec::new();
        if !group.is_empty() && !results_open {
            r.push(cell("三、本年度办理结果"));
            results_open = true;
        }
        if !group.is_empty() && *group != "三" && *group != prev_group {
            r.push(cell(group));
        }
        prev_group = group;
        r.push(cell(text));
        r.extend(vals.iter().map(|v| cell(&v.to_string())));
        rows.push(r);
    }
    let mut raw_rows = rows;
    // Lost merges in the header: make the first row as wide as the grid.
    raw_rows[0].truncate(10);
    let t3 = table(raw_rows);
    let s2 = table(vec![
        vec![span("第二十条第（一）项", 4)],
        vec![
            cell("信息内容"),
            cell("本年新"),
            cell("本年新"),
            cell("对外公开总数量"),
        ],
        vec![cell("规章"), cell("1"), cell("2"), cell("3")],
        vec![cell("规范性文件"), cell("4"), cell("5"), cell("6")],
    ]);
    let d = standard_doc(
        "两城镇人民政府2020年政府信息公开工作年度报告",
        s2,
        t3,
        s4_table(S4_VALUES, true),
    );
    let r = analyze(&d).unwrap();
    assert_eq!(r.template, Some(Template::V2019));
    assert_eq!(
        metric_map(&r, "s3.", Template::V2019),
        expected_s3(Template::V2019)
    );
    assert_eq!(failing(&r), Vec::<(String, String)>::new());
    assert_eq!(r.metrics["s2.regulation.issued"], Some(Num(1.0)));
    assert_eq!(r.metrics["s2.regulation.published_new"], Some(Num(2.0)));
    assert_eq!(r.metrics["s2.normative.in_force_or_total"], Some(Num(6.0)));
    assert_eq!(r.metrics["s2.license.decisions"], None);
    assert!(r.extra_rows.is_empty(), "{:?}", r.extra_rows);
}

#[test]
fn s2_fee_written_in_yuan_is_converted_to_wan_yuan() {
    let t = table(vec![
        vec![span("第二十条第（八）项", 4)],
        vec![cell("信息内容"), span("本年收费金额（单位：万元）", 3)],
        vec![cell("行政事业性收费"), span("3500元", 3)],
    ]);
    let mut ex = tables::Extracted::default();
    tables::read_s2(&[(4, &t)], None, &mut ex);
    let got = &ex.cells["s2.fee.amount_wan_yuan"];
    assert_eq!(got.value, value::CellValue::Number(0.35));
    assert_eq!(
        (got.source.table, got.source.row, got.source.col),
        (Some(4), Some(2), Some(1))
    );
    assert_eq!(got.source.raw, "3500元");
}

#[test]
fn year_from_the_signature_date_as_last_resort() {
    let d = doc(
        "misc/untitled.docx",
        vec![],
        vec![
            section("一、总体情况", vec![para("我办认真贯彻落实《条例》。")]),
            section("二、主动公开政府信息情况", vec![]),
            section("三、收到和处理政府信息公开申请情况", vec![]),
            section("四、政府信息公开行政复议、行政诉讼情况", vec![]),
            section("五、存在的主要问题及改进情况", vec![]),
            section(
                "六、其他需要报告的事项",
                vec![
                    para("无。"),
                    para("威海市文登区人民政府办公室"),
                    para("2023年1月16日"),
                ],
            ),
        ],
    );
    let r = analyze(&d).unwrap();
    assert_eq!(r.year, Some(2022));
    assert_eq!(r.year_source, Some(MetaSource::Signature));
    assert_eq!(r.agency.as_deref(), Some("威海市文登区人民政府办公室"));
    assert_eq!(r.agency_source, Some(MetaSource::Signature));
    assert_eq!(
        (r.template, r.template_inferred),
        (Some(Template::V2021), true)
    );
}

#[test]
fn s2_without_header_rows_takes_the_version_of_the_s3_table() {
    // Block rows but no 信息内容 rows: columns are placed by position, in the
    // order of the version the 三 table shows (2021 here: 制发/废止/现行有效).
    let t2 = table(vec![
        vec![span("第二十条第（一）项", 4)],
        vec![cell("规章"), cell("1"), cell("2"), cell("3")],
        vec![cell("行政规范性文件"), cell("4"), cell("5"), cell("6")],
        vec![span("第二十条第（五）项", 4)],
        vec![cell("行政许可"), span("7", 3)],
    ]);
    let d = standard_doc(
        "某某局2022年政府信息公开工作年度报告",
        t2,
        s3_table(Template::V2021, true, &plain, &|_, _, v| num(v)),
        s4_table(S4_VALUES, true),
    );
    let r = analyze(&d).unwrap();
    assert_eq!(r.template, Some(Template::V2021));
    assert_eq!(r.metrics["s2.regulation.repealed"], Some(Num(2.0)));
    assert_eq!(r.metrics["s2.normative.in_force_or_total"], Some(Num(6.0)));
    assert_eq!(r.metrics["s2.license.decisions"], Some(Num(7.0)));
    assert!(!r.metrics.contains_key("s2.regulation.published_new"));
    assert!(r.extra_rows.is_empty(), "{:?}", r.extra_rows);
}

#[test]
fn s3_trailing_empty_columns_and_group_subtotal_row() {
    let vals = |v: [&str; 7]| v.iter().map(|x| cell(x)).collect::<Vec<_>>();
    let mut rows = Vec::new();
    let mut h = vec![cell(""), cell(""), cell("")];
    h.push(cell("自然人"));
    h.extend(ORG.iter().map(|o| cell(o)));
    h.extend([cell("总计"), cell(""), cell("")]);
    rows.push(h);
    let mut r = vec![span("一、本年新收政府信息公开申请数量", 3)];
    r.extend(vals(["3", "1", "0", "0", "0", "0", "4"]));
    r.extend([cell(""), cell("")]);
    rows.push(r);
    // A subtotal row of its own for （三）, which the template does not have.
    let mut r = vec![cell("三、本年度办理结果"), span("（三）不予公开", 2)];
    r.extend(vals(["2", "0", "0", "0", "0", "0", "2"]));
    r.extend([cell(""), cell("")]);
    rows.push(r);
    let subs = [
        "1.属于国家秘密",
        "2.其他法律行政法规禁止公开",
        "3.危及“三安全一稳定”",
        "4.保护第三方合法权益",
        "5.属于三类内部事务信息",
        "6.属于四类过程性信息",
        "7.属于行政执法案卷",
        "8.属于行政查询事项",
    ];
    for (i, s) in subs.iter().enumerate() {
        let mut r = vec![cell("三、本年度办理结果"), cell("（三）不予公开"), cell(s)];
        let v = if i == 0 { "1" } else { "0" };
        r.extend(vals([v, "0", "0", "0", "0", "0", v]));
        r.extend([cell(""), cell("")]);
        rows.push(r);
    }
    let d = standard_doc(
        "某某局2022年政府信息公开工作年度报告",
        s2_2021(&plain),
        table(rows),
        s4_table(S4_VALUES, true),
    );
    let r = analyze(&d).unwrap();
    let m = |k: &str| r.metrics[k].map(|n| n.0);
    assert_eq!(m("s3.new_received.natural_person"), Some(3.0));
    assert_eq!(m("s3.new_received.commercial"), Some(1.0));
    assert_eq!(m("s3.new_received.total"), Some(4.0));
    assert_eq!(m("s3.denied.state_secret.total"), Some(1.0));
    assert_eq!(m("s3.denied.admin_query.natural_person"), Some(0.0));
    assert_eq!(m("s3.granted.natural_person"), None);
    assert_eq!(m("s3.denied.total.natural_person"), Some(1.0));
    assert_eq!(r.extra_rows.len(), 1);
    assert_eq!(r.extra_rows[0].label, "（三）不予公开");
    assert_eq!(r.extra_rows[0].values[0], "2");
    let r4: Vec<_> = r.checks.iter().filter(|c| c.rule == "R4").collect();
    assert_eq!(r4.len(), 7);
    let fails: Vec<&str> = r4
        .iter()
        .filter(|c| c.status == CheckStatus::Fail)
        .map(|c| c.column.as_str())
        .collect();
    assert_eq!(fails, vec!["denied.natural_person", "denied.total"]);
}

/// A 三 table without any merges (template.md §8.7): a group label only on the
/// first row of its span, so rows have 1–3 label cells and the grid pads them
/// at the end. `blank(key, column)` leaves a value cell empty; `short_header`
/// writes the header rows without their label columns.
fn flat_s3(t: Template, blank: &dyn Fn(&str, usize) -> bool, short_header: bool) -> Table {
    let mut rows: Vec<Vec<RawCell>> = Vec::new();
    if short_header {
        rows.push(vec![cell(H1), cell("申请人情况")]);
        rows.push(vec![cell("自然人"), cell("法人或其他组织"), cell("总计")]);
        rows.push(ORG.iter().map(|o| cell(o)).collect());
    } else {
        let mut h: Vec<RawCell> = (0..3).map(|_| cell("")).collect();
        h.push(cell("自然人"));
        h.extend(ORG.iter().map(|o| cell(o)));
        h.push(cell("总计"));
        rows.push(h);
    }
    let mut prev_group = "";
    let mut results_open = false;
    for ((group, text, key), (_, vals)) in s3_rows_spec(t).iter().zip(s3_values(t).iter()) {
        let mut r = Vec::new();
        if !group.is_empty() && !results_open {
            r.push(cell("三、本年度办理结果"));
            results_open = true;
        }
        if !group.is_empty() && *group != "三" && *group != prev_group {
            r.push(cell(group));
        }
        prev_group = group;
        r.push(cell(text));
        for (k, v) in vals.iter().enumerate() {
            r.push(cell(&if blank(key, k) {
                String::new()
            } else {
                v.to_string()
            }));
        }
        rows.push(r);
    }
    table(rows)
}

/// The expected 三 metrics with the `blank` cells null.
fn expected_s3_blank(
    t: Template,
    blank: &dyn Fn(&str, usize) -> bool,
) -> BTreeMap<String, Option<f64>> {
    let mut m = BTreeMap::new();
    for (key, vals) in s3_values(t) {
        for (k, v) in vals.iter().enumerate() {
            let v = (!blank(key, k)).then_some(*v as f64);
            m.insert(format!("s3.{key}.{}", S3_COLUMNS[k]), v);
        }
    }
    m
}

#[test]
fn s3_rows_without_merges_keep_blank_values_in_place() {
    // Blank first values in rows with 2 labels (三、… | （一）…, （三）… | 1.…) and
    // with 1 label; the first two values blank; a blank 总计 before the padding.
    let blank = |key: &str, k: usize| match key {
        "granted" | "denied.state_secret" | "denied.law_forbidden" | "unable.not_held" => k == 0,
        "unable.needs_creation" => k <= 1,
        "not_processed.petition" => k == 6,
        "carried_forward" => k == 0,
        _ => false,
    };
    for short_header in [false, true] {
        let t3 = flat_s3(Template::V2019, &blank, short_header);
        let d = standard_doc(
            "两城镇人民政府2020年政府信息公开工作年度报告",
            s2_2019("本年新公开数量"),
            t3,
            s4_table(S4_VALUES, true),
        );
        let r = analyze(&d).unwrap();
        assert_eq!(r.template, Some(Template::V2019));
        let got = metric_map(&r, "s3.", Template::V2019);
        let want = expected_s3_blank(Template::V2019, &blank);
        for (k, v) in &want {
            assert_eq!(got.get(k), Some(v), "{k} (short header: {short_header})");
        }
        assert_eq!(got.len(), want.len());
        // Spot checks with exact values: the cell after a blank one.
        assert_eq!(r.metrics["s3.denied.state_secret.natural_person"], None);
        assert_eq!(
            r.metrics["s3.denied.state_secret.commercial"].map(|n| n.0),
            Some(s3_values(Template::V2019)[4].1[1] as f64)
        );
        assert_eq!(r.metrics["s3.unable.needs_creation.commercial"], None);
        assert_eq!(r.metrics["s3.not_processed.petition.total"], None);
        // Blanked cells hide non-zero values: counted as 0 (issue 12) the table
        // is inconsistent as printed, and only checks that say so fail.
        assert_eq!(failing_plain(&r), Vec::<(String, String)>::new());
        assert!(
            !r.extra_rows.iter().any(|e| e.table == "s3"),
            "{:?}",
            r.extra_rows
        );
    }
}

#[test]
fn s3_lost_merges_blank_label_and_header_placeholders() {
    // Every row 10 cells wide; merged labels come out as blank cells below
    // their first row, the header has blank placeholders under 自然人 and 总计,
    // （一） lost its column span (a blank filler cell after it), and some
    // first values are blank.
    let t = Template::V2021;
    let mut rows: Vec<Vec<RawCell>> = Vec::new();
    let mut h1 = vec![cell(H1), cell(""), cell("")];
    h1.extend((0..7).map(|_| cell("申请人情况")));
    rows.push(h1);
    let mut h2 = vec![cell(""), cell(""), cell(""), cell("自然人")];
    h2.extend((0..5).map(|_| cell("法人或其他组织")));
    h2.push(cell("总计"));
    rows.push(h2);
    let mut h3: Vec<RawCell> = (0..4).map(|_| cell("")).collect();
    h3.extend(ORG.iter().map(|o| cell(o)));
    h3.push(cell(""));
    rows.push(h3);
    let blank = |key: &str, k: usize| {
        matches!(key, "granted" | "denied.third_party" | "other.no_fee") && k == 0
    };
    let mut prev_group = "";
    let mut results_open = false;
    for ((group, text, key), (_, vals)) in s3_rows_spec(t).iter().zip(s3_values(t).iter()) {
        let mut r = Vec::new();
        if group.is_empty() {
            r.push(cell(text));
            r.push(cell(""));
            r.push(cell(""));
        } else {
            r.push(cell(if results_open {
                ""
            } else {
                "三、本年度办理结果"
            }));
            results_open = true;
            if *group == "三" {
                r.push(cell(text));
                r.push(cell(""));
            } else {
                r.push(cell(if *group == prev_group { "" } else { group }));
                r.push(cell(text));
            }
        }
        prev_group = group;
        for (k, v) in vals.iter().enumerate() {
            r.push(cell(&if blank(key, k) {
                String::new()
            } else {
                v.to_string()
            }));
        }
        assert_eq!(r.len(), 10);
        rows.push(r);
    }
    let d = standard_doc(
        "某某市某某局2022年政府信息公开工作年度报告",
        s2_2021(&plain),
        table(rows),
        s4_table(S4_VALUES, true),
    );
    let r = analyze(&d).unwrap();
    assert_eq!(r.template, Some(Template::V2021));
    let got = metric_map(&r, "s3.", t);
    let want = expected_s3_blank(t, &blank);
    for (k, v) in &want {
        assert_eq!(got.get(k), Some(v), "{k}");
    }
    assert_eq!(got.len(), want.len());
    // Blanked cells hide non-zero values: counted as 0 (issue 12) the table
    // is inconsistent as printed, and only checks that say so fail.
    assert_eq!(failing_plain(&r), Vec::<(String, String)>::new());
    assert!(r.extra_rows.is_empty(), "{:?}", r.extra_rows);
}

#[test]
fn tables_flattened_into_text_are_read_from_the_section_paragraphs() {
    // PDF/flipbook copies: each 三 row on a line with its 7 numbers (a label
    // against its first number, a "/" placeholder, a label broken by a space),
    // and the 15 numbers of 四 on one line after a vertical header split into
    // characters.
    let t = Template::V2021;
    let mut lines = vec![
        para("申请人情况"),
        para("自然人 商业企业 科研机构 社会公益组织 法律服务机构 其他 总计"),
    ];
    let mut prev_group = "";
    for ((group, text, key), (_, vals)) in s3_rows_spec(t).iter().zip(s3_values(t).iter()) {
        let mut line = String::new();
        if !group.is_empty() && *group != "三" && *group != prev_group {
            line.push_str(group);
            line.push(' ');
        }
        prev_group = group;
        let label = match *key {
            "new_received" => "一、本年新收政府信息公开 申请数量".to_string(),
            _ => text.to_string(),
        };
        line.push_str(&label);
        let nums: Vec<String> = vals
            .iter()
            .enumerate()
            .map(|(k, v)| {
                if *key == "denied.third_party" && k == 2 {
                    "/".to_string()
                } else {
                    v.to_string()
                }
            })
            .collect();
        if *key == "carried_forward" {
            line.push_str(&nums.join(" "));
        } else {
            line.push(' ');
            line.push_str(&nums.join(" "));
        }
        lines.push(para(&line));
    }
    let mut s4_paras = vec![
        para("行政复议 行政诉讼"),
        para("结 结 其 尚 总"),
        para("果 果 他 未 计"),
    ];
    s4_paras.push(para(&S4_VALUES.join(" ")));
    let d = doc(
        "reports/x.docx",
        vec![para("某某市某某局2022年政府信息公开工作年度报告")],
        vec![
            section("一、总体情况", vec![para("本年度共收到申请55件。")]),
            section("二、主动公开政府信息情况", Vec::new()),
            section("三、收到和处理政府信息公开申请情况", lines),
            section("四、政府信息公开行政复议、行政诉讼情况", s4_paras),
            section("五、存在的主要问题及改进情况", vec![para("无。")]),
        ],
    );
    let r = analyze(&d).unwrap();
    assert_eq!(r.template, Some(Template::V2021));
    assert!(!r.template_inferred);
    assert_eq!(r.tables_found, TablesFound::default());
    let blank = |key: &str, k: usize| key == "denied.third_party" && k == 2;
    let got = metric_map(&r, "s3.", t);
    let want = expected_s3_blank(t, &blank);
    for (k, v) in &want {
        assert_eq!(got.get(k), Some(v), "{k}");
    }
    assert_eq!(got.len(), want.len());
    assert_eq!(r.metrics["s4.review.upheld"], Some(Num(5.0)));
    assert_eq!(r.metrics["s4.review.total"], Some(Num(7.0)));
    assert_eq!(r.metrics["s4.suit_direct.upheld"], Some(Num(8.0)));
    assert_eq!(r.metrics["s4.suit_after_review.total"], Some(Num(1.0)));
    // Sources name the paragraph (document order: title 0, 一 1, header lines
    // 2–3, the 25 rows 4–28, 四 29–32).
    let src = &r.metric_sources["s3.new_received.total"];
    assert_eq!(
        (src.table, src.paragraph, src.from_text, src.raw.as_str()),
        (
            None,
            Some(4),
            true,
            s3_values(t)[0].1[6].to_string().as_str()
        )
    );
    let src = &r.metric_sources["s3.carried_forward.natural_person"];
    assert_eq!((src.paragraph, src.raw.as_str()), (Some(28), "3"));
    assert_eq!(r.metric_sources["s4.suit_direct.total"].paragraph, Some(32));
    assert_eq!(r.metric_sources["s3.denied.third_party.research"].raw, "/");
    // Checks run on the values read from text: R1–R3 and R5 hold. The prose
    // of 一 (`共收到申请55件`) disagrees with the 一、本年新收 row read from text.
    let total = s3_values(t)[0].1[6] as f64;
    assert_ne!(total, 55.0);
    assert_eq!(
        failing(&r),
        vec![("P1".to_string(), "s3.new_received.total".to_string())]
    );
    let p1 = r.checks.iter().find(|c| c.rule == "P1").unwrap();
    assert_eq!(
        (p1.expected, p1.actual),
        (Some(Num(total)), Some(Num(55.0)))
    );
    assert_eq!(p1.evidence.as_deref(), Some("本年度共收到申请55件"));
    assert!(r
        .checks
        .iter()
        .any(|c| c.rule == "R1" && c.status == CheckStatus::Pass));
    assert!(r
        .checks
        .iter()
        .any(|c| c.rule == "R5" && c.status == CheckStatus::Pass));
    assert_eq!(
        r.warnings
            .iter()
            .map(|w| (w.code.as_str(), w.table.as_str()))
            .collect::<Vec<_>>(),
        vec![
            ("table_missing", "s2"),
            ("table_from_text", "s3"),
            ("table_from_text", "s4")
        ]
    );
    // 二 stays null (never zeros).
    assert_eq!(r.metrics["s2.normative.issued"], None);
}

#[test]
fn prose_numbers_are_not_read_as_a_flattened_table() {
    let d = doc(
        "reports/x.docx",
        vec![para("某某市某某局2022年政府信息公开工作年度报告")],
        vec![
            section(
                "三、收到和处理政府信息公开申请情况",
                vec![para(
                    "本年新收政府信息公开申请 5 件，予以公开 3 件，上年结转 1 件。",
                )],
            ),
            section(
                "四、政府信息公开行政复议、行政诉讼情况",
                vec![para("行政复议 0 0 0 0 0 行政诉讼 0 0 0 0 0")],
            ),
        ],
    );
    let r = analyze(&d).unwrap();
    assert!(r
        .metrics
        .iter()
        .filter(|(k, _)| !k.starts_with("s2"))
        .all(|(_, v)| v.is_none()));
    assert!(r.warnings.iter().all(|w| w.code == "table_missing"));
    // No arithmetic check runs; the prose statements are read, and cannot be
    // checked without tables.
    let stated: Vec<(&str, &str, f64)> = r
        .prose
        .iter()
        .map(|p| (p.rule.as_str(), p.key.as_str(), p.value.0))
        .collect();
    assert_eq!(
        stated,
        [
            ("P1", "s3.new_received.total", 5.0),
            ("P2", "s3.carried_over.total", 1.0),
            ("P5", "s3.granted.total", 3.0)
        ]
    );
    assert_eq!(r.checks.len(), 3);
    assert!(r
        .checks
        .iter()
        .all(|c| c.rule.starts_with('P') && c.status == CheckStatus::NotCheckable));
}

#[test]
fn r8_is_a_warning_on_2019_section_two() {
    let row = |label: &str, a: &str, b: &str, c: &str| vec![cell(label), cell(a), cell(b), cell(c)];
    let s2 = table(vec![
        vec![span("第二十条第（一）项", 4)],
        row(
            "信息内容",
            "本年新制作数量",
            "本年新公开数量",
            "对外公开总数量",
        ),
        row("规章", "3", "3", "9"),
        row("规范性文件", "14", "14", "10"),
    ]);
    let d = standard_doc(
        "某某县某某局2019年政府信息公开工作年度报告",
        s2,
        s3_table(Template::V2019, true, &plain, &|_, _, v| num(v)),
        s4_table(S4_VALUES, true),
    );
    let r = analyze(&d).unwrap();
    assert_eq!(r.template, Some(Template::V2019));
    let r8: Vec<_> = r.checks.iter().filter(|c| c.rule == "R8").collect();
    assert_eq!(r8.len(), 2);
    assert_eq!(
        (
            r8[0].column.as_str(),
            r8[0].status,
            r8[0].expected,
            r8[0].actual,
            r8[0].severity
        ),
        (
            "regulation",
            CheckStatus::Pass,
            Some(Num(3.0)),
            Some(Num(9.0)),
            Some(Severity::Warning)
        )
    );
    assert_eq!(
        (
            r8[1].column.as_str(),
            r8[1].status,
            r8[1].expected,
            r8[1].actual
        ),
        (
            "normative",
            CheckStatus::Fail,
            Some(Num(14.0)),
            Some(Num(10.0))
        )
    );
    // R1–R5 carry no severity; a 2021 report has no R8.
    assert!(r
        .checks
        .iter()
        .filter(|c| c.rule != "R8")
        .all(|c| c.severity.is_none()));
    let json = serde_json::to_value(r8[0]).unwrap();
    assert_eq!(json["severity"], "warning");
    let d = standard_doc(
        "某某市某某局2022年政府信息公开工作年度报告",
        s2_2021(&plain),
        s3_table(Template::V2021, true, &plain, &|_, _, v| num(v)),
        s4_table(S4_VALUES, true),
    );
    assert!(!analyze(&d).unwrap().checks.iter().any(|c| c.rule == "R8"));
}

// ------------------------------------------------------- layouts (issue 12)

/// A document whose section 三 holds `s3_parts` (in order) and whose 四 is
/// `t4` (absent: glued into the 三 tables).
fn layout_doc(title: &str, t2: Table, s3_parts: Vec<Content>, t4: Option<Table>) -> TestDoc {
    let mut d = standard_doc(
        title,
        t2,
        table(vec![vec![cell("x")]]),
        s4_table(S4_VALUES, true),
    );
    d.sections[3].content = s3_parts;
    d.sections[4].content = t4.map(Content::Table).into_iter().collect();
    d
}

#[test]
fn slice_rows_keeps_the_table_invariants() {
    let t = s3_table(Template::V2021, true, &plain, &|_, _, v| num(v));
    for (a, b) in [(0, 5), (2, 9), (5, t.n_rows), (0, t.n_rows), (7, 7)] {
        let s = tables::slice_rows(&t, a, b);
        s.check().unwrap_or_else(|e| panic!("{a}..{b}: {e}"));
        assert_eq!(s.n_rows, b - a);
        // Each grid position shows the text of the cell covering it in `t`.
        for r in 0..s.n_rows {
            for c in 0..s.n_cols {
                assert_eq!(
                    s.cell_at(r, c).unwrap().text,
                    t.cell_at(r + a, c).unwrap().text,
                    "{a}..{b} at {r},{c}"
                );
            }
        }
    }
}

#[test]
fn s3_split_without_repeated_header_reads_as_one_table() {
    for v in [Template::V2019, Template::V2021] {
        let t = s3_table(v, true, &plain, &|_, _, x| num(x));
        // Cut inside （五）不予处理: the second part has no header rows.
        let cut = (0..t.n_rows)
            .find(|&r| t.cell_at(r, 2).is_some_and(|c| c.text.contains("出版物")))
            .unwrap();
        let parts = vec![
            Content::Table(tables::slice_rows(&t, 0, cut)),
            Content::Table(tables::slice_rows(&t, cut, t.n_rows)),
        ];
        let s2 = if v == Template::V2021 {
            s2_2021(&plain)
        } else {
            s2_2019("本年新制作数量")
        };
        let d = layout_doc(
            "某某市某某局2022年政府信息公开工作年度报告",
            s2,
            parts,
            Some(s4_table(S4_VALUES, true)),
        );
        let r = analyze(&d).unwrap();
        assert_eq!(r.template, Some(v));
        assert_eq!(metric_map(&r, "s3.", v), expected_s3(v), "{v:?}");
        assert!(failing(&r).is_empty(), "{v:?}: {:?}", failing(&r));
        let s3_extra: Vec<_> = r.extra_rows.iter().filter(|e| e.table == "s3").collect();
        assert!(s3_extra.is_empty(), "{v:?}: {s3_extra:?}");
        // Sources name the Word table holding the row, rows counted in it.
        let s = &r.metric_sources["s3.carried_forward.total"];
        assert_eq!(s.table, Some(2));
        assert_eq!(s.row, Some(t.n_rows - 1 - cut));
        assert_eq!(r.metric_sources["s3.new_received.total"].table, Some(1));
    }
}

#[test]
fn s3_parts_apart_are_not_joined() {
    // A 三 table, an unrelated table, then a second 三 table: only the first counts.
    let t = s3_table(Template::V2021, true, &plain, &|_, _, x| num(x));
    let other = s3_table(Template::V2021, true, &plain, &|_, _, _| num(99));
    let d = layout_doc(
        "某某市某某局2022年政府信息公开工作年度报告",
        s2_2021(&plain),
        vec![
            Content::Table(t),
            Content::Table(table(vec![vec![cell("附表"), cell("说明")]])),
            Content::Table(other),
        ],
        Some(s4_table(S4_VALUES, true)),
    );
    let r = analyze(&d).unwrap();
    assert_eq!(
        metric_map(&r, "s3.", Template::V2021),
        expected_s3(Template::V2021)
    );
}

#[test]
fn s4_glued_below_s3_with_rows_of_another_width() {
    // Word allows rows of different widths in one table: 三 rows are 10
    // columns wide, the 四 rows below them 15.
    let t3 = s3_table(Template::V2021, true, &plain, &|_, _, x| num(x));
    let mut rows: Vec<Vec<RawCell>> = Vec::new();
    let t3_rows = t3.n_rows;
    for r in 0..t3_rows {
        let mut row = Vec::new();
        let mut c = 0;
        while c < t3.n_cols {
            let x = t3.cell_at(r, c).unwrap();
            let restart = x.row == r;
            if x.row_span > 1 || x.row != r {
                row.push(vm(&x.text, x.col_span, restart));
            } else {
                row.push(span(&x.text, x.col_span));
            }
            c += x.col_span;
        }
        rows.push(row);
    }
    let results = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"];
    let mut h1: Vec<RawCell> = vec![span("行政复议", 5), span("行政诉讼", 10)];
    let mut h2: Vec<RawCell> = results.iter().map(|r| vm(r, 1, true)).collect();
    h2.push(span("未经复议直接起诉", 5));
    h2.push(span("复议后起诉", 5));
    let mut h3: Vec<RawCell> = (0..5).map(|_| vm("", 1, false)).collect();
    h3.extend(results.iter().chain(results.iter()).map(|r| cell(r)));
    rows.append(&mut vec![
        std::mem::take(&mut h1),
        std::mem::take(&mut h2),
        std::mem::take(&mut h3),
        S4_VALUES.iter().map(|v| cell(v)).collect(),
    ]);
    let glued = table(rows);
    let d = layout_doc(
        "某某市某某局2022年政府信息公开工作年度报告",
        s2_2021(&plain),
        vec![Content::Table(glued)],
        None,
    );
    let r = analyze(&d).unwrap();
    assert!(r.tables_found.s3 && r.tables_found.s4);
    assert_eq!(
        metric_map(&r, "s3.", Template::V2021),
        expected_s3(Template::V2021)
    );
    assert_eq!(r.metrics["s4.review.upheld"], Some(Num(5.0)));
    assert_eq!(r.metrics["s4.suit_after_review.total"], Some(Num(1.0)));
    assert!(failing(&r).is_empty(), "{:?}", failing(&r));
    let s = &r.metric_sources["s4.review.total"];
    assert_eq!(
        (s.table, s.row, s.col),
        (Some(1), Some(t3_rows + 3), Some(4))
    );
}

#[test]
fn publisher_names_the_agency_only_when_nothing_else_does() {
    let meta = table(vec![
        vec![
            cell("索 引 号"),
            cell("000014349/2023-00012"),
            cell("发布机构"),
            cell("某某县统计局"),
        ],
        vec![cell("发布日期"), cell("2023/1/9"), cell("文号"), cell("无")],
    ]);
    // No title, no opening sentence, no signature: the publisher names the agency.
    let mut d = standard_doc(
        "政府信息公开工作年度报告",
        s2_2021(&plain),
        s3_table(Template::V2021, true, &plain, &|_, _, x| num(x)),
        s4_table(S4_VALUES, true),
    );
    d.sections[0]
        .content
        .insert(0, Content::Table(meta.clone()));
    d.sections[6].content.truncate(1);
    let r = analyze(&d).unwrap();
    assert_eq!(r.agency.as_deref(), Some("某某县统计局"));
    assert_eq!(r.agency_source, Some(MetaSource::Publication));
    let p = r.publication.clone().unwrap();
    assert_eq!(p.date.as_ref().unwrap().value, "2023-01-09");
    assert_eq!(p.date.as_ref().unwrap().text, "2023/1/9");
    assert_eq!(p.index_no.as_ref().unwrap().label, "索 引 号");
    assert!(p.doc_no.is_none(), "无 is no number");
    // The metadata table is table 0; the standard tables keep their reading.
    assert_eq!(r.metric_sources["s3.new_received.total"].table, Some(2));
    assert!(r.tables_found.s2 && r.tables_found.s3 && r.tables_found.s4);
    // With a title naming the agency, the title wins.
    let mut d2 = d.clone();
    d2.sections[0].content[1] = para("某某市某某局2022年政府信息公开工作年度报告");
    let r2 = analyze(&d2).unwrap();
    assert_eq!(r2.agency.as_deref(), Some("某某市某某局"));
    assert_eq!(r2.agency_source, Some(MetaSource::Title));
    assert!(r2.agency_forms.contains(&"某某县统计局".to_string()));
}

#[test]
fn unmatched_labels_go_to_extra_rows_with_the_nearest_row_and_steal_nothing() {
    // 6.属于四类过程性信息 printed as a near-miss of row 5 (三类内部事物信息: no
    // key phrase, nearest row 5, already read): it must not take row 5's
    // place nor its values; 8.属于行政查询事项 printed as an unrelated label.
    let label = |s: &str| match s {
        "6.属于四类过程性信息" => "6.属于三类内部事物信息".to_string(),
        "8.属于行政查询事项" => "8.其他情形".to_string(),
        "2.没有现成信息需要另行制作" => "2.没有现成信息需另行制作".to_string(),
        other => other.to_string(),
    };
    let t = Template::V2021;
    let d = standard_doc(
        "某某市某某局2022年政府信息公开工作年度报告",
        s2_2021(&plain),
        s3_table(t, true, &label, &|_, _, v| v.to_string()),
        s4_table(S4_VALUES, true),
    );
    let r = analyze(&d).unwrap();
    let values = s3_values(t);
    let row = |key: &str| values.iter().find(|(k, _)| *k == key).unwrap().1;
    // Row 5 keeps its own values, read by its own label.
    for (c, col) in S3_COLUMNS.iter().enumerate() {
        let k = format!("s3.denied.internal_affairs.{col}");
        assert_eq!(
            r.metrics[&k].map(|n| n.0),
            Some(row("denied.internal_affairs")[c] as f64),
            "{k}"
        );
        assert_eq!(r.metrics[&format!("s3.denied.process_info.{col}")], None);
        assert_eq!(r.metrics[&format!("s3.denied.admin_query.{col}")], None);
    }
    assert_eq!(
        r.metric_sources["s3.denied.internal_affairs.total"]
            .label
            .as_deref(),
        Some("5.属于三类内部事务信息")
    );
    // Both labels are kept, with the nearest row and its score.
    let extra = |l: &str| {
        r.extra_rows
            .iter()
            .find(|e| e.label == l)
            .unwrap_or_else(|| panic!("{l}: {:?}", r.extra_rows))
    };
    let near_miss = extra("6.属于三类内部事物信息");
    assert_eq!(near_miss.table, "s3");
    assert_eq!(
        near_miss.nearest_key.as_deref(),
        Some("s3.denied.internal_affairs")
    );
    assert!(near_miss.score.is_some_and(|s| s.0 >= 0.5), "{near_miss:?}");
    assert_eq!(near_miss.values.len(), 7);
    let unrelated = extra("8.其他情形");
    assert!(unrelated.nearest_key.is_some());
    assert!(unrelated.score.is_some_and(|s| s.0 < 0.5), "{unrelated:?}");
    // A clear near-miss of an unread row of its group is taken, and says so.
    let src = &r.metric_sources["s3.unable.needs_creation.natural_person"];
    assert_eq!(src.label.as_deref(), Some("2.没有现成信息需另行制作"));
    assert_eq!(src.matched.map(|m| m.how), Some(MatchHow::Alias));
    assert_eq!(
        r.metrics["s3.unable.needs_creation.natural_person"].map(|n| n.0),
        Some(row("unable.needs_creation")[0] as f64)
    );
}

#[test]
fn template_names_are_the_serialized_ones() {
    for t in Template::ALL {
        assert_eq!(serde_json::to_value(t).unwrap(), t.name());
        assert_eq!(Template::from_name(t.name()), Some(t));
    }
    assert_eq!(Template::from_name("2020"), None);
}
