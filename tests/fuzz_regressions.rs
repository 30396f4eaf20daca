//! Inputs found by the fuzz targets (`fuzz/`, `make fuzz`), minimized, each
//! with the behaviour its fix settled. Every test here failed before its fix.

use reportdex::container::Limits;
use reportdex::xml::{Ev, Ns, XmlReader};

const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

/// A start tag: namespace, local name, attributes as (namespace, local name).
type Start = (Ns, String, Vec<(Ns, String)>);

/// Every start tag of `xml`.
fn starts(xml: &str) -> Vec<Start> {
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
    assert_eq!(
        s[1],
        (Ns::W, "link".into(), vec![(Ns::Other, "val".into())])
    );
    assert_eq!(
        s[2],
        (Ns::Other, "p".into(), vec![(Ns::Other, "val".into())])
    );
    assert_eq!(s[3], (Ns::Other, "q".into(), vec![]));
}

/// A minimal DOCX whose body is `body` (WordprocessingML, `w:` prefix).
fn docx(body: &str) -> Vec<u8> {
    use std::io::Write;
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    let parts = [
        (
            "[Content_Types].xml",
            r#"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>"#
                .to_string(),
        ),
        (
            "word/document.xml",
            format!(r#"<w:document xmlns:w="{W}"><w:body>{body}</w:body></w:document>"#),
        ),
    ];
    for (name, text) in parts {
        w.start_file(name, opts).unwrap();
        w.write_all(text.as_bytes()).unwrap();
    }
    w.finish().unwrap().into_inner()
}

/// doc (and the same in DOCX): tables nested 64 levels deep made report JSON
/// nested deeper than serde_json reads (128 levels), so the pipeline's reuse
/// and the index's text similarity could not read the report back. Tables
/// deeper than `structure::MAX_TABLE_DEPTH` are now kept as their cell's text.
#[test]
fn deeply_nested_tables_give_json_that_reads_back() {
    use reportdex::convert::{convert_bytes, ConvertOptions};
    let levels = 40;
    let body = format!(
        "{}<w:p><w:r><w:t>core</w:t></w:r></w:p>{}",
        "<w:tbl><w:tr><w:tc>".repeat(levels),
        "</w:tc></w:tr></w:tbl>".repeat(levels)
    );
    let out = convert_bytes(docx(&body), "deep.docx", &ConvertOptions::default()).unwrap();
    let json = serde_json::to_vec(&out).unwrap();
    let back: reportdex::output::DocumentOutput =
        serde_json::from_slice(&json).expect("the report JSON reads back");
    assert!(back
        .warnings
        .iter()
        .any(|w| w.code == "table_nesting_too_deep"));
    assert!(String::from_utf8_lossy(&json).contains("core"));
}

#[path = "support/doc_builder.rs"]
mod doc_builder;

/// doc: a CLX whose last byte is the Pcdt marker (0x02), so that the piece
/// table's length field lies past its end, underflowed a subtraction (a panic
/// with overflow checks, a wrapped length without). Now a typed error: the
/// piece table is empty.
#[test]
fn clx_ending_in_the_pcdt_marker_is_an_error() {
    use reportdex::convert::{convert_bytes, ConvertOptions};
    use reportdex::error::ReadError;
    let mut b = doc_builder::build(&[doc_builder::Para::new("text")]);
    let (clx_at, _) = b.pair(33);
    assert_eq!(b.table[clx_at as usize], 2);
    b.set_pair(33, clx_at, 1);
    match convert_bytes(b.compound(), "t.doc", &ConvertOptions::default()) {
        Err(ReadError::WordBinary(m)) => assert!(m.contains("empty"), "{m}"),
        other => panic!("{:?}", other.map(|d| d.warnings)),
    }
}

/// A small sound compound file (version 3) with a Word stream.
fn compound_file() -> Vec<u8> {
    use std::io::Write;
    let mut c =
        cfb::CompoundFile::create_with_version(cfb::Version::V3, std::io::Cursor::new(Vec::new()))
            .unwrap();
    for (name, len) in [("/WordDocument", 5000), ("/1Table", 300)] {
        c.create_stream(name)
            .unwrap()
            .write_all(&vec![7u8; len])
            .unwrap();
    }
    c.flush().unwrap();
    c.into_inner().into_inner()
}

/// container: a root entry whose stream length is near `u64::MAX` (and not a
/// whole number of mini sectors, so cfb refuses the file) overflowed while
/// the repair rounded it up. It is now cut to the mini stream's chain, and
/// the file opens.
#[test]
fn root_stream_length_near_the_maximum_is_cut_to_its_chain() {
    let mut b = compound_file();
    let dir = (u32::from_le_bytes(b[0x30..0x34].try_into().unwrap()) as usize + 1) * 512;
    b[dir + 120..dir + 128].copy_from_slice(&(u64::MAX - 2).to_le_bytes());
    let pkg = reportdex::container::Package::open(b, Limits::default()).unwrap();
    assert_eq!(pkg.warnings()[0].code, "repaired_compound_file");
}
