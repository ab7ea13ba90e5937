//! Wire tests: every `user_profile` operation sends exactly the method, path, headers and body
//! of the contract, and keeps the untyped answers whole — through the async and the blocking
//! client; passwords never show in `Debug`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test may panic

use mutagent_user_profile::{ChangePassword, UpdateProfile, UserProfileExt, UserSessions};
use mutagent_wire_test::*;
use serde_json::{json, Value};

fn profile_json() -> Value {
    json!({"id": "u1", "name": "Ada", "email": "ada@example.com", "avatarUrl": null, "plan": "pro"})
}

#[test]
fn get_profile() {
    let (request, me) = both_call!(Reply::json(200, profile_json()), |c| c
        .user_profile()
        .get_profile());
    assert_common(&request, "GET", "/api/users/me", None, None);
    assert_eq!(
        (me.id(), me.name(), me.email()),
        (Some("u1"), Some("Ada"), Some("ada@example.com"))
    );
    assert_eq!(me.avatar_url(), None);
    assert_eq!(me.0["plan"], "pro", "unknown keys are kept");
}

#[test]
fn update_profile() {
    let (request, _) = both_call!(Reply::json(200, profile_json()), |c| c
        .user_profile()
        .update_profile(
            &UpdateProfile::new()
                .email("ada@new.example")
                .avatar_url("https://x/a.png")
        ));
    assert_common(
        &request,
        "PATCH",
        "/api/users/me",
        None,
        Some(json!({"email": "ada@new.example", "avatarUrl": "https://x/a.png"})),
    );
}

#[test]
fn delete_account_sends_a_json_body_on_delete() {
    let (request, answer) = both_call!(Reply::json(200, json!({"success": true})), |c| c
        .user_profile()
        .delete_account(&json!({"confirm": true})));
    assert_common(
        &request,
        "DELETE",
        "/api/users/me",
        None,
        Some(json!({"confirm": true})),
    );
    assert_eq!(answer["success"], true);
}

#[test]
fn delete_account_refuses_a_body_that_is_not_an_object() {
    let server = ScriptedServer::start(vec![]);
    let err = blocking_client(&server)
        .user_profile()
        .delete_account(&json!("yes"))
        .expect_err("not an object");
    assert!(err.to_string().contains("delete_account"), "{err}");
    assert!(server.requests().is_empty());
}

#[test]
fn change_password_keeps_both_out_of_debug() {
    let body = ChangePassword::new("old-secret-1", "new-secret-2");
    let shown = format!("{body:?}");
    assert!(
        !shown.contains("old-secret-1") && !shown.contains("new-secret-2"),
        "{shown}"
    );
    let (request, _) = both_call!(Reply::json(200, json!({"success": true})), |c| c
        .user_profile()
        .change_password(&ChangePassword::new("old-secret-1", "new-secret-2")));
    assert_common(
        &request,
        "POST",
        "/api/users/me/password",
        None,
        Some(json!({"currentPassword": "old-secret-1", "newPassword": "new-secret-2"})),
    );
}

#[test]
fn list_user_sessions_reads_either_shape() {
    let (request, sessions) = both_call!(
        Reply::json(
            200,
            json!({"data": [{"id": "s1"}, {"id": "s2"}], "total": 2})
        ),
        |c| c.user_profile().list_user_sessions()
    );
    assert_common(&request, "GET", "/api/users/me/sessions", None, None);
    assert_eq!(sessions.ids().len(), 2);
    let bare = UserSessions(json!([{"id": "s1"}]));
    let wrapped = UserSessions(json!({"sessions": [{"id": "s1"}, {"nope": 1}]}));
    assert_eq!(
        (
            bare.ids().len(),
            wrapped.sessions().len(),
            wrapped.ids().len()
        ),
        (1, 2, 1)
    );
    assert!(UserSessions(json!("odd")).sessions().is_empty());
}

#[test]
fn revoke_user_session() {
    assert_json_answer!(
        "DELETE",
        "/api/users/me/sessions/s%201",
        json!({"success": true}),
        |c| c.user_profile().revoke_user_session("s 1")
    );
}
