//! The stores of the administration namespaces (agents, members, invitations, provider
//! configs, the user's profile) and what they share: the implicit user every request acts as,
//! and the workspace a request acts in.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::{gs, named_by_header, Obj, State};
use crate::error::ApiError;
use crate::router::Ctx;

/// The user every request acts as (the `createdBy` of what the emulator creates).
pub(crate) const ME: &str = "emulator-user";

/// Organization roles (OrganizationRole, models-secondary.md).
pub(crate) const ORG_ROLES: &[&str] = &["owner", "admin", "editor", "viewer"];

/// Workspace roles (WorkspaceRole, models-secondary.md): no owner.
pub(crate) const WS_ROLES: &[&str] = &["admin", "editor", "viewer"];

/// What the administration namespaces store, in wire shape; secrets only in side tables.
#[derive(Debug, Default)]
pub(crate) struct Store {
    pub(crate) agents: Vec<Obj>,
    pub(crate) agent_seq: i64,
    /// Memberships of organizations (`organizationId` kept beside the wire keys).
    pub(crate) org_members: Vec<Obj>,
    /// Memberships of workspaces (`workspaceId` kept beside the wire keys).
    pub(crate) ws_members: Vec<Obj>,
    pub(crate) invitations: Vec<Obj>,
    pub(crate) provider_configs: Vec<Obj>,
    /// Provider config id -> its API key, never sent back in full.
    pub(crate) provider_keys: BTreeMap<String, String>,
    /// The implicit user's profile (created on first use).
    pub(crate) profile: Option<Obj>,
    /// The implicit user's login sessions (seeded on first use).
    pub(crate) sessions: Option<Vec<Obj>>,
    pub(crate) account_deleted: bool,
    /// Users known by id: the implicit user and those who accepted an invitation.
    pub(crate) users: BTreeMap<String, Obj>,
}

impl Store {
    /// Forgets what lives in workspace `ws` (its members, agents and provider configs, with
    /// their keys), which is being deleted: nothing of it is reachable any more, and it must
    /// not linger in counts and snapshots.
    pub(crate) fn forget_workspace(&mut self, ws: &str) {
        let of_ws = |o: &Obj| gs(o, "workspaceId") == Some(ws);
        self.ws_members.retain(|m| !of_ws(m));
        self.agents.retain(|a| !of_ws(a));
        self.forget_provider_configs(of_ws);
    }

    /// Forgets what lives in organization `org` outside its workspaces (its members and
    /// invitations, and provider configs scoped to it), which is being deleted.
    pub(crate) fn forget_organization(&mut self, org: &str) {
        let of_org = |o: &Obj| gs(o, "organizationId") == Some(org);
        self.org_members.retain(|m| !of_org(m));
        self.invitations.retain(|i| !of_org(i));
        self.forget_provider_configs(of_org);
    }

    fn forget_provider_configs(&mut self, gone: impl Fn(&Obj) -> bool) {
        let keys = &mut self.provider_keys;
        self.provider_configs.retain(|c| {
            let keep = !gone(c);
            if !keep {
                if let Some(id) = gs(c, "id") {
                    keys.remove(id);
                }
            }
            keep
        });
    }
}

/// The `user` of a membership (MemberUser `{id, name, email, image}`): a known user, or one
/// the emulator only knows by id (the API has no route to create users).
pub(crate) fn member_user(st: &State, user_id: &str) -> Value {
    if user_id == ME {
        let p = super::user_profile::profile(st);
        return json!({"id": ME, "name": p["name"], "email": p["email"], "image": p["avatarUrl"]});
    }
    match st.admin.users.get(user_id) {
        Some(u) => Value::Object(u.clone()),
        None => json!({
            "id": user_id,
            "name": null,
            "email": format!("{user_id}@users.emulator.invalid"),
            "image": null,
        }),
    }
}

/// The workspace a request acts in: the `x-workspace-id` header when it names a known
/// workspace (404 otherwise), else the default workspace of the default organization.
pub(crate) fn workspace_of(st: &State, ctx: &Ctx) -> Result<String, ApiError> {
    if let Some(h) = &ctx.ws_header {
        return named_by_header(&st.workspaces, "workspace", "x-workspace-id", h);
    }
    st.workspaces
        .iter()
        .find(|w| gs(w, "organizationId") == Some(&st.default_org) && super::gb(w, "isDefault"))
        .or_else(|| st.workspaces.first())
        .and_then(|w| gs(w, "id"))
        .map(str::to_string)
        .ok_or_else(|| ApiError::not_found("no workspace left to act in"))
}
