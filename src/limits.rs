//! Bounds on hostile input, shared by the XML layer (nesting depth) and the
//! container layer (part sizes and counts) below every reader.

/// Bounds that keep hostile input from exhausting memory.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest inflated size of one part, in bytes.
    pub max_part_bytes: u64,
    /// Largest total inflated size of all parts read, in bytes.
    pub max_total_bytes: u64,
    /// Most members a package may have.
    pub max_parts: usize,
    /// Deepest XML element nesting accepted.
    pub max_depth: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_part_bytes: 64 * 1024 * 1024,
            max_total_bytes: 256 * 1024 * 1024,
            max_parts: 10_000,
            max_depth: 512,
        }
    }
}
