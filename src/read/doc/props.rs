//! Document properties from the `\x05SummaryInformation` and
//! `\x05DocumentSummaryInformation` property-set streams. Stub: filled in by its own change.
