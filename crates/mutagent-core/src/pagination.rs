//! Offset pagination: the list envelopes of the API and walks over every item across pages.
//!
//! Each list operation returns its envelope ([`OffsetPage`], [`HasMorePage`] or
//! [`TotalPage`]); its `*_all` companion walks every item: an async [`ItemStream`] on
//! [`Client`], a blocking [`ItemIter`](crate::blocking::ItemIter) on
//! [`BlockingClient`](crate::BlockingClient).

use std::collections::VecDeque;
use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::client::Client;
use crate::error::Error;
use crate::http_client::BoxFuture;
use crate::request::ApiRequest;

/// A list envelope that knows whether more items follow.
pub trait Paginated: DeserializeOwned + Send + 'static {
    /// The element type.
    type Item: Send + 'static;
    /// Whether a later page holds more items.
    fn has_more(&self) -> bool;
    /// The items of this page.
    fn into_items(self) -> Vec<Self::Item>;
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

impl<T: DeserializeOwned + Send + 'static> Paginated for OffsetPage<T> {
    type Item = T;
    fn has_more(&self) -> bool {
        self.has_next
    }
    fn into_items(self) -> Vec<T> {
        self.data
    }
}

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

impl<T: DeserializeOwned + Send + 'static> Paginated for HasMorePage<T> {
    type Item = T;
    fn has_more(&self) -> bool {
        self.has_more
    }
    fn into_items(self) -> Vec<T> {
        self.data
    }
}

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

impl<T: DeserializeOwned + Send + 'static> Paginated for TotalPage<T> {
    type Item = T;
    fn has_more(&self) -> bool {
        self.offset.saturating_add(self.data.len() as u64) < self.total
    }
    fn into_items(self) -> Vec<T> {
        self.data
    }
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
        self.offset.saturating_add(self.data.len() as u64) < self.total
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

/// Walks offsets: where the next page starts and when to stop.
#[derive(Debug, Clone)]
pub(crate) struct Pager {
    request: ApiRequest,
    next_offset: u64,
    done: bool,
}

impl Pager {
    pub(crate) fn new(request: ApiRequest) -> Self {
        let next_offset = request
            .query_value("offset")
            .and_then(|value| value.parse().ok())
            .unwrap_or(0);
        Self {
            request,
            next_offset,
            done: false,
        }
    }

    /// A pager for `request`, or, when the request could not be built, a finished pager and
    /// the error to yield once.
    pub(crate) fn start(request: Result<ApiRequest, Error>) -> (Self, Option<Error>) {
        match request {
            Ok(request) => (Self::new(request), None),
            Err(err) => {
                let mut pager = Self::new(placeholder_request());
                pager.stop();
                (pager, Some(err))
            }
        }
    }

    pub(crate) fn next_request(&mut self) -> Option<ApiRequest> {
        if self.done {
            return None;
        }
        let mut request = self.request.clone();
        request.set_query("offset", self.next_offset.to_string());
        Some(request)
    }

    pub(crate) fn advance(&mut self, received: usize, has_more: bool) {
        self.next_offset = self.next_offset.saturating_add(received as u64);
        // An empty page ends the walk even if the server claims more: no endless loops.
        if received == 0 || !has_more {
            self.done = true;
        }
    }

    pub(crate) fn stop(&mut self) {
        self.done = true;
    }
}

pub(crate) type PageResult<T> = Result<(Vec<T>, bool), Error>;
pub(crate) type FetchPage<T> = fn(Client, ApiRequest) -> BoxFuture<'static, PageResult<T>>;

pub(crate) fn fetch_page<P: Paginated>(
    client: Client,
    request: ApiRequest,
) -> BoxFuture<'static, PageResult<P::Item>> {
    Box::pin(async move {
        let page: P = client.send(request).await?;
        let more = page.has_more();
        Ok((page.into_items(), more))
    })
}

/// Every item of a list operation, page after page, as an async [`Stream`].
///
/// It fetches one page at a time, only when the items of the previous one are consumed.
/// After an error the stream ends.
#[must_use = "streams do nothing unless polled"]
pub struct ItemStream<T> {
    client: Client,
    pager: Pager,
    fetch: FetchPage<T>,
    buffer: VecDeque<T>,
    in_flight: Option<BoxFuture<'static, PageResult<T>>>,
    error: Option<Error>,
}

impl<T> fmt::Debug for ItemStream<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ItemStream")
            .field("next_offset", &self.pager.next_offset)
            .field("buffered", &self.buffer.len())
            .field("done", &self.pager.done)
            .finish()
    }
}

impl<T> Unpin for ItemStream<T> {}

impl<T: Send + 'static> ItemStream<T> {
    pub(crate) fn new<P: Paginated<Item = T>>(
        client: Client,
        request: Result<ApiRequest, Error>,
    ) -> Self {
        let (pager, error) = Pager::start(request);
        Self {
            client,
            pager,
            fetch: fetch_page::<P>,
            buffer: VecDeque::new(),
            in_flight: None,
            error,
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
            if let Some(item) = this.buffer.pop_front() {
                return Poll::Ready(Some(Ok(item)));
            }
            if let Some(err) = this.error.take() {
                return Poll::Ready(Some(Err(err)));
            }
            if this.in_flight.is_none() {
                match this.pager.next_request() {
                    Some(request) => {
                        this.in_flight = Some((this.fetch)(this.client.clone(), request));
                    }
                    None => return Poll::Ready(None),
                }
            }
            let Some(in_flight) = this.in_flight.as_mut() else {
                return Poll::Ready(None);
            };
            let result = match in_flight.as_mut().poll(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(result) => result,
            };
            this.in_flight = None;
            match result {
                Ok((items, more)) => {
                    this.pager.advance(items.len(), more);
                    this.buffer.extend(items);
                }
                Err(err) => {
                    this.pager.stop();
                    return Poll::Ready(Some(Err(err)));
                }
            }
        }
    }
}

/// A request that is never sent: it only fills the pager of a stream that failed to build.
fn placeholder_request() -> ApiRequest {
    static NONE: crate::operation::Operation =
        crate::operation::Operation::new("none", "none", crate::operation::Method::Get, "/");
    ApiRequest {
        operation: &NONE,
        path: String::from("/"),
        query: Vec::new(),
        body: None,
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
    fn pager_advances_and_stops_on_empty_pages() {
        let mut pager = Pager::new(placeholder_request());
        let first = pager.next_request().expect("first");
        assert_eq!(first.query_value("offset"), Some("0"));
        pager.advance(20, true);
        assert_eq!(
            pager.next_request().expect("second").query_value("offset"),
            Some("20")
        );
        pager.advance(0, true);
        assert!(pager.next_request().is_none());
    }
}
