//! The secondary namespaces of API 0.1.2: prompt readiness, the playground and prompt
//! executions.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test may panic

mod common;

use common::{dataset, evaluation, prompt, Client};
use mutagent_emulator::Emulator;

#[tokio::test]
async fn readiness_follows_the_prompt_group() {
    let emu = Emulator::start().await.expect("start");
    let c = Client::new(emu.addr());
    let p = prompt(&c, "p", "Answer {question}").await;
    let group = p["promptGroupId"].as_str().expect("group").to_string();
    let path = format!("/api/prompts/readiness/{group}");

    let r = c.ok("GET", &path, None, 200).await;
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
    let r = c.ok("GET", &path, None, 200).await;
    assert_eq!(passed(&r, "dataset"), true);
    assert_eq!(passed(&r, "datasetItems"), false);
    assert_eq!(r["ready"], false);
    dataset(&c, 1, 2).await;
    let r = c.ok("GET", &path, None, 200).await;
    assert_eq!(r["itemCount"], 2);
    assert_eq!(r["ready"], false, "no evaluation yet");
    evaluation(&c).await;
    let r = c.ok("GET", &path, None, 200).await;
    assert_eq!(r["ready"], true);
    assert_eq!(r["evaluationCount"], 1);
    assert_eq!(r["evaluationRunCount"], 0);
    c.ok("POST", "/api/prompts/evaluations/1/run", None, 200)
        .await;
    let r = c.ok("GET", &path, None, 200).await;
    assert_eq!(r["evaluationRunCount"], 1);

    // An unknown group is a 404 naming it.
    let missing = c.get("/api/prompts/readiness/no-such-group").await;
    assert_eq!(missing.status, 404);
    assert!(missing.error(404).contains("no-such-group"));
}
