//! Bad input gives a typed error that names the file and the reason, never a panic.

use reportdex::container::Limits;
use reportdex::convert::{convert_bytes, convert_file, ConvertOptions};
use reportdex::error::ReadError;
use std::io::Write;

fn zip_of(parts: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, data) in parts {
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        w.start_file(*name, opts).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

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
    // A truncated zip.
    let mut z = docx_with(DOC);
    z.truncate(z.len() / 2);
    let e = err(z);
    assert!(matches!(e, ReadError::Zip(_)), "{e:?}");
}

#[test]
fn legacy_and_encrypted() {
    let mut ole = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    ole.resize(2048, 0);
    assert!(matches!(err(ole.clone()), ReadError::LegacyOle));
    ole.extend("EncryptedPackage".encode_utf16().flat_map(u16::to_le_bytes));
    let e = err(ole);
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
    let mut ole = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    ole.extend("EncryptedPackage".encode_utf16().flat_map(u16::to_le_bytes));
    std::fs::write(&path, ole).unwrap();
    let e = convert_file(&path, "report.docx", &ConvertOptions::default()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "report.docx: encrypted document (password protected), cannot read"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
