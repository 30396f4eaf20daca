//! Document properties (ECMA-376 Part 2 §11 core properties; Part 1 §22.2
//! extended and §22.3 custom properties): `docProps/core.xml`, `docProps/app.xml`,
//! `docProps/custom.xml`, found through the package relationships.

use super::{bad_part, next_child, optional_part, part_relationships, rel_kind};
use crate::container::{resolve_part_name, Package};
use crate::error::ReadError;
use crate::model::{Properties, Warning};
use crate::xml::{Ns, XmlReader};

/// Read all three property parts; problems become warnings.
pub fn read_properties(pkg: &mut Package, warnings: &mut Vec<Warning>) -> Properties {
    let mut core = None;
    let mut app = None;
    let mut custom = None;
    // The package root's relationships part is `_rels/.rels`.
    let root_rels = part_relationships(pkg, "", warnings);
    if let Some(rels) = &root_rels {
        for rel in rels.iter().filter(|r| !r.external) {
            let target = resolve_part_name("", &rel.target);
            match rel_kind(rel) {
                "core-properties" => core = core.or(Some(target)),
                "extended-properties" => app = app.or(Some(target)),
                "custom-properties" => custom = custom.or(Some(target)),
                _ => {}
            }
        }
    }
    let core = core.unwrap_or_else(|| "docProps/core.xml".into());
    let app = app.unwrap_or_else(|| "docProps/app.xml".into());
    let custom = custom.unwrap_or_else(|| "docProps/custom.xml".into());
    let mut p = Properties::default();
    let limits = pkg.limits();
    for (name, which) in [(core, 0), (app, 1), (custom, 2)] {
        let Some(bytes) = optional_part(pkg, &name, warnings) else {
            continue;
        };
        let mut r = XmlReader::new(&bytes, &name, limits);
        let res = match which {
            0 => parse_core(&mut r, &mut p),
            1 => parse_app(&mut r, &mut p),
            _ => parse_custom(&mut r, &mut p),
        };
        if let Err(e) = res {
            warnings.push(bad_part(&name, &e));
        }
    }
    p
}

fn clean(s: String) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

fn parse_core(r: &mut XmlReader<'_>, p: &mut Properties) -> Result<(), ReadError> {
    if next_child(r)?.is_none() {
        return Ok(());
    }
    while let Some(e) = next_child(r)? {
        let slot = match (e.ns, e.local) {
            (Ns::Dc, b"title") => &mut p.title,
            (Ns::Dc, b"subject") => &mut p.subject,
            (Ns::Dc, b"creator") => &mut p.creator,
            (Ns::Cp, b"keywords") => &mut p.keywords,
            (Ns::Dc, b"description") => &mut p.description,
            (Ns::Cp, b"lastModifiedBy") => &mut p.last_modified_by,
            (Ns::DcTerms, b"created") => &mut p.created,
            (Ns::DcTerms, b"modified") => &mut p.modified,
            (Ns::Dc, b"language") => &mut p.language,
            _ => {
                r.skip_element()?;
                continue;
            }
        };
        let v = clean(r.element_text()?);
        if slot.is_none() {
            *slot = v;
        }
    }
    Ok(())
}

fn parse_app(r: &mut XmlReader<'_>, p: &mut Properties) -> Result<(), ReadError> {
    if next_child(r)?.is_none() {
        return Ok(());
    }
    while let Some(e) = next_child(r)? {
        if e.ns != Ns::ExtProps {
            r.skip_element()?;
            continue;
        }
        match e.local {
            b"Application" => p.application = clean(r.element_text()?),
            b"Company" => p.company = clean(r.element_text()?),
            b"Pages" => p.pages = r.element_text()?.trim().parse().ok(),
            b"Words" => p.words = r.element_text()?.trim().parse().ok(),
            b"Characters" => p.characters = r.element_text()?.trim().parse().ok(),
            _ => r.skip_element()?,
        }
    }
    Ok(())
}

fn parse_custom(r: &mut XmlReader<'_>, p: &mut Properties) -> Result<(), ReadError> {
    if next_child(r)?.is_none() {
        return Ok(());
    }
    while let Some(e) = next_child(r)? {
        if e.is(Ns::CustomProps, "property") {
            let name = e.attr(Ns::None, "name").map(str::to_string);
            let value = r.element_text()?.trim().to_string();
            if let Some(name) = name.filter(|n| !n.trim().is_empty()) {
                if p.custom.len() < 10_000 {
                    p.custom.entry(name).or_insert(value);
                }
            }
        } else {
            r.skip_element()?;
        }
    }
    Ok(())
}
