//! The operations of the `organizations` namespace, described once.

use mutagent_core::{Method, Operation};

const NS: &str = "organizations";

/// `GET /api/organizations/`
pub static LIST_ORGANIZATIONS: Operation =
    Operation::new(NS, "list_organizations", Method::Get, "/api/organizations/");
/// `POST /api/organizations/`
pub static CREATE_ORGANIZATION: Operation = Operation::new(
    NS,
    "create_organization",
    Method::Post,
    "/api/organizations/",
);
/// `GET /api/organizations/{orgId}`
pub static GET_ORGANIZATION: Operation = Operation::new(
    NS,
    "get_organization",
    Method::Get,
    "/api/organizations/{orgId}",
);
/// `PATCH /api/organizations/{orgId}`
pub static UPDATE_ORGANIZATION: Operation = Operation::new(
    NS,
    "update_organization",
    Method::Patch,
    "/api/organizations/{orgId}",
);
/// `DELETE /api/organizations/{orgId}`
pub static DELETE_ORGANIZATION: Operation = Operation::new(
    NS,
    "delete_organization",
    Method::Delete,
    "/api/organizations/{orgId}",
);
/// `GET /api/organizations/slug/{slug}`
pub static GET_ORGANIZATION_BY_SLUG: Operation = Operation::new(
    NS,
    "get_organization_by_slug",
    Method::Get,
    "/api/organizations/slug/{slug}",
);
/// `GET /api/organizations/check-slug/{slug}`
pub static CHECK_ORGANIZATION_SLUG: Operation = Operation::new(
    NS,
    "check_organization_slug",
    Method::Get,
    "/api/organizations/check-slug/{slug}",
);
/// `GET /api/organizations/{orgId}/member-count`
pub static GET_ORGANIZATION_MEMBER_COUNT: Operation = Operation::new(
    NS,
    "get_organization_member_count",
    Method::Get,
    "/api/organizations/{orgId}/member-count",
);

/// Every operation of the namespace, in the order of the API's operation table.
pub static OPERATIONS: &[&Operation] = &[
    &LIST_ORGANIZATIONS,
    &CREATE_ORGANIZATION,
    &GET_ORGANIZATION,
    &UPDATE_ORGANIZATION,
    &DELETE_ORGANIZATION,
    &GET_ORGANIZATION_BY_SLUG,
    &CHECK_ORGANIZATION_SLUG,
    &GET_ORGANIZATION_MEMBER_COUNT,
];
