//! End-to-end journeys of the administration namespaces against the emulator: agents by id
//! and slug; adding an organization member and changing its role — async and blocking.

use mutagent::agents::{CreateAgent, ListAgents, UpdateAgent};
use mutagent::organization_members::{AddOrganizationMember, OrganizationRole};
use mutagent::organizations::{CreateOrganization, ListOrganizations};
use mutagent::prelude::*;
use mutagent_e2e::{start, start_blocking, Collection};

#[tokio::test]
async fn agents_by_id_and_by_slug_async() {
    let (emu, client) = start().await;
    let agents = client.agents();
    let support = agents
        .create_agent(&CreateAgent::new("Support", "support", "You answer tickets.").max_turns(8))
        .await
        .expect("create");
    agents
        .create_agent(&CreateAgent::new("Triage", "triage", "Sort tickets.").is_public(true))
        .await
        .expect("second");
    assert_eq!(emu.count(Collection::Agents), 2);

    // The slug is unique in the workspace.
    let err = agents
        .create_agent(&CreateAgent::new("Again", "support", "x"))
        .await
        .expect_err("duplicate slug");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(409), "{err}");

    let by_slug = agents.get_agent_by_slug("support").await.expect("by slug");
    assert_eq!(by_slug, agents.get_agent(support.id).await.expect("by id"));
    assert_eq!(by_slug.max_turns, Some(8));

    let updated = agents
        .update_agent(
            support.id,
            &UpdateAgent::new()
                .system_prompt("Be brief.")
                .status("paused"),
        )
        .await
        .expect("update");
    assert_eq!(updated.system_prompt.as_deref(), Some("Be brief."));
    assert_eq!(updated.slug, "support", "the slug never changes");

    let public = agents
        .list_agents(&ListAgents::new().is_public(true))
        .await
        .expect("filter");
    assert_eq!((public.total, public.data[0].slug.as_str()), (1, "triage"));
    let every = agents
        .list_agents_all(&ListAgents::new().limit(1))
        .try_collect()
        .await
        .expect("walk");
    assert_eq!(every.len(), 2);

    assert!(
        agents
            .delete_agent(support.id)
            .await
            .expect("delete")
            .success
    );
    let gone = agents.get_agent_by_slug("support").await.expect_err("gone");
    assert!(gone.is_not_found(), "{gone}");
}

/// Add a member to an organization, change its role, remove it: the blocking client.
#[test]
fn add_a_member_and_change_its_role_blocking() {
    let (emu, client) = start_blocking();
    let org = client
        .organizations()
        .create_organization(&CreateOrganization::new("Acme", "acme"))
        .expect("org");
    let members = client.organization_members();

    // A new organization has its creator as owner.
    let initial = members.list_organization_members(&org.id).expect("list");
    assert_eq!(initial.data.len(), 1);
    assert_eq!(initial.data[0].role, OrganizationRole::Owner);

    let dev = members
        .add_organization_member(
            &org.id,
            &AddOrganizationMember::new("user_dev", OrganizationRole::Viewer),
        )
        .expect("add");
    assert_eq!(dev.role, OrganizationRole::Viewer);
    assert_eq!(dev.user.as_ref().map(|u| u.id.as_str()), Some("user_dev"));
    let again = members
        .add_organization_member(
            &org.id,
            &AddOrganizationMember::new("user_dev", OrganizationRole::Admin),
        )
        .expect_err("duplicate member");
    assert_eq!(again.status().map(|s| s.as_u16()), Some(409), "{again}");

    let promoted = members
        .update_organization_member(&org.id, "user_dev", OrganizationRole::Editor)
        .expect("role");
    assert_eq!(promoted.role, OrganizationRole::Editor);
    assert_eq!(promoted.id, dev.id, "the same membership");
    let count = client
        .organizations()
        .get_organization_member_count(&org.id)
        .expect("count");
    assert_eq!(count.count, 2);

    assert!(
        members
            .remove_organization_member(&org.id, "user_dev")
            .expect("remove")
            .success
    );
    let missing = members
        .update_organization_member(&org.id, "user_dev", OrganizationRole::Admin)
        .expect_err("no longer a member");
    assert!(missing.is_not_found(), "{missing}");

    // An unknown organization is a 404, and a role outside the contract's enum a 400.
    let unknown = members
        .list_organization_members("no-such-org")
        .expect_err("404");
    assert!(unknown.is_not_found(), "{unknown}");
    let bad_role = members
        .add_organization_member(
            &org.id,
            &AddOrganizationMember::new("u2", OrganizationRole::from("superuser")),
        )
        .expect_err("400");
    assert_eq!(
        bad_role.status().map(|s| s.as_u16()),
        Some(400),
        "{bad_role}"
    );
    let orgs = client
        .organizations()
        .list_organizations(&ListOrganizations::new())
        .expect("orgs");
    assert_eq!(
        emu.count(Collection::OrganizationMembers),
        orgs.total as usize + 1 - 1
    );
}
