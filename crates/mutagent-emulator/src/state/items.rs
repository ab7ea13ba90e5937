//! `prompt_dataset_items` namespace: items of a dataset, single and bulk.

use serde_json::{json, Value};

use super::{
    body, bounded_array, by_id, by_id_mut, copy_or_null, patch, stamp_new, success, touch, Obj,
    State,
};
use crate::error::{missing, ApiError};
use crate::router::{created, ok, Ctx, Reply, Route};
use crate::validate::{opt, req, Field, Ty, NAME, STRINGS, TEXT};

/// An item's fields; a new item and an update differ only in whether `input` is required.
const fn item_fields(input: Field) -> [Field; 7] {
    [
        opt("name", NAME),
        input,
        opt("expectedOutput", Ty::Object),
        opt("userFeedback", TEXT),
        opt("systemFeedback", TEXT),
        opt("labels", STRINGS),
        opt("metadata", Ty::Object),
    ]
}

const ITEM: &[Field] = &item_fields(req("input", Ty::Object));

const UPDATE: &[Field] = &item_fields(opt("input", Ty::Object));

const BULK: &[Field] = &[req("items", Ty::Array(&Ty::Shape(ITEM)))];

/// Largest accepted bulk insert.
const MAX_BULK: usize = 1000;

const KEYS: &[&str] = &[
    "name",
    "input",
    "expectedOutput",
    "userFeedback",
    "systemFeedback",
    "labels",
    "metadata",
];

pub(super) const ROUTES: &[Route] = &[
    Route::get(
        "list_prompt_dataset_items",
        "/api/prompts/datasets/{id:int}/items",
        list,
    ),
    Route::post(
        "create_prompt_dataset_item",
        "/api/prompts/datasets/{id:int}/items",
        create,
    )
    .body(ITEM),
    Route::post(
        "bulk_create_prompt_dataset_items",
        "/api/prompts/datasets/{id:int}/items/bulk",
        bulk,
    )
    .body(BULK),
    Route::get(
        "get_prompt_dataset_item",
        "/api/prompts/dataset-items/{id:int}",
        get,
    ),
    Route::patch(
        "update_prompt_dataset_item",
        "/api/prompts/dataset-items/{id:int}",
        update,
    )
    .body(UPDATE),
    Route::delete(
        "delete_prompt_dataset_item",
        "/api/prompts/dataset-items/{id:int}",
        delete,
    ),
];

fn list(st: &mut State, ctx: &Ctx) -> Result<Reply, ApiError> {
    let id = ctx.id(0);
    st.dataset(id)?;
    ok(Value::Array(
        st.dataset_items(id)
            .into_iter()
            .cloned()
            .map(Value::Object)
            .collect(),
    ))
}

fn insert(st: &mut State, dataset_id: i64, b: &Obj) -> Value {
    let id = st.seq.item.next();
    let now = st.ts();
    let mut it = Obj::new();
    it.insert("id".into(), json!(id));
    it.insert("datasetId".into(), json!(dataset_id));
    copy_or_null(&mut it, b, KEYS);
    stamp_new(&mut it, &now);
    st.items.insert(id, it.clone());
    touch_dataset(st, dataset_id);
    Value::Object(it)
}

fn touch_dataset(st: &mut State, dataset_id: i64) {
    let now = st.ts();
    if let Some(d) = st.datasets.get_mut(&dataset_id) {
        touch(d, &now);
    }
}

fn create(st: &mut State, ctx: &Ctx) -> Result<Reply, ApiError> {
    let id = ctx.id(0);
    st.dataset(id)?;
    created(insert(st, id, body(ctx)))
}

fn bulk(st: &mut State, ctx: &Ctx) -> Result<Reply, ApiError> {
    let id = ctx.id(0);
    st.dataset(id)?;
    let items = bounded_array(body(ctx), "items", "item", MAX_BULK)?;
    let out: Vec<Value> = items
        .iter()
        .filter_map(Value::as_object)
        .map(|b| insert(st, id, b))
        .collect();
    created(Value::Array(out))
}

fn get(st: &mut State, ctx: &Ctx) -> Result<Reply, ApiError> {
    let id = ctx.id(0);
    let it = by_id(&st.items, "dataset item", id)?;
    ok(Value::Object(it.clone()))
}

fn update(st: &mut State, ctx: &Ctx) -> Result<Reply, ApiError> {
    let id = ctx.id(0);
    let now = st.ts();
    let it = by_id_mut(&mut st.items, "dataset item", id)?;
    patch(it, body(ctx), KEYS, &now);
    let out = it.clone();
    if let Some(d) = super::gi(&out, "datasetId") {
        touch_dataset(st, d);
    }
    ok(Value::Object(out))
}

fn delete(st: &mut State, ctx: &Ctx) -> Result<Reply, ApiError> {
    let id = ctx.id(0);
    let removed = st
        .items
        .remove(&id)
        .ok_or_else(|| missing("dataset item", id))?;
    // The dataset changed, as on a create or an update of one of its items.
    if let Some(dataset_id) = super::gi(&removed, "datasetId") {
        touch_dataset(st, dataset_id);
    }
    ok(success(format!("dataset item {id} deleted")))
}
