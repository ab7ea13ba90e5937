//! Wire tests: every `organization_members` operation sends exactly the method, path, headers
//! and body of the contract, and decodes a realistic answer (and one with unknown fields and
//! values) — through the async and the blocking client.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test may panic

use mutagent_organization_members::{
    AddOrganizationMember, MembershipStatus, OrganizationMembersExt, OrganizationRole,
};
use mutagent_wire_test::*;
use serde_json::{json, Value};

/// A member as the organizations' server answers: the shared shape with a `status`.
fn org_member_json(user_id: &str, role: &str) -> Value {
    let mut member = member_json(user_id, role);
    member["status"] = json!("active");
    member
}

#[test]
fn list_organization_members() {
    let list = json!({"data": [org_member_json("u1", "owner"), org_member_json("u2", "billing")], "total": 2});
    let (request, list) = both_call!(Reply::json(200, list), |c| c
        .organization_members()
        .list_organization_members("org 1"));
    assert_common(
        &request,
        "GET",
        "/api/organizations/org%201/members/",
        None,
        None,
    );
    assert_eq!(list.total, Some(2));
    assert_eq!(list.data[0].role, OrganizationRole::Owner);
    assert_eq!(
        list.data[1].role,
        OrganizationRole::Unknown("billing".into())
    );
    assert_eq!(
        list.data[0].user.as_ref().unwrap().email.as_deref(),
        Some("dev@example.com")
    );
}

#[test]
fn add_organization_member() {
    let (request, member) = both_call!(Reply::json(201, org_member_json("u2", "editor")), |c| c
        .organization_members()
        .add_organization_member(
            "org_1",
            &AddOrganizationMember::new("u2", OrganizationRole::Editor)
                .status(MembershipStatus::Invited)
        ));
    assert_common(
        &request,
        "POST",
        "/api/organizations/org_1/members/",
        None,
        Some(json!({"userId": "u2", "role": "editor", "status": "invited"})),
    );
    assert_eq!(member.user_id.as_str(), "u2");
    assert_eq!(member.status, Some(MembershipStatus::Active));
}

#[test]
fn update_organization_member_sends_the_role() {
    let (request, member) = both_call!(Reply::json(200, org_member_json("u/2", "admin")), |c| c
        .organization_members()
        .update_organization_member("org_1", "u/2", OrganizationRole::Admin));
    assert_common(
        &request,
        "PATCH",
        "/api/organizations/org_1/members/u%2F2",
        None,
        Some(json!({"role": "admin"})),
    );
    assert_eq!(member.role, OrganizationRole::Admin);
}

#[test]
fn remove_organization_member() {
    assert_deleted!("/api/organizations/org_1/members/u2", |c| c
        .organization_members()
        .remove_organization_member("org_1", "u2"));
}

/// A 0.1.2 server may leave out `status`, `user` and `total`; a later one may add fields and
/// statuses: all decode.
#[test]
fn members_decode_with_fields_left_out_or_added() {
    let mut sparse = org_member_json("u1", "viewer");
    let o = sparse.as_object_mut().unwrap();
    o.remove("status");
    o.remove("user");
    let mut later = org_member_json("u2", "viewer");
    later["status"] = json!("deactivated");
    later["lastSeenAt"] = json!("2026-11-02T00:00:00Z");
    let (_, list) = both_call!(Reply::json(200, json!({"data": [sparse, later]})), |c| c
        .organization_members()
        .list_organization_members("org_1"));
    assert_eq!(list.total, None);
    assert_eq!(list.data[0].user, None);
    assert_eq!(list.data[0].status, None);
    assert_eq!(
        list.data[1].status,
        Some(MembershipStatus::Unknown("deactivated".into()))
    );
}

#[test]
fn errors_name_the_operation_and_empty_ids_are_refused() {
    let server = ScriptedServer::start(vec![Reply::json(
        409,
        json!({"error": "conflict", "message": "already a member", "statusCode": 409}),
    )]);
    let client = blocking_client(&server);
    let err = client
        .organization_members()
        .add_organization_member(
            "org_1",
            &AddOrganizationMember::new("u1", OrganizationRole::Viewer),
        )
        .expect_err("409");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(409));
    assert!(err.to_string().contains("add_organization_member"), "{err}");
    let before = server.requests().len();
    assert!(client
        .organization_members()
        .remove_organization_member("org_1", "")
        .is_err());
    assert_eq!(server.requests().len(), before, "nothing more may be sent");
}
