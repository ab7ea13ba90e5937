//! The operations of the `organization_members` namespace, for the async and the blocking
//! client alike.

use mutagent_core::ids::{OrganizationId, UserId};
use mutagent_core::models::{OrganizationRole, SuccessResponse};
use mutagent_core::ApiClient;
use serde_json::json;

use crate::models::{AddOrganizationMember, OrganizationMember, OrganizationMemberList};
use crate::operations as op;

mutagent_core::namespace! {
    /// The `organization_members` namespace: the members of an organization.
    ///
    /// Get it with `client.organization_members()` (from [`OrganizationMembersExt`]). With the
    /// async [`Client`](mutagent_core::Client) each method returns a future; with the
    /// [`BlockingClient`](mutagent_core::BlockingClient) it returns the result directly.
    pub struct OrganizationMembersApi;
    /// Adds `.organization_members()` to both clients.
    pub trait OrganizationMembersExt {
        /// The `organization_members` namespace.
        fn organization_members;
    }
}

impl<'a, C: ApiClient> OrganizationMembersApi<'a, C> {
    /// `GET /api/organizations/{orgId}/members/`: every member of an organization
    /// (`{data, total}`, not paged).
    ///
    /// ```no_run
    /// use mutagent_organization_members::OrganizationMembersExt;
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// let members = client.organization_members().list_organization_members("org_1").await?;
    /// println!("{} member(s)", members.data.len());
    /// # Ok(()) }
    /// ```
    pub fn list_organization_members(
        &self,
        org_id: impl Into<OrganizationId>,
    ) -> C::Response<OrganizationMemberList> {
        self.client
            .call(op::LIST_ORGANIZATION_MEMBERS.request(org_id.into()).build())
    }

    /// `POST /api/organizations/{orgId}/members/`: adds a user to an organization.
    ///
    /// ```no_run
    /// use mutagent_organization_members::{AddOrganizationMember, MembershipStatus, OrganizationMembersExt, OrganizationRole};
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// let body = AddOrganizationMember::new("user_42", OrganizationRole::Admin).status(MembershipStatus::Active);
    /// let member = client.organization_members().add_organization_member("org_1", &body).await?;
    /// println!("membership {}", member.id);
    /// # Ok(()) }
    /// ```
    pub fn add_organization_member(
        &self,
        org_id: impl Into<OrganizationId>,
        body: &AddOrganizationMember,
    ) -> C::Response<OrganizationMember> {
        let request = op::ADD_ORGANIZATION_MEMBER.request(org_id.into());
        self.client.call(request.json(body).build())
    }

    /// `PATCH /api/organizations/{orgId}/members/{userId}`: changes a member's role
    /// (sends `{"role": …}`).
    ///
    /// ```no_run
    /// use mutagent_organization_members::{OrganizationMembersExt, OrganizationRole};
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// let member = client
    ///     .organization_members()
    ///     .update_organization_member("org_1", "user_42", OrganizationRole::Editor)
    ///     .await?;
    /// assert_eq!(member.role, OrganizationRole::Editor);
    /// # Ok(()) }
    /// ```
    pub fn update_organization_member(
        &self,
        org_id: impl Into<OrganizationId>,
        user_id: impl Into<UserId>,
        role: OrganizationRole,
    ) -> C::Response<OrganizationMember> {
        let request = op::UPDATE_ORGANIZATION_MEMBER.request(org_id.into(), user_id.into());
        self.client
            .call(request.json(&json!({ "role": role })).build())
    }

    /// `DELETE /api/organizations/{orgId}/members/{userId}`: removes a member.
    ///
    /// ```no_run
    /// use mutagent_organization_members::OrganizationMembersExt;
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// client.organization_members().remove_organization_member("org_1", "user_42").await?;
    /// # Ok(()) }
    /// ```
    pub fn remove_organization_member(
        &self,
        org_id: impl Into<OrganizationId>,
        user_id: impl Into<UserId>,
    ) -> C::Response<SuccessResponse> {
        let request = op::REMOVE_ORGANIZATION_MEMBER.request(org_id.into(), user_id.into());
        self.client.call(request.build())
    }
}
