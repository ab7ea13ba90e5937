//! Wire tests: every `workspaces` operation sends exactly the method, path, query, headers and
//! body of the contract, and decodes a realistic answer — through the async and the blocking
//! client.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test may panic

use mutagent_wire_test::*;
use mutagent_workspaces::{
    CreateWorkspace, ListWorkspaces, Patch, UpdateWorkspace, WorkspaceRole, WorkspacesExt,
};
use serde_json::{json, Value};

fn ws_json(id: &str, is_default: bool) -> Value {
    json!({
        "id": id,
        "organizationId": "org_1",
        "name": "Staging",
        "slug": "staging",
        "description": null,
        "isDefault": is_default,
        "isActive": true,
        "settings": {"retentionDays": 30},
        "metadata": null,
        "createdBy": "user_1",
        "createdAt": "2026-11-01T10:00:00.000Z",
        "updatedAt": "2026-11-01T11:00:00.000Z",
        "someFutureField": {"x": 1}
    })
}

fn ws_with_role_json(id: &str, role: &str) -> Value {
    let mut value = ws_json(id, false);
    value["role"] = json!(role);
    value
}

#[test]
fn list_workspaces() {
    let list = json!({
        "workspaces": [ws_with_role_json("ws_1", "admin"), ws_with_role_json("ws_2", "owner")],
        "total": 2
    });
    let (request, list) = both_call!(Reply::json(200, list), |c| c
        .workspaces()
        .list_workspaces(&ListWorkspaces::new().include_inactive(true)));
    assert_common(
        &request,
        "GET",
        "/api/workspaces/",
        Some("includeInactive=true"),
        None,
    );
    assert_eq!(list.total, 2);
    assert_eq!(list.workspaces[0].role, WorkspaceRole::Admin);
    assert_eq!(
        list.workspaces[1].role,
        WorkspaceRole::Unknown("owner".into())
    );
    assert_eq!(list.workspaces[1].workspace.id.as_str(), "ws_2");
    assert_eq!(
        list.workspaces[0].workspace.organization_id.as_str(),
        "org_1"
    );
}

/// `false` is a value, not an absence: it is sent; no filter sends no query at all.
#[test]
fn list_workspaces_sends_false_and_leaves_out_unset_filters() {
    let empty = || Reply::json(200, json!({"workspaces": [], "total": 0}));
    let (request, _) = both_call!(empty(), |c| c
        .workspaces()
        .list_workspaces(&ListWorkspaces::new().include_inactive(false)));
    assert_common(
        &request,
        "GET",
        "/api/workspaces/",
        Some("includeInactive=false"),
        None,
    );
    let (request, _) = both_call!(empty(), |c| c
        .workspaces()
        .list_workspaces(&ListWorkspaces::new()));
    assert_common(&request, "GET", "/api/workspaces/", None, None);
}

#[test]
fn list_workspaces_without_filter_sends_no_query() {
    let (request, list) = both_call!(
        Reply::json(200, json!({"workspaces": [], "total": 0})),
        |c| c.workspaces().list_workspaces(&ListWorkspaces::new())
    );
    assert_common(&request, "GET", "/api/workspaces/", None, None);
    assert!(list.workspaces.is_empty());
}

#[test]
fn create_workspace() {
    let body = CreateWorkspace::new("Staging", "staging")
        .description("Pre-production")
        .is_default(true)
        .settings(json!({"retentionDays": 30}))
        .metadata(json!({"team": "platform"}));
    let (request, ws) = both_call!(Reply::json(201, ws_json("ws_1", true)), |c| c
        .workspaces()
        .create_workspace(&body));
    assert_common(
        &request,
        "POST",
        "/api/workspaces/",
        None,
        Some(json!({
            "name": "Staging",
            "slug": "staging",
            "description": "Pre-production",
            "isDefault": true,
            "settings": {"retentionDays": 30},
            "metadata": {"team": "platform"}
        })),
    );
    assert_eq!(ws.id.as_str(), "ws_1");
    assert!(ws.is_default);
    assert_eq!(ws.settings, json!({"retentionDays": 30}));
    assert_eq!(ws.metadata, Value::Null);
    assert_eq!(ws.logo_url, None);
}

#[test]
fn get_workspace() {
    let (request, ws) = both_call!(Reply::json(200, ws_json("ws 1/a", false)), |c| c
        .workspaces()
        .get_workspace("ws 1/a"));
    assert_common(&request, "GET", "/api/workspaces/ws%201%2Fa", None, None);
    assert_eq!(ws.slug, "staging");
    assert_eq!(ws.created_at.as_deref(), Some("2026-11-01T10:00:00.000Z"));
}

#[test]
fn update_workspace_sets_and_clears() {
    let body = UpdateWorkspace::new()
        .name("Stage")
        .slug("stage")
        .clear_description()
        .is_default(false)
        .is_active(false)
        .settings(json!({"retentionDays": 7}))
        .metadata(json!({"k": "v"}));
    assert_eq!(body.description, Patch::Null);
    let (request, _) = both_call!(Reply::json(200, ws_json("ws_1", false)), |c| c
        .workspaces()
        .update_workspace("ws_1", &body));
    assert_common(
        &request,
        "PATCH",
        "/api/workspaces/ws_1",
        None,
        Some(json!({
            "name": "Stage",
            "slug": "stage",
            "description": null,
            "isDefault": false,
            "isActive": false,
            "settings": {"retentionDays": 7},
            "metadata": {"k": "v"}
        })),
    );
}

#[test]
fn update_workspace_leaves_unset_fields_out() {
    let (request, _) = both_call!(Reply::json(200, ws_json("ws_1", false)), |c| c
        .workspaces()
        .update_workspace("ws_1", &UpdateWorkspace::new().description("d")));
    assert_eq!(request.json(), json!({"description": "d"}));
}

#[test]
fn delete_workspace() {
    assert_deleted!("/api/workspaces/ws_1", |c| c
        .workspaces()
        .delete_workspace("ws_1"));
}

#[test]
fn set_default_workspace_sends_no_body() {
    let (request, ws) = both_call!(Reply::json(200, ws_json("ws_2", true)), |c| c
        .workspaces()
        .set_default_workspace("ws_2"));
    assert_common(
        &request,
        "POST",
        "/api/workspaces/ws_2/set-default",
        None,
        None,
    );
    assert!(ws.is_default);
}

#[test]
fn invalid_input_is_refused_before_sending() {
    nothing_sent(|client| {
        let ws = client.workspaces();
        assert_invalid(ws.create_workspace(&CreateWorkspace::new(" ", "s")), "name");
        assert_invalid(
            ws.create_workspace(&CreateWorkspace::new("Staging", "")),
            "slug",
        );
        assert_invalid(
            ws.update_workspace("ws_1", &UpdateWorkspace::new().name("x".repeat(256))),
            "name",
        );
        assert_invalid(ws.set_default_workspace(""), "wsId");
    });
}

#[test]
fn error_statuses_become_api_errors() {
    let server = ScriptedServer::start(vec![Reply::json(
        403,
        json!({"error": "FORBIDDEN", "message": "Not an admin", "statusCode": 403}),
    )]);
    let err = blocking_client(&server)
        .workspaces()
        .delete_workspace("ws_1")
        .expect_err("403");
    match err {
        Error::Api(api) => {
            assert_eq!(api.status().as_u16(), 403);
            assert_eq!(api.message(), Some("Not an admin"));
        }
        other => panic!("expected an API error, got {other:?}"),
    }
}
