//! Wire tests: every `optimization` operation sends exactly the method, path, query, headers
//! and body of the contract, and decodes a realistic answer — through the async and the
//! blocking client. Plus validation, pagination, and following a job (stream, iterator,
//! callback, deadline, cancellation).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test may panic

use std::pin::Pin;
use std::time::{Duration, Instant};

use futures_core::Stream;

use mutagent_optimization::{
    CancelOutcome, ExecutionMode, JobStatus, ListOptimizations, OptimizationConfig,
    OptimizationDeadlineExceeded, OptimizationExt, OptimizationJobStatus, OptimizationWaitError,
    OptimizationWatchOptions, OptimizePrompt, WatchControl,
};
use mutagent_wire_test::*;
use serde_json::{json, Value};

const GROUP: &str = "6f1c7a2e-8d4b-4c1e-9a7f-2b3c4d5e6f70";
const JOB: &str = "0b6e7f3a-1c2d-4e5f-8a9b-0c1d2e3f4a5b";

fn job_json(status: &str, iteration: u32, best: Option<f64>) -> Value {
    json!({
        "id": JOB,
        "promptId": 7,
        "promptGroupId": GROUP,
        "datasetId": 3,
        "evaluationId": null,
        "status": status,
        "executionMode": "worker_loop",
        "config": {"maxIterations": 4, "targetScore": 0.9},
        "progress": f64::from(iteration) * 25.0,
        "currentIteration": iteration,
        "maxIterations": 4,
        "currentStage": if status == "running" { json!("evaluating") } else { Value::Null },
        "currentScore": best,
        "bestScore": best,
        "bestIteration": if iteration > 0 { json!(iteration) } else { Value::Null },
        "resultPromptId": if status == "completed" { json!(8) } else { Value::Null },
        "error": null,
        "createdAt": "2026-11-01T10:00:00.000Z",
        "startedAt": null,
        "completedAt": null,
        "workerHost": "w-1"
    })
}

fn status_json(status: &str, iteration: u32, best: Option<f64>) -> Value {
    let mut job = job_json(status, iteration, best);
    job["latestState"] = json!({"iteration": iteration, "score": best});
    job["recentEvents"] = json!([{"eventType": "iteration.completed", "iteration": iteration, "stage": "evaluated", "data": {}}]);
    job
}

#[test]
fn optimize_prompt() {
    let body = OptimizePrompt::new(
        3,
        OptimizationConfig::new(4)
            .target_score(0.9)
            .patience(2)
            .dry_run(false)
            .model("gpt-4o")
            .evaluation_model("gpt-4o-mini")
            .execution_provider_id("prov-1")
            .tuning_params(json!({"temperature": 0.2})),
    )
    .evaluation_id(5)
    .execution_mode(ExecutionMode::BunWorker);
    let (request, job) = both_call!(Reply::json(201, job_json("queued", 0, None)), |c| c
        .optimization()
        .optimize_prompt(7, &body));
    assert_common(
        &request,
        "POST",
        "/api/prompt/7/optimize",
        None,
        Some(json!({
            "datasetId": 3,
            "evaluationId": 5,
            "config": {
                "maxIterations": 4,
                "targetScore": 0.9,
                "patience": 2,
                "dryRun": false,
                "model": "gpt-4o",
                "evaluationModel": "gpt-4o-mini",
                "executionProviderId": "prov-1",
                "tuningParams": {"temperature": 0.2}
            },
            "executionMode": "bun_worker"
        })),
    );
    assert_eq!(job.id.as_str(), JOB);
    assert_eq!(job.status, JobStatus::Queued);
    assert_eq!(job.execution_mode, Some(ExecutionMode::WorkerLoop));
    assert_eq!(job.config["maxIterations"], 4);

    let server = ScriptedServer::start(vec![Reply::json(201, job_json("queued", 0, None))]);
    blocking_client(&server)
        .optimization()
        .optimize_prompt(7, &OptimizePrompt::new(3, OptimizationConfig::new(10)))
        .expect("minimal");
    assert_eq!(
        server.single_request().json(),
        json!({"datasetId": 3, "config": {"maxIterations": 10}})
    );
}

#[test]
fn get_optimization() {
    let (request, status) = both_call!(
        Reply::json(200, status_json("running", 2, Some(0.8))),
        |c| c.optimization().get_optimization(JOB)
    );
    assert_common(
        &request,
        "GET",
        &format!("/api/optimization/{JOB}"),
        None,
        None,
    );
    assert_eq!(status.status, JobStatus::Running);
    assert_eq!(status.current_iteration, 2);
    assert_eq!(status.best_score, Some(0.8));
    assert_eq!(status.current_stage.as_deref(), Some("evaluating"));
    assert_eq!(status.latest_state["iteration"], 2);
    assert_eq!(status.recent_events.as_ref().map(Vec::len), Some(1));
}

#[test]
fn list_optimizations() {
    let page = json!({
        "data": [job_json("completed", 4, Some(0.93)), job_json("archived", 1, Some(0.5))],
        "total": 7, "limit": 2, "offset": 0, "hasMore": true
    });
    let params = ListOptimizations::new()
        .prompt_group_id(GROUP)
        .status(JobStatus::Completed)
        .limit(2)
        .offset(0);
    let (request, page) = both_call!(Reply::json(200, page), |c| c
        .optimization()
        .list_optimizations(&params));
    assert_common(
        &request,
        "GET",
        "/api/optimization",
        Some(&format!(
            "promptGroupId={GROUP}&status=completed&limit=2&offset=0"
        )),
        None,
    );
    assert!(page.has_more);
    assert_eq!(page.data[0].result_prompt_id.map(|p| p.get()), Some(8));
    assert_eq!(page.data[1].status, JobStatus::Unknown("archived".into()));
    assert!(!page.data[1].status.is_terminal());
}

#[test]
fn list_optimizations_without_has_more() {
    // `hasMore` is a convenience: a page without it is derived from total and offset.
    let page = json!({"data": [job_json("running", 1, None)], "total": 2, "limit": 1, "offset": 0});
    let (_, page) = both_call!(Reply::json(200, page), |c| c
        .optimization()
        .list_optimizations(&ListOptimizations::new()));
    assert_eq!(page.data.len(), 1);
    assert!(page.has_more, "0 + 1 < 2");
}

#[test]
fn get_optimization_progress() {
    let answer = json!({"jobId": JOB, "progression": [{"iteration": 1, "score": 0.7}, {"iteration": 2, "score": 0.8}]});
    let (request, progression) = both_call!(Reply::json(200, answer), |c| c
        .optimization()
        .get_optimization_progress(JOB));
    assert_common(
        &request,
        "GET",
        &format!("/api/optimization/{JOB}/progress"),
        None,
        None,
    );
    assert_eq!(progression.job_id.as_str(), JOB);
    assert_eq!(progression.progression[1]["score"], 0.8);
}

#[test]
fn get_optimization_states() {
    let answer = json!({"states": [{"iteration": 1, "score": 0.7, "stage": "evaluated"}]});
    let (request, states) = both_call!(Reply::json(200, answer), |c| c
        .optimization()
        .get_optimization_states(JOB));
    assert_common(
        &request,
        "GET",
        &format!("/api/optimization/{JOB}/states"),
        None,
        None,
    );
    assert_eq!(states.states[0]["stage"], "evaluated");
}

#[test]
fn get_optimization_results() {
    let answer = json!({"jobId": JOB, "scorecard": {"rendered": "iteration 1/4", "data": [{"iteration": 1}]}});
    let (request, results) = both_call!(Reply::json(200, answer), |c| c
        .optimization()
        .get_optimization_results(JOB));
    assert_common(
        &request,
        "GET",
        &format!("/api/optimization/{JOB}/results"),
        None,
        None,
    );
    assert_eq!(results.scorecard["data"][0]["iteration"], 1);
}

#[test]
fn pause_resume_cancel_optimization() {
    let (request, job) = both_call!(Reply::json(200, job_json("paused", 1, Some(0.7))), |c| c
        .optimization()
        .pause_optimization(JOB));
    assert_common(
        &request,
        "POST",
        &format!("/api/optimization/{JOB}/pause"),
        None,
        None,
    );
    assert_eq!(job.status, JobStatus::Paused);

    let (request, job) = both_call!(Reply::json(200, job_json("running", 1, Some(0.7))), |c| c
        .optimization()
        .resume_optimization(JOB));
    assert_common(
        &request,
        "POST",
        &format!("/api/optimization/{JOB}/resume"),
        None,
        None,
    );
    assert!(job.status.is_active());

    let (request, job) = both_call!(Reply::json(200, job_json("cancelled", 1, Some(0.7))), |c| c
        .optimization()
        .cancel_optimization(JOB));
    assert_common(
        &request,
        "POST",
        &format!("/api/optimization/{JOB}/cancel"),
        None,
        None,
    );
    assert!(job.status.is_terminal());
    assert!(!job.status.is_success());
}

#[test]
fn job_ids_are_percent_encoded() {
    let server = ScriptedServer::start(vec![Reply::json(200, status_json("running", 0, None))]);
    blocking_client(&server)
        .optimization()
        .get_optimization("a/b c")
        .expect("get");
    assert_eq!(server.single_request().path, "/api/optimization/a%2Fb%20c");
}

#[test]
fn invalid_input_is_refused_before_sending() {
    nothing_sent(|client| {
        let api = client.optimization();
        let cases: Vec<(OptimizePrompt, &str)> = vec![
            (
                OptimizePrompt::new(3, OptimizationConfig::new(0)),
                "config.maxIterations",
            ),
            (
                OptimizePrompt::new(3, OptimizationConfig::new(101)),
                "config.maxIterations",
            ),
            (
                OptimizePrompt::new(3, OptimizationConfig::new(10).target_score(1.5)),
                "config.targetScore",
            ),
            (
                OptimizePrompt::new(3, OptimizationConfig::new(10).target_score(f64::NAN)),
                "config.targetScore",
            ),
            (
                OptimizePrompt::new(3, OptimizationConfig::new(10).patience(0)),
                "config.patience",
            ),
            (
                OptimizePrompt::new(3, OptimizationConfig::new(10).patience(51)),
                "config.patience",
            ),
            (
                OptimizePrompt::new(0, OptimizationConfig::new(10)),
                "datasetId",
            ),
            (
                OptimizePrompt::new(3, OptimizationConfig::new(10)).evaluation_id(-1),
                "evaluationId",
            ),
        ];
        for (body, expected) in cases {
            assert_invalid(api.optimize_prompt(7, &body), expected);
        }
        assert_invalid(
            api.list_optimizations(&ListOptimizations::new().limit(101)),
            "limit",
        );
        assert!(api.get_optimization("").is_err(), "empty job id");
    });
}

#[test]
fn list_optimizations_all_walks_every_page() {
    let page = |n: usize, offset: u64, has_more: bool| {
        Reply::json(
            200,
            json!({
                "data": (0..n).map(|_| job_json("completed", 4, Some(0.9))).collect::<Vec<_>>(),
                "total": 3, "limit": 2, "offset": offset, "hasMore": has_more
            }),
        )
    };
    let replies = vec![page(2, 0, true), page(1, 2, false)];
    let params = ListOptimizations::new().limit(2);

    let (jobs, server) = both_walk!(replies, |c| c
        .optimization()
        .list_optimizations_all(&params));
    assert_eq!(jobs.len(), 3);
    assert_queries(&server, &["limit=2&offset=0", "limit=2&offset=2"]);
    assert!(server
        .requests()
        .iter()
        .all(|r| r.path == "/api/optimization"));
}

fn fast() -> OptimizationWatchOptions {
    OptimizationWatchOptions::new()
        .poll_interval(Duration::from_millis(20))
        .deadline(Duration::from_secs(10))
}

/// queued, queued (unchanged), running 1, running 1 (unchanged), running 2, completed.
fn a_job_that_completes() -> Vec<Reply> {
    vec![
        Reply::json(200, status_json("queued", 0, None)),
        Reply::json(200, status_json("queued", 0, None)),
        Reply::json(200, status_json("running", 1, Some(0.7))),
        Reply::json(200, status_json("running", 1, Some(0.7))),
        Reply::json(200, status_json("running", 2, Some(0.85))),
        Reply::json(200, status_json("completed", 4, Some(0.93))),
    ]
}

type Seen = Vec<(JobStatus, u32)>;

/// A poll of `JOB`, as [`assert_paths`] writes it.
fn poll() -> String {
    format!("GET /api/optimization/{JOB}")
}

/// The cancel of `JOB`, as [`assert_paths`] writes it.
fn cancel() -> String {
    format!("POST /api/optimization/{JOB}/cancel")
}

/// A wait whose callback cancels the job at its first snapshot, through both clients (see
/// [`both_scripted()`]): checks that it ends with the job cancelled, after a poll, the
/// cancel and the poll that shows the job cancelled.
fn cancelled_from_the_callback(replies: Vec<Reply>) {
    let (job, server) = both_scripted!(replies, |c| c.optimization().wait_for_optimization(
        JOB,
        fast(),
        |_| WatchControl::Cancel
    ));
    assert_eq!(job.status, JobStatus::Cancelled);
    assert_paths(&server, &[poll(), cancel(), poll()]);
}

#[test]
fn watch_reports_changes_and_ends_at_the_final_state() {
    let expected: Seen = vec![
        (JobStatus::Queued, 0),
        (JobStatus::Running, 1),
        (JobStatus::Running, 2),
        (JobStatus::Completed, 4),
    ];

    let server = ScriptedServer::start(a_job_that_completes());
    let client = async_client(&server);
    let (seen, last) = runtime().block_on(async {
        let mut watch = client.optimization().watch_optimization(JOB, fast());
        assert_eq!(watch.job_id().as_str(), JOB);
        let debug = format!("{watch:?}");
        assert!(
            debug.starts_with("OptimizationWatch") && debug.contains(JOB),
            "{debug}"
        );
        let mut seen = Seen::new();
        let mut last = None;
        let mut lines = Vec::new();
        // Through the `Stream` trait, as a stream combinator reads it (the other tests use
        // the inherent `next`).
        while let Some(progress) =
            std::future::poll_fn(|cx| Stream::poll_next(Pin::new(&mut watch), cx)).await
        {
            let progress = progress.expect("progress");
            seen.push((progress.status().clone(), progress.iteration()));
            lines.push(progress.to_string());
            last = Some(progress);
        }
        assert!(watch.next().await.is_none(), "stays ended");
        // One line per snapshot, with the stage, so lines never look like repeats.
        assert_eq!(
            lines,
            [
                "queued iteration 0/4 (0%)",
                "running iteration 1/4 (25%), stage evaluating, best score 0.700",
                "running iteration 2/4 (50%), stage evaluating, best score 0.850",
                "completed iteration 4/4 (100%), best score 0.930",
            ]
        );
        (seen, last.expect("some progress"))
    });
    assert_eq!(seen, expected);
    assert_eq!(last.polls(), 6);
    assert_eq!(last.result_prompt_id().map(|p| p.get()), Some(8));
    assert_eq!(last.best_score(), Some(0.93));
    assert_eq!(last.current_score(), Some(0.93));
    assert!(
        last.elapsed() >= Duration::from_millis(100),
        "five pauses of 20 ms: {:?}",
        last.elapsed()
    );
    assert!(last.is_terminal());
    let requests = server.requests();
    assert_eq!(requests.len(), 6, "no poll after the final state");
    assert!(requests
        .iter()
        .all(|r| r.method == "GET" && r.path == format!("/api/optimization/{JOB}")));
    assert!(
        requests[1].at - requests[0].at >= Duration::from_millis(15),
        "polls are spaced"
    );

    let server = ScriptedServer::start(a_job_that_completes());
    let seen: Seen = blocking_client(&server)
        .optimization()
        .watch_optimization(JOB, fast())
        .map(|p| {
            let p = p.expect("progress");
            (p.status().clone(), p.iteration())
        })
        .collect();
    assert_eq!(seen, expected);
    assert_eq!(server.requests().len(), 6);
}

/// The deadline of the deadline tests: generous, since the job below never finishes, so it is
/// the deadline, not the machine's speed, that ends each watch (the answers before it only
/// have to come within it, which even a loaded machine does many times over).
const DEADLINE: Duration = Duration::from_secs(2);

fn deadline_options() -> OptimizationWatchOptions {
    OptimizationWatchOptions::new()
        .poll_interval(Duration::from_millis(20))
        .deadline(DEADLINE)
}

/// A job that is still running at the deadline, whatever the machine's speed: two polls are
/// answered (the first one slowly, as on a loaded machine), the third is never answered in
/// time, so the deadline passes during exactly the third poll. Then `after` (e.g. the cancel's
/// answer).
fn running_past_the_deadline(after: Option<Reply>) -> Vec<Reply> {
    let running = Reply::json(200, status_json("running", 1, Some(0.7)));
    let mut replies = vec![
        running.clone().delay(Duration::from_millis(300)),
        running.clone(),
        running.delay(Duration::from_secs(60)),
    ];
    replies.extend(after);
    replies
}

fn check_deadline_error(err: &OptimizationWaitError, cancelled: bool) {
    match err {
        OptimizationWaitError::DeadlineExceeded(OptimizationDeadlineExceeded {
            job_id,
            deadline,
            polls,
            last,
            cancel,
            ..
        }) => {
            assert_eq!(job_id.as_str(), JOB);
            assert_eq!(*deadline, DEADLINE);
            assert_eq!(
                *polls, 3,
                "two answered polls, the third cut short (and counted)"
            );
            assert_eq!(last.as_ref().map(|p| p.iteration()), Some(1));
            match (cancel, cancelled) {
                (CancelOutcome::NotRequested, false) => {}
                (CancelOutcome::Cancelled(job), true) => {
                    assert_eq!(job.status, JobStatus::Cancelled)
                }
                (other, _) => panic!("unexpected cancel outcome {other:?}"),
            }
        }
        other => panic!("expected a deadline error, got {other}"),
    }
    assert!(err.to_string().contains("did not finish within"), "{err}");
}

#[test]
fn watch_ends_with_a_typed_error_at_the_deadline() {
    let running = running_past_the_deadline(None);

    let server = ScriptedServer::start(running.clone());
    let client = async_client(&server);
    let started = Instant::now();
    let items = runtime().block_on(async {
        let mut watch = client
            .optimization()
            .watch_optimization(JOB, deadline_options());
        let mut items = Vec::new();
        while let Some(item) = watch.next().await {
            items.push(item);
        }
        items
    });
    let elapsed = started.elapsed();
    assert!(elapsed >= DEADLINE, "ended by the deadline: {elapsed:?}");
    assert!(
        elapsed < Duration::from_secs(30),
        "not by the stalled poll: {elapsed:?}"
    );
    assert_eq!(items.len(), 2, "one snapshot, then the deadline");
    assert!(items[0].is_ok());
    let err = items
        .into_iter()
        .nth(1)
        .and_then(Result::err)
        .expect("deadline error");
    check_deadline_error(&err, false);
    assert!(
        server.requests().iter().all(|r| r.method == "GET"),
        "nothing cancelled"
    );
    assert_wait_timeout(err.into(), "wait_for_optimization", DEADLINE, 3);

    let server = ScriptedServer::start(running);
    let err = blocking_client(&server)
        .optimization()
        .wait_for_optimization(JOB, deadline_options(), |_| ())
        .expect_err("deadline");
    check_deadline_error(&err, false);
}

#[test]
fn the_deadline_can_cancel_the_job() {
    let cancelled = Reply::json(200, job_json("cancelled", 1, Some(0.7)));
    let replies = running_past_the_deadline(Some(cancelled));
    let options = deadline_options().cancel_on_deadline(true);

    let server = ScriptedServer::start(replies.clone());
    let client = async_client(&server);
    let err = runtime()
        .block_on(
            client
                .optimization()
                .wait_for_optimization(JOB, options, |_| ()),
        )
        .expect_err("deadline");
    check_deadline_error(&err, true);
    let last = server.requests().pop().expect("requests");
    assert_eq!(
        (last.method.as_str(), last.path),
        ("POST", format!("/api/optimization/{JOB}/cancel"))
    );

    let server = ScriptedServer::start(replies);
    let mut watch = blocking_client(&server)
        .optimization()
        .watch_optimization(JOB, options);
    assert!(watch.next().expect("first").is_ok());
    let err = watch.next().expect("second").expect_err("deadline");
    check_deadline_error(&err, true);
    assert!(watch.next().is_none());
    assert_eq!(
        server.requests().pop().map(|r| r.method),
        Some("POST".to_owned())
    );
}

/// The cancel sent at the deadline (`cancel_on_deadline`) has a bounded time of its own
/// (10 s): a server stalling on it cannot hold the watch for the client's whole timeout (60 s
/// here, as by default); the outcome says the cancel timed out. Both clients, side by side.
#[test]
fn a_stalled_cancel_at_the_deadline_is_given_up_after_a_grace() {
    let stalled =
        Reply::json(200, job_json("cancelled", 1, Some(0.7))).delay(Duration::from_secs(90));
    let replies = running_past_the_deadline(Some(stalled));
    let options = deadline_options().cancel_on_deadline(true);
    let check = |result: Result<OptimizationJobStatus, OptimizationWaitError>,
                 elapsed: Duration,
                 client: &str| {
        assert!(elapsed >= DEADLINE, "{client}: ended early: {elapsed:?}");
        assert!(
            elapsed < DEADLINE + Duration::from_secs(25),
            "{client}: held by the stalled cancel: {elapsed:?}"
        );
        let err = result.expect_err("deadline");
        let Some(passed) = err.deadline_exceeded() else {
            panic!("{client}: expected the deadline, got {err}")
        };
        match &passed.cancel {
            CancelOutcome::Failed(cancel) => {
                assert!(cancel.is_timeout(), "{client}: {cancel}");
                assert!(
                    matches!(**cancel, Error::Timeout { timeout, .. } if timeout == Duration::from_secs(10)),
                    "{client}: {cancel:?}"
                );
            }
            other => panic!("{client}: expected a timed-out cancel, got {other:?}"),
        }
    };

    let async_side = {
        let replies = replies.clone();
        std::thread::spawn(move || {
            let server = ScriptedServer::start(replies);
            let client = async_client(&server);
            let started = Instant::now();
            let result = runtime().block_on(client.optimization().wait_for_optimization(
                JOB,
                options,
                |_| (),
            ));
            (result, started.elapsed(), server.requests())
        })
    };
    let server = ScriptedServer::start(replies);
    let started = Instant::now();
    let result = blocking_client(&server)
        .optimization()
        .wait_for_optimization(JOB, options, |_| ());
    check(result, started.elapsed(), "blocking");
    assert_eq!(
        server.requests().pop().map(|r| r.method),
        Some("POST".to_owned())
    );
    let (result, elapsed, requests) = async_side.join().expect("async side");
    check(result, elapsed, "async");
    assert_eq!(requests.len(), 4, "three polls, one cancel: {requests:?}");
}

/// The server's words in a snapshot's one-line `Display` and in the deadline error (an unknown
/// state, the stage) cannot forge a log line or drive a terminal, and stay short: control
/// characters are escaped and each word is cut (they used to be written raw, whole). The
/// values themselves stay as sent. Through both clients.
#[test]
fn server_words_in_progress_lines_and_deadline_errors_are_escaped_and_bounded() {
    let status = "\u{1b}[2Jstalled\nINFO job done";
    let stage = format!("evaluating\r\n{}", "x".repeat(100_000));
    let mut job = status_json("running", 1, Some(0.7));
    job["status"] = json!(status);
    job["currentStage"] = json!(stage);
    let replies = vec![
        Reply::json(200, job.clone()),
        Reply::json(200, job).delay(Duration::from_secs(60)),
    ];
    let check_line = |line: &str, what: &str| {
        assert!(
            !line.chars().any(char::is_control),
            "{what}: a control character in {line:?}"
        );
        assert!(line.len() < 1024, "{what}: {} bytes", line.len());
        assert!(
            line.contains(r"\u{1b}[2Jstalled\nINFO job done"),
            "{what}: {line}"
        );
    };

    let server = ScriptedServer::start(replies.clone());
    let client = async_client(&server);
    let (first, err) = runtime().block_on(async {
        let mut watch = client
            .optimization()
            .watch_optimization(JOB, deadline_options());
        let first = watch.next().await.expect("first").expect("progress");
        let err = watch.next().await.expect("second").expect_err("deadline");
        (first, err)
    });
    assert_eq!(first.status().as_str(), status, "kept as sent");
    assert_eq!(first.stage(), Some(stage.as_str()), "kept as sent");
    check_line(&first.to_string(), "async progress");
    assert!(
        first.to_string().contains(r"stage evaluating\r\nxxx"),
        "{first}"
    );
    check_line(&err.to_string(), "async deadline");

    let server = ScriptedServer::start(replies);
    let mut watch = blocking_client(&server)
        .optimization()
        .watch_optimization(JOB, deadline_options());
    let first = watch.next().expect("first").expect("progress");
    check_line(&first.to_string(), "blocking progress");
    let err = watch.next().expect("second").expect_err("deadline");
    check_line(&err.to_string(), "blocking deadline");
}

#[test]
fn the_deadline_cuts_a_stalled_poll_short() {
    let options = OptimizationWatchOptions::new().deadline(Duration::from_millis(100));
    let err = against_a_stalled_answer(Reply::json(200, status_json("running", 1, None)), |c| {
        c.optimization().wait_for_optimization(JOB, options, |_| ())
    });
    assert!(err.is_deadline_exceeded(), "{err}");
    // The poll cut short counts: through `?` the timeout never says that nothing was sent.
    assert_eq!(err.deadline_exceeded().map(|passed| passed.polls), Some(1));
    let err = Error::from(err);
    assert_eq!(err.attempts(), Some(1), "{err:?}");
    assert!(
        !err.to_string().contains("before anything was sent"),
        "{err}"
    );
}

#[test]
fn wait_reports_progress_and_returns_the_final_job() {
    let server = ScriptedServer::start(a_job_that_completes());
    let client = async_client(&server);
    let mut seen = Vec::new();
    let job = runtime()
        .block_on(
            client
                .optimization()
                .wait_for_optimization(JOB, fast(), |p| {
                    seen.push(p.percent());
                }),
        )
        .expect("completed");
    assert_eq!(job.status, JobStatus::Completed);
    assert_eq!(job.result_prompt_id.map(|p| p.get()), Some(8));
    assert_eq!(seen, [0.0, 25.0, 50.0, 100.0]);

    let server = ScriptedServer::start(a_job_that_completes());
    let mut calls = 0;
    let caller = std::thread::current().id();
    let job = blocking_client(&server)
        .optimization()
        .wait_for_optimization(JOB, fast(), |_| {
            // The blocking form calls back on the calling thread, not on its runtime's.
            assert_eq!(std::thread::current().id(), caller);
            calls += 1;
        })
        .expect("completed");
    assert!(job.status.is_success());
    assert_eq!(calls, 4);
}

#[test]
fn the_callback_can_cancel_the_job() {
    let replies = vec![
        Reply::json(200, status_json("running", 1, Some(0.7))),
        Reply::json(200, job_json("cancelled", 1, Some(0.7))),
        Reply::json(200, status_json("cancelled", 1, Some(0.7))),
    ];
    cancelled_from_the_callback(replies);
}

#[test]
fn a_late_cancel_conflict_is_not_an_error() {
    let server = ScriptedServer::start(vec![
        Reply::json(200, status_json("running", 3, Some(0.8))),
        Reply::json(
            409,
            json!({"error": "Conflict", "message": "already completed"}),
        ),
        Reply::json(200, status_json("completed", 4, Some(0.9))),
    ]);
    let job = blocking_client(&server)
        .optimization()
        .wait_for_optimization(JOB, fast(), |_| WatchControl::Cancel)
        .expect("completed");
    assert_eq!(job.status, JobStatus::Completed);
}

/// The cancellation a callback asks for is cut short at the deadline like a poll: a server
/// that stalls on it cannot hold the wait past the deadline (it used to hold it until the
/// cancel's own answer or the client's 60 s timeout), and the wait ends with the deadline,
/// the last snapshot in it; the cancel is sent again with the deadline cancel's bounded time,
/// and its outcome told (here the server answers the second one at once). Both clients.
#[test]
fn a_stalled_cancel_from_the_callback_ends_at_the_deadline() {
    let replies = vec![
        Reply::json(200, status_json("running", 1, Some(0.7))),
        Reply::json(200, job_json("cancelled", 1, Some(0.7))).delay(Duration::from_secs(60)),
        Reply::json(200, job_json("cancelled", 1, Some(0.7))),
    ];
    let check = |result: Result<_, OptimizationWaitError>, elapsed: Duration, client: &str| {
        let err = result.expect_err("deadline");
        assert!(elapsed >= DEADLINE, "{client}: ended early: {elapsed:?}");
        assert!(
            elapsed < Duration::from_secs(20),
            "{client}: held by the stalled cancel: {elapsed:?}"
        );
        let Some(passed) = err.deadline_exceeded() else {
            panic!("{client}: expected the deadline, got {err}")
        };
        assert_eq!(passed.polls, 1, "{client}");
        assert_eq!(
            passed.last.as_ref().map(|p| p.status().clone()),
            Some(JobStatus::Running),
            "{client}"
        );
        assert!(
            matches!(&passed.cancel, CancelOutcome::Cancelled(job) if job.status == JobStatus::Cancelled),
            "{client}: {:?}",
            passed.cancel
        );
    };

    let server = ScriptedServer::start(replies.clone());
    let client = async_client(&server);
    let started = Instant::now();
    let result = runtime().block_on(client.optimization().wait_for_optimization(
        JOB,
        deadline_options(),
        |_| WatchControl::Cancel,
    ));
    check(result, started.elapsed(), "async");

    let server = ScriptedServer::start(replies);
    let started = Instant::now();
    let result = blocking_client(&server)
        .optimization()
        .wait_for_optimization(JOB, deadline_options(), |_| WatchControl::Cancel);
    check(result, started.elapsed(), "blocking");
    assert_paths(&server, &[poll(), cancel(), cancel()]);
}

/// A cancel the callback asks for once the deadline has passed (the callback itself took that
/// long) is still sent, with the bounded time of the deadline's cancel, and its outcome is
/// the deadline error's `cancel`: the caller asked for the job to be cancelled, and a watch
/// that sends nothing past its deadline must not drop that. Through both clients.
#[test]
fn a_cancel_asked_for_after_the_deadline_is_still_sent() {
    let replies = vec![
        Reply::json(200, status_json("running", 1, Some(0.7))),
        Reply::json(200, job_json("cancelled", 1, Some(0.7))),
    ];
    let slow_cancel = |_: &mutagent_optimization::OptimizationProgress| {
        std::thread::sleep(DEADLINE + Duration::from_millis(500));
        WatchControl::Cancel
    };
    let check = |err: OptimizationWaitError, server: &ScriptedServer, client: &str| {
        let Some(passed) = err.deadline_exceeded() else {
            panic!("{client}: expected the deadline, got {err}")
        };
        assert!(
            matches!(&passed.cancel, CancelOutcome::Cancelled(job) if job.status == JobStatus::Cancelled),
            "{client}: {:?}",
            passed.cancel
        );
        assert_paths(server, &[poll(), cancel()]);
    };
    both_fail!(
        replies,
        |c| c
            .optimization()
            .wait_for_optimization(JOB, deadline_options(), slow_cancel),
        check,
    );
}

/// A cancel the server accepted (2xx) is taken even when its answer cannot be read as a job
/// (here `{"ok": true}`): the wait follows the job to the state the next poll shows, as after
/// any accepted cancel (it used to end with the cancel's decode error while the job was being
/// cancelled). Through both clients.
#[test]
fn an_accepted_cancel_with_an_odd_answer_is_followed_to_the_end() {
    let replies = vec![
        Reply::json(200, status_json("running", 1, Some(0.7))),
        Reply::json(200, json!({"ok": true})),
        Reply::json(200, status_json("cancelled", 1, Some(0.7))),
    ];
    cancelled_from_the_callback(replies);
}

/// A cancellation the server refuses for another reason than the job having ended ends the
/// wait with that error; only a 409 is taken as "already over".
#[test]
fn a_refused_cancel_ends_the_wait_with_its_error() {
    let server = ScriptedServer::start(vec![
        Reply::json(200, status_json("running", 3, Some(0.8))),
        Reply::json(403, json!({"error": "Forbidden", "message": "not yours"})),
        Reply::json(200, status_json("completed", 4, Some(0.9))),
    ]);
    let err = blocking_client(&server)
        .optimization()
        .wait_for_optimization(JOB, fast(), |_| WatchControl::Cancel)
        .expect_err("refused");
    assert_eq!(Error::from(err).status().map(|s| s.as_u16()), Some(403));
    assert_eq!(server.requests().len(), 2, "no poll after the refusal");
}

/// The first poll is made at once; the pause is only between two polls.
#[test]
fn the_first_poll_is_not_delayed() {
    let server = ScriptedServer::start(vec![Reply::json(
        200,
        status_json("completed", 4, Some(0.9)),
    )]);
    // Long enough that a pause before the first poll shows; the deadline ends a watch that
    // wrongly goes on polling (the server repeats its last answer) well within 60 s.
    let interval = Duration::from_secs(5);
    let client = blocking_client(&server);
    let started = Instant::now();
    let job = client
        .optimization()
        .wait_for_optimization(
            JOB,
            OptimizationWatchOptions::new()
                .poll_interval(interval)
                .deadline(Duration::from_secs(20)),
            |_| (),
        )
        .expect("completed");
    assert_eq!(job.status, JobStatus::Completed);
    assert!(started.elapsed() < interval / 2, "{:?}", started.elapsed());
}

#[test]
fn the_caller_can_stop_watching_and_cancel() {
    let replies = vec![
        Reply::json(200, status_json("running", 1, Some(0.7))),
        Reply::json(200, job_json("cancelled", 1, Some(0.7))),
    ];

    let server = ScriptedServer::start(replies.clone());
    let client = async_client(&server);
    let job = runtime()
        .block_on(async {
            let mut watch = client.optimization().watch_optimization(JOB, fast());
            let first = watch.next().await.expect("item").expect("progress");
            assert_eq!(first.iteration(), 1);
            watch.cancel().await
        })
        .expect("cancel");
    assert_eq!(job.status, JobStatus::Cancelled);
    assert_eq!(
        server.requests()[1].path,
        format!("/api/optimization/{JOB}/cancel")
    );

    let server = ScriptedServer::start(replies);
    let client = blocking_client(&server);
    let mut watch = client.optimization().watch_optimization(JOB, fast());
    assert!(watch.next().expect("item").is_ok());
    let job = watch.cancel().expect("cancel");
    assert_eq!(job.status, JobStatus::Cancelled);
    assert_eq!(server.requests().len(), 2);
}

/// A poll failing with an error that is not transient (a 404: no such job) ends the watch at
/// once, through both clients (the outage tests below cover the transient ones).
#[test]
fn a_failed_poll_ends_the_watch() {
    let replies = vec![
        Reply::json(200, status_json("running", 1, Some(0.7))),
        Reply::json(404, json!({"error": "Not Found", "message": "no such job"})),
    ];
    let server = ScriptedServer::start(replies.clone());
    let items: Vec<_> = blocking_client(&server)
        .optimization()
        .watch_optimization(JOB, fast())
        .collect();
    assert_eq!(items.len(), 2);
    let err = items
        .into_iter()
        .nth(1)
        .and_then(Result::err)
        .expect("error");
    assert!(err.as_api_error().is_some_and(Error::is_not_found), "{err}");

    let server = ScriptedServer::start(replies);
    let client = async_client(&server);
    let err = runtime()
        .block_on(
            client
                .optimization()
                .wait_for_optimization(JOB, fast(), |_| ()),
        )
        .expect_err("404");
    assert!(!err.is_deadline_exceeded());
    assert_eq!(Error::from(err).status().map(|s| s.as_u16()), Some(404));
}

/// Extreme options from the caller never panic (no `Instant` overflow) and mean what they
/// say, through both clients: a zero deadline ends before anything is sent, `Duration::MAX`
/// as the deadline is no limit, `Duration::MAX` as the interval leaves the deadline to end
/// the watch, and a zero interval polls back to back until the deadline.
#[test]
fn extreme_intervals_and_deadlines_never_panic() {
    let running = || vec![Reply::json(200, status_json("running", 1, Some(0.7)))];
    let ms = Duration::from_millis;
    type Run = fn(&ScriptedServer, OptimizationWatchOptions) -> Vec<Result<String, String>>;
    let runs: [(Run, &str); 2] = [
        (
            |server, options| {
                let client = async_client(server);
                runtime().block_on(async {
                    let mut watch = client.optimization().watch_optimization(JOB, options);
                    let mut items = Vec::new();
                    while let Some(item) = watch.next().await {
                        items.push(item.map(|p| p.to_string()).map_err(|e| e.to_string()));
                    }
                    items
                })
            },
            "async",
        ),
        (
            |server, options| {
                blocking_client(server)
                    .optimization()
                    .watch_optimization(JOB, options)
                    .map(|item| item.map(|p| p.to_string()).map_err(|e| e.to_string()))
                    .collect()
            },
            "blocking",
        ),
    ];
    for (run, client) in runs {
        let server = ScriptedServer::start(running());
        let items = run(
            &server,
            OptimizationWatchOptions::new().deadline(Duration::ZERO),
        );
        assert_eq!(
            items,
            [Err(format!(
                "optimization job {JOB} did not finish within 0ns (0 poll(s))"
            ))],
            "{client}"
        );
        assert!(server.requests().is_empty(), "{client}");

        let server = ScriptedServer::start(a_job_that_completes());
        let items = run(&server, fast().deadline(Duration::MAX).poll_interval(ms(5)));
        assert_eq!(items.len(), 4, "{client}: {items:?}");
        assert!(items.iter().all(Result::is_ok), "{client}: {items:?}");

        let server = ScriptedServer::start(running());
        let started = Instant::now();
        let items = run(
            &server,
            fast().poll_interval(Duration::MAX).deadline(DEADLINE),
        );
        assert!(started.elapsed() < Duration::from_secs(10), "{client}");
        assert_eq!(items.len(), 2, "{client}: {items:?}");
        assert!(
            items[1]
                .as_ref()
                .is_err_and(|e| e.contains("did not finish within 2s")),
            "{client}: {items:?}"
        );

        let server = ScriptedServer::start(running());
        let items = run(
            &server,
            fast().poll_interval(Duration::ZERO).deadline(DEADLINE),
        );
        assert!(
            items.last().is_some_and(Result::is_err),
            "{client}: {items:?}"
        );
        assert!(server.requests().len() >= 2, "{client}: back to back");
    }
}

/// Dropping a wait's future mid-wait stops it: no task is left polling behind.
#[test]
fn a_dropped_wait_polls_no_more() {
    let server =
        ScriptedServer::start(vec![Reply::json(200, status_json("running", 1, Some(0.7)))]);
    let client = async_client(&server);
    let wait = client
        .optimization()
        .wait_for_optimization(JOB, fast(), |_| ());
    let polls = dropped_mid_wait(&server, wait, Duration::from_millis(300));
    assert!(polls >= 1);
}

/// What a watch yielded: each snapshot's state and iteration, or its error.
type Watched = Vec<Result<(JobStatus, u32), OptimizationWaitError>>;

/// Every item of a watch of `JOB` with `options` against a server answering `replies`: the
/// async client's stream, then the blocking client's iterator (each with its server).
fn watch_both(
    replies: Vec<Reply>,
    options: OptimizationWatchOptions,
) -> [(Watched, ScriptedServer); 2] {
    let seen = |item: Result<
        mutagent_optimization::OptimizationProgress,
        OptimizationWaitError,
    >| { item.map(|p| (p.status().clone(), p.iteration())) };
    let server = ScriptedServer::start(replies.clone());
    let client = async_client(&server);
    let from_async = runtime().block_on(async {
        let mut watch = client.optimization().watch_optimization(JOB, options);
        let mut items = Vec::new();
        while let Some(item) = watch.next().await {
            items.push(seen(item));
        }
        items
    });
    let blocking_server = ScriptedServer::start(replies);
    let from_blocking = blocking_client(&blocking_server)
        .optimization()
        .watch_optimization(JOB, options)
        .map(seen)
        .collect();
    [(from_async, server), (from_blocking, blocking_server)]
}

/// An outage longer than the transport's retries (a whole poll of 4 attempts answered 503,
/// then a second poll failing too) no longer ends the watch: it yields nothing for the failed
/// polls and goes on to the final state. Through both clients, as a stream/iterator and
/// through the callback (called for the snapshots only).
#[test]
fn a_short_outage_does_not_end_the_watch() {
    let mut replies = vec![Reply::json(200, status_json("running", 1, Some(0.7)))];
    replies.extend(vec![unavailable(); 6]);
    replies.push(Reply::json(200, status_json("running", 2, Some(0.85))));
    replies.push(Reply::json(200, status_json("completed", 4, Some(0.93))));
    for (items, server) in watch_both(replies.clone(), fast()) {
        let items: Vec<(JobStatus, u32)> = items
            .into_iter()
            .map(|item| item.expect("no error item for a failed poll"))
            .collect();
        assert_eq!(
            items,
            [
                (JobStatus::Running, 1),
                (JobStatus::Running, 2),
                (JobStatus::Completed, 4)
            ]
        );
        assert_eq!(server.requests().len(), 9);
    }

    let server = ScriptedServer::start(replies.clone());
    let mut seen = Vec::new();
    let job = runtime()
        .block_on(
            async_client(&server)
                .optimization()
                .wait_for_optimization(JOB, fast(), |p| seen.push(p.iteration())),
        )
        .expect("completed");
    assert_eq!(job.status, JobStatus::Completed);
    assert_eq!(seen, [1, 2, 4]);
    let server = ScriptedServer::start(replies);
    let mut seen = Vec::new();
    let job = blocking_client(&server)
        .optimization()
        .wait_for_optimization(JOB, fast(), |p| seen.push(p.iteration()))
        .expect("completed");
    assert_eq!(job.status, JobStatus::Completed);
    assert_eq!(seen, [1, 2, 4]);
}

/// A server that stays down ends a watch without deadline after `max_failed_polls` polls in
/// a row, with the count and the last poll's error. Through both clients and the callback.
#[test]
fn too_many_failed_polls_in_a_row_end_the_watch_with_the_last_error() {
    let options = fast().no_deadline().max_failed_polls(2);
    assert_eq!(options.poll.max_failed_polls, 2);
    let replies = vec![
        Reply::json(200, status_json("running", 1, Some(0.7))),
        unavailable(),
    ];
    for (items, server) in watch_both(replies.clone(), options) {
        assert_eq!(items.len(), 2, "{items:?}");
        assert_eq!(
            items[0].as_ref().expect("the snapshot"),
            &(JobStatus::Running, 1)
        );
        let err = items[1].as_ref().expect_err("the end");
        assert_eq!(err.failed_polls(), Some(2), "{err}");
        assert_eq!(err.to_string(), "gave up after 2 failed poll(s) in a row");
        assert_eq!(
            err.as_api_error().and_then(Error::status_code),
            Some(503),
            "{err:?}"
        );
        assert_eq!(server.requests().len(), 1 + 8, "2 polls of 4 attempts");
    }

    both_fail!(
        replies,
        |c| c.optimization().wait_for_optimization(JOB, options, |_| ()),
        |err, _, client| {
            assert_eq!(err.failed_polls(), Some(2), "{client}: {err}");
            let err = Error::from(err);
            assert_eq!(
                err.status_code(),
                Some(503),
                "{client}: the last error itself"
            );
            assert!(err.is_retryable(), "{client}");
        },
    );
}

/// A deadline that passes while the polls fail ends the watch with the deadline's error,
/// which keeps the last snapshot and mentions the last failed poll. Through both clients.
#[test]
fn a_deadline_passing_during_an_outage_mentions_the_last_failure() {
    let options = fast()
        .deadline(Duration::from_millis(600))
        .max_failed_polls(u32::MAX);
    let replies = vec![
        Reply::json(200, status_json("running", 1, Some(0.7))),
        unavailable(),
    ];
    for (mut items, _) in watch_both(replies, options) {
        assert_eq!(items.len(), 2, "{items:?}");
        let err = items[1].as_ref().expect_err("the deadline");
        let OptimizationWaitError::DeadlineExceeded(exceeded) = err else {
            panic!("expected the deadline, got {err:?}")
        };
        assert_eq!(exceeded.deadline, Duration::from_millis(600));
        assert_eq!(exceeded.last.as_ref().map(|p| p.iteration()), Some(1));
        let last = exceeded
            .last_poll_error
            .as_deref()
            .expect("the last failure");
        assert_eq!(last.status_code(), Some(503));
        let text = err.to_string();
        assert!(
            text.contains("; last seen running at iteration 1/4; the last poll failed: "),
            "{text}"
        );
        assert!(text.contains("503"), "{text}");
        // Through `?` the timeout keeps the last failure as its source.
        let err = Error::from(items.pop().expect("the end").expect_err("the deadline"));
        let Error::Timeout {
            last_poll_error: Some(last),
            ..
        } = &err
        else {
            panic!("expected a timeout keeping the last failure, got {err:#?}")
        };
        assert_eq!(last.status_code(), Some(503));
        let source = std::error::Error::source(&err).expect("the last failure as source");
        assert!(source.to_string().contains("503"), "{source}");
        assert!(format!("{err:?}").contains("Caused by:"), "{err:?}");
    }
}

/// A job in a state the SDK does not know (here a new final state, "archived") is never
/// terminal to the watch; the callback can stop watching with `WatchControl::Stop`, which
/// ends the wait at once with the snapshot it was given, sends no cancel and polls no more.
/// Through both clients.
#[test]
fn the_callback_can_stop_watching_without_cancelling() {
    let replies = vec![
        Reply::json(200, status_json("running", 1, Some(0.7))),
        Reply::json(200, status_json("archived", 4, Some(0.9))),
    ];
    let (job, server) = both_scripted!(replies, |c| c.optimization().wait_for_optimization(
        JOB,
        fast().no_deadline(),
        |p| if p.status().as_str() == "archived" {
            WatchControl::Stop
        } else {
            WatchControl::Continue
        }
    ));
    assert_eq!(job.status.as_str(), "archived");
    assert!(!job.status.is_terminal());
    assert_eq!(job.current_iteration, 4);
    assert_paths(&server, &[poll(), poll()]);
}
