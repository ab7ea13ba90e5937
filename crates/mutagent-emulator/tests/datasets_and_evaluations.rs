//! Datasets (scoping, force delete, clone, export), items (single and bulk) and evaluations
//! (versions, deterministic runs, results, history, aggregation).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test may panic

mod common;

use common::{dataset, evaluation, prompt, started};
use mutagent_emulator::Collection;
use serde_json::{json, Value};

#[tokio::test]
async fn datasets_belong_to_the_prompt_group() {
    let (_emu, c) = started().await;
    let p1 = prompt(&c, "p", "t").await;
    c.created("/api/prompt/1/versions", json!({"newVersion": "1.0.1"}))
        .await;
    prompt(&c, "other", "t").await; // id 3, another group
    let d = c
        .created(
            "/api/prompt/1/datasets",
            json!({"name": "golden", "labels": ["a"]}),
        )
        .await;
    assert_eq!(d["id"], 1);
    assert_eq!(d["promptGroupId"], p1["promptGroupId"]);
    assert_eq!(d["itemCount"], 0);
    // Visible from the other version of the same group, not from another group.
    let for_v2 = c.get_ok("/api/prompt/2/datasets").await;
    assert_eq!(for_v2.as_array().map(Vec::len), Some(1));
    assert_eq!(c.get_ok("/api/prompt/3/datasets").await, json!([]));
    assert_eq!(
        c.get_ok("/api/prompts/datasets/?promptId=2").await["total"],
        1
    );
    assert_eq!(
        c.get_ok("/api/prompts/datasets/?promptId=3").await["total"],
        0
    );
    let g = p1["promptGroupId"].as_str().expect("g");
    let l = c
        .get_ok(&format!(
            "/api/prompts/datasets/?promptGroupId={g}&name=gold"
        ))
        .await;
    assert_eq!(l["total"], 1);
    assert_eq!(l["hasNext"], false);
    c.post("/api/prompt/99/datasets", json!({"name": "x"}))
        .await
        .error(404);
    let upd = c
        .patch_ok("/api/prompts/datasets/1", json!({"description": "d"}))
        .await;
    assert_eq!(upd["description"], "d");
}

#[tokio::test]
async fn items_bulk_and_crud() {
    let (emu, c) = started().await;
    prompt(&c, "p", "t").await;
    dataset(&c, 1, 0).await;
    let created = c
        .created("/api/prompts/datasets/1/items/bulk", json!({"items": [{"input": {"q": 1}, "expectedOutput": {"a": 1}}, {"input": {"q": 2}, "labels": ["x"]}]}))
        .await;
    let arr = created.as_array().expect("bare array");
    assert_eq!(arr.len(), 2);
    assert_eq!(arr[0]["id"], 1);
    assert_eq!(arr[1]["datasetId"], 1);
    // All-or-nothing validation with the item index in the message.
    let m = c
        .post(
            "/api/prompts/datasets/1/items/bulk",
            json!({"items": [{"input": {}}, {"expected_output": {}}]}),
        )
        .await
        .error(400);
    assert!(m.contains("items[1]"), "{m}");
    c.post("/api/prompts/datasets/1/items/bulk", json!({"items": []}))
        .await
        .error(400);
    c.post("/api/prompts/datasets/1/items/bulk", json!([{"input": {}}]))
        .await
        .error(400);
    assert_eq!(emu.count(Collection::DatasetItems), 2);

    let one = c
        .created(
            "/api/prompts/datasets/1/items",
            json!({"input": {"q": 3}, "name": "third"}),
        )
        .await;
    assert_eq!(one["id"], 3);
    assert!(c
        .post("/api/prompts/datasets/1/items", json!({"input": "text"}))
        .await
        .error(400)
        .contains("input"));
    let list = c.get_ok("/api/prompts/datasets/1/items").await;
    assert_eq!(list.as_array().map(Vec::len), Some(3));
    let upd = c
        .patch_ok(
            "/api/prompts/dataset-items/3",
            json!({"userFeedback": "good"}),
        )
        .await;
    assert_eq!(upd["userFeedback"], "good");
    assert_eq!(upd["input"], json!({"q": 3}));
    // Deleting an item changes its dataset, as creating or updating one does.
    let before = c.get_ok("/api/prompts/datasets/1").await["updatedAt"].clone();
    emu.advance_clock(std::time::Duration::from_secs(5));
    c.delete_ok("/api/prompts/dataset-items/3").await;
    c.get("/api/prompts/dataset-items/3").await.error(404);
    let after = c.get_ok("/api/prompts/datasets/1").await;
    assert_eq!(after["itemCount"], 2);
    assert_ne!(after["updatedAt"], before, "the delete stamps the dataset");
}

#[tokio::test]
async fn delete_dataset_with_items_needs_force() {
    let (emu, c) = started().await;
    prompt(&c, "p", "t").await;
    dataset(&c, 1, 3).await;
    let m = c.delete("/api/prompts/datasets/1").await.error(409);
    assert!(m.contains("3 item") && m.contains("force=true"), "{m}");
    assert_eq!(emu.count(Collection::Datasets), 1);
    c.delete("/api/prompts/datasets/1?force=yes")
        .await
        .error(400);
    let ok = c.delete_ok("/api/prompts/datasets/1?force=true").await;
    assert_eq!(ok["success"], true);
    assert_eq!(emu.count(Collection::DatasetItems), 0);
    // An empty dataset deletes without force.
    dataset(&c, 1, 0).await;
    c.delete_ok("/api/prompts/datasets/2").await;
}

#[tokio::test]
async fn clone_and_export() {
    let (emu, c) = started().await;
    prompt(&c, "source", "t").await;
    let target = prompt(&c, "target", "t").await;
    dataset(&c, 1, 2).await;
    let cl = c
        .created(
            "/api/prompts/datasets/1/clone",
            json!({"targetPromptId": 2, "newName": "copy"}),
        )
        .await;
    assert_eq!(cl["id"], 2);
    assert_eq!(cl["name"], "copy");
    assert_eq!(cl["promptGroupId"], target["promptGroupId"]);
    assert_eq!(cl["itemCount"], 2);
    let g = target["promptGroupId"].clone();
    let cl2 = c
        .created(
            "/api/prompts/datasets/1/clone",
            json!({"targetPromptGroupId": g}),
        )
        .await;
    assert_eq!(cl2["name"], "ds (copy)");
    c.post(
        "/api/prompts/datasets/1/clone",
        json!({"targetPromptId": 2, "targetPromptGroupId": "x"}),
    )
    .await
    .error(400);
    c.post(
        "/api/prompts/datasets/1/clone",
        json!({"targetPromptGroupId": "nope"}),
    )
    .await
    .error(404);
    c.post(
        "/api/prompts/datasets/1/clone",
        json!({"targetPromptId": 77}),
    )
    .await
    .error(404);
    assert_eq!(emu.count(Collection::DatasetItems), 6);

    let ex = c.get_ok("/api/prompts/datasets/2/export").await;
    assert_eq!(ex["dataset"]["id"], 2);
    assert_eq!(ex["promptGroup"]["id"], g);
    assert_eq!(ex["items"].as_array().map(Vec::len), Some(2));
    assert!(ex["exportedAt"].as_str().is_some_and(|s| s.ends_with('Z')));
}

async fn run_scores(text: &str) -> (Value, Value) {
    let (_emu, c) = started().await;
    prompt(&c, "p", text).await;
    dataset(&c, 1, 4).await;
    c.created("/api/prompts/evaluations/", json!({"promptId": 1, "datasetId": 1, "name": "e", "evalConfig": {"criteria": [{"name": "accuracy", "criteria": "c", "evaluationParameter": "output"}], "threshold": 0.4}})).await;
    let run = c.post_empty_ok("/api/prompts/evaluations/1/run").await;
    assert_eq!(run["success"], true);
    assert_eq!(run["evaluationId"], 1);
    assert!(run["message"].is_string());
    let r = c.get_ok("/api/prompts/evaluations/1/result").await;
    (r["score"].clone(), r["metricResults"]["items"].clone())
}

#[tokio::test]
async fn evaluation_scores_are_deterministic() {
    let (a, items_a) = run_scores("Answer {question}").await;
    let (b, items_b) = run_scores("Answer {question}").await;
    let (other, _) = run_scores("Refuse {question}").await;
    let s = a.as_f64().expect("score");
    assert!((0.0..=1.0).contains(&s));
    assert_eq!(a, b);
    assert_eq!(items_a, items_b);
    assert_eq!(items_a.as_array().map(Vec::len), Some(4));
    assert_ne!(a, other);
}

#[tokio::test]
async fn evaluation_lifecycle() {
    let (emu, c) = started().await;
    let p = prompt(&c, "p", "Answer {question}").await;
    dataset(&c, 1, 2).await;
    let e = evaluation(&c).await;
    assert_eq!(e["id"], 1);
    assert_eq!(e["version"], "1.0.0");
    assert_eq!(e["isLatest"], true);
    assert_eq!(e["ancestorId"], Value::Null);
    assert_eq!(e["promptGroupId"], p["promptGroupId"]);
    c.get("/api/prompts/evaluations/1/result").await.error(404);
    c.post(
        "/api/prompts/evaluations/",
        json!({"promptId": 9, "name": "e"}),
    )
    .await
    .error(404);
    c.post("/api/prompts/evaluations/", json!({"promptId": 1}))
        .await
        .error(400);

    let upd = c
        .patch_ok(
            "/api/prompts/evaluations/1",
            json!({"name": "renamed", "evalConfig": {"threshold": 0.9}}),
        )
        .await;
    assert_eq!(upd["name"], "renamed");
    let v2 = c
        .ok("POST", "/api/prompts/evaluations/1/version", None, 201)
        .await;
    assert_eq!(v2["id"], 2);
    assert_eq!(v2["evaluationGroupId"], e["evaluationGroupId"]);
    assert_eq!(v2["ancestorId"], 1);
    assert_eq!(v2["version"], "1.1.0");
    assert_eq!(v2["isLatest"], true);
    assert_eq!(
        c.get("/api/prompts/evaluations/1").await.json()["isLatest"],
        false
    );
    assert_eq!(
        c.get_ok("/api/prompts/evaluations/?isLatest=true").await["total"],
        1
    );
    assert_eq!(
        c.get_ok("/api/prompts/evaluations/?promptId=1&datasetId=1")
            .await["total"],
        2
    );

    c.post_empty_ok("/api/prompts/evaluations/1/run").await;
    c.post_empty_ok("/api/prompts/evaluations/1/run").await;
    c.post_empty_ok("/api/prompts/evaluations/2/run").await;
    let first = c.get_ok("/api/prompts/evaluations/1/result").await;
    assert_eq!(first["evaluationId"], 1);
    assert_eq!(first["success"], true);
    assert_eq!(first["actualOutput"][0]["output"], "Answer q0");
    let hist = c.get_ok("/api/prompts/evaluations/1/history").await;
    assert_eq!(hist["total"], 2);
    assert_eq!(hist["data"][0]["score"], hist["data"][1]["score"]);

    let g = p["promptGroupId"].as_str().expect("g");
    let agg = c
        .get_ok(&format!(
            "/api/prompts/evaluations/results?promptGroupId={g}&groupBy=evaluation"
        ))
        .await;
    assert_eq!(agg["total"], 2);
    assert_eq!(agg["data"][0]["runs"], 2);
    assert_eq!(agg["data"][0]["averageScore"], first["score"]);
    let by_version = c
        .get_ok(&format!(
            "/api/prompts/evaluations/results?promptGroupId={g}&groupBy=version&timeRange=7d"
        ))
        .await;
    assert_eq!(by_version["data"][0]["key"], "1.0.0");
    assert_eq!(by_version["data"][0]["runs"], 3);
    // groupBy and timeRange are free strings in the contract: a value the emulator cannot
    // compute is answered as grouped by evaluation, an unknown range as `all`.
    let by_colour = c
        .get_ok(&format!(
            "/api/prompts/evaluations/results?promptGroupId={g}&groupBy=colour&timeRange=fortnight"
        ))
        .await;
    let by_evaluation = c
        .get_ok(&format!(
            "/api/prompts/evaluations/results?promptGroupId={g}&groupBy=evaluation"
        ))
        .await;
    assert_eq!(by_colour, by_evaluation);

    c.delete_ok("/api/prompts/evaluations/2").await;
    assert_eq!(
        c.get("/api/prompts/evaluations/1").await.json()["isLatest"],
        true
    );
    assert_eq!(emu.count(Collection::EvaluationResults), 2);
}

/// An evaluation's `promptId` and `datasetId` are integers in the contract: a Python client's
/// `1.0` is taken and answered as `1`; `1.5` is refused with the usual 400.
#[tokio::test]
async fn evaluation_ids_take_integral_floats() {
    let (_emu, c) = started().await;
    let p = prompt(&c, "p", "Answer {question}").await;
    dataset(&c, 1, 1).await;
    let e = c
        .created(
            "/api/prompts/evaluations/",
            json!({"promptId": 1.0, "datasetId": 1.0, "name": "e"}),
        )
        .await;
    // The answer names the prompt by its group; the dataset by the id, stored as an integer.
    assert!(e["datasetId"].is_i64(), "{}", e["datasetId"]);
    assert_eq!(e["datasetId"], 1);
    assert_eq!(e["promptGroupId"], p["promptGroupId"]);
    let m = c
        .post(
            "/api/prompts/evaluations/",
            json!({"promptId": 1.5, "name": "e"}),
        )
        .await
        .error(400);
    assert_eq!(m, "field `promptId` must be an integer (got 1.5)");
}
