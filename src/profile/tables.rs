//! The three standard tables → canonical metric keys (template.md §3–5, §7.2, §8.5–8.7).
//!
//! Tables are located by their labels, never by their position in the document
//! ([`classify`]). Each is then read on its resolved grid (`Table::grid`), so
//! merged cells (DOCX `vMerge`/`gridSpan`, ODT spans) and split labels (merged
//! labels written out as repeated text) read the same:
//!
//! * 二 ([`read_s2`]): a stream of rows over one or more tables. `第二十条第（N）项`
//!   rows open a block, `信息内容` rows define the measure of each value column
//!   (by label, falling back to the block's expected order when a label is
//!   truncated), data rows are identified by their first cell.
//! * 三 ([`read_s3`]): the 7 value columns come from the header labels (自然人 …
//!   总计); each data row is identified from its **last** non-empty label cell,
//!   with a stack of open groups (（三）不予公开 …) for the ambiguous `3.其他`.
//!   A row without merges (shorter than the grid, values starting under the
//!   label columns) is read by cell position after its last label, so blank
//!   values keep their place.
//! * 四 ([`read_s4`]): the 15 value cells are placed by the header path above
//!   each column (行政复议 / 未经复议直接起诉 / 复议后起诉 × result), and by position
//!   when the header labels are incomplete.
//!
//! Unknown rows holding values are kept as `extra_rows`.
//!
//! Layouts (issue 12): a 三 table continued in the next Word tables is read
//! table by table into the same keys (each with its own header, or the last 7
//! grid columns when it has none); a 四 table glued below 三 in one Word table
//! is found by [`s4_split_row`] and cut off with [`slice_rows`].

use super::value::{parse_cell, CellValue};
use super::{ExtraRow, LabelMatch, MatchHow, MetricSource};
use crate::model::Table;
use crate::normalize::{label_key, strip_item_marker};
use std::collections::HashMap;
use std::rc::Rc;

/// Which standard table a table is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableKind {
    /// 二、主动公开政府信息情况.
    S2,
    /// 三、收到和处理政府信息公开申请情况.
    S3,
    /// 四、政府信息公开行政复议、行政诉讼情况.
    S4,
}

/// Column keys of the 三 table, left to right.
pub const S3_COLUMNS: [&str; 7] = [
    "natural_person",
    "commercial",
    "research",
    "social_welfare",
    "legal_service",
    "other_org",
    "total",
];

/// Upper bound on rows examined per table (hostile inputs).
const MAX_ROWS: usize = 2_000;
/// Upper bound on columns examined per row.
const MAX_COLS: usize = 200;

/// A value read from a cell, with where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct CellRead {
    /// The parsed value.
    pub value: CellValue,
    /// The source cell.
    pub source: MetricSource,
}

/// What the tables gave.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Extracted {
    /// Key → value read from a cell (keys of both versions may appear; the
    /// caller keeps those of the detected version).
    pub cells: HashMap<String, CellRead, super::checks::KeyHash>,
    /// Rows that hold values but match no template row.
    pub extra_rows: Vec<ExtraRow>,
    /// 三 group rows that carried values of their own (`denied`, `unable`,
    /// `not_processed`, `other`): the 7 values, for check R4.
    pub group_rows: Vec<(String, [Option<f64>; 7])>,
    /// Labels characteristic of the 2019 format seen in the tables.
    pub markers_2019: usize,
    /// Labels characteristic of the 2021 format seen in the tables.
    pub markers_2021: usize,
    /// Whether the 三 table has the 2021 （六） sub-rows.
    pub s3_has_2021_other_rows: bool,
    /// Values of a （六）其他处理 row of its own (a data row in 2019).
    pub s3_other_row: Option<Vec<(String, CellRead)>>,
    /// Which tables were found.
    pub found: [bool; 3],
}

impl Extracted {
    /// A 三 data row `k` (e.g. `denied.state_secret`) was read: note a 2021
    /// （六） sub-row, and return the group the following sub-rows belong to.
    pub(crate) fn note_s3_row(&mut self, k: &str) -> Option<&'static str> {
        if k.starts_with("other.") && k != "other.total" {
            self.s3_has_2021_other_rows = true;
        }
        ["denied", "unable", "not_processed", "other"]
            .into_iter()
            .find(|g| k.strip_prefix(g).is_some_and(|r| r.starts_with('.')))
    }
}

/// A table with the label keys of its cells ([`label_key`]), each computed once
/// on first use and shared by [`classify`], [`count_markers`] and the readers.
pub struct Keys<'a> {
    t: &'a Table,
    cache: Vec<std::cell::OnceCell<Rc<str>>>,
    /// All keys (of the first cells, bounded) joined by U+0001, for containment tests.
    joined: std::cell::OnceCell<String>,
}

impl<'a> Keys<'a> {
    /// Keys of `t`'s cells (none computed yet).
    pub fn new(t: &'a Table) -> Self {
        Keys {
            t,
            cache: (0..t.cells.len())
                .map(|_| std::cell::OnceCell::new())
                .collect(),
            joined: std::cell::OnceCell::new(),
        }
    }

    /// The table.
    pub fn table(&self) -> &'a Table {
        self.t
    }

    /// The label key of cell `idx` (empty for an index out of range).
    fn get(&self, idx: usize) -> &str {
        match self.cache.get(idx) {
            Some(c) => c.get_or_init(|| cached_label_key(cell_text(self.t, idx))),
            None => "",
        }
    }

    /// Whether any cell's key contains `needle`.
    fn has(&self, needle: &str) -> bool {
        self.joined
            .get_or_init(|| {
                let n = self.cache.len().min(MAX_ROWS * 20);
                let mut all = String::new();
                for i in 0..n {
                    all.push_str(self.get(i));
                    all.push('\u{1}');
                }
                all
            })
            .contains(needle)
    }
}

/// [`label_key`], memoized per thread: the template's labels recur in every
/// report. Bounded (cleared when full); plain numbers and long texts are not
/// kept. Shared, so that a hit (most lookups: about 200 a report) costs no
/// allocation.
fn cached_label_key(text: &str) -> Rc<str> {
    type Memo = HashMap<Box<str>, Rc<str>, super::checks::KeyHash>;
    thread_local! {
        static MEMO: std::cell::RefCell<Memo> = std::cell::RefCell::new(Memo::default());
    }
    if text.len() > 256 || text.bytes().all(|b| b.is_ascii_digit()) {
        return label_key(text).into();
    }
    MEMO.with(|memo| {
        if let Some(k) = memo.borrow().get(text) {
            return Rc::clone(k);
        }
        let k: Rc<str> = label_key(text).into();
        let mut memo = memo.borrow_mut();
        if memo.len() >= 8192 {
            memo.clear();
        }
        memo.insert(text.into(), Rc::clone(&k));
        k
    })
}

/// Decide which standard table `t` is, from its labels.
pub fn classify(t: &Table) -> Option<TableKind> {
    classify_keyed(&Keys::new(t))
}

/// [`classify`] with the table's keys.
pub fn classify_keyed(keys: &Keys) -> Option<TableKind> {
    let has = |needle: &str| keys.has(needle);
    let count = |needles: &[&str]| needles.iter().filter(|n| has(n)).count();
    let s3 = count(&[
        "申请人情况",
        "本年新收",
        "上年结转",
        "本年度办理结果",
        "予以公开",
        "结转下年度",
        "不予处理",
        "无法提供",
    ]);
    if s3 >= 2 || (has("自然人") && has("商业企业")) {
        return Some(TableKind::S3);
    }
    if has("行政复议") && (has("行政诉讼") || has("结果维持") || has("复议后起诉"))
    {
        return Some(TableKind::S4);
    }
    let s2 = count(&[
        "第二十条",
        "信息内容",
        "规章",
        "规范性文件",
        "行政许可",
        "行政处罚",
        "行政强制",
        "事业性收费",
        "制发",
        "现行有效",
        "新制作",
        "处理决定",
        "集中采购",
    ]);
    if s2 >= 2 {
        return Some(TableKind::S2);
    }
    None
}

/// Count the version markers of template.md §8.2 in a table's labels.
pub fn count_markers(t: &Table) -> (usize, usize) {
    count_markers_keyed(&Keys::new(t))
}

/// [`count_markers`] with the table's keys.
pub fn count_markers_keyed(keys: &Keys) -> (usize, usize) {
    let has = |needle: &str| keys.has(needle);
    let m2021 = [
        "本年制发件数",
        "本年废止件数",
        "现行有效件",
        "本年收费金额",
        "本年处理决定数量",
        "逾期不补正",
    ]
    .iter()
    .filter(|n| has(n))
    .count();
    let m2019 = [
        "本年新制作数量",
        "对外公开总数量",
        "上一年项目数量",
        "本年增/减",
        "第二十条第(九)项",
        "政府集中采购",
        "其他对外管理服务事项",
    ]
    .iter()
    .filter(|n| has(n))
    .count();
    (m2019, m2021)
}

/// Distinct cells of row `r`, left to right: (cell index, first grid column).
fn row_segments(t: &Table, r: usize) -> Vec<(usize, usize)> {
    let mut out: Vec<(usize, usize)> = Vec::new();
    let Some(row) = t.grid.get(r) else {
        return out;
    };
    for (c, &idx) in row.iter().enumerate().take(MAX_COLS) {
        let idx = idx as usize;
        if out.last().map(|&(i, _)| i) != Some(idx) && !out.iter().any(|&(i, _)| i == idx) {
            out.push((idx, c));
        }
    }
    out
}

fn source(table_index: u32, t: &Table, idx: usize) -> MetricSource {
    match t.cells.get(idx) {
        Some(c) => MetricSource {
            table: Some(table_index),
            row: Some(c.row),
            col: Some(c.col),
            paragraph: None,
            from_text: false,
            raw: c.text.clone(),
            label: None,
            matched: None,
        },
        None => MetricSource {
            table: Some(table_index),
            row: None,
            col: None,
            paragraph: None,
            from_text: false,
            raw: String::new(),
            label: None,
            matched: None,
        },
    }
}

fn cell_text(t: &Table, idx: usize) -> &str {
    t.cells.get(idx).map(|c| c.text.as_str()).unwrap_or("")
}

// ---------------------------------------------------------------- section 二

fn s2_item(label: &str) -> Option<&'static str> {
    let compacted = super::labels::compact(label);
    let l = compacted.as_ref();
    if l.starts_with("其他主动公开") {
        return None;
    }
    if l.starts_with("规章") {
        Some("regulation")
    } else if l.starts_with("行政规范性文件") || l.starts_with("规范性文件") {
        Some("normative")
    } else if l.starts_with("行政许可") {
        Some("license")
    } else if l.starts_with("其他对外管理") {
        Some("other_service")
    } else if l.starts_with("行政处罚") {
        Some("penalty")
    } else if l.starts_with("行政强制") {
        Some("coercion")
    } else if l.contains("事业性收费") {
        Some("fee")
    } else if l.contains("集中采购") {
        Some("procurement")
    } else {
        None
    }
}

/// How a 二 row label (its key) matched item `item`: the template's item
/// names are short, so anything beyond them is an alias.
fn s2_match(key: &str, item: &str) -> LabelMatch {
    let names: &[&str] = match item {
        "regulation" => &["规章"],
        "normative" => &["行政规范性文件", "规范性文件"],
        "license" => &["行政许可"],
        "other_service" => &["其他对外管理服务事项"],
        "penalty" => &["行政处罚"],
        "coercion" => &["行政强制"],
        "fee" => &["行政事业性收费"],
        "procurement" => &["政府集中采购"],
        _ => &[],
    };
    let bare = strip_item_marker(key).1;
    let c = super::labels::compact(key);
    let how = if names.contains(&bare) {
        MatchHow::Exact
    } else if names.contains(&c.as_ref()) {
        MatchHow::Normalized
    } else {
        MatchHow::Alias
    };
    let score = names
        .iter()
        .map(|n| super::labels::similarity(&c, n))
        .fold(0.0, f64::max);
    LabelMatch {
        how,
        score: super::value::Num(if how == MatchHow::Alias {
            (score * 100.0).round() / 100.0
        } else {
            1.0
        }),
    }
}

fn s2_measure(label: &str) -> Option<&'static str> {
    let pairs: [(&str, &str); 14] = [
        ("制发", "issued"),
        ("废止", "repealed"),
        ("现行有效", "in_force_or_total"),
        ("新制作", "issued"),
        ("新公开", "published_new"),
        ("公开总数", "in_force_or_total"),
        ("上一年项目", "items_prev"),
        ("上年项目", "items_prev"),
        ("增/减", "items_delta"),
        ("增减", "items_delta"),
        ("处理决定", "decisions"),
        ("收费金额", "amount_wan_yuan"),
        ("采购项目", "projects"),
        ("采购总金额", "amount"),
    ];
    pairs
        .iter()
        .find(|(needle, _)| label.contains(needle))
        .map(|&(_, m)| m)
        .or_else(|| label.contains("采购金额").then_some("amount"))
}

/// Expected measures of a block in each version, in column order.
fn s2_block_measures(block: u32, v2021: bool) -> &'static [&'static str] {
    match (block, v2021) {
        (1, false) => &["issued", "published_new", "in_force_or_total"],
        (1, true) => &["issued", "repealed", "in_force_or_total"],
        (5, false) | (6, false) => &["items_prev", "items_delta", "decisions"],
        (5, true) | (6, true) => &["decisions"],
        (8, false) => &["items_prev", "items_delta"],
        (8, true) => &["amount_wan_yuan"],
        (9, _) => &["projects", "amount"],
        _ => &[],
    }
}

fn item_block(item: &str) -> u32 {
    match item {
        "regulation" | "normative" => 1,
        "license" | "other_service" => 5,
        "penalty" | "coercion" => 6,
        "fee" => 8,
        "procurement" => 9,
        _ => 0,
    }
}

fn block_number(key: &str) -> Option<u32> {
    // 第二十条第(一)项 / 第二十条第一项
    let pos = key.find("第二十条")?;
    let rest = &key[pos + "第二十条".len()..];
    let rest = rest.strip_prefix('第')?;
    let rest = rest.strip_prefix('(').unwrap_or(rest);
    let num: String = rest
        .chars()
        .take_while(|c| "一二三四五六七八九十".contains(*c))
        .collect();
    crate::normalize::chinese_numeral(&num)
}

/// Column measure map of the current block: (first col, last col, measure).
type ColMeasures = Vec<(usize, usize, Option<&'static str>)>;

/// Read the 二 tables (one or several, in document order). `prefer_2021` says
/// which version's column order to assume for value rows without a `信息内容`
/// header row (from the 三 table); `None` decides from the 二 labels.
pub fn read_s2(tables: &[(u32, &Table)], prefer_2021: Option<bool>, out: &mut Extracted) {
    let keyed: Vec<(u32, Keys)> = tables.iter().map(|&(i, t)| (i, Keys::new(t))).collect();
    let refs: Vec<(u32, &Keys)> = keyed.iter().map(|(i, k)| (*i, k)).collect();
    read_s2_keyed(&refs, prefer_2021, out);
}

/// [`read_s2`] with the tables' keys.
pub fn read_s2_keyed(tables: &[(u32, &Keys)], prefer_2021: Option<bool>, out: &mut Extracted) {
    let prefer_2021 = prefer_2021.unwrap_or_else(|| {
        let (a, b) = tables
            .iter()
            .map(|&(_, k)| count_markers_keyed(k))
            .fold((0, 0), |acc, m| (acc.0 + m.0, acc.1 + m.1));
        b > a
    });
    let order = if prefer_2021 {
        [true, false]
    } else {
        [false, true]
    };
    let mut block: u32 = 0;
    let mut measures: ColMeasures = Vec::new();
    let mut measures_block: u32 = u32::MAX;
    for &(ti, kc) in tables {
        let t = kc.table();
        for r in 0..(t.n_rows as usize).min(MAX_ROWS) {
            let segs = row_segments(t, r);
            let Some(&(first_idx, _)) = segs.first() else {
                continue;
            };
            let keys: Vec<String> = segs.iter().map(|&(i, _)| kc.get(i).to_string()).collect();
            if let Some(b) = keys.iter().find_map(|k| block_number(k)) {
                block = b;
                measures.clear();
                measures_block = u32::MAX;
                continue;
            }
            let first = keys.first().map(String::as_str).unwrap_or("");
            if first.starts_with("信息内容") {
                let mut m: ColMeasures = segs
                    .iter()
                    .zip(&keys)
                    .skip(1)
                    .map(|(&(idx, c), k)| {
                        let span = t
                            .cells
                            .get(idx)
                            .map(|x| x.col_span.max(1) as usize)
                            .unwrap_or(1);
                        (c, c + span - 1, s2_measure(k))
                    })
                    .collect();
                // Truncated labels (`本年新` twice): fill by the block's order.
                if m.iter().any(|x| x.2.is_none()) {
                    let known: Vec<&str> = m.iter().filter_map(|x| x.2).collect();
                    let v2021 = known
                        .iter()
                        .any(|k| matches!(*k, "repealed" | "amount_wan_yuan"))
                        || (m.len() == 1 && block != 9);
                    let expected = s2_block_measures(block, v2021);
                    if expected.len() == m.len() {
                        for (slot, e) in m.iter_mut().zip(expected) {
                            if slot.2.is_none() {
                                slot.2 = Some(e);
                            }
                        }
                    }
                }
                measures = m;
                measures_block = block;
                continue;
            }
            let values: Vec<(usize, usize, CellValue)> = segs
                .iter()
                .skip(1)
                .map(|&(idx, c)| (idx, c, parse_cell(cell_text(t, idx))))
                .collect();
            if values.is_empty() || values.iter().all(|v| v.2 == CellValue::Text) {
                continue;
            }
            let item = s2_item(first);
            let Some(item) = item else {
                if values.iter().any(|v| matches!(v.2, CellValue::Number(_))) {
                    out.extra_rows.push(ExtraRow {
                        table: "s2".to_string(),
                        label: cell_text(t, first_idx).to_string(),
                        values: values
                            .iter()
                            .map(|v| cell_text(t, v.0).to_string())
                            .collect(),
                        nearest_key: None,
                        score: None,
                    });
                }
                continue;
            };
            if item_block(item) != block {
                // A table without block rows, or rows out of order: the item
                // tells the block; the header measures no longer apply.
                block = item_block(item);
            }
            let header_applies = measures_block == block;
            for (pos, &(idx, c, v)) in values.iter().enumerate() {
                let from_header = if header_applies {
                    measures
                        .iter()
                        .find(|&&(a, b, _)| a <= c && c <= b)
                        .and_then(|x| x.2)
                } else {
                    None
                };
                let measure = from_header.or_else(|| {
                    // No header: place by position if the count matches one version.
                    order.iter().find_map(|&v21| {
                        let e = s2_block_measures(block, v21);
                        (e.len() == values.len())
                            .then(|| e.get(pos).copied())
                            .flatten()
                    })
                });
                if let Some(m) = measure {
                    // The fee amount is in 万元; a cell written in 元 is converted.
                    let v = match v {
                        CellValue::Number(x)
                            if m == "amount_wan_yuan"
                                && super::value::money_unit(cell_text(t, idx)) == Some("元") =>
                        {
                            CellValue::Number(x / 10_000.0)
                        }
                        other => other,
                    };
                    let key = super::checks::key3("s2", item, m);
                    out.cells.entry(key).or_insert_with(|| CellRead {
                        value: v,
                        source: MetricSource {
                            label: Some(cell_text(t, first_idx).to_string()),
                            matched: Some(s2_match(first, item)),
                            ..source(ti, t, idx)
                        },
                    });
                }
            }
        }
    }
}

// ---------------------------------------------------------------- section 三

/// A recognised 三 row label.
#[derive(Debug, Clone, PartialEq)]
pub enum S3Label {
    /// A data row with this row key (`denied.state_secret`).
    Row(&'static str),
    /// A group label (`denied`, `unable`, `not_processed`, `results`).
    Group(&'static str),
    /// `（六）其他处理`: a data row in 2019, a group in 2021.
    OtherProcessing,
    /// Not recognised.
    Unknown,
}

/// The 三 row a label key names (`group`: the open group, for `3.其他`).
pub fn s3_label_of(key: &str, group: Option<&str>) -> S3Label {
    s3_label(key, group)
}

/// [`s3_label`], memoized per thread: the same template labels recur in every
/// report. Bounded (cleared when full).
fn s3_label(key: &str, group: Option<&str>) -> S3Label {
    type Memo = std::collections::HashMap<(String, Option<String>), S3Label>;
    thread_local! {
        static MEMO: std::cell::RefCell<Memo> = std::cell::RefCell::new(Memo::new());
    }
    // Only short labels are worth keeping.
    if key.len() > 300 {
        return s3_label_uncached(key, group);
    }
    let k = (key.to_string(), group.map(str::to_string));
    if let Some(l) = MEMO.with(|m| m.borrow().get(&k).cloned()) {
        return l;
    }
    let l = s3_label_uncached(key, group);
    MEMO.with(|m| {
        let mut m = m.borrow_mut();
        if m.len() >= 4096 {
            m.clear();
        }
        m.insert(k, l.clone());
    });
    l
}

fn s3_label_uncached(key: &str, group: Option<&str>) -> S3Label {
    // Punctuation, units, `或者` set aside (`大量、反复` reads `大量反复`).
    let compacted = super::labels::compact(key);
    let l = compacted.as_ref();
    const ROWS: [(&str, &str); 25] = [
        ("本年新收", "new_received"),
        ("上年结转", "carried_over"),
        ("结转下年", "carried_forward"),
        ("下年度继续办理", "carried_forward"),
        ("予以公开", "granted"),
        ("部分公开", "partial"),
        ("国家秘密", "denied.state_secret"),
        ("禁止公开", "denied.law_forbidden"),
        ("三安全一稳定", "denied.three_security_one_stability"),
        ("第三方", "denied.third_party"),
        ("内部事务", "denied.internal_affairs"),
        ("过程性", "denied.process_info"),
        ("执法案卷", "denied.enforcement_file"),
        ("行政查询", "denied.admin_query"),
        ("不掌握", "unable.not_held"),
        ("另行制作", "unable.needs_creation"),
        ("仍不明确", "unable.still_unclear"),
        ("信访", "not_processed.petition"),
        ("重复申请", "not_processed.duplicate"),
        ("出版物", "not_processed.publication"),
        ("大量反复", "not_processed.excessive"),
        ("重新出具", "not_processed.confirm_or_reissue"),
        ("逾期不补正", "other.no_correction"),
        ("缴纳费用", "other.no_fee"),
        ("收费通知", "other.no_fee"),
    ];
    if let Some(&(_, k)) = ROWS.iter().find(|(n, _)| l.contains(n)) {
        return S3Label::Row(k);
    }
    if l.contains("其他处理") {
        return S3Label::OtherProcessing;
    }
    if l == "其他" || (l.starts_with("其他") && l.chars().count() <= 4 && group == Some("other"))
    {
        return S3Label::Row("other.misc");
    }
    if l == "总计" || l == "合计" || (l.ends_with("总计") && l.chars().count() <= 4) {
        return S3Label::Row("total_processed");
    }
    if l.contains("不予公开") {
        return S3Label::Group("denied");
    }
    if l.contains("无法提供") {
        return S3Label::Group("unable");
    }
    if l.contains("不予处理") {
        return S3Label::Group("not_processed");
    }
    if l.contains("本年度办理结果") || l.contains("办理结果") {
        return S3Label::Group("results");
    }
    S3Label::Unknown
}

fn s3_column(key: &str) -> Option<usize> {
    let compacted = super::labels::compact(key);
    let l = compacted.as_ref();
    if l.contains("自然人") {
        Some(0)
    } else if l.contains("商业企业") {
        Some(1)
    } else if l.contains("科研机构") {
        Some(2)
    } else if l.contains("社会公益") {
        Some(3)
    } else if l.contains("法律服务") {
        Some(4)
    } else if l == "其他" || l == "其他组织" {
        Some(5)
    } else if l == "总计" || l == "合计" {
        Some(6)
    } else {
        None
    }
}

/// The 7 value columns of a 三 table and the first data row.
fn s3_layout(t: &Table, kc: &Keys) -> (Vec<usize>, usize) {
    let n_rows = (t.n_rows as usize).min(MAX_ROWS);
    let n_cols = t.n_cols as usize;
    // First data row: the first row whose label cells name 一/二.
    let mut first_data = n_rows;
    'rows: for r in 0..n_rows {
        for (idx, _) in row_segments(t, r) {
            let k = kc.get(idx);
            if matches!(
                s3_label(k, None),
                S3Label::Row("new_received")
                    | S3Label::Row("carried_over")
                    | S3Label::Row("granted")
            ) {
                first_data = r;
                break 'rows;
            }
        }
    }
    let header_end = first_data.min(8);
    let mut cols: [Option<usize>; 7] = [None; 7];
    for (i, c) in t.cells.iter().enumerate() {
        if (c.row as usize) >= header_end {
            continue;
        }
        if let Some(k) = s3_column(kc.get(i)) {
            if cols[k].is_none() {
                cols[k] = Some(c.col as usize);
            }
        }
    }
    let found: Vec<usize> = cols.iter().flatten().copied().collect();
    let mut distinct = found.clone();
    distinct.sort_unstable();
    distinct.dedup();
    if found.len() == 7 && distinct.len() == 7 {
        return (cols.iter().flatten().copied().collect(), first_data);
    }
    // Lost header cells: start at 自然人 if known, else the last 7 grid columns.
    // (自然人 in column 0 means the header rows lost their label columns.)
    let start = match cols[0] {
        Some(c0) if c0 >= 1 && c0 + 7 <= n_cols => c0,
        _ => n_cols.saturating_sub(7),
    };
    (
        (start..(start + 7).min(n_cols.max(start))).collect(),
        first_data.min(n_rows),
    )
}

/// [`s3_label`] of cells, memoized per (cell, group).
#[derive(Default)]
struct LabelMemo(std::collections::HashMap<(usize, Option<&'static str>), S3Label>);

impl LabelMemo {
    fn get(&mut self, kc: &Keys, idx: usize, group: Option<&'static str>) -> S3Label {
        self.0
            .entry((idx, group))
            .or_insert_with(|| s3_label(kc.get(idx), group))
            .clone()
    }
}

/// Read the 三 table (`table_index` is its index in document order).
pub fn read_s3(table_index: u32, t: &Table, out: &mut Extracted) {
    read_s3_keyed(table_index, &Keys::new(t), out);
}

/// [`read_s3`] with the table's keys.
pub fn read_s3_keyed(table_index: u32, kc: &Keys, out: &mut Extracted) {
    let t = kc.table();
    let (vcols, first_data) = s3_layout(t, kc);
    if vcols.len() != 7 {
        return;
    }
    let first_vcol = vcols[0];
    let n_rows = (t.n_rows as usize).min(MAX_ROWS);
    let mut group: Option<&'static str> = None;
    let mut memo = LabelMemo::default();
    let start = if first_data < n_rows { first_data } else { 0 };
    // Rows without merges somewhere in the table: a number under the label
    // columns. Decides rows whose layout is ambiguous (see `short_row`).
    let short_style = t.cells.iter().any(|c| {
        (c.row as usize) >= start
            && (c.col as usize) < first_vcol
            && matches!(parse_cell(&c.text), CellValue::Number(_))
    });
    for r in start..n_rows {
        let Some(row) = t.grid.get(r) else { break };
        // Label cells: distinct cells over the label columns, non-empty.
        let mut labels: Vec<usize> = Vec::new();
        for &idx in row.iter().take(first_vcol) {
            let idx = idx as usize;
            if !labels.contains(&idx) && !cell_text(t, idx).trim().is_empty() {
                labels.push(idx);
            }
        }
        let mut values: Vec<(usize, CellValue)> = Vec::with_capacity(7);
        let mut prev: Option<usize> = None;
        for &c in &vcols {
            let idx = row.get(c).map(|&i| i as usize).unwrap_or(usize::MAX);
            let starts_left = t
                .cells
                .get(idx)
                .is_some_and(|x| (x.col as usize) < first_vcol);
            let v = if prev == Some(idx) || starts_left || idx == usize::MAX {
                CellValue::Empty
            } else {
                parse_cell(cell_text(t, idx))
            };
            prev = Some(idx);
            values.push((idx, v));
        }
        // A short row (no merges: a group label only on the first row of its
        // span; the grid pads the row at its end) starts its values under the
        // label columns: read it by cell position after its last label.
        if let Some((l, v)) = short_row(t, r, first_vcol, short_style) {
            labels = l;
            values = v;
        }
        if values.iter().all(|v| v.1 == CellValue::Text) {
            continue;
        }
        // Context from the outer label cells.
        for &idx in labels.iter().rev().skip(1).rev() {
            match memo.get(kc, idx, group) {
                S3Label::Group(g) if g != "results" => group = Some(g),
                S3Label::OtherProcessing => group = Some("other"),
                _ => {}
            }
        }
        let last = labels.last().copied();
        let label = last.map(|i| memo.get(kc, i, group));
        let has_number = values.iter().any(|v| matches!(v.1, CellValue::Number(_)));
        let printed = last.map(|i| cell_text(t, i).to_string());
        let reads = |out_key: &str, matched: Option<LabelMatch>| -> Vec<(String, CellRead)> {
            values
                .iter()
                .zip(S3_COLUMNS)
                .map(|(&(idx, v), col)| {
                    (
                        super::checks::key3("s3", out_key, col),
                        CellRead {
                            value: v,
                            source: MetricSource {
                                label: printed.clone(),
                                matched,
                                ..source(table_index, t, idx)
                            },
                        },
                    )
                })
                .collect()
        };
        // A label that names no row: the nearest row of its part of the table,
        // taken when the match is clear and the row is not read yet.
        let mut nearest: Option<(&'static str, f64)> = None;
        let label = match (label, last) {
            (Some(S3Label::Unknown), Some(i))
                if has_number || values.iter().any(|v| v.1 == CellValue::Empty) =>
            {
                let cands = super::labels::s3_candidates(group);
                match super::labels::nearest(kc.get(i), &cands) {
                    Some((row, score, true))
                        if !out
                            .cells
                            .contains_key(&super::checks::key3("s3", row, "total")) =>
                    {
                        nearest = Some((row, score));
                        Some(S3Label::Row(row))
                    }
                    Some((row, score, _)) => {
                        nearest = Some((row, score));
                        Some(S3Label::Unknown)
                    }
                    None => Some(S3Label::Unknown),
                }
            }
            (l, _) => l,
        };
        match label {
            Some(S3Label::Row(k)) => {
                group = out.note_s3_row(k);
                let matched = match nearest {
                    Some((_, score)) => LabelMatch {
                        how: MatchHow::Fuzzy,
                        score: super::value::Num(score),
                    },
                    None => super::labels::how_matched(last.map_or("", |i| kc.get(i)), k),
                };
                let rs = reads(k, Some(matched));
                if rs
                    .first()
                    .is_some_and(|(key, _)| out.cells.contains_key(key))
                {
                    push_extra(out, "s3", t, last, &values, None);
                } else {
                    out.cells.extend(rs);
                }
            }
            Some(S3Label::OtherProcessing) => {
                group = Some("other");
                if out.s3_other_row.is_none() {
                    let matched =
                        super::labels::how_matched(last.map_or("", |i| kc.get(i)), "other.total");
                    out.s3_other_row = Some(reads("other.total", Some(matched)));
                }
            }
            Some(S3Label::Group(g)) => {
                if g != "results" {
                    group = Some(g);
                }
                if has_number {
                    let vals = values_array(&values);
                    out.group_rows.push((g.to_string(), vals));
                    push_extra(out, "s3", t, last, &values, None);
                }
            }
            Some(S3Label::Unknown) | None => {
                if has_number {
                    push_extra(out, "s3", t, last, &values, nearest);
                }
            }
        }
    }
}

/// Label and value cells of a 三 row whose values start under the label columns
/// (template.md §8.7: rows have 1–3 label cells in front of the 7 values, and a
/// row without merges is shorter than the grid, which pads it at its end).
///
/// The labels are the text cells up to the last one in the label columns; the
/// values are the 7 cells after it, by position, so a blank value keeps its
/// place (`1.属于国家秘密 | (blank) | 3 | …` reads 自然人 blank, 商业企业 3). When
/// more than 7 cells follow, the window is the one whose leftover cells are
/// all blank: the first 7 (padding after them) or the last 7 (a blank filler
/// cell before them, as when a label lost its column span). If both are blank
/// the table decides (`short_style`: some row has a number under the label
/// columns); otherwise, and for rows whose values start at the value columns,
/// `None`: the caller reads the grid's value columns.
#[allow(clippy::type_complexity)]
fn short_row(
    t: &Table,
    r: usize,
    first_vcol: usize,
    short_style: bool,
) -> Option<(Vec<usize>, Vec<(usize, CellValue)>)> {
    let segs = row_segments(t, r);
    let parsed: Vec<CellValue> = segs
        .iter()
        .map(|&(i, _)| parse_cell(cell_text(t, i)))
        .collect();
    let label_pos = (0..segs.len())
        .rev()
        .find(|&p| segs[p].1 < first_vcol && parsed[p] == CellValue::Text)?;
    let after = label_pos + 1;
    // Values already start at the value columns: the normal layout.
    if segs.get(after).is_none_or(|&(_, c)| c >= first_vcol) {
        return None;
    }
    let n = segs.len() - after;
    if n < 7 {
        return None;
    }
    let blank =
        |range: std::ops::Range<usize>| range.into_iter().all(|p| parsed[p] == CellValue::Empty);
    let first = if n == 7 {
        after
    } else {
        let tail_blank = blank(after + 7..segs.len());
        let head_blank = blank(after..segs.len() - 7);
        match (tail_blank, head_blank) {
            (true, false) => after,
            (false, true) => segs.len() - 7,
            (true, true) if short_style => after,
            _ => return None,
        }
    };
    let labels = (0..=label_pos)
        .filter(|&p| !cell_text(t, segs[p].0).trim().is_empty())
        .map(|p| segs[p].0)
        .collect();
    let values = (first..first + 7).map(|p| (segs[p].0, parsed[p])).collect();
    Some((labels, values))
}

fn values_array(values: &[(usize, CellValue)]) -> [Option<f64>; 7] {
    let mut a = [None; 7];
    for (slot, v) in a.iter_mut().zip(values) {
        *slot = v.1.number();
    }
    a
}

fn push_extra(
    out: &mut Extracted,
    table: &str,
    t: &Table,
    label: Option<usize>,
    values: &[(usize, CellValue)],
    nearest: Option<(&str, f64)>,
) {
    out.extra_rows.push(ExtraRow {
        table: table.to_string(),
        label: label
            .map(|i| cell_text(t, i).to_string())
            .unwrap_or_default(),
        values: values
            .iter()
            .map(|&(i, _)| cell_text(t, i).to_string())
            .collect(),
        nearest_key: nearest.map(|(k, _)| format!("{table}.{k}")),
        score: nearest.map(|(_, s)| super::value::Num(s)),
    });
}

// ---------------------------------------------------------------- section 四

const S4_GROUPS: [&str; 3] = ["review", "suit_direct", "suit_after_review"];
const S4_RESULTS: [&str; 5] = ["upheld", "corrected", "other", "pending", "total"];

fn s4_group(path: &str) -> Option<usize> {
    if path.contains("复议后起诉") {
        Some(2)
    } else if path.contains("直接起诉") {
        Some(1)
    } else if path.contains("行政复议") {
        Some(0)
    } else {
        None
    }
}

fn s4_result(path: &str) -> Option<usize> {
    // The result label is the last part of the path; check the tail first.
    let tail: String = path
        .chars()
        .rev()
        .take(6)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    for s in [tail.as_str(), path] {
        if s.contains("维持") {
            return Some(0);
        } else if s.contains("纠正") {
            return Some(1);
        } else if s.contains("其他") {
            return Some(2);
        } else if s.contains("尚未") || s.contains("未审结") {
            return Some(3);
        } else if s.contains("总计") || s.contains("合计") {
            return Some(4);
        }
    }
    None
}

/// Read the 四 table.
pub fn read_s4(table_index: u32, t: &Table, out: &mut Extracted) {
    read_s4_keyed(table_index, &Keys::new(t), out);
}

/// [`read_s4`] with the table's keys.
pub fn read_s4_keyed(table_index: u32, kc: &Keys, out: &mut Extracted) {
    let t = kc.table();
    // The data row follows 2–4 header rows; look no further than this.
    let n_rows = (t.n_rows as usize).min(32);
    // The data row: the first row with at least 5 distinct cells, none of them text.
    let mut data_row = None;
    for r in 0..n_rows {
        let segs = row_segments(t, r);
        let vals: Vec<CellValue> = segs
            .iter()
            .map(|&(i, _)| parse_cell(cell_text(t, i)))
            .collect();
        let texts = vals.iter().filter(|v| **v == CellValue::Text).count();
        let nums = vals
            .iter()
            .filter(|v| matches!(v, CellValue::Number(_)))
            .count();
        // A leading label cell (`件数`) is tolerated.
        let enough = nums >= 1 || segs.len() >= 15;
        if segs.len() >= 5 && texts <= 1 && enough && (texts == 0 || vals[0] == CellValue::Text) {
            data_row = Some(r);
            break;
        }
    }
    let Some(dr) = data_row else { return };
    let segs: Vec<(usize, usize)> = row_segments(t, dr)
        .into_iter()
        .filter(|&(i, _)| parse_cell(cell_text(t, i)) != CellValue::Text)
        .collect();
    // Header path of each value cell's first column.
    let mut by_header: Vec<(usize, String)> = Vec::new();
    for &(idx, c) in &segs {
        let mut path = String::new();
        let mut last = usize::MAX;
        for h in 0..dr {
            let Some(&i) = t.grid.get(h).and_then(|row| row.get(c)) else {
                continue;
            };
            let i = i as usize;
            if i != last {
                path.push_str(kc.get(i));
                last = i;
            }
        }
        match (s4_group(&path), s4_result(&path)) {
            (Some(g), Some(res)) => {
                by_header.push((idx, format!("s4.{}.{}", S4_GROUPS[g], S4_RESULTS[res])))
            }
            _ => by_header.push((idx, String::new())),
        }
    }
    let mut keys: Vec<&str> = by_header.iter().map(|(_, k)| k.as_str()).collect();
    keys.sort_unstable();
    keys.dedup();
    let header_ok = by_header.len() == 15 && keys.len() == 15 && !keys.contains(&"");
    let assigned: Vec<(usize, String)> = if header_ok {
        by_header
    } else {
        // By position: trim extra empty trailing/leading cells down to 15.
        let mut s = segs.clone();
        while s.len() > 15
            && s.last()
                .is_some_and(|&(i, _)| cell_text(t, i).trim().is_empty())
        {
            s.pop();
        }
        while s.len() > 15 {
            s.remove(0);
        }
        s.iter()
            .enumerate()
            .map(|(p, &(i, _))| (i, format!("s4.{}.{}", S4_GROUPS[p / 5], S4_RESULTS[p % 5])))
            .collect()
    };
    for (idx, key) in assigned {
        if key.is_empty() {
            continue;
        }
        out.cells.entry(key).or_insert(CellRead {
            value: parse_cell(cell_text(t, idx)),
            source: source(table_index, t, idx),
        });
    }
}

// ------------------------------------------------------------ table layouts

/// The first row of a 四 table glued below a 三 table in one Word table: a row
/// after the 三 data rows with a `行政复议` cell and a `行政诉讼` (or
/// `复议后起诉`) cell. `None` when the table holds no such row.
pub fn s4_split_row(kc: &Keys) -> Option<u32> {
    if !(kc.has("行政复议") && (kc.has("行政诉讼") || kc.has("复议后起诉"))) {
        return None;
    }
    let t = kc.table();
    let n_rows = (t.n_rows as usize).min(MAX_ROWS);
    let mut seen_data = false;
    for r in 0..n_rows {
        let keys: Vec<&str> = row_segments(t, r).iter().map(|&(i, _)| kc.get(i)).collect();
        if !seen_data {
            seen_data = keys.iter().any(|k| {
                matches!(
                    s3_label(k, None),
                    S3Label::Row("new_received") | S3Label::Row("carried_over")
                )
            });
            continue;
        }
        let review = keys.contains(&"行政复议");
        let suit = keys
            .iter()
            .any(|k| *k == "行政诉讼" || k.contains("复议后起诉"));
        if review && suit {
            return u32::try_from(r).ok();
        }
    }
    None
}

/// Rows `start..end` of `t` as a table of their own (cells cut by the bounds
/// are clipped to them, keeping their text). Its rows count from 0: a source
/// read from it is shifted by `start` to name the row in `t`.
pub fn slice_rows(t: &Table, start: u32, end: u32) -> Table {
    let end = end.min(t.n_rows);
    let start = start.min(end);
    let mut cells: Vec<(usize, crate::model::Cell)> = Vec::new();
    for (i, c) in t.cells.iter().enumerate() {
        let (top, bottom) = (c.row, c.row.saturating_add(c.row_span));
        if bottom <= start || top >= end {
            continue;
        }
        let (nt, nb) = (top.max(start), bottom.min(end));
        if nb <= nt {
            continue;
        }
        cells.push((
            i,
            crate::model::Cell {
                row: nt - start,
                col: c.col,
                row_span: nb - nt,
                col_span: c.col_span,
                text: c.text.clone(),
                tables: Vec::new(),
            },
        ));
    }
    cells.sort_by_key(|(_, c)| (c.row, c.col));
    let mut new_index: HashMap<usize, u32> = HashMap::with_capacity(cells.len());
    for (n, (i, _)) in cells.iter().enumerate() {
        new_index.insert(*i, u32::try_from(n).unwrap_or(u32::MAX));
    }
    let grid: Vec<Vec<u32>> = t
        .grid
        .iter()
        .skip(start as usize)
        .take((end - start) as usize)
        .map(|row| {
            row.iter()
                .map(|&i| new_index.get(&(i as usize)).copied().unwrap_or(0))
                .collect()
        })
        .collect();
    Table {
        n_rows: u32::try_from(grid.len()).unwrap_or(0),
        n_cols: t.n_cols,
        header_rows: if start == 0 {
            t.header_rows.min(end)
        } else {
            0
        },
        cells: cells.into_iter().map(|(_, c)| c).collect(),
        grid,
    }
}
