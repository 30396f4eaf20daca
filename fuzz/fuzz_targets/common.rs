//! Helpers shared by the fuzz targets (included with `#[path]`, as each target
//! is its own binary).
#![allow(dead_code)]

use reportdex::container::Limits;
use reportdex::convert::{convert_bytes, ConvertOptions};
use std::io::{Cursor, Write};

/// The limits the targets run with: the defaults, except a smaller nesting
/// depth, so that the fuzzer reaches the depth limit with short inputs.
pub fn limits() -> Limits {
    Limits {
        max_depth: 64,
        ..Limits::default()
    }
}

/// One document the whole way, as the batch pipeline takes it: converted,
/// turned into dataset rows, serialized. Errors are fine (a typed refusal);
/// panics, hangs and memory blow-ups are findings.
pub fn whole_path(bytes: Vec<u8>, name: &str) {
    let opts = ConvertOptions { limits: limits() };
    let Ok(doc) = convert_bytes(bytes, name, &opts) else {
        return;
    };
    // Both dataset formats: the CSV rows and the Parquet column batches.
    let _ = reportdex::pipeline::dataset::rows_as(
        &doc,
        "out/doc.json",
        reportdex::pipeline::dataset::Formats::default(),
    );
    let json = serde_json::to_vec(&doc).expect("a converted document serializes");
    // To look at what an input converts to: run the target binary on it with
    // FUZZ_DUMP_JSON=file.
    if let Some(path) = std::env::var_os("FUZZ_DUMP_JSON") {
        std::fs::write(path, &json).expect("FUZZ_DUMP_JSON written");
    }
    // What we write, we must read back.
    let _: serde_json::Value = serde_json::from_slice(&json).expect("our JSON parses");
}

/// Split at NUL bytes (XML never contains NUL): the first piece and up to
/// `n - 1` more.
pub fn split_nul(data: &[u8], n: usize) -> Vec<&[u8]> {
    data.splitn(n, |&b| b == 0).collect()
}

/// A zip archive of `members` (name, bytes), stored uncompressed, except the
/// names listed in `deflate`.
pub fn zip(members: &[(&str, &[u8])], deflate: &[&str]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, bytes) in members {
        let method = if deflate.contains(name) {
            zip::CompressionMethod::Deflated
        } else {
            zip::CompressionMethod::Stored
        };
        let opts = zip::write::SimpleFileOptions::default().compression_method(method);
        w.start_file(*name, opts).expect("zip member");
        w.write_all(bytes).expect("zip write");
    }
    w.finish().expect("zip finish").into_inner()
}
