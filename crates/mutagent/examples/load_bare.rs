//! The baseline of the `load` example: the same `GET /api/prompt/?limit=20` loop written by
//! hand with a bare hyper-util client, each answer decoded with serde_json into the SDK's
//! typed page. Same options as `load`:
//!
//! ```text
//! cargo run --release -p mutagent --example load_bare -- \
//!     --server-url http://127.0.0.1:3003 --concurrency 64 --seconds 10 [--blocking]
//! ```
//!
//! `--blocking` runs N threads, each driving its own client on its own current-thread
//! runtime (what a hand-written blocking loop over hyper would do).

use std::time::Instant;

use bytes::Bytes;
use http::{HeaderValue, Request, Uri};
use http_body_util::{BodyExt, Empty};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use mutagent::prompt::PromptList;

#[path = "load_common/mod.rs"]
mod common;

use common::{Options, Tally, Window};

type Bare = hyper_util::client::legacy::Client<HttpConnector, Empty<Bytes>>;

fn main() -> std::process::ExitCode {
    common::exit_with(run())
}

fn run() -> Result<(), String> {
    let Some(options) = Options::from_args("load_bare")? else {
        return Ok(());
    };
    let uri: Uri = format!("{}/api/prompt/?limit=20", options.server_url)
        .parse()
        .map_err(|err| format!("--server-url: not a URL: {err}"))?;
    if uri.scheme_str() != Some("http") {
        return Err("load_bare speaks plain http:// only".to_owned());
    }
    let api_key = HeaderValue::from_str(&options.api_key)
        .map_err(|err| format!("--api-key: not a valid header value: {err}"))?;
    let window = Window::new(&options);
    let tallies = if options.blocking {
        run_blocking(&options, &window, &uri, &api_key)?
    } else {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .map_err(|err| format!("cannot start the runtime: {err}"))?;
        let client = new_client();
        runtime.block_on(run_async(&options, &window, client, &uri, &api_key))?
    };
    let mode = if options.blocking {
        "bare blocking"
    } else {
        "bare async"
    };
    common::report(&options, mode, tallies)
}

fn new_client() -> Bare {
    let mut connector = HttpConnector::new();
    connector.set_nodelay(true);
    hyper_util::client::legacy::Client::builder(TokioExecutor::new()).build(connector)
}

/// One call: GET, read the body, check the status, decode.
async fn call(client: &Bare, uri: &Uri, api_key: &HeaderValue) -> Result<PromptList, String> {
    let request = Request::get(uri.clone())
        .header(http::header::ACCEPT, "application/json")
        .header("x-api-key", api_key.clone())
        .body(Empty::new())
        .map_err(|err| format!("cannot build the request: {err}"))?;
    let response = client
        .request(request)
        .await
        .map_err(|err| format!("request failed: {err}"))?;
    let status = response.status();
    let body = response
        .into_body()
        .collect()
        .await
        .map_err(|err| format!("the body broke off: {err}"))?
        .to_bytes();
    if !status.is_success() {
        let shown = String::from_utf8_lossy(&body[..body.len().min(200)]).into_owned();
        return Err(format!("the server answered {status}: {shown}"));
    }
    let page: PromptList =
        serde_json::from_slice(&body).map_err(|err| format!("cannot decode the page: {err}"))?;
    if page.data.len() > 20 {
        return Err(format!(
            "the server answered {} prompts to limit=20",
            page.data.len()
        ));
    }
    Ok(page)
}

async fn worker(
    client: Bare,
    window: Window,
    uri: Uri,
    api_key: HeaderValue,
) -> Result<Tally, String> {
    let mut tally = Tally::default();
    let mut done = 0u64;
    while window.running() {
        let started = Instant::now();
        call(&client, &uri, &api_key).await.map_err(|err| {
            window.abort();
            format!("list_prompts failed after {done} successful calls: {err}")
        })?;
        done += 1;
        tally.record(&window, started);
    }
    Ok(tally)
}

async fn run_async(
    options: &Options,
    window: &Window,
    client: Bare,
    uri: &Uri,
    api_key: &HeaderValue,
) -> Result<Vec<Tally>, String> {
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..options.concurrency {
        tasks.spawn(worker(
            client.clone(),
            window.clone(),
            uri.clone(),
            api_key.clone(),
        ));
    }
    let mut outcomes = Vec::with_capacity(options.concurrency);
    while let Some(joined) = tasks.join_next().await {
        outcomes.push(joined.map_err(|err| format!("a worker task failed: {err}")));
    }
    common::gather(outcomes)
}

fn run_blocking(
    options: &Options,
    window: &Window,
    uri: &Uri,
    api_key: &HeaderValue,
) -> Result<Vec<Tally>, String> {
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..options.concurrency)
            .map(|_| {
                let (window, uri, api_key) = (window.clone(), uri.clone(), api_key.clone());
                scope.spawn(move || {
                    let runtime = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .map_err(|err| format!("cannot start a runtime: {err}"))?;
                    runtime.block_on(worker(new_client(), window, uri, api_key))
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
