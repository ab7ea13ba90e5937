//! `organizations` namespace: organizations with slugs; the caller is the owner of every one.

use serde_json::{json, Value};

use super::{
    body, copy_or_null, gb, gs, nav_page, or_null, patch, position_of, stamp_new, success,
    with_slug, Obj, State,
};
use crate::error::ApiError;
use crate::query::{q, QTy, LIMIT, OFFSET};
use crate::router::{created, ok, Ctx, Reply, Route};
use crate::validate::{opt, opt_null, req, Field, Ty, TEXT};

const CREATE: &[Field] = &[
    // Names here: "maxLength (value unknown)" (the 255 of models.md is for prompt-side names).
    req("name", TEXT),
    // Slugs: models.md states no pattern and no length ("maxLength (value unknown)").
    req("slug", TEXT),
    opt("description", TEXT),
    opt("logoUrl", TEXT),
    opt("billingEmail", Ty::Email),
    opt("metadata", Ty::Object),
    opt("autoSuffixSlug", Ty::Bool),
];

const UPDATE: &[Field] = &[
    opt("name", TEXT),
    opt("slug", TEXT),
    opt_null("description", TEXT),
    opt_null("logoUrl", TEXT),
    opt_null("billingEmail", Ty::Email),
    opt("billingPlan", TEXT),
    opt("isActive", Ty::Bool),
    opt_null("metadata", Ty::Object),
];

pub(super) const ROUTES: &[Route] = &[
    Route::get("list_organizations", "/api/organizations/", list).query(&[
        LIMIT,
        OFFSET,
        q("name", QTy::Str),
        q("billingPlan", QTy::Str),
        q("isActive", QTy::Bool),
    ]),
    Route::post("create_organization", "/api/organizations/", create).body(CREATE),
    Route::get("get_organization", "/api/organizations/{orgId}", get),
    Route::patch("update_organization", "/api/organizations/{orgId}", update).body(UPDATE),
    Route::delete("delete_organization", "/api/organizations/{orgId}", delete),
    Route::get(
        "get_organization_by_slug",
        "/api/organizations/slug/{slug}",
        by_slug,
    ),
    Route::get(
        "check_organization_slug",
        "/api/organizations/check-slug/{slug}",
        check_slug,
    ),
    Route::get(
        "get_organization_member_count",
        "/api/organizations/{orgId}/member-count",
        member_count,
    ),
];

fn new_org(st: &mut State, name: &str, slug: &str, b: &Obj) -> Obj {
    let id = st.rng.uuid();
    let now = st.ts();
    let mut o = Obj::new();
    o.insert("id".into(), json!(id));
    o.insert("name".into(), json!(name));
    o.insert("slug".into(), json!(slug));
    copy_or_null(&mut o, b, &["description", "logoUrl"]);
    o.insert("billingPlan".into(), json!("free"));
    o.insert("stripeCustomerId".into(), Value::Null);
    o.insert("billingEmail".into(), or_null(b, "billingEmail"));
    o.insert("isActive".into(), json!(true));
    o.insert("metadata".into(), or_null(b, "metadata"));
    o.insert("createdBy".into(), json!("emulator-user"));
    stamp_new(&mut o, &now);
    o
}

/// Seeds the default organization; returns its id.
pub(super) fn seed(st: &mut State) -> String {
    let o = new_org(st, "Default Organization", "default", &Obj::new());
    let id = gs(&o, "id").unwrap_or_default().to_string();
    st.orgs.push(o);
    super::members::add_org_owner(st, &id);
    id
}

fn slug_taken(st: &State, slug: &str, except: Option<&str>) -> bool {
    super::slug_taken(&st.orgs, None, slug, except)
}

fn find(st: &State, id: &str) -> Result<usize, ApiError> {
    position_of(&st.orgs, "organization", id, None)
}

fn with_role(o: &Obj) -> Value {
    let mut o = o.clone();
    for k in ["stripeCustomerId", "billingEmail", "createdBy"] {
        o.remove(k);
    }
    o.insert("role".into(), json!("owner"));
    Value::Object(o)
}

fn list(st: &mut State, ctx: &Ctx) -> Result<Reply, ApiError> {
    let qv = &ctx.query;
    let rows: Vec<Value> = st
        .orgs
        .iter()
        .filter(|o| {
            qv.keeps_containing(o, "name")
                && qv.keeps_str(o, "billingPlan")
                && qv.keeps_bool(o, "isActive")
        })
        .map(with_role)
        .collect();
    ok(nav_page(rows, qv))
}

fn create(st: &mut State, ctx: &Ctx) -> Result<Reply, ApiError> {
    let b = body(ctx);
    let mut slug = gs(b, "slug").unwrap_or_default().to_string();
    if slug_taken(st, &slug, None) {
        if !gb(b, "autoSuffixSlug") {
            return Err(ApiError::conflict(format!(
                "organization slug `{slug}` is already taken"
            )));
        }
        let base = slug.clone();
        let mut n = 2;
        while slug_taken(st, &slug, None) {
            slug = format!("{base}-{n}");
            n += 1;
        }
    }
    let name = gs(b, "name").unwrap_or_default().to_string();
    let o = new_org(st, &name, &slug, b);
    st.orgs.push(o.clone());
    super::members::add_org_owner(st, gs(&o, "id").unwrap_or_default());
    created(Value::Object(o))
}

fn get(st: &mut State, ctx: &Ctx) -> Result<Reply, ApiError> {
    let i = find(st, ctx.sid(0))?;
    ok(Value::Object(st.orgs[i].clone()))
}

fn update(st: &mut State, ctx: &Ctx) -> Result<Reply, ApiError> {
    let id = ctx.sid(0).to_string();
    let i = find(st, &id)?;
    let b = body(ctx);
    if let Some(slug) = gs(b, "slug") {
        if slug_taken(st, slug, Some(&id)) {
            return Err(ApiError::conflict(format!(
                "organization slug `{slug}` is already taken"
            )));
        }
    }
    let now = st.ts();
    let o = &mut st.orgs[i];
    patch(
        o,
        b,
        &[
            "name",
            "slug",
            "description",
            "logoUrl",
            "billingEmail",
            "billingPlan",
            "isActive",
            "metadata",
        ],
        &now,
    );
    ok(Value::Object(o.clone()))
}

fn delete(st: &mut State, ctx: &Ctx) -> Result<Reply, ApiError> {
    let id = ctx.sid(0).to_string();
    let i = find(st, &id)?;
    st.orgs.remove(i);
    // Its workspaces go with it, and what lives in them and in it.
    let (gone, kept): (Vec<Obj>, Vec<Obj>) = std::mem::take(&mut st.workspaces)
        .into_iter()
        .partition(|w| gs(w, "organizationId") == Some(&id));
    st.workspaces = kept;
    for ws in gone.iter().filter_map(|w| gs(w, "id")) {
        st.admin.forget_workspace(ws);
    }
    st.admin.forget_organization(&id);
    let n = gone.len();
    ok(success(format!(
        "organization {id} deleted with {n} workspace(s)"
    )))
}

fn by_slug(st: &mut State, ctx: &Ctx) -> Result<Reply, ApiError> {
    let slug = ctx.sid(0);
    let o = with_slug(&st.orgs, None, "organization", slug)?;
    ok(Value::Object(o.clone()))
}

fn check_slug(st: &mut State, ctx: &Ctx) -> Result<Reply, ApiError> {
    let slug = ctx.sid(0);
    ok(json!({"slug": slug, "available": !slug_taken(st, slug, None)}))
}

fn member_count(st: &mut State, ctx: &Ctx) -> Result<Reply, ApiError> {
    let i = find(st, ctx.sid(0))?;
    let org = gs(&st.orgs[i], "id").unwrap_or_default();
    ok(json!({"count": super::members::org_count(st, org)}))
}
