//! `prompt_executions` namespace (API 0.1.2): recorded prompt executions
//! (`IdPromptIdWorkspaceId` records, models-secondary.md) and the playground runs that group
//! them by `runGroupId`. Executions are recorded by `create_prompt_execution`, by a batch (one
//! run), and by every playground call (see `playground`).
//!
//! Only the record and the request bodies have a shape in the contract. The list, run, export
//! and delete answers are the emulator's own: `{data, total, limit, offset}` pages, a run
//! `{runGroupId, promptId, promptGroupId, models, executionCount, averageScore, createdAt,
//! executions}`, an export `{format, exportedAt, count, data}` (or CSV, one column per record
//! key), deletes `{success, message}`.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::{body, by_id, gb, gi, gs, or_null, plain_page, success, values, Obj, State};
use crate::clock::parse_iso;
use crate::error::{missing, ApiError};
use crate::query::{q, QTy, Query, LIMIT, OFFSET};
use crate::router::{created, ok, ok_text, Ctx, Reply, Route};
use crate::validate::{opt, req, Field, Ty, NUMBER, STR, TEXT};

/// The executions recorded so far, by id (ids start at 1).
#[derive(Debug, Default)]
pub(crate) struct Executions {
    last_id: i64,
    rows: BTreeMap<i64, Obj>,
}

impl Executions {
    /// How many executions are stored.
    pub(crate) fn len(&self) -> usize {
        self.rows.len()
    }

    /// Every execution in id order, in wire shape.
    pub(crate) fn snapshot(&self) -> Value {
        Value::Array(self.rows.values().cloned().map(Value::Object).collect())
    }
}

/// `executionStatus` values of request bodies (`Schemaenum2`).
const STATUSES: &[&str] = &["success", "failed", "timeout", "error"];
const POSITIVE: Ty = Ty::Int(1, i64::MAX);
const NON_NEGATIVE: Ty = Ty::Num(0.0, f64::MAX);
/// A "number (integral) >= 0" (`8.0` is taken as 8).
const COUNT: Ty = Ty::Whole(0, i64::MAX);

/// `InputOutputTotal`: the batch element's `tokenUsage`, and (inferred, models-secondary.md)
/// the create body's, whose own type `TokenUsage` is undefined.
const TOKEN_USAGE: &[Field] = &[
    req("input", COUNT),
    req("output", COUNT),
    req("total", COUNT),
];

/// One execution (`InputsModelActualOutput`).
macro_rules! execution_fields {
    ($($extra:expr),*) => {
        &[
            $($extra,)*
            req("inputs", Ty::Object),
            req("model", STR),
            req("actualOutput", TEXT),
            req("executionStatus", Ty::Enum(STATUSES)),
            opt("executionTime", NON_NEGATIVE),
            opt("executionError", TEXT),
            opt("temperature", NUMBER),
            opt("maxTokens", POSITIVE),
            opt("tokenUsage", Ty::Shape(TOKEN_USAGE)),
            opt("cost", NON_NEGATIVE),
        ]
    };
}

/// `PromptIdInputsModel`.
const CREATE: &[Field] = execution_fields!(req("promptId", POSITIVE));
/// An element of `PromptIdExecutions.executions` (inferred: `InputsModelActualOutput`).
const EXECUTION: &[Field] = execution_fields!();
/// `PromptIdExecutions`.
const BATCH: &[Field] = &[
    req("promptId", POSITIVE),
    req("executions", Ty::Array(&Ty::Shape(EXECUTION))),
];

pub(super) const ROUTES: &[Route] = &[
    Route::get(
        "list_playground_runs",
        "/api/prompts/executions/runs",
        list_runs,
    )
    .query(&[
        q("promptId", QTy::Int(1, i64::MAX)),
        q("promptGroupId", QTy::Str),
        q("fromDate", QTy::Str),
        q("toDate", QTy::Str),
        LIMIT,
        OFFSET,
    ]),
    Route::get(
        "get_playground_run",
        "/api/prompts/executions/runs/{runId}",
        get_run,
    ),
    Route::delete(
        "delete_playground_run",
        "/api/prompts/executions/runs/{runId}",
        delete_run,
    ),
    Route::get("list_prompt_executions", "/api/prompts/executions/", list).query(&[
        q("promptId", QTy::Int(1, i64::MAX)),
        q("model", QTy::Str),
        q("fromDate", QTy::Str),
        q("toDate", QTy::Str),
        q("runGroupId", QTy::Str),
        LIMIT,
        OFFSET,
    ]),
    Route::post(
        "create_prompt_execution",
        "/api/prompts/executions/",
        create,
    )
    .body(CREATE),
    Route::get(
        "export_prompt_executions",
        "/api/prompts/executions/export",
        export,
    )
    .query(&[
        q("format", QTy::Enum(&["csv", "json"])),
        q("promptId", QTy::Int(1, i64::MAX)),
        q("model", QTy::Str),
        q("fromDate", QTy::Str),
        q("toDate", QTy::Str),
    ]),
    Route::get(
        "get_prompt_execution",
        "/api/prompts/executions/{id:int}",
        get,
    ),
    Route::delete(
        "delete_prompt_execution",
        "/api/prompts/executions/{id:int}",
        delete,
    ),
    Route::post(
        "create_batch_prompt_execution",
        "/api/prompts/executions/batch",
        batch,
    )
    .body(BATCH),
];

/// The id of the workspace executions are recorded in: the default one.
fn workspace_id(st: &State) -> Value {
    st.workspaces
        .iter()
        .find(|w| gb(w, "isDefault"))
        .or_else(|| st.workspaces.first())
        .map_or(Value::Null, |w| or_null(w, "id"))
}

/// Stores an execution of prompt `prompt_id` made of `fields` (the keys of
/// `InputsModelActualOutput`, plus `score`/`success` for evaluated runs), completing it into an
/// `IdPromptIdWorkspaceId` record, and returns the record.
pub(super) fn record(st: &mut State, prompt_id: i64, fields: &Obj, run: Option<&str>) -> Obj {
    st.executions.last_id += 1;
    let id = st.executions.last_id;
    // Every key from the fields given (null when absent), then the ones the server sets.
    let mut row: Obj = COLUMNS
        .iter()
        .map(|key| (key.to_string(), or_null(fields, key)))
        .collect();
    row.insert("id".into(), json!(id));
    row.insert("promptId".into(), json!(prompt_id));
    row.insert("workspaceId".into(), workspace_id(st));
    row.insert("runGroupId".into(), run.map_or(Value::Null, |r| json!(r)));
    row.insert("createdAt".into(), json!(st.ts()));
    st.executions.rows.insert(id, row.clone());
    row
}

/// The prompt id of a body, which must name an existing prompt (404 otherwise).
fn prompt_of(st: &State, b: &Obj) -> Result<i64, ApiError> {
    let id = gi(b, "promptId").unwrap_or(0);
    st.prompt(id)?;
    Ok(id)
}

/// Whether a record's `createdAt` is within `fromDate`/`toDate` (both inclusive). The contract
/// gives them no format: a day (`2026-12-01`) covers the whole day, an RFC 3339 time is
/// compared as a time, and any other text against as many leading characters of `createdAt`.
fn in_dates(row: &Obj, q: &Query) -> bool {
    let created = gs(row, "createdAt").unwrap_or_default();
    let cmp = |bound: &str| {
        let by_text = || {
            let n = bound.len().min(created.len());
            created.get(..n).unwrap_or(created).cmp(bound)
        };
        if bound.len() == 10 {
            return by_text();
        }
        match (parse_iso(created), parse_iso(bound)) {
            (Some(at), Some(limit)) => at.cmp(&limit),
            _ => by_text(),
        }
    };
    q.str("fromDate").is_none_or(|from| cmp(from).is_ge())
        && q.str("toDate").is_none_or(|to| cmp(to).is_le())
}

/// The executions matching the filters every list shares (`promptId`, `model`, dates).
fn matching<'a>(st: &'a State, q: &'a Query) -> impl Iterator<Item = &'a Obj> + 'a {
    st.executions
        .rows
        .values()
        .filter(move |r| q.keeps_int(r, "promptId") && q.keeps_str(r, "model"))
        .filter(move |r| in_dates(r, q))
}

fn list(st: &mut State, ctx: &Ctx) -> Result<Reply, ApiError> {
    let q = &ctx.query;
    let rows = values(matching(st, q).filter(|r| q.keeps_str(r, "runGroupId")));
    ok(plain_page(rows, q))
}

fn create(st: &mut State, ctx: &Ctx) -> Result<Reply, ApiError> {
    let b = body(ctx);
    let prompt_id = prompt_of(st, b)?;
    let row = record(st, prompt_id, b, None);
    created(Value::Object(row))
}

fn batch(st: &mut State, ctx: &Ctx) -> Result<Reply, ApiError> {
    let b = body(ctx);
    let prompt_id = prompt_of(st, b)?;
    let run = st.rng.uuid();
    let executions: Vec<Value> = b
        .get("executions")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
        .iter()
        .filter_map(Value::as_object)
        .map(|e| Value::Object(record(st, prompt_id, e, Some(&run))))
        .collect();
    created(json!({
        "success": true,
        "runGroupId": run,
        "count": executions.len(),
        "executions": executions,
    }))
}

fn export(st: &mut State, ctx: &Ctx) -> Result<Reply, ApiError> {
    let q = &ctx.query;
    if q.str("format") == Some("csv") {
        let rows: Vec<&Obj> = matching(st, q).collect();
        return ok_text("text/csv; charset=utf-8", csv(&rows));
    }
    let rows = values(matching(st, q));
    ok(json!({
        "format": "json",
        "exportedAt": st.ts(),
        "count": rows.len(),
        "data": rows,
    }))
}

/// The keys of a stored execution (`IdPromptIdWorkspaceId`), in the order the CSV export
/// writes them as columns.
const COLUMNS: [&str; 17] = [
    "id",
    "promptId",
    "workspaceId",
    "inputs",
    "model",
    "actualOutput",
    "executionStatus",
    "executionTime",
    "executionError",
    "temperature",
    "maxTokens",
    "tokenUsage",
    "cost",
    "runGroupId",
    "score",
    "success",
    "createdAt",
];

/// RFC 4180 CSV of `rows`: a header line, one line per record, CRLF line ends; strings as
/// they are, objects as JSON, `null` as an empty field; a field with a comma, quote or line
/// break is quoted, its quotes doubled.
fn csv(rows: &[&Obj]) -> String {
    let field = |value: Option<&Value>| -> String {
        let text = match value {
            None | Some(Value::Null) => String::new(),
            Some(Value::String(s)) => s.clone(),
            Some(other) => other.to_string(),
        };
        if text.contains([',', '"', '\n', '\r']) {
            format!("\"{}\"", text.replace('"', "\"\""))
        } else {
            text
        }
    };
    let mut out = COLUMNS.join(",");
    out.push_str("\r\n");
    for row in rows {
        let line: Vec<String> = COLUMNS.iter().map(|c| field(row.get(*c))).collect();
        out.push_str(&line.join(","));
        out.push_str("\r\n");
    }
    out
}

fn get(st: &mut State, ctx: &Ctx) -> Result<Reply, ApiError> {
    let id = ctx.id(0);
    let row = by_id(&st.executions.rows, "prompt execution", id)?;
    ok(Value::Object(row.clone()))
}

fn delete(st: &mut State, ctx: &Ctx) -> Result<Reply, ApiError> {
    let id = ctx.id(0);
    st.executions
        .rows
        .remove(&id)
        .ok_or_else(|| missing("prompt execution", id))?;
    ok(success(format!("prompt execution {id} deleted")))
}

/// The runs of the executions that have a `runGroupId`, in order of their first execution.
fn runs(st: &State) -> Vec<(String, Vec<&Obj>)> {
    let mut runs: Vec<(String, Vec<&Obj>)> = Vec::new();
    for row in st.executions.rows.values() {
        let Some(run) = gs(row, "runGroupId") else {
            continue;
        };
        match runs.iter_mut().find(|(id, _)| id == run) {
            Some((_, rows)) => rows.push(row),
            None => runs.push((run.to_string(), vec![row])),
        }
    }
    runs
}

/// A run in wire shape; `with_executions` adds its records.
fn run_json(st: &State, id: &str, rows: &[&Obj], with_executions: bool) -> Value {
    let first = rows.first().copied();
    let prompt_id = first.and_then(|r| gi(r, "promptId"));
    let group = prompt_id
        .and_then(|p| st.prompts.get(&p))
        .map_or(Value::Null, |p| or_null(p, "promptGroupId"));
    let mut models: Vec<&str> = rows.iter().filter_map(|r| gs(r, "model")).collect();
    models.dedup();
    let scores: Vec<f64> = rows
        .iter()
        .filter_map(|r| r.get("score").and_then(Value::as_f64))
        .collect();
    let mut run = json!({
        "runGroupId": id,
        "promptId": prompt_id,
        "promptGroupId": group,
        "models": models,
        "executionCount": rows.len(),
        "averageScore": super::scoring::mean(&scores),
        "createdAt": first.map_or(Value::Null, |r| or_null(r, "createdAt")),
    });
    if with_executions {
        run["executions"] = rows.iter().map(|r| Value::Object((*r).clone())).collect();
    }
    run
}

fn list_runs(st: &mut State, ctx: &Ctx) -> Result<Reply, ApiError> {
    let q = &ctx.query;
    let rows: Vec<Value> = runs(st)
        .into_iter()
        .map(|(id, rows)| run_json(st, &id, &rows, false))
        .filter(|run| {
            run.as_object().is_some_and(|r| {
                q.keeps_int(r, "promptId") && q.keeps_str(r, "promptGroupId") && in_dates(r, q)
            })
        })
        .collect();
    ok(plain_page(rows, q))
}

fn get_run(st: &mut State, ctx: &Ctx) -> Result<Reply, ApiError> {
    let id = ctx.sid(0);
    let runs = runs(st);
    let (_, rows) = runs
        .iter()
        .find(|(run, _)| run == id)
        .ok_or_else(|| missing("playground run", id))?;
    ok(run_json(st, id, rows, true))
}

fn delete_run(st: &mut State, ctx: &Ctx) -> Result<Reply, ApiError> {
    let id = ctx.sid(0).to_string();
    let before = st.executions.rows.len();
    st.executions
        .rows
        .retain(|_, r| gs(r, "runGroupId") != Some(&id));
    let removed = before - st.executions.rows.len();
    if removed == 0 {
        return Err(missing("playground run", &id));
    }
    ok(success(format!(
        "playground run {id} deleted with its {removed} execution(s)"
    )))
}
