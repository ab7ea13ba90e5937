//! Core reads top to bottom: `lib.rs` declares the modules in layers (foundations, settings,
//! request building, transport, clients; docs/architecture.md), and each module may use only
//! the modules declared before it. This test reads the sources and fails on any `crate::x`
//! path (in code, not in comments or tests) that reaches a module declared later.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test may panic

use std::fs;
use std::path::Path;

/// The modules in the order `lib.rs` declares them.
fn declared_modules(lib: &str) -> Vec<String> {
    lib.lines()
        .map(str::trim)
        .filter_map(|line| {
            let rest = line
                .strip_prefix("pub mod ")
                .or_else(|| line.strip_prefix("pub(crate) mod "))
                .or_else(|| line.strip_prefix("mod "))?;
            let name = rest.strip_suffix(';')?;
            Some(name.to_owned())
        })
        .collect()
}

/// The code of a source file: everything before its `#[cfg(test)]` module, without comment
/// lines (doc links may name any module).
fn code_of(source: &str) -> String {
    let before_tests = source.split("#[cfg(test)]").next().unwrap_or("");
    before_tests
        .lines()
        .filter(|line| !line.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every module named right after `crate::`, including inside `crate::{a, b::c}` groups.
fn modules_used(code: &str) -> Vec<String> {
    let mut used = Vec::new();
    for (at, _) in code.match_indices("crate::") {
        let rest = &code[at + "crate::".len()..];
        let names: Vec<&str> = match rest.strip_prefix('{') {
            Some(group) => group.split('}').next().unwrap_or("").split(',').collect(),
            None => vec![rest],
        };
        for name in names {
            let ident: String = name
                .trim_start()
                .chars()
                .take_while(|c| c.is_ascii_lowercase() || *c == '_' || c.is_ascii_digit())
                .collect();
            if !ident.is_empty() {
                used.push(ident);
            }
        }
    }
    used
}

fn sources_of(module: &str, src: &Path) -> Vec<(String, String)> {
    let mut files = Vec::new();
    let file = src.join(format!("{module}.rs"));
    if let Ok(text) = fs::read_to_string(&file) {
        files.push((file.display().to_string(), text));
    }
    let dir = src.join(module);
    if let Ok(entries) = fs::read_dir(&dir) {
        for entry in entries.flatten() {
            let path = entry.path();
            if path.extension().is_some_and(|e| e == "rs") {
                let text = fs::read_to_string(&path).expect("readable source");
                files.push((path.display().to_string(), text));
            }
        }
    }
    files
}

#[test]
fn every_module_uses_only_modules_declared_before_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let lib = fs::read_to_string(src.join("lib.rs")).expect("lib.rs");
    let order = declared_modules(&lib);
    assert!(
        order.len() > 20 && order.iter().any(|m| m == "with_response"),
        "lib.rs modules not found: {order:?}"
    );
    let position = |name: &str| order.iter().position(|m| m == name);
    let mut upward = Vec::new();
    for (index, module) in order.iter().enumerate() {
        // `macro_rules!` bodies name `$crate::` paths resolved where they expand, not here.
        if module == "macros" || module == "__private" {
            continue;
        }
        let files = sources_of(module, &src);
        assert!(!files.is_empty(), "no source for module {module}");
        for (file, text) in files {
            for used in modules_used(&code_of(&text)) {
                if used != *module && position(&used).is_some_and(|at| at > index) {
                    upward.push(format!("{file}: {module} uses {used}, declared after it"));
                }
            }
        }
    }
    upward.sort();
    upward.dedup();
    assert!(
        upward.is_empty(),
        "core's layers run one way:\n{}",
        upward.join("\n")
    );
}

#[test]
fn the_scanner_finds_grouped_and_plain_paths() {
    let code = code_of(
        "use crate::client::Client;\n// crate::ignored\nuse crate::{pagination::X, steps};\n\
         #[cfg(test)]\nuse crate::tests_only;",
    );
    assert_eq!(modules_used(&code), ["client", "pagination", "steps"]);
}
