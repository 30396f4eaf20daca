//! Typed errors of the library. The CLI adds context with `anyhow` at the edge.

use thiserror::Error;

/// Why a document could not be read at all. Recoverable oddities are
/// [`crate::model::Warning`]s instead.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum ReadError {
    /// The bytes are neither a zip archive nor an OLE compound file.
    #[error("not a Word, WPS or OpenDocument file: not a zip archive or compound file ({0})")]
    NotZip(String),
    /// A damaged OLE compound file (broken FAT, DIFAT or directory chains).
    #[error("corrupt compound file (OLE): {0}")]
    Ole(String),
    /// An OLE compound file without a Word document (a Works `.wps`, a workbook...).
    #[error("not a Word binary document: {0}")]
    NotWordBinary(String),
    /// A Word binary document of a version this reader does not read.
    #[error("unsupported Word version ({0})")]
    UnsupportedVersion(String),
    /// A malformed Word binary document that cannot be read at all.
    #[error("malformed Word binary document: {0}")]
    WordBinary(String),
    /// Password-protected OOXML (OLE container with `EncryptedPackage`), a Word
    /// binary document whose FIB says encrypted or obfuscated, or an ODT whose
    /// manifest declares `encryption-data`.
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
            ReadError::Ole(_) => "corrupt_ole",
            ReadError::NotWordBinary(_) => "not_word_binary",
            ReadError::UnsupportedVersion(_) => "unsupported_version",
            ReadError::WordBinary(_) => "malformed_doc",
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
