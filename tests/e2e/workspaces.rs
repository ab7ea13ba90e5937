//! End-to-end tests of the `workspaces` namespace against the emulator: CRUD, description
//! clearing, inactive listing, set-default, and workspaces of another organization through the
//! `x-organization-id` header — async and blocking.

use mutagent::organizations::CreateOrganization;
use mutagent::prelude::*;
use mutagent::workspaces::{CreateWorkspace, ListWorkspaces, UpdateWorkspace, WorkspaceRole};
use mutagent_e2e::{assert_not_found, client_builder, start, start_blocking, Collection};
use serde_json::json;

#[tokio::test]
async fn workspaces_journey_async() {
    let (emu, client) = start().await;
    let ws = client.workspaces();

    let initial = ws
        .list_workspaces(&ListWorkspaces::new())
        .await
        .expect("list");
    assert_eq!(initial.total, 1, "the seeded workspace");
    let seeded = initial.workspaces[0].workspace.clone();
    assert!(seeded.is_default);

    let staging = ws
        .create_workspace(
            &CreateWorkspace::new("Staging", "staging")
                .description("Pre-production")
                .settings(json!({"retentionDays": 30}))
                .metadata(json!({"team": "platform"})),
        )
        .await
        .expect("create");
    assert_eq!(staging.organization_id, seeded.organization_id);
    assert!(!staging.is_default);
    assert_eq!(staging.settings, json!({"retentionDays": 30}));
    assert_eq!(emu.count(Collection::Workspaces), 2);

    let fetched = ws.get_workspace(&staging.id).await.expect("get");
    assert_eq!(fetched, staging);

    let updated = ws
        .update_workspace(
            &staging.id,
            &UpdateWorkspace::new().name("Stage").clear_description(),
        )
        .await
        .expect("update");
    assert_eq!(updated.name, "Stage");
    assert_eq!(updated.description, None, "cleared");
    assert_eq!(updated.metadata, json!({"team": "platform"}), "untouched");

    let now_default = ws
        .set_default_workspace(&staging.id)
        .await
        .expect("set default");
    assert!(now_default.is_default);
    assert!(!ws.get_workspace(&seeded.id).await.expect("old").is_default);

    // The default cannot be deleted; the old one can, once it is no longer the default.
    let err = ws
        .delete_workspace(&staging.id)
        .await
        .expect_err("default workspace");
    assert_eq!(err.status_code(), Some(409), "{err}");

    let paused = ws
        .update_workspace(&seeded.id, &UpdateWorkspace::new().is_active(false))
        .await
        .expect("deactivate");
    assert!(!paused.is_active);
    let active = ws
        .list_workspaces(&ListWorkspaces::new())
        .await
        .expect("active");
    assert_eq!(active.total, 1);
    let everything = ws
        .list_workspaces(&ListWorkspaces::new().include_inactive(true))
        .await
        .expect("all");
    assert_eq!(everything.total, 2);
    assert!(everything
        .workspaces
        .iter()
        .all(|w| w.role == WorkspaceRole::Admin));

    assert!(
        ws.delete_workspace(&seeded.id)
            .await
            .expect("delete")
            .success
    );
    assert_not_found(ws.get_workspace(&seeded.id).await, "gone");
    assert_eq!(emu.count(Collection::Workspaces), 1);

    // Workspaces of a new organization, through a client scoped with `x-organization-id`.
    let org = client
        .organizations()
        .create_organization(&CreateOrganization::new("Other", "other"))
        .await
        .expect("org");
    let scoped = client_builder(&emu)
        .organization_id(org.id.as_str())
        .build()
        .expect("scoped client");
    let inner = scoped
        .workspaces()
        .create_workspace(&CreateWorkspace::new("Main", "main").is_default(true))
        .await
        .expect("create in org");
    assert_eq!(inner.organization_id, org.id);
    let listed = scoped
        .workspaces()
        .list_workspaces(&ListWorkspaces::new())
        .await
        .expect("list in org");
    assert_eq!(listed.total, 1);
    assert_eq!(listed.workspaces[0].workspace.id, inner.id);
}

#[test]
fn workspaces_journey_blocking() {
    let (emu, client) = start_blocking();
    let ws = client.workspaces();
    let created = ws
        .create_workspace(&CreateWorkspace::new("Dev", "dev").description("Scratch"))
        .expect("create");
    assert_eq!(ws.get_workspace(&created.id).expect("get").slug, "dev");
    let updated = ws
        .update_workspace(
            &created.id,
            &UpdateWorkspace::new()
                .slug("dev-2")
                .settings(json!({"a": 1})),
        )
        .expect("update");
    assert_eq!(updated.slug, "dev-2");
    assert_eq!(updated.description.as_deref(), Some("Scratch"), "untouched");
    let cleared = ws
        .update_workspace(&created.id, &UpdateWorkspace::new().clear_description())
        .expect("clear");
    assert_eq!(cleared.description, None);
    assert!(
        ws.set_default_workspace(&created.id)
            .expect("default")
            .is_default
    );
    let list = ws
        .list_workspaces(&ListWorkspaces::new().include_inactive(false))
        .expect("list");
    assert_eq!(list.total, 2);
    let old = list
        .workspaces
        .iter()
        .find(|w| w.workspace.id != created.id)
        .expect("seeded workspace");
    assert!(!old.workspace.is_default);
    assert!(
        ws.delete_workspace(&old.workspace.id)
            .expect("delete")
            .success
    );
    assert_eq!(emu.count(Collection::Workspaces), 1);
}
