//! Typed API errors and their flat JSON body `{"error", "message", "statusCode"}`.

use serde_json::{json, Value};

/// An error answer of the emulated API.
#[derive(Debug, Clone)]
pub(crate) struct ApiError {
    /// HTTP status.
    pub(crate) status: u16,
    /// Machine-readable code (`error` key).
    pub(crate) code: &'static str,
    /// Human-readable explanation naming what was wrong.
    pub(crate) message: String,
    /// Extra response headers (e.g. `Allow` on 405).
    pub(crate) headers: Vec<(&'static str, String)>,
}

impl ApiError {
    /// Builds an error with the given status and code.
    pub(crate) fn new(status: u16, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
            headers: Vec::new(),
        }
    }

    /// 400 `validation_error`.
    pub(crate) fn bad_request(message: impl Into<String>) -> Self {
        Self::new(400, "validation_error", message)
    }

    /// 401 `unauthorized`.
    pub(crate) fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(401, "unauthorized", message)
    }

    /// 404 `not_found`.
    pub(crate) fn not_found(message: impl Into<String>) -> Self {
        Self::new(404, "not_found", message)
    }

    /// 409 `conflict`.
    pub(crate) fn conflict(message: impl Into<String>) -> Self {
        Self::new(409, "conflict", message)
    }

    /// 405 `method_not_allowed` with an `Allow` header.
    pub(crate) fn method_not_allowed(method: &str, path: &str, allowed: &[&str]) -> Self {
        let mut e = Self::new(
            405,
            "method_not_allowed",
            format!(
                "method {method} is not allowed on {path}; allowed: {}",
                allowed.join(", ")
            ),
        );
        e.headers.push(("allow", allowed.join(", ")));
        e
    }

    /// The JSON body.
    pub(crate) fn body(&self) -> Value {
        json!({ "error": self.code, "message": self.message, "statusCode": self.status })
    }
}

/// Shorthand for "resource X with id Y not found".
pub(crate) fn missing(kind: &str, id: impl std::fmt::Display) -> ApiError {
    ApiError::not_found(format!("{kind} {id} not found"))
}
