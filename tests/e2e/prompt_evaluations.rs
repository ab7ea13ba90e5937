//! End-to-end tests of the `prompt_evaluations` namespace against the emulator: create,
//! read, update, list (one page and every page), run and wait (404 while no result exists,
//! deterministic scores), history, aggregates, versions, delete — async and blocking.
//!
//! Also home of the fixture (a prompt, a dataset and its items) the optimization and
//! experiments journeys share.

use std::time::Duration;

use mutagent::prelude::*;
use mutagent::prompt::{CreatePrompt, Prompt, PromptContent};
use mutagent::prompt_dataset_items::NewDatasetItem;
use mutagent::prompt_datasets::{CreatePromptDataset, PromptDataset};
use mutagent::prompt_evaluations::{
    CreateEvaluation, EvalConfig, EvalCriterion, Evaluation, EvaluationDeadlineExceeded,
    EvaluationWaitError, EvaluationWaitOptions, GetEvaluationResultsAggregated, ListEvaluations,
    UpdateEvaluation,
};
use mutagent_e2e::{assert_not_found, start, start_blocking, Collection};
use serde_json::json;

/// The questions of the fixture dataset.
pub(crate) const QUESTIONS: [&str; 4] = [
    "How do I reset my password?",
    "Can I export my data?",
    "Do you offer refunds?",
    "Where is my invoice?",
];

fn new_prompt() -> CreatePrompt {
    CreatePrompt::new(
        "support-reply",
        PromptContent::chat("You are a concise support agent.", "Answer: {question}"),
        json!({"type": "object", "properties": {"question": {"type": "string"}}}),
    )
}

fn new_items() -> Vec<NewDatasetItem> {
    QUESTIONS
        .iter()
        .map(|q| {
            NewDatasetItem::new(json!({"question": q})).expected_output(json!({"answer": "ok"}))
        })
        .collect()
}

/// A prompt made of `body` and an empty dataset named `name` in its group, through the async
/// client.
pub(crate) async fn prompt_and_dataset(
    client: &mutagent::Client,
    body: &CreatePrompt,
    name: &str,
) -> (Prompt, PromptDataset) {
    let prompt = client.prompt().create_prompt(body).await.expect("prompt");
    let dataset = client
        .prompt_datasets()
        .create_prompt_dataset(prompt.id, &CreatePromptDataset::new(name))
        .await
        .expect("dataset");
    (prompt, dataset)
}

/// The same through the blocking client.
pub(crate) fn prompt_and_dataset_blocking(
    client: &mutagent::BlockingClient,
    body: &CreatePrompt,
    name: &str,
) -> (Prompt, PromptDataset) {
    let prompt = client.prompt().create_prompt(body).expect("prompt");
    let dataset = client
        .prompt_datasets()
        .create_prompt_dataset(prompt.id, &CreatePromptDataset::new(name))
        .expect("dataset");
    (prompt, dataset)
}

/// A prompt, a dataset in its group and four items, through the async client.
pub(crate) async fn fixture(client: &mutagent::Client) -> (Prompt, PromptDataset) {
    let (prompt, dataset) = prompt_and_dataset(client, &new_prompt(), "questions").await;
    let items = client
        .prompt_dataset_items()
        .bulk_create_prompt_dataset_items(dataset.id, &new_items())
        .await
        .expect("items");
    assert_eq!(items.len(), QUESTIONS.len());
    (prompt, dataset)
}

/// The same fixture through the blocking client.
pub(crate) fn fixture_blocking(client: &mutagent::BlockingClient) -> (Prompt, PromptDataset) {
    let (prompt, dataset) = prompt_and_dataset_blocking(client, &new_prompt(), "questions");
    let items = client
        .prompt_dataset_items()
        .bulk_create_prompt_dataset_items(dataset.id, &new_items())
        .expect("items");
    assert_eq!(items.len(), QUESTIONS.len());
    (prompt, dataset)
}

/// The fixture and an evaluation of it ([`new_evaluation`]): where the experiments and
/// optimization journeys start, through the async client.
pub(crate) async fn fixture_with_evaluation(
    client: &mutagent::Client,
) -> (Prompt, PromptDataset, Evaluation) {
    let (prompt, dataset) = fixture(client).await;
    let evaluation = client
        .prompt_evaluations()
        .create_evaluation(&new_evaluation(&prompt, &dataset))
        .await
        .expect("evaluation");
    (prompt, dataset, evaluation)
}

/// The same through the blocking client.
pub(crate) fn fixture_with_evaluation_blocking(
    client: &mutagent::BlockingClient,
) -> (Prompt, PromptDataset, Evaluation) {
    let (prompt, dataset) = fixture_blocking(client);
    let evaluation = client
        .prompt_evaluations()
        .create_evaluation(&new_evaluation(&prompt, &dataset))
        .expect("evaluation");
    (prompt, dataset, evaluation)
}

/// The evaluation body the journeys use.
pub(crate) fn new_evaluation(prompt: &Prompt, dataset: &PromptDataset) -> CreateEvaluation {
    CreateEvaluation::new(prompt.id, "helpfulness")
        .dataset_id(dataset.id)
        .description("Does the reply help?")
        .eval_config(
            EvalConfig::new()
                .with_criterion(
                    EvalCriterion::new("The answer resolves the question", "output")
                        .name("helpful"),
                )
                .with_criterion(EvalCriterion::new("The tone is polite", "output").name("polite"))
                .with_threshold(0.5),
        )
        .llm_config(json!({"model": "gpt-4o", "temperature": 0}))
        .tags(["e2e"])
}

fn quick() -> EvaluationWaitOptions {
    EvaluationWaitOptions::new()
        .poll_interval(Duration::from_millis(20))
        .deadline(Duration::from_secs(10))
}

fn check_created(evaluation: &Evaluation, prompt: &Prompt, dataset: &PromptDataset) {
    assert_eq!(evaluation.prompt_group_id, prompt.prompt_group_id);
    assert_eq!(evaluation.dataset_id, Some(dataset.id));
    assert_eq!(evaluation.version, "1.0.0");
    assert!(evaluation.is_latest);
    let criteria = evaluation
        .eval_config
        .criteria()
        .expect("SDK-shaped criteria round-trip");
    assert_eq!(criteria.len(), 2);
    assert_eq!(criteria[1].name.as_deref(), Some("polite"));
    assert_eq!(evaluation.eval_config.threshold(), Some(0.5));
    assert_eq!(evaluation.llm_config["model"], "gpt-4o");
}

#[tokio::test]
async fn evaluations_journey_async() {
    let (emu, client) = start().await;
    let (prompt, dataset) = fixture(&client).await;
    let evals = client.prompt_evaluations();

    let evaluation = evals
        .create_evaluation(&new_evaluation(&prompt, &dataset))
        .await
        .expect("create");
    check_created(&evaluation, &prompt, &dataset);
    assert_eq!(
        evals.get_evaluation(evaluation.id).await.expect("get"),
        evaluation
    );

    let updated = evals
        .update_evaluation(
            evaluation.id,
            &UpdateEvaluation::new()
                .name("helpfulness v1")
                .tags(["e2e", "nightly"]),
        )
        .await
        .expect("update");
    assert_eq!(updated.name, "helpfulness v1");
    assert_eq!(
        updated.tags.as_deref(),
        Some(&["e2e".to_owned(), "nightly".to_owned()][..])
    );
    assert_eq!(updated.eval_config, evaluation.eval_config, "untouched");

    // No run yet: the result endpoint answers 404, which the waiter treats as "not yet". It
    // stays so, so the deadline ends the wait: a generous one, so that two polls fit in it
    // however loaded the machine (120 ms raced them).
    assert_not_found(
        evals.get_evaluation_result(evaluation.id).await,
        "no result",
    );
    let err = evals
        .wait_for_evaluation_result(evaluation.id, quick().deadline(Duration::from_secs(2)))
        .await
        .expect_err("deadline");
    match err {
        EvaluationWaitError::DeadlineExceeded(EvaluationDeadlineExceeded {
            evaluation_id,
            polls,
            ..
        }) => {
            assert_eq!(evaluation_id, evaluation.id);
            assert!(polls >= 2, "{polls}");
        }
        other => panic!("expected the deadline, got {other}"),
    }

    // Run and wait, twice: the emulator scores deterministically.
    let first = evals
        .run_evaluation_and_wait(evaluation.id, quick())
        .await
        .expect("first run");
    assert!(first.success);
    let score = first.score.expect("a score");
    assert!((0.0..=1.0).contains(&score), "{score}");
    assert_eq!(first.metric_results["itemCount"], 4);
    assert_eq!(first.actual_output.as_array().map(Vec::len), Some(4));
    let second = evals
        .run_evaluation_and_wait(evaluation.id, quick())
        .await
        .expect("second run");
    assert_ne!(second.id, first.id, "a new result, not the earlier one");
    assert_eq!(second.score, Some(score), "deterministic");
    assert_eq!(
        evals
            .get_evaluation_result(evaluation.id)
            .await
            .expect("latest"),
        second
    );
    assert_eq!(emu.count(Collection::EvaluationResults), 2);

    // The plain calls too.
    let run = evals.run_evaluation(evaluation.id).await.expect("run");
    assert!(run.success);
    assert_eq!(run.evaluation_id, evaluation.id);
    let third = evals
        .wait_for_evaluation_result(evaluation.id, quick())
        .await
        .expect("result");
    assert_eq!(third.score, Some(score));

    let history = evals
        .get_evaluation_history(evaluation.id)
        .await
        .expect("history");
    assert_eq!(history["total"], 3);
    assert_eq!(history["data"].as_array().map(Vec::len), Some(3));

    let aggregated = evals
        .get_evaluation_results_aggregated(
            &prompt.prompt_group_id,
            "evaluation",
            &GetEvaluationResultsAggregated::new().time_range("7d"),
        )
        .await
        .expect("aggregated");
    assert_eq!(aggregated.total, 1);
    assert_eq!(aggregated.data[0]["runs"], 3);
    assert_eq!(aggregated.data[0]["averageScore"].as_f64(), Some(score));
    // `groupBy` is a free string in the contract: one the emulator cannot compute is answered
    // (grouped by evaluation), not refused.
    let other = evals
        .get_evaluation_results_aggregated(
            &prompt.prompt_group_id,
            "colour",
            &GetEvaluationResultsAggregated::new(),
        )
        .await
        .expect("any groupBy");
    assert_eq!(other.data, aggregated.data);

    // Versions.
    let v2 = evals
        .create_evaluation_version(evaluation.id)
        .await
        .expect("version");
    assert_eq!(v2.version, "1.1.0");
    assert_eq!(v2.ancestor_id, Some(evaluation.id));
    assert_eq!(v2.evaluation_group_id, evaluation.evaluation_group_id);
    assert!(v2.is_latest);
    assert!(
        !evals
            .get_evaluation(evaluation.id)
            .await
            .expect("v1")
            .is_latest
    );

    // Lists: filters, one page, every page.
    let group = ListEvaluations::new().prompt_group_id(&prompt.prompt_group_id);
    let page = evals
        .list_evaluations(&group.clone().limit(1))
        .await
        .expect("page");
    assert_eq!((page.total, page.data.len(), page.has_next), (2, 1, true));
    let all = evals
        .list_evaluations_all(&group.clone().limit(1))
        .try_collect()
        .await
        .expect("all");
    assert_eq!(
        all.iter().map(|e| e.id).collect::<Vec<_>>(),
        [evaluation.id, v2.id]
    );
    let latest = evals
        .list_evaluations(&group.clone().is_latest(true))
        .await
        .expect("latest");
    assert_eq!(
        latest.data.iter().map(|e| e.id).collect::<Vec<_>>(),
        [v2.id]
    );
    let by_prompt = evals
        .list_evaluations(
            &ListEvaluations::new()
                .prompt_id(prompt.id)
                .dataset_id(dataset.id),
        )
        .await
        .expect("by prompt");
    assert_eq!(by_prompt.total, 2);

    // Delete.
    let deleted = evals.delete_evaluation(v2.id).await.expect("delete");
    assert_eq!(deleted["success"], true);
    assert_not_found(evals.get_evaluation(v2.id).await, "gone");
    let err = evals
        .run_evaluation_and_wait(v2.id, quick())
        .await
        .expect_err("gone");
    assert!(
        err.as_api_error()
            .is_some_and(mutagent::Error::is_not_found),
        "{err}"
    );
    assert_eq!(emu.count(Collection::Evaluations), 1);
}

#[test]
fn evaluations_journey_blocking() {
    let (emu, client) = start_blocking();
    let (prompt, dataset) = fixture_blocking(&client);
    let evals = client.prompt_evaluations();

    let evaluation = evals
        .create_evaluation(&new_evaluation(&prompt, &dataset))
        .expect("create");
    check_created(&evaluation, &prompt, &dataset);
    assert_eq!(
        evals.get_evaluation(evaluation.id).expect("get"),
        evaluation
    );
    let updated = evals
        .update_evaluation(
            evaluation.id,
            &UpdateEvaluation::new().description("new words"),
        )
        .expect("update");
    assert_eq!(updated.description.as_deref(), Some("new words"));

    assert_not_found(evals.get_evaluation_result(evaluation.id), "none yet");
    let err = evals
        .wait_for_evaluation_result(evaluation.id, quick().deadline(Duration::from_millis(100)))
        .expect_err("deadline");
    assert!(err.is_deadline_exceeded(), "{err}");

    let first = evals
        .run_evaluation_and_wait(evaluation.id, quick())
        .expect("run");
    let second = evals
        .run_evaluation_and_wait(evaluation.id, quick())
        .expect("run again");
    assert_ne!(first.id, second.id);
    assert_eq!(first.score, second.score, "deterministic");
    assert!(evals.run_evaluation(evaluation.id).expect("run").success);
    let third = evals
        .wait_for_evaluation_result(evaluation.id, quick())
        .expect("result");
    assert_eq!(
        evals.get_evaluation_result(evaluation.id).expect("latest"),
        third
    );

    let history = evals
        .get_evaluation_history(evaluation.id)
        .expect("history");
    assert_eq!(history["data"].as_array().map(Vec::len), Some(3));
    let by_day = evals
        .get_evaluation_results_aggregated(
            prompt.prompt_group_id.clone(),
            "day",
            &GetEvaluationResultsAggregated::new(),
        )
        .expect("aggregated");
    assert_eq!(by_day.total, 1);
    assert_eq!(by_day.data[0]["runs"], 3);

    let v2 = evals
        .create_evaluation_version(evaluation.id)
        .expect("version");
    assert_eq!(v2.version, "1.1.0");
    let ids: Vec<_> = evals
        .list_evaluations_all(
            &ListEvaluations::new()
                .prompt_group_id(&prompt.prompt_group_id)
                .limit(1),
        )
        .map(|e| e.expect("item").id)
        .collect();
    assert_eq!(ids, [evaluation.id, v2.id]);
    assert_eq!(
        evals
            .list_evaluations(&ListEvaluations::new())
            .expect("page")
            .total,
        2
    );

    assert_eq!(
        evals.delete_evaluation(evaluation.id).expect("delete")["success"],
        true
    );
    assert_not_found(evals.get_evaluation(evaluation.id), "gone");
    assert_eq!(emu.count(Collection::Evaluations), 1);
}

#[tokio::test]
async fn scores_are_the_same_through_both_clients() {
    let (_emu, client) = start().await;
    let (prompt, dataset) = fixture(&client).await;
    let evaluation = client
        .prompt_evaluations()
        .create_evaluation(&new_evaluation(&prompt, &dataset))
        .await
        .expect("create");
    let from_async = client
        .prompt_evaluations()
        .run_evaluation_and_wait(evaluation.id, quick())
        .await
        .expect("async");

    let from_blocking = tokio::task::spawn_blocking(|| {
        let (_emu, client) = start_blocking();
        let (prompt, dataset) = fixture_blocking(&client);
        let evaluation = client
            .prompt_evaluations()
            .create_evaluation(&new_evaluation(&prompt, &dataset))
            .expect("create");
        client
            .prompt_evaluations()
            .run_evaluation_and_wait(evaluation.id, quick())
            .expect("blocking")
    })
    .await
    .expect("thread");
    assert_eq!(from_async.score, from_blocking.score);
    assert_eq!(
        from_async.metric_results["items"],
        from_blocking.metric_results["items"]
    );
}
