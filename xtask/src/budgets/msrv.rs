//! The minimum Rust version users are promised, checked against what the dependencies declare.
//!
//! Every published crate of the workspace inherits `rust-version` from the root manifest. That
//! promise breaks without a sound when a dependency (or a dependency's dependency, a build
//! script's or a proc macro's) moves to a release that declares a newer `rust-version`: our
//! own CI runs the newest toolchain and never notices. So this check walks what a user builds
//! — the published crates with every feature on, normal and build edges (not dev: our tests
//! may need more) — and names every package of the lock file that declares a newer version.
//!
//! What it cannot see: a dependency that declares no `rust-version` (counted and printed), and
//! language features or std APIs of our own code newer than the promise (clippy's
//! `incompatible_msrv`, on by default, reads `rust-version` for the std APIs; nothing here
//! compiles with the old toolchain itself, which this machine cannot fetch).

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

/// A `rust-version` as `major.minor[.patch]`, compared numerically.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct RustVersion(u64, u64, u64);

impl RustVersion {
    /// Parses `1.85` or `1.85.0`; `None` for anything else.
    pub(crate) fn parse(text: &str) -> Option<Self> {
        let mut parts = text.trim().split('.');
        let major = parts.next()?.parse().ok()?;
        let minor = parts.next()?.parse().ok()?;
        let patch = match parts.next() {
            Some(patch) => patch.parse().ok()?,
            None => 0,
        };
        parts.next().is_none().then_some(Self(major, minor, patch))
    }
}

impl std::fmt::Display for RustVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.0, self.1)?;
        if self.2 != 0 {
            write!(f, ".{}", self.2)?;
        }
        Ok(())
    }
}

/// What `cargo metadata` says of the workspace, reduced to what this check needs.
#[derive(Debug, Default)]
pub(crate) struct Packages {
    /// The workspace's published members (`publish` not `false`).
    pub(crate) published: Vec<String>,
    /// The `rust-version` every published member declares, if they agree on one.
    pub(crate) promise: Option<RustVersion>,
    /// Members that declare another `rust-version` than the rest, or none.
    pub(crate) disagreeing: Vec<String>,
    /// `name version` → the `rust-version` it declares (`None`: declares none).
    pub(crate) declared: BTreeMap<(String, String), Option<RustVersion>>,
}

/// Reads `cargo metadata --format-version 1` (with dependencies).
pub(crate) fn packages(metadata: &Value) -> Result<Packages, String> {
    let members: BTreeSet<&str> = metadata["workspace_members"]
        .as_array()
        .ok_or("`cargo metadata` printed no workspace_members")?
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let mut out = Packages::default();
    let mut promises: BTreeMap<Option<RustVersion>, Vec<String>> = BTreeMap::new();
    for package in metadata["packages"]
        .as_array()
        .ok_or("`cargo metadata` printed no packages")?
    {
        let (Some(name), Some(version)) = (package["name"].as_str(), package["version"].as_str())
        else {
            continue;
        };
        let declared = package["rust_version"]
            .as_str()
            .and_then(RustVersion::parse);
        out.declared
            .insert((name.to_owned(), version.to_owned()), declared);
        let member = package["id"]
            .as_str()
            .is_some_and(|id| members.contains(id));
        // `publish = false` arrives as an empty list of registries.
        let published = !package["publish"].as_array().is_some_and(Vec::is_empty);
        if member && published {
            out.published.push(name.to_owned());
            promises.entry(declared).or_default().push(name.to_owned());
        }
    }
    // The promise is what most published crates declare; the others are named.
    let majority = promises
        .iter()
        .max_by_key(|(_, names)| names.len())
        .map(|(version, _)| *version);
    out.promise = majority.flatten();
    out.disagreeing = promises
        .into_iter()
        .filter(|(version, _)| Some(*version) != majority)
        .flat_map(|(_, names)| names)
        .collect();
    Ok(out)
}

/// What the dependencies of the published crates declare, against the promise.
#[derive(Debug, PartialEq)]
pub(crate) struct Verdict {
    /// `name version (needs X)` of every package that needs more than the promise.
    pub(crate) newer: Vec<String>,
    /// Packages that declare no `rust-version`.
    pub(crate) undeclared: usize,
    /// The highest version declared, with one package that declares it.
    pub(crate) highest: Option<(RustVersion, String)>,
}

/// Judges the crates `tree` lists (`cargo tree --prefix none`, `name vX.Y.Z …` lines).
pub(crate) fn judge(tree: &[super::Crate], packages: &Packages, promise: RustVersion) -> Verdict {
    let mut verdict = Verdict {
        newer: Vec::new(),
        undeclared: 0,
        highest: None,
    };
    let distinct: BTreeSet<&super::Crate> = tree.iter().filter(|c| !c.local).collect();
    for krate in distinct {
        let key = (krate.name.clone(), krate.version.clone());
        match packages.declared.get(&key).copied().flatten() {
            None => verdict.undeclared += 1,
            Some(needs) => {
                if needs.cmp(&promise) == Ordering::Greater {
                    verdict
                        .newer
                        .push(format!("{} {} (needs {needs})", krate.name, krate.version));
                }
                if verdict.highest.as_ref().is_none_or(|(top, _)| needs > *top) {
                    verdict.highest = Some((needs, krate.label()));
                }
            }
        }
    }
    verdict
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn krate(name: &str, version: &str) -> crate::budgets::Crate {
        crate::budgets::Crate {
            name: name.to_owned(),
            version: version.to_owned(),
            local: false,
        }
    }

    #[test]
    fn versions_compare_by_number_not_text() {
        let v = |text| RustVersion::parse(text).expect(text);
        assert!(v("1.100") > v("1.85"));
        assert_eq!(v("1.85"), v("1.85.0"));
        assert!(v("1.85.1") > v("1.85"));
        assert_eq!(v("1.88.0").to_string(), "1.88");
        for bad in ["", "1", "1.x", "1.85.0.1", "v1.85"] {
            assert_eq!(RustVersion::parse(bad), None, "{bad}");
        }
    }

    /// `cargo metadata` output: `(name, rust-version, published)` per package; the first
    /// `members` of them are the workspace's.
    fn metadata(members: usize, packages: &[(&str, Option<&str>, bool)]) -> serde_json::Value {
        let package = |(name, rust_version, published): &(&str, Option<&str>, bool)| {
            json!({"id": name, "name": name, "version": "0.1.0", "rust_version": rust_version,
                   "publish": if *published { json!(null) } else { json!([]) }})
        };
        let ids: Vec<&str> = packages.iter().take(members).map(|p| p.0).collect();
        json!({
            "workspace_members": ids,
            "packages": packages.iter().map(package).collect::<Vec<_>>(),
        })
    }

    #[test]
    fn the_promise_is_what_most_published_crates_declare_and_the_others_are_named() {
        let metadata = metadata(
            4,
            &[
                ("mutagent", Some("1.85"), true),
                ("mutagent-core", Some("1.85"), true),
                ("mutagent-odd", Some("1.90"), true),
                // Unpublished: its own promise does not count.
                ("mutagent-e2e", Some("1.88"), false),
                ("hyper", Some("1.63"), true),
                ("itoa", None, true),
            ],
        );
        let packages = packages(&metadata).expect("reads");
        assert_eq!(
            packages.published,
            ["mutagent", "mutagent-core", "mutagent-odd"]
        );
        assert_eq!(packages.promise, RustVersion::parse("1.85"));
        assert_eq!(packages.disagreeing, ["mutagent-odd"]);
        assert_eq!(
            packages.declared[&("itoa".to_owned(), "0.1.0".to_owned())],
            None
        );
    }

    #[test]
    fn dependencies_needing_a_newer_rust_are_named_and_the_rest_counted() {
        let mut packages = Packages::default();
        for (name, version, declared) in [
            ("hyper", "1.0.0", Some("1.63")),
            ("time", "0.3.55", Some("1.88.0")),
            ("itoa", "1.0.0", None),
        ] {
            packages.declared.insert(
                (name.to_owned(), version.to_owned()),
                declared.and_then(RustVersion::parse),
            );
        }
        let tree = [
            krate("hyper", "1.0.0"),
            krate("time", "0.3.55"),
            krate("time", "0.3.55"),
            krate("itoa", "1.0.0"),
        ];
        let promise = RustVersion::parse("1.85").expect("version");
        let verdict = judge(&tree, &packages, promise);
        assert_eq!(verdict.newer, ["time 0.3.55 (needs 1.88)"]);
        assert_eq!(verdict.undeclared, 1);
        assert_eq!(
            verdict.highest,
            Some((RustVersion(1, 88, 0), "time 0.3.55".to_owned()))
        );
        // Within the promise: nothing named.
        let verdict = judge(&tree[..1], &packages, promise);
        assert!(verdict.newer.is_empty());
    }
}
