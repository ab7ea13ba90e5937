//! Benchmarks of the MutagenT Rust SDK, each beside a hand-written baseline measured in the
//! same run (see `docs/performance.md`).
//!
//! This library holds what the bench targets share:
//!
//! * [`harness`]: a small interleaving harness (warm-up, many timed iterations per variant,
//!   rounds alternating the order of the variants, median / p95 / mean, ratios to a baseline);
//! * [`server`]: an in-process loopback HTTP/1.1 server that answers from a handler;
//! * [`fixtures`]: realistic `list_prompts` pages of any size;
//! * [`bare`]: the hand-written baseline, a bare hyper-util client decoding with serde_json.
//!
//! Run them with `cargo bench -p mutagent-benches` (add a word after `--` to run only the
//! comparisons whose title contains it, and set `MUTAGENT_BENCH_SCALE=0.2` for a quick pass).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // not published: tooling and tests may panic

pub mod bare;
pub mod fixtures;
pub mod harness;
pub mod server;

/// The error type of the bench binaries: a message, printed before exiting non-zero.
pub type BenchError = String;

/// Turns any displayable error into a [`BenchError`] with some context.
pub fn context<E: std::fmt::Display>(what: &'static str) -> impl FnOnce(E) -> BenchError {
    move |err| format!("{what}: {err}")
}

/// An SDK client aimed at `url` that sends `api_key`.
pub fn sdk_client(api_key: &str, url: &str) -> Result<mutagent_core::Client, BenchError> {
    mutagent_core::Client::builder()
        .api_key(api_key)
        .server_url(url)
        .build()
        .map_err(context("cannot build the SDK client"))
}

/// `list_prompts` with `params` through `client` on `runtime`: the page, or the error as text.
pub fn list_prompts(
    runtime: &tokio::runtime::Runtime,
    client: &mutagent_core::Client,
    params: &mutagent_prompt::ListPrompts,
) -> Result<mutagent_prompt::PromptList, BenchError> {
    use mutagent_prompt::PromptExt;
    runtime
        .block_on(client.prompt().list_prompts(params))
        .map_err(|err| err.to_string())
}

/// The exit of a bench binary: success, or the message on stderr and a non-zero code.
pub fn exit_with(result: Result<(), BenchError>) -> std::process::ExitCode {
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            std::process::ExitCode::FAILURE
        }
    }
}
