//! A stored prompt, fetched back, rendered with the app's values (`Prompt::render`), with
//! either client: the form the prompt was written in comes back filled, and a missing value
//! is an error through `?`, not a `{var}` sent to a model.

#![cfg(feature = "prompt")]

use mutagent::prelude::*;
use mutagent::prompt::{CreatePrompt, PromptContent, RenderError};
use serde_json::json;

#[derive(serde::Serialize)]
struct Ticket<'a> {
    customer: &'a str,
    open: u32,
}

fn support_prompt() -> CreatePrompt {
    CreatePrompt::new(
        "support",
        PromptContent::raw(
            "{customer} has {open} open tickets. Reply as JSON: {\"reply\": \"...\"}.",
        ),
        json!({"type": "object"}),
    )
}

#[tokio::test]
async fn the_async_client_renders_a_stored_prompt() {
    let (_emu, client) = super::emulator_and_client().await;
    let created = client
        .prompt()
        .create_prompt(&support_prompt())
        .await
        .expect("prompt");
    let prompt = client.prompt().get_prompt(created.id).await.expect("get");

    let rendered = prompt
        .render(&Ticket {
            customer: "Ada",
            open: 2,
        })
        .expect("rendered");
    assert_eq!(
        rendered,
        PromptContent::raw("Ada has 2 open tickets. Reply as JSON: {\"reply\": \"...\"}.")
    );
    match prompt.render(&json!({"customer": "Ada"})) {
        Err(RenderError::MissingVariables { names }) => assert_eq!(names, ["open"]),
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_blocking_client_renders_a_stored_prompt() {
    let (_emu, client) = super::emulator_and_blocking_client();
    let created = client
        .prompt()
        .create_prompt(&CreatePrompt::new(
            "greeter",
            PromptContent::chat("You are {tone}.", "Greet {name}."),
            json!({}),
        ))
        .expect("prompt");

    let render = |values: serde_json::Value| -> Result<PromptContent, mutagent::Error> {
        let prompt = client.prompt().get_prompt(created.id)?;
        Ok(prompt.render(&values)?)
    };
    assert_eq!(
        render(json!({"tone": "kind", "name": "Ada"})).expect("rendered"),
        PromptContent::chat("You are kind.", "Greet Ada.")
    );
    let err = render(json!({})).expect_err("missing");
    assert_eq!(err.operation(), Some("render_prompt"));
    assert!(err.to_string().contains("`tone`, `name`"), "{err}");
}
