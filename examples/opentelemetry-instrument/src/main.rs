//! Runs support-bot once against an in-process MutagenT emulator and prints what arrived.
//!
//! ```text
//! cargo run            # the 0.1.2 batch
//! cargo run -- otlp    # OTLP/JSON to the OTLP route
//! cargo run -- hook    # the 0.4.1 hook format
//! ```

use mutagent::opentelemetry::Protocol;
use mutagent::prelude::*;
use mutagent::traces::{v0_4, ListTraces};
use mutagent_emulator::{Emulator, TracesContract};

const KEY: &str = "mt_example_key";

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let protocol = match std::env::args().nth(1).as_deref() {
        None | Some("batch") => Protocol::Batch,
        Some("otlp") => Protocol::Otlp,
        Some("hook") => Protocol::HookV0_4,
        Some(other) => return Err(format!("usage: [batch|otlp|hook], not {other}").into()),
    };
    // A server of the generation that speaks the protocol.
    let contract = match protocol {
        Protocol::HookV0_4 => TracesContract::V0_4_1,
        _ => TracesContract::V0_1_2,
    };
    let emulator = Emulator::builder()
        .api_key(KEY)
        .traces_contract(contract)
        .start()
        .await?;
    let client = mutagent::Client::builder()
        .env(mutagent::env::EmptyEnv)
        .server_url(emulator.url())
        .api_key(KEY)
        .build()?;

    let provider = support_bot::tracer_provider(&client, protocol, "support-bot", "development")?;
    tracing::subscriber::set_global_default(support_bot::subscriber(&provider))?;

    let reply = support_bot::answer("user-42", "What is the capital of France?").await;
    println!("the app answered: {reply}");

    // Deliver now (e.g. at the end of a request in a serverless function), then once more
    // before the program ends (blocking calls: off the async workers). The second export would
    // carry the `mutagent.call` span of the first delivery, a second trace, if the exporter did
    // not leave its own calls out.
    let flush = provider.clone();
    tokio::task::spawn_blocking(move || flush.force_flush()).await??;
    let shutdown = provider.clone();
    tokio::task::spawn_blocking(move || shutdown.shutdown()).await??;

    println!("what arrived ({protocol:?}):");
    let mut traces = 0;
    if protocol == Protocol::HookV0_4 {
        for trace in client
            .traces_v0_4()
            .list_traces(&v0_4::ListTraces::new())
            .await?
            .data
        {
            let spans = client
                .traces_v0_4()
                .list_trace_spans(&trace.trace_id)
                .await?;
            println!("{}", serde_json::to_string_pretty(&spans.data)?);
            traces += 1;
        }
    } else {
        for listed in client.traces().list_traces(&ListTraces::new()).await?.data {
            let trace = client.traces().get_trace(listed.id).await?;
            println!("{}", serde_json::to_string_pretty(&trace)?);
            traces += 1;
        }
    }
    if traces != 1 {
        return Err(format!("expected the app's one trace, {traces} arrived").into());
    }
    Ok(())
}
