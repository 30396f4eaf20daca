//! Numbers stated in prose (issue 12, point 5): `全年共收到政府信息公开申请55件`,
//! `上年结转3件`, `结转下年度继续办理6件`, `行政复议3件、行政诉讼2件`, …
//! extracted sentence by sentence and checked against the table values as the
//! `P1`… rules (`docs/metrics.md` lists them with their phrasings).
//!
//! Precision first: a number is extracted only when a pattern ties it to one
//! canonical metric, so that a check cannot fail on a number that is about
//! something else. In particular a statement is skipped when
//! * its sentence names another year than the report's (`2020年共收到…`);
//! * its clause compares (`同比`, `较上年`, `去年`);
//! * an application count is followed by `(含…` / `其中上年结转…` (a total
//!   that includes the carried-over applications);
//! * a 三 statement's sentence is about something else that is counted in 件
//!   (`建议`, `提案`, `信访`, `咨询`, `热线`, …) or its clause about 复议/诉讼;
//! * a 四 statement stands outside section 四 in a sentence that does not say
//!   `信息公开` (a 司法局 reports the reconsiderations it decides).
//!
//! Numbers are Arabic digits (full-width ones are folded by the normalization)
//! or Chinese numerals (`五十五`, `两`); a negation such as
//! `未发生…行政复议、行政诉讼案件` or `未收到政府信息公开申请` states 0.

use super::checks::{get3, Metrics};
use super::tables::S3_COLUMNS;
use super::{Check, CheckStatus, Num, Template};
use aho_corasick::AhoCorasick;
use pattern::Pattern;
use regex::Regex;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::sync::LazyLock;

mod pattern;

/// A number stated in the report's prose about a canonical metric.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ProseStatement {
    /// The rule that checks it (`P1`…, `docs/metrics.md`).
    pub rule: String,
    /// The canonical metric key it states, or `a+b` for a sum of keys
    /// (`s4.suit_direct.total+s4.suit_after_review.total`).
    pub key: String,
    /// The number stated (0 for a negation such as `未发生行政复议`).
    pub value: Num,
    /// The unit written after it (`件`, `起`, …); empty for a negation.
    pub unit: String,
    /// The sentence (normalized text, split at `。` and `;`).
    pub sentence: String,
    /// Index of the paragraph among the document's paragraphs (0-based, as in
    /// `metric_sources`).
    pub paragraph: u32,
    /// The standard section (1–6) the paragraph belongs to, if any.
    pub section: Option<u8>,
}

/// Where a rule's statements are looked for.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Topic {
    /// Applications (三): sections 一 and 三, paragraphs that mention 申请.
    Requests,
    /// Normative documents (二): sections 一 and 二.
    Active,
    /// Reconsideration and litigation (四): section 四, or section 一 in a
    /// sentence that says 信息公开.
    Appeals,
}

/// One kind of statement.
struct Rule {
    id: &'static str,
    topic: Topic,
    /// The key per template version (`None`: the version has no such metric).
    key: fn(Template) -> Option<&'static str>,
    /// Words one of which the sentence must contain for the patterns to be
    /// tried (a cheap prefilter).
    needles: &'static [&'static str],
    /// Patterns with a number group `n`; a pattern without one states 0.
    patterns: Vec<Pattern>,
    /// Their sources, in the regex syntax [`pattern`] reads (the tests
    /// check [`Pattern`] against `regex` on them).
    #[cfg(test)]
    sources: Vec<String>,
    /// A count that may include the carried-over applications when followed by
    /// `(含…` (the application total).
    total_may_include: bool,
}

/// A number: Arabic digits or Chinese numerals.
const N: &str = r"(?P<n>[0-9]+(?:\.[0-9]+)?|[零〇一二两三四五六七八九十百千万]+)";
/// An optional `共`-like word before a number.
const SUM: &str = r"(?:共计|共|合计|总计|累计|为|达)?";
/// The unit of an application count.
const JIAN: &str = r"(?P<u>件)";
/// The unit of a reconsideration or a lawsuit.
const CASES: &str = r"(?P<u>件|起|宗)";
/// The unit of a document count.
const DOCS: &str = r"(?P<u>件|份|个)";
/// `政府信息公开` and its short forms before 申请.
const OF_REQ: &str = r"(?:政府信息公开|信息公开|依申请公开(?:政府信息)?)?的?";

fn rules() -> Vec<Rule> {
    fn rule(
        id: &'static str,
        topic: Topic,
        key: fn(Template) -> Option<&'static str>,
        needles: &'static [&'static str],
        patterns: &[String],
    ) -> Rule {
        Rule {
            id,
            topic,
            key,
            needles,
            // A pattern outside the matcher's subset is a bug that the tests
            // catch (`every_pattern_compiles`); at run time its rule goes on
            // with the others, and the log says which one is missing.
            patterns: patterns
                .iter()
                .filter_map(|p| {
                    Pattern::new(p)
                        .map_err(|e| {
                            tracing::error!("prose rule {id}: pattern {p} not compiled: {e:?}")
                        })
                        .ok()
                })
                .collect(),
            #[cfg(test)]
            sources: patterns.to_vec(),
            total_may_include: false,
        }
    }
    use Topic::*;
    let mut p1 = rule(
        "P1",
        Requests,
        |_| Some("s3.new_received.total"),
        &["新收", "收到", "接收", "受理", "接到", "收悉"],
        &[
            format!(
                r"(?:新收|收到|接收|受理|新受理|接到|收悉)(?:各类|社会公众|公众|群众|公民、法人(?:或者?|和)其他组织(?:提出|提交)?的?)?{OF_REQ}申请(?:数量|总数|总量)?{SUM}{N}{JIAN}"
            ),
            format!(r"(?:未收到|没有收到|未接到|未受理){OF_REQ}申请(?:$|[,;:])"),
        ],
    );
    p1.total_may_include = true;
    vec![
        p1,
        rule(
            "P2",
            Requests,
            |_| Some("s3.carried_over.total"),
            &["结转"],
            &[format!(
                r"上一?年度?结转(?:的)?(?:政府信息公开|信息公开)?(?:申请)?(?:数量)?{SUM}{N}{JIAN}"
            )],
        ),
        rule(
            "P3",
            Requests,
            |_| Some("s3.total_processed.total"),
            &["办结", "答复", "完毕"],
            &[format!(
                r"(?:(?:全年|本年度?|共|累计|已|均已|共计)答复|已?办结|办理完毕|处理完毕)(?:了)?(?:各类)?{OF_REQ}(?:申请)?{SUM}{N}{JIAN}"
            )],
        ),
        rule(
            "P4",
            Requests,
            |_| Some("s3.carried_forward.total"),
            &["结转", "转入"],
            &[
                format!(
                    r"结转(?:至|到)?下一?年度?(?:继续)?(?:办理)?(?:的)?(?:申请)?{SUM}{N}{JIAN}"
                ),
                format!(r"转入下一?年度?(?:继续)?办理(?:的)?(?:申请)?{SUM}{N}{JIAN}"),
            ],
        ),
        rule(
            "P5",
            Requests,
            |_| Some("s3.granted.total"),
            &["予以公开", "同意公开"],
            &[format!(r"(?:予以公开|同意公开)(?:的)?{SUM}{N}{JIAN}")],
        ),
        rule(
            "P6",
            Requests,
            |_| Some("s3.partial.total"),
            &["部分公开"],
            &[format!(r"部分公开(?:的)?{SUM}{N}{JIAN}")],
        ),
        rule(
            "P7",
            Requests,
            |_| Some("s3.denied.total.total"),
            &["不予公开"],
            &[format!(r"不予公开(?:的)?{SUM}{N}{JIAN}")],
        ),
        rule(
            "P8",
            Requests,
            |_| Some("s3.unable.total.total"),
            &["无法提供"],
            &[format!(r"无法提供(?:的)?{SUM}{N}{JIAN}")],
        ),
        rule(
            "P9",
            Requests,
            |_| Some("s3.not_processed.total.total"),
            &["不予处理"],
            &[format!(r"不予处理(?:的)?{SUM}{N}{JIAN}")],
        ),
        rule(
            "P10",
            Requests,
            |_| Some("s3.other.total.total"),
            &["其他处理"],
            &[format!(r"其他处理(?:的)?{SUM}{N}{JIAN}")],
        ),
        rule(
            "P11",
            Requests,
            |_| Some("s3.unable.not_held.total"),
            &["不掌握"],
            &[format!(
                r"(?:本机关|本单位|本行政机关)?不掌握(?:相关|该)?(?:政府)?信息(?:的)?{SUM}{N}{JIAN}"
            )],
        ),
        rule(
            "P12",
            Requests,
            |_| Some("s3.new_received.natural_person"),
            &["自然人"],
            &[format!(r"自然人(?:提出|提交)?的?申请{SUM}{N}{JIAN}")],
        ),
        rule(
            "P13",
            Requests,
            |_| Some("s3.new_received.legal_org_subtotal"),
            &["法人"],
            &[format!(
                r"法人(?:或者?|和)其他组织(?:提出|提交)?的?申请{SUM}{N}{JIAN}"
            )],
        ),
        rule(
            "P14",
            Active,
            |_| Some("s2.normative.issued"),
            &["规范性文件"],
            &[format!(
                r"(?:制发|制定|印发|出台)(?:了)?(?:行政)?规范性文件{SUM}{N}{DOCS}"
            )],
        ),
        rule(
            "P15",
            Active,
            |t| {
                Some(match t {
                    Template::V2019 => "s2.normative.published_new",
                    Template::V2021 => "s2.normative.issued",
                })
            },
            &["规范性文件"],
            &[format!(r"公开(?:了)?(?:行政)?规范性文件{SUM}{N}{DOCS}")],
        ),
        rule(
            "P16",
            Active,
            |t| (t == Template::V2021).then_some("s2.normative.in_force_or_total"),
            &["现行有效"],
            &[format!(r"现行有效(?:的)?(?:行政)?规范性文件{SUM}{N}{DOCS}")],
        ),
        rule(
            "P17",
            Appeals,
            |_| Some("s4.review.total"),
            &["行政复议"],
            &[format!(r"行政复议(?:案件|申请)?{SUM}{N}{CASES}")],
        ),
        rule(
            "P18",
            Appeals,
            |_| Some(SUIT_KEY),
            &["行政诉讼"],
            &[format!(r"行政诉讼(?:案件)?{SUM}{N}{CASES}")],
        ),
    ]
}

/// The sum key of P18 (行政诉讼 = 未经复议直接起诉 + 复议后起诉).
pub const SUIT_KEY: &str = "s4.suit_direct.total+s4.suit_after_review.total";

static RULES: LazyLock<Vec<Rule>> = LazyLock::new(rules);

/// Every rule's needles in one automaton: one pass over a sentence tells
/// which rules may apply (bit `i` of a match's mask: `RULES[i]`), instead of
/// one substring search per needle.
struct Needles {
    automaton: Option<AhoCorasick>,
    /// Per automaton pattern, the rules it is a needle of.
    masks: Vec<u32>,
}

/// The rules (bit `i`: `RULES[i]`; at most 32, see the tests) for which
/// `pred` holds.
fn rules_where(pred: impl Fn(&Rule) -> bool) -> u32 {
    RULES
        .iter()
        .enumerate()
        .take(32)
        .filter(|(_, r)| pred(r))
        .fold(0, |m, (i, _)| m | 1 << i)
}

static NEEDLES: LazyLock<Needles> = LazyLock::new(|| {
    let mut words: Vec<&'static str> = Vec::new();
    let mut masks: Vec<u32> = Vec::new();
    for (i, rule) in RULES.iter().enumerate().take(32) {
        for &n in rule.needles {
            match words.iter().position(|w| *w == n) {
                Some(j) => masks[j] |= 1 << i,
                None => {
                    words.push(n);
                    masks.push(1 << i);
                }
            }
        }
    }
    Needles {
        // A DFA: a few dozen short words, and the fastest search per byte.
        automaton: AhoCorasick::builder()
            .kind(Some(aho_corasick::AhoCorasickKind::DFA))
            .build(&words)
            .ok(),
        masks,
    }
});

/// A statement needs a unit or a negation: the first, cheap prefilter.
static UNITS: LazyLock<Option<AhoCorasick>> =
    LazyLock::new(|| AhoCorasick::new(["件", "起", "宗", "份", "个", "未", "没"]).ok());

impl Needles {
    /// The rules (bit `i`: `RULES[i]`) one of whose needles `s` contains.
    fn rules_in(&self, s: &str) -> u32 {
        let Some(ac) = &self.automaton else {
            // Not reached (the needles are fixed words); the slow way.
            return rules_where(|r| r.needles.iter().any(|n| s.contains(n)));
        };
        ac.find_overlapping_iter(s)
            .fold(0, |m, hit| m | self.masks[hit.pattern().as_usize()])
    }
}

/// Whether a sentence names a year (`2020年`) other than `year`.
fn names_other_year(s: &str, year: Option<i32>) -> bool {
    s.match_indices('年').any(|(i, _)| {
        let b = &s.as_bytes()[..i];
        b.len() >= 4
            && b[b.len() - 4..].iter().all(u8::is_ascii_digit)
            && (b.len() == 4 || !b[b.len() - 5].is_ascii_digit())
            && std::str::from_utf8(&b[b.len() - 4..])
                .ok()
                .and_then(|y| y.parse::<i32>().ok())
                .is_some_and(|y| (1900..2100).contains(&y) && Some(y) != year)
    })
}
/// A negation of reconsideration/litigation: the rest of its clause is read.
static NEG_APPEAL: LazyLock<Option<Regex>> = LazyLock::new(|| {
    crate::normalize::bounded_regex(
        r"(?:未发生|没有发生|未出现|未收到|没有收到|未接到|未有|未产生|不存在)[^,:;0-9]{0,40}",
    )
});

/// Words that make a sentence about something else counted in 件 (三 rules).
const OTHER_COUNTED: &[&str] = &[
    "建议",
    "提案",
    "信访",
    "热线",
    "咨询",
    "留言",
    "投诉",
    "来信",
    "依法行政",
];
/// Words that make a clause a comparison with another period.
const COMPARISON: &[&str] = &[
    "同比",
    "去年",
    "上年同期",
    "较上年",
    "比上年",
    "较上一年",
    "比上一年",
    "上年度共",
    "上年共",
];
/// Words that make a 四 negation about outcomes, not about cases.
const NOT_CASES: &[&str] = &["纠错", "纠正", "败诉", "撤销", "追究", "确认违法"];

/// Value of an Arabic or Chinese numeral (`55`, `五十五`, `一百零三`, `两`).
pub fn parse_number(s: &str) -> Option<f64> {
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        return s.parse().ok();
    }
    crate::normalize::chinese_number(s).map(|n| n as f64)
}

/// The clause (between `,` `:`) of `sentence` that holds byte range `at`.
fn clause(sentence: &str, at: std::ops::Range<usize>) -> &str {
    let start = sentence[..at.start]
        .rfind([',', ':'])
        .map(|i| i + 1)
        .unwrap_or(0);
    let end = sentence[at.end..]
        .find([',', ':'])
        .map(|i| at.end + i)
        .unwrap_or(sentence.len());
    &sentence[start..end]
}

/// Whether the text after an application count says that it includes the
/// carried-over ones (`(含上年结转3件)`, `其中上年结转3件`).
fn includes_carried(rest: &str) -> bool {
    let r = rest.trim_start_matches([',', ' ']);
    [
        "(含",
        "(包括",
        "含",
        "包括",
        "(其中",
        "其中上年",
        "其中本年",
        "其中新收",
    ]
    .iter()
    .any(|p| r.starts_with(p))
}

/// Sentences of a normalized paragraph (split at `。` `;` `!` `?` and line
/// breaks). Split on bytes: every delimiter is ASCII but `。` (E3 80 82), whose
/// bytes cannot start or end inside another character.
fn sentences(p: &str) -> impl Iterator<Item = &str> {
    let b = p.as_bytes();
    let mut start = 0;
    let mut i = 0;
    std::iter::from_fn(move || {
        while start <= b.len() {
            let end = loop {
                match b.get(i) {
                    None => break b.len(),
                    Some(b';' | b'!' | b'?' | b'\n') => break i,
                    Some(0xE3) if b.get(i + 1..i + 3) == Some(&[0x80, 0x82]) => break i,
                    Some(_) => i += 1,
                }
            };
            let piece = &p[start..end];
            i = if end < b.len() && b[end] == 0xE3 {
                end + 3
            } else {
                end + 1
            };
            start = i;
            let piece = piece.trim();
            if !piece.is_empty() {
                return Some(piece);
            }
        }
        None
    })
}

/// Extract the statements from the paragraphs (`(index, section, normalized
/// text)`) of a report of version `t` and year `year`.
pub fn extract(
    paras: &[(usize, Option<u8>, &str)],
    t: Template,
    year: Option<i32>,
) -> Vec<ProseStatement> {
    let mut out: Vec<ProseStatement> = Vec::new();
    // Bits of the rules that 四 negations add to.
    let appeal_rules = rules_where(|r| matches!(r.id, "P17" | "P18"));
    for &(pi, section, text) in paras {
        let requests = matches!(section, Some(1) | Some(3)) && text.contains("申请");
        let in_topic = |topic: Topic| match topic {
            Topic::Requests => requests,
            Topic::Active => matches!(section, Some(1) | Some(2)),
            Topic::Appeals => matches!(section, Some(1) | Some(4)),
        };
        // The rules whose topic this paragraph is in.
        let topic_mask = rules_where(|r| in_topic(r.topic));
        if topic_mask == 0 {
            continue;
        }
        for s in sentences(text) {
            // Prefilter: a unit or a negation, then a rule's words (P17/P18's,
            // 行政复议 and 行政诉讼, also for a negation of 四).
            if !UNITS.as_ref().is_none_or(|u| u.is_match(s)) {
                continue;
            }
            let mask = NEEDLES.rules_in(s) & topic_mask;
            if mask == 0 {
                continue;
            }
            let appeal_negation = mask & appeal_rules != 0 && s.contains(['未', '没', '不']);
            let candidates = RULES
                .iter()
                .enumerate()
                .filter(|&(i, _)| mask & (1 << i) != 0)
                .map(|(_, r)| r);
            if names_other_year(s, year) {
                continue;
            }
            // Only the application rules (topic Requests) ask.
            let other_counted = requests && OTHER_COUNTED.iter().any(|w| s.contains(w));
            let disclosure = section == Some(4) || s.contains("信息公开");
            let mut add = |rule: &Rule, value: f64, unit: &str| {
                let Some(key) = (rule.key)(t) else { return };
                let dup = out
                    .iter()
                    .any(|x| x.paragraph as usize == pi && x.rule == rule.id && x.sentence == s);
                if !dup {
                    out.push(ProseStatement {
                        rule: rule.id.to_string(),
                        key: key.to_string(),
                        value: Num(value),
                        unit: unit.to_string(),
                        sentence: s.to_string(),
                        paragraph: u32::try_from(pi).unwrap_or(u32::MAX),
                        section,
                    });
                }
            };
            for rule in candidates {
                if rule.topic == Topic::Requests && other_counted {
                    continue;
                }
                if rule.topic == Topic::Appeals && !disclosure {
                    continue;
                }
                for pat in &rule.patterns {
                    for m in pat.matches(s) {
                        let cl = clause(s, m.whole.clone());
                        if COMPARISON.iter().any(|w| cl.contains(w)) {
                            continue;
                        }
                        if rule.topic == Topic::Requests
                            && (cl.contains("复议") || cl.contains("诉讼"))
                        {
                            continue;
                        }
                        if rule.total_may_include && includes_carried(&s[m.whole.end..]) {
                            continue;
                        }
                        // `不予以公开N件` is not granted: the character
                        // before the match.
                        let before = s[..m.whole.start].chars().next_back();
                        if rule.id == "P5" && before == Some('不') {
                            continue;
                        }
                        match m.number {
                            Some(n) => {
                                let Some(v) = parse_number(&s[n]) else {
                                    continue;
                                };
                                let unit = m.unit.map_or("", |u| &s[u]);
                                add(rule, v, unit);
                            }
                            None => add(rule, 0.0, ""),
                        }
                    }
                }
            }
            // 未发生…行政复议、行政诉讼案件: both 0.
            if appeal_negation && disclosure {
                if let Some(neg) = NEG_APPEAL.as_ref() {
                    for m in neg.find_iter(s) {
                        let rest = m.as_str();
                        if NOT_CASES.iter().any(|w| rest.contains(w)) {
                            continue;
                        }
                        for (id, word) in [("P17", "行政复议"), ("P18", "行政诉讼")] {
                            if rest.contains(word) {
                                if let Some(rule) = RULES.iter().find(|r| r.id == id) {
                                    add(rule, 0.0, "");
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    out
}

/// The table value a statement is checked against: a metric, or the sum of
/// `a+b` (null when a part is missing or blank). A blank 三 总计 cell is the
/// sum of its six applicant cells when all are given, as for R1/R2.
fn table_value(m: &Metrics, key: &str) -> Option<f64> {
    key.split('+').try_fold(0.0, |a, k| {
        let v = m.get(k).copied().flatten().or_else(|| {
            let row = k.strip_prefix("s3.")?.strip_suffix(".total")?;
            S3_COLUMNS[..6]
                .iter()
                .try_fold(0.0, |s, c| Some(s + get3(m, "s3", row, c)?))
        });
        Some(a + v?)
    })
}

/// One check per statement: `expected` is the table value, `actual` the prose
/// value, `evidence` the sentence; `not_checkable` when the table value is
/// missing or blank.
pub fn checks(m: &Metrics, statements: &[ProseStatement]) -> Vec<Check> {
    statements
        .iter()
        .map(|s| {
            let expected = table_value(m, &s.key);
            let status = match expected {
                Some(e) if (e - s.value.0).abs() < 1e-6 => CheckStatus::Pass,
                Some(_) => CheckStatus::Fail,
                None => CheckStatus::NotCheckable,
            };
            Check {
                rule: s.rule.clone(),
                column: s.key.clone(),
                status,
                expected: expected.map(Num),
                actual: Some(s.value),
                severity: None,
                evidence: Some(s.sentence.clone()),
                paragraph: Some(s.paragraph),
                blanks_as_zero: false,
            }
        })
        .collect()
}

/// Every rule's patterns, in the regex syntax they are written in.
#[cfg(test)]
fn pattern_sources() -> Vec<String> {
    RULES
        .iter()
        .flat_map(|r| r.sources.iter().cloned())
        .collect()
}

/// The prose rule ids, in order (`P1`…).
pub fn rule_ids() -> Vec<&'static str> {
    RULES.iter().map(|r| r.id).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The byte splitter gives the sentences `str::split` on the
        /// delimiters gives.
        #[test]
        fn sentences_split_as_str_split(
            s in proptest::string::string_regex("[a 。;!?\n申请件三、〇ぁ\u{3000}\u{2002}]{0,40}").unwrap()
        ) {
            let want: Vec<&str> = s
                .split(['。', ';', '!', '?', '\n'])
                .map(str::trim)
                .filter(|x| !x.is_empty())
                .collect();
            let got: Vec<&str> = sentences(&s).collect();
            proptest::prop_assert_eq!(got, want);
        }
    }

    #[test]
    fn every_pattern_compiles() {
        let r = rules();
        assert_eq!(r.len(), 18);
        for rule in &r {
            assert!(!rule.patterns.is_empty(), "{}", rule.id);
        }
        assert_eq!(r.iter().map(|r| r.patterns.len()).sum::<usize>(), 20);
        assert_eq!(pattern_sources().len(), 20);
        assert!(NEG_APPEAL.is_some());
        // Every rule has its bit in the needle masks.
        assert!(r.len() <= 32);
        assert!(NEEDLES.automaton.is_some());
        assert!(UNITS.is_some());
        for (i, rule) in r.iter().enumerate() {
            for n in rule.needles {
                let s = format!("前文{n}后文");
                assert_ne!(NEEDLES.rules_in(&s) & (1 << i), 0, "{} {n}", rule.id);
            }
        }
        assert_eq!(NEEDLES.rules_in("与本报告无关的句子"), 0);
        assert!(names_other_year("与2019年相比", Some(2020)));
        assert!(!names_other_year("2020年全年,12020年", Some(2020)));
    }

    #[test]
    fn docs_list_every_rule() {
        let doc = include_str!("../../docs/metrics.md");
        for id in rule_ids() {
            assert!(
                doc.contains(&format!("| {id} |")),
                "{id} missing in docs/metrics.md"
            );
        }
    }

    #[test]
    fn numerals() {
        assert_eq!(parse_number("55"), Some(55.0));
        assert_eq!(parse_number("五十五"), Some(55.0));
        assert_eq!(parse_number("十五"), Some(15.0));
        assert_eq!(parse_number("一百零三"), Some(103.0));
        assert_eq!(parse_number("两"), Some(2.0));
        assert_eq!(parse_number("一万二千"), Some(12000.0));
        assert_eq!(parse_number("零"), Some(0.0));
        assert_eq!(parse_number("一二"), None);
    }

    fn one(text: &str, section: u8) -> Vec<(String, f64)> {
        extract(&[(0, Some(section), text)], Template::V2021, Some(2021))
            .into_iter()
            .map(|s| (s.rule, s.value.0))
            .collect()
    }

    #[test]
    fn phrasings() {
        let v = |a: &str, b: f64| (a.to_string(), b);
        assert_eq!(
            one("2021年,本机关共新收政府信息公开申请55件,上年结转3件。", 3),
            [v("P1", 55.0), v("P2", 3.0)]
        );
        assert_eq!(
            one(
                "全年收到政府信息公开申请五十五件,办结54件;结转下年度继续办理6件。",
                1
            ),
            [v("P1", 55.0), v("P3", 54.0), v("P4", 6.0)]
        );
        assert_eq!(
            one("共发生政府信息公开行政复议3件、行政诉讼2件。", 4),
            [v("P17", 3.0), v("P18", 2.0)]
        );
        assert_eq!(
            one(
                "本机关未发生因政府信息公开工作引起的行政复议、行政诉讼案件。",
                4
            ),
            [v("P17", 0.0), v("P18", 0.0)]
        );
        assert_eq!(one("全年主动公开规范性文件2件。", 2), [v("P15", 2.0)]);
    }

    #[test]
    fn numbers_about_something_else_are_not_extracted() {
        // Another year, a comparison, a total including the carried-over ones,
        // other things counted in 件, a 司法局's own reconsiderations.
        assert!(one("2020年共收到政府信息公开申请40件。", 3).is_empty());
        assert!(
            one("收到申请55件,同比增加5件,较上年收到申请50件有所增加。", 3)
                .iter()
                .all(|(r, v)| r == "P1" && *v == 55.0)
        );
        assert!(one("共受理政府信息公开申请58件(含上年结转3件)。", 3)
            .iter()
            .all(|(r, _)| r == "P2"));
        assert!(one("共承办人大代表建议12件,办结12件。", 3).is_empty());
        assert!(one("全年办理行政复议案件120件。", 1).is_empty());
        assert!(one("未发生被行政复议纠错的情况。", 4).is_empty());
        assert!(one("依法不予公开2件,属于国家秘密。", 3)
            .iter()
            .all(|(r, _)| r == "P7"));
    }
}
