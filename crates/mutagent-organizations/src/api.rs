//! The operations of the `organizations` namespace, for the async and the blocking client alike.

use mutagent_core::ids::OrganizationId;
use mutagent_core::request::validate;
use mutagent_core::{ApiClient, ApiRequest, Error};
use serde_json::Value;

use crate::models::{
    CreateOrganization, ListOrganizations, MemberCount, Organization, OrganizationDeleted,
    OrganizationList, OrganizationWithRole, UpdateOrganization,
};
use crate::operations as op;

mutagent_core::namespace! {
    /// The `organizations` namespace: organizations, their slugs and member counts.
    ///
    /// Get it with `client.organizations()` (from [`OrganizationsExt`](crate::OrganizationsExt)).
    /// With the async [`Client`](mutagent_core::Client) each method returns a future; with the
    /// [`BlockingClient`](mutagent_core::BlockingClient) it returns the result directly.
    ///
    /// The API types these answers as "organization or error" unions; the SDK decides by the HTTP
    /// status (an error status becomes [`Error::Api`]) and decodes the success branch.
    pub struct OrganizationsApi;
    /// Adds `.organizations()` to both clients.
    pub trait OrganizationsExt {
        /// The `organizations` namespace.
        fn organizations;
    }
}

impl<'a, C: ApiClient> OrganizationsApi<'a, C> {
    /// `GET /api/organizations/`: one page of the caller's organizations, with the caller's
    /// role in each.
    ///
    /// ```no_run
    /// use mutagent_organizations::{ListOrganizations, OrganizationsExt};
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// let page = client
    ///     .organizations()
    ///     .list_organizations(&ListOrganizations::new().is_active(true).limit(20))
    ///     .await?;
    /// for entry in &page.data {
    ///     println!("{} ({})", entry.organization.name, entry.role);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn list_organizations(&self, params: &ListOrganizations) -> C::Response<OrganizationList> {
        self.client.call(list_request(params))
    }

    /// Every organization matching `params`, page after page (`limit` sets the page size).
    ///
    /// ```no_run
    /// use mutagent_organizations::{ListOrganizations, OrganizationsExt};
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// let every = client
    ///     .organizations()
    ///     .list_organizations_all(&ListOrganizations::new().limit(100))
    ///     .try_collect()
    ///     .await?;
    /// println!("{} organizations", every.len());
    /// # Ok(()) }
    /// ```
    pub fn list_organizations_all(
        &self,
        params: &ListOrganizations,
    ) -> C::Items<OrganizationWithRole> {
        self.client
            .paginate::<OrganizationList>(list_request(params))
    }

    /// `POST /api/organizations/`: creates an organization. The name and slug must not be
    /// empty; the contract states no maximum length for either (the 255 characters of
    /// prompt-side names do not apply here).
    ///
    /// ```no_run
    /// use mutagent_organizations::{CreateOrganization, OrganizationsExt};
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// let org = client
    ///     .organizations()
    ///     .create_organization(&CreateOrganization::new("Acme", "acme").auto_suffix_slug(true))
    ///     .await?;
    /// println!("{} ({})", org.id, org.slug);
    /// # Ok(()) }
    /// ```
    pub fn create_organization(&self, body: &CreateOrganization) -> C::Response<Organization> {
        let request = op::CREATE_ORGANIZATION
            .request()
            .validate(|operation| validate::non_empty(operation, "name", body.name.trim()))
            .validate(|operation| validate::non_empty(operation, "slug", &body.slug))
            .json(body)
            .build();
        self.client.call(request)
    }

    /// `GET /api/organizations/{orgId}`: one organization.
    ///
    /// ```no_run
    /// use mutagent_organizations::{OrganizationsExt};
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// let org = client.organizations().get_organization("org_123").await?;
    /// println!("{}", org.name);
    /// # Ok(()) }
    /// ```
    pub fn get_organization(&self, org_id: impl Into<OrganizationId>) -> C::Response<Organization> {
        self.client
            .call(op::GET_ORGANIZATION.request(org_id.into()).build())
    }

    /// `PATCH /api/organizations/{orgId}`: changes an organization. Fields left unset keep
    /// their value; the `clear_*` setters of [`UpdateOrganization`] send `null` to clear one.
    ///
    /// ```no_run
    /// use mutagent_organizations::{OrganizationsExt, UpdateOrganization};
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// let org = client
    ///     .organizations()
    ///     .update_organization("org_123", &UpdateOrganization::new().name("Acme Inc").clear_description())
    ///     .await?;
    /// println!("{}", org.name);
    /// # Ok(()) }
    /// ```
    pub fn update_organization(
        &self,
        org_id: impl Into<OrganizationId>,
        body: &UpdateOrganization,
    ) -> C::Response<Organization> {
        let request = op::UPDATE_ORGANIZATION
            .request(org_id.into())
            .validate(|operation| {
                validate::optional_non_empty(operation, "name", body.name.as_deref().map(str::trim))
            })
            .validate(|operation| {
                validate::optional_non_empty(operation, "slug", body.slug.as_deref())
            })
            .json(body)
            .build();
        self.client.call(request)
    }

    /// `DELETE /api/organizations/{orgId}`: deletes an organization. The contract does not
    /// model the success answer, so any 2xx decodes (see [`OrganizationDeleted`]).
    ///
    /// ```no_run
    /// use mutagent_organizations::{OrganizationsExt};
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// let deleted = client.organizations().delete_organization("org_123").await?;
    /// println!("deleted: {}", deleted.success);
    /// # Ok(()) }
    /// ```
    pub fn delete_organization(
        &self,
        org_id: impl Into<OrganizationId>,
    ) -> C::Response<OrganizationDeleted> {
        self.client
            .call(op::DELETE_ORGANIZATION.request(org_id.into()).build())
    }

    /// `GET /api/organizations/slug/{slug}`: the organization with this slug.
    ///
    /// ```no_run
    /// use mutagent_organizations::{OrganizationsExt};
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// let org = client.organizations().get_organization_by_slug("acme").await?;
    /// println!("{}", org.id);
    /// # Ok(()) }
    /// ```
    pub fn get_organization_by_slug(&self, slug: &str) -> C::Response<Organization> {
        self.client
            .call(op::GET_ORGANIZATION_BY_SLUG.request(slug).build())
    }

    /// `GET /api/organizations/check-slug/{slug}`: whether a slug is free. The answer is not
    /// typed by the API, so it is returned as JSON (e.g. `{"available": true}`).
    ///
    /// ```no_run
    /// use mutagent_organizations::{OrganizationsExt};
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// let answer = client.organizations().check_organization_slug("acme").await?;
    /// println!("{answer}"); // JSON: the shape is not documented
    /// # Ok(()) }
    /// ```
    pub fn check_organization_slug(&self, slug: &str) -> C::Response<Value> {
        self.client
            .call(op::CHECK_ORGANIZATION_SLUG.request(slug).build())
    }

    /// `GET /api/organizations/{orgId}/member-count`: how many members the organization has.
    ///
    /// ```no_run
    /// use mutagent_organizations::{OrganizationsExt};
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// let members = client.organizations().get_organization_member_count("org_123").await?;
    /// println!("{} members", members.count);
    /// # Ok(()) }
    /// ```
    pub fn get_organization_member_count(
        &self,
        org_id: impl Into<OrganizationId>,
    ) -> C::Response<MemberCount> {
        self.client.call(
            op::GET_ORGANIZATION_MEMBER_COUNT
                .request(org_id.into())
                .build(),
        )
    }
}

fn list_request(params: &ListOrganizations) -> Result<ApiRequest, Error> {
    op::LIST_ORGANIZATIONS
        .request()
        .query_params(params)
        .build()
}
