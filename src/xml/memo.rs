//! Reading repeated element content once.
//!
//! Word writes the same small property elements over and over: every run of a
//! report carries its own `w:rPr` (`w:rFonts`, `w:sz`, `w:szCs`…), and a few
//! distinct ones account for thousands of runs. [`XmlReader::memo`] reads such
//! an element's content once per distinct content and reuses the result.
//!
//! Reuse is exact, not a heuristic. The reader's events depend only on the
//! bytes it reads and on its state: the namespace declarations in scope, the
//! nesting depth (which the depth limit checks) and the name of the element
//! (which its end tag must repeat); and it never looks past the `>` of the
//! token it returns. So a read that succeeded and consumed exactly the bytes
//! `B` (the content and the element's end tag) gives the same result wherever
//! the input continues with `B`, in the same state. An entry keeps `B` with the
//! reader, the declarations in scope, the depth and the element's name as
//! written; it is reused only where all five match.

use super::XmlReader;
use crate::error::ReadError;
use std::sync::atomic::{AtomicU64, Ordering};

/// Distinct contents remembered per [`Memo`].
const ENTRIES: usize = 32;

/// Longest content (in bytes, with its end tag) worth remembering.
const MAX_CONTENT: usize = 2048;

/// Source of [`XmlReader`] identities, so that a [`Memo`] shared across parts
/// never confuses the state of one reader with another's.
static READERS: AtomicU64 = AtomicU64::new(0);

/// A fresh reader identity.
pub(super) fn reader_id() -> u64 {
    READERS.fetch_add(1, Ordering::Relaxed)
}

/// What, besides the bytes, an entry's reuse requires.
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
    /// The element's name as written.
    qname: Box<[u8]>,
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
    /// The entry for `state` and element `qname` whose bytes start `rest`:
    /// their length and value.
    fn find(&self, state: State, qname: &[u8], rest: &[u8]) -> Option<(usize, &T)> {
        self.entries
            .iter()
            .find(|e| e.state == state && rest.starts_with(&e.bytes) && *e.qname == *qname)
            .map(|e| (e.bytes.len(), &e.value))
    }

    fn insert(&mut self, state: State, qname: &[u8], bytes: &[u8], value: T) {
        let entry = Entry {
            state,
            qname: qname.into(),
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
    /// Read the rest of the element whose start was just read with `read`; or,
    /// when the same bytes were read before in the same state (see the module
    /// docs), return that result again and move past the element's end.
    ///
    /// `read` must depend on nothing but what it reads, and should stop at the
    /// element's end (as `while let Some(e) = next_child(r)?` loops do): a read
    /// that stops elsewhere, or fails, is not remembered.
    pub fn memo<T: Clone>(
        &mut self,
        memo: &mut Memo<T>,
        read: impl FnOnce(&mut Self) -> Result<T, ReadError>,
    ) -> Result<T, ReadError> {
        // An empty element's end is already known; a part read by quick-xml
        // has no own offset.
        let (serial, qname) = match self.frames.last() {
            Some(f) if !self.pending_end && self.input_str.is_some() => (f.serial, f.qname),
            _ => return read(self),
        };
        let state = State {
            reader: self.id,
            scope: self.scope,
            depth: self.frames.len(),
        };
        let start = self.pos;
        let input = self.input;
        let found = input
            .get(start..)
            .and_then(|rest| memo.find(state, qname, rest));
        if let Some((len, value)) = found {
            let value = value.clone();
            self.pos = start + len;
            self.close();
            #[cfg(test)]
            {
                memo.hits += 1;
            }
            return Ok(value);
        }
        let value = read(self)?;
        if self.closed == (serial, self.pos) && self.frames.len() + 1 == state.depth {
            if let Some(bytes) = input
                .get(start..self.pos)
                .filter(|b| b.len() <= MAX_CONTENT)
            {
                memo.insert(state, qname, bytes, value.clone());
            }
        }
        Ok(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::limits::Limits;
    use crate::xml::differential::{
        documents, error_string, event_string, events, mutations_at, xml_parts,
    };
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
            // The same content and end tag under another name: the end tag
            // does not match it.
            br#"<d xmlns:a="urn:1" xmlns:b="urn:1"><a:r><x/></a:r><b:r><x/></a:r></d>"#,
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
            for m in mutations_at(doc, at, inserts) {
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
