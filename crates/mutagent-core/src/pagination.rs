//! Offset pagination: the list envelopes of the API and walks over every item across pages.
//!
//! Each list operation returns its envelope ([`OffsetPage`], [`HasMorePage`] or
//! [`TotalPage`]); its `*_all` companion walks every item: an async [`ItemStream`] on
//! [`Client`], a blocking [`ItemIter`](crate::blocking::ItemIter) on
//! [`BlockingClient`](crate::BlockingClient).
//!
//! A walk goes on while a page claims more items or its `total` says more remain (the count is
//! trusted over a flag that says no more too early). It ends after the last page, or at an
//! empty page even if it claims more; an empty page short of the `total` it states ends it
//! with [`Error::Unexpected`] (the items it did not answer are not silently lost). A page that
//! starts at another offset than the one the walk asked for (a server that ignores `offset`
//! answers the first page again and again) ends it with [`Error::Unexpected`], after the
//! items of the pages before: those items are not handed out twice, and the walk does not
//! go on forever. So does a page that claims more items though the walk has reached the total
//! the same page states (a server that echoes the asked offset but answers the same items
//! again, or whose flag is stuck): the items are handed out, then the contradiction is told.

use std::collections::VecDeque;
use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::client::Client;
use crate::error::Error;
use crate::future::BoxFuture;
use crate::request::ApiRequest;

/// A list envelope that knows whether more items follow.
pub trait Paginated: DeserializeOwned + Send + 'static {
    /// The element type.
    type Item: Send + 'static;
    /// Whether a later page holds more items.
    fn has_more(&self) -> bool;
    /// The items of this page.
    fn into_items(self) -> Vec<Self::Item>;
    /// The offset the server says this page starts at, if its envelope tells.
    ///
    /// A walk compares it with the offset it asked for and ends with an error when they
    /// differ. The default, `None`, is for envelopes that do not tell: nothing is compared.
    fn echoed_offset(&self) -> Option<u64> {
        None
    }
    /// How many items match in all, if its envelope tells.
    ///
    /// A walk that reaches this many items on a page that still claims more ends with an
    /// error instead of asking for pages past the end. The default, `None`, checks nothing.
    fn total(&self) -> Option<u64> {
        None
    }
}

/// The [`Paginated`] impl of an envelope with `data`, `total` and `offset`, given how it says
/// that more items follow.
macro_rules! paginated_envelope {
    ($envelope:ident, |$page:ident| $has_more:expr) => {
        impl<T> $envelope<T> {
            /// The offset of the next page (`offset` + the items of this one) while the page's
            /// `total` says items remain, whatever its flag says (as a walk trusts the count
            /// too); `None` on an empty page, and where the next offset would reach `total`
            /// even if the page claims more (as a walk ends there, so that a loop paging by
            /// hand ends too). For paging by hand: `params.offset(next)`.
            ///
            /// ```
            #[doc = concat!("use mutagent_core::pagination::", stringify!($envelope), ";")]
            #[doc = concat!("let page: ", stringify!($envelope), "<u32> = serde_json::from_str(")]
            ///     r#"{"data": [1, 2], "total": 5, "limit": 2, "offset": 2}"#,
            /// ).unwrap();
            /// assert_eq!(page.next_offset(), Some(4));
            /// ```
            pub fn next_offset(&self) -> Option<u64> {
                next_page_offset(self.offset, self.data.len(), Some(self.total), false)
            }

            /// Whether a later page holds more items, as this envelope says it.
            fn more_follow(&self) -> bool {
                let $page = self;
                $has_more
            }
        }

        impl<T: DeserializeOwned + Send + 'static> Paginated for $envelope<T> {
            type Item = T;
            fn has_more(&self) -> bool {
                self.more_follow()
            }
            fn into_items(self) -> Vec<T> {
                self.data
            }
            fn echoed_offset(&self) -> Option<u64> {
                Some(self.offset)
            }
            fn total(&self) -> Option<u64> {
                Some(self.total)
            }
        }
    };
}

/// `{data, total, limit, offset, hasNext, hasPrevious}`: prompts, datasets, evaluations,
/// organizations.
///
/// The two flags are conveniences: a page without them still decodes, with `hasNext` derived
/// as `offset + data.len() < total` and `hasPrevious` as `offset > 0`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(
    rename_all = "camelCase",
    from = "RawOffsetPage<T>",
    bound(deserialize = "T: Deserialize<'de>")
)]
#[non_exhaustive]
pub struct OffsetPage<T> {
    /// The items of this page.
    pub data: Vec<T>,
    /// How many items match in all.
    pub total: u64,
    /// The page size used.
    pub limit: u64,
    /// The offset of the first item of this page.
    pub offset: u64,
    /// Whether a next page exists.
    pub has_next: bool,
    /// Whether a previous page exists.
    pub has_previous: bool,
}

paginated_envelope!(OffsetPage, |page| page.has_next);

/// `{data, total, limit, offset, hasMore}`: optimization jobs.
///
/// A page without `hasMore` still decodes, with the flag derived as
/// `offset + data.len() < total`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(
    rename_all = "camelCase",
    from = "RawOffsetPage<T>",
    bound(deserialize = "T: Deserialize<'de>")
)]
#[non_exhaustive]
pub struct HasMorePage<T> {
    /// The items of this page.
    pub data: Vec<T>,
    /// How many items match in all.
    pub total: u64,
    /// The page size used.
    pub limit: u64,
    /// The offset of the first item of this page.
    pub offset: u64,
    /// Whether more items follow.
    pub has_more: bool,
}

paginated_envelope!(HasMorePage, |page| page.has_more);

/// `{data, total, limit, offset}` without flags: traces. More items follow while
/// `offset + data.len() < total`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct TotalPage<T> {
    /// The items of this page.
    pub data: Vec<T>,
    /// How many items match in all.
    pub total: u64,
    /// The page size used.
    pub limit: u64,
    /// The offset of the first item of this page.
    pub offset: u64,
}

paginated_envelope!(TotalPage, |page| more_by_count(
    page.offset,
    page.data.len(),
    page.total
));

/// The offset of the page after one of `len` items starting at `offset`, by the rule an offset
/// walk follows, for an envelope's `next_offset()`: `offset + len` while the page's `total`
/// says items remain, whatever its flag says (a flag derived from the asked `limit` can say no
/// more too early); by `flag_says_more` only when the page states no `total`. `None` on an
/// empty page, and where the next offset would reach `total` even if the flag claims more (a
/// walk ends there, so a loop paging by hand ends too).
///
/// ```
/// use mutagent_core::pagination::next_page_offset;
/// assert_eq!(next_page_offset(0, 2, Some(5), false), Some(2), "the count, over the flag");
/// assert_eq!(next_page_offset(2, 2, Some(4), true), None, "the flag, stuck past the total");
/// assert_eq!(next_page_offset(0, 2, None, true), Some(2), "no total: the flag");
/// assert_eq!(next_page_offset(4, 0, Some(9), true), None, "an empty page");
/// ```
pub fn next_page_offset(
    offset: u64,
    len: usize,
    total: Option<u64>,
    flag_says_more: bool,
) -> Option<u64> {
    let next = offset.saturating_add(len as u64);
    let more = match total {
        Some(total) => next < total,
        None => flag_says_more,
    };
    (len > 0 && more).then_some(next)
}

/// Whether items follow a page of `len` items at `offset`, by the numbers.
fn more_by_count(offset: u64, len: usize, total: u64) -> bool {
    offset.saturating_add(len as u64) < total
}

/// An offset page as it arrives, every navigation flag optional: the flags are conveniences
/// a server may leave out, and a missing one must not lose the page.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawOffsetPage<T> {
    data: Vec<T>,
    total: u64,
    limit: u64,
    offset: u64,
    has_next: Option<bool>,
    has_previous: Option<bool>,
    has_more: Option<bool>,
}

impl<T> RawOffsetPage<T> {
    /// Whether items follow this page, by the numbers.
    fn more_by_count(&self) -> bool {
        more_by_count(self.offset, self.data.len(), self.total)
    }
}

impl<T> From<RawOffsetPage<T>> for OffsetPage<T> {
    fn from(raw: RawOffsetPage<T>) -> Self {
        let has_next = raw
            .has_next
            .or(raw.has_more)
            .unwrap_or_else(|| raw.more_by_count());
        Self {
            has_previous: raw.has_previous.unwrap_or(raw.offset > 0),
            has_next,
            data: raw.data,
            total: raw.total,
            limit: raw.limit,
            offset: raw.offset,
        }
    }
}

impl<T> From<RawOffsetPage<T>> for HasMorePage<T> {
    fn from(raw: RawOffsetPage<T>) -> Self {
        let has_more = raw
            .has_more
            .or(raw.has_next)
            .unwrap_or_else(|| raw.more_by_count());
        Self {
            has_more,
            data: raw.data,
            total: raw.total,
            limit: raw.limit,
            offset: raw.offset,
        }
    }
}

/// The walk over pages, one state machine for the async [`ItemStream`] and the blocking
/// [`ItemIter`](crate::blocking::ItemIter): which page to fetch next, what a page changes,
/// what to yield. The two walks differ only in how they fetch a page.
pub(crate) struct PageWalk<T> {
    /// The list request, without its offset; `None` once the walk is over.
    request: Option<ApiRequest>,
    next_offset: u64,
    buffer: VecDeque<T>,
    /// An error to yield before ending (the request could not be built, or a page failed).
    error: Option<Error>,
}

/// What a [`PageWalk`] does next.
pub(crate) enum WalkStep<T> {
    /// Yield this item or error.
    Yield(Result<T, Error>),
    /// Fetch this page, then hand the answer to [`PageWalk::receive`].
    Fetch(ApiRequest),
    /// The walk is over.
    End,
}

impl<T> PageWalk<T> {
    /// A walk from the offset `request` asks for (0 without one); when the request could not be
    /// built, a walk that yields that error once and ends.
    pub(crate) fn start(request: Result<ApiRequest, Error>) -> Self {
        let (request, error) = match request.and_then(walkable) {
            Ok(request) => (Some(request), None),
            Err(err) => (None, Some(err)),
        };
        let next_offset = request
            .as_ref()
            .and_then(|request| request.query_value("offset"))
            .and_then(|value| value.parse().ok())
            .unwrap_or(0);
        Self {
            request,
            next_offset,
            buffer: VecDeque::new(),
            error,
        }
    }

    pub(crate) fn step(&mut self) -> WalkStep<T> {
        if let Some(item) = self.buffer.pop_front() {
            return WalkStep::Yield(Ok(item));
        }
        if let Some(err) = self.error.take() {
            return WalkStep::Yield(Err(err));
        }
        match &self.request {
            Some(request) => {
                let mut request = request.clone();
                request.set_query("offset", self.next_offset.to_string());
                WalkStep::Fetch(request)
            }
            None => WalkStep::End,
        }
    }

    /// The answer for the page [`step`](Self::step) asked for.
    pub(crate) fn receive(&mut self, page: PageResult<T>) {
        match page {
            Ok(page) => {
                let asked = self.next_offset;
                match (self.request.take(), page.offset) {
                    // Not the page asked for: a server that ignores `offset` answers the first
                    // page again, claiming more, forever. Its items would be handed out again
                    // (or some skipped), so the server's mistake is told instead.
                    (Some(request), Some(echoed)) if echoed != asked => {
                        self.error = Some(other_offset(request.operation().name, asked, echoed));
                    }
                    (request, _) => {
                        let reached = asked.saturating_add(page.items.len() as u64);
                        self.next_offset = reached;
                        // Items remain by the page's own count: when its flag says otherwise,
                        // the count is trusted (a server that derives the flag from the asked
                        // `limit` while answering fewer items would otherwise lose the rest
                        // silently); a wrong count ends at an empty page, told below.
                        let more_by_count = page.total.is_some_and(|total| reached < total);
                        if page.items.is_empty() {
                            // An empty page ends the walk even if the server claims more: no
                            // endless loops. Short of the total it states, it says so.
                            if let (Some(request), Some(total)) = (request, page.total) {
                                if asked < total {
                                    let operation = request.operation().name;
                                    self.error = Some(short_of_total(operation, asked, total));
                                }
                            }
                        } else if page.has_more || more_by_count {
                            match (request, page.total) {
                                // More claimed past the stated total: a server that answers
                                // the same items at every offset, or a stuck flag. Asking on
                                // would not end.
                                (Some(request), Some(total)) if reached >= total => {
                                    let operation = request.operation().name;
                                    self.error = Some(past_total(operation, reached, total));
                                }
                                (request, _) => self.request = request,
                            }
                        }
                        self.buffer.extend(page.items);
                    }
                }
            }
            Err(err) => {
                self.request = None;
                self.error = Some(err);
            }
        }
    }

    pub(crate) fn buffered(&self) -> usize {
        self.buffer.len()
    }
}

impl<T> fmt::Debug for PageWalk<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PageWalk")
            .field("next_offset", &self.next_offset)
            .field("buffered", &self.buffer.len())
            .field("done", &self.request.is_none())
            .finish()
    }
}

/// `request`, unless its pages cannot get the walk anywhere: with `limit=0` every page is
/// empty, and an empty page ends a walk, so it would end at once with no item and no error
/// (an operation whose contract states no range for `limit` lets a single page ask for 0).
fn walkable(request: ApiRequest) -> Result<ApiRequest, Error> {
    if request.query_value("limit") == Some("0") {
        return Err(Error::invalid_input(
            request.operation().name,
            "limit",
            "must be at least 1 to walk every page (pages of 0 items would end the walk at once)",
        ));
    }
    Ok(request)
}

/// The error of a page that starts at `echoed` when the walk asked for `asked`.
fn other_offset(operation: &'static str, asked: u64, echoed: u64) -> Error {
    Error::Unexpected {
        operation,
        reason: format!(
            "the server answered the page at offset {asked} with the page at offset {echoed}; \
             the walk stopped instead of handing out items twice or skipping some"
        )
        .into(),
        source: None,
    }
}

/// The error of a page that claims more items when the walk has `reached` the `total` it states.
fn past_total(operation: &'static str, reached: u64, total: u64) -> Error {
    Error::Unexpected {
        operation,
        reason: format!(
            "the server claims more items after offset {reached}, though it says {total} match \
             in all; the walk stopped instead of asking for pages past the end"
        )
        .into(),
        source: None,
    }
}

/// The error of an empty page at `offset` though the page says `total` match in all.
fn short_of_total(operation: &'static str, offset: u64, total: u64) -> Error {
    Error::Unexpected {
        operation,
        reason: format!(
            "the server answered no items at offset {offset}, though it says {total} match in \
             all; the walk stopped short of the {} items it did not answer",
            total - offset
        )
        .into(),
        source: None,
    }
}

/// What a walk needs of a fetched page, the same for both clients' fetches.
pub(crate) struct FetchedPage<T> {
    items: Vec<T>,
    has_more: bool,
    /// Where the server says the page starts (`None`: its envelope does not tell).
    offset: Option<u64>,
    /// How many items the server says match in all (`None`: its envelope does not tell).
    total: Option<u64>,
}

impl<T> FetchedPage<T> {
    /// What the walk needs of `page`.
    pub(crate) fn of<P: Paginated<Item = T>>(page: P) -> Self {
        Self {
            has_more: page.has_more(),
            offset: page.echoed_offset(),
            total: page.total(),
            items: page.into_items(),
        }
    }
}

pub(crate) type PageResult<T> = Result<FetchedPage<T>, Error>;
pub(crate) type FetchPage<T> = fn(Client, ApiRequest) -> BoxFuture<'static, PageResult<T>>;

pub(crate) fn fetch_page<P: Paginated>(
    client: Client,
    request: ApiRequest,
) -> BoxFuture<'static, PageResult<P::Item>> {
    Box::pin(async move {
        let page: P = client.answer(Ok(request)).await?;
        Ok(FetchedPage::of(page))
    })
}

/// Every item of a list operation, page after page, as an async [`Stream`].
///
/// It fetches one page at a time, only when the items of the previous one are consumed.
/// After an error the stream ends.
#[must_use = "streams do nothing unless polled"]
pub struct ItemStream<T> {
    client: Client,
    walk: PageWalk<T>,
    fetch: FetchPage<T>,
    in_flight: Option<BoxFuture<'static, PageResult<T>>>,
}

impl<T> fmt::Debug for ItemStream<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ItemStream")
            .field("walk", &self.walk)
            .field("fetching", &self.in_flight.is_some())
            .finish()
    }
}

impl<T> Unpin for ItemStream<T> {}

impl<T: Send + 'static> ItemStream<T> {
    pub(crate) fn new<P: Paginated<Item = T>>(
        client: Client,
        request: Result<ApiRequest, Error>,
    ) -> Self {
        Self {
            client,
            walk: PageWalk::start(request),
            fetch: fetch_page::<P>,
            in_flight: None,
        }
    }

    /// The next item, or `None` after the last one.
    pub async fn next(&mut self) -> Option<Result<T, Error>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }

    /// Collects every item, stopping at the first error.
    pub async fn try_collect(mut self) -> Result<Vec<T>, Error> {
        let mut items = Vec::new();
        while let Some(item) = self.next().await {
            items.push(item?);
        }
        Ok(items)
    }
}

impl<T: Send + 'static> Stream for ItemStream<T> {
    type Item = Result<T, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        loop {
            if let Some(in_flight) = this.in_flight.as_mut() {
                let page = match in_flight.as_mut().poll(cx) {
                    Poll::Pending => return Poll::Pending,
                    Poll::Ready(page) => page,
                };
                this.in_flight = None;
                this.walk.receive(page);
            }
            match this.walk.step() {
                WalkStep::Yield(item) => return Poll::Ready(Some(item)),
                WalkStep::Fetch(request) => {
                    this.in_flight = Some((this.fetch)(this.client.clone(), request));
                }
                WalkStep::End => return Poll::Ready(None),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn envelopes_report_more_items() {
        let page: OffsetPage<u32> = serde_json::from_str(
            r#"{"data":[1,2],"total":5,"limit":2,"offset":0,"hasNext":true,"hasPrevious":false,"extra":1}"#,
        )
        .expect("offset page");
        assert!(page.has_more());
        let page: TotalPage<u32> =
            serde_json::from_str(r#"{"data":[5],"total":5,"limit":2,"offset":4}"#)
                .expect("total page");
        assert!(!page.has_more());
        assert_eq!(page.echoed_offset(), Some(4));
        let page: HasMorePage<u32> =
            serde_json::from_str(r#"{"data":[],"total":0,"limit":2,"offset":0,"hasMore":false}"#)
                .expect("has-more page");
        assert!(!page.has_more());
    }

    #[test]
    fn missing_navigation_flags_are_derived_from_the_numbers() {
        let page: OffsetPage<u32> =
            serde_json::from_str(r#"{"data":[1,2],"total":5,"limit":2,"offset":2}"#)
                .expect("offset page without flags");
        assert!(page.has_next && page.has_previous);
        let page: OffsetPage<u32> =
            serde_json::from_str(r#"{"data":[1],"total":1,"limit":2,"offset":0}"#)
                .expect("last page without flags");
        assert!(!page.has_next && !page.has_previous);
        // A flag that is present wins over the numbers.
        let page: OffsetPage<u32> =
            serde_json::from_str(r#"{"data":[1],"total":1,"limit":2,"offset":0,"hasNext":true}"#)
                .expect("one flag");
        assert!(page.has_next && !page.has_previous);
        let page: HasMorePage<u32> =
            serde_json::from_str(r#"{"data":[1,2],"total":3,"limit":2,"offset":0}"#)
                .expect("has-more page without the flag");
        assert!(page.has_more());
        let page: HasMorePage<u32> =
            serde_json::from_str(r#"{"data":[3],"total":3,"limit":2,"offset":2}"#)
                .expect("last has-more page");
        assert!(!page.has_more());
    }

    #[test]
    fn each_envelope_hands_over_its_items() {
        let page: TotalPage<u32> =
            serde_json::from_str(r#"{"data":[1,2],"total":5,"limit":2,"offset":0}"#)
                .expect("first total page");
        assert!(page.has_more(), "3 of 5 items are still to come");
        assert_eq!(page.into_items(), [1, 2]);
        let page: HasMorePage<u32> =
            serde_json::from_str(r#"{"data":[3,4],"total":5,"limit":2,"offset":2,"hasMore":true}"#)
                .expect("has-more page");
        assert!(page.has_more());
        assert_eq!(page.echoed_offset(), Some(2));
        assert_eq!(page.into_items(), [3, 4]);
        let page: OffsetPage<u32> = serde_json::from_str(
            r#"{"data":[5],"total":5,"limit":2,"offset":4,"hasNext":false,"hasPrevious":true}"#,
        )
        .expect("offset page");
        assert!(!page.has_more());
        assert_eq!(page.echoed_offset(), Some(4));
        assert_eq!(page.into_items(), [5]);
    }

    /// The next page's offset for paging by hand: after the items of a page while its total
    /// says more remain (even when its flag says no more, as a walk does); none after the last
    /// page, nor after an empty page that claims more (a walk ends there).
    #[test]
    fn next_offset_follows_the_items_until_the_last_page() {
        let offset_page = |json: &str| serde_json::from_str::<OffsetPage<u32>>(json).expect("page");
        let middle = offset_page(
            r#"{"data":[3,4],"total":9,"limit":2,"offset":2,"hasNext":true,"hasPrevious":true}"#,
        );
        assert_eq!(middle.next_offset(), Some(4));
        let last = offset_page(
            r#"{"data":[9],"total":9,"limit":2,"offset":8,"hasNext":false,"hasPrevious":true}"#,
        );
        assert_eq!(last.next_offset(), None);
        let empty = offset_page(
            r#"{"data":[],"total":9,"limit":2,"offset":8,"hasNext":true,"hasPrevious":true}"#,
        );
        assert_eq!(empty.next_offset(), None);

        let has_more: HasMorePage<u32> =
            serde_json::from_str(r#"{"data":[1],"total":9,"limit":1,"offset":0,"hasMore":false}"#)
                .expect("page");
        assert_eq!(has_more.next_offset(), Some(1), "the count, over the flag");
        let total: TotalPage<u32> =
            serde_json::from_str(r#"{"data":[1,2],"total":4,"limit":2,"offset":2}"#).expect("page");
        assert_eq!(total.next_offset(), None, "2 + 2 items of 4");

        // A flag stuck on `true` past the total: a loop paging by hand must still end.
        let stuck = offset_page(
            r#"{"data":[7,8],"total":4,"limit":2,"offset":6,"hasNext":true,"hasPrevious":true}"#,
        );
        assert_eq!(stuck.next_offset(), None, "6 + 2 items of 4");
        let stuck_more: HasMorePage<u32> =
            serde_json::from_str(r#"{"data":[1,2],"total":2,"limit":2,"offset":0,"hasMore":true}"#)
                .expect("page");
        assert_eq!(stuck_more.next_offset(), None, "0 + 2 items of 2");
    }

    fn fetched(step: WalkStep<u32>) -> ApiRequest {
        match step {
            WalkStep::Fetch(request) => request,
            WalkStep::Yield(_) => panic!("expected a fetch, got an item"),
            WalkStep::End => panic!("expected a fetch, got the end"),
        }
    }

    /// A page as a fetch hands it to the walk.
    fn answered(offset: Option<u64>, items: &[u32], has_more: bool) -> PageResult<u32> {
        Ok(FetchedPage {
            items: items.to_vec(),
            has_more,
            offset,
            total: None,
        })
    }

    #[test]
    fn the_walk_fetches_yields_and_stops_on_empty_pages() {
        static LIST: crate::operation::Operation = crate::operation::Operation::new(
            "test",
            "list",
            crate::operation::Method::Get,
            "/items",
        );
        let mut walk = PageWalk::start(LIST.request().query("offset", Some(5)).build());
        assert_eq!(
            format!("{walk:?}"),
            "PageWalk { next_offset: 5, buffered: 0, done: false }"
        );
        assert_eq!(fetched(walk.step()).query_value("offset"), Some("5"));
        walk.receive(answered(Some(5), &[1, 2], true));
        assert_eq!(walk.buffered(), 2);
        assert!(matches!(walk.step(), WalkStep::Yield(Ok(1))));
        assert_eq!(walk.buffered(), 1);
        assert!(matches!(walk.step(), WalkStep::Yield(Ok(2))));
        assert_eq!(fetched(walk.step()).query_value("offset"), Some("7"));
        walk.receive(answered(Some(7), &[], true));
        assert!(matches!(walk.step(), WalkStep::End));
    }

    /// A page that does not tell its offset is taken as the one asked for; a page at another
    /// offset than asked (here ahead: items would be skipped) ends the walk with an error
    /// naming both, after the items of the pages before, and is not handed out.
    #[test]
    fn a_page_at_another_offset_ends_the_walk_after_the_pages_before() {
        let mut walk = PageWalk::start(LIST_THINGS.request().build());
        assert_eq!(fetched(walk.step()).query_value("offset"), Some("0"));
        walk.receive(answered(None, &[1, 2], true));
        assert!(matches!(walk.step(), WalkStep::Yield(Ok(1))));
        assert!(matches!(walk.step(), WalkStep::Yield(Ok(2))));
        assert_eq!(fetched(walk.step()).query_value("offset"), Some("2"));
        walk.receive(answered(Some(4), &[5], true));
        assert_eq!(walk.buffered(), 0, "the page at offset 4 is not handed out");
        let WalkStep::Yield(Err(err)) = walk.step() else {
            panic!("expected the server's mistake")
        };
        assert_other_offset(&err, 2, 4);
        assert!(matches!(walk.step(), WalkStep::End));
    }

    /// A page that claims more though the walk has reached the total the page states (here
    /// the same items again at the next offset) is handed out, then the walk ends with an error
    /// naming both numbers instead of asking on; below the total, the flag is followed.
    #[test]
    fn a_page_claiming_more_past_its_total_ends_the_walk_after_its_items() {
        let page = |offset, total| {
            Ok(FetchedPage {
                items: vec![1, 2],
                has_more: true,
                offset: Some(offset),
                total: Some(total),
            })
        };
        let mut walk = PageWalk::start(LIST_THINGS.request().build());
        assert_eq!(fetched(walk.step()).query_value("offset"), Some("0"));
        walk.receive(page(0, 3));
        assert!(matches!(walk.step(), WalkStep::Yield(Ok(1))));
        assert!(matches!(walk.step(), WalkStep::Yield(Ok(2))));
        assert_eq!(fetched(walk.step()).query_value("offset"), Some("2"));
        walk.receive(page(2, 3));
        assert_eq!(walk.buffered(), 2, "the page's items are handed out");
        assert!(matches!(walk.step(), WalkStep::Yield(Ok(1))));
        assert!(matches!(walk.step(), WalkStep::Yield(Ok(2))));
        let WalkStep::Yield(Err(err)) = walk.step() else {
            panic!("expected the server's contradiction")
        };
        assert_past_total(&err, 4, 3);
        assert!(matches!(walk.step(), WalkStep::End));
    }

    /// Checks that `err` is the error of a `list_things` page claiming more at `reached` of
    /// `total`.
    fn assert_past_total(err: &Error, reached: u64, total: u64) {
        assert_unexpected(
            err,
            &format!(
                "the server claims more items after offset {reached}, though it says {total} \
                 match in all; the walk stopped instead of asking for pages past the end"
            ),
        );
    }

    /// A walk asked with `limit=0` (allowed for one page where the contract states no range)
    /// would see only empty pages and end at once with nothing: it is refused, nothing fetched.
    #[test]
    fn a_walk_with_a_limit_of_zero_is_refused_before_any_fetch() {
        let mut walk: PageWalk<u32> =
            PageWalk::start(LIST_THINGS.request().query("limit", Some(0u32)).build());
        let WalkStep::Yield(Err(err)) = walk.step() else {
            panic!("expected the refusal")
        };
        assert_eq!(
            err.to_string(),
            "[list_things] invalid input: `limit` must be at least 1 to walk every page (pages \
             of 0 items would end the walk at once)"
        );
        assert!(matches!(walk.step(), WalkStep::End));

        let mut walk: PageWalk<u32> =
            PageWalk::start(LIST_THINGS.request().query("limit", Some(1u32)).build());
        assert_eq!(fetched(walk.step()).query_value("limit"), Some("1"));
    }

    /// Checks that `err` is the error of a `list_things` page at `echoed` asked at `asked`.
    fn assert_other_offset(err: &Error, asked: u64, echoed: u64) {
        assert_unexpected(
            err,
            &format!(
                "the server answered the page at offset {asked} with the page at offset \
                 {echoed}; the walk stopped instead of handing out items twice or skipping some"
            ),
        );
    }

    /// Checks that `err` is `list_things`' [`Error::Unexpected`] for `reason`.
    fn assert_unexpected(err: &Error, reason: &str) {
        assert!(
            matches!(
                err,
                Error::Unexpected {
                    operation: "list_things",
                    ..
                }
            ),
            "{err:?}"
        );
        assert_eq!(
            err.to_string(),
            format!("[list_things] unexpected failure: {reason}")
        );
    }

    #[test]
    fn a_failed_page_or_request_is_yielded_once_then_the_walk_ends() {
        let mut walk: PageWalk<u32> =
            PageWalk::start(Err(Error::invalid_input("list", "limit", "too big")));
        assert!(matches!(walk.step(), WalkStep::Yield(Err(_))));
        assert!(matches!(walk.step(), WalkStep::End));

        static LIST: crate::operation::Operation = crate::operation::Operation::new(
            "test",
            "list",
            crate::operation::Method::Get,
            "/items",
        );
        let mut walk: PageWalk<u32> = PageWalk::start(LIST.request().build());
        assert_eq!(fetched(walk.step()).query_value("offset"), Some("0"));
        walk.receive(Err(Error::invalid_input("list", "page", "broken")));
        assert!(matches!(walk.step(), WalkStep::Yield(Err(_))));
        assert!(matches!(walk.step(), WalkStep::End));
    }

    static LIST_THINGS: crate::operation::Operation = crate::operation::Operation::new(
        "test",
        "list_things",
        crate::operation::Method::Get,
        "/api/things",
    );

    fn page(offset: u64, items: &[u32]) -> mutagent_test_support::Reply {
        mutagent_test_support::Reply::json(
            200,
            serde_json::json!({"data": items, "total": 5, "limit": 2, "offset": offset}),
        )
    }

    fn builder(server: &mutagent_test_support::ScriptedServer) -> crate::ClientBuilder {
        Client::builder()
            .env(crate::env::EmptyEnv)
            .api_key("mt_test")
            .server_url(server.url())
    }

    fn client(server: &mutagent_test_support::ScriptedServer) -> Client {
        builder(server).build().expect("client")
    }

    /// The async stream walks every page, asking each at the offset after the last item.
    #[tokio::test]
    async fn the_stream_yields_every_item_of_every_page() {
        use crate::ApiClient as _;
        let server = mutagent_test_support::ScriptedServer::start(vec![
            page(0, &[1, 2]),
            page(2, &[3, 4]),
            page(4, &[5]),
        ]);
        let client = client(&server);
        let request = || LIST_THINGS.request().query("limit", Some(2u32)).build();
        let mut stream = client.paginate::<OffsetPage<u32>>(request());
        assert_eq!(
            format!("{stream:?}"),
            "ItemStream { walk: PageWalk { next_offset: 0, buffered: 0, done: false }, \
             fetching: false }"
        );
        assert_eq!(stream.next().await.transpose().expect("item"), Some(1));
        let rest = stream.try_collect().await.expect("the other items");
        assert_eq!(rest, [2, 3, 4, 5]);
        let offsets: Vec<Option<String>> = server
            .requests()
            .iter()
            .map(|request| request.query_param("offset"))
            .collect();
        assert_eq!(
            offsets,
            [Some("0".into()), Some("2".into()), Some("4".into())]
        );
    }

    /// A server that ignores `offset` answers every page with the first one, claiming more
    /// each time: the walk hands out that page's items once, then ends with an error naming
    /// both offsets, through both clients (bounded here, so a walk that loops fails the test
    /// instead of hanging it).
    #[test]
    fn a_server_that_ignores_the_offset_ends_the_walk_with_an_error() {
        // The one scripted reply repeats: the page at offset 0, whatever was asked.
        for (walked, requests) in walk_with_both_clients(|| vec![page(0, &[1, 2])]) {
            assert_eq!(walked.len(), 3, "{walked:?}");
            assert_eq!(walked[0].as_ref().ok(), Some(&1));
            assert_eq!(walked[1].as_ref().ok(), Some(&2));
            let err = walked[2].as_ref().expect_err("the server's mistake");
            assert_other_offset(err, 2, 0);
            assert_eq!(requests, 2, "the repeated page once");
        }
    }

    /// A server that echoes the asked offset but answers the same items with `hasNext: true`
    /// at every offset: the walk stops at the total the pages state, with an error, through
    /// both clients (bounded, so a walk that loops fails the test instead of hanging it).
    #[test]
    fn a_server_claiming_more_past_its_total_ends_the_walk_with_an_error() {
        let stuck = |offset: u64| {
            mutagent_test_support::Reply::json(
                200,
                serde_json::json!({"data": [1, 2], "total": 3, "limit": 2, "offset": offset,
                                   "hasNext": true, "hasPrevious": offset > 0}),
            )
        };
        for (walked, requests) in walk_with_both_clients(|| vec![stuck(0), stuck(2)]) {
            let items: Vec<u32> = walked
                .iter()
                .filter_map(|item| item.as_ref().ok())
                .copied()
                .collect();
            assert_eq!(
                items,
                [1, 2, 1, 2],
                "every item the server sent is handed out"
            );
            assert_eq!(walked.len(), 5, "{walked:?}");
            let err = walked[4].as_ref().expect_err("the server's contradiction");
            assert_past_total(err, 4, 3);
            assert_eq!(requests, 2, "no page is asked for past the total");
        }
    }

    /// A page of `items` at `offset` of 5 in all, whose `hasNext` is `has_next`.
    fn flagged(offset: u64, items: &[u32], has_next: bool) -> mutagent_test_support::Reply {
        mutagent_test_support::Reply::json(
            200,
            serde_json::json!({"data": items, "total": 5, "limit": 2, "offset": offset,
                               "hasNext": has_next, "hasPrevious": offset > 0}),
        )
    }

    /// Pages that say `hasNext: false` while their `total` says items remain (a server that
    /// computes the flag from the asked `limit` while answering fewer, say): the walk trusts
    /// the count and fetches them, through both clients (before: it stopped after the first
    /// page, silently short of 3 items).
    #[test]
    fn a_walk_trusts_the_total_over_a_flag_that_says_no_more_too_early() {
        let replies = || {
            vec![
                flagged(0, &[1, 2], false),
                flagged(2, &[3, 4], false),
                flagged(4, &[5], false),
            ]
        };
        for (walked, requests) in walk_with_both_clients(replies) {
            let items: Vec<u32> = walked.into_iter().map(|item| item.expect("item")).collect();
            assert_eq!(items, [1, 2, 3, 4, 5]);
            assert_eq!(requests, 3);
        }
    }

    /// An empty page short of the total its own envelope states (here at offset 2 of 5,
    /// claiming more or not): the walk cannot go on (another request would answer the same),
    /// so after the items before it ends with an error naming both numbers instead of ending
    /// as if every item had come (before: it ended silently). Both clients.
    #[test]
    fn an_empty_page_short_of_its_total_ends_the_walk_with_an_error() {
        for has_next in [true, false] {
            let replies = || vec![flagged(0, &[1, 2], true), flagged(2, &[], has_next)];
            for (walked, requests) in walk_with_both_clients(replies) {
                assert_eq!(walked.len(), 3, "{walked:?}");
                assert_eq!(walked[0].as_ref().ok(), Some(&1));
                assert_eq!(walked[1].as_ref().ok(), Some(&2));
                let err = walked[2].as_ref().expect_err("the walk stopped short");
                assert_unexpected(
                    err,
                    "the server answered no items at offset 2, though it says 5 match in all; \
                     the walk stopped short of the 3 items it did not answer",
                );
                assert_eq!(requests, 2);
            }
        }
    }

    /// An empty page at or past the total it states ends the walk without an error, whatever
    /// its flag says: nothing is missing (the total shrank between pages, items were deleted).
    #[test]
    fn an_empty_page_at_its_total_ends_the_walk_cleanly() {
        let shrunk = mutagent_test_support::Reply::json(
            200,
            serde_json::json!({"data": [], "total": 2, "limit": 2, "offset": 2,
                               "hasNext": true, "hasPrevious": true}),
        );
        let replies = || vec![flagged(0, &[1, 2], true), shrunk.clone()];
        for (walked, requests) in walk_with_both_clients(replies) {
            let items: Vec<u32> = walked.into_iter().map(|item| item.expect("item")).collect();
            assert_eq!(items, [1, 2]);
            assert_eq!(requests, 2);
        }
    }

    /// What the async stream and the blocking iterator each walk (at most 8 items or errors)
    /// over a server answering `replies` (its last reply repeats), and how many requests it
    /// received.
    fn walk_with_both_clients(
        replies: impl Fn() -> Vec<mutagent_test_support::Reply>,
    ) -> [(Vec<Result<u32, Error>>, usize); 2] {
        let request = || LIST_THINGS.request().query("limit", Some(2u32)).build();

        let server = mutagent_test_support::ScriptedServer::start(replies());
        let stream_client = client(&server);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        let walked = runtime.block_on(async move {
            let mut stream = ItemStream::new::<OffsetPage<u32>>(stream_client, request());
            let mut walked = Vec::new();
            while walked.len() < 8 {
                match stream.next().await {
                    Some(item) => walked.push(item),
                    None => break,
                }
            }
            walked
        });
        let streamed = (walked, server.requests().len());

        let server = mutagent_test_support::ScriptedServer::start(replies());
        let blocking = builder(&server).build_blocking().expect("blocking client");
        let walked = crate::blocking::ItemIter::new::<OffsetPage<u32>>(blocking, request())
            .take(8)
            .collect();
        [streamed, (walked, server.requests().len())]
    }

    /// A failed page is yielded once, after the items already fetched; then the stream ends.
    #[tokio::test]
    async fn the_stream_ends_after_a_failed_page() {
        let server = mutagent_test_support::ScriptedServer::start(vec![
            page(0, &[1, 2]),
            mutagent_test_support::Reply::json(404, serde_json::json!({"message": "gone"})),
        ]);
        let client = client(&server);
        let mut stream = ItemStream::new::<OffsetPage<u32>>(client, LIST_THINGS.request().build());
        assert_eq!(stream.next().await.transpose().expect("item"), Some(1));
        assert_eq!(stream.next().await.transpose().expect("item"), Some(2));
        let err = stream.next().await.expect("the error").expect_err("404");
        assert_eq!(err.status(), Some(http::StatusCode::NOT_FOUND), "{err}");
        assert!(stream.next().await.is_none());
        assert_eq!(server.requests().len(), 2);
    }
}
