//! `cargo xtask release plan`: the crates to publish, in dependency order.
//!
//! Crates are grouped in batches (as aws-sdk-rust's publisher does): every crate of a
//! batch depends only on crates of earlier batches, so a batch could be published in
//! any order. Within a batch crates are sorted by name, so the plan is deterministic.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use super::metadata::Workspace;

/// A crate to publish.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PlannedCrate {
    pub(crate) name: String,
    pub(crate) version: String,
    /// The other crates of the plan it needs on the registry before it can be published.
    pub(crate) deps: Vec<String>,
}

/// The release plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Plan {
    /// The workspace version (`[workspace.package] version`), if set.
    pub(crate) version: Option<String>,
    /// Dependency-ordered batches of crates to publish.
    pub(crate) batches: Vec<Vec<PlannedCrate>>,
    /// Workspace members left out because of `publish = false`.
    pub(crate) excluded: Vec<String>,
}

impl Plan {
    /// Every crate to publish, in publishing order.
    pub(crate) fn order(&self) -> impl Iterator<Item = &PlannedCrate> {
        self.batches.iter().flatten()
    }

    /// Human-readable plan.
    pub(crate) fn render(&self) -> String {
        let mut out = String::new();
        let count = self.order().count();
        let version = self.version.as_deref().unwrap_or("(unknown)");
        let _ = writeln!(
            out,
            "release plan: version {version}, {count} crate(s) to publish, in this order:"
        );
        let mut index = 0;
        for (batch_index, batch) in self.batches.iter().enumerate() {
            let _ = writeln!(out, "  batch {}:", batch_index + 1);
            for krate in batch {
                index += 1;
                let needs = if krate.deps.is_empty() {
                    String::new()
                } else {
                    format!("  (after {})", krate.deps.join(", "))
                };
                let _ = writeln!(
                    out,
                    "    {index:>2}. {} {}{needs}",
                    krate.name, krate.version
                );
            }
        }
        let excluded = match self.excluded.is_empty() {
            true => "none".to_owned(),
            false => self.excluded.join(", "),
        };
        let _ = writeln!(out, "not published (publish = false): {excluded}");
        out
    }
}

/// Orders the publishable members of `ws` by their dependencies on each other.
///
/// Normal and build dependencies count, and so do dev-dependencies that carry a version
/// (cargo keeps those in the published manifest). Fails on a dependency cycle.
pub(crate) fn build(ws: &Workspace) -> Result<Plan, String> {
    // Each crate to publish, with its version and the crates it needs published first.
    let mut deps: BTreeMap<&str, (&str, BTreeSet<&str>)> = BTreeMap::new();
    for package in ws.publishable() {
        let needed = ws
            .internal_deps(package)
            .filter(|d| d.needed_by_registry() && d.name != package.name)
            .filter(|d| ws.package(&d.name).is_some_and(|p| p.publishable))
            .map(|d| d.name.as_str())
            .collect();
        deps.insert(&package.name, (&package.version, needed));
    }
    let mut batches = Vec::new();
    while !deps.is_empty() {
        let published = |name: &&str| !deps.contains_key(name);
        let ready: Vec<&str> = deps
            .iter()
            .filter(|(_, (_, needs))| needs.iter().all(published))
            .map(|(name, _)| *name)
            .collect();
        if ready.is_empty() {
            let stuck: Vec<String> = deps
                .iter()
                .map(|(name, (_, needs))| {
                    let waiting: Vec<&str> =
                        needs.iter().filter(|d| !published(d)).copied().collect();
                    format!("{name} -> {}", waiting.join(", "))
                })
                .collect();
            return Err(format!(
                "dependency cycle among the crates to publish: {}; a dev-dependency with a `version` counts \
                 (cargo keeps it when publishing), make such a dev-dependency path-only to break the cycle",
                stuck.join("; ")
            ));
        }
        let batch = ready.iter().filter_map(|name| deps.remove_entry(name));
        let batch = batch.map(|(name, (version, needs))| PlannedCrate {
            name: name.to_owned(),
            version: version.to_owned(),
            deps: needs.iter().map(|d| d.to_string()).collect(),
        });
        batches.push(batch.collect());
    }
    let excluded = ws
        .packages
        .iter()
        .filter(|p| !p.publishable)
        .map(|p| p.name.clone())
        .collect();
    Ok(Plan {
        version: ws.version.clone(),
        batches,
        excluded,
    })
}

/// `cargo xtask release plan`.
pub(crate) fn run(args: &[String]) -> Result<(), String> {
    super::flags("plan", args, &[])?;
    let ws = super::metadata::load()?;
    let plan = build(&ws)?;
    print!("{}", plan.render());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::metadata::tests::{add_dependency, workspace};
    use super::*;

    fn names(plan: &Plan) -> Vec<Vec<&str>> {
        plan.batches
            .iter()
            .map(|b| b.iter().map(|c| c.name.as_str()).collect())
            .collect()
    }

    #[test]
    fn orders_by_dependencies_in_batches() {
        let plan = build(&workspace()).expect("no cycle");
        assert_eq!(
            names(&plan),
            vec![
                vec!["mutagent-core", "mutagent-emulator"],
                vec!["mutagent-prompt"],
                vec!["mutagent"]
            ]
        );
        assert_eq!(plan.excluded, ["xtask", "mutagent-e2e"]);
        let umbrella = plan.order().last().expect("a crate");
        assert_eq!(umbrella.deps, ["mutagent-core", "mutagent-prompt"]);
        let text = plan.render();
        assert!(text.contains("version 0.1.0, 4 crate(s)"), "{text}");
        assert!(
            text.contains(" 4. mutagent 0.1.0  (after mutagent-core, mutagent-prompt)"),
            "{text}"
        );
        assert!(
            text.contains("not published (publish = false): xtask, mutagent-e2e"),
            "{text}"
        );
    }

    /// `from` gains a dev-dependency on `to` with a version (kept when publishing).
    fn with_dev_dependency(from: &str, to: &str) -> Workspace {
        let mut ws = workspace();
        add_dependency(&mut ws, from, to, Some("dev"));
        ws
    }

    #[test]
    fn versioned_dev_dependencies_order_too() {
        let plan = build(&with_dev_dependency("mutagent-emulator", "mutagent-prompt")).expect("ok");
        let expected = [
            &["mutagent-core"][..],
            &["mutagent-prompt"],
            &["mutagent", "mutagent-emulator"],
        ];
        assert_eq!(names(&plan), expected);
    }

    #[test]
    fn reports_cycles() {
        let error = build(&with_dev_dependency("mutagent-core", "mutagent")).expect_err("cycle");
        assert!(error.contains("mutagent-core -> mutagent"), "{error}");
    }

    #[test]
    fn empty_workspace_has_empty_plan() {
        let mut ws = workspace();
        ws.packages.clear();
        let plan = build(&ws).expect("ok");
        assert_eq!(plan.order().count(), 0);
        let text = plan.render();
        assert!(text.contains("0 crate(s)") && text.contains("(publish = false): none"));
    }
}
