//! End-to-end tests of the `optimization` namespace against the emulator: start a job, watch
//! it to completion with progress (stream, iterator, callback), read progression, states and
//! scorecards, fetch the optimized prompt version, list jobs, pause/resume/cancel, and the
//! deadline (with and without cancelling) — async and blocking.

use std::time::Duration;

use mutagent::optimization::{
    CancelOutcome, JobStatus, ListOptimizations, OptimizationConfig, OptimizationDeadlineExceeded,
    OptimizationProgress, OptimizationWaitError, OptimizationWatchOptions, OptimizePrompt,
    WatchControl,
};
use mutagent::prelude::*;
use mutagent::prompt::Prompt;
use mutagent::prompt_datasets::PromptDataset;
use mutagent::prompt_evaluations::Evaluation;
use mutagent_e2e::{start, start_blocking, Collection};

use crate::prompt_evaluations::{fixture_with_evaluation, fixture_with_evaluation_blocking};

fn quick() -> OptimizationWatchOptions {
    OptimizationWatchOptions::new()
        .poll_interval(Duration::from_millis(10))
        .deadline(Duration::from_secs(20))
}

fn job_body(dataset: &PromptDataset, evaluation: &Evaluation, iterations: u32) -> OptimizePrompt {
    OptimizePrompt::new(
        dataset.id,
        OptimizationConfig::new(iterations)
            .patience(5)
            .model("gpt-4o"),
    )
    .evaluation_id(evaluation.id)
}

/// Snapshots move forward and end at the final state.
fn check_progress(seen: &[OptimizationProgress], max_iterations: u32) {
    assert!(seen.len() >= 2, "several snapshots, got {}", seen.len());
    for pair in seen.windows(2) {
        assert!(
            pair[0].iteration() <= pair[1].iteration(),
            "iterations never go back"
        );
        assert!(pair[0].polls() < pair[1].polls());
        assert_ne!(
            pair[0].job().job,
            pair[1].job().job,
            "only changes are reported"
        );
    }
    let last = seen.last().expect("last");
    assert_eq!(last.status(), &JobStatus::Completed);
    assert!(last.is_terminal());
    assert_eq!(last.iteration(), max_iterations);
    assert_eq!(last.percent(), 100.0);
    assert!(last.best_score().is_some());
    assert!(
        last.result_prompt_id().is_some(),
        "a completed job names the new prompt"
    );
    assert!(seen[..seen.len() - 1].iter().all(|p| !p.is_terminal()));
}

fn check_new_version(original: &Prompt, optimized: &Prompt) {
    assert_ne!(optimized.id, original.id);
    assert_eq!(optimized.prompt_group_id, original.prompt_group_id);
    assert_ne!(optimized.version, original.version);
    assert!(optimized.is_latest);
}

#[tokio::test]
async fn optimization_journey_async() {
    let (emu, client) = start().await;
    let (prompt, dataset, evaluation) = fixture_with_evaluation(&client).await;
    let opt = client.optimization();

    let job = opt
        .optimize_prompt(prompt.id, &job_body(&dataset, &evaluation, 4))
        .await
        .expect("optimize");
    assert_eq!(job.status, JobStatus::Queued);
    assert_eq!(
        (job.prompt_id, job.dataset_id, job.evaluation_id),
        (prompt.id, dataset.id, Some(evaluation.id))
    );
    assert_eq!(job.max_iterations, 4);
    assert_eq!(job.config["maxIterations"], 4);

    // Watch it to the end as a stream. Paused first, so the watch surely sees it before the
    // end however slow this machine is; a paused job is not final, so watching goes on.
    assert_eq!(
        opt.pause_optimization(&job.id).await.expect("pause").status,
        JobStatus::Paused
    );
    let mut watch = opt.watch_optimization(&job.id, quick());
    assert_eq!(watch.job_id(), &job.id);
    let first = watch.next().await.expect("first").expect("progress");
    assert_eq!(first.status(), &JobStatus::Paused);
    opt.resume_optimization(&job.id).await.expect("resume");
    let mut seen = vec![first];
    while let Some(progress) = watch.next().await {
        seen.push(progress.expect("progress"));
    }
    check_progress(&seen, 4);
    let result_prompt = seen
        .last()
        .and_then(OptimizationProgress::result_prompt_id)
        .expect("result prompt");

    let done = opt.get_optimization(&job.id).await.expect("get");
    assert_eq!(done.status, JobStatus::Completed);
    assert_eq!(done.result_prompt_id, Some(result_prompt));
    assert!(done.completed_at.is_some());
    assert!(done.recent_events.as_ref().is_some_and(|e| !e.is_empty()));
    let optimized = client
        .prompt()
        .get_prompt(result_prompt)
        .await
        .expect("optimized prompt");
    check_new_version(&prompt, &optimized);

    let progression = opt
        .get_optimization_progress(&job.id)
        .await
        .expect("progress");
    assert_eq!(progression.job_id, job.id);
    assert_eq!(progression.progression.len(), 4);
    let states = opt.get_optimization_states(&job.id).await.expect("states");
    assert_eq!(states.states.len(), 4);
    let results = opt
        .get_optimization_results(&job.id)
        .await
        .expect("results");
    assert_eq!(results.scorecard["data"].as_array().map(Vec::len), Some(4));
    assert_eq!(results.scorecard["data"][3]["nextAction"], "stop-max-iter");

    // Pause, resume, cancel.
    let long = opt
        .optimize_prompt(prompt.id, &job_body(&dataset, &evaluation, 100))
        .await
        .expect("long job");
    let paused = opt.pause_optimization(&long.id).await.expect("pause");
    assert_eq!(paused.status, JobStatus::Paused);
    tokio::time::sleep(Duration::from_millis(60)).await;
    let still = opt.get_optimization(&long.id).await.expect("get paused");
    assert_eq!(
        (still.status.clone(), still.current_iteration),
        (JobStatus::Paused, paused.current_iteration),
        "a paused job stands still"
    );
    let err = opt
        .pause_optimization(&long.id)
        .await
        .expect_err("already paused");
    assert_eq!(err.status_code(), Some(409), "{err}");
    let resumed = opt.resume_optimization(&long.id).await.expect("resume");
    assert!(resumed.status.is_active(), "{}", resumed.status);
    let cancelled = opt.cancel_optimization(&long.id).await.expect("cancel");
    assert_eq!(cancelled.status, JobStatus::Cancelled);
    assert!(opt
        .cancel_optimization(&long.id)
        .await
        .expect_err("twice")
        .status()
        .is_some_and(|s| s.as_u16() == 409));

    // A deadline that cancels the job. The job runs about 2 s (100 steps of 20 ms): a 1 s
    // deadline leaves about 1 s for the first poll to answer and 1 s before the job would end
    // by itself (150 ms raced the first poll on a loaded machine).
    let slow = opt
        .optimize_prompt(prompt.id, &job_body(&dataset, &evaluation, 100))
        .await
        .expect("slow job");
    let options = OptimizationWatchOptions::new()
        .poll_interval(Duration::from_millis(10))
        .deadline(Duration::from_secs(1))
        .cancel_on_deadline(true);
    let err = opt
        .wait_for_optimization(&slow.id, options, |_| ())
        .await
        .expect_err("deadline");
    match &err {
        OptimizationWaitError::DeadlineExceeded(OptimizationDeadlineExceeded {
            job_id,
            last,
            cancel,
            ..
        }) => {
            assert_eq!(job_id, &slow.id);
            assert!(last.as_ref().is_some_and(|p| !p.is_terminal()));
            assert!(
                matches!(cancel, CancelOutcome::Cancelled(job) if job.status == JobStatus::Cancelled),
                "{cancel:?}"
            );
        }
        other => panic!("expected the deadline, got {other}"),
    }
    assert_eq!(
        opt.get_optimization(&slow.id).await.expect("get").status,
        JobStatus::Cancelled
    );

    // The callback cancels once the first iteration is in; the wait returns the final job.
    let doomed = opt
        .optimize_prompt(prompt.id, &job_body(&dataset, &evaluation, 100))
        .await
        .expect("doomed job");
    let mut calls = 0;
    let last = opt
        .wait_for_optimization(&doomed.id, quick(), |p| {
            calls += 1;
            if p.iteration() >= 1 {
                WatchControl::Cancel
            } else {
                WatchControl::Continue
            }
        })
        .await
        .expect("final state");
    assert_eq!(last.status, JobStatus::Cancelled);
    assert!(calls >= 2);

    // Stop watching and cancel from the stream.
    let dropped = opt
        .optimize_prompt(prompt.id, &job_body(&dataset, &evaluation, 100))
        .await
        .expect("job");
    let mut watch = opt.watch_optimization(&dropped.id, quick());
    assert!(watch.next().await.expect("one").is_ok());
    assert_eq!(
        watch.cancel().await.expect("cancel").status,
        JobStatus::Cancelled
    );

    // Lists.
    let group = ListOptimizations::new().prompt_group_id(&prompt.prompt_group_id);
    let page = opt
        .list_optimizations(&group.clone().limit(2))
        .await
        .expect("page");
    assert_eq!((page.total, page.data.len(), page.has_more), (5, 2, true));
    let all = opt
        .list_optimizations_all(&group.clone().limit(2))
        .try_collect()
        .await
        .expect("all");
    assert_eq!(all.len(), 5);
    let completed = opt
        .list_optimizations(&group.clone().status(JobStatus::Completed))
        .await
        .expect("completed");
    assert_eq!(
        completed.data.iter().map(|j| &j.id).collect::<Vec<_>>(),
        [&job.id]
    );
    let cancelled = opt
        .list_optimizations(&ListOptimizations::new().status("cancelled"))
        .await
        .expect("cancelled");
    assert_eq!(cancelled.total, 4);
    assert_eq!(emu.count(Collection::OptimizationJobs), 5);
}

#[test]
fn optimization_journey_blocking() {
    let (emu, client) = start_blocking();
    let (prompt, dataset, evaluation) = fixture_with_evaluation_blocking(&client);
    let opt = client.optimization();

    let job = opt
        .optimize_prompt(prompt.id, &job_body(&dataset, &evaluation, 3))
        .expect("optimize");
    opt.pause_optimization(&job.id).expect("pause");
    let mut watch = opt.watch_optimization(&job.id, quick());
    let first = watch.next().expect("first").expect("progress");
    assert_eq!(first.status(), &JobStatus::Paused);
    opt.resume_optimization(&job.id).expect("resume");
    let mut seen = vec![first];
    seen.extend(watch.map(|p| p.expect("progress")));
    check_progress(&seen, 3);
    let done = opt.get_optimization(&job.id).expect("get");
    let optimized = client
        .prompt()
        .get_prompt(done.result_prompt_id.expect("result prompt"))
        .expect("prompt");
    check_new_version(&prompt, &optimized);
    assert_eq!(
        opt.get_optimization_progress(&job.id)
            .expect("progress")
            .progression
            .len(),
        3
    );
    assert_eq!(
        opt.get_optimization_states(&job.id)
            .expect("states")
            .states
            .len(),
        3
    );
    assert!(opt
        .get_optimization_results(&job.id)
        .expect("results")
        .scorecard["rendered"]
        .is_string());

    // The callback form, watching a second job to completion.
    let second = opt
        .optimize_prompt(prompt.id, &job_body(&dataset, &evaluation, 2))
        .expect("second");
    let mut percents = Vec::new();
    let finished = opt
        .wait_for_optimization(&second.id, quick(), |p| percents.push(p.percent()))
        .expect("completed");
    assert!(finished.status.is_success());
    assert_eq!(percents.last(), Some(&100.0));

    let long = opt
        .optimize_prompt(prompt.id, &job_body(&dataset, &evaluation, 100))
        .expect("long");
    assert_eq!(
        opt.pause_optimization(&long.id).expect("pause").status,
        JobStatus::Paused
    );
    assert!(opt
        .resume_optimization(&long.id)
        .expect("resume")
        .status
        .is_active());
    let err = opt
        .wait_for_optimization(
            &long.id,
            OptimizationWatchOptions::new()
                .poll_interval(Duration::from_millis(10))
                .deadline(Duration::from_millis(100)),
            |_| (),
        )
        .expect_err("deadline");
    assert!(
        matches!(
            &err,
            OptimizationWaitError::DeadlineExceeded(OptimizationDeadlineExceeded {
                cancel: CancelOutcome::NotRequested,
                ..
            })
        ),
        "{err}"
    );
    assert!(
        opt.get_optimization(&long.id)
            .expect("still running")
            .status
            .is_active(),
        "not cancelled"
    );
    let mut watch = opt.watch_optimization(&long.id, quick());
    assert!(watch.next().expect("one").is_ok());
    assert_eq!(watch.cancel().expect("cancel").status, JobStatus::Cancelled);
    assert_eq!(
        opt.cancel_optimization(&long.id)
            .expect_err("twice")
            .status()
            .map(|s| s.as_u16()),
        Some(409)
    );

    let jobs: Vec<_> = opt
        .list_optimizations_all(&ListOptimizations::new().limit(1))
        .collect::<Result<_, _>>()
        .expect("all");
    assert_eq!(jobs.len(), 3);
    let page = opt
        .list_optimizations(&ListOptimizations::new().status(JobStatus::Completed))
        .expect("page");
    assert_eq!(page.total, 2);
    assert_eq!(emu.count(Collection::OptimizationJobs), 3);
}

/// The two waits' names can be imported side by side (they once were both `WaitError`), and
/// each keeps its own defaults.
#[test]
fn evaluation_and_optimization_waits_have_names_and_defaults_of_their_own() {
    use mutagent::prompt_evaluations::{EvaluationWaitError, EvaluationWaitOptions};
    let evaluation = EvaluationWaitOptions::new();
    let optimization = OptimizationWatchOptions::new();
    assert_eq!(evaluation.deadline, Some(Duration::from_secs(600)));
    assert_eq!(
        optimization.poll.deadline,
        Some(Duration::from_secs(30 * 60))
    );
    assert!(!optimization.cancel_on_deadline);
    let from_call: EvaluationWaitError = mutagent::Error::invalid_input("t", "f", "r").into();
    let other: OptimizationWaitError = mutagent::Error::invalid_input("t", "f", "r").into();
    assert!(from_call.as_api_error().is_some() && other.as_api_error().is_some());
}
