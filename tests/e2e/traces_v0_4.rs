//! End-to-end tests of the live trace contract (0.4.1) against an emulator started with
//! `traces_contract(V0_4_1)`: hook-format batches, cursor walks, envelopes by `traceId`, spans,
//! logs, and telling the generations apart — async and blocking.

use mutagent::prelude::*;
use mutagent::traces::v0_4::{HookSpan, HookTrace, ListLogs, ListTraces, TraceBatchRequest};
use mutagent::traces::TraceContract;
use mutagent_e2e::{
    assert_not_found, client_builder, emulator_builder, keyless_builder, Collection,
};
use mutagent_emulator::{EmulatorBuilder, TracesContract};

const T0: &str = "2026-11-01T10:00:00.000Z";
const T1: &str = "2026-11-01T10:00:01.500Z";

/// The tests' emulator, speaking the live trace contract.
fn live() -> EmulatorBuilder {
    emulator_builder().traces_contract(TracesContract::V0_4_1)
}

/// The trace contract the emulator behind `client` speaks, probed through the async client.
async fn generation(client: &mutagent::Client) -> TraceContract {
    client.traces().contract_generation().await.expect("probe")
}

fn batch(ids: &[&str]) -> TraceBatchRequest {
    TraceBatchRequest::new(ids.iter().map(|id| {
        HookTrace::new(*id, T0)
            .session_id("sess-1")
            .source("mutagent-cli")
            .span(
                HookSpan::new(format!("{id}-root"), "turn", T0)
                    .kind("server")
                    .end_time(T1)
                    .status("ok"),
            )
            .span(
                HookSpan::new(format!("{id}-tool"), "search", T0)
                    .kind("tool")
                    .parent(format!("{id}-root"))
                    .input("query")
                    .output("results")
                    .status("error"),
            )
    }))
}

#[tokio::test]
async fn the_live_contract_end_to_end_async() {
    let emu = live().start().await.expect("emulator");
    let client = client_builder(&emu).build().expect("client");
    assert_eq!(generation(&client).await, TraceContract::V0_4_1);
    let traces = client.traces_v0_4();
    let result = traces
        .ingest_trace_batch(&batch(&["a", "b", "c"]))
        .await
        .expect("ingest");
    assert_eq!((result.accepted, result.rejected), (3, 0));
    assert_eq!(result.note, None);
    assert_eq!(emu.count(Collection::Traces), 3);

    // A trace the server cannot take is counted as rejected, with a note.
    let bad = TraceBatchRequest::new([HookTrace::new("d", "yesterday")]);
    let result = traces.ingest_trace_batch(&bad).await.expect("ingest");
    assert_eq!((result.accepted, result.rejected), (0, 1));
    assert!(result.note.is_some_and(|n| n.contains("startTime")));

    // A cursor walk, two at a time.
    let mut params = ListTraces::new().limit(2).session_id("sess-1");
    let mut seen = Vec::new();
    loop {
        let page = traces.list_traces(&params).await.expect("page");
        seen.extend(page.data.into_iter().map(|t| t.trace_id));
        match page.next_cursor {
            Some(cursor) => params = params.cursor(cursor),
            None => break,
        }
    }
    assert_eq!(seen, ["a", "b", "c"]);

    let trace = traces.get_trace("b").await.expect("get");
    assert_eq!(trace.span_count, 2);
    assert_eq!(trace.service_name.as_deref(), Some("mutagent-cli"));
    assert_eq!(trace.end_time.as_deref(), Some(T1));
    let spans = traces.list_trace_spans("b").await.expect("spans").data;
    assert_eq!(spans.len(), 2);
    assert_eq!((spans[0].kind, spans[0].status_code), (2, 1));
    assert_eq!(spans[1].status_code, 2);
    assert_eq!(spans[1].parent_span_id.as_deref(), Some("b-root"));
    assert_eq!(spans[0].duration_nanos, Some(1_500_000_000.0));
    assert_not_found(traces.get_trace("zzz").await, "404");
    let logs = traces
        .list_logs(&ListLogs::new().trace_id("b"))
        .await
        .expect("logs");
    assert!(logs.data.is_empty() && logs.next_cursor.is_none());

    // The 0.1.2 calls against this server: reads do not decode, and a 0.1.2 batch says the
    // server accepted it (it did).
    let err = client
        .traces()
        .list_traces(&mutagent::traces::ListTraces::new())
        .await
        .expect_err("other shape");
    assert!(matches!(err, mutagent::Error::Decode(_)), "{err:?}");
}

#[test]
fn the_live_contract_end_to_end_blocking() {
    let emu = live().start_blocking().expect("emulator");
    let client = client_builder(&emu).build_blocking().expect("client");
    assert_eq!(
        client.traces().contract_generation().expect("probe"),
        TraceContract::V0_4_1
    );
    let traces = client.traces_v0_4();
    let result = traces.ingest_trace_batch(&batch(&["x"])).expect("ingest");
    assert_eq!(result.accepted, 1);
    // Ingesting the same trace again merges by span id.
    traces.ingest_trace_batch(&batch(&["x"])).expect("again");
    assert_eq!(traces.get_trace("x").expect("get").span_count, 2);
    let page = traces.list_traces(&ListTraces::new()).expect("list");
    assert_eq!(page.data.len(), 1);
    assert_eq!(page.next_cursor, None);
}

#[tokio::test]
async fn a_0_1_2_emulator_is_told_apart() {
    let emu = emulator_builder().start().await.expect("emulator");
    let client = client_builder(&emu).build().expect("client");
    assert_eq!(generation(&client).await, TraceContract::V0_1_2);
    // The 0.4.1-only routes do not exist there.
    assert_not_found(client.traces_v0_4().list_trace_spans("a").await, "404");
}

#[tokio::test]
async fn a_bearer_token_authenticates_against_the_emulator() {
    let emu = live().start().await.expect("emulator");
    let client = keyless_builder(&emu)
        .bearer_token(mutagent_e2e::KEY)
        .build()
        .expect("client");
    let page = client
        .traces_v0_4()
        .list_traces(&ListTraces::new())
        .await
        .expect("authenticated by the bearer token");
    assert!(page.data.is_empty());
    let recorded = emu.requests();
    assert_eq!(recorded[0].header("x-api-key"), None);
    let wrong = keyless_builder(&emu)
        .bearer_token("mt_not_the_key")
        .build()
        .expect("client");
    let err = wrong
        .traces_v0_4()
        .list_traces(&ListTraces::new())
        .await
        .expect_err("401");
    assert_eq!(err.status_code(), Some(401));
}
