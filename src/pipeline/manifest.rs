//! `OUT/manifest.json`: the state that makes reruns incremental. One entry per
//! input (sorted by source path) with its content hash, the tool version that
//! produced its output, and what became of it. A rerun reuses an output when
//! the input hash, the tool version and the output name are unchanged and the
//! output file is still there; `--force` ignores the manifest.
//!
//! The manifest holds no timings and no absolute paths, so two runs over the
//! same inputs write identical manifests. It is written one entry per line
//! while the run finishes (`{"tool":"reportdex","entries":[` ... `]}`), so
//! memory does not grow with the number of inputs.

use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::Path;

/// File name of the manifest inside OUT.
pub const MANIFEST_FILE: &str = "manifest.json";

/// Version of the tool, recorded per output.
pub const TOOL_VERSION: &str = env!("CARGO_PKG_VERSION");

/// What became of an input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Converted; its JSON is at `json`.
    Converted,
    /// Byte-identical to an earlier input (`duplicate_of`); not converted again.
    Duplicate,
    /// Could not be converted; see `errors.jsonl`.
    Failed,
}

/// One input's record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// Source path relative to the input root.
    pub path: String,
    /// SHA-256 of the input bytes (absent when they could not be read).
    pub sha256: Option<String>,
    /// Outcome.
    pub status: Status,
    /// Output JSON path relative to OUT (converted inputs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub json: Option<String>,
    /// Source path of the first identical input (duplicates).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duplicate_of: Option<String>,
    /// Error kind (failed inputs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_kind: Option<String>,
    /// Output stages that failed for a converted input (`profile`,
    /// `dataset`, `index`): its JSON is there, these outputs are not. The next
    /// run converts it again instead of reusing it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub failed_stages: Vec<String>,
    /// Version of the tool that produced the output.
    pub tool_version: String,
    /// Version of the per-report JSON layout.
    pub schema_version: String,
}

impl Entry {
    /// A failed input's entry (callers adjust it for other outcomes).
    pub fn failed(path: String, sha256: Option<String>, kind: &str) -> Entry {
        Entry {
            path,
            sha256,
            status: Status::Failed,
            json: None,
            duplicate_of: None,
            error_kind: Some(kind.to_string()),
            failed_stages: Vec::new(),
            tool_version: TOOL_VERSION.to_string(),
            schema_version: crate::output::SCHEMA_VERSION.to_string(),
        }
    }
}

/// The whole manifest.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// Always `reportdex`.
    pub tool: String,
    /// Entries sorted by source path.
    pub entries: Vec<Entry>,
}

impl Manifest {
    /// Read the manifest of `out`; a missing or unreadable manifest is an empty
    /// one (everything is converted again), with a warning when unreadable.
    pub fn load(out: &Path) -> Manifest {
        let path = out.join(MANIFEST_FILE);
        match std::fs::read(&path) {
            Ok(bytes) => match serde_json::from_slice(&bytes) {
                Ok(m) => m,
                Err(e) => {
                    tracing::warn!(
                        "{}: unreadable manifest, converting everything again: {e}",
                        path.display()
                    );
                    Manifest::default()
                }
            },
            Err(_) => Manifest::default(),
        }
    }

    /// Converted entries by output JSON path.
    pub fn converted_by_json(&self) -> HashMap<&str, &Entry> {
        self.entries
            .iter()
            .filter(|e| e.status == Status::Converted)
            .filter_map(|e| e.json.as_deref().map(|j| (j, e)))
            .collect()
    }
}
