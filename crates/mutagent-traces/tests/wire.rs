//! Wire tests: every `traces` operation sends exactly the method, path, query, headers and body
//! of the contract, and decodes a realistic answer — through the async and the blocking client.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test may panic

use mutagent_traces::otlp::{
    self, AnyValue, ExportTraceRequest, KeyValue, Resource, ResourceSpans, ScopeSpans,
};
use mutagent_traces::{
    Environment, GetAnalyticsSummary, GetTrace, GetTraceStats, ListTraces, NewSpan, NewTrace,
    SpanEvent, SpanKind, StatsGroupBy, Status, TraceSource, TracesExt,
};
use mutagent_wire_test::*;
use serde_json::{json, Value};

const T0: &str = "2026-11-01T10:00:00.000Z";
const T1: &str = "2026-11-01T10:00:01.250Z";

fn trace_json(id: &str, with_spans: bool) -> Value {
    let mut trace = json!({
        "id": id,
        "workspaceId": "ws_1",
        "sessionId": "sess-1",
        "name": "answer question",
        "source": "sdk",
        "environment": "production",
        "tags": ["demo"],
        "metadata": {"user": "u1"},
        "startTime": T0,
        "endTime": T1,
        "durationMs": 1250,
        "totalInputTokens": 12,
        "totalOutputTokens": 30,
        "totalSpans": 1,
        "totalCostUsd": "0.000400",
        "status": "ok",
        "error": null,
        "createdAt": T1,
        "updatedAt": T1,
        "someFutureField": {"x": 1}
    });
    if with_spans {
        trace["spans"] = json!([{
            "spanId": "span-1", "traceId": id, "name": "chat", "kind": "llm.chat",
            "startTime": T0, "endTime": T1, "model": "gpt-4o", "tokens": {"input": 12, "output": 30},
            "status": "ok", "durationMs": 1250, "storedExtra": true
        }]);
    }
    trace
}

fn sample_trace() -> NewTrace {
    NewTrace::new("trace-1", T0)
        .session_id("sess-1")
        .name("answer question")
        .source(TraceSource::Sdk)
        .environment(Environment::Production)
        .tags(["demo"])
        .metadata(json!({"user": "u1"}))
        .end_time(T1)
        .span(
            NewSpan::new("span-1", "chat", SpanKind::LlmChat, T0)
                .end_time(T1)
                .model("gpt-4o")
                .provider("openai")
                .tokens(12, 30)
                .cost_usd(0.0004)
                .latency_ms(1250.0)
                .ttft_ms(200.0)
                .input(json!({"messages": [{"role": "user", "content": "hi"}]}))
                .output(json!({"text": "hello"}))
                .attribute("temperature", 0.2)
                .event(SpanEvent::new("first_token", "2026-11-01T10:00:00.200Z").attribute("n", 1))
                .status(Status::Ok)
                .duration_ms(1250.0),
        )
        .span(
            NewSpan::new("span-2", "lookup", SpanKind::Tool, T0)
                .parent("span-1")
                .error("timeout")
                .status_message("tool timed out")
                .metadata(json!({"tool": "search"})),
        )
}

fn sample_trace_wire() -> Value {
    json!({
        "traceId": "trace-1",
        "sessionId": "sess-1",
        "name": "answer question",
        "source": "sdk",
        "environment": "production",
        "tags": ["demo"],
        "spans": [
            {
                "spanId": "span-1",
                "name": "chat",
                "kind": "llm.chat",
                "input": {"messages": [{"role": "user", "content": "hi"}]},
                "output": {"text": "hello"},
                "startTime": T0,
                "endTime": T1,
                "durationMs": 1250.0,
                "status": "ok",
                "tokens": {"input": 12, "output": 30},
                "model": "gpt-4o",
                "provider": "openai",
                "costUsd": 0.0004,
                "latencyMs": 1250.0,
                "ttftMs": 200.0,
                "attributes": {"temperature": 0.2},
                "events": [{"name": "first_token", "timestamp": "2026-11-01T10:00:00.200Z", "attributes": {"n": 1}}]
            },
            {
                "spanId": "span-2",
                "parentSpanId": "span-1",
                "name": "lookup",
                "kind": "tool",
                "startTime": T0,
                "statusMessage": "tool timed out",
                "error": "timeout",
                "metadata": {"tool": "search"}
            }
        ],
        "metadata": {"user": "u1"},
        "startTime": T0,
        "endTime": T1
    })
}

#[test]
fn list_traces() {
    let page = json!({
        "data": [trace_json("t-1", false), trace_json("t-2", false)],
        "total": 9, "limit": 2, "offset": 4
    });
    let params = ListTraces::new()
        .session_id("sess 1")
        .status(Status::Error)
        .source(TraceSource::VercelAi)
        .environment(Environment::Staging)
        .start_after("2026-11-01T00:00:00.000Z")
        .start_before("2026-11-02T00:00:00.000Z")
        .limit(2)
        .offset(4)
        .with_spans();
    let (request, page) = both_call!(Reply::json(200, page), |c| c.traces().list_traces(&params));
    assert_common(
        &request,
        "GET",
        "/api/traces/",
        Some(
            "sessionId=sess%201&status=error&source=vercel-ai&environment=staging\
             &startAfter=2026-11-01T00%3A00%3A00.000Z&startBefore=2026-11-02T00%3A00%3A00.000Z\
             &limit=2&offset=4&include=spans",
        ),
        None,
    );
    assert_eq!(page.total, 9);
    assert_eq!(page.data.len(), 2);
    let first = &page.data[0];
    assert_eq!(first.id.as_str(), "t-1");
    assert_eq!(first.source, TraceSource::Sdk);
    assert_eq!(first.environment, Some(Environment::Production));
    assert_eq!(first.total_cost_usd.as_deref(), Some("0.000400"));
    assert_eq!(first.total_input_tokens, Some(12));
    assert_eq!(first.status, Status::Ok);
    assert_eq!(first.spans, None);
}

#[test]
fn list_traces_decodes_unknown_enum_values_and_numeric_cost() {
    let mut trace = trace_json("t-1", false);
    trace["source"] = json!("crewai");
    trace["environment"] = json!("qa");
    trace["status"] = json!("running");
    trace["totalCostUsd"] = json!(0.5);
    let page = json!({"data": [trace], "total": 1, "limit": 20, "offset": 0});
    let (request, page) = both_call!(Reply::json(200, page), |c| c
        .traces()
        .list_traces(&ListTraces::new()));
    assert_common(&request, "GET", "/api/traces/", None, None);
    let trace = &page.data[0];
    assert_eq!(trace.source, TraceSource::Unknown("crewai".into()));
    assert_eq!(trace.environment, Some(Environment::Unknown("qa".into())));
    assert_eq!(trace.status, Status::Unknown("running".into()));
    assert_eq!(trace.total_cost_usd.as_deref(), Some("0.5"));
}

/// The sample trace without the two batch-only span fields (`durationMs`, `status`), which
/// the single-trace span model lacks.
fn single_trace() -> (NewTrace, Value) {
    let mut trace = sample_trace();
    for span in &mut trace.spans {
        span.duration_ms = None;
        span.status = None;
    }
    let mut wire = sample_trace_wire();
    let span = wire["spans"][0].as_object_mut().expect("span");
    span.remove("durationMs");
    span.remove("status");
    (trace, wire)
}

#[test]
fn ingest_trace_refuses_batch_only_span_fields() {
    let server = ScriptedServer::start(vec![]);
    let client = blocking_client(&server);
    let (trace, _) = single_trace();
    for (span, field) in [
        (
            NewSpan::new("s", "n", SpanKind::Tool, T0).duration_ms(5.0),
            "spans[2].durationMs",
        ),
        (
            NewSpan::new("s", "n", SpanKind::Tool, T0).status(Status::Ok),
            "spans[2].status",
        ),
    ] {
        let err = client
            .traces()
            .ingest_trace(&trace.clone().span(span))
            .expect_err("refused");
        assert!(
            matches!(&err, Error::InvalidInput { field: f, .. } if f == field),
            "{err}"
        );
        assert!(err.to_string().contains("ingest_trace_batch"), "{err}");
    }
    assert!(server.requests().is_empty(), "nothing may be sent");
}

#[test]
fn ingest_trace() {
    let (trace, wire) = single_trace();
    let (request, answer) = both_call!(
        Reply::json(
            201,
            json!({"success": true, "traceId": "trace-1", "spanCount": 2, "x": 0}),
        ),
        |c| c.traces().ingest_trace(&trace)
    );
    assert_common(&request, "POST", "/api/traces/", None, Some(wire));
    assert!(answer.success);
    assert_eq!(answer.trace_id.as_str(), "trace-1");
    assert_eq!(answer.span_count, 2);
}

#[test]
fn ingest_minimal_trace_sends_only_required_fields() {
    let trace = NewTrace::new("t", T0);
    let (request, _) = both_call!(
        Reply::json(
            201,
            json!({"success": true, "traceId": "t", "spanCount": 0}),
        ),
        |c| c.traces().ingest_trace(&trace)
    );
    assert_eq!(
        request.json(),
        json!({"traceId": "t", "spans": [], "startTime": T0})
    );
}

#[test]
fn ingest_trace_batch() {
    let traces = vec![
        sample_trace(),
        NewTrace::new("trace-2", T1).span(NewSpan::new("s", "embed", SpanKind::LlmEmbedding, T1)),
    ];
    let (request, answer) = both_call!(
        Reply::json(
            201,
            json!({"success": true, "count": 2, "traceIds": ["trace-1", "trace-2"]}),
        ),
        |c| c.traces().ingest_trace_batch(&traces)
    );
    assert_common(
        &request,
        "POST",
        "/api/traces/batch",
        None,
        Some(json!({"traces": [
            sample_trace_wire(),
            {"traceId": "trace-2", "spans": [
                {"spanId": "s", "name": "embed", "kind": "llm.embedding", "startTime": T1}
            ], "startTime": T1}
        ]})),
    );
    assert_eq!(answer.count, 2);
    assert_eq!(answer.trace_ids[1].as_str(), "trace-2");
}

fn otlp_request() -> ExportTraceRequest {
    let span = otlp::Span::new(
        "5b8efff798038103d269b633813fc60c",
        "eee19b7ec3c1b174",
        "chat gpt-4o",
        1_700_000_000_000_000_000,
    )
    .parent("eee19b7ec3c1b173")
    .kind(otlp::SpanKind::Client)
    .end(1_700_000_001_250_000_000)
    .attribute("gen_ai.operation.name", "chat")
    .attribute("gen_ai.request.model", "gpt-4o")
    .attribute("gen_ai.usage.input_tokens", 12)
    .attribute("gen_ai.request.temperature", 0.2)
    .attribute("stream", true)
    .attribute("tags", vec![AnyValue::from("a"), AnyValue::from("b")])
    .attribute("extra", vec![KeyValue::new("k", "v")])
    .event(otlp::Event::new("first_token", 1_700_000_000_200_000_000).attribute("n", 1))
    .status(otlp::Status::error("boom"));
    ExportTraceRequest::new().resource_spans(
        ResourceSpans::new(Resource::new().attribute("service.name", "checkout"))
            .scope_spans(ScopeSpans::new().scope("my-app", Some("1.0.0")).span(span)),
    )
}

#[test]
fn ingest_otlp() {
    let body = otlp_request();
    let (request, answer) = both_call!(
        Reply::json(
            201,
            json!({"success": true, "count": 1, "traceIds": ["5b8efff798038103d269b633813fc60c"]}),
        ),
        |c| c.traces().ingest_otlp(&body)
    );
    assert_common(
        &request,
        "POST",
        "/api/traces/otlp",
        None,
        Some(json!({"resourceSpans": [{
            "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "checkout"}}]},
            "scopeSpans": [{
                "scope": {"name": "my-app", "version": "1.0.0"},
                "spans": [{
                    "traceId": "5b8efff798038103d269b633813fc60c",
                    "spanId": "eee19b7ec3c1b174",
                    "parentSpanId": "eee19b7ec3c1b173",
                    "name": "chat gpt-4o",
                    "kind": 3,
                    "startTimeUnixNano": "1700000000000000000",
                    "endTimeUnixNano": "1700000001250000000",
                    "attributes": [
                        {"key": "gen_ai.operation.name", "value": {"stringValue": "chat"}},
                        {"key": "gen_ai.request.model", "value": {"stringValue": "gpt-4o"}},
                        {"key": "gen_ai.usage.input_tokens", "value": {"intValue": "12"}},
                        {"key": "gen_ai.request.temperature", "value": {"doubleValue": 0.2}},
                        {"key": "stream", "value": {"boolValue": true}},
                        {"key": "tags", "value": {"arrayValue": {"values": [{"stringValue": "a"}, {"stringValue": "b"}]}}},
                        {"key": "extra", "value": {"kvlistValue": {"values": [{"key": "k", "value": {"stringValue": "v"}}]}}}
                    ],
                    "events": [{"timeUnixNano": "1700000000200000000", "name": "first_token",
                                "attributes": [{"key": "n", "value": {"intValue": "1"}}]}],
                    "status": {"code": 2, "message": "boom"}
                }]
            }]
        }]})),
    );
    assert_eq!(answer.count, 1);
    assert_eq!(
        answer.trace_ids[0].as_str(),
        "5b8efff798038103d269b633813fc60c"
    );
}

#[test]
fn ingest_otlp_json_sends_the_body_verbatim() {
    let body = json!({"resourceSpans": [], "futureField": {"kept": true}});
    let (request, answer) = both_call!(
        Reply::json(201, json!({"success": true, "count": 0, "traceIds": []})),
        |c| c.traces().ingest_otlp_json(&body)
    );
    assert_common(
        &request,
        "POST",
        "/api/traces/otlp",
        None,
        Some(json!({"resourceSpans": [], "futureField": {"kept": true}})),
    );
    assert!(answer.trace_ids.is_empty());
}

#[test]
fn get_trace_stats_for_every_group() {
    for group in StatsGroupBy::ALL {
        let stats = json!({"groupBy": group.as_str(), "data": [{"key": "gpt-4o", "spanCount": 3}]});
        let params = GetTraceStats::new()
            .from("2026-11-01T00:00:00Z")
            .to("2026-11-02T00:00:00Z")
            .session_id("sess-1");
        let (request, answer) = both_call!(Reply::json(200, stats.clone()), |c| c
            .traces()
            .get_trace_stats(group, &params));
        let query = format!(
            "groupBy={group}&from=2026-11-01T00%3A00%3A00Z&to=2026-11-02T00%3A00%3A00Z&sessionId=sess-1"
        );
        assert_common(&request, "GET", "/api/traces/stats", Some(&query), None);
        assert_eq!(answer, stats);
    }
    let server = ScriptedServer::start(vec![Reply::json(200, json!({}))]);
    blocking_client(&server)
        .traces()
        .get_trace_stats(StatsGroupBy::Kind, &GetTraceStats::new())
        .expect("stats");
    assert_eq!(
        server.single_request().query.as_deref(),
        Some("groupBy=kind")
    );
}

#[test]
fn get_analytics_summary() {
    let summary = json!({
        "kpis": {"totalTraces": 3, "totalCostUsd": 0.0012},
        "costByModel": [{"model": "gpt-4o", "costUsd": 0.0012}],
        "tokensOverTime": [{"date": "2026-11-01", "inputTokens": 36}],
        "latencyPercentiles": [{"model": "gpt-4o", "p50": 1200}],
        "errorRate": [],
        "costEfficiency": [],
        "budgetBurndown": [{"date": "2026-11-01", "spent": 0.0012, "remaining": 9.9988}],
        "previousPeriodKpis": null,
        "kpiSparklines": {"cost": [0.0012]},
        "errorBreakdown": [],
        "modelComparison": [{"model": "gpt-4o"}],
        "futureSection": []
    });
    let params = GetAnalyticsSummary::new()
        .start_after("2026-11-01T00:00:00Z")
        .start_before("2026-11-08T00:00:00Z")
        .budget(10.5)
        .model("gpt-4o");
    let (request, answer) = both_call!(Reply::json(200, summary), |c| c
        .traces()
        .get_analytics_summary(&params));
    assert_common(
        &request,
        "GET",
        "/api/traces/analytics",
        Some("startAfter=2026-11-01T00%3A00%3A00Z&startBefore=2026-11-08T00%3A00%3A00Z&budget=10.5&model=gpt-4o"),
        None,
    );
    assert_eq!(answer.kpis["totalTraces"], 3);
    assert_eq!(answer.budget_burndown.len(), 1);
    assert_eq!(answer.previous_period_kpis, Value::Null);
    assert_eq!(answer.model_comparison[0]["model"], "gpt-4o");
}

#[test]
fn get_trace() {
    let (request, trace) = both_call!(Reply::json(200, trace_json("trace/1", true)), |c| c
        .traces()
        .get_trace_with("trace/1", &GetTrace::new().include("spans")));
    assert_common(
        &request,
        "GET",
        "/api/traces/trace%2F1",
        Some("include=spans"),
        None,
    );
    assert_eq!(trace.id.as_str(), "trace/1");
    assert_eq!(
        trace.workspace_id.as_ref().map(|w| w.as_str()),
        Some("ws_1")
    );
    let spans: Vec<NewSpan> = trace.spans_as().expect("typed spans");
    assert_eq!(spans.len(), 1);
    assert_eq!(spans[0].kind, SpanKind::LlmChat);
    assert_eq!(spans[0].tokens.map(|t| (t.input, t.output)), Some((12, 30)));
    assert_eq!(spans[0].status, Some(Status::Ok));

    let server = ScriptedServer::start(vec![Reply::json(200, trace_json("t", true))]);
    blocking_client(&server)
        .traces()
        .get_trace("t")
        .expect("get");
    assert_common(&server.single_request(), "GET", "/api/traces/t", None, None);
}

#[test]
fn delete_trace() {
    assert_json_answer!(
        "DELETE",
        "/api/traces/t-1",
        json!({"success": true, "message": "trace t-1 deleted"}),
        |c| c.traces().delete_trace("t-1")
    );
}

#[test]
fn unknown_span_kinds_round_trip() {
    let kind: SpanKind = serde_json::from_value(json!("llm.rerank2")).expect("kind");
    assert_eq!(kind, SpanKind::Unknown("llm.rerank2".into()));
    assert_eq!(SpanKind::KNOWN.len(), 15);
    let span = NewSpan::new("s", "n", "future.kind", T0);
    assert_eq!(
        serde_json::to_value(&span).expect("json")["kind"],
        "future.kind"
    );
}

#[test]
fn invalid_input_is_refused_before_sending() {
    nothing_sent(|client| {
        let traces = client.traces();

        assert_invalid(traces.ingest_trace(&NewTrace::new("", T0)), "traceId");
        let err = assert_invalid(
            traces.ingest_trace(&NewTrace::new("x".repeat(256), T0)),
            "traceId",
        );
        assert!(err.to_string().contains("at most 255"), "{err}");
        assert_invalid(traces.ingest_trace(&NewTrace::new("t", "")), "startTime");
        assert_invalid(
            traces.ingest_trace(&NewTrace::new("t", T0).span(NewSpan::new(
                "",
                "n",
                SpanKind::Tool,
                T0,
            ))),
            "spans[0].spanId",
        );
        assert_invalid(
            traces.ingest_trace(
                &NewTrace::new("t", T0)
                    .span(NewSpan::new("a", "n", SpanKind::Tool, T0))
                    .span(NewSpan::new("b", "n", SpanKind::Tool, T0).parent("p".repeat(256))),
            ),
            "spans[1].parentSpanId",
        );
        for (span, field) in [
            (
                NewSpan::new("a", "n", SpanKind::Tool, T0).cost_usd(-1.0),
                "costUsd",
            ),
            (
                NewSpan::new("a", "n", SpanKind::Tool, T0).latency_ms(f64::NAN),
                "latencyMs",
            ),
            (
                NewSpan::new("a", "n", SpanKind::Tool, T0).ttft_ms(f64::INFINITY),
                "ttftMs",
            ),
            (
                NewSpan::new("a", "n", SpanKind::Tool, T0).duration_ms(-0.5),
                "durationMs",
            ),
            (
                NewSpan::new("a", "n", SpanKind::Tool, T0).event(SpanEvent::new("e", " ")),
                "events[0].timestamp",
            ),
        ] {
            assert_invalid(
                traces.ingest_trace(&NewTrace::new("t", T0).span(span)),
                &format!("spans[0].{field}"),
            );
        }
        assert_invalid(traces.ingest_trace_batch(&[]), "traces");
        assert_invalid(
            traces.ingest_trace_batch(&[NewTrace::new("ok", T0), NewTrace::new("", T0)]),
            "traces[1].traceId",
        );
        let mut bad = otlp_request();
        bad.resource_spans[0].scope_spans[0].spans[0].trace_id = "xyz".into();
        assert_invalid(
            traces.ingest_otlp(&bad),
            "resourceSpans[0].scopeSpans[0].spans[0].traceId",
        );
        assert_invalid(
            traces.get_analytics_summary(&GetAnalyticsSummary::new().budget(-5.0)),
            "budget",
        );
        assert_invalid(traces.get_trace(""), "id");
        assert_invalid(traces.delete_trace(".."), "id");
    });
}

#[test]
fn list_traces_sends_any_limit() {
    // The contract states no 1..100 range for traces: the server decides.
    let page = json!({"data": [], "total": 0, "limit": 500, "offset": 0});
    let (request, page) = both_call!(Reply::json(200, page), |c| c
        .traces()
        .list_traces(&ListTraces::new().limit(500)));
    assert_common(&request, "GET", "/api/traces/", Some("limit=500"), None);
    assert_eq!(page.limit, 500);
}

#[test]
fn ids_of_255_characters_are_accepted() {
    let id = "é".repeat(255);
    let server = ScriptedServer::start(vec![Reply::json(
        201,
        json!({"success": true, "traceId": id, "spanCount": 0}),
    )]);
    let answer = blocking_client(&server)
        .traces()
        .ingest_trace(&NewTrace::new(id.as_str(), T0))
        .expect("255 characters are fine");
    assert_eq!(answer.trace_id.as_str(), id);
}

#[test]
fn list_traces_all_walks_every_page() {
    let page = |ids: &[&str], offset: u64| {
        Reply::json(
            200,
            json!({
                "data": ids.iter().map(|id| trace_json(id, false)).collect::<Vec<_>>(),
                "total": 5, "limit": 2, "offset": offset
            }),
        )
    };
    let replies = vec![page(&["a", "b"], 0), page(&["c", "d"], 2), page(&["e"], 4)];

    let (traces, server) = both_walk!(replies, |c| c
        .traces()
        .list_traces_all(&ListTraces::new().limit(2).source("sdk")));
    let ids: Vec<&str> = traces.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(ids, ["a", "b", "c", "d", "e"]);
    assert_queries(
        &server,
        &[
            "source=sdk&limit=2&offset=0",
            "source=sdk&limit=2&offset=2",
            "source=sdk&limit=2&offset=4",
        ],
    );
}

/// `limit(0)` is the server's to judge on one page (the contract states no range for the
/// traces' limit), but a walk of such pages would end at once with no trace and no error: the
/// walk is refused, nothing sent, through both clients.
#[test]
fn list_traces_all_refuses_a_limit_of_zero() {
    let params = ListTraces::new().limit(0);
    nothing_sent(|client| {
        let first = client.traces().list_traces_all(&params).next();
        assert_invalid(first.expect("the refusal"), "limit");
    });
    let server = ScriptedServer::start(vec![Reply::json(200, json!({}))]);
    let walked = runtime().block_on(
        async_client(&server)
            .traces()
            .list_traces_all(&params)
            .try_collect(),
    );
    assert_invalid(walked, "limit");
    assert!(server.requests().is_empty(), "nothing may be sent");
}

#[test]
#[cfg(feature = "serde-roundtrip")]
fn ingest_models_round_trip_through_json() {
    let trace = sample_trace();
    let text = serde_json::to_string(&trace).expect("encode");
    let back: NewTrace = serde_json::from_str(&text).expect("decode");
    assert_eq!(back, trace);
    let request = otlp_request();
    let back: ExportTraceRequest =
        serde_json::from_value(serde_json::to_value(&request).expect("encode")).expect("decode");
    assert_eq!(back, request);
}
