//! Which cargo runs `cargo xtask features` makes, read from `cargo metadata`.
//!
//! Pure: a [`Workspace`] in, a list of [`Combination`]s out, so the listing is unit-tested
//! without running cargo. Every published crate and every feature it declares is listed, so a
//! new crate or feature is checked without editing this file.

use std::fmt;

use crate::release::metadata::{Package, Workspace};

/// The cargo command of a combination.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Action {
    /// `cargo check`: the crate compiles, without warnings.
    Check,
    /// `cargo doc --no-deps --lib`: its documentation builds without a warning (a link to an
    /// item behind a feature that is off is one).
    Doc,
    /// `cargo test --doc`: its doc tests (the README's, docs/*.md's) compile and pass; one
    /// that calls a namespace whose feature is off must be left out by a `cfg`.
    DocTest,
}

/// The features a combination turns on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum FeatureSet {
    /// The crate's default features: what `mutagent = "0.1"` gives.
    Default,
    /// `--no-default-features`: the fewest a user can ask for.
    None,
    /// `--no-default-features --features <feature>`: one feature alone.
    Only(String),
    /// `--all-features`.
    All,
}

/// The targets a combination builds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Targets {
    /// `--lib`: the library as a dependent gets it. Only the library's own dependencies
    /// count, so a tokio feature it uses but only its dev-dependencies turn on is caught.
    Lib,
    /// `--all-targets`: tests, examples and benches too (their dev-dependencies included).
    All,
}

/// One cargo run on one package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Combination {
    pub(crate) action: Action,
    pub(crate) package: String,
    pub(crate) features: FeatureSet,
    pub(crate) targets: Targets,
}

impl Combination {
    /// The arguments of `cargo` for this run.
    pub(crate) fn args(&self) -> Vec<String> {
        let mut args: Vec<String> = match self.action {
            Action::Check => vec!["check".into()],
            Action::Doc => vec!["doc".into(), "--no-deps".into()],
            Action::DocTest => vec!["test".into(), "--doc".into()],
        };
        args.extend(["-p".into(), self.package.clone()]);
        match &self.features {
            FeatureSet::Default => {}
            FeatureSet::None => args.push("--no-default-features".into()),
            FeatureSet::Only(feature) => {
                args.extend(["--no-default-features".into(), "--features".into()]);
                args.push(feature.clone());
            }
            FeatureSet::All => args.push("--all-features".into()),
        }
        // `--doc` is a target selection of its own: cargo refuses it beside `--lib`.
        if self.action != Action::DocTest {
            args.push(match self.targets {
                Targets::Lib => "--lib".into(),
                Targets::All => "--all-targets".into(),
            });
        }
        args
    }
}

impl fmt::Display for Combination {
    /// The command as a user would type it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cargo {}", self.args().join(" "))
    }
}

/// How much to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scope {
    /// Every combination below.
    Full,
    /// Only `cargo check --lib` of each feature set, no tests or docs: the cheapest run
    /// that still catches a crate or feature that does not compile alone.
    Quick,
}

/// The combinations for every published crate of `ws`, in `cargo metadata` order:
///
/// * the crate alone with its default features, `--all-targets` then `--lib` (the library
///   without the features its dev-dependencies would lend it);
/// * if it declares features: `--no-default-features` (when its `default` turns something
///   on), each feature alone (`default` excepted), and `--all-features --all-targets`;
/// * its documentation with default features, with none when that differs, and with all
///   (what docs.rs builds) when it declares any;
/// * its doc tests without default features, when it has some.
///
/// [`Scope::Quick`] keeps only the `--lib` checks.
pub(crate) fn list(ws: &Workspace, scope: Scope) -> Vec<Combination> {
    let mut all: Vec<Combination> = ws.publishable().flat_map(of_package).collect();
    if scope == Scope::Quick {
        all.retain(|c| c.action == Action::Check && c.targets == Targets::Lib);
    }
    all
}

/// The combinations of one package ([`list`] says which).
fn of_package(package: &Package) -> Vec<Combination> {
    let run = |action, features, targets| Combination {
        action,
        package: package.name.clone(),
        features,
        targets,
    };
    let mut runs = vec![
        run(Action::Check, FeatureSet::Default, Targets::All),
        run(Action::Check, FeatureSet::Default, Targets::Lib),
    ];
    // Without a non-empty `default`, `--no-default-features` is the default: not run twice.
    let has_defaults = package
        .features
        .get("default")
        .is_some_and(|on| !on.is_empty());
    let own: Vec<&String> = package
        .features
        .keys()
        .filter(|name| *name != "default")
        .collect();
    if !own.is_empty() {
        if has_defaults {
            runs.push(run(Action::Check, FeatureSet::None, Targets::Lib));
        }
        for feature in &own {
            let only = FeatureSet::Only((*feature).clone());
            runs.push(run(Action::Check, only, Targets::Lib));
        }
        runs.push(run(Action::Check, FeatureSet::All, Targets::All));
    }
    runs.push(run(Action::Doc, FeatureSet::Default, Targets::Lib));
    if has_defaults {
        runs.push(run(Action::Doc, FeatureSet::None, Targets::Lib));
    }
    if !own.is_empty() {
        // What docs.rs builds (`all-features = true` in every published manifest).
        runs.push(run(Action::Doc, FeatureSet::All, Targets::Lib));
    }
    if has_defaults {
        // The doc tests under `cargo test --workspace` have every feature on; without the
        // defaults is where one calling a namespace that is off shows.
        runs.push(run(Action::DocTest, FeatureSet::None, Targets::Lib));
    }
    runs
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::release::metadata;

    /// A workspace of this one's shape: an umbrella with defaults and a `full`, a core with
    /// opt-in features only, a namespace crate without features, and tooling not published.
    const METADATA: &str = r#"{
      "workspace_root": "/ws",
      "packages": [
        {"name": "mutagent", "version": "0.1.0", "publish": null,
         "manifest_path": "/ws/crates/mutagent/Cargo.toml",
         "features": {"default": ["prompt"], "prompt": ["dep:mutagent-prompt"],
                      "gzip": ["mutagent-core/gzip"], "full": ["default", "gzip"]}},
        {"name": "mutagent-core", "version": "0.1.0", "publish": null,
         "manifest_path": "/ws/crates/mutagent-core/Cargo.toml",
         "features": {"gzip": ["dep:flate2"], "tower": []}},
        {"name": "mutagent-prompt", "version": "0.1.0", "publish": null,
         "manifest_path": "/ws/crates/mutagent-prompt/Cargo.toml", "features": {}},
        {"name": "xtask", "version": "0.1.0", "publish": [],
         "manifest_path": "/ws/xtask/Cargo.toml",
         "features": {"default": ["loud"], "loud": []}}
      ]
    }"#;

    fn workspace() -> Workspace {
        metadata::parse(METADATA, "[workspace]\n").expect("test metadata parses")
    }

    /// The commands of `package`'s combinations, as printed.
    fn commands(all: &[Combination], package: &str) -> Vec<String> {
        all.iter()
            .filter(|c| c.package == package)
            .map(Combination::to_string)
            .collect()
    }

    #[test]
    fn the_umbrella_is_checked_without_defaults_with_each_feature_alone_and_with_all() {
        let all = list(&workspace(), Scope::Full);
        assert_eq!(
            commands(&all, "mutagent"),
            [
                "cargo check -p mutagent --all-targets",
                "cargo check -p mutagent --lib",
                "cargo check -p mutagent --no-default-features --lib",
                "cargo check -p mutagent --no-default-features --features full --lib",
                "cargo check -p mutagent --no-default-features --features gzip --lib",
                "cargo check -p mutagent --no-default-features --features prompt --lib",
                "cargo check -p mutagent --all-features --all-targets",
                "cargo doc --no-deps -p mutagent --lib",
                "cargo doc --no-deps -p mutagent --no-default-features --lib",
                "cargo doc --no-deps -p mutagent --all-features --lib",
                "cargo test --doc -p mutagent --no-default-features",
            ]
        );
    }

    #[test]
    fn a_crate_without_defaults_is_not_checked_twice_without_them() {
        let all = list(&workspace(), Scope::Full);
        assert_eq!(
            commands(&all, "mutagent-core"),
            [
                "cargo check -p mutagent-core --all-targets",
                "cargo check -p mutagent-core --lib",
                "cargo check -p mutagent-core --no-default-features --features gzip --lib",
                "cargo check -p mutagent-core --no-default-features --features tower --lib",
                "cargo check -p mutagent-core --all-features --all-targets",
                "cargo doc --no-deps -p mutagent-core --lib",
                "cargo doc --no-deps -p mutagent-core --all-features --lib",
            ]
        );
        assert_eq!(
            commands(&all, "mutagent-prompt"),
            [
                "cargo check -p mutagent-prompt --all-targets",
                "cargo check -p mutagent-prompt --lib",
                "cargo doc --no-deps -p mutagent-prompt --lib",
            ]
        );
    }

    #[test]
    fn unpublished_packages_are_left_out_and_a_new_feature_is_picked_up() {
        let mut ws = workspace();
        assert!(list(&ws, Scope::Full).iter().all(|c| c.package != "xtask"));
        let core = ws
            .packages
            .iter_mut()
            .find(|p| p.name == "mutagent-core")
            .expect("core");
        core.features.insert("zstd".into(), vec![]);
        let zstd = "cargo check -p mutagent-core --no-default-features --features zstd --lib";
        assert!(commands(&list(&ws, Scope::Full), "mutagent-core").contains(&zstd.to_string()));
    }

    #[test]
    fn the_quick_scope_keeps_only_the_library_checks() {
        let quick = list(&workspace(), Scope::Quick);
        assert!(quick
            .iter()
            .all(|c| c.action == Action::Check && c.targets == Targets::Lib));
        // The umbrella: default, none and its 3 features alone; core: default and its 2 alone;
        // the namespace crate: default.
        assert_eq!(quick.len(), 9, "{quick:#?}");
        let full = list(&workspace(), Scope::Full);
        assert!(quick.iter().all(|c| full.contains(c)));
    }
}
