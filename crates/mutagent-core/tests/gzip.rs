//! Compressed answers. With the `gzip` feature: `Accept-Encoding: gzip` is sent, answers are
//! decompressed as they arrive and `max_response_bytes` bounds the decompressed size (a gzip
//! bomb stops at the limit after a few KiB pulled); without it nothing is asked for. Either
//! way a `Content-Encoding` that was not asked for, or corrupt gzip, is a typed error.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a test may panic

mod support;

use std::io::Write as _;

use mutagent_core::{EncodingFailure, Error, StatusCode};
use mutagent_test_support::{Reply, ScriptedServer};
use serde_json::{json, Value};
use support::*;

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(data).expect("compress");
    encoder.finish().expect("compress")
}

fn gzip_json(status: u16, value: &Value) -> Reply {
    Reply::status(status)
        .header("content-type", "application/json")
        .header("content-encoding", "gzip")
        .body(gzip(value.to_string().as_bytes()))
}

fn encoding_failure(err: &Error) -> (StatusCode, &str, EncodingFailure) {
    match err {
        Error::Encoding {
            status,
            encoding,
            failure,
            ..
        } => (*status, encoding.as_str(), *failure),
        other => panic!("not an encoding error: {other:?}"),
    }
}

/// An encoding nobody asked for is refused by name, whatever the feature: never garbage.
#[tokio::test]
async fn an_encoding_not_asked_for_is_a_typed_error() {
    let server = ScriptedServer::start(vec![Reply::status(200)
        .header("content-encoding", "br")
        .body(vec![0x8b, 0x02, 0x80])]);
    let client = builder(&server).build().expect("client");
    let err = client.send::<Value>(get_thing()).await.expect_err("br");
    assert_eq!(
        encoding_failure(&err),
        (StatusCode::OK, "br", EncodingFailure::NotRequested)
    );
    assert!(err.request_accepted());
    let text = err.to_string();
    assert!(
        text.contains("Content-Encoding: br") && text.contains("did not ask"),
        "{text}"
    );
}

#[cfg(not(feature = "gzip"))]
mod without_the_feature {
    use super::*;

    /// Nothing is asked for, and a gzip answer anyway is refused, not decoded as garbage.
    #[tokio::test]
    async fn nothing_is_asked_for_and_gzip_is_refused() {
        let server = ScriptedServer::start(vec![gzip_json(200, &json!({"ok": true}))]);
        let client = builder(&server).build().expect("client");
        let err = client.send::<Value>(get_thing()).await.expect_err("gzip");
        assert_eq!(
            encoding_failure(&err),
            (StatusCode::OK, "gzip", EncodingFailure::NotRequested)
        );
        assert_eq!(server.single_request().header("accept-encoding"), None);
    }
}

#[cfg(feature = "gzip")]
mod with_the_feature {
    use std::pin::Pin;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    use std::task::{Context, Poll};
    use std::time::Duration;

    use bytes::Bytes;
    use http_body::{Body, Frame};
    use mutagent_core::http_client::{BoxFuture, HttpClient, HttpError, ResponseBody};
    use mutagent_core::pagination::OffsetPage;
    use mutagent_core::{ApiClient, Method, Operation};

    use super::*;

    const MIB: usize = 1 << 20;

    /// JSON answers and error answers come out whole, through both clients.
    #[tokio::test]
    async fn answers_and_errors_are_decompressed_through_both_clients() {
        let big = json!({"items": (0..5000).map(|n| format!("item {n}")).collect::<Vec<_>>()});
        let server = ScriptedServer::start(vec![
            gzip_json(200, &big),
            gzip_json(
                404,
                &json!({"error": "not_found", "message": "no such thing"}),
            ),
        ]);
        let client = builder(&server).build().expect("client");
        let (value, meta): (Value, _) = client
            .with_response()
            .send(get_thing())
            .await
            .expect("decoded");
        assert_eq!(value, big);
        // The headers describe the body handed over: no longer compressed.
        assert_eq!(meta.header("content-encoding"), None);
        assert_eq!(meta.header("content-length"), None);
        assert_eq!(meta.header("content-type"), Some("application/json"));
        assert_eq!(server.requests()[0].header("accept-encoding"), Some("gzip"));
        let err = client.send::<Value>(get_thing()).await.expect_err("404");
        let api = err.as_api_error().expect("api error");
        assert_eq!(api.message(), Some("no such thing"));

        let blocking = builder(&server).build_blocking().expect("client");
        let err = blocking.send::<Value>(get_thing()).expect_err("404 again");
        assert_eq!(err.as_api_error().expect("api").code(), Some("not_found"));
    }

    static LIST_THINGS: Operation =
        Operation::new("test", "list_things", Method::Get, "/api/things");

    /// A walk over pages reads every page through gzip.
    #[test]
    fn page_walks_work_through_gzip() {
        let page = |offset: u64, items: Vec<u64>| {
            gzip_json(
                200,
                &json!({"data": items, "total": 5, "limit": 2, "offset": offset}),
            )
        };
        let server = ScriptedServer::start(vec![
            page(0, vec![1, 2]),
            page(2, vec![3, 4]),
            page(4, vec![5]),
        ]);
        let client = builder(&server).build_blocking().expect("client");
        let items: Vec<u64> = client
            .paginate::<OffsetPage<u64>>(LIST_THINGS.request().query("limit", Some(2u32)).build())
            .collect::<Result<_, _>>()
            .expect("walk");
        assert_eq!(items, vec![1, 2, 3, 4, 5]);
    }

    /// Cut short (a well-framed HTTP body holding half a gzip stream): a typed error, and a
    /// POST that the server accepted is not sent again.
    #[tokio::test]
    async fn a_truncated_stream_is_a_typed_error() {
        let compressed = gzip(
            json!({"id": 1, "pad": "x".repeat(4000)})
                .to_string()
                .as_bytes(),
        );
        let half = compressed[..compressed.len() / 2].to_vec();
        let server = ScriptedServer::start(vec![Reply::status(201)
            .header("content-encoding", "gzip")
            .body(half)]);
        let client = builder(&server).build().expect("client");
        let request = create_thing(json!({}));
        let err = client
            .with_options(mutagent_core::CallOptions::new().retry_non_idempotent(true))
            .send::<Value>(request)
            .await
            .expect_err("half a stream");
        assert_eq!(
            encoding_failure(&err),
            (StatusCode::CREATED, "gzip", EncodingFailure::Invalid)
        );
        assert!(err.request_accepted() && !err.is_retryable());
        assert!(err.to_string().contains("corrupt or cut short"), "{err}");
        assert_eq!(server.requests().len(), 1, "never sent again");
    }

    /// A 503 whose gzip body is corrupt is still retried, as its status says.
    #[tokio::test]
    async fn a_corrupt_error_body_keeps_its_retry_class() {
        let server = ScriptedServer::start(vec![
            Reply::status(503)
                .header("content-encoding", "gzip")
                .body(b"not gzip".to_vec()),
            gzip_json(200, &json!({"ok": 1})),
        ]);
        let client = builder(&server).build().expect("client");
        let value: Value = client.send(get_thing()).await.expect("retried");
        assert_eq!(value, json!({"ok": 1}));
        assert_eq!(server.requests().len(), 2);
    }

    /// The gzip bomb from a hostile server: 10 MiB of zeros compressed to about 10 KiB, sent
    /// in small chunks, against a 1 MiB limit. The call stops at the limit with the typed
    /// error after pulling only the first few KiB (1 MiB of zeros is about 1 KiB of gzip).
    #[tokio::test]
    async fn a_gzip_bomb_stops_at_the_limit_after_a_few_kib() {
        let bomb = gzip(&vec![0u8; 10 * MIB]);
        assert!(bomb.len() < 20 * 1024, "{}", bomb.len());
        let server = ScriptedServer::start(vec![Reply::status(200)
            .header("content-encoding", "gzip")
            .body(bomb.clone())
            .chunked()
            .drip(256, Duration::from_millis(2))]);
        let pulled = Arc::new(AtomicUsize::new(0));
        let client = builder(&server)
            .max_response_bytes(MIB)
            .http_client(Counting {
                inner: mutagent_core::http_client::DefaultHttpClient::new().expect("client"),
                pulled: Arc::clone(&pulled),
            })
            .build()
            .expect("client");
        let err = client.send::<Value>(get_thing()).await.expect_err("bomb");
        assert!(
            matches!(err, Error::ResponseTooLarge { limit, .. } if limit == MIB),
            "{err:?}"
        );
        let pulled = pulled.load(Ordering::SeqCst);
        eprintln!(
            "gzip bomb: pulled {pulled} of {} compressed bytes",
            bomb.len()
        );
        assert!(
            pulled < 4 * 1024 && pulled < bomb.len() / 4,
            "pulled {pulled} of {} compressed bytes",
            bomb.len()
        );
    }

    /// A body that inflates without end (the same deflate block of 1 MiB of zeros, forever)
    /// ends at the limit, after a bounded number of compressed bytes.
    #[tokio::test]
    async fn an_endless_bomb_ends_at_the_limit() {
        let (head, block) = endless_bomb_parts();
        let pulled = Arc::new(AtomicUsize::new(0));
        let client = mutagent_core::Client::builder()
            .env(mutagent_core::env::EmptyEnv)
            .max_response_bytes(4 * MIB)
            .http_client(Endless {
                head,
                block,
                pulled: Arc::clone(&pulled),
            })
            .build()
            .expect("client");
        let err = client.send::<Value>(get_thing()).await.expect_err("bomb");
        assert!(matches!(err, Error::ResponseTooLarge { .. }), "{err:?}");
        let pulled = pulled.load(Ordering::SeqCst);
        eprintln!("endless gzip bomb: pulled {pulled} compressed bytes");
        assert!(pulled < 16 * 1024, "pulled {pulled} compressed bytes");
    }

    /// A gzip header with the first 1 MiB of zeros, and a sync-flushed block that inflates to
    /// 1 MiB more zeros each time it is repeated (it only refers back to zeros).
    fn endless_bomb_parts() -> (Bytes, Bytes) {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        encoder.write_all(&vec![0u8; MIB]).expect("compress");
        encoder.flush().expect("flush");
        let head = encoder.get_ref().len();
        encoder.write_all(&vec![0u8; MIB]).expect("compress");
        encoder.flush().expect("flush");
        let all = encoder.get_ref().clone();
        (
            Bytes::copy_from_slice(&all[..head]),
            Bytes::copy_from_slice(&all[head..]),
        )
    }

    /// Answers every request with the endless bomb: its head, then its block forever.
    #[derive(Debug)]
    struct Endless {
        head: Bytes,
        block: Bytes,
        pulled: Arc<AtomicUsize>,
    }

    impl HttpClient for Endless {
        fn send(
            &self,
            _request: http::Request<Bytes>,
        ) -> BoxFuture<'static, Result<http::Response<ResponseBody>, HttpError>> {
            let body = EndlessBody {
                next: Some(self.head.clone()),
                block: self.block.clone(),
                pulled: Arc::clone(&self.pulled),
            };
            let response = http::Response::builder()
                .header("content-encoding", "gzip")
                .body(ResponseBody::new(body))
                .expect("response");
            Box::pin(async move { Ok(response) })
        }
    }

    struct EndlessBody {
        next: Option<Bytes>,
        block: Bytes,
        pulled: Arc<AtomicUsize>,
    }

    impl Body for EndlessBody {
        type Data = Bytes;
        type Error = std::convert::Infallible;
        fn poll_frame(
            mut self: Pin<&mut Self>,
            _cx: &mut Context<'_>,
        ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
            let chunk = self.next.take().unwrap_or_else(|| self.block.clone());
            self.pulled.fetch_add(chunk.len(), Ordering::SeqCst);
            Poll::Ready(Some(Ok(Frame::data(chunk))))
        }
    }
}
