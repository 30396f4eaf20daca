//! The style sheet (\[MS-DOC\] 2.9.271 `STSH`, 2.9.260 `STD`): style names,
//! built-in identifiers (`sti` 1–9 are Heading 1–9), the `istdBase` chain, and
//! each style's paragraph and character property groups.

use crate::binary::{u16_at, utf16le};
use crate::container::fib::FcLcb;
use crate::model::Warning;

/// Most styles read (Word allows 4,095).
const MAX_STYLES: usize = 4096;
/// Longest `istdBase` chain followed; longer chains (or cycles) are cut.
pub(crate) const MAX_CHAIN: usize = 16;
/// `istdBase` of a style based on nothing.
const ISTD_NIL: u16 = 0x0FFF;

/// One style.
#[derive(Debug, Clone, Default)]
pub(crate) struct Style {
    /// Display name.
    pub name: String,
    /// Built-in style identifier (0 Normal, 1–9 Heading 1–9, 62 Title, 0x0FFE user).
    pub sti: u16,
    /// Style kind: 1 paragraph, 2 character, 3 table, 4 numbering.
    pub stk: u8,
    /// The style it is based on.
    pub base: Option<u16>,
    /// Paragraph property group (paragraph, table and numbering styles).
    pub papx: Vec<u8>,
    /// Character property group.
    pub chpx: Vec<u8>,
}

/// The style sheet.
#[derive(Debug, Default)]
pub(crate) struct Styles {
    styles: Vec<Option<Style>>,
}

impl Styles {
    /// Parse the STSH. A damaged style sheet keeps the styles read before the
    /// damage, with a warning.
    pub fn read(table: &[u8], at: FcLcb, warnings: &mut Vec<Warning>) -> Styles {
        let mut out = Styles::default();
        let Some(stsh) = crate::binary::fc_lcb(table, at.fc, at.lcb) else {
            warnings.push(Warning::new(
                "missing_styles",
                "the style sheet lies outside the table stream; styles are unknown",
                Some("STSH".into()),
            ));
            return out;
        };
        let cb_stshi = usize::from(u16_at(stsh, 0).unwrap_or(0));
        let cstd = usize::from(u16_at(stsh, 2).unwrap_or(0)).min(MAX_STYLES);
        let cb_base = usize::from(u16_at(stsh, 4).unwrap_or(10));
        let mut pos = 2 + cb_stshi;
        let mut damaged = false;
        for _ in 0..cstd {
            let Some(cb_std) = u16_at(stsh, pos).map(usize::from) else {
                damaged = true;
                break;
            };
            pos += 2;
            if cb_std == 0 {
                out.styles.push(None);
                continue;
            }
            let Some(std) = stsh.get(pos..pos + cb_std) else {
                damaged = true;
                break;
            };
            pos += cb_std;
            let style = parse_std(std, cb_base);
            damaged |= style.is_none();
            out.styles.push(style);
        }
        if damaged {
            warnings.push(Warning::new(
                "bad_styles",
                "the style sheet is damaged; styles after the damage are unknown",
                Some("STSH".into()),
            ));
        }
        out
    }

    /// Style `istd`, if defined.
    pub fn get(&self, istd: u16) -> Option<&Style> {
        self.styles.get(usize::from(istd))?.as_ref()
    }

    /// Style `istd` and its bases, the root first; at most [`MAX_CHAIN`]
    /// styles, a cycle cut where it closes.
    pub fn chain(&self, istd: u16) -> Vec<&Style> {
        let mut seen = Vec::with_capacity(4);
        let mut out = Vec::with_capacity(4);
        let mut cur = Some(istd);
        while let Some(i) = cur {
            if seen.contains(&i) || out.len() >= MAX_CHAIN {
                break;
            }
            seen.push(i);
            let Some(s) = self.get(i) else { break };
            out.push(s);
            cur = s.base;
        }
        out.reverse();
        out
    }
}

/// One STD: `Stdf` (`cb_base` bytes), the name, then the UPXs.
fn parse_std(std: &[u8], cb_base: usize) -> Option<Style> {
    let w0 = u16_at(std, 0)?;
    let w1 = u16_at(std, 2)?;
    let w2 = u16_at(std, 4)?;
    let stk = (w1 & 0x000F) as u8;
    let base = w1 >> 4;
    let cupx = usize::from(w2 & 0x000F);
    let mut pos = cb_base.max(10);
    let cch = usize::from(u16_at(std, pos)?);
    let name = utf16le(std.get(pos + 2..pos + 2 + 2 * cch)?);
    pos += 2 + 2 * cch + 2;
    let mut upxs: Vec<&[u8]> = Vec::with_capacity(cupx);
    for _ in 0..cupx.min(3) {
        let Some(cb) = u16_at(std, pos).map(usize::from) else {
            break;
        };
        let Some(upx) = std.get(pos + 2..pos + 2 + cb) else {
            break;
        };
        upxs.push(upx);
        pos += 2 + cb + (cb & 1);
    }
    let (papx, chpx): (&[u8], &[u8]) = match stk {
        // Paragraph: UpxPapx (istd, grpprl), UpxChpx.
        1 => (
            upxs.first().and_then(|u| u.get(2..)).unwrap_or_default(),
            upxs.get(1).copied().unwrap_or_default(),
        ),
        2 => (&[], upxs.first().copied().unwrap_or_default()),
        // Table: UpxTapx, UpxPapx, UpxChpx.
        3 => (
            upxs.get(1).and_then(|u| u.get(2..)).unwrap_or_default(),
            upxs.get(2).copied().unwrap_or_default(),
        ),
        4 => (
            upxs.first().and_then(|u| u.get(2..)).unwrap_or_default(),
            &[],
        ),
        _ => (&[], &[]),
    };
    Some(Style {
        name,
        sti: w0 & 0x0FFF,
        stk,
        base: (base != ISTD_NIL).then_some(base),
        papx: papx.to_vec(),
        chpx: chpx.to_vec(),
    })
}
