//! C-SEND-SYNC (Rust API Guidelines): the clients, the errors and every future or stream an
//! operation returns can move to another thread, so `tokio::spawn(client.prompt().get_prompt(7))`
//! compiles and an error can go into `anyhow`/`Box<dyn Error + Send + Sync>`.
//!
//! These are compile-time checks: if a type loses `Send` (say a future starts holding an
//! `Rc` or a `MutexGuard` across an `.await`), this file stops compiling. The functions that
//! take a client are never called; building them is the test.

#![allow(dead_code)]

use std::error::Error as StdError;

use mutagent::{BlockingClient, Client, Error, ItemStream, ResponseFuture};

fn assert_send<T: Send>(_: &T) {}
fn assert_send_sync<T: Send + Sync>() {}
fn assert_error<T: StdError + Send + Sync + 'static>() {}
fn assert_static_send<T: Send + 'static>(_: &T) {}

#[test]
fn clients_and_core_types_are_send_and_sync() {
    assert_send_sync::<Client>();
    assert_send_sync::<BlockingClient>();
    assert_send_sync::<mutagent::ClientBuilder>();
    assert_send_sync::<mutagent::Config>();
    assert_send_sync::<mutagent::CallOptions>();
    assert_send_sync::<mutagent::ResponseMeta>();
    assert_send_sync::<mutagent::ApiRequest>();
    assert_send_sync::<mutagent::BaseUrl>();
    assert_send_sync::<mutagent::http_client::DefaultHttpClient>();
    assert_send_sync::<mutagent::blocking::ItemIter<serde_json::Value>>();
    // The exporter is shared by every thread that records spans.
    #[cfg(feature = "tracing-exporter")]
    {
        assert_send_sync::<mutagent::tracing_exporter::Exporter>();
        assert_send_sync::<mutagent::tracing_exporter::MutagentLayer>();
    }
}

#[test]
fn error_types_are_std_errors_that_cross_threads() {
    assert_error::<Error>();
    assert_error::<mutagent::ApiError>();
    assert_error::<mutagent::DecodeError>();
    assert_error::<mutagent::ConnectError>();
    assert_error::<mutagent::ConfigError>();
    assert_error::<mutagent::http_client::HttpError>();
    #[cfg(feature = "prompt-datasets")]
    {
        assert_error::<mutagent::prompt_datasets::UploadError>();
        assert_error::<mutagent::prompt_datasets::ExportError>();
        assert_error::<mutagent::prompt_datasets::CsvNotEnabled>();
    }
    #[cfg(feature = "prompt-evaluations")]
    assert_error::<mutagent::prompt_evaluations::EvaluationWaitError>();
    #[cfg(feature = "optimization")]
    assert_error::<mutagent::optimization::OptimizationWaitError>();
    #[cfg(feature = "tracing-exporter")]
    assert_error::<mutagent::tracing_exporter::ParseIdError>();
}

#[test]
fn response_futures_and_streams_are_send() {
    // A stream is polled by one task at a time: `Send` is what matters, not `Sync`.
    fn stream_is_send(stream: ItemStream<serde_json::Value>) {
        assert_static_send(&stream);
    }
    let _ = stream_is_send;
    // The future of one call is `Send` but not `Sync` (a boxed `dyn Future + Send`): it is
    // polled by one task at a time, so `Sync` would buy nothing.
    fn future_is_send(future: ResponseFuture<serde_json::Value>) {
        assert_static_send(&future);
    }
    let _ = future_is_send;
}

/// One operation per namespace, through the async client: each returned future must be
/// `Send + 'static`, which is what `tokio::spawn` asks for.
fn namespace_futures_are_send(client: &Client) {
    // Without namespace features only the line below uses the client and nothing the prelude.
    #[allow(unused_imports)]
    use mutagent::prelude::*;
    assert_static_send(&client.with_options(mutagent::CallOptions::default()));

    #[cfg(feature = "prompt")]
    {
        let params = mutagent::prompt::ListPrompts::new();
        assert_static_send(&client.prompt().list_prompts(&params));
        assert_static_send(&client.prompt().get_prompt(7));
        let mut items = client.prompt().list_prompts_all(&params);
        assert_static_send(&items);
        assert_send(&items.next());
        assert_send(&client.prompt().list_prompts_all(&params).try_collect());
    }
    #[cfg(feature = "prompt-datasets")]
    {
        use mutagent::prompt_datasets::{ListPromptDatasets, UploadDataset, UploadOptions};
        let datasets = client.prompt_datasets();
        assert_static_send(&datasets.list_prompt_datasets(&ListPromptDatasets::new()));
        assert_static_send(&datasets.upload_dataset_file(7, UploadDataset::new("n"), "a.csv"));
        assert_static_send(&datasets.upload_items_file(3, UploadOptions::new(), "a.jsonl"));
        assert_static_send(&datasets.export_dataset_file(3, "out.jsonl", None));
    }
    #[cfg(feature = "prompt-dataset-items")]
    assert_static_send(&client.prompt_dataset_items().list_prompt_dataset_items(3));
    #[cfg(feature = "prompt-evaluations")]
    {
        use mutagent::prompt_evaluations::{EvaluationWaitOptions, ListEvaluations};
        let evaluations = client.prompt_evaluations();
        assert_static_send(&evaluations.list_evaluations(&ListEvaluations::new()));
        assert_static_send(
            &evaluations.wait_for_evaluation_result(5, EvaluationWaitOptions::new()),
        );
        assert_static_send(&evaluations.run_evaluation_and_wait(5, EvaluationWaitOptions::new()));
    }
    #[cfg(feature = "optimization")]
    {
        use mutagent::optimization::OptimizationWatchOptions;
        let optimization = client.optimization();
        assert_static_send(&optimization.get_optimization("job"));
        assert_send(&optimization.wait_for_optimization(
            "job",
            OptimizationWatchOptions::new(),
            |_| (),
        ));
        let mut watch = optimization.watch_optimization("job", OptimizationWatchOptions::new());
        assert_send(&watch.next());
        assert_static_send(&watch);
    }
    #[cfg(feature = "traces")]
    assert_static_send(
        &client
            .traces()
            .list_traces(&mutagent::traces::ListTraces::new()),
    );
    #[cfg(feature = "experiments")]
    assert_static_send(
        &client
            .experiments()
            .list_experiments(&mutagent::experiments::ListExperiments::new()),
    );
    #[cfg(feature = "organizations")]
    assert_static_send(
        &client
            .organizations()
            .list_organizations(&mutagent::organizations::ListOrganizations::new()),
    );
    #[cfg(feature = "workspaces")]
    assert_static_send(
        &client
            .workspaces()
            .list_workspaces(&mutagent::workspaces::ListWorkspaces::new()),
    );
    #[cfg(feature = "prompt-readiness")]
    assert_static_send(&client.prompt_readiness().get_prompt_readiness("group"));
    #[cfg(feature = "prompt-executions")]
    assert_static_send(&client.prompt_executions().get_playground_run("run"));
    #[cfg(feature = "agents")]
    assert_static_send(
        &client
            .agents()
            .list_agents(&mutagent::agents::ListAgents::new()),
    );
    #[cfg(feature = "organization-members")]
    assert_static_send(
        &client
            .organization_members()
            .list_organization_members("org"),
    );
    #[cfg(feature = "workspace-members")]
    assert_static_send(&client.workspace_members().list_workspace_members("ws"));
    #[cfg(feature = "invitations")]
    assert_static_send(&client.invitations().list_invitations("org"));
    #[cfg(feature = "user-profile")]
    assert_static_send(&client.user_profile().get_profile());
}

/// The blocking client's handles are `Send` too: a worker thread can own one.
fn blocking_handles_are_send(client: &BlockingClient) {
    #[allow(unused_imports)]
    use mutagent::prelude::*;
    assert_static_send(&client.with_options(mutagent::CallOptions::default()));

    #[cfg(feature = "prompt")]
    assert_static_send(
        &client
            .prompt()
            .list_prompts_all(&mutagent::prompt::ListPrompts::new()),
    );
    #[cfg(feature = "optimization")]
    assert_static_send(&client.optimization().watch_optimization(
        "job",
        mutagent::optimization::OptimizationWatchOptions::new(),
    ));
}

#[test]
fn namespace_checks_are_compiled() {
    // The checks above live in functions that need a client; naming them makes sure they are
    // type-checked (and not optimized out of the build as dead code with errors unreported).
    let _: fn(&Client) = namespace_futures_are_send;
    let _: fn(&BlockingClient) = blocking_handles_are_send;
}
