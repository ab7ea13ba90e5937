//! Wire tests: both `playground` operations send exactly the method, path, headers and body of
//! the contract, and hand back the whole answer — through the async and the blocking client.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test may panic

use mutagent_playground::{LlmConfig, PlaygroundCall, PlaygroundEval, PlaygroundExt};
use mutagent_wire_test::*;
use serde_json::json;

#[test]
fn playground_call() {
    let answer = json!({
        "id": 4, "promptId": 7, "model": "gpt-4o", "actualOutput": "Hi Ann!",
        "executionStatus": "success", "executionTime": 120.0, "runGroupId": "run-1",
        "tokenUsage": {"input": 5, "output": 2, "total": 7}, "cost": 0.0001,
        "score": null, "success": true, "aNewField": [1]
    });
    let body = PlaygroundCall::new(json!({"name": "Ann"})).llm_config(
        LlmConfig::new()
            .model("gpt-4o")
            .temperature(0.2)
            .max_tokens(64),
    );
    let (request, result) = both_call!(Reply::json(200, answer.clone()), |c| c
        .playground()
        .playground_call(7, &body));
    assert_common(
        &request,
        "POST",
        "/api/prompt/7/playground/call",
        None,
        Some(
            json!({"input": {"name": "Ann"}, "llmConfig": {"model": "gpt-4o", "temperature": 0.2, "maxTokens": 64}}),
        ),
    );
    assert_eq!(result.0, answer, "kept whole");
    assert_eq!(result.actual_output(), Some("Hi Ann!"));
    assert_eq!(result.execution_id(), Some(4));
    assert_eq!(result.run_group_id(), Some("run-1"));
    assert_eq!(result.model(), Some("gpt-4o"));
    assert_eq!(result.execution_status(), Some("success"));
    assert_eq!(result.execution_time(), Some(120.0));
    assert_eq!(result.cost(), Some(0.0001));
    assert_eq!(result.token_usage().unwrap()["total"], 7);
    assert_eq!(result.score(), None, "null is no score");
    assert_eq!(result.success(), Some(true));
}

#[test]
fn playground_eval() {
    let answer = json!({"output": "Hi!", "score": 0.75, "success": false, "executionId": 9});
    let body = PlaygroundEval::new(json!({"name": "Ann"}), 3);
    let (request, result) = both_call!(Reply::json(200, answer), |c| c
        .playground()
        .playground_eval(7, &body));
    assert_common(
        &request,
        "POST",
        "/api/prompt/7/playground/eval",
        None,
        Some(json!({"input": {"name": "Ann"}, "evaluationId": 3})),
    );
    assert_eq!(result.actual_output(), Some("Hi!"));
    assert_eq!(result.score(), Some(0.75));
    assert_eq!(result.success(), Some(false));
    assert_eq!(result.execution_id(), Some(9));
    assert_eq!(result.token_usage(), None);
}

#[test]
fn a_call_is_not_retried_and_errors_keep_their_status() {
    let server = ScriptedServer::start(vec![
        Reply::json(503, json!({"error": "UNAVAILABLE", "message": "try later"})),
        Reply::json(200, json!({})),
    ]);
    let err = blocking_client(&server)
        .playground()
        .playground_call(7, &PlaygroundCall::new(json!({})))
        .expect_err("503");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503), "{err}");
    assert_eq!(server.requests().len(), 1, "a POST is sent once");
}

#[test]
fn invalid_input_is_refused_before_sending() {
    nothing_sent(|client| {
        let pg = client.playground();
        assert_invalid(
            pg.playground_call(7, &PlaygroundCall::new(json!("Ann"))),
            "input",
        );
        assert_invalid(pg.playground_call(0, &PlaygroundCall::new(json!({}))), "id");
        assert_invalid(
            pg.playground_eval(7, &PlaygroundEval::new(json!({}), 0)),
            "evaluationId",
        );
        assert_invalid(
            pg.playground_call(
                7,
                &PlaygroundCall::new(json!({})).llm_config(LlmConfig::new().temperature(f64::NAN)),
            ),
            "llmConfig.temperature",
        );
    });
}
