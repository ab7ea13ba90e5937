//! Wire tests: every `invitations` operation sends exactly the method, path, headers and body
//! of the contract, and decodes a realistic answer — through the async and the blocking
//! client; the invitation secret never shows in `Debug`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test may panic

use mutagent_invitations::{CreateInvitation, InvitationsExt, OrganizationRole, ResendInvitation};
use mutagent_wire_test::*;
use serde_json::{json, Value};

const TOKEN: &str = "inv_secret_token_123";

fn invitation_json(id: &str, role: &str) -> Value {
    json!({
        "id": id,
        "organizationId": "org_1",
        "email": "dev@example.com",
        "token": TOKEN,
        "inviteUrl": format!("https://app.example/invite/{TOKEN}"),
        "role": role,
        "status": "pending",
        "expiresAt": "2026-11-08T10:00:00.000Z",
        "acceptedAt": null,
        "acceptedBy": null,
        "createdBy": "u0",
        "invitedByUserId": "u0",
        "createdAt": "2026-11-01T10:00:00.000Z",
        "updatedAt": "2026-11-01T10:00:00.000Z"
    })
}

#[test]
fn list_invitations() {
    let list = json!({"data": [invitation_json("i1", "editor"), invitation_json("i2", "guest")], "total": 2});
    let (request, list) = both_call!(Reply::json(200, list), |c| c
        .invitations()
        .list_invitations("org_1"));
    assert_common(
        &request,
        "GET",
        "/api/organizations/org_1/invitations/",
        None,
        None,
    );
    assert_eq!(list.data[0].role, OrganizationRole::Editor);
    assert_eq!(list.data[1].role, OrganizationRole::Unknown("guest".into()));
}

#[test]
fn create_invitation_and_its_secrets_stay_out_of_debug() {
    let (request, invite) = both_call!(Reply::json(201, invitation_json("i1", "editor")), |c| c
        .invitations()
        .create_invitation(
            "org_1",
            &CreateInvitation::new(OrganizationRole::Editor)
                .email("dev@example.com")
                .expires_in_days(14)
        ));
    assert_common(
        &request,
        "POST",
        "/api/organizations/org_1/invitations/",
        None,
        Some(json!({"role": "editor", "email": "dev@example.com", "expiresInDays": 14})),
    );
    assert_eq!(invite.token.as_ref().unwrap().expose(), TOKEN);
    assert!(invite
        .invite_url
        .as_ref()
        .unwrap()
        .expose()
        .ends_with(TOKEN));
    let shown = format!("{invite:?}");
    assert!(!shown.contains(TOKEN), "{shown}");
}

#[test]
fn get_invitation() {
    let (request, invite) = both_call!(Reply::json(200, invitation_json("i/1", "viewer")), |c| c
        .invitations()
        .get_invitation("org_1", "i/1"));
    assert_common(
        &request,
        "GET",
        "/api/organizations/org_1/invitations/i%2F1",
        None,
        None,
    );
    assert_eq!(invite.status.as_deref(), Some("pending"));
}

#[test]
fn delete_invitation() {
    assert_deleted!("/api/organizations/org_1/invitations/i1", |c| c
        .invitations()
        .delete_invitation("org_1", "i1"));
}

#[test]
fn resend_invitation_sends_an_object() {
    let (request, _) = both_call!(Reply::json(200, invitation_json("i1", "viewer")), |c| c
        .invitations()
        .resend_invitation("org_1", "i1", &ResendInvitation::new()));
    assert_common(
        &request,
        "POST",
        "/api/organizations/org_1/invitations/i1/resend",
        None,
        Some(json!({})),
    );
    let (request, _) = both_call!(Reply::json(200, invitation_json("i1", "viewer")), |c| c
        .invitations()
        .resend_invitation(
            "org_1",
            "i1",
            &ResendInvitation::new()
                .expires_in_days(3)
                .other("note", "again")
        ));
    assert_eq!(request.json(), json!({"expiresInDays": 3, "note": "again"}));
}

/// A sparse answer (no email, token or dates) and one with new fields decode.
#[test]
fn invitations_decode_with_fields_left_out_or_added() {
    let sparse = json!({"id": "i1", "organizationId": "org_1", "role": "viewer", "seats": 3});
    let (_, invite) = both_call!(Reply::json(200, sparse), |c| c
        .invitations()
        .get_invitation("org_1", "i1"));
    assert_eq!((invite.email, invite.token), (None, None));
}
