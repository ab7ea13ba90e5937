//! Wire tests: every provider config operation (`llm_providers`) sends exactly the method,
//! path, query, headers and body of the contract, and decodes a realistic answer (and ones of
//! the other server generation) — through the async and the blocking client; the API key
//! never shows in `Debug` or in an error of the SDK's own.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test may panic

use mutagent_provider_configs::{
    CreateProviderConfig, ListProviderConfigs, LlmProviderType, LlmProvidersExt,
    ModelListingSource, ProviderModel, UpdateProviderConfig,
};
use mutagent_wire_test::*;
use serde_json::{json, Value};

const KEY_TEXT: &str = "sk-live-abcdefghijklmnop";

fn config_json(id: &str, provider: &str) -> Value {
    json!({
        "id": id,
        "name": "Main",
        "provider": provider,
        "apiKeyMasked": "sk-…mnop",
        "workspaceId": "ws_1",
        "baseUrl": null,
        "modelOverrides": {"fast": "gpt-4o-mini"},
        "isActive": true,
        "isDefault": false,
        "hostedFamily": null,
        "supportedModels": [{"id": "gpt-4o", "displayName": "GPT-4o"}],
        "apiVersion": null,
        "metadata": null,
        "credentialFields": null,
        "createdBy": "u0",
        "createdAt": "2026-11-01T10:00:00.000Z",
        "updatedAt": "2026-11-01T10:00:00.000Z"
    })
}

#[test]
fn list_provider_configs() {
    let list =
        json!({"configs": [config_json("c1", "openai"), config_json("c2", "mistral")], "total": 2});
    let (request, list) = both_call!(Reply::json(200, list), |c| c
        .llm_providers()
        .list_provider_configs(
            &ListProviderConfigs::new()
                .provider(LlmProviderType::OpenAi)
                .include_inactive(false)
        ));
    assert_common(
        &request,
        "GET",
        "/api/providers/",
        Some("provider=openai&includeInactive=false"),
        None,
    );
    assert_eq!(list.total, 2);
    assert_eq!(
        list.configs[1].provider,
        LlmProviderType::Unknown("mistral".into())
    );
    assert_eq!(
        list.configs[0].model_overrides.as_ref().unwrap()["fast"],
        "gpt-4o-mini"
    );
}

#[test]
fn create_provider_config_sends_the_key_and_never_shows_it() {
    let body = || {
        CreateProviderConfig::new("Main", LlmProviderType::OpenAi)
            .api_key(KEY_TEXT)
            .credential_field("organization", "org-secret-value")
            .supported_models([ProviderModel::new("gpt-4o").display_name("GPT-4o")])
            .is_default(true)
    };
    let shown = format!("{:?}", body());
    assert!(
        !shown.contains(KEY_TEXT) && !shown.contains("org-secret-value"),
        "{shown}"
    );
    let (request, config) = both_call!(Reply::json(201, config_json("c1", "openai")), |c| c
        .llm_providers()
        .create_provider_config(&body()));
    assert_common(
        &request,
        "POST",
        "/api/providers/",
        None,
        Some(json!({
            "name": "Main",
            "provider": "openai",
            "apiKey": KEY_TEXT,
            "credentialFields": {"organization": "org-secret-value"},
            "isDefault": true,
            "supportedModels": [{"id": "gpt-4o", "displayName": "GPT-4o"}]
        })),
    );
    assert_eq!(config.api_key_masked.as_deref(), Some("sk-…mnop"));
}

#[test]
fn list_available_models() {
    let answer = json!({"models": [{"id": "gpt-4o", "name": "GPT-4o", "provider": "openai"}, {"no": "id"}], "providers": ["openai"]});
    let (request, available) = both_call!(Reply::json(200, answer), |c| c
        .llm_providers()
        .list_available_models());
    assert_common(&request, "GET", "/api/providers/models", None, None);
    assert_eq!(
        available.models().len(),
        1,
        "the element without an id is skipped"
    );
    assert_eq!(available.providers(), ["openai"]);
}

#[test]
fn get_provider_config() {
    let (request, config) = both_call!(Reply::json(200, config_json("c/1", "anthropic")), |c| c
        .llm_providers()
        .get_provider_config("c/1"));
    assert_common(&request, "GET", "/api/providers/c%2F1", None, None);
    assert_eq!(config.provider, LlmProviderType::Anthropic);
}

#[test]
fn update_provider_config_sets_and_clears() {
    let (request, _) = both_call!(Reply::json(200, config_json("c1", "openai")), |c| c
        .llm_providers()
        .update_provider_config(
            "c1",
            &UpdateProviderConfig::new()
                .api_key("sk-rotated-key-0001")
                .clear_base_url()
                .api_version("2024-10-01")
                .is_active(false)
                .credential_field("organization", None)
        ));
    assert_common(
        &request,
        "PATCH",
        "/api/providers/c1",
        None,
        Some(json!({
            "apiKey": "sk-rotated-key-0001",
            "credentialFields": {"organization": null},
            "baseUrl": null,
            "isActive": false,
            "apiVersion": "2024-10-01"
        })),
    );
}

#[test]
fn delete_provider_config() {
    assert_deleted!("/api/providers/c1", |c| c
        .llm_providers()
        .delete_provider_config("c1"));
}

#[test]
fn get_model_catalog() {
    let (request, catalog) = both_call!(Reply::json(200, json!({"providers": []})), |c| c
        .llm_providers()
        .get_model_catalog());
    assert_common(&request, "GET", "/api/providers/catalog", None, None);
    assert_eq!(catalog, json!({"providers": []}));
}

#[test]
fn test_provider_config_sends_no_body() {
    let answer = json!({"success": false, "provider": "openai", "message": "401 from provider"});
    let (request, result) = both_call!(Reply::json(200, answer), |c| c
        .llm_providers()
        .test_provider_config("c1"));
    assert_common(&request, "POST", "/api/providers/c1/test", None, None);
    assert!(!result.success);
    assert_eq!((result.latency_ms, result.models), (None, None));
}

#[test]
fn list_provider_config_models() {
    let answer = json!({
        "models": [{"id": "gpt-4o", "displayName": "GPT-4o", "enabled": true, "roles": ["chat"], "modelVerified": true}],
        "source": "cached",
        "degraded": false,
        "message": null
    });
    let (request, listing) = both_call!(Reply::json(200, answer), |c| c
        .llm_providers()
        .list_provider_config_models("c1"));
    assert_common(&request, "GET", "/api/providers/c1/models", None, None);
    assert!(listing.models[0].enabled);
    assert_eq!(listing.source, ModelListingSource::Unknown("cached".into()));
}

/// A 0.1.2 config (`family`, `organizationId`, `userId`, `workspaceId: null`, no
/// `credentialFields`) decodes too.
#[test]
fn configs_of_the_0_1_2_generation_decode() {
    let old = json!({
        "id": "c1", "name": "Old", "provider": "openai", "apiKeyMasked": "****",
        "organizationId": "org_1", "workspaceId": null, "userId": null, "family": "gpt",
        "isActive": true, "isDefault": true
    });
    let (_, config) = both_call!(Reply::json(200, old), |c| c
        .llm_providers()
        .get_provider_config("c1"));
    assert_eq!(config.hosted_family.as_deref(), Some("gpt"));
    assert_eq!(config.organization_id.as_deref(), Some("org_1"));
    assert_eq!(config.workspace_id, None);
}

/// `hostedFamily` alone decodes, and a server sending both `hostedFamily` and 0.1.2's
/// `family` decodes too (no "duplicate field"), keeping `hostedFamily`'s value.
#[test]
fn hosted_family_decodes_alone_and_beside_the_0_1_2_family() {
    let config = |extra: serde_json::Value| {
        let mut body = json!({"id": "c1", "name": "N", "provider": "openai"});
        body.as_object_mut()
            .expect("object")
            .extend(extra.as_object().expect("object").clone());
        both_call!(Reply::json(200, body), |c| c
            .llm_providers()
            .get_provider_config("c1"))
        .1
        .hosted_family
    };
    assert_eq!(
        config(json!({"hostedFamily": "claude"})).as_deref(),
        Some("claude")
    );
    let both = json!({"family": "gpt", "hostedFamily": "claude"});
    assert_eq!(config(both).as_deref(), Some("claude"));
    assert_eq!(
        config(json!({"hostedFamily": null, "family": "gpt"})).as_deref(),
        Some("gpt")
    );
    assert_eq!(config(json!({})), None);
}

/// A wrong-typed value under either name is reported at its key, not at the config (as a
/// `#[serde(flatten)]` field would).
#[test]
fn a_wrong_type_under_either_family_name_names_its_path() {
    for (field, path) in [
        ("hostedFamily", "configs[1].hostedFamily"),
        ("family", "configs[1].family"),
    ] {
        let mut second = config_json("c2", "openai");
        second[field] = json!(5);
        let list = json!({"configs": [config_json("c1", "openai"), second], "total": 2});
        let server = ScriptedServer::start(vec![Reply::json(200, list)]);
        let err = blocking_client(&server)
            .llm_providers()
            .list_provider_configs(&ListProviderConfigs::new())
            .expect_err("a number is no family");
        let Error::Decode(decode) = &err else {
            panic!("expected Error::Decode, got {err:?}")
        };
        assert_eq!(decode.path(), path, "{err}");
    }
}

/// A server that echoes the key in an error: the SDK's own messages never add it, and the
/// request body is not part of the error.
#[test]
fn the_key_is_not_in_errors_of_the_sdk() {
    let server = ScriptedServer::start(vec![Reply::json(
        400,
        json!({"error": "validation_error", "message": "bad provider", "statusCode": 400}),
    )]);
    let err = blocking_client(&server)
        .llm_providers()
        .create_provider_config(
            &CreateProviderConfig::new("x", LlmProviderType::OpenAi).api_key(KEY_TEXT),
        )
        .expect_err("400");
    assert!(!err.to_string().contains(KEY_TEXT), "{err}");
    assert!(!format!("{err:?}").contains(KEY_TEXT), "{err:?}");
}

/// The contract's `metadata` is an object (CreateProviderConfigRequest; nullable on update, so
/// clearing it stays possible): a string or an array is refused before sending.
#[test]
fn a_non_object_metadata_is_refused_before_sending() {
    nothing_sent(|client| {
        let create =
            CreateProviderConfig::new("P", LlmProviderType::OpenAi).metadata(json!("tier-1"));
        assert_invalid(
            client.llm_providers().create_provider_config(&create),
            "metadata",
        );
        let update = UpdateProviderConfig::new().metadata(json!([1]));
        assert_invalid(
            client
                .llm_providers()
                .update_provider_config("pc_1", &update),
            "metadata",
        );
    });
    let server = ScriptedServer::start(vec![Reply::json(200, json!({}))]);
    let cleared = UpdateProviderConfig::new().clear_metadata();
    let _ = blocking_client(&server)
        .llm_providers()
        .update_provider_config("pc_1", &cleared);
    assert_eq!(server.requests().len(), 1, "a cleared metadata is sent");
}
