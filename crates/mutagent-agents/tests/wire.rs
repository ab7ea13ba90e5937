//! Wire tests: every `agents` operation sends exactly the method, path, query, headers and body
//! of the contract, and decodes a realistic answer (and one with unknown fields and values) —
//! through the async and the blocking client.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test may panic

use mutagent_agents::{AgentSourceKind, AgentsExt, CreateAgent, ListAgents, UpdateAgent};
use mutagent_wire_test::*;
use serde_json::{json, Value};

fn agent_json(id: i64, slug: &str) -> Value {
    json!({
        "id": id,
        "workspaceId": "ws_1",
        "name": "Support",
        "slug": slug,
        "description": null,
        "sourceKind": "inline",
        "systemPrompt": "You answer tickets.",
        "model": "claude-sonnet-4-5",
        "maxTurns": 8,
        "permissionMode": "default",
        "allowedTools": ["search"],
        "disallowedTools": null,
        "status": "active",
        "isPublic": false,
        "metadata": {"team": "cx"},
        "tags": null,
        "createdBy": "user_1",
        "createdAt": "2026-11-01T10:00:00.000Z",
        "updatedAt": "2026-11-01T11:00:00.000Z",
        "archivedAt": null
    })
}

#[test]
fn list_agents() {
    let page = json!({"data": [agent_json(1, "a"), agent_json(2, "b")], "total": 5, "limit": 2, "offset": 0});
    let (request, page) = both_call!(Reply::json(200, page), |c| c.agents().list_agents(
        &ListAgents::new()
            .limit(2)
            .offset(0)
            .name("sup")
            .status("active")
            .created_by("user_1")
            .is_public(false)
    ));
    assert_common(
        &request,
        "GET",
        "/api/agents/",
        Some("limit=2&offset=0&name=sup&status=active&createdBy=user_1&isPublic=false"),
        None,
    );
    assert_eq!((page.total, page.data.len()), (5, 2));
    assert_eq!(page.data[1].slug, "b");
}

#[test]
fn list_agents_all_walks_every_page() {
    let page = |ids: &[i64], offset: u64| {
        let data: Vec<Value> = ids.iter().map(|id| agent_json(*id, "s")).collect();
        Reply::json(
            200,
            json!({"data": data, "total": 3, "limit": 2, "offset": offset}),
        )
    };
    let server = ScriptedServer::start(vec![page(&[1, 2], 0), page(&[3], 2)]);
    let ids: Vec<i64> = blocking_client(&server)
        .agents()
        .list_agents_all(&ListAgents::new().limit(2))
        .map(|a| a.expect("page").id.get())
        .collect();
    assert_eq!(ids, [1, 2, 3]);
    assert_queries(&server, &["limit=2&offset=0", "limit=2&offset=2"]);
}

#[test]
fn create_agent() {
    let (request, agent) = both_call!(Reply::json(201, agent_json(7, "support")), |c| c
        .agents()
        .create_agent(
            &CreateAgent::new("Support", "support", "You answer tickets.")
                .model("claude-sonnet-4-5")
                .max_turns(8)
                .allowed_tools(["search"])
                .metadata(json!({"team": "cx"}))
                .created_by("user_1")
        ));
    assert_common(
        &request,
        "POST",
        "/api/agents/",
        None,
        Some(json!({
            "name": "Support",
            "slug": "support",
            "systemPrompt": "You answer tickets.",
            "createdBy": "user_1",
            "model": "claude-sonnet-4-5",
            "maxTurns": 8,
            "allowedTools": ["search"],
            "metadata": {"team": "cx"}
        })),
    );
    assert_eq!(agent.id.get(), 7);
    assert_eq!(agent.source_kind, Some(AgentSourceKind::Inline));
    assert_eq!(
        agent.allowed_tools.as_deref(),
        Some(&["search".to_owned()][..])
    );
}

#[test]
fn get_agent() {
    let (request, agent) = both_call!(Reply::json(200, agent_json(7, "support")), |c| c
        .agents()
        .get_agent(7));
    assert_common(&request, "GET", "/api/agents/7", None, None);
    assert_eq!(agent.workspace_id.as_str(), "ws_1");
}

#[test]
fn update_agent_sends_only_what_is_set() {
    let (request, _) = both_call!(Reply::json(200, agent_json(7, "support")), |c| c
        .agents()
        .update_agent(
            7,
            &UpdateAgent::new()
                .system_prompt("Be brief.")
                .is_public(true)
                .tags(["cx"])
        ));
    assert_common(
        &request,
        "PATCH",
        "/api/agents/7",
        None,
        Some(json!({"systemPrompt": "Be brief.", "isPublic": true, "tags": ["cx"]})),
    );
}

#[test]
fn delete_agent() {
    assert_deleted!("/api/agents/7", |c| c.agents().delete_agent(7));
}

#[test]
fn get_agent_by_slug_encodes_the_slug() {
    let (request, agent) = both_call!(Reply::json(200, agent_json(7, "a/b c")), |c| c
        .agents()
        .get_agent_by_slug("a/b c"));
    assert_common(&request, "GET", "/api/agents/slug/a%2Fb%20c", None, None);
    assert_eq!(agent.slug, "a/b c");
}

/// A 0.1.2 server (no sourceKind, no archivedAt) and a later one (a new source kind, a package
/// agent with a `null` system prompt, an unknown field) both decode.
#[test]
fn agents_of_both_generations_and_later_ones_decode() {
    let mut old = agent_json(1, "old");
    let old = old.as_object_mut().unwrap();
    old.remove("sourceKind");
    old.remove("archivedAt");
    let mut later = agent_json(2, "later");
    later["sourceKind"] = json!("marketplace");
    later["systemPrompt"] = Value::Null;
    later["futureField"] = json!({"x": 1});
    let page = json!({"data": [old, later], "total": 2, "limit": 20, "offset": 0});
    let (_, page) = both_call!(Reply::json(200, page), |c| c
        .agents()
        .list_agents(&ListAgents::new()));
    assert_eq!(page.data[0].source_kind, None);
    assert_eq!(
        page.data[1].source_kind,
        Some(AgentSourceKind::Unknown("marketplace".into()))
    );
    assert_eq!(page.data[1].system_prompt, None);
}

#[test]
fn bad_ids_and_limits_are_refused_before_sending() {
    let server = ScriptedServer::start(vec![]);
    let client = blocking_client(&server);
    let err = client.agents().get_agent(0).expect_err("id 0");
    assert!(err.to_string().contains("get_agent"), "{err}");
    let err = client
        .agents()
        .list_agents(&ListAgents::new().limit(0))
        .expect_err("limit 0");
    assert!(err.to_string().contains("limit"), "{err}");
    // The contract's 1..100 bound (`Schemamaximu`) names list_agents with the other lists.
    let err = client
        .agents()
        .list_agents(&ListAgents::new().limit(101))
        .expect_err("limit 101");
    assert!(err.to_string().contains("limit"), "{err}");
    assert!(client
        .agents()
        .list_agents_all(&ListAgents::new().limit(101))
        .next()
        .is_some_and(|r| r.is_err()));
    assert!(client.agents().get_agent_by_slug("").is_err());
    assert!(server.requests().is_empty(), "nothing may be sent");
}

/// The contract's `metadata` is an object (CreateAgentRequest, UpdateAgentRequest): a string or
/// an array is refused before sending, as on datasets and items.
#[test]
fn a_non_object_metadata_is_refused_before_sending() {
    nothing_sent(|client| {
        let create = CreateAgent::new("A", "a", "p").metadata(json!("team cx"));
        let err = assert_invalid(client.agents().create_agent(&create), "metadata");
        assert!(err.to_string().contains("got a string"), "{err}");
        let update = UpdateAgent::new().metadata(json!([1, 2]));
        assert_invalid(client.agents().update_agent(1, &update), "metadata");
    });
}
