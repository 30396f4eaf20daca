//! The Parquet datasets of `reportdex convert` (issue 13): the samples are
//! converted (read in place) and every Parquet file is read back and compared
//! row by row with `metrics.csv`, `tables.csv` and `reports.jsonl`; the
//! schemas are the documented ones (docs/cli.md); `--dataset` chooses the
//! formats; a rerun and another `-j` give the same bytes; pyarrow runs a real
//! query over the files.

mod support;

use parquet::basic::{LogicalType, Repetition, Type as PhysicalType};
use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::record::Field;
use reportdex::pipeline::parquet::{
    ColumnSpec, Kind, METRICS_COLUMNS, REPORTS_COLUMNS, TABLES_COLUMNS,
};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
use std::sync::OnceLock;

const BIN: &str = env!("CARGO_BIN_EXE_reportdex");

fn convert(out: &Path, extra: &[&str]) {
    let o = Command::new(BIN)
        .arg("convert")
        .arg(support::root().join("samples"))
        .arg("-o")
        .arg(out)
        .args(["-q", "--no-index"])
        .args(extra)
        .env_remove("RUST_LOG")
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "convert failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// The samples converted once with both formats (`-j 2`), shared by the tests.
fn converted() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        let d = tempfile::tempdir().unwrap();
        convert(&d.path().join("out"), &["-j", "2"]);
        d
    })
    .path()
    .join("out")
    .leak()
}

/// Every row of a Parquet file, as (column name, field) lists.
fn parquet_rows(path: &Path) -> Vec<Vec<(String, Field)>> {
    let reader = SerializedFileReader::new(std::fs::File::open(path).unwrap()).unwrap();
    reader
        .get_row_iter(None)
        .unwrap()
        .map(|r| {
            r.unwrap()
                .get_column_iter()
                .map(|(n, f)| (n.clone(), f.clone()))
                .collect()
        })
        .collect()
}

/// A row's field by column name.
fn field<'a>(row: &'a [(String, Field)], name: &str) -> &'a Field {
    &row.iter()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("no column {name}"))
        .1
}

fn text(row: &[(String, Field)], name: &str) -> Option<String> {
    match field(row, name) {
        Field::Str(s) => Some(s.clone()),
        Field::Null => None,
        other => panic!("{name}: not a string: {other:?}"),
    }
}

fn long(row: &[(String, Field)], name: &str) -> Option<i64> {
    match field(row, name) {
        Field::Long(n) => Some(*n),
        Field::Int(n) => Some(i64::from(*n)),
        Field::Null => None,
        other => panic!("{name}: not an integer: {other:?}"),
    }
}

fn double(row: &[(String, Field)], name: &str) -> Option<f64> {
    match field(row, name) {
        Field::Double(n) => Some(*n),
        Field::Null => None,
        other => panic!("{name}: not a double: {other:?}"),
    }
}

fn boolean(row: &[(String, Field)], name: &str) -> Option<bool> {
    match field(row, name) {
        Field::Bool(b) => Some(*b),
        Field::Null => None,
        other => panic!("{name}: not a boolean: {other:?}"),
    }
}

/// A `YYYY-MM-DD` date column, as text.
fn date(row: &[(String, Field)], name: &str) -> Option<String> {
    match field(row, name) {
        Field::Date(d) => Some(format!("{}", Field::Date(*d)).trim().to_string()),
        Field::Null => None,
        other => panic!("{name}: not a date: {other:?}"),
    }
}

/// The records of a CSV dataset file (BOM and header skipped).
fn csv_records(path: &Path) -> Vec<csv::StringRecord> {
    let mut r = csv::Reader::from_path(path).unwrap();
    r.records().map(|r| r.unwrap()).collect()
}

/// The lines of reports.jsonl.
fn report_lines(dir: &Path) -> Vec<Value> {
    std::fs::read_to_string(dir.join("reports.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn schemas_are_the_documented_typed_columns() {
    let docs = std::fs::read_to_string(support::root().join("docs/cli.md")).unwrap();
    for (file, spec) in [
        ("reports.parquet", &REPORTS_COLUMNS[..]),
        ("metrics.parquet", &METRICS_COLUMNS[..]),
        ("tables.parquet", &TABLES_COLUMNS[..]),
    ] {
        let reader =
            SerializedFileReader::new(std::fs::File::open(converted().join(file)).unwrap())
                .unwrap();
        let meta = reader.metadata();
        let fields = meta.file_metadata().schema().get_fields();
        assert_eq!(fields.len(), spec.len(), "{file}");
        for (f, c) in fields.iter().zip(spec) {
            assert_eq!(f.name(), c.name, "{file}");
            let info = f.get_basic_info();
            assert_eq!(
                info.repetition(),
                if c.nullable {
                    Repetition::OPTIONAL
                } else {
                    Repetition::REQUIRED
                },
                "{file}.{}",
                c.name
            );
            let (physical, logical) = match c.kind {
                Kind::Str => (PhysicalType::BYTE_ARRAY, Some(LogicalType::String)),
                Kind::I32 => (PhysicalType::INT32, None),
                Kind::I64 => (PhysicalType::INT64, None),
                Kind::F64 => (PhysicalType::DOUBLE, None),
                Kind::Bool => (PhysicalType::BOOLEAN, None),
                Kind::Date => (PhysicalType::INT32, Some(LogicalType::Date)),
            };
            assert_eq!(f.get_physical_type(), physical, "{file}.{}", c.name);
            assert_eq!(
                info.logical_type_ref(),
                logical.as_ref(),
                "{file}.{}",
                c.name
            );
            // Strings are dictionary-encoded, everything Snappy-compressed.
            for rg in meta.row_groups() {
                let chunk = rg
                    .columns()
                    .iter()
                    .find(|x| x.column_path().string() == c.name)
                    .unwrap();
                assert_eq!(chunk.compression(), parquet::basic::Compression::SNAPPY);
                if c.kind == Kind::Str {
                    assert!(
                        chunk.dictionary_page_offset().is_some(),
                        "{file}.{}",
                        c.name
                    );
                }
            }
        }
        // docs/cli.md has a table row per column: `| name | type | nullable | ... |`.
        for c in spec {
            let row = documented(&docs, file, c);
            assert!(
                row.is_some(),
                "docs/cli.md does not document {file} column {} as {}",
                c.name,
                type_name(c)
            );
        }
    }
}

/// The documented type of a column as docs/cli.md writes it.
fn type_name(c: &ColumnSpec) -> &'static str {
    match c.kind {
        Kind::Str => "string",
        Kind::I32 => "int32",
        Kind::I64 => "int64",
        Kind::F64 => "double",
        Kind::Bool => "boolean",
        Kind::Date => "date",
    }
}

/// The line of the `file` table in docs/cli.md documenting column `c`.
fn documented<'a>(docs: &'a str, file: &str, c: &ColumnSpec) -> Option<&'a str> {
    let start = docs.find(&format!("#### `{file}`"))?;
    let section = &docs[start..];
    let end = section[1..].find("#### ").map_or(section.len(), |e| e + 1);
    let nullable = if c.nullable { "yes" } else { "no" };
    section[..end].lines().find(|l| {
        let cells: Vec<&str> = l.split('|').map(str::trim).collect();
        cells.len() > 4
            && cells[1] == format!("`{}`", c.name)
            && cells[2] == type_name(c)
            && cells[3] == nullable
    })
}

#[test]
fn tables_parquet_equals_tables_csv() {
    let dir = converted();
    let csv = csv_records(&dir.join("tables.csv"));
    let pq = parquet_rows(&dir.join("tables.parquet"));
    assert!(csv.len() > 1000, "{}", csv.len());
    assert_eq!(pq.len(), csv.len());
    for (i, (c, p)) in csv.iter().zip(&pq).enumerate() {
        let ours: Vec<String> = TABLES_COLUMNS
            .iter()
            .map(|col| match col.kind {
                Kind::Str => text(p, col.name).unwrap(),
                _ => long(p, col.name).unwrap().to_string(),
            })
            .collect();
        let theirs: Vec<String> = c.iter().map(str::to_string).collect();
        assert_eq!(ours, theirs, "tables row {i}");
    }
}

#[test]
fn metrics_parquet_equals_metrics_csv_and_the_json() {
    let dir = converted();
    let csv = csv_records(&dir.join("metrics.csv"));
    let pq = parquet_rows(&dir.join("metrics.parquet"));
    let reports: BTreeMap<String, Vec<(String, Field)>> =
        parquet_rows(&dir.join("reports.parquet"))
            .into_iter()
            .map(|r| (text(&r, "source").unwrap(), r))
            .collect();
    let lines: BTreeMap<String, Value> = report_lines(dir)
        .into_iter()
        .map(|l| (l["path"].as_str().unwrap().to_string(), l))
        .collect();
    let units: BTreeMap<String, String> = csv_records(&support::root().join("catalog/metrics.csv"))
        .iter()
        .map(|r| (r[0].to_string(), r[4].to_string()))
        .collect();
    assert!(csv.len() > 1000, "{}", csv.len());
    assert_eq!(pq.len(), csv.len());
    let (mut with_cell, mut nulls) = (0, 0);
    for (i, (c, p)) in csv.iter().zip(&pq).enumerate() {
        // agency,year,template,key,label,value,raw,source
        let source = text(p, "source").unwrap();
        assert_eq!(source, &c[7], "row {i}");
        let report = &reports[&source];
        assert_eq!(text(report, "agency").unwrap_or_default(), &c[0], "row {i}");
        assert_eq!(
            long(report, "year")
                .map(|y| y.to_string())
                .unwrap_or_default(),
            &c[1]
        );
        assert_eq!(text(report, "template").unwrap_or_default(), &c[2]);
        let key = text(p, "key").unwrap();
        assert_eq!(key, &c[3], "row {i}");
        assert_eq!(text(p, "label").unwrap(), &c[4], "row {i}");
        match double(p, "value") {
            Some(v) => assert_eq!(Some(v), c[5].parse::<f64>().ok(), "row {i}"),
            None => {
                assert_eq!(&c[5], "", "row {i}");
                nulls += 1;
            }
        }
        assert_eq!(text(p, "raw").unwrap_or_default(), &c[6], "row {i}");
        assert_eq!(
            text(p, "unit"),
            units.get(&key).filter(|u| !u.is_empty()).cloned(),
            "row {i}"
        );
        // The cell it was read from, as in the document's report.
        let cell = &lines[&source]["report"]["metric_sources"][&key];
        assert_eq!(
            text(p, "table"),
            cell["table"].as_u64().map(|t| t.to_string()),
            "row {i}"
        );
        assert_eq!(long(p, "row"), cell["row"].as_i64(), "row {i}");
        assert_eq!(long(p, "col"), cell["col"].as_i64(), "row {i}");
        with_cell += usize::from(cell["table"].is_u64());
    }
    println!(
        "{} metric rows: {with_cell} with a cell, {nulls} null values",
        pq.len()
    );
    assert!(
        with_cell > csv.len() / 2 && nulls > 0,
        "{with_cell} {nulls}"
    );
}

#[test]
fn reports_parquet_equals_reports_jsonl() {
    let dir = converted();
    let lines = report_lines(dir);
    let pq = parquet_rows(&dir.join("reports.parquet"));
    assert!(lines.len() >= 30, "{}", lines.len());
    assert_eq!(pq.len(), lines.len());
    let str_of = |v: &Value| v.as_str().map(str::to_string);
    for (l, p) in lines.iter().zip(&pq) {
        let what = l["path"].as_str().unwrap();
        assert_eq!(text(p, "source"), str_of(&l["path"]), "{what}");
        assert_eq!(text(p, "json"), str_of(&l["json"]), "{what}");
        assert_eq!(text(p, "sha256"), str_of(&l["sha256"]), "{what}");
        assert_eq!(text(p, "format"), str_of(&l["format"]), "{what}");
        assert_eq!(text(p, "title"), str_of(&l["title"]), "{what}");
        assert_eq!(boolean(p, "partial"), Some(l["partial"] == true), "{what}");
        let r = &l["report"];
        assert_eq!(boolean(p, "is_report"), Some(!r.is_null()), "{what}");
        let agency = str_of(&r["agency_normalized"]).or_else(|| str_of(&r["agency"]));
        assert_eq!(text(p, "agency"), agency, "{what}");
        assert_eq!(text(p, "agency_raw"), str_of(&r["agency"]), "{what}");
        assert_eq!(long(p, "year"), r["year"].as_i64(), "{what}");
        assert_eq!(text(p, "template"), str_of(&r["template"]), "{what}");
        assert_eq!(
            boolean(p, "template_inferred"),
            r["template_inferred"].as_bool()
        );
        assert_eq!(
            date(p, "period_start"),
            str_of(&r["period"]["start"]),
            "{what}"
        );
        assert_eq!(date(p, "period_end"), str_of(&r["period"]["end"]), "{what}");
        assert_eq!(
            boolean(p, "period_full_year"),
            r["period"]["full_year"].as_bool()
        );
        assert_eq!(boolean(p, "fee_collected"), r["fee"]["collected"].as_bool());
        assert_eq!(
            double(p, "fee_amount_yuan"),
            r["fee"]["amount_yuan"].as_f64()
        );
        assert_eq!(long(p, "fee_cases"), r["fee"]["cases"].as_i64());
        for name in ["index_no", "publisher", "date", "doc_no"] {
            assert_eq!(
                text(p, &format!("publication_{name}")),
                str_of(&r["publication"][name]["value"]),
                "{what}"
            );
        }
        let count = |status: &str| {
            r["checks"]
                .as_array()
                .map(|c| c.iter().filter(|c| c["status"] == status).count() as i64)
        };
        assert_eq!(long(p, "checks_failed"), count("fail"), "{what}");
        assert_eq!(
            long(p, "checks_not_checkable"),
            count("not_checkable"),
            "{what}"
        );
    }
}

#[test]
fn dataset_option_reruns_and_jobs() {
    let both = converted();
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    // Another -j, CSV and Parquet: the same bytes.
    convert(&out, &["-j", "1"]);
    let files = [
        "reports.jsonl",
        "metrics.csv",
        "tables.csv",
        "reports.parquet",
        "metrics.parquet",
        "tables.parquet",
    ];
    let read = |d: &Path, f: &str| std::fs::read(d.join(f)).ok();
    for f in files {
        assert!(read(&out, f).is_some(), "{f}");
        assert_eq!(
            read(&out, f),
            read(both, f),
            "{f} differs between -j 1 and -j 2"
        );
    }
    // A rerun reuses every document (read back from its JSON) and writes
    // the same datasets.
    convert(&out, &["-j", "2"]);
    for f in files {
        assert_eq!(read(&out, f), read(both, f), "{f} differs after a rerun");
    }
    // --dataset csv: no Parquet file (the earlier ones removed), the same CSV.
    convert(&out, &["--dataset", "csv"]);
    for f in &files[..3] {
        assert_eq!(read(&out, f), read(both, f), "{f}");
    }
    for f in &files[3..] {
        assert!(!out.join(f).exists(), "{f} left with --dataset csv");
    }
    // --dataset parquet: no CSV file, the same Parquet files.
    convert(&out, &["--dataset", "parquet"]);
    for f in &files[1..3] {
        assert!(!out.join(f).exists(), "{f} left with --dataset parquet");
    }
    for f in [files[0], files[3], files[4], files[5]] {
        assert_eq!(read(&out, f), read(both, f), "{f}");
    }
    // An unknown format is refused.
    let o = Command::new(BIN)
        .args(["convert", "--dataset", "xlsx", "-o"])
        .arg(tmp.path().join("x"))
        .arg(support::root().join("samples"))
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("xlsx"));
}

/// The pyarrow query: per agency, the sum of the natural persons' new
/// requests (metrics.parquet joined with reports.parquet on source), as
/// `agency<TAB>sum` lines sorted by agency.
const PYARROW_QUERY: &str = r#"
import sys
import pyarrow.parquet as pq
import pyarrow.compute as pc
d = sys.argv[1]
metrics = pq.read_table(d + "/metrics.parquet", columns=["source", "key", "value"])
reports = pq.read_table(d + "/reports.parquet", columns=["source", "agency"])
m = metrics.filter(pc.equal(metrics["key"], "s3.new_received.natural_person"))
j = m.join(reports, "source")
g = j.group_by("agency").aggregate([("value", "sum", pc.ScalarAggregateOptions(min_count=0))]).sort_by("agency")
for a, s in zip(g["agency"].to_pylist(), g["value_sum"].to_pylist()):
    print(f"{a}\t{s!r}")
"#;

#[test]
fn pyarrow_query_over_the_parquet_files() {
    // `make test` points REPORTDEX_PYTHON at the venv of tools/install-deps.sh.
    let python = std::env::var_os("REPORTDEX_PYTHON").unwrap_or_else(|| "python3".into());
    let have = Command::new(&python)
        .args(["-c", "import pyarrow"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !have {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "pyarrow is missing under CI (.ci/run installs it)"
        );
        println!("pyarrow missing: query over the Parquet files skipped (make deps, or pip install pyarrow)");
        return;
    }
    let dir = converted();
    let o = Command::new(&python)
        .args(["-c", PYARROW_QUERY])
        .arg(dir)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let theirs = String::from_utf8(o.stdout).unwrap();
    // The same answer from metrics.csv.
    let mut sums: BTreeMap<String, f64> = BTreeMap::new();
    for r in csv_records(&dir.join("metrics.csv")) {
        if &r[3] == "s3.new_received.natural_person" {
            *sums.entry(r[0].to_string()).or_default() += r[5].parse::<f64>().unwrap_or(0.0);
        }
    }
    assert!(sums.len() >= 3, "{sums:?}");
    let ours: String = sums.iter().map(|(a, s)| format!("{a}\t{s:?}\n")).collect();
    assert_eq!(theirs, ours);
}
