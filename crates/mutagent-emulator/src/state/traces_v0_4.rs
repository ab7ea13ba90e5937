//! `traces` namespace, 0.4.1 contract (models.md "traces — 0.4.1 contract"): batch ingestion in
//! the hook format answering `{accepted, rejected, note?}`, cursor pages of OTel-style trace
//! envelopes and log records, a trace by `traceId` and its spans. Served instead of the 0.1.2
//! routes when the emulator runs with `--traces-contract 0.4.1`.
//!
//! What the contract leaves to the server is the emulator's choice: a trace is accepted when
//! its `traceId` is not empty and the `startTime` and `endTime` of it and of its spans are
//! date-times, otherwise counted as rejected (never a 400 for the whole batch); span `kind`
//! strings map to OTel kinds (`server`, `client`, `producer`, `consumer`, `internal`; anything
//! else is 1, internal), span `status` `ok`/`error` to OTel codes 1/2 (else 0),
//! `input`/`output`/`kind`/`metadata` become attributes, and the trace's `source` becomes its
//! `serviceName`. Nothing produces log records, so `list_logs` answers empty pages. Cursors
//! are opaque strings.

use serde_json::{json, Map, Value};

use super::{body, gs, index_or_push, Obj, State};
use crate::clock::parse_iso;
use crate::error::ApiError;
use crate::query::{q, QTy};
use crate::router::{ok, Ctx, Reply, Route};
use crate::validate::{opt, opt_null, req, Field, Ty};

/// Any string: the 0.4.1 models give no lengths or patterns.
const ANY_STR: Ty = Ty::Str(0, usize::MAX);

const SPAN: &[Field] = &[
    req("spanId", ANY_STR),
    req("name", ANY_STR),
    opt("kind", ANY_STR),
    req("startTime", ANY_STR),
    opt("endTime", ANY_STR),
    opt("status", ANY_STR),
    opt("input", ANY_STR),
    opt("output", ANY_STR),
    opt_null("parentSpanId", ANY_STR),
    opt("metadata", Ty::Object),
];
const TRACE: &[Field] = &[
    req("traceId", ANY_STR),
    opt("sessionId", ANY_STR),
    opt("name", ANY_STR),
    opt("source", ANY_STR),
    req("startTime", ANY_STR),
    opt("endTime", ANY_STR),
    opt("status", ANY_STR),
    opt("spans", Ty::Array(&Ty::Shape(SPAN))),
    opt("metadata", Ty::Object),
];
const BATCH: &[Field] = &[req("traces", Ty::Array(&Ty::Shape(TRACE)))];

/// `limit` of the cursor lists: an integer; the contract states no range (the 1..100 of
/// `Schemamaximu` names the offset lists only), so 0 is taken and answers an empty page.
const LIMIT: crate::query::QParam = q("limit", QTy::Int(0, i64::MAX));
const DEFAULT_LIMIT: usize = 20;

pub(super) const ROUTES: &[Route] = &[
    Route::post("ingest_trace_batch", "/api/traces/batch", ingest_batch).body(BATCH),
    Route::get("list_traces", "/api/traces/", list_traces).query(&[
        LIMIT,
        q("cursor", QTy::Str),
        q("sessionId", QTy::Str),
    ]),
    Route::get("list_logs", "/api/traces/logs", list_logs).query(&[
        LIMIT,
        q("cursor", QTy::Str),
        q("traceId", QTy::Str),
    ]),
    Route::get("get_trace", "/api/traces/{traceId}", get_trace),
    Route::get(
        "list_trace_spans",
        "/api/traces/{traceId}/spans",
        list_spans,
    ),
];

fn otel_kind(kind: Option<&str>) -> i64 {
    match kind {
        Some("server") => 2,
        Some("client") => 3,
        Some("producer") => 4,
        Some("consumer") => 5,
        _ => 1,
    }
}

fn otel_status(status: Option<&str>) -> i64 {
    match status {
        Some("ok") => 1,
        Some("error") => 2,
        _ => 0,
    }
}

/// Why a trace of a batch is rejected, if it is. The hook format types the times as plain
/// strings, but the Trace and Span answers type them "string (date-time)" (models.md): a
/// trace with a time that is not one could not be answered, so it is rejected.
fn rejection(t: &Obj) -> Option<String> {
    let id = gs(t, "traceId").unwrap_or_default();
    if id.is_empty() {
        return Some("a trace has an empty traceId".into());
    }
    let span_problem = || {
        let mut spans = t
            .get("spans")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_object);
        spans.find_map(|s| {
            let span = gs(s, "spanId").unwrap_or_default();
            bad_times(s).map(|m| format!("span `{span}`: {m}"))
        })
    };
    bad_times(t)
        .or_else(span_problem)
        .map(|m| format!("trace `{id}`: {m}"))
}

/// What is wrong with the `startTime` and `endTime` of a trace or span, if anything.
fn bad_times(o: &Obj) -> Option<String> {
    ["startTime", "endTime"].into_iter().find_map(|key| {
        let v = gs(o, key)?;
        parse_iso(v)
            .is_none()
            .then(|| format!("{key} must be an RFC 3339 date-time (got `{v}`)"))
    })
}

/// A hook-format span as a stored 0.4.1 span.
fn stored_span(trace_id: &str, s: &Obj) -> Value {
    let start = gs(s, "startTime").unwrap_or_default();
    let end = gs(s, "endTime");
    let nanos = match (parse_iso(start), end.and_then(parse_iso)) {
        (Some(a), Some(b)) => json!((b - a).saturating_mul(1_000_000)),
        _ => Value::Null,
    };
    let mut attributes = Map::new();
    if let Some(Value::Object(meta)) = s.get("metadata") {
        attributes.extend(meta.clone());
    }
    for (key, name) in [
        ("kind", "mutagent.kind"),
        ("input", "mutagent.input"),
        ("output", "mutagent.output"),
    ] {
        if let Some(v) = gs(s, key) {
            attributes.insert(name.into(), json!(v));
        }
    }
    json!({
        "spanId": gs(s, "spanId").unwrap_or_default(),
        "traceId": trace_id,
        "parentSpanId": gs(s, "parentSpanId"),
        "name": gs(s, "name").unwrap_or_default(),
        "kind": otel_kind(gs(s, "kind")),
        "startTime": start,
        "endTime": end,
        "durationNanos": nanos,
        "statusCode": otel_status(gs(s, "status")),
        "statusMessage": null,
        "attributes": attributes,
        "events": [],
        "links": [],
        "scopeName": null,
        "scopeVersion": null,
    })
}

/// Stores (or merges into) one accepted trace: spans are upserted by `spanId`, the earliest
/// start is kept.
fn ingest(st: &mut State, t: &Obj) {
    let trace_id = gs(t, "traceId").unwrap_or_default().to_string();
    let idx = index_or_push(&mut st.traces, "traceId", &trace_id, || {
        Obj::from_iter([
            ("traceId".into(), json!(trace_id)),
            ("serviceName".into(), Value::Null),
            ("sessionId".into(), Value::Null),
            ("startTime".into(), json!(gs(t, "startTime"))),
            ("endTime".into(), Value::Null),
            ("spanCount".into(), json!(0)),
            ("resource".into(), Value::Null),
            ("spans".into(), json!([])),
        ])
    });
    let rec = &mut st.traces[idx];
    if let Some(session) = gs(t, "sessionId") {
        rec.insert("sessionId".into(), json!(session));
    }
    if let Some(source) = gs(t, "source") {
        rec.insert("serviceName".into(), json!(source));
        rec.insert("resource".into(), json!({ "service.name": source }));
    }
    if let Some(end) = gs(t, "endTime") {
        rec.insert("endTime".into(), json!(end));
    }
    let earlier = match (
        gs(rec, "startTime").and_then(parse_iso),
        gs(t, "startTime").and_then(parse_iso),
    ) {
        (Some(old), Some(new)) => new < old,
        _ => false,
    };
    if earlier {
        rec.insert("startTime".into(), json!(gs(t, "startTime")));
    }
    let mut spans: Vec<Value> = rec
        .get("spans")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    for s in t
        .get("spans")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_object)
    {
        let span = stored_span(&trace_id, s);
        match spans.iter_mut().find(|x| x["spanId"] == span["spanId"]) {
            Some(slot) => *slot = span,
            None => spans.push(span),
        }
    }
    if gs(rec, "endTime").is_none() {
        let last = spans
            .iter()
            .filter_map(|s| s["endTime"].as_str())
            .max_by_key(|e| parse_iso(e));
        if let Some(last) = last {
            rec.insert("endTime".into(), json!(last));
        }
    }
    rec.insert("spanCount".into(), json!(spans.len()));
    rec.insert("spans".into(), Value::Array(spans));
}

fn ingest_batch(st: &mut State, ctx: &Ctx) -> Result<Reply, ApiError> {
    let traces: Vec<Obj> = body(ctx)
        .get("traces")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_object)
        .cloned()
        .collect();
    let mut accepted = 0;
    let mut reasons = Vec::new();
    for t in &traces {
        match rejection(t) {
            Some(reason) => reasons.push(reason),
            None => {
                ingest(st, t);
                accepted += 1;
            }
        }
    }
    let mut answer = json!({ "accepted": accepted, "rejected": reasons.len() });
    if !reasons.is_empty() {
        answer["note"] = json!(reasons.join("; "));
    }
    ok(answer)
}

/// Cursors are `o<offset>`: opaque to clients, which only send back what they were given.
fn cursor_offset(ctx: &Ctx) -> Result<usize, ApiError> {
    match ctx.query.str("cursor") {
        None => Ok(0),
        Some(c) => c
            .strip_prefix('o')
            .and_then(|n| n.parse().ok())
            .ok_or_else(|| {
                ApiError::bad_request(format!(
                    "query parameter `cursor` is not a cursor this server issued (got `{c}`)"
                ))
            }),
    }
}

fn cursor_page(rows: Vec<Value>, ctx: &Ctx) -> Result<Reply, ApiError> {
    let offset = cursor_offset(ctx)?;
    let limit = ctx
        .query
        .int("limit")
        .map_or(DEFAULT_LIMIT, |n| usize::try_from(n).unwrap_or(usize::MAX));
    let total = rows.len();
    let data: Vec<Value> = rows.into_iter().skip(offset).take(limit).collect();
    let next = offset.saturating_add(data.len());
    // `nextCursor` is null only on the last page: an empty page (`limit=0`) before the end
    // still hands a cursor, or a client would stop with items never listed.
    let next_cursor = (next < total).then(|| format!("o{next}"));
    ok(json!({ "data": data, "nextCursor": next_cursor }))
}

fn envelope(t: &Obj) -> Value {
    let mut t = t.clone();
    t.remove("spans");
    Value::Object(t)
}

fn list_traces(st: &mut State, ctx: &Ctx) -> Result<Reply, ApiError> {
    let session = ctx.query.str("sessionId");
    let rows = st
        .traces
        .iter()
        .filter(|t| session.is_none_or(|s| gs(t, "sessionId") == Some(s)))
        .map(envelope)
        .collect();
    cursor_page(rows, ctx)
}

fn list_logs(_st: &mut State, ctx: &Ctx) -> Result<Reply, ApiError> {
    cursor_page(Vec::new(), ctx)
}

fn find<'a>(st: &'a State, ctx: &Ctx) -> Result<&'a Obj, ApiError> {
    let id = ctx.sid(0);
    st.traces
        .iter()
        .find(|t| gs(t, "traceId") == Some(id))
        .ok_or_else(|| ApiError::not_found(format!("trace `{id}` not found")))
}

fn get_trace(st: &mut State, ctx: &Ctx) -> Result<Reply, ApiError> {
    ok(envelope(find(st, ctx)?))
}

fn list_spans(st: &mut State, ctx: &Ctx) -> Result<Reply, ApiError> {
    let spans = find(st, ctx)?.get("spans").cloned().unwrap_or(json!([]));
    ok(json!({ "data": spans }))
}
