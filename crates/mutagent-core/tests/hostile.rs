//! Hostile servers and proxies, at the transport level: whatever comes back, a call ends in a
//! value or a typed [`Error`] — never a panic, a hang past its timeout, unbounded buffering, a
//! followed redirect, or the API key sent somewhere else.
//!
//! (The basics — retries, Retry-After, a simple size limit, a dripped body, a 302 — are in
//! `transport.rs`; these cases go further. The same hostile answers through real namespace
//! calls are in `tests/e2e/reliability.rs`.)
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test may panic

mod support;

use std::time::{Duration, Instant};

use mutagent_core::{Error, RetryPolicy};
use mutagent_test_support::{Reply, ScriptedServer};
use serde_json::{json, Value};
use support::*;

const MIB: usize = 1024 * 1024;

// ---------------------------------------------------------------------------------------------
// Proxies answering HTML

#[tokio::test]
async fn an_html_502_from_a_proxy_is_retried_then_reported_with_a_bounded_snippet() {
    let page = format!(
        "<html><head><title>502 Bad Gateway</title></head><body>{}</body></html>",
        "nginx ".repeat(20_000)
    );
    let server = ScriptedServer::start(vec![
        Reply::text(502, page.clone()).header("content-type", "text/html")
    ]);
    let client = builder(&server).build().expect("client");
    let err = get(&client).await.expect_err("502");
    assert_eq!(server.requests().len(), 4, "GET on 502 is retried");
    let Error::Api(api) = &err else {
        panic!("expected Error::Api, got {err:?}")
    };
    assert_eq!(api.status().as_u16(), 502);
    assert_eq!(api.code(), None, "HTML has no error code");
    assert_eq!(api.message(), None);
    assert!(api.body_snippet().starts_with("<html><head><title>502"));
    assert!(
        api.body_snippet().len() < 600,
        "the snippet is bounded: {} bytes",
        api.body_snippet().len()
    );
    assert!(api
        .body_snippet()
        .ends_with(&format!("({} bytes in all)", page.len())));
    assert!(err.to_string().len() < 800, "Display stays short");
}

#[tokio::test]
async fn an_html_200_from_a_captive_proxy_is_a_decode_error_not_a_panic() {
    let server = ScriptedServer::start(vec![Reply::text(
        200,
        "<!DOCTYPE html><html><body>Please sign in to the Wi-Fi</body></html>",
    )
    .header("content-type", "text/html")]);
    let client = builder(&server).build().expect("client");
    let err = client.send::<Thing>(get_thing()).await.expect_err("html");
    let Error::Decode(decode) = &err else {
        panic!("expected Error::Decode, got {err:?}")
    };
    assert_eq!(decode.status().as_u16(), 200);
    assert!(decode.body_snippet().contains("sign in"));
    assert_eq!(server.requests().len(), 1, "a decode error is not retried");
}

// ---------------------------------------------------------------------------------------------
// Wrong JSON

#[tokio::test]
async fn json_of_the_wrong_types_names_the_path() {
    let cases: [(Value, &str); 6] = [
        (json!({"id": "7", "name": "x"}), "id"),
        (json!({"id": 7, "name": 5}), "name"),
        (json!({"id": -1, "name": "x"}), "id"),
        (json!({"id": 1e300, "name": "x"}), "id"),
        // serde reads a struct from an array too (by position): the first item is no `id`.
        (json!([{"id": 7, "name": "x"}]), "[0]"),
        (json!("a string"), "."),
    ];
    for (body, path) in cases {
        let server = ScriptedServer::start(vec![Reply::json(200, body.clone())]);
        let client = builder(&server).build().expect("client");
        let err = client
            .send::<Thing>(get_thing())
            .await
            .expect_err("wrong type");
        let Error::Decode(decode) = &err else {
            panic!("{body}: expected Error::Decode, got {err:?}")
        };
        assert_eq!(decode.path(), path, "{body}: {err}");
    }
}

/// A 200 with an empty body where JSON is expected says the body was empty. The SDK reads
/// an empty body as `null` (so that `()`, `Value` and `Option` answers take one), and before
/// it reported its own stand-in: "invalid type: null … at line 1 column 4".
#[test]
fn an_empty_success_body_is_reported_as_empty_not_as_null_at_column_4() {
    let server = ScriptedServer::start(vec![
        Reply::status(200).header("content-type", "application/json")
    ]);
    let client = builder(&server).build_blocking().expect("client");
    let err = client.send::<Thing>(get_thing()).expect_err("empty");
    let text = err.to_string();
    assert!(matches!(err, Error::Decode(_)), "{err:?}");
    assert!(
        text.contains("empty") && !text.contains("column 4"),
        "the message does not say the body was empty: {text}"
    );
    assert!(text.contains("expected struct Thing"), "{text}");
    assert!(err.request_accepted());
}

#[tokio::test]
async fn extra_fields_are_ignored() {
    let server = ScriptedServer::start(vec![Reply::json(
        200,
        json!({"id": 1, "name": "x", "brandNew": {"deep": [1, 2, 3]}, "another": null}),
    )]);
    let client = builder(&server).build().expect("client");
    let thing: Thing = client.send(get_thing()).await.expect("extra fields decode");
    assert_eq!(thing.id, 1);
}

#[tokio::test]
async fn deeply_nested_json_is_refused_without_overflowing_the_stack() {
    let depth = 200_000;
    let body = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    // As a success body (into an any-JSON value) and as an error body.
    let server = ScriptedServer::start(vec![
        Reply::text(200, body.clone()),
        Reply::text(400, body.clone()),
    ]);
    let client = builder(&server).build().expect("client");
    let err = get(&client).await.expect_err("too deep");
    assert!(matches!(err, Error::Decode(_)), "{err:?}");
    let err = get(&client).await.expect_err("400");
    let Error::Api(api) = &err else {
        panic!("expected Error::Api, got {err:?}")
    };
    assert_eq!(api.status().as_u16(), 400);
    assert_eq!(api.code(), None);
}

#[tokio::test]
async fn invalid_utf8_anywhere_is_a_typed_error() {
    let mut in_string = br#"{"id":1,"name":""#.to_vec();
    in_string.extend_from_slice(&[0xff, 0xfe, 0xc3]);
    in_string.extend_from_slice(br#""}"#);
    let server = ScriptedServer::start(vec![
        Reply::text(200, vec![0xff, 0xfe, 0x00, 0x9f]),
        Reply::text(200, in_string),
        Reply::text(409, vec![b'{', 0xff, 0xc0, b'}']),
    ]);
    let client = builder(&server).build().expect("client");
    for _ in 0..2 {
        let err = client
            .send::<Thing>(get_thing())
            .await
            .expect_err("invalid utf-8");
        assert!(matches!(err, Error::Decode(_)), "{err:?}");
        let _ = format!("{err} {err:?}");
    }
    let err = get(&client).await.expect_err("409");
    let api = err.as_api_error().expect("api error");
    assert_eq!(api.status().as_u16(), 409);
    assert!(api.body_snippet().contains('\u{FFFD}'), "lossy snippet");
}

#[tokio::test]
async fn odd_header_values_never_panic_and_request_ids_are_bounded() {
    let server = ScriptedServer::start(vec![Reply::json(
        404,
        json!({"error": "not_found", "message": "gone"}),
    )
    .header("x-request-id", &"r".repeat(10_000))
    .header("retry-after", "99999999999999999999999")
    .header("content-type", "application/json; charset=latin1")]);
    let client = builder(&server).build().expect("client");
    let err = get(&client).await.expect_err("404");
    assert_eq!(err.request_id().map(str::len), Some(200));
    assert!(err.is_not_found());

    // Obs-text (bytes >= 0x80) in a header value: the id is dropped, not a panic.
    let raw = b"HTTP/1.1 404 Not Found\r\ncontent-length: 2\r\nx-request-id: r\xff\xfe\r\n\r\n{}"
        .to_vec();
    let server = ScriptedServer::start(vec![Reply::raw(raw)]);
    let client = builder(&server).build().expect("client");
    let err = get(&client).await.expect_err("404");
    assert!(err.is_not_found(), "{err:?}");
    assert_eq!(err.request_id(), None);
}

// ---------------------------------------------------------------------------------------------
// Broken connections

/// A 2xx answer cut short: the server accepted the request, and the error says so for every
/// method; a GET is retried first, a POST never sent twice.
#[tokio::test]
async fn a_body_cut_short_after_a_2xx_is_an_answer_lost_retried_for_get_only() {
    let body = json!({"id": 1, "name": "a long enough name"}).to_string();
    let server = ScriptedServer::start(vec![Reply::text(200, body.clone()).truncate(10)]);
    let client = builder(&server).build().expect("client");
    let err = get(&client).await.expect_err("cut short");
    assert!(
        matches!(err, Error::AnswerLost { attempts: 4, .. }),
        "{err:?}"
    );
    assert!(err.request_accepted());
    assert_eq!(server.requests().len(), 4);

    // A non-2xx answer cut short says nothing of acceptance: a broken connection, retried.
    let server = ScriptedServer::start(vec![Reply::text(503, body.clone()).truncate(10)]);
    let client = builder(&server).build().expect("client");
    let err = get(&client).await.expect_err("cut short");
    assert!(
        matches!(err, Error::Transport { attempts: 4, .. }),
        "{err:?}"
    );
    assert!(err.is_retryable() && !err.request_accepted());
    assert_eq!(server.requests().len(), 4);

    // The same with chunked encoding (no final chunk), and for a POST: not sent twice.
    let server = ScriptedServer::start(vec![Reply::text(201, body).chunked().truncate(10)]);
    let client = builder(&server).build().expect("client");
    let err = create(&client).await.expect_err("cut short");
    assert!(
        matches!(err, Error::AnswerLost { attempts: 1, .. }),
        "{err:?}"
    );
    assert!(err.request_accepted());
    assert_eq!(server.requests().len(), 1, "a POST is never sent twice");
}

#[tokio::test]
async fn a_reset_before_the_headers_is_a_transport_error() {
    let server = ScriptedServer::start(vec![Reply::reset()]);
    let client = builder(&server).build().expect("client");
    let err = get(&client).await.expect_err("reset");
    assert!(
        matches!(err, Error::Transport { attempts: 4, .. }),
        "{err:?}"
    );
    assert_eq!(server.requests().len(), 4);
}

#[tokio::test]
async fn garbage_instead_of_http_is_a_transport_error() {
    for raw in [
        &b"SSH-2.0-OpenSSH_9.6\r\n"[..],
        &b"HTTP/1.1 abc Weird\r\n\r\n"[..],
        &b"HTTP/1.1 200 OK\r\ncontent-length: nope\r\n\r\n{}"[..],
        &b"HTTP/1.1 200 OK\r\ncontent-len"[..],
        &b"\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03"[..],
    ] {
        let server = ScriptedServer::start(vec![Reply::raw(raw)]);
        let client = builder(&server).build().expect("client");
        let err = create(&client).await.expect_err("garbage");
        assert!(
            matches!(err, Error::Transport { attempts: 1, .. }),
            "{:?}: {err:?}",
            String::from_utf8_lossy(raw)
        );
    }
}

#[tokio::test]
async fn a_chunked_body_dripped_slower_than_the_timeout_times_out_on_time() {
    // Each chunk arrives well within any per-read timeout; only the call deadline stops it.
    let server = ScriptedServer::start(vec![Reply::generated(200, 100_000)
        .chunked()
        .drip(1, Duration::from_millis(20))]);
    let client = builder(&server)
        .timeout(Duration::from_millis(600))
        .build()
        .expect("client");
    let (err, elapsed) = failed_get(&client).await;
    // The 200 head had come: the server accepted the request.
    assert!(
        matches!(err, Error::AnswerLost { attempts: 1, .. }),
        "{err:?}"
    );
    assert!(err.is_timeout() && err.request_accepted(), "{err:?}");
    assert!(elapsed >= Duration::from_millis(600), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(5), "{elapsed:?}");
}

#[tokio::test]
async fn headers_that_never_end_time_out() {
    let server = ScriptedServer::start(vec![Reply::raw(b"HTTP/1.1 200 OK\r\nx-a: 1\r\n".to_vec())]);
    // `raw` closes after writing: a half head then EOF is a transport error...
    let client = builder(&server).build().expect("client");
    let err = get(&client).await.expect_err("half head");
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    // ...and a head that never finishes hits the deadline.
    let server = ScriptedServer::start(vec![
        Reply::json(200, json!({})).delay(Duration::from_secs(30))
    ]);
    let client = builder(&server)
        .timeout(Duration::from_millis(300))
        .build()
        .expect("client");
    let err = get(&client).await.expect_err("stalled head");
    assert!(err.is_timeout(), "{err:?}");
}

// ---------------------------------------------------------------------------------------------
// Size limits

/// Serves `reply` to a client with a 1 MiB response limit, checks that the call fails promptly
/// with `ResponseTooLarge` naming that limit, and hands back the server after a pause (so what
/// it managed to send has settled).
async fn refused_over_one_mib(reply: Reply) -> ScriptedServer {
    let server = ScriptedServer::start(vec![reply]);
    let client = builder(&server)
        .max_response_bytes(MIB)
        .build()
        .expect("client");
    let started = Instant::now();
    let err = get(&client).await.expect_err("too large");
    assert!(
        matches!(err, Error::ResponseTooLarge { limit, .. } if limit == MIB),
        "{err:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(10));
    std::thread::sleep(Duration::from_millis(200));
    server
}

#[tokio::test]
async fn a_declared_length_over_the_limit_is_refused_before_reading_the_body() {
    let server = refused_over_one_mib(Reply::generated(200, 1 << 30)).await;
    assert_eq!(server.requests().len(), 1, "not retried");
    // The client hung up: the server could hand at most socket buffers' worth to the kernel.
    let sent = server.body_bytes_sent();
    assert!(sent < 64 * MIB as u64, "the server wrote {sent} bytes");
}

/// With the limit raised out of the way ("no limit"), a server that declares a terabyte and
/// drips a few bytes gets a timeout: the client sizes its buffer by what arrives, not by the
/// declared length (trusting it asked the allocator for a terabyte, and the process aborted).
#[tokio::test]
async fn a_declared_terabyte_under_no_limit_is_not_allocated_up_front() {
    let server = ScriptedServer::start(vec![
        Reply::generated(200, 1 << 40).drip(16, Duration::from_millis(10))
    ]);
    let client = builder(&server)
        .max_response_bytes(usize::MAX)
        .timeout(Duration::from_millis(300))
        .retry_policy(RetryPolicy::disabled())
        .build()
        .expect("client");
    let err = get(&client).await.expect_err("never completes");
    assert!(err.is_timeout(), "{err:?}");
    assert!(
        server.body_bytes_sent() >= 32,
        "at least two pieces arrived"
    );
}

#[tokio::test]
async fn a_chunked_body_over_the_limit_is_cut_at_the_limit() {
    // No content-length: the client learns the size only by reading. 1 GiB offered.
    let server = refused_over_one_mib(Reply::generated(200, 1 << 30).chunked()).await;
    let sent = server.body_bytes_sent();
    assert!(
        sent > MIB as u64,
        "the server did send past the limit: {sent}"
    );
    assert!(
        sent < 64 * MIB as u64,
        "the client stopped reading near the limit, yet the server wrote {sent} bytes"
    );
    // An error answer is bounded the same way.
    let server = ScriptedServer::start(vec![Reply::generated(500, 1 << 30).chunked()]);
    let client = builder(&server)
        .max_response_bytes(MIB)
        .retry_policy(RetryPolicy::disabled())
        .build()
        .expect("client");
    let err = get(&client).await.expect_err("too large");
    assert!(matches!(err, Error::ResponseTooLarge { .. }), "{err:?}");
}

#[tokio::test]
async fn the_default_limit_is_32_mib_even_without_a_length() {
    let limit = mutagent_core::config::DEFAULT_MAX_RESPONSE_BYTES;
    assert_eq!(limit, 32 * MIB);
    let server = ScriptedServer::start(vec![Reply::generated(200, 4 << 30).chunked()]);
    let client = builder(&server).build().expect("client");
    assert_eq!(client.config().max_response_bytes(), limit);
    let err = get(&client).await.expect_err("too large");
    assert!(
        matches!(err, Error::ResponseTooLarge { limit: l, .. } if l == limit),
        "{err:?}"
    );
    std::thread::sleep(Duration::from_millis(200));
    let sent = server.body_bytes_sent();
    assert!(
        sent < (limit + 32 * MIB) as u64,
        "4 GiB offered, {sent} bytes written"
    );
}

#[tokio::test]
async fn a_body_exactly_at_the_limit_is_accepted() {
    let body = format!("\"{}\"", "a".repeat(1022));
    assert_eq!(body.len(), 1024);
    let server = ScriptedServer::start(vec![
        Reply::text(200, body.clone()),
        Reply::text(200, body).chunked(),
    ]);
    let client = builder(&server)
        .max_response_bytes(1024)
        .build()
        .expect("client");
    for _ in 0..2 {
        let value = get(&client).await.expect("at the limit");
        assert_eq!(value.as_str().map(str::len), Some(1022));
    }
}

// ---------------------------------------------------------------------------------------------
// Headers

#[tokio::test]
async fn dozens_of_extra_headers_are_fine_thousands_are_a_clear_error() {
    let server = ScriptedServer::start(vec![
        Reply::json(200, json!({"ok": true})).filler_headers(50)
    ]);
    let client = builder(&server).build().expect("client");
    assert_eq!(get(&client).await.expect("50 headers"), json!({"ok": true}));

    let server = ScriptedServer::start(vec![
        Reply::json(200, json!({"ok": true})).filler_headers(5_000)
    ]);
    let client = builder(&server).build().expect("client");
    let started = Instant::now();
    let err = create(&client).await.expect_err("5000 headers");
    assert!(
        matches!(err, Error::Transport { attempts: 1, .. }),
        "{err:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[tokio::test]
async fn one_huge_header_is_a_clear_error() {
    let server = ScriptedServer::start(vec![
        Reply::json(200, json!({})).header("x-huge", &"h".repeat(2 * MIB))
    ]);
    let client = builder(&server)
        .retry_policy(RetryPolicy::disabled())
        .build()
        .expect("client");
    let err = get(&client).await.expect_err("huge header");
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
}

/// The same 2 MiB header, retries on: the one-line message a log shows says the answer's head
/// was too large (before, "the connection failed", with the cause only in the `source()`
/// chain), and a GET is not sent again: the same server sends the same head each time.
#[tokio::test]
async fn a_huge_response_head_says_so_in_the_one_line_message() {
    let server = ScriptedServer::start(vec![
        Reply::json(200, json!({"id": 1, "name": "x"})).header("x-huge", &"a".repeat(2 * MIB))
    ]);
    let client = builder(&server).build().expect("client");
    let err = get(&client).await.expect_err("huge head");
    let line = err.to_string();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert!(
        line.contains("head") || line.contains("header"),
        "the one-line message does not say what happened: {line}"
    );
    assert_eq!(server.requests().len(), 1, "not retried: {err:?}");
    assert_eq!(err.attempts(), Some(1));
    assert!(!err.is_retryable());
    // The cause (hyper's own words) is in the chain, once, and not repeated in the line.
    let debug = format!("{err:?}");
    assert_eq!(
        debug.matches("message head is too large").count(),
        1,
        "{debug}"
    );
    assert!(!line.contains("message head is too large"), "{line}");
}

// ---------------------------------------------------------------------------------------------
// Redirects

#[tokio::test]
async fn redirects_to_another_host_are_never_followed_and_the_key_stays_home() {
    for status in [301u16, 302, 303, 307, 308] {
        let elsewhere = ScriptedServer::start(vec![Reply::json(200, json!({"stolen": true}))]);
        let server = ScriptedServer::start(vec![Reply::status(status).header(
            "location",
            &format!("{}/collect?from=mutagent", elsewhere.url()),
        )]);
        let client = builder(&server).build().expect("client");
        for call in [get(&client).await, create(&client).await] {
            let err = call.expect_err("a redirect is an error");
            let Error::Api(api) = &err else {
                panic!("{status}: expected Error::Api, got {err:?}")
            };
            assert_eq!(api.status().as_u16(), status);
            assert!(!err.is_retryable());
        }
        assert_eq!(server.requests().len(), 2, "{status}: one request per call");
        assert!(
            elsewhere.requests().is_empty(),
            "{status}: the redirect target was contacted: {:?}",
            elsewhere.requests()
        );
        assert_eq!(
            elsewhere.connections(),
            0,
            "{status}: not even a connection"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Connection reuse

#[tokio::test]
async fn sequential_calls_reuse_one_connection() {
    let server = ScriptedServer::start(vec![Reply::json(200, json!({"ok": true}))]);
    let client = builder(&server).build().expect("client");
    for _ in 0..50 {
        get(&client).await.expect("call");
    }
    assert_eq!(server.requests().len(), 50);
    assert!(
        server.connections() <= 2,
        "{} connections for 50 sequential calls",
        server.connections()
    );
}
