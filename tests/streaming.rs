//! The streaming mode and the mergeable index (issue 13): the real binary with
//! input paths on stdin (`--stdin-paths`, `-0`), report JSON lines on stdout
//! (`--jsonl -`) and error records on stderr, and `reportdex index` over the
//! shards of a sharded run compared byte for byte with a single run's index.
//! Inputs are the samples and part of the public corpus, read in place.

mod support;

use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_reportdex");

/// Run the binary in the repository root with `stdin` piped in.
fn run(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .current_dir(support::root())
        .env_remove("RUST_LOG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run reportdex");
    let mut pipe = child.stdin.take().unwrap();
    let input = stdin.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = pipe.write_all(&input);
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    out
}

fn code(o: &Output) -> i32 {
    o.status.code().expect("exit code")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The documents of samples/, relative to the repository root.
fn sample_paths() -> Vec<String> {
    let files = support::files_with_ext(&support::root().join("samples"), &["docx", "odt", "doc"]);
    let paths: Vec<String> = files
        .iter()
        .map(|p| {
            let rel = p.strip_prefix(support::root()).unwrap();
            rel.to_str().unwrap().to_string()
        })
        .collect();
    assert!(paths.len() >= 20, "{paths:?}");
    paths
}

/// Samples and 40 documents of the public corpus (python-docx, odfpy), as
/// relative paths from the repository root (`../shared/...`).
fn corpus_paths() -> Vec<String> {
    let mut paths = sample_paths();
    let corpus = support::corpus_dir();
    let mut extra: Vec<PathBuf> = Vec::new();
    for sub in ["python-docx", "odfpy"] {
        extra.extend(support::files_with_ext(&corpus.join(sub), &["docx", "odt"]));
    }
    assert!(
        extra.len() >= 40,
        "public corpus not found at {}",
        corpus.display()
    );
    extra.truncate(40);
    for p in extra {
        let rel = p.strip_prefix(support::root()).unwrap();
        paths.push(rel.to_str().unwrap().to_string());
    }
    paths
}

fn lines_of(paths: &[String], sep: u8) -> Vec<u8> {
    let mut out = Vec::new();
    for p in paths {
        out.extend_from_slice(p.as_bytes());
        out.push(sep);
    }
    out
}

/// The non-empty lines of `bytes`, each parsed as JSON.
fn json_lines(bytes: &[u8]) -> Vec<Value> {
    text(bytes)
        .lines()
        .filter(|l| !l.is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

/// Lines of stderr that are JSON records (the rest is the summary and logs).
fn error_records(stderr: &[u8]) -> Vec<Value> {
    text(stderr)
        .lines()
        .filter(|l| l.starts_with('{'))
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

#[test]
fn stdin_paths_by_line_or_nul_stream_the_json_an_out_dir_holds() {
    let paths = sample_paths();
    // Newlines, with an empty line and a CRLF line ending among them.
    let mut by_line = b"\n".to_vec();
    by_line.extend(lines_of(&paths[..1], b'\n'));
    by_line.extend(b"\r\n\n");
    by_line.extend(lines_of(&paths[1..], b'\n'));
    let a = run(
        &["convert", "--stdin-paths", "--jsonl", "-", "-j", "2"],
        &by_line,
    );
    assert_eq!(code(&a), 0, "{}", text(&a.stderr));
    let b = run(
        &["convert", "--stdin-paths", "-0", "--jsonl", "-", "-j", "2"],
        &lines_of(&paths, 0),
    );
    assert_eq!(code(&b), 0, "{}", text(&b.stderr));
    assert_eq!(a.stdout, b.stdout, "newline and NUL lists differ");
    assert!(error_records(&a.stderr).is_empty(), "{}", text(&a.stderr));

    // Each line is the compact JSON `convert -o OUT` writes for that document,
    // in the order of OUT/reports.jsonl.
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let o = run(
        &[
            "convert",
            "--stdin-paths",
            "-o",
            out.to_str().unwrap(),
            "-q",
        ],
        &lines_of(&paths, b'\n'),
    );
    assert_eq!(code(&o), 0, "{}", text(&o.stderr));
    let reports = std::fs::read_to_string(out.join("reports.jsonl")).unwrap();
    let streamed: Vec<&[u8]> = a.stdout.split_inclusive(|&c| c == b'\n').collect();
    let listed: Vec<Value> = json_lines(reports.as_bytes());
    assert_eq!(streamed.len(), listed.len());
    assert!(streamed.len() >= 20);
    for (line, r) in streamed.iter().zip(&listed) {
        let file = std::fs::read(out.join(r["json"].as_str().unwrap())).unwrap();
        assert_eq!(*line, &file[..], "{}", r["path"]);
        // Source paths are the paths as given.
        let doc: Value = serde_json::from_slice(line).unwrap();
        let path = doc["source"]["path"].as_str().unwrap();
        assert!(paths.iter().any(|p| p == path), "{path}");
    }

    // With -o OUT too: the same lines, from a fresh run and from a rerun that
    // reuses every output.
    let both = tmp.path().join("both");
    for _ in 0..2 {
        let o = run(
            &[
                "convert",
                "--stdin-paths",
                "-o",
                both.to_str().unwrap(),
                "--jsonl",
                "-",
                "-q",
            ],
            &lines_of(&paths, b'\n'),
        );
        assert_eq!(code(&o), 0, "{}", text(&o.stderr));
        assert_eq!(o.stdout, a.stdout);
    }
    assert_eq!(
        std::fs::read(both.join("reports.jsonl")).unwrap(),
        reports.as_bytes()
    );
}

#[test]
fn jsonl_stdout_has_the_documents_and_stderr_the_error_records() {
    let tmp = tempfile::tempdir().unwrap();
    let good = &sample_paths()[..3];
    let sample = std::fs::read(support::root().join(&good[0])).unwrap();
    let broken = tmp.path().join("broken.docx");
    // Cut inside the container's header: nothing to read or recover (half of
    // a .doc is now read from its streams, see tests/doc_reader.rs).
    std::fs::write(&broken, &sample[..300]).unwrap();
    let broken_abs = broken.to_str().unwrap().to_string();
    let mut list = good.to_vec();
    list.push(broken_abs.clone());
    let o = run(
        &["convert", "--stdin-paths", "--jsonl", "-"],
        &lines_of(&list, b'\n'),
    );
    assert_eq!(code(&o), 1, "{}", text(&o.stderr));
    let docs = json_lines(&o.stdout);
    let got: Vec<&str> = docs
        .iter()
        .map(|d| d["source"]["path"].as_str().unwrap())
        .collect();
    let mut want: Vec<&str> = good.iter().map(String::as_str).collect();
    want.sort();
    assert_eq!(got, want);
    for d in &docs {
        support::assert_valid_report(d, d["source"]["path"].as_str().unwrap());
    }
    let errors = error_records(&o.stderr);
    assert_eq!(errors.len(), 1, "{}", text(&o.stderr));
    // An absolute path given on stdin becomes a relative source path.
    assert_eq!(errors[0]["path"], broken_abs.trim_start_matches('/'));
    assert!(!errors[0]["kind"].as_str().unwrap().is_empty());
    assert!(errors[0]["stage"] == "convert" || errors[0]["stage"] == "input");
    // Nothing was written to disk besides the broken input.
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 1);

    // The same to a file: the file holds the lines, stdout nothing.
    let file = tmp.path().join("docs.jsonl");
    let f = run(
        &[
            "convert",
            "--stdin-paths",
            "--jsonl",
            file.to_str().unwrap(),
            "-q",
        ],
        &lines_of(&list, b'\n'),
    );
    assert_eq!(code(&f), 1);
    assert!(f.stdout.is_empty());
    assert_eq!(std::fs::read(&file).unwrap(), o.stdout);
    assert_eq!(error_records(&f.stderr), errors);
}

#[test]
fn empty_stdin_is_an_empty_run_and_flags_conflict_cleanly() {
    for stdin in [&b""[..], b"\n\n", b"\r\n"] {
        let o = run(&["convert", "--stdin-paths", "--jsonl", "-"], stdin);
        assert_eq!(code(&o), 0, "{}", text(&o.stderr));
        assert!(o.stdout.is_empty());
    }
    let missing = run(
        &["convert", "--stdin-paths", "--jsonl", "-"],
        b"no/such/file.docx\n",
    );
    assert_eq!(code(&missing), 2, "{}", text(&missing.stderr));
    for args in [
        &["convert", "--stdin-paths", "samples", "--jsonl", "-"][..],
        &["convert", "samples", "--jsonl", "-", "--force"],
        &["convert", "samples", "-0", "--jsonl", "-"],
        &["convert", "samples"],
        &["index", "samples", "samples"],
    ] {
        let o = run(args, b"");
        assert_eq!(code(&o), 2, "{args:?}: {}", text(&o.stderr));
        assert!(o.stdout.is_empty());
    }
}

#[cfg(unix)]
#[test]
fn path_bytes_that_are_not_utf8_are_read() {
    use std::os::unix::ffi::OsStrExt;
    let tmp = tempfile::tempdir().unwrap();
    let sample = std::fs::read(support::root().join(&sample_paths()[0])).unwrap();
    let name = std::ffi::OsStr::from_bytes(b"r\xff.docx");
    let path = tmp.path().join(name);
    if std::fs::write(&path, &sample).is_err() {
        eprintln!("file system refuses non-UTF-8 names: skipped");
        return;
    }
    let mut stdin = path.as_os_str().as_bytes().to_vec();
    stdin.push(0);
    let o = run(&["convert", "--stdin-paths", "-0", "--jsonl", "-"], &stdin);
    assert_eq!(code(&o), 0, "{}", text(&o.stderr));
    let docs = json_lines(&o.stdout);
    assert_eq!(docs.len(), 1);
    let source = docs[0]["source"]["path"].as_str().unwrap();
    assert!(source.ends_with("r\u{FFFD}.docx"), "{source}");
    assert!(!source.starts_with('/'), "{source}");
}

/// Convert `paths` (a shard) into a dataset directory or a JSON lines file.
fn convert_shard(paths: &[String], target: &Path, jsonl: bool) {
    let t = target.to_str().unwrap();
    let args = if jsonl {
        vec!["convert", "--stdin-paths", "--jsonl", t, "-q", "-j", "2"]
    } else {
        vec!["convert", "--stdin-paths", "-o", t, "-q", "-j", "2"]
    };
    let o = run(&args, &lines_of(paths, b'\n'));
    assert!(matches!(code(&o), 0 | 1), "{}", text(&o.stderr));
}

#[test]
fn the_index_of_three_shards_equals_the_single_run_index() {
    let paths = corpus_paths();
    let tmp = tempfile::tempdir().unwrap();
    let single = tmp.path().join("single");
    convert_shard(&paths, &single, false);
    let index = std::fs::read(single.join("index.json")).unwrap();

    // Three shards; the first document is also in the second shard.
    let mut shards: [Vec<String>; 3] = Default::default();
    for (i, p) in paths.iter().enumerate() {
        shards[i % 3].push(p.clone());
    }
    shards[1].push(paths[0].clone());
    let (a, b, c) = (
        tmp.path().join("a"),
        tmp.path().join("b"),
        tmp.path().join("c.jsonl"),
    );
    convert_shard(&shards[0], &a, false);
    convert_shard(&shards[1], &b, false);
    convert_shard(&shards[2], &c, true);

    let merged = tmp.path().join("merged");
    for (n, order) in [[&a, &b, &c], [&c, &b, &a]].iter().enumerate() {
        let out = merged.join(n.to_string());
        let mut args = vec!["index".to_string()];
        args.extend(order.iter().map(|p| p.to_str().unwrap().to_string()));
        args.extend(["-o".into(), out.to_str().unwrap().into(), "-q".into()]);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let o = run(&args, b"");
        assert_eq!(code(&o), 0, "{}", text(&o.stderr));
        let got = std::fs::read(out.join("index.json")).unwrap();
        assert!(
            got == index,
            "shards {order:?}: the merged index differs from the single run's"
        );
        // Only the index is left in OUT.
        assert_eq!(std::fs::read_dir(&out).unwrap().count(), 1);
    }

    // The comparison covers what the merge has to get right.
    let v: Value = serde_json::from_slice(&index).unwrap();
    let reports = std::fs::read_to_string(single.join("reports.jsonl")).unwrap();
    assert_eq!(v["reports_read"], reports.lines().count());
    assert!(v["agencies"].as_array().unwrap().len() >= 3);
    let similar = v["agencies"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|a| a["text_similarity"].as_array().unwrap())
        .filter(|t| !t["sections"].as_array().unwrap().is_empty())
        .count();
    assert!(similar >= 3, "text similarity computed for {similar} years");
    assert!(v["unassigned"].as_array().unwrap().len() >= 10);
}
