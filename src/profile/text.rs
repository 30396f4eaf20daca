//! Tables flattened into text (template.md §8.7, "find the anchor label, then
//! read the next N integers"). When a standard section has no table, its
//! paragraphs are split into whitespace-separated tokens and searched for:
//!
//! * 三: a row label followed by a run of at least 7 values
//!   (`四、结转下年度继续办理 0 0 0 0 0 0 0`); the row is identified from its
//!   label as in the table reader (outer labels such as `（三）不予公开` give the
//!   group) and the first 7 values are taken;
//! * 四: a run of exactly 15 values (the one data row, in template order).
//!
//! A value token is a number or a placeholder (`/`, `—`, …: null, never 0). A
//! label written against its first number (`继续办理0`) is split. Section 二 is
//! not read from text: its blocks have 1–3 values per row, and concatenated
//! cells (`规章555`) cannot be split reliably. Values read here carry the
//! paragraph index and `from_text` in their source.

use super::tables::{s3_label_of, CellRead, Extracted, S3Label, S3_COLUMNS};
use super::value::{parse_cell, CellValue};
use super::MetricSource;
use crate::normalize::label_key;

/// Upper bound on tokens examined per section (hostile inputs).
const MAX_TOKENS: usize = 20_000;

/// A whitespace-separated piece of a paragraph.
#[derive(Debug, Clone, Copy)]
struct Token<'a> {
    text: &'a str,
    /// Index of the paragraph (document order, 0-based).
    para: u32,
    /// The value, for a number or placeholder; `None` for text.
    value: Option<CellValue>,
}

fn tokens<'a>(paras: &[(usize, &'a str)]) -> Vec<Token<'a>> {
    let mut out = Vec::new();
    for &(pi, text) in paras {
        let para = u32::try_from(pi).unwrap_or(u32::MAX);
        for tok in text.split_whitespace() {
            if out.len() >= MAX_TOKENS {
                return out;
            }
            match parse_cell(tok) {
                CellValue::Text => {
                    // `继续办理0`: a label against its first number.
                    let cut = tok.trim_end_matches(|c: char| c.is_ascii_digit());
                    let split = cut.len() < tok.len()
                        && cut.chars().next_back().is_some_and(|c| !c.is_ascii());
                    if split {
                        let digits = &tok[cut.len()..];
                        out.push(Token {
                            text: cut,
                            para,
                            value: None,
                        });
                        out.push(Token {
                            text: digits,
                            para,
                            value: Some(parse_cell(digits)),
                        });
                    } else {
                        out.push(Token {
                            text: tok,
                            para,
                            value: None,
                        });
                    }
                }
                v => out.push(Token {
                    text: tok,
                    para,
                    value: Some(v),
                }),
            }
        }
    }
    out
}

fn read(t: &Token) -> CellRead {
    CellRead {
        value: t.value.unwrap_or(CellValue::Text),
        source: MetricSource {
            table: None,
            row: None,
            col: None,
            paragraph: Some(t.para),
            from_text: true,
            raw: t.text.to_string(),
            label: None,
            matched: None,
        },
    }
}

/// Runs of value tokens: (start, end) index ranges, with the text tokens before each.
fn runs(toks: &[Token]) -> Vec<(Vec<usize>, std::ops::Range<usize>)> {
    let mut out = Vec::new();
    let mut labels = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        if toks[i].value.is_none() {
            labels.push(i);
            i += 1;
            continue;
        }
        let start = i;
        while i < toks.len() && toks[i].value.is_some() {
            i += 1;
        }
        out.push((std::mem::take(&mut labels), start..i));
    }
    out
}

/// Read 三 rows from the paragraphs of section 三 (`(paragraph index, text)`).
/// Returns the number of template rows read.
pub fn read_s3(paras: &[(usize, &str)], out: &mut Extracted) -> usize {
    let toks = tokens(paras);
    let mut group: Option<&'static str> = None;
    let mut rows = 0;
    for (labels, run) in runs(&toks) {
        if run.len() < 7 || labels.is_empty() {
            continue;
        }
        let keys: Vec<String> = labels.iter().map(|&i| label_key(toks[i].text)).collect();
        // The row label is the last token, or the last 2–3 joined (a label
        // broken by a space); the tokens before it give the group.
        let mut found = (S3Label::Unknown, keys.len());
        for n in 1..=keys.len().min(3) {
            let joined: String = keys[keys.len() - n..].concat();
            let mut g = group;
            for k in &keys[..keys.len() - n] {
                match s3_label_of(k, g) {
                    S3Label::Group(x) if x != "results" => g = Some(x),
                    S3Label::OtherProcessing => g = Some("other"),
                    _ => {}
                }
            }
            let l = s3_label_of(&joined, g);
            if l != S3Label::Unknown {
                group = g;
                found = (l, n);
                break;
            }
        }
        let values: Vec<&Token> = toks[run.clone()].iter().take(7).collect();
        let reads = |key: &str| -> Vec<(String, CellRead)> {
            values
                .iter()
                .zip(S3_COLUMNS)
                .map(|(t, col)| (format!("s3.{key}.{col}"), read(t)))
                .collect()
        };
        match found.0 {
            S3Label::Row(k) => {
                group = out.note_s3_row(k);
                let rs = reads(k);
                if rs
                    .first()
                    .is_some_and(|(key, _)| !out.cells.contains_key(key))
                {
                    out.cells.extend(rs);
                    rows += 1;
                }
            }
            S3Label::OtherProcessing => {
                group = Some("other");
                if out.s3_other_row.is_none() {
                    out.s3_other_row = Some(reads("other.total"));
                    rows += 1;
                }
            }
            S3Label::Group(g) => {
                if g != "results" {
                    group = Some(g);
                }
            }
            S3Label::Unknown => {}
        }
    }
    rows
}

/// Read the 15 四 values from the paragraphs of section 四: the first run of
/// exactly 15 values. Returns whether it was found.
pub fn read_s4(paras: &[(usize, &str)], out: &mut Extracted) -> bool {
    const GROUPS: [&str; 3] = ["review", "suit_direct", "suit_after_review"];
    const RESULTS: [&str; 5] = ["upheld", "corrected", "other", "pending", "total"];
    let toks = tokens(paras);
    let Some((_, run)) = runs(&toks).into_iter().find(|(_, r)| r.len() == 15) else {
        return false;
    };
    for (p, t) in toks[run].iter().enumerate() {
        let key = format!("s4.{}.{}", GROUPS[p / 5], RESULTS[p % 5]);
        out.cells.entry(key).or_insert_with(|| read(t));
    }
    true
}
