//! Wire tests: every `prompt` operation sends exactly the method, path, query, headers and body
//! of the contract, and decodes a realistic answer — through the async and the blocking client.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test may panic

use mutagent_prompt::{
    CreatePrompt, CreatePromptVersion, ListPrompts, Message, Prompt, PromptContent, PromptExt,
    Role, UpdatePrompt,
};
use mutagent_wire_test::*;
use serde_json::{json, Value};

fn prompt_json(id: i64, version: &str) -> Value {
    json!({
        "id": id,
        "promptGroupId": "6f1c7a2e-8d4b-4c1e-9a7f-2b3c4d5e6f70",
        "name": "greeter",
        "description": "Says hello",
        "version": version,
        "isLatest": true,
        "systemPrompt": "You are friendly.",
        "humanPrompt": "Greet {name}.",
        "rawPrompt": null,
        "inputSchema": {"type": "object", "properties": {"name": {"type": "string"}}},
        "outputSchema": null,
        "metadata": {"team": "growth"},
        "createdAt": "2026-11-01T10:00:00.000Z",
        "updatedAt": "2026-11-01T10:00:00.000Z",
        "createdBy": "ada@example.com",
        "tags": ["demo"],
        "_count": {"datasets": 2, "evaluations": 1},
        "someFutureField": {"nested": true}
    })
}

#[test]
fn list_prompts() {
    let page = json!({
        "data": [prompt_json(1, "1.0.0"), prompt_json(2, "1.1.0")],
        "total": 12, "limit": 2, "offset": 4, "hasNext": true, "hasPrevious": true
    });
    let params = ListPrompts::new()
        .limit(2)
        .offset(4)
        .name("greeter & co")
        .is_latest(true)
        .version("1.1.0")
        .created_by("ada@example.com");
    let (request, page) = both_call!(Reply::json(200, page), |c| c.prompt().list_prompts(&params));
    assert_common(
        &request,
        "GET",
        "/api/prompt/",
        Some("limit=2&offset=4&name=greeter%20%26%20co&isLatest=true&version=1.1.0&createdBy=ada%40example.com"),
        None,
    );
    assert_eq!(page.total, 12);
    assert!(page.has_next);
    assert_eq!(page.data[1].version, "1.1.0");
    assert_eq!(
        page.data[0].counts,
        Some(json!({"datasets": 2, "evaluations": 1}))
    );
    assert_eq!(
        page.data[0].content(),
        Some(PromptContent::chat("You are friendly.", "Greet {name}."))
    );
}

#[test]
fn create_prompt() {
    let body = CreatePrompt::new(
        "greeter",
        PromptContent::messages([Message::system("Be brief."), Message::user("Hi {name}")]),
        json!({"type": "object"}),
    )
    .description("Says hello")
    .tags(["demo", "v1"])
    .created_by("ada@example.com");
    let (request, prompt) = both_call!(Reply::json(201, prompt_json(7, "1.0.0")), |c| c
        .prompt()
        .create_prompt(&body));
    assert_common(
        &request,
        "POST",
        "/api/prompt/",
        None,
        Some(json!({
            "name": "greeter",
            "messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi {name}"}],
            "inputSchema": {"type": "object"},
            "description": "Says hello",
            "createdBy": "ada@example.com",
            "tags": ["demo", "v1"]
        })),
    );
    assert_eq!(prompt.id.get(), 7);
}

#[test]
fn list_prompt_tags() {
    let (request, tags) = both_call!(Reply::json(200, json!(["demo", "prod"])), |c| c
        .prompt()
        .list_prompt_tags());
    assert_common(&request, "GET", "/api/prompt/tags", None, None);
    assert_eq!(tags, ["demo", "prod"]);
}

#[test]
fn get_prompt() {
    let (request, prompt) = both_call!(Reply::json(200, prompt_json(42, "2.0.0")), |c| c
        .prompt()
        .get_prompt(42));
    assert_common(&request, "GET", "/api/prompt/42", None, None);
    assert_eq!(prompt.version, "2.0.0");
    assert_eq!(prompt.metadata, json!({"team": "growth"}));
}

#[test]
fn update_prompt() {
    let body = UpdatePrompt::new()
        .name("greeter-2")
        .content(PromptContent::raw("Hello {name}!"))
        .is_latest(false);
    let (request, _) = both_call!(Reply::json(200, prompt_json(42, "1.0.0")), |c| c
        .prompt()
        .update_prompt(42, &body));
    assert_common(
        &request,
        "PATCH",
        "/api/prompt/42",
        None,
        Some(json!({"name": "greeter-2", "isLatest": false, "rawPrompt": "Hello {name}!"})),
    );
}

#[test]
fn update_prompt_text_fields_each_on_their_own() {
    // The contract makes each of systemPrompt, humanPrompt, rawPrompt and messages optional
    // on its own: a PATCH of only one of them must be expressible.
    let cases = [
        (
            UpdatePrompt::new().system_prompt("Be brief."),
            json!({"systemPrompt": "Be brief."}),
        ),
        (
            UpdatePrompt::new().human_prompt("Hi {name}"),
            json!({"humanPrompt": "Hi {name}"}),
        ),
        (
            UpdatePrompt::new().raw_prompt("Hello"),
            json!({"rawPrompt": "Hello"}),
        ),
        (
            UpdatePrompt::new().messages([Message::user("Hi")]),
            json!({"messages": [{"role": "user", "content": "Hi"}]}),
        ),
    ];
    for (body, expected) in cases {
        let (request, _) = both_call!(Reply::json(200, prompt_json(42, "1.0.0")), |c| c
            .prompt()
            .update_prompt(42, &body));
        assert_common(&request, "PATCH", "/api/prompt/42", None, Some(expected));
    }
}

/// Sends `create_prompt_version` of prompt 7 with `changes` through both clients, checks the
/// body (`{newVersion, changes}`) and returns the new version.
fn create_version(version: &str, changes: UpdatePrompt, sent_changes: Value) -> Prompt {
    let body = CreatePromptVersion::new(version).changes(changes);
    let (request, prompt) = both_call!(Reply::json(201, prompt_json(8, version)), |c| c
        .prompt()
        .create_prompt_version(7, &body));
    assert_common(
        &request,
        "POST",
        "/api/prompt/7/versions",
        None,
        Some(json!({"newVersion": version, "changes": sent_changes})),
    );
    prompt
}

#[test]
fn create_prompt_version_changes_one_text_field() {
    create_version(
        "1.2.0",
        UpdatePrompt::new().system_prompt("Be warm."),
        json!({"systemPrompt": "Be warm."}),
    );
}

#[test]
fn delete_prompt() {
    // `force` is `bool?`: false is sent as such, None leaves it out.
    assert_force_flag!("/api/prompt/42", |c, force| c
        .prompt()
        .delete_prompt(42, force));
}

#[test]
fn list_prompt_versions() {
    assert_json_answer!(
        "GET",
        "/api/prompt/1/versions",
        json!({"versions": [prompt_json(1, "1.0.0")], "total": 1}),
        |c| c.prompt().list_prompt_versions(1)
    );
}

#[test]
fn create_prompt_version() {
    let prompt = create_version(
        "1.1.0",
        UpdatePrompt::new().content(PromptContent::chat("Be warm.", "Greet {name}.")),
        json!({"systemPrompt": "Be warm.", "humanPrompt": "Greet {name}."}),
    );
    assert_eq!(prompt.version, "1.1.0");
}

#[test]
fn get_prompt_analytics() {
    assert_json_answer!(
        "GET",
        "/api/prompt/3/analytics",
        json!({"executions": 10, "avgLatencyMs": 120.5}),
        |c| c.prompt().get_prompt_analytics(3)
    );
}

#[test]
fn get_prompt_model_comparisons() {
    assert_json_answer!(
        "GET",
        "/api/prompt/3/model-comparisons",
        json!({"models": [{"model": "gpt-4o", "score": 0.9}]}),
        |c| c.prompt().get_prompt_model_comparisons(3)
    );
}

#[test]
fn invalid_input_is_refused_before_sending() {
    nothing_sent(|client| {
        let err = client
            .prompt()
            .list_prompts(&ListPrompts::new().limit(101))
            .expect_err("limit");
        assert!(
            err.to_string()
                .contains("`limit` must be between 1 and 100"),
            "{err}"
        );
        let long = CreatePrompt::new("x".repeat(256), PromptContent::raw("hi"), json!({}));
        assert_invalid(client.prompt().create_prompt(&long), "name");
        let empty = CreatePrompt::new("ok", PromptContent::messages([]), json!({}));
        assert!(client.prompt().create_prompt(&empty).is_err());
        let bad_version = CreatePromptVersion::new("v2");
        let err = client
            .prompt()
            .create_prompt_version(1, &bad_version)
            .expect_err("version");
        assert!(err.to_string().contains("newVersion"), "{err}");
    });
}

/// `inputSchema` on create must be a JSON object (or null), as the contract says; the error
/// names the field and shows an example.
#[test]
fn an_input_schema_that_is_not_an_object_is_refused_before_sending() {
    nothing_sent(|client| {
        for (schema, kind) in [
            (json!("name"), "a string"),
            (json!(["name"]), "an array"),
            (json!(3), "a number"),
            (json!(true), "a boolean"),
        ] {
            let body = CreatePrompt::new("greeter", PromptContent::raw("Hi {name}"), schema);
            let err = client.prompt().create_prompt(&body).expect_err("schema");
            assert_eq!(
                err.to_string(),
                format!(
                    "[create_prompt] invalid input: `inputSchema` must be a JSON Schema object \
                     such as {{\"type\": \"object\"}} (or null), not {kind}"
                )
            );
        }
    });
}

/// Integer ids start at 1: 0 and negative ids are refused in core, for every operation with
/// an id in its path, before anything is sent, through both clients.
#[test]
fn ids_below_one_are_refused_before_sending() {
    let server = ScriptedServer::start(vec![Reply::json(200, json!({}))]);
    let blocking = blocking_client(&server);
    let client = async_client(&server);
    for id in [0, -1] {
        let err = blocking.prompt().get_prompt(id).expect_err("blocking");
        assert!(
            matches!(&err, Error::InvalidInput { operation: "get_prompt", field, .. } if field == "id"),
            "{err}"
        );
        assert!(
            err.to_string()
                .contains(&format!("must be at least 1 (got {id})")),
            "{err}"
        );
        let err = runtime()
            .block_on(client.prompt().delete_prompt(id, None))
            .expect_err("async");
        assert!(
            matches!(&err, Error::InvalidInput { operation: "delete_prompt", field, .. } if field == "id"),
            "{err}"
        );
    }
    assert!(server.requests().is_empty(), "nothing may be sent");
}

#[test]
fn unknown_roles_and_fields_decode() {
    let mut prompt = prompt_json(1, "1.0.0");
    prompt["messages"] = json!([{"role": "tool", "content": "x"}]);
    let server = ScriptedServer::start(vec![Reply::json(200, prompt)]);
    let prompt = blocking_client(&server)
        .prompt()
        .get_prompt(1)
        .expect("decodes");
    let messages = prompt.messages.expect("messages");
    assert_eq!(messages[0].role, Role::Unknown("tool".into()));
}

/// The contract is unsure whether relation counts come as `_count` or `count`: either alone
/// decodes, and a server sending both (`_count` wins, in either order) must not fail the call.
#[test]
fn relation_counts_decode_from_count_or_underscore_count_or_both() {
    let cases = [
        (r#""_count": {"a": 1}"#, Some(json!({"a": 1}))),
        (r#""count": {"b": 2}"#, Some(json!({"b": 2}))),
        (
            r#""_count": {"a": 1}, "count": {"b": 2}"#,
            Some(json!({"a": 1})),
        ),
        (
            r#""count": {"b": 2}, "_count": {"a": 1}"#,
            Some(json!({"a": 1})),
        ),
        (
            r#""count": {"b": 2}, "_count": null"#,
            Some(json!({"b": 2})),
        ),
        (r#""zzz": 0"#, None),
    ];
    for (keys, expected) in cases {
        let mut prompt = prompt_json(1, "1.0.0");
        prompt.as_object_mut().expect("an object").remove("_count");
        // Written by hand: the keys in this order (a serde_json map would sort them).
        let body = format!(r#"{{{keys}, {}"#, &prompt.to_string()[1..]);
        let reply = Reply::json(200, Value::Null).body(body);
        let (_, prompt) = both_call!(reply, |c| c.prompt().get_prompt(1));
        assert_eq!(prompt.counts, expected, "{keys}");
        #[cfg(feature = "serde-roundtrip")]
        {
            let written = serde_json::to_value(&prompt).expect("serializes");
            assert_eq!(written.get("_count"), expected.as_ref(), "{keys}");
            assert_eq!(
                written.get("count"),
                None,
                "{keys}: written under _count only"
            );
        }
    }
}

/// Decoding through a twin struct (for `count`) keeps decode errors exact: the path names the
/// prompt and the field, the message the `Prompt` type.
#[test]
fn a_wrong_type_in_a_prompt_names_its_path() {
    let mut second = prompt_json(2, "1.1.0");
    second["count"] = json!({"b": 2});
    second["isLatest"] = json!("yes");
    let page = json!({
        "data": [prompt_json(1, "1.0.0"), second],
        "total": 2, "limit": 2, "offset": 0, "hasNext": false, "hasPrevious": false
    });
    let server = ScriptedServer::start(vec![Reply::json(200, page)]);
    let err = blocking_client(&server)
        .prompt()
        .list_prompts(&ListPrompts::new())
        .expect_err("a string is no boolean");
    let Error::Decode(decode) = &err else {
        panic!("expected Error::Decode, got {err:?}")
    };
    assert_eq!(decode.path(), "data[1].isLatest", "{err}");
    let server = ScriptedServer::start(vec![Reply::json(200, json!([1]))]);
    let err = blocking_client(&server)
        .prompt()
        .get_prompt(1)
        .expect_err("no prompt");
    let message = err.to_string();
    assert!(message.contains("expected struct Prompt with"), "{message}");
}

#[test]
fn list_prompts_all_walks_every_page() {
    let page = |ids: &[i64], offset: u64, has_next: bool| {
        Reply::json(
            200,
            json!({
                "data": ids.iter().map(|id| prompt_json(*id, "1.0.0")).collect::<Vec<_>>(),
                "total": 5, "limit": 2, "offset": offset, "hasNext": has_next, "hasPrevious": offset > 0
            }),
        )
    };
    let replies = vec![
        page(&[1, 2], 0, true),
        page(&[3, 4], 2, true),
        page(&[5], 4, false),
    ];

    let (prompts, server) = both_walk!(replies, |c| c
        .prompt()
        .list_prompts_all(&ListPrompts::new().limit(2)));
    let ids: Vec<i64> = prompts.iter().map(|p| p.id.get()).collect();
    assert_eq!(ids, [1, 2, 3, 4, 5]);
    assert_queries(
        &server,
        &["limit=2&offset=0", "limit=2&offset=2", "limit=2&offset=4"],
    );
}
