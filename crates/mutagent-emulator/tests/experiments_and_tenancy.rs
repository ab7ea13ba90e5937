//! Experiments, organizations and workspaces, and what a workspace holds (agents, provider
//! configs).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test may panic

mod common;

use common::{dataset, evaluation, prompt, started, Client};
use mutagent_emulator::{Collection, Emulator};
use serde_json::{json, Value};

async fn experiment_setup() -> (Emulator, Client, Value) {
    let (emu, c) = started().await;
    let p = prompt(&c, "p", "Answer {question}").await;
    dataset(&c, 1, 3).await;
    evaluation(&c).await;
    (emu, c, p)
}

fn create_body(p: &Value) -> Value {
    json!({"promptId": "1", "promptGroupId": p["promptGroupId"], "evaluationId": 1, "datasetId": 1,
           "models": [{"id": "a", "model": "gpt-4o", "temperature": 0.2}, {"id": "b", "model": "claude", "temperature": 0.7}]})
}

/// Creates the experiment of [`create_body`] and returns the answer (checked to be a 201).
async fn create_experiment(c: &Client, p: &Value) -> Value {
    c.created("/api/prompts/experiments/", create_body(p)).await
}

/// `POST /api/prompts/experiments/` with `body`, asserting 400; the message.
async fn refused_experiment(c: &Client, body: Value) -> String {
    c.post("/api/prompts/experiments/", body).await.error(400)
}

#[tokio::test]
async fn experiment_lifecycle() {
    let (emu, c, p) = experiment_setup().await;
    let e = create_experiment(&c, &p).await;
    let id = e["id"].as_str().expect("string id").to_string();
    assert_eq!(e["status"], "running");
    assert_eq!(e["promptId"], 1);
    assert_eq!(e["datasetItemCount"], 3);
    let list = c
        .get_ok("/api/prompts/experiments/?status=running&promptId=1")
        .await;
    assert_eq!(list["total"], 1);
    assert_eq!(list["hasNext"], false);

    let r = c
        .created(&format!("/api/prompts/experiments/{id}/results"), json!({"datasetItemId": 1, "datasetItemIndex": 0, "modelColumnId": "a", "output": "hi", "evalScore": 0.8, "evalPassed": true, "latencyMs": "120", "evalCriteria": [{"name": "acc", "score": 0.8, "passed": true}]}))
        .await;
    assert_eq!(r["experimentId"], id.as_str());
    let m = c.post(&format!("/api/prompts/experiments/{id}/results"), json!({"datasetItemId": 1, "datasetItemIndex": 0, "modelColumnId": "zzz", "output": "hi"})).await.error(400);
    assert!(m.contains("modelColumnId"), "{m}");
    c.post(
        &format!("/api/prompts/experiments/{id}/results"),
        json!({"datasetItemId": 1, "datasetItemIndex": 0, "modelColumnId": "a", "output": ""}),
    )
    .await
    .error(400);

    let renamed = c
        .patch_ok(
            &format!("/api/prompts/experiments/{id}/name"),
            json!({"name": "bake-off"}),
        )
        .await;
    assert_eq!(renamed["name"], "bake-off");
    c.patch(
        &format!("/api/prompts/experiments/{id}/name"),
        json!({"title": "x"}),
    )
    .await
    .error(400);

    let done = c
        .patch_ok(&format!("/api/prompts/experiments/{id}"), json!({"status": "partial", "summary": {"totalEvaluations": 6, "completedEvaluations": "1", "perModelStats": {}}, "completedAt": "2024-05-01T10:00:00Z"}))
        .await;
    assert_eq!(done["status"], "partial");
    assert_eq!(done["resultCount"], 1);
    c.patch(&format!("/api/prompts/experiments/{id}"), json!({"status": "completed", "summary": {"totalEvaluations": 1, "completedEvaluations": 1, "perModelStats": {}}, "completedAt": "2024-05-01T10:00:00Z"})).await.error(409);
    c.post_empty(&format!("/api/prompts/experiments/{id}/execute"))
        .await
        .error(409);

    c.delete_ok(&format!("/api/prompts/experiments/{id}")).await;
    c.get(&format!("/api/prompts/experiments/{id}"))
        .await
        .error(404);
    assert_eq!(emu.count(Collection::ExperimentResults), 0);
}

#[tokio::test]
async fn execute_is_deterministic_and_validation_is_strict() {
    let (emu, c, p) = experiment_setup().await;
    let a = create_experiment(&c, &p).await;
    let b = create_experiment(&c, &p).await;
    assert_ne!(a["id"], b["id"]);
    let ra = c
        .post_empty_ok(&format!(
            "/api/prompts/experiments/{}/execute",
            a["id"].as_str().expect("id")
        ))
        .await;
    let rb = c
        .post_empty_ok(&format!(
            "/api/prompts/experiments/{}/execute",
            b["id"].as_str().expect("id")
        ))
        .await;
    assert_eq!(ra["status"], "completed");
    assert_eq!(ra["resultCount"], 6);
    assert_eq!(ra["summary"]["totalEvaluations"], 6);
    let scores = |v: &Value| {
        v["results"]
            .as_array()
            .expect("results")
            .iter()
            .map(|r| r["evalScore"].clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(scores(&ra), scores(&rb));
    let cmp = c.get_ok("/api/prompt/1/model-comparisons").await;
    assert_eq!(cmp["comparisons"].as_array().map(Vec::len), Some(2));

    let mut wrong_group = create_body(&p);
    wrong_group["promptGroupId"] = json!("other");
    assert!(refused_experiment(&c, wrong_group)
        .await
        .contains("promptGroupId"));
    let mut bad_id = create_body(&p);
    bad_id["promptId"] = json!("one");
    assert!(refused_experiment(&c, bad_id).await.contains("promptId"));
    let mut missing_models = create_body(&p);
    missing_models
        .as_object_mut()
        .expect("obj")
        .remove("models");
    assert!(refused_experiment(&c, missing_models)
        .await
        .contains("models"));
    c.get("/api/prompts/experiments/?status=done")
        .await
        .error(400);
    assert_eq!(emu.count(Collection::Experiments), 2);
}

#[tokio::test]
async fn organizations() {
    let emu = Emulator::builder().seed(1).start().await.expect("start");
    let c = Client::new(emu.addr());
    let list = c.get_ok("/api/organizations/").await;
    assert_eq!(list["total"], 1, "a default organization is seeded");
    assert_eq!(list["data"][0]["role"], "owner");
    assert_eq!(list["hasPrevious"], false);
    let o = c
        .created(
            "/api/organizations/",
            json!({"name": "Acme", "slug": "acme", "billingEmail": "b@acme.io"}),
        )
        .await;
    let id = o["id"].as_str().expect("id").to_string();
    assert_eq!(o["billingPlan"], "free");
    assert_eq!(o["isActive"], true);
    assert_eq!(o["stripeCustomerId"], Value::Null);
    c.post(
        "/api/organizations/",
        json!({"name": "Acme 2", "slug": "acme"}),
    )
    .await
    .error(409);
    let suffixed = c
        .created(
            "/api/organizations/",
            json!({"name": "Acme 2", "slug": "acme", "autoSuffixSlug": true}),
        )
        .await;
    assert_eq!(suffixed["slug"], "acme-2");
    // The contract states no slug pattern or length: any string is a slug.
    let odd = c
        .created(
            "/api/organizations/",
            json!({"name": "X", "slug": "Not A Slug"}),
        )
        .await;
    assert_eq!(odd["slug"], "Not A Slug");

    assert_eq!(
        c.get_ok(&format!("/api/organizations/{id}")).await["name"],
        "Acme"
    );
    assert_eq!(
        c.get_ok("/api/organizations/slug/acme").await["id"],
        id.as_str()
    );
    c.get("/api/organizations/slug/nope").await.error(404);
    assert_eq!(
        c.get_ok("/api/organizations/check-slug/acme").await["available"],
        false
    );
    assert_eq!(
        c.get_ok("/api/organizations/check-slug/fresh").await["available"],
        true
    );
    assert_eq!(
        c.get_ok(&format!("/api/organizations/{id}/member-count"))
            .await,
        json!({"count": 1})
    );
    let u = c
        .patch_ok(
            &format!("/api/organizations/{id}"),
            json!({"description": null, "isActive": false, "billingPlan": "pro"}),
        )
        .await;
    assert_eq!(u["isActive"], false);
    assert_eq!(
        c.get_ok("/api/organizations/?isActive=false").await["total"],
        1
    );
    assert_eq!(
        c.get_ok("/api/organizations/?limit=1&offset=1").await["hasPrevious"],
        true
    );
    c.patch(
        &format!("/api/organizations/{id}"),
        json!({"slug": "default"}),
    )
    .await
    .error(409);
    let d = c.delete_ok(&format!("/api/organizations/{id}")).await;
    assert_eq!(d["success"], true);
    assert!(d["message"].is_string());
    c.get(&format!("/api/organizations/{id}")).await.error(404);
    assert_eq!(
        emu.count(Collection::Organizations),
        3,
        "default + acme-2 + the odd slug"
    );
}

#[tokio::test]
async fn workspaces() {
    let (emu, c) = started().await;
    let list = c.get_ok("/api/workspaces/").await;
    assert_eq!(list["total"], 1, "a default workspace is seeded");
    let default = list["workspaces"][0].clone();
    assert_eq!(default["isDefault"], true);
    assert_eq!(default["role"], "admin");
    let w = c
        .created(
            "/api/workspaces/",
            json!({"name": "Team", "slug": "team", "settings": {"a": 1}}),
        )
        .await;
    let wid = w["id"].as_str().expect("id").to_string();
    assert_eq!(w["organizationId"], default["organizationId"]);
    assert_eq!(w["isDefault"], false);
    c.post("/api/workspaces/", json!({"name": "Team", "slug": "team"}))
        .await
        .error(409);
    c.post("/api/workspaces/", json!({"name": "Team"}))
        .await
        .error(400);

    let d = c
        .post_empty_ok(&format!("/api/workspaces/{wid}/set-default"))
        .await;
    assert_eq!(d["isDefault"], true);
    let old = default["id"].as_str().expect("id");
    assert_eq!(
        c.get_ok(&format!("/api/workspaces/{old}")).await["isDefault"],
        false
    );
    c.delete(&format!("/api/workspaces/{wid}")).await.error(409);
    let u = c
        .patch_ok(
            &format!("/api/workspaces/{old}"),
            json!({"isActive": false, "name": "Old"}),
        )
        .await;
    assert_eq!(u["isActive"], false);
    assert_eq!(c.get_ok("/api/workspaces/").await["total"], 1);
    assert_eq!(
        c.get_ok("/api/workspaces/?includeInactive=true").await["total"],
        2
    );
    let del = c.delete_ok(&format!("/api/workspaces/{old}")).await;
    assert_eq!(del["success"], true);
    c.get(&format!("/api/workspaces/{old}")).await.error(404);
    assert_eq!(emu.count(Collection::Workspaces), 1);
}

/// Integral floats (a Python client's `1.0`) are taken for the ids and the count of an
/// experiment, which the contract types "string or integer", and stored as integers; `1.5`
/// and a value below the range are still refused with the usual 400.
#[tokio::test]
async fn experiment_ids_and_count_take_integral_floats() {
    let (_emu, c, p) = experiment_setup().await;
    let mut body = create_body(&p);
    body["promptId"] = json!(1.0);
    body["evaluationId"] = json!(1.0);
    body["datasetId"] = json!(1.0);
    body["datasetItemCount"] = json!(2.0);
    let e = c.created("/api/prompts/experiments/", body).await;
    for key in ["promptId", "evaluationId", "datasetId", "datasetItemCount"] {
        assert!(e[key].is_i64(), "{key} answered as {}", e[key]);
    }
    assert_eq!(e["promptId"], 1);
    assert_eq!(e["datasetItemCount"], 2);
    for (key, value, message) in [
        (
            "promptId",
            json!(1.5),
            "field `promptId` must be a positive integer or a string of digits (got a number)",
        ),
        (
            "datasetId",
            json!(0.0),
            "field `datasetId` must be a positive integer or a string of digits (got a number)",
        ),
        (
            "datasetItemCount",
            json!(2.5),
            "field `datasetItemCount` must be an integer or a string of digits (got a number)",
        ),
        (
            "datasetItemCount",
            json!(-1.0),
            "field `datasetItemCount` must be an integer or a string of digits (got a number)",
        ),
    ] {
        let mut body = create_body(&p);
        body[key] = value;
        assert_eq!(refused_experiment(&c, body).await, message, "{key}");
    }
}

/// Values the contract allows that the emulator once refused: an `evalScore` outside 0..1, any
/// `temperature`, a `datasetItemCount` of 0, message roles other than system/user/assistant.
#[tokio::test]
async fn values_the_contract_allows_are_accepted() {
    let (_emu, c, p) = experiment_setup().await;
    let mut body = create_body(&p);
    body["models"][0]["temperature"] = json!(5.5);
    body["datasetItemCount"] = json!("0");
    let e = c.created("/api/prompts/experiments/", body).await;
    assert_eq!(e["datasetItemCount"], 0);
    let id = e["id"].as_str().expect("id");
    for score in [7.5, -2.0] {
        let r = c
            .created(&format!("/api/prompts/experiments/{id}/results"), json!({"datasetItemId": 1, "datasetItemIndex": 0, "modelColumnId": "a", "output": "hi", "evalScore": score}))
            .await;
        assert_eq!(r["evalScore"], score);
    }
    // A criterion's score keeps its documented 0..1.
    c.post(
        &format!("/api/prompts/experiments/{id}/results"),
        json!({"datasetItemId": 1, "datasetItemIndex": 0, "modelColumnId": "a", "output": "hi",
               "evalCriteria": [{"name": "acc", "score": 1.5, "passed": true}]}),
    )
    .await
    .error(400);
    c.created(
        "/api/prompt/",
        json!({"name": "m", "inputSchema": {}, "messages": [{"role": "tool", "content": "x"}]}),
    )
    .await;
}

/// models-secondary.md, CreateAgentRequest and UpdateAgentRequest: "`maxTurns` | number
/// (integral) | optional"; Agent: "`maxTurns` | number (integral) | required". A fraction is
/// refused on create as on update.
#[tokio::test]
async fn create_agent_refuses_a_non_integral_max_turns() {
    let (_emu, c) = started().await;
    let m = c
        .post(
            "/api/agents/",
            json!({"name": "A", "slug": "a", "systemPrompt": "p", "maxTurns": 2.5}),
        )
        .await
        .error(400);
    assert!(m.contains("maxTurns"), "{m}");
    c.created(
        "/api/agents/",
        json!({"name": "A", "slug": "a", "systemPrompt": "p"}),
    )
    .await;
    let m = c
        .patch("/api/agents/1", json!({"maxTurns": 2.5}))
        .await
        .error(400);
    assert!(m.contains("maxTurns"), "{m}");
}

/// A Python 0.4.1 client sends `maxTurns` as a float (`8.0`), and `expiresInDays` too. The
/// answer's `maxTurns` is "number (integral)": answered `8`, which the Rust SDK's
/// `Agent.max_turns` (`Option<i64>`) decodes, on create, update and later reads; `8.0` days of
/// an invitation are 8 days.
#[tokio::test]
async fn create_agent_answers_an_integral_max_turns() {
    let (_emu, c) = started().await;
    let a = c
        .created(
            "/api/agents/",
            json!({"name": "A", "slug": "a", "systemPrompt": "p", "maxTurns": 8.0}),
        )
        .await;
    assert!(
        a["maxTurns"].is_i64(),
        "maxTurns answered as {}",
        a["maxTurns"]
    );
    assert_eq!(a["maxTurns"], 8);
    let a = c.patch_ok("/api/agents/1", json!({"maxTurns": 9.0})).await;
    assert!(
        a["maxTurns"].is_i64(),
        "maxTurns answered as {}",
        a["maxTurns"]
    );
    let listed = c.get_ok("/api/agents/").await;
    assert_eq!(listed["data"][0]["maxTurns"], 9);

    let orgs = c.get_ok("/api/organizations/").await;
    let org = orgs["data"][0]["id"].as_str().expect("org id");
    let path = format!("/api/organizations/{org}/invitations/");
    let days =
        |days: f64| json!({"email": "x@example.com", "role": "viewer", "expiresInDays": days});
    let one = c.created(&path, days(1.0)).await;
    let eight = c.created(&path, days(8.0)).await;
    assert_ne!(one["expiresAt"], eight["expiresAt"]);
    c.post(&path, days(1.5)).await.error(400);
}

/// models-secondary.md, CreateProviderConfigRequest: "`modelOverrides` | object (string →
/// string map)", "`credentialFields` | object (string → string map)";
/// UpdateProviderConfigRequest: "`modelOverrides` | object (string → string map) | optional,
/// nullable", "`credentialFields` | object (string → string-or-null map)". A value of another
/// type is refused, on create and on update; a null credential field on update is not.
#[tokio::test]
async fn create_provider_refuses_non_string_map_values() {
    let (_emu, c) = started().await;
    for (key, map) in [
        ("modelOverrides", json!({"gpt-4o": 1})),
        ("credentialFields", json!({"region": 5})),
        ("credentialFields", json!({"region": null})),
    ] {
        let mut body = json!({"name": "P", "provider": "openai"});
        body[key] = map.clone();
        let m = c.post("/api/providers/", body).await.error(400);
        assert!(m.contains(key), "create {key} {map}: {m}");
    }
    let made = c
        .created(
            "/api/providers/",
            json!({"name": "P", "provider": "openai", "modelOverrides": {"gpt-4o": "gpt-4o-2024"},
                   "credentialFields": {"region": "eu"}}),
        )
        .await;
    assert_eq!(made["modelOverrides"], json!({"gpt-4o": "gpt-4o-2024"}));
    let path = format!("/api/providers/{}", made["id"].as_str().expect("id"));
    for (key, map) in [
        ("modelOverrides", json!({"gpt-4o": true})),
        ("modelOverrides", json!({"gpt-4o": null})),
        ("credentialFields", json!({"region": 5})),
    ] {
        let mut body = json!({});
        body[key] = map.clone();
        let m = c.patch(&path, body).await.error(400);
        assert!(m.contains(key), "update {key} {map}: {m}");
    }
    c.patch_ok(
        &path,
        json!({"credentialFields": {"region": null}, "modelOverrides": null}),
    )
    .await;
}
