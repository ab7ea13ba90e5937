//! The house rules of issue #11, checked over the sources of every namespace crate (a crate
//! whose `src/api.rs` declares its handle through core's `namespace!`), so that the next
//! operations cannot drift from them:
//!
//! * operations and helpers are written once for both clients: no `impl` block names `Client`
//!   or `BlockingClient` (they are written against `C: ApiClient`);
//! * query parameters are declared by their `QueryParams` struct: no literal query name
//!   (`.query("…")`);
//! * path parameters are declared by the `Endpoint` template: no literal path parameter name
//!   (`.path_param("…")`).
//!
//! Only code counts: comment lines (doc examples) and `#[cfg(test)]` modules are left out.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test may panic

use std::fs;
use std::path::{Path, PathBuf};

fn crates_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../crates")
}

/// The namespace crates: those whose `src/api.rs` calls `namespace!`.
fn namespace_crates() -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = fs::read_dir(crates_dir())
        .expect("crates/")
        .flatten()
        .map(|entry| entry.path())
        .filter(|dir| {
            fs::read_to_string(dir.join("src/api.rs")).is_ok_and(|api| api.contains("namespace!"))
        })
        .collect();
    found.sort();
    found
}

/// Every `.rs` file below `dir`.
fn rust_files(dir: &Path, into: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).expect("readable source folder").flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, into);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            into.push(path);
        }
    }
}

/// The code lines of a source file, numbered from 1: without comment lines, and without what
/// follows its first `#[cfg(test)]` (the unit tests sit at the end of a module).
fn code_lines(source: &str) -> Vec<(usize, &str)> {
    source
        .lines()
        .enumerate()
        .take_while(|(_, line)| line.trim() != "#[cfg(test)]")
        .filter(|(_, line)| !line.trim_start().starts_with("//"))
        .map(|(index, line)| (index + 1, line))
        .collect()
}

/// Whether `line` is an `impl` header naming one of the two clients as a type.
fn impl_for_a_concrete_client(line: &str) -> bool {
    let line = line.trim_start();
    if !line.starts_with("impl") {
        return false;
    }
    line.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .any(|word| word == "Client" || word == "BlockingClient")
}

/// The breaches of the house rules in the namespace crates, as `file:line: rule: code`.
fn breaches() -> Vec<String> {
    let crates = namespace_crates();
    assert!(
        crates.len() >= 18,
        "expected the 18 namespace crates, found {crates:?}"
    );
    let mut found = Vec::new();
    for krate in crates {
        let mut files = Vec::new();
        rust_files(&krate.join("src"), &mut files);
        for file in files {
            let source = fs::read_to_string(&file).expect("readable source");
            for (number, line) in code_lines(&source) {
                let rule = if impl_for_a_concrete_client(line) {
                    "an impl for one client"
                } else if line.contains(".query(\"") {
                    "a literal query name"
                } else if line.contains(".path_param(\"") {
                    "a literal path parameter name"
                } else {
                    continue;
                };
                found.push(format!(
                    "{}:{number}: {rule}: {}",
                    file.display(),
                    line.trim()
                ));
            }
        }
    }
    found
}

#[test]
fn namespace_crates_keep_the_house_rules() {
    let found = breaches();
    assert!(
        found.is_empty(),
        "write operations against `C: ApiClient` and declare query and path parameters \
         (docs/architecture.md, \"Adding an operation\"):\n{}",
        found.join("\n")
    );
}

#[test]
fn the_checks_recognise_what_they_look_for() {
    assert!(impl_for_a_concrete_client(
        "impl<'a> PromptApi<'a, Client> {"
    ));
    assert!(impl_for_a_concrete_client(
        "impl UploadExt for BlockingClient {"
    ));
    assert!(!impl_for_a_concrete_client(
        "impl<'a, C: ApiClient> PromptApi<'a, C> {"
    ));
    assert!(!impl_for_a_concrete_client(
        "let client = Client::builder();"
    ));
    let source = "fn a() {}\n/// .query(\"doc\")\nfn b() {}\n#[cfg(test)]\nmod tests {}\n";
    assert_eq!(code_lines(source), [(1, "fn a() {}"), (3, "fn b() {}")]);
}

/// Files another change is rewriting; their chaining setters get `#[must_use]` there.
/// Remove an entry once its file passes.
/// Whether the signature starting at `lines[at]` is a public method that takes `self` by
/// value and returns `Self`: a chaining setter, whose result is the whole point of the call.
fn chaining_setter(lines: &[(usize, &str)], at: usize) -> bool {
    let first = lines[at].1.trim_start();
    if !(first.starts_with("pub fn ") || first.starts_with("pub const fn ")) {
        return false;
    }
    let mut signature = String::new();
    for (_, line) in &lines[at..] {
        signature.push_str(line.trim());
        signature.push(' ');
        if line.contains('{') || line.trim_start().starts_with("where") {
            break;
        }
    }
    let signature: String = signature.split_whitespace().collect();
    let takes_self = signature.contains("(mutself") || signature.contains("(self");
    takes_self && signature.contains("->Self")
}

/// Whether the attributes right above `lines[at]` include `#[must_use`.
fn marked_must_use(lines: &[(usize, &str)], at: usize) -> bool {
    lines[..at]
        .iter()
        .rev()
        .map(|(_, line)| line.trim_start())
        .take_while(|line| line.starts_with("#["))
        .any(|line| line.starts_with("#[must_use"))
}

/// The chaining setters without `#[must_use]` in core and the namespace crates, as
/// `file:line: code`.
fn setters_without_must_use() -> Vec<String> {
    let mut crates = namespace_crates();
    crates.push(crates_dir().join("mutagent-core"));
    let mut found = Vec::new();
    for krate in crates {
        let mut files = Vec::new();
        rust_files(&krate.join("src"), &mut files);
        for file in files {
            let shown = file.display().to_string().replace('\\', "/");
            let source = fs::read_to_string(&file).expect("readable source");
            let lines = code_lines(&source);
            for at in 0..lines.len() {
                if chaining_setter(&lines, at) && !marked_must_use(&lines, at) {
                    found.push(format!("{shown}:{}: {}", lines[at].0, lines[at].1.trim()));
                }
            }
        }
    }
    found
}

/// C-MUST-USE: `request.limit(20);` on its own line drops the changed value and leaves
/// `request` as it was (moved, in fact); `#[must_use]` makes the compiler say so.
#[test]
fn chaining_setters_are_must_use() {
    let found = setters_without_must_use();
    assert!(
        found.is_empty(),
        "mark these setters `#[must_use = \"a setter returns the updated value and consumes \
         the original\"]`:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_must_use_check_recognises_setters() {
    let setter = code_lines(
        "#[must_use = \"x\"]\npub fn limit(mut self, limit: u32) -> Self {\n\
         pub fn tags<I>(\n    mut self,\n    tags: I,\n) -> Self\nwhere\n\
         pub fn get(&self) -> i64 {\npub const fn since(self, s: &str) -> Self {\n",
    );
    assert!(chaining_setter(&setter, 1) && marked_must_use(&setter, 1));
    assert!(chaining_setter(&setter, 2) && !marked_must_use(&setter, 2));
    assert!(!chaining_setter(&setter, 7));
    assert!(chaining_setter(&setter, 8) && !marked_must_use(&setter, 8));
}
