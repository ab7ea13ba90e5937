//! A load tool: `list_prompts` (limit 20) in a loop through the SDK, each answer decoded into
//! the typed page.
//!
//! ```text
//! cargo run --release -p mutagent --example load -- \
//!     --server-url http://127.0.0.1:3003 --concurrency 64 --seconds 10 [--blocking]
//! ```
//!
//! Compare with `load_bare` (the same loop with bare hyper + serde_json) against the same
//! server; see docs/performance.md. It exits non-zero with a message at the first failed call.

use std::time::Instant;

use mutagent::prelude::*;
use mutagent::prompt::{ListPrompts, PromptList};
use mutagent::{BlockingClient, Client, RetryPolicy};

#[path = "load_common/mod.rs"]
mod common;

use common::{Options, Tally, Window};

fn main() -> std::process::ExitCode {
    common::exit_with(run())
}

fn run() -> Result<(), String> {
    let Some(options) = Options::from_args("load")? else {
        return Ok(());
    };
    let builder = || {
        Client::builder()
            .server_url(options.server_url.as_str())
            .api_key(options.api_key.as_str())
            .retry_policy(RetryPolicy::disabled())
    };
    let tallies = if options.blocking {
        let client = builder()
            .build_blocking()
            .map_err(|err| format!("cannot build the client: {err}"))?;
        run_blocking(&options, client)?
    } else {
        let client = builder()
            .build()
            .map_err(|err| format!("cannot build the client: {err}"))?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .map_err(|err| format!("cannot start the runtime: {err}"))?;
        runtime.block_on(run_async(&options, client))?
    };
    let mode = if options.blocking {
        "sdk blocking"
    } else {
        "sdk async"
    };
    common::report(&options, mode, tallies)
}

fn check(page: &PromptList) -> Result<(), String> {
    if page.data.len() > 20 {
        return Err(format!(
            "the server answered {} prompts to limit=20",
            page.data.len()
        ));
    }
    Ok(())
}

/// Counts one finished call, the same for both clients: a failed call or a wrong page stops
/// every worker (the window is aborted) with a message.
fn settle(
    window: &Window,
    tally: &mut Tally,
    done: &mut u64,
    started: Instant,
    outcome: Result<PromptList, mutagent::Error>,
) -> Result<(), String> {
    let page = outcome.map_err(|err| {
        window.abort();
        format!("list_prompts failed after {done} successful calls: {err}")
    })?;
    check(&page).inspect_err(|_| window.abort())?;
    *done += 1;
    tally.record(window, started);
    Ok(())
}

async fn run_async(options: &Options, client: Client) -> Result<Vec<Tally>, String> {
    let window = Window::new(options);
    let params = ListPrompts::new().limit(20);
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..options.concurrency {
        let client = client.clone();
        let window = window.clone();
        let params = params.clone();
        tasks.spawn(async move {
            let mut tally = Tally::default();
            let mut done = 0u64;
            while window.running() {
                let started = Instant::now();
                let outcome = client.prompt().list_prompts(&params).await;
                settle(&window, &mut tally, &mut done, started, outcome)?;
            }
            Ok::<Tally, String>(tally)
        });
    }
    let mut outcomes = Vec::with_capacity(options.concurrency);
    while let Some(joined) = tasks.join_next().await {
        outcomes.push(joined.map_err(|err| format!("a worker task failed: {err}")));
    }
    common::gather(outcomes)
}

fn run_blocking(options: &Options, client: BlockingClient) -> Result<Vec<Tally>, String> {
    let window = Window::new(options);
    let params = ListPrompts::new().limit(20);
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..options.concurrency)
            .map(|_| {
                let client = client.clone();
                let window = window.clone();
                let params = params.clone();
                scope.spawn(move || {
                    let mut tally = Tally::default();
                    let mut done = 0u64;
                    while window.running() {
                        let started = Instant::now();
                        let outcome = client.prompt().list_prompts(&params);
                        settle(&window, &mut tally, &mut done, started, outcome)?;
                    }
                    Ok::<Tally, String>(tally)
                })
            })
            .collect();
        common::gather(workers.into_iter().map(|worker| {
            worker
                .join()
                .map_err(|_| "a worker thread panicked".to_owned())
        }))
    })
}
