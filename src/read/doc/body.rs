//! Stories to blocks: the characters of a story range split into paragraphs
//! (paragraph, cell and section marks), each paragraph's properties from its
//! PAPX and style, runs from the CHPX, fields shown as their result, special
//! characters (pictures, note references, symbols) resolved, and table rows
//! gathered from cell and row marks (`itap` for nested tables).

use super::fkp::Runs;
use super::lists::DocLists;
use super::pieces::Text;
use super::sprm::{Sprm, Sprms};
use super::styles::Styles;
use super::table::{raw_table, DocRow, Tap};
use crate::model::{Block, Heading, HeadingSource, Paragraph, Table, Warning};
use std::collections::HashMap;

/// Deepest table nesting kept; deeper tables are read as part of the
/// innermost kept level (Word itself allows 63).
pub(crate) const MAX_TABLE_DEPTH: u32 = 64;
/// Deepest field nesting tracked.
const MAX_FIELD_DEPTH: usize = 64;

// Paragraph sprms (\[MS-DOC\] 2.6.2).
const P_JC80: u16 = 0x2403;
const P_JC: u16 = 0x2461;
const P_ILVL: u16 = 0x260A;
const P_ILFO: u16 = 0x460B;
const P_IN_TABLE: u16 = 0x2416;
const P_TTP: u16 = 0x2417;
const P_OUT_LVL: u16 = 0x2640;
const P_HUGE_PAPX: u16 = 0x6646;
const P_ITAP: u16 = 0x6649;
const P_DTAP: u16 = 0x664A;
const P_INNER_CELL: u16 = 0x244B;
const P_INNER_TTP: u16 = 0x244C;
// Character sprms (\[MS-DOC\] 2.6.1).
const C_RMARK_DEL: u16 = 0x0800;
const C_OLE2: u16 = 0x080A;
const C_BOLD: u16 = 0x0835;
const C_VANISH: u16 = 0x083C;
const C_SPEC: u16 = 0x0855;
const C_OBJ: u16 = 0x0856;
const C_ISTD: u16 = 0x4A30;
const C_SYMBOL: u16 = 0x6A09;

/// Paragraph properties this reader uses.
#[derive(Debug, Clone, Default)]
pub(crate) struct Pap {
    /// Paragraph style.
    pub istd: u16,
    /// `sprmPFInTable`.
    in_table: bool,
    /// `sprmPItap` as set (None: not set).
    itap: Option<i32>,
    /// `sprmPFTtp`: the row-end paragraph of a top-level table.
    ttp: bool,
    /// `sprmPFInnerTableCell`: the end of a nested cell.
    inner_cell: bool,
    /// `sprmPFInnerTtp`: the row end of a nested table.
    inner_ttp: bool,
    /// Outline level from the paragraph's own properties.
    own_outline: Option<u8>,
    /// List override index (0: not numbered) and level.
    ilfo: u16,
    ilvl: u8,
    /// Justification (1: centered).
    jc: Option<u8>,
}

impl Pap {
    fn apply(&mut self, s: &Sprm<'_>, own: bool) {
        match s.op {
            P_IN_TABLE => self.in_table = s.u8() != 0,
            P_TTP => self.ttp = s.u8() != 0,
            P_ITAP => self.itap = Some(s.u32() as i32),
            P_DTAP => self.itap = Some(self.itap.unwrap_or(0).saturating_add(s.u32() as i32)),
            P_INNER_CELL => self.inner_cell = s.u8() != 0,
            P_INNER_TTP => self.inner_ttp = s.u8() != 0,
            P_OUT_LVL if own => self.own_outline = Some(s.u8()),
            P_ILFO => self.ilfo = s.u16(),
            P_ILVL => self.ilvl = s.u8(),
            P_JC | P_JC80 => self.jc = Some(s.u8()),
            _ => {}
        }
    }

    /// Table depth: 0 outside tables.
    fn depth(&self) -> u32 {
        let itap = self.itap.unwrap_or(0).max(0) as u32;
        let d = if self.in_table { itap.max(1) } else { itap };
        d.min(MAX_TABLE_DEPTH)
    }
}

/// A paragraph of a story: CPs `[start, end)` of its text, the mark at `end`.
#[derive(Debug, Clone)]
struct Para {
    start: u32,
    end: u32,
    /// The mark character (0x0D paragraph, 0x07 cell, 0x0C section), or 0 for a
    /// story's last paragraph without one.
    mark: u16,
    pap: Pap,
    /// The paragraph's own property group (row ends: the table properties).
    grpprl: Vec<u8>,
    depth: u32,
}

/// Direct character properties of a run.
#[derive(Debug, Clone, Copy, Default)]
struct Chp {
    deleted: bool,
    vanish: Option<u8>,
    bold: Option<u8>,
    special: bool,
    object: bool,
    char_style: Option<u16>,
    symbol: Option<u16>,
}

impl Chp {
    fn apply(&mut self, s: &Sprm<'_>) {
        match s.op {
            C_RMARK_DEL => self.deleted = s.u8() != 0,
            C_VANISH => self.vanish = Some(s.u8()),
            C_BOLD => self.bold = Some(s.u8()),
            C_SPEC => self.special = s.u8() != 0,
            C_OBJ | C_OLE2 => self.object |= s.u8() != 0,
            C_ISTD => self.char_style = Some(s.u16()),
            C_SYMBOL => self.symbol = crate::binary::u16_at(s.arg, 2),
            _ => {}
        }
    }
}

/// A toggle property (\[MS-DOC\] 2.9.331 `ToggleOperand`) over its base value.
fn toggle(base: bool, v: Option<u8>) -> bool {
    match v {
        None | Some(0x80) => base,
        Some(0) => false,
        Some(0x81) => !base,
        Some(_) => true,
    }
}

/// What a paragraph style gives its paragraphs.
#[derive(Debug, Clone, Default)]
struct StyleFacts {
    name: Option<String>,
    heading: Option<u8>,
    pap: Pap,
    bold: bool,
    vanish: bool,
}

/// A field being read: whether its result has started.
#[derive(Debug, Clone, Copy)]
struct Field {
    in_result: bool,
}

/// Everything the story reader needs, and what it collects.
pub(crate) struct Reader<'a> {
    pub word: &'a [u8],
    pub data: &'a [u8],
    pub text: &'a Text,
    pub styles: &'a Styles,
    pub chpx: &'a Runs,
    pub papx: &'a Runs,
    pub lists: DocLists,
    pub warnings: Vec<Warning>,
    /// Note id by the CP of its reference mark in the main story.
    pub note_refs: HashMap<u32, String>,
    /// Text-box stories by the CP of their anchor in the main story.
    pub anchored: HashMap<u32, Vec<Block>>,
    style_facts: HashMap<u16, std::rc::Rc<StyleFacts>>,
    char_style_bold: HashMap<u16, (Option<u8>, Option<u8>)>,
    fields: Vec<Field>,
    field_overflow: usize,
    tables: usize,
    /// Characters that stories may still read (see [`Reader::story`]).
    char_budget: u32,
    /// Paragraphs read over all stories.
    paragraphs_read: usize,
    /// Name of the story being read, for warnings.
    story: &'static str,
}

impl<'a> Reader<'a> {
    /// A reader over the decoded text and formatting.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        word: &'a [u8],
        data: &'a [u8],
        text: &'a Text,
        styles: &'a Styles,
        chpx: &'a Runs,
        papx: &'a Runs,
        lists: DocLists,
        warnings: Vec<Warning>,
    ) -> Self {
        Reader {
            word,
            data,
            text,
            styles,
            chpx,
            papx,
            lists,
            warnings,
            note_refs: HashMap::new(),
            anchored: HashMap::new(),
            style_facts: HashMap::new(),
            char_style_bold: HashMap::new(),
            fields: Vec::new(),
            field_overflow: 0,
            tables: 0,
            char_budget: text.len().saturating_mul(4).saturating_add(1 << 20),
            paragraphs_read: 0,
            story: "main",
        }
    }

    fn warn_once(&mut self, code: &str, message: String) {
        if !self.warnings.iter().any(|w| w.code == code) {
            self.warnings.push(Warning::new(
                code,
                message,
                Some(format!("WordDocument {} story", self.story)),
            ));
        }
    }

    /// The blocks of the story `[start, end)`.
    pub fn story(&mut self, name: &'static str, start: u32, end: u32) -> Vec<Block> {
        self.story = name;
        self.fields.clear();
        self.field_overflow = 0;
        let end = end.min(self.text.len());
        // Stories come from PLCs that a hostile file can make overlap: the
        // characters read over all stories are bounded by a few passes over
        // the text, so that many stories spanning everything stay linear.
        let len = end.saturating_sub(start);
        if len > self.char_budget {
            self.warn_once(
                "stories_overlap",
                "stories overlap more than a document can; the rest were skipped".into(),
            );
            return Vec::new();
        }
        self.char_budget -= len;
        let paras = self.paragraphs(start, end);
        let mut out = Vec::new();
        let mut i = 0usize;
        while i < paras.len() {
            let before = i;
            self.blocks(&paras, &mut i, 0, &mut out);
            if i == before {
                // A paragraph no level took (cannot happen at depth 0); never loop.
                i += 1;
            }
        }
        out
    }

    /// Split `[start, end)` into paragraphs and read each one's properties.
    fn paragraphs(&mut self, start: u32, end: u32) -> Vec<Para> {
        let mut out = Vec::new();
        let mut from = start;
        let chars = &self.text.chars;
        let mut cp = start;
        while cp < end {
            let c = chars.get(cp as usize).copied().unwrap_or(0);
            let is_end = match c {
                0x0D | 0x07 => true,
                // A section mark ends a paragraph only where its properties
                // end (a page break inside a paragraph does not).
                0x0C => self.text.fc_of(cp).is_some_and(|fc| {
                    self.papx
                        .find(fc)
                        .is_some_and(|r| r.fc_end <= fc.saturating_add(self.width_at(cp)))
                }),
                _ => false,
            };
            if is_end {
                if self.paragraphs_read >= crate::read::MAX_PARAGRAPHS {
                    self.warn_once(
                        "too_many_paragraphs",
                        format!(
                            "more than {} paragraphs; the rest were skipped",
                            crate::read::MAX_PARAGRAPHS
                        ),
                    );
                    return out;
                }
                self.paragraphs_read += 1;
                let p = self.para(from, cp, c);
                out.push(p);
                from = cp + 1;
            }
            cp += 1;
        }
        if from < end {
            // A story's last paragraph without a mark.
            let p = self.para(from, end, 0);
            out.push(p);
        }
        out
    }

    fn width_at(&self, cp: u32) -> u32 {
        self.text
            .piece_index(cp)
            .and_then(|i| self.text.pieces.get(i))
            .map_or(1, |p| p.width())
    }

    /// The paragraph `[start, end)` with mark `mark` at `end`.
    fn para(&mut self, start: u32, end: u32, mark: u16) -> Para {
        let at = if mark == 0 {
            end.saturating_sub(1)
        } else {
            end
        };
        let run = self
            .text
            .fc_of(at)
            .and_then(|fc| self.papx.find(fc))
            .copied();
        let (istd, mut grpprl) = match run {
            Some(r) => (r.istd, r.grpprl(self.word).to_vec()),
            None => (0, Vec::new()),
        };
        // sprmPHugePapx: the properties are in the Data stream.
        if let Some(huge) = Sprms::new(&grpprl).find(|s| s.op == P_HUGE_PAPX) {
            let fc = huge.u32() as usize;
            let cb = crate::binary::u16_at(self.data, fc).map(usize::from);
            match cb.and_then(|cb| self.data.get(fc + 2..fc + 2 + cb)) {
                Some(g) => grpprl = g.to_vec(),
                None => self.warn_once(
                    "bad_huge_papx",
                    "paragraph properties stored in the Data stream lie outside it".into(),
                ),
            }
        }
        // Fast-saved formatting of the piece holding the mark.
        if let Some(p) = self
            .text
            .piece_index(at)
            .and_then(|i| self.text.pieces.get(i))
        {
            let extra = self.text.piece_grpprl(p);
            if !extra.is_empty() {
                grpprl.extend_from_slice(extra);
            }
        }
        let mut pap = self.facts(istd).pap.clone();
        pap.istd = istd;
        let mut sprms = Sprms::new(&grpprl);
        for s in sprms.by_ref() {
            pap.apply(&s, true);
        }
        if sprms.truncated() {
            self.warn_once(
                "sprm_past_end",
                "a paragraph's properties run past their end; the rest were dropped".into(),
            );
        }
        let depth = pap.depth();
        if pap.itap.is_some_and(|d| d > MAX_TABLE_DEPTH as i32) {
            self.warn_once(
                "table_nesting_too_deep",
                format!(
                    "tables nested deeper than {MAX_TABLE_DEPTH} levels are read as level {MAX_TABLE_DEPTH}"
                ),
            );
        }
        Para {
            start,
            end,
            mark,
            pap,
            grpprl,
            depth,
        }
    }

    /// The facts of paragraph style `istd`, computed once.
    fn facts(&mut self, istd: u16) -> std::rc::Rc<StyleFacts> {
        if let Some(f) = self.style_facts.get(&istd) {
            return std::rc::Rc::clone(f);
        }
        let chain = self.styles.chain(istd);
        let mut f = StyleFacts::default();
        let mut outline: Option<u8> = None;
        for s in &chain {
            for sp in Sprms::new(&s.papx) {
                if sp.op == P_OUT_LVL {
                    outline = Some(sp.u8());
                }
                f.pap.apply(&sp, false);
            }
            let mut chp = Chp::default();
            for sp in Sprms::new(&s.chpx) {
                chp.apply(&sp);
            }
            f.bold = toggle(f.bold, chp.bold);
            f.vanish = toggle(f.vanish, chp.vanish);
        }
        // A style's table properties are not the paragraph's own.
        f.pap.ttp = false;
        f.pap.inner_ttp = false;
        f.pap.inner_cell = false;
        if let Some(own) = self.styles.get(istd) {
            f.name = Some(own.name.clone()).filter(|n| !n.is_empty());
            let is_title = own.sti == 62
                || own.name.trim().eq_ignore_ascii_case("title")
                || matches!(own.name.trim(), "标题" | "標題");
            if !is_title {
                f.heading = match outline {
                    Some(l) => crate::read::headings::outline_to_level(u32::from(l)),
                    None => chain.iter().rev().find_map(|s| {
                        (1..=9)
                            .contains(&s.sti)
                            .then_some(s.sti as u8)
                            .or_else(|| crate::read::headings::heading_name_level(&s.name))
                    }),
                };
            }
        }
        let f = std::rc::Rc::new(f);
        self.style_facts.insert(istd, std::rc::Rc::clone(&f));
        f
    }

    /// Bold and vanish toggles of character style `istd` (its chain applied).
    fn char_style(&mut self, istd: u16) -> (Option<u8>, Option<u8>) {
        if let Some(v) = self.char_style_bold.get(&istd) {
            return *v;
        }
        let mut bold = None;
        let mut vanish = None;
        for s in self.styles.chain(istd) {
            if s.stk != 2 {
                continue;
            }
            let mut chp = Chp::default();
            for sp in Sprms::new(&s.chpx) {
                chp.apply(&sp);
            }
            bold = chp.bold.or(bold);
            vanish = chp.vanish.or(vanish);
        }
        self.char_style_bold.insert(istd, (bold, vanish));
        (bold, vanish)
    }

    /// Blocks at table depth `depth` from `paras[*i]` on, until a paragraph of
    /// lower depth or a cell end at this depth.
    fn blocks(&mut self, paras: &[Para], i: &mut usize, depth: u32, out: &mut Vec<Block>) {
        while let Some(p) = paras.get(*i) {
            if p.depth > depth {
                let t = self.table(paras, i, depth + 1);
                out.push(Block::Table(t));
            } else if p.depth < depth || self.ends_cell(p, depth) || self.ends_row(p, depth) {
                return;
            } else {
                *i += 1;
                self.push_paragraph(p, out);
            }
        }
    }

    fn ends_cell(&self, p: &Para, depth: u32) -> bool {
        p.depth == depth
            && depth > 0
            && if depth == 1 {
                p.mark == 0x07 && !p.pap.ttp
            } else {
                p.pap.inner_cell && !p.pap.inner_ttp
            }
    }

    fn ends_row(&self, p: &Para, depth: u32) -> bool {
        p.depth == depth
            && depth > 0
            && if depth == 1 {
                p.pap.ttp
            } else {
                p.pap.inner_ttp
            }
    }

    /// A table at `depth` starting at `paras[*i]`.
    fn table(&mut self, paras: &[Para], i: &mut usize, depth: u32) -> Table {
        self.tables += 1;
        let location = format!("WordDocument {} story table {}", self.story, self.tables);
        let mut rows: Vec<DocRow> = Vec::new();
        let mut cells = Vec::new();
        let mut blocks = Vec::new();
        let mut unterminated = false;
        while let Some(p) = paras.get(*i) {
            if p.depth < depth {
                break;
            }
            if p.depth > depth {
                let t = self.table(paras, i, depth + 1);
                blocks.push(Block::Table(t));
                continue;
            }
            if self.ends_row(p, depth) {
                *i += 1;
                if !blocks.is_empty() {
                    // Content after the last cell mark: keep it as a cell.
                    cells.push(crate::read::cell_from_blocks(std::mem::take(&mut blocks)));
                }
                let tap = Tap::from_grpprl(&p.grpprl);
                rows.push(DocRow {
                    cells: std::mem::take(&mut cells),
                    tap,
                });
                continue;
            }
            let before = *i;
            self.blocks(paras, i, depth, &mut blocks);
            if let Some(p) = paras.get(*i) {
                if self.ends_cell(p, depth) {
                    *i += 1;
                    self.push_paragraph(p, &mut blocks);
                    cells.push(crate::read::cell_from_blocks(std::mem::take(&mut blocks)));
                    continue;
                }
            }
            if *i == before {
                // Nothing consumed (cannot happen); never loop.
                *i += 1;
            }
        }
        if !cells.is_empty() || !blocks.is_empty() {
            unterminated = true;
            if !blocks.is_empty() {
                cells.push(crate::read::cell_from_blocks(blocks));
            }
            rows.push(DocRow {
                cells,
                tap: Tap::default(),
            });
        }
        if unterminated {
            self.warn_once(
                "unterminated_table_row",
                "a table row has no row-end mark; its cells were kept".into(),
            );
        }
        let raw = raw_table(rows, &mut self.warnings, &location);
        Table::from_raw(raw, &location, &mut self.warnings)
    }

    /// Read paragraph `p` and push it (then any text boxes anchored in it).
    fn push_paragraph(&mut self, p: &Para, out: &mut Vec<Block>) {
        let mut anchors = Vec::new();
        if let Some(para) = self.paragraph(p, &mut anchors) {
            out.push(Block::Paragraph(para));
        }
        for cp in anchors {
            if let Some(blocks) = self.anchored.remove(&cp) {
                out.extend(blocks);
            }
        }
    }

    fn field_visible(&self) -> bool {
        self.field_overflow == 0 && self.fields.iter().all(|f| f.in_result)
    }

    /// The model paragraph of `p`; `None` for a hidden empty paragraph.
    fn paragraph(&mut self, p: &Para, anchors: &mut Vec<u32>) -> Option<Paragraph> {
        let facts = self.facts(p.pap.istd);
        let mut units: Vec<u16> = Vec::with_capacity((p.end - p.start) as usize);
        let mut note_refs = Vec::new();
        let mut all_bold = true;
        let mut any_text = false;
        let mut cp = p.start;
        while cp < p.end {
            let Some(pi) = self.text.piece_index(cp) else {
                break;
            };
            let piece = self.text.pieces[pi];
            let seg_end = piece.cp_end.min(p.end);
            let w = piece.width();
            let fc = piece.fc_of(cp);
            // The CHPX run at fc, or the gap up to the next run.
            let (grpprl, run_end) = match self.chpx.find(fc) {
                Some(r) => {
                    let n = (r.fc_end - fc).div_ceil(w);
                    (r.grpprl(self.word), cp.saturating_add(n))
                }
                None => {
                    let next = self
                        .chpx
                        .get(self.chpx.first_after(fc))
                        .map_or(u32::MAX, |r| r.fc_start);
                    let n = next.saturating_sub(fc).div_ceil(w).max(1);
                    (&[][..], cp.saturating_add(n))
                }
            };
            let run_end = run_end.min(seg_end).max(cp + 1);
            let mut chp = Chp::default();
            for s in Sprms::new(grpprl).chain(Sprms::new(self.text.piece_grpprl(&piece))) {
                chp.apply(&s);
            }
            let (cs_bold, cs_vanish) = match chp.char_style {
                Some(cs) if cs != 10 => self.char_style(cs),
                _ => (None, None),
            };
            let bold = toggle(toggle(facts.bold, cs_bold), chp.bold);
            let hidden = toggle(toggle(facts.vanish, cs_vanish), chp.vanish) || chp.deleted;
            for c in cp..run_end {
                let u = self.text.chars.get(c as usize).copied().unwrap_or(0);
                match u {
                    0x13 => {
                        if self.fields.len() < MAX_FIELD_DEPTH {
                            self.fields.push(Field { in_result: false });
                        } else {
                            self.field_overflow += 1;
                        }
                        continue;
                    }
                    0x14 => {
                        if self.field_overflow == 0 {
                            if let Some(f) = self.fields.last_mut() {
                                f.in_result = true;
                            }
                        }
                        continue;
                    }
                    0x15 => {
                        if self.field_overflow > 0 {
                            self.field_overflow -= 1;
                        } else {
                            self.fields.pop();
                        }
                        continue;
                    }
                    _ => {}
                }
                if hidden || !self.field_visible() {
                    continue;
                }
                if u == 0x28 && chp.symbol.is_some() {
                    // A symbol (sprmCSymbol): the character is in the sprm.
                    if let Some(s) = chp
                        .symbol
                        .and_then(|s| crate::read::symbol_char(u32::from(s)))
                    {
                        let mut b = [0u16; 2];
                        units.extend_from_slice(s.encode_utf16(&mut b));
                        any_text = true;
                        all_bold &= bold;
                    }
                    continue;
                }
                if chp.special || chp.object {
                    match u {
                        0x02 => {
                            if let Some(id) = self.note_refs.get(&c) {
                                note_refs.push(id.clone());
                            }
                        }
                        0x08 | 0x01 => anchors.push(c),
                        _ => {}
                    }
                    continue;
                }
                let out = match u {
                    0x09 => Some(u16::from(b'\t')),
                    0x0B => Some(u16::from(b'\n')),
                    0x1E => Some(u16::from(b'-')),
                    0x00..=0x1F => None,
                    _ => Some(u),
                };
                if let Some(o) = out {
                    units.push(o);
                    if !char::from_u32(u32::from(o)).is_some_and(char::is_whitespace) {
                        any_text = true;
                        all_bold &= bold;
                    }
                }
            }
            cp = run_end;
        }
        let mark_hidden = facts.vanish;
        let text = String::from_utf16_lossy(&units);
        if mark_hidden && text.is_empty() && note_refs.is_empty() {
            return None;
        }
        let heading = match p.pap.own_outline {
            Some(l) => crate::read::headings::outline_to_level(u32::from(l)).map(|level| Heading {
                level,
                source: HeadingSource::OutlineLevel,
            }),
            None => facts.heading.map(|level| Heading {
                level,
                source: HeadingSource::Style,
            }),
        };
        let mut text = text;
        let mut number_label = None;
        if p.pap.ilfo != 0 {
            if let Some(label) = self
                .lists
                .next_label(p.pap.ilfo, p.pap.ilvl, &mut self.warnings)
            {
                if !label.text.is_empty() {
                    number_label = Some(label.text.clone());
                    text = label.prefix_to(text);
                }
            }
        }
        Some(Paragraph {
            text,
            number_label,
            style: facts.name.clone(),
            heading,
            bold: any_text && all_bold,
            centered: p.pap.jc == Some(1),
            note_refs,
        })
    }
}
