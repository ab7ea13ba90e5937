//! `experiments` namespace: model comparison experiments with string ids, results, completion
//! and a deterministic `execute`.

use serde_json::{json, Value};

use super::scoring::{mean, prompt_text, render, round4, score};
use super::{
    body, bounded_array, copy_or_null, gs, nav_page, or_null, position_of, stamp_new, success,
    touch, values, Obj, State,
};
use crate::error::{missing, ApiError};
use crate::query::{q, QTy, LIMIT, OFFSET};
use crate::router::{created, ok, Ctx, Reply, Route};
use crate::validate::{opt, opt_null, req, Field, Ty, NAME, NUMBER, STR, TEXT};

const NON_EMPTY: Ty = STR;
const MODEL: &[Field] = &[
    req("id", STR),
    req("model", STR),
    // "number", no range (models.md IdModelTemperature).
    req("temperature", NUMBER),
];
const CREATE: &[Field] = &[
    req("promptId", Ty::IdLike),
    req("promptGroupId", STR),
    req("evaluationId", Ty::IdLike),
    req("datasetId", Ty::IdLike),
    req("models", Ty::Array(&Ty::Shape(MODEL))),
    // "string or integer": any count, zero included.
    opt("datasetItemCount", Ty::CountLike),
    opt("name", NAME),
];
const SUMMARY: &[Field] = &[
    req("totalEvaluations", Ty::NumOrStr),
    req("completedEvaluations", Ty::NumOrStr),
    req("perModelStats", Ty::Object),
];
const COMPLETE: &[Field] = &[
    req("status", Ty::Enum(&["completed", "failed", "partial"])),
    req("summary", Ty::Shape(SUMMARY)),
    req("completedAt", Ty::DateTime),
];
const CRITERION: &[Field] = &[
    req("name", TEXT),
    // "number 0..1" (models.md NameScorePassed).
    req("score", Ty::Num(0.0, 1.0)),
    req("passed", Ty::Bool),
    opt("description", TEXT),
    opt("reason", TEXT),
];
const RESULT: &[Field] = &[
    req("datasetItemId", Ty::NumOrStr),
    req("datasetItemIndex", Ty::NumOrStr),
    req("modelColumnId", STR),
    req("output", NON_EMPTY),
    // models.md: "number, optional, nullable", no range (unlike a criterion's score).
    opt_null("evalScore", NUMBER),
    opt_null("evalPassed", Ty::Bool),
    opt("latencyMs", Ty::NumOrStr),
    opt("error", TEXT),
    opt("traceId", TEXT),
    opt_null("evalCriteria", Ty::Array(&Ty::Shape(CRITERION))),
];
const RENAME: &[Field] = &[req("name", NAME)];

const STATUSES: &[&str] = &["running", "completed", "failed", "partial"];

pub(super) const ROUTES: &[Route] = &[
    Route::get("list_experiments", "/api/prompts/experiments/", list).query(&[
        q("promptId", QTy::Int(1, i64::MAX)),
        q("promptGroupId", QTy::Str),
        q("status", QTy::Enum(STATUSES)),
        q("createdBy", QTy::Str),
        LIMIT,
        OFFSET,
    ]),
    Route::post("create_experiment", "/api/prompts/experiments/", create).body(CREATE),
    Route::get("get_experiment", "/api/prompts/experiments/{id}", get),
    Route::patch(
        "complete_experiment",
        "/api/prompts/experiments/{id}",
        complete,
    )
    .body(COMPLETE),
    Route::delete("delete_experiment", "/api/prompts/experiments/{id}", delete),
    Route::post(
        "add_experiment_result",
        "/api/prompts/experiments/{id}/results",
        add_result,
    )
    .body(RESULT),
    Route::patch(
        "update_experiment_name",
        "/api/prompts/experiments/{id}/name",
        rename,
    )
    .body(RENAME),
    Route::post(
        "execute_experiment",
        "/api/prompts/experiments/{id}/execute",
        execute,
    ),
];

/// Integer from a number or a numeric string (validated upstream).
fn id_like(v: Option<&Value>) -> i64 {
    match v {
        Some(Value::Number(n)) => n.as_i64().unwrap_or(0),
        Some(Value::String(s)) => s.parse().unwrap_or(0),
        _ => 0,
    }
}

fn find(st: &State, id: &str) -> Result<usize, ApiError> {
    position_of(&st.experiments, "experiment", id, None)
}

/// The results recorded for experiment `id`.
fn results_of<'a>(st: &'a State, id: &'a str) -> impl Iterator<Item = &'a Obj> + 'a {
    st.exp_results
        .iter()
        .filter(move |r| gs(r, "experimentId") == Some(id))
}

fn with_results(st: &State, e: &Obj) -> Value {
    let id = gs(e, "id").unwrap_or_default();
    let results = values(results_of(st, id));
    let mut e = e.clone();
    e.insert("resultCount".into(), json!(results.len()));
    e.insert("results".into(), Value::Array(results));
    Value::Object(e)
}

fn list(st: &mut State, ctx: &Ctx) -> Result<Reply, ApiError> {
    let qv = &ctx.query;
    let rows: Vec<Value> = st
        .experiments
        .iter()
        .filter(|e| {
            qv.keeps_int(e, "promptId")
                && qv.keeps_str(e, "promptGroupId")
                && qv.keeps_str(e, "status")
                && qv.keeps_str(e, "createdBy")
        })
        .map(|e| {
            let mut e = e.clone();
            let id = gs(&e, "id").unwrap_or_default().to_string();
            let n = results_of(st, &id).count();
            e.insert("resultCount".into(), json!(n));
            Value::Object(e)
        })
        .collect();
    ok(nav_page(rows, qv))
}

fn create(st: &mut State, ctx: &Ctx) -> Result<Reply, ApiError> {
    let b = body(ctx);
    let prompt_id = id_like(b.get("promptId"));
    let group = st.prompt_group(prompt_id)?;
    let given_group = gs(b, "promptGroupId").unwrap_or_default();
    if given_group != group {
        return Err(ApiError::bad_request(format!(
            "field `promptGroupId` ({given_group}) does not match the group of prompt {prompt_id} ({group})"
        )));
    }
    let eval_id = id_like(b.get("evaluationId"));
    if !st.evaluations.contains_key(&eval_id) {
        return Err(missing("evaluation", eval_id));
    }
    let dataset_id = id_like(b.get("datasetId"));
    let available = {
        st.dataset(dataset_id)?;
        st.dataset_items(dataset_id).len() as i64
    };
    let models = bounded_array(b, "models", "model", usize::MAX)?;
    let mut cols: Vec<&str> = models
        .iter()
        .filter_map(|m| m.get("id").and_then(Value::as_str))
        .collect();
    cols.sort();
    if cols.windows(2).any(|w| w[0] == w[1]) {
        return Err(ApiError::bad_request(
            "field `models` has duplicate column ids (`models[].id`)",
        ));
    }
    let count = match b.get("datasetItemCount") {
        Some(v) => id_like(Some(v)),
        None => available,
    };
    let id = st.rng.uuid();
    let now = st.ts();
    let n = st.experiments.len() + 1;
    let mut e = Obj::new();
    e.insert("id".into(), json!(id));
    e.insert(
        "name".into(),
        b.get("name")
            .cloned()
            .unwrap_or_else(|| json!(format!("Experiment {n}"))),
    );
    e.insert("promptId".into(), json!(prompt_id));
    e.insert("promptGroupId".into(), json!(group));
    e.insert("evaluationId".into(), json!(eval_id));
    e.insert("datasetId".into(), json!(dataset_id));
    e.insert("models".into(), Value::Array(models));
    e.insert("datasetItemCount".into(), json!(count));
    e.insert("status".into(), json!("running"));
    e.insert("summary".into(), Value::Null);
    e.insert("createdBy".into(), Value::Null);
    stamp_new(&mut e, &now);
    e.insert("completedAt".into(), Value::Null);
    st.experiments.push(e);
    let v = st
        .experiments
        .last()
        .map(|e| with_results(st, e))
        .unwrap_or(Value::Null);
    created(v)
}

fn get(st: &mut State, ctx: &Ctx) -> Result<Reply, ApiError> {
    let i = find(st, ctx.sid(0))?;
    ok(with_results(st, &st.experiments[i]))
}

fn require_running(e: &Obj) -> Result<(), ApiError> {
    match gs(e, "status") {
        Some("running") => Ok(()),
        other => Err(ApiError::conflict(format!(
            "experiment {} is {}; only running experiments accept this",
            gs(e, "id").unwrap_or_default(),
            other.unwrap_or("unknown")
        ))),
    }
}

fn complete(st: &mut State, ctx: &Ctx) -> Result<Reply, ApiError> {
    let i = find(st, ctx.sid(0))?;
    require_running(&st.experiments[i])?;
    let b = body(ctx).clone();
    let now = st.ts();
    let e = &mut st.experiments[i];
    e.insert("status".into(), or_null(&b, "status"));
    e.insert("summary".into(), or_null(&b, "summary"));
    e.insert("completedAt".into(), or_null(&b, "completedAt"));
    touch(e, &now);
    ok(with_results(st, &st.experiments[i]))
}

fn delete(st: &mut State, ctx: &Ctx) -> Result<Reply, ApiError> {
    let id = ctx.sid(0).to_string();
    let i = find(st, &id)?;
    st.experiments.remove(i);
    st.exp_results
        .retain(|r| gs(r, "experimentId") != Some(&id));
    ok(success(format!("experiment {id} deleted")))
}

fn push_result(st: &mut State, exp_id: &str, b: &Obj) -> Value {
    let rid = st.rng.uuid();
    let now = st.ts();
    let mut r = Obj::new();
    r.insert("id".into(), json!(rid));
    r.insert("experimentId".into(), json!(exp_id));
    copy_or_null(
        &mut r,
        b,
        &[
            "datasetItemId",
            "datasetItemIndex",
            "modelColumnId",
            "output",
            "evalScore",
            "evalPassed",
            "latencyMs",
            "error",
            "traceId",
            "evalCriteria",
        ],
    );
    r.insert("createdAt".into(), json!(now));
    st.exp_results.push(r.clone());
    Value::Object(r)
}

fn add_result(st: &mut State, ctx: &Ctx) -> Result<Reply, ApiError> {
    let id = ctx.sid(0).to_string();
    let i = find(st, &id)?;
    let e = &st.experiments[i];
    require_running(e)?;
    let b = body(ctx);
    let col = gs(b, "modelColumnId").unwrap_or_default();
    let known = e.get("models").and_then(Value::as_array).is_some_and(|ms| {
        ms.iter()
            .any(|m| m.get("id").and_then(Value::as_str) == Some(col))
    });
    if !known {
        return Err(ApiError::bad_request(format!(
            "field `modelColumnId` ({col}) is not one of the experiment's `models[].id`"
        )));
    }
    let r = push_result(st, &id, b);
    created(r)
}

fn rename(st: &mut State, ctx: &Ctx) -> Result<Reply, ApiError> {
    let i = find(st, ctx.sid(0))?;
    let now = st.ts();
    let e = &mut st.experiments[i];
    e.insert("name".into(), or_null(body(ctx), "name"));
    touch(e, &now);
    ok(with_results(st, &st.experiments[i]))
}

fn execute(st: &mut State, ctx: &Ctx) -> Result<Reply, ApiError> {
    let id = ctx.sid(0).to_string();
    let i = find(st, &id)?;
    let e = st.experiments[i].clone();
    require_running(&e)?;
    let prompt = st
        .prompts
        .get(&super::gi(&e, "promptId").unwrap_or(0))
        .or_else(|| st.latest_in_group(gs(&e, "promptGroupId").unwrap_or_default()))
        .cloned()
        .ok_or_else(|| {
            ApiError::conflict(format!("the prompt of experiment {id} no longer exists"))
        })?;
    let text = prompt_text(&prompt);
    let limit = usize::try_from(super::gi(&e, "datasetItemCount").unwrap_or(0)).unwrap_or(0);
    let items: Vec<Obj> = st
        .dataset_items(super::gi(&e, "datasetId").unwrap_or(0))
        .into_iter()
        .take(limit)
        .cloned()
        .collect();
    let models = e
        .get("models")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let mut stats = serde_json::Map::new();
    let mut total = 0;
    for m in &models {
        let col = m["id"].as_str().unwrap_or_default().to_string();
        let model = m["model"].as_str().unwrap_or_default().to_string();
        let mut scores = Vec::new();
        for (idx, it) in items.iter().enumerate() {
            let input = or_null(it, "input");
            let s = score(&input, &text, &model);
            scores.push(s);
            let latency = round4(100.0 + 900.0 * score(&input, &model, "latency"));
            let body = json!({
                "datasetItemId": or_null(it, "id"),
                "datasetItemIndex": idx,
                "modelColumnId": col,
                "output": format!("[{model}] {}", render(&text, &input)),
                "evalScore": s,
                "evalPassed": s >= 0.5,
                "latencyMs": latency,
            });
            if let Value::Object(b) = body {
                push_result(st, &id, &b);
            }
            total += 1;
        }
        stats.insert(
            col,
            json!({"model": model, "count": scores.len(), "averageScore": mean(&scores)}),
        );
    }
    let now = st.ts();
    let e = &mut st.experiments[i];
    e.insert("status".into(), json!("completed"));
    e.insert(
        "summary".into(),
        json!({"totalEvaluations": total, "completedEvaluations": total, "perModelStats": stats}),
    );
    e.insert("completedAt".into(), json!(now));
    touch(e, &now);
    ok(with_results(st, &st.experiments[i]))
}
