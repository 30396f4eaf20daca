//! Word 6 and Word 95 documents (nFib 101–105): their text, without
//! formatting. Their FIB, piece table and story layout are close enough to
//! Word 97's to read the characters well; their formatting (1-byte sprms,
//! other FKP and style layouts) is not read, so there are no styles, list
//! labels or table grids: paragraphs (table cells included) in order, fields
//! shown as their result, headers and footers apart. A `word6_text_only`
//! warning says so. Characters are bytes in the code page of the document's
//! language.

use super::pieces::Text;
use crate::container::fib::Fib;
use crate::error::ReadError;
use crate::model::{Block, Document, HeaderFooter, Paragraph, Warning};

/// The document of a Word 6/95 `WordDocument` stream.
pub(crate) fn read(fib: &Fib, word: &[u8]) -> Result<Document, ReadError> {
    let w6 = fib.word6.unwrap_or_default();
    let mut warnings = Vec::new();
    let ccp = fib.ccp;
    let total = ccp
        .txbx_start()
        .saturating_add(ccp.txbx)
        .saturating_add(ccp.hdr_txbx);
    let text = if w6.complex {
        // The CLX is in the WordDocument stream: Word 6 has no table stream.
        Text::read_clx(fib, word, word, true, &mut warnings)?
    } else {
        Text::single_8bit(word, w6.fc_min, total)
    };
    let encoding = font_code_page(fib, word).unwrap_or_else(|| code_page(w6.lid, w6.chse));
    let mut doc = Document {
        body: paragraphs(&text, 0, ccp.text, encoding)
            .into_iter()
            .map(Block::Paragraph)
            .collect(),
        ..Document::default()
    };
    let hdd: Vec<String> = paragraphs(
        &text,
        ccp.hdd_start(),
        ccp.hdd_start().saturating_add(ccp.hdd),
        encoding,
    )
    .into_iter()
    .map(|p| p.text)
    .filter(|t| !t.trim().is_empty())
    .collect();
    if !hdd.is_empty() {
        doc.headers.push(HeaderFooter {
            kind: "default".into(),
            text: hdd.join("\n"),
        });
    }
    warnings.push(Warning::new(
        "word6_text_only",
        format!(
            "a Word 6/95 document (nFib {}): its text is read without formatting (no styles, list labels or table grids)",
            fib.n_fib
        ),
        Some("WordDocument".into()),
    ));
    doc.warnings = warnings;
    Ok(doc)
}

/// The code page of the first font of the font table (`SttbfFfn`, FIB pair
/// 15) with a non-Western character set: Word 6/95 text is in the code page
/// of its fonts' character sets, which says more than the document language
/// (a Russian text in a document marked English, say).
fn font_code_page(fib: &Fib, word: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let at = fib.pair_at(15);
    let tbl = crate::binary::fc_lcb(word, at.fc, at.lcb)?;
    let total = usize::from(crate::binary::u16_at(tbl, 0)?).min(tbl.len());
    let mut pos = 2usize;
    // FFN: cbFfnM1, flags, wWeight (2), chs, ...
    while pos < total {
        let cb = usize::from(*tbl.get(pos)?) + 1;
        let chs = *tbl.get(pos + 4)?;
        let cp: Option<u16> = match chs {
            128 => Some(932),
            129 => Some(949),
            134 => Some(936),
            136 => Some(950),
            161 => Some(1253),
            162 => Some(1254),
            163 => Some(1258),
            177 => Some(1255),
            178 => Some(1256),
            186 => Some(1257),
            204 => Some(1251),
            222 => Some(874),
            238 => Some(1250),
            _ => None,
        };
        if let Some(e) = cp.and_then(codepage::to_encoding) {
            return Some(e);
        }
        pos += cb;
    }
    None
}

/// The code page of a Word 6/95 document, from its language (Windows code
/// pages; `chse` 256 is a Macintosh document).
fn code_page(lid: u16, chse: u16) -> &'static encoding_rs::Encoding {
    if chse == 256 {
        return encoding_rs::MACINTOSH;
    }
    let cp: u16 = match lid & 0x03FF {
        0x04 => match lid {
            0x0404 | 0x0C04 | 0x1404 => 950,
            _ => 936,
        },
        0x11 => 932,
        0x12 => 949,
        0x19 | 0x02 | 0x22 | 0x23 => 1251,
        0x05 | 0x0E | 0x15 | 0x18 | 0x1A | 0x1B | 0x24 | 0x1C => 1250,
        0x08 => 1253,
        0x1F => 1254,
        0x0D => 1255,
        0x01 | 0x29 | 0x20 => 1256,
        0x25..=0x27 => 1257,
        0x2A => 1258,
        0x1E => 874,
        _ => 1252,
    };
    codepage::to_encoding(cp).unwrap_or(encoding_rs::WINDOWS_1252)
}

/// The paragraphs of CPs `[start, end)`: split at paragraph, cell and
/// section marks, fields shown as their result, control characters dropped;
/// empty cell and row marks make no paragraph.
fn paragraphs(
    text: &Text,
    start: u32,
    end: u32,
    encoding: &'static encoding_rs::Encoding,
) -> Vec<Paragraph> {
    let mut out = Vec::new();
    let mut bytes: Vec<u8> = Vec::new();
    // Field nesting: whether each open field has reached its result.
    let mut fields: Vec<bool> = Vec::new();
    let mut overflow = 0usize;
    let end = end.min(text.len());
    let finish = |bytes: &mut Vec<u8>, out: &mut Vec<Paragraph>, mark: u16| {
        let (s, _, _) = encoding.decode(bytes);
        let s = s.into_owned();
        bytes.clear();
        if (mark == 0x0D || !s.trim().is_empty()) && out.len() < crate::read::MAX_PARAGRAPHS {
            out.push(Paragraph::new(s));
        }
    };
    for cp in start..end {
        let c = text.chars.get(cp as usize).copied().unwrap_or(0);
        match c {
            0x13 => {
                if fields.len() < 64 {
                    fields.push(false);
                } else {
                    overflow += 1;
                }
                continue;
            }
            0x14 => {
                if overflow == 0 {
                    if let Some(f) = fields.last_mut() {
                        *f = true;
                    }
                }
                continue;
            }
            0x15 => {
                if overflow > 0 {
                    overflow -= 1;
                } else {
                    fields.pop();
                }
                continue;
            }
            _ => {}
        }
        if !fields.iter().all(|&r| r) || overflow > 0 {
            continue;
        }
        match c {
            0x0D | 0x07 | 0x0C => finish(&mut bytes, &mut out, c),
            0x09 => bytes.push(b'\t'),
            0x0B => bytes.push(b'\n'),
            0x1E => bytes.push(b'-'),
            0x00..=0x1F => {}
            _ => bytes.push(c as u8),
        }
    }
    if !bytes.is_empty() {
        finish(&mut bytes, &mut out, 0);
    }
    out
}
