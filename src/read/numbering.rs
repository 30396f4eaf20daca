//! Automatic numbering shared by the Word readers (DOCX `word/numbering.xml`,
//! legacy `.doc` list tables): the model of list definitions (ECMA-376 Part 1
//! §17.9: abstract definitions, instances with level overrides) and the counters
//! that render a numbered paragraph's label the way Word shows it (`一、`,
//! `（一）`, `1.2.`, `①`, `•`), plus the rule that joins a label to its text.
//!
//! Counters are kept per abstract definition: instances that share one continue
//! each other, except that an instance with a start override restarts the
//! overridden levels the first time it is used. A level restarts when a higher
//! level advances (or as its `restart` says).
//!
//! Reading the definitions is format-specific and lives in the readers
//! (`docx::numbering`, `doc::lists`).

use crate::read::numfmt::{cyclic, ends_with_cjk_punct, repeated_letters, roman};
use std::collections::HashMap;

/// Number of list levels (WordprocessingML and Word binary lists alike).
pub const LEVELS: usize = 9;

/// Suffix after a label (`w:suff`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Suffix {
    /// A tab (default).
    #[default]
    Tab,
    /// A space.
    Space,
    /// Nothing.
    Nothing,
}

/// One level definition (`w:lvl`; a Word binary LVL is read into the same).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Level {
    /// `w:start` (default 0 per spec; Word writes it explicitly).
    pub start: Option<u32>,
    /// `w:numFmt`.
    pub fmt: Option<String>,
    /// `w:lvlText`.
    pub text: Option<String>,
    /// `w:suff`.
    pub suffix: Option<Suffix>,
    /// `w:isLgl`.
    pub is_lgl: bool,
    /// `w:lvlRestart` (1-based level after which this level restarts; 0 = never).
    pub restart: Option<u32>,
    /// `w:pStyle`: the paragraph style bound to this level.
    pub pstyle: Option<String>,
}

/// `w:abstractNum` (a Word binary LSTF with its LVLs, keyed by its lsid).
#[derive(Debug, Clone, Default)]
pub struct AbstractNum {
    /// Levels 0..9.
    pub levels: [Option<Level>; LEVELS],
    /// `w:numStyleLink`: take the definition from this numbering style.
    pub num_style_link: Option<String>,
}

/// One `w:lvlOverride`.
#[derive(Debug, Clone, Default)]
pub struct Override {
    /// `w:startOverride`.
    pub start: Option<u32>,
    /// A replacement `w:lvl`.
    pub level: Option<Level>,
}

/// `w:num` (a Word binary LFO, keyed by its 1-based index, the `ilfo`).
#[derive(Debug, Clone, Default)]
pub struct Num {
    /// `w:abstractNumId`.
    pub abstract_id: u32,
    /// Overrides by level.
    pub overrides: HashMap<u32, Override>,
}

/// Parsed numbering definitions.
#[derive(Debug, Clone, Default)]
pub struct Numbering {
    /// Abstract definitions by id.
    pub abstracts: HashMap<u32, AbstractNum>,
    /// Instances by numId.
    pub nums: HashMap<u32, Num>,
}

impl Numbering {
    /// The abstractNum id that really holds the levels for `num_id`, following
    /// `w:numStyleLink` (bounded): `style_num` maps a numbering style's name to
    /// the numId of its own numbering (DOCX: the style's `w:numPr`; formats
    /// without numbering styles pass [`no_style_links`]).
    pub fn resolve_abstract(&self, num_id: u32, style_num: StyleNum<'_>) -> Option<u32> {
        let mut aid = self.nums.get(&num_id)?.abstract_id;
        for _ in 0..8 {
            let a = self.abstracts.get(&aid)?;
            let Some(link) = a.num_style_link.as_deref() else {
                return Some(aid);
            };
            let next = style_num(link)
                .and_then(|nid| self.nums.get(&nid))
                .map(|n| n.abstract_id);
            match next {
                Some(n) if n != aid => aid = n,
                _ => return Some(aid),
            }
        }
        Some(aid)
    }
}

/// Resolves a numbering style's name (`w:numStyleLink`) to the numId of the
/// numbering that style carries; `None` when there is no such style.
pub type StyleNum<'a> = &'a dyn Fn(&str) -> Option<u32>;

/// A [`StyleNum`] for formats without numbering styles: resolves nothing.
pub fn no_style_links(_: &str) -> Option<u32> {
    None
}

/// Counter state for one list instance.
#[derive(Debug, Clone, Default)]
struct Counters {
    values: [u32; LEVELS],
    used: [bool; LEVELS],
}

/// A rendered label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    /// The label text (`一、`, `1.2.`, `•`).
    pub text: String,
    /// The suffix after it.
    pub suffix: Suffix,
    /// The level is a bullet.
    pub bullet: bool,
}

impl Label {
    /// `text` displayed after this label, the way Word shows it: directly after
    /// the label when the suffix is nothing, the label is a bullet or it ends
    /// with CJK punctuation (`一、`, `（一）`); else after a space (a tab in Word).
    /// An empty label leaves `text` as it is.
    pub fn prefix_to(&self, text: String) -> String {
        if self.text.is_empty() {
            return text;
        }
        let direct =
            self.suffix == Suffix::Nothing || self.bullet || ends_with_cjk_punct(&self.text);
        if direct {
            format!("{}{}", self.text, text)
        } else {
            format!("{} {}", self.text, text)
        }
    }
}

/// Why no label could be produced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoLabel {
    /// numId 0 or a level without a definition: not numbered.
    NotNumbered,
    /// The numId is not defined.
    UnknownId,
}

/// Counters across the whole document.
#[derive(Debug, Default)]
pub struct NumberingState {
    /// Counters per abstractNum: nums sharing a definition continue each other.
    lists: HashMap<u32, Counters>,
    /// Nums already used once.
    started_nums: std::collections::HashSet<u32>,
}

impl NumberingState {
    /// Advance the counter of (`num_id`, `ilvl`) and render its label;
    /// `style_num` resolves `w:numStyleLink` (see [`Numbering::resolve_abstract`]).
    pub fn next_label(
        &mut self,
        numbering: &Numbering,
        style_num: StyleNum<'_>,
        num_id: u32,
        ilvl: u32,
    ) -> Result<Label, NoLabel> {
        if num_id == 0 {
            return Err(NoLabel::NotNumbered);
        }
        let num = numbering.nums.get(&num_id).ok_or(NoLabel::UnknownId)?;
        let aid = numbering
            .resolve_abstract(num_id, style_num)
            .ok_or(NoLabel::UnknownId)?;
        let abs = numbering.abstracts.get(&aid).ok_or(NoLabel::UnknownId)?;
        let ilvl = (ilvl as usize).min(LEVELS - 1);
        // Effective levels with overrides applied: an override's `w:lvl` replaces
        // the abstract level, its `w:startOverride` replaces the start value.
        let override_of = |i: usize| num.overrides.get(&(i as u32));
        let level_def = |i: usize| -> Option<&Level> {
            override_of(i)
                .and_then(|o| o.level.as_ref())
                .or(abs.levels[i].as_ref())
        };
        let start = |i: usize| {
            override_of(i)
                .and_then(|o| o.start)
                .or_else(|| level_def(i).and_then(|l| l.start))
                .unwrap_or(0)
        };
        let fmt_of = |i: usize| level_def(i).and_then(|l| l.fmt.as_deref());
        let Some(lvl) = level_def(ilvl) else {
            return Err(NoLabel::NotNumbered);
        };
        let c = self.lists.entry(aid).or_default();
        // A num that overrides start values restarts those levels of the shared
        // list the first time it is used.
        if self.started_nums.insert(num_id) {
            for (&k, o) in &num.overrides {
                if o.start.is_some() && (k as usize) < LEVELS {
                    c.used[k as usize] = false;
                }
            }
        }
        c.values[ilvl] = if c.used[ilvl] {
            c.values[ilvl].saturating_add(1)
        } else {
            start(ilvl)
        };
        c.used[ilvl] = true;
        for k in ilvl + 1..LEVELS {
            let restart_after = level_def(k).and_then(|l| l.restart).unwrap_or(k as u32);
            if (ilvl as u32) < restart_after {
                c.used[k] = false;
            }
        }
        let fmt = lvl.fmt.as_deref().unwrap_or("decimal");
        let bullet = fmt == "bullet";
        let template = lvl.text.as_deref().unwrap_or_default();
        let text = if bullet {
            bullet_text(template)
        } else {
            let mut out = String::new();
            let mut chars = template.chars().peekable();
            while let Some(ch) = chars.next() {
                if ch == '%' {
                    if let Some(d) = chars.peek().and_then(|d| d.to_digit(10)) {
                        chars.next();
                        if (1..=9).contains(&d) {
                            let i = d as usize - 1;
                            let v = if c.used[i] { c.values[i] } else { start(i) };
                            let f = if lvl.is_lgl {
                                "decimal"
                            } else {
                                fmt_of(i).unwrap_or("decimal")
                            };
                            out.push_str(&format_number(v, f));
                        }
                        continue;
                    }
                }
                out.push(ch);
            }
            out
        };
        Ok(Label {
            text,
            suffix: lvl.suffix.unwrap_or_default(),
            bullet,
        })
    }
}

/// Map a bullet's `w:lvlText` (often a Symbol/Wingdings private-use character)
/// to a displayable bullet.
fn bullet_text(t: &str) -> String {
    let mut out = String::new();
    for ch in t.chars() {
        let c = ch as u32;
        if (0xF000..=0xF0FF).contains(&c) {
            let mapped = match c & 0xFF {
                0xB7 | 0x6C | 0x9F | 0xA1 => '•',
                0xA7 | 0x6E | 0xFC => '▪',
                0xD8 => '➢',
                0x76 => '❖',
                0xFB | 0x50 => '✓',
                _ => '•',
            };
            out.push(mapped);
        } else if !ch.is_control() {
            out.push(ch);
        }
    }
    out
}

const CN_DIGITS: [char; 10] = ['〇', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

/// Chinese counting numerals: 一 … 十, 十一, 二十一, 一百零一, 一千二百三十四.
pub fn chinese_counting(n: u32) -> String {
    chinese_numeral(n, true)
}

/// Chinese numerals; `short_teens` writes 10..19 as 十, 十一 rather than 一十, 一十一.
fn chinese_numeral(n: u32, short_teens: bool) -> String {
    if n == 0 {
        return "〇".into();
    }
    if n >= 100_000 {
        return n.to_string();
    }
    let units = ['\0', '十', '百', '千', '万'];
    let digits: Vec<u32> = n.to_string().bytes().map(|b| u32::from(b - b'0')).collect();
    let len = digits.len();
    let mut out = String::new();
    let mut pending_zero = false;
    for (i, &d) in digits.iter().enumerate() {
        let pos = len - 1 - i;
        if d == 0 {
            pending_zero = true;
            continue;
        }
        if pending_zero && !out.is_empty() {
            out.push('〇');
        }
        pending_zero = false;
        // 10..19 read 十, 十一 (not 一十).
        if !(short_teens && d == 1 && pos == 1 && len == 2) {
            out.push(CN_DIGITS[d as usize]);
        }
        if pos > 0 {
            out.push(units[pos]);
        }
    }
    out.replace('〇', "零")
}

/// Render `n` in a `w:numFmt` format.
pub fn format_number(n: u32, fmt: &str) -> String {
    match fmt {
        "none" => String::new(),
        "decimalZero" => format!("{n:02}"),
        "chineseCounting"
        | "chineseCountingThousand"
        | "taiwaneseCounting"
        | "taiwaneseCountingThousand"
        | "japaneseCounting"
        | "ideographLegalTraditional" => chinese_counting(n),
        "chineseLegalSimplified" => {
            const UP: [char; 10] = ['零', '壹', '贰', '叁', '肆', '伍', '陆', '柒', '捌', '玖'];
            let s = chinese_numeral(n, false);
            s.chars()
                .map(|c| match CN_DIGITS.iter().position(|&d| d == c) {
                    Some(i) => UP[i],
                    None => match c {
                        '十' => '拾',
                        '百' => '佰',
                        '千' => '仟',
                        other => other,
                    },
                })
                .collect()
        }
        "ideographTraditional" => cyclic(
            u64::from(n),
            &['甲', '乙', '丙', '丁', '戊', '己', '庚', '辛', '壬', '癸'],
        ),
        "ideographZodiac" => cyclic(
            u64::from(n),
            &[
                '子', '丑', '寅', '卯', '辰', '巳', '午', '未', '申', '酉', '戌', '亥',
            ],
        ),
        "ideographDigital" | "taiwaneseDigital" | "japaneseDigitalTenThousand" => n
            .to_string()
            .bytes()
            .map(|b| CN_DIGITS[usize::from(b - b'0')])
            .collect(),
        "decimalFullWidth" | "decimalFullWidth2" => n
            .to_string()
            .chars()
            .filter_map(|c| char::from_u32(c as u32 - '0' as u32 + 0xFF10))
            .collect(),
        "decimalEnclosedCircle" | "decimalEnclosedCircleChinese" => enclosed(n, 0x2460, 20),
        "decimalEnclosedParen" => enclosed(n, 0x2474, 20),
        "decimalEnclosedFullstop" => enclosed(n, 0x2488, 20),
        "ideographEnclosedCircle" => enclosed(n, 0x3280, 10),
        "upperLetter" => repeated_letters(u64::from(n), true),
        "lowerLetter" => repeated_letters(u64::from(n), false),
        "upperRoman" => roman(u64::from(n)),
        "lowerRoman" => roman(u64::from(n)).to_lowercase(),
        _ => n.to_string(),
    }
}

fn enclosed(n: u32, base: u32, max: u32) -> String {
    if (1..=max).contains(&n) {
        char::from_u32(base + n - 1).map_or_else(|| n.to_string(), |c| c.to_string())
    } else {
        n.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        let cases = [
            (1, "chineseCounting", "一"),
            (10, "chineseCounting", "十"),
            (11, "chineseCounting", "十一"),
            (20, "chineseCounting", "二十"),
            (21, "chineseCounting", "二十一"),
            (100, "chineseCountingThousand", "一百"),
            (101, "chineseCountingThousand", "一百零一"),
            (110, "chineseCountingThousand", "一百一十"),
            (123, "chineseCountingThousand", "一百二十三"),
            (1005, "chineseCountingThousand", "一千零五"),
            (3, "ideographTraditional", "丙"),
            (12, "ideographZodiac", "亥"),
            (105, "ideographDigital", "一〇五"),
            (12, "decimalFullWidth", "１２"),
            (1, "decimalEnclosedCircle", "①"),
            (20, "decimalEnclosedCircle", "⑳"),
            (21, "decimalEnclosedCircle", "21"),
            (3, "upperLetter", "C"),
            (28, "lowerLetter", "bb"),
            (14, "upperRoman", "XIV"),
            (1994, "lowerRoman", "mcmxciv"),
            (7, "decimalZero", "07"),
            (7, "none", ""),
            (7, "decimal", "7"),
            (12, "chineseLegalSimplified", "壹拾贰"),
        ];
        for (n, f, want) in cases {
            assert_eq!(format_number(n, f), want, "{n} {f}");
        }
    }

    #[test]
    fn label_joins_text() {
        let l = |text: &str, suffix, bullet| Label {
            text: text.into(),
            suffix,
            bullet,
        };
        let t = || "总体情况".to_string();
        assert_eq!(l("一、", Suffix::Tab, false).prefix_to(t()), "一、总体情况");
        assert_eq!(
            l("（一）", Suffix::Space, false).prefix_to(t()),
            "（一）总体情况"
        );
        assert_eq!(l("1.", Suffix::Tab, false).prefix_to(t()), "1. 总体情况");
        assert_eq!(l("1.", Suffix::Nothing, false).prefix_to(t()), "1.总体情况");
        assert_eq!(l("•", Suffix::Tab, true).prefix_to(t()), "•总体情况");
        assert_eq!(l("", Suffix::Tab, false).prefix_to(t()), "总体情况");
    }

    #[test]
    fn bullets_map_private_use() {
        assert_eq!(bullet_text("\u{F0B7}"), "•");
        assert_eq!(bullet_text("o"), "o");
        assert_eq!(bullet_text("●"), "●");
    }
}
