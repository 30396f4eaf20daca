//! Damaged packages: a zip whose central directory is missing or wrong (a
//! download cut short) is read from its local headers with a `salvaged_archive`
//! warning; a main part cut off keeps what precedes the cut (`truncated_part`,
//! `partial`); what cannot be read at all is a typed error, in bounded time.

mod support;

use reportdex::container::Limits;
use reportdex::convert::{convert_bytes, ConvertOptions};
use reportdex::error::ReadError;
use reportdex::output::{Content, DocumentOutput, Section};
use std::io::{Cursor, Read, Write};
use std::path::PathBuf;
use std::time::{Duration, Instant};

fn samples() -> Vec<PathBuf> {
    support::files_with_ext(&support::root().join("samples"), &["docx", "odt"])
}

fn convert(bytes: Vec<u8>, name: &str) -> Result<DocumentOutput, ReadError> {
    convert_bytes(bytes, name, &ConvertOptions::default())
}

fn codes(out: &DocumentOutput) -> Vec<&str> {
    out.warnings.iter().map(|w| w.code.as_str()).collect()
}

fn count(out: &DocumentOutput, code: &str) -> usize {
    codes(out).iter().filter(|c| **c == code).count()
}

/// Headings (level, title) in document order.
fn headings(s: &[Section], out: &mut Vec<(u8, String)>) {
    for x in s {
        out.push((x.level, x.title.clone()));
        headings(&x.sections, out);
    }
}

fn heading_list(out: &DocumentOutput) -> Vec<(u8, String)> {
    let mut v = Vec::new();
    headings(&out.sections, &mut v);
    v
}

/// Headings, paragraphs and tables (as their cells' text) in document order,
/// the title aside.
fn texts(out: &DocumentOutput) -> Vec<String> {
    fn walk(s: &[Section], v: &mut Vec<String>) {
        for x in s {
            if !x.title.is_empty() {
                v.push(x.title.clone());
            }
            for c in &x.content {
                v.push(match c {
                    Content::Paragraph(p) => p.text.clone(),
                    Content::Table(t) => {
                        format!("{:?}", t.cells.iter().map(|c| &c.text).collect::<Vec<_>>())
                    }
                });
            }
            walk(&x.sections, v);
        }
    }
    // The title is left out: made of the first paragraphs, a cut may shorten it.
    let mut v = Vec::new();
    walk(&out.sections, &mut v);
    v
}

fn table_count(s: &[Section]) -> usize {
    s.iter()
        .map(|x| {
            x.content
                .iter()
                .filter(|c| matches!(c, Content::Table(_)))
                .count()
                + table_count(&x.sections)
        })
        .sum()
}

/// A member of a zip as its central directory describes it.
struct Member {
    name: String,
    header: usize,
    data: usize,
    end: usize,
}

/// The members of an intact zip, in file order, and where its central
/// directory starts.
fn layout(bytes: &[u8]) -> (Vec<Member>, usize) {
    let mut z = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut members: Vec<Member> = (0..z.len())
        .map(|i| {
            let f = z.by_index_raw(i).unwrap();
            Member {
                name: f.name().to_string(),
                header: f.header_start() as usize,
                data: f.data_start() as usize,
                end: (f.data_start() + f.compressed_size()) as usize,
            }
        })
        .collect();
    members.sort_by_key(|m| m.header);
    let cd = (0..z.len())
        .map(|i| z.by_index_raw(i).unwrap().central_header_start() as usize)
        .min()
        .unwrap();
    (members, cd)
}

/// Parts the section tree depends on: a cut in any of them may change it.
fn shapes_sections(name: &str) -> bool {
    matches!(
        name,
        "[Content_Types].xml"
            | "_rels/.rels"
            | "word/document.xml"
            | "word/_rels/document.xml.rels"
            | "word/styles.xml"
            | "word/numbering.xml"
            | "mimetype"
            | "content.xml"
            | "styles.xml"
    )
}

/// Cut points: every `step`-th byte of `from..to`, and its two ends.
fn cuts(from: usize, to: usize, step: usize) -> Vec<usize> {
    let mut v: Vec<usize> = (from..to).step_by(step).collect();
    v.push(to.saturating_sub(1).max(from));
    v.dedup();
    v
}

/// (a) Cut in the central directory, or inside the members after the last part
/// the section tree depends on: the package is salvaged from its local headers
/// and reads as the original does (sections, tables, title), with one
/// `salvaged_archive` warning, first.
#[test]
fn cut_after_the_main_parts_reads_like_the_original() {
    let mut points = 0;
    for path in samples() {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let bytes = std::fs::read(&path).unwrap();
        let orig = convert(bytes.clone(), &name).unwrap();
        let (members, cd) = layout(&bytes);
        // After the last member the tree depends on.
        let last_needed = members
            .iter()
            .filter(|m| shapes_sections(&m.name))
            .map(|m| m.end)
            .max()
            .unwrap();
        let mut at = cuts(cd, bytes.len(), 19);
        for m in members.iter().filter(|m| m.header >= last_needed) {
            // The header's start and middle, the data's start, middle and end.
            at.extend([
                m.header,
                m.header + 13,
                m.data,
                (m.data + m.end) / 2,
                m.end - 1,
            ]);
        }
        for cut in at {
            points += 1;
            let what = format!("{name} cut at {cut} of {}", bytes.len());
            let out =
                convert(bytes[..cut].to_vec(), &name).unwrap_or_else(|e| panic!("{what}: {e}"));
            assert_eq!(codes(&out).first(), Some(&"salvaged_archive"), "{what}");
            assert_eq!(count(&out, "salvaged_archive"), 1, "{what}");
            assert!(!out.partial, "{what}");
            assert_eq!(out.title, orig.title, "{what}");
            assert_eq!(out.sections, orig.sections, "{what}");
            assert_eq!(out.report.is_some(), orig.report.is_some(), "{what}");
        }
    }
    assert!(points > 900, "{points} cut points");
}

/// A download cut inside the main part: what precedes the cut is read (the
/// first sections, in order), with `salvaged_archive` and `truncated_part`, and
/// the document is partial; a cut before anything readable is a typed error.
#[test]
fn cut_inside_the_main_part_keeps_the_first_sections() {
    let (mut ok, mut errors) = (0, 0);
    for path in samples() {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let bytes = std::fs::read(&path).unwrap();
        let (members, _) = layout(&bytes);
        let main = members
            .iter()
            .find(|m| m.name == "word/document.xml" || m.name == "content.xml")
            .unwrap();
        // What the file gives when cut right after the main part (the parts
        // after it, styles and numbering among them, are lost).
        let whole = convert(bytes[..main.end].to_vec(), &name).unwrap();
        assert!(!whole.partial && codes(&whole)[0] == "salvaged_archive");
        let orig = texts(&whole);
        for cut in cuts(main.header, main.end, 97) {
            let what = format!(
                "{name} cut at {cut} (main part {}..{})",
                main.data, main.end
            );
            match convert(bytes[..cut].to_vec(), &name) {
                Ok(out) if count(&out, "truncated_part") == 0 => {
                    // Cut in the stream's last bytes, after all of its text.
                    assert_eq!(codes(&out)[0], "salvaged_archive", "{what}");
                    assert!(!out.partial, "{what}");
                    assert_eq!(texts(&out), orig, "{what}");
                }
                Ok(out) => {
                    ok += 1;
                    assert_eq!(codes(&out)[0], "salvaged_archive", "{what}");
                    assert_eq!(count(&out, "truncated_part"), 1, "{what}");
                    assert!(out.partial, "{what}");
                    let got = texts(&out);
                    assert!(got.len() <= orig.len(), "{what}");
                    // Blocks before the cut as they read whole (the last may
                    // read differently: a title or heading that went on).
                    let n = got.len().saturating_sub(1);
                    assert_eq!(got[..n], orig[..n], "{what}");
                }
                Err(e) => {
                    errors += 1;
                    assert!(
                        matches!(
                            e,
                            ReadError::Xml { .. } | ReadError::MissingPart(_) | ReadError::Zip(_)
                        ),
                        "{what}: {e:?}"
                    );
                }
            }
        }
    }
    assert!(ok > 5 * errors, "{ok} read in part, {errors} errors");
}

/// Cut a DOCX's `word/document.xml` (and an ODT's `content.xml`) and zip it
/// again properly.
fn rezip(bytes: &[u8], main: &str, keep: usize) -> Vec<u8> {
    let mut z = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for i in 0..z.len() {
        let mut f = z.by_index(i).unwrap();
        let mut data = Vec::new();
        f.read_to_end(&mut data).unwrap();
        if f.name() == main {
            data.truncate(keep);
        }
        let opts = zip::write::SimpleFileOptions::default().compression_method(f.compression());
        w.start_file(f.name(), opts).unwrap();
        w.write_all(&data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

fn main_xml(bytes: &[u8], main: &str) -> Vec<u8> {
    let mut z = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut data = Vec::new();
    z.by_name(main).unwrap().read_to_end(&mut data).unwrap();
    data
}

/// (b) A main part cut off in an intact zip: the sections before the cut,
/// `truncated_part` naming the part and offset, `partial: true` in the JSON
/// (valid against the schema), no `salvaged_archive`. Every cut after the
/// first finished paragraph reads; the cut is never taken for malformed XML.
#[test]
fn truncated_main_part_is_read_in_part() {
    let mut points = 0;
    for path in samples() {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let bytes = std::fs::read(&path).unwrap();
        let orig = convert(bytes.clone(), &name).unwrap();
        let orig_headings = heading_list(&orig);
        let main = if name.ends_with(".odt") {
            "content.xml"
        } else {
            "word/document.xml"
        };
        let xml = main_xml(&bytes, main);
        let close: &[u8] = if main == "content.xml" {
            b"</text:p>"
        } else {
            b"</w:p>"
        };
        // The first paragraph finished at body level (a metadata table may
        // come first: a cut inside it leaves nothing read).
        let (open_t, close_t): (&[u8], &[u8]) = if main == "content.xml" {
            (b"<table:table ", b"</table:table>")
        } else {
            (b"<w:tbl>", b"</w:tbl>")
        };
        let first_p = (0..xml.len())
            .find(|&i| {
                xml[i..].starts_with(close) && {
                    let before = &xml[..i];
                    let n = |pat: &[u8]| before.windows(pat.len()).filter(|w| *w == pat).count();
                    n(open_t) == n(close_t)
                }
            })
            .unwrap()
            + close.len();
        // Every byte near the middle, and a stride over the rest.
        let mid = xml.len() / 2;
        let mut at: Vec<usize> = (mid - 6..mid + 6).collect();
        at.extend((first_p..xml.len() - 1).step_by(xml.len() / 16));
        for keep in at {
            points += 1;
            let what = format!("{name}: {main} cut at {keep} of {}", xml.len());
            let out =
                convert(rezip(&bytes, main, keep), &name).unwrap_or_else(|e| panic!("{what}: {e}"));
            assert!(out.partial, "{what}");
            assert_eq!(count(&out, "salvaged_archive"), 0, "{what}");
            let w = out
                .warnings
                .iter()
                .find(|w| w.code == "truncated_part")
                .unwrap_or_else(|| panic!("{what}: {:?}", codes(&out)));
            assert!(w.message.contains(main), "{what}: {}", w.message);
            assert!(
                w.location
                    .as_deref()
                    .unwrap()
                    .starts_with(&format!("{main}@")),
                "{what}"
            );
            let got = heading_list(&out);
            let whole = got.len().saturating_sub(1);
            assert_eq!(got[..whole], orig_headings[..whole], "{what}");
            assert!(table_count(&out.sections) <= table_count(&orig.sections));
        }
        // Cut at the middle: the JSON says partial and validates.
        let out = convert(rezip(&bytes, main, xml.len() / 2), &name).unwrap();
        assert!(!out.sections.is_empty());
        let json = serde_json::to_value(&out).unwrap();
        assert_eq!(json["partial"], true);
        support::assert_valid_report(&json, &name);
        let back: DocumentOutput = serde_json::from_value(json).unwrap();
        assert_eq!(back, out);
        // The intact document does not carry the field.
        let json = serde_json::to_value(&orig).unwrap();
        assert!(json.get("partial").is_none());
    }
    assert!(points > 400, "{points} cut points");
}

/// A main part that is malformed (not cut off) is still an error, whatever was
/// read before it.
#[test]
fn malformed_main_part_is_still_an_error() {
    let path = support::root().join("samples/hanyang_wenlv_2021.docx");
    let bytes = std::fs::read(&path).unwrap();
    let xml = main_xml(&bytes, "word/document.xml");
    let text = String::from_utf8(xml).unwrap();
    let at = text.rfind("</w:p>").unwrap();
    let broken = format!("{}</w:r>{}", &text[..at], &text[at..]);
    let mut z = zip::ZipArchive::new(Cursor::new(&bytes[..])).unwrap();
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for i in 0..z.len() {
        let mut f = z.by_index(i).unwrap();
        let mut data = Vec::new();
        f.read_to_end(&mut data).unwrap();
        if f.name() == "word/document.xml" {
            data = broken.clone().into_bytes();
        }
        w.start_file(f.name(), zip::write::SimpleFileOptions::default())
            .unwrap();
        w.write_all(&data).unwrap();
    }
    let e = convert(w.finish().unwrap().into_inner(), "x.docx").unwrap_err();
    assert_eq!(e.kind(), "malformed_xml", "{e}");
}

// ----- hand-made local headers -----

enum Sizes {
    /// Sizes and CRC in the local header.
    Declared,
    /// Bit 3: sizes zero in the header, a data descriptor after the data.
    Descriptor,
}

fn deflate(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

fn crc(data: &[u8]) -> u32 {
    let mut c = flate2::Crc::new();
    c.update(data);
    c.sum()
}

/// One deflated member as a local header and data (no central directory).
fn local(name: &str, data: &[u8], sizes: Sizes) -> Vec<u8> {
    let packed = deflate(data);
    let mut out = b"PK\x03\x04".to_vec();
    out.extend(20u16.to_le_bytes());
    let descriptor = matches!(sizes, Sizes::Descriptor);
    out.extend(if descriptor { 8u16 } else { 0 }.to_le_bytes());
    out.extend(8u16.to_le_bytes());
    out.extend([0u8; 4]); // time, date
    let (c, cs, s) = if descriptor {
        (0, 0, 0)
    } else {
        (crc(data), packed.len() as u32, data.len() as u32)
    };
    out.extend(c.to_le_bytes());
    out.extend(cs.to_le_bytes());
    out.extend(s.to_le_bytes());
    out.extend((name.len() as u16).to_le_bytes());
    out.extend(0u16.to_le_bytes());
    out.extend(name.as_bytes());
    out.extend(&packed);
    if descriptor {
        out.extend(b"PK\x07\x08");
        out.extend(crc(data).to_le_bytes());
        out.extend((packed.len() as u32).to_le_bytes());
        out.extend((data.len() as u32).to_le_bytes());
    }
    out
}

/// The members of a sample as local headers only, each written `sizes`.
fn sample_as_locals(path: &str, sizes: impl Fn(&str) -> Sizes) -> Vec<u8> {
    let bytes = std::fs::read(support::root().join(path)).unwrap();
    let mut z = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut out = Vec::new();
    for i in 0..z.len() {
        let mut f = z.by_index(i).unwrap();
        let mut data = Vec::new();
        f.read_to_end(&mut data).unwrap();
        out.extend(local(f.name(), &data, sizes(f.name())));
    }
    out
}

/// Members written with data descriptors (sizes unknown in their local
/// headers, as streaming writers do), no central directory: inflated until
/// each stream ends; the descriptors' CRCs are checked.
#[test]
fn data_descriptors_without_central_directory() {
    for path in [
        "samples/hanyang_wenlv_2021.docx",
        "samples/kaiping_ziranziyuan_2022.odt",
    ] {
        let orig = convert(std::fs::read(support::root().join(path)).unwrap(), path).unwrap();
        for mixed in [false, true] {
            let bytes = sample_as_locals(path, |n| {
                if mixed && n.len() % 2 == 0 {
                    Sizes::Declared
                } else {
                    Sizes::Descriptor
                }
            });
            let out = convert(bytes.clone(), path).unwrap();
            assert_eq!(codes(&out)[0], "salvaged_archive");
            assert_eq!(out.sections, orig.sections, "{path}");
            assert_eq!(out.properties, orig.properties, "{path}");
            assert_eq!(out.footers, orig.footers, "{path}");
            // A flipped bit in a CRC of a descriptor: that member is refused.
            let mut bad = bytes.clone();
            let main = if path.ends_with("odt") {
                &b"content.xml"[..]
            } else {
                b"word/document.xml"
            };
            let at = bad.windows(main.len()).position(|w| w == main).unwrap();
            let desc = at
                + bad[at..]
                    .windows(4)
                    .position(|w| w == b"PK\x07\x08")
                    .unwrap();
            if !mixed {
                bad[desc + 4] ^= 1;
                let e = convert(bad, path).unwrap_err();
                assert_eq!(e.kind(), "corrupt_zip", "{e}");
            }
        }
    }
}

/// Local headers whose sizes lie (too small, too large, past the end), and
/// headers overlapping other members' data: a typed error or a document,
/// never a panic, in bounded time.
#[test]
fn lying_and_overlapping_local_headers() {
    let base = sample_as_locals("samples/hanyang_wenlv_2021.docx", |_| Sizes::Declared);
    let headers: Vec<usize> = base
        .windows(4)
        .enumerate()
        .filter(|(_, w)| *w == b"PK\x03\x04")
        .map(|(i, _)| i)
        .collect();
    let started = Instant::now();
    let mut outcomes = std::collections::BTreeMap::<String, usize>::new();
    for &h in &headers {
        for (field, value) in [
            (18, 0u32),
            (18, 1),
            (18, 0xFFFF_FFFF),
            (18, 100_000),
            (22, 0),
            (22, 0xFFFF_FFFF),
            (14, 0),
            (6, 8), // bit 3 claimed with sizes present
            (26, 0xFFFF),
        ] {
            let mut b = base.clone();
            if field == 26 {
                b[h + 26..h + 28].copy_from_slice(&(value as u16).to_le_bytes());
            } else if field == 6 {
                b[h + 6..h + 8].copy_from_slice(&(value as u16).to_le_bytes());
            } else {
                b[h + field..h + field + 4].copy_from_slice(&value.to_le_bytes());
            }
            let key = match convert(b, "x.docx") {
                Ok(out) => format!("ok {}", codes(&out).join(",")),
                Err(e) => e.kind().to_string(),
            };
            *outcomes.entry(key).or_default() += 1;
        }
    }
    // Overlap: a header copied into the middle of another member's data.
    for &h in &headers {
        let mut b = base.clone();
        let header = b[h..h + 60.min(b.len() - h)].to_vec();
        let mid = h + 80;
        if mid + header.len() < b.len() {
            b[mid..mid + header.len()].copy_from_slice(&header);
        }
        let key = match convert(b, "x.docx") {
            Ok(out) => format!("ok {}", codes(&out).join(",")),
            Err(e) => e.kind().to_string(),
        };
        *outcomes.entry(key).or_default() += 1;
    }
    assert!(started.elapsed() < Duration::from_secs(20), "{outcomes:?}");
    assert!(outcomes.keys().any(|k| k.starts_with("ok")), "{outcomes:?}");
}

/// Garbage sprinkled with local-header signatures: a typed error, quickly.
#[test]
fn garbage_with_signatures_is_a_typed_error() {
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for round in 0..50 {
        let len = 1000 + (next() % 200_000) as usize;
        let mut b: Vec<u8> = (0..len).map(|_| next() as u8).collect();
        b[..4].copy_from_slice(b"PK\x03\x04");
        for _ in 0..(next() % 500) {
            let at = (next() as usize) % (len - 4);
            b[at..at + 4].copy_from_slice(b"PK\x03\x04");
        }
        let started = Instant::now();
        let e = match convert(b, "x.docx") {
            Ok(out) => panic!("round {round}: garbage converted: {:?}", codes(&out)),
            Err(e) => e,
        };
        assert!(
            matches!(
                e,
                ReadError::Zip(_)
                    | ReadError::UnknownPackage(_)
                    | ReadError::MissingPart(_)
                    | ReadError::Encrypted
            ),
            "round {round}: {e:?}"
        );
        assert!(started.elapsed() < Duration::from_secs(2), "round {round}");
    }
}

/// A zip bomb through local headers: the member's declared size is small, its
/// data inflates far beyond the part limit. Refused with `part_too_large`
/// without inflating it all.
#[test]
fn zip_bomb_through_local_headers() {
    let path = "samples/hanyang_wenlv_2021.docx";
    let bytes = std::fs::read(support::root().join(path)).unwrap();
    let mut z = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut out = Vec::new();
    let limits = Limits {
        max_part_bytes: 1024 * 1024,
        ..Limits::default()
    };
    for i in 0..z.len() {
        let mut f = z.by_index(i).unwrap();
        let mut data = Vec::new();
        f.read_to_end(&mut data).unwrap();
        if f.name() == "word/document.xml" {
            // 16 MiB of spaces before the root element's end.
            let mut bomb = data[..data.len() - 14].to_vec();
            bomb.resize(bomb.len() + 16 * 1024 * 1024, b' ');
            bomb.extend(b"</w:document>");
            let mut m = local(f.name(), &bomb, Sizes::Declared);
            // Declared sizes say 1000 bytes.
            m[18..22].copy_from_slice(&1000u32.to_le_bytes());
            m[22..26].copy_from_slice(&1000u32.to_le_bytes());
            out.extend(m);
        } else {
            out.extend(local(f.name(), &data, Sizes::Descriptor));
        }
    }
    let started = Instant::now();
    let e = convert_bytes(out, path, &ConvertOptions { limits }).unwrap_err();
    assert!(
        matches!(e, ReadError::PartTooLarge { .. } | ReadError::Zip(_)),
        "{e:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(5));
}

/// 100,000 tiny local headers: `too_many_parts`, quickly.
#[test]
fn a_hundred_thousand_local_headers() {
    let mut b = Vec::new();
    for i in 0..100_000u32 {
        let name = format!("p{i}");
        // Stored, empty.
        b.extend(b"PK\x03\x04\x14\x00\x00\x00\x00\x00");
        b.extend([0u8; 16]);
        b.extend((name.len() as u16).to_le_bytes());
        b.extend([0u8; 2]);
        b.extend(name.as_bytes());
    }
    let started = Instant::now();
    let e = convert(b, "x.docx").unwrap_err();
    assert!(matches!(e, ReadError::TooManyParts { .. }), "{e:?}");
    assert!(started.elapsed() < Duration::from_secs(2));
}

/// Cuts where nothing readable remains are typed errors: inside the first
/// local header, before the main part's header.
#[test]
fn nothing_readable_is_a_typed_error() {
    let bytes = std::fs::read(support::root().join("samples/hanyang_wenlv_2021.docx")).unwrap();
    let (members, _) = layout(&bytes);
    let main = members
        .iter()
        .find(|m| m.name == "word/document.xml")
        .unwrap();
    for cut in (2..main.header + 20).step_by(7) {
        let e = convert(bytes[..cut].to_vec(), "x.docx").unwrap_err();
        assert!(
            matches!(
                e,
                ReadError::Zip(_) | ReadError::MissingPart(_) | ReadError::Xml { .. }
            ),
            "cut at {cut}: {e:?}"
        );
    }
    let odt = std::fs::read(support::root().join("samples/hanyang_wenlv_2021.odt")).unwrap();
    for cut in [2, 10, 30, 60, 90] {
        let e = convert(odt[..cut].to_vec(), "x.odt").unwrap_err();
        assert!(
            matches!(
                e,
                ReadError::Zip(_) | ReadError::MissingPart(_) | ReadError::UnknownPackage(_)
            ),
            "cut at {cut}: {e:?}"
        );
    }
}
