//! `user_profile` namespace: the implicit user's own account under `/api/users/me`, and its
//! login sessions. Every answer is untyped in the contract; the emulator answers with the
//! keys the contract's models suggest (`id`, `name`, `email`, `avatarUrl`; `{success, message}`).

use serde_json::{json, Value};

use super::admin::ME;
use super::{body, gs, patch, success, unpaged, values, Obj, State};
use crate::error::ApiError;
use crate::router::{ok, Ctx, Reply, Route};
use crate::validate::{opt, opt_null, req, Field, TEXT};

const UPDATE: &[Field] = &[
    opt("name", TEXT),
    // No format declared for this e-mail (UpdateProfileRequest).
    opt("email", TEXT),
    opt_null("avatarUrl", TEXT),
];

const PASSWORD: &[Field] = &[req("currentPassword", TEXT), req("newPassword", TEXT)];

pub(super) const ROUTES: &[Route] = &[
    Route::get("get_profile", "/api/users/me", get),
    Route::patch("update_profile", "/api/users/me", update).body(UPDATE),
    // The body is untyped (any JSON object) and required by the SDK.
    Route::delete("delete_account", "/api/users/me", delete_account).custom_body(),
    Route::post("change_password", "/api/users/me/password", change_password).body(PASSWORD),
    Route::get("list_sessions", "/api/users/me/sessions", list_sessions),
    Route::delete(
        "delete_session",
        "/api/users/me/sessions/{id}",
        delete_session,
    ),
];

/// The implicit user's profile (the seeded one until it is updated).
pub(crate) fn profile(st: &State) -> Value {
    match &st.admin.profile {
        Some(p) => Value::Object(p.clone()),
        None => seed_profile(st),
    }
}

fn seed_profile(st: &State) -> Value {
    let at = st.ts_at(std::time::Duration::ZERO);
    json!({
        "id": ME,
        "name": "Emulator User",
        "email": "user@emulator.invalid",
        "avatarUrl": null,
        "createdAt": at,
        "updatedAt": at,
    })
}

fn seed_sessions(st: &mut State) -> &mut Vec<Obj> {
    if st.admin.sessions.is_none() {
        let at = st.ts_at(std::time::Duration::ZERO);
        let mut make = |current: bool, agent: &str| {
            let mut s = Obj::new();
            s.insert("id".into(), json!(st.rng.uuid()));
            s.insert("current".into(), json!(current));
            s.insert("userAgent".into(), json!(agent));
            s.insert("ipAddress".into(), json!("127.0.0.1"));
            s.insert("createdAt".into(), json!(at));
            s.insert("lastActiveAt".into(), json!(at));
            s
        };
        let sessions = vec![
            make(true, "mutagent-sdk"),
            make(false, "Mozilla/5.0 (browser)"),
        ];
        st.admin.sessions = Some(sessions);
    }
    st.admin.sessions.get_or_insert_with(Vec::new)
}

/// 404 once the account is deleted: there is no user left to act for.
fn alive(st: &State) -> Result<(), ApiError> {
    if st.admin.account_deleted {
        Err(ApiError::not_found("the account was deleted"))
    } else {
        Ok(())
    }
}

fn get(st: &mut State, _ctx: &Ctx) -> Result<Reply, ApiError> {
    alive(st)?;
    ok(profile(st))
}

fn update(st: &mut State, ctx: &Ctx) -> Result<Reply, ApiError> {
    alive(st)?;
    let now = st.ts();
    let mut p = profile(st).as_object().cloned().unwrap_or_default();
    patch(&mut p, body(ctx), &["name", "email", "avatarUrl"], &now);
    st.admin.profile = Some(p.clone());
    ok(Value::Object(p))
}

fn delete_account(st: &mut State, ctx: &Ctx) -> Result<Reply, ApiError> {
    if !ctx.body.is_object() {
        return Err(ApiError::bad_request(
            "request body must be a JSON object (the contract leaves its keys open)",
        ));
    }
    alive(st)?;
    st.admin.account_deleted = true;
    ok(success(format!("account {ME} deleted")))
}

fn change_password(st: &mut State, _ctx: &Ctx) -> Result<Reply, ApiError> {
    // The contract states no password rules and the emulator knows no password: any current
    // password is accepted, and neither is stored or echoed.
    alive(st)?;
    ok(success("password changed".into()))
}

fn list_sessions(st: &mut State, _ctx: &Ctx) -> Result<Reply, ApiError> {
    alive(st)?;
    let rows = values(seed_sessions(st).iter());
    ok(unpaged(rows))
}

fn delete_session(st: &mut State, ctx: &Ctx) -> Result<Reply, ApiError> {
    alive(st)?;
    let id = ctx.sid(0).to_string();
    let sessions = seed_sessions(st);
    let i = sessions
        .iter()
        .position(|s| gs(s, "id") == Some(&id))
        .ok_or_else(|| ApiError::not_found(format!("session {id} not found")))?;
    sessions.remove(i);
    ok(success(format!("session {id} revoked")))
}
