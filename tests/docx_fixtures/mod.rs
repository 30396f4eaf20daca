//! Builds small DOCX packages in memory for the reader tests.
#![allow(dead_code)]

use std::io::Write;

/// The WordprocessingML main namespace.
pub const W_NS: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
/// The office relationships namespace.
pub const R_NS: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const REL: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

/// A DOCX package under construction: parts plus the main part's relationships.
pub struct Docx {
    /// (name, content) of every part except `[Content_Types].xml` and the rels.
    pub parts: Vec<(String, String)>,
    /// Relationships of the main part: (id, type suffix, target).
    pub rels: Vec<(String, String, String)>,
    /// Where the main part lives.
    pub main: String,
    /// Write the main part's relationships part.
    pub with_rels: bool,
}

impl Docx {
    /// A package whose main part is `word/document.xml` with the given full XML.
    pub fn new(document_xml: &str) -> Self {
        Docx {
            parts: vec![("word/document.xml".into(), document_xml.into())],
            rels: Vec::new(),
            main: "word/document.xml".into(),
            with_rels: true,
        }
    }

    /// A package whose body (inside `w:body`, prefix `w`) is `body`.
    pub fn body(body: &str) -> Self {
        Docx::new(&wrap_body(body))
    }

    /// Add a part related from the main part (`kind` is the relationship type suffix,
    /// `target` relative to `word/`).
    pub fn related(mut self, id: &str, kind: &str, target: &str, xml: &str) -> Self {
        self.rels.push((id.into(), kind.into(), target.into()));
        let name = if let Some(abs) = target.strip_prefix('/') {
            abs.to_string()
        } else {
            format!("word/{target}")
        };
        self.parts.push((name, xml.into()));
        self
    }

    /// Add styles.xml (content inside `w:styles`, prefix `w`).
    pub fn styles(self, inner: &str) -> Self {
        let xml = format!(r#"<?xml version="1.0"?><w:styles xmlns:w="{W_NS}">{inner}</w:styles>"#);
        self.related("rIdStyles", "styles", "styles.xml", &xml)
    }

    /// Add numbering.xml (content inside `w:numbering`, prefix `w`).
    pub fn numbering(self, inner: &str) -> Self {
        let xml =
            format!(r#"<?xml version="1.0"?><w:numbering xmlns:w="{W_NS}">{inner}</w:numbering>"#);
        self.related("rIdNumbering", "numbering", "numbering.xml", &xml)
    }

    /// Add a raw part that no relationship points to.
    pub fn part(mut self, name: &str, xml: &str) -> Self {
        self.parts.push((name.into(), xml.into()));
        self
    }

    /// Zip it.
    pub fn build(&self) -> Vec<u8> {
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        let mut put = |name: &str, data: &str| {
            zip.start_file(name, opts).unwrap();
            zip.write_all(data.as_bytes()).unwrap();
        };
        put(
            "[Content_Types].xml",
            r#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>"#,
        );
        put(
            "_rels/.rels",
            &format!(
                r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{REL}/officeDocument" Target="{}"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/><Relationship Id="rId3" Type="{REL}/extended-properties" Target="docProps/app.xml"/><Relationship Id="rId4" Type="{REL}/custom-properties" Target="docProps/custom.xml"/></Relationships>"#,
                self.main
            ),
        );
        if self.with_rels {
            let (dir, name) = self.main.rsplit_once('/').unwrap_or(("", &self.main));
            let mut rels = String::from(
                r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#,
            );
            for (id, kind, target) in &self.rels {
                rels.push_str(&format!(
                    r#"<Relationship Id="{id}" Type="{REL}/{kind}" Target="{target}"/>"#
                ));
            }
            rels.push_str("</Relationships>");
            put(&format!("{dir}/_rels/{name}.rels"), &rels);
        }
        for (name, data) in &self.parts {
            put(name, data);
        }
        zip.finish().unwrap().into_inner()
    }
}

/// A full document.xml around `body` (prefixes `w`, `r`, `mc`, `wps`, `wp`, `a`, `v`).
pub fn wrap_body(body: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="{W_NS}" xmlns:r="{R_NS}" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:v="urn:schemas-microsoft-com:vml" xmlns:m="http://schemas.openxmlformats.org/officeDocument/2006/math" xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml" mc:Ignorable="w14"><w:body>{body}</w:body></w:document>"#
    )
}

/// `<w:p>` with one run of `text`.
pub fn p(text: &str) -> String {
    format!("<w:p><w:r><w:t xml:space=\"preserve\">{text}</w:t></w:r></w:p>")
}
