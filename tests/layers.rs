//! The library's modules depend downward only (README, "Layout"): every
//! `crate::…` path outside test code names a module listed before the one it
//! is written in. Read from the sources, so that a new upward import fails
//! here instead of knotting the layers again.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Top-level modules of `src/`, lowest layer first (README order). Modules
/// on one line are one layer and may not import each other.
const LAYERS: &[&[&str]] = &[
    &["model", "limits", "memory", "json", "binary"],
    &["error"],
    &["xml"],
    &["container"],
    &["read"],
    &["structure"],
    &["normalize"],
    &["profile"],
    &["output"],
    &["convert"],
    &["index"],
    &["compare"],
    &["pipeline"],
    &["cli", "schema"],
    &["main", "lib"],
];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|l| l.contains(&module))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The `crate::NAME` references of `text` outside test code: an item under
/// `#[cfg(test)]` (a `mod tests;` line, or a block up to its closing brace) is
/// skipped, whatever follows it is read again. Files named `tests.rs` are
/// test code.
fn crate_refs(text: &str) -> BTreeSet<(usize, String)> {
    let mut refs = BTreeSet::new();
    // Inside a test item: the brace depth it is at (None before its `{`).
    let mut skipping: Option<Option<i32>> = None;
    for (n, line) in text.lines().enumerate() {
        let code = line.split("//").next().unwrap_or("");
        if let Some(depth) = skipping {
            let opens = code.matches('{').count() as i32;
            let closes = code.matches('}').count() as i32;
            skipping = match depth {
                None if opens == 0 && code.trim_end().ends_with(';') => None,
                None if opens == 0 => Some(None),
                None => (opens - closes > 0).then_some(Some(opens - closes)),
                Some(d) => (d + opens - closes > 0).then_some(Some(d + opens - closes)),
            };
            continue;
        }
        if line.trim_start().starts_with("#[cfg(test)]") {
            skipping = Some(None);
            continue;
        }
        let mut rest = code;
        while let Some(at) = rest.find("crate::") {
            let after = &rest[at + "crate::".len()..];
            let name: String = after
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                refs.insert((n + 1, name));
            }
            rest = after;
        }
    }
    refs
}

#[test]
fn modules_import_only_lower_layers() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let mut modules = BTreeSet::new();
    let mut upward = Vec::new();
    for f in &files {
        let rel = f.strip_prefix(&src).unwrap();
        let top = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy();
        let module = top.trim_end_matches(".rs").to_string();
        modules.insert(module.clone());
        let Some(own) = layer_of(&module) else {
            continue; // reported below
        };
        if rel.file_name().is_some_and(|n| n == "tests.rs") {
            continue;
        }
        let text = std::fs::read_to_string(f).unwrap();
        for (line, target) in crate_refs(&text) {
            match layer_of(&target) {
                Some(t) if t < own || target == module => {}
                Some(_) => upward.push(format!("{}:{line}: {module} -> {target}", rel.display())),
                None => {} // an item of lib.rs or a macro path, not a module
            }
        }
    }
    let unlisted: Vec<_> = modules.iter().filter(|m| layer_of(m).is_none()).collect();
    assert!(
        unlisted.is_empty(),
        "modules missing from LAYERS (and from the README's layout): {unlisted:?}"
    );
    assert!(
        upward.is_empty(),
        "imports of a module at the same or a higher layer:\n{}",
        upward.join("\n")
    );
}

#[test]
fn the_check_reads_around_test_items() {
    let text = "use crate::output::Section;\n\
                #[cfg(test)]\n\
                mod tests {\n\
                    use crate::pipeline::X;\n\
                    fn f() {\n\
                        crate::cli::g();\n\
                    }\n\
                }\n\
                #[cfg(test)]\n\
                mod differential;\n\
                fn after() {\n\
                    crate::index::h();\n\
                }\n";
    assert_eq!(
        crate_refs(text).into_iter().collect::<Vec<_>>(),
        vec![(1, "output".to_string()), (12, "index".to_string())]
    );
    assert!(layer_of("output") > layer_of("normalize"));
}
