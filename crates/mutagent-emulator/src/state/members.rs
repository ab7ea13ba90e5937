//! `organization_members` and `workspace_members`: memberships of existing organizations and
//! workspaces, addressed by the member's user id. The two namespaces differ only in their
//! scope (the parent collection, the role enum, and a `status` only organizations have), so
//! their handlers are written once over a [`Scope`].

use serde_json::{json, Value};

use super::admin::{member_user, ME, ORG_ROLES, WS_ROLES};
use super::{body, existing_id, gs, stamp_new, success, touch, unpaged, Obj, State};
use crate::error::ApiError;
use crate::router::{created, ok, Ctx, Reply, Route};
use crate::validate::{opt, req, Field, Ty, TEXT};

/// MembershipStatus (models-secondary.md, AddOrganizationMemberRequest).
const STATUSES: &[&str] = &["active", "invited", "suspended"];

const ORG_ADD: &[Field] = &[
    req("userId", TEXT),
    req("role", Ty::Enum(ORG_ROLES)),
    opt("status", Ty::Enum(STATUSES)),
];
const ORG_UPDATE: &[Field] = &[req("role", Ty::Enum(ORG_ROLES))];
const WS_ADD: &[Field] = &[req("userId", TEXT), req("role", Ty::Enum(WS_ROLES))];
const WS_UPDATE: &[Field] = &[req("role", Ty::Enum(WS_ROLES))];

/// What distinguishes organization memberships from workspace memberships.
struct Scope {
    /// `organization` or `workspace`, for messages.
    kind: &'static str,
    /// The internal key naming the parent on a stored membership.
    parent_key: &'static str,
    /// Whether memberships carry a `status` (organizations only).
    has_status: bool,
    parents: fn(&State) -> &Vec<Obj>,
    members: fn(&State) -> &Vec<Obj>,
    members_mut: fn(&mut State) -> &mut Vec<Obj>,
}

const ORG: Scope = Scope {
    kind: "organization",
    parent_key: "organizationId",
    has_status: true,
    parents: |st| &st.orgs,
    members: |st| &st.admin.org_members,
    members_mut: |st| &mut st.admin.org_members,
};

const WS: Scope = Scope {
    kind: "workspace",
    parent_key: "workspaceId",
    has_status: false,
    parents: |st| &st.workspaces,
    members: |st| &st.admin.ws_members,
    members_mut: |st| &mut st.admin.ws_members,
};

/// The four routes of one scope: `$kind` names the operations (`list_<kind>_members`, …),
/// `$parent` is the parent's path (`/api/organizations/{orgId}`).
macro_rules! member_routes {
    ($scope:ident, $kind:literal, $parent:literal, $add:expr, $update:expr) => {
        &[
            Route::get(
                concat!("list_", $kind, "_members"),
                concat!($parent, "/members/"),
                |st, ctx| list(&$scope, st, ctx),
            ),
            Route::post(
                concat!("add_", $kind, "_member"),
                concat!($parent, "/members/"),
                |st, ctx| add(&$scope, st, ctx),
            )
            .body($add),
            Route::patch(
                concat!("update_", $kind, "_member"),
                concat!($parent, "/members/{userId}"),
                |st, ctx| update(&$scope, st, ctx),
            )
            .body($update),
            Route::delete(
                concat!("remove_", $kind, "_member"),
                concat!($parent, "/members/{userId}"),
                |st, ctx| remove(&$scope, st, ctx),
            ),
        ]
    };
}

pub(super) const ORG_ROUTES: &[Route] = member_routes!(
    ORG,
    "organization",
    "/api/organizations/{orgId}",
    ORG_ADD,
    ORG_UPDATE
);

pub(super) const WS_ROUTES: &[Route] =
    member_routes!(WS, "workspace", "/api/workspaces/{wsId}", WS_ADD, WS_UPDATE);

/// Adds `user_id` to the parent (no checks: callers check the parent and duplicates).
fn insert(
    scope: &Scope,
    st: &mut State,
    parent: &str,
    user_id: &str,
    role: &str,
    status: &str,
) -> Obj {
    let now = st.ts();
    let mut m = Obj::new();
    m.insert("id".into(), json!(st.rng.uuid()));
    m.insert("userId".into(), json!(user_id));
    m.insert("role".into(), json!(role));
    if scope.has_status {
        m.insert("status".into(), json!(status));
    }
    stamp_new(&mut m, &now);
    m.insert(scope.parent_key.into(), json!(parent));
    (scope.members_mut)(st).push(m.clone());
    m
}

/// Makes the implicit user the owner of a new organization.
pub(crate) fn add_org_owner(st: &mut State, org: &str) {
    insert(&ORG, st, org, ME, "owner", "active");
}

/// Makes the implicit user an admin of a new workspace (as `list_workspaces` reports).
pub(crate) fn add_ws_admin(st: &mut State, ws: &str) {
    insert(&WS, st, ws, ME, "admin", "active");
}

/// Adds an invitee who accepted to an organization, unless already a member.
pub(crate) fn join_org(st: &mut State, org: &str, user_id: &str, role: &str) {
    if position(&ORG, st, org, user_id).is_none() {
        insert(&ORG, st, org, user_id, role, "active");
    }
}

/// How many members an organization has.
pub(crate) fn org_count(st: &State, org: &str) -> usize {
    st.admin
        .org_members
        .iter()
        .filter(|m| gs(m, "organizationId") == Some(org))
        .count()
}

/// A membership as sent: with its `user`, without the internal parent key.
fn wire(scope: &Scope, st: &State, m: &Obj) -> Value {
    let mut m = m.clone();
    m.remove(scope.parent_key);
    let user = member_user(st, gs(&m, "userId").unwrap_or_default());
    m.insert("user".into(), user);
    Value::Object(m)
}

/// The parent of the path, or 404.
fn parent(scope: &Scope, st: &State, ctx: &Ctx) -> Result<String, ApiError> {
    existing_id((scope.parents)(st), scope.kind, ctx.sid(0))
}

fn position(scope: &Scope, st: &State, parent: &str, user_id: &str) -> Option<usize> {
    (scope.members)(st)
        .iter()
        .position(|m| gs(m, scope.parent_key) == Some(parent) && gs(m, "userId") == Some(user_id))
}

fn member(scope: &Scope, st: &State, ctx: &Ctx) -> Result<usize, ApiError> {
    let parent = parent(scope, st, ctx)?;
    let user_id = ctx.sid(1);
    position(scope, st, &parent, user_id).ok_or_else(|| {
        ApiError::not_found(format!(
            "user {user_id} is not a member of {} {parent}",
            scope.kind
        ))
    })
}

fn list(scope: &Scope, st: &mut State, ctx: &Ctx) -> Result<Reply, ApiError> {
    let parent = parent(scope, st, ctx)?;
    let rows: Vec<Value> = (scope.members)(st)
        .iter()
        .filter(|m| gs(m, scope.parent_key) == Some(&parent))
        .map(|m| wire(scope, st, m))
        .collect();
    ok(unpaged(rows))
}

fn add(scope: &Scope, st: &mut State, ctx: &Ctx) -> Result<Reply, ApiError> {
    let parent = parent(scope, st, ctx)?;
    let b = body(ctx);
    let user_id = gs(b, "userId").unwrap_or_default();
    if position(scope, st, &parent, user_id).is_some() {
        return Err(ApiError::conflict(format!(
            "user {user_id} is already a member of {} {parent}",
            scope.kind
        )));
    }
    let role = gs(b, "role").unwrap_or_default();
    let status = gs(b, "status").unwrap_or("active");
    let m = insert(scope, st, &parent, user_id, role, status);
    created(wire(scope, st, &m))
}

fn update(scope: &Scope, st: &mut State, ctx: &Ctx) -> Result<Reply, ApiError> {
    let i = member(scope, st, ctx)?;
    let now = st.ts();
    let m = &mut (scope.members_mut)(st)[i];
    m.insert("role".into(), json!(gs(body(ctx), "role")));
    touch(m, &now);
    let m = m.clone();
    ok(wire(scope, st, &m))
}

fn remove(scope: &Scope, st: &mut State, ctx: &Ctx) -> Result<Reply, ApiError> {
    let i = member(scope, st, ctx)?;
    (scope.members_mut)(st).remove(i);
    ok(success(format!(
        "user {} removed from {} {}",
        ctx.sid(1),
        scope.kind,
        ctx.sid(0)
    )))
}
