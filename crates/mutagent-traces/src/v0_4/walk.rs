//! Walking every item of a cursor-paged list (0.4.1 `list_traces`, `list_logs`), written once
//! as a [`Steps`] machine: a stream with the async client, an iterator with the blocking one.

use std::collections::VecDeque;

use mutagent_core::http_client::BoxFuture;
use mutagent_core::{Client, Error, Steps};

use super::models::CursorPage;

/// The parameters of a cursor-paged list: the operation (named in a walk's errors) and where
/// its cursor goes.
pub(super) trait CursorParams: Clone + Send + 'static {
    /// The list operation.
    const OPERATION: &'static str;
    /// The cursor of the page to fetch.
    fn cursor(&mut self) -> &mut Option<String>;
}

/// One page of a cursor-paged list, on its way.
pub(super) type PageFuture<T> = BoxFuture<'static, Result<CursorPage<T>, Error>>;

/// Fetches the page at a cursor (`None`: the first), the list's other parameters fixed.
pub(super) type Fetch<T> = Box<dyn Fn(Client, Option<String>) -> PageFuture<T> + Send>;

/// The state of a cursor walk: items of the current page not handed out yet, and the cursor
/// of the next page (`None` once the last page was fetched).
pub(super) struct CursorWalk<T> {
    client: Client,
    /// The list operation, named in the error of a walk that cannot go on.
    operation: &'static str,
    fetch: Fetch<T>,
    buffer: VecDeque<T>,
    next: Option<Option<String>>,
    /// Why the walk ends early, told after the items already fetched.
    stalled: Option<Error>,
}

impl<T> CursorWalk<T> {
    /// A walk of `operation` from the page at `cursor` (the first page when `None`).
    pub(super) fn new(
        client: Client,
        operation: &'static str,
        cursor: Option<String>,
        fetch: Fetch<T>,
    ) -> Self {
        Self {
            client,
            operation,
            fetch,
            buffer: VecDeque::new(),
            next: Some(cursor),
            stalled: None,
        }
    }
}

impl<T: 'static> CursorWalk<T> {
    /// The walk over a list with parameters `params`, from the page at their cursor; `fetch`
    /// gets one page with the parameters at another cursor. What every cursor-paged `*_all`
    /// method shares: pass the result to `ApiClient::steps`.
    pub(super) fn over<P: CursorParams>(
        params: &P,
        fetch: fn(Client, P) -> PageFuture<T>,
    ) -> impl FnOnce(Client) -> Self {
        let mut params = params.clone();
        move |client| {
            let first = params.cursor().clone();
            let fetch_at: Fetch<T> = Box::new(move |client, at| {
                let mut page = params.clone();
                *page.cursor() = at;
                fetch(client, page)
            });
            Self::new(client, P::OPERATION, first, fetch_at)
        }
    }
}

impl<T> CursorWalk<T> {
    /// The error of a page whose next cursor is its own. The cursor is the server's text:
    /// quoted (control characters escaped) when short, else only its length, so the error
    /// stays small whatever the server sent.
    fn repeated_cursor(&self, cursor: String) -> Error {
        let named = if cursor.len() <= 100 {
            format!("{cursor:?}")
        } else {
            format!("of {} bytes", cursor.len())
        };
        Error::Unexpected {
            operation: self.operation,
            reason: format!(
                "the server answered the page at cursor {named} with that same cursor as the \
                 next page's; the walk stopped instead of fetching it forever"
            )
            .into(),
            source: None,
        }
    }
}

impl<T: Send + 'static> Steps for CursorWalk<T> {
    type Item = Result<T, Error>;

    async fn next_step(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(item) = self.buffer.pop_front() {
                return Some(Ok(item));
            }
            if let Some(err) = self.stalled.take() {
                return Some(Err(err));
            }
            let cursor = self.next.take()?;
            match (self.fetch)(self.client.clone(), cursor.clone()).await {
                Ok(page) => {
                    // An empty page ends the walk even with a cursor: no endless loops.
                    if !page.data.is_empty() {
                        match page.next_cursor {
                            // A page that names itself as the next one would be fetched
                            // forever: its items are handed out, then the server's mistake.
                            Some(next) if cursor.as_deref() == Some(next.as_str()) => {
                                self.stalled = Some(self.repeated_cursor(next));
                            }
                            next => self.next = next.map(Some),
                        }
                    }
                    self.buffer.extend(page.data);
                }
                // The walk ends after an error.
                Err(err) => return Some(Err(err)),
            }
        }
    }

    fn runtime_lost(error: Error) -> Self::Item {
        Err(error)
    }
}
