//! Number formats and label rules shared by the DOCX and ODT readers, so that
//! equivalent Word and LibreOffice numbering render the same labels.
//!
//! Format-specific rules (Word's `chineseCounting` vs LibreOffice's short Chinese
//! numbers above 100, enclosed-number ranges) stay in the readers.

/// Upper-case Roman numeral for 1..=3999; other numbers as decimal digits.
pub(crate) fn roman(n: u64) -> String {
    if !(1..4000).contains(&n) {
        return n.to_string();
    }
    const TABLE: [(u64, &str); 13] = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let mut n = n;
    let mut out = String::new();
    for (v, s) in TABLE {
        while n >= v {
            out.push_str(s);
            n -= v;
        }
    }
    out
}

/// Letters the way Word counts (and LibreOffice with letter sync): A … Z, AA,
/// BB, …, AAA (the letter repeated); empty for 0.
pub(crate) fn repeated_letters(n: u64, upper: bool) -> String {
    if n == 0 {
        return String::new();
    }
    let base = if upper { b'A' } else { b'a' };
    let reps = ((n - 1) / 26 + 1).min(100) as usize;
    let ch = char::from(base + ((n - 1) % 26) as u8);
    std::iter::repeat_n(ch, reps).collect()
}

/// The n-th symbol of a cycle (甲乙丙…, 子丑寅…), 1-based; empty for 0.
pub(crate) fn cyclic(n: u64, set: &[char]) -> String {
    if n == 0 || set.is_empty() {
        return String::new();
    }
    set[((n - 1) % set.len() as u64) as usize].to_string()
}

/// Whether a label is followed directly by the text (no space) because it ends
/// with CJK punctuation: `一、总体情况`, `（一）主动公开`.
pub(crate) fn ends_with_cjk_punct(label: &str) -> bool {
    label.ends_with(['、', '，', '．', '。', '）', '\u{3000}'])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_formats() {
        assert_eq!(roman(1994), "MCMXCIV");
        assert_eq!(roman(0), "0");
        assert_eq!(repeated_letters(28, true), "BB");
        assert_eq!(repeated_letters(3, false), "c");
        assert_eq!(
            cyclic(
                11,
                &['甲', '乙', '丙', '丁', '戊', '己', '庚', '辛', '壬', '癸']
            ),
            "甲"
        );
        assert!(ends_with_cjk_punct("一、"));
        assert!(!ends_with_cjk_punct("1."));
    }
}
