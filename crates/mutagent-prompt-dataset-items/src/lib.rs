//! The `prompt_dataset_items` namespace of the MutagenT Rust SDK: the items (test cases) of
//! prompt datasets — list, create, bulk insert, read, update, delete.
//!
//! The guide to this namespace, with examples and what the API leaves undocumented:
//! [docs/namespaces/prompt_dataset_items.md](https://github.com/mutagent-io/mutagent-rs/blob/main/docs/namespaces/prompt_dataset_items.md).
//!
//! Every operation works with the async [`Client`](mutagent_core::Client) and the
//! [`BlockingClient`](mutagent_core::BlockingClient) alike, through
//! [`PromptDatasetItemsExt::prompt_dataset_items`].
//!
//! Answer models implement `serde::Deserialize` and request bodies `serde::Serialize`: the
//! directions the SDK uses. The crate feature `serde-roundtrip` (`mutagent/serde-roundtrip`
//! through the umbrella) adds the other one, to store answers as JSON or read bodies from files.
//!
//! ```no_run
//! use mutagent_core::Client;
//! use mutagent_prompt_dataset_items::{NewDatasetItem, PromptDatasetItemsExt, UpdatePromptDatasetItem};
//! use serde_json::json;
//!
//! # async fn run() -> Result<(), mutagent_core::Error> {
//! let client = Client::builder().api_key("mt_example").build()?;
//! let items = client.prompt_dataset_items();
//! // Dataset 12: add two items in one request, then read them back.
//! let created = items
//!     .bulk_create_prompt_dataset_items(
//!         12,
//!         &[
//!             NewDatasetItem::new(json!({"name": "Ada"})).expected_output(json!({"text": "Hi Ada"})),
//!             NewDatasetItem::new(json!({"name": "Alan"})),
//!         ],
//!     )
//!     .await?;
//! items
//!     .update_prompt_dataset_item(created[1].id, &UpdatePromptDatasetItem::new().labels(["edge"]))
//!     .await?;
//! let all = items.list_prompt_dataset_items(12).await?;
//! println!("{} items", all.len());
//! # Ok(()) }
//! ```
//!
//! To upload a whole JSON, JSONL or CSV file in chunks, see `upload_dataset_file` in the
//! `prompt_datasets` namespace (crate `mutagent-prompt-datasets`).

mod api;
mod models;
pub mod operations;

pub use api::{PromptDatasetItemsApi, PromptDatasetItemsExt};
pub use models::{NewDatasetItem, PromptDatasetItem, UpdatePromptDatasetItem};
pub use mutagent_core::ids::{DatasetId, DatasetItemId};
