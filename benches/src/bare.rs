//! The baseline: what a user would write by hand with hyper-util and serde_json.

use bytes::Bytes;
use http::header::{ACCEPT, CONTENT_TYPE, USER_AGENT};
use http::{HeaderValue, Method, Request, Uri};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use serde::de::DeserializeOwned;

use crate::BenchError;

/// A pooled hyper-util client over plain TCP.
#[derive(Debug, Clone)]
pub struct BareClient {
    client: Client<HttpConnector, Full<Bytes>>,
    api_key: HeaderValue,
}

impl BareClient {
    /// A client sending `api_key` as `x-api-key`.
    pub fn new(api_key: &'static str) -> Self {
        let mut connector = HttpConnector::new();
        connector.set_nodelay(true);
        Self {
            client: Client::builder(TokioExecutor::new()).build(connector),
            api_key: HeaderValue::from_static(api_key),
        }
    }

    /// `GET uri` with the same headers as the SDK sends, the body read in full and decoded as
    /// `T`. Non-2xx answers are errors.
    pub async fn get_json<T: DeserializeOwned>(&self, uri: &Uri) -> Result<T, BenchError> {
        self.send_json(Method::GET, uri, None).await
    }

    /// `POST uri` with a JSON body, decoded as `T`.
    pub async fn post_json<T: DeserializeOwned>(
        &self,
        uri: &Uri,
        body: Bytes,
    ) -> Result<T, BenchError> {
        self.send_json(Method::POST, uri, Some(body)).await
    }

    async fn send_json<T: DeserializeOwned>(
        &self,
        method: Method,
        uri: &Uri,
        body: Option<Bytes>,
    ) -> Result<T, BenchError> {
        let mut request = Request::builder()
            .method(method)
            .uri(uri.clone())
            .header(ACCEPT, HeaderValue::from_static("application/json"))
            .header(USER_AGENT, HeaderValue::from_static("bare-hyper"))
            .header("x-api-key", self.api_key.clone());
        if body.is_some() {
            request = request.header(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        }
        let request = request
            .body(Full::new(body.unwrap_or_default()))
            .map_err(|err| format!("cannot build the request: {err}"))?;
        let response = self
            .client
            .request(request)
            .await
            .map_err(|err| format!("request failed: {err}"))?;
        let status = response.status();
        let body = response
            .into_body()
            .collect()
            .await
            .map_err(|err| format!("body broke off: {err}"))?
            .to_bytes();
        if !status.is_success() {
            return Err(format!(
                "server answered {status}: {}",
                String::from_utf8_lossy(&body[..body.len().min(200)])
            ));
        }
        serde_json::from_slice(&body).map_err(|err| format!("cannot decode the body: {err}"))
    }
}
