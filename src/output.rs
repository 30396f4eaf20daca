//! The per-report JSON document: the public interface described by
//! `schemas/report.schema.json`. Field names here are part of that interface.

use crate::model::{Format, HeaderFooter, HeadingSource, Note, Properties, Table, Warning};
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

/// A section: a heading and what follows it up to the next heading of the same
/// or a higher level.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Section {
    /// The heading as displayed, automatic numbering included (`一、总体情况`);
    /// empty for the level-0 preamble.
    pub title: String,
    /// Heading level: 0 for the preamble, 1 for top-level sections.
    pub level: u8,
    /// Which rule made the heading.
    pub heading_source: HeadingSource,
    /// Paragraphs and tables in document order.
    pub content: Vec<Content>,
    /// Child sections.
    pub sections: Vec<Section>,
}

/// One content item of a section.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Content {
    /// A paragraph.
    Paragraph(ParagraphOut),
    /// A table.
    Table(Table),
}

/// A paragraph in the output.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ParagraphOut {
    /// Text as displayed (numbering included; `\n` for line breaks).
    pub text: String,
    /// Paragraph style name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub style: Option<String>,
    /// Ids of the notes referenced here.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// Normalized form of `text` (NFKC, simplified, no pinyin artifacts, unified
    /// quotes and item markers; see `normalize`), present only when it differs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub normalized: Option<String>,
}
