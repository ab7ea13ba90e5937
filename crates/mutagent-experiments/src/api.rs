//! The operations of the `experiments` namespace, for the async and the blocking client alike.

use mutagent_core::ids::ExperimentId;
use mutagent_core::request::validate;
use mutagent_core::{ApiClient, ApiRequest, Error};
use serde::Serialize;
use serde_json::Value;

use crate::models::{
    AddExperimentResult, CompleteExperiment, CreateExperiment, Experiment, ExperimentList,
    ExperimentResult, ListExperiments,
};
use crate::operations as op;

mutagent_core::namespace! {
    /// The `experiments` namespace: experiments comparing models on a prompt, evaluation and
    /// dataset.
    ///
    /// Get it with `client.experiments()` (from [`ExperimentsExt`](crate::ExperimentsExt)). With
    /// the async [`Client`](mutagent_core::Client) each method returns a future; with the
    /// [`BlockingClient`](mutagent_core::BlockingClient) it returns the result directly.
    ///
    /// The API leaves every experiment answer untyped; the answer types here are lenient
    /// ([`Experiment`], [`ExperimentResult`], [`ExperimentList`]): every field optional, anything
    /// else kept in `extra`.
    pub struct ExperimentsApi;
    /// Adds `.experiments()` to both clients.
    pub trait ExperimentsExt {
        /// The `experiments` namespace.
        fn experiments;
    }
}

impl<'a, C: ApiClient> ExperimentsApi<'a, C> {
    /// `GET /api/prompts/experiments/`: one page of experiments.
    ///
    /// ```no_run
    /// use mutagent_experiments::{ExperimentStatus, ExperimentsExt, ListExperiments};
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// let page = client
    ///     .experiments()
    ///     .list_experiments(&ListExperiments::new().prompt_id(7).status(ExperimentStatus::Running).limit(20))
    ///     .await?;
    /// println!("{} experiments", page.data.len());
    /// # Ok(()) }
    /// ```
    pub fn list_experiments(&self, params: &ListExperiments) -> C::Response<ExperimentList> {
        self.client.call(list_request(params))
    }

    /// Every experiment matching `params`, page after page (`limit` sets the page size).
    ///
    /// ```no_run
    /// use mutagent_experiments::{ExperimentsExt, ListExperiments};
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// let every = client
    ///     .experiments()
    ///     .list_experiments_all(&ListExperiments::new().prompt_group_id("group-uuid"))
    ///     .try_collect()
    ///     .await?;
    /// println!("{} experiments", every.len());
    /// # Ok(()) }
    /// ```
    pub fn list_experiments_all(&self, params: &ListExperiments) -> C::Items<Experiment> {
        self.client.paginate::<ExperimentList>(list_request(params))
    }

    /// `POST /api/prompts/experiments/`: creates an experiment (state `running`).
    ///
    /// ```no_run
    /// use mutagent_experiments::{CreateExperiment, ExperimentModel, ExperimentsExt};
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// let models = [
    ///     ExperimentModel::new("a", "gpt-4o", 0.2),
    ///     ExperimentModel::new("b", "gpt-4o-mini", 0.2),
    /// ];
    /// let experiment = client
    ///     .experiments()
    ///     .create_experiment(&CreateExperiment::new(7, "group-uuid", 5, 3, models).name("4o vs 4o-mini"))
    ///     .await?;
    /// println!("{:?}", experiment.id);
    /// # Ok(()) }
    /// ```
    pub fn create_experiment(&self, body: &CreateExperiment) -> C::Response<Experiment> {
        let mut request = op::CREATE_EXPERIMENT
            .request()
            .validate(|operation| validate::positive_id(operation, "promptId", body.prompt_id))
            .validate(|operation| {
                validate::non_empty(operation, "promptGroupId", body.prompt_group_id.as_str())
            })
            .validate(|operation| {
                validate::positive_id(operation, "evaluationId", body.evaluation_id)
            })
            .validate(|operation| validate::positive_id(operation, "datasetId", body.dataset_id))
            .validate(|operation| validate::optional_name(operation, "name", body.name.as_deref()));
        for (index, model) in body.models.iter().enumerate() {
            request = request
                .validate(|operation| non_empty_at(operation, "models", index, "id", &model.id))
                .validate(|operation| {
                    non_empty_at(operation, "models", index, "model", &model.model)
                });
        }
        self.client.call(request.json(body).build())
    }

    /// `GET /api/prompts/experiments/{id}`: one experiment, usually with its results.
    ///
    /// ```no_run
    /// use mutagent_experiments::{ExperimentsExt};
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// let experiment = client.experiments().get_experiment("exp_123").await?;
    /// println!("{:?} {:?}", experiment.name, experiment.status);
    /// # Ok(()) }
    /// ```
    pub fn get_experiment(&self, id: impl Into<ExperimentId>) -> C::Response<Experiment> {
        self.client
            .call(op::GET_EXPERIMENT.request(id.into()).build())
    }

    /// `PATCH /api/prompts/experiments/{id}`: marks an experiment completed, failed or
    /// partial, with its summary.
    ///
    /// ```no_run
    /// use mutagent_experiments::{CompleteExperiment, CompletionStatus, ExperimentSummary, ExperimentsExt};
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// let done = client
    ///     .experiments()
    ///     .complete_experiment(
    ///         "exp_123",
    ///         &CompleteExperiment::new(CompletionStatus::Completed, ExperimentSummary::new(8, 8)),
    ///     )
    ///     .await?;
    /// println!("{:?}", done.status);
    /// # Ok(()) }
    /// ```
    pub fn complete_experiment(
        &self,
        id: impl Into<ExperimentId>,
        body: &CompleteExperiment,
    ) -> C::Response<Experiment> {
        let request = op::COMPLETE_EXPERIMENT
            .request(id.into())
            .validate(|operation| validate::non_empty(operation, "completedAt", &body.completed_at))
            .json(body)
            .build();
        self.client.call(request)
    }

    /// `DELETE /api/prompts/experiments/{id}`: deletes an experiment and its results. The
    /// answer is not typed by the API (usually `{success, message}`), so it is returned as
    /// JSON.
    ///
    /// ```no_run
    /// use mutagent_experiments::{ExperimentsExt};
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// client.experiments().delete_experiment("exp_123").await?;
    /// # Ok(()) }
    /// ```
    pub fn delete_experiment(&self, id: impl Into<ExperimentId>) -> C::Response<Value> {
        self.client
            .call(op::DELETE_EXPERIMENT.request(id.into()).build())
    }

    /// `POST /api/prompts/experiments/{id}/results`: records one model's output on one
    /// dataset item.
    ///
    /// ```no_run
    /// use mutagent_experiments::{AddExperimentResult, ExperimentsExt};
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// let result = client
    ///     .experiments()
    ///     .add_experiment_result(
    ///         "exp_123",
    ///         &AddExperimentResult::new(11, 0, "a", "Bonjour, Paris").eval_score(0.9).latency_ms(420.0),
    ///     )
    ///     .await?;
    /// println!("{result:?}");
    /// # Ok(()) }
    /// ```
    pub fn add_experiment_result(
        &self,
        id: impl Into<ExperimentId>,
        body: &AddExperimentResult,
    ) -> C::Response<ExperimentResult> {
        let mut request = op::ADD_EXPERIMENT_RESULT
            .request(id.into())
            .validate(|operation| {
                validate::non_empty(operation, "modelColumnId", &body.model_column_id)
            })
            .validate(|operation| validate::non_empty(operation, "output", &body.output))
            // `evalScore` is a nullable number with no stated range (unlike a criterion's
            // score); only a value JSON cannot carry (NaN, infinity) is refused.
            .validate(|operation| validate::finite(operation, "evalScore", body.eval_score));
        for (index, criterion) in body.eval_criteria.iter().flatten().enumerate() {
            request = request.validate(|operation| {
                validate::score(operation, "evalCriteria.score", criterion.score).map_err(|_| {
                    Error::invalid_input(
                        operation,
                        format!("evalCriteria[{index}].score"),
                        format!("must be between 0 and 1 (got {})", criterion.score),
                    )
                })
            });
        }
        self.client.call(request.json(body).build())
    }

    /// `PATCH /api/prompts/experiments/{id}/name`: renames an experiment (body `{name}`).
    ///
    /// ```no_run
    /// use mutagent_experiments::{ExperimentsExt};
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// let renamed = client.experiments().update_experiment_name("exp_123", "4o vs mini, March").await?;
    /// println!("{:?}", renamed.name);
    /// # Ok(()) }
    /// ```
    pub fn update_experiment_name(
        &self,
        id: impl Into<ExperimentId>,
        name: &str,
    ) -> C::Response<Experiment> {
        #[derive(Serialize)]
        struct Rename<'n> {
            name: &'n str,
        }
        let request = op::UPDATE_EXPERIMENT_NAME
            .request(id.into())
            .validate(|operation| validate::name(operation, "name", name))
            .json(&Rename { name })
            .build();
        self.client.call(request)
    }

    /// `POST /api/prompts/experiments/{id}/execute`: runs every model on the dataset items
    /// and records the results.
    ///
    /// ```no_run
    /// use mutagent_experiments::{ExperimentsExt};
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// let experiment = client.experiments().execute_experiment("exp_123").await?;
    /// println!("{:?}", experiment.status);
    /// # Ok(()) }
    /// ```
    pub fn execute_experiment(&self, id: impl Into<ExperimentId>) -> C::Response<Experiment> {
        self.client
            .call(op::EXECUTE_EXPERIMENT.request(id.into()).build())
    }
}

fn list_request(params: &ListExperiments) -> Result<ApiRequest, Error> {
    op::LIST_EXPERIMENTS.request().query_params(params).build()
}

/// `list[index].field` must not be empty.
fn non_empty_at(
    operation: &'static str,
    list: &str,
    index: usize,
    field: &str,
    value: &str,
) -> Result<(), Error> {
    if value.is_empty() {
        Err(Error::invalid_input(
            operation,
            format!("{list}[{index}].{field}"),
            "must not be empty",
        ))
    } else {
        Ok(())
    }
}
