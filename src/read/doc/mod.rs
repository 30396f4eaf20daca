//! Legacy Word binary documents (\[MS-DOC\]): `.doc`, `.dot`, and `.wps` saved by
//! Kingsoft WPS Writer in Word 97-2003 format, read into the shared document model.
//!
//! The compound file (opened by `container`) holds the `WordDocument` stream
//! (FIB and text), the table stream (`0Table` or `1Table`: piece table,
//! formatting bin tables, styles, lists, notes, headers), the `Data` stream
//! (large paragraph properties) and the property sets. Reading goes:
//!
//! ```text
//! FIB (container::fib) -> piece table, characters (pieces) -> CHPX/PAPX runs (fkp)
//!   -> styles (styles), lists (lists) -> stories to blocks (body, table)
//!   -> notes, headers and footers, text boxes (stories) -> properties (props)
//! ```
//!
//! Word 6/95 files (nFib 101–105) are read as text only (`word6`); an
//! encrypted or obfuscated file is [`ReadError::Encrypted`].

mod body;
mod fkp;
mod lists;
mod pieces;
mod props;
mod sprm;
mod stories;
mod styles;
mod table;
mod word6;

use crate::container::fib::{Fib, Pair, NFIB_WORD97};
use crate::container::Package;
use crate::error::ReadError;
use crate::model::{Document, Warning};

/// Read an opened Word binary package into the document model.
pub fn read(pkg: &mut Package) -> Result<Document, ReadError> {
    let word = pkg.required_part("WordDocument")?;
    let fib = match Fib::parse(&word) {
        // A stream the file ends inside, too early for its FIB: the file is
        // cut, not a malformed document.
        Err(e) if pkg.is_cut("WordDocument") => {
            return Err(ReadError::Ole(format!(
                "the file ends inside the WordDocument stream, after {} bytes, before its header is whole ({e})",
                word.len()
            )))
        }
        r => r?,
    };
    if fib.encrypted || fib.obfuscated {
        return Err(ReadError::Encrypted);
    }
    if fib.n_fib < NFIB_WORD97 {
        if fib.word6.is_none() {
            return Err(ReadError::UnsupportedVersion(format!(
                "Word 6/95 or older, nFib {}",
                fib.n_fib
            )));
        }
        let mut doc = word6::read(&fib, &word)?;
        read_properties(pkg, &mut doc);
        return Ok(doc);
    }
    let table = pkg
        .part(fib.table_stream())?
        .ok_or_else(|| ReadError::MissingPart(fib.table_stream().to_string()))?;
    let mut warnings: Vec<Warning> = Vec::new();
    let data = optional_stream(pkg, "Data", &mut warnings).unwrap_or_default();
    let text = pieces::Text::read(&fib, &word, &table, &mut warnings)?;
    let styles = styles::Styles::read(&table, fib.pair(Pair::Stshf), &mut warnings);
    let chpx = fkp::Runs::read(
        fkp::Kind::Chpx,
        fib.pair(Pair::PlcfBteChpx),
        &word,
        &table,
        &mut warnings,
    );
    let papx = fkp::Runs::read(
        fkp::Kind::Papx,
        fib.pair(Pair::PlcfBtePapx),
        &word,
        &table,
        &mut warnings,
    );
    let lst = fib.pair(Pair::PlfLst);
    let lfo = fib.pair(Pair::PlfLfo);
    let lists = lists::DocLists::parse(&table, (lst.fc, lst.lcb), (lfo.fc, lfo.lcb), &mut warnings);
    let mut reader = body::Reader::new(&word, &data, &text, &styles, &chpx, &papx, lists, warnings);
    let mut doc = stories::read_all(&mut reader, &fib, &table);
    read_properties(pkg, &mut doc);
    Ok(doc)
}

/// Document properties from the property-set streams.
fn read_properties(pkg: &mut Package, doc: &mut Document) {
    if let Some(si) = optional_stream(pkg, "\u{5}SummaryInformation", &mut doc.warnings) {
        props::read_summary_information(&si, &mut doc.properties, &mut doc.warnings);
    }
    if let Some(dsi) = optional_stream(pkg, "\u{5}DocumentSummaryInformation", &mut doc.warnings) {
        props::read_document_summary_information(&dsi, &mut doc.properties, &mut doc.warnings);
    }
}

/// A stream the document can be read without: when it cannot be read (a
/// broken chain, over the size limit) the document loses only what it holds,
/// with a `bad_part` warning, instead of the whole document.
fn optional_stream(pkg: &mut Package, name: &str, warnings: &mut Vec<Warning>) -> Option<Vec<u8>> {
    match pkg.part(name) {
        Ok(s) => s,
        Err(e) => {
            warnings.push(Warning::new(
                "bad_part",
                format!(
                    "stream {} could not be read: {e}",
                    name.trim_start_matches('\u{5}')
                ),
                Some(name.trim_start_matches('\u{5}').to_string()),
            ));
            None
        }
    }
}
