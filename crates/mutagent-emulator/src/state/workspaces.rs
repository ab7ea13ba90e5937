//! `workspaces` namespace: workspaces of the caller's organization: the one the
//! `x-organization-id` header names (404 when it names none), or without the header the seeded
//! default one.

use serde_json::{json, Value};

use super::{
    body, copy_or_null, gb, gs, make_only_default, named_by_header, patch, position_of, slug_taken,
    stamp_new, success, touch, Obj, State,
};
use crate::error::ApiError;
use crate::query::{q, QTy};
use crate::router::{created, ok, Ctx, Reply, Route};
use crate::validate::{opt, opt_null, req, Field, Ty, TEXT};

const CREATE: &[Field] = &[
    // Names here: "maxLength (value unknown)" (the 255 of models.md is for prompt-side names).
    req("name", TEXT),
    // Slugs: models.md states no pattern and no length ("maxLength (value unknown)").
    req("slug", TEXT),
    opt("description", TEXT),
    opt("isDefault", Ty::Bool),
    opt("settings", Ty::Object),
    opt("metadata", Ty::Object),
];

const UPDATE: &[Field] = &[
    opt("name", TEXT),
    opt("slug", TEXT),
    opt_null("description", TEXT),
    opt("isDefault", Ty::Bool),
    opt("isActive", Ty::Bool),
    opt("settings", Ty::Object),
    opt("metadata", Ty::Object),
];

pub(super) const ROUTES: &[Route] = &[
    Route::get("list_workspaces", "/api/workspaces/", list)
        .query(&[q("includeInactive", QTy::Bool)]),
    Route::post("create_workspace", "/api/workspaces/", create).body(CREATE),
    Route::get("get_workspace", "/api/workspaces/{wsId}", get),
    Route::patch("update_workspace", "/api/workspaces/{wsId}", update).body(UPDATE),
    Route::delete("delete_workspace", "/api/workspaces/{wsId}", delete),
    Route::post(
        "set_default_workspace",
        "/api/workspaces/{wsId}/set-default",
        set_default,
    ),
];

fn new_ws(st: &mut State, org: &str, b: &Obj) -> Obj {
    let id = st.rng.uuid();
    let now = st.ts();
    let mut w = Obj::new();
    w.insert("id".into(), json!(id));
    w.insert("organizationId".into(), json!(org));
    copy_or_null(&mut w, b, &["name", "slug", "description"]);
    w.insert("isDefault".into(), json!(gb(b, "isDefault")));
    w.insert("isActive".into(), json!(true));
    copy_or_null(&mut w, b, &["settings", "metadata"]);
    w.insert("createdBy".into(), json!("emulator-user"));
    stamp_new(&mut w, &now);
    w
}

/// Seeds the default workspace of the default organization.
pub(super) fn seed(st: &mut State, org: &str) {
    let b = json!({"name": "Default Workspace", "slug": "default", "isDefault": true});
    if let Value::Object(b) = b {
        let w = new_ws(st, org, &b);
        let id = gs(&w, "id").unwrap_or_default().to_string();
        st.workspaces.push(w);
        super::members::add_ws_admin(st, &id);
    }
}

/// The organization the request acts in.
fn org_of(st: &State, ctx: &Ctx) -> Result<String, ApiError> {
    match &ctx.org_header {
        Some(h) => named_by_header(&st.orgs, "organization", "x-organization-id", h),
        None => Ok(st.default_org.clone()),
    }
}

fn find(st: &State, id: &str) -> Result<usize, ApiError> {
    position_of(&st.workspaces, "workspace", id, None)
}

/// Makes workspace `i` the only default of its organization.
fn make_default(st: &mut State, i: usize) {
    make_only_default(&mut st.workspaces, i, &["organizationId"]);
}

/// 409 when another workspace of `org` (than `except`, one being renamed) has `slug`.
fn check_slug(st: &State, org: &str, slug: &str, except: Option<&str>) -> Result<(), ApiError> {
    if slug_taken(&st.workspaces, Some(("organizationId", org)), slug, except) {
        return Err(ApiError::conflict(format!(
            "workspace slug `{slug}` is already taken in this organization"
        )));
    }
    Ok(())
}

fn list(st: &mut State, ctx: &Ctx) -> Result<Reply, ApiError> {
    let org = org_of(st, ctx)?;
    let rows: Vec<Value> = st
        .workspaces
        .iter()
        .filter(|w| gs(w, "organizationId") == Some(&org))
        .filter(|w| ctx.query.keeps_active(w))
        .map(|w| {
            let mut w = w.clone();
            w.insert("role".into(), json!("admin"));
            Value::Object(w)
        })
        .collect();
    ok(json!({"total": rows.len(), "workspaces": rows}))
}

fn create(st: &mut State, ctx: &Ctx) -> Result<Reply, ApiError> {
    let org = org_of(st, ctx)?;
    let b = body(ctx);
    check_slug(st, &org, gs(b, "slug").unwrap_or_default(), None)?;
    let w = new_ws(st, &org, b);
    let id = gs(&w, "id").unwrap_or_default().to_string();
    st.workspaces.push(w);
    super::members::add_ws_admin(st, &id);
    let i = st.workspaces.len() - 1;
    if gb(b, "isDefault") {
        make_default(st, i);
    }
    created(Value::Object(st.workspaces[i].clone()))
}

fn get(st: &mut State, ctx: &Ctx) -> Result<Reply, ApiError> {
    let i = find(st, ctx.sid(0))?;
    ok(Value::Object(st.workspaces[i].clone()))
}

fn update(st: &mut State, ctx: &Ctx) -> Result<Reply, ApiError> {
    let id = ctx.sid(0).to_string();
    let i = find(st, &id)?;
    let b = body(ctx);
    let org = gs(&st.workspaces[i], "organizationId")
        .unwrap_or_default()
        .to_string();
    if let Some(slug) = gs(b, "slug") {
        check_slug(st, &org, slug, Some(&id))?;
    }
    if b.get("isDefault").and_then(Value::as_bool) == Some(false)
        && gb(&st.workspaces[i], "isDefault")
    {
        return Err(ApiError::conflict(
            "cannot unset the default workspace; make another workspace the default instead",
        ));
    }
    let now = st.ts();
    let w = &mut st.workspaces[i];
    patch(
        w,
        b,
        &[
            "name",
            "slug",
            "description",
            "isActive",
            "settings",
            "metadata",
        ],
        &now,
    );
    if b.get("isDefault").and_then(Value::as_bool) == Some(true) {
        make_default(st, i);
    }
    ok(Value::Object(st.workspaces[i].clone()))
}

fn delete(st: &mut State, ctx: &Ctx) -> Result<Reply, ApiError> {
    let id = ctx.sid(0).to_string();
    let i = find(st, &id)?;
    if gb(&st.workspaces[i], "isDefault") {
        return Err(ApiError::conflict(format!(
            "workspace {id} is the default workspace; set another default before deleting it"
        )));
    }
    st.workspaces.remove(i);
    st.admin.forget_workspace(&id);
    ok(success(format!("workspace {id} deleted")))
}

fn set_default(st: &mut State, ctx: &Ctx) -> Result<Reply, ApiError> {
    let i = find(st, ctx.sid(0))?;
    if !gb(&st.workspaces[i], "isActive") {
        return Err(ApiError::conflict(
            "an inactive workspace cannot be the default",
        ));
    }
    make_default(st, i);
    let now = st.ts();
    touch(&mut st.workspaces[i], &now);
    ok(Value::Object(st.workspaces[i].clone()))
}
