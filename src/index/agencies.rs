//! Second pass of the index: each agency built from its reports' lines, read
//! again (checks summed, cross-year checks), with the text similarity of each
//! report against the agency's previous one, in parallel chunks.

use super::input::{InputLine, InputReport};
use super::names::MatchRule;
use super::pass1::{LineText, Pass1, Placed, Tail};
use super::{
    crossyear, differing_keys, merge, similarity, Agency, AgencyYear, Check, CheckSummary,
    IndexError, NameMatch, Problem, ReportEntry, SectionSimilarity, TextSimilarity,
    MAX_REPORT_JSON_BYTES,
};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Component, Path, PathBuf};

/// A report as the index keeps it, with what the agency needs besides.
pub(super) struct Full {
    pub(super) name: String,
    pub(super) year: i32,
    pub(super) rule: Option<MatchRule>,
    pub(super) forms: Vec<String>,
    pub(super) mapping: Vec<(u8, String)>,
    pub(super) entry: ReportEntry,
}

/// Read and parse a placed report's line again.
pub(super) fn reload(
    p: Placed,
    file: &mut Option<std::fs::File>,
    reports: Option<&Path>,
) -> Result<Full, IndexError> {
    use std::io::{Read, Seek, SeekFrom};
    let changed = |what: &str| IndexError::Io {
        path: reports.map(Path::to_path_buf).unwrap_or_default(),
        source: std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!(
                "line {}: {what} (was the file changed while indexing?)",
                p.line_no
            ),
        ),
    };
    let text: Box<str> = match p.text {
        LineText::Text(t) => t,
        LineText::At { offset, len } => {
            let path = reports.ok_or_else(|| changed("no file"))?;
            let io = |source| IndexError::Io {
                path: path.to_path_buf(),
                source,
            };
            if file.is_none() {
                *file = Some(std::fs::File::open(path).map_err(io)?);
            }
            let f = file.as_mut().ok_or_else(|| changed("no file"))?;
            f.seek(SeekFrom::Start(offset)).map_err(io)?;
            let mut buf = vec![0u8; len];
            f.read_exact(&mut buf).map_err(io)?;
            String::from_utf8(buf)
                .map_err(|_| changed("not UTF-8"))?
                .into_boxed_str()
        }
    };
    let line: InputLine = serde_json::from_str(&text).map_err(|_| changed("malformed"))?;
    drop(text);
    let InputLine {
        path,
        json,
        sha256,
        format,
        title,
        report,
    } = line;
    let report = report.ok_or_else(|| changed("no report"))?;
    let InputReport {
        agency,
        agency_forms,
        template,
        mut metrics,
        checks,
        sections,
        ..
    } = report;
    fill_other_total(template.as_deref(), &mut metrics);
    let mut summary = CheckSummary::default();
    for c in checks {
        match c.status.as_str() {
            "pass" => summary.pass += 1,
            "fail" => {
                summary.fail += 1;
                summary.failed.push(Check {
                    rule: c.rule,
                    column: c.column,
                    expected: c.expected,
                    actual: c.actual,
                    evidence: c.evidence,
                });
            }
            _ => summary.not_checkable += 1,
        }
    }
    let mut forms: Vec<String> = agency_forms;
    if let Some(a) = &agency {
        forms.push(a.clone());
    }
    Ok(Full {
        name: p.name,
        year: p.year,
        rule: p.rule,
        forms,
        mapping: sections
            .into_iter()
            .map(|s| (s.standard, s.title))
            .collect(),
        entry: ReportEntry {
            path,
            json,
            sha256,
            format,
            title,
            agency,
            template,
            metrics,
            checks: summary,
        },
    })
}

/// Agencies built and handed on per parallel chunk, at most.
pub(super) const AGENCY_CHUNK: usize = 128;
/// Reports per parallel chunk, at most (unless one agency has more): a
/// chunk's agencies are all in memory at once, built and serialized, so its
/// size in reports, not in agencies, bounds the second pass's memory. Counted
/// in agencies alone, the chunks of an archive holding ten reports per agency
/// held 44 MB of agencies at the peak (heaptrack, 20,000 reports), ten times
/// what the same number of agencies with one report each would.
pub(super) const REPORT_CHUNK: usize = 256;

/// The next chunk of agencies: up to [`AGENCY_CHUNK`] of them and
/// [`REPORT_CHUNK`] reports, but always at least one agency.
pub(super) fn next_chunk<T>(
    groups: &mut std::iter::Peekable<impl Iterator<Item = (String, Vec<T>)>>,
) -> Vec<(String, Vec<T>)> {
    let mut chunk = Vec::new();
    let mut reports = 0;
    while chunk.len() < AGENCY_CHUNK {
        let Some((_, placed)) = groups.peek() else {
            break;
        };
        if !chunk.is_empty() && reports + placed.len() > REPORT_CHUNK {
            break;
        }
        reports += placed.len();
        chunk.extend(groups.next());
    }
    chunk
}

/// Second pass: build each agency (reports re-read, checks, text similarity),
/// pass it through `finish` (in the parallel workers) and hand the result to
/// `sink` in key order. Returns the tail of the index, with the similarity
/// problems appended, and the number of agencies.
pub(super) fn place_agencies<T: Send>(
    pass1: Pass1,
    reports: Option<&Path>,
    docs: Option<&Docs<'_>>,
    finish: impl Fn(Agency) -> Result<T, IndexError> + Sync,
    mut sink: impl FnMut(T) -> Result<(), IndexError>,
) -> Result<(Tail, usize), IndexError> {
    let started = std::time::Instant::now();
    let Pass1 {
        groups, mut tail, ..
    } = pass1;
    let count = groups.len();
    let mut groups = groups.into_iter().peekable();
    loop {
        let chunk: Vec<(String, Vec<Placed>)> = next_chunk(&mut groups);
        if chunk.is_empty() {
            break;
        }
        let built: Vec<Result<(T, Vec<Problem>), IndexError>> = chunk
            .into_par_iter()
            .map(|(key, placed)| {
                let mut file = None;
                let full = placed
                    .into_iter()
                    .map(|p| reload(p, &mut file, reports))
                    .collect::<Result<Vec<Full>, IndexError>>()?;
                drop(file);
                let (mut agency, maps) = assemble_agency(key, full);
                let problems = match docs {
                    Some(docs) => text_similarity(&mut agency, docs, &maps),
                    None => Vec::new(),
                };
                Ok((finish(agency)?, problems))
            })
            .collect();
        for b in built {
            let (done, problems) = b?;
            tail.problems.extend(problems);
            sink(done)?;
        }
        // The chunk's reports and texts were freed all over the heap.
        crate::memory::release_free_memory();
    }
    tracing::debug!("index: {count} agencies built in {:.2?}", started.elapsed());
    Ok((tail, count))
}

/// Mapping of standard sections per report JSON path, kept out of the index.
pub(super) type SectionMaps = BTreeMap<String, Vec<(u8, String)>>;

/// One agency from its reports: years, conflicts, cross-year checks.
pub(super) fn assemble_agency(key: String, mut reports: Vec<Full>) -> (Agency, SectionMaps) {
    reports.sort_by(|a, b| (a.year, &a.entry.path).cmp(&(b.year, &b.entry.path)));
    let mut forms = BTreeSet::new();
    let mut matched = BTreeSet::new();
    let mut name = None;
    for p in &reports {
        forms.extend(p.forms.iter().filter(|f| !f.trim().is_empty()).cloned());
        if let Some(rule) = p.rule {
            matched.insert((p.name.clone(), rule));
        }
        if p.name == key {
            // Sorted by year: the last one wins.
            name = p.entry.agency.clone().or(name);
        }
    }
    let mut maps = SectionMaps::new();
    let mut years: Vec<AgencyYear> = Vec::new();
    for p in reports {
        if let Some(json) = &p.entry.json {
            maps.insert(json.clone(), p.mapping);
        }
        match years.last_mut() {
            Some(y) if y.year == p.year => {
                y.conflict = true;
                y.reports.push(p.entry);
                y.differing = differing_keys(&y.reports);
                y.values_agree = Some(y.differing.is_empty());
            }
            _ => years.push(AgencyYear {
                year: p.year,
                conflict: false,
                values_agree: None,
                differing: Vec::new(),
                reports: vec![p.entry],
            }),
        }
    }
    let cross_checks = crossyear::cross_checks(&years);
    let agency = Agency {
        name: name.unwrap_or_else(|| key.clone()),
        key,
        forms: forms.into_iter().collect(),
        matched: matched
            .into_iter()
            .map(|(name, rule)| NameMatch { name, rule })
            .collect(),
        years,
        cross_checks,
        text_similarity: Vec::new(),
    };
    (agency, maps)
}

/// Keys of the 2021 （六）其他处理 sub-rows whose sum is `s3.other.total.*`.
pub(super) const OTHER_PARTS: [&str; 3] = ["no_correction", "no_fee", "misc"];

/// For a 2021 report without `s3.other.total.<col>`, derive it as the sum of
/// the three sub-rows (null when one is blank) — template.md §7.2.
pub(super) fn fill_other_total(
    template: Option<&str>,
    metrics: &mut crate::profile::KeyMap<Option<f64>>,
) {
    if template != Some("2021") {
        return;
    }
    for col in crossyear::S3_COLUMNS
        .iter()
        .copied()
        .chain(["legal_org_subtotal"])
    {
        let key = format!("s3.other.total.{col}");
        if metrics.contains_key(&key) {
            continue;
        }
        let parts: Vec<Option<Option<f64>>> = OTHER_PARTS
            .iter()
            .map(|p| metrics.get(&format!("s3.other.{p}.{col}")).copied())
            .collect();
        if parts.iter().all(Option::is_none) {
            continue;
        }
        let sum = parts
            .iter()
            .try_fold(0.0, |acc, v| v.flatten().map(|x| acc + x));
        metrics.insert(key, sum);
    }
}

/// Resolve a per-report JSON path (relative to OUT) safely.
pub(super) fn report_json_path(out_dir: &Path, rel: &str) -> Option<PathBuf> {
    let p = Path::new(rel);
    p.components()
        .all(|c| matches!(c, Component::Normal(_) | Component::CurDir))
        .then(|| out_dir.join(p))
}

/// Where the per-report JSON of the index's reports are.
pub(super) enum Docs<'a> {
    /// Files at their `json` path relative to this directory.
    Dir(&'a Path),
    /// The shards of a merged index: `json` path → where that report is.
    Merged(&'a merge::DocLocations),
}

impl Docs<'_> {
    /// The JSON text of the report whose `json` path is `rel`.
    fn read(&self, rel: &str) -> Result<Vec<u8>, String> {
        match self {
            Docs::Dir(out_dir) => {
                read_report_file(&report_json_path(out_dir, rel).ok_or("unsafe path")?)
            }
            Docs::Merged(locations) => locations.read(rel),
        }
    }
}

/// A per-report JSON file, refused when larger than [`MAX_REPORT_JSON_BYTES`].
pub(super) fn read_report_file(path: &Path) -> Result<Vec<u8>, String> {
    let meta = std::fs::metadata(path).map_err(|e| e.to_string())?;
    if meta.len() > MAX_REPORT_JSON_BYTES {
        return Err(format!("larger than {MAX_REPORT_JSON_BYTES} bytes"));
    }
    std::fs::read(path).map_err(|e| e.to_string())
}

pub(super) fn load_fingerprint(
    docs: &Docs<'_>,
    rel: &str,
    mapping: &[(u8, String)],
) -> Result<similarity::DocFingerprint, String> {
    let bytes = docs.read(rel)?;
    // Validated as UTF-8 once, in bulk: `from_slice` checks every string on
    // its own (most of the text is Chinese), which cost more than the check
    // of the whole line. Invalid bytes still go to `from_slice`, for its
    // error message.
    let doc: similarity::DocLite = match simdutf8::basic::from_utf8(&bytes) {
        Ok(text) => serde_json::from_str(text),
        Err(_) => serde_json::from_slice(&bytes),
    }
    .map_err(|e| e.to_string())?;
    Ok(similarity::fingerprint_doc(&doc, mapping))
}

/// Text similarity of each year of an agency with its previous report; the
/// per-report JSON files are read one after the other and dropped once
/// fingerprinted. Returns the problems met.
pub(super) fn text_similarity(
    agency: &mut Agency,
    docs: &Docs<'_>,
    maps: &SectionMaps,
) -> Vec<Problem> {
    let mut problems = Vec::new();
    if agency.years.len() < 2 {
        return problems;
    }
    let mut prev: Option<(i32, similarity::DocFingerprint)> = None;
    let mut out = Vec::new();
    for y in &agency.years {
        // A conflicting year uses its first report (sorted by path).
        let Some(rel) = y.reports.first().and_then(|r| r.json.as_deref()) else {
            prev = None;
            continue;
        };
        let mapping = maps.get(rel).map(Vec::as_slice).unwrap_or(&[]);
        let fp = match load_fingerprint(docs, rel, mapping) {
            Ok(fp) => fp,
            Err(message) => {
                problems.push(Problem {
                    line: None,
                    path: Some(rel.to_string()),
                    message: format!("text similarity skipped: {message}"),
                });
                prev = None;
                continue;
            }
        };
        if let Some((prev_year, prev_fp)) = &prev {
            let mut sections = Vec::new();
            for (n, (cur, old)) in fp.iter().zip(prev_fp.iter()).enumerate() {
                if let (Some(cur), Some(old)) = (cur, old) {
                    let r = similarity::compare(cur, old);
                    sections.push(SectionSimilarity {
                        section: n as u8,
                        sentences: r.sentences,
                        sentences_reused: r.sentences_reused,
                        sentence_reuse: r.sentence_reuse,
                        ngram_reuse: r.ngram_reuse,
                        chars: r.chars,
                        prev_chars: r.prev_chars,
                    });
                }
            }
            out.push(TextSimilarity {
                year: y.year,
                prev_year: *prev_year,
                sections,
            });
        }
        prev = Some((y.year, fp));
    }
    agency.text_similarity = out;
    problems
}
