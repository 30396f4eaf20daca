//! Heading levels shared by the Word readers (DOCX and Word binary): outline
//! levels and built-in heading style names.

/// 0-based outline level to 1-based heading level; 9 (body text) and beyond is none.
pub fn outline_to_level(l: u32) -> Option<u8> {
    if l < 9 {
        Some(l as u8 + 1)
    } else {
        None
    }
}

/// `heading 2`, `Heading2`, `标题 2`, `标题2` -> 2.
pub fn heading_name_level(name: &str) -> Option<u8> {
    let n = name.trim();
    let rest = if n.len() >= 7 && n.is_char_boundary(7) && n[..7].eq_ignore_ascii_case("heading") {
        &n[7..]
    } else {
        n.strip_prefix("标题")?
    };
    let digits = rest.trim();
    if digits.is_empty() || digits.len() > 1 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let l: u8 = digits.parse().ok()?;
    (1..=9).contains(&l).then_some(l)
}
