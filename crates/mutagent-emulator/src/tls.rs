//! The opt-in HTTPS listener: a certificate and key in PEM (e.g. from a private CA), served
//! with rustls (ring) over HTTP/1.1, so clients can test their trust and proxy settings against
//! the emulator exactly as against the real server.

use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

/// A certificate chain and its private key, both PEM. Its `Debug` never shows the key.
#[derive(Clone)]
pub(crate) struct TlsIdentity {
    pub(crate) cert_pem: Vec<u8>,
    pub(crate) key_pem: Vec<u8>,
}

impl std::fmt::Debug for TlsIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TlsIdentity").finish_non_exhaustive()
    }
}

impl TlsIdentity {
    /// The acceptor, or why the PEM cannot be served.
    pub(crate) fn acceptor(&self) -> Result<tokio_rustls::TlsAcceptor, String> {
        let chain = CertificateDer::pem_slice_iter(&self.cert_pem)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|err| format!("the certificate PEM cannot be read: {err}"))?;
        if chain.is_empty() {
            return Err("the certificate PEM holds no certificate".to_owned());
        }
        let key = PrivateKeyDer::from_pem_slice(&self.key_pem)
            .map_err(|err| format!("the private key PEM cannot be read: {err}"))?;
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|err| err.to_string())?
            .with_no_client_auth()
            .with_single_cert(chain, key)
            .map_err(|err| format!("the certificate and key do not fit together: {err}"))?;
        // The emulator serves HTTP/1.1 only; saying so lets a client offering h2 fall back.
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(tokio_rustls::TlsAcceptor::from(Arc::new(config)))
    }
}
