//! The operations of the `invitations` namespace, described once.

use mutagent_core::{Endpoint, Method};

const NS: &str = "invitations";

mutagent_core::operations! {
    /// Every operation of the namespace, in the order of the API's operation table.
    pub static OPERATIONS: &[&Operation];

    /// `GET /api/organizations/{orgId}/invitations/`
    pub static LIST_INVITATIONS: Endpoint<1> = Endpoint::new(
        NS,
        "list_invitations",
        Method::Get,
        "/api/organizations/{orgId}/invitations/",
    );
    /// `POST /api/organizations/{orgId}/invitations/`
    pub static CREATE_INVITATION: Endpoint<1> = Endpoint::new(
        NS,
        "create_invitation",
        Method::Post,
        "/api/organizations/{orgId}/invitations/",
    );
    /// `GET /api/organizations/{orgId}/invitations/{id}`
    pub static GET_INVITATION: Endpoint<2> = Endpoint::new(
        NS,
        "get_invitation",
        Method::Get,
        "/api/organizations/{orgId}/invitations/{id}",
    );
    /// `DELETE /api/organizations/{orgId}/invitations/{id}`
    pub static DELETE_INVITATION: Endpoint<2> = Endpoint::new(
        NS,
        "delete_invitation",
        Method::Delete,
        "/api/organizations/{orgId}/invitations/{id}",
    );
    /// `POST /api/organizations/{orgId}/invitations/{id}/resend`
    pub static RESEND_INVITATION: Endpoint<2> = Endpoint::new(
        NS,
        "resend_invitation",
        Method::Post,
        "/api/organizations/{orgId}/invitations/{id}/resend",
    );
}
