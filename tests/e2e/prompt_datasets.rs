//! End-to-end tests of the `prompt_datasets` namespace against the emulator: the dataset
//! journey (create, bulk add, list, update/delete items, clone, export, delete with and
//! without force) and the file helpers (upload from JSON, JSON Lines and CSV; export to a
//! file), through the async and the blocking client.

use std::path::PathBuf;

use mutagent::prelude::*;
use mutagent::prompt::{CreatePrompt, Prompt, PromptContent};
use mutagent::prompt_dataset_items::{NewDatasetItem, UpdatePromptDatasetItem};
use mutagent::prompt_datasets::{
    ClonePromptDataset, CreatePromptDataset, DatasetFileFormat, ListPromptDatasets,
    UpdatePromptDataset, UploadDataset, UploadError, UploadOptions,
};
use mutagent_e2e::{assert_not_found, start, start_blocking, Collection};
use mutagent_test_support::TempDir;
use serde_json::json;

fn greeter(name: &str) -> CreatePrompt {
    CreatePrompt::new(
        name,
        PromptContent::raw("Greet {name} from {city}."),
        json!({"type": "object", "properties": {"name": {"type": "string"}, "city": {"type": "string"}}}),
    )
}

fn cases(n: usize) -> Vec<NewDatasetItem> {
    (0..n)
        .map(|i| {
            NewDatasetItem::new(json!({"name": format!("user {i}"), "city": "Paris"}))
                .expected_output(json!({"text": format!("Hello user {i}")}))
        })
        .collect()
}

/// The same items in the three file formats.
fn write_files(dir: &TempDir, n: usize) -> [PathBuf; 3] {
    let mut json = String::from("[\n");
    let mut jsonl = String::new();
    let mut csv = String::from("name,input.name,input.city,expectedOutput.text,labels\r\n");
    for i in 0..n {
        let item = json!({
            "name": format!("case {i}"),
            "input": {"name": format!("user {i}"), "city": "Paris, FR"},
            "expectedOutput": {"text": format!("Hello \"user {i}\"")},
            "labels": ["file", "e2e"]
        });
        if i > 0 {
            json.push_str(",\n");
        }
        json.push_str(&item.to_string());
        jsonl.push_str(&item.to_string());
        jsonl.push('\n');
        csv.push_str(&format!(
            "case {i},user {i},\"Paris, FR\",\"Hello \"\"user {i}\"\"\",file;e2e\r\n"
        ));
    }
    json.push_str("\n]\n");
    [
        dir.file("cases.json", &json),
        dir.file("cases.jsonl", &jsonl),
        dir.file("cases.csv", &csv),
    ]
}

#[tokio::test]
async fn dataset_journey_async() {
    let (emu, client) = start().await;
    let prompt: Prompt = client
        .prompt()
        .create_prompt(&greeter("greeter"))
        .await
        .expect("prompt");
    let other: Prompt = client
        .prompt()
        .create_prompt(&greeter("other"))
        .await
        .expect("other prompt");
    let datasets = client.prompt_datasets();
    let items = client.prompt_dataset_items();

    let dataset = datasets
        .create_prompt_dataset(
            prompt.id,
            &CreatePromptDataset::new("regression")
                .description("first cases")
                .metadata(json!({"source": "e2e"}))
                .created_by("ada@example.com")
                .labels(["smoke"]),
        )
        .await
        .expect("create dataset");
    assert_eq!(dataset.prompt_group_id, prompt.prompt_group_id);
    assert_eq!(dataset.labels, Some(vec!["smoke".to_owned()]));

    let created = items
        .bulk_create_prompt_dataset_items(dataset.id, &cases(5))
        .await
        .expect("bulk add");
    assert_eq!(created.len(), 5);
    assert_eq!(emu.count(Collection::DatasetItems), 5);
    let listed = items
        .list_prompt_dataset_items(dataset.id)
        .await
        .expect("list items");
    assert_eq!(listed.len(), 5);
    assert_eq!(listed[2].input["name"], "user 2");

    let updated = items
        .update_prompt_dataset_item(
            created[0].id,
            &UpdatePromptDatasetItem::new().labels(["edge"]),
        )
        .await
        .expect("update item");
    assert_eq!(updated.labels, Some(vec!["edge".to_owned()]));
    assert!(
        items
            .delete_prompt_dataset_item(created[1].id)
            .await
            .expect("delete item")
            .success
    );
    let fetched = datasets.get_prompt_dataset(dataset.id).await.expect("get");
    assert_eq!(fetched.item_count, Some(4));

    let renamed = datasets
        .update_prompt_dataset(
            dataset.id,
            &UpdatePromptDataset::new()
                .name("regression v2")
                .labels(["smoke", "v2"]),
        )
        .await
        .expect("update dataset");
    assert_eq!(renamed.name, "regression v2");

    let for_prompt = datasets
        .list_datasets_for_prompt(prompt.id)
        .await
        .expect("datasets for prompt");
    assert_eq!(for_prompt.len(), 1);

    let copy = datasets
        .clone_prompt_dataset(
            dataset.id,
            &ClonePromptDataset::to_prompt(other.id).new_name("copy"),
        )
        .await
        .expect("clone to prompt");
    assert_eq!(copy.prompt_group_id, other.prompt_group_id);
    assert_eq!(copy.name, "copy");
    let copy2 = datasets
        .clone_prompt_dataset(
            dataset.id,
            &ClonePromptDataset::to_prompt_group(prompt.prompt_group_id.clone()),
        )
        .await
        .expect("clone to group");
    assert_eq!(copy2.prompt_group_id, prompt.prompt_group_id);
    assert_eq!(
        emu.count(Collection::DatasetItems),
        12,
        "clones copy the items"
    );

    let page = datasets
        .list_prompt_datasets(&ListPromptDatasets::new().prompt_id(prompt.id).limit(1))
        .await
        .expect("page");
    assert_eq!((page.total, page.data.len(), page.has_next), (2, 1, true));
    let mut walk = datasets.list_prompt_datasets_all(&ListPromptDatasets::new().limit(1));
    let mut names = Vec::new();
    while let Some(dataset) = walk.next().await {
        names.push(dataset.expect("walk").name);
    }
    assert_eq!(names, ["regression v2", "copy", "regression v2 (copy)"]);

    let export = datasets
        .export_prompt_dataset(dataset.id)
        .await
        .expect("export");
    assert_eq!(export.dataset.id, dataset.id);
    assert_eq!(export.items.len(), 4);

    let err = datasets
        .delete_prompt_dataset(dataset.id, false)
        .await
        .expect_err("has items");
    assert_eq!(err.status_code(), Some(409), "{err}");
    assert_eq!(emu.count(Collection::Datasets), 3);
    assert!(
        datasets
            .delete_prompt_dataset(dataset.id, true)
            .await
            .expect("force delete")
            .success
    );
    assert_eq!(emu.count(Collection::Datasets), 2);
    assert_eq!(emu.count(Collection::DatasetItems), 8);
    assert_not_found(datasets.get_prompt_dataset(dataset.id).await, "gone");

    // An empty dataset deletes without force.
    let empty = datasets
        .create_prompt_dataset(prompt.id, &CreatePromptDataset::new("empty"))
        .await
        .expect("empty");
    assert!(
        datasets
            .delete_prompt_dataset(empty.id, false)
            .await
            .expect("delete empty")
            .success
    );
}

#[test]
fn dataset_journey_blocking() {
    let (emu, client) = start_blocking();
    let prompt = client
        .prompt()
        .create_prompt(&greeter("b"))
        .expect("prompt");
    let datasets = client.prompt_datasets();
    let items = client.prompt_dataset_items();
    let dataset = datasets
        .create_prompt_dataset(prompt.id, &CreatePromptDataset::new("blocking"))
        .expect("create");
    let created = items
        .bulk_create_prompt_dataset_items(dataset.id, &cases(3))
        .expect("bulk");
    items
        .update_prompt_dataset_item(created[2].id, &UpdatePromptDatasetItem::new().name("third"))
        .expect("update item");
    items
        .delete_prompt_dataset_item(created[0].id)
        .expect("delete item");
    assert_eq!(
        items
            .list_prompt_dataset_items(dataset.id)
            .expect("list")
            .len(),
        2
    );

    let copy = datasets
        .clone_prompt_dataset(
            dataset.id,
            &ClonePromptDataset::to_prompt(prompt.id).new_name("blocking copy"),
        )
        .expect("clone");
    let export = datasets.export_prompt_dataset(copy.id).expect("export");
    assert_eq!(export.items.len(), 2);
    assert_eq!(
        datasets
            .list_prompt_datasets_all(&ListPromptDatasets::new().limit(1))
            .count(),
        2
    );
    assert_eq!(
        datasets
            .list_datasets_for_prompt(prompt.id)
            .expect("for prompt")
            .len(),
        2
    );
    assert_eq!(
        datasets
            .update_prompt_dataset(copy.id, &UpdatePromptDataset::new().description("d"))
            .expect("update")
            .description
            .as_deref(),
        Some("d")
    );
    let err = datasets
        .delete_prompt_dataset(copy.id, false)
        .expect_err("refused");
    assert_eq!(err.status_code(), Some(409), "{err}");
    datasets
        .delete_prompt_dataset(copy.id, true)
        .expect("forced");
    assert_eq!(emu.count(Collection::Datasets), 1);
    assert_eq!(emu.count(Collection::DatasetItems), 2);
}

#[tokio::test]
async fn upload_and_export_files_async() {
    let (emu, client) = start().await;
    let prompt = client
        .prompt()
        .create_prompt(&greeter("files"))
        .await
        .expect("prompt");
    let dir = TempDir::new("mutagent-e2e-datasets");
    let files = write_files(&dir, 7);
    let mut stored = 0;
    for path in &files {
        let report = client
            .prompt_datasets()
            .upload_dataset_file(
                prompt.id,
                UploadDataset::new(format!("from {}", path.display())).chunk_size(3),
                path,
            )
            .await
            .expect("upload");
        assert_eq!(
            (
                report.records_read,
                report.items_created,
                report.chunks_sent
            ),
            (7, 7, 3),
            "{}",
            path.display()
        );
        stored += 7;
        assert_eq!(emu.count(Collection::DatasetItems), stored);
        let dataset = client
            .prompt_datasets()
            .get_prompt_dataset(report.dataset.id)
            .await
            .expect("get");
        assert_eq!(dataset.item_count, Some(7));
        let items = client
            .prompt_dataset_items()
            .list_prompt_dataset_items(report.dataset.id)
            .await
            .expect("items");
        assert_eq!(items[6].name.as_deref(), Some("case 6"));
        assert_eq!(
            items[6].input,
            json!({"name": "user 6", "city": "Paris, FR"})
        );
        assert_eq!(
            items[6].expected_output,
            json!({"text": "Hello \"user 6\""})
        );
        assert_eq!(
            items[6].labels,
            Some(vec!["file".to_owned(), "e2e".to_owned()])
        );
    }

    // Export to each format and upload the export again into the first dataset.
    let first = client
        .prompt_datasets()
        .list_datasets_for_prompt(prompt.id)
        .await
        .expect("datasets")[0]
        .id;
    for name in ["export.json", "export.jsonl", "export.csv"] {
        let path = dir.path(name);
        let report = client
            .prompt_datasets()
            .export_dataset_file(first, &path, None)
            .await
            .expect("export");
        assert!(report.items_written >= 7);
        let again = client
            .prompt_datasets()
            .upload_items_file(first, UploadOptions::new(), &path)
            .await
            .expect("re-upload");
        assert_eq!(again.items_created, report.items_written, "{name}");
        stored += again.items_created as usize;
    }
    assert_eq!(emu.count(Collection::DatasetItems), stored);
    assert_eq!(
        client
            .prompt_datasets()
            .get_prompt_dataset(first)
            .await
            .expect("get")
            .item_count,
        Some(7 * 8)
    );
}

#[test]
fn upload_and_export_files_blocking() {
    let (emu, client) = start_blocking();
    let prompt = client
        .prompt()
        .create_prompt(&greeter("files"))
        .expect("prompt");
    let dir = TempDir::new("mutagent-e2e-datasets");
    let files = write_files(&dir, 1203);
    for (index, path) in files.iter().enumerate() {
        let report = client
            .prompt_datasets()
            .upload_dataset_file(prompt.id, UploadDataset::new("big"), path)
            .expect("upload");
        assert_eq!((report.items_created, report.chunks_sent), (1203, 3));
        assert_eq!(emu.count(Collection::DatasetItems), 1203 * (index + 1));
    }
    let dataset = client
        .prompt_datasets()
        .list_datasets_for_prompt(prompt.id)
        .expect("datasets")[2]
        .clone();
    let out = dir.path("out.data");
    let report = client
        .prompt_datasets()
        .export_dataset_file(dataset.id, &out, Some(DatasetFileFormat::JsonLines))
        .expect("export");
    assert_eq!(report.items_written, 1203);
    let lines = std::fs::read_to_string(&out).expect("read").lines().count();
    assert_eq!(lines, 1203);
}

#[test]
fn bad_files_create_nothing_and_chunks_over_the_server_cap_fail() {
    let (emu, client) = start_blocking();
    let prompt = client
        .prompt()
        .create_prompt(&greeter("bad"))
        .expect("prompt");
    let dir = TempDir::new("mutagent-e2e-datasets");
    let bad = dir.file(
        "bad.csv",
        "input.name,expectedOutput.text\r\nAda,Hi\r\nAlan,\"Hi\r\nthere\"\r\nGrace,Hi,extra\r\n",
    );
    let err = client
        .prompt_datasets()
        .upload_dataset_file(prompt.id, UploadDataset::new("bad"), &bad)
        .expect_err("bad row");
    assert!(
        matches!(
            err,
            UploadError::Record {
                record: 3,
                line: 5,
                ..
            }
        ),
        "{err}"
    );
    assert_eq!(emu.count(Collection::Datasets), 0, "nothing created");

    // The emulator takes at most 1,000 items per bulk request.
    let files = write_files(&dir, 1001);
    let err = client
        .prompt_datasets()
        .upload_dataset_file(
            prompt.id,
            UploadDataset::new("too big").chunk_size(1001),
            &files[1],
        )
        .expect_err("chunk over the cap");
    assert_eq!(
        err.as_api_error()
            .and_then(|e| e.status())
            .map(|s| s.as_u16()),
        Some(400),
        "{err}"
    );
    let progress = err.progress();
    assert!(progress.dataset_id.is_some());
    assert_eq!(progress.items_created, 0);
    assert_eq!(emu.count(Collection::DatasetItems), 0, "all or nothing");
}
