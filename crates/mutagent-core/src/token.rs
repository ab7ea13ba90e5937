//! Bearer tokens (`Authorization: Bearer …`): a fixed token, or a [`TokenProvider`] for
//! short-lived ones, asked once and again when the server answers 401.

use std::fmt;
use std::future::Future;
use std::sync::{Arc, Mutex};

use crate::error::{BoxError, ConfigError, Origin};
use crate::future::BoxFuture;
use crate::secret::{ApiKey, REDACTED};

/// Hands out bearer tokens, for credentials that expire.
///
/// The client asks for a token before its first request and keeps it; when the server answers
/// `401 Unauthorized`, it asks again and sends the request once more with the new token. A
/// closure returning a future is a provider:
///
/// ```
/// use mutagent_core::Client;
/// # fn main() -> Result<(), mutagent_core::Error> {
/// let client = Client::builder()
///     .token_provider(|| async {
///         // e.g. exchange a refresh token; any error type that boxes will do
///         Ok::<_, std::io::Error>(String::from("short-lived-token"))
///     })
///     .build()?;
/// assert!(client.config().has_bearer_token());
/// # Ok(()) }
/// ```
pub trait TokenProvider: Send + Sync + 'static {
    /// A fresh token.
    fn token(&self) -> BoxFuture<'_, Result<String, BoxError>>;
}

impl<F, Fut, E> TokenProvider for F
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<String, E>> + Send + 'static,
    E: Into<BoxError>,
{
    fn token(&self) -> BoxFuture<'_, Result<String, BoxError>> {
        let future = self();
        Box::pin(async move { future.await.map_err(Into::into) })
    }
}

/// The bearer credential of a client.
#[derive(Clone)]
pub(crate) enum Bearer {
    /// One token for every request.
    Fixed(ApiKey),
    /// Tokens from a provider, the latest one kept.
    Provided(Arc<Provided>),
}

impl Bearer {
    /// A fixed token, checked like a key (visible ASCII, not empty).
    pub(crate) fn fixed(token: &str, origin: Origin) -> Result<Self, ConfigError> {
        ApiKey::check(token)
            .map(|()| Bearer::Fixed(ApiKey::from_checked(token)))
            .map_err(|reason| ConfigError::InvalidBearerToken { reason, origin })
    }

    /// Tokens from `provider`.
    pub(crate) fn provided(provider: Arc<dyn TokenProvider>) -> Self {
        Bearer::Provided(Arc::new(Provided {
            provider,
            current: Mutex::new(None),
        }))
    }

    /// The token known now, without asking the provider.
    pub(crate) fn current(&self) -> Option<ApiKey> {
        match self {
            Bearer::Fixed(token) => Some(token.clone()),
            Bearer::Provided(provided) => provided.current(),
        }
    }
}

impl fmt::Debug for Bearer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Bearer::Fixed(_) => f.write_str(REDACTED),
            Bearer::Provided(_) => f.write_str("TokenProvider"),
        }
    }
}

/// A provider and the last token it gave.
pub(crate) struct Provided {
    provider: Arc<dyn TokenProvider>,
    current: Mutex<Option<ApiKey>>,
}

impl Provided {
    fn current(&self) -> Option<ApiKey> {
        match self.current.lock() {
            Ok(guard) => guard.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// The kept token, or a new one when there is none or `refresh` is set (after a 401).
    pub(crate) async fn token(&self, refresh: bool) -> Result<ApiKey, BoxError> {
        if !refresh {
            if let Some(token) = self.current() {
                return Ok(token);
            }
        }
        let raw = self.provider.token().await?;
        ApiKey::check(&raw).map_err(|reason| {
            BoxError::from(format!(
                "the token provider gave an unusable token: {reason}"
            ))
        })?;
        let token = ApiKey::from_checked(&raw);
        match self.current.lock() {
            Ok(mut guard) => *guard = Some(token.clone()),
            Err(poisoned) => *poisoned.into_inner() = Some(token.clone()),
        }
        Ok(token)
    }
}
