//! `cargo xtask budgets`: the dependency and build budgets of the SDK (docs/performance.md).
//!
//! Gated (exit non-zero on a violation):
//! * the third-party crates in the umbrella's dependency tree with default features, normal
//!   dependencies only (`cargo tree -p mutagent -e normal`, host target; the workspace's own
//!   crates are not counted): at most [`MAX_THIRD_PARTY_CRATES`];
//! * crates present in more than one version (the project's rule: "none in two versions" in
//!   what a user builds): none in the umbrella's tree with default features (normal
//!   dependencies, host target), whatever the reason; and none in the tree of each published
//!   crate with its default features, except the pairs of [`ALLOWED_DUPLICATES`], each naming
//!   the crate, its versions, the published crate that brings the second one and why. An entry
//!   that no longer matches anything is a violation too, so the list only holds what is true;
//! * what `cargo tree --workspace -d` reports (every member, every dependency kind: tests,
//!   benches and unpublished tools included) is printed, not gated;
//! * the `rust-version` the published crates promise: every published crate declares the
//!   same one, and no package they build with (every feature, normal and build
//!   dependencies) declares a newer one (`msrv.rs`).
//!
//! Printed only, each goal's verdict on its line: the compile-time ratios (CPU time of a fresh
//! crate on the umbrella, and on core plus one namespace, against one on the base stack alone
//! making one HTTPS call; see `compile.rs`) and the size of the stripped release `load`
//! example. They move with the machine's load by more than the margins they judge, so they
//! inform rather than fail the run. `--no-build-times` skips every build (what
//! CI runs); `--no-binary-size` skips only the release build.

mod compile;
mod msrv;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The most third-party crates the umbrella may pull in (the workspace's own crates are what
/// users asked for, so they are not counted).
pub(crate) const MAX_THIRD_PARTY_CRATES: usize = 65;

/// The umbrella crate: its default tree holds no crate in two versions, allow-list or not.
const UMBRELLA: &str = "mutagent";

/// A crate accepted in two versions in the default tree of one published crate (never the
/// umbrella's). Each entry is a cost only the users of that crate pay, written down with why.
#[derive(Debug, Clone, Copy)]
pub(crate) struct AllowedDuplicate {
    /// The crate present in two versions.
    pub(crate) name: &'static str,
    /// Its versions, as `major.minor` (what cargo keeps apart): the entry covers exactly these,
    /// so a third version or another pair is refused until someone looks at it.
    pub(crate) versions: &'static [&'static str],
    /// The published crate whose default tree has both.
    pub(crate) through: &'static str,
    /// Why it is accepted, and what would end it.
    pub(crate) why: &'static str,
}

/// The duplicates accepted outside the umbrella's tree (see [`AllowedDuplicate`]).
pub(crate) const ALLOWED_DUPLICATES: &[AllowedDuplicate] = &[AllowedDuplicate {
    name: "getrandom",
    versions: &["0.2", "0.3"],
    through: "mutagent-opentelemetry",
    why: "ring 0.17 (rustls, in every crate's tree) uses getrandom 0.2, and opentelemetry_sdk's \
          `trace` feature (0.29 and later) needs rand 0.9, on getrandom 0.3: no feature set of \
          the SDK avoids it, and an exporter must follow the OpenTelemetry release apps use. Only \
          apps that opt into OpenTelemetry build both; it ends when ring moves to getrandom 0.3 \
          or the SDK stops needing rand",
}];

const USAGE: &str = "cargo xtask budgets [--no-build-times] [--no-binary-size] [--compile-runs N]\n\n  \
    --no-build-times   only the dependency checks (no build at all; what CI runs)\n  \
    --no-binary-size   skip the release build that measures the stripped `load` binary\n  \
    --compile-runs N   build the four compile-time crates N times in turn; report medians (default 1)";

/// Runs the checks; `Err` names every budget that was exceeded.
pub(crate) fn run(args: &[String]) -> Result<(), String> {
    let mut build_times = true;
    let mut binary_size = true;
    let mut rounds = 1;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--compile-runs" => {
                rounds = args
                    .next()
                    .and_then(|n| n.parse::<usize>().ok())
                    .filter(|n| *n > 0)
                    .ok_or("`--compile-runs` needs a positive number")?;
            }
            "--no-build-times" => {
                build_times = false;
                binary_size = false;
            }
            "--no-binary-size" => binary_size = false,
            "-h" | "--help" | "help" => {
                println!("{USAGE}");
                return Ok(());
            }
            other => return Err(format!("unknown `budgets` argument `{other}`\n{USAGE}")),
        }
    }
    let root = workspace_root();
    let mut violations = Vec::new();

    let tree = cargo_tree(&root, &["-p", "mutagent", "-e", "normal"])?;
    let umbrella = umbrella_crates(&tree);
    let (ours, theirs): (Vec<_>, Vec<_>) = umbrella.iter().partition(|c| c.local);
    println!(
        "umbrella dependencies (default features, normal, host): {} third-party crates (budget {MAX_THIRD_PARTY_CRATES}), {} of the workspace (not counted)",
        theirs.len(),
        ours.len()
    );
    if let Some(violation) = third_party_violation(&theirs) {
        violations.push(violation);
    }

    let packages = workspace_packages(&root)?;
    let mut trees = BTreeMap::new();
    trees.insert(UMBRELLA.to_owned(), duplicated_crates(&tree));
    for name in packages.published.iter().filter(|name| *name != UMBRELLA) {
        let tree = cargo_tree(&root, &["-p", name, "-e", "normal"])?;
        trees.insert(name.clone(), duplicated_crates(&tree));
    }
    let verdict = judge_duplicates(&trees, ALLOWED_DUPLICATES);
    print_duplicates(&verdict, trees.len());
    violations.extend(verdict.violation());

    // Information only: tests, benches and tools may build a second version that no user does.
    let tree = cargo_tree(&root, &["--workspace"])?;
    println!(
        "crates in more than one version (whole workspace, every dependency kind, host; `cargo tree --workspace -d`, not gated): {}",
        listed_or_none(&duplicated_crates(&tree))
    );

    violations.extend(rust_version_violation(&root, &packages)?);

    if build_times {
        let scratch = TempTarget::new("compile")?;
        println!(
            "compile time: four fresh crates, cargo's default dev profile, built in turn, {rounds} round(s), medians (load average before: {})",
            compile::load_average()
        );
        let measured = compile::measure(&root, &scratch.0, rounds)?;
        println!("  (load average after: {})", compile::load_average());
        for line in compile::report_lines(&measured) {
            println!("{line}");
        }
    }
    if binary_size {
        let bytes = stripped_load_size(&root)?;
        println!(
            "stripped release `load` example: {bytes} bytes ({:.2} MiB)",
            bytes as f64 / (1024.0 * 1024.0)
        );
    }

    if violations.is_empty() {
        println!("budgets: ok");
        Ok(())
    } else {
        Err(format!(
            "budget exceeded:\n  - {}",
            violations.join("\n  - ")
        ))
    }
}

/// The budget line for the third-party crates, if there are too many.
fn third_party_violation(theirs: &[&Crate]) -> Option<String> {
    if theirs.len() <= MAX_THIRD_PARTY_CRATES {
        return None;
    }
    let names: Vec<String> = theirs.iter().map(|c| c.label()).collect();
    Some(format!(
        "the umbrella `mutagent` pulls in {} third-party crates, over the budget of {MAX_THIRD_PARTY_CRATES}: {}",
        theirs.len(),
        names.join(", ")
    ))
}

/// The workspace's packages as `cargo metadata` describes them (published members and their
/// `rust-version`s; see `msrv.rs`).
fn workspace_packages(root: &Path) -> Result<msrv::Packages, String> {
    let metadata = cargo_output(root, &["metadata", "--format-version", "1", "--quiet"])?;
    let metadata: serde_json::Value = serde_json::from_str(&metadata)
        .map_err(|err| format!("`cargo metadata` printed no JSON: {err}"))?;
    msrv::packages(&metadata)
}

/// Checks the `rust-version` promise (see `msrv.rs`); prints what it found.
fn rust_version_violation(
    root: &Path,
    packages: &msrv::Packages,
) -> Result<Option<String>, String> {
    let Some(promise) = packages.promise else {
        return Ok(Some(
            "the published crates declare no `rust-version` (set it once in the root manifest)"
                .to_owned(),
        ));
    };
    let mut args = vec!["--all-features", "-e", "normal,build"];
    for name in &packages.published {
        args.extend(["-p", name.as_str()]);
    }
    let tree = cargo_tree(root, &args)?;
    let crates: Vec<Crate> = tree.lines().filter_map(parse_line).collect();
    let verdict = msrv::judge(&crates, packages, promise);
    let highest = verdict.highest.as_ref().map_or_else(
        || "nothing".to_owned(),
        |(version, by)| format!("{version} ({by})"),
    );
    println!(
        "rust-version: the {} published crates promise {promise}; what they build with (all features, normal and build edges) declares at most {highest}; {} declare none",
        packages.published.len(),
        verdict.undeclared
    );
    Ok(budget_line([
        finding(&packages.disagreeing, ", ", |names| {
            format!("published crates that do not inherit the workspace's rust-version {promise}: {names}")
        }),
        finding(&verdict.newer, ", ", |names| {
            format!("dependencies that need a newer Rust than the promised {promise}: {names} (pin an older release, or raise `rust-version` and say so in the README)")
        }),
    ]))
}

/// What `describe` says of the things `found` (joined with `separator`), if any were found.
fn finding(
    found: &[String],
    separator: &str,
    describe: impl FnOnce(String) -> String,
) -> Option<String> {
    (!found.is_empty()).then(|| describe(found.join(separator)))
}

/// One budget line of the findings made (`; ` between them), or none when nothing was found.
fn budget_line(findings: impl IntoIterator<Item = Option<String>>) -> Option<String> {
    let findings: Vec<String> = findings.into_iter().flatten().collect();
    (!findings.is_empty()).then(|| findings.join("; "))
}

/// One crate as `cargo tree --prefix none` prints it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Crate {
    pub(crate) name: String,
    pub(crate) version: String,
    /// A path dependency (one of the workspace's crates).
    pub(crate) local: bool,
}

impl Crate {
    fn label(&self) -> String {
        format!("{} {}", self.name, self.version)
    }
}

/// Parses one line: `name vX.Y.Z [(path)] [(proc-macro)] [(*)]`.
pub(crate) fn parse_line(line: &str) -> Option<Crate> {
    let mut words = line.split_whitespace();
    let name = words.next()?;
    let version = words.next()?.strip_prefix('v')?;
    let rest: Vec<&str> = words.collect();
    let local = rest
        .iter()
        .any(|word| word.starts_with("(/") || word.starts_with("(."));
    Some(Crate {
        name: name.to_owned(),
        version: version.to_owned(),
        local,
    })
}

/// The distinct crates of a `cargo tree -p mutagent --prefix none` listing, without the root.
pub(crate) fn umbrella_crates(tree: &str) -> BTreeSet<Crate> {
    let mut lines = tree.lines().filter_map(parse_line);
    let root = lines.next();
    lines.filter(|krate| Some(krate) != root.as_ref()).collect()
}

/// Crate names that appear with more than one version, and those versions.
pub(crate) fn duplicated_crates(tree: &str) -> BTreeMap<String, BTreeSet<String>> {
    let mut versions: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for krate in tree.lines().filter_map(parse_line) {
        versions
            .entry(krate.name)
            .or_default()
            .insert(krate.version);
    }
    versions.retain(|_, versions| versions.len() > 1);
    versions
}

/// Crates in two versions, by the published crate whose default tree has them.
type TreeDuplicates = BTreeMap<String, BTreeMap<String, BTreeSet<String>>>;

/// What the duplicate gate found in the published crates' default trees.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct DuplicateVerdict {
    /// Duplicates no allow-list entry covers: `name (versions) in the default tree of crate`.
    pub(crate) refused: Vec<String>,
    /// Duplicates an entry covers, with the entry's reason.
    pub(crate) allowed: Vec<String>,
    /// Entries that cover nothing found: to be removed (or fixed, if they can never apply).
    pub(crate) stale: Vec<String>,
}

impl DuplicateVerdict {
    /// The budget line, if anything is refused or an entry is stale.
    fn violation(&self) -> Option<String> {
        budget_line([
            finding(&self.refused, "; ", |found| {
                format!("crates in more than one version where a user builds them: {found} (one version each, or an entry in ALLOWED_DUPLICATES of xtask/src/budgets.rs with why; never in the umbrella's tree)")
            }),
            finding(&self.stale, "; ", |entries| {
                format!("ALLOWED_DUPLICATES entries that no longer apply (remove them): {entries}")
            }),
        ])
    }
}

/// Judges the duplicates of each published crate's default tree (`trees`, the umbrella's
/// included) against `allowed`: the umbrella's are all refused; another crate's are accepted
/// when an entry names that crate, that name and covers every version found.
pub(crate) fn judge_duplicates(
    trees: &TreeDuplicates,
    allowed: &[AllowedDuplicate],
) -> DuplicateVerdict {
    let mut verdict = DuplicateVerdict::default();
    let mut used = vec![false; allowed.len()];
    for (krate, duplicates) in trees {
        for (name, versions) in duplicates {
            let label = format!("{name} ({}) in the default tree of {krate}", join(versions));
            let entry = allowed.iter().position(|entry| {
                krate != UMBRELLA
                    && entry.through == krate
                    && entry.name == name
                    && versions.iter().all(|version| {
                        entry
                            .versions
                            .iter()
                            .any(|allowed| same_release(version, allowed))
                    })
            });
            match entry {
                Some(index) => {
                    used[index] = true;
                    verdict
                        .allowed
                        .push(format!("{label}: {}", allowed[index].why));
                }
                None => verdict.refused.push(label),
            }
        }
    }
    for (entry, used) in allowed.iter().zip(used) {
        if used {
            continue;
        }
        let (name, through) = (entry.name, entry.through);
        let versions = entry.versions.join(", ");
        verdict.stale.push(if through == UMBRELLA {
            format!(
                "{name} ({versions}) through {through}: the umbrella's tree allows no duplicate"
            )
        } else if !trees.contains_key(through) {
            format!("{name} ({versions}) through {through}: not a published crate of the workspace")
        } else {
            format!("{name} ({versions}) through {through}: its default tree no longer has them")
        });
    }
    verdict
}

/// Whether `version` (`0.2.17`) is of the release `allowed` names (`0.2`, or exactly `0.2.17`).
fn same_release(version: &str, allowed: &str) -> bool {
    version
        .strip_prefix(allowed)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
}

fn join(versions: &BTreeSet<String>) -> String {
    versions
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(", ")
}

/// `name (versions); ...`, or `none`.
fn listed_or_none(duplicates: &BTreeMap<String, BTreeSet<String>>) -> String {
    if duplicates.is_empty() {
        return "none".to_owned();
    }
    duplicates
        .iter()
        .map(|(name, versions)| format!("{name} ({})", join(versions)))
        .collect::<Vec<_>>()
        .join("; ")
}

fn print_duplicates(verdict: &DuplicateVerdict, trees: usize) {
    let refused = if verdict.refused.is_empty() {
        "none refused".to_owned()
    } else {
        format!("refused: {}", verdict.refused.join("; "))
    };
    println!(
        "crates in more than one version (the default trees of the umbrella and of each published crate, {trees} in all; normal, host): {refused}"
    );
    for allowed in &verdict.allowed {
        println!("  allowed: {allowed}");
    }
    for stale in &verdict.stale {
        println!("  stale allow-list entry: {stale}");
    }
}

fn cargo_tree(root: &Path, args: &[&str]) -> Result<String, String> {
    let mut all = vec!["tree", "--prefix", "none", "--quiet"];
    all.extend_from_slice(args);
    cargo_output(root, &all)
}

/// What `cargo ARGS` prints on stdout, or why it failed.
fn cargo_output(root: &Path, args: &[&str]) -> Result<String, String> {
    let command = args.first().copied().unwrap_or("cargo");
    let output = Command::new(cargo_bin())
        .current_dir(root)
        .args(args)
        .output()
        .map_err(|err| format!("cannot run `cargo {command}`: {err}"))?;
    if !output.status.success() {
        return Err(format!(
            "`cargo {}` failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    String::from_utf8(output.stdout)
        .map_err(|err| format!("`cargo {command}` printed non-UTF-8: {err}"))
}

/// A fresh target directory under the system's temporary directory, removed on drop.
struct TempTarget(PathBuf);

impl TempTarget {
    fn new(label: &str) -> Result<Self, String> {
        let path =
            std::env::temp_dir().join(format!("mutagent-budgets-{label}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path)
            .map_err(|err| format!("cannot create {}: {err}", path.display()))?;
        Ok(Self(path))
    }
}

impl Drop for TempTarget {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn stripped_load_size(root: &Path) -> Result<u64, String> {
    let target = TempTarget::new("load")?;
    run_cargo(
        root,
        &target.0,
        &["build", "--release", "-p", "mutagent", "--example", "load"],
        &[("CARGO_PROFILE_RELEASE_STRIP", "symbols")],
    )?;
    let binary = target
        .0
        .join("release")
        .join("examples")
        .join(if cfg!(windows) { "load.exe" } else { "load" });
    std::fs::metadata(&binary)
        .map(|meta| meta.len())
        .map_err(|err| format!("cannot read {}: {err}", binary.display()))
}

fn run_cargo(
    root: &Path,
    target: &Path,
    args: &[&str],
    env: &[(&str, &str)],
) -> Result<(), String> {
    let output = Command::new(cargo_bin())
        .current_dir(root)
        .env("CARGO_TARGET_DIR", target)
        .envs(env.iter().copied())
        .args(args)
        .arg("--quiet")
        .output()
        .map_err(|err| format!("cannot run cargo: {err}"))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(format!(
            "`cargo {}` failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&output.stderr).trim()
        ))
    }
}

fn cargo_bin() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned())
}

fn workspace_root() -> PathBuf {
    let xtask_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    xtask_dir.parent().unwrap_or(xtask_dir).to_path_buf()
}

#[cfg(test)]
mod tests {
    use super::*;

    const TREE: &str = "\
mutagent v0.1.0 (/path/to/mutagent-rs/crates/mutagent)
mutagent-core v0.1.0 (/path/to/mutagent-rs/crates/mutagent-core)
bytes v1.12.2
hyper v1.12.0
bytes v1.12.2 (*)
serde_derive v1.0.229 (proc-macro)
mutagent-core v0.1.0 (/path/to/mutagent-rs/crates/mutagent-core) (*)
";

    #[test]
    fn lines_parse_with_their_markers() {
        let krate = parse_line("serde_derive v1.0.229 (proc-macro)").expect("parses");
        assert_eq!(
            (krate.name.as_str(), krate.version.as_str()),
            ("serde_derive", "1.0.229")
        );
        assert!(!krate.local);
        assert!(
            parse_line("mutagent-core v0.1.0 (/w/crates/mutagent-core) (*)")
                .is_some_and(|c| c.local)
        );
        assert!(parse_line("").is_none());
        assert!(parse_line("warning: nothing to print").is_none());
    }

    #[test]
    fn umbrella_count_is_distinct_and_excludes_the_root() {
        let crates = umbrella_crates(TREE);
        let names: Vec<&str> = crates.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["bytes", "hyper", "mutagent-core", "serde_derive"]);
    }

    #[test]
    fn only_third_party_crates_count_against_the_budget() {
        let third_party = |n: usize| -> Vec<Crate> {
            (0..n)
                .map(|i| Crate {
                    name: format!("dep{i}"),
                    version: "1.0.0".to_owned(),
                    local: false,
                })
                .collect()
        };
        let at_limit = third_party(MAX_THIRD_PARTY_CRATES);
        assert!(third_party_violation(&at_limit.iter().collect::<Vec<_>>()).is_none());
        let over = third_party(MAX_THIRD_PARTY_CRATES + 1);
        let message = third_party_violation(&over.iter().collect::<Vec<_>>()).expect("over");
        assert!(message.contains("66 third-party crates"), "{message}");
        assert!(message.contains("dep65 1.0.0"), "{message}");
        // The workspace's own crates are split off before counting.
        let tree =
            format!("{TREE}mutagent-prompt v0.1.0 (/path/to/mutagent-rs/crates/mutagent-prompt)\n");
        let crates = umbrella_crates(&tree);
        let theirs: Vec<&Crate> = crates.iter().filter(|c| !c.local).collect();
        assert_eq!(theirs.len(), 3);
    }

    #[test]
    fn duplicates_are_names_with_two_versions() {
        let tree = format!("{TREE}bytes v0.5.6\nhyper v1.12.0\n");
        let duplicates = duplicated_crates(&tree);
        assert_eq!(duplicates.len(), 1);
        let versions: Vec<&str> = duplicates["bytes"].iter().map(String::as_str).collect();
        assert_eq!(versions, ["0.5.6", "1.12.2"]);
        assert!(duplicated_crates(TREE).is_empty());
    }

    /// The duplicates of `(crate, name, versions)` triples, as `judge_duplicates` takes them.
    fn trees(found: &[(&str, &str, &[&str])]) -> TreeDuplicates {
        let mut trees = TreeDuplicates::new();
        for krate in [UMBRELLA, "mutagent-core", "mutagent-opentelemetry"] {
            trees.entry(krate.to_owned()).or_default();
        }
        for (krate, name, versions) in found {
            trees.entry((*krate).to_owned()).or_default().insert(
                (*name).to_owned(),
                versions.iter().map(|v| (*v).to_owned()).collect(),
            );
        }
        trees
    }

    const GETRANDOM: AllowedDuplicate = AllowedDuplicate {
        name: "getrandom",
        versions: &["0.2", "0.3"],
        through: "mutagent-opentelemetry",
        why: "ring on 0.2, rand on 0.3",
    };

    #[test]
    fn an_allow_listed_duplicate_passes_only_in_the_crate_it_names() {
        let found = trees(&[("mutagent-opentelemetry", "getrandom", &["0.2.17", "0.3.4"])]);
        let verdict = judge_duplicates(&found, &[GETRANDOM]);
        assert!(
            verdict.refused.is_empty() && verdict.stale.is_empty(),
            "{verdict:?}"
        );
        assert_eq!(
            verdict.allowed,
            ["getrandom (0.2.17, 0.3.4) in the default tree of mutagent-opentelemetry: ring on 0.2, rand on 0.3"]
        );
        assert_eq!(verdict.violation(), None);

        // The same pair brought by another published crate is refused, and the entry, which
        // then covers nothing, is stale.
        let found = trees(&[("mutagent-core", "getrandom", &["0.2.17", "0.3.4"])]);
        let verdict = judge_duplicates(&found, &[GETRANDOM]);
        assert_eq!(
            verdict.refused,
            ["getrandom (0.2.17, 0.3.4) in the default tree of mutagent-core"]
        );
        assert_eq!(verdict.stale.len(), 1, "{verdict:?}");
        let message = verdict.violation().expect("a violation");
        assert!(
            message.contains("getrandom (0.2.17, 0.3.4) in the default tree of mutagent-core"),
            "{message}"
        );
        assert!(
            message.contains("ALLOWED_DUPLICATES entries that no longer apply"),
            "{message}"
        );
    }

    #[test]
    fn the_umbrellas_tree_allows_no_duplicate_even_when_listed() {
        let umbrella = AllowedDuplicate {
            through: UMBRELLA,
            ..GETRANDOM
        };
        let found = trees(&[(UMBRELLA, "getrandom", &["0.2.17", "0.3.4"])]);
        let verdict = judge_duplicates(&found, &[umbrella]);
        assert_eq!(
            verdict.refused,
            ["getrandom (0.2.17, 0.3.4) in the default tree of mutagent"]
        );
        assert_eq!(
            verdict.stale,
            ["getrandom (0.2, 0.3) through mutagent: the umbrella's tree allows no duplicate"]
        );
    }

    #[test]
    fn an_entry_covers_its_versions_and_no_other() {
        // A third version, or another pair, is refused until someone looks at it.
        for versions in [&["0.2.17", "0.3.4", "0.4.0"][..], &["0.2.17", "0.4.0"]] {
            let found = trees(&[("mutagent-opentelemetry", "getrandom", versions)]);
            let verdict = judge_duplicates(&found, &[GETRANDOM]);
            assert_eq!(verdict.refused.len(), 1, "{versions:?}: {verdict:?}");
        }
        // `0.2` is the release 0.2.x, not 0.20 or 0.21.
        assert!(same_release("0.2.17", "0.2") && same_release("0.2.17", "0.2.17"));
        assert!(!same_release("0.21.0", "0.2") && !same_release("0.2.17", "0.2.1"));
        // Another crate in two versions in the same tree is refused beside the allowed one.
        let found = trees(&[
            ("mutagent-opentelemetry", "getrandom", &["0.2.17", "0.3.4"]),
            ("mutagent-opentelemetry", "thiserror", &["1.0.69", "2.0.12"]),
        ]);
        let verdict = judge_duplicates(&found, &[GETRANDOM]);
        assert_eq!(verdict.allowed.len(), 1);
        assert_eq!(
            verdict.refused,
            ["thiserror (1.0.69, 2.0.12) in the default tree of mutagent-opentelemetry"]
        );
    }

    #[test]
    fn entries_that_no_longer_apply_are_violations() {
        // Nothing duplicated any more (ring moved to getrandom 0.3, say): remove the entry.
        let verdict = judge_duplicates(&trees(&[]), &[GETRANDOM]);
        assert!(verdict.refused.is_empty() && verdict.allowed.is_empty());
        assert_eq!(
            verdict.stale,
            ["getrandom (0.2, 0.3) through mutagent-opentelemetry: its default tree no longer has them"]
        );
        assert!(verdict.violation().is_some());
        // An entry naming a crate that is not published (renamed, removed) never applies.
        let gone = AllowedDuplicate {
            through: "mutagent-otel",
            ..GETRANDOM
        };
        let verdict = judge_duplicates(&trees(&[]), &[gone]);
        assert!(
            verdict.stale[0].contains("not a published crate"),
            "{verdict:?}"
        );
        // No duplicate and no entry: nothing to say.
        assert_eq!(
            judge_duplicates(&trees(&[]), &[]),
            DuplicateVerdict::default()
        );
    }

    /// The real list: every entry names a published crate other than the umbrella, two
    /// versions at least and a reason.
    #[test]
    fn the_allow_list_entries_are_complete() {
        for entry in ALLOWED_DUPLICATES {
            assert_ne!(entry.through, UMBRELLA, "{entry:?}");
            assert!(entry.through.starts_with("mutagent-"), "{entry:?}");
            assert!(entry.versions.len() >= 2, "{entry:?}");
            assert!(entry.why.len() > 40, "{entry:?}");
        }
    }
}
