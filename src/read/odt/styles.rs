//! ODT styles (ODF 1.2 §16): paragraph and text styles (`style:style` with its
//! `style:paragraph-properties` / `style:text-properties`), default styles, list
//! styles (`text:list-style`) and the outline style (`text:outline-style`), from
//! `office:styles` (common) and `office:automatic-styles` (per part).
//!
//! Only what the reader needs is kept: display names, the parent chain, bold,
//! centering, default outline level and associated list style.

use super::lists::{LevelKind, ListLevel, ListStyle, MAX_LEVELS};
use crate::error::ReadError;
use crate::xml::{Elem, Ev, Ns, XmlReader};
use std::collections::HashMap;

/// Longest parent chain followed (guards against cycles).
const MAX_CHAIN: usize = 32;

/// One `style:style` (or `style:default-style`), reduced.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct StyleDef {
    /// `style:display-name`.
    pub display_name: Option<String>,
    /// `style:parent-style-name`.
    pub parent: Option<String>,
    /// From `fo:font-weight` in the text properties (Western script).
    pub bold: Option<bool>,
    /// From `style:font-weight-asian` (CJK script).
    pub bold_asian: Option<bool>,
    /// From `fo:text-align` in the paragraph properties.
    pub centered: Option<bool>,
    /// `style:default-outline-level`: `Some(0)` when present but empty.
    pub outline_level: Option<u8>,
    /// `style:list-style-name`.
    pub list_style: Option<String>,
}

/// Styles of one kind of container (common or automatic).
#[derive(Debug, Clone, Default)]
pub(crate) struct Layer {
    /// Paragraph-family styles by name.
    pub para: HashMap<String, StyleDef>,
    /// Text-family styles by name.
    pub text: HashMap<String, StyleDef>,
    /// List styles by name.
    pub lists: HashMap<String, ListStyle>,
}

/// The styles visible from one part: the common styles of styles.xml plus the
/// automatic styles of that part.
#[derive(Debug, Clone, Default)]
pub(crate) struct Styles {
    /// `office:styles` of styles.xml.
    pub common: Layer,
    /// `office:automatic-styles` of the part being read.
    pub auto: Layer,
    /// `text:outline-style`.
    pub outline: ListStyle,
    /// Its `style:name` (LibreOffice: `Outline`).
    pub outline_name: Option<String>,
    /// `style:default-style style:family="paragraph"`.
    pub default_para: StyleDef,
}

impl Styles {
    fn para_def(&self, name: &str) -> Option<&StyleDef> {
        self.auto
            .para
            .get(name)
            .or_else(|| self.common.para.get(name))
    }

    /// Whether a paragraph style name is defined anywhere.
    pub fn has_para(&self, name: &str) -> bool {
        self.para_def(name).is_some()
    }

    /// First value `f` yields along the paragraph style's parent chain, then the
    /// default paragraph style.
    fn para_find<T>(&self, name: Option<&str>, f: impl Fn(&StyleDef) -> Option<T>) -> Option<T> {
        let first = name.and_then(|n| self.para_def(n));
        chain_find(first, &self.common.para, &self.auto.para, &f).or_else(|| f(&self.default_para))
    }

    /// Display name of a paragraph style: an automatic style shows as its parent.
    pub fn para_display_name(&self, name: &str) -> Option<String> {
        if let Some(def) = self.auto.para.get(name) {
            let parent = def.parent.as_deref()?;
            return Some(match self.common.para.get(parent) {
                Some(p) => p.display_name.clone().unwrap_or_else(|| parent.to_string()),
                None => parent.to_string(),
            });
        }
        Some(match self.common.para.get(name) {
            Some(def) => def.display_name.clone().unwrap_or_else(|| name.to_string()),
            None => name.to_string(),
        })
    }

    /// Whether the paragraph style makes text bold, per script.
    pub fn para_bold(&self, name: Option<&str>) -> Bold {
        Bold {
            western: self.para_find(name, |d| d.bold).unwrap_or(false),
            asian: self.para_find(name, |d| d.bold_asian).unwrap_or(false),
        }
    }

    /// Whether the paragraph style centers the paragraph.
    pub fn para_centered(&self, name: Option<&str>) -> bool {
        self.para_find(name, |d| d.centered).unwrap_or(false)
    }

    /// The paragraph style's default outline level (≥ 1), if any.
    pub fn para_outline_level(&self, name: Option<&str>) -> Option<u8> {
        self.para_find(name, |d| d.outline_level).filter(|&l| l > 0)
    }

    /// The list style associated with the paragraph style, if any.
    pub fn para_list_style(&self, name: Option<&str>) -> Option<String> {
        self.para_find(name, |d| d.list_style.clone())
            .filter(|s| !s.is_empty())
    }

    /// Bold inside a span with text style `name` (through its parents); what the
    /// style leaves unset is `inherited`.
    pub fn text_bold(&self, name: &str, inherited: Bold) -> Bold {
        let first = self
            .auto
            .text
            .get(name)
            .or_else(|| self.common.text.get(name));
        let find = |f: fn(&StyleDef) -> Option<bool>| {
            chain_find(first, &self.common.text, &self.auto.text, &f)
        };
        Bold {
            western: find(|d| d.bold).unwrap_or(inherited.western),
            asian: find(|d| d.bold_asian).unwrap_or(inherited.asian),
        }
    }

    /// Whether list style `name` means the outline style (it names it, or names
    /// no list style at all).
    pub fn is_outline_list(&self, name: &str) -> bool {
        self.outline_name.as_deref() == Some(name) || self.list_style(name).is_none()
    }

    /// A list style by name.
    pub fn list_style(&self, name: &str) -> Option<&ListStyle> {
        self.auto
            .lists
            .get(name)
            .or_else(|| self.common.lists.get(name))
    }
}

/// First value `f` yields along a style's parent chain, starting at `first`;
/// parents are looked up among common styles, then automatic ones. At most
/// [`MAX_CHAIN`] + 1 styles are visited (cycles end there).
fn chain_find<'a, T>(
    first: Option<&'a StyleDef>,
    common: &'a HashMap<String, StyleDef>,
    auto: &'a HashMap<String, StyleDef>,
    f: &impl Fn(&StyleDef) -> Option<T>,
) -> Option<T> {
    let mut cur = first;
    for _ in 0..=MAX_CHAIN {
        let def = cur?;
        if let Some(v) = f(def) {
            return Some(v);
        }
        cur = def
            .parent
            .as_deref()
            .and_then(|p| common.get(p).or_else(|| auto.get(p)));
    }
    None
}

/// Read the children of a styles container (`office:styles`,
/// `office:automatic-styles`) whose start was just read, into `layer`. The outline
/// style and default paragraph style go to `outline` / `default_para` when given.
pub(crate) fn read_container(
    r: &mut XmlReader<'_>,
    layer: &mut Layer,
    mut outline: Option<(&mut ListStyle, &mut Option<String>)>,
    mut default_para: Option<&mut StyleDef>,
) -> Result<(), ReadError> {
    let depth = r.depth();
    loop {
        match r.next()? {
            Ev::Start(e) => {
                if e.is(Ns::Style, "style") {
                    let [family, name] = attrs_of(&e, [(Ns::Style, "family"), (Ns::Style, "name")]);
                    let family = family.unwrap_or_default();
                    let name = name.unwrap_or_default().into_owned();
                    let def = read_style(r, &e)?;
                    match family.as_ref() {
                        "paragraph" => {
                            layer.para.insert(name, def);
                        }
                        "text" => {
                            layer.text.insert(name, def);
                        }
                        _ => {}
                    }
                } else if e.is(Ns::Style, "default-style") {
                    let family = e.attr(Ns::Style, "family").unwrap_or_default().to_string();
                    let def = read_style(r, &e)?;
                    if family == "paragraph" {
                        if let Some(d) = default_para.as_deref_mut() {
                            *d = def;
                        }
                    }
                } else if e.is(Ns::Text, "list-style") {
                    let name = e.attr(Ns::Style, "name").unwrap_or_default().to_string();
                    let style = read_list_style(r)?;
                    layer.lists.insert(name, style);
                } else if e.is(Ns::Text, "outline-style") {
                    let name = nonempty(e.attr(Ns::Style, "name"));
                    let style = read_list_style(r)?;
                    if let Some((o, n)) = outline.as_mut() {
                        **o = style;
                        **n = name;
                    }
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

fn nonempty(s: Option<&str>) -> Option<String> {
    s.filter(|s| !s.is_empty()).map(str::to_string)
}

/// The first value of each attribute `wanted` names, in one pass over the
/// attributes (what [`Elem::attr`] returns for each, without scanning them once
/// per name: LibreOffice's styles carry many attributes).
fn attrs_of<'e, const N: usize>(
    e: &'e Elem,
    wanted: [(Ns, &str); N],
) -> [Option<std::borrow::Cow<'e, str>>; N] {
    let mut found: [Option<std::borrow::Cow<'e, str>>; N] = std::array::from_fn(|_| None);
    for a in e.attrs() {
        for (slot, (ns, local)) in found.iter_mut().zip(wanted) {
            if slot.is_none() && a.ns == ns && a.local == local.as_bytes() {
                *slot = Some(a.value.clone());
            }
        }
    }
    found
}

fn read_style(r: &mut XmlReader<'_>, e: &Elem) -> Result<StyleDef, ReadError> {
    let [display_name, parent, outline_level, list_style] = attrs_of(
        e,
        [
            (Ns::Style, "display-name"),
            (Ns::Style, "parent-style-name"),
            (Ns::Style, "default-outline-level"),
            (Ns::Style, "list-style-name"),
        ],
    );
    let mut def = StyleDef {
        display_name: nonempty(display_name.as_deref()),
        parent: nonempty(parent.as_deref()),
        outline_level: outline_level.map(|v| v.trim().parse::<u8>().unwrap_or(0)),
        list_style: list_style.map(|v| v.into_owned()),
        ..StyleDef::default()
    };
    let depth = r.depth();
    loop {
        match r.next()? {
            Ev::Start(p) => {
                if p.is(Ns::Style, "text-properties") {
                    let [western, asian] = attrs_of(
                        &p,
                        [(Ns::Fo, "font-weight"), (Ns::Style, "font-weight-asian")],
                    );
                    if let Some(w) = western {
                        def.bold = Some(is_bold_weight(&w));
                    }
                    if let Some(w) = asian {
                        def.bold_asian = Some(is_bold_weight(&w));
                    }
                } else if p.is(Ns::Style, "paragraph-properties") {
                    if let Some(a) = p.attr(Ns::Fo, "text-align") {
                        def.centered = Some(a.trim() == "center");
                    }
                }
                r.skip_element()?;
            }
            Ev::End(..) if r.depth() < depth => return Ok(def),
            Ev::Eof => return Ok(def),
            _ => {}
        }
    }
}

/// Bold state per script: LibreOffice renders CJK characters with the Asian
/// font attributes (`style:font-weight-asian`) and others with `fo:font-weight`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Bold {
    /// Western (and complex) script characters.
    pub western: bool,
    /// CJK characters.
    pub asian: bool,
}

impl Bold {
    /// Whether character `c` is bold.
    pub fn for_char(self, c: char) -> bool {
        if is_asian(c) {
            self.asian
        } else {
            self.western
        }
    }
}

/// Characters LibreOffice treats as Asian script: CJK ideographs, kana, hangul,
/// CJK punctuation and full-width forms.
fn is_asian(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x11FF
        | 0x2E80..=0x2FFF
        | 0x3000..=0x9FFF
        | 0xA960..=0xA97F
        | 0xAC00..=0xD7FF
        | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F
        | 0xFF00..=0xFFEF
        | 0x20000..=0x3FFFF)
}

/// `fo:font-weight`: `bold` or a numeric weight of 700 and more.
fn is_bold_weight(w: &str) -> bool {
    let w = w.trim();
    w == "bold" || w == "bolder" || w.parse::<u32>().is_ok_and(|n| n >= 700)
}

/// `text:label-followed-by` of the `style:list-level-label-alignment` inside the
/// level style whose start was just read (consumes the level style).
fn read_label_followed_by(r: &mut XmlReader<'_>) -> Result<Option<String>, ReadError> {
    let depth = r.depth();
    let mut out = None;
    loop {
        match r.next()? {
            Ev::Start(e) if e.is(Ns::Style, "list-level-label-alignment") => {
                out = e.attr(Ns::Text, "label-followed-by").map(str::to_string);
            }
            Ev::End(..) if r.depth() < depth => return Ok(out),
            Ev::Eof => return Ok(out),
            _ => {}
        }
    }
}

/// Read the level styles of a `text:list-style` / `text:outline-style` whose start
/// was just read.
fn read_list_style(r: &mut XmlReader<'_>) -> Result<ListStyle, ReadError> {
    let mut style = ListStyle::default();
    let depth = r.depth();
    loop {
        match r.next()? {
            Ev::Start(e) => {
                let kind = if e.is(Ns::Text, "list-level-style-number")
                    || e.is(Ns::Text, "outline-level-style")
                {
                    Some(LevelKind::Number {
                        format: e
                            .attr(Ns::Style, "num-format")
                            .unwrap_or_default()
                            .to_string(),
                        letter_sync: e.attr(Ns::Style, "num-letter-sync") == Some("true"),
                    })
                } else if e.is(Ns::Text, "list-level-style-bullet") {
                    Some(LevelKind::Bullet(
                        e.attr(Ns::Text, "bullet-char")
                            .unwrap_or_default()
                            .to_string(),
                    ))
                } else if e.is(Ns::Text, "list-level-style-image") {
                    Some(LevelKind::Image)
                } else {
                    None
                };
                let Some(kind) = kind else {
                    r.skip_element()?;
                    continue;
                };
                let followed_by = read_label_followed_by(r)?;
                let level = e
                    .attr(Ns::Text, "level")
                    .and_then(|v| v.trim().parse::<usize>().ok())
                    .unwrap_or(1);
                if (1..=MAX_LEVELS).contains(&level) {
                    style.levels[level - 1] = Some(ListLevel {
                        kind,
                        prefix: e.attr(Ns::Style, "num-prefix").unwrap_or_default().into(),
                        suffix: e.attr(Ns::Style, "num-suffix").unwrap_or_default().into(),
                        display_levels: e
                            .attr(Ns::Text, "display-levels")
                            .and_then(|v| v.trim().parse::<usize>().ok())
                            .unwrap_or(1)
                            .clamp(1, MAX_LEVELS),
                        start: e
                            .attr(Ns::Text, "start-value")
                            .and_then(|v| v.trim().parse::<i64>().ok())
                            .unwrap_or(1),
                        list_format: e
                            .attrs()
                            .find(|a| a.ns == Ns::Other && a.local == b"num-list-format")
                            .map(|a| a.value.to_string())
                            .filter(|v| !v.is_empty()),
                        followed_by_nothing: followed_by.as_deref() == Some("nothing"),
                    });
                }
            }
            Ev::End(..) if r.depth() < depth => return Ok(style),
            Ev::Eof => return Ok(style),
            _ => {}
        }
    }
}

/// Read the style containers of a part (styles.xml or content.xml). Common
/// styles go to `common` (styles.xml only matters there), automatic ones to `auto`.
/// Returns on the end of the document; stops early at `office:body` /
/// `office:master-styles`, which the caller reads separately.
pub(crate) fn read_part_styles(
    r: &mut XmlReader<'_>,
    styles: &mut Styles,
    auto: &mut Layer,
) -> Result<(), ReadError> {
    loop {
        match r.next()? {
            Ev::Start(e) => {
                if e.is(Ns::Office, "styles") {
                    read_container(
                        r,
                        &mut styles.common,
                        Some((&mut styles.outline, &mut styles.outline_name)),
                        Some(&mut styles.default_para),
                    )?;
                } else if e.is(Ns::Office, "automatic-styles") {
                    read_container(r, auto, None, None)?;
                } else if e.is(Ns::Office, "font-face-decls") || e.is(Ns::Office, "scripts") {
                    r.skip_element()?;
                } else if e.is(Ns::Office, "body") || e.is(Ns::Office, "master-styles") {
                    return Ok(());
                }
            }
            Ev::Eof => return Ok(()),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::container::Limits;

    const XML: &str = r#"<office:document-styles
        xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
        xmlns:s="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
        xmlns:t="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
        xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0">
      <office:styles>
        <s:default-style s:family="paragraph"><s:paragraph-properties fo:text-align="start"/></s:default-style>
        <s:style s:name="Heading" s:family="paragraph"><s:text-properties fo:font-weight="700" s:font-weight-asian="bold"/></s:style>
        <s:style s:name="Heading_20_1" s:display-name="Heading 1" s:family="paragraph"
                 s:parent-style-name="Heading" s:default-outline-level="1">
          <s:paragraph-properties fo:text-align="center"/></s:style>
        <s:style s:name="Strong" s:family="text"><s:text-properties fo:font-weight="bold"/></s:style>
        <s:style s:name="Weak" s:family="text" s:parent-style-name="Strong"><s:text-properties s:font-weight-asian="normal"/></s:style>
        <t:list-style s:name="L"><t:list-level-style-bullet t:level="1" t:bullet-char="•"/></t:list-style>
        <t:outline-style s:name="Outline">
          <t:outline-level-style t:level="1" s:num-format="一, 二, 三, ..." s:num-suffix="、"/>
        </t:outline-style>
      </office:styles>
      <office:automatic-styles>
        <s:style s:name="P1" s:family="paragraph" s:parent-style-name="Heading_20_1"/>
      </office:automatic-styles>
    </office:document-styles>"#;

    #[test]
    fn reads_chains_lists_and_outline() {
        let mut styles = Styles::default();
        let mut auto = Layer::default();
        let mut r = XmlReader::new(XML.as_bytes(), "styles.xml", Limits::default());
        read_part_styles(&mut r, &mut styles, &mut auto).expect("styles");
        styles.auto = auto;
        assert_eq!(styles.para_display_name("P1").as_deref(), Some("Heading 1"));
        assert_eq!(
            styles.para_display_name("Heading").as_deref(),
            Some("Heading")
        );
        assert_eq!(
            styles.para_bold(Some("P1")),
            Bold {
                western: true,
                asian: true
            }
        );
        assert!(styles.para_centered(Some("P1")));
        assert!(!styles.para_centered(Some("Heading")));
        assert_eq!(styles.para_outline_level(Some("P1")), Some(1));
        assert_eq!(styles.para_outline_level(Some("Heading")), None);
        let none = Bold::default();
        let weak = styles.text_bold(
            "Weak",
            Bold {
                western: false,
                asian: true,
            },
        );
        assert_eq!(
            weak,
            Bold {
                western: true,
                asian: false
            }
        );
        assert!(weak.for_char('a') && !weak.for_char('公') && !weak.for_char('，'));
        assert_eq!(styles.text_bold("Unknown", none), none);
        assert!(matches!(
            styles.list_style("L").and_then(|l| l.level(0)).map(|l| &l.kind),
            Some(LevelKind::Bullet(c)) if c == "•"
        ));
        assert_eq!(
            styles.outline.level(0).map(|l| l.suffix.as_str()),
            Some("、")
        );
    }
}
