//! The secondary namespaces of API 0.1.2: prompt readiness, the playground and prompt
//! executions.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test may panic

mod common;

use common::{dataset, evaluation, prompt, started};
use mutagent_emulator::Collection;
use serde_json::{json, Value};

#[tokio::test]
async fn readiness_follows_the_prompt_group() {
    let (_emu, c) = started().await;
    let p = prompt(&c, "p", "Answer {question}").await;
    let group = p["promptGroupId"].as_str().expect("group").to_string();
    let path = format!("/api/prompts/readiness/{group}");

    let r = c.get_ok(&path).await;
    assert_eq!(r["promptGroupId"], group.as_str());
    assert_eq!(r["ready"], false);
    assert_eq!(r["latestPromptId"], p["id"]);
    let passed = |r: &serde_json::Value, name: &str| {
        r["checks"]
            .as_array()
            .expect("checks")
            .iter()
            .find(|c| c["name"] == name)
            .unwrap_or_else(|| panic!("check {name}"))["passed"]
            .clone()
    };
    assert_eq!(passed(&r, "prompt"), true);
    assert_eq!(passed(&r, "dataset"), false);

    // An empty dataset is not enough; items and an evaluation make the group ready.
    dataset(&c, 1, 0).await;
    let r = c.get_ok(&path).await;
    assert_eq!(passed(&r, "dataset"), true);
    assert_eq!(passed(&r, "datasetItems"), false);
    assert_eq!(r["ready"], false);
    dataset(&c, 1, 2).await;
    let r = c.get_ok(&path).await;
    assert_eq!(r["itemCount"], 2);
    assert_eq!(r["ready"], false, "no evaluation yet");
    evaluation(&c).await;
    let r = c.get_ok(&path).await;
    assert_eq!(r["ready"], true);
    assert_eq!(r["evaluationCount"], 1);
    assert_eq!(r["evaluationRunCount"], 0);
    c.post_empty_ok("/api/prompts/evaluations/1/run").await;
    let r = c.get_ok(&path).await;
    assert_eq!(r["evaluationRunCount"], 1);

    // An unknown group is a 404 naming it.
    let missing = c.get("/api/prompts/readiness/no-such-group").await;
    assert_eq!(missing.status, 404);
    assert!(missing.error(404).contains("no-such-group"));
}

#[tokio::test]
async fn playground_runs_are_recorded_as_executions() {
    let (emu, c) = started().await;
    let p = prompt(&c, "p", "Answer {question}").await;
    let group = p["promptGroupId"].as_str().expect("group").to_string();

    let call = json!({"input": {"question": "why?"}, "llmConfig": {"model": "gpt-4o", "temperature": 0.3, "maxTokens": 50}});
    let first = c
        .post_ok("/api/prompt/1/playground/call", call.clone())
        .await;
    assert_eq!(first["actualOutput"], "Answer why?");
    assert_eq!(first["model"], "gpt-4o");
    assert_eq!(first["temperature"], 0.3);
    assert_eq!(first["maxTokens"], 50);
    assert_eq!(first["executionStatus"], "success");
    assert_eq!(first["promptId"], 1);
    assert_eq!(first["score"], Value::Null);
    let usage = &first["tokenUsage"];
    assert_eq!(
        usage["total"].as_u64(),
        Some(usage["input"].as_u64().expect("in") + usage["output"].as_u64().expect("out"))
    );
    assert_eq!(emu.count(Collection::PromptExecutions), 1);

    // The same call gives the same output, time, tokens and cost: only ids differ.
    let second = c.post_ok("/api/prompt/1/playground/call", call).await;
    for key in ["actualOutput", "executionTime", "tokenUsage", "cost"] {
        assert_eq!(first[key], second[key], "{key}");
    }
    assert_ne!(first["id"], second["id"]);
    assert_ne!(first["runGroupId"], second["runGroupId"]);

    // Each call is a run, and its execution can be found by id, by run and by prompt.
    let run = first["runGroupId"].as_str().expect("run");
    let got = c
        .get_ok(&format!("/api/prompts/executions/{}", first["id"]))
        .await;
    assert_eq!(got, first);
    let runs = c
        .get_ok(&format!(
            "/api/prompts/executions/runs?promptGroupId={group}"
        ))
        .await;
    assert_eq!(runs["total"], 2);
    assert_eq!(runs["data"][0]["runGroupId"], run);
    assert_eq!(runs["data"][0]["executionCount"], 1);
    let one = c
        .get_ok(&format!("/api/prompts/executions/runs/{run}"))
        .await;
    assert_eq!(one["executions"][0], first);
    let by_run = c
        .get_ok(&format!("/api/prompts/executions/?runGroupId={run}"))
        .await;
    assert_eq!(by_run["total"], 1);
    let by_prompt = c
        .get_ok("/api/prompts/executions/?promptId=1&model=gpt-4o&limit=1.0")
        .await;
    assert_eq!(
        (by_prompt["total"].clone(), by_prompt["limit"].clone()),
        (json!(2), json!(1))
    );
    let none = c.get_ok("/api/prompts/executions/?model=claude").await;
    assert_eq!(none["total"], 0);

    // Deleting the run deletes its execution; unknown ones are 404.
    c.delete_ok(&format!("/api/prompts/executions/runs/{run}"))
        .await;
    assert_eq!(emu.count(Collection::PromptExecutions), 1);
    c.get(&format!("/api/prompts/executions/runs/{run}"))
        .await
        .error(404);
    c.get(&format!("/api/prompts/executions/{}", first["id"]))
        .await
        .error(404);
    c.post("/api/prompt/9/playground/call", json!({"input": {}}))
        .await
        .error(404);
}

#[tokio::test]
async fn playground_eval_scores_deterministically() {
    let (_emu, c) = started().await;
    prompt(&c, "p", "Answer {question}").await;
    dataset(&c, 1, 1).await;
    evaluation(&c).await;
    let body = json!({"input": {"question": "why?"}, "evaluationId": 1});
    let a = c
        .post_ok("/api/prompt/1/playground/eval", body.clone())
        .await;
    let b = c.post_ok("/api/prompt/1/playground/eval", body).await;
    let score = a["score"].as_f64().expect("score");
    assert!((0.0..=1.0).contains(&score));
    assert_eq!(a["score"], b["score"]);
    assert_eq!(a["success"], json!(score >= 0.5));
    assert_eq!(a["evaluationId"], 1);
    // The stored record is the execution shape (no evaluationId).
    let stored = c
        .get_ok(&format!("/api/prompts/executions/{}", a["id"]))
        .await;
    assert_eq!(stored["score"], a["score"]);
    assert!(stored.get("evaluationId").is_none());
    c.post(
        "/api/prompt/1/playground/eval",
        json!({"input": {}, "evaluationId": 7}),
    )
    .await
    .error(404);
}

#[tokio::test]
async fn executions_recorded_by_clients_and_batches() {
    let (emu, c) = started().await;
    prompt(&c, "p", "Hi {name}").await;
    let one = json!({"inputs": {"name": "Ann"}, "model": "gpt-4o", "actualOutput": "Hi Ann",
                     "executionStatus": "success", "executionTime": 12.5, "cost": 0.01,
                     "tokenUsage": {"input": 3, "output": 2, "total": 5}, "maxTokens": 10});
    let mut create = one.clone();
    create["promptId"] = json!(1);
    let made = c.created("/api/prompts/executions/", create.clone()).await;
    assert_eq!(made["id"], 1);
    assert_eq!(made["runGroupId"], Value::Null);
    assert_eq!(made["cost"], 0.01);
    assert!(made["workspaceId"].is_string());

    let mut failed = one.clone();
    failed["model"] = json!("claude");
    failed["executionStatus"] = json!("timeout");
    let batch = c
        .created(
            "/api/prompts/executions/batch",
            json!({"promptId": 1, "executions": [one, failed]}),
        )
        .await;
    assert_eq!(batch["count"], 2);
    let run = batch["runGroupId"].as_str().expect("run");
    let runs = c.get_ok("/api/prompts/executions/runs?promptId=1").await;
    assert_eq!(runs["total"], 1, "a lone execution is no run");
    assert_eq!(runs["data"][0]["models"], json!(["gpt-4o", "claude"]));
    assert_eq!(runs["data"][0]["runGroupId"], run);

    let export = c
        .get_ok("/api/prompts/executions/export?format=json&model=claude")
        .await;
    assert_eq!(export["count"], 1);
    assert_eq!(export["data"][0]["executionStatus"], "timeout");
    let today = made["createdAt"].as_str().expect("createdAt")[..10].to_string();
    let dated = c
        .get_ok(&format!(
            "/api/prompts/executions/?fromDate={today}&toDate={today}"
        ))
        .await;
    assert_eq!(dated["total"], 3);
    let later = c
        .get_ok("/api/prompts/executions/?fromDate=2999-01-01")
        .await;
    assert_eq!(later["total"], 0);
    let csv = c
        .get("/api/prompts/executions/export?format=csv&promptId=1")
        .await;
    assert_eq!(csv.status, 200);
    assert_eq!(csv.header("content-type"), Some("text/csv; charset=utf-8"));
    let text = String::from_utf8(csv.body).expect("utf-8");
    let lines: Vec<&str> = text.split("\r\n").collect();
    assert_eq!(
        lines.len(),
        5,
        "header, three records, and the last line end: {text:?}"
    );
    assert!(lines[0].starts_with("id,promptId,workspaceId,inputs,model,actualOutput,"));
    // Objects are JSON in one quoted field, quotes doubled.
    assert!(
        lines[1].starts_with("1,1,")
            && lines[1].contains(r#""{""name"":""Ann""}",gpt-4o,Hi Ann,success,12.5,"#),
        "{}",
        lines[1]
    );
    assert_eq!(lines[4], "");

    c.delete_ok("/api/prompts/executions/1").await;
    assert_eq!(emu.count(Collection::PromptExecutions), 2);
    c.delete("/api/prompts/executions/1").await.error(404);
}

#[tokio::test]
async fn execution_bodies_are_checked_where_the_contract_is() {
    let (_emu, c) = started().await;
    prompt(&c, "p", "Hi").await;
    let base = json!({"promptId": 1, "inputs": {}, "model": "m", "actualOutput": "",
                      "executionStatus": "success"});
    let with = |key: &str, value: Value| {
        let mut b = base.clone();
        b[key] = value;
        b
    };
    for (body, field) in [
        (with("model", json!("")), "model"),
        (with("executionStatus", json!("done")), "executionStatus"),
        (with("executionTime", json!(-1)), "executionTime"),
        (with("cost", json!(-0.5)), "cost"),
        (with("maxTokens", json!(0)), "maxTokens"),
        (with("promptId", json!(0)), "promptId"),
        (with("inputs", json!([])), "inputs"),
        (with("input_s", json!({})), "input_s"),
    ] {
        let message = c.post("/api/prompts/executions/", body).await.error(400);
        assert!(message.contains(field), "{field}: {message}");
    }
    let message = c
        .post(
            "/api/prompts/executions/batch",
            json!({"promptId": 1, "executions": [{"inputs": {}, "model": "", "actualOutput": "", "executionStatus": "success"}]}),
        )
        .await
        .error(400);
    assert!(message.contains("executions[0].model"), "{message}");
    c.post("/api/prompts/executions/", with("promptId", json!(5)))
        .await
        .error(404);
    let message = c
        .post("/api/prompt/1/playground/call", json!({"llmConfig": {}}))
        .await
        .error(400);
    assert!(message.contains("input"), "{message}");
    c.get("/api/prompts/executions/?limit=101").await.error(400);
    c.get("/api/prompts/executions/export?format=xml")
        .await
        .error(400);
    c.get("/api/prompts/executions/abc").await.error(400);
}

/// models-secondary.md, InputsModelActualOutput (element of `executions`): "`tokenUsage` |
/// InputOutputTotal | optional"; PromptIdInputsModel: "`tokenUsage` | InputOutputTotal
/// (inferred) | optional"; InputOutputTotal: "`input` | number (integral) >= 0 | required",
/// same for `output` and `total`. Each broken rule is refused on create and in a batch; a
/// whole number written as a float (Python's `3.0`) is taken and stored as the integer.
#[tokio::test]
async fn executions_refuse_a_token_usage_that_is_not_input_output_total() {
    let (_emu, c) = started().await;
    prompt(&c, "p", "Answer {q}").await;
    let e = json!({"inputs": {}, "model": "m", "actualOutput": "o", "executionStatus": "success"});
    let with_usage = |usage: Value| {
        let mut e = e.clone();
        e["tokenUsage"] = usage;
        e
    };
    for (usage, field) in [
        (
            json!({"input": -1, "output": 2, "total": 1}),
            "tokenUsage.input",
        ),
        (
            json!({"input": 1, "output": "x", "total": 1}),
            "tokenUsage.output",
        ),
        (
            json!({"input": 1, "output": 2, "total": 2.5}),
            "tokenUsage.total",
        ),
        (json!({"input": 1, "output": 2}), "tokenUsage.total"),
    ] {
        let batch = json!({"promptId": 1, "executions": [with_usage(usage.clone())]});
        let m = c
            .post("/api/prompts/executions/batch", batch)
            .await
            .error(400);
        assert!(
            m.contains(&format!("executions[0].{field}")),
            "batch {usage}: {m}"
        );
        let mut one = with_usage(usage.clone());
        one["promptId"] = json!(1);
        let m = c.post("/api/prompts/executions/", one).await.error(400);
        assert!(m.contains(field), "create {usage}: {m}");
    }
    let mut one = with_usage(json!({"input": 3.0, "output": 2, "total": 5}));
    one["promptId"] = json!(1);
    let made = c.created("/api/prompts/executions/", one).await;
    assert!(
        made["tokenUsage"]["input"].is_i64(),
        "{}",
        made["tokenUsage"]
    );
    assert_eq!(made["tokenUsage"]["input"], 3);
}

/// models-secondary.md, ModelTemperatureMaxTokens (`llmConfig`): "`maxTokens` | number
/// (integral) | optional"; models.md: "the generator maps every OpenAPI `number` to Python
/// `float`". `50.0` is such a number: taken, and answered as the integer 50; `50.5` is not.
#[tokio::test]
async fn playground_accepts_an_integral_max_tokens_written_as_a_float() {
    let (_emu, c) = started().await;
    prompt(&c, "p", "Answer {q}").await;
    let call =
        |max_tokens: Value| json!({"input": {"q": "why?"}, "llmConfig": {"maxTokens": max_tokens}});
    let r = c
        .post_ok("/api/prompt/1/playground/call", call(json!(50.0)))
        .await;
    assert!(
        r["maxTokens"].is_i64(),
        "maxTokens answered as {}",
        r["maxTokens"]
    );
    assert_eq!(r["maxTokens"], 50);
    let m = c
        .post("/api/prompt/1/playground/call", call(json!(50.5)))
        .await
        .error(400);
    assert!(m.contains("llmConfig.maxTokens"), "{m}");
}
