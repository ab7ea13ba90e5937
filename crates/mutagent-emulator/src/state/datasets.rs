//! `prompt_datasets` namespace: datasets scoped to a prompt group, clone and export.

use serde_json::{json, Value};

use super::{
    body, by_id_mut, copy_or_null, gi, gs, in_group, nav_page, or_null, patch, stamp_new, success,
    values, Obj, State,
};
use crate::error::{missing, ApiError};
use crate::query::{q, QTy, LIMIT, OFFSET};
use crate::router::{created, ok, Ctx, Reply, Route};
use crate::validate::{opt, req, Field, Ty, NAME, STRINGS, TEXT};

const CREATE: &[Field] = &[
    req("name", NAME),
    opt("description", TEXT),
    opt("metadata", Ty::Object),
    opt("createdBy", Ty::Email),
    opt("labels", STRINGS),
];

const UPDATE: &[Field] = &[
    opt("name", NAME),
    opt("description", TEXT),
    opt("metadata", Ty::Object),
    opt("labels", STRINGS),
];

const CLONE: &[Field] = &[
    opt("targetPromptId", Ty::Int(1, i64::MAX)),
    opt("targetPromptGroupId", TEXT),
    opt("newName", NAME),
];

pub(super) const ROUTES: &[Route] = &[
    Route::get("list_prompt_datasets", "/api/prompts/datasets/", list).query(&[
        LIMIT,
        OFFSET,
        q("promptId", QTy::Int(1, i64::MAX)),
        q("promptGroupId", QTy::Str),
        q("name", QTy::Str),
        q("createdBy", QTy::Str),
    ]),
    Route::get("get_prompt_dataset", "/api/prompts/datasets/{id:int}", get),
    Route::patch(
        "update_prompt_dataset",
        "/api/prompts/datasets/{id:int}",
        update,
    )
    .body(UPDATE),
    Route::delete(
        "delete_prompt_dataset",
        "/api/prompts/datasets/{id:int}",
        delete,
    )
    .query(&[q("force", QTy::Bool)]),
    Route::post(
        "clone_prompt_dataset",
        "/api/prompts/datasets/{id:int}/clone",
        clone,
    )
    .body(CLONE),
    Route::get(
        "export_prompt_dataset",
        "/api/prompts/datasets/{id:int}/export",
        export,
    ),
    Route::get(
        "list_datasets_for_prompt",
        "/api/prompt/{id:int}/datasets",
        for_prompt,
    ),
    Route::post(
        "create_prompt_dataset",
        "/api/prompt/{id:int}/datasets",
        create,
    )
    .body(CREATE),
];

fn list(st: &mut State, ctx: &Ctx) -> Result<Reply, ApiError> {
    let qv = &ctx.query;
    let of_prompt = st.prompt_id_filter(qv);
    let rows: Vec<Value> = st
        .datasets
        .iter()
        .filter(|(_, d)| of_prompt(d))
        .filter(|(_, d)| qv.keeps_str(d, "promptGroupId"))
        .filter(|(_, d)| qv.keeps_containing(d, "name"))
        .filter(|(_, d)| qv.keeps_str(d, "createdBy"))
        .map(|(id, _)| st.dataset_json(*id))
        .collect();
    ok(nav_page(rows, qv))
}

fn get(st: &mut State, ctx: &Ctx) -> Result<Reply, ApiError> {
    let id = ctx.id(0);
    st.dataset(id)?;
    ok(st.dataset_json(id))
}

fn update(st: &mut State, ctx: &Ctx) -> Result<Reply, ApiError> {
    let id = ctx.id(0);
    let now = st.ts();
    let d = by_id_mut(&mut st.datasets, "dataset", id)?;
    patch(
        d,
        body(ctx),
        &["name", "description", "metadata", "labels"],
        &now,
    );
    ok(st.dataset_json(id))
}

fn delete(st: &mut State, ctx: &Ctx) -> Result<Reply, ApiError> {
    let id = ctx.id(0);
    st.dataset(id)?;
    let n = st.dataset_items(id).len();
    if n > 0 && ctx.query.bool("force") != Some(true) {
        return Err(ApiError::conflict(format!(
            "dataset {id} still has {n} item(s); delete them first or pass force=true"
        )));
    }
    st.datasets.remove(&id);
    st.items.retain(|_, i| gi(i, "datasetId") != Some(id));
    ok(success(format!("dataset {id} deleted with {n} item(s)")))
}

/// Inserts a dataset record for a group; returns its id.
fn insert(st: &mut State, group: &str, b: &Obj) -> i64 {
    let id = st.seq.dataset.next();
    let now = st.ts();
    let mut d = Obj::new();
    d.insert("id".into(), json!(id));
    copy_or_null(&mut d, b, &["name", "description"]);
    d.insert("promptGroupId".into(), json!(group));
    d.insert("metadata".into(), or_null(b, "metadata"));
    stamp_new(&mut d, &now);
    copy_or_null(&mut d, b, &["createdBy", "labels"]);
    st.datasets.insert(id, d);
    id
}

fn clone(st: &mut State, ctx: &Ctx) -> Result<Reply, ApiError> {
    let id = ctx.id(0);
    let b = body(ctx);
    let src = st.dataset(id)?.clone();
    let group = match (gi(b, "targetPromptId"), gs(b, "targetPromptGroupId")) {
        (Some(_), Some(_)) => {
            return Err(ApiError::bad_request(
                "give either `targetPromptId` or `targetPromptGroupId`, not both",
            ))
        }
        (Some(pid), None) => st.prompt_group(pid)?,
        (None, Some(g)) => {
            if !st.group_exists(g) {
                return Err(missing("prompt group", g));
            }
            g.to_string()
        }
        (None, None) => gs(&src, "promptGroupId").unwrap_or_default().to_string(),
    };
    let name = match gs(b, "newName") {
        Some(n) => n.to_string(),
        None => format!("{} (copy)", gs(&src, "name").unwrap_or("dataset")),
    };
    let mut fields = src.clone();
    fields.insert("name".into(), json!(name));
    let new_id = insert(st, &group, &fields);
    let items: Vec<Obj> = st.dataset_items(id).into_iter().cloned().collect();
    let now = st.ts();
    for mut item in items {
        let item_id = st.seq.item.next();
        item.insert("id".into(), json!(item_id));
        item.insert("datasetId".into(), json!(new_id));
        stamp_new(&mut item, &now);
        st.items.insert(item_id, item);
    }
    created(st.dataset_json(new_id))
}

fn export(st: &mut State, ctx: &Ctx) -> Result<Reply, ApiError> {
    let id = ctx.id(0);
    let d = st.dataset(id)?;
    let group = gs(d, "promptGroupId").unwrap_or_default().to_string();
    let latest = st.latest_in_group(&group);
    let versions: Vec<Value> = st
        .prompts
        .values()
        .filter(|p| in_group(p, &group))
        .map(|p| json!({"id": or_null(p, "id"), "version": or_null(p, "version"), "isLatest": or_null(p, "isLatest")}))
        .collect();
    let prompt_group = json!({
        "id": group,
        "name": latest.map_or(Value::Null, |p| or_null(p, "name")),
        "latestPromptId": latest.map_or(Value::Null, |p| or_null(p, "id")),
        "latestVersion": latest.map_or(Value::Null, |p| or_null(p, "version")),
        "versions": versions,
    });
    let items = values(st.dataset_items(id));
    ok(json!({
        "dataset": st.dataset_json(id),
        "promptGroup": prompt_group,
        "items": items,
        "exportedAt": st.ts(),
    }))
}

fn for_prompt(st: &mut State, ctx: &Ctx) -> Result<Reply, ApiError> {
    let group = st.prompt_group(ctx.id(0))?;
    let rows: Vec<Value> = st
        .datasets
        .iter()
        .filter(|(_, d)| in_group(d, &group))
        .map(|(id, _)| st.dataset_json(*id))
        .collect();
    ok(Value::Array(rows))
}

fn create(st: &mut State, ctx: &Ctx) -> Result<Reply, ApiError> {
    let group = st.prompt_group(ctx.id(0))?;
    let id = insert(st, &group, body(ctx));
    created(st.dataset_json(id))
}
