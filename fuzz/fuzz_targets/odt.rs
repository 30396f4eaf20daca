//! The input as the XML parts of a minimal ODT, then the reader and the rest
//! of the path. The input is split at NUL bytes (which XML never holds) into
//! `content.xml`, `styles.xml` and `meta.xml`; parts not given are absent.
#![no_main]

#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;

const MANIFEST: &[u8] = br#"<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#;
const PARTS: [&str; 3] = ["content.xml", "styles.xml", "meta.xml"];

fuzz_target!(|data: &[u8]| {
    let mut members: Vec<(&str, &[u8])> = vec![
        ("mimetype", b"application/vnd.oasis.opendocument.text"),
        ("META-INF/manifest.xml", MANIFEST),
    ];
    for (name, bytes) in PARTS.iter().zip(common::split_nul(data, PARTS.len())) {
        members.push((name, bytes));
    }
    let bytes = common::zip(&members, &["content.xml"]);
    common::whole_path(bytes, "fuzz.odt");
});
