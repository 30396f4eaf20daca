//! Formatted disk pages (\[MS-DOC\] 2.9.45 `ChpxFkp`, 2.9.175 `PapxFkp`) and their
//! bin tables (`PlcBteChpx`, `PlcBtePapx`): which character and paragraph
//! properties apply to which bytes of the `WordDocument` stream.

use crate::binary::{u16_at, u32_at, u8_at};
use crate::container::fib::FcLcb;
use crate::model::Warning;

/// Size of a formatted disk page.
const PAGE: usize = 512;

/// Properties applying to stream bytes `[fc_start, fc_end)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Run {
    /// First stream byte.
    pub fc_start: u32,
    /// One past the last stream byte.
    pub fc_end: u32,
    /// Offset of the property group (`grpprl`) in the `WordDocument` stream.
    pub at: u32,
    /// Its length in bytes (0: no properties).
    pub len: u32,
    /// Paragraph runs: the style (`istd`) of the paragraph.
    pub istd: u16,
}

impl Run {
    /// The property group in `word`.
    pub fn grpprl<'a>(&self, word: &'a [u8]) -> &'a [u8] {
        let s = self.at as usize;
        word.get(s..s + self.len as usize).unwrap_or_default()
    }
}

/// Which kind of FKP.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Character properties.
    Chpx,
    /// Paragraph properties.
    Papx,
}

/// All runs of one kind, sorted by `fc_start`.
#[derive(Debug, Default)]
pub(crate) struct Runs {
    runs: Vec<Run>,
}

impl Runs {
    /// Read the bin table at `plc` in `table` and every page it names in `word`.
    /// Pages outside the stream and property groups running past their page
    /// are skipped with a warning.
    pub fn read(
        kind: Kind,
        plc: FcLcb,
        word: &[u8],
        table: &[u8],
        warnings: &mut Vec<Warning>,
    ) -> Runs {
        let name = match kind {
            Kind::Chpx => "PlcBteChpx",
            Kind::Papx => "PlcBtePapx",
        };
        let mut warn = |code: &str, msg: &str| {
            if !warnings.iter().any(|w| w.code == code) {
                warnings.push(Warning::new(code, msg, Some(name.to_string())));
            }
        };
        let Some(bte) = crate::binary::fc_lcb(table, plc.fc, plc.lcb) else {
            if plc.lcb != 0 {
                warn(
                    "bad_fkp",
                    "the formatting bin table lies outside the table stream",
                );
            }
            return Runs::default();
        };
        let n = bte.len().saturating_sub(4) / 8;
        let mut runs: Vec<Run> = Vec::new();
        let mut pages_seen = std::collections::HashSet::new();
        for i in 0..n {
            let pn = u32_at(bte, 4 * (n + 1) + 4 * i).unwrap_or(0) & 0x003F_FFFF;
            if !pages_seen.insert(pn) {
                continue;
            }
            let start = pn as usize * PAGE;
            let Some(page) = word.get(start..start + PAGE) else {
                warn(
                    "bad_fkp",
                    "a formatting page lies outside the WordDocument stream",
                );
                continue;
            };
            let crun = usize::from(page[PAGE - 1]);
            let entry = match kind {
                Kind::Chpx => 1,
                Kind::Papx => 13,
            };
            if 4 * (crun + 1) + entry * crun > PAGE - 1 {
                warn(
                    "bad_fkp",
                    "a formatting page declares more runs than it can hold",
                );
                continue;
            }
            for r in 0..crun {
                let (Some(fc_start), Some(fc_end)) = (u32_at(page, 4 * r), u32_at(page, 4 * r + 4))
                else {
                    break;
                };
                let off = usize::from(u8_at(page, 4 * (crun + 1) + entry * r).unwrap_or(0)) * 2;
                let (at, len, istd) = if off == 0 {
                    (0, 0, 0)
                } else {
                    match kind {
                        Kind::Chpx => {
                            let cb = usize::from(u8_at(page, off).unwrap_or(0));
                            (off + 1, cb, 0)
                        }
                        Kind::Papx => {
                            // PapxInFkp: cb, or 0 then cb' (2·cb' bytes).
                            let cb = usize::from(u8_at(page, off).unwrap_or(0));
                            let (at, size) = if cb == 0 {
                                (off + 2, 2 * usize::from(u8_at(page, off + 1).unwrap_or(0)))
                            } else {
                                (off + 1, (2 * cb).saturating_sub(1))
                            };
                            let istd = u16_at(page, at).unwrap_or(0);
                            (at + 2, size.saturating_sub(2), istd)
                        }
                    }
                };
                let (at, len) = if at + len > PAGE - 1 {
                    warn(
                        "sprm_past_fkp",
                        "a property group runs past the end of its formatting page; its properties were dropped",
                    );
                    (0, 0)
                } else {
                    (start + at, len)
                };
                if fc_end > fc_start {
                    runs.push(Run {
                        fc_start,
                        fc_end,
                        at: at as u32,
                        len: len as u32,
                        istd,
                    });
                }
            }
        }
        runs.sort_by_key(|r| r.fc_start);
        Runs { runs }
    }

    /// The run holding stream byte `fc`.
    pub fn find(&self, fc: u32) -> Option<&Run> {
        let i = self.runs.partition_point(|r| r.fc_end <= fc);
        self.runs.get(i).filter(|r| r.fc_start <= fc)
    }

    /// Index of the first run ending after `fc` (for walking runs in order).
    pub fn first_after(&self, fc: u32) -> usize {
        self.runs.partition_point(|r| r.fc_end <= fc)
    }

    /// The run at index `i`.
    pub fn get(&self, i: usize) -> Option<&Run> {
        self.runs.get(i)
    }
}
