//! End-to-end tests of the `prompt_dataset_items` namespace against the emulator: every
//! operation, async and blocking, with the emulator's stored counts checked.

use mutagent::prelude::*;
use mutagent::prompt::{CreatePrompt, PromptContent};
use mutagent::prompt_dataset_items::{NewDatasetItem, UpdatePromptDatasetItem};
use mutagent::Error;
use mutagent_e2e::{assert_not_found, start, start_blocking, Collection};
use serde_json::json;

use crate::prompt_evaluations::{prompt_and_dataset, prompt_and_dataset_blocking};

fn prompt_body() -> CreatePrompt {
    CreatePrompt::new(
        "items",
        PromptContent::raw("Answer {question}"),
        json!({"type": "object"}),
    )
}

#[tokio::test]
async fn item_lifecycle_async() {
    let (emu, client) = start().await;
    let (_, dataset) = prompt_and_dataset(&client, &prompt_body(), "qa").await;
    let items = client.prompt_dataset_items();

    let one = items
        .create_prompt_dataset_item(
            dataset.id,
            &NewDatasetItem::new(json!({"question": "2+2?"}))
                .name("sum")
                .expected_output(json!({"answer": "4"}))
                .user_feedback("fine")
                .system_feedback("checked")
                .labels(["math"])
                .metadata(json!({"difficulty": 1})),
        )
        .await
        .expect("create");
    assert_eq!(one.dataset_id, dataset.id);
    assert_eq!(one.name.as_deref(), Some("sum"));
    assert_eq!(one.metadata, json!({"difficulty": 1}));

    let bulk = items
        .bulk_create_prompt_dataset_items(
            dataset.id,
            &[
                NewDatasetItem::new(json!({"question": "capital of France?"})),
                NewDatasetItem::new(json!({"question": "3*3?"})).labels(["math"]),
            ],
        )
        .await
        .expect("bulk");
    assert_eq!(bulk.len(), 2);
    assert_eq!(emu.count(Collection::DatasetItems), 3);

    let listed = items
        .list_prompt_dataset_items(dataset.id)
        .await
        .expect("list");
    let ids: Vec<_> = listed.iter().map(|i| i.id).collect();
    assert_eq!(ids, [one.id, bulk[0].id, bulk[1].id]);

    let got = items
        .get_prompt_dataset_item(bulk[1].id)
        .await
        .expect("get");
    assert_eq!(got.input, json!({"question": "3*3?"}));

    let updated = items
        .update_prompt_dataset_item(
            bulk[1].id,
            &UpdatePromptDatasetItem::new()
                .expected_output(json!({"answer": "9"}))
                .system_feedback("added answer"),
        )
        .await
        .expect("update");
    assert_eq!(updated.expected_output, json!({"answer": "9"}));
    assert_eq!(
        updated.labels,
        Some(vec!["math".to_owned()]),
        "unset fields kept"
    );

    assert!(
        items
            .delete_prompt_dataset_item(one.id)
            .await
            .expect("delete")
            .success
    );
    assert_eq!(emu.count(Collection::DatasetItems), 2);
    assert_not_found(items.get_prompt_dataset_item(one.id).await, "gone");
    assert_not_found(
        items
            .list_prompt_dataset_items(dataset.id.get() + 100)
            .await,
        "no such dataset",
    );
}

#[test]
fn item_lifecycle_blocking() {
    let (emu, client) = start_blocking();
    let (_, dataset) = prompt_and_dataset_blocking(&client, &prompt_body(), "qa");
    let items = client.prompt_dataset_items();
    let one = items
        .create_prompt_dataset_item(dataset.id, &NewDatasetItem::new(json!({"question": "?"})))
        .expect("create");
    let many: Vec<NewDatasetItem> = (0..1000)
        .map(|i| NewDatasetItem::new(json!({"question": format!("q{i}")})))
        .collect();
    assert_eq!(
        items
            .bulk_create_prompt_dataset_items(dataset.id, &many)
            .expect("1000 at once")
            .len(),
        1000
    );
    assert_eq!(emu.count(Collection::DatasetItems), 1001);
    assert_eq!(
        items
            .list_prompt_dataset_items(dataset.id)
            .expect("list")
            .len(),
        1001
    );
    assert_eq!(
        items
            .update_prompt_dataset_item(one.id, &UpdatePromptDatasetItem::new().name("first"))
            .expect("update")
            .name
            .as_deref(),
        Some("first")
    );
    assert_eq!(
        items
            .get_prompt_dataset_item(one.id)
            .expect("get")
            .name
            .as_deref(),
        Some("first")
    );
    items.delete_prompt_dataset_item(one.id).expect("delete");
    assert_eq!(emu.count(Collection::DatasetItems), 1000);

    // Refused by the SDK before sending: nothing reaches the emulator.
    let before = emu.requests().len();
    let err = items
        .bulk_create_prompt_dataset_items(dataset.id, &[NewDatasetItem::new(json!([1]))])
        .expect_err("input must be an object");
    assert!(matches!(err, Error::InvalidInput { .. }), "{err}");
    assert_eq!(emu.requests().len(), before);
}
