//! Tables: from the rows a reader sees to a rectangular grid with spans.
//!
//! Both readers describe a table row by row as [`RawRow`]s whose [`RawCell`]s list
//! every grid position of that row, the way the formats store them:
//!
//! * DOCX (ECMA-376 §17.4): `w:gridBefore`/`w:gridAfter` skip grid columns,
//!   `w:gridSpan` widens a cell, `w:vMerge` `restart`/continue merges vertically
//!   (the continuation cells are present in each row).
//! * ODT (ODF 1.2 §9.1): `table:number-columns-spanned` / `number-rows-spanned`
//!   on the anchor cell, and `table:covered-table-cell` placeholders for every
//!   position it covers.
//!
//! [`Table::from_raw`] resolves both into one [`Table`]: a list of anchor
//! [`Cell`]s in row-major order plus `grid`, an `n_rows × n_cols` matrix whose every
//! position holds the index of the cell that covers it. Positions no cell covers
//! (short rows, `gridBefore`) get an empty 1×1 cell so the grid is rectangular.
//! Whatever the input, the result satisfies the invariants listed on [`Table`]
//! (checked by [`Table::check`]).

use super::Warning;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Upper bound on grid positions of one table; beyond it rows are dropped with a
/// warning (a hostile `number-rows-repeated` must not exhaust memory).
pub const MAX_TABLE_CELLS: usize = 1_000_000;

/// Vertical merge state of a DOCX cell (`w:vMerge`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum VMerge {
    /// Not vertically merged.
    #[default]
    None,
    /// `w:vMerge w:val="restart"`: starts a vertical merge.
    Restart,
    /// `w:vMerge` without value (or `continue`): continues the merge from the row above.
    Continue,
}

/// A cell as a reader sees it, before spans are resolved.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RawCell {
    /// Cell text; paragraphs separated by `\n`.
    pub text: String,
    /// Grid columns covered (DOCX `w:gridSpan`, ODT `number-columns-spanned`); 0 is read as 1.
    pub col_span: u32,
    /// Rows covered as stated by the anchor (ODT `number-rows-spanned`); 0 is read as 1.
    pub row_span: u32,
    /// DOCX vertical merge state.
    pub v_merge: VMerge,
    /// ODT `table:covered-table-cell`: a placeholder for a position covered by a span.
    pub covered: bool,
    /// Tables nested inside the cell.
    pub tables: Vec<Table>,
}

impl RawCell {
    /// A plain 1×1 cell with text.
    pub fn new(text: impl Into<String>) -> Self {
        RawCell {
            text: text.into(),
            col_span: 1,
            row_span: 1,
            ..RawCell::default()
        }
    }
}

/// A row as a reader sees it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RawRow {
    /// The row's cells, left to right.
    pub cells: Vec<RawCell>,
    /// Grid columns skipped before the first cell (DOCX `w:gridBefore`).
    pub grid_before: u32,
    /// Grid columns skipped after the last cell (DOCX `w:gridAfter`).
    pub grid_after: u32,
    /// Repeated header row (DOCX `w:tblHeader`, ODT `table:table-header-rows`).
    pub header: bool,
}

/// A table as a reader sees it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RawTable {
    /// Declared number of grid columns (DOCX `w:tblGrid`, ODT `table:table-column`s),
    /// used to detect spans that run past the grid.
    pub grid_cols: Option<u32>,
    /// Rows, top to bottom.
    pub rows: Vec<RawRow>,
}

/// One cell of a resolved table: the anchor (top-left) of its span.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Cell {
    /// 0-based grid row of the top-left position.
    pub row: u32,
    /// 0-based grid column of the top-left position.
    pub col: u32,
    /// Number of grid rows covered (≥ 1).
    pub row_span: u32,
    /// Number of grid columns covered (≥ 1).
    pub col_span: u32,
    /// Cell text as displayed; paragraphs separated by `\n`.
    pub text: String,
    /// Tables nested inside this cell.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tables: Vec<Table>,
}

/// A table resolved into a rectangular grid.
///
/// # Invariants
///
/// Every `Table` built by [`Table::from_raw`] satisfies these, for any input
/// ([`Table::check`] verifies them, recursively for nested tables):
///
/// 1. **Rectangular grid**: `grid` has `n_rows` rows of exactly `n_cols`
///    indices each; `n_cols == 0` implies `n_rows == 0` (a table without
///    columns has no rows).
/// 2. **Spans**: every cell has `row_span ≥ 1` and `col_span ≥ 1`, and its
///    rectangle `row..row + row_span` × `col..col + col_span` lies inside the
///    grid.
/// 3. **Exact cover**: every grid position holds the index of a cell (`<
///    cells.len()`) whose rectangle contains that position, and every position
///    of a cell's rectangle holds that cell's index. So rectangles never
///    overlap, each cell is the one covering its own positions, and every cell
///    appears in the grid.
/// 4. **Anchors**: a cell's (`row`, `col`) is the top-left position of its
///    rectangle, and `cells` is sorted by (`row`, `col`) strictly (row-major,
///    no two anchors at one position).
/// 5. **Header**: `header_rows ≤ n_rows`.
///
/// Tables read back from JSON (written by another version, or edited) need
/// not satisfy them; consumers index with `get` and never trust a grid value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Table {
    /// Grid rows.
    pub n_rows: u32,
    /// Grid columns.
    pub n_cols: u32,
    /// Number of leading header rows (repeated on each page).
    #[serde(default)]
    pub header_rows: u32,
    /// Anchor cells in row-major order.
    pub cells: Vec<Cell>,
    /// `n_rows` rows of `n_cols` indices into `cells`: the cell covering each position.
    pub grid: Vec<Vec<u32>>,
}

impl Table {
    /// The cell covering grid position (`row`, `col`), if inside the grid.
    pub fn cell_at(&self, row: u32, col: u32) -> Option<&Cell> {
        let idx = *self.grid.get(row as usize)?.get(col as usize)?;
        self.cells.get(idx as usize)
    }

    /// Verify the invariants listed on [`Table`], for this table and every
    /// table nested in its cells. The error names the first violation found.
    /// Costs one pass over the grid and the cells.
    pub fn check(&self) -> Result<(), String> {
        self.check_at("table")
    }

    fn check_at(&self, path: &str) -> Result<(), String> {
        let (n_rows, n_cols) = (self.n_rows as u64, self.n_cols as u64);
        if self.grid.len() as u64 != n_rows {
            return Err(format!(
                "{path}: grid has {} rows, n_rows is {n_rows}",
                self.grid.len()
            ));
        }
        if n_cols == 0 && n_rows > 0 {
            return Err(format!("{path}: {n_rows} rows but no columns"));
        }
        if u64::from(self.header_rows) > n_rows {
            return Err(format!(
                "{path}: header_rows {} > n_rows {n_rows}",
                self.header_rows
            ));
        }
        for (r, row) in self.grid.iter().enumerate() {
            if row.len() as u64 != n_cols {
                return Err(format!(
                    "{path}: grid row {r} has {} columns, n_cols is {n_cols}",
                    row.len()
                ));
            }
            for (c, &i) in row.iter().enumerate() {
                let Some(cell) = self.cells.get(i as usize) else {
                    return Err(format!(
                        "{path}: position ({r}, {c}) points to cell {i} of {}",
                        self.cells.len()
                    ));
                };
                let (r, c) = (r as u64, c as u64);
                let (row, col) = (u64::from(cell.row), u64::from(cell.col));
                let inside = row <= r
                    && r < row + u64::from(cell.row_span)
                    && col <= c
                    && c < col + u64::from(cell.col_span);
                if !inside {
                    return Err(format!(
                        "{path}: position ({r}, {c}) points to cell {i} at ({row}, {col}) spanning {}×{}",
                        cell.row_span, cell.col_span
                    ));
                }
            }
        }
        let mut prev: Option<(u32, u32)> = None;
        for (i, cell) in self.cells.iter().enumerate() {
            if cell.row_span == 0 || cell.col_span == 0 {
                return Err(format!(
                    "{path}: cell {i} spans {}×{}",
                    cell.row_span, cell.col_span
                ));
            }
            let (row, col) = (u64::from(cell.row), u64::from(cell.col));
            let (end_r, end_c) = (
                row + u64::from(cell.row_span),
                col + u64::from(cell.col_span),
            );
            if end_r > n_rows || end_c > n_cols {
                return Err(format!(
                    "{path}: cell {i} at ({row}, {col}) spanning {}×{} leaves the {n_rows}×{n_cols} grid",
                    cell.row_span, cell.col_span
                ));
            }
            if let Some(p) = prev {
                if p >= (cell.row, cell.col) {
                    return Err(format!(
                        "{path}: cell {i} at ({row}, {col}) follows a cell at {p:?} (not row-major)"
                    ));
                }
            }
            prev = Some((cell.row, cell.col));
            for r in row..end_r {
                for c in col..end_c {
                    let got = self.grid[r as usize][c as usize];
                    if got as usize != i {
                        return Err(format!(
                            "{path}: cell {i} at ({row}, {col}) spans ({r}, {c}), which points to cell {got}"
                        ));
                    }
                }
            }
            for (k, t) in cell.tables.iter().enumerate() {
                t.check_at(&format!("{path} cell {i} table {k}"))?;
            }
        }
        Ok(())
    }

    /// Resolve a reader's rows into a grid that satisfies the invariants listed
    /// on [`Table`], whatever the rows say. Oddities are resolved as follows,
    /// each reported to `warnings` with `location` as its location:
    ///
    /// * short rows, `gridBefore`/`gridAfter`, rows without cells: positions
    ///   no cell covers get an empty 1×1 cell (no warning: nothing is lost);
    ///   a table whose rows have no cells at all has no rows;
    /// * a span of 0 is read as 1;
    /// * a vertical merge continuing nothing (`vmerge_without_restart`), or
    ///   one that cannot extend the cell above because a cell of its own row
    ///   already holds part of that cell's columns (`vmerge_misaligned`),
    ///   becomes a cell of its own;
    /// * a cell whose span would cover positions that another cell already
    ///   holds (row spans from above, a misplaced ODT anchor) has its span
    ///   clipped to the free positions (`span_overlap`);
    /// * a span past the declared grid (`grid_span_overflow`) widens the grid;
    /// * a covered cell with no spanning cell (`covered_cell_without_anchor`)
    ///   becomes an empty 1×1 cell;
    /// * a row span past the last row is clipped (`row_span_overflow`);
    /// * a table beyond [`MAX_TABLE_CELLS`] positions loses its last rows, or
    ///   the row span of a cell (`table_too_large`).
    ///
    /// Text is never dropped except with the rows dropped by `table_too_large`:
    /// the text (and nested tables) of a vertical-merge continuation cell, or of
    /// a covered cell, is appended to the cell covering its position, joined
    /// with `\n`.
    pub fn from_raw(raw: RawTable, location: &str, warnings: &mut Vec<Warning>) -> Table {
        let mut b = GridBuilder::default();
        let mut warn = |code: &str, msg: String| {
            warnings.push(Warning::new(code, msg, Some(location.to_string())));
        };
        let mut header_rows = 0u32;
        let mut still_header = true;
        let mut budget_left = MAX_TABLE_CELLS;
        let n_raw_rows = raw.rows.len();
        let mut rows_read = 0usize;
        let mut span_clipped = false;
        let mut span_capped = false;
        let mut overlapped = false;
        for (r, row) in raw.rows.into_iter().enumerate() {
            let width = (row.grid_before as usize)
                .saturating_add(row.grid_after as usize)
                .saturating_add(
                    row.cells
                        .iter()
                        .map(|c| c.col_span.max(1) as usize)
                        .fold(0usize, usize::saturating_add),
                );
            // The resolved grid is rectangular (holes are filled), so what it costs
            // is its area, not the sum of the row widths: a wide first row followed
            // by many narrow rows must not expand into billions of filler cells.
            let area = b.rows.len().max(r + 1).saturating_mul(b.width.max(width));
            if width > budget_left || area > MAX_TABLE_CELLS {
                warn(
                    "table_too_large",
                    format!("table exceeds {MAX_TABLE_CELLS} cells; rows from {r} on dropped"),
                );
                break;
            }
            budget_left -= width.max(1);
            rows_read = r + 1;
            if still_header && row.header {
                header_rows += 1;
            } else {
                still_header = false;
            }
            b.ensure_row(r);
            let mut c = row.grid_before as usize;
            // ODT lists a covered placeholder for each position that a cell of the
            // same row spans; those were already placed with their anchor.
            let mut covered_in_row = 0usize;
            // The cell placed last in this row (for those placeholders' text).
            let mut last: Option<usize> = None;
            for cell in row.cells {
                let span = cell.col_span.max(1) as usize;
                if cell.covered && covered_in_row > 0 {
                    covered_in_row -= 1;
                    if let Some(idx) = last {
                        b.absorb(idx, cell.text, cell.tables);
                    }
                    continue;
                }
                covered_in_row = 0;
                if cell.covered {
                    match b.occupant(r, c) {
                        Some(idx) => b.absorb(idx, cell.text, cell.tables),
                        None => {
                            warn(
                                "covered_cell_without_anchor",
                                format!("covered cell at row {r}, column {c} has no spanning cell"),
                            );
                            let (idx, _) = b.place(r, c, 1, 1, cell.text, cell.tables);
                            last = Some(idx);
                        }
                    }
                    c += 1;
                    continue;
                }
                let mut cell = cell;
                if cell.v_merge == VMerge::Continue {
                    let above = if r > 0 { b.occupant(r - 1, c) } else { None };
                    match above {
                        Some(idx) if b.extend_down(idx, r) => {
                            b.absorb(
                                idx,
                                std::mem::take(&mut cell.text),
                                std::mem::take(&mut cell.tables),
                            );
                            c += span;
                            covered_in_row = span - 1;
                            last = Some(idx);
                            continue;
                        }
                        Some(_) => warn(
                            "vmerge_misaligned",
                            format!(
                                "vertical merge at row {r}, column {c} cannot extend the cell above (a cell of its row holds part of its columns)"
                            ),
                        ),
                        None => warn(
                            "vmerge_without_restart",
                            format!(
                                "vertical merge continues at row {r}, column {c} but nothing above starts it"
                            ),
                        ),
                    }
                }
                // A real cell: skip positions already covered by row spans from above
                // (an ODT file that omits its covered-table-cell placeholders).
                while b.occupant(r, c).is_some() {
                    c += 1;
                }
                // A row span ends at the last row, and within the cell budget.
                let asked = cell.row_span.max(1) as usize;
                let mut row_span = asked.min(n_raw_rows - r);
                span_clipped |= row_span < asked;
                let max_rows = MAX_TABLE_CELLS / b.width.max(c.saturating_add(span)).max(1);
                if r + row_span > max_rows {
                    row_span = max_rows.saturating_sub(r).max(1);
                    span_capped = true;
                }
                let (idx, clipped) = b.place(r, c, row_span, span, cell.text, cell.tables);
                overlapped |= clipped;
                last = Some(idx);
                c = c.saturating_add(span);
                covered_in_row = span - 1;
            }
            c = c.saturating_add(row.grid_after as usize);
            b.note_width(c);
        }
        // Rows that only spans from above reached, beyond the last row read, go.
        b.rows.truncate(rows_read);
        // A grid without columns has no positions, so no rows either.
        if b.width == 0 {
            b.rows.clear();
        }
        let n_rows = b.rows.len();
        if span_capped {
            warn(
                "table_too_large",
                format!("a cell's row span exceeds the {MAX_TABLE_CELLS}-cell limit; clipped"),
            );
        }
        if overlapped {
            warn(
                "span_overlap",
                "a cell's span covers positions of another cell; its span was clipped".to_string(),
            );
        }
        if let Some(gc) = raw.grid_cols {
            if b.width > gc as usize && gc > 0 {
                warn(
                    "grid_span_overflow",
                    format!(
                        "cells span {} columns but the table grid declares {gc}",
                        b.width
                    ),
                );
            }
        }
        // Clip row spans that run past the last row.
        let mut clipped = span_clipped;
        for cell in &mut b.cells {
            let end = cell.row as usize + cell.row_span as usize;
            if end > n_rows {
                cell.row_span = n_rows.saturating_sub(cell.row as usize).max(1) as u32;
                clipped = true;
            }
        }
        if clipped {
            warn(
                "row_span_overflow",
                "a cell spans past the last row; its span was clipped".to_string(),
            );
        }
        let t = b.finish(header_rows);
        debug_assert!(t.check().is_ok(), "{}", t.check().unwrap_err());
        t
    }
}

/// Occupancy grid used while resolving spans.
#[derive(Default)]
struct GridBuilder {
    rows: Vec<Vec<Option<usize>>>,
    cells: Vec<Cell>,
    width: usize,
}

impl GridBuilder {
    fn ensure_row(&mut self, r: usize) {
        while self.rows.len() <= r {
            self.rows.push(Vec::new());
        }
    }

    fn note_width(&mut self, w: usize) {
        self.width = self.width.max(w);
    }

    fn occupant(&self, r: usize, c: usize) -> Option<usize> {
        self.rows
            .get(r)
            .and_then(|row| row.get(c).copied().flatten())
    }

    fn set(&mut self, r: usize, c: usize, idx: usize) {
        self.ensure_row(r);
        let row = &mut self.rows[r];
        if row.len() <= c {
            row.resize(c + 1, None);
        }
        row[c] = Some(idx);
    }

    /// Place a cell anchored at the free position (`r`, `c`). Its span is
    /// clipped to free positions: first its columns, to the free run of row `r`
    /// from `c`, then its rows, to those where all of these columns are free.
    /// Returns the new cell's index and whether its span was clipped.
    fn place(
        &mut self,
        r: usize,
        c: usize,
        row_span: usize,
        col_span: usize,
        text: String,
        tables: Vec<Table>,
    ) -> (usize, bool) {
        let cols = (0..col_span)
            .take_while(|&k| self.occupant(r, c + k).is_none())
            .count()
            .max(1);
        let rows = 1
            + (r + 1..r + row_span)
                .take_while(|&rr| (c..c + cols).all(|cc| self.occupant(rr, cc).is_none()))
                .count();
        let idx = self.cells.len();
        self.cells.push(Cell {
            row: r as u32,
            col: c as u32,
            row_span: rows as u32,
            col_span: cols as u32,
            text,
            tables,
        });
        for rr in r..r + rows {
            for cc in c..c + cols {
                self.set(rr, cc, idx);
            }
        }
        self.note_width(c + cols);
        (idx, cols < col_span || rows < row_span)
    }

    /// Extend cell `idx`, which covers a position of row `r - 1`, so that it
    /// also covers row `r`, if it does not already. Fails (returns false) when
    /// some of its columns in row `r` are held by another cell.
    fn extend_down(&mut self, idx: usize, r: usize) -> bool {
        let Some(cell) = self.cells.get(idx) else {
            return false;
        };
        let (row, col, span) = (cell.row as usize, cell.col as usize, cell.col_span as usize);
        let end = row + cell.row_span as usize;
        if end > r {
            return true;
        }
        if end < r || (col..col + span).any(|cc| self.occupant(r, cc).is_some()) {
            return false;
        }
        self.cells[idx].row_span += 1;
        for cc in col..col + span {
            self.set(r, cc, idx);
        }
        true
    }

    /// Append text and nested tables of a cell merged into cell `idx`.
    fn absorb(&mut self, idx: usize, text: String, tables: Vec<Table>) {
        let Some(into) = self.cells.get_mut(idx) else {
            return;
        };
        if !text.is_empty() {
            if !into.text.is_empty() {
                into.text.push('\n');
            }
            into.text.push_str(&text);
        }
        into.tables.extend(tables);
    }

    fn finish(mut self, header_rows: u32) -> Table {
        let n_rows = self.rows.len();
        let n_cols = self.width;
        // Fill holes with empty 1×1 cells so that the grid is rectangular.
        for r in 0..n_rows {
            for c in 0..n_cols {
                if self.occupant(r, c).is_none() {
                    let idx = self.cells.len();
                    self.cells.push(Cell {
                        row: r as u32,
                        col: c as u32,
                        row_span: 1,
                        col_span: 1,
                        text: String::new(),
                        tables: Vec::new(),
                    });
                    self.set(r, c, idx);
                }
            }
        }
        // Row-major order of anchors; remap indices.
        let mut order: Vec<usize> = (0..self.cells.len()).collect();
        order.sort_by_key(|&i| (self.cells[i].row, self.cells[i].col));
        let mut new_index = vec![0u32; self.cells.len()];
        for (new, &old) in order.iter().enumerate() {
            new_index[old] = new as u32;
        }
        let mut slots: Vec<Option<Cell>> = self.cells.into_iter().map(Some).collect();
        let cells: Vec<Cell> = order.iter().filter_map(|&i| slots[i].take()).collect();
        let grid = self
            .rows
            .iter()
            .map(|row| {
                (0..n_cols)
                    .map(|c| row.get(c).copied().flatten().map_or(0, |i| new_index[i]))
                    .collect()
            })
            .collect();
        Table {
            n_rows: n_rows as u32,
            n_cols: n_cols as u32,
            header_rows: header_rows.min(n_rows as u32),
            cells,
            grid,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(text: &str, span: u32) -> RawCell {
        RawCell {
            col_span: span,
            ..RawCell::new(text)
        }
    }

    fn resolve(rows: Vec<RawRow>, grid_cols: Option<u32>) -> (Table, Vec<Warning>) {
        let mut w = Vec::new();
        let t = Table::from_raw(RawTable { grid_cols, rows }, "t", &mut w);
        (t, w)
    }

    fn row(cells: Vec<RawCell>) -> RawRow {
        RawRow {
            cells,
            ..RawRow::default()
        }
    }

    #[test]
    fn docx_vmerge_and_gridspan() {
        let restart = RawCell {
            v_merge: VMerge::Restart,
            ..RawCell::new("A")
        };
        let cont = RawCell {
            v_merge: VMerge::Continue,
            ..RawCell::new("")
        };
        let (t, w) = resolve(
            vec![
                row(vec![restart, cell("B", 2)]),
                row(vec![cont.clone(), cell("C", 1), cell("D", 1)]),
                row(vec![cont, cell("E", 2)]),
            ],
            Some(3),
        );
        assert!(w.is_empty(), "{w:?}");
        assert_eq!((t.n_rows, t.n_cols), (3, 3));
        let a = t.cell_at(2, 0).unwrap();
        assert_eq!((a.text.as_str(), a.row_span, a.col_span), ("A", 3, 1));
        assert_eq!(t.cell_at(0, 2).unwrap().text, "B");
        assert_eq!(t.cell_at(2, 2).unwrap().text, "E");
        assert_eq!(t.cells.len(), 5);
    }

    #[test]
    fn odt_covered_cells() {
        let anchor = RawCell {
            row_span: 2,
            col_span: 2,
            ..RawCell::new("X")
        };
        let cov = RawCell {
            covered: true,
            ..RawCell::default()
        };
        let (t, w) = resolve(
            vec![
                row(vec![anchor, cov.clone(), cell("Y", 1)]),
                row(vec![cov.clone(), cov, cell("Z", 1)]),
            ],
            Some(3),
        );
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(t.cell_at(1, 1).unwrap().text, "X");
        assert_eq!(t.cell_at(1, 2).unwrap().text, "Z");
        assert_eq!(t.cells.len(), 3);
    }

    #[test]
    fn oddities_warn_and_stay_rectangular() {
        let cont = RawCell {
            v_merge: VMerge::Continue,
            ..RawCell::new("orphan")
        };
        let (t, w) = resolve(
            vec![
                row(vec![cont, cell("wide", 4)]),
                RawRow {
                    grid_before: 1,
                    ..row(vec![cell("b", 1)])
                },
            ],
            Some(3),
        );
        let codes: Vec<_> = w.iter().map(|w| w.code.as_str()).collect();
        assert_eq!(codes, ["vmerge_without_restart", "grid_span_overflow"]);
        assert_eq!((t.n_rows, t.n_cols), (2, 5));
        assert_eq!(t.cell_at(0, 0).unwrap().text, "orphan");
        assert_eq!(t.cell_at(1, 0).unwrap().text, "");
        assert_eq!(t.cell_at(1, 1).unwrap().text, "b");
        assert!(t.grid.iter().all(|r| r.len() == 5));
    }
}

#[cfg(test)]
mod bounds {
    use super::*;

    fn resolve(rows: Vec<RawRow>) -> (Table, Vec<String>) {
        let mut w = Vec::new();
        let t = Table::from_raw(
            RawTable {
                grid_cols: None,
                rows,
            },
            "t",
            &mut w,
        );
        (t, w.into_iter().map(|w| w.code).collect())
    }

    fn row(cells: Vec<RawCell>) -> RawRow {
        RawRow {
            cells,
            ..RawRow::default()
        }
    }

    #[test]
    fn row_span_past_the_last_row_is_clipped_not_added() {
        let tall = RawCell {
            row_span: 10_000,
            col_span: 1024,
            ..RawCell::new("tall")
        };
        let (t, w) = resolve(vec![row(vec![tall]), row(vec![])]);
        assert_eq!((t.n_rows, t.n_cols, t.cells.len()), (2, 1024, 1));
        assert_eq!((t.cells[0].row_span, t.cells[0].col_span), (2, 1024));
        assert_eq!(w, ["row_span_overflow"]);
    }

    #[test]
    fn wide_row_then_many_narrow_rows_is_bounded_by_area() {
        let wide = (0..500)
            .map(|_| RawCell {
                col_span: 1000,
                ..RawCell::new("")
            })
            .collect();
        let mut rows = vec![row(wide)];
        rows.extend((0..1000).map(|_| row(vec![RawCell::new("x")])));
        let (t, w) = resolve(rows);
        // 500 000 columns: two rows fit in the million-cell budget.
        assert_eq!((t.n_rows, t.n_cols), (2, 500_000));
        assert_eq!(t.cells.len(), 500 + 1 + 499_999);
        assert_eq!(w, ["table_too_large"]);
    }

    #[test]
    fn tall_span_over_existing_rows_stays_within_budget() {
        let tall = RawCell {
            row_span: 100_000,
            col_span: 100,
            ..RawCell::new("tall")
        };
        let mut rows = vec![row(vec![tall])];
        rows.extend((0..20_000).map(|_| row(vec![])));
        let (t, w) = resolve(rows);
        // 10 000 rows of 100 columns fill the million-cell budget.
        assert_eq!((t.n_rows, t.n_cols), (10_000, 100));
        assert_eq!(t.cells[0].row_span, 10_000);
        assert_eq!(
            w,
            ["table_too_large", "table_too_large", "row_span_overflow"]
        );
    }
}

#[cfg(test)]
mod invariants {
    use super::*;

    fn resolve(rows: Vec<RawRow>) -> (Table, Vec<String>) {
        let mut w = Vec::new();
        let t = Table::from_raw(
            RawTable {
                grid_cols: None,
                rows,
            },
            "t",
            &mut w,
        );
        assert_eq!(t.check(), Ok(()), "{t:?}");
        (t, w.into_iter().map(|w| w.code).collect())
    }

    fn row(cells: Vec<RawCell>) -> RawRow {
        RawRow {
            cells,
            ..RawRow::default()
        }
    }

    fn spanned(text: &str, row_span: u32, col_span: u32) -> RawCell {
        RawCell {
            row_span,
            col_span,
            ..RawCell::new(text)
        }
    }

    fn cont(text: &str) -> RawCell {
        RawCell {
            v_merge: VMerge::Continue,
            ..RawCell::new(text)
        }
    }

    /// A vertical merge under the right half of a horizontally merged cell,
    /// whose left half the row already holds: it used to extend the wide cell
    /// over a position owned by the row's first cell.
    #[test]
    fn vmerge_under_part_of_a_wide_cell_becomes_its_own_cell() {
        let (t, w) = resolve(vec![
            row(vec![spanned("wide", 1, 2)]),
            row(vec![RawCell::new("x"), cont("y")]),
        ]);
        assert_eq!(w, ["vmerge_misaligned"]);
        assert_eq!(t.cell_at(0, 0).unwrap().row_span, 1);
        assert_eq!(t.cell_at(1, 0).unwrap().text, "x");
        assert_eq!(t.cell_at(1, 1).unwrap().text, "y");
    }

    /// A wide cell running into a row span from above is clipped, not
    /// overlapping (it used to claim the positions the other cell keeps).
    #[test]
    fn span_into_a_row_span_from_above_is_clipped() {
        let (t, w) = resolve(vec![
            row(vec![RawCell::new("a"), spanned("tall", 2, 1)]),
            row(vec![spanned("wide", 2, 3)]),
            row(vec![]),
        ]);
        assert_eq!(w, ["span_overlap"]);
        let wide = t.cells.iter().find(|c| c.text == "wide").unwrap();
        assert_eq!(
            (wide.row, wide.col, wide.row_span, wide.col_span),
            (1, 0, 2, 1)
        );
        assert_eq!(t.cell_at(1, 1).unwrap().text, "tall");
    }

    /// A vertical merge under an ODT row span already covering its row.
    #[test]
    fn continuation_inside_a_row_span_merges() {
        let (t, w) = resolve(vec![
            row(vec![RawCell::new("a"), RawCell::new("b")]),
            row(vec![spanned("tall", 2, 1)]),
            row(vec![cont("c")]),
        ]);
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(t.cell_at(2, 0).unwrap().text, "tall\nc");
    }

    #[test]
    fn continuation_and_covered_text_is_kept() {
        let restart = RawCell {
            v_merge: VMerge::Restart,
            ..RawCell::new("top")
        };
        let covered = RawCell {
            covered: true,
            ..RawCell::new("hidden")
        };
        let (t, w) = resolve(vec![
            row(vec![restart, spanned("odt", 1, 2), covered.clone()]),
            row(vec![cont("below"), covered]),
        ]);
        assert_eq!(t.cell_at(1, 0).unwrap().text, "top\nbelow");
        assert_eq!(t.cell_at(0, 1).unwrap().text, "odt\nhidden");
        assert_eq!(t.cell_at(1, 1).unwrap().text, "hidden");
        assert_eq!(w, ["covered_cell_without_anchor"]);
    }

    #[test]
    fn rows_without_cells_or_columns() {
        let (t, w) = resolve(vec![row(vec![]), row(vec![])]);
        assert_eq!((t.n_rows, t.n_cols, t.cells.len()), (0, 0, 0));
        assert!(w.is_empty());
        let (t, _) = resolve(vec![
            RawRow {
                grid_before: 2,
                grid_after: 1,
                ..row(vec![])
            },
            row(vec![RawCell::new("a")]),
        ]);
        assert_eq!((t.n_rows, t.n_cols, t.cells.len()), (2, 3, 6));
    }

    #[test]
    fn huge_spans_stay_bounded() {
        let (t, w) = resolve(vec![
            row(vec![spanned("big", u32::MAX, u32::MAX)]),
            RawRow {
                grid_before: u32::MAX,
                grid_after: u32::MAX,
                ..row(vec![RawCell::new("a")])
            },
        ]);
        assert_eq!((t.n_rows, t.n_cols), (0, 0));
        assert_eq!(w, ["table_too_large"]);
    }

    #[test]
    fn check_reports_violations() {
        let mut t = resolve(vec![row(vec![RawCell::new("a"), RawCell::new("b")])]).0;
        t.cells[0].col_span = 2;
        assert!(t.check().unwrap_err().contains("points to cell 1"));
        t.cells[0].col_span = 1;
        t.grid[0].pop();
        assert!(t.check().is_err());
    }
}
