//! List numbering of Word binary documents (\[MS-DOC\] 2.9.147 PlfLst, 2.9.131
//! LSTF, 2.9.150 LVL, 2.9.151 LVLF, 2.9.178 PlfLfo, LFO, LFOData, 2.9.133
//! LFOLVL), read into the shared numbering model ([`crate::read::numbering`])
//! whose counters render labels the way Word shows them (`一、`, `（一）`).
//!
//! Layout in the table stream:
//! - at `fcPlfLst`: `cLst` (i16) and `cLst` LSTF of 28 bytes. The LVLs are *not*
//!   counted in `lcbPlfLst`: they follow the LSTF array directly, for each LSTF
//!   in order one LVL (`fSimpleList`) or nine.
//! - an LVL is a 28-byte LVLF, `grpprlPapx`, `grpprlChpx`, then the number text
//!   (`xst`: `cch` and UTF-16 code units, where units 0..=8 stand for the number
//!   of level 0..=8; they become `%1`..`%9` in the shared model).
//! - at `fcPlfLfo`: `lfoMac` (u32), `lfoMac` LFO of 16 bytes, then one LFOData
//!   per LFO: `cp` (u32) and `clfolvl` LFOLVL (8 bytes, then a whole LVL when
//!   `fFormatting`).
//!
//! A paragraph's `sprmPIlfo` is a 1-based index into the LFOs: each LFO is a
//! [`Num`] with that id, whose abstract definition is the list with the LFO's
//! `lsid` (so LFOs of one list continue each other's counters, as in Word).
//!
//! Everything is read through [`crate::binary`]; counts from the file are capped
//! ([`MAX_LISTS`], [`MAX_LFOS`]) and never used to pre-allocate; a truncated
//! structure keeps what was read and adds a `truncated_list_table` warning.

use crate::binary::{i16_at, i32_at, slice_at, u16_at, u32_at, u8_at};
use crate::model::Warning;
use crate::read::numbering::{
    no_style_links, AbstractNum, Label, Level, NoLabel, Num, Numbering, NumberingState, Override,
    Suffix, LEVELS,
};
use std::collections::HashSet;

/// Most list definitions (LSTF) read; Word documents hold a few dozen.
pub(crate) const MAX_LISTS: usize = 4096;
/// Most list format overrides (LFO) read. `sprmPIlfo` addresses at most
/// 0x07FE of them, so none beyond could be used.
pub(crate) const MAX_LFOS: usize = 0x07FE;
/// Most UTF-16 code units of a level's number text kept (Word's own are a few;
/// this bounds the label rendered for every paragraph of the list).
pub(crate) const MAX_LEVEL_TEXT: usize = 64;

/// Size of an LSTF.
const LSTF_SIZE: usize = 28;
/// Size of an LVLF.
const LVLF_SIZE: usize = 28;
/// Size of an LFO.
const LFO_SIZE: usize = 16;
/// Size of an LFOLVLBase.
const LFOLVL_SIZE: usize = 8;

/// Warning code for list structures that end early or run past the stream.
const TRUNCATED: &str = "truncated_list_table";

/// The OOXML `ST_NumberFormat` name of an MSONFC number format code
/// (\[MS-OSHARED\] 2.2.1.3), `None` for codes the table does not define.
pub(crate) fn nfc_format(nfc: u8) -> Option<&'static str> {
    Some(match nfc {
        0x00 => "decimal",
        0x01 => "upperRoman",
        0x02 => "lowerRoman",
        0x03 => "upperLetter",
        0x04 => "lowerLetter",
        0x05 => "ordinal",
        0x06 => "cardinalText",
        0x07 => "ordinalText",
        0x08 => "hex",
        0x09 => "chicago",
        0x0A => "ideographDigital",
        0x0B => "japaneseCounting",
        0x0C => "aiueo",
        0x0D => "iroha",
        0x0E => "decimalFullWidth",
        0x0F => "decimalHalfWidth",
        0x10 => "japaneseLegal",
        0x11 => "japaneseDigitalTenThousand",
        0x12 => "decimalEnclosedCircle",
        0x13 => "decimalFullWidth2",
        0x14 => "aiueoFullWidth",
        0x15 => "irohaFullWidth",
        0x16 => "decimalZero",
        0x17 => "bullet",
        0x18 => "ganada",
        0x19 => "chosung",
        0x1A => "decimalEnclosedFullstop",
        0x1B => "decimalEnclosedParen",
        0x1C => "decimalEnclosedCircleChinese",
        0x1D => "ideographEnclosedCircle",
        0x1E => "ideographTraditional",
        0x1F => "ideographZodiac",
        0x20 => "ideographZodiacTraditional",
        0x21 => "taiwaneseCounting",
        0x22 => "ideographLegalTraditional",
        0x23 => "taiwaneseCountingThousand",
        0x24 => "taiwaneseDigital",
        0x25 => "chineseCounting",
        0x26 => "chineseLegalSimplified",
        0x27 => "chineseCountingThousand",
        // msonfcChnDbNum4: the table maps it to plain decimal.
        0x28 => "decimal",
        0x29 => "koreanDigital",
        0x2A => "koreanCounting",
        0x2B => "koreanLegal",
        0x2C => "koreanDigital2",
        0x2D => "hebrew1",
        0x2E => "arabicAlpha",
        0x2F => "hebrew2",
        0x30 => "arabicAbjad",
        0x31 => "hindiVowels",
        0x32 => "hindiConsonants",
        0x33 => "hindiNumbers",
        0x34 => "hindiCounting",
        0x35 => "thaiLetters",
        0x36 => "thaiNumbers",
        0x37 => "thaiCounting",
        0x38 => "vietnameseCounting",
        0x39 => "numberInDash",
        0x3A => "russianLower",
        0x3B => "russianUpper",
        0xFF => "none",
        _ => return None,
    })
}

/// Where the list definitions were read from, for warning locations.
fn at(what: &str, off: usize) -> Option<String> {
    Some(format!("table stream {what} at byte {off}"))
}

fn truncated(warnings: &mut Vec<Warning>, what: &str, off: usize, detail: &str) {
    warnings.push(Warning::new(
        TRUNCATED,
        format!("the list table ends early: {detail}; the lists read so far are kept"),
        at(what, off),
    ));
}

/// Reads LVLs, warning once per unknown number format and once for long
/// number texts.
struct LvlReader<'a> {
    table: &'a [u8],
    unknown_nfc: HashSet<u8>,
    long_text_warned: bool,
}

impl LvlReader<'_> {
    /// The LVL at `off`: the level and the offset after it; `None` when it runs
    /// past the table stream.
    fn read(&mut self, off: usize, warnings: &mut Vec<Warning>) -> Option<(Level, usize)> {
        let t = self.table;
        let lvlf = slice_at(t, off, LVLF_SIZE)?;
        let start = i32_at(lvlf, 0)?;
        let nfc = u8_at(lvlf, 4)?;
        let flags = u8_at(lvlf, 5)?;
        let follow = u8_at(lvlf, 15)?;
        let cb_chpx = usize::from(u8_at(lvlf, 24)?);
        let cb_papx = usize::from(u8_at(lvlf, 25)?);
        let restart_lim = u8_at(lvlf, 26)?;
        let xst = off.checked_add(LVLF_SIZE + cb_papx + cb_chpx)?;
        let cch = usize::from(u16_at(t, xst)?);
        let units = slice_at(t, xst + 2, cch * 2)?;
        let next = xst + 2 + cch * 2;
        let fmt = match nfc_format(nfc) {
            Some(f) => f,
            None => {
                if self.unknown_nfc.insert(nfc) {
                    warnings.push(Warning::new(
                        "unknown_number_format",
                        format!(
                            "list level number format code {nfc} is not known; numbered as decimal"
                        ),
                        at("LVL", off),
                    ));
                }
                "decimal"
            }
        };
        if cch > MAX_LEVEL_TEXT && !self.long_text_warned {
            self.long_text_warned = true;
            warnings.push(Warning::new(
                "long_list_text",
                format!(
                    "list level number text has {cch} characters; the first {MAX_LEVEL_TEXT} are kept (warned once)"
                ),
                at("LVL", off),
            ));
        }
        let level = Level {
            start: Some(start.max(0) as u32),
            fmt: Some(fmt.to_string()),
            text: Some(level_text(units, MAX_LEVEL_TEXT)),
            suffix: Some(match follow {
                1 => Suffix::Space,
                2 => Suffix::Nothing,
                _ => Suffix::Tab,
            }),
            is_lgl: flags & 0x04 != 0,
            // fNoRestart: restart only after levels above ilvlRestartLim, which
            // is what a 1-based `w:lvlRestart` of the same value means (0: never).
            restart: (flags & 0x08 != 0).then_some(u32::from(restart_lim)),
            pstyle: None,
        };
        Some((level, next))
    }
}

/// The number text of an LVL as a shared-model template: code units 0..=8
/// (placeholders for the number of level 0..=8) become `%1`..`%9`; at most
/// `max` code units are read.
fn level_text(units: &[u8], max: usize) -> String {
    let mut out = String::new();
    let mut run: Vec<u16> = Vec::new();
    for c in units.chunks_exact(2).take(max) {
        let u = u16::from_le_bytes([c[0], c[1]]);
        if u < LEVELS as u16 {
            out.push_str(&String::from_utf16_lossy(&run));
            run.clear();
            out.push('%');
            out.push(char::from(b'1' + u as u8));
        } else {
            run.push(u);
        }
    }
    out.push_str(&String::from_utf16_lossy(&run));
    out
}

/// The list definitions of a Word binary document and the counters that number
/// its paragraphs in document order.
#[derive(Debug, Default)]
pub(crate) struct DocLists {
    /// Lists (by lsid) and LFOs (by 1-based index) in the shared model.
    numbering: Numbering,
    /// Counters, advanced by [`DocLists::next_label`].
    state: NumberingState,
    /// lsids of simple (one-level) lists.
    simple: HashSet<u32>,
    /// `ilfo`s already warned about as undefined.
    warned: HashSet<u16>,
}

impl DocLists {
    /// Read the lists of a document from its table stream. `plf_lst` and
    /// `plf_lfo` are the FIB's (`fcPlfLst`, `lcbPlfLst`) and (`fcPlfLfo`,
    /// `lcbPlfLfo`) pairs; an empty pair means no lists. Problems become
    /// warnings; this never fails.
    pub fn parse(
        table: &[u8],
        plf_lst: (u32, u32),
        plf_lfo: (u32, u32),
        warnings: &mut Vec<Warning>,
    ) -> DocLists {
        let mut lists = DocLists::default();
        let mut lvls = LvlReader {
            table,
            unknown_nfc: HashSet::new(),
            long_text_warned: false,
        };
        lists.read_lsts(&mut lvls, plf_lst, warnings);
        lists.read_lfos(&mut lvls, plf_lfo, warnings);
        lists
    }

    /// The definitions read, in the shared model (lists keyed by lsid, LFOs by
    /// their 1-based index).
    #[cfg(test)]
    pub fn numbering(&self) -> &Numbering {
        &self.numbering
    }

    /// The PlfLst and the LVLs after it.
    fn read_lsts(
        &mut self,
        lvls: &mut LvlReader<'_>,
        (fc, lcb): (u32, u32),
        warnings: &mut Vec<Warning>,
    ) {
        if lcb == 0 {
            return;
        }
        let t = lvls.table;
        let fc = fc as usize;
        let Some(c_lst) = i16_at(t, fc) else {
            truncated(
                warnings,
                "PlfLst",
                fc,
                "PlfLst starts past the end of the table stream",
            );
            return;
        };
        let end = fc.saturating_add(lcb as usize);
        if end > t.len() {
            truncated(
                warnings,
                "PlfLst",
                fc,
                "lcbPlfLst runs past the end of the table stream",
            );
        }
        let declared = usize::try_from(c_lst).unwrap_or(0);
        if declared > MAX_LISTS {
            warnings.push(Warning::new(
                "too_many_lists",
                format!("the list table declares {declared} lists; the first {MAX_LISTS} are read"),
                at("PlfLst", fc),
            ));
        }
        // (lsid, simple) of the LSTFs inside the declared PlfLst.
        let mut lstfs: Vec<(u32, bool)> = Vec::new();
        for i in 0..declared.min(MAX_LISTS) {
            let off = fc.saturating_add(2 + i * LSTF_SIZE);
            let lstf = match slice_at(t, off, LSTF_SIZE) {
                Some(b) if off.saturating_add(LSTF_SIZE) <= end => b,
                _ => {
                    truncated(warnings, "PlfLst", off, "an LSTF runs past lcbPlfLst");
                    break;
                }
            };
            let (Some(lsid), Some(flags)) = (u32_at(lstf, 0), u8_at(lstf, 26)) else {
                break;
            };
            lstfs.push((lsid, flags & 0x01 != 0));
        }
        // The LVLs follow the whole LSTF array (as declared), outside lcbPlfLst.
        let mut off = fc.saturating_add(2 + declared * LSTF_SIZE);
        for (lsid, simple) in lstfs {
            let count = if simple { 1 } else { LEVELS };
            let mut abs = AbstractNum::default();
            for slot in abs.levels.iter_mut().take(count) {
                match lvls.read(off, warnings) {
                    Some((level, next)) => {
                        *slot = Some(level);
                        off = next;
                    }
                    None => {
                        truncated(
                            warnings,
                            "LVL",
                            off,
                            "a list level runs past the table stream",
                        );
                        self.insert_list(lsid, simple, abs);
                        return;
                    }
                }
            }
            self.insert_list(lsid, simple, abs);
        }
    }

    fn insert_list(&mut self, lsid: u32, simple: bool, abs: AbstractNum) {
        // A repeated lsid keeps the first definition.
        if let std::collections::hash_map::Entry::Vacant(e) = self.numbering.abstracts.entry(lsid) {
            e.insert(abs);
            if simple {
                self.simple.insert(lsid);
            }
        }
    }

    /// The PlfLfo: LFOs, then their LFOData.
    fn read_lfos(
        &mut self,
        lvls: &mut LvlReader<'_>,
        (fc, lcb): (u32, u32),
        warnings: &mut Vec<Warning>,
    ) {
        if lcb == 0 {
            return;
        }
        let t = lvls.table;
        let fc = fc as usize;
        let Some(lfo_mac) = u32_at(t, fc) else {
            truncated(
                warnings,
                "PlfLfo",
                fc,
                "PlfLfo starts past the end of the table stream",
            );
            return;
        };
        if fc.saturating_add(lcb as usize) > t.len() {
            truncated(
                warnings,
                "PlfLfo",
                fc,
                "lcbPlfLfo runs past the end of the table stream",
            );
        }
        let declared = lfo_mac as usize;
        if declared > MAX_LFOS {
            warnings.push(Warning::new(
                "too_many_lists",
                format!(
                    "the list table declares {declared} list format overrides; the first {MAX_LFOS} are read"
                ),
                at("PlfLfo", fc),
            ));
        }
        // (lsid, clfolvl) of each LFO read.
        let mut lfos: Vec<(u32, u8)> = Vec::new();
        for i in 0..declared.min(MAX_LFOS) {
            let off = fc.saturating_add(4 + i * LFO_SIZE);
            match slice_at(t, off, LFO_SIZE) {
                Some(lfo) => lfos.push((u32_at(lfo, 0).unwrap_or(0), u8_at(lfo, 12).unwrap_or(0))),
                _ => {
                    truncated(warnings, "PlfLfo", off, "an LFO runs past the table stream");
                    break;
                }
            }
        }
        // The LFOData follow the whole LFO array, one per LFO in order.
        let mut off = (declared as u64)
            .checked_mul(LFO_SIZE as u64)
            .and_then(|n| n.checked_add(fc as u64 + 4))
            .and_then(|n| usize::try_from(n).ok())
            .unwrap_or(usize::MAX);
        let mut data_ok = true;
        for (i, (lsid, clfolvl)) in lfos.into_iter().enumerate() {
            let mut num = Num {
                abstract_id: lsid,
                ..Num::default()
            };
            if data_ok {
                match read_lfo_data(lvls, off, clfolvl, &mut num, warnings) {
                    Some(next) => off = next,
                    None => {
                        truncated(
                            warnings,
                            "LFOData",
                            off,
                            "list override data runs past the table stream",
                        );
                        data_ok = false;
                    }
                }
            }
            self.numbering.nums.insert(i as u32 + 1, num);
        }
    }

    /// Advance the counters for a paragraph with list format override `ilfo`
    /// (its `sprmPIlfo`) at level `ilvl` (its `sprmPIlvl`), and render its
    /// label. `ilfo` 1..=0x07FE is the 1-based LFO index; 0xF802..=0xFFFF is
    /// the complement of one (a list paragraph without the list's indent, as
    /// Apache POI reads it); 0 and 0xF801 mean "not in a list".
    ///
    /// `None` when the paragraph is not numbered (those values, or a level the
    /// list does not define). An `ilfo` the document does not define is also
    /// `None`, with one `unknown_numbering_id` warning per `ilfo`.
    pub fn next_label(
        &mut self,
        ilfo: u16,
        ilvl: u8,
        warnings: &mut Vec<Warning>,
    ) -> Option<Label> {
        let ilfo = match ilfo {
            0 | 0xF801 => return None,
            0xF802..=0xFFFF => ilfo ^ 0xFFFF,
            _ => ilfo,
        };
        let num_id = u32::from(ilfo);
        let simple = self
            .numbering
            .nums
            .get(&num_id)
            .is_some_and(|n| self.simple.contains(&n.abstract_id));
        let ilvl = if simple { 0 } else { u32::from(ilvl) };
        match self
            .state
            .next_label(&self.numbering, &no_style_links, num_id, ilvl)
        {
            Ok(label) => Some(label),
            Err(NoLabel::NotNumbered) => None,
            Err(NoLabel::UnknownId) => {
                if self.warned.insert(ilfo) {
                    warnings.push(Warning::new(
                        "unknown_numbering_id",
                        format!(
                            "paragraph uses list format override {ilfo}, which the list table does not define"
                        ),
                        Some("table stream PlfLfo".into()),
                    ));
                }
                None
            }
        }
    }
}

/// One LFOData at `off` (cp, then `clfolvl` LFOLVL) into `num`'s overrides;
/// the offset after it, `None` when it runs past the table stream.
fn read_lfo_data(
    lvls: &mut LvlReader<'_>,
    off: usize,
    clfolvl: u8,
    num: &mut Num,
    warnings: &mut Vec<Warning>,
) -> Option<usize> {
    let t = lvls.table;
    u32_at(t, off)?; // cp
    let mut off = off + 4;
    for _ in 0..clfolvl {
        let start_at = i32_at(t, off)?;
        let bits = u32_at(t, off + 4)?;
        off += LFOLVL_SIZE;
        let ilvl = bits & 0x0F;
        let f_start_at = bits & 0x10 != 0;
        let f_formatting = bits & 0x20 != 0;
        let level = if f_formatting {
            let (level, next) = lvls.read(off, warnings)?;
            off = next;
            Some(level)
        } else {
            None
        };
        if (ilvl as usize) >= LEVELS || !(f_start_at || f_formatting) {
            continue;
        }
        let start = f_start_at.then(|| match &level {
            Some(l) => l.start.unwrap_or(0),
            None => start_at.max(0) as u32,
        });
        num.overrides.insert(ilvl, Override { start, level });
    }
    Some(off)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A list level to encode as an LVL.
    #[derive(Clone)]
    struct Lvl {
        start: i32,
        nfc: u8,
        flags: u8,
        follow: u8,
        restart_lim: u8,
        text: String,
    }

    fn lvl(nfc: u8, text: &str) -> Lvl {
        Lvl {
            start: 1,
            nfc,
            flags: 0,
            follow: 0,
            restart_lim: 0,
            text: text.into(),
        }
    }

    fn lvl_bytes(l: &Lvl) -> Vec<u8> {
        let papx = [0x0F, 0x84, 0x68, 0x01]; // sprmPDxaLeft, 360
        let chpx = [0x4F, 0x4A, 0x00, 0x00]; // sprmCRgFtc0, 0
        let mut b = Vec::new();
        b.extend(l.start.to_le_bytes());
        b.push(l.nfc);
        b.push(l.flags);
        b.extend([0u8; 9]); // rgbxchNums (not used)
        b.push(l.follow);
        b.extend(360i32.to_le_bytes()); // dxaIndentSav
        b.extend([0u8; 4]);
        b.push(chpx.len() as u8);
        b.push(papx.len() as u8);
        b.push(l.restart_lim);
        b.push(0);
        assert_eq!(b.len(), LVLF_SIZE);
        b.extend(papx);
        b.extend(chpx);
        let units: Vec<u16> = l.text.encode_utf16().collect();
        b.extend((units.len() as u16).to_le_bytes());
        for u in units {
            b.extend(u.to_le_bytes());
        }
        b
    }

    /// One LFOLVL: (ilvl, start override, replacement level).
    type LfoLvl = (u32, Option<i32>, Option<Lvl>);

    /// A table stream with some leading bytes, the PlfLst + LVLs and the PlfLfo;
    /// the FIB pairs for them.
    fn table(
        lists: &[(u32, bool, Vec<Lvl>)],
        lfos: &[(u32, Vec<LfoLvl>)],
    ) -> (Vec<u8>, (u32, u32), (u32, u32)) {
        let mut t = vec![0xAAu8; 10];
        let lst_fc = t.len() as u32;
        t.extend((lists.len() as i16).to_le_bytes());
        for (lsid, simple, _) in lists {
            t.extend(lsid.to_le_bytes());
            t.extend(0u32.to_le_bytes()); // tplc
            t.extend([0xFF, 0x0F].repeat(9)); // rgistdPara: istdNil
            t.push(u8::from(*simple));
            t.push(0);
        }
        let lst_lcb = t.len() as u32 - lst_fc;
        for (_, _, levels) in lists {
            for l in levels {
                t.extend(lvl_bytes(l));
            }
        }
        let lfo_fc = t.len() as u32;
        t.extend((lfos.len() as u32).to_le_bytes());
        for (lsid, lvls) in lfos {
            t.extend(lsid.to_le_bytes());
            t.extend([0u8; 8]);
            t.push(lvls.len() as u8);
            t.extend([0u8; 3]);
        }
        for (_, lvls) in lfos {
            t.extend(0xFFFF_FFFFu32.to_le_bytes()); // cp
            for (ilvl, start, level) in lvls {
                t.extend(start.unwrap_or(0).to_le_bytes());
                let bits = ilvl
                    | if start.is_some() { 0x10 } else { 0 }
                    | if level.is_some() { 0x20 } else { 0 };
                t.extend(bits.to_le_bytes());
                if let Some(l) = level {
                    t.extend(lvl_bytes(l));
                }
            }
        }
        let lfo_lcb = t.len() as u32 - lfo_fc;
        t.extend([0xBBu8; 6]);
        (t, (lst_fc, lst_lcb), (lfo_fc, lfo_lcb))
    }

    /// Nine levels: the Chinese report headings, then decimal.
    fn chinese_levels() -> Vec<Lvl> {
        let mut v = vec![lvl(0x25, "\u{0}、"), lvl(0x25, "（\u{1}）")];
        v[0].follow = 2;
        v[1].follow = 2;
        for i in 2..9u16 {
            let text = String::from_utf16_lossy(&[i, u16::from(b'.')]);
            v.push(lvl(0x00, &text));
        }
        v
    }

    fn labels(lists: &mut DocLists, seq: &[(u16, u8)], w: &mut Vec<Warning>) -> Vec<String> {
        seq.iter()
            .map(|&(ilfo, ilvl)| {
                lists
                    .next_label(ilfo, ilvl, w)
                    .map_or_else(|| "-".to_string(), |l| l.text)
            })
            .collect()
    }

    #[test]
    fn chinese_headings() {
        let (t, lst, lfo) = table(
            &[(0x1234_5678, false, chinese_levels())],
            &[(0x1234_5678, vec![])],
        );
        let mut w = Vec::new();
        let mut lists = DocLists::parse(&t, lst, lfo, &mut w);
        assert!(w.is_empty(), "{w:?}");
        let l0 = lists.numbering().abstracts[&0x1234_5678].levels[0]
            .clone()
            .unwrap();
        assert_eq!(l0.fmt.as_deref(), Some("chineseCounting"));
        assert_eq!(l0.text.as_deref(), Some("%1、"));
        assert_eq!(l0.suffix, Some(Suffix::Nothing));
        assert_eq!(l0.restart, None);
        let got = labels(
            &mut lists,
            &[
                (1, 0),
                (1, 1),
                (1, 1),
                (1, 0),
                (1, 1),
                (1, 1),
                (1, 0),
                (1, 1),
                (0, 0),
            ],
            &mut w,
        );
        assert_eq!(
            got,
            [
                "一、",
                "（一）",
                "（二）",
                "二、",
                "（一）",
                "（二）",
                "三、",
                "（一）",
                "-"
            ]
        );
        let label = lists.next_label(1, 2, &mut w).unwrap();
        assert_eq!(label.text, "1.");
        assert_eq!(label.suffix, Suffix::Tab);
        assert_eq!(
            lists
                .next_label(1, 0, &mut w)
                .unwrap()
                .prefix_to("总体情况".into()),
            "四、总体情况"
        );
        assert!(w.is_empty(), "{w:?}");
    }

    #[test]
    fn simple_list_and_shared_counters() {
        let mut bullet = lvl(0x17, "\u{F0B7}");
        bullet.follow = 0;
        let (t, lst, lfo) = table(
            &[
                (7, true, vec![lvl(0x00, "\u{0}.")]),
                (8, true, vec![bullet]),
            ],
            &[(7, vec![]), (8, vec![]), (7, vec![])],
        );
        let mut w = Vec::new();
        let mut lists = DocLists::parse(&t, lst, lfo, &mut w);
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(lists.numbering().abstracts[&7].levels[1], None);
        // A simple list has one level: any ilvl numbers at level 0. LFOs 1 and
        // 3 use the same list, so they continue each other.
        let got = labels(
            &mut lists,
            &[(1, 0), (1, 0), (2, 0), (1, 3), (3, 0)],
            &mut w,
        );
        assert_eq!(got, ["1.", "2.", "•", "3.", "4."]);
        let b = lists.next_label(2, 0, &mut w).unwrap();
        assert!(b.bullet);
        assert_eq!(b.prefix_to("x".into()), "•x");
        assert!(w.is_empty(), "{w:?}");
    }

    #[test]
    fn start_override_restarts_the_list() {
        let mut first = lvl(0x00, "\u{0}.");
        first.start = 3;
        let (t, lst, lfo) = table(
            &[(9, true, vec![first])],
            &[(9, vec![]), (9, vec![(0, Some(1), None)])],
        );
        let mut w = Vec::new();
        let mut lists = DocLists::parse(&t, lst, lfo, &mut w);
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(lists.numbering().nums[&2].overrides[&0].start, Some(1));
        let got = labels(
            &mut lists,
            &[(1, 0), (1, 0), (2, 0), (2, 0), (1, 0)],
            &mut w,
        );
        assert_eq!(got, ["3.", "4.", "1.", "2.", "3."]);
    }

    #[test]
    fn formatting_override_replaces_the_level() {
        let mut over = lvl(0x12, "\u{0}");
        over.start = 5;
        over.flags = 0x04; // fLegal
        let (t, lst, lfo) = table(
            &[(3, false, chinese_levels())],
            &[
                (3, vec![(1, None, Some(lvl(0x04, "\u{0}.\u{1})")))]),
                (3, vec![(0, Some(5), Some(over))]),
            ],
        );
        let mut w = Vec::new();
        let mut lists = DocLists::parse(&t, lst, lfo, &mut w);
        assert!(w.is_empty(), "{w:?}");
        let o = &lists.numbering().nums[&2].overrides[&0];
        assert_eq!(o.start, Some(5));
        let l = o.level.as_ref().unwrap();
        assert_eq!(
            (l.fmt.as_deref(), l.is_lgl),
            (Some("decimalEnclosedCircle"), true)
        );
        // LFO 1: level 1 reformatted as "一.a)"; level 0 as defined.
        let got = labels(&mut lists, &[(1, 0), (1, 1), (1, 1)], &mut w);
        assert_eq!(got, ["一、", "一.a)", "一.b)"]);
        // LFO 2 restarts level 0 at 5, rendered legal (decimal) from the override.
        let got = labels(&mut lists, &[(2, 0), (2, 0)], &mut w);
        assert_eq!(got, ["5", "6"]);
    }

    #[test]
    fn no_restart_and_limits() {
        let mut levels = chinese_levels();
        levels[2].flags = 0x08; // fNoRestart, ilvlRestartLim 0: never restarts
        levels[3].flags = 0x08;
        levels[3].restart_lim = 1; // restarts only after level 0
        let (t, lst, lfo) = table(&[(1, false, levels)], &[(1, vec![])]);
        let mut w = Vec::new();
        let mut lists = DocLists::parse(&t, lst, lfo, &mut w);
        let seq = [
            (1, 0),
            (1, 2),
            (1, 3),
            (1, 1),
            (1, 2),
            (1, 3),
            (1, 0),
            (1, 2),
            (1, 3),
        ];
        let got = labels(&mut lists, &seq, &mut w);
        assert_eq!(
            got,
            ["一、", "1.", "1.", "（一）", "2.", "2.", "二、", "3.", "1."]
        );
    }

    #[test]
    fn unknown_ids_and_formats_warn() {
        let (t, lst, lfo) = table(
            &[(5, true, vec![lvl(0x77, "\u{0})")])],
            &[(5, vec![]), (6, vec![])],
        );
        let mut w = Vec::new();
        let mut lists = DocLists::parse(&t, lst, lfo, &mut w);
        assert_eq!(
            w.iter().map(|w| w.code.as_str()).collect::<Vec<_>>(),
            ["unknown_number_format"]
        );
        w.clear();
        // LFO 2 names a list that does not exist; 9 is no LFO; 0xF801 is "no
        // list"; 0xFFFE is LFO 1 (complemented).
        let seq = [(1, 0), (2, 0), (9, 0), (9, 0), (0xF801, 0), (0xFFFE, 0)];
        let got = labels(&mut lists, &seq, &mut w);
        assert_eq!(got, ["1)", "-", "-", "-", "-", "2)"]);
        assert_eq!(
            w.iter().map(|w| w.code.as_str()).collect::<Vec<_>>(),
            ["unknown_numbering_id", "unknown_numbering_id"]
        );
    }

    fn codes(w: &[Warning]) -> Vec<&str> {
        w.iter().map(|w| w.code.as_str()).collect()
    }

    #[test]
    fn hostile_and_truncated_bytes() {
        let (t, lst, lfo) = table(
            &[(1, false, chinese_levels())],
            &[(1, vec![(0, Some(4), Some(lvl(0, "\u{0}")))])],
        );
        // Cut anywhere: never a panic; what was read is kept.
        for cut in 0..t.len() {
            let mut w = Vec::new();
            let mut lists = DocLists::parse(&t[..cut], lst, lfo, &mut w);
            let _ = lists.next_label(1, 0, &mut w);
            if cut < t.len() - 6 {
                assert!(codes(&w).contains(&TRUNCATED), "cut {cut}: {w:?}");
            }
        }
        // Lengths past the stream, offsets past the stream.
        let mut w = Vec::new();
        let lists = DocLists::parse(&t, (lst.0, u32::MAX), (u32::MAX, 8), &mut w);
        assert_eq!(lists.numbering().abstracts.len(), 1);
        assert_eq!(codes(&w), [TRUNCATED, TRUNCATED]);
        // cLst huge: capped, and the LSTFs past lcb are not read.
        let mut huge = t.clone();
        huge[lst.0 as usize..lst.0 as usize + 2].copy_from_slice(&i16::MAX.to_le_bytes());
        let mut w = Vec::new();
        let lists = DocLists::parse(&huge, lst, lfo, &mut w);
        assert!(
            codes(&w).contains(&"too_many_lists") && codes(&w).contains(&TRUNCATED),
            "{w:?}"
        );
        assert!(lists.numbering().abstracts.len() <= 1);
        // cLst negative: no lists.
        huge[lst.0 as usize..lst.0 as usize + 2].copy_from_slice(&(-5i16).to_le_bytes());
        let lists = DocLists::parse(&huge, lst, (0, 0), &mut Vec::new());
        assert!(lists.numbering().abstracts.is_empty());
        // lfoMac huge: capped; the LFOData offset lies past the stream.
        let mut huge = t.clone();
        huge[lfo.0 as usize..lfo.0 as usize + 4].copy_from_slice(&u32::MAX.to_le_bytes());
        let mut w = Vec::new();
        let lists = DocLists::parse(&huge, lst, lfo, &mut w);
        assert!(
            codes(&w).contains(&"too_many_lists") && codes(&w).contains(&TRUNCATED),
            "{w:?}"
        );
        assert!(lists.numbering().nums.len() <= MAX_LFOS);
        // cch huge in the first LVL: that list is cut short.
        let mut huge = t.clone();
        let xst = lst.0 as usize + lst.1 as usize + LVLF_SIZE + 8;
        huge[xst..xst + 2].copy_from_slice(&u16::MAX.to_le_bytes());
        let mut w = Vec::new();
        let mut lists = DocLists::parse(&huge, lst, (0, 0), &mut w);
        assert_eq!(codes(&w), [TRUNCATED]);
        assert!(lists.next_label(1, 0, &mut w).is_none());
        // A long number text is cut to MAX_LEVEL_TEXT code units.
        let long = "\u{0}-".repeat(200);
        let (t, lst, lfo) = table(&[(1, true, vec![lvl(0, &long)])], &[(1, vec![])]);
        let mut w = Vec::new();
        let mut lists = DocLists::parse(&t, lst, lfo, &mut w);
        assert_eq!(codes(&w), ["long_list_text"]);
        assert_eq!(
            lists.next_label(1, 0, &mut w).unwrap().text,
            "1-".repeat(MAX_LEVEL_TEXT / 2)
        );
    }

    #[test]
    fn level_text_placeholders() {
        let enc = |s: &str| {
            s.encode_utf16()
                .flat_map(u16::to_le_bytes)
                .collect::<Vec<u8>>()
        };
        assert_eq!(level_text(&enc("第\u{0}章"), 64), "第%1章");
        assert_eq!(level_text(&enc("\u{0}.\u{1}.\u{8}"), 64), "%1.%2.%9");
        assert_eq!(level_text(&enc("\u{F0B7}"), 64), "\u{F0B7}");
        assert_eq!(level_text(&[0x41, 0, 0x42], 64), "A");
    }

    #[test]
    fn nfc_codes() {
        assert_eq!(nfc_format(0x25), Some("chineseCounting"));
        assert_eq!(nfc_format(0x27), Some("chineseCountingThousand"));
        assert_eq!(nfc_format(0x1C), Some("decimalEnclosedCircleChinese"));
        assert_eq!(nfc_format(0x1E), Some("ideographTraditional"));
        assert_eq!(nfc_format(0x17), Some("bullet"));
        assert_eq!(nfc_format(0xFF), Some("none"));
        assert_eq!(nfc_format(0x3C), None);
    }
}

/// The list tables of real Word documents from the shared public corpus (read
/// in place; skipped when the corpus is absent).
#[cfg(test)]
mod corpus_tests {
    use super::*;
    use crate::binary::{u16_at, u32_at};
    use std::io::Read;

    const DIR: &str = "/../shared/corpus/public/poi/test-data/document/";

    /// Index of (fcPlfLst, lcbPlfLst) in FibRgFcLcb97; (fcPlfLfo, lcbPlfLfo)
    /// follows it.
    const PLF_LST: usize = 73;

    /// A table stream and its FIB's PlfLst and PlfLfo (fc, lcb) pairs.
    type Streams = (Vec<u8>, (u32, u32), (u32, u32));

    /// The table stream and the PlfLst/PlfLfo pairs of a Word 97+ file; `None`
    /// for other files (Word 6, encrypted, not a compound file).
    fn streams(bytes: &[u8]) -> Option<Streams> {
        let mut cf = cfb::CompoundFile::open(std::io::Cursor::new(bytes)).ok()?;
        let mut wd = Vec::new();
        cf.open_stream("/WordDocument")
            .ok()?
            .read_to_end(&mut wd)
            .ok()?;
        if u16_at(&wd, 0)? != 0xA5EC || u16_at(&wd, 2)? < 0x00C1 {
            return None;
        }
        let flags = u16_at(&wd, 0x0A)?;
        if flags & 0x0100 != 0 {
            return None; // fEncrypted
        }
        // FibBase (32 bytes), csw + fibRgW, cslw + fibRgLw, cbRgFcLcb + pairs.
        let csw = usize::from(u16_at(&wd, 0x20)?);
        let cslw_at = 0x22 + csw * 2;
        let cslw = usize::from(u16_at(&wd, cslw_at)?);
        let cb_at = cslw_at + 2 + cslw * 4;
        if usize::from(u16_at(&wd, cb_at)?) <= PLF_LST + 1 {
            return None;
        }
        let pair = |i: usize| -> Option<(u32, u32)> {
            let at = cb_at + 2 + i * 8;
            Some((u32_at(&wd, at)?, u32_at(&wd, at + 4)?))
        };
        let name = if flags & 0x0200 != 0 {
            "/1Table"
        } else {
            "/0Table"
        };
        let mut table = Vec::new();
        cf.open_stream(name).ok()?.read_to_end(&mut table).ok()?;
        Some((table, pair(PLF_LST)?, pair(PLF_LST + 1)?))
    }

    fn corpus_dir() -> Option<std::path::PathBuf> {
        let dir = std::path::PathBuf::from(format!("{}{DIR}", env!("CARGO_MANIFEST_DIR")));
        if dir.is_dir() {
            Some(dir)
        } else {
            println!(
                "note: {} is absent; corpus list tests skipped",
                dir.display()
            );
            None
        }
    }

    fn read(name: &str) -> Option<(DocLists, Vec<Warning>)> {
        let path = corpus_dir()?.join(name);
        let Ok(bytes) = std::fs::read(&path) else {
            println!("note: {} is absent; skipped", path.display());
            return None;
        };
        let (table, lst, lfo) = streams(&bytes).expect("a Word 97+ document");
        let mut w = Vec::new();
        let lists = DocLists::parse(&table, lst, lfo, &mut w);
        Some((lists, w))
    }

    /// The FIB pair indices: fcPlfLst of a Word 97 FIB lies at byte 0x2E2.
    #[test]
    fn plf_lst_pair_offset() {
        assert_eq!(0x9A + PLF_LST * 8, 0x2E2);
    }

    #[test]
    fn simple_list_doc() {
        let Some((mut lists, mut w)) = read("simple-list.doc") else {
            return;
        };
        assert!(w.is_empty(), "{w:?}");
        assert!(!lists.numbering().nums.is_empty());
        let nums = &lists.numbering().nums;
        let aid = nums[&1].abstract_id;
        let level = lists.numbering().abstracts[&aid].levels[0].clone().unwrap();
        assert_eq!(level.fmt.as_deref(), Some("decimal"), "{level:?}");
        assert_eq!(level.text.as_deref(), Some("%1."), "{level:?}");
        assert_eq!(level.start, Some(1));
        let got: Vec<String> = (0..3)
            .map(|_| lists.next_label(1, 0, &mut w).unwrap().text)
            .collect();
        assert_eq!(got, ["1.", "2.", "3."]);
        assert!(w.is_empty(), "{w:?}");
    }

    /// Every Word 97+ document of the corpus (fuzzer cases included): lists
    /// parse without a panic, every level has a known format and a template.
    #[test]
    fn corpus_documents() {
        let Some(dir) = corpus_dir() else {
            return;
        };
        let mut entries: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "doc"))
            .collect();
        entries.sort();
        let mut with_lists = 0;
        for path in entries {
            let bytes = std::fs::read(&path).unwrap();
            let Some((table, lst, lfo)) = streams(&bytes) else {
                continue;
            };
            let mut w = Vec::new();
            let mut lists = DocLists::parse(&table, lst, lfo, &mut w);
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            let fuzz = name.starts_with("clusterfuzz");
            let n = lists.numbering();
            if !n.abstracts.is_empty() {
                with_lists += 1;
            }
            for (lsid, a) in &n.abstracts {
                for l in a.levels.iter().flatten() {
                    assert!(l.fmt.is_some() && l.text.is_some(), "{name} {lsid}: {l:?}");
                }
            }
            if !fuzz {
                assert!(w.is_empty(), "{name}: {w:?}");
            }
            for ilfo in 1..=n.nums.len().min(16) as u16 {
                for ilvl in 0..9 {
                    let _ = lists.next_label(ilfo, ilvl, &mut w);
                }
            }
        }
        assert!(with_lists >= 2, "{with_lists} documents with lists");
    }

    /// Levels of other formats: upper Roman, and a nine-level outline whose
    /// levels nest (`(a)` under `1.`, restarting).
    #[test]
    fn roman_and_letter_levels() {
        if let Some((mut lists, mut w)) = read("GaiaTest.doc") {
            let aid = lists.numbering().nums[&1].abstract_id;
            let l = lists.numbering().abstracts[&aid].levels[0].clone().unwrap();
            assert_eq!(
                (l.fmt.as_deref(), l.text.as_deref()),
                (Some("upperRoman"), Some("%1."))
            );
            let got: Vec<String> = (0..4)
                .map(|_| lists.next_label(1, 0, &mut w).unwrap().text)
                .collect();
            assert_eq!(got, ["I.", "II.", "III.", "IV."]);
        }
        if let Some((lists, _)) = read("Bug52032_3.doc") {
            let n = lists.numbering();
            let found = n.abstracts.values().any(|a| {
                a.levels[0].as_ref().and_then(|l| l.text.as_deref()) == Some("(%1)")
                    && a.levels[0].as_ref().and_then(|l| l.fmt.as_deref()) == Some("lowerLetter")
            });
            assert!(found, "{n:?}");
        }
    }
}
