//! The operations of the `prompt_datasets` namespace, for the async and the blocking client
//! alike.

use mutagent_core::ids::{DatasetId, PromptId};
use mutagent_core::models::SuccessResponse;
use mutagent_core::request::validate;
use mutagent_core::{ApiClient, ApiRequest, Error, QueryParams};
use serde::Serialize;

use crate::models::{
    ClonePromptDataset, CloneTarget, CreatePromptDataset, ListPromptDatasets, PromptDataset,
    PromptDatasetExport, PromptDatasetList, UpdatePromptDataset,
};
use crate::operations as op;

mutagent_core::namespace! {
    /// The `prompt_datasets` namespace: datasets scoped to a prompt group.
    ///
    /// Get it with `client.prompt_datasets()` (from [`PromptDatasetsExt`](crate::PromptDatasetsExt)).
    /// With the async [`Client`](mutagent_core::Client) each method returns a future; with the
    /// [`BlockingClient`](mutagent_core::BlockingClient) it returns the result directly.
    ///
    /// Besides the API's operations it has two file helpers, `upload_dataset_file` and
    /// `export_dataset_file` (see the [`upload`](crate::upload) and [`export`](crate::export)
    /// modules).
    pub struct PromptDatasetsApi;
    /// Adds `.prompt_datasets()` to both clients.
    pub trait PromptDatasetsExt {
        /// The `prompt_datasets` namespace.
        fn prompt_datasets;
    }
}

impl<'a, C: ApiClient> PromptDatasetsApi<'a, C> {
    /// `GET /api/prompts/datasets/`: one page of datasets.
    ///
    /// ```no_run
    /// use mutagent_prompt_datasets::{ListPromptDatasets, PromptDatasetsExt};
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// let page = client
    ///     .prompt_datasets()
    ///     .list_prompt_datasets(&ListPromptDatasets::new().prompt_id(7).limit(20))
    ///     .await?;
    /// println!("{} datasets", page.total);
    /// # Ok(()) }
    /// ```
    pub fn list_prompt_datasets(
        &self,
        params: &ListPromptDatasets,
    ) -> C::Response<PromptDatasetList> {
        self.client.call(list_request(params))
    }

    /// Every dataset matching `params`, page after page (`limit` sets the page size).
    ///
    /// ```no_run
    /// use mutagent_prompt_datasets::{ListPromptDatasets, PromptDatasetsExt};
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// let every = client
    ///     .prompt_datasets()
    ///     .list_prompt_datasets_all(&ListPromptDatasets::new().name("regression"))
    ///     .try_collect()
    ///     .await?;
    /// println!("{} datasets", every.len());
    /// # Ok(()) }
    /// ```
    pub fn list_prompt_datasets_all(&self, params: &ListPromptDatasets) -> C::Items<PromptDataset> {
        self.client
            .paginate::<PromptDatasetList>(list_request(params))
    }

    /// `GET /api/prompts/datasets/{id}`: one dataset.
    ///
    /// ```no_run
    /// use mutagent_prompt_datasets::{PromptDatasetsExt};
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// let dataset = client.prompt_datasets().get_prompt_dataset(3).await?;
    /// println!("{}", dataset.name);
    /// # Ok(()) }
    /// ```
    pub fn get_prompt_dataset(&self, id: impl Into<DatasetId>) -> C::Response<PromptDataset> {
        self.client
            .call(op::GET_PROMPT_DATASET.request(id.into()).build())
    }

    /// `PATCH /api/prompts/datasets/{id}`: changes a dataset.
    ///
    /// ```no_run
    /// use mutagent_prompt_datasets::{PromptDatasetsExt, UpdatePromptDataset};
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// let dataset = client
    ///     .prompt_datasets()
    ///     .update_prompt_dataset(3, &UpdatePromptDataset::new().description("Questions from March"))
    ///     .await?;
    /// println!("{}", dataset.name);
    /// # Ok(()) }
    /// ```
    pub fn update_prompt_dataset(
        &self,
        id: impl Into<DatasetId>,
        changes: &UpdatePromptDataset,
    ) -> C::Response<PromptDataset> {
        let request = op::UPDATE_PROMPT_DATASET
            .request(id.into())
            .validate(|operation| {
                validate::optional_name(operation, "name", changes.name.as_deref())
            })
            .validate(|operation| {
                validate::object(operation, "metadata", changes.metadata.as_ref())
            })
            .json(changes)
            .build();
        self.client.call(request)
    }

    /// `DELETE /api/prompts/datasets/{id}`: deletes a dataset. The API refuses to delete a
    /// dataset that still has items unless `force` is true. `force` is `bool?` in the contract:
    /// `true` and `false` are sent as `force=true` and `force=false`, `None` leaves it out.
    ///
    /// ```no_run
    /// use mutagent_prompt_datasets::{PromptDatasetsExt};
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// // `Some(true)` deletes a dataset that still has items.
    /// client.prompt_datasets().delete_prompt_dataset(3, Some(true)).await?;
    /// # Ok(()) }
    /// ```
    pub fn delete_prompt_dataset(
        &self,
        id: impl Into<DatasetId>,
        force: impl Into<Option<bool>>,
    ) -> C::Response<SuccessResponse> {
        let request = op::DELETE_PROMPT_DATASET
            .request(id.into())
            .query_params(&DeleteQuery {
                force: force.into(),
            })
            .build();
        self.client.call(request)
    }

    /// `POST /api/prompts/datasets/{id}/clone`: copies a dataset with its items into another
    /// prompt group (by prompt version or by group id).
    ///
    /// ```no_run
    /// use mutagent_prompt_datasets::{ClonePromptDataset, PromptDatasetsExt};
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// let copy = client
    ///     .prompt_datasets()
    ///     .clone_prompt_dataset(3, &ClonePromptDataset::to_prompt(8).new_name("regression (copy)"))
    ///     .await?;
    /// println!("copy {}", copy.id);
    /// # Ok(()) }
    /// ```
    pub fn clone_prompt_dataset(
        &self,
        id: impl Into<DatasetId>,
        body: &ClonePromptDataset,
    ) -> C::Response<PromptDataset> {
        let request = op::CLONE_PROMPT_DATASET
            .request(id.into())
            .validate(|operation| match &body.target {
                CloneTarget::Prompt(prompt) => {
                    validate::positive_id(operation, "targetPromptId", *prompt)
                }
                CloneTarget::PromptGroup(group) => {
                    validate::non_empty(operation, "targetPromptGroupId", group.as_str())
                }
            })
            .validate(|operation| {
                validate::optional_name(operation, "newName", body.new_name.as_deref())
            })
            .json(body)
            .build();
        self.client.call(request)
    }

    /// `GET /api/prompts/datasets/{id}/export`: the dataset, its prompt group and all its
    /// items in one answer. To write them to a file, see `export_dataset_file`.
    ///
    /// ```no_run
    /// use mutagent_prompt_datasets::{PromptDatasetsExt};
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// let export = client.prompt_datasets().export_prompt_dataset(3).await?;
    /// println!("{} with {} items", export.dataset.name, export.items.len());
    /// # Ok(()) }
    /// ```
    pub fn export_prompt_dataset(
        &self,
        id: impl Into<DatasetId>,
    ) -> C::Response<PromptDatasetExport> {
        self.client.call(export_request(id.into()))
    }

    /// `GET /api/prompt/{id}/datasets`: every dataset of the group of prompt version
    /// `prompt_id` (the API returns them all in one array).
    ///
    /// ```no_run
    /// use mutagent_prompt_datasets::{PromptDatasetsExt};
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// let datasets = client.prompt_datasets().list_datasets_for_prompt(7).await?;
    /// println!("{} datasets", datasets.len());
    /// # Ok(()) }
    /// ```
    pub fn list_datasets_for_prompt(
        &self,
        prompt_id: impl Into<PromptId>,
    ) -> C::Response<Vec<PromptDataset>> {
        self.client.call(
            op::LIST_DATASETS_FOR_PROMPT
                .request(prompt_id.into())
                .build(),
        )
    }

    /// `POST /api/prompt/{id}/datasets`: creates a dataset in the group of prompt version
    /// `prompt_id`. To create one and fill it from a file, see `upload_dataset_file`.
    ///
    /// ```no_run
    /// use mutagent_prompt_datasets::{CreatePromptDataset, PromptDatasetsExt};
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// let dataset = client
    ///     .prompt_datasets()
    ///     .create_prompt_dataset(7, &CreatePromptDataset::new("regression").labels(["nightly"]))
    ///     .await?;
    /// println!("dataset {}", dataset.id);
    /// # Ok(()) }
    /// ```
    pub fn create_prompt_dataset(
        &self,
        prompt_id: impl Into<PromptId>,
        body: &CreatePromptDataset,
    ) -> C::Response<PromptDataset> {
        self.client.call(create_request(prompt_id.into(), body))
    }
}

pub(crate) fn create_request(
    prompt_id: PromptId,
    body: &CreatePromptDataset,
) -> Result<ApiRequest, Error> {
    op::CREATE_PROMPT_DATASET
        .request(prompt_id)
        .validate(|operation| check_create(operation, body))
        .json(body)
        .build()
}

/// What `create_prompt_dataset` checks before sending.
pub(crate) fn check_create(
    operation: &'static str,
    body: &CreatePromptDataset,
) -> Result<(), Error> {
    validate::name(operation, "name", &body.name)?;
    validate::object(operation, "metadata", body.metadata.as_ref())
}

pub(crate) fn export_request(id: DatasetId) -> Result<ApiRequest, Error> {
    op::EXPORT_PROMPT_DATASET.request(id).build()
}

/// The query of a delete: `force` as given (`true` or `false`), or nothing for `None`.
#[derive(Serialize)]
struct DeleteQuery {
    force: Option<bool>,
}

impl QueryParams for DeleteQuery {}

fn list_request(params: &ListPromptDatasets) -> Result<ApiRequest, Error> {
    op::LIST_PROMPT_DATASETS
        .request()
        .query_params(params)
        .build()
}
