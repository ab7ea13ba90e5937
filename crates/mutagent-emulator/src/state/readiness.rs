//! `prompt_readiness` namespace (API 0.1.2): the pipeline readiness of a prompt group,
//! computed from what the group has (prompt text, datasets with items, evaluations and their
//! runs).
//!
//! The contract gives the route and nothing of the answer (an untyped `dict`), so the shape
//! below is the emulator's own: `{promptGroupId, ready, checks: [{name, passed, detail}],
//! latestPromptId, datasetCount, itemCount, evaluationCount, evaluationRunCount}`. `ready`
//! means the group can be evaluated and optimized: a prompt with text, a dataset with at least
//! one item, and an evaluation.

use serde_json::{json, Value};

use super::scoring::prompt_text;
use super::{gi, ids_in_group, State};
use crate::error::{missing, ApiError};
use crate::router::{ok, Ctx, Reply, Route};

pub(super) const ROUTES: &[Route] = &[Route::get(
    "get_prompt_readiness",
    "/api/prompts/readiness/{promptGroupId}",
    get,
)];

fn check(name: &str, passed: bool, detail: String) -> Value {
    json!({"name": name, "passed": passed, "detail": detail})
}

fn get(st: &mut State, ctx: &Ctx) -> Result<Reply, ApiError> {
    let group = ctx.sid(0);
    let prompt = st
        .latest_in_group(group)
        .ok_or_else(|| missing("prompt group", group))?;
    let has_text = !prompt_text(prompt).trim().is_empty();
    let latest_id = gi(prompt, "id");
    let datasets = ids_in_group(&st.datasets, group);
    let items: usize = datasets.iter().map(|d| st.dataset_items(*d).len()).sum();
    let evaluations = ids_in_group(&st.evaluations, group);
    let runs = st
        .eval_results
        .iter()
        .filter(|r| gi(r, "evaluationId").is_some_and(|e| evaluations.contains(&e)))
        .count();
    let checks = [
        check(
            "prompt",
            has_text,
            if has_text {
                format!("prompt {} has text", latest_id.unwrap_or_default())
            } else {
                "the latest prompt of the group has no text".to_string()
            },
        ),
        check(
            "dataset",
            !datasets.is_empty(),
            format!("{} dataset(s)", datasets.len()),
        ),
        check(
            "datasetItems",
            items > 0,
            format!("{items} item(s) across the group's datasets"),
        ),
        check(
            "evaluation",
            !evaluations.is_empty(),
            format!("{} evaluation(s)", evaluations.len()),
        ),
    ];
    let ready = checks.iter().all(|c| c["passed"] == true);
    ok(json!({
        "promptGroupId": group,
        "ready": ready,
        "checks": checks,
        "latestPromptId": latest_id,
        "datasetCount": datasets.len(),
        "itemCount": items,
        "evaluationCount": evaluations.len(),
        "evaluationRunCount": runs,
    }))
}
