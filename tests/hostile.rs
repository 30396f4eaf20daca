//! Bad input gives a typed error that names the file and the reason, never a panic.

use reportdex::container::Limits;
use reportdex::convert::{convert_bytes, convert_file, ConvertOptions};
use reportdex::error::ReadError;
use std::io::Write;

mod support;

use support::zip_of;

const CT: &[u8] = br#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#;
const RELS: &[u8] = br#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#;
const DOC: &[u8] = br#"<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>hello</w:t></w:r></w:p></w:body></w:document>"#;

fn docx_with(document: &[u8]) -> Vec<u8> {
    zip_of(&[
        ("[Content_Types].xml", CT),
        ("_rels/.rels", RELS),
        ("word/document.xml", document),
    ])
}

fn err(bytes: Vec<u8>) -> ReadError {
    match convert_bytes(bytes, "x.docx", &ConvertOptions::default()) {
        Ok(_) => panic!("converted bad input"),
        Err(e) => e,
    }
}

#[test]
fn not_a_zip() {
    assert!(matches!(
        err(b"hello, world".to_vec()),
        ReadError::NotZip(_)
    ));
    assert!(matches!(err(Vec::new()), ReadError::NotZip(_)));
    // A truncated zip is salvaged from its local headers (tests/salvage.rs);
    // cut before its main part has any text it is still a typed error.
    let mut z = docx_with(DOC);
    z.truncate(z.len() / 2);
    let e = err(z);
    assert!(
        matches!(
            e,
            ReadError::Zip(_) | ReadError::Xml { .. } | ReadError::MissingPart(_)
        ),
        "{e:?}"
    );
}

#[test]
fn legacy_and_encrypted() {
    let mut ole = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    ole.resize(2048, 0);
    assert!(matches!(err(ole), ReadError::Ole(_)));
    let mut c = cfb::CompoundFile::create(std::io::Cursor::new(Vec::new())).unwrap();
    c.create_stream("/EncryptedPackage").unwrap();
    c.flush().unwrap();
    let e = err(c.into_inner().into_inner());
    assert!(matches!(e, ReadError::Encrypted));
    assert_eq!(
        e.to_string(),
        "encrypted document (password protected), cannot read"
    );
    let manifest = br#"<?xml version="1.0"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"><manifest:encryption-data manifest:checksum-type="SHA1/1K"/></manifest:file-entry></manifest:manifest>"#;
    let odt = zip_of(&[
        ("mimetype", b"application/vnd.oasis.opendocument.text"),
        ("META-INF/manifest.xml", manifest),
        ("content.xml", b"\x00garbage"),
    ]);
    assert!(matches!(err(odt), ReadError::Encrypted));
}

#[test]
fn missing_main_part_and_unknown_packages() {
    let z = zip_of(&[("[Content_Types].xml", CT), ("_rels/.rels", RELS)]);
    assert!(matches!(err(z), ReadError::MissingPart(p) if p == "word/document.xml"));
    let z = zip_of(&[("hello.txt", b"hi")]);
    assert!(matches!(err(z), ReadError::UnknownPackage(_)));
    let z = zip_of(&[(
        "mimetype",
        b"application/vnd.oasis.opendocument.spreadsheet",
    )]);
    assert!(matches!(err(z), ReadError::UnknownPackage(_)));
}

#[test]
fn malformed_xml_names_part_and_offset() {
    let bad = br#"<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>a</w:r></w:p>"#;
    match err(docx_with(bad)) {
        ReadError::Xml { part, .. } => assert_eq!(part, "word/document.xml"),
        e => panic!("expected an XML error, got {e:?}"),
    }
}

#[test]
fn doctype_with_entities_is_refused() {
    let lol = br#"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>&lol2;</w:t></w:r></w:p></w:body></w:document>"#;
    assert!(matches!(
        err(docx_with(lol)),
        ReadError::EntityDeclaration { .. }
    ));
}

#[test]
fn zip_bomb_part_is_refused() {
    let zeros = vec![b' '; 3 * 1024 * 1024];
    let mut doc = DOC.to_vec();
    doc.splice(doc.len() - 20..doc.len() - 20, zeros);
    let bytes = docx_with(&doc);
    assert!(bytes.len() < 100 * 1024, "compresses well");
    let opts = ConvertOptions {
        limits: Limits {
            max_part_bytes: 1024 * 1024,
            ..Limits::default()
        },
    };
    let e = convert_bytes(bytes, "bomb.docx", &opts).unwrap_err();
    assert!(matches!(e, ReadError::PartTooLarge { .. }), "{e:?}");
}

#[test]
fn file_errors_name_the_file() {
    let dir = std::env::temp_dir().join(format!("reportdex-hostile-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("report.docx");
    let mut c = cfb::CompoundFile::create(std::io::Cursor::new(Vec::new())).unwrap();
    c.create_stream("/EncryptedPackage").unwrap();
    c.flush().unwrap();
    std::fs::write(&path, c.into_inner().into_inner()).unwrap();
    let e = convert_file(&path, "report.docx", &ConvertOptions::default()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "report.docx: encrypted document (password protected), cannot read"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

// ---------------------------------------------------------------------------
// Hostile numbers, package shapes and parts: each converts with a warning or
// fails with a typed error, quickly, on a worker-sized stack.
// ---------------------------------------------------------------------------

use reportdex::container::Package;
use reportdex::model::{Block, Document};
use std::time::{Duration, Instant};

const W_NS: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
const ODF_NS: &str = r#"xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0""#;

/// Read a package into the document model (and through the whole conversion, which
/// must not panic either), on a 2 MiB stack, within `secs` seconds.
fn read_quickly(bytes: Vec<u8>, secs: u64) -> Result<Document, ReadError> {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .stack_size(2 * 1024 * 1024)
        .spawn(move || {
            let started = Instant::now();
            let doc = Package::open(bytes.clone(), Limits::default())
                .and_then(|mut pkg| reportdex::read::read(&mut pkg));
            let converted = convert_bytes(bytes, "x", &ConvertOptions::default());
            assert_eq!(doc.is_ok(), converted.is_ok());
            let _ = tx.send((doc, started.elapsed()));
        })
        .unwrap();
    let (doc, took) = rx
        .recv_timeout(Duration::from_secs(120))
        .expect("no result in 120 s");
    assert!(took < Duration::from_secs(secs), "took {took:?}");
    doc
}

fn codes(doc: &Document) -> Vec<&str> {
    doc.warnings.iter().map(|w| w.code.as_str()).collect()
}

fn odt_with(content: &[u8]) -> Vec<u8> {
    zip_of(&[
        ("mimetype", b"application/vnd.oasis.opendocument.text"),
        ("content.xml", content),
    ])
}

fn odt_body(body: &str) -> Vec<u8> {
    odt_with(format!(
        r#"<office:document-content {ODF_NS}><office:body><office:text>{body}</office:text></office:body></office:document-content>"#
    ).as_bytes())
}

fn docx_body(body: &str) -> String {
    format!(r#"<w:document xmlns:w="{W_NS}"><w:body>{body}</w:body></w:document>"#)
}

fn only_table(doc: &Document) -> &reportdex::model::Table {
    match doc.body.as_slice() {
        [Block::Table(t), ..] => t,
        other => panic!("expected a table first, got {other:?}"),
    }
}

#[test]
fn docx_huge_spans_and_levels() {
    // gridSpan at u32::MAX, gridBefore/After huge, a 500-cell row of maximal spans
    // followed by many narrow rows (the grid is rectangular: area, not widths).
    let wide: String = (0..500)
        .map(|_| r#"<w:tc><w:tcPr><w:gridSpan w:val="4294967295"/></w:tcPr><w:p/></w:tc>"#)
        .collect();
    let narrow = r#"<w:tr><w:trPr><w:gridBefore w:val="4294967295"/><w:gridAfter w:val="99999999999"/></w:trPr><w:tc><w:p><w:r><w:t>x</w:t></w:r></w:p></w:tc></w:tr>"#.repeat(2000);
    let body = format!(
        r#"<w:tbl><w:tr>{wide}</w:tr>{narrow}</w:tbl>
        <w:p><w:pPr><w:numPr><w:ilvl w:val="99999"/><w:numId w:val="4294967295"/></w:numPr><w:outlineLvl w:val="4294967295"/></w:pPr><w:r><w:t>numbered</w:t></w:r></w:p>"#
    );
    let numbering = format!(
        r#"<w:numbering xmlns:w="{W_NS}"><w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="99999"><w:start w:val="4294967295"/></w:lvl><w:lvl w:ilvl="8"><w:start w:val="4294967295"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%9.%1.%0"/><w:lvlRestart w:val="4294967295"/></w:lvl></w:abstractNum><w:num w:numId="4294967295"><w:abstractNumId w:val="0"/><w:lvlOverride w:ilvl="4294967295"><w:startOverride w:val="4294967295"/></w:lvlOverride></w:num></w:numbering>"#
    );
    let bytes = zip_of(&[
        ("[Content_Types].xml", CT),
        ("_rels/.rels", RELS),
        ("word/document.xml", docx_body(&body).as_bytes()),
        ("word/numbering.xml", numbering.as_bytes()),
    ]);
    let doc = read_quickly(bytes, 30).unwrap();
    let t = only_table(&doc);
    assert_eq!((t.n_rows, t.n_cols), (2, 500_000));
    assert_eq!(codes(&doc), ["table_too_large"]);
    match &doc.body[1] {
        // The ninth level counts from its start (u32::MAX, beyond Chinese numerals:
        // digits); %1 is an undefined level's start (0); %0 is no level.
        Block::Paragraph(p) => {
            assert_eq!(p.text, "4294967295.0. numbered");
            assert_eq!(p.heading, None);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn odt_huge_spans_repeats_and_counts() {
    let body = r#"<table:table><table:table-row><table:table-cell table:number-columns-spanned="4294967295" table:number-rows-spanned="4294967295"><text:p>big</text:p></table:table-cell></table:table-row></table:table>
        <table:table><table:table-row><table:table-cell table:number-columns-spanned="1024"/></table:table-row><table:table-row table:number-rows-repeated="18446744073709551615"><table:table-cell><text:p>r</text:p></table:table-cell></table:table-row></table:table>
        <text:h text:outline-level="99999">h</text:h>
        <text:p>a<text:s text:c="999999999"/>b</text:p>
        <text:list><text:list-item text:start-value="9223372036854775807"><text:p>i</text:p></text:list-item><text:list-item><text:p>j</text:p></text:list-item></text:list>"#;
    let doc = read_quickly(odt_body(body), 30).unwrap();
    let t = only_table(&doc);
    // One row stays one row: the span is clipped to the rows present.
    assert_eq!((t.n_rows, t.n_cols, t.cells.len()), (1, 1024, 1));
    let Block::Table(t2) = &doc.body[1] else {
        panic!("not a table")
    };
    assert_eq!(t2.n_cols, 1024);
    assert!(t2.n_rows as usize * t2.n_cols as usize <= 1_000_000);
    let texts: Vec<&str> = doc.body[2..]
        .iter()
        .map(|b| match b {
            Block::Paragraph(p) => p.text.as_str(),
            Block::Table(_) => "table",
        })
        .collect();
    assert_eq!(texts[0], "h");
    assert_eq!(texts[1].len(), 1002);
    assert_eq!(&texts[2..], ["i", "j"]);
    // The repeated rows of 1024 columns also hit the table cell budget.
    assert_eq!(
        codes(&doc),
        [
            "row_span_overflow",
            "repeat_capped",
            "table_too_large",
            "repeat_capped"
        ]
    );
}

#[test]
fn too_many_parts_is_refused() {
    let names: Vec<String> = (0..10_001).map(|i| format!("p/{i}")).collect();
    let mut parts: Vec<(&str, &[u8])> = vec![("[Content_Types].xml", CT), ("_rels/.rels", RELS)];
    parts.extend(names.iter().map(|n| (n.as_str(), &b""[..])));
    let e = read_quickly(zip_of(&parts), 30).unwrap_err();
    assert!(
        matches!(
            e,
            ReadError::TooManyParts {
                count: 10_003,
                limit: 10_000
            }
        ),
        "{e:?}"
    );
}

#[test]
fn main_part_outside_the_package_is_missing() {
    let rels = br#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="../../etc/passwd"/></Relationships>"#;
    let z = zip_of(&[
        ("[Content_Types].xml", CT),
        ("_rels/.rels", rels),
        ("word/document.xml", DOC),
    ]);
    // `..` never leaves the package root: the target is the member `etc/passwd`.
    let e = read_quickly(z, 10).unwrap_err();
    assert!(
        matches!(&e, ReadError::MissingPart(p) if p == "etc/passwd"),
        "{e:?}"
    );
}

#[test]
fn main_parts_that_are_not_documents_warn() {
    let cases: [(&[u8], &str); 4] = [
        (b"", "unexpected_root"),
        (br#"<html><body><p>hi</p></body></html>"#, "unexpected_root"),
        (
            br#"<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:background/></w:document>"#,
            "no_body",
        ),
        (br#"<?xml version="1.0"?><!-- nothing --><?pi x?>"#, "unexpected_root"),
    ];
    for (xml, code) in cases {
        let doc = read_quickly(docx_with(xml), 10).unwrap();
        assert!(doc.body.is_empty());
        assert_eq!(codes(&doc), [code], "{}", String::from_utf8_lossy(xml));
    }
    let odts: [&[u8]; 3] = [
        b"",
        br#"<html><body><p>hi</p></body></html>"#,
        br#"<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"><office:body><office:spreadsheet/></office:body></office:document-content>"#,
    ];
    for xml in odts {
        let doc = read_quickly(odt_with(xml), 10).unwrap();
        assert!(doc.body.is_empty());
        assert_eq!(codes(&doc), ["no_body"], "{}", String::from_utf8_lossy(xml));
    }
}

#[test]
fn zero_byte_parts() {
    // Optional parts of 0 bytes are read as empty.
    let doc = read_quickly(
        zip_of(&[
            ("[Content_Types].xml", CT),
            ("_rels/.rels", RELS),
            ("word/document.xml", DOC),
            ("word/styles.xml", b""),
            ("word/numbering.xml", b""),
            ("word/footnotes.xml", b""),
            ("docProps/core.xml", b""),
        ]),
        10,
    )
    .unwrap();
    assert_eq!(doc.body.len(), 1);
    assert!(doc.warnings.is_empty(), "{:?}", doc.warnings);
    // A 0-byte _rels/.rels: the conventional main part.
    let doc = read_quickly(
        zip_of(&[
            ("[Content_Types].xml", CT),
            ("_rels/.rels", b""),
            ("word/document.xml", DOC),
        ]),
        10,
    )
    .unwrap();
    assert_eq!(doc.body.len(), 1);
    // A 0-byte mimetype: not an ODF mimetype, refused.
    let e = read_quickly(zip_of(&[("mimetype", b""), ("content.xml", b"")]), 10).unwrap_err();
    assert!(matches!(e, ReadError::UnknownPackage(_)), "{e:?}");
    // ODT styles.xml and meta.xml of 0 bytes.
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, data) in [
        ("mimetype", &b"application/vnd.oasis.opendocument.text"[..]),
        ("styles.xml", b""),
        ("meta.xml", b""),
        (
            "content.xml",
            br#"<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:text><text:p>hi</text:p></office:text></office:body></office:document-content>"#,
        ),
    ] {
        z.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        z.write_all(data).unwrap();
    }
    let doc = read_quickly(z.finish().unwrap().into_inner(), 10).unwrap();
    assert_eq!(doc.body.len(), 1);
    assert!(doc.warnings.is_empty(), "{:?}", doc.warnings);
}

#[test]
fn docx_deep_content_controls() {
    // Content controls nested to the XML depth limit, at block and inline level.
    let n = 250;
    let open = "<w:sdt><w:sdtPr/><w:sdtContent>".repeat(n);
    let close = "</w:sdtContent></w:sdt>".repeat(n);
    let body = format!(
        "{open}<w:p><w:r><w:t>block</w:t></w:r></w:p>{close}<w:p>{open}<w:r><w:t>inline</w:t></w:r>{close}</w:p>"
    );
    let doc = read_quickly(docx_with(docx_body(&body).as_bytes()), 10).unwrap();
    let texts: Vec<&str> = doc
        .body
        .iter()
        .map(|b| match b {
            Block::Paragraph(p) => p.text.as_str(),
            Block::Table(_) => "table",
        })
        .collect();
    assert_eq!(texts, ["block", "inline"]);
}

#[test]
fn paragraph_count_is_capped() {
    fn read(bytes: Vec<u8>) -> Document {
        let mut pkg = Package::open(bytes, Limits::default()).unwrap();
        reportdex::read::read(&mut pkg).unwrap()
    }
    let n = 1_000_003;
    let started = Instant::now();
    let doc = read(odt_body(&"<text:p/>".repeat(n)));
    assert_eq!(doc.body.len(), 1_000_000);
    assert_eq!(codes(&doc), ["too_many_paragraphs"]);
    let doc = read(docx_with(docx_body(&"<w:p/>".repeat(n)).as_bytes()));
    assert_eq!(doc.body.len(), 1_000_000);
    assert_eq!(codes(&doc), ["too_many_paragraphs"]);
    assert!(started.elapsed() < Duration::from_secs(60));
}

#[test]
fn unreadable_optional_odt_parts_are_warnings() {
    let content = br#"<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:text><text:p>kept</text:p></office:text></office:body></office:document-content>"#;
    let big = vec![b' '; 8192];
    let z = zip_of(&[
        ("mimetype", b"application/vnd.oasis.opendocument.text"),
        ("content.xml", content),
        ("styles.xml", &big),
        ("meta.xml", &big),
    ]);
    let limits = Limits {
        max_part_bytes: 4096,
        ..Limits::default()
    };
    let mut pkg = Package::open(z, limits).unwrap();
    let doc = reportdex::read::read(&mut pkg).unwrap();
    assert_eq!(doc.body.len(), 1);
    let w: Vec<(&str, Option<&str>)> = doc
        .warnings
        .iter()
        .map(|w| (w.code.as_str(), w.location.as_deref()))
        .collect();
    assert_eq!(
        w,
        [
            ("bad_part", Some("styles.xml")),
            ("bad_part", Some("meta.xml"))
        ]
    );
}

#[test]
fn odt_caps_are_reported_once_per_table() {
    let cell = "<table:table-cell><text:p>c</text:p></table:table-cell>";
    let body = format!(
        "<table:table><table:table-row>{}</table:table-row>{}</table:table><text:p>{}</text:p>",
        cell.repeat(1030),
        format!("<table:table-row>{cell}</table:table-row>").repeat(10_010),
        r#"<text:s text:c="2000"/>"#.repeat(3)
    );
    let doc = read_quickly(odt_body(&body), 30).unwrap();
    let t = only_table(&doc);
    assert_eq!(t.n_cols, 1024);
    let w: Vec<(&str, &str)> = doc
        .warnings
        .iter()
        .map(|w| (w.code.as_str(), w.message.split(';').next().unwrap_or("")))
        .collect();
    assert_eq!(
        w,
        [
            ("repeat_capped", "table cell repeated 1 times"),
            ("repeat_capped", "table row repeated 1 times"),
            ("table_too_large", "table exceeds 1000000 cells"),
            (
                "repeat_capped",
                "text:s at byte 957880 asks for 2000 spaces"
            ),
        ]
    );
}

#[test]
fn many_section_references_and_header_relationships() {
    let mut rels = String::from(
        r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#,
    );
    for i in 0..5000 {
        rels.push_str(&format!(r#"<Relationship Id="rIdH{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" Target="header{i}.xml"/>"#));
    }
    rels.push_str("</Relationships>");
    let sect = r#"<w:p><w:pPr><w:sectPr><w:headerReference w:type="default" r:id="rIdH4999"/><w:footerReference r:id="rIdX"/></w:sectPr></w:pPr></w:p>"#;
    let doc = format!(
        r#"<w:document xmlns:w="{W_NS}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><w:body>{}</w:body></w:document>"#,
        sect.repeat(200_000)
    );
    let header =
        format!(r#"<w:hdr xmlns:w="{W_NS}"><w:p><w:r><w:t>页眉</w:t></w:r></w:p></w:hdr>"#);
    let z = zip_of(&[
        ("[Content_Types].xml", CT),
        ("_rels/.rels", RELS),
        ("word/document.xml", doc.as_bytes()),
        ("word/_rels/document.xml.rels", rels.as_bytes()),
        ("word/header4999.xml", header.as_bytes()),
    ]);
    let doc = read_quickly(z, 30).unwrap();
    let h: Vec<(&str, &str)> = doc
        .headers
        .iter()
        .map(|h| (h.kind.as_str(), h.text.as_str()))
        .collect();
    assert_eq!(h, [("default", "页眉")]);
    assert!(doc.footers.is_empty());
    assert!(doc.warnings.is_empty(), "{:?}", doc.warnings);
}

#[test]
fn many_odt_master_pages() {
    let ns = r#"xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0""#;
    let pages: String = (0..30_000)
        .map(|i| {
            format!(
                r#"<style:master-page style:name="m{i}"><style:header><text:p>页眉{}</text:p></style:header></style:master-page>"#,
                i % 20_000
            )
        })
        .collect();
    let styles = format!(
        r#"<office:document-styles {ns}><office:master-styles>{pages}</office:master-styles></office:document-styles>"#
    );
    let content = format!(
        r#"<office:document-content {ns}><office:body><office:text><text:p>x</text:p></office:text></office:body></office:document-content>"#
    );
    let z = zip_of(&[
        ("mimetype", b"application/vnd.oasis.opendocument.text"),
        ("content.xml", content.as_bytes()),
        ("styles.xml", styles.as_bytes()),
    ]);
    let doc = read_quickly(z, 30).unwrap();
    assert_eq!(doc.headers.len(), 20_000);
    assert_eq!(doc.headers[19_999].text, "页眉19999");
}

#[test]
fn lying_zip_directories_are_typed_errors() {
    // End-of-central-directory records claiming many entries in a tiny directory.
    let mut eocd = b"PK\x05\x06".to_vec();
    eocd.extend_from_slice(&[0, 0, 0, 0]); // disk numbers
    eocd.extend_from_slice(&0xFFFFu16.to_le_bytes()); // entries on this disk
    eocd.extend_from_slice(&0xFFFFu16.to_le_bytes()); // entries in total
    eocd.extend_from_slice(&0u32.to_le_bytes()); // directory size
    eocd.extend_from_slice(&0u32.to_le_bytes()); // directory offset
    eocd.extend_from_slice(&0u16.to_le_bytes()); // comment length
    let e = read_quickly(eocd, 10).unwrap_err();
    assert!(matches!(e, ReadError::Zip(_)), "{e:?}");

    // Zip64: an end record claiming 2^60 entries.
    let mut z = Vec::new();
    let z64_offset = z.len() as u64;
    z.extend_from_slice(b"PK\x06\x06");
    z.extend_from_slice(&44u64.to_le_bytes()); // size of the rest of the record
    z.extend_from_slice(&45u16.to_le_bytes());
    z.extend_from_slice(&45u16.to_le_bytes());
    z.extend_from_slice(&0u32.to_le_bytes());
    z.extend_from_slice(&0u32.to_le_bytes());
    z.extend_from_slice(&(1u64 << 60).to_le_bytes());
    z.extend_from_slice(&(1u64 << 60).to_le_bytes());
    z.extend_from_slice(&0u64.to_le_bytes()); // directory size
    z.extend_from_slice(&0u64.to_le_bytes()); // directory offset
    z.extend_from_slice(b"PK\x06\x07");
    z.extend_from_slice(&0u32.to_le_bytes());
    z.extend_from_slice(&z64_offset.to_le_bytes());
    z.extend_from_slice(&1u32.to_le_bytes());
    z.extend_from_slice(b"PK\x05\x06");
    z.extend_from_slice(&[0, 0, 0, 0]);
    z.extend_from_slice(&0xFFFFu16.to_le_bytes());
    z.extend_from_slice(&0xFFFFu16.to_le_bytes());
    z.extend_from_slice(&0xFFFF_FFFFu32.to_le_bytes());
    z.extend_from_slice(&0xFFFF_FFFFu32.to_le_bytes());
    z.extend_from_slice(&0u16.to_le_bytes());
    let e = read_quickly(z, 10).unwrap_err();
    assert!(matches!(e, ReadError::Zip(_)), "{e:?}");
}

#[test]
fn note_and_header_parts_of_another_kind_warn() {
    let doc_xml = format!(
        r#"<w:document xmlns:w="{W_NS}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><w:body><w:p><w:r><w:t>a</w:t></w:r><w:r><w:footnoteReference w:id="1"/></w:r></w:p><w:sectPr><w:headerReference w:type="default" r:id="rIdH"/></w:sectPr></w:body></w:document>"#
    );
    let rels = br#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rIdH" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" Target="header1.xml"/><Relationship Id="rIdF" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes" Target="footnotes.xml"/></Relationships>"#;
    let html = b"<html><body><p>not word</p></body></html>";
    let z = zip_of(&[
        ("[Content_Types].xml", CT),
        ("_rels/.rels", RELS),
        ("word/document.xml", doc_xml.as_bytes()),
        ("word/_rels/document.xml.rels", rels),
        ("word/footnotes.xml", html),
        ("word/header1.xml", html),
    ]);
    let doc = read_quickly(z, 10).unwrap();
    let w: Vec<(&str, Option<&str>)> = doc
        .warnings
        .iter()
        .map(|w| (w.code.as_str(), w.location.as_deref()))
        .collect();
    assert_eq!(
        w,
        [
            ("unexpected_root", Some("word/footnotes.xml")),
            ("unexpected_root", Some("word/header1.xml"))
        ]
    );
    assert!(doc.notes.is_empty() && doc.headers.is_empty());
}

// ---------------------------------------------------------------------------
// Issue 11 part 6: the limits of docs/limits.md, each hit by an input and
// answered with a typed error or a warning within a time bound.
// ---------------------------------------------------------------------------

fn docx_parts(document: &str, extra: &[(&str, &[u8])]) -> Vec<u8> {
    let mut parts: Vec<(&str, &[u8])> = vec![
        ("[Content_Types].xml", CT),
        ("_rels/.rels", RELS),
        ("word/document.xml", document.as_bytes()),
    ];
    parts.extend_from_slice(extra);
    zip_of(&parts)
}

#[test]
fn zip_bomb_with_default_limits_stops_at_the_part_cap() {
    // 65 MiB of spaces deflate to about 64 KiB (a ratio of 1000:1); inflating
    // stops at the 64 MiB part cap.
    let mut doc = DOC.to_vec();
    doc.splice(doc.len() - 20..doc.len() - 20, vec![b' '; 65 * 1024 * 1024]);
    let bytes = docx_with(&doc);
    assert!(bytes.len() < 1024 * 1024, "{}", bytes.len());
    let e = read_quickly(bytes, 60).unwrap_err();
    assert!(
        matches!(e, ReadError::PartTooLarge { limit, .. } if limit == 64 * 1024 * 1024),
        "{e:?}"
    );
}

#[test]
fn total_inflated_size_is_capped() {
    // Each part under the part cap, together over the total cap.
    let pad = |n: usize| format!("<!--{}-->", " ".repeat(n));
    let document = docx_body(&format!(
        "<w:p><w:r><w:t>x</w:t></w:r></w:p>{}",
        pad(600_000)
    ));
    let styles = format!(r#"<w:styles xmlns:w="{W_NS}">{}</w:styles>"#, pad(600_000));
    let rels = format!(
        r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>{}"#,
        pad(600_000)
    );
    let bytes = docx_parts(
        &document,
        &[
            ("word/styles.xml", styles.as_bytes()),
            ("word/_rels/document.xml.rels", rels.as_bytes()),
        ],
    );
    let opts = ConvertOptions {
        limits: Limits {
            max_part_bytes: 1024 * 1024,
            max_total_bytes: 1024 * 1024,
            ..Limits::default()
        },
    };
    let started = Instant::now();
    // The main part fits; the optional parts read after the cap is reached
    // are left out with a warning each.
    let doc = convert_bytes(bytes, "total.docx", &opts).unwrap();
    assert!(started.elapsed() < Duration::from_secs(10));
    let over: Vec<_> = doc
        .warnings
        .iter()
        .filter(|w| w.code == "bad_part" && w.message.contains("total limit"))
        .collect();
    assert_eq!(over.len(), 2, "{:?}", doc.warnings);
    // A main part over the remaining budget is an error.
    let big = docx_body(&format!("<w:p/>{}", pad(1_100_000)));
    let opts = ConvertOptions {
        limits: Limits {
            max_total_bytes: 1024 * 1024,
            ..Limits::default()
        },
    };
    let e = convert_bytes(docx_parts(&big, &[]), "total.docx", &opts).unwrap_err();
    assert!(
        matches!(
            e,
            ReadError::PackageTooLarge { .. } | ReadError::PartTooLarge { .. }
        ),
        "{e:?}"
    );
}

#[test]
fn ten_thousand_deep_elements_are_too_deep() {
    let n = 10_000;
    let docx = docx_body(&format!(
        "<w:p>{}{}</w:p>",
        "<w:r>".repeat(n),
        "</w:r>".repeat(n)
    ));
    let e = read_quickly(docx_with(docx.as_bytes()), 10).unwrap_err();
    assert!(matches!(e, ReadError::TooDeep { limit: 512, .. }), "{e:?}");
    let odt = odt_body(&format!(
        "<text:p>{}{}</text:p>",
        "<text:span>".repeat(n),
        "</text:span>".repeat(n)
    ));
    let e = read_quickly(odt, 10).unwrap_err();
    assert!(matches!(e, ReadError::TooDeep { limit: 512, .. }), "{e:?}");
}

#[test]
fn hundred_thousand_row_table() {
    let rows = r#"<w:tr><w:tc><w:p><w:r><w:t>1</w:t></w:r></w:p></w:tc><w:tc><w:p/></w:tc></w:tr>"#
        .repeat(100_000);
    let body = docx_body(&format!("<w:tbl>{rows}</w:tbl>"));
    let doc = read_quickly(docx_with(body.as_bytes()), 60).unwrap();
    let t = only_table(&doc);
    assert_eq!((t.n_rows, t.n_cols), (100_000, 2));
}

#[test]
fn grid_span_of_a_billion() {
    let body = docx_body(
        r#"<w:tbl><w:tr><w:tc><w:tcPr><w:gridSpan w:val="1000000000"/></w:tcPr><w:p/></w:tc></w:tr><w:tr><w:tc><w:p/></w:tc></w:tr></w:tbl>"#,
    );
    let doc = read_quickly(docx_with(body.as_bytes()), 10).unwrap();
    let t = only_table(&doc);
    assert!(
        t.n_rows * t.n_cols <= 1_000_000,
        "{} x {}",
        t.n_rows,
        t.n_cols
    );
}

#[test]
fn numbering_with_a_million_levels_or_ids() {
    let p = r#"<w:p><w:pPr><w:numPr><w:ilvl w:val="999999"/><w:numId w:val="999999"/></w:numPr></w:pPr><w:r><w:t>item</w:t></w:r></w:p>"#;
    let document = docx_body(p);
    let rels = br#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering" Target="numbering.xml"/></Relationships>"#;
    let levels: String = (0..1_000_000)
        .map(|i| format!(r#"<w:lvl w:ilvl="{i}"/>"#))
        .collect();
    let ids: String = (0..1_000_000)
        .map(|i| format!(r#"<w:num w:numId="{i}"><w:abstractNumId w:val="0"/></w:num>"#))
        .collect();
    for numbering in [
        format!(
            r#"<w:numbering xmlns:w="{W_NS}"><w:abstractNum w:abstractNumId="0">{levels}</w:abstractNum><w:num w:numId="999999"><w:abstractNumId w:val="0"/></w:num></w:numbering>"#
        ),
        format!(
            r#"<w:numbering xmlns:w="{W_NS}"><w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"/></w:abstractNum>{ids}</w:numbering>"#
        ),
    ] {
        assert!(numbering.len() < 64 * 1024 * 1024);
        // Stored, not deflated: compressing 50 MB in a debug build is slow.
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        for (name, data) in [
            ("[Content_Types].xml", CT),
            ("_rels/.rels", RELS),
            ("word/document.xml", document.as_bytes()),
            ("word/_rels/document.xml.rels", &rels[..]),
            ("word/numbering.xml", numbering.as_bytes()),
        ] {
            let opts = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Stored);
            w.start_file(name, opts).unwrap();
            w.write_all(data).unwrap();
        }
        let bytes = w.finish().unwrap().into_inner();
        // Read once (not twice as `read_quickly` does): a million elements
        // take a while in a debug build.
        let started = Instant::now();
        let mut pkg = Package::open(bytes, Limits::default()).unwrap();
        let doc = reportdex::read::read(&mut pkg).unwrap();
        let took = started.elapsed();
        assert!(took < Duration::from_secs(60), "took {took:?}");
        match &doc.body[0] {
            Block::Paragraph(p) => assert!(p.text.ends_with("item"), "{}", p.text),
            other => panic!("{other:?}"),
        }
    }
}

#[test]
fn based_on_cycle_in_styles() {
    let styles = format!(
        r#"<w:styles xmlns:w="{W_NS}"><w:style w:type="paragraph" w:styleId="A"><w:basedOn w:val="B"/><w:pPr><w:outlineLvl w:val="0"/></w:pPr></w:style><w:style w:type="paragraph" w:styleId="B"><w:basedOn w:val="C"/></w:style><w:style w:type="paragraph" w:styleId="C"><w:basedOn w:val="A"/></w:style><w:style w:type="paragraph" w:styleId="S"><w:basedOn w:val="S"/></w:style></w:styles>"#
    );
    let rels = br#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>"#;
    let document = docx_body(
        r#"<w:p><w:pPr><w:pStyle w:val="A"/></w:pPr><w:r><w:t>a</w:t></w:r></w:p><w:p><w:pPr><w:pStyle w:val="S"/></w:pPr><w:r><w:t>s</w:t></w:r></w:p>"#,
    );
    let bytes = docx_parts(
        &document,
        &[
            ("word/_rels/document.xml.rels", rels),
            ("word/styles.xml", styles.as_bytes()),
        ],
    );
    let doc = read_quickly(bytes, 10).unwrap();
    assert_eq!(doc.body.len(), 2);
}

#[test]
fn hundred_thousand_relationships() {
    let mut rels = String::from(
        r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#,
    );
    for i in 0..100_000 {
        rels.push_str(&format!(r#"<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes" Target="../../../footnotes{i}.xml"/>"#));
    }
    rels.push_str("</Relationships>");
    let document = docx_body(r#"<w:p><w:r><w:t>x</w:t></w:r></w:p>"#);
    let bytes = docx_parts(
        &document,
        &[("word/_rels/document.xml.rels", rels.as_bytes())],
    );
    let doc = read_quickly(bytes, 30).unwrap();
    assert_eq!(doc.body.len(), 1);
}

#[test]
fn hundred_thousand_members() {
    let names: Vec<String> = (0..100_000).map(|i| format!("p/{i}")).collect();
    let mut parts: Vec<(&str, &[u8])> = vec![("[Content_Types].xml", CT), ("_rels/.rels", RELS)];
    parts.extend(names.iter().map(|n| (n.as_str(), &b""[..])));
    let e = read_quickly(zip_of(&parts), 30).unwrap_err();
    assert!(
        matches!(e, ReadError::TooManyParts { limit: 10_000, .. }),
        "{e:?}"
    );
}

/// A zip with two members of the same name: written under two names of the
/// same length, then the second renamed in both headers.
fn zip_with_duplicate_names(
    name: &str,
    first: &[u8],
    second: &[u8],
    rest: &[(&str, &[u8])],
) -> Vec<u8> {
    let other = format!("{}#", &name[..name.len() - 1]);
    let mut parts: Vec<(&str, &[u8])> = rest.to_vec();
    parts.push((name, first));
    parts.push((other.as_str(), second));
    let mut bytes = zip_of(&parts);
    let (pat, new) = (other.as_bytes(), name.as_bytes());
    let mut hits = 0;
    for i in 0..bytes.len() - pat.len() {
        if &bytes[i..i + pat.len()] == pat {
            bytes[i..i + pat.len()].copy_from_slice(new);
            hits += 1;
        }
    }
    assert_eq!(hits, 2);
    bytes
}

#[test]
fn duplicate_member_names() {
    let a = docx_body(r#"<w:p><w:r><w:t>first</w:t></w:r></w:p>"#);
    let b = docx_body(r#"<w:p><w:r><w:t>second</w:t></w:r></w:p>"#);
    let bytes = zip_with_duplicate_names(
        "word/document.xml",
        a.as_bytes(),
        b.as_bytes(),
        &[("[Content_Types].xml", CT), ("_rels/.rels", RELS)],
    );
    // Either refused with a typed error or read (one of the two), the same
    // way every time.
    let first = read_quickly(bytes.clone(), 10);
    let again = read_quickly(bytes, 10);
    match (&first, &again) {
        (Ok(x), Ok(y)) => assert_eq!(x.body, y.body),
        (Err(x), Err(y)) => assert_eq!(x.kind(), y.kind()),
        _ => panic!("{first:?} / {again:?}"),
    }
}
