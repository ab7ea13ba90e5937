//! Trace ingestion (single, batch with merge, OTLP/JSON), list/get/delete, stats and analytics.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test may panic

mod common;

use common::{started, Client};
use mutagent_emulator::{Collection, Emulator};
use serde_json::{json, Value};

fn span(id: &str, model: &str, tokens: (u64, u64), cost: f64, error: bool) -> Value {
    let mut s = json!({
        "spanId": id,
        "name": format!("call {id}"),
        "kind": "llm.chat",
        "startTime": "2024-05-01T10:00:00Z",
        "endTime": "2024-05-01T10:00:01.500Z",
        "model": model,
        "provider": "openai",
        "tokens": {"input": tokens.0, "output": tokens.1},
        "costUsd": cost,
        "latencyMs": 1500,
    });
    if error {
        s["error"] = json!("rate limited");
        s["status"] = json!("error");
    }
    s
}

#[tokio::test]
async fn ingest_single_batch_and_merge() {
    let (emu, c) = started().await;
    let r = c
        .created("/api/traces/", json!({"traceId": "t1", "sessionId": "s1", "name": "chat", "source": "manual", "environment": "staging",
                "startTime": "2024-05-01T10:00:00Z", "spans": [span("a", "gpt-4o", (10, 5), 0.01, false)]}))
        .await;
    assert_eq!(r, json!({"success": true, "traceId": "t1", "spanCount": 1}));

    let b = c
        .created("/api/traces/batch", json!({"traces": [
                {"traceId": "t2", "source": "sdk", "startTime": "2024-05-02T10:00:00Z",
                 "spans": [span("b", "claude", (100, 50), 0.2, true), {"spanId": "c", "name": "tool", "kind": "tool", "startTime": "2024-05-02T10:00:00Z", "endTime": "2024-05-02T10:00:00.250Z", "durationMs": 250, "status": "ok", "parentSpanId": "b"}]},
                {"traceId": "t1", "startTime": "2024-05-01T10:00:00Z", "spans": [span("d", "gpt-4o", (1, 1), 0.001, false)]}
            ]}))
        .await;
    assert_eq!(b["success"], true);
    assert_eq!(b["count"], 2);
    assert_eq!(b["traceIds"], json!(["t2", "t1"]));
    assert_eq!(emu.count(Collection::Traces), 2);
    assert_eq!(emu.count(Collection::Spans), 4);

    let t1 = c.get_ok("/api/traces/t1").await;
    assert_eq!(t1["id"], "t1");
    assert_eq!(t1["sessionId"], "s1");
    assert_eq!(t1["totalSpans"], 2);
    assert_eq!(t1["totalInputTokens"], 11);
    assert_eq!(t1["totalCostUsd"], "0.011000");
    assert_eq!(t1["status"], "ok");
    assert_eq!(t1["durationMs"], 1500);
    assert!(t1["workspaceId"].is_string());
    assert_eq!(t1["spans"].as_array().map(Vec::len), Some(2));
    // A later chunk of the same trace keeps the earliest start and the spans seen so far.
    c.created(
        "/api/traces/",
        json!({"traceId": "t1", "startTime": "2024-05-01T11:00:00Z", "spans": []}),
    )
    .await;
    let again = c.get_ok("/api/traces/t1").await;
    assert_eq!(again["startTime"], "2024-05-01T10:00:00Z");
    assert_eq!(again["totalSpans"], 2);
    let t2 = c.get_ok("/api/traces/t2?include=spans").await;
    assert_eq!(t2["status"], "error");
    assert_eq!(t2["error"], "rate limited");

    // Validation of the trace body.
    for (body, needle) in [
        (
            json!({"traceId": "x", "startTime": "2024-05-01T10:00:00Z", "spans": [{"spanId": "a", "name": "n", "kind": "llm", "startTime": "2024-05-01T10:00:00Z"}]}),
            "spans[0].kind",
        ),
        (
            json!({"traceId": "x", "startTime": "yesterday", "spans": []}),
            "startTime",
        ),
        (
            json!({"traceId": "x", "startTime": "2024-05-01T10:00:00Z"}),
            "spans",
        ),
        (
            json!({"trace_id": "x", "startTime": "2024-05-01T10:00:00Z", "spans": []}),
            "traceId",
        ),
        (
            json!({"traceId": "x", "startTime": "2024-05-01T10:00:00Z", "spans": [], "environment": "prod"}),
            "environment",
        ),
    ] {
        let m = c.post("/api/traces/", body).await.error(400);
        assert!(m.contains(needle), "{needle}: {m}");
    }
    c.post("/api/traces/batch", json!({"traces": []}))
        .await
        .error(400);
    c.post("/api/traces/batch", json!([{}])).await.error(400);
}

/// A trace whose spans carry no cost (or that has no spans) costs `"0.000000"`, not the
/// `"-0.000000"` of a float sum over nothing; its stats count 0 too.
#[tokio::test]
async fn a_trace_without_costs_costs_zero() {
    let (_emu, c) = started().await;
    c.created(
        "/api/traces/",
        json!({"traceId": "free", "startTime": "2024-05-01T10:00:00Z",
               "spans": [{"spanId": "s", "name": "tool", "kind": "tool",
                          "startTime": "2024-05-01T10:00:00Z", "endTime": "2024-05-01T10:00:01Z"}]}),
    )
    .await;
    let trace = c.get_ok("/api/traces/free").await;
    assert_eq!(trace["totalCostUsd"], "0.000000");
    let stats = c.get_ok("/api/traces/stats?groupBy=model").await;
    let text = stats.to_string();
    assert!(!text.contains("-0"), "no negative zero in {text}");
}

#[tokio::test]
async fn otlp_json_is_converted() {
    let (_emu, c) = started().await;
    let tid = "5B8EFFF798038103D269B633813FC60C";
    let body = json!({"resourceSpans": [{
        "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "svc"}}, {"key": "deployment.environment", "value": {"stringValue": "production"}}]},
        "scopeSpans": [{"scope": {"name": "lib"}, "spans": [
            {"traceId": tid, "spanId": "EEE19B7EC3C1B174", "name": "root", "kind": 2,
             "startTimeUnixNano": "1714557600000000000", "endTimeUnixNano": "1714557601000000000",
             "attributes": [{"key": "gen_ai.operation.name", "value": {"stringValue": "chat"}},
                            {"key": "gen_ai.request.model", "value": {"stringValue": "gpt-4o"}},
                            {"key": "gen_ai.usage.input_tokens", "value": {"intValue": "42"}},
                            {"key": "session.id", "value": {"stringValue": "sess"}}],
             "status": {"code": 2, "message": "boom"},
             "events": [{"name": "e", "timeUnixNano": "1714557600500000000"}]},
            {"traceId": tid, "spanId": "EEE19B7EC3C1B175", "parentSpanId": "EEE19B7EC3C1B174", "name": "child", "kind": 1,
             "startTimeUnixNano": "1714557600100000000", "attributes": [{"key": "flag", "value": {"boolValue": true}}]}
        ]}]
    }]});
    let r = c.created("/api/traces/otlp", body).await;
    let lower = tid.to_ascii_lowercase();
    assert_eq!(r, json!({"success": true, "count": 1, "traceIds": [lower]}));
    let t = c.get_ok(&format!("/api/traces/{lower}")).await;
    assert_eq!(t["source"], "otel");
    assert_eq!(t["name"], "root");
    assert_eq!(t["sessionId"], "sess");
    assert_eq!(t["environment"], "production");
    assert_eq!(t["startTime"], "2024-05-01T10:00:00.000Z");
    assert_eq!(t["status"], "error");
    assert_eq!(t["totalInputTokens"], 42);
    let spans = t["spans"].as_array().expect("spans");
    assert_eq!(spans[0]["kind"], "llm.chat");
    assert_eq!(spans[0]["model"], "gpt-4o");
    assert_eq!(spans[0]["spanId"], "eee19b7ec3c1b174");
    assert_eq!(spans[0]["attributes"]["gen_ai.usage.input_tokens"], 42);
    assert_eq!(
        spans[0]["events"][0]["timestamp"],
        "2024-05-01T10:00:00.500Z"
    );
    assert_eq!(spans[1]["parentSpanId"], "eee19b7ec3c1b174");
    assert_eq!(spans[1]["kind"], "custom");
    assert_eq!(spans[1]["attributes"]["flag"], true);

    let bad = json!({"resourceSpans": [{"resource": {}, "scopeSpans": [{"spans": [{"traceId": "xyz", "spanId": "EEE19B7EC3C1B174", "name": "n", "startTimeUnixNano": "1"}]}]}]});
    assert!(c
        .post("/api/traces/otlp", bad)
        .await
        .error(400)
        .contains("traceId"));
    let bad = json!({"resourceSpans": [{"resource": {}, "scopeSpans": [{"spans": [{"traceId": tid, "spanId": "EEE19B7EC3C1B174", "name": "n", "startTimeUnixNano": "soon"}]}]}]});
    assert!(c
        .post("/api/traces/otlp", bad)
        .await
        .error(400)
        .contains("startTimeUnixNano"));
    c.post("/api/traces/otlp", json!({"resourceSpans": []}))
        .await
        .error(400);
    c.post("/api/traces/otlp", json!({})).await.error(400);
}

/// OTLP's integer fields (a span's `kind`, its status `code`) take an integral float as the
/// API's own bodies do (`2.0` is 2); `2.5` is still refused, naming the field.
#[tokio::test]
async fn otlp_integers_take_integral_floats() {
    let (_emu, c) = started().await;
    let tid = "5B8EFFF798038103D269B633813FC60D";
    let body = |kind: Value| {
        json!({"resourceSpans": [{"resource": {}, "scopeSpans": [{"spans": [
            {"traceId": tid, "spanId": "EEE19B7EC3C1B174", "name": "root", "kind": kind,
             "startTimeUnixNano": "1714557600000000000", "status": {"code": 2.0, "message": "boom"}}
        ]}]}]})
    };
    c.created("/api/traces/otlp", body(json!(2.0))).await;
    let t = c
        .get_ok(&format!("/api/traces/{}", tid.to_ascii_lowercase()))
        .await;
    assert_eq!(t["status"], "error");
    let m = c
        .post("/api/traces/otlp", body(json!(2.5)))
        .await
        .error(400);
    assert!(m.contains("kind"), "{m}");
}

async fn seeded() -> (Emulator, Client) {
    let (emu, c) = started().await;
    let traces = json!({"traces": [
        {"traceId": "a", "sessionId": "s1", "source": "sdk", "environment": "production", "startTime": "2024-05-01T10:00:00Z", "spans": [span("1", "gpt-4o", (10, 5), 0.01, false)]},
        {"traceId": "b", "sessionId": "s1", "source": "langchain", "startTime": "2024-05-02T10:00:00Z", "spans": [span("2", "claude", (20, 5), 0.02, true), span("3", "gpt-4o", (30, 5), 0.03, false)]},
        {"traceId": "c", "sessionId": "s2", "source": "sdk", "startTime": "2024-05-03T10:00:00Z", "spans": [span("4", "gpt-4o", (40, 5), 0.04, false)]}
    ]});
    c.created("/api/traces/batch", traces).await;
    (emu, c)
}

#[tokio::test]
async fn list_get_delete() {
    let (emu, c) = seeded().await;
    let all = c.get_ok("/api/traces/").await;
    assert_eq!(all["total"], 3);
    assert_eq!(all["limit"], 20);
    assert_eq!(all["offset"], 0);
    assert!(
        all.get("hasNext").is_none(),
        "0.1.2 trace envelope has no flags"
    );
    assert!(all["data"][0].get("spans").is_none());
    assert!(c.get_ok("/api/traces/?include=spans").await["data"][0]["spans"].is_array());
    // `include` values are not documented: others are accepted and ignored.
    assert!(c.get_ok("/api/traces/?include=everything").await["data"][0]
        .get("spans")
        .is_none());
    assert_eq!(c.get_ok("/api/traces/?sessionId=s1").await["total"], 2);
    assert_eq!(c.get_ok("/api/traces/?source=langchain").await["total"], 1);
    assert_eq!(c.get_ok("/api/traces/?status=error").await["total"], 1);
    assert_eq!(
        c.get_ok("/api/traces/?environment=production").await["total"],
        1
    );
    let win = c
        .get_ok("/api/traces/?startAfter=2024-05-02T00:00:00Z&startBefore=2024-05-03T00:00:00Z")
        .await;
    assert_eq!(win["total"], 1);
    assert_eq!(win["data"][0]["id"], "b");
    let page = c.get_ok("/api/traces/?limit=2&offset=2").await;
    assert_eq!(page["data"].as_array().map(Vec::len), Some(1));
    // Filters are free strings; the limit has no 1..100 range for traces.
    assert_eq!(c.get_ok("/api/traces/?source=cli").await["total"], 0);
    assert_eq!(c.get_ok("/api/traces/?limit=500").await["limit"], 500);

    let d = c.delete_ok("/api/traces/b").await;
    assert_eq!(d["success"], true);
    c.get("/api/traces/b").await.error(404);
    c.delete("/api/traces/b").await.error(404);
    assert_eq!(emu.count(Collection::Traces), 2);
}

#[tokio::test]
async fn stats_and_analytics() {
    let (_emu, c) = seeded().await;
    let by_model = c.get_ok("/api/traces/stats?groupBy=model").await;
    assert_eq!(by_model["groupBy"], "model");
    let rows = by_model["data"].as_array().expect("rows");
    let gpt = rows.iter().find(|r| r["key"] == "gpt-4o").expect("gpt row");
    assert_eq!(gpt["spanCount"], 3);
    assert_eq!(gpt["traceCount"], 3);
    assert_eq!(gpt["inputTokens"], 80);
    let claude = rows
        .iter()
        .find(|r| r["key"] == "claude")
        .expect("claude row");
    assert_eq!(claude["errorCount"], 1);
    let by_source = c
        .get_ok("/api/traces/stats?groupBy=source&sessionId=s1")
        .await;
    assert_eq!(by_source["total"], 2);
    let kinds = c
        .get_ok("/api/traces/stats?groupBy=kind&from=2024-05-03T00:00:00Z")
        .await;
    assert_eq!(kinds["data"][0]["spanCount"], 1);
    assert_eq!(
        c.get_ok("/api/traces/stats?groupBy=provider").await["data"][0]["key"],
        "openai"
    );

    let a = c.get_ok("/api/traces/analytics?budget=1").await;
    for k in [
        "kpis",
        "costByModel",
        "tokensOverTime",
        "latencyPercentiles",
        "errorRate",
        "costEfficiency",
        "budgetBurndown",
        "previousPeriodKpis",
        "kpiSparklines",
        "errorBreakdown",
        "modelComparison",
    ] {
        assert!(a.get(k).is_some(), "missing {k}");
    }
    assert_eq!(a["kpis"]["totalTraces"], 3);
    assert_eq!(a["kpis"]["totalSpans"], 4);
    assert_eq!(a["previousPeriodKpis"], Value::Null);
    // All spans of the fixture start on the same day: one burndown row, 1.0 - 0.10 spent.
    assert_eq!(a["budgetBurndown"].as_array().map(Vec::len), Some(1));
    assert_eq!(a["budgetBurndown"][0]["remaining"], 0.9);
    assert_eq!(
        a["errorRate"].as_array().map(Vec::len),
        Some(3),
        "one row per trace day"
    );
    assert_eq!(
        a["errorBreakdown"],
        json!([{"error": "rate limited", "count": 1}])
    );
    let w = c.get_ok("/api/traces/analytics?startAfter=2024-05-02T00:00:00Z&startBefore=2024-05-04T00:00:00Z&model=gpt-4o").await;
    assert_eq!(w["kpis"]["totalSpans"], 2);
    assert_eq!(w["previousPeriodKpis"]["totalTraces"], 1);
    c.get("/api/traces/analytics?budget=-1").await.error(400);
}

/// An emulator speaking the 0.4.1 trace contract, and a client of it.
async fn v0_4() -> (Emulator, Client) {
    let emu = Emulator::builder()
        .traces_contract(mutagent_emulator::TracesContract::V0_4_1)
        .start()
        .await
        .expect("start");
    let c = Client::new(emu.addr());
    (emu, c)
}

#[tokio::test]
async fn the_0_4_1_contract_on_the_wire() {
    let (_emu, c) = v0_4().await;
    let body = json!({"traces": [
        {"traceId": "a", "startTime": "2024-05-01T10:00:00Z", "source": "cli",
         "spans": [{"spanId": "s1", "name": "n", "startTime": "2024-05-01T10:00:00Z", "endTime": "2024-05-01T10:00:00.5Z", "kind": "client", "status": "error", "input": "i"}]},
        {"traceId": "", "startTime": "2024-05-01T10:00:00Z"},
        {"traceId": "b", "startTime": "soon"}
    ]});
    let r = c.post_ok("/api/traces/batch", body).await;
    assert_eq!(
        (r["accepted"].clone(), r["rejected"].clone()),
        (json!(1), json!(2))
    );
    assert!(r["note"].as_str().expect("note").contains("startTime"));
    // Python sends integer parameters it types as float as `2.0`.
    let page = c.get_ok("/api/traces/?limit=2.0").await;
    assert_eq!(
        page,
        json!({"data": [{"traceId": "a", "serviceName": "cli", "sessionId": null,
        "startTime": "2024-05-01T10:00:00Z", "endTime": "2024-05-01T10:00:00.5Z", "spanCount": 1,
        "resource": {"service.name": "cli"}}], "nextCursor": null})
    );
    let spans = c.get_ok("/api/traces/a/spans").await;
    assert_eq!(spans["data"][0]["kind"], 3);
    assert_eq!(spans["data"][0]["statusCode"], 2);
    assert_eq!(spans["data"][0]["durationNanos"], 500_000_000);
    assert_eq!(spans["data"][0]["attributes"]["mutagent.input"], "i");
    c.get("/api/traces/?cursor=xyz").await.error(400);
    c.get("/api/traces/zzz").await.error(404);
    // `stats` is just a trace id here.
    c.get("/api/traces/stats").await.error(404);
    assert_eq!(
        c.get_ok("/api/traces/logs?traceId=a").await,
        json!({"data": [], "nextCursor": null})
    );
}

/// models.md, 0.4.1 Trace: "`endTime` | string (date-time) | required, nullable"; Span:
/// "`startTime` | string (date-time) | required", "`endTime` | string (date-time) | required,
/// nullable". The hook-format request (TraceBatchTrace, TraceBatchSpan) types them plain
/// strings, so the batch itself is valid: a trace whose times could not be answered as
/// date-times is counted as rejected, with a note naming the time (the emulator's choice among
/// conformant answers; never a 400 for the whole batch), and is not stored.
#[tokio::test]
async fn v0_4_rejects_a_trace_whose_times_are_not_date_times() {
    let (_emu, c) = v0_4().await;
    let at = "2024-05-01T10:00:00Z";
    let trace = |end: &str, span_start: &str, span_end: &str| {
        json!({"traces": [{"traceId": "t1", "startTime": at, "endTime": end,
            "spans": [{"spanId": "s1", "name": "n", "startTime": span_start, "endTime": span_end}]}]})
    };
    for (body, named) in [
        (trace("later", at, at), "trace `t1`: endTime"),
        (trace(at, "soon", at), "span `s1`: startTime"),
        (trace(at, at, "then"), "span `s1`: endTime"),
    ] {
        let r = c.post_ok("/api/traces/batch", body).await;
        assert_eq!(
            (r["accepted"].clone(), r["rejected"].clone()),
            (json!(0), json!(1))
        );
        let note = r["note"].as_str().expect("note");
        assert!(note.contains(named), "{named}: {note}");
        c.get("/api/traces/t1").await.error(404);
    }
    let r = c.post_ok("/api/traces/batch", trace(at, at, at)).await;
    assert_eq!(r["accepted"], 1);
}

/// models.md, 0.4.1 TraceList: "`nextCursor` … null on the last page"; operations.tsv types
/// the 0.4.1 `limit` `int?` and no range is stated for it (`Schemamaximu`'s 1..100 names the
/// offset lists), so `limit=0` is taken: its empty page hands a cursor while traces remain.
#[tokio::test]
async fn v0_4_limit_0_does_not_claim_the_last_page() {
    let (_emu, c) = v0_4().await;
    let body = json!({"traces": [{"traceId": "t1", "startTime": "2024-05-01T10:00:00Z"}]});
    c.post_ok("/api/traces/batch", body).await;
    let page = c.get_ok("/api/traces/?limit=0").await;
    assert_eq!(page["data"], json!([]));
    let cursor = page["nextCursor"]
        .as_str()
        .expect("a cursor while t1 was never listed");
    let next = c
        .get_ok(&format!("/api/traces/?limit=1&cursor={cursor}"))
        .await;
    assert_eq!(next["data"][0]["traceId"], "t1");
    assert_eq!(next["nextCursor"], Value::Null);
}
