//! Any bytes as a whole file, the whole path of one document:
//! `convert_bytes`, dataset rows, JSON.
#![no_main]

#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    common::whole_path(data.to_vec(), "fuzz.docx");
});
