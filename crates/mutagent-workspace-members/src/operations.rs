//! The operations of the `workspace_members` namespace, described once.

use mutagent_core::{Endpoint, Method};

const NS: &str = "workspace_members";

mutagent_core::operations! {
    /// Every operation of the namespace, in the order of the API's operation table.
    pub static OPERATIONS: &[&Operation];

    /// `GET /api/workspaces/{wsId}/members/`
    pub static LIST_WORKSPACE_MEMBERS: Endpoint<1> = Endpoint::new(
        NS,
        "list_workspace_members",
        Method::Get,
        "/api/workspaces/{wsId}/members/",
    );
    /// `POST /api/workspaces/{wsId}/members/`
    pub static ADD_WORKSPACE_MEMBER: Endpoint<1> = Endpoint::new(
        NS,
        "add_workspace_member",
        Method::Post,
        "/api/workspaces/{wsId}/members/",
    );
    /// `PATCH /api/workspaces/{wsId}/members/{userId}`
    pub static UPDATE_WORKSPACE_MEMBER: Endpoint<2> = Endpoint::new(
        NS,
        "update_workspace_member",
        Method::Patch,
        "/api/workspaces/{wsId}/members/{userId}",
    );
    /// `DELETE /api/workspaces/{wsId}/members/{userId}`
    pub static REMOVE_WORKSPACE_MEMBER: Endpoint<2> = Endpoint::new(
        NS,
        "remove_workspace_member",
        Method::Delete,
        "/api/workspaces/{wsId}/members/{userId}",
    );
}
