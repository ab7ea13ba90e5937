//! End-to-end tests of the `experiments` namespace against the emulator: create, read,
//! record results, rename, list (filters, every page), complete, execute, delete — async and
//! blocking.

use mutagent::experiments::{
    AddExperimentResult, CompleteExperiment, CompletionStatus, CreateExperiment, CriterionScore,
    Experiment, ExperimentModel, ExperimentStatus, ExperimentSummary, ListExperiments,
};
use mutagent::prelude::*;
use mutagent::prompt::Prompt;
use mutagent::prompt_datasets::PromptDataset;
use mutagent::prompt_evaluations::Evaluation;
use mutagent_e2e::{assert_not_found, start, start_blocking, Collection};
use serde_json::json;

use crate::prompt_evaluations::{
    fixture_with_evaluation, fixture_with_evaluation_blocking, QUESTIONS,
};

fn new_experiment(
    prompt: &Prompt,
    dataset: &PromptDataset,
    evaluation: &Evaluation,
) -> CreateExperiment {
    CreateExperiment::new(
        prompt.id,
        &prompt.prompt_group_id,
        evaluation.id,
        dataset.id,
        [
            ExperimentModel::new("a", "gpt-4o", 0.0),
            ExperimentModel::new("b", "gpt-4o-mini", 0.7),
        ],
    )
    .name("4o vs mini")
}

fn check_created(
    experiment: &Experiment,
    prompt: &Prompt,
    dataset: &PromptDataset,
    evaluation: &Evaluation,
) {
    assert!(experiment.id.is_some());
    assert_eq!(experiment.name.as_deref(), Some("4o vs mini"));
    assert_eq!(experiment.prompt_id, Some(prompt.id));
    assert_eq!(
        experiment.prompt_group_id.as_ref(),
        Some(&prompt.prompt_group_id)
    );
    assert_eq!(experiment.evaluation_id, Some(evaluation.id));
    assert_eq!(experiment.dataset_id, Some(dataset.id));
    assert_eq!(experiment.status, Some(ExperimentStatus::Running));
    assert_eq!(
        experiment.models.as_ref().map(|m| m[1].model.as_str()),
        Some("gpt-4o-mini")
    );
    assert_eq!(experiment.dataset_item_count, Some(QUESTIONS.len() as i64));
}

#[tokio::test]
async fn experiments_journey_async() {
    let (emu, client) = start().await;
    let (prompt, dataset, evaluation) = fixture_with_evaluation(&client).await;
    let items = client
        .prompt_dataset_items()
        .list_prompt_dataset_items(dataset.id)
        .await
        .expect("items");
    let exps = client.experiments();

    let experiment = exps
        .create_experiment(&new_experiment(&prompt, &dataset, &evaluation))
        .await
        .expect("create");
    check_created(&experiment, &prompt, &dataset, &evaluation);
    let id = experiment.id.clone().expect("id");
    let fetched = exps.get_experiment(&id).await.expect("get");
    assert_eq!(fetched.id.as_ref(), Some(&id));
    assert_eq!(fetched.result_count, Some(0));

    let result = exps
        .add_experiment_result(
            &id,
            &AddExperimentResult::new(items[0].id, 0, "a", "Use the reset link.")
                .eval_score(0.9)
                .eval_passed(true)
                .latency_ms(420.0)
                .eval_criteria([CriterionScore::new("helpful", 0.9, true).reason("direct")]),
        )
        .await
        .expect("add result");
    assert_eq!(result.experiment_id.as_ref(), Some(&id));
    assert_eq!(result.model_column_id.as_deref(), Some("a"));
    assert_eq!(result.eval_score, Some(0.9));
    assert_eq!(
        result
            .eval_criteria
            .as_ref()
            .map(|c| c[0].reason.as_deref()),
        Some(Some("direct"))
    );
    let err = exps
        .add_experiment_result(&id, &AddExperimentResult::new(items[0].id, 0, "zz", "x"))
        .await
        .expect_err("unknown column");
    assert_eq!(err.status_code(), Some(400), "{err}");

    let renamed = exps
        .update_experiment_name(&id, "4o vs mini, round 1")
        .await
        .expect("rename");
    assert_eq!(renamed.name.as_deref(), Some("4o vs mini, round 1"));
    assert_eq!(renamed.results.as_ref().map(Vec::len), Some(1));

    let completed = exps
        .complete_experiment(
            &id,
            &CompleteExperiment::new(
                CompletionStatus::Partial,
                ExperimentSummary::new(8, 1).per_model_stats(json!({"a": {"count": 1}})),
            ),
        )
        .await
        .expect("complete");
    assert_eq!(completed.status, Some(ExperimentStatus::Partial));
    assert!(completed.completed_at.is_some());
    assert_eq!(
        completed
            .summary
            .as_ref()
            .map(|s| s["completedEvaluations"].clone()),
        Some(json!(1))
    );
    let err = exps
        .add_experiment_result(&id, &AddExperimentResult::new(items[1].id, 1, "b", "late"))
        .await
        .expect_err("no longer running");
    assert_eq!(err.status_code(), Some(409), "{err}");

    // A second experiment, executed by the server: every model on every item.
    let second = exps
        .create_experiment(&new_experiment(&prompt, &dataset, &evaluation).name("executed"))
        .await
        .expect("second");
    let second_id = second.id.clone().expect("id");
    let executed = exps.execute_experiment(&second_id).await.expect("execute");
    assert_eq!(executed.status, Some(ExperimentStatus::Completed));
    let results = executed.results.expect("results");
    assert_eq!(results.len(), 2 * QUESTIONS.len());
    assert!(results
        .iter()
        .all(|r| r.eval_score.is_some_and(|s| (0.0..=1.0).contains(&s))));
    assert!(results
        .iter()
        .any(|r| r.model_column_id.as_deref() == Some("b")));
    assert_eq!(
        executed
            .summary
            .as_ref()
            .map(|s| s["totalEvaluations"].clone()),
        Some(json!(8))
    );
    assert_eq!(
        emu.count(Collection::ExperimentResults),
        1 + 2 * QUESTIONS.len()
    );

    // Lists.
    let group = ListExperiments::new().prompt_group_id(&prompt.prompt_group_id);
    let page = exps
        .list_experiments(&group.clone().limit(1))
        .await
        .expect("page");
    assert_eq!(
        (page.total, page.data.len(), page.has_next),
        (Some(2), 1, Some(true))
    );
    let all = exps
        .list_experiments_all(&group.clone().limit(1))
        .try_collect()
        .await
        .expect("all");
    assert_eq!(
        all.iter().filter_map(|e| e.id.clone()).collect::<Vec<_>>(),
        [id.clone(), second_id.clone()]
    );
    let done = exps
        .list_experiments(
            &ListExperiments::new()
                .status(ExperimentStatus::Completed)
                .prompt_id(prompt.id),
        )
        .await
        .expect("completed");
    assert_eq!(
        done.data
            .iter()
            .filter_map(|e| e.id.as_ref())
            .collect::<Vec<_>>(),
        [&second_id]
    );

    let deleted = exps.delete_experiment(&id).await.expect("delete");
    assert_eq!(deleted["success"], true);
    assert_not_found(exps.get_experiment(&id).await, "gone");
    assert_eq!(emu.count(Collection::Experiments), 1);
}

#[test]
fn experiments_journey_blocking() {
    let (emu, client) = start_blocking();
    let (prompt, dataset, evaluation) = fixture_with_evaluation_blocking(&client);
    let exps = client.experiments();

    let experiment = exps
        .create_experiment(&new_experiment(&prompt, &dataset, &evaluation))
        .expect("create");
    check_created(&experiment, &prompt, &dataset, &evaluation);
    let id = experiment.id.clone().expect("id");
    assert_eq!(
        exps.get_experiment(&id).expect("get").name.as_deref(),
        Some("4o vs mini")
    );
    let result = exps
        .add_experiment_result(
            &id,
            &AddExperimentResult::new("first-item", 0, "b", "An answer")
                .eval_score(0.4)
                .eval_passed(false),
        )
        .expect("add");
    assert_eq!(result.eval_passed, Some(false));
    assert_eq!(
        exps.update_experiment_name(&id, "renamed")
            .expect("rename")
            .name
            .as_deref(),
        Some("renamed")
    );
    let completed = exps
        .complete_experiment(
            &id,
            &CompleteExperiment::new(CompletionStatus::Completed, ExperimentSummary::new(1, 1)),
        )
        .expect("complete");
    assert_eq!(completed.status, Some(ExperimentStatus::Completed));
    let err = exps.execute_experiment(&id).expect_err("completed already");
    assert_eq!(err.status_code(), Some(409), "{err}");

    let second = exps
        .create_experiment(&new_experiment(&prompt, &dataset, &evaluation).dataset_item_count(2))
        .expect("second");
    let second_id = second.id.expect("id");
    let executed = exps.execute_experiment(&second_id).expect("execute");
    assert_eq!(
        executed.results.map(|r| r.len()),
        Some(2 * 2),
        "two items, two models"
    );

    let ids: Vec<_> = exps
        .list_experiments_all(&ListExperiments::new().limit(1))
        .map(|e| e.expect("item").id.expect("id"))
        .collect();
    assert_eq!(ids, [id.clone(), second_id.clone()]);
    assert_eq!(
        exps.list_experiments(&ListExperiments::new().status("running"))
            .expect("running")
            .data
            .len(),
        0
    );

    assert_eq!(
        exps.delete_experiment(&second_id).expect("delete")["success"],
        true
    );
    assert_not_found(exps.delete_experiment(&second_id), "twice");
    assert_eq!(emu.count(Collection::Experiments), 1);
}
