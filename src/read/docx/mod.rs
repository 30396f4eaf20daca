//! DOCX reader (ECMA-376 Part 1 WordprocessingML, Part 2 OPC): package
//! relationships -> parts -> [`Document`].
//!
//! Parts are found through relationships, never by fixed names: the main part is
//! the `officeDocument` target of `_rels/.rels` (see [`Package::main_part`]); styles,
//! numbering, footnotes, endnotes, headers and footers are targets of the main
//! part's own relationships (`<dir>/_rels/<name>.rels`), resolved against the main
//! part's folder. Conventional names (`word/styles.xml`, ...) are used only when
//! that relationships part is missing. Properties come from the root
//! relationships' core-, extended- and custom-properties targets (again with the
//! conventional `docProps/*.xml` as fallback).
//!
//! Modules: `styles` (styles.xml), `numbering` (numbering.xml and counters),
//! `body` (the story parser shared by body, notes, headers and text boxes),
//! `notes` (footnotes/endnotes and headers/footers), `props` (docProps).
//!
//! Errors: the main part must exist and be well-formed ([`ReadError::MissingPart`],
//! [`ReadError::Xml`]); a broken optional part (styles, numbering, notes, headers,
//! properties) becomes a `bad_part` warning and the document is converted without it.
//! A main part that is empty or not a `w:document` (`unexpected_root`), or has no
//! `w:body` (`no_body`), gives an empty document with a warning.

mod body;
mod notes;
mod numbering;
mod props;
mod styles;

use crate::container::{resolve_part_name, Limits, Package};
use crate::error::ReadError;
use crate::model::{Document, HeaderFooter, NoteKind, Warning};
use crate::read::numbering::Numbering;
use crate::xml::{Elem, Ev, Ns, Relationship, XmlReader};
use body::Ctx;
use std::collections::{HashMap, HashSet};
use styles::Styles;

/// Next child element of the element whose start was last read, skipping text;
/// `None` at the element's end (or the end of input).
pub(crate) fn next_child<'a>(r: &mut XmlReader<'a>) -> Result<Option<Elem<'a>>, ReadError> {
    loop {
        match r.next()? {
            Ev::Start(e) => return Ok(Some(e)),
            Ev::End(..) | Ev::Eof => return Ok(None),
            Ev::Text(_) => {}
        }
    }
}

/// ST_OnOff of an element's `w:val` (absent means on).
pub(crate) fn on_off(e: &Elem) -> bool {
    e.attr(Ns::W, "val").is_none_or(styles::on_off_str)
}

/// A decimal attribute value.
pub(crate) fn parse_u32(s: &str) -> Option<u32> {
    s.trim().parse().ok()
}

/// Folder of a part name (`word/document.xml` -> `word`).
fn part_dir(part: &str) -> &str {
    part.rsplit_once('/').map_or("", |(d, _)| d)
}

/// Relationships part of a part (`word/document.xml` -> `word/_rels/document.xml.rels`).
pub fn rels_part_name(part: &str) -> String {
    match part.rsplit_once('/') {
        Some((dir, name)) => format!("{dir}/_rels/{name}.rels"),
        None => format!("_rels/{part}.rels"),
    }
}

/// Read an optional part; a read failure becomes a `bad_part` warning.
fn optional_part(pkg: &mut Package, name: &str, warnings: &mut Vec<Warning>) -> Option<Vec<u8>> {
    match pkg.part(name) {
        Ok(b) => b,
        Err(e) => {
            warnings.push(bad_part(name, &e));
            None
        }
    }
}

fn bad_part(name: &str, e: &ReadError) -> Warning {
    Warning::new(
        "bad_part",
        format!("part {name} could not be read and was ignored: {e}"),
        Some(name.to_string()),
    )
}

/// Relationships of `part`; `None` when the relationships part is absent (or broken,
/// with a warning).
pub fn part_relationships(
    pkg: &mut Package,
    part: &str,
    warnings: &mut Vec<Warning>,
) -> Option<Vec<Relationship>> {
    let name = rels_part_name(part);
    let bytes = optional_part(pkg, &name, warnings)?;
    match crate::xml::relationships(&bytes, &name, pkg.limits()) {
        Ok(r) => Some(r),
        Err(e) => {
            warnings.push(bad_part(&name, &e));
            None
        }
    }
}

/// The last path segment of a relationship type URI.
fn rel_kind(rel: &Relationship) -> &str {
    rel.rel_type.rsplit('/').next().unwrap_or_default()
}

/// Parts the main part refers to.
#[derive(Debug, Default)]
struct Parts {
    styles: Option<String>,
    numbering: Option<String>,
    footnotes: Option<String>,
    endnotes: Option<String>,
    /// (relationship id, part name, is header).
    headers_footers: Vec<(String, String, bool)>,
}

fn find_parts(pkg: &mut Package, main: &str, warnings: &mut Vec<Warning>) -> Parts {
    let dir = part_dir(main).to_string();
    let mut parts = Parts::default();
    match part_relationships(pkg, main, warnings) {
        Some(rels) => {
            for rel in rels.iter().filter(|r| !r.external) {
                let target = resolve_part_name(&dir, &rel.target);
                let slot = match rel_kind(rel) {
                    "styles" => &mut parts.styles,
                    "numbering" => &mut parts.numbering,
                    "footnotes" => &mut parts.footnotes,
                    "endnotes" => &mut parts.endnotes,
                    k @ ("header" | "footer") => {
                        parts
                            .headers_footers
                            .push((rel.id.clone(), target, k == "header"));
                        continue;
                    }
                    _ => continue,
                };
                if slot.is_none() {
                    *slot = Some(target);
                }
            }
        }
        None => {
            // No relationships: the conventional names, which Word also writes.
            let conv = |n: &str| resolve_part_name(&dir, n);
            parts.styles = Some(conv("styles.xml"));
            parts.numbering = Some(conv("numbering.xml"));
            parts.footnotes = Some(conv("footnotes.xml"));
            parts.endnotes = Some(conv("endnotes.xml"));
            let mut names: Vec<String> = pkg
                .part_names()
                .into_iter()
                .filter(|n| {
                    part_dir(n) == dir && {
                        let base = n.rsplit('/').next().unwrap_or_default();
                        (base.starts_with("header") || base.starts_with("footer"))
                            && base.ends_with(".xml")
                    }
                })
                .collect();
            names.sort();
            for n in names {
                let is_header = n
                    .rsplit('/')
                    .next()
                    .unwrap_or_default()
                    .starts_with("header");
                parts.headers_footers.push((String::new(), n, is_header));
            }
        }
    }
    parts
}

/// Load and parse an optional definitions part. Returns the parsed value and whether
/// the part is absent.
fn load_defs<T>(
    pkg: &mut Package,
    name: Option<&str>,
    warnings: &mut Vec<Warning>,
    parse: impl Fn(&[u8], &str, Limits) -> Result<T, ReadError>,
) -> (Option<T>, bool) {
    let Some(name) = name else {
        return (None, true);
    };
    let limits = pkg.limits();
    match pkg.part(name) {
        Ok(None) => (None, true),
        Ok(Some(bytes)) => match parse(&bytes, name, limits) {
            Ok(v) => (Some(v), false),
            Err(e) => {
                warnings.push(bad_part(name, &e));
                (None, false)
            }
        },
        Err(e) => {
            warnings.push(bad_part(name, &e));
            (None, false)
        }
    }
}

/// Header and footer parts to read, as (kind, part name, is header): those the
/// sections reference, in order (a relationship id's first entry wins), else every
/// header/footer relationship; each part once. Hash lookups: a hostile document
/// may hold a million section references and thousands of relationships.
fn wanted_headers_footers(
    sect_refs: &[body::SectRef],
    headers_footers: &[(String, String, bool)],
) -> Vec<(String, String, bool)> {
    let mut by_id: HashMap<&str, &str> = HashMap::new();
    for (id, name, _) in headers_footers {
        by_id.entry(id.as_str()).or_insert(name.as_str());
    }
    let mut names: HashSet<&str> = HashSet::new();
    let mut wanted = Vec::new();
    for sr in sect_refs {
        if let Some(&name) = by_id.get(sr.rid.as_str()) {
            if names.insert(name) {
                wanted.push((sr.kind.clone(), name.to_string(), sr.header));
            }
        }
    }
    if sect_refs.is_empty() {
        for (_, name, header) in headers_footers {
            if names.insert(name.as_str()) {
                wanted.push(("default".into(), name.clone(), *header));
            }
        }
    }
    wanted
}

/// The main part's `w:document`: the blocks of its `w:body` into `doc.body`, as
/// they are finished.
fn read_body(
    ctx: &mut Ctx,
    r: &mut XmlReader<'_>,
    doc: &mut Document,
    warnings: &mut Vec<Warning>,
) -> Result<(), ReadError> {
    let main = r.part().to_string();
    match next_child(r)? {
        Some(root) if root.is(Ns::W, "document") => {
            let mut has_body = false;
            while let Some(e) = next_child(r)? {
                if e.is(Ns::W, "body") {
                    has_body = true;
                    ctx.blocks_into(r, &mut doc.body)?;
                } else {
                    r.skip_element()?;
                }
            }
            if !has_body {
                warnings.push(Warning::new(
                    "no_body",
                    "the main part has no w:body; no text read",
                    Some(main),
                ));
            }
        }
        Some(_) => warnings.push(Warning::new(
            "unexpected_root",
            "the main part is not a WordprocessingML document; no body read",
            Some(main),
        )),
        None => warnings.push(Warning::new(
            "unexpected_root",
            "the main part is empty; no body read",
            Some(main),
        )),
    }
    Ok(())
}

/// Read a DOCX package.
pub fn read(pkg: &mut Package) -> Result<Document, ReadError> {
    let limits = pkg.limits();
    let main = pkg.main_part().to_string();
    let main_bytes = pkg.required_part(&main)?;
    let mut doc = Document::default();
    let mut warnings = Vec::new();
    doc.properties = props::read_properties(pkg, &mut warnings);
    let parts = find_parts(pkg, &main, &mut warnings);
    let (styles, styles_absent) =
        load_defs(pkg, parts.styles.as_deref(), &mut warnings, Styles::parse);
    let (numbering, numbering_absent) = load_defs(
        pkg,
        parts.numbering.as_deref(),
        &mut warnings,
        Numbering::parse,
    );
    let mut ctx = Ctx::new(
        styles.as_ref(),
        numbering.as_ref(),
        styles_absent,
        numbering_absent,
    );

    // Body.
    ctx.begin_part(&main);
    let mut r = XmlReader::new(&main_bytes, &main, limits);
    if let Err(e) = read_body(&mut ctx, &mut r, &mut doc, &mut warnings) {
        // A main part cut off (a truncated file) keeps the blocks read before
        // the cut; one with nothing before it, or malformed, is an error.
        if !r.is_cut_off(&e) || doc.body.is_empty() {
            return Err(e);
        }
        warnings.push(crate::read::truncated_part(&e));
        doc.partial = true;
    }
    crate::read::check_cut_main(pkg, &main, &doc)?;
    ctx.end_part();
    let body_refs = std::mem::take(&mut ctx.note_refs);

    // Notes.
    let mut note_lists = [Vec::new(), Vec::new()];
    for (i, (name, kind)) in [
        (parts.footnotes.as_deref(), NoteKind::Footnote),
        (parts.endnotes.as_deref(), NoteKind::Endnote),
    ]
    .into_iter()
    .enumerate()
    {
        let Some(name) = name else { continue };
        let Some(bytes) = optional_part(pkg, name, &mut warnings) else {
            continue;
        };
        match notes::parse_notes(&mut ctx, &bytes, name, kind, limits) {
            Ok(list) => note_lists[i] = list,
            Err(e) => warnings.push(bad_part(name, &e)),
        }
    }
    let [footnotes, endnotes] = note_lists;
    doc.notes = notes::assemble_notes(&body_refs, footnotes, endnotes);

    let sect_refs = std::mem::take(&mut ctx.sect_refs);
    let wanted = wanted_headers_footers(&sect_refs, &parts.headers_footers);
    let mut seen: HashSet<(bool, String, String)> = HashSet::new();
    for (kind, name, header) in wanted {
        let Some(bytes) = optional_part(pkg, &name, &mut warnings) else {
            continue;
        };
        match notes::parse_header_footer(&mut ctx, &bytes, &name, limits) {
            Ok(text) if text.is_empty() => {}
            Ok(text) => {
                if seen.insert((header, kind.clone(), text.clone())) {
                    let list = if header {
                        &mut doc.headers
                    } else {
                        &mut doc.footers
                    };
                    list.push(HeaderFooter { kind, text });
                }
            }
            Err(e) => warnings.push(bad_part(&name, &e)),
        }
    }
    warnings.append(&mut ctx.warnings);
    doc.warnings = warnings;
    Ok(doc)
}

#[cfg(test)]
mod tests;
