//! `reportdex::xml::XmlReader` (our own tokenizer for UTF-8 parts, quick-xml
//! underneath for the rest) against quick-xml's own `NsReader`, on arbitrary
//! bytes: the same events in the same order, or both an error at the same
//! point. Our fast path must never accept what quick-xml refuses, nor read it
//! differently.
//!
//! The reference is quick-xml's `NsReader` configured as `XmlReader`
//! configures its `Reader` (empty elements not expanded, text not trimmed,
//! end names checked), and its events are normalized to what `XmlReader` means
//! to deliver. Every normalization, each a documented, deliberate difference
//! of `XmlReader` (see `src/xml.rs`):
//!
//! 1. **BOM**: `XmlReader` strips a leading UTF-8 BOM; the reference is given
//!    the input without it.
//! 2. **Skipped events**: XML declarations, comments, processing instructions
//!    and DOCTYPEs give no event.
//! 3. **Entity declarations**: a DOCTYPE containing `<!ENTITY`
//!    (ASCII case-insensitive) is an error (`XmlReader` refuses entity
//!    declarations outright; quick-xml reads the DOCTYPE and ignores it).
//! 4. **Depth limit**: a start tag that would open more than `MAX_DEPTH`
//!    elements is an error (`Limits::max_depth`).
//! 5. **Unclosed elements**: the end of input with elements still open is an
//!    error (quick-xml returns `Eof`).
//! 6. **Empty elements**: `<a/>` is a start followed by an end.
//! 7. **Namespaces**: names are compared as `Ns` (the URI through
//!    `Ns::from_uri`, which maps every unknown URI to `Ns::Other`) plus the local
//!    name: quick-xml's `Unbound` is `Ns::None`, `Unknown(prefix)` (an
//!    undeclared prefix, or one undeclared with `xmlns:p=""`) is `Ns::Other`.
//!    Namespace declarations are not attributes.
//! 8. **Attributes**: all of a start tag's attributes are checked (quick-xml
//!    checks them only when iterated, `XmlReader` on every start tag): a
//!    malformed or duplicated attribute, or a value that does not unescape, is
//!    an error at that tag. Values are compared unescaped.
//! 9. **Text**: text and CDATA are compared unescaped/decoded, adjacent pieces
//!    joined and empty ones dropped (how a run of character data is cut into
//!    events is not part of the contract).
//! 10. **Errors**: only the fact of an error is compared, not its message or
//!     offset, and nothing after it.
//! 11. **A character cut at the end**: an incomplete UTF-8 sequence at the
//!     very end of the input is dropped (a truncated part ends where the cut
//!     character begins, so that salvaged parts keep their text); the
//!     reference is given the input without it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use quick_xml::events::Event;
use quick_xml::name::ResolveResult;
use quick_xml::NsReader;
use reportdex::container::Limits;
use reportdex::xml::{Ev, Ns, XmlReader};

const MAX_DEPTH: usize = 16;

/// One normalized event.
#[derive(Debug, PartialEq, Eq)]
enum E {
    Start(Ns, String, Vec<(Ns, String, String)>),
    End(Ns, String),
    Text(String),
    Eof,
    Err,
}

/// A name as text (bytes that are not UTF-8 escaped, so that no two names
/// compare equal that differ).
fn name(b: &[u8]) -> String {
    match std::str::from_utf8(b) {
        Ok(s) => s.to_string(),
        Err(_) => b.escape_ascii().to_string(),
    }
}

fn push_text(out: &mut Vec<E>, t: &str) {
    if t.is_empty() {
        return;
    }
    if let Some(E::Text(prev)) = out.last_mut() {
        prev.push_str(t);
    } else {
        out.push(E::Text(t.to_string()));
    }
}

fn ours(bytes: &[u8]) -> Vec<E> {
    let limits = Limits {
        max_depth: MAX_DEPTH,
        ..Limits::default()
    };
    let mut r = XmlReader::new(bytes, "fuzz.xml", limits);
    let mut out = Vec::new();
    loop {
        match r.next() {
            Ok(Ev::Start(e)) => {
                let attrs = e
                    .attrs()
                    .map(|a| (a.ns, name(a.local), a.value.into_owned()))
                    .collect();
                out.push(E::Start(e.ns, name(e.local), attrs));
            }
            Ok(Ev::End(ns, local)) => out.push(E::End(ns, name(local))),
            Ok(Ev::Text(t)) => push_text(&mut out, &t),
            Ok(Ev::Eof) => {
                out.push(E::Eof);
                return out;
            }
            Err(_) => {
                out.push(E::Err);
                return out;
            }
        }
    }
}

fn ns_of(r: &ResolveResult) -> Ns {
    match r {
        ResolveResult::Unbound => Ns::None,
        ResolveResult::Bound(ns) => Ns::from_uri(ns.as_ref()),
        ResolveResult::Unknown(_) => Ns::Other,
    }
}

fn reference(bytes: &[u8]) -> Vec<E> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let bytes = match std::str::from_utf8(bytes) {
        Err(e) if e.error_len().is_none() => &bytes[..e.valid_up_to()],
        _ => bytes,
    };
    let mut r = NsReader::from_reader(bytes);
    let cfg = r.config_mut();
    cfg.expand_empty_elements = false;
    cfg.trim_text(false);
    cfg.check_end_names = true;
    let mut out = Vec::new();
    let mut depth = 0usize;
    loop {
        let (ns, ev) = match r.read_resolved_event() {
            Ok((res, ev)) => (ns_of(&res), ev),
            Err(_) => {
                out.push(E::Err);
                return out;
            }
        };
        match ev {
            Event::Start(ref e) | Event::Empty(ref e) => {
                if depth + 1 > MAX_DEPTH {
                    out.push(E::Err);
                    return out;
                }
                let mut attrs = Vec::new();
                for a in e.attributes() {
                    let Ok(a) = a else {
                        out.push(E::Err);
                        return out;
                    };
                    if a.key.as_namespace_binding().is_some() {
                        continue;
                    }
                    let (ares, local) = r.resolve_attribute(a.key);
                    let Ok(value) = a.unescape_value() else {
                        out.push(E::Err);
                        return out;
                    };
                    attrs.push((ns_of(&ares), name(local.as_ref()), value.into_owned()));
                }
                let (_, local) = r.resolve_element(e.name());
                let local = name(local.as_ref());
                out.push(E::Start(ns, local.clone(), attrs));
                if matches!(ev, Event::Empty(_)) {
                    out.push(E::End(ns, local));
                } else {
                    depth += 1;
                }
            }
            Event::End(e) => {
                depth = depth.saturating_sub(1);
                let (_, local) = r.resolve_element(e.name());
                out.push(E::End(ns, name(local.as_ref())));
            }
            Event::Text(t) => match t.unescape() {
                Ok(t) => push_text(&mut out, &t),
                Err(_) => {
                    out.push(E::Err);
                    return out;
                }
            },
            Event::CData(c) => match c.decode() {
                Ok(t) => push_text(&mut out, &t),
                Err(_) => {
                    out.push(E::Err);
                    return out;
                }
            },
            Event::DocType(d) => {
                if d.windows(8).any(|w| w.eq_ignore_ascii_case(b"<!ENTITY")) {
                    out.push(E::Err);
                    return out;
                }
            }
            Event::Eof => {
                out.push(if depth > 0 { E::Err } else { E::Eof });
                return out;
            }
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let ours = ours(data);
    let reference = reference(data);
    if ours != reference {
        // The first difference and a little context (whole event lists of a
        // real part are far too long to read).
        let at = ours
            .iter()
            .zip(&reference)
            .position(|(a, b)| a != b)
            .unwrap_or(ours.len().min(reference.len()));
        let from = at.saturating_sub(3);
        panic!(
            "XmlReader and quick-xml differ at event {at}\n ours:      {:?}\n quick-xml: {:?}",
            &ours[from..(at + 2).min(ours.len())],
            &reference[from..(at + 2).min(reference.len())],
        );
    }
});
