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
//!   also occur in last year's text of the same section (estimated on a fixed
//!   1-in-4 sample of the n-grams, chosen by hash).
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

use rustc_hash::FxBuildHasher;
use serde::Deserialize;
use std::collections::HashSet;
use unicode_normalization::UnicodeNormalization;

/// Sentences shorter than this (in characters, after normalization) are not
/// compared: headings and fragments like `（一）主动公开` would inflate reuse.
pub const MIN_SENTENCE_CHARS: usize = 6;
/// Length of the character n-grams.
pub const NGRAM: usize = 5;
/// n-grams of long texts (more than [`SAMPLE_ABOVE`] of them) are sampled:
/// only those whose hash has these bits clear are kept (1 in 4). When either
/// year is sampled, both are compared on the sample; the sample is chosen by
/// hash, so the reuse share is an unbiased estimate at a quarter of the work.
pub const NGRAM_SAMPLE_MASK: u64 = 0b11;
/// Texts with more n-gram windows than this are sampled.
pub const SAMPLE_ABOVE: usize = 2000;
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

/// A set of text hashes. The hashes are well mixed already, so the table
/// hashes them with rustc's `FxHasher` (one multiplication), sized once.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct HashSet64(HashSet<u64, FxBuildHasher>);

impl HashSet64 {
    /// The set of `hashes` (repeats allowed).
    fn from_unsorted(hashes: Vec<u64>) -> Self {
        let mut set = HashSet::with_capacity_and_hasher(hashes.len(), FxBuildHasher);
        set.extend(hashes);
        HashSet64(set)
    }

    /// Members.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// No members.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Members, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = &u64> {
        self.0.iter()
    }

    /// How many of `members` are in this set.
    fn count_in(&self, members: impl Iterator<Item = u64>) -> usize {
        members.filter(|m| self.0.contains(m)).count()
    }
}

/// Fingerprint of one text: its sentences and n-grams as hashes.
#[derive(Debug, Default, Clone)]
pub struct Fingerprint {
    /// Distinct sentence hashes.
    pub sentences: HashSet64,
    /// Distinct n-gram hashes (only the sampled ones when `sampled`).
    pub ngrams: HashSet64,
    /// True when the n-grams were sampled (long texts).
    pub sampled: bool,
    /// Characters after normalization.
    pub chars: usize,
}

/// Is an n-gram hash in the sample?
fn in_sample(g: u64) -> bool {
    g & NGRAM_SAMPLE_MASK == 0
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

/// Hash of a run of characters: FNV-1a over whole code points, then mixed.
fn fnv1a(chars: &[char]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for c in chars {
        h = (h ^ u64::from(*c as u32)).wrapping_mul(0x0000_0100_0000_01b3);
    }
    mix(h)
}

/// Normalize text for comparison: NFKC, whitespace dropped, digit runs → `#`.
/// Sentence breaks are kept as `\n`.
fn normalize_text(text: &str) -> Vec<char> {
    struct Out {
        chars: Vec<char>,
        in_digits: bool,
    }
    impl Out {
        #[inline]
        fn push(&mut self, c: char) {
            // NFKC has already turned full-width and circled digits into ASCII.
            if c.is_ascii_digit() {
                if !self.in_digits {
                    self.chars.push('#');
                }
                self.in_digits = true;
                return;
            }
            if matches!(c, '.' | ',') && self.in_digits {
                return; // 1,234.5
            }
            self.in_digits = false;
            if matches!(c, '。' | '！' | '？' | '；' | '!' | '?' | ';' | '\n') {
                self.chars.push('\n');
            } else if !c.is_whitespace() && !c.is_control() {
                self.chars.push(c);
            }
        }
    }
    let mut out = Out {
        chars: Vec::with_capacity(text.len() / 3),
        in_digits: false,
    };
    for c in text.chars() {
        if out.chars.len() >= MAX_SECTION_CHARS {
            break;
        }
        // CJK ideographs and ASCII are NFKC-stable: only other characters go
        // through NFKC (one by one; combining sequences do not occur in these
        // reports and would only shift a similarity figure).
        let u = c as u32;
        if (0x4e00..=0x9fff).contains(&u) {
            // An ideograph (most of the text): what `push` would do, directly.
            out.in_digits = false;
            out.chars.push(c);
        } else if c.is_ascii() || (0x3001..=0x3035).contains(&u) || (0x2018..=0x201f).contains(&u) {
            // Stable under NFKC: ideographs, CJK punctuation 、。《》「」…, quotes.
            out.push(c);
        } else if (0xff01..=0xff5e).contains(&u) {
            // Full-width ASCII forms: NFKC maps them to ASCII.
            out.push(char::from_u32(u - 0xfee0).unwrap_or(c));
        } else {
            for d in std::iter::once(c).nfkc().take(4) {
                out.push(d);
            }
        }
    }
    out.chars
}

/// Fingerprint a text.
pub fn fingerprint(text: &str) -> Fingerprint {
    let chars = normalize_text(text);
    let mut fp = Fingerprint::default();
    // Rolling polynomial hash over the window: h = Σ c_i · B^(n-1-i).
    const B: u64 = 0x0000_0100_0000_01b3;
    let b_n = (0..NGRAM).fold(1u64, |acc, _| acc.wrapping_mul(B));
    let windows: usize = chars
        .split(|c| *c == '\n')
        .map(|s| (s.len() + 1).saturating_sub(NGRAM))
        .sum();
    fp.sampled = windows > SAMPLE_ABOVE;
    let mut sentences = Vec::new();
    // Every window's hash is written; the next one overwrites it unless it is
    // kept (no branch on the sample, which a CPU cannot predict).
    let mut ngrams = vec![0u64; windows + 1];
    let mut kept = 0;
    for sentence in chars.split(|c| *c == '\n') {
        fp.chars += sentence.len();
        if sentence.len() >= MIN_SENTENCE_CHARS {
            sentences.push(fnv1a(sentence));
        }
        // n-grams stay within a sentence.
        let mut h: u64 = 0;
        for (i, c) in sentence.iter().enumerate() {
            h = h.wrapping_mul(B).wrapping_add(u64::from(*c as u32));
            if i >= NGRAM {
                let out = u64::from(sentence[i - NGRAM] as u32);
                h = h.wrapping_sub(out.wrapping_mul(b_n));
            }
            if i + 1 >= NGRAM {
                let g = mix(h);
                if let Some(slot) = ngrams.get_mut(kept) {
                    *slot = g;
                }
                kept += usize::from(!fp.sampled || in_sample(g));
            }
        }
    }
    ngrams.truncate(kept);
    fp.sentences = HashSet64::from_unsorted(sentences);
    fp.ngrams = HashSet64::from_unsorted(ngrams);
    fp
}

/// Finalizer of SplitMix64: spreads the rolling hash over all bits.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

impl Fingerprint {
    /// The fingerprint of several texts together (sampled when any of them is).
    pub fn union(parts: &[Fingerprint]) -> Fingerprint {
        let sampled = parts.iter().any(|p| p.sampled);
        let sentences = parts
            .iter()
            .flat_map(|p| p.sentences.iter().copied())
            .collect();
        let ngrams = parts
            .iter()
            .flat_map(|p| p.ngrams.iter().copied())
            .filter(|g| !sampled || in_sample(*g))
            .collect();
        Fingerprint {
            sentences: HashSet64::from_unsorted(sentences),
            ngrams: HashSet64::from_unsorted(ngrams),
            sampled,
            chars: parts.iter().map(|p| p.chars).sum(),
        }
    }
}

/// Compare this year's fingerprint with last year's.
pub fn compare(cur: &Fingerprint, prev: &Fingerprint) -> Reuse {
    let reused = prev.sentences.count_in(cur.sentences.iter().copied());
    // Compare on the sample when either side is sampled (a sampled set holds
    // exactly the sampled members of the full one).
    let sampled = cur.sampled || prev.sampled;
    let compared = || {
        cur.ngrams
            .iter()
            .copied()
            .filter(move |g| !sampled || in_sample(*g))
    };
    let ngrams = compared().count();
    let ngrams_reused = prev.ngrams.count_in(compared());
    let ratio = |a: usize, b: usize| (b > 0).then(|| round4(a as f64 / b as f64));
    Reuse {
        sentences: cur.sentences.len(),
        sentences_reused: reused,
        sentence_reuse: ratio(reused, cur.sentences.len()),
        ngram_reuse: ratio(ngrams_reused, ngrams),
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
    // Top-level sections once each; the whole document is their union.
    let roots: Vec<Fingerprint> = doc
        .sections
        .iter()
        .map(|s| {
            let mut text = String::new();
            section_text(s, &mut text);
            fingerprint(&text)
        })
        .collect();
    out[0] = Some(Fingerprint::union(&roots));
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
            *slot = Some(match doc.sections.iter().position(|r| std::ptr::eq(r, s)) {
                Some(i) => roots[i].clone(),
                None => {
                    let mut text = String::new();
                    section_text(s, &mut text);
                    fingerprint(&text)
                }
            });
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
    fn rewritten_text_has_partial_reuse() {
        let kept = "本机关高度重视政府信息公开工作，主要负责同志多次听取专题汇报并作出部署。\
                    严格落实公开属性源头认定机制，确保应公开尽公开。";
        let a = fingerprint(&format!(
            "{kept}建立健全政务公开工作领导小组及其办公室的日常运转机制。\
             定期组织开展业务培训和考核评议，提升干部队伍的专业化水平。"
        ));
        let b = fingerprint(&format!(
            "{kept}今年新建了全市统一的依申请公开网上办理平台并已上线运行。\
             针对群众反映集中的热点问题及时发布政策解读和图文问答材料。"
        ));
        let r = compare(&b, &a);
        assert_eq!((r.sentences, r.sentences_reused), (4, 2));
        assert_eq!(r.sentence_reuse, Some(0.5));
        // About half of b's 5-grams come from the kept sentences.
        let n = r.ngram_reuse.unwrap();
        assert!(n > 0.3 && n < 0.7, "{n}");
        // Unrelated text: nothing reused.
        let c = fingerprint("下一步将围绕群众关切持续深化政务公开，推动政策解读更加精准有效。");
        assert_eq!(compare(&c, &a).ngram_reuse, Some(0.0));
        assert_eq!(compare(&c, &a).sentence_reuse, Some(0.0));
    }

    #[test]
    fn long_texts_are_sampled_and_compared_on_the_sample() {
        // 40 distinct sentences of ~30 characters: > 2000 windows.
        let sentence = |i: usize| {
            let c =
                |k: usize| char::from_u32(0x4e00 + ((i * 131 + k * 17) % 20000) as u32).unwrap();
            let body: String = (0..30).map(c).collect();
            format!("{body}。")
        };
        let long: String = (0..80).map(sentence).collect();
        let short: String = (0..2).map(sentence).collect();
        let (l, s) = (fingerprint(&long), fingerprint(&short));
        assert!(l.sampled && !s.sampled);
        assert!(l.ngrams.len() < 80 * 26 / 2, "sampled: {}", l.ngrams.len());
        assert_eq!(s.ngrams.len(), 2 * 26);
        // The short text is part of the long one: all of it reused.
        assert_eq!(compare(&s, &l).ngram_reuse, Some(1.0));
        assert_eq!(compare(&l, &l).ngram_reuse, Some(1.0));
        // 2 of 80 sentences of the long text are in the short one.
        let r = compare(&l, &s).ngram_reuse.unwrap();
        assert!(r > 0.0 && r < 0.1, "{r}");
        // Union with a sampled part is sampled and keeps only sampled n-grams.
        let u = Fingerprint::union(&[s.clone(), l.clone()]);
        assert!(u.sampled && u.ngrams.iter().all(|g| in_sample(*g)));
        // It holds every sentence of both.
        assert_eq!(u.sentences.len(), l.sentences.len());
        assert_eq!(
            compare(&u, &l).sentence_reuse,
            Some(1.0),
            "the short text's sentences are the long one's"
        );
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
