//! End-to-end tests of the `organizations` namespace against the emulator: CRUD with PATCH
//! clearing, slug lookup and check, member count, listing — async and blocking.

use mutagent::organizations::{
    CreateOrganization, ListOrganizations, OrganizationRole, UpdateOrganization,
};
use mutagent::prelude::*;
use mutagent_e2e::{assert_not_found, start, start_blocking, Collection};
use serde_json::json;

#[tokio::test]
async fn organizations_journey_async() {
    let (emu, client) = start().await;
    let orgs = client.organizations();
    let seeded = emu.count(Collection::Organizations);

    let free = orgs
        .check_organization_slug("acme")
        .await
        .expect("check slug");
    assert_eq!(free["available"], true);

    let acme = orgs
        .create_organization(
            &CreateOrganization::new("Acme", "acme")
                .description("Rockets")
                .logo_url("https://acme.example/logo.png")
                .billing_email("billing@acme.example")
                .metadata(json!({"region": "eu"})),
        )
        .await
        .expect("create");
    assert_eq!(acme.slug, "acme");
    assert_eq!(acme.description.as_deref(), Some("Rockets"));
    assert!(acme.is_active);
    assert_eq!(emu.count(Collection::Organizations), seeded + 1);

    let taken = orgs
        .check_organization_slug("acme")
        .await
        .expect("check taken");
    assert_eq!(taken["available"], false);
    let err = orgs
        .create_organization(&CreateOrganization::new("Acme 2", "acme"))
        .await
        .expect_err("duplicate slug");
    assert_eq!(err.status_code(), Some(409), "{err}");
    let suffixed = orgs
        .create_organization(&CreateOrganization::new("Acme 2", "acme").auto_suffix_slug(true))
        .await
        .expect("auto suffix");
    assert_ne!(suffixed.slug, "acme");

    let fetched = orgs.get_organization(&acme.id).await.expect("get");
    assert_eq!(fetched, acme);
    let by_slug = orgs
        .get_organization_by_slug("acme")
        .await
        .expect("by slug");
    assert_eq!(by_slug.id, acme.id);

    // PATCH: set some fields, clear others, leave the rest alone.
    let updated = orgs
        .update_organization(
            &acme.id,
            &UpdateOrganization::new()
                .name("Acme Inc")
                .clear_description()
                .clear_logo_url()
                .billing_plan("pro"),
        )
        .await
        .expect("update");
    assert_eq!(updated.name, "Acme Inc");
    assert_eq!(updated.description, None, "cleared");
    assert_eq!(updated.logo_url, None, "cleared");
    assert_eq!(updated.billing_plan, "pro");
    assert_eq!(
        updated.billing_email.as_deref(),
        Some("billing@acme.example"),
        "untouched"
    );
    assert_eq!(updated.metadata, json!({"region": "eu"}), "untouched");
    let restored = orgs
        .update_organization(&acme.id, &UpdateOrganization::new().description("Back"))
        .await
        .expect("set again");
    assert_eq!(restored.description.as_deref(), Some("Back"));

    let count = orgs
        .get_organization_member_count(&acme.id)
        .await
        .expect("member count");
    assert!(count.count >= 1);

    let page = orgs
        .list_organizations(&ListOrganizations::new().name("acme").limit(10))
        .await
        .expect("list");
    assert_eq!(page.total, 2);
    assert!(page.data.iter().all(|o| o.role == OrganizationRole::Owner));
    let pro = orgs
        .list_organizations(&ListOrganizations::new().billing_plan("pro").is_active(true))
        .await
        .expect("by plan");
    assert_eq!(pro.data.len(), 1);
    assert_eq!(pro.data[0].organization.id, acme.id);
    let walked = orgs
        .list_organizations_all(&ListOrganizations::new().limit(1))
        .try_collect()
        .await
        .expect("walk");
    assert_eq!(walked.len(), seeded + 2);

    assert!(
        orgs.delete_organization(&acme.id)
            .await
            .expect("delete")
            .success
    );
    assert_not_found(orgs.get_organization(&acme.id).await, "gone");
    assert_not_found(orgs.get_organization_by_slug("acme").await, "slug gone");
    assert_eq!(emu.count(Collection::Organizations), seeded + 1);
}

#[test]
fn organizations_journey_blocking() {
    let (emu, client) = start_blocking();
    let orgs = client.organizations();
    let created = orgs
        .create_organization(&CreateOrganization::new("Blocking Ltd", "blocking"))
        .expect("create");
    assert_eq!(created.description, None);
    assert_eq!(
        orgs.get_organization_by_slug("blocking").expect("slug").id,
        created.id
    );
    assert_eq!(
        orgs.check_organization_slug("blocking").expect("check")["available"],
        false
    );
    let updated = orgs
        .update_organization(
            &created.id,
            &UpdateOrganization::new()
                .description("Sync")
                .metadata(json!({"k": 1}))
                .is_active(false),
        )
        .expect("update");
    assert_eq!(updated.description.as_deref(), Some("Sync"));
    assert!(!updated.is_active);
    let cleared = orgs
        .update_organization(&created.id, &UpdateOrganization::new().clear_metadata())
        .expect("clear metadata");
    assert_eq!(cleared.metadata, serde_json::Value::Null);
    assert!(
        orgs.get_organization_member_count(&created.id)
            .expect("count")
            .count
            >= 1
    );
    let inactive = orgs
        .list_organizations(&ListOrganizations::new().is_active(false))
        .expect("list");
    assert_eq!(inactive.data.len(), 1);
    let walked: Vec<_> = orgs
        .list_organizations_all(&ListOrganizations::new().limit(1))
        .collect::<Result<_, _>>()
        .expect("walk");
    assert_eq!(walked.len(), emu.count(Collection::Organizations));
    assert!(
        orgs.delete_organization(&created.id)
            .expect("delete")
            .success
    );
    assert_not_found(orgs.get_organization(&created.id), "gone");
}
