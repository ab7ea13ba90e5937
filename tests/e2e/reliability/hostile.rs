//! Hostile servers and proxies answering real namespace calls (`client.prompt()...`), async and
//! blocking: each gives the right typed error, or success where it should, never a panic.

use std::time::{Duration, Instant};

use mutagent::prelude::*;
use mutagent::prompt::{CreatePrompt, ListPrompts, PromptContent, Role};
use mutagent::{BlockingClient, Client, ClientBuilder, Error, RetryPolicy};
use mutagent_test_support::{Reply, ScriptedServer};
use serde_json::{json, Value};

const KEY: &str = "mt_reliability_key_5c1e";

fn builder(server: &ScriptedServer) -> ClientBuilder {
    Client::builder()
        .env(mutagent::env::EmptyEnv)
        .api_key(KEY)
        .server_url(server.url())
        .timeout(Duration::from_secs(10))
        .retry_policy(
            RetryPolicy::new()
                .initial_backoff(Duration::from_millis(10))
                .max_backoff(Duration::from_millis(40))
                .jitter(false),
        )
}

fn client(server: &ScriptedServer) -> Client {
    builder(server).build().expect("client")
}

fn blocking(server: &ScriptedServer) -> BlockingClient {
    builder(server).build_blocking().expect("blocking client")
}

pub(crate) fn prompt_json(id: i64) -> Value {
    json!({
        "id": id, "promptGroupId": "6f1c2d3e-0000-4000-8000-000000000001",
        "name": "greeter", "version": "1.0.0", "isLatest": true,
        "systemPrompt": "You are friendly.", "humanPrompt": "Greet {name}.",
        "inputSchema": {"type": "object"}, "metadata": {}, "createdAt": "2024-05-01T10:00:00Z"
    })
}

fn page(items: Vec<Value>) -> Value {
    let total = items.len();
    json!({"data": items, "total": total, "limit": 20, "offset": 0,
           "hasNext": false, "hasPrevious": false})
}

fn new_prompt() -> CreatePrompt {
    CreatePrompt::new(
        "greeter",
        PromptContent::chat("You are friendly.", "Greet {name}."),
        json!({"type": "object"}),
    )
}

#[tokio::test]
async fn an_html_502_from_a_proxy_is_an_api_error_after_retries() {
    let server = ScriptedServer::start(vec![Reply::text(
        502,
        "<html><body><h1>502 Bad Gateway</h1>nginx</body></html>",
    )
    .header("content-type", "text/html")]);
    let err = client(&server)
        .prompt()
        .list_prompts(&ListPrompts::new())
        .await
        .expect_err("502");
    let Error::Api(api) = &err else {
        panic!("expected Error::Api, got {err:?}")
    };
    assert_eq!(api.status().as_u16(), 502);
    assert_eq!(api.operation(), "list_prompts");
    assert!(api.body_snippet().contains("Bad Gateway"));
    assert_eq!(api.attempts(), 4);
    assert_eq!(server.requests().len(), 4);

    // The same answer to a POST: not retried.
    let server = ScriptedServer::start(vec![Reply::text(502, "<html>502</html>")]);
    let err = blocking(&server)
        .prompt()
        .create_prompt(&new_prompt())
        .expect_err("502");
    assert_eq!(err.status_code(), Some(502));
    assert_eq!(server.requests().len(), 1, "a POST is sent once");
}

#[tokio::test]
async fn an_html_200_from_a_captive_portal_is_a_decode_error() {
    let server = ScriptedServer::start(vec![Reply::text(
        200,
        "<!doctype html><title>Log in to the hotel Wi-Fi</title>",
    )]);
    let err = client(&server)
        .prompt()
        .get_prompt(7)
        .await
        .expect_err("html");
    let Error::Decode(decode) = &err else {
        panic!("expected Error::Decode, got {err:?}")
    };
    assert_eq!(decode.operation(), "get_prompt");
    assert!(decode.body_snippet().contains("hotel Wi-Fi"));
}

#[test]
fn json_of_the_wrong_types_is_a_decode_error_naming_the_field() {
    let mut wrong_id = prompt_json(1);
    wrong_id["id"] = json!("one");
    let mut wrong_latest = prompt_json(1);
    wrong_latest["isLatest"] = json!("yes");
    let wrong_page = json!({"data": [prompt_json(1), {"id": 2}], "total": "many"});
    let server = ScriptedServer::start(vec![
        Reply::json(200, wrong_id),
        Reply::json(200, wrong_latest),
        Reply::json(200, wrong_page),
        Reply::json(200, json!([1, 2, 3])),
    ]);
    let client = blocking(&server);
    let errors = vec![
        client.prompt().get_prompt(1).expect_err("wrong id"),
        client.prompt().get_prompt(1).expect_err("wrong isLatest"),
        client
            .prompt()
            .list_prompts(&ListPrompts::new())
            .expect_err("wrong page"),
        client.prompt().get_prompt(1).expect_err("array"),
    ];
    let paths: Vec<String> = errors
        .into_iter()
        .map(|err| match err {
            Error::Decode(decode) => decode.path().to_owned(),
            other => panic!("expected Error::Decode, got {other:?}"),
        })
        .collect();
    assert_eq!(paths[0], "id");
    assert_eq!(paths[1], "isLatest");
    assert!(paths[2].starts_with("data[1]"), "{}", paths[2]);
    // serde reads a struct from an array by position: `1` is the id, `2` no group id.
    assert_eq!(paths[3], "[1]");
}

#[tokio::test]
async fn extra_fields_and_unknown_enum_values_decode() {
    let mut prompt = prompt_json(3);
    prompt["brandNewField"] = json!({"nested": [1, 2]});
    prompt["messages"] = json!([
        {"role": "system", "content": "Be brief.", "extra": true},
        {"role": "tool-of-the-future", "content": "?"}
    ]);
    let mut listed = page(vec![prompt.clone()]);
    listed["nextCursor"] = json!("abc");
    let server = ScriptedServer::start(vec![Reply::json(200, prompt), Reply::json(200, listed)]);
    let client = client(&server);
    let got = client.prompt().get_prompt(3).await.expect("decodes");
    let messages = got.messages.expect("messages");
    assert_eq!(messages[0].role, Role::System);
    assert!(
        matches!(&messages[1].role, Role::Unknown(value) if value == "tool-of-the-future"),
        "{:?}",
        messages[1].role
    );
    let page = client
        .prompt()
        .list_prompts(&ListPrompts::new())
        .await
        .expect("decodes");
    assert_eq!(page.data.len(), 1);
}

/// A 200 whose body is cut short, each time: retried (a GET), then `AnswerLost`, which says the
/// server accepted the request.
#[tokio::test]
async fn a_body_cut_short_after_a_2xx_is_an_answer_lost() {
    let body = page(vec![prompt_json(1), prompt_json(2)]).to_string();
    let server = ScriptedServer::start(vec![Reply::text(200, body).truncate(40)]);
    let err = client(&server)
        .prompt()
        .list_prompts(&ListPrompts::new())
        .await
        .expect_err("cut");
    assert!(
        matches!(err, Error::AnswerLost { attempts: 4, .. }),
        "{err:?}"
    );
    assert!(err.request_accepted());
}

#[tokio::test]
async fn a_body_over_the_limit_without_a_length_is_cut_at_the_limit() {
    let server = ScriptedServer::start(vec![Reply::generated(200, 1 << 30).chunked()]);
    let client = builder(&server)
        .max_response_bytes(256 * 1024)
        .build()
        .expect("client");
    let started = Instant::now();
    let err = client
        .prompt()
        .list_prompts(&ListPrompts::new())
        .await
        .expect_err("too large");
    assert!(
        matches!(
            err,
            Error::ResponseTooLarge {
                limit: 262_144,
                operation: "list_prompts",
                ..
            }
        ),
        "{err:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(10));
    std::thread::sleep(Duration::from_millis(200));
    assert!(
        server.body_bytes_sent() < 64 << 20,
        "{}",
        server.body_bytes_sent()
    );
}

#[test]
fn a_body_dripped_slower_than_the_timeout_times_out() {
    let body = page(vec![prompt_json(1)]).to_string();
    let server = ScriptedServer::start(vec![Reply::text(200, body)
        .chunked()
        .drip(4, Duration::from_millis(50))]);
    let client = builder(&server)
        .timeout(Duration::from_millis(500))
        .build_blocking()
        .expect("client");
    let started = Instant::now();
    let err = client
        .prompt()
        .list_prompts(&ListPrompts::new())
        .expect_err("drip");
    assert!(err.is_timeout(), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn a_reset_before_the_headers_is_a_transport_error_and_a_post_is_not_resent() {
    let server = ScriptedServer::start(vec![Reply::reset()]);
    let client = client(&server);
    let err = client.prompt().get_prompt(1).await.expect_err("reset");
    assert!(
        matches!(err, Error::Transport { attempts: 4, .. }),
        "{err:?}"
    );
    let before = server.requests().len();
    let err = client
        .prompt()
        .create_prompt(&new_prompt())
        .await
        .expect_err("reset");
    assert!(
        matches!(err, Error::Transport { attempts: 1, .. }),
        "{err:?}"
    );
    assert_eq!(server.requests().len(), before + 1);
}

#[tokio::test]
async fn invalid_utf8_is_a_decode_error() {
    let mut body = br#"{"id":1,"promptGroupId":"g","name":""#.to_vec();
    body.extend_from_slice(&[0xc3, 0x28, 0xff]);
    body.extend_from_slice(br#"","version":"1","isLatest":true}"#);
    let server = ScriptedServer::start(vec![Reply::text(200, body)]);
    let err = client(&server)
        .prompt()
        .get_prompt(1)
        .await
        .expect_err("utf-8");
    assert!(matches!(err, Error::Decode(_)), "{err:?}");
}

#[tokio::test]
async fn a_redirect_to_another_host_is_not_followed_and_the_key_is_not_sent_there() {
    let elsewhere = ScriptedServer::start(vec![Reply::json(200, prompt_json(1))]);
    let location = format!("{}/api/prompt/1", elsewhere.url());
    let server = ScriptedServer::start(vec![
        Reply::status(302).header("location", &location),
        Reply::status(307).header("location", &location),
        Reply::status(308).header("location", &location),
    ]);
    let client = client(&server);
    let get = client.prompt().get_prompt(1).await.expect_err("302");
    let post = client
        .prompt()
        .create_prompt(&new_prompt())
        .await
        .expect_err("307");
    let blocking = builder(&server).build_blocking().expect("client");
    let list = blocking
        .prompt()
        .list_prompts(&ListPrompts::new())
        .expect_err("308");
    let statuses: Vec<u16> = [get, post, list]
        .iter()
        .map(|err| match err {
            Error::Api(api) => api.status().as_u16(),
            other => panic!("expected Error::Api, got {other:?}"),
        })
        .collect();
    assert_eq!(statuses, [302, 307, 308]);
    assert_eq!(server.requests().len(), 3);
    assert!(
        elsewhere.requests().is_empty(),
        "{:?}",
        elsewhere.requests()
    );
    assert_eq!(elsewhere.connections(), 0);
}

#[tokio::test]
async fn thousands_of_headers_are_a_transport_error() {
    let server =
        ScriptedServer::start(vec![Reply::json(200, prompt_json(1)).filler_headers(3_000)]);
    let err = client(&server)
        .prompt()
        .get_prompt(1)
        .await
        .expect_err("headers");
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    // A normal number of extra headers is fine.
    let server = ScriptedServer::start(vec![Reply::json(200, prompt_json(1)).filler_headers(40)]);
    let got = client(&server).prompt().get_prompt(1).await.expect("ok");
    assert_eq!(got.name, "greeter");
}
