//! Conversion of an OTLP/HTTP JSON export (`{resourceSpans:[...]}`) into the emulator's trace
//! objects. OTLP fields that the emulator does not use are ignored (it is a foreign standard,
//! so unknown keys are not rejected here), but required fields and id formats are checked.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use super::traces::ENVIRONMENTS;
use super::Obj;
use crate::clock::format_iso;
use crate::error::ApiError;
use crate::validate::whole;

fn bad(path: &str, what: &str) -> ApiError {
    ApiError::bad_request(format!("field `{path}` {what}"))
}

fn arr<'a>(v: &'a Value, key: &str, path: &str, required: bool) -> Result<&'a [Value], ApiError> {
    match v.get(key) {
        Some(Value::Array(a)) => Ok(a),
        None | Some(Value::Null) if !required => Ok(&[]),
        None => Err(bad(&format!("{path}{key}"), "is required")),
        Some(_) => Err(bad(&format!("{path}{key}"), "must be an array")),
    }
}

fn hex_id(
    v: Option<&Value>,
    path: &str,
    len: usize,
    required: bool,
) -> Result<Option<String>, ApiError> {
    match v.and_then(Value::as_str) {
        Some("") | None if !required => Ok(None),
        Some(s)
            if s.len() == len
                && s.bytes().all(|c| c.is_ascii_hexdigit())
                && s.bytes().any(|c| c != b'0') =>
        {
            Ok(Some(s.to_ascii_lowercase()))
        }
        Some(s) => Err(bad(
            path,
            &format!("must be {len} hex characters, not all zero (got `{s}`)"),
        )),
        None => Err(bad(path, "is required (hex string)")),
    }
}

/// uint64 nanoseconds given as a string of digits (or a JSON number) -> Unix milliseconds.
fn nanos(v: Option<&Value>, path: &str, required: bool) -> Result<Option<i64>, ApiError> {
    let n: Option<u64> = match v {
        None | Some(Value::Null) if !required => return Ok(None),
        Some(Value::String(s)) => s.parse().ok(),
        Some(Value::Number(n)) => n.as_u64(),
        _ => None,
    };
    match n {
        Some(n) => Ok(Some((n / 1_000_000) as i64)),
        None => Err(bad(
            path,
            "must be unsigned 64-bit nanoseconds as a string of digits",
        )),
    }
}

/// OTLP AnyValue -> plain JSON.
fn any_value(v: &Value, path: &str) -> Result<Value, ApiError> {
    let Some(o) = v.as_object() else {
        return Err(bad(path, "must be an OTLP AnyValue object"));
    };
    if let Some(s) = o.get("stringValue") {
        return Ok(s.clone());
    }
    if let Some(b) = o.get("boolValue") {
        return Ok(b.clone());
    }
    if let Some(d) = o.get("doubleValue") {
        return Ok(d.clone());
    }
    if let Some(i) = o.get("intValue") {
        return match i {
            Value::String(s) => s
                .parse::<i64>()
                .map(|n| json!(n))
                .map_err(|_| bad(path, "intValue must be an int64 string")),
            Value::Number(_) => Ok(i.clone()),
            _ => Err(bad(path, "intValue must be an int64 string")),
        };
    }
    if let Some(a) = o.get("arrayValue") {
        let mut out = Vec::new();
        for (i, el) in arr(a, "values", "", false)?.iter().enumerate() {
            out.push(any_value(el, &format!("{path}.arrayValue.values[{i}]"))?);
        }
        return Ok(Value::Array(out));
    }
    if let Some(kv) = o.get("kvlistValue") {
        return attributes(kv.get("values"), &format!("{path}.kvlistValue.values"))
            .map(Value::Object);
    }
    if let Some(b) = o.get("bytesValue") {
        return Ok(b.clone());
    }
    Ok(Value::Null)
}

/// OTLP KeyValue list -> JSON object.
fn attributes(v: Option<&Value>, path: &str) -> Result<Map<String, Value>, ApiError> {
    let mut out = Map::new();
    let list = match v {
        None | Some(Value::Null) => return Ok(out),
        Some(Value::Array(a)) => a,
        Some(_) => return Err(bad(path, "must be an array of KeyValue")),
    };
    for (i, kv) in list.iter().enumerate() {
        let p = format!("{path}[{i}]");
        let key = kv
            .get("key")
            .and_then(Value::as_str)
            .ok_or_else(|| bad(&format!("{p}.key"), "is required"))?;
        let val = match kv.get("value") {
            Some(v) => any_value(v, &format!("{p}.value"))?,
            None => Value::Null,
        };
        out.insert(key.to_string(), val);
    }
    Ok(out)
}

fn first_str<'a>(maps: &[&'a Map<String, Value>], keys: &[&str]) -> Option<&'a str> {
    maps.iter()
        .find_map(|m| keys.iter().find_map(|k| m.get(*k).and_then(Value::as_str)))
}

fn first_num(m: &Map<String, Value>, keys: &[&str]) -> Option<f64> {
    keys.iter().find_map(|k| m.get(*k).and_then(Value::as_f64))
}

/// Converts an OTLP/JSON body into trace objects shaped like the ingest body.
pub(super) fn convert(body: &Value) -> Result<Vec<Obj>, ApiError> {
    if !body.is_object() {
        return Err(ApiError::bad_request(
            "request body must be a JSON object with `resourceSpans`",
        ));
    }
    let mut traces: BTreeMap<String, (Obj, Vec<Value>, i64)> = BTreeMap::new();
    let mut order: Vec<String> = Vec::new();
    for (ri, rs) in arr(body, "resourceSpans", "", true)?.iter().enumerate() {
        let rp = format!("resourceSpans[{ri}]");
        let res_attrs = attributes(
            rs.get("resource").and_then(|r| r.get("attributes")),
            &format!("{rp}.resource.attributes"),
        )?;
        for (si, ss) in arr(rs, "scopeSpans", &format!("{rp}."), true)?
            .iter()
            .enumerate()
        {
            let sp = format!("{rp}.scopeSpans[{si}]");
            for (i, span) in arr(ss, "spans", &format!("{sp}."), true)?
                .iter()
                .enumerate()
            {
                let p = format!("{sp}.spans[{i}]");
                let trace_id = hex_id(span.get("traceId"), &format!("{p}.traceId"), 32, true)?
                    .unwrap_or_default();
                let span_id = hex_id(span.get("spanId"), &format!("{p}.spanId"), 16, true)?
                    .unwrap_or_default();
                let parent = hex_id(
                    span.get("parentSpanId"),
                    &format!("{p}.parentSpanId"),
                    16,
                    false,
                )?;
                let name = span
                    .get("name")
                    .and_then(Value::as_str)
                    .filter(|s| !s.is_empty())
                    .ok_or_else(|| bad(&format!("{p}.name"), "is required (non-empty string)"))?;
                let start = nanos(
                    span.get("startTimeUnixNano"),
                    &format!("{p}.startTimeUnixNano"),
                    true,
                )?
                .unwrap_or(0);
                let end = nanos(
                    span.get("endTimeUnixNano"),
                    &format!("{p}.endTimeUnixNano"),
                    false,
                )?;
                let otel_kind = match span.get("kind") {
                    None | Some(Value::Null) => 0,
                    // `2.0` too: JSON has no integer type (as for the API's own bodies).
                    Some(k) => whole(k).filter(|k| (0..=5).contains(k)).ok_or_else(|| {
                        bad(
                            &format!("{p}.kind"),
                            "must be an integer 0..5 (OTLP SpanKind)",
                        )
                    })?,
                };
                let attrs = attributes(span.get("attributes"), &format!("{p}.attributes"))?;
                let maps = [&attrs, &res_attrs];
                let kind = match first_str(&maps, &["gen_ai.operation.name"]) {
                    Some("chat") => "llm.chat",
                    Some("text_completion") => "llm.completion",
                    Some("embeddings") => "llm.embedding",
                    Some("execute_tool") => "tool",
                    Some("invoke_agent") | Some("create_agent") => "agent",
                    _ => "custom",
                };
                let mut s = Obj::new();
                s.insert("spanId".into(), json!(span_id));
                if let Some(p) = parent {
                    s.insert("parentSpanId".into(), json!(p));
                }
                s.insert("name".into(), json!(name));
                s.insert("kind".into(), json!(kind));
                s.insert("startTime".into(), json!(format_iso(start)));
                if let Some(e) = end {
                    s.insert("endTime".into(), json!(format_iso(e)));
                    s.insert("durationMs".into(), json!(e - start));
                }
                if let Some(m) =
                    first_str(&maps, &["gen_ai.request.model", "gen_ai.response.model"])
                {
                    s.insert("model".into(), json!(m));
                }
                if let Some(pv) = first_str(&maps, &["gen_ai.system", "gen_ai.provider.name"]) {
                    s.insert("provider".into(), json!(pv));
                }
                let tin = first_num(
                    &attrs,
                    &["gen_ai.usage.input_tokens", "gen_ai.usage.prompt_tokens"],
                );
                let tout = first_num(
                    &attrs,
                    &[
                        "gen_ai.usage.output_tokens",
                        "gen_ai.usage.completion_tokens",
                    ],
                );
                if tin.is_some() || tout.is_some() {
                    s.insert(
                        "tokens".into(),
                        json!({"input": tin.unwrap_or(0.0), "output": tout.unwrap_or(0.0)}),
                    );
                }
                if let Some(status) = span.get("status") {
                    let code = status.get("code").and_then(whole).unwrap_or(0);
                    if code == 2 {
                        let msg = status
                            .get("message")
                            .and_then(Value::as_str)
                            .unwrap_or("error");
                        s.insert("status".into(), json!("error"));
                        s.insert("error".into(), json!(msg));
                    }
                }
                let mut events = Vec::new();
                for (ei, ev) in arr(span, "events", &format!("{p}."), false)?
                    .iter()
                    .enumerate()
                {
                    let ep = format!("{p}.events[{ei}]");
                    let at = nanos(ev.get("timeUnixNano"), &format!("{ep}.timeUnixNano"), true)?
                        .unwrap_or(0);
                    events.push(json!({
                        "name": ev.get("name").and_then(Value::as_str).unwrap_or(""),
                        "timestamp": format_iso(at),
                        "attributes": attributes(ev.get("attributes"), &format!("{ep}.attributes"))?,
                    }));
                }
                if !events.is_empty() {
                    s.insert("events".into(), Value::Array(events));
                }
                s.insert("metadata".into(), json!({"otelKind": otel_kind}));
                s.insert("attributes".into(), Value::Object(attrs.clone()));

                let entry = traces.entry(trace_id.clone()).or_insert_with(|| {
                    order.push(trace_id.clone());
                    let mut t = Obj::new();
                    t.insert("traceId".into(), json!(trace_id));
                    (t, Vec::new(), start)
                });
                entry.2 = entry.2.min(start);
                if s.get("parentSpanId").is_none() {
                    entry.0.insert("name".into(), json!(name));
                }
                if let Some(sid) = first_str(&maps, &["session.id", "mutagent.session.id"]) {
                    entry.0.insert("sessionId".into(), json!(sid));
                }
                if let Some(env) = first_str(
                    &maps,
                    &["deployment.environment", "deployment.environment.name"],
                ) {
                    if ENVIRONMENTS.contains(&env) {
                        entry.0.insert("environment".into(), json!(env));
                    }
                }
                if let Some(svc) = first_str(&[&res_attrs], &["service.name"]) {
                    entry
                        .0
                        .insert("metadata".into(), json!({"serviceName": svc}));
                }
                entry.1.push(Value::Object(s));
            }
        }
    }
    if order.is_empty() {
        return Err(ApiError::bad_request("the OTLP body contains no spans"));
    }
    Ok(order
        .into_iter()
        .filter_map(|id| traces.remove(&id))
        .map(|(mut t, spans, start)| {
            t.insert("startTime".into(), json!(format_iso(start)));
            t.insert("spans".into(), Value::Array(spans));
            t
        })
        .collect())
}
