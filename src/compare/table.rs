//! `--format table`: a terminal table aligned by display width, so CJK
//! (double-width) labels line up.

use super::model::{CheckRow, Comparison, ProseNote};
use super::{catalog::short_label, fmt_change, fmt_num, fmt_pct, SECTION_TITLES};
use std::fmt::Write as _;
use unicode_width::UnicodeWidthStr;

/// Shown for a key the year's template version does not have.
pub const ABSENT: &str = "n/a";
/// Shown for a value the report left blank.
pub const BLANK: &str = "blank";
/// Appended to a value that a failed check involves.
pub const FLAG: &str = " !";
/// Precedes the number a report's text states where a prose check failed.
pub const PROSE_MARK: &str = "text";

/// Lay out rows as an aligned text table; `right[i]` right-aligns column i.
pub fn layout(header: &[String], rows: &[Vec<String>], right: &[bool]) -> String {
    let n = header.len();
    let mut widths: Vec<usize> = header.iter().map(|h| h.width()).collect();
    for r in rows {
        for (i, c) in r.iter().enumerate().take(n) {
            widths[i] = widths[i].max(c.width());
        }
    }
    let mut out = String::new();
    let line = |cells: &[String], out: &mut String| {
        let mut s = String::new();
        for (i, w) in widths.iter().enumerate() {
            let c = cells.get(i).map(String::as_str).unwrap_or("");
            let pad = " ".repeat(w.saturating_sub(c.width()));
            if i > 0 {
                s.push_str("  ");
            }
            if right.get(i).copied().unwrap_or(false) {
                s.push_str(&pad);
                s.push_str(c);
            } else {
                s.push_str(c);
                s.push_str(&pad);
            }
        }
        out.push_str(s.trim_end());
        out.push('\n');
    };
    line(header, &mut out);
    let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
    line(&rule, &mut out);
    for r in rows {
        line(r, &mut out);
    }
    out
}

/// Render comparisons as terminal tables, one block per agency.
pub fn render(comps: &[Comparison]) -> String {
    let mut out = String::new();
    for (i, c) in comps.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        render_one(c, &mut out);
    }
    out
}

fn render_one(c: &Comparison, out: &mut String) {
    let _ = writeln!(out, "{}", c.agency);
    if c.agency_key != c.agency {
        let _ = writeln!(out, "  key: {}", c.agency_key);
    }
    if !c.agency_forms.is_empty() {
        let _ = writeln!(out, "  name forms: {}", c.agency_forms.join(" | "));
    }
    for y in &c.years {
        let ys = y.to_string();
        let files = c.reports.get(&ys).map(Vec::as_slice).unwrap_or(&[]);
        let conflict = match c.conflicts.iter().find(|k| k.year == *y) {
            Some(k) if k.values_agree => {
                format!("{} reports with identical values: ", k.reports)
            }
            Some(k) => format!(
                "CONFLICT, {} reports with different values{} (shown: the first): ",
                k.reports,
                differing_text(&k.differing)
            ),
            None => String::new(),
        };
        let list: Vec<String> = files
            .iter()
            .map(|f| format!("{} [{}]", f.path, f.template.as_deref().unwrap_or("?")))
            .collect();
        let _ = writeln!(out, "  {ys}: {conflict}{}", list.join(", "));
    }
    out.push('\n');

    let mut header = vec!["key".to_string(), "metric".to_string()];
    let mut right = vec![false, false];
    for (i, y) in c.years.iter().enumerate() {
        header.push(y.to_string());
        right.push(true);
        if i > 0 {
            header.push(format!("Δ{y}"));
            right.push(true);
        }
    }
    let rows: Vec<Vec<String>> = c
        .rows
        .iter()
        .map(|r| {
            let mut cells = vec![r.key.clone(), short_label(&r.label)];
            for (i, y) in c.years.iter().enumerate() {
                let ys = y.to_string();
                let v = if r.absent.contains(y) {
                    ABSENT.to_string()
                } else {
                    match r.values.get(&ys).copied().flatten() {
                        Some(v) => fmt_num(v),
                        None => BLANK.to_string(),
                    }
                };
                let flag = if r.flagged.contains(y) { FLAG } else { "" };
                let note = r.prose.get(&ys).map(prose_mark).unwrap_or_default();
                cells.push(format!("{v}{flag}{note}"));
                if i > 0 {
                    cells.push(
                        r.changes
                            .get(&ys)
                            .copied()
                            .flatten()
                            .map(|ch| fmt_change(&ch))
                            .unwrap_or_default(),
                    );
                }
            }
            cells
        })
        .collect();
    if rows.is_empty() {
        out.push_str("(no metric matches)\n");
    } else {
        out.push_str(&layout(&header, &rows, &right));
        let _ = writeln!(
            out,
            "{ABSENT}: not in that year's template version; {BLANK}: left blank in the report; !: a failed check involves the value"
        );
        if c.rows.iter().any(|r| !r.prose.is_empty()) {
            let _ = writeln!(
                out,
                "text N: the report's text states N instead (a failed prose check; Σ: N is the sum with the other part); the sentence is under checks"
            );
        }
    }

    out.push_str("\nchecks:\n");
    let lines = check_lines(&c.checks);
    if lines.is_empty() {
        out.push_str("  no failed within-report check; no cross-year check could run\n");
    }
    for l in lines {
        let _ = writeln!(out, "  {l}");
    }
    for (y, s) in &c.check_summary {
        let _ = writeln!(
            out,
            "  {y} within-report: {} pass, {} fail, {} not checkable",
            s.pass, s.fail, s.not_checkable
        );
    }

    if !c.text_similarity.is_empty() {
        out.push_str("\ntext reused from the previous report (sentences | character 5-grams):\n");
        let mut header = vec!["section".to_string()];
        let mut right = vec![false];
        for (y, s) in &c.text_similarity {
            header.push(format!("{y} vs {}", s.prev_year));
            right.push(true);
        }
        let mut rows = Vec::new();
        for (n, title) in SECTION_TITLES.iter().enumerate() {
            let name = if n == 0 {
                "all".to_string()
            } else {
                n.to_string()
            };
            let mut cells = vec![title.to_string()];
            let mut any = false;
            for s in c.text_similarity.values() {
                match s.sections.get(&name) {
                    Some(f) => {
                        any = true;
                        cells.push(format!(
                            "{} | {}",
                            fmt_pct(f.sentence_reuse),
                            fmt_pct(f.ngram_reuse)
                        ));
                    }
                    None => cells.push("–".into()),
                }
            }
            if any {
                rows.push(cells);
            }
        }
        out.push_str(&layout(&header, &rows, &right));
    }
}

/// ` text N` after a value whose prose check failed (`text ΣN` when the text
/// states a sum of this and other keys).
pub fn prose_mark(n: &ProseNote) -> String {
    let sum = if n.key.contains('+') { "Σ" } else { "" };
    format!(
        " {PROSE_MARK} {sum}{}",
        n.value.map(fmt_num).unwrap_or_default()
    )
}

/// Check results as lines: each failed check, and one line per passing
/// cross-year rule and year.
pub fn check_lines(checks: &[CheckRow]) -> Vec<String> {
    let mut lines = Vec::new();
    let mut i = 0;
    while i < checks.len() {
        let c = &checks[i];
        if let Some(prev) = c.prev_year {
            // Group the cross-year checks of one rule and year.
            let mut j = i;
            while j < checks.len()
                && checks[j].prev_year.is_some()
                && checks[j].rule == c.rule
                && checks[j].year == c.year
            {
                j += 1;
            }
            let group = &checks[i..j];
            let pass = group.iter().filter(|g| g.status == "pass").count();
            let nc = group.iter().filter(|g| g.status == "not_checkable").count();
            let kind = if c.severity == "soft_warning" {
                "soft warning"
            } else {
                "warning"
            };
            for g in group.iter().filter(|g| g.status == "fail") {
                lines.push(format!(
                    "{} {} {prev}→{}: FAIL ({kind}) {}: expected {}, found {}",
                    g.year,
                    g.rule,
                    g.year,
                    g.column.as_deref().unwrap_or(""),
                    g.expected.map(fmt_num).unwrap_or_default(),
                    g.actual.map(fmt_num).unwrap_or_default()
                ));
            }
            let mut tail = Vec::new();
            if pass > 0 {
                tail.push(format!("{pass} pass"));
            }
            if nc > 0 {
                let note = group
                    .iter()
                    .find_map(|g| g.note.clone())
                    .map(|n| format!(" ({n})"))
                    .unwrap_or_default();
                tail.push(format!("{nc} not checkable{note}"));
            }
            if !tail.is_empty() {
                lines.push(format!(
                    "{} {} {prev}→{}: {}",
                    c.year,
                    c.rule,
                    c.year,
                    tail.join(", ")
                ));
            }
            i = j;
        } else if let (true, Some(sentence)) = (super::is_prose_rule(&c.rule), &c.evidence) {
            lines.push(format!(
                "{} {} FAIL {}: table {}, text states {}: 「{sentence}」",
                c.year,
                c.rule,
                c.column.as_deref().unwrap_or(""),
                c.expected.map(fmt_num).unwrap_or_default(),
                c.actual.map(fmt_num).unwrap_or_default()
            ));
            i += 1;
        } else {
            lines.push(format!(
                "{} {} FAIL {}: expected {}, found {}",
                c.year,
                c.rule,
                c.column.as_deref().unwrap_or(""),
                c.expected.map(fmt_num).unwrap_or_default(),
                c.actual.map(fmt_num).unwrap_or_default()
            ));
            i += 1;
        }
    }
    lines
}

/// ` in key (a / b), …` for the keys whose printed numbers differ.
fn differing_text(d: &[crate::index::KeyDiff]) -> String {
    if d.is_empty() {
        return String::new();
    }
    let fmt = |v: &Option<f64>| v.map_or_else(|| "blank".to_string(), |x| x.to_string());
    let parts: Vec<String> = d
        .iter()
        .map(|k| {
            let vs: Vec<String> = k.values.iter().map(fmt).collect();
            format!("{} ({})", k.key, vs.join(" / "))
        })
        .collect();
    format!(" in {}", parts.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cjk_labels_align_by_display_width() {
        let t = layout(
            &["k".into(), "标签".into(), "v".into()],
            &[
                vec!["a".into(), "予以公开".into(), "1".into()],
                vec!["bb".into(), "x".into(), "10".into()],
            ],
            &[false, false, true],
        );
        assert_eq!(
            t,
            "k   标签       v\n--  --------  --\na   予以公开   1\nbb  x         10\n"
        );
        for l in t.lines() {
            assert!(l.width() <= 16);
        }
    }
}
