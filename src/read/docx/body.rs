//! The story parser (ECMA-376 Part 1 §17.3, §17.4, §17.5, §17.13, §17.16): turns
//! the content of `w:body`, `w:hdr`/`w:ftr`, `w:footnote`/`w:endnote` and
//! `w:txbxContent` into [`Block`]s. Shared by the main part, notes and headers.
//!
//! Supported constructs:
//! - paragraphs and runs: `w:t`, `w:tab`/`w:ptab` (`\t`), `w:br`/`w:cr` (`\n`; page and
//!   column breaks are nothing), `w:sym`, `w:noBreakHyphen` (`-`), `w:softHyphen`
//!   (dropped), `w:ruby` (base text only), Office Math text (`m:t`);
//! - transparent wrappers: `w:hyperlink`, `w:smartTag`, `w:customXml`, `w:sdt`
//!   (`w:sdtContent`, inline, block, row and cell level), `w:fldSimple`, `w:dir`, `w:bdo`;
//! - tracked changes: `w:ins`/`w:moveTo` kept, `w:del`/`w:moveFrom`/`w:delText` dropped,
//!   deleted table rows dropped;
//! - complex fields (`w:fldChar` begin/separate/end, nested, across paragraphs):
//!   only the displayed result is kept, never `w:instrText`;
//! - `mc:AlternateContent`: exactly one branch (first supported `mc:Choice`, else
//!   `mc:Fallback`);
//! - text boxes (`w:txbxContent` in `w:drawing`/`w:pict`/`w:object`): their blocks follow
//!   the anchoring paragraph;
//! - hidden text (`w:vanish`, directly or through styles) dropped;
//! - VML WordArt (`v:textpath/@string`) read like a text box;
//! - legacy horizontal merges (`w:hMerge`) widen the cell to their left;
//! - `w:altChunk` (imported HTML/RTF) is not read: a warning says so;
//! - paragraph style, heading level (own `w:outlineLvl` or the style's), bold,
//!   centered, automatic numbering label;
//! - tables (`w:tbl`, `w:tblGrid`, `w:gridBefore`/`w:gridAfter`, `w:tblHeader`,
//!   `w:gridSpan`, `w:vMerge`, nested tables kept apart from the cell text);
//! - footnote/endnote references and section header/footer references.

use super::numbering::{level_for_style, linked_num_id};
use super::styles::{outline_to_level, parse_numpr, parse_rpr, NumPr, RunProps, Styles};
use super::{next_child, on_off, parse_u32};
use crate::error::ReadError;
use crate::model::{
    Block, Heading, HeadingSource, NoteKind, Paragraph, RawCell, RawRow, RawTable, Table, VMerge,
    Warning,
};
use crate::read::numbering::{NoLabel, Numbering, NumberingState};
use crate::read::{cell_from_blocks, MAX_PARAGRAPHS};
use crate::xml::{Memo, Ns, XmlReader};
use std::collections::HashSet;
use std::rc::Rc;

/// Most table cells read from one document.
pub const MAX_CELLS: usize = 2_000_000;
/// Deepest nesting of complex fields tracked.
const MAX_FIELD_DEPTH: usize = 64;

/// Namespaces whose `mc:Choice` branches we can read (their content is ordinary
/// WordprocessingML plus drawing wrappers we look through).
const SUPPORTED_CHOICE_NS: [&str; 9] = [
    "http://schemas.microsoft.com/office/word/2010/wordprocessingShape",
    "http://schemas.microsoft.com/office/word/2010/wordprocessingGroup",
    "http://schemas.microsoft.com/office/word/2010/wordprocessingCanvas",
    "http://schemas.microsoft.com/office/word/2010/wordml",
    "http://schemas.microsoft.com/office/word/2012/wordml",
    "http://schemas.microsoft.com/office/word/2010/wordprocessingDrawing",
    "http://schemas.openxmlformats.org/officeDocument/2006/math",
    "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "http://schemas.openxmlformats.org/drawingml/2006/main",
];

/// A note reference met in a story, in document order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteRef {
    /// Footnote or endnote.
    pub kind: NoteKind,
    /// `w:id` as written.
    pub id: String,
    /// The custom mark (`w:customMarkFollows`): the text of the following run.
    pub custom_mark: Option<String>,
    /// Whether this reference uses a custom mark.
    pub custom: bool,
}

/// A header or footer reference from a `w:sectPr`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SectRef {
    /// Header (true) or footer (false).
    pub header: bool,
    /// `w:type` (`default`, `first`, `even`).
    pub kind: String,
    /// `r:id`.
    pub rid: String,
}

/// State shared by all stories of one document.
pub struct Ctx<'a> {
    styles: Option<&'a Styles>,
    numbering: Option<&'a Numbering>,
    /// The styles part is absent (not merely broken).
    styles_absent: bool,
    /// The numbering part is absent (not merely broken).
    numbering_absent: bool,
    num_state: NumberingState,
    /// Warnings collected.
    pub warnings: Vec<Warning>,
    warned: HashSet<String>,
    part: String,
    tables_in_part: usize,
    /// Complex field stack: `true` once the field reached its result (`separate`).
    fields: Vec<bool>,
    field_overflow: usize,
    /// Note references in document order.
    pub note_refs: Vec<NoteRef>,
    pending_custom: Option<usize>,
    /// Header/footer references from section properties.
    pub sect_refs: Vec<SectRef>,
    paragraphs: usize,
    cells: usize,
    /// Memo of [`Ctx::para_base_props`] by paragraph style argument.
    base_memo: Vec<(Option<String>, RunProps)>,
    /// Memo of what a paragraph style gives through its chain, by style id.
    facts_memo: Vec<(String, StyleFacts)>,
    /// Run properties (`w:rPr`) read, by content: Word repeats a few of them
    /// on thousands of runs.
    rpr_memo: Memo<(RunProps, Option<String>)>,
    /// Paragraph properties (`w:pPr`) read, by content.
    ppr_memo: Memo<ParaPropsRead>,
    /// Cell properties (`w:tcPr`) read, by content.
    tcpr_memo: Memo<CellProps>,
    /// Row properties (`w:trPr`) read, by content.
    trpr_memo: Memo<RowProps>,
}

/// What a paragraph's `w:pPr` says: each field is `Some` when its element is
/// present (the last one counts).
#[derive(Debug, Clone, Default)]
struct ParaPropsRead {
    style: Option<Option<Rc<str>>>,
    num: Option<NumPr>,
    outline: Option<Option<u32>>,
    /// `w:jc`: its value is `center` (inner `None`: no value).
    centered: Option<Option<bool>>,
    /// The paragraph mark is hidden (`w:rPr/w:vanish`).
    mark_vanish: Option<bool>,
    /// Header and footer references of a section ending here (`w:sectPr`).
    sect_refs: Vec<SectRef>,
}

/// What a cell's `w:tcPr` says.
#[derive(Debug, Clone, Copy)]
struct CellProps {
    col_span: u32,
    v_merge: VMerge,
    /// Continues a legacy horizontal merge (`w:hMerge`).
    h_continue: bool,
}

impl Default for CellProps {
    fn default() -> Self {
        CellProps {
            col_span: 1,
            v_merge: VMerge::None,
            h_continue: false,
        }
    }
}

/// What a row's `w:trPr` says.
#[derive(Debug, Clone, Copy, Default)]
struct RowProps {
    grid_before: Option<u32>,
    grid_after: Option<u32>,
    header: Option<bool>,
    /// A deleted (tracked) or hidden row.
    deleted: bool,
}

/// Most styles memoized per document (more are resolved each time).
const MAX_STYLE_MEMO: usize = 256;

/// What a paragraph style gives through its `basedOn` chain.
#[derive(Debug, Clone)]
struct StyleFacts {
    heading_level: Option<u8>,
    /// The style's justification is `center`.
    centered: bool,
    /// Its numbering and the style that gives it (shared: copied for every
    /// paragraph of the style).
    num: (NumPr, Option<Rc<str>>),
}

/// A paragraph being read.
#[derive(Default)]
struct ParaBuilder {
    text: String,
    any_text: bool,
    all_bold: bool,
    note_refs: Vec<String>,
    floating: Vec<Block>,
    /// The style id (shared with the memoized `w:pPr` it comes from).
    style: Option<Rc<str>>,
    num: NumPr,
    outline: Option<u32>,
    /// Its own `w:jc`, when it has one with a value: `center` or not.
    centered: Option<bool>,
    mark_vanish: bool,
    base: RunProps,
}

impl<'a> Ctx<'a> {
    /// A context over the document's styles and numbering (either may be absent).
    pub fn new(
        styles: Option<&'a Styles>,
        numbering: Option<&'a Numbering>,
        styles_absent: bool,
        numbering_absent: bool,
    ) -> Self {
        Ctx {
            styles,
            numbering,
            styles_absent,
            numbering_absent,
            num_state: NumberingState::default(),
            warnings: Vec::new(),
            warned: HashSet::new(),
            part: String::new(),
            tables_in_part: 0,
            fields: Vec::new(),
            field_overflow: 0,
            note_refs: Vec::new(),
            pending_custom: None,
            sect_refs: Vec::new(),
            paragraphs: 0,
            cells: 0,
            base_memo: Vec::new(),
            facts_memo: Vec::new(),
            rpr_memo: Memo::default(),
            ppr_memo: Memo::default(),
            tcpr_memo: Memo::default(),
            trpr_memo: Memo::default(),
        }
    }

    /// Start reading a new part (resets per-part state such as the field stack).
    pub fn begin_part(&mut self, part: &str) {
        self.part = part.to_string();
        self.tables_in_part = 0;
        self.fields.clear();
        self.field_overflow = 0;
        self.pending_custom = None;
    }

    /// Finish a part: warn when a complex field was left open (its remaining
    /// content was hidden as field instructions).
    pub fn end_part(&mut self) {
        if !self.fields.is_empty() || self.field_overflow > 0 {
            let part = self.part.clone();
            self.warn_once(
                format!("unbalanced_field:{part}"),
                "unbalanced_field",
                "a field starts (w:fldChar begin) but never ends; text after it may be missing"
                    .into(),
            );
        }
    }

    /// A warning located in the current part, once per `key`.
    pub(super) fn warn_once(&mut self, key: String, code: &str, message: String) {
        if self.warned.insert(key) {
            let loc = Some(self.part.clone());
            self.warnings.push(Warning::new(code, message, loc));
        }
    }

    fn field_visible(&self) -> bool {
        self.field_overflow == 0 && self.fields.iter().all(|&in_result| in_result)
    }

    /// Read the children of the current element as blocks.
    pub fn blocks(&mut self, r: &mut XmlReader<'_>) -> Result<Vec<Block>, ReadError> {
        let mut out = Vec::new();
        self.blocks_into(r, &mut out)?;
        Ok(out)
    }

    /// Read the children of the current element as blocks into `out`, block by
    /// block: on an error, `out` holds every block finished before it.
    pub fn blocks_into(
        &mut self,
        r: &mut XmlReader<'_>,
        out: &mut Vec<Block>,
    ) -> Result<(), ReadError> {
        while let Some(e) = next_child(r)? {
            self.block_child(r, &e, out)?;
        }
        Ok(())
    }

    /// One block-level element whose start was just read.
    fn block_child(
        &mut self,
        r: &mut XmlReader<'_>,
        e: &crate::xml::Elem,
        out: &mut Vec<Block>,
    ) -> Result<(), ReadError> {
        if e.ns == Ns::W {
            match e.local {
                b"p" => return self.paragraph(r, out),
                b"tbl" => {
                    let t = self.table(r)?;
                    out.push(Block::Table(t));
                    return Ok(());
                }
                b"sdt" => return sdt_content(r, |r| self.blocks_into(r, out)),
                b"customXml" | b"ins" | b"moveTo" | b"smartTag" => return self.blocks_into(r, out),
                b"sectPr" => return self.sect_pr(r),
                b"altChunk" => {
                    self.warn_once(
                        "unsupported_alt_chunk".into(),
                        "unsupported_alt_chunk",
                        "the document imports content from another format (w:altChunk), which is not read".into(),
                    );
                }
                _ => {}
            }
        } else if e.is(Ns::Mc, "AlternateContent") {
            return alternate(r, |r| self.blocks_into(r, out));
        }
        r.skip_element()
    }

    fn sect_pr(&mut self, r: &mut XmlReader<'_>) -> Result<(), ReadError> {
        let refs = sect_refs(r)?;
        self.sect_refs.extend(refs);
        Ok(())
    }

    // ----- paragraphs -----

    fn paragraph(&mut self, r: &mut XmlReader<'_>, out: &mut Vec<Block>) -> Result<(), ReadError> {
        if self.paragraphs >= MAX_PARAGRAPHS {
            self.warn_once(
                "too_many_paragraphs".into(),
                "too_many_paragraphs",
                format!("more than {MAX_PARAGRAPHS} paragraphs; the rest were skipped"),
            );
            return r.skip_element();
        }
        self.paragraphs += 1;
        let mut p = ParaBuilder {
            all_bold: true,
            ..ParaBuilder::default()
        };
        p.base = self.para_base_props(None);
        self.inline(r, &mut p)?;
        let floating = std::mem::take(&mut p.floating);
        if let Some(para) = self.finish_paragraph(p) {
            out.push(Block::Paragraph(para));
        }
        out.extend(floating);
        Ok(())
    }

    /// Run properties every run of a paragraph with style `style` starts from.
    fn para_base_props(&mut self, style: Option<&str>) -> RunProps {
        let Some(st) = self.styles else {
            return RunProps::default();
        };
        if let Some((_, props)) = self.base_memo.iter().find(|(s, _)| s.as_deref() == style) {
            return *props;
        }
        let sid = style.or(st.default_para.as_deref());
        let from_style = sid.map(|s| st.run_props(s)).unwrap_or_default();
        let props = from_style.or(st.default_rpr);
        if self.base_memo.len() < MAX_STYLE_MEMO {
            self.base_memo.push((style.map(str::to_string), props));
        }
        props
    }

    /// Heading level, justification and numbering of paragraph style `id`
    /// through its chain.
    fn style_facts(&mut self, styles: &Styles, id: &str) -> StyleFacts {
        if let Some((_, f)) = self.facts_memo.iter().find(|(k, _)| k == id) {
            return f.clone();
        }
        let (num, num_style) = styles.num(id);
        let facts = StyleFacts {
            heading_level: styles.heading_level(id),
            centered: styles.jc(id).as_deref() == Some("center"),
            num: (num, num_style.map(Rc::from)),
        };
        if self.facts_memo.len() < MAX_STYLE_MEMO {
            self.facts_memo.push((id.to_string(), facts.clone()));
        }
        facts
    }

    fn ppr(&mut self, r: &mut XmlReader<'_>, p: &mut ParaBuilder) -> Result<(), ReadError> {
        let rpr_memo = &mut self.rpr_memo;
        let read = r.memo(&mut self.ppr_memo, |r| para_props(r, rpr_memo))?;
        set_if_given(&mut p.style, read.style);
        set_if_given(&mut p.num, read.num);
        set_if_given(&mut p.outline, read.outline);
        set_if_given(&mut p.centered, read.centered);
        set_if_given(&mut p.mark_vanish, read.mark_vanish);
        self.sect_refs.extend(read.sect_refs);
        if p.style.is_some() {
            self.note_style_use();
        }
        p.base = self.para_base_props(p.style.as_deref());
        Ok(())
    }

    fn note_style_use(&mut self) {
        if self.styles.is_none() && self.styles_absent {
            self.warn_once(
                "missing_styles".into(),
                "missing_styles",
                "the document references styles but has no styles part".into(),
            );
        }
    }

    /// Inline content: the children of `w:p` and of transparent inline wrappers.
    fn inline(&mut self, r: &mut XmlReader<'_>, p: &mut ParaBuilder) -> Result<(), ReadError> {
        while let Some(e) = next_child(r)? {
            if e.ns == Ns::W {
                match e.local {
                    b"pPr" => self.ppr(r, p)?,
                    b"r" => self.run(r, p)?,
                    b"hyperlink" | b"smartTag" | b"customXml" | b"ins" | b"moveTo"
                    | b"fldSimple" | b"dir" | b"bdo" | b"sdtContent" => self.inline(r, p)?,
                    b"sdt" => sdt_content(r, |r| self.inline(r, p))?,
                    _ => r.skip_element()?,
                }
            } else if e.is(Ns::Mc, "AlternateContent") {
                alternate(r, |r| self.inline(r, p))?;
            } else if e.ns == Ns::Math {
                self.math(r, p)?;
            } else {
                r.skip_element()?;
            }
        }
        Ok(())
    }

    /// Office Math: keep the text of `m:t` elements.
    fn math(&mut self, r: &mut XmlReader<'_>, p: &mut ParaBuilder) -> Result<(), ReadError> {
        while let Some(e) = next_child(r)? {
            if e.is(Ns::Math, "t") {
                let t = r.element_text_cow()?;
                self.emit(p, &t, p.base);
            } else if e.is(Ns::W, "r") {
                self.run(r, p)?;
            } else if e.is(Ns::Mc, "AlternateContent") {
                alternate(r, |r| self.math(r, p))?;
            } else if e.is(Ns::W, "del") || e.is(Ns::W, "rPr") || e.local.ends_with(b"Pr") {
                r.skip_element()?;
            } else {
                self.math(r, p)?;
            }
        }
        Ok(())
    }

    fn emit(&mut self, p: &mut ParaBuilder, s: &str, props: RunProps) {
        if s.is_empty() || !self.field_visible() || props.vanish == Some(true) {
            return;
        }
        if let Some(i) = self.pending_custom.take() {
            if let Some(nr) = self.note_refs.get_mut(i) {
                let mark = s.trim();
                if !mark.is_empty() {
                    nr.custom_mark = Some(mark.to_string());
                }
            }
        }
        if s.chars().any(|c| !c.is_whitespace()) {
            p.any_text = true;
            if props.bold != Some(true) {
                p.all_bold = false;
            }
        }
        p.text.push_str(s);
    }

    fn run(&mut self, r: &mut XmlReader<'_>, p: &mut ParaBuilder) -> Result<(), ReadError> {
        let mut props = p.base;
        self.run_content(r, p, &mut props)
    }

    fn run_content(
        &mut self,
        r: &mut XmlReader<'_>,
        p: &mut ParaBuilder,
        props: &mut RunProps,
    ) -> Result<(), ReadError> {
        while let Some(e) = next_child(r)? {
            if e.is(Ns::Mc, "AlternateContent") {
                alternate(r, |r| self.run_content(r, p, props))?;
                continue;
            }
            if e.ns != Ns::W {
                r.skip_element()?;
                continue;
            }
            match e.local {
                b"rPr" => {
                    let (direct, rstyle) = r.memo(&mut self.rpr_memo, parse_rpr)?;
                    let from_char = match rstyle {
                        Some(id) => {
                            self.note_style_use();
                            self.styles.map(|s| s.run_props(&id)).unwrap_or_default()
                        }
                        None => RunProps::default(),
                    };
                    *props = direct.or(from_char).or(p.base);
                    continue;
                }
                b"t" => {
                    let t = r.element_text_cow()?;
                    self.emit(p, &t, *props);
                    continue;
                }
                b"tab" | b"ptab" => self.emit(p, "\t", *props),
                b"cr" => self.emit(p, "\n", *props),
                // Page and column breaks are layout, not text.
                b"br" if !matches!(e.attr(Ns::W, "type"), Some("page" | "column")) => {
                    self.emit(p, "\n", *props);
                }
                b"noBreakHyphen" => self.emit(p, "-", *props),
                b"sym" => {
                    if let Some(c) = e.attr(Ns::W, "char").and_then(sym_char) {
                        let mut buf = [0u8; 4];
                        self.emit(p, c.encode_utf8(&mut buf), *props);
                    }
                }
                b"fldChar" => match e.attr(Ns::W, "fldCharType") {
                    Some("begin") => {
                        if self.fields.len() < MAX_FIELD_DEPTH {
                            self.fields.push(false);
                        } else {
                            self.field_overflow += 1;
                        }
                    }
                    Some("separate") if self.field_overflow == 0 => {
                        if let Some(top) = self.fields.last_mut() {
                            *top = true;
                        }
                    }
                    Some("end") => {
                        if self.field_overflow > 0 {
                            self.field_overflow -= 1;
                        } else {
                            self.fields.pop();
                        }
                    }
                    _ => {}
                },
                b"footnoteReference" | b"endnoteReference" => {
                    let kind = if e.local == b"footnoteReference" {
                        NoteKind::Footnote
                    } else {
                        NoteKind::Endnote
                    };
                    if let (Some(id), true) = (e.attr(Ns::W, "id"), self.field_visible()) {
                        let custom = e
                            .attr(Ns::W, "customMarkFollows")
                            .is_some_and(super::styles::on_off_str);
                        let prefix = match kind {
                            NoteKind::Footnote => "footnote",
                            NoteKind::Endnote => "endnote",
                        };
                        p.note_refs.push(format!("{prefix}-{id}"));
                        self.note_refs.push(NoteRef {
                            kind,
                            id: id.to_string(),
                            custom_mark: None,
                            custom,
                        });
                        if custom {
                            self.pending_custom = Some(self.note_refs.len() - 1);
                        }
                    }
                }
                b"drawing" | b"pict" | b"object" => {
                    let mut boxes = Vec::new();
                    self.find_textboxes(r, &mut boxes)?;
                    p.floating.extend(boxes);
                    continue;
                }
                b"ruby" => {
                    while let Some(c) = next_child(r)? {
                        if c.is(Ns::W, "rubyBase") {
                            self.inline(r, p)?;
                        } else {
                            r.skip_element()?;
                        }
                    }
                    continue;
                }
                // w:instrText, w:delText, w:softHyphen, marks and the rest show nothing.
                _ => {}
            }
            r.skip_element()?;
        }
        Ok(())
    }

    /// Look through a drawing for text boxes; their blocks go to `out`.
    fn find_textboxes(
        &mut self,
        r: &mut XmlReader<'_>,
        out: &mut Vec<Block>,
    ) -> Result<(), ReadError> {
        while let Some(e) = next_child(r)? {
            if e.is(Ns::W, "txbxContent") {
                // A text box is its own story: fields do not cross into it.
                let saved = std::mem::take(&mut self.fields);
                let saved_overflow = std::mem::replace(&mut self.field_overflow, 0);
                let res = self.blocks_into(r, out);
                self.fields = saved;
                self.field_overflow = saved_overflow;
                res?;
            } else if e.is(Ns::Mc, "AlternateContent") {
                alternate(r, |r| self.find_textboxes(r, out))?;
            } else if e.is(Ns::Vml, "textpath") {
                // VML WordArt: the text is an attribute.
                if let Some(t) = e.attr(Ns::None, "string").filter(|t| !t.trim().is_empty()) {
                    if self.field_visible() {
                        out.push(Block::Paragraph(Paragraph::new(t)));
                    }
                }
                r.skip_element()?;
            } else {
                self.find_textboxes(r, out)?;
            }
        }
        Ok(())
    }

    fn finish_paragraph(&mut self, p: ParaBuilder) -> Option<Paragraph> {
        if p.mark_vanish && p.text.is_empty() && p.note_refs.is_empty() {
            return None;
        }
        let styles = self.styles;
        let style_id = p
            .style
            .as_deref()
            .or_else(|| styles.and_then(|s| s.default_para.as_deref()));
        let facts = match (styles, style_id) {
            (Some(s), Some(id)) => Some(self.style_facts(s, id)),
            _ => None,
        };
        let heading = match p.outline {
            Some(l) => outline_to_level(l).map(|level| Heading {
                level,
                source: HeadingSource::OutlineLevel,
            }),
            None => facts
                .as_ref()
                .and_then(|f| f.heading_level)
                .map(|level| Heading {
                    level,
                    source: HeadingSource::Style,
                }),
        };
        let centered = p
            .centered
            .unwrap_or_else(|| facts.as_ref().is_some_and(|f| f.centered));
        // Numbering: direct numPr, else the style's.
        let (style_num, num_style) = match facts {
            Some(f) => f.num,
            None => (NumPr::default(), None),
        };
        let num_id = p.num.num_id.or(style_num.num_id);
        let mut label = None;
        if let Some(num_id) = num_id.filter(|&n| n != 0) {
            match self.numbering {
                None => {
                    if self.numbering_absent {
                        self.warn_once(
                            "missing_numbering".into(),
                            "missing_numbering",
                            "paragraphs reference automatic numbering but the document has no numbering part".into(),
                        );
                    }
                }
                Some(numbering) => {
                    let ilvl = p.num.ilvl.or(style_num.ilvl).or_else(|| {
                        num_style
                            .as_deref()
                            .and_then(|sid| level_for_style(numbering, styles, num_id, sid))
                    });
                    match self.num_state.next_label(
                        numbering,
                        &|name| linked_num_id(styles, name),
                        num_id,
                        ilvl.unwrap_or(0),
                    ) {
                        Ok(l) => label = Some(l),
                        Err(NoLabel::UnknownId) => self.warn_once(
                            format!("unknown_numbering_id:{num_id}"),
                            "unknown_numbering_id",
                            format!("paragraph uses numbering id {num_id}, which numbering.xml does not define"),
                        ),
                        Err(NoLabel::NotNumbered) => {}
                    }
                }
            }
        }
        let mut text = p.text;
        let mut number_label = None;
        if let Some(l) = label.filter(|l| !l.text.is_empty()) {
            text = l.prefix_to(text);
            number_label = Some(l.text);
        }
        Some(Paragraph {
            text,
            number_label,
            style: p.style.as_deref().and_then(|id| match styles {
                Some(s) => s.name(id).or_else(|| Some(id.to_string())),
                None => Some(id.to_string()),
            }),
            heading,
            bold: p.any_text && p.all_bold,
            centered,
            note_refs: p.note_refs,
        })
    }

    // ----- tables -----

    fn table(&mut self, r: &mut XmlReader<'_>) -> Result<Table, ReadError> {
        self.tables_in_part += 1;
        let location = format!("{} table {}", self.part, self.tables_in_part);
        let mut raw = RawTable::default();
        self.table_content(r, &mut raw)?;
        Ok(Table::from_raw(raw, &location, &mut self.warnings))
    }

    fn table_content(
        &mut self,
        r: &mut XmlReader<'_>,
        raw: &mut RawTable,
    ) -> Result<(), ReadError> {
        while let Some(e) = next_child(r)? {
            if e.is(Ns::Mc, "AlternateContent") {
                alternate(r, |r| self.table_content(r, raw))?;
                continue;
            }
            if e.ns != Ns::W {
                r.skip_element()?;
                continue;
            }
            match e.local {
                b"tblGrid" => {
                    let mut n = 0u32;
                    while let Some(c) = next_child(r)? {
                        if c.is(Ns::W, "gridCol") {
                            n = n.saturating_add(1);
                        }
                        r.skip_element()?;
                    }
                    raw.grid_cols = Some(n);
                }
                b"tr" => {
                    let mut row = RawRow::default();
                    let mut deleted = false;
                    self.row_content(r, &mut row, &mut deleted)?;
                    if !deleted {
                        raw.rows.push(row);
                    }
                }
                b"sdt" => sdt_content(r, |r| self.table_content(r, raw))?,
                b"customXml" | b"ins" | b"moveTo" | b"sdtContent" => self.table_content(r, raw)?,
                _ => r.skip_element()?,
            }
        }
        Ok(())
    }

    fn row_content(
        &mut self,
        r: &mut XmlReader<'_>,
        row: &mut RawRow,
        deleted: &mut bool,
    ) -> Result<(), ReadError> {
        while let Some(e) = next_child(r)? {
            if e.is(Ns::Mc, "AlternateContent") {
                alternate(r, |r| self.row_content(r, row, deleted))?;
                continue;
            }
            if e.ns != Ns::W {
                r.skip_element()?;
                continue;
            }
            match e.local {
                b"trPr" => {
                    let props = r.memo(&mut self.trpr_memo, row_props)?;
                    set_if_given(&mut row.grid_before, props.grid_before);
                    set_if_given(&mut row.grid_after, props.grid_after);
                    set_if_given(&mut row.header, props.header);
                    *deleted |= props.deleted;
                }
                b"tc" => {
                    if self.cells >= MAX_CELLS {
                        self.warn_once(
                            "too_many_cells".into(),
                            "too_many_cells",
                            format!("more than {MAX_CELLS} table cells; the rest were skipped"),
                        );
                        r.skip_element()?;
                        continue;
                    }
                    self.cells += 1;
                    let (cell, h_continue) = self.cell(r)?;
                    // Legacy horizontal merge: a continuation cell widens the cell
                    // to its left instead of being a cell of its own.
                    match row.cells.last_mut() {
                        Some(prev) if h_continue => {
                            prev.col_span =
                                prev.col_span.max(1).saturating_add(cell.col_span.max(1));
                        }
                        _ => row.cells.push(cell),
                    }
                }
                b"sdt" => sdt_content(r, |r| self.row_content(r, row, deleted))?,
                b"customXml" | b"ins" | b"moveTo" | b"sdtContent" => {
                    self.row_content(r, row, deleted)?
                }
                _ => r.skip_element()?,
            }
        }
        Ok(())
    }

    /// A `w:tc`, and whether it continues a legacy horizontal merge (`w:hMerge`).
    fn cell(&mut self, r: &mut XmlReader<'_>) -> Result<(RawCell, bool), ReadError> {
        let mut props = CellProps::default();
        let mut blocks = Vec::new();
        while let Some(e) = next_child(r)? {
            if e.is(Ns::W, "tcPr") {
                props = r.memo(&mut self.tcpr_memo, cell_props)?;
            } else {
                self.block_child(r, &e, &mut blocks)?;
            }
        }
        let cell = RawCell {
            col_span: props.col_span,
            v_merge: props.v_merge,
            ..cell_from_blocks(blocks)
        };
        Ok((cell, props.h_continue))
    }
}

/// Apply a property read from XML: `Some` when its element was present.
fn set_if_given<T>(slot: &mut T, given: Option<T>) {
    if let Some(v) = given {
        *slot = v;
    }
}

/// The header and footer references of a `w:sectPr`.
fn sect_refs(r: &mut XmlReader<'_>) -> Result<Vec<SectRef>, ReadError> {
    let mut refs = Vec::new();
    while let Some(e) = next_child(r)? {
        let header = e.is(Ns::W, "headerReference");
        if header || e.is(Ns::W, "footerReference") {
            if let Some(rid) = e.attr(Ns::R, "id") {
                refs.push(SectRef {
                    header,
                    kind: e.attr(Ns::W, "type").unwrap_or("default").to_string(),
                    rid: rid.to_string(),
                });
            }
        }
        r.skip_element()?;
    }
    Ok(refs)
}

/// The children of a paragraph's `w:pPr`, its run properties read through
/// `rpr_memo`.
fn para_props(
    r: &mut XmlReader<'_>,
    rpr_memo: &mut Memo<(RunProps, Option<String>)>,
) -> Result<ParaPropsRead, ReadError> {
    let mut p = ParaPropsRead::default();
    while let Some(e) = next_child(r)? {
        if e.ns != Ns::W {
            r.skip_element()?;
            continue;
        }
        match e.local {
            b"pStyle" => {
                p.style = Some(e.attr(Ns::W, "val").map(Rc::from));
                r.skip_element()?;
            }
            b"numPr" => p.num = Some(parse_numpr(r)?),
            b"outlineLvl" => {
                p.outline = Some(e.attr(Ns::W, "val").and_then(parse_u32));
                r.skip_element()?;
            }
            b"jc" => {
                p.centered = Some(e.attr(Ns::W, "val").map(|v| v == "center"));
                r.skip_element()?;
            }
            b"rPr" => {
                let (props, _) = r.memo(rpr_memo, parse_rpr)?;
                p.mark_vanish = Some(props.vanish == Some(true));
            }
            b"sectPr" => p.sect_refs.extend(sect_refs(r)?),
            _ => r.skip_element()?,
        }
    }
    Ok(p)
}

/// The children of a `w:tcPr` (the last of each kind counts).
fn cell_props(r: &mut XmlReader<'_>) -> Result<CellProps, ReadError> {
    let mut props = CellProps::default();
    while let Some(c) = next_child(r)? {
        if c.is(Ns::W, "gridSpan") {
            props.col_span = c
                .attr(Ns::W, "val")
                .and_then(parse_u32)
                .unwrap_or(1)
                .clamp(1, 1000);
        } else if c.is(Ns::W, "hMerge") {
            props.h_continue = c.attr(Ns::W, "val") != Some("restart");
        } else if c.is(Ns::W, "vMerge") {
            props.v_merge = match c.attr(Ns::W, "val") {
                Some("restart") => VMerge::Restart,
                _ => VMerge::Continue,
            };
        }
        r.skip_element()?;
    }
    Ok(props)
}

/// The children of a `w:trPr` (the last of each kind counts).
fn row_props(r: &mut XmlReader<'_>) -> Result<RowProps, ReadError> {
    let mut props = RowProps::default();
    while let Some(c) = next_child(r)? {
        let val = || c.attr(Ns::W, "val");
        if c.is(Ns::W, "gridBefore") {
            props.grid_before = Some(val().and_then(parse_u32).unwrap_or(0).min(1000));
        } else if c.is(Ns::W, "gridAfter") {
            props.grid_after = Some(val().and_then(parse_u32).unwrap_or(0).min(1000));
        } else if c.is(Ns::W, "tblHeader") {
            props.header = Some(on_off(&c));
        } else if c.is(Ns::W, "del") || (c.is(Ns::W, "hidden") && on_off(&c)) {
            props.deleted = true;
        }
        r.skip_element()?;
    }
    Ok(props)
}

/// `w:sym w:char` (hex) to a character: Symbol/Wingdings private-use `F0xx`
/// codes map to their low byte when that is printable, otherwise nothing.
pub fn sym_char(hex: &str) -> Option<char> {
    crate::read::symbol_char(u32::from_str_radix(hex.trim(), 16).ok()?)
}

/// Read the `w:sdtContent` of the `w:sdt` whose start was just read with `f`
/// (block, inline, row or cell level alike), skipping its `w:sdtPr`/`w:sdtEndPr`.
fn sdt_content<F>(r: &mut XmlReader<'_>, mut f: F) -> Result<(), ReadError>
where
    F: FnMut(&mut XmlReader<'_>) -> Result<(), ReadError>,
{
    while let Some(c) = next_child(r)? {
        if c.is(Ns::W, "sdtContent") {
            f(r)?;
        } else {
            r.skip_element()?;
        }
    }
    Ok(())
}

/// Process exactly one branch of the `mc:AlternateContent` whose start was just
/// read: the first `mc:Choice` whose `Requires` prefixes all resolve to supported
/// namespaces, else `mc:Fallback`. `f` reads the chosen branch's children.
pub fn alternate<F>(r: &mut XmlReader<'_>, mut f: F) -> Result<(), ReadError>
where
    F: FnMut(&mut XmlReader<'_>) -> Result<(), ReadError>,
{
    let mut done = false;
    while let Some(e) = next_child(r)? {
        if !done && e.is(Ns::Mc, "Choice") {
            let requires = e.attr(Ns::None, "Requires").unwrap_or_default();
            let ok = !requires.trim().is_empty()
                && requires.split_whitespace().all(|prefix| {
                    r.prefix_uri(prefix)
                        .is_some_and(|u| SUPPORTED_CHOICE_NS.contains(&u.as_str()))
                });
            if ok {
                f(r)?;
                done = true;
                continue;
            }
        } else if !done && e.is(Ns::Mc, "Fallback") {
            f(r)?;
            done = true;
            continue;
        }
        r.skip_element()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sym_chars() {
        assert_eq!(sym_char("F04A"), Some('J'));
        assert_eq!(sym_char("F0B7"), Some('·'));
        assert_eq!(sym_char("F001"), None);
        assert_eq!(sym_char("263A"), Some('☺'));
        assert_eq!(sym_char("zz"), None);
    }
}
