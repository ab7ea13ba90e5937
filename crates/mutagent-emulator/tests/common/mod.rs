//! A deliberately tiny HTTP/1.1 client over a raw TCP stream, so tests see exactly what the
//! emulator puts on the wire (including truncated bodies and resets).

#![allow(dead_code, unreachable_pub)]

use std::net::SocketAddr;

use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// The default key tests send.
pub const KEY: &str = "mt_test_key";

/// A parsed response.
#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Resp {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }
    /// Asserts the flat error shape and returns the message.
    pub fn error(&self, status: u16) -> String {
        assert_eq!(
            self.status,
            status,
            "body: {}",
            String::from_utf8_lossy(&self.body)
        );
        let v = self.json();
        assert!(v["error"].is_string(), "{v}");
        assert_eq!(v["statusCode"], status, "{v}");
        v["message"].as_str().expect("message").to_string()
    }
}

/// Raw request bytes -> raw response bytes (until the server closes).
pub async fn raw(addr: SocketAddr, req: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut s = TcpStream::connect(addr).await?;
    s.write_all(req).await?;
    let mut out = Vec::new();
    s.read_to_end(&mut out).await?;
    Ok(out)
}

/// Builds a request with `Connection: close`.
pub fn build(method: &str, target: &str, headers: &[(&str, &str)], body: Option<&[u8]>) -> Vec<u8> {
    let mut r = format!("{method} {target} HTTP/1.1\r\nhost: localhost\r\nconnection: close\r\n");
    for (k, v) in headers {
        r.push_str(&format!("{k}: {v}\r\n"));
    }
    if let Some(b) = body {
        r.push_str(&format!("content-length: {}\r\n", b.len()));
    }
    r.push_str("\r\n");
    let mut bytes = r.into_bytes();
    if let Some(b) = body {
        bytes.extend_from_slice(b);
    }
    bytes
}

/// Parses a complete response (status, headers, everything after the head as body).
pub fn parse(raw: &[u8]) -> Option<Resp> {
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = std::str::from_utf8(&raw[..split]).ok()?;
    let mut lines = head.split("\r\n");
    let status: u16 = lines.next()?.split(' ').nth(1)?.parse().ok()?;
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    Some(Resp {
        status,
        headers,
        body: raw[split + 4..].to_vec(),
    })
}

/// A client bound to one emulator.
#[derive(Clone, Debug)]
pub struct Client {
    pub addr: SocketAddr,
    pub key: Option<String>,
}

impl Client {
    pub fn new(addr: SocketAddr) -> Self {
        Client {
            addr,
            key: Some(KEY.to_string()),
        }
    }

    pub fn without_key(addr: SocketAddr) -> Self {
        Client { addr, key: None }
    }

    pub async fn send(&self, method: &str, target: &str, body: Option<&Value>) -> Resp {
        let bytes = body.map(|b| serde_json::to_vec(b).expect("json"));
        let mut headers: Vec<(&str, &str)> = vec![("accept", "application/json")];
        if let Some(k) = &self.key {
            headers.push(("x-api-key", k));
        }
        if bytes.is_some() {
            headers.push(("content-type", "application/json"));
        }
        let raw_resp = raw(
            self.addr,
            &build(method, target, &headers, bytes.as_deref()),
        )
        .await
        .expect("io");
        parse(&raw_resp).unwrap_or_else(|| {
            panic!(
                "unparsable response to {method} {target}: {:?}",
                String::from_utf8_lossy(&raw_resp)
            )
        })
    }

    pub async fn get(&self, target: &str) -> Resp {
        self.send("GET", target, None).await
    }
    pub async fn post(&self, target: &str, body: Value) -> Resp {
        self.send("POST", target, Some(&body)).await
    }
    pub async fn post_empty(&self, target: &str) -> Resp {
        self.send("POST", target, None).await
    }
    pub async fn patch(&self, target: &str, body: Value) -> Resp {
        self.send("PATCH", target, Some(&body)).await
    }
    pub async fn delete(&self, target: &str) -> Resp {
        self.send("DELETE", target, None).await
    }

    /// Sends and asserts the status, returning the JSON body.
    pub async fn ok(&self, method: &str, target: &str, body: Option<Value>, status: u16) -> Value {
        let r = self.send(method, target, body.as_ref()).await;
        assert_eq!(
            r.status,
            status,
            "{method} {target}: {}",
            String::from_utf8_lossy(&r.body)
        );
        r.json()
    }

    /// `POST target` without a body, asserting 200; the JSON body.
    pub async fn post_empty_ok(&self, target: &str) -> Value {
        self.ok("POST", target, None, 200).await
    }
    /// `GET target`, asserting 200; the JSON body.
    pub async fn get_ok(&self, target: &str) -> Value {
        self.ok("GET", target, None, 200).await
    }
    /// `POST target` with `body`, asserting 201; the JSON body.
    pub async fn created(&self, target: &str, body: Value) -> Value {
        self.ok("POST", target, Some(body), 201).await
    }
    /// `POST target` with `body`, asserting 200; the JSON body.
    pub async fn post_ok(&self, target: &str, body: Value) -> Value {
        self.ok("POST", target, Some(body), 200).await
    }
    /// `PATCH target` with `body`, asserting 200; the JSON body.
    pub async fn patch_ok(&self, target: &str, body: Value) -> Value {
        self.ok("PATCH", target, Some(body), 200).await
    }
    /// `DELETE target`, asserting 200; the JSON body.
    pub async fn delete_ok(&self, target: &str) -> Value {
        self.ok("DELETE", target, None, 200).await
    }
}

/// An emulator with the default settings, and a client for it.
pub async fn started() -> (mutagent_emulator::Emulator, Client) {
    let emu = mutagent_emulator::Emulator::start().await.expect("start");
    let c = Client::new(emu.addr());
    (emu, c)
}

/// Creates a prompt and returns its JSON.
pub async fn prompt(c: &Client, name: &str, text: &str) -> Value {
    c.created(
        "/api/prompt/",
        serde_json::json!({"name": name, "inputSchema": {"type": "object"}, "systemPrompt": text}),
    )
    .await
}

/// Creates a dataset for a prompt with `n` items; returns the dataset JSON.
pub async fn dataset(c: &Client, prompt_id: i64, n: usize) -> Value {
    let d = c
        .created(
            &format!("/api/prompt/{prompt_id}/datasets"),
            serde_json::json!({"name": "ds"}),
        )
        .await;
    if n > 0 {
        let items: Vec<Value> = (0..n)
            .map(|i| serde_json::json!({"input": {"question": format!("q{i}")}}))
            .collect();
        c.created(
            &format!("/api/prompts/datasets/{}/items/bulk", d["id"]),
            serde_json::json!({"items": items}),
        )
        .await;
    }
    d
}

/// Creates evaluation "e" of prompt 1 on dataset 1; returns the evaluation JSON.
pub async fn evaluation(c: &Client) -> Value {
    c.created(
        "/api/prompts/evaluations/",
        serde_json::json!({"promptId": 1, "datasetId": 1, "name": "e"}),
    )
    .await
}
