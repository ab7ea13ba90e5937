//! support-bot: a small app that answers questions with an LLM and traces itself with `tracing`.
//!
//! The traced code knows nothing about MutagenT: `#[tracing::instrument]` makes the spans,
//! `tracing-opentelemetry` turns them into OpenTelemetry spans, and MutagenT's exporter, added
//! to the app's tracer provider ([`tracer_provider`]), ships them. The LLM call's span carries
//! the OpenTelemetry GenAI conventions (`gen_ai.*`), which MutagenT stores as an LLM span with
//! model, provider, tokens, prompt and completion.

use std::fmt;
use std::time::Duration;

use mutagent::opentelemetry::opentelemetry::trace::TracerProvider as _;
use mutagent::opentelemetry::opentelemetry::KeyValue;
use mutagent::opentelemetry::opentelemetry_sdk::trace::SdkTracerProvider;
use mutagent::opentelemetry::opentelemetry_sdk::Resource;
use mutagent::opentelemetry::{MutagentSpanExporter, Protocol};
use tracing::field::Empty;
use tracing::Subscriber;
use tracing_subscriber::layer::SubscriberExt;

/// The agent: asks the model, then tries to back the answer with a source (a tool call).
#[tracing::instrument(skip_all, fields(session.id = session))]
pub async fn answer(session: &str, question: &str) -> String {
    let reply = chat("gpt-4o", question).await;
    match lookup(&reply).await {
        Ok(source) => format!("{reply} (source: {source})"),
        // The failure is on the `lookup` span; the answer stands without a source.
        Err(LookupError) => reply,
    }
}

/// The LLM call. Its span is named `chat <model>` (`otel.name`) and carries the GenAI
/// attributes; the answering model and the token counts are recorded once the provider answered,
/// the prompt and the completion as events.
#[tracing::instrument(
    skip_all,
    fields(
        otel.name = %format!("chat {model}"),
        otel.kind = "client",
        gen_ai.operation.name = "chat",
        gen_ai.provider.name = "openai",
        gen_ai.request.model = model,
        gen_ai.response.model = Empty,
        gen_ai.usage.input_tokens = Empty,
        gen_ai.usage.output_tokens = Empty,
    )
)]
pub async fn chat(model: &str, question: &str) -> String {
    tracing::info!(gen_ai.prompt = question, "gen_ai.content.prompt");
    let completion = call_provider(model, question).await;
    let span = tracing::Span::current();
    span.record("gen_ai.response.model", completion.model);
    span.record("gen_ai.usage.input_tokens", completion.input_tokens);
    span.record("gen_ai.usage.output_tokens", completion.output_tokens);
    tracing::info!(
        gen_ai.completion = completion.text.as_str(),
        "gen_ai.content.completion"
    );
    completion.text
}

/// What the provider answered.
struct Completion {
    text: String,
    model: &'static str,
    input_tokens: u64,
    output_tokens: u64,
}

/// Stands in for the provider's API (an HTTP call in a real app).
async fn call_provider(_model: &str, _question: &str) -> Completion {
    tokio::time::sleep(Duration::from_millis(20)).await;
    Completion {
        text: "Paris.".to_owned(),
        model: "gpt-4o-2024-08-06",
        input_tokens: 12,
        output_tokens: 3,
    }
}

/// The sources the agent knows, by the answer they back.
const SOURCES: &[(&str, &str)] = &[("Berlin.", "https://en.wikipedia.org/wiki/Berlin")];

/// A tool call: a source for `answer`. `err` records a failure on the span (status error, with
/// the message), which MutagenT stores as a failed span.
#[tracing::instrument(skip_all, err)]
pub async fn lookup(answer: &str) -> Result<&'static str, LookupError> {
    SOURCES
        .iter()
        .find(|(backed, _)| *backed == answer)
        .map(|(_, source)| *source)
        .ok_or(LookupError)
}

/// No source backs the answer.
#[derive(Debug)]
pub struct LookupError;

impl fmt::Display for LookupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not found")
    }
}

impl std::error::Error for LookupError {}

/// The app's OpenTelemetry tracer provider, with MutagenT's exporter added in `protocol`
/// (next to whatever exporters the app already has). The SDK's batch processor is set up so
/// that `force_flush` and `shutdown` deliver everything.
pub fn tracer_provider(
    client: &mutagent::Client,
    protocol: Protocol,
    service: &str,
    environment: &str,
) -> std::io::Result<SdkTracerProvider> {
    let exporter = MutagentSpanExporter::builder(client)
        .protocol(protocol)
        .build()?;
    Ok(SdkTracerProvider::builder()
        .with_span_processor(exporter.into_batch_processor(4096))
        .with_resource(
            Resource::builder()
                .with_service_name(service.to_owned())
                .with_attribute(KeyValue::new(
                    "deployment.environment.name",
                    environment.to_owned(),
                ))
                .build(),
        )
        .build())
}

/// The `tracing` subscriber that hands the app's spans to `provider`.
pub fn subscriber(provider: &SdkTracerProvider) -> impl Subscriber + Send + Sync {
    tracing_subscriber::registry()
        .with(tracing_opentelemetry::layer().with_tracer(provider.tracer("support-bot")))
}
