//! Prompts (versions, isLatest, filters, pagination, delete) and the request validation rules.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test may panic

mod common;

use common::{build, evaluation, parse, prompt, raw, started, Client};
use mutagent_emulator::{Collection, Emulator};
use serde_json::json;

/// `POST /api/prompt/` with `body`, asserting 400; the message.
async fn refused_prompt(c: &Client, body: serde_json::Value) -> String {
    c.post("/api/prompt/", body).await.error(400)
}

#[tokio::test]
async fn versions_share_a_group_and_is_latest_moves() {
    let (emu, c) = started().await;
    let p1 = prompt(&c, "greeter", "Say hi to {name}").await;
    assert_eq!(p1["id"], 1);
    assert_eq!(p1["version"], "1.0.0");
    assert_eq!(p1["isLatest"], true);
    let group = p1["promptGroupId"].as_str().expect("group").to_string();

    let p2 = c
        .created(
            "/api/prompt/1/versions",
            json!({"newVersion": "1.1.0", "changes": {"systemPrompt": "Greet {name}"}}),
        )
        .await;
    assert_eq!(p2["id"], 2);
    assert_eq!(p2["promptGroupId"], group.as_str());
    assert_eq!(p2["isLatest"], true);
    assert_eq!(p2["systemPrompt"], "Greet {name}");
    assert_eq!(c.get("/api/prompt/1").await.json()["isLatest"], false);

    // Duplicate version in the group is refused; a bad semver too.
    c.post("/api/prompt/2/versions", json!({"newVersion": "1.1.0"}))
        .await
        .error(409);
    let m = c
        .post("/api/prompt/2/versions", json!({"newVersion": "v2"}))
        .await
        .error(400);
    assert!(m.contains("newVersion"), "{m}");

    // Making the old one latest again through update.
    c.patch_ok("/api/prompt/1", json!({"isLatest": true})).await;
    let latest = c.get_ok("/api/prompt/?isLatest=true").await;
    assert_eq!(latest["total"], 1);
    assert_eq!(latest["data"][0]["id"], 1);

    let versions = c.get_ok("/api/prompt/2/versions").await;
    assert_eq!(versions["total"], 2);
    assert_eq!(versions["promptGroupId"], group.as_str());

    // Deleting the latest moves isLatest to the newest remaining version.
    c.delete_ok("/api/prompt/1").await;
    assert_eq!(c.get("/api/prompt/2").await.json()["isLatest"], true);
    assert_eq!(emu.count(Collection::Prompts), 1);
}

#[tokio::test]
async fn list_filters_and_pagination_envelope() {
    let (_emu, c) = started().await;
    for i in 0..5 {
        c.created("/api/prompt/", json!({"name": format!("p{i}"), "inputSchema": null, "rawPrompt": "x", "tags": [format!("t{}", i % 2)], "createdBy": "ann@example.com", "version": "2.0.0"}))
        .await;
    }
    let page = c.get_ok("/api/prompt/?limit=2&offset=2").await;
    assert_eq!(page["total"], 5);
    assert_eq!(page["limit"], 2);
    assert_eq!(page["offset"], 2);
    assert_eq!(page["hasNext"], true);
    assert_eq!(page["hasPrevious"], true);
    assert_eq!(page["data"].as_array().map(Vec::len), Some(2));
    assert_eq!(page["data"][0]["id"], 3);
    let last = c.get_ok("/api/prompt/?limit=2&offset=4").await;
    assert_eq!(last["hasNext"], false);
    assert_eq!(c.get_ok("/api/prompt/?name=p3").await["total"], 1);
    assert_eq!(
        c.get_ok("/api/prompt/?createdBy=ann%40example.com&version=2.0.0")
            .await["total"],
        5
    );
    assert_eq!(
        c.get_ok("/api/prompt/?createdBy=bob%40example.com").await["total"],
        0
    );
    assert_eq!(c.get_ok("/api/prompt/tags").await, json!(["t0", "t1"]));
    let one = c.get_ok("/api/prompt/1").await;
    assert!(one["_count"].is_object());
    assert!(c.get_ok("/api/prompt/1/analytics").await["counts"].is_object());
    assert!(c.get_ok("/api/prompt/1/model-comparisons").await["comparisons"].is_array());
}

#[tokio::test]
async fn delete_prompt_with_datasets_needs_force() {
    let (emu, c) = started().await;
    prompt(&c, "p", "t").await;
    common::dataset(&c, 1, 2).await;
    let m = c.delete("/api/prompt/1").await.error(409);
    assert!(m.contains("force=true"), "{m}");
    let ok = c.delete_ok("/api/prompt/1?force=true").await;
    assert_eq!(ok["success"], true);
    assert_eq!(emu.count(Collection::Datasets), 0);
    assert_eq!(emu.count(Collection::DatasetItems), 0);
    c.get("/api/prompt/1").await.error(404);
}

#[tokio::test]
async fn body_validation_names_the_field() {
    let (emu, c) = started().await;
    let snake = refused_prompt(&c, json!({"name": "x", "input_schema": {}})).await;
    assert!(
        snake.contains("input_schema") && snake.contains("inputSchema"),
        "{snake}"
    );
    let unknown = refused_prompt(&c, json!({"name": "x", "inputSchema": {}, "colour": 1})).await;
    assert!(unknown.contains("colour"), "{unknown}");
    let missing = refused_prompt(&c, json!({"name": "x"})).await;
    assert!(missing.contains("inputSchema"), "{missing}");
    let typed = refused_prompt(&c, json!({"name": 5, "inputSchema": {}})).await;
    assert!(typed.contains("`name`"), "{typed}");
    let long = refused_prompt(&c, json!({"name": "x".repeat(256), "inputSchema": {}})).await;
    assert!(long.contains("255"), "{long}");
    let nested = refused_prompt(
        &c,
        json!({"name": "x", "inputSchema": {}, "messages": [{"role": "user", "text": "hi"}]}),
    )
    .await;
    assert!(nested.contains("messages[0].text"), "{nested}");
    let null = refused_prompt(&c, json!({"name": "x", "inputSchema": {}, "tags": null})).await;
    assert!(null.contains("tags") && null.contains("null"), "{null}");
    let arr = refused_prompt(&c, json!([1])).await;
    assert!(arr.contains("object"), "{arr}");
    let nobody = c.post_empty("/api/prompt/").await.error(400);
    assert!(nobody.contains("body"), "{nobody}");
    // A body on an operation that takes none.
    prompt(&c, "p", "t").await;
    common::dataset(&c, 1, 1).await;
    evaluation(&c).await;
    let m = c
        .post("/api/prompts/evaluations/1/run", json!({"now": true}))
        .await
        .error(400);
    assert!(m.contains("no request body"), "{m}");
    c.post_ok("/api/prompts/evaluations/1/run", json!({})).await;
    // Nothing invalid was stored.
    assert_eq!(emu.count(Collection::Prompts), 1);
}

#[tokio::test]
async fn malformed_json_and_content_type() {
    let emu = Emulator::start().await.expect("start");
    let addr = emu.addr();
    let hdr = [("x-api-key", "k"), ("content-type", "application/json")];
    let r = parse(
        &raw(
            addr,
            &build("POST", "/api/prompt/", &hdr, Some(b"{\"name\":")),
        )
        .await
        .expect("io"),
    )
    .expect("resp");
    assert!(r.error(400).contains("not valid JSON"));
    let hdr = [("x-api-key", "k"), ("content-type", "text/plain")];
    let r = parse(
        &raw(addr, &build("POST", "/api/prompt/", &hdr, Some(b"{}")))
            .await
            .expect("io"),
    )
    .expect("resp");
    assert!(r.error(415).contains("application/json"));
}

#[tokio::test]
async fn query_validation() {
    let (_emu, c) = started().await;
    for (q, needle) in [
        ("/api/prompt/?limit=0", "limit"),
        ("/api/prompt/?limit=101", "limit"),
        ("/api/prompt/?limit=ten", "limit"),
        ("/api/prompt/?offset=-1", "offset"),
        ("/api/prompt/?isLatest=True", "isLatest"),
        ("/api/prompt/?isLatest=yes", "isLatest"),
        ("/api/prompt/?is_latest=true", "is_latest"),
        ("/api/prompt/?limit=1&limit=2", "limit"),
        (
            "/api/prompts/evaluations/results?groupBy=evaluation",
            "promptGroupId",
        ),
        (
            "/api/prompts/evaluations/results?promptGroupId=g",
            "groupBy",
        ),
        ("/api/traces/stats", "groupBy"),
        ("/api/traces/stats?groupBy=colour", "groupBy"),
        ("/api/traces/?startAfter=yesterday", "startAfter"),
    ] {
        let m = c.get(q).await.error(400);
        assert!(m.contains(needle), "{q}: {m}");
    }
    c.get_ok("/api/prompt/?limit=100&offset=0&isLatest=false")
        .await;
}

#[tokio::test]
async fn auth_routes_and_methods() {
    let emu = Emulator::start().await.expect("start");
    let anon = Client::without_key(emu.addr());
    let r = anon.get("/api/prompt/").await;
    assert!(r.error(401).contains("x-api-key"));
    assert!(r.header("x-request-id").is_some());
    let mut empty = Client::new(emu.addr());
    empty.key = Some(String::new());
    empty.get("/api/prompt/").await.error(401);
    // Any non-empty key by default.
    let mut other = Client::new(emu.addr());
    other.key = Some("whatever".into());
    other.get_ok("/api/prompt/").await;

    let c = Client::new(emu.addr());
    c.get("/api/prompt/999").await.error(404);
    c.get("/api/nope").await.error(404);
    let slash = c.get("/api/prompt").await.error(404);
    assert!(slash.contains("/api/prompt/"), "{slash}");
    c.get("/api/optimization/").await.error(404);
    c.get_ok("/api/optimization").await;
    let r = c.send("PUT", "/api/prompt/1", None).await;
    r.error(405);
    assert!(r.header("allow").is_some_and(|a| a.contains("PATCH")));
    c.send("DELETE", "/api/prompt/tags", None).await.error(405);
    assert!(c.get("/api/prompt/abc").await.error(400).contains("id"));
    c.get("/api/prompt/0").await.error(400);
    let ok = c.get("/api/prompt/").await;
    assert!(ok.header("x-request-id").is_some_and(|v| !v.is_empty()));
}

#[tokio::test]
async fn configured_key_and_open_mode() {
    let emu = Emulator::builder()
        .api_key("mt_test_key")
        .start()
        .await
        .expect("start");
    assert_eq!(emu.api_key(), Some("mt_test_key"));
    Client::new(emu.addr()).get_ok("/api/prompt/").await;
    let mut wrong = Client::new(emu.addr());
    wrong.key = Some("mt_other".into());
    assert!(wrong
        .get("/api/prompt/")
        .await
        .error(401)
        .contains("invalid"));

    let open = Emulator::builder().open(true).start().await.expect("start");
    Client::without_key(open.addr())
        .get_ok("/api/prompt/")
        .await;
}

/// models.md, "The `Schema*` aliases": `Schemamaximu` covers the "`limit` query of …
/// list_agents" and resolves to "integer, 1..100 for `limit`", as for the other offset lists.
#[tokio::test]
async fn list_agents_refuses_a_limit_outside_1_to_100() {
    let (_emu, c) = started().await;
    for limit in [0, 101] {
        let m = c
            .get(&format!("/api/agents/?limit={limit}"))
            .await
            .error(400);
        assert!(m.contains("limit"), "{limit}: {m}");
    }
    for limit in [1, 100] {
        let page = c.get_ok(&format!("/api/agents/?limit={limit}")).await;
        assert_eq!(page["limit"], limit);
    }
}

/// operations.tsv: `get_agent_by_slug GET /api/agents/slug/{slug} slug:string`, `delete_session
/// DELETE /api/users/me/sessions/{id} id:string` — no length limit for these, nor for any other
/// string path parameter. A long one that nothing has is a 404, as any unknown one is.
#[tokio::test]
async fn a_long_string_path_parameter_is_not_a_bad_request() {
    let (_emu, c) = started().await;
    let long = "a".repeat(256);
    for (method, path) in [
        ("GET", format!("/api/agents/slug/{long}")),
        ("DELETE", format!("/api/users/me/sessions/{long}")),
        ("GET", format!("/api/providers/{long}")),
        ("GET", format!("/api/organizations/{long}")),
    ] {
        let r = c.send(method, &path, None).await;
        assert_eq!(
            r.status,
            404,
            "{method} {path}: {}",
            String::from_utf8_lossy(&r.body)
        );
    }
}

/// operations.tsv types these filters `string?` (`list_agents` `name:string?`,
/// `list_prompt_executions` `model:string?`, …) and states no minimum length; README §4:
/// "entries whose value is `None` are dropped; all others are `str(value)`", so an empty filter
/// goes out as `name=`. It filters as any value does: `name` by "contains" (every name contains
/// ""), `model` by equality (no execution has the model "").
#[tokio::test]
async fn an_empty_string_filter_is_not_a_bad_request() {
    let (_emu, c) = started().await;
    c.created(
        "/api/agents/",
        json!({"name": "A", "slug": "a", "systemPrompt": "p"}),
    )
    .await;
    let agents = c.get_ok("/api/agents/?name=").await;
    assert_eq!(agents["total"], 1);
    prompt(&c, "p", "Hi").await;
    let e = json!({"promptId": 1, "inputs": {}, "model": "m", "actualOutput": "o",
                   "executionStatus": "success"});
    c.created("/api/prompts/executions/", e).await;
    let executions = c.get_ok("/api/prompts/executions/?model=").await;
    assert_eq!(executions["total"], 0);
}
