//! The own tokenizer of [`XmlReader`] for parts that are valid UTF-8: text,
//! plain start and end tags read straight from the input; anything else goes
//! to quick-xml from that token on.

use super::{
    is_xml_space, local_part, plain_attrs, Attr, Attrs, Elem, Ev, Ns, XmlReader, FAST_ATTRS,
};
use crate::error::ReadError;
use quick_xml::events::Event;
use quick_xml::Reader;
use std::borrow::Cow;

impl<'a> XmlReader<'a> {
    /// [`XmlReader::next`] for a part that is valid UTF-8: the usual tokens
    /// (text, plain start and end tags) are read here straight from the input;
    /// anything else (comments, CDATA, declarations, DOCTYPE, unusual or broken
    /// tags) is read by a quick-xml reader started at that token, so that it is
    /// handled, and its errors reported, as quick-xml does. End tags are checked
    /// against the open elements here, with quick-xml's messages.
    pub(super) fn next_own(&mut self) -> Result<Ev<'a>, ReadError> {
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
        self.open(ns, local, qname, self.bindings.len());
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
}
