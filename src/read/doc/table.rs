//! Table rows of Word binary documents: TAP sprms to the shared grid. Stub:
//! filled in by its own change.

use super::sprm::Sprm;
use crate::model::{RawCell, RawRow, RawTable, Warning};

/// Temporary.
#[derive(Default)]
pub(crate) struct Tap;

impl Tap {
    /// Temporary.
    pub fn apply(&mut self, _s: &Sprm<'_>) {}
}

/// Temporary.
pub(crate) struct DocRow {
    /// Cells.
    pub cells: Vec<RawCell>,
    /// Row properties.
    pub tap: Tap,
}

/// Temporary: one column per cell.
pub(crate) fn raw_table(rows: Vec<DocRow>, _w: &mut Vec<Warning>, _l: &str) -> RawTable {
    RawTable {
        grid_cols: None,
        rows: rows
            .into_iter()
            .map(|r| RawRow {
                cells: r.cells,
                ..RawRow::default()
            })
            .collect(),
    }
}
