//! The transport against a scripted loopback server: retries, waits, Retry-After, timeouts,
//! size limits, headers, redirects and error bodies.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test may panic

mod support;

use std::time::{Duration, Instant};

use mutagent_core::{CallOptions, Client, Error, RetryPolicy};
use mutagent_test_support::{Reply, ScriptedServer};
use serde_json::{json, Value};
use support::*;

/// `GET /api/things/{id}` on `client`: the call's future (a bad id fails when it is awaited).
fn get_id(client: &Client, id: &str) -> impl std::future::Future<Output = Result<Value, Error>> {
    let request = GET_THING.request().path_param("id", id.to_owned()).build();
    let client = client.clone();
    async move { client.send(request?).await }
}

#[tokio::test]
async fn idempotent_calls_are_retried_on_retryable_statuses() {
    let server = ScriptedServer::start(vec![
        Reply::json(503, json!({"error": "unavailable", "message": "try later"})),
        Reply::json(502, json!({})),
        Reply::json(200, json!({"ok": true})),
    ]);
    let client = builder(&server).build().expect("client");
    let value = get_id(&client, "1").await.expect("third attempt succeeds");
    assert_eq!(value, json!({"ok": true}));
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn retries_stop_after_the_limit_and_report_attempts() {
    let server = ScriptedServer::start(vec![Reply::json(
        500,
        json!({"error": "boom", "message": "down"}),
    )]);
    let client = builder(&server).build().expect("client");
    let err = get_id(&client, "1").await.expect_err("always 500");
    assert_eq!(server.requests().len(), 4, "1 attempt + 3 retries");
    assert_eq!(err.attempts(), Some(4));
    assert_eq!(err.status().map(|s| s.as_u16()), Some(500));
    assert!(err.is_retryable());
    assert!(err.to_string().contains("after 4 attempts"), "{err}");
}

#[tokio::test]
async fn waits_double_between_attempts() {
    let server = ScriptedServer::start(vec![Reply::status(503)]);
    let client = builder(&server)
        .retry_policy(
            RetryPolicy::new()
                .initial_backoff(Duration::from_millis(100))
                .max_backoff(Duration::from_millis(400))
                .jitter(false),
        )
        .build()
        .expect("client");
    let _ = get_id(&client, "1").await.expect_err("always 503");
    let times: Vec<Instant> = server.requests().iter().map(|r| r.at).collect();
    assert_eq!(times.len(), 4);
    let gaps: Vec<Duration> = times.windows(2).map(|w| w[1] - w[0]).collect();
    // Lower bounds only: a loaded machine may be slower, never faster.
    assert!(gaps[0] >= Duration::from_millis(100), "{gaps:?}");
    assert!(gaps[1] >= Duration::from_millis(200), "{gaps:?}");
    assert!(gaps[2] >= Duration::from_millis(400), "{gaps:?}");
}

#[tokio::test]
async fn retry_after_is_honoured() {
    let server = ScriptedServer::start(vec![
        Reply::json(
            429,
            json!({"error": "rate_limited", "message": "slow down"}),
        )
        .header("retry-after", "1"),
        Reply::json(200, json!({})),
    ]);
    let client = builder(&server).build().expect("client");
    get_id(&client, "1").await.expect("second attempt");
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert!(requests[1].at - requests[0].at >= Duration::from_secs(1));
}

#[tokio::test]
async fn retry_after_is_capped() {
    let server = ScriptedServer::start(vec![
        Reply::status(503).header("retry-after", "3600"),
        Reply::json(200, json!({})),
    ]);
    let client = builder(&server)
        .retry_policy(fast_retries().max_retry_after(Duration::from_millis(150)))
        .build()
        .expect("client");
    let started = Instant::now();
    get_id(&client, "1")
        .await
        .expect("capped wait, then success");
    let requests = server.requests();
    assert!(requests[1].at - requests[0].at >= Duration::from_millis(150));
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "the hour-long wait was not capped"
    );
}

#[tokio::test]
async fn a_wait_past_the_timeout_returns_the_error_at_once() {
    let server = ScriptedServer::start(vec![Reply::status(503).header("retry-after", "20")]);
    let client = builder(&server)
        .timeout(Duration::from_secs(2))
        .retry_policy(fast_retries().max_retry_after(Duration::from_secs(20)))
        .build()
        .expect("client");
    let err = get_id(&client, "1").await.expect_err("no time to wait");
    assert_eq!(server.requests().len(), 1);
    let api = err.as_api_error().expect("api error");
    assert_eq!(api.retry_after(), Some(Duration::from_secs(20)));
}

#[tokio::test]
async fn post_is_not_retried_by_default() {
    let server = ScriptedServer::start(vec![Reply::status(503), Reply::json(201, json!({}))]);
    let client = builder(&server).build().expect("client");
    let err = create(&client).await.expect_err("not retried");
    assert_eq!(server.requests().len(), 1);
    assert_eq!(err.attempts(), Some(1));
}

#[tokio::test]
async fn post_is_retried_when_the_caller_opts_in() {
    let server =
        ScriptedServer::start(vec![Reply::status(503), Reply::json(201, json!({"id": 1}))]);
    let client = builder(&server).build().expect("client");
    let opted = client.with_options(CallOptions::new().retry_non_idempotent(true));
    assert_eq!(create(&opted).await.expect("retried"), json!({"id": 1}));
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn post_is_not_retried_after_a_reset_but_get_is() {
    let server = ScriptedServer::start(vec![Reply::reset(), Reply::json(201, json!({}))]);
    let client = builder(&server).build().expect("client");
    let err = create(&client).await.expect_err("reset");
    assert!(
        matches!(err, Error::Transport { attempts: 1, .. }),
        "{err:?}"
    );
    assert_eq!(server.requests().len(), 1);

    let server = ScriptedServer::start(vec![Reply::reset(), Reply::json(200, json!({"ok": 1}))]);
    let client = builder(&server).build().expect("client");
    assert_eq!(
        get_id(&client, "1").await.expect("retried"),
        json!({"ok": 1})
    );
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn a_post_whose_success_answer_cannot_be_decoded_is_never_sent_again() {
    // Even with POST retries on: the 2xx says the server did it; a second POST could do it twice.
    let server = ScriptedServer::start(vec![
        Reply::text(201, "<html>created</html>"),
        Reply::json(201, json!({"id": 2})),
    ]);
    let client = builder(&server).build().expect("client");
    let opted = client.with_options(CallOptions::new().retry_non_idempotent(true));
    let err = create(&opted).await.expect_err("undecodable");
    assert!(matches!(err, Error::Decode(_)), "{err:?}");
    assert!(err.request_accepted());
    assert_eq!(err.status().map(|s| s.as_u16()), Some(201));
    let text = err.to_string();
    assert!(
        text.contains("the server accepted the request (HTTP 201)"),
        "{text}"
    );
    assert!(text.contains("not sent again"), "{text}");
    assert_eq!(server.requests().len(), 1, "sent once");
}

#[test]
fn a_post_whose_success_answer_cannot_be_decoded_is_never_sent_again_blocking() {
    let server = ScriptedServer::start(vec![
        Reply::text(200, "{\"id\": "),
        Reply::json(200, json!({"id": 2})),
    ]);
    let blocking = builder(&server)
        .build_blocking()
        .expect("blocking client")
        .with_options(CallOptions::new().retry_non_idempotent(true));
    let request = create_thing(json!({"name": "x"}));
    let err = blocking.send::<Value>(request).expect_err("undecodable");
    assert!(err.request_accepted(), "{err:?}");
    assert_eq!(server.requests().len(), 1, "sent once");
}

#[tokio::test]
async fn a_post_whose_success_answer_breaks_off_is_never_sent_again() {
    let body = json!({"id": 1, "name": "a long enough name"}).to_string();
    let server = ScriptedServer::start(vec![
        Reply::text(201, body).truncate(10),
        Reply::json(201, json!({"id": 2})),
    ]);
    let client = builder(&server).build().expect("client");
    let opted = client.with_options(CallOptions::new().retry_non_idempotent(true));
    let err = create(&opted).await.expect_err("cut short");
    assert!(
        matches!(err, Error::AnswerLost { attempts: 1, .. }),
        "{err:?}"
    );
    assert!(err.request_accepted());
    assert!(!err.is_retryable());
    assert!(
        err.to_string()
            .contains("the server accepted the request (HTTP 201)"),
        "{err}"
    );
    assert_eq!(server.requests().len(), 1, "sent once");
}

/// A 201 to a POST whose body passes `max_response_bytes`: the server accepted the request,
/// so the error says so (`request_accepted()`, the status), as `Decode` and `AnswerLost` do;
/// a caller following errors.md ("check the server's state before sending it again
/// yourself") would otherwise send the POST again and create the thing twice.
#[tokio::test]
async fn a_post_accepted_with_an_oversized_answer_says_it_was_accepted() {
    let server = ScriptedServer::start(vec![
        Reply::generated(201, 2 * 1024 * 1024).header("content-type", "application/json")
    ]);
    let client = builder(&server)
        .max_response_bytes(1024 * 1024)
        .build()
        .expect("client");
    let err = create(&client).await.expect_err("too large");
    assert!(matches!(err, Error::ResponseTooLarge { .. }), "{err:?}");
    assert_eq!(server.requests().len(), 1);
    assert!(
        err.request_accepted(),
        "a 201 was received, yet request_accepted() is false: {err}"
    );
    assert_eq!(err.status_code(), Some(201), "{err}");
    assert!(!err.is_retryable());
    assert!(
        err.to_string()
            .contains("the server accepted the request (HTTP 201)"),
        "{err}"
    );
}

/// The same through the blocking client, chunked (no declared length).
#[test]
fn a_post_accepted_with_an_oversized_chunked_answer_says_it_was_accepted_blocking() {
    let server = ScriptedServer::start(vec![Reply::generated(201, 2 * 1024 * 1024).chunked()]);
    let client = builder(&server)
        .max_response_bytes(1024 * 1024)
        .build_blocking()
        .expect("client");
    let err = client
        .send::<Value>(create_thing(json!({"name": "x"})))
        .expect_err("too large");
    assert!(matches!(err, Error::ResponseTooLarge { .. }), "{err:?}");
    assert!(
        err.request_accepted(),
        "a 201 was received, yet request_accepted() is false: {err}"
    );
    assert_eq!(err.status_code(), Some(201), "{err}");
}

/// A POST answered 201 whose body is dripped past the timeout: the server accepted it (a 2xx
/// answer that did not arrive whole, as when it breaks off), so it is `AnswerLost`, never
/// sent again, and a timeout too.
#[tokio::test]
async fn a_post_accepted_whose_answer_stalls_past_the_timeout_says_it_was_accepted() {
    let server = ScriptedServer::start(vec![
        Reply::json(201, json!({"id": 1, "name": "x"})).drip(1, Duration::from_millis(200))
    ]);
    let client = builder(&server)
        .timeout(Duration::from_millis(800))
        .build()
        .expect("client");
    let opted = client.with_options(CallOptions::new().retry_non_idempotent(true));
    let err = create(&opted).await.expect_err("timeout");
    assert!(err.is_timeout(), "{err:?}");
    assert_eq!(server.requests().len(), 1);
    assert!(
        err.request_accepted(),
        "the 201 head arrived before the timeout, yet request_accepted() is false: {err}"
    );
    assert!(
        matches!(err, Error::AnswerLost { attempts: 1, .. }),
        "{err:?}"
    );
    assert_eq!(err.status_code(), Some(201), "{err}");
    assert!(!err.is_retryable());
}

/// `PUT /api/things/1` with a small body.
fn put_thing() -> mutagent_core::ApiRequest {
    PUT_THING
        .request()
        .path_param("id", 1)
        .json(&json!({"name": "x"}))
        .build()
        .expect("request")
}

/// A 2xx answer whose body breaks off after a few bytes.
fn accepted_then_cut() -> Reply {
    Reply::json(200, json!({"id": 1, "name": "a long enough name"})).truncate(10)
}

/// A GET whose 200 breaks off every time: retried (sending it again is harmless), and once the
/// retries are spent the error says what the last answer said, that the server accepted the
/// request (before: `Transport`, `request_accepted()` false, as if no 2xx had come).
#[tokio::test]
async fn a_get_whose_2xx_answer_breaks_off_each_time_is_retried_then_said_accepted() {
    let server = ScriptedServer::start(vec![accepted_then_cut()]);
    let client = builder(&server).build().expect("client");
    let err = get_id(&client, "1").await.expect_err("cut short");
    assert_eq!(server.requests().len(), 4, "retried: {err:?}");
    assert!(
        matches!(err, Error::AnswerLost { attempts: 4, .. }),
        "{err:?}"
    );
    assert!(err.request_accepted(), "{err:?}");
    assert_eq!(err.status_code(), Some(200));
    assert!(!err.is_timeout());
    assert!(
        err.to_string()
            .contains("the server accepted the request (HTTP 200)"),
        "{err}"
    );

    // One lost answer, then a whole one: the retry makes the call succeed.
    let server = ScriptedServer::start(vec![
        accepted_then_cut(),
        Reply::json(200, json!({"ok": 1})),
    ]);
    let client = builder(&server).build().expect("client");
    assert_eq!(
        get_id(&client, "1").await.expect("retried"),
        json!({"ok": 1})
    );
    assert_eq!(server.requests().len(), 2);
}

/// A PUT whose 2xx answer broke off is not sent again: it took effect, and a second PUT failing
/// another way would hide that (its error would say nothing was accepted). Blocking client.
#[test]
fn a_put_whose_2xx_answer_breaks_off_is_not_sent_again_blocking() {
    let server = ScriptedServer::start(vec![accepted_then_cut(), Reply::json(503, json!({}))]);
    let client = builder(&server).build_blocking().expect("client");
    let err = client.send::<Value>(put_thing()).expect_err("cut short");
    assert_eq!(server.requests().len(), 1, "not sent again: {err:?}");
    assert!(
        matches!(err, Error::AnswerLost { attempts: 1, .. }),
        "{err:?}"
    );
    assert!(err.request_accepted(), "{err:?}");
}

/// A GET whose 200 head came but whose body was still arriving at the timeout: the server
/// answered 2xx, so the error says so and is a timeout too (before: a plain `Timeout` with
/// `request_accepted()` false). Async and blocking.
#[test]
fn a_get_whose_2xx_answer_stalls_past_the_timeout_is_said_accepted() {
    let stalled =
        || Reply::json(200, json!({"id": 1, "name": "x"})).drip(1, Duration::from_millis(200));
    let check = |err: &Error, server: &ScriptedServer| {
        assert!(err.is_timeout(), "{err:?}");
        assert!(err.request_accepted(), "{err:?}");
        assert!(
            matches!(err, Error::AnswerLost { attempts: 1, .. }),
            "{err:?}"
        );
        assert_eq!(err.status_code(), Some(200), "{err}");
        assert_eq!(server.requests().len(), 1);
    };
    let server = ScriptedServer::start(vec![stalled()]);
    let client = builder(&server)
        .timeout(Duration::from_millis(600))
        .build()
        .expect("client");
    let runtime = current_thread_runtime();
    let err = runtime.block_on(get_id(&client, "1")).expect_err("timeout");
    check(&err, &server);

    let server = ScriptedServer::start(vec![stalled()]);
    let client = builder(&server)
        .timeout(Duration::from_millis(600))
        .build_blocking()
        .expect("client");
    let err = client.send::<Value>(get_thing()).expect_err("timeout");
    check(&err, &server);
}

/// A DELETE whose 200 breaks off has done its work: it is not sent again (before, it was, and
/// the second DELETE's 404 was the error, which reads as "it did not exist"). It ends as
/// `AnswerLost`, saying the server accepted it. Async and blocking.
#[test]
fn a_delete_whose_2xx_answer_breaks_off_is_not_retried_into_a_404() {
    let replies = || {
        vec![
            accepted_then_cut(),
            Reply::json(404, json!({"error": "not_found", "message": "no thing 3"})),
        ]
    };
    let delete = || {
        DELETE_THING
            .request()
            .path_param("id", 3)
            .build()
            .expect("request")
    };
    let check = |err: &Error, server: &ScriptedServer| {
        assert!(
            matches!(err, Error::AnswerLost { attempts: 1, .. }),
            "{err:?}"
        );
        assert!(err.request_accepted() && !err.is_not_found(), "{err:?}");
        assert_eq!(err.status_code(), Some(200));
        assert_eq!(server.requests().len(), 1, "sent once: {err:?}");
    };
    let server = ScriptedServer::start(replies());
    let client = builder(&server).build().expect("client");
    let runtime = current_thread_runtime();
    let err = runtime
        .block_on(client.send::<Value>(delete()))
        .expect_err("cut short");
    check(&err, &server);

    let server = ScriptedServer::start(replies());
    let client = builder(&server).build_blocking().expect("client");
    let err = client.send::<Value>(delete()).expect_err("cut short");
    check(&err, &server);
}

/// errors.md: `attempts()` is "how many attempts were made, retries included". Two 503s then
/// a 200 that does not decode: three attempts.
#[tokio::test]
async fn a_decode_error_after_retries_reports_its_attempts() {
    let server = ScriptedServer::start(vec![
        Reply::status(503),
        Reply::status(503),
        Reply::json(200, json!({"id": "not a number", "name": "x"})),
    ]);
    let client = builder(&server).build().expect("client");
    let err = client.send::<Thing>(get_thing()).await.expect_err("decode");
    assert!(matches!(err, Error::Decode(_)), "{err:?}");
    assert_eq!(server.requests().len(), 3);
    assert_eq!(err.attempts(), Some(3), "{err}");
}

/// The same for a body too large after retries: the call was sent three times.
#[tokio::test]
async fn a_response_too_large_after_retries_reports_its_attempts() {
    let server = ScriptedServer::start(vec![
        Reply::status(503),
        Reply::status(503),
        Reply::generated(200, 2 * 1024 * 1024),
    ]);
    let client = builder(&server)
        .max_response_bytes(1024 * 1024)
        .build()
        .expect("client");
    let err = get_id(&client, "1").await.expect_err("too large");
    assert!(matches!(err, Error::ResponseTooLarge { .. }), "{err:?}");
    assert_eq!(server.requests().len(), 3);
    assert_eq!(err.attempts(), Some(3), "{err}");
    assert!(err.to_string().contains("(3 attempt(s))"), "{err}");
}

/// errors.md: `request_id()` is "the server's `x-request-id` … for a support ticket". A POST
/// answered 201 with `x-request-id` whose body breaks off (`AnswerLost`, where a support
/// ticket matters most: "did you store it?") keeps the id its head carried, scrubbed of the
/// key like any request id.
#[tokio::test]
async fn an_answer_lost_keeps_the_request_id_of_its_head() {
    let lost = |request_id: &str| {
        Reply::json(201, json!({"id": 1, "name": "xxxxxxxxxxxx"}))
            .header("x-request-id", request_id)
            .truncate(5)
    };
    let server = ScriptedServer::start(vec![lost("req_lost_1")]);
    let client = builder(&server).build().expect("client");
    let err = create(&client).await.expect_err("broke off");
    assert!(matches!(err, Error::AnswerLost { .. }), "{err:?}");
    assert_eq!(err.request_id(), Some("req_lost_1"), "{err:?}");
    assert!(err.to_string().contains("(request id req_lost_1)"), "{err}");

    let server = ScriptedServer::start(vec![lost(&format!("req-{KEY}"))]);
    let client = builder(&server).build().expect("client");
    let err = create(&client).await.expect_err("broke off");
    assert_eq!(err.request_id(), Some("req-[redacted]"), "{err:?}");
    assert!(!format!("{err}{err:?}{err:#?}").contains(KEY));
}

#[tokio::test]
async fn connection_refused_is_retried_even_for_post() {
    let client = nobody_listening()
        .retry_policy(fast_retries())
        .build()
        .expect("client");
    let err = create(&client).await.expect_err("refused");
    assert!(matches!(err, Error::Connect { attempts: 4, .. }), "{err:?}");
    assert!(err.is_retryable());
}

#[tokio::test]
async fn disabled_retries_send_once() {
    let server = ScriptedServer::start(vec![Reply::status(503)]);
    let client = builder(&server)
        .retry_policy(RetryPolicy::disabled())
        .build()
        .expect("client");
    let _ = get_id(&client, "1").await.expect_err("503");
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn a_stalled_server_times_out_near_the_configured_time() {
    let server = ScriptedServer::start(vec![
        Reply::json(200, json!({})).delay(Duration::from_secs(10))
    ]);
    let client = builder(&server)
        .timeout(Duration::from_millis(300))
        .build()
        .expect("client");
    let started = Instant::now();
    let err = get_id(&client, "1").await.expect_err("stalled");
    let elapsed = started.elapsed();
    assert!(err.is_timeout(), "{err:?}");
    assert!(elapsed >= Duration::from_millis(300), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(5), "{elapsed:?}");
}

#[tokio::test]
async fn a_body_dripped_slower_than_the_timeout_times_out() {
    let body = "x".repeat(200);
    let server = ScriptedServer::start(vec![
        Reply::text(200, body).drip(10, Duration::from_millis(100))
    ]);
    let client = builder(&server)
        .timeout(Duration::from_millis(500))
        .build()
        .expect("client");
    let err = get_id(&client, "1").await.expect_err("drip");
    assert!(err.is_timeout(), "{err:?}");
}

#[tokio::test]
async fn per_call_timeout_overrides_the_client() {
    let server = ScriptedServer::start(vec![
        Reply::json(200, json!({})).delay(Duration::from_secs(10))
    ]);
    let client = builder(&server).build().expect("client");
    let quick = client.with_options(CallOptions::new().timeout(Duration::from_millis(200)));
    let err = get_id(&quick, "1").await.expect_err("timeout");
    assert!(matches!(err, Error::Timeout { timeout, .. } if timeout == Duration::from_millis(200)));
}

#[tokio::test]
async fn bodies_over_the_limit_are_refused() {
    let server = ScriptedServer::start(vec![Reply::text(200, vec![b'x'; 4096])]);
    let client = builder(&server)
        .max_response_bytes(1024)
        .build()
        .expect("client");
    let err = get_id(&client, "1").await.expect_err("too large");
    assert!(
        matches!(err, Error::ResponseTooLarge { limit: 1024, .. }),
        "{err:?}"
    );
}

#[tokio::test]
async fn headers_carry_key_scope_and_user_agent() {
    let server = ScriptedServer::start(vec![Reply::json(200, json!({}))]);
    let client = builder(&server)
        .workspace_id("ws_1")
        .organization_id("org_1")
        .build()
        .expect("client");
    get_id(&client, "1").await.expect("ok");
    let request = server.single_request();
    assert_eq!(request.header("x-api-key"), Some(KEY));
    assert_eq!(request.header("x-workspace-id"), Some("ws_1"));
    assert_eq!(request.header("x-organization-id"), Some("org_1"));
    assert_eq!(request.header("accept"), Some("application/json"));
    assert!(request
        .header("user-agent")
        .is_some_and(|ua| ua.starts_with("mutagent-rs/")));

    let server = ScriptedServer::start(vec![Reply::json(
        401,
        json!({"error": "unauthorized", "message": "no key"}),
    )]);
    let anonymous = mutagent_core::ClientBuilder::new()
        .env(mutagent_core::env::EmptyEnv)
        .server_url(server.url())
        .build()
        .expect("client");
    let err = get_id(&anonymous, "1").await.expect_err("401");
    assert_eq!(server.single_request().header("x-api-key"), None);
    assert_eq!(
        err.as_api_error().and_then(|e| e.code()),
        Some("unauthorized")
    );
}

#[tokio::test]
async fn a_path_prefix_is_kept_and_ids_are_encoded() {
    let server = ScriptedServer::start(vec![Reply::json(200, json!({}))]);
    let client = builder(&server)
        .server_url(format!("{}/gateway/", server.url()))
        .build()
        .expect("client");
    get_id(&client, "a/b?c#d").await.expect("ok");
    assert_eq!(
        server.single_request().path,
        "/gateway/api/things/a%2Fb%3Fc%23d"
    );
}

#[tokio::test]
async fn redirects_are_not_followed() {
    let server = ScriptedServer::start(vec![
        Reply::status(302).header("location", "http://evil.example/steal")
    ]);
    let client = builder(&server).build().expect("client");
    let err = get_id(&client, "1").await.expect_err("302 is an error");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(302));
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn errors_carry_request_ids_and_html_snippets() {
    let server = ScriptedServer::start(vec![
        Reply::text(404, "<html><h1>Not Found</h1></html>").header("x-request-id", "req_77")
    ]);
    let client = builder(&server).build().expect("client");
    let err = get_id(&client, "1").await.expect_err("404");
    assert_eq!(err.request_id(), Some("req_77"));
    assert!(err.is_not_found());
    let api = err.as_api_error().expect("api");
    assert!(api.body_snippet().contains("Not Found"));

    let server = ScriptedServer::start(vec![Reply::text(200, "<html>proxy login</html>")]);
    let client = builder(&server).build().expect("client");
    let err = get_id(&client, "1").await.expect_err("html on 200");
    let Error::Decode(decode) = &err else {
        panic!("expected a decode error, got {err:?}")
    };
    assert!(decode.body_snippet().contains("proxy login"));
}

#[tokio::test]
async fn invalid_path_values_are_refused_before_sending() {
    let server = ScriptedServer::start(vec![Reply::json(200, json!({}))]);
    let client = builder(&server).build().expect("client");
    for bad in ["", ".", ".."] {
        let err = get_id(&client, bad).await.expect_err("refused");
        assert!(matches!(err, Error::InvalidInput { .. }), "{err:?}");
    }
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn delete_answering_204_decodes_as_null() {
    let server = ScriptedServer::start(vec![Reply::status(204)]);
    let client = builder(&server).build().expect("client");
    let request = DELETE_THING
        .request()
        .path_param("id", 3)
        .build()
        .expect("build");
    let value: Value = client.send(request).await.expect("204");
    assert!(value.is_null());
}

#[tokio::test]
async fn requests_in_flight_are_capped_per_client() {
    let server = ScriptedServer::start(vec![
        Reply::json(200, json!({})).delay(Duration::from_millis(50))
    ]);
    let client = builder(&server)
        .max_concurrent_requests(3)
        .build()
        .expect("client");
    let calls: Vec<_> = (0..12)
        .map(|n| tokio::spawn(get_id(&client, &n.to_string())))
        .collect();
    for call in calls {
        call.await.expect("task").expect("call");
    }
    assert_eq!(server.requests().len(), 12);
    assert!(
        server.connections() <= 3,
        "opened {} connections",
        server.connections()
    );
}

/// `usize::MAX` in-flight requests means no practical cap (tokio's semaphore refuses, with a
/// panic, more than `usize::MAX >> 3` permits).
#[tokio::test]
async fn an_unlimited_request_cap_never_panics() {
    let server = ScriptedServer::start(vec![Reply::json(200, json!({"ok": true}))]);
    let client = builder(&server)
        .max_concurrent_requests(usize::MAX)
        .build()
        .expect("client");
    assert_eq!(
        get_id(&client, "1").await.expect("call"),
        json!({"ok": true})
    );
}

#[tokio::test]
async fn huge_timeouts_and_waits_never_panic() {
    let server = ScriptedServer::start(vec![
        Reply::status(503).header("retry-after", "1"),
        Reply::json(200, json!({"ok": true})),
    ]);
    let client = builder(&server)
        .timeout(Duration::MAX)
        .retry_policy(fast_retries().max_retry_after(Duration::MAX))
        .build()
        .expect("client");
    assert_eq!(
        get_id(&client, "1").await.expect("retried"),
        json!({"ok": true})
    );
}

/// A zero timeout given to one call is refused before anything is sent, as the builder refuses
/// one for the client (review): sent, the POST reached the server and the caller got a timeout
/// that did not say so.
#[tokio::test]
async fn a_zero_per_call_timeout_is_refused_before_sending() {
    let server = ScriptedServer::start(vec![Reply::json(200, json!({"created": true}))]);
    let client = builder(&server).build().expect("client");
    let view = client.with_options(CallOptions::new().timeout(Duration::ZERO));
    let err = view
        .send::<Value>(create_thing(json!({"n": 1})))
        .await
        .expect_err("refused");
    assert!(
        matches!(&err, Error::InvalidInput { field, .. } if field == "timeout"),
        "{err:?}"
    );
    assert!(server.requests().is_empty(), "nothing may be sent");
}

// ---------------------------------------------------------------------------------------------
// What `attempts()` counts: requests sent, not turns of the loop

/// A token provider slower than the call's timeout: the timeout passed before anything was
/// sent, and the error says so (`attempts()` is `None`, as for every error of a call that sent
/// nothing; before, `Some(1)`). Async and blocking.
#[test]
fn a_timeout_waiting_for_the_token_provider_says_nothing_was_sent() {
    let slow_provider = || async {
        tokio::time::sleep(Duration::from_secs(5)).await;
        Ok::<_, std::io::Error>("token-late".to_owned())
    };
    let check = |err: &Error, server: &ScriptedServer| {
        assert!(matches!(err, Error::Timeout { attempts: 0, .. }), "{err:?}");
        assert_eq!(err.attempts(), None, "{err:?}");
        assert!(err.is_timeout() && !err.request_accepted(), "{err:?}");
        assert!(
            err.to_string().contains("before anything was sent"),
            "{err}"
        );
        assert!(server.requests().is_empty());
    };
    let builder = |server: &ScriptedServer| {
        mutagent_core::ClientBuilder::new()
            .env(mutagent_core::env::EmptyEnv)
            .server_url(server.url())
            .token_provider(slow_provider)
            .timeout(Duration::from_millis(300))
    };
    let server = ScriptedServer::start(vec![Reply::json(200, json!({}))]);
    let client = builder(&server).build().expect("client");
    let runtime = current_thread_runtime();
    let err = runtime.block_on(get_id(&client, "1")).expect_err("timeout");
    check(&err, &server);

    let server = ScriptedServer::start(vec![Reply::json(200, json!({}))]);
    let client = builder(&server).build_blocking().expect("client");
    let err = client.send::<Value>(get_thing()).expect_err("timeout");
    check(&err, &server);
}

/// A 401, then a token provider that stalls on the fresh token: one request was sent, and the
/// timeout says one attempt (before, two: the turn of the loop that never sent counted).
#[tokio::test]
async fn a_timeout_asking_for_a_fresh_token_counts_only_the_attempt_sent() {
    let asked = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = std::sync::Arc::clone(&asked);
    let provider = move || {
        let call = counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        async move {
            if call > 0 {
                tokio::time::sleep(Duration::from_secs(5)).await;
            }
            Ok::<_, std::io::Error>(format!("token-{call}"))
        }
    };
    let server = ScriptedServer::start(vec![Reply::json(
        401,
        json!({"error": "unauthorized", "message": "expired"}),
    )]);
    let client = mutagent_core::ClientBuilder::new()
        .env(mutagent_core::env::EmptyEnv)
        .server_url(server.url())
        .token_provider(provider)
        .timeout(Duration::from_millis(400))
        .build()
        .expect("client");
    let err = get_id(&client, "1").await.expect_err("timeout");
    assert!(err.is_timeout(), "{err:?}");
    assert_eq!(server.requests().len(), 1);
    assert_eq!(err.attempts(), Some(1), "{err:?}");
    assert!(err.to_string().contains("(1 attempt(s))"), "{err}");
}

/// Waits until `server` has received `count` requests (the call holding the only slot has sent
/// its own), at most 10 s.
fn wait_for_requests(server: &ScriptedServer, count: usize) {
    let started = Instant::now();
    while server.requests().len() < count {
        assert!(started.elapsed() < Duration::from_secs(10), "never sent");
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Every in-flight slot taken (`max_concurrent_requests(1)`, a call holding it) and a second
/// call whose timeout passes while it waits for one: nothing of it was sent, and the error
/// says so (before, `attempts()` was `Some(1)`). Async and blocking.
#[test]
fn a_timeout_waiting_for_an_in_flight_slot_says_nothing_was_sent() {
    let server = ScriptedServer::start(vec![
        Reply::json(200, json!({"slow": true})).delay(Duration::from_millis(1500))
    ]);
    let quick = CallOptions::new().timeout(Duration::from_millis(300));
    let check = |err: &Error| {
        assert!(matches!(err, Error::Timeout { attempts: 0, .. }), "{err:?}");
        assert_eq!(err.attempts(), None, "{err:?}");
        assert!(
            err.to_string().contains("before anything was sent"),
            "{err}"
        );
    };

    let client = builder(&server)
        .max_concurrent_requests(1)
        .build()
        .expect("client");
    let runtime = multi_thread_runtime();
    let holder = runtime.spawn(get_id(&client, "1"));
    wait_for_requests(&server, 1);
    let err = runtime
        .block_on(get_id(&client.with_options(quick.clone()), "2"))
        .expect_err("timeout");
    check(&err);
    runtime.block_on(holder).expect("task").expect("slow call");
    assert_eq!(server.requests().len(), 1, "the second call sent nothing");

    let client = builder(&server)
        .max_concurrent_requests(1)
        .build_blocking()
        .expect("client");
    let clone = client.clone();
    let holder = std::thread::spawn(move || clone.send::<Value>(get_thing()));
    wait_for_requests(&server, 2);
    let err = client
        .with_options(quick)
        .send::<Value>(get_thing())
        .expect_err("timeout");
    check(&err);
    holder.join().expect("thread").expect("slow call");
    assert_eq!(server.requests().len(), 2, "the second call sent nothing");
}

/// What an accepted-but-lost answer says about sending again is true however many attempts
/// came before it: after one attempt nothing was sent again; after retries (a GET whose
/// answers broke off, or refusals before an answer too large or undecodable) the earlier
/// attempts were, and only the last was not. Before, every case said "it was not sent again",
/// false when the GET had been sent four times. Async and blocking.
#[test]
fn an_accepted_answers_message_says_which_attempts_were_sent_again() {
    let runtime = current_thread_runtime();
    let retried = "(4 attempt(s)); earlier attempts were retried, the last one was not sent again";
    let check_retried = |err: &Error| {
        let text = err.to_string();
        assert!(text.contains(retried), "{text}");
        assert!(!text.contains("; it was not sent again"), "{text}");
        assert_eq!(text.matches("not sent again").count(), 1, "{text}");
    };
    let check_single = |err: &Error| {
        let text = err.to_string();
        assert!(
            text.contains("(1 attempt(s)); it was not sent again"),
            "{text}"
        );
        assert!(!text.contains("retried"), "{text}");
    };

    // The same request through the async client, then the blocking one, each against a
    // server whose accepted answer breaks off every time: the two errors.
    let cut_short_through_both = |request: fn() -> mutagent_core::ApiRequest| {
        let server = ScriptedServer::start(vec![accepted_then_cut()]);
        let client = builder(&server).build().expect("client");
        let async_err = runtime
            .block_on(client.send::<Value>(request()))
            .expect_err("cut short");
        let server = ScriptedServer::start(vec![accepted_then_cut()]);
        let blocking = builder(&server).build_blocking().expect("client");
        let blocking_err = blocking.send::<Value>(request()).expect_err("cut short");
        [async_err, blocking_err]
    };

    // A GET whose 200 breaks off four times.
    for err in cut_short_through_both(get_thing) {
        assert!(
            matches!(err, Error::AnswerLost { attempts: 4, .. }),
            "{err:?}"
        );
        check_retried(&err);
    }

    // A POST whose 201 breaks off: one attempt.
    for err in cut_short_through_both(|| create_thing(json!({"name": "x"}))) {
        assert!(
            matches!(err, Error::AnswerLost { attempts: 1, .. }),
            "{err:?}"
        );
        check_single(&err);
    }

    // Three refusals, then a 200 too large, or one that does not decode.
    let refused = || Reply::json(503, json!({}));
    let server = ScriptedServer::start(vec![
        refused(),
        refused(),
        refused(),
        Reply::generated(200, 4096).header("content-type", "application/json"),
    ]);
    let client = builder(&server)
        .max_response_bytes(1024)
        .build()
        .expect("client");
    let err = runtime
        .block_on(get_id(&client, "1"))
        .expect_err("too large");
    assert!(matches!(err, Error::ResponseTooLarge { .. }), "{err:?}");
    check_retried(&err);
    let server = ScriptedServer::start(vec![
        refused(),
        refused(),
        refused(),
        Reply::text(200, "<html>"),
    ]);
    let blocking = builder(&server).build_blocking().expect("client");
    let err = blocking
        .send::<Value>(get_thing())
        .expect_err("undecodable");
    assert!(matches!(err, Error::Decode(_)), "{err:?}");
    check_retried(&err);

    // An undecodable 200 at the first attempt.
    let server = ScriptedServer::start(vec![Reply::text(200, "<html>")]);
    let err = runtime
        .block_on(get_id(&builder(&server).build().expect("client"), "1"))
        .expect_err("undecodable");
    check_single(&err);
}
