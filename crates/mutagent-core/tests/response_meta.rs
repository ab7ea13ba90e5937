//! `with_response()`: the status, request id and headers of a successful answer, through both
//! clients, for single calls; helpers made of several calls behave as without the view.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test may panic

mod support;

use mutagent_core::{ApiClient, Error, ResponseMeta, StatusCode};
use mutagent_test_support::{Reply, ScriptedServer};
use serde_json::{json, Value};
use support::*;

fn server() -> ScriptedServer {
    ScriptedServer::start(vec![Reply::json(201, json!({"id": 7}))
        .header("x-request-id", "req_meta_1")
        .header("x-ratelimit-remaining", "41")
        .header("x-ratelimit-reset", "1700000000")])
}

fn check(value: Value, meta: &ResponseMeta) {
    assert_eq!(value, json!({"id": 7}));
    assert_eq!(meta.status(), StatusCode::CREATED);
    assert_eq!(meta.request_id(), Some("req_meta_1"));
    assert_eq!(meta.header("x-ratelimit-remaining"), Some("41"));
    assert_eq!(meta.header("X-RateLimit-Reset"), Some("1700000000"));
    assert_eq!(meta.header("x-absent"), None);
    assert!(meta.headers().contains_key("content-type"));
}

/// Written once against `ApiClient`, as namespace operations are.
fn get_through<C: ApiClient>(client: &C) -> C::Response<Value> {
    client.call(GET_THING.request().path_param("id", 7).build())
}

#[tokio::test]
async fn the_async_client_answers_the_metadata() {
    let server = server();
    let client = builder(&server).build().expect("client");
    let (value, meta) = get_through(&client.with_response()).await.expect("call");
    check(value, &meta);
    // The plain client still answers the value alone, from the same kind of answer.
    let value: Value = get_through(&client).await.expect("call");
    assert_eq!(value, json!({"id": 7}));
    // `send` on the view, for a prepared request.
    let (value, meta) = client
        .with_response()
        .send::<Value>(get_thing())
        .await
        .expect("send");
    assert_eq!(value, json!({"id": 7}));
    assert_eq!(meta.request_id(), Some("req_meta_1"));
    assert_eq!(server.requests().len(), 3);
}

#[test]
fn the_blocking_client_answers_the_metadata() {
    let server = server();
    let client = builder(&server).build_blocking().expect("client");
    let (value, meta) = get_through(&client.with_response()).expect("call");
    check(value, &meta);
    let (_, meta) = client
        .with_response()
        .send::<Value>(get_thing())
        .expect("send");
    assert_eq!(meta.status(), StatusCode::CREATED);
}

/// The view keeps the client's per-call options, and its `Debug` names headers, never values
/// (a header may carry a cookie).
#[tokio::test]
async fn the_view_keeps_options_and_hides_header_values() {
    let server = ScriptedServer::start(vec![Reply::json(200, json!({}))
        .header("set-cookie", "session=s3cr3t_value")
        .header("x-request-id", "req_2")]);
    let client = builder(&server).build().expect("client");
    let view = client
        .with_options(mutagent_core::CallOptions::new().header(
            http::HeaderName::from_static("x-team"),
            http::HeaderValue::from_static("search"),
        ))
        .with_response();
    let (_, meta): (Value, _) = view.send(get_thing()).await.expect("call");
    assert_eq!(server.single_request().header("x-team"), Some("search"));
    let shown = format!("{meta:?}");
    assert!(
        shown.contains("set-cookie") && shown.contains("req_2"),
        "{shown}"
    );
    assert!(!shown.contains("s3cr3t"), "{shown}");
}

/// An error stays an error through the view, with its request id.
#[tokio::test]
async fn errors_are_unchanged_through_the_view() {
    let server = ScriptedServer::start(vec![
        Reply::json(404, json!({"error": "nope"})).header("x-request-id", "req_404")
    ]);
    let client = builder(&server).build().expect("client");
    let err: Error = client
        .with_response()
        .send::<Value>(get_thing())
        .await
        .expect_err("404");
    assert_eq!(err.status_code(), Some(404));
    assert_eq!(err.request_id(), Some("req_404"));
}

/// A success answer whose request id echoes the key: `ResponseMeta`'s `Debug` shows the id
/// scrubbed (and escaped), as errors do, through both clients (`request_id()` answers it as
/// sent: it is the server's text, asked for by name).
#[test]
fn the_debug_of_the_metadata_never_shows_an_echoed_key() {
    let echoing = || {
        ScriptedServer::start(vec![
            Reply::json(200, json!({"id": 1})).header("x-request-id", &format!("req-{KEY}-1"))
        ])
    };
    let check = |meta: &ResponseMeta| {
        let shown = format!("{meta:?}");
        assert!(!shown.contains(KEY), "{shown}");
        assert!(shown.contains("req-[redacted]-1"), "{shown}");
    };
    let server = echoing();
    let client = builder(&server).build_blocking().expect("client");
    let (_, meta) = get_through(&client.with_response()).expect("call");
    check(&meta);
    let server = echoing();
    let client = builder(&server).build().expect("client");
    let runtime = current_thread_runtime();
    let (_, meta) = runtime
        .block_on(get_through(&client.with_response()))
        .expect("call");
    check(&meta);
}
