//! Unit tests of the DOCX reader over small in-memory packages (built with the
//! DOCX package builder in `tests/docx_fixtures`).

#[path = "../../../tests/docx_fixtures/mod.rs"]
mod fixtures;

use super::read;
use crate::container::{Limits, Package};
use crate::error::ReadError;
use crate::model::{Block, Document, HeadingSource, NoteKind, Paragraph, Table};
use fixtures::{p, Docx, W_NS};

fn read_docx(d: &Docx) -> Document {
    try_read(d).expect("readable")
}

fn try_read(d: &Docx) -> Result<Document, ReadError> {
    let mut pkg = Package::open(d.build(), Limits::default())?;
    read(&mut pkg)
}

fn paras(doc: &Document) -> Vec<&Paragraph> {
    doc.body
        .iter()
        .filter_map(|b| match b {
            Block::Paragraph(p) => Some(p),
            Block::Table(_) => None,
        })
        .collect()
}

fn texts(doc: &Document) -> Vec<&str> {
    paras(doc).iter().map(|p| p.text.as_str()).collect()
}

fn tables(doc: &Document) -> Vec<&Table> {
    doc.body
        .iter()
        .filter_map(|b| match b {
            Block::Table(t) => Some(t),
            Block::Paragraph(_) => None,
        })
        .collect()
}

fn codes(doc: &Document) -> Vec<&str> {
    doc.warnings.iter().map(|w| w.code.as_str()).collect()
}

/// Chinese report numbering, written with the non-default prefix `ww`: levels
/// `%1、` and `（%2）`, the second level restarting under each first-level item, a
/// second num sharing the definition continuing it, a num with `w:startOverride`
/// restarting it, numbering taken from a paragraph style, and numId 0.
#[test]
fn chinese_numbering_with_foreign_prefix() {
    let doc_xml = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<ww:document xmlns:ww="{W_NS}"><ww:body>
<ww:p><ww:pPr><ww:numPr><ww:ilvl ww:val="0"/><ww:numId ww:val="1"/></ww:numPr></ww:pPr><ww:r><ww:t>总体情况</ww:t></ww:r></ww:p>
<ww:p><ww:pPr><ww:numPr><ww:ilvl ww:val="1"/><ww:numId ww:val="1"/></ww:numPr></ww:pPr><ww:r><ww:t>主动公开</ww:t></ww:r></ww:p>
<ww:p><ww:pPr><ww:numPr><ww:ilvl ww:val="1"/><ww:numId ww:val="1"/></ww:numPr></ww:pPr><ww:r><ww:t>依申请公开</ww:t></ww:r></ww:p>
<ww:p><ww:pPr><ww:pStyle ww:val="L1"/></ww:pPr><ww:r><ww:t>收到和处理情况</ww:t></ww:r></ww:p>
<ww:p><ww:pPr><ww:numPr><ww:ilvl ww:val="1"/><ww:numId ww:val="1"/></ww:numPr></ww:pPr><ww:r><ww:t>收到申请</ww:t></ww:r></ww:p>
<ww:p><ww:pPr><ww:numPr><ww:numId ww:val="2"/></ww:numPr></ww:pPr><ww:r><ww:t>行政复议</ww:t></ww:r></ww:p>
<ww:p><ww:pPr><ww:pStyle ww:val="L1"/><ww:numPr><ww:numId ww:val="0"/></ww:numPr></ww:pPr><ww:r><ww:t>不编号</ww:t></ww:r></ww:p>
<ww:p><ww:pPr><ww:numPr><ww:ilvl ww:val="0"/><ww:numId ww:val="3"/></ww:numPr></ww:pPr><ww:r><ww:t>重新开始</ww:t></ww:r></ww:p>
<ww:p><ww:pPr><ww:numPr><ww:ilvl ww:val="0"/><ww:numId ww:val="1"/></ww:numPr></ww:pPr><ww:r><ww:t>继续</ww:t></ww:r></ww:p>
</ww:body></ww:document>"#
    );
    let numbering = r#"
<w:abstractNum w:abstractNumId="7">
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/><w:suff w:val="nothing"/></w:lvl>
  <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/></w:lvl>
</w:abstractNum>
<w:num w:numId="1"><w:abstractNumId w:val="7"/></w:num>
<w:num w:numId="2"><w:abstractNumId w:val="7"/></w:num>
<w:num w:numId="3"><w:abstractNumId w:val="7"/><w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>"#;
    let styles = r#"<w:style w:type="paragraph" w:styleId="L1"><w:name w:val="List One"/>
        <w:pPr><w:numPr><w:numId w:val="1"/></w:numPr></w:pPr></w:style>"#;
    let d = Docx::new(&doc_xml).numbering(numbering).styles(styles);
    let doc = read_docx(&d);
    assert_eq!(
        texts(&doc),
        [
            "一、总体情况",
            "（一）主动公开",
            "（二）依申请公开",
            "二、收到和处理情况",
            "（一）收到申请",
            "三、行政复议",
            "不编号",
            "一、重新开始",
            "二、继续",
        ]
    );
    let ps = paras(&doc);
    assert_eq!(ps[1].number_label.as_deref(), Some("（一）"));
    assert_eq!(ps[3].style.as_deref(), Some("List One"));
    assert_eq!(ps[6].number_label, None);
    assert!(doc.warnings.is_empty(), "{:?}", doc.warnings);
}

/// Label formats, `w:isLgl`, `w:suff` and the joining rule (space after `1.`,
/// nothing after a bullet or CJK punctuation), `w:lvlRestart`, and `w:lvl/w:pStyle`
/// giving the level of a style-numbered paragraph.
#[test]
fn numbering_formats_and_suffixes() {
    let numbering = r#"
<w:abstractNum w:abstractNumId="1">
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl>
  <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="%1.%2."/><w:isLgl/><w:suff w:val="space"/></w:lvl>
  <w:lvl w:ilvl="2"><w:start w:val="3"/><w:numFmt w:val="decimalEnclosedCircle"/><w:lvlText w:val="%3"/><w:lvlRestart w:val="0"/></w:lvl>
</w:abstractNum>
<w:abstractNum w:abstractNumId="2">
  <w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/><w:lvlText w:val="&#xF0B7;"/></w:lvl>
  <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="upperRoman"/><w:lvlText w:val="%2)"/><w:pStyle w:val="Sub"/></w:lvl>
</w:abstractNum>
<w:abstractNum w:abstractNumId="3">
  <w:lvl w:ilvl="0"><w:start w:val="10"/><w:numFmt w:val="ideographTraditional"/><w:lvlText w:val="%1．"/></w:lvl>
</w:abstractNum>
<w:num w:numId="1"><w:abstractNumId w:val="1"/></w:num>
<w:num w:numId="2"><w:abstractNumId w:val="2"/></w:num>
<w:num w:numId="3"><w:abstractNumId w:val="3"/></w:num>"#;
    let styles = r#"<w:style w:type="paragraph" w:styleId="Sub"><w:name w:val="Sub item"/>
        <w:pPr><w:numPr><w:numId w:val="2"/></w:numPr></w:pPr></w:style>"#;
    let np = |num: u32, ilvl: u32, t: &str| {
        format!(
            r#"<w:p><w:pPr><w:numPr><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num}"/></w:numPr></w:pPr><w:r><w:t>{t}</w:t></w:r></w:p>"#
        )
    };
    let body = [
        np(1, 0, "One"),
        np(1, 2, "circle"),
        np(1, 1, "legal"),
        np(1, 0, "Two"),
        np(1, 2, "no restart"),
        np(2, 0, "bullet"),
        r#"<w:p><w:pPr><w:pStyle w:val="Sub"/></w:pPr><w:r><w:t>styled</w:t></w:r></w:p>"#.into(),
        np(3, 0, "癸"),
    ]
    .concat();
    let doc = read_docx(&Docx::body(&body).numbering(numbering).styles(styles));
    assert_eq!(
        texts(&doc),
        [
            "1. One",
            "③ circle",
            "1.1. legal",
            "2. Two",
            "④ no restart",
            "•bullet",
            "I) styled",
            "癸．癸",
        ]
    );
}

/// Runs: tabs, breaks (page breaks are not text), `w:cr`, `w:sym`, hyphens,
/// hidden text, hyperlinks, smart tags, content controls, ruby.
#[test]
fn run_content() {
    let body = r#"
<w:p><w:r><w:t>a</w:t><w:tab/><w:t>b</w:t><w:br/><w:t>c</w:t><w:br w:type="page"/><w:t>d</w:t><w:cr/><w:t>e</w:t></w:r></w:p>
<w:p><w:r><w:sym w:font="Symbol" w:char="F0B7"/><w:sym w:font="Wingdings" w:char="F001"/><w:t>x</w:t><w:noBreakHyphen/><w:t>y</w:t><w:softHyphen/><w:t>z</w:t></w:r></w:p>
<w:p><w:r><w:t>shown</w:t></w:r><w:r><w:rPr><w:vanish/></w:rPr><w:t>hidden</w:t></w:r><w:r><w:rPr><w:vanish w:val="0"/></w:rPr><w:t>!</w:t></w:r></w:p>
<w:p><w:hyperlink r:id="rId9"><w:r><w:t>link</w:t></w:r></w:hyperlink><w:smartTag w:element="place"><w:smartTag w:element="city"><w:r><w:t> 北京</w:t></w:r></w:smartTag></w:smartTag><w:sdt><w:sdtPr><w:alias w:val="x"/></w:sdtPr><w:sdtContent><w:r><w:t>市</w:t></w:r></w:sdtContent></w:sdt><w:customXml w:element="c"><w:r><w:t>区</w:t></w:r></w:customXml></w:p>
<w:p><w:r><w:ruby><w:rubyPr/><w:rt><w:r><w:t>zhèng</w:t></w:r></w:rt><w:rubyBase><w:r><w:t>政</w:t></w:r></w:rubyBase></w:ruby></w:r></w:p>
<w:p><w:pPr><w:rPr><w:vanish/></w:rPr></w:pPr><w:r><w:rPr><w:vanish/></w:rPr><w:t>gone</w:t></w:r></w:p>
"#;
    let doc = read_docx(&Docx::body(body));
    assert_eq!(
        texts(&doc),
        ["a\tb\ncd\ne", "·x-yz", "shown!", "link 北京市区", "政"]
    );
}

/// Tracked changes: insertions and moves-to kept, deletions and moves-from
/// dropped (with their `w:delText`), deleted table rows dropped.
#[test]
fn tracked_changes() {
    let body = r#"
<w:p><w:r><w:t>Keep </w:t></w:r><w:ins w:id="1" w:author="a"><w:r><w:t>inserted </w:t></w:r></w:ins><w:del w:id="2" w:author="a"><w:r><w:delText>deleted </w:delText></w:r></w:del><w:r><w:t>end</w:t></w:r></w:p>
<w:p><w:moveFrom w:id="3"><w:r><w:t>moved away</w:t></w:r></w:moveFrom><w:moveTo w:id="4"><w:r><w:t>moved here</w:t></w:r></w:moveTo></w:p>
<w:tbl><w:tr><w:tc><w:p><w:r><w:t>r1</w:t></w:r></w:p></w:tc></w:tr>
<w:tr><w:trPr><w:del w:id="5" w:author="a"/></w:trPr><w:tc><w:p><w:r><w:t>r2</w:t></w:r></w:p></w:tc></w:tr>
<w:tr><w:trPr><w:ins w:id="6" w:author="a"/></w:trPr><w:tc><w:p><w:ins w:id="7"><w:r><w:t>r3</w:t></w:r></w:ins></w:p></w:tc></w:tr></w:tbl>"#;
    let doc = read_docx(&Docx::body(body));
    assert_eq!(texts(&doc), ["Keep inserted end", "moved here"]);
    let t = tables(&doc)[0];
    assert_eq!((t.n_rows, t.n_cols), (2, 1));
    assert_eq!(t.cell_at(1, 0).unwrap().text, "r3");
}

/// Fields: `w:fldSimple` shows its runs; complex fields show only the result,
/// nested fields included, and a field may span paragraphs (TOC).
#[test]
fn fields_keep_results_only() {
    let body = r#"
<w:p><w:r><w:t>Page </w:t></w:r><w:fldSimple w:instr=" PAGE "><w:r><w:t>7</w:t></w:r></w:fldSimple></w:p>
<w:p><w:r><w:t>See </w:t></w:r><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> HYPERLINK "http://x" </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>site</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r><w:r><w:t>.</w:t></w:r></w:p>
<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> IF </w:instrText></w:r><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> DATE </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>2024</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r><w:r><w:instrText> = 2024 "yes" "no" </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>yes</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>
<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> TOC \o "1-3" </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>一、总体情况</w:t></w:r><w:r><w:tab/><w:t>1</w:t></w:r></w:p>
<w:p><w:r><w:t>二、主动公开</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>
<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> PAGE </w:instrText></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r><w:r><w:t>after</w:t></w:r></w:p>"#;
    let doc = read_docx(&Docx::body(body));
    assert_eq!(
        texts(&doc),
        [
            "Page 7",
            "See site.",
            "yes",
            "一、总体情况\t1",
            "二、主动公开",
            "after"
        ]
    );
}

/// `mc:AlternateContent` is read once (the supported `mc:Choice`, or the
/// `mc:Fallback` when the choice needs an unknown namespace), and text-box
/// paragraphs follow the paragraph that anchors them.
#[test]
fn alternate_content_and_text_boxes() {
    let txbx =
        |t: &str| format!("<w:txbxContent><w:p><w:r><w:t>{t}</w:t></w:r></w:p></w:txbxContent>");
    let body = format!(
        r#"
<w:p><w:r><w:t>anchor</w:t></w:r><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wp:anchor><a:graphic><a:graphicData><wps:wsp><wps:txbx>{}</wps:txbx></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice><mc:Fallback><w:pict><v:shape><v:textbox>{}</v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r><w:r><w:t> text</w:t></w:r></w:p>
<w:p><w:r><w:t>next</w:t></w:r></w:p>
<w:p><mc:AlternateContent xmlns:zz="urn:unknown"><mc:Choice Requires="zz"><w:r><w:t>choice</w:t></w:r></mc:Choice><mc:Fallback><w:r><w:t>fallback</w:t></w:r></mc:Fallback></mc:AlternateContent></w:p>
<w:p><w:r><w:pict><v:shape><v:textbox>{}</v:textbox></v:shape></w:pict></w:r></w:p>"#,
        txbx("in box"),
        txbx("in box (fallback copy)"),
        txbx("vml box")
    );
    let doc = read_docx(&Docx::body(&body));
    assert_eq!(
        texts(&doc),
        ["anchor text", "in box", "next", "fallback", "", "vml box"]
    );
}

/// Paragraph properties: heading from the style chain (outline level or name),
/// own outline level, `Title` kept as a style only, bold from styles and runs,
/// centering from the paragraph or its style.
#[test]
fn headings_bold_and_centering() {
    let styles = r#"
<w:docDefaults><w:rPrDefault><w:rPr><w:sz w:val="24"/></w:rPr></w:rPrDefault></w:docDefaults>
<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style>
<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/><w:rPr><w:b/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="MyHead"><w:name w:val="My Head"/><w:basedOn w:val="Heading1"/><w:pPr><w:jc w:val="center"/></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="Lvl"><w:name w:val="Level"/><w:pPr><w:outlineLvl w:val="2"/></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:basedOn w:val="Heading1"/></w:style>
<w:style w:type="character" w:styleId="Strong"><w:name w:val="Strong"/><w:rPr><w:b/></w:rPr></w:style>"#;
    let body = r#"
<w:p><w:pPr><w:pStyle w:val="MyHead"/></w:pPr><w:r><w:t>Heading</w:t></w:r></w:p>
<w:p><w:pPr><w:pStyle w:val="Lvl"/></w:pPr><w:r><w:t>Third</w:t></w:r></w:p>
<w:p><w:pPr><w:outlineLvl w:val="1"/><w:jc w:val="center"/></w:pPr><w:r><w:rPr><w:rStyle w:val="Strong"/></w:rPr><w:t>Own</w:t></w:r><w:r><w:t> </w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>level</w:t></w:r></w:p>
<w:p><w:pPr><w:pStyle w:val="Title"/></w:pPr><w:r><w:t>2023年报告</w:t></w:r></w:p>
<w:p><w:pPr><w:pStyle w:val="Heading1"/><w:outlineLvl w:val="9"/></w:pPr><w:r><w:rPr><w:b w:val="0"/></w:rPr><w:t>not bold</w:t></w:r><w:r><w:t>bold</w:t></w:r></w:p>
<w:p><w:r><w:t>plain</w:t></w:r></w:p>"#;
    let doc = read_docx(&Docx::body(body).styles(styles));
    let ps = paras(&doc);
    let h = |i: usize| ps[i].heading.map(|h| (h.level, h.source));
    assert_eq!(h(0), Some((1, HeadingSource::Style)));
    assert_eq!(h(1), Some((3, HeadingSource::Style)));
    assert_eq!(h(2), Some((2, HeadingSource::OutlineLevel)));
    assert_eq!(h(3), None);
    assert_eq!(h(4), None);
    assert_eq!(h(5), None);
    assert_eq!(ps[3].style.as_deref(), Some("Title"));
    assert_eq!(ps[0].style.as_deref(), Some("My Head"));
    assert_eq!(ps[5].style, None);
    let bold: Vec<bool> = ps.iter().map(|p| p.bold).collect();
    assert_eq!(bold, [true, false, true, true, false, false]);
    let centered: Vec<bool> = ps.iter().map(|p| p.centered).collect();
    assert_eq!(centered, [true, false, true, false, false, false]);
}

fn notes_xml(kind: &str) -> String {
    format!(
        r#"<?xml version="1.0"?><w:{kind}s xmlns:w="{W_NS}">
<w:{kind} w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:{kind}>
<w:{kind} w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:{kind}>
<w:{kind} w:id="1"><w:p><w:r><w:{kind}Ref/></w:r><w:r><w:t xml:space="preserve"> First {kind}.</w:t></w:r></w:p></w:{kind}>
<w:{kind} w:id="2"><w:p><w:r><w:t>Second {kind}</w:t></w:r></w:p><w:p><w:r><w:t>two paragraphs</w:t></w:r></w:p></w:{kind}>
<w:{kind} w:id="3"><w:p><w:r><w:t>Custom</w:t></w:r></w:p></w:{kind}>
</w:{kind}s>"#
    )
}

/// Notes: separators skipped, labels numbered by order of reference (custom marks
/// kept), the referencing paragraph gets the ids, note text stays out of the body.
#[test]
fn footnotes_and_endnotes() {
    let body = r#"
<w:p><w:r><w:t>Body</w:t></w:r><w:r><w:footnoteReference w:id="2"/></w:r><w:r><w:t> more</w:t></w:r><w:r><w:footnoteReference w:id="1"/></w:r></w:p>
<w:p><w:r><w:t>End</w:t></w:r><w:r><w:endnoteReference w:id="1"/></w:r><w:r><w:footnoteReference w:customMarkFollows="1" w:id="3"/></w:r><w:r><w:t>*</w:t></w:r></w:p>"#;
    let d = Docx::body(body)
        .related("rIdF", "footnotes", "footnotes.xml", &notes_xml("footnote"))
        .related("rIdE", "endnotes", "endnotes.xml", &notes_xml("endnote"));
    let doc = read_docx(&d);
    assert_eq!(texts(&doc), ["Body more", "End*"]);
    assert_eq!(paras(&doc)[0].note_refs, ["footnote-2", "footnote-1"]);
    assert_eq!(paras(&doc)[1].note_refs, ["endnote-1", "footnote-3"]);
    let got: Vec<(&str, NoteKind, Option<&str>, &str)> = doc
        .notes
        .iter()
        .map(|n| (n.id.as_str(), n.kind, n.label.as_deref(), n.text.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            (
                "footnote-2",
                NoteKind::Footnote,
                Some("1"),
                "Second footnote\ntwo paragraphs"
            ),
            (
                "footnote-1",
                NoteKind::Footnote,
                Some("2"),
                "First footnote."
            ),
            ("endnote-1", NoteKind::Endnote, Some("1"), "First endnote."),
            ("footnote-3", NoteKind::Footnote, Some("*"), "Custom"),
            (
                "endnote-2",
                NoteKind::Endnote,
                None,
                "Second endnote\ntwo paragraphs"
            ),
            ("endnote-3", NoteKind::Endnote, None, "Custom"),
        ]
    );
}

fn hdr(kind: &str, text: &str) -> String {
    format!(
        r#"<?xml version="1.0"?><w:{kind} xmlns:w="{W_NS}"><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:{kind}>"#
    )
}

/// Headers and footers come from the section references, once per part, and
/// stay out of the body.
#[test]
fn headers_and_footers_apart() {
    let sect = r#"<w:sectPr><w:headerReference w:type="default" r:id="rIdH1"/><w:headerReference w:type="first" r:id="rIdH2"/><w:footerReference w:type="default" r:id="rIdF1"/></w:sectPr>"#;
    let body = format!(
        r#"<w:p><w:pPr>{sect}</w:pPr><w:r><w:t>Section one</w:t></w:r></w:p>{}{sect}"#,
        p("Section two")
    );
    let d = Docx::body(&body)
        .related(
            "rIdH1",
            "header",
            "header1.xml",
            &hdr("hdr", "某某市人民政府"),
        )
        .related("rIdH2", "header", "header2.xml", &hdr("hdr", "首页页眉"))
        .related("rIdF1", "footer", "footer1.xml", &hdr("ftr", "第 1 页"))
        .related(
            "rIdH3",
            "header",
            "header3.xml",
            &hdr("hdr", "unreferenced"),
        );
    let doc = read_docx(&d);
    assert_eq!(texts(&doc), ["Section one", "Section two"]);
    let h: Vec<(&str, &str)> = doc
        .headers
        .iter()
        .map(|h| (h.kind.as_str(), h.text.as_str()))
        .collect();
    assert_eq!(h, [("default", "某某市人民政府"), ("first", "首页页眉")]);
    assert_eq!(doc.footers.len(), 1);
    assert_eq!(doc.footers[0].text, "第 1 页");
}

/// Tables: grid from `w:tblGrid`, `w:gridSpan`, `w:vMerge` restart/continue,
/// `w:gridBefore`/`w:gridAfter`, header rows, nested tables kept apart from the
/// cell text, numbering labels in cell text, tables inside content controls.
#[test]
fn tables_with_spans_and_nesting() {
    let numbering = r#"<w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl></w:abstractNum><w:num w:numId="5"><w:abstractNumId w:val="0"/></w:num>"#;
    let tc = |props: &str, text: &str| format!("<w:tc><w:tcPr>{props}</w:tcPr>{}</w:tc>", p(text));
    let nested = format!(
        "<w:tbl><w:tblGrid><w:gridCol/><w:gridCol/></w:tblGrid><w:tr>{}{}</w:tr></w:tbl>",
        tc("", "n1"),
        tc("", "n2")
    );
    let body = format!(
        r#"<w:tbl><w:tblGrid><w:gridCol/><w:gridCol/><w:gridCol/></w:tblGrid>
<w:tr><w:trPr><w:tblHeader/></w:trPr>{}{}</w:tr>
<w:tr>{}{}{}</w:tr>
<w:tr><w:trPr><w:gridBefore w:val="1"/></w:trPr>{}<w:tc><w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="5"/></w:numPr></w:pPr><w:r><w:t>item</w:t></w:r></w:p><w:p><w:r><w:t>line2</w:t></w:r></w:p></w:tc></w:tr>
<w:tr><w:trPr><w:gridAfter w:val="1"/></w:trPr><w:tc><w:p><w:r><w:t>outer</w:t></w:r></w:p>{nested}<w:p/></w:tc><w:tc><w:p/></w:tc></w:tr>
</w:tbl>
<w:sdt><w:sdtPr/><w:sdtContent><w:tbl><w:tr>{}</w:tr></w:tbl></w:sdtContent></w:sdt>"#,
        tc(r#"<w:vMerge w:val="restart"/>"#, "类别"),
        tc(r#"<w:gridSpan w:val="2"/>"#, "申请情况"),
        tc("<w:vMerge/>", ""),
        tc("", "自然人"),
        tc("", "法人"),
        tc(r#"<w:vMerge w:val="continue"/>"#, ""),
        tc("", "in sdt"),
    );
    let doc = read_docx(&Docx::body(&body).numbering(numbering));
    let ts = tables(&doc);
    assert_eq!(ts.len(), 2);
    let t = ts[0];
    assert_eq!((t.n_rows, t.n_cols, t.header_rows), (4, 3, 1));
    let a = t.cell_at(0, 0).unwrap();
    assert_eq!((a.text.as_str(), a.row_span, a.col_span), ("类别", 2, 1));
    let b = t.cell_at(0, 1).unwrap();
    assert_eq!(
        (b.text.as_str(), b.row_span, b.col_span),
        ("申请情况", 1, 2)
    );
    assert_eq!(t.cell_at(1, 1).unwrap().text, "自然人");
    assert_eq!(t.cell_at(1, 2).unwrap().text, "法人");
    // gridBefore leaves (2, 0) empty; the vMerge continue in column 1 extends
    // "自然人"; the numbered paragraph keeps its label.
    assert_eq!(t.cell_at(2, 0).unwrap().text, "");
    let m = t.cell_at(2, 1).unwrap();
    assert_eq!((m.text.as_str(), m.row, m.row_span), ("自然人", 1, 2));
    assert_eq!(t.cell_at(2, 2).unwrap().text, "1. item\nline2");
    let outer = t.cell_at(3, 0).unwrap();
    assert_eq!(outer.text, "outer");
    assert_eq!(outer.tables.len(), 1);
    assert_eq!(outer.tables[0].cell_at(0, 1).unwrap().text, "n2");
    assert_eq!(t.cell_at(3, 2).unwrap().text, "");
    assert_eq!(t.grid, [[0, 1, 1], [0, 2, 3], [4, 2, 5], [6, 7, 8]]);
    assert_eq!(ts[1].cell_at(0, 0).unwrap().text, "in sdt");
    assert!(doc.warnings.is_empty(), "{:?}", doc.warnings);
}

/// Missing styles and numbering parts are warnings when referenced; an unknown
/// numbering id is a warning and no label.
#[test]
fn missing_parts_and_unknown_ids_warn() {
    let body = r#"<w:p><w:pPr><w:pStyle w:val="Heading1"/><w:numPr><w:ilvl w:val="0"/><w:numId w:val="3"/></w:numPr></w:pPr><w:r><w:t>x</w:t></w:r></w:p>"#;
    let doc = read_docx(&Docx::body(body));
    assert_eq!(texts(&doc), ["x"]);
    assert_eq!(codes(&doc), ["missing_styles", "missing_numbering"]);
    assert_eq!(paras(&doc)[0].style.as_deref(), Some("Heading1"));

    // Nothing referenced: no warnings.
    let doc = read_docx(&Docx::body(&p("plain")));
    assert!(doc.warnings.is_empty());

    let numbering = r#"<w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl></w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>"#;
    let body = r#"<w:p><w:pPr><w:numPr><w:numId w:val="42"/></w:numPr></w:pPr><w:r><w:t>y</w:t></w:r></w:p>
<w:p><w:pPr><w:numPr><w:numId w:val="42"/></w:numPr></w:pPr><w:r><w:t>z</w:t></w:r></w:p>"#;
    let doc = read_docx(&Docx::body(body).numbering(numbering));
    assert_eq!(texts(&doc), ["y", "z"]);
    assert_eq!(codes(&doc), ["unknown_numbering_id"]);
    assert_eq!(paras(&doc)[0].number_label, None);
}

/// Broken optional parts become `bad_part` warnings; a broken or missing main
/// part is an error.
#[test]
fn broken_parts() {
    let d = Docx::body(&p("still here")).styles("<w:style w:type=paragraph/>");
    let doc = read_docx(&d);
    assert_eq!(texts(&doc), ["still here"]);
    assert_eq!(codes(&doc), ["bad_part"]);
    assert_eq!(doc.warnings[0].location.as_deref(), Some("word/styles.xml"));

    let d = Docx::body("<w:p w:rsid=1/>");
    assert!(matches!(try_read(&d), Err(ReadError::Xml { .. })));

    let mut d = Docx::body(&p("x"));
    d.main = "word/missing.xml".into();
    assert!(matches!(try_read(&d), Err(ReadError::MissingPart(_))));
}

/// Parts are found through relationships (a main part in another folder, with
/// targets relative to it); without relationships the conventional names are used.
#[test]
fn parts_found_through_relationships() {
    let styles = format!(
        r#"<w:styles xmlns:w="{W_NS}"><w:style w:type="paragraph" w:styleId="H"><w:name w:val="标题 2"/></w:style></w:styles>"#
    );
    let body = r#"<w:p><w:pPr><w:pStyle w:val="H"/></w:pPr><w:r><w:t>二级</w:t></w:r></w:p>"#;
    let mut d = Docx::body(body);
    d.parts[0].0 = "content/main.xml".into();
    d.main = "content/main.xml".into();
    d.rels
        .push(("rS".into(), "styles".into(), "../defs/s.xml".into()));
    d.parts.push(("defs/s.xml".into(), styles.clone()));
    let doc = read_docx(&d);
    assert_eq!(paras(&doc)[0].heading.map(|h| h.level), Some(2));

    let mut d = Docx::body(body).part("word/styles.xml", &styles);
    d.with_rels = false;
    let doc = read_docx(&d);
    assert_eq!(paras(&doc)[0].heading.map(|h| h.level), Some(2));
    assert_eq!(paras(&doc)[0].style.as_deref(), Some("标题 2"));
}

/// Core, extended and custom properties.
#[test]
fn properties() {
    let core = r#"<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"><dc:title>2023年政府信息公开工作年度报告</dc:title><dc:creator>办公室</dc:creator><cp:lastModifiedBy> </cp:lastModifiedBy><dcterms:created>2024-01-15T08:00:00Z</dcterms:created></cp:coreProperties>"#;
    let app = r#"<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>WPS Office</Application><Pages>5</Pages><Company>某局</Company></Properties>"#;
    let custom = r#"<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"><property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="KSOProductBuildVer"><vt:lpwstr>2052-11.1</vt:lpwstr></property></Properties>"#;
    let d = Docx::body(&p("x"))
        .part("docProps/core.xml", core)
        .part("docProps/app.xml", app)
        .part("docProps/custom.xml", custom);
    let props = read_docx(&d).properties;
    assert_eq!(
        props.title.as_deref(),
        Some("2023年政府信息公开工作年度报告")
    );
    assert_eq!(props.creator.as_deref(), Some("办公室"));
    assert_eq!(props.last_modified_by, None);
    assert_eq!(props.created.as_deref(), Some("2024-01-15T08:00:00Z"));
    assert_eq!(props.application.as_deref(), Some("WPS Office"));
    assert_eq!(props.company.as_deref(), Some("某局"));
    assert_eq!(props.pages, Some(5));
    assert_eq!(
        props.custom.get("KSOProductBuildVer").map(String::as_str),
        Some("2052-11.1")
    );
}

/// Office Math text is kept; block-level content controls and custom XML keep
/// their paragraphs.
#[test]
fn math_and_block_wrappers() {
    let body = r#"
<w:p><w:r><w:t>E = </w:t></w:r><m:oMath><m:r><m:t>m</m:t></m:r><m:sSup><m:e><m:r><m:t>c</m:t></m:r></m:e><m:sup><m:r><m:t>2</m:t></m:r></m:sup></m:sSup></m:oMath></w:p>
<w:sdt><w:sdtPr><w:docPartObj/></w:sdtPr><w:sdtContent><w:p><w:r><w:t>in block sdt</w:t></w:r></w:p><w:customXml w:element="x"><w:p><w:r><w:t>in custom xml</w:t></w:r></w:p></w:customXml></w:sdtContent></w:sdt>"#;
    let doc = read_docx(&Docx::body(body));
    assert_eq!(texts(&doc), ["E = mc2", "in block sdt", "in custom xml"]);
}

/// Deep nesting up to the XML depth limit neither overflows the stack nor loses
/// text: wrappers around blocks and runs, and tables nested in tables.
#[test]
fn deep_nesting_is_bounded() {
    let n = 500;
    let body = format!(
        "{}{}{}<w:p>{}<w:r><w:t>deep run</w:t></w:r>{}</w:p>",
        "<w:customXml>".repeat(n),
        p("deep block"),
        "</w:customXml>".repeat(n),
        "<w:hyperlink>".repeat(n),
        "</w:hyperlink>".repeat(n),
    );
    let doc = read_docx(&Docx::body(&body));
    assert_eq!(texts(&doc), ["deep block", "deep run"]);

    let levels = 168;
    let body = format!(
        "{}{}{}",
        "<w:tbl><w:tr><w:tc>".repeat(levels),
        p("core"),
        "</w:tc></w:tr></w:tbl>".repeat(levels)
    );
    let doc = read_docx(&Docx::body(&body));
    let mut t = tables(&doc)[0];
    let mut depth = 1;
    while let Some(inner) = t.cells[0].tables.first() {
        t = inner;
        depth += 1;
    }
    assert_eq!((depth, t.cells[0].text.as_str()), (levels, "core"));

    // Beyond the limit: a typed error, not a crash.
    let body = format!(
        "{}{}",
        "<w:customXml>".repeat(600),
        "</w:customXml>".repeat(600)
    );
    assert!(matches!(
        try_read(&Docx::body(&body)),
        Err(ReadError::TooDeep { .. })
    ));
}

/// Legacy horizontal merges widen the cell to the left; VML WordArt text is read
/// like a text box; an imported chunk and an unclosed field are warnings.
#[test]
fn legacy_merges_wordart_and_warnings() {
    let body = r#"
<w:tbl><w:tblGrid><w:gridCol/><w:gridCol/><w:gridCol/></w:tblGrid>
<w:tr><w:tc><w:tcPr><w:hMerge w:val="restart"/></w:tcPr><w:p><w:r><w:t>wide</w:t></w:r></w:p></w:tc><w:tc><w:tcPr><w:hMerge/></w:tcPr><w:p/></w:tc><w:tc><w:p><w:r><w:t>c</w:t></w:r></w:p></w:tc></w:tr></w:tbl>
<w:p><w:r><w:pict><v:shape><v:textpath string="某市人民政府文件"/></v:shape></w:pict></w:r></w:p>
<w:altChunk r:id="rIdX"/>
<w:p><w:r><w:t>before</w:t></w:r><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:t>lost</w:t></w:r></w:p>"#;
    let doc = read_docx(&Docx::body(body));
    let t = tables(&doc)[0];
    assert_eq!((t.n_cols, t.cells.len()), (3, 2));
    let w = t.cell_at(0, 1).unwrap();
    assert_eq!((w.text.as_str(), w.col_span), ("wide", 2));
    assert_eq!(texts(&doc), ["", "某市人民政府文件", "before"]);
    assert_eq!(codes(&doc), ["unsupported_alt_chunk", "unbalanced_field"]);
}

/// `w:numStyleLink` takes the levels from the definition that the numbering
/// style points to (`w:styleLink`); both nums then share one counter.
#[test]
fn numbering_style_links() {
    let numbering = r#"
<w:abstractNum w:abstractNumId="1"><w:numStyleLink w:val="OutlineList"/></w:abstractNum>
<w:abstractNum w:abstractNumId="2"><w:styleLink w:val="OutlineList"/>
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="第%1条"/><w:suff w:val="space"/></w:lvl>
</w:abstractNum>
<w:num w:numId="1"><w:abstractNumId w:val="1"/></w:num>
<w:num w:numId="2"><w:abstractNumId w:val="2"/></w:num>"#;
    let styles = r#"<w:style w:type="numbering" w:styleId="OutlineList"><w:name w:val="Outline List"/>
        <w:pPr><w:numPr><w:numId w:val="2"/></w:numPr></w:pPr></w:style>"#;
    let np = |num: u32, t: &str| {
        format!(
            r#"<w:p><w:pPr><w:numPr><w:numId w:val="{num}"/></w:numPr></w:pPr><w:r><w:t>{t}</w:t></w:r></w:p>"#
        )
    };
    let body = [np(1, "总则"), np(2, "适用范围"), np(1, "附则")].concat();
    let doc = read_docx(&Docx::body(&body).numbering(numbering).styles(styles));
    assert_eq!(
        texts(&doc),
        ["第一条 总则", "第二条 适用范围", "第三条 附则"]
    );
}
