//! The catalog of canonical metric keys (`catalog/metrics.csv`, template.md §7.2),
//! compiled into the binary and parsed once.
//!
//! Columns: `key, section, kind, versions, unit, label_path, description`.
//! `kind` is `cell` (read from a table cell), `derived` (computed from cells) or
//! `cell (2019) / derived (2021)` (`s3.other.total.*`). `versions` lists the
//! template versions the key exists in, space separated.

use super::Template;
use std::sync::OnceLock;

/// The catalog file as shipped in the repository.
pub const CATALOG_CSV: &str = include_str!("../../catalog/metrics.csv");

/// How a metric gets its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Read from one table cell.
    Cell,
    /// Computed from cells (sum of sub-rows or columns).
    Derived,
    /// A cell in the 2019 template, derived in 2021 (`s3.other.total.*`).
    CellIn2019DerivedIn2021,
}

/// One catalog row.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// Canonical key (`s3.granted.total`).
    pub key: String,
    /// Report section (`二`, `三`, `四`).
    pub section: String,
    /// How the value is obtained.
    pub kind: Kind,
    /// Whether the key exists in the 2019 trial format.
    pub in_2019: bool,
    /// Whether the key exists in the 2021 format.
    pub in_2021: bool,
    /// Unit (`件`, `项`, `万元`, `as written`).
    pub unit: String,
    /// Chinese label path in the template.
    pub label_path: String,
    /// English description.
    pub description: String,
}

impl Entry {
    /// Whether the key exists in `t`.
    pub fn in_version(&self, t: Template) -> bool {
        match t {
            Template::V2019 => self.in_2019,
            Template::V2021 => self.in_2021,
        }
    }

    /// Whether the key is read from a cell in `t` (as opposed to derived).
    pub fn is_cell_in(&self, t: Template) -> bool {
        match self.kind {
            Kind::Cell => true,
            Kind::Derived => false,
            Kind::CellIn2019DerivedIn2021 => t == Template::V2019,
        }
    }
}

fn parse(csv_text: &str) -> Vec<Entry> {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(csv_text.as_bytes());
    let mut out = Vec::new();
    for rec in rdr.records().flatten() {
        let get = |i: usize| rec.get(i).unwrap_or("").trim().to_string();
        let kind = match get(2).as_str() {
            "cell" => Kind::Cell,
            "derived" => Kind::Derived,
            k if k.starts_with("cell") && k.contains("derived") => Kind::CellIn2019DerivedIn2021,
            _ => continue,
        };
        let versions = get(3);
        out.push(Entry {
            key: get(0),
            section: get(1),
            kind,
            in_2019: versions.split_whitespace().any(|v| v == "2019"),
            in_2021: versions.split_whitespace().any(|v| v == "2021"),
            unit: get(4),
            label_path: get(5),
            description: get(6),
        });
    }
    out
}

/// All catalog entries, in file order.
pub fn entries() -> &'static [Entry] {
    static CATALOG: OnceLock<Vec<Entry>> = OnceLock::new();
    CATALOG.get_or_init(|| parse(CATALOG_CSV))
}

/// The entries sorted by key (the order of a report's `metrics`).
pub fn by_key() -> &'static [&'static Entry] {
    static SORTED: OnceLock<Vec<&'static Entry>> = OnceLock::new();
    SORTED.get_or_init(|| {
        let mut v: Vec<&'static Entry> = entries().iter().collect();
        v.sort_by(|a, b| a.key.cmp(&b.key));
        v
    })
}

/// The entry of `key`, if any.
pub fn entry(key: &str) -> Option<&'static Entry> {
    entries().iter().find(|e| e.key == key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalog_parses_completely() {
        let e = entries();
        assert_eq!(e.len(), 269);
        let cells_2021 = e
            .iter()
            .filter(|x| x.in_2021 && x.is_cell_in(Template::V2021))
            .count();
        let cells_2019 = e
            .iter()
            .filter(|x| x.in_2019 && x.is_cell_in(Template::V2019))
            .count();
        // 2021: 10 (二) + 25×7 (三) + 15 (四); 2019: 22 + 23×7 + 15.
        assert_eq!(cells_2021, 10 + 175 + 15);
        assert_eq!(cells_2019, 22 + 161 + 15);
        let fee = entry("s2.fee.amount_wan_yuan").unwrap();
        assert_eq!(fee.unit, "万元");
        assert!(fee.in_2021 && !fee.in_2019);
        assert_eq!(
            entry("s3.other.total.total").unwrap().kind,
            Kind::CellIn2019DerivedIn2021
        );
    }
}
