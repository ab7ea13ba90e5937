//! `cargo xtask release bump <major|minor|patch|X.Y.Z>`: move the whole workspace to a
//! new version in one step.
//!
//! Rewrites, as text (see `manifest.rs` for why no TOML-editing dependency is needed):
//! - `[workspace.package] version` in the root `Cargo.toml`;
//! - every internal version pin (`version = "=X.Y.Z"` of a dependency on a workspace
//!   crate, or of any `path` dependency) in the root `[workspace.dependencies]` and in
//!   every member's manifest, to `=NEW`;
//! - a literal `[package] version = "OLD"` in a member that does not inherit it;
//!
//! then adds `## [NEW] - unreleased` to `CHANGELOG.md`, refreshes `Cargo.lock`, and
//! re-reads `cargo metadata` to verify that every crate and pin moved.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::changelog;
use super::manifest::{self, Edit};
use super::metadata::{self, Workspace};
use super::version::{Bump, Version};

/// The result of rewriting one manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Rewrite {
    /// The new text.
    pub(crate) text: String,
    /// One line per change, e.g. `line 19: mutagent-core =0.1.0 -> =0.2.0`.
    pub(crate) changes: Vec<String>,
}

/// Rewrites a manifest's versions from `old` to `new`: the workspace version, a literal
/// package version equal to `old`, and every internal pin (to `=new`).
pub(crate) fn rewrite_manifest(
    text: &str,
    is_internal: &dyn Fn(&str) -> bool,
    old: &str,
    new: &str,
) -> Rewrite {
    let mut edits = Vec::new();
    let mut changes = Vec::new();
    for (section, label) in [
        (&["workspace", "package"][..], "[workspace.package] version"),
        (&["package"][..], "[package] version"),
    ] {
        if let Some((line, range, value)) = manifest::string_value(text, section, "version") {
            if value == old {
                changes.push(format!("line {}: {label} {old} -> {new}", line + 1));
                edits.push(Edit {
                    line,
                    range,
                    text: new.to_string(),
                });
            }
        }
    }
    let wanted = format!("={new}");
    for pin in manifest::internal_pins(text, is_internal) {
        if pin.req != wanted {
            changes.push(format!(
                "line {}: {} {} -> {wanted}",
                pin.line + 1,
                pin.dep,
                pin.req
            ));
            edits.push(Edit {
                line: pin.line,
                range: pin.range,
                text: wanted.clone(),
            });
        }
    }
    Rewrite {
        text: manifest::apply_edits(text, &edits),
        changes,
    }
}

/// Problems left after a bump to `new`: crates or pins that did not move.
pub(crate) fn verify(ws: &Workspace, root_manifest: &str, new: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let wanted = format!("={new}");
    if ws.version.as_deref() != Some(new) {
        problems.push(format!(
            "the workspace version is {:?}, not {new}",
            ws.version
        ));
    }
    for package in ws.publishable() {
        if package.version != new {
            problems.push(format!(
                "{} is still at version {}",
                package.name, package.version
            ));
        }
        for dep in ws.internal_deps(package) {
            if dep.req != "*" && dep.req != wanted {
                problems.push(format!(
                    "{}: dependency `{}` is still required as `{}`",
                    package.name, dep.name, dep.req
                ));
            }
        }
    }
    for pin in manifest::internal_pins(root_manifest, &|name| ws.is_member(name)) {
        if pin.req != wanted {
            problems.push(format!(
                "Cargo.toml:{}: `{}` is still pinned as `{}`",
                pin.line + 1,
                pin.dep,
                pin.req
            ));
        }
    }
    problems
}

/// `cargo xtask release bump <major|minor|patch|X.Y.Z> [--dry-run]`.
pub(crate) fn run(args: &[String]) -> Result<(), String> {
    let mut bump = None;
    let mut dry_run = false;
    for arg in args {
        match arg.as_str() {
            "--dry-run" => dry_run = true,
            flag if flag.starts_with('-') => {
                return Err(format!("unknown `release bump` argument `{flag}`"))
            }
            level if bump.is_none() => bump = Some(Bump::parse(level)?),
            extra => {
                return Err(format!(
                    "`release bump` takes one version argument (got an extra `{extra}`)"
                ))
            }
        }
    }
    let bump =
        bump.ok_or("usage: cargo xtask release bump <major|minor|patch|X.Y.Z> [--dry-run]")?;
    let root = metadata::workspace_root();
    let ws = metadata::load(&root)?;
    let old_text = ws
        .version
        .clone()
        .ok_or("the root Cargo.toml has no `version` in [workspace.package]")?;
    let old = Version::parse(&old_text).map_err(|e| format!("the workspace version: {e}"))?;
    let new = bump.apply(&old)?.to_string();
    println!(
        "bumping the workspace from {old} to {new}{}",
        if dry_run {
            " (dry run: nothing is written)"
        } else {
            ""
        }
    );

    let mut manifests: BTreeSet<PathBuf> = BTreeSet::new();
    manifests.insert(ws.root_manifest());
    manifests.extend(ws.packages.iter().map(|p| p.manifest_path.clone()));
    let is_internal = |name: &str| ws.is_member(name);
    for path in &manifests {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("could not read {}: {e}", path.display()))?;
        let rewrite = rewrite_manifest(&text, &is_internal, &old_text, &new);
        if rewrite.changes.is_empty() {
            continue;
        }
        println!("{}:", relative(&ws.root, path));
        for change in &rewrite.changes {
            println!("  {change}");
        }
        if !dry_run {
            std::fs::write(path, rewrite.text)
                .map_err(|e| format!("could not write {}: {e}", path.display()))?;
        }
    }

    let changelog_path = ws.root.join(changelog::FILE);
    let new_changelog = match std::fs::read_to_string(&changelog_path) {
        Ok(text) => changelog::add_heading(&text, &new),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Some(changelog::new_changelog(&new)),
        Err(e) => return Err(format!("could not read {}: {e}", changelog_path.display())),
    };
    match new_changelog {
        Some(text) => {
            println!("{}: added `## [{new}] - unreleased`", changelog::FILE);
            if !dry_run {
                std::fs::write(&changelog_path, text)
                    .map_err(|e| format!("could not write {}: {e}", changelog_path.display()))?;
            }
        }
        None => println!("{}: already has an entry for {new}", changelog::FILE),
    }
    if dry_run {
        return Ok(());
    }

    // Bring Cargo.lock's entries for the workspace crates to the new version.
    let updated = Command::new(metadata::cargo_bin())
        .args(["update", "--workspace"])
        .current_dir(&ws.root)
        .status();
    if !updated.is_ok_and(|s| s.success()) {
        println!("note: `cargo update --workspace` failed; run it yourself to refresh Cargo.lock");
    }

    let after = metadata::load(&root)?;
    let root_text = std::fs::read_to_string(after.root_manifest())
        .map_err(|e| format!("could not re-read Cargo.toml: {e}"))?;
    let problems = verify(&after, &root_text, &new);
    if !problems.is_empty() {
        let mut message = format!("the bump to {new} is incomplete; fix these by hand:");
        for problem in problems {
            message.push_str("\n  - ");
            message.push_str(&problem);
        }
        return Err(message);
    }
    println!(
        "done: every crate is at {new}. Next: write the notes under `## [{new}]` in {}, \
         run `cargo xtask release check`, and commit.",
        changelog::FILE
    );
    Ok(())
}

fn relative(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .display()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::super::metadata::tests::workspace;
    use super::*;

    /// The workspace's real root manifest, at the time of writing (abridged).
    const ROOT: &str = r#"[workspace]
resolver = "2"
members = ["crates/*", "xtask", "tests"]

[workspace.package]
version = "0.1.0"
edition = "2021"
rust-version = "1.85"

[workspace.dependencies]
# Internal crates (exact pins so a release always ships a consistent set).
mutagent-core = { path = "crates/mutagent-core", version = "=0.1.0" }
mutagent-prompt = { path = "crates/mutagent-prompt", version = "=0.1.0" }
mutagent-traces = { path = "crates/mutagent-traces", version = "=0.1.0" }
mutagent = { path = "crates/mutagent", version = "=0.1.0", default-features = false }

# The design's base stack.
hyper = { version = "1", default-features = false }
hyper-rustls = { version = "0.27", default-features = false, features = ["ring", "webpki-roots", "http1", "http2", "tls12"] }
serde = { version = "1", features = ["derive"] }
tracing = { version = "0.1", default-features = false, features = ["std"] }
httpdate = "1"
"#;

    const MEMBER: &str = r#"[package]
name = "mutagent-legacy"
version = "0.1.0"
edition.workspace = true

[dependencies]
mutagent-core = { version = "=0.1.0", path = "../mutagent-core" }
serde = { workspace = true }
tokio = { version = "0.1.0" }

[dev-dependencies.mutagent-prompt]
path = "../mutagent-prompt"
version = "=0.1.0"
"#;

    fn internal(name: &str) -> bool {
        name.starts_with("mutagent")
    }

    #[test]
    fn bumps_the_root_manifest() {
        let rewrite = rewrite_manifest(ROOT, &internal, "0.1.0", "0.2.0");
        assert_eq!(
            rewrite.changes,
            [
                "line 6: [workspace.package] version 0.1.0 -> 0.2.0",
                "line 12: mutagent-core =0.1.0 -> =0.2.0",
                "line 13: mutagent-prompt =0.1.0 -> =0.2.0",
                "line 14: mutagent-traces =0.1.0 -> =0.2.0",
                "line 15: mutagent =0.1.0 -> =0.2.0",
            ]
        );
        let expected = ROOT
            .replace("version = \"0.1.0\"", "version = \"0.2.0\"")
            .replace("=0.1.0", "=0.2.0");
        assert_eq!(rewrite.text, expected);
        // Running it again changes nothing.
        let again = rewrite_manifest(&rewrite.text, &internal, "0.1.0", "0.2.0");
        assert!(again.changes.is_empty());
        assert_eq!(again.text, rewrite.text);
    }

    #[test]
    fn bumps_members_with_literal_versions_and_table_dependencies() {
        let rewrite = rewrite_manifest(MEMBER, &internal, "0.1.0", "1.0.0-rc.1");
        assert_eq!(
            rewrite.changes,
            [
                "line 3: [package] version 0.1.0 -> 1.0.0-rc.1",
                "line 7: mutagent-core =0.1.0 -> =1.0.0-rc.1",
                "line 13: mutagent-prompt =0.1.0 -> =1.0.0-rc.1"
            ]
        );
        assert!(
            rewrite.text.contains("tokio = { version = \"0.1.0\" }"),
            "external crates are untouched"
        );
    }

    #[test]
    fn leaves_unrelated_manifests_alone() {
        let text =
            "[package]\nname = \"other\"\nversion = \"3.0.0\"\n\n[dependencies]\nserde = \"1\"\n";
        let rewrite = rewrite_manifest(text, &internal, "0.1.0", "0.2.0");
        assert!(rewrite.changes.is_empty());
        assert_eq!(rewrite.text, text);
    }

    #[test]
    fn verifies_the_result() {
        let ws = workspace();
        let root =
            "[workspace.dependencies]\nmutagent-core = { path = \"x\", version = \"=0.1.0\" }\n";
        let problems = verify(&ws, root, "0.2.0");
        assert!(
            problems
                .iter()
                .any(|p| p.contains("mutagent-core is still at version 0.1.0")),
            "{problems:?}"
        );
        assert!(
            problems
                .iter()
                .any(|p| p.contains("Cargo.toml:2: `mutagent-core` is still pinned as `=0.1.0`")),
            "{problems:?}"
        );
        assert!(verify(&ws, root, "0.1.0").is_empty());
    }
}
