//! The compile-time budget: what a user pays to build the SDK and call the API, against what the
//! same user pays to call it with the base stack alone (docs/performance.md, "Compile time").
//!
//! One run builds, one after the other and each in a fresh target directory, four fresh
//! crates outside the workspace (so cargo's default dev profile applies, as for a user):
//! one depending on the base stack only with an empty library, one on the umbrella with
//! default features, one on core plus one namespace, and one on the base stack that makes one
//! HTTPS call and decodes its JSON — the least a user without the SDK compiles to talk to the
//! API. The goals are judged against that last crate: Rust compiles generic code where it is
//! instantiated, so the empty library compiles none of hyper's client, rustls' streams or
//! serde_json's decoder, which our crates (and any program that calls the API) must
//! instantiate; comparing with it charged the SDK for the HTTPS client itself. The ratios to
//! the empty library are still printed, for reference. Each crate gets a copy of our
//! `Cargo.lock`, so the versions are ours. It reports the CPU time (user + system) of each
//! build and the ratios. CPU time, not wall time: on a shared machine the wall clock measures
//! the neighbours.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// The base stack of the design, with the features mutagent-core turns on.
const BASE_DEPENDENCIES: &str = r#"hyper = { version = "1", default-features = false, features = ["client", "http1", "http2"] }
hyper-util = { version = "0.1", default-features = false, features = ["client-legacy", "client-proxy", "http1", "http2", "tokio"] }
hyper-rustls = { version = "0.27", default-features = false, features = ["ring", "webpki-roots", "http1", "http2", "tls12"] }
http-body-util = "0.1"
tokio = { version = "1", default-features = false, features = ["rt", "time", "sync"] }
serde = { version = "1", features = ["derive"] }
serde_json = "1"
thiserror = "2"
"#;

/// The goals' reference crate's code: one HTTPS call through the base stack, the way its docs
/// show it (hyper-util's pooled client over hyper-rustls with webpki roots, HTTP/1.1 and 2),
/// the body collected and decoded into a derived type, errors through thiserror. Generic code
/// is compiled where it is instantiated, so this is what the base stack costs once used; an
/// empty library on the same dependencies compiles none of it.
const ONE_CALL_SOURCE: &str = r#"//! One HTTPS call through the base stack alone.
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;

#[derive(Debug, thiserror::Error)]
pub enum CallError {
    #[error("transport")]
    Transport(#[from] hyper_util::client::legacy::Error),
    #[error("body")]
    Body(#[from] hyper::Error),
    #[error("decode")]
    Decode(#[from] serde_json::Error),
    #[error("request")]
    Request(#[from] hyper::http::Error),
}

#[derive(Debug, serde::Deserialize)]
pub struct Prompt {
    pub id: u64,
    pub name: String,
}

pub async fn get_prompt(key: &str, id: u64) -> Result<Prompt, CallError> {
    let https = hyper_rustls::HttpsConnectorBuilder::new()
        .with_webpki_roots()
        .https_or_http()
        .enable_http1()
        .enable_http2()
        .build();
    let client: Client<_, Full<Bytes>> = Client::builder(TokioExecutor::new()).build(https);
    let request = hyper::Request::get(format!("https://api.example.com/api/prompts/{id}"))
        .header("authorization", format!("Bearer {key}"))
        .body(Full::new(Bytes::new()))?;
    let response = client.request(request).await?;
    let body = response.into_body().collect().await?.to_bytes();
    Ok(serde_json::from_slice(&body)?)
}
"#;

/// What a user's own crate compiles when it calls the SDK: 9 calls (7 answer types), async and
/// blocking, in functions that are not generic, so they are compiled in this crate as a user's
/// code is. Printed, not a goal: every answer type's decoder and each call's state machine are
/// compiled here, in the caller, and the fresh crates above contain none of it
/// (docs/performance.md, "Fourth pass").
const CALLS_SOURCE: &str = r#"//! Nine calls on the umbrella, as a user's crate makes them.
use mutagent::prelude::*;
use mutagent::prompt::ListPrompts;
use mutagent::prompt_datasets::ListPromptDatasets;
use mutagent::traces::ListTraces;

pub async fn calls(client: &mutagent::Client) -> Result<String, mutagent::Error> {
    let prompts = client.prompt().list_prompts(&ListPrompts::new()).await?;
    let prompt = client.prompt().get_prompt(1).await?;
    let tags = client.prompt().list_prompt_tags().await?;
    let datasets = client.prompt_datasets().list_prompt_datasets(&ListPromptDatasets::new()).await?;
    let dataset = client.prompt_datasets().get_prompt_dataset(1).await?;
    let traces = client.traces().list_traces(&ListTraces::new()).await?;
    let trace = client.traces().get_trace("t").await?;
    Ok(format!("{} {} {} {} {} {} {}", prompts.total, prompt.id, tags.len(), datasets.total, dataset.id, traces.total, trace.id))
}

pub fn blocking_calls(client: &mutagent::BlockingClient) -> Result<String, mutagent::Error> {
    let prompts = client.prompt().list_prompts(&ListPrompts::new())?;
    let dataset = client.prompt_datasets().get_prompt_dataset(1)?;
    Ok(format!("{} {}", prompts.total, dataset.id))
}
"#;

/// The goal for the umbrella with default features, as a ratio to the base stack making one
/// call.
pub(crate) const UMBRELLA_GOAL: f64 = 1.20;
/// The goal for core plus one namespace, as a ratio to the base stack making one call.
pub(crate) const CORE_GOAL: f64 = 1.08;

/// One measured build.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct BuildCost {
    /// User + system CPU seconds of cargo and everything it ran.
    pub(crate) cpu: f64,
    /// Wall-clock seconds.
    pub(crate) wall: f64,
}

/// The manifest of a fresh crate named `name` with these dependency lines.
pub(crate) fn manifest(name: &str, dependencies: &str) -> String {
    format!(
        "[package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
         [dependencies]\n{dependencies}\n[workspace]\n"
    )
}

/// One fresh crate of the measurement.
#[derive(Debug, Clone)]
pub(crate) struct FreshCrate {
    /// How the report names it.
    pub(crate) label: &'static str,
    /// Its package name.
    pub(crate) name: &'static str,
    /// Its `[dependencies]` lines.
    pub(crate) dependencies: String,
    /// Its `src/lib.rs`.
    pub(crate) source: &'static str,
}

/// The four crates, in the order they are built and reported: the empty base, umbrella, core
/// plus one namespace, and the base stack making one call (the goals' reference).
pub(crate) fn crates(root: &Path) -> [FreshCrate; 4] {
    let path = |name: &str| root.join("crates").join(name).display().to_string();
    let fresh = |label, name, dependencies, source| FreshCrate {
        label,
        name,
        dependencies,
        source,
    };
    [
        fresh(
            "base stack, empty library",
            "budget-base",
            BASE_DEPENDENCIES.to_owned(),
            "",
        ),
        fresh(
            "umbrella `mutagent` (default features)",
            UMBRELLA_CRATE,
            format!("mutagent = {{ path = {:?} }}\n", path("mutagent")),
            "",
        ),
        fresh(
            "mutagent-core + mutagent-prompt",
            "budget-core-prompt",
            format!(
                "mutagent-core = {{ path = {:?} }}\nmutagent-prompt = {{ path = {:?} }}\n",
                path("mutagent-core"),
                path("mutagent-prompt")
            ),
            "",
        ),
        fresh(
            "base stack making one HTTPS call",
            "budget-base-one-call",
            BASE_DEPENDENCIES.to_owned(),
            ONE_CALL_SOURCE,
        ),
    ]
}

/// What [`measure`] found: per fresh crate in order, the build with the median CPU time; and
/// the median rebuild of the umbrella crate once it makes calls ([`CALLS_SOURCE`]).
#[derive(Debug)]
pub(crate) struct Measured {
    pub(crate) crates: Vec<BuildCost>,
    pub(crate) calls: BuildCost,
}

/// Builds each crate `rounds` times, the crates taking turns (base, umbrella, core, one call, base, …)
/// so a burst of load falls on all of them, each build in a fresh target directory under
/// `scratch`. After each umbrella build, that crate is given [`CALLS_SOURCE`] and rebuilt:
/// only it recompiles, so that build is what a user's code pays for its calls.
pub(crate) fn measure(root: &Path, scratch: &Path, rounds: usize) -> Result<Measured, String> {
    let lock = std::fs::read_to_string(root.join("Cargo.lock"))
        .map_err(|e| format!("cannot read Cargo.lock: {e}"))?;
    let crates = crates(root);
    let mut costs: Vec<Vec<BuildCost>> = vec![Vec::new(); crates.len()];
    let mut calls = Vec::new();
    for round in 1..=rounds.max(1) {
        for (fresh, runs) in crates.iter().zip(&mut costs) {
            let FreshCrate {
                label,
                name,
                dependencies,
                source,
            } = fresh;
            let dir = scratch.join(name);
            let _ = std::fs::remove_dir_all(&dir);
            let write = |path: PathBuf, text: &str| {
                std::fs::write(&path, text)
                    .map_err(|e| format!("cannot write {}: {e}", path.display()))
            };
            std::fs::create_dir_all(dir.join("src"))
                .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
            write(dir.join("Cargo.toml"), &manifest(name, dependencies))?;
            write(dir.join("src").join("lib.rs"), source)?;
            write(dir.join("Cargo.lock"), &lock)?;
            let build = || {
                timed(
                    Command::new(super::cargo_bin())
                        .current_dir(&dir)
                        .env("CARGO_TARGET_DIR", dir.join("target"))
                        // A user gets our crates from crates.io, which cargo never builds
                        // incrementally; as path dependencies here they would be, at extra cost.
                        .env("CARGO_INCREMENTAL", "0")
                        .env_remove("RUSTFLAGS")
                        .args(["build", "--quiet", "--offline"]),
                )
                .map_err(|e| format!("building the {label} crate: {e}"))
            };
            let cost = build()?;
            println!(
                "  round {round}: {label:<42} {:>7.1} s CPU {:>7.1} s wall",
                cost.cpu, cost.wall
            );
            runs.push(cost);
            if *name == UMBRELLA_CRATE {
                write(dir.join("src").join("lib.rs"), CALLS_SOURCE)?;
                let cost = build()?;
                println!(
                    "  round {round}: {:<42} {:>7.1} s CPU {:>7.1} s wall",
                    "  then its own code making 9 calls", cost.cpu, cost.wall
                );
                calls.push(cost);
            }
        }
    }
    Ok(Measured {
        crates: costs.into_iter().map(median).collect(),
        calls: median(calls),
    })
}

/// The package name of the umbrella's fresh crate, which is then given calls to make.
const UMBRELLA_CRATE: &str = "budget-umbrella";

/// The run with the median CPU time (the lower middle one of an even count).
pub(crate) fn median(mut runs: Vec<BuildCost>) -> BuildCost {
    runs.sort_by(|a, b| a.cpu.total_cmp(&b.cpu));
    runs.get(runs.len().saturating_sub(1) / 2)
        .copied()
        .unwrap_or(BuildCost {
            cpu: f64::NAN,
            wall: f64::NAN,
        })
}

/// Runs `command` to completion; its CPU time is the growth of this process's
/// children's rusage (cargo waits for rustc, we wait for cargo).
fn timed(command: &mut Command) -> Result<BuildCost, String> {
    let before = children_cpu();
    let started = Instant::now();
    let output = command
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "cargo failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    Ok(BuildCost {
        cpu: children_cpu() - before,
        wall: started.elapsed().as_secs_f64(),
    })
}

/// User + system seconds of all waited-for children: `cutime` and `cstime` of
/// `/proc/self/stat`, in Linux's fixed `USER_HZ` of 100 ticks a second. Elsewhere 0, and
/// the ratios say `NaN`.
fn children_cpu() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which may hold spaces) start at field 3 (`state`).
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map_or(Vec::new(), |(_, rest)| rest.split_whitespace().collect());
    let ticks = |field: usize| fields.get(field - 3).and_then(|t| t.parse::<f64>().ok());
    ticks(16).unwrap_or(0.0) / 100.0 + ticks(17).unwrap_or(0.0) / 100.0
}

/// What the base stack making one call is called in the report lines.
const ONE_CALL: &str = "base stack making one call";
/// What the empty base stack is called in the report lines.
const EMPTY_BASE: &str = "empty base stack";

/// The ratio lines of a measurement, goals first: the umbrella and core plus one namespace
/// against the base stack making one call (like with like: every side instantiates an HTTPS
/// client), with their verdicts; then, for reference, the three crates against the empty
/// base stack; then what a user's own calls cost.
pub(crate) fn report_lines(measured: &Measured) -> Vec<String> {
    let [base, umbrella, core, one_call] = measured.crates[..] else {
        return vec![format!(
            "  (no ratios: {} builds measured, 4 expected)",
            measured.crates.len()
        )];
    };
    vec![
        ratio_line("umbrella", umbrella.cpu, one_call.cpu, UMBRELLA_GOAL),
        ratio_line("core + one namespace", core.cpu, one_call.cpu, CORE_GOAL),
        reference_line(ONE_CALL, one_call.cpu, base.cpu),
        reference_line("umbrella", umbrella.cpu, base.cpu),
        reference_line("core + one namespace", core.cpu, base.cpu),
        // Not a goal either: what a user's own code compiles for its calls.
        format!(
            "  a crate's own code making 9 calls on the umbrella (rebuilt alone): {:.2} s CPU",
            measured.calls.cpu
        ),
    ]
}

/// The report line of a ratio to the empty base stack, printed for reference, with no goal.
pub(crate) fn reference_line(label: &str, cost: f64, base: f64) -> String {
    format!(
        "  for reference, {label} / {EMPTY_BASE}: {:.2}x",
        cost / base
    )
}

/// The report line of a ratio to the base stack making one call, against its goal. Three
/// decimals, since the verdict is on the unrounded ratio: 1.085 is over a goal of 1.08.
pub(crate) fn ratio_line(label: &str, cost: f64, one_call: f64, goal: f64) -> String {
    let ratio = cost / one_call;
    let verdict = if ratio <= goal { "met" } else { "NOT met" };
    format!("compile CPU time, {label} / {ONE_CALL}: {ratio:.3}x (goal <= {goal:.2}x): {verdict}")
}

/// The 1-, 5- and 15-minute load averages, to say how busy the machine was.
pub(crate) fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|text| {
            text.split_whitespace()
                .take(3)
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_else(|_| "unknown".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fresh_crates_are_their_own_workspace_with_our_paths() {
        let crates = crates(Path::new("/repo"));
        assert_eq!(
            crates.clone().map(|c| c.name),
            [
                "budget-base",
                "budget-umbrella",
                "budget-core-prompt",
                "budget-base-one-call"
            ]
        );
        assert!(crates[1]
            .dependencies
            .contains("mutagent = { path = \"/repo/crates/mutagent\" }"));
        // The goals' reference compiles none of its dependencies' generic code; the
        // one-call crate is the same stack, used.
        assert_eq!(crates[0].source, "");
        assert_eq!(crates[3].dependencies, crates[0].dependencies);
        assert!(crates[3].source.contains("client.request(request)"));
        let text = manifest("budget-base", &crates[0].dependencies);
        assert!(
            text.ends_with("[workspace]\n"),
            "outside any workspace: {text}"
        );
        // Every crate of the base stack, and nothing of ours.
        for name in [
            "hyper",
            "hyper-util",
            "hyper-rustls",
            "http-body-util",
            "tokio",
            "serde",
            "serde_json",
            "thiserror",
        ] {
            assert!(text.contains(&format!("\n{name} = ")), "{name}");
        }
        assert!(!text.contains("mutagent"));
    }

    #[test]
    fn the_calling_crate_calls_through_both_clients_in_code_that_is_not_generic() {
        assert_eq!(crates(Path::new("/r"))[1].name, UMBRELLA_CRATE);
        assert_eq!(CALLS_SOURCE.matches(".await?").count(), 7);
        assert!(CALLS_SOURCE.contains("client: &mutagent::BlockingClient"));
        // Generic functions would be compiled only where instantiated: none here.
        assert!(!CALLS_SOURCE.contains("fn calls<") && !CALLS_SOURCE.contains("impl "));
    }

    #[test]
    fn the_median_run_is_reported() {
        let runs = |cpu: &[f64]| {
            cpu.iter()
                .map(|&cpu| BuildCost { cpu, wall: 1.0 })
                .collect()
        };
        assert_eq!(median(runs(&[48.0, 42.0, 45.0])).cpu, 45.0);
        assert_eq!(median(runs(&[50.0, 40.0])).cpu, 40.0);
        assert_eq!(median(runs(&[41.0])).cpu, 41.0);
        assert!(median(Vec::new()).cpu.is_nan());
    }

    #[test]
    fn ratios_are_judged_against_their_goal_unrounded() {
        assert_eq!(
            ratio_line("umbrella", 120.0, 100.0, UMBRELLA_GOAL),
            "compile CPU time, umbrella / base stack making one call: 1.200x (goal <= 1.20x): met"
        );
        // Session 12's figures: 35.9 s over 33.1 s is 1.085, over the goal though it rounds
        // to 1.08 at two decimals.
        assert!(
            ratio_line("core", 35.9, 33.1, CORE_GOAL).ends_with("1.085x (goal <= 1.08x): NOT met")
        );
    }

    #[test]
    fn the_goals_are_judged_against_the_crate_making_one_call() {
        let cost = |cpu| BuildCost { cpu, wall: 1.0 };
        // Session 12's medians: empty base, umbrella, core + prompt, one call; the calls.
        let measured = Measured {
            crates: vec![cost(31.4), cost(38.6), cost(35.9), cost(33.1)],
            calls: cost(0.45),
        };
        assert_eq!(
            report_lines(&measured),
            [
                "compile CPU time, umbrella / base stack making one call: 1.166x (goal <= 1.20x): met",
                "compile CPU time, core + one namespace / base stack making one call: 1.085x (goal <= 1.08x): NOT met",
                "  for reference, base stack making one call / empty base stack: 1.05x",
                "  for reference, umbrella / empty base stack: 1.23x",
                "  for reference, core + one namespace / empty base stack: 1.14x",
                "  a crate's own code making 9 calls on the umbrella (rebuilt alone): 0.45 s CPU",
            ]
        );
        // The crate the goals divide by is the one making a call, built from the same
        // dependencies as the empty base.
        let crates = crates(Path::new("/r"));
        assert_eq!(crates[3].source, ONE_CALL_SOURCE);
        assert_eq!(crates[3].dependencies, crates[0].dependencies);
        let partial = Measured {
            crates: vec![cost(31.4)],
            calls: cost(0.4),
        };
        assert_eq!(
            report_lines(&partial),
            ["  (no ratios: 1 builds measured, 4 expected)"]
        );
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn child_cpu_time_is_counted() {
        let before = children_cpu();
        let cost = timed(
            Command::new("sh").args(["-c", "i=0; while [ $i -lt 200000 ]; do i=$((i+1)); done"]),
        )
        .expect("sh runs");
        assert!(cost.cpu > 0.0 && children_cpu() > before, "{cost:?}");
        assert!(timed(&mut Command::new("false")).is_err());
    }
}
