//! `cargo xtask release bump <major|minor|patch|X.Y.Z>`: move the whole workspace to a
//! new version in one step.
//!
//! With `toml_edit` (comments and layout are kept, see `manifest.rs`) it rewrites the root
//! `[workspace.package] version`, every internal pin (`=X.Y.Z`) in the root and member
//! manifests, and a literal `[package] version` still equal to the old one; then adds
//! `## [NEW] - unreleased` to `CHANGELOG.md`, refreshes `Cargo.lock`, and runs the offline
//! release checks on the result, so a crate or pin that did not move is reported.

use std::collections::BTreeSet;
use std::path::PathBuf;

use semver::Version;

use super::changelog;
use super::manifest;
use super::metadata;

/// The version `release bump <level>` moves `current` to: `major`, `minor`, `patch`, or
/// an explicit version (the only way to reach or leave a pre-release); it must be greater.
pub(crate) fn next_version(level: &str, current: &Version) -> Result<Version, String> {
    let (major, minor, patch) = (current.major, current.minor, current.patch);
    let next = match level {
        "major" | "minor" | "patch" if !current.pre.is_empty() => {
            return Err(format!(
                "the current version {current} is a pre-release; give the next version \
                 explicitly (e.g. `cargo xtask release bump {major}.{minor}.{patch}`)"
            ))
        }
        "major" => Version::new(major + 1, 0, 0),
        "minor" => Version::new(major, minor + 1, 0),
        "patch" => Version::new(major, minor, patch + 1),
        _ => Version::parse(level).map_err(|e| {
            format!("`{level}` is not major, minor, patch or a semantic version: {e}")
        })?,
    };
    if next.cmp_precedence(current).is_le() {
        return Err(format!(
            "the new version {next} must be greater than the current version {current}"
        ));
    }
    Ok(next)
}

/// `cargo xtask release bump <major|minor|patch|X.Y.Z> [--dry-run]`.
pub(crate) fn run(args: &[String]) -> Result<(), String> {
    let (flags, levels): (Vec<String>, Vec<String>) =
        args.iter().cloned().partition(|arg| arg.starts_with('-'));
    let dry_run = !super::flags("bump", &flags, &["--dry-run"])?.is_empty();
    let [level] = &levels[..] else {
        return Err("usage: cargo xtask release bump <major|minor|patch|X.Y.Z> [--dry-run]".into());
    };
    let ws = metadata::load()?;
    let old_text = ws
        .version
        .clone()
        .ok_or("the root Cargo.toml has no `version` in [workspace.package]")?;
    let old = Version::parse(&old_text).map_err(|e| format!("the workspace version: {e}"))?;
    let new = next_version(level, &old)?.to_string();
    let dry = if dry_run {
        " (dry run: nothing is written)"
    } else {
        ""
    };
    println!("bumping the workspace from {old} to {new}{dry}");

    let mut manifests: BTreeSet<PathBuf> = BTreeSet::new();
    manifests.insert(ws.root.join("Cargo.toml"));
    manifests.extend(ws.packages.iter().map(|p| p.manifest_path.clone()));
    let is_internal = |name: &str| ws.package(name).is_some();
    for path in &manifests {
        let text = metadata::read(path)?;
        let (text, changes) = manifest::rewrite(&text, &is_internal, &old_text, &new)
            .map_err(|e| format!("{} is {e}", path.display()))?;
        if changes.is_empty() {
            continue;
        }
        println!("{}:", path.strip_prefix(&ws.root).unwrap_or(path).display());
        for change in &changes {
            println!("  {change}");
        }
        if !dry_run {
            metadata::write(path, &text)?;
        }
    }

    let changelog_path = ws.root.join(changelog::FILE);
    let text = metadata::read(&changelog_path)?;
    match changelog::add_heading(&text, &new) {
        None => println!("{}: already has an entry for {new}", changelog::FILE),
        Some(text) => {
            println!("{}: added `## [{new}] - unreleased`", changelog::FILE);
            if !dry_run {
                metadata::write(&changelog_path, &text)?;
            }
        }
    }
    if dry_run {
        return Ok(());
    }

    // Bring Cargo.lock's entries for the workspace crates to the new version.
    if metadata::run_cargo(&ws.root, &["update", "--workspace"]).is_err() {
        println!("note: `cargo update --workspace` failed; run it yourself to refresh Cargo.lock");
    }

    // The same offline checks as `release check`: versions and exact pins everywhere.
    let after = metadata::load()?;
    let mut problems = super::check::static_findings(&after, false)?.problems;
    if after.version.as_deref() != Some(new.as_str()) {
        problems.push(format!(
            "the workspace version is {:?}, not {new}",
            after.version
        ));
    }
    if !problems.is_empty() {
        return Err(format!(
            "the bump to {new} left problems; fix these by hand:\n  - {}",
            problems.join("\n  - ")
        ));
    }
    println!(
        "done: every crate is at {new}. Next: write the notes under `## [{new}]` in {}, \
         run `cargo xtask release check`, and commit.",
        changelog::FILE
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bump(level: &str, from: &str) -> Result<String, String> {
        next_version(level, &Version::parse(from).expect("valid")).map(|v| v.to_string())
    }

    #[test]
    fn bumps_move_forward_only() {
        assert_eq!(bump("major", "0.3.7").as_deref(), Ok("1.0.0"));
        assert_eq!(bump("minor", "0.3.7").as_deref(), Ok("0.4.0"));
        assert_eq!(bump("patch", "0.3.7").as_deref(), Ok("0.3.8"));
        assert_eq!(bump("1.0.0-rc.1", "0.3.7").as_deref(), Ok("1.0.0-rc.1"));
        assert_eq!(bump("1.0.0", "1.0.0-rc.1").as_deref(), Ok("1.0.0"));
        assert!(bump("patch", "1.0.0-rc.1").is_err_and(|e| e.contains("pre-release")));
        assert!(bump("0.3.7", "0.3.7").is_err_and(|e| e.contains("greater")));
        assert!(bump("0.3.0", "0.3.7").is_err());
        assert!(bump("1.0.0-rc.1", "1.0.0").is_err());
        assert!(bump("1.2", "0.3.7").is_err_and(|e| e.contains("semantic version")));
    }
}
