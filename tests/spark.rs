//! The Spark example (`examples/spark/reportdex_job.py`, issue 13) run for
//! real in Spark local mode (`local[2]`) on `samples/`, checked against a
//! plain `reportdex convert samples -o OUT` of the same binary: the same
//! report JSON for every source path, the same error records, the same
//! `index.json`, and Parquet tables with one row per report and per metric.
//!
//! Needs Java 17+ and the Python packages pyspark and pyarrow:
//! `tools/install-deps.sh` installs them (into `.venv-test/`), and `make test`
//! runs it first. The Python used is `$REPORTDEX_PYTHON`, else
//! `.venv-test/bin/python` when present, else `python3`. Without pyspark or
//! Java the test is skipped with a message, except under `CI=true`, where it
//! fails.

mod support;

use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Instant;

fn python() -> PathBuf {
    if let Some(p) = std::env::var_os("REPORTDEX_PYTHON") {
        return PathBuf::from(p);
    }
    let venv = support::root().join(".venv-test/bin/python");
    if venv.exists() {
        return venv;
    }
    PathBuf::from("python3")
}

/// Why the job cannot run here (no pyspark/pyarrow, no Java), if so.
fn missing_dependency(py: &Path) -> Option<String> {
    let probe = Command::new(py)
        .args(["-c", "import pyspark, pyarrow"])
        .output();
    match probe {
        Ok(o) if o.status.success() => {}
        Ok(o) => {
            return Some(format!(
                "{} cannot import pyspark and pyarrow: {}",
                py.display(),
                String::from_utf8_lossy(&o.stderr).trim()
            ))
        }
        Err(e) => return Some(format!("cannot run {}: {e}", py.display())),
    }
    match Command::new("java").arg("-version").output() {
        Ok(o) if o.status.success() => None,
        _ => Some("no working `java` on PATH".to_string()),
    }
}

fn show(o: &Output) -> String {
    format!(
        "status {}\n--- stdout\n{}\n--- stderr\n{}",
        o.status,
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn read_json(p: &Path) -> Value {
    let text = std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// Every JSON line of the `*.jsonl` files in `dir`.
fn jsonl_lines_in(dir: &Path) -> Vec<Value> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
        .collect();
    files.sort();
    assert!(
        !files.is_empty(),
        "no .jsonl part files in {}",
        dir.display()
    );
    files.iter().flat_map(|f| jsonl_lines(f)).collect()
}

fn jsonl_lines(p: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{}: {e}: {l}", p.display())))
        .collect()
}

fn str_field<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key]
        .as_str()
        .unwrap_or_else(|| panic!("no string {key:?} in {v}"))
}

#[test]
fn spark_local_job_equals_plain_convert() {
    let py = python();
    if let Some(why) = missing_dependency(&py) {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("{why}: tools/install-deps.sh installs what the Spark test needs");
        }
        eprintln!(
            "SKIPPED spark_local_job_equals_plain_convert: {why} (run tools/install-deps.sh)"
        );
        return;
    }
    let root = support::root();
    let bin = env!("CARGO_BIN_EXE_reportdex");
    let tmp = tempfile::tempdir().unwrap();
    let plain = tmp.path().join("plain");
    let spark = tmp.path().join("spark");

    // The reference: one plain run in the repository, so source paths read samples/...
    let o = Command::new(bin)
        .current_dir(root)
        .args(["convert", "-q", "samples", "-o"])
        .arg(&plain)
        .output()
        .unwrap();
    let plain_code = o.status.code();
    assert!(
        matches!(plain_code, Some(0 | 1)),
        "plain convert: {}",
        show(&o)
    );

    // The job: three partitions, so three reportdex processes whose shards the
    // index step merges (the .doc/.wps byte twins may land in different ones).
    let started = Instant::now();
    let o = Command::new(&py)
        .current_dir(root)
        .env("PYSPARK_PYTHON", &py)
        .env("PYSPARK_DRIVER_PYTHON", &py)
        .env("SPARK_LOCAL_IP", "127.0.0.1")
        // No web UI: a second or two less to start, and no port taken.
        .env(
            "PYSPARK_SUBMIT_ARGS",
            "--conf spark.ui.enabled=false pyspark-shell",
        )
        .arg("examples/spark/reportdex_job.py")
        .args(["--master", "local[2]", "--partitions", "3", "--binary", bin])
        .arg(&spark)
        .arg("samples")
        .output()
        .unwrap();
    eprintln!("spark job: {:.1} s", started.elapsed().as_secs_f64());
    for line in String::from_utf8_lossy(&o.stderr).lines() {
        if line.starts_with("reportdex_job:") {
            eprintln!("{line}");
        }
    }
    assert_eq!(o.status.code(), plain_code, "spark job: {}", show(&o));

    // Reports: the same JSON for every source path. The plain run writes a
    // byte-identical duplicate once (duplicates.jsonl); a reportdex process
    // does the same within its partition, but twins in different partitions
    // are both in the JSONL (the index step recognizes them by sha256).
    let mut from_spark: BTreeMap<String, Value> = BTreeMap::new();
    for doc in jsonl_lines_in(&spark.join("jsonl")) {
        let path = str_field(&doc["source"], "path").to_string();
        assert!(
            from_spark.insert(path.clone(), doc).is_none(),
            "{path} twice in the Spark output"
        );
    }
    let duplicates: BTreeMap<String, String> = jsonl_lines(&plain.join("duplicates.jsonl"))
        .iter()
        .map(|d| {
            (
                str_field(d, "path").to_string(),
                str_field(d, "duplicate_of").to_string(),
            )
        })
        .collect();
    let listed = jsonl_lines(&plain.join("reports.jsonl"));
    assert!(
        listed.len() > 20,
        "only {} reports in samples",
        listed.len()
    );
    for r in &listed {
        let path = str_field(r, "path");
        let want = read_json(&plain.join(str_field(r, "json")));
        let got = from_spark
            .get(path)
            .unwrap_or_else(|| panic!("{path}: converted by plain convert, not by Spark"));
        assert!(*got == want, "{path}: Spark's report JSON differs");
    }
    for (path, doc) in &from_spark {
        if listed.iter().any(|r| str_field(r, "path") == path) {
            continue;
        }
        let of = duplicates
            .get(path)
            .unwrap_or_else(|| panic!("{path}: converted by Spark, not by plain convert"));
        assert_eq!(
            doc["source"]["sha256"], from_spark[of]["source"]["sha256"],
            "{path} is a duplicate of {of}"
        );
    }
    let spark_paths: Vec<&str> = from_spark.keys().map(String::as_str).collect();

    // Errors: the same records (none expected from samples/ today, but the
    // comparison holds either way).
    let sorted = |mut v: Vec<Value>| {
        v.sort_by_key(|e| e.to_string());
        v
    };
    let errors_plain = sorted(jsonl_lines(&plain.join("errors.jsonl")));
    let errors_spark = sorted(jsonl_lines_in(&spark.join("errors")));
    assert_eq!(errors_spark, errors_plain, "error records: Spark vs plain");

    // The index merged from the shards equals the single run's.
    let index_spark = read_json(&spark.join("index.json"));
    let index_plain = read_json(&plain.join("index.json"));
    assert!(
        index_spark == index_plain,
        "index.json differs:\nSpark: {}\nplain: {}",
        &index_spark.to_string()[..2000.min(index_spark.to_string().len())],
        &index_plain.to_string()[..2000.min(index_plain.to_string().len())]
    );

    // Parquet written by Spark: one row per report (sources as above) and one
    // per metric, read back with pyarrow.
    let o = Command::new(&py)
        .arg("-c")
        .arg(
            "import json, sys, pyarrow.parquet as pq\n\
             r = pq.read_table(sys.argv[1])\n\
             m = pq.read_table(sys.argv[2])\n\
             print(json.dumps({'sources': sorted(r.column('source').to_pylist()),\n\
               'metrics': m.num_rows,\n\
               'n_metrics': sum(r.column('n_metrics').to_pylist()),\n\
               'keys': len(set(m.column('key').to_pylist()))}))",
        )
        .arg(spark.join("parquet/reports"))
        .arg(spark.join("parquet/metrics"))
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "reading the Parquet output: {}",
        show(&o)
    );
    let pq: Value = serde_json::from_slice(&o.stdout).unwrap();
    let pq_sources: Vec<&str> = pq["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    assert_eq!(pq_sources, spark_paths, "reports.parquet sources");
    let metrics_in_json: usize = from_spark
        .values()
        .map(|d| d["report"]["metrics"].as_object().map_or(0, |m| m.len()))
        .sum();
    assert!(
        metrics_in_json > 1000,
        "{metrics_in_json} metrics in samples"
    );
    assert_eq!(pq["metrics"], metrics_in_json, "metrics.parquet rows");
    assert_eq!(
        pq["n_metrics"], metrics_in_json,
        "reports.parquet n_metrics"
    );
}
