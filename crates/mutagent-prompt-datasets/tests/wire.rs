//! Wire tests: every `prompt_datasets` operation sends exactly the method, path, query,
//! headers and body of the contract, and decodes a realistic answer — through the async and
//! the blocking client. The file helpers are in `files.rs`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test may panic

use mutagent_prompt_datasets::{
    ClonePromptDataset, CreatePromptDataset, ListPromptDatasets, PromptDatasetsExt,
    UpdatePromptDataset,
};
use mutagent_wire_test::*;
use serde_json::{json, Value};

const GROUP: &str = "6f1c7a2e-8d4b-4c1e-9a7f-2b3c4d5e6f70";

fn dataset_json(id: i64) -> Value {
    json!({
        "id": id,
        "name": format!("dataset {id}"),
        "description": null,
        "promptGroupId": GROUP,
        "metadata": {"source": "csv"},
        "createdAt": "2026-11-01T10:00:00.000Z",
        "updatedAt": null,
        "createdBy": "ada@example.com",
        "labels": ["smoke"],
        "itemCount": 3,
        "someFutureField": true
    })
}

#[test]
fn list_prompt_datasets() {
    let page = json!({
        "data": [dataset_json(1), dataset_json(2)],
        "total": 7, "limit": 2, "offset": 2, "hasNext": true, "hasPrevious": true
    });
    let params = ListPromptDatasets::new()
        .limit(2)
        .offset(2)
        .prompt_id(7)
        .prompt_group_id(GROUP)
        .name("smoke & co")
        .created_by("ada@example.com");
    let (request, page) = both_call!(Reply::json(200, page), |c| c
        .prompt_datasets()
        .list_prompt_datasets(&params));
    assert_common(
        &request,
        "GET",
        "/api/prompts/datasets/",
        Some(&format!(
            "limit=2&offset=2&promptId=7&promptGroupId={GROUP}&name=smoke%20%26%20co&createdBy=ada%40example.com"
        )),
        None,
    );
    assert_eq!(page.total, 7);
    assert!(page.has_next);
    assert_eq!(page.data[1].id.get(), 2);
    assert_eq!(page.data[0].prompt_group_id.as_str(), GROUP);
    assert_eq!(page.data[0].item_count, Some(3));
    assert_eq!(page.data[0].description, None);
}

#[test]
fn get_prompt_dataset() {
    let (request, dataset) = both_call!(Reply::json(200, dataset_json(12)), |c| c
        .prompt_datasets()
        .get_prompt_dataset(12));
    assert_common(&request, "GET", "/api/prompts/datasets/12", None, None);
    assert_eq!(dataset.name, "dataset 12");
    assert_eq!(dataset.metadata, json!({"source": "csv"}));
    assert_eq!(dataset.labels, Some(vec!["smoke".to_owned()]));
}

#[test]
fn update_prompt_dataset() {
    let changes = UpdatePromptDataset::new()
        .name("renamed")
        .description("now with more cases")
        .metadata(json!({"v": 2}))
        .labels(["a", "b"]);
    let (request, _) = both_call!(Reply::json(200, dataset_json(12)), |c| c
        .prompt_datasets()
        .update_prompt_dataset(12, &changes));
    assert_common(
        &request,
        "PATCH",
        "/api/prompts/datasets/12",
        None,
        Some(json!({
            "name": "renamed",
            "description": "now with more cases",
            "metadata": {"v": 2},
            "labels": ["a", "b"]
        })),
    );
}

#[test]
fn delete_prompt_dataset() {
    // `force` is `bool?`: false is sent as such, None leaves it out.
    assert_force_flag!("/api/prompts/datasets/12", |c, force| c
        .prompt_datasets()
        .delete_prompt_dataset(12, force));
}

#[test]
fn clone_prompt_dataset() {
    let body = ClonePromptDataset::to_prompt(9).new_name("copy");
    let (request, copy) = both_call!(Reply::json(201, dataset_json(13)), |c| c
        .prompt_datasets()
        .clone_prompt_dataset(12, &body));
    assert_common(
        &request,
        "POST",
        "/api/prompts/datasets/12/clone",
        None,
        Some(json!({"targetPromptId": 9, "newName": "copy"})),
    );
    assert_eq!(copy.id.get(), 13);

    let server = ScriptedServer::start(vec![Reply::json(201, dataset_json(14))]);
    blocking_client(&server)
        .prompt_datasets()
        .clone_prompt_dataset(12, &ClonePromptDataset::to_prompt_group(GROUP))
        .expect("clone to group");
    assert_common(
        &server.single_request(),
        "POST",
        "/api/prompts/datasets/12/clone",
        None,
        Some(json!({"targetPromptGroupId": GROUP})),
    );
}

#[test]
fn export_prompt_dataset() {
    let export = json!({
        "dataset": dataset_json(12),
        "promptGroup": {"id": GROUP, "name": "greeter", "versions": []},
        "items": [{
            "id": 1, "datasetId": 12, "name": null, "input": {"name": "Ada"},
            "expectedOutput": null, "userFeedback": null, "systemFeedback": null,
            "labels": null, "metadata": null, "createdAt": null, "updatedAt": null
        }],
        "exportedAt": "2026-11-02T00:00:00.000Z",
        "format": "v1"
    });
    let (request, answer) = both_call!(Reply::json(200, export), |c| c
        .prompt_datasets()
        .export_prompt_dataset(12));
    assert_common(
        &request,
        "GET",
        "/api/prompts/datasets/12/export",
        None,
        None,
    );
    assert_eq!(answer.dataset.id.get(), 12);
    assert_eq!(answer.items.len(), 1);
    assert_eq!(answer.items[0].input, json!({"name": "Ada"}));
    assert_eq!(answer.prompt_group["name"], "greeter");
    assert_eq!(
        answer.exported_at.as_deref(),
        Some("2026-11-02T00:00:00.000Z")
    );
}

#[test]
fn list_datasets_for_prompt() {
    let (request, datasets) = both_call!(
        Reply::json(200, json!([dataset_json(1), dataset_json(2)])),
        |c| c.prompt_datasets().list_datasets_for_prompt(7)
    );
    assert_common(&request, "GET", "/api/prompt/7/datasets", None, None);
    let ids: Vec<i64> = datasets.iter().map(|d| d.id.get()).collect();
    assert_eq!(ids, [1, 2]);
}

#[test]
fn create_prompt_dataset() {
    let body = CreatePromptDataset::new("regression")
        .description("cases from prod")
        .metadata(json!({"source": "prod"}))
        .created_by("ada@example.com")
        .labels(["prod"]);
    let (request, dataset) = both_call!(Reply::json(201, dataset_json(12)), |c| c
        .prompt_datasets()
        .create_prompt_dataset(7, &body));
    assert_common(
        &request,
        "POST",
        "/api/prompt/7/datasets",
        None,
        Some(json!({
            "name": "regression",
            "description": "cases from prod",
            "metadata": {"source": "prod"},
            "createdBy": "ada@example.com",
            "labels": ["prod"]
        })),
    );
    assert_eq!(dataset.id.get(), 12);
}

#[test]
fn invalid_input_is_refused_before_sending() {
    nothing_sent(|client| {
        let datasets = client.prompt_datasets();

        assert_invalid(
            datasets.list_prompt_datasets(&ListPromptDatasets::new().limit(0)),
            "limit",
        );
        assert_invalid(
            datasets.list_prompt_datasets(&ListPromptDatasets::new().prompt_id(0)),
            "promptId",
        );
        assert_invalid(
            datasets.create_prompt_dataset(1, &CreatePromptDataset::new("")),
            "name",
        );
        assert_invalid(
            datasets
                .create_prompt_dataset(1, &CreatePromptDataset::new("ok").metadata(json!("text"))),
            "metadata",
        );
        assert_invalid(
            datasets.update_prompt_dataset(1, &UpdatePromptDataset::new().name("x".repeat(256))),
            "name",
        );
        assert_invalid(
            datasets.clone_prompt_dataset(1, &ClonePromptDataset::to_prompt(0)),
            "targetPromptId",
        );
        assert_invalid(
            datasets.clone_prompt_dataset(1, &ClonePromptDataset::to_prompt_group("")),
            "targetPromptGroupId",
        );
        assert_invalid(
            datasets.clone_prompt_dataset(1, &ClonePromptDataset::to_prompt(2).new_name(" ")),
            "newName",
        );
    });
}

#[test]
fn list_prompt_datasets_all_walks_every_page() {
    let page = |ids: &[i64], offset: u64, has_next: bool| {
        Reply::json(
            200,
            json!({
                "data": ids.iter().map(|id| dataset_json(*id)).collect::<Vec<_>>(),
                "total": 5, "limit": 2, "offset": offset, "hasNext": has_next, "hasPrevious": offset > 0
            }),
        )
    };
    let replies = vec![
        page(&[1, 2], 0, true),
        page(&[3, 4], 2, true),
        page(&[5], 4, false),
    ];

    let (datasets, server) = both_walk!(replies, |c| c
        .prompt_datasets()
        .list_prompt_datasets_all(&ListPromptDatasets::new().limit(2).prompt_id(7)));
    let ids: Vec<i64> = datasets.iter().map(|d| d.id.get()).collect();
    assert_eq!(ids, [1, 2, 3, 4, 5]);
    assert_queries(
        &server,
        &[
            "limit=2&promptId=7&offset=0",
            "limit=2&promptId=7&offset=2",
            "limit=2&promptId=7&offset=4",
        ],
    );
}
