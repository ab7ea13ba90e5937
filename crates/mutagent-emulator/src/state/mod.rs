//! The emulator's in-memory state and the per-namespace operation handlers.
//!
//! Records are kept as JSON objects in their wire shape (camelCase keys), so responses are the
//! stored objects themselves; the few facts that are not part of a wire shape are kept in side
//! tables.

use std::collections::BTreeMap;
use std::str::FromStr;
use std::sync::LazyLock;
use std::time::Duration;

use serde_json::{json, Map, Value};

use crate::clock::format_iso;
use crate::contract::TracesContract;
use crate::error::{missing, ApiError};
use crate::ids::Rng;
use crate::query::Query;
use crate::router::{Ctx, Route};

mod datasets;
mod evaluations;
mod executions;
mod experiments;
mod items;
mod optimization;
mod organizations;
mod otlp;
mod playground;
mod prompts;
mod readiness;
mod scoring;
mod traces;
mod traces_v0_4;
mod workspaces;

// The administration namespaces (issue #14 part A).
mod admin;
mod agents;
mod invitations;
mod members;
mod providers;
mod user_profile;

pub(crate) use invitations::accept as accept_invitation;
pub(crate) use optimization::Job;

/// A stored record.
pub(crate) type Obj = Map<String, Value>;

/// Route tables of all namespaces, with the traces of the 0.1.2 contract.
const ROUTE_TABLES: &[&[Route]] = &route_tables_with(traces::ROUTES);

/// The same with the traces of the live 0.4.1 contract (same paths, other shapes).
const ROUTE_TABLES_V0_4: &[&[Route]] = &route_tables_with(traces_v0_4::ROUTES);

/// Every namespace's routes, the traces being those of one contract.
const fn route_tables_with(traces: &'static [Route]) -> [&'static [Route]; 18] {
    [
        prompts::ROUTES,
        datasets::ROUTES,
        items::ROUTES,
        evaluations::ROUTES,
        optimization::ROUTES,
        traces,
        experiments::ROUTES,
        organizations::ROUTES,
        workspaces::ROUTES,
        readiness::ROUTES,
        playground::ROUTES,
        executions::ROUTES,
        agents::ROUTES,
        invitations::ROUTES,
        members::ORG_ROUTES,
        members::WS_ROUTES,
        providers::ROUTES,
        user_profile::ROUTES,
    ]
}

/// The route tables an emulator speaking `contract` serves.
pub(crate) fn route_tables(contract: TracesContract) -> &'static [&'static [Route]] {
    match contract {
        TracesContract::V0_1_2 => ROUTE_TABLES,
        TracesContract::V0_4_1 => ROUTE_TABLES_V0_4,
    }
}

/// The last integer id given to each kind of record.
#[derive(Debug, Default)]
pub(crate) struct Seq {
    pub(crate) prompt: Counter,
    pub(crate) dataset: Counter,
    pub(crate) item: Counter,
    pub(crate) evaluation: Counter,
    pub(crate) result: Counter,
}

/// The last integer id given (0 before the first).
#[derive(Debug, Default)]
pub(crate) struct Counter(i64);

impl Counter {
    /// The next id: 1, 2, 3, …
    pub(crate) fn next(&mut self) -> i64 {
        self.0 += 1;
        self.0
    }
}

/// Everything the emulator stores.
#[derive(Debug)]
pub(crate) struct State {
    pub(crate) rng: Rng,
    /// Emulator time of the request being handled.
    pub(crate) now: Duration,
    pub(crate) wall_base_ms: i64,
    /// Duration of one optimization iteration.
    pub(crate) step: Duration,
    pub(crate) seq: Seq,
    pub(crate) prompts: BTreeMap<i64, Obj>,
    pub(crate) datasets: BTreeMap<i64, Obj>,
    pub(crate) items: BTreeMap<i64, Obj>,
    pub(crate) evaluations: BTreeMap<i64, Obj>,
    /// evaluation id -> prompt id it was created for.
    pub(crate) eval_prompt: BTreeMap<i64, i64>,
    pub(crate) eval_results: Vec<Obj>,
    pub(crate) jobs: Vec<Job>,
    pub(crate) experiments: Vec<Obj>,
    pub(crate) exp_results: Vec<Obj>,
    pub(crate) traces: Vec<Obj>,
    pub(crate) orgs: Vec<Obj>,
    pub(crate) workspaces: Vec<Obj>,
    pub(crate) default_org: String,
    /// Prompt executions (API 0.1.2), recorded by playground runs and by clients.
    pub(crate) executions: executions::Executions,
    /// Agents, members, invitations, provider configs, the user's profile.
    pub(crate) admin: admin::Store,
}

impl State {
    /// A fresh state with the seeded default organization and workspace.
    pub(crate) fn new(seed: u64, step: Duration, wall_base_ms: i64) -> Self {
        let mut st = State {
            rng: Rng::new(seed),
            now: Duration::ZERO,
            wall_base_ms,
            step,
            seq: Seq::default(),
            prompts: BTreeMap::new(),
            datasets: BTreeMap::new(),
            items: BTreeMap::new(),
            evaluations: BTreeMap::new(),
            eval_prompt: BTreeMap::new(),
            eval_results: Vec::new(),
            jobs: Vec::new(),
            experiments: Vec::new(),
            exp_results: Vec::new(),
            traces: Vec::new(),
            orgs: Vec::new(),
            workspaces: Vec::new(),
            default_org: String::new(),
            executions: executions::Executions::default(),
            admin: admin::Store::default(),
        };
        let org = organizations::seed(&mut st);
        st.default_org = org.clone();
        workspaces::seed(&mut st, &org);
        st
    }

    /// Brings time-driven state (optimization jobs) up to `now`.
    pub(crate) fn tick(&mut self, now: Duration) {
        self.now = now;
        optimization::advance_all(self);
    }

    /// The current time as an ISO 8601 string.
    pub(crate) fn ts(&self) -> String {
        self.ts_at(self.now)
    }

    /// Emulator time `at` as an ISO 8601 string.
    pub(crate) fn ts_at(&self, at: Duration) -> String {
        format_iso(self.wall_ms(at))
    }

    /// Emulator time `at` as Unix milliseconds.
    pub(crate) fn wall_ms(&self, at: Duration) -> i64 {
        self.wall_base_ms + at.as_millis() as i64
    }

    /// The prompt with this id, or 404.
    pub(crate) fn prompt(&self, id: i64) -> Result<&Obj, ApiError> {
        by_id(&self.prompts, "prompt", id)
    }

    /// The group id of a prompt, or 404.
    pub(crate) fn prompt_group(&self, id: i64) -> Result<String, ApiError> {
        Ok(gs(self.prompt(id)?, "promptGroupId")
            .unwrap_or_default()
            .to_string())
    }

    /// The latest prompt of a group (highest id with `isLatest`, else highest id).
    pub(crate) fn latest_in_group(&self, group: &str) -> Option<&Obj> {
        let members = self.prompts.values().filter(|p| in_group(p, group));
        let mut last = None;
        let mut latest = None;
        for p in members {
            last = Some(p);
            if gb(p, "isLatest") {
                latest = Some(p);
            }
        }
        latest.or(last)
    }

    /// The list filter `promptId` of records kept by prompt group (datasets, evaluations):
    /// without it every record is kept; else those of that prompt's group, and none when the
    /// prompt is unknown (the list comes back empty, not unfiltered).
    pub(crate) fn prompt_id_filter(&self, q: &Query) -> impl Fn(&Obj) -> bool {
        let group = q.int("promptId").map(|pid| {
            self.prompts
                .get(&pid)
                .and_then(|p| gs(p, "promptGroupId"))
                .unwrap_or("\u{0}")
                .to_string()
        });
        move |o| group.as_deref().is_none_or(|g| in_group(o, g))
    }

    /// Whether any prompt belongs to the group.
    pub(crate) fn group_exists(&self, group: &str) -> bool {
        self.prompts.values().any(|p| in_group(p, group))
    }

    /// Marks `id` as the only latest prompt of its group.
    pub(crate) fn make_latest(&mut self, group: &str, id: i64) {
        for (pid, p) in self.prompts.iter_mut() {
            if in_group(p, group) {
                p.insert("isLatest".into(), Value::Bool(*pid == id));
            }
        }
    }

    /// The dataset with this id, or 404.
    pub(crate) fn dataset(&self, id: i64) -> Result<&Obj, ApiError> {
        by_id(&self.datasets, "dataset", id)
    }

    /// Items of a dataset in id order.
    pub(crate) fn dataset_items(&self, dataset_id: i64) -> Vec<&Obj> {
        self.items
            .values()
            .filter(|i| gi(i, "datasetId") == Some(dataset_id))
            .collect()
    }

    /// A dataset in wire shape, with `itemCount`.
    pub(crate) fn dataset_json(&self, id: i64) -> Value {
        match self.datasets.get(&id) {
            Some(d) => {
                let mut d = d.clone();
                d.insert("itemCount".into(), json!(self.dataset_items(id).len()));
                Value::Object(d)
            }
            None => Value::Null,
        }
    }

    /// Number of stored objects of a collection.
    pub(crate) fn count(&self, c: Collection) -> usize {
        match c {
            Collection::Prompts => self.prompts.len(),
            Collection::Datasets => self.datasets.len(),
            Collection::DatasetItems => self.items.len(),
            Collection::Evaluations => self.evaluations.len(),
            Collection::EvaluationResults => self.eval_results.len(),
            Collection::OptimizationJobs => self.jobs.len(),
            Collection::Experiments => self.experiments.len(),
            Collection::ExperimentResults => self.exp_results.len(),
            Collection::Traces => self.traces.len(),
            Collection::Spans => self
                .traces
                .iter()
                .map(|t| t.get("spans").and_then(Value::as_array).map_or(0, Vec::len))
                .sum(),
            Collection::Organizations => self.orgs.len(),
            Collection::Workspaces => self.workspaces.len(),
            Collection::PromptExecutions => self.executions.len(),
            Collection::Agents => self.admin.agents.len(),
            Collection::OrganizationMembers => self.admin.org_members.len(),
            Collection::WorkspaceMembers => self.admin.ws_members.len(),
            Collection::Invitations => self.admin.invitations.len(),
            Collection::ProviderConfigs => self.admin.provider_configs.len(),
        }
    }

    /// All collections in wire shape.
    pub(crate) fn snapshot(&self) -> Value {
        let vals = |m: &BTreeMap<i64, Obj>| Value::Array(values(m.values()));
        let list = |v: &Vec<Obj>| Value::Array(values(v));
        json!({
            "prompts": vals(&self.prompts),
            "datasets": Value::Array(self.datasets.keys().map(|id| self.dataset_json(*id)).collect()),
            "datasetItems": vals(&self.items),
            "evaluations": vals(&self.evaluations),
            "evaluationResults": list(&self.eval_results),
            "optimizationJobs": Value::Array(self.jobs.iter().map(|j| optimization::job_json(self, j)).collect()),
            "experiments": list(&self.experiments),
            "experimentResults": list(&self.exp_results),
            "traces": list(&self.traces),
            "organizations": list(&self.orgs),
            "workspaces": list(&self.workspaces),
            "promptExecutions": self.executions.snapshot(),
            "agents": list(&self.admin.agents),
            "organizationMembers": list(&self.admin.org_members),
            "workspaceMembers": list(&self.admin.ws_members),
            "invitations": list(&self.admin.invitations),
            // Provider configs as listed: their API keys are kept aside, never in here.
            "providerConfigs": list(&self.admin.provider_configs),
        })
    }
}

/// A kind of stored object, for [`crate::Emulator::count`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Collection {
    /// Prompt rows (every version counts).
    Prompts,
    /// Prompt datasets.
    Datasets,
    /// Dataset items.
    DatasetItems,
    /// Evaluations (every version counts).
    Evaluations,
    /// Evaluation run results.
    EvaluationResults,
    /// Optimization jobs.
    OptimizationJobs,
    /// Experiments.
    Experiments,
    /// Experiment results.
    ExperimentResults,
    /// Traces.
    Traces,
    /// Spans across all traces.
    Spans,
    /// Organizations (including the seeded one).
    Organizations,
    /// Workspaces (including the seeded one).
    Workspaces,
    /// Prompt executions (API 0.1.2), playground runs included.
    PromptExecutions,
    /// Agents (in every workspace).
    Agents,
    /// Organization memberships (each organization starts with its owner).
    OrganizationMembers,
    /// Workspace memberships (each workspace starts with its creator).
    WorkspaceMembers,
    /// Organization invitations, pending or accepted.
    Invitations,
    /// LLM provider configs (in every workspace).
    ProviderConfigs,
}

impl Collection {
    /// Every collection.
    pub const ALL: [Collection; 18] = [
        Collection::Prompts,
        Collection::Datasets,
        Collection::DatasetItems,
        Collection::Evaluations,
        Collection::EvaluationResults,
        Collection::OptimizationJobs,
        Collection::Experiments,
        Collection::ExperimentResults,
        Collection::Traces,
        Collection::Spans,
        Collection::Organizations,
        Collection::Workspaces,
        Collection::PromptExecutions,
        Collection::Agents,
        Collection::OrganizationMembers,
        Collection::WorkspaceMembers,
        Collection::Invitations,
        Collection::ProviderConfigs,
    ];

    /// The snake_case name accepted by [`FromStr`] (e.g. `"dataset_items"`).
    pub fn name(self) -> &'static str {
        match self {
            Collection::Prompts => "prompts",
            Collection::Datasets => "datasets",
            Collection::DatasetItems => "dataset_items",
            Collection::Evaluations => "evaluations",
            Collection::EvaluationResults => "evaluation_results",
            Collection::OptimizationJobs => "optimization_jobs",
            Collection::Experiments => "experiments",
            Collection::ExperimentResults => "experiment_results",
            Collection::Traces => "traces",
            Collection::Spans => "spans",
            Collection::Organizations => "organizations",
            Collection::Workspaces => "workspaces",
            Collection::PromptExecutions => "prompt_executions",
            Collection::Agents => "agents",
            Collection::OrganizationMembers => "organization_members",
            Collection::WorkspaceMembers => "workspace_members",
            Collection::Invitations => "invitations",
            Collection::ProviderConfigs => "provider_configs",
        }
    }
}

/// Error of parsing a [`Collection`] name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown collection `{0}` (known: prompts, datasets, dataset_items, evaluations, evaluation_results, optimization_jobs, experiments, experiment_results, traces, spans, organizations, workspaces, prompt_executions, agents, organization_members, workspace_members, invitations, provider_configs)")]
pub struct UnknownCollection(pub String);

impl FromStr for Collection {
    type Err = UnknownCollection;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Collection::ALL
            .into_iter()
            .find(|c| c.name() == s)
            .ok_or_else(|| UnknownCollection(s.to_string()))
    }
}

// ---- small JSON helpers shared by the namespaces ----

static EMPTY: LazyLock<Obj> = LazyLock::new(Map::new);

/// The request body as an object (empty when there is none).
pub(crate) fn body(ctx: &Ctx) -> &Obj {
    ctx.body.as_object().unwrap_or(&EMPTY)
}

/// The array `field` of `o` (missing counts as empty), which must hold at least one element
/// (`one` names an element in the message) and at most `max`.
pub(crate) fn bounded_array(
    o: &Obj,
    field: &str,
    one: &str,
    max: usize,
) -> Result<Vec<Value>, ApiError> {
    let list = o
        .get(field)
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if list.is_empty() {
        return Err(ApiError::bad_request(format!(
            "field `{field}` must contain at least one {one}"
        )));
    }
    if list.len() > max {
        return Err(ApiError::bad_request(format!(
            "field `{field}` must contain at most {max} {field} (got {})",
            list.len()
        )));
    }
    Ok(list)
}

/// String field.
pub(crate) fn gs<'a>(o: &'a Obj, k: &str) -> Option<&'a str> {
    o.get(k).and_then(Value::as_str)
}

/// Integer field.
pub(crate) fn gi(o: &Obj, k: &str) -> Option<i64> {
    o.get(k).and_then(Value::as_i64)
}

/// Boolean field (false when absent).
pub(crate) fn gb(o: &Obj, k: &str) -> bool {
    o.get(k).and_then(Value::as_bool).unwrap_or(false)
}

/// Field value or `null`.
pub(crate) fn or_null(o: &Obj, k: &str) -> Value {
    o.get(k).cloned().unwrap_or(Value::Null)
}

/// Copies the listed keys that are present in `src` into `dst`.
pub(crate) fn copy_present(dst: &mut Obj, src: &Obj, keys: &[&str]) {
    for k in keys {
        if let Some(v) = src.get(*k) {
            dst.insert((*k).to_string(), v.clone());
        }
    }
}

/// The records, as the JSON values a response lists.
pub(crate) fn values<'a>(records: impl IntoIterator<Item = &'a Obj>) -> Vec<Value> {
    records.into_iter().cloned().map(Value::Object).collect()
}

/// Whether a record belongs to the prompt group `group` (by its `promptGroupId`).
pub(crate) fn in_group(o: &Obj, group: &str) -> bool {
    gs(o, "promptGroupId") == Some(group)
}

/// The ids of the records of prompt group `group`, in id order.
pub(crate) fn ids_in_group(records: &BTreeMap<i64, Obj>, group: &str) -> Vec<i64> {
    records
        .iter()
        .filter(|(_, o)| in_group(o, group))
        .map(|(id, _)| *id)
        .collect()
}

/// The list filters: a record is kept unless the query holds `key` with another value than the
/// record's field `key` (a query without `key` keeps every record).
impl Query {
    /// Filter on a string field: equal.
    pub(crate) fn keeps_str(&self, o: &Obj, key: &str) -> bool {
        self.str(key).is_none_or(|v| gs(o, key) == Some(v))
    }

    /// Filter on an integer field: equal.
    pub(crate) fn keeps_int(&self, o: &Obj, key: &str) -> bool {
        self.int(key).is_none_or(|v| gi(o, key) == Some(v))
    }

    /// Filter on a boolean field (absent counts as false): equal.
    pub(crate) fn keeps_bool(&self, o: &Obj, key: &str) -> bool {
        self.bool(key).is_none_or(|v| gb(o, key) == v)
    }

    /// Filter on `isActive` (absent counts as false): an inactive record is listed only with
    /// `includeInactive=true`.
    pub(crate) fn keeps_active(&self, o: &Obj) -> bool {
        self.bool("includeInactive").unwrap_or(false) || gb(o, "isActive")
    }

    /// Filter on a string field (absent counts as empty): contains the query's text, ignoring
    /// case.
    pub(crate) fn keeps_containing(&self, o: &Obj, key: &str) -> bool {
        self.str(key)
            .is_none_or(|v| contains_ci(gs(o, key).unwrap_or(""), v))
    }
}

/// Copies the listed keys of `src` into `dst`, `null` for each one `src` leaves out.
pub(crate) fn copy_or_null(dst: &mut Obj, src: &Obj, keys: &[&str]) {
    for k in keys {
        dst.insert((*k).to_string(), or_null(src, k));
    }
}

/// Stamps a new record: created and last updated `now`.
pub(crate) fn stamp_new(record: &mut Obj, now: &str) {
    record.insert("createdAt".into(), json!(now));
    touch(record, now);
}

/// Stamps a change to a record: last updated `now`.
pub(crate) fn touch(record: &mut Obj, now: &str) {
    record.insert("updatedAt".into(), json!(now));
}

/// Applies an update body: the listed keys it holds replace the record's, and the record is
/// stamped as changed `now` (even when the body changed nothing).
pub(crate) fn patch(record: &mut Obj, body: &Obj, keys: &[&str], now: &str) {
    copy_present(record, body, keys);
    touch(record, now);
}

/// The record `id` of `records`, or 404 naming `what`.
pub(crate) fn by_id<'a>(
    records: &'a BTreeMap<i64, Obj>,
    what: &str,
    id: i64,
) -> Result<&'a Obj, ApiError> {
    records.get(&id).ok_or_else(|| missing(what, id))
}

/// The record `id` of `records`, to change, or 404 naming `what`.
pub(crate) fn by_id_mut<'a>(
    records: &'a mut BTreeMap<i64, Obj>,
    what: &str,
    id: i64,
) -> Result<&'a mut Obj, ApiError> {
    records.get_mut(&id).ok_or_else(|| missing(what, id))
}

/// Whether `o` is in `scope` `(key, value)`, i.e. its `key` holds `value` (without a scope,
/// every record is): the one test behind the scoped lookups below.
fn in_scope(o: &Obj, scope: Option<(&str, &str)>) -> bool {
    scope.is_none_or(|(key, value)| gs(o, key) == Some(value))
}

/// The index in `records` of the record whose `id` is `id` (a string or an integer), or 404
/// naming `what`. With a `scope` `(key, value)`, a record whose `key` holds another value is
/// as absent as a missing one (an agent of another workspace).
pub(crate) fn position_of<Id>(
    records: &[Obj],
    what: &str,
    id: Id,
    scope: Option<(&str, &str)>,
) -> Result<usize, ApiError>
where
    Id: Into<Value> + std::fmt::Display + Copy,
{
    let wanted = Some(id.into());
    records
        .iter()
        .position(|o| o.get("id") == wanted.as_ref() && in_scope(o, scope))
        .ok_or_else(|| missing(what, id))
}

/// `id` itself when a record of `records` has it (the parent a path names), or 404 naming
/// `what`.
pub(crate) fn existing_id(records: &[Obj], what: &str, id: &str) -> Result<String, ApiError> {
    position_of(records, what, id, None)?;
    Ok(id.to_string())
}

/// The id a scope header (`x-organization-id`, `x-workspace-id`) names, when a record of
/// `records` has it: a header naming no record is a 404, never ignored.
pub(crate) fn named_by_header(
    records: &[Obj],
    what: &str,
    header: &str,
    id: &str,
) -> Result<String, ApiError> {
    existing_id(records, what, id).map_err(|_| {
        ApiError::not_found(format!("{what} {id} (from the {header} header) not found"))
    })
}

/// Makes `records[i]` the only `isDefault` record among those that hold the same values as it
/// for each of `scope` (the workspaces of one organization, say); others are left alone.
pub(crate) fn make_only_default(records: &mut [Obj], i: usize, scope: &[&str]) {
    let values: Vec<Option<String>> = scope
        .iter()
        .map(|k| gs(&records[i], k).map(str::to_string))
        .collect();
    for (j, r) in records.iter_mut().enumerate() {
        if scope
            .iter()
            .zip(&values)
            .all(|(k, v)| gs(r, k) == v.as_deref())
        {
            r.insert("isDefault".into(), json!(i == j));
        }
    }
}

/// Whether a record of `records` already has `slug`: among those whose `key` holds `value`
/// when a `scope` `(key, value)` is given, and other than the record `except` (by its string
/// id, when one is renamed).
pub(crate) fn slug_taken(
    records: &[Obj],
    scope: Option<(&str, &str)>,
    slug: &str,
    except: Option<&str>,
) -> bool {
    records.iter().any(|o| {
        gs(o, "slug") == Some(slug)
            && in_scope(o, scope)
            && except.is_none_or(|id| gs(o, "id") != Some(id))
    })
}

/// The record of `records` with `slug` (among those whose `key` holds `value`, with a `scope`
/// `(key, value)`), or 404 naming `what`.
pub(crate) fn with_slug<'a>(
    records: &'a [Obj],
    scope: Option<(&str, &str)>,
    what: &str,
    slug: &str,
) -> Result<&'a Obj, ApiError> {
    records
        .iter()
        .find(|o| gs(o, "slug") == Some(slug) && in_scope(o, scope))
        .ok_or_else(|| ApiError::not_found(format!("{what} with slug `{slug}` not found")))
}

/// The index of the record of `records` whose `key` is `id`; when there is none, `new()` is
/// pushed and its index returned.
pub(crate) fn index_or_push(
    records: &mut Vec<Obj>,
    key: &str,
    id: &str,
    new: impl FnOnce() -> Obj,
) -> usize {
    if let Some(i) = records.iter().position(|o| gs(o, key) == Some(id)) {
        return i;
    }
    records.push(new());
    records.len() - 1
}

/// Case-insensitive substring match.
pub(crate) fn contains_ci(hay: &str, needle: &str) -> bool {
    hay.to_lowercase().contains(&needle.to_lowercase())
}

const DEFAULT_LIMIT: i64 = 20;

/// Applies `limit`/`offset`; returns the page, total, limit and offset.
pub(crate) fn page(items: Vec<Value>, q: &Query) -> (Vec<Value>, usize, i64, i64) {
    let limit = q.int("limit").unwrap_or(DEFAULT_LIMIT);
    let offset = q.int("offset").unwrap_or(0);
    let total = items.len();
    let data = items
        .into_iter()
        .skip(usize::try_from(offset).unwrap_or(usize::MAX))
        .take(usize::try_from(limit).unwrap_or(0))
        .collect();
    (data, total, limit, offset)
}

/// `{data, total, limit, offset}`.
pub(crate) fn plain_page(items: Vec<Value>, q: &Query) -> Value {
    let (data, total, limit, offset) = page(items, q);
    json!({"data": data, "total": total, "limit": limit, "offset": offset})
}

/// `{data, total}`: a whole list, not paged.
pub(crate) fn unpaged(rows: Vec<Value>) -> Value {
    json!({"data": rows, "total": rows.len()})
}

/// Whether rows follow the page `data` that starts at `offset` of `total`.
fn more_after(data: &[Value], offset: i64, total: usize) -> bool {
    offset + (data.len() as i64) < total as i64
}

/// `{data,total,limit,offset,hasNext,hasPrevious}`.
pub(crate) fn nav_page(items: Vec<Value>, q: &Query) -> Value {
    let (data, total, limit, offset) = page(items, q);
    let has_next = more_after(&data, offset, total);
    json!({
        "data": data,
        "total": total,
        "limit": limit,
        "offset": offset,
        "hasNext": has_next,
        "hasPrevious": offset > 0,
    })
}

/// `{data,total,limit,offset,hasMore}`.
pub(crate) fn more_page(items: Vec<Value>, q: &Query) -> Value {
    let (data, total, limit, offset) = page(items, q);
    let has_more = more_after(&data, offset, total);
    json!({"data": data, "total": total, "limit": limit, "offset": offset, "hasMore": has_more})
}

/// `{success: true, message}`.
pub(crate) fn success(message: String) -> Value {
    json!({ "success": true, "message": message })
}
