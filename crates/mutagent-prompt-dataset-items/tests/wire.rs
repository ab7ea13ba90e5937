//! Wire tests: every `prompt_dataset_items` operation sends exactly the method, path, query,
//! headers and body of the contract, and decodes a realistic answer — through the async and
//! the blocking client.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test may panic

use mutagent_prompt_dataset_items::{
    NewDatasetItem, PromptDatasetItem, PromptDatasetItemsExt, UpdatePromptDatasetItem,
};
use mutagent_wire_test::*;
use serde_json::{json, Value};

fn item_json(id: i64, dataset: i64) -> Value {
    json!({
        "id": id,
        "datasetId": dataset,
        "name": format!("case {id}"),
        "input": {"name": "Ada"},
        "expectedOutput": {"text": "Hello, Ada!"},
        "userFeedback": null,
        "systemFeedback": "ok",
        "labels": ["smoke"],
        "metadata": null,
        "createdAt": "2026-11-01T10:00:00.000Z",
        "updatedAt": "2026-11-01T10:00:00.000Z",
        "someFutureField": [1, 2]
    })
}

/// Creates `item` in dataset 12 through both clients, checks that each sent exactly `body` to
/// the contract's endpoint, and returns the item the server answered (id 7).
fn created_with_body(item: &NewDatasetItem, body: Value) -> PromptDatasetItem {
    let (request, created) = both_call!(Reply::json(201, item_json(7, 12)), |c| c
        .prompt_dataset_items()
        .create_prompt_dataset_item(12, item));
    assert_common(
        &request,
        "POST",
        "/api/prompts/datasets/12/items",
        None,
        Some(body),
    );
    created
}

/// Updates item 31 with `changes` through both clients and checks that each sent exactly
/// `body` to the contract's endpoint.
fn updated_with_body(changes: &UpdatePromptDatasetItem, body: Value) {
    let (request, _) = both_call!(Reply::json(200, item_json(31, 4)), |c| c
        .prompt_dataset_items()
        .update_prompt_dataset_item(31, changes));
    assert_common(
        &request,
        "PATCH",
        "/api/prompts/dataset-items/31",
        None,
        Some(body),
    );
}

#[test]
fn list_prompt_dataset_items() {
    let (request, items) = both_call!(
        Reply::json(200, json!([item_json(1, 12), item_json(2, 12)])),
        |c| c.prompt_dataset_items().list_prompt_dataset_items(12)
    );
    assert_common(
        &request,
        "GET",
        "/api/prompts/datasets/12/items",
        None,
        None,
    );
    assert_eq!(items.len(), 2);
    assert_eq!(items[1].id.get(), 2);
    assert_eq!(items[0].dataset_id.get(), 12);
    assert_eq!(items[0].input, json!({"name": "Ada"}));
    assert_eq!(items[0].user_feedback, None);
    assert_eq!(items[0].system_feedback.as_deref(), Some("ok"));
    assert_eq!(items[0].metadata, Value::Null);
}

#[test]
fn create_prompt_dataset_item() {
    let item = NewDatasetItem::new(json!({"name": "Ada"}))
        .name("greets Ada")
        .expected_output(json!({"text": "Hello, Ada!"}))
        .user_feedback("fine")
        .system_feedback("ok")
        .labels(["smoke", "en"])
        .metadata(json!({"source": "manual"}));
    let created = created_with_body(
        &item,
        json!({
            "name": "greets Ada",
            "input": {"name": "Ada"},
            "expectedOutput": {"text": "Hello, Ada!"},
            "userFeedback": "fine",
            "systemFeedback": "ok",
            "labels": ["smoke", "en"],
            "metadata": {"source": "manual"}
        }),
    );
    assert_eq!(created.id.get(), 7);
    assert_eq!(created.labels, Some(vec!["smoke".to_owned()]));
}

/// The app's own types of a prompt's variables and its expected answer.
#[derive(serde::Serialize)]
struct Question<'a> {
    question: &'a str,
    tags: Vec<&'a str>,
}

#[derive(serde::Serialize)]
struct Answer {
    answer: u32,
}

#[test]
fn items_are_written_from_the_apps_own_types() {
    let item = NewDatasetItem::from_input(&Question {
        question: "2+2?",
        tags: vec!["math"],
    })
    .unwrap()
    .expected_output_from(&Answer { answer: 4 })
    .unwrap();
    created_with_body(
        &item,
        json!({
            "input": {"question": "2+2?", "tags": ["math"]},
            "expectedOutput": {"answer": 4}
        }),
    );

    let changes = UpdatePromptDatasetItem::new()
        .input_from(&Question {
            question: "3+3?",
            tags: vec![],
        })
        .unwrap()
        .expected_output_from(&Answer { answer: 6 })
        .unwrap();
    updated_with_body(
        &changes,
        json!({"input": {"question": "3+3?", "tags": []}, "expectedOutput": {"answer": 6}}),
    );
}

#[test]
fn typed_values_that_are_not_objects_are_refused_with_the_field() {
    let invalid =
        |result: Result<_, mutagent_core::Error>, operation: &str, field: &str| match result {
            Err(mutagent_core::Error::InvalidInput {
                operation: op,
                field: f,
                reason,
                ..
            }) => {
                assert_eq!((op, f.as_ref()), (operation, field), "{reason}");
                reason.into_owned()
            }
            Ok(_) => panic!("accepted"),
            Err(other) => panic!("{other:?}"),
        };
    let reason = invalid(
        NewDatasetItem::from_input("just text").map(drop),
        "create_prompt_dataset_item",
        "input",
    );
    assert_eq!(reason, "must be a JSON object (got a string)");
    invalid(
        NewDatasetItem::new(json!({}))
            .expected_output_from(&4)
            .map(drop),
        "create_prompt_dataset_item",
        "expectedOutput",
    );
    let reason = invalid(
        UpdatePromptDatasetItem::new()
            .input_from(&std::collections::HashMap::from([((1, 2), 3)]))
            .map(drop),
        "update_prompt_dataset_item",
        "input",
    );
    assert!(
        reason.starts_with("could not be serialised to JSON: "),
        "{reason}"
    );
    invalid(
        UpdatePromptDatasetItem::new()
            .expected_output_from(&[1])
            .map(drop),
        "update_prompt_dataset_item",
        "expectedOutput",
    );
}

#[test]
fn bulk_create_prompt_dataset_items() {
    let items = vec![
        NewDatasetItem::new(json!({"name": "Ada"})),
        NewDatasetItem::new(json!({"name": "Alan"})).expected_output(json!({"text": "Hi"})),
    ];
    let (request, created) = both_call!(
        Reply::json(201, json!([item_json(8, 12), item_json(9, 12)])),
        |c| c
            .prompt_dataset_items()
            .bulk_create_prompt_dataset_items(12, &items)
    );
    assert_common(
        &request,
        "POST",
        "/api/prompts/datasets/12/items/bulk",
        None,
        Some(json!({"items": [
            {"input": {"name": "Ada"}},
            {"input": {"name": "Alan"}, "expectedOutput": {"text": "Hi"}}
        ]})),
    );
    let ids: Vec<i64> = created.iter().map(|i| i.id.get()).collect();
    assert_eq!(ids, [8, 9]);
}

#[test]
fn get_prompt_dataset_item() {
    let (request, item) = both_call!(Reply::json(200, item_json(31, 4)), |c| c
        .prompt_dataset_items()
        .get_prompt_dataset_item(31));
    assert_common(&request, "GET", "/api/prompts/dataset-items/31", None, None);
    assert_eq!(item.name.as_deref(), Some("case 31"));
    assert_eq!(item.expected_output, json!({"text": "Hello, Ada!"}));
}

#[test]
fn update_prompt_dataset_item() {
    let changes = UpdatePromptDatasetItem::new()
        .name("renamed")
        .input(json!({"name": "Grace"}))
        .labels(["edge"]);
    updated_with_body(
        &changes,
        json!({"name": "renamed", "input": {"name": "Grace"}, "labels": ["edge"]}),
    );
}

#[test]
fn delete_prompt_dataset_item() {
    assert_deleted!("/api/prompts/dataset-items/31", |c| c
        .prompt_dataset_items()
        .delete_prompt_dataset_item(31));
}

#[test]
fn invalid_input_is_refused_before_sending() {
    nothing_sent(|client| {
        let items = client.prompt_dataset_items();

        assert_invalid(
            items.create_prompt_dataset_item(1, &NewDatasetItem::new(json!("not an object"))),
            "input",
        );
        assert_invalid(
            items.create_prompt_dataset_item(
                1,
                &NewDatasetItem::new(json!({})).name("x".repeat(256)),
            ),
            "name",
        );

        assert_invalid(items.bulk_create_prompt_dataset_items(1, &[]), "items");
        let bad = [
            NewDatasetItem::new(json!({})),
            NewDatasetItem::new(json!({})).expected_output(json!("text")),
        ];
        assert_invalid(
            items.bulk_create_prompt_dataset_items(1, &bad),
            "items[1].expectedOutput",
        );
        assert_invalid(
            items.bulk_create_prompt_dataset_items(1, &[NewDatasetItem::new(json!({})).name(" ")]),
            "items[0].name",
        );

        assert_invalid(
            items.update_prompt_dataset_item(
                1,
                &UpdatePromptDatasetItem::new().metadata(json!([1])),
            ),
            "metadata",
        );
    });
}

#[test]
fn api_errors_carry_the_status() {
    let server = ScriptedServer::start(vec![Reply::json(
        404,
        json!({"error": "not_found", "message": "dataset item 9 not found"}),
    )]);
    let err = blocking_client(&server)
        .prompt_dataset_items()
        .get_prompt_dataset_item(9)
        .expect_err("404");
    assert!(err.is_not_found(), "{err}");
    assert_eq!(err.operation(), Some("get_prompt_dataset_item"));
}
