//! Output naming: from an input's source path (relative to its input root, with
//! `!/` separating an archive from its members) to a safe path inside OUT.
//!
//! Archive members come from untrusted names: `../../x.docx`, `/etc/x`, `C:\x`,
//! `NUL`, control characters. Every component is neutralized so that the result
//! is always a relative path of plain names, and [`assign`] makes the names
//! unique (also against OUT's own dataset files), so no input can overwrite
//! another's output or write outside OUT.

use std::collections::HashSet;

/// Names OUT reserves for its own files at the top level.
pub const RESERVED_TOP_LEVEL: [&str; 9] = [
    "reports.jsonl",
    "errors.jsonl",
    "duplicates.jsonl",
    "metrics.csv",
    "tables.csv",
    "manifest.json",
    "index.json",
    super::atomic::TMP_DIR,
    ".reportdex.lock",
];

/// Longest component kept, in bytes (file systems allow 255; leave room for
/// `.json` and a `~N` suffix).
const MAX_COMPONENT_BYTES: usize = 200;

/// Make one path component safe on every common file system.
pub fn sanitize_component(raw: &str) -> String {
    let mut s: String = raw
        .chars()
        .map(|c| match c {
            '\0'..='\u{1f}' | '\u{7f}' | '<' | '>' | ':' | '"' | '|' | '?' | '*' | '\\' | '/' => {
                '_'
            }
            c => c,
        })
        .collect();
    if s == "." || s == ".." {
        s = s.replace('.', "_");
    }
    // Windows drops trailing dots and spaces, which would merge names.
    while s.ends_with('.') || s.ends_with(' ') {
        s.pop();
        s.push('_');
        if s.chars().all(|c| c == '_') {
            break;
        }
    }
    let stem = s.split('.').next().unwrap_or("").to_ascii_uppercase();
    let reserved = matches!(stem.as_str(), "CON" | "PRN" | "AUX" | "NUL")
        || ((stem.starts_with("COM") || stem.starts_with("LPT"))
            && stem.len() == 4
            && stem.as_bytes()[3].is_ascii_digit());
    if reserved {
        s.insert(0, '_');
    }
    if s.len() > MAX_COMPONENT_BYTES {
        let mut cut = MAX_COMPONENT_BYTES;
        while !s.is_char_boundary(cut) {
            cut -= 1;
        }
        s.truncate(cut);
    }
    s
}

/// The safe relative output path (with `/` separators, without the `.json`
/// suffix) for a source path such as `dl/a.zip!/dir/../m.docx`.
///
/// Archive boundaries (`!/`) become directory separators; both `/` and `\`
/// separate components; empty and `.` components are dropped; `..` and
/// everything else unsafe is neutralized by [`sanitize_component`].
pub fn output_stem(source_path: &str) -> String {
    let parts: Vec<String> = source_path
        .split("!/")
        .flat_map(|seg| seg.split(['/', '\\']))
        .filter(|c| !c.is_empty() && *c != ".")
        .map(sanitize_component)
        .filter(|c| !c.is_empty())
        .collect();
    if parts.is_empty() {
        "_".to_string()
    } else {
        parts.join("/")
    }
}

/// Output JSON paths (relative to OUT, `/`-separated) for source paths given in
/// sorted order. Collisions (after sanitizing, compared case-insensitively so
/// the layout also works on Windows and macOS) get a `~2`, `~3`... suffix in
/// input order, so the result is deterministic.
pub fn assign<'a>(sources: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let sources: Vec<&str> = sources.into_iter().collect();
    let names = Names::assign(sources.iter().copied());
    sources
        .iter()
        .enumerate()
        .map(|(i, s)| names.get(i, s))
        .collect()
}

/// The names [`assign`] gives, kept compactly for a whole run: a source
/// path's name is its [`output_stem`] and `.json` unless a collision gave it
/// a `~N` suffix, and only those exceptions are stored.
#[derive(Debug, Default)]
pub struct Names {
    /// (input index, name), by index.
    renamed: Vec<(usize, Box<str>)>,
}

impl Names {
    /// Names for source paths in sorted order, as [`assign`].
    pub fn assign<'a>(sources: impl IntoIterator<Item = &'a str>) -> Names {
        // Names taken, by a 128-bit digest of their lower-case form: 16 bytes
        // per input instead of the name (collisions are out of reach).
        let mut taken: HashSet<u128> = RESERVED_TOP_LEVEL.iter().map(|s| taken_key(s)).collect();
        let mut renamed = Vec::new();
        for (i, src) in sources.into_iter().enumerate() {
            let stem = output_stem(src);
            let mut candidate = format!("{stem}.json");
            let mut n = 2u64;
            while !taken.insert(taken_key(&candidate)) {
                candidate = format!("{stem}~{n}.json");
                n += 1;
            }
            if n > 2 {
                renamed.push((i, candidate.into_boxed_str()));
            }
        }
        renamed.shrink_to_fit();
        Names { renamed }
    }

    /// The name of input `i`, whose source path is `source`.
    pub fn get(&self, i: usize, source: &str) -> String {
        match self.renamed.binary_search_by_key(&i, |(j, _)| *j) {
            Ok(k) => self.renamed[k].1.to_string(),
            Err(_) => {
                let mut name = output_stem(source);
                name.push_str(".json");
                name
            }
        }
    }
}

/// What [`Names::assign`] compares names by: a digest of the lower-case form.
fn taken_key(name: &str) -> u128 {
    use sha2::{Digest, Sha256};
    let d = Sha256::digest(name.to_lowercase().as_bytes());
    let mut k = [0u8; 16];
    k.copy_from_slice(&d[..16]);
    u128::from_le_bytes(k)
}

/// Whether a `/`-separated relative path read back from a manifest is one that
/// [`assign`] could have produced (so deleting it cannot leave OUT).
pub fn is_safe_relative(path: &str) -> bool {
    !path.is_empty()
        && path
            .split('/')
            .all(|c| !c.is_empty() && sanitize_component(c) == c && c != "." && c != "..")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn archive_members_become_directories() {
        assert_eq!(output_stem("dl/a.zip!/dir/m.docx"), "dl/a.zip/dir/m.docx");
        assert_eq!(
            output_stem("a.zip!/inner.zip!/开平市科工商务局2022年报告.docx"),
            "a.zip/inner.zip/开平市科工商务局2022年报告.docx"
        );
    }

    #[test]
    fn traversal_and_absolute_names_are_neutralized() {
        assert_eq!(output_stem("a.zip!/../../x.docx"), "a.zip/__/__/x.docx");
        assert_eq!(output_stem("a.zip!//etc/passwd"), "a.zip/etc/passwd");
        assert_eq!(
            output_stem("a.zip!/C:\\Windows\\x.docx"),
            "a.zip/C_/Windows/x.docx"
        );
        assert_eq!(output_stem("a.zip!/NUL.docx"), "a.zip/_NUL.docx");
        assert_eq!(output_stem("a.zip!/x\0y.docx"), "a.zip/x_y.docx");
        assert_eq!(output_stem("a.zip!/dir./x. "), "a.zip/dir_/x._");
        assert_eq!(output_stem("!/"), "_");
    }

    #[test]
    fn collisions_get_suffixes_in_order() {
        let got = assign([
            "a/X.docx",
            "a/x.docx",
            "a.zip!/../x.docx",
            "a.zip!/__/x.docx",
        ]);
        assert_eq!(
            got,
            vec![
                "a/X.docx.json",
                "a/x.docx~2.json",
                "a.zip/__/x.docx.json",
                "a.zip/__/x.docx~2.json"
            ]
        );
        // OUT's own files are never taken by a document.
        assert_eq!(assign(["manifest"]), vec!["manifest~2.json"]);
    }

    #[test]
    fn only_renamed_inputs_are_stored() {
        let sources = ["a/X.docx", "a/b.docx", "a/x.docx", "a/x.docx"];
        let names = Names::assign(sources);
        assert_eq!(names.renamed.len(), 2);
        let got: Vec<String> = (0..4).map(|i| names.get(i, sources[i])).collect();
        assert_eq!(
            got,
            [
                "a/X.docx.json",
                "a/b.docx.json",
                "a/x.docx~2.json",
                "a/x.docx~3.json"
            ]
        );
    }

    #[test]
    fn safe_relative_paths() {
        assert!(is_safe_relative("a/b.docx.json"));
        assert!(!is_safe_relative("../b.json"));
        assert!(!is_safe_relative("/b.json"));
        assert!(!is_safe_relative("a//b.json"));
        assert!(!is_safe_relative("a\\..\\b.json"));
    }
}
