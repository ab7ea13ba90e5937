//! One `list_prompts` call (limit 20) over loopback HTTP/1.1: the SDK's async and blocking
//! clients beside a bare hyper-util client decoding the same body into the same types.
//!
//! `cargo bench -p mutagent-benches --bench client`
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // not published: tooling and tests may panic

use std::process::ExitCode;

use mutagent_benches::bare::BareClient;
use mutagent_benches::harness::{goal, Comparison, Variant};
use mutagent_benches::server::{self, Server};
use mutagent_benches::{context, fixtures, list_prompts, sdk_client, BenchError};
use mutagent_core::BlockingClient;
use mutagent_prompt::{ListPrompts, PromptExt, PromptList};

const API_KEY: &str = "mt_bench_key";

fn main() -> ExitCode {
    mutagent_benches::exit_with(run())
}

fn run() -> Result<(), BenchError> {
    let body = fixtures::prompt_page(20);
    let body_len = body.len();
    let server = Server::start(server::fixed(body))?;
    let url = server.url();
    let uri: http::Uri = format!("{url}/api/prompt/?limit=20")
        .parse()
        .map_err(context("bad URI"))?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(context("cannot start the client runtime"))?;

    let sdk = sdk_client(API_KEY, &url)?;
    let blocking = BlockingClient::builder()
        .api_key(API_KEY)
        .server_url(url.as_str())
        .build()
        .map_err(context("cannot build the blocking client"))?;
    let bare = BareClient::new(API_KEY);
    let params = ListPrompts::new().limit(20);

    let check = |page: PromptList| -> Result<(), BenchError> {
        if page.data.len() == 20 {
            Ok(())
        } else {
            Err(format!("expected 20 prompts, got {}", page.data.len()))
        }
    };

    let async_vs_bare = Comparison::new(format!(
        "list_prompts limit=20 ({body_len} B body), async SDK vs bare hyper + serde_json"
    ));
    if async_vs_bare.selected() {
        let report = async_vs_bare.run(&mut [
            Variant::new("bare hyper-util + serde_json", || {
                check(runtime.block_on(bare.get_json::<PromptList>(&uri))?)
            }),
            Variant::new("sdk async client", || {
                check(list_prompts(&runtime, &sdk, &params)?)
            }),
        ])?;
        let ratio = report.ratio("sdk async client", "bare hyper-util + serde_json")?;
        goal(
            "SDK async within 1.15x of bare hyper (medians)",
            format!("{ratio:.3}x"),
            ratio <= 1.15,
        );
    }

    let blocking_vs_async = Comparison::new(format!(
        "list_prompts limit=20 ({body_len} B body), blocking SDK vs async SDK"
    ));
    if blocking_vs_async.selected() {
        let report = blocking_vs_async.run(&mut [
            Variant::new("sdk async client", || {
                check(list_prompts(&runtime, &sdk, &params)?)
            }),
            Variant::new("sdk blocking client", || {
                check(
                    blocking
                        .prompt()
                        .list_prompts(&params)
                        .map_err(|err| err.to_string())?,
                )
            }),
        ])?;
        let extra = report.difference_us("sdk blocking client", "sdk async client")?;
        goal(
            "blocking within 40 µs of async (medians)",
            format!("{extra:+.1} µs"),
            extra <= 40.0,
        );
    }
    drop(server);
    Ok(())
}
