//! DOCX reader tests: small in-memory packages through the public API. (The
//! public corpus, both formats, is covered by `tests/corpus.rs`.)

mod docx_fixtures;

use reportdex::container::{Limits, Package};
use reportdex::model::Block;

/// A small report written with unusual namespace prefixes (`ns0` for
/// WordprocessingML, `rel` for relationships), through the whole pipeline: the
/// title style, automatic Chinese numbering in section titles, a table, a footnote
/// and a header that stays out of the body.
#[test]
fn report_with_foreign_prefixes_through_convert() {
    use docx_fixtures::{Docx, W_NS};
    let doc = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<ns0:document xmlns:ns0="{W_NS}" xmlns:rel="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><ns0:body>
<ns0:p><ns0:pPr><ns0:pStyle ns0:val="T"/></ns0:pPr><ns0:r><ns0:t>某市2023年政府信息公开工作年度报告</ns0:t></ns0:r></ns0:p>
<ns0:p><ns0:r><ns0:t>本报告依据《条例》编制。</ns0:t></ns0:r><ns0:r><ns0:footnoteReference ns0:id="1"/></ns0:r></ns0:p>
<ns0:p><ns0:pPr><ns0:pStyle ns0:val="H1"/></ns0:pPr><ns0:r><ns0:t>总体情况</ns0:t></ns0:r></ns0:p>
<ns0:p><ns0:pPr><ns0:pStyle ns0:val="H2"/></ns0:pPr><ns0:r><ns0:t>主动公开</ns0:t></ns0:r></ns0:p>
<ns0:tbl><ns0:tblGrid><ns0:gridCol/><ns0:gridCol/></ns0:tblGrid>
<ns0:tr><ns0:tc><ns0:p><ns0:r><ns0:t>信息内容</ns0:t></ns0:r></ns0:p></ns0:tc><ns0:tc><ns0:p><ns0:r><ns0:t>本年制发件数</ns0:t></ns0:r></ns0:p></ns0:tc></ns0:tr>
<ns0:tr><ns0:tc><ns0:p><ns0:r><ns0:t>规章</ns0:t></ns0:r></ns0:p></ns0:tc><ns0:tc><ns0:p><ns0:r><ns0:t>0</ns0:t></ns0:r></ns0:p></ns0:tc></ns0:tr></ns0:tbl>
<ns0:p><ns0:pPr><ns0:pStyle ns0:val="H1"/></ns0:pPr><ns0:r><ns0:t>存在的主要问题及改进情况</ns0:t></ns0:r></ns0:p>
<ns0:sectPr><ns0:headerReference ns0:type="default" rel:id="rIdH"/></ns0:sectPr>
</ns0:body></ns0:document>"#
    );
    let styles = r#"
<w:style w:type="paragraph" w:styleId="T"><w:name w:val="Title"/><w:pPr><w:jc w:val="center"/></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="H1"><w:name w:val="heading 1"/><w:pPr><w:numPr><w:numId w:val="1"/></w:numPr><w:outlineLvl w:val="0"/></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="H2"><w:name w:val="heading 2"/><w:basedOn w:val="H1"/><w:pPr><w:numPr><w:ilvl w:val="1"/></w:numPr><w:outlineLvl w:val="1"/></w:pPr></w:style>"#;
    let numbering = r#"<w:abstractNum w:abstractNumId="0">
<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/><w:suff w:val="nothing"/></w:lvl>
<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/><w:suff w:val="nothing"/></w:lvl>
</w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>"#;
    let footnotes = format!(
        r#"<f:footnotes xmlns:f="{W_NS}"><f:footnote f:id="1"><f:p><f:r><f:t>指《中华人民共和国政府信息公开条例》。</f:t></f:r></f:p></f:footnote></f:footnotes>"#
    );
    let header =
        format!(r#"<h:hdr xmlns:h="{W_NS}"><h:p><h:r><h:t>某市人民政府</h:t></h:r></h:p></h:hdr>"#);
    let bytes = Docx::new(&doc)
        .styles(styles)
        .numbering(numbering)
        .related("rIdF", "footnotes", "footnotes.xml", &footnotes)
        .related("rIdH", "header", "header1.xml", &header)
        .build();
    let out = reportdex::convert::convert_bytes(
        bytes,
        "mini.docx",
        &reportdex::convert::ConvertOptions::default(),
    )
    .unwrap();
    assert_eq!(
        out.title.as_deref(),
        Some("某市2023年政府信息公开工作年度报告")
    );
    let mut titles = Vec::new();
    fn walk(s: &[reportdex::output::Section], out: &mut Vec<(u8, String)>) {
        for sec in s {
            out.push((sec.level, sec.title.clone()));
            walk(&sec.sections, out);
        }
    }
    walk(&out.sections, &mut titles);
    let want = [
        (0, ""),
        (1, "一、总体情况"),
        (2, "（一）主动公开"),
        (1, "二、存在的主要问题及改进情况"),
    ];
    let got: Vec<(u8, &str)> = titles.iter().map(|(l, t)| (*l, t.as_str())).collect();
    assert_eq!(got, want);
    assert_eq!(out.notes.len(), 1);
    assert_eq!(out.notes[0].id, "footnote-1");
    assert_eq!(out.notes[0].text, "指《中华人民共和国政府信息公开条例》。");
    assert_eq!(out.headers.len(), 1);
    assert_eq!(out.headers[0].text, "某市人民政府");
    let json = serde_json::to_string(&out).unwrap();
    assert_eq!(json.matches("某市人民政府").count(), 1);
}

/// A large document reads in linear time (no quadratic scans): 20 000 numbered
/// paragraphs and a 5 000-row table.
#[test]
fn large_document_is_fast() {
    use docx_fixtures::Docx;
    let mut body = String::new();
    for i in 0..20_000 {
        body.push_str(&format!(
            r#"<w:p><w:pPr><w:numPr><w:ilvl w:val="{}"/><w:numId w:val="1"/></w:numPr></w:pPr><w:r><w:t>段落{i}</w:t></w:r></w:p>"#,
            i % 3
        ));
    }
    body.push_str("<w:tbl>");
    for i in 0..5_000 {
        body.push_str(&format!(
            "<w:tr><w:tc><w:p><w:r><w:t>{i}</w:t></w:r></w:p></w:tc><w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc></w:tr>"
        ));
    }
    body.push_str("</w:tbl>");
    let numbering = r#"<w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl><w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1.%2"/></w:lvl><w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="(%3)"/></w:lvl></w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>"#;
    let bytes = Docx::body(&body).numbering(numbering).build();
    let started = std::time::Instant::now();
    let doc = reportdex::read::read(&mut Package::open(bytes, Limits::default()).unwrap()).unwrap();
    let elapsed = started.elapsed();
    assert_eq!(doc.body.len(), 20_001);
    let text = |i: usize| match &doc.body[i] {
        Block::Paragraph(p) => p.text.as_str(),
        Block::Table(_) => "",
    };
    assert_eq!(text(19_998), "六千六百六十七、段落19998");
    assert_eq!(text(19_999), "六千六百六十七.1 段落19999");
    assert_eq!(text(19_997), "(1) 段落19997");
    assert!(elapsed.as_secs() < 10, "took {elapsed:?}");
}

/// The sample package `file` with each member renamed and re-encoded by `f`.
fn rewritten(file: &str, f: impl Fn(&str, Vec<u8>) -> (String, Vec<u8>)) -> (Vec<u8>, Vec<u8>) {
    use std::io::Read;
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("samples")
        .join(file);
    let original = std::fs::read(&path).unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(original.clone())).unwrap();
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..zip.len() {
        let mut m = zip.by_index(i).unwrap();
        let mut data = Vec::new();
        m.read_to_end(&mut data).unwrap();
        let (name, data) = f(m.name(), data);
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        w.start_file(name.as_str(), opts).unwrap();
        std::io::Write::write_all(&mut w, &data).unwrap();
    }
    (original, w.finish().unwrap().into_inner())
}

/// Both packages convert to the same document and report (source aside).
fn assert_same_document(want: Vec<u8>, got: Vec<u8>, name: &str) {
    let opts = reportdex::convert::ConvertOptions::default();
    let json = |bytes: Vec<u8>| {
        let d = reportdex::convert::convert_bytes(bytes, name, &opts).unwrap();
        assert!(d.report.as_ref().is_some_and(|r| r.metrics.len() > 100));
        let mut v = serde_json::to_value(&d).unwrap();
        v["source"] = serde_json::Value::Null;
        v
    };
    assert_eq!(json(got), json(want));
}

/// Part names compare case-insensitively (ECMA-376 Part 2, 6.2.2.3): a
/// package whose members are stored as `WORD/DOCUMENT.XML`, `WORD/STYLES.XML`
/// and so on, while its relationships say `word/document.xml`, is read as Word
/// reads it: the same document, the same report. Likewise members named with
/// `\` for `/`.
#[test]
fn part_names_match_whatever_their_case() {
    let (original, upper) = rewritten("hanyang_wenlv_2021.docx", |name, data| {
        match name.strip_prefix("word/") {
            Some(rest) => (format!("WORD/{}", rest.to_uppercase()), data),
            None => (name.to_string(), data),
        }
    });
    assert_same_document(original, upper, "a.docx");
    // Backslashes for slashes, as some Windows zip tools write them.
    let (original, backslashed) = rewritten("hanyang_wenlv_2021.docx", |name, data| {
        (name.replace('/', "\\"), data)
    });
    assert_same_document(original, backslashed, "a.docx");
}

/// XML parts in UTF-16 (little- or big-endian, with or without a byte-order
/// mark), which XML and ECMA-376 Part 2 allow and Word reads: the same
/// document as in UTF-8, DOCX and ODT alike.
#[test]
fn utf16_xml_parts_read_like_utf8_ones() {
    for file in ["hanyang_wenlv_2021.docx", "hanyang_wenlv_2021.odt"] {
        for (bom, big_endian) in [(true, false), (true, true), (false, false)] {
            let (original, utf16) = rewritten(file, |name, data| {
                if !(name.ends_with(".xml") || name.ends_with(".rels")) {
                    return (name.to_string(), data);
                }
                let text = String::from_utf8(data).unwrap().replacen(
                    "encoding=\"UTF-8\"",
                    "encoding=\"UTF-16\"",
                    1,
                );
                let mut out = Vec::new();
                if bom {
                    out.extend(if big_endian {
                        [0xFE, 0xFF]
                    } else {
                        [0xFF, 0xFE]
                    });
                }
                for u in text.encode_utf16() {
                    out.extend(if big_endian {
                        u.to_be_bytes()
                    } else {
                        u.to_le_bytes()
                    });
                }
                (name.to_string(), out)
            });
            assert_same_document(original, utf16, file);
        }
    }
}
