//! Reading repeated element content once.
//!
//! Word writes the same small property elements over and over: every run of a
//! report carries its own `w:rPr` (`w:rFonts`, `w:sz`, `w:szCs`…), and a few
//! distinct ones account for thousands of runs. [`XmlReader::memo`] reads such
//! an element's content once per distinct content and reuses the result.
//!
//! Reuse is exact, not a heuristic: the reader's events depend only on the
//! bytes it reads and its state (the namespace declarations in scope and the
//! nesting depth, which the depth limit checks). An entry is reused only for the
//! same bytes, up to and including the element's end tag, in the same reader,
//! with the same declarations in scope, at the same depth; and only successful
//! reads that stopped exactly at that end tag are remembered. Content that a
//! plain scan cannot delimit (comments, CDATA, processing instructions, a
//! nested element of the same name) is always read.

use super::{is_xml_space, XmlReader};
use crate::error::ReadError;
use std::sync::atomic::{AtomicU64, Ordering};

/// Distinct contents remembered per [`Memo`].
const ENTRIES: usize = 32;

/// Longest content (in bytes) worth remembering.
const MAX_CONTENT: usize = 2048;

/// Source of [`XmlReader`] identities, so that a [`Memo`] shared across parts
/// never confuses the state of one reader with another's.
static READERS: AtomicU64 = AtomicU64::new(0);

/// A fresh reader identity.
pub(super) fn reader_id() -> u64 {
    READERS.fetch_add(1, Ordering::Relaxed)
}

/// What, besides the content, an entry's reuse requires.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct State {
    reader: u64,
    /// [`XmlReader`]'s count of changes to the declarations in scope.
    scope: u64,
    /// Open elements, the one whose content this is included.
    depth: usize,
}

#[derive(Debug)]
struct Entry<T> {
    state: State,
    /// The content and the end tag, as written.
    bytes: Box<[u8]>,
    value: T,
}

/// Results of reading element content, by content (see the module docs):
/// a bounded cache of at most a few dozen entries, replaced round-robin.
#[derive(Debug)]
pub struct Memo<T> {
    entries: Vec<Entry<T>>,
    next: usize,
    /// Results reused.
    #[cfg(test)]
    hits: usize,
}

impl<T> Default for Memo<T> {
    fn default() -> Self {
        Memo {
            entries: Vec::new(),
            next: 0,
            #[cfg(test)]
            hits: 0,
        }
    }
}

impl<T: Clone> Memo<T> {
    fn find(&self, state: State, bytes: &[u8]) -> Option<&T> {
        self.entries
            .iter()
            .find(|e| e.state == state && *e.bytes == *bytes)
            .map(|e| &e.value)
    }

    fn insert(&mut self, state: State, bytes: &[u8], value: T) {
        let entry = Entry {
            state,
            bytes: bytes.into(),
            value,
        };
        if self.entries.len() < ENTRIES {
            self.entries.push(entry);
        } else if let Some(slot) = self.entries.get_mut(self.next) {
            *slot = entry;
            self.next = (self.next + 1) % ENTRIES;
        }
    }
}

impl<'a> XmlReader<'a> {
    /// Read the rest of the element whose start was just read with `read`,
    /// which must read exactly through its end (as `while let Some(e) =
    /// next_child(r)?` loops do) and depend on nothing but what it reads; or,
    /// when the same content was read before (see the module docs), return
    /// that result again and move past the element's end.
    pub fn memo<T: Clone>(
        &mut self,
        memo: &mut Memo<T>,
        read: impl FnOnce(&mut Self) -> Result<T, ReadError>,
    ) -> Result<T, ReadError> {
        let Some(after) = self.content_end() else {
            return read(self);
        };
        let state = State {
            reader: self.id,
            scope: self.scope,
            depth: self.frames.len(),
        };
        let start = self.pos;
        let bytes = &self.input[start..after];
        if let Some(value) = memo.find(state, bytes) {
            let value = value.clone();
            #[cfg(test)]
            {
                memo.hits += 1;
            }
            self.pos = after;
            if let Some(f) = self.frames.pop() {
                if self.bindings.len() > f.bindings_before {
                    self.truncate_bindings(f.bindings_before);
                }
            }
            return Ok(value);
        }
        let value = read(self)?;
        if self.pos == after && self.frames.len() + 1 == state.depth && !self.pending_end {
            memo.insert(state, bytes, value.clone());
        }
        Ok(value)
    }

    /// Where the end tag of the element just started ends, found by a scan
    /// that gives up on anything it cannot delimit plainly: `None` for an
    /// empty element, a part read through quick-xml, content longer than
    /// [`MAX_CONTENT`], comments, CDATA, declarations, processing
    /// instructions, or a nested element of the same name.
    fn content_end(&self) -> Option<usize> {
        if self.pending_end || self.input_str.is_none() {
            return None;
        }
        let qname = self.frames.last()?.qname;
        let input = self.input;
        let limit = input
            .len()
            .min(self.pos.saturating_add(MAX_CONTENT + qname.len() + 2));
        let mut i = self.pos;
        loop {
            let lt = i + memchr::memchr(b'<', input.get(i..limit)?)?;
            let name = lt + 2;
            match input.get(lt + 1)? {
                b'/' if input.get(name..name + qname.len()) == Some(qname) => {
                    let mut j = name + qname.len();
                    while input.get(j).is_some_and(|&b| is_xml_space(b)) {
                        j += 1;
                    }
                    if input.get(j) == Some(&b'>') {
                        return Some(j + 1);
                    }
                }
                b'!' | b'?' => return None,
                b'/' => {}
                _ => {
                    let after_name = lt + 1 + qname.len();
                    if input.get(lt + 1..after_name) == Some(qname)
                        && input
                            .get(after_name)
                            .is_some_and(|&b| matches!(b, b'/' | b'>') || is_xml_space(b))
                    {
                        return None;
                    }
                }
            }
            i = lt + 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::container::Limits;
    use crate::xml::differential::{documents, error_string, event_string, events, xml_parts};
    use crate::xml::Ev;

    /// Memos per depth: every element's content down to this depth is read
    /// through [`XmlReader::memo`], each level with its own memo.
    const LEVELS: usize = 12;

    /// The events of the content of the element just started, through its end,
    /// reading each child's content through the next level's memo. Events are
    /// also appended to `seen` as they are read, so that the events before an
    /// error are kept, as [`events`] keeps them.
    fn content(
        r: &mut XmlReader<'_>,
        memos: &mut [Memo<Vec<String>>],
        seen: &mut Vec<String>,
    ) -> Result<Vec<String>, ReadError> {
        let mut out = Vec::new();
        loop {
            let ev = r.next()?;
            let s = event_string(&ev);
            seen.push(s.clone());
            out.push(s);
            match ev {
                Ev::Start(_) => out.extend(child(r, memos, seen)?),
                Ev::End(..) => return Ok(out),
                Ev::Eof => return Ok(out),
                Ev::Text(_) => {}
            }
        }
    }

    /// The content of the element just started, through the first memo.
    fn child(
        r: &mut XmlReader<'_>,
        memos: &mut [Memo<Vec<String>>],
        seen: &mut Vec<String>,
    ) -> Result<Vec<String>, ReadError> {
        let Some((memo, deeper)) = memos.split_first_mut() else {
            return content(r, &mut [], seen);
        };
        let before = seen.len();
        let events = r.memo(memo, |r| content(r, deeper, seen))?;
        if seen.len() == before {
            // Reused: nothing was read.
            seen.extend(events.iter().cloned());
        }
        Ok(events)
    }

    /// [`events`] of `bytes`, with every element's content read through a memo;
    /// and how many contents were reused.
    fn memo_events(bytes: &[u8]) -> (Vec<String>, usize) {
        let mut memos: Vec<Memo<Vec<String>>> = (0..LEVELS).map(|_| Memo::default()).collect();
        let mut r = XmlReader::new(bytes, "p.xml", Limits::default());
        let mut seen = Vec::new();
        let result = (|| loop {
            let ev = r.next()?;
            if let Ev::Eof = ev {
                seen.push(format!("EOF at {}", r.offset()));
                return Ok(());
            }
            seen.push(event_string(&ev));
            if let Ev::Start(_) = ev {
                child(&mut r, &mut memos, &mut seen)?;
            }
        })();
        if let Err(e) = result {
            seen.push(error_string(&e));
        }
        let hits = memos.iter().map(|m| m.hits).sum();
        (seen, hits)
    }

    fn assert_same(bytes: &[u8], context: &dyn std::fmt::Display) -> usize {
        let (with_memo, hits) = memo_events(bytes);
        assert_eq!(with_memo, events(bytes, false), "{context}");
        hits
    }

    #[test]
    fn reuse_gives_the_same_events_on_real_parts() {
        let mut hits = 0;
        let mut parts = 0;
        for d in documents() {
            for (name, b) in xml_parts(&d) {
                hits += assert_same(&b, &format_args!("{} {name}", d.display()));
                parts += 1;
            }
        }
        assert!(parts > 1000, "{parts} parts");
        assert!(hits > 10_000, "{hits} reuses");
    }

    #[test]
    fn reuse_respects_declarations_depth_and_delimiting() {
        let cases: &[&[u8]] = &[
            // Same content, the prefix rebound in between: read again.
            br#"<d xmlns:w="urn:1"><r><w:b/></r><r><w:b/></r><s xmlns:w="urn:2"><r><w:b/></r></s><r><w:b/></r></d>"#,
            // Declarations on the element itself and inside its content.
            br#"<d><r xmlns:w="urn:1"><w:b/></r><r xmlns:w="urn:1"><w:b/></r><r><x xmlns:w="urn:3"><w:b/></x></r><r><x xmlns:w="urn:3"><w:b/></x></r></d>"#,
            // The same content at another depth; a nested element of the same
            // name; comments, CDATA and PIs; end tags with space.
            br#"<d><r><b/></r><q><r><b/></r></q><r><r>x</r></r><r><r>x</r></r><r><!--c--><b/></r><r><!--c--><b/></r><r><![CDATA[</r>]]></r><r><?p x?></r><r><b/></r ><r><b/></r ></d>"#,
            // An end tag inside an attribute value and an unknown entity.
            br#"<d><r><b v="</r>"/></r><r><b v="</r>"/></r><r>&x;</r></d>"#,
            br#"<d><r><b/></r><r><b/></r><r><b/></d>"#,
        ];
        let mut hits = 0;
        for c in cases {
            hits += assert_same(c, &String::from_utf8_lossy(c));
        }
        assert!(hits >= 4, "{hits} reuses");
    }

    #[test]
    fn reuse_gives_the_same_events_on_every_small_mutation() {
        // Repeated run properties, as Word writes them, broken at every position.
        let run = r#"<w:r><w:rPr><w:rFonts w:ascii="仿宋" w:hint="eastAsia"/><w:b/><w:sz w:val="32"/></w:rPr><w:t>文</w:t></w:r>"#;
        let doc = format!(r#"<w:p xmlns:w="urn:w">{run}{run}{run}</w:p>"#);
        let doc = doc.as_bytes();
        let inserts: &[&[u8]] = &[b"<", b">", b"\"", b"/", b"</w:rPr>", b"<w:rPr>", b"<!--"];
        let (mut cases, mut hits) = (0, 0);
        for at in (0..=doc.len()).filter(|&i| doc.get(i).is_none_or(u8::is_ascii)) {
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
            for m in variants {
                hits += assert_same(&m, &String::from_utf8_lossy(&m));
                cases += 1;
            }
        }
        assert!(cases > 1000, "{cases}");
        assert!(hits > 1000, "{hits} reuses");
    }

    #[test]
    fn reuse_respects_the_depth_limit() {
        // The same content fits at the first depth and not at the second.
        let nest =
            |n: usize, inner: &str| format!("{}{inner}{}", "<a>".repeat(n), "</a>".repeat(n));
        let inner = "<r><b><c/></b></r>";
        let doc = format!("<d>{}{}</d>", nest(1, inner), nest(3, inner));
        let limits = Limits {
            max_depth: 6,
            ..Limits::default()
        };
        let walk = |memo: bool| {
            let mut r = XmlReader::new(doc.as_bytes(), "p.xml", limits);
            let mut m: Memo<()> = Memo::default();
            loop {
                match r.next() {
                    Ok(Ev::Start(e)) if e.local == b"r" && memo => {
                        if let Err(e) = r.memo(&mut m, |r| r.skip_element()) {
                            return error_string(&e);
                        }
                    }
                    Ok(Ev::Eof) => return "EOF".to_string(),
                    Ok(_) => {}
                    Err(e) => return error_string(&e),
                }
            }
        };
        assert!(walk(false).contains("deeper than 6"), "{}", walk(false));
        assert_eq!(walk(true), walk(false));
    }
}
