//! Text similarity between an agency's reports of consecutive years (issue 5),
//! so a reader can spot a report that copies last year's text with the numbers
//! changed.
//!
//! For each of the six standard sections (template.md §2) and for the whole
//! document, two figures compare this year's text with last year's:
//!
//! - **sentence reuse**: the share of this year's distinct sentences that also
//!   occur in last year's text of the same section;
//! - **n-gram reuse**: the share of this year's distinct character 5-grams that
//!   also occur in last year's text of the same section.
//!
//! Text is compared after NFKC, with whitespace removed and every run of digits
//! replaced by `#`, so a copy with new numbers still counts as a copy.
//! Sentences end at `。！？；!?;` and line breaks; sentences shorter than
//! [`MIN_SENTENCE_CHARS`] characters are ignored. Only paragraphs count, not
//! table cells.
//!
//! Which document section is which standard section comes from the report's
//! `sections` mapping; without it, from keywords in the section titles
//! (总体 / 主动公开 / 申请 / 复议|诉讼 / 问题 / 其他), preferring titles numbered
//! with the matching Chinese numeral and shallower sections.

use serde::Deserialize;
use std::collections::HashSet;
use std::hash::{BuildHasherDefault, Hasher};
use unicode_normalization::UnicodeNormalization;

/// Sentences shorter than this (in characters, after normalization) are not
/// compared: headings and fragments like `（一）主动公开` would inflate reuse.
pub const MIN_SENTENCE_CHARS: usize = 6;
/// Length of the character n-grams.
pub const NGRAM: usize = 5;
/// Characters of text kept per section (bounds work on huge documents).
pub const MAX_SECTION_CHARS: usize = 200_000;

/// The per-report JSON, reduced to the section tree's paragraph text.
#[derive(Debug, Default, Deserialize)]
pub struct DocLite {
    /// Section tree.
    #[serde(default)]
    pub sections: Vec<SectionLite>,
}

/// A section with its paragraphs.
#[derive(Debug, Default, Deserialize)]
pub struct SectionLite {
    /// Heading as displayed.
    #[serde(default)]
    pub title: String,
    /// Paragraphs and tables.
    #[serde(default)]
    pub content: Vec<ContentLite>,
    /// Child sections.
    #[serde(default)]
    pub sections: Vec<SectionLite>,
}

/// A content item; only paragraphs have a top-level `text`.
#[derive(Debug, Default, Deserialize)]
pub struct ContentLite {
    /// `paragraph` or `table`.
    #[serde(rename = "type", default)]
    pub kind: String,
    /// Paragraph text.
    #[serde(default)]
    pub text: Option<String>,
}

/// Keywords that identify standard sections 1–6 in titles.
const KEYWORDS: [&[&str]; 6] = [
    &["总体"],
    &["主动公开"],
    &["申请"],
    &["复议", "诉讼"],
    &["问题"],
    &["其他"],
];
const NUMERALS: [char; 6] = ['一', '二', '三', '四', '五', '六'];

/// Hasher for values that are hashes already (FNV-1a of the text): the value
/// itself, mixed once.
#[derive(Debug, Default, Clone, Copy)]
pub struct PreHashed(u64);

impl Hasher for PreHashed {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    fn write_u64(&mut self, v: u64) {
        self.0 = v.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
}

/// A set of text hashes.
pub type HashSet64 = HashSet<u64, BuildHasherDefault<PreHashed>>;

/// Fingerprint of one text: its sentences and n-grams as hashes.
#[derive(Debug, Default, Clone)]
pub struct Fingerprint {
    /// Distinct sentence hashes.
    pub sentences: HashSet64,
    /// Distinct n-gram hashes.
    pub ngrams: HashSet64,
    /// Characters after normalization.
    pub chars: usize,
}

/// Fingerprints of a document: index 0 is the whole document, 1–6 the standard
/// sections (None when the section was not found).
pub type DocFingerprint = [Option<Fingerprint>; 7];

/// Figures of one section comparison.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Reuse {
    /// Distinct sentences this year.
    pub sentences: usize,
    /// Of which also last year.
    pub sentences_reused: usize,
    /// `sentences_reused / sentences` (None without sentences).
    pub sentence_reuse: Option<f64>,
    /// Share of this year's n-grams found last year (None without n-grams).
    pub ngram_reuse: Option<f64>,
    /// Characters this year.
    pub chars: usize,
    /// Characters last year.
    pub prev_chars: usize,
}

fn fnv1a(chars: &[char]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for c in chars {
        for b in (*c as u32).to_le_bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    h
}

/// Normalize text for comparison: NFKC, whitespace dropped, digit runs → `#`.
/// Sentence breaks are kept as `\n`.
fn normalize_text(text: &str) -> Vec<char> {
    let mut out = Vec::with_capacity(text.len() / 3);
    let mut in_digits = false;
    // CJK ideographs and ASCII are NFKC-stable: only other characters go
    // through NFKC (one by one; combining sequences do not occur in these
    // reports and would only shift a similarity figure).
    let chars = text.chars().flat_map(|c| {
        let stable = c.is_ascii() || ('\u{4e00}'..='\u{9fff}').contains(&c);
        let mut buf = [c, '\0', '\0', '\0'];
        let mut n = 1;
        if !stable {
            n = 0;
            for d in std::iter::once(c).nfkc() {
                if n < buf.len() {
                    buf[n] = d;
                    n += 1;
                }
            }
        }
        buf.into_iter().take(n)
    });
    for c in chars {
        if out.len() >= MAX_SECTION_CHARS {
            break;
        }
        // NFKC has already turned full-width and circled digits into ASCII.
        if c.is_ascii_digit() {
            if !in_digits {
                out.push('#');
            }
            in_digits = true;
            continue;
        }
        if matches!(c, '.' | ',') && in_digits {
            continue; // 1,234.5
        }
        in_digits = false;
        if matches!(c, '。' | '！' | '？' | '；' | '!' | '?' | ';' | '\n') {
            out.push('\n');
        } else if !c.is_whitespace() && !c.is_control() {
            out.push(c);
        }
    }
    out
}

/// Fingerprint a text.
pub fn fingerprint(text: &str) -> Fingerprint {
    let chars = normalize_text(text);
    let mut fp = Fingerprint::default();
    for sentence in chars.split(|c| *c == '\n') {
        fp.chars += sentence.len();
        if sentence.len() >= MIN_SENTENCE_CHARS {
            fp.sentences.insert(fnv1a(sentence));
        }
        // n-grams stay within a sentence.
        if sentence.len() >= NGRAM {
            for w in sentence.windows(NGRAM) {
                fp.ngrams.insert(fnv1a(w));
            }
        }
    }
    fp
}

/// Compare this year's fingerprint with last year's.
pub fn compare(cur: &Fingerprint, prev: &Fingerprint) -> Reuse {
    let reused = cur
        .sentences
        .iter()
        .filter(|s| prev.sentences.contains(s))
        .count();
    let ngrams_reused = cur
        .ngrams
        .iter()
        .filter(|g| prev.ngrams.contains(g))
        .count();
    let ratio = |a: usize, b: usize| (b > 0).then(|| round4(a as f64 / b as f64));
    Reuse {
        sentences: cur.sentences.len(),
        sentences_reused: reused,
        sentence_reuse: ratio(reused, cur.sentences.len()),
        ngram_reuse: ratio(ngrams_reused, cur.ngrams.len()),
        chars: cur.chars,
        prev_chars: prev.chars,
    }
}

fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

fn section_text(s: &SectionLite, out: &mut String) {
    for c in &s.content {
        if c.kind == "paragraph" {
            if let Some(t) = &c.text {
                out.push_str(t);
                out.push('\n');
            }
        }
    }
    for child in &s.sections {
        section_text(child, out);
    }
}

/// Find a section by exact title (pre-order, first match).
fn find_by_title<'a>(sections: &'a [SectionLite], title: &str) -> Option<&'a SectionLite> {
    for s in sections {
        if s.title.trim() == title {
            return Some(s);
        }
        if let Some(f) = find_by_title(&s.sections, title) {
            return Some(f);
        }
    }
    None
}

/// Find standard section `n` (1–6) by keyword: breadth-first, a title numbered
/// with the matching Chinese numeral first, then any title with the keyword.
fn find_by_keyword(sections: &[SectionLite], n: usize) -> Option<&SectionLite> {
    let has_kw = |t: &str| KEYWORDS[n - 1].iter().any(|k| t.contains(k));
    let numbered = |t: &str| {
        let t = t.trim_start();
        let mut it = t.chars();
        it.next() == Some(NUMERALS[n - 1]) && matches!(it.next(), Some('、' | '.' | '．' | ' '))
    };
    let mut level: Vec<&SectionLite> = sections.iter().collect();
    let mut fallback = None;
    // Bounded by the tree depth (serde_json limits nesting).
    while !level.is_empty() {
        for s in &level {
            if !s.title.is_empty() && has_kw(&s.title) {
                if numbered(&s.title) {
                    return Some(s);
                }
                if fallback.is_none() {
                    fallback = Some(*s);
                }
            }
        }
        level = level.iter().flat_map(|s| s.sections.iter()).collect();
    }
    fallback
}

/// Fingerprint a document: whole text and standard sections 1–6.
/// `mapping` is the report's `sections` mapping (standard number, title).
pub fn fingerprint_doc(doc: &DocLite, mapping: &[(u8, String)]) -> DocFingerprint {
    let mut out: DocFingerprint = Default::default();
    let mut all = String::new();
    for s in &doc.sections {
        section_text(s, &mut all);
    }
    out[0] = Some(fingerprint(&all));
    for (n, slot) in out.iter_mut().enumerate().skip(1) {
        let by_map = mapping
            .iter()
            .find(|(std, _)| usize::from(*std) == n)
            .and_then(|(_, title)| find_by_title(&doc.sections, title.trim()));
        let found = if mapping.is_empty() {
            find_by_keyword(&doc.sections, n)
        } else {
            by_map
        };
        if let Some(s) = found {
            let mut text = String::new();
            section_text(s, &mut text);
            *slot = Some(fingerprint(&text));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_with_changed_numbers_is_full_reuse() {
        let a = fingerprint("2021年，本机关共收到申请12件，办结10件。全年主动公开信息300条。");
        let b = fingerprint("2022年，本机关共收到申请15件，办结14件。全年主动公开信息412条。");
        let r = compare(&b, &a);
        assert_eq!(r.sentences, 2);
        assert_eq!(r.sentences_reused, 2);
        assert_eq!(r.sentence_reuse, Some(1.0));
        assert_eq!(r.ngram_reuse, Some(1.0));
    }

    #[test]
    fn rewritten_text_has_low_reuse() {
        let a = fingerprint("本机关高度重视政府信息公开工作。建立健全工作机制。");
        let b = fingerprint("本机关高度重视政府信息公开工作。今年新建了统一的公开平台并上线运行。");
        let r = compare(&b, &a);
        assert_eq!((r.sentences, r.sentences_reused), (2, 1));
        assert_eq!(r.sentence_reuse, Some(0.5));
        // 12 of the 12 + 13 distinct 5-grams of b come from a's first sentence.
        let n = r.ngram_reuse.unwrap();
        assert!(n > 0.4 && n < 0.6, "{n}");
    }

    #[test]
    fn full_width_forms_and_spaces_do_not_matter() {
        let a = fingerprint("２０２１年，本机关　共收到申请１２件；办结１０件并全部答复。");
        let b = fingerprint("2021年,本机关共收到申请7件;办结9件并全部答复。");
        assert_eq!(a.sentences, b.sentences);
        assert_eq!(a.sentences.len(), 2);
        assert_eq!(compare(&a, &b).ngram_reuse, Some(1.0));
    }

    #[test]
    fn short_fragments_are_not_sentences() {
        let f = fingerprint("（一）主动公开\n好。");
        assert_eq!(f.sentences.len(), 1, "（一）主动公开 has 7 chars, 好 has 1");
    }

    fn sec(title: &str, text: &str, children: Vec<SectionLite>) -> SectionLite {
        SectionLite {
            title: title.into(),
            content: vec![ContentLite {
                kind: "paragraph".into(),
                text: Some(text.into()),
            }],
            sections: children,
        }
    }

    #[test]
    fn sections_found_by_mapping_or_keyword() {
        let doc = DocLite {
            sections: vec![
                sec(
                    "一、总体情况",
                    "总体情况的说明文字在这里。",
                    vec![sec("（一）主动公开", "主动公开方面的工作内容。", vec![])],
                ),
                sec("二、主动公开政府信息情况", "主动公开表格前的导语。", vec![]),
                sec(
                    "五、存在的主要问题及改进情况",
                    "问题与改进的文字说明。",
                    vec![],
                ),
            ],
        };
        let fp = fingerprint_doc(&doc, &[]);
        // Section 2 is the numbered top-level one, not 一's sub-heading.
        let s2 = fp[2].as_ref().unwrap();
        assert_eq!(s2.chars, fingerprint("主动公开表格前的导语。").chars);
        assert!(fp[1].as_ref().unwrap().chars > fp[2].as_ref().unwrap().chars);
        assert!(fp[3].is_none() && fp[4].is_none() && fp[6].is_none());
        assert!(fp[5].is_some());

        // With a mapping, the mapped title is used even without keywords.
        let fp = fingerprint_doc(&doc, &[(5, "五、存在的主要问题及改进情况".into())]);
        assert!(fp[5].is_some());
        assert!(fp[1].is_none(), "mapping given: no keyword fallback");
    }
}
