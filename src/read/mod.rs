//! Format readers: one per format, each producing the shared [`Document`] model.
//! This module only dispatches.

pub mod docx;
mod numfmt;
pub mod odt;

use crate::container::Package;
use crate::error::ReadError;
use crate::model::{Document, Format};

/// Read an opened package into the document model.
pub fn read(pkg: &mut Package) -> Result<Document, ReadError> {
    match pkg.format() {
        Format::Docx => docx::read(pkg),
        Format::Odt => odt::read(pkg),
    }
}
