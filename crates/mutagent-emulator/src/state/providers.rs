//! `provider_configs` namespace (0.4.1 `llm_providers`): LLM provider credentials of the
//! workspace a request acts in (the `x-workspace-id` header, else the default workspace).
//!
//! The API key is kept in a side table and never sent back: answers carry `apiKeyMasked`
//! (ProviderConfig, "the plain key is never returned"), and credential field values are
//! masked the same way.

use serde_json::{json, Map, Value};

use super::admin::{workspace_of, ME};
use super::{
    body, copy_or_null, gb, gs, make_only_default, patch, position_of, stamp_new, success, values,
    Obj, State,
};
use crate::error::ApiError;
use crate::ids::fnv1a;
use crate::query::{q, QTy};
use crate::router::{created, ok, Ctx, Reply, Route};
use crate::validate::{
    opt, opt_null, req, Field, Ty, STRINGS, STRING_MAP, STRING_OR_NULL_MAP, TEXT,
};

/// LlmProviderType (models-secondary.md, 0.4.1).
const PROVIDERS: &[&str] = &[
    "openai",
    "anthropic",
    "google",
    "moonshot",
    "glm",
    "deepseek",
    "xai",
    "azure",
    "vertex",
    "bedrock",
    "custom",
];

/// ProviderModel `{id, displayName?, family?, roles?, source?}`.
const MODEL: Ty = Ty::Shape(&[
    req("id", TEXT),
    opt("displayName", TEXT),
    opt("family", TEXT),
    opt("roles", STRINGS),
    opt("source", TEXT),
]);
const MODELS: Ty = Ty::Array(&MODEL);

const CREATE: &[Field] = &[
    req("name", TEXT),
    req("provider", Ty::Enum(PROVIDERS)),
    opt("apiKey", TEXT),
    opt("credentialFields", STRING_MAP),
    opt("hostedFamily", TEXT),
    opt("baseUrl", TEXT),
    opt("modelOverrides", STRING_MAP),
    opt("isDefault", Ty::Bool),
    opt("supportedModels", MODELS),
    opt("apiVersion", TEXT),
    opt("metadata", Ty::Object),
];

const UPDATE: &[Field] = &[
    opt("name", TEXT),
    opt("apiKey", TEXT),
    // "string → string-or-null map" on update only (a null presumably removes a field).
    opt("credentialFields", STRING_OR_NULL_MAP),
    opt_null("baseUrl", TEXT),
    opt_null("modelOverrides", STRING_MAP),
    opt("isActive", Ty::Bool),
    opt("isDefault", Ty::Bool),
    opt_null("hostedFamily", TEXT),
    opt_null("supportedModels", MODELS),
    opt_null("apiVersion", TEXT),
    opt_null("metadata", Ty::Object),
];

pub(super) const ROUTES: &[Route] = &[
    Route::get("list_providers", "/api/providers/", list).query(&[
        q("provider", QTy::Str),
        q("includeInactive", QTy::Bool),
        // 0.1.2 sends these three too (0.4.1 dropped them).
        q("organizationId", QTy::Str),
        q("workspaceId", QTy::Str),
        q("userId", QTy::Str),
    ]),
    Route::post("create_provider", "/api/providers/", create).body(CREATE),
    Route::get(
        "list_available_models",
        "/api/providers/models",
        available_models,
    ),
    Route::get("get_provider", "/api/providers/{id}", get),
    Route::patch("update_provider", "/api/providers/{id}", update).body(UPDATE),
    Route::delete("delete_provider", "/api/providers/{id}", delete),
    Route::get("get_models_catalog", "/api/providers/catalog", catalog),
    Route::post("test_provider", "/api/providers/{id}/test", test),
    Route::get(
        "list_provider_config_models",
        "/api/providers/{id}/models",
        config_models,
    ),
];

/// The emulator's model catalog: `(provider, model id, display name, family)`.
const CATALOG: &[(&str, &str, &str, &str)] = &[
    ("openai", "gpt-4o", "GPT-4o", "gpt-4"),
    ("openai", "gpt-4o-mini", "GPT-4o mini", "gpt-4"),
    (
        "anthropic",
        "claude-sonnet-4-5",
        "Claude Sonnet 4.5",
        "claude",
    ),
    (
        "anthropic",
        "claude-haiku-4-5",
        "Claude Haiku 4.5",
        "claude",
    ),
    ("google", "gemini-2.5-pro", "Gemini 2.5 Pro", "gemini"),
    ("deepseek", "deepseek-chat", "DeepSeek Chat", "deepseek"),
    ("xai", "grok-4", "Grok 4", "grok"),
];

fn catalog_of(
    provider: &str,
) -> impl Iterator<Item = &'static (&'static str, &'static str, &'static str, &'static str)> + '_ {
    CATALOG.iter().filter(move |(p, ..)| *p == provider)
}

/// `sk-…wxyz`: the first three and last four characters of a long key; a short one entirely
/// hidden.
fn mask(secret: &str) -> String {
    let chars: Vec<char> = secret.chars().collect();
    if chars.len() < 12 {
        return "****".into();
    }
    let head: String = chars[..3].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}…{tail}")
}

fn masked_fields(fields: Option<&Value>) -> Value {
    match fields.and_then(Value::as_object) {
        Some(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), json!(mask(v.as_str().unwrap_or_default()))))
                .collect::<Map<_, _>>(),
        ),
        None => Value::Null,
    }
}

fn find(st: &State, ctx: &Ctx) -> Result<usize, ApiError> {
    let ws = workspace_of(st, ctx)?;
    let scope = Some(("workspaceId", ws.as_str()));
    position_of(
        &st.admin.provider_configs,
        "provider config",
        ctx.sid(0),
        scope,
    )
}

fn has_credentials(st: &State, c: &Obj) -> bool {
    let id = gs(c, "id").unwrap_or_default();
    st.admin.provider_keys.contains_key(id)
        || c.get("credentialFields")
            .and_then(Value::as_object)
            .is_some_and(|m| !m.is_empty())
}

/// Sets the key (kept aside, masked in the record) and the masked credential fields.
fn store_credentials(st: &mut State, i: usize, b: &Obj) {
    let id = gs(&st.admin.provider_configs[i], "id")
        .unwrap_or_default()
        .to_string();
    if let Some(key) = gs(b, "apiKey") {
        st.admin.provider_keys.insert(id, key.to_string());
        st.admin.provider_configs[i].insert("apiKeyMasked".into(), json!(mask(key)));
    }
    if b.contains_key("credentialFields") {
        let fields = masked_fields(b.get("credentialFields"));
        st.admin.provider_configs[i].insert("credentialFields".into(), fields);
    }
}

/// Makes config `i` the only default of its provider type in its workspace.
fn make_default(st: &mut State, i: usize) {
    make_only_default(
        &mut st.admin.provider_configs,
        i,
        &["workspaceId", "provider"],
    );
}

fn list(st: &mut State, ctx: &Ctx) -> Result<Reply, ApiError> {
    let ws = match ctx.query.str("workspaceId") {
        Some(w) => w.to_string(),
        None => workspace_of(st, ctx)?,
    };
    let qv = &ctx.query;
    let rows = values(
        st.admin
            .provider_configs
            .iter()
            .filter(|c| gs(c, "workspaceId") == Some(&ws))
            .filter(|c| qv.keeps_active(c))
            .filter(|c| qv.keeps_str(c, "provider")),
    );
    ok(json!({"configs": rows, "total": rows.len()}))
}

fn create(st: &mut State, ctx: &Ctx) -> Result<Reply, ApiError> {
    let ws = workspace_of(st, ctx)?;
    let b = body(ctx);
    let now = st.ts();
    let mut c = Obj::new();
    c.insert("id".into(), json!(st.rng.uuid()));
    copy_or_null(&mut c, b, &["name", "provider"]);
    c.insert("apiKeyMasked".into(), json!(""));
    c.insert("workspaceId".into(), json!(ws));
    copy_or_null(
        &mut c,
        b,
        &[
            "baseUrl",
            "modelOverrides",
            "hostedFamily",
            "supportedModels",
            "apiVersion",
            "metadata",
        ],
    );
    c.insert("isActive".into(), json!(true));
    c.insert("isDefault".into(), json!(gb(b, "isDefault")));
    c.insert("credentialFields".into(), Value::Null);
    c.insert("createdBy".into(), json!(ME));
    stamp_new(&mut c, &now);
    st.admin.provider_configs.push(c);
    let i = st.admin.provider_configs.len() - 1;
    store_credentials(st, i, b);
    if gb(b, "isDefault") {
        make_default(st, i);
    }
    created(Value::Object(st.admin.provider_configs[i].clone()))
}

fn get(st: &mut State, ctx: &Ctx) -> Result<Reply, ApiError> {
    let i = find(st, ctx)?;
    ok(Value::Object(st.admin.provider_configs[i].clone()))
}

fn update(st: &mut State, ctx: &Ctx) -> Result<Reply, ApiError> {
    let i = find(st, ctx)?;
    let b = body(ctx);
    let now = st.ts();
    let c = &mut st.admin.provider_configs[i];
    patch(
        c,
        b,
        &[
            "name",
            "baseUrl",
            "modelOverrides",
            "isActive",
            "isDefault",
            "hostedFamily",
            "supportedModels",
            "apiVersion",
            "metadata",
        ],
        &now,
    );
    store_credentials(st, i, b);
    if b.get("isDefault").and_then(Value::as_bool) == Some(true) {
        make_default(st, i);
    }
    ok(Value::Object(st.admin.provider_configs[i].clone()))
}

fn delete(st: &mut State, ctx: &Ctx) -> Result<Reply, ApiError> {
    let i = find(st, ctx)?;
    let c = st.admin.provider_configs.remove(i);
    st.admin
        .provider_keys
        .remove(gs(&c, "id").unwrap_or_default());
    ok(success(format!("provider config {} deleted", ctx.sid(0))))
}

/// ModelsList `{models: [{id, name, provider, contextWindow?, description?}], providers}`:
/// the catalog models of the providers configured (and active) in the workspace.
fn available_models(st: &mut State, ctx: &Ctx) -> Result<Reply, ApiError> {
    let ws = workspace_of(st, ctx)?;
    let mut providers: Vec<&str> = st
        .admin
        .provider_configs
        .iter()
        .filter(|c| gs(c, "workspaceId") == Some(&ws) && gb(c, "isActive"))
        .filter_map(|c| gs(c, "provider"))
        .collect();
    providers.sort_unstable();
    providers.dedup();
    let models: Vec<Value> = providers
        .iter()
        .flat_map(|p| catalog_of(p))
        .map(|(p, id, name, _)| json!({"id": id, "name": name, "provider": p}))
        .collect();
    ok(json!({"models": models, "providers": providers}))
}

/// Untyped in the contract: every model the emulator knows, grouped by provider type.
fn catalog(_st: &mut State, _ctx: &Ctx) -> Result<Reply, ApiError> {
    let providers: Vec<Value> = PROVIDERS
        .iter()
        .map(|p| {
            let models: Vec<Value> = catalog_of(p)
                .map(|(_, id, name, family)| json!({"id": id, "displayName": name, "family": family}))
                .collect();
            json!({"provider": p, "models": models})
        })
        .collect();
    ok(json!({"providers": providers}))
}

/// TestConnectionResult: succeeds when the config is active and has credentials; the
/// latency is derived from the config id, so it is deterministic.
fn test(st: &mut State, ctx: &Ctx) -> Result<Reply, ApiError> {
    let i = find(st, ctx)?;
    let c = &st.admin.provider_configs[i];
    let provider = gs(c, "provider").unwrap_or_default();
    let latency = 40 + fnv1a(gs(c, "id").unwrap_or_default().as_bytes()) % 200;
    let (success, message) = if !gb(c, "isActive") {
        (false, "the provider config is inactive".to_string())
    } else if !has_credentials(st, c) {
        (false, "no API key or credentials configured".to_string())
    } else {
        (true, format!("connected to {provider}"))
    };
    let models: Vec<&str> = catalog_of(provider).map(|(_, id, ..)| *id).collect();
    ok(json!({
        "success": success,
        "provider": provider,
        "message": message,
        "latencyMs": latency,
        "models": if success { json!(models) } else { json!([]) },
    }))
}

/// WorkspaceModelListing: live (the catalog, enabled where `supportedModels` allows) when the
/// config can connect; else the stored allow-list, `degraded` with a message.
fn config_models(st: &mut State, ctx: &Ctx) -> Result<Reply, ApiError> {
    let i = find(st, ctx)?;
    let c = &st.admin.provider_configs[i];
    let stored: Vec<&Value> = c
        .get("supportedModels")
        .and_then(Value::as_array)
        .map(|a| a.iter().collect())
        .unwrap_or_default();
    let allowed = |id: &str| stored.is_empty() || stored.iter().any(|m| m["id"] == id);
    if gb(c, "isActive") && has_credentials(st, c) {
        let models: Vec<Value> = catalog_of(gs(c, "provider").unwrap_or_default())
            .map(|(_, id, name, _)| {
                json!({"id": id, "displayName": name, "enabled": allowed(id), "roles": ["chat"], "modelVerified": true})
            })
            .collect();
        return ok(json!({"models": models, "source": "live", "degraded": false, "message": null}));
    }
    let models: Vec<Value> = stored
        .iter()
        .map(|m| {
            let name = m.get("displayName").cloned().unwrap_or_else(|| m["id"].clone());
            let roles = m.get("roles").cloned().unwrap_or_else(|| json!([]));
            json!({"id": m["id"], "displayName": name, "enabled": true, "roles": roles, "modelVerified": false})
        })
        .collect();
    ok(json!({
        "models": models,
        "source": "stored",
        "degraded": true,
        "message": "live listing unavailable: the config is inactive or has no credentials",
    }))
}
