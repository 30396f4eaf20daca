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
        .env_remove("REPORTDEX_TEST_PANIC_ON");
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
