//! The operations of the `organizations` namespace, described once.

use mutagent_core::{Endpoint, Method};

const NS: &str = "organizations";

mutagent_core::operations! {
    /// Every operation of the namespace, in the order of the API's operation table.
    pub static OPERATIONS: &[&Operation];

    /// `GET /api/organizations/`
    pub static LIST_ORGANIZATIONS: Endpoint<0> =
        Endpoint::new(NS, "list_organizations", Method::Get, "/api/organizations/");
    /// `POST /api/organizations/`
    pub static CREATE_ORGANIZATION: Endpoint<0> = Endpoint::new(
        NS,
        "create_organization",
        Method::Post,
        "/api/organizations/",
    );
    /// `GET /api/organizations/{orgId}`
    pub static GET_ORGANIZATION: Endpoint<1> = Endpoint::new(
        NS,
        "get_organization",
        Method::Get,
        "/api/organizations/{orgId}",
    );
    /// `PATCH /api/organizations/{orgId}`
    pub static UPDATE_ORGANIZATION: Endpoint<1> = Endpoint::new(
        NS,
        "update_organization",
        Method::Patch,
        "/api/organizations/{orgId}",
    );
    /// `DELETE /api/organizations/{orgId}`
    pub static DELETE_ORGANIZATION: Endpoint<1> = Endpoint::new(
        NS,
        "delete_organization",
        Method::Delete,
        "/api/organizations/{orgId}",
    );
    /// `GET /api/organizations/slug/{slug}`
    pub static GET_ORGANIZATION_BY_SLUG: Endpoint<1> = Endpoint::new(
        NS,
        "get_organization_by_slug",
        Method::Get,
        "/api/organizations/slug/{slug}",
    );
    /// `GET /api/organizations/check-slug/{slug}`
    pub static CHECK_ORGANIZATION_SLUG: Endpoint<1> = Endpoint::new(
        NS,
        "check_organization_slug",
        Method::Get,
        "/api/organizations/check-slug/{slug}",
    );
    /// `GET /api/organizations/{orgId}/member-count`
    pub static GET_ORGANIZATION_MEMBER_COUNT: Endpoint<1> = Endpoint::new(
        NS,
        "get_organization_member_count",
        Method::Get,
        "/api/organizations/{orgId}/member-count",
    );
}
