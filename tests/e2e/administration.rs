//! End-to-end journeys of the administration namespaces against the emulator: agents by id
//! and slug; adding organization and workspace members and changing their roles; inviting a
//! user who accepts; configuring a provider and testing it; the caller's profile and sessions —
//! async and blocking.

use mutagent::agents::{CreateAgent, ListAgents, UpdateAgent};
use mutagent::invitations::{CreateInvitation, ResendInvitation};
use mutagent::llm_providers::{
    CreateProviderConfig, ListProviderConfigs, LlmProviderType, ModelListingSource, ProviderModel,
    UpdateProviderConfig,
};
use mutagent::organization_members::{AddOrganizationMember, OrganizationRole};
use mutagent::organizations::{CreateOrganization, ListOrganizations};
use mutagent::prelude::*;
use mutagent::user_profile::{ChangePassword, UpdateProfile};
use mutagent::workspace_members::{AddWorkspaceMember, WorkspaceRole};
use mutagent::workspaces::{CreateWorkspace, ListWorkspaces};
use mutagent_e2e::{assert_not_found, client_builder, start, start_blocking, Collection};
use serde_json::json;

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
    assert_eq!(err.status_code(), Some(409), "{err}");

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
    assert_not_found(agents.get_agent_by_slug("support").await, "gone");
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
    assert_eq!(again.status_code(), Some(409), "{again}");

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
    assert_not_found(
        members.update_organization_member(&org.id, "user_dev", OrganizationRole::Admin),
        "no longer a member",
    );

    // An unknown organization is a 404, and a role outside the contract's enum a 400.
    assert_not_found(members.list_organization_members("no-such-org"), "404");
    let bad_role = members
        .add_organization_member(
            &org.id,
            &AddOrganizationMember::new("u2", OrganizationRole::from("superuser")),
        )
        .expect_err("400");
    assert_eq!(bad_role.status_code(), Some(400), "{bad_role}");
    let orgs = client
        .organizations()
        .list_organizations(&ListOrganizations::new())
        .expect("orgs");
    assert_eq!(
        emu.count(Collection::OrganizationMembers),
        orgs.total as usize + 1 - 1
    );
}

/// Invite a user to an organization, resend, and the invitee accepts (the emulator stands for
/// the click on the link): the user becomes a member with the invitation's role.
#[tokio::test]
async fn invite_a_user_and_accept_async() {
    let (emu, client) = start().await;
    let org = client
        .organizations()
        .create_organization(&CreateOrganization::new("Acme", "acme"))
        .await
        .expect("org");
    let invitations = client.invitations();
    let invite = invitations
        .create_invitation(
            &org.id,
            &CreateInvitation::new(OrganizationRole::Editor)
                .email("dev@example.com")
                .expires_in_days(3),
        )
        .await
        .expect("invite");
    assert_eq!(invite.status.as_deref(), Some("pending"));
    let token = invite.token.clone().expect("token");
    assert!(
        !format!("{invite:?}").contains(token.expose()),
        "the token stays out of Debug"
    );

    let resent = invitations
        .resend_invitation(
            &org.id,
            &invite.id,
            &ResendInvitation::new().expires_in_days(10),
        )
        .await
        .expect("resend");
    assert!(resent.expires_at > invite.expires_at, "renewed for longer");

    assert!(emu.accept_invitation(token.expose(), "user_dev"));
    assert!(
        !emu.accept_invitation(token.expose(), "user_dev"),
        "only once"
    );
    let accepted = invitations
        .get_invitation(&org.id, &invite.id)
        .await
        .expect("get");
    assert_eq!(accepted.status.as_deref(), Some("accepted"));
    assert_eq!(accepted.accepted_by.as_deref(), Some("user_dev"));
    let members = client
        .organization_members()
        .list_organization_members(&org.id)
        .await
        .expect("members");
    let dev = members
        .data
        .iter()
        .find(|m| m.user_id.as_str() == "user_dev")
        .expect("the invitee is a member");
    assert_eq!(dev.role, OrganizationRole::Editor);
    assert_eq!(
        dev.user.as_ref().and_then(|u| u.email.as_deref()),
        Some("dev@example.com")
    );

    // A second invitation, withdrawn.
    let other = invitations
        .create_invitation(&org.id, &CreateInvitation::new(OrganizationRole::Viewer))
        .await
        .expect("second");
    assert_eq!(
        invitations
            .list_invitations(&org.id)
            .await
            .expect("list")
            .data
            .len(),
        2
    );
    assert!(
        invitations
            .delete_invitation(&org.id, &other.id)
            .await
            .expect("delete")
            .success
    );
    assert_not_found(invitations.get_invitation(&org.id, &other.id).await, "gone");
    assert_eq!(emu.count(Collection::Invitations), 1);
    assert_not_found(invitations.list_invitations("no-such-org").await, "404");
}

/// Add a member to a workspace and change its role: the blocking client.
#[test]
fn add_a_workspace_member_and_change_its_role_blocking() {
    let (_emu, client) = start_blocking();
    let ws = client
        .workspaces()
        .list_workspaces(&ListWorkspaces::new())
        .expect("workspaces")
        .workspaces[0]
        .workspace
        .id
        .clone();
    let members = client.workspace_members();
    let initial = members.list_workspace_members(&ws).expect("list");
    assert_eq!(initial.data.len(), 1, "the creator");
    assert_eq!(initial.data[0].role, WorkspaceRole::Admin);

    members
        .add_workspace_member(
            &ws,
            &AddWorkspaceMember::new("user_qa", WorkspaceRole::Viewer),
        )
        .expect("add");
    let dup = members
        .add_workspace_member(
            &ws,
            &AddWorkspaceMember::new("user_qa", WorkspaceRole::Editor),
        )
        .expect_err("duplicate");
    assert_eq!(dup.status_code(), Some(409), "{dup}");
    let changed = members
        .update_workspace_member(&ws, "user_qa", WorkspaceRole::Editor)
        .expect("role");
    assert_eq!(changed.role, WorkspaceRole::Editor);
    let owner = members
        .update_workspace_member(&ws, "user_qa", WorkspaceRole::from("owner"))
        .expect_err("workspaces have no owner");
    assert_eq!(owner.status_code(), Some(400), "{owner}");
    assert!(
        members
            .remove_workspace_member(&ws, "user_qa")
            .expect("remove")
            .success
    );
    assert_eq!(
        members
            .list_workspace_members(&ws)
            .expect("after")
            .data
            .len(),
        1
    );
    assert_not_found(members.list_workspace_members("no-such-ws"), "404");
}

/// Configure a provider and test it; the key never comes back.
#[tokio::test]
async fn configure_a_provider_and_test_it_async() {
    let (emu, client) = start().await;
    let providers = client.llm_providers();
    const KEY: &str = "sk-e2e-provider-key-0123456789";
    let config = providers
        .create_provider_config(
            &CreateProviderConfig::new("OpenAI", LlmProviderType::OpenAi)
                .api_key(KEY)
                .supported_models([ProviderModel::new("gpt-4o")]),
        )
        .await
        .expect("create");
    assert_eq!(config.api_key_masked.as_deref(), Some("sk-…6789"));
    let snapshot = emu.snapshot().to_string();
    let requests: Vec<String> = emu
        .requests()
        .iter()
        .filter(|r| r.method != "POST")
        .map(|r| format!("{r:?}"))
        .collect();
    assert!(!snapshot.contains(KEY), "the emulator's state shows no key");
    assert!(requests.iter().all(|r| !r.contains(KEY)));

    let result = providers
        .test_provider_config(&config.id)
        .await
        .expect("test");
    assert!(result.success, "{}", result.message);
    assert_eq!(result.provider, "openai");
    let listing = providers
        .list_provider_config_models(&config.id)
        .await
        .expect("models");
    assert_eq!(listing.source, ModelListingSource::Live);
    let enabled: Vec<&str> = listing
        .models
        .iter()
        .filter(|m| m.enabled)
        .map(|m| m.id.as_str())
        .collect();
    assert_eq!(enabled, ["gpt-4o"], "the allow-list applies");
    let available = providers.list_available_models().await.expect("available");
    assert_eq!(available.providers(), ["openai"]);
    assert!(providers
        .get_model_catalog()
        .await
        .expect("catalog")
        .is_object());

    // Without a key the test fails as an answer, and the listing falls back.
    let keyless = providers
        .create_provider_config(&CreateProviderConfig::new(
            "Claude",
            LlmProviderType::Anthropic,
        ))
        .await
        .expect("keyless");
    let failed = providers
        .test_provider_config(&keyless.id)
        .await
        .expect("answer");
    assert!(!failed.success);
    assert!(
        providers
            .list_provider_config_models(&keyless.id)
            .await
            .expect("stored")
            .degraded
    );

    let off = providers
        .update_provider_config(
            &config.id,
            &UpdateProviderConfig::new()
                .is_active(false)
                .clear_base_url(),
        )
        .await
        .expect("deactivate");
    assert!(!off.is_active);
    let active = providers
        .list_provider_configs(&ListProviderConfigs::new())
        .await
        .expect("list");
    assert_eq!(active.total, 1);
    let all = providers
        .list_provider_configs(&ListProviderConfigs::new().include_inactive(true))
        .await
        .expect("all");
    assert_eq!(all.total, 2);
    assert!(
        providers
            .delete_provider_config(&config.id)
            .await
            .expect("delete")
            .success
    );
    assert_not_found(providers.get_provider_config(&config.id).await, "gone");
    assert_eq!(emu.count(Collection::ProviderConfigs), 1);
}

/// The caller's profile and sessions: the blocking client.
#[test]
fn profile_and_sessions_blocking() {
    let (_emu, client) = start_blocking();
    let me = client.user_profile();
    assert!(me.get_profile().expect("profile").email().is_some());
    let renamed = me
        .update_profile(
            &UpdateProfile::new()
                .name("Ada")
                .avatar_url("https://x.example/a.png"),
        )
        .expect("update");
    assert_eq!(
        (renamed.name(), renamed.avatar_url()),
        (Some("Ada"), Some("https://x.example/a.png"))
    );
    let cleared = me
        .update_profile(&UpdateProfile::new().clear_avatar_url())
        .expect("clear");
    assert_eq!((cleared.name(), cleared.avatar_url()), (Some("Ada"), None));
    me.change_password(&ChangePassword::new("old password", "new password"))
        .expect("password");
    let sessions = me.list_user_sessions().expect("sessions").ids();
    assert_eq!(sessions.len(), 2);
    me.revoke_user_session(sessions[1].clone()).expect("revoke");
    assert_eq!(
        me.list_user_sessions().expect("after").ids(),
        &sessions[..1]
    );
    assert_not_found(me.revoke_user_session(sessions[1].clone()), "gone");
    me.delete_account(&json!({})).expect("delete");
    assert_not_found(me.get_profile(), "deleted");
}

/// Deleting an organization takes along what lives in it: its workspaces with their members,
/// agents and provider configs, and its own members and invitations. None of them lingers in
/// the emulator's counts (or its snapshot) afterwards; deleting a workspace alone takes its
/// own along the same way.
#[tokio::test]
async fn deleting_an_organization_takes_what_lives_in_it_along() {
    let (emu, client) = start().await;
    let admin = [
        Collection::Workspaces,
        Collection::Agents,
        Collection::ProviderConfigs,
        Collection::OrganizationMembers,
        Collection::WorkspaceMembers,
        Collection::Invitations,
    ];
    let counts = || admin.map(|c| emu.count(c));
    let before = counts();

    let org = client
        .organizations()
        .create_organization(&CreateOrganization::new("Acme", "acme"))
        .await
        .expect("org");
    let in_org = client_builder(&emu)
        .organization_id(org.id.as_str())
        .build()
        .expect("client");
    let workspaces = in_org.workspaces();
    let lab = workspaces
        .create_workspace(&CreateWorkspace::new("Lab", "lab"))
        .await
        .expect("workspace");
    let spare = workspaces
        .create_workspace(&CreateWorkspace::new("Spare", "spare"))
        .await
        .expect("workspace");
    for ws in [&lab.id, &spare.id] {
        let in_ws = client_builder(&emu)
            .organization_id(org.id.as_str())
            .workspace_id(ws.as_str())
            .build()
            .expect("client");
        in_ws
            .agents()
            .create_agent(&CreateAgent::new(
                "Support",
                "support",
                "You answer tickets.",
            ))
            .await
            .expect("agent");
        in_ws
            .llm_providers()
            .create_provider_config(
                &CreateProviderConfig::new("OpenAI", LlmProviderType::OpenAi)
                    .api_key("sk-e2e-0123456789"),
            )
            .await
            .expect("provider");
        in_ws
            .workspace_members()
            .add_workspace_member(
                ws,
                &AddWorkspaceMember::new("user_qa", WorkspaceRole::Viewer),
            )
            .await
            .expect("member");
    }
    client
        .organization_members()
        .add_organization_member(
            &org.id,
            &AddOrganizationMember::new("user_qa", OrganizationRole::Editor),
        )
        .await
        .expect("member");
    client
        .invitations()
        .create_invitation(&org.id, &CreateInvitation::new(OrganizationRole::Viewer))
        .await
        .expect("invitation");
    let grown = counts();
    assert!(
        grown.iter().zip(before).all(|(now, then)| *now > then),
        "each collection grew: {before:?} -> {grown:?}"
    );

    workspaces
        .delete_workspace(&spare.id)
        .await
        .expect("delete workspace");
    let without_spare = counts();
    assert_eq!(without_spare[0], grown[0] - 1, "the workspace");
    assert_eq!(without_spare[1], grown[1] - 1, "its agent");
    assert_eq!(without_spare[2], grown[2] - 1, "its provider config");
    assert_eq!(without_spare[4], grown[4] - 2, "its creator and user_qa");

    client
        .organizations()
        .delete_organization(&org.id)
        .await
        .expect("delete organization");
    assert_eq!(counts(), before, "nothing of Acme is left");
    let snapshot = emu.snapshot().to_string();
    assert!(!snapshot.contains(org.id.as_str()), "{snapshot}");
}
