//! Unit tests of the XML layer.

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
    let xml = format!(r#"<p0:r{decls}>{uses}<p1:y xmlns:p1="{T}"><p1:z/></p1:y><p1:w/></p0:r>"#);
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
    let xml = format!(r#"<r xmlns:w="{W}" xmlns:u=""><c xmlns:t="{T}" xmlns:w="urn:inner"/></r>"#);
    let mut ours = XmlReader::new(xml.as_bytes(), "t.xml", Limits::default());
    let mut theirs = NsReader::from_reader(xml.as_bytes());
    for _ in 0..2 {
        assert!(matches!(ours.next().unwrap(), Ev::Start(_)));
        theirs.read_resolved_event().unwrap();
        for p in ["w", "t", "u", "xml", "xmlns", "none", "w:extra", ""] {
            let q = format!("{p}:x");
            let expected = match theirs.resolve_element(QName(q.as_bytes())).0 {
                ResolveResult::Bound(ns) => Some(String::from_utf8_lossy(ns.as_ref()).into_owned()),
                _ => None,
            };
            assert_eq!(ours.prefix_uri(p), expected, "{p}");
        }
    }
}
