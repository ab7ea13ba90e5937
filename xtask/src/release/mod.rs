//! `cargo xtask release`: publish every crate of the workspace, in order, safely.
//!
//! Built on cargo: `cargo metadata` describes the workspace, `toml_edit` edits the
//! manifests, and since Rust 1.90 `cargo publish --workspace` orders the crates and waits
//! for each in the index. This adds what cargo lacks: a readable plan, a pre-flight check
//! of everything crates.io and docs.rs need, a one-command version bump, and a publish
//! that refuses an undated changelog, resumes after a partial failure and tags the release.
//! See `docs/releasing.md`.

mod bump;
mod changelog;
mod check;
mod manifest;
pub(crate) mod metadata;
mod plan;
mod publish;

/// Dispatches `cargo xtask release <subcommand>`.
pub(crate) fn run(args: &[String]) -> Result<(), String> {
    let (command, rest) = match args.split_first() {
        Some((command, rest)) => (command.as_str(), rest),
        None => ("help", &[][..]),
    };
    match command {
        "plan" => plan::run(rest),
        "check" => check::run(rest),
        "bump" => bump::run(rest),
        "publish" => publish::run(rest),
        "help" | "--help" | "-h" => {
            print!("{HELP}");
            Ok(())
        }
        other => Err(format!(
            "unknown `release` command `{other}`; try `cargo xtask release help`"
        )),
    }
}

/// The flags of `release <command>`, each one of `known`.
fn flags<'a>(command: &str, args: &'a [String], known: &[&str]) -> Result<Vec<&'a str>, String> {
    let unknown = args.iter().find(|arg| !known.contains(&arg.as_str()));
    match unknown {
        Some(arg) => Err(format!(
            "unknown `release {command}` argument `{arg}`; see `cargo xtask release help`"
        )),
        None => Ok(args.iter().map(String::as_str).collect()),
    }
}

const HELP: &str = "\
cargo xtask release <command>   (see docs/releasing.md)

commands:
  plan                      the crates to publish, in dependency order, with their versions
  check [--no-dry-run] [--allow-dirty] [--no-semver-checks]
                            everything crates.io and docs.rs need, exact internal pins, the
                            changelog entry, `cargo publish --workspace --dry-run`, and
                            cargo-semver-checks against crates.io (where installed)
  bump <major|minor|patch|X.Y.Z> [--dry-run]
                            move every crate and internal pin to the new version and add
                            its changelog heading
  publish [--yes]           `cargo publish --workspace` (asks first unless --yes): cargo
                            publishes in order and waits for the index; crates already
                            on crates.io are excluded, so it can be re-run; tags vX.Y.Z
";
