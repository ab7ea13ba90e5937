//! Walking every item of a cursor-paged list (0.4.1 `list_traces`, `list_logs`), written once
//! as a [`Steps`] machine: a stream with the async client, an iterator with the blocking one.

use std::collections::{HashSet, VecDeque};

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

/// How many empty pages in a row, each naming another next page, a walk follows before it
/// stops with an error. An empty page with a cursor is not the last page (the contract: the
/// cursor is null on the last page), so a walk goes on through a few; a server that hands out
/// fresh cursors to empty pages forever must not keep it asking forever.
const MAX_EMPTY_PAGES_IN_A_ROW: u32 = 64;

/// The state of a cursor walk: items of the current page not handed out yet, and the cursor
/// of the next page (`None` once the last page was fetched).
pub(super) struct CursorWalk<T> {
    client: Client,
    /// The list operation, named in the error of a walk that cannot go on.
    operation: &'static str,
    fetch: Fetch<T>,
    buffer: VecDeque<T>,
    next: Option<Option<String>>,
    /// The cursors of the pages fetched so far: a next cursor among them would start a loop.
    fetched: HashSet<String>,
    /// Empty pages fetched since the last page with items.
    empty_in_a_row: u32,
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
            fetched: HashSet::new(),
            empty_in_a_row: 0,
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
    /// The error of a page whose next cursor is one the walk has fetched already (`own`: the
    /// page's own). The cursor is the server's text: quoted (control characters escaped) when
    /// short, else only its length, so the error stays small whatever the server sent.
    fn repeated_cursor(&self, cursor: &str, own: bool) -> Error {
        let named = if cursor.len() <= 100 {
            format!("{cursor:?}")
        } else {
            format!("of {} bytes", cursor.len())
        };
        let reason = if own {
            format!(
                "the server answered the page at cursor {named} with that same cursor as the \
                 next page's; the walk stopped instead of fetching it forever"
            )
        } else {
            format!(
                "the server named the page at cursor {named} as the next one, which this walk \
                 had fetched already; the walk stopped instead of going round in a loop"
            )
        };
        self.unexpected(reason)
    }

    /// The error of a walk that met [`MAX_EMPTY_PAGES_IN_A_ROW`] empty pages in a row.
    fn only_empty_pages(&self) -> Error {
        self.unexpected(format!(
            "the server answered {MAX_EMPTY_PAGES_IN_A_ROW} empty pages in a row, each naming \
             another next page; the walk stopped instead of asking on forever"
        ))
    }

    fn unexpected(&self, reason: String) -> Error {
        Error::Unexpected {
            operation: self.operation,
            reason: reason.into(),
            source: None,
        }
    }

    /// What follows a fetched page: the page at `next`, or an end with an error.
    fn follow(&mut self, asked: Option<&str>, next: Option<String>) {
        let Some(next) = next else { return };
        if asked == Some(next.as_str()) || self.fetched.contains(&next) {
            let own = asked == Some(next.as_str());
            self.stalled = Some(self.repeated_cursor(&next, own));
        } else if self.empty_in_a_row >= MAX_EMPTY_PAGES_IN_A_ROW {
            self.stalled = Some(self.only_empty_pages());
        } else {
            self.next = Some(Some(next));
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
                    // A page with a next cursor is not the last, even when empty (a filter
                    // may leave a page with nothing). A next cursor already fetched would
                    // loop: the page's items are handed out, then the server's mistake.
                    self.empty_in_a_row = if page.data.is_empty() {
                        self.empty_in_a_row.saturating_add(1)
                    } else {
                        0
                    };
                    self.follow(cursor.as_deref(), page.next_cursor);
                    if let Some(asked) = cursor {
                        self.fetched.insert(asked);
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
