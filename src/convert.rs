//! One document from bytes to its JSON model: open the package, read it with the
//! format's reader, build the section tree.

use crate::container::{Limits, Package};
use crate::error::{FileError, ReadError};
use crate::output::{DocumentOutput, Source, SCHEMA_VERSION};
use sha2::{Digest, Sha256};
use std::path::Path;

/// Options for converting one document.
#[derive(Debug, Clone, Copy, Default)]
pub struct ConvertOptions {
    /// Size and nesting limits.
    pub limits: Limits,
}

/// Lower-case hex of a digest.
pub fn to_hex(digest: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(digest.len() * 2);
    for b in digest {
        s.push(char::from(HEX[usize::from(b >> 4)]));
        s.push(char::from(HEX[usize::from(b & 15)]));
    }
    s
}

/// Lower-case hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    to_hex(&Sha256::digest(bytes))
}

/// Convert a document held in memory. `rel_path` is recorded as `source.path`.
pub fn convert_bytes(
    bytes: Vec<u8>,
    rel_path: &str,
    opts: &ConvertOptions,
) -> Result<DocumentOutput, ReadError> {
    let sha256 = sha256_hex(&bytes);
    convert_hashed(bytes, rel_path, sha256, opts)
}

/// [`convert_bytes`] for a caller that has already hashed `bytes` (the batch
/// pipeline hashes every input first to find duplicates): `sha256` must be the
/// lower-case hex SHA-256 of `bytes`.
pub fn convert_hashed(
    bytes: Vec<u8>,
    rel_path: &str,
    sha256: String,
    opts: &ConvertOptions,
) -> Result<DocumentOutput, ReadError> {
    let mut out = convert_unprofiled(bytes, rel_path, sha256, opts)?;
    out.report = crate::profile::analyze(out.profile_view());
    Ok(out)
}

/// [`convert_hashed`] without the annual-report profile (`report` is `None`):
/// the batch pipeline runs the profile as a stage of its own, whose failure
/// does not lose the document.
pub fn convert_unprofiled(
    bytes: Vec<u8>,
    rel_path: &str,
    sha256: String,
    opts: &ConvertOptions,
) -> Result<DocumentOutput, ReadError> {
    let size = bytes.len() as u64;
    let mut pkg = Package::open(bytes, opts.limits)?;
    let format = match pkg.format() {
        // A Kingsoft WPS document saved in Word format is a Word binary file;
        // its name says which program the archive got it from.
        crate::model::Format::Doc if has_extension(rel_path, "wps") => crate::model::Format::Wps,
        f => f,
    };
    let doc = crate::read::read(&mut pkg)?;
    let source = Source {
        path: rel_path.to_string(),
        format,
        size,
        sha256,
    };
    let mut out = assemble(crate::structure::build(doc), source);
    crate::normalize::fill_normalized(&mut out.sections);
    Ok(out)
}

/// Whether `path` ends with `.ext` (ASCII case-insensitive).
fn has_extension(path: &str, ext: &str) -> bool {
    path.rsplit_once('.')
        .is_some_and(|(_, e)| e.eq_ignore_ascii_case(ext))
}

/// The output document of a built section tree, before normalization and
/// profiling (`report` is `None`).
pub fn assemble(built: crate::structure::Built, source: Source) -> DocumentOutput {
    DocumentOutput {
        schema_version: SCHEMA_VERSION.to_string(),
        source,
        properties: built.properties,
        title: built.title,
        sections: built.sections,
        notes: built.notes,
        headers: built.headers,
        footers: built.footers,
        warnings: built.warnings,
        partial: built.partial,
        report: None,
    }
}

/// Convert a file on disk; errors name the file.
pub fn convert_file(
    path: &Path,
    rel_path: &str,
    opts: &ConvertOptions,
) -> Result<DocumentOutput, FileError> {
    let wrap = |source| FileError {
        path: rel_path.to_string(),
        source,
    };
    let bytes = std::fs::read(path).map_err(|e| wrap(ReadError::Io(e)))?;
    convert_bytes(bytes, rel_path, opts).map_err(wrap)
}

#[cfg(test)]
mod tests {
    #[test]
    fn sha256_hex_is_lower_case_hex() {
        assert_eq!(
            super::sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(super::to_hex(&[0x00, 0x0f, 0xa0]), "000fa0");
    }
}
