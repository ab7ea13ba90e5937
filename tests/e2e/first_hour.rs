//! What a newcomer does in the first hour: the emulator started the async way inside a
//! `#[tokio::test]` and then used with the blocking client.

use mutagent::prelude::*;
use mutagent::prompt::{CreatePrompt, PromptContent};
use mutagent_e2e::{client_builder, emulator_builder, keyless_builder, Collection};
use serde_json::json;

/// `Emulator::start().await` in a single-threaded test runtime, then blocking calls on that
/// runtime's only thread: the emulator serves from its own thread, so they are answered (they
/// used to wait for the client's timeout and fail).
#[tokio::test(flavor = "current_thread")]
async fn async_started_emulator_answers_the_blocking_client() {
    let emu = emulator_builder().start().await.expect("emulator");
    let client = client_builder(&emu).build_blocking().expect("client");
    let created = client
        .prompt()
        .create_prompt(&CreatePrompt::new(
            "greeter",
            PromptContent::raw("Hi {name}"),
            json!({"type": "object"}),
        ))
        .expect("create");
    let page = client
        .prompt()
        .list_prompts(&Default::default())
        .expect("list");
    assert_eq!(page.total, 1);
    assert_eq!(page.data[0].id, created.id);
    assert_eq!(emu.count(Collection::Prompts), 1);
}

/// A 401 to a client that has no API key says so, and says how to set one.
#[tokio::test]
async fn unauthorized_without_a_key_says_how_to_configure_one() {
    let emu = emulator_builder().start().await.expect("emulator");
    let client = keyless_builder(&emu).build().expect("client");
    let err = client
        .prompt()
        .list_prompts(&Default::default())
        .await
        .expect_err("no key");
    assert_eq!(err.status_code(), Some(401));
    assert_eq!(err.status(), Some(mutagent::StatusCode::UNAUTHORIZED));
    let text = err.to_string();
    assert!(
        text.ends_with(
            "; no API key was configured: set the environment variable `MUTAGENT_API_KEY`, \
             or pass the key to the client builder with `.api_key(…)`"
        ),
        "{text}"
    );
    assert!(
        text.starts_with("[list_prompts] HTTP 401 Unauthorized: "),
        "{text}"
    );
    // `Debug`, what `fn main() -> Result<(), mutagent::Error>` prints, carries it too.
    assert_eq!(format!("{err:?}"), text);

    // With a key the server refuses, the hint points at the key instead.
    let client = client_builder(&emu)
        .api_key("mt_not_the_right_key")
        .build_blocking()
        .expect("client");
    let err = client
        .prompt()
        .list_prompts(&Default::default())
        .expect_err("wrong key");
    let text = err.to_string();
    assert!(
        text.ends_with(
            "; the server refused the configured API key: check the value of \
             `MUTAGENT_API_KEY` or of `.api_key(…)`, and that it belongs to this server"
        ),
        "{text}"
    );
    assert!(!text.contains("mt_not_the_right_key"), "{text}");
}

/// The most common wrong server URL, `…/api` (every operation path starts with `/api/`): its
/// 404 says so, through both clients; the same 404 from a right URL has no such hint.
#[tokio::test]
async fn a_server_url_ending_in_api_gets_a_hint_on_its_404() {
    let emu = emulator_builder().start().await.expect("emulator");
    let hint = "; the server URL ends in `/api` and every operation path starts with `/api/`, \
                so this asked for `…/api/api/…`: if every call is not found, give the server \
                URL without `/api`";
    let wrong = || client_builder(&emu).server_url(format!("{}/api", emu.url()));
    let err = wrong()
        .build()
        .expect("client")
        .prompt()
        .list_prompts(&Default::default())
        .await
        .expect_err("no such route");
    assert_eq!(err.status_code(), Some(404));
    assert!(err.to_string().ends_with(hint), "{err}");
    let blocking = wrong().build_blocking().expect("client");
    let err = tokio::task::spawn_blocking(move || blocking.prompt().get_prompt(1))
        .await
        .expect("joined")
        .expect_err("no such route");
    assert!(err.to_string().ends_with(hint), "{err}");

    let err = client_builder(&emu)
        .build()
        .expect("client")
        .prompt()
        .get_prompt(404)
        .await
        .expect_err("no such prompt");
    assert_eq!(err.status_code(), Some(404));
    assert!(!err.to_string().contains("`/api`"), "{err}");
}
