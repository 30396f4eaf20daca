//! List numbering of Word binary documents: PlfLst (LSTF + LVL), PlfLfo
//! (LFO + LFOData). Stub: filled in by its own change.

use crate::model::Warning;

/// A rendered label (temporary until the list reader lands).
pub(crate) struct Label {
    /// Label text.
    pub text: String,
}

impl Label {
    /// The paragraph text with the label in front.
    pub fn prefix_to(&self, text: String) -> String {
        format!("{}{}", self.text, text)
    }
}

/// Lists of a document (temporary: none).
pub(crate) struct DocLists;

impl DocLists {
    /// Parse the list tables.
    pub fn parse(_t: &[u8], _l: (u32, u32), _f: (u32, u32), _w: &mut Vec<Warning>) -> DocLists {
        DocLists
    }

    /// The next label.
    pub fn next_label(&mut self, _ilfo: u16, _ilvl: u8, _w: &mut Vec<Warning>) -> Option<Label> {
        None
    }
}
