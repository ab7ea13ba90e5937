//! `cargo xtask release check`: is the workspace ready to publish?
//!
//! Collects every problem (never stops at the first) from:
//! - the metadata crates.io and docs.rs need, for every crate to publish;
//! - one shared version, and exact `=X.Y.Z` pins on every internal dependency
//!   (in the members and in the root `[workspace.dependencies]`);
//! - a `CHANGELOG.md` entry for the current version;
//! - `cargo publish --workspace --dry-run` (skippable with `--no-dry-run`);
//! - `cargo semver-checks` against the latest release on crates.io, where installed.

use std::path::{Path, PathBuf};

use super::changelog;
use super::manifest;
use super::metadata::{self, Package, Workspace};
use super::plan;
use super::publish::{Outside, Real};

/// The crate every user depends on; it must be published and pin its parts exactly.
pub(crate) const UMBRELLA: &str = "mutagent";

/// What a check found.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Findings {
    /// Things that must be fixed before releasing.
    pub(crate) problems: Vec<String>,
    /// Things worth knowing that do not block.
    pub(crate) notes: Vec<String>,
}

/// Whether `keyword` is accepted by crates.io: ASCII, at most 20 characters, starting
/// with a letter or digit, then letters, digits, `_`, `-` or `+`.
pub(crate) fn valid_keyword(keyword: &str) -> bool {
    let mut chars = keyword.chars();
    keyword.len() <= 20
        && chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '+'))
}

/// What crates.io and docs.rs need of one crate, and its version and internal pins.
fn package_problems(
    ws: &Workspace,
    package: &Package,
    exists: &dyn Fn(&Path) -> bool,
) -> Vec<String> {
    let blank = |value: &Option<String>| value.as_deref().is_none_or(|v| v.trim().is_empty());
    let repository = package.repository.as_deref().unwrap_or_default();
    let readme = package.readme.as_deref().filter(|r| !r.is_empty());
    let readme_path = readme.map(|readme| package.manifest_path.with_file_name(readme));
    let (keywords, categories) = (&package.keywords, &package.categories);
    let docs_rs = matches!(&package.docs_rs, Some(serde_json::Value::Object(s)) if !s.is_empty());
    let version = ws.version.as_deref().unwrap_or(&package.version);
    let mut found: Vec<String> = [
        (blank(&package.description), "`description` is missing (crates.io requires it)".into()),
        (
            blank(&package.license) && blank(&package.license_file),
            "`license` (or `license-file`) is missing (crates.io requires it)".into(),
        ),
        (repository.is_empty(), "`repository` is missing".into()),
        (
            !repository.is_empty() && !repository.starts_with("https://"),
            format!("`repository` should be an https:// URL (got `{repository}`)"),
        ),
        (readme.is_none(), "`readme` is missing (crates.io shows it as the crate's page)".into()),
        (
            readme_path.as_ref().is_some_and(|path| !exists(path)),
            format!(
                "readme `{}` does not exist ({})",
                readme.unwrap_or_default(),
                readme_path.as_ref().map_or(Path::new(""), |p| p.strip_prefix(&ws.root).unwrap_or(p)).display()
            ),
        ),
        (keywords.is_empty(), "`keywords` is missing".into()),
        (keywords.len() > 5, format!("{} keywords; crates.io allows at most 5", keywords.len())),
        (categories.is_empty(), "`categories` is missing".into()),
        (categories.len() > 5, format!("{} categories; crates.io allows at most 5", categories.len())),
        (
            !docs_rs,
            "no [package.metadata.docs.rs] settings (e.g. `all-features = true`, `rustdoc-args = [\"--cfg\", \"docsrs\"]`)".into(),
        ),
        (
            package.version != version,
            format!("version {} differs from the workspace version {version} (use `version.workspace = true`)", package.version),
        ),
    ]
    .into_iter()
    .filter_map(|(bad, problem)| bad.then_some(problem))
    .collect();
    found.extend(keywords.iter().filter(|k| !valid_keyword(k)).map(|k| {
        format!("keyword `{k}` is invalid (at most 20 ASCII characters: letters, digits, `_`, `-`, `+`, starting with a letter or digit)")
    }));
    let wanted = format!("={version}");
    // A path-only dev-dependency is dropped by cargo when packaging, so it is free.
    for dep in ws.internal_deps(package).filter(|d| d.needed_by_registry()) {
        let name = &dep.name;
        if !ws.package(name).is_some_and(|p| p.publishable) {
            found.push(format!(
                "depends on `{name}`, which is not published (publish = false)"
            ));
        }
        if dep.req == "*" {
            found.push(format!(
                "internal dependency `{name}` has no version; it needs `version = \"{wanted}\"`"
            ));
        } else if dep.req != wanted {
            found.push(format!("internal dependency `{name}` is required as `{}`; it must be pinned exactly as `{wanted}`", dep.req));
        }
    }
    found
        .into_iter()
        .map(|problem| format!("{}: {problem}", package.name))
        .collect()
}

/// The checks that need neither a build nor the network.
///
/// `changelog` is the text of `CHANGELOG.md` (`None` if missing); `exists` tells
/// whether a file exists (a parameter so tests need no files); when `publishing`, the
/// changelog entry must be dated.
pub(crate) fn static_checks(
    ws: &Workspace,
    root_manifest: &str,
    changelog: Option<&str>,
    exists: &dyn Fn(&Path) -> bool,
    publishing: bool,
) -> Findings {
    let mut findings = Findings::default();
    let problems = &mut findings.problems;
    match ws.version.as_deref().map(semver::Version::parse) {
        None => problems.push("the root Cargo.toml has no `version` in [workspace.package]; every crate shares that version".into()),
        Some(Err(e)) => problems.push(format!("the workspace version is not a semantic version: {e}")),
        Some(Ok(_)) => {}
    }
    if !ws.publishable().any(|p| p.name == UMBRELLA) {
        problems.push(format!(
            "the umbrella crate `{UMBRELLA}` is not among the crates to publish"
        ));
    }
    for package in ws.publishable() {
        problems.extend(package_problems(ws, package, exists));
    }
    if let Some(v) = &ws.version {
        // The pins `bump` would have to move are the ones not exact yet.
        let is_member = |name: &str| ws.package(name).is_some();
        match manifest::parse(root_manifest) {
            Ok(mut doc) => problems.extend(
                manifest::pin_internal(&mut doc, &is_member, v)
                    .into_iter()
                    .map(|pin| format!("Cargo.toml: internal pins must be exact: {pin}")),
            ),
            Err(e) => problems.push(format!("Cargo.toml: {e}")),
        }
    }
    problems.extend(plan::build(ws).err());
    match (changelog, &ws.version) {
        (None, _) => problems.push(format!(
            "{} is missing at the workspace root",
            changelog::FILE
        )),
        (Some(text), Some(v)) => {
            let (changelog_problems, notes) = changelog::check(text, v, publishing);
            findings.problems.extend(changelog_problems);
            findings.notes.extend(notes);
        }
        (Some(_), None) => {}
    }
    findings
}

/// `$CARGO_HOME`, else `~/.cargo`.
fn cargo_home() -> PathBuf {
    std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo")))
        .unwrap_or_else(|| PathBuf::from(".cargo"))
}

/// Removes unpacked copies of this workspace's crates that an earlier
/// `cargo publish --workspace --dry-run` left in `$CARGO_HOME/registry/src/-<hash>/`.
///
/// The dry run verifies each crate against the others through a temporary local registry,
/// and cargo unpacks those crates under a directory named after that registry's path. Cargo
/// never unpacks a `name-version` directory twice, so a second dry run from the same checkout
/// path, with the same version but changed code, would build against the stale copy and fail
/// (or pass) for the wrong reason. Only directories of local registries (names starting
/// with `-`) holding one of our publishable crates at the current version are removed.
fn clear_stale_overlay_sources(cargo_home: &Path, ws: &Workspace) -> Vec<PathBuf> {
    let Ok(registries) = std::fs::read_dir(cargo_home.join("registry").join("src")) else {
        return Vec::new();
    };
    let ours: Vec<String> = ws
        .publishable()
        .map(|p| format!("{}-{}", p.name, p.version))
        .collect();
    let mut removed = Vec::new();
    for registry in registries.flatten() {
        if !registry.file_name().to_string_lossy().starts_with('-') {
            continue; // crates.io and other real registries are never touched
        }
        for name in &ours {
            let unpacked = registry.path().join(name);
            if unpacked.is_dir() && std::fs::remove_dir_all(&unpacked).is_ok() {
                removed.push(unpacked);
            }
        }
    }
    removed
}

/// Runs `cargo publish --workspace --dry-run` in `root`, echoing its output; returns the
/// problem to report if it fails.
fn dry_run(root: &Path, allow_dirty: bool) -> Option<String> {
    // A target directory of its own, emptied first: cargo treats the crates it verifies as
    // registry crates, whose compiled artifacts it never rebuilds for the same version, so a
    // reused target directory would verify against what an earlier dry run compiled.
    let target_dir = root.join("target").join("release-check");
    let _ = std::fs::remove_dir_all(&target_dir);
    let target_dir = target_dir.to_string_lossy();
    let mut args = vec![
        "publish",
        "--workspace",
        "--dry-run",
        "--target-dir",
        &target_dir,
    ];
    if allow_dirty {
        args.push("--allow-dirty");
    }
    println!(
        "running `cargo {}` (packages and builds every crate to publish)...",
        args.join(" ")
    );
    let hint = " (on uncommitted changes: commit, or pass --allow-dirty for a local run)";
    let hint = if allow_dirty { "" } else { hint };
    metadata::run_cargo(root, &args)
        .err()
        .map(|e| format!("{e}{hint}"))
}

/// Runs `cargo semver-checks` (where installed) for every crate with a release on
/// crates.io; the latest release is the baseline.
fn semver_checks(ws: &Workspace, registry: &dyn Outside, findings: &mut Findings) {
    let version = ["semver-checks", "--version"];
    if metadata::run_tool(&ws.root, &metadata::cargo_bin(), &version).is_err() {
        findings.notes.push(
            "cargo-semver-checks is not installed, so API compatibility was not checked; \
             install it with `cargo install cargo-semver-checks --locked`"
                .into(),
        );
        return;
    }
    for name in ws.publishable().map(|p| &p.name) {
        match registry.published_versions(name) {
            Err(e) => findings.problems.push(format!(
                "{name}: could not look up its releases for the semver check: {e}"
            )),
            Ok(versions) if versions.is_empty() => findings.notes.push(format!(
                "{name}: not on crates.io yet, so there is no baseline for cargo-semver-checks"
            )),
            Ok(_) => {
                println!("running `cargo semver-checks check-release -p {name}` (baseline: crates.io)...");
                let args = ["semver-checks", "check-release", "-p", name];
                if metadata::run_cargo(&ws.root, &args).is_err() {
                    findings.problems.push(format!(
                        "{name}: cargo semver-checks failed against crates.io: breaking API changes need a \
                         major bump (minor while 0.x), see its output above"
                    ));
                }
            }
        }
    }
}

/// `cargo xtask release check [--no-dry-run] [--allow-dirty] [--no-semver-checks]`.
pub(crate) fn run(args: &[String]) -> Result<(), String> {
    let known = ["--no-dry-run", "--allow-dirty", "--no-semver-checks"];
    let flags = super::flags("check", args, &known)?;
    let [no_dry_run, allow_dirty, no_semver] = known.map(|flag| flags.contains(&flag));
    let ws = metadata::load()?;
    let mut findings = static_findings(&ws, false)?;
    if !no_dry_run {
        if allow_dirty {
            findings
                .notes
                .push("the dry run used --allow-dirty: uncommitted changes were packaged".into());
        }
        for stale in clear_stale_overlay_sources(&cargo_home(), &ws) {
            findings.notes.push(format!(
                "removed a stale unpacked copy of a workspace crate from an earlier dry run: {}",
                stale.display()
            ));
        }
        if let Some(problem) = dry_run(&ws.root, allow_dirty) {
            findings.problems.push(problem);
        }
    } else {
        findings.notes.push(
            "skipped `cargo publish --workspace --dry-run` (--no-dry-run); CI runs it".into(),
        );
    }
    if !no_semver {
        let crates_io = Real {
            root: ws.root.clone(),
        };
        semver_checks(&ws, &crates_io, &mut findings);
    } else {
        findings
            .notes
            .push("skipped cargo-semver-checks (--no-semver-checks)".into());
    }
    report(&ws, findings)
}

/// The static checks on the real files of `ws`.
pub(crate) fn static_findings(ws: &Workspace, publishing: bool) -> Result<Findings, String> {
    let root_text = metadata::read(&ws.root.join("Cargo.toml"))?;
    let changelog_path = ws.root.join(changelog::FILE);
    let changelog_text = changelog_path
        .exists()
        .then(|| metadata::read(&changelog_path))
        .transpose()?;
    Ok(static_checks(
        ws,
        &root_text,
        changelog_text.as_deref(),
        &|path: &Path| path.is_file(),
        publishing,
    ))
}

/// Prints the notes and turns the problems into the command's result.
pub(crate) fn report(ws: &Workspace, findings: Findings) -> Result<(), String> {
    for note in &findings.notes {
        println!("note: {note}");
    }
    let version = ws.version.as_deref().unwrap_or("?");
    if findings.problems.is_empty() {
        let count = ws.publishable().count();
        println!("release check: ok ({count} crate(s) ready to publish at version {version})");
        return Ok(());
    }
    let (n, list) = (findings.problems.len(), findings.problems.join("\n  - "));
    Err(format!("release check found {n} problem(s):\n  - {list}"))
}

#[cfg(test)]
mod tests {
    use super::super::metadata::tests::{add_dependency, member, workspace, ROOT_MANIFEST};
    use super::*;

    const CHANGELOG: &str = "# Changelog\n\n## [0.1.0] - unreleased\n\n- First release.\n";

    fn all_exist(_: &Path) -> bool {
        true
    }

    #[test]
    fn stale_overlay_copies_of_our_crates_are_removed_and_nothing_else() {
        let home = std::env::temp_dir().join(format!("xtask-cargo-home-{}", std::process::id()));
        let src = home.join("registry").join("src");
        let overlay = src.join("-484b8990b521de4b");
        let crates_io = src.join("index.crates.io-1949cf8c6b5b557f");
        let ws = workspace();
        let ours = ws.publishable().next().expect("a publishable crate");
        let ours = format!("{}-{}", ours.name, ours.version);
        for dir in [
            overlay.join(&ours),
            overlay.join("serde-1.0.0"),
            crates_io.join(&ours),
        ] {
            std::fs::create_dir_all(dir.join("src")).expect("create");
        }
        let removed = clear_stale_overlay_sources(&home, &ws);
        assert_eq!(removed, vec![overlay.join(&ours)]);
        assert!(!overlay.join(&ours).exists());
        assert!(
            overlay.join("serde-1.0.0").exists(),
            "other crates are left alone"
        );
        assert!(
            crates_io.join(&ours).exists(),
            "real registries are left alone"
        );
        assert!(clear_stale_overlay_sources(&home.join("missing"), &ws).is_empty());
        let _ = std::fs::remove_dir_all(&home);
    }

    #[test]
    fn a_good_workspace_passes() {
        let findings = static_checks(
            &workspace(),
            ROOT_MANIFEST,
            Some(CHANGELOG),
            &all_exist,
            false,
        );
        assert_eq!(findings.problems, Vec::<String>::new());
        assert_eq!(findings.notes.len(), 1, "{:?}", findings.notes);
        // `release publish` refuses the same workspace: its changelog entry is not dated.
        let publishing = static_checks(
            &workspace(),
            ROOT_MANIFEST,
            Some(CHANGELOG),
            &all_exist,
            true,
        );
        assert!(publishing.problems[0].contains("still says `## [0.1.0] - unreleased`"));
    }

    #[test]
    fn collects_every_problem() {
        let mut ws = workspace();
        let core = member(&mut ws, "mutagent-core");
        core.description = None;
        core.license = Some(" ".into());
        core.repository = Some("http://example.com".into());
        core.keywords = "a b c d e bad+keyword!"
            .split(' ')
            .map(String::from)
            .collect();
        core.docs_rs = None;
        core.version = "0.0.9".into();
        let umbrella = member(&mut ws, "mutagent");
        umbrella.dependencies[0].req = "^0.1.0".into();
        add_dependency(&mut ws, "mutagent", "mutagent-e2e", None);
        member(&mut ws, "mutagent-prompt").dependencies[0].req = "*".into();
        let root = "[workspace.package]\nversion = \"0.1.0\"\n[workspace.dependencies]\n\
                    mutagent-core = { path = \"x\", version = \"=0.0.9\" }\n\
                    future-crate = { path = \"crates/future\", version = \"0.1\" }\n";
        let no_readme = |path: &Path| {
            !path.ends_with("README.md") || path.starts_with("/ws/crates/mutagent-core")
        };
        let changelog = Some("# Changelog\n## [0.0.1] - 2024-01-01\n");
        let problems = static_checks(&ws, root, changelog, &no_readme, false).problems;
        let expected = [
            "mutagent: readme `../../README.md` does not exist (crates/mutagent/../../README.md)",
            "mutagent: internal dependency `mutagent-core` is required as `^0.1.0`",
            "mutagent: depends on `mutagent-e2e`, which is not published",
            "mutagent-core: `description` is missing",
            "mutagent-core: `license` (or `license-file`) is missing",
            "mutagent-core: `repository` should be an https:// URL",
            "mutagent-core: 6 keywords",
            "mutagent-core: no [package.metadata.docs.rs]",
            "mutagent-core: version 0.0.9 differs",
            "mutagent-core: keyword `bad+keyword!` is invalid",
            "mutagent-prompt: readme `README.md` does not exist (crates/mutagent-prompt/README.md)",
            "mutagent-prompt: internal dependency `mutagent-core` has no version",
            "mutagent-emulator: readme",
            "Cargo.toml: internal pins must be exact: workspace.dependencies.mutagent-core =0.0.9 -> =0.1.0",
            "Cargo.toml: internal pins must be exact: workspace.dependencies.future-crate 0.1 -> =0.1.0",
            "CHANGELOG.md has no entry for the current version 0.1.0",
        ];
        assert_eq!(problems.len(), expected.len(), "{problems:#?}");
        for (found, wanted) in problems.iter().zip(expected) {
            assert!(
                found.starts_with(wanted),
                "{found:?} should start with {wanted:?}"
            );
        }
    }

    #[test]
    fn missing_basics_are_reported() {
        let mut ws = workspace();
        ws.version = None;
        ws.packages.retain(|p| p.name != "mutagent");
        let problems = static_checks(&ws, "", None, &all_exist, true).problems;
        assert!(
            problems[0].contains("no `version` in [workspace.package]"),
            "{problems:?}"
        );
        assert!(problems[1].contains("umbrella crate `mutagent`"));
        assert!(problems
            .last()
            .is_some_and(|p| p.contains("CHANGELOG.md is missing")));
    }

    #[test]
    fn keywords() {
        let good = "mutagent llm a c++ web_sys http-client 2d abcdefghijklmnopqrst";
        assert!(good.split(' ').all(valid_keyword));
        // `|`-separated; the first is the empty keyword.
        let bad = "|-x|_x|two words|émoji|abcdefghijklmnopqrstu|a.b";
        assert!(!bad.split('|').any(valid_keyword));
    }

    #[test]
    fn a_failed_check_lists_the_problems() {
        let findings = Findings {
            problems: vec!["one".into(), "two".into()],
            notes: vec![],
        };
        let error = report(&workspace(), findings).expect_err("problems");
        assert_eq!(error, "release check found 2 problem(s):\n  - one\n  - two");
    }
}
