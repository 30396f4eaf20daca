//! Report metadata (template.md §8.1, §8.3, §8.4): agency and year from the
//! title (both orders, `年度`, missing `政府`/`工作`, title broken over lines), the
//! opening sentence, the document properties, the signature or the file name;
//! the reporting period; the 信息处理费 sentence.
//!
//! Matching runs on normalized text ([`crate::normalize`]); the agency is also
//! returned "as written" (NFKC, pinyin and whitespace removed, traditional
//! characters kept) by cutting the same character range from the lightly
//! normalized text.

use super::value::Num;
use super::{Fee, Period};
use crate::normalize::{
    cached_regex, cached_regex_built, light_normalize, normalize_text, to_simplified,
};
use regex::Regex;
use std::sync::OnceLock;

/// An agency name as written and normalized.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgencyName {
    /// As written (traditional characters kept).
    pub written: String,
    /// Normalized (simplified).
    pub normalized: String,
}

/// What a title-like text gave.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TitleInfo {
    /// The agency, if named.
    pub agency: Option<AgencyName>,
    /// The report year, if given.
    pub year: Option<i32>,
}

/// Both forms of a text: `(light, simplified)`, with equal character counts.
fn forms(s: &str) -> (Vec<char>, String) {
    let light = light_normalize(s);
    let simp = to_simplified(&light);
    let lc: Vec<char> = light.chars().collect();
    if simp.chars().count() == lc.len() {
        (lc, simp)
    } else {
        (simp.chars().collect(), simp)
    }
}

/// Cut the agency named by byte range `range` of `simp` out of both forms.
fn agency_at(light: &[char], simp: &str, range: std::ops::Range<usize>) -> Option<AgencyName> {
    let start = simp[..range.start].chars().count();
    let len = simp[range.clone()].chars().count();
    let normalized = simp[range].to_string();
    let written: String = light.iter().skip(start).take(len).collect();
    // Self-references and sentence words, not names (`本溪市`, `贵阳市` are names).
    let bad_start = [
        "我",
        "本机关",
        "本单位",
        "本局",
        "本办",
        "本委",
        "本部门",
        "本级",
        "本行政机关",
        "贵单位",
        "贵局",
        "该",
        "社会",
        "现",
        "公布",
        "关于",
    ];
    if normalized.chars().count() < 2
        || normalized == "政府"
        || bad_start.iter().any(|b| normalized.starts_with(b))
    {
        return None;
    }
    Some(AgencyName {
        written,
        normalized,
    })
}

/// An agency named by a whole text (a metadata table's 发布机构 cell): `None`
/// for self-references, sentences and texts longer than 40 characters.
pub fn agency_name(text: &str) -> Option<AgencyName> {
    let (light, simp) = forms(text.trim());
    let n = simp.chars().count();
    if !(2..=40).contains(&n) || simp.chars().any(|c| "。,;:!?《》".contains(c)) {
        return None;
    }
    agency_at(&light, &simp, 0..simp.len())
}

const AGENCY: &str = r#"[^。,;:!?、《》"()\[\]0-9]{2,40}?"#;
const TAIL: &str = r"年度?(?:政府)?信息公开(?:工作)?(?:年度)?(?:报告|年报)";

fn title_res() -> [Option<&'static Regex>; 3] {
    static A: OnceLock<Option<Regex>> = OnceLock::new();
    static B: OnceLock<Option<Regex>> = OnceLock::new();
    static C: OnceLock<Option<Regex>> = OnceLock::new();
    [
        cached_regex_built(&A, || {
            format!(r"^(?P<agency>{AGENCY})(?P<year>(?:19|20)\d{{2}}){TAIL}")
        }),
        cached_regex_built(&C, || format!(r"^(?P<year>(?:19|20)\d{{2}}){TAIL}")),
        cached_regex_built(&B, || {
            format!(
                r"^(?P<year>(?:19|20)\d{{2}})年度?(?P<agency>{AGENCY})(?:政府)?信息公开(?:工作)?(?:年度)?(?:报告|年报)"
            )
        }),
    ]
}

/// Parse a report title (any order of agency and year). `None` when the text
/// is not such a title.
pub fn parse_title(text: &str) -> Option<TitleInfo> {
    let (light, simp) = forms(text);
    if simp.contains("上半年") || simp.contains("季度") || simp.contains("数据统计") {
        return None;
    }
    for re in title_res().into_iter().flatten() {
        if let Some(c) = re.captures(&simp) {
            let year = c.name("year").and_then(|m| m.as_str().parse().ok());
            let agency = c
                .name("agency")
                .and_then(|m| agency_at(&light, &simp, m.range()));
            if agency.is_none() && c.name("agency").is_some() {
                continue;
            }
            return Some(TitleInfo { agency, year });
        }
    }
    None
}

/// The opening-sentence patterns: `公布{agency}{year}年…信息公开`,
/// `请与{agency}联系`, `{year}年…信息公开`.
fn opening_res() -> [Option<&'static Regex>; 3] {
    static O1: OnceLock<Option<Regex>> = OnceLock::new();
    static O2: OnceLock<Option<Regex>> = OnceLock::new();
    static Y: OnceLock<Option<Regex>> = OnceLock::new();
    [
        cached_regex_built(&O1, || {
            format!(
                r"(?:公布|发布|现将|编制)了?(?P<agency>{AGENCY})(?P<year>(?:19|20)\d{{2}})年度?(?:政府)?信息公开"
            )
        }),
        cached_regex_built(&O2, || format!(r"请与(?P<agency>{AGENCY})联系")),
        cached_regex(&Y, r"((?:19|20)\d{2})年度?(?:政府)?信息公开"),
    ]
}

/// Whether [`parse_opening`] can find anything in a text, tested on the text's
/// normalized form (`normalize_text`): the patterns are matched on a form
/// that differs from it only in whitespace (removed here too), item markers at
/// the start and context-dependent t2s, none of which a match depends on.
pub fn opening_may_match(normalized: &str) -> bool {
    let compact: std::borrow::Cow<str> = if normalized.contains(char::is_whitespace) {
        normalized
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .into()
    } else {
        normalized.into()
    };
    opening_res()
        .into_iter()
        .flatten()
        .any(|re| re.is_match(&compact))
}

/// Agency and year from an opening sentence (`现向社会公布{agency}{year}年…`,
/// `现将{agency}{year}年度…`, `请与{agency}联系`).
pub fn parse_opening(text: &str) -> TitleInfo {
    let [o1, o2, y] = opening_res();
    let (light, simp) = forms(text);
    let mut info = TitleInfo::default();
    if let Some(re) = o1 {
        if let Some(c) = re.captures(&simp) {
            info.agency = c
                .name("agency")
                .and_then(|m| agency_at(&light, &simp, m.range()));
            info.year = c.name("year").and_then(|m| m.as_str().parse().ok());
        }
    }
    if info.agency.is_none() {
        if let Some(re) = o2 {
            if let Some(c) = re.captures(&simp) {
                info.agency = c
                    .name("agency")
                    .and_then(|m| agency_at(&light, &simp, m.range()));
            }
        }
    }
    if info.year.is_none() {
        if let Some(re) = y {
            info.year = re
                .captures(&simp)
                .and_then(|c| c.get(1))
                .and_then(|m| m.as_str().parse().ok());
        }
    }
    info
}

/// The year of the publication date at the end of the document (a line that is
/// only a date, among the last lines), minus one: reports are published
/// early in the following year (template.md §8.1, step 4).
pub fn signature_year(lines: &[&str]) -> Option<i32> {
    static D: OnceLock<Option<Regex>> = OnceLock::new();
    let date = cached_regex(&D, r"^((?:19|20)\d{2})年\d{1,2}月\d{1,2}日$")?;
    lines.iter().rev().find_map(|l| {
        let (_, simp) = forms(l);
        let y: i32 = date.captures(&simp)?.get(1)?.as_str().parse().ok()?;
        Some(y - 1)
    })
}

/// The first `YYYY年,` of a text (the year the opening section talks about).
pub fn leading_year(text: &str) -> Option<i32> {
    leading_year_normalized(&normalize_text(text))
}

/// [`leading_year`] of a text already normalized.
pub fn leading_year_normalized(simp: &str) -> Option<i32> {
    static Y: OnceLock<Option<Regex>> = OnceLock::new();
    cached_regex(&Y, r"(?:^|[^0-9])((?:19|20)\d{2})年度?[,，]")?
        .captures(simp)?
        .get(1)?
        .as_str()
        .parse()
        .ok()
}

/// The agency named in a signature block: the line before a date line among the
/// last paragraphs. `lines` are the document's last non-empty lines in order.
pub fn parse_signature(lines: &[&str]) -> Option<AgencyName> {
    static D: OnceLock<Option<Regex>> = OnceLock::new();
    let date = cached_regex(&D, r"^(?:19|20)\d{2}年\d{1,2}月\d{1,2}日$")?;
    for i in (1..lines.len()).rev() {
        let (_, simp) = forms(lines[i]);
        if !date.is_match(&simp) {
            continue;
        }
        let (light, prev) = forms(lines[i - 1]);
        let n = prev.chars().count();
        let punct = prev
            .chars()
            .any(|c| "。,;:!?、《》\"".contains(c) || c.is_ascii_digit());
        if (3..=40).contains(&n)
            && !punct
            && !prev.starts_with("附件")
            && !prev.starts_with("相关附件")
        {
            return agency_at(&light, &prev, 0..prev.len());
        }
    }
    None
}

/// Agency and year from a file name (`…/开平市科工商务局2022年政府信息公开工作年度报告.docx`).
pub fn parse_file_name(path: &str) -> TitleInfo {
    static Y: OnceLock<Option<Regex>> = OnceLock::new();
    let name = path.rsplit(['/', '\\', '!']).next().unwrap_or(path);
    let stem = match name.rfind('.') {
        Some(p) if p > 0 => &name[..p],
        _ => name,
    };
    if let Some(info) = parse_title(stem) {
        return info;
    }
    let year = cached_regex(&Y, r"(?:^|[^0-9])((?:19|20)\d{2})(?:[^0-9]|$)")
        .and_then(|re| re.captures(stem))
        .and_then(|c| c.get(1))
        .and_then(|m| m.as_str().parse().ok());
    TitleInfo { agency: None, year }
}

fn valid_date(y: i32, m: u32, d: u32) -> bool {
    let dim = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        _ => return false,
    };
    (1..=dim).contains(&d) && (1900..=2100).contains(&y)
}

/// Split normalized text into sentences (on `。`, `;` and line breaks).
fn sentences(s: &str) -> impl Iterator<Item = &str> {
    s.split(['。', ';', '\n'])
        .map(str::trim)
        .filter(|x| !x.is_empty())
}

/// The reporting period from one paragraph, if it states one
/// (`统计期限自2022年1月1日起至2022年12月31日止`, `涵盖…2022年1月1日至12月15日期间`).
/// Typos are tolerated: `至202020年12月31日`, `自20251月1日起`.
pub fn parse_period(text: &str) -> Option<Period> {
    if !text.contains('月') {
        return None;
    }
    parse_period_normalized(&normalize_text(text))
}

/// [`parse_period`] of a text already normalized.
pub fn parse_period_normalized(norm: &str) -> Option<Period> {
    static P: OnceLock<Option<Regex>> = OnceLock::new();
    let re = cached_regex(
        &P,
        r"(?P<y1>(?:19|20)\d{2})(?:\d{0,2}年)?(?P<m1>\d{1,2})月(?P<d1>\d{1,2})日(?:起)?(?:至|到|—|-|~)(?:(?P<y2>(?:19|20)\d{2})(?:\d{0,2}年)?)?(?P<m2>\d{1,2})月(?P<d2>\d{1,2})日",
    )?;
    if !norm.contains('月') {
        return None;
    }
    let keywords = ["统计", "期限", "时限", "时段", "涵盖", "期间", "报告期"];
    for sentence in sentences(norm) {
        if !keywords.iter().any(|k| sentence.contains(k)) {
            continue;
        }
        let compact: String = sentence.chars().filter(|c| !c.is_whitespace()).collect();
        let Some(c) = re.captures(&compact) else {
            continue;
        };
        let num = |n: &str| c.name(n).and_then(|m| m.as_str().parse::<i64>().ok());
        let (Some(y1), Some(m1), Some(d1), Some(m2), Some(d2)) =
            (num("y1"), num("m1"), num("d1"), num("m2"), num("d2"))
        else {
            continue;
        };
        let y2 = num("y2").unwrap_or(y1);
        let date = |y: i64, m: i64, d: i64| -> Option<(i32, u32, u32)> {
            let (y, m, d) = (
                i32::try_from(y).ok()?,
                u32::try_from(m).ok()?,
                u32::try_from(d).ok()?,
            );
            valid_date(y, m, d).then_some((y, m, d))
        };
        let start = date(y1, m1, d1);
        let end = date(y2, m2, d2);
        let fmt = |x: Option<(i32, u32, u32)>| x.map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}"));
        let full_year = match (start, end) {
            (Some(s), Some(e)) => {
                Some(s.1 == 1 && s.2 == 1 && e.1 == 12 && e.2 == 31 && s.0 == e.0)
            }
            _ => None,
        };
        return Some(Period {
            start: fmt(start),
            end: fmt(end),
            full_year,
            text: sentence.to_string(),
        });
    }
    None
}

/// The 信息处理费 statement of one paragraph, if any (§8.4). Negative wordings
/// (未/不/无/没有 + 收取) mean nothing collected: amount 0, cases 0.
pub fn parse_fee(text: &str) -> Option<Fee> {
    if !(text.contains('费') || text.contains('費')) {
        return None;
    }
    parse_fee_normalized(&normalize_text(text))
}

/// [`parse_fee`] of a text already normalized.
pub fn parse_fee_normalized(norm: &str) -> Option<Fee> {
    static NEG: OnceLock<Option<Regex>> = OnceLock::new();
    static AMT: OnceLock<Option<Regex>> = OnceLock::new();
    static CASES: OnceLock<Option<Regex>> = OnceLock::new();
    if !norm.contains('费') {
        return None;
    }
    for sentence in sentences(norm) {
        let about_fee = sentence.contains("信息处理费")
            || sentence.contains("收费及减免")
            || (sentence.contains("收取")
                && sentence.contains("费用")
                && sentence.contains("申请"))
            || (sentence.contains("依申请公开") && sentence.contains("收费"));
        if !about_fee {
            continue;
        }
        let compact: String = sentence.chars().filter(|c| !c.is_whitespace()).collect();
        let negative = cached_regex(&NEG, r"(?:未|不|无|没有|没|均未|从未)[^,，。;]{0,12}(?:收取|收费|产生)|无政府信息公开的?收费|全年未出现")
            .is_some_and(|re| re.is_match(&compact));
        let amount = cached_regex(
            &AMT,
            r"(?:收取|收费|费用|共计|合计|金额)[^,，。;]{0,12}?(?P<n>\d+(?:\.\d+)?)(?P<u>万元|元)",
        )
        .and_then(|re| re.captures(&compact))
        .and_then(|c| {
            let v: f64 = c.name("n")?.as_str().parse().ok()?;
            let unit = c.name("u")?.as_str();
            Some(if unit == "万元" { v * 10_000.0 } else { v })
        });
        let cases = cached_regex(&CASES, r"(?P<n>\d+)件")
            .and_then(|re| re.captures(&compact))
            .and_then(|c| c.name("n")?.as_str().parse::<u64>().ok());
        let (collected, amount, cases) = match (negative, amount) {
            (_, Some(a)) if a > 0.0 => (Some(true), Some(a), cases),
            (true, a) => (
                Some(false),
                Some(a.unwrap_or(0.0)),
                Some(cases.unwrap_or(0)),
            ),
            (false, Some(a)) => (Some(false), Some(a), cases),
            (false, None) => (None, None, cases),
        };
        return Some(Fee {
            collected,
            amount_yuan: amount.map(Num),
            cases,
            text: sentence.to_string(),
        });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> (Option<String>, Option<i32>) {
        let i = parse_title(s).unwrap_or_default();
        (i.agency.map(|a| a.normalized), i.year)
    }

    #[test]
    fn titles() {
        let a = |x: &str| Some(x.to_string());
        assert_eq!(
            t("开平市科工商务局2022年政府信息公开工作年度报告"),
            (a("开平市科工商务局"), Some(2022))
        );
        assert_eq!(
            t("2019年上海市人民政府办公厅政府信息公开工作年度报告"),
            (a("上海市人民政府办公厅"), Some(2019))
        );
        assert_eq!(
            t("2025年南湖新区管委会办公室政府信息公开工作年度报告"),
            (a("南湖新区管委会办公室"), Some(2025))
        );
        assert_eq!(
            t("武汉市自然资源和规划局东湖生态风景区分局2021年度政府信息公开工作年度报告"),
            (a("武汉市自然资源和规划局东湖生态风景区分局"), Some(2021))
        );
        assert_eq!(
            t("广州市白云区人民政府办公室2020年政府信息公开年度报告"),
            (a("广州市白云区人民政府办公室"), Some(2020))
        );
        assert_eq!(
            t("区科技局2020年信息公開工作年度報告"),
            (a("区科技局"), Some(2020))
        );
        assert_eq!(
            t("2021年汉阳区文旅局政府信息公开年报"),
            (a("汉阳区文旅局"), Some(2021))
        );
        assert_eq!(
            t("硚口区人民政府汉正街道办事处2025年\n政府信息公开工作年度报告"),
            (a("硚口区人民政府汉正街道办事处"), Some(2025))
        );
        assert_eq!(
            t("宿迁市 2025 年政府信息公开工作年度报告"),
            (a("宿迁市"), Some(2025))
        );
        assert_eq!(t("2022年政府信息公开工作年度报告"), (None, Some(2022)));
        assert!(parse_title("2022年上半年政府信息公开数据统计").is_none());
        assert!(parse_title("关于做好政务公开工作的通知").is_none());
        // As written: traditional kept, pinyin removed.
        let i = parse_title("開(kāi)平市科工商務局2022年信息公開工作年度報告").unwrap();
        let ag = i.agency.unwrap();
        assert_eq!(ag.written, "開平市科工商務局");
        assert_eq!(ag.normalized, "开平市科工商务局");
    }

    #[test]
    fn opening_signature_file_name() {
        let o = parse_opening("根據(jù)《條例》的規(guī)定,現(xiàn)向社會(huì)公布開平市科工商務(wù)局2022年信息公開工作年度報(bào)告。");
        assert_eq!(o.agency.unwrap().normalized, "开平市科工商务局");
        assert_eq!(o.year, Some(2022));
        let o = parse_opening("现将我办2022年度政府信息公开情况报告如下");
        assert_eq!(o.agency, None);
        assert_eq!(o.year, Some(2022));
        let o = parse_opening("如对本报告有任何疑问，请与威海市文登区人民政府办公室联系。");
        assert_eq!(o.agency.unwrap().normalized, "威海市文登区人民政府办公室");
        assert_eq!(leading_year("2022年，我局根据市政府工作部署"), Some(2022));
        let s =
            parse_signature(&["无。", "威海市文登区人民政府办公室", "2023 年 1 月 16 日"]).unwrap();
        assert_eq!(s.normalized, "威海市文登区人民政府办公室");
        assert!(parse_signature(&["我们将继续努力。", "2023年1月16日"]).is_none());
        assert_eq!(
            signature_year(&["无。", "某局", "2023 年 1 月 16 日"]),
            Some(2022)
        );
        assert_eq!(signature_year(&["无。", "某局"]), None);
        let f = parse_file_name("in/a.zip!2021年汉阳区文旅局政府信息公开年报.docx");
        assert_eq!(f.agency.unwrap().normalized, "汉阳区文旅局");
        assert_eq!(
            parse_file_name("reports/report_2020_final.odt").year,
            Some(2020)
        );
        assert_eq!(parse_file_name("reports/x.odt").year, None);
    }

    fn p(s: &str) -> (Option<String>, Option<String>, Option<bool>) {
        let x = parse_period(s).unwrap();
        (x.start, x.end, x.full_year)
    }

    #[test]
    fn periods() {
        let full = |y: &str| {
            (
                Some(format!("{y}-01-01")),
                Some(format!("{y}-12-31")),
                Some(true),
            )
        };
        assert_eq!(
            p("本报告中所列数据的统计期限自2022年1月1日起至2022年12月31日止。"),
            full("2022")
        );
        assert_eq!(
            p("本年度报告中所列数据统计期限从2019年1月1日到12月31日止。"),
            full("2019")
        );
        assert_eq!(
            p("本报告所列数据的统计期限为2024年1月1日至2024年12月31日。"),
            full("2024")
        );
        assert_eq!(
            p("数据统计时限为2020年1月1日至2020年12月31日。"),
            full("2020")
        );
        assert_eq!(
            p("所列数据统计时段为2020年1月1日至2020年12月31日"),
            full("2020")
        );
        assert_eq!(
            p("本报告中使用数据统计期限为2024年1月1日至12月31日"),
            full("2024")
        );
        assert_eq!(
            p("统计期限自2020年1月1日起至202020年12月31日止"),
            full("2020")
        );
        assert_eq!(
            p("数据统计期限自20251月1日起至202512月31日止"),
            full("2025")
        );
        assert_eq!(
            p("本報(bào)告內(nèi)容涵蓋我局2022年1月1日至12月15日期間的政府信息公開工作情況。"),
            (
                Some("2022-01-01".into()),
                Some("2022-12-15".into()),
                Some(false)
            )
        );
        assert!(parse_period("我局于2022年3月1日至3月5日开展培训。").is_none());
    }

    #[test]
    fn fees() {
        let f = parse_fee("2022年,我局沒有收取信息處理費。").unwrap();
        assert_eq!(
            (f.collected, f.amount_yuan, f.cases),
            (Some(false), Some(Num(0.0)), Some(0))
        );
        let f = parse_fee("本机关依申请公开政府信息不收取任何费用。").unwrap();
        assert_eq!(f.collected, Some(false));
        let f = parse_fee("2023年有 3 件政府信息公开申请案件收取信息处理费 450 元。").unwrap();
        assert_eq!(
            (f.collected, f.amount_yuan, f.cases),
            (Some(true), Some(Num(450.0)), Some(3))
        );
        let f = parse_fee("全年实际收取信息处理费共计1200元。").unwrap();
        assert_eq!(
            (f.collected, f.amount_yuan, f.cases),
            (Some(true), Some(Num(1200.0)), None)
        );
        assert!(parse_fee("行政事业性收费0.35万元。").is_none());
        let f = parse_fee("无政府信息公开的收费及减免情况。").unwrap();
        assert_eq!(f.collected, Some(false));
    }
}
