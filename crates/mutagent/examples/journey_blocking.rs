//! The main journey of `journey.rs` with the blocking client: the very same calls, without
//! `.await`, from plain synchronous code (no Tokio in sight).
//!
//! ```text
//! cargo run -p mutagent --example journey_blocking                      # in-process emulator
//! cargo run -p mutagent --example journey_blocking -- --server-url URL  # key from MUTAGENT_API_KEY
//! ```

use std::time::Duration;

use mutagent::optimization::{
    ListOptimizations, OptimizationConfig, OptimizationWatchOptions, OptimizePrompt,
};
use mutagent::prelude::*;
use mutagent::prompt::{CreatePrompt, ListPrompts, PromptContent};
use mutagent::prompt_datasets::{ListPromptDatasets, UploadDataset};
use mutagent::prompt_evaluations::{CreateEvaluation, EvaluationWaitOptions, ListEvaluations};
use serde_json::json;

mod support;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let server = support::Server::from_args()?;
    let client = server.builder.build_blocking()?;

    let prompt = client.prompt().create_prompt(&CreatePrompt::new(
        support::unique("support-reply"),
        PromptContent::chat(
            "You are a concise, friendly support agent.",
            "Answer the customer: {question}",
        ),
        json!({"type": "object", "properties": {"question": {"type": "string"}}}),
    ))?;
    println!(
        "prompt {} \"{}\" version {}",
        prompt.id, prompt.name, prompt.version
    );

    let upload = client.prompt_datasets().upload_dataset_file(
        prompt.id,
        UploadDataset::new(support::unique("support-questions")),
        support::questions_file(),
    )?;
    let dataset = upload.dataset;
    println!(
        "dataset {} with {} items from the file",
        dataset.id, upload.items_created
    );

    let evaluation = client.prompt_evaluations().create_evaluation(
        &CreateEvaluation::new(prompt.id, support::unique("helpfulness")).dataset_id(dataset.id),
    )?;
    let result = client.prompt_evaluations().run_evaluation_and_wait(
        evaluation.id,
        EvaluationWaitOptions::new()
            .poll_interval(server.poll)
            .deadline(Duration::from_secs(300)),
    )?;
    println!("evaluation {}: score {:?}", evaluation.id, result.score);

    let job = client.optimization().optimize_prompt(
        prompt.id,
        &OptimizePrompt::new(dataset.id, OptimizationConfig::new(4).target_score(0.99))
            .evaluation_id(evaluation.id),
    )?;
    println!("optimization job {} started", job.id);
    // The blocking watch is an iterator of snapshots; each line shows the stage too.
    let options = OptimizationWatchOptions::new()
        .poll_interval(server.poll)
        .deadline(Duration::from_secs(600));
    for progress in client
        .optimization()
        .watch_optimization(job.id.clone(), options)
    {
        println!("  {}", progress?);
    }
    let finished = client.optimization().get_optimization(job.id.clone())?;
    println!("job ended {}", finished.job.status);

    if let Some(new_id) = finished.job.result_prompt_id {
        let improved = client.prompt().get_prompt(new_id)?;
        println!(
            "new version {} (id {}), latest: {}",
            improved.version, improved.id, improved.is_latest
        );
    }

    let prompts = client
        .prompt()
        .list_prompts(&ListPrompts::new().limit(100))?;
    println!("{} prompt versions", prompts.total);
    let datasets = client
        .prompt_datasets()
        .list_prompt_datasets(&ListPromptDatasets::new().prompt_id(prompt.id))?;
    println!("{} datasets of the prompt", datasets.total);
    let evaluations = client
        .prompt_evaluations()
        .list_evaluations(&ListEvaluations::new().prompt_id(prompt.id))?;
    println!("{} evaluations of the prompt", evaluations.total);
    // A blocking walk over every page is an iterator.
    let jobs = client
        .optimization()
        .list_optimizations_all(
            &ListOptimizations::new().prompt_group_id(prompt.prompt_group_id.clone()),
        )
        .collect::<Result<Vec<_>, _>>()?;
    println!("{} optimization jobs of the prompt group", jobs.len());
    Ok(())
}
