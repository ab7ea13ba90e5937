//! Procedures that yield items one at a time, such as following a job until it ends: written
//! once as async code on the async [`Client`](crate::Client) (a [`Steps`] machine), walked as
//! a [`StepStream`] with the async client and as a [`StepIter`] with the
//! [`BlockingClient`], whose steps run on its background runtime.
//!
//! Namespace crates reach them through [`ApiClient::steps`](crate::ApiClient::steps) and
//! [`ApiClient::visit`](crate::ApiClient::visit), never by naming a client.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;

use crate::blocking::BlockingClient;
use crate::error::Error;
use crate::future::BoxFuture;

/// A procedure that yields items one at a time (its state lives in `self`).
pub trait Steps: Send + 'static {
    /// What each step yields.
    type Item: Send + 'static;

    /// Runs until the next item; `None` at the end, after which it is not called again.
    fn next_step(&mut self) -> impl Future<Output = Option<Self::Item>> + Send + '_;

    /// The item that reports that the blocking client's background runtime is gone (it should
    /// not be): the walk ends after it.
    fn runtime_lost(error: Error) -> Self::Item;
}

type StepFuture<T> = BoxFuture<'static, (Box<dyn ErasedSteps<T>>, Option<T>)>;

/// [`Steps`] with its type erased, moved into each step and back out, so a step is a
/// `'static` future that can run on another thread's runtime.
trait ErasedSteps<T>: Send {
    fn step(self: Box<Self>) -> StepFuture<T>;
}

impl<S: Steps> ErasedSteps<S::Item> for S {
    fn step(mut self: Box<Self>) -> StepFuture<S::Item> {
        Box::pin(async move {
            let item = self.next_step().await;
            (self as Box<dyn ErasedSteps<S::Item>>, item)
        })
    }
}

enum StreamState<T> {
    Idle(Box<dyn ErasedSteps<T>>),
    Stepping(StepFuture<T>),
    Done,
}

/// The items of a [`Steps`] procedure as an async [`Stream`]; it ends after the procedure's
/// last item. Drop it to stop.
#[must_use = "streams do nothing unless polled"]
pub struct StepStream<T> {
    state: StreamState<T>,
}

impl<T> fmt::Debug for StepStream<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StepStream")
            .field("done", &matches!(self.state, StreamState::Done))
            .finish_non_exhaustive()
    }
}

impl<T> Unpin for StepStream<T> {}

impl<T: Send + 'static> StepStream<T> {
    pub(crate) fn new<S: Steps<Item = T>>(machine: S) -> Self {
        Self {
            state: StreamState::Idle(Box::new(machine)),
        }
    }

    /// The next item, or `None` after the last one.
    pub async fn next(&mut self) -> Option<T> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }
}

impl<T: Send + 'static> Stream for StepStream<T> {
    type Item = T;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<T>> {
        loop {
            match std::mem::replace(&mut self.state, StreamState::Done) {
                StreamState::Idle(machine) => self.state = StreamState::Stepping(machine.step()),
                StreamState::Stepping(mut step) => match step.as_mut().poll(cx) {
                    Poll::Pending => {
                        self.state = StreamState::Stepping(step);
                        return Poll::Pending;
                    }
                    Poll::Ready((machine, item)) => {
                        if item.is_some() {
                            self.state = StreamState::Idle(machine);
                        }
                        return Poll::Ready(item);
                    }
                },
                StreamState::Done => return Poll::Ready(None),
            }
        }
    }
}

/// The items of a [`Steps`] procedure as a blocking [`Iterator`]: each step runs on the
/// blocking client's background runtime while the caller waits. Stop iterating to stop.
#[must_use = "iterators do nothing unless consumed"]
pub struct StepIter<T> {
    client: BlockingClient,
    machine: Option<Box<dyn ErasedSteps<T>>>,
    runtime_lost: fn(Error) -> T,
}

impl<T> fmt::Debug for StepIter<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StepIter")
            .field("done", &self.machine.is_none())
            .finish_non_exhaustive()
    }
}

impl<T: Send + 'static> StepIter<T> {
    pub(crate) fn new<S: Steps<Item = T>>(client: BlockingClient, machine: S) -> Self {
        Self {
            client,
            machine: Some(Box::new(machine)),
            runtime_lost: S::runtime_lost,
        }
    }
}

impl<T: Send + 'static> Iterator for StepIter<T> {
    type Item = T;

    fn next(&mut self) -> Option<T> {
        let machine = self.machine.take()?;
        match self.client.run(async move { Ok(machine.step().await) }) {
            Ok((machine, item)) => {
                if item.is_some() {
                    self.machine = Some(machine);
                }
                item
            }
            Err(err) => Some((self.runtime_lost)(err)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Client;

    /// Counts down from `left`, pausing on the runtime's clock between items.
    struct Countdown {
        left: u32,
    }

    impl Steps for Countdown {
        type Item = Result<u32, Error>;

        async fn next_step(&mut self) -> Option<Self::Item> {
            if self.left == 0 {
                return None;
            }
            tokio::time::sleep(std::time::Duration::from_millis(1)).await;
            self.left -= 1;
            Some(Ok(self.left))
        }

        fn runtime_lost(error: Error) -> Self::Item {
            Err(error)
        }
    }

    fn client() -> Client {
        Client::builder()
            .api_key("mt_test")
            .server_url("http://127.0.0.1:9")
            .build()
            .unwrap()
    }

    #[test]
    fn the_same_machine_walks_as_a_stream_and_as_an_iterator() {
        let blocking = BlockingClient::from_client(client()).unwrap();
        let mut iter = StepIter::new(blocking, Countdown { left: 3 });
        assert_eq!(format!("{iter:?}"), "StepIter { done: false, .. }");
        let items: Vec<u32> = iter.by_ref().map(Result::unwrap).collect();
        assert_eq!(items, [2, 1, 0]);
        assert_eq!(format!("{iter:?}"), "StepIter { done: true, .. }");
        assert!(iter.next().is_none(), "ended for good");

        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let streamed = runtime.block_on(async {
            let mut stream = StepStream::new(Countdown { left: 3 });
            assert_eq!(format!("{stream:?}"), "StepStream { done: false, .. }");
            let mut items = Vec::new();
            while let Some(item) = stream.next().await {
                items.push(item.unwrap());
            }
            assert_eq!(format!("{stream:?}"), "StepStream { done: true, .. }");
            // Ended for good: polling again yields nothing.
            assert!(stream.next().await.is_none());
            items
        });
        assert_eq!(streamed, [2, 1, 0]);
    }
}
