//! `traces` namespace (0.1.2 contract): ingestion (single, batch, OTLP/JSON), list, get,
//! delete, stats and analytics.
//!
//! Ingesting a trace id that already exists merges into it (spans are upserted by `spanId`),
//! because the SDK's tracing helper may flush spans of one trace in several batches.

use std::borrow::Borrow;
use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::{body, bounded_array, gs, index_or_push, or_null, success, touch, Obj, State};
use crate::clock::{format_day, format_iso, parse_iso};
use crate::error::{missing, ApiError};
use crate::query::{q, q_req, QTy, OFFSET};
use crate::router::{created, ok, Ctx, Reply, Route};
use crate::validate::{opt, opt_any, req, Field, Ty, STRINGS, TEXT};

pub(super) const SOURCES: &[&str] = &[
    "sdk",
    "langchain",
    "langgraph",
    "vercel-ai",
    "openai",
    "otel",
    "manual",
];
pub(super) const ENVIRONMENTS: &[&str] = &["production", "staging", "development"];
const KINDS: &[&str] = &[
    "llm.chat",
    "llm.completion",
    "llm.embedding",
    "chain",
    "agent",
    "graph",
    "node",
    "edge",
    "workflow",
    "middleware",
    "retrieval",
    "rerank",
    "tool",
    "guardrail",
    "custom",
];
const ID: Ty = Ty::Str(1, 255);
const NON_NEG: Ty = Ty::Num(0.0, f64::MAX);

const TOKENS: &[Field] = &[req("input", NON_NEG), req("output", NON_NEG)];
const EVENT: &[Field] = &[
    req("name", TEXT),
    req("timestamp", Ty::DateTime),
    opt("attributes", Ty::Object),
];
const SPAN: &[Field] = &[
    req("spanId", ID),
    // Only traceId and spanId have a stated maxLength (255); the rest: "value unknown".
    opt("parentSpanId", TEXT),
    req("name", TEXT),
    req("kind", Ty::Enum(KINDS)),
    opt_any("input"),
    opt_any("output"),
    req("startTime", Ty::DateTime),
    opt("endTime", Ty::DateTime),
    opt("tokens", Ty::Shape(TOKENS)),
    opt("model", TEXT),
    opt("provider", TEXT),
    opt("costUsd", NON_NEG),
    opt("latencyMs", NON_NEG),
    opt("ttftMs", NON_NEG),
    opt("statusMessage", TEXT),
    opt("error", TEXT),
    opt("attributes", Ty::Object),
    opt("events", Ty::Array(&Ty::Shape(EVENT))),
    opt("metadata", Ty::Object),
    // Sent by the SDK's tracing helper although absent from the generated span model.
    opt("durationMs", NON_NEG),
    opt("status", Ty::Enum(&["ok", "error", "unset"])),
];
const TRACE: &[Field] = &[
    req("traceId", ID),
    opt("sessionId", TEXT),
    opt("name", TEXT),
    opt("source", Ty::Enum(SOURCES)),
    opt("environment", Ty::Enum(ENVIRONMENTS)),
    opt("tags", STRINGS),
    req("spans", Ty::Array(&Ty::Shape(SPAN))),
    opt("metadata", Ty::Object),
    req("startTime", Ty::DateTime),
    opt("endTime", Ty::DateTime),
];
const BATCH: &[Field] = &[req("traces", Ty::Array(&Ty::Shape(TRACE)))];

const MAX_BATCH: usize = 1000;

pub(super) const ROUTES: &[Route] = &[
    Route::get("list_traces", "/api/traces/", list).query(&[
        q("sessionId", QTy::Str),
        q("status", QTy::Str),
        // Filters are free strings in the contract (the enums bind ingested bodies only).
        q("source", QTy::Str),
        q("environment", QTy::Str),
        q("startAfter", QTy::DateTime),
        q("startBefore", QTy::DateTime),
        // No 1..100 range for traces in the contract.
        q("limit", QTy::Int(0, i64::MAX)),
        OFFSET,
        q("include", QTy::Str),
    ]),
    Route::post("ingest_trace", "/api/traces/", ingest_one).body(TRACE),
    Route::post("ingest_trace_batch", "/api/traces/batch", ingest_batch).body(BATCH),
    Route::post("ingest_otlp", "/api/traces/otlp", ingest_otlp).custom_body(),
    Route::get("get_trace_stats", "/api/traces/stats", stats).query(&[
        q_req(
            "groupBy",
            QTy::Enum(&["model", "provider", "kind", "source"]),
        ),
        q("from", QTy::DateTime),
        q("to", QTy::DateTime),
        q("sessionId", QTy::Str),
    ]),
    Route::get("get_analytics_summary", "/api/traces/analytics", analytics).query(&[
        q("startAfter", QTy::DateTime),
        q("startBefore", QTy::DateTime),
        q("budget", QTy::Num),
        q("model", QTy::Str),
    ]),
    Route::get("get_trace", "/api/traces/{id}", get).query(&[q("include", QTy::Str)]),
    Route::delete("delete_trace", "/api/traces/{id}", delete),
];

/// Ingests (or merges) one validated trace object; returns (trace id, span count in request).
pub(super) fn ingest(st: &mut State, t: &Obj, default_source: &str) -> (String, usize) {
    let trace_id = gs(t, "traceId").unwrap_or_default().to_string();
    let now = st.ts();
    let ws = st
        .workspaces
        .iter()
        .find(|w| super::gb(w, "isDefault"))
        .and_then(|w| gs(w, "id"))
        .unwrap_or_default()
        .to_string();
    let idx = index_or_push(&mut st.traces, "id", &trace_id, || {
        let mut rec = Obj::new();
        rec.insert("id".into(), json!(trace_id));
        rec.insert("workspaceId".into(), json!(ws));
        for k in [
            "sessionId",
            "name",
            "environment",
            "tags",
            "metadata",
            "endTime",
        ] {
            rec.insert(k.into(), Value::Null);
        }
        rec.insert("source".into(), json!(default_source));
        rec.insert("startTime".into(), or_null(t, "startTime"));
        rec.insert("createdAt".into(), json!(now));
        rec.insert("spans".into(), json!([]));
        rec
    });
    let rec = &mut st.traces[idx];
    for k in [
        "sessionId",
        "name",
        "source",
        "environment",
        "tags",
        "metadata",
        "endTime",
    ] {
        if let Some(v) = t.get(k) {
            rec.insert(k.into(), v.clone());
        }
    }
    // A later batch of the same trace keeps the earliest start.
    let old_start = gs(rec, "startTime").and_then(parse_iso);
    if let Some(new_start) = gs(t, "startTime").and_then(parse_iso) {
        if old_start.is_none_or(|o| new_start < o) {
            rec.insert("startTime".into(), or_null(t, "startTime"));
        }
    }
    let mut spans: Vec<Value> = rec
        .get("spans")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let incoming = t
        .get("spans")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let count = incoming.len();
    for s in incoming {
        let Value::Object(mut s) = s else { continue };
        s.insert("traceId".into(), json!(trace_id));
        if !s.contains_key("status") {
            let st = if s.contains_key("error") {
                "error"
            } else {
                "ok"
            };
            s.insert("status".into(), json!(st));
        }
        if !s.contains_key("durationMs") {
            if let (Some(a), Some(b)) = (
                gs(&s, "startTime").and_then(parse_iso),
                gs(&s, "endTime").and_then(parse_iso),
            ) {
                s.insert("durationMs".into(), json!(b - a));
            }
        }
        let sid = gs(&s, "spanId").map(str::to_string);
        match spans
            .iter_mut()
            .find(|x| x.get("spanId").and_then(Value::as_str) == sid.as_deref())
        {
            Some(slot) => *slot = Value::Object(s),
            None => spans.push(Value::Object(s)),
        }
    }
    recompute(rec, &spans);
    rec.insert("spans".into(), Value::Array(spans));
    touch(rec, &now);
    (trace_id, count)
}

fn recompute(rec: &mut Obj, spans: &[Value]) {
    let num = |s: &Value, a: &str, b: &str| {
        s.get(a)
            .and_then(|t| t.get(b))
            .and_then(Value::as_f64)
            .unwrap_or(0.0)
    };
    let input = total(spans.iter().map(|s| num(s, "tokens", "input")));
    let output = total(spans.iter().map(|s| num(s, "tokens", "output")));
    let cost = total(
        spans
            .iter()
            .filter_map(|s| s.get("costUsd").and_then(Value::as_f64)),
    );
    let start = gs(rec, "startTime").and_then(parse_iso);
    let span_end = spans
        .iter()
        .filter_map(|s| s.get("endTime").and_then(Value::as_str).and_then(parse_iso))
        .max();
    let end = gs(rec, "endTime").and_then(parse_iso).or(span_end);
    let error = spans
        .iter()
        .find_map(|s| s.get("error").and_then(Value::as_str))
        .map(str::to_string);
    let failed = error.is_some()
        || spans
            .iter()
            .any(|s| s.get("status").and_then(Value::as_str) == Some("error"));
    rec.insert("endTime".into(), json!(end.map(format_iso)));
    rec.insert(
        "durationMs".into(),
        json!(match (start, end) {
            (Some(a), Some(b)) => Some(b - a),
            _ => None,
        }),
    );
    rec.insert("totalInputTokens".into(), json!(input as i64));
    rec.insert("totalOutputTokens".into(), json!(output as i64));
    rec.insert("totalSpans".into(), json!(spans.len()));
    rec.insert("totalCostUsd".into(), json!(format!("{cost:.6}")));
    rec.insert("status".into(), json!(if failed { "error" } else { "ok" }));
    rec.insert("error".into(), json!(error));
}

fn ingest_one(st: &mut State, ctx: &Ctx) -> Result<Reply, ApiError> {
    let (trace_id, n) = ingest(st, body(ctx), "sdk");
    created(json!({ "success": true, "traceId": trace_id, "spanCount": n }))
}

fn ingest_batch(st: &mut State, ctx: &Ctx) -> Result<Reply, ApiError> {
    let traces = bounded_array(body(ctx), "traces", "trace", MAX_BATCH)?;
    let mut ids = Vec::new();
    for t in traces.iter().filter_map(Value::as_object) {
        ids.push(ingest(st, t, "sdk").0);
    }
    created(json!({ "success": true, "count": ids.len(), "traceIds": ids }))
}

fn ingest_otlp(st: &mut State, ctx: &Ctx) -> Result<Reply, ApiError> {
    let traces = super::otlp::convert(&ctx.body)?;
    let mut ids = Vec::new();
    for t in &traces {
        ids.push(ingest(st, t, "otel").0);
    }
    created(json!({ "success": true, "count": ids.len(), "traceIds": ids }))
}

/// Whether `include` asks for spans. Its values are not documented, so any is accepted; the
/// emulator can only embed `spans` and ignores the rest.
fn check_include(ctx: &Ctx) -> Result<bool, ApiError> {
    Ok(ctx
        .query
        .str("include")
        .is_some_and(|inc| inc.split(',').any(|part| part.trim() == "spans")))
}

fn in_window(t: &Obj, after: Option<i64>, before: Option<i64>) -> bool {
    let start = gs(t, "startTime").and_then(parse_iso).unwrap_or(0);
    after.is_none_or(|a| start >= a) && before.is_none_or(|b| start < b)
}

fn list(st: &mut State, ctx: &Ctx) -> Result<Reply, ApiError> {
    let with_spans = check_include(ctx)?;
    let qv = &ctx.query;
    let rows: Vec<Value> = st
        .traces
        .iter()
        .filter(|t| {
            qv.keeps_str(t, "sessionId")
                && qv.keeps_str(t, "status")
                && qv.keeps_str(t, "source")
                && qv.keeps_str(t, "environment")
        })
        .filter(|t| in_window(t, qv.time("startAfter"), qv.time("startBefore")))
        .map(|t| {
            let mut t = t.clone();
            if !with_spans {
                t.remove("spans");
            }
            Value::Object(t)
        })
        .collect();
    ok(super::plain_page(rows, qv))
}

fn get(st: &mut State, ctx: &Ctx) -> Result<Reply, ApiError> {
    check_include(ctx)?;
    let id = ctx.sid(0);
    let t = st
        .traces
        .iter()
        .find(|t| gs(t, "id") == Some(id))
        .ok_or_else(|| missing("trace", id))?;
    ok(Value::Object(t.clone()))
}

fn delete(st: &mut State, ctx: &Ctx) -> Result<Reply, ApiError> {
    let id = ctx.sid(0);
    let i = st
        .traces
        .iter()
        .position(|t| gs(t, "id") == Some(id))
        .ok_or_else(|| missing("trace", id))?;
    st.traces.remove(i);
    ok(success(format!("trace {id} deleted")))
}

/// The `kind` tokens (`input` or `output`) of the spans, summed.
fn total_tokens<'a, V: Borrow<SpanView<'a>>>(spans: &[V], kind: &str) -> i64 {
    total(spans.iter().map(|v| v.borrow().tokens(kind))) as i64
}

/// A span with its trace.
struct SpanView<'a> {
    trace: &'a Obj,
    span: &'a Obj,
}

impl SpanView<'_> {
    fn s(&self, k: &str) -> Option<&str> {
        gs(self.span, k)
    }
    fn tokens(&self, k: &str) -> f64 {
        self.span
            .get("tokens")
            .and_then(|t| t.get(k))
            .and_then(Value::as_f64)
            .unwrap_or(0.0)
    }
    fn cost(&self) -> f64 {
        self.span
            .get("costUsd")
            .and_then(Value::as_f64)
            .unwrap_or(0.0)
    }
    fn latency(&self) -> Option<f64> {
        self.span
            .get("latencyMs")
            .and_then(Value::as_f64)
            .or_else(|| self.span.get("durationMs").and_then(Value::as_f64))
    }
    fn failed(&self) -> bool {
        self.span.contains_key("error") || self.s("status") == Some("error")
    }
    fn start_ms(&self) -> i64 {
        self.s("startTime").and_then(parse_iso).unwrap_or(0)
    }
}

fn spans<'a>(traces: impl Iterator<Item = &'a Obj>) -> Vec<SpanView<'a>> {
    let mut out = Vec::new();
    for t in traces {
        for s in t
            .get("spans")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(span) = s.as_object() {
                out.push(SpanView { trace: t, span });
            }
        }
    }
    out
}

/// The sum of `values`, `0` for none. Not `Iterator::sum`, whose empty float sum is `-0.0`: a
/// trace without costs would answer `"totalCostUsd": "-0.000000"`.
fn total(values: impl Iterator<Item = f64>) -> f64 {
    values.fold(0.0, |sum, value| sum + value)
}

fn r2(x: f64) -> f64 {
    (x * 1_000_000.0).round() / 1_000_000.0
}

fn stats(st: &mut State, ctx: &Ctx) -> Result<Reply, ApiError> {
    let qv = &ctx.query;
    let group_by = qv.str("groupBy").unwrap_or("model");
    let traces = st
        .traces
        .iter()
        .filter(|t| qv.keeps_str(t, "sessionId"))
        .filter(|t| in_window(t, qv.time("from"), qv.time("to")));
    let views = spans(traces);
    let mut groups: BTreeMap<String, Vec<&SpanView<'_>>> = BTreeMap::new();
    for v in &views {
        let key = match group_by {
            "source" => gs(v.trace, "source"),
            other => v.s(other),
        }
        .unwrap_or("unknown")
        .to_string();
        groups.entry(key).or_default().push(v);
    }
    let data: Vec<Value> = groups
        .into_iter()
        .map(|(key, vs)| {
            let mut traces: Vec<&str> = vs.iter().filter_map(|v| gs(v.trace, "id")).collect();
            traces.sort();
            traces.dedup();
            let lats: Vec<f64> = vs.iter().filter_map(|v| v.latency()).collect();
            json!({
                "key": key,
                "spanCount": vs.len(),
                "traceCount": traces.len(),
                "inputTokens": total_tokens(&vs, "input"),
                "outputTokens": total_tokens(&vs, "output"),
                "costUsd": r2(total(vs.iter().map(|v| v.cost()))),
                "avgLatencyMs": super::scoring::mean(&lats),
                "errorCount": vs.iter().filter(|v| v.failed()).count(),
            })
        })
        .collect();
    ok(json!({
        "groupBy": group_by,
        "from": qv.time("from").map(format_iso),
        "to": qv.time("to").map(format_iso),
        "total": data.len(),
        "data": data,
    }))
}

fn percentile(sorted: &[f64], p: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let idx = ((p * (sorted.len() - 1) as f64).round() as usize).min(sorted.len() - 1);
    Some(sorted[idx])
}

fn kpis(traces: &[&Obj], views: &[SpanView<'_>]) -> Value {
    let cost = total(views.iter().map(|v| v.cost()));
    let lats: Vec<f64> = views.iter().filter_map(|v| v.latency()).collect();
    let errors = traces
        .iter()
        .filter(|t| gs(t, "status") == Some("error"))
        .count();
    json!({
        "totalTraces": traces.len(),
        "totalSpans": views.len(),
        "totalCostUsd": r2(cost),
        "totalInputTokens": total_tokens(views, "input"),
        "totalOutputTokens": total_tokens(views, "output"),
        "avgLatencyMs": super::scoring::mean(&lats),
        "errorRate": if traces.is_empty() { 0.0 } else { r2(errors as f64 / traces.len() as f64) },
        "avgCostPerTrace": if traces.is_empty() { 0.0 } else { r2(cost / traces.len() as f64) },
    })
}

fn select<'a>(
    st: &'a State,
    after: Option<i64>,
    before: Option<i64>,
    model: Option<&str>,
) -> (Vec<&'a Obj>, Vec<SpanView<'a>>) {
    let traces: Vec<&Obj> = st
        .traces
        .iter()
        .filter(|t| in_window(t, after, before))
        .collect();
    let views: Vec<SpanView<'_>> = spans(traces.iter().copied())
        .into_iter()
        .filter(|v| model.is_none_or(|m| v.s("model") == Some(m)))
        .collect();
    let traces = match model {
        Some(_) => traces
            .into_iter()
            .filter(|t| views.iter().any(|v| std::ptr::eq(v.trace, *t)))
            .collect(),
        None => traces,
    };
    (traces, views)
}

fn analytics(st: &mut State, ctx: &Ctx) -> Result<Reply, ApiError> {
    let qv = &ctx.query;
    let (after, before, model) = (
        qv.time("startAfter"),
        qv.time("startBefore"),
        qv.str("model"),
    );
    let (traces, views) = select(st, after, before, model);

    let mut by_model: BTreeMap<String, Vec<&SpanView<'_>>> = BTreeMap::new();
    for v in &views {
        if let Some(m) = v.s("model") {
            by_model.entry(m.to_string()).or_default().push(v);
        }
    }
    let mut by_day: BTreeMap<String, Vec<&SpanView<'_>>> = BTreeMap::new();
    for v in &views {
        by_day.entry(format_day(v.start_ms())).or_default().push(v);
    }
    let mut traces_by_day: BTreeMap<String, Vec<&Obj>> = BTreeMap::new();
    for t in &traces {
        let day = format_day(gs(t, "startTime").and_then(parse_iso).unwrap_or(0));
        traces_by_day.entry(day).or_default().push(t);
    }

    let cost_by_model: Vec<Value> = by_model
        .iter()
        .map(|(m, vs)| {
            json!({
                "model": m,
                "costUsd": r2(total(vs.iter().map(|v| v.cost()))),
                "spanCount": vs.len(),
                "inputTokens": total_tokens(vs, "input"),
                "outputTokens": total_tokens(vs, "output"),
            })
        })
        .collect();
    let tokens_over_time: Vec<Value> = by_day
        .iter()
        .map(|(d, vs)| {
            json!({
                "date": d,
                "inputTokens": total_tokens(vs, "input"),
                "outputTokens": total_tokens(vs, "output"),
            })
        })
        .collect();
    let latency: Vec<Value> = by_model
        .iter()
        .map(|(m, vs)| {
            let mut l: Vec<f64> = vs.iter().filter_map(|v| v.latency()).collect();
            l.sort_by(f64::total_cmp);
            json!({"model": m, "p50": percentile(&l, 0.5), "p90": percentile(&l, 0.9), "p99": percentile(&l, 0.99)})
        })
        .collect();
    let error_rate: Vec<Value> = traces_by_day
        .iter()
        .map(|(d, ts)| {
            let errors = ts.iter().filter(|t| gs(t, "status") == Some("error")).count();
            json!({"date": d, "total": ts.len(), "errors": errors, "rate": r2(errors as f64 / ts.len() as f64)})
        })
        .collect();
    let efficiency: Vec<Value> = by_model
        .iter()
        .map(|(m, vs)| {
            let tokens = total(vs.iter().map(|v| v.tokens("input") + v.tokens("output")));
            let cost = total(vs.iter().map(|v| v.cost()));
            json!({"model": m, "costPer1kTokens": if tokens > 0.0 { Some(r2(cost / tokens * 1000.0)) } else { None }})
        })
        .collect();
    let mut burndown = Vec::new();
    if let Some(budget) = qv.num("budget") {
        let mut spent = 0.0;
        for (d, vs) in &by_day {
            spent += total(vs.iter().map(|v| v.cost()));
            burndown.push(json!({"date": d, "spent": r2(spent), "remaining": r2(budget - spent)}));
        }
    }
    let previous = match (after, before) {
        (Some(a), Some(b)) if b > a => {
            let (pt, pv) = select(st, Some(a - (b - a)), Some(a), model);
            kpis(&pt, &pv)
        }
        _ => Value::Null,
    };
    let sparklines = json!({
        "traces": traces_by_day.values().map(Vec::len).collect::<Vec<_>>(),
        "costUsd": by_day.values().map(|vs| r2(total(vs.iter().map(|v| v.cost())))).collect::<Vec<_>>(),
        "errors": traces_by_day.values().map(|ts| ts.iter().filter(|t| gs(t, "status") == Some("error")).count()).collect::<Vec<_>>(),
    });
    let mut errors: BTreeMap<String, usize> = BTreeMap::new();
    for v in views.iter().filter(|v| v.failed()) {
        *errors
            .entry(v.s("error").unwrap_or("error").to_string())
            .or_default() += 1;
    }
    let error_breakdown: Vec<Value> = errors
        .into_iter()
        .map(|(e, n)| json!({"error": e, "count": n}))
        .collect();
    let comparison: Vec<Value> = by_model
        .iter()
        .map(|(m, vs)| {
            let lats: Vec<f64> = vs.iter().filter_map(|v| v.latency()).collect();
            let failed = vs.iter().filter(|v| v.failed()).count();
            json!({
                "model": m,
                "spanCount": vs.len(),
                "avgLatencyMs": super::scoring::mean(&lats),
                "avgCostUsd": r2(total(vs.iter().map(|v| v.cost())) / vs.len() as f64),
                "errorRate": r2(failed as f64 / vs.len() as f64),
            })
        })
        .collect();
    ok(json!({
        "kpis": kpis(&traces, &views),
        "costByModel": cost_by_model,
        "tokensOverTime": tokens_over_time,
        "latencyPercentiles": latency,
        "errorRate": error_rate,
        "costEfficiency": efficiency,
        "budgetBurndown": burndown,
        "previousPeriodKpis": previous,
        "kpiSparklines": sparklines,
        "errorBreakdown": error_breakdown,
        "modelComparison": comparison,
    }))
}
