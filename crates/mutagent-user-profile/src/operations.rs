//! The operations of the `user_profile` namespace, described once, named as in the API's
//! operation table (0.1.2); the methods of [`UserProfileApi`](crate::UserProfileApi) carry the
//! live 0.4.1 names (`list_user_sessions`, `revoke_user_session`).

use mutagent_core::{Endpoint, Method};

const NS: &str = "user_profile";

mutagent_core::operations! {
    /// Every operation of the namespace, in the order of the API's operation table.
    pub static OPERATIONS: &[&Operation];

    /// `GET /api/users/me`
    pub static GET_PROFILE: Endpoint<0> =
        Endpoint::new(NS, "get_profile", Method::Get, "/api/users/me");
    /// `PATCH /api/users/me`
    pub static UPDATE_PROFILE: Endpoint<0> =
        Endpoint::new(NS, "update_profile", Method::Patch, "/api/users/me");
    /// `DELETE /api/users/me` (with a JSON body)
    pub static DELETE_ACCOUNT: Endpoint<0> =
        Endpoint::new(NS, "delete_account", Method::Delete, "/api/users/me");
    /// `POST /api/users/me/password`
    pub static CHANGE_PASSWORD: Endpoint<0> = Endpoint::new(
        NS,
        "change_password",
        Method::Post,
        "/api/users/me/password",
    );
    /// `GET /api/users/me/sessions` (0.4.1: `list_user_sessions`)
    pub static LIST_SESSIONS: Endpoint<0> =
        Endpoint::new(NS, "list_sessions", Method::Get, "/api/users/me/sessions");
    /// `DELETE /api/users/me/sessions/{id}` (0.4.1: `revoke_user_session`)
    pub static DELETE_SESSION: Endpoint<1> = Endpoint::new(
        NS,
        "delete_session",
        Method::Delete,
        "/api/users/me/sessions/{id}",
    );
}
