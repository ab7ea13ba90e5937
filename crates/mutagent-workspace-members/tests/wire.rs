//! Wire tests: every `workspace_members` operation sends exactly the method, path, headers and
//! body of the contract, and decodes a realistic answer (and one with unknown fields and
//! values) — through the async and the blocking client.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test may panic

use mutagent_wire_test::*;
use mutagent_workspace_members::{AddWorkspaceMember, WorkspaceMembersExt, WorkspaceRole};
use serde_json::json;

#[test]
fn list_workspace_members() {
    let list =
        json!({"data": [member_json("u1", "admin"), member_json("u2", "owner")], "total": 2});
    let (request, list) = both_call!(Reply::json(200, list), |c| c
        .workspace_members()
        .list_workspace_members("ws 1"));
    assert_common(
        &request,
        "GET",
        "/api/workspaces/ws%201/members/",
        None,
        None,
    );
    assert_eq!(list.data[0].role, WorkspaceRole::Admin);
    assert_eq!(list.data[1].role, WorkspaceRole::Unknown("owner".into()));
    assert_eq!(
        list.data[0].user.as_ref().unwrap().name.as_deref(),
        Some("Dev")
    );
}

#[test]
fn add_workspace_member() {
    let (request, member) = both_call!(Reply::json(201, member_json("u2", "viewer")), |c| c
        .workspace_members()
        .add_workspace_member(
            "ws_1",
            &AddWorkspaceMember::new("u2", WorkspaceRole::Viewer)
        ));
    assert_common(
        &request,
        "POST",
        "/api/workspaces/ws_1/members/",
        None,
        Some(json!({"userId": "u2", "role": "viewer"})),
    );
    assert_eq!(member.user_id.as_str(), "u2");
}

#[test]
fn update_workspace_member_sends_the_role() {
    let (request, member) = both_call!(Reply::json(200, member_json("u2", "editor")), |c| c
        .workspace_members()
        .update_workspace_member("ws_1", "u2", WorkspaceRole::Editor));
    assert_common(
        &request,
        "PATCH",
        "/api/workspaces/ws_1/members/u2",
        None,
        Some(json!({"role": "editor"})),
    );
    assert_eq!(member.role, WorkspaceRole::Editor);
}

#[test]
fn remove_workspace_member() {
    assert_deleted!("/api/workspaces/ws_1/members/u%2F2", |c| c
        .workspace_members()
        .remove_workspace_member("ws_1", "u/2"));
}

/// Left-out `user` and `total` (0.1.2) and added fields (later servers) still decode.
#[test]
fn members_decode_with_fields_left_out_or_added() {
    let mut sparse = member_json("u1", "viewer");
    sparse.as_object_mut().unwrap().remove("user");
    sparse["invitedBy"] = json!("u0");
    let (_, list) = both_call!(Reply::json(200, json!({"data": [sparse]})), |c| c
        .workspace_members()
        .list_workspace_members("ws_1"));
    assert_eq!((list.total, list.data[0].user.as_ref()), (None, None));
}
