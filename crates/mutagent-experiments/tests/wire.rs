//! Wire tests: every `experiments` operation sends exactly the method, path, query, headers
//! and body of the contract, and decodes a realistic answer — through the async and the
//! blocking client. Plus validation, lenient decoding and pagination.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test may panic

/// Paging by hand with `next_offset` against the walk (in this binary to save a link).
#[path = "wire/paging_by_hand.rs"]
mod paging_by_hand;

use mutagent_experiments::{
    AddExperimentResult, CompleteExperiment, CompletionStatus, CreateExperiment, CriterionScore,
    DatasetItemRef, Experiment, ExperimentModel, ExperimentStatus, ExperimentSummary,
    ExperimentsExt, ListExperiments,
};
use mutagent_wire_test::*;
use serde_json::{json, Value};

const GROUP: &str = "6f1c7a2e-8d4b-4c1e-9a7f-2b3c4d5e6f70";
const EXP: &str = "9a8b7c6d-0000-4000-8000-00000000e001";

fn result_json(column: &str, score: f64) -> Value {
    json!({
        "id": "r-1",
        "experimentId": EXP,
        "datasetItemId": 11,
        "datasetItemIndex": "0",
        "modelColumnId": column,
        "output": "Hello Ada",
        "evalScore": score,
        "evalPassed": score >= 0.5,
        "latencyMs": "123.5",
        "error": null,
        "traceId": null,
        "evalCriteria": [{"name": "politeness", "score": score, "passed": true}],
        "createdAt": "2026-11-01T10:00:00.000Z",
        "judge": "gpt-4o"
    })
}

fn experiment_json(status: &str) -> Value {
    json!({
        "id": EXP,
        "name": "4o vs mini",
        "promptId": "7",
        "promptGroupId": GROUP,
        "evaluationId": 5,
        "datasetId": 3,
        "models": [{"id": "a", "model": "gpt-4o", "temperature": 0.0}, {"id": "b", "model": "gpt-4o-mini", "temperature": 0.7}],
        "datasetItemCount": 2,
        "status": status,
        "summary": null,
        "createdBy": null,
        "createdAt": "2026-11-01T10:00:00.000Z",
        "updatedAt": "2026-11-01T10:00:00.000Z",
        "completedAt": null,
        "resultCount": 1,
        "results": [result_json("a", 0.8)],
        "owner": {"team": "qa"}
    })
}

#[test]
fn list_experiments() {
    let page = json!({
        "data": [experiment_json("running"), experiment_json("archived")],
        "total": 5, "limit": 2, "offset": 0, "hasNext": true, "hasPrevious": false
    });
    let params = ListExperiments::new()
        .prompt_id(7)
        .prompt_group_id(GROUP)
        .status(ExperimentStatus::Running)
        .created_by("ada@example.com")
        .limit(2)
        .offset(0);
    let (request, page) = both_call!(Reply::json(200, page), |c| c
        .experiments()
        .list_experiments(&params));
    assert_common(
        &request,
        "GET",
        "/api/prompts/experiments/",
        Some(&format!("promptId=7&promptGroupId={GROUP}&status=running&createdBy=ada%40example.com&limit=2&offset=0")),
        None,
    );
    assert_eq!(page.total, Some(5));
    assert_eq!(page.has_next, Some(true));
    assert_eq!(page.data.len(), 2);
    assert_eq!(page.next_offset(), Some(2));
    assert_eq!(
        page.data[1].status,
        Some(ExperimentStatus::Unknown("archived".into()))
    );
}

#[test]
fn create_experiment() {
    let body = CreateExperiment::new(
        7,
        GROUP,
        5,
        3,
        [
            ExperimentModel::new("a", "gpt-4o", 0.0),
            ExperimentModel::new("b", "gpt-4o-mini", 0.7),
        ],
    )
    .dataset_item_count(2)
    .name("4o vs mini");
    let (request, experiment) = both_call!(Reply::json(201, experiment_json("running")), |c| c
        .experiments()
        .create_experiment(&body));
    assert_common(
        &request,
        "POST",
        "/api/prompts/experiments/",
        None,
        Some(json!({
            "promptId": 7,
            "promptGroupId": GROUP,
            "evaluationId": 5,
            "datasetId": 3,
            "models": [{"id": "a", "model": "gpt-4o", "temperature": 0.0}, {"id": "b", "model": "gpt-4o-mini", "temperature": 0.7}],
            "datasetItemCount": 2,
            "name": "4o vs mini"
        })),
    );
    assert_eq!(experiment.id.as_ref().map(|id| id.as_str()), Some(EXP));
    assert_eq!(
        experiment.prompt_id.map(|p| p.get()),
        Some(7),
        "numeric strings read as ids"
    );
    assert_eq!(experiment.status, Some(ExperimentStatus::Running));
    assert_eq!(experiment.models.as_ref().map(Vec::len), Some(2));
    assert_eq!(experiment.extra.get("owner"), Some(&json!({"team": "qa"})));
}

#[test]
fn get_experiment() {
    let (request, experiment) = both_call!(Reply::json(200, experiment_json("running")), |c| c
        .experiments()
        .get_experiment(EXP));
    assert_common(
        &request,
        "GET",
        &format!("/api/prompts/experiments/{EXP}"),
        None,
        None,
    );
    let results = experiment.results.expect("results");
    assert_eq!(results[0].dataset_item_id, Some(DatasetItemRef::Id(11)));
    assert_eq!(results[0].dataset_item_index, Some(0));
    assert_eq!(results[0].latency_ms, Some(123.5));
    assert_eq!(
        results[0]
            .eval_criteria
            .as_ref()
            .map(|c| c[0].name.as_str()),
        Some("politeness")
    );
    assert_eq!(results[0].extra.get("judge"), Some(&json!("gpt-4o")));
    assert_eq!(experiment.result_count, Some(1));
}

#[test]
fn complete_experiment() {
    let body = CompleteExperiment::new(
        CompletionStatus::Partial,
        ExperimentSummary::new(4, 3).per_model_stats(json!({"a": {"averageScore": 0.8}})),
    )
    .completed_at("2026-11-01T11:00:00.000Z");
    let mut answer = experiment_json("partial");
    answer["summary"] =
        json!({"totalEvaluations": 4, "completedEvaluations": 3, "perModelStats": {}});
    let (request, experiment) = both_call!(Reply::json(200, answer), |c| c
        .experiments()
        .complete_experiment(EXP, &body));
    assert_common(
        &request,
        "PATCH",
        &format!("/api/prompts/experiments/{EXP}"),
        None,
        Some(json!({
            "status": "partial",
            "summary": {"totalEvaluations": 4, "completedEvaluations": 3, "perModelStats": {"a": {"averageScore": 0.8}}},
            "completedAt": "2026-11-01T11:00:00.000Z"
        })),
    );
    assert_eq!(experiment.status, Some(ExperimentStatus::Partial));
    assert_eq!(
        experiment
            .summary
            .as_ref()
            .map(|s| s["completedEvaluations"].clone()),
        Some(json!(3))
    );
}

#[test]
fn complete_experiment_defaults_to_now() {
    let body = CompleteExperiment::new(CompletionStatus::Completed, ExperimentSummary::new(1, 1));
    let json = serde_json::to_value(&body).expect("encode");
    let at = json["completedAt"].as_str().expect("text");
    assert_eq!(at.len(), "2026-11-01T11:00:00.000Z".len(), "{at}");
    assert!(at.ends_with('Z') && at.as_bytes()[10] == b'T', "{at}");
}

#[test]
fn delete_experiment() {
    let (request, answer) = both_call!(
        Reply::json(200, json!({"success": true, "message": "deleted"})),
        |c| c.experiments().delete_experiment(EXP)
    );
    assert_common(
        &request,
        "DELETE",
        &format!("/api/prompts/experiments/{EXP}"),
        None,
        None,
    );
    assert_eq!(answer["success"], true);
}

#[test]
fn eval_score_is_any_number() {
    // models.md: `evalScore` is "number, optional, nullable" with no range.
    for score in [7.5, -2.0, 100.0] {
        let body = AddExperimentResult::new(11, 0, "a", "out").eval_score(score);
        let (request, result) = both_call!(Reply::json(201, result_json("a", score)), |c| c
            .experiments()
            .add_experiment_result(EXP, &body));
        assert_eq!(request.json()["evalScore"], json!(score));
        assert_eq!(result.eval_score, Some(score));
    }
}

#[test]
fn add_experiment_result() {
    let body = AddExperimentResult::new(11, 0, "a", "Hello Ada")
        .eval_score(0.8)
        .eval_passed(true)
        .latency_ms(123.5)
        .trace_id("t-1")
        .eval_criteria([CriterionScore::new("politeness", 0.8, true).reason("greets by name")]);
    let (request, result) = both_call!(Reply::json(201, result_json("a", 0.8)), |c| c
        .experiments()
        .add_experiment_result(EXP, &body));
    assert_common(
        &request,
        "POST",
        &format!("/api/prompts/experiments/{EXP}/results"),
        None,
        Some(json!({
            "datasetItemId": 11,
            "datasetItemIndex": 0,
            "modelColumnId": "a",
            "output": "Hello Ada",
            "evalScore": 0.8,
            "evalPassed": true,
            "latencyMs": 123.5,
            "traceId": "t-1",
            "evalCriteria": [{"name": "politeness", "score": 0.8, "passed": true, "reason": "greets by name"}]
        })),
    );
    assert_eq!(result.model_column_id.as_deref(), Some("a"));
    assert_eq!(result.eval_passed, Some(true));

    let server = ScriptedServer::start(vec![Reply::json(201, result_json("b", 0.1))]);
    blocking_client(&server)
        .experiments()
        .add_experiment_result(EXP, &AddExperimentResult::new("item-key", 3, "b", "x"))
        .expect("string item id");
    assert_eq!(
        server.single_request().json(),
        json!({"datasetItemId": "item-key", "datasetItemIndex": 3, "modelColumnId": "b", "output": "x"})
    );
}

#[test]
fn update_experiment_name() {
    let (request, experiment) = both_call!(Reply::json(200, experiment_json("running")), |c| c
        .experiments()
        .update_experiment_name(EXP, "renamed"));
    assert_common(
        &request,
        "PATCH",
        &format!("/api/prompts/experiments/{EXP}/name"),
        None,
        Some(json!({"name": "renamed"})),
    );
    assert!(experiment.id.is_some());
}

#[test]
fn execute_experiment() {
    let (request, experiment) = both_call!(Reply::json(200, experiment_json("completed")), |c| c
        .experiments()
        .execute_experiment(EXP));
    assert_common(
        &request,
        "POST",
        &format!("/api/prompts/experiments/{EXP}/execute"),
        None,
        None,
    );
    assert_eq!(experiment.status, Some(ExperimentStatus::Completed));
}

#[test]
fn odd_values_are_kept_not_fatal() {
    let mut answer = experiment_json("running");
    answer["promptId"] = json!("seven");
    answer["datasetItemCount"] = json!({"n": 2});
    answer["models"] = json!("all");
    answer["name"] = json!(42);
    let server = ScriptedServer::start(vec![Reply::json(200, answer)]);
    let experiment = blocking_client(&server)
        .experiments()
        .get_experiment(EXP)
        .expect("lenient");
    assert_eq!(experiment.prompt_id, None);
    assert_eq!(experiment.name, None);
    assert_eq!(experiment.extra.get("promptId"), Some(&json!("seven")));
    assert_eq!(
        experiment.extra.get("datasetItemCount"),
        Some(&json!({"n": 2}))
    );
    assert_eq!(experiment.extra.get("models"), Some(&json!("all")));
    assert_eq!(experiment.extra.get("name"), Some(&json!(42)));
    assert_eq!(experiment.dataset_id.map(|d| d.get()), Some(3));
    // Sent back, the odd values come out again.
    let encoded = serde_json::to_value(&experiment).expect("encode");
    assert_eq!(encoded["promptId"], "seven");
    assert_eq!(encoded["datasetId"], 3);
}

#[test]
fn a_bare_array_list_decodes() {
    let server = ScriptedServer::start(vec![Reply::json(200, json!([experiment_json("running")]))]);
    let page = blocking_client(&server)
        .experiments()
        .list_experiments(&ListExperiments::new())
        .expect("bare array");
    assert_eq!(page.data.len(), 1);
    assert_eq!(page.total, None);
    // A bare array says neither its offset nor whether more follow.
    assert_eq!(page.next_offset(), None);
}

#[test]
fn invalid_input_is_refused_before_sending() {
    nothing_sent(|client| {
        let api = client.experiments();
        let model = || ExperimentModel::new("a", "gpt-4o", 0.0);
        let cases = [
            (
                CreateExperiment::new(7, "", 5, 3, [model()]),
                "promptGroupId",
            ),
            (CreateExperiment::new(0, GROUP, 5, 3, [model()]), "promptId"),
            (
                CreateExperiment::new(7, GROUP, 0, 3, [model()]),
                "evaluationId",
            ),
            (
                CreateExperiment::new(7, GROUP, 5, -1, [model()]),
                "datasetId",
            ),
            (
                CreateExperiment::new(7, GROUP, 5, 3, [model()]).name("x".repeat(256)),
                "name",
            ),
            (
                CreateExperiment::new(
                    7,
                    GROUP,
                    5,
                    3,
                    [model(), ExperimentModel::new("", "m", 0.0)],
                ),
                "models[1].id",
            ),
            (
                CreateExperiment::new(7, GROUP, 5, 3, [ExperimentModel::new("a", "", 0.0)]),
                "models[0].model",
            ),
        ];
        for (body, expected) in cases {
            assert_invalid(api.create_experiment(&body), expected);
        }
        let results = [
            (AddExperimentResult::new(1, 0, "", "out"), "modelColumnId"),
            (AddExperimentResult::new(1, 0, "a", ""), "output"),
            (
                AddExperimentResult::new(1, 0, "a", "out").eval_score(f64::NAN),
                "evalScore",
            ),
            (
                AddExperimentResult::new(1, 0, "a", "out").eval_criteria([
                    CriterionScore::new("ok", 0.5, true),
                    CriterionScore::new("bad", -0.1, false),
                ]),
                "evalCriteria[1].score",
            ),
        ];
        for (body, expected) in results {
            assert_invalid(api.add_experiment_result(EXP, &body), expected);
        }
        assert_invalid(api.update_experiment_name(EXP, ""), "name");
        assert_invalid(
            api.list_experiments(&ListExperiments::new().limit(0)),
            "limit",
        );
        let bad_time =
            CompleteExperiment::new(CompletionStatus::Failed, ExperimentSummary::new(1, 0))
                .completed_at("");
        assert_invalid(api.complete_experiment(EXP, &bad_time), "completedAt");
        assert!(api.get_experiment("").is_err(), "empty id");
    });
}

#[test]
fn list_experiments_all_walks_every_page() {
    let page = |n: usize, offset: u64, has_next: bool| {
        Reply::json(
            200,
            json!({
                "data": (0..n).map(|_| experiment_json("completed")).collect::<Vec<_>>(),
                "total": 3, "limit": 2, "offset": offset, "hasNext": has_next, "hasPrevious": offset > 0
            }),
        )
    };
    let replies = vec![page(2, 0, true), page(1, 2, false)];
    let params = ListExperiments::new().limit(2);

    let (all, server) = both_walk!(replies, |c| c.experiments().list_experiments_all(&params));
    assert_eq!(all.len(), 3);
    assert_queries(&server, &["limit=2&offset=0", "limit=2&offset=2"]);

    // Without flags, `total` decides.
    let (walked, server) = walk_by_one(vec![
        Reply::json(
            200,
            json!({"data": [experiment_json("running")], "total": 2, "offset": 0}),
        ),
        Reply::json(
            200,
            json!({"data": [experiment_json("running")], "total": 2, "offset": 1}),
        ),
    ]);
    assert_eq!(oks(&walked), [true, true]);
    assert_eq!(server.requests().len(), 2);
}

/// `list_experiments_all` by pages of one, through the blocking client, against a server
/// answering `replies`: at most 6 items, so a walk that would loop fails its test instead of
/// hanging it.
fn walk_by_one(replies: Vec<Reply>) -> (Vec<Result<Experiment, Error>>, ScriptedServer) {
    let server = ScriptedServer::start(replies);
    let walked = blocking_client(&server)
        .experiments()
        .list_experiments_all(&ListExperiments::new().limit(1))
        .take(6)
        .collect();
    (walked, server)
}

/// Which items of a walk are experiments (`true`) and which errors.
fn oks(walked: &[Result<Experiment, Error>]) -> Vec<bool> {
    walked.iter().map(Result::is_ok).collect()
}

/// A page that tells its offset is checked against the one asked for: a server that ignores
/// `offset` ends the walk with an error after the first page's experiment, instead of handing
/// it out forever. A page that does not tell is not checked.
#[test]
fn list_experiments_all_ends_when_the_server_ignores_the_offset() {
    // The one scripted reply repeats: the page at offset 0, whatever was asked.
    let (walked, server) = walk_by_one(vec![Reply::json(
        200,
        json!({"data": [experiment_json("running")], "total": 3, "offset": 0, "hasNext": true}),
    )]);
    assert_eq!(
        oks(&walked),
        [true, false],
        "one experiment, then the error"
    );
    let err = walked[1].as_ref().expect_err("the server's mistake");
    assert!(
        matches!(
            err,
            Error::Unexpected {
                operation: "list_experiments",
                ..
            }
        ),
        "{err:?}"
    );
    let text = err.to_string();
    assert!(
        text.contains("at offset 1 with the page at offset 0"),
        "{text}"
    );
    assert_eq!(server.requests().len(), 2);

    // Without `offset` (the envelope is untyped), the flags alone lead the walk.
    let page = |status, more| json!({"data": [experiment_json(status)], "hasNext": more});
    let (walked, _) = walk_by_one(vec![
        Reply::json(200, page("running", true)),
        Reply::json(200, page("completed", false)),
    ]);
    assert_eq!(oks(&walked), [true, true]);
}

/// An id filter of 0 is refused before sending, like ids in paths and bodies.
#[test]
fn list_filter_ids_below_one_are_refused() {
    let server = ScriptedServer::start(vec![Reply::json(200, json!({}))]);
    let err = blocking_client(&server)
        .experiments()
        .list_experiments(&ListExperiments::new().prompt_id(0))
        .expect_err("id 0");
    assert_eq!(
        err.to_string(),
        "[list_experiments] invalid input: `promptId` must be at least 1 (got 0)"
    );
    assert!(server.requests().is_empty(), "nothing may be sent");
}

/// One element of a page's `data` that is not an experiment fails the page with its place
/// named, through a page and through a walk: the page is never handed out, nor a walk ended,
/// short of what the server sent without a word.
#[test]
fn an_element_that_is_not_an_experiment_fails_the_page_naming_it() {
    let page = |odd: Value| {
        json!({"data": [experiment_json("completed"), experiment_json("completed"), odd],
               "total": 3, "limit": 10, "offset": 0, "hasNext": false})
    };
    let server = ScriptedServer::start(vec![Reply::json(200, page(json!("e3")))]);
    let err = blocking_client(&server)
        .experiments()
        .list_experiments(&ListExperiments::new().limit(10))
        .expect_err("an odd element");
    assert!(matches!(err, Error::Decode(_)), "{err:?}");
    assert!(
        err.to_string().contains("`data[2]` is not an experiment"),
        "{err}"
    );

    let server = ScriptedServer::start(vec![Reply::json(200, page(Value::Null))]);
    let walked: Vec<Result<_, Error>> = blocking_client(&server)
        .experiments()
        .list_experiments_all(&ListExperiments::new().limit(10))
        .collect();
    assert_eq!(walked.len(), 1, "{walked:?}");
    assert!(walked[0].is_err(), "{walked:?}");

    // A bare array, the other shape the list may come in, is read the same way.
    let server = ScriptedServer::start(vec![Reply::json(
        200,
        json!([experiment_json("completed"), 7]),
    )]);
    let err = blocking_client(&server)
        .experiments()
        .list_experiments(&ListExperiments::new())
        .expect_err("an odd element");
    assert!(
        err.to_string().contains("`data[1]` is not an experiment"),
        "{err}"
    );
}

/// The contract lets an experiment come back without its `id`: `require_id` gives the id when
/// it is there and a typed error naming the missing field when not, through both clients,
/// instead of a silent `let Some(id) = … else { return Ok(()) }`.
#[test]
fn require_id_names_a_missing_id() {
    let (_, experiment) = both_call!(Reply::json(200, experiment_json("running")), |c| c
        .experiments()
        .get_experiment(EXP));
    assert_eq!(experiment.require_id().expect("id").to_string(), EXP);
    let mut without_id = experiment_json("running");
    without_id.as_object_mut().expect("object").remove("id");
    let (_, experiment) = both_call!(Reply::json(200, without_id), |c| c
        .experiments()
        .get_experiment(EXP));
    let err = experiment.require_id().expect_err("no id");
    assert!(
        matches!(
            err,
            Error::Unexpected {
                operation: "Experiment::require_id",
                source: None,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(!err.is_retryable());
    assert_eq!(
        err.to_string(),
        "[Experiment::require_id] unexpected failure: the server's experiment has no `id` \
         (the contract lets it leave the field out), so no call that takes the experiment's id \
         can be made for it"
    );
}
