//! Automatic numbering definitions of WordprocessingML (ECMA-376 Part 1 §17.9):
//! `word/numbering.xml` (`w:abstractNum`, `w:num`, `w:lvlOverride`/`w:startOverride`,
//! `w:numStyleLink`/`w:styleLink`) read into the shared numbering model
//! ([`crate::read::numbering`]), which holds the counters and renders labels.
//! `w:numStyleLink` is resolved through the document's styles ([`linked_num_id`]).

use super::styles::Styles;
use super::{next_child, parse_u32};
use crate::container::Limits;
use crate::error::ReadError;
use crate::read::numbering::{AbstractNum, Level, Num, Numbering, Override, Suffix, LEVELS};
use crate::xml::{Ns, XmlReader};

/// The numId of the numbering that numbering style `name` carries (its own
/// `w:numPr`), for resolving `w:numStyleLink`; `None` without styles.
pub fn linked_num_id(styles: Option<&Styles>, name: &str) -> Option<u32> {
    styles.and_then(|s| s.num(name).0.num_id)
}

fn parse_level(r: &mut XmlReader<'_>) -> Result<Level, ReadError> {
    let mut l = Level::default();
    while let Some(e) = next_child(r)? {
        if e.ns == Ns::W {
            let val = e.attr(Ns::W, "val");
            match e.local {
                b"start" => l.start = val.and_then(parse_u32),
                b"numFmt" => l.fmt = val.map(str::to_string),
                b"lvlText" => l.text = Some(val.unwrap_or_default().to_string()),
                b"suff" => {
                    l.suffix = Some(match val {
                        Some("space") => Suffix::Space,
                        Some("nothing") => Suffix::Nothing,
                        _ => Suffix::Tab,
                    })
                }
                b"isLgl" => l.is_lgl = super::on_off(&e),
                b"lvlRestart" => l.restart = val.and_then(parse_u32),
                b"pStyle" => l.pstyle = val.map(str::to_string),
                _ => {}
            }
        }
        r.skip_element()?;
    }
    Ok(l)
}

impl Numbering {
    /// Parse a numbering part.
    pub fn parse(bytes: &[u8], part: &str, limits: Limits) -> Result<Numbering, ReadError> {
        let mut r = XmlReader::new(bytes, part, limits);
        let mut n = Numbering::default();
        let Some(root) = next_child(&mut r)? else {
            return Ok(n);
        };
        if !root.is(Ns::W, "numbering") {
            return Ok(n);
        }
        while let Some(e) = next_child(&mut r)? {
            if e.is(Ns::W, "abstractNum") {
                let id = e.attr(Ns::W, "abstractNumId").and_then(parse_u32);
                let mut a = AbstractNum::default();
                while let Some(c) = next_child(&mut r)? {
                    if c.is(Ns::W, "lvl") {
                        let ilvl = c.attr(Ns::W, "ilvl").and_then(parse_u32).unwrap_or(0) as usize;
                        let lvl = parse_level(&mut r)?;
                        if ilvl < LEVELS {
                            a.levels[ilvl] = Some(lvl);
                        }
                    } else if c.is(Ns::W, "numStyleLink") {
                        a.num_style_link = c.attr(Ns::W, "val").map(str::to_string);
                        r.skip_element()?;
                    } else {
                        r.skip_element()?;
                    }
                }
                if let Some(id) = id {
                    n.abstracts.entry(id).or_insert(a);
                }
            } else if e.is(Ns::W, "num") {
                let id = e.attr(Ns::W, "numId").and_then(parse_u32);
                let mut num = Num::default();
                let mut has_abstract = false;
                while let Some(c) = next_child(&mut r)? {
                    if c.is(Ns::W, "abstractNumId") {
                        if let Some(v) = c.attr(Ns::W, "val").and_then(parse_u32) {
                            num.abstract_id = v;
                            has_abstract = true;
                        }
                        r.skip_element()?;
                    } else if c.is(Ns::W, "lvlOverride") {
                        let ilvl = c.attr(Ns::W, "ilvl").and_then(parse_u32).unwrap_or(0);
                        let mut o = Override::default();
                        while let Some(x) = next_child(&mut r)? {
                            if x.is(Ns::W, "startOverride") {
                                o.start = x.attr(Ns::W, "val").and_then(parse_u32);
                                r.skip_element()?;
                            } else if x.is(Ns::W, "lvl") {
                                o.level = Some(parse_level(&mut r)?);
                            } else {
                                r.skip_element()?;
                            }
                        }
                        num.overrides.insert(ilvl, o);
                    } else {
                        r.skip_element()?;
                    }
                }
                if let (Some(id), true) = (id, has_abstract) {
                    n.nums.entry(id).or_insert(num);
                }
            } else {
                r.skip_element()?;
            }
        }
        Ok(n)
    }
}

/// Level index whose `w:pStyle` is `style_id`, in the definition used by `num_id`.
pub fn level_for_style(
    numbering: &Numbering,
    styles: Option<&Styles>,
    num_id: u32,
    style_id: &str,
) -> Option<u32> {
    let aid = numbering.resolve_abstract(num_id, &|name| linked_num_id(styles, name))?;
    let a = numbering.abstracts.get(&aid)?;
    a.levels
        .iter()
        .position(|l| l.as_ref().and_then(|l| l.pstyle.as_deref()) == Some(style_id))
        .map(|i| i as u32)
}
