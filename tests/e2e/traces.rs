//! End-to-end tests of the `traces` namespace against the emulator: ingestion (single, batch,
//! OTLP typed and raw), filtered listing and walks, reads with spans, stats by every grouping,
//! analytics and deletion — async and blocking.

use std::time::{Duration, SystemTime};

use mutagent::prelude::*;
use mutagent::traces::otlp::{self, ExportTraceRequest, Resource, ResourceSpans, ScopeSpans};
use mutagent::traces::{
    unix_nanos, Environment, GetAnalyticsSummary, GetTrace, GetTraceStats, ListTraces, NewSpan,
    NewTrace, SpanEvent, SpanKind, StatsGroupBy, Status, TraceSource,
};
use mutagent_e2e::{assert_not_found, start, start_blocking, Collection};

/// RFC 3339 UTC with milliseconds, the form the exporter sends.
fn rfc3339(time: SystemTime) -> String {
    chrono::DateTime::<chrono::Utc>::from(time).to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}
use serde_json::json;

const DAY1: &str = "2026-11-01T10:00:00.000Z";
const DAY1_END: &str = "2026-11-01T10:00:01.500Z";
const DAY2: &str = "2026-11-02T09:00:00.000Z";
const DAY2_END: &str = "2026-11-02T09:00:00.800Z";

/// A chat trace with a tool child span.
fn chat_trace(id: &str, session: &str, start: &str, end: &str) -> NewTrace {
    NewTrace::new(id, start)
        .session_id(session)
        .name("answer question")
        .source(TraceSource::Manual)
        .environment(Environment::Production)
        .tags(["e2e"])
        .end_time(end)
        .span(
            NewSpan::new(format!("{id}-chat"), "chat", SpanKind::LlmChat, start)
                .end_time(end)
                .model("gpt-4o")
                .provider("openai")
                .tokens(12, 30)
                .cost_usd(0.0004)
                .latency_ms(1500.0)
                .ttft_ms(180.0)
                .input(json!({"messages": [{"role": "user", "content": "hi"}]}))
                .output(json!({"text": "hello"}))
                .attribute("temperature", 0.2)
                .event(SpanEvent::new("first_token", start)),
        )
        .span(
            NewSpan::new(format!("{id}-tool"), "search", SpanKind::Tool, start)
                .parent(format!("{id}-chat"))
                .end_time(end),
        )
}

/// A failing embedding trace for the staging environment.
fn failing_trace(id: &str) -> NewTrace {
    NewTrace::new(id, DAY2)
        .session_id("sess-batch")
        .source(TraceSource::Sdk)
        .environment(Environment::Staging)
        .span(
            NewSpan::new(format!("{id}-embed"), "embed", SpanKind::LlmEmbedding, DAY2)
                .end_time(DAY2_END)
                .model("text-embedding-3-small")
                .provider("openai")
                .tokens(100, 0)
                .cost_usd(0.00002)
                .error("rate limited")
                .status(Status::Error),
        )
}

fn otlp_export() -> ExportTraceRequest {
    let start = 1_793_602_800_000_000_000; // 2026-11-02T07:00:00Z
    let span = otlp::Span::new(
        "5b8efff798038103d269b633813fc60c",
        "eee19b7ec3c1b174",
        "chat claude",
        start,
    )
    .kind(otlp::SpanKind::Client)
    .end(start + 900_000_000)
    .attribute("gen_ai.operation.name", "chat")
    .attribute("gen_ai.request.model", "claude-sonnet")
    .attribute("gen_ai.system", "anthropic")
    .attribute("gen_ai.usage.input_tokens", 20)
    .attribute("gen_ai.usage.output_tokens", 40)
    .event(otlp::Event::new("first_token", start + 100_000_000))
    .status(otlp::Status::ok());
    ExportTraceRequest::new().resource_spans(
        ResourceSpans::new(Resource::new().attribute("service.name", "checkout"))
            .scope_spans(ScopeSpans::new().scope("e2e", Some("1.0.0")).span(span)),
    )
}

fn raw_otlp() -> serde_json::Value {
    json!({"resourceSpans": [{
        "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "raw"}}]},
        "scopeSpans": [{"scope": {"name": "raw"}, "spans": [{
            "traceId": "0af7651916cd43dd8448eb211c80319c",
            "spanId": "b7ad6b7169203331",
            "name": "tool call",
            "kind": 1,
            "startTimeUnixNano": "1793602800000000000",
            "endTimeUnixNano": "1793602800500000000",
            "attributes": [{"key": "gen_ai.operation.name", "value": {"stringValue": "execute_tool"}}]
        }]}]
    }]})
}

fn ids(page: &[mutagent::traces::Trace]) -> Vec<String> {
    let mut ids: Vec<String> = page.iter().map(|t| t.id.as_str().to_owned()).collect();
    ids.sort();
    ids
}

#[tokio::test]
async fn traces_journey_async() {
    let (emu, client) = start().await;
    let traces = client.traces();

    // Ingest: one trace, a batch of two, one typed OTLP export and one raw OTLP export.
    let one = traces
        .ingest_trace(&chat_trace("tr-a", "sess-a", DAY1, DAY1_END))
        .await
        .expect("ingest one");
    assert!(one.success);
    assert_eq!(one.trace_id.as_str(), "tr-a");
    assert_eq!(one.span_count, 2);

    let batch = traces
        .ingest_trace_batch(&[
            chat_trace("tr-b", "sess-batch", DAY2, DAY2_END),
            failing_trace("tr-c"),
        ])
        .await
        .expect("batch");
    assert_eq!(batch.count, 2);
    let mut batch_ids: Vec<&str> = batch.trace_ids.iter().map(|id| id.as_str()).collect();
    batch_ids.sort_unstable();
    assert_eq!(batch_ids, ["tr-b", "tr-c"]);

    let otel = traces.ingest_otlp(&otlp_export()).await.expect("otlp");
    assert_eq!(otel.count, 1);
    assert_eq!(
        otel.trace_ids[0].as_str(),
        "5b8efff798038103d269b633813fc60c"
    );
    let raw = traces
        .ingest_otlp_json(&raw_otlp())
        .await
        .expect("raw otlp");
    assert_eq!(
        raw.trace_ids[0].as_str(),
        "0af7651916cd43dd8448eb211c80319c"
    );
    assert_eq!(emu.count(Collection::Traces), 5);
    assert_eq!(emu.count(Collection::Spans), 2 + 2 + 1 + 1 + 1);

    // List with filters.
    let all = traces.list_traces(&ListTraces::new()).await.expect("list");
    assert_eq!(all.total, 5);
    assert!(
        all.data.iter().all(|t| t.spans.is_none()),
        "no spans unless asked"
    );
    let by_session = traces
        .list_traces(&ListTraces::new().session_id("sess-batch"))
        .await
        .expect("by session");
    assert_eq!(ids(&by_session.data), ["tr-b", "tr-c"]);
    let staging = traces
        .list_traces(&ListTraces::new().environment(Environment::Staging))
        .await
        .expect("by env");
    assert_eq!(ids(&staging.data), ["tr-c"]);
    let failed = traces
        .list_traces(&ListTraces::new().status(Status::Error))
        .await
        .expect("by status");
    assert_eq!(ids(&failed.data), ["tr-c"]);
    assert_eq!(failed.data[0].error.as_deref(), Some("rate limited"));
    let otel_only = traces
        .list_traces(&ListTraces::new().source(TraceSource::Otel))
        .await
        .expect("by source");
    assert_eq!(otel_only.total, 2);
    let day1 = traces
        .list_traces(
            &ListTraces::new()
                .start_after("2026-11-01T00:00:00.000Z")
                .start_before("2026-11-02T00:00:00.000Z"),
        )
        .await
        .expect("by window");
    assert_eq!(ids(&day1.data), ["tr-a"]);
    let paged = traces
        .list_traces(&ListTraces::new().limit(2).offset(1).with_spans())
        .await
        .expect("page");
    assert_eq!((paged.limit, paged.offset, paged.data.len()), (2, 1, 2));
    assert!(
        paged.data.iter().all(|t| t.spans.is_some()),
        "include=spans"
    );
    let walked = traces
        .list_traces_all(&ListTraces::new().limit(2))
        .try_collect()
        .await
        .expect("walk");
    assert_eq!(walked.len(), 5);

    // Get with spans, typed back into the ingest model.
    let a = traces.get_trace("tr-a").await.expect("get");
    assert_eq!(a.session_id.as_deref(), Some("sess-a"));
    assert_eq!(a.source, TraceSource::Manual);
    assert_eq!(a.environment, Some(Environment::Production));
    assert_eq!(a.total_spans, Some(2));
    assert_eq!(a.total_input_tokens, Some(12));
    assert_eq!(a.status, Status::Ok);
    let spans: Vec<NewSpan> = a.spans_as().expect("typed spans");
    let chat = spans
        .iter()
        .find(|s| s.kind == SpanKind::LlmChat)
        .expect("chat span");
    assert_eq!(chat.model.as_deref(), Some("gpt-4o"));
    assert_eq!(chat.tokens.map(|t| (t.input, t.output)), Some((12, 30)));
    let tool = spans
        .iter()
        .find(|s| s.kind == SpanKind::Tool)
        .expect("tool span");
    assert_eq!(tool.parent_span_id.as_deref(), Some("tr-a-chat"));
    let with_include = traces
        .get_trace_with("tr-a", &GetTrace::new().include("spans"))
        .await
        .expect("get include");
    assert_eq!(with_include.spans.map(|s| s.len()), Some(2));

    // Stats by every grouping.
    for group in StatsGroupBy::ALL {
        let stats = traces
            .get_trace_stats(group, &GetTraceStats::new())
            .await
            .unwrap_or_else(|err| panic!("stats by {group}: {err}"));
        assert_eq!(stats["groupBy"], group.as_str());
        let keys = row_keys(&stats);
        let expected = match group {
            StatsGroupBy::Model => "gpt-4o",
            StatsGroupBy::Provider => "openai",
            StatsGroupBy::Kind => "llm.chat",
            StatsGroupBy::Source => "otel",
            _ => unreachable!("new grouping"),
        };
        assert!(keys.contains(&expected), "{group}: {keys:?}");
    }
    let session_stats = traces
        .get_trace_stats(
            StatsGroupBy::Model,
            &GetTraceStats::new()
                .session_id("sess-a")
                .from("2026-11-01T00:00:00.000Z")
                .to("2026-11-03T00:00:00.000Z"),
        )
        .await
        .expect("filtered stats");
    let models = row_keys(&session_stats);
    assert!(models.contains(&"gpt-4o"), "{models:?}");
    assert!(
        !models.contains(&"text-embedding-3-small"),
        "other sessions are filtered out: {models:?}"
    );

    // Analytics.
    let summary = traces
        .get_analytics_summary(&GetAnalyticsSummary::new())
        .await
        .expect("analytics");
    assert_eq!(summary.kpis["totalTraces"], 5);
    assert!(
        summary.budget_burndown.is_empty(),
        "no budget, no burn-down"
    );
    let budgeted = traces
        .get_analytics_summary(
            &GetAnalyticsSummary::new()
                .budget(1.0)
                .model("gpt-4o")
                .start_after("2026-11-01T00:00:00.000Z")
                .start_before("2026-11-03T00:00:00.000Z"),
        )
        .await
        .expect("analytics with budget");
    assert!(!budgeted.budget_burndown.is_empty());
    assert!(budgeted
        .cost_by_model
        .iter()
        .all(|row| row["model"] == "gpt-4o"));

    // Delete.
    let deleted = traces.delete_trace("tr-a").await.expect("delete");
    assert_eq!(deleted["success"], true);
    assert_eq!(emu.count(Collection::Traces), 4);
    assert_not_found(traces.get_trace("tr-a").await, "gone");
}

#[test]
fn traces_journey_blocking() {
    let (emu, client) = start_blocking();
    let traces = client.traces();

    // Timestamps from the SDK's own formatter are accepted.
    let start = SystemTime::now() - Duration::from_secs(60);
    let trace = NewTrace::new("blk-1", rfc3339(start))
        .end_time(rfc3339(start + Duration::from_millis(750)))
        .span(
            NewSpan::new("blk-1-s", "chat", SpanKind::LlmChat, rfc3339(start))
                .end_time(rfc3339(start + Duration::from_millis(750)))
                .model("gpt-4o-mini")
                .tokens(5, 7),
        );
    assert_eq!(traces.ingest_trace(&trace).expect("ingest").span_count, 1);
    let batch = traces
        .ingest_trace_batch(&[failing_trace("blk-2")])
        .expect("batch");
    assert_eq!(batch.count, 1);
    let mut export = otlp_export();
    let span = &mut export.resource_spans[0].scope_spans[0].spans[0];
    span.start_time_unix_nano = unix_nanos(start);
    span.end_time_unix_nano = Some(unix_nanos(start + Duration::from_millis(900)));
    assert_eq!(traces.ingest_otlp(&export).expect("otlp").count, 1);
    assert_eq!(traces.ingest_otlp_json(&raw_otlp()).expect("raw").count, 1);
    assert_eq!(emu.count(Collection::Traces), 4);

    let page = traces
        .list_traces(&ListTraces::new().source("otel").limit(10))
        .expect("list");
    assert_eq!(page.total, 2);
    let recent = traces
        .list_traces(&ListTraces::new().start_after(rfc3339(start - Duration::from_secs(1))))
        .expect("recent");
    assert_eq!(
        recent.total, 2,
        "the helper-timed trace and the re-timed OTLP span"
    );
    let walked: Vec<_> = traces
        .list_traces_all(&ListTraces::new().limit(1))
        .collect::<Result<_, _>>()
        .expect("walk");
    assert_eq!(walked.len(), 4);

    let got = traces.get_trace("blk-1").expect("get");
    assert_eq!(got.start_time, rfc3339(start));
    assert_eq!(got.total_output_tokens, Some(7));

    for group in StatsGroupBy::ALL {
        let stats = traces
            .get_trace_stats(group, &GetTraceStats::new())
            .expect("stats");
        assert_eq!(stats["groupBy"], group.as_str());
    }
    let summary = traces
        .get_analytics_summary(&GetAnalyticsSummary::new().budget(2.5))
        .expect("analytics");
    assert_eq!(summary.kpis["totalTraces"], 4);

    traces.delete_trace("blk-2").expect("delete");
    assert_not_found(traces.get_trace("blk-2"), "gone");
    assert_eq!(emu.count(Collection::Traces), 3);
}

/// The `key` of every row of a stats answer, in order.
fn row_keys(stats: &serde_json::Value) -> Vec<&str> {
    stats["data"]
        .as_array()
        .expect("data")
        .iter()
        .filter_map(|row| row["key"].as_str())
        .collect()
}
