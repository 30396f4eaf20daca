//! The section tree of a document: what `structure` builds from the model's
//! flat list of blocks, what `normalize` fills in and what the report JSON
//! carries (`output::DocumentOutput::sections`).

use super::{HeadingSource, Table};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

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
