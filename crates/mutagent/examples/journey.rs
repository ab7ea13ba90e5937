//! The platform's main journey with the async client: a prompt, a dataset uploaded from a
//! JSON Lines file, an evaluation, an optimization job followed as it runs, the new prompt
//! version it produced, and everything listed at the end.
//!
//! ```text
//! cargo run -p mutagent --example journey                       # in-process emulator
//! cargo run -p mutagent --example journey -- --server-url URL   # key from MUTAGENT_API_KEY
//! ```

use std::time::Duration;

use mutagent::optimization::{
    ListOptimizations, OptimizationConfig, OptimizationWatchOptions, OptimizePrompt,
};
use mutagent::prelude::*;
use mutagent::prompt::{CreatePrompt, ListPrompts, PromptContent};
use mutagent::prompt_datasets::{ListPromptDatasets, UploadDataset};
use mutagent::prompt_evaluations::{
    CreateEvaluation, EvalConfig, EvalCriterion, EvaluationWaitOptions, ListEvaluations,
};
use serde_json::json;

mod support;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let server = support::Server::from_args()?;
    let client = server.builder.build()?;

    // 1. A prompt: a chat template with one variable, and the schema of its input.
    let prompt = client
        .prompt()
        .create_prompt(&CreatePrompt::new(
            support::unique("support-reply"),
            PromptContent::chat(
                "You are a concise, friendly support agent.",
                "Answer the customer: {question}",
            ),
            json!({"type": "object", "properties": {"question": {"type": "string"}}}),
        ))
        .await?;
    println!(
        "prompt {} \"{}\" version {}",
        prompt.id, prompt.name, prompt.version
    );

    // 2. A dataset of the prompt, created and filled from a JSON Lines file in one call.
    let upload = client
        .prompt_datasets()
        .upload_dataset_file(
            prompt.id,
            UploadDataset::new(support::unique("support-questions")),
            support::questions_file(),
        )
        .await?;
    let dataset = upload.dataset;
    println!(
        "dataset {} with {} items from the file",
        dataset.id, upload.items_created
    );

    // 3. An evaluation of the prompt on the dataset, run and awaited.
    let evaluation = client
        .prompt_evaluations()
        .create_evaluation(
            &CreateEvaluation::new(prompt.id, support::unique("helpfulness"))
                .dataset_id(dataset.id)
                .eval_config(
                    EvalConfig::new()
                        .with_criterion(EvalCriterion::new(
                            "The answer resolves the question",
                            "answer",
                        ))
                        .with_threshold(0.7),
                ),
        )
        .await?;
    let result = client
        .prompt_evaluations()
        .run_evaluation_and_wait(
            evaluation.id,
            EvaluationWaitOptions::new()
                .poll_interval(server.poll)
                .deadline(Duration::from_secs(300)),
        )
        .await?;
    println!("evaluation {}: score {:?}", evaluation.id, result.score);

    // 4. An optimization job, followed until it ends; each line shows the stage too.
    let job = client
        .optimization()
        .optimize_prompt(
            prompt.id,
            &OptimizePrompt::new(dataset.id, OptimizationConfig::new(4).target_score(0.99))
                .evaluation_id(evaluation.id),
        )
        .await?;
    println!("optimization job {} started", job.id);
    let finished = client
        .optimization()
        .wait_for_optimization(
            job.id.clone(),
            OptimizationWatchOptions::new()
                .poll_interval(server.poll)
                .deadline(Duration::from_secs(600)),
            |progress| println!("  {progress}"),
        )
        .await?;
    println!("job ended {}", finished.status);

    // 5. The new prompt version the job produced.
    if let Some(new_id) = finished.result_prompt_id {
        let improved = client.prompt().get_prompt(new_id).await?;
        println!(
            "new version {} (id {}), latest: {}",
            improved.version, improved.id, improved.is_latest
        );
    }

    // 6. Everything there is now.
    let prompts = client
        .prompt()
        .list_prompts(&ListPrompts::new().limit(100))
        .await?;
    println!("{} prompt versions", prompts.total);
    let datasets = client
        .prompt_datasets()
        .list_prompt_datasets(&ListPromptDatasets::new().prompt_id(prompt.id))
        .await?;
    println!("{} datasets of the prompt", datasets.total);
    let evaluations = client
        .prompt_evaluations()
        .list_evaluations(&ListEvaluations::new().prompt_id(prompt.id))
        .await?;
    println!("{} evaluations of the prompt", evaluations.total);
    let jobs: Vec<_> = client
        .optimization()
        .list_optimizations_all(
            &ListOptimizations::new().prompt_group_id(prompt.prompt_group_id.clone()),
        )
        .try_collect()
        .await?;
    println!("{} optimization jobs of the prompt group", jobs.len());
    Ok(())
}
