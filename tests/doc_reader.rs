//! The legacy Word binary reader (`.doc`, `.wps`) on real files: the samples'
//! `.doc` twins made by LibreOffice, and the public corpus.

use reportdex::convert::{convert_bytes, ConvertOptions};

/// Converts the file named by `DOC_DUMP` and prints its JSON (a development aid:
/// `DOC_DUMP=path cargo test --test doc_reader dump -- --ignored --nocapture`).
#[test]
#[ignore]
fn dump() {
    let path = std::env::var("DOC_DUMP").expect("DOC_DUMP=path");
    let bytes = std::fs::read(&path).unwrap();
    match convert_bytes(bytes, &path, &ConvertOptions::default()) {
        Ok(out) => {
            println!("{}", serde_json::to_string_pretty(&out).unwrap());
            reportdex::pipeline::dataset::rows(&out, "x.json").unwrap();
        }
        Err(e) => println!("error ({}): {e}", e.kind()),
    }
}

mod support;

use serde_json::{json, Value};

fn convert(path: &std::path::Path) -> Value {
    let bytes = std::fs::read(path).unwrap();
    let rel = path.file_name().unwrap().to_string_lossy().to_string();
    let out = convert_bytes(bytes, &rel, &ConvertOptions::default())
        .unwrap_or_else(|e| panic!("{rel}: {e}"));
    serde_json::to_value(&out).unwrap()
}

/// Section titles (as displayed) with levels, and every table grid, depth first.
fn structure(v: &Value, titles: &mut Vec<String>, tables: &mut Vec<Value>) {
    for s in v.as_array().unwrap() {
        titles.push(format!("{} {}", s["level"], s["title"].as_str().unwrap()));
        for c in s["content"].as_array().unwrap() {
            if c["type"] == "table" {
                tables.push(grid(c));
            }
        }
        structure(&s["sections"], titles, tables);
    }
}

/// A table as its grid: size, header rows and each anchor cell (nested tables too).
fn grid(t: &Value) -> Value {
    let cells: Vec<Value> = t["cells"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let nested: Vec<Value> = c
                .get("tables")
                .and_then(Value::as_array)
                .map(|ts| ts.iter().map(grid).collect())
                .unwrap_or_default();
            json!([
                c["row"],
                c["col"],
                c["row_span"],
                c["col_span"],
                c["text"],
                nested
            ])
        })
        .collect();
    json!({"n_rows": t["n_rows"], "n_cols": t["n_cols"], "grid": t["grid"], "cells": cells})
}

/// Every `.doc` sample reads like its DOCX twin: title, section titles with
/// their rendered numbering, table grids, metrics and check verdicts.
#[test]
fn doc_samples_read_like_their_docx_twins() {
    let samples = support::root().join("samples");
    let docs = support::files_with_ext(&samples, &["doc", "wps"]);
    assert!(docs.len() >= 12, "expected the .doc/.wps twins in samples/");
    let mut tables_compared = 0;
    for doc_path in docs {
        let docx_path = doc_path.with_extension("docx");
        let (d, x) = (convert(&doc_path), convert(&docx_path));
        let name = doc_path.file_name().unwrap().to_string_lossy().to_string();
        let ext = doc_path.extension().unwrap().to_string_lossy().to_string();
        assert_eq!(d["source"]["format"], ext.as_str(), "{name}");
        assert_eq!(d["title"], x["title"], "{name}: title");
        let (mut dt, mut dg, mut xt, mut xg) = (vec![], vec![], vec![], vec![]);
        structure(&d["sections"], &mut dt, &mut dg);
        structure(&x["sections"], &mut xt, &mut xg);
        assert_eq!(dt, xt, "{name}: section titles");
        assert_eq!(dg.len(), xg.len(), "{name}: number of tables");
        for (i, (a, b)) in dg.iter().zip(&xg).enumerate() {
            assert_eq!(a, b, "{name}: table {i}");
        }
        tables_compared += xg.len();
        let (dr, xr) = (&d["report"], &x["report"]);
        assert_eq!(dr["metrics"], xr["metrics"], "{name}: metrics");
        assert_eq!(dr["checks"], xr["checks"], "{name}: checks");
        for k in ["agency", "year", "template", "period"] {
            assert_eq!(dr[k], xr[k], "{name}: report {k}");
        }
        assert_eq!(d["properties"]["title"], x["properties"]["title"], "{name}");
        assert_eq!(
            d["properties"]["creator"], x["properties"]["creator"],
            "{name}"
        );
    }
    eprintln!("{tables_compared} tables compared");
    assert!(tables_compared >= 30, "{tables_compared} tables compared");
}

// ---------------------------------------------------------------------------
// Hostile Word binary documents: each is a typed error or converts with a
// warning, in bounded time, never a panic.

#[path = "support/doc_builder.rs"]
mod doc_builder;

use doc_builder::{build, in_table, Para};
use reportdex::error::ReadError;
use std::time::{Duration, Instant};

/// Convert with a time bound; panics propagate and fail the test.
fn try_convert(bytes: Vec<u8>, what: &str) -> Result<Value, ReadError> {
    let started = Instant::now();
    let r = convert_bytes(bytes, "hostile.doc", &ConvertOptions::default());
    let took = started.elapsed();
    assert!(took < Duration::from_secs(10), "{what}: took {took:?}");
    r.map(|out| serde_json::to_value(&out).unwrap())
}

fn warning_codes(v: &Value) -> Vec<String> {
    v["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["code"].as_str().unwrap().to_string())
        .collect()
}

fn all_text(v: &Value) -> String {
    v.to_string()
}

#[test]
fn built_document_reads() {
    let mut paras = vec![Para::new("一、总体情况"), Para::new("正文")];
    paras.push(Para {
        text: "甲".into(),
        mark: 0x07,
        sprms: in_table(1),
    });
    paras.push(Para {
        text: "乙".into(),
        mark: 0x07,
        sprms: in_table(1),
    });
    let mut ttp = in_table(1);
    ttp.extend([0x17, 0x24, 1]);
    paras.push(Para {
        text: String::new(),
        mark: 0x07,
        sprms: ttp,
    });
    let v = try_convert(build(&paras).compound(), "built").unwrap();
    let s = &v["sections"];
    assert_eq!(s[0]["title"], "一、总体情况", "{s}");
    let table = &s[0]["content"][1];
    assert_eq!(table["type"], "table", "{s}");
    assert_eq!((&table["n_rows"], &table["n_cols"]), (&json!(1), &json!(2)));
    assert_eq!(table["cells"][1]["text"], "乙");
}

#[test]
fn thousand_deep_nested_tables_are_bounded() {
    let mut paras: Vec<Para> = (1..=1000)
        .map(|d| Para {
            text: format!("L{d}"),
            mark: 0x0D,
            sprms: in_table(d),
        })
        .collect();
    for d in (1..=1000u32).rev() {
        let mut end = in_table(d);
        // Row ends: sprmPFTtp at depth 1, sprmPFInnerTtp + inner cell deeper.
        if d == 1 {
            end.extend([0x17, 0x24, 1]);
        } else {
            end.extend([0x4C, 0x24, 1, 0x4B, 0x24, 1]);
        }
        paras.push(Para {
            text: String::new(),
            mark: if d == 1 { 0x07 } else { 0x0D },
            sprms: end,
        });
    }
    let v = try_convert(build(&paras).compound(), "deep tables").unwrap();
    assert!(warning_codes(&v).contains(&"table_nesting_too_deep".to_string()));
    let text = all_text(&v);
    for d in [1, 63, 64, 500, 1000] {
        assert!(
            text.contains(&format!("L{d}\"")) || text.contains(&format!("L{d}\\n")),
            "L{d} lost"
        );
    }
}

#[test]
fn sprm_past_the_fkp_end_is_a_warning() {
    let paras = vec![Para::new("前"), Para::new("后")];
    let mut b = build(&paras);
    let (fc, _) = b.pair(13);
    let t = &b.table;
    let pn = u32::from_le_bytes(t[fc as usize + 8..fc as usize + 12].try_into().unwrap());
    let page = pn as usize * 512;
    // The first run's PAPX: claim 255 words, past the end of the page.
    let off = b.word[page + 4 * 3] as usize * 2;
    b.word[page + off] = 0;
    b.word[page + off + 1] = 255;
    let v = try_convert(b.compound(), "sprm past fkp").unwrap();
    assert!(warning_codes(&v).contains(&"sprm_past_fkp".to_string()));
    assert!(all_text(&v).contains("后"));
}

#[test]
fn piece_table_out_of_range() {
    let paras = vec![Para::new("正文")];
    // The piece's text past the end of the stream: a warning, text missing.
    let mut b = build(&paras);
    let (clx, _) = b.pair(33);
    let at = clx as usize + 5 + 8 + 2;
    b.table[at..at + 4].copy_from_slice(&0x3000_0000u32.to_le_bytes());
    let v = try_convert(b.compound(), "piece out of range").unwrap();
    assert!(warning_codes(&v).contains(&"piece_out_of_range".to_string()));
    // The piece table itself outside the table stream: a typed error.
    let mut b = build(&paras);
    b.set_pair(33, 1 << 30, 16);
    match try_convert(b.compound(), "clx out of range") {
        Err(e @ ReadError::WordBinary(_)) => assert_eq!(e.kind(), "malformed_doc"),
        other => panic!("{other:?}"),
    }
    // A piece table declaring a billion characters.
    let mut b = build(&paras);
    let at = clx as usize + 5 + 4;
    b.table[at..at + 4].copy_from_slice(&1_000_000_000u32.to_le_bytes());
    assert!(try_convert(b.compound(), "huge cp").is_err());
}

fn sample_doc() -> Vec<u8> {
    std::fs::read(support::root().join("samples/hanyang_wenlv_2021.doc")).unwrap()
}

#[test]
fn truncated_doc_is_an_error_or_a_warning() {
    let bytes = sample_doc();
    let mut cuts: Vec<usize> = (0..bytes.len()).step_by(509).collect();
    cuts.extend([1, 8, 511, 512, 513, bytes.len() - 1]);
    for cut in cuts {
        let r = try_convert(bytes[..cut].to_vec(), &format!("cut at {cut}"));
        if let Err(e) = r {
            assert!(!e.to_string().is_empty());
        }
    }
}

#[test]
fn a_doc_cut_short_is_a_damaged_file_not_another_kind() {
    // A cut that loses the directory entry of the Word stream is still a
    // damaged compound file (corrupt_ole), never "not a Word document".
    let bytes = sample_doc();
    for cut in (512..bytes.len()).step_by(509).chain([bytes.len() - 1]) {
        if let Err(e) = try_convert(bytes[..cut].to_vec(), &format!("cut at {cut}")) {
            assert!(
                !matches!(e, ReadError::NotWordBinary(_)),
                "cut at {cut}: {e}"
            );
        }
    }
}

/// What a document holds, without its source and warnings.
fn content(v: &Value) -> Value {
    json!([
        v["sections"],
        v["notes"],
        v["headers"],
        v["footers"],
        v["properties"]
    ])
}

/// Entry `i`'s offset in the FAT (the sample has its FAT in the header DIFAT).
fn fat_entries(b: &[u8], ss: usize) -> Vec<usize> {
    (0..109)
        .map(|k| u32::from_le_bytes(b[0x4C + 4 * k..0x50 + 4 * k].try_into().unwrap()))
        .take_while(|&s| s < 0xFFFF_FFFA)
        .flat_map(|s| (0..ss / 4).map(move |i| (s as usize + 1) * ss + 4 * i))
        .collect()
}

#[test]
fn fat_padded_with_end_of_chain_marks_is_read_after_repair() {
    // Some writers pad the FAT past the end of the file with end-of-chain
    // marks instead of free ones (Apache POI's bug 47950); Word and
    // LibreOffice read such files, and so do we, with a warning.
    let bytes = sample_doc();
    let want = content(&try_convert(bytes.clone(), "sample").unwrap());
    let (ss, _, _) = cfb_layout(&bytes);
    let sectors = bytes.len() / ss - 1;
    let mut b = bytes.clone();
    let slots = fat_entries(&b, ss);
    assert!(slots.len() > sectors, "no FAT padding to damage");
    for &at in &slots[sectors..] {
        b[at..at + 4].copy_from_slice(&0xFFFF_FFFEu32.to_le_bytes());
    }
    let out = try_convert(b, "padded FAT").unwrap();
    assert_eq!(
        warning_codes(&out).first().map(String::as_str),
        Some("repaired_compound_file")
    );
    assert_eq!(content(&out), want);
}

#[test]
fn stream_names_match_whatever_their_case() {
    // MS-CFB compares names case-insensitively; some writers store
    // `WORDDOCUMENT` (Apache POI's 47950_upper.doc).
    let bytes = sample_doc();
    let want = content(&try_convert(bytes.clone(), "sample").unwrap());
    let (ss, _, _) = cfb_layout(&bytes);
    let mut b = bytes.clone();
    for (from, to) in [("WordDocument", "WORDDOCUMENT"), ("1Table", "1TABLE")] {
        let from: Vec<u8> = from.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let to: Vec<u8> = to.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let entry = (ss..b.len() - 128)
            .step_by(128)
            .find(|&e| b[e..e + from.len()] == from[..])
            .expect("the directory entry");
        b[entry..entry + to.len()].copy_from_slice(&to);
    }
    let out = try_convert(b, "upper-case names").unwrap();
    assert!(!warning_codes(&out)
        .iter()
        .any(|c| c == "repaired_compound_file"));
    assert_eq!(content(&out), want);
}

/// The compound file's sector size, first FAT sector and first directory sector.
fn cfb_layout(b: &[u8]) -> (usize, usize, usize) {
    let shift = u16::from_le_bytes([b[0x1E], b[0x1F]]);
    let ss = 1usize << shift;
    let fat0 = u32::from_le_bytes(b[0x4C..0x50].try_into().unwrap()) as usize;
    let dir0 = u32::from_le_bytes(b[0x30..0x34].try_into().unwrap()) as usize;
    (ss, fat0, dir0)
}

#[test]
fn fat_loop_is_an_error() {
    let bytes = sample_doc();
    let (ss, fat0, _) = cfb_layout(&bytes);
    let fat = (fat0 + 1) * ss;
    let mut looped = 0;
    for k in 0..ss / 4 {
        let at = fat + 4 * k;
        let next = u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap());
        if next >= 0xFFFF_FFFA {
            continue;
        }
        // Sector k points back to itself (or to the sector before it).
        for target in [k as u32, (k as u32).saturating_sub(1)] {
            let mut b = bytes.clone();
            b[at..at + 4].copy_from_slice(&target.to_le_bytes());
            if let Err(e) = try_convert(b, &format!("fat loop at {k}")) {
                assert!(!e.to_string().is_empty());
            }
            looped += 1;
        }
    }
    assert!(looped > 20, "{looped} loops tried");
}

#[test]
fn stream_larger_than_the_file_is_an_error() {
    let bytes = sample_doc();
    let (ss, _, dir0) = cfb_layout(&bytes);
    let dir = (dir0 + 1) * ss;
    let name: Vec<u8> = "WordDocument"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    // Directory entries are 128 bytes, in sectors after the 512-byte header.
    let _ = dir;
    let entry = (ss..bytes.len() - 128)
        .step_by(128)
        .find(|&e| bytes[e..e + name.len()] == name[..])
        .expect("the WordDocument directory entry");
    for size in [bytes.len() as u64 * 4, 0x7FFF_FFFF, u64::MAX >> 1] {
        let mut b = bytes.clone();
        b[entry + 0x78..entry + 0x80].copy_from_slice(&size.to_le_bytes());
        match try_convert(b, &format!("stream size {size}")) {
            Err(e) => assert!(
                matches!(
                    e,
                    ReadError::Ole(_) | ReadError::PartTooLarge { .. } | ReadError::WordBinary(_)
                ),
                "{e:?}"
            ),
            Ok(_) => panic!("a stream of {size} bytes in a small file was read"),
        }
    }
}

/// A document with every feature the reader handles besides tables of
/// reports (tests/fixtures/doc/features.fodt, saved as .doc by LibreOffice):
/// notes, header and footer with a field, an author field, hidden text, a text
/// box after its anchor, headings, a nested table and a merged row, properties.
#[test]
fn features_fixture_reads_notes_headers_fields_text_boxes_and_nesting() {
    let v = convert(&support::root().join("tests/fixtures/doc/features.doc"));
    assert_eq!(v["properties"]["title"], "功能测试文档");
    assert_eq!(v["properties"]["creator"], "测试作者");
    assert_eq!(v["warnings"], json!([]));
    let s = &v["sections"];
    assert_eq!(s[1]["title"], "一、总体情况");
    assert_eq!(s[1]["sections"][0]["title"], "（一）嵌套表格");
    let body = &s[1]["content"];
    assert_eq!(body[0]["text"], "正文有脚注和尾注。");
    assert_eq!(body[0]["notes"], json!(["footnote-1", "endnote-1"]));
    // The field shows its result; hidden text is dropped.
    assert_eq!(body[1]["text"], "作者字段：测试作者；隐藏结束。");
    // The text box follows the paragraph that anchors it.
    assert_eq!(body[2]["text"], "锚定段落");
    assert_eq!(body[3]["text"], "文本框内容丙");
    let notes = &v["notes"];
    assert_eq!(notes[0]["kind"], "footnote");
    assert_eq!(notes[0]["text"], "脚注内容甲");
    assert_eq!(notes[1]["kind"], "endnote");
    assert_eq!(notes[1]["text"], "尾注内容乙");
    assert_eq!(
        v["headers"],
        json!([{"kind": "default", "text": "页眉文字"}])
    );
    assert_eq!(
        v["footers"],
        json!([{"kind": "default", "text": "页脚 第1页"}])
    );
    let t = &s[1]["sections"][0]["content"][0];
    assert_eq!(
        (
            &t["n_rows"],
            &t["n_cols"],
            &t["cells"][2]["col_span"],
            &t["cells"][2]["text"]
        ),
        (&json!(2), &json!(2), &json!(2), &json!("合并行"))
    );
    let inner = &t["cells"][0]["tables"][0];
    assert_eq!(inner["cells"][1]["text"], "内二");
    assert_eq!(t["cells"][0]["text"], "外一");
}

/// Word 6/95 documents are read as text (code page from the font table, else
/// the language), with a `word6_text_only` warning.
#[test]
fn word6_and_95_documents_are_read_as_text() {
    let dir = support::corpus_dir().join("poi/test-data/document");
    if !dir.exists() {
        eprintln!("public corpus absent: skipped");
        return;
    }
    let check = |name: &str, needle: &str| {
        let v = convert(&dir.join(name));
        assert!(
            warning_codes(&v).contains(&"word6_text_only".to_string()),
            "{name}"
        );
        assert!(all_text(&v).contains(needle), "{name}: {needle} not found");
    };
    // Fast-saved Word 95, Russian (language and fonts agree).
    check("Bug50955.doc", "Если вы существуете - привет!");
    // Russian text in a document whose language says English.
    check("52117.doc", "Установка Microsoft Word 6.0");
    check("Word6.doc", "The quick brown fox");
}

/// Section titles and paragraph texts, depth first.
fn titles_and_paragraphs(v: &Value) -> Vec<String> {
    fn walk(sections: &Value, out: &mut Vec<String>) {
        for s in sections.as_array().into_iter().flatten() {
            out.push(format!("# {}", s["title"].as_str().unwrap_or("")));
            for c in s["content"].as_array().into_iter().flatten() {
                if c["type"] == "paragraph" {
                    out.push(c["text"].as_str().unwrap_or("").to_string());
                }
            }
            walk(&s["sections"], out);
        }
    }
    let mut out = Vec::new();
    walk(&v["sections"], &mut out);
    out
}

/// `bytes` cut to `percent`% of their length.
fn cut_to(bytes: &[u8], percent: usize) -> Vec<u8> {
    bytes[..bytes.len() * percent / 100].to_vec()
}

#[test]
fn a_doc_cut_before_its_directory_is_read_from_its_streams() {
    // Word and LibreOffice write the FAT and the directory last: a download
    // cut a little short keeps the streams' data but not where they are. The
    // streams are found by their content and read as contiguous runs.
    let dir = support::corpus_dir().join("poi/test-data/document");
    for name in [
        "Bug50075.doc",
        "Bug51890.doc",
        "64132.doc",
        "Bug50936_2.doc",
    ] {
        let bytes = std::fs::read(dir.join(name)).unwrap();
        let whole = try_convert(bytes.clone(), name).unwrap();
        let cut = try_convert(cut_to(&bytes, 95), name)
            .unwrap_or_else(|e| panic!("{name} cut to 95%: {e}"));
        assert_eq!(warning_codes(&cut)[0], "recovered_streams", "{name}");
        // Everything but the properties (their stream is not looked for).
        for part in ["sections", "notes", "headers", "footers"] {
            assert_eq!(cut[part], whole[part], "{name}: {part}");
        }
    }
    // The samples' .doc twins (LibreOffice) keep their table stream in the
    // mini stream: found at a 64-byte boundary. The table rows' properties
    // that LibreOffice keeps in the Data stream are lost, the text is not.
    let bytes = sample_doc();
    let whole = try_convert(bytes.clone(), "sample").unwrap();
    let cut = try_convert(cut_to(&bytes, 99), "sample cut to 99%").unwrap();
    assert_eq!(warning_codes(&cut)[0], "recovered_streams");
    assert_eq!(titles_and_paragraphs(&cut), titles_and_paragraphs(&whole));
    // Without the directory and without a FIB before the cut: the damage.
    let e = try_convert(cut_to(&bytes, 30), "sample cut to 30%").unwrap_err();
    assert!(matches!(e, ReadError::Ole(_)), "{e}");
}

#[test]
fn a_stream_the_file_ends_inside_gives_what_precedes_the_cut() {
    // The directory survives, the last stream's sectors do not: its bytes
    // before the cut are read, with a warning, and the document is partial.
    let path = support::corpus_dir().join("poi/test-data/document/47950_lower.doc");
    let bytes = std::fs::read(path).unwrap();
    let whole = try_convert(bytes.clone(), "47950_lower").unwrap();
    let cut = try_convert(cut_to(&bytes, 95), "47950_lower cut to 95%").unwrap();
    assert!(
        warning_codes(&cut).contains(&"stream_cut".to_string()),
        "{:?}",
        warning_codes(&cut)
    );
    assert_eq!(cut["partial"], true);
    assert_eq!(titles_and_paragraphs(&cut), titles_and_paragraphs(&whole));
}
