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
