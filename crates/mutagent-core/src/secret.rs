//! The API key, kept out of every `Debug`, `Display`, error and log line.

use std::fmt;
use std::sync::Arc;

use crate::error::ConfigError;

/// Text shown wherever a secret would otherwise be printed.
pub(crate) const REDACTED: &str = "[redacted]";

/// An API key. Its `Debug` never shows the value.
#[derive(Clone)]
pub(crate) struct ApiKey(Arc<str>);

impl ApiKey {
    /// Validates a key: non-empty, visible ASCII only (so it can travel in a header and can
    /// never smuggle a CR/LF into the request).
    pub(crate) fn parse(raw: &str) -> Result<Self, ConfigError> {
        let key = raw;
        if key.is_empty() {
            return Err(ConfigError::InvalidApiKey {
                reason: "the key is empty",
            });
        }
        if key.bytes().any(|b| b.is_ascii_control()) {
            return Err(ConfigError::InvalidApiKey {
                reason: "the key contains control characters (CR, LF, tab, ...)",
            });
        }
        if key.bytes().any(|b| !b.is_ascii_graphic()) {
            return Err(ConfigError::InvalidApiKey {
                reason: "the key contains spaces or non-ASCII characters",
            });
        }
        Ok(Self(Arc::from(key)))
    }

    pub(crate) fn expose(&self) -> &str {
        &self.0
    }

    /// Replaces every occurrence of the key in `text` (a server may echo it back).
    pub(crate) fn scrub(&self, text: &str) -> String {
        if text.contains(self.expose()) {
            text.replace(self.expose(), REDACTED)
        } else {
            text.to_owned()
        }
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}
