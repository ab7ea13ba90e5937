//! An app that already traces with `tracing` + `tracing-opentelemetry` sends its LLM calls to
//! MutagenT by adding one exporter to its OpenTelemetry tracer provider. The "LLM call" is a
//! small async function whose span carries the OpenTelemetry GenAI attributes; the spans go to
//! an in-process emulator, and the example prints what arrived.
//!
//! ```text
//! cargo run -p mutagent --features opentelemetry --example opentelemetry            # 0.1.2 batch
//! cargo run -p mutagent --features opentelemetry --example opentelemetry -- otlp    # OTLP route
//! cargo run -p mutagent --features opentelemetry --example opentelemetry -- hook    # 0.4.1 hook
//! ```

use std::time::Duration;

use mutagent::opentelemetry::opentelemetry::trace::TracerProvider as _;
use mutagent::opentelemetry::opentelemetry::KeyValue;
use mutagent::opentelemetry::opentelemetry_sdk::trace::SdkTracerProvider;
use mutagent::opentelemetry::opentelemetry_sdk::Resource;
use mutagent::opentelemetry::{MutagentSpanExporter, Protocol};
use mutagent::prelude::*;
use mutagent_emulator::{Emulator, TracesContract};
use tracing::field::Empty;
use tracing::Instrument;
use tracing_subscriber::layer::SubscriberExt;

const KEY: &str = "mt_example_key";

/// The instrumented "LLM call". `#[tracing::instrument(fields(...))]` makes the same span; it
/// is written out here because this workspace cannot build `tracing`'s attribute macro (its
/// `syn` 2 beside `serde_derive`'s `syn` 3 would be a duplicate crate). In your app, use either.
async fn chat(model: &str, question: &str) -> String {
    let span = tracing::info_span!(
        "chat",
        otel.kind = "client",
        gen_ai.operation.name = "chat",
        gen_ai.provider.name = "openai",
        gen_ai.request.model = model,
        gen_ai.response.model = Empty,
        gen_ai.usage.input_tokens = Empty,
        gen_ai.usage.output_tokens = Empty,
    );
    async move {
        tracing::info!(gen_ai.prompt = question, "gen_ai.content.prompt");
        tokio::time::sleep(Duration::from_millis(20)).await; // the provider's answer
        let answer = "Paris.".to_owned();
        let span = tracing::Span::current();
        span.record("gen_ai.response.model", "gpt-4o-2024-08-06");
        span.record("gen_ai.usage.input_tokens", 14);
        span.record("gen_ai.usage.output_tokens", 2);
        tracing::info!(
            gen_ai.completion = answer.as_str(),
            "gen_ai.content.completion"
        );
        answer
    }
    .instrument(span)
    .await
}

async fn answer(question: &str) -> String {
    chat("gpt-4o", question)
        .instrument(tracing::info_span!("answer", session.id = "user-42"))
        .await
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let protocol = match std::env::args().nth(1).as_deref() {
        None | Some("batch") => Protocol::Batch,
        Some("otlp") => Protocol::Otlp,
        Some("hook") => Protocol::HookV0_4,
        Some(other) => return Err(format!("usage: [batch|otlp|hook], not {other}").into()),
    };
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
    println!(
        "({protocol:?} to the in-process emulator at {})",
        emulator.url()
    );

    // The app's OpenTelemetry setup, with MutagenT's exporter added to it.
    let provider = SdkTracerProvider::builder()
        .with_span_processor(
            // The SDK's batch processor, set up so that flush and shutdown deliver everything.
            MutagentSpanExporter::builder(&client)
                .protocol(protocol)
                .build()?
                .into_batch_processor(4096),
        )
        .with_resource(
            Resource::builder()
                .with_service_name("support-bot")
                .with_attribute(KeyValue::new("deployment.environment.name", "development"))
                .build(),
        )
        .build();
    tracing::subscriber::set_global_default(
        tracing_subscriber::registry()
            .with(tracing_opentelemetry::layer().with_tracer(provider.tracer("support-bot"))),
    )?;

    let reply = answer("What is the capital of France?").await;
    println!("the app answered: {reply}");

    // Deliver now (e.g. at the end of a request in a serverless function), then once more
    // before the program ends. The second export would carry the `mutagent.call` span of the
    // first delivery if the exporter did not leave its own calls out.
    let flush = provider.clone();
    tokio::task::spawn_blocking(move || flush.force_flush()).await??;
    let shutdown = provider.clone();
    tokio::task::spawn_blocking(move || shutdown.shutdown()).await??;

    // What arrived, read back through the API of the server's generation.
    println!("what arrived:");
    if protocol == Protocol::HookV0_4 {
        let traces = client
            .traces_v0_4()
            .list_traces(&mutagent::traces::v0_4::ListTraces::new())
            .await?;
        for trace in traces.data {
            println!("  trace {} from {:?}", trace.trace_id, trace.service_name);
            for span in client
                .traces_v0_4()
                .list_trace_spans(&trace.trace_id)
                .await?
                .data
            {
                let a = &span.attributes;
                println!(
                    "    {} kind={} model={} provider={} tokens={} input={} output={}",
                    span.name,
                    a["mutagent.kind"],
                    a["model"],
                    a["provider"],
                    a["tokens"],
                    a["mutagent.input"],
                    a["mutagent.output"],
                );
                check(
                    span.name != "mutagent.call",
                    "the exporter's own calls are not exported",
                )?;
            }
        }
    } else {
        let traces = client
            .traces()
            .list_traces(&mutagent::traces::ListTraces::new())
            .await?;
        for listed in traces.data {
            let trace = client.traces().get_trace(listed.id.clone(), None).await?;
            println!(
                "  trace {} source={:?} environment={:?} session={:?}",
                listed.id, trace.source, trace.environment, trace.session_id
            );
            for span in trace.spans.unwrap_or_default() {
                println!(
                    "    {} kind={} model={} provider={} tokens={} input={} output={}",
                    span["name"],
                    span["kind"],
                    span["model"],
                    span["provider"],
                    span["tokens"],
                    span.get("input")
                        .unwrap_or(&span["attributes"]["mutagent.input"]),
                    span.get("output")
                        .unwrap_or(&span["attributes"]["mutagent.output"]),
                );
                check(
                    span["name"] != "mutagent.call",
                    "the exporter's own calls are not exported",
                )?;
            }
        }
    }
    Ok(())
}

fn check(ok: bool, what: &str) -> Result<(), String> {
    ok.then_some(()).ok_or_else(|| format!("failed: {what}"))
}
