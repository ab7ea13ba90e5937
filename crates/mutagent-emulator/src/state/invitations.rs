//! `invitations` namespace: invitations to existing organizations. Pending until the invitee
//! accepts, which happens outside the API (the invitee follows `inviteUrl`); the emulator
//! stands for that click with [`accept`] (`Emulator::accept_invitation`).

use std::time::Duration;

use serde_json::{json, Value};

use super::admin::{ME, ORG_ROLES};
use super::{existing_id, gs, position_of, stamp_new, success, touch, unpaged, values, Obj, State};
use crate::error::ApiError;
use crate::router::{created, ok, Ctx, Reply, Route};
use crate::validate::{opt, req, whole, Field, Ty, TEXT};

/// Days an invitation stays valid when `expiresInDays` is not given (the contract states no
/// default).
const DEFAULT_DAYS: i64 = 7;

const CREATE: &[Field] = &[
    // 0.4.1 types it a plain string (only 0.1.2 declared an e-mail format).
    opt("email", TEXT),
    req("role", Ty::Enum(ORG_ROLES)),
    // "number (integral)" with no stated range, typed `float` by 0.4.1: `8.0` is 8 days.
    opt("expiresInDays", Ty::Whole(i64::MIN, i64::MAX)),
];

pub(super) const ROUTES: &[Route] = &[
    Route::get(
        "list_invitations",
        "/api/organizations/{orgId}/invitations/",
        list,
    ),
    Route::post(
        "create_invitation",
        "/api/organizations/{orgId}/invitations/",
        create,
    )
    .body(CREATE),
    Route::get(
        "get_invitation",
        "/api/organizations/{orgId}/invitations/{id}",
        get,
    ),
    Route::delete(
        "delete_invitation",
        "/api/organizations/{orgId}/invitations/{id}",
        delete,
    ),
    // The resend body is untyped in the contract: any JSON object; `expiresInDays`, when it
    // is an integer, renews the expiry for that many days.
    Route::post(
        "resend_invitation",
        "/api/organizations/{orgId}/invitations/{id}/resend",
        resend,
    )
    .custom_body(),
];

fn org(st: &State, ctx: &Ctx) -> Result<String, ApiError> {
    existing_id(&st.orgs, "organization", ctx.sid(0))
}

fn find(st: &State, ctx: &Ctx) -> Result<usize, ApiError> {
    let org = org(st, ctx)?;
    let scope = Some(("organizationId", org.as_str()));
    position_of(&st.admin.invitations, "invitation", ctx.sid(1), scope)
}

fn expires(st: &State, days: i64) -> String {
    let secs = u64::try_from(days.max(0))
        .unwrap_or(0)
        .saturating_mul(86_400);
    st.ts_at(st.now.saturating_add(Duration::from_secs(secs)))
}

fn list(st: &mut State, ctx: &Ctx) -> Result<Reply, ApiError> {
    let org = org(st, ctx)?;
    let rows = values(
        st.admin
            .invitations
            .iter()
            .filter(|i| gs(i, "organizationId") == Some(&org)),
    );
    ok(unpaged(rows))
}

fn create(st: &mut State, ctx: &Ctx) -> Result<Reply, ApiError> {
    let org = org(st, ctx)?;
    let b = super::body(ctx);
    let days = super::gi(b, "expiresInDays").unwrap_or(DEFAULT_DAYS);
    let id = st.rng.uuid();
    let token = format!("inv_{:016x}{:016x}", st.rng.next_u64(), st.rng.next_u64());
    let now = st.ts();
    let mut i = Obj::new();
    i.insert("id".into(), json!(id));
    i.insert("organizationId".into(), json!(org));
    i.insert("email".into(), super::or_null(b, "email"));
    i.insert(
        "inviteUrl".into(),
        json!(format!("https://emulator.invalid/invitations/{token}")),
    );
    i.insert("token".into(), json!(token));
    i.insert("role".into(), json!(gs(b, "role")));
    i.insert("status".into(), json!("pending"));
    i.insert("expiresAt".into(), json!(expires(st, days)));
    for k in ["acceptedAt", "acceptedBy"] {
        i.insert(k.into(), Value::Null);
    }
    i.insert("createdBy".into(), json!(ME));
    i.insert("invitedByUserId".into(), json!(ME));
    stamp_new(&mut i, &now);
    st.admin.invitations.push(i.clone());
    created(Value::Object(i))
}

fn get(st: &mut State, ctx: &Ctx) -> Result<Reply, ApiError> {
    let i = find(st, ctx)?;
    ok(Value::Object(st.admin.invitations[i].clone()))
}

fn delete(st: &mut State, ctx: &Ctx) -> Result<Reply, ApiError> {
    let i = find(st, ctx)?;
    st.admin.invitations.remove(i);
    ok(success(format!("invitation {} deleted", ctx.sid(1))))
}

fn resend(st: &mut State, ctx: &Ctx) -> Result<Reply, ApiError> {
    let Some(b) = ctx.body.as_object() else {
        return Err(ApiError::bad_request(
            "request body must be a JSON object (send {} when there is nothing to set)",
        ));
    };
    // Untyped body: a key that is not a whole number is ignored, not refused.
    let days = b.get("expiresInDays").and_then(whole);
    let i = find(st, ctx)?;
    let expires_at = expires(st, days.unwrap_or(DEFAULT_DAYS));
    let now = st.ts();
    let inv = &mut st.admin.invitations[i];
    inv.insert("expiresAt".into(), json!(expires_at));
    touch(inv, &now);
    ok(Value::Object(inv.clone()))
}

/// The invitee with the invitation's `token` accepts as `user_id`: the invitation is marked
/// accepted and the user joins the organization with its role. `false` when no pending
/// invitation has that token.
pub(crate) fn accept(st: &mut State, token: &str, user_id: &str) -> bool {
    let now = st.ts();
    let Some(inv) = st
        .admin
        .invitations
        .iter_mut()
        .find(|i| gs(i, "token") == Some(token) && gs(i, "status") == Some("pending"))
    else {
        return false;
    };
    inv.insert("status".into(), json!("accepted"));
    inv.insert("acceptedAt".into(), json!(now));
    inv.insert("acceptedBy".into(), json!(user_id));
    touch(inv, &now);
    let org = gs(inv, "organizationId").unwrap_or_default().to_string();
    let role = gs(inv, "role").unwrap_or_default().to_string();
    // MemberUser.email is a required string: an invitation without one gets the emulator's.
    let email = gs(inv, "email")
        .map(str::to_string)
        .unwrap_or_else(|| format!("{user_id}@users.emulator.invalid"));
    let mut user = Obj::new();
    user.insert("id".into(), json!(user_id));
    user.insert("name".into(), Value::Null);
    user.insert("email".into(), json!(email));
    user.insert("image".into(), Value::Null);
    st.admin.users.entry(user_id.to_string()).or_insert(user);
    super::members::join_org(st, &org, user_id, &role);
    true
}
