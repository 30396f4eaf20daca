//! Text normalization for matching labels and deriving keys (issue 3; template.md §8.5).
//!
//! The original text is always kept; the forms made here are only used to match
//! labels and titles, and are shown as `normalized` beside paragraph text.
//!
//! [`normalize_text`] applies, in order:
//! 1. Unicode NFKC: full-width digits, letters and brackets fold to ASCII
//!    (`（１）` → `(1)`, `：` → `:`).
//! 2. Removal of the pinyin that spam mirror sites insert after characters
//!    (`規(guī)定` → `規定`, `公(gong)開(kai)` → `公開`): a parenthesised run of
//!    lower-case pinyin letters (tone marks allowed) directly after a CJK
//!    character. Real parentheses (`(单位:万元)`, `(2022)`, `(以下简称《条例》)`)
//!    never match.
//! 3. Traditional → simplified Chinese with the `fast2s` crate (a character map
//!    with context rules; one character in, one character out).
//! 4. Quotes unified: `“ ” „ ‟ 〝 〞 ＂` → `"`, `‘ ’ ‚ ‛` → `'`.
//! 5. Item markers at the start unified: `1.` `1、` `１．` `(1)` `1)` → `1.`;
//!    `（一）` `(一)` → `(一)`; `一、` `一.` `一，` → `一、`. The parenthesised and the
//!    `、` forms of Chinese numerals stay distinct: reports use them for different
//!    levels (`一、本年新收…` vs `（一）予以公开`).
//! 6. Whitespace: removed next to CJK characters and CJK punctuation (line breaks
//!    inside cells, `2022 年`), other runs collapsed to one space, ends trimmed.
//!
//! [`label_key`] goes further for table labels and titles: all whitespace is
//! removed. [`strip_item_marker`] splits a marker from the text after it.

use crate::model::{Content, Section};
use regex::Regex;
use std::borrow::Cow;
use std::sync::OnceLock;
use unicode_normalization::UnicodeNormalization;

/// Upper bound on the characters normalized from one text (longer input is cut
/// there for matching; the original text is untouched).
pub const MAX_NORMALIZE_CHARS: usize = 200_000;

/// Compile a static pattern once; `None` only if the pattern were invalid (it is
/// covered by tests), so callers degrade to "no match" instead of panicking.
pub(crate) fn cached_regex(
    cell: &'static OnceLock<Option<Regex>>,
    pattern: &str,
) -> Option<&'static Regex> {
    cell.get_or_init(|| bounded_regex(pattern)).as_ref()
}

/// [`cached_regex`] for a pattern built at run time: `pattern` is called only
/// the first time (building it on every call cost more than some matches).
pub(crate) fn cached_regex_built(
    cell: &'static OnceLock<Option<Regex>>,
    pattern: impl FnOnce() -> String,
) -> Option<&'static Regex> {
    cell.get_or_init(|| bounded_regex(&pattern())).as_ref()
}

/// Bytes of lazy-DFA transitions a cached expression keeps per thread.
///
/// The lazy DFA adds states as new text comes and keeps them up to this
/// size, then starts over: with `regex`'s default (2 MiB per expression and
/// thread) the caches of the profile's expressions grew with the number of
/// distinct reports (heaptrack, all caches at the peak of a run: 3.0 MB for
/// 1,000 small reports, 3.6 MB for 5,000) and took part in the resident
/// size's growth over long runs. At this size: 3.1 MB for 5,000, and the same
/// instructions on 100 reports (the matches are short: titles, dates,
/// sentences).
///
/// A lazy DFA whose first states do not fit is not built, and `regex` then
/// matches with a slower engine, silently: each of the crate's expressions
/// starts with at most 41 KB (its reverse DFA; checked with
/// `regex-automata`'s builder for all of them when this bound was set).
const REGEX_CACHE_BYTES: usize = 256 << 10;

/// `pattern` compiled with the cache bound of [`REGEX_CACHE_BYTES`]: every
/// expression of the crate is built here (`None` if the pattern is invalid).
pub(crate) fn bounded_regex(pattern: &str) -> Option<Regex> {
    regex::RegexBuilder::new(pattern)
        .dfa_size_limit(REGEX_CACHE_BYTES)
        .build()
        .ok()
}

fn pinyin_re() -> Option<&'static Regex> {
    static RE: OnceLock<Option<Regex>> = OnceLock::new();
    // A CJK ideograph followed by "(pinyin)". Letters: ASCII lower case plus the
    // tone-marked vowels, ü, and the IPA-looking ɑ/ɡ some fonts substitute.
    cached_regex(
        &RE,
        r"(\p{Han})\(([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿɑɡ]{1,8})\)",
    )
}

/// Characters `fast2s` may change (only 3-byte UTF-8 characters, U+0800–U+FFFF,
/// are ever converted), as a bitset over the BMP: built once by converting every
/// such character in isolation, plus the characters its context rules look at.
fn traditional_set() -> &'static [u64] {
    static SET: OnceLock<Vec<u64>> = OnceLock::new();
    SET.get_or_init(|| {
        let mut bits = vec![0u64; 0x10000 / 64];
        let chars: Vec<char> = (0x800u32..=0xFFFF).filter_map(char::from_u32).collect();
        let mut all = String::with_capacity(chars.len() * 4);
        for &c in &chars {
            all.push(c);
            all.push(' ');
        }
        let converted = fast2s::convert(&all);
        for (a, b) in all.chars().zip(converted.chars()) {
            if a != b {
                bits[a as usize / 64] |= 1 << (a as usize % 64);
            }
        }
        // Context-dependent conversions and exclusions (fast2s `special.rs`).
        for c in "藉著苧闔鍾讎畫兒覆夥瞭麽幺於乾".chars() {
            bits[c as usize / 64] |= 1 << (c as usize % 64);
        }
        bits
    })
}

/// Whether `fast2s` could change `c` (a traditional character or one of its
/// context rules).
pub fn maybe_traditional(c: char) -> bool {
    let u = c as usize;
    (0x800..=0xFFFF).contains(&u)
        && traditional_set()
            .get(u / 64)
            .is_some_and(|w| w & (1 << (u % 64)) != 0)
}

/// Unicode NFKC, pinyin removal and traditional → simplified only (steps 1–3):
/// the form used to find agency names, where character positions must match a
/// lightly normalized copy of the original. One character of the output per
/// character of [`light_normalize`]'s output.
pub fn to_simplified(s: &str) -> String {
    simplified_cow(s).into_owned()
}

/// Traditional → simplified, borrowing when no character could change.
fn simplified_cow(s: &str) -> Cow<'_, str> {
    if s.is_ascii() || !s.chars().any(maybe_traditional) {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(fast2s::convert(s))
    }
}

/// Steps 1, 2, 4 and 6 of [`normalize_text`] without the traditional →
/// simplified conversion and with all whitespace removed: the original characters
/// (traditional ones kept), in a form whose character positions match
/// `to_simplified(light_normalize(s))`.
pub fn light_normalize(s: &str) -> String {
    let mut flags = Flags::default();
    let q = nfkc_quotes(bounded(s), &mut flags);
    if !(flags.paren && may_have_pinyin(&q)) {
        return if flags.whitespace {
            q.chars().filter(|c| !c.is_whitespace()).collect()
        } else {
            q.into_owned()
        };
    }
    let nfkc = nfkc_bounded(s);
    let no_pinyin = strip_pinyin_cow(&nfkc);
    let quoted = unify_quotes_cow(&no_pinyin);
    quoted.chars().filter(|c| !c.is_whitespace()).collect()
}

/// `s` cut to [`MAX_NORMALIZE_CHARS`] characters.
fn bounded(s: &str) -> &str {
    // A char is at least one byte: only long texts need counting.
    if s.len() > MAX_NORMALIZE_CHARS {
        match s.char_indices().nth(MAX_NORMALIZE_CHARS) {
            Some((cut, _)) => &s[..cut],
            None => s,
        }
    } else {
        s
    }
}

fn nfkc_bounded(s: &str) -> Cow<'_, str> {
    let s = bounded(s);
    match s.char_indices().find(|&(_, c)| !nfkc_stable(c)) {
        None => Cow::Borrowed(s),
        // The stable char before the first unstable one may compose with it.
        Some((first, _)) => {
            let back = s[..first].chars().next_back().map_or(0, char::len_utf8);
            Cow::Owned(nfkc_from(s, first - back))
        }
    }
}

/// Characters that NFKC leaves unchanged whatever surrounds them (starters
/// without decompositions that never compose with a neighbour): ASCII, CJK
/// ideographs and the common CJK punctuation.
fn nfkc_stable(c: char) -> bool {
    c.is_ascii()
        || is_plain_ideograph(c)
        || matches!(
            c,
            '。' | '、'
                | '《'
                | '》'
                | '“'
                | '”'
                | '‘'
                | '’'
                | '「'
                | '」'
                | '『'
                | '』'
                | '【'
                | '】'
                | '〔'
                | '〕'
                | '〈'
                | '〉'
                | '—'
                | '·'
                | '×'
                | '√'
                | '●'
                | '○'
                | '■'
                | '□'
                | '★'
                | '☆'
                | '▲'
                | '△'
        )
}

/// CJK unified ideographs (and extension A): starters without decompositions
/// that compose with nothing, so NFKC leaves them and splits around them.
fn is_plain_ideograph(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF)
}

/// The ASCII (or space) character that NFKC makes of a full-width form or the
/// ideographic space; these have no context of their own.
fn fullwidth_to_ascii(c: char) -> Option<char> {
    match c as u32 {
        0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFEE0),
        0x3000 => Some(' '),
        _ => None,
    }
}

/// NFKC in one pass: stable characters ([`nfkc_stable`]) are copied, full-width
/// forms followed by a stable character are mapped directly, and every other run
/// goes through the full algorithm together with the stable character before it
/// (a starter that a combining mark may compose with).
#[cfg(test)]
fn nfkc(s: &str) -> String {
    nfkc_from(s, 0)
}

/// NFKC of `s`, where `s[..known_stable]` is already known to be made of stable characters.
fn nfkc_from(s: &str, known_stable: usize) -> String {
    let known_stable = if s.is_char_boundary(known_stable) {
        known_stable
    } else {
        0
    };
    let mut out = String::with_capacity(s.len());
    out.push_str(&s[..known_stable]);
    let rest = &s[known_stable..];
    let mut it = rest.char_indices().peekable();
    // Start of the pending run that needs the full algorithm (byte offset in rest).
    let mut pending: Option<usize> = None;
    // Whether the last char pushed was copied directly (and may start a run).
    let mut last_copied: Option<(usize, char)> = None;
    while let Some((i, c)) = it.next() {
        if nfkc_stable(c) {
            if let Some(p) = pending.take() {
                out.extend(rest[p..i].nfkc());
            }
            out.push(c);
            last_copied = Some((i, c));
            continue;
        }
        if pending.is_some() {
            continue;
        }
        if let Some(a) = fullwidth_to_ascii(c) {
            if it.peek().is_none_or(|&(_, n)| nfkc_stable(n)) {
                out.push(a);
                last_copied = None;
                continue;
            }
        }
        // Start a run here, taking back the starter copied just before.
        match last_copied.take() {
            Some((j, prev)) if j + prev.len_utf8() == i => {
                out.truncate(out.len() - prev.len_utf8());
                pending = Some(j);
            }
            _ => pending = Some(i),
        }
    }
    if let Some(p) = pending {
        out.extend(rest[p..].nfkc());
    }
    out
}

/// Letters of a pinyin annotation (ASCII lower case, tone-marked vowels, ü, ɑ, ɡ).
fn is_pinyin_letter(c: char) -> bool {
    c.is_ascii_lowercase() || "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿɑɡ".contains(c)
}

/// Whether a text may hold a pinyin annotation: `(` followed by a pinyin letter.
fn may_have_pinyin(s: &str) -> bool {
    s.match_indices('(')
        .any(|(i, _)| s[i + 1..].chars().next().is_some_and(is_pinyin_letter))
}

/// Remove pinyin annotations inserted after CJK characters (`規(guī)定` → `規定`),
/// and tone-marked pinyin in parentheses anywhere.
/// Expects NFKC text (ASCII parentheses).
pub fn strip_pinyin(s: &str) -> String {
    strip_pinyin_cow(s).into_owned()
}

fn strip_pinyin_cow(s: &str) -> Cow<'_, str> {
    if !may_have_pinyin(s) {
        return Cow::Borrowed(s);
    }
    // Repeated matches are handled by replace_all; a second pass catches
    // annotations that were adjacent to a removed one's closing parenthesis.
    let Some(re) = pinyin_re() else {
        return Cow::Borrowed(s);
    };
    let once = re.replace_all(s, "$1");
    let twice = re.replace_all(&once, "$1");
    // Tone-marked pinyin is never real text: drop it after any character (mirror
    // copies also garble the character before it, `⒐I(yè)`).
    static TONED: OnceLock<Option<Regex>> = OnceLock::new();
    match cached_regex(
        &TONED,
        r"\([a-z]{0,6}[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ][a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿɑɡ]{0,6}\)",
    ) {
        Some(toned) => Cow::Owned(toned.replace_all(&twice, "").into_owned()),
        None => Cow::Owned(twice.into_owned()),
    }
}

/// Unify double and single quotes.
pub fn unify_quotes(s: &str) -> String {
    unify_quotes_cow(s).into_owned()
}

fn is_quote_like(c: char) -> bool {
    matches!(
        c,
        '“' | '”'
            | '„'
            | '‟'
            | '〝'
            | '〞'
            | '＂'
            | '″'
            | '‘'
            | '’'
            | '‚'
            | '‛'
            | '＇'
            | '′'
            | '−'
            | '－'
    )
}

/// The unified form of a quote or minus sign; other characters unchanged.
fn quote_map(c: char) -> char {
    match c {
        '“' | '”' | '„' | '‟' | '〝' | '〞' | '＂' | '″' => '"',
        '‘' | '’' | '‚' | '‛' | '＇' | '′' => '\'',
        '−' | '－' => '-',
        other => other,
    }
}

fn unify_quotes_cow(s: &str) -> Cow<'_, str> {
    if s.is_ascii() || !s.chars().any(is_quote_like) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(s.chars().map(quote_map).collect())
}

/// True for CJK ideographs and CJK/full-width punctuation, next to which
/// whitespace carries no meaning.
fn is_cjkish(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x2FFF | 0x3000..=0x303F | 0x3040..=0x30FF | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFFEF
        | 0x20000..=0x2FFFF)
        || matches!(
            c,
            '(' | ')' | ',' | ':' | ';' | '"' | '《' | '》' | '、' | '。'
        )
}

fn fold_whitespace(s: &str) -> Cow<'_, str> {
    if !s.chars().any(char::is_whitespace) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut before: Option<char> = None;
    let mut in_space = false;
    for c in s.chars() {
        if c.is_whitespace() {
            in_space = true;
            continue;
        }
        if in_space {
            if let Some(b) = before {
                if !is_cjkish(b) && !is_cjkish(c) {
                    out.push(' ');
                }
            }
            in_space = false;
        }
        out.push(c);
        before = Some(c);
    }
    Cow::Owned(out)
}

/// Kind of an item marker at the start of a label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Marker {
    /// `1.` `1、` `(1)` `1)`: an Arabic sub-item number.
    Arabic(u32),
    /// `(一)`: a parenthesised Chinese numeral.
    ParenChinese(u32),
    /// `一、`: a Chinese numeral with an enumeration comma or full stop.
    Chinese(u32),
}

/// Value of a Chinese numeral from 一 to 九十九 (enough for item markers):
/// `一`…`九`, `十`, `十五`, `五十`, `五十五`; anything else is `None`.
pub fn chinese_numeral(s: &str) -> Option<u32> {
    let n = s.chars().count();
    if n == 0 || n > 3 || !s.chars().all(is_cn_digit) || s.matches('十').count() > 1 {
        return None;
    }
    chinese_number(s).and_then(|v| u32::try_from(v).ok())
}

/// Value of a Chinese numeral written with 零/〇, 一…九, 两, 十, 百, 千 and 万
/// (`五十五`, `一百零三`, `两`, `三万二千`); `None` when it is not one
/// (`一二`, an empty string, another character).
pub fn chinese_number(s: &str) -> Option<u64> {
    let digit = |c: char| -> Option<u64> {
        Some(match c {
            '零' | '〇' => 0,
            '一' => 1,
            '二' | '两' => 2,
            '三' => 3,
            '四' => 4,
            '五' => 5,
            '六' => 6,
            '七' => 7,
            '八' => 8,
            '九' => 9,
            _ => return None,
        })
    };
    if s.is_empty() {
        return None;
    }
    let (mut total, mut section, mut pending): (u64, u64, Option<u64>) = (0, 0, None);
    for c in s.chars() {
        match c {
            '十' | '百' | '千' => {
                let mult = match c {
                    '十' => 10,
                    '百' => 100,
                    _ => 1000,
                };
                // `十五` = 15: a bare 十 counts one ten.
                section += pending.take().unwrap_or(1) * mult;
            }
            '万' => {
                total = (total + section + pending.take().unwrap_or(0)).checked_mul(10_000)?;
                section = 0;
            }
            c => {
                let d = digit(c)?;
                if d == 0 {
                    continue;
                }
                if pending.is_some() {
                    // `一二` is not a number.
                    return None;
                }
                pending = Some(d);
            }
        }
    }
    Some(total + section + pending.unwrap_or(0))
}

fn is_cn_digit(c: char) -> bool {
    "一二三四五六七八九十".contains(c)
}

/// Split a leading item marker off NFKC-normalized text. Returns the marker and
/// the rest (leading whitespace after the marker removed). `1.5万元` and
/// `(2022)` are not markers.
pub fn strip_item_marker(s: &str) -> (Option<Marker>, &str) {
    let t = s.trim_start();
    let chars: Vec<(usize, char)> = t.char_indices().take(8).collect();
    let at = |i: usize| chars.get(i).map(|&(_, c)| c);
    let rest_from = |i: usize| -> &str {
        match chars.get(i) {
            Some(&(pos, _)) => t[pos..].trim_start(),
            None => "",
        }
    };
    // (1) / (一) / 1) forms.
    if at(0) == Some('(') {
        let mut j = 1;
        while at(j).is_some_and(|c| c.is_ascii_digit() || is_cn_digit(c)) && j < 4 {
            j += 1;
        }
        if j > 1 && at(j) == Some(')') {
            let inner: String = chars[1..j].iter().map(|&(_, c)| c).collect();
            if let Ok(n) = inner.parse::<u32>() {
                if n < 100 {
                    return (Some(Marker::Arabic(n)), rest_from(j + 1));
                }
            } else if let Some(n) = chinese_numeral(&inner) {
                return (Some(Marker::ParenChinese(n)), rest_from(j + 1));
            }
        }
        return (None, t);
    }
    // 1. / 1、 / 1) / 一、 / 一.
    let mut j = 0;
    while at(j).is_some_and(|c| c.is_ascii_digit()) && j < 3 {
        j += 1;
    }
    if j > 0 {
        let sep = at(j);
        let next = at(j + 1);
        let ok = match sep {
            Some('.') => !next.is_some_and(|c| c.is_ascii_digit()),
            Some('、') | Some(')') => true,
            _ => false,
        };
        if ok {
            let inner: String = chars[..j].iter().map(|&(_, c)| c).collect();
            if let Ok(n) = inner.parse::<u32>() {
                return (Some(Marker::Arabic(n)), rest_from(j + 1));
            }
        }
        return (None, t);
    }
    let mut j = 0;
    while at(j).is_some_and(is_cn_digit) && j < 3 {
        j += 1;
    }
    if j > 0 && matches!(at(j), Some('、') | Some('.') | Some(',')) {
        let inner: String = chars[..j].iter().map(|&(_, c)| c).collect();
        if let Some(n) = chinese_numeral(&inner) {
            return (Some(Marker::Chinese(n)), rest_from(j + 1));
        }
    }
    (None, t)
}

fn to_chinese_numeral(n: u32) -> String {
    const D: [&str; 10] = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        1..=9 => D[n as usize].to_string(),
        10 => "十".to_string(),
        11..=19 => format!("十{}", D[(n % 10) as usize]),
        20..=99 => format!("{}十{}", D[(n / 10) as usize], D[(n % 10) as usize]),
        _ => n.to_string(),
    }
}

fn unify_marker(s: &str) -> Cow<'_, str> {
    let first = s.trim_start().chars().next();
    // Markers start with a digit, `(` or a Chinese numeral.
    if !first.is_some_and(|c| c.is_ascii_digit() || c == '(' || is_cn_digit(c)) {
        return Cow::Borrowed(s.trim_start());
    }
    match strip_item_marker(s) {
        (Some(Marker::Arabic(n)), rest) => Cow::Owned(format!("{n}.{rest}")),
        (Some(Marker::ParenChinese(n)), rest) => {
            Cow::Owned(format!("({}){rest}", to_chinese_numeral(n)))
        }
        (Some(Marker::Chinese(n)), rest) => {
            Cow::Owned(format!("{}、{rest}", to_chinese_numeral(n)))
        }
        (None, rest) => Cow::Borrowed(rest),
    }
}

/// The normalized form of a text (all six steps in the module docs). Stable
/// signature: the structure builder calls it for every paragraph.
pub fn normalize_text(s: &str) -> String {
    normalize_cow(s).into_owned()
}

/// [`normalize_text`], borrowing the input when nothing changes (the common case
/// for short labels of simplified text).
pub fn normalize_cow(s: &str) -> Cow<'_, str> {
    let s = bounded(s).trim();
    // One pass for NFKC and quotes; the rarer pinyin and traditional text take
    // the step-by-step path (t2s looks at neighbours, before whitespace goes).
    let mut flags = Flags::default();
    let out = nfkc_quotes(s, &mut flags);
    if flags.traditional || (flags.paren && may_have_pinyin(&out)) {
        return Cow::Owned(normalize_steps(s));
    }
    if !flags.whitespace {
        return match out {
            Cow::Borrowed(b) => unify_marker(b),
            Cow::Owned(o) => Cow::Owned(unify_marker(&o).into_owned()),
        };
    }
    let folded = fold_whitespace(out.trim());
    Cow::Owned(unify_marker(&folded).into_owned())
}

/// What [`nfkc_quotes`] saw in its output.
#[derive(Default)]
struct Flags {
    /// A character `fast2s` may change.
    traditional: bool,
    /// An ASCII `(` (a pinyin annotation may follow).
    paren: bool,
    /// A whitespace character.
    whitespace: bool,
}

impl Flags {
    fn see(&mut self, c: char) {
        if c == '(' {
            self.paren = true;
        } else if c.is_whitespace() {
            self.whitespace = true;
        } else if maybe_traditional(c) {
            self.traditional = true;
        }
    }
}

/// NFKC followed by [`quote_map`], in one pass that copies unchanged runs and
/// borrows when nothing changes; notes what the output holds in `flags`.
fn nfkc_quotes<'a>(s: &'a str, flags: &mut Flags) -> Cow<'a, str> {
    let bytes = s.as_bytes();
    let mut out = String::new();
    // Start of the run of input copied verbatim.
    let mut run = 0;
    // Start of the previous character, when it was copied verbatim.
    let mut prev_at: Option<usize> = None;
    let trad = traditional_set();
    let mut i = 0;
    while let Some(&x) = bytes.get(i) {
        if x < 0x80 {
            if x == b'(' {
                flags.paren = true;
            } else if x.is_ascii_whitespace() {
                flags.whitespace = true;
            }
            prev_at = Some(i);
            i += 1;
            continue;
        }
        // CJK ideographs (U+3400–U+9FFF) are three bytes led by E3–E9.
        if (0xE3..=0xE9).contains(&x) {
            if let (Some(&y), Some(&z)) = (bytes.get(i + 1), bytes.get(i + 2)) {
                let u =
                    ((x as usize & 0x0F) << 12) | ((y as usize & 0x3F) << 6) | (z as usize & 0x3F);
                if matches!(u, 0x3400..=0x4DBF | 0x4E00..=0x9FFF) {
                    if trad.get(u / 64).is_some_and(|w| w & (1 << (u % 64)) != 0) {
                        flags.traditional = true;
                    }
                    prev_at = Some(i);
                    i += 3;
                    continue;
                }
            }
        }
        let Some(c) = s.get(i..).and_then(|r| r.chars().next()) else {
            break;
        };
        let len = c.len_utf8();
        let this_prev = prev_at.replace(i);
        if nfkc_stable(c) && !is_quote_like(c) {
            flags.see(c);
            i += len;
            continue;
        }
        if out.capacity() == 0 {
            out.reserve(s.len());
        }
        let next_stable = s[i + len..].chars().next().is_none_or(nfkc_stable);
        let direct = if nfkc_stable(c) {
            Some(quote_map(c))
        } else if next_stable {
            fullwidth_to_ascii(c).map(quote_map)
        } else {
            None
        };
        if let Some(m) = direct {
            out.push_str(&s[run..i]);
            out.push(m);
            flags.see(m);
            run = i + len;
            i += len;
            continue;
        }
        // The full algorithm over this run of unstable characters, with the
        // copied character before it (a starter a combining mark may join).
        let start = match this_prev {
            Some(p) if p >= run => p,
            _ => i,
        };
        let mut end = i + len;
        while let Some(n) = s[end..].chars().next() {
            if nfkc_stable(n) {
                break;
            }
            end += n.len_utf8();
        }
        out.push_str(&s[run..start]);
        for m in s[start..end].nfkc().map(quote_map) {
            flags.see(m);
            out.push(m);
        }
        run = end;
        prev_at = None;
        i = end;
    }
    if out.capacity() == 0 {
        return Cow::Borrowed(s);
    }
    out.push_str(&s[run..]);
    Cow::Owned(out)
}

/// Steps 1–6 one after the other (the general path of [`normalize_cow`]).
fn normalize_steps(s: &str) -> String {
    let nfkc = nfkc_bounded(s);
    let no_pinyin = strip_pinyin_cow(&nfkc);
    let simplified = simplified_cow(&no_pinyin);
    let quoted = unify_quotes_cow(&simplified);
    let folded = fold_whitespace(quoted.trim());
    unify_marker(&folded).into_owned()
}

/// The matching key of a table label or title: [`normalize_text`] with every
/// whitespace character removed (`商业 企业` → `商业企业`).
pub fn label_key(s: &str) -> String {
    // Plain digits (most table cells) are their own key.
    if s.bytes().all(|b| b.is_ascii_digit()) {
        return s.to_string();
    }
    let n = normalize_cow(s);
    if !n.chars().any(char::is_whitespace) {
        return n.into_owned();
    }
    let no_ws: String = n.chars().filter(|c| !c.is_whitespace()).collect();
    // Re-unify: removing spaces can expose a marker (`1 .` is rare; cheap anyway).
    unify_marker(&no_ws).into_owned()
}

/// [`label_key`] without a leading item marker: the text that identifies a row.
pub fn label_text(s: &str) -> String {
    let k = label_key(s);
    strip_item_marker(&k).1.to_string()
}

/// Set `normalized` on every paragraph of the section tree whose normalized form
/// differs from its text. Bounded by the tree (no recursion past 64 levels).
pub fn fill_normalized(sections: &mut [Section]) {
    fn walk(sections: &mut [Section], depth: usize) {
        if depth > 64 {
            return;
        }
        for s in sections {
            for c in &mut s.content {
                if let Content::Paragraph(p) = c {
                    let n = normalize_cow(&p.text);
                    p.normalized = if n != p.text.as_str() {
                        Some(n.into_owned())
                    } else {
                        None
                    };
                }
            }
            walk(&mut s.sections, depth + 1);
        }
    }
    walk(sections, 0);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_numbers_and_item_marker_numerals() {
        for (s, v) in [
            ("五", 5),
            ("十", 10),
            ("十五", 15),
            ("五十", 50),
            ("五十五", 55),
            ("两", 2),
            ("一百零三", 103),
            ("三万二千", 32_000),
        ] {
            assert_eq!(chinese_number(s), Some(v), "{s}");
        }
        for s in ["", "一二", "五a"] {
            assert_eq!(chinese_number(s), None, "{s}");
        }
        // Item markers: 一 to 九十九 only, in their usual forms.
        for n in 1..100 {
            assert_eq!(chinese_numeral(&to_chinese_numeral(n)), Some(n), "{n}");
        }
        for s in ["", "两", "零", "十十", "一百", "一二"] {
            assert_eq!(chinese_numeral(s), None, "{s}");
        }
    }

    #[test]
    fn pinyin_removed_real_parentheses_kept() {
        assert_eq!(normalize_text("規(guī)定"), "规定");
        assert_eq!(normalize_text("公(gong)開(kai)"), "公开");
        assert_eq!(normalize_text("據(jù)"), "据");
        assert_eq!(
            normalize_text("本年收费金额（单位：万元）"),
            "本年收费金额(单位:万元)"
        );
        assert_eq!(normalize_text("统计(2022)年"), "统计(2022)年");
        assert_eq!(
            normalize_text("《条例》(以下简称《条例》)"),
            "《条例》(以下简称《条例》)"
        );
        // Upper-case abbreviations after a character are not pinyin.
        assert_eq!(normalize_text("系统(OA)"), "系统(OA)");
    }

    #[test]
    fn nfkc_quotes_and_whitespace() {
        assert_eq!(
            normalize_text("３.危及“三安全一稳定”"),
            "3.危及\"三安全一稳定\""
        );
        assert_eq!(
            normalize_text("3.危及\"三安全一稳定\""),
            "3.危及\"三安全一稳定\""
        );
        assert_eq!(normalize_text("宿迁市 2025 年"), "宿迁市2025年");
        assert_eq!(normalize_text("商业\n企业"), "商业企业");
        assert_eq!(normalize_text("Open Office  text"), "Open Office text");
        assert_eq!(label_key("本年新 制作数量"), "本年新制作数量");
    }

    #[test]
    fn item_markers_unified() {
        for s in [
            "1.属于国家秘密",
            "1、属于国家秘密",
            "１．属于国家秘密",
            "(1)属于国家秘密",
            "（1）属于国家秘密",
        ] {
            assert_eq!(label_key(s), "1.属于国家秘密", "{s}");
        }
        assert_eq!(label_key("（一）予以公开"), "(一)予以公开");
        assert_eq!(label_key("(一)予以公开"), "(一)予以公开");
        assert_eq!(label_key("一、本年新收"), "一、本年新收");
        assert_eq!(label_key("一.本年新收"), "一、本年新收");
        assert_eq!(label_key("（七）总计"), "(七)总计");
        assert_eq!(label_text("（七）总计"), "总计");
        assert_eq!(label_key("1.5万元"), "1.5万元");
        assert_eq!(label_key("(2022)年"), "(2022)年");
        assert_eq!(strip_item_marker("十二、其他").0, Some(Marker::Chinese(12)));
    }

    #[test]
    fn fast_nfkc_equals_nfkc() {
        for t in [
            "本年收费金额（单位：万元）１２３ａｂｃ",
            "e\u{301}中文\u{301}ｅ\u{301}",
            "㈠予以公开⑴２０２２年　“三安全一稳定”",
            "plain ascii",
            "",
            "（１）ｅ\u{301}，Ａ\u{300}ａ",
            "e\u{301}，abc\u{301}\u{302}（a）\u{1100}\u{1161}\u{11A8}　Ｘ",
            "ｅ\u{301}\u{301}中\u{1100}\u{1161}",
            "…，。“”（）：；",
        ] {
            let want: String = t.nfkc().collect();
            assert_eq!(nfkc(t), want, "{t:?}");
            assert_eq!(nfkc_bounded(t), want, "{t:?}");
        }
    }

    #[test]
    fn stable_chars_are_nfkc_stable() {
        for c in (0u32..0x10000)
            .filter_map(char::from_u32)
            .filter(|&c| nfkc_stable(c))
        {
            let one: String = c.nfkc().collect();
            assert_eq!(one, c.to_string(), "{c:?}");
        }
    }

    #[test]
    fn traditional_fast_path_agrees_with_fast2s() {
        for t in [
            "開平市科工商務局",
            "开平市科工商务局2022年",
            "乾隆",
            "藉口",
            "計畫",
            "plain ascii",
            "“三安全一稳定”",
        ] {
            assert_eq!(simplified_cow(t), fast2s::convert(t), "{t}");
        }
        assert!(maybe_traditional('開') && !maybe_traditional('开'));
        // Unchanged text is borrowed, not copied.
        assert!(matches!(
            normalize_cow("予以公开"),
            Cow::Borrowed("予以公开")
        ));
        assert!(matches!(
            normalize_cow("  本年新收 "),
            Cow::Borrowed("本年新收")
        ));
        assert_eq!(normalize_cow("（一）予以公开"), "(一)予以公开");
        for t in [
            "（１）ｅ\u{301}，Ａ\u{300}ａ “三安全一稳定” ‘x’ －3 −4",
            "e\u{301}，abc\u{301}\u{302}（a）\u{1100}\u{1161}\u{11A8}　Ｘ",
            "ｅ\u{301}\u{301}中\u{1100}\u{1161} 開平(kai) 公(gōng)开",
            "  1、 属于　国家秘密\u{a0}",
            "Open Office  text ２０２２ 年",
            "…，。“”（）：；",
        ] {
            assert_eq!(normalize_cow(t), normalize_steps(t), "{t:?}");
        }
    }

    #[test]
    fn traditional_to_simplified() {
        assert_eq!(normalize_text("開平市科工商務局"), "开平市科工商务局");
        assert_eq!(
            label_key("二、上年結轉政府信息公開申請數量"),
            "二、上年结转政府信息公开申请数量"
        );
        // Positions align between the light form and its simplified form.
        let light = light_normalize("開平市科(kē)工商務(wù)局 2022年");
        assert_eq!(light, "開平市科工商務局2022年");
        assert_eq!(to_simplified(&light).chars().count(), light.chars().count());
    }

    #[test]
    fn seed_text_normalizes_clean() {
        let seed = include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../shared/seed/000_aefcde8288a9dad5.txt"
        ));
        let n = normalize_text(seed);
        assert!(n.contains("开平市科工商务局"), "{n}");
        assert!(n.contains("现向社会公布开平市科工商务局2022年信息公开工作年度报告"));
        let pinyin_left = Regex::new(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\)").unwrap();
        let ctx = pinyin_left
            .find(&n)
            .map(|m| n[m.start()..m.end()].to_string());
        assert!(ctx.is_none(), "{ctx:?}");
        assert!(!n.contains("報") && !n.contains("開"));
        assert!(n.contains("(以下简称《条例》)"));
    }
}
