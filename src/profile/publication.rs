//! The publication-metadata table a portal prints above a report (issue 12):
//! 索引号, 发布机构, 发布日期, 文号, 标题, as label | value rows (2 columns) or
//! two label | value pairs a row (4 columns). Read into [`Publication`]; each
//! field keeps its label as printed and the cell it came from.

use super::MetricSource;
use crate::model::Table;
use crate::normalize::label_key;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// One field of the publication metadata.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct PublicationField {
    /// The value: for `date`, ISO `YYYY-MM-DD` when the printed date parses,
    /// else the text as printed; for the other fields the text as printed
    /// (trimmed).
    pub value: String,
    /// The value cell's text as printed.
    pub text: String,
    /// The label cell's text as printed (`索 引 号`, `发文机关`…).
    pub label: String,
    /// The value cell: table index among the document's tables, grid row and
    /// column, raw text.
    pub source: MetricSource,
}

/// The publication metadata of a report (`report.publication`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Publication {
    /// 索引号.
    pub index_no: Option<PublicationField>,
    /// 发布机构 / 发文机关 / 发布单位.
    pub publisher: Option<PublicationField>,
    /// 发布日期 / 生成日期 / 成文日期 (`value` in ISO form when parseable).
    pub date: Option<PublicationField>,
    /// 文号 / 发文字号.
    pub doc_no: Option<PublicationField>,
    /// 标题 / 名称.
    pub title: Option<PublicationField>,
}

impl Publication {
    fn is_empty(&self) -> bool {
        self.index_no.is_none()
            && self.publisher.is_none()
            && self.date.is_none()
            && self.doc_no.is_none()
            && self.title.is_none()
    }
}

/// Which field a label key names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    IndexNo,
    Publisher,
    Date,
    DocNo,
    Title,
    /// A metadata label the model does not keep (主题分类, 有效性…).
    Other,
}

fn field_of(key: &str) -> Option<Field> {
    let k = key.trim_end_matches(':');
    Some(match k {
        "索引号" => Field::IndexNo,
        "发布机构" | "发文机关" | "发布单位" | "发文单位" => Field::Publisher,
        "发布日期" | "生成日期" | "成文日期" | "发文日期" | "公开日期" => {
            Field::Date
        }
        "文号" | "发文字号" => Field::DocNo,
        "标题" | "名称" => Field::Title,
        "主题分类" | "公开方式" | "有效性" | "公开时限" | "体裁分类" | "公开范围" => {
            Field::Other
        }
        _ => return None,
    })
}

/// A printed date as ISO `YYYY-MM-DD` (`2021-01-20`, `2021年01月20日`,
/// `2021/1/20`, `2021.1.20`); `None` when it is not a valid date.
pub fn iso_date(text: &str) -> Option<String> {
    let nums: Vec<&str> = text
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .collect();
    let [y, m, d] = nums.get(..3)?.try_into().ok()?;
    let (y, m, d): (i32, u32, u32) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    ((1990..=2100).contains(&y) && (1..=days).contains(&d)).then(|| format!("{y:04}-{m:02}-{d:02}"))
}

/// Distinct cells of row `r`, left to right (cell indices).
fn row_cells(t: &Table, r: usize) -> Vec<usize> {
    let mut out: Vec<usize> = Vec::new();
    if let Some(row) = t.grid.get(r) {
        for &i in row.iter().take(64) {
            let i = i as usize;
            if !out.contains(&i) {
                out.push(i);
            }
        }
    }
    out
}

/// Read a metadata table (`table_index`: its index among the document's
/// tables). `None` when fewer than two of its cells are metadata labels.
pub fn read(table_index: u32, t: &Table) -> Option<Publication> {
    if t.n_rows == 0 || t.n_rows > 12 {
        return None;
    }
    let mut p = Publication::default();
    let mut labels = 0;
    for r in 0..t.n_rows as usize {
        let cells = row_cells(t, r);
        for (pos, &li) in cells.iter().enumerate() {
            let Some(label_cell) = t.cells.get(li) else {
                continue;
            };
            let Some(field) = field_of(&label_key(&label_cell.text)) else {
                continue;
            };
            labels += 1;
            let Some(vc) = cells.get(pos + 1).and_then(|&vi| t.cells.get(vi)) else {
                continue;
            };
            // The value cell must not itself be a label (an empty pair).
            if field_of(&label_key(&vc.text)).is_some() {
                continue;
            }
            let text = vc.text.trim();
            if text.is_empty() || matches!(text, "无" | "—" | "-" | "/") {
                continue;
            }
            let value = match field {
                Field::Date => iso_date(text).unwrap_or_else(|| text.to_string()),
                _ => text.to_string(),
            };
            let f = PublicationField {
                value,
                text: vc.text.clone(),
                label: label_cell.text.clone(),
                source: MetricSource {
                    table: Some(table_index),
                    row: Some(vc.row),
                    col: Some(vc.col),
                    paragraph: None,
                    from_text: false,
                    raw: vc.text.clone(),
                    label: None,
                    matched: None,
                },
            };
            let slot = match field {
                Field::IndexNo => &mut p.index_no,
                Field::Publisher => &mut p.publisher,
                Field::Date => &mut p.date,
                Field::DocNo => &mut p.doc_no,
                Field::Title => &mut p.title,
                Field::Other => continue,
            };
            if slot.is_none() {
                *slot = Some(f);
            }
        }
    }
    (labels >= 2 && !p.is_empty()).then_some(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(iso_date("2021-01-20").as_deref(), Some("2021-01-20"));
        assert_eq!(iso_date("2022年01月21日").as_deref(), Some("2022-01-21"));
        assert_eq!(iso_date("2022/1/5").as_deref(), Some("2022-01-05"));
        assert_eq!(iso_date("2022-02-30"), None);
        assert_eq!(iso_date("二〇二二年一月"), None);
    }

    #[test]
    fn labels() {
        assert_eq!(field_of(&label_key("索 引 号")), Some(Field::IndexNo));
        assert_eq!(field_of(&label_key("发文机关：")), Some(Field::Publisher));
        assert_eq!(field_of(&label_key("成文日期")), Some(Field::Date));
        assert_eq!(field_of(&label_key("发文字号")), Some(Field::DocNo));
        assert_eq!(field_of(&label_key("名称")), Some(Field::Title));
        assert_eq!(field_of(&label_key("规章")), None);
    }
}
