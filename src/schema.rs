//! JSON Schemas of the output files, generated from the Rust types with
//! `schemars` (JSON Schema 2020-12). The checked-in copies under `schemas/` are
//! compared with these by a test, so types and schemas cannot drift apart;
//! `make schemas` rewrites them.

use crate::output::DocumentOutput;

/// Schema of the per-report JSON (`schemas/report.schema.json`).
pub fn report_schema() -> serde_json::Value {
    with_id(
        serde_json::to_value(schemars::schema_for!(DocumentOutput))
            .unwrap_or(serde_json::Value::Null),
        "report.schema.json",
    )
}

/// Schema of the cross-year index (`schemas/index.schema.json`).
pub fn index_schema() -> serde_json::Value {
    with_id(
        serde_json::to_value(schemars::schema_for!(crate::index::Index))
            .unwrap_or(serde_json::Value::Null),
        "index.schema.json",
    )
}

/// Schema of `reportdex compare --format json` (`schemas/compare.schema.json`).
pub fn compare_schema() -> serde_json::Value {
    with_id(
        serde_json::to_value(schemars::schema_for!(crate::compare::model::CompareJson))
            .unwrap_or(serde_json::Value::Null),
        "compare.schema.json",
    )
}

fn with_id(mut schema: serde_json::Value, name: &str) -> serde_json::Value {
    if let Some(obj) = schema.as_object_mut() {
        obj.insert(
            "$id".into(),
            format!("https://reportdex.invalid/schemas/{name}").into(),
        );
    }
    schema
}

/// Every schema with its file name under `schemas/`.
pub fn all() -> Vec<(&'static str, serde_json::Value)> {
    vec![
        ("report.schema.json", report_schema()),
        ("index.schema.json", index_schema()),
        ("compare.schema.json", compare_schema()),
    ]
}

/// Pretty JSON text of a schema, as stored in `schemas/` (trailing newline).
pub fn to_text(schema: &serde_json::Value) -> String {
    let mut s = serde_json::to_string_pretty(schema).unwrap_or_default();
    s.push('\n');
    s
}
