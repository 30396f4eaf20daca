//! Agency names: normalization, the user's `aliases.csv`, and the rule that
//! decides which name forms are the same agency across years (issue 5).
//!
//! # Matching rule
//!
//! Every report's agency name is first **normalized** ([`normalize_agency`]):
//! Unicode NFKC (full-width letters and digits become ASCII), pinyin
//! annotations of mirror copies removed (`開(kāi)平` → `開平`), every whitespace,
//! control and zero-width character removed, traditional characters converted
//! to simplified, and quotation marks or brackets around the whole name dropped
//! (the shared steps come from [`crate::normalize`]).
//! Then, in this order:
//!
//! 1. **Alias.** When `aliases.csv` lists the (normalized) name form, the name
//!    is replaced by the (normalized) canonical name given there. Aliases are the
//!    user's word and are applied before the automatic rules.
//! 2. **Exact.** Names that are equal after normalization are one agency.
//! 3. **Dropped level character.** A name `S` joins a longer name `L` when `S`
//!    is `L` with exactly one administrative level character (`区`, `县`, `市`,
//!    `旗`) removed, not as the first or last character
//!    (`威海市文登人民政府办公室` joins `威海市文登区人民政府办公室`).
//!    This applies only when `L` is the **only** such longer name in the data
//!    set; when several qualify (`朝阳X` could be `朝阳区X` or `朝阳县X`) the
//!    names are left apart and listed in the index's `ambiguous_names`.
//!    Chains are followed (`A文登X` → `A市文登X` → `A市文登区X`).
//!
//! The canonical key of an agency is the normalized name it ends up with: the
//! longest form under rule 3, the alias target under rule 1. Abbreviations
//! (`区科技局` for `XX区科学技术局`) are not guessed: pin them in `aliases.csv`.

use super::IndexError;
use std::collections::{BTreeMap, BTreeSet};

/// Administrative level characters that titles sometimes drop (rule 3).
pub const LEVEL_CHARS: [char; 4] = ['区', '县', '市', '旗'];

/// How a name form was matched to its agency.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    serde::Serialize,
    serde::Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum MatchRule {
    /// Equal to the canonical key after normalization.
    Exact,
    /// The canonical key with one level character (区/县/市/旗) dropped.
    LevelChar,
    /// Pinned by `aliases.csv`.
    Alias,
}

/// Normalize an agency name for matching: the shared light normalization
/// ([`crate::normalize::light_normalize`]: NFKC, pinyin annotations removed,
/// quotes unified, whitespace removed), traditional → simplified
/// ([`crate::normalize::to_simplified`]), then control and zero-width
/// characters removed and quotes or brackets around the whole name dropped.
///
/// This is the one place agency names are normalized for the index.
pub fn normalize_agency(name: &str) -> String {
    let light = crate::normalize::light_normalize(name);
    let simplified = crate::normalize::to_simplified(&light);
    let cleaned: String = simplified
        .chars()
        .filter(|c| {
            !(c.is_whitespace()
                || c.is_control()
                || matches!(c, '\u{200b}'..='\u{200f}' | '\u{2060}' | '\u{feff}'))
        })
        .collect();
    cleaned
        .trim_matches(|c: char| {
            matches!(
                c,
                '"' | '\'' | '《' | '》' | '「' | '」' | '【' | '】' | '(' | ')'
            )
        })
        .to_string()
}

/// The user's pinned name forms: `aliases.csv`.
///
/// Format: CSV, two columns `form,canonical` (a header row with those names is
/// optional), `#` starts a comment line, blank lines are ignored. Both columns
/// are normalized with [`normalize_agency`] before use. A form listed twice
/// with different canonical names is an error.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Aliases {
    map: BTreeMap<String, String>,
}

impl Aliases {
    /// No aliases.
    pub fn new() -> Self {
        Self::default()
    }

    /// Parse the text of an `aliases.csv` file; `origin` names it in errors.
    pub fn parse(text: &str, origin: &str) -> Result<Self, IndexError> {
        let mut map = BTreeMap::new();
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .comment(Some(b'#'))
            .trim(csv::Trim::All)
            .from_reader(text.as_bytes());
        for (i, rec) in reader.records().enumerate() {
            let rec = rec.map_err(|e| IndexError::Aliases {
                file: origin.to_string(),
                line: e.position().map(|p| p.line()).unwrap_or(0),
                message: e.to_string(),
            })?;
            let line = rec.position().map(|p| p.line()).unwrap_or(0);
            if rec.iter().all(|f| f.is_empty()) {
                continue;
            }
            let form = rec.get(0).unwrap_or("");
            let canonical = rec.get(1).unwrap_or("");
            if i == 0 && form.eq_ignore_ascii_case("form") {
                continue; // header row
            }
            if rec.len() != 2 {
                return Err(IndexError::Aliases {
                    file: origin.to_string(),
                    line,
                    message: format!("expected 2 columns (form,canonical), found {}", rec.len()),
                });
            }
            let (form_n, canon_n) = (normalize_agency(form), normalize_agency(canonical));
            if form_n.is_empty() || canon_n.is_empty() {
                return Err(IndexError::Aliases {
                    file: origin.to_string(),
                    line,
                    message: "empty name form or canonical name".into(),
                });
            }
            if let Some(prev) = map.get(&form_n) {
                if prev != &canon_n {
                    return Err(IndexError::Aliases {
                        file: origin.to_string(),
                        line,
                        message: format!(
                            "name form {form_n} is pinned to both {prev} and {canon_n}"
                        ),
                    });
                }
            }
            map.insert(form_n, canon_n);
        }
        Ok(Self { map })
    }

    /// The canonical name a (normalized) form is pinned to.
    pub fn get(&self, normalized_form: &str) -> Option<&str> {
        self.map.get(normalized_form).map(String::as_str)
    }

    /// Number of pinned forms.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// True when no form is pinned.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
}

/// Result of matching a set of normalized names.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Matching {
    /// Normalized name → (canonical key, rule that decided it).
    pub assign: BTreeMap<String, (String, MatchRule)>,
    /// Names that rule 3 could attach to several longer names: name → candidates.
    pub ambiguous: BTreeMap<String, Vec<String>>,
}

/// Decide the canonical agency key of every normalized name (see the module
/// documentation for the rule).
pub fn match_names(names: &BTreeSet<String>, aliases: &Aliases) -> Matching {
    // Everything below borrows the names (and the alias targets): on
    // thousands of distinct agencies the copies and the per-name sets were
    // the peak of a whole run's memory.
    // Rule 1 (alias) and rule 2 (exact): each name's target.
    let mut target: BTreeMap<&str, (&str, MatchRule)> = BTreeMap::new();
    for n in names {
        match aliases.get(n) {
            Some(c) if c != n => target.insert(n, (c, MatchRule::Alias)),
            _ => target.insert(n, (n.as_str(), MatchRule::Exact)),
        };
    }
    let targets: BTreeSet<&str> = target.values().map(|(t, _)| *t).collect();
    // Alias targets are pinned: rule 3 never moves them.
    let pinned: BTreeSet<&str> = target
        .values()
        .filter(|(_, r)| *r == MatchRule::Alias)
        .map(|(t, _)| *t)
        .collect();

    // Rule 3: single deletion of a level character. (shorter form, longer
    // name) pairs, sorted and deduplicated: a name's candidates are the run
    // of pairs whose shorter form it is, in name order.
    let mut longer: Vec<(String, &str)> = Vec::new();
    for &t in &targets {
        let chars: Vec<char> = t.chars().collect();
        for i in 1..chars.len().saturating_sub(1) {
            if LEVEL_CHARS.contains(&chars[i]) {
                let v: String = chars[..i].iter().chain(&chars[i + 1..]).collect();
                longer.push((v, t));
            }
        }
    }
    longer.sort_unstable();
    longer.dedup();
    let candidates_of = |t: &str| -> &[(String, &str)] {
        let start = longer.partition_point(|(v, _)| v.as_str() < t);
        let end = start + longer[start..].partition_point(|(v, _)| v.as_str() == t);
        &longer[start..end]
    };
    let mut up: BTreeMap<&str, &str> = BTreeMap::new();
    let mut ambiguous = BTreeMap::new();
    for &t in &targets {
        if pinned.contains(t) {
            continue;
        }
        let cands: Vec<&str> = candidates_of(t)
            .iter()
            .map(|(_, c)| *c)
            .filter(|c| *c != t)
            .collect();
        match cands.as_slice() {
            [one] => {
                up.insert(t, one);
            }
            [] => {}
            many => {
                ambiguous.insert(t.to_string(), many.iter().map(|s| s.to_string()).collect());
            }
        }
    }
    let resolve = |start: &'_ str| -> String {
        let mut cur = start;
        // Each step makes the name one character longer, so the chain is
        // bounded; the cap guards against any cycle all the same.
        for _ in 0..=up.len() {
            match up.get(cur) {
                Some(next) => cur = next,
                None => break,
            }
        }
        cur.to_string()
    };

    let mut assign = BTreeMap::new();
    for (name, (t, rule)) in target {
        let key = resolve(t);
        let rule = if rule == MatchRule::Alias {
            MatchRule::Alias
        } else if key != t {
            MatchRule::LevelChar
        } else {
            MatchRule::Exact
        };
        assign.insert(name.to_string(), (key, rule));
    }
    Matching { assign, ambiguous }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The matching rules applied by brute force, as the module states them
    /// (no index of shorter forms): the reference of the property test.
    fn match_names_reference(names: &BTreeSet<String>, aliases: &Aliases) -> Matching {
        let target = |n: &str| match aliases.get(n) {
            Some(c) if c != n => (c.to_string(), true),
            _ => (n.to_string(), false),
        };
        let targets: BTreeSet<String> = names.iter().map(|n| target(n).0).collect();
        let pinned: BTreeSet<String> = names
            .iter()
            .map(|n| target(n))
            .filter(|(_, alias)| *alias)
            .map(|(t, _)| t)
            .collect();
        // Does `short` come from `long` by deleting one inner level character?
        let drops_to = |long: &str, short: &str| {
            let c: Vec<char> = long.chars().collect();
            (1..c.len().saturating_sub(1)).any(|i| {
                LEVEL_CHARS.contains(&c[i])
                    && c[..i].iter().chain(&c[i + 1..]).collect::<String>() == short
            })
        };
        let mut ambiguous = BTreeMap::new();
        let mut up: BTreeMap<String, String> = BTreeMap::new();
        for t in targets.iter().filter(|t| !pinned.contains(*t)) {
            let cands: Vec<String> = targets
                .iter()
                .filter(|l| *l != t && drops_to(l, t))
                .cloned()
                .collect();
            match cands.len() {
                0 => {}
                1 => {
                    up.insert(t.clone(), cands[0].clone());
                }
                _ => {
                    ambiguous.insert(t.clone(), cands);
                }
            }
        }
        fn resolve(up: &BTreeMap<String, String>, t: &str, steps: usize) -> String {
            match up.get(t) {
                Some(next) if steps > 0 => resolve(up, next, steps - 1),
                _ => t.to_string(),
            }
        }
        let assign = names
            .iter()
            .map(|n| {
                let (t, alias) = target(n);
                let key = resolve(&up, &t, up.len());
                let rule = if alias {
                    MatchRule::Alias
                } else if key != t {
                    MatchRule::LevelChar
                } else {
                    MatchRule::Exact
                };
                (n.clone(), (key, rule))
            })
            .collect();
        Matching { assign, ambiguous }
    }

    proptest::proptest! {
        /// The borrowing implementation matches exactly as the reference
        /// does, on names built from two level characters and two others (so
        /// that rule 3 attaches, chains and finds ambiguities), with aliases.
        #[test]
        fn matching_equals_the_reference(
            names in proptest::collection::btree_set("[区市科A]{1,5}", 0..60),
            alias_pairs in proptest::collection::vec(("[区市科A]{1,4}", "[区市科A]{1,5}"), 0..4),
        ) {
            let mut text = String::from("form,canonical\n");
            for (f, c) in &alias_pairs {
                text.push_str(&format!("{f},{c}\n"));
            }
            let aliases = Aliases::parse(&text, "test").unwrap_or_default();
            proptest::prop_assert_eq!(
                match_names(&names, &aliases),
                match_names_reference(&names, &aliases)
            );
        }
    }

    fn set(names: &[&str]) -> BTreeSet<String> {
        names.iter().map(|s| normalize_agency(s)).collect()
    }

    #[test]
    fn normalization_folds_width_space_and_traditional_characters() {
        assert_eq!(
            normalize_agency(" 區科技局\u{3000}"),
            "区科技局",
            "ideographic space dropped, 區 → 区"
        );
        assert_eq!(
            normalize_agency("威海市 文登區人民政府辦公室"),
            "威海市文登区人民政府办公室"
        );
        assert_eq!(normalize_agency("“ＡＢＣ市商务局”"), "ABC市商务局");
        assert_eq!(normalize_agency("開平市科工商務局"), "开平市科工商务局");
        assert_eq!(
            normalize_agency("開(kāi)平市科工商務局"),
            "开平市科工商务局"
        );
        assert_eq!(normalize_agency("\u{feff}某局\u{200b}"), "某局");
    }

    #[test]
    fn exact_rule_merges_equal_normalized_names() {
        let m = match_names(
            &set(&["開平市科工商務局", "开平市科工商务局"]),
            &Aliases::new(),
        );
        assert_eq!(m.assign.len(), 1);
        assert_eq!(
            m.assign["开平市科工商务局"],
            ("开平市科工商务局".to_string(), MatchRule::Exact)
        );
    }

    #[test]
    fn level_char_rule_joins_a_name_with_a_dropped_district_character() {
        let m = match_names(
            &set(&["威海市文登人民政府办公室", "威海市文登区人民政府办公室"]),
            &Aliases::new(),
        );
        assert_eq!(
            m.assign["威海市文登人民政府办公室"],
            (
                "威海市文登区人民政府办公室".to_string(),
                MatchRule::LevelChar
            )
        );
        assert_eq!(m.assign["威海市文登区人民政府办公室"].1, MatchRule::Exact);
    }

    #[test]
    fn level_char_rule_follows_chains_and_refuses_ambiguity() {
        let m = match_names(
            &set(&["威海文登X局", "威海市文登X局", "威海市文登区X局"]),
            &Aliases::new(),
        );
        assert_eq!(m.assign["威海文登X局"].0, "威海市文登区X局");
        assert_eq!(m.assign["威海市文登X局"].0, "威海市文登区X局");

        let m = match_names(
            &set(&[
                "朝阳人民政府办公室",
                "朝阳区人民政府办公室",
                "朝阳县人民政府办公室",
            ]),
            &Aliases::new(),
        );
        assert_eq!(
            m.assign["朝阳人民政府办公室"],
            ("朝阳人民政府办公室".to_string(), MatchRule::Exact)
        );
        assert_eq!(
            m.ambiguous["朝阳人民政府办公室"],
            vec!["朝阳区人民政府办公室", "朝阳县人民政府办公室"]
        );
        // A substituted level character is a different agency.
        assert_eq!(m.assign["朝阳区人民政府办公室"].0, "朝阳区人民政府办公室");
        assert_eq!(m.assign["朝阳县人民政府办公室"].0, "朝阳县人民政府办公室");
    }

    #[test]
    fn level_char_rule_ignores_first_and_last_characters_and_other_characters() {
        // 区科技局 vs 科技局: a leading 区 is not a dropped level character.
        let m = match_names(&set(&["区科技局", "科技局"]), &Aliases::new());
        assert_eq!(m.assign["科技局"].0, "科技局");
        // 省 is not a level character here.
        let m = match_names(&set(&["山东省财政厅", "山东财政厅"]), &Aliases::new());
        assert_eq!(m.assign["山东财政厅"].0, "山东财政厅");
    }

    #[test]
    fn aliases_pin_forms_to_a_canonical_agency() {
        let aliases = Aliases::parse(
            "form,canonical\n# comment\n区科技局,武汉市汉阳区科学技术局\n\n\"汉阳区科技局\",武汉市汉阳区科学技术局\n",
            "aliases.csv",
        )
        .unwrap();
        assert_eq!(aliases.len(), 2);
        let m = match_names(
            &set(&["区科技局", "汉阳区科技局", "武汉市汉阳区科学技术局"]),
            &aliases,
        );
        for n in ["区科技局", "汉阳区科技局"] {
            assert_eq!(
                m.assign[n],
                ("武汉市汉阳区科学技术局".to_string(), MatchRule::Alias)
            );
        }
        assert_eq!(m.assign["武汉市汉阳区科学技术局"].1, MatchRule::Exact);
    }

    #[test]
    fn alias_file_errors_name_the_line() {
        let e = Aliases::parse("a局,b局\na局,c局\n", "x.csv").unwrap_err();
        assert_eq!(
            e.to_string(),
            "x.csv line 2: name form a局 is pinned to both b局 and c局"
        );
        let e = Aliases::parse("a局,b局,c局\n", "x.csv").unwrap_err();
        assert_eq!(
            e.to_string(),
            "x.csv line 1: expected 2 columns (form,canonical), found 3"
        );
    }
}
