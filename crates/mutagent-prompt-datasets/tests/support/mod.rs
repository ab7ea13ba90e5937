//! What the file tests share (`files.rs`, `export_safety.rs`).

use serde_json::{json, Value};

/// A dataset as the server answers create and get, with nothing but the keys the SDK reads.
pub(crate) fn dataset_json(id: i64) -> Value {
    json!({
        "id": id, "name": "file dataset", "description": null,
        "promptGroupId": "g-1", "metadata": null, "createdAt": null, "updatedAt": null,
        "createdBy": null, "labels": null
    })
}
