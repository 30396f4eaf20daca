//! From the flat block list of a [`Document`] to the section tree and title.
//!
//! Headings come from the readers (paragraph styles, outline levels) when the
//! document has them. Chinese official documents often have none: their titles
//! are ordinary paragraphs that begin with a numbering written by hand. When a
//! document has no style or outline headings (a single one at the top, used for
//! the document title, does not count), short paragraphs that look like titles
//! are recognized by pattern:
//!
//! | pattern | level | example |
//! |---|---|---|
//! | Chinese numeral + `、` | 1 | `一、总体情况` |
//! | Chinese numeral in brackets | 2 | `（一）主动公开` |
//! | Arabic number + `.` / `、` / `．` | 3 | `1.完善制度` |
//! | Arabic number in brackets | 4 | `（1）网站建设` |
//!
//! "Look like titles" means: at most [`MAX_PATTERN_TITLE_CHARS`] characters, and
//! either no sentence punctuation in the part after the number, or the whole
//! paragraph bold or centered. Every section records which rule made its heading
//! ([`HeadingSource`]). Paragraphs and tables keep their document order inside
//! their section; text before the first heading goes into a level-0 section.

use crate::model::{
    Block, Content, Document, HeaderFooter, Heading, HeadingSource, Note, Paragraph, ParagraphOut,
    Properties, Section, Table, Warning,
};

/// Longest paragraph (in characters) that a numbered-title pattern may turn into a heading.
pub const MAX_PATTERN_TITLE_CHARS: usize = 50;

/// The structured parts of a document, ready for the output JSON.
#[derive(Debug, Clone, Default)]
pub struct Built {
    /// Properties.
    pub properties: Properties,
    /// Title shown at the top of the document, else the title property.
    pub title: Option<String>,
    /// Section tree.
    pub sections: Vec<Section>,
    /// Notes.
    pub notes: Vec<Note>,
    /// Headers.
    pub headers: Vec<HeaderFooter>,
    /// Footers.
    pub footers: Vec<HeaderFooter>,
    /// Warnings.
    pub warnings: Vec<Warning>,
    /// Only part of the document could be read (its main part is cut off).
    pub partial: bool,
}

/// Deepest table nesting written to the output. Readers of JSON bound nesting
/// (serde_json, with which the pipeline and the index read reports back, stops
/// at 128 levels) and each level of tables takes four (`cells`, a cell,
/// `tables`, a table) beside the section tree's; Word allows 63 levels and the
/// DOCX reader keeps as many as the XML depth limit does. Deeper tables are
/// kept as the text of the cell that holds them, with a warning.
pub const MAX_TABLE_DEPTH: usize = 16;

/// Build the title and section tree of a document.
pub fn build(doc: Document) -> Built {
    let Document {
        properties,
        mut body,
        notes,
        headers,
        footers,
        mut warnings,
        partial,
    } = doc;
    let mut flattened = false;
    for b in &mut body {
        if let Block::Table(t) = b {
            cap_table_depth(t, 1, &mut flattened);
        }
    }
    if flattened {
        warnings.push(Warning::new(
            "table_nesting_too_deep",
            format!(
                "tables nested deeper than {MAX_TABLE_DEPTH} levels are kept as the text of their cell"
            ),
            None,
        ));
    }
    let body: Vec<Block> = body
        .into_iter()
        .filter(|b| !matches!(b, Block::Paragraph(p) if p.text.trim().is_empty()))
        .collect();
    let title_idx = title_paragraphs(&body);
    let title = if title_idx.is_empty() {
        properties
            .title
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_string)
    } else {
        Some(
            title_idx
                .iter()
                .filter_map(|&i| match &body[i] {
                    Block::Paragraph(p) => Some(p.text.trim()),
                    Block::Table(_) => None,
                })
                .collect::<String>(),
        )
    };
    let use_patterns = !has_structural_headings(&body, &title_idx);
    let mut tree = TreeBuilder::default();
    for (i, block) in body.into_iter().enumerate() {
        match block {
            Block::Table(t) => tree.push_content(Content::Table(t)),
            Block::Paragraph(p) => {
                let heading = if title_idx.contains(&i) {
                    None
                } else {
                    p.heading.or_else(|| {
                        if use_patterns {
                            pattern_heading(&p)
                        } else {
                            None
                        }
                    })
                };
                match heading {
                    Some(h) => tree.open(p.text.trim().to_string(), h),
                    None => tree.push_content(Content::Paragraph(paragraph_out(p))),
                }
            }
        }
    }
    Built {
        properties,
        title,
        sections: tree.finish(),
        notes,
        headers,
        footers,
        warnings,
        partial,
    }
}

/// Keep at most [`MAX_TABLE_DEPTH`] levels of tables in `t` (at level `depth`):
/// the tables of a cell at the deepest level become lines of its text.
fn cap_table_depth(t: &mut Table, depth: usize, flattened: &mut bool) {
    for c in &mut t.cells {
        if depth < MAX_TABLE_DEPTH {
            for n in &mut c.tables {
                cap_table_depth(n, depth + 1, flattened);
            }
        } else if !c.tables.is_empty() {
            *flattened = true;
            let mut lines = Vec::new();
            if !c.text.is_empty() {
                lines.push(std::mem::take(&mut c.text));
            }
            for n in std::mem::take(&mut c.tables) {
                crate::read::push_table_text(&n, &mut lines);
            }
            c.text = lines.join("\n");
        }
    }
}

fn paragraph_out(p: Paragraph) -> ParagraphOut {
    ParagraphOut {
        text: p.text,
        style: p.style,
        notes: p.note_refs,
        normalized: None,
    }
}

/// Whether the document carries headings of its own (style or outline level),
/// not counting the title paragraphs.
fn has_structural_headings(body: &[Block], title_idx: &[usize]) -> bool {
    body.iter()
        .enumerate()
        .filter(|(i, b)| {
            !title_idx.contains(i) && matches!(b, Block::Paragraph(p) if p.heading.is_some())
        })
        .count()
        >= 2
}

fn is_title_style(style: Option<&str>) -> bool {
    style.is_some_and(|s| {
        let s = s.trim();
        s.eq_ignore_ascii_case("title") || s == "标题" || s == "標題"
    })
}

/// Labels of a portal's publication-metadata table (索引号, 发布机构, 发布日期…),
/// whitespace removed.
const METADATA_LABELS: [&str; 14] = [
    "索引号",
    "发布机构",
    "发文机关",
    "发布单位",
    "发布日期",
    "生成日期",
    "成文日期",
    "文号",
    "发文字号",
    "主题分类",
    "公开方式",
    "有效性",
    "公开时限",
    "体裁分类",
];

/// Whether `t` is a publication-metadata table: at most 12 rows, and at least
/// two cells that are metadata labels (`索 引 号` and `索引号：` count).
pub fn is_metadata_table(t: &Table) -> bool {
    if t.n_rows == 0 || t.n_rows > 12 {
        return false;
    }
    let mut seen: Vec<&str> = Vec::new();
    for c in &t.cells {
        let k: String = c
            .text
            .chars()
            .filter(|ch| !ch.is_whitespace() && !matches!(ch, ':' | '：'))
            .collect();
        if let Some(l) = METADATA_LABELS.iter().find(|l| k == **l) {
            if !seen.contains(l) {
                seen.push(l);
            }
        }
    }
    seen.len() >= 2
}

/// Indices of the paragraphs at the top of the body that form the title: a
/// paragraph in the Title style, or up to three consecutive short centered (or
/// bold) paragraphs without numbering or sentence punctuation (a title broken
/// over lines). Publication-metadata tables above the title
/// ([`is_metadata_table`]) are skipped.
fn title_paragraphs(body: &[Block]) -> Vec<usize> {
    let mut out = Vec::new();
    let skipped = body
        .iter()
        .take_while(|b| matches!(b, Block::Table(t) if is_metadata_table(t)))
        .count();
    for (i, block) in body.iter().enumerate().skip(skipped).take(4) {
        let Block::Paragraph(p) = block else { break };
        let text = p.text.trim();
        if is_title_style(p.style.as_deref()) {
            out.push(i);
            continue;
        }
        let plain = text.chars().count() <= 60
            && numbered_level(text).is_none()
            && p.number_label.is_none()
            && !text.starts_with(['（', '('])
            && !text.contains(['。', '，', '；', '！', '？', '：', ':']);
        // A styled heading at the very top counts as the title only when it is
        // clearly a report title rather than the first section; a level-1
        // heading that is one needs no centering or bold (its style may carry
        // them, or nothing).
        let report_heading = out.is_empty()
            && plain
            && is_report_title(text)
            && p.heading.as_ref().is_some_and(|h| h.level == 1);
        let looks = ((p.centered || (p.bold && out.is_empty())) && plain) || report_heading;
        let heading_ok = p.heading.is_none() || (out.is_empty() && looks && is_report_title(text));
        if looks && heading_ok && out.len() < 3 {
            out.push(i);
        } else {
            break;
        }
    }
    out
}

fn is_report_title(text: &str) -> bool {
    text.contains("报告") || text.contains("報告") || text.contains("年报")
}

/// Level of a numbered-title prefix, with the length in bytes of the prefix.
fn numbered_level(text: &str) -> Option<(u8, usize)> {
    const CN: &str = "一二三四五六七八九十〇零百";
    let chars: Vec<(usize, char)> = text.char_indices().take(8).collect();
    let is_cn = |c: char| CN.contains(c);
    let is_digit = |c: char| c.is_ascii_digit() || ('０'..='９').contains(&c);
    let open = |c: char| c == '（' || c == '(';
    let close = |c: char| c == '）' || c == ')';
    let end_of = |k: usize| chars.get(k).map_or(text.len(), |&(b, _)| b);
    // Chinese numeral + 、
    let n_cn = chars.iter().take_while(|(_, c)| is_cn(*c)).count();
    if (1..=3).contains(&n_cn) && chars.get(n_cn).is_some_and(|&(_, c)| c == '、') {
        return Some((1, end_of(n_cn + 1)));
    }
    if chars.first().is_some_and(|&(_, c)| open(c)) {
        let n = chars[1..].iter().take_while(|(_, c)| is_cn(*c)).count();
        if (1..=3).contains(&n) && chars.get(1 + n).is_some_and(|&(_, c)| close(c)) {
            return Some((2, end_of(n + 2)));
        }
        let n = chars[1..].iter().take_while(|(_, c)| is_digit(*c)).count();
        if (1..=2).contains(&n) && chars.get(1 + n).is_some_and(|&(_, c)| close(c)) {
            return Some((4, end_of(n + 2)));
        }
        return None;
    }
    let n = chars.iter().take_while(|(_, c)| is_digit(*c)).count();
    if (1..=2).contains(&n) {
        let sep = chars.get(n).map(|&(_, c)| c);
        let next = chars.get(n + 1).map(|&(_, c)| c);
        // `1.` / `1、` / `1．`, but not a decimal number such as `1.5万`.
        if matches!(sep, Some('.' | '、' | '．')) && !next.is_some_and(is_digit) {
            return Some((3, end_of(n + 1)));
        }
    }
    None
}

/// A heading recognized by a numbered-title pattern, if the paragraph looks like a title.
fn pattern_heading(p: &Paragraph) -> Option<Heading> {
    let text = p.text.trim();
    if text.chars().count() > MAX_PATTERN_TITLE_CHARS || text.contains('\n') {
        return None;
    }
    let (level, prefix_len) = numbered_level(text)?;
    let rest = text[prefix_len..].trim();
    if rest.is_empty() {
        return None;
    }
    let body = rest.trim_end_matches(['：', ':']);
    let sentence_like = body.contains(['。', '；', ';', '！', '!', '？', '?', '，', ',']);
    if sentence_like && !(p.bold || p.centered) {
        return None;
    }
    // Even bold, a paragraph whose title part runs on after a full stop is a sentence.
    if p.bold && body.trim_end_matches('。').contains('。') {
        return None;
    }
    Some(Heading {
        level,
        source: HeadingSource::NumberedPattern,
    })
}

/// Builds the section tree with a stack of open sections.
#[derive(Default)]
struct TreeBuilder {
    roots: Vec<Section>,
    stack: Vec<Section>,
}

impl TreeBuilder {
    fn push_content(&mut self, c: Content) {
        if self.stack.is_empty() {
            self.stack.push(Section {
                title: String::new(),
                level: 0,
                heading_source: HeadingSource::Preamble,
                content: Vec::new(),
                sections: Vec::new(),
            });
        }
        if let Some(top) = self.stack.last_mut() {
            top.content.push(c);
        }
    }

    fn open(&mut self, title: String, h: Heading) {
        let level = h.level.max(1);
        // The preamble (level 0) is closed by the first heading: it is a sibling.
        while self
            .stack
            .last()
            .is_some_and(|s| s.level >= level || s.level == 0)
        {
            self.close_top();
        }
        self.stack.push(Section {
            title,
            level,
            heading_source: h.source,
            content: Vec::new(),
            sections: Vec::new(),
        });
    }

    fn close_top(&mut self) {
        if let Some(sec) = self.stack.pop() {
            match self.stack.last_mut() {
                Some(parent) => parent.sections.push(sec),
                None => self.roots.push(sec),
            }
        }
    }

    fn finish(mut self) -> Vec<Section> {
        while !self.stack.is_empty() {
            self.close_top();
        }
        self.roots
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn para(text: &str) -> Block {
        Block::Paragraph(Paragraph::new(text))
    }

    fn styled(text: &str, level: u8) -> Block {
        Block::Paragraph(Paragraph {
            heading: Some(Heading {
                level,
                source: HeadingSource::Style,
            }),
            ..Paragraph::new(text)
        })
    }

    fn outline(s: &[Section]) -> Vec<(u8, String, HeadingSource)> {
        let mut out = Vec::new();
        for sec in s {
            out.push((sec.level, sec.title.clone(), sec.heading_source));
            out.extend(outline(&sec.sections));
        }
        out
    }

    #[test]
    fn numbered_patterns() {
        assert_eq!(numbered_level("一、总体情况").map(|x| x.0), Some(1));
        assert_eq!(numbered_level("（一）主动公开").map(|x| x.0), Some(2));
        assert_eq!(numbered_level("(二)依申请公开").map(|x| x.0), Some(2));
        assert_eq!(numbered_level("1.完善制度").map(|x| x.0), Some(3));
        assert_eq!(numbered_level("１．完善制度").map(|x| x.0), Some(3));
        assert_eq!(numbered_level("2、重复申请").map(|x| x.0), Some(3));
        assert_eq!(numbered_level("（1）网站").map(|x| x.0), Some(4));
        assert_eq!(numbered_level("1.5万元"), None);
        assert_eq!(numbered_level("2022年"), None);
        assert_eq!(numbered_level("十一、其他"), Some((1, "十一、".len())));
    }

    #[test]
    fn pattern_tree_with_preamble_and_title() {
        let title = Block::Paragraph(Paragraph {
            centered: true,
            bold: true,
            ..Paragraph::new("某局2022年政府信息公开工作年度报告")
        });
        let doc = Document {
            body: vec![
                title,
                para("根据《条例》规定，现公布本报告。"),
                para("一、总体情况"),
                para("（一）主动公开"),
                para("（一）完善工作机制。根据制定的要点分工方案，落实责任。"),
                para("（二）依申请公开"),
                para("二、主动公开政府信息情况"),
                para("三、收到和处理政府信息公开申请情况"),
            ],
            ..Document::default()
        };
        let b = build(doc);
        assert_eq!(
            b.title.as_deref(),
            Some("某局2022年政府信息公开工作年度报告")
        );
        let o = outline(&b.sections);
        let titles: Vec<_> = o.iter().map(|(l, t, _)| (*l, t.as_str())).collect();
        assert_eq!(
            titles,
            [
                (0, ""),
                (1, "一、总体情况"),
                (2, "（一）主动公开"),
                (2, "（二）依申请公开"),
                (1, "二、主动公开政府信息情况"),
                (1, "三、收到和处理政府信息公开申请情况"),
            ]
        );
        assert_eq!(o[1].2, HeadingSource::NumberedPattern);
        assert_eq!(b.sections[0].content.len(), 2, "title and opening sentence");
        let sub = &b.sections[1].sections[0];
        assert_eq!(sub.content.len(), 1, "the long (一) sentence is body text");
    }

    #[test]
    fn styles_disable_patterns() {
        let doc = Document {
            body: vec![
                styled("Intro", 1),
                para("一、not a heading here"),
                styled("Details", 2),
                styled("Next", 1),
            ],
            ..Document::default()
        };
        let o = outline(&build(doc).sections);
        let titles: Vec<_> = o.iter().map(|(l, t, _)| (*l, t.as_str())).collect();
        assert_eq!(titles, [(1, "Intro"), (2, "Details"), (1, "Next")]);
    }

    #[test]
    fn bold_title_split_over_lines() {
        let line = |t: &str| {
            Block::Paragraph(Paragraph {
                centered: true,
                ..Paragraph::new(t)
            })
        };
        let doc = Document {
            body: vec![
                line("硚口区人民政府汉正街道办事处2025年"),
                line("政府信息公开工作年度报告"),
                para("一、总体情况"),
            ],
            ..Document::default()
        };
        let b = build(doc);
        assert_eq!(
            b.title.as_deref(),
            Some("硚口区人民政府汉正街道办事处2025年政府信息公开工作年度报告")
        );
    }

    fn grid(rows: &[&[&str]]) -> Block {
        use crate::model::{RawCell, RawRow, RawTable};
        let raw = RawTable {
            grid_cols: None,
            rows: rows
                .iter()
                .map(|r| RawRow {
                    cells: r.iter().map(|t| RawCell::new(*t)).collect(),
                    ..RawRow::default()
                })
                .collect(),
        };
        Block::Table(Table::from_raw(raw, "test", &mut Vec::new()))
    }

    #[test]
    fn heading1_title_after_a_metadata_table_is_the_title() {
        let meta = grid(&[
            &[
                "索 引 号",
                "000014349/2023-00012",
                "发布机构",
                "某某县统计局",
            ],
            &["生成日期", "2023-01-09", "文号", ""],
        ]);
        let doc = Document {
            body: vec![
                meta,
                styled("某某县统计局2022年政府信息公开工作年度报告", 1),
                styled("一、总体情况", 1),
                para("正文。"),
                styled("二、主动公开政府信息情况", 1),
            ],
            ..Document::default()
        };
        let b = build(doc);
        assert_eq!(
            b.title.as_deref(),
            Some("某某县统计局2022年政府信息公开工作年度报告")
        );
        let o = outline(&b.sections);
        let titles: Vec<_> = o.iter().map(|(l, t, _)| (*l, t.as_str())).collect();
        assert_eq!(
            titles,
            [
                (0, ""),
                (1, "一、总体情况"),
                (1, "二、主动公开政府信息情况")
            ]
        );
        // The metadata table stays in the preamble.
        assert!(matches!(b.sections[0].content[0], Content::Table(_)));
        // A table that is not a metadata table is not skipped: no title.
        let doc = Document {
            body: vec![
                grid(&[&["规章", "1"], &["行政许可", "2"]]),
                styled("某某县统计局2022年政府信息公开工作年度报告", 1),
                styled("一、总体情况", 1),
            ],
            ..Document::default()
        };
        assert_eq!(build(doc).title, None);
    }
}
