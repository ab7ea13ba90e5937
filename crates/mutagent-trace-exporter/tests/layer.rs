//! The `tracing` layer end to end: marked spans become MutagenT spans with kind, timing, parent,
//! status, fields and events; unmarked spans (the SDK's own included) are skipped; parents hold
//! across `.await` and threads.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test may panic
#![cfg(feature = "layer")]

use std::time::Duration;

use mutagent_emulator::Collection;
use mutagent_trace_exporter::MutagentLayer;
use mutagent_traces::{ListTraces, TracesExt};
use serde_json::Value;
use tracing::field::Empty;
use tracing::Instrument;
use tracing_subscriber::layer::SubscriberExt;

mod common;
use common::{client, emulator, exporter_on_demand, runtime, the_one_trace};
const LONG: Duration = Duration::from_secs(30);

fn span_named<'a>(spans: &'a [Value], name: &str) -> &'a Value {
    spans
        .iter()
        .find(|s| s["name"] == name)
        .unwrap_or_else(|| panic!("no span named {name} in {spans:?}"))
}

async fn model_call(prompt: &str) -> Result<String, String> {
    tokio::task::yield_now().await;
    tokio::time::sleep(Duration::from_millis(2)).await;
    if prompt.is_empty() {
        Err("empty prompt".into())
    } else {
        Ok(format!("echo: {prompt}"))
    }
}

/// What `#[tracing::instrument(name = "chat", skip_all, fields(mutagent.kind = "llm.chat", ...))]`
/// expands to, written out (the attribute needs `tracing`'s `attributes` feature).
async fn chat(prompt: &str) -> Result<String, String> {
    let span = tracing::info_span!(
        "chat",
        mutagent.kind = "llm.chat",
        gen_ai.request.model = "gpt-4o",
        gen_ai.system = "openai",
        mutagent.input = prompt,
        mutagent.output = Empty,
        gen_ai.usage.input_tokens = Empty,
        gen_ai.usage.output_tokens = Empty,
        mutagent.cost_usd = Empty,
    );
    async {
        let answer = model_call(prompt).await;
        let span = tracing::Span::current();
        match &answer {
            Ok(text) => {
                span.record("mutagent.output", text.as_str());
                span.record("gen_ai.usage.input_tokens", 12);
                span.record("gen_ai.usage.output_tokens", 30);
                span.record("mutagent.cost_usd", 0.0004);
            }
            Err(err) => tracing::error!(error = %err, "model call failed"),
        }
        answer
    }
    .instrument(span)
    .await
}

async fn agent(question: &str) {
    // An unmarked span between two marked ones: skipped, the tool's parent is the agent.
    let plumbing = tracing::info_span!("http plumbing");
    async {
        let tool = tracing::info_span!("lookup", mutagent.kind = "tool", query = question);
        async {
            let warning = std::io::Error::other("index stale");
            tracing::info!(
                hits = 3,
                cached = true,
                warning = &warning as &(dyn std::error::Error + 'static),
                "searched the index"
            );
        }
        .instrument(tool)
        .await;
    }
    .instrument(plumbing)
    .await;
    let _ = chat(question).await;
    let _ = chat("").await;
}

#[test]
fn marked_spans_become_mutagent_spans() {
    runtime().block_on(async {
        let emu = emulator().await;
        let client = client(&emu.url());
        let exporter = exporter_on_demand(&client);
        let subscriber = tracing_subscriber::registry().with(MutagentLayer::new(exporter.clone()));
        let guard = tracing::subscriber::set_default(subscriber);

        let root = tracing::info_span!(
            "support answer",
            mutagent.kind = "agent",
            session.id = "session-7",
            mutagent.trace_name = "support",
        );
        agent("capital of France?").instrument(root).await;
        // Unmarked spans and events outside marked spans are ignored.
        tracing::info_span!("not exported").in_scope(|| tracing::info!("nothing"));
        // A kind outside the contract is sent as custom, the original kept.
        tracing::info_span!("odd", mutagent.kind = "llm.vision").in_scope(|| {});

        let report = exporter.shutdown_async(LONG).await;
        drop(guard);
        assert!(report.is_complete(), "{report:?}");
        assert_eq!(report.delivered, 5, "agent, lookup, two chats, odd");
        assert_eq!(emu.count(Collection::Spans), 5);
        assert_eq!(emu.count(Collection::Traces), 2);

        let trace = the_one_trace(&client, &ListTraces::new().session_id("session-7")).await;
        assert_eq!(trace.name.as_deref(), Some("support"));
        assert_eq!(trace.id.as_str().len(), 32);
        let spans = trace.spans.expect("spans");
        assert_eq!(spans.len(), 4);

        let agent = span_named(&spans, "support answer");
        assert_eq!(agent["kind"], "agent");
        assert!(agent.get("parentSpanId").is_none_or(Value::is_null));
        let agent_id = agent["spanId"].as_str().expect("id");
        assert_eq!(agent_id.len(), 16);

        let lookup = span_named(&spans, "lookup");
        assert_eq!(lookup["kind"], "tool");
        assert_eq!(
            lookup["parentSpanId"], agent_id,
            "the unmarked span is skipped"
        );
        assert_eq!(lookup["attributes"]["query"], "capital of France?");
        assert_eq!(lookup["events"][0]["name"], "searched the index");
        assert_eq!(lookup["events"][0]["attributes"]["hits"], 3);
        // Booleans stay booleans; an error value is kept as its message.
        assert_eq!(lookup["events"][0]["attributes"]["cached"], true);
        assert_eq!(lookup["events"][0]["attributes"]["warning"], "index stale");
        assert_eq!(lookup["status"], "ok");

        let chats: Vec<&Value> = spans.iter().filter(|s| s["name"] == "chat").collect();
        assert_eq!(chats.len(), 2);
        let ok = chats.iter().find(|s| s["status"] == "ok").expect("ok chat");
        assert_eq!(ok["kind"], "llm.chat");
        assert_eq!(ok["parentSpanId"], agent_id);
        assert_eq!(ok["model"], "gpt-4o");
        assert_eq!(ok["provider"], "openai");
        assert_eq!(ok["input"], "capital of France?");
        assert_eq!(ok["output"], "echo: capital of France?");
        assert_eq!(ok["tokens"]["input"], 12.0);
        assert_eq!(ok["tokens"]["output"], 30.0);
        assert_eq!(ok["costUsd"], 0.0004);
        assert!(ok["durationMs"].as_f64().is_some_and(|d| d >= 0.0));
        let failed = chats
            .iter()
            .find(|s| s["status"] == "error")
            .expect("failed chat");
        assert_eq!(failed["error"], "empty prompt");
        assert_eq!(failed["events"][0]["name"], "model call failed");
        assert!(failed.get("tokens").is_none_or(Value::is_null));

        let all = client
            .traces()
            .list_traces(&ListTraces::new())
            .await
            .expect("list");
        let odd_trace = all
            .data
            .iter()
            .find(|t| t.name.as_deref() == Some("odd"))
            .expect("odd trace");
        let odd = client
            .traces()
            .get_trace(odd_trace.id.clone())
            .await
            .expect("trace");
        let odd_span = &odd.spans.expect("spans")[0];
        assert_eq!(odd_span["kind"], "custom");
        assert_eq!(odd_span["attributes"]["mutagent.kind"], "llm.vision");
    });
}
