//! The API key never appears in Debug or Display of the builder, config, clients, errors, nor
//! in tracing output — including when the server echoes it back.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test may panic

mod support;

use mutagent_core::{BlockingClient, Client, Error};
use mutagent_test_support::{Reply, ScriptedServer};
use serde_json::{json, Value};
use support::*;

fn assert_clean(what: &str, text: &str) {
    assert!(!text.contains(KEY), "{what} leaks the key: {text}");
    assert!(
        !text.contains("8f3a"),
        "{what} leaks part of the key: {text}"
    );
}

#[test]
fn debug_and_display_never_show_the_key() {
    let server = ScriptedServer::start(vec![Reply::json(200, json!({}))]);
    let builder = builder(&server);
    assert_clean("ClientBuilder", &format!("{builder:?}"));
    let client: Client = builder.build().expect("client");
    assert_clean("Client", &format!("{client:?}"));
    assert_clean("Config", &format!("{:?}", client.config()));
    let blocking: BlockingClient = support::builder(&server).build_blocking().expect("client");
    assert_clean("BlockingClient", &format!("{blocking:?}"));
    let request = create_thing(json!({"a": 1}));
    assert_clean("ApiRequest", &format!("{request:?}"));
}

#[test]
fn errors_and_logs_never_show_the_key_even_when_echoed() {
    let echo = json!({"error": "invalid_key", "message": format!("the key {KEY} is revoked")});
    let server = ScriptedServer::start(vec![
        Reply::json(503, echo.clone()).header("x-request-id", "r1"),
        Reply::json(401, echo),
    ]);
    let capture = Capture::default();
    let runtime = current_thread_runtime();
    let err: Error = capture.during(|| {
        runtime.block_on(async {
            let client = builder(&server).build().expect("client");
            let request = get_thing();
            client.send::<Value>(request).await.expect_err("401")
        })
    });
    assert_eq!(err.status().map(|s| s.as_u16()), Some(401));
    assert_clean("Error Display", &err.to_string());
    assert_clean("Error Debug", &format!("{err:?}"));
    let api = err.as_api_error().expect("api error");
    assert_clean("body snippet", api.body_snippet());
    assert!(api.message().is_some_and(|m| m.contains("[redacted]")));
    let logs = capture.0.lock().expect("lock").clone();
    assert!(
        logs.contains("mutagent.call"),
        "the call was traced: {logs}"
    );
    assert!(logs.contains("retrying"), "the retry was logged: {logs}");
    assert_clean("tracing output", &logs);
}

#[test]
fn decode_errors_scrub_the_key() {
    let server = ScriptedServer::start(vec![Reply::text(200, format!("<html>{KEY}</html>"))]);
    let client = builder(&server).build_blocking().expect("client");
    let err = client.send::<Value>(get_thing()).expect_err("html");
    assert_clean("decode error", &format!("{err} {err:?}"));
}
