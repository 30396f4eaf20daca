//! `word/styles.xml` (ECMA-376 Part 1 §17.7): style definitions with their
//! `w:basedOn` chains and `w:docDefaults`, reduced to what the reader needs:
//! display names, heading levels (outline level or a `Heading N` / `标题 N` name),
//! paragraph numbering (`w:numPr`), justification and the run properties that
//! decide boldness and hidden text.

use super::{next_child, on_off, parse_u32};
use crate::container::Limits;
use crate::error::ReadError;
use crate::xml::{Ns, XmlReader};
use std::collections::HashMap;

/// Longest `basedOn` chain followed (guards against cycles and absurd chains).
const MAX_CHAIN: usize = 32;

/// Run properties that matter for text extraction. `None` means "not specified
/// here; inherit".
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RunProps {
    /// `w:b` (or `w:bCs` when `w:b` is absent).
    pub bold: Option<bool>,
    /// `w:vanish`: hidden text.
    pub vanish: Option<bool>,
}

impl RunProps {
    /// Fill what `self` leaves unspecified from `other`.
    pub fn or(self, other: RunProps) -> RunProps {
        RunProps {
            bold: self.bold.or(other.bold),
            vanish: self.vanish.or(other.vanish),
        }
    }
}

/// Numbering reference (`w:numPr`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NumPr {
    /// `w:numId`.
    pub num_id: Option<u32>,
    /// `w:ilvl`.
    pub ilvl: Option<u32>,
}

/// Paragraph properties that matter for text extraction.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParaProps {
    /// `w:outlineLvl` (0-based; 9 = body text).
    pub outline_lvl: Option<u32>,
    /// `w:jc` value.
    pub jc: Option<String>,
    /// `w:numPr`.
    pub num: NumPr,
}

/// One style.
#[derive(Debug, Clone, Default)]
pub struct Style {
    /// `w:type` (`paragraph`, `character`, `table`, `numbering`).
    pub kind: String,
    /// `w:name`.
    pub name: Option<String>,
    /// `w:basedOn`.
    pub based_on: Option<String>,
    /// Paragraph properties.
    pub ppr: ParaProps,
    /// Run properties.
    pub rpr: RunProps,
}

/// All styles of a document.
#[derive(Debug, Clone, Default)]
pub struct Styles {
    /// Styles by `w:styleId`.
    pub by_id: HashMap<String, Style>,
    /// `w:docDefaults/w:rPrDefault`.
    pub default_rpr: RunProps,
    /// The default paragraph style (`w:default="1"`), applied to paragraphs without `w:pStyle`.
    pub default_para: Option<String>,
}

/// Parse `w:rPr` children (the reader is just past its start tag).
pub fn parse_rpr(r: &mut XmlReader<'_>) -> Result<(RunProps, Option<String>), ReadError> {
    let mut p = RunProps::default();
    let mut bcs = None;
    let mut rstyle = None;
    while let Some(e) = next_child(r)? {
        if e.ns == Ns::W {
            match e.local {
                b"b" => p.bold = Some(on_off(&e)),
                b"bCs" => bcs = Some(on_off(&e)),
                b"vanish" => p.vanish = Some(on_off(&e)),
                b"rStyle" => rstyle = e.attr(Ns::W, "val").map(str::to_string),
                _ => {}
            }
        }
        r.skip_element()?;
    }
    p.bold = p.bold.or(bcs);
    Ok((p, rstyle))
}

/// Parse `w:numPr` children.
pub fn parse_numpr(r: &mut XmlReader<'_>) -> Result<NumPr, ReadError> {
    let mut n = NumPr::default();
    while let Some(e) = next_child(r)? {
        if e.is(Ns::W, "numId") {
            n.num_id = e.attr(Ns::W, "val").and_then(parse_u32);
        } else if e.is(Ns::W, "ilvl") {
            n.ilvl = e.attr(Ns::W, "val").and_then(parse_u32);
        }
        r.skip_element()?;
    }
    Ok(n)
}

/// Parse the style-relevant part of a `w:pPr` (inside a style or docDefaults).
fn parse_style_ppr(r: &mut XmlReader<'_>) -> Result<ParaProps, ReadError> {
    let mut p = ParaProps::default();
    while let Some(e) = next_child(r)? {
        if e.is(Ns::W, "outlineLvl") {
            p.outline_lvl = e.attr(Ns::W, "val").and_then(parse_u32);
            r.skip_element()?;
        } else if e.is(Ns::W, "jc") {
            p.jc = e.attr(Ns::W, "val").map(str::to_string);
            r.skip_element()?;
        } else if e.is(Ns::W, "numPr") {
            p.num = parse_numpr(r)?;
        } else {
            r.skip_element()?;
        }
    }
    Ok(p)
}

impl Styles {
    /// Parse a styles part.
    pub fn parse(bytes: &[u8], part: &str, limits: Limits) -> Result<Styles, ReadError> {
        let mut r = XmlReader::new(bytes, part, limits);
        let mut styles = Styles::default();
        // Find the root, then walk its children.
        let Some(root) = next_child(&mut r)? else {
            return Ok(styles);
        };
        if !root.is(Ns::W, "styles") {
            return Ok(styles);
        }
        while let Some(e) = next_child(&mut r)? {
            if e.is(Ns::W, "docDefaults") {
                while let Some(d) = next_child(&mut r)? {
                    if d.is(Ns::W, "rPrDefault") {
                        while let Some(x) = next_child(&mut r)? {
                            if x.is(Ns::W, "rPr") {
                                styles.default_rpr = parse_rpr(&mut r)?.0;
                            } else {
                                r.skip_element()?;
                            }
                        }
                    } else {
                        r.skip_element()?;
                    }
                }
            } else if e.is(Ns::W, "style") {
                let id = e.attr(Ns::W, "styleId").unwrap_or_default().to_string();
                let mut st = Style {
                    kind: e.attr(Ns::W, "type").unwrap_or("paragraph").to_string(),
                    ..Style::default()
                };
                let is_default = e.attr(Ns::W, "default").is_some_and(on_off_str);
                while let Some(c) = next_child(&mut r)? {
                    if c.is(Ns::W, "name") {
                        st.name = c.attr(Ns::W, "val").map(str::to_string);
                        r.skip_element()?;
                    } else if c.is(Ns::W, "basedOn") {
                        st.based_on = c.attr(Ns::W, "val").map(str::to_string);
                        r.skip_element()?;
                    } else if c.is(Ns::W, "pPr") {
                        st.ppr = parse_style_ppr(&mut r)?;
                    } else if c.is(Ns::W, "rPr") {
                        st.rpr = parse_rpr(&mut r)?.0;
                    } else {
                        r.skip_element()?;
                    }
                }
                if is_default && st.kind == "paragraph" && styles.default_para.is_none() {
                    styles.default_para = Some(id.clone());
                }
                styles.by_id.entry(id).or_insert(st);
            } else {
                r.skip_element()?;
            }
        }
        Ok(styles)
    }

    /// The style and its ancestors through `basedOn`, nearest first, without cycles.
    pub fn chain<'a>(&'a self, id: &str) -> Vec<(&'a str, &'a Style)> {
        let mut out: Vec<(&str, &Style)> = Vec::new();
        let mut cur = self.by_id.get_key_value(id);
        while let Some((k, st)) = cur {
            if out.len() >= MAX_CHAIN || out.iter().any(|(seen, _)| *seen == k.as_str()) {
                break;
            }
            out.push((k.as_str(), st));
            cur = st
                .based_on
                .as_deref()
                .and_then(|b| self.by_id.get_key_value(b));
        }
        out
    }

    /// Display name of a style.
    pub fn name(&self, id: &str) -> Option<String> {
        self.by_id
            .get(id)
            .map(|s| s.name.clone().unwrap_or_else(|| id.to_string()))
    }

    /// Run properties of a style through its chain.
    pub fn run_props(&self, id: &str) -> RunProps {
        self.chain(id)
            .iter()
            .fold(RunProps::default(), |acc, (_, s)| acc.or(s.rpr))
    }

    /// Justification of a paragraph style through its chain.
    pub fn jc(&self, id: &str) -> Option<String> {
        self.chain(id).iter().find_map(|(_, s)| s.ppr.jc.clone())
    }

    /// Numbering of a paragraph style through its chain (numId and ilvl may come
    /// from different levels of the chain), plus the id of the style in the chain
    /// that gave the numId (for `w:lvl/w:pStyle` matching).
    pub fn num(&self, id: &str) -> (NumPr, Option<String>) {
        let mut n = NumPr::default();
        let mut from = None;
        for (sid, s) in self.chain(id) {
            if n.num_id.is_none() && s.ppr.num.num_id.is_some() {
                n.num_id = s.ppr.num.num_id;
                from = Some(sid.to_string());
            }
            n.ilvl = n.ilvl.or(s.ppr.num.ilvl);
        }
        (n, from)
    }

    /// Heading level (1-based) of a paragraph style: its outline level through the
    /// chain, else a `heading N` / `标题 N` name (or `HeadingN` id) anywhere in the
    /// chain. `Title` is never a heading.
    pub fn heading_level(&self, id: &str) -> Option<u8> {
        let chain = self.chain(id);
        if let Some((_, first)) = chain.first() {
            let is_title = |n: &str| {
                n.trim().eq_ignore_ascii_case("title") || matches!(n.trim(), "标题" | "標題")
            };
            if first.name.as_deref().is_some_and(is_title) || is_title(id) {
                return None;
            }
        }
        for (_, s) in &chain {
            if let Some(l) = s.ppr.outline_lvl {
                return outline_to_level(l);
            }
        }
        for (sid, s) in &chain {
            if let Some(l) = s.name.as_deref().and_then(heading_name_level) {
                return Some(l);
            }
            if let Some(l) = heading_name_level(sid) {
                return Some(l);
            }
        }
        None
    }
}

pub use crate::read::headings::{heading_name_level, outline_to_level};

/// ST_OnOff value as a bool (`true`, `1`, `on` are true).
pub fn on_off_str(v: &str) -> bool {
    !matches!(v.trim(), "0" | "false" | "off" | "none")
}

#[cfg(test)]
mod tests {
    use super::*;

    const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

    #[test]
    fn heading_names() {
        assert_eq!(heading_name_level("heading 1"), Some(1));
        assert_eq!(heading_name_level("Heading3"), Some(3));
        assert_eq!(heading_name_level("标题 2"), Some(2));
        assert_eq!(heading_name_level("标题"), None);
        assert_eq!(heading_name_level("Heading 10"), None);
        assert_eq!(heading_name_level("headings"), None);
    }

    #[test]
    fn chain_with_cycle_and_inheritance() {
        let xml = format!(
            r#"<x:styles xmlns:x="{W}">
            <x:docDefaults><x:rPrDefault><x:rPr><x:b x:val="0"/></x:rPr></x:rPrDefault></x:docDefaults>
            <x:style x:type="paragraph" x:styleId="A"><x:name x:val="Alpha"/><x:basedOn x:val="B"/></x:style>
            <x:style x:type="paragraph" x:styleId="B"><x:name x:val="Beta"/><x:basedOn x:val="A"/>
              <x:pPr><x:jc x:val="center"/><x:outlineLvl x:val="1"/></x:pPr><x:rPr><x:b/></x:rPr></x:style>
            <x:style x:type="paragraph" x:styleId="H"><x:name x:val="标题 3"/></x:style>
            <x:style x:type="paragraph" x:styleId="Title"><x:name x:val="Title"/><x:basedOn x:val="H"/></x:style>
            <x:style x:type="paragraph" x:styleId="Body"><x:name x:val="Body"/><x:basedOn x:val="B"/>
              <x:pPr><x:outlineLvl x:val="9"/></x:pPr></x:style>
            </x:styles>"#
        );
        let s = Styles::parse(xml.as_bytes(), "styles.xml", Limits::default()).unwrap();
        assert_eq!(s.chain("A").len(), 2);
        assert_eq!(s.heading_level("A"), Some(2));
        assert_eq!(s.jc("A").as_deref(), Some("center"));
        assert_eq!(s.run_props("A").bold, Some(true));
        assert_eq!(s.default_rpr.bold, Some(false));
        assert_eq!(s.heading_level("H"), Some(3));
        assert_eq!(s.heading_level("Title"), None);
        assert_eq!(s.heading_level("Body"), None);
        assert_eq!(s.name("H").as_deref(), Some("标题 3"));
    }
}
