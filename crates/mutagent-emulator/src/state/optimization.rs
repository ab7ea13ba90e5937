//! `optimization` namespace: optimization jobs whose progress is computed lazily from the
//! emulator clock.
//!
//! A job is `queued` for one step, then runs one iteration per step until `maxIterations` (or
//! until `targetScore` is reached), then is `completed` and a new prompt version is created in
//! the prompt's group (`resultPromptId`). Pausing stops the job's own clock; resuming restarts
//! it; cancelling is final. Everything is derived from "active time", so reading a job never
//! changes what it will report.

use std::time::Duration;

use serde_json::{json, Value};

use super::scoring::{mean, prompt_text, round4, score};
use super::{body, by_id, gi, gs, or_null, Obj, State};
use crate::error::{missing, ApiError};
use crate::ids::unit_score;
use crate::query::{q, QTy, LIMIT, OFFSET};
use crate::router::{created, ok, Ctx, Reply, Route};
use crate::validate::{opt, req, Field, Ty, TEXT};

const CONFIG: &[Field] = &[
    req("maxIterations", Ty::Int(1, 100)),
    opt("targetScore", Ty::Num(0.0, 1.0)),
    opt("patience", Ty::Int(1, 50)),
    opt("dryRun", Ty::Bool),
    opt("model", TEXT),
    opt("executionModel", TEXT),
    opt("optimizationModel", TEXT),
    opt("evaluationModel", TEXT),
    opt("executionProviderId", TEXT),
    opt("evaluationProviderId", TEXT),
    opt("optimizationProviderId", TEXT),
    opt("tuningParams", Ty::Object),
];

const OPTIMIZE: &[Field] = &[
    req("datasetId", Ty::Int(1, i64::MAX)),
    opt("evaluationId", Ty::Int(1, i64::MAX)),
    req("config", Ty::Shape(CONFIG)),
    opt("executionMode", TEXT),
];

pub(super) const ROUTES: &[Route] = &[
    Route::post("optimize_prompt", "/api/prompt/{id:int}/optimize", optimize).body(OPTIMIZE),
    Route::get("get_optimization", "/api/optimization/{id}", get),
    Route::get("list_optimizations", "/api/optimization", list).query(&[
        q("promptGroupId", QTy::Str),
        // A free string in the contract (docs list queued/running/…, an older page `pending`).
        q("status", QTy::Str),
        LIMIT,
        OFFSET,
    ]),
    Route::get(
        "get_optimization_progress",
        "/api/optimization/{id}/progress",
        progress,
    ),
    Route::get(
        "get_optimization_states",
        "/api/optimization/{id}/states",
        states,
    ),
    Route::get(
        "get_optimization_results",
        "/api/optimization/{id}/results",
        results,
    ),
    Route::post("pause_optimization", "/api/optimization/{id}/pause", pause),
    Route::post(
        "resume_optimization",
        "/api/optimization/{id}/resume",
        resume,
    ),
    Route::post(
        "cancel_optimization",
        "/api/optimization/{id}/cancel",
        cancel,
    ),
];

/// `step * n`, saturating.
fn mul(step: Duration, n: usize) -> Duration {
    step.checked_mul(u32::try_from(n).unwrap_or(u32::MAX))
        .unwrap_or(Duration::MAX)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Terminal {
    Completed,
    Cancelled,
    Failed,
}

/// One optimization job.
#[derive(Debug)]
pub(crate) struct Job {
    id: String,
    /// Static wire fields: promptId, promptGroupId, datasetId, evaluationId, executionMode, config.
    base: Obj,
    max_iterations: usize,
    created: Duration,
    /// Intervals of emulator time during which the job was active.
    segments: Vec<(Duration, Option<Duration>)>,
    paused: bool,
    terminal: Option<(Terminal, Duration)>,
    /// Score after each iteration that will run (stops early at `targetScore`).
    scores: Vec<f64>,
    target: Option<f64>,
    fail: Option<String>,
    dry_run: bool,
    result_prompt: Option<i64>,
    /// Pause / resume / cancel events.
    events: Vec<(Duration, &'static str, usize)>,
}

impl Job {
    /// The prompt group of the job.
    pub(crate) fn group(&self) -> &str {
        gs(&self.base, "promptGroupId").unwrap_or_default()
    }

    fn eff(&self, now: Duration) -> Duration {
        self.segments
            .iter()
            .map(|(s, e)| e.unwrap_or(now).min(now).saturating_sub(*s))
            .sum()
    }

    /// Emulator time at which the job had been active for `e`.
    fn time_at(&self, e: Duration) -> Duration {
        let mut acc = Duration::ZERO;
        let mut last = self.created;
        for (s, end) in &self.segments {
            let len = match end {
                Some(end) => end.saturating_sub(*s),
                None => Duration::MAX,
            };
            if acc + len.min(Duration::from_secs(u64::MAX / 4)) >= e {
                return *s + (e - acc);
            }
            acc += len;
            last = end.unwrap_or(*s);
        }
        last
    }

    fn stop(&self) -> usize {
        self.scores.len()
    }

    fn start_eff(step: Duration) -> Duration {
        step
    }

    fn done_eff(&self, step: Duration) -> Duration {
        mul(step, self.stop() + 1)
    }

    fn completed_iters(&self, e: Duration, step: Duration) -> usize {
        if e < step {
            return 0;
        }
        if step.is_zero() {
            return self.stop();
        }
        let n = (e - step).as_nanos() / step.as_nanos();
        (n as usize).min(self.stop())
    }

    fn close(&mut self, at: Duration) {
        if let Some(last) = self.segments.last_mut() {
            if last.1.is_none() {
                last.1 = Some(at.max(last.0));
            }
        }
    }

    fn status(&self, e: Duration, step: Duration) -> &'static str {
        match self.terminal {
            Some((Terminal::Completed, _)) => "completed",
            Some((Terminal::Cancelled, _)) => "cancelled",
            Some((Terminal::Failed, _)) => "failed",
            None if self.paused => "paused",
            None if e < Self::start_eff(step) => "queued",
            None => "running",
        }
    }

    /// Advances to `now`; returns true when the job has just completed.
    fn advance(&mut self, now: Duration, step: Duration) -> bool {
        if self.terminal.is_some() {
            return false;
        }
        let e = self.eff(now);
        if self.fail.is_some() && e >= Self::start_eff(step) {
            let at = self.time_at(Self::start_eff(step));
            self.close(at);
            self.terminal = Some((Terminal::Failed, at));
            return false;
        }
        if e >= self.done_eff(step) {
            let at = self.time_at(self.done_eff(step));
            self.close(at);
            self.terminal = Some((Terminal::Completed, at));
            return true;
        }
        false
    }
}

/// Advances every job; creates the result prompt of jobs that just completed.
pub(super) fn advance_all(st: &mut State) {
    let (now, step) = (st.now, st.step);
    let done: Vec<usize> = st
        .jobs
        .iter_mut()
        .enumerate()
        .filter_map(|(i, j)| j.advance(now, step).then_some(i))
        .collect();
    for i in done {
        let job = &st.jobs[i];
        if job.dry_run {
            continue;
        }
        let prompt_id = gi(&job.base, "promptId").unwrap_or(0);
        let group = job.group().to_string();
        let best = job.scores.iter().cloned().fold(0.0, f64::max);
        let meta = json!({ "optimizationJobId": job.id, "bestScore": best });
        let suffix = format!(
            "\n\n(Optimized by job {}: be precise, cite the input, answer concisely.)",
            job.id
        );
        let base = if st.prompts.contains_key(&prompt_id) {
            Some(prompt_id)
        } else {
            st.latest_in_group(&group).and_then(|p| gi(p, "id"))
        };
        let rid = base.and_then(|b| super::prompts::derive_version(st, b, &suffix, meta));
        st.jobs[i].result_prompt = rid;
    }
}

/// The job in wire shape (OptimizationJob).
pub(super) fn job_json(st: &State, j: &Job) -> Value {
    let step = st.step;
    let e = j.eff(st.now);
    let c = j.completed_iters(e, step);
    let status = j.status(e, step);
    let done = &j.scores[..c];
    let (best, best_i) = done.iter().enumerate().fold(
        (None, None),
        |(b, bi): (Option<f64>, Option<usize>), (i, s)| match b {
            Some(bv) if bv >= *s => (b, bi),
            _ => (Some(*s), Some(i + 1)),
        },
    );
    let progress = if status == "completed" {
        100.0
    } else {
        (c as f64 / j.max_iterations.max(1) as f64 * 1000.0).round() / 10.0
    };
    let stage: Value = match status {
        "completed" | "cancelled" | "failed" => json!(status),
        _ if e < step || step.is_zero() => Value::Null,
        _ => {
            let within = (e - step).as_nanos() % step.as_nanos();
            let frac = within as f64 / step.as_nanos() as f64;
            json!(if frac < 1.0 / 3.0 {
                "executing"
            } else if frac < 2.0 / 3.0 {
                "evaluating"
            } else {
                "optimizing"
            })
        }
    };
    let started = (e >= step).then(|| st.ts_at(j.time_at(step)));
    let mut o = j.base.clone();
    o.insert("id".into(), json!(j.id));
    o.insert("status".into(), json!(status));
    o.insert("progress".into(), json!(progress));
    o.insert("currentIteration".into(), json!(c));
    o.insert("maxIterations".into(), json!(j.max_iterations));
    o.insert("currentStage".into(), stage);
    o.insert("currentScore".into(), json!(done.last()));
    o.insert("bestScore".into(), json!(best));
    o.insert("bestIteration".into(), json!(best_i));
    o.insert("resultPromptId".into(), json!(j.result_prompt));
    o.insert(
        "error".into(),
        json!(if status == "failed" {
            j.fail.clone()
        } else {
            None
        }),
    );
    o.insert("createdAt".into(), json!(st.ts_at(j.created)));
    o.insert("startedAt".into(), json!(started));
    o.insert(
        "completedAt".into(),
        json!(j.terminal.map(|(_, at)| st.ts_at(at))),
    );
    Value::Object(o)
}

fn state_rows(st: &State, j: &Job) -> Vec<Value> {
    let step = st.step;
    let c = j.completed_iters(j.eff(st.now), step);
    let mut best = 0.0f64;
    (1..=c)
        .map(|i| {
            let s = j.scores[i - 1];
            best = best.max(s);
            json!({
                "iteration": i,
                "score": s,
                "bestScore": best,
                "stage": "evaluated",
                "createdAt": st.ts_at(j.time_at(mul(step, i + 1))),
            })
        })
        .collect()
}

fn events(st: &State, j: &Job) -> Vec<Value> {
    let step = st.step;
    let e = j.eff(st.now);
    let c = j.completed_iters(e, step);
    let mut ev: Vec<(Duration, Value)> = vec![(
        j.created,
        json!({"eventType": "job.queued", "iteration": 0, "stage": null, "data": {}}),
    )];
    if e >= step && j.fail.is_none() {
        ev.push((
            j.time_at(step),
            json!({"eventType": "job.started", "iteration": 0, "stage": "executing", "data": {}}),
        ));
    }
    for i in 1..=c {
        ev.push((
            j.time_at(mul(step, i + 1)),
            json!({"eventType": "iteration.completed", "iteration": i, "stage": "evaluated", "data": {"score": j.scores[i - 1]}}),
        ));
    }
    for (at, kind, it) in &j.events {
        ev.push((
            *at,
            json!({"eventType": kind, "iteration": it, "stage": null, "data": {}}),
        ));
    }
    match j.terminal {
        Some((Terminal::Completed, at)) => ev.push((
            at,
            json!({"eventType": "job.completed", "iteration": c, "stage": "completed", "data": {"resultPromptId": j.result_prompt}}),
        )),
        Some((Terminal::Failed, at)) => ev.push((
            at,
            json!({"eventType": "job.failed", "iteration": c, "stage": "failed", "data": {"error": j.fail}}),
        )),
        _ => {}
    }
    ev.sort_by_key(|(at, _)| *at);
    ev.into_iter()
        .map(|(at, mut v)| {
            if let Value::Object(o) = &mut v {
                o.insert("timestamp".into(), json!(st.ts_at(at)));
            }
            v
        })
        .collect()
}

fn find(st: &State, id: &str) -> Result<usize, ApiError> {
    st.jobs
        .iter()
        .position(|j| j.id == id)
        .ok_or_else(|| missing("optimization job", id))
}

fn optimize(st: &mut State, ctx: &Ctx) -> Result<Reply, ApiError> {
    let prompt_id = ctx.id(0);
    let b = body(ctx);
    let prompt = st.prompt(prompt_id)?.clone();
    let group = gs(&prompt, "promptGroupId").unwrap_or_default().to_string();
    let dataset_id = gi(b, "datasetId").unwrap_or(0);
    if gs(st.dataset(dataset_id)?, "promptGroupId") != Some(&group) {
        return Err(ApiError::bad_request(format!(
            "dataset {dataset_id} belongs to another prompt group than prompt {prompt_id}"
        )));
    }
    let evaluation_id = gi(b, "evaluationId");
    if let Some(eid) = evaluation_id {
        let ev = by_id(&st.evaluations, "evaluation", eid)?;
        if gs(ev, "promptGroupId") != Some(&group) {
            return Err(ApiError::bad_request(format!(
                "evaluation {eid} belongs to another prompt group than prompt {prompt_id}"
            )));
        }
    }
    let config = or_null(b, "config");
    let max_iterations = config
        .get("maxIterations")
        .and_then(Value::as_u64)
        .unwrap_or(10) as usize;
    let target = config.get("targetScore").and_then(Value::as_f64);
    let dry_run = config
        .get("dryRun")
        .and_then(Value::as_bool)
        .unwrap_or(false);

    let text = prompt_text(&prompt);
    let items = st.dataset_items(dataset_id);
    let base: Vec<f64> = items
        .iter()
        .map(|it| score(&or_null(it, "input"), &text, ""))
        .collect();
    let fail = items
        .is_empty()
        .then(|| format!("dataset {dataset_id} has no items to optimize against"));
    let s0 = mean(&base).unwrap_or(0.5);
    let salt = format!("{dataset_id}/{}", evaluation_id.unwrap_or(0));
    let mut scores = Vec::new();
    for i in 1..=max_iterations.max(1) {
        let wobble = (unit_score(&[&text, &salt, &i.to_string()]) - 0.5) * 0.04;
        let s = round4(
            (s0 + (1.0 - s0) * (1.0 - 0.7f64.powi(i as i32)) * 0.9 + wobble).clamp(0.0, 1.0),
        );
        scores.push(s);
        if target.is_some_and(|t| s >= t) {
            break;
        }
    }

    let id = st.rng.uuid();
    let now = st.now;
    let mut o = Obj::new();
    o.insert("promptId".into(), json!(prompt_id));
    o.insert("promptGroupId".into(), json!(group));
    o.insert("datasetId".into(), json!(dataset_id));
    o.insert("evaluationId".into(), json!(evaluation_id));
    o.insert(
        "executionMode".into(),
        b.get("executionMode")
            .cloned()
            .unwrap_or_else(|| json!("worker_loop")),
    );
    o.insert("config".into(), config);
    st.jobs.push(Job {
        id,
        base: o,
        max_iterations,
        created: now,
        segments: vec![(now, None)],
        paused: false,
        terminal: None,
        scores,
        target,
        fail,
        dry_run,
        result_prompt: None,
        events: Vec::new(),
    });
    advance_all(st);
    let j = st
        .jobs
        .last()
        .map(|j| job_json(st, j))
        .unwrap_or(Value::Null);
    created(j)
}

fn get(st: &mut State, ctx: &Ctx) -> Result<Reply, ApiError> {
    let j = &st.jobs[find(st, ctx.sid(0))?];
    let mut v = job_json(st, j);
    let latest = state_rows(st, j).pop().unwrap_or(Value::Null);
    let mut ev = events(st, j);
    let keep = ev.len().saturating_sub(20);
    ev.drain(..keep);
    if let Value::Object(o) = &mut v {
        o.insert("latestState".into(), latest);
        o.insert("recentEvents".into(), Value::Array(ev));
    }
    ok(v)
}

fn list(st: &mut State, ctx: &Ctx) -> Result<Reply, ApiError> {
    let qv = &ctx.query;
    let rows: Vec<Value> = st
        .jobs
        .iter()
        .filter(|j| qv.str("promptGroupId").is_none_or(|g| j.group() == g))
        .map(|j| job_json(st, j))
        .filter(|v| {
            qv.str("status")
                .is_none_or(|s| v.get("status").and_then(Value::as_str) == Some(s))
        })
        .collect();
    ok(super::more_page(rows, qv))
}

fn progress(st: &mut State, ctx: &Ctx) -> Result<Reply, ApiError> {
    let j = &st.jobs[find(st, ctx.sid(0))?];
    let rows: Vec<Value> = state_rows(st, j)
        .into_iter()
        .map(|s| json!({"iteration": s["iteration"], "score": s["score"], "bestScore": s["bestScore"], "timestamp": s["createdAt"]}))
        .collect();
    ok(json!({ "jobId": j.id, "progression": rows }))
}

fn states(st: &mut State, ctx: &Ctx) -> Result<Reply, ApiError> {
    let j = &st.jobs[find(st, ctx.sid(0))?];
    ok(json!({ "states": state_rows(st, j) }))
}

fn results(st: &mut State, ctx: &Ctx) -> Result<Reply, ApiError> {
    let j = &st.jobs[find(st, ctx.sid(0))?];
    let rows = state_rows(st, j);
    let total = j.max_iterations;
    let step_ms = st.step.as_millis() as u64;
    let mut rendered = format!("Optimization job {}\n", j.id);
    let n = rows.len();
    let data: Vec<Value> = rows
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let score = s["score"].as_f64().unwrap_or(0.0);
            let best = s["bestScore"].as_f64().unwrap_or(0.0);
            rendered.push_str(&format!("iteration {}/{total}: score {score:.4} (best {best:.4})\n", i + 1));
            let last = i + 1 == n;
            let next = if !last {
                "continue"
            } else if j.target.is_some_and(|t| best >= t) {
                "stop-converged"
            } else if i + 1 >= total {
                "stop-max-iter"
            } else {
                "continue"
            };
            json!({
                "jobId": j.id,
                "iteration": i + 1,
                "totalIterations": total,
                "timestamp": s["createdAt"],
                "stage": "evaluated",
                "scores": {"bestScore": best, "currentScore": score, "targetScore": j.target},
                "criteria": [{"name": "overall", "scoreAvg": score, "passRate": if score >= 0.5 { 1.0 } else { 0.0 }}],
                "costs": {"iterationUsd": 0.0, "cumulativeUsd": 0.0},
                "durations": {"iterationMs": step_ms, "stageBreakdown": {}},
                "nextAction": next,
            })
        })
        .collect();
    ok(json!({ "jobId": j.id, "scorecard": { "rendered": rendered, "data": data } }))
}

/// Moves the job of the path on: when `allowed` accepts its status, `change` gets the job, the
/// time and the iterations it has completed; otherwise 409 saying why (`refusal` of the status
/// completes "optimization job {id} is …"). The job's index.
fn control(
    st: &mut State,
    ctx: &Ctx,
    allowed: fn(&str) -> bool,
    refusal: fn(&str) -> String,
    change: impl FnOnce(&mut Job, Duration, usize),
) -> Result<usize, ApiError> {
    let i = find(st, ctx.sid(0))?;
    let (now, step) = (st.now, st.step);
    let j = &mut st.jobs[i];
    let e = j.eff(now);
    let status = j.status(e, step);
    if !allowed(status) {
        return Err(ApiError::conflict(format!(
            "optimization job {} is {}",
            j.id,
            refusal(status)
        )));
    }
    let completed = j.completed_iters(e, step);
    change(j, now, completed);
    Ok(i)
}

fn pause(st: &mut State, ctx: &Ctx) -> Result<Reply, ApiError> {
    let i = control(
        st,
        ctx,
        |status| matches!(status, "queued" | "running"),
        |status| format!("{status}; only queued or running jobs can be paused"),
        |j, now, completed| {
            j.close(now);
            j.paused = true;
            j.events.push((now, "job.paused", completed));
        },
    )?;
    ok(job_json(st, &st.jobs[i]))
}

fn resume(st: &mut State, ctx: &Ctx) -> Result<Reply, ApiError> {
    let i = control(
        st,
        ctx,
        |status| status == "paused",
        |status| format!("{status}; only paused jobs can be resumed"),
        |j, now, completed| {
            j.paused = false;
            j.segments.push((now, None));
            j.events.push((now, "job.resumed", completed));
        },
    )?;
    advance_all(st);
    ok(job_json(st, &st.jobs[i]))
}

fn cancel(st: &mut State, ctx: &Ctx) -> Result<Reply, ApiError> {
    let i = control(
        st,
        ctx,
        |status| !matches!(status, "completed" | "cancelled" | "failed"),
        |status| format!("already {status}"),
        |j, now, completed| {
            j.close(now);
            j.paused = false;
            j.terminal = Some((Terminal::Cancelled, now));
            j.events.push((now, "job.cancelled", completed));
        },
    )?;
    ok(job_json(st, &st.jobs[i]))
}
