//! A minimal Word 97 binary document writer for tests: paragraphs of UTF-16
//! text, each with its own paragraph sprms, in one piece, written into a real
//! compound file. Enough to build hostile documents byte by byte ([MS-DOC]).
#![allow(dead_code)]

use std::io::{Cursor, Write};

/// One paragraph: its text (the mark is added: 0x0D, or 0x07 when `cell`)
/// and its paragraph sprms.
pub struct Para {
    /// Text without its mark.
    pub text: String,
    /// Mark character.
    pub mark: u16,
    /// The paragraph's own sprms (a `grpprl`).
    pub sprms: Vec<u8>,
}

impl Para {
    /// A plain paragraph.
    pub fn new(text: &str) -> Para {
        Para {
            text: text.to_string(),
            mark: 0x0D,
            sprms: Vec::new(),
        }
    }
}

/// Streams of a built document, to be mutated before [`Built::compound`].
pub struct Built {
    /// `WordDocument`.
    pub word: Vec<u8>,
    /// `1Table`.
    pub table: Vec<u8>,
    /// Offset of the FIB's `FibRgFcLcb97` pairs in `word`.
    pub pairs_at: usize,
    /// Offset of the text in `word`.
    pub text_at: usize,
}

const PAIRS: usize = 93;

impl Built {
    /// Set FIB pair `i` to (`fc`, `lcb`).
    pub fn set_pair(&mut self, i: usize, fc: u32, lcb: u32) {
        let at = self.pairs_at + 8 * i;
        self.word[at..at + 4].copy_from_slice(&fc.to_le_bytes());
        self.word[at + 4..at + 8].copy_from_slice(&lcb.to_le_bytes());
    }

    /// FIB pair `i`.
    pub fn pair(&self, i: usize) -> (u32, u32) {
        let at = self.pairs_at + 8 * i;
        let u = |a: usize| u32::from_le_bytes(self.word[a..a + 4].try_into().unwrap());
        (u(at), u(at + 4))
    }

    /// The compound file.
    pub fn compound(&self) -> Vec<u8> {
        let mut c = cfb::CompoundFile::create(Cursor::new(Vec::new())).unwrap();
        c.create_stream("/WordDocument")
            .unwrap()
            .write_all(&self.word)
            .unwrap();
        c.create_stream("/1Table")
            .unwrap()
            .write_all(&self.table)
            .unwrap();
        c.flush().unwrap();
        c.into_inner().into_inner()
    }
}

/// Build the streams of a document holding `paras`.
pub fn build(paras: &[Para]) -> Built {
    let mut text: Vec<u16> = Vec::new();
    let mut ends = Vec::new();
    for p in paras {
        text.extend(p.text.encode_utf16());
        text.push(p.mark);
        ends.push(text.len());
    }
    // FIB: FibBase, csw 14 + fibRgW, cslw 22 + fibRgLw, cbRgFcLcb 93 + pairs, cswNew 0.
    let mut word = vec![0u8; 32];
    word[0..2].copy_from_slice(&0xA5ECu16.to_le_bytes());
    word[2..4].copy_from_slice(&0x00C1u16.to_le_bytes());
    word[0x0A..0x0C].copy_from_slice(&0x0200u16.to_le_bytes()); // fWhichTblStm
    word.extend(14u16.to_le_bytes());
    word.extend([0u8; 28]);
    word.extend(22u16.to_le_bytes());
    let lw_at = word.len();
    word.extend([0u8; 88]);
    word[lw_at + 12..lw_at + 16].copy_from_slice(&(text.len() as u32).to_le_bytes());
    word.extend((PAIRS as u16).to_le_bytes());
    let pairs_at = word.len();
    word.extend(vec![0u8; PAIRS * 8]);
    word.extend(0u16.to_le_bytes());
    // Text on a page boundary, then FKP pages.
    word.resize(1024, 0);
    let text_at = word.len();
    for u in &text {
        word.extend(u.to_le_bytes());
    }
    let pad = |w: &mut Vec<u8>| {
        let n = w.len().div_ceil(512) * 512;
        w.resize(n, 0);
    };
    pad(&mut word);
    let fc_of = |cp: usize| (text_at + 2 * cp) as u32;
    // PAPX FKPs: a page holds runs until full.
    let mut bte_fcs = vec![fc_of(0)];
    let mut bte_pns = Vec::new();
    let mut i = 0;
    while i < paras.len() {
        let mut page = vec![0u8; 512];
        let mut top = 511; // PAPXs grow down from here
        let mut runs: Vec<(u32, u8)> = Vec::new();
        let mut start = if i == 0 { 0 } else { ends[i - 1] };
        while i < paras.len() {
            let grp = &paras[i].sprms;
            // PapxInFkp: cb' = 0, cb'' = (2 + len) / 2 words, istd, grpprl.
            let body = 2 + grp.len() + (grp.len() & 1);
            let need = 2 + body;
            let fixed = 4 * (runs.len() + 2) + 13 * (runs.len() + 1);
            if top < need || (top - need) & !1 < fixed {
                break;
            }
            let at = (top - need) & !1;
            page[at] = 0;
            page[at + 1] = (body / 2) as u8;
            page[at + 4..at + 4 + grp.len()].copy_from_slice(grp);
            top = at;
            let _ = start;
            runs.push((fc_of(ends[i]), (at / 2) as u8));
            start = ends[i];
            i += 1;
        }
        assert!(!runs.is_empty(), "a paragraph's sprms do not fit a page");
        let first = bte_fcs.last().copied().unwrap();
        page[0..4].copy_from_slice(&first.to_le_bytes());
        for (k, (fc, _)) in runs.iter().enumerate() {
            page[4 + 4 * k..8 + 4 * k].copy_from_slice(&fc.to_le_bytes());
        }
        let bx_at = 4 * (runs.len() + 1);
        for (k, (_, off)) in runs.iter().enumerate() {
            page[bx_at + 13 * k] = *off;
        }
        page[511] = runs.len() as u8;
        bte_pns.push((word.len() / 512) as u32);
        bte_fcs.push(runs.last().unwrap().0);
        word.extend(page);
    }
    // One CHPX page: a single run without properties.
    let chpx_pn = (word.len() / 512) as u32;
    let mut page = vec![0u8; 512];
    page[0..4].copy_from_slice(&fc_of(0).to_le_bytes());
    page[4..8].copy_from_slice(&fc_of(text.len()).to_le_bytes());
    page[511] = 1;
    word.extend(page);
    // Table stream: CLX, PlcBtePapx, PlcBteChpx.
    let mut table = Vec::new();
    let clx_at = table.len() as u32;
    table.push(2u8);
    table.extend(16u32.to_le_bytes()); // lcb of PlcPcd: 2 CPs + 1 PCD
    table.extend(0u32.to_le_bytes());
    table.extend((text.len() as u32).to_le_bytes());
    table.extend([0u8; 2]);
    table.extend((text_at as u32).to_le_bytes());
    table.extend([0u8; 2]);
    let clx_len = table.len() as u32 - clx_at;
    let papx_at = table.len() as u32;
    for fc in &bte_fcs {
        table.extend(fc.to_le_bytes());
    }
    for pn in &bte_pns {
        table.extend(pn.to_le_bytes());
    }
    let papx_len = table.len() as u32 - papx_at;
    let chpx_at = table.len() as u32;
    table.extend(fc_of(0).to_le_bytes());
    table.extend(fc_of(text.len()).to_le_bytes());
    table.extend(chpx_pn.to_le_bytes());
    let chpx_len = table.len() as u32 - chpx_at;
    let mut b = Built {
        word,
        table,
        pairs_at,
        text_at,
    };
    b.set_pair(33, clx_at, clx_len);
    b.set_pair(13, papx_at, papx_len);
    b.set_pair(12, chpx_at, chpx_len);
    b
}

/// Paragraph sprms: in a table at depth `itap` (sprmPFInTable, sprmPItap).
pub fn in_table(itap: u32) -> Vec<u8> {
    let mut v = vec![0x16, 0x24, 1, 0x49, 0x66];
    v.extend(itap.to_le_bytes());
    v
}
