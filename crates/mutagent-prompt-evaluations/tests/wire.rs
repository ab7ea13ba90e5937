//! Wire tests: every `prompt_evaluations` operation sends exactly the method, path, query,
//! headers and body of the contract, and decodes a realistic answer — through the async and
//! the blocking client. Plus validation, pagination and the run-and-wait helpers.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test may panic

use std::time::{Duration, Instant};

use mutagent_prompt_evaluations::{
    CreateEvaluation, EvalConfig, EvalCriterion, EvaluationDeadlineExceeded, EvaluationResult,
    EvaluationWaitError, EvaluationWaitOptions, GetEvaluationResultsAggregated, ListEvaluations,
    PromptEvaluationsExt, UpdateEvaluation,
};
use mutagent_wire_test::*;
use serde_json::{json, Value};

const GROUP: &str = "6f1c7a2e-8d4b-4c1e-9a7f-2b3c4d5e6f70";

fn evaluation_json(id: i64, version: &str) -> Value {
    json!({
        "id": id,
        "promptGroupId": GROUP,
        "datasetId": 3,
        "name": "accuracy",
        "description": null,
        "evalConfig": {
            "criteria": [{"id": "c1", "name": "politeness", "criteria": "Is it polite?", "evaluationParameter": "output", "evaluationSteps": ["read", "judge"]}],
            "threshold": 0.8,
            "model": "gpt-4o"
        },
        "llmConfig": {"model": "gpt-4o", "temperature": 0},
        "tags": ["nightly"],
        "metadata": null,
        "createdAt": "2026-11-01T10:00:00.000Z",
        "updatedAt": "2026-11-01T10:00:00.000Z",
        "createdBy": "ada@example.com",
        "evaluationGroupId": "e0a7c1d2-0000-4000-8000-000000000001",
        "version": version,
        "ancestorId": null,
        "isLatest": true,
        "someFutureField": [1, 2, 3]
    })
}

fn result_json(id: i64, score: f64) -> Value {
    json!({
        "id": id,
        "evaluationId": 5,
        "actualOutput": [{"itemId": 1, "output": "Hello Ada"}],
        "success": true,
        "score": score,
        "metricResults": {"threshold": 0.8, "passed": true},
        "executionTime": 50.0,
        "createdAt": format!("2026-11-01T10:00:0{id}.000Z"),
        "newThing": "ignored"
    })
}

#[test]
fn list_evaluations() {
    let page = json!({
        "data": [evaluation_json(1, "1.0.0"), evaluation_json(2, "1.1.0")],
        "total": 9, "limit": 2, "offset": 2, "hasNext": true, "hasPrevious": true
    });
    let params = ListEvaluations::new()
        .limit(2)
        .offset(2)
        .prompt_id(7)
        .prompt_group_id(GROUP)
        .dataset_id(3)
        .name("acc uracy")
        .created_by("ada@example.com")
        .is_latest(true);
    let (request, page) = both_call!(Reply::json(200, page), |c| c
        .prompt_evaluations()
        .list_evaluations(&params));
    assert_common(
        &request,
        "GET",
        "/api/prompts/evaluations/",
        Some(&format!("limit=2&offset=2&promptId=7&promptGroupId={GROUP}&datasetId=3&name=acc%20uracy&createdBy=ada%40example.com&isLatest=true")),
        None,
    );
    assert_eq!(page.total, 9);
    assert!(page.has_next);
    assert_eq!(page.data[1].version, "1.1.0");
    let criteria = page.data[0]
        .eval_config
        .criteria()
        .expect("SDK-shaped criteria");
    assert_eq!(criteria[0].evaluation_parameter, "output");
    assert_eq!(
        criteria[0].evaluation_steps.as_deref(),
        Some(&["read".to_owned(), "judge".to_owned()][..])
    );
    assert_eq!(page.data[0].eval_config.threshold(), Some(0.8));
    assert_eq!(page.data[0].eval_config.model(), Some("gpt-4o"));
}

#[test]
fn create_evaluation() {
    let body = CreateEvaluation::new(7, "accuracy")
        .dataset_id(3)
        .description("nightly check")
        .eval_config(
            EvalConfig::new()
                .with_criterion(EvalCriterion::new("Is it polite?", "output").name("politeness"))
                .with_threshold(0.8),
        )
        .llm_config(json!({"model": "gpt-4o", "temperature": 0}))
        .tags(["nightly"])
        .metadata(json!({"team": "qa"}))
        .created_by("ada@example.com");
    let (request, evaluation) = both_call!(Reply::json(201, evaluation_json(5, "1.0.0")), |c| c
        .prompt_evaluations()
        .create_evaluation(&body));
    assert_common(
        &request,
        "POST",
        "/api/prompts/evaluations/",
        None,
        Some(json!({
            "promptId": 7,
            "datasetId": 3,
            "name": "accuracy",
            "description": "nightly check",
            "evalConfig": {
                "criteria": [{"name": "politeness", "criteria": "Is it polite?", "evaluationParameter": "output"}],
                "threshold": 0.8
            },
            "llmConfig": {"model": "gpt-4o", "temperature": 0},
            "tags": ["nightly"],
            "metadata": {"team": "qa"},
            "createdBy": "ada@example.com"
        })),
    );
    assert_eq!(evaluation.id.get(), 5);
    assert_eq!(evaluation.prompt_group_id.as_str(), GROUP);

    // Only what is set goes on the wire.
    let minimal = CreateEvaluation::new(7, "m");
    let server = ScriptedServer::start(vec![Reply::json(201, evaluation_json(6, "1.0.0"))]);
    blocking_client(&server)
        .prompt_evaluations()
        .create_evaluation(&minimal)
        .expect("create");
    assert_eq!(
        server.single_request().json(),
        json!({"promptId": 7, "name": "m"})
    );
}

#[test]
fn get_evaluation_results_aggregated() {
    let answer = json!({
        "data": [{"key": "5", "runs": 2, "averageScore": 0.75, "evaluationId": 5}],
        "total": 1,
        "extra": true
    });
    let (request, aggregated) = both_call!(Reply::json(200, answer), |c| c
        .prompt_evaluations()
        .get_evaluation_results_aggregated(
            GROUP,
            "evaluation",
            &GetEvaluationResultsAggregated::new().time_range("7d"),
        ));
    assert_common(
        &request,
        "GET",
        "/api/prompts/evaluations/results",
        Some(&format!(
            "promptGroupId={GROUP}&groupBy=evaluation&timeRange=7d"
        )),
        None,
    );
    assert_eq!(aggregated.total, 1);
    assert_eq!(aggregated.data[0]["averageScore"], 0.75);
}

#[test]
fn get_evaluation() {
    let (request, evaluation) = both_call!(Reply::json(200, evaluation_json(5, "2.0.0")), |c| c
        .prompt_evaluations()
        .get_evaluation(5));
    assert_common(&request, "GET", "/api/prompts/evaluations/5", None, None);
    assert_eq!(evaluation.version, "2.0.0");
    assert_eq!(evaluation.llm_config["model"], "gpt-4o");
    assert_eq!(evaluation.dataset_id.map(|d| d.get()), Some(3));
}

#[test]
fn update_evaluation() {
    let body = UpdateEvaluation::new()
        .name("accuracy-2")
        .eval_config(json!({"metrics": ["bleu"], "threshold": 0.5}))
        .tags(["a", "b"]);
    let (request, _) = both_call!(Reply::json(200, evaluation_json(5, "1.0.0")), |c| c
        .prompt_evaluations()
        .update_evaluation(5, &body));
    assert_common(
        &request,
        "PATCH",
        "/api/prompts/evaluations/5",
        None,
        Some(
            json!({"name": "accuracy-2", "evalConfig": {"metrics": ["bleu"], "threshold": 0.5}, "tags": ["a", "b"]}),
        ),
    );
}

#[test]
fn delete_evaluation() {
    assert_json_answer!(
        "DELETE",
        "/api/prompts/evaluations/5",
        json!({"success": true, "message": "evaluation 5 deleted"}),
        |c| c.prompt_evaluations().delete_evaluation(5)
    );
}

#[test]
fn run_evaluation() {
    let (request, run) = both_call!(
        Reply::json(
            200,
            json!({"success": true, "message": "started", "evaluationId": 5, "jobRef": "x"}),
        ),
        |c| c.prompt_evaluations().run_evaluation(5)
    );
    assert_common(
        &request,
        "POST",
        "/api/prompts/evaluations/5/run",
        None,
        None,
    );
    assert!(run.success);
    assert_eq!(run.evaluation_id.get(), 5);
    assert_eq!(run.message.as_deref(), Some("started"));
}

#[test]
fn get_evaluation_result() {
    let (request, result) = both_call!(Reply::json(200, result_json(3, 0.875)), |c| c
        .prompt_evaluations()
        .get_evaluation_result(5));
    assert_common(
        &request,
        "GET",
        "/api/prompts/evaluations/5/result",
        None,
        None,
    );
    assert_eq!(result.id, 3);
    assert_eq!(result.score, Some(0.875));
    assert_eq!(result.metric_results["passed"], true);
    assert_eq!(result.actual_output[0]["output"], "Hello Ada");
}

#[test]
fn get_evaluation_history() {
    assert_json_answer!(
        "GET",
        "/api/prompts/evaluations/5/history",
        json!({"evaluationId": 5, "total": 1, "data": [result_json(1, 0.5)]}),
        |c| c.prompt_evaluations().get_evaluation_history(5)
    );
}

#[test]
fn create_evaluation_version() {
    let (request, evaluation) = both_call!(Reply::json(201, evaluation_json(6, "1.1.0")), |c| c
        .prompt_evaluations()
        .create_evaluation_version(5));
    assert_common(
        &request,
        "POST",
        "/api/prompts/evaluations/5/version",
        None,
        None,
    );
    assert_eq!(evaluation.id.get(), 6);
    assert!(evaluation.is_latest);
}

#[test]
fn invalid_input_is_refused_before_sending() {
    nothing_sent(|client| {
        let api = client.prompt_evaluations();
        assert_invalid(
            api.list_evaluations(&ListEvaluations::new().limit(0)),
            "limit",
        );
        assert_invalid(
            api.create_evaluation(&CreateEvaluation::new(7, "x".repeat(256))),
            "name",
        );
        assert_invalid(
            api.create_evaluation(&CreateEvaluation::new(0, "ok")),
            "promptId",
        );
        assert_invalid(
            api.create_evaluation(&CreateEvaluation::new(1, "ok").dataset_id(-3)),
            "datasetId",
        );
        assert_invalid(
            api.update_evaluation(5, &UpdateEvaluation::new().name("")),
            "name",
        );
        assert_invalid(
            api.get_evaluation_results_aggregated(
                GROUP,
                "",
                &GetEvaluationResultsAggregated::new(),
            ),
            "groupBy",
        );
        assert_invalid(
            api.get_evaluation_results_aggregated(
                "",
                "day",
                &GetEvaluationResultsAggregated::new(),
            ),
            "promptGroupId",
        );
    });
}

#[test]
fn eval_config_keeps_unknown_shapes() {
    let mut evaluation = evaluation_json(1, "1.0.0");
    evaluation["evalConfig"] = json!({"criteria": [{"field": "output", "metric": "bleu", "weight": 1}], "threshold": "high"});
    let server = ScriptedServer::start(vec![Reply::json(200, evaluation.clone())]);
    let decoded = blocking_client(&server)
        .prompt_evaluations()
        .get_evaluation(1)
        .expect("decodes");
    assert_eq!(decoded.eval_config.criteria(), None, "not the SDK's shape");
    assert_eq!(decoded.eval_config.threshold(), None);
    assert_eq!(decoded.eval_config.as_value(), &evaluation["evalConfig"]);
    // Sent back unchanged.
    #[cfg(feature = "serde-roundtrip")]
    assert_eq!(
        serde_json::to_value(&decoded).expect("encode")["evalConfig"],
        evaluation["evalConfig"]
    );
}

#[test]
fn list_evaluations_all_walks_every_page() {
    let page = |ids: &[i64], offset: u64, has_next: bool| {
        Reply::json(
            200,
            json!({
                "data": ids.iter().map(|id| evaluation_json(*id, "1.0.0")).collect::<Vec<_>>(),
                "total": 3, "limit": 2, "offset": offset, "hasNext": has_next, "hasPrevious": offset > 0
            }),
        )
    };
    let replies = vec![page(&[1, 2], 0, true), page(&[3], 2, false)];
    let params = ListEvaluations::new().limit(2).prompt_group_id(GROUP);

    let (evaluations, server) = both_walk!(replies, |c| c
        .prompt_evaluations()
        .list_evaluations_all(&params));
    let ids: Vec<i64> = evaluations.iter().map(|e| e.id.get()).collect();
    assert_eq!(ids, [1, 2, 3]);
    assert_queries(
        &server,
        &[
            format!("limit=2&promptGroupId={GROUP}&offset=0"),
            format!("limit=2&promptGroupId={GROUP}&offset=2"),
        ],
    );
}

fn not_found() -> Reply {
    Reply::json(
        404,
        json!({"error": "Not Found", "message": "evaluation 5 has no result yet"}),
    )
}

/// The answer to a run the server accepted.
fn run_started() -> Reply {
    Reply::json(
        200,
        json!({"success": true, "message": "started", "evaluationId": 5}),
    )
}

/// The requests of the waiting helpers, as [`assert_paths`] writes them: a poll for the
/// result, the existence check after a first 404, the run.
const POLL: &str = "GET /api/prompts/evaluations/5/result";
const EXISTS: &str = "GET /api/prompts/evaluations/5";
const RUN: &str = "POST /api/prompts/evaluations/5/run";

fn fast() -> EvaluationWaitOptions {
    EvaluationWaitOptions::new()
        .poll_interval(Duration::from_millis(20))
        .deadline(Duration::from_secs(10))
}

/// `wait_for_evaluation_result(5, fast())` through both clients (see [`both_scripted()`]).
fn waited_for(replies: Vec<Reply>) -> (EvaluationResult, ScriptedServer) {
    both_scripted!(replies, |c| c
        .prompt_evaluations()
        .wait_for_evaluation_result(5, fast()))
}

/// `run_evaluation_and_wait(5, fast())` through both clients (see [`both_scripted()`]).
fn ran_and_waited(replies: Vec<Reply>) -> (EvaluationResult, ScriptedServer) {
    both_scripted!(replies, |c| c
        .prompt_evaluations()
        .run_evaluation_and_wait(5, fast()))
}

#[test]
fn wait_for_result_treats_404_as_not_yet() {
    let replies = vec![
        not_found(),
        Reply::json(200, evaluation_json(5, "1.0.0")),
        not_found(),
        Reply::json(200, result_json(4, 0.9)),
    ];
    let expected = [POLL, EXISTS, POLL, POLL];

    let (result, server) = waited_for(replies);
    assert_eq!(result.id, 4);
    assert_eq!(result.score, Some(0.9));
    assert_paths(&server, &expected);
    let at: Vec<Instant> = server.requests().iter().map(|r| r.at).collect();
    assert!(
        at[3] - at[2] >= Duration::from_millis(15),
        "polls are spaced"
    );
}

/// The existence check on the first 404 only asks whether the evaluation exists: a 2xx says
/// it does, even with an answer this SDK cannot read as an `Evaluation` (here a bare `{"id":
/// 5}`), so the wait goes on (it used to end with that decode error, about a call the caller
/// never made). Through both clients.
#[test]
fn the_existence_check_takes_any_2xx_as_existing() {
    let replies = vec![
        not_found(),
        Reply::json(200, json!({"id": 5})),
        not_found(),
        Reply::json(200, result_json(4, 0.9)),
    ];
    let (result, server) = waited_for(replies);
    assert_eq!(result.id, 4);
    assert_paths(&server, &[POLL, EXISTS, POLL, POLL]);
}

#[test]
fn wait_for_result_of_a_missing_evaluation_fails_at_once() {
    let server = ScriptedServer::start(vec![not_found()]);
    let err = blocking_client(&server)
        .prompt_evaluations()
        .wait_for_evaluation_result(5, fast())
        .expect_err("missing");
    assert!(
        matches!(&err, EvaluationWaitError::Api(e) if e.is_not_found()),
        "{err}"
    );
    assert_eq!(
        server.requests().len(),
        2,
        "one result poll, one existence check"
    );
}

#[test]
fn wait_for_result_gives_up_at_the_deadline() {
    // No result at the deadline, whatever the machine's speed: two polls are answered (the
    // first slowly, as on a loaded machine), the third never in time, so it is the generous
    // deadline, not a race with it, that ends the wait during exactly the third poll.
    let deadline = Duration::from_secs(2);
    let replies = vec![
        not_found().delay(Duration::from_millis(300)),
        Reply::json(200, evaluation_json(5, "1.0.0")),
        not_found(),
        not_found().delay(Duration::from_secs(60)),
    ];
    let options = EvaluationWaitOptions::new()
        .poll_interval(Duration::from_millis(20))
        .deadline(deadline);

    let server = ScriptedServer::start(replies.clone());
    let started = Instant::now();
    let err = runtime()
        .block_on(
            async_client(&server)
                .prompt_evaluations()
                .wait_for_evaluation_result(5, options),
        )
        .expect_err("deadline");
    let elapsed = started.elapsed();
    assert!(elapsed >= deadline, "ended by the deadline: {elapsed:?}");
    assert!(
        elapsed < Duration::from_secs(30),
        "not by the stalled poll: {elapsed:?}"
    );
    match &err {
        EvaluationWaitError::DeadlineExceeded(EvaluationDeadlineExceeded {
            evaluation_id,
            deadline,
            polls,
            ..
        }) => {
            assert_eq!(evaluation_id.get(), 5);
            assert_eq!(*deadline, Duration::from_secs(2));
            assert_eq!(
                *polls, 3,
                "two answered polls, the third cut short (and counted)"
            );
        }
        other => panic!("expected a deadline error, got {other}"),
    }
    assert!(err.is_deadline_exceeded());
    assert_eq!(
        err.to_string(),
        "evaluation 5 has no result after 2s (3 poll(s))",
        "any result would have done: none is not a new one"
    );
    assert_wait_timeout(err.into(), "wait_for_evaluation_result", deadline, 3);

    let server = ScriptedServer::start(replies);
    let err = blocking_client(&server)
        .prompt_evaluations()
        .wait_for_evaluation_result(5, options)
        .expect_err("deadline");
    assert!(err.is_deadline_exceeded(), "{err}");
}

/// A call the deadline cut short had been started, so it may have been sent: the deadline's
/// count includes it, and through `?` the timeout never says that nothing was sent (it did,
/// with `attempts()` `None`, for a wait whose first poll the deadline cut short, and for a
/// run-and-wait whose run request it cut short, beside "the run goes on"). Both clients.
#[test]
fn a_call_cut_short_by_the_deadline_is_never_said_unsent() {
    let deadline = Duration::from_secs(2);
    let options = EvaluationWaitOptions::new()
        .poll_interval(Duration::from_millis(20))
        .deadline(deadline);
    let stalled_poll = vec![not_found().delay(Duration::from_secs(60))];
    let check_wait = |err: EvaluationWaitError, _: &ScriptedServer, client: &str| {
        assert_eq!(
            err.deadline_exceeded().map(|passed| passed.polls),
            Some(1),
            "{client}: the poll cut short counts"
        );
        assert_eq!(
            err.to_string(),
            "evaluation 5 has no result after 2s (1 poll(s))",
            "{client}"
        );
        assert_wait_timeout(err.into(), "wait_for_evaluation_result", deadline, 1);
    };
    both_fail!(
        stalled_poll,
        |c| c
            .prompt_evaluations()
            .wait_for_evaluation_result(5, options),
        check_wait,
    );

    let stalled_run = vec![not_found(), run_started().delay(Duration::from_secs(60))];
    let check_run = |err: EvaluationWaitError, _: &ScriptedServer, client: &str| {
        assert!(
            err.deadline_exceeded()
                .is_some_and(|passed| passed.run_started),
            "{client}: {err}"
        );
        let err = Error::from(err);
        assert_run_goes_on(&err);
        assert!(err.attempts().is_some(), "{client}: {err:?}");
        let cause = std::error::Error::source(&err).expect("the timeout");
        assert!(
            !cause.to_string().contains("before anything was sent"),
            "{client}: {cause}"
        );
    };
    both_fail!(
        stalled_run,
        |c| c.prompt_evaluations().run_evaluation_and_wait(5, options),
        check_run,
    );
}

/// The first poll is made at once and the pause comes between two polls (the requests of a
/// scripted server are some 40 ms apart anyway, so the pause here is much longer).
#[test]
fn polls_are_paused_between_not_before() {
    let interval = Duration::from_secs(1);
    let server = ScriptedServer::start(vec![
        not_found(),
        Reply::json(200, evaluation_json(5, "1.0.0")),
        not_found(),
        Reply::json(200, result_json(4, 0.9)),
    ]);
    let client = blocking_client(&server);
    let options = EvaluationWaitOptions::new()
        .poll_interval(interval)
        .deadline(Duration::from_secs(30));
    let started = Instant::now();
    let result = client
        .prompt_evaluations()
        .wait_for_evaluation_result(5, options)
        .expect("result");
    assert_eq!(result.id, 4);
    let at: Vec<Instant> = server.requests().iter().map(|r| r.at).collect();
    assert!(at[0] - started < interval / 2, "{:?}", at[0] - started);
    assert!(at[2] - at[1] >= interval, "{:?}", at[2] - at[1]);
    assert!(at[3] - at[2] >= interval, "{:?}", at[3] - at[2]);
}

/// Only a 404 means "no result yet"; any other failure ends the wait (and a run-and-wait
/// before running anything) with that error.
#[test]
fn other_failures_end_the_wait_at_once() {
    type Call = fn(&BlockingClient) -> Result<EvaluationResult, EvaluationWaitError>;
    let calls: [(Call, &str); 2] = [
        (
            |c| c.prompt_evaluations().wait_for_evaluation_result(5, fast()),
            "wait",
        ),
        (
            |c| c.prompt_evaluations().run_evaluation_and_wait(5, fast()),
            "run and wait: nothing run",
        ),
    ];
    for (call, what) in calls {
        let server = ScriptedServer::start(vec![Reply::json(
            403,
            json!({"error": "Forbidden", "message": "not yours"}),
        )]);
        let err = call(&blocking_client(&server)).expect_err(what);
        assert_eq!(
            Error::from(err).status().map(|s| s.as_u16()),
            Some(403),
            "{what}"
        );
        assert_eq!(server.requests().len(), 1, "{what}");
    }
}

#[test]
fn the_deadline_cuts_a_stalled_poll_short() {
    let options = EvaluationWaitOptions::new().deadline(Duration::from_millis(100));
    let err = against_a_stalled_answer(Reply::json(200, result_json(1, 0.5)), |c| {
        c.prompt_evaluations()
            .wait_for_evaluation_result(5, options)
    });
    assert!(err.is_deadline_exceeded(), "{err}");
}

#[test]
fn run_and_wait_waits_for_a_new_result() {
    let replies = vec![
        Reply::json(200, result_json(1, 0.5)),
        run_started(),
        Reply::json(200, result_json(1, 0.5)),
        Reply::json(200, result_json(2, 0.75)),
    ];
    let expected = [POLL, RUN, POLL, POLL];

    let (result, server) = ran_and_waited(replies);
    assert_eq!(result.id, 2);
    assert_eq!(result.score, Some(0.75));
    assert_paths(&server, &expected);
}

/// A run whose result never replaces the earlier run's: the deadline error says that only
/// the earlier result exists (the scripted server repeats its last reply, the old result).
#[test]
fn run_and_wait_tells_that_only_an_earlier_result_exists_at_the_deadline() {
    let server = ScriptedServer::start(vec![
        Reply::json(200, result_json(1, 0.5)),
        run_started(),
        Reply::json(200, result_json(1, 0.5)),
    ]);
    let options = EvaluationWaitOptions::new()
        .poll_interval(Duration::from_millis(10))
        .deadline(Duration::from_millis(300));
    let err = blocking_client(&server)
        .prompt_evaluations()
        .run_evaluation_and_wait(5, options)
        .expect_err("no new result");
    let EvaluationWaitError::DeadlineExceeded(exceeded) = &err else {
        panic!("expected the deadline, got {err}")
    };
    assert!(exceeded.earlier_result);
    assert!(exceeded.run_started);
    let text = err.to_string();
    assert!(
        text.starts_with("evaluation 5 has no new result (only an earlier run's) after 300ms ("),
        "{text}"
    );
    assert!(
        text.ends_with("; the run this wait started goes on"),
        "{text}"
    );
    // Through `?`: the run goes on, so the deadline is a partial failure, not a retryable
    // timeout (the helper again would start a second run).
    // Both name the helper the user called, as a failed poll after the run does.
    let err = mutagent_core::Error::from(err);
    assert_run_goes_on(&err);
    let cause = std::error::Error::source(&err).expect("the timeout");
    assert!(
        cause.to_string().starts_with("[run_evaluation_and_wait] "),
        "{cause}"
    );
}

/// `err` is `run_evaluation_and_wait`'s partial failure once it asked for the run of
/// evaluation 5: named after the helper, saying the run goes on, never retryable.
fn assert_run_goes_on(err: &mutagent_core::Error) {
    assert!(
        matches!(
            err,
            mutagent_core::Error::Partial {
                operation: "run_evaluation_and_wait",
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(
        err.done_before_stopping(),
        Some("evaluation 5 was asked to run (the run goes on)"),
        "{err:?}"
    );
    assert!(!err.is_retryable(), "{err:?}");
}

/// A poll that fails after the run was asked for: the wait's error is a partial failure around
/// the poll's error (its status kept), never retryable, through both clients.
#[test]
fn run_and_wait_after_the_run_a_failed_poll_is_a_partial_failure() {
    let replies = vec![
        Reply::json(200, result_json(1, 0.5)),
        run_started(),
        Reply::json(400, json!({"error": "bad_request", "message": "no"})),
    ];
    both_fail!(
        replies,
        |c| c.prompt_evaluations().run_evaluation_and_wait(5, fast()),
        |err, _, client| {
            let Some(err) = err.as_api_error() else {
                panic!("{client}: expected the poll's error, got {err}")
            };
            assert_run_goes_on(err);
            assert_eq!(err.status_code(), Some(400), "{client}");
        },
    );
}

/// A deadline that has passed (zero here) ends the helper before it sends anything: no run is
/// started after the deadline, through both clients. (A poll answered within the first
/// millisecond used to be taken, and the run then sent while its own call was cut short.)
#[test]
fn run_and_wait_with_a_passed_deadline_starts_no_run() {
    let options = EvaluationWaitOptions::new().deadline(Duration::ZERO);
    let replies = vec![not_found(), run_started()];
    let check = |err: EvaluationWaitError, server: &ScriptedServer, client: &str| {
        let EvaluationWaitError::DeadlineExceeded(exceeded) = &err else {
            panic!("{client}: expected the deadline, got {err}")
        };
        assert!(!exceeded.run_started, "{client}: {exceeded:?}");
        assert_eq!(exceeded.polls, 0, "{client}");
        assert!(
            server.requests().is_empty(),
            "{client}: nothing may be sent past the deadline, got {:?}",
            server.requests()
        );
        assert!(
            Error::from(err).is_timeout(),
            "{client}: not a partial failure"
        );
    };
    // Several times: each one used to start the run whenever the first poll's 404 came back
    // before the runtime's timer fired.
    for _ in 0..5 {
        both_fail!(
            replies.clone(),
            |c| c.prompt_evaluations().run_evaluation_and_wait(5, options),
            check,
        );
    }
}

/// A run the server accepted (2xx) whose answer cannot be read (here it lacks the fields
/// `success` and `evaluationId`) was still taken: the helper waits for its result instead of
/// failing while the run goes on (it used to end with the decode error, not even saying that
/// a run goes on). Through both clients.
#[test]
fn run_and_wait_goes_on_after_an_accepted_run_with_an_odd_answer() {
    let replies = vec![
        Reply::json(200, result_json(1, 0.5)),
        Reply::json(202, json!({"message": "queued"})),
        Reply::json(200, result_json(1, 0.5)),
        Reply::json(200, result_json(2, 0.75)),
    ];
    let expected = [POLL, RUN, POLL, POLL];
    let (result, server) = ran_and_waited(replies);
    assert_eq!(result.id, 2);
    assert_paths(&server, &expected);
}

/// A run request sent but cut short by the call's own timeout (shorter than the wait's
/// deadline) may have been taken, as one cut short by the deadline: the error is a partial
/// failure saying the run goes on, never retryable (it used to be the bare timeout, which is
/// retryable: the helper again would start a second run). Through both clients.
#[test]
fn run_and_wait_whose_run_times_out_says_the_run_may_go_on() {
    let replies = vec![not_found(), run_started().delay(Duration::from_secs(30))];
    let call_timeout = mutagent_core::CallOptions::new().timeout(Duration::from_millis(500));
    let check = |err: EvaluationWaitError, _: &ScriptedServer, client: &str| {
        assert!(!err.is_deadline_exceeded(), "{client}: {err}");
        let err = Error::from(err);
        assert_run_goes_on(&err);
        let cause = std::error::Error::source(&err).expect("the run's timeout");
        assert!(
            cause.to_string().starts_with("[run_evaluation] "),
            "{client}: {cause}"
        );
    };
    both_fail!(
        replies,
        |c| c
            .with_options(call_timeout.clone())
            .prompt_evaluations()
            .run_evaluation_and_wait(5, fast()),
        check,
    );
}

/// A run the server answers with `success: false` was not accepted: no result will come, so
/// the helper ends at once with an error that says so and quotes the server's message (made
/// safe to print), instead of polling until the deadline and then saying that the run goes
/// on. Through both clients.
#[test]
fn run_and_wait_ends_at_once_when_the_server_refuses_the_run() {
    let replies = vec![
        not_found(),
        Reply::json(
            200,
            json!({"success": false, "message": "dataset 3 is empty\nINFO ok", "evaluationId": 5}),
        ),
        not_found(),
    ];
    let options = EvaluationWaitOptions::new()
        .poll_interval(Duration::from_millis(20))
        .deadline(Duration::from_secs(2));
    let check = |err: EvaluationWaitError, server: &ScriptedServer, client: &str| {
        let Some(err) = err.as_api_error() else {
            panic!("{client}: expected the refusal, got {err}")
        };
        assert!(
            matches!(
                err,
                Error::Unexpected {
                    operation: "run_evaluation_and_wait",
                    ..
                }
            ),
            "{client}: {err:?}"
        );
        assert!(!err.is_retryable(), "{client}");
        assert_eq!(
            err.to_string(),
            r"[run_evaluation_and_wait] unexpected failure: the server did not accept the run of evaluation 5 (success: false): dataset 3 is empty\nINFO ok",
            "{client}"
        );
        assert_paths(server, &[POLL, RUN]);
    };
    both_fail!(
        replies,
        |c| c.prompt_evaluations().run_evaluation_and_wait(5, options),
        check,
    );
}

#[test]
fn run_and_wait_without_an_earlier_result() {
    let server = ScriptedServer::start(vec![
        not_found(),
        run_started(),
        Reply::json(200, result_json(1, 0.5)),
    ]);
    let result = blocking_client(&server)
        .prompt_evaluations()
        .run_evaluation_and_wait(5, fast())
        .expect("result");
    assert_eq!(result.id, 1);
    assert_eq!(server.requests().len(), 3);
}

#[test]
fn run_and_wait_reports_a_failed_run() {
    let server = ScriptedServer::start(vec![
        not_found(),
        Reply::json(
            409,
            json!({"error": "Conflict", "message": "dataset is gone"}),
        ),
    ]);
    let err = blocking_client(&server)
        .prompt_evaluations()
        .run_evaluation_and_wait(5, fast())
        .expect_err("conflict");
    assert_eq!(
        err.as_api_error()
            .and_then(Error::status)
            .map(|s| s.as_u16()),
        Some(409)
    );
}

/// Id filters of 0 are refused before sending, like ids in paths and bodies.
#[test]
fn list_filter_ids_below_one_are_refused() {
    nothing_sent(|client| {
        let err = client
            .prompt_evaluations()
            .list_evaluations(&ListEvaluations::new().prompt_id(0))
            .expect_err("prompt id 0");
        assert_eq!(
            err.to_string(),
            "[list_evaluations] invalid input: `promptId` must be at least 1 (got 0)"
        );
        let err = client
            .prompt_evaluations()
            .list_evaluations(&ListEvaluations::new().dataset_id(-2))
            .expect_err("dataset id -2");
        assert_eq!(
            err.to_string(),
            "[list_evaluations] invalid input: `datasetId` must be at least 1 (got -2)"
        );
    });
}

/// Extreme options from the caller never panic (no `Instant` overflow) and mean what they
/// say, through both clients: `Duration::MAX` as the deadline is no limit, `Duration::MAX` as
/// the interval leaves the deadline to end the wait, and a zero interval polls back to back
/// until the deadline.
#[test]
fn extreme_intervals_and_deadlines_never_panic() {
    let not_yet = || {
        vec![
            not_found(),
            Reply::json(200, evaluation_json(5, "1.0.0")),
            not_found(),
        ]
    };
    // Generous: the first answers only have to come within it, even on a loaded machine.
    const DEADLINE: Duration = Duration::from_secs(2);
    type Run = fn(&ScriptedServer, EvaluationWaitOptions) -> Result<i64, EvaluationWaitError>;
    let runs: [(Run, &str); 2] = [
        (
            |server, options| {
                runtime()
                    .block_on(
                        async_client(server)
                            .prompt_evaluations()
                            .wait_for_evaluation_result(5, options),
                    )
                    .map(|r| r.id)
            },
            "async",
        ),
        (
            |server, options| {
                blocking_client(server)
                    .prompt_evaluations()
                    .wait_for_evaluation_result(5, options)
                    .map(|r| r.id)
            },
            "blocking",
        ),
    ];
    for (run, client) in runs {
        let mut replies = not_yet();
        replies.push(Reply::json(200, result_json(4, 0.9)));
        let server = ScriptedServer::start(replies);
        let found = run(&server, fast().deadline(Duration::MAX));
        assert_eq!(found.ok(), Some(4), "{client}");

        let server = ScriptedServer::start(not_yet());
        let started = Instant::now();
        let err = run(
            &server,
            fast().poll_interval(Duration::MAX).deadline(DEADLINE),
        )
        .expect_err("deadline");
        assert!(started.elapsed() < Duration::from_secs(10), "{client}");
        assert_eq!(
            err.to_string(),
            "evaluation 5 has no result after 2s (1 poll(s))",
            "{client}"
        );

        let server = ScriptedServer::start(not_yet());
        let err = run(
            &server,
            fast().poll_interval(Duration::ZERO).deadline(DEADLINE),
        )
        .expect_err("deadline");
        assert!(err.is_deadline_exceeded(), "{client}: {err}");
        assert!(server.requests().len() >= 3, "{client}: back to back");
    }
}

/// Dropping a wait's future mid-wait stops it: no task is left polling behind.
#[test]
fn a_dropped_wait_polls_no_more() {
    let server = ScriptedServer::start(vec![
        not_found(),
        run_started(),
        not_found(),
        Reply::json(200, evaluation_json(5, "1.0.0")),
        not_found(),
    ]);
    let client = async_client(&server);
    let wait = client
        .prompt_evaluations()
        .run_evaluation_and_wait(5, fast());
    let polls = dropped_mid_wait(&server, wait, Duration::from_secs(1));
    assert!(polls >= 3, "ran, then polled: {polls}");
}

/// An outage longer than the transport's retries (a whole poll of 4 attempts answered 503)
/// no longer ends the wait: the next poll gets the result. Through both clients, for the
/// wait and for the polls of run-and-wait after its run.
#[test]
fn a_short_outage_does_not_end_the_wait() {
    let mut replies = vec![unavailable(); 6];
    replies.push(Reply::json(200, result_json(4, 0.9)));
    let (result, server) = waited_for(replies);
    assert_eq!(result.id, 4);
    assert_eq!(
        server.requests().len(),
        7,
        "two polls failed (4 + 2 attempts), the third answered"
    );

    let mut replies = vec![Reply::json(200, result_json(1, 0.5)), run_started()];
    replies.extend(vec![unavailable(); 5]);
    replies.push(Reply::json(200, result_json(2, 0.75)));
    let (result, server) = ran_and_waited(replies);
    assert_eq!(result.id, 2);
    assert_eq!(server.requests().len(), 8);

    // A poll whose answer broke off on every attempt (the transport retries a GET's lost
    // answer, then gives up with `AnswerLost`) is as transient: a GET may be sent again.
    let mut replies = vec![Reply::json(200, result_json(4, 0.9)).truncate(10); 4];
    replies.push(Reply::json(200, result_json(4, 0.9)));
    let (result, server) = waited_for(replies);
    assert_eq!(result.id, 4);
    assert_eq!(
        server.requests().len(),
        5,
        "one poll of 4 lost answers, then one"
    );
}

/// A server that stays down ends the wait after `max_failed_polls` polls in a row, with the
/// count and the last poll's error (run-and-wait's wrapped as a partial failure: its run goes
/// on). Through both clients.
#[test]
fn too_many_failed_polls_in_a_row_end_the_wait_with_the_last_error() {
    let options = fast().no_deadline().max_failed_polls(3);
    let check = |err: EvaluationWaitError, server: &ScriptedServer, what: &str| {
        assert_eq!(err.failed_polls(), Some(3), "{what}: {err}");
        assert_eq!(err.to_string(), "gave up after 3 failed poll(s) in a row");
        let last = err.as_api_error().expect("the last poll's error");
        assert_eq!(last.status_code(), Some(503), "{what}: {last:?}");
        assert_eq!(server.requests().len(), 12, "{what}: 3 polls of 4 attempts");
        let err = Error::from(err);
        assert_eq!(err.status_code(), Some(503), "{what}");
        assert!(err.is_retryable(), "{what}: the wait may be started again");
    };
    both_fail!(
        vec![unavailable()],
        |c| c
            .prompt_evaluations()
            .wait_for_evaluation_result(5, options),
        check,
    );

    // After its run, run-and-wait's last error says that the run goes on.
    let replies = vec![
        Reply::json(200, result_json(1, 0.5)),
        run_started(),
        unavailable(),
    ];
    both_fail!(
        replies,
        |c| c
            .prompt_evaluations()
            .run_evaluation_and_wait(5, fast().max_failed_polls(2)),
        |err, server, what| {
            assert_eq!(err.failed_polls(), Some(2), "{what}: {err}");
            assert_eq!(server.requests().len(), 2 + 8, "{what}");
            let err = Error::from(err);
            assert_run_goes_on(&err);
            assert_eq!(err.status_code(), Some(503), "{what}");
        },
    );
}

/// An error that is not transient still ends the wait at once, through both clients: a 401
/// of a poll, a 404 of the evaluation itself.
#[test]
fn an_error_that_is_not_transient_still_ends_the_wait_at_once() {
    for (replies, status, sent) in [
        (
            vec![Reply::json(
                401,
                json!({"error": "Unauthorized", "message": "bad key"}),
            )],
            401,
            1,
        ),
        (vec![not_found()], 404, 2),
    ] {
        both_fail!(
            replies,
            |c| c.prompt_evaluations().wait_for_evaluation_result(5, fast()),
            |err, server, what| {
                assert!(
                    matches!(&err, EvaluationWaitError::Api(e) if e.status_code() == Some(status)),
                    "{what}: {err:?}"
                );
                assert_eq!(server.requests().len(), sent, "{what}");
            },
        );
    }
}

/// A deadline that passes while the polls fail ends the wait with the deadline's error, which
/// mentions the last failed poll. Through both clients.
#[test]
fn a_deadline_passing_during_an_outage_mentions_the_last_failure() {
    let options = fast()
        .deadline(Duration::from_millis(600))
        .max_failed_polls(u32::MAX);
    both_fail!(
        vec![unavailable()],
        |c| c
            .prompt_evaluations()
            .wait_for_evaluation_result(5, options),
        |err, _, what| {
            let EvaluationWaitError::DeadlineExceeded(exceeded) = &err else {
                panic!("{what}: expected the deadline, got {err:?}")
            };
            assert_eq!(exceeded.deadline, options.deadline.unwrap());
            let last = exceeded
                .last_poll_error
                .as_deref()
                .expect("the last failure");
            assert_eq!(last.status_code(), Some(503), "{what}");
            let text = err.to_string();
            assert!(
                text.starts_with("evaluation 5 has no result after 600ms ("),
                "{text}"
            );
            assert!(text.contains("; the last poll failed: "), "{text}");
            assert!(text.contains("503"), "{text}");
            // Through `?` the timeout keeps the last failure as its source.
            let err = Error::from(err);
            let Error::Timeout {
                last_poll_error: Some(last),
                ..
            } = &err
            else {
                panic!("{what}: expected a timeout keeping the last failure, got {err:#?}")
            };
            assert_eq!(last.status_code(), Some(503), "{what}");
            let source = std::error::Error::source(&err).expect("the last failure as source");
            assert!(source.to_string().contains("503"), "{what}: {source}");
        },
    );
}
