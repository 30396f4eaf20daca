//! The File Information Block (\[MS-DOC\] 2.5.1): the header of the
//! `WordDocument` stream that says which version wrote the file, whether it is
//! encrypted, which table stream holds its structures, how long each story is,
//! and where every structure lies (`fc`/`lcb` pairs).
//!
//! It lives with the container because both sides read it: the Word binary
//! reader (`read::doc`) for everything, and the recovery of a compound file
//! whose structure is lost (`doc_recover`), which finds the `WordDocument`
//! stream by its FIB.

use crate::binary::{i16_at, u16_at, u32_at, u8_at};
use crate::error::ReadError;

/// `wIdent` of a Word 97 and later binary document.
pub(crate) const W_IDENT: u16 = 0xA5EC;
/// `wIdent` of a Word 6/95 document.
pub(crate) const W_IDENT_WORD6: u16 = 0xA5DC;
/// Lowest `nFib` of Word 97 (`0x00C1`); Word 6 and 95 wrote 101 to 105.
pub(crate) const NFIB_WORD97: u16 = 0x00C1;
/// Offset of `csw`, right after the 32-byte `FibBase`.
const CSW_AT: usize = 0x20;

/// An `(fc, lcb)` pair: where a structure lies in the table stream, and its size.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct FcLcb {
    /// Byte offset.
    pub fc: u32,
    /// Size in bytes (0: absent).
    pub lcb: u32,
}

/// Indices of the `FibRgFcLcb97` pairs this reader uses (\[MS-DOC\] 2.5.6).
#[derive(Debug, Clone, Copy)]
#[repr(usize)]
pub(crate) enum Pair {
    /// `STSH`: the style sheet.
    Stshf = 1,
    /// Footnote reference positions.
    PlcffndRef = 2,
    /// Footnote text positions.
    PlcffndTxt = 3,
    /// Header/footer story positions.
    PlcfHdd = 11,
    /// Character property FKP pages.
    PlcfBteChpx = 12,
    /// Paragraph property FKP pages.
    PlcfBtePapx = 13,
    /// The piece table.
    Clx = 33,
    /// Main-document shape anchors.
    PlcSpaMom = 40,
    /// Endnote reference positions.
    PlcfendRef = 46,
    /// Endnote text positions.
    PlcfendTxt = 47,
    /// Main-document text box stories.
    PlcftxbxTxt = 56,
    /// List definitions.
    PlfLst = 73,
    /// List overrides.
    PlfLfo = 74,
}

/// Lengths of the stories, in characters (`FibRgLw97`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct StoryLengths {
    /// Main document.
    pub text: u32,
    /// Footnotes.
    pub ftn: u32,
    /// Headers and footers.
    pub hdd: u32,
    /// Macro story (unused since Word 97, still counted).
    pub mcr: u32,
    /// Comments.
    pub atn: u32,
    /// Endnotes.
    pub edn: u32,
    /// Main-document text boxes.
    pub txbx: u32,
    /// Header text boxes.
    pub hdr_txbx: u32,
}

impl StoryLengths {
    /// All stories' characters together: the piece table's last character
    /// position is this or one more (the end mark after the last story).
    pub fn total(&self) -> u64 {
        [
            self.text,
            self.ftn,
            self.hdd,
            self.mcr,
            self.atn,
            self.edn,
            self.txbx,
            self.hdr_txbx,
        ]
        .iter()
        .map(|&n| u64::from(n))
        .sum()
    }

    /// First CP of the footnote story.
    pub fn ftn_start(&self) -> u32 {
        self.text
    }

    /// First CP of the header story.
    pub fn hdd_start(&self) -> u32 {
        self.text.saturating_add(self.ftn)
    }

    /// First CP of the endnote story.
    pub fn edn_start(&self) -> u32 {
        self.hdd_start()
            .saturating_add(self.hdd)
            .saturating_add(self.mcr)
            .saturating_add(self.atn)
    }

    /// First CP of the main-document text box story.
    pub fn txbx_start(&self) -> u32 {
        self.edn_start().saturating_add(self.edn)
    }
}

/// Word 6/95 FIB fields.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Word6 {
    /// Language of the document (its code page follows from it).
    pub lid: u16,
    /// Character set: 256 for a Macintosh document.
    pub chse: u16,
    /// Start of the text in the WordDocument stream (without fast save).
    pub fc_min: u32,
    /// `fComplex`: fast-saved, the text is in pieces (CLX).
    pub complex: bool,
}

/// What this reader needs from the FIB.
#[derive(Debug, Clone, Default)]
pub(crate) struct Fib {
    /// File format version.
    pub n_fib: u16,
    /// `fEncrypted`.
    pub encrypted: bool,
    /// `fObfuscated` (XOR obfuscation).
    pub obfuscated: bool,
    /// `fWhichTblStm`: the table stream is `1Table` (else `0Table`).
    pub table_1: bool,
    /// Story lengths.
    pub ccp: StoryLengths,
    /// What only a Word 6/95 FIB says (None for Word 97 and later).
    pub word6: Option<Word6>,
    /// Word 97+: the count of 16-bit values after `FibBase` (`csw`, 14 in
    /// every FIB Word writes) and of 32-bit ones after them (`cslw`, 22).
    pub csw: u16,
    /// See `csw`.
    pub cslw: u16,
    /// Word 97+: meaningful bytes of the `WordDocument` stream (`cbMac`).
    pub cb_mac: u32,
    pairs: Vec<FcLcb>,
}

impl Fib {
    /// Parse the FIB at the start of the `WordDocument` stream. A stream too
    /// short for the FIB or with the wrong `wIdent` is a typed error.
    pub fn parse(word: &[u8]) -> Result<Fib, ReadError> {
        let bad = |m: &str| ReadError::WordBinary(m.to_string());
        let ident = u16_at(word, 0).ok_or_else(|| bad("WordDocument stream is empty"))?;
        if ident != W_IDENT && ident != W_IDENT_WORD6 {
            return Err(bad(&format!(
                "WordDocument stream does not start with a Word FIB (wIdent {ident:#06x})"
            )));
        }
        let n_fib = u16_at(word, 2).ok_or_else(|| bad("FIB truncated"))?;
        let flags = u16_at(word, 0x0A).ok_or_else(|| bad("FIB truncated"))?;
        let mut fib = Fib {
            n_fib,
            encrypted: flags & 0x0100 != 0,
            table_1: flags & 0x0200 != 0,
            obfuscated: flags & 0x8000 != 0,
            ..Fib::default()
        };
        if n_fib < NFIB_WORD97 {
            if !(101..=105).contains(&n_fib) {
                // Not a layout this reader knows: the caller refuses it.
                return Ok(fib);
            }
            // Word 6/95: story lengths from 0x34, the same `fc`/`lcb` pairs
            // (4 + 4 bytes, same order) from 0x58, all in the WordDocument
            // stream.
            let lw = |at: usize| u32_at(word, at).unwrap_or(0);
            fib.ccp = StoryLengths {
                text: lw(0x34),
                ftn: lw(0x38),
                hdd: lw(0x3C),
                mcr: lw(0x40),
                atn: lw(0x44),
                edn: lw(0x48),
                txbx: lw(0x4C),
                hdr_txbx: lw(0x50),
            };
            fib.word6 = Some(Word6 {
                lid: u16_at(word, 0x06).unwrap_or(0),
                chse: u16_at(word, 0x14).unwrap_or(0),
                fc_min: lw(0x18),
                complex: flags & 0x0004 != 0,
            });
            let n = 40usize.min(word.len().saturating_sub(0x58) / 8);
            fib.pairs = (0..n)
                .map(|i| FcLcb {
                    fc: lw(0x58 + 8 * i),
                    lcb: lw(0x58 + 8 * i + 4),
                })
                .collect();
            return Ok(fib);
        }
        fib.csw = u16_at(word, CSW_AT).ok_or_else(|| bad("FIB truncated"))?;
        let cslw_at = CSW_AT + 2 + usize::from(fib.csw) * 2;
        fib.cslw = u16_at(word, cslw_at).ok_or_else(|| bad("FIB truncated"))?;
        let cslw = usize::from(fib.cslw);
        let lw_at = cslw_at + 2;
        let lw = |i: usize| -> u32 {
            if i < cslw {
                u32_at(word, lw_at + 4 * i).unwrap_or(0)
            } else {
                0
            }
        };
        fib.cb_mac = lw(0);
        fib.ccp = StoryLengths {
            text: lw(3),
            ftn: lw(4),
            hdd: lw(5),
            mcr: lw(6),
            atn: lw(7),
            edn: lw(8),
            txbx: lw(9),
            hdr_txbx: lw(10),
        };
        let cb_at = lw_at + 4 * cslw;
        let cb = usize::from(u16_at(word, cb_at).ok_or_else(|| bad("FIB truncated"))?);
        let pairs_at = cb_at + 2;
        // Never more pairs than the stream holds.
        let n = cb.min(word.len().saturating_sub(pairs_at) / 8);
        fib.pairs = (0..n)
            .map(|i| FcLcb {
                fc: u32_at(word, pairs_at + 8 * i).unwrap_or(0),
                lcb: u32_at(word, pairs_at + 8 * i + 4).unwrap_or(0),
            })
            .collect();
        Ok(fib)
    }

    /// The `(fc, lcb)` pair of a structure (empty when the FIB has no such pair).
    pub fn pair(&self, p: Pair) -> FcLcb {
        self.pairs.get(p as usize).copied().unwrap_or_default()
    }

    /// How many `(fc, lcb)` pairs the FIB has (as declared, at most as many
    /// as the stream holds).
    pub fn pair_count(&self) -> usize {
        self.pairs.len()
    }

    /// Whether `word` starts with a Word FIB's `wIdent` (a cheap test before
    /// [`Fib::parse`], whose refusal builds an error message).
    pub fn starts(word: &[u8]) -> bool {
        matches!(u16_at(word, 0), Some(W_IDENT | W_IDENT_WORD6))
    }

    /// The `(fc, lcb)` pair at index `i` (for pairs this reader names only in
    /// one generation, e.g. Word 6's font table).
    pub fn pair_at(&self, i: usize) -> FcLcb {
        self.pairs.get(i).copied().unwrap_or_default()
    }

    /// Name of the table stream.
    pub fn table_stream(&self) -> &'static str {
        if self.table_1 {
            "1Table"
        } else {
            "0Table"
        }
    }
}

/// The parts of a `Clx` ([MS-DOC] 2.9.38), the structure that holds the piece
/// table: `Prc` groups of property modifiers, then the `Pcdt`.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Clx<'a> {
    /// The `PlcPcd` (character positions, then piece descriptors), cut at the
    /// end of the `Clx` when the `Pcdt` declares more.
    pub plc: &'a [u8],
    /// The length the `Pcdt` declares for its `PlcPcd`.
    pub declared: usize,
    /// Bytes of the `Clx` after the `PlcPcd`.
    pub after: usize,
}

/// Split `clx` into its `Prc` groups (each given to `prc`, in order) and its
/// piece table. The error says what is wrong, for the caller's message. Read
/// by the Word reader (tolerant of a short `PlcPcd`) and by the recovery of
/// a cut file (which wants it whole).
pub(crate) fn split_clx<'a>(
    clx: &'a [u8],
    mut prc: impl FnMut(&'a [u8]),
) -> Result<Clx<'a>, &'static str> {
    let mut at = 0usize;
    loop {
        match u8_at(clx, at) {
            Some(1) => {
                let cb = i16_at(clx, at + 1).unwrap_or(-1);
                let Ok(cb) = usize::try_from(cb) else {
                    return Err("a Prc of the CLX has a negative size");
                };
                let grpprl = clx
                    .get(at + 3..at + 3 + cb)
                    .ok_or("a Prc of the CLX runs past its end")?;
                prc(grpprl);
                at += 3 + cb;
            }
            Some(2) => {
                let declared = u32_at(clx, at + 1).unwrap_or(0) as usize;
                // The Pcdt's own header may already run past the CLX (a CLX
                // ending in the 0x02 marker): then nothing is left.
                let start = (at + 5).min(clx.len());
                let end = start.saturating_add(declared).min(clx.len());
                return Ok(Clx {
                    plc: clx.get(start..end).unwrap_or_default(),
                    declared,
                    after: clx.len() - end,
                });
            }
            _ => return Err("the CLX holds no piece table (Pcdt)"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clx_splits_into_prcs_and_the_piece_table() {
        // A Prc of 2 bytes, then a Pcdt declaring 4 bytes and holding 4.
        let clx = [1, 2, 0, 0xAA, 0xBB, 2, 4, 0, 0, 0, 9, 9, 9, 9];
        let mut prcs = Vec::new();
        let parts = split_clx(&clx, |g| prcs.push(g.to_vec())).unwrap();
        assert_eq!(prcs, vec![vec![0xAA, 0xBB]]);
        assert_eq!(
            (parts.plc, parts.declared, parts.after),
            (&[9u8; 4][..], 4, 0)
        );
        // Declaring more than it holds: cut at the end.
        let short = [2, 8, 0, 0, 0, 1, 2];
        let parts = split_clx(&short, |_| {}).unwrap();
        assert_eq!(
            (parts.plc, parts.declared, parts.after),
            (&[1u8, 2][..], 8, 0)
        );
        // Bytes after the piece table are counted.
        let parts = split_clx(&[2, 1, 0, 0, 0, 7, 0, 0], |_| {}).unwrap();
        assert_eq!((parts.plc, parts.after), (&[7u8][..], 2));
        assert!(split_clx(&[1, 0xFF, 0xFF], |_| {}).is_err());
        assert!(split_clx(&[1, 9, 0, 1], |_| {}).is_err());
        assert!(split_clx(&[3], |_| {}).is_err());
        assert!(split_clx(&[], |_| {}).is_err());
        assert_eq!(split_clx(&[2], |_| {}).map(|p| p.plc.len()), Ok(0));
    }
}
