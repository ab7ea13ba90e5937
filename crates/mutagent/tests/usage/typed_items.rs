//! Dataset items written from the app's own types (`from_input`, `expected_output_from`) and
//! read back as them (`input_as`, `expected_output_as`), with either client, from items stored
//! on the emulator.

#![cfg(all(
    feature = "prompt",
    feature = "prompt-datasets",
    feature = "prompt-dataset-items"
))]

use std::collections::BTreeMap;

use mutagent::prelude::*;
use mutagent::prompt::{CreatePrompt, PromptContent};
use mutagent::prompt_dataset_items::NewDatasetItem;
use mutagent::prompt_datasets::CreatePromptDataset;
use serde_json::json;

/// The app's type for the template variables (any `Deserialize` type will do).
type Variables = BTreeMap<String, String>;

/// The app's type for what it writes (any `Serialize` type will do).
#[derive(serde::Serialize)]
struct Question<'a> {
    question: &'a str,
}

fn new_items() -> [NewDatasetItem; 2] {
    [
        NewDatasetItem::from_input(&Question { question: "2+2?" })
            .expect("an object")
            .expected_output_from(&BTreeMap::from([("answer", "4")]))
            .expect("an object"),
        NewDatasetItem::new(json!({"question": "3*3?"})),
    ]
}

fn prompt() -> CreatePrompt {
    CreatePrompt::new("math", PromptContent::raw("{question}"), json!({}))
}

#[tokio::test]
async fn the_async_client_reads_items_as_the_apps_types() {
    let (_emu, client) = super::emulator_and_client().await;
    let prompt = client
        .prompt()
        .create_prompt(&prompt())
        .await
        .expect("prompt");
    let dataset = client
        .prompt_datasets()
        .create_prompt_dataset(prompt.id, &CreatePromptDataset::new("cases"))
        .await
        .expect("dataset");
    let items = client.prompt_dataset_items();
    items
        .bulk_create_prompt_dataset_items(dataset.id, &new_items())
        .await
        .expect("items");

    let stored = items
        .list_prompt_dataset_items(dataset.id)
        .await
        .expect("list");
    let inputs: Vec<Variables> = stored
        .iter()
        .map(|item| item.input_as().expect("input"))
        .collect();
    assert_eq!(inputs[0]["question"], "2+2?");
    assert_eq!(inputs[1]["question"], "3*3?");
    let expected: Vec<Option<Variables>> = stored
        .iter()
        .map(|item| item.expected_output_as().expect("expected output"))
        .collect();
    assert_eq!(
        expected[0].as_ref().map(|e| e["answer"].as_str()),
        Some("4")
    );
    assert_eq!(expected[1], None);
    // A type the JSON does not fit is an error, not a panic or a default.
    assert!(stored[0].input_as::<Vec<String>>().is_err());
}

#[test]
fn the_blocking_client_reads_items_as_the_apps_types() {
    let (_emu, client) = super::emulator_and_blocking_client();
    let prompt = client.prompt().create_prompt(&prompt()).expect("prompt");
    let dataset = client
        .prompt_datasets()
        .create_prompt_dataset(prompt.id, &CreatePromptDataset::new("cases"))
        .expect("dataset");
    let created = client
        .prompt_dataset_items()
        .bulk_create_prompt_dataset_items(dataset.id, &new_items())
        .expect("items");

    let item = client
        .prompt_dataset_items()
        .get_prompt_dataset_item(created[0].id)
        .expect("get");
    assert_eq!(
        item.input_as::<Variables>().expect("input")["question"],
        "2+2?"
    );
    let answer: Variables = item.expected_output_as().expect("expected output");
    assert_eq!(answer["answer"], "4");
}
