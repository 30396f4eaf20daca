//! Footnotes and endnotes (ECMA-376 Part 1 §17.11): `word/footnotes.xml` and
//! `word/endnotes.xml`, and headers/footers (§17.10): `w:hdr` / `w:ftr` parts.
//! Each note or header is a story read with the shared [`Ctx`]; its text is its
//! blocks' text, one paragraph per line.

use super::body::Ctx;
use super::next_child;
use crate::container::Limits;
use crate::error::ReadError;
use crate::model::{Note, NoteKind};
use crate::read::blocks_text;
use crate::xml::{Ns, XmlReader};

/// Notes of one part, in part order: (`w:id`, text).
pub fn parse_notes(
    ctx: &mut Ctx<'_>,
    bytes: &[u8],
    part: &str,
    kind: NoteKind,
    limits: Limits,
) -> Result<Vec<(String, String)>, ReadError> {
    let (root, item) = match kind {
        NoteKind::Footnote => ("footnotes", "footnote"),
        NoteKind::Endnote => ("endnotes", "endnote"),
    };
    let mut r = XmlReader::new(bytes, part, limits);
    ctx.begin_part(part);
    let mut out = Vec::new();
    let Some(e) = next_child(&mut r)? else {
        return Ok(out);
    };
    if !e.is(Ns::W, root) {
        unexpected_root(ctx, part, root);
        return Ok(out);
    }
    while let Some(e) = next_child(&mut r)? {
        if !e.is(Ns::W, item) {
            r.skip_element()?;
            continue;
        }
        let separator = matches!(
            e.attr(Ns::W, "type"),
            Some("separator" | "continuationSeparator" | "continuationNotice")
        );
        let id = e.attr(Ns::W, "id").map(str::to_string);
        match (separator, id) {
            (false, Some(id)) => {
                ctx.begin_part(part);
                let blocks = ctx.blocks(&mut r)?;
                ctx.end_part();
                out.push((id, blocks_text(&blocks).trim().to_string()));
            }
            _ => r.skip_element()?,
        }
    }
    Ok(out)
}

/// Text of a header or footer part.
pub fn parse_header_footer(
    ctx: &mut Ctx<'_>,
    bytes: &[u8],
    part: &str,
    limits: Limits,
) -> Result<String, ReadError> {
    let mut r = XmlReader::new(bytes, part, limits);
    ctx.begin_part(part);
    let Some(e) = next_child(&mut r)? else {
        return Ok(String::new());
    };
    if !(e.is(Ns::W, "hdr") || e.is(Ns::W, "ftr")) {
        unexpected_root(ctx, part, "hdr");
        return Ok(String::new());
    }
    let blocks = ctx.blocks(&mut r)?;
    ctx.end_part();
    Ok(blocks_text(&blocks).trim().to_string())
}

/// A part whose root is some other element: warn rather than lose it silently
/// (an empty part has nothing to lose and gives no warning).
fn unexpected_root(ctx: &mut Ctx<'_>, part: &str, expected: &str) {
    ctx.warn_once(
        format!("unexpected_root:{part}"),
        "unexpected_root",
        format!("{part} is not a w:{expected} part; it was not read"),
    );
}

/// Order notes by first reference and label them: sequential numbers per kind in
/// reference order, or the custom mark. Unreferenced notes follow, unlabeled.
pub fn assemble_notes(
    refs: &[super::body::NoteRef],
    footnotes: Vec<(String, String)>,
    endnotes: Vec<(String, String)>,
) -> Vec<Note> {
    let pool: Vec<(NoteKind, String, String)> = footnotes
        .into_iter()
        .map(|(id, t)| (NoteKind::Footnote, id, t))
        .chain(
            endnotes
                .into_iter()
                .map(|(id, t)| (NoteKind::Endnote, id, t)),
        )
        .collect();
    let mut taken = vec![false; pool.len()];
    let index: std::collections::HashMap<(bool, &str), usize> = pool
        .iter()
        .enumerate()
        .rev()
        .map(|(i, (k, id, _))| ((*k == NoteKind::Footnote, id.as_str()), i))
        .collect();
    let mut out = Vec::new();
    let (mut n_foot, mut n_end) = (0u32, 0u32);
    for nr in refs {
        let Some(&i) = index.get(&(nr.kind == NoteKind::Footnote, nr.id.as_str())) else {
            continue;
        };
        if taken[i] {
            continue;
        }
        taken[i] = true;
        let label = if nr.custom {
            nr.custom_mark.clone()
        } else {
            let n = match nr.kind {
                NoteKind::Footnote => {
                    n_foot += 1;
                    n_foot
                }
                NoteKind::Endnote => {
                    n_end += 1;
                    n_end
                }
            };
            Some(n.to_string())
        };
        out.push(make_note(&pool[i], label));
    }
    for (i, item) in pool.iter().enumerate() {
        if !taken[i] {
            out.push(make_note(item, None));
        }
    }
    out
}

fn make_note((kind, id, text): &(NoteKind, String, String), label: Option<String>) -> Note {
    let prefix = match kind {
        NoteKind::Footnote => "footnote",
        NoteKind::Endnote => "endnote",
    };
    Note {
        id: format!("{prefix}-{id}"),
        kind: *kind,
        label,
        text: text.clone(),
    }
}
