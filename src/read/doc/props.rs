//! Document properties from the `\x05SummaryInformation` and
//! `\x05DocumentSummaryInformation` property-set streams (\[MS-OLEPS\] 2.20-2.21
//! property set format; \[MS-OSHARED\] 2.3.3 property identifiers).
//!
//! A stream is a `PropertySetStream` header followed by one or more
//! `PropertySet`s (sections), each named by an FMTID and holding an array of
//! (property id, offset) pairs that point at `TypedPropertyValue`s. Everything
//! here comes from the file, so every count is clamped to what the bytes can
//! hold, every read is checked, and the total text decoded per stream is
//! budgeted: a hostile stream costs time and memory in proportion to its size,
//! and yields what could be read plus at most one warning.

use crate::binary::{i32_at, slice_at, u16_at, u32_at, utf16le};
use crate::model::{Properties, Warning};

/// A GUID as it is serialized in a property set (first three fields little-endian).
const fn guid(d1: u32, d2: u16, d3: u16, d4: [u8; 8]) -> [u8; 16] {
    let a = d1.to_le_bytes();
    let b = d2.to_le_bytes();
    let c = d3.to_le_bytes();
    [
        a[0], a[1], a[2], a[3], b[0], b[1], c[0], c[1], d4[0], d4[1], d4[2], d4[3], d4[4], d4[5],
        d4[6], d4[7],
    ]
}

/// FMTID_SummaryInformation, F29F85E0-4FF9-1068-AB91-08002B27B3D9.
const FMTID_SUMMARY: [u8; 16] = guid(
    0xF29F_85E0,
    0x4FF9,
    0x1068,
    [0xAB, 0x91, 0x08, 0x00, 0x2B, 0x27, 0xB3, 0xD9],
);
/// FMTID_DocSummaryInformation, D5CDD502-2E9C-101B-9397-08002B2CF9AE.
const FMTID_DOC_SUMMARY: [u8; 16] = guid(
    0xD5CD_D502,
    0x2E9C,
    0x101B,
    [0x93, 0x97, 0x08, 0x00, 0x2B, 0x2C, 0xF9, 0xAE],
);
/// FMTID_UserDefinedProperties, D5CDD505-2E9C-101B-9397-08002B2CF9AE.
const FMTID_USER_DEFINED: [u8; 16] = guid(
    0xD5CD_D505,
    0x2E9C,
    0x101B,
    [0x93, 0x97, 0x08, 0x00, 0x2B, 0x2C, 0xF9, 0xAE],
);

// Property identifiers.
const PID_DICTIONARY: u32 = 0;
const PID_CODEPAGE: u32 = 1;
const PIDSI_TITLE: u32 = 0x02;
const PIDSI_SUBJECT: u32 = 0x03;
const PIDSI_AUTHOR: u32 = 0x04;
const PIDSI_KEYWORDS: u32 = 0x05;
const PIDSI_COMMENTS: u32 = 0x06;
const PIDSI_LASTAUTHOR: u32 = 0x08;
const PIDSI_CREATE_DTM: u32 = 0x0C;
const PIDSI_LASTSAVE_DTM: u32 = 0x0D;
const PIDSI_PAGECOUNT: u32 = 0x0E;
const PIDSI_WORDCOUNT: u32 = 0x0F;
const PIDSI_CHARCOUNT: u32 = 0x10;
const PIDSI_APPNAME: u32 = 0x12;
const PIDDSI_COMPANY: u32 = 0x0F;

// Property types (\[MS-OLEPS\] 2.15).
const VT_I2: u16 = 0x02;
const VT_I4: u16 = 0x03;
const VT_R4: u16 = 0x04;
const VT_R8: u16 = 0x05;
const VT_BOOL: u16 = 0x0B;
const VT_I1: u16 = 0x10;
const VT_UI1: u16 = 0x11;
const VT_UI2: u16 = 0x12;
const VT_UI4: u16 = 0x13;
const VT_I8: u16 = 0x14;
const VT_UI8: u16 = 0x15;
const VT_INT: u16 = 0x16;
const VT_UINT: u16 = 0x17;
const VT_LPSTR: u16 = 0x1E;
const VT_LPWSTR: u16 = 0x1F;
const VT_FILETIME: u16 = 0x40;

/// CP_WINUNICODE: `VT_LPSTR` strings and dictionary names are UTF-16LE.
const CP_WINUNICODE: u16 = 1200;
/// Code page assumed when a section has no (readable) CodePage property.
const CP_DEFAULT: u16 = 1252;

/// Sections looked at per stream (Word writes one or two).
const MAX_SECTIONS: usize = 16;
/// Property entries looked at per section.
const MAX_PROPERTIES: usize = 10_000;
/// User-defined properties kept (same cap as the DOCX reader).
const MAX_CUSTOM: usize = 10_000;
/// Bytes of string data decoded per stream. Many entries may point at the same
/// long string; this keeps the work linear in a sane bound whatever the counts.
const DECODE_BUDGET: usize = 4 << 20;

const SUMMARY_LOCATION: &str = "SummaryInformation";
const DOC_SUMMARY_LOCATION: &str = "DocumentSummaryInformation";

/// Fill `props` from a `\x05SummaryInformation` stream: title, subject,
/// creator (author), keywords, description (comments), last_modified_by,
/// application, created, modified (ISO 8601 UTC) and the page, word and
/// character counts.
///
/// Only fields that are still `None` are set (the caller orders the sources);
/// empty strings are skipped. A malformed stream yields whatever could be read
/// and at most one `bad_property_set` warning.
pub(crate) fn read_summary_information(
    stream: &[u8],
    props: &mut Properties,
    warnings: &mut Vec<Warning>,
) {
    let mut r = Reader::new(SUMMARY_LOCATION);
    let sections = r.sections(stream);
    match sections
        .iter()
        .find(|(fmtid, _)| is_fmtid(fmtid, &FMTID_SUMMARY))
    {
        Some(&(_, offset)) => {
            if let Some(section) = r.section(stream, offset) {
                r.summary(&section, props);
            }
        }
        None if !sections.is_empty() => r.problem("no SummaryInformation property set"),
        None => {}
    }
    r.finish(warnings);
}

/// Fill `props` from a `\x05DocumentSummaryInformation` stream: the company
/// (if still `None`) from the DocSummaryInformation section, and the
/// user-defined properties (names from the section's dictionary; string,
/// number, boolean and date values as text) into `custom`, keeping entries
/// already there.
///
/// A malformed stream yields whatever could be read and at most one
/// `bad_property_set` warning.
pub(crate) fn read_document_summary_information(
    stream: &[u8],
    props: &mut Properties,
    warnings: &mut Vec<Warning>,
) {
    let mut r = Reader::new(DOC_SUMMARY_LOCATION);
    let sections = r.sections(stream);
    for (fmtid, offset) in sections {
        if is_fmtid(&fmtid, &FMTID_DOC_SUMMARY) {
            if let Some(section) = r.section(stream, offset) {
                r.doc_summary(&section, props);
            }
        } else if is_fmtid(&fmtid, &FMTID_USER_DEFINED) {
            if let Some(section) = r.section(stream, offset) {
                r.user_defined(&section, props);
            }
        }
    }
    r.finish(warnings);
}

/// One property set: its bytes (clamped to the stream), its property entries
/// (clamped to the bytes) and its code page.
struct Section<'a> {
    data: &'a [u8],
    entries: Vec<(u32, usize)>,
    codepage: u16,
}

/// A property value converted to something the model can hold.
#[derive(Debug, PartialEq)]
enum Value {
    Text(String),
    Int(i64),
    Real(f64),
    Bool(bool),
    /// ISO 8601 UTC; `None` for a zero or out-of-range FILETIME.
    Time(Option<String>),
}

impl Value {
    fn into_text(self) -> Option<String> {
        match self {
            Value::Text(s) => Some(s),
            Value::Int(n) => Some(n.to_string()),
            Value::Real(x) => x.is_finite().then(|| x.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            Value::Time(t) => t,
        }
    }
}

/// Parsing state for one stream: the first problem seen and the decode budget.
struct Reader {
    location: &'static str,
    problem: Option<String>,
    budget: usize,
}

impl Reader {
    fn new(location: &'static str) -> Self {
        Reader {
            location,
            problem: None,
            budget: DECODE_BUDGET,
        }
    }

    /// Remember the first problem; one warning per stream is enough.
    fn problem(&mut self, message: impl Into<String>) {
        if self.problem.is_none() {
            self.problem = Some(message.into());
        }
    }

    fn finish(self, warnings: &mut Vec<Warning>) {
        if let Some(message) = self.problem {
            warnings.push(Warning::new(
                "bad_property_set",
                format!("{}: {message}", self.location),
                Some(self.location.to_string()),
            ));
        }
    }

    /// The `PropertySetStream` header: (FMTID, offset) of each section.
    fn sections(&mut self, stream: &[u8]) -> Vec<([u8; 16], usize)> {
        let mut out = Vec::new();
        if stream.is_empty() {
            // An empty stream holds no properties; nothing is malformed.
            return out;
        }
        let (Some(byte_order), Some(declared)) = (u16_at(stream, 0), u32_at(stream, 24)) else {
            self.problem("stream too short for a property set header");
            return out;
        };
        if byte_order != 0xFFFE {
            self.problem(format!("byte order mark {byte_order:#06x}, not 0xfffe"));
            return out;
        }
        if declared == 0 {
            self.problem("no property sets");
            return out;
        }
        let fits = stream.len().saturating_sub(28) / 20;
        if declared as usize > fits.min(MAX_SECTIONS) {
            self.problem(format!("{declared} property sets listed"));
        }
        let count = (declared as usize).min(MAX_SECTIONS);
        for i in 0..count {
            let at = 28 + 20 * i;
            let (Some(id), Some(offset)) = (slice_at(stream, at, 16), u32_at(stream, at + 16))
            else {
                self.problem("property set list runs past the stream");
                break;
            };
            let mut fmtid = [0u8; 16];
            fmtid.copy_from_slice(id);
            out.push((fmtid, offset as usize));
        }
        out
    }

    /// The `PropertySet` at `offset`: size, entry array and code page.
    ///
    /// Some writers forget to pad strings to 4 bytes yet count them padded,
    /// so a later set starts up to 3 bytes after its listed offset (POI bug
    /// 52372). When the listed offset holds no plausible set header, the next
    /// three bytes are tried.
    fn section<'a>(&mut self, stream: &'a [u8], offset: usize) -> Option<Section<'a>> {
        let plausible = |at: usize| {
            let (Some(size), Some(count)) =
                (u32_at(stream, at), u32_at(stream, at.saturating_add(4)))
            else {
                return false;
            };
            let size = size as usize;
            (8..=stream.len() - at).contains(&size) && count as usize <= (size - 8) / 8
        };
        let offset = if plausible(offset) {
            offset
        } else if let Some(at) = (1..=3)
            .map(|d| offset.saturating_add(d))
            .find(|&at| plausible(at))
        {
            self.problem(format!("property set listed at {offset} found at {at}"));
            at
        } else {
            offset
        };
        let Some(size) = u32_at(stream, offset) else {
            self.problem(format!("property set offset {offset} past the stream"));
            return None;
        };
        let avail = stream.len().saturating_sub(offset);
        let mut len = size as usize;
        if len < 8 || len > avail {
            self.problem(format!(
                "property set at {offset}: size {size}, {avail} bytes available"
            ));
            len = avail;
        }
        let data = slice_at(stream, offset, len)?;
        let declared = u32_at(data, 4).unwrap_or(0) as usize;
        let fits = len.saturating_sub(8) / 8;
        if declared > fits {
            self.problem(format!(
                "property set at {offset}: {declared} properties, room for {fits}"
            ));
        }
        let count = declared.min(fits).min(MAX_PROPERTIES);
        let mut entries = Vec::with_capacity(count);
        for i in 0..count {
            let at = 8 + 8 * i;
            if let (Some(id), Some(off)) = (u32_at(data, at), u32_at(data, at + 4)) {
                entries.push((id, off as usize));
            }
        }
        let codepage = entries
            .iter()
            .find(|(id, _)| *id == PID_CODEPAGE)
            .and_then(|&(_, off)| {
                (u16_at(data, off)? == VT_I2)
                    .then(|| u16_at(data, off + 4))
                    .flatten()
            })
            .unwrap_or(CP_DEFAULT);
        Some(Section {
            data,
            entries,
            codepage,
        })
    }

    /// The typed value at `off` in the section. `None` for a type this reader
    /// does not convert, or for a value that cannot be read (then a problem is
    /// noted).
    fn value(&mut self, s: &Section<'_>, off: usize) -> Option<Value> {
        let Some(vt) = u16_at(s.data, off) else {
            self.problem(format!("property offset {off} past its property set"));
            return None;
        };
        let v = off.checked_add(4)?;
        let value = match vt {
            VT_I2 => u16_at(s.data, v).map(|n| Value::Int(i64::from(n as i16))),
            VT_I4 | VT_INT => i32_at(s.data, v).map(|n| Value::Int(i64::from(n))),
            VT_UI4 | VT_UINT => u32_at(s.data, v).map(|n| Value::Int(i64::from(n))),
            VT_I1 => s.data.get(v).map(|&n| Value::Int(i64::from(n as i8))),
            VT_UI1 => s.data.get(v).map(|&n| Value::Int(i64::from(n))),
            VT_UI2 => u16_at(s.data, v).map(|n| Value::Int(i64::from(n))),
            VT_I8 => u64_at(s.data, v).map(|n| Value::Int(n as i64)),
            VT_UI8 => u64_at(s.data, v).map(|n| match i64::try_from(n) {
                Ok(n) => Value::Int(n),
                Err(_) => Value::Text(n.to_string()),
            }),
            VT_R4 => u32_at(s.data, v).map(|n| Value::Real(f64::from(f32::from_bits(n)))),
            VT_R8 => u64_at(s.data, v).map(|n| Value::Real(f64::from_bits(n))),
            VT_BOOL => u16_at(s.data, v).map(|n| Value::Bool(n != 0)),
            VT_FILETIME => u64_at(s.data, v).map(|n| Value::Time(filetime_to_iso(n))),
            VT_LPSTR => u32_at(s.data, v)
                .and_then(|n| self.string_bytes(s, v + 4, n as usize))
                .map(|b| Value::Text(decode(b, s.codepage))),
            VT_LPWSTR => u32_at(s.data, v)
                .and_then(|n| self.string_bytes(s, v + 4, (n as usize).saturating_mul(2)))
                .map(|b| Value::Text(until_nul(utf16le(b)))),
            _ => return None,
        };
        if value.is_none() {
            self.problem(format!(
                "property value at {off} runs past its property set"
            ));
        }
        value
    }

    /// `len` bytes of string data at `at`, charged to the decode budget.
    fn string_bytes<'a>(&mut self, s: &Section<'a>, at: usize, len: usize) -> Option<&'a [u8]> {
        let Some(bytes) = slice_at(s.data, at, len) else {
            self.problem(format!(
                "string of {len} bytes at {at} runs past its property set"
            ));
            return None;
        };
        if len > self.budget {
            self.problem("more string data than the size limit");
            self.budget = 0;
            return None;
        }
        self.budget -= len;
        Some(bytes)
    }

    fn summary(&mut self, s: &Section<'_>, p: &mut Properties) {
        for &(id, off) in &s.entries {
            let slot = match id {
                PIDSI_TITLE => &mut p.title,
                PIDSI_SUBJECT => &mut p.subject,
                PIDSI_AUTHOR => &mut p.creator,
                PIDSI_KEYWORDS => &mut p.keywords,
                PIDSI_COMMENTS => &mut p.description,
                PIDSI_LASTAUTHOR => &mut p.last_modified_by,
                PIDSI_APPNAME => &mut p.application,
                PIDSI_CREATE_DTM | PIDSI_LASTSAVE_DTM => {
                    let slot = if id == PIDSI_CREATE_DTM {
                        &mut p.created
                    } else {
                        &mut p.modified
                    };
                    if slot.is_none() {
                        if let Some(Value::Time(t)) = self.value(s, off) {
                            *slot = t;
                        }
                    }
                    continue;
                }
                PIDSI_PAGECOUNT | PIDSI_WORDCOUNT | PIDSI_CHARCOUNT => {
                    let slot = match id {
                        PIDSI_PAGECOUNT => &mut p.pages,
                        PIDSI_WORDCOUNT => &mut p.words,
                        _ => &mut p.characters,
                    };
                    if slot.is_none() {
                        if let Some(Value::Int(n)) = self.value(s, off) {
                            *slot = u64::try_from(n).ok();
                        }
                    }
                    continue;
                }
                _ => continue,
            };
            if slot.is_none() {
                *slot = self.text(s, off);
            }
        }
    }

    fn doc_summary(&mut self, s: &Section<'_>, p: &mut Properties) {
        for &(id, off) in &s.entries {
            if id == PIDDSI_COMPANY && p.company.is_none() {
                p.company = self.text(s, off);
            }
        }
    }

    fn user_defined(&mut self, s: &Section<'_>, p: &mut Properties) {
        let Some(&(_, dict_off)) = s.entries.iter().find(|(id, _)| *id == PID_DICTIONARY) else {
            if s.entries.iter().any(|(id, _)| *id > PID_CODEPAGE) {
                self.problem("user-defined properties without a dictionary");
            }
            return;
        };
        let names = self.dictionary(s, dict_off);
        for &(id, off) in &s.entries {
            if p.custom.len() >= MAX_CUSTOM {
                break;
            }
            if id <= PID_CODEPAGE {
                continue;
            }
            let Some(name) = names.iter().find(|(n, _)| *n == id).map(|(_, name)| name) else {
                continue;
            };
            if p.custom.contains_key(name) {
                continue;
            }
            if let Some(text) = self.value(s, off).and_then(Value::into_text) {
                p.custom.insert(name.clone(), text.trim().to_string());
            }
        }
    }

    /// The `Dictionary` at `off` (\[MS-OLEPS\] 2.17): property id → name, empty
    /// names dropped. A dictionary cut short keeps the entries read so far.
    fn dictionary(&mut self, s: &Section<'_>, off: usize) -> Vec<(u32, String)> {
        let mut out = Vec::new();
        let Some(declared) = u32_at(s.data, off) else {
            self.problem("dictionary offset past its property set");
            return out;
        };
        let mut pos = off + 4;
        // Each entry takes at least 8 bytes, which bounds the loop by the data.
        let fits = s.data.len().saturating_sub(pos) / 8;
        let count = (declared as usize).min(fits).min(MAX_CUSTOM);
        if declared as usize > fits {
            self.problem(format!("dictionary of {declared} entries, room for {fits}"));
        }
        for _ in 0..count {
            let (Some(id), Some(n)) = (u32_at(s.data, pos), u32_at(s.data, pos + 4)) else {
                self.problem("dictionary runs past its property set");
                break;
            };
            pos += 8;
            let unicode = s.codepage == CP_WINUNICODE;
            let Some(len) = (n as usize).checked_mul(if unicode { 2 } else { 1 }) else {
                break;
            };
            let Some(bytes) = self.string_bytes(s, pos, len) else {
                break;
            };
            pos += len;
            let name = if unicode {
                // Entries are padded to a multiple of 4 bytes in UTF-16 sets.
                pos += (4 - len % 4) % 4;
                until_nul(utf16le(bytes))
            } else {
                decode(bytes, s.codepage)
            };
            let name = name.trim();
            if !name.is_empty() {
                out.push((id, name.to_string()));
            }
        }
        out
    }

    /// A string property as a trimmed, non-empty string.
    fn text(&mut self, s: &Section<'_>, off: usize) -> Option<String> {
        match self.value(s, off)? {
            Value::Text(t) => {
                let t = t.trim();
                (!t.is_empty()).then(|| t.to_string())
            }
            _ => None,
        }
    }
}

fn u64_at(b: &[u8], off: usize) -> Option<u64> {
    let lo = u32_at(b, off)?;
    let hi = u32_at(b, off.checked_add(4)?)?;
    Some(u64::from(hi) << 32 | u64::from(lo))
}

/// Whether a serialized FMTID is `want`, also in the "inverted" layout some
/// writers use, with the first three fields big-endian (the GUID's text order).
fn is_fmtid(got: &[u8; 16], want: &[u8; 16]) -> bool {
    if got == want {
        return true;
    }
    let mut inverted = *want;
    inverted[0..4].reverse();
    inverted[4..6].reverse();
    inverted[6..8].reverse();
    *got == inverted
}

/// `CodePageString` bytes in the set's code page, cut at the first NUL.
fn decode(bytes: &[u8], codepage: u16) -> String {
    if codepage == CP_WINUNICODE {
        return until_nul(utf16le(bytes));
    }
    let encoding = codepage::to_encoding(codepage).unwrap_or(encoding_rs::WINDOWS_1252);
    let (text, _) = encoding.decode_without_bom_handling(bytes);
    until_nul(text.into_owned())
}

fn until_nul(mut s: String) -> String {
    if let Some(i) = s.find('\0') {
        s.truncate(i);
    }
    s
}

/// Seconds from 1601-01-01 (the FILETIME epoch) to 1970-01-01.
const FILETIME_UNIX_OFFSET: i64 = 11_644_473_600;

/// A FILETIME (100-ns intervals since 1601-01-01 UTC) as `YYYY-MM-DDTHH:MM:SSZ`;
/// `None` for zero and for dates outside 1900-9999 (unset or garbage values,
/// and durations such as the edit time).
fn filetime_to_iso(ft: u64) -> Option<String> {
    if ft == 0 {
        return None;
    }
    let unix = (ft / 10_000_000) as i64 - FILETIME_UNIX_OFFSET;
    let days = unix.div_euclid(86_400);
    let secs = unix.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    if !(1900..=9999).contains(&y) {
        return None;
    }
    Some(format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    ))
}

/// Proleptic Gregorian (year, month, day) of a day count from 1970-01-01
/// (the era-based algorithm: 400-year eras of 146097 days starting on March 1).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097); // [0, 146096]
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // [0, 399]
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // [0, 365]
    let mp = (5 * doy + 2) / 153; // [0, 11], March = 0
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A property value for the test writer.
    enum W {
        Lpstr(Vec<u8>),
        Lpwstr(&'static str),
        Ft(u64),
        I4(i32),
        I2(i16),
        Bool(bool),
        R8(f64),
        /// Dictionary entries: id and name bytes (without terminator) in the
        /// set's code page.
        Dict(Vec<(u32, Vec<u8>)>),
    }

    fn pad4(b: &mut Vec<u8>) {
        while !b.len().is_multiple_of(4) {
            b.push(0);
        }
    }

    /// A `PropertySet` with a CodePage property and `props`, values 4-aligned.
    fn section(codepage: u16, props: Vec<(u32, W)>) -> Vec<u8> {
        let mut all = vec![(PID_CODEPAGE, W::I2(codepage as i16))];
        all.extend(props);
        let unicode = codepage == CP_WINUNICODE;
        let mut values = Vec::new();
        let mut offsets = Vec::new();
        let header = 8 + 8 * all.len();
        for (id, w) in &all {
            offsets.push((*id, header + values.len()));
            let b = &mut values;
            match w {
                W::Lpstr(s) => {
                    b.extend(0x1Eu32.to_le_bytes());
                    let term: &[u8] = if unicode { &[0, 0] } else { &[0] };
                    b.extend(((s.len() + term.len()) as u32).to_le_bytes());
                    b.extend(s);
                    b.extend(term);
                }
                W::Lpwstr(s) => {
                    b.extend(0x1Fu32.to_le_bytes());
                    let units: Vec<u16> = s.encode_utf16().chain([0]).collect();
                    b.extend((units.len() as u32).to_le_bytes());
                    units.iter().for_each(|u| b.extend(u.to_le_bytes()));
                }
                W::Ft(t) => {
                    b.extend(0x40u32.to_le_bytes());
                    b.extend(t.to_le_bytes());
                }
                W::I4(n) => {
                    b.extend(3u32.to_le_bytes());
                    b.extend(n.to_le_bytes());
                }
                W::I2(n) => {
                    b.extend(2u32.to_le_bytes());
                    b.extend(n.to_le_bytes());
                }
                W::Bool(v) => {
                    b.extend(0x0Bu32.to_le_bytes());
                    b.extend(if *v { [0xFF, 0xFF] } else { [0, 0] });
                }
                W::R8(x) => {
                    b.extend(5u32.to_le_bytes());
                    b.extend(x.to_le_bytes());
                }
                W::Dict(entries) => {
                    b.extend((entries.len() as u32).to_le_bytes());
                    for (pid, name) in entries {
                        b.extend(pid.to_le_bytes());
                        if unicode {
                            b.extend((name.len() as u32 / 2 + 1).to_le_bytes());
                            b.extend(name);
                            b.extend([0, 0]);
                            pad4(b);
                        } else {
                            b.extend((name.len() as u32 + 1).to_le_bytes());
                            b.extend(name);
                            b.push(0);
                        }
                    }
                }
            }
            pad4(b);
        }
        let mut out = Vec::new();
        out.extend(((header + values.len()) as u32).to_le_bytes());
        out.extend((all.len() as u32).to_le_bytes());
        for (id, off) in offsets {
            out.extend(id.to_le_bytes());
            out.extend((off as u32).to_le_bytes());
        }
        out.extend(values);
        out
    }

    /// A `PropertySetStream` holding `sections`.
    fn stream(sections: Vec<([u8; 16], Vec<u8>)>) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend(0xFFFEu16.to_le_bytes());
        out.extend(0u16.to_le_bytes());
        out.extend(0x0002_0A05u32.to_le_bytes());
        out.extend([0u8; 16]);
        out.extend((sections.len() as u32).to_le_bytes());
        let mut offset = 28 + 20 * sections.len();
        for (fmtid, s) in &sections {
            out.extend(fmtid);
            out.extend((offset as u32).to_le_bytes());
            offset += s.len();
        }
        for (_, s) in sections {
            out.extend(s);
        }
        out
    }

    fn filetime(unix: i64) -> u64 {
        ((unix + FILETIME_UNIX_OFFSET) * 10_000_000) as u64
    }

    fn gbk(s: &str) -> Vec<u8> {
        encoding_rs::GBK.encode(s).0.into_owned()
    }

    fn summary_stream() -> Vec<u8> {
        stream(vec![(
            FMTID_SUMMARY,
            section(
                936,
                vec![
                    (PIDSI_TITLE, W::Lpstr(gbk("政府信息公开年度报告"))),
                    // 张三, spelled out in GBK.
                    (PIDSI_AUTHOR, W::Lpstr(vec![0xD5, 0xC5, 0xC8, 0xFD])),
                    (PIDSI_SUBJECT, W::Lpwstr("2020年度")),
                    (PIDSI_KEYWORDS, W::Lpstr(Vec::new())),
                    (PIDSI_COMMENTS, W::Lpstr(b"  ".to_vec())),
                    (PIDSI_LASTAUTHOR, W::Lpstr(gbk("李四"))),
                    (PIDSI_APPNAME, W::Lpstr(b"Microsoft Office Word".to_vec())),
                    (PIDSI_CREATE_DTM, W::Ft(filetime(1_614_931_200))),
                    (PIDSI_LASTSAVE_DTM, W::Ft(filetime(946_684_799))),
                    (0x0A, W::Ft(600_000_000)),
                    (PIDSI_PAGECOUNT, W::I4(12)),
                    (PIDSI_WORDCOUNT, W::I4(3456)),
                    (PIDSI_CHARCOUNT, W::I4(-1)),
                ],
            ),
        )])
    }

    fn doc_summary_stream(codepage: u16) -> Vec<u8> {
        let name = |s: &str| {
            if codepage == CP_WINUNICODE {
                s.encode_utf16().flat_map(u16::to_le_bytes).collect()
            } else {
                gbk(s)
            }
        };
        let company = if codepage == CP_WINUNICODE {
            W::Lpwstr("办公室")
        } else {
            W::Lpstr(gbk("办公室"))
        };
        stream(vec![
            (
                FMTID_DOC_SUMMARY,
                section(codepage, vec![(PIDDSI_COMPANY, company)]),
            ),
            (
                FMTID_USER_DEFINED,
                section(
                    codepage,
                    vec![
                        (
                            PID_DICTIONARY,
                            W::Dict(vec![
                                (2, name("文号")),
                                (3, name("Pages")),
                                (4, name("Final")),
                                (5, name("Issued")),
                                (6, name("Ratio")),
                                (7, name("")),
                            ]),
                        ),
                        (2, W::Lpwstr("国办发〔2021〕1号")),
                        (3, W::I4(42)),
                        (4, W::Bool(true)),
                        (5, W::Ft(filetime(1_614_931_200))),
                        (6, W::R8(0.5)),
                        (7, W::I4(1)),
                        (8, W::I4(2)),
                    ],
                ),
            ),
        ])
    }

    fn read_si(b: &[u8]) -> (Properties, Vec<Warning>) {
        let mut p = Properties::default();
        let mut w = Vec::new();
        read_summary_information(b, &mut p, &mut w);
        (p, w)
    }

    fn read_dsi(b: &[u8]) -> (Properties, Vec<Warning>) {
        let mut p = Properties::default();
        let mut w = Vec::new();
        read_document_summary_information(b, &mut p, &mut w);
        (p, w)
    }

    #[test]
    fn filetimes_to_iso() {
        assert_eq!(
            filetime_to_iso(filetime(1_614_931_200)).as_deref(),
            Some("2021-03-05T08:00:00Z")
        );
        assert_eq!(
            filetime_to_iso(filetime(946_684_799)).as_deref(),
            Some("1999-12-31T23:59:59Z")
        );
        assert_eq!(
            filetime_to_iso(filetime(951_782_400)).as_deref(),
            Some("2000-02-29T00:00:00Z")
        );
        assert_eq!(
            filetime_to_iso(filetime(0)).as_deref(),
            Some("1970-01-01T00:00:00Z")
        );
        // 1600-03-01 via 1601-01-01 offset: before the epoch is out of range anyway.
        assert_eq!(filetime_to_iso(0), None);
        assert_eq!(filetime_to_iso(600_000_000), None);
        assert_eq!(filetime_to_iso(u64::MAX), None);
        assert_eq!(civil_from_days(-11_670_912_000 / 86_400), (1600, 3, 1));
        assert_eq!(civil_from_days(2_932_896), (9999, 12, 31));
    }

    #[test]
    fn summary_information_fields() {
        let (p, w) = read_si(&summary_stream());
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(p.title.as_deref(), Some("政府信息公开年度报告"));
        assert_eq!(p.creator.as_deref(), Some("张三"));
        assert_eq!(p.subject.as_deref(), Some("2020年度"));
        assert_eq!(p.keywords, None);
        assert_eq!(p.description, None);
        assert_eq!(p.last_modified_by.as_deref(), Some("李四"));
        assert_eq!(p.application.as_deref(), Some("Microsoft Office Word"));
        assert_eq!(p.created.as_deref(), Some("2021-03-05T08:00:00Z"));
        assert_eq!(p.modified.as_deref(), Some("1999-12-31T23:59:59Z"));
        assert_eq!(
            (p.pages, p.words, p.characters),
            (Some(12), Some(3456), None)
        );
        assert!(p.custom.is_empty() && p.company.is_none());
    }

    #[test]
    fn fields_already_set_are_kept() {
        let mut p = Properties {
            title: Some("From the FIB".into()),
            pages: Some(3),
            created: Some("2000-01-01T00:00:00Z".into()),
            ..Properties::default()
        };
        let mut w = Vec::new();
        read_summary_information(&summary_stream(), &mut p, &mut w);
        assert_eq!(p.title.as_deref(), Some("From the FIB"));
        assert_eq!(p.pages, Some(3));
        assert_eq!(p.created.as_deref(), Some("2000-01-01T00:00:00Z"));
        assert_eq!(p.creator.as_deref(), Some("张三"));
    }

    #[test]
    fn unicode_code_page_lpstr() {
        let title: Vec<u8> = "年度报告"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        let b = stream(vec![(
            FMTID_SUMMARY,
            section(1200, vec![(PIDSI_TITLE, W::Lpstr(title))]),
        )]);
        let (p, w) = read_si(&b);
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(p.title.as_deref(), Some("年度报告"));
    }

    #[test]
    fn document_summary_company_and_custom() {
        for cp in [936, 1200] {
            let (p, w) = read_dsi(&doc_summary_stream(cp));
            assert!(w.is_empty(), "{cp}: {w:?}");
            assert_eq!(p.company.as_deref(), Some("办公室"), "{cp}");
            let custom: Vec<(&str, &str)> = p
                .custom
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            assert_eq!(
                custom,
                [
                    ("Final", "true"),
                    ("Issued", "2021-03-05T08:00:00Z"),
                    ("Pages", "42"),
                    ("Ratio", "0.5"),
                    ("文号", "国办发〔2021〕1号"),
                ],
                "{cp}"
            );
        }
    }

    #[test]
    fn existing_custom_entries_win() {
        let mut p = Properties::default();
        p.custom.insert("Pages".into(), "7".into());
        p.company = Some("Kept".into());
        let mut w = Vec::new();
        read_document_summary_information(&doc_summary_stream(936), &mut p, &mut w);
        assert_eq!(p.custom.get("Pages").map(String::as_str), Some("7"));
        assert_eq!(p.company.as_deref(), Some("Kept"));
        assert_eq!(p.custom.len(), 5);
    }

    /// Every prefix of a valid stream: no panic, at most one warning, and
    /// the fields read are ones the whole stream holds.
    #[test]
    fn truncation_at_every_offset() {
        let full_si = read_si(&summary_stream()).0;
        let full_dsi = read_dsi(&doc_summary_stream(1200)).0;
        for (b, full, dsi) in [
            (summary_stream(), &full_si, false),
            (doc_summary_stream(1200), &full_dsi, true),
            (
                doc_summary_stream(936),
                &read_dsi(&doc_summary_stream(936)).0,
                true,
            ),
        ] {
            for n in 0..b.len() {
                let (p, w) = if dsi {
                    read_dsi(&b[..n])
                } else {
                    read_si(&b[..n])
                };
                assert!(w.len() <= 1, "{n}: {w:?}");
                assert!(n == 0 || !w.is_empty(), "{n}: no warning");
                assert!(w.iter().all(|w| w.code == "bad_property_set"));
                for (got, want) in [
                    (&p.title, &full.title),
                    (&p.creator, &full.creator),
                    (&p.created, &full.created),
                    (&p.company, &full.company),
                ] {
                    assert!(got.is_none() || got == want, "{n}: {got:?}");
                }
                for (k, v) in &p.custom {
                    assert_eq!(full.custom.get(k), Some(v), "{n}");
                }
            }
        }
    }

    fn put_u32(b: &mut [u8], at: usize, v: u32) {
        b[at..at + 4].copy_from_slice(&v.to_le_bytes());
    }

    #[test]
    fn hostile_counts_and_offsets() {
        let base = summary_stream();
        let sec = 48; // first section, one set listed
        let mut cases = Vec::new();
        // Bad byte order.
        let mut b = base.clone();
        b[0] = 0xFF;
        cases.push(b);
        // Huge set count, zero set count.
        let mut b = base.clone();
        put_u32(&mut b, 24, u32::MAX);
        cases.push(b);
        let mut b = base.clone();
        put_u32(&mut b, 24, 0);
        cases.push(b);
        // Section offset past the stream, and near usize::MAX-ish.
        let mut b = base.clone();
        put_u32(&mut b, 44, u32::MAX);
        cases.push(b);
        // Section size huge / tiny; property count huge.
        let mut b = base.clone();
        put_u32(&mut b, sec, u32::MAX);
        cases.push(b);
        let mut b = base.clone();
        put_u32(&mut b, sec, 3);
        cases.push(b);
        let mut b = base.clone();
        put_u32(&mut b, sec + 4, u32::MAX);
        cases.push(b);
        // Every property offset and every string length huge.
        let mut b = base.clone();
        let n = u32::from_le_bytes([b[sec + 4], b[sec + 5], b[sec + 6], b[sec + 7]]) as usize;
        for i in 0..n {
            put_u32(&mut b, sec + 12 + 8 * i, u32::MAX - 3);
        }
        cases.push(b);
        let mut b = base.clone();
        for i in 1..n {
            let at = sec + 12 + 8 * i;
            let off = u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]]) as usize;
            if matches!(b[sec + off], 0x1E | 0x1F) {
                put_u32(&mut b, sec + off + 4, u32::MAX);
            }
        }
        cases.push(b);
        for (i, b) in cases.iter().enumerate() {
            let (_, w) = read_si(b);
            assert_eq!(w.len(), 1, "case {i}: {w:?}");
            assert_eq!(w[0].location.as_deref(), Some(SUMMARY_LOCATION));
        }
        // The wrong stream: no SummaryInformation set.
        assert_eq!(read_si(&doc_summary_stream(936)).1.len(), 1);
    }

    #[test]
    fn hostile_dictionary() {
        let base = doc_summary_stream(1200);
        let user = u32::from_le_bytes([base[64], base[65], base[66], base[67]]) as usize;
        assert_eq!(&base[48..64], &FMTID_USER_DEFINED);
        // The dictionary is the entry after the code page.
        let dict = user
            + u32::from_le_bytes([
                base[user + 20],
                base[user + 21],
                base[user + 22],
                base[user + 23],
            ]) as usize;
        // Bogus entry count.
        let mut b = base.clone();
        put_u32(&mut b, dict, u32::MAX);
        let (p, w) = read_dsi(&b);
        assert_eq!(w.len(), 1, "{w:?}");
        assert_eq!(p.company.as_deref(), Some("办公室"));
        // Bogus first name length: no names, no custom properties.
        let mut b = base.clone();
        put_u32(&mut b, dict + 8, u32::MAX);
        let (p, w) = read_dsi(&b);
        assert_eq!(w.len(), 1, "{w:?}");
        assert!(p.custom.is_empty());
    }

    /// A section whose entries all point at one long string, placed after
    /// the values `section` wrote.
    fn shared_string(mut s: Vec<u8>, first_entry: usize, text: &[u8]) -> Vec<u8> {
        let at = s.len() as u32;
        s.extend(0x1Eu32.to_le_bytes());
        s.extend((text.len() as u32).to_le_bytes());
        s.extend(text);
        let len = s.len() as u32;
        put_u32(&mut s, 0, len);
        let n = u32::from_le_bytes([s[4], s[5], s[6], s[7]]) as usize;
        for k in first_entry..n {
            put_u32(&mut s, 8 + 8 * k + 4, at);
        }
        s
    }

    /// Many entries naming one long string: the decode budget bounds the work.
    #[test]
    fn shared_long_string_is_budgeted() {
        let big = vec![b'x'; 1 << 20];
        let names: Vec<(u32, Vec<u8>)> = (2..1002)
            .map(|i| (i, format!("p{i}").into_bytes()))
            .collect();
        let mut props = vec![(PID_DICTIONARY, W::Dict(names))];
        props.extend((2..1002).map(|i| (i, W::I4(0))));
        let s = shared_string(section(1252, props), 2, &big);
        let (p, w) = read_dsi(&stream(vec![(FMTID_USER_DEFINED, s)]));
        assert_eq!(w.len(), 1, "{w:?}");
        assert!(
            p.custom.len() <= DECODE_BUDGET / big.len(),
            "{}",
            p.custom.len()
        );

        // Blank titles: each is decoded, found empty, and the next one tried.
        let blank = vec![b' '; 1 << 20];
        let props = (0..1000).map(|_| (PIDSI_TITLE, W::I4(0))).collect();
        let s = shared_string(section(1252, props), 1, &blank);
        let (p, w) = read_si(&stream(vec![(FMTID_SUMMARY, s)]));
        assert_eq!(w.len(), 1, "{w:?}");
        assert_eq!(p.title, None);
    }
}

/// The property-set streams of real `.doc` files from the Apache POI test data.
#[cfg(test)]
mod corpus {
    use super::*;
    use std::io::Read;
    use std::path::{Path, PathBuf};

    fn corpus_dir(dir: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/corpus/public/poi/test-data")
            .join(dir)
    }

    /// Both streams of a compound file read into fresh properties, with the
    /// warnings; `None` (and a note) when the file is absent or not a
    /// compound file.
    fn read(path: &Path) -> Option<(Properties, Vec<Warning>)> {
        let Ok(bytes) = std::fs::read(path) else {
            eprintln!("skipping: {} not present", path.display());
            return None;
        };
        let mut cf = cfb::CompoundFile::open(std::io::Cursor::new(bytes)).ok()?;
        let mut p = Properties::default();
        let mut w = Vec::new();
        for name in [
            "/\u{5}SummaryInformation",
            "/\u{5}DocumentSummaryInformation",
        ] {
            let mut b = Vec::new();
            let Ok(mut s) = cf.open_stream(name) else {
                continue;
            };
            if s.read_to_end(&mut b).is_err() {
                continue;
            }
            if name.ends_with("DocumentSummaryInformation") {
                read_document_summary_information(&b, &mut p, &mut w);
            } else {
                read_summary_information(&b, &mut p, &mut w);
            }
        }
        Some((p, w))
    }

    fn hpsf(name: &str) -> Option<(Properties, Vec<Warning>)> {
        read(&corpus_dir("hpsf").join(name))
    }

    fn document(name: &str) -> Option<(Properties, Vec<Warning>)> {
        read(&corpus_dir("document").join(name))
    }

    fn custom<'a>(p: &'a Properties, k: &str) -> Option<&'a str> {
        p.custom.get(k).map(String::as_str)
    }

    #[test]
    fn hpsf_edit_time_all_summary_fields() {
        let Some((p, w)) = hpsf("TestEditTime.doc") else {
            return;
        };
        assert!(w.is_empty(), "{w:?}");
        let want = Properties {
            title: Some("Sample document".into()),
            subject: Some("Weird text to search for".into()),
            creator: Some("Andrew Scherpbier".into()),
            keywords: Some("Kreet, Rouys, Werty".into()),
            description: Some("Some comments".into()),
            last_modified_by: Some("Andrew Scherpbier".into()),
            created: Some("2003-09-07T19:15:00Z".into()),
            modified: Some("2003-09-07T19:18:00Z".into()),
            application: Some("Microsoft Word 9.0".into()),
            company: Some("BlackBall".into()),
            pages: Some(1),
            words: Some(21),
            characters: Some(86),
            ..Properties::default()
        };
        assert_eq!(p, want);
    }

    #[test]
    fn hpsf_section_dictionary() {
        let Some((p, w)) = hpsf("TestSectionDictionary.doc") else {
            return;
        };
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(
            p.title.as_deref(),
            Some("DECLARATION MULTIFONCTIONNELLE (DmfA)")
        );
        assert_eq!(p.creator.as_deref(), Some("ROB"));
        assert_eq!(p.company.as_deref(), Some("SmalS-MvM"));
        assert_eq!(p.custom.len(), 9, "{:?}", p.custom);
        assert_eq!(custom(&p, "Telephone number"), Some("432"));
        assert_eq!(custom(&p, "PackageName"), Some("Insert package name here."));
    }

    #[test]
    fn hpsf_non_4_byte_boundary() {
        let Some((p, w)) = hpsf("TestNon4ByteBoundary.doc") else {
            return;
        };
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(p.last_modified_by.as_deref(), Some("sdd"));
        assert_eq!(p.application.as_deref(), Some("Microsoft Word 10.0"));
        assert_eq!(p.company.as_deref(), Some("Cour de Justice"));
        assert_eq!(p.created.as_deref(), Some("2010-07-02T10:20:00Z"));
        assert_eq!(p.modified.as_deref(), Some("2012-11-21T09:21:00Z"));
        assert_eq!(
            (p.pages, p.words, p.characters),
            (Some(1), Some(39), Some(226))
        );
    }

    /// The FMTID is stored with its first three fields big-endian, and the
    /// values sit at offsets that are not multiples of 4.
    #[test]
    fn hpsf_inverted_class_id() {
        let Some((p, w)) = hpsf("TestInvertedClassID.doc") else {
            return;
        };
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(p.title, None, "a blank title is skipped");
        assert_eq!(p.creator.as_deref(), Some("DIH-Collecticiel"));
        assert_eq!(p.application.as_deref(), Some("Microsoft Word 6.0.1"));
        assert_eq!(p.created.as_deref(), Some("2003-06-05T10:10:00Z"));
        assert_eq!(p.words, Some(2486));
    }

    /// The user-defined set starts 3 bytes after its listed offset.
    #[test]
    fn hpsf_bug_52372_misplaced_section() {
        let Some((p, w)) = hpsf("TestBug52372.doc") else {
            return;
        };
        assert_eq!(w.len(), 1, "{w:?}");
        assert_eq!(w[0].code, "bad_property_set");
        assert_eq!(w[0].location.as_deref(), Some(DOC_SUMMARY_LOCATION));
        assert_eq!(p.creator.as_deref(), Some("xxxx xx xxxxxxxxx xxx"));
        assert_eq!(p.company.as_deref(), Some("Hewlett-Packard"));
        assert_eq!(p.application.as_deref(), Some("Microsoft Word 11.3"));
        assert_eq!(custom(&p, "_TemplateID"), Some("TC101927549990"));
    }

    #[test]
    fn hpsf_write_well_known_cp1252() {
        let Some((p, w)) = hpsf("TestWriteWellKnown.doc") else {
            return;
        };
        assert!(w.is_empty(), "{w:?}");
        assert!(
            p.title
                .as_deref()
                .is_some_and(|t| t.starts_with("This document is used for testing POI HPSF’s")),
            "{:?}",
            p.title
        );
        assert_eq!(p.creator.as_deref(), Some("Rainer Klute"));
        assert_eq!(
            p.keywords.as_deref(),
            Some("Test HPSF SummaryInformation DocumentSummaryInformation Writing")
        );
        assert_eq!(
            p.company.as_deref(),
            Some("Rainer Klute IT-Consulting GmbH")
        );
        assert_eq!(p.created.as_deref(), Some("2006-02-01T06:36:00Z"));
    }

    /// Other code pages: 65001 (UTF-8, Japanese and Russian), 1251, 1255.
    #[test]
    fn documents_in_other_code_pages() {
        if let Some((p, w)) = document("Bug34898.doc") {
            assert!(w.is_empty(), "{w:?}");
            assert_eq!(p.title.as_deref(), Some("ディレクトリ"));
        }
        if let Some((p, w)) = document("o_kurs.doc") {
            assert!(w.is_empty(), "{w:?}");
            assert_eq!(
                p.title.as_deref(),
                Some("МИНИСТЕРСТВО ЭКОНОМИЧЕСКОГО РАЗВИТИЯ И ТОРГОВЛИ")
            );
            assert_eq!(p.last_modified_by.as_deref(), Some("Анастасия Н."));
        }
        if let Some((p, _)) = document("52117.doc") {
            assert_eq!(
                p.last_modified_by.as_deref(),
                Some("Гвоздицин Александр свет Геннадьевич")
            );
            assert_eq!(p.keywords.as_deref(), Some("Word 6.1"));
        }
        if let Some((p, _)) = document("Bug45473.doc") {
            assert!(
                p.title
                    .as_deref()
                    .is_some_and(|t| t.starts_with("יותר מחצי שנה")),
                "{:?}",
                p.title
            );
        }
    }

    /// User-defined properties of several types, names in Slovak (CP 1250).
    #[test]
    fn document_custom_properties() {
        let Some((p, w)) = document("Bug50075.doc") else {
            return;
        };
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(p.custom.len(), 12, "{:?}", p.custom);
        assert_eq!(
            custom(&p, "Názov dokumentu"),
            Some("OS-04 Obeh učtovných dokladov")
        );
        assert_eq!(custom(&p, "Učinný od"), Some("2009-06-01T00:00:00Z"));
        assert_eq!(custom(&p, "Druh dokumentu"), Some("10"));
        assert_eq!(custom(&p, "Popis"), Some(""));
        assert_eq!(p.company.as_deref(), Some("Ing. Milan Remiar"));
    }

    #[test]
    fn document_counts_and_old_word() {
        if let Some((p, _)) = document("Bug50955.doc") {
            assert_eq!(
                p.application.as_deref(),
                Some("Microsoft Word for Windows 95")
            );
            assert_eq!(
                (p.pages, p.words, p.characters),
                (Some(96), Some(74815), Some(426450))
            );
        }
        if let Some((p, _)) = document("Word6.doc") {
            assert_eq!(
                p.title.as_deref(),
                Some("The quick brown fox jumps over the lazy dog")
            );
            assert_eq!(p.creator.as_deref(), Some("Nevin Nollop"));
            assert_eq!(p.modified.as_deref(), Some("2005-09-20T17:25:00Z"));
        }
        // An empty SummaryInformation stream: nothing, and nothing to warn about.
        if let Some((p, w)) = document("57843.doc") {
            assert!(w.is_empty(), "{w:?}");
            assert_eq!(p, Properties::default());
        }
    }

    /// Every prefix of the real hpsf streams: no panic, at most one warning.
    #[test]
    fn hpsf_streams_truncated_everywhere() {
        let Ok(entries) = std::fs::read_dir(corpus_dir("hpsf")) else {
            eprintln!("skipping: hpsf not present");
            return;
        };
        for path in entries.flatten().map(|e| e.path()) {
            if path.extension().is_none_or(|e| e != "doc") {
                continue;
            }
            let Ok(bytes) = std::fs::read(&path) else {
                continue;
            };
            let Ok(mut cf) = cfb::CompoundFile::open(std::io::Cursor::new(bytes)) else {
                continue;
            };
            for (name, dsi) in [
                ("/\u{5}SummaryInformation", false),
                ("/\u{5}DocumentSummaryInformation", true),
            ] {
                let mut b = Vec::new();
                let Ok(mut s) = cf.open_stream(name) else {
                    continue;
                };
                if s.read_to_end(&mut b).is_err() {
                    continue;
                }
                for n in 0..b.len() {
                    let mut p = Properties::default();
                    let mut w = Vec::new();
                    if dsi {
                        read_document_summary_information(&b[..n], &mut p, &mut w);
                    } else {
                        read_summary_information(&b[..n], &mut p, &mut w);
                    }
                    assert!(w.len() <= 1, "{}: {n}: {w:?}", path.display());
                }
            }
        }
    }

    /// Every compound file in both folders parses; only the known-bad one warns.
    #[test]
    fn every_corpus_file_parses() {
        for dir in ["hpsf", "document"] {
            let Ok(entries) = std::fs::read_dir(corpus_dir(dir)) else {
                eprintln!("skipping: {dir} not present");
                continue;
            };
            for path in entries.flatten().map(|e| e.path()) {
                if path.extension().is_none_or(|e| e != "doc") {
                    continue;
                }
                let Some((_, w)) = read(&path) else {
                    continue;
                };
                let name = path.file_name().unwrap_or_default().to_string_lossy();
                if name == "TestBug52372.doc" {
                    assert_eq!(w.len(), 1, "{name}: {w:?}");
                } else {
                    assert!(w.is_empty(), "{name}: {w:?}");
                }
            }
        }
    }
}
