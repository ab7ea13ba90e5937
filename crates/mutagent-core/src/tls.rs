//! Which servers the default client trusts.
//!
//! The bundled webpki roots (Mozilla's list, so a `FROM scratch` image works), plus a private
//! CA given the way OpenSSL, rustls-native-certs and httpx take one (`SSL_CERT_FILE`: a PEM
//! bundle; `SSL_CERT_DIR`: directories of `<hash>.<n>` files as `openssl rehash` writes them),
//! plus certificates given to the builder, plus (feature `native-roots`) the operating system's
//! store. PEM is read by rustls-pki-types' own reader. rustls with the ring provider only.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;
use rustls::RootCertStore;

use crate::env::EnvSource;
use crate::error::{Cause, ConfigError, Origin};

/// The variable naming a PEM file of extra trusted certificates.
pub(crate) const ENV_CERT_FILE: &str = "SSL_CERT_FILE";
/// The variable naming directories of extra trusted certificates.
pub(crate) const ENV_CERT_DIR: &str = "SSL_CERT_DIR";

/// The trust settings given to a builder, before the environment is read.
#[derive(Clone, Default)]
pub(crate) struct TrustSettings {
    /// PEM given to `.add_root_certificate(…)`, in order.
    pub(crate) roots: Vec<Vec<u8>>,
}

impl std::fmt::Debug for TrustSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TrustSettings")
            .field("added_roots", &self.roots.len())
            .finish()
    }
}

/// The rustls configuration of the default client: ring, safe protocol versions, the roots
/// above, no client certificate.
pub(crate) fn client_config(
    settings: &TrustSettings,
    env: &dyn EnvSource,
) -> Result<rustls::ClientConfig, ConfigError> {
    let roots = root_store(settings, env)?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    Ok(rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|err| ConfigError::Tls(Cause::new(err)))?
        .with_root_certificates(roots)
        .with_no_client_auth())
}

fn root_store(settings: &TrustSettings, env: &dyn EnvSource) -> Result<RootCertStore, ConfigError> {
    let mut store = RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    for (index, pem) in settings.roots.iter().enumerate() {
        let what = || format!("#{} given", index + 1);
        let origin = Origin::Builder("add_root_certificate");
        let certs = parse_pem(pem).map_err(|reason| invalid(what(), reason, origin))?;
        for cert in certs {
            store.add(cert).map_err(|err| {
                invalid(
                    what(),
                    format!("it is not a usable CA certificate: {err}"),
                    origin,
                )
            })?;
        }
    }
    if let Some(file) = crate::env::non_empty(env, ENV_CERT_FILE) {
        let origin = Origin::Environment(ENV_CERT_FILE);
        let path = PathBuf::from(file.trim());
        let certs = read_pem_file(&path).map_err(|reason| invalid(shown(&path), reason, origin))?;
        add_bundle(&mut store, certs)
            .map_err(|reason| invalid(shown(&path), reason.to_owned(), origin))?;
    }
    if let Some(dirs) = crate::env::non_empty(env, ENV_CERT_DIR) {
        let origin = Origin::Environment(ENV_CERT_DIR);
        for dir in std::env::split_paths(dirs.trim()) {
            if dir.as_os_str().is_empty() {
                continue;
            }
            let certs =
                read_hashed_dir(&dir).map_err(|reason| invalid(shown(&dir), reason, origin))?;
            add_bundle(&mut store, certs)
                .map_err(|reason| invalid(shown(&dir), reason.to_owned(), origin))?;
        }
    }
    #[cfg(feature = "native-roots")]
    add_native_roots(&mut store);
    Ok(store)
}

/// The operating system's store, as rustls-native-certs reads it; certificates it cannot read
/// are skipped (a system store often holds a few that webpki cannot use), as rustls-native-certs
/// advises.
#[cfg(feature = "native-roots")]
fn add_native_roots(store: &mut RootCertStore) {
    let found = rustls_native_certs::load_native_certs();
    for error in &found.errors {
        tracing::debug!(%error, "a certificate of the system store could not be read");
    }
    let (added, ignored) = store.add_parsable_certificates(found.certs);
    tracing::debug!(added, ignored, "system trust store loaded");
}

fn shown(path: &Path) -> String {
    format!("`{}`", path.display())
}

fn invalid(what: String, reason: String, origin: Origin) -> ConfigError {
    ConfigError::InvalidRootCertificate {
        what,
        reason,
        origin,
    }
}

/// Every certificate in `pem`; none at all, or a malformed one, is an error.
fn parse_pem(pem: &[u8]) -> Result<Vec<CertificateDer<'static>>, String> {
    let certs = CertificateDer::pem_slice_iter(pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|err| format!("its PEM cannot be read: {err}"))?;
    if certs.is_empty() {
        return Err("it holds no `-----BEGIN CERTIFICATE-----` block".to_owned());
    }
    Ok(certs)
}

fn read_pem_file(path: &Path) -> Result<Vec<CertificateDer<'static>>, String> {
    let pem = std::fs::read(path).map_err(|err| format!("it cannot be read: {err}"))?;
    parse_pem(&pem)
}

/// A bundle (a file, or a directory's files) adds the certificates webpki can use and skips the
/// others, as OpenSSL and rustls-native-certs do with system bundles; one that adds nothing is
/// an error, since the CA the user meant to trust would then be missing.
fn add_bundle(
    store: &mut RootCertStore,
    certs: Vec<CertificateDer<'static>>,
) -> Result<(), &'static str> {
    let (added, _ignored) = store.add_parsable_certificates(certs);
    if added == 0 {
        return Err("none of its certificates is a usable CA certificate");
    }
    Ok(())
}

/// The certificates of `dir`'s files named `<8 hex digits>.<digit>` (what `openssl rehash`
/// writes, and all that OpenSSL and rustls-native-certs read there; symlinks followed).
fn read_hashed_dir(dir: &Path) -> Result<Vec<CertificateDer<'static>>, String> {
    let entries =
        std::fs::read_dir(dir).map_err(|err| format!("the directory cannot be read: {err}"))?;
    let mut certs = Vec::new();
    for entry in entries.flatten() {
        let path = entry.path();
        let hashed = path
            .file_name()
            .and_then(|name| name.to_str())
            .is_some_and(is_hash_file_name);
        if hashed && std::fs::metadata(&path).is_ok_and(|meta| meta.is_file()) {
            let mut found = read_pem_file(&path)
                .map_err(|reason| format!("its file `{}`: {reason}", path.display()))?;
            certs.append(&mut found);
        }
    }
    if certs.is_empty() {
        return Err(
            "it holds no certificate file named as `openssl rehash` names them \
                    (`<hash>.0`); run `openssl rehash` on it, or name a PEM file in \
                    `SSL_CERT_FILE`"
                .to_owned(),
        );
    }
    Ok(certs)
}

/// `1a2b3c4d.0`: eight hex digits, a dot, one digit.
fn is_hash_file_name(name: &str) -> bool {
    let bytes = name.as_bytes();
    bytes.len() == 10
        && bytes[..8].iter().all(u8::is_ascii_hexdigit)
        && bytes[8] == b'.'
        && bytes[9].is_ascii_digit()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_file_names_are_recognised() {
        for good in ["1a2b3c4d.0", "ABCDEF01.9"] {
            assert!(is_hash_file_name(good), "{good}");
        }
        for bad in [
            "1a2b3c4d.pem",
            "ca.pem",
            "1a2b3c4d.10",
            "1a2b3c4g.0",
            "1a2b3c4d0",
        ] {
            assert!(!is_hash_file_name(bad), "{bad}");
        }
    }

    /// Debug counts the roots given, without their PEM.
    #[test]
    fn debug_counts_the_roots_given() {
        let settings = TrustSettings {
            roots: vec![b"first".to_vec(), b"second".to_vec()],
        };
        assert_eq!(format!("{settings:?}"), "TrustSettings { added_roots: 2 }");
    }

    #[test]
    fn pem_without_certificates_or_broken_is_refused() {
        assert!(parse_pem(b"hello").unwrap_err().contains("no `-----BEGIN"));
        let broken = b"-----BEGIN CERTIFICATE-----\n!!!not base64!!!\n-----END CERTIFICATE-----\n";
        assert!(parse_pem(broken).unwrap_err().contains("PEM"));
    }

    #[test]
    fn the_default_store_is_the_webpki_roots() {
        let store = root_store(&TrustSettings::default(), &crate::env::EmptyEnv).expect("store");
        let webpki = webpki_roots::TLS_SERVER_ROOTS.len();
        if cfg!(feature = "native-roots") {
            assert!(store.len() >= webpki);
        } else {
            assert_eq!(store.len(), webpki);
        }
    }

    /// With `native-roots`, the system store comes on top of the webpki roots (Debian's
    /// bundle, when this machine has one).
    #[cfg(feature = "native-roots")]
    #[test]
    fn the_system_store_is_added_with_native_roots() {
        let store = root_store(&TrustSettings::default(), &crate::env::EmptyEnv).expect("store");
        if Path::new("/etc/ssl/certs/ca-certificates.crt").exists() {
            assert!(
                store.len() > webpki_roots::TLS_SERVER_ROOTS.len(),
                "{}",
                store.len()
            );
        } else {
            assert!(store.len() >= webpki_roots::TLS_SERVER_ROOTS.len());
        }
    }

    #[test]
    fn missing_files_and_directories_name_the_variable() {
        let env = [("SSL_CERT_FILE", "/nonexistent/mutagent-ca.pem")];
        let err = root_store(&TrustSettings::default(), &env)
            .expect_err("missing")
            .to_string();
        assert!(err.contains("`SSL_CERT_FILE`"), "{err}");
        assert!(err.contains("/nonexistent/mutagent-ca.pem"), "{err}");
        assert!(err.contains("cannot be read"), "{err}");
        let env = [("SSL_CERT_DIR", "/nonexistent/mutagent-certs")];
        let err = root_store(&TrustSettings::default(), &env)
            .expect_err("missing")
            .to_string();
        assert!(
            err.contains("`SSL_CERT_DIR`") && err.contains("directory"),
            "{err}"
        );
        let settings = TrustSettings {
            roots: vec![b"not a certificate".to_vec()],
        };
        let err = root_store(&settings, &crate::env::EmptyEnv)
            .expect_err("refused")
            .to_string();
        assert!(
            err.contains("#1 given") && err.contains("add_root_certificate"),
            "{err}"
        );
    }
}
