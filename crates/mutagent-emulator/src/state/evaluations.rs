//! `prompt_evaluations` namespace: evaluations with versions, deterministic runs, results,
//! history and aggregation.

use serde_json::{json, Value};

use super::scoring::{mean, prompt_text, render, round4, score};
use super::{
    body, by_id, by_id_mut, copy_or_null, gb, gi, gs, in_group, nav_page, or_null, patch,
    stamp_new, success, values, Obj, State,
};
use crate::error::{missing, ApiError};
use crate::query::{q, q_req, QTy, LIMIT, OFFSET};
use crate::router::{created, ok, Ctx, Reply, Route};
use crate::validate::{opt, req, Field, Ty, NAME, STRINGS, TEXT};

const CREATE: &[Field] = &[
    req("promptId", Ty::Int(1, i64::MAX)),
    opt("datasetId", Ty::Int(1, i64::MAX)),
    req("name", NAME),
    opt("description", TEXT),
    opt("evalConfig", Ty::Object),
    opt("llmConfig", Ty::Object),
    opt("tags", STRINGS),
    opt("metadata", Ty::Object),
    opt("createdBy", TEXT),
];

const UPDATE: &[Field] = &[
    opt("name", NAME),
    opt("description", TEXT),
    opt("evalConfig", Ty::Object),
    opt("llmConfig", Ty::Object),
    opt("tags", STRINGS),
    opt("metadata", Ty::Object),
];

pub(super) const ROUTES: &[Route] = &[
    Route::get("list_evaluations", "/api/prompts/evaluations/", list).query(&[
        LIMIT,
        OFFSET,
        q("promptId", QTy::Int(1, i64::MAX)),
        q("promptGroupId", QTy::Str),
        q("datasetId", QTy::Int(1, i64::MAX)),
        q("name", QTy::Str),
        q("createdBy", QTy::Str),
        q("isLatest", QTy::Bool),
    ]),
    Route::post("create_evaluation", "/api/prompts/evaluations/", create).body(CREATE),
    Route::get(
        "get_evaluation_results_aggregated",
        "/api/prompts/evaluations/results",
        aggregated,
    )
    .query(&[
        q_req("promptGroupId", QTy::Str),
        // Both free strings in the contract: any value is accepted; `groupBy` values the
        // emulator cannot compute group by evaluation, unknown `timeRange`s mean `all`.
        q_req("groupBy", QTy::Str),
        q("timeRange", QTy::Str),
    ]),
    Route::get("get_evaluation", "/api/prompts/evaluations/{id:int}", get),
    Route::patch(
        "update_evaluation",
        "/api/prompts/evaluations/{id:int}",
        update,
    )
    .body(UPDATE),
    Route::delete(
        "delete_evaluation",
        "/api/prompts/evaluations/{id:int}",
        delete,
    ),
    Route::post(
        "run_evaluation",
        "/api/prompts/evaluations/{id:int}/run",
        run,
    ),
    Route::get(
        "get_evaluation_result",
        "/api/prompts/evaluations/{id:int}/result",
        result,
    ),
    Route::get(
        "get_evaluation_history",
        "/api/prompts/evaluations/{id:int}/history",
        history,
    ),
    Route::post(
        "create_evaluation_version",
        "/api/prompts/evaluations/{id:int}/version",
        version,
    ),
];

fn eval(st: &State, id: i64) -> Result<&Obj, ApiError> {
    by_id(&st.evaluations, "evaluation", id)
}

fn list(st: &mut State, ctx: &Ctx) -> Result<Reply, ApiError> {
    let qv = &ctx.query;
    let of_prompt = st.prompt_id_filter(qv);
    let rows = values(
        st.evaluations
            .values()
            .filter(|e| of_prompt(e))
            .filter(|e| {
                qv.keeps_str(e, "promptGroupId")
                    && qv.keeps_int(e, "datasetId")
                    && qv.keeps_containing(e, "name")
                    && qv.keeps_str(e, "createdBy")
                    && qv.keeps_bool(e, "isLatest")
            }),
    );
    ok(nav_page(rows, qv))
}

fn create(st: &mut State, ctx: &Ctx) -> Result<Reply, ApiError> {
    let b = body(ctx);
    let prompt_id = gi(b, "promptId").unwrap_or(0);
    let group = st.prompt_group(prompt_id)?;
    if let Some(d) = gi(b, "datasetId") {
        let ds = st.dataset(d)?;
        if gs(ds, "promptGroupId") != Some(&group) {
            return Err(ApiError::bad_request(format!(
                "dataset {d} belongs to another prompt group than prompt {prompt_id}"
            )));
        }
    }
    let id = st.seq.evaluation.next();
    let eval_group = st.rng.uuid();
    let now = st.ts();
    let mut e = Obj::new();
    e.insert("id".into(), json!(id));
    e.insert("promptGroupId".into(), json!(group));
    copy_or_null(&mut e, b, &["datasetId", "name", "description"]);
    e.insert(
        "evalConfig".into(),
        b.get("evalConfig").cloned().unwrap_or_else(|| json!({})),
    );
    copy_or_null(&mut e, b, &["llmConfig", "tags", "metadata"]);
    stamp_new(&mut e, &now);
    e.insert("createdBy".into(), or_null(b, "createdBy"));
    e.insert("evaluationGroupId".into(), json!(eval_group));
    e.insert("version".into(), json!("1.0.0"));
    e.insert("ancestorId".into(), Value::Null);
    e.insert("isLatest".into(), json!(true));
    st.evaluations.insert(id, e.clone());
    st.eval_prompt.insert(id, prompt_id);
    created(Value::Object(e))
}

fn get(st: &mut State, ctx: &Ctx) -> Result<Reply, ApiError> {
    ok(Value::Object(eval(st, ctx.id(0))?.clone()))
}

fn update(st: &mut State, ctx: &Ctx) -> Result<Reply, ApiError> {
    let id = ctx.id(0);
    let now = st.ts();
    let e = by_id_mut(&mut st.evaluations, "evaluation", id)?;
    patch(
        e,
        body(ctx),
        &[
            "name",
            "description",
            "evalConfig",
            "llmConfig",
            "tags",
            "metadata",
        ],
        &now,
    );
    ok(Value::Object(e.clone()))
}

fn delete(st: &mut State, ctx: &Ctx) -> Result<Reply, ApiError> {
    let id = ctx.id(0);
    let e = st
        .evaluations
        .remove(&id)
        .ok_or_else(|| missing("evaluation", id))?;
    st.eval_prompt.remove(&id);
    st.eval_results
        .retain(|r| gi(r, "evaluationId") != Some(id));
    if gb(&e, "isLatest") {
        let group = gs(&e, "evaluationGroupId").unwrap_or_default().to_string();
        if let Some(next) = st
            .evaluations
            .iter_mut()
            .filter(|(_, o)| gs(o, "evaluationGroupId") == Some(&group))
            .map(|(_, o)| o)
            .next_back()
        {
            next.insert("isLatest".into(), json!(true));
        }
    }
    ok(success(format!("evaluation {id} deleted")))
}

/// Names of the configured criteria (`evalConfig.criteria[].name|id|criteria`).
pub(super) fn criteria_names(e: &Obj) -> Vec<String> {
    e.get("evalConfig")
        .and_then(|c| c.get("criteria"))
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .enumerate()
                .map(|(i, c)| {
                    ["name", "id", "criteria", "field", "metric"]
                        .iter()
                        .find_map(|k| c.get(*k).and_then(Value::as_str))
                        .map_or_else(|| format!("criterion-{}", i + 1), str::to_string)
                })
                .collect()
        })
        .unwrap_or_default()
}

fn run(st: &mut State, ctx: &Ctx) -> Result<Reply, ApiError> {
    let id = ctx.id(0);
    let e = eval(st, id)?.clone();
    let group = gs(&e, "promptGroupId").unwrap_or_default().to_string();
    let dataset_id = match gi(&e, "datasetId") {
        Some(d) => d,
        None => st
            .datasets
            .iter()
            .find(|(_, d)| in_group(d, &group))
            .map(|(k, _)| *k)
            .ok_or_else(|| {
                ApiError::bad_request(format!(
                    "evaluation {id} has no datasetId and its prompt group has no dataset to run on"
                ))
            })?,
    };
    if !st.datasets.contains_key(&dataset_id) {
        return Err(ApiError::conflict(format!(
            "dataset {dataset_id} of evaluation {id} no longer exists"
        )));
    }
    let prompt = st
        .eval_prompt
        .get(&id)
        .and_then(|p| st.prompts.get(p))
        .or_else(|| st.latest_in_group(&group))
        .cloned()
        .ok_or_else(|| {
            ApiError::conflict(format!("the prompt of evaluation {id} no longer exists"))
        })?;
    let text = prompt_text(&prompt);
    let criteria = criteria_names(&e);
    let threshold = e
        .get("evalConfig")
        .and_then(|c| c.get("threshold"))
        .and_then(Value::as_f64)
        .unwrap_or(0.5);
    let items: Vec<Obj> = st.dataset_items(dataset_id).into_iter().cloned().collect();
    let mut item_rows = Vec::new();
    let mut outputs = Vec::new();
    let mut scores = Vec::new();
    let mut per_criterion: Vec<Vec<f64>> = vec![Vec::new(); criteria.len()];
    for it in &items {
        let input = or_null(it, "input");
        let s = if criteria.is_empty() {
            score(&input, &text, "")
        } else {
            let cs: Vec<f64> = criteria.iter().map(|c| score(&input, &text, c)).collect();
            for (i, v) in cs.iter().enumerate() {
                per_criterion[i].push(*v);
            }
            mean(&cs).unwrap_or(0.0)
        };
        scores.push(s);
        item_rows.push(json!({"itemId": or_null(it, "id"), "score": s, "passed": s >= threshold}));
        outputs.push(json!({"itemId": or_null(it, "id"), "output": render(&text, &input)}));
    }
    let overall = mean(&scores);
    let criteria_rows: Vec<Value> = criteria
        .iter()
        .zip(&per_criterion)
        .map(|(n, s)| json!({"name": n, "score": mean(s)}))
        .collect();
    let result_id = st.seq.result.next();
    let now = st.ts();
    let result = json!({
        "id": result_id,
        "evaluationId": id,
        "actualOutput": outputs,
        "success": true,
        "score": overall,
        "metricResults": {
            "threshold": threshold,
            "passed": overall.is_some_and(|s| s >= threshold),
            "datasetId": dataset_id,
            "promptId": or_null(&prompt, "id"),
            "itemCount": items.len(),
            "passedCount": scores.iter().filter(|s| **s >= threshold).count(),
            "items": item_rows,
            "criteria": criteria_rows,
        },
        "executionTime": round4(25.0 * items.len() as f64),
        "createdAt": now,
    });
    if let Value::Object(r) = result {
        st.eval_results.push(r);
    }
    ok(json!({
        "success": true,
        "message": format!("evaluation {id} ran on {} item(s) of dataset {dataset_id}", items.len()),
        "evaluationId": id,
    }))
}

fn results_of(st: &State, id: i64) -> Vec<&Obj> {
    st.eval_results
        .iter()
        .filter(|r| gi(r, "evaluationId") == Some(id))
        .collect()
}

fn result(st: &mut State, ctx: &Ctx) -> Result<Reply, ApiError> {
    let id = ctx.id(0);
    eval(st, id)?;
    match results_of(st, id).last() {
        Some(r) => ok(Value::Object((*r).clone())),
        None => Err(ApiError::not_found(format!(
            "evaluation {id} has no result yet; run it first"
        ))),
    }
}

fn history(st: &mut State, ctx: &Ctx) -> Result<Reply, ApiError> {
    let id = ctx.id(0);
    let e = eval(st, id)?;
    let runs = values(results_of(st, id));
    ok(json!({
        "evaluationId": id,
        "evaluationGroupId": or_null(e, "evaluationGroupId"),
        "total": runs.len(),
        "data": runs,
    }))
}

fn version(st: &mut State, ctx: &Ctx) -> Result<Reply, ApiError> {
    let src_id = ctx.id(0);
    let src = eval(st, src_id)?.clone();
    let group = gs(&src, "evaluationGroupId")
        .unwrap_or_default()
        .to_string();
    let mut max_minor = (1u64, 0u64);
    for e in st
        .evaluations
        .values()
        .filter(|e| gs(e, "evaluationGroupId") == Some(&group))
    {
        let nums: Vec<u64> = gs(e, "version")
            .unwrap_or("")
            .split('.')
            .filter_map(|x| x.parse().ok())
            .collect();
        if nums.len() >= 2 && (nums[0], nums[1]) > max_minor {
            max_minor = (nums[0], nums[1]);
        }
    }
    let id = st.seq.evaluation.next();
    let now = st.ts();
    let mut e = src;
    e.insert("id".into(), json!(id));
    e.insert(
        "version".into(),
        json!(format!("{}.{}.0", max_minor.0, max_minor.1 + 1)),
    );
    e.insert("ancestorId".into(), json!(src_id));
    stamp_new(&mut e, &now);
    for o in st
        .evaluations
        .values_mut()
        .filter(|o| gs(o, "evaluationGroupId") == Some(&group))
    {
        o.insert("isLatest".into(), json!(false));
    }
    e.insert("isLatest".into(), json!(true));
    st.evaluations.insert(id, e.clone());
    if let Some(p) = st.eval_prompt.get(&src_id).copied() {
        st.eval_prompt.insert(id, p);
    }
    created(Value::Object(e))
}

fn aggregated(st: &mut State, ctx: &Ctx) -> Result<Reply, ApiError> {
    let qv = &ctx.query;
    let group = qv.str("promptGroupId").unwrap_or_default();
    let group_by = qv.str("groupBy").unwrap_or("evaluation");
    let window_ms: Option<i64> = match qv.str("timeRange") {
        Some("24h") => Some(86_400_000),
        Some("7d") => Some(7 * 86_400_000),
        Some("30d") => Some(30 * 86_400_000),
        Some("90d") => Some(90 * 86_400_000),
        _ => None,
    };
    let now_ms = st.wall_ms(st.now);
    // key -> (label, scores in run order)
    let mut rows: Vec<(String, Value, Vec<f64>)> = Vec::new();
    for r in &st.eval_results {
        let Some(e) = gi(r, "evaluationId").and_then(|id| st.evaluations.get(&id)) else {
            continue;
        };
        if gs(e, "promptGroupId") != Some(group) {
            continue;
        }
        let created = gs(r, "createdAt")
            .and_then(crate::clock::parse_iso)
            .unwrap_or(now_ms);
        if window_ms.is_some_and(|w| now_ms - created > w) {
            continue;
        }
        let (key, label) = match group_by {
            "version" => {
                let pid = r
                    .get("metricResults")
                    .and_then(|m| m.get("promptId"))
                    .and_then(Value::as_i64);
                let v = pid
                    .and_then(|p| st.prompts.get(&p))
                    .and_then(|p| gs(p, "version"))
                    .unwrap_or("unknown");
                (v.to_string(), json!({"promptId": pid}))
            }
            "dataset" => {
                let d = r
                    .get("metricResults")
                    .and_then(|m| m.get("datasetId"))
                    .cloned()
                    .unwrap_or(Value::Null);
                (d.to_string(), json!({"datasetId": d}))
            }
            "day" => (crate::clock::format_day(created), json!({})),
            _ => (
                gi(e, "id").unwrap_or(0).to_string(),
                json!({"evaluationId": or_null(e, "id"), "name": or_null(e, "name")}),
            ),
        };
        let s = r.get("score").and_then(Value::as_f64);
        match rows.iter_mut().find(|row| row.0 == key) {
            Some(row) => row.2.extend(s),
            None => rows.push((key, label, s.into_iter().collect())),
        }
    }
    let data: Vec<Value> = rows
        .into_iter()
        .map(|(key, label, scores)| {
            let mut o = json!({
                "key": key,
                "runs": scores.len(),
                "averageScore": mean(&scores),
                "minScore": scores.iter().cloned().reduce(f64::min),
                "maxScore": scores.iter().cloned().reduce(f64::max),
                "latestScore": scores.last(),
            });
            if let (Value::Object(o), Value::Object(l)) = (&mut o, label) {
                o.extend(l);
            }
            o
        })
        .collect();
    ok(json!({ "total": data.len(), "data": data }))
}
