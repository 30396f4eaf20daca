//! Format readers: one per format, each producing the shared [`Document`] model.
//! This module dispatches, and holds the two block helpers both readers share
//! (a table cell's text from its blocks, the plain text of a note or header).

pub mod doc;
pub mod docx;
pub(crate) mod headings;
pub(crate) mod numbering;
mod numfmt;
pub mod odt;

use crate::container::Package;
use crate::error::ReadError;
use crate::model::{Block, Document, Format, RawCell, Table, Warning};

/// Most paragraphs a reader keeps from one document (DOCX: all stories together;
/// ODT: per part). Beyond it the rest are skipped with a `too_many_paragraphs`
/// warning, so that a small, highly compressible part cannot fill memory.
pub(crate) const MAX_PARAGRAPHS: usize = 1_000_000;

/// Read an opened package into the document model.
/// What the package recovered from while opening (`salvaged_archive`) comes
/// first among the document's warnings.
pub fn read(pkg: &mut Package) -> Result<Document, ReadError> {
    let mut doc = match pkg.format() {
        Format::Docx => docx::read(pkg),
        Format::Odt => odt::read(pkg),
        Format::Doc | Format::Wps => doc::read(pkg),
    }?;
    // A compound-file stream the file ends inside lost what followed the
    // cut (a cut zip member is told by its XML: `truncated_part`).
    if matches!(pkg.format(), Format::Doc | Format::Wps) {
        doc.partial |= pkg.any_cut();
    }
    if !pkg.warnings().is_empty() {
        let mut warnings = pkg.warnings().to_vec();
        warnings.append(&mut doc.warnings);
        doc.warnings = warnings;
    }
    Ok(doc)
}

/// The `truncated_part` warning of a main part cut off at the error `e` (see
/// [`crate::xml::XmlReader::is_cut_off`]): the document keeps what was read
/// before it and is marked partial.
pub(crate) fn truncated_part(e: &ReadError) -> Warning {
    let (part, offset) = match e {
        ReadError::Xml { part, offset, .. } => (part.as_str(), *offset),
        _ => ("", 0),
    };
    Warning::new(
        "truncated_part",
        format!(
            "{part} is cut off at byte {offset} (the file is truncated); \
             the text before it was kept, the rest is lost: {e}"
        ),
        Some(format!("{part}@{offset}")),
    )
}

/// A main part the file ends inside of (a salvaged archive) that gave no block:
/// nothing readable precedes the cut (its XML may have ended early without
/// looking cut off, e.g. after the XML declaration).
pub(crate) fn check_cut_main(pkg: &Package, main: &str, doc: &Document) -> Result<(), ReadError> {
    if pkg.is_cut(main) && doc.body.is_empty() {
        return Err(ReadError::Zip(format!(
            "{main}: the file ends inside it, before any of its text"
        )));
    }
    Ok(())
}

/// The character of a symbol-font code (DOCX `w:sym/@w:char`, Word binary
/// sprmCSymbol): codes in the symbol-font range F000–F0FF are the font's own
/// (Latin-1) positions; control and private-use characters show nothing.
pub(crate) fn symbol_char(code: u32) -> Option<char> {
    let code = if (0xF000..=0xF0FF).contains(&code) {
        code & 0xFF
    } else {
        code
    };
    let c = char::from_u32(code)?;
    (!c.is_control() && !(0xE000..=0xF8FF).contains(&code)).then_some(c)
}

/// A 1×1 cell from the blocks read inside it: its paragraphs joined by `\n`
/// (trailing empty paragraphs add nothing: Word needs one after a nested table),
/// its tables kept apart as nested tables.
pub(crate) fn cell_from_blocks(blocks: Vec<Block>) -> RawCell {
    let mut cell = RawCell::new(String::new());
    // The paragraphs joined by `\n`; the first one's text is taken as it is
    // (most cells hold one paragraph: no copy).
    let mut first = true;
    for b in blocks {
        match b {
            Block::Paragraph(p) if first => {
                cell.text = p.text;
                first = false;
            }
            Block::Paragraph(p) => {
                cell.text.push('\n');
                cell.text.push_str(&p.text);
            }
            Block::Table(t) => cell.tables.push(t),
        }
    }
    let kept = cell.text.trim_end_matches('\n').len();
    cell.text.truncate(kept);
    cell
}

/// Plain text of blocks (a note, a header or footer): paragraphs, and the cells of
/// tables row by row (nested tables after their cell), one per line; trailing
/// empty lines dropped.
pub(crate) fn blocks_text(blocks: &[Block]) -> String {
    let mut lines: Vec<String> = Vec::new();
    for b in blocks {
        match b {
            Block::Paragraph(p) => lines.push(p.text.clone()),
            Block::Table(t) => push_table_text(t, &mut lines),
        }
    }
    lines.join("\n").trim_end_matches('\n').to_string()
}

/// Recursion is bounded by the XML depth limit: tables nest only in cells.
pub(crate) fn push_table_text(t: &Table, lines: &mut Vec<String>) {
    for c in &t.cells {
        if !c.text.is_empty() {
            lines.push(c.text.clone());
        }
        for n in &c.tables {
            push_table_text(n, lines);
        }
    }
}

#[cfg(test)]
mod cell_tests {
    use super::*;
    use crate::model::Paragraph;

    /// The cell's text is the paragraphs joined by `\n` without trailing
    /// `\n`s, over every sequence of up to 4 paragraphs drawn from texts with
    /// and without line breaks and empty ones.
    #[test]
    fn cell_text_is_the_paragraphs_joined_without_trailing_breaks() {
        let texts = ["", "a", "b\n", "\n", "甲\n乙", "c\n\n"];
        // The sequences of each length, from the ones a paragraph shorter.
        let mut longest: Vec<Vec<&str>> = vec![vec![]];
        let mut cases = longest.clone();
        for _ in 0..4 {
            longest = longest
                .iter()
                .flat_map(|c| texts.iter().map(move |t| [&c[..], &[*t]].concat()))
                .collect();
            cases.extend(longest.iter().cloned());
        }
        assert_eq!(cases.len(), 1 + 6 + 36 + 216 + 1296);
        for case in cases {
            let blocks: Vec<Block> = case
                .iter()
                .map(|t| {
                    Block::Paragraph(Paragraph {
                        text: t.to_string(),
                        ..Paragraph::default()
                    })
                })
                .collect();
            let want = case.join("\n").trim_end_matches('\n').to_string();
            let cell = cell_from_blocks(blocks);
            assert_eq!(cell.text, want, "{case:?}");
            assert!(cell.tables.is_empty());
        }
    }
}
