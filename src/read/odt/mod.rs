//! ODT reader (OpenDocument 1.2/1.3 text, zipped package; ODF 1.2 Part 1 §3 and
//! Part 3): `content.xml` (required), `styles.xml` and `meta.xml` (optional) into
//! the shared [`Document`] model.
//!
//! * `styles`: common and automatic styles, list styles, outline style.
//! * `lists`: list and heading numbering as LibreOffice shows it.
//! * `body`: paragraphs, lists, notes, text boxes and tables.
//! * this module: orchestration, page headers/footers from the master pages of
//!   `styles.xml` (§16.9), and `meta.xml` properties (§4).
//!
//! A malformed `content.xml` is an error; a malformed or unreadable `styles.xml`
//! or `meta.xml` is a `bad_part` warning and the document is converted anyway. A well-formed
//! `content.xml` without `office:text` (empty, or not ODF) gives an empty document
//! with a `no_body` warning.

mod body;
mod lists;
mod styles;

use crate::container::{Limits, Package};
use crate::error::ReadError;
use crate::model::{Block, Document, HeaderFooter, Properties, Warning};
use crate::xml::{Ev, Ns, XmlReader};
use body::Ctx;
use std::collections::HashSet;
use styles::{Layer, Styles};

/// Read an ODT package.
pub fn read(pkg: &mut Package) -> Result<Document, ReadError> {
    let limits = pkg.limits();
    let content = pkg.required_part("content.xml")?;
    let mut doc = Document::default();
    let styles_xml = optional_part(pkg, "styles.xml", &mut doc.warnings);
    let meta_xml = optional_part(pkg, "meta.xml", &mut doc.warnings);

    // styles.xml: common styles, outline style, its own automatic styles.
    let mut styles = Styles::default();
    let mut styles_auto = Layer::default();
    let mut styles_broken = false;
    if let Some(bytes) = &styles_xml {
        let mut r = XmlReader::new(bytes, "styles.xml", limits);
        if let Err(e) = styles::read_part_styles(&mut r, &mut styles, &mut styles_auto) {
            styles_broken = true;
            doc.warnings.push(malformed("styles.xml", &e));
        }
    }

    // content.xml: automatic styles, then the body.
    let mut r = XmlReader::new(&content, "content.xml", limits);
    let mut scratch = Styles::default();
    let mut content_auto = Layer::default();
    styles::read_part_styles(&mut r, &mut scratch, &mut content_auto)?;
    // The common styles are seen with content.xml's automatic styles now, with
    // styles.xml's own for the master pages below.
    styles.auto = content_auto;
    let mut ctx = Ctx::new(&styles, "content.xml");
    let mut has_text = false;
    let body = (|| loop {
        match r.next()? {
            Ev::Start(e) if e.is(Ns::Office, "text") => {
                has_text = true;
                ctx.blocks(&mut r, &mut doc.body)?
            }
            Ev::Start(e) if e.is(Ns::Office, "body") => {}
            Ev::Start(_) => r.skip_element()?,
            Ev::Eof => return Ok(()),
            _ => {}
        }
    })();
    if let Err(e) = body {
        // content.xml cut off (a truncated file) keeps the blocks read before
        // the cut; with nothing before it, or malformed, it is an error.
        if !r.is_cut_off(&e) || doc.body.is_empty() {
            return Err(e);
        }
        doc.warnings.push(crate::read::truncated_part(&e));
        doc.partial = true;
    }
    crate::read::check_cut_main(pkg, "content.xml", &doc)?;
    if !has_text {
        doc.warnings.push(Warning::new(
            "no_body",
            "content.xml has no office:text (not an OpenDocument text body); no text read",
            Some("content.xml".into()),
        ));
    }
    if styles_xml.is_none() && ctx.unresolved_styles > 0 {
        doc.warnings.push(Warning::new(
            "missing_styles",
            format!(
                "styles.xml is absent but content.xml refers to {} undefined paragraph style(s)",
                ctx.unresolved_styles
            ),
            Some("styles.xml".into()),
        ));
    }
    doc.notes = std::mem::take(&mut ctx.notes);
    doc.warnings.append(&mut ctx.warnings);

    // Headers and footers from the master pages.
    if let Some(bytes) = &styles_xml {
        styles.auto = styles_auto;
        if let Err(e) = read_master_pages(bytes, limits, &styles, &mut doc) {
            if !styles_broken {
                doc.warnings.push(malformed("styles.xml", &e));
            }
        }
    }

    if let Some(bytes) = &meta_xml {
        if let Err(e) = read_meta(bytes, limits, &mut doc.properties) {
            doc.warnings.push(malformed("meta.xml", &e));
        }
    }
    Ok(doc)
}

/// An optional part; one that cannot be read (corrupt, too large, encrypted
/// member) is a `bad_part` warning, as in the DOCX reader, not a failed document.
fn optional_part(pkg: &mut Package, name: &str, warnings: &mut Vec<Warning>) -> Option<Vec<u8>> {
    match pkg.part(name) {
        Ok(bytes) => bytes,
        Err(e) => {
            warnings.push(Warning::new(
                "bad_part",
                format!("part {name} could not be read and was ignored: {e}"),
                Some(name.to_string()),
            ));
            None
        }
    }
}

fn malformed(part: &str, e: &ReadError) -> Warning {
    Warning::new(
        "bad_part",
        format!("{part} could not be read completely ({e}); converted without the rest of it"),
        Some(part.to_string()),
    )
}

/// `style:master-page` children: `style:header`, `style:header-left`,
/// `style:header-first`, and the same for footers.
fn read_master_pages(
    bytes: &[u8],
    limits: Limits,
    styles: &Styles,
    doc: &mut Document,
) -> Result<(), ReadError> {
    let mut r = XmlReader::new(bytes, "styles.xml", limits);
    let mut ctx = Ctx::new(styles, "styles.xml");
    let mut in_master = false;
    // Headers and footers kept so far, (is header, kind, text): a set, since a
    // styles.xml may hold any number of master pages.
    let mut seen: HashSet<(bool, String, String)> = doc
        .headers
        .iter()
        .map(|h| (true, h.kind.clone(), h.text.clone()))
        .chain(
            doc.footers
                .iter()
                .map(|f| (false, f.kind.clone(), f.text.clone())),
        )
        .collect();
    // Notes and warnings found before an error are kept: the closure returns the
    // error, the caller turns it into a warning.
    let result = (|| -> Result<(), ReadError> {
        loop {
            match r.next()? {
                Ev::Start(e) if e.is(Ns::Office, "document-styles") => {}
                Ev::Start(e) if e.is(Ns::Office, "master-styles") => in_master = true,
                Ev::Start(e) if in_master && e.is(Ns::Style, "master-page") => {}
                Ev::Start(e) if in_master && (e.ns == Ns::Style || e.ns == Ns::Other) => {
                    // LibreOffice before 7.6 wrote `loext:header-first`; match it by local name.
                    let (is_header, kind) = match e.local {
                        b"header" => (true, "default"),
                        b"header-left" => (true, "left"),
                        b"header-first" => (true, "first"),
                        b"footer" => (false, "default"),
                        b"footer-left" => (false, "left"),
                        b"footer-first" => (false, "first"),
                        _ => {
                            r.skip_element()?;
                            continue;
                        }
                    };
                    if e.attr(Ns::Style, "display") == Some("false") {
                        r.skip_element()?;
                        continue;
                    }
                    let mut blocks: Vec<Block> = Vec::new();
                    ctx.blocks(&mut r, &mut blocks)?;
                    let text = crate::read::blocks_text(&blocks);
                    if text.trim().is_empty() {
                        continue;
                    }
                    if seen.insert((is_header, kind.to_string(), text.clone())) {
                        let list = if is_header {
                            &mut doc.headers
                        } else {
                            &mut doc.footers
                        };
                        list.push(HeaderFooter {
                            kind: kind.to_string(),
                            text,
                        });
                    }
                }
                Ev::Start(_) => r.skip_element()?,
                Ev::End(ns, local) if ns == Ns::Office && local == b"master-styles" => {
                    in_master = false
                }
                Ev::Eof => return Ok(()),
                _ => {}
            }
        }
    })();
    doc.notes.append(&mut ctx.notes);
    doc.warnings.append(&mut ctx.warnings);
    result
}

/// `meta.xml` (ODF 1.2 §4.3): Dublin Core and `meta:` elements of `office:meta`.
fn read_meta(bytes: &[u8], limits: Limits, props: &mut Properties) -> Result<(), ReadError> {
    let mut r = XmlReader::new(bytes, "meta.xml", limits);
    let mut keywords: Vec<String> = Vec::new();
    let mut dc_creator = None;
    let result = (|| -> Result<(), ReadError> {
        loop {
            match r.next()? {
                Ev::Start(e) => {
                    let set = |slot: &mut Option<String>, v: String| {
                        let v = v.trim().to_string();
                        if !v.is_empty() {
                            *slot = Some(v);
                        }
                    };
                    match (e.ns, e.local) {
                        (Ns::Office, b"document-meta") | (Ns::Office, b"meta") => {}
                        (Ns::Dc, b"title") => set(&mut props.title, r.element_text()?),
                        (Ns::Dc, b"subject") => set(&mut props.subject, r.element_text()?),
                        (Ns::Dc, b"description") => set(&mut props.description, r.element_text()?),
                        (Ns::Dc, b"creator") => set(&mut dc_creator, r.element_text()?),
                        (Ns::Dc, b"date") => set(&mut props.modified, r.element_text()?),
                        (Ns::Dc, b"language") => set(&mut props.language, r.element_text()?),
                        (Ns::Meta, b"initial-creator") => {
                            set(&mut props.creator, r.element_text()?)
                        }
                        (Ns::Meta, b"creation-date") => set(&mut props.created, r.element_text()?),
                        (Ns::Meta, b"generator") => set(&mut props.application, r.element_text()?),
                        (Ns::Meta, b"keyword") => {
                            let k = r.element_text()?.trim().to_string();
                            if !k.is_empty() {
                                keywords.push(k);
                            }
                        }
                        (Ns::Meta, b"document-statistic") => {
                            let num = |n: &str| {
                                e.attr(Ns::Meta, n)
                                    .and_then(|v| v.trim().parse::<u64>().ok())
                            };
                            props.pages = num("page-count");
                            props.words = num("word-count");
                            props.characters = num("character-count");
                            r.skip_element()?;
                        }
                        (Ns::Meta, b"user-defined") => {
                            let name = e.attr(Ns::Meta, "name").unwrap_or_default().to_string();
                            let value = r.element_text()?;
                            if !name.is_empty() && props.custom.len() < 1000 {
                                props.custom.insert(name, value.trim().to_string());
                            }
                        }
                        _ => r.skip_element()?,
                    }
                }
                Ev::Eof => return Ok(()),
                _ => {}
            }
        }
    })();
    if !keywords.is_empty() {
        props.keywords = Some(keywords.join(", "));
    }
    if let Some(c) = dc_creator {
        props.last_modified_by = Some(c.clone());
        if props.creator.is_none() {
            props.creator = Some(c);
        }
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn meta_keeps_what_it_read_before_an_error() {
        let xml = r#"<office:document-meta xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
            xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0"
            xmlns:dc="http://purl.org/dc/elements/1.1/"><office:meta>
            <dc:creator>B</dc:creator><meta:keyword>k1</meta:keyword><meta:keyword> k2 </meta:keyword>
            <meta:user-defined meta:name="n">v</meta:user-defined><dc:title>T</dc:title><oops a="1></office:meta>"#;
        let mut props = Properties::default();
        let err = read_meta(xml.as_bytes(), Limits::default(), &mut props).unwrap_err();
        assert_eq!(err.kind(), "malformed_xml");
        assert_eq!(props.title.as_deref(), Some("T"));
        assert_eq!(props.keywords.as_deref(), Some("k1, k2"));
        assert_eq!(props.creator.as_deref(), Some("B"));
        assert_eq!(props.last_modified_by.as_deref(), Some("B"));
        assert_eq!(props.custom.get("n").map(String::as_str), Some("v"));
    }
}
