//! Row labels as agencies print them → the template's rows (issue 12 §1).
//!
//! Labels drift from the template: punctuation inside them (`大量、反复` /
//! `大量反复`), item markers (`1.` `1、` `1．` `（1）`), half- and full-width
//! brackets, unit suffixes (`（件）`, `（单位：万元）`) moved or missing,
//! `法人或者其他组织` for `法人或其他组织`, stray spaces, traditional script,
//! pinyin annotations of mirrored copies. [`label_key`](crate::normalize::label_key)
//! takes care of width, spaces, script, pinyin and markers; [`compact`] also
//! sets aside punctuation, units and `或者`. The row readers identify a row by
//! its key phrases on the compact form; [`how_matched`] then says how close the
//! printed label is to the template's, and [`nearest`] scores a label that
//! matched no row against the template labels of its part of the table
//! (bigram similarity), for a fuzzy match or the `extra_rows` entry.

use super::value::Num;
use super::{LabelMatch, MatchHow};
use crate::normalize::strip_item_marker;
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::OnceLock;

/// Unit suffixes set aside by [`compact`] (NFKC form: ASCII brackets and colon).
const UNITS: [&str; 10] = [
    "(单位:件)",
    "(单位:万元)",
    "(单位:元)",
    "(单位:个)",
    "(单位:项)",
    "(件)",
    "(万元)",
    "(元)",
    "(个)",
    "(项)",
];

/// Minimum bigram similarity of a fuzzy match.
pub const FUZZY_MIN: f64 = 0.5;
/// How far a fuzzy match must lead the next candidate.
pub const FUZZY_MARGIN: f64 = 0.1;

/// A label key ([`label_key`](crate::normalize::label_key) form) without its
/// item marker, punctuation, unit suffixes and `或者` (→ `或`). Borrows when
/// nothing changes.
pub fn compact(key: &str) -> Cow<'_, str> {
    let l = strip_item_marker(key).1;
    let is_punct = |c: char| {
        matches!(
            c,
            '、' | ','
                | '，'
                | '.'
                | '。'
                | ':'
                | ';'
                | '"'
                | '\''
                | '·'
                | '・'
                | '!'
                | '?'
                | '\u{3000}'
        ) || c.is_whitespace()
    };
    let has_unit = l.contains('(') && UNITS.iter().any(|u| l.contains(u));
    if !has_unit && !l.contains(is_punct) && !l.contains("或者") {
        return Cow::Borrowed(l);
    }
    let mut s = l.to_string();
    if has_unit {
        for u in UNITS {
            s = s.replace(u, "");
        }
    }
    let s: String = s
        .replace("或者", "或")
        .chars()
        .filter(|&c| !is_punct(c))
        .collect();
    Cow::Owned(s)
}

/// The template label of each 三 row key (`not_processed.excessive` →
/// `无正当理由大量反复申请`), from the catalog's label paths, in [`compact`] form
/// and in label-key form.
fn s3_labels() -> &'static HashMap<&'static str, (String, String)> {
    static LABELS: OnceLock<HashMap<&'static str, (String, String)>> = OnceLock::new();
    LABELS.get_or_init(|| {
        let mut m = HashMap::new();
        for e in super::catalog::entries() {
            let Some(rest) = e.key.strip_prefix("s3.") else {
                continue;
            };
            let Some((row, _col)) = rest.rsplit_once('.') else {
                continue;
            };
            let path = e.label_path.split(" × ").next().unwrap_or("");
            let Some(label) = path.rsplit('/').next() else {
                continue;
            };
            // Keys live as long as the catalog (static).
            let row: &'static str = &e.key[3..3 + row.len()];
            m.entry(row).or_insert_with(|| {
                let k = crate::normalize::label_key(label);
                let exact = strip_item_marker(&k).1.to_string();
                (compact(&k).into_owned(), exact)
            });
        }
        m
    })
}

/// How the printed label (its label key) of a row matched 三 row `row`.
pub fn how_matched(key: &str, row: &str) -> LabelMatch {
    let Some((c, exact)) = s3_labels().get(row) else {
        return LabelMatch {
            how: MatchHow::Alias,
            score: Num(0.0),
        };
    };
    if strip_item_marker(key).1 == exact {
        return LabelMatch {
            how: MatchHow::Exact,
            score: Num(1.0),
        };
    }
    let mine = compact(key);
    if mine == c.as_str() {
        return LabelMatch {
            how: MatchHow::Normalized,
            score: Num(1.0),
        };
    }
    LabelMatch {
        how: MatchHow::Alias,
        score: Num(round2(similarity(&mine, c))),
    }
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// Dice coefficient of the character bigrams of two texts (0–1).
pub fn similarity(a: &str, b: &str) -> f64 {
    let bigrams = |s: &str| -> Vec<(char, char)> {
        let c: Vec<char> = s.chars().collect();
        let mut v: Vec<(char, char)> = c.windows(2).map(|w| (w[0], w[1])).collect();
        if c.len() == 1 {
            v.push((c[0], '\0'));
        }
        v.sort_unstable();
        v
    };
    let (x, y) = (bigrams(a), bigrams(b));
    if x.is_empty() || y.is_empty() {
        return 0.0;
    }
    // Multiset intersection of two sorted lists.
    let (mut i, mut j, mut common) = (0, 0, 0usize);
    while i < x.len() && j < y.len() {
        match x[i].cmp(&y[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                common += 1;
                i += 1;
                j += 1;
            }
        }
    }
    2.0 * common as f64 / (x.len() + y.len()) as f64
}

/// The template rows a 三 row label may name, by its place in the table: the
/// sub-rows of the open group (`denied`, …), else the rows outside groups.
pub fn s3_candidates(group: Option<&str>) -> Vec<&'static str> {
    let mut rows: Vec<&'static str> = s3_labels().keys().copied().collect();
    rows.sort_unstable();
    rows.retain(|r| match (group, r.split_once('.')) {
        (Some(g), Some((rg, _))) => rg == g && *r != "other.total",
        (Some(_), None) => false,
        (None, Some(_)) => *r == "other.total",
        (None, None) => true,
    });
    rows
}

/// The nearest of `candidates` to a printed label (its label key): the row,
/// its score, and whether it is a fuzzy match (score ≥ [`FUZZY_MIN`] and at
/// least [`FUZZY_MARGIN`] ahead of the next candidate).
pub fn nearest(key: &str, candidates: &[&'static str]) -> Option<(&'static str, f64, bool)> {
    let mine = compact(key);
    let mut scored: Vec<(&'static str, f64)> = candidates
        .iter()
        .filter_map(|r| s3_labels().get(r).map(|(c, _)| (*r, similarity(&mine, c))))
        .collect();
    scored.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(b.0)));
    let &(best, score) = scored.first()?;
    let second = scored.get(1).map_or(0.0, |s| s.1);
    let fuzzy = score >= FUZZY_MIN && score - second >= FUZZY_MARGIN;
    Some((best, round2(score), fuzzy))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::label_key;

    #[test]
    fn compact_sets_aside_punctuation_units_and_huozhe() {
        let c = |s: &str| compact(&label_key(s)).into_owned();
        assert_eq!(c("4.无正当理由大量、反复申请"), "无正当理由大量反复申请");
        assert_eq!(
            c("（4）无正当理由大量反复申请（件）"),
            "无正当理由大量反复申请"
        );
        assert_eq!(c("法人或者其他组织"), "法人或其他组织");
        assert_eq!(c("本年收费金额（单位：万元）"), "本年收费金额");
        assert_eq!(c("予以 公开"), "予以公开");
    }

    #[test]
    fn matches_say_how() {
        let h = |s: &str, row: &str| how_matched(&label_key(s), row).how;
        assert_eq!(
            h("4.无正当理由大量反复申请", "not_processed.excessive"),
            MatchHow::Exact
        );
        assert_eq!(
            h("(4)無正當理由大量反復申請", "not_processed.excessive"),
            MatchHow::Exact
        );
        assert_eq!(
            h(
                "4、无正当理由大量、反复申请（件）",
                "not_processed.excessive"
            ),
            MatchHow::Normalized
        );
        assert_eq!(
            h("四、结转下年度继续办理的申请", "carried_forward"),
            MatchHow::Alias
        );
    }

    #[test]
    fn fuzzy_stays_within_the_group_and_needs_a_lead() {
        // A near-miss of 本年新收 is not taken for 上年结转.
        let top = s3_candidates(None);
        let (row, score, fuzzy) =
            nearest(&label_key("一、本年新受理政府信息公开申请数量"), &top).unwrap();
        assert_eq!(row, "new_received");
        assert!(fuzzy && score >= FUZZY_MIN, "{score}");
        // Inside （三）不予公开, `属于四类过程信息` is 6. 四类过程性信息, not 5. 三类内部事务信息.
        let denied = s3_candidates(Some("denied"));
        let (row, _, fuzzy) = nearest(&label_key("6.属于四类过程信息"), &denied).unwrap();
        assert_eq!((row, fuzzy), ("denied.process_info", true));
        // Outside the group it would be another row: the group decides.
        let unable = s3_candidates(Some("unable"));
        let (row, _, _) = nearest(&label_key("6.属于四类过程信息"), &unable).unwrap();
        assert!(row.starts_with("unable."));
        // A label like none of them is no match.
        let (_, score, fuzzy) = nearest(&label_key("小计"), &denied).unwrap();
        assert!(!fuzzy && score < FUZZY_MIN);
    }
}
