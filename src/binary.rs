//! Little-endian reads from byte slices that never panic (for the binary
//! formats: compound files, Word binary documents): every read past the
//! end is `None`, so that a truncated or hostile structure becomes a warning or
//! a typed error at the caller, not an index panic.

/// `u8` at `off`.
pub(crate) fn u8_at(b: &[u8], off: usize) -> Option<u8> {
    b.get(off).copied()
}

/// Little-endian `u16` at `off`.
pub(crate) fn u16_at(b: &[u8], off: usize) -> Option<u16> {
    let s = b.get(off..off.checked_add(2)?)?;
    Some(u16::from_le_bytes([s[0], s[1]]))
}

/// Little-endian `i16` at `off`.
pub(crate) fn i16_at(b: &[u8], off: usize) -> Option<i16> {
    u16_at(b, off).map(|v| v as i16)
}

/// Little-endian `u32` at `off`.
pub(crate) fn u32_at(b: &[u8], off: usize) -> Option<u32> {
    let s = b.get(off..off.checked_add(4)?)?;
    Some(u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}

/// Little-endian `u64` at `off`.
pub(crate) fn u64_at(b: &[u8], off: usize) -> Option<u64> {
    let s = b.get(off..off.checked_add(8)?)?;
    Some(u64::from_le_bytes(s.try_into().ok()?))
}

/// Little-endian `i32` at `off`.
pub(crate) fn i32_at(b: &[u8], off: usize) -> Option<i32> {
    u32_at(b, off).map(|v| v as i32)
}

/// `len` bytes at `off`.
pub(crate) fn slice_at(b: &[u8], off: usize, len: usize) -> Option<&[u8]> {
    b.get(off..off.checked_add(len)?)
}

/// The bytes an `(fc, lcb)` pair of the FIB names in a stream; `None` when the
/// pair is empty or runs past the stream.
pub(crate) fn fc_lcb(stream: &[u8], fc: u32, lcb: u32) -> Option<&[u8]> {
    if lcb == 0 {
        return None;
    }
    slice_at(stream, fc as usize, lcb as usize)
}

/// UTF-16LE code units to a `String`, unpaired surrogates replaced.
pub(crate) fn utf16le(b: &[u8]) -> String {
    let units: Vec<u16> = b
        .chunks_exact(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]))
        .collect();
    String::from_utf16_lossy(&units)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_stop_at_the_end() {
        let b = [1u8, 2, 3, 4, 5];
        assert_eq!(u16_at(&b, 0), Some(0x0201));
        assert_eq!(u32_at(&b, 1), Some(0x0504_0302));
        assert_eq!(u32_at(&b, 2), None);
        assert_eq!(
            u64_at(&[1, 0, 0, 0, 0, 0, 0, 2, 9], 0),
            Some(0x0200_0000_0000_0001)
        );
        assert_eq!(u64_at(&b, 0), None);
        assert_eq!(u16_at(&b, usize::MAX), None);
        assert_eq!(slice_at(&b, 4, 2), None);
        assert_eq!(fc_lcb(&b, 1, 2), Some(&b[1..3]));
        assert_eq!(fc_lcb(&b, 1, 0), None);
        assert_eq!(fc_lcb(&b, u32::MAX, 2), None);
        assert_eq!(utf16le(&[0x41, 0, 0x2d, 0x4e, 0x00]), "A中");
    }
}
