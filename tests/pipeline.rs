//! End-to-end tests of `reportdex convert`: the real binary on real input
//! trees built in a temporary directory (nested directories, archives inside
//! archives, a GBK-named member, duplicates, corrupt, legacy and encrypted
//! files, a path-traversal member), checking OUT, errors.jsonl and exit codes;
//! determinism across `-j`; interrupted runs; incremental reruns.

mod support;

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use zip::write::SimpleFileOptions;

const BIN: &str = env!("CARGO_BIN_EXE_reportdex");

// ---------------------------------------------------------------- builders

fn zip_bytes(members: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, data) in members {
        let opts = if *name == "mimetype" {
            SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored)
        } else {
            SimpleFileOptions::default()
        };
        w.start_file(*name, opts).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

/// A minimal valid DOCX whose body has the given paragraphs.
fn docx(paragraphs: &[&str]) -> Vec<u8> {
    let body: String = paragraphs
        .iter()
        .map(|p| format!("<w:p><w:r><w:t>{p}</w:t></w:r></w:p>"))
        .collect();
    let document = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>"#
    );
    zip_bytes(&[
        (
            "[Content_Types].xml",
            br#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#,
        ),
        (
            "_rels/.rels",
            br#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#,
        ),
        ("word/document.xml", document.as_bytes()),
    ])
}

fn odt(text: &str, encrypted: bool) -> Vec<u8> {
    let content = format!(
        r#"<?xml version="1.0"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:text><text:p>{text}</text:p></office:text></office:body></office:document-content>"#
    );
    let enc = if encrypted {
        r#"<manifest:encryption-data manifest:checksum-type="SHA1/1K" manifest:checksum="x"><manifest:algorithm manifest:algorithm-name="Blowfish CFB" manifest:initialisation-vector="x"/></manifest:encryption-data>"#
    } else {
        ""
    };
    let manifest = format!(
        r#"<?xml version="1.0"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml">{enc}</manifest:file-entry></manifest:manifest>"#
    );
    zip_bytes(&[
        ("mimetype", b"application/vnd.oasis.opendocument.text"),
        ("content.xml", content.as_bytes()),
        ("META-INF/manifest.xml", manifest.as_bytes()),
    ])
}

const OLE_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

fn ole(encrypted: bool) -> Vec<u8> {
    // A real compound file: an encrypted OOXML package, or a Word binary
    // document whose WordDocument stream is not a Word document.
    let mut c = cfb::CompoundFile::create(std::io::Cursor::new(Vec::new())).unwrap();
    let streams: &[(&str, &[u8])] = if encrypted {
        &[
            ("/EncryptionInfo", b"\x04\x00"),
            ("/EncryptedPackage", b"\x00"),
        ]
    } else {
        &[("/WordDocument", b"not a FIB"), ("/1Table", b"")]
    };
    for (name, data) in streams {
        std::io::Write::write_all(&mut c.create_stream(name).unwrap(), data).unwrap();
    }
    c.flush().unwrap();
    let b = c.into_inner().into_inner();
    assert!(b.starts_with(&OLE_MAGIC));
    b
}

/// A zip whose member `name` is stored as raw GBK bytes without the UTF-8 flag,
/// as Chinese Windows tools write it: built with an ASCII placeholder of the
/// same byte length, then patched in the local and central headers.
fn zip_with_gbk_name(name: &str, data: &[u8]) -> Vec<u8> {
    let (gbk, _, unmappable) = encoding_rs::GBK.encode(name);
    assert!(!unmappable);
    let placeholder = "Q".repeat(gbk.len() - 5) + ".docx";
    let mut bytes = zip_bytes(&[(placeholder.as_str(), data)]);
    let pat = placeholder.as_bytes();
    let mut hits = 0;
    let mut i = 0;
    while i + pat.len() <= bytes.len() {
        if &bytes[i..i + pat.len()] == pat {
            bytes[i..i + pat.len()].copy_from_slice(&gbk);
            hits += 1;
            i += pat.len();
        } else {
            i += 1;
        }
    }
    assert_eq!(hits, 2, "local and central header");
    // General purpose bit 11 (UTF-8) must be clear in both headers.
    assert_eq!(bytes[7] & 0x08, 0);
    bytes
}

fn write(path: &Path, bytes: &[u8]) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

const GBK_NAME: &str = "开平市科工商务局2022年报告.docx";

/// The mixed input tree of the acceptance criteria, under `root/mixed`.
fn mixed_tree(root: &Path) -> PathBuf {
    let m = root.join("mixed");
    let a = docx(&[
        "开平市科工商务局2022年政府信息公开工作年度报告",
        "一、总体情况",
    ]);
    write(&m.join("a.docx"), &a);
    write(
        &m.join("nested/deep/b.docx"),
        &docx(&["B 报告", "二、主动公开政府信息情况"]),
    );
    write(&m.join("nested/dup.docx"), &a); // duplicate of a.docx
    write(
        &m.join("nested/UPPER.DOCX"),
        &docx(&["upper-case extension"]),
    );
    write(&m.join("corrupt.docx"), &a[..a.len() / 2]);
    write(&m.join("legacy.doc"), &ole(false));
    let mut renamed = ole(false);
    renamed.extend(b"different bytes");
    write(&m.join("renamed-doc.docx"), &renamed);
    write(&m.join("encrypted.docx"), &ole(true));
    write(&m.join("encrypted.odt"), &odt("secret", true));
    write(&m.join("plain.odt"), &odt("ODT 报告", false));
    write(
        &m.join("not-a-report.docx"),
        &docx(&["Shopping list", "milk"]),
    );
    write(&m.join("readme.txt"), b"not a document");
    let inner = zip_bytes(&[("e.docx", &docx(&["E inside inner zip"]))]);
    let gbk_zip = zip_with_gbk_name(GBK_NAME, &docx(&["GBK named member"]));
    let bundle = zip_bytes(&[
        ("c.docx", &docx(&["C in bundle"])),
        ("sub/d.odt", &odt("D in bundle", false)),
        ("sub/", b""),
        ("inner.zip", &inner),
        ("gbk.zip", &gbk_zip),
        ("../../x.docx", &docx(&["traversal attempt"])),
        ("notes.pdf", b"%PDF-1.4"),
    ]);
    write(&m.join("archives/bundle.zip"), &bundle);
    write(
        &m.join("archives/broken.zip"),
        b"PK\x03\x04 not really a zip",
    );
    #[cfg(unix)]
    std::os::unix::fs::symlink("..", m.join("nested/deep/loop")).unwrap();
    m
}

// ---------------------------------------------------------------- helpers

fn convert(inputs: &[&Path], out: &Path, extra: &[&str]) -> Output {
    let mut c = Command::new(BIN);
    c.arg("convert").args(inputs).arg("-o").arg(out).args(extra);
    c.env_remove("RUST_LOG")
        .env_remove("REPORTDEX_TEST_ABORT_AFTER")
        .env_remove("REPORTDEX_TEST_PANIC_ON")
        .env_remove("REPORTDEX_TEST_FAIL_STAGE")
        .env_remove("REPORTDEX_TEST_PAUSE_AT");
    c.output().unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Every file under `dir` (relative path -> bytes), directories included as
/// empty entries so that leftover empty directories also count.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let e = e.unwrap();
            let p = e.path();
            let rel = p.strip_prefix(base).unwrap().to_string_lossy().into_owned();
            if e.file_type().unwrap().is_dir() {
                out.insert(format!("{rel}/"), Vec::new());
                walk(base, &p, out);
            } else {
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

fn assert_same_tree(a: &Path, b: &Path) {
    let (ta, tb) = (tree(a), tree(b));
    let ka: Vec<&String> = ta.keys().collect();
    let kb: Vec<&String> = tb.keys().collect();
    assert_eq!(ka, kb, "same files");
    for (k, v) in &ta {
        assert!(v == &tb[k], "{k} differs");
    }
}

fn jsonl(path: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

// ---------------------------------------------------------------- tests

#[test]
fn mixed_tree_converts_good_reports_and_lists_bad_ones() {
    let tmp = tempfile::tempdir().unwrap();
    let m = mixed_tree(tmp.path());
    let out = tmp.path().join("out");
    let o = convert(&[&m], &out, &["-j", "2"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(o.stdout.is_empty(), "stdout is for data only");

    // Every good report is converted, in source-path order, and its JSON
    // validates against the schema.
    let reports = jsonl(&out.join("reports.jsonl"));
    for r in &reports {
        let json = out.join(r["json"].as_str().unwrap());
        let doc: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
        support::assert_valid_report(&doc, &json.display().to_string());
    }
    let paths: Vec<&str> = reports
        .iter()
        .map(|r| r["path"].as_str().unwrap())
        .collect();
    let gbk_path = format!("mixed/archives/bundle.zip!/gbk.zip!/{GBK_NAME}");
    assert_eq!(
        paths,
        vec![
            "mixed/a.docx",
            "mixed/archives/bundle.zip!/../../x.docx",
            "mixed/archives/bundle.zip!/c.docx",
            gbk_path.as_str(),
            "mixed/archives/bundle.zip!/inner.zip!/e.docx",
            "mixed/archives/bundle.zip!/sub/d.odt",
            "mixed/nested/UPPER.DOCX",
            "mixed/nested/deep/b.docx",
            "mixed/not-a-report.docx",
            "mixed/plain.odt",
        ]
    );
    for r in &reports {
        let json = out.join(r["json"].as_str().unwrap());
        let doc: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
        assert_eq!(doc["source"]["path"], r["path"]);
        assert_eq!(doc["source"]["sha256"], r["sha256"]);
        // reports.jsonl repeats the per-report `report` object (null when absent).
        assert_eq!(r["report"], doc["report"]);
    }
    assert_eq!(reports[5]["format"], "odt");
    assert_eq!(reports[0]["format"], "docx");
    // The GBK name survives, as a file name too.
    assert!(out
        .join(format!("mixed/archives/bundle.zip/gbk.zip/{GBK_NAME}.json"))
        .is_file());
    // `../../x.docx` stays inside OUT.
    assert_eq!(
        reports[1]["json"],
        "mixed/archives/bundle.zip/__/__/x.docx.json"
    );
    assert!(out
        .join("mixed/archives/bundle.zip/__/__/x.docx.json")
        .is_file());
    assert!(!tmp.path().join("x.docx.json").exists());
    assert!(!tmp.path().join("mixed/x.docx.json").exists());

    // Every bad one is in errors.jsonl with its reason.
    let errors = jsonl(&out.join("errors.jsonl"));
    let got: Vec<(String, Option<String>, String)> = errors
        .iter()
        .map(|e| {
            (
                e["path"].as_str().unwrap().to_string(),
                e["member"].as_str().map(str::to_string),
                e["kind"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let s = |x: &str| x.to_string();
    assert_eq!(
        got,
        vec![
            (s("mixed/archives/broken.zip"), None, s("corrupt_zip")),
            // Cut in half: salvaged from its local headers, which end
            // before the main part.
            (s("mixed/corrupt.docx"), None, s("missing_part")),
            (s("mixed/encrypted.docx"), None, s("encrypted")),
            (s("mixed/encrypted.odt"), None, s("encrypted")),
            (s("mixed/legacy.doc"), None, s("malformed_doc")),
            (s("mixed/renamed-doc.docx"), None, s("malformed_doc")),
        ]
    );
    assert!(errors
        .iter()
        .all(|e| !e["message"].as_str().unwrap().is_empty()));

    // The duplicate is recorded, not converted.
    let dups = jsonl(&out.join("duplicates.jsonl"));
    assert_eq!(dups.len(), 1);
    assert_eq!(dups[0]["path"], "mixed/nested/dup.docx");
    assert_eq!(dups[0]["duplicate_of"], "mixed/a.docx");
    assert!(!out.join("mixed/nested/dup.docx.json").exists());

    // Failures are printed as `reportdex: <file>: <reason>`, plus a summary.
    let err = stderr(&o);
    assert!(
        err.contains("reportdex: mixed/encrypted.docx: encrypted document"),
        "{err}"
    );
    assert!(
        err.contains("10 converted, 0 up to date, 6 failed, 1 duplicates, 3 skipped"),
        "{err}"
    );

    // CSV files: UTF-8 with BOM and their header.
    let metrics = std::fs::read(out.join("metrics.csv")).unwrap();
    assert!(metrics.starts_with(b"\xEF\xBB\xBFagency,year,template,key,label,value,raw,source\n"));
    // The titled test documents are reports without tables: every value is blank.
    let mut rows = csv::Reader::from_reader(&metrics[3..]);
    for rec in rows.records() {
        let rec = rec.unwrap();
        assert_eq!(&rec[5], "", "{rec:?}");
    }
    let tables = std::fs::read(out.join("tables.csv")).unwrap();
    assert!(tables.starts_with(
        b"\xEF\xBB\xBFsource,table,section,row,col,row_span,col_span,header_path,row_label_path,text\n"
    ));
    // Nothing temporary is left behind.
    assert!(!out.join(".reportdex-tmp").exists());
}

#[test]
fn jobs_1_and_2_give_identical_outputs() {
    let tmp = tempfile::tempdir().unwrap();
    let m = mixed_tree(tmp.path());
    for i in 0..60 {
        write(
            &m.join(format!("many/r{i:03}.docx")),
            &docx(&[&format!("报告 {i}"), "一、总体情况"]),
        );
    }
    let (o1, o2) = (tmp.path().join("o1"), tmp.path().join("o2"));
    assert_eq!(convert(&[&m], &o1, &["-j", "1"]).status.code(), Some(1));
    assert_eq!(convert(&[&m], &o2, &["-j", "2"]).status.code(), Some(1));
    assert_same_tree(&o1, &o2);
}

#[test]
fn rerun_is_incremental_and_force_redoes_all() {
    let tmp = tempfile::tempdir().unwrap();
    let m = mixed_tree(tmp.path());
    let out = tmp.path().join("out");
    assert_eq!(convert(&[&m], &out, &[]).status.code(), Some(1));
    let first = tree(&out);

    let o = convert(&[&m], &out, &[]);
    assert!(
        stderr(&o).contains("0 converted, 10 up to date, 6 failed, 1 duplicates"),
        "{}",
        stderr(&o)
    );
    assert_eq!(tree(&out), first);

    let o = convert(&[&m], &out, &["--force"]);
    assert!(
        stderr(&o).contains("10 converted, 0 up to date"),
        "{}",
        stderr(&o)
    );
    assert_eq!(tree(&out), first);

    // A changed input is converted again, a removed one disappears from OUT,
    // a new one sorting before its duplicate becomes the original.
    write(&m.join("nested/deep/b.docx"), &docx(&["B changed"]));
    std::fs::remove_file(m.join("plain.odt")).unwrap();
    std::fs::copy(m.join("a.docx"), m.join("0first.docx")).unwrap();
    let o = convert(&[&m], &out, &[]);
    assert!(
        stderr(&o).contains("2 converted, 7 up to date, 6 failed, 2 duplicates"),
        "{}",
        stderr(&o)
    );
    assert!(!out.join("mixed/a.docx.json").exists());
    assert!(!out.join("mixed/plain.odt.json").exists());
    let clean = tmp.path().join("clean");
    convert(&[&m], &clean, &[]);
    assert_same_tree(&out, &clean);
}

#[test]
fn interrupted_run_then_rerun_equals_clean_run() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = tmp.path().join("corpus");
    for i in 0..300 {
        let text = format!("第{i}号 报告");
        write(
            &corpus.join(format!("d{}/r{i:03}.docx", i % 7)),
            &docx(&[&text, "二、主动公开政府信息情况", &"正文".repeat(i % 50)]),
        );
    }
    let clean = tmp.path().join("clean");
    assert_eq!(convert(&[&corpus], &clean, &[]).status.code(), Some(0));

    // Deterministic interruption: the process aborts after 100 documents.
    let out = tmp.path().join("out");
    let o = Command::new(BIN)
        .args(["convert", "-j", "2", "-q"])
        .arg(&corpus)
        .arg("-o")
        .arg(&out)
        .env("REPORTDEX_TEST_ABORT_AFTER", "100")
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert!(!out.join("manifest.json").exists());
    assert!(out.join(".reportdex-tmp").exists(), "killed mid-run");
    assert_eq!(convert(&[&corpus], &out, &[]).status.code(), Some(0));
    assert_same_tree(&out, &clean);

    // A real kill after a short delay, at whatever point the run is.
    let out2 = tmp.path().join("out2");
    let mut child = Command::new(BIN)
        .args(["convert", "-q"])
        .arg(&corpus)
        .arg("-o")
        .arg(&out2)
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(40));
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(convert(&[&corpus], &out2, &[]).status.code(), Some(0));
    assert_same_tree(&out2, &clean);
}

/// Every file under OUT with a final name (outside the temporary directory)
/// is complete: JSON parses, every JSONL line parses, CSV files parse and end
/// with a newline, Parquet files read to the last row. Returns how many files were checked.
fn assert_every_final_file_is_complete(out: &Path) -> usize {
    let mut checked = 0;
    for (rel, bytes) in tree(out) {
        if rel.ends_with('/') || rel.starts_with(".reportdex-tmp") {
            continue;
        }
        if rel.ends_with(".parquet") {
            // Complete: the footer reads and every row decodes.
            use parquet::file::reader::{FileReader, SerializedFileReader};
            let r = SerializedFileReader::new(bytes::Bytes::from(bytes))
                .unwrap_or_else(|e| panic!("{rel} is not a complete Parquet file: {e}"));
            for row in r.get_row_iter(None).unwrap() {
                row.unwrap_or_else(|e| panic!("{rel}: {e}"));
            }
            checked += 1;
            continue;
        }
        let text = std::str::from_utf8(&bytes).unwrap_or_else(|e| panic!("{rel}: {e}"));
        if rel.ends_with(".jsonl") {
            assert!(text.is_empty() || text.ends_with('\n'), "{rel} truncated");
            for l in text.lines() {
                serde_json::from_str::<serde_json::Value>(l)
                    .unwrap_or_else(|e| panic!("{rel}: {e}"));
            }
        } else if rel.ends_with(".json") {
            serde_json::from_str::<serde_json::Value>(text)
                .unwrap_or_else(|e| panic!("{rel} is not complete JSON: {e}"));
        } else if rel.ends_with(".csv") {
            assert!(text.ends_with('\n'), "{rel} truncated");
            let mut r = csv::Reader::from_reader(text.as_bytes());
            for rec in r.records() {
                rec.unwrap_or_else(|e| panic!("{rel}: {e}"));
            }
        } else {
            panic!("unexpected file {rel} in OUT");
        }
        checked += 1;
    }
    checked
}

#[test]
fn kill_9_at_each_point_then_rerun_equals_clean_run() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = tmp.path().join("corpus");
    let agencies = ["甲市财政局", "乙市教育局", "丙县民政局", "丁区水务局"];
    for i in 0..40 {
        let title = format!(
            "{}{}年政府信息公开工作年度报告",
            agencies[i % 4],
            2015 + i / 4
        );
        write(
            &corpus.join(format!("d{}/r{i:02}.docx", i % 3)),
            &docx(&[&title, "一、总体情况", &"正文".repeat(i)]),
        );
    }
    let first = std::fs::read(corpus.join("d0/r00.docx")).unwrap();
    write(&corpus.join("dup.docx"), &first);
    write(&corpus.join("corrupt.docx"), &first[..first.len() / 2]);
    let clean = tmp.path().join("clean");
    assert_eq!(convert(&[&corpus], &clean, &[]).status.code(), Some(1));
    let idx: serde_json::Value =
        serde_json::from_slice(&std::fs::read(clean.join("index.json")).unwrap()).unwrap();
    assert_eq!(idx["agencies"].as_array().unwrap().len(), 4);

    // Named points where a test build stops (REPORTDEX_TEST_PAUSE_AT):
    // `start` (OUT prepared, nothing converted), `batch-N` (N documents
    // written), `dataset` (dataset files committed, index not begun),
    // `index` (one agency of four written to the index's temporary file),
    // `manifest` (errors and duplicates committed, manifest not yet).
    let points = [
        "start", "batch-1", "batch-20", "dataset", "index", "manifest",
    ];
    for (n, point) in points.iter().enumerate() {
        // Once into a fresh OUT, once over the outputs of a complete run.
        for over_previous in [false, true] {
            let out = tmp
                .path()
                .join(format!("k{n}{}", if over_previous { "p" } else { "" }));
            if over_previous {
                assert_eq!(
                    convert(&[&corpus], &out, &["--force"]).status.code(),
                    Some(1)
                );
            }
            let marker = out.with_extension(format!("{point}.reached"));
            let mut child = Command::new(BIN)
                .args(["convert", "-q", "-j", "2", "--force"])
                .arg(&corpus)
                .arg("-o")
                .arg(&out)
                .env("REPORTDEX_TEST_PAUSE_AT", point)
                .env_remove("REPORTDEX_TEST_FAIL_STAGE")
                .stderr(std::process::Stdio::null())
                .spawn()
                .unwrap();
            let started = std::time::Instant::now();
            while !marker.exists() {
                if let Some(st) = child.try_wait().unwrap() {
                    panic!("{point}: exited ({st}) before reaching the point");
                }
                assert!(
                    started.elapsed() < std::time::Duration::from_secs(60),
                    "{point}: not reached"
                );
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
            child.kill().unwrap(); // SIGKILL
            child.wait().unwrap();
            assert_every_final_file_is_complete(&out);
            if !over_previous && *point != "manifest" {
                assert!(!out.join("manifest.json").exists(), "{point}");
            }
            let o = convert(&[&corpus], &out, &[]);
            assert_eq!(o.status.code(), Some(1), "{point}: {}", stderr(&o));
            assert_same_tree(&out, &clean);
        }
    }
}

#[test]
fn a_panic_in_one_document_is_isolated() {
    let tmp = tempfile::tempdir().unwrap();
    let m = mixed_tree(tmp.path());
    let out = tmp.path().join("out");
    let o = Command::new(BIN)
        .arg("convert")
        .arg(&m)
        .arg("-o")
        .arg(&out)
        .env("REPORTDEX_TEST_PANIC_ON", "deep/b.docx")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let errors = jsonl(&out.join("errors.jsonl"));
    let panic: Vec<_> = errors.iter().filter(|e| e["kind"] == "panic").collect();
    assert_eq!(panic.len(), 1);
    assert_eq!(panic[0]["path"], "mixed/nested/deep/b.docx");
    assert!(panic[0]["message"]
        .as_str()
        .unwrap()
        .contains("test panic requested"));
    assert_eq!(jsonl(&out.join("reports.jsonl")).len(), 9);
    assert!(!stderr(&o).contains("panicked at"), "{}", stderr(&o));
}

/// `convert` with the test hook that makes one stage fail for one document.
fn convert_failing(input: &Path, out: &Path, stage_and_needle: &str) -> Output {
    Command::new(BIN)
        .arg("convert")
        .arg(input)
        .arg("-o")
        .arg(out)
        .env_remove("REPORTDEX_TEST_PANIC_ON")
        .env_remove("REPORTDEX_TEST_PAUSE_AT")
        .env("REPORTDEX_TEST_FAIL_STAGE", stage_and_needle)
        .output()
        .unwrap()
}

#[test]
fn a_failed_output_stage_costs_only_that_stage() {
    let tmp = tempfile::tempdir().unwrap();
    let m = mixed_tree(tmp.path());
    let clean = tmp.path().join("clean");
    assert_eq!(convert(&[&m], &clean, &[]).status.code(), Some(1));
    let clean_errors = jsonl(&clean.join("errors.jsonl"));
    assert!(clean_errors
        .iter()
        .all(|e| matches!(e["stage"].as_str(), Some("input" | "convert"))));
    let clean_reports = jsonl(&clean.join("reports.jsonl"));
    let index_text = |out: &Path| std::fs::read_to_string(out.join("index.json")).unwrap();
    assert!(index_text(&clean).contains("\"mixed/a.docx\""));

    for (stage, kind) in [
        ("profile", "injected"),
        ("dataset", "injected"),
        ("index", "index_entry"),
    ] {
        let out = tmp.path().join(format!("out-{stage}"));
        let o = convert_failing(&m, &out, &format!("{stage}:mixed/a.docx"));
        assert_eq!(o.status.code(), Some(1), "{stage}: {}", stderr(&o));
        // The document's JSON lands all the same.
        let doc: serde_json::Value =
            serde_json::from_slice(&std::fs::read(out.join("mixed/a.docx.json")).unwrap()).unwrap();
        assert_eq!(doc["source"]["path"], "mixed/a.docx");
        // errors.jsonl names the stage; the other failures are unchanged.
        let errors = jsonl(&out.join("errors.jsonl"));
        let ours: Vec<_> = errors.iter().filter(|e| e["stage"] == stage).collect();
        assert_eq!(ours.len(), 1, "{stage}: {errors:?}");
        assert_eq!(ours[0]["path"], "mixed/a.docx");
        assert_eq!(ours[0]["kind"], kind);
        let others: Vec<_> = errors.iter().filter(|e| e["stage"] != stage).collect();
        assert_eq!(others, clean_errors.iter().collect::<Vec<_>>(), "{stage}");
        assert!(
            stderr(&o).contains("reportdex: mixed/a.docx: "),
            "{}",
            stderr(&o)
        );
        // Only that stage's output for that document is missing.
        let reports = jsonl(&out.join("reports.jsonl"));
        let manifest: serde_json::Value =
            serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
        let entry = manifest["entries"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["path"] == "mixed/a.docx")
            .unwrap();
        assert_eq!(entry["status"], "converted");
        assert_eq!(entry["failed_stages"], serde_json::json!([stage]));
        match stage {
            "profile" => {
                assert!(
                    doc.get("report").is_none(),
                    "JSON written without the profile"
                );
                assert_eq!(reports.len(), clean_reports.len());
                assert_eq!(reports[0]["path"], "mixed/a.docx");
                assert!(reports[0]["report"].is_null());
                assert_eq!(reports[1..], clean_reports[1..]);
            }
            "dataset" => {
                assert_eq!(reports[..], clean_reports[1..]);
                let metrics = std::fs::read_to_string(out.join("metrics.csv")).unwrap();
                assert!(!metrics.contains("mixed/a.docx"));
                assert!(!index_text(&out).contains("\"mixed/a.docx\""));
            }
            _ => {
                assert_eq!(reports, clean_reports);
                // Left out of the index, and listed among its problems.
                let idx: serde_json::Value = serde_json::from_str(&index_text(&out)).unwrap();
                let placed = serde_json::to_string(&idx["agencies"]).unwrap()
                    + &serde_json::to_string(&idx["unassigned"]).unwrap();
                assert!(!placed.contains("\"mixed/a.docx\""));
                assert!(idx["problems"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|p| p["path"] == "mixed/a.docx"));
                for f in ["reports.jsonl", "metrics.csv", "tables.csv"] {
                    assert_eq!(
                        std::fs::read(out.join(f)).unwrap(),
                        std::fs::read(clean.join(f)).unwrap()
                    );
                }
            }
        }
        // Every other document's JSON is the clean run's.
        for r in &clean_reports[1..] {
            let j = r["json"].as_str().unwrap();
            assert_eq!(
                std::fs::read(out.join(j)).unwrap(),
                std::fs::read(clean.join(j)).unwrap(),
                "{j}"
            );
        }
        // The failed stage is tried again, not masked by reuse: the same
        // failure gives the same tree, and without it the clean run's tree.
        let first = tree(&out);
        assert_eq!(
            convert_failing(&m, &out, &format!("{stage}:mixed/a.docx"))
                .status
                .code(),
            Some(1)
        );
        assert_eq!(tree(&out), first, "{stage}");
        let o = convert(&[&m], &out, &[]);
        assert!(
            stderr(&o).contains("1 converted, 9 up to date"),
            "{}",
            stderr(&o)
        );
        assert_same_tree(&out, &clean);
    }
}

/// `convert` that must finish within `secs` seconds (killed and failed if not).
fn convert_within(input: &Path, out: &Path, secs: u64) -> Output {
    let mut child = Command::new(BIN)
        .arg("convert")
        .arg(input)
        .arg("-o")
        .arg(out)
        .env_remove("REPORTDEX_TEST_FAIL_STAGE")
        .env_remove("REPORTDEX_TEST_PAUSE_AT")
        .env_remove("REPORTDEX_TEST_PANIC_ON")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > std::time::Duration::from_secs(secs) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("convert did not finish in {secs} s");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

#[cfg(unix)]
#[test]
fn special_files_in_an_input_directory_never_hang() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join("in");
    write(&d.join("good.docx"), &docx(&["good"]));
    // A FIFO with a document's name, one with an archive's name (opening either
    // would block forever), a symbolic link loop, a self-link, a dangling link
    // (a directory entry whose file vanished), and a file chmod 000.
    for name in ["fifo.docx", "fifo.zip"] {
        let st = Command::new("mkfifo").arg(d.join(name)).status().unwrap();
        assert!(st.success());
    }
    std::os::unix::fs::symlink("..", d.join("loop")).unwrap();
    std::os::unix::fs::symlink("self.docx", d.join("self.docx")).unwrap();
    std::os::unix::fs::symlink("gone.docx", d.join("dangling.docx")).unwrap();
    let locked = d.join("locked.docx");
    write(&locked, &docx(&["locked"]));
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    // As root, chmod does not deny reads: then the file is simply converted.
    let readable = std::fs::File::open(&locked).is_ok();

    let out = tmp.path().join("out");
    let o = convert_within(&d, &out, 30);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let errors = jsonl(&out.join("errors.jsonl"));
    let got: Vec<(&str, &str, &str)> = errors
        .iter()
        .map(|e| {
            (
                e["path"].as_str().unwrap(),
                e["kind"].as_str().unwrap(),
                e["stage"].as_str().unwrap(),
            )
        })
        .collect();
    let mut want = vec![
        ("in/dangling.docx", "io", "input"),
        ("in/fifo.docx", "io", "input"),
        ("in/fifo.zip", "io", "input"),
    ];
    if !readable {
        want.push(("in/locked.docx", "io", "input"));
    }
    want.push(("in/self.docx", "io", "input"));
    assert_eq!(got, want);
    assert!(errors[1]["message"]
        .as_str()
        .unwrap()
        .contains("not a regular file"));
    let reports = jsonl(&out.join("reports.jsonl"));
    assert_eq!(reports.len(), if readable { 2 } else { 1 });
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o644)).unwrap();

    // A FIFO given as INPUT itself.
    let o = convert_within(&d.join("fifo.docx"), &tmp.path().join("out2"), 30);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
}

#[test]
fn hostile_archive_members_stay_inside_out() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join("in");
    let names = [
        "../../x.docx",
        "/abs/y.docx",
        "..\\..\\w.docx",
        "a/../../../z.docx",
        "C:/win.docx",
    ];
    let members: Vec<(&str, Vec<u8>)> = names
        .iter()
        .map(|n| (*n, docx(&[&format!("member {n}")])))
        .collect();
    let mut refs: Vec<(&str, &[u8])> = members.iter().map(|(n, b)| (*n, b.as_slice())).collect();
    // Two members named `dup.docx` (written as dupA/dupB, then renamed in
    // their headers), with different contents.
    let (da, db) = (docx(&["dup one"]), docx(&["dup two"]));
    refs.push(("dupA.docx", &da));
    refs.push(("dupB.docx", &db));
    let mut pack = zip_bytes(&refs);
    let mut hits = 0;
    for i in 0..pack.len() - 9 {
        if &pack[i..i + 9] == b"dupB.docx" || &pack[i..i + 9] == b"dupA.docx" {
            pack[i..i + 9].copy_from_slice(b"dup_.docx");
            hits += 1;
        }
    }
    assert_eq!(hits, 4);
    write(&d.join("pack.zip"), &pack);
    let out = tmp.path().join("sub/out");
    let o = convert_within(&d, &out, 30);
    let reports = jsonl(&out.join("reports.jsonl"));
    // Both `dup_.docx` members are converted, under distinct output names
    // (or the archive's duplicate is refused with a typed error).
    let dups: Vec<&serde_json::Value> = reports
        .iter()
        .filter(|r| r["path"] == "in/pack.zip!/dup_.docx")
        .collect();
    let errors = jsonl(&out.join("errors.jsonl"));
    assert_eq!(dups.len() + errors.len(), 2, "{reports:?} {errors:?}");
    let code = if errors.is_empty() { 0 } else { 1 };
    assert_eq!(o.status.code(), Some(code), "{}", stderr(&o));
    if dups.len() == 2 {
        assert_ne!(dups[0]["json"], dups[1]["json"]);
    }
    assert_eq!(reports.len() - dups.len(), names.len());
    // Nothing was written outside OUT.
    let outside: Vec<String> = tree(tmp.path())
        .into_keys()
        .filter(|k| !k.starts_with("sub/out/") && !k.starts_with("in/"))
        .collect();
    assert_eq!(outside, ["sub/".to_string()]);
}

#[test]
fn explicit_files_and_archives_are_inputs_whatever_their_extension() {
    let tmp = tempfile::tempdir().unwrap();
    let report = tmp.path().join("report.bin");
    write(&report, &docx(&["named explicitly"]));
    let junk = tmp.path().join("junk.dat");
    write(&junk, b"hello");
    let z = tmp.path().join("only.zip");
    write(&z, &zip_bytes(&[("r.docx", &docx(&["in zip"]))]));
    let out = tmp.path().join("out");
    let o = convert(&[&report, &junk, &z], &out, &["--no-bom"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let paths: Vec<String> = jsonl(&out.join("reports.jsonl"))
        .iter()
        .map(|r| r["path"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(paths, vec!["only.zip!/r.docx", "report.bin"]);
    let errors = jsonl(&out.join("errors.jsonl"));
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0]["path"], "junk.dat");
    assert_eq!(errors[0]["kind"], "not_zip");
    assert!(std::fs::read(out.join("metrics.csv"))
        .unwrap()
        .starts_with(b"agency,"));
}

#[test]
fn run_that_cannot_proceed_exits_2() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let o = convert(&[&tmp.path().join("missing")], &out, &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).starts_with("reportdex: "), "{}", stderr(&o));
    assert!(!out.exists());

    let doc = tmp.path().join("a.docx");
    write(&doc, &docx(&["x"]));
    let file_out = tmp.path().join("file");
    write(&file_out, b"");
    assert_eq!(convert(&[&doc], &file_out, &[]).status.code(), Some(2));

    // Usage errors.
    let o = Command::new(BIN)
        .args(["convert"])
        .arg(&doc)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(convert(&[&doc], &out, &["-j", "0"]).status.code(), Some(2));
    // Everything fine: 0.
    assert_eq!(convert(&[&doc], &out, &[]).status.code(), Some(0));
}

#[test]
fn generated_samples_convert_cleanly_and_identically_with_1_or_2_jobs() {
    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
    let n = std::fs::read_dir(&samples)
        .unwrap()
        .filter(|e| {
            let name = e.as_ref().unwrap().file_name();
            let name = name.to_string_lossy();
            name.ends_with(".docx") || name.ends_with(".odt") || name.ends_with(".doc")
        })
        .count();
    // The .wps sample is a byte copy of a .doc twin: a duplicate, not a report.
    let wps = std::fs::read_dir(&samples)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "wps")
        })
        .count();
    assert!(n >= 20, "expected the generated samples, found {n}");
    let tmp = tempfile::tempdir().unwrap();
    // Also zip them, with GBK member names, and convert the archive beside them.
    let mut members: Vec<(String, Vec<u8>)> = Vec::new();
    for e in std::fs::read_dir(&samples).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "docx") {
            members.push((
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
            ));
        }
    }
    members.sort();
    let refs: Vec<(&str, &[u8])> = members
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    let zip = tmp.path().join("samples.zip");
    write(&zip, &zip_bytes(&refs));
    let (o1, o2) = (tmp.path().join("o1"), tmp.path().join("o2"));
    let r1 = convert(&[&samples, &zip], &o1, &["-j", "1"]);
    assert_eq!(r1.status.code(), Some(0), "{}", stderr(&r1));
    assert_eq!(
        convert(&[&samples, &zip], &o2, &["-j", "2"]).status.code(),
        Some(0)
    );
    assert_same_tree(&o1, &o2);
    // The zipped copies are duplicates of the files.
    let reports = jsonl(&o1.join("reports.jsonl"));
    assert_eq!(reports.len(), n);
    assert_eq!(
        jsonl(&o1.join("duplicates.jsonl")).len(),
        members.len() + wps
    );
    assert!(jsonl(&o1.join("errors.jsonl")).is_empty());
    // Every table cell of every sample is in tables.csv.
    let tables = std::fs::read_to_string(o1.join("tables.csv")).unwrap();
    let mut cells = 0;
    for r in &reports {
        let doc: serde_json::Value =
            serde_json::from_slice(&std::fs::read(o1.join(r["json"].as_str().unwrap())).unwrap())
                .unwrap();
        support::assert_valid_report(&doc, r["json"].as_str().unwrap());
        fn count(v: &serde_json::Value) -> usize {
            let mut n = 0;
            for c in v["content"].as_array().into_iter().flatten() {
                if c["type"] == "table" {
                    n += c["cells"].as_array().unwrap().len();
                }
            }
            for s in v["sections"].as_array().into_iter().flatten() {
                n += count(s);
            }
            n
        }
        for s in doc["sections"].as_array().unwrap() {
            cells += count(s);
        }
    }
    assert!(cells > 1000);
    let mut rdr = csv::Reader::from_reader(tables.trim_start_matches('\u{feff}').as_bytes());
    assert_eq!(rdr.records().count(), cells);
}

/// Set the "encrypted" flag (general purpose bit 0) on every member of a zip,
/// in both the local and the central headers.
fn flag_encrypted(mut zip: Vec<u8>) -> Vec<u8> {
    let mut i = 0;
    while i + 4 <= zip.len() {
        match &zip[i..i + 4] {
            b"PK\x03\x04" => zip[i + 6] |= 1,
            b"PK\x01\x02" => zip[i + 8] |= 1,
            _ => {}
        }
        i += 1;
    }
    zip
}

#[test]
fn encrypted_and_corrupt_archive_members_are_listed_with_their_member() {
    let tmp = tempfile::tempdir().unwrap();
    let locked = flag_encrypted(zip_bytes(&[("locked.docx", &docx(&["secret"]))]));
    let outer = zip_bytes(&[
        ("ok.docx", &docx(&["fine"])),
        ("locked.zip", &locked),
        ("dir/garbage.docx", b"PK\x03\x04 truncated"),
    ]);
    let z = tmp.path().join("z.zip");
    write(&z, &outer);
    let out = tmp.path().join("out");
    let o = convert(&[&z], &out, &[]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let errors: Vec<(String, String, String)> = jsonl(&out.join("errors.jsonl"))
        .iter()
        .map(|e| {
            (
                e["path"].as_str().unwrap().to_string(),
                e["member"].as_str().unwrap().to_string(),
                e["kind"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let s = |x: &str| x.to_string();
    assert_eq!(
        errors,
        vec![
            (s("z.zip"), s("dir/garbage.docx"), s("corrupt_zip")),
            (s("z.zip"), s("locked.zip!/locked.docx"), s("encrypted")),
        ]
    );
    assert_eq!(jsonl(&out.join("reports.jsonl")).len(), 1);
    assert!(stderr(&o).contains("reportdex: z.zip!/locked.zip!/locked.docx: "));
}
