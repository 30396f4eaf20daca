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
        let local = local.as_bytes();
        match &self.attrs {
            Attrs::Plain { text, ns: nss } => plain_attrs(text)
                .zip(nss.iter())
                .find(|((key, _), &n)| n == ns && local_part(key) == local)
                .map(|((_, value), _)| value),
            Attrs::List(v) => v
                .iter()
                .find(|a| a.ns == ns && a.local == local)
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

    /// Namespace of a prefixed name.
    fn resolve_prefix(&mut self, prefix: &[u8]) -> Ns {
        // An empty prefix (a name written `:x`) is bound to nothing, as quick-xml
        // resolves it: not the default namespace, whose binding has the empty
        // prefix here.
        if prefix.is_empty() {
            return Ns::Other;
        }
        let key = prefix_key(prefix);
        if let Some(k) = key {
            if let Some(&(_, ns)) = self.memo.iter().find(|(mk, _)| *mk == k) {
                return ns;
            }
        }
        let ns = match self.binding(prefix) {
            // `xmlns:p=""` makes `p` unknown again.
            Some(b) => b.ns.unwrap_or(Ns::Other),
            None if prefix == b"xml" => Ns::Xml,
            None => Ns::Other,
        };
        if let Some(k) = key {
            if self.memo.len() < MEMO_SIZE {
                self.memo.push((k, ns));
            }
        }
        ns
    }

    /// Namespace of an unprefixed element name.
    fn resolve_default(&mut self) -> Ns {
        if let Some(ns) = self.default_ns {
            return ns;
        }
        let ns = self.binding(b"").and_then(|b| b.ns).unwrap_or(Ns::None);
        self.default_ns = Some(ns);
        ns
    }

    /// The innermost binding of `prefix` (empty: the default namespace) in scope.
    fn binding(&self, prefix: &[u8]) -> Option<&Binding> {
        match &self.latest {
            Some(index) => index.get(prefix).and_then(|&i| self.bindings.get(i)),
            None => self.bindings.iter().rev().find(|b| b.prefix == prefix),
        }
    }

    /// Declare `prefix` for the element being started.
    fn push_binding(&mut self, prefix: &[u8], uri: &[u8], ns: Option<Ns>) {
        let at = self.bindings.len();
        let shadowed = self
            .latest
            .as_mut()
            .and_then(|index| index.insert(prefix.to_vec(), at));
        self.bindings.push(Binding {
            prefix: prefix.to_vec(),
            uri: uri.to_vec(),
            ns,
            shadowed,
        });
        if self.latest.is_none() && self.bindings.len() > INDEX_BINDINGS_AFTER {
            let mut index = HashMap::new();
            for (i, b) in self.bindings.iter_mut().enumerate() {
                b.shadowed = index.insert(b.prefix.clone(), i);
            }
            self.latest = Some(index);
        }
    }

    /// Drop the bindings declared after the first `len` (an element ended).
    fn truncate_bindings(&mut self, len: usize) {
        match &mut self.latest {
            None => self.bindings.truncate(len),
            Some(index) => {
                while self.bindings.len() > len {
                    let Some(b) = self.bindings.pop() else { break };
                    match b.shadowed {
                        Some(i) => index.insert(b.prefix, i),
                        None => index.remove(&b.prefix),
                    };
                }
            }
        }
        self.bindings_changed();
    }

    /// Close the innermost open element (its end was read): drop its
    /// declarations and note it as closed last, at the current offset.
    fn close(&mut self) -> Option<Frame<'a>> {
        let f = self.frames.pop()?;
        if self.bindings.len() > f.bindings_before {
            self.truncate_bindings(f.bindings_before);
        }
        self.closed = (f.serial, self.pos);
        Some(f)
    }

    fn bindings_changed(&mut self) {
        self.scope = self.scope.wrapping_add(1);
        self.memo.clear();
        self.default_ns = None;
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

    /// [`XmlReader::next`] for a part that is valid UTF-8: the usual tokens
    /// (text, plain start and end tags) are read here straight from the input;
    /// anything else (comments, CDATA, declarations, DOCTYPE, unusual or broken
    /// tags) is read by a quick-xml reader started at that token, so that it is
    /// handled, and its errors reported, as quick-xml does. End tags are checked
    /// against the open elements here, with quick-xml's messages.
    fn next_own(&mut self) -> Result<Ev<'a>, ReadError> {
        loop {
            let input = self.input;
            let at = self.pos;
            let Some(&first) = input.get(at) else {
                if !self.frames.is_empty() {
                    return Err(self.xml_error(
                        at as u64,
                        format!(
                            "unexpected end of part, {} element(s) left open",
                            self.frames.len()
                        ),
                    ));
                }
                return Ok(Ev::Eof);
            };
            if first != b'<' {
                // One scan finds the end of the text or a reference before it.
                let first_mark = memchr::memchr2(b'<', b'&', &input[at..]).map(|i| at + i);
                let references = first_mark.is_some_and(|i| input[i] == b'&');
                let end = match first_mark {
                    Some(i) if !references => i,
                    Some(i) => memchr::memchr(b'<', &input[i..]).map_or(input.len(), |j| i + j),
                    None => input.len(),
                };
                self.pos = end;
                let Some(text) = self.input_str.and_then(|s| s.get(at..end)) else {
                    return Err(self.internal_error());
                };
                if !references {
                    return Ok(Ev::Text(Cow::Borrowed(text)));
                }
                return match quick_xml::escape::unescape(text) {
                    Ok(Cow::Owned(t)) => Ok(Ev::Text(Cow::Owned(t))),
                    Ok(Cow::Borrowed(_)) => Ok(Ev::Text(Cow::Borrowed(text))),
                    Err(e) => {
                        Err(self.xml_error(end as u64, quick_xml::Error::from(e).to_string()))
                    }
                };
            }
            match input.get(at + 1) {
                Some(b'/') => {
                    // quick-xml reads quotes as quoting in end tags too.
                    let gt = memchr::memchr(b'>', &input[at + 2..]).filter(|&gt| {
                        memchr::memchr2(b'"', b'\'', &input[at + 2..at + 2 + gt]).is_none()
                    });
                    if let Some(gt) = gt {
                        let content = &input[at + 2..at + 2 + gt];
                        let trimmed = content
                            .iter()
                            .rposition(|&b| !is_xml_space(b))
                            .map_or(content, |i| &content[..=i]);
                        self.pos = at + 3 + gt;
                        return self.end_tag(trimmed, at);
                    }
                }
                Some(b'!' | b'?') | None => {}
                Some(_) => {
                    if let Some(elem) = self.start_own(at)? {
                        return Ok(Ev::Start(elem));
                    }
                }
            }
            if let Some(ev) = self.one_token()? {
                return Ok(ev);
            }
        }
    }

    /// A start tag written plainly at `at`, read in one pass: its element, with
    /// `pos` moved past it. "Plainly": `<name attr="v" …>` or `…/>`, no quotes in
    /// the name, no namespace declarations, attributes `name="value"` or
    /// `name='value'` separated by white space, at most [`FAST_ATTRS`] of them,
    /// no duplicates, references that unescape. `None` leaves `pos` and
    /// everything else as it was, for quick-xml to read the tag (and
    /// [`XmlReader::start`] to report its errors exactly as quick-xml does).
    fn start_own(&mut self, at: usize) -> Result<Option<Elem<'a>>, ReadError> {
        let input: &'a [u8] = self.input;
        let len = input.len();
        let name_start = at + 1;
        let mut i = name_start;
        while i < len
            && !matches!(
                input[i],
                b'/' | b'>' | b' ' | b'\t' | b'\r' | b'\n' | b'"' | b'\''
            )
        {
            i += 1;
        }
        // quick-xml reads quotes as quoting even inside a name.
        if i == name_start || i == len || matches!(input[i], b'"' | b'\'') {
            return Ok(None);
        }
        let qname = &input[name_start..i];
        let attrs_start = i;
        let mut qnames: [&[u8]; FAST_ATTRS] = [b""; FAST_ATTRS];
        let mut nss = [Ns::None; FAST_ATTRS];
        let mut n = 0;
        let mut references = false;
        let mut last_prefix: Option<(&[u8], Ns)> = None;
        let (attrs_end, empty, end) = loop {
            let space_start = i;
            while i < len && is_xml_space(input[i]) {
                i += 1;
            }
            match input.get(i) {
                None => return Ok(None),
                Some(b'>') => break (i, false, i + 1),
                Some(b'/') => {
                    if input.get(i + 1) != Some(&b'>') {
                        return Ok(None);
                    }
                    break (i, true, i + 2);
                }
                Some(_) if i == space_start => return Ok(None),
                Some(_) => {}
            }
            // One attribute: name, `=`, quoted value.
            let key_start = i;
            // A `>` or `/` here ends or breaks the tag: quick-xml's to read.
            while i < len
                && !matches!(
                    input[i],
                    b'=' | b'"' | b'\'' | b' ' | b'\t' | b'\r' | b'\n' | b'>' | b'/'
                )
            {
                i += 1;
            }
            let key = &input[key_start..i];
            while i < len && is_xml_space(input[i]) {
                i += 1;
            }
            if key.is_empty() || input.get(i) != Some(&b'=') {
                return Ok(None);
            }
            i += 1;
            while i < len && is_xml_space(input[i]) {
                i += 1;
            }
            let quote = match input.get(i) {
                Some(&q @ (b'"' | b'\'')) => q,
                _ => return Ok(None),
            };
            i += 1;
            let value_start = i;
            while i < len && input[i] != quote {
                i += 1;
            }
            if i == len {
                return Ok(None);
            }
            references |= input[value_start..i].contains(&b'&');
            i += 1;
            if n == FAST_ATTRS
                || qnames[..n].contains(&key)
                || key.starts_with(b"xmlns") && (key.len() == 5 || key[5] == b':')
            {
                return Ok(None);
            }
            qnames[n] = key;
            if let Some(c) = key.iter().position(|&b| b == b':') {
                // Attributes of a tag mostly share one prefix.
                let prefix = &key[..c];
                nss[n] = match last_prefix {
                    Some((p, ns)) if p == prefix => ns,
                    _ => {
                        let ns = self.resolve_prefix(prefix);
                        last_prefix = Some((prefix, ns));
                        ns
                    }
                };
            }
            n += 1;
        };
        if self.frames.len() + 1 > self.max_depth {
            return Err(ReadError::TooDeep {
                part: self.part.clone(),
                limit: self.max_depth,
            });
        }
        let Some(text) = self.input_str.and_then(|s| s.get(attrs_start..attrs_end)) else {
            return Ok(None);
        };
        let attrs = if references {
            let mut list = Vec::with_capacity(n);
            for ((key, raw), &ns) in plain_attrs(text).zip(nss.iter()) {
                let value = match quick_xml::escape::unescape(raw) {
                    Ok(Cow::Owned(v)) => Cow::Owned(v),
                    Ok(Cow::Borrowed(_)) => Cow::Borrowed(raw),
                    Err(_) => return Ok(None),
                };
                list.push(Attr {
                    ns,
                    local: local_part(key),
                    value,
                });
            }
            Attrs::List(list)
        } else {
            Attrs::Plain { text, ns: nss }
        };
        let (ns, local) = match qname.iter().position(|&b| b == b':') {
            Some(c) => (self.resolve_prefix(&qname[..c]), &qname[c + 1..]),
            None => (self.resolve_default(), qname),
        };
        self.opened = self.opened.wrapping_add(1);
        self.frames.push(Frame {
            ns,
            serial: self.opened,
            local,
            qname,
            bindings_before: self.bindings.len(),
        });
        self.pos = end;
        self.pending_end = empty;
        Ok(Some(Elem { ns, local, attrs }))
    }

    /// One markup token at `pos` read by a fresh quick-xml reader (see
    /// [`XmlReader::next_own`]); `None` for tokens that yield no event.
    fn one_token(&mut self) -> Result<Option<Ev<'a>>, ReadError> {
        let at = self.pos;
        let rest: &'a [u8] = &self.input[at..];
        let mut q = Reader::from_reader(rest);
        let cfg = q.config_mut();
        cfg.expand_empty_elements = false;
        cfg.trim_text(false);
        cfg.check_end_names = false;
        cfg.allow_unmatched_ends = true;
        let ev = match q.read_event() {
            Ok(ev) => ev,
            Err(e) => {
                let off = at as u64 + q.error_position();
                return Err(self.xml_error(off, e.to_string()));
            }
        };
        self.pos = at + q.buffer_position() as usize;
        Ok(match ev {
            Event::Start(start) => Some(self.start_event(&start, false)?),
            Event::Empty(start) => Some(self.start_event(&start, true)?),
            Event::End(end) => {
                let name = self
                    .reslice(end.name().as_ref())
                    .ok_or_else(|| self.internal_error())?;
                Some(self.end_tag(name, at)?)
            }
            // Text is read by `next_own`; a token at `<` is never text.
            Event::Text(_) => return Err(self.internal_error()),
            Event::CData(c) => {
                let off = self.offset();
                let text = c.decode().map_err(|e| self.xml_error(off, e.to_string()))?;
                Some(Ev::Text(match text {
                    Cow::Borrowed(s) => match self.reslice_str(s.as_bytes()) {
                        Some(s) => Cow::Borrowed(s),
                        None => Cow::Owned(s.to_string()),
                    },
                    Cow::Owned(s) => Cow::Owned(s),
                }))
            }
            Event::DocType(d) => {
                if d.windows(8).any(|w| w.eq_ignore_ascii_case(b"<!ENTITY")) {
                    return Err(ReadError::EntityDeclaration {
                        part: self.part.clone(),
                    });
                }
                None
            }
            Event::Eof => {
                // Not reached at a `<`; end the part like the input's end.
                self.pos = self.input.len();
                None
            }
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => None,
        })
    }

    /// An end tag named `name` whose `<` is at `at`: close the open element,
    /// or fail as quick-xml's end-name check does.
    fn end_tag(&mut self, name: &'a [u8], at: usize) -> Result<Ev<'a>, ReadError> {
        use quick_xml::errors::IllFormedError;
        let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
        match self.frames.last() {
            Some(f) if f.qname == name => {
                let (ns, local) = (f.ns, f.local);
                self.close();
                Ok(Ev::End(ns, local))
            }
            Some(f) => {
                let e = IllFormedError::MismatchedEndTag {
                    expected: text(f.qname),
                    found: text(name),
                };
                Err(self.xml_error(at as u64, quick_xml::Error::IllFormed(e).to_string()))
            }
            None => {
                let e = IllFormedError::UnmatchedEndTag(text(name));
                Err(self.xml_error(at as u64, quick_xml::Error::IllFormed(e).to_string()))
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
        self.opened = self.opened.wrapping_add(1);
        self.frames.push(Frame {
            ns,
            serial: self.opened,
            local,
            qname,
            bindings_before,
        });
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
mod tests {
    use super::*;
    use quick_xml::name::{QName, ResolveResult};
    use quick_xml::NsReader;

    const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
    const T: &str = "urn:oasis:names:tc:opendocument:xmlns:text:1.0";

    /// quick-xml's own namespace resolution, as the reader did it before.
    fn ns_of(r: &ResolveResult<'_>) -> Ns {
        match r {
            ResolveResult::Bound(ns) => Ns::from_uri(ns.as_ref()),
            ResolveResult::Unbound => Ns::None,
            ResolveResult::Unknown(p) if p.as_slice() == b"xml" => Ns::Xml,
            ResolveResult::Unknown(_) => Ns::Other,
        }
    }

    type Seen = Vec<(Ns, Vec<u8>, Vec<(Ns, Vec<u8>, String)>)>;

    /// Start tags with resolved names and attributes, through `NsReader`.
    fn reference(xml: &str) -> Result<Seen, String> {
        let mut r = NsReader::from_reader(xml.as_bytes());
        r.config_mut().expand_empty_elements = true;
        let mut out = Vec::new();
        loop {
            let (res, ev) = r.read_resolved_event().map_err(|e| e.to_string())?;
            let ens = ns_of(&res);
            match ev {
                Event::Start(s) => {
                    let mut attrs = Vec::new();
                    for a in s.attributes() {
                        let a = a.map_err(|e| e.to_string())?;
                        if a.key.as_namespace_binding().is_some() {
                            continue;
                        }
                        let (ares, local) = r.resolve_attribute(a.key);
                        let v = a.unescape_value().map_err(|e| e.to_string())?;
                        attrs.push((ns_of(&ares), local.as_ref().to_vec(), v.into_owned()));
                    }
                    out.push((ens, s.local_name().as_ref().to_vec(), attrs));
                }
                Event::Eof => return Ok(out),
                _ => {}
            }
        }
    }

    fn ours(xml: &str) -> Result<Seen, String> {
        let mut r = XmlReader::new(xml.as_bytes(), "t.xml", Limits::default());
        let mut out = Vec::new();
        loop {
            match r.next() {
                Ok(Ev::Start(e)) => {
                    let attrs = e
                        .attrs()
                        .map(|a| (a.ns, a.local.to_vec(), a.value.to_string()))
                        .collect();
                    out.push((e.ns, e.local.to_vec(), attrs));
                }
                Ok(Ev::Eof) => return Ok(out),
                Ok(_) => {}
                Err(ReadError::Xml { message, .. }) => return Err(message),
                Err(e) => return Err(e.to_string()),
            }
        }
    }

    #[test]
    fn resolves_like_quick_xml() {
        let docs = [
            format!(
                r#"<w:document xmlns:w="{W}" xmlns:x="urn:other"><w:body><w:p x:a="1" w:val="v&amp;w">
                <w:t xml:space="preserve">t</w:t><p:q xmlns:p="{T}" p:style-name="s"/>
                <w:r xmlns:w="{T}" w:b="2"/><y:z/></w:p></w:body></w:document>"#
            ),
            format!(
                r#"<root xmlns="{W}"><a b="1" q:c="2" xmlns:q="{T}"/><b xmlns=""><c/></b>
                <d xmlns:q=""><q:e q:f="3"/></d><xmlns:g/><xml:h xml:i="4"/><q:j/></root>"#
            ),
            format!(r#"<a xmlns:="{W}"><b/></a>"#),
            // Attribute spellings the fast path takes or hands over: single
            // quotes, white space around `=`, tabs and line breaks, references,
            // a `>` inside a value, no space between attributes, nine of them.
            format!(
                "<w:r xmlns:w=\"{W}\"><w:t w:a='1' w:b = \"2\"\n\tc=\"&#x4E00;&lt;&quot;\" d='&apos;>'/>\
                 <w:u w:a=\"1\"w:b=\"2\"/><w:v {}/><w:x xml:space=\"preserve\" w:y=\"\"/></w:r>",
                (0..9).map(|i| format!("w:k{i}=\"{i}\"")).collect::<Vec<_>>().join(" ")
            ),
        ];
        for d in &docs {
            let expected = reference(d).unwrap();
            assert_eq!(ours(d).unwrap(), expected, "{d}");
        }
        // Sanity: the first document really resolves names.
        let first = ours(&docs[0]).unwrap();
        assert_eq!(first[0].0, Ns::W);
        assert_eq!(
            first[3].2[0],
            (Ns::Xml, b"space".to_vec(), "preserve".into())
        );
    }

    #[test]
    fn declaration_and_attribute_errors_like_quick_xml() {
        let docs = [
            r#"<a xmlns:xml="urn:x"/>"#.to_string(),
            r#"<a xmlns:xmlns="urn:x"/>"#.to_string(),
            r#"<a xmlns:p="http://www.w3.org/XML/1998/namespace"/>"#.to_string(),
            r#"<a xmlns:p="http://www.w3.org/2000/xmlns/"/>"#.to_string(),
            r#"<a b="1" b="2"/>"#.to_string(),
            r#"<a b="1" b="2" xmlns:xml="urn:x"/>"#.to_string(),
            r#"<a b c="1" xmlns:xml="urn:x"/>"#.to_string(),
            r#"<a b="&bogus;"/>"#.to_string(),
            r#"<a b='&#xZZ;'/>"#.to_string(),
            r#"<a b="1" c b="2"/>"#.to_string(),
            r#"<a b='1' b='2'/>"#.to_string(),
            r#"<a b="1" b ="2"/>"#.to_string(),
            r#"<a b="1"/><c d=/>"#.to_string(),
            r#"<a b="unterminated/>"#.to_string(),
            // A duplicate among many attributes (past the first eight).
            format!(
                "<a {} a12=\"x\"/>",
                (0..20)
                    .map(|i| format!("a{i}=\"{i}\""))
                    .collect::<Vec<_>>()
                    .join(" ")
            ),
        ];
        for d in &docs {
            let expected = reference(d).unwrap_err();
            assert_eq!(ours(d).unwrap_err(), expected, "{d}");
        }
    }

    #[test]
    fn many_attributes_stay_linear() {
        let n = 200_000;
        let attrs: String = (0..n).map(|i| format!(" a{i}=\"\"")).collect();
        let xml = format!("<r{attrs}/>");
        let started = std::time::Instant::now();
        let mut r = XmlReader::new(xml.as_bytes(), "t.xml", Limits::default());
        let Ok(Ev::Start(e)) = r.next() else {
            panic!("no start")
        };
        assert_eq!(e.attrs().count(), n);
        assert!(started.elapsed() < std::time::Duration::from_secs(10));
    }

    #[test]
    fn many_declarations_resolve_quickly() {
        // Thousands of prefixes declared on the root, then elements whose prefixes
        // miss the small memo (declared first, so a scan from the innermost
        // binding would walk them all), and an element that redeclares one.
        let n = 20_000;
        let decls: String = (0..n).map(|i| format!(" xmlns:p{i}=\"{W}\"")).collect();
        let uses: String = (0..100_000).map(|i| format!("<p{}:x/>", i % 16)).collect();
        let xml =
            format!(r#"<p0:r{decls}>{uses}<p1:y xmlns:p1="{T}"><p1:z/></p1:y><p1:w/></p0:r>"#);
        let started = std::time::Instant::now();
        let mut r = XmlReader::new(xml.as_bytes(), "t.xml", Limits::default());
        let mut seen = Vec::new();
        loop {
            match r.next().unwrap() {
                Ev::Start(e) => seen.push((e.ns, e.local.to_vec())),
                Ev::Eof => break,
                _ => {}
            }
        }
        assert!(started.elapsed() < std::time::Duration::from_secs(10));
        assert_eq!(seen.len(), 100_004);
        assert!(seen[..100_001].iter().all(|(ns, _)| *ns == Ns::W));
        let tail: Vec<_> = seen[100_001..]
            .iter()
            .map(|(ns, l)| (*ns, l.as_slice()))
            .collect();
        assert_eq!(
            tail,
            [(Ns::Text, &b"y"[..]), (Ns::Text, b"z"), (Ns::W, b"w")]
        );
        // quick-xml's own resolution agrees, with the index built while bindings
        // shadow others (on a smaller document: quick-xml scans).
        let decls: String = (0..100).map(|i| format!(" xmlns:p{i}=\"{W}\"")).collect();
        let inner: String = (0..100)
            .map(|i| format!(" xmlns:p{}=\"{T}\"", i * 2))
            .collect();
        let small = format!(
            r#"<p0:r{decls}><p1:x/><p1:y xmlns:p1="{T}"><p1:z/><q{inner}><p2:a/><p3:b/></q><p2:c/></p1:y><p1:w/><p2:d/></p0:r>"#
        );
        assert_eq!(ours(&small).unwrap(), reference(&small).unwrap());
    }

    #[test]
    fn prefix_uri_like_quick_xml() {
        let xml =
            format!(r#"<r xmlns:w="{W}" xmlns:u=""><c xmlns:t="{T}" xmlns:w="urn:inner"/></r>"#);
        let mut ours = XmlReader::new(xml.as_bytes(), "t.xml", Limits::default());
        let mut theirs = NsReader::from_reader(xml.as_bytes());
        for _ in 0..2 {
            assert!(matches!(ours.next().unwrap(), Ev::Start(_)));
            theirs.read_resolved_event().unwrap();
            for p in ["w", "t", "u", "xml", "xmlns", "none", "w:extra", ""] {
                let q = format!("{p}:x");
                let expected = match theirs.resolve_element(QName(q.as_bytes())).0 {
                    ResolveResult::Bound(ns) => {
                        Some(String::from_utf8_lossy(ns.as_ref()).into_owned())
                    }
                    _ => None,
                };
                assert_eq!(ours.prefix_uri(p), expected, "{p}");
            }
        }
    }
}

/// The own tokenizer against quick-xml's, event by event: on every XML part of
/// the public corpus and the samples, and on mutated copies of some of them.
#[cfg(test)]
mod differential {
    use super::*;
    use std::path::{Path, PathBuf};

    /// Every event (or the error) of `bytes`, through the own tokenizer or, with
    /// `quick_only`, through quick-xml alone (the path for non-UTF-8 parts).
    pub(super) fn events(bytes: &[u8], quick_only: bool) -> Vec<String> {
        let mut r = XmlReader::new(bytes, "p.xml", Limits::default());
        if quick_only {
            r.input_str = None;
        }
        let mut out = Vec::new();
        loop {
            match r.next() {
                Ok(Ev::Eof) => {
                    out.push(format!("EOF at {}", r.offset()));
                    return out;
                }
                Ok(ev) => out.push(event_string(&ev)),
                Err(e) => {
                    out.push(error_string(&e));
                    return out;
                }
            }
        }
    }

    /// An event (other than the end of the part) as [`events`] lists it.
    pub(super) fn event_string(ev: &Ev<'_>) -> String {
        match ev {
            Ev::Start(e) => {
                let attrs: Vec<String> = e
                    .attrs()
                    .map(|a| {
                        format!(
                            "{:?}:{}={}",
                            a.ns,
                            String::from_utf8_lossy(a.local),
                            a.value
                        )
                    })
                    .collect();
                format!(
                    "S {:?}:{} {}",
                    e.ns,
                    String::from_utf8_lossy(e.local),
                    attrs.join(" ")
                )
            }
            Ev::End(ns, local) => format!("E {ns:?}:{}", String::from_utf8_lossy(local)),
            Ev::Text(t) => format!("T {t}"),
            Ev::Eof => "EOF".into(),
        }
    }

    /// An error as [`events`] lists it. Offsets are compared on the events'
    /// side (EOF); error offsets of the two paths are only required to be close.
    pub(super) fn error_string(e: &ReadError) -> String {
        match e {
            ReadError::Xml { message, .. } => format!("ERR {message}"),
            e => format!("ERR {e}"),
        }
    }

    /// Markup characters, inserted one at a time by the mutation tests.
    const MARKUP: [&[u8]; 8] = [b"<", b">", b"&", b"\"", b"'", b"/", b"=", b" "];

    /// `doc` cut at `at`, without its byte at `at`, and with each of `inserts`
    /// inserted at `at`.
    pub(super) fn mutations_at(doc: &[u8], at: usize, inserts: &[&[u8]]) -> Vec<Vec<u8>> {
        let mut variants = vec![doc[..at].to_vec()];
        if at < doc.len() {
            let mut d = doc.to_vec();
            d.remove(at);
            variants.push(d);
        }
        for ins in inserts {
            let mut m = doc.to_vec();
            m.splice(at..at, ins.iter().copied());
            variants.push(m);
        }
        variants
    }

    /// The two paths give the same events (or error) on `bytes`.
    fn assert_same(bytes: &[u8], context: &dyn std::fmt::Display) {
        assert_eq!(events(bytes, false), events(bytes, true), "{context}");
    }

    pub(super) fn documents() -> Vec<PathBuf> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut out = Vec::new();
        let mut dirs = vec![root.join("../shared/corpus/public"), root.join("samples")];
        while let Some(d) = dirs.pop() {
            let Ok(entries) = std::fs::read_dir(&d) else {
                continue;
            };
            for e in entries.flatten() {
                let p = e.path();
                if p.is_dir() {
                    dirs.push(p);
                } else if matches!(p.extension().and_then(|x| x.to_str()), Some("docx" | "odt")) {
                    out.push(p);
                }
            }
        }
        out.sort();
        out
    }

    /// The XML parts of a document that is valid UTF-8 (the own tokenizer's
    /// domain).
    pub(super) fn xml_parts(path: &Path) -> Vec<(String, Vec<u8>)> {
        let Ok(bytes) = std::fs::read(path) else {
            return Vec::new();
        };
        // Read with the zip crate, not the container layer above this one.
        let Ok(mut zip) = zip::ZipArchive::new(std::io::Cursor::new(bytes)) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for i in 0..zip.len() {
            let Ok(mut member) = zip.by_index(i) else {
                continue;
            };
            let name = member.name().to_string();
            if !(name.ends_with(".xml") || name.ends_with(".rels")) {
                continue;
            }
            let mut b = Vec::new();
            if std::io::Read::read_to_end(&mut member, &mut b).is_ok()
                && std::str::from_utf8(&b).is_ok()
            {
                out.push((name, b));
            }
        }
        out
    }

    #[test]
    fn same_events_on_real_parts() {
        let docs = documents();
        assert!(docs.len() > 200, "corpus not found: {}", docs.len());
        let mut parts = 0;
        for d in &docs {
            for (name, b) in xml_parts(d) {
                assert_same(&b, &format_args!("{} {name}", d.display()));
                parts += 1;
            }
        }
        assert!(parts > 1000, "{parts} parts");
    }

    #[test]
    fn same_events_on_mutated_parts() {
        // Deterministic mutations (ASCII only, so the part stays UTF-8): markup
        // characters inserted, bytes removed, tags cut.
        let inserts: Vec<&[u8]> = MARKUP
            .iter()
            .copied()
            .chain([
                &b"</w:p>"[..],
                b"<x>",
                b"<!--",
                b"&amp;",
                b"&#x41;",
                b"&bogus;",
                b"<![CDATA[x]]>",
                b"<?pi?>",
                b"xmlns:w=\"urn:x\" ",
                b"a=\"1\" a=\"2\"",
            ])
            .collect();
        let docs = documents();
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let mut cases = 0;
        for d in docs.iter().step_by(3) {
            for (name, b) in xml_parts(d).into_iter().take(3) {
                let b: Vec<u8> = b.into_iter().take(20_000).collect();
                for _ in 0..30 {
                    let mut m = b.clone();
                    let at = (next() as usize) % m.len().max(1);
                    let at = (at..m.len()).find(|&i| m[i].is_ascii()).unwrap_or(m.len());
                    match next() % 3 {
                        0 => {
                            let ins = inserts[(next() as usize) % inserts.len()];
                            m.splice(at..at, ins.iter().copied());
                        }
                        1 if at < m.len() => {
                            m.remove(at);
                        }
                        _ => m.truncate(at),
                    }
                    if std::str::from_utf8(&m).is_err() {
                        continue;
                    }
                    assert_same(&m, &format_args!("{} {name} mutated at {at}", d.display()));
                    cases += 1;
                }
            }
        }
        assert!(cases > 1000, "{cases} cases");
    }

    #[test]
    fn same_events_on_every_small_mutation() {
        // Every single-byte deletion, every cut and every insertion of a markup
        // fragment, at every position of a document using each kind of token.
        let doc = br#"<?xml version="1.0"?><!-- c --><w:document xmlns:w="urn:w" xmlns:v='urn:v'><w:p w:a="1" v:b='x&amp;y'><w:r><w:t xml:space="preserve"> a &lt;b&gt; &#x4E00; </w:t><w:br/><w:tab /></w:r><![CDATA[<c>]]><?pi x?></w:p ><p xmlns="urn:d" c="3"/></w:document>"#;
        let inserts: Vec<&[u8]> = MARKUP
            .iter()
            .copied()
            .chain([
                &b"xmlns:w=\"urn:x\" "[..],
                b"a=\"1\" a=\"2\"",
                b"</w:p>",
                b"<!--",
                b"&bogus;",
            ])
            .collect();
        let mut cases = 0;
        for at in 0..=doc.len() {
            for m in mutations_at(doc, at, &inserts) {
                assert_same(&m, &String::from_utf8_lossy(&m));
                cases += 1;
            }
        }
        assert!(cases > 3000, "{cases}");
    }
}
