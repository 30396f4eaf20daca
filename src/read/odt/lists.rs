//! ODT list and heading numbering (ODF 1.2 §16.30 `text:list-style`, §16.32
//! `text:outline-style`, §19.* `style:num-format`, `text:display-levels`,
//! `text:start-value`), computed the way LibreOffice displays it.
//!
//! A [`ListStyle`] holds the level styles of one list style (or of the outline
//! style); [`Counters`] holds the running counters of one list (or of the
//! outline). Labels combine both: [`Counters::label`].

use crate::read::numfmt::{cyclic, ends_with_cjk_punct, repeated_letters, roman};

/// Most list levels ODF defines.
pub(crate) const MAX_LEVELS: usize = 10;

/// What one list level shows in front of its paragraphs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum LevelKind {
    /// A number in `style:num-format` (`1`, `a`, `I`, `一, 二, 三, ...`, ...);
    /// `letter_sync` is `style:num-letter-sync` (`aa, bb` instead of `aa, ab`).
    Number {
        /// `style:num-format`; empty means no number (prefix and suffix only).
        format: String,
        /// `style:num-letter-sync`.
        letter_sync: bool,
    },
    /// `text:list-level-style-bullet` with its `text:bullet-char`.
    Bullet(String),
    /// `text:list-level-style-image`: nothing textual.
    Image,
}

/// One `text:list-level-style-*` / `text:outline-level-style`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ListLevel {
    /// Kind and format.
    pub kind: LevelKind,
    /// `style:num-prefix`.
    pub prefix: String,
    /// `style:num-suffix`.
    pub suffix: String,
    /// `text:display-levels` (≥ 1).
    pub display_levels: usize,
    /// `text:start-value` (default 1).
    pub start: i64,
    /// `loext:num-list-format` (LibreOffice 7.2+): the whole label with `%N%`
    /// placeholders; when present it replaces prefix, suffix and display levels.
    pub list_format: Option<String>,
    /// `text:label-followed-by="nothing"`: the text follows the label directly
    /// (Word's `w:suff w:val="nothing"`); otherwise a tab or space separates them.
    pub followed_by_nothing: bool,
}

impl Default for ListLevel {
    fn default() -> Self {
        ListLevel {
            kind: LevelKind::Number {
                format: String::new(),
                letter_sync: false,
            },
            prefix: String::new(),
            suffix: String::new(),
            display_levels: 1,
            start: 1,
            list_format: None,
            followed_by_nothing: false,
        }
    }
}

/// A list style or the outline style: up to ten level styles.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct ListStyle {
    /// Level styles by 0-based level.
    pub levels: [Option<ListLevel>; MAX_LEVELS],
}

impl ListStyle {
    /// The level style for a 0-based level (levels beyond the tenth use the tenth).
    pub fn level(&self, level: usize) -> Option<&ListLevel> {
        self.levels.get(level.min(MAX_LEVELS - 1))?.as_ref()
    }
}

/// A computed label and how it joins the paragraph text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Label {
    /// The label text, e.g. `一、` or `1.`.
    pub text: String,
    /// Whether the text follows the label directly (nothing follows the label,
    /// CJK punctuation at the end, bullets) instead of after one space, the same
    /// rule as the DOCX reader's.
    pub direct: bool,
}

impl Label {
    /// A label whose join rule is decided from its text alone (ends with CJK
    /// punctuation: direct; otherwise one space).
    pub fn from_text(text: String) -> Label {
        let direct = ends_with_cjk_punct(&text);
        Label { text, direct }
    }

    /// Prefix the label to a paragraph's text.
    pub fn apply(&self, text: &str) -> String {
        if self.direct || text.is_empty() {
            format!("{}{}", self.text, text)
        } else {
            format!("{} {}", self.text, text)
        }
    }
}

/// Running counters of one list (or of the outline).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Counters {
    vals: [Option<i64>; MAX_LEVELS],
}

impl Counters {
    /// A paragraph at `level` is numbered: advance that level (or set it to
    /// `set_to`, from `text:start-value` / `text:restart-numbering`) and restart
    /// every deeper level. Upper levels not started yet start now at their start
    /// value, as LibreOffice's phantom numbers do (a following paragraph at that
    /// upper level then counts on from there). `start` is the level's start value.
    pub fn advance(&mut self, style: Option<&ListStyle>, level: usize, set_to: Option<i64>) {
        let level = level.min(MAX_LEVELS - 1);
        let start_of = |l: usize| style.and_then(|s| s.level(l)).map_or(1, |s| s.start);
        for l in 0..level {
            if self.vals[l].is_none() {
                self.vals[l] = Some(start_of(l));
            }
        }
        let start = start_of(level);
        let next = match (set_to, self.vals[level]) {
            (Some(v), _) => v,
            (None, Some(v)) => v.saturating_add(1),
            (None, None) => start,
        };
        self.vals[level] = Some(next);
        for v in self.vals.iter_mut().skip(level + 1) {
            *v = None;
        }
    }

    /// The formatted counter of `level`, `None` for levels without a number.
    fn level_number(&self, style: &ListStyle, level: usize) -> Option<String> {
        let ls = style.level(level)?;
        let LevelKind::Number {
            format,
            letter_sync,
        } = &ls.kind
        else {
            return None;
        };
        let n = self.vals.get(level).copied().flatten().unwrap_or(ls.start);
        Some(format_number(n, format, *letter_sync)).filter(|s| !s.is_empty())
    }

    /// LibreOffice 7.2+ `loext:num-list-format` (`%1%.%2%.`): each `%N%` of levels
    /// up to `level` becomes that level's number; a level without a number drops
    /// its marker and the text up to the next marker (`%1%.%2%.%3%` with level 2
    /// unnumbered reads `1.1`).
    fn expand_list_format(&self, style: &ListStyle, level: usize, fmt: &str) -> String {
        let mut out = fmt.to_string();
        for l in 0..=level.min(MAX_LEVELS - 1) {
            let token = format!("%{}%", l + 1);
            let Some(pos) = out.find(&token) else {
                continue;
            };
            match self.level_number(style, l) {
                Some(num) => out.replace_range(pos..pos + token.len(), &num),
                None => {
                    let after = pos + token.len();
                    let end = out[after..].find('%').map_or(out.len(), |i| after + i);
                    out.replace_range(pos..end, "");
                }
            }
        }
        out
    }

    /// The label of a paragraph at `level` just advanced, per `style`. `None` when
    /// the level shows nothing.
    pub fn label(&self, style: &ListStyle, level: usize) -> Option<Label> {
        let level = level.min(MAX_LEVELS - 1);
        let lvl = style.level(level)?;
        let (body, direct) = match &lvl.kind {
            // LibreOffice shows a bullet alone: prefix and suffix apply to numbers.
            LevelKind::Bullet(c) if c.is_empty() => return None,
            LevelKind::Bullet(c) => {
                return Some(Label {
                    text: c.clone(),
                    direct: true,
                })
            }
            LevelKind::Image => return None,
            // `style:num-format=""`: no number.
            LevelKind::Number { format, .. } if format.is_empty() => return None,
            LevelKind::Number { .. } => {
                if let Some(list_format) = &lvl.list_format {
                    let text = self.expand_list_format(style, level, list_format);
                    if text.is_empty() {
                        return None;
                    }
                    let direct = lvl.followed_by_nothing || ends_with_cjk_punct(&text);
                    return Some(Label { text, direct });
                }
                let shown = lvl.display_levels.clamp(1, level + 1);
                let mut parts = Vec::with_capacity(shown);
                for l in (level + 1 - shown)..=level {
                    if let Some(s) = self.level_number(style, l) {
                        parts.push(s);
                    }
                }
                (parts.join("."), false)
            }
        };
        let text = format!("{}{}{}", lvl.prefix, body, lvl.suffix);
        if text.is_empty() {
            return None;
        }
        let direct = direct || lvl.followed_by_nothing || ends_with_cjk_punct(&text);
        Some(Label { text, direct })
    }
}

/// Format `n` in an ODF `style:num-format`, as LibreOffice writes and shows them.
/// Unknown formats fall back to Arabic digits.
pub(crate) fn format_number(n: i64, format: &str, letter_sync: bool) -> String {
    match format {
        "" => String::new(),
        "1" => n.to_string(),
        "a" => letters(n, false, letter_sync),
        "A" => letters(n, true, letter_sync),
        "i" => roman(n.unsigned_abs()).to_lowercase(),
        "I" => roman(n.unsigned_abs()),
        "一, 二, 三, ..." => chinese(n, Cjk::Lower),
        "壹, 贰, 叁, ..." => chinese(n, Cjk::Upper),
        "壹, 貳, 參, ..." => chinese(n, Cjk::UpperTw),
        "Native Numbering" => chinese_digits(n),
        "甲, 乙, 丙, ..." => cyclic(
            n.unsigned_abs(),
            &['甲', '乙', '丙', '丁', '戊', '己', '庚', '辛', '壬', '癸'],
        ),
        "子, 丑, 寅, ..." => cyclic(
            n.unsigned_abs(),
            &[
                '子', '丑', '寅', '卯', '辰', '巳', '午', '未', '申', '酉', '戌', '亥',
            ],
        ),
        "①, ②, ③, ..." => circled(n),
        "１, ２, ３, ..." => n
            .to_string()
            .chars()
            .map(|c| match c.to_digit(10) {
                Some(d) => char::from_u32(0xFF10 + d).unwrap_or(c),
                None => c,
            })
            .collect(),
        _ => n.to_string(),
    }
}

/// `a..z, aa..` (`letter_sync`: `aa, bb, cc`; otherwise bijective base 26: `aa, ab`).
fn letters(n: i64, upper: bool, letter_sync: bool) -> String {
    if n <= 0 {
        return n.to_string();
    }
    if letter_sync {
        return repeated_letters(n.unsigned_abs(), upper);
    }
    let base = if upper { b'A' } else { b'a' };
    let mut n = n;
    let mut out = Vec::new();
    while n > 0 {
        n -= 1;
        out.push((base + (n % 26) as u8) as char);
        n /= 26;
    }
    out.iter().rev().collect()
}

/// Chinese counting below 10 000 the way LibreOffice renders list numbers
/// (NatNum7 / NatNum8, the "short" format: a `1` before a multiplier and every
/// zero digit are omitted): `一 … 十, 十一, 二十, 二十一, 百, 百一` (lower) or
/// `壹 … 拾, 拾壹, 贰拾` (upper). Numbers below 100, all that headings and lists
/// use in practice, read the same as Word's. Larger numbers use digits.
fn chinese(n: i64, style: Cjk) -> String {
    let (digits, units): ([char; 10], [&str; 4]) = match style {
        Cjk::Lower => (
            ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'],
            ["", "十", "百", "千"],
        ),
        Cjk::Upper => (
            ['零', '壹', '贰', '叁', '肆', '伍', '陆', '柒', '捌', '玖'],
            ["", "拾", "佰", "仟"],
        ),
        Cjk::UpperTw => (
            ['零', '壹', '貳', '參', '肆', '伍', '陸', '柒', '捌', '玖'],
            ["", "拾", "佰", "仟"],
        ),
    };
    if n == 0 {
        return digits[0].to_string();
    }
    if !(1..10_000).contains(&n) {
        return n.to_string();
    }
    let ds = [n / 1000, (n / 100) % 10, (n / 10) % 10, n % 10];
    let mut out = String::new();
    for (i, &d) in ds.iter().enumerate() {
        let unit = units[3 - i];
        if d == 0 {
            continue;
        }
        if d != 1 || unit.is_empty() {
            out.push(digits[d as usize]);
        }
        out.push_str(unit);
    }
    out
}

/// Digit sets of [`chinese`].
#[derive(Clone, Copy)]
enum Cjk {
    Lower,
    Upper,
    UpperTw,
}

/// LibreOffice "Native Numbering" in a Chinese locale (NatNum1): digit by digit,
/// `〇` for zero.
fn chinese_digits(n: i64) -> String {
    const D: [char; 10] = ['〇', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
    n.to_string()
        .chars()
        .map(|c| c.to_digit(10).map_or(c, |d| D[d as usize]))
        .collect()
}

/// ① … ⑳, ㉑ … ㉟, ㊱ … ㊿; beyond 50 plain digits.
fn circled(n: i64) -> String {
    let cp = match n {
        1..=20 => 0x2460 + (n - 1) as u32,
        21..=35 => 0x3251 + (n - 21) as u32,
        36..=50 => 0x32B1 + (n - 36) as u32,
        _ => return n.to_string(),
    };
    char::from_u32(cp).map_or_else(|| n.to_string(), |c| c.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_counting() {
        let f = |n| format_number(n, "一, 二, 三, ...", false);
        assert_eq!(f(1), "一");
        assert_eq!(f(10), "十");
        assert_eq!(f(11), "十一");
        assert_eq!(f(20), "二十");
        assert_eq!(f(21), "二十一");
        assert_eq!(f(99), "九十九");
        // LibreOffice's short format from 100 on (omits 一 before multipliers and zeros).
        assert_eq!(f(100), "百");
        assert_eq!(f(101), "百一");
        assert_eq!(f(110), "百十");
        assert_eq!(f(2305), "二千三百五");
        let u = |n| format_number(n, "壹, 贰, 叁, ...", false);
        assert_eq!(u(3), "叁");
        assert_eq!(u(10), "拾");
        assert_eq!(u(12), "拾贰");
        assert_eq!(u(23), "贰拾叁");
        assert_eq!(format_number(23, "壹, 貳, 參, ...", false), "貳拾參");
        assert_eq!(format_number(105, "Native Numbering", false), "一〇五");
    }

    #[test]
    fn other_formats() {
        assert_eq!(format_number(3, "甲, 乙, 丙, ...", false), "丙");
        assert_eq!(format_number(13, "子, 丑, 寅, ...", false), "子");
        assert_eq!(format_number(2, "①, ②, ③, ...", false), "②");
        assert_eq!(format_number(21, "①, ②, ③, ...", false), "㉑");
        assert_eq!(format_number(12, "１, ２, ３, ...", false), "１２");
        assert_eq!(format_number(28, "a", false), "ab");
        assert_eq!(format_number(28, "a", true), "bb");
        assert_eq!(format_number(27, "A", false), "AA");
        assert_eq!(format_number(14, "i", false), "xiv");
        assert_eq!(format_number(1999, "I", false), "MCMXCIX");
        assert_eq!(format_number(7, "1", false), "7");
        assert_eq!(format_number(7, "", false), "");
    }

    fn num(format: &str, prefix: &str, suffix: &str, display: usize) -> Option<ListLevel> {
        Some(ListLevel {
            kind: LevelKind::Number {
                format: format.into(),
                letter_sync: false,
            },
            prefix: prefix.into(),
            suffix: suffix.into(),
            display_levels: display,
            start: 1,
            list_format: None,
            followed_by_nothing: false,
        })
    }

    #[test]
    fn labels_with_display_levels_and_restart() {
        let mut style = ListStyle::default();
        style.levels[0] = num("一, 二, 三, ...", "", "、", 1);
        style.levels[1] = num("一, 二, 三, ...", "（", "）", 1);
        style.levels[2] = num("1", "", ".", 3);
        let mut c = Counters::default();
        c.advance(Some(&style), 0, None);
        assert_eq!(c.label(&style, 0).map(|l| l.text), Some("一、".into()));
        c.advance(Some(&style), 1, None);
        c.advance(Some(&style), 1, None);
        let l = c.label(&style, 1).expect("label");
        assert_eq!(l.apply("主动公开"), "（二）主动公开");
        c.advance(Some(&style), 2, None);
        let l = c.label(&style, 2).expect("label");
        assert_eq!(l.text, "一.二.1.");
        assert_eq!(l.apply("x"), "一.二.1. x");
        c.advance(Some(&style), 0, None);
        c.advance(Some(&style), 1, None);
        assert_eq!(c.label(&style, 1).map(|l| l.text), Some("（一）".into()));
        c.advance(Some(&style), 1, Some(5));
        assert_eq!(c.label(&style, 1).map(|l| l.text), Some("（五）".into()));
    }

    #[test]
    fn list_format_placeholders() {
        let mut style = ListStyle::default();
        style.levels[0] = num("一, 二, 三, ...", "", "、", 1);
        style.levels[1] = num("", "", "", 1);
        style.levels[2] = num("1", "", ".", 1);
        if let Some(l) = style.levels[2].as_mut() {
            l.list_format = Some("%1%-%2%.%3%)".into());
        }
        let mut c = Counters::default();
        c.advance(Some(&style), 0, Some(3));
        c.advance(Some(&style), 2, None);
        let l = c.label(&style, 2).expect("label");
        assert_eq!((l.text.as_str(), l.direct), ("三-1)", false));
    }

    #[test]
    fn bullets_and_followed_by_nothing_join_directly() {
        let mut style = ListStyle::default();
        style.levels[0] = Some(ListLevel {
            kind: LevelKind::Bullet("•".into()),
            suffix: ".".into(),
            ..ListLevel::default()
        });
        style.levels[1] = num("1", "", "", 1);
        let mut c = Counters::default();
        c.advance(Some(&style), 0, None);
        assert_eq!(c.label(&style, 0).expect("label").apply("a"), "•a");
        c.advance(Some(&style), 1, None);
        assert_eq!(c.label(&style, 1).expect("label").apply("b"), "1 b");
        if let Some(l) = style.levels[1].as_mut() {
            l.followed_by_nothing = true;
        }
        assert_eq!(c.label(&style, 1).expect("label").apply("b"), "1b");
        style.levels[1] = num("", "", "", 1);
        assert_eq!(c.label(&style, 1), None);
        style.levels[1] = num("", "（", "）", 1);
        assert_eq!(c.label(&style, 1), None);
    }
}
