//! Shapes shared by several namespaces.

use serde::{Deserialize, Serialize};

/// `{success, message?}`: the answer of most delete operations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SuccessResponse {
    /// Whether the server did what was asked.
    pub success: bool,
    /// A human-readable note.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}
