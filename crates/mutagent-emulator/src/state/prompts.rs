//! `prompt` namespace: prompts, versions (rows sharing a `promptGroupId`), tags, analytics.

use serde_json::{json, Value};

use super::{
    body, by_id_mut, copy_or_null, copy_present, gb, gi, gs, ids_in_group, in_group, nav_page,
    stamp_new, success, touch, values, Obj, State,
};
use crate::error::ApiError;
use crate::query::{q, QTy, LIMIT, OFFSET};
use crate::router::{created, ok, Ctx, Reply, Route};
use crate::validate::{opt, opt_any, req, req_any, Field, Ty, LONG, NAME, STRINGS, TEXT};

const MESSAGE: &[Field] = &[
    // RoleContent.role is a plain string in models.md.
    req("role", TEXT),
    req("content", LONG),
];
const MESSAGES: Ty = Ty::Array(&Ty::Shape(MESSAGE));

const CREATE: &[Field] = &[
    req("name", NAME),
    opt("description", TEXT),
    opt("version", TEXT),
    opt("isLatest", Ty::Bool),
    opt("systemPrompt", LONG),
    opt("humanPrompt", LONG),
    opt("rawPrompt", LONG),
    opt("messages", MESSAGES),
    req_any("inputSchema"),
    opt_any("outputSchema"),
    opt_any("metadata"),
    opt("createdBy", Ty::Email),
    opt("tags", STRINGS),
];

const UPDATE: &[Field] = &[
    opt("name", NAME),
    opt("description", TEXT),
    opt("isLatest", Ty::Bool),
    opt("systemPrompt", LONG),
    opt("humanPrompt", LONG),
    opt("rawPrompt", LONG),
    opt("messages", MESSAGES),
    opt_any("inputSchema"),
    opt_any("outputSchema"),
    opt_any("metadata"),
    opt("tags", STRINGS),
];

const NEW_VERSION: &[Field] = &[
    req("newVersion", Ty::Semver),
    opt("changes", Ty::Shape(UPDATE)),
];

/// Keys copied from create/update bodies as they are.
const EDITABLE: &[&str] = &[
    "name",
    "description",
    "systemPrompt",
    "humanPrompt",
    "rawPrompt",
    "inputSchema",
    "outputSchema",
    "metadata",
    "tags",
];

pub(super) const ROUTES: &[Route] = &[
    Route::get("list_prompts", "/api/prompt/", list).query(&[
        LIMIT,
        OFFSET,
        q("name", QTy::Str),
        q("isLatest", QTy::Bool),
        q("version", QTy::Str),
        q("createdBy", QTy::Str),
    ]),
    Route::post("create_prompt", "/api/prompt/", create).body(CREATE),
    Route::get("list_prompt_tags", "/api/prompt/tags", tags),
    Route::get("get_prompt", "/api/prompt/{id:int}", get),
    Route::patch("update_prompt", "/api/prompt/{id:int}", update).body(UPDATE),
    Route::delete("delete_prompt", "/api/prompt/{id:int}", delete).query(&[q("force", QTy::Bool)]),
    Route::get(
        "list_prompt_versions",
        "/api/prompt/{id:int}/versions",
        versions,
    ),
    Route::post(
        "create_prompt_version",
        "/api/prompt/{id:int}/versions",
        create_version,
    )
    .body(NEW_VERSION),
    Route::get(
        "get_prompt_analytics",
        "/api/prompt/{id:int}/analytics",
        analytics,
    ),
    Route::get(
        "get_prompt_model_comparisons",
        "/api/prompt/{id:int}/model-comparisons",
        model_comparisons,
    ),
];

/// Applies `messages` (which the Prompt shape has no field for) by flattening them into
/// `systemPrompt` / `humanPrompt` when those are not given explicitly.
fn apply_messages(p: &mut Obj, b: &Obj) {
    let Some(msgs) = b.get("messages").and_then(Value::as_array) else {
        return;
    };
    let join = |role: &str| -> Option<String> {
        let parts: Vec<&str> = msgs
            .iter()
            .filter(|m| m.get("role").and_then(Value::as_str) == Some(role))
            .filter_map(|m| m.get("content").and_then(Value::as_str))
            .collect();
        (!parts.is_empty()).then(|| parts.join("\n"))
    };
    if !b.contains_key("systemPrompt") {
        if let Some(s) = join("system") {
            p.insert("systemPrompt".into(), json!(s));
        }
    }
    if !b.contains_key("humanPrompt") {
        if let Some(s) = join("user") {
            p.insert("humanPrompt".into(), json!(s));
        }
    }
}

fn list(st: &mut State, ctx: &Ctx) -> Result<Reply, ApiError> {
    let qv = &ctx.query;
    let rows = values(st.prompts.values().filter(|p| {
        qv.keeps_containing(p, "name")
            && qv.keeps_bool(p, "isLatest")
            && qv.keeps_str(p, "version")
            && qv.keeps_str(p, "createdBy")
    }));
    ok(nav_page(rows, qv))
}

fn create(st: &mut State, ctx: &Ctx) -> Result<Reply, ApiError> {
    let b = body(ctx);
    let id = st.seq.prompt.next();
    let group = st.rng.uuid();
    let now = st.ts();
    let mut p = Obj::new();
    p.insert("id".into(), json!(id));
    p.insert("promptGroupId".into(), json!(group));
    copy_or_null(
        &mut p,
        b,
        &[
            "name",
            "description",
            "version",
            "isLatest",
            "systemPrompt",
            "humanPrompt",
            "rawPrompt",
        ],
    );
    p.insert(
        "version".into(),
        b.get("version").cloned().unwrap_or(json!("1.0.0")),
    );
    p.insert(
        "isLatest".into(),
        json!(b.get("isLatest").and_then(Value::as_bool).unwrap_or(true)),
    );
    copy_or_null(&mut p, b, &["inputSchema", "outputSchema", "metadata"]);
    stamp_new(&mut p, &now);
    copy_or_null(&mut p, b, &["createdBy", "tags"]);
    apply_messages(&mut p, b);
    st.prompts.insert(id, p.clone());
    created(Value::Object(p))
}

fn tags(st: &mut State, _ctx: &Ctx) -> Result<Reply, ApiError> {
    let mut all: Vec<String> = st
        .prompts
        .values()
        .filter_map(|p| p.get("tags").and_then(Value::as_array))
        .flatten()
        .filter_map(|t| t.as_str().map(str::to_string))
        .collect();
    all.sort();
    all.dedup();
    ok(json!(all))
}

fn counts(st: &State, group: &str) -> Value {
    json!({
        "versions": ids_in_group(&st.prompts, group).len(),
        "datasets": ids_in_group(&st.datasets, group).len(),
        "evaluations": ids_in_group(&st.evaluations, group).len(),
    })
}

fn get(st: &mut State, ctx: &Ctx) -> Result<Reply, ApiError> {
    let mut p = st.prompt(ctx.id(0))?.clone();
    let group = gs(&p, "promptGroupId").unwrap_or_default().to_string();
    p.insert("_count".into(), counts(st, &group));
    ok(Value::Object(p))
}

fn update(st: &mut State, ctx: &Ctx) -> Result<Reply, ApiError> {
    let id = ctx.id(0);
    let b = body(ctx);
    let group = st.prompt_group(id)?;
    let now = st.ts();
    let latest = b.get("isLatest").and_then(Value::as_bool);
    if latest == Some(true) {
        st.make_latest(&group, id);
    }
    let p = by_id_mut(&mut st.prompts, "prompt", id)?;
    copy_present(p, b, EDITABLE);
    apply_messages(p, b);
    if latest == Some(false) {
        p.insert("isLatest".into(), json!(false));
    }
    touch(p, &now);
    ok(Value::Object(p.clone()))
}

fn delete(st: &mut State, ctx: &Ctx) -> Result<Reply, ApiError> {
    let id = ctx.id(0);
    let force = ctx.query.bool("force").unwrap_or(false);
    let group = st.prompt_group(id)?;
    let siblings = ids_in_group(&st.prompts, &group).len();
    let was_latest = gb(st.prompt(id)?, "isLatest");
    let mut cascaded = String::new();
    if siblings == 1 {
        let datasets = ids_in_group(&st.datasets, &group);
        let evals = ids_in_group(&st.evaluations, &group);
        if !(datasets.is_empty() && evals.is_empty()) {
            if !force {
                return Err(ApiError::conflict(format!(
                    "prompt {id} is the last version of its group and the group still has {} dataset(s) and {} evaluation(s); pass force=true to delete them too",
                    datasets.len(),
                    evals.len()
                )));
            }
            for d in &datasets {
                st.datasets.remove(d);
                st.items.retain(|_, i| gi(i, "datasetId") != Some(*d));
            }
            for e in &evals {
                st.evaluations.remove(e);
                st.eval_prompt.remove(e);
                st.eval_results
                    .retain(|r| gi(r, "evaluationId") != Some(*e));
            }
            cascaded = format!(
                " with {} dataset(s) and {} evaluation(s)",
                datasets.len(),
                evals.len()
            );
        }
    }
    st.prompts.remove(&id);
    if was_latest {
        let next = ids_in_group(&st.prompts, &group).last().copied();
        if let Some(next) = next {
            st.make_latest(&group, next);
        }
    }
    ok(success(format!("prompt {id} deleted{cascaded}")))
}

fn group_rows(st: &State, group: &str) -> Vec<Value> {
    st.prompts
        .values()
        .filter(|p| in_group(p, group))
        .cloned()
        .map(Value::Object)
        .collect()
}

fn versions(st: &mut State, ctx: &Ctx) -> Result<Reply, ApiError> {
    let group = st.prompt_group(ctx.id(0))?;
    let rows = group_rows(st, &group);
    ok(json!({ "promptGroupId": group, "total": rows.len(), "versions": rows }))
}

fn create_version(st: &mut State, ctx: &Ctx) -> Result<Reply, ApiError> {
    let base_id = ctx.id(0);
    let b = body(ctx);
    let base = st.prompt(base_id)?.clone();
    let group = gs(&base, "promptGroupId").unwrap_or_default().to_string();
    let new_version = gs(b, "newVersion").unwrap_or_default().to_string();
    if st
        .prompts
        .values()
        .any(|p| in_group(p, &group) && gs(p, "version") == Some(&new_version))
    {
        return Err(ApiError::conflict(format!(
            "version {new_version} already exists in prompt group {group}"
        )));
    }
    let empty = Obj::new();
    let changes = b
        .get("changes")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let id = st.seq.prompt.next();
    let now = st.ts();
    let mut p = base;
    copy_present(&mut p, changes, EDITABLE);
    apply_messages(&mut p, changes);
    p.insert("id".into(), json!(id));
    p.insert("version".into(), json!(new_version));
    stamp_new(&mut p, &now);
    let latest = changes
        .get("isLatest")
        .and_then(Value::as_bool)
        .unwrap_or(true);
    p.insert("isLatest".into(), json!(false));
    st.prompts.insert(id, p);
    if latest {
        st.make_latest(&group, id);
    }
    created(Value::Object(st.prompt(id)?.clone()))
}

/// Inserts a new version derived from `base_id` (used by optimization jobs); returns its id.
pub(super) fn derive_version(
    st: &mut State,
    base_id: i64,
    suffix: &str,
    metadata: Value,
) -> Option<i64> {
    let base = st.prompts.get(&base_id)?.clone();
    let group = gs(&base, "promptGroupId")?.to_string();
    let version = next_version(st, &group);
    let id = st.seq.prompt.next();
    let now = st.ts();
    let mut p = base;
    for k in ["rawPrompt", "systemPrompt"] {
        if let Some(s) = gs(&p, k).map(str::to_string) {
            p.insert(k.into(), json!(format!("{s}{suffix}")));
        }
    }
    if gs(&p, "rawPrompt").is_none() && gs(&p, "systemPrompt").is_none() {
        p.insert("systemPrompt".into(), json!(suffix.trim()));
    }
    p.insert("id".into(), json!(id));
    p.insert("version".into(), json!(version));
    p.insert("metadata".into(), metadata);
    stamp_new(&mut p, &now);
    st.prompts.insert(id, p);
    st.make_latest(&group, id);
    Some(id)
}

/// The next free minor version in a group (`1.0.0` -> `1.1.0`).
fn next_version(st: &State, group: &str) -> String {
    let taken: Vec<String> = st
        .prompts
        .values()
        .filter(|p| in_group(p, group))
        .filter_map(|p| gs(p, "version").map(str::to_string))
        .collect();
    let mut best = (1u64, 0u64);
    for v in &taken {
        let nums: Vec<u64> = v.split('.').filter_map(|x| x.parse().ok()).collect();
        if nums.len() >= 2 && (nums[0], nums[1]) > best {
            best = (nums[0], nums[1]);
        }
    }
    let mut minor = best.1 + 1;
    loop {
        let cand = format!("{}.{}.0", best.0, minor);
        if !taken.contains(&cand) {
            return cand;
        }
        minor += 1;
    }
}

fn analytics(st: &mut State, ctx: &Ctx) -> Result<Reply, ApiError> {
    let id = ctx.id(0);
    let group = st.prompt_group(id)?;
    let evals = ids_in_group(&st.evaluations, &group);
    let scores: Vec<f64> = st
        .eval_results
        .iter()
        .filter(|r| gi(r, "evaluationId").is_some_and(|e| evals.contains(&e)))
        .filter_map(|r| r.get("score").and_then(Value::as_f64))
        .collect();
    let best = scores
        .iter()
        .cloned()
        .fold(None, |m: Option<f64>, s| Some(m.map_or(s, |m| m.max(s))));
    ok(json!({
        "promptId": id,
        "promptGroupId": group,
        "counts": counts(st, &group),
        "evaluationRuns": scores.len(),
        "averageScore": super::scoring::mean(&scores),
        "bestScore": best,
        "optimizationJobs": st.jobs.iter().filter(|j| j.group() == group).count(),
        "experiments": st.experiments.iter().filter(|e| in_group(e, &group)).count(),
    }))
}

fn model_comparisons(st: &mut State, ctx: &Ctx) -> Result<Reply, ApiError> {
    let id = ctx.id(0);
    let group = st.prompt_group(id)?;
    // model name -> (scores, latencies, runs)
    let mut rows: Vec<(String, Vec<f64>, Vec<f64>, usize)> = Vec::new();
    for e in st.experiments.iter().filter(|e| in_group(e, &group)) {
        let exp_id = gs(e, "id").unwrap_or_default();
        let models = e
            .get("models")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        for r in st
            .exp_results
            .iter()
            .filter(|r| gs(r, "experimentId") == Some(exp_id))
        {
            let col = gs(r, "modelColumnId").unwrap_or_default();
            let model = models
                .iter()
                .find(|m| m.get("id").and_then(Value::as_str) == Some(col))
                .and_then(|m| m.get("model").and_then(Value::as_str))
                .unwrap_or(col)
                .to_string();
            let idx = match rows.iter().position(|r| r.0 == model) {
                Some(i) => i,
                None => {
                    rows.push((model, Vec::new(), Vec::new(), 0));
                    rows.len() - 1
                }
            };
            let row = &mut rows[idx];
            row.3 += 1;
            if let Some(s) = r.get("evalScore").and_then(Value::as_f64) {
                row.1.push(s);
            }
            if let Some(l) = r
                .get("latencyMs")
                .and_then(|v| v.as_f64().or_else(|| v.as_str()?.parse().ok()))
            {
                row.2.push(l);
            }
        }
    }
    let comparisons: Vec<Value> = rows
        .into_iter()
        .map(|(model, s, l, n)| {
            json!({"model": model, "runs": n, "averageScore": super::scoring::mean(&s), "averageLatencyMs": super::scoring::mean(&l)})
        })
        .collect();
    ok(json!({ "promptId": id, "promptGroupId": group, "comparisons": comparisons }))
}
