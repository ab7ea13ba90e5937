//! `cargo xtask budgets`: the dependency and build budgets of the SDK (docs/performance.md).
//!
//! Gated (exit non-zero on a violation):
//! * the third-party crates in the umbrella's dependency tree with default features, normal
//!   dependencies only (`cargo tree -p mutagent -e normal`, host target; the workspace's own
//!   crates are not counted): at most [`MAX_THIRD_PARTY_CRATES`];
//! * crates present in more than one version anywhere in the workspace (what
//!   `cargo tree --workspace -d` reports, host target, all dependency kinds): none;
//! * the `rust-version` the published crates promise: every published crate declares the
//!   same one, and no package they build with (every feature, normal and build
//!   dependencies) declares a newer one (`msrv.rs`).
//!
//! Printed only: the compile-time ratios (CPU time of a fresh crate on the umbrella, and on
//! core plus one namespace, against one on the base stack alone; see `compile.rs`) and the
//! size of the stripped release `load` example. `--no-build-times` skips every build (what
//! CI runs); `--no-binary-size` skips only the release build.

mod compile;
mod msrv;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The most third-party crates the umbrella may pull in (the workspace's own crates are what
/// users asked for, so they are not counted).
pub(crate) const MAX_THIRD_PARTY_CRATES: usize = 65;

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

    let tree = cargo_tree(&root, &["--workspace"])?;
    let duplicates = duplicated_crates(&tree);
    if duplicates.is_empty() {
        println!("crates in more than one version (workspace, host): none");
    } else {
        let listed: Vec<String> = duplicates
            .iter()
            .map(|(name, versions)| {
                let versions: Vec<&str> = versions.iter().map(String::as_str).collect();
                format!("{name} ({})", versions.join(", "))
            })
            .collect();
        println!(
            "crates in more than one version (workspace, host): {}",
            listed.join("; ")
        );
        violations.push(format!(
            "{} crate(s) present in more than one version: {} (see `cargo tree --workspace -d`)",
            duplicates.len(),
            listed.join("; ")
        ));
    }

    violations.extend(rust_version_violation(&root)?);

    if build_times {
        let scratch = TempTarget::new("compile")?;
        println!(
            "compile time: four fresh crates, cargo's default dev profile, built in turn, {rounds} round(s), medians (load average before: {})",
            compile::load_average()
        );
        let measured = compile::measure(&root, &scratch.0, rounds)?;
        println!("  (load average after: {})", compile::load_average());
        if let [base, umbrella, core, one_call] = measured.crates[..] {
            let line = |label, cost: compile::BuildCost, goal| {
                compile::ratio_line(label, cost.cpu, base.cpu, goal)
            };
            println!("{}", line("umbrella", umbrella, compile::UMBRELLA_GOAL));
            println!("{}", line("core + one namespace", core, compile::CORE_GOAL));
            // Not goals: how much of the gap any user of the stack pays to make one call.
            let call = "the base stack making one call";
            for (label, cost, against, reference) in [
                (call, one_call, "base stack", base),
                ("umbrella", umbrella, call, one_call),
                ("core + one namespace", core, call, one_call),
            ] {
                println!(
                    "{}",
                    compile::reference_line(label, cost.cpu, against, reference.cpu)
                );
            }
            // Not a goal either: what a user's own code compiles for its calls.
            println!(
                "  a crate's own code making 9 calls on the umbrella (rebuilt alone): {:.2} s CPU",
                measured.calls.cpu
            );
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

/// Checks the `rust-version` promise (see `msrv.rs`); prints what it found.
fn rust_version_violation(root: &Path) -> Result<Option<String>, String> {
    let metadata = cargo_output(root, &["metadata", "--format-version", "1", "--quiet"])?;
    let metadata: serde_json::Value = serde_json::from_str(&metadata)
        .map_err(|err| format!("`cargo metadata` printed no JSON: {err}"))?;
    let packages = msrv::packages(&metadata)?;
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
    let verdict = msrv::judge(&crates, &packages, promise);
    let highest = verdict.highest.as_ref().map_or_else(
        || "nothing".to_owned(),
        |(version, by)| format!("{version} ({by})"),
    );
    println!(
        "rust-version: the {} published crates promise {promise}; what they build with (all features, normal and build edges) declares at most {highest}; {} declare none",
        packages.published.len(),
        verdict.undeclared
    );
    let mut problems = Vec::new();
    if !packages.disagreeing.is_empty() {
        problems.push(format!(
            "published crates that do not inherit the workspace's rust-version {promise}: {}",
            packages.disagreeing.join(", ")
        ));
    }
    if !verdict.newer.is_empty() {
        problems.push(format!(
            "dependencies that need a newer Rust than the promised {promise}: {} (pin an older release, or raise `rust-version` and say so in the README)",
            verdict.newer.join(", ")
        ));
    }
    Ok((!problems.is_empty()).then(|| problems.join("; ")))
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
}
