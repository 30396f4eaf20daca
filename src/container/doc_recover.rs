//! Recovery of a Word binary document whose compound file (OLE) structure is
//! lost, as when a download stops short: Word and LibreOffice write the FAT
//! and the directory at the end of the file (90-99% of the way in, in the
//! public corpus), so a file cut by a few percent keeps nearly all of its
//! streams' data but nothing that says where they are.
//!
//! The streams are found by what they hold instead: the `WordDocument`
//! stream starts with the File Information Block (FIB, [MS-DOC] 2.5.1), at
//! the start of a sector (or of a 64-byte mini sector, for a stream under
//! 4,096 bytes, kept in the mini stream); the FIB says where in the table stream the piece
//! table (`Clx`, 2.9.38) is and how long it is, and the piece table's last
//! character position must equal the sum of the story lengths the FIB
//! gives. A (mini) sector from which the piece table is found so is where
//! the table stream starts. Each stream is then read as one contiguous run of sectors
//! from there, which is how Word writes them; a stream that was not written
//! so reads wrong where it is fragmented, which the warning says.
//!
//! Word 6/95 files (no table stream) need only the `WordDocument` stream.
//! The recovered streams are written into a new, sound compound file, which
//! the ordinary reader then opens.

use super::fib::{split_clx, Fib, Pair, NFIB_WORD97};
use crate::binary::u32_at;
use std::io::{Cursor, Write};

/// The compound file header's length: sector 0 starts after it (its sector
/// size is 512 or 4,096, both multiples of the mini sector's).
const HEADER: usize = 512;
/// A mini sector's length.
const MINI_SECTOR: usize = 64;
/// FIB-like starts tried before giving up.
const MAX_FIBS: usize = 8;

/// A compound file rebuilt from the streams found.
pub(super) struct Recovered {
    /// The new compound file.
    pub bytes: Vec<u8>,
    /// Where each stream was found, for the warning.
    pub found: String,
}

/// The FIB at the start of `w`, when it looks like one this reader knows:
/// Word 97+ with the fixed counts every such FIB has (14 `u16`s, 22 `u32`s,
/// a piece table's pair long enough for one piece), or Word 6/95; not
/// encrypted.
fn plausible_fib(w: &[u8]) -> Option<Fib> {
    if !Fib::starts(w) {
        return None;
    }
    let fib = Fib::parse(w).ok()?;
    if fib.encrypted {
        return None; // nothing to recover
    }
    if fib.n_fib < NFIB_WORD97 {
        return fib.word6.is_some().then_some(fib);
    }
    let plausible = fib.n_fib <= 0x0200
        && fib.csw == 14
        && fib.cslw == 22
        && fib.pair_count() > Pair::Clx as usize
        // A piece table has at least one piece: 1 + 4 + 4 * 2 + 8 bytes.
        && fib.pair(Pair::Clx).lcb >= 21;
    plausible.then_some(fib)
}

/// Whether `clx` is a whole piece table ending at `ccp_total` (or one past
/// it): the `Pcdt` fills the rest of the `Clx` exactly, and its character
/// positions start at 0 and only grow.
fn is_piece_table(clx: &[u8], ccp_total: u64) -> bool {
    let Ok(parts) = split_clx(clx, |_| {}) else {
        return false;
    };
    let lcb = parts.plc.len();
    if lcb != parts.declared || parts.after != 0 || lcb < 16 || (lcb - 4) % 12 != 0 {
        return false;
    }
    let mut last = None;
    for k in 0..=(lcb - 4) / 12 {
        let Some(cp) = u32_at(parts.plc, 4 * k) else {
            return false;
        };
        if last.is_some_and(|prev| cp <= prev) || (last.is_none() && cp != 0) {
            return false;
        }
        last = Some(cp);
    }
    last.is_some_and(|cp| u64::from(cp) == ccp_total || u64::from(cp) == ccp_total + 1)
}

/// Find the streams of a Word document in `bytes` (a compound file whose
/// structure is unreadable) and write them into a new compound file.
/// `None` when no FIB is found, or (Word 97+) no piece table to match it.
pub(super) fn recover(bytes: &[u8]) -> Option<Recovered> {
    // A stream starts at a sector (after the header's 512 bytes), or, under
    // 4,096 bytes, at a 64-byte mini sector inside the mini stream, whose
    // sectors Word and LibreOffice also write one after the other: every
    // 64-byte boundary is a candidate.
    let starts = (HEADER..bytes.len()).step_by(MINI_SECTOR);
    // The first FIB whose piece table is found (a stream may hold bytes that
    // look like a FIB's start: a few are tried).
    let (w_start, fib, table, t_start) = starts
        .clone()
        .filter_map(|at| Some((at, plausible_fib(&bytes[at..])?)))
        .take(MAX_FIBS)
        .find_map(|(w_start, fib)| {
            if fib.word6.is_some() {
                return Some((w_start, fib, None, bytes.len()));
            }
            let clx = fib.pair(Pair::Clx);
            let (fc, lcb) = (clx.fc as usize, clx.lcb as usize);
            let ccp_total = fib.ccp.total();
            let t_start = starts.clone().filter(|&at| at != w_start).find(|&at| {
                let clx_at = at.saturating_add(fc);
                bytes
                    .get(clx_at..clx_at.saturating_add(lcb))
                    .is_some_and(|clx| is_piece_table(clx, ccp_total))
            })?;
            // To the WordDocument stream when it follows, else to the end.
            let t_end = if w_start > t_start {
                w_start
            } else {
                bytes.len()
            };
            Some((w_start, fib, Some(&bytes[t_start..t_end]), t_start))
        })?;
    let w_end = if t_start > w_start {
        t_start
    } else {
        bytes.len()
    };
    let mut word = &bytes[w_start..w_end];
    let cb_mac = fib.cb_mac as usize;
    if cb_mac >= 0x200 && cb_mac < word.len() {
        word = &word[..cb_mac];
    }
    let table_name = fib.table_stream();
    let mut found = format!("WordDocument ({} bytes) at byte {w_start}", word.len());
    let mut cfb = cfb::CompoundFile::create(Cursor::new(Vec::new())).ok()?;
    cfb.create_stream("/WordDocument")
        .ok()?
        .write_all(word)
        .ok()?;
    if let Some(table) = table {
        cfb.create_stream(format!("/{table_name}"))
            .ok()?
            .write_all(table)
            .ok()?;
        found.push_str(&format!(
            ", {table_name} ({} bytes, found by its piece table) at byte {t_start}",
            table.len()
        ));
    }
    cfb.flush().ok()?;
    Some(Recovered {
        bytes: cfb.into_inner().into_inner(),
        found,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::container::fib::W_IDENT;

    /// A piece table of `cps` (pieces between them, 8-byte descriptors of
    /// zeros), with one property modifier before it when `prc`.
    fn clx(cps: &[u32], prc: bool) -> Vec<u8> {
        let mut out = Vec::new();
        if prc {
            out.extend_from_slice(&[1, 2, 0, 0xAA, 0xBB]);
        }
        let lcb = 4 * cps.len() + 8 * (cps.len() - 1);
        out.push(2);
        out.extend_from_slice(&(lcb as u32).to_le_bytes());
        for cp in cps {
            out.extend_from_slice(&cp.to_le_bytes());
        }
        out.extend(std::iter::repeat_n(0u8, 8 * (cps.len() - 1)));
        out
    }

    #[test]
    fn piece_tables_are_told_from_other_bytes() {
        assert!(is_piece_table(&clx(&[0, 10, 25], false), 25));
        assert!(is_piece_table(&clx(&[0, 26], true), 25));
        assert!(!is_piece_table(&clx(&[0, 10, 25], false), 23));
        assert!(!is_piece_table(&clx(&[0, 10, 10, 25], false), 25));
        assert!(!is_piece_table(&clx(&[1, 10, 25], false), 25));
        let mut long = clx(&[0, 25], false);
        long.push(0);
        assert!(!is_piece_table(&long, 25));
        assert!(!is_piece_table(&[], 0));
        assert!(!is_piece_table(&[1, 0xFF, 0xFF], 0));
        assert!(!is_piece_table(&[0u8; 64], 0));
    }

    #[test]
    fn no_fib_no_recovery() {
        assert!(recover(&[]).is_none());
        assert!(recover(&[0u8; 4096]).is_none());
        let mut fib_only = vec![0u8; 2048];
        fib_only[512..514].copy_from_slice(&W_IDENT.to_le_bytes());
        // nFib 0: neither Word 97+ nor Word 6/95.
        assert!(recover(&fib_only).is_none());
    }

    proptest::proptest! {
        /// Any bytes, with a FIB start planted at a 64-byte boundary: no
        /// panic; a recovered file opens as a compound file with a Word
        /// stream.
        #[test]
        fn any_bytes_recover_or_not_without_panic(
            mut bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..6000),
            at in 0usize..80,
            word97 in proptest::prelude::any::<bool>(),
        ) {
            let at = HEADER + at * MINI_SECTOR;
            if bytes.len() >= at + 4 {
                bytes[at..at + 2].copy_from_slice(&W_IDENT.to_le_bytes());
                let n_fib: u16 = if word97 { 0xC1 } else { 104 };
                bytes[at + 2..at + 4].copy_from_slice(&n_fib.to_le_bytes());
            }
            if let Some(r) = recover(&bytes) {
                let mut cfb = cfb::CompoundFile::open(Cursor::new(r.bytes)).unwrap();
                proptest::prop_assert!(cfb.open_stream("/WordDocument").is_ok());
            }
        }
    }
}
