//! ODT list and heading numbering (ODF 1.2 §16.30 `text:list-style`, §16.32
//! `text:outline-style`, §19.* `style:num-format`, `text:display-levels`,
//! `text:start-value`), computed the way LibreOffice displays it.
//!
//! A [`ListStyle`] holds the level styles of one list style (or of the outline
//! style); [`Counters`] holds the running counters of one list (or of the
//! outline). Labels combine both: [`Counters::label`].

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
    /// Whether the text follows the label directly (empty suffix, CJK
    /// punctuation at the end, bullets) instead of after one space.
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

fn ends_with_cjk_punct(s: &str) -> bool {
    s.ends_with(['、', '，', '．', '。', '）'])
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

    /// The label of a paragraph at `level` just advanced, per `style`. `None` when
    /// the level shows nothing.
    pub fn label(&self, style: &ListStyle, level: usize) -> Option<Label> {
        let level = level.min(MAX_LEVELS - 1);
        let lvl = style.level(level)?;
        let (body, direct) = match &lvl.kind {
            LevelKind::Bullet(c) => (c.clone(), true),
            LevelKind::Image => return None,
            LevelKind::Number { format, .. } if format.is_empty() => (String::new(), false),
            LevelKind::Number { .. } => {
                let shown = lvl.display_levels.clamp(1, level + 1);
                let mut parts = Vec::with_capacity(shown);
                for l in (level + 1 - shown)..=level {
                    let Some(ls) = style.level(l) else { continue };
                    let LevelKind::Number {
                        format,
                        letter_sync,
                    } = &ls.kind
                    else {
                        continue;
                    };
                    let n = self.vals[l].unwrap_or(ls.start);
                    let s = format_number(n, format, *letter_sync);
                    if !s.is_empty() {
                        parts.push(s);
                    }
                }
                (parts.join("."), lvl.suffix.is_empty())
            }
        };
        let text = format!("{}{}{}", lvl.prefix, body, lvl.suffix);
        if text.is_empty() {
            return None;
        }
        let direct = direct || ends_with_cjk_punct(&text);
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
        "i" => roman(n).to_lowercase(),
        "I" => roman(n),
        "一, 二, 三, ..." | "Native Numbering" => chinese(n, false),
        "壹, 贰, 叁, ..." => chinese(n, true),
        "甲, 乙, 丙, ..." => cyclic(
            n,
            &['甲', '乙', '丙', '丁', '戊', '己', '庚', '辛', '壬', '癸'],
        ),
        "子, 丑, 寅, ..." => cyclic(
            n,
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
    let base = if upper { b'A' } else { b'a' };
    if letter_sync {
        let idx = ((n - 1) % 26) as u8;
        let count = ((n - 1) / 26 + 1).min(100) as usize;
        return std::iter::repeat_n((base + idx) as char, count).collect();
    }
    let mut n = n;
    let mut out = Vec::new();
    while n > 0 {
        n -= 1;
        out.push((base + (n % 26) as u8) as char);
        n /= 26;
    }
    out.iter().rev().collect()
}

fn roman(n: i64) -> String {
    if !(1..4000).contains(&n) {
        return n.to_string();
    }
    const TABLE: [(i64, &str); 13] = [
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

/// Chinese counting below 10 000: `一 … 十, 十一, 二十, 一百零一` (lower) or
/// `壹 … 壹拾, 壹拾壹, 贰拾, 壹佰零壹` (upper, financial). Larger numbers use digits.
fn chinese(n: i64, upper: bool) -> String {
    let digits: [char; 10] = if upper {
        ['零', '壹', '贰', '叁', '肆', '伍', '陆', '柒', '捌', '玖']
    } else {
        ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九']
    };
    let units: [&str; 4] = if upper {
        ["", "拾", "佰", "仟"]
    } else {
        ["", "十", "百", "千"]
    };
    if n == 0 {
        return digits[0].to_string();
    }
    if !(1..10_000).contains(&n) {
        return n.to_string();
    }
    let ds = [n / 1000, (n / 100) % 10, (n / 10) % 10, n % 10];
    let mut out = String::new();
    let mut zero_pending = false;
    for (i, &d) in ds.iter().enumerate() {
        let unit = units[3 - i];
        if d == 0 {
            if !out.is_empty() {
                zero_pending = true;
            }
            continue;
        }
        if zero_pending {
            out.push(digits[0]);
            zero_pending = false;
        }
        // Lower-case counting writes 10..19 as 十, 十一 (no leading 一).
        if !(d == 1 && i == 2 && out.is_empty() && !upper) {
            out.push(digits[d as usize]);
        }
        out.push_str(unit);
    }
    out
}

fn cyclic(n: i64, table: &[char]) -> String {
    if n <= 0 {
        return n.to_string();
    }
    let len = table.len() as i64;
    table[((n - 1) % len) as usize].to_string()
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
        assert_eq!(f(100), "一百");
        assert_eq!(f(101), "一百零一");
        assert_eq!(f(110), "一百一十");
        assert_eq!(f(1001), "一千零一");
        let u = |n| format_number(n, "壹, 贰, 叁, ...", false);
        assert_eq!(u(3), "叁");
        assert_eq!(u(10), "壹拾");
        assert_eq!(u(12), "壹拾贰");
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
    fn bullets_join_directly_and_empty_suffix_too() {
        let mut style = ListStyle::default();
        style.levels[0] = Some(ListLevel {
            kind: LevelKind::Bullet("•".into()),
            ..ListLevel::default()
        });
        style.levels[1] = num("1", "", "", 1);
        let mut c = Counters::default();
        c.advance(Some(&style), 0, None);
        assert_eq!(c.label(&style, 0).expect("label").apply("a"), "•a");
        c.advance(Some(&style), 1, None);
        assert_eq!(c.label(&style, 1).expect("label").apply("b"), "1b");
        style.levels[1] = num("", "", "", 1);
        assert_eq!(c.label(&style, 1), None);
    }
}
