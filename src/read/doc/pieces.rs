//! The piece table (\[MS-DOC\] 2.9.38 `Clx`, 2.9.177 `PlcPcd`, 2.9.73 `FcCompressed`):
//! the document's characters, each character position (CP) mapped to bytes of
//! the `WordDocument` stream (FC), as 8-bit "compressed" or UTF-16 text. A
//! fast-saved file has many pieces out of stream order; every file has at least one.

use crate::binary::{u16_at, u32_at};
use crate::container::fib::{Fib, Pair};
use crate::error::ReadError;
use crate::model::Warning;

/// Most pieces read; a real document has at most a few thousand.
pub(crate) const MAX_PIECES: usize = 1 << 20;
/// Most `Prc` property groups read from the CLX.
const MAX_PRCS: usize = 1 << 16;

/// Windows-1252 code points of bytes 0x80..=0x9F in compressed text (the rest
/// of the byte range is Latin-1), \[MS-DOC\] 2.4.1.
const CP1252_HIGH: [u16; 32] = [
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039,
    0x0152, 0x008D, 0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
];

/// One piece: CPs `[cp_start, cp_end)` stored from byte `fc` of the
/// `WordDocument` stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Piece {
    /// First CP.
    pub cp_start: u32,
    /// One past the last CP.
    pub cp_end: u32,
    /// Byte offset of the first character in the `WordDocument` stream.
    pub fc: u32,
    /// 8-bit characters (else UTF-16LE).
    pub compressed: bool,
    /// The piece's `Prm`: with bit 0 set, `prm >> 1` indexes the CLX's `Prc`s.
    pub prm: u16,
}

impl Piece {
    /// Bytes per character.
    pub fn width(&self) -> u32 {
        if self.compressed {
            1
        } else {
            2
        }
    }

    /// Stream offset of `cp`, which must lie in this piece.
    pub fn fc_of(&self, cp: u32) -> u32 {
        self.fc
            .saturating_add((cp - self.cp_start).saturating_mul(self.width()))
    }
}

/// The document text: every CP's UTF-16 code unit, and the pieces.
#[derive(Debug, Default)]
pub(crate) struct Text {
    /// Pieces in CP order.
    pub pieces: Vec<Piece>,
    /// The `Prc` property groups of the CLX (fast-saved formatting).
    pub prcs: Vec<Vec<u8>>,
    /// Code unit of each CP, `0` where the stream could not supply one.
    pub chars: Vec<u16>,
}

impl Text {
    /// Read the CLX and decode all characters. A missing or unreadable piece
    /// table is a typed error; pieces that run past the stream are kept as
    /// blanks with a warning.
    pub fn read(
        fib: &Fib,
        word: &[u8],
        table: &[u8],
        warnings: &mut Vec<Warning>,
    ) -> Result<Text, ReadError> {
        Text::read_clx(fib, word, table, false, warnings)
    }

    /// [`Text::read`] for either generation: Word 97 and later (`word6`
    /// false: 8-bit pieces flagged in the FC, Windows-1252) or Word 6/95
    /// (every piece 8-bit, each character its byte in the document's code
    /// page, decoded later).
    pub fn read_clx(
        fib: &Fib,
        word: &[u8],
        table: &[u8],
        word6: bool,
        warnings: &mut Vec<Warning>,
    ) -> Result<Text, ReadError> {
        let clx = fib.pair(Pair::Clx);
        let bad = |m: String| ReadError::WordBinary(m);
        let clx_bytes = crate::binary::fc_lcb(table, clx.fc, clx.lcb)
            .ok_or_else(|| bad("the piece table (CLX) lies outside the table stream".into()))?;
        let mut text = Text::default();
        let parts = crate::container::fib::split_clx(clx_bytes, |grpprl| {
            if text.prcs.len() < MAX_PRCS {
                text.prcs.push(grpprl.to_vec());
            }
        })
        .map_err(|m| bad(m.into()))?;
        if parts.plc.len() < parts.declared {
            warnings.push(Warning::new(
                "truncated_piece_table",
                "the piece table is shorter than it declares",
                Some("CLX".into()),
            ));
        }
        let plc = parts.plc;
        // PlcPcd: n+1 CPs (4 bytes) and n PCDs (8 bytes).
        let n = plc.len().saturating_sub(4) / 12;
        if n == 0 {
            return Err(bad("the piece table is empty".into()));
        }
        if n > MAX_PIECES {
            return Err(bad(format!(
                "the piece table has {n} pieces, more than the limit of {MAX_PIECES}"
            )));
        }
        let pcd_at = 4 * (n + 1);
        let mut next_cp = 0u32;
        let mut skipped = false;
        for i in 0..n {
            let (Some(cp_start), Some(cp_end)) = (u32_at(plc, 4 * i), u32_at(plc, 4 * i + 4))
            else {
                break;
            };
            let fc_raw = u32_at(plc, pcd_at + 8 * i + 2).unwrap_or(0);
            let prm = u16_at(plc, pcd_at + 8 * i + 6).unwrap_or(0);
            // CPs must run on from the previous piece; anything else is damage.
            if cp_start != next_cp || cp_end <= cp_start {
                skipped = true;
                continue;
            }
            let compressed = word6 || fc_raw & 0x4000_0000 != 0;
            let fc = if word6 {
                fc_raw
            } else if compressed {
                (fc_raw & 0x3FFF_FFFF) / 2
            } else {
                fc_raw & 0x3FFF_FFFF
            };
            text.pieces.push(Piece {
                cp_start,
                cp_end,
                fc,
                compressed,
                prm,
            });
            next_cp = cp_end;
        }
        if skipped {
            warnings.push(Warning::new(
                "bad_piece",
                "pieces whose character positions do not follow on were skipped",
                Some("CLX".into()),
            ));
        }
        // Decode, never more characters than the stream can hold.
        let max_chars = word.len().saturating_mul(2) as u64;
        let total = u64::from(next_cp);
        if total > max_chars.max(1 << 16) {
            return Err(bad(format!(
                "the piece table declares {total} characters, more than the stream holds"
            )));
        }
        text.chars.reserve(total as usize);
        let mut short = false;
        for p in &text.pieces {
            let len = (p.cp_end - p.cp_start) as usize;
            let start = p.fc as usize;
            if p.compressed {
                let avail = word.get(start..).unwrap_or_default();
                for &b in avail.iter().take(len) {
                    text.chars.push(match b {
                        0x80..=0x9F if !word6 => CP1252_HIGH[usize::from(b - 0x80)],
                        _ => u16::from(b),
                    });
                }
                short |= avail.len() < len;
            } else {
                let avail = word.get(start..).unwrap_or_default();
                for c in avail.chunks_exact(2).take(len) {
                    text.chars.push(u16::from_le_bytes([c[0], c[1]]));
                }
                short |= avail.len() / 2 < len;
            }
            // Keep CPs aligned with their pieces whatever was missing.
            text.chars.resize(p.cp_end as usize, 0);
        }
        if short {
            warnings.push(Warning::new(
                "piece_out_of_range",
                "a piece of text lies past the end of the WordDocument stream; its characters are missing",
                Some("CLX".into()),
            ));
        }
        Ok(text)
    }

    /// A Word 6/95 document saved without fast save: its `n` characters are the
    /// bytes from `fc` on (fewer when the stream ends first).
    pub fn single_8bit(word: &[u8], fc: u32, n: u32) -> Text {
        let bytes = word
            .get(fc as usize..)
            .unwrap_or_default()
            .iter()
            .take(n as usize);
        let chars: Vec<u16> = bytes.map(|&b| u16::from(b)).collect();
        Text {
            pieces: vec![Piece {
                cp_start: 0,
                cp_end: chars.len() as u32,
                fc,
                compressed: true,
                prm: 0,
            }],
            prcs: Vec::new(),
            chars,
        }
    }

    /// Number of CPs.
    pub fn len(&self) -> u32 {
        self.chars.len() as u32
    }

    /// Index of the piece holding `cp`.
    pub fn piece_index(&self, cp: u32) -> Option<usize> {
        let i = self.pieces.partition_point(|p| p.cp_end <= cp);
        (i < self.pieces.len() && self.pieces[i].cp_start <= cp).then_some(i)
    }

    /// Stream offset of `cp`.
    pub fn fc_of(&self, cp: u32) -> Option<u32> {
        let p = self.pieces.get(self.piece_index(cp)?)?;
        Some(p.fc_of(cp))
    }

    /// The property group of a piece (fast-saved formatting), if any.
    pub fn piece_grpprl(&self, p: &Piece) -> &[u8] {
        if p.prm & 1 == 1 {
            self.prcs
                .get(usize::from(p.prm >> 1))
                .map_or(&[], Vec::as_slice)
        } else {
            &[]
        }
    }
}
