//! Streaming XML shared by the readers: a thin layer over quick-xml's `Reader`
//! that resolves every element and attribute name to a known namespace ([`Ns`]) +
//! local name (Namespaces in XML 1.0, with the declaration checks of quick-xml's
//! `NsReader`), so readers match by namespace URI and never by prefix; that maps
//! syntax errors to [`ReadError::Xml`] with the part name and byte offset; that
//! refuses DOCTYPEs declaring entities; and that bounds nesting depth.
//!
//! Built for throughput: events borrow the part's bytes (names, attribute values
//! and text are copied only when they contain references), each declaration is
//! mapped to an [`Ns`] once, and a part that is valid UTF-8 as a whole (one SIMD
//! check) is not decoded again piece by piece.

use crate::error::ReadError;
use crate::limits::Limits;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::{NamespaceError, PrefixDeclaration};
use quick_xml::Reader;
use std::borrow::Cow;
use std::collections::HashMap;

mod memo;
mod own;
mod scope;
pub use memo::Memo;

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

/// One attribute with its resolved namespace. Names and values borrow the part's
/// bytes; a value is owned only when it contained entity or character references.
#[derive(Debug, Clone)]
pub struct Attr<'a> {
    /// Namespace.
    pub ns: Ns,
    /// Local name.
    pub local: &'a [u8],
    /// Unescaped value.
    pub value: Cow<'a, str>,
}

/// Attributes [`XmlReader::start_own`] handles; a tag with more goes the
/// general way.
const FAST_ATTRS: usize = 8;

/// XML white space (production `S`).
fn is_xml_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

/// `s` without its leading XML white space.
fn skip_space(s: &[u8]) -> &[u8] {
    let n = s.iter().take_while(|b| is_xml_space(**b)).count();
    &s[n..]
}

/// One plainly written attribute at the start of `s` (white space first
/// allowed): qualified name, raw value and the rest. `None` at the end of `s` or
/// at anything unusual (see [`XmlReader::start_own`]).
fn plain_attr(s: &[u8]) -> Option<(&[u8], &[u8], &[u8])> {
    let s = skip_space(s);
    let key_len = s
        .iter()
        .position(|&b| b == b'=' || b == b'"' || b == b'\'' || is_xml_space(b))?;
    let (key, rest) = s.split_at(key_len);
    let rest = skip_space(rest).strip_prefix(b"=")?;
    let (&quote, rest) = skip_space(rest).split_first()?;
    if key.is_empty() || (quote != b'"' && quote != b'\'') {
        return None;
    }
    let end = rest.iter().position(|&b| b == quote)?;
    Some((key, &rest[..end], &rest[end + 1..]))
}

/// Local part of a qualified name (after the first colon, as quick-xml splits).
fn local_part(qname: &[u8]) -> &[u8] {
    match qname.iter().position(|&b| b == b':') {
        Some(i) => &qname[i + 1..],
        None => qname,
    }
}

/// The attributes of a start tag.
#[derive(Debug, Clone)]
enum Attrs<'a> {
    /// The attribute text of a tag [`XmlReader::start_own`] accepted, without
    /// references, and each attribute's namespace: read again on demand, so
    /// that the many attributes nobody asks for (`w:rsidR`, `w:rFonts`…) cost
    /// no allocation.
    Plain { text: &'a str, ns: [Ns; FAST_ATTRS] },
    /// Parsed one by one.
    List(Vec<Attr<'a>>),
}

/// A start tag (empty elements are reported as a start followed by an end).
/// Borrows the part's bytes.
#[derive(Debug, Clone)]
pub struct Elem<'a> {
    /// Namespace.
    pub ns: Ns,
    /// Local name.
    pub local: &'a [u8],
    /// Attributes (namespace declarations excluded), in document order.
    attrs: Attrs<'a>,
}

impl<'a> Elem<'a> {
    /// Attributes with resolved namespaces (namespace declarations excluded), in
    /// document order.
    pub fn attrs(&self) -> impl Iterator<Item = Attr<'a>> + '_ {
        let (plain, list) = match &self.attrs {
            Attrs::Plain { text, ns } => (Some(plain_attrs(text).zip(ns.iter())), None),
            Attrs::List(v) => (None, Some(v.iter().cloned())),
        };
        let plain = plain.into_iter().flatten().map(|((key, value), &ns)| Attr {
            ns,
            local: local_part(key),
            value: Cow::Borrowed(value),
        });
        plain.chain(list.into_iter().flatten())
    }

    /// Whether this is `ns:local`.
    pub fn is(&self, ns: Ns, local: &str) -> bool {
        self.ns == ns && self.local == local.as_bytes()
    }

    /// Attribute value by namespace and local name.
    pub fn attr(&self, ns: Ns, local: &str) -> Option<&str> {
        match &self.attrs {
            // An attribute named `local` has it in the tag's text: most
            // attributes asked for are absent (spans, repeats), and one
            // search of the text costs less than walking its attributes.
            Attrs::Plain { text, .. } if !text.contains(local) => None,
            Attrs::Plain { text, ns: nss } => plain_attrs(text)
                .zip(nss.iter())
                .find(|((key, _), &n)| n == ns && local_part(key) == local.as_bytes())
                .map(|((_, value), _)| value),
            Attrs::List(v) => v
                .iter()
                .find(|a| a.ns == ns && a.local == local.as_bytes())
                .map(|a| a.value.as_ref()),
        }
    }
}

/// The attributes of a tag that [`XmlReader::start_own`] accepted: qualified
/// names and values.
fn plain_attrs(text: &str) -> impl Iterator<Item = (&[u8], &str)> {
    let mut rest = text.as_bytes();
    std::iter::from_fn(move || {
        let (key, value, after) = plain_attr(rest)?;
        rest = after;
        // Values end at ASCII quotes, so they are slices of `text` on char
        // boundaries; the offset arithmetic avoids a second UTF-8 check.
        let start = value.as_ptr() as usize - text.as_ptr() as usize;
        Some((key, text.get(start..start + value.len())?))
    })
}

/// A simplified event.
#[derive(Debug, Clone)]
pub enum Ev<'a> {
    /// Start of an element.
    Start(Elem<'a>),
    /// End of an element (namespace and local name).
    End(Ns, &'a [u8]),
    /// Character data, unescaped (text or CDATA).
    Text(Cow<'a, str>),
    /// End of the document.
    Eof,
}

/// The namespace the `xml` prefix is bound to.
const XML_URI: &[u8] = b"http://www.w3.org/XML/1998/namespace";
/// The namespace the `xmlns` prefix is bound to.
const XMLNS_URI: &[u8] = b"http://www.w3.org/2000/xmlns/";

/// A namespace declaration in scope: prefix (empty for the default namespace),
/// URI, and the namespace, `None` when the declaration undeclares (`xmlns=""`,
/// `xmlns:p=""`).
#[derive(Debug)]
struct Binding {
    prefix: Vec<u8>,
    uri: Vec<u8>,
    ns: Option<Ns>,
    /// Index of the binding of the same prefix that this one shadows.
    shadowed: Option<usize>,
}

/// One open element.
#[derive(Debug, Clone, Copy)]
struct Frame<'a> {
    ns: Ns,
    /// Order of the element's start among all starts (for [`Memo`]).
    serial: u32,
    local: &'a [u8],
    /// Qualified name as written, for the end-tag check.
    qname: &'a [u8],
    /// Number of bindings in scope before this element's own declarations.
    bindings_before: usize,
}

/// Most recently resolved prefixes (prefixes of up to 7 bytes packed with their
/// length into a `u64`), cleared
/// whenever the declarations in scope change.
const MEMO_SIZE: usize = 8;

/// Declarations in scope beyond which they are indexed by prefix.
const INDEX_BINDINGS_AFTER: usize = 64;

fn prefix_key(prefix: &[u8]) -> Option<u64> {
    if prefix.is_empty() || prefix.len() > 7 {
        return None;
    }
    let mut key = (prefix.len() as u64) << 56;
    for (i, &b) in prefix.iter().enumerate() {
        key |= u64::from(b) << (8 * i);
    }
    Some(key)
}

/// A streaming, namespace-resolving reader over one part held in memory.
///
/// quick-xml's `Reader` tokenizes; namespace declarations are tracked here (with
/// the checks and error messages of quick-xml's `NsReader`), mapped once to [`Ns`]
/// per declaration, and names are resolved against them (quick-xml's own
/// resolution compares URIs for every name).
/// When the whole part is valid UTF-8 (checked once up front), text and attribute
/// values are sliced from it without decoding them again; otherwise every text and
/// value is decoded on its own, as quick-xml does, so errors are reported the same.
pub struct XmlReader<'a> {
    /// quick-xml's reader over the whole part, used when the part is not valid
    /// UTF-8 (then every event goes through quick-xml, as it decodes each).
    inner: Reader<&'a [u8]>,
    /// Where the own tokenizer is (valid UTF-8 parts).
    pos: usize,
    /// Finds namespace declarations in a start tag.
    xmlns: memchr::memmem::Finder<'static>,
    input: &'a [u8],
    /// `input` as text, when it is valid UTF-8.
    input_str: Option<&'a str>,
    part: String,
    max_depth: usize,
    frames: Vec<Frame<'a>>,
    bindings: Vec<Binding>,
    /// Index in `bindings` of the innermost binding of each prefix in scope, built
    /// once more than [`INDEX_BINDINGS_AFTER`] are in scope, so that resolving a
    /// name does not scan every declaration (a hostile part may declare
    /// thousands). Below that a scan is cheaper than hashing.
    latest: Option<HashMap<Vec<u8>, usize>>,
    memo: Vec<(u64, Ns)>,
    default_ns: Option<Ns>,
    /// The element just started was empty (`<a/>`): its end comes next.
    /// (quick-xml's own expansion of empty elements allocates the name of
    /// every one of them.)
    pending_end: bool,
    /// This reader's identity, for [`Memo`].
    id: u64,
    /// Elements started so far (wrapping), for [`Frame::serial`].
    opened: u32,
    /// The serial of the element closed last and the offset after its end.
    closed: (u32, usize),
    /// Count of changes to the declarations in scope, for [`Memo`].
    scope: u64,
}

impl<'a> XmlReader<'a> {
    /// Start reading `bytes` (the part called `part`).
    pub fn new(bytes: &'a [u8], part: &str, limits: Limits) -> Self {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        // A part cut off inside a character (a truncated file) ends where the
        // character begins: its text before the cut is read, and the cut is an
        // end of input like any other.
        let mut input_str = simdutf8::basic::from_utf8(bytes).ok();
        let bytes =
            match input_str.map_or_else(|| simdutf8::compat::from_utf8(bytes).err(), |_| None) {
                Some(e) if e.error_len().is_none() => {
                    let valid = &bytes[..e.valid_up_to()];
                    input_str = simdutf8::basic::from_utf8(valid).ok();
                    valid
                }
                _ => bytes,
            };
        let mut inner = Reader::from_reader(bytes);
        let cfg = inner.config_mut();
        cfg.expand_empty_elements = false;
        cfg.trim_text(false);
        cfg.check_end_names = true;
        XmlReader {
            inner,
            pos: 0,
            xmlns: memchr::memmem::Finder::new(b"xmlns"),
            input: bytes,
            input_str,
            part: part.to_string(),
            max_depth: limits.max_depth,
            frames: Vec::new(),
            bindings: Vec::new(),
            latest: None,
            memo: Vec::with_capacity(MEMO_SIZE),
            default_ns: None,
            pending_end: false,
            id: memo::reader_id(),
            opened: 0,
            closed: (0, 0),
            scope: 0,
        }
    }

    /// The part being read.
    pub fn part(&self) -> &str {
        &self.part
    }

    /// Current byte offset in the part.
    pub fn offset(&self) -> u64 {
        if self.input_str.is_some() {
            self.pos as u64
        } else {
            self.inner.buffer_position()
        }
    }

    /// The namespace URI bound to `prefix` in the current scope (the scope of the
    /// element whose start was just read), e.g. to resolve the prefixes listed in an
    /// `mc:Choice Requires` attribute. `None` when the prefix is unbound.
    pub fn prefix_uri(&self, prefix: &str) -> Option<String> {
        // As a qualified name `prefix:x` resolves: the prefix ends at the first colon.
        let prefix = prefix.split(':').next().unwrap_or_default().as_bytes();
        if prefix.is_empty() {
            return None;
        }
        let uri = match self.binding(prefix) {
            Some(b) if b.uri.is_empty() => return None,
            Some(b) => b.uri.as_slice(),
            None if prefix == b"xml" => XML_URI,
            None if prefix == b"xmlns" => XMLNS_URI,
            None => return None,
        };
        Some(String::from_utf8_lossy(uri).into_owned())
    }

    /// Whether `e`, an error this reader just returned, means that the part is
    /// cut off (a truncated file) rather than malformed: elements are open and
    /// the error is at the end of the input or inside its last markup, which the
    /// input ends inside (no `>` after it). Everything read before it is sound.
    pub fn is_cut_off(&self, e: &ReadError) -> bool {
        let ReadError::Xml { part, offset, .. } = e else {
            return false;
        };
        if *part != self.part || self.frames.is_empty() {
            return false;
        }
        let tail = memchr::memrchr(b'>', self.input).map_or(0, |i| i + 1);
        *offset >= tail as u64
    }

    /// Current element depth.
    pub fn depth(&self) -> usize {
        self.frames.len()
    }

    fn xml_error(&self, offset: u64, message: String) -> ReadError {
        ReadError::Xml {
            part: self.part.clone(),
            offset,
            message,
        }
    }

    /// `s`, a slice of the input, with the input's lifetime.
    fn reslice(&self, s: &[u8]) -> Option<&'a [u8]> {
        let base = self.input.as_ptr() as usize;
        let start = (s.as_ptr() as usize).checked_sub(base)?;
        self.input.get(start..start.checked_add(s.len())?)
    }

    /// `s`, a slice of the input, as text with the input's lifetime (only when the
    /// input is valid UTF-8).
    fn reslice_str(&self, s: &[u8]) -> Option<&'a str> {
        let input = self.input_str?;
        let base = input.as_ptr() as usize;
        let start = (s.as_ptr() as usize).checked_sub(base)?;
        input.get(start..start.checked_add(s.len())?)
    }

    fn internal_error(&self) -> ReadError {
        let off = self.offset();
        self.xml_error(off, "internal error: event outside the input".into())
    }

    /// Next event, skipping declarations, comments and processing instructions.
    #[allow(clippy::should_implement_trait)] // fallible, so not an Iterator
    pub fn next(&mut self) -> Result<Ev<'a>, ReadError> {
        if self.pending_end {
            self.pending_end = false;
            if let Some(f) = self.close() {
                return Ok(Ev::End(f.ns, f.local));
            }
        }
        if self.input_str.is_some() {
            return self.next_own();
        }
        loop {
            let ev = match self.inner.read_event() {
                Ok(x) => x,
                Err(e) => {
                    let off = self.inner.error_position();
                    return Err(self.xml_error(off, e.to_string()));
                }
            };
            match ev {
                Event::Start(start) => return self.start_event(&start, false),
                Event::Empty(start) => return self.start_event(&start, true),
                Event::End(end) => {
                    return Ok(match self.close() {
                        Some(f) => Ev::End(f.ns, f.local),
                        // Unreachable with end-name checks on; kept total.
                        None => {
                            let (local, prefix) = end.name().decompose();
                            let ns = match prefix {
                                Some(p) => self.resolve_prefix(p.as_ref()),
                                None => self.resolve_default(),
                            };
                            let local = self.reslice(local.as_ref()).unwrap_or(b"");
                            Ev::End(ns, local)
                        }
                    });
                }
                Event::Text(t) => {
                    let off = self.offset();
                    if let Some(s) = self.reslice_str(&t) {
                        if memchr::memchr(b'&', s.as_bytes()).is_none() {
                            return Ok(Ev::Text(Cow::Borrowed(s)));
                        }
                    }
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
                Event::Eof if !self.frames.is_empty() => {
                    let off = self.offset();
                    return Err(self.xml_error(
                        off,
                        format!(
                            "unexpected end of part, {} element(s) left open",
                            self.frames.len()
                        ),
                    ));
                }
                Event::Eof => return Ok(Ev::Eof),
                Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
            }
        }
    }

    /// A start tag (`empty` for `<a/>`, whose end [`XmlReader::next`] reports
    /// next).
    fn start_event(&mut self, start: &BytesStart<'_>, empty: bool) -> Result<Ev<'a>, ReadError> {
        if self.xmlns.find(start).is_some() {
            self.check_declarations(start)?;
        }
        if self.frames.len() + 1 > self.max_depth {
            return Err(ReadError::TooDeep {
                part: self.part.clone(),
                limit: self.max_depth,
            });
        }
        let elem = self.start(start)?;
        self.pending_end = empty;
        Ok(Ev::Start(elem))
    }

    /// The namespace declarations of a start tag that quick-xml's `NsReader`
    /// refuses, with its error: `xml` bound to another URI, `xmlns` declared, or
    /// another prefix bound to either reserved URI. Like `NsReader`, stops quietly
    /// at the first malformed attribute and ignores duplicates (checked later).
    fn check_declarations(&self, start: &BytesStart<'_>) -> Result<(), ReadError> {
        let mut attrs = start.attributes();
        attrs.with_checks(false);
        for a in attrs {
            let Ok(a) = a else { break };
            let value: &[u8] = &a.value;
            let err = match a.key.as_namespace_binding() {
                Some(PrefixDeclaration::Named(b"xml")) if value != XML_URI => {
                    Some(NamespaceError::InvalidXmlPrefixBind(value.to_vec()))
                }
                Some(PrefixDeclaration::Named(b"xml")) => None,
                Some(PrefixDeclaration::Named(b"xmlns")) => {
                    Some(NamespaceError::InvalidXmlnsPrefixBind(value.to_vec()))
                }
                Some(PrefixDeclaration::Named(p)) if value == XML_URI => {
                    Some(NamespaceError::InvalidPrefixForXml(p.to_vec()))
                }
                Some(PrefixDeclaration::Named(p)) if value == XMLNS_URI => {
                    Some(NamespaceError::InvalidPrefixForXmlns(p.to_vec()))
                }
                _ => None,
            };
            if let Some(e) = err {
                let off = self.offset();
                return Err(self.xml_error(off, quick_xml::Error::Namespace(e).to_string()));
            }
        }
        Ok(())
    }

    /// A start tag: record its namespace declarations, resolve its name and
    /// attributes, push its frame.
    fn start(&mut self, start: &BytesStart<'_>) -> Result<Elem<'a>, ReadError> {
        let content: &[u8] = start;
        let (local, prefix) = start.name().decompose();
        let local = self
            .reslice(local.as_ref())
            .ok_or_else(|| self.internal_error())?;
        let mut attr_list: Vec<Attr<'a>> = Vec::new();
        // Attribute prefixes, resolved once all declarations of the tag are known.
        // (`None`: unprefixed; `Some(b"")`: the empty prefix of `:x`.)
        let mut prefixes: [Option<&[u8]>; 8] = [None; 8];
        let mut more_prefixes: Vec<Option<&[u8]>> = Vec::new();
        // Keys seen so far (offset in the tag, qualified name), for the duplicate check
        // quick-xml would otherwise do with a heap-allocated list per tag.
        let mut keys: [(usize, &[u8]); 8] = [(0, b""); 8];
        let mut n_keys = 0usize;
        // Beyond the first eight, keys go to a map: a tag with a hostile number of
        // attributes must not make the duplicate check quadratic.
        let mut more_keys: HashMap<&[u8], usize> = HashMap::new();
        let bindings_before = self.bindings.len();
        let mut attrs = start.attributes();
        attrs.with_checks(false);
        for a in attrs {
            let off = self.offset();
            let a = a.map_err(|e| self.xml_error(off, e.to_string()))?;
            let key: &[u8] = a.key.into_inner();
            let pos = (key.as_ptr() as usize).saturating_sub(content.as_ptr() as usize);
            let prev = keys[..n_keys]
                .iter()
                .find(|(_, k)| *k == key)
                .map(|&(p, _)| p)
                .or_else(|| more_keys.get(key).copied());
            if let Some(prev) = prev {
                let e = quick_xml::events::attributes::AttrError::Duplicated(pos, prev);
                return Err(self.xml_error(off, e.to_string()));
            }
            if n_keys < keys.len() {
                keys[n_keys] = (pos, key);
                n_keys += 1;
            } else {
                more_keys.insert(key, pos);
            }
            if let Some(decl) = a.key.as_namespace_binding() {
                let prefix: &[u8] = match decl {
                    PrefixDeclaration::Default => b"",
                    // Declarations of `xml` add nothing (quick-xml refuses any
                    // other value for it, and any declaration of `xmlns`).
                    PrefixDeclaration::Named(b"xml") => continue,
                    PrefixDeclaration::Named(p) => p,
                };
                let ns = (!a.value.is_empty()).then(|| Ns::from_uri(&a.value));
                self.push_binding(prefix, &a.value, ns);
                continue;
            }
            let (alocal, aprefix) = a.key.decompose();
            let alocal = self
                .reslice(alocal.as_ref())
                .ok_or_else(|| self.internal_error())?;
            let value = self.attr_value(&a, off)?;
            let aprefix: Option<&[u8]> = aprefix.map(|p| p.into_inner());
            if attr_list.len() < prefixes.len() {
                prefixes[attr_list.len()] = aprefix;
            } else {
                more_prefixes.push(aprefix);
            }
            attr_list.push(Attr {
                ns: Ns::None,
                local: alocal,
                value,
            });
        }
        if self.bindings.len() > bindings_before {
            self.bindings_changed();
        }
        let ns = match prefix {
            Some(p) => self.resolve_prefix(p.as_ref()),
            None => self.resolve_default(),
        };
        let all_prefixes = prefixes.iter().chain(more_prefixes.iter());
        for (a, p) in attr_list.iter_mut().zip(all_prefixes) {
            if let Some(p) = p {
                a.ns = self.resolve_prefix(p);
            }
        }
        let qname = self
            .reslice(start.name().as_ref())
            .ok_or_else(|| self.internal_error())?;
        self.open(ns, local, qname, bindings_before);
        Ok(Elem {
            ns,
            local,
            attrs: Attrs::List(attr_list),
        })
    }

    /// An attribute's unescaped value, borrowed from the input when it has no
    /// references.
    fn attr_value(
        &self,
        a: &quick_xml::events::attributes::Attribute<'_>,
        off: u64,
    ) -> Result<Cow<'a, str>, ReadError> {
        if let Some(s) = self.reslice_str(&a.value) {
            if memchr::memchr(b'&', s.as_bytes()).is_none() {
                return Ok(Cow::Borrowed(s));
            }
        }
        let v = a
            .unescape_value()
            .map_err(|e| self.xml_error(off, e.to_string()))?;
        Ok(match v {
            Cow::Owned(s) => Cow::Owned(s),
            Cow::Borrowed(s) => match self.reslice_str(s.as_bytes()) {
                Some(s) => Cow::Borrowed(s),
                None => Cow::Owned(s.to_string()),
            },
        })
    }

    /// Skip the rest of the element whose start was just read.
    pub fn skip_element(&mut self) -> Result<(), ReadError> {
        let target = self.depth().wrapping_sub(1);
        loop {
            match self.next()? {
                Ev::End(..) if self.depth() == target => return Ok(()),
                Ev::Eof => return Ok(()),
                _ => {}
            }
        }
    }

    /// Collect all text inside the element whose start was just read.
    pub fn element_text(&mut self) -> Result<String, ReadError> {
        self.element_text_cow().map(Cow::into_owned)
    }

    /// [`XmlReader::element_text`] without a copy when the element holds a single
    /// piece of text (the usual `w:t`).
    pub fn element_text_cow(&mut self) -> Result<Cow<'a, str>, ReadError> {
        let target = self.depth().wrapping_sub(1);
        let mut out: Cow<'a, str> = Cow::Borrowed("");
        loop {
            match self.next()? {
                Ev::Text(t) => {
                    if out.is_empty() {
                        out = t;
                    } else {
                        out.to_mut().push_str(&t);
                    }
                }
                Ev::End(..) if self.depth() == target => return Ok(out),
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

#[cfg(test)]
mod differential;
#[cfg(test)]
mod tests;
