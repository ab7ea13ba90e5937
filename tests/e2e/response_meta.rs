//! `with_response()` through namespace operations against the emulator, both clients: the
//! value comes with the answer's status and request id, and every operation works through it.

use mutagent::prelude::*;
use mutagent::prompt::{CreatePrompt, PromptContent};
use mutagent::{CallOptions, StatusCode};
use mutagent_e2e::{start, start_blocking};
use serde_json::json;

fn prompt(name: &str) -> CreatePrompt {
    CreatePrompt::new(name, PromptContent::raw("Hi {name}"), json!({}))
}

fn traced(id: &'static str) -> CallOptions {
    CallOptions::new().header(
        http::HeaderName::from_static("x-request-id"),
        http::HeaderValue::from_static(id),
    )
}

#[tokio::test]
async fn async_calls_answer_their_metadata() {
    let (_emu, client) = start().await;
    let (created, meta) = client
        .with_response()
        .prompt()
        .create_prompt(&prompt("meta"))
        .await
        .expect("create");
    assert_eq!(created.name, "meta");
    assert!(meta.status().is_success(), "{meta:?}");
    let emulator_id = meta.request_id().expect("the emulator names every answer");
    assert!(emulator_id.starts_with("req_"), "{emulator_id}");

    // The emulator answers with the id the request carried: it is this answer's.
    let (fetched, meta) = client
        .with_options(traced("req_from_the_test"))
        .with_response()
        .prompt()
        .get_prompt(created.id)
        .await
        .expect("get");
    assert_eq!(fetched.id, created.id);
    assert_eq!(meta.status(), StatusCode::OK);
    assert_eq!(meta.request_id(), Some("req_from_the_test"));
    assert_eq!(meta.header("content-type"), Some("application/json"));
}

#[test]
fn blocking_calls_answer_their_metadata() {
    let (_emu, client) = start_blocking();
    let (created, meta) = client
        .with_response()
        .prompt()
        .create_prompt(&prompt("meta_blocking"))
        .expect("create");
    assert!(meta.status().is_success());
    let (page, meta) = client
        .with_options(traced("req_blocking_list"))
        .with_response()
        .prompt()
        .list_prompts(&Default::default())
        .expect("list");
    assert!(page.data.iter().any(|p| p.id == created.id));
    assert_eq!(meta.request_id(), Some("req_blocking_list"));
    // A walk over every page is the same through the view (it has no single answer).
    let all: Vec<_> = client
        .with_response()
        .prompt()
        .list_prompts_all(&Default::default())
        .collect::<Result<_, _>>()
        .expect("walk");
    assert_eq!(all.len(), page.data.len());
}
