//! Bearer tokens (`Authorization: Bearer …`): a fixed token, or a [`TokenProvider`] for
//! short-lived ones, asked once and again when the server answers 401.

use std::fmt;
use std::future::Future;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use tokio::sync::watch;

use crate::error::{BoxError, Cause, ConfigError, Origin};
use crate::future::BoxFuture;
use crate::secret::{ApiKey, REDACTED};

/// Hands out bearer tokens, for credentials that expire.
///
/// The client asks for a token before its first request and keeps it; when the server answers
/// `401 Unauthorized`, it asks again and sends the request once more with the new token. It
/// asks one call at a time (clones of a client, and both halves of a blocking client, share
/// the provider and its token): calls that need a token meanwhile take that call's token, or
/// its error, and calls refused with a token already replaced take the new one without
/// asking. A closure returning a future is a provider:
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
            state: Mutex::new(State {
                current: None,
                flight: None,
                next_flight: 0,
            }),
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

/// A provider, the last token it gave, and the provider call in progress.
///
/// One provider call at a time per client (clones and both halves of a blocking client share
/// this): a rotating refresh token must not be exchanged once per concurrent call. Calls that
/// need a token while the provider is being asked wait for that call's outcome, its error
/// included. If that provider call goes away without an outcome (its caller's timeout passed,
/// its future was dropped, the provider panicked), a waiter asks the provider itself.
pub(crate) struct Provided {
    provider: Arc<dyn TokenProvider>,
    state: Mutex<State>,
}

struct State {
    /// The last token the provider gave.
    current: Option<ApiKey>,
    /// The provider call in progress, by its number, and where its outcome will be told.
    flight: Option<(u64, watch::Receiver<Outcome>)>,
    /// The number of the next provider call.
    next_flight: u64,
}

/// What a provider call tells the calls that waited for it; `None` until it ends.
/// A failed provider call's error is a [`Cause`]: every call that waited gets a clone that reads
/// as that error (`Display`, `Debug`, its sources).
type Outcome = Option<Result<ApiKey, Cause>>;

impl Provided {
    fn state(&self) -> MutexGuard<'_, State> {
        // The lock is never held across user code or an await, so a panic cannot leave the
        // state half-changed: poisoning is ignored.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn current(&self) -> Option<ApiKey> {
        self.state().current.clone()
    }

    /// The kept token, or a new one when there is none yet or when the kept one is `refused`
    /// (the server answered 401 to it). A call refused with a token that was since replaced
    /// takes the new one without asking the provider.
    pub(crate) async fn token(&self, refused: Option<&ApiKey>) -> Result<ApiKey, BoxError> {
        loop {
            let mut outcome = match self.join_or_lead(refused) {
                Turn::Kept(token) => return Ok(token),
                Turn::Wait(outcome) => outcome,
                Turn::Ask(flight) => {
                    let asked = self.ask().await;
                    return flight.land(asked);
                }
            };
            // Another call is asking the provider: its outcome is this call's.
            let told = match outcome.wait_for(Option::is_some).await {
                Ok(told) => told.clone(),
                // It went away without one: ask again (or wait for whoever does).
                Err(_gone) => continue,
            };
            match told {
                Some(Ok(token)) => return Ok(token),
                Some(Err(error)) => return Err(Box::new(error)),
                None => continue,
            }
        }
    }

    /// What a call needing a token does now, decided under the lock: take the kept token,
    /// wait for the provider call in progress, or be the one that asks.
    fn join_or_lead(&self, refused: Option<&ApiKey>) -> Turn<'_> {
        let mut state = self.state();
        if let Some(current) = &state.current {
            let still_refused = refused.is_some_and(|refused| refused.expose() == current.expose());
            if !still_refused {
                return Turn::Kept(current.clone());
            }
        }
        if let Some((_, outcome)) = &state.flight {
            return Turn::Wait(outcome.clone());
        }
        let number = state.next_flight;
        state.next_flight += 1;
        let (tell, outcome) = watch::channel(None);
        state.flight = Some((number, outcome));
        Turn::Ask(Flight {
            provided: self,
            number,
            tell: Some(tell),
        })
    }

    /// A token from the provider, checked like a configured one.
    async fn ask(&self) -> Result<ApiKey, BoxError> {
        let raw = self.provider.token().await?;
        ApiKey::check(&raw).map_err(|reason| {
            BoxError::from(format!(
                "the token provider gave an unusable token: {reason}"
            ))
        })?;
        Ok(ApiKey::from_checked(&raw))
    }
}

/// See [`Provided::join_or_lead`].
enum Turn<'a> {
    Kept(ApiKey),
    Wait(watch::Receiver<Outcome>),
    Ask(Flight<'a>),
}

/// The provider call in progress, owned by the call that asks. Dropped before it
/// [`land`](Flight::land)s (the call was cancelled, or the provider panicked), it makes way
/// for the next provider call and wakes the waiters, who then ask again.
struct Flight<'a> {
    provided: &'a Provided,
    number: u64,
    tell: Option<watch::Sender<Outcome>>,
}

impl Flight<'_> {
    /// Keeps the token the provider gave and tells the waiters; the asking call's answer.
    fn land(mut self, asked: Result<ApiKey, BoxError>) -> Result<ApiKey, BoxError> {
        let mut state = self.provided.state();
        state.flight = None;
        if let Ok(token) = &asked {
            state.current = Some(token.clone());
        }
        let Some(tell) = self.tell.take() else {
            return asked;
        };
        // Waiters joined under this lock, so this count is final: with none, the asking call
        // keeps the provider's error as it is (a caller may downcast it).
        match asked {
            Ok(token) => {
                tell.send_replace(Some(Ok(token.clone())));
                Ok(token)
            }
            Err(error) if tell.receiver_count() == 0 => Err(error),
            Err(error) => {
                let shared = Cause::shared(error);
                tell.send_replace(Some(Err(shared.clone())));
                Err(Box::new(shared))
            }
        }
    }
}

impl Drop for Flight<'_> {
    fn drop(&mut self) {
        if self.tell.is_none() {
            return; // landed
        }
        let mut state = self.provided.state();
        if state
            .flight
            .as_ref()
            .is_some_and(|(number, _)| *number == self.number)
        {
            state.flight = None;
        }
        // `tell` is dropped after this, with the state cleared: the waiters wake to ask again.
    }
}
