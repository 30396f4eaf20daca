//! `compare --all --format html -o DIR` (issue 13): a small static site
//! instead of one page holding every agency. `DIR/index.html` lists the
//! agencies (with a search box: a few lines of inline script) and national
//! aggregates per year; `DIR/agencies/<name>.html` is one page per agency, as
//! `--agency NAME --format html` draws it, linking back to the index. Every
//! page is self-contained (inline CSS and SVG, no network).
//!
//! Streaming: agencies are compared and rendered a batch at a time (in
//! parallel) and each page is written as soon as it is drawn; only one small
//! row per agency and the per-year totals are kept for the index page.

use super::html::{esc, page_head, render_agency};
use super::model::Comparison;
use super::{fmt_num, CompareError, CompareOptions, MetricFilter, HEADLINE};
use crate::index::{stream, Agency, Index};
use rayon::prelude::*;
use std::collections::{BTreeMap, HashSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Folder of the agency pages inside the site directory.
pub const AGENCIES_DIR: &str = "agencies";

/// Agencies compared and rendered at a time: bounds memory, keeps both cores busy.
const BATCH: usize = 64;

/// Longest file stem of an agency page, in characters.
const MAX_STEM: usize = 60;

/// What [`write()`] and [`write_from_index_file`] wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteSummary {
    /// The index page.
    pub index: PathBuf,
    /// Agency pages written.
    pub agency_pages: usize,
    /// Bytes of every page.
    pub bytes: u64,
    /// The largest page and its size in bytes.
    pub largest: (PathBuf, u64),
}

/// One agency in the index page.
struct Entry {
    name: String,
    key: String,
    file: String,
    years: String,
    reports: usize,
    conflicts: usize,
    fails: usize,
}

/// National figures per year.
#[derive(Default)]
struct YearTotals {
    agencies: usize,
    reports: usize,
    headline: [f64; HEADLINE.len()],
    failed_checks: usize,
    reports_failing: usize,
}

/// File stem of an agency page: the key's letters and digits (Chinese
/// included), anything else as `_`, at most [`MAX_STEM`] characters; `-2`,
/// `-3`… when a stem is taken (compared without case).
fn stem(key: &str, taken: &mut HashSet<String>) -> String {
    let mut base: String = key
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { '_' })
        .take(MAX_STEM)
        .collect();
    if base.is_empty() {
        base.push_str("agency");
    }
    let mut name = base.clone();
    let mut n = 1;
    while !taken.insert(name.to_lowercase()) {
        n += 1;
        name = format!("{base}-{n}");
    }
    name
}

/// Percent-encode a relative URL path (every byte but ASCII letters, digits,
/// `-`, `_`, `.` and `/`).
fn url_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len() * 3);
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'/') {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

fn write_file(path: &Path, text: &str) -> Result<u64, CompareError> {
    std::fs::write(path, text).map_err(|source| CompareError::Write {
        path: path.to_path_buf(),
        source,
    })?;
    Ok(text.len() as u64)
}

/// The page of one agency.
fn agency_page(c: &Comparison) -> String {
    let mut out = String::with_capacity(32 * 1024);
    let title = format!("{} 政府信息公开工作年度报告 跨年比较", c.agency);
    page_head(&title, "", &mut out);
    let _ = writeln!(
        out,
        "<p class=\"sub\"><a href=\"../index.html\" id=\"home\">← 全部机构</a></p>\n<h1>{}</h1>\n<p class=\"sub\">reportdex compare · 年份为列，指标为行；变化为与前一比较年份之差</p>",
        esc(&title)
    );
    render_agency(c, 0, &mut out);
    out.push_str("</body>\n</html>\n");
    out
}

/// Write the site of every agency of `index` into `dir` (created if
/// missing; pages already there are overwritten). `opts.years` and
/// `opts.metrics` apply as for one agency; `opts.agency` is ignored.
pub fn write(
    index: &Index,
    opts: &CompareOptions,
    dir: &Path,
) -> Result<SiteSummary, CompareError> {
    if index.agencies.is_empty() {
        return Err(CompareError::EmptyIndex);
    }
    let mut site = Site::new(opts, dir)?;
    super::check_metrics(index, opts, &site.filter)?;
    for batch in index.agencies.chunks(BATCH) {
        site.add(batch)?;
    }
    site.finish(index.unassigned.len())
}

/// [`write()`] reading `OUT/index.json` one agency at a time
/// ([`stream::for_each_agency`]), so that memory does not grow with the index.
pub fn write_from_index_file(
    out_dir: &Path,
    opts: &CompareOptions,
    dir: &Path,
) -> Result<SiteSummary, CompareError> {
    let mut site = Site::new(opts, dir)?;
    if let Some(spec) = &opts.metrics {
        // A pattern no catalog metric matches may still match keys of the
        // reports: one pass to know before any page is written.
        if !super::catalog_has_metric(&site.filter) {
            let mut found = false;
            stream::for_each_agency(out_dir, |a| {
                found = super::agency_has_metric(&a, &site.filter);
                !found
            })?;
            if !found {
                return Err(CompareError::NoMetrics(spec.clone()));
            }
        }
    }
    let mut batch = Vec::with_capacity(BATCH);
    let mut failed = None;
    let summary = stream::for_each_agency(out_dir, |a| {
        batch.push(a);
        if batch.len() == BATCH {
            if let Err(e) = site.add(&batch) {
                failed = Some(e);
                return false;
            }
            batch.clear();
        }
        true
    })?;
    if let Some(e) = failed {
        return Err(e);
    }
    let summary = summary.ok_or_else(|| CompareError::Output("index read stopped".into()))?;
    if summary.agencies == 0 {
        return Err(CompareError::EmptyIndex);
    }
    site.add(&batch)?;
    site.finish(summary.unassigned)
}

/// The site being written: pages so far and what the index page needs.
struct Site<'a> {
    opts: &'a CompareOptions,
    filter: MetricFilter,
    dir: &'a Path,
    taken: HashSet<String>,
    entries: Vec<Entry>,
    totals: BTreeMap<i32, YearTotals>,
    bytes: u64,
    largest: (PathBuf, u64),
}

impl<'a> Site<'a> {
    fn new(opts: &'a CompareOptions, dir: &'a Path) -> Result<Self, CompareError> {
        let pages = dir.join(AGENCIES_DIR);
        std::fs::create_dir_all(&pages).map_err(|source| CompareError::Write {
            path: pages.clone(),
            source,
        })?;
        Ok(Site {
            opts,
            filter: MetricFilter::new(opts.metrics.as_deref()),
            dir,
            taken: HashSet::new(),
            entries: Vec::new(),
            totals: BTreeMap::new(),
            bytes: 0,
            largest: (PathBuf::new(), 0),
        })
    }

    /// Compare and draw a batch of agencies in parallel, then write their pages.
    fn add(&mut self, batch: &[Agency]) -> Result<(), CompareError> {
        let stems: Vec<String> = batch
            .iter()
            .map(|a| stem(&a.key, &mut self.taken))
            .collect();
        let (years, filter) = (self.opts.years, &self.filter);
        let drawn: Vec<(Comparison, String)> = batch
            .par_iter()
            .map(|a| {
                let c = super::comparison(a, years, filter);
                let page = agency_page(&c);
                (c, page)
            })
            .collect();
        for ((c, page), stem) in drawn.into_iter().zip(stems) {
            let file = format!("{AGENCIES_DIR}/{stem}.html");
            self.page(&file, &page)?;
            add_totals(&c, &mut self.totals);
            self.entries.push(entry(&c, file));
        }
        Ok(())
    }

    fn page(&mut self, file: &str, text: &str) -> Result<PathBuf, CompareError> {
        let path = self.dir.join(file);
        let n = write_file(&path, text)?;
        self.bytes += n;
        if n > self.largest.1 {
            self.largest = (path.clone(), n);
        }
        Ok(path)
    }

    /// Write the index page.
    fn finish(mut self, unassigned: usize) -> Result<SiteSummary, CompareError> {
        let page = index_page(&self.entries, &self.totals, unassigned);
        let index = self.page("index.html", &page)?;
        Ok(SiteSummary {
            index,
            agency_pages: self.entries.len(),
            bytes: self.bytes,
            largest: self.largest,
        })
    }
}

fn entry(c: &Comparison, file: String) -> Entry {
    let years = match (c.years.first(), c.years.last()) {
        (Some(a), Some(b)) if a != b => format!("{a}–{b} ({})", c.years.len()),
        (Some(a), _) => a.to_string(),
        _ => String::new(),
    };
    Entry {
        name: c.agency.clone(),
        key: c.agency_key.clone(),
        file,
        years,
        reports: c.reports.values().map(Vec::len).sum(),
        conflicts: c.conflicts.iter().filter(|k| !k.values_agree).count(),
        fails: c.checks.iter().filter(|k| k.status == "fail").count(),
    }
}

fn add_totals(c: &Comparison, totals: &mut BTreeMap<i32, YearTotals>) {
    for y in &c.years {
        let ys = y.to_string();
        let t = totals.entry(*y).or_default();
        t.agencies += 1;
        t.reports += c.reports.get(&ys).map_or(0, Vec::len);
        for (i, s) in c.headline.iter().enumerate().take(HEADLINE.len()) {
            t.headline[i] += s.values.get(&ys).copied().flatten().unwrap_or(0.0);
        }
        if let Some(k) = c.check_summary.get(&ys) {
            t.failed_checks += k.fail;
            t.reports_failing += usize::from(k.fail > 0);
        }
    }
}

const INDEX_STYLE: &str = "
#q{font:inherit;font-size:15px;padding:6px 10px;width:min(480px,100%);border:1px solid var(--line);border-radius:6px}
tr[hidden]{display:none}
";

/// Filters the agency rows as the user types (`?q=` fills the box on load).
const SEARCH_SCRIPT: &str = r#"(function(){
var q=document.getElementById('q'),rows=document.querySelectorAll('#agencies tbody tr'),shown=document.getElementById('shown');
function filter(){var v=q.value.trim().toLowerCase(),n=0;
for(var i=0;i<rows.length;i++){var m=!v||rows[i].getAttribute('data-name').indexOf(v)>=0;
if(m){rows[i].removeAttribute('hidden');n++}else{rows[i].setAttribute('hidden','')}}
shown.textContent=String(n)}
var p=new URLSearchParams(location.search).get('q');if(p){q.value=p}
q.addEventListener('input',filter);filter()})();"#;

fn index_page(entries: &[Entry], totals: &BTreeMap<i32, YearTotals>, unassigned: usize) -> String {
    let mut out = String::with_capacity(1024 + 400 * entries.len());
    let title = format!(
        "政府信息公开工作年度报告 跨年比较（{} 个机构）",
        entries.len()
    );
    page_head(&title, INDEX_STYLE, &mut out);
    let reports: usize = entries.iter().map(|e| e.reports).sum();
    let _ = writeln!(
        out,
        "<h1>{}</h1>\n<p class=\"sub\">reportdex compare · {} 个机构，{reports} 份报告；点击机构名称查看其各年比较</p>",
        esc(&title),
        entries.len()
    );

    // National aggregates.
    out.push_str("<section id=\"national\">\n<h2>全国汇总（按年份）</h2>\n<table class=\"national\">\n<tr><th>年份</th><th class=\"num\">机构</th><th class=\"num\">报告</th>");
    for (caption, _) in HEADLINE {
        let _ = write!(out, "<th class=\"num\">{}</th>", esc(caption));
    }
    out.push_str(
        "<th class=\"num\">未通过的检查</th><th class=\"num\">有未通过检查的报告</th></tr>\n",
    );
    for (y, t) in totals {
        let _ = write!(
            out,
            "<tr><td>{y}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>",
            t.agencies, t.reports
        );
        for v in t.headline {
            let _ = write!(out, "<td class=\"num\">{}</td>", fmt_num(v));
        }
        let _ = writeln!(
            out,
            "<td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            t.failed_checks, t.reports_failing
        );
    }
    let _ = writeln!(
        out,
        "</table>\n<p class=\"legend\">指标为各机构该年报告之和（同一年有多份报告时取第一份）；未通过的检查为报告内检查。未归入机构的文档：{}。</p>\n</section>",
        unassigned
    );

    // Agencies.
    let _ = writeln!(
        out,
        "<section id=\"list\">\n<h2>机构</h2>\n<p><input id=\"q\" type=\"search\" placeholder=\"搜索机构名称\" aria-label=\"搜索机构名称\"> <span class=\"legend\">显示 <span id=\"shown\">{}</span> / {} 个机构</span></p>",
        entries.len(),
        entries.len()
    );
    out.push_str("<table id=\"agencies\">\n<thead><tr><th>机构</th><th>年份</th><th class=\"num\">报告</th><th class=\"num\">冲突</th><th class=\"num\">未通过的检查</th></tr></thead>\n<tbody>\n");
    for e in entries {
        let search = if e.key == e.name {
            e.name.to_lowercase()
        } else {
            format!("{} {}", e.name, e.key).to_lowercase()
        };
        let _ = writeln!(
            out,
            "<tr data-name=\"{}\"><td><a href=\"{}\">{}</a></td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            esc(&search),
            url_path(&e.file),
            esc(&e.name),
            esc(&e.years),
            e.reports,
            e.conflicts,
            e.fails
        );
    }
    let _ = writeln!(
        out,
        "</tbody>\n</table>\n</section>\n<script>{SEARCH_SCRIPT}</script>\n</body>\n</html>"
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_are_safe_and_unique() {
        let mut taken = HashSet::new();
        assert_eq!(stem("威海市文登区财政局", &mut taken), "威海市文登区财政局");
        assert_eq!(stem("a/b..c d", &mut taken), "a_b__c_d");
        assert_eq!(stem("A/B..C D", &mut taken), "A_B__C_D-2");
        assert_eq!(stem("", &mut taken), "agency");
        assert_eq!(
            stem(&"局".repeat(100), &mut taken).chars().count(),
            MAX_STEM
        );
    }

    #[test]
    fn url_paths_are_percent_encoded() {
        assert_eq!(url_path("agencies/a_b-2.html"), "agencies/a_b-2.html");
        assert_eq!(
            url_path("agencies/局 x.html"),
            "agencies/%E5%B1%80%20x.html"
        );
    }
}
