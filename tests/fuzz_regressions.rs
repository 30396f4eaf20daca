//! Inputs found by the fuzz targets (`fuzz/`, `make fuzz`), minimized, each
//! with the behaviour its fix settled. Every test here failed before its fix.

use reportdex::container::Limits;
use reportdex::xml::{Ev, Ns, XmlReader};

const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

/// Every start tag of `xml`: (namespace, local name, attributes as
/// (namespace, local name)).
fn starts(xml: &str) -> Vec<(Ns, String, Vec<(Ns, String)>)> {
    let mut r = XmlReader::new(xml.as_bytes(), "t.xml", Limits::default());
    let mut out = Vec::new();
    loop {
        match r.next().expect("well-formed") {
            Ev::Start(e) => out.push((
                e.ns,
                String::from_utf8_lossy(e.local).into_owned(),
                e.attrs()
                    .map(|a| (a.ns, String::from_utf8_lossy(a.local).into_owned()))
                    .collect(),
            )),
            Ev::Eof => return out,
            _ => {}
        }
    }
}

/// xml_differential: a name with an empty prefix (`:val`) was read as
/// unprefixed (an attribute in no namespace, an element in the default
/// namespace) where quick-xml reads an unknown prefix. Both the own tokenizer
/// (a plain tag) and the general path (a tag declaring a namespace) are
/// covered.
#[test]
fn empty_prefix_is_an_unknown_prefix() {
    let xml = format!(
        r#"<document xmlns="{W}"><link :val="a"/><:p xmlns:x="urn:x" :val="b"/><:q/></document>"#
    );
    let s = starts(&xml);
    assert_eq!(s[0].0, Ns::W);
    assert_eq!(s[1], (Ns::W, "link".into(), vec![(Ns::Other, "val".into())]));
    assert_eq!(s[2], (Ns::Other, "p".into(), vec![(Ns::Other, "val".into())]));
    assert_eq!(s[3], (Ns::Other, "q".into(), vec![]));
}
