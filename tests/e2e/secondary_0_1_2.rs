//! End-to-end tests of the secondary namespaces of API 0.1.2 against the emulator: a prompt
//! group's readiness as it gains a dataset and an evaluation; a prompt run in the playground
//! and its execution found again (by id, by run, by prompt), scored runs, executions recorded
//! by the client, export and deletes — async and blocking.

use mutagent::playground::{LlmConfig, PlaygroundCall, PlaygroundEval};
use mutagent::prelude::*;
use mutagent::prompt_executions::{
    CreateBatchPromptExecution, CreatePromptExecution, ExecutionStatus, ExportPromptExecutions,
    ListPlaygroundRuns, ListPromptExecutions, NewExecution, TokenUsage,
};
use mutagent_e2e::{start, start_blocking, Collection};
use serde_json::json;

use crate::prompt_evaluations::{fixture, fixture_with_evaluation_blocking, new_evaluation};

#[tokio::test]
async fn readiness_journey_async() {
    let (_emu, client) = start().await;
    let (prompt, dataset) = fixture(&client).await;
    let readiness = client
        .prompt_readiness()
        .get_prompt_readiness(prompt.prompt_group_id.clone())
        .await
        .expect("readiness");
    assert_eq!(readiness["ready"], false, "{readiness}");
    assert_eq!(readiness["itemCount"], 4, "{readiness}");

    client
        .prompt_evaluations()
        .create_evaluation(&new_evaluation(&prompt, &dataset))
        .await
        .expect("evaluation");
    let readiness = client
        .prompt_readiness()
        .get_prompt_readiness(prompt.prompt_group_id.clone())
        .await
        .expect("readiness");
    assert_eq!(readiness["ready"], true, "{readiness}");
    assert_eq!(readiness["latestPromptId"], prompt.id.get());

    let err = client
        .prompt_readiness()
        .get_prompt_readiness("no such group")
        .await
        .expect_err("unknown group");
    assert_eq!(err.status_code(), Some(404), "{err}");
}

#[test]
fn readiness_journey_blocking() {
    let (_emu, client) = start_blocking();
    let (prompt, _, _) = fixture_with_evaluation_blocking(&client);
    let readiness = client
        .prompt_readiness()
        .get_prompt_readiness(prompt.prompt_group_id.as_str())
        .expect("readiness");
    assert_eq!(readiness["ready"], true, "{readiness}");
}

#[tokio::test]
async fn playground_journey_async() {
    let (emu, client) = start().await;
    let (prompt, _, evaluation) = crate::prompt_evaluations::fixture_with_evaluation(&client).await;
    let question = json!({"question": "Can I export my data?"});

    // Run the prompt in the playground…
    let result = client
        .playground()
        .playground_call(
            prompt.id,
            &PlaygroundCall::new(question.clone())
                .llm_config(LlmConfig::new().model("gpt-4o").temperature(0.1)),
        )
        .await
        .expect("call");
    assert_eq!(
        result.actual_output(),
        Some("You are a concise support agent.\nAnswer: Can I export my data?")
    );
    assert_eq!(result.model(), Some("gpt-4o"));
    let execution_id = result.execution_id().expect("execution id");
    let run_id = result.run_group_id().expect("run").to_owned();

    // …and find its execution: by id, in the prompt's executions, in its run.
    let executions = client.prompt_executions();
    let execution = executions
        .get_prompt_execution(execution_id)
        .await
        .expect("get");
    assert_eq!(execution.prompt_id, Some(prompt.id));
    assert_eq!(execution.execution_status, ExecutionStatus::Success);
    assert_eq!(
        Some(execution.actual_output.as_str()),
        result.actual_output()
    );
    assert_eq!(execution.temperature, Some(0.1));
    assert_eq!(execution.inputs, question);
    let usage = execution.token_counts().expect("token usage");
    assert_eq!(usage.total, usage.input + usage.output);
    let page = executions
        .list_prompt_executions(&ListPromptExecutions::new().prompt_id(prompt.id))
        .await
        .expect("list");
    assert_eq!(page.total(), Some(1));
    assert_eq!(page.executions().expect("records")[0], execution);
    let runs = executions
        .list_playground_runs(
            &ListPlaygroundRuns::new().prompt_group_id(prompt.prompt_group_id.clone()),
        )
        .await
        .expect("runs");
    assert_eq!(runs.runs()[0].run_group_id().expect("id").as_str(), run_id);
    let run = executions
        .get_playground_run(run_id.as_str())
        .await
        .expect("run");
    assert_eq!(run.executions().expect("records"), vec![execution.clone()]);

    // A scored run: deterministic, recorded with its score.
    let scored = client
        .playground()
        .playground_eval(
            prompt.id,
            &PlaygroundEval::new(question.clone(), evaluation.id),
        )
        .await
        .expect("eval");
    let again = client
        .playground()
        .playground_eval(prompt.id, &PlaygroundEval::new(question, evaluation.id))
        .await
        .expect("eval again");
    let score = scored.score().expect("score");
    assert_eq!(again.score(), Some(score));
    assert!((0.0..=1.0).contains(&score));
    let recorded = executions
        .get_prompt_execution(scored.execution_id().expect("id"))
        .await
        .expect("scored execution");
    assert_eq!(recorded.score, Some(score));
    assert_eq!(recorded.success, scored.success());
    assert_eq!(emu.count(Collection::PromptExecutions), 3);

    // Deleting the first run removes its execution.
    executions
        .delete_playground_run(run_id.as_str())
        .await
        .expect("delete run");
    let err = executions
        .get_prompt_execution(execution_id)
        .await
        .expect_err("gone");
    assert_eq!(err.status_code(), Some(404), "{err}");
}

#[test]
fn executions_journey_blocking() {
    let (emu, client) = start_blocking();
    let (prompt, _, _) = fixture_with_evaluation_blocking(&client);
    let executions = client.prompt_executions();
    let inputs = json!({"question": "Where is my invoice?"});

    let recorded = executions
        .create_prompt_execution(&CreatePromptExecution::new(
            prompt.id,
            NewExecution::new(
                inputs.clone(),
                "gpt-4o",
                "Under Billing.",
                ExecutionStatus::Success,
            )
            .token_usage(TokenUsage::new(20, 3))
            .cost(0.0002)
            .execution_time(321.0),
        ))
        .expect("create");
    assert_eq!(recorded.token_counts(), Some(TokenUsage::new(20, 3)));
    assert_eq!(recorded.run_group_id, None);

    let batch = executions
        .create_batch_prompt_execution(&CreateBatchPromptExecution::new(
            prompt.id,
            [
                NewExecution::new(
                    inputs.clone(),
                    "gpt-4o",
                    "Billing.",
                    ExecutionStatus::Success,
                ),
                NewExecution::new(inputs, "claude", "", ExecutionStatus::Timeout)
                    .execution_error("no answer in 30 s"),
            ],
        ))
        .expect("batch");
    let run_id = batch["runGroupId"].as_str().expect("run").to_owned();
    let run = executions.get_playground_run(run_id.as_str()).expect("run");
    let statuses: Vec<ExecutionStatus> = run
        .executions()
        .expect("records")
        .into_iter()
        .map(|e| e.execution_status)
        .collect();
    assert_eq!(
        statuses,
        [ExecutionStatus::Success, ExecutionStatus::Timeout]
    );
    let by_model = executions
        .list_prompt_executions(&ListPromptExecutions::new().model("claude"))
        .expect("by model");
    assert_eq!(by_model.total(), Some(1));

    let export = executions
        .export_prompt_executions(&ExportPromptExecutions::new().prompt_id(prompt.id))
        .expect("export");
    assert_eq!(export["count"], 3, "{export}");
    let csv = executions
        .export_prompt_executions_csv(&ExportPromptExecutions::new().model("claude"))
        .expect("csv export");
    assert_eq!(csv.content_type.as_deref(), Some("text/csv; charset=utf-8"));
    let text = csv.text().expect("utf-8");
    assert_eq!(text.lines().count(), 2, "{text}");
    assert!(
        text.lines()
            .nth(1)
            .is_some_and(|line| line.contains(",claude,,timeout,")),
        "{text}"
    );

    executions
        .delete_prompt_execution(recorded.id)
        .expect("delete");
    assert_eq!(emu.count(Collection::PromptExecutions), 2);
    let err = executions
        .create_prompt_execution(&CreatePromptExecution::new(
            9_999,
            NewExecution::new(json!({}), "m", "", ExecutionStatus::Error),
        ))
        .expect_err("unknown prompt");
    assert_eq!(err.status_code(), Some(404), "{err}");
}
