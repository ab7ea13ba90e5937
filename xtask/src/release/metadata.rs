//! The workspace as `cargo metadata --format-version 1 --no-deps` describes it.
//!
//! Nothing here is a hand-kept list: packages, their publishability and their
//! dependencies all come from cargo; only the workspace version is read from the
//! `[workspace.package]` table of the root manifest (cargo does not report it).

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use super::manifest;

/// The kind of a dependency, as cargo reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DepKind {
    /// `[dependencies]`.
    Normal,
    /// `[dev-dependencies]`.
    Dev,
    /// `[build-dependencies]`.
    Build,
}

/// One dependency of a package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Dependency {
    /// The package name depended on (not the rename).
    pub(crate) name: String,
    /// The version requirement; cargo reports `*` when none is given.
    pub(crate) req: String,
    /// Normal, dev or build.
    pub(crate) kind: DepKind,
    /// Whether it is a path dependency.
    pub(crate) is_path: bool,
}

impl Dependency {
    /// Whether the published package keeps this dependency (cargo strips dev-dependencies
    /// without a version requirement when packaging), so the depended-on crate must be
    /// on the registry first.
    pub(crate) fn needed_by_registry(&self) -> bool {
        self.kind != DepKind::Dev || self.req != "*"
    }
}

/// One workspace member.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Package {
    /// Package name.
    pub(crate) name: String,
    /// Package version.
    pub(crate) version: String,
    /// Whether it may be published to crates.io (`publish` unset, `true`, or listing `crates-io`).
    pub(crate) publishable: bool,
    /// Absolute path of its `Cargo.toml`.
    pub(crate) manifest_path: PathBuf,
    /// `package.description`.
    pub(crate) description: Option<String>,
    /// `package.license`.
    pub(crate) license: Option<String>,
    /// `package.license-file`.
    pub(crate) license_file: Option<String>,
    /// `package.repository`.
    pub(crate) repository: Option<String>,
    /// `package.readme`, relative to the package directory.
    pub(crate) readme: Option<String>,
    /// `package.keywords`.
    pub(crate) keywords: Vec<String>,
    /// `package.categories`.
    pub(crate) categories: Vec<String>,
    /// `[package.metadata.docs.rs]`, if present.
    pub(crate) docs_rs: Option<Value>,
    /// All dependencies.
    pub(crate) dependencies: Vec<Dependency>,
}

impl Package {
    /// The directory holding the package's manifest.
    pub(crate) fn dir(&self) -> &Path {
        self.manifest_path.parent().unwrap_or(Path::new("."))
    }
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

    /// Whether `name` is a workspace member.
    pub(crate) fn is_member(&self, name: &str) -> bool {
        self.package(name).is_some()
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
            .filter(|d| self.is_member(&d.name))
    }

    /// The workspace root manifest.
    pub(crate) fn root_manifest(&self) -> PathBuf {
        self.root.join("Cargo.toml")
    }
}

/// The workspace root: the parent of this xtask package.
pub(crate) fn workspace_root() -> PathBuf {
    let xtask_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    xtask_dir.parent().unwrap_or(xtask_dir).to_path_buf()
}

/// The cargo binary to run: the one that runs us, if any.
pub(crate) fn cargo_bin() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string())
}

/// Runs `cargo metadata` in `root` and reads the root manifest.
pub(crate) fn load(root: &Path) -> Result<Workspace, String> {
    let output = Command::new(cargo_bin())
        .args(["metadata", "--format-version", "1", "--no-deps"])
        .current_dir(root)
        .output()
        .map_err(|e| format!("could not run `cargo metadata`: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "`cargo metadata` failed ({}):\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    let json = String::from_utf8_lossy(&output.stdout);
    let root_manifest = root.join("Cargo.toml");
    let manifest_text = std::fs::read_to_string(&root_manifest)
        .map_err(|e| format!("could not read {}: {e}", root_manifest.display()))?;
    parse(&json, &manifest_text)
}

/// Builds a [`Workspace`] from `cargo metadata` JSON and the root manifest's text.
pub(crate) fn parse(metadata_json: &str, root_manifest: &str) -> Result<Workspace, String> {
    let value: Value = serde_json::from_str(metadata_json)
        .map_err(|e| format!("`cargo metadata` printed invalid JSON: {e}"))?;
    let root = value
        .get("workspace_root")
        .and_then(Value::as_str)
        .ok_or("`cargo metadata` output has no `workspace_root`")?;
    let members: Vec<&str> = value
        .get("workspace_members")
        .and_then(Value::as_array)
        .ok_or("`cargo metadata` output has no `workspace_members`")?
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let packages = value
        .get("packages")
        .and_then(Value::as_array)
        .ok_or("`cargo metadata` output has no `packages`")?
        .iter()
        .filter(|p| {
            p.get("id")
                .and_then(Value::as_str)
                .is_some_and(|id| members.contains(&id))
        })
        .map(parse_package)
        .collect::<Result<Vec<_>, _>>()?;
    let version = manifest::string_value(root_manifest, &["workspace", "package"], "version")
        .map(|(_, _, v)| v);
    Ok(Workspace {
        root: PathBuf::from(root),
        version,
        packages,
    })
}

fn string(value: &Value, key: &str) -> Option<String> {
    value.get(key).and_then(Value::as_str).map(str::to_string)
}

fn strings(value: &Value, key: &str) -> Vec<String> {
    value
        .get(key)
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

fn parse_package(value: &Value) -> Result<Package, String> {
    let name = string(value, "name").ok_or("a package in `cargo metadata` output has no name")?;
    let version =
        string(value, "version").ok_or_else(|| format!("package `{name}` has no version"))?;
    let manifest_path = string(value, "manifest_path")
        .ok_or_else(|| format!("package `{name}` has no manifest_path"))?;
    // `publish`: null = anywhere, [] = nowhere, [..] = only those registries.
    let publishable = match value.get("publish") {
        None | Some(Value::Null) => true,
        Some(Value::Array(registries)) => {
            registries.iter().any(|r| r.as_str() == Some("crates-io"))
        }
        Some(_) => false,
    };
    let docs_rs = value
        .get("metadata")
        .and_then(|m| m.get("docs"))
        .and_then(|d| d.get("rs"))
        .cloned();
    let dependencies = value
        .get("dependencies")
        .and_then(Value::as_array)
        .map(|deps| deps.iter().filter_map(parse_dependency).collect())
        .unwrap_or_default();
    Ok(Package {
        publishable,
        manifest_path: PathBuf::from(manifest_path),
        description: string(value, "description"),
        license: string(value, "license"),
        license_file: string(value, "license_file"),
        repository: string(value, "repository"),
        readme: string(value, "readme"),
        keywords: strings(value, "keywords"),
        categories: strings(value, "categories"),
        docs_rs,
        dependencies,
        name,
        version,
    })
}

fn parse_dependency(value: &Value) -> Option<Dependency> {
    let kind = match value.get("kind").and_then(Value::as_str) {
        Some("dev") => DepKind::Dev,
        Some("build") => DepKind::Build,
        _ => DepKind::Normal,
    };
    Some(Dependency {
        name: string(value, "name")?,
        req: string(value, "req").unwrap_or_else(|| "*".to_string()),
        kind,
        is_path: value.get("path").and_then(Value::as_str).is_some(),
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A trimmed-down `cargo metadata` of this workspace's shape, for tests.
    pub(crate) const METADATA: &str = r#"{
      "workspace_root": "/ws",
      "workspace_members": ["path+file:///ws/crates/mutagent#0.1.0", "path+file:///ws/crates/mutagent-core#0.1.0",
        "path+file:///ws/crates/mutagent-prompt#0.1.0", "path+file:///ws/crates/mutagent-emulator#0.1.0",
        "path+file:///ws/xtask#0.1.0", "path+file:///ws/tests#mutagent-e2e@0.1.0"],
      "packages": [
        {"id": "path+file:///ws/crates/mutagent#0.1.0", "name": "mutagent", "version": "0.1.0", "publish": null,
         "manifest_path": "/ws/crates/mutagent/Cargo.toml", "description": "umbrella", "license": "MIT OR Apache-2.0",
         "repository": "https://github.com/mutagent-io/mutagent-rs", "readme": "../../README.md",
         "keywords": ["mutagent", "llm"], "categories": ["api-bindings"], "metadata": {"docs": {"rs": {"all-features": true}}},
         "dependencies": [
           {"name": "mutagent-core", "req": "=0.1.0", "kind": null, "path": "/ws/crates/mutagent-core"},
           {"name": "mutagent-prompt", "req": "=0.1.0", "kind": null, "optional": true, "path": "/ws/crates/mutagent-prompt"},
           {"name": "serde_json", "req": "^1", "kind": "dev"}]},
        {"id": "path+file:///ws/crates/mutagent-core#0.1.0", "name": "mutagent-core", "version": "0.1.0", "publish": null,
         "manifest_path": "/ws/crates/mutagent-core/Cargo.toml", "description": "core", "license": "MIT OR Apache-2.0",
         "repository": "https://github.com/mutagent-io/mutagent-rs", "readme": "README.md",
         "keywords": ["mutagent"], "categories": ["api-bindings"], "metadata": {"docs": {"rs": {"all-features": true}}},
         "dependencies": [{"name": "serde", "req": "^1", "kind": null},
           {"name": "mutagent-emulator", "req": "*", "kind": "dev", "path": "/ws/crates/mutagent-emulator"}]},
        {"id": "path+file:///ws/crates/mutagent-prompt#0.1.0", "name": "mutagent-prompt", "version": "0.1.0", "publish": null,
         "manifest_path": "/ws/crates/mutagent-prompt/Cargo.toml", "description": "prompt", "license": "MIT OR Apache-2.0",
         "repository": "https://github.com/mutagent-io/mutagent-rs", "readme": "README.md",
         "keywords": ["mutagent"], "categories": ["api-bindings"], "metadata": {"docs": {"rs": {"all-features": true}}},
         "dependencies": [{"name": "mutagent-core", "req": "=0.1.0", "kind": null, "path": "/ws/crates/mutagent-core"}]},
        {"id": "path+file:///ws/crates/mutagent-emulator#0.1.0", "name": "mutagent-emulator", "version": "0.1.0", "publish": null,
         "manifest_path": "/ws/crates/mutagent-emulator/Cargo.toml", "description": "emulator", "license": "MIT OR Apache-2.0",
         "repository": "https://github.com/mutagent-io/mutagent-rs", "readme": "README.md",
         "keywords": ["mutagent"], "categories": ["development-tools::testing"], "metadata": {"docs": {"rs": {"all-features": true}}},
         "dependencies": []},
        {"id": "path+file:///ws/xtask#0.1.0", "name": "xtask", "version": "0.1.0", "publish": [],
         "manifest_path": "/ws/xtask/Cargo.toml", "metadata": null,
         "dependencies": [{"name": "mutagent", "req": "=0.1.0", "kind": null, "path": "/ws/crates/mutagent"}]},
        {"id": "path+file:///ws/tests#mutagent-e2e@0.1.0", "name": "mutagent-e2e", "version": "0.1.0", "publish": [],
         "manifest_path": "/ws/tests/Cargo.toml", "metadata": null,
         "dependencies": [{"name": "mutagent", "req": "=0.1.0", "kind": null, "path": "/ws/crates/mutagent"},
           {"name": "mutagent-emulator", "req": "=0.1.0", "kind": null, "path": "/ws/crates/mutagent-emulator"}]},
        {"id": "registry+https://github.com/rust-lang/crates.io-index#serde@1.0.0", "name": "serde", "version": "1.0.0",
         "manifest_path": "/registry/serde/Cargo.toml", "dependencies": []}
      ]
    }"#;

    /// The root manifest matching [`METADATA`].
    pub(crate) const ROOT_MANIFEST: &str =
        "[workspace]\nmembers = [\"crates/*\"]\n\n[workspace.package]\nversion = \"0.1.0\"\n";

    /// The test workspace.
    pub(crate) fn workspace() -> Workspace {
        parse(METADATA, ROOT_MANIFEST).expect("test metadata parses")
    }

    #[test]
    fn reads_members_and_their_details() {
        let ws = workspace();
        assert_eq!(ws.version.as_deref(), Some("0.1.0"));
        let names: Vec<&str> = ws.packages.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "mutagent",
                "mutagent-core",
                "mutagent-prompt",
                "mutagent-emulator",
                "xtask",
                "mutagent-e2e"
            ]
        );
        let publishable: Vec<&str> = ws.publishable().map(|p| p.name.as_str()).collect();
        assert_eq!(
            publishable,
            [
                "mutagent",
                "mutagent-core",
                "mutagent-prompt",
                "mutagent-emulator"
            ]
        );
        let umbrella = ws.package("mutagent").expect("umbrella");
        let internal: Vec<&str> = ws
            .internal_deps(umbrella)
            .map(|d| d.name.as_str())
            .collect();
        assert_eq!(internal, ["mutagent-core", "mutagent-prompt"]);
        assert_eq!(
            umbrella
                .docs_rs
                .as_ref()
                .and_then(|d| d.get("all-features")),
            Some(&Value::Bool(true))
        );
        let core = ws.package("mutagent-core").expect("core");
        assert!(
            !core.dependencies[1].needed_by_registry(),
            "path-only dev-dependencies are stripped"
        );
        assert_eq!(core.dir(), Path::new("/ws/crates/mutagent-core"));
    }

    #[test]
    fn reports_bad_metadata_instead_of_panicking() {
        assert!(parse("not json", ROOT_MANIFEST).is_err());
        assert!(parse("{}", ROOT_MANIFEST).is_err());
        assert!(parse(
            r#"{"workspace_root": "/", "workspace_members": [], "packages": []}"#,
            ""
        )
        .is_ok());
    }
}
