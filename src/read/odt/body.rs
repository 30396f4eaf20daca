//! ODT text body (ODF 1.2 §5 paragraph content, §6 text fields and marks, §5.3
//! lists, §9 tables): `office:text` (and header/footer regions) into model blocks.
//!
//! * Paragraphs (`text:p`, `text:h`) with ODF white-space collapsing (§6.1.2),
//!   `text:s`/`text:tab`/`text:line-break`, spans, links, fields (their displayed
//!   content), ruby base text, notes (moved to [`Note`]s), and drawing text boxes
//!   (their paragraphs follow the anchoring paragraph).
//! * Lists with LibreOffice numbering ([`super::lists`]) and outline numbering of
//!   headings.
//! * Tables with spans, covered cells, repeated columns/rows (capped) and nested
//!   tables, resolved by [`Table::from_raw`].
//! * Skipped: tracked-change regions (deleted text), annotations, index
//!   templates/sources, hidden sections.

use super::lists::{Counters, Label, MAX_LEVELS};
use super::styles::{Bold, Styles};
use crate::error::ReadError;
use crate::model::{
    Block, Heading, HeadingSource, Note, NoteKind, Paragraph, RawCell, RawRow, RawTable, Table,
    Warning,
};
use crate::read::{blocks_text, cell_from_blocks, MAX_PARAGRAPHS};
use crate::xml::{Elem, Ev, Ns, XmlReader};
use std::collections::{HashMap, HashSet};

/// Most spaces one `text:s` produces.
const MAX_SPACES: usize = 1000;
/// Most grid positions in one table row after column repeats.
const MAX_COLS: u64 = 1024;
/// Most rows in one table after row repeats.
const MAX_ROWS: u64 = 10_000;
/// Bytes (estimated) that repeated table cells and rows may add to a part: copies
/// of repeated content are charged against it, so a small hostile file cannot
/// expand into gigabytes.
const MAX_REPEAT_BYTES: u64 = 64 * 1024 * 1024;
/// Estimated fixed cost of one cell, in bytes.
const CELL_COST: u64 = 64;
/// Most spaces all `text:s` of a part produce together (beyond it, one each).
const MAX_PART_SPACES: u64 = 1_000_000;

/// The list a paragraph sits in.
#[derive(Debug, Clone)]
struct ListFrame {
    /// Index of the list's counters in [`Ctx::lists`].
    state: usize,
    /// List style name (own or inherited from the enclosing list).
    style: Option<String>,
    /// 0-based nesting level.
    level: usize,
}

/// The list item being read.
#[derive(Debug)]
struct ItemCtx {
    frame: ListFrame,
    /// `text:list-header`: paragraphs are not numbered.
    header: bool,
    /// `text:start-value` on the item.
    start_value: Option<i64>,
    /// Whether the item's first paragraph was seen (only it gets the label).
    numbered: bool,
}

/// A paragraph being assembled.
#[derive(Debug, Default)]
struct Para {
    text: String,
    /// Collapsed white space waiting for the next visible content.
    pending_space: bool,
    /// Anything emitted yet (leading white space is dropped until then).
    started: bool,
    /// Non-whitespace characters seen / all of them bold.
    visible: usize,
    bold_visible: usize,
    note_refs: Vec<String>,
    /// `text:number`: the number as the producer rendered it.
    number_elem: Option<String>,
    /// Blocks from text boxes anchored in this paragraph.
    extra: Vec<Block>,
}

impl Para {
    /// Character data: XML white space collapses to one space (ODF 1.2 §6.1.2).
    /// Works on runs between XML white space bytes (ASCII, so the runs are whole
    /// characters) rather than character by character.
    fn push_text(&mut self, s: &str, bold: Bold) {
        let is_xml_ws = |b: &u8| matches!(b, b' ' | b'\t' | b'\n' | b'\r');
        // Carriage returns are rare (parsers normalize them away): without one,
        // the next white space byte is found with a vectorized search.
        let has_cr = memchr::memchr(b'\r', s.as_bytes()).is_some();
        let mut rest = s;
        while !rest.is_empty() {
            let ws = rest.bytes().take_while(is_xml_ws).count();
            if ws > 0 {
                if self.started {
                    self.pending_space = true;
                }
                rest = &rest[ws..];
            }
            let run_len = if has_cr {
                rest.bytes().position(|b| is_xml_ws(&b))
            } else {
                memchr::memchr3(b' ', b'\t', b'\n', rest.as_bytes())
            }
            .unwrap_or(rest.len());
            if run_len == 0 {
                continue;
            }
            let (run, tail) = rest.split_at(run_len);
            rest = tail;
            if self.pending_space {
                self.text.push(' ');
                self.pending_space = false;
            }
            self.started = true;
            self.text.push_str(run);
            let visible = visible_chars(run);
            self.visible += visible;
            self.bold_visible += if bold.western == bold.asian {
                if bold.western {
                    visible
                } else {
                    0
                }
            } else {
                run.chars()
                    .filter(|&c| !c.is_whitespace() && bold.for_char(c))
                    .count()
            };
        }
    }

    /// Literal white space from `text:s`, `text:tab`, `text:line-break`.
    fn push_literal(&mut self, s: &str) {
        if self.pending_space {
            self.text.push(' ');
            self.pending_space = false;
        }
        self.started = true;
        self.text.push_str(s);
    }
}

/// Number of characters of `s` that are not white space (`!char::is_whitespace`),
/// counted on bytes: characters are the non-continuation bytes, minus the
/// encodings of the Unicode `White_Space` characters.
fn visible_chars(s: &str) -> usize {
    let b = s.as_bytes();
    // Continuation bytes are 0b10xxxxxx: counted eight at a time.
    let mut continuation = 0usize;
    let mut words = b.chunks_exact(8);
    for w in &mut words {
        let mut word = [0u8; 8];
        word.copy_from_slice(w);
        let x = u64::from_le_bytes(word);
        continuation += (x & !(x << 1) & 0x8080_8080_8080_8080).count_ones() as usize;
    }
    continuation += words
        .remainder()
        .iter()
        .filter(|&&x| x & 0xC0 == 0x80)
        .count();
    let chars = b.len() - continuation;
    // U+0009..U+000D and U+0020.
    let mut ws = memchr::memchr3_iter(0x09, 0x0A, 0x0B, b).count()
        + memchr::memchr3_iter(0x0C, 0x0D, 0x20, b).count();
    // U+0085, U+00A0, U+1680, U+2000..U+200A, U+2028, U+2029, U+202F, U+205F.
    for i in memchr::memchr3_iter(0xC2, 0xE1, 0xE2, b) {
        ws += match (b[i], b.get(i + 1), b.get(i + 2)) {
            (0xC2, Some(0x85 | 0xA0), _) => 1,
            // U+1680.
            (0xE1, Some(0x9A), Some(0x80)) => 1,
            // U+2000..U+200A, U+2028, U+2029, U+202F.
            (0xE2, Some(0x80), Some(0x80..=0x8A | 0xA8 | 0xA9 | 0xAF)) => 1,
            // U+205F.
            (0xE2, Some(0x81), Some(0x9F)) => 1,
            _ => 0,
        };
    }
    // U+3000.
    ws += memchr::memchr_iter(0xE3, b)
        .filter(|&i| b.get(i + 1) == Some(&0x80) && b.get(i + 2) == Some(&0x80))
        .count();
    chars - ws
}

/// Reading state of one part.
pub(crate) struct Ctx<'s> {
    styles: &'s Styles,
    part: String,
    /// Notes found so far.
    pub notes: Vec<Note>,
    /// Warnings found so far.
    pub warnings: Vec<Warning>,
    /// Paragraph style references that no style defines.
    pub unresolved_styles: usize,
    lists: Vec<Counters>,
    list_ids: HashMap<String, usize>,
    last_list_by_style: HashMap<String, usize>,
    last_list: Option<usize>,
    outline: Counters,
    footnotes: usize,
    endnotes: usize,
    tables: usize,
    repeat_bytes_left: u64,
    spaces_left: u64,
    /// Paragraphs read so far (at most [`MAX_PARAGRAPHS`]).
    paragraphs: usize,
    /// (what, where) of the caps already reported by [`Ctx::warn_cap`].
    caps_warned: HashSet<(&'static str, String)>,
    /// What paragraph styles give (memo by style name).
    para_memo: Vec<(Option<String>, ParaFacts)>,
}

/// Most paragraph styles memoized per part (more are resolved each time).
const MAX_PARA_MEMO: usize = 256;

/// What a paragraph style gives through its parents.
#[derive(Debug, Clone)]
struct ParaFacts {
    defined: bool,
    bold: Bold,
    outline_level: Option<u8>,
    display_name: Option<String>,
    centered: bool,
}

impl<'s> Ctx<'s> {
    /// A fresh context for reading `part` with `styles`.
    pub fn new(styles: &'s Styles, part: &str) -> Self {
        Ctx {
            styles,
            part: part.to_string(),
            notes: Vec::new(),
            warnings: Vec::new(),
            unresolved_styles: 0,
            lists: Vec::new(),
            list_ids: HashMap::new(),
            last_list_by_style: HashMap::new(),
            last_list: None,
            outline: Counters::default(),
            footnotes: 0,
            endnotes: 0,
            tables: 0,
            repeat_bytes_left: MAX_REPEAT_BYTES,
            spaces_left: MAX_PART_SPACES,
            paragraphs: 0,
            caps_warned: HashSet::new(),
            para_memo: Vec::new(),
        }
    }

    fn warn(&mut self, code: &str, message: String, location: String) {
        self.warnings
            .push(Warning::new(code, message, Some(location)));
    }

    /// A `repeat_capped` warning, once per kind of cap (`what`) and table (or
    /// part): a sheet-like table capped at every row would otherwise report each.
    fn warn_cap(&mut self, what: &'static str, message: String, location: &str) {
        if self.caps_warned.insert((what, location.to_string())) {
            self.warn("repeat_capped", message, location.to_string());
        }
    }

    /// Read block content until the end of the element whose start was just read.
    pub fn blocks(&mut self, r: &mut XmlReader<'_>, out: &mut Vec<Block>) -> Result<(), ReadError> {
        self.blocks_in(r, out, None)
    }

    fn blocks_in(
        &mut self,
        r: &mut XmlReader<'_>,
        out: &mut Vec<Block>,
        mut item: Option<&mut ItemCtx>,
    ) -> Result<(), ReadError> {
        let depth = r.depth();
        loop {
            match r.next()? {
                Ev::Start(e) => match e.ns {
                    Ns::Text => match e.local {
                        b"p" | b"h" => self.paragraph(r, &e, out, item.as_deref_mut())?,
                        b"list" => {
                            let parent = item.as_deref().map(|i| i.frame.clone());
                            self.list(r, &e, out, parent)?;
                        }
                        b"section" if e.attr(Ns::Text, "display") == Some("none") => {
                            r.skip_element()?
                        }
                        b"tracked-changes"
                        | b"index-title-template"
                        | b"sequence-decls"
                        | b"variable-decls"
                        | b"user-field-decls"
                        | b"dde-connection-decls"
                        | b"soft-page-break" => r.skip_element()?,
                        l if l.ends_with(b"-source") => r.skip_element()?,
                        // Sections, index bodies and titles, unknown containers: descend.
                        _ => self.blocks_in(r, out, item.as_deref_mut())?,
                    },
                    Ns::Table if e.local == b"table" => {
                        let t = self.table(r)?;
                        out.push(Block::Table(t));
                    }
                    Ns::Table => r.skip_element()?,
                    Ns::Draw => self.drawing(r, out)?,
                    Ns::Office => match e.local {
                        b"annotation" | b"annotation-end" | b"forms" | b"scripts" => {
                            r.skip_element()?
                        }
                        _ => self.blocks_in(r, out, item.as_deref_mut())?,
                    },
                    _ => self.blocks_in(r, out, item.as_deref_mut())?,
                },
                Ev::End(..) if r.depth() < depth => return Ok(()),
                Ev::Eof => return Ok(()),
                _ => {}
            }
        }
    }

    /// A `text:list` whose start was just read. `parent` is the enclosing list
    /// item's frame for nested lists.
    fn list(
        &mut self,
        r: &mut XmlReader<'_>,
        e: &Elem,
        out: &mut Vec<Block>,
        parent: Option<ListFrame>,
    ) -> Result<(), ReadError> {
        let own_style = e
            .attr(Ns::Text, "style-name")
            .filter(|s| !s.is_empty())
            .map(str::to_string);
        let frame = match parent {
            Some(pf) => ListFrame {
                state: pf.state,
                style: own_style.or(pf.style),
                level: (pf.level + 1).min(MAX_LEVELS - 1),
            },
            None => {
                let key = own_style.clone().unwrap_or_default();
                let continued = e
                    .attr(Ns::Text, "continue-list")
                    .and_then(|id| self.list_ids.get(id).copied())
                    .or_else(|| {
                        if e.attr(Ns::Text, "continue-numbering") == Some("true") {
                            self.last_list_by_style
                                .get(&key)
                                .copied()
                                .or(self.last_list)
                        } else {
                            None
                        }
                    });
                let state = match continued {
                    Some(s) => s,
                    None => {
                        self.lists.push(Counters::default());
                        self.lists.len() - 1
                    }
                };
                self.last_list_by_style.insert(key, state);
                self.last_list = Some(state);
                ListFrame {
                    state,
                    style: own_style,
                    level: 0,
                }
            }
        };
        if let Some(id) = e.attr(Ns::Xml, "id") {
            self.list_ids.insert(id.to_string(), frame.state);
        }
        let depth = r.depth();
        loop {
            match r.next()? {
                Ev::Start(c) => {
                    if c.is(Ns::Text, "list-item") || c.is(Ns::Text, "list-header") {
                        let mut item = ItemCtx {
                            frame: frame.clone(),
                            header: c.local == b"list-header",
                            start_value: c
                                .attr(Ns::Text, "start-value")
                                .and_then(|v| v.trim().parse::<i64>().ok()),
                            numbered: false,
                        };
                        self.blocks_in(r, out, Some(&mut item))?;
                    } else {
                        r.skip_element()?;
                    }
                }
                Ev::End(..) if r.depth() < depth => return Ok(()),
                Ev::Eof => return Ok(()),
                _ => {}
            }
        }
    }

    /// Label of the first paragraph of a list item (advancing the list's counters).
    fn list_label(&mut self, item: &ItemCtx, para_style: Option<&str>) -> Option<Label> {
        let style_name = item
            .frame
            .style
            .clone()
            .or_else(|| self.styles.para_list_style(para_style));
        let ls = style_name.and_then(|n| self.styles.list_style(&n));
        let level = item.frame.level;
        let counters = self.lists.get_mut(item.frame.state)?;
        counters.advance(ls, level, item.start_value);
        counters.label(ls?, level)
    }

    /// What paragraph style `style` gives (memoized: styles do not change while a
    /// part is read).
    fn para_facts(&mut self, style: Option<&str>) -> ParaFacts {
        if let Some((_, f)) = self.para_memo.iter().find(|(k, _)| k.as_deref() == style) {
            return f.clone();
        }
        let facts = ParaFacts {
            defined: style.is_some_and(|s| self.styles.has_para(s)),
            bold: self.styles.para_bold(style),
            outline_level: self.styles.para_outline_level(style),
            display_name: style.and_then(|s| self.styles.para_display_name(s)),
            centered: self.styles.para_centered(style),
        };
        if self.para_memo.len() < MAX_PARA_MEMO {
            self.para_memo
                .push((style.map(str::to_string), facts.clone()));
        }
        facts
    }

    /// A `text:p` / `text:h` whose start was just read.
    fn paragraph(
        &mut self,
        r: &mut XmlReader<'_>,
        e: &Elem,
        out: &mut Vec<Block>,
        item: Option<&mut ItemCtx>,
    ) -> Result<(), ReadError> {
        if self.paragraphs >= MAX_PARAGRAPHS {
            if self.paragraphs == MAX_PARAGRAPHS {
                self.paragraphs += 1;
                let loc = self.part.clone();
                self.warn(
                    "too_many_paragraphs",
                    format!("more than {MAX_PARAGRAPHS} paragraphs; the rest were skipped"),
                    loc,
                );
            }
            return r.skip_element();
        }
        self.paragraphs += 1;
        let is_h = e.local == b"h";
        let style = e.attr(Ns::Text, "style-name").filter(|s| !s.is_empty());
        let facts = self.para_facts(style);
        if style.is_some() && !facts.defined {
            self.unresolved_styles += 1;
        }
        let mut p = Para::default();
        self.inline(r, &mut p, facts.bold)?;

        let heading = if is_h {
            let level = e
                .attr(Ns::Text, "outline-level")
                .and_then(|v| v.trim().parse::<u8>().ok())
                .filter(|&l| l > 0)
                .or(facts.outline_level)
                .unwrap_or(1)
                .min(MAX_LEVELS as u8);
            Some(Heading {
                level,
                source: HeadingSource::OutlineLevel,
            })
        } else {
            facts.outline_level.map(|level| Heading {
                level: level.min(MAX_LEVELS as u8),
                source: HeadingSource::Style,
            })
        };

        // A heading is numbered by the outline style, also inside a list item whose
        // list style is the outline style (or no list style at all).
        let outline_heading = is_h
            && match item.as_deref() {
                None => true,
                Some(it) => it
                    .frame
                    .style
                    .clone()
                    .or_else(|| self.styles.para_list_style(style))
                    .is_none_or(|n| self.styles.is_outline_list(&n)),
            };
        let label = match item {
            Some(item) if item.header || item.numbered => None,
            Some(item) if !outline_heading => {
                item.numbered = true;
                self.list_label(item, style)
            }
            _ if outline_heading && e.attr(Ns::Text, "is-list-header") != Some("true") => {
                if let Some(item) = item {
                    item.numbered = true;
                }
                let level = heading.map_or(0, |h| h.level as usize - 1);
                let start = self.styles.outline.level(level).map_or(1, |l| l.start);
                let start_value = e
                    .attr(Ns::Text, "start-value")
                    .and_then(|v| v.trim().parse::<i64>().ok());
                let set_to = if e.attr(Ns::Text, "restart-numbering") == Some("true") {
                    Some(start_value.unwrap_or(start))
                } else {
                    start_value
                };
                self.outline
                    .advance(Some(&self.styles.outline), level, set_to);
                self.outline.label(&self.styles.outline, level)
            }
            _ => None,
        };
        let label = label.or_else(|| {
            p.number_elem
                .take()
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .map(Label::from_text)
        });

        let text = match &label {
            Some(l) => l.apply(&p.text),
            None => std::mem::take(&mut p.text),
        };
        // Empty paragraphs are kept, as the DOCX reader keeps them; later stages
        // skip them.
        {
            out.push(Block::Paragraph(Paragraph {
                text,
                number_label: label.map(|l| l.text),
                style: facts.display_name,
                heading,
                bold: p.visible > 0 && p.bold_visible == p.visible,
                centered: facts.centered,
                note_refs: std::mem::take(&mut p.note_refs),
            }));
        }
        out.append(&mut p.extra);
        Ok(())
    }

    /// Inline content until the end of the element whose start was just read.
    fn inline(&mut self, r: &mut XmlReader<'_>, p: &mut Para, bold: Bold) -> Result<(), ReadError> {
        let depth = r.depth();
        loop {
            match r.next()? {
                Ev::Text(t) => p.push_text(&t, bold),
                Ev::Start(e) => self.inline_elem(r, &e, p, bold)?,
                Ev::End(..) if r.depth() < depth => return Ok(()),
                Ev::Eof => return Ok(()),
                _ => {}
            }
        }
    }

    fn inline_elem(
        &mut self,
        r: &mut XmlReader<'_>,
        e: &Elem,
        p: &mut Para,
        bold: Bold,
    ) -> Result<(), ReadError> {
        match e.ns {
            Ns::Text => match e.local {
                b"span" => {
                    let b = match e.attr(Ns::Text, "style-name") {
                        Some(n) => self.styles.text_bold(n, bold),
                        None => bold,
                    };
                    self.inline(r, p, b)
                }
                b"s" => {
                    let asked = e
                        .attr(Ns::Text, "c")
                        .and_then(|v| v.trim().parse::<u64>().ok())
                        .unwrap_or(1);
                    let n = asked.min(MAX_SPACES as u64).min(self.spaces_left).max(1);
                    if n < asked {
                        let part = self.part.clone();
                        let at = r.offset();
                        self.warn_cap(
                            "spaces",
                            format!("text:s at byte {at} asks for {asked} spaces; {n} kept (at most {MAX_SPACES} each, {MAX_PART_SPACES} per part; later caps in this part not reported)"),
                            &part,
                        );
                    }
                    self.spaces_left = self.spaces_left.saturating_sub(n);
                    let n = n as usize;
                    p.push_literal(&" ".repeat(n));
                    r.skip_element()
                }
                b"tab" => {
                    p.push_literal("\t");
                    r.skip_element()
                }
                b"line-break" => {
                    p.push_literal("\n");
                    r.skip_element()
                }
                b"note" => self.note(r, e, p),
                b"number" => {
                    p.number_elem = Some(r.element_text()?);
                    Ok(())
                }
                b"ruby-text" | b"tracked-changes" | b"note-citation" | b"note-body" | b"script"
                | b"soft-page-break" => r.skip_element(),
                // Spans of fields, links, ruby base, meta, bookmarks...: keep the text.
                _ => self.inline(r, p, bold),
            },
            Ns::Office => r.skip_element(),
            Ns::Draw => self.drawing(r, &mut p.extra),
            _ => self.inline(r, p, bold),
        }
    }

    /// A `text:note` whose start was just read: its body becomes a [`Note`], the
    /// paragraph keeps a reference.
    fn note(&mut self, r: &mut XmlReader<'_>, e: &Elem, p: &mut Para) -> Result<(), ReadError> {
        let kind = if e.attr(Ns::Text, "note-class") == Some("endnote") {
            NoteKind::Endnote
        } else {
            NoteKind::Footnote
        };
        let mut label = None;
        let mut body = Vec::new();
        let depth = r.depth();
        loop {
            match r.next()? {
                Ev::Start(c) => {
                    if c.is(Ns::Text, "note-citation") {
                        label =
                            Some(r.element_text()?.trim().to_string()).filter(|s| !s.is_empty());
                    } else if c.is(Ns::Text, "note-body") {
                        self.blocks(r, &mut body)?;
                    } else {
                        r.skip_element()?;
                    }
                }
                Ev::End(..) if r.depth() < depth => break,
                Ev::Eof => break,
                _ => {}
            }
        }
        let id = match kind {
            NoteKind::Footnote => {
                self.footnotes += 1;
                format!("footnote-{}", self.footnotes)
            }
            NoteKind::Endnote => {
                self.endnotes += 1;
                format!("endnote-{}", self.endnotes)
            }
        };
        self.notes.push(Note {
            id: id.clone(),
            kind,
            label,
            text: blocks_text(&body),
        });
        p.note_refs.push(id);
        Ok(())
    }

    /// A drawing element (`draw:frame`, shapes, `draw:a`, ...) whose start was just
    /// read: paragraphs and tables of its text boxes go to `out`; images, objects
    /// and their titles/descriptions are skipped.
    fn drawing(&mut self, r: &mut XmlReader<'_>, out: &mut Vec<Block>) -> Result<(), ReadError> {
        let depth = r.depth();
        loop {
            match r.next()? {
                Ev::Start(e) => {
                    if e.is(Ns::Text, "p") || e.is(Ns::Text, "h") {
                        self.paragraph(r, &e, out, None)?;
                    } else if e.is(Ns::Text, "list") {
                        self.list(r, &e, out, None)?;
                    } else if e.is(Ns::Table, "table") {
                        let t = self.table(r)?;
                        out.push(Block::Table(t));
                    } else if e.is(Ns::Draw, "image")
                        || e.is(Ns::Draw, "object")
                        || e.is(Ns::Draw, "object-ole")
                        || e.ns == Ns::Office
                        || (e.ns == Ns::Other && (e.local == b"title" || e.local == b"desc"))
                    {
                        r.skip_element()?;
                    }
                    // Anything else (text boxes, groups, sections): descend.
                }
                Ev::End(..) if r.depth() < depth => return Ok(()),
                Ev::Eof => return Ok(()),
                _ => {}
            }
        }
    }

    /// A `table:table` whose start was just read.
    fn table(&mut self, r: &mut XmlReader<'_>) -> Result<Table, ReadError> {
        self.tables += 1;
        let location = format!("{} table {}", self.part, self.tables);
        let mut acc = TableAcc {
            raw: RawTable::default(),
            cols: 0,
            capped: false,
            location: location.clone(),
        };
        self.table_children(r, &mut acc, false)?;
        let mut raw = acc.raw;
        if acc.cols > 0 {
            raw.grid_cols = Some(acc.cols as u32);
        }
        if acc.capped {
            while raw.rows.last().is_some_and(row_is_empty) {
                raw.rows.pop();
            }
        }
        Ok(Table::from_raw(raw, &location, &mut self.warnings))
    }

    fn table_children(
        &mut self,
        r: &mut XmlReader<'_>,
        acc: &mut TableAcc,
        header: bool,
    ) -> Result<(), ReadError> {
        let depth = r.depth();
        loop {
            match r.next()? {
                Ev::Start(e) if e.ns == Ns::Table => match e.local {
                    b"table-column" => {
                        let n = repeat_attr(&e, "number-columns-repeated");
                        let left = MAX_COLS - acc.cols;
                        if n > left {
                            self.warn_cap(
                                "columns",
                                format!("table:table-column repeated {n} times; grid capped at {MAX_COLS} columns"),
                                &acc.location,
                            );
                        }
                        acc.cols += n.min(left);
                        r.skip_element()?;
                    }
                    b"table-header-rows" => self.table_children(r, acc, true)?,
                    b"table-row" => self.row(r, &e, acc, header)?,
                    // Column and row groups: descend (their children are read by this loop).
                    b"table-columns"
                    | b"table-header-columns"
                    | b"table-column-group"
                    | b"table-rows"
                    | b"table-row-group" => {}
                    _ => r.skip_element()?,
                },
                Ev::Start(_) => r.skip_element()?,
                Ev::End(..) if r.depth() < depth => return Ok(()),
                Ev::Eof => return Ok(()),
                _ => {}
            }
        }
    }

    fn row(
        &mut self,
        r: &mut XmlReader<'_>,
        e: &Elem,
        acc: &mut TableAcc,
        header: bool,
    ) -> Result<(), ReadError> {
        let repeat = repeat_attr(e, "number-rows-repeated");
        // Rows of a table mostly have as many cells as the one before.
        let mut cells: Vec<RawCell> =
            Vec::with_capacity(acc.raw.rows.last().map_or(0, |row| row.cells.len()));
        let depth = r.depth();
        loop {
            match r.next()? {
                Ev::Start(c)
                    if c.is(Ns::Table, "table-cell") || c.is(Ns::Table, "covered-table-cell") =>
                {
                    let n = repeat_attr(&c, "number-columns-repeated");
                    let cell = if c.local == b"covered-table-cell" {
                        r.skip_element()?;
                        RawCell {
                            covered: true,
                            col_span: 1,
                            row_span: 1,
                            ..RawCell::default()
                        }
                    } else {
                        let mut blocks = Vec::new();
                        self.blocks(r, &mut blocks)?;
                        let mut cell = cell_from_blocks(blocks);
                        cell.col_span = span_attr(&c, "number-columns-spanned", MAX_COLS);
                        cell.row_span = span_attr(&c, "number-rows-spanned", MAX_ROWS);
                        cell
                    };
                    let cost = cell_weight(&cell);
                    let left = MAX_COLS.saturating_sub(cells.len() as u64);
                    let allowed = n.min(left).min(1 + self.repeat_bytes_left / cost);
                    if allowed < n {
                        self.warn_cap(
                            "cells",
                            format!(
                                "table cell repeated {n} times; {allowed} kept (at most {MAX_COLS} cells a row)"
                            ),
                            &acc.location,
                        );
                    }
                    self.repeat_bytes_left = self
                        .repeat_bytes_left
                        .saturating_sub(allowed.saturating_sub(1) * cost);
                    // Clones for the repeats only: the cell itself is moved in.
                    cells.extend(std::iter::repeat_n(cell, allowed as usize));
                }
                Ev::Start(_) => r.skip_element()?,
                Ev::End(..) if r.depth() < depth => break,
                Ev::Eof => break,
                _ => {}
            }
        }
        let row = RawRow {
            cells,
            header,
            ..RawRow::default()
        };
        let weight = row
            .cells
            .iter()
            .map(cell_weight)
            .sum::<u64>()
            .max(CELL_COST);
        let rows_left = MAX_ROWS.saturating_sub(acc.raw.rows.len() as u64);
        let mut allowed = repeat
            .min(rows_left)
            .min(1 + self.repeat_bytes_left / weight);
        if allowed < repeat {
            acc.capped = true;
            let empty = row_is_empty(&row);
            self.warn_cap(
                "rows",
                format!(
                    "table row repeated {repeat} times; {} kept{}",
                    if empty { 0 } else { allowed },
                    if empty { " (empty row dropped)" } else { "" }
                ),
                &acc.location,
            );
            if empty {
                allowed = 0;
            }
        }
        self.repeat_bytes_left = self
            .repeat_bytes_left
            .saturating_sub(allowed.saturating_sub(1) * weight);
        acc.raw
            .rows
            .extend(std::iter::repeat_n(row, allowed as usize));
        Ok(())
    }
}

/// A table being read.
struct TableAcc {
    raw: RawTable,
    cols: u64,
    capped: bool,
    location: String,
}

/// Estimated memory of a cell and everything nested in it, in bytes.
fn cell_weight(cell: &RawCell) -> u64 {
    CELL_COST + cell.text.len() as u64 + cell.tables.iter().map(table_weight).sum::<u64>()
}

fn table_weight(t: &Table) -> u64 {
    let grid = u64::from(t.n_rows) * u64::from(t.n_cols) * 4;
    grid + t
        .cells
        .iter()
        .map(|c| CELL_COST + c.text.len() as u64 + c.tables.iter().map(table_weight).sum::<u64>())
        .sum::<u64>()
}

fn row_is_empty(row: &RawRow) -> bool {
    row.cells
        .iter()
        .all(|c| c.text.trim().is_empty() && c.tables.is_empty())
}

/// A `table:number-*-repeated` value (≥ 1; absent or invalid means 1).
fn repeat_attr(e: &Elem, name: &str) -> u64 {
    e.attr(Ns::Table, name)
        .and_then(|v| v.trim().parse::<u64>().ok())
        .unwrap_or(1)
        .max(1)
}

fn span_attr(e: &Elem, name: &str, max: u64) -> u32 {
    e.attr(Ns::Table, name)
        .and_then(|v| v.trim().parse::<u64>().ok())
        .unwrap_or(1)
        .clamp(1, max) as u32
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::container::Limits;

    const PLAIN: Bold = Bold {
        western: false,
        asian: false,
    };

    /// The character-by-character definition `push_text` must match.
    fn reference(p: &mut Para, s: &str, bold: Bold) {
        for c in s.chars() {
            if matches!(c, ' ' | '\t' | '\n' | '\r') {
                if p.started {
                    p.pending_space = true;
                }
                continue;
            }
            if p.pending_space {
                p.text.push(' ');
                p.pending_space = false;
            }
            p.started = true;
            p.text.push(c);
            if !c.is_whitespace() {
                p.visible += 1;
                if bold.for_char(c) {
                    p.bold_visible += 1;
                }
            }
        }
    }

    #[test]
    fn visible_chars_counts_like_is_whitespace() {
        let all: String = (0..=0x10FFFFu32)
            .filter_map(char::from_u32)
            .filter(|c| !matches!(c, ' ' | '\t' | '\n' | '\r'))
            .collect();
        let expected = all.chars().filter(|c| !c.is_whitespace()).count();
        assert_eq!(visible_chars(&all), expected);
        // Every white space character is below U+3001.
        for c in (0..=0x3100u32).filter_map(char::from_u32) {
            let s = format!("中{c}文");
            assert_eq!(
                visible_chars(&s),
                s.chars().filter(|c| !c.is_whitespace()).count(),
                "{:?}",
                c
            );
        }
    }

    #[test]
    fn push_text_matches_character_definition() {
        let pieces = [
            "",
            "  ",
            "一、总体情况",
            "  lead\tand\r\n trail  ",
            "全角\u{3000}空格\u{a0}nbsp\u{2003}em\u{b}vt",
            "\n",
            "“引号”。Latin 混合",
            "x",
        ];
        let bolds = [(false, false), (true, true), (true, false), (false, true)];
        for a in pieces {
            for b in pieces {
                for (western, asian) in bolds {
                    let bold = Bold { western, asian };
                    let (mut fast, mut slow) = (Para::default(), Para::default());
                    for s in [a, b, a] {
                        fast.push_text(s, bold);
                        reference(&mut slow, s, bold);
                    }
                    assert_eq!(fast.text, slow.text);
                    assert_eq!(
                        (fast.started, fast.pending_space),
                        (slow.started, slow.pending_space)
                    );
                    assert_eq!(
                        (fast.visible, fast.bold_visible),
                        (slow.visible, slow.bold_visible)
                    );
                }
            }
        }
    }

    #[test]
    fn white_space_collapses_across_pieces() {
        let mut p = Para::default();
        p.push_text("\n   a  \t b ", PLAIN);
        p.push_text("  c", PLAIN);
        p.push_literal("\t");
        p.push_text(" d   ", PLAIN);
        assert_eq!(p.text, "a b c\t d");
        assert!(p.pending_space);
        assert_eq!((p.visible, p.bold_visible), (4, 0));
    }

    #[test]
    fn repeat_and_span_attributes_are_bounded() {
        let xml = r#"<t:c xmlns:t="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
            t:number-columns-repeated="0" t:number-rows-repeated="x"
            t:number-columns-spanned="99999" t:number-rows-spanned="3"/>"#;
        let mut r = XmlReader::new(xml.as_bytes(), "t", Limits::default());
        let Ok(Ev::Start(e)) = r.next() else {
            panic!("no start")
        };
        assert_eq!(repeat_attr(&e, "number-columns-repeated"), 1);
        assert_eq!(repeat_attr(&e, "number-rows-repeated"), 1);
        assert_eq!(span_attr(&e, "number-columns-spanned", MAX_COLS), 1024);
        assert_eq!(span_attr(&e, "number-rows-spanned", MAX_ROWS), 3);
    }

    #[test]
    fn reads_a_body_fragment() {
        let xml = r#"<o:text xmlns:o="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
            xmlns:x="urn:oasis:names:tc:opendocument:xmlns:text:1.0">
            <x:h x:outline-level="2">Title</x:h>
            <x:p>a<x:note><x:note-citation>1</x:note-citation><x:note-body><x:p>n</x:p></x:note-body></x:note></x:p>
            <x:p>   </x:p></o:text>"#;
        let styles = Styles::default();
        let mut ctx = Ctx::new(&styles, "content.xml");
        let mut r = XmlReader::new(xml.as_bytes(), "content.xml", Limits::default());
        assert!(matches!(r.next(), Ok(Ev::Start(_))));
        let mut out = Vec::new();
        ctx.blocks(&mut r, &mut out).expect("blocks");
        let ps: Vec<_> = out
            .iter()
            .map(|b| match b {
                Block::Paragraph(p) => (
                    p.text.as_str(),
                    p.heading.map(|h| h.level),
                    p.note_refs.len(),
                ),
                Block::Table(_) => ("table", None, 0),
            })
            .collect();
        assert_eq!(ps, [("Title", Some(2), 0), ("a", None, 1), ("", None, 0)]);
        assert_eq!(ctx.notes[0].text, "n");
        assert_eq!(blocks_text(&out), "Title\na");
    }
}
