//! Single property modifiers (\[MS-DOC\] 2.2.5 `Sprm`, 2.2.5.1 operand sizes):
//! the `grpprl`s of paragraph, character, table and section properties are
//! sequences of a 16-bit opcode followed by an operand whose size the opcode's
//! `spra` field gives (or, for variable operands, a length prefix).

/// One property modifier: its opcode and operand bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Sprm<'a> {
    /// The 16-bit opcode (e.g. `0x2640` sprmPOutLvl).
    pub op: u16,
    /// The operand, without any length prefix (for sprmTDefTable: the
    /// `TDefTableOperand` after its 2-byte `cb`).
    pub arg: &'a [u8],
}

impl Sprm<'_> {
    /// First operand byte (0 when the operand is empty).
    pub fn u8(&self) -> u8 {
        self.arg.first().copied().unwrap_or(0)
    }

    /// Operand as little-endian `u16` (0 when too short).
    pub fn u16(&self) -> u16 {
        crate::binary::u16_at(self.arg, 0).unwrap_or(0)
    }

    /// Operand as little-endian `u32` (0 when too short).
    pub fn u32(&self) -> u32 {
        crate::binary::u32_at(self.arg, 0).unwrap_or(0)
    }
}

/// sprmTDefTable: the table definition with a 2-byte length prefix.
pub(crate) const T_DEF_TABLE: u16 = 0xD608;
/// sprmTDefTable10 (Word 6 style table definition, 2-byte length).
const T_DEF_TABLE10: u16 = 0xD606;
/// sprmPChgTabs: tab changes whose 1-byte length 255 means "compute it".
const P_CHG_TABS: u16 = 0xC615;

/// Iterator over the sprms of a `grpprl`. It stops at the first sprm whose
/// operand would run past the end (`truncated()` then tells), never panics.
#[derive(Debug, Clone)]
pub(crate) struct Sprms<'a> {
    buf: &'a [u8],
    pos: usize,
    truncated: bool,
}

impl<'a> Sprms<'a> {
    /// Iterate over `grpprl`.
    pub fn new(grpprl: &'a [u8]) -> Self {
        Sprms {
            buf: grpprl,
            pos: 0,
            truncated: false,
        }
    }

    /// Whether iteration stopped on a sprm that ran past the end of the group.
    pub fn truncated(&self) -> bool {
        self.truncated
    }

    /// (offset of the operand, its length) for the sprm whose opcode ends at
    /// `at`, or `None` when it does not fit.
    fn operand(&self, op: u16, at: usize) -> Option<(usize, usize)> {
        let b = self.buf;
        let fixed = |n: usize| Some((at, n));
        match op >> 13 {
            0 | 1 => fixed(1),
            2 | 4 | 5 => fixed(2),
            3 => fixed(4),
            7 => fixed(3),
            _ => match op {
                T_DEF_TABLE | T_DEF_TABLE10 => {
                    let cb = usize::from(crate::binary::u16_at(b, at)?);
                    Some((at + 2, cb.saturating_sub(1)))
                }
                P_CHG_TABS if b.get(at).copied()? == 255 => {
                    // cb 255: itbdDelMax, rgdxaDel, rgdxaClose, itbdAddMax,
                    // rgdxaAdd, rgtbdAdd (\[MS-DOC\] 2.6.2 sprmPChgTabs).
                    let del = usize::from(*b.get(at + 1)?);
                    let add_at = at + 2 + 4 * del;
                    let add = usize::from(*b.get(add_at)?);
                    Some((at + 1, 1 + 4 * del + 1 + 3 * add))
                }
                _ => {
                    let cb = usize::from(*b.get(at)?);
                    Some((at + 1, cb))
                }
            },
        }
    }
}

impl<'a> Iterator for Sprms<'a> {
    type Item = Sprm<'a>;

    fn next(&mut self) -> Option<Sprm<'a>> {
        if self.truncated || self.pos >= self.buf.len() {
            return None;
        }
        let Some(op) = crate::binary::u16_at(self.buf, self.pos) else {
            // A lone trailing byte is padding, not damage.
            self.pos = self.buf.len();
            return None;
        };
        let step = self
            .operand(op, self.pos + 2)
            .and_then(|(start, len)| Some((start, self.buf.get(start..start.checked_add(len)?)?)));
        match step {
            Some((start, arg)) => {
                self.pos = start + arg.len();
                Some(Sprm { op, arg })
            }
            None => {
                self.truncated = true;
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ops(b: &[u8]) -> (Vec<(u16, Vec<u8>)>, bool) {
        let mut it = Sprms::new(b);
        let v = it.by_ref().map(|s| (s.op, s.arg.to_vec())).collect();
        (v, it.truncated())
    }

    #[test]
    fn operand_sizes_by_spra() {
        // sprmPOutLvl (spra 1, 1 byte), sprmPIlfo (spra 2, 2 bytes),
        // sprmCSymbol (spra 3, 4 bytes), variable sprmCPropRMark (spra 6).
        let b = [
            0x40, 0x26, 0x01, 0x0B, 0x46, 0x02, 0x00, 0x09, 0x6A, 1, 2, 3, 4, 0x57, 0xCA, 2, 9, 9,
        ];
        let (v, t) = ops(&b);
        assert!(!t);
        assert_eq!(
            v,
            vec![
                (0x2640, vec![1]),
                (0x460B, vec![2, 0]),
                (0x6A09, vec![1, 2, 3, 4]),
                (0xCA57, vec![9, 9]),
            ]
        );
    }

    #[test]
    fn table_definition_has_a_two_byte_length() {
        let b = [0x08, 0xD6, 0x04, 0x00, 7, 8, 9, 0x04, 0x34, 1];
        let (v, t) = ops(&b);
        assert!(!t);
        assert_eq!(v, vec![(0xD608, vec![7, 8, 9]), (0x3404, vec![1])]);
    }

    #[test]
    fn sprm_past_the_end_stops_without_panic() {
        let (v, t) = ops(&[0x40, 0x26, 0x01, 0x09, 0x6A, 1]);
        assert_eq!(v, vec![(0x2640, vec![1])]);
        assert!(t);
        let (v, t) = ops(&[0x08, 0xD6, 0xFF, 0xFF, 1]);
        assert!(v.is_empty() && t);
        let (v, t) = ops(&[0x15, 0xC6, 0xFF, 3]);
        assert!(v.is_empty() && t);
        let (v, t) = ops(&[0x40]);
        assert!(v.is_empty() && !t);
    }
}
