//! Document properties from the `\x05SummaryInformation` and
//! `\x05DocumentSummaryInformation` property-set streams. Stub: filled in by its own change.

use crate::model::{Properties, Warning};

/// Temporary.
pub(crate) fn read_summary_information(_s: &[u8], _p: &mut Properties, _w: &mut Vec<Warning>) {}

/// Temporary.
pub(crate) fn read_document_summary_information(
    _s: &[u8],
    _p: &mut Properties,
    _w: &mut Vec<Warning>,
) {
}
