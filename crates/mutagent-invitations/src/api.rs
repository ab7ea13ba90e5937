//! The operations of the `invitations` namespace, for the async and the blocking client alike.

use mutagent_core::ids::OrganizationId;
use mutagent_core::models::SuccessResponse;
use mutagent_core::ApiClient;

use crate::models::{CreateInvitation, Invitation, InvitationId, InvitationList, ResendInvitation};
use crate::operations as op;

mutagent_core::namespace! {
    /// The `invitations` namespace: invitations to join an organization.
    ///
    /// Get it with `client.invitations()` (from [`InvitationsExt`]). With the async
    /// [`Client`](mutagent_core::Client) each method returns a future; with the
    /// [`BlockingClient`](mutagent_core::BlockingClient) it returns the result directly.
    pub struct InvitationsApi;
    /// Adds `.invitations()` to both clients.
    pub trait InvitationsExt {
        /// The `invitations` namespace.
        fn invitations;
    }
}

impl<'a, C: ApiClient> InvitationsApi<'a, C> {
    /// `GET /api/organizations/{orgId}/invitations/`: every invitation of an organization
    /// (`{data, total}`, not paged).
    ///
    /// ```no_run
    /// use mutagent_invitations::InvitationsExt;
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// for invite in client.invitations().list_invitations("org_1").await?.data {
    ///     println!("{:?} as {} ({:?})", invite.email, invite.role, invite.status);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn list_invitations(
        &self,
        org_id: impl Into<OrganizationId>,
    ) -> C::Response<InvitationList> {
        self.client
            .call(op::LIST_INVITATIONS.request(org_id.into()).build())
    }

    /// `POST /api/organizations/{orgId}/invitations/`: invites someone to an organization.
    ///
    /// ```no_run
    /// use mutagent_invitations::{CreateInvitation, InvitationsExt, OrganizationRole};
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// let invite = client
    ///     .invitations()
    ///     .create_invitation("org_1", &CreateInvitation::new(OrganizationRole::Viewer).email("dev@example.com"))
    ///     .await?;
    /// // The link is a credential: hand it to the invitee, do not log it.
    /// let link = invite.invite_url.as_ref().map(|url| url.expose().to_owned());
    /// # let _ = link;
    /// # Ok(()) }
    /// ```
    pub fn create_invitation(
        &self,
        org_id: impl Into<OrganizationId>,
        body: &CreateInvitation,
    ) -> C::Response<Invitation> {
        let request = op::CREATE_INVITATION.request(org_id.into());
        self.client.call(request.json(body).build())
    }

    /// `GET /api/organizations/{orgId}/invitations/{id}`: one invitation.
    ///
    /// ```no_run
    /// use mutagent_invitations::InvitationsExt;
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// let invite = client.invitations().get_invitation("org_1", "inv_1").await?;
    /// println!("accepted at {:?}", invite.accepted_at);
    /// # Ok(()) }
    /// ```
    pub fn get_invitation(
        &self,
        org_id: impl Into<OrganizationId>,
        id: impl Into<InvitationId>,
    ) -> C::Response<Invitation> {
        let request = op::GET_INVITATION.request(org_id.into(), id.into());
        self.client.call(request.build())
    }

    /// `DELETE /api/organizations/{orgId}/invitations/{id}`: withdraws an invitation.
    ///
    /// ```no_run
    /// use mutagent_invitations::InvitationsExt;
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// client.invitations().delete_invitation("org_1", "inv_1").await?;
    /// # Ok(()) }
    /// ```
    pub fn delete_invitation(
        &self,
        org_id: impl Into<OrganizationId>,
        id: impl Into<InvitationId>,
    ) -> C::Response<SuccessResponse> {
        let request = op::DELETE_INVITATION.request(org_id.into(), id.into());
        self.client.call(request.build())
    }

    /// `POST /api/organizations/{orgId}/invitations/{id}/resend`: sends the invitation again
    /// (the body is untyped in the contract; `ResendInvitation::new()` sends `{}`).
    ///
    /// ```no_run
    /// use mutagent_invitations::{InvitationsExt, ResendInvitation};
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// let invite = client
    ///     .invitations()
    ///     .resend_invitation("org_1", "inv_1", &ResendInvitation::new().expires_in_days(7))
    ///     .await?;
    /// println!("valid until {:?}", invite.expires_at);
    /// # Ok(()) }
    /// ```
    pub fn resend_invitation(
        &self,
        org_id: impl Into<OrganizationId>,
        id: impl Into<InvitationId>,
        body: &ResendInvitation,
    ) -> C::Response<Invitation> {
        let request = op::RESEND_INVITATION.request(org_id.into(), id.into());
        self.client.call(request.json(body).build())
    }
}
