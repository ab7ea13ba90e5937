//! Wire tests of the 0.4.1 trace contract (`client.traces_v0_4()`): each operation sends the
//! method, path, query and body of the contract and decodes its answer, through the async and
//! the blocking client; plus telling the two generations apart.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test may panic

use mutagent_traces::v0_4::{HookSpan, HookTrace, ListLogs, ListTraces, TraceBatchRequest};
use mutagent_traces::{TraceContract, TracesExt};
use mutagent_wire_test::*;
use serde_json::{json, Value};

const T0: &str = "2026-11-01T10:00:00.000Z";
const T1: &str = "2026-11-01T10:00:01.250Z";

fn trace_json(id: &str) -> Value {
    json!({
        "traceId": id, "serviceName": "checkout", "sessionId": "sess-1",
        "startTime": T0, "endTime": T1, "spanCount": 2,
        "resource": {"service.name": "checkout"}, "someFutureField": 1
    })
}

/// A page of `list_traces` holding the traces `ids`, with `next` as its next cursor.
fn trace_page(ids: &[&str], next: Option<&str>) -> Reply {
    let data: Vec<Value> = ids.iter().map(|id| trace_json(id)).collect();
    Reply::json(200, json!({"data": data, "nextCursor": next}))
}

#[test]
fn ingest_trace_batch() {
    let batch = TraceBatchRequest::new([HookTrace::new("t-1", T0)
        .session_id("sess-1")
        .name("answer")
        .source("mutagent-cli")
        .end_time(T1)
        .status("ok")
        .metadata(json!({"user": "u1"}))
        .span(
            HookSpan::new("s-1", "chat", T0)
                .kind("llm")
                .end_time(T1)
                .status("ok")
                .input("hi")
                .output("hello")
                .parent("root")
                .metadata(json!({"model": "gpt-4o"})),
        )]);
    let (request, answer) = both_call!(
        Reply::json(
            200,
            json!({"accepted": 1, "rejected": 0, "note": "stored", "x": true}),
        ),
        |c| c.traces_v0_4().ingest_trace_batch(&batch)
    );
    assert_common(
        &request,
        "POST",
        "/api/traces/batch",
        None,
        Some(json!({"traces": [{
            "traceId": "t-1", "sessionId": "sess-1", "name": "answer", "source": "mutagent-cli",
            "startTime": T0, "endTime": T1, "status": "ok", "metadata": {"user": "u1"},
            "spans": [{
                "spanId": "s-1", "name": "chat", "kind": "llm", "startTime": T0, "endTime": T1,
                "status": "ok", "input": "hi", "output": "hello", "parentSpanId": "root",
                "metadata": {"model": "gpt-4o"}
            }]
        }]})),
    );
    assert_eq!((answer.accepted, answer.rejected), (1, 0));
    assert_eq!(answer.note.as_deref(), Some("stored"));
}

#[test]
fn a_minimal_batch_sends_only_required_fields() {
    let batch = TraceBatchRequest::new([HookTrace::new("t", T0)]);
    let (request, answer) = both_call!(
        Reply::json(202, json!({"accepted": 1, "rejected": 0})),
        |c| c.traces_v0_4().ingest_trace_batch(&batch)
    );
    assert_eq!(
        request.json(),
        json!({"traces": [{"traceId": "t", "startTime": T0}]})
    );
    assert_eq!(answer.note, None);
}

#[test]
fn list_traces_cursor_pages() {
    let page = json!({"data": [trace_json("t-1"), trace_json("t-2")], "nextCursor": "c2"});
    let params = ListTraces::new().limit(2).cursor("c1").session_id("sess 1");
    let (request, page) = both_call!(Reply::json(200, page), |c| c
        .traces_v0_4()
        .list_traces(&params));
    assert_common(
        &request,
        "GET",
        "/api/traces/",
        Some("limit=2&cursor=c1&sessionId=sess%201"),
        None,
    );
    assert_eq!(page.next_cursor.as_deref(), Some("c2"));
    assert_eq!(page.data[1].trace_id, "t-2");
    assert_eq!(page.data[0].service_name.as_deref(), Some("checkout"));
    assert_eq!(page.data[0].span_count, 2);

    // The last page: nextCursor null; nullable fields null or left out.
    let last = json!({"data": [{"traceId": "t-3", "startTime": T0, "spanCount": 0,
        "serviceName": null, "sessionId": null, "endTime": null, "resource": null}], "nextCursor": null});
    let (_, page) = both_call!(Reply::json(200, last), |c| c
        .traces_v0_4()
        .list_traces(&ListTraces::new()));
    assert_eq!(page.next_cursor, None);
    assert_eq!(page.data[0].end_time, None);
}

#[test]
fn list_logs() {
    let page = json!({"data": [{
        "id": 7, "time": T0, "observedTime": null, "severityNumber": 9, "severityText": "INFO",
        "body": {"msg": "hi"}, "attributes": {"k": "v"}, "traceId": "t-1", "spanId": "s-1",
        "scopeName": "app", "extra": [1]
    }], "nextCursor": null});
    let params = ListLogs::new().limit(10).cursor("c").trace_id("t-1");
    let (request, page) = both_call!(Reply::json(200, page), |c| c
        .traces_v0_4()
        .list_logs(&params));
    assert_common(
        &request,
        "GET",
        "/api/traces/logs",
        Some("limit=10&cursor=c&traceId=t-1"),
        None,
    );
    let record = &page.data[0];
    assert_eq!((record.id, record.severity_number), (7, 9));
    assert_eq!(record.body, json!({"msg": "hi"}));
    assert_eq!(record.trace_id.as_deref(), Some("t-1"));
}

#[test]
fn get_trace_by_trace_id() {
    let (request, trace) = both_call!(Reply::json(200, trace_json("a/b c")), |c| c
        .traces_v0_4()
        .get_trace("a/b c"));
    assert_common(&request, "GET", "/api/traces/a%2Fb%20c", None, None);
    assert_eq!(trace.trace_id, "a/b c");
}

#[test]
fn list_trace_spans() {
    let spans = json!({"data": [{
        "spanId": "s-1", "traceId": "t-1", "parentSpanId": null, "name": "chat", "kind": 3,
        "startTime": T0, "endTime": T1, "durationNanos": 1250000000, "statusCode": 2,
        "statusMessage": "boom", "attributes": {"gen_ai.system": "openai"}, "events": [],
        "links": [], "scopeName": "app", "scopeVersion": null
    }]});
    let (request, spans) = both_call!(Reply::json(200, spans), |c| c
        .traces_v0_4()
        .list_trace_spans("t-1"));
    assert_common(&request, "GET", "/api/traces/t-1/spans", None, None);
    let span = &spans.data[0];
    assert_eq!((span.kind, span.status_code), (3, 2));
    assert_eq!(span.duration_nanos, Some(1_250_000_000.0));
    assert_eq!(span.parent_span_id, None);
}

#[test]
fn contract_generation_tells_the_envelopes_apart() {
    let cases = [
        (
            json!({"data": [], "nextCursor": null}),
            TraceContract::V0_4_1,
        ),
        (
            json!({"data": [], "total": 0, "limit": 1, "offset": 0}),
            TraceContract::V0_1_2,
        ),
        (json!({"items": []}), TraceContract::Unknown),
    ];
    for (answer, expected) in cases {
        let (request, generation) = both_call!(Reply::json(200, answer), |c| c
            .traces()
            .contract_generation());
        assert_common(&request, "GET", "/api/traces/", Some("limit=1"), None);
        assert_eq!(generation, expected);
    }
}

#[test]
fn the_0_1_2_batch_against_a_0_4_1_server_says_the_data_was_accepted() {
    // What happened before this generation existed: the server stores the batch and answers in
    // its own shape. The error must say so, and the request must not be sent again.
    let server = ScriptedServer::start(vec![
        Reply::json(200, json!({"accepted": 1, "rejected": 0})),
        Reply::json(200, json!({"accepted": 1, "rejected": 0})),
    ]);
    let client = blocking_client(&server)
        .with_options(mutagent_core::CallOptions::new().retry_non_idempotent(true));
    let err = client
        .traces()
        .ingest_trace_batch(&[mutagent_traces::NewTrace::new("t", T0)])
        .expect_err("other shape");
    assert!(err.request_accepted(), "{err:?}");
    assert!(err.to_string().contains("accepted the request"), "{err}");
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn list_traces_all_follows_the_cursor_through_both_clients() {
    let pages = || {
        vec![
            trace_page(&["t-1", "t-2"], Some("c2")),
            trace_page(&["t-3"], None),
        ]
    };
    let params = ListTraces::new().limit(2).session_id("s");
    walk_through_both_clients(pages, &params, |walked, server, client| {
        let ids: Vec<String> = walked.into_iter().map(|id| id.expect("trace")).collect();
        assert_eq!(ids, ["t-1", "t-2", "t-3"], "{client}");
        let cursors: Vec<Option<String>> = server
            .requests()
            .iter()
            .map(|r| r.query_param("cursor"))
            .collect();
        assert_eq!(cursors, [None, Some("c2".to_owned())], "{client}");
        assert!(
            server
                .requests()
                .iter()
                .all(|r| r.query_param("sessionId").as_deref() == Some("s")),
            "{client}"
        );
    });
}

#[test]
fn list_logs_all_stops_after_an_error() {
    let server = ScriptedServer::start(vec![
        Reply::json(
            200,
            json!({"data": [{"id": 1, "time": T0, "severityNumber": 9, "attributes": {}}], "nextCursor": "c2"}),
        ),
        Reply::json(404, json!({"error": "not_found", "message": "gone"})),
    ]);
    let items: Vec<_> = blocking_client(&server)
        .traces_v0_4()
        .list_logs_all(&ListLogs::new())
        .collect();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0].as_ref().expect("record").id, 1);
    assert!(items[1].as_ref().is_err_and(|e| e.is_not_found()));
}

/// `err` ends a `list_traces` walk for the server's mistake, not a failed call.
fn assert_walk_stopped_by_the_server(err: &mutagent_core::Error) {
    assert!(
        matches!(
            err,
            mutagent_core::Error::Unexpected {
                operation: "list_traces",
                ..
            }
        ),
        "{err:?}"
    );
}

/// What a walk of `list_traces_all` yielded: the trace ids, or the errors.
type Walked = Vec<Result<String, mutagent_core::Error>>;

/// Walks `list_traces_all` with `params` over a server answering `pages`, through the async
/// client, then the blocking one (each against a fresh server), and hands `check` what each
/// walk yielded with its server and the client's name.
fn walk_through_both_clients(
    pages: impl Fn() -> Vec<Reply>,
    params: &ListTraces,
    check: impl Fn(Walked, &ScriptedServer, &str),
) {
    let server = ScriptedServer::start(pages());
    let client = async_client(&server);
    let params_async = params.clone();
    let walked = runtime().block_on(async move {
        let mut walk = client.traces_v0_4().list_traces_all(&params_async);
        let mut walked = Vec::new();
        while let Some(trace) = walk.next().await {
            walked.push(trace.map(|trace| trace.trace_id));
        }
        walked
    });
    check(walked, &server, "async");
    let server = ScriptedServer::start(pages());
    let walked = blocking_client(&server)
        .traces_v0_4()
        .list_traces_all(params)
        .map(|trace| trace.map(|trace| trace.trace_id))
        .collect();
    check(walked, &server, "blocking");
}

/// A page with no items but a next cursor is not the last page (the contract: `nextCursor` is
/// null on the last page): the walk goes on to the page that holds the items.
#[test]
fn list_traces_all_goes_on_after_an_empty_page_that_has_a_cursor() {
    let pages = || vec![trace_page(&[], Some("c2")), trace_page(&["t-1"], None)];
    walk_through_both_clients(pages, &ListTraces::new(), |walked, server, client| {
        let ids: Vec<String> = walked.into_iter().map(|id| id.expect("trace")).collect();
        assert_eq!(ids, ["t-1"], "{client}");
        assert_eq!(server.requests().len(), 2, "{client}");
    });
}

/// A next cursor the walk has fetched already (c2 → c3 → c2) would go round forever: the walk
/// hands out each page's items once, then ends with an error naming the cursor.
#[test]
fn a_cursor_loop_ends_the_walk_with_an_error() {
    let pages = || {
        vec![
            trace_page(&["t-1"], Some("c2")),
            trace_page(&["t-2"], Some("c3")),
            trace_page(&["t-3"], Some("c2")),
        ]
    };
    walk_through_both_clients(pages, &ListTraces::new(), |walked, server, client| {
        let ids: Vec<&str> = walked.iter().filter_map(|t| t.as_deref().ok()).collect();
        assert_eq!(ids, ["t-1", "t-2", "t-3"], "{client}");
        let err = walked[3].as_ref().expect_err("the loop");
        assert!(
            err.to_string().contains("cursor \"c2\" as the next one"),
            "{client}: {err}"
        );
        assert_eq!(walked.len(), 4, "{client}");
        assert_eq!(server.requests().len(), 3, "{client}: c2 fetched once");
    });
}

/// A server that gives every empty page a fresh cursor would keep a walk asking forever: after
/// 64 empty pages in a row the walk ends with an error, through both clients.
#[test]
fn endless_empty_pages_end_the_walk_with_an_error() {
    let pages = || {
        (1..=80)
            .map(|n| Reply::json(200, json!({"data": [], "nextCursor": format!("c{n}")})))
            .collect::<Vec<_>>()
    };
    let check = |walked: Walked, server: &ScriptedServer, client: &str| {
        assert_eq!(walked.len(), 1, "{client}: {walked:?}");
        let err = walked[0].as_ref().expect_err("the server's mistake");
        assert_walk_stopped_by_the_server(err);
        assert!(err.to_string().contains("64 empty pages in a row"), "{err}");
        assert_eq!(server.requests().len(), 64, "{client}");
    };
    walk_through_both_clients(pages, &ListTraces::new(), check);
}

/// A server that answers a page with its own cursor as the next one would be asked for that
/// page forever: the walk hands out what it fetched, then ends with an error naming the cursor,
/// through both clients.
#[test]
fn a_cursor_that_names_its_own_page_ends_the_walk_with_an_error() {
    let pages = || {
        vec![
            trace_page(&["t-1"], Some("c2")),
            // The last reply repeats: every page at c2 claims c2 comes next.
            trace_page(&["t-2"], Some("c2")),
        ]
    };
    let check = |walked: Walked, server: &ScriptedServer, client: &str| {
        assert_eq!(walked.len(), 3, "{client}: {walked:?}");
        assert_eq!(walked[0].as_deref().ok(), Some("t-1"), "{client}");
        assert_eq!(walked[1].as_deref().ok(), Some("t-2"), "{client}");
        let err = walked[2].as_ref().expect_err("the server's mistake");
        assert_walk_stopped_by_the_server(err);
        assert!(err.to_string().contains("cursor \"c2\""), "{client}: {err}");
        assert_eq!(server.requests().len(), 2, "{client}: c2 fetched once");
    };
    walk_through_both_clients(pages, &ListTraces::new(), check);

    // A long cursor is named by its length only: the error stays small.
    let huge = "c".repeat(1_000);
    let server = ScriptedServer::start(vec![
        trace_page(&["t-1"], Some(&huge)),
        trace_page(&["t-2"], Some(&huge)),
    ]);
    let walked: Vec<_> = blocking_client(&server)
        .traces_v0_4()
        .list_traces_all(&ListTraces::new())
        .collect();
    let text = walked[2]
        .as_ref()
        .expect_err("the server's mistake")
        .to_string();
    assert!(
        text.contains("cursor of 1000 bytes"),
        "{}",
        &text[..200.min(text.len())]
    );
    assert!(text.len() < 400, "{} bytes", text.len());
}

/// The contract's hook `metadata` is an object on traces and spans (TraceBatchTrace,
/// TraceBatchSpan): anything else is refused before sending, the field named by its place.
#[test]
fn a_non_object_hook_metadata_is_refused_before_sending() {
    nothing_sent(|client| {
        let t0 = "2026-11-01T10:00:00.000Z";
        let trace = HookTrace::new("t-1", t0).metadata(json!("not an object"));
        let batch = TraceBatchRequest::new([trace]);
        assert_invalid(
            client.traces_v0_4().ingest_trace_batch(&batch),
            "traces[0].metadata",
        );
        let span = HookSpan::new("s-1", "n", t0).metadata(json!([1]));
        let batch = TraceBatchRequest::new([
            HookTrace::new("t-1", t0),
            HookTrace::new("t-2", t0)
                .span(HookSpan::new("s-0", "n", t0))
                .span(span),
        ]);
        assert_invalid(
            client.traces_v0_4().ingest_trace_batch(&batch),
            "traces[1].spans[1].metadata",
        );
    });
}
