//! The per-report JSON document: the public interface described by
//! `schemas/report.schema.json`. Field names here are part of that interface.

/// The section tree, defined in the model layer (the structure stage builds
/// it, normalization fills it in); re-exported here as part of the JSON.
pub use crate::model::{Content, ParagraphOut, Section};
use crate::model::{Format, HeaderFooter, Note, Properties, Warning};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Version of the report JSON layout.
pub const SCHEMA_VERSION: &str = "1.0";

/// One converted document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DocumentOutput {
    /// Version of this layout (`1.0`).
    pub schema_version: String,
    /// Where the document came from.
    pub source: Source,
    /// Document properties.
    pub properties: Properties,
    /// The document's title as shown at its top (or the title property).
    pub title: Option<String>,
    /// Section tree. Text before the first heading is a level-0 section.
    pub sections: Vec<Section>,
    /// Footnotes and endnotes.
    #[serde(default)]
    pub notes: Vec<Note>,
    /// Page headers.
    #[serde(default)]
    pub headers: Vec<HeaderFooter>,
    /// Page footers.
    #[serde(default)]
    pub footers: Vec<HeaderFooter>,
    /// Everything recovered from while reading.
    pub warnings: Vec<Warning>,
    /// Only part of the document could be read: its main part is cut off (a
    /// truncated file), and sections, tables and the report hold what precedes
    /// the cut (see the `truncated_part` warning). Absent when false.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub partial: bool,
    /// The annual-report profile (agency, year, template, metrics, checks);
    /// absent when the document is not a 政府信息公开工作年度报告.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub report: Option<crate::profile::Report>,
}

impl DocumentOutput {
    /// The parts of this document the report profile reads.
    pub fn profile_view(&self) -> crate::profile::DocView<'_> {
        crate::profile::DocView {
            path: &self.source.path,
            title: self.title.as_deref(),
            title_property: self.properties.title.as_deref(),
            sections: &self.sections,
        }
    }
}

/// Where a document came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// Path relative to the input root (`archive.zip!member.docx` inside archives).
    pub path: String,
    /// Format.
    pub format: Format,
    /// Size in bytes.
    pub size: u64,
    /// SHA-256 of the file's bytes, lower-case hex.
    pub sha256: String,
}
