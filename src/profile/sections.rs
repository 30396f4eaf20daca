//! Section matching (template.md §2.1, §8.7): map a document's sections to the
//! six standard ones by keyword and order, and flatten the tree into paragraphs
//! and tables tagged with their standard section.

use super::SectionMatch;
use crate::model::{Content, Section, Table};
use crate::normalize::{label_key, strip_item_marker, Marker};

/// Maximum depth searched for the list of standard sections.
const MAX_DEPTH: usize = 3;

/// The titles of the six standard sections as the national template numbers
/// them (template.md §2.1): standard section `n` is `STANDARD_TITLES[n - 1]`.
pub const STANDARD_TITLES: [&str; 6] = [
    "一、总体情况",
    "二、主动公开政府信息情况",
    "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
    "五、存在的主要问题及改进情况",
    "六、其他需要报告的事项",
];

/// Standard sections a title's keywords point to (1–6), in order.
fn candidates(title: &str) -> Vec<u8> {
    let k = label_key(title);
    let (_, t) = strip_item_marker(&k);
    let mut out = Vec::new();
    let has = |ns: &[&str]| ns.iter().any(|n| t.contains(n));
    if has(&["总体", "基本情况", "概述", "概况"]) {
        out.push(1);
    }
    if has(&["主动公开"]) {
        out.push(2);
    }
    if has(&["申请"]) {
        out.push(3);
    }
    if has(&["复议", "诉讼"]) {
        out.push(4);
    }
    if has(&["问题", "改进"]) {
        out.push(5);
    }
    if has(&["其他", "其它"]) {
        out.push(6);
    }
    out
}

/// Assign standard numbers to one list of sibling sections.
fn assign(list: &[Section]) -> Vec<Option<u8>> {
    let mut last = 0u8;
    list.iter()
        .map(|s| {
            if s.title.trim().is_empty() {
                return None;
            }
            let c = candidates(&s.title);
            let pick = c.iter().copied().find(|&n| n > last).or_else(|| {
                let k = label_key(&s.title);
                match strip_item_marker(&k).0 {
                    Some(Marker::Chinese(n))
                        if n == u32::from(last) + 1 && n <= 6 && c.is_empty() =>
                    {
                        u8::try_from(n).ok()
                    }
                    _ => None,
                }
            });
            if let Some(n) = pick {
                last = n;
            }
            pick
        })
        .collect()
}

/// A section list somewhere in the tree, by path of child indices.
fn lists(sections: &[Section], path: Vec<usize>, depth: usize, out: &mut Vec<Vec<usize>>) {
    out.push(path.clone());
    if depth >= MAX_DEPTH {
        return;
    }
    for (i, s) in sections.iter().enumerate() {
        if !s.sections.is_empty() {
            let mut p = path.clone();
            p.push(i);
            lists(&s.sections, p, depth + 1, out);
        }
    }
}

fn list_at<'a>(sections: &'a [Section], path: &[usize]) -> &'a [Section] {
    let mut cur = sections;
    for &i in path {
        match cur.get(i) {
            Some(s) => cur = &s.sections,
            None => return &[],
        }
    }
    cur
}

/// The document flattened for profiling.
#[derive(Debug, Default)]
pub struct Flat<'a> {
    /// Paragraph texts in document order with their standard section.
    pub paragraphs: Vec<(Option<u8>, &'a str)>,
    /// The paragraphs' `normalized` forms, when set (same order).
    pub normalized: Vec<Option<&'a str>>,
    /// Tables in document order: (index, standard section, table).
    pub tables: Vec<(u32, Option<u8>, &'a Table)>,
    /// Which document sections are which standard section.
    pub matches: Vec<SectionMatch>,
}

impl<'a> Flat<'a> {
    /// The normalized form of paragraph `i` ([`crate::normalize::normalize_text`]):
    /// the one stored by `fill_normalized`, else computed (a paragraph whose
    /// normalized form equals its text stores none; computing it then borrows).
    pub fn normalized(&self, i: usize) -> std::borrow::Cow<'a, str> {
        match (self.normalized.get(i), self.paragraphs.get(i)) {
            (Some(Some(n)), _) => std::borrow::Cow::Borrowed(*n),
            (_, Some((_, t))) => crate::normalize::normalize_cow(t),
            _ => std::borrow::Cow::Borrowed(""),
        }
    }
}

/// Match sections and flatten the tree.
pub fn flatten(sections: &[Section]) -> Flat<'_> {
    let mut paths = Vec::new();
    lists(sections, Vec::new(), 0, &mut paths);
    let mut best: Option<(usize, Vec<usize>, Vec<Option<u8>>)> = None;
    for p in paths {
        let a = assign(list_at(sections, &p));
        let score = a.iter().flatten().count();
        if score > 0 && best.as_ref().is_none_or(|b| score > b.0) {
            best = Some((score, p, a));
        }
    }
    let mut flat = Flat::default();
    let (best_path, best_assign) = match best {
        Some((_, p, a)) => (Some(p), a),
        None => (None, Vec::new()),
    };
    if let Some(p) = &best_path {
        for (s, n) in list_at(sections, p).iter().zip(&best_assign) {
            if let Some(n) = n {
                flat.matches.push(SectionMatch {
                    standard: *n,
                    title: s.title.clone(),
                });
            }
        }
    }
    let mut counter = 0u32;
    walk(
        sections,
        &mut Vec::new(),
        None,
        &best_path,
        &best_assign,
        &mut counter,
        &mut flat,
        0,
    );
    flat
}

#[allow(clippy::too_many_arguments)]
fn walk<'a>(
    sections: &'a [Section],
    path: &mut Vec<usize>,
    inherited: Option<u8>,
    best_path: &Option<Vec<usize>>,
    best_assign: &[Option<u8>],
    counter: &mut u32,
    flat: &mut Flat<'a>,
    depth: usize,
) {
    if depth > 64 {
        return;
    }
    let is_best = best_path.as_deref() == Some(path.as_slice());
    for (i, s) in sections.iter().enumerate() {
        let std = if is_best {
            best_assign.get(i).copied().flatten().or(inherited)
        } else {
            inherited
        };
        // A standard section's subsections keep its number; an unmatched sibling
        // after a matched one does not inherit.
        for c in &s.content {
            match c {
                Content::Paragraph(p) => {
                    flat.paragraphs.push((std, p.text.as_str()));
                    flat.normalized.push(p.normalized.as_deref());
                }
                Content::Table(t) => {
                    flat.tables.push((*counter, std, t));
                    *counter += 1;
                }
            }
        }
        path.push(i);
        walk(
            &s.sections,
            path,
            std,
            best_path,
            best_assign,
            counter,
            flat,
            depth + 1,
        );
        path.pop();
    }
}
