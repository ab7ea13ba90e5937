//! The operations of the `organization_members` namespace, described once.

use mutagent_core::{Endpoint, Method};

const NS: &str = "organization_members";

mutagent_core::operations! {
    /// Every operation of the namespace, in the order of the API's operation table.
    pub static OPERATIONS: &[&Operation];

    /// `GET /api/organizations/{orgId}/members/`
    pub static LIST_ORGANIZATION_MEMBERS: Endpoint<1> = Endpoint::new(
        NS,
        "list_organization_members",
        Method::Get,
        "/api/organizations/{orgId}/members/",
    );
    /// `POST /api/organizations/{orgId}/members/`
    pub static ADD_ORGANIZATION_MEMBER: Endpoint<1> = Endpoint::new(
        NS,
        "add_organization_member",
        Method::Post,
        "/api/organizations/{orgId}/members/",
    );
    /// `PATCH /api/organizations/{orgId}/members/{userId}`
    pub static UPDATE_ORGANIZATION_MEMBER: Endpoint<2> = Endpoint::new(
        NS,
        "update_organization_member",
        Method::Patch,
        "/api/organizations/{orgId}/members/{userId}",
    );
    /// `DELETE /api/organizations/{orgId}/members/{userId}`
    pub static REMOVE_ORGANIZATION_MEMBER: Endpoint<2> = Endpoint::new(
        NS,
        "remove_organization_member",
        Method::Delete,
        "/api/organizations/{orgId}/members/{userId}",
    );
}
