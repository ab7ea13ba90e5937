//! Optimization jobs: lifecycle driven by the emulator clock (advanced manually, so nothing here
//! depends on wall-clock timing), pause/resume/cancel, progress, states, results, resultPromptId.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test may panic

mod common;

use std::time::Duration;

use common::{dataset, prompt, Client};
use mutagent_emulator::{Collection, Emulator};
use serde_json::{json, Value};

const HOUR: Duration = Duration::from_secs(3600);

async fn setup(items: usize) -> (Emulator, Client) {
    // One "hour" per iteration: only advance_clock moves jobs forward.
    let emu = Emulator::builder()
        .optimization_step(HOUR)
        .seed(7)
        .start()
        .await
        .expect("start");
    let c = Client::new(emu.addr());
    prompt(&c, "p", "Answer {question}").await;
    dataset(&c, 1, items).await;
    (emu, c)
}

async fn job(c: &Client, id: &str) -> Value {
    c.get_ok(&format!("/api/optimization/{id}")).await
}

/// Starts an optimization of prompt 1 with `body`; the job created and its id.
async fn start_job(c: &Client, body: Value) -> (Value, String) {
    let job = c.created("/api/prompt/1/optimize", body).await;
    let id = job["id"].as_str().expect("string id").to_string();
    (job, id)
}

/// `POST /api/optimization/{id}/{action}` (pause, resume, cancel), asserting 200; the job.
async fn control_ok(c: &Client, id: &str, action: &str) -> Value {
    c.post_empty_ok(&format!("/api/optimization/{id}/{action}"))
        .await
}

/// The same, asserting the job's state refuses it (409).
async fn control_refused(c: &Client, id: &str, action: &str) {
    c.post_empty(&format!("/api/optimization/{id}/{action}"))
        .await
        .error(409);
}

#[tokio::test]
async fn job_runs_to_completion_and_creates_a_prompt_version() {
    let (emu, c) = setup(3).await;
    let (j, id) = start_job(&c, json!({"datasetId": 1, "config": {"maxIterations": 3}})).await;
    assert_eq!(id.len(), 36);
    assert_eq!(j["status"], "queued");
    assert_eq!(j["currentIteration"], 0);
    assert_eq!(j["maxIterations"], 3);
    assert_eq!(j["executionMode"], "worker_loop");
    assert_eq!(j["resultPromptId"], Value::Null);
    assert_eq!(j["config"], json!({"maxIterations": 3}));

    emu.advance_clock(HOUR);
    let r = job(&c, &id).await;
    assert_eq!(r["status"], "running");
    assert_eq!(r["currentIteration"], 0);
    assert!(r["startedAt"].is_string());
    assert!(r["recentEvents"]
        .as_array()
        .is_some_and(|e| e.iter().any(|e| e["eventType"] == "job.started")));

    emu.advance_clock(HOUR * 2);
    let r = job(&c, &id).await;
    assert_eq!(r["status"], "running");
    assert_eq!(r["currentIteration"], 2);
    assert!(
        r["progress"]
            .as_f64()
            .is_some_and(|p| (p - 66.7).abs() < 0.1),
        "{}",
        r["progress"]
    );
    assert_eq!(r["latestState"]["iteration"], 2);
    assert_eq!(
        c.get_ok(&format!("/api/optimization/{id}/progress")).await["progression"]
            .as_array()
            .map(Vec::len),
        Some(2)
    );

    emu.advance_clock(HOUR);
    let done = job(&c, &id).await;
    assert_eq!(done["status"], "completed");
    assert_eq!(done["currentIteration"], 3);
    assert_eq!(done["progress"], 100.0);
    assert!(done["completedAt"].is_string());
    let best = done["bestScore"].as_f64().expect("best");
    assert!((0.0..=1.0).contains(&best));
    let rid = done["resultPromptId"].as_i64().expect("resultPromptId");
    let newp = c.get_ok(&format!("/api/prompt/{rid}")).await;
    assert_eq!(
        newp["promptGroupId"],
        c.get("/api/prompt/1").await.json()["promptGroupId"]
    );
    assert_eq!(newp["isLatest"], true);
    assert_eq!(newp["version"], "1.1.0");
    assert_eq!(c.get("/api/prompt/1").await.json()["isLatest"], false);
    assert_eq!(emu.count(Collection::Prompts), 2);

    let states = c.get_ok(&format!("/api/optimization/{id}/states")).await;
    assert_eq!(states["states"].as_array().map(Vec::len), Some(3));
    let results = c.get_ok(&format!("/api/optimization/{id}/results")).await;
    assert_eq!(results["jobId"], id.as_str());
    assert_eq!(
        results["scorecard"]["data"].as_array().map(Vec::len),
        Some(3)
    );
    assert_eq!(
        results["scorecard"]["data"][2]["nextAction"],
        "stop-max-iter"
    );

    // Reading again later changes nothing; resuming/pausing/cancelling a completed job is refused.
    emu.advance_clock(HOUR * 10);
    assert_eq!(job(&c, &id).await["resultPromptId"], rid);
    assert_eq!(emu.count(Collection::Prompts), 2);
    control_refused(&c, &id, "resume").await;
    control_refused(&c, &id, "pause").await;
    control_refused(&c, &id, "cancel").await;
}

#[tokio::test]
async fn pause_stops_progress_and_resume_continues() {
    let (emu, c) = setup(2).await;
    let (j, id) = start_job(
        &c,
        json!({"datasetId": 1, "config": {"maxIterations": 5}, "executionMode": "bun_worker"}),
    )
    .await;
    assert_eq!(j["executionMode"], "bun_worker");
    emu.advance_clock(HOUR * 3);
    assert_eq!(job(&c, &id).await["currentIteration"], 2);
    let p = control_ok(&c, &id, "pause").await;
    assert_eq!(p["status"], "paused");
    control_refused(&c, &id, "pause").await;
    emu.advance_clock(HOUR * 50);
    let still = job(&c, &id).await;
    assert_eq!(still["status"], "paused");
    assert_eq!(still["currentIteration"], 2);
    let r = control_ok(&c, &id, "resume").await;
    assert_eq!(r["status"], "running");
    control_refused(&c, &id, "resume").await;
    emu.advance_clock(HOUR);
    assert_eq!(job(&c, &id).await["currentIteration"], 3);
    let events: Vec<String> = job(&c, &id).await["recentEvents"]
        .as_array()
        .expect("events")
        .iter()
        .filter_map(|e| e["eventType"].as_str().map(str::to_string))
        .collect();
    assert!(
        events.contains(&"job.paused".to_string()) && events.contains(&"job.resumed".to_string()),
        "{events:?}"
    );
    // Cancel is final.
    let x = control_ok(&c, &id, "cancel").await;
    assert_eq!(x["status"], "cancelled");
    emu.advance_clock(HOUR * 10);
    let final_ = job(&c, &id).await;
    assert_eq!(final_["status"], "cancelled");
    assert_eq!(final_["currentIteration"], 3);
    assert_eq!(final_["resultPromptId"], Value::Null);
    control_refused(&c, &id, "resume").await;
    control_refused(&c, &id, "cancel").await;
    assert_eq!(emu.count(Collection::Prompts), 1);
}

#[tokio::test]
async fn list_filters_target_score_and_failures() {
    let (emu, c) = setup(2).await;
    let (_, a) = start_job(
        &c,
        json!({"datasetId": 1, "config": {"maxIterations": 100, "targetScore": 0.0}}),
    )
    .await;
    dataset(&c, 1, 0).await; // dataset 2, empty
    let (_, b) = start_job(
        &c,
        json!({"datasetId": 2, "config": {"maxIterations": 2, "dryRun": true}}),
    )
    .await;
    emu.advance_clock(HOUR * 2);
    let a = job(&c, &a).await;
    assert_eq!(
        a["status"], "completed",
        "targetScore 0 stops after the first iteration"
    );
    assert_eq!(a["currentIteration"], 1);
    let b = job(&c, &b).await;
    assert_eq!(b["status"], "failed");
    assert!(b["error"].as_str().is_some_and(|e| e.contains("no items")));

    let all = c.get_ok("/api/optimization?limit=1").await;
    assert_eq!(all["total"], 2);
    assert_eq!(all["hasMore"], true);
    assert_eq!(
        c.get_ok("/api/optimization?status=failed").await["total"],
        1
    );
    let g = a["promptGroupId"].as_str().expect("g");
    assert_eq!(
        c.get_ok(&format!("/api/optimization?promptGroupId={g}&offset=1"))
            .await["data"]
            .as_array()
            .map(Vec::len),
        Some(1)
    );
    // `status` is a free string in the contract (an older docs page says `pending`).
    assert_eq!(
        c.get_ok("/api/optimization?status=pending").await["total"],
        0
    );
    c.get("/api/optimization/nope").await.error(404);
    assert_eq!(emu.count(Collection::OptimizationJobs), 2);
}

#[tokio::test]
async fn optimize_validates_its_body() {
    let (_emu, c) = setup(1).await;
    for (body, needle) in [
        (
            json!({"datasetId": 1, "config": {}}),
            "config.maxIterations",
        ),
        (
            json!({"datasetId": 1, "config": {"maxIterations": 101}}),
            "config.maxIterations",
        ),
        (
            json!({"datasetId": 1, "config": {"maxIterations": 2, "targetScore": 1.5}}),
            "config.targetScore",
        ),
        (
            json!({"datasetId": 1, "config": {"maxIterations": 2, "max_iterations": 2}}),
            "config.max_iterations",
        ),
        (json!({"config": {"maxIterations": 2}}), "datasetId"),
        (
            json!({"datasetId": "1", "config": {"maxIterations": 2}}),
            "datasetId",
        ),
    ] {
        let m = c.post("/api/prompt/1/optimize", body).await.error(400);
        assert!(m.contains(needle), "{needle}: {m}");
    }
    c.post(
        "/api/prompt/1/optimize",
        json!({"datasetId": 9, "config": {"maxIterations": 2}}),
    )
    .await
    .error(404);
    c.post(
        "/api/prompt/1/optimize",
        json!({"datasetId": 1, "evaluationId": 9, "config": {"maxIterations": 2}}),
    )
    .await
    .error(404);
}

#[tokio::test]
async fn real_time_progress_with_a_short_step() {
    // The only test that uses the real clock: it waits for a state, with a generous deadline.
    let emu = Emulator::builder()
        .optimization_step(Duration::from_millis(10))
        .start()
        .await
        .expect("start");
    let c = Client::new(emu.addr());
    prompt(&c, "p", "t").await;
    dataset(&c, 1, 1).await;
    let (_, id) = start_job(&c, json!({"datasetId": 1, "config": {"maxIterations": 2}})).await;
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    loop {
        if job(&c, &id).await["status"] == "completed" {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "job did not complete");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// "Far ahead" in a test is `Duration::MAX`: the clock stops a century ahead and the job
/// completes when its iterations were done, three steps after it was created (the emulator
/// panicked on an overflow before).
#[tokio::test]
async fn advancing_the_clock_by_duration_max_completes_jobs_without_overflow() {
    let (emu, c) = setup(2).await;
    let (_, id) = start_job(&c, json!({"datasetId": 1, "config": {"maxIterations": 2}})).await;
    emu.advance_clock(Duration::MAX);
    emu.advance_clock(Duration::MAX);
    let r = job(&c, &id).await;
    assert_eq!(r["status"], "completed", "{r}");
    let at = |key: &str| {
        let text = r[key].as_str().unwrap_or_else(|| panic!("{key}: {r}"));
        chrono::DateTime::parse_from_rfc3339(text).unwrap_or_else(|e| panic!("{key} {text}: {e}"))
    };
    assert_eq!(
        at("completedAt") - at("createdAt"),
        chrono::Duration::hours(3),
        "{r}"
    );
}

/// A Python client sends `10.0` for a number: integral floats are taken where the contract
/// types an integer (`datasetId`, `evaluationId`, `config.maxIterations`, `config.patience`)
/// and stored, then answered, as integers; a fraction or a string is still refused with the
/// usual 400.
#[tokio::test]
async fn optimize_takes_integral_floats_as_integers() {
    let (_emu, c) = setup(1).await;
    common::evaluation(&c).await;
    let (j, id) = start_job(
        &c,
        json!({"datasetId": 1.0, "evaluationId": 1.0,
               "config": {"maxIterations": 10.0, "patience": 3.0}}),
    )
    .await;
    assert!(j["maxIterations"].is_i64(), "{}", j["maxIterations"]);
    assert_eq!(j["maxIterations"], 10);
    assert_eq!(j["config"], json!({"maxIterations": 10, "patience": 3}));
    assert!(j["config"]["patience"].is_i64(), "{}", j["config"]);
    let read = job(&c, &id).await;
    assert_eq!(read["config"], json!({"maxIterations": 10, "patience": 3}));
    for (body, message) in [
        (
            json!({"datasetId": 1, "config": {"maxIterations": 10.5}}),
            "field `config.maxIterations` must be an integer (got 10.5)",
        ),
        (
            json!({"datasetId": 1, "config": {"maxIterations": 2, "patience": 2.5}}),
            "field `config.patience` must be an integer (got 2.5)",
        ),
        (
            json!({"datasetId": 1, "config": {"maxIterations": "10"}}),
            "field `config.maxIterations` must be an integer (got a string)",
        ),
        (
            json!({"datasetId": 1.5, "config": {"maxIterations": 2}}),
            "field `datasetId` must be an integer (got 1.5)",
        ),
        (
            json!({"datasetId": 1, "config": {"maxIterations": 101.0}}),
            "field `config.maxIterations` must be between 1 and 100 (got 101)",
        ),
    ] {
        let m = c.post("/api/prompt/1/optimize", body).await.error(400);
        assert_eq!(m, message);
    }
}
