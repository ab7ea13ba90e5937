//! The operations of the `prompt_dataset_items` namespace, for the async and the blocking
//! client alike.

use mutagent_core::ids::{DatasetId, DatasetItemId};
use mutagent_core::models::SuccessResponse;
use mutagent_core::{ApiClient, ApiRequest, Error};

use crate::models::{BulkItems, NewDatasetItem, PromptDatasetItem, UpdatePromptDatasetItem};
use crate::operations as op;

mutagent_core::namespace! {
    /// The `prompt_dataset_items` namespace: the items of prompt datasets.
    ///
    /// Get it with `client.prompt_dataset_items()` (from
    /// [`PromptDatasetItemsExt`](crate::PromptDatasetItemsExt)). With the async
    /// [`Client`](mutagent_core::Client) each method returns a future; with the
    /// [`BlockingClient`](mutagent_core::BlockingClient) it returns the result directly.
    ///
    /// Mind the ids: the list, create and bulk operations take the DATASET id; get, update and
    /// delete take the ITEM id. The two are different types, so they cannot be mixed up.
    pub struct PromptDatasetItemsApi;
    /// Adds `.prompt_dataset_items()` to both clients.
    pub trait PromptDatasetItemsExt {
        /// The `prompt_dataset_items` namespace.
        fn prompt_dataset_items;
    }
}

impl<'a, C: ApiClient> PromptDatasetItemsApi<'a, C> {
    /// `GET /api/prompts/datasets/{id}/items`: every item of dataset `dataset_id` (the API
    /// returns them all in one array; it has no paging for items).
    ///
    /// ```no_run
    /// use mutagent_prompt_dataset_items::{PromptDatasetItemsExt};
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// let items = client.prompt_dataset_items().list_prompt_dataset_items(3).await?;
    /// println!("{} items", items.len());
    /// # Ok(()) }
    /// ```
    pub fn list_prompt_dataset_items(
        &self,
        dataset_id: impl Into<DatasetId>,
    ) -> C::Response<Vec<PromptDatasetItem>> {
        self.client.call(
            op::LIST_PROMPT_DATASET_ITEMS
                .request(dataset_id.into())
                .build(),
        )
    }

    /// `POST /api/prompts/datasets/{id}/items`: adds one item to dataset `dataset_id`.
    ///
    /// ```no_run
    /// use mutagent_prompt_dataset_items::{NewDatasetItem, PromptDatasetItemsExt};
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// let item = client
    ///     .prompt_dataset_items()
    ///     .create_prompt_dataset_item(
    ///         3,
    ///         &NewDatasetItem::new(serde_json::json!({"question": "Where is my invoice?"}))
    ///             .expected_output(serde_json::json!({"answer": "Under Billing > Invoices."}))
    ///             .labels(["billing"]),
    ///     )
    ///     .await?;
    /// println!("item {}", item.id);
    /// # Ok(()) }
    /// ```
    pub fn create_prompt_dataset_item(
        &self,
        dataset_id: impl Into<DatasetId>,
        item: &NewDatasetItem,
    ) -> C::Response<PromptDatasetItem> {
        let request = op::CREATE_PROMPT_DATASET_ITEM
            .request(dataset_id.into())
            .validate(|operation| item.check_as(operation, ""))
            .json(item)
            .build();
        self.client.call(request)
    }

    /// `POST /api/prompts/datasets/{id}/items/bulk`: adds several items to dataset
    /// `dataset_id` in one request (`{"items": [...]}`) and returns the created items.
    ///
    /// `items` must not be empty. Servers cap the size of one request (the emulator takes at
    /// most 1,000 items); to add a whole file in chunks use the upload helper of the
    /// `prompt_datasets` namespace.
    ///
    /// ```no_run
    /// use mutagent_prompt_dataset_items::{NewDatasetItem, PromptDatasetItemsExt};
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// let items: Vec<NewDatasetItem> = ["Paris", "Rome"]
    ///     .iter()
    ///     .map(|city| NewDatasetItem::new(serde_json::json!({"city": city})))
    ///     .collect();
    /// let created = client
    ///     .prompt_dataset_items()
    ///     .bulk_create_prompt_dataset_items(3, &items)
    ///     .await?;
    /// println!("{} items created", created.len());
    /// # Ok(()) }
    /// ```
    pub fn bulk_create_prompt_dataset_items(
        &self,
        dataset_id: impl Into<DatasetId>,
        items: &[NewDatasetItem],
    ) -> C::Response<Vec<PromptDatasetItem>> {
        self.client.call(bulk_request(dataset_id.into(), items))
    }

    /// `GET /api/prompts/dataset-items/{id}`: one item, by ITEM id.
    ///
    /// ```no_run
    /// use mutagent_prompt_dataset_items::{PromptDatasetItemsExt};
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// let item = client.prompt_dataset_items().get_prompt_dataset_item(11).await?;
    /// println!("{}", item.input);
    /// # Ok(()) }
    /// ```
    pub fn get_prompt_dataset_item(
        &self,
        item_id: impl Into<DatasetItemId>,
    ) -> C::Response<PromptDatasetItem> {
        self.client
            .call(op::GET_PROMPT_DATASET_ITEM.request(item_id.into()).build())
    }

    /// `PATCH /api/prompts/dataset-items/{id}`: changes an item, by ITEM id.
    ///
    /// ```no_run
    /// use mutagent_prompt_dataset_items::{PromptDatasetItemsExt, UpdatePromptDatasetItem};
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// let item = client
    ///     .prompt_dataset_items()
    ///     .update_prompt_dataset_item(11, &UpdatePromptDatasetItem::new().user_feedback("too long"))
    ///     .await?;
    /// println!("{:?}", item.user_feedback);
    /// # Ok(()) }
    /// ```
    pub fn update_prompt_dataset_item(
        &self,
        item_id: impl Into<DatasetItemId>,
        changes: &UpdatePromptDatasetItem,
    ) -> C::Response<PromptDatasetItem> {
        let request = op::UPDATE_PROMPT_DATASET_ITEM
            .request(item_id.into())
            .validate(|operation| changes.check(operation))
            .json(changes)
            .build();
        self.client.call(request)
    }

    /// `DELETE /api/prompts/dataset-items/{id}`: deletes an item, by ITEM id.
    ///
    /// ```no_run
    /// use mutagent_prompt_dataset_items::{PromptDatasetItemsExt};
    /// # async fn run(client: mutagent_core::Client) -> Result<(), mutagent_core::Error> {
    /// client.prompt_dataset_items().delete_prompt_dataset_item(11).await?;
    /// # Ok(()) }
    /// ```
    pub fn delete_prompt_dataset_item(
        &self,
        item_id: impl Into<DatasetItemId>,
    ) -> C::Response<SuccessResponse> {
        self.client.call(
            op::DELETE_PROMPT_DATASET_ITEM
                .request(item_id.into())
                .build(),
        )
    }
}

/// The request of `bulk_create_prompt_dataset_items`, checked: not empty, every item valid
/// (errors name the item, e.g. `items[3].input`).
fn bulk_request(dataset_id: DatasetId, items: &[NewDatasetItem]) -> Result<ApiRequest, Error> {
    let mut request = op::BULK_CREATE_PROMPT_DATASET_ITEMS.request(dataset_id);
    if items.is_empty() {
        request = request.validate(|operation| {
            Err(Error::invalid_input(
                operation,
                "items",
                "must hold at least one item",
            ))
        });
    }
    // The first invalid item is enough: its error names it.
    request = request.validate(|operation| {
        items
            .iter()
            .enumerate()
            .try_for_each(|(index, item)| item.check_as(operation, &format!("items[{index}].")))
    });
    request.json(&BulkItems { items }).build()
}
