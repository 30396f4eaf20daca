//! DOCX reader (stub, being written).

use crate::container::Package;
use crate::error::ReadError;
use crate::model::Document;

/// Read a DOCX package.
pub fn read(_pkg: &mut Package) -> Result<Document, ReadError> {
    Ok(Document::default())
}
