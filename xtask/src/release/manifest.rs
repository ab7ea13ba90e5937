//! Reading and editing Cargo manifests with `toml_edit`, which keeps comments, order and
//! layout: a bump's diff shows only the versions that moved.

use toml_edit::{DocumentMut, Item, Value};

/// Parses a manifest, keeping its layout.
pub(crate) fn parse(text: &str) -> Result<DocumentMut, String> {
    text.parse::<DocumentMut>()
        .map_err(|e| format!("not valid TOML: {e}"))
}

/// `[workspace.package] version`, if set.
pub(crate) fn workspace_version(text: &str) -> Result<Option<String>, String> {
    let doc = parse(text)?;
    Ok(doc
        .get("workspace")
        .and_then(|w| w.get("package"))
        .and_then(|p| p.get("version"))
        .and_then(Item::as_str)
        .map(str::to_owned))
}

/// Pins every internal dependency that has a `version` to `=version`, in every dependency
/// table (`[target.*]` and the root `[workspace.dependencies]` too), and returns one line
/// per pin moved, e.g. `dependencies.mutagent-core =0.1.0 -> =0.2.0`. A dependency is
/// internal if its package (the key, or `package = ".."`) is a workspace member, or it has
/// a `path`.
pub(crate) fn pin_internal(
    doc: &mut DocumentMut,
    is_internal: &dyn Fn(&str) -> bool,
    version: &str,
) -> Vec<String> {
    const KINDS: [&str; 3] = ["dependencies", "dev-dependencies", "build-dependencies"];
    let root = doc.as_table_mut();
    let mut tables: Vec<(String, &mut Item)> = Vec::new();
    let mut targets = None;
    for (key, item) in root.iter_mut() {
        match key.get() {
            kind if KINDS.contains(&kind) => tables.push((kind.to_owned(), item)),
            "workspace" => {
                let deps = item
                    .as_table_like_mut()
                    .and_then(|t| t.get_mut("dependencies"));
                if let Some(deps) = deps {
                    tables.push(("workspace.dependencies".to_owned(), deps));
                }
            }
            "target" => targets = Some(item),
            _ => {}
        }
    }
    if let Some(table) = targets.and_then(Item::as_table_like_mut) {
        for (cfg, item) in table.iter_mut() {
            let Some(target) = item.as_table_like_mut() else {
                continue;
            };
            for (kind, deps) in target.iter_mut() {
                if KINDS.contains(&kind.get()) {
                    tables.push((format!("target.{}.{}", cfg.get(), kind.get()), deps));
                }
            }
        }
    }
    let wanted = format!("={version}");
    let mut changes = Vec::new();
    for (label, deps) in tables {
        let Some(deps) = deps.as_table_like_mut() else {
            continue;
        };
        for (name, dep) in deps.iter_mut() {
            let Some(dep) = dep.as_table_like_mut() else {
                continue;
            };
            let package = dep
                .get("package")
                .and_then(Item::as_str)
                .unwrap_or(name.get());
            if !(is_internal(package) || dep.contains_key("path")) {
                continue;
            }
            let pin = dep.get_mut("version").and_then(Item::as_value_mut);
            if let Some(pin) = pin.filter(|pin| pin.as_str() != Some(&wanted)) {
                let was = pin.as_str().unwrap_or("?");
                changes.push(format!("{label}.{} {was} -> {wanted}", name.get()));
                set(pin, &wanted);
            }
        }
    }
    changes
}

/// Replaces a string value, keeping the spaces and comments around it.
fn set(value: &mut Value, text: &str) {
    let decor = value.decor().clone();
    *value = Value::from(text);
    *value.decor_mut() = decor;
}

/// Moves a manifest from `old` to `new`: `[workspace.package] version`, a literal
/// `[package] version` equal to `old`, and every internal pin (to `=new`). Returns the new
/// text and one line per change.
pub(crate) fn rewrite(
    text: &str,
    is_internal: &dyn Fn(&str) -> bool,
    old: &str,
    new: &str,
) -> Result<(String, Vec<String>), String> {
    let mut doc = parse(text)?;
    let mut changes = Vec::new();
    for path in [&["workspace", "package"][..], &["package"][..]] {
        // `TableLike::get_mut` never inserts (`Item::get_mut` adds missing tables).
        let mut item = Some(doc.as_item_mut());
        for key in path.iter().chain(&["version"]) {
            item = item
                .and_then(Item::as_table_like_mut)
                .and_then(|t| t.get_mut(key));
        }
        let version = item.and_then(Item::as_value_mut);
        if let Some(version) = version.filter(|v| v.as_str() == Some(old)) {
            set(version, new);
            changes.push(format!("[{}] version {old} -> {new}", path.join(".")));
        }
    }
    changes.extend(pin_internal(&mut doc, is_internal, new));
    Ok((doc.to_string(), changes))
}

#[cfg(test)]
mod tests {
    use super::*;

    const MEMBER: &str = r#"[package]
name = "mutagent-legacy"
version = "0.1.0"   # literal, not inherited
edition.workspace = true

[dependencies]
mutagent-core = { version = "=0.1.0", path = "../mutagent-core" }
renamed = { package = "mutagent-prompt", version = "=0.1.0" }
serde = { workspace = true }
tokio = { version = "0.1.0" }
description = "version = \"0.1.0\" in a string is not a version"

[dev-dependencies.mutagent-prompt]
path = "../mutagent-prompt"
version = "=0.1.0" # keep this comment

[target.'cfg(unix)'.dependencies]
mutagent-traces = { version = "=0.1.0", path = "../mutagent-traces" }
"#;

    fn internal(name: &str) -> bool {
        name.starts_with("mutagent")
    }

    #[test]
    fn pins_every_internal_dependency() {
        let mut doc = parse(MEMBER).expect("valid");
        assert_eq!(
            pin_internal(&mut doc, &internal, "0.2.0"),
            [
                "dependencies.mutagent-core =0.1.0 -> =0.2.0",
                "dependencies.renamed =0.1.0 -> =0.2.0",
                "dev-dependencies.mutagent-prompt =0.1.0 -> =0.2.0",
                "target.cfg(unix).dependencies.mutagent-traces =0.1.0 -> =0.2.0",
            ]
        );
        assert!(parse("[dependencies\n").is_err());
    }

    #[test]
    fn rewrites_only_versions_and_keeps_the_layout() {
        let (text, changes) = rewrite(MEMBER, &internal, "0.1.0", "0.2.0").expect("valid");
        assert_eq!(changes.len(), 5, "{changes:?}");
        let expected = MEMBER
            .replace("version = \"0.1.0\"   #", "version = \"0.2.0\"   #")
            .replace("\"=0.1.0\"", "\"=0.2.0\"");
        assert_eq!(text, expected);
        // Idempotent: a second run changes nothing.
        let again = rewrite(&text, &internal, "0.1.0", "0.2.0").expect("valid");
        assert_eq!(again, (text, vec![]));
    }

    #[test]
    fn the_workspace_version_moves_and_other_crates_stay() {
        let root = "[workspace.package]\nversion = \"0.1.0\"\n\n[workspace.dependencies]\n\
                    mutagent = { path = \"crates/mutagent\", version = \"=0.1.0\", default-features = false }\n\
                    hyper = { version = \"0.1.0\" }\n";
        assert_eq!(workspace_version(root), Ok(Some("0.1.0".to_owned())));
        let (text, _) = rewrite(root, &internal, "0.1.0", "1.0.0").expect("valid");
        assert_eq!(workspace_version(&text), Ok(Some("1.0.0".to_owned())));
        assert!(text.contains("version = \"=1.0.0\", default-features = false"));
        assert!(text.contains("hyper = { version = \"0.1.0\" }"));
        assert_eq!(
            workspace_version("[package]\nversion = \"1.0.0\"\n"),
            Ok(None)
        );
    }
}
