//! `--format html`: one self-contained page (inline CSS and SVG; no script, no
//! network): per agency the reports, a bar chart per headline metric, the
//! table of years, the check results and the text-similarity figures. With
//! `--all` the page starts with an index linking every agency.

use super::model::{Comparison, Series};
use super::table::check_lines;
use super::{catalog::short_label, fmt_change, fmt_num, fmt_pct, SECTION_TITLES};
use std::fmt::Write as _;

/// Escape text for HTML element content and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

const STYLE: &str = r#"
:root{--ink:#1d2433;--mute:#6b7385;--line:#d9dee7;--bar:#3b6fd8;--bad:#b42318;--good:#1a7f37}
*{box-sizing:border-box}
body{font-family:system-ui,"Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei",sans-serif;margin:0;padding:24px 32px;color:var(--ink);background:#fff;line-height:1.45}
h1{font-size:22px;margin:0 0 4px}
h2{font-size:19px;margin:0 0 6px;padding-top:10px;border-top:3px solid var(--bar)}
h3{font-size:15px;margin:18px 0 6px}
.sub{color:var(--mute);font-size:13px;margin:0 0 16px}
section.agency{margin:28px 0 40px}
table{border-collapse:collapse;font-size:13px;margin:4px 0}
th,td{border:1px solid var(--line);padding:3px 8px;vertical-align:top}
th{background:#f3f5f9;font-weight:600;text-align:left}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.absent{color:var(--mute);font-style:italic}
td.blank{color:var(--mute)}
td.flag{background:#fde4e2}
td small{display:block;font-size:11px;color:var(--mute)}
td small.up{color:var(--good)} td small.down{color:var(--bad)}
td small.prose{color:var(--bad)}
td.key{font-family:ui-monospace,monospace;font-size:12px;color:var(--mute)}
.charts{display:flex;flex-wrap:wrap;gap:12px;margin:10px 0}
figure{margin:0;border:1px solid var(--line);border-radius:6px;padding:6px 8px;background:#fbfcfe}
figcaption{font-size:13px;font-weight:600}
figcaption small{font-weight:400;color:var(--mute)}
ul.checks{margin:4px 0;padding-left:20px;font-size:13px}
li.fail{color:var(--bad)}
.conflict{color:var(--bad);font-weight:600}
.legend{font-size:12px;color:var(--mute)}
nav table td a{text-decoration:none}
"#;

/// Render the page.
pub fn render(comps: &[Comparison], all: bool) -> String {
    let mut out = String::with_capacity(16 * 1024 * comps.len().max(1));
    let title = if all || comps.len() != 1 {
        format!(
            "政府信息公开工作年度报告 跨年比较（{} 个机构）",
            comps.len()
        )
    } else {
        format!("{} 政府信息公开工作年度报告 跨年比较", comps[0].agency)
    };
    page_head(&title, "", &mut out);
    let _ = writeln!(
        out,
        "<h1>{}</h1>\n<p class=\"sub\">reportdex compare · 年份为列，指标为行；变化为与前一比较年份之差</p>",
        esc(&title)
    );
    if all {
        render_nav(comps, &mut out);
    }
    for (i, c) in comps.iter().enumerate() {
        render_agency(c, i, &mut out);
    }
    out.push_str("</body>\n</html>\n");
    out
}

/// Start a page: doctype, head with `title` and the inline style (plus
/// `extra_style`), and the opening `<body>`.
pub(crate) fn page_head(title: &str, extra_style: &str, out: &mut String) {
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <link rel=\"icon\" href=\"data:,\">\n<title>{}</title>\n<style>{STYLE}{extra_style}</style>\n</head>\n<body>\n",
        esc(title)
    );
}

fn anchor(i: usize) -> String {
    format!("agency-{}", i + 1)
}

fn render_nav(comps: &[Comparison], out: &mut String) {
    out.push_str("<nav id=\"index\">\n<h2>机构索引</h2>\n<table class=\"agencies\">\n<tr><th>机构</th><th>年份</th><th class=\"num\">报告</th><th class=\"num\">冲突</th><th class=\"num\">未通过的检查</th></tr>\n");
    for (i, c) in comps.iter().enumerate() {
        let years = match (c.years.first(), c.years.last()) {
            (Some(a), Some(b)) if a != b => format!("{a}–{b} ({})", c.years.len()),
            (Some(a), _) => a.to_string(),
            _ => String::new(),
        };
        let reports: usize = c.reports.values().map(Vec::len).sum();
        let fails = c.checks.iter().filter(|k| k.status == "fail").count();
        let _ = writeln!(
            out,
            "<tr><td><a href=\"#{}\">{}</a></td><td>{}</td><td class=\"num\">{reports}</td><td class=\"num\">{}</td><td class=\"num\">{fails}</td></tr>",
            anchor(i),
            esc(&c.agency),
            esc(&years),
            c.conflicts.iter().filter(|k| !k.values_agree).count()
        );
    }
    out.push_str("</table>\n</nav>\n");
}

/// One agency's section (`id="agency-{i+1}"`): reports, charts, metrics,
/// checks and text similarity.
pub(crate) fn render_agency(c: &Comparison, i: usize, out: &mut String) {
    let _ = writeln!(
        out,
        "<section class=\"agency\" id=\"{}\">\n<h2>{}</h2>",
        anchor(i),
        esc(&c.agency)
    );
    if !c.agency_forms.is_empty() {
        let _ = writeln!(
            out,
            "<p class=\"sub\">名称形式：{}</p>",
            esc(&c.agency_forms.join(" ｜ "))
        );
    }

    // Reports.
    out.push_str(
        "<table class=\"reports\">\n<tr><th>年份</th><th>报告文件</th><th>模板</th></tr>\n",
    );
    for y in &c.years {
        let ys = y.to_string();
        let files = c.reports.get(&ys).map(Vec::as_slice).unwrap_or(&[]);
        for (j, f) in files.iter().enumerate() {
            let year_cell = if j == 0 {
                let conflict = match c.conflicts.iter().find(|k| k.year == *y) {
                    Some(k) if k.values_agree => {
                        format!(" <span class=\"sub\">{} 份报告，数值相同</span>", k.reports)
                    }
                    Some(k) => {
                        let keys: Vec<String> = k
                            .differing
                            .iter()
                            .map(|d| {
                                let vs: Vec<String> = d
                                    .values
                                    .iter()
                                    .map(|v| v.map_or_else(|| "空".to_string(), |x| x.to_string()))
                                    .collect();
                                format!("{}（{}）", d.key, vs.join(" / "))
                            })
                            .collect();
                        format!(
                            " <span class=\"conflict\">冲突：{} 份报告数值不同（表中为第一份）：{}</span>",
                            k.reports,
                            esc(&keys.join("，"))
                        )
                    }
                    None => String::new(),
                };
                format!("{ys}{conflict}")
            } else {
                String::new()
            };
            let _ = writeln!(
                out,
                "<tr><td>{year_cell}</td><td>{}</td><td>{}</td></tr>",
                esc(&f.path),
                esc(f.template.as_deref().unwrap_or("?"))
            );
        }
    }
    out.push_str("</table>\n");

    // Charts.
    out.push_str("<div class=\"charts\">\n");
    for s in &c.headline {
        chart(s, &c.years, out);
    }
    out.push_str("</div>\n");

    // Metrics table.
    out.push_str("<h3>指标</h3>\n");
    if c.rows.is_empty() {
        out.push_str("<p class=\"legend\">没有匹配的指标</p>\n");
    } else {
        out.push_str("<table class=\"metrics\">\n<tr><th>指标</th><th>key</th>");
        for y in &c.years {
            let _ = write!(out, "<th class=\"num\">{y}</th>");
        }
        out.push_str("</tr>\n");
        for r in &c.rows {
            let _ = write!(
                out,
                "<tr><td title=\"{}\">{}</td><td class=\"key\">{}</td>",
                esc(&r.label),
                esc(&short_label(&r.label)),
                esc(&r.key)
            );
            for y in &c.years {
                let ys = y.to_string();
                let flag = r.flagged.contains(y);
                let (class, text) = if r.absent.contains(y) {
                    ("num absent", "不适用".to_string())
                } else {
                    match r.values.get(&ys).copied().flatten() {
                        Some(v) => ("num", fmt_num(v)),
                        None => ("num blank", "空".to_string()),
                    }
                };
                let class = if flag {
                    format!("{class} flag")
                } else {
                    class.to_string()
                };
                let change = match r.changes.get(&ys).copied().flatten() {
                    // No change: nothing to say.
                    Some(ch) if ch.abs == 0.0 => String::new(),
                    Some(ch) => {
                        let dir = if ch.abs > 0.0 {
                            "up"
                        } else if ch.abs < 0.0 {
                            "down"
                        } else {
                            ""
                        };
                        format!("<small class=\"{dir}\">{}</small>", esc(&fmt_change(&ch)))
                    }
                    None => String::new(),
                };
                let mark = if flag { " ⚠" } else { "" };
                // A failed prose check: what the text states, the sentence as tooltip.
                let (title, note) = match r.prose.get(&ys) {
                    Some(n) => {
                        let sum = if n.key.contains('+') { "合计" } else { "" };
                        let v = n.value.map(fmt_num).unwrap_or_default();
                        (
                            format!(
                                " title=\"{}\"",
                                esc(&format!("{} 文中{sum}为 {v}：{}", n.rule, n.sentence))
                            ),
                            format!("<small class=\"prose\">文中{sum} {}</small>", esc(&v)),
                        )
                    }
                    None => (String::new(), String::new()),
                };
                let _ = write!(
                    out,
                    "<td class=\"{class}\"{title}>{text}{mark}{note}{change}</td>"
                );
            }
            out.push_str("</tr>\n");
        }
        out.push_str("</table>\n<p class=\"legend\">不适用：该年模板版本没有此项（不是 0）；空：报告中留空；⚠ 与未通过的检查有关；“文中”为报告正文所述的不同数值（悬停可见原句）；小字为与前一比较年份相比的变化。</p>\n");
    }

    // Checks.
    out.push_str("<h3>检查</h3>\n<ul class=\"checks\">\n");
    let lines = check_lines(&c.checks);
    if lines.is_empty() {
        out.push_str("<li>无未通过的报告内检查；无可运行的跨年检查</li>\n");
    }
    for l in lines {
        let class = if l.contains("FAIL") {
            " class=\"fail\""
        } else {
            ""
        };
        let _ = writeln!(out, "<li{class}>{}</li>", esc(&l));
    }
    for (y, s) in &c.check_summary {
        let _ = writeln!(
            out,
            "<li>{y} 报告内检查：通过 {}，未通过 {}，无法检查 {}</li>",
            s.pass, s.fail, s.not_checkable
        );
    }
    out.push_str("</ul>\n");

    // Text similarity.
    out.push_str("<h3>文本相似度（与前一份报告相比）</h3>\n");
    if c.text_similarity.is_empty() {
        out.push_str("<p class=\"legend\">没有可比较的相邻报告</p>\n");
    } else {
        out.push_str("<table class=\"similarity\">\n<tr><th>部分</th>");
        for (y, s) in &c.text_similarity {
            let _ = write!(out, "<th class=\"num\">{y} vs {}</th>", s.prev_year);
        }
        out.push_str("</tr>\n");
        for (n, title) in SECTION_TITLES.iter().enumerate() {
            let name = if n == 0 {
                "all".to_string()
            } else {
                n.to_string()
            };
            if !c
                .text_similarity
                .values()
                .any(|s| s.sections.contains_key(&name))
            {
                continue;
            }
            let _ = write!(out, "<tr><td>{}</td>", esc(title));
            for s in c.text_similarity.values() {
                match s.sections.get(&name) {
                    Some(f) => {
                        let heat = f.sentence_reuse.unwrap_or(0.0).clamp(0.0, 1.0) * 0.45;
                        let _ = write!(
                            out,
                            "<td class=\"num\" style=\"background:rgba(214,69,65,{heat:.2})\">句 {}<small>5-gram {}</small></td>",
                            fmt_pct(f.sentence_reuse),
                            fmt_pct(f.ngram_reuse)
                        );
                    }
                    None => out.push_str("<td class=\"num blank\">–</td>"),
                }
            }
            out.push_str("</tr>\n");
        }
        out.push_str("</table>\n<p class=\"legend\">句：今年的句子中去年同一部分已有的比例（数字不计）；5-gram：今年的字符 5-gram 中去年已有的比例。接近 100% 表示文字基本照搬上年。</p>\n");
    }
    out.push_str("</section>\n");
}

/// An inline SVG bar chart of one headline metric.
fn chart(s: &Series, years: &[i32], out: &mut String) {
    const W: f64 = 230.0;
    const H: f64 = 150.0;
    const TOP: f64 = 18.0;
    const BOTTOM: f64 = 20.0;
    const LEFT: f64 = 6.0;
    let vals: Vec<Option<f64>> = years
        .iter()
        .map(|y| s.values.get(&y.to_string()).copied().flatten())
        .collect();
    let max = vals.iter().flatten().fold(0.0f64, |m, v| m.max(*v));
    let scale = if max > 0.0 {
        (H - TOP - BOTTOM) / max
    } else {
        0.0
    };
    let n = years.len().max(1) as f64;
    let slot = (W - 2.0 * LEFT) / n;
    let bar = (slot * 0.6).min(40.0);
    let base = H - BOTTOM;
    // Caption: the latest value and its change from the year before it.
    let latest = match vals.as_slice() {
        [.., Some(a), Some(b)] => {
            let change = if a == b {
                "持平".to_string()
            } else {
                let sign = if b > a { "+" } else { "" };
                let pct = if *a != 0.0 {
                    format!("，{:+.1}%", (b - a) / a * 100.0)
                } else {
                    String::new()
                };
                format!("{sign}{}{pct}", fmt_num(b - a))
            };
            format!(
                " <small>{} 年 {}（{change}）</small>",
                years[years.len() - 1],
                fmt_num(*b)
            )
        }
        [.., Some(b)] => format!(
            " <small>{} 年 {}</small>",
            years[years.len() - 1],
            fmt_num(*b)
        ),
        _ => String::new(),
    };
    let _ = write!(
        out,
        "<figure><figcaption>{}{latest}</figcaption><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{W}\" height=\"{H}\" viewBox=\"0 0 {W} {H}\" role=\"img\"><title>{}</title>\
         <line x1=\"{LEFT}\" y1=\"{base}\" x2=\"{}\" y2=\"{base}\" stroke=\"#9aa3b2\"/>",
        esc(&s.label),
        esc(&format!("{} ({})", s.label, s.key)),
        W - LEFT
    );
    for (i, (y, v)) in years.iter().zip(&vals).enumerate() {
        let cx = LEFT + slot * (i as f64 + 0.5);
        match v {
            Some(v) => {
                let h = (v * scale).max(if *v > 0.0 { 1.0 } else { 0.0 });
                let _ = write!(
                    out,
                    "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{bar:.1}\" height=\"{h:.1}\" fill=\"#3b6fd8\"><title>{y}: {}</title></rect>\
                     <text x=\"{cx:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"middle\" fill=\"#1d2433\">{}</text>",
                    cx - bar / 2.0,
                    base - h,
                    fmt_num(*v),
                    base - h - 4.0,
                    fmt_num(*v)
                );
            }
            None => {
                let _ = write!(
                    out,
                    "<text x=\"{cx:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"middle\" fill=\"#9aa3b2\">–</text>",
                    base - 4.0
                );
            }
        }
        let _ = write!(
            out,
            "<text x=\"{cx:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"middle\" fill=\"#6b7385\">{y}</text>",
            H - 5.0
        );
    }
    out.push_str("</svg></figure>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            esc("<a href=\"x\">&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;"
        );
    }
}
