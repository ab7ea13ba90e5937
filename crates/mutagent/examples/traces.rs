//! Trace ingestion: an LLM app sends what it did (a trace per request, with a span per step)
//! and reads it back: one trace, a batch, the list of a session, one trace with its spans,
//! and the token use grouped by model.
//!
//! ```text
//! cargo run -p mutagent --example traces                        # in-process emulator
//! cargo run -p mutagent --example traces -- --server-url URL    # key from MUTAGENT_API_KEY
//! ```
//!
//! To send spans from code instrumented with `tracing`, use the umbrella's `tracing-exporter`
//! feature instead (docs/tracing.md); this example calls the API directly.

use std::time::{Duration, SystemTime};

use mutagent::prelude::*;
use mutagent::traces::{
    rfc3339, GetTrace, GetTraceStats, ListTraces, NewSpan, NewTrace, SpanKind, StatsGroupBy,
};

mod support;

/// One answered question: an agent span with an LLM call inside it.
fn answered_question(trace_id: &str, session: &str, tokens_in: u64) -> NewTrace {
    let start = SystemTime::now();
    let agent = format!("{trace_id}-agent");
    NewTrace::new(trace_id, rfc3339(start))
        .name("support reply")
        .session_id(session)
        .span(
            NewSpan::new(
                agent.clone(),
                "answer question",
                SpanKind::Agent,
                rfc3339(start),
            )
            .end_time(rfc3339(start + Duration::from_millis(900))),
        )
        .span(
            NewSpan::new(
                format!("{trace_id}-llm"),
                "chat completion",
                SpanKind::LlmChat,
                rfc3339(start),
            )
            .parent(agent)
            .model("gpt-4o-mini")
            .provider("openai")
            .tokens(tokens_in, 45)
            .end_time(rfc3339(start + Duration::from_millis(800))),
        )
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let server = support::Server::from_args()?;
    let client = server.builder.build()?;
    let session = support::unique("session");

    // One trace at a time…
    let first = client
        .traces()
        .ingest_trace(&answered_question(&format!("{session}-0"), &session, 120))
        .await?;
    println!(
        "ingested trace {} ({} spans)",
        first.trace_id, first.span_count
    );

    // …or many in one request.
    let batch: Vec<NewTrace> = (1..4)
        .map(|n| answered_question(&format!("{session}-{n}"), &session, 100 + n * 10))
        .collect();
    let ingested = client.traces().ingest_trace_batch(&batch).await?;
    println!("ingested {} traces in one batch", ingested.count);

    // Read them back: the session's traces, then one with its spans.
    let listed = client
        .traces()
        .list_traces(&ListTraces::new().session_id(session.clone()))
        .await?;
    println!("session {session} has {} traces", listed.data.len());
    let full = client
        .traces()
        .get_trace_with(format!("{session}-0"), &GetTrace::new().include("spans"))
        .await?;
    println!(
        "trace {}: {} spans, {} input tokens",
        full.id,
        full.spans.as_ref().map_or(0, Vec::len),
        full.total_input_tokens.unwrap_or_default()
    );

    // Token use and cost grouped by model.
    let stats = client
        .traces()
        .get_trace_stats(
            StatsGroupBy::Model,
            &GetTraceStats::new().session_id(session),
        )
        .await?;
    println!("by model: {stats}");
    Ok(())
}
