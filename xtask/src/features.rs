//! `cargo xtask features`: every published crate builds alone, and with each of its features
//! alone, as users build them.
//!
//! `cargo test --workspace` unifies features over every member: `mutagent-e2e` turns on the
//! umbrella's `full`, the namespace crates' dev-dependencies turn on tokio's runtime, and so
//! on. A crate that compiles only thanks to a feature another member turns on, an import left
//! unused under one feature set, or a doc link to an item behind a feature that is off, are
//! invisible there. Cargo unifies features only over the packages it is asked to build, so
//! `cargo check -p <crate> …` is the crate as a user gets it. The runs are listed in
//! `combinations.rs`, from `cargo metadata`; each one prints a line, and a run that fails or
//! warns fails the command (warnings too: CI denies them on the workspace's feature set).

mod combinations;

use std::io::Write;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::release::metadata;
use combinations::{Combination, Scope};

const USAGE: &str = "cargo xtask features [--quick] [--list]\n\n  \
    --quick   only `cargo check --lib` of each feature set (no tests, examples, docs or doc tests)\n  \
    --list    print the cargo commands, run none";

/// Runs every combination; `Err` names those that failed or warned.
pub(crate) fn run(args: &[String]) -> Result<(), String> {
    let mut scope = Scope::Full;
    let mut list_only = false;
    for arg in args {
        match arg.as_str() {
            "--quick" => scope = Scope::Quick,
            "--list" => list_only = true,
            "-h" | "--help" | "help" => {
                println!("{USAGE}");
                return Ok(());
            }
            other => return Err(format!("unknown `features` argument `{other}`\n{USAGE}")),
        }
    }
    let ws = metadata::load()?;
    let combinations = combinations::list(&ws, scope);
    if list_only {
        // Written, not `println!`ed: piped into `head`, a closed pipe ends the list quietly.
        let mut out = std::io::stdout().lock();
        for combination in &combinations {
            if writeln!(out, "{combination}").is_err() {
                break;
            }
        }
        return Ok(());
    }
    println!(
        "{} combinations of {} published crates",
        combinations.len(),
        ws.publishable().count()
    );
    let started = Instant::now();
    let mut bad = Vec::new();
    for combination in &combinations {
        let outcome = run_one(&ws.root, combination)?;
        println!(
            "{:<8} {:>6.1}s  {combination}",
            outcome.verdict(),
            outcome.took.as_secs_f64()
        );
        if !outcome.is_clean() {
            // Cargo's own diagnostics say which item and why; its progress lines do not.
            for line in outcome.output.lines().filter(|line| !is_progress(line)) {
                println!("    {line}");
            }
            bad.push(format!("{combination} ({})", outcome.verdict()));
        }
    }
    println!(
        "{} combinations in {:.0}s: {} clean",
        combinations.len(),
        started.elapsed().as_secs_f64(),
        combinations.len() - bad.len()
    );
    if bad.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{} of {} combinations failed or warned:\n  {}",
            bad.len(),
            combinations.len(),
            bad.join("\n  ")
        ))
    }
}

/// What one cargo run gave.
struct Outcome {
    success: bool,
    warnings: usize,
    took: Duration,
    /// Cargo's error output, then the standard output (where a failed test says why).
    output: String,
}

impl Outcome {
    fn is_clean(&self) -> bool {
        self.success && self.warnings == 0
    }

    fn verdict(&self) -> String {
        match (self.success, self.warnings) {
            (false, _) => "FAILED".to_string(),
            (true, 0) => "ok".to_string(),
            (true, n) => format!("{n} warn"),
        }
    }
}

/// Runs one combination in the workspace `root`, its output captured.
fn run_one(root: &Path, combination: &Combination) -> Result<Outcome, String> {
    let started = Instant::now();
    let output = Command::new(metadata::cargo_bin())
        .args(combination.args())
        .current_dir(root)
        .output()
        .map_err(|e| format!("could not run `{combination}`: {e}"))?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    Ok(Outcome {
        success: output.status.success(),
        warnings: warning_count(&stderr),
        took: started.elapsed(),
        output: format!("{stderr}{}", String::from_utf8_lossy(&output.stdout)),
    })
}

/// The warnings cargo reports for the workspace's crates, from its summary lines
/// (``warning: `mutagent` (lib) generated 2 warnings``): cargo shows no warnings of
/// registry crates, and notes such as the future-incompatibility report have no such line.
fn warning_count(stderr: &str) -> usize {
    stderr
        .lines()
        .filter_map(|line| {
            let rest = line.strip_prefix("warning: `")?;
            let (_, count) = rest.split_once(" generated ")?;
            count.split(' ').next()?.parse::<usize>().ok()
        })
        .sum()
}

/// Whether `line` is one of cargo's progress lines (`Checking …`, `Finished …`).
fn is_progress(line: &str) -> bool {
    const VERBS: [&str; 10] = [
        "Blocking",
        "Checking",
        "Compiling",
        "Documenting",
        "Downloaded",
        "Downloading",
        "Finished",
        "Generated",
        "Locking",
        "Updating",
    ];
    let line = line.trim_start();
    VERBS
        .iter()
        .any(|verb| line.strip_prefix(verb).is_some_and(|r| r.starts_with(' ')))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `cargo check` printed for `mutagent --no-default-features` before `operations()`
    /// stopped warning, and what `cargo doc` printed for its broken links.
    const STDERR: &str = "    Checking mutagent-core v0.1.0 (/ws/crates/mutagent-core)
    Checking mutagent v0.1.0 (/ws/crates/mutagent)
warning: variable does not need to be mutable
   --> crates/mutagent/src/lib.rs:322:9
warning: `mutagent` (lib test) generated 1 warning (1 duplicate)
warning: `mutagent` (lib) generated 1 warning (run `cargo fix --lib -p mutagent` to apply 1 suggestion)
warning: unresolved link to `prompt`
warning: `mutagent` (lib doc) generated 10 warnings
warning: the following packages contain code that will be rejected by a future version of Rust: foo v0.1.0
    Finished `dev` profile [unoptimized + debuginfo] target(s) in 6.47s
";

    #[test]
    fn counts_the_warnings_of_cargo_summary_lines_only() {
        assert_eq!(warning_count(STDERR), 12);
        assert_eq!(
            warning_count("    Finished `dev` profile in 0.1s\n"),
            0,
            "a clean run"
        );
    }

    #[test]
    fn drops_progress_lines_and_keeps_diagnostics() {
        let kept: Vec<&str> = STDERR.lines().filter(|l| !is_progress(l)).collect();
        assert_eq!(kept.len(), 7, "{kept:#?}");
        assert_eq!(kept[0], "warning: variable does not need to be mutable");
        assert!(!is_progress("error[E0432]: unresolved import `Checking`"));
    }

    #[test]
    fn a_run_with_warnings_is_not_clean() {
        let outcome = |success, warnings| Outcome {
            success,
            warnings,
            took: Duration::ZERO,
            output: String::new(),
        };
        assert!(outcome(true, 0).is_clean());
        assert!(!outcome(true, 1).is_clean());
        assert_eq!(outcome(true, 2).verdict(), "2 warn");
        assert!(!outcome(false, 0).is_clean());
        assert_eq!(outcome(false, 0).verdict(), "FAILED");
    }

    #[test]
    fn refuses_unknown_arguments_before_running_anything() {
        let err = run(&["--everything".to_string()]).expect_err("an unknown flag");
        assert!(err.contains("--everything"), "{err}");
    }
}
