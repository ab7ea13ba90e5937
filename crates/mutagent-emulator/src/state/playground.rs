//! `playground` namespace (API 0.1.2): runs a stored prompt once (`call`), or runs it and
//! scores the output with an evaluation (`eval`), and records the run as a prompt execution
//! under a new `runGroupId` (see `executions`).
//!
//! Everything is deterministic, as for evaluation runs: the output is the prompt's text with
//! the `input` values filled in; token counts are the words of the filled-in prompt and of the
//! output; the time and the score are hashes of the input and the prompt text. The answers are
//! untyped in the contract; the emulator answers with the execution record it stored (`eval`
//! adds `evaluationId` and `threshold`).

use serde_json::{json, Map, Value};

use super::evaluations::criteria_names;
use super::executions::record;
use super::scoring::{canonical, mean, prompt_text, render, round4, score};
use super::{body, by_id, gi, Obj, State};
use crate::error::ApiError;
use crate::ids::unit_score;
use crate::router::{ok, Ctx, Reply, Route};
use crate::validate::{opt, req, Field, Ty, NUMBER, TEXT};

/// `ModelTemperatureMaxTokens`.
const LLM_CONFIG: &[Field] = &[
    opt("model", TEXT),
    opt("temperature", NUMBER),
    // "number (integral)", no stated range: `50.0` from a Python client is 50.
    opt("maxTokens", Ty::Whole(i64::MIN, i64::MAX)),
];

/// `InputLlmConfig`.
const CALL: &[Field] = &[
    req("input", Ty::Object),
    opt("llmConfig", Ty::Shape(LLM_CONFIG)),
];

/// `InputEvaluationIdLlmConfig`.
const EVAL: &[Field] = &[
    req("input", Ty::Object),
    req("evaluationId", Ty::Int(1, i64::MAX)),
    opt("llmConfig", Ty::Shape(LLM_CONFIG)),
];

pub(super) const ROUTES: &[Route] = &[
    Route::post(
        "playground_call",
        "/api/prompt/{id:int}/playground/call",
        call,
    )
    .body(CALL),
    Route::post(
        "playground_eval",
        "/api/prompt/{id:int}/playground/eval",
        eval,
    )
    .body(EVAL),
];

/// The model a run uses when `llmConfig` names none.
const DEFAULT_MODEL: &str = "emulator-model";
/// The emulator's price of one token, so costs are small, deterministic and non-zero.
const COST_PER_TOKEN: f64 = 0.000_002;

fn words(text: &str) -> u64 {
    text.split_whitespace().count() as u64
}

/// Runs prompt `id` on the body's `input`: the fields of the execution to record.
fn run(st: &State, id: i64, b: &Obj) -> Result<(Obj, String, Value), ApiError> {
    let prompt = st.prompt(id)?;
    let text = prompt_text(prompt);
    let input = b.get("input").cloned().unwrap_or_else(|| json!({}));
    let config = b.get("llmConfig").cloned().unwrap_or_else(|| json!({}));
    let output = render(&text, &input);
    let tokens_in = words(&text) + words(&canonical(&input));
    let tokens_out = words(&output);
    let total = tokens_in + tokens_out;
    let millis = 50.0 + 450.0 * unit_score(&[&canonical(&input), &text, "latency"]);
    let mut fields = Map::new();
    fields.insert("inputs".into(), input.clone());
    fields.insert(
        "model".into(),
        config
            .get("model")
            .cloned()
            .unwrap_or_else(|| json!(DEFAULT_MODEL)),
    );
    fields.insert("actualOutput".into(), json!(output));
    fields.insert("executionStatus".into(), json!("success"));
    fields.insert("executionTime".into(), json!(millis.round()));
    for key in ["temperature", "maxTokens"] {
        if let Some(v) = config.get(key) {
            fields.insert(key.into(), v.clone());
        }
    }
    fields.insert(
        "tokenUsage".into(),
        json!({"input": tokens_in, "output": tokens_out, "total": total}),
    );
    fields.insert(
        "cost".into(),
        json!((total as f64 * COST_PER_TOKEN * 1e6).round() / 1e6),
    );
    Ok((fields, text, input))
}

fn call(st: &mut State, ctx: &Ctx) -> Result<Reply, ApiError> {
    let id = ctx.id(0);
    let (fields, _, _) = run(st, id, body(ctx))?;
    let group = st.rng.uuid();
    ok(Value::Object(record(st, id, &fields, Some(&group))))
}

fn eval(st: &mut State, ctx: &Ctx) -> Result<Reply, ApiError> {
    let id = ctx.id(0);
    let b = body(ctx);
    let evaluation_id = gi(b, "evaluationId").unwrap_or(0);
    let evaluation = by_id(&st.evaluations, "evaluation", evaluation_id)?.clone();
    let (mut fields, text, input) = run(st, id, b)?;
    // Scored as an evaluation run scores an item: per criterion when it has any.
    let criteria = criteria_names(&evaluation);
    let value = if criteria.is_empty() {
        score(&input, &text, "")
    } else {
        let scores: Vec<f64> = criteria.iter().map(|c| score(&input, &text, c)).collect();
        mean(&scores).unwrap_or(0.0)
    };
    let threshold = evaluation
        .get("evalConfig")
        .and_then(|c| c.get("threshold"))
        .and_then(Value::as_f64)
        .unwrap_or(0.5);
    fields.insert("score".into(), json!(round4(value)));
    fields.insert("success".into(), json!(value >= threshold));
    let group = st.rng.uuid();
    let mut answer = record(st, id, &fields, Some(&group));
    answer.insert("evaluationId".into(), json!(evaluation_id));
    answer.insert("threshold".into(), json!(threshold));
    ok(Value::Object(answer))
}
