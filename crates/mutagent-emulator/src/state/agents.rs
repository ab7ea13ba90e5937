//! `agents` namespace: agent definitions of the workspace a request acts in (the
//! `x-workspace-id` header, else the default workspace); integer ids, slugs unique per
//! workspace.

use serde_json::{json, Value};

use super::admin::{workspace_of, ME};
use super::{
    body, copy_or_null, gb, gs, or_null, patch, plain_page, position_of, slug_taken, stamp_new,
    success, values, with_slug, Obj, State,
};
use crate::error::ApiError;
use crate::query::{q, QTy, LIMIT, OFFSET};
use crate::router::{created, ok, Ctx, Reply, Route};
use crate::validate::{concat, opt, req, Field, Ty, STRINGS, TEXT};

/// `maxTurns`: "number (integral)" with no stated range (the 1..100 of `Schemamaximu` is
/// stated for `limit` only), which 0.4.1 types as `float`: `8.0` is taken and stored as `8`.
const INT: Ty = Ty::Whole(i64::MIN, i64::MAX);

/// Fields create and update share (CreateAgentRequest / UpdateAgentRequest).
const SHARED: [Field; 10] = [
    opt("description", TEXT),
    opt("model", TEXT),
    opt("maxTurns", INT),
    opt("permissionMode", TEXT),
    opt("allowedTools", STRINGS),
    opt("disallowedTools", STRINGS),
    opt("status", TEXT),
    opt("isPublic", Ty::Bool),
    opt("metadata", Ty::Object),
    opt("tags", STRINGS),
];

const CREATE: &[Field] = &concat::<4, 10, 14>(
    [
        req("name", TEXT),
        req("slug", TEXT),
        req("systemPrompt", TEXT),
        opt("createdBy", TEXT),
    ],
    SHARED,
);

const UPDATE: &[Field] =
    &concat::<2, 10, 12>([opt("name", TEXT), opt("systemPrompt", TEXT)], SHARED);

const UPDATABLE: &[&str] = &[
    "name",
    "systemPrompt",
    "description",
    "model",
    "maxTurns",
    "permissionMode",
    "allowedTools",
    "disallowedTools",
    "status",
    "isPublic",
    "metadata",
    "tags",
];

pub(super) const ROUTES: &[Route] = &[
    Route::get("list_agents", "/api/agents/", list).query(&[
        // models.md, `Schemamaximu`: 1..100 for the `limit` of list_agents among others.
        LIMIT,
        OFFSET,
        q("name", QTy::Str),
        q("status", QTy::Str),
        q("createdBy", QTy::Str),
        q("isPublic", QTy::Bool),
    ]),
    Route::post("create_agent", "/api/agents/", create).body(CREATE),
    Route::get("get_agent", "/api/agents/{id:int}", get),
    Route::patch("update_agent", "/api/agents/{id:int}", update).body(UPDATE),
    Route::delete("delete_agent", "/api/agents/{id:int}", delete),
    Route::get("get_agent_by_slug", "/api/agents/slug/{slug}", by_slug),
];

fn in_workspace<'a>(st: &'a State, ws: &'a str) -> impl Iterator<Item = &'a Obj> + 'a {
    st.admin
        .agents
        .iter()
        .filter(move |a| gs(a, "workspaceId") == Some(ws))
}

fn find(st: &State, ctx: &Ctx) -> Result<usize, ApiError> {
    let ws = workspace_of(st, ctx)?;
    let scope = Some(("workspaceId", ws.as_str()));
    position_of(&st.admin.agents, "agent", ctx.id(0), scope)
}

fn list(st: &mut State, ctx: &Ctx) -> Result<Reply, ApiError> {
    let ws = workspace_of(st, ctx)?;
    let qv = &ctx.query;
    let rows = values(in_workspace(st, &ws).filter(|a| {
        qv.keeps_containing(a, "name")
            && qv.keeps_str(a, "status")
            && qv.keeps_str(a, "createdBy")
            && qv.keeps_bool(a, "isPublic")
    }));
    ok(plain_page(rows, qv))
}

fn create(st: &mut State, ctx: &Ctx) -> Result<Reply, ApiError> {
    let ws = workspace_of(st, ctx)?;
    let b = body(ctx);
    let slug = gs(b, "slug").unwrap_or_default();
    if slug_taken(&st.admin.agents, Some(("workspaceId", &ws)), slug, None) {
        return Err(ApiError::conflict(format!(
            "agent slug `{slug}` is already taken in this workspace"
        )));
    }
    st.admin.agent_seq += 1;
    let now = st.ts();
    let mut a = Obj::new();
    a.insert("id".into(), json!(st.admin.agent_seq));
    a.insert("workspaceId".into(), json!(ws));
    copy_or_null(&mut a, b, &["name", "slug", "description"]);
    a.insert("sourceKind".into(), json!("inline"));
    a.insert("systemPrompt".into(), or_null(b, "systemPrompt"));
    // Required in the answer, optional in the body: the emulator's defaults.
    a.insert(
        "model".into(),
        b.get("model").cloned().unwrap_or(json!("default")),
    );
    a.insert(
        "maxTurns".into(),
        b.get("maxTurns").cloned().unwrap_or(json!(10)),
    );
    let mode = b.get("permissionMode").cloned();
    a.insert("permissionMode".into(), mode.unwrap_or(json!("default")));
    copy_or_null(&mut a, b, &["allowedTools", "disallowedTools"]);
    a.insert(
        "status".into(),
        b.get("status").cloned().unwrap_or(json!("active")),
    );
    a.insert("isPublic".into(), json!(gb(b, "isPublic")));
    copy_or_null(&mut a, b, &["metadata", "tags"]);
    a.insert(
        "createdBy".into(),
        b.get("createdBy").cloned().unwrap_or(json!(ME)),
    );
    stamp_new(&mut a, &now);
    a.insert("archivedAt".into(), Value::Null);
    st.admin.agents.push(a.clone());
    created(Value::Object(a))
}

fn get(st: &mut State, ctx: &Ctx) -> Result<Reply, ApiError> {
    let i = find(st, ctx)?;
    ok(Value::Object(st.admin.agents[i].clone()))
}

fn update(st: &mut State, ctx: &Ctx) -> Result<Reply, ApiError> {
    let i = find(st, ctx)?;
    let now = st.ts();
    let a = &mut st.admin.agents[i];
    patch(a, body(ctx), UPDATABLE, &now);
    ok(Value::Object(a.clone()))
}

fn delete(st: &mut State, ctx: &Ctx) -> Result<Reply, ApiError> {
    let i = find(st, ctx)?;
    st.admin.agents.remove(i);
    ok(success(format!("agent {} deleted", ctx.id(0))))
}

fn by_slug(st: &mut State, ctx: &Ctx) -> Result<Reply, ApiError> {
    let ws = workspace_of(st, ctx)?;
    let slug = ctx.sid(0);
    let a = with_slug(&st.admin.agents, Some(("workspaceId", &ws)), "agent", slug)?;
    ok(Value::Object(a.clone()))
}
