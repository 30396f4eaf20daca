//! Cell values (template.md §8.6): integers, decimals (万元 amounts), signed
//! deltas (`+3`, `-1`), units inside cells (`251000元`), thousands separators.
//! Blank, `/`, `／`, `—`, `-`, `无` are "not given": `None`, never 0.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize, Serializer};

/// A metric value: a JSON number that prints integers without a fraction
/// (`12`, not `12.0`) and decimals as they are (`0.35`).
#[derive(Debug, Clone, Copy, PartialEq, Deserialize, JsonSchema)]
#[serde(transparent)]
pub struct Num(pub f64);

impl Serialize for Num {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let v = self.0;
        if v.is_finite() && v.fract() == 0.0 && v.abs() < 9.0e15 {
            s.serialize_i64(v as i64)
        } else {
            s.serialize_f64(v)
        }
    }
}

/// What a cell's text means as a value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum CellValue {
    /// A number.
    Number(f64),
    /// Blank or a placeholder (`/`, `—`, `-`, `无`): not given.
    Empty,
    /// Text that is not a number (a label, or something unparseable).
    Text,
}

impl CellValue {
    /// The number, if any.
    pub fn number(self) -> Option<f64> {
        match self {
            CellValue::Number(v) => Some(v),
            _ => None,
        }
    }
}

/// Placeholders that mean "not given".
const PLACEHOLDERS: &[&str] = &[
    "/", "//", "\\", "-", "--", "—", "——", "–", "―", "─", "无", "空", "暂无", "n/a", "N/A", "×",
];

/// The money unit written inside a cell (`万元` or `元`), if any.
pub fn money_unit(raw: &str) -> Option<&'static str> {
    let t = raw.trim_end();
    if t.ends_with("万元") {
        Some("万元")
    } else if t.ends_with('元') {
        Some("元")
    } else {
        None
    }
}

/// Parse a cell's text.
pub fn parse_cell(raw: &str) -> CellValue {
    // Fast paths, same results: blank; plain digits; a label (an ideograph that
    // is no unit or placeholder character, even after t2s).
    let t = raw.trim();
    if t.is_empty() {
        return CellValue::Empty;
    }
    if t.len() <= 15 && t.bytes().all(|b| b.is_ascii_digit()) {
        if let Ok(v) = t.parse::<f64>() {
            return CellValue::Number(v);
        }
    }
    if t.chars().any(|c| {
        matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF)
            && !"万元件个项次条人无空暂萬個項條無暫".contains(c)
            && !crate::normalize::maybe_traditional(c)
    }) {
        return CellValue::Text;
    }
    // ASCII needs no Unicode normalization (the common case: plain digits).
    let n = if raw.is_ascii() {
        raw.chars().filter(|c| !c.is_ascii_whitespace()).collect()
    } else {
        crate::normalize::label_key(raw)
    };
    // Thousands separators: a comma between digits.
    let chars: Vec<char> = n.chars().collect();
    let mut s = String::with_capacity(n.len());
    for (i, &c) in chars.iter().enumerate() {
        let between_digits = i > 0
            && chars[i - 1].is_ascii_digit()
            && chars.get(i + 1).is_some_and(|d| d.is_ascii_digit());
        if c == ',' && between_digits {
            continue;
        }
        s.push(c);
    }
    if s.is_empty() || PLACEHOLDERS.contains(&s.as_str()) {
        return CellValue::Empty;
    }
    let body = ["万元", "元", "件", "个", "项", "次", "条", "人"]
        .iter()
        .find_map(|u| s.strip_suffix(u))
        .unwrap_or(&s);
    let (sign, digits) = match body.chars().next() {
        Some('+') => (1.0, &body[1..]),
        Some('-') => (-1.0, &body[1..]),
        _ => (1.0, body),
    };
    let valid = !digits.is_empty()
        && digits.chars().all(|c| c.is_ascii_digit() || c == '.')
        && digits.chars().filter(|&c| c == '.').count() <= 1
        && digits.chars().next().is_some_and(|c| c.is_ascii_digit())
        && digits.chars().last().is_some_and(|c| c.is_ascii_digit())
        && digits.len() <= 15;
    if !valid {
        return CellValue::Text;
    }
    match digits.parse::<f64>() {
        Ok(v) => CellValue::Number(sign * v),
        Err(_) => CellValue::Text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values() {
        assert_eq!(parse_cell("12"), CellValue::Number(12.0));
        assert_eq!(parse_cell(" １２ "), CellValue::Number(12.0));
        assert_eq!(parse_cell("0.35"), CellValue::Number(0.35));
        assert_eq!(parse_cell("+1036"), CellValue::Number(1036.0));
        assert_eq!(parse_cell("-3"), CellValue::Number(-3.0));
        assert_eq!(parse_cell("－1"), CellValue::Number(-1.0));
        assert_eq!(parse_cell("251000元"), CellValue::Number(251000.0));
        assert_eq!(parse_cell("1,234"), CellValue::Number(1234.0));
        assert_eq!(parse_cell("0.35万元"), CellValue::Number(0.35));
        for e in ["", " ", "/", "／", "—", "-", "无", "——"] {
            assert_eq!(parse_cell(e), CellValue::Empty, "{e:?}");
        }
        assert_eq!(parse_cell("自然人"), CellValue::Text);
        assert_eq!(money_unit("3500元"), Some("元"));
        assert_eq!(money_unit("0.35万元 "), Some("万元"));
        assert_eq!(money_unit("0.35"), None);
        assert_eq!(parse_cell("1.2.3"), CellValue::Text);
        assert_eq!(parse_cell("1."), CellValue::Text);
    }

    #[test]
    fn numbers_serialize_as_integers_when_whole() {
        assert_eq!(serde_json::to_string(&Num(12.0)).unwrap(), "12");
        assert_eq!(serde_json::to_string(&Num(-3.0)).unwrap(), "-3");
        assert_eq!(serde_json::to_string(&Num(0.35)).unwrap(), "0.35");
        let back: Num = serde_json::from_str("0.35").unwrap();
        assert_eq!(back, Num(0.35));
    }
}
