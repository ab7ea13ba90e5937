//! Reading back what an app's spans became in the emulator, the same way whatever the protocol:
//! shared by this crate's `tests/emulator.rs` and the `#[tracing::instrument]` example project
//! (`examples/opentelemetry-instrument/tests`), which includes this file by path.
//!
//! The including test crate provides a module `sdk` with `Client`, `Protocol`, `Emulator`,
//! `TracesContract`, the traces crate as `traces` and its `TracesExt` trait (from the SDK's
//! crates, or re-exported by the `mutagent` umbrella).
#![allow(dead_code)] // each includer uses its part

use serde_json::{json, Value};

use crate::sdk::{traces, Client, Emulator, Protocol, TracesContract, TracesExt as _};

pub(crate) const KEY: &str = "mt_test_key";

/// An emulator speaking the trace contract of `protocol`'s server generation.
pub(crate) async fn emulator(protocol: Protocol) -> Emulator {
    let contract = if protocol == Protocol::HookV0_4 {
        TracesContract::V0_4_1
    } else {
        TracesContract::V0_1_2
    };
    Emulator::builder()
        .api_key(KEY)
        .traces_contract(contract)
        .start()
        .await
        .expect("emulator")
}

pub(crate) fn client(emu: &Emulator) -> Client {
    Client::builder()
        .api_key(KEY)
        .server_url(emu.url())
        .build()
        .expect("client")
}

/// One stored span in the words of the protocol's read side, as a JSON object with the same
/// keys whatever the protocol.
#[derive(Debug)]
pub(crate) struct Stored {
    pub(crate) name: String,
    pub(crate) parent: Option<String>,
    pub(crate) fields: Value,
}

/// The one trace stored, its spans normalised: 0.1.2 spans carry the fields themselves; the
/// OTLP route stores `gen_ai.*` as fields and ours as attributes; 0.4.1 spans carry them in
/// `attributes` (from the hook format's `metadata`).
pub(crate) async fn stored(client: &Client, protocol: Protocol) -> (Value, Vec<Stored>) {
    if protocol == Protocol::HookV0_4 {
        let api = client.traces_v0_4();
        let page = api
            .list_traces(&traces::v0_4::ListTraces::new())
            .await
            .expect("list");
        assert_eq!(page.data.len(), 1, "one trace");
        let trace = &page.data[0];
        let spans = api.list_trace_spans(&trace.trace_id).await.expect("spans");
        let summary = json!({
            "source": trace.service_name,
            "sessionId": trace.session_id,
            "environment": Value::Null,
        });
        let spans = spans
            .data
            .into_iter()
            .map(|span| {
                let a = &span.attributes;
                Stored {
                    name: span.name,
                    parent: span.parent_span_id,
                    fields: json!({
                        "kind": a["mutagent.kind"],
                        "model": a["model"],
                        "provider": a["provider"],
                        "inputTokens": a["tokens"]["input"],
                        "outputTokens": a["tokens"]["output"],
                        "input": parse_text(&a["mutagent.input"]),
                        "output": parse_text(&a["mutagent.output"]),
                        "cost": a["costUsd"],
                        "status": if span.status_code == 2 { "error" } else { "ok" },
                        "error": a["error"],
                        "attributes": a["attributes"],
                        "events": a["events"],
                    }),
                }
            })
            .collect();
        return (summary, spans);
    }
    let page = client
        .traces()
        .list_traces(&traces::ListTraces::new())
        .await
        .expect("list");
    assert_eq!(page.data.len(), 1, "one trace");
    let trace = client
        .traces()
        .get_trace(page.data[0].id.clone())
        .await
        .expect("trace");
    let trace_json = serde_json::to_value(&trace).expect("json");
    let otlp = protocol == Protocol::Otlp;
    let spans = trace
        .spans
        .unwrap_or_default()
        .into_iter()
        .map(|s| {
            let a = &s["attributes"];
            let (input, output, cost) = if otlp {
                (
                    parse_text(&a["mutagent.input"]),
                    parse_text(&a["mutagent.output"]),
                    a["mutagent.cost_usd"].clone(),
                )
            } else {
                (
                    s["input"].clone(),
                    s["output"].clone(),
                    s["costUsd"].clone(),
                )
            };
            Stored {
                name: s["name"].as_str().unwrap_or_default().to_owned(),
                parent: s["parentSpanId"].as_str().map(str::to_owned),
                fields: json!({
                    "kind": s["kind"],
                    "model": s["model"],
                    "provider": s["provider"],
                    "inputTokens": s["tokens"]["input"],
                    "outputTokens": s["tokens"]["output"],
                    "input": input,
                    "output": output,
                    "cost": cost,
                    "status": if s["status"] == "error" { "error" } else { "ok" },
                    "error": s["error"],
                    "attributes": a,
                    "events": s["events"],
                }),
            }
        })
        .collect();
    (trace_json, spans)
}

/// Hook-format and OTLP text holding JSON, as that JSON.
fn parse_text(value: &Value) -> Value {
    match value.as_str() {
        Some(text) => serde_json::from_str(text).unwrap_or_else(|_| value.clone()),
        None => value.clone(),
    }
}

pub(crate) fn by_name<'a>(spans: &'a [Stored], name: &str) -> &'a Stored {
    spans
        .iter()
        .find(|s| s.name == name)
        .unwrap_or_else(|| panic!("no span {name} in {spans:?}"))
}

pub(crate) fn as_u64(value: &Value) -> Option<u64> {
    value.as_u64().or_else(|| value.as_f64().map(|f| f as u64))
}

/// The app's resource, as the checks expect it back.
pub(crate) struct Resource<'a> {
    pub(crate) service: &'a str,
    pub(crate) environment: &'a str,
}

/// What every protocol and producer must deliver for the agent both test suites run: a root
/// `answer` span (session `user-42`) with a `chat gpt-4o` LLM call (openai, 12 tokens in, 3
/// out) and a failing `lookup` under it.
pub(crate) fn check_common(
    protocol: Protocol,
    resource: &Resource,
    trace: &Value,
    spans: &[Stored],
) {
    assert_eq!(spans.len(), 3, "{spans:?}");
    let root = by_name(spans, "answer");
    let chat = by_name(spans, "chat gpt-4o");
    let tool = by_name(spans, "lookup");
    assert_eq!(root.parent, None);
    assert!(
        chat.parent.is_some() && chat.parent == tool.parent,
        "{spans:?}"
    );
    let c = &chat.fields;
    assert_eq!(c["kind"], "llm.chat", "{c}");
    assert_eq!(c["model"], "gpt-4o", "{c}");
    assert_eq!(c["provider"], "openai", "{c}");
    assert_eq!(as_u64(&c["inputTokens"]), Some(12), "{c}");
    assert_eq!(as_u64(&c["outputTokens"]), Some(3), "{c}");
    assert_eq!(tool.fields["status"], "error", "{:?}", tool.fields);
    assert_eq!(root.fields["status"], "ok");
    assert_eq!(trace["sessionId"], "user-42", "{trace}");
    match protocol {
        // 0.4.1: the trace's source is the service.
        Protocol::HookV0_4 => assert_eq!(trace["source"], resource.service, "{trace}"),
        _ => {
            assert_eq!(trace["environment"], resource.environment, "{trace}");
            assert_eq!(
                trace["metadata"]["serviceName"], resource.service,
                "{trace}"
            );
            if protocol == Protocol::Batch {
                assert_eq!(trace["source"], "otel", "{trace}");
            }
        }
    }
}

/// One `#[tokio::test]` per protocol, named by the caller, each awaiting `$run(protocol)`.
macro_rules! per_protocol {
    ($run:ident: $batch:ident, $otlp:ident, $hook:ident $(,)?) => {
        #[tokio::test]
        async fn $batch() {
            $run($crate::sdk::Protocol::Batch).await;
        }

        #[tokio::test]
        async fn $otlp() {
            $run($crate::sdk::Protocol::Otlp).await;
        }

        #[tokio::test]
        async fn $hook() {
            $run($crate::sdk::Protocol::HookV0_4).await;
        }
    };
}
pub(crate) use per_protocol;
