//! `cargo xtask demo`: the platform's main journey through the SDK, told as it goes.
//!
//! Without `--server-url` it starts the emulator in-process; with it, it runs against that
//! server, taking the key from `MUTAGENT_API_KEY`.

use std::time::{Duration, SystemTime};

use mutagent::invitations::CreateInvitation;
use mutagent::optimization::{OptimizationConfig, OptimizationWatchOptions, OptimizePrompt};
use mutagent::organizations::{OrganizationList, OrganizationRole};
use mutagent::prelude::*;
use mutagent::prompt::{CreatePrompt, PromptContent};
use mutagent::prompt_dataset_items::NewDatasetItem;
use mutagent::prompt_datasets::CreatePromptDataset;
use mutagent::prompt_evaluations::{
    CreateEvaluation, EvalConfig, EvalCriterion, EvaluationWaitOptions,
};
use mutagent::traces::{
    GetTrace, GetTraceStats, ListTraces, NewSpan, NewTrace, SpanKind, StatsGroupBy,
};
use mutagent::workspace_members::AddWorkspaceMember;
use mutagent::workspaces::{WorkspaceList, WorkspaceRole};
use serde_json::json;

const DEMO_KEY: &str = "mt_demo_key";

/// Parses the options and runs the journey on a fresh runtime.
pub(crate) fn run(args: &[String]) -> Result<(), String> {
    let mut server_url = None;
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--server-url" => {
                let url = rest.next().ok_or("`--server-url` needs a URL")?;
                server_url = Some(url.clone());
            }
            other => {
                return Err(format!(
                    "unknown option `{other}`; usage: cargo xtask demo [--server-url URL]"
                ))
            }
        }
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|err| format!("cannot start a Tokio runtime: {err}"))?;
    runtime.block_on(async move {
        match server_url {
            Some(url) => {
                let client = mutagent::Client::builder()
                    .server_url(url)
                    .build()
                    .map_err(|err| err.to_string())?;
                if !client.config().has_api_key() {
                    println!(
                        "note: MUTAGENT_API_KEY is not set; the server will likely answer 401"
                    );
                }
                println!("MutagenT demo against {}\n", client.config().server_url());
                journey(&client, Duration::from_secs(2)).await
            }
            None => {
                let emulator = mutagent_emulator::Emulator::builder()
                    .api_key(DEMO_KEY)
                    .seed(2026)
                    .optimization_step(Duration::from_millis(150))
                    .start()
                    .await
                    .map_err(|err| format!("cannot start the emulator: {err}"))?;
                let client = mutagent::Client::builder()
                    .env(mutagent::env::EmptyEnv)
                    .api_key(DEMO_KEY)
                    .server_url(emulator.url())
                    .build()
                    .map_err(|err| err.to_string())?;
                println!(
                    "MutagenT demo against the in-process emulator at {}\n",
                    emulator.url()
                );
                journey(&client, Duration::from_millis(100)).await
            }
        }
    })
}

/// Any SDK error, shown as the SDK says it.
fn fail(step: &str) -> impl FnOnce(mutagent::Error) -> String + '_ {
    move |err| format!("{step} failed: {err}")
}

async fn journey(client: &mutagent::Client, poll: Duration) -> Result<(), String> {
    let run_id = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or_default();

    println!("1. Prompt");
    let prompt = client
        .prompt()
        .create_prompt(
            &CreatePrompt::new(
                format!("support-reply-{run_id}"),
                PromptContent::chat(
                    "You are a concise, friendly support agent.",
                    "Answer the customer: {question}",
                ),
                json!({"type": "object", "properties": {"question": {"type": "string"}}, "required": ["question"]}),
            )
            .description("Replies to support questions")
            .tags(["demo"]),
        )
        .await
        .map_err(fail("create_prompt"))?;
    println!(
        "   created prompt {} \"{}\" version {} (group {})",
        prompt.id, prompt.name, prompt.version, prompt.prompt_group_id
    );

    println!("\n2. Dataset");
    let dataset = client
        .prompt_datasets()
        .create_prompt_dataset(
            prompt.id,
            &CreatePromptDataset::new(format!("support-questions-{run_id}"))
                .description("Real questions with the answers we expect"),
        )
        .await
        .map_err(fail("create_prompt_dataset"))?;
    let questions = [
        (
            "How do I reset my password?",
            "Use the reset link on the sign-in page.",
        ),
        ("Can I export my data?", "Yes, from Settings > Export."),
        ("Do you offer refunds?", "Within 30 days of purchase."),
        ("Where is my invoice?", "Under Billing > Invoices."),
    ];
    let items: Vec<NewDatasetItem> = questions
        .iter()
        .map(|(question, answer)| {
            NewDatasetItem::new(json!({"question": question}))
                .expected_output(json!({"answer": answer}))
        })
        .collect();
    let created = client
        .prompt_dataset_items()
        .bulk_create_prompt_dataset_items(dataset.id, &items)
        .await
        .map_err(fail("bulk_create_prompt_dataset_items"))?;
    println!(
        "   dataset {} \"{}\" with {} items added in one bulk call",
        dataset.id,
        dataset.name,
        created.len()
    );

    println!("\n3. Evaluation");
    let evaluation = client
        .prompt_evaluations()
        .create_evaluation(
            &CreateEvaluation::new(prompt.id, format!("helpfulness-{run_id}"))
                .dataset_id(dataset.id)
                .eval_config(
                    EvalConfig::new()
                        .with_criterion(
                            EvalCriterion::new("The answer resolves the question", "answer")
                                .name("helpful"),
                        )
                        .with_threshold(0.7),
                ),
        )
        .await
        .map_err(fail("create_evaluation"))?;
    println!(
        "   created evaluation {} \"{}\"; running it…",
        evaluation.id, evaluation.name
    );
    let result = client
        .prompt_evaluations()
        .run_evaluation_and_wait(
            evaluation.id,
            EvaluationWaitOptions::new()
                .poll_interval(poll)
                .deadline(Duration::from_secs(300)),
        )
        .await
        .map_err(|err| format!("run_evaluation failed: {err}"))?;
    println!(
        "   result: success={} score={}",
        result.success,
        result.score.map_or("n/a".to_owned(), |s| format!("{s:.3}"))
    );

    println!("\n4. Optimization");
    let job = client
        .optimization()
        .optimize_prompt(
            prompt.id,
            &OptimizePrompt::new(dataset.id, OptimizationConfig::new(5).target_score(0.99))
                .evaluation_id(evaluation.id),
        )
        .await
        .map_err(fail("optimize_prompt"))?;
    println!("   started job {} ({})", job.id, job.status);
    let finished = client
        .optimization()
        .wait_for_optimization(
            job.id.clone(),
            OptimizationWatchOptions::new()
                .poll_interval(poll)
                .deadline(Duration::from_secs(600)),
            |progress| {
                println!(
                    "   … {:<9} iteration {}/{}  {:>3.0}%  best score {}  {}",
                    progress.status().to_string(),
                    progress.iteration(),
                    progress.max_iterations(),
                    progress.percent(),
                    progress
                        .best_score()
                        .map_or("-".to_owned(), |s| format!("{s:.3}")),
                    progress.stage().unwrap_or_default()
                )
            },
        )
        .await
        .map_err(|err| format!("following the optimization failed: {err}"))?;
    println!("   job {} ended {}", finished.id, finished.status);
    let results = client
        .optimization()
        .get_optimization_results(job.id.clone())
        .await
        .map_err(fail("get_optimization_results"))?;
    println!(
        "   results for job {} ({} bytes of scorecard)",
        results.job_id,
        results.scorecard.to_string().len()
    );
    match finished.result_prompt_id {
        Some(new_id) => {
            let improved = client
                .prompt()
                .get_prompt(new_id)
                .await
                .map_err(fail("get_prompt"))?;
            println!(
                "   new prompt version {} (id {}), latest: {}",
                improved.version, improved.id, improved.is_latest
            );
        }
        None => println!("   the job produced no new prompt version"),
    }

    println!("\n5. Traces");
    let session = format!("demo-session-{run_id}");
    let now = SystemTime::now();
    let traces: Vec<NewTrace> = (0..3)
        .map(|n| {
            let start = mutagent::traces::rfc3339(now);
            NewTrace::new(format!("demo-{run_id}-{n}"), start.clone())
                .name("support reply")
                .session_id(session.clone())
                .span(
                    NewSpan::new(
                        format!("agent-{n}"),
                        "answer question",
                        SpanKind::Agent,
                        start.clone(),
                    )
                    .end_time(mutagent::traces::rfc3339(now + Duration::from_millis(900))),
                )
                .span(
                    NewSpan::new(
                        format!("llm-{n}"),
                        "chat completion",
                        SpanKind::LlmChat,
                        start,
                    )
                    .parent(format!("agent-{n}"))
                    .model("gpt-4o-mini")
                    .provider("openai")
                    .tokens(120 + n * 10, 45)
                    .cost_usd(0.0004)
                    .end_time(mutagent::traces::rfc3339(now + Duration::from_millis(800))),
                )
        })
        .collect();
    let ingested = client
        .traces()
        .ingest_trace_batch(&traces)
        .await
        .map_err(fail("ingest_trace_batch"))?;
    println!("   ingested {} traces in one batch", ingested.count);
    let listed = client
        .traces()
        .list_traces(&ListTraces::new().session_id(session.clone()))
        .await
        .map_err(fail("list_traces"))?;
    println!(
        "   read back {} traces of session {session}",
        listed.data.len()
    );
    if let Some(first) = listed.data.first() {
        let full = client
            .traces()
            .get_trace_with(first.id.clone(), &GetTrace::new().include("spans"))
            .await
            .map_err(fail("get_trace"))?;
        println!(
            "   trace {}: {} spans, {} input tokens",
            full.id,
            full.spans.as_ref().map_or(0, Vec::len),
            full.total_input_tokens.unwrap_or_default()
        );
    }
    let stats = client
        .traces()
        .get_trace_stats(
            StatsGroupBy::Model,
            &GetTraceStats::new().session_id(session),
        )
        .await
        .map_err(fail("get_trace_stats"))?;
    println!("   stats by model: {stats}");

    println!("\n6. Workspaces and organizations");
    let workspaces = client
        .workspaces()
        .list_workspaces(&Default::default())
        .await
        .map_err(fail("list_workspaces"))?;
    for workspace in &workspaces.workspaces {
        println!(
            "   workspace {} \"{}\" (role {}, default {})",
            workspace.workspace.id,
            workspace.workspace.name,
            workspace.role,
            workspace.workspace.is_default
        );
    }
    let organizations = client
        .organizations()
        .list_organizations(&Default::default())
        .await
        .map_err(fail("list_organizations"))?;
    for organization in &organizations.data {
        println!(
            "   organization {} \"{}\" (role {}, plan {})",
            organization.organization.id,
            organization.organization.name,
            organization.role,
            organization.organization.billing_plan
        );
    }

    administration(client, &workspaces, &organizations).await?;

    println!(
        "\nDone: prompt, dataset, evaluation, optimization, traces, workspaces and organizations, \
         and administration (a workspace member added, an invitation sent)."
    );
    Ok(())
}

/// Step 7: a colleague joins the first workspace as a viewer, and another is invited to the
/// first organization as an editor.
async fn administration(
    client: &mutagent::Client,
    workspaces: &WorkspaceList,
    organizations: &OrganizationList,
) -> Result<(), String> {
    println!("\n7. Administration");
    if let Some(entry) = workspaces.workspaces.first() {
        let ws = &entry.workspace;
        let member = client
            .workspace_members()
            .add_workspace_member(
                &ws.id,
                &AddWorkspaceMember::new("user_demo_colleague", WorkspaceRole::Viewer),
            )
            .await
            .map_err(fail("add_workspace_member"))?;
        let members = client
            .workspace_members()
            .list_workspace_members(&ws.id)
            .await
            .map_err(fail("list_workspace_members"))?;
        println!(
            "   added {} to workspace \"{}\" as {}; it has {} member(s)",
            member.user_id,
            ws.name,
            member.role,
            members.data.len()
        );
    }
    if let Some(entry) = organizations.data.first() {
        let org = &entry.organization;
        let invite = client
            .invitations()
            .create_invitation(
                &org.id,
                &CreateInvitation::new(OrganizationRole::Editor).email("new.colleague@example.com"),
            )
            .await
            .map_err(fail("create_invitation"))?;
        println!(
            "   invited {} to \"{}\" as {} ({}, expires {}); the link stays secret: {:?}",
            invite.email.as_deref().unwrap_or("(no e-mail)"),
            org.name,
            invite.role,
            invite.status.as_deref().unwrap_or("?"),
            invite.expires_at.as_deref().unwrap_or("?"),
            invite.invite_url
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_journey_runs_against_the_emulator() {
        assert_eq!(run(&[]), Ok(()));
    }

    #[test]
    fn unknown_options_are_refused() {
        let err = run(&["--verbose".to_owned()]).expect_err("unknown option");
        assert!(err.contains("--verbose"), "{err}");
        assert!(run(&["--server-url".to_owned()]).is_err());
    }
}
