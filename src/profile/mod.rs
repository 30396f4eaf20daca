//! The annual-report profile (issue 3): recognise a 政府信息公开工作年度报告 and
//! extract its agency, year, template version, reporting period, fee statement,
//! the values of its three standard tables under canonical keys, and the
//! arithmetic checks. Implements template.md §6–§8.
//!
//! * the canonical keys, in [`catalog`] (`catalog/metrics.csv`, documented in
//!   `docs/metrics.md`);
//! * the six standard sections matched by keyword and order, in [`sections`];
//! * agency, year, period and fee, in [`meta`];
//! * the publication-metadata table above the title (索引号, 发布机构,
//!   发布日期, 文号, 标题), in [`publication`];
//! * tables located by their labels and read into keys, in [`tables`]: one
//!   logical table over several Word tables (二 one table per block, 三
//!   continued after a page break) or two in one (四 glued below 三);
//! * tables flattened into text (no table for the section), in [`text`];
//! * cell values (blank and `/` stay null), in [`value`];
//! * the checks R1–R5 and the R8 warning, in [`checks`];
//! * numbers stated in prose and the P checks against the tables, in [`prose`];
//! * missing tables recorded in `warnings` (template.md §8.7).
//!
//! [`analyze`] returns `None` for documents that are not such reports; it never
//! fails.

pub mod catalog;
pub mod checks;
mod keymap;
pub mod labels;
pub mod meta;
pub mod prose;
pub mod publication;
pub mod sections;
pub mod tables;
pub mod text;
pub mod value;

use crate::model::Section;
pub use keymap::KeyMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::BTreeMap;
use tables::{CellRead, Extracted, TableKind, S3_COLUMNS};
pub use value::Num;

/// Template version (template.md §1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub enum Template {
    /// 2019 trial format (国办公开办函〔2019〕60号), used for 2019–2020 reports.
    #[serde(rename = "2019")]
    V2019,
    /// 2021 revision (国办公开办函〔2021〕30号), used from 2021 reports on.
    #[serde(rename = "2021")]
    V2021,
}

impl Template {
    /// Both versions, oldest first.
    pub const ALL: [Template; 2] = [Template::V2019, Template::V2021];

    /// The version's name as the JSON writes it (`2019`, `2021`).
    pub fn name(self) -> &'static str {
        match self {
            Template::V2019 => "2019",
            Template::V2021 => "2021",
        }
    }

    /// The version named `name` (see [`Template::name`]).
    pub fn from_name(name: &str) -> Option<Template> {
        Template::ALL.into_iter().find(|t| t.name() == name)
    }
}

/// Which part of the document gave a metadata value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum MetaSource {
    /// The document title (first lines, or the title found by the structure builder).
    Title,
    /// An opening sentence (`现向社会公布…`, `现将…`, `请与…联系`, `YYYY年，`).
    OpeningSentence,
    /// The statistics-period sentence.
    Period,
    /// The document properties' title.
    Properties,
    /// The signature at the end: the agency line above the date; for the year,
    /// the publication date's year minus one (last resort).
    Signature,
    /// The file name.
    FileName,
    /// The publication-metadata table (发布机构), when nothing else named the
    /// agency.
    Publication,
}

/// The reporting period (template.md §8.3).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Period {
    /// First day, `YYYY-MM-DD`; null when the date is invalid.
    pub start: Option<String>,
    /// Last day, `YYYY-MM-DD`; null when the date is invalid.
    pub end: Option<String>,
    /// Whether the period is exactly 1 January to 31 December of one year
    /// (`false` flags e.g. `1月1日至12月15日`); null when a date is invalid.
    pub full_year: Option<bool>,
    /// The sentence that states it (normalized).
    pub text: String,
}

/// The 信息处理费 statement (template.md §8.4); not the 二 table's 行政事业性收费.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Fee {
    /// Whether fees were collected; null when the sentence does not say.
    pub collected: Option<bool>,
    /// Amount in 元 (0 for negative wordings such as 未收取).
    pub amount_yuan: Option<Num>,
    /// Number of cases charged (0 for negative wordings).
    pub cases: Option<u64>,
    /// The sentence (normalized).
    pub text: String,
}

/// A document section matched to a standard section.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SectionMatch {
    /// Standard section number, 1–6 (一 … 六).
    pub standard: u8,
    /// The section title as displayed.
    pub title: String,
}

/// Which standard tables were found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
pub struct TablesFound {
    /// 二、主动公开政府信息情况.
    pub s2: bool,
    /// 三、收到和处理政府信息公开申请情况.
    pub s3: bool,
    /// 四、政府信息公开行政复议、行政诉讼情况.
    pub s4: bool,
}

/// The cell a metric was read from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(remote = "Self")]
pub struct MetricSource {
    /// Index of the table among the document's tables, in document order
    /// (0-based); absent for a value read from text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub table: Option<u32>,
    /// Grid row of the cell (0-based); absent for a value read from text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub row: Option<u32>,
    /// Grid column of the cell (0-based); absent for a value read from text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub col: Option<u32>,
    /// For a value read from a table flattened into text (template.md §8.7):
    /// index of the paragraph among the document's paragraphs, in document
    /// order (0-based).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paragraph: Option<u32>,
    /// True when the value was read from text, not from a table cell.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub from_text: bool,
    /// The cell text (or the number token, for text) as written.
    pub raw: String,
    /// The row label the value was matched by, as printed (三 and 二 rows).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// How `label` was matched to the metric's row. Not written for an
    /// `exact` match, by far the most common (every report would grow by
    /// about 7 KB): a `label` without `matched` was matched exactly.
    #[serde(default, skip_serializing_if = "LabelMatch::omitted")]
    pub matched: Option<LabelMatch>,
}

// `remote = "Self"`: the derives above become inherent functions, which the
// trait impls below call; reading restores the `matched` that writing left out.
impl Serialize for MetricSource {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        MetricSource::serialize(self, s)
    }
}

impl<'de> Deserialize<'de> for MetricSource {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let mut m = MetricSource::deserialize(d)?;
        if m.label.is_some() && m.matched.is_none() {
            m.matched = Some(LabelMatch::EXACT);
        }
        Ok(m)
    }
}

/// How a printed row label was matched to its canonical row (docs/metrics.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum MatchHow {
    /// The template's label, up to Unicode width, whitespace, script
    /// (traditional → simplified), pinyin annotations and the item marker.
    Exact,
    /// The template's label once punctuation (`、`, `，`, quotes …), unit
    /// suffixes (`（件）`, `（单位：万元）`) and `或者`/`或` are set aside.
    Normalized,
    /// Not the template's wording, but it holds the key phrase of one row
    /// (`结转下年度` for `结转下年度继续办理`).
    Alias,
    /// Nearest template label of the row's group by character bigrams
    /// (score ≥ 0.5 and 0.1 ahead of the next row of the group).
    Fuzzy,
}

/// A label match and its score (1 for exact and normalized, the bigram
/// similarity in 0–1 otherwise).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct LabelMatch {
    /// How the label was matched.
    pub how: MatchHow,
    /// Similarity to the template's label, 0–1.
    pub score: Num,
}

impl Eq for LabelMatch {}

impl LabelMatch {
    /// The match of the template's own label.
    pub const EXACT: LabelMatch = LabelMatch {
        how: MatchHow::Exact,
        score: Num(1.0),
    };

    /// Whether a source's `matched` is left out of the JSON: absent, or
    /// [`LabelMatch::EXACT`] (only ever given with a `label`, which restores
    /// it when read).
    fn omitted(m: &Option<LabelMatch>) -> bool {
        m.is_none_or(|m| m == LabelMatch::EXACT)
    }
}

/// Something the profile could not read as the template expects.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ReportWarning {
    /// `table_missing`: no table for a standard section (its metrics stay
    /// null); `table_from_text`: no table, values read from the section's text
    /// (sources carry `paragraph` and `from_text`).
    pub code: String,
    /// `s2`, `s3` or `s4`.
    pub table: String,
    /// A sentence saying what was seen.
    pub message: String,
}

/// Outcome of a check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CheckStatus {
    /// The two sides agree.
    Pass,
    /// The two sides differ.
    Fail,
    /// A blank or missing value prevents the check (across years in the index,
    /// also conflicting reports for one year).
    NotCheckable,
}

/// How much a failed check weighs; absent for R1–R5 (errors in the data).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// A heuristic (R8): a failure is worth a look, not necessarily an error.
    Warning,
}

/// One check: arithmetic (勾稽关系, `R1`–`R5`, `R8`) or prose against table
/// (`P1`…, [`prose`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Check {
    /// Rule id, `R1`–`R5` or `R8` (template.md §6), `P1`… for prose.
    pub rule: String,
    /// What it applies to: a 三 column key (R1, R2), a 三 row key (R3),
    /// `<group>.<column>` (R4), a 四 group (R5); for a prose check the
    /// metric key stated (`a+b` for a sum).
    pub column: String,
    /// Outcome.
    pub status: CheckStatus,
    /// The sum the rule computes; for a prose check, the table value.
    pub expected: Option<Num>,
    /// The value the table states; for a prose check, the value in the sentence.
    pub actual: Option<Num>,
    /// `warning` for heuristic rules (R8); absent for R1–R5.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<Severity>,
    /// For a prose check (`P1`…): the sentence that states the number
    /// (normalized); absent for the arithmetic rules.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<String>,
    /// For a prose check: index of the sentence's paragraph among the
    /// document's paragraphs (0-based, as in `metric_sources`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paragraph: Option<u32>,
    /// True when the check could only be run by counting blank or
    /// placeholder cells (`—`, `-`, `/`) as 0, in a report whose tables
    /// otherwise hold numbers (the metrics themselves stay null); absent
    /// otherwise.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub blanks_as_zero: bool,
}

/// A table row holding values that matches no template row (provincial variants,
/// group subtotals), kept as written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ExtraRow {
    /// `s2`, `s3` or `s4`.
    pub table: String,
    /// The row label as written.
    pub label: String,
    /// The row's value cells as written.
    pub values: Vec<String>,
    /// The nearest template row (`s3.not_processed.excessive`) for a label
    /// that matched none, with `score`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nearest_key: Option<String>,
    /// Bigram similarity (0–1) of the label to `nearest_key`'s label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<Num>,
}

/// The profile of an annual report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Report {
    /// Agency as written in the source that gave it (traditional characters kept,
    /// pinyin artifacts and spaces removed).
    pub agency: Option<String>,
    /// Agency normalized (NFKC, simplified).
    pub agency_normalized: Option<String>,
    /// Where the agency came from.
    pub agency_source: Option<MetaSource>,
    /// Every distinct agency name form seen (as written).
    pub agency_forms: Vec<String>,
    /// Report (data) year.
    pub year: Option<i32>,
    /// Where the year came from.
    pub year_source: Option<MetaSource>,
    /// Template version; null only when neither the tables nor the year tell.
    pub template: Option<Template>,
    /// True when the version was decided from the year, not from table labels.
    pub template_inferred: bool,
    /// The reporting period, when stated.
    pub period: Option<Period>,
    /// The 信息处理费 statement, when present.
    pub fee: Option<Fee>,
    /// Document sections matched to the standard ones.
    pub sections: Vec<SectionMatch>,
    /// Which standard tables were found.
    pub tables_found: TablesFound,
    /// Canonical key → value. Every cell key of the template version is present
    /// (null when blank, `/`, `—`, … or when the table is missing); keys of the
    /// other version are absent; `s3.other.total.*` is always present in both
    /// versions (a cell in 2019, the sum of the three （六） sub-rows in 2021);
    /// the other derived keys are present when computable.
    #[schemars(with = "BTreeMap<String, Option<Num>>")]
    pub metrics: KeyMap<Option<Num>>,
    /// Key → the cell it was read from.
    #[schemars(with = "BTreeMap<String, MetricSource>")]
    pub metric_sources: KeyMap<MetricSource>,
    /// R1–R5 results, then R8 (2019 reports, severity `warning`), then the
    /// prose checks P1… (one per statement in `prose`).
    pub checks: Vec<Check>,
    /// Numbers stated in the prose about canonical metrics (`docs/metrics.md`,
    /// prose checks).
    #[serde(default)]
    pub prose: Vec<prose::ProseStatement>,
    /// Rows with values that match no template row.
    pub extra_rows: Vec<ExtraRow>,
    /// Tables missing or read from text (template.md §8.7).
    #[serde(default)]
    pub warnings: Vec<ReportWarning>,
    /// The publication-metadata table above the report (索引号, 发布机构,
    /// 发布日期, 文号, 标题), when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publication: Option<publication::Publication>,
}

/// First found value with its source.
fn first<T>(candidates: Vec<(MetaSource, Option<T>)>) -> (Option<T>, Option<MetaSource>) {
    for (s, v) in candidates {
        if let Some(v) = v {
            return (Some(v), Some(s));
        }
    }
    (None, None)
}

/// What the profile reads of a converted document (see
/// `output::DocumentOutput::profile_view`): the profile sits below the output
/// layer, whose document carries the profile's [`Report`].
#[derive(Debug, Clone, Copy)]
pub struct DocView<'a> {
    /// Source path (its file name may carry the agency and the year).
    pub path: &'a str,
    /// The title shown at the document's top, if any.
    pub title: Option<&'a str>,
    /// The title document property, if any.
    pub title_property: Option<&'a str>,
    /// The section tree.
    pub sections: &'a [Section],
}

/// Profile a converted document; `None` when it is not an annual report.
pub fn analyze(doc: DocView<'_>) -> Option<Report> {
    let flat = sections::flatten(doc.sections);

    // The publication-metadata table: before the first standard section,
    // among the first tables; never a standard table.
    let publication = flat
        .tables
        .iter()
        .take(3)
        .filter(|(_, s, _)| s.is_none())
        .find_map(|&(idx, _, t)| publication::read(idx, t).map(|p| (idx, p)));
    let meta_table = publication.as_ref().map(|(i, _)| *i);
    let publication = publication.map(|(_, p)| p);
    // Tables, located by their labels.
    // Each table's label keys are computed once, on first use.
    let keyed: Vec<(u32, tables::Keys)> = flat
        .tables
        .iter()
        .filter(|(idx, _, t)| t.n_rows >= 1 && Some(*idx) != meta_table)
        .map(|&(idx, _, t)| (idx, tables::Keys::new(t)))
        .collect();
    let mut s2: Vec<(u32, &tables::Keys)> = Vec::new();
    // The 三 table and the tables that continue it (the next Word tables, e.g.
    // after a page break with the header rows repeated).
    let mut s3_parts: Vec<(u32, &tables::Keys)> = Vec::new();
    let mut s4 = None;
    for (idx, k) in &keyed {
        match tables::classify_keyed(k) {
            Some(TableKind::S2) => s2.push((*idx, k)),
            Some(TableKind::S3)
                if s3_parts.is_empty() || s3_parts.last().is_some_and(|l| l.0 + 1 == *idx) =>
            {
                s3_parts.push((*idx, k))
            }
            Some(TableKind::S4) if s4.is_none() => s4 = Some((*idx, k)),
            _ => {}
        }
    }
    let s3 = s3_parts.first().copied();
    let mut ex = Extracted::default();
    // The cells read are about as many as the last report's on this thread:
    // grown from empty, the map rehashed eight times a report (1.4% of a
    // conversion's CPU in `perf`).
    thread_local! {
        static LAST_CELLS: crate::memory::LastLen = const { crate::memory::LastLen::new() };
    }
    ex.cells.reserve(LAST_CELLS.with(|l| l.hint(4096)));
    // Paragraphs of a standard section: (paragraph index, text).
    let section_paras = |n: u8| -> Vec<(usize, &str)> {
        flat.paragraphs
            .iter()
            .enumerate()
            .filter(|(_, (s, _))| *s == Some(n))
            .map(|(i, (_, t))| (i, *t))
            .collect()
    };
    // Tables flattened into text: read when the section has no table.
    let mut from_text = [false; 3];
    // A 四 table glued below the 三 table in one Word table: (table index,
    // first row of the 四 part, the 四 part).
    let mut glued_s4: Option<(u32, u32, crate::model::Table)> = None;
    if s3.is_some() {
        for &(i, k) in &s3_parts {
            match tables::s4_split_row(k) {
                Some(r) => {
                    let t = k.table();
                    tables::read_s3(i, &tables::slice_rows(t, 0, r), &mut ex);
                    if s4.is_none() && glued_s4.is_none() {
                        glued_s4 = Some((i, r, tables::slice_rows(t, r, t.n_rows)));
                    }
                }
                None => tables::read_s3_keyed(i, k, &mut ex),
            }
        }
    } else {
        from_text[1] = text::read_s3(&section_paras(3), &mut ex) > 0;
    }
    // The 三 table tells the version for 二 rows that have no header row.
    let s2_hint = if ex.s3_has_2021_other_rows {
        Some(true)
    } else if ex.s3_other_row.is_some() {
        Some(false)
    } else {
        None
    };
    tables::read_s2_keyed(&s2, s2_hint, &mut ex);
    if let Some((i, k)) = s4 {
        tables::read_s4_keyed(i, k, &mut ex);
    } else if let Some((i, offset, t)) = &glued_s4 {
        // Read the 四 part alone; its sources name the whole Word table's rows.
        let mut part = Extracted::default();
        tables::read_s4(*i, t, &mut part);
        for (key, mut r) in part.cells {
            r.source.row = r.source.row.map(|x| x + offset);
            ex.cells.entry(key).or_insert(r);
        }
    } else {
        from_text[2] = text::read_s4(&section_paras(4), &mut ex);
    }
    LAST_CELLS.with(|l| l.record(ex.cells.len()));
    let (mut m2019, mut m2021) = (0, 0);
    for k in s2.iter().map(|x| x.1).chain(s3_parts.iter().map(|x| x.1)) {
        let (a, b) = tables::count_markers_keyed(k);
        m2019 += a;
        m2021 += b;
    }
    if ex.s3_has_2021_other_rows {
        m2021 += 1;
    }
    let found = TablesFound {
        s2: !s2.is_empty(),
        s3: s3.is_some(),
        s4: s4.is_some() || glued_s4.is_some(),
    };

    // Metadata.
    let preamble: Vec<&str> = flat
        .paragraphs
        .iter()
        .filter(|(s, t)| s.is_none() && !t.trim().is_empty())
        .map(|(_, t)| *t)
        .take(6)
        .collect();
    let mut title_candidates: Vec<String> = Vec::new();
    title_candidates.extend(doc.title.map(str::to_string));
    title_candidates.extend(doc.sections.iter().take(2).map(|s| s.title.clone()));
    for (i, p) in preamble.iter().enumerate() {
        title_candidates.push((*p).to_string());
        if let Some(next) = preamble.get(i + 1) {
            title_candidates.push(format!("{p}{next}"));
        }
    }
    let title_info = title_candidates
        .iter()
        .filter_map(|c| meta::parse_title(c))
        .max_by_key(|i| (i.agency.is_some() as u8) * 2 + i.year.is_some() as u8);
    let opening_paras: Vec<(usize, &str)> = flat
        .paragraphs
        .iter()
        .enumerate()
        .filter(|(_, (s, _))| matches!(s, None | Some(1)))
        .map(|(i, (_, t))| (i, *t))
        .take(12)
        .collect();
    let mut opening = meta::TitleInfo::default();
    for &(i, p) in &opening_paras {
        // The opening patterns need these words (all-CJK literals, unchanged
        // between the normalized text and the forms parse_opening makes): the
        // 公布…信息公开 pattern, the YYYY年…信息公开 one, or 请与…联系.
        let n = flat.normalized(i);
        let o1 = n.contains("信息公开")
            && ["公布", "发布", "现将", "编制"]
                .iter()
                .any(|w| n.contains(w));
        let y = [
            "年信息公开",
            "年度信息公开",
            "年政府信息公开",
            "年度政府信息公开",
        ]
        .iter()
        .any(|w| n.contains(w));
        let o2 = n.contains("请与") && n.contains("联系");
        if !(o1 || y || o2) || !meta::opening_may_match(&n) {
            continue;
        }
        let o = meta::parse_opening(p);
        if opening.agency.is_none() {
            opening.agency = o.agency;
        }
        if opening.year.is_none() {
            opening.year = o.year;
        }
    }
    if opening.year.is_none() {
        opening.year = flat
            .paragraphs
            .iter()
            .enumerate()
            .filter(|(_, (s, _))| matches!(s, None | Some(1)))
            .take(12)
            .find_map(|(i, _)| meta::leading_year_normalized(&flat.normalized(i)));
    }
    let props = doc.title_property.and_then(meta::parse_title);
    // The last 8 non-empty lines, in order.
    let mut lines: Vec<&str> = flat
        .paragraphs
        .iter()
        .rev()
        .flat_map(|(_, t)| t.rsplit('\n'))
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .take(8)
        .collect();
    lines.reverse();
    let tail = &lines[..];
    let signature = meta::parse_signature(tail);
    let file = meta::parse_file_name(doc.path);
    let publisher = publication
        .as_ref()
        .and_then(|p| p.publisher.as_ref())
        .and_then(|f| meta::agency_name(&f.value));
    let period = flat
        .paragraphs
        .iter()
        .enumerate()
        .filter(|(_, (_, t))| t.contains('月'))
        .find_map(|(i, _)| meta::parse_period_normalized(&flat.normalized(i)));
    let fee_para = |(i, (_, t)): (usize, &(Option<u8>, &str))| {
        if t.contains('费') || t.contains('費') {
            meta::parse_fee_normalized(&flat.normalized(i))
        } else {
            None
        }
    };
    let fee = flat
        .paragraphs
        .iter()
        .enumerate()
        .filter(|(_, (s, _))| *s == Some(6))
        .chain(
            flat.paragraphs
                .iter()
                .enumerate()
                .filter(|(_, (s, _))| *s != Some(6)),
        )
        .find_map(fee_para);

    let ti = title_info.clone().unwrap_or_default();
    let pi = props.clone().unwrap_or_default();
    let (agency, agency_source) = first(vec![
        (MetaSource::Title, ti.agency.clone()),
        (MetaSource::OpeningSentence, opening.agency.clone()),
        (MetaSource::Properties, pi.agency.clone()),
        (MetaSource::Signature, signature.clone()),
        (MetaSource::Publication, publisher.clone()),
        (MetaSource::FileName, file.agency.clone()),
    ]);
    let mut agency_forms: Vec<String> = Vec::new();
    for a in [
        &ti.agency,
        &opening.agency,
        &pi.agency,
        &signature,
        &publisher,
        &file.agency,
    ]
    .into_iter()
    .flatten()
    {
        if !agency_forms.contains(&a.written) {
            agency_forms.push(a.written.clone());
        }
    }
    let period_year = period
        .as_ref()
        .and_then(|p| p.start.as_deref().or(p.end.as_deref()))
        .and_then(|d| d.get(..4))
        .and_then(|y| y.parse().ok());
    let (year, year_source) = first(vec![
        (MetaSource::Title, ti.year),
        (MetaSource::Period, period_year),
        (MetaSource::OpeningSentence, opening.year),
        (MetaSource::Properties, pi.year),
        (MetaSource::FileName, file.year),
        (MetaSource::Signature, meta::signature_year(tail)),
    ]);

    // Is this an annual report at all? Periodic statistics that share the
    // vocabulary (`2022年上半年政府信息公开数据统计`) are not.
    let head: Vec<String> = doc
        .title
        .into_iter()
        .chain(preamble.iter().take(2).copied())
        .map(crate::normalize::label_key)
        .collect();
    if head.iter().any(|h| {
        h.contains("信息公开")
            && ["上半年", "下半年", "季度", "月份", "半年度"]
                .iter()
                .any(|p| h.contains(p))
    }) {
        return None;
    }
    let titled = title_info.is_some()
        || props.is_some()
        || opening.agency.is_some() && opening.year.is_some();
    let file_titled =
        meta::parse_title(doc.path.rsplit(['/', '\\', '!']).next().unwrap_or("")).is_some();
    let is_report = titled || file_titled || found.s3 || found.s4 || flat.matches.len() >= 4;
    if !is_report {
        return None;
    }
    if year.is_some_and(|y| y < 2019) && !found.s3 && !found.s4 {
        return None;
    }

    // Template version.
    let (template, template_inferred) = if m2021 > m2019 {
        (Some(Template::V2021), false)
    } else if m2019 > m2021 {
        (Some(Template::V2019), false)
    } else {
        match year {
            Some(y) if y <= 2020 => (Some(Template::V2019), true),
            Some(_) => (Some(Template::V2021), true),
            None => (None, true),
        }
    };

    let mut metrics = checks::new_metrics();
    let mut metric_sources: Vec<(String, MetricSource)> = Vec::new();
    let mut extra_rows = std::mem::take(&mut ex.extra_rows);
    let mut group_rows = std::mem::take(&mut ex.group_rows);
    // Keys read from blank or placeholder cells (for checks with blanks as 0).
    let mut blank_keys: Vec<&'static str> = Vec::new();
    if let Some(t) = template {
        // The （六）其他处理 row: a data row in 2019, a subtotal in 2021.
        if let Some(row) = ex.s3_other_row.take() {
            match t {
                Template::V2019 => ex.cells.extend(row),
                Template::V2021 => {
                    let vals: Vec<Option<f64>> =
                        row.iter().map(|(_, r)| r.value.number()).collect();
                    if vals.iter().any(Option::is_some) {
                        let mut a = [None; 7];
                        for (slot, v) in a.iter_mut().zip(&vals) {
                            *slot = *v;
                        }
                        group_rows.push(("other".to_string(), a));
                        extra_rows.push(ExtraRow {
                            table: "s3".to_string(),
                            label: "（六）其他处理".to_string(),
                            values: row.iter().map(|(_, r)| r.source.raw.clone()).collect(),
                            nearest_key: None,
                            score: None,
                        });
                    }
                }
            }
        }
        // In key order: the sources are then the sorted pairs of their map.
        for e in catalog::by_key() {
            if !e.in_version(t) || !e.is_cell_in(t) {
                continue;
            }
            let read = ex.cells.remove(&e.key);
            if read
                .as_ref()
                .is_some_and(|r| r.value == value::CellValue::Empty && !r.source.from_text)
            {
                blank_keys.push(e.key.as_str());
            }
            metrics.insert(
                Cow::Borrowed(e.key.as_str()),
                read.as_ref().and_then(|r| r.value.number()),
            );
            if let Some(r) = read {
                metric_sources.push((e.key.clone(), r.source));
            }
        }
        // Keys read from the tables that the version does not have.
        let mut left: Vec<(String, CellRead)> = std::mem::take(&mut ex.cells).into_iter().collect();
        left.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        for (key, r) in left {
            extra_rows.push(ExtraRow {
                table: key.split('.').next().unwrap_or("").to_string(),
                label: key,
                values: vec![r.source.raw],
                nearest_key: None,
                score: None,
            });
        }
        derive(&mut metrics, t);
    }
    let statements = match template {
        Some(t) => {
            let paras: Vec<(usize, Option<u8>, std::borrow::Cow<str>)> = flat
                .paragraphs
                .iter()
                .enumerate()
                .filter(|(_, (s, _))| matches!(s, Some(1..=4)))
                .map(|(i, (s, _))| (i, *s, flat.normalized(i)))
                .collect();
            let refs: Vec<(usize, Option<u8>, &str)> =
                paras.iter().map(|(i, s, t)| (*i, *s, t.as_ref())).collect();
            prose::extract(&refs, t, year)
        }
        None => Vec::new(),
    };
    // Blanks count as 0 only when the tables hold numbers (not an unfilled
    // template); a 四 table all `—` (no case) is filled with zeros.
    if !metrics.values().any(Option::is_some) {
        blank_keys.clear();
    }
    let checks = match template {
        Some(t) => checks::with_blanks_as_zero(
            &metrics,
            &blank_keys,
            |m| derive(m, t),
            |m| {
                checks::run(
                    m,
                    t,
                    found.s3 || from_text[1],
                    found.s4 || from_text[2],
                    &group_rows,
                )
                .into_iter()
                .chain(checks::run_r8(m, t, found.s2))
                .chain(prose::checks(m, &statements))
                .collect()
            },
        ),
        None => Vec::new(),
    };
    let mut warnings = Vec::new();
    for (k, (name, std, table)) in [
        ("s2", 2u8, found.s2),
        ("s3", 3, found.s3),
        ("s4", 4, found.s4),
    ]
    .into_iter()
    .enumerate()
    {
        if table {
            continue;
        }
        let numeral = ["二", "三", "四"][k];
        let heading = flat.matches.iter().any(|m| m.standard == std);
        let (code, message) = if from_text[k] {
            (
                "table_from_text",
                format!("no {numeral} table; values read from the text of section {numeral}"),
            )
        } else if heading {
            (
                "table_missing",
                format!(
                    "section {numeral} has a heading but no table (an image or attachment?); its metrics are null"
                ),
            )
        } else {
            (
                "table_missing",
                format!("no {numeral} table and no section heading for it; its metrics are null"),
            )
        };
        warnings.push(ReportWarning {
            code: code.to_string(),
            table: name.to_string(),
            message,
        });
    }

    Some(Report {
        agency: agency.as_ref().map(|a| a.written.clone()),
        agency_normalized: agency.map(|a| a.normalized),
        agency_source,
        agency_forms,
        year,
        year_source,
        template,
        template_inferred,
        period,
        fee,
        sections: flat.matches,
        tables_found: found,
        metrics: metrics_map(metrics),
        metric_sources: KeyMap::from_pairs(metric_sources),
        checks,
        prose: statements,
        extra_rows,
        warnings,
        publication,
    })
}

/// The metrics as a [`KeyMap`]: the catalog's keys taken out in key order (a
/// lookup each, against a sort's ten comparisons), so that the map has
/// nothing to sort; a key outside the catalog (none in the samples) comes
/// after them, and the map then sorts.
fn metrics_map(mut metrics: checks::Metrics) -> KeyMap<Option<Num>> {
    let mut pairs: Vec<(String, Option<Num>)> = Vec::with_capacity(metrics.len());
    for e in catalog::by_key() {
        if metrics.is_empty() {
            break;
        }
        if let Some((k, v)) = metrics.remove_entry(e.key.as_str()) {
            pairs.push((k.into_owned(), v.map(Num)));
        }
    }
    pairs.extend(
        metrics
            .into_iter()
            .map(|(k, v)| (k.into_owned(), v.map(Num))),
    );
    KeyMap::from_pairs(pairs)
}

/// Add the derived keys of `t` that can be computed (all parts given).
fn derive(m: &mut checks::Metrics, t: Template) {
    let mut groups = vec!["denied", "unable", "not_processed"];
    if t == Template::V2021 {
        groups.push("other");
    }
    for g in groups {
        let members = checks::group_members(t, g);
        for c in S3_COLUMNS {
            let s: Option<f64> = members
                .iter()
                .try_fold(0.0, |a, r| Some(a + checks::get3(m, "s3", r, c)?));
            // `other.total` is comparable across versions (a cell in 2019): always
            // present; the other group totals only when computable.
            if s.is_some() || g == "other" {
                m.insert(Cow::Owned(format!("s3.{g}.total.{c}")), s);
            }
        }
    }
    for e in catalog::entries() {
        if !e.in_version(t) {
            continue;
        }
        if let Some(row) = e
            .key
            .strip_prefix("s3.")
            .and_then(|k| k.strip_suffix(".legal_org_subtotal"))
        {
            let s: Option<f64> = S3_COLUMNS[1..6]
                .iter()
                .try_fold(0.0, |a, c| Some(a + checks::get3(m, "s3", row, c)?));
            if let Some(v) = s {
                m.insert(Cow::Borrowed(e.key.as_str()), Some(v));
            }
        }
    }
}

#[cfg(test)]
mod tests;
