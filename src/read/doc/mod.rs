//! Legacy Word binary documents (\[MS-DOC\]): `.doc`, `.dot`, and `.wps` saved by
//! Kingsoft WPS Writer in Word 97-2003 format, read into the shared document model.
//!
//! The compound file (`cfb`) holds the `WordDocument` stream (FIB and text), the
//! table stream (`0Table` or `1Table`: piece table, formatting, styles, lists,
//! notes), the `Data` stream (large paragraph properties) and the property sets.

#![allow(dead_code)]

mod bytes;
mod lists;
mod props;
mod sprm;
mod table;
