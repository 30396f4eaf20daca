//! Typed errors of the library. The CLI adds context with `anyhow` at the edge.

use thiserror::Error;

/// Why a document could not be read at all. Recoverable oddities are
/// [`crate::model::Warning`]s instead.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum ReadError {
    /// The bytes are not a zip archive (nor a recognized legacy container).
    #[error("not a DOCX or ODT file: not a zip archive ({0})")]
    NotZip(String),
    /// An OLE compound file: a legacy `.doc` / `.wps` renamed.
    #[error("legacy binary document (OLE compound file, e.g. .doc or .wps), not DOCX/ODT")]
    LegacyOle,
    /// Password-protected OOXML (OLE container with `EncryptedPackage`) or an ODT
    /// whose manifest declares `encryption-data`.
    #[error("encrypted document (password protected), cannot read")]
    Encrypted,
    /// A zip archive that is neither DOCX nor ODT.
    #[error("not a DOCX or ODT package: {0}")]
    UnknownPackage(String),
    /// A required part is missing.
    #[error("missing part {0}")]
    MissingPart(String),
    /// A part inflates beyond the size limit (zip bomb protection).
    #[error("part {part} inflates beyond the limit of {limit} bytes")]
    PartTooLarge {
        /// Part name.
        part: String,
        /// Limit in bytes.
        limit: u64,
    },
    /// The package has more parts than allowed.
    #[error("package has {count} parts, more than the limit of {limit}")]
    TooManyParts {
        /// Parts found.
        count: usize,
        /// Limit.
        limit: usize,
    },
    /// Total inflated size of the parts read exceeds the limit.
    #[error("package inflates beyond the total limit of {limit} bytes")]
    PackageTooLarge {
        /// Limit in bytes.
        limit: u64,
    },
    /// Malformed XML in a part.
    #[error("malformed XML in {part} at byte {offset}: {message}")]
    Xml {
        /// Part name.
        part: String,
        /// Byte offset of the error in the part.
        offset: u64,
        /// Parser message.
        message: String,
    },
    /// A DOCTYPE with entity declarations (billion laughs / XXE attempt).
    #[error("{part} contains a DOCTYPE with entity declarations, refused")]
    EntityDeclaration {
        /// Part name.
        part: String,
    },
    /// Elements nested deeper than the limit.
    #[error("{part}: elements nested deeper than {limit}")]
    TooDeep {
        /// Part name.
        part: String,
        /// Limit.
        limit: usize,
    },
    /// A broken zip archive or member.
    #[error("corrupt zip archive: {0}")]
    Zip(String),
    /// I/O error while reading the input.
    #[error("I/O error: {0}")]
    Io(#[from] std::io::Error),
}

impl ReadError {
    /// Stable snake_case kind, used in `errors.jsonl`.
    pub fn kind(&self) -> &'static str {
        match self {
            ReadError::NotZip(_) => "not_zip",
            ReadError::LegacyOle => "legacy_ole",
            ReadError::Encrypted => "encrypted",
            ReadError::UnknownPackage(_) => "unknown_package",
            ReadError::MissingPart(_) => "missing_part",
            ReadError::PartTooLarge { .. } => "part_too_large",
            ReadError::TooManyParts { .. } => "too_many_parts",
            ReadError::PackageTooLarge { .. } => "package_too_large",
            ReadError::Xml { .. } => "malformed_xml",
            ReadError::EntityDeclaration { .. } => "entity_declaration",
            ReadError::TooDeep { .. } => "too_deep",
            ReadError::Zip(_) => "corrupt_zip",
            ReadError::Io(_) => "io",
        }
    }
}

/// A [`ReadError`] with the file it happened in.
#[derive(Debug, Error)]
#[error("{path}: {source}")]
pub struct FileError {
    /// The input as the user named it (or `archive.zip!member.docx`).
    pub path: String,
    /// What went wrong.
    #[source]
    pub source: ReadError,
}
