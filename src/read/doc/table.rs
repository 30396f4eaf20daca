//! Table rows of Word binary documents (\[MS-DOC\] 2.4.3 "Overview of
//! Tables", 2.6.4 table sprms, 2.9.321 `TDefTableOperand`, 2.9.320 `TC80`):
//! from each row's table properties (a TAP built from the row's sprms) and
//! its cells as read from the text, to the [`RawTable`] that
//! [`Table::from_raw`](crate::model::Table::from_raw) resolves into a grid.
//!
//! A `.doc` row describes its own geometry: `rgdxaCenter` lists the x
//! positions (twips) of the row's cell edges, and rows of one table need not
//! share them. Word and LibreOffice lay a table out on one grid made of the
//! edges of all its rows; [`raw_table`] does the same:
//!
//! * **Grid lines.** The edges of all rows, sorted, are snapped into grid
//!   lines: an edge at most [`SNAP_TWIPS`] to the right of the first edge of
//!   the current line belongs to that line. \[MS-DOC\] itself treats edges
//!   that differ by at most 3 twips as the same edge (cells merge vertically
//!   only if their edges differ by no more than that), and real files jitter
//!   by a twip or two between rows; without snapping each jitter would add a
//!   one-twip grid column and shift every span after it. LibreOffice uses 4.
//! * **Cells.** A cell covers the grid columns between the lines of its left
//!   and right edge (`col_span`); a row whose first edge is right of the first
//!   line gets `grid_before`, one whose last edge is left of the last line
//!   `grid_after`. This is how Word 2000 and later write horizontal merges (one
//!   wide cell).
//! * **Old-style horizontal merges** (Word 97, some WPS files): every merged
//!   cell keeps its own cell mark; the first has `fFirstMerged`, the others
//!   `fMerged`. A cell with `fMerged` (and not `fFirstMerged`) is folded into
//!   the cell before it, whatever that cell's flags, so that the result is
//!   one cell over all their columns.
//! * **Degenerate cells** whose two edges fall on the same grid line (zero or
//!   snapped-away width; LibreOffice drops them as non-existent) are folded
//!   into the cell before them, or the one after for the first cell of a row.
//! * **Folded text.** The text of a folded cell is kept: non-empty texts are
//!   joined with `\n` (nested tables are appended), so that nothing is lost.
//! * **Vertical merges.** `fVertRestart` becomes [`VMerge::Restart`],
//!   `fVertMerge` alone [`VMerge::Continue`]; a horizontally merged group
//!   takes the flags of its first cell. `Table::from_raw` drops the text of a
//!   continuation cell, so a non-empty one is first moved to the cell it
//!   continues (the cell covering the same grid column in the row above,
//!   found the way `from_raw` finds it), joined with `\n`.
//! * **Damaged rows never panic.** A row whose TAP has no cells, or whose
//!   edges decrease, is laid out one grid column per cell from column 0
//!   without merges; cell marks beyond the TAP's cells get one column each
//!   after the row's last edge; TAP cells without a cell mark become empty
//!   cells of their width. Each kind is reported once per table as a
//!   [`Warning`].

use super::sprm::{Sprm, Sprms};
use crate::binary::{i16_at, u16_at, u8_at};
use crate::model::{RawCell, RawRow, RawTable, VMerge, Warning};

/// Most cells one row may define: Word's limit is 63 (\[MS-DOC\] 2.9.321);
/// anything above is damage and is cut, with [`Tap::damaged`] set.
pub(crate) const MAX_CELLS: usize = 64;

/// Two cell edges at most this far apart (twips) are one grid line (see the
/// module documentation).
pub(crate) const SNAP_TWIPS: i32 = 3;

/// Size of one `TC80` in a `TDefTableOperand`.
const TC80_LEN: usize = 20;

/// sprmTDefTable.
const T_DEF_TABLE: u16 = 0xD608;
/// sprmTTableHeader.
const T_TABLE_HEADER: u16 = 0x3404;
/// sprmTMerge: `itcFirst`, `itcLim`.
const T_MERGE: u16 = 0x5624;
/// sprmTSplit: `itcFirst`, `itcLim`.
const T_SPLIT: u16 = 0x5625;
/// sprmTVertMerge: `cb`, `itc`, `vertMergeFlags` (`arg` is after `cb`).
const T_VERT_MERGE: u16 = 0xD62B;
/// sprmTInsert: `itcInsert`, `ctc`, `dxaCol`.
const T_INSERT: u16 = 0x7621;
/// sprmTDelete: `itcFirst`, `itcLim`.
const T_DELETE: u16 = 0x5622;
/// sprmTDxaCol: `itcFirst`, `itcLim`, `dxaCol`.
const T_DXA_COL: u16 = 0x7623;
/// sprmTDxaLeft: the row's left edge.
const T_DXA_LEFT: u16 = 0x9601;
/// sprmTDxaGapHalf: half the space between cells.
const T_DXA_GAP_HALF: u16 = 0x9602;

/// The properties of one table cell that matter for the grid, out of a `TC80`
/// of sprmTDefTable or later sprms.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Tc {
    /// `fFirstMerged`: first cell of an old-style horizontal merge.
    pub first_merged: bool,
    /// `fMerged`: merged with the cell before it (old-style horizontal merge).
    pub merged: bool,
    /// Vertical merge from `fVertMerge` / `fVertRestart`.
    pub v_merge: VMerge,
    /// `fVertical`: text flows vertically.
    pub vertical: bool,
    /// `fBackward`: vertical text flows bottom to top.
    pub backward: bool,
    /// `fRotateFont`: East Asian characters rotated.
    pub rotate_font: bool,
    /// `vertAlign`: 0 top, 1 center, 2 bottom.
    pub vert_align: u8,
    /// `wWidth`: preferred width (unit given by `ftsWidth`), informational.
    pub width: u16,
}

impl Tc {
    /// Decode a `TC80` (20 bytes; shorter input reads as defaults).
    fn from_tc80(b: &[u8]) -> Tc {
        let flags = u16_at(b, 0).unwrap_or(0);
        Tc {
            first_merged: flags & 0x0001 != 0,
            merged: flags & 0x0002 != 0,
            vertical: flags & 0x0004 != 0,
            backward: flags & 0x0008 != 0,
            rotate_font: flags & 0x0010 != 0,
            v_merge: v_merge_from_bits((flags >> 5) as u8),
            vert_align: ((flags >> 7) & 3) as u8,
            width: u16_at(b, 2).unwrap_or(0),
        }
    }

    /// Whether this cell continues an old-style horizontal merge.
    fn continues_horizontally(&self) -> bool {
        self.merged && !self.first_merged
    }
}

/// `fVertMerge` (bit 0) and `fVertRestart` (bit 1), as in `TCGRF.vertMerge`
/// and sprmTVertMerge's `vertMergeFlags`: 1 continues, 3 restarts; 2 (which
/// \[MS-DOC\] reserves) is read by its restart bit.
fn v_merge_from_bits(bits: u8) -> VMerge {
    match bits & 3 {
        0 => VMerge::None,
        1 => VMerge::Continue,
        _ => VMerge::Restart,
    }
}

/// Table properties of one row (the part of a TAP that shapes the grid),
/// built by applying the row's sprms in order with [`Tap::apply`].
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Tap {
    /// `rgdxaCenter`: x positions of the cell edges in twips, one more than
    /// `tcs` (or empty before any sprmTDefTable).
    pub centers: Vec<i32>,
    /// One entry per cell.
    pub tcs: Vec<Tc>,
    /// sprmTTableHeader: a header row repeated on each page.
    pub header: bool,
    /// sprmTDxaLeft: where the row's left edge goes (applied by
    /// [`Tap::edges`], as LibreOffice does, after all sprms).
    pub dxa_left: Option<i16>,
    /// sprmTDxaGapHalf.
    pub gap_half: i16,
    /// A definition was cut or read short: more than [`MAX_CELLS`] cells, or
    /// an operand shorter than its cell count. Worth a warning.
    pub damaged: bool,
}

impl Tap {
    /// The TAP of a row whose sprms are `grpprl`; a group that ends inside a
    /// sprm marks the TAP [`damaged`](Tap::damaged).
    pub fn from_grpprl(grpprl: &[u8]) -> Tap {
        let mut tap = Tap::default();
        let mut sprms = Sprms::new(grpprl);
        for s in sprms.by_ref() {
            tap.apply(&s);
        }
        tap.damaged |= sprms.truncated();
        tap
    }

    /// Number of cells the row defines.
    pub fn n_cells(&self) -> usize {
        self.tcs.len()
    }

    /// Apply one sprm. Table sprms that do not change the grid (borders,
    /// shading, padding, widths, heights, …) and non-table sprms are ignored.
    pub fn apply(&mut self, s: &Sprm<'_>) {
        let a = s.arg;
        let b = |i: usize| usize::from(u8_at(a, i).unwrap_or(0));
        match s.op {
            T_DEF_TABLE => self.def_table(a),
            T_TABLE_HEADER => self.header = s.u8() != 0,
            T_MERGE => {
                let (first, lim) = self.range(b(0), b(1));
                for (i, tc) in self.tcs.iter_mut().enumerate().take(lim).skip(first) {
                    tc.first_merged = i == first;
                    tc.merged = i != first;
                }
            }
            T_SPLIT => {
                let (first, lim) = self.range(b(0), b(1));
                for tc in self.tcs.iter_mut().take(lim).skip(first) {
                    tc.first_merged = false;
                    tc.merged = false;
                }
            }
            T_VERT_MERGE => {
                if let (Some(tc), Some(flags)) = (self.tcs.get_mut(b(0)), u8_at(a, 1)) {
                    tc.v_merge = v_merge_from_bits(flags);
                }
            }
            T_INSERT => {
                let dxa = u16_at(a, 2).map_or(0, |v| i32::from(v as i16).max(0));
                self.insert(b(0), b(1), dxa);
            }
            T_DELETE => {
                let (first, lim) = self.range(b(0), b(1));
                if first < lim {
                    self.tcs.drain(first..lim);
                    // Edges from itcLim on move down to itcFirst: the cell
                    // before the deleted ones now reaches to where they ended.
                    self.centers.drain(first..lim);
                }
            }
            T_DXA_COL => {
                let (first, lim) = self.range(b(0), b(1));
                let width = i32::from(i16_at(a, 2).unwrap_or(0));
                for i in first..lim {
                    let (Some(&l), Some(&r)) = (self.centers.get(i), self.centers.get(i + 1))
                    else {
                        break;
                    };
                    let delta = width - (r - l);
                    for c in self.centers.iter_mut().skip(i + 1) {
                        *c = c.saturating_add(delta);
                    }
                }
            }
            T_DXA_LEFT => self.dxa_left = i16_at(a, 0),
            T_DXA_GAP_HALF => self.gap_half = i16_at(a, 0).unwrap_or(0),
            _ => {}
        }
    }

    /// `itcFirst..itcLim` clipped to the defined cells.
    fn range(&self, first: usize, lim: usize) -> (usize, usize) {
        let lim = lim.min(self.tcs.len());
        (first.min(lim), lim)
    }

    /// sprmTDefTable: replace the row's cells with the operand's.
    fn def_table(&mut self, a: &[u8]) {
        let declared = usize::from(u8_at(a, 0).unwrap_or(0));
        // Edges present in the operand, at most declared + 1.
        let edges_present = (a.len().saturating_sub(1) / 2).min(declared + 1);
        let n = declared.min(MAX_CELLS).min(edges_present.saturating_sub(1));
        self.damaged |= n < declared;
        self.centers = (0..=n)
            .take(edges_present)
            .map(|i| i32::from(i16_at(a, 1 + 2 * i).unwrap_or(0)))
            .collect();
        // The TC80s follow the declared edges; there may be fewer than cells
        // (the rest are defaults).
        let tc_at = 1 + 2 * (declared + 1);
        self.tcs = (0..n)
            .map(|i| {
                let off = tc_at + TC80_LEN * i;
                a.get(off..(off + TC80_LEN).min(a.len()))
                    .map_or_else(Tc::default, Tc::from_tc80)
            })
            .collect();
        if self.centers.len() != self.tcs.len() + 1 {
            // Only when not even one edge was present.
            self.centers.clear();
            self.tcs.clear();
        }
    }

    /// sprmTInsert: `ctc` new cells `dxa` wide at `at`; the cells from `at` on
    /// move right. An `at` past the last cell appends cells up to it first.
    fn insert(&mut self, at: usize, ctc: usize, dxa: i32) {
        let Some(&last) = self.centers.last() else {
            return;
        };
        let n = self.tcs.len();
        let (at, count) = if at > n { (n, at - n + ctc) } else { (at, ctc) };
        let room = MAX_CELLS.saturating_sub(n);
        if count > room {
            self.damaged = true;
        }
        let count = count.min(room);
        if count == 0 {
            return;
        }
        let left = self.centers.get(at).copied().unwrap_or(last);
        let shift = dxa.saturating_mul(count as i32);
        for c in self.centers.iter_mut().skip(at) {
            *c = c.saturating_add(shift);
        }
        let new_edges = (1..=count).map(|k| left.saturating_add(dxa.saturating_mul(k as i32)));
        // Edge `at` stays where it was (`left`); the new cells end at
        // left + k·dxa, the last of which is the moved old edge `at`.
        let tail: Vec<i32> = self.centers.split_off(at);
        self.centers.push(left);
        self.centers.extend(new_edges.take(count - 1));
        self.centers.extend(tail);
        self.tcs
            .splice(at..at, std::iter::repeat_n(Tc::default(), count));
    }

    /// The row's cell edges in twips, after sprmTDxaLeft: when given, the row
    /// moves so that its first edge plus `dxaGapHalf` is at `dxaLeft`.
    pub fn edges(&self) -> Vec<i32> {
        let shift = match (self.dxa_left, self.centers.first()) {
            (Some(left), Some(&first)) => {
                i32::from(left) - first.saturating_add(i32::from(self.gap_half))
            }
            _ => 0,
        };
        self.centers
            .iter()
            .map(|c| c.saturating_add(shift))
            .collect()
    }
}

/// One table row as the body reader found it: one [`RawCell`] per cell mark
/// (text and nested tables filled in; spans and merge state are set here)
/// and the row's TAP.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct DocRow {
    /// The row's cells in text order.
    pub cells: Vec<RawCell>,
    /// The row's table properties.
    pub tap: Tap,
}

/// What went wrong in a table, reported once per kind.
#[derive(Default)]
struct Issues {
    /// (code, first message, count) in order of first appearance.
    found: Vec<(&'static str, String, usize)>,
}

impl Issues {
    fn note(&mut self, code: &'static str, msg: impl FnOnce() -> String) {
        match self.found.iter_mut().find(|(c, _, _)| *c == code) {
            Some(entry) => entry.2 += 1,
            None => self.found.push((code, msg(), 1)),
        }
    }

    fn emit(self, warnings: &mut Vec<Warning>, location: &str) {
        for (code, msg, count) in self.found {
            let msg = if count > 1 {
                format!("{msg} (and {} more rows like it)", count - 1)
            } else {
                msg
            };
            warnings.push(Warning::new(code, msg, Some(location.to_string())));
        }
    }
}

/// A cell placed on the grid before vertical merges are looked at.
struct Placed {
    cell: RawCell,
    col: usize,
    span: usize,
}

/// Lay the rows of one table out on one grid (see the module documentation
/// for the rules) and describe them as a [`RawTable`] for
/// [`Table::from_raw`](crate::model::Table::from_raw). Damage is reported to
/// `warnings` with `location`; the result is always usable.
pub(crate) fn raw_table(
    rows: Vec<DocRow>,
    warnings: &mut Vec<Warning>,
    location: &str,
) -> RawTable {
    let mut issues = Issues::default();
    // Each row's edges, or None when the row cannot be laid out by them.
    let edges: Vec<Option<Vec<i32>>> = rows
        .iter()
        .enumerate()
        .map(|(r, row)| {
            if row.tap.damaged {
                issues.note("table_definition_truncated", || {
                    format!("row {r}: the table definition is cut short or defines too many cells")
                });
            }
            let e = row.tap.edges();
            let usable = row.tap.n_cells() > 0
                && e.len() == row.tap.n_cells() + 1
                && e.windows(2).all(|w| w.first() <= w.get(1));
            if !usable && !row.cells.is_empty() {
                issues.note("table_definition_invalid", || {
                    format!(
                        "row {r}: the table definition has no usable cell edges; its {} cells get one column each",
                        row.cells.len()
                    )
                });
            }
            usable.then_some(e)
        })
        .collect();
    let (line_of, n_lines) = grid_lines(&edges);
    let n_cols = n_lines.saturating_sub(1);

    let mut placed_rows: Vec<(Vec<Placed>, bool)> = Vec::with_capacity(rows.len());
    for (r, (row, lines)) in rows.into_iter().zip(line_of).enumerate() {
        let n_tap = row.tap.n_cells();
        let n_marks = row.cells.len();
        let placed = match lines {
            Some(lines) => {
                if n_marks != n_tap {
                    issues.note("table_definition_mismatch", || {
                        format!("row {r} has {n_marks} cells but its table definition {n_tap}")
                    });
                }
                place_by_edges(row.cells, &row.tap.tcs, &lines)
            }
            None => {
                if n_marks == 0 {
                    issues.note("table_definition_mismatch", || {
                        format!("row {r} has no cells")
                    });
                }
                row.cells
                    .into_iter()
                    .enumerate()
                    .map(|(col, cell)| Placed {
                        cell: RawCell {
                            col_span: 1,
                            row_span: 1,
                            v_merge: VMerge::None,
                            ..cell
                        },
                        col,
                        span: 1,
                    })
                    .collect()
            }
        };
        placed_rows.push((placed, row.tap.header));
    }

    let rows = placed_rows
        .into_iter()
        .map(|(placed, header)| {
            let first = placed.first().map_or(0, |p| p.col);
            let end = placed.last().map_or(0, |p| p.col + p.span);
            RawRow {
                grid_before: first as u32,
                grid_after: n_cols.saturating_sub(end) as u32,
                header,
                cells: placed.into_iter().map(|p| p.cell).collect(),
            }
        })
        .collect();
    issues.emit(warnings, location);
    RawTable {
        grid_cols: (n_cols > 0).then_some(n_cols as u32),
        rows,
    }
}

/// Snap the edges of all usable rows into grid lines: for each row, the line
/// of each of its edges, and the number of lines.
fn grid_lines(edges: &[Option<Vec<i32>>]) -> (Vec<Option<Vec<usize>>>, usize) {
    let mut all: Vec<(i32, usize, usize)> = edges
        .iter()
        .enumerate()
        .filter_map(|(r, e)| e.as_ref().map(|e| (r, e)))
        .flat_map(|(r, e)| e.iter().enumerate().map(move |(k, &x)| (x, r, k)))
        .collect();
    all.sort_unstable();
    let mut line_of: Vec<Option<Vec<usize>>> = edges
        .iter()
        .map(|e| e.as_ref().map(|e| vec![0; e.len()]))
        .collect();
    let mut n_lines = 0usize;
    let mut line_start = i32::MIN;
    for (x, r, k) in all {
        if n_lines == 0 || i64::from(x) - i64::from(line_start) > i64::from(SNAP_TWIPS) {
            n_lines += 1;
            line_start = x;
        }
        if let Some(slot) = line_of
            .get_mut(r)
            .and_then(|l| l.as_mut())
            .and_then(|l| l.get_mut(k))
        {
            *slot = n_lines - 1;
        }
    }
    (line_of, n_lines)
}

/// Join `from`'s text and nested tables onto `into` (non-empty texts joined
/// with `\n`).
fn absorb(into: &mut RawCell, from: RawCell) {
    if !from.text.is_empty() {
        if !into.text.is_empty() {
            into.text.push('\n');
        }
        into.text.push_str(&from.text);
    }
    into.tables.extend(from.tables);
}

/// Place a row's cells by its TAP: `lines[i]` is the grid line of edge `i`.
fn place_by_edges(cells: Vec<RawCell>, tcs: &[Tc], lines: &[usize]) -> Vec<Placed> {
    let mut out: Vec<Placed> = Vec::with_capacity(tcs.len());
    // Text of degenerate cells at the start of the row, for the first real cell.
    let mut carry: Option<RawCell> = None;
    let mut cells = cells.into_iter();
    for (i, tc) in tcs.iter().enumerate() {
        // TAP cells without a cell mark still take their place, empty.
        let cell = cells.next().unwrap_or_default();
        let (Some(&left), Some(&right)) = (lines.get(i), lines.get(i + 1)) else {
            break;
        };
        let degenerate = right <= left;
        if degenerate || tc.continues_horizontally() {
            if let Some(prev) = out.last_mut() {
                prev.span = prev.span.max(right.saturating_sub(prev.col));
                absorb(&mut prev.cell, cell);
                continue;
            }
            if degenerate {
                match carry.as_mut() {
                    Some(c) => absorb(c, cell),
                    None => carry = Some(cell),
                }
                continue;
            }
        }
        let mut cell = RawCell {
            v_merge: tc.v_merge,
            row_span: 1,
            ..cell
        };
        if let Some(mut before) = carry.take() {
            // Degenerate cells before this one: their text comes first.
            let own = RawCell {
                text: std::mem::take(&mut cell.text),
                tables: std::mem::take(&mut cell.tables),
                ..RawCell::default()
            };
            absorb(&mut before, own);
            cell.text = before.text;
            cell.tables = before.tables;
        }
        out.push(Placed {
            cell,
            col: left,
            span: right - left,
        });
    }
    // A row of degenerate cells only: keep their text in a one-column cell.
    if let Some(c) = carry {
        let col = lines.first().copied().unwrap_or(0);
        out.push(Placed {
            cell: RawCell {
                v_merge: VMerge::None,
                ..c
            },
            col,
            span: 1,
        });
    }
    // Cell marks beyond the TAP's cells: one column each after the row.
    let after = out.last().map_or(0, |p| p.col + p.span);
    for (col, cell) in (after..).zip(cells) {
        out.push(Placed {
            cell: RawCell {
                v_merge: VMerge::None,
                ..cell
            },
            col,
            span: 1,
        });
    }
    for p in &mut out {
        p.cell.col_span = p.span as u32;
        p.cell.row_span = 1;
        p.cell.covered = false;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Table;

    // ---- builders -------------------------------------------------------

    const FIRST: u16 = 0x0001;
    const MERGED: u16 = 0x0002;
    const V_CONT: u16 = 0x0020;
    const V_RESTART: u16 = 0x0060;

    /// sprmTDefTable with these edges and `TC80` flags (fewer flags than
    /// cells leave the rest of the `TC80`s out).
    fn tdef(edges: &[i16], flags: &[u16]) -> Vec<u8> {
        let mut arg = vec![edges.len().saturating_sub(1) as u8];
        for e in edges {
            arg.extend(e.to_le_bytes());
        }
        for f in flags {
            let mut tc = [0u8; TC80_LEN];
            tc[..2].copy_from_slice(&f.to_le_bytes());
            arg.extend(tc);
        }
        let mut out = T_DEF_TABLE.to_le_bytes().to_vec();
        out.extend(((arg.len() + 1) as u16).to_le_bytes());
        out.extend(arg);
        out
    }

    /// A sprm with a fixed-size operand.
    fn sprm(op: u16, arg: &[u8]) -> Vec<u8> {
        let mut out = op.to_le_bytes().to_vec();
        out.extend(arg);
        out
    }

    fn merge(first: u8, lim: u8) -> Vec<u8> {
        sprm(T_MERGE, &[first, lim])
    }

    fn vmerge(itc: u8, flags: u8) -> Vec<u8> {
        sprm(T_VERT_MERGE, &[2, itc, flags])
    }

    fn header() -> Vec<u8> {
        sprm(T_TABLE_HEADER, &[1])
    }

    fn row(sprms: &[Vec<u8>], texts: &[&str]) -> DocRow {
        DocRow {
            cells: texts.iter().map(|t| RawCell::new(*t)).collect(),
            tap: Tap::from_grpprl(&sprms.concat()),
        }
    }

    type Anchor = (u32, u32, u32, u32, String);

    fn resolve(rows: Vec<DocRow>) -> (Table, Vec<Anchor>, Vec<String>) {
        let mut w = Vec::new();
        let raw = raw_table(rows, &mut w, "t");
        let t = Table::from_raw(raw, "t", &mut w);
        assert_rectangular(&t);
        let anchors = t
            .cells
            .iter()
            .map(|c| (c.row, c.col, c.row_span, c.col_span, c.text.clone()))
            .collect();
        (t, anchors, w.into_iter().map(|w| w.code).collect())
    }

    /// Every grid position is covered by exactly the cell whose span holds it.
    fn assert_rectangular(t: &Table) {
        assert_eq!(t.grid.len(), t.n_rows as usize);
        for (r, line) in t.grid.iter().enumerate() {
            assert_eq!(line.len(), t.n_cols as usize);
            for (c, &i) in line.iter().enumerate() {
                let cell = &t.cells[i as usize];
                let (r, c) = (r as u32, c as u32);
                assert!(cell.row <= r && r < cell.row + cell.row_span, "{t:?}");
                assert!(cell.col <= c && c < cell.col + cell.col_span, "{t:?}");
            }
        }
    }

    fn a(row: u32, col: u32, rs: u32, cs: u32, text: &str) -> Anchor {
        (row, col, rs, cs, text.to_string())
    }

    // ---- parsing --------------------------------------------------------

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    #[test]
    fn parses_definitions_written_by_word() {
        // sprmTDefTable of table-merges.doc (Apache POI test data): four
        // cells, the first with fVertMerge|fVertRestart.
        let tap = Tap::from_grpprl(&hex(concat!(
            "08d65c0004000026046a16d41f562460000000040101000401010004010100",
            "000000000000000004010100040101000401010000000000000000000401",
            "010004010100040101000000000000000000040101000401010004010100",
            "04010100"
        )));
        assert!(!tap.damaged);
        assert_eq!(tap.centers, [0, 1062, 5738, 8148, 9302]);
        assert_eq!(tap.tcs[0].v_merge, VMerge::Restart);
        assert!(tap.tcs[1..].iter().all(|tc| *tc == Tc::default()));
        // simple-table2.doc: the row starts left of the margin; each TC80
        // carries ftsWidth 3 (twips) and its width.
        let tap = Tap::from_grpprl(&hex(concat!(
            "08d646000394ff0c0c8418fc240006780c00000000000000000000000000",
            "0000000006780c000000000000000000000000000000000006780c000000",
            "00000000000000000000000000"
        )));
        assert!(!tap.damaged);
        assert_eq!(tap.centers, [-108, 3084, 6276, 9468]);
        assert_eq!(tap.tcs.len(), 3);
        assert!(tap.tcs.iter().all(|tc| tc.width == 3192 && !tc.merged));
    }

    #[test]
    fn missing_tc80s_are_defaults_and_tc_flags_decode() {
        let tap = Tap::from_grpprl(&tdef(&[0, 10, 20, 30], &[FIRST | 0x0100, MERGED | V_CONT]));
        assert_eq!(tap.tcs.len(), 3);
        assert!(tap.tcs[0].first_merged && tap.tcs[0].vert_align == 2);
        assert!(tap.tcs[1].merged && tap.tcs[1].v_merge == VMerge::Continue);
        assert_eq!(tap.tcs[2], Tc::default());
        assert!(!tap.damaged);
    }

    #[test]
    fn sprms_after_the_definition_edit_it() {
        let mut tap = Tap::from_grpprl(&tdef(&[0, 100, 200, 300, 400], &[]));
        tap.apply(&Sprm {
            op: T_MERGE,
            arg: &[1, 3],
        });
        assert!(tap.tcs[1].first_merged && tap.tcs[2].merged && !tap.tcs[3].merged);
        tap.apply(&Sprm {
            op: T_SPLIT,
            arg: &[0, 9],
        });
        assert!(tap.tcs.iter().all(|tc| !tc.first_merged && !tc.merged));
        tap.apply(&Sprm {
            op: T_VERT_MERGE,
            arg: &[3, 3],
        });
        tap.apply(&Sprm {
            op: T_VERT_MERGE,
            arg: &[2, 1],
        });
        tap.apply(&Sprm {
            op: T_VERT_MERGE,
            arg: &[200, 1],
        });
        assert_eq!(tap.tcs[3].v_merge, VMerge::Restart);
        assert_eq!(tap.tcs[2].v_merge, VMerge::Continue);
        // Two 50-twip cells before cell 1; the rest move right.
        tap.apply(&Sprm {
            op: T_INSERT,
            arg: &[1, 2, 50, 0],
        });
        assert_eq!(tap.centers, [0, 100, 150, 200, 300, 400, 500]);
        assert_eq!(tap.tcs.len(), 6);
        assert_eq!(tap.tcs[4].v_merge, VMerge::Continue);
        // Past the end: pads to itcInsert, then inserts.
        tap.apply(&Sprm {
            op: T_INSERT,
            arg: &[7, 1, 10, 0],
        });
        assert_eq!(tap.centers, [0, 100, 150, 200, 300, 400, 500, 510, 520]);
        // Delete cells 1..3: cell 0 now reaches to the old edge 3.
        tap.apply(&Sprm {
            op: T_DELETE,
            arg: &[1, 3],
        });
        assert_eq!(tap.centers, [0, 200, 300, 400, 500, 510, 520]);
        assert_eq!(tap.tcs.len(), 6);
        // Cells 0..2 become 60 wide.
        tap.apply(&Sprm {
            op: T_DXA_COL,
            arg: &[0, 2, 60, 0],
        });
        assert_eq!(tap.centers, [0, 60, 120, 220, 320, 330, 340]);
        tap.apply(&Sprm {
            op: T_TABLE_HEADER,
            arg: &[1],
        });
        assert!(tap.header);
        // dxaLeft 0 with dxaGapHalf 108: the first edge goes to -108.
        tap.apply(&Sprm {
            op: T_DXA_GAP_HALF,
            arg: &[108, 0],
        });
        tap.apply(&Sprm {
            op: T_DXA_LEFT,
            arg: &[0, 0],
        });
        assert_eq!(tap.edges()[..2], [-108, -48]);
        assert!(!tap.damaged);
    }

    #[test]
    fn insert_stops_at_the_cell_limit() {
        let mut tap = Tap::from_grpprl(&tdef(&[0, 10], &[]));
        for _ in 0..10 {
            tap.apply(&Sprm {
                op: T_INSERT,
                arg: &[0, 255, 10, 0],
            });
        }
        assert_eq!(tap.tcs.len(), MAX_CELLS);
        assert_eq!(tap.centers.len(), MAX_CELLS + 1);
        assert!(tap.damaged);
    }

    // ---- grids ----------------------------------------------------------

    #[test]
    fn plain_three_by_three() {
        let e = [0, 1500, 3000, 4500];
        let rows = (0..3)
            .map(|r| {
                let t: Vec<String> = (0..3).map(|c| format!("{r}{c}")).collect();
                let t: Vec<&str> = t.iter().map(String::as_str).collect();
                row(&[tdef(&e, &[0, 0, 0])], &t)
            })
            .collect();
        let (t, anchors, w) = resolve(rows);
        assert!(w.is_empty(), "{w:?}");
        assert_eq!((t.n_rows, t.n_cols, t.header_rows), (3, 3, 0));
        let want: Vec<Anchor> = (0..3)
            .flat_map(|r| (0..3).map(move |c| a(r, c, 1, 1, &format!("{r}{c}"))))
            .collect();
        assert_eq!(anchors, want);
    }

    // Table 三 of a government information disclosure annual report
    // (收到和处理政府信息公开申请情况): a three-row header over nine columns,
    // then a body row.
    const NOTE: &str = "本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和";
    const SUB: [&str; 5] = [
        "商业企业",
        "科研机构",
        "社会公益组织",
        "法律服务机构",
        "其他",
    ];
    const BODY: &str = "一、本年新收政府信息公开申请数量";
    /// The nine columns' edges: two narrow label columns, 自然人, five
    /// sub-columns, 总计.
    const X: [i16; 10] = [0, 1300, 2600, 3500, 4400, 5300, 6200, 7100, 8000, 8900];

    fn table_three_expected() -> Vec<Anchor> {
        let mut want = vec![
            a(0, 0, 3, 2, NOTE),
            a(0, 2, 1, 7, "申请人情况"),
            a(1, 2, 2, 1, "自然人"),
            a(1, 3, 1, 5, "法人或其他组织"),
            a(1, 8, 2, 1, "总计"),
        ];
        want.extend((0..5).map(|i| a(2, 3 + i, 1, 1, SUB[i as usize])));
        want.push(a(3, 0, 1, 2, BODY));
        want.extend((0..7).map(|i| a(3, 2 + i, 1, 1, &i.to_string())));
        want.push(a(4, 0, 1, 1, RESULT));
        want.push(a(4, 1, 1, 1, OPEN));
        want.extend((0..7).map(|i| a(4, 2 + i, 1, 1, &(7 + i).to_string())));
        want
    }

    fn body_texts() -> Vec<&'static str> {
        vec![BODY, "0", "1", "2", "3", "4", "5", "6"]
    }

    const RESULT: &str = "三、本年度办理结果";
    const OPEN: &str = "（一）予以公开";

    /// A body row that splits the two label columns (the only row that
    /// does: without it they would be one grid column).
    fn split_row() -> DocRow {
        row(
            &[tdef(&X, &[])],
            &[RESULT, OPEN, "7", "8", "9", "10", "11", "12", "13"],
        )
    }

    fn check_table_three(rows: Vec<DocRow>) {
        let (t, anchors, w) = resolve(rows);
        assert!(w.is_empty(), "{w:?}");
        assert_eq!((t.n_rows, t.n_cols, t.header_rows), (5, 9, 3));
        assert_eq!(anchors, table_three_expected());
        assert_eq!(t.cell_at(2, 1).unwrap().text, NOTE);
        assert_eq!(t.cell_at(2, 8).unwrap().text, "总计");
    }

    #[test]
    fn table_three_with_cell_edges_and_vertical_merge_flags() {
        let x = |i: usize| X[i];
        let mut sub = vec!["", ""];
        sub.extend(SUB);
        sub.push("");
        check_table_three(vec![
            row(
                &[tdef(&[x(0), x(2), x(9)], &[V_RESTART]), header()],
                &[NOTE, "申请人情况"],
            ),
            row(
                &[
                    tdef(
                        &[x(0), x(2), x(3), x(8), x(9)],
                        &[V_CONT, V_RESTART, 0, V_RESTART],
                    ),
                    header(),
                ],
                &["", "自然人", "法人或其他组织", "总计"],
            ),
            row(
                &[
                    tdef(
                        &[x(0), x(2), x(3), x(4), x(5), x(6), x(7), x(8), x(9)],
                        &[V_CONT, V_CONT, 0, 0, 0, 0, 0, V_CONT],
                    ),
                    header(),
                ],
                &sub,
            ),
            row(
                &[tdef(
                    &[x(0), x(2), x(3), x(4), x(5), x(6), x(7), x(8), x(9)],
                    &[],
                )],
                &body_texts(),
            ),
            split_row(),
        ]);
    }

    /// Rows of nine cells each on the same edges, in Word 97's style.
    fn nine(flags: &[u16], extra: &[Vec<u8>], texts: &[&str]) -> DocRow {
        let mut sprms = vec![tdef(&X, flags)];
        sprms.extend_from_slice(extra);
        row(&sprms, texts)
    }

    #[test]
    fn table_three_old_style_first_merged_and_merged() {
        let (f, m) = (FIRST, MERGED);
        let mut sub = vec!["", "", ""];
        sub.extend(SUB);
        sub.push("");
        check_table_three(vec![
            nine(
                &[f | V_RESTART, m | V_RESTART, f, m, m, m, m, m, m],
                &[header()],
                &[NOTE, "", "申请人情况", "", "", "", "", "", ""],
            ),
            nine(
                &[f | V_CONT, m | V_CONT, V_RESTART, f, m, m, m, m, V_RESTART],
                &[header()],
                &["", "", "自然人", "法人或其他组织", "", "", "", "", "总计"],
            ),
            nine(
                &[f | V_CONT, m | V_CONT, V_CONT, 0, 0, 0, 0, 0, V_CONT],
                &[header()],
                &sub,
            ),
            nine(&[f, m], &[], &[BODY, "", "0", "1", "2", "3", "4", "5", "6"]),
            split_row(),
        ]);
    }

    #[test]
    fn table_three_with_merge_sprms_after_the_definition() {
        let mut sub = vec!["", "", ""];
        sub.extend(SUB);
        sub.push("");
        check_table_three(vec![
            nine(
                &[],
                &[merge(0, 2), merge(2, 9), vmerge(0, 3), header()],
                &[NOTE, "", "申请人情况", "", "", "", "", "", ""],
            ),
            nine(
                &[],
                &[
                    merge(0, 2),
                    merge(3, 8),
                    vmerge(0, 1),
                    vmerge(2, 3),
                    vmerge(8, 3),
                    header(),
                ],
                &["", "", "自然人", "法人或其他组织", "", "", "", "", "总计"],
            ),
            nine(
                &[],
                &[
                    merge(0, 2),
                    vmerge(0, 1),
                    vmerge(2, 1),
                    vmerge(8, 1),
                    header(),
                ],
                &sub,
            ),
            nine(
                &[],
                &[merge(0, 2)],
                &[BODY, "", "0", "1", "2", "3", "4", "5", "6"],
            ),
            split_row(),
        ]);
    }

    /// The header as the brief sketches it, with the note over two rows
    /// only: the third row then starts right of the first two columns.
    #[test]
    fn table_three_with_a_two_row_note_leaves_grid_before() {
        let x = |i: usize| X[i];
        let mut sub = vec![""];
        sub.extend(SUB);
        sub.push("");
        let (t, anchors, w) = resolve(vec![
            row(
                &[tdef(&[x(0), x(2), x(9)], &[V_RESTART])],
                &[NOTE, "申请人情况"],
            ),
            row(
                &[tdef(
                    &[x(0), x(2), x(3), x(8), x(9)],
                    &[V_CONT, V_RESTART, 0, V_RESTART],
                )],
                &["", "自然人", "法人或其他组织", "总计"],
            ),
            row(
                &[tdef(
                    &[x(2), x(3), x(4), x(5), x(6), x(7), x(8), x(9)],
                    &[V_CONT, 0, 0, 0, 0, 0, V_CONT],
                )],
                &sub,
            ),
            split_row(),
        ]);
        assert!(w.is_empty(), "{w:?}");
        assert_eq!((t.n_rows, t.n_cols), (4, 9));
        let mut want = vec![
            a(0, 0, 2, 2, NOTE),
            a(0, 2, 1, 7, "申请人情况"),
            a(1, 2, 2, 1, "自然人"),
            a(1, 3, 1, 5, "法人或其他组织"),
            a(1, 8, 2, 1, "总计"),
            // grid_before: two empty positions.
            a(2, 0, 1, 1, ""),
            a(2, 1, 1, 1, ""),
        ];
        want.extend((0..5).map(|i| a(2, 3 + i, 1, 1, SUB[i as usize])));
        assert_eq!(anchors[..12], want);
    }

    #[test]
    fn rows_with_different_edges_share_one_grid() {
        let (t, anchors, w) = resolve(vec![
            row(&[tdef(&[0, 1000, 3000], &[])], &["A", "B"]),
            row(&[tdef(&[0, 2000, 3000], &[])], &["C", "D"]),
        ]);
        assert!(w.is_empty(), "{w:?}");
        assert_eq!((t.n_rows, t.n_cols), (2, 3));
        assert_eq!(
            anchors,
            [
                a(0, 0, 1, 1, "A"),
                a(0, 1, 1, 2, "B"),
                a(1, 0, 1, 2, "C"),
                a(1, 2, 1, 1, "D")
            ]
        );
    }

    #[test]
    fn grid_before_and_after() {
        let (t, anchors, w) = resolve(vec![
            row(&[tdef(&[0, 1000, 2000, 3000], &[])], &["A", "B", "C"]),
            row(&[tdef(&[1000, 2000], &[])], &["M"]),
        ]);
        assert!(w.is_empty(), "{w:?}");
        assert_eq!((t.n_rows, t.n_cols), (2, 3));
        assert_eq!(
            anchors[3..],
            [a(1, 0, 1, 1, ""), a(1, 1, 1, 1, "M"), a(1, 2, 1, 1, "")]
        );
        let mut w = Vec::new();
        let raw = raw_table(
            vec![
                row(&[tdef(&[0, 1000, 2000, 3000], &[])], &["A", "B", "C"]),
                row(&[tdef(&[1000, 2000], &[])], &["M"]),
            ],
            &mut w,
            "t",
        );
        assert_eq!(raw.grid_cols, Some(3));
        assert_eq!((raw.rows[1].grid_before, raw.rows[1].grid_after), (1, 1));
    }

    #[test]
    fn edges_a_few_twips_apart_are_one_grid_line() {
        let (t, anchors, w) = resolve(vec![
            row(&[tdef(&[0, 1000, 2000], &[])], &["A", "B"]),
            row(&[tdef(&[-2, 1002, 2001], &[V_RESTART, 0])], &["C", "D"]),
            row(&[tdef(&[1, 999, 2003], &[V_CONT, 0])], &["", "E"]),
        ]);
        assert!(w.is_empty(), "{w:?}");
        assert_eq!((t.n_rows, t.n_cols), (3, 2));
        assert_eq!(anchors[2], a(1, 0, 2, 1, "C"));
        // Four twips is past the snap: a narrow extra column.
        let (t, anchors, _) = resolve(vec![
            row(&[tdef(&[0, 1000, 2000], &[])], &["A", "B"]),
            row(&[tdef(&[0, 1004, 2000], &[])], &["C", "D"]),
        ]);
        assert_eq!((t.n_rows, t.n_cols), (2, 3));
        assert_eq!(anchors[0], a(0, 0, 1, 1, "A"));
        assert_eq!(anchors[2], a(1, 0, 1, 2, "C"));
    }

    #[test]
    fn folded_cells_keep_their_text() {
        // Old-style merge with text in a continuation; a zero-width cell.
        let (t, anchors, w) = resolve(vec![
            row(
                &[tdef(&[0, 10, 20, 30], &[FIRST, MERGED, 0])],
                &["a", "b", "c"],
            ),
            row(&[tdef(&[0, 20, 20, 30], &[])], &["d", "e", "f"]),
            row(&[tdef(&[0, 0, 20, 30], &[])], &["g", "h", "i"]),
        ]);
        assert!(w.is_empty(), "{w:?}");
        assert_eq!((t.n_rows, t.n_cols), (3, 3));
        assert_eq!(
            anchors,
            [
                a(0, 0, 1, 2, "a\nb"),
                a(0, 2, 1, 1, "c"),
                a(1, 0, 1, 2, "d\ne"),
                a(1, 2, 1, 1, "f"),
                a(2, 0, 1, 2, "g\nh"),
                a(2, 2, 1, 1, "i"),
            ]
        );
    }

    #[test]
    fn continuation_text_moves_to_the_merged_cell() {
        let (_, anchors, w) = resolve(vec![
            row(&[tdef(&[0, 10, 20], &[V_RESTART, 0])], &["top", "x"]),
            row(&[tdef(&[0, 10, 20], &[V_CONT, 0])], &["", "y"]),
            row(&[tdef(&[0, 10, 20], &[V_CONT, 0])], &["stray", "z"]),
        ]);
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(anchors[0], a(0, 0, 3, 1, "top\nstray"));
        // A continuation with nothing above keeps its text as a plain cell.
        let (_, anchors, w) = resolve(vec![row(&[tdef(&[0, 10], &[V_CONT])], &["alone"])]);
        assert_eq!(anchors, [a(0, 0, 1, 1, "alone")]);
        assert_eq!(w, ["vmerge_without_restart"]);
    }

    // ---- damage ---------------------------------------------------------

    #[test]
    fn cell_count_past_the_operand_is_cut() {
        // itcMac 255 but only three edges and no TC80s.
        let mut op = T_DEF_TABLE.to_le_bytes().to_vec();
        op.extend(8u16.to_le_bytes());
        op.extend([255, 0, 0, 0xE8, 0x03, 0xD0, 0x07, 0xAA]);
        let r = DocRow {
            cells: vec![RawCell::new("p"), RawCell::new("q")],
            tap: Tap::from_grpprl(&op),
        };
        assert!(r.tap.damaged);
        assert_eq!(r.tap.centers, [0, 1000, 2000]);
        let (t, anchors, w) = resolve(vec![r]);
        assert_eq!((t.n_rows, t.n_cols), (1, 2));
        assert_eq!(anchors, [a(0, 0, 1, 1, "p"), a(0, 1, 1, 1, "q")]);
        assert_eq!(w, ["table_definition_truncated"]);
        // 100 declared and present: cut at the limit.
        let edges: Vec<i16> = (0..=100).map(|i| i * 10).collect();
        let tap = Tap::from_grpprl(&tdef(&edges, &[]));
        assert_eq!((tap.tcs.len(), tap.damaged), (MAX_CELLS, true));
    }

    #[test]
    fn decreasing_edges_fall_back_to_one_column_per_cell() {
        let (t, anchors, w) = resolve(vec![
            row(&[tdef(&[0, 1000, 2000, 3000], &[])], &["A", "B", "C"]),
            row(
                &[tdef(&[0, 2000, 1000, 3000], &[V_CONT, V_CONT, 0])],
                &["D", "E", "F"],
            ),
        ]);
        assert_eq!(w, ["table_definition_invalid"]);
        assert_eq!((t.n_rows, t.n_cols), (2, 3));
        assert_eq!(
            anchors[3..],
            [a(1, 0, 1, 1, "D"), a(1, 1, 1, 1, "E"), a(1, 2, 1, 1, "F")]
        );
    }

    #[test]
    fn more_cell_marks_than_cells_get_extra_columns() {
        let (t, anchors, w) = resolve(vec![
            row(&[tdef(&[0, 1000, 2000], &[])], &["A", "B"]),
            row(&[tdef(&[0, 2000], &[])], &["C", "D", "E"]),
        ]);
        assert_eq!(w, ["table_definition_mismatch", "grid_span_overflow"]);
        assert_eq!((t.n_rows, t.n_cols), (2, 4));
        assert_eq!(
            anchors,
            [
                a(0, 0, 1, 1, "A"),
                a(0, 1, 1, 1, "B"),
                a(0, 2, 1, 1, ""),
                a(0, 3, 1, 1, ""),
                a(1, 0, 1, 2, "C"),
                a(1, 2, 1, 1, "D"),
                a(1, 3, 1, 1, "E"),
            ]
        );
    }

    #[test]
    fn empty_rows_and_rows_without_a_definition() {
        let (t, anchors, w) = resolve(vec![
            row(&[tdef(&[0, 1000, 2000], &[])], &["A", "B"]),
            row(&[tdef(&[0, 1000, 2000], &[])], &[]),
            row(&[], &[]),
            row(&[], &["X", "Y", "Z"]),
        ]);
        assert_eq!(
            w,
            [
                "table_definition_invalid",
                "table_definition_mismatch",
                "grid_span_overflow"
            ]
        );
        assert_eq!((t.n_rows, t.n_cols), (4, 3));
        assert_eq!(anchors[3], a(1, 0, 1, 1, ""));
        assert_eq!(
            anchors[9..],
            [a(3, 0, 1, 1, "X"), a(3, 1, 1, 1, "Y"), a(3, 2, 1, 1, "Z")]
        );
        // No usable row at all.
        let (t, _, w) = resolve(vec![row(&[], &["only"]), row(&[], &[])]);
        assert_eq!((t.n_rows, t.n_cols), (2, 1));
        assert_eq!(w, ["table_definition_invalid", "table_definition_mismatch"]);
        let (t, _, w) = resolve(Vec::new());
        assert_eq!((t.n_rows, t.n_cols, w.len()), (0, 0, 0));
    }

    #[test]
    fn warnings_are_counted_not_repeated() {
        let rows = (0..50).map(|_| row(&[], &["x"])).collect();
        let (_, _, w) = resolve(rows);
        assert_eq!(w, ["table_definition_invalid"]);
    }

    /// Many rows whose edges all differ make a grid thousands of columns
    /// wide; laying it out stays cheap and `from_raw` bounds the result.
    #[test]
    fn many_distinct_edges_stay_bounded() {
        let rows = (0..2000i32)
            .map(|r| {
                let edges: Vec<i16> = (0..=MAX_CELLS as i32)
                    .map(|k| ((r * 4 + k * 500) % 32000) as i16)
                    .collect();
                let mut edges = edges;
                edges.sort_unstable();
                let texts = vec!["x"; MAX_CELLS];
                row(&[tdef(&edges, &[V_CONT; 8])], &texts)
            })
            .collect();
        let (t, _, w) = resolve(rows);
        assert!(t.n_cols > 1000, "{}", t.n_cols);
        assert!(w.iter().any(|w| w == "table_too_large"), "{w:?}");
    }

    /// Random sprm soup and cell counts never panic and always give a
    /// rectangular grid.
    #[test]
    fn hostile_input_never_panics() {
        let mut seed = 0x2545_F491_4F6C_DD1Du64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let ops = [
            T_DEF_TABLE,
            T_TABLE_HEADER,
            T_MERGE,
            T_SPLIT,
            T_VERT_MERGE,
            T_INSERT,
            T_DELETE,
            T_DXA_COL,
            T_DXA_LEFT,
            T_DXA_GAP_HALF,
        ];
        for _ in 0..400 {
            let n_rows = (next() % 6) as usize;
            let rows = (0..n_rows)
                .map(|_| {
                    let mut tap = Tap::default();
                    for _ in 0..(next() % 6) {
                        let op = ops[(next() % ops.len() as u64) as usize];
                        let len = if op == T_DEF_TABLE {
                            (next() % 200) as usize
                        } else {
                            (next() % 5) as usize
                        };
                        let mut arg: Vec<u8> = (0..len).map(|_| next() as u8).collect();
                        if op == T_DEF_TABLE && next() % 2 == 0 {
                            // Plausible: a small count with increasing edges.
                            let n = (next() % 8) as usize;
                            arg = tdef(
                                &(0..=n as i16).map(|i| i * 100).collect::<Vec<_>>(),
                                &[next() as u16, next() as u16],
                            )[4..]
                                .to_vec();
                        }
                        tap.apply(&Sprm { op, arg: &arg });
                    }
                    let cells = (0..(next() % 10))
                        .map(|i| RawCell::new(i.to_string()))
                        .collect();
                    DocRow { cells, tap }
                })
                .collect();
            resolve(rows);
        }
    }
}
