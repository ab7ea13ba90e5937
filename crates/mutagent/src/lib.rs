//! The MutagenT Rust SDK.
//!
//! Manage prompts and their versions, build datasets, evaluate prompts, run prompt
//! optimization jobs, ingest and read traces, within organizations and workspaces — from async
//! code or blocking code, with the same calls.
//!
// The examples below are doc tests of the namespaces they call: without those features
// (`cargo test -p mutagent --no-default-features`) they are shown but not compiled.
#![cfg_attr(feature = "prompt", doc = "```no_run")]
#![cfg_attr(not(feature = "prompt"), doc = "```ignore")]
//! use mutagent::prelude::*;
//! use mutagent::prompt::{CreatePrompt, ListPrompts, PromptContent};
//!
//! #[tokio::main]
//! async fn main() -> Result<(), mutagent::Error> {
//!     // Reads MUTAGENT_API_KEY and MUTAGENT_SERVER_URL when not given here.
//!     let client = mutagent::Client::builder().build()?;
//!     let created = client
//!         .prompt()
//!         .create_prompt(&CreatePrompt::new(
//!             "greeter",
//!             PromptContent::chat("You are friendly.", "Greet {name}."),
//!             serde_json::json!({"type": "object"}),
//!         ))
//!         .await?;
//!     let page = client.prompt().list_prompts(&ListPrompts::new().limit(20)).await?;
//!     println!("created {}; {} prompts in all", created.id, page.total);
//!     Ok(())
//! }
//! ```
//!
//! The blocking client takes the same calls without `.await`:
//!
#![cfg_attr(feature = "prompt", doc = "```no_run")]
#![cfg_attr(not(feature = "prompt"), doc = "```ignore")]
//! use mutagent::prelude::*;
//! # fn main() -> Result<(), mutagent::Error> {
//! let client = mutagent::BlockingClient::builder().build()?;
//! let tags = client.prompt().list_prompt_tags()?;
//! # let _ = tags; Ok(()) }
//! ```
//!
//! # The main journey
//!
//! A prompt, a dataset uploaded from a JSON Lines file, an evaluation, an optimization job
//! followed as it runs, and the new prompt version it produced. `examples/journey.rs` is the
//! same journey as a program you can run as it is (`cargo run -p mutagent --example journey`,
//! against an emulator started in-process); `examples/journey_blocking.rs` is its blocking
//! twin.
//!
#![cfg_attr(
    all(
        feature = "prompt",
        feature = "prompt-datasets",
        feature = "prompt-evaluations",
        feature = "optimization"
    ),
    doc = "```no_run"
)]
#![cfg_attr(
    not(all(
        feature = "prompt",
        feature = "prompt-datasets",
        feature = "prompt-evaluations",
        feature = "optimization"
    )),
    doc = "```ignore"
)]
//! use std::time::Duration;
//! use mutagent::prelude::*;
//! use mutagent::optimization::{OptimizationConfig, OptimizationWatchOptions, OptimizePrompt};
//! use mutagent::prompt::{CreatePrompt, PromptContent};
//! use mutagent::prompt_datasets::UploadDataset;
//! use mutagent::prompt_evaluations::{CreateEvaluation, EvaluationWaitOptions};
//!
//! # async fn journey() -> Result<(), mutagent::Error> {
//! let client = mutagent::Client::builder().build()?;
//!
//! let prompt = client
//!     .prompt()
//!     .create_prompt(&CreatePrompt::new(
//!         "support-reply",
//!         PromptContent::chat("You are a concise support agent.", "Answer: {question}"),
//!         serde_json::json!({"type": "object", "properties": {"question": {"type": "string"}}}),
//!     ))
//!     .await?;
//!
//! // One item a line: {"name": .., "input": {"question": ..}, "expectedOutput": {"answer": ..}}
//! // (CSV files too, with the `csv` feature).
//! let upload = client
//!     .prompt_datasets()
//!     .upload_dataset_file(prompt.id, UploadDataset::new("support-questions"), "questions.jsonl")
//!     .await?;
//!
//! let evaluation = client
//!     .prompt_evaluations()
//!     .create_evaluation(&CreateEvaluation::new(prompt.id, "helpfulness").dataset_id(upload.dataset.id))
//!     .await?;
//! let result = client
//!     .prompt_evaluations()
//!     .run_evaluation_and_wait(evaluation.id, EvaluationWaitOptions::new())
//!     .await?;
//! println!("baseline score {:?}", result.score);
//!
//! let job = client
//!     .optimization()
//!     .optimize_prompt(
//!         prompt.id,
//!         &OptimizePrompt::new(upload.dataset.id, OptimizationConfig::new(5)).evaluation_id(evaluation.id),
//!     )
//!     .await?;
//! let options = OptimizationWatchOptions::new().deadline(Duration::from_secs(15 * 60));
//! let finished = client
//!     .optimization()
//!     .wait_for_optimization(job.id.clone(), options, |progress| println!("{progress}"))
//!     .await?;
//! if let Some(new_version) = finished.result_prompt_id {
//!     let improved = client.prompt().get_prompt(new_version).await?;
//!     println!("new version {}", improved.version);
//! }
//! # Ok(()) }
//! ```
//!
//! When a call fails, the error says what went wrong and, when the SDK knows, what to do:
//! see [`Error`] and [docs/errors.md](https://github.com/mutagent-io/mutagent-rs/blob/main/docs/errors.md).
//!
//! # Configuration
//!
//! See [`config`] for every setting with its environment variable and default.
//!
//! Proxies (`HTTPS_PROXY`, `NO_PROXY`, …) and private CAs (`SSL_CERT_FILE`, `SSL_CERT_DIR`) are
//! read from the environment by default: see
//! [docs/configuration.md](https://github.com/mutagent-io/mutagent-rs/blob/main/docs/configuration.md), "Proxies and
//! certificates". Two opt-in features go further:
//!
//! | feature | what it adds |
//! |---|---|
//! | `native-roots` | the operating system's certificate store, on top of the bundled roots |
//! | `rustls-0_23` | `DefaultHttpClientBuilder::tls_config(rustls::ClientConfig)`, your own rustls configuration |
//!
//! # Features
//!
//! Off by default: `gzip` asks for compressed answers and decompresses them as they arrive,
//! with `max_response_bytes` bounding the decompressed size (flate2 over pure-Rust
//! miniz_oxide; see [docs/reliability.md](https://github.com/mutagent-io/mutagent-rs/blob/main/docs/reliability.md)); `tower` makes any `tower::Service` the HTTP client
//! (the `tower` module, `examples/tower_layer.rs`); `csv` reads and writes CSV dataset files
//! in [`prompt_datasets`] (upload and export; without it `DatasetFileFormat::Csv` is refused
//! with `CsvNotEnabled` before anything is sent, and the default tree stays within its
//! budget of third-party crates); `serde-roundtrip` gives the answer models `Serialize` too
//! (to store or forward what the API returned as JSON) and the request bodies `Deserialize`
//! (without it each model implements the direction the wire needs, which compiles less);
//! `tracing-exporter` and `opentelemetry` (below; [docs/tracing.md](https://github.com/mutagent-io/mutagent-rs/blob/main/docs/tracing.md)).
//!
//! Each API namespace is a Cargo feature; the nine of the main journey are on by default. Turn
//! off default features and pick the ones you use to compile less; or depend on a namespace
//! crate alone.
//!
//! | feature | module | crate |
//! |---|---|---|
//! | `prompt` | [`prompt`] | `mutagent-prompt` |
//! | `prompt-datasets` | [`prompt_datasets`] | `mutagent-prompt-datasets` |
//! | `prompt-dataset-items` | [`prompt_dataset_items`] | `mutagent-prompt-dataset-items` |
//! | `prompt-evaluations` | [`prompt_evaluations`] | `mutagent-prompt-evaluations` |
//! | `optimization` | [`optimization`] | `mutagent-optimization` |
//! | `traces` | [`traces`] | `mutagent-traces` |
//! | `experiments` | [`experiments`] | `mutagent-experiments` |
//! | `organizations` | [`organizations`] | `mutagent-organizations` |
//! | `workspaces` | [`workspaces`] | `mutagent-workspaces` |
//!
//! Opt-in namespaces (not on by default; `full` turns on every namespace, `csv`,
//! `serde-roundtrip` and the trace exporter, but not `opentelemetry`): the secondary ones of
//! API 0.1.2, then the administration ones the live platform (0.4.1) still serves.
//!
//! | feature | module | crate |
//! |---|---|---|
//! | `prompt-readiness` | `prompt_readiness` | `mutagent-prompt-readiness` |
//! | `prompt-executions` | `prompt_executions` | `mutagent-prompt-executions` |
//! | `playground` | `playground` | `mutagent-playground` |
//! | `agents` | `agents` | `mutagent-agents` |
//! | `organization-members` | `organization_members` | `mutagent-organization-members` |
//! | `workspace-members` | `workspace_members` | `mutagent-workspace-members` |
//! | `invitations` | `invitations` | `mutagent-invitations` |
//! | `llm-providers` | `llm_providers` | `mutagent-provider-configs` |
//! | `user-profile` | `user_profile` | `mutagent-user-profile` |
//!
// A namespace turned off has no module in this build: its links above go to the crate's own
// documentation instead, so these docs build without a broken link under every feature set.
#![cfg_attr(
    not(feature = "prompt"),
    doc = "[`prompt`]: https://docs.rs/mutagent-prompt"
)]
#![cfg_attr(
    not(feature = "prompt-datasets"),
    doc = "[`prompt_datasets`]: https://docs.rs/mutagent-prompt-datasets"
)]
#![cfg_attr(
    not(feature = "prompt-dataset-items"),
    doc = "[`prompt_dataset_items`]: https://docs.rs/mutagent-prompt-dataset-items"
)]
#![cfg_attr(
    not(feature = "prompt-evaluations"),
    doc = "[`prompt_evaluations`]: https://docs.rs/mutagent-prompt-evaluations"
)]
#![cfg_attr(
    not(feature = "optimization"),
    doc = "[`optimization`]: https://docs.rs/mutagent-optimization"
)]
#![cfg_attr(
    not(feature = "traces"),
    doc = "[`traces`]: https://docs.rs/mutagent-traces"
)]
#![cfg_attr(
    not(feature = "experiments"),
    doc = "[`experiments`]: https://docs.rs/mutagent-experiments"
)]
#![cfg_attr(
    not(feature = "organizations"),
    doc = "[`organizations`]: https://docs.rs/mutagent-organizations"
)]
#![cfg_attr(
    not(feature = "workspaces"),
    doc = "[`workspaces`]: https://docs.rs/mutagent-workspaces"
)]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub use mutagent_core::{
    blocking, config, env, error, http_client, ids, models, pagination, polling, query, request,
    retry, steps, ApiClient, ApiError, ApiRequest, BaseUrl, BlockingClient, CallOptions, Client,
    ClientBuilder, Config, ConfigError, ConnectError, ConnectErrorKind, DecodeError, Endpoint,
    Error, ItemStream, Method, Operation, Origin, Page, Paginated, QueryParams, ResponseFuture,
    ResponseMeta, Result, RetryPolicy, RuntimeProblem, StatusCode, WithResponse,
};

/// Any `tower::Service` as the HTTP client (feature `tower`); see `examples/tower_layer.rs`.
#[cfg(feature = "tower")]
#[cfg_attr(docsrs, doc(cfg(feature = "tower")))]
pub use mutagent_core::tower;

/// Prompts and their versions (feature `prompt`).
#[cfg(feature = "prompt")]
#[cfg_attr(docsrs, doc(cfg(feature = "prompt")))]
pub use mutagent_prompt as prompt;

/// Datasets scoped to a prompt group: create, list, update, clone, export, delete. (feature `prompt-datasets`).
#[cfg(feature = "prompt-datasets")]
#[cfg_attr(docsrs, doc(cfg(feature = "prompt-datasets")))]
pub use mutagent_prompt_datasets as prompt_datasets;

/// The items of prompt datasets: create, bulk insert, update, delete. (feature `prompt-dataset-items`).
#[cfg(feature = "prompt-dataset-items")]
#[cfg_attr(docsrs, doc(cfg(feature = "prompt-dataset-items")))]
pub use mutagent_prompt_dataset_items as prompt_dataset_items;

/// Prompt evaluations: create, run, read results and history. (feature `prompt-evaluations`).
#[cfg(feature = "prompt-evaluations")]
#[cfg_attr(docsrs, doc(cfg(feature = "prompt-evaluations")))]
pub use mutagent_prompt_evaluations as prompt_evaluations;

/// Prompt optimization jobs: start, follow, pause, resume, cancel, read results. (feature `optimization`).
#[cfg(feature = "optimization")]
#[cfg_attr(docsrs, doc(cfg(feature = "optimization")))]
pub use mutagent_optimization as optimization;

/// Traces of LLM apps: ingest (single, batch, OTLP JSON), list, read, stats and analytics. (feature `traces`).
#[cfg(feature = "traces")]
#[cfg_attr(docsrs, doc(cfg(feature = "traces")))]
pub use mutagent_traces as traces;

/// Experiments comparing models on a prompt and dataset. (feature `experiments`).
#[cfg(feature = "experiments")]
#[cfg_attr(docsrs, doc(cfg(feature = "experiments")))]
pub use mutagent_experiments as experiments;

/// Organizations: create, list, update, delete, slugs and member counts. (feature `organizations`).
#[cfg(feature = "organizations")]
#[cfg_attr(docsrs, doc(cfg(feature = "organizations")))]
pub use mutagent_organizations as organizations;

/// Workspaces within an organization. (feature `workspaces`).
#[cfg(feature = "workspaces")]
#[cfg_attr(docsrs, doc(cfg(feature = "workspaces")))]
pub use mutagent_workspaces as workspaces;

/// Trace ingestion from Rust apps: the batching exporter, the `tracing` layer and OTLP
/// conversion. (feature `tracing-exporter`, not on by default).
#[cfg(feature = "tracing-exporter")]
#[cfg_attr(docsrs, doc(cfg(feature = "tracing-exporter")))]
pub use mutagent_trace_exporter as tracing_exporter;

/// Pipeline readiness of a prompt group (API 0.1.2). (feature `prompt-readiness`, not on by
/// default).
#[cfg(feature = "prompt-readiness")]
#[cfg_attr(docsrs, doc(cfg(feature = "prompt-readiness")))]
pub use mutagent_prompt_readiness as prompt_readiness;

/// An OpenTelemetry span exporter to MutagenT, for apps that already trace with
/// `opentelemetry_sdk` or `tracing-opentelemetry` (feature `opentelemetry`, not on by default).
#[cfg(feature = "opentelemetry")]
#[cfg_attr(docsrs, doc(cfg(feature = "opentelemetry")))]
pub use mutagent_opentelemetry as opentelemetry;

/// Recorded prompt executions and playground runs (API 0.1.2). (feature `prompt-executions`,
/// not on by default).
#[cfg(feature = "prompt-executions")]
#[cfg_attr(docsrs, doc(cfg(feature = "prompt-executions")))]
pub use mutagent_prompt_executions as prompt_executions;

/// Agent definitions stored in a workspace. (feature `agents`, not on by default).
#[cfg(feature = "agents")]
#[cfg_attr(docsrs, doc(cfg(feature = "agents")))]
pub use mutagent_agents as agents;
/// Run a stored prompt once, or run and score it (API 0.1.2). (feature `playground`, not on
/// by default).
#[cfg(feature = "playground")]
#[cfg_attr(docsrs, doc(cfg(feature = "playground")))]
pub use mutagent_playground as playground;

/// The members of an organization and their roles. (feature `organization-members`, not on
/// by default).
#[cfg(feature = "organization-members")]
#[cfg_attr(docsrs, doc(cfg(feature = "organization-members")))]
pub use mutagent_organization_members as organization_members;

/// The members of a workspace and their roles. (feature `workspace-members`, not on by
/// default).
#[cfg(feature = "workspace-members")]
#[cfg_attr(docsrs, doc(cfg(feature = "workspace-members")))]
pub use mutagent_workspace_members as workspace_members;

/// Invitations to join an organization. (feature `invitations`, not on by default).
#[cfg(feature = "invitations")]
#[cfg_attr(docsrs, doc(cfg(feature = "invitations")))]
pub use mutagent_invitations as invitations;

/// Stored LLM provider credentials and model listings (`provider_configs` in API 0.1.2).
/// (feature `llm-providers`, not on by default).
#[cfg(feature = "llm-providers")]
#[cfg_attr(docsrs, doc(cfg(feature = "llm-providers")))]
#[doc(alias = "provider_configs")]
pub use mutagent_provider_configs as llm_providers;

/// The calling user's account and login sessions. (feature `user-profile`, not on by
/// default).
#[cfg(feature = "user-profile")]
#[cfg_attr(docsrs, doc(cfg(feature = "user-profile")))]
pub use mutagent_user_profile as user_profile;

/// The extension traits that add the namespaces to both clients: `use mutagent::prelude::*;`.
pub mod prelude {
    #[cfg(feature = "agents")]
    pub use mutagent_agents::AgentsExt as _;
    pub use mutagent_core::ApiClient;
    #[cfg(feature = "experiments")]
    pub use mutagent_experiments::ExperimentsExt as _;
    #[cfg(feature = "invitations")]
    pub use mutagent_invitations::InvitationsExt as _;
    #[cfg(feature = "optimization")]
    pub use mutagent_optimization::OptimizationExt as _;
    #[cfg(feature = "organization-members")]
    pub use mutagent_organization_members::OrganizationMembersExt as _;
    #[cfg(feature = "organizations")]
    pub use mutagent_organizations::OrganizationsExt as _;
    #[cfg(feature = "playground")]
    pub use mutagent_playground::PlaygroundExt as _;
    #[cfg(feature = "prompt")]
    pub use mutagent_prompt::PromptExt as _;
    #[cfg(feature = "prompt-dataset-items")]
    pub use mutagent_prompt_dataset_items::PromptDatasetItemsExt as _;
    #[cfg(feature = "prompt-datasets")]
    pub use mutagent_prompt_datasets::PromptDatasetsExt as _;
    #[cfg(feature = "prompt-evaluations")]
    pub use mutagent_prompt_evaluations::PromptEvaluationsExt as _;
    #[cfg(feature = "prompt-executions")]
    pub use mutagent_prompt_executions::PromptExecutionsExt as _;
    #[cfg(feature = "prompt-readiness")]
    pub use mutagent_prompt_readiness::PromptReadinessExt as _;
    #[cfg(feature = "llm-providers")]
    pub use mutagent_provider_configs::LlmProvidersExt as _;
    #[cfg(feature = "traces")]
    pub use mutagent_traces::TracesExt as _;
    #[cfg(feature = "user-profile")]
    pub use mutagent_user_profile::UserProfileExt as _;
    #[cfg(feature = "workspace-members")]
    pub use mutagent_workspace_members::WorkspaceMembersExt as _;
    #[cfg(feature = "workspaces")]
    pub use mutagent_workspaces::WorkspacesExt as _;
}

/// Every API operation of the enabled namespaces, in contract order.
pub fn operations() -> Vec<&'static Operation> {
    // An array of the enabled namespaces' lists rather than pushes onto a `mut` vector: with
    // no namespace feature on, the vector would never be changed and `unused_mut` would warn.
    let namespaces: &[&[&'static Operation]] = &[
        #[cfg(feature = "prompt")]
        mutagent_prompt::operations::OPERATIONS,
        #[cfg(feature = "prompt-datasets")]
        mutagent_prompt_datasets::operations::OPERATIONS,
        #[cfg(feature = "prompt-dataset-items")]
        mutagent_prompt_dataset_items::operations::OPERATIONS,
        #[cfg(feature = "prompt-evaluations")]
        mutagent_prompt_evaluations::operations::OPERATIONS,
        #[cfg(feature = "optimization")]
        mutagent_optimization::operations::OPERATIONS,
        #[cfg(feature = "traces")]
        mutagent_traces::operations::OPERATIONS,
        #[cfg(feature = "experiments")]
        mutagent_experiments::operations::OPERATIONS,
        #[cfg(feature = "organizations")]
        mutagent_organizations::operations::OPERATIONS,
        #[cfg(feature = "workspaces")]
        mutagent_workspaces::operations::OPERATIONS,
        #[cfg(feature = "prompt-readiness")]
        mutagent_prompt_readiness::operations::OPERATIONS,
        #[cfg(feature = "prompt-executions")]
        mutagent_prompt_executions::operations::OPERATIONS,
        #[cfg(feature = "playground")]
        mutagent_playground::operations::OPERATIONS,
        #[cfg(feature = "agents")]
        mutagent_agents::operations::OPERATIONS,
        #[cfg(feature = "organization-members")]
        mutagent_organization_members::operations::OPERATIONS,
        #[cfg(feature = "workspace-members")]
        mutagent_workspace_members::operations::OPERATIONS,
        #[cfg(feature = "invitations")]
        mutagent_invitations::operations::OPERATIONS,
        #[cfg(feature = "llm-providers")]
        mutagent_provider_configs::operations::OPERATIONS,
        #[cfg(feature = "user-profile")]
        mutagent_user_profile::operations::OPERATIONS,
    ];
    namespaces.concat()
}

/// The README's examples, compiled as doc tests so they cannot rot (they call `prompt`).
#[cfg(all(doctest, feature = "prompt"))]
#[doc = include_str!("../../../README.md")]
pub struct ReadmeDoctests;

/// docs/errors.md's examples, compiled (and run, against the emulator) as doc tests (they
/// call `prompt` and `prompt_evaluations`).
#[cfg(all(doctest, feature = "prompt", feature = "prompt-evaluations"))]
#[doc = include_str!("../../../docs/errors.md")]
pub struct ErrorsDoctests;

/// docs/configuration.md's examples, compiled as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../../../docs/configuration.md")]
pub struct ConfigurationDoctests;

/// docs/tracing.md's examples, compiled as doc tests (but the OpenTelemetry one: see there).
#[cfg(all(doctest, feature = "tracing-exporter", feature = "traces"))]
#[doc = include_str!("../../../docs/tracing.md")]
pub struct TracingDoctests;

/// docs/architecture.md's two excerpts of the SDK's own code, compiled against its public API.
#[cfg(all(doctest, feature = "prompt"))]
#[doc = include_str!("../../../docs/architecture.md")]
pub struct ArchitectureDoctests;

/// docs/emulator.md's examples: its tests run (`test_harness`) against the emulator they start.
#[cfg(all(doctest, feature = "prompt"))]
#[doc = include_str!("../../../docs/emulator.md")]
pub struct EmulatorDoctests;

/// The examples of each namespace page (docs/namespaces/*.md), compiled as doc tests, each page
/// only when the features it uses are on (`--features full` turns them all on).
#[cfg(all(doctest, feature = "prompt"))]
#[doc = include_str!("../../../docs/namespaces/prompt.md")]
pub struct PromptDoctests;

#[cfg(all(doctest, feature = "prompt-datasets", feature = "prompt-dataset-items"))]
#[doc = include_str!("../../../docs/namespaces/prompt_datasets.md")]
pub struct PromptDatasetsDoctests;

#[cfg(all(doctest, feature = "prompt-dataset-items"))]
#[doc = include_str!("../../../docs/namespaces/prompt_dataset_items.md")]
pub struct PromptDatasetItemsDoctests;

#[cfg(all(doctest, feature = "prompt-evaluations"))]
#[doc = include_str!("../../../docs/namespaces/prompt_evaluations.md")]
pub struct PromptEvaluationsDoctests;

#[cfg(all(doctest, feature = "optimization", feature = "prompt"))]
#[doc = include_str!("../../../docs/namespaces/optimization.md")]
pub struct OptimizationDoctests;

#[cfg(all(doctest, feature = "traces"))]
#[doc = include_str!("../../../docs/namespaces/traces.md")]
pub struct TracesDoctests;

#[cfg(all(doctest, feature = "experiments"))]
#[doc = include_str!("../../../docs/namespaces/experiments.md")]
pub struct ExperimentsDoctests;

#[cfg(all(doctest, feature = "organizations"))]
#[doc = include_str!("../../../docs/namespaces/organizations.md")]
pub struct OrganizationsDoctests;

#[cfg(all(doctest, feature = "workspaces"))]
#[doc = include_str!("../../../docs/namespaces/workspaces.md")]
pub struct WorkspacesDoctests;

#[cfg(all(doctest, feature = "prompt-readiness", feature = "prompt"))]
#[doc = include_str!("../../../docs/namespaces/prompt_readiness.md")]
pub struct PromptReadinessDoctests;

#[cfg(all(doctest, feature = "prompt-executions"))]
#[doc = include_str!("../../../docs/namespaces/prompt_executions.md")]
pub struct PromptExecutionsDoctests;

#[cfg(all(doctest, feature = "playground", feature = "prompt-executions"))]
#[doc = include_str!("../../../docs/namespaces/playground.md")]
pub struct PlaygroundDoctests;

#[cfg(all(doctest, feature = "agents"))]
#[doc = include_str!("../../../docs/namespaces/agents.md")]
pub struct AgentsDoctests;

#[cfg(all(doctest, feature = "organization-members"))]
#[doc = include_str!("../../../docs/namespaces/organization_members.md")]
pub struct OrganizationMembersDoctests;

#[cfg(all(doctest, feature = "workspace-members"))]
#[doc = include_str!("../../../docs/namespaces/workspace_members.md")]
pub struct WorkspaceMembersDoctests;

#[cfg(all(doctest, feature = "invitations"))]
#[doc = include_str!("../../../docs/namespaces/invitations.md")]
pub struct InvitationsDoctests;

#[cfg(all(doctest, feature = "llm-providers"))]
#[doc = include_str!("../../../docs/namespaces/llm_providers.md")]
pub struct LlmProvidersDoctests;

#[cfg(all(doctest, feature = "user-profile"))]
#[doc = include_str!("../../../docs/namespaces/user_profile.md")]
pub struct UserProfileDoctests;
