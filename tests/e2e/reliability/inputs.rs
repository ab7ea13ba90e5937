//! Hostile inputs through real namespace methods against a recording server: ids never change
//! the route, query values arrive intact, documented constraints are checked before anything
//! is sent, with an error that names the field.

use std::time::Duration;

use mutagent::organizations::{CreateOrganization, ListOrganizations};
use mutagent::prelude::*;
use mutagent::prompt::{CreatePrompt, ListPrompts, PromptContent};
use mutagent::traces::ListTraces;
use mutagent::{BlockingClient, Client, Error};
use mutagent_test_support::{Reply, ScriptedServer};
use serde_json::json;

/// Ids a caller might pass, maliciously or by accident.
const HOSTILE_IDS: [&str; 12] = [
    "a/b",
    "../admin",
    "..%2Fadmin",
    "100%",
    "x?admin=true",
    "x#frag",
    "with space",
    "ünïcødé-🦀",
    "a\\b",
    "%00",
    "tab\there",
    "line\r\nx-injected: 1",
];

fn blocking(server: &ScriptedServer) -> BlockingClient {
    Client::builder()
        .env(mutagent::env::EmptyEnv)
        .api_key("mt_inputs_key")
        .server_url(server.url())
        .timeout(Duration::from_secs(10))
        .build_blocking()
        .expect("client")
}

/// Runs `call` for every hostile id and checks the one recorded request: the raw path is a
/// single encoded segment under `prefix`, and decoding it gives back the id.
fn check_route(prefix: &str, suffix: &str, call: impl Fn(&BlockingClient, &str) -> bool) {
    for id in HOSTILE_IDS {
        let server = ScriptedServer::start(vec![Reply::json(404, json!({"error": "nope"}))]);
        let client = blocking(&server);
        assert!(call(&client, id), "{id:?}: expected a 404 from the server");
        let request = server.single_request();
        let raw = request
            .path
            .strip_prefix(prefix)
            .and_then(|rest| rest.strip_suffix(suffix))
            .unwrap_or_else(|| panic!("{id:?}: route changed: {}", request.path));
        assert!(
            !raw.contains('/') && !raw.contains('?') && !raw.contains('#'),
            "{id:?}: not one segment: {raw}"
        );
        assert!(
            raw.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-._~%".contains(&b)),
            "{id:?}: not percent-encoded: {raw}"
        );
        assert_eq!(request.query, None, "{id:?}: a query appeared");
        assert_eq!(
            request.decoded_path(),
            format!("{prefix}{id}{suffix}"),
            "{id:?}: the id does not arrive intact"
        );
        assert_eq!(request.header("x-injected"), None);
    }
    // Empty and dot segments are refused before sending.
    for id in ["", ".", ".."] {
        let server = ScriptedServer::start(vec![Reply::json(200, json!({}))]);
        let client = blocking(&server);
        assert!(!call(&client, id), "{id:?} must be refused");
        assert!(server.requests().is_empty(), "{id:?}: something was sent");
    }
}

fn is_404(result: Result<impl std::fmt::Debug, Error>) -> bool {
    match result {
        Err(err) if err.is_not_found() => true,
        Err(Error::InvalidInput { .. }) => false,
        other => panic!("unexpected: {other:?}"),
    }
}

#[test]
fn trace_ids_never_change_the_route() {
    check_route("/api/traces/", "", |client, id| {
        is_404(client.traces().get_trace(id))
    });
}

#[test]
fn organization_ids_never_change_the_route() {
    check_route("/api/organizations/", "", |client, id| {
        is_404(client.organizations().get_organization(id))
    });
}

#[test]
fn workspace_ids_never_change_the_route() {
    check_route("/api/workspaces/", "", |client, id| {
        is_404(client.workspaces().get_workspace(id))
    });
}

#[test]
fn optimization_job_ids_never_change_the_route() {
    check_route("/api/optimization/", "", |client, id| {
        is_404(client.optimization().get_optimization(id))
    });
}

#[test]
fn experiment_ids_never_change_the_route() {
    check_route("/api/prompts/experiments/", "", |client, id| {
        is_404(client.experiments().get_experiment(id))
    });
}

#[test]
fn query_values_arrive_intact() {
    let tricky = "a&b=c#d e+f%20g?h/ü";
    let page = json!({"data": [], "total": 0, "limit": 5, "offset": 0,
                      "hasNext": false, "hasPrevious": false});
    let server = ScriptedServer::start(vec![Reply::json(200, page)]);
    let client = blocking(&server);
    client
        .prompt()
        .list_prompts(
            &ListPrompts::new()
                .limit(5)
                .name(tricky)
                .version("1.0.0&isLatest=false")
                .created_by("me+you@example.com"),
        )
        .expect("list");
    let request = server.single_request();
    let params = request.query_params();
    let get = |name: &str| {
        params
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    };
    assert_eq!(get("name"), Some(tricky), "{:?}", request.query);
    assert_eq!(get("version"), Some("1.0.0&isLatest=false"));
    assert_eq!(get("createdBy"), Some("me+you@example.com"));
    assert_eq!(get("limit"), Some("5"));
    assert_eq!(get("isLatest"), None, "a value smuggled a parameter in");
    assert_eq!(params.len(), 4, "{params:?}");

    let server = ScriptedServer::start(vec![Reply::json(
        200,
        json!({"data": [], "total": 0, "limit": 1, "offset": 0, "hasNext": false, "hasPrevious": false}),
    )]);
    let client = blocking(&server);
    let _ = client
        .traces()
        .list_traces(&ListTraces::new().session_id("s#1&x=2"));
    assert_eq!(
        server.single_request().query_param("sessionId").as_deref(),
        Some("s#1&x=2")
    );
}

fn assert_refused(err: Error, field: &str) {
    match &err {
        Error::InvalidInput { field: got, .. } => assert_eq!(got, field, "{err}"),
        other => panic!("expected InvalidInput on `{field}`, got {other:?}"),
    }
    assert!(err.to_string().contains(&format!("`{field}`")), "{err}");
}

#[test]
fn documented_constraints_are_checked_before_sending() {
    let server = ScriptedServer::start(vec![Reply::json(500, json!({}))]);
    let client = blocking(&server);
    for limit in [0, 101, u32::MAX] {
        let err = client
            .prompt()
            .list_prompts(&ListPrompts::new().limit(limit))
            .expect_err("limit");
        assert_refused(err, "limit");
        let err = client
            .organizations()
            .list_organizations(&ListOrganizations::new().limit(limit))
            .expect_err("limit");
        assert_refused(err, "limit");
    }
    let content = || PromptContent::chat("s", "h");
    for name in ["", "   ", &"n".repeat(256)] {
        let err = client
            .prompt()
            .create_prompt(&CreatePrompt::new(name, content(), json!({})))
            .expect_err("name");
        assert_refused(err, "name");
    }
    // Organization names have no documented length cap (models.md), only non-blank.
    for name in ["", "   "] {
        let err = client
            .organizations()
            .create_organization(&CreateOrganization::new(name, "slug"))
            .expect_err("name");
        assert_refused(err, "name");
    }
    // 255 characters (multi-byte ones count as one) is within the limit.
    let name = "é".repeat(255);
    let err = client
        .prompt()
        .create_prompt(&CreatePrompt::new(name, content(), json!({})))
        .expect_err("the server answers 500");
    assert_eq!(err.status_code(), Some(500));
    assert_eq!(server.requests().len(), 1, "only the valid call was sent");
}

#[tokio::test]
async fn the_async_client_refuses_the_same_inputs_without_sending() {
    let server = ScriptedServer::start(vec![Reply::json(200, json!({}))]);
    let client = Client::builder()
        .env(mutagent::env::EmptyEnv)
        .server_url(server.url())
        .build()
        .expect("client");
    let err = client
        .traces()
        .get_trace("..")
        .await
        .expect_err("dot segment");
    assert_refused(err, "id");
    let err = client
        .prompt()
        .list_prompts(&ListPrompts::new().limit(0))
        .await
        .expect_err("limit");
    assert_refused(err, "limit");
    assert!(server.requests().is_empty());
}
