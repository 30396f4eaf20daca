//! Streaming XML shared by the readers: a thin layer over quick-xml's `NsReader`
//! that resolves every element and attribute name to a known namespace ([`Ns`]) +
//! local name, so readers match by namespace URI and never by prefix; that maps
//! syntax errors to [`ReadError::Xml`] with the part name and byte offset; that
//! refuses DOCTYPEs declaring entities; and that bounds nesting depth.

use crate::container::Limits;
use crate::error::ReadError;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;
use quick_xml::NsReader;
use std::borrow::Cow;

/// Namespaces the readers care about. Anything else is [`Ns::Other`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Ns {
    /// No namespace.
    None,
    /// WordprocessingML main (transitional or strict).
    W,
    /// Office relationships (`r:id`), transitional or strict.
    R,
    /// Markup compatibility (`mc:AlternateContent`).
    Mc,
    /// OPC package relationships (`_rels/*.rels`).
    PkgRel,
    /// OPC core properties.
    Cp,
    /// Dublin Core elements.
    Dc,
    /// Dublin Core terms.
    DcTerms,
    /// Extended (app.xml) properties.
    ExtProps,
    /// Custom properties.
    CustomProps,
    /// VML (`v:textbox`).
    Vml,
    /// DrawingML WordprocessingML drawing (`wp:`).
    Wp,
    /// DrawingML main (`a:`).
    A,
    /// Word 2010 shapes (`wps:`).
    Wps,
    /// Office Math (`m:oMath`).
    Math,
    /// ODF office.
    Office,
    /// ODF text.
    Text,
    /// ODF table.
    Table,
    /// ODF style.
    Style,
    /// ODF XSL-FO compatible attributes.
    Fo,
    /// ODF drawing.
    Draw,
    /// ODF meta.
    Meta,
    /// ODF manifest.
    Manifest,
    /// XML namespace (`xml:space`).
    Xml,
    /// Any other namespace.
    Other,
}

impl Ns {
    /// Map a namespace URI to a known namespace.
    pub fn from_uri(uri: &[u8]) -> Ns {
        match uri {
            b"http://schemas.openxmlformats.org/wordprocessingml/2006/main"
            | b"http://purl.oclc.org/ooxml/wordprocessingml/main" => Ns::W,
            b"http://schemas.openxmlformats.org/officeDocument/2006/relationships"
            | b"http://purl.oclc.org/ooxml/officeDocument/relationships" => Ns::R,
            b"http://schemas.openxmlformats.org/markup-compatibility/2006" => Ns::Mc,
            b"http://schemas.openxmlformats.org/package/2006/relationships" => Ns::PkgRel,
            b"http://schemas.openxmlformats.org/package/2006/metadata/core-properties" => Ns::Cp,
            b"http://purl.org/dc/elements/1.1/" => Ns::Dc,
            b"http://purl.org/dc/terms/" => Ns::DcTerms,
            b"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
            | b"http://purl.oclc.org/ooxml/officeDocument/extendedProperties" => Ns::ExtProps,
            b"http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
            | b"http://purl.oclc.org/ooxml/officeDocument/customProperties" => Ns::CustomProps,
            b"urn:schemas-microsoft-com:vml" => Ns::Vml,
            b"http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
            | b"http://purl.oclc.org/ooxml/drawingml/wordprocessingDrawing" => Ns::Wp,
            b"http://schemas.openxmlformats.org/drawingml/2006/main"
            | b"http://purl.oclc.org/ooxml/drawingml/main" => Ns::A,
            b"http://schemas.microsoft.com/office/word/2010/wordprocessingShape" => Ns::Wps,
            b"http://schemas.openxmlformats.org/officeDocument/2006/math"
            | b"http://purl.oclc.org/ooxml/officeDocument/math" => Ns::Math,
            b"urn:oasis:names:tc:opendocument:xmlns:office:1.0" => Ns::Office,
            b"urn:oasis:names:tc:opendocument:xmlns:text:1.0" => Ns::Text,
            b"urn:oasis:names:tc:opendocument:xmlns:table:1.0" => Ns::Table,
            b"urn:oasis:names:tc:opendocument:xmlns:style:1.0" => Ns::Style,
            b"urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" => Ns::Fo,
            b"urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" => Ns::Draw,
            b"urn:oasis:names:tc:opendocument:xmlns:meta:1.0" => Ns::Meta,
            b"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" => Ns::Manifest,
            b"http://www.w3.org/XML/1998/namespace" => Ns::Xml,
            _ => Ns::Other,
        }
    }
}

fn ns_of(r: &ResolveResult<'_>) -> Ns {
    match r {
        ResolveResult::Bound(ns) => Ns::from_uri(ns.as_ref()),
        ResolveResult::Unbound => Ns::None,
        ResolveResult::Unknown(p) if p.as_slice() == b"xml" => Ns::Xml,
        ResolveResult::Unknown(_) => Ns::Other,
    }
}

/// One attribute with its resolved namespace.
#[derive(Debug, Clone)]
pub struct Attr {
    /// Namespace.
    pub ns: Ns,
    /// Local name.
    pub local: Vec<u8>,
    /// Unescaped value.
    pub value: String,
}

/// A start tag (empty elements are reported as a start followed by an end).
#[derive(Debug, Clone)]
pub struct Elem {
    /// Namespace.
    pub ns: Ns,
    /// Local name.
    pub local: Vec<u8>,
    /// Attributes with resolved namespaces.
    pub attrs: Vec<Attr>,
}

impl Elem {
    /// Whether this is `ns:local`.
    pub fn is(&self, ns: Ns, local: &str) -> bool {
        self.ns == ns && self.local == local.as_bytes()
    }

    /// Attribute value by namespace and local name.
    pub fn attr(&self, ns: Ns, local: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|a| a.ns == ns && a.local == local.as_bytes())
            .map(|a| a.value.as_ref())
    }
}

/// A simplified event.
#[derive(Debug, Clone)]
pub enum Ev<'a> {
    /// Start of an element.
    Start(Elem),
    /// End of an element (namespace and local name).
    End(Ns, Vec<u8>),
    /// Character data, unescaped (text or CDATA).
    Text(Cow<'a, str>),
    /// End of the document.
    Eof,
}

/// A streaming, namespace-resolving reader over one part held in memory.
pub struct XmlReader<'a> {
    inner: NsReader<&'a [u8]>,
    part: String,
    depth: usize,
    max_depth: usize,
}

impl<'a> XmlReader<'a> {
    /// Start reading `bytes` (the part called `part`).
    pub fn new(bytes: &'a [u8], part: &str, limits: Limits) -> Self {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let mut inner = NsReader::from_reader(bytes);
        let cfg = inner.config_mut();
        cfg.expand_empty_elements = true;
        cfg.trim_text(false);
        cfg.check_end_names = true;
        XmlReader {
            inner,
            part: part.to_string(),
            depth: 0,
            max_depth: limits.max_depth,
        }
    }

    /// The part being read.
    pub fn part(&self) -> &str {
        &self.part
    }

    /// Current byte offset in the part.
    pub fn offset(&self) -> u64 {
        self.inner.buffer_position()
    }

    /// The namespace URI bound to `prefix` in the current scope (the scope of the
    /// element whose start was just read), e.g. to resolve the prefixes listed in an
    /// `mc:Choice Requires` attribute. `None` when the prefix is unbound.
    pub fn prefix_uri(&self, prefix: &str) -> Option<String> {
        let qname = format!("{prefix}:x");
        match self
            .inner
            .resolve_element(quick_xml::name::QName(qname.as_bytes()))
            .0
        {
            ResolveResult::Bound(ns) => Some(String::from_utf8_lossy(ns.as_ref()).into_owned()),
            _ => None,
        }
    }

    /// Current element depth.
    pub fn depth(&self) -> usize {
        self.depth
    }

    fn xml_error(&self, offset: u64, message: String) -> ReadError {
        ReadError::Xml {
            part: self.part.clone(),
            offset,
            message,
        }
    }

    /// Next event, skipping declarations, comments and processing instructions.
    #[allow(clippy::should_implement_trait)] // fallible, so not an Iterator
    pub fn next(&mut self) -> Result<Ev<'a>, ReadError> {
        loop {
            let (res, ev) = match self.inner.read_resolved_event() {
                Ok(x) => x,
                Err(e) => {
                    let off = self.inner.error_position();
                    return Err(self.xml_error(off, e.to_string()));
                }
            };
            match ev {
                Event::Start(start) => {
                    self.depth += 1;
                    if self.depth > self.max_depth {
                        return Err(ReadError::TooDeep {
                            part: self.part.clone(),
                            limit: self.max_depth,
                        });
                    }
                    let ns = ns_of(&res);
                    let elem = self.elem(ns, &start)?;
                    return Ok(Ev::Start(elem));
                }
                Event::End(end) => {
                    self.depth = self.depth.saturating_sub(1);
                    let ns = ns_of(&res);
                    return Ok(Ev::End(ns, end.local_name().as_ref().to_vec()));
                }
                Event::Text(t) => {
                    let off = self.offset();
                    let text = t
                        .unescape()
                        .map_err(|e| self.xml_error(off, e.to_string()))?;
                    return Ok(Ev::Text(text));
                }
                Event::CData(c) => {
                    let off = self.offset();
                    let text = c.decode().map_err(|e| self.xml_error(off, e.to_string()))?;
                    return Ok(Ev::Text(text));
                }
                Event::DocType(d) => {
                    if d.windows(8).any(|w| w.eq_ignore_ascii_case(b"<!ENTITY")) {
                        return Err(ReadError::EntityDeclaration {
                            part: self.part.clone(),
                        });
                    }
                }
                Event::Eof if self.depth > 0 => {
                    let off = self.offset();
                    return Err(self.xml_error(
                        off,
                        format!(
                            "unexpected end of part, {} element(s) left open",
                            self.depth
                        ),
                    ));
                }
                Event::Eof => return Ok(Ev::Eof),
                Event::Empty(_) | Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
            }
        }
    }

    fn elem(&self, ns: Ns, start: &BytesStart<'_>) -> Result<Elem, ReadError> {
        let local = start.local_name().as_ref().to_vec();
        let mut attrs = Vec::new();
        for a in start.attributes() {
            let off = self.offset();
            let a = a.map_err(|e| self.xml_error(off, e.to_string()))?;
            if a.key.as_namespace_binding().is_some() {
                continue;
            }
            let (res, local_name) = self.inner.resolve_attribute(a.key);
            let ans = ns_of(&res);
            let value = a
                .unescape_value()
                .map_err(|e| self.xml_error(off, e.to_string()))?
                .into_owned();
            let local_bytes = local_name.as_ref().to_vec();
            attrs.push(Attr {
                ns: ans,
                local: local_bytes,
                value,
            });
        }
        Ok(Elem { ns, local, attrs })
    }

    /// Skip the rest of the element whose start was just read.
    pub fn skip_element(&mut self) -> Result<(), ReadError> {
        let target = self.depth - 1;
        loop {
            match self.next()? {
                Ev::End(..) if self.depth == target => return Ok(()),
                Ev::Eof => return Ok(()),
                _ => {}
            }
        }
    }

    /// Collect all text inside the element whose start was just read.
    pub fn element_text(&mut self) -> Result<String, ReadError> {
        let target = self.depth - 1;
        let mut out = String::new();
        loop {
            match self.next()? {
                Ev::Text(t) => out.push_str(&t),
                Ev::End(..) if self.depth == target => return Ok(out),
                Ev::Eof => return Ok(out),
                _ => {}
            }
        }
    }
}

/// One OPC relationship.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Relationship {
    /// `Id`.
    pub id: String,
    /// `Type` URI.
    pub rel_type: String,
    /// `Target`, as written.
    pub target: String,
    /// `TargetMode="External"`.
    pub external: bool,
}

/// Parse a `.rels` part.
pub fn relationships(
    bytes: &[u8],
    part: &str,
    limits: Limits,
) -> Result<Vec<Relationship>, ReadError> {
    let mut r = XmlReader::new(bytes, part, limits);
    let mut out = Vec::new();
    loop {
        match r.next()? {
            Ev::Start(e) if e.local == b"Relationship" => {
                let get = |n: &str| e.attr(Ns::None, n).unwrap_or_default().to_string();
                out.push(Relationship {
                    id: get("Id"),
                    rel_type: get("Type"),
                    target: get("Target"),
                    external: get("TargetMode").eq_ignore_ascii_case("external"),
                });
            }
            Ev::Eof => return Ok(out),
            _ => {}
        }
    }
}
