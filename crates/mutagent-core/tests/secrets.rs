//! The API key never leaks: not in the `Debug` or `Display` of any public type that can hold
//! it, not in any `Error` variant (however hostile the server that echoes it back), not in
//! `tracing` output. Extends `redaction.rs` to every variant and every echo channel.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test may panic

mod support;

use std::collections::HashMap;
use std::fmt::Write as _;
use std::time::Duration;

use http::{HeaderName, HeaderValue};
use mutagent_core::error::BlockingError;
use mutagent_core::{CallOptions, Client, ConfigError, Error, RetryPolicy};
use mutagent_test_support::{Reply, ScriptedServer};
use serde_json::{json, Value};
use support::*;

/// No trace of the key: not whole, not its first or last 8 characters.
fn assert_clean(what: &str, text: &str) {
    let head = &KEY[..8];
    let tail = &KEY[KEY.len() - 8..];
    for part in [KEY, head, tail, "secret_8f3a"] {
        assert!(
            !text.contains(part),
            "{what} leaks `{part}` of the key:\n{text}"
        );
    }
}

fn show(err: &Error) -> String {
    let mut text = format!("{err}\n{err:?}\n{err:#?}");
    let mut source = std::error::Error::source(err);
    while let Some(inner) = source {
        let _ = write!(text, "\n{inner}\n{inner:?}");
        source = inner.source();
    }
    text
}

fn runtime() -> tokio::runtime::Runtime {
    current_thread_runtime()
}

/// Runs `call` against `server` under a capturing subscriber; returns its result and the logs.
fn traced<T: serde::de::DeserializeOwned>(
    client: &Client,
    request: mutagent_core::ApiRequest,
) -> (Result<T, Error>, String) {
    let capture = Capture::default();
    let runtime = runtime();
    let result = capture.during(|| runtime.block_on(client.send::<T>(request)));
    (result, capture.text())
}

fn get_request() -> mutagent_core::ApiRequest {
    get_thing()
}

// ---------------------------------------------------------------------------------------------
// The server echoes the key through every channel it has

#[test]
fn a_server_echoing_the_key_everywhere_leaks_nothing() {
    let echo = json!({
        "error": {"code": KEY, "message": format!("key {KEY} revoked"),
                  "details": {"apiKey": KEY, "seen": [format!("x-api-key: {KEY}")], KEY: 1}},
        "meta": {"requestId": KEY}
    });
    let server = ScriptedServer::start(vec![
        Reply::json(503, echo.clone()).header("x-request-id", KEY),
        Reply::json(401, echo.clone()),
    ]);
    let client = builder(&server).build().expect("client");
    let (result, logs) = traced::<Value>(&client, get_request());
    let err = result.expect_err("401");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(401));
    assert_clean("error", &show(&err));
    let api = err.as_api_error().expect("api");
    assert_clean("code", api.code().unwrap_or_default());
    assert_clean("message", api.message().unwrap_or_default());
    assert_clean("request id", api.request_id().unwrap_or_default());
    assert_clean(
        "details",
        &api.details().map(Value::to_string).unwrap_or_default(),
    );
    assert_clean("snippet", api.body_snippet());
    assert!(logs.contains("retrying"), "{logs}");
    assert_clean("tracing", &logs);
}

#[test]
fn a_key_cut_at_the_snippet_boundary_leaks_no_prefix() {
    // Place the key so that the 512-byte snippet would end in its middle.
    // Also after ten earlier copies of the key, whose shorter `[redacted]` pulls later text
    // forward into the snippet.
    let bodies = [500usize, 505, 509, 511, 530, 560, 600, 700]
        .into_iter()
        .flat_map(|offset| {
            [
                format!("{}{KEY} and more text after it", "p".repeat(offset)),
                format!(
                    "{}{}{KEY} and more text after it",
                    KEY.repeat(10),
                    "p".repeat(offset - 10 * KEY.len())
                ),
            ]
        });
    for (offset, body) in bodies.enumerate() {
        let server = ScriptedServer::start(vec![Reply::text(400, body.clone())]);
        let client = builder(&server).build().expect("client");
        let (result, logs) = traced::<Value>(&client, get_request());
        let err = result.expect_err("400");
        assert_clean(&format!("api error at {offset}"), &show(&err));
        assert_clean("tracing", &logs);
        // And in a decode error.
        let server = ScriptedServer::start(vec![Reply::text(200, body)]);
        let client = builder(&server).build().expect("client");
        let (result, _) = traced::<Value>(&client, get_request());
        assert_clean(
            &format!("decode error at {offset}"),
            &show(&result.expect_err("not json")),
        );
    }
}

#[test]
fn a_decode_error_never_shows_the_key_in_its_path_or_message() {
    // A map keyed by the key, whose value has the wrong type: the JSON path holds the key.
    let server = ScriptedServer::start(vec![Reply::json(200, json!({ KEY: "not a number" }))]);
    let client = builder(&server).build().expect("client");
    let (result, logs) = traced::<HashMap<String, u64>>(&client, get_request());
    let err = result.expect_err("wrong type");
    let Error::Decode(decode) = &err else {
        panic!("expected Error::Decode, got {err:?}")
    };
    assert_clean("decode path", decode.path());
    assert_clean("decode error", &show(&err));
    assert_clean("tracing", &logs);
    // An unknown variant named after the key shows up in serde's message.
    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    enum Kind {
        A,
    }
    let server = ScriptedServer::start(vec![Reply::json(200, json!(KEY))]);
    let client = builder(&server).build().expect("client");
    let (result, _) = traced::<Kind>(&client, get_request());
    assert_clean("variant", &show(&result.expect_err("unknown variant")));
}

// ---------------------------------------------------------------------------------------------
// Every variant

#[test]
fn every_error_variant_is_clean() {
    let mut errors: Vec<(&str, Error)> = Vec::new();
    let rt = runtime();

    // Config: a key that cannot be sent (the key itself, plus a newline).
    for bad in [
        format!("{KEY}\r\nx-evil: 1"),
        format!("{KEY} "),
        format!("ä{KEY}"),
    ] {
        let err = mutagent_core::ClientBuilder::new()
            .env(mutagent_core::env::EmptyEnv)
            .api_key(bad)
            .build()
            .expect_err("bad key");
        assert!(matches!(
            err,
            Error::Config(ConfigError::InvalidApiKey { .. })
        ));
        errors.push(("config: api key", err));
    }
    // Config: the key pasted into the server URL (userinfo, query, fragment).
    for url in [
        format!("https://{KEY}@api.example.com"),
        format!("https://user:{KEY}@api.example.com/v1"),
        format!("https://api.example.com/?api_key={KEY}"),
        format!("https://api.example.com/#{KEY}"),
        format!("http://api.example.com/?key={KEY}"),
    ] {
        let err = mutagent_core::ClientBuilder::new()
            .env(mutagent_core::env::EmptyEnv)
            .api_key(KEY)
            .server_url(url)
            .build()
            .expect_err("bad url");
        assert!(matches!(err, Error::Config(_)), "{err:?}");
        errors.push(("config: url", err));
    }
    // Config: the key given as a workspace id with a space (refused as a header value).
    let err = mutagent_core::ClientBuilder::new()
        .env(mutagent_core::env::EmptyEnv)
        .workspace_id(format!("{KEY} x"))
        .build()
        .expect_err("bad header");
    errors.push(("config: header", err));
    errors.push((
        "config: tls",
        Error::Config(ConfigError::Tls(mutagent_core::error::Cause::new(
            std::io::Error::other("handshake"),
        ))),
    ));
    errors.push(("blocking", Error::Blocking(BlockingError::RuntimeGone)));

    // InvalidInput.
    let err = GET_THING.request().build().expect_err("missing id");
    errors.push(("invalid input", err));

    // Connect: nothing listens there.
    let refused = nobody_listening()
        .api_key(KEY)
        .retry_policy(RetryPolicy::disabled())
        .build()
        .expect("client");
    let err = rt
        .block_on(refused.send::<Value>(get_request()))
        .expect_err("refused");
    assert!(matches!(err, Error::Connect { .. }), "{err:?}");
    errors.push(("connect", err));

    // Encoding, Transport, Timeout, ResponseTooLarge, Api, Decode from a server.
    let cases: Vec<(&str, Reply)> = vec![
        (
            "encoding",
            Reply::text(200, "x").header("content-encoding", &format!("x-{KEY}")),
        ),
        ("transport", Reply::reset()),
        (
            "timeout",
            Reply::json(200, json!({})).delay(Duration::from_secs(5)),
        ),
        ("too large", Reply::generated(200, 10_000)),
        ("api", Reply::json(418, json!({"error": KEY}))),
        ("decode", Reply::text(200, format!("<{KEY}>"))),
    ];
    for (what, reply) in cases {
        let server = ScriptedServer::start(vec![reply]);
        let client = builder(&server)
            .retry_policy(RetryPolicy::disabled())
            .timeout(Duration::from_millis(300))
            .max_response_bytes(1000)
            .build()
            .expect("client");
        let (result, logs) = traced::<Value>(&client, get_request());
        let err = result.expect_err(what);
        assert_clean(&format!("tracing of {what}"), &logs);
        errors.push((what, err));
    }

    let kinds: Vec<&str> = errors.iter().map(|(what, _)| *what).collect();
    for expected in [
        "encoding",
        "transport",
        "timeout",
        "too large",
        "api",
        "decode",
        "connect",
    ] {
        assert!(kinds.contains(&expected), "{kinds:?}");
    }
    for (what, err) in &errors {
        assert_clean(what, &show(err));
    }
    assert!(matches!(errors[errors.len() - 6].1, Error::Encoding { .. }));
    assert!(matches!(
        errors[errors.len() - 5].1,
        Error::Transport { .. }
    ));
    assert!(matches!(errors[errors.len() - 4].1, Error::Timeout { .. }));
    assert!(matches!(
        errors[errors.len() - 3].1,
        Error::ResponseTooLarge { .. }
    ));
    assert!(matches!(errors[errors.len() - 2].1, Error::Api(_)));
    assert!(matches!(errors[errors.len() - 1].1, Error::Decode(_)));
}

// ---------------------------------------------------------------------------------------------
// Types that can hold the key

#[test]
fn call_options_with_secret_headers_are_clean() {
    let server = ScriptedServer::start(vec![Reply::json(200, json!({}))]);
    let options = CallOptions::new()
        .header(
            HeaderName::from_static("x-api-key"),
            HeaderValue::from_static(KEY),
        )
        .header(
            http::header::AUTHORIZATION,
            HeaderValue::from_str(&format!("Bearer {KEY}")).expect("value"),
        )
        .header(
            HeaderName::from_static("x-trace"),
            HeaderValue::from_static("visible"),
        );
    assert_clean("CallOptions", &format!("{options:?} {options:#?}"));
    let client = builder(&server).build().expect("client");
    let view = client.with_options(options.clone());
    assert_clean("Client with options", &format!("{view:?}"));
    assert_clean("options()", &format!("{:?}", view.options()));
    let blocking = builder(&server).build_blocking().expect("blocking");
    let blocking_view = blocking.with_options(options);
    assert_clean("BlockingClient with options", &format!("{blocking_view:?}"));
    assert_clean(
        "BlockingClient async half",
        &format!("{:?}", blocking_view.async_client()),
    );
    // The headers are still sent.
    let value: Value = blocking_view.send(get_request()).expect("call");
    assert_eq!(value, json!({}));
    let request = server.single_request();
    assert_eq!(request.header("x-api-key"), Some(KEY));
    assert_eq!(request.header("x-trace"), Some("visible"));
}

#[test]
fn builders_configs_and_env_sources_are_clean() {
    let env = [
        ("MUTAGENT_API_KEY", KEY),
        ("MUTAGENT_SERVER_URL", "http://localhost:1"),
    ];
    let builder = mutagent_core::ClientBuilder::new().env(env);
    assert_clean("builder with env", &format!("{builder:?} {builder:#?}"));
    let client = builder.build().expect("client");
    assert!(client.config().has_api_key());
    assert_clean("client from env", &format!("{client:?} {client:#?}"));
    assert_clean("config", &format!("{:#?}", client.config()));
    let blocking = mutagent_core::BlockingClient::from_client(client).expect("blocking");
    assert_clean("blocking", &format!("{blocking:?} {blocking:#?}"));
}

// ---------------------------------------------------------------------------------------------
// Second pass (#18): whatever shape the body has, and however the key is written

/// An HTML 502 (not JSON) once returned before the request id was scrubbed.
#[test]
fn a_non_json_error_body_still_scrubs_the_request_id_header() {
    let server = ScriptedServer::start(vec![Reply::text(
        400,
        "<html><body>Bad Gateway</body></html>",
    )
    .header("x-request-id", &format!("req-{KEY}"))]);
    let client = builder(&server).build().expect("client");
    let (result, logs) = traced::<Value>(&client, get_request());
    let err = result.expect_err("400");
    assert_eq!(err.request_id(), Some("req-[redacted]"));
    assert_clean("error", &show(&err));
    assert_clean("tracing", &logs);
}

/// The same header on a success answer whose body does not decode.
#[test]
fn a_decode_error_scrubs_the_request_id_header() {
    let server = ScriptedServer::start(vec![
        Reply::text(200, "<html>portal</html>").header("x-request-id", &format!("req-{KEY}")),
        Reply::json(200, json!({"id": "x"})).header("request-id", KEY),
    ]);
    let client = builder(&server).build().expect("client");
    for _ in 0..2 {
        let (result, _) = traced::<HashMap<String, u64>>(&client, get_request());
        let err = result.expect_err("not decodable");
        assert!(matches!(err, Error::Decode(_)), "{err:?}");
        assert!(err.request_id().is_some_and(|id| id.contains("[redacted]")));
        assert_clean("decode error", &show(&err));
    }
}

/// A key with `/` echoed inside a JSON string as `\/`, or with characters as `\u00XX`.
#[test]
fn a_json_escaped_echo_of_the_key_is_scrubbed() {
    const SLASHED: &str = "mt_core/test/secret_8f3a";
    let escaped = SLASHED.replace('/', "\\/");
    let unicode = SLASHED.replace('/', "\\u002F").replace('m', "\\u006d");
    for echo in [escaped, unicode] {
        let body = format!(r#"{{"error":"bad_key","message":"the key {echo} is revoked"}}"#);
        let html = format!("<p>key: {echo}</p>");
        let server = ScriptedServer::start(vec![
            Reply::text(401, body.clone()),
            Reply::text(401, html.clone()),
            Reply::text(200, html),
        ]);
        let client = builder(&server).api_key(SLASHED).build().expect("client");
        for _ in 0..3 {
            let (result, logs) = traced::<Value>(&client, get_request());
            let text = show(&result.expect_err("refused"));
            for part in [SLASHED, "core/test", "core\\/test", "secret_8f3a"] {
                assert!(!text.contains(part), "leaks `{part}`:\n{text}");
                assert!(!logs.contains(part), "logs leak `{part}`:\n{logs}");
            }
            assert!(text.contains("[redacted]"), "{text}");
        }
    }
}

/// A token sent per call (a bearer token, a custom key header) is scrubbed like the key.
#[test]
fn per_call_credentials_are_scrubbed_from_errors() {
    const TOKEN: &str = "tok_per_call_7c1e";
    const CUSTOM: &str = "custom_value_55ab";
    let echo = json!({
        "error": {"code": TOKEN, "message": format!("Bearer {TOKEN} and {CUSTOM} refused"),
                  "details": {"seen": [TOKEN, CUSTOM]}},
        "meta": {"requestId": TOKEN}
    });
    let server = ScriptedServer::start(vec![
        Reply::json(401, echo.clone()),
        Reply::text(200, format!("{TOKEN} {CUSTOM}")).header("x-request-id", TOKEN),
    ]);
    let client = builder(&server).build().expect("client");
    let view = client.with_options(
        CallOptions::new()
            .header(
                http::header::AUTHORIZATION,
                HeaderValue::from_str(&format!("Bearer {TOKEN}")).expect("value"),
            )
            .header(
                HeaderName::from_static("x-upstream-token"),
                HeaderValue::from_static(CUSTOM),
            ),
    );
    for expected in ["401", "decode"] {
        let (result, logs) = traced::<HashMap<String, u64>>(&view, get_request());
        let err = result.expect_err(expected);
        let mut text = show(&err);
        if let Some(api) = err.as_api_error() {
            text.push_str(&api.details().map(Value::to_string).unwrap_or_default());
        }
        for secret in [TOKEN, CUSTOM] {
            assert!(!text.contains(secret), "{expected} leaks {secret}:\n{text}");
            assert!(!logs.contains(secret), "logs leak {secret}:\n{logs}");
        }
    }
    // Both were sent as given.
    let requests = server.requests();
    assert_eq!(
        requests[0].header("authorization").map(str::to_owned),
        Some(format!("Bearer {TOKEN}"))
    );
    assert_eq!(requests[0].header("x-upstream-token"), Some(CUSTOM));
}

/// A server cannot make an error's text huge, or forge log lines and terminal escapes with it.
#[test]
fn server_texts_are_bounded_and_cannot_forge_lines_or_escapes() {
    let forged = "ok\n2026-01-01 INFO login succeeded\r\u{1b}[2J\u{1b}]0;pwned\u{7}\u{202e}";
    let huge = format!("{forged}{}", "A".repeat(5 * 1024 * 1024));
    let server = ScriptedServer::start(vec![
        Reply::json(
            400,
            json!({"error": {"code": huge, "message": huge}, "meta": {"requestId": huge}}),
        ),
        Reply::json(400, json!({"error": forged, "message": forged})),
        Reply::text(400, forged),
        Reply::json(200, json!({ huge.clone(): "x" })),
    ]);
    let client = builder(&server).build().expect("client");
    for case in 0..4 {
        let (result, logs) = traced::<HashMap<String, u64>>(&client, get_request());
        let err = result.expect_err("refused");
        let display = err.to_string();
        assert!(
            display.len() < 4 * 1024,
            "case {case}: Display is {} bytes",
            display.len()
        );
        for bad in ['\n', '\r', '\u{1b}', '\u{7}', '\u{202e}'] {
            assert!(
                !display.contains(bad),
                "case {case}: {bad:?} in {display:?}"
            );
            if bad != '\n' {
                assert!(!logs.contains(bad), "case {case}: {bad:?} in logs");
            }
        }
        // The capture puts each field on its own line; the forged line must not start one.
        assert!(
            !logs.contains("\n2026-01-01"),
            "case {case}: forged line in logs"
        );
        assert!(display.contains("\\u{1b}[2J"), "case {case}: {display}");
        if let Some(api) = err.as_api_error() {
            for text in [api.code(), api.message(), api.request_id()] {
                assert!(text.unwrap_or_default().len() <= 1100, "case {case}");
            }
        }
        if case == 0 {
            assert!(
                display.contains("bytes in all)"),
                "says it was cut: {display}"
            );
        }
    }
}

/// A `Secret` the request body carried (a provider's API key, a password) and the server
/// echoes back, in an error body or in an answer that does not decode, is scrubbed like the
/// key, through both clients; secrets of another call's body are not remembered.
#[test]
fn a_secret_sent_in_the_body_and_echoed_back_is_scrubbed() {
    use mutagent_core::models::Secret;
    const PROVIDER_KEY: &str = "sk-provider-9d2b7e41";
    // A typed body, as the namespaces send (`json!` would turn the Secret into plain text
    // before the request is encoded).
    #[derive(serde::Serialize)]
    #[serde(rename_all = "camelCase")]
    struct NewProvider {
        name: &'static str,
        api_key: Secret,
    }
    let body = NewProvider {
        name: "openai",
        api_key: Secret::new(PROVIDER_KEY),
    };
    let create = || CREATE_THING.request().json(&body).build().expect("request");
    let echo = json!({"error": {"code": "invalid_key",
                      "message": format!("key {PROVIDER_KEY} was refused by openai")}});
    let undecodable = json!({"id": format!("not a number {PROVIDER_KEY}")});
    let server = ScriptedServer::start(vec![
        Reply::json(400, echo.clone()),
        Reply::json(201, undecodable.clone()),
        Reply::json(400, echo.clone()),
        Reply::json(201, undecodable),
    ]);
    let client = builder(&server).build().expect("client");
    #[derive(Debug, serde::Deserialize)]
    struct Created {
        #[allow(dead_code)]
        id: u64,
    }
    let check = |what: &str, err: &Error| {
        let text = show(err);
        assert!(
            !text.contains(PROVIDER_KEY),
            "{what} leaks the key:\n{text}"
        );
        assert!(text.contains("[redacted]"), "{what}: {text}");
    };
    let (refused, logs) = traced::<Value>(&client, create());
    check("async API error", &refused.expect_err("400"));
    assert!(!logs.contains(PROVIDER_KEY), "{logs}");
    let (garbled, _) = traced::<Created>(&client, create());
    check("async decode error", &garbled.expect_err("undecodable"));

    let blocking = mutagent_core::BlockingClient::from_client(client.clone()).expect("blocking");
    check(
        "blocking API error",
        &blocking.send::<Value>(create()).expect_err("400"),
    );
    check(
        "blocking decode error",
        &blocking.send::<Created>(create()).expect_err("undecodable"),
    );

    // The secret belongs to the call that sent it: another call's error text is left whole.
    let server = ScriptedServer::start(vec![Reply::json(400, echo)]);
    let client = builder(&server).build().expect("client");
    let (other, _) = traced::<Value>(&client, get_request());
    let text = other.expect_err("400").to_string();
    assert!(text.contains(PROVIDER_KEY), "{text}");
}
