//! The operations of the `workspaces` namespace, described once.

use mutagent_core::{Endpoint, Method};

const NS: &str = "workspaces";

mutagent_core::operations! {
    /// Every operation of the namespace, in the order of the API's operation table.
    pub static OPERATIONS: &[&Operation];

    /// `GET /api/workspaces/`
    pub static LIST_WORKSPACES: Endpoint<0> =
        Endpoint::new(NS, "list_workspaces", Method::Get, "/api/workspaces/");
    /// `POST /api/workspaces/`
    pub static CREATE_WORKSPACE: Endpoint<0> =
        Endpoint::new(NS, "create_workspace", Method::Post, "/api/workspaces/");
    /// `GET /api/workspaces/{wsId}`
    pub static GET_WORKSPACE: Endpoint<1> =
        Endpoint::new(NS, "get_workspace", Method::Get, "/api/workspaces/{wsId}");
    /// `PATCH /api/workspaces/{wsId}`
    pub static UPDATE_WORKSPACE: Endpoint<1> = Endpoint::new(
        NS,
        "update_workspace",
        Method::Patch,
        "/api/workspaces/{wsId}",
    );
    /// `DELETE /api/workspaces/{wsId}`
    pub static DELETE_WORKSPACE: Endpoint<1> = Endpoint::new(
        NS,
        "delete_workspace",
        Method::Delete,
        "/api/workspaces/{wsId}",
    );
    /// `POST /api/workspaces/{wsId}/set-default`
    pub static SET_DEFAULT_WORKSPACE: Endpoint<1> = Endpoint::new(
        NS,
        "set_default_workspace",
        Method::Post,
        "/api/workspaces/{wsId}/set-default",
    );
}
