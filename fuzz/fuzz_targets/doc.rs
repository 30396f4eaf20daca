//! The legacy Word binary reader (`src/read/doc/`).
//!
//! * An input that is itself a compound file (starts with the OLE signature)
//!   is converted as a whole file (as a `.doc`, and as a `.wps`).
//! * Anything else is `[len: u32 LE][WordDocument: len bytes][table stream]`
//!   (len clamped to what is there), written into a real compound file with the
//!   `cfb` crate (the table stream as both `0Table` and `1Table`, so the FIB's
//!   choice always finds it), so the fuzzer mutates the Word structures
//!   themselves rather than the container. `fuzz/seed.sh` writes the .doc files
//!   of the samples and corpus in this form.
#![no_main]

#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use std::io::{Cursor, Write};

const OLE_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

fn compound(streams: &[(&str, &[u8])]) -> Vec<u8> {
    let mut c = cfb::CompoundFile::create(Cursor::new(Vec::new())).expect("cfb create");
    for (name, bytes) in streams {
        c.create_stream(format!("/{name}"))
            .expect("cfb stream")
            .write_all(bytes)
            .expect("cfb write");
    }
    c.flush().expect("cfb flush");
    c.into_inner().into_inner()
}

fuzz_target!(|data: &[u8]| {
    if data.starts_with(&OLE_MAGIC) {
        common::whole_path(data.to_vec(), "fuzz.doc");
        return;
    }
    let Some((len, rest)) = data.split_first_chunk::<4>() else {
        return;
    };
    let len = (u32::from_le_bytes(*len) as usize).min(rest.len());
    let (word, table) = rest.split_at(len);
    let bytes = compound(&[("WordDocument", word), ("0Table", table), ("1Table", table)]);
    common::whole_path(bytes, "fuzz.doc");
});
