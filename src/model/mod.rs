//! The one document model that every format reader produces.
//!
//! Readers (`read::docx`, `read::odt`) turn a package into a [`Document`]: a flat,
//! ordered list of body [`Block`]s (paragraphs and tables) plus notes, headers,
//! footers, properties and recoverable [`Warning`]s. Nothing after the reader knows
//! which format a document came from. The section tree ([`Section`]) is built later, from the
//! heading information carried by each [`Paragraph`] (see `structure`).

mod section;
mod table;

pub use section::{Content, ParagraphOut, Section};
pub use table::{Cell, RawCell, RawRow, RawTable, Table, VMerge, MAX_TABLE_CELLS};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Source format of a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// Office Open XML word-processing document (ECMA-376).
    Docx,
    /// OpenDocument text (ODF 1.2/1.3).
    Odt,
    /// Word 97-2003 binary document (\[MS-DOC\]), `.doc` / `.dot`.
    Doc,
    /// Kingsoft WPS Writer document saved in the Word binary format (`.wps`).
    Wps,
}

impl Format {
    /// Lower-case name as used in JSON and file extensions.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Docx => "docx",
            Format::Odt => "odt",
            Format::Doc => "doc",
            Format::Wps => "wps",
        }
    }
}

/// A document as read from its package, before the section tree is built.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Document {
    /// Document properties (docProps/core.xml + app.xml, or meta.xml).
    pub properties: Properties,
    /// Body content in reading order. Text-box paragraphs follow the paragraph
    /// that anchors them.
    pub body: Vec<Block>,
    /// Footnotes and endnotes, referenced from [`Paragraph::note_refs`].
    pub notes: Vec<Note>,
    /// Page headers, kept apart from the body.
    pub headers: Vec<HeaderFooter>,
    /// Page footers, kept apart from the body.
    pub footers: Vec<HeaderFooter>,
    /// Everything the reader recovered from.
    pub warnings: Vec<Warning>,
    /// The main part is cut off (a truncated file): only what precedes the cut
    /// was read (see the `truncated_part` warning).
    pub partial: bool,
}

/// One body block.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// A paragraph (or heading; see [`Paragraph::heading`]).
    Paragraph(Paragraph),
    /// A table, with merged cells resolved into a grid.
    Table(Table),
}

/// How a paragraph was recognized as a heading.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum HeadingSource {
    /// The paragraph style (its outline level, or a `Heading N` / `标题 N` style name),
    /// following the `basedOn` / parent-style chain.
    Style,
    /// The paragraph's own outline level (DOCX `w:outlineLvl` in `w:pPr`, ODT `text:h`).
    OutlineLevel,
    /// A numbered-title pattern such as `一、`, `（一）`, `1.`, `（1）` on a short paragraph.
    NumberedPattern,
    /// The text before the first heading (level 0); not a heading at all.
    Preamble,
}

/// Heading information attached by a reader to a paragraph.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Heading {
    /// 1-based heading level.
    pub level: u8,
    /// Which rule made it a heading.
    pub source: HeadingSource,
}

/// A paragraph of text as a reader of the document sees it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Paragraph {
    /// Displayed text, automatic numbering label included (e.g. `一、总体情况`).
    /// Line breaks inside the paragraph are `\n`, tabs `\t`.
    pub text: String,
    /// The automatic numbering label if the paragraph is numbered (e.g. `一、`),
    /// already included at the start of `text`.
    pub number_label: Option<String>,
    /// Display name of the paragraph style, if any.
    pub style: Option<String>,
    /// Heading level from styles or outline levels; `None` for body text.
    /// Pattern-based headings are detected later, by `structure`.
    pub heading: Option<Heading>,
    /// True when every non-whitespace character is bold.
    pub bold: bool,
    /// True when the paragraph is centered.
    pub centered: bool,
    /// Ids of notes referenced from this paragraph, in order.
    pub note_refs: Vec<String>,
}

impl Paragraph {
    /// A plain body paragraph with the given text.
    pub fn new(text: impl Into<String>) -> Self {
        Paragraph {
            text: text.into(),
            ..Paragraph::default()
        }
    }
}

/// Kind of a note.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum NoteKind {
    /// Footnote.
    Footnote,
    /// Endnote.
    Endnote,
}

/// A footnote or endnote.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Note {
    /// Identifier unique within the document (`footnote-3`, `endnote-1`, ...).
    pub id: String,
    /// Footnote or endnote.
    pub kind: NoteKind,
    /// The mark shown in the text (`1`, `*`), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Note text; paragraphs separated by `\n`.
    pub text: String,
}

/// A page header or footer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct HeaderFooter {
    /// Which pages it applies to: `default`, `first`, `even` (DOCX) or `left`, `first`
    /// (ODT); whatever the source calls it.
    pub kind: String,
    /// Text; paragraphs separated by `\n`.
    pub text: String,
}

/// Document properties (metadata).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Properties {
    /// Title property (not necessarily the title shown in the body).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Subject.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// Author / initial creator.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creator: Option<String>,
    /// Keywords, as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keywords: Option<String>,
    /// Description / comments.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Last modified by.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_modified_by: Option<String>,
    /// Creation date-time, as written (W3CDTF / ISO 8601).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<String>,
    /// Last modification date-time, as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modified: Option<String>,
    /// Language.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// Producing application (app.xml `Application`, ODT `meta:generator`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub application: Option<String>,
    /// Company (app.xml).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company: Option<String>,
    /// Page count statistic, if the producer stored one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pages: Option<u64>,
    /// Word count statistic, if the producer stored one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub words: Option<u64>,
    /// Characters count statistic, if the producer stored one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub characters: Option<u64>,
    /// User-defined properties (custom.xml, `meta:user-defined`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub custom: BTreeMap<String, String>,
}

/// Something a reader or later stage recovered from. Warnings are data: they go
/// into the output JSON with stable snake_case codes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Warning {
    /// Stable snake_case code, e.g. `missing_styles`, `unknown_numbering_id`,
    /// `vmerge_without_restart`, `grid_span_overflow`.
    pub code: String,
    /// Human-readable explanation.
    pub message: String,
    /// Where it happened (part name, optionally with a byte offset or table position).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
}

impl Warning {
    /// A warning with a code, message and optional location.
    pub fn new(
        code: impl Into<String>,
        message: impl Into<String>,
        location: Option<String>,
    ) -> Self {
        Warning {
            code: code.into(),
            message: message.into(),
            location,
        }
    }
}
