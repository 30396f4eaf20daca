//! The canonical metric catalog as `compare` shows it: display order, Chinese
//! labels and units of the metric keys, from the report profile's catalog
//! (`profile::catalog`: `catalog/metrics.csv`, template.md §7.2).

use crate::profile::catalog::{self, Entry};
use crate::profile::Template;
use std::collections::HashMap;
use std::sync::OnceLock;

/// One catalog row, as shown.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricInfo {
    /// The profile's catalog row (key, versions, unit, template label).
    pub entry: &'static Entry,
    /// Chinese label path shown; the 2021 label when the versions differ.
    pub label: &'static str,
}

impl MetricInfo {
    /// Whether the key exists in the template version named `template`
    /// (`2019`, `2021`).
    pub fn in_template(&self, template: &str) -> bool {
        Template::from_name(template).is_some_and(|t| self.entry.in_version(t))
    }
}

/// The catalog: rows in file order and a key lookup.
#[derive(Debug, Default)]
pub struct Catalog {
    /// Rows in catalog order.
    pub metrics: Vec<MetricInfo>,
    by_key: HashMap<&'static str, usize>,
    display: Vec<&'static str>,
}

impl Catalog {
    /// The embedded catalog (built once).
    pub fn get() -> &'static Catalog {
        static CATALOG: OnceLock<Catalog> = OnceLock::new();
        CATALOG.get_or_init(|| Catalog::of(catalog::entries()))
    }

    /// The catalog of the profile's `entries` (a repeated key keeps its
    /// first row).
    fn of(entries: &'static [Entry]) -> Catalog {
        let mut cat = Catalog::default();
        for entry in entries {
            if entry.key.is_empty() || cat.by_key.contains_key(entry.key.as_str()) {
                continue;
            }
            // `2021 label | 2019: 2019 label` when they differ: the 2021 one.
            let label = entry.label_path.split(" | ").next().unwrap_or("").trim();
            cat.by_key.insert(&entry.key, cat.metrics.len());
            cat.metrics.push(MetricInfo { entry, label });
        }
        cat.display = cat.display_order_of();
        cat
    }

    /// Keys in the order of the report's tables: the catalog order, with each
    /// derived group subtotal (`s3.denied.total.<col>`) just before the group's
    /// first sub-row and each `legal_org_subtotal` just before its row's
    /// `total` column.
    pub fn display_order(&self) -> &[&'static str] {
        &self.display
    }

    fn display_order_of(&self) -> Vec<&'static str> {
        let pos = |k: &str| self.position(k);
        let mut keyed: Vec<((usize, u8, usize), &'static str)> = self
            .metrics
            .iter()
            .enumerate()
            .map(|(i, m)| {
                let k = m.entry.key.as_str();
                let anchor = if let Some(row) = k
                    .strip_prefix("s3.")
                    .and_then(|r| r.strip_suffix(".legal_org_subtotal"))
                {
                    pos(&format!("s3.{row}.total")).map(|p| (p, 0, i))
                } else {
                    let parts: Vec<&str> = k.split('.').collect();
                    match parts.as_slice() {
                        ["s3", group, "total", _]
                            if matches!(*group, "denied" | "unable" | "not_processed") =>
                        {
                            // The whole subtotal row before the group's first sub-row.
                            self.metrics
                                .iter()
                                .position(|m| m.entry.key.starts_with(&format!("s3.{group}.")))
                                .map(|p| (p, 0, i))
                        }
                        _ => None,
                    }
                };
                (anchor.unwrap_or((i, 1, 0)), k)
            })
            .collect();
        keyed.sort();
        keyed.into_iter().map(|(_, k)| k).collect()
    }

    /// Catalog row of a key.
    pub fn info(&self, key: &str) -> Option<&MetricInfo> {
        self.by_key.get(key).map(|&i| &self.metrics[i])
    }

    /// Position of a key in catalog order.
    pub fn position(&self, key: &str) -> Option<usize> {
        self.by_key.get(key).copied()
    }
}

/// A compact label for terminal tables: the article prefix of section 二 and
/// the intermediate header levels of section 三 dropped
/// (`三、本年度办理结果/（一）予以公开 × 申请人情况/总计` → `（一）予以公开 × 总计`).
pub fn short_label(label: &str) -> String {
    let last = |s: &str| s.rsplit('/').next().unwrap_or(s).trim().to_string();
    if let Some((row, col)) = label.split_once(" × ") {
        return format!("{} × {}", last(row), last(col));
    }
    match label.split_once('/') {
        Some((first, rest)) if first.starts_with("第二十条") => rest.to_string(),
        _ => label.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_catalog_has_labels_in_order() {
        let c = Catalog::get();
        assert_eq!(c.metrics[0].entry.key, "s2.regulation.issued");
        assert_eq!(c.metrics[0].label, "第二十条第（一）项/规章/本年制发件数");
        let g = c.info("s3.granted.total").unwrap();
        assert_eq!(
            g.label,
            "三、本年度办理结果/（一）予以公开 × 申请人情况/总计"
        );
        assert!(g.in_template("2019") && g.in_template("2021"));
        let misc = c.info("s3.other.misc.total").unwrap();
        assert!(!misc.in_template("2019") && misc.in_template("2021"));
        assert!(!misc.in_template("2020"));
        assert_eq!(c.info("s2.fee.amount_wan_yuan").unwrap().entry.unit, "万元");
        assert!(c.position("s2.regulation.issued") < c.position("s4.review.total"));
        assert_eq!(c.metrics.len(), 269);
    }

    #[test]
    fn display_order_puts_subtotals_next_to_their_parts() {
        let order = Catalog::get().display_order();
        let at = |k: &str| order.iter().position(|&x| x == k).unwrap();
        assert_eq!(order.len(), Catalog::get().metrics.len());
        assert_eq!(
            at("s3.denied.total.total") + 1,
            at("s3.denied.state_secret.natural_person")
        );
        assert!(at("s3.partial.total") < at("s3.denied.total.total"));
        assert!(at("s3.denied.admin_query.total") < at("s3.unable.total.natural_person"));
        assert_eq!(
            at("s3.granted.legal_org_subtotal") + 1,
            at("s3.granted.total")
        );
        assert!(at("s3.carried_forward.total") < at("s4.review.upheld"));
    }

    #[test]
    fn short_labels() {
        assert_eq!(
            short_label("三、本年度办理结果/（一）予以公开 × 申请人情况/总计"),
            "（一）予以公开 × 总计"
        );
        assert_eq!(
            short_label("第二十条第（一）项/规章/本年制发件数"),
            "规章/本年制发件数"
        );
        assert_eq!(short_label("行政复议/总计"), "行政复议/总计");
    }
}
