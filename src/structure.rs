//! From the flat block list of a [`Document`] to the section tree (stub).

use crate::model::{Block, Document, HeaderFooter, HeadingSource, Note, Properties, Warning};
use crate::output::{Content, ParagraphOut, Section};

/// The structured parts of a document.
#[derive(Debug, Clone, Default)]
pub struct Built {
    /// Properties.
    pub properties: Properties,
    /// Title.
    pub title: Option<String>,
    /// Section tree.
    pub sections: Vec<Section>,
    /// Notes.
    pub notes: Vec<Note>,
    /// Headers.
    pub headers: Vec<HeaderFooter>,
    /// Footers.
    pub footers: Vec<HeaderFooter>,
    /// Warnings.
    pub warnings: Vec<Warning>,
}

/// Build the section tree.
pub fn build(doc: Document) -> Built {
    let content = doc
        .body
        .into_iter()
        .map(|b| match b {
            Block::Paragraph(p) => Content::Paragraph(ParagraphOut {
                text: p.text,
                style: p.style,
                notes: p.note_refs,
                normalized: None,
            }),
            Block::Table(t) => Content::Table(t),
        })
        .collect();
    Built {
        properties: doc.properties,
        title: None,
        sections: vec![Section {
            title: String::new(),
            level: 0,
            heading_source: HeadingSource::Preamble,
            content,
            sections: Vec::new(),
        }],
        notes: doc.notes,
        headers: doc.headers,
        footers: doc.footers,
        warnings: doc.warnings,
    }
}
