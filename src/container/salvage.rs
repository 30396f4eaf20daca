//! Salvage of a zip archive whose central directory is missing or wrong (a
//! download cut short, a damaged end of file): its members are found from their
//! local file headers (`PK\x03\x04`, APPNOTE 4.3.7), as `zip -FF` and Word's
//! "recover text" do.
//!
//! One forward pass finds the headers. A member's declared compressed size is
//! trusted when its data ends where another zip record (or the file) begins;
//! otherwise (a data descriptor, bit 3, with sizes unknown; a header that lies)
//! its data reaches to the next local header, and a deflated member is inflated
//! until its stream ends. So the scan is linear in the input, never inflates,
//! and stops at [`Limits::max_parts`] headers; inflation happens only when a
//! member is read, through the part size limit.
//!
//! A member whose data the file ends inside (the member being written when the
//! download stopped) is kept: reading it gives what inflates before the cut, and
//! the XML reader then reports where its text ends.

use super::Limits;
use crate::error::ReadError;
use flate2::{Decompress, FlushDecompress, Status};
use std::collections::HashMap;

const LOCAL_SIG: &[u8; 4] = b"PK\x03\x04";
/// Signatures that may follow a member's data: another local header, a data
/// descriptor, a central directory header, the zip64 end records, the end of
/// central directory.
const NEXT_SIGS: [&[u8; 4]; 6] = [
    LOCAL_SIG,
    b"PK\x07\x08",
    b"PK\x01\x02",
    b"PK\x06\x06",
    b"PK\x06\x07",
    b"PK\x05\x06",
];
const LOCAL_HEADER_LEN: usize = 30;

/// How a member's data is stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Method {
    Stored,
    Deflated,
    Other(u16),
}

/// One member found by its local header.
#[derive(Debug, Clone)]
struct Entry {
    name: String,
    method: Method,
    encrypted: bool,
    /// Offset of its data in the file.
    data_start: usize,
    /// End of the bytes that may hold its data: the declared end when that is
    /// consistent, else the next local header (or the end of the file).
    data_end: usize,
    /// Declared sizes and CRC when the local header gives them (not bit 3) and
    /// they are consistent with what follows.
    declared: Option<Declared>,
    /// The file ends inside the member's declared data.
    cut: bool,
}

#[derive(Debug, Clone, Copy)]
struct Declared {
    size: u64,
    crc: u32,
}

/// The members of a damaged zip archive, found from their local headers.
pub(super) struct Salvaged {
    bytes: Vec<u8>,
    entries: Vec<Entry>,
    /// Member name -> index in `entries` (the first member of a name wins: a
    /// later one is more likely inside another member's data).
    by_name: HashMap<String, usize>,
}

// Header fields, read where the caller has checked the header's length (0
// past the end all the same, never a panic).

fn u16_at(b: &[u8], at: usize) -> u16 {
    crate::binary::u16_at(b, at).unwrap_or(0)
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    crate::binary::u32_at(b, at).unwrap_or(0)
}

fn u64_at(b: &[u8], at: usize) -> u64 {
    crate::binary::u64_at(b, at).unwrap_or(0)
}

/// The zip64 extended information extra field (0x0001): the sizes the 32-bit
/// fields left at 0xFFFFFFFF, in order (uncompressed, then compressed).
fn zip64_sizes(extra: &[u8], size: u64, csize: u64) -> (u64, u64) {
    let mut at = 0;
    while at + 4 <= extra.len() {
        let id = u16_at(extra, at);
        let len = usize::from(u16_at(extra, at + 2));
        let Some(field) = extra.get(at + 4..at + 4 + len) else {
            break;
        };
        if id == 1 {
            let mut pos = 0;
            let mut take = |v: u64| {
                if v == 0xFFFF_FFFF && pos + 8 <= field.len() {
                    pos += 8;
                    u64_at(field, pos - 8)
                } else {
                    v
                }
            };
            let size = take(size);
            let csize = take(csize);
            return (size, csize);
        }
        at += 4 + len;
    }
    (size, csize)
}

/// A member whose data reaches to the next local header, found at `at`: its data
/// ends there (the file did not end inside it); a stored member's data
/// descriptor, when one ends there, gives its sizes and CRC.
fn close_at(bytes: &[u8], e: &mut Entry, at: usize) {
    e.data_end = e.data_end.min(at);
    e.cut = false;
    if e.method == Method::Stored {
        if let Some((desc, d)) = descriptor_before(bytes, e.data_start, e.data_end) {
            e.data_end = desc;
            e.declared = Some(d);
        }
    }
}

/// A data descriptor (with or without its signature, 32-bit sizes) ending at
/// `end` whose compressed size is the distance from `start` to it: where it
/// starts, and the size and CRC it gives.
fn descriptor_before(bytes: &[u8], start: usize, end: usize) -> Option<(usize, Declared)> {
    for (len, sig) in [(16usize, true), (12, false)] {
        let at = end.checked_sub(len)?;
        if at < start || (sig && &bytes[at..at + 4] != b"PK\x07\x08") {
            continue;
        }
        let f = if sig { at + 4 } else { at };
        if u64::from(u32_at(bytes, f + 4)) == (at - start) as u64 {
            let d = Declared {
                size: u64::from(u32_at(bytes, f + 8)),
                crc: u32_at(bytes, f),
            };
            return Some((at, d));
        }
    }
    None
}

/// The data descriptor right after a deflate stream that ended at `at` after
/// `consumed` bytes and inflated to `size` bytes, when its sizes agree: its CRC.
fn descriptor_crc_after(bytes: &[u8], at: usize, consumed: u64, size: u64) -> Option<u32> {
    let d = bytes.get(at..)?;
    let f = if d.starts_with(b"PK\x07\x08") { 4 } else { 0 };
    let d = d.get(f..f + 12)?;
    (u64::from(u32_at(d, 4)) == consumed && u64::from(u32_at(d, 8)) == size).then(|| u32_at(d, 0))
}

/// Whether another zip record, or the end of the file, is at `at`.
fn record_or_end_at(bytes: &[u8], at: usize) -> bool {
    at == bytes.len()
        || bytes
            .get(at..at + 4)
            .is_some_and(|s| NEXT_SIGS.iter().any(|sig| s == &sig[..]))
}

impl Salvaged {
    /// Find the members of `bytes` from their local headers. `Ok(None)` when
    /// there is no readable local header at all.
    pub(super) fn scan(bytes: Vec<u8>, limits: Limits) -> Result<Option<Salvaged>, ReadError> {
        let finder = memchr::memmem::Finder::new(LOCAL_SIG);
        let mut entries: Vec<Entry> = Vec::new();
        let mut pos = 0usize;
        // The entry whose data reaches to the next local header found.
        let mut open_ended: Option<usize> = None;
        while let Some(found) = finder.find(&bytes[pos..]) {
            let at = pos + found;
            let Some(header) = bytes.get(at..at + LOCAL_HEADER_LEN) else {
                break;
            };
            let flags = u16_at(header, 6);
            let method = match u16_at(header, 8) {
                0 => Method::Stored,
                8 => Method::Deflated,
                m => Method::Other(m),
            };
            let crc = u32_at(header, 14);
            let name_len = usize::from(u16_at(header, 26));
            let extra_len = usize::from(u16_at(header, 28));
            let data_start = at + LOCAL_HEADER_LEN + name_len + extra_len;
            let (Some(name), Some(extra)) = (
                bytes.get(at + LOCAL_HEADER_LEN..at + LOCAL_HEADER_LEN + name_len),
                bytes.get(at + LOCAL_HEADER_LEN + name_len..data_start),
            ) else {
                // The file ends inside this header: nothing of it is readable.
                break;
            };
            if name.is_empty() || name.contains(&0) {
                pos = at + 1;
                continue;
            }
            // A plausible header: the previous open-ended member stops here.
            if let Some(i) = open_ended.take() {
                close_at(&bytes, &mut entries[i], at);
            }
            if entries.len() >= limits.max_parts {
                return Err(ReadError::TooManyParts {
                    count: entries.len() + 1,
                    limit: limits.max_parts,
                });
            }
            let (size, csize) = zip64_sizes(
                extra,
                u64::from(u32_at(header, 22)),
                u64::from(u32_at(header, 18)),
            );
            let sizes_known = flags & 0x0008 == 0;
            let declared_end = usize::try_from(csize)
                .ok()
                .and_then(|c| data_start.checked_add(c));
            let mut entry = Entry {
                name: String::from_utf8_lossy(name).into_owned(),
                method,
                encrypted: flags & 0x0001 != 0,
                data_start,
                data_end: bytes.len(),
                declared: None,
                cut: false,
            };
            match declared_end {
                Some(end) if sizes_known && end <= bytes.len() && record_or_end_at(&bytes, end) => {
                    entry.data_end = end;
                    entry.declared = Some(Declared { size, crc });
                    pos = end;
                }
                Some(end) if sizes_known && end > bytes.len() => {
                    // The file ends inside the member unless another header
                    // turns up first (then the sizes were wrong).
                    entry.cut = true;
                    open_ended = Some(entries.len());
                    pos = data_start;
                }
                _ => {
                    open_ended = Some(entries.len());
                    pos = data_start;
                }
            }
            entries.push(entry);
        }
        if let Some(i) = open_ended {
            // A member stored with sizes unknown, running to the end of the
            // file: its data cannot be told from what follows, so it is cut.
            if entries[i].method != Method::Deflated {
                entries[i].cut = true;
            }
        }
        if entries.is_empty() {
            return Ok(None);
        }
        let mut by_name = HashMap::with_capacity(entries.len());
        for (i, e) in entries.iter().enumerate() {
            by_name.entry(e.name.clone()).or_insert(i);
        }
        Ok(Some(Salvaged {
            bytes,
            entries,
            by_name,
        }))
    }

    pub(super) fn len(&self) -> usize {
        self.entries.len()
    }

    /// Names of the members whose declared data the file ends inside of (a
    /// deflated member with sizes unknown shows it only when read).
    pub(super) fn cut_members(&self) -> Vec<&str> {
        self.entries
            .iter()
            .filter(|e| e.cut)
            .map(|e| e.name.as_str())
            .collect()
    }

    pub(super) fn has(&self, name: &str) -> bool {
        self.by_name.contains_key(name)
    }

    pub(super) fn names(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|e| e.name.as_str())
    }

    /// Read member `name`, at most `limit` bytes. `Ok(None)` when absent. A
    /// member the file ends inside gives the data before the cut (maybe none),
    /// flagged (`true`).
    pub(super) fn read(
        &self,
        name: &str,
        limit: u64,
    ) -> Result<Option<(Vec<u8>, bool)>, ReadError> {
        let Some(&i) = self.by_name.get(name) else {
            return Ok(None);
        };
        let e = &self.entries[i];
        if e.encrypted {
            return Err(ReadError::Encrypted);
        }
        let raw = &self.bytes[e.data_start.min(e.data_end)..e.data_end];
        let too_large = || ReadError::PartTooLarge {
            part: name.to_string(),
            limit,
        };
        let (data, cut) = match e.method {
            Method::Stored => {
                let len = match e.declared {
                    Some(d) => usize::try_from(d.size).unwrap_or(usize::MAX).min(raw.len()),
                    None => raw.len(),
                };
                if len as u64 > limit {
                    return Err(too_large());
                }
                (raw[..len].to_vec(), e.cut)
            }
            Method::Deflated => {
                let (data, ended) = inflate(raw, limit).map_err(|m| {
                    ReadError::Zip(format!("{name}: {m} (member read from its local header)"))
                })?;
                if data.len() as u64 > limit {
                    return Err(too_large());
                }
                if let (Some(consumed), None) = (ended, e.declared) {
                    // Sizes unknown in the local header: the data descriptor
                    // after the stream, when it agrees, gives the CRC.
                    let at = e.data_start + consumed as usize;
                    if let Some(crc) =
                        descriptor_crc_after(&self.bytes, at, consumed, data.len() as u64)
                    {
                        check_crc(name, &data, crc)?;
                    }
                }
                (data, ended.is_none())
            }
            Method::Other(m) => {
                return Err(ReadError::Zip(format!(
                    "{name}: unsupported compression method {m}"
                )))
            }
        };
        if let (Some(d), false) = (e.declared, cut) {
            if data.len() as u64 != d.size {
                return Err(ReadError::Zip(format!(
                    "{name}: size does not match its local header or data descriptor"
                )));
            }
            check_crc(name, &data, d.crc)?;
        }
        Ok(Some((data, cut)))
    }
}

fn check_crc(name: &str, data: &[u8], crc: u32) -> Result<(), ReadError> {
    let mut check = libdeflater::Crc::new();
    check.update(data);
    if check.sum() != crc {
        return Err(ReadError::Zip(format!(
            "{name}: checksum does not match its local header or data descriptor"
        )));
    }
    Ok(())
}

/// Inflate a raw deflate stream from `raw` until it ends, the input runs out
/// or the output passes `limit` (then `limit + 1` bytes are returned). With the
/// bytes of `raw` the stream took when it ended.
fn inflate(raw: &[u8], limit: u64) -> Result<(Vec<u8>, Option<u64>), String> {
    let cap = usize::try_from(limit.saturating_add(1)).unwrap_or(usize::MAX);
    let mut out = Vec::with_capacity(raw.len().saturating_mul(4).min(cap));
    let mut z = Decompress::new(false);
    loop {
        let consumed = z.total_in() as usize;
        let input = &raw[consumed.min(raw.len())..];
        if out.len() == out.capacity() {
            if out.len() >= cap {
                return Ok((out, None));
            }
            let more = out.len().max(64 * 1024).min(cap - out.len());
            out.reserve_exact(more);
        }
        let before = (z.total_in(), z.total_out());
        let status = z
            .decompress_vec(input, &mut out, FlushDecompress::None)
            .map_err(|e| format!("corrupt deflate data: {e}"))?;
        match status {
            Status::StreamEnd => return Ok((out, Some(z.total_in()))),
            _ if (z.total_in(), z.total_out()) == before && out.len() < out.capacity() => {
                // No progress with room left: the input ran out mid-stream.
                return Ok((out, None));
            }
            _ => {}
        }
    }
}
