//! The workspace as `cargo metadata --format-version 1 --no-deps` describes it.
//!
//! Nothing here is a hand-kept list: packages, their publishability and their
//! dependencies all come from cargo; only the workspace version is read from the
//! `[workspace.package]` table of the root manifest (cargo does not report it), with
//! `toml_edit`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde::{Deserialize, Deserializer};
use serde_json::Value;

use super::manifest;

/// One dependency of a package.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub(crate) struct Dependency {
    /// The package name depended on (not the rename).
    pub(crate) name: String,
    /// The version requirement; cargo reports `*` when none is given.
    pub(crate) req: String,
    /// `dev` or `build`; cargo writes `null` for a normal dependency.
    #[serde(default)]
    pub(crate) kind: Option<String>,
}

impl Dependency {
    /// Whether the published package keeps this dependency (cargo strips dev-dependencies
    /// without a version requirement when packaging), so the depended-on crate must be
    /// on the registry first.
    pub(crate) fn needed_by_registry(&self) -> bool {
        self.kind.as_deref() != Some("dev") || self.req != "*"
    }
}

/// One workspace member, as `cargo metadata` describes it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub(crate) struct Package {
    pub(crate) name: String,
    pub(crate) version: String,
    /// Whether it may be published to crates.io (`publish` unset, or listing `crates-io`).
    #[serde(default = "yes", rename = "publish", deserialize_with = "to_crates_io")]
    pub(crate) publishable: bool,
    /// Absolute path of its `Cargo.toml`.
    pub(crate) manifest_path: PathBuf,
    // The `[package]` keys of the same names (`readme` is relative to the package directory).
    pub(crate) description: Option<String>,
    pub(crate) license: Option<String>,
    pub(crate) license_file: Option<String>,
    pub(crate) repository: Option<String>,
    pub(crate) readme: Option<String>,
    #[serde(default)]
    pub(crate) keywords: Vec<String>,
    #[serde(default)]
    pub(crate) categories: Vec<String>,
    /// `[package.metadata.docs.rs]`, if present.
    #[serde(default, rename = "metadata", deserialize_with = "docs_rs")]
    pub(crate) docs_rs: Option<Value>,
    #[serde(default)]
    pub(crate) dependencies: Vec<Dependency>,
    /// The `[features]` table: each feature and what it turns on (`default` included when
    /// declared; optional dependencies only as `dep:` entries of the features naming them).
    #[serde(default)]
    pub(crate) features: BTreeMap<String, Vec<String>>,
}

fn yes() -> bool {
    true
}

/// `publish`: null = anywhere, [] = nowhere, [..] = only those registries.
fn to_crates_io<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    Ok(Option::<Vec<String>>::deserialize(d)?.is_none_or(|r| r.iter().any(|r| r == "crates-io")))
}

fn docs_rs<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Value>, D::Error> {
    let metadata = Option::<Value>::deserialize(d)?;
    Ok(metadata.and_then(|m| m.get("docs")?.get("rs").cloned()))
}

/// The workspace: root, version, members.
#[derive(Debug, Clone)]
pub(crate) struct Workspace {
    /// The workspace root directory.
    pub(crate) root: PathBuf,
    /// `[workspace.package] version` of the root manifest, if set.
    pub(crate) version: Option<String>,
    /// Every workspace member, in `cargo metadata` order.
    pub(crate) packages: Vec<Package>,
}

impl Workspace {
    /// The member called `name`.
    pub(crate) fn package(&self, name: &str) -> Option<&Package> {
        self.packages.iter().find(|p| p.name == name)
    }

    /// The members that will be published.
    pub(crate) fn publishable(&self) -> impl Iterator<Item = &Package> {
        self.packages.iter().filter(|p| p.publishable)
    }

    /// The dependencies of `package` on other workspace members.
    pub(crate) fn internal_deps<'a>(
        &'a self,
        package: &'a Package,
    ) -> impl Iterator<Item = &'a Dependency> + 'a {
        package
            .dependencies
            .iter()
            .filter(|d| self.package(&d.name).is_some())
    }
}

/// The cargo binary to run: the one that runs us, if any.
pub(crate) fn cargo_bin() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string())
}

/// Runs `cargo args` in `root`, its output going to the terminal (cargo's errors name
/// the crate and the cause); `Err` says which command failed.
pub(crate) fn run_cargo(root: &Path, args: &[&str]) -> Result<(), String> {
    let shown = format!("cargo {}", args.join(" "));
    match Command::new(cargo_bin())
        .args(args)
        .current_dir(root)
        .status()
    {
        Ok(status) if status.success() => Ok(()),
        Ok(status) => Err(format!("`{shown}` failed ({status}); see its output above")),
        Err(e) => Err(format!("could not run `{shown}`: {e}")),
    }
}

/// Runs `program args` in `root` and returns its output; `Err` carries its error output.
pub(crate) fn run_tool(root: &Path, program: &str, args: &[&str]) -> Result<String, String> {
    let output = Command::new(program)
        .args(args)
        .current_dir(root)
        .output()
        .map_err(|e| format!("could not run `{program} {}`: {e}", args.join(" ")))?;
    if output.status.success() {
        Ok(String::from_utf8_lossy(&output.stdout).into_owned())
    } else {
        Err(format!(
            "`{program} {}` failed ({}): {}",
            args.join(" "),
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        ))
    }
}

/// Reads a file; the error names it.
pub(crate) fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("could not read {}: {e}", path.display()))
}

/// Writes a file; the error names it.
pub(crate) fn write(path: &Path, text: &str) -> Result<(), String> {
    std::fs::write(path, text).map_err(|e| format!("could not write {}: {e}", path.display()))
}

/// Runs `cargo metadata` in the workspace root (the parent of this xtask package) and
/// reads the root manifest.
pub(crate) fn load() -> Result<Workspace, String> {
    let xtask_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let root = xtask_dir.parent().unwrap_or(xtask_dir);
    let args = ["metadata", "--format-version", "1", "--no-deps"];
    let json = run_tool(root, &cargo_bin(), &args)?;
    parse(&json, &read(&root.join("Cargo.toml"))?)
}

/// The part of `cargo metadata`'s output we read; with `--no-deps` its packages are the
/// workspace members.
#[derive(Deserialize)]
struct Metadata {
    workspace_root: PathBuf,
    packages: Vec<Package>,
}

/// Builds a [`Workspace`] from `cargo metadata` JSON and the root manifest's text.
pub(crate) fn parse(metadata_json: &str, root_manifest: &str) -> Result<Workspace, String> {
    let metadata: Metadata = serde_json::from_str(metadata_json)
        .map_err(|e| format!("unexpected `cargo metadata` output: {e}"))?;
    let version = manifest::workspace_version(root_manifest)
        .map_err(|e| format!("the root Cargo.toml is {e}"))?;
    Ok(Workspace {
        root: metadata.workspace_root,
        version,
        packages: metadata.packages,
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A trimmed-down `cargo metadata --no-deps` of this workspace's shape, for tests.
    pub(crate) const METADATA: &str = r#"{
      "workspace_root": "/ws",
      "packages": [
        {"name": "mutagent", "version": "0.1.0", "publish": null,
         "manifest_path": "/ws/crates/mutagent/Cargo.toml", "description": "umbrella", "license": "MIT OR Apache-2.0",
         "repository": "https://github.com/mutagent-io/mutagent-rs", "readme": "../../README.md",
         "keywords": ["mutagent", "llm"], "categories": ["api-bindings"], "metadata": {"docs": {"rs": {"all-features": true}}},
         "dependencies": [
           {"name": "mutagent-core", "req": "=0.1.0", "kind": null, "path": "/ws/crates/mutagent-core"},
           {"name": "mutagent-prompt", "req": "=0.1.0", "kind": null, "optional": true, "path": "/ws/crates/mutagent-prompt"},
           {"name": "serde_json", "req": "^1", "kind": "dev"}]},
        {"name": "mutagent-core", "version": "0.1.0", "publish": null,
         "manifest_path": "/ws/crates/mutagent-core/Cargo.toml", "description": "core", "license": "MIT OR Apache-2.0",
         "repository": "https://github.com/mutagent-io/mutagent-rs", "readme": "README.md",
         "keywords": ["mutagent"], "categories": ["api-bindings"], "metadata": {"docs": {"rs": {"all-features": true}}},
         "dependencies": [{"name": "serde", "req": "^1", "kind": null},
           {"name": "mutagent-emulator", "req": "*", "kind": "dev", "path": "/ws/crates/mutagent-emulator"}]},
        {"name": "mutagent-prompt", "version": "0.1.0", "publish": null,
         "manifest_path": "/ws/crates/mutagent-prompt/Cargo.toml", "description": "prompt", "license": "MIT OR Apache-2.0",
         "repository": "https://github.com/mutagent-io/mutagent-rs", "readme": "README.md",
         "keywords": ["mutagent"], "categories": ["api-bindings"], "metadata": {"docs": {"rs": {"all-features": true}}},
         "dependencies": [{"name": "mutagent-core", "req": "=0.1.0", "kind": null, "path": "/ws/crates/mutagent-core"}]},
        {"name": "mutagent-emulator", "version": "0.1.0", "publish": null,
         "manifest_path": "/ws/crates/mutagent-emulator/Cargo.toml", "description": "emulator", "license": "MIT OR Apache-2.0",
         "repository": "https://github.com/mutagent-io/mutagent-rs", "readme": "README.md",
         "keywords": ["mutagent"], "categories": ["development-tools::testing"], "metadata": {"docs": {"rs": {"all-features": true}}},
         "dependencies": []},
        {"name": "xtask", "version": "0.1.0", "publish": [],
         "manifest_path": "/ws/xtask/Cargo.toml", "metadata": null, "dependencies": []},
        {"name": "mutagent-e2e", "version": "0.1.0", "publish": [],
         "manifest_path": "/ws/tests/Cargo.toml", "metadata": null,
         "dependencies": [{"name": "mutagent", "req": "=0.1.0", "kind": null, "path": "/ws/crates/mutagent"},
           {"name": "mutagent-emulator", "req": "=0.1.0", "kind": null, "path": "/ws/crates/mutagent-emulator"}]}
      ]
    }"#;

    /// The root manifest matching [`METADATA`].
    pub(crate) const ROOT_MANIFEST: &str =
        "[workspace]\nmembers = [\"crates/*\"]\n\n[workspace.package]\nversion = \"0.1.0\"\n";

    /// The test workspace.
    pub(crate) fn workspace() -> Workspace {
        parse(METADATA, ROOT_MANIFEST).expect("test metadata parses")
    }

    /// The member called `name`, to change.
    pub(crate) fn member<'a>(ws: &'a mut Workspace, name: &str) -> &'a mut Package {
        ws.packages
            .iter_mut()
            .find(|p| p.name == name)
            .expect("a member")
    }

    /// `from` gains a dependency on `to`, required as `=0.1.0`.
    pub(crate) fn add_dependency(ws: &mut Workspace, from: &str, to: &str, kind: Option<&str>) {
        let (name, req, kind) = (to.into(), "=0.1.0".into(), kind.map(String::from));
        member(ws, from)
            .dependencies
            .push(Dependency { name, req, kind });
    }

    #[test]
    fn reads_members_and_their_details() {
        let ws = workspace();
        assert_eq!(ws.version.as_deref(), Some("0.1.0"));
        let names = |packages: Vec<&Package>| {
            packages
                .iter()
                .map(|p| p.name.clone())
                .collect::<Vec<_>>()
                .join(" ")
        };
        let all = "mutagent mutagent-core mutagent-prompt mutagent-emulator xtask mutagent-e2e";
        assert_eq!(names(ws.packages.iter().collect()), all);
        let publishable = "mutagent mutagent-core mutagent-prompt mutagent-emulator";
        assert_eq!(names(ws.publishable().collect()), publishable);
        let umbrella = ws.package("mutagent").expect("umbrella");
        let internal: Vec<&str> = ws
            .internal_deps(umbrella)
            .map(|d| d.name.as_str())
            .collect();
        assert_eq!(internal, ["mutagent-core", "mutagent-prompt"]);
        let docs_rs = umbrella
            .docs_rs
            .as_ref()
            .and_then(|d| d.get("all-features"));
        assert_eq!(docs_rs, Some(&Value::Bool(true)));
        let core = ws.package("mutagent-core").expect("core");
        let dev = &core.dependencies[1];
        assert!(
            dev.kind.as_deref() == Some("dev") && !dev.needed_by_registry(),
            "{dev:?}"
        );
    }

    /// `cargo xtask release …` builds xtask alone: it depends on no crate of the workspace.
    #[test]
    fn xtask_depends_on_no_workspace_crate() {
        let ws = load().expect("cargo metadata of this workspace");
        let xtask = ws.package("xtask").expect("xtask is a member");
        let internal: Vec<&str> = ws.internal_deps(xtask).map(|d| d.name.as_str()).collect();
        assert!(internal.is_empty(), "xtask depends on {internal:?}");
    }

    #[test]
    fn reports_bad_metadata_instead_of_panicking() {
        assert!(parse("not json", ROOT_MANIFEST).is_err());
        assert!(parse("{}", ROOT_MANIFEST).is_err());
        assert!(parse(r#"{"workspace_root": "/", "packages": []}"#, "").is_ok());
    }
}
