//! The emulator over HTTPS with a private CA, reached through a CONNECT proxy, configured the
//! way a user inside a company is: only `HTTPS_PROXY` and `SSL_CERT_FILE` (injected here, never
//! set on the process). tests/proxy/tinyproxy.sh does the same with a real tinyproxy.

use std::collections::HashMap;

use mutagent::prelude::*;
use mutagent::prompt::ListPrompts;
use mutagent_e2e::{emulator_builder, KEY};
use mutagent_test_support::{CapturingProxy, TempDir, TestCa, Validity};

#[tokio::test]
async fn https_emulator_through_a_proxy_from_the_environment_alone() {
    let ca = TestCa::new("mutagent e2e CA");
    let cert = ca.issue(&["mutagent.test", "127.0.0.1"], Validity::Current);
    let emu = emulator_builder()
        .tls(cert.cert_pem.clone(), cert.key_pem.clone())
        .start()
        .await
        .expect("emulator over TLS");
    assert!(emu.url().starts_with("https://127.0.0.1:"), "{}", emu.url());
    let proxy = CapturingProxy::start_to(emu.addr());
    let dir = TempDir::new("mutagent-e2e-https-proxy");
    let ca_file = dir.file("ca.pem", &ca.pem());
    let env: HashMap<String, String> = [
        ("HTTPS_PROXY", proxy.url()),
        ("SSL_CERT_FILE", ca_file.display().to_string()),
        ("MUTAGENT_API_KEY", KEY.to_owned()),
        (
            "MUTAGENT_SERVER_URL",
            format!("https://mutagent.test:{}", emu.addr().port()),
        ),
    ]
    .into_iter()
    .map(|(name, value)| (name.to_owned(), value))
    .collect();
    let client = mutagent::Client::builder()
        .env(env)
        .build()
        .expect("client");
    let page = client
        .prompt()
        .list_prompts(&ListPrompts::new())
        .await
        .expect("list through the proxy over TLS");
    assert!(page.data.is_empty(), "{page:?}");
    // Later calls reuse the tunnel: one CONNECT for them all.
    for _ in 0..4 {
        client
            .prompt()
            .list_prompts(&ListPrompts::new())
            .await
            .expect("list again");
    }
    let seen = proxy.seen();
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert_eq!(seen[0].method, "CONNECT");
    assert_eq!(
        seen[0].target,
        format!("mutagent.test:{}", emu.addr().port())
    );
    assert!(!seen[0].raw.contains(KEY), "{}", seen[0].raw);
    // The emulator saw the call, with the key, over the tunnel.
    assert_eq!(emu.requests().len(), 5);
}

#[tokio::test]
async fn an_https_emulator_refuses_pem_it_cannot_serve() {
    let err = emulator_builder()
        .tls("not a certificate", "not a key")
        .start()
        .await
        .expect_err("bad PEM");
    assert!(err.to_string().contains("cannot serve HTTPS"), "{err}");
}
