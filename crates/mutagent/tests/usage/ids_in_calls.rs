//! Ids as an app holds them go straight into the calls, with either client: a borrowed typed id
//! (`&prompt.id`, as the string ids' `&job.id`), a number kept as `i32`/`u32`, a `&String` read
//! from configuration; and answers compare with plain numbers and text in assertions.

#![cfg(all(feature = "prompt", feature = "organizations"))]
// `&prompt.id` where `prompt.id` would do is the point: apps write it (as `&job.id` for string
// ids), and it must compile.
#![allow(clippy::needless_borrows_for_generic_args)]

use mutagent::prelude::*;
use mutagent::prompt::{CreatePrompt, PromptContent};

fn greeter() -> CreatePrompt {
    CreatePrompt::new(
        "greeter",
        PromptContent::raw("Hi {name}"),
        serde_json::json!({}),
    )
}

#[tokio::test]
async fn the_async_client_takes_ids_as_apps_hold_them() {
    let (_emu, client) = super::emulator_and_client().await;

    let prompt = client
        .prompt()
        .create_prompt(&greeter())
        .await
        .expect("created");
    assert_eq!(prompt.id, 1);
    let by_ref = client
        .prompt()
        .get_prompt(&prompt.id)
        .await
        .expect("by &id");
    assert_eq!(by_ref.id, prompt.id);
    let from_db: i32 = 1;
    assert_eq!(
        client
            .prompt()
            .get_prompt(from_db)
            .await
            .expect("by i32")
            .name,
        "greeter"
    );

    let org = client
        .organizations()
        .get_organization_by_slug("default")
        .await
        .expect("org");
    let from_config: String = org.id.to_string();
    let again = client
        .organizations()
        .get_organization(&from_config)
        .await
        .expect("by &String");
    assert_eq!(again.id, from_config);
}

#[test]
fn the_blocking_client_takes_ids_as_apps_hold_them() {
    let (_emu, client) = super::emulator_and_blocking_client();

    let prompt = client.prompt().create_prompt(&greeter()).expect("created");
    assert_eq!(prompt.id, 1);
    assert_eq!(
        client.prompt().get_prompt(&prompt.id).expect("by &id").id,
        prompt.id
    );
    let from_db: u32 = 1;
    assert_eq!(
        client.prompt().get_prompt(from_db).expect("by u32").name,
        "greeter"
    );

    let org = client
        .organizations()
        .get_organization_by_slug("default")
        .expect("org");
    let from_config: String = org.id.to_string();
    let again = client
        .organizations()
        .get_organization(&from_config)
        .expect("by &String");
    assert_eq!(again.id, from_config.as_str());
}
