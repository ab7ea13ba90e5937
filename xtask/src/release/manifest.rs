//! Careful, line-based reading and editing of `Cargo.toml` text.
//!
//! The release tool only needs to find and rewrite a handful of string values
//! (`version = "..."` of the workspace, of a package, and of internal dependency pins),
//! so instead of a TOML-editing dependency this module scans the text line by line and
//! edits those string values in place, leaving everything else (comments, layout,
//! ordering) byte-for-byte untouched. It understands section headers (including quoted
//! keys such as `[target.'cfg(unix)'.dependencies]`), dotted and quoted keys, inline
//! tables, and skips over multi-line strings and arrays so their contents are never
//! mistaken for keys. Whatever it cannot understand it leaves alone; callers verify the
//! result with `cargo metadata` afterwards.

use std::ops::Range;

/// One `key = value` line of a manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Entry {
    /// 0-based line index in the text.
    pub(crate) line: usize,
    /// The segments of the table header this entry is under (empty before any header).
    pub(crate) section: Vec<String>,
    /// The (unquoted, dot-joined) key.
    pub(crate) key: String,
    /// Byte range (within the line) of the contents of a single-line string value.
    pub(crate) string_value: Option<Range<usize>>,
    /// The top-level keys of an inline-table value, if the value is one.
    pub(crate) inline: Vec<InlineKey>,
}

/// A key inside an inline table (`{ path = "..", version = "=1.0.0" }`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct InlineKey {
    /// The (unquoted, dot-joined) key.
    pub(crate) key: String,
    /// Byte range (within the line) of the contents of a single-line string value.
    pub(crate) string_value: Option<Range<usize>>,
}

/// A version requirement on an internal (workspace) crate, found in manifest text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Pin {
    /// 0-based line index.
    pub(crate) line: usize,
    /// The crate depended on (its package name when `package = ".."` renames it).
    pub(crate) dep: String,
    /// The requirement as written, e.g. `=0.1.0`.
    pub(crate) req: String,
    /// Byte range of the requirement within the line.
    pub(crate) range: Range<usize>,
}

/// A replacement of a byte range within one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Edit {
    /// 0-based line index.
    pub(crate) line: usize,
    /// Byte range within the line.
    pub(crate) range: Range<usize>,
    /// The new text.
    pub(crate) text: String,
}

/// The lines of `text` without their line terminators.
pub(crate) fn lines(text: &str) -> Vec<&str> {
    text.split_inclusive('\n')
        .map(|l| l.trim_end_matches('\n').trim_end_matches('\r'))
        .collect()
}

/// Every `key = value` entry of the manifest, with the section it is in.
pub(crate) fn entries(text: &str) -> Vec<Entry> {
    let mut out = Vec::new();
    let mut section: Vec<String> = Vec::new();
    let mut pending: Option<Pending> = None;
    for (index, line) in lines(text).into_iter().enumerate() {
        if let Some(state) = pending.take() {
            pending = continue_value(line.as_bytes(), 0, state);
            continue;
        }
        let bytes = line.as_bytes();
        let start = skip_ws(bytes, 0);
        match bytes.get(start) {
            None | Some(b'#') => continue,
            Some(b'[') => {
                if let Some(segments) = parse_header(line) {
                    section = segments;
                }
                continue;
            }
            _ => {}
        }
        let Some((key, after_key)) = parse_key(bytes, start) else {
            continue;
        };
        let mut i = skip_ws(bytes, after_key);
        if bytes.get(i) != Some(&b'=') {
            continue;
        }
        i = skip_ws(bytes, i + 1);
        let mut entry = Entry {
            line: index,
            section: section.clone(),
            key,
            string_value: None,
            inline: Vec::new(),
        };
        match bytes.get(i) {
            Some(b'"') | Some(b'\'') if !starts_multiline(bytes, i) => {
                entry.string_value = parse_single_line_string(bytes, i).map(|(range, _)| range);
            }
            Some(b'{') => {
                let (inline, rest) = parse_inline_table(bytes, i);
                entry.inline = inline;
                pending = rest;
            }
            Some(_) => pending = continue_value(bytes, i, Pending::Value { depth: 0 }),
            None => {}
        }
        out.push(entry);
    }
    out
}

/// The string value of `key` directly under the table `section`, e.g. the
/// `version` of `[workspace.package]`.
pub(crate) fn string_value(
    text: &str,
    section: &[&str],
    key: &str,
) -> Option<(usize, Range<usize>, String)> {
    let all_lines = lines(text);
    entries(text).into_iter().find_map(|entry| {
        if entry.key != key || !same_section(&entry.section, section) {
            return None;
        }
        let range = entry.string_value?;
        let value = all_lines.get(entry.line)?.get(range.clone())?.to_string();
        Some((entry.line, range, value))
    })
}

/// Every version requirement on an internal crate in the manifest's dependency tables
/// (`[dependencies]`, `[dev-dependencies]`, `[build-dependencies]`, their `[target.*]`
/// forms, `[workspace.dependencies]` and `[dependencies.<name>]`-style tables).
///
/// A dependency is internal when `is_internal(name)` says so (name or `package = ..`),
/// or when it has a `path` key.
pub(crate) fn internal_pins(text: &str, is_internal: &dyn Fn(&str) -> bool) -> Vec<Pin> {
    let all_lines = lines(text);
    let value_at = |line: usize, range: &Range<usize>| -> String {
        all_lines
            .get(line)
            .and_then(|l| l.get(range.clone()))
            .unwrap_or_default()
            .to_string()
    };
    let all = entries(text);
    let mut pins = Vec::new();
    for entry in &all {
        match dependency_table(&entry.section) {
            Some(DepTable::Many) => {
                if let Some(range) = &entry.string_value {
                    if is_internal(&entry.key) {
                        pins.push(Pin {
                            line: entry.line,
                            dep: entry.key.clone(),
                            req: value_at(entry.line, range),
                            range: range.clone(),
                        });
                    }
                    continue;
                }
                let package = entry
                    .inline
                    .iter()
                    .find(|k| k.key == "package")
                    .and_then(|k| k.string_value.as_ref())
                    .map(|r| value_at(entry.line, r));
                let name = package.unwrap_or_else(|| entry.key.clone());
                let has_path = entry.inline.iter().any(|k| k.key == "path");
                if !(has_path || is_internal(&name)) {
                    continue;
                }
                if let Some(range) = entry
                    .inline
                    .iter()
                    .find(|k| k.key == "version")
                    .and_then(|k| k.string_value.clone())
                {
                    pins.push(Pin {
                        line: entry.line,
                        dep: name,
                        req: value_at(entry.line, &range),
                        range,
                    });
                }
            }
            Some(DepTable::One(table_name)) => {
                if entry.key != "version" {
                    continue;
                }
                let Some(range) = &entry.string_value else {
                    continue;
                };
                let siblings = all.iter().filter(|e| e.section == entry.section);
                let mut name = table_name.to_string();
                let mut has_path = false;
                for sibling in siblings {
                    has_path |= sibling.key == "path";
                    if sibling.key == "package" {
                        if let Some(r) = &sibling.string_value {
                            name = value_at(sibling.line, r);
                        }
                    }
                }
                if has_path || is_internal(&name) {
                    pins.push(Pin {
                        line: entry.line,
                        dep: name,
                        req: value_at(entry.line, range),
                        range: range.clone(),
                    });
                }
            }
            None => {}
        }
    }
    pins
}

/// Applies `edits` (at most one per byte range; ranges on a line must not overlap) and
/// returns the new text. Line terminators are preserved.
pub(crate) fn apply_edits(text: &str, edits: &[Edit]) -> String {
    let mut out = String::with_capacity(text.len());
    for (index, raw) in text.split_inclusive('\n').enumerate() {
        let mut line_edits: Vec<&Edit> = edits.iter().filter(|e| e.line == index).collect();
        if line_edits.is_empty() {
            out.push_str(raw);
            continue;
        }
        line_edits.sort_by_key(|e| std::cmp::Reverse(e.range.start));
        let mut line = raw.to_string();
        for edit in line_edits {
            if edit.range.end <= line.len()
                && line.is_char_boundary(edit.range.start)
                && line.is_char_boundary(edit.range.end)
            {
                line.replace_range(edit.range.clone(), &edit.text);
            }
        }
        out.push_str(&line);
    }
    out
}

/// Which kind of dependency table a section header names.
enum DepTable<'a> {
    /// `[dependencies]` & co: one dependency per key.
    Many,
    /// `[dependencies.NAME]` & co: the table of one dependency.
    One(&'a str),
}

fn is_deps_word(word: &str) -> bool {
    matches!(
        word,
        "dependencies"
            | "dev-dependencies"
            | "build-dependencies"
            | "dev_dependencies"
            | "build_dependencies"
    )
}

fn dependency_table(section: &[String]) -> Option<DepTable<'_>> {
    let words: Vec<&str> = section.iter().map(String::as_str).collect();
    match words.as_slice() {
        [d] if is_deps_word(d) => Some(DepTable::Many),
        ["workspace", "dependencies"] => Some(DepTable::Many),
        ["target", _, d] if is_deps_word(d) => Some(DepTable::Many),
        [d, name] if is_deps_word(d) => Some(DepTable::One(name)),
        ["workspace", "dependencies", name] => Some(DepTable::One(name)),
        ["target", _, d, name] if is_deps_word(d) => Some(DepTable::One(name)),
        _ => None,
    }
}

fn same_section(section: &[String], wanted: &[&str]) -> bool {
    section.len() == wanted.len() && section.iter().zip(wanted).all(|(a, b)| a == b)
}

/// What a value that did not end on its line is still waiting for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pending {
    /// Inside brackets/braces, `depth` levels deep.
    Value { depth: usize },
    /// Inside a multi-line string delimited by `"""` (basic) or `'''` (literal),
    /// with `depth` brackets open around it.
    MultiString { basic: bool, depth: usize },
}

fn skip_ws(bytes: &[u8], mut i: usize) -> usize {
    while matches!(bytes.get(i), Some(b' ') | Some(b'\t')) {
        i += 1;
    }
    i
}

fn is_bare_key_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

fn starts_multiline(bytes: &[u8], i: usize) -> bool {
    bytes.get(i..i + 3) == Some(b"\"\"\"") || bytes.get(i..i + 3) == Some(b"'''")
}

/// Parses a single-line basic or literal string starting at `i` (the quote); returns the
/// range of its contents and the index just after the closing quote.
fn parse_single_line_string(bytes: &[u8], i: usize) -> Option<(Range<usize>, usize)> {
    let quote = *bytes.get(i)?;
    let mut j = i + 1;
    while let Some(&b) = bytes.get(j) {
        if b == b'\\' && quote == b'"' {
            j += 2;
            continue;
        }
        if b == quote {
            return Some((i + 1..j, j + 1));
        }
        j += 1;
    }
    None
}

/// Parses a possibly dotted, possibly quoted key starting at `i`; returns the dot-joined
/// unquoted key and the index after it.
fn parse_key(bytes: &[u8], mut i: usize) -> Option<(String, usize)> {
    let mut parts = Vec::new();
    loop {
        i = skip_ws(bytes, i);
        match bytes.get(i) {
            Some(b'"') | Some(b'\'') => {
                let (range, next) = parse_single_line_string(bytes, i)?;
                parts.push(String::from_utf8_lossy(bytes.get(range)?).into_owned());
                i = next;
            }
            Some(&b) if is_bare_key_byte(b) => {
                let start = i;
                while bytes.get(i).is_some_and(|&b| is_bare_key_byte(b)) {
                    i += 1;
                }
                parts.push(String::from_utf8_lossy(bytes.get(start..i)?).into_owned());
            }
            _ => return None,
        }
        let after = skip_ws(bytes, i);
        if bytes.get(after) == Some(&b'.') {
            i = after + 1;
        } else {
            return Some((parts.join("."), i));
        }
    }
}

/// Parses `[a.b]` / `[[a.b]]` into its segments.
fn parse_header(line: &str) -> Option<Vec<String>> {
    let bytes = line.as_bytes();
    let mut j = skip_ws(bytes, 0);
    if bytes.get(j) != Some(&b'[') {
        return None;
    }
    j += 1;
    if bytes.get(j) == Some(&b'[') {
        j += 1;
    }
    let mut segments = Vec::new();
    loop {
        j = skip_ws(bytes, j);
        let (segment, next) = match bytes.get(j) {
            Some(b'"') | Some(b'\'') => {
                let (range, next) = parse_single_line_string(bytes, j)?;
                (
                    String::from_utf8_lossy(bytes.get(range)?).into_owned(),
                    next,
                )
            }
            _ => {
                let start = j;
                while bytes.get(j).is_some_and(|&b| is_bare_key_byte(b)) {
                    j += 1;
                }
                if j == start {
                    return None;
                }
                (
                    String::from_utf8_lossy(bytes.get(start..j)?).into_owned(),
                    j,
                )
            }
        };
        segments.push(segment);
        let k = skip_ws(bytes, next);
        match bytes.get(k) {
            Some(b'.') => j = k + 1,
            Some(b']') => return Some(segments),
            _ => return None,
        }
    }
}

/// Parses an inline table starting at `i` (the `{`), collecting its top-level keys.
/// Returns what is still pending if the table does not close on this line.
fn parse_inline_table(bytes: &[u8], i: usize) -> (Vec<InlineKey>, Option<Pending>) {
    let mut keys = Vec::new();
    let mut j = i + 1;
    loop {
        j = skip_ws(bytes, j);
        match bytes.get(j) {
            None | Some(b'#') => return (keys, Some(Pending::Value { depth: 1 })),
            Some(b'}') => {
                return (
                    keys,
                    continue_value(bytes, j + 1, Pending::Value { depth: 0 }),
                )
            }
            Some(b',') => {
                j += 1;
                continue;
            }
            _ => {}
        }
        let Some((key, after_key)) = parse_key(bytes, j) else {
            return (keys, continue_value(bytes, j, Pending::Value { depth: 1 }));
        };
        let mut k = skip_ws(bytes, after_key);
        if bytes.get(k) != Some(&b'=') {
            return (keys, continue_value(bytes, k, Pending::Value { depth: 1 }));
        }
        k = skip_ws(bytes, k + 1);
        let mut string_value = None;
        match bytes.get(k) {
            Some(b'"') | Some(b'\'') if !starts_multiline(bytes, k) => {
                match parse_single_line_string(bytes, k) {
                    Some((range, next)) => {
                        string_value = Some(range);
                        j = next;
                    }
                    None => return (keys, None),
                }
            }
            _ => {
                // Skip a non-string value up to the next top-level `,` or `}`.
                match skip_inline_value(bytes, k) {
                    Ok(next) => j = next,
                    Err(pending) => {
                        keys.push(InlineKey { key, string_value });
                        return (keys, Some(pending));
                    }
                }
            }
        }
        keys.push(InlineKey { key, string_value });
    }
}

/// Skips one value inside an inline table; returns the index of the `,`/`}` ending it,
/// or what is pending if the line ends first.
fn skip_inline_value(bytes: &[u8], mut i: usize) -> Result<usize, Pending> {
    let mut depth = 0usize;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'"' | b'\'' if starts_multiline(bytes, i) => {
                match find_multiline_end(bytes, i + 3, b == b'"') {
                    Some(next) => i = next,
                    None => {
                        return Err(Pending::MultiString {
                            basic: b == b'"',
                            depth: depth + 1,
                        })
                    }
                }
                continue;
            }
            b'"' | b'\'' => match parse_single_line_string(bytes, i) {
                Some((_, next)) => {
                    i = next;
                    continue;
                }
                None => return Err(Pending::Value { depth: depth + 1 }),
            },
            b'[' | b'{' => depth += 1,
            b']' | b'}' if depth > 0 => depth -= 1,
            b',' | b'}' if depth == 0 => return Ok(i),
            b'#' => return Err(Pending::Value { depth: depth + 1 }),
            _ => {}
        }
        i += 1;
    }
    Err(Pending::Value { depth: depth + 1 })
}

fn find_multiline_end(bytes: &[u8], mut i: usize, basic: bool) -> Option<usize> {
    let delim: &[u8] = if basic { b"\"\"\"" } else { b"'''" };
    while i < bytes.len() {
        if basic && bytes.get(i) == Some(&b'\\') {
            i += 2;
            continue;
        }
        if bytes.get(i..i + 3) == Some(delim) {
            let mut end = i + 3;
            // Up to two extra quotes may belong to the string's contents.
            while bytes.get(end) == Some(&delim[0]) && end < i + 5 {
                end += 1;
            }
            return Some(end);
        }
        i += 1;
    }
    None
}

/// Scans the rest of a value from `i` to the end of the line, returning what is still
/// pending (open brackets or an unterminated multi-line string), if anything.
fn continue_value(bytes: &[u8], mut i: usize, state: Pending) -> Option<Pending> {
    let mut depth = match state {
        Pending::Value { depth } => depth,
        Pending::MultiString { basic, depth } => match find_multiline_end(bytes, i, basic) {
            Some(next) => {
                i = next;
                depth
            }
            None => return Some(state),
        },
    };
    while let Some(&b) = bytes.get(i) {
        match b {
            b'"' | b'\'' if starts_multiline(bytes, i) => {
                match find_multiline_end(bytes, i + 3, b == b'"') {
                    Some(next) => i = next,
                    None => {
                        return Some(Pending::MultiString {
                            basic: b == b'"',
                            depth,
                        })
                    }
                }
                continue;
            }
            b'"' | b'\'' => match parse_single_line_string(bytes, i) {
                Some((_, next)) => {
                    i = next;
                    continue;
                }
                None => return (depth > 0).then_some(Pending::Value { depth }),
            },
            b'[' | b'{' => depth += 1,
            b']' | b'}' => depth = depth.saturating_sub(1),
            b'#' => break,
            _ => {}
        }
        i += 1;
    }
    (depth > 0).then_some(Pending::Value { depth })
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROOT: &str = r#"[workspace]
resolver = "2"
members = [
    "crates/*",   # the crates
    "xtask",
]

[workspace.package]
version = "0.1.0" # the one version
description = """
version = "9.9.9"
[not.a.header]
"""
license = "MIT OR Apache-2.0"

[workspace.dependencies]
# Internal crates.
mutagent-core = { path = "crates/mutagent-core", version = "=0.1.0" }
mutagent = { path = "crates/mutagent", version = "=0.1.0", default-features = false }
"quoted-internal" = { version = "=0.1.0", path = "q", features = ["version"] }
renamed = { package = "mutagent-prompt", version = "=0.1.0" }
serde = { version = "1", features = ["derive"] }
tokio = { version = "1", default-features = false }

[target.'cfg(unix)'.dependencies]
mutagent-core = "=0.1.0"

[dependencies.mutagent-emulator]
version = "=0.1.0"
path = "../mutagent-emulator"

[dev-dependencies.serde_json]
version = "1"
"#;

    fn internal(name: &str) -> bool {
        name.starts_with("mutagent")
    }

    #[test]
    fn finds_the_workspace_version_and_ignores_multiline_strings() {
        let (line, _, value) =
            string_value(ROOT, &["workspace", "package"], "version").expect("found");
        assert_eq!((line, value.as_str()), (8, "0.1.0"));
        assert!(entries(ROOT)
            .iter()
            .all(|e| e.section != ["not", "a", "header"]));
        assert!(!entries(ROOT).iter().any(|e| e.line == 10));
    }

    #[test]
    fn finds_every_internal_pin() {
        let pins = internal_pins(ROOT, &internal);
        let found: Vec<(&str, &str)> = pins
            .iter()
            .map(|p| (p.dep.as_str(), p.req.as_str()))
            .collect();
        assert_eq!(
            found,
            vec![
                ("mutagent-core", "=0.1.0"),
                ("mutagent", "=0.1.0"),
                ("quoted-internal", "=0.1.0"),
                ("mutagent-prompt", "=0.1.0"),
                ("mutagent-core", "=0.1.0"),
                ("mutagent-emulator", "=0.1.0"),
            ]
        );
    }

    #[test]
    fn edits_only_the_given_ranges() {
        let pins = internal_pins(ROOT, &internal);
        let edits: Vec<Edit> = pins
            .iter()
            .map(|p| Edit {
                line: p.line,
                range: p.range.clone(),
                text: "=0.2.0".into(),
            })
            .collect();
        let edited = apply_edits(ROOT, &edits);
        assert_eq!(edited.matches("=0.2.0").count(), 6);
        assert!(!edited.contains("=0.1.0"));
        assert!(edited.contains(r#"features = ["version"]"#));
        assert!(edited.contains(r#"serde = { version = "1", features = ["derive"] }"#));
        // Nothing else changed.
        let changed: Vec<(&str, &str)> = ROOT
            .lines()
            .zip(edited.lines())
            .filter(|(a, b)| a != b)
            .collect();
        assert_eq!(changed.len(), 6);
        assert_eq!(ROOT.lines().count(), edited.lines().count());
    }

    #[test]
    fn keeps_crlf_line_endings() {
        let text = "[package]\r\nname = \"x\"\r\nversion = \"0.1.0\"\r\n";
        let (line, range, value) = string_value(text, &["package"], "version").expect("found");
        assert_eq!(value, "0.1.0");
        let edited = apply_edits(
            text,
            &[Edit {
                line,
                range,
                text: "0.2.0".into(),
            }],
        );
        assert_eq!(
            edited,
            "[package]\r\nname = \"x\"\r\nversion = \"0.2.0\"\r\n"
        );
    }

    #[test]
    fn survives_odd_input() {
        for text in [
            "",
            "[",
            "[[",
            "= 1",
            "a = ",
            "a = {",
            "a = { b = ",
            "a = { b = \"",
            "a = \"\"\"",
            "[a.\"b",
            "\u{feff}x = 1",
            "a = [ { b = 1 },",
            "é = \"ü\"",
        ] {
            let _ = entries(text);
            let _ = internal_pins(text, &internal);
        }
    }
}
