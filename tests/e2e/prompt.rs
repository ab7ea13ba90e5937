//! End-to-end tests of the `prompt` namespace against the emulator.

use mutagent::prelude::*;
use mutagent::prompt::{
    CreatePrompt, CreatePromptVersion, ListPrompts, PromptContent, UpdatePrompt,
};
use mutagent_e2e::{assert_not_found, keyless_builder, start, start_blocking, Collection};
use serde_json::json;

fn greeter(name: &str) -> CreatePrompt {
    CreatePrompt::new(
        name,
        PromptContent::chat("You are friendly.", "Greet {name}."),
        json!({"type": "object", "properties": {"name": {"type": "string"}}}),
    )
    .description("Says hello")
    .tags(["demo"])
}

#[tokio::test]
async fn prompt_lifecycle_async() {
    let (emu, client) = start().await;
    let prompts = client.prompt();

    let first = prompts
        .create_prompt(&greeter("greeter"))
        .await
        .expect("create");
    assert_eq!(first.name, "greeter");
    assert!(first.is_latest);
    let fetched = prompts.get_prompt(first.id).await.expect("get");
    assert_eq!(fetched.id, first.id);
    assert_eq!(
        fetched.content(),
        Some(PromptContent::chat("You are friendly.", "Greet {name}."))
    );

    let second = prompts
        .create_prompt_version(
            first.id,
            &CreatePromptVersion::new("1.1.0")
                .changes(UpdatePrompt::new().content(PromptContent::raw("Hi {name}!"))),
        )
        .await
        .expect("new version");
    assert_eq!(second.version, "1.1.0");
    assert_eq!(second.prompt_group_id, first.prompt_group_id);
    assert!(second.is_latest);
    assert!(
        !prompts
            .get_prompt(first.id)
            .await
            .expect("old version")
            .is_latest,
        "isLatest moved"
    );

    let latest = prompts
        .list_prompts(&ListPrompts::new().name("greeter").is_latest(true))
        .await
        .expect("list latest");
    assert_eq!(latest.data.len(), 1);
    assert_eq!(latest.data[0].id, second.id);

    let updated = prompts
        .update_prompt(second.id, &UpdatePrompt::new().description("Warmer"))
        .await
        .expect("update");
    assert_eq!(updated.description.as_deref(), Some("Warmer"));

    assert!(prompts
        .list_prompt_tags()
        .await
        .expect("tags")
        .contains(&"demo".to_owned()));
    prompts
        .list_prompt_versions(first.id)
        .await
        .expect("versions");
    prompts
        .get_prompt_analytics(first.id)
        .await
        .expect("analytics");
    prompts
        .get_prompt_model_comparisons(first.id)
        .await
        .expect("comparisons");

    let before = emu.count(Collection::Prompts);
    assert!(
        prompts
            .delete_prompt(first.id, false)
            .await
            .expect("delete")
            .success
    );
    assert_eq!(emu.count(Collection::Prompts), before - 1);
    assert_not_found(prompts.get_prompt(first.id).await, "gone");
}

#[test]
fn prompt_lifecycle_blocking() {
    let (emu, client) = start_blocking();
    let prompts = client.prompt();
    let created = prompts.create_prompt(&greeter("blocking")).expect("create");
    assert_eq!(
        prompts.get_prompt(created.id).expect("get").name,
        "blocking"
    );
    let version = prompts
        .create_prompt_version(created.id, &CreatePromptVersion::new("2.0.0"))
        .expect("version");
    assert!(version.is_latest);
    let updated = prompts
        .update_prompt(version.id, &UpdatePrompt::new().description("Blocking"))
        .expect("update");
    assert_eq!(updated.description.as_deref(), Some("Blocking"));
    assert!(prompts
        .list_prompt_tags()
        .expect("tags")
        .contains(&"demo".to_owned()));
    prompts.list_prompt_versions(created.id).expect("versions");
    prompts.get_prompt_analytics(created.id).expect("analytics");
    prompts
        .get_prompt_model_comparisons(created.id)
        .expect("comparisons");
    let latest = prompts
        .list_prompts(&ListPrompts::new().name("blocking").is_latest(true))
        .expect("list");
    assert_eq!(latest.data.len(), 1);
    assert_eq!(latest.data[0].id, version.id);
    assert!(
        prompts
            .delete_prompt(created.id, true)
            .expect("delete")
            .success
    );
    assert_eq!(emu.count(Collection::Prompts), 1);
}

#[tokio::test]
async fn walking_every_prompt_across_pages() {
    let (_emu, client) = start().await;
    for n in 0..7 {
        client
            .prompt()
            .create_prompt(&greeter(&format!("p{n}")))
            .await
            .expect("create");
    }
    let all = client
        .prompt()
        .list_prompts_all(&ListPrompts::new().limit(3))
        .try_collect()
        .await
        .expect("walk");
    let mut names: Vec<String> = all.into_iter().map(|p| p.name).collect();
    names.sort();
    assert_eq!(names, ["p0", "p1", "p2", "p3", "p4", "p5", "p6"]);

    let page = client
        .prompt()
        .list_prompts(&ListPrompts::new().limit(3).offset(6))
        .await
        .expect("last page");
    assert_eq!((page.total, page.data.len(), page.has_next), (7, 1, false));
}

#[test]
fn walking_every_prompt_blocking() {
    let (_emu, client) = start_blocking();
    for n in 0..5 {
        client
            .prompt()
            .create_prompt(&greeter(&format!("b{n}")))
            .expect("create");
    }
    let mut count = 0;
    for prompt in client
        .prompt()
        .list_prompts_all(&ListPrompts::new().limit(2))
    {
        prompt.expect("page");
        count += 1;
    }
    assert_eq!(count, 5);
}

#[tokio::test]
async fn a_wrong_key_is_refused_with_401() {
    let (emu, _client) = start().await;
    let client = keyless_builder(&emu)
        .api_key("mt_wrong")
        .build()
        .expect("client");
    let err = client.prompt().list_prompt_tags().await.expect_err("401");
    assert_eq!(err.status_code(), Some(401));
    assert!(
        err.request_id().is_some(),
        "the emulator sends x-request-id"
    );
}

#[tokio::test]
async fn retries_ride_out_injected_faults() {
    let (emu, client) = start().await;
    emu.inject(
        mutagent_e2e::Fault::status(503)
            .retry_after(std::time::Duration::from_millis(0))
            .on_route("GET", "/api/prompt/tags")
            .times(2),
    )
    .expect("a valid fault");
    let tags = client
        .prompt()
        .list_prompt_tags()
        .await
        .expect("third attempt succeeds");
    assert!(tags.is_empty());
    let attempts = emu
        .requests()
        .iter()
        .filter(|r| r.is("GET", "/api/prompt/tags"))
        .count();
    assert_eq!(attempts, 3);
}
