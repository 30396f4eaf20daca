//! A deterministic synthetic data set (`reports.jsonl` plus per-report JSON
//! files, in the layout `reportdex convert` writes) for benchmarks and tests
//! of the index and compare stages. Not real reports: agency names, numbers and
//! text are generated.
//!
//! Each agency reports every year; the 2019 template is used up to 2020, the
//! 2021 template after. Values follow the R6 carry-over rule except for every
//! seventh agency-year; texts reuse part of the previous year's sentences.

use crate::profile::catalog;
use crate::profile::sections::STANDARD_TITLES;
use crate::profile::Template;
use serde_json::{json, Map, Value};
use std::io::Write;
use std::path::Path;

/// Size of a synthetic data set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SyntheticSpec {
    /// Number of agencies.
    pub agencies: usize,
    /// First reporting year.
    pub first_year: i32,
    /// Years per agency.
    pub years: usize,
}

/// Small deterministic generator (SplitMix64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

const PHRASES: [&str; 12] = [
    "认真贯彻落实政府信息公开条例",
    "持续推进政务公开标准化规范化建设",
    "进一步完善主动公开目录",
    "依法依规办理政府信息公开申请",
    "加强政府信息管理和发布审核",
    "优化政府网站信息公开专栏",
    "强化监督保障和业务培训",
    "及时回应社会关切",
    "公开内容的全面性和及时性仍需提高",
    "部分工作人员业务能力有待加强",
    "将加大培训力度，提升公开质量",
    "不断提高政务公开工作水平",
];

fn sentence(rng: &mut Rng, year: i32, i: usize) -> String {
    let a = PHRASES[rng.below(PHRASES.len() as u64) as usize];
    let b = PHRASES[rng.below(PHRASES.len() as u64) as usize];
    format!(
        "{year}年，本机关{a}，{b}，全年共办理第{i}项相关事项{}件。",
        rng.below(500)
    )
}

/// Write a synthetic data set into `out_dir`; returns the number of reports.
pub fn write_dataset(out_dir: &Path, spec: &SyntheticSpec) -> std::io::Result<usize> {
    std::fs::create_dir_all(out_dir.join("reports"))?;
    let mut jsonl = std::io::BufWriter::new(std::fs::File::create(out_dir.join("reports.jsonl"))?);
    let mut n = 0;
    for a in 0..spec.agencies {
        let agency = format!("合成市第{a}区测试局");
        let mut rng = Rng(a as u64 * 7919 + 17);
        let mut carried: Vec<u64> = vec![0; 7];
        let mut prev_text: Vec<Vec<String>> = vec![Vec::new(); 7];
        for yi in 0..spec.years {
            let year = spec.first_year + yi as i32;
            let version = if year <= 2020 {
                Template::V2019
            } else {
                Template::V2021
            };
            let template = version.name();
            let mut metrics = Map::new();
            let mut sources = Map::new();
            for (k, m) in catalog::entries().iter().enumerate() {
                if !m.in_version(version) {
                    continue;
                }
                let v = rng.below(40);
                metrics.insert(m.key.clone(), json!(v));
                sources.insert(
                    m.key.clone(),
                    json!({"table": 1, "row": k / 7, "col": k % 7, "raw": v.to_string()}),
                );
            }
            let inconsistent = (a + yi) % 7 == 3;
            for (c, col) in super::crossyear::S3_COLUMNS.iter().enumerate() {
                let over = carried[c] + u64::from(inconsistent);
                metrics.insert(format!("s3.carried_over.{col}"), json!(over));
                let fwd = rng.below(5);
                metrics.insert(format!("s3.carried_forward.{col}"), json!(fwd));
                carried[c] = fwd;
            }
            // Sections: keep about half of last year's sentences.
            let mut sections = Vec::new();
            for (s, title) in (1..).zip(STANDARD_TITLES) {
                let mut sents: Vec<String> = prev_text[s]
                    .iter()
                    .filter(|_| rng.below(2) == 0)
                    .cloned()
                    .collect();
                while sents.len() < 6 {
                    let i = sents.len();
                    sents.push(sentence(&mut rng, year, i));
                }
                prev_text[s] = sents.clone();
                let mut content: Vec<Value> = sents
                    .iter()
                    .map(|t| json!({"type": "paragraph", "text": t}))
                    .collect();
                if s == 3 {
                    let cells: Vec<Value> = (0..28 * 10)
                        .map(|i| json!({"row": i / 10, "col": i % 10, "row_span": 1, "col_span": 1, "text": (i % 37).to_string()}))
                        .collect();
                    content.push(json!({"type": "table", "n_rows": 28, "n_cols": 10, "header_rows": 3, "cells": cells}));
                }
                sections.push(json!({"title": title, "level": 1, "heading_source": "style", "content": content, "sections": []}));
            }
            let title = format!("{agency}{year}年政府信息公开工作年度报告");
            let rel = format!("reports/a{a:05}_{year}.json");
            let report = json!({
                "agency": agency, "agency_normalized": agency, "agency_source": "title",
                "agency_forms": [agency], "year": year, "year_source": "title",
                "template": template, "template_inferred": false,
                "sections": (1..).zip(STANDARD_TITLES)
                    .map(|(i, t)| json!({"standard": i, "title": t})).collect::<Vec<_>>(),
                "metrics": metrics, "metric_sources": sources,
                "checks": [{"rule": "R1", "column": "total", "status": "pass", "expected": 1, "actual": 1}],
            });
            let doc = json!({
                "schema_version": "1.0",
                "source": {"path": format!("a{a:05}/{year}.docx"), "format": "docx", "size": 1, "sha256": "0"},
                "properties": {}, "title": title, "sections": sections,
                "notes": [], "headers": [], "footers": [], "warnings": [], "report": report,
            });
            std::fs::write(out_dir.join(&rel), doc.to_string())?;
            let line = json!({"path": format!("a{a:05}/{year}.docx"), "json": rel, "sha256": "0",
                              "format": "docx", "title": title, "report": report});
            writeln!(jsonl, "{line}")?;
            n += 1;
        }
    }
    jsonl.flush()?;
    Ok(n)
}
