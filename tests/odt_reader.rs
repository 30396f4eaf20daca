//! Integration tests of the ODT reader: in-memory packages built with `zip`
//! (including non-default namespace prefixes). The public corpus, both formats,
//! is covered by `tests/corpus.rs`.

use reportdex::container::{Limits, Package};
use reportdex::model::{Block, Document, Table};
use std::sync::mpsc;
use std::time::Duration;

// ---------------------------------------------------------------------------
// In-memory packages
// ---------------------------------------------------------------------------

use reportdex::error::ReadError;
use reportdex::model::{HeadingSource, NoteKind, Paragraph};
use std::io::{Cursor, Write};
use zip::write::SimpleFileOptions;
use zip::CompressionMethod;

/// Namespace declarations with non-default prefixes, as any producer may write.
const NS: &str = r#"xmlns:of="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:tx="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:tb="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:st="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:f="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" xmlns:dw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" xmlns:sv="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" xmlns:m="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" xmlns:d="http://purl.org/dc/elements/1.1/" xmlns:lx="urn:org:documentfoundation:names:experimental:office:xmlns:loext:1.0""#;

/// Build an ODT: `mimetype` first and stored, then the given parts.
fn odt(parts: &[(&str, &str)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let stored = SimpleFileOptions::default().compression_method(CompressionMethod::Stored);
    w.start_file("mimetype", stored).unwrap();
    w.write_all(b"application/vnd.oasis.opendocument.text")
        .unwrap();
    let deflated = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    w.start_file("META-INF/manifest.xml", deflated).unwrap();
    w.write_all(br#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/></manifest:manifest>"#).unwrap();
    for (name, body) in parts {
        w.start_file(*name, deflated).unwrap();
        w.write_all(body.as_bytes()).unwrap();
    }
    w.finish().unwrap().into_inner()
}

fn content(auto_styles: &str, body: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><of:document-content {NS}><of:automatic-styles>{auto_styles}</of:automatic-styles><of:body><of:text>{body}</of:text></of:body></of:document-content>"#
    )
}

fn styles(common: &str, auto: &str, master: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><of:document-styles {NS}><of:styles>{common}</of:styles><of:automatic-styles>{auto}</of:automatic-styles><of:master-styles>{master}</of:master-styles></of:document-styles>"#
    )
}

fn read(parts: &[(&str, &str)]) -> Result<Document, ReadError> {
    let mut pkg = Package::open(odt(parts), Limits::default())?;
    reportdex::read::read(&mut pkg)
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

const OUTLINE_STYLES: &str = r#"
  <st:style st:name="Standard" st:family="paragraph"/>
  <st:style st:name="Heading" st:family="paragraph" st:parent-style-name="Standard">
    <st:text-properties f:font-weight="bold" st:font-weight-asian="bold"/></st:style>
  <st:style st:name="Heading_20_1" st:display-name="Heading 1" st:family="paragraph"
            st:parent-style-name="Heading" st:default-outline-level="1">
    <st:paragraph-properties f:text-align="center"/></st:style>
  <st:style st:name="Heading_20_2" st:display-name="Heading 2" st:family="paragraph"
            st:parent-style-name="Heading" st:default-outline-level="2"/>
  <tx:outline-style st:name="Outline">
    <tx:outline-level-style tx:level="1" st:num-format="一, 二, 三, ..." st:num-suffix="、"/>
    <tx:outline-level-style tx:level="2" st:num-format="一, 二, 三, ..." st:num-prefix="（" st:num-suffix="）"/>
    <tx:outline-level-style tx:level="3" st:num-format="1" st:num-suffix="."/>
  </tx:outline-style>"#;

#[test]
fn outline_numbering_with_chinese_counting_and_foreign_prefixes() {
    let body = r#"
      <tx:h tx:style-name="P1" tx:outline-level="1">总体情况</tx:h>
      <tx:p tx:style-name="Standard">正文。</tx:p>
      <tx:h tx:style-name="Heading_20_2" tx:outline-level="2">主动公开</tx:h>
      <tx:h tx:style-name="Heading_20_2" tx:outline-level="2">依申请公开</tx:h>
      <tx:h tx:style-name="Heading_20_3" tx:outline-level="3">属于国家秘密</tx:h>
      <tx:h tx:style-name="Heading_20_1" tx:outline-level="1">收到和处理政府信息公开申请情况</tx:h>
      <tx:h tx:style-name="Heading_20_2" tx:outline-level="2">新收申请</tx:h>
      <tx:h tx:style-name="Heading_20_2" tx:outline-level="2" tx:is-list-header="true">不编号</tx:h>
      <tx:h tx:style-name="Heading_20_2" tx:outline-level="2">结转申请</tx:h>
      <tx:h tx:style-name="Heading_20_2" tx:outline-level="2" tx:restart-numbering="true" tx:start-value="7">重新编号</tx:h>
      <tx:p tx:style-name="Heading_20_1">样式标题</tx:p>
      <tx:list tx:style-name="Outline"><tx:list-item><tx:h tx:outline-level="1">在列表中</tx:h></tx:list-item></tx:list>
      <tx:p><tx:span tx:style-name="W">Bold 中文</tx:span></tx:p>
      <tx:p><tx:span tx:style-name="WA">Bold 中文</tx:span> <tx:span tx:style-name="A">中文</tx:span></tx:p>"#;
    let auto = r#"<st:style st:name="P1" st:family="paragraph" st:parent-style-name="Heading_20_1"/>
      <st:style st:name="W" st:family="text"><st:text-properties f:font-weight="bold"/></st:style>
      <st:style st:name="WA" st:family="text"><st:text-properties f:font-weight="700" st:font-weight-asian="700"/></st:style>
      <st:style st:name="A" st:family="text"><st:text-properties st:font-weight-asian="bold"/></st:style>"#;
    let doc = read(&[
        ("content.xml", &content(auto, body)),
        ("styles.xml", &styles(OUTLINE_STYLES, "", "")),
    ])
    .unwrap();
    assert_eq!(
        texts(&doc),
        [
            "一、总体情况",
            "正文。",
            "（一）主动公开",
            "（二）依申请公开",
            "1. 属于国家秘密",
            "二、收到和处理政府信息公开申请情况",
            "（一）新收申请",
            "不编号",
            "（二）结转申请",
            "（七）重新编号",
            "样式标题",
            "三、在列表中",
            "Bold 中文",
            "Bold 中文 中文",
        ]
    );
    let p = paras(&doc);
    assert_eq!(p[0].number_label.as_deref(), Some("一、"));
    assert_eq!(p[0].style.as_deref(), Some("Heading 1"));
    assert_eq!(
        p[0].heading.map(|h| (h.level, h.source)),
        Some((1, HeadingSource::OutlineLevel))
    );
    assert!(p[0].bold && p[0].centered);
    assert_eq!(p[1].heading, None);
    assert!(!p[1].bold && !p[1].centered);
    assert_eq!(p[1].style.as_deref(), Some("Standard"));
    assert_eq!(p[2].number_label.as_deref(), Some("（一）"));
    assert_eq!(p[2].heading.map(|h| h.level), Some(2));
    assert!(p[2].bold && !p[2].centered);
    assert_eq!(p[7].number_label, None);
    assert_eq!(
        p[10].heading.map(|h| (h.level, h.source)),
        Some((1, HeadingSource::Style))
    );
    assert_eq!(p[10].number_label, None);
    // CJK characters are bold by `style:font-weight-asian`, others by `fo:font-weight`.
    assert!(!p[12].bold);
    assert!(p[13].bold);
    assert!(doc.warnings.is_empty(), "{:?}", doc.warnings);
}

const LIST_STYLES: &str = r#"
  <tx:list-style st:name="Num">
    <tx:list-level-style-number tx:level="1" st:num-format="1" st:num-suffix="." tx:start-value="3"/>
    <tx:list-level-style-number tx:level="2" st:num-format="1" st:num-suffix="." tx:display-levels="2"/>
    <tx:list-level-style-number tx:level="3" st:num-format="a" st:num-suffix=")"/>
  </tx:list-style>
  <tx:list-style st:name="Cn">
    <tx:list-level-style-number tx:level="1" st:num-format="①, ②, ③, ...">
      <st:list-level-properties tx:list-level-position-and-space-mode="label-alignment">
        <st:list-level-label-alignment tx:label-followed-by="nothing"/>
      </st:list-level-properties>
    </tx:list-level-style-number>
    <tx:list-level-style-number tx:level="2" st:num-format="１, ２, ３, ..." st:num-suffix="."/>
    <tx:list-level-style-number tx:level="3" st:num-format="1"/>
  </tx:list-style>
  <tx:list-style st:name="Bul">
    <tx:list-level-style-bullet tx:level="1" tx:bullet-char="•"/>
  </tx:list-style>
  <tx:list-style st:name="Lf">
    <tx:list-level-style-number tx:level="1" st:num-format="1" st:num-suffix="." lx:num-list-format="第%1%条"/>
  </tx:list-style>
  <tx:list-style st:name="None">
    <tx:list-level-style-number tx:level="1" st:num-format=""/>
  </tx:list-style>
  <st:style st:name="ListPara" st:family="paragraph" st:list-style-name="Cn"/>"#;

#[test]
fn list_numbering_start_values_continuation_and_nesting() {
    let body = r#"
      <tx:list xml:id="list1" tx:style-name="Num">
        <tx:list-item><tx:p>first</tx:p></tx:list-item>
        <tx:list-item><tx:p>second</tx:p>
          <tx:list>
            <tx:list-item><tx:p>nested a</tx:p><tx:p>same item, no label</tx:p></tx:list-item>
            <tx:list-item><tx:p>nested b</tx:p>
              <tx:list><tx:list-item><tx:p>deep</tx:p></tx:list-item></tx:list>
            </tx:list-item>
          </tx:list>
        </tx:list-item>
      </tx:list>
      <tx:p>between</tx:p>
      <tx:list tx:style-name="Num" tx:continue-numbering="true">
        <tx:list-item><tx:p>continued</tx:p></tx:list-item>
        <tx:list-header><tx:p>header item</tx:p></tx:list-header>
        <tx:list-item tx:start-value="10"><tx:p>jumped</tx:p></tx:list-item>
      </tx:list>
      <tx:list tx:style-name="Num">
        <tx:list-item><tx:p>restarted</tx:p></tx:list-item>
      </tx:list>
      <!-- list1 was continued (by continue-numbering) up to 10; continue-list goes on from there. -->
      <tx:list tx:style-name="Num" tx:continue-list="list1">
        <tx:list-item><tx:p>back to list1</tx:p></tx:list-item>
      </tx:list>
      <tx:list>
        <tx:list-item><tx:p tx:style-name="ListPara">style from paragraph</tx:p></tx:list-item>
        <tx:list-item><tx:p tx:style-name="ListPara">circled</tx:p>
          <tx:list><tx:list-item><tx:p tx:style-name="ListPara">full width</tx:p>
            <tx:list><tx:list-item><tx:p tx:style-name="ListPara">no suffix</tx:p></tx:list-item></tx:list>
          </tx:list-item></tx:list>
        </tx:list-item>
      </tx:list>
      <tx:list tx:style-name="Bul"><tx:list-item><tx:p>bullet</tx:p></tx:list-item></tx:list>
      <tx:list tx:style-name="None"><tx:list-item><tx:p>no number</tx:p></tx:list-item></tx:list>
      <tx:list tx:style-name="Lf"><tx:list-item><tx:p>list format</tx:p></tx:list-item></tx:list>"#;
    let doc = read(&[
        ("content.xml", &content("", body)),
        ("styles.xml", &styles(LIST_STYLES, "", "")),
    ])
    .unwrap();
    assert_eq!(
        texts(&doc),
        [
            "3. first",
            "4. second",
            "4.1. nested a",
            "same item, no label",
            "4.2. nested b",
            "a) deep",
            "between",
            "5. continued",
            "header item",
            "10. jumped",
            "3. restarted",
            "11. back to list1",
            "①style from paragraph",
            "②circled",
            "１. full width",
            "1 no suffix",
            "•bullet",
            "no number",
            "第1条 list format",
        ]
    );
    let p = paras(&doc);
    assert_eq!(p[2].number_label.as_deref(), Some("4.1."));
    assert_eq!(p[3].number_label, None);
    assert_eq!(p[16].number_label.as_deref(), Some("•"));
    assert_eq!(p[17].number_label, None);
}

#[test]
fn whitespace_spaces_tabs_breaks_and_fields() {
    let body = r#"
      <tx:p>
         Leading   white
         space<tx:s tx:c="3"/>three<tx:tab/>tab<tx:line-break/>line <tx:span> span </tx:span> end
      </tx:p>
      <tx:p><tx:s/>kept <tx:s/> both</tx:p>
      <tx:p>Page <tx:page-number>7</tx:page-number> of <tx:page-count>9</tx:page-count>,
        <tx:a><tx:span>link</tx:span></tx:a>, <tx:bookmark-start tx:name="b"/>mark<tx:bookmark-end tx:name="b"/>,
        <tx:ruby><tx:ruby-base>漢</tx:ruby-base><tx:ruby-text>kan</tx:ruby-text></tx:ruby>,
        <of:annotation><d:creator>x</d:creator><tx:p>comment</tx:p></of:annotation>done<tx:s tx:c="99999999"/>!</tx:p>
      <tx:section tx:name="hidden" tx:display="none"><tx:p>hidden</tx:p></tx:section>
      <tx:section tx:name="s"><tx:p>in section</tx:p></tx:section>
      <tx:table-of-content>
        <tx:table-of-content-source><tx:index-title-template>Contents</tx:index-title-template></tx:table-of-content-source>
        <tx:index-body><tx:index-title><tx:p>Contents</tx:p></tx:index-title><tx:p>一、总体情况<tx:tab/>1</tx:p></tx:index-body>
      </tx:table-of-content>"#;
    let doc = read(&[("content.xml", &content("", body))]).unwrap();
    // `kept <s/> both`: the collapsed space before text:s stays, and the space
    // after it is not leading white space any more (LibreOffice: three spaces).
    let mut t = texts(&doc);
    let last = t.remove(2);
    assert_eq!(
        t,
        [
            "Leading white space   three\ttab\nline span end",
            " kept   both",
            "in section",
            "Contents",
            "一、总体情况\t1",
        ]
    );
    assert_eq!(
        last,
        format!("Page 7 of 9, link, mark, 漢, done{}!", " ".repeat(1000))
    );
    assert_eq!(
        doc.warnings
            .iter()
            .map(|w| w.code.as_str())
            .collect::<Vec<_>>(),
        ["repeat_capped"]
    );
}

#[test]
fn tracked_changes_show_accepted_text() {
    let body = r#"
      <tx:tracked-changes>
        <tx:changed-region xml:id="c1" tx:id="c1"><tx:deletion><of:change-info><d:creator>A</d:creator></of:change-info><tx:p>DELETED</tx:p></tx:deletion></tx:changed-region>
        <tx:changed-region xml:id="c2" tx:id="c2"><tx:insertion><of:change-info><d:creator>A</d:creator></of:change-info></tx:insertion></tx:changed-region>
      </tx:tracked-changes>
      <tx:p>Some text with <tx:change tx:change-id="c1"/>and <tx:change-start tx:change-id="c2"/>inserted <tx:change-end tx:change-id="c2"/>text.</tx:p>"#;
    let doc = read(&[("content.xml", &content("", body))]).unwrap();
    assert_eq!(texts(&doc), ["Some text with and inserted text."]);
}

#[test]
fn notes_are_linked_and_kept_out_of_the_paragraph() {
    let body = r#"
      <tx:p>Text<tx:note tx:id="ftn0" tx:note-class="footnote"><tx:note-citation>1</tx:note-citation><tx:note-body><tx:p>Footnote text</tx:p><tx:p>second para</tx:p></tx:note-body></tx:note> and more<tx:note tx:id="e" tx:note-class="endnote"><tx:note-citation>i</tx:note-citation><tx:note-body><tx:p>Endnote text</tx:p></tx:note-body></tx:note>.</tx:p>
      <tx:p>Again<tx:note tx:note-class="footnote"><tx:note-citation>*</tx:note-citation><tx:note-body><tx:p>Star</tx:p></tx:note-body></tx:note></tx:p>"#;
    let doc = read(&[("content.xml", &content("", body))]).unwrap();
    assert_eq!(texts(&doc), ["Text and more.", "Again"]);
    let p = paras(&doc);
    assert_eq!(p[0].note_refs, ["footnote-1", "endnote-1"]);
    assert_eq!(p[1].note_refs, ["footnote-2"]);
    let notes: Vec<_> = doc
        .notes
        .iter()
        .map(|n| (n.id.as_str(), n.kind, n.label.as_deref(), n.text.as_str()))
        .collect();
    assert_eq!(
        notes,
        [
            (
                "footnote-1",
                NoteKind::Footnote,
                Some("1"),
                "Footnote text\nsecond para"
            ),
            ("endnote-1", NoteKind::Endnote, Some("i"), "Endnote text"),
            ("footnote-2", NoteKind::Footnote, Some("*"), "Star"),
        ]
    );
}

#[test]
fn text_boxes_follow_their_anchor() {
    let body = r#"
      <tx:p>Anchor <dw:frame dw:name="f1"><dw:text-box><tx:p>box one</tx:p><tx:p>box two</tx:p></dw:text-box></dw:frame>text</tx:p>
      <tx:p>Image <dw:frame><dw:image><tx:p>alt para</tx:p></dw:image><sv:title>Title</sv:title><sv:desc>Description</sv:desc></dw:frame>here</tx:p>
      <dw:frame tx:anchor-type="page"><dw:text-box><tx:p>page box</tx:p></dw:text-box></dw:frame>
      <tx:p>After</tx:p>"#;
    let doc = read(&[("content.xml", &content("", body))]).unwrap();
    assert_eq!(
        texts(&doc),
        [
            "Anchor text",
            "box one",
            "box two",
            "Image here",
            "page box",
            "After"
        ]
    );
}

fn grid_texts(t: &Table) -> Vec<Vec<String>> {
    (0..t.n_rows)
        .map(|r| {
            (0..t.n_cols)
                .map(|c| t.cell_at(r, c).map(|x| x.text.clone()).unwrap_or_default())
                .collect()
        })
        .collect()
}

#[test]
fn tables_spans_covered_repeats_headers_nested() {
    let body = r#"
      <tb:table tb:name="T">
        <tb:table-column tb:number-columns-repeated="3"/>
        <tb:table-column/>
        <tb:table-header-rows>
          <tb:table-row>
            <tb:table-cell tb:number-columns-spanned="2"><tx:p>信息内容</tx:p></tb:table-cell>
            <tb:covered-table-cell/>
            <tb:table-cell tb:number-rows-spanned="2"><tx:p>本年</tx:p><tx:p/><tx:p>新制作</tx:p></tb:table-cell>
            <tb:table-cell><tx:p>H4</tx:p></tb:table-cell>
          </tb:table-row>
        </tb:table-header-rows>
        <tb:table-rows>
          <tb:table-row>
            <tb:table-cell><tx:p>规章</tx:p></tb:table-cell>
            <tb:table-cell tb:number-columns-repeated="1"><tx:p>0</tx:p></tb:table-cell>
            <tb:covered-table-cell/>
            <tb:table-cell>
              <tx:p>outer</tx:p>
              <tb:table><tb:table-column tb:number-columns-repeated="2"/>
                <tb:table-row><tb:table-cell><tx:p>in1</tx:p></tb:table-cell><tb:table-cell><tx:p>in2</tx:p></tb:table-cell></tb:table-row>
              </tb:table>
              <tx:p/>
            </tb:table-cell>
          </tb:table-row>
          <tb:table-row tb:number-rows-repeated="2">
            <tb:table-cell tb:number-columns-repeated="4"><tx:p>5</tx:p></tb:table-cell>
          </tb:table-row>
        </tb:table-rows>
        <tb:table-row tb:number-rows-repeated="1048576"><tb:table-cell tb:number-columns-repeated="4"/></tb:table-row>
      </tb:table>"#;
    let doc = read(&[("content.xml", &content("", body))]).unwrap();
    assert_eq!(doc.body.len(), 1);
    let Block::Table(t) = &doc.body[0] else {
        panic!("not a table")
    };
    assert_eq!((t.n_rows, t.n_cols, t.header_rows), (4, 4, 1));
    assert_eq!(
        grid_texts(t),
        [
            ["信息内容", "信息内容", "本年\n\n新制作", "H4"],
            ["规章", "0", "本年\n\n新制作", "outer"],
            ["5", "5", "5", "5"],
            ["5", "5", "5", "5"],
        ]
    );
    assert_eq!(
        t.grid,
        [
            vec![0, 0, 1, 2],
            vec![3, 4, 1, 5],
            vec![6, 7, 8, 9],
            vec![10, 11, 12, 13]
        ]
    );
    let spans: Vec<_> = t
        .cells
        .iter()
        .take(3)
        .map(|c| (c.row, c.col, c.row_span, c.col_span))
        .collect();
    assert_eq!(spans, [(0, 0, 1, 2), (0, 2, 2, 1), (0, 3, 1, 1)]);
    let outer = t.cell_at(1, 3).unwrap();
    assert_eq!(outer.tables.len(), 1);
    assert_eq!(grid_texts(&outer.tables[0]), [["in1", "in2"]]);
    assert_eq!(
        doc.warnings
            .iter()
            .map(|w| (w.code.as_str(), w.location.as_deref()))
            .collect::<Vec<_>>(),
        [("repeat_capped", Some("content.xml table 1"))]
    );
}

#[test]
fn headers_footers_and_meta() {
    let master = r#"
      <st:master-page st:name="Standard">
        <st:header><tx:p>机关名称<tx:tab/><tx:page-number>1</tx:page-number></tx:p></st:header>
        <st:header-left><tx:p>左页眉</tx:p></st:header-left>
        <st:header-first st:display="false"><tx:p>hidden first</tx:p></st:header-first>
        <st:footer-first><tx:p>首页页脚</tx:p></st:footer-first>
      </st:master-page>
      <st:master-page st:name="Other"><st:header><tx:p>机关名称<tx:tab/><tx:page-number>1</tx:page-number></tx:p></st:header></st:master-page>"#;
    let meta = format!(
        r#"<?xml version="1.0"?><of:document-meta {NS}><of:meta>
          <m:generator>LibreOffice/7.6</m:generator><d:title>年度报告</d:title><d:subject>政务公开</d:subject>
          <d:description>说明</d:description><m:keyword>政府</m:keyword><m:keyword>公开</m:keyword>
          <m:initial-creator>张三</m:initial-creator><d:creator>李四</d:creator>
          <m:creation-date>2024-01-02T03:04:05</m:creation-date><d:date>2024-02-03T04:05:06</d:date>
          <d:language>zh-CN</d:language>
          <m:document-statistic m:page-count="3" m:word-count="1200" m:character-count="4567"/>
          <m:user-defined m:name="文号" m:value-type="string">某政发〔2024〕1号</m:user-defined>
        </of:meta></of:document-meta>"#
    );
    let doc = read(&[
        ("content.xml", &content("", "<tx:p>body</tx:p>")),
        ("styles.xml", &styles("", "", master)),
        ("meta.xml", &meta),
    ])
    .unwrap();
    assert_eq!(texts(&doc), ["body"]);
    let hf = |v: &[reportdex::model::HeaderFooter]| {
        v.iter()
            .map(|h| (h.kind.clone(), h.text.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        hf(&doc.headers),
        [
            ("default".to_string(), "机关名称\t1".to_string()),
            ("left".into(), "左页眉".into())
        ]
    );
    assert_eq!(
        hf(&doc.footers),
        [("first".to_string(), "首页页脚".to_string())]
    );
    let p = &doc.properties;
    assert_eq!(p.title.as_deref(), Some("年度报告"));
    assert_eq!(p.subject.as_deref(), Some("政务公开"));
    assert_eq!(p.description.as_deref(), Some("说明"));
    assert_eq!(p.keywords.as_deref(), Some("政府, 公开"));
    assert_eq!(p.creator.as_deref(), Some("张三"));
    assert_eq!(p.last_modified_by.as_deref(), Some("李四"));
    assert_eq!(p.created.as_deref(), Some("2024-01-02T03:04:05"));
    assert_eq!(p.modified.as_deref(), Some("2024-02-03T04:05:06"));
    assert_eq!(p.language.as_deref(), Some("zh-CN"));
    assert_eq!(p.application.as_deref(), Some("LibreOffice/7.6"));
    assert_eq!(
        (p.pages, p.words, p.characters),
        (Some(3), Some(1200), Some(4567))
    );
    assert_eq!(
        p.custom.get("文号").map(String::as_str),
        Some("某政发〔2024〕1号")
    );
    assert!(doc.warnings.is_empty(), "{:?}", doc.warnings);
}

#[test]
fn broken_parts() {
    // Malformed content.xml is an error.
    let err = read(&[("content.xml", "<of:document-content xmlns:of=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\"><of:body><a></b")])
        .unwrap_err();
    assert_eq!(err.kind(), "malformed_xml");
    assert!(matches!(err, ReadError::Xml { ref part, .. } if part == "content.xml"));

    // Missing content.xml.
    let bytes = {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        w.start_file(
            "mimetype",
            SimpleFileOptions::default().compression_method(CompressionMethod::Stored),
        )
        .unwrap();
        w.write_all(b"application/vnd.oasis.opendocument.text")
            .unwrap();
        w.finish().unwrap().into_inner()
    };
    assert!(
        matches!(Package::open(bytes, Limits::default()), Err(ReadError::MissingPart(p)) if p == "content.xml")
    );

    // Malformed styles.xml and meta.xml: converted anyway, with warnings naming the part.
    let doc = read(&[
        ("content.xml", &content("", "<tx:h tx:outline-level=\"1\">标题</tx:h>")),
        ("styles.xml", &format!("<of:document-styles {NS}><of:styles>{OUTLINE_STYLES}</of:styles><of:automatic-styles><broken")),
        ("meta.xml", &format!("<of:document-meta {NS}><of:meta><d:title>T</d:title><x y=\"")),
    ])
    .unwrap();
    assert_eq!(texts(&doc), ["一、标题"]);
    assert_eq!(doc.properties.title.as_deref(), Some("T"));
    let w: Vec<_> = doc
        .warnings
        .iter()
        .map(|w| (w.code.as_str(), w.location.as_deref()))
        .collect();
    assert_eq!(
        w,
        [
            ("bad_part", Some("styles.xml")),
            ("bad_part", Some("meta.xml"))
        ]
    );

    // styles.xml absent while content refers to common styles.
    let doc = read(&[(
        "content.xml",
        &content("", "<tx:p tx:style-name=\"Text_20_body\">x</tx:p>"),
    )])
    .unwrap();
    assert_eq!(
        doc.warnings
            .iter()
            .map(|w| w.code.as_str())
            .collect::<Vec<_>>(),
        ["missing_styles"]
    );
    assert_eq!(paras(&doc)[0].style.as_deref(), Some("Text_20_body"));
}

/// Run `f` on a thread with a 2 MiB stack (the default for spawned threads and
/// rayon workers), failing after 60 s.
fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    std::thread::Builder::new()
        .stack_size(2 * 1024 * 1024)
        .spawn(move || {
            let _ = tx.send(f());
        })
        .unwrap();
    rx.recv_timeout(Duration::from_secs(60))
        .expect("no result in 60 s")
}

#[test]
fn hostile_repeats_and_nesting_stay_bounded() {
    // A spreadsheet-like table: a million repeated rows of 1024 repeated non-empty cells.
    let big = "x".repeat(1000);
    let body = format!(
        r#"<tb:table><tb:table-column tb:number-columns-repeated="16384"/>
           <tb:table-row tb:number-rows-repeated="1048576"><tb:table-cell tb:number-columns-repeated="16384"><tx:p>{big}</tx:p></tb:table-cell></tb:table-row>
           </tb:table>
           <tx:p>a{}b</tx:p>"#,
        r#"<tx:s tx:c="1000"/>"#.repeat(5000)
    );
    let doc = on_small_stack(move || read(&[("content.xml", &content("", &body))]).unwrap());
    let Block::Table(t) = &doc.body[0] else {
        panic!("not a table")
    };
    assert_eq!(t.n_cols, 1024);
    assert!(t.n_rows >= 1 && t.n_rows < 100, "{} rows", t.n_rows);
    let Block::Paragraph(p) = &doc.body[1] else {
        panic!("not a paragraph")
    };
    // 1 000 000 spaces from the part budget, then one per text:s.
    assert_eq!(p.text.len(), 1_000_000 + 4000 + 2);
    assert!(doc.warnings.iter().all(|w| w.code == "repeat_capped"));
    assert!(doc.warnings.len() >= 3);

    // Nesting close to the depth limit: spans, sections, lists and tables.
    let n = 165;
    let spans = format!(
        "<tx:p>{}deep{}</tx:p>",
        "<tx:span>".repeat(n),
        "</tx:span>".repeat(n)
    );
    let sections = format!(
        "{}<tx:p>in</tx:p>{}",
        "<tx:section>".repeat(n),
        "</tx:section>".repeat(n)
    );
    let lists = format!(
        "{}<tx:p>item</tx:p>{}",
        "<tx:list><tx:list-item>".repeat(n),
        "</tx:list-item></tx:list>".repeat(n)
    );
    let tables = format!(
        "{}<tx:p>cell</tx:p>{}",
        "<tb:table><tb:table-row><tb:table-cell>".repeat(n),
        "</tb:table-cell></tb:table-row></tb:table>".repeat(n)
    );
    let body = format!("{spans}{sections}{lists}{tables}");
    let doc = on_small_stack(move || read(&[("content.xml", &content("", &body))]).unwrap());
    assert_eq!(texts(&doc), ["deep", "in", "item"]);
    let mut t = match &doc.body[3] {
        Block::Table(t) => t,
        _ => panic!("not a table"),
    };
    let mut depth = 1;
    while let Some(inner) = t.cells[0].tables.first() {
        t = inner;
        depth += 1;
    }
    assert_eq!((depth, t.cells[0].text.as_str()), (n, "cell"));

    // Beyond the depth limit: a typed error, not a stack overflow.
    let body = format!("{}x{}", "<tx:span>".repeat(600), "</tx:span>".repeat(600));
    let err = on_small_stack(move || {
        read(&[("content.xml", &content("", &format!("<tx:p>{body}</tx:p>")))]).unwrap_err()
    });
    assert_eq!(err.kind(), "too_deep");
}
