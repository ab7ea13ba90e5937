//! Wire tests: the `prompt_readiness` operation sends exactly the method, path and headers of
//! the contract and hands back the whole answer — through the async and the blocking client.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test may panic

use mutagent_prompt_readiness::PromptReadinessExt;
use mutagent_wire_test::*;
use serde_json::json;

#[test]
fn get_prompt_readiness() {
    // The group id is one path segment, percent-encoded.
    assert_json_answer!(
        "GET",
        "/api/prompts/readiness/grp%201%2F%C3%A4",
        json!({
            "promptGroupId": "grp 1/ä",
            "ready": false,
            "checks": [{"name": "dataset", "passed": false}],
            "someFutureField": {"nested": [1, 2]}
        }),
        |c| c.prompt_readiness().get_prompt_readiness("grp 1/ä")
    );
}

#[test]
fn any_json_answer_decodes() {
    for answer in [json!([]), json!("ready"), json!(null), json!({"ready": 1})] {
        let (_, readiness) = both_call!(Reply::json(200, answer.clone()), |c| c
            .prompt_readiness()
            .get_prompt_readiness("g"));
        assert_eq!(readiness, answer);
    }
}

#[test]
fn errors_and_bad_ids() {
    let server = ScriptedServer::start(vec![Reply::json(
        404,
        json!({"error": "NOT_FOUND", "message": "prompt group not found"}),
    )]);
    let client = blocking_client(&server);
    let err = client
        .prompt_readiness()
        .get_prompt_readiness("missing")
        .expect_err("404");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404), "{err}");

    nothing_sent(|client| {
        for bad in ["", ".", ".."] {
            assert_invalid(
                client.prompt_readiness().get_prompt_readiness(bad),
                "promptGroupId",
            );
        }
    });
}
