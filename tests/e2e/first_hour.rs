//! What a newcomer does in the first hour: the emulator started the async way inside a
//! `#[tokio::test]` and then used with the blocking client.

use mutagent::prelude::*;
use mutagent::prompt::{CreatePrompt, PromptContent};
use mutagent_e2e::{client_builder, emulator_builder, Collection};
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
