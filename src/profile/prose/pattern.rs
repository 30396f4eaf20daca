//! A backtracking matcher for the small regex subset the prose rules are
//! written in (`docs/metrics.md` quotes them), with the `regex` crate's
//! leftmost-first semantics.
//!
//! Why not `regex`: the rules run on every candidate sentence of every
//! report, twenty of them, each with its own lazy DFA whose tables fall out
//! of the CPU caches between two reports (the rest of a report's processing
//! touches megabytes). Measured in the batch, a search cost about 8 µs, ten
//! times what it costs warm; the prose extraction was 7% of the CPU of a
//! batch of small reports. These patterns are literals, groups of
//! alternatives, `?`, a number and a unit: matched by hand from the few
//! positions whose first byte can start a match, they cost a small fraction
//! of that. A property test checks the matcher against `regex` on random
//! sentences made of the patterns' own words.
//!
//! The subset: literal characters; `(?:a|b)` groups; `?` (greedy) after a
//! character or a group; `$`; character classes of literal characters
//! (`[,;:]`); `(?P<u>…)`, a group whose text is captured as the unit; and
//! `(?P<n>…)`, which must be the prose number ([`super::N`]): Arabic digits
//! with an optional decimal part, or Chinese numerals.

/// One element of a pattern.
#[derive(Debug, Clone)]
enum Node {
    /// A literal string (consecutive literal characters).
    Lit(String),
    /// A group: alternatives tried in order; `unit`: its text is captured as
    /// the unit.
    Group { alts: Vec<Vec<Node>>, unit: bool },
    /// A greedy optional element.
    Opt(Box<Node>),
    /// One character of a set.
    Class(Vec<char>),
    /// The end of the text.
    End,
    /// The number, captured: `[0-9]+(?:\.[0-9]+)?` or Chinese numerals.
    Num,
}

/// A compiled pattern.
#[derive(Debug, Clone)]
pub struct Pattern {
    nodes: Vec<Node>,
    /// Bytes that can start a match (a match starts at a character boundary,
    /// so this is the first byte of a character).
    first: [bool; 256],
}

/// One match: byte ranges in the searched text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Match {
    /// The whole match.
    pub whole: std::ops::Range<usize>,
    /// The number (`None` for a pattern without one: a negation).
    pub number: Option<std::ops::Range<usize>>,
    /// The unit (`None` for a pattern without one).
    pub unit: Option<std::ops::Range<usize>>,
}

/// Why a pattern is outside the subset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsupported(pub String);

/// The number group's text: what `(?P<n>…)` must contain.
const NUMBER: &str = r"[0-9]+(?:\.[0-9]+)?|[零〇一二两三四五六七八九十百千万]+";
/// The Chinese numerals.
const NUMERALS: &str = "零〇一二两三四五六七八九十百千万";

impl Pattern {
    /// Compile `src`, or say what is outside the subset.
    pub fn new(src: &str) -> Result<Pattern, Unsupported> {
        let chars: Vec<char> = src.chars().collect();
        let mut p = Parser { s: &chars, i: 0 };
        let alts = p.alternatives()?;
        if p.i != chars.len() {
            return Err(Unsupported(format!("unbalanced `)` at {}", p.i)));
        }
        let nodes = match <[Vec<Node>; 1]>::try_from(alts) {
            Ok([seq]) => seq,
            Err(alts) => vec![Node::Group { alts, unit: false }],
        };
        let mut first = [false; 256];
        if !first_bytes(&nodes, &mut first) {
            // Could match the empty string: every position may start one.
            first = [true; 256];
        }
        Ok(Pattern { nodes, first })
    }

    /// The leftmost-first, non-overlapping matches in `s`, as
    /// `regex::Regex::captures_iter` finds them.
    pub fn matches<'s>(&'s self, s: &'s str) -> impl Iterator<Item = Match> + 's {
        let b = s.as_bytes();
        let mut from = 0;
        std::iter::from_fn(move || {
            let mut i = from;
            while i <= b.len() {
                let can_start = b.get(i).is_none_or(|&c| self.first[usize::from(c)]);
                if can_start && s.is_char_boundary(i) {
                    let mut caps = Caps::default();
                    let mut end = None;
                    let found = seq(&self.nodes, s, i, &mut caps, &mut |j, _| {
                        end = Some(j);
                        true
                    });
                    if let (true, Some(e)) = (found, end) {
                        // Never empty (the subset's patterns all need a
                        // character), but step on if one were.
                        from = if e > i { e } else { next_boundary(s, e) };
                        return Some(Match {
                            whole: i..e,
                            number: caps.number,
                            unit: caps.unit,
                        });
                    }
                }
                i += 1;
            }
            from = b.len() + 1;
            None
        })
    }
}

fn next_boundary(s: &str, i: usize) -> usize {
    (i + 1..=s.len())
        .find(|&j| s.is_char_boundary(j))
        .unwrap_or(s.len() + 1)
}

/// Captures along the current path.
#[derive(Default, Clone)]
struct Caps {
    number: Option<std::ops::Range<usize>>,
    unit: Option<std::ops::Range<usize>>,
}

/// The continuation: called with the position after what matched so far;
/// `true` ends the search (a match).
type Cont<'a> = &'a mut dyn FnMut(usize, &mut Caps) -> bool;

/// Match `nodes` at `i`, then the continuation.
fn seq(nodes: &[Node], s: &str, i: usize, caps: &mut Caps, k: Cont<'_>) -> bool {
    let Some((head, rest)) = nodes.split_first() else {
        return k(i, caps);
    };
    node(head, s, i, caps, &mut |j, caps| {
        seq(rest, s, j, caps, &mut *k)
    })
}

/// Match one node at `i`, then the continuation, in the order of preference
/// of a backtracking regex engine.
fn node(n: &Node, s: &str, i: usize, caps: &mut Caps, k: Cont<'_>) -> bool {
    let rest = &s.as_bytes()[i..];
    match n {
        Node::Lit(l) => rest.starts_with(l.as_bytes()) && k(i + l.len(), caps),
        Node::Class(set) => match s[i..].chars().next() {
            Some(c) if set.contains(&c) => k(i + c.len_utf8(), caps),
            _ => false,
        },
        Node::End => i == s.len() && k(i, caps),
        Node::Opt(inner) => node(inner, s, i, caps, &mut *k) || k(i, caps),
        Node::Group { alts, unit } => alts.iter().any(|alt| {
            if *unit {
                seq(alt, s, i, caps, &mut |j, caps| {
                    let saved = caps.unit.replace(i..j);
                    k(j, caps) || {
                        caps.unit = saved;
                        false
                    }
                })
            } else {
                seq(alt, s, i, caps, &mut *k)
            }
        }),
        Node::Num => {
            let mut with = |j: usize, caps: &mut Caps| {
                let saved = caps.number.replace(i..j);
                k(j, caps) || {
                    caps.number = saved;
                    false
                }
            };
            let digits = rest.iter().take_while(|c| c.is_ascii_digit()).count();
            if digits > 0 {
                // `[0-9]+` greedy, each length with `(?:\.[0-9]+)?` first.
                for d in (1..=digits).rev() {
                    let after = &rest[d..];
                    if d == digits && after.first() == Some(&b'.') {
                        let frac = after[1..].iter().take_while(|c| c.is_ascii_digit()).count();
                        for f in (1..=frac).rev() {
                            if with(i + d + 1 + f, caps) {
                                return true;
                            }
                        }
                    }
                    if with(i + d, caps) {
                        return true;
                    }
                }
                return false;
            }
            // `[零〇…]+` greedy: the longest run first, then one numeral less.
            let run: usize = s[i..]
                .chars()
                .take_while(|&c| NUMERALS.contains(c))
                .map(char::len_utf8)
                .sum();
            let numerals = &s[i..i + run];
            numerals
                .char_indices()
                .rev()
                .any(|(j, c)| with(i + j + c.len_utf8(), caps))
        }
    }
}

/// Add the bytes that can start a match of `nodes` to `set`; `false` when
/// `nodes` can match the empty string (then what follows can start it too).
fn first_bytes(nodes: &[Node], set: &mut [bool; 256]) -> bool {
    for n in nodes {
        if first_byte(n, set) {
            return true;
        }
    }
    false
}

/// As [`first_bytes`] for one node: `true` when it cannot be empty.
fn first_byte(n: &Node, set: &mut [bool; 256]) -> bool {
    match n {
        Node::Lit(l) => match l.as_bytes().first() {
            Some(&b) => {
                set[usize::from(b)] = true;
                true
            }
            None => false,
        },
        Node::Class(chars) => {
            for c in chars {
                let mut buf = [0; 4];
                set[usize::from(c.encode_utf8(&mut buf).as_bytes()[0])] = true;
            }
            true
        }
        Node::End => false,
        Node::Opt(inner) => {
            first_byte(inner, set);
            false
        }
        Node::Group { alts, .. } => {
            let mut non_empty = true;
            for alt in alts {
                non_empty &= first_bytes(alt, set);
            }
            non_empty
        }
        Node::Num => {
            for c in b'0'..=b'9' {
                set[usize::from(c)] = true;
            }
            for c in NUMERALS.chars() {
                let mut buf = [0; 4];
                set[usize::from(c.encode_utf8(&mut buf).as_bytes()[0])] = true;
            }
            true
        }
    }
}

/// A recursive-descent parser of the subset.
struct Parser<'a> {
    s: &'a [char],
    i: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<char> {
        self.s.get(self.i).copied()
    }

    fn rest_starts_with(&self, p: &str) -> bool {
        let p: Vec<char> = p.chars().collect();
        self.s[self.i..].starts_with(&p)
    }

    /// `a|b|…` up to a `)` or the end.
    fn alternatives(&mut self) -> Result<Vec<Vec<Node>>, Unsupported> {
        let mut alts = vec![self.sequence()?];
        while self.peek() == Some('|') {
            self.i += 1;
            alts.push(self.sequence()?);
        }
        Ok(alts)
    }

    /// Atoms with their `?`, up to a `|`, a `)` or the end.
    fn sequence(&mut self) -> Result<Vec<Node>, Unsupported> {
        let mut out: Vec<Node> = Vec::new();
        while let Some(c) = self.peek() {
            let atom = match c {
                '|' | ')' => break,
                '(' => self.group()?,
                '[' => self.class()?,
                '$' => {
                    self.i += 1;
                    Node::End
                }
                '\\' | '.' | '*' | '+' | '{' | '}' | '^' | ']' | '?' => {
                    return Err(Unsupported(format!("`{c}` at {}", self.i)))
                }
                c => {
                    self.i += 1;
                    Node::Lit(c.to_string())
                }
            };
            let atom = if self.peek() == Some('?') {
                self.i += 1;
                if matches!(self.peek(), Some('?' | '+')) {
                    return Err(Unsupported(format!("lazy or possessive `?` at {}", self.i)));
                }
                Node::Opt(Box::new(atom))
            } else {
                atom
            };
            // Merge consecutive literal characters.
            match (out.last_mut(), atom) {
                (Some(Node::Lit(prev)), Node::Lit(l)) => prev.push_str(&l),
                (_, atom) => out.push(atom),
            }
        }
        Ok(out)
    }

    fn group(&mut self) -> Result<Node, Unsupported> {
        let (unit, number) = if self.rest_starts_with("(?:") {
            self.i += 3;
            (false, false)
        } else if self.rest_starts_with("(?P<u>") {
            self.i += 6;
            (true, false)
        } else if self.rest_starts_with("(?P<n>") {
            self.i += 6;
            (false, true)
        } else {
            return Err(Unsupported(format!("group kind at {}", self.i)));
        };
        if number {
            if !self.rest_starts_with(NUMBER) {
                return Err(Unsupported("a number group other than N".into()));
            }
            self.i += NUMBER.chars().count();
            if self.peek() != Some(')') {
                return Err(Unsupported("a number group other than N".into()));
            }
            self.i += 1;
            return Ok(Node::Num);
        }
        let alts = self.alternatives()?;
        if self.peek() != Some(')') {
            return Err(Unsupported(format!("unclosed group at {}", self.i)));
        }
        self.i += 1;
        Ok(Node::Group { alts, unit })
    }

    fn class(&mut self) -> Result<Node, Unsupported> {
        self.i += 1;
        let mut set = Vec::new();
        while let Some(c) = self.peek() {
            self.i += 1;
            match c {
                ']' if !set.is_empty() => return Ok(Node::Class(set)),
                '\\' | '^' | '-' | '[' | ']' => {
                    return Err(Unsupported(format!("class syntax `{c}` at {}", self.i)))
                }
                c => set.push(c),
            }
        }
        Err(Unsupported("unclosed class".into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(p: &str, s: &str) -> Vec<(String, Option<String>, Option<String>)> {
        let pat = Pattern::new(p).unwrap();
        pat.matches(s)
            .map(|m| {
                (
                    s[m.whole].to_string(),
                    m.number.map(|r| s[r].to_string()),
                    m.unit.map(|r| s[r].to_string()),
                )
            })
            .collect()
    }

    #[test]
    fn the_subset() {
        let n = super::super::N;
        assert_eq!(
            found(
                &format!("收到(?:申请)?{n}(?P<u>件|起)"),
                "共收到申请5件,收到12.5起"
            ),
            [
                ("收到申请5件".into(), Some("5".into()), Some("件".into())),
                ("收到12.5起".into(), Some("12.5".into()), Some("起".into())),
            ]
        );
        assert_eq!(
            found(&format!("结转{n}件"), "结转五十五件"),
            [("结转五十五件".into(), Some("五十五".into()), None)]
        );
        assert_eq!(
            found("未收到申请(?:$|[,;:])", "未收到申请,未收到申请"),
            [
                ("未收到申请,".into(), None, None),
                ("未收到申请".into(), None, None)
            ]
        );
        // Greedy options give back what the rest needs.
        assert_eq!(found("上一?年", "上年"), [("上年".into(), None, None)]);
        // The numerals the matcher knows are those of the number group.
        assert!(NUMBER.ends_with(&format!("|[{NUMERALS}]+")));
        assert_eq!(format!("(?P<n>{NUMBER})"), n);
        assert!(Pattern::new("a+").is_err());
        assert!(Pattern::new("(a").is_err());
        assert!(Pattern::new("(?P<n>[0-9]+)").is_err());
        assert!(Pattern::new("[^a]").is_err());
    }

    /// Words of the prose patterns, digits, numerals and other characters:
    /// sentences made of them hit the patterns' every branch.
    fn sentence() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let words = prop::sample::select(vec![
            "新收",
            "收到",
            "接收",
            "受理",
            "新受理",
            "接到",
            "收悉",
            "未收到",
            "没有收到",
            "未接到",
            "未受理",
            "各类",
            "社会公众",
            "公众",
            "群众",
            "公民、法人",
            "或",
            "或者",
            "和",
            "其他组织",
            "提出",
            "提交",
            "的",
            "政府信息公开",
            "信息公开",
            "依申请公开",
            "政府信息",
            "申请",
            "数量",
            "总数",
            "总量",
            "共计",
            "共",
            "合计",
            "总计",
            "累计",
            "为",
            "达",
            "件",
            "起",
            "宗",
            "份",
            "个",
            "上",
            "一",
            "年",
            "度",
            "结转",
            "至",
            "到",
            "下",
            "继续",
            "办理",
            "转入",
            "全年",
            "本年",
            "已",
            "均已",
            "答复",
            "办结",
            "完毕",
            "处理完毕",
            "了",
            "予以公开",
            "同意公开",
            "不",
            "部分公开",
            "不予公开",
            "无法提供",
            "不予处理",
            "其他处理",
            "本机关",
            "本单位",
            "不掌握",
            "相关",
            "该",
            "政府",
            "信息",
            "自然人",
            "法人",
            "制发",
            "制定",
            "印发",
            "出台",
            "行政",
            "规范性文件",
            "公开",
            "现行有效",
            "行政复议",
            "案件",
            "行政诉讼",
            "0",
            "3",
            "12",
            "5.5",
            ".",
            "五十五",
            "两",
            "十",
            "零",
            ",",
            ";",
            ":",
            "。",
            " ",
            "x",
            "情况",
        ]);
        // Each piece: a word, or (one time in three) a text one of the
        // patterns matches, so that sentences hold matches, adjacent and
        // overlapping ones, and near misses.
        let piece = (words, any::<u64>(), 0..3u8).prop_map(|(w, seed, kind)| {
            if kind > 0 {
                return w.to_string();
            }
            let mut r = seed | 1;
            let all = &*BOTH;
            let (_, p, _) = &all[(seed as usize >> 7) % all.len()];
            let mut out = String::new();
            sample(&p.nodes, &mut r, &mut out);
            out
        });
        prop::collection::vec(piece, 0..16).prop_map(|w| w.concat())
    }

    /// A pseudo-random step (xorshift).
    fn next(r: &mut u64) -> u64 {
        *r ^= *r << 13;
        *r ^= *r >> 7;
        *r ^= *r << 17;
        *r
    }

    /// Append a random text that `nodes` match.
    fn sample(nodes: &[Node], r: &mut u64, out: &mut String) {
        for n in nodes {
            match n {
                Node::Lit(l) => out.push_str(l),
                Node::Group { alts, .. } => {
                    let k = next(r) as usize % alts.len();
                    sample(&alts[k], r, out);
                }
                Node::Opt(inner) => {
                    if next(r).is_multiple_of(2) {
                        sample(std::slice::from_ref(&**inner), r, out);
                    }
                }
                Node::Class(set) => out.push(set[next(r) as usize % set.len()]),
                Node::End => {}
                Node::Num => {
                    let n = ["5", "12", "3.5", "0", "五十五", "两", "十"];
                    out.push_str(n[next(r) as usize % n.len()]);
                }
            }
        }
    }

    /// Each prose pattern, ours and `regex`'s, compiled once.
    static BOTH: std::sync::LazyLock<Vec<(String, Pattern, regex::Regex)>> =
        std::sync::LazyLock::new(|| {
            super::super::pattern_sources()
                .into_iter()
                .map(|src| {
                    let ours = Pattern::new(&src).unwrap();
                    let re = regex::Regex::new(&src).unwrap();
                    (src, ours, re)
                })
                .collect()
        });

    /// Sentences on which planted bugs (no `$`, no decimal part,
    /// overlapping matches) made the property test below fail.
    #[test]
    fn known_sentences_match_as_regex() {
        for s in [
            "未收到申请",
            "不予处理3.5件",
            "本机关不掌握信息十件",
            "新受理申请5件",
        ] {
            for (src, ours, re) in BOTH.iter() {
                let want: Vec<_> = re.find_iter(s).map(|m| m.range()).collect();
                let got: Vec<_> = ours.matches(s).map(|m| m.whole).collect();
                assert_eq!(got, want, "{src} on {s}");
            }
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]
        /// Every prose pattern finds what `regex` finds, with the same
        /// captures, in sentences of the patterns' words and in any text.
        #[test]
        fn matches_as_regex(s in proptest::prop_oneof![sentence(), ".{0,40}"]) {
            for (src, ours, re) in BOTH.iter() {
                let want: Vec<Match> = re
                    .captures_iter(&s)
                    .map(|c| Match {
                        whole: c.get(0).unwrap().range(),
                        number: c.name("n").map(|m| m.range()),
                        unit: c.name("u").map(|m| m.range()),
                    })
                    .collect();
                let got: Vec<Match> = ours.matches(&s).collect();
                proptest::prop_assert_eq!(got, want, "{} on {}", src, s);
            }
        }
    }
}
