//! An async app instrumented with `tracing`, exporting to MutagenT through `MutagentLayer`.
//!
//! It starts an in-process emulator, so it runs anywhere:
//!
//! ```text
//! cargo run -p mutagent-trace-exporter --features layer --example instrumented
//! ```
//!
//! Against a real server, build the client from the environment instead
//! (`MUTAGENT_API_KEY`, `MUTAGENT_SERVER_URL`) and drop the emulator.

use std::time::Duration;

use mutagent_core::Client;
use mutagent_trace_exporter::{Exporter, MutagentLayer};
use mutagent_traces::{ListTraces, TracesExt};
use tracing::field::Empty;
use tracing::Instrument;
use tracing_subscriber::layer::SubscriberExt;

/// A pretend model call: an `llm.chat` span with model, tokens, input and output.
async fn chat(question: &str) -> Result<String, String> {
    let span = tracing::info_span!(
        "chat",
        mutagent.kind = "llm.chat",
        gen_ai.request.model = "gpt-4o-mini",
        gen_ai.system = "openai",
        mutagent.input = question,
        mutagent.output = Empty,
        gen_ai.usage.input_tokens = Empty,
        gen_ai.usage.output_tokens = Empty,
        mutagent.cost_usd = Empty,
    );
    async {
        tokio::time::sleep(Duration::from_millis(20)).await; // the network
        if question.contains("forbidden") {
            tracing::error!("the provider refused the request");
            return Err("refused".to_owned());
        }
        let answer = format!("An answer to: {question}");
        let span = tracing::Span::current();
        span.record("mutagent.output", answer.as_str());
        span.record("gen_ai.usage.input_tokens", question.len() as u64 / 4 + 1);
        span.record("gen_ai.usage.output_tokens", answer.len() as u64 / 4 + 1);
        span.record("mutagent.cost_usd", 0.00015);
        Ok(answer)
    }
    .instrument(span)
    .await
}

/// A pretend retrieval step.
async fn retrieve(query: &str) -> Vec<String> {
    let span = tracing::info_span!("search docs", mutagent.kind = "retrieval", query = query);
    async {
        tokio::time::sleep(Duration::from_millis(5)).await;
        tracing::info!(hits = 2, "found documents");
        vec!["doc-1".to_owned(), "doc-2".to_owned()]
    }
    .instrument(span)
    .await
}

/// One user request: a root `agent` span with a session; its children run on other tasks.
async fn handle(session: &'static str, question: &'static str) {
    let root = tracing::info_span!(
        "answer question",
        mutagent.kind = "agent",
        session.id = session,
        mutagent.trace_name = "support bot",
    );
    async move {
        let docs = retrieve(question).await;
        // Spawned work keeps its parent: the future carries the span with it.
        let followup = tokio::spawn(chat("summarise the documents").in_current_span());
        let _ = chat(&format!("{question} ({} docs)", docs.len())).await;
        let _ = followup.await;
    }
    .instrument(root)
    .await;
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let emulator = mutagent_emulator::Emulator::builder()
        .api_key("mt_example")
        .start()
        .await?;
    let client = Client::builder()
        .api_key("mt_example")
        .server_url(emulator.url())
        .build()?;

    let exporter = Exporter::builder(&client)
        .flush_interval(Duration::from_secs(1))
        .build()?;
    tracing::subscriber::set_global_default(
        tracing_subscriber::registry().with(MutagentLayer::new(exporter.clone())),
    )?;

    let requests = [
        ("session-a", "How do I reset my password?"),
        ("session-b", "What are your opening hours?"),
        ("session-a", "Tell me something forbidden"),
    ];
    let tasks: Vec<_> = requests
        .into_iter()
        .map(|(session, question)| tokio::spawn(handle(session, question)))
        .collect();
    for task in tasks {
        task.await?;
    }

    // Before exiting: deliver everything buffered, within a deadline.
    let report = exporter.shutdown_async(Duration::from_secs(10)).await;
    let stats = exporter.stats();
    println!(
        "exporter: recorded {}, sent {} in {} batches, failed {}, dropped {}",
        stats.recorded, stats.sent, stats.batches_sent, stats.failed, stats.dropped
    );
    println!(
        "shutdown: delivered {}, not delivered {}",
        report.delivered,
        report.undelivered()
    );

    let page = client.traces().list_traces(&ListTraces::new()).await?;
    println!("{} traces stored:", page.total);
    for summary in page.data {
        let trace = client.traces().get_trace(summary.id.clone()).await?;
        println!(
            "  trace {} session={} status={} spans={} tokens in/out={}/{}",
            trace.id,
            trace.session_id.as_deref().unwrap_or("-"),
            trace.status.as_str(),
            trace.total_spans.unwrap_or(0),
            trace.total_input_tokens.unwrap_or(0),
            trace.total_output_tokens.unwrap_or(0),
        );
        for span in trace.spans.unwrap_or_default() {
            println!(
                "    {:<16} {:<10} parent={:<16} status={}",
                span["name"].as_str().unwrap_or(""),
                span["kind"].as_str().unwrap_or(""),
                span["parentSpanId"].as_str().unwrap_or("-"),
                span["status"].as_str().unwrap_or(""),
            );
        }
    }
    Ok(())
}
