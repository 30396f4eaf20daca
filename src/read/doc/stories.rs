//! The stories besides the main text (\[MS-DOC\] 2.3): footnotes and endnotes
//! (`PlcffndRef`/`PlcffndTxt`, `PlcfendRef`/`PlcfendTxt`), headers and footers
//! (`PlcfHdd`), and main-document text boxes (`PlcftxbxTxt`, anchored through
//! `PlcSpaMom`), around the main story.

use super::body::Reader;
use crate::binary::{fc_lcb, i32_at, u32_at};
use crate::container::fib::{FcLcb, Fib, Pair};
use crate::model::{Document, HeaderFooter, Note, NoteKind};

/// Most notes, header stories or text boxes read from one PLC.
const MAX_STORIES: usize = 100_000;

/// The CPs of a PLC with `data` bytes per entry: (n+1 CPs, n entries).
fn plc(table: &[u8], at: FcLcb, data: usize) -> Option<(Vec<u32>, &[u8])> {
    let b = fc_lcb(table, at.fc, at.lcb)?;
    let n = (b.len().saturating_sub(4) / (4 + data)).min(MAX_STORIES);
    let cps = (0..=n).filter_map(|i| u32_at(b, 4 * i)).collect();
    Some((cps, b.get(4 * (n + 1)..).unwrap_or_default()))
}

/// Read every story into a document.
pub(crate) fn read_all(r: &mut Reader<'_>, fib: &Fib, table: &[u8]) -> Document {
    let ccp = fib.ccp;
    let mut doc = Document::default();
    // Note references in the main story, so that paragraphs can name them.
    let footnotes = note_ranges(
        table,
        fib.pair(Pair::PlcffndRef),
        fib.pair(Pair::PlcffndTxt),
    );
    let endnotes = note_ranges(
        table,
        fib.pair(Pair::PlcfendRef),
        fib.pair(Pair::PlcfendTxt),
    );
    for (kind, notes) in [("footnote", &footnotes), ("endnote", &endnotes)] {
        for (i, n) in notes.iter().enumerate() {
            r.note_refs.insert(n.ref_cp, format!("{kind}-{}", i + 1));
        }
    }
    text_boxes(r, fib, table);
    let body = r.story("main", 0, ccp.text);
    doc.body = body;
    for (kind, notes, start, len) in [
        (NoteKind::Footnote, &footnotes, ccp.ftn_start(), ccp.ftn),
        (NoteKind::Endnote, &endnotes, ccp.edn_start(), ccp.edn),
    ] {
        let mut auto = 0u32;
        for (i, n) in notes.iter().enumerate() {
            if n.start >= len {
                continue;
            }
            let blocks = r.story(
                "note",
                start.saturating_add(n.start),
                start.saturating_add(n.end.min(len)),
            );
            let label = if n.auto {
                auto += 1;
                Some(auto.to_string())
            } else {
                None
            };
            let prefix = match kind {
                NoteKind::Footnote => "footnote",
                NoteKind::Endnote => "endnote",
            };
            doc.notes.push(Note {
                id: format!("{prefix}-{}", i + 1),
                kind,
                label,
                text: crate::read::blocks_text(&blocks).trim().to_string(),
            });
        }
    }
    headers_footers(r, fib, table, &mut doc);
    // Text boxes whose anchor was not met in the main story follow the body.
    let mut left: Vec<_> = r.anchored.drain().collect();
    left.sort_by_key(|(cp, _)| *cp);
    for (_, blocks) in left {
        doc.body.extend(blocks);
    }
    doc.warnings = std::mem::take(&mut r.warnings);
    doc
}

/// A note: its reference CP in the main story and its text range in its story.
struct NoteRange {
    ref_cp: u32,
    start: u32,
    end: u32,
    auto: bool,
}

fn note_ranges(table: &[u8], refs: FcLcb, txt: FcLcb) -> Vec<NoteRange> {
    let (Some((ref_cps, frds)), Some((txt_cps, _))) = (plc(table, refs, 2), plc(table, txt, 0))
    else {
        return Vec::new();
    };
    let n = ref_cps.len().saturating_sub(1);
    (0..n)
        .filter_map(|i| {
            let start = *txt_cps.get(i)?;
            let end = *txt_cps.get(i + 1)?;
            let auto = crate::binary::i16_at(frds, 2 * i).is_some_and(|v| v > 0);
            (end >= start).then_some(NoteRange {
                ref_cp: ref_cps[i],
                start,
                end,
                auto,
            })
        })
        .collect()
}

/// Headers and footers: after six separator stories, six stories per section
/// (even header, odd header, even footer, odd footer, first header, first footer).
fn headers_footers(r: &mut Reader<'_>, fib: &Fib, table: &[u8], doc: &mut Document) {
    let Some((cps, _)) = plc(table, fib.pair(Pair::PlcfHdd), 0) else {
        return;
    };
    let start = fib.ccp.hdd_start();
    let len = fib.ccp.hdd;
    for i in 6..cps.len().saturating_sub(1) {
        let (a, b) = (cps[i], cps[i + 1]);
        if b <= a || a >= len {
            continue;
        }
        let blocks = r.story(
            "header",
            start.saturating_add(a),
            start.saturating_add(b.min(len)),
        );
        let text = crate::read::blocks_text(&blocks).trim().to_string();
        if text.is_empty() {
            continue;
        }
        let (kind, footer) = match (i - 6) % 6 {
            0 => ("even", false),
            1 => ("default", false),
            2 => ("even", true),
            3 => ("default", true),
            4 => ("first", false),
            _ => ("first", true),
        };
        let hf = HeaderFooter {
            kind: kind.to_string(),
            text,
        };
        let list = if footer {
            &mut doc.footers
        } else {
            &mut doc.headers
        };
        if !list.contains(&hf) {
            list.push(hf);
        }
    }
}

/// Main-document text boxes, read ahead and keyed by their anchor's CP so that
/// they follow the paragraph that anchors them.
fn text_boxes(r: &mut Reader<'_>, fib: &Fib, table: &[u8]) {
    // FTXBXS: 22 bytes, `lid` (the shape id) at offset 14.
    let Some((cps, ftxbxs)) = plc(table, fib.pair(Pair::PlcftxbxTxt), 22) else {
        return;
    };
    // FSPA: 26 bytes, `spid` first.
    let anchors: Vec<(u32, i32)> = match plc(table, fib.pair(Pair::PlcSpaMom), 26) {
        Some((acps, fspas)) => acps
            .iter()
            .take(acps.len().saturating_sub(1))
            .enumerate()
            .filter_map(|(i, &cp)| Some((cp, i32_at(fspas, 26 * i)?)))
            .collect(),
        None => Vec::new(),
    };
    let start = fib.ccp.txbx_start();
    let len = fib.ccp.txbx;
    // The last story is a dummy.
    for i in 0..cps.len().saturating_sub(2) {
        let (a, b) = (cps[i], cps[i + 1]);
        if b <= a || a >= len {
            continue;
        }
        let reusable = crate::binary::i32_at(ftxbxs, 22 * i).is_some_and(|v| v != 0)
            && crate::binary::u16_at(ftxbxs, 22 * i + 8).is_some_and(|v| v != 0);
        if reusable {
            continue;
        }
        let lid = i32_at(ftxbxs, 22 * i + 14);
        let anchor = anchors
            .iter()
            .find(|(_, spid)| Some(*spid) == lid)
            .map_or(u32::MAX, |(cp, _)| *cp);
        let blocks = r.story(
            "textbox",
            start.saturating_add(a),
            start.saturating_add(b.min(len)),
        );
        let blocks: Vec<_> = blocks
            .into_iter()
            .filter(|b| !matches!(b, crate::model::Block::Paragraph(p) if p.text.trim().is_empty()))
            .collect();
        if !blocks.is_empty() {
            r.anchored.entry(anchor).or_default().extend(blocks);
        }
    }
}
