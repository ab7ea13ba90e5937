//! Wire tests: every `prompt_executions` operation sends exactly the method, path, query,
//! headers and body of the contract, and decodes a realistic answer — through the async and
//! the blocking client.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test may panic

use mutagent_prompt_executions::{
    CreateBatchPromptExecution, CreatePromptExecution, ExecutionStatus, ExportPromptExecutions,
    ListPlaygroundRuns, ListPromptExecutions, NewExecution, PromptExecutionsExt, TokenUsage,
};
use mutagent_wire_test::*;
use serde_json::{json, Value};

fn execution_json(id: i64, status: &str) -> Value {
    json!({
        "id": id,
        "promptId": 7,
        "workspaceId": "ws_1",
        "inputs": {"question": "Hi?"},
        "model": "gpt-4o",
        "actualOutput": "Hello!",
        "executionStatus": status,
        "executionTime": 412.5,
        "executionError": null,
        "temperature": 0.2,
        "maxTokens": 256,
        "tokenUsage": {"input": 12, "output": 3, "total": 15},
        "cost": 0.0004,
        "runGroupId": "run-1",
        "score": null,
        "success": null,
        "createdAt": "2026-12-01T10:00:00.000Z",
        "someFutureField": {"x": 1}
    })
}

fn new_execution() -> NewExecution {
    NewExecution::new(
        json!({"question": "Hi?"}),
        "gpt-4o",
        "Hello!",
        ExecutionStatus::Success,
    )
}

#[test]
fn list_playground_runs() {
    let answer = json!({"data": [{"runGroupId": "run-1", "executions": [execution_json(1, "success")]}], "total": 1});
    let params = ListPlaygroundRuns::new()
        .prompt_id(7)
        .prompt_group_id("grp 1")
        .from_date("2026-12-01")
        .to_date("2026-12-02T00:00:00Z")
        .limit(10)
        .offset(20);
    let (request, page) = both_call!(Reply::json(200, answer.clone()), |c| c
        .prompt_executions()
        .list_playground_runs(&params));
    assert_common(
        &request,
        "GET",
        "/api/prompts/executions/runs",
        Some("promptId=7&promptGroupId=grp%201&fromDate=2026-12-01&toDate=2026-12-02T00%3A00%3A00Z&limit=10&offset=20"),
        None,
    );
    assert_eq!(page.0, answer, "kept whole");
    assert_eq!(page.total(), Some(1));
    let runs = page.runs();
    assert_eq!(runs[0].run_group_id().unwrap().as_str(), "run-1");
    assert_eq!(runs[0].executions().unwrap()[0].model, "gpt-4o");
}

#[test]
fn list_playground_runs_as_a_bare_array_and_without_filters() {
    let (request, page) = both_call!(Reply::json(200, json!([{"id": "run-9"}])), |c| c
        .prompt_executions()
        .list_playground_runs(&ListPlaygroundRuns::new()));
    assert_common(&request, "GET", "/api/prompts/executions/runs", None, None);
    assert_eq!(page.total(), None);
    let runs = page.runs();
    assert_eq!(runs[0].run_group_id().unwrap().as_str(), "run-9");
    assert!(runs[0].executions().unwrap().is_empty());
}

#[test]
fn get_playground_run() {
    let answer = json!({"runGroupId": "run/1", "executions": [execution_json(1, "success"), execution_json(2, "rate_limited")]});
    let (request, run) = both_call!(Reply::json(200, answer.clone()), |c| c
        .prompt_executions()
        .get_playground_run("run/1"));
    assert_common(
        &request,
        "GET",
        "/api/prompts/executions/runs/run%2F1",
        None,
        None,
    );
    assert_eq!(run.0, answer);
    let executions = run.executions().unwrap();
    assert_eq!(executions.len(), 2);
    assert_eq!(
        executions[1].execution_status,
        ExecutionStatus::Unknown("rate_limited".into())
    );
}

#[test]
fn delete_playground_run() {
    assert_json_answer!(
        "DELETE",
        "/api/prompts/executions/runs/run-1",
        json!({"success": true, "message": "deleted 2 executions"}),
        |c| c.prompt_executions().delete_playground_run("run-1")
    );
}

#[test]
fn list_prompt_executions() {
    let answer =
        json!({"data": [execution_json(3, "success")], "total": 4, "limit": 1, "offset": 0});
    let params = ListPromptExecutions::new()
        .prompt_id(7)
        .model("gpt-4o")
        .from_date("2026-12-01")
        .to_date("2026-12-31")
        .run_group_id("run-1")
        .limit(1);
    let (request, page) = both_call!(Reply::json(200, answer), |c| c
        .prompt_executions()
        .list_prompt_executions(&params));
    assert_common(
        &request,
        "GET",
        "/api/prompts/executions/",
        Some("promptId=7&model=gpt-4o&fromDate=2026-12-01&toDate=2026-12-31&runGroupId=run-1&limit=1"),
        None,
    );
    assert_eq!(page.total(), Some(4));
    let executions = page.executions().unwrap();
    assert_eq!(executions[0].id.get(), 3);
    assert_eq!(executions[0].token_counts(), Some(TokenUsage::new(12, 3)));
}

#[test]
fn create_prompt_execution() {
    let body = CreatePromptExecution::new(
        7,
        new_execution()
            .execution_time(412.5)
            .execution_error("none")
            .temperature(0.2)
            .max_tokens(256)
            .token_usage(TokenUsage::new(12, 3))
            .cost(0.0004),
    );
    let (request, execution) = both_call!(Reply::json(201, execution_json(5, "success")), |c| c
        .prompt_executions()
        .create_prompt_execution(&body));
    assert_common(
        &request,
        "POST",
        "/api/prompts/executions/",
        None,
        Some(json!({
            "promptId": 7, "inputs": {"question": "Hi?"}, "model": "gpt-4o",
            "actualOutput": "Hello!", "executionStatus": "success", "executionTime": 412.5,
            "executionError": "none", "temperature": 0.2, "maxTokens": 256,
            "tokenUsage": {"input": 12, "output": 3, "total": 15}, "cost": 0.0004
        })),
    );
    assert_eq!(execution.id.get(), 5);
    assert_eq!(execution.execution_status, ExecutionStatus::Success);
    assert_eq!(execution.run_group_id.unwrap().as_str(), "run-1");
    assert_eq!(execution.score, None);
}

#[test]
fn export_prompt_executions() {
    let answer = json!({"format": "json", "data": [execution_json(1, "success")]});
    let params = ExportPromptExecutions::new()
        .prompt_id(7)
        .model("gpt-4o")
        .from_date("2026-12-01")
        .to_date("2026-12-31");
    let (request, export) = both_call!(Reply::json(200, answer.clone()), |c| c
        .prompt_executions()
        .export_prompt_executions(&params));
    assert_common(
        &request,
        "GET",
        "/api/prompts/executions/export",
        Some("format=json&promptId=7&model=gpt-4o&fromDate=2026-12-01&toDate=2026-12-31"),
        None,
    );
    assert_eq!(export, answer);
}

#[test]
fn get_prompt_execution() {
    // Only the id and the status are required: a minimal record decodes.
    let minimal =
        json!({"id": 12, "executionStatus": "timeout", "promptId": null, "tokenUsage": null});
    let (request, execution) = both_call!(Reply::json(200, minimal), |c| c
        .prompt_executions()
        .get_prompt_execution(12));
    assert_common(&request, "GET", "/api/prompts/executions/12", None, None);
    assert_eq!(execution.id.get(), 12);
    assert_eq!(execution.execution_status, ExecutionStatus::Timeout);
    assert_eq!(execution.prompt_id, None);
    assert_eq!(execution.token_counts(), None);
}

#[test]
fn delete_prompt_execution() {
    assert_json_answer!(
        "DELETE",
        "/api/prompts/executions/12",
        json!({"success": true}),
        |c| c.prompt_executions().delete_prompt_execution(12)
    );
}

#[test]
fn create_batch_prompt_execution() {
    let body = CreateBatchPromptExecution::new(
        7,
        [
            new_execution(),
            NewExecution::new(
                json!({"question": "Hi?"}),
                "claude",
                "",
                ExecutionStatus::Failed,
            )
            .execution_error("overloaded"),
        ],
    );
    let answer = json!({"success": true, "runGroupId": "run-2", "count": 2});
    let (request, reply) = both_call!(Reply::json(201, answer.clone()), |c| c
        .prompt_executions()
        .create_batch_prompt_execution(&body));
    assert_common(
        &request,
        "POST",
        "/api/prompts/executions/batch",
        None,
        Some(json!({"promptId": 7, "executions": [
            {"inputs": {"question": "Hi?"}, "model": "gpt-4o", "actualOutput": "Hello!", "executionStatus": "success"},
            {"inputs": {"question": "Hi?"}, "model": "claude", "actualOutput": "", "executionStatus": "failed", "executionError": "overloaded"}
        ]})),
    );
    assert_eq!(reply, answer);
}

#[test]
fn invalid_input_is_refused_before_sending() {
    nothing_sent(|client| {
        let api = client.prompt_executions();
        let refused = |execution: NewExecution| {
            api.create_prompt_execution(&CreatePromptExecution::new(7, execution))
        };
        assert_invalid(
            refused(NewExecution::new(
                json!([1]),
                "m",
                "o",
                ExecutionStatus::Success,
            )),
            "inputs",
        );
        assert_invalid(
            refused(NewExecution::new(
                json!({}),
                "",
                "o",
                ExecutionStatus::Success,
            )),
            "model",
        );
        assert_invalid(
            refused(new_execution().execution_time(-1.0)),
            "executionTime",
        );
        assert_invalid(refused(new_execution().cost(f64::NAN)), "cost");
        assert_invalid(refused(new_execution().max_tokens(0)), "maxTokens");
        assert_invalid(
            api.create_prompt_execution(&CreatePromptExecution::new(0, new_execution())),
            "promptId",
        );
        let batch =
            CreateBatchPromptExecution::new(7, [new_execution(), new_execution().cost(-2.0)]);
        assert_invalid(
            api.create_batch_prompt_execution(&batch),
            "executions[1].cost",
        );
        assert_invalid(
            api.list_prompt_executions(&ListPromptExecutions::new().limit(101)),
            "limit",
        );
        assert_invalid(
            api.list_playground_runs(&ListPlaygroundRuns::new().prompt_id(0)),
            "promptId",
        );
        assert_invalid(api.get_prompt_execution(0), "id");
        assert_invalid(api.get_playground_run(".."), "runId");
    });
}

#[test]
fn a_record_without_an_id_is_a_decode_error_naming_the_field() {
    let server = ScriptedServer::start(vec![Reply::json(
        200,
        json!({"executionStatus": "success"}),
    )]);
    let err = blocking_client(&server)
        .prompt_executions()
        .get_prompt_execution(1)
        .expect_err("no id");
    assert!(matches!(err, Error::Decode(_)), "{err:?}");
    assert!(err.to_string().contains("id"), "{err}");
}

#[test]
fn export_prompt_executions_csv() {
    let csv = "id,model,actualOutput\n1,gpt-4o,\"Hello, Ann\"\n";
    let reply = Reply::text(200, csv).header("content-type", "text/csv; charset=utf-8");
    let params = ExportPromptExecutions::new().prompt_id(7);
    let (request, export) = both_call!(reply, |c| c
        .prompt_executions()
        .export_prompt_executions_csv(&params));
    assert_common(
        &request,
        "GET",
        "/api/prompts/executions/export",
        Some("format=csv&promptId=7"),
        None,
    );
    assert_eq!(export.body, csv.as_bytes(), "byte for byte");
    assert_eq!(export.text().unwrap(), csv);
    assert_eq!(
        export.content_type.as_deref(),
        Some("text/csv; charset=utf-8")
    );
}

#[test]
fn a_csv_export_error_is_an_api_error() {
    let server = ScriptedServer::start(vec![Reply::json(
        400,
        json!({"error": "BAD_REQUEST", "message": "bad format"}),
    )]);
    let err = blocking_client(&server)
        .prompt_executions()
        .export_prompt_executions_csv(&ExportPromptExecutions::new())
        .expect_err("400");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(400), "{err}");
    let server = ScriptedServer::start(vec![Reply::json(200, json!({}))]);
    let err = blocking_client(&server)
        .prompt_executions()
        .export_prompt_executions_csv(&ExportPromptExecutions::new().prompt_id(0))
        .expect_err("refused");
    assert!(matches!(err, Error::InvalidInput { .. }), "{err:?}");
    assert!(server.requests().is_empty());
}

/// The record's `maxTokens` is "number (integral), required, nullable" with no sign (the ≥ 1
/// rule is the request bodies'): a recorded -1 decodes instead of failing the whole record.
#[test]
fn an_execution_record_with_a_negative_max_tokens_decodes() {
    let mut record = execution_json(1, "success");
    record["maxTokens"] = json!(-1);
    let server = ScriptedServer::start(vec![Reply::json(200, record)]);
    let execution = blocking_client(&server)
        .prompt_executions()
        .get_prompt_execution(1)
        .expect("decodes");
    assert_eq!(execution.max_tokens, Some(-1));
}
