//! The HTTP mode over TLS, with a certificate authority generated for the test.

use std::sync::Arc;

use bytes::Bytes;
use http::{Response, request};
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio_rustls::rustls::{DEFAULT_VERSIONS, ServerConfig, SupportedProtocolVersion, crypto};

use super::ScriptedServer;
use super::respond::{Respond, serve_connection};

/// A throwaway certificate authority and a leaf certificate it signed for `localhost` and
/// `127.0.0.1`, for [`ScriptedServer::https`]. Trust [`ca`](Self::ca) in the client under test
/// to connect; trust nothing to see the handshake fail.
pub struct TestCertificate {
    ca: CertificateDer<'static>,
    leaf: CertificateDer<'static>,
    key: PrivatePkcs8KeyDer<'static>,
}

impl std::fmt::Debug for TestCertificate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestCertificate").finish_non_exhaustive()
    }
}

impl TestCertificate {
    /// Generates a new CA and leaf (a few milliseconds of key generation).
    ///
    /// # Panics
    /// When key generation or signing fails, which rcgen does not do for these parameters.
    #[must_use]
    pub fn new() -> Self {
        use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};
        let ca_key = KeyPair::generate().expect("generate CA key");
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        let ca = ca_params.self_signed(&ca_key).expect("self-sign CA");
        let issuer = Issuer::new(ca_params, ca_key);
        let leaf_key = KeyPair::generate().expect("generate leaf key");
        let leaf = CertificateParams::new(vec!["localhost".to_owned(), "127.0.0.1".to_owned()])
            .expect("leaf params")
            .signed_by(&leaf_key, &issuer)
            .expect("sign leaf");
        Self {
            ca: ca.der().clone(),
            leaf: leaf.der().clone(),
            key: PrivatePkcs8KeyDer::from(leaf_key.serialize_der()),
        }
    }

    /// The CA certificate (DER): the root a client must trust.
    #[must_use]
    pub fn ca(&self) -> &CertificateDer<'static> {
        &self.ca
    }

    /// The server's certificate (DER), signed by [`ca`](Self::ca).
    #[must_use]
    pub fn leaf(&self) -> &CertificateDer<'static> {
        &self.leaf
    }

    /// A rustls server config (the *ring* provider, no ALPN, no client authentication) that
    /// serves this leaf and offers exactly `versions`: `&[&rustls::version::TLS12]` is a server
    /// that speaks only TLS 1.2, as an office's TLS-intercepting proxy may.
    ///
    /// # Panics
    /// If rustls refuses the versions or the certificate, which it does not for the versions it
    /// ships and a [`TestCertificate`].
    #[must_use]
    pub fn server_config(&self, versions: &[&'static SupportedProtocolVersion]) -> ServerConfig {
        // Deprecated since rustls 0.23.48 (no post-quantum key exchange), with no other way to
        // name the ring provider: see whop-transport's tls.rs.
        #[allow(deprecated)]
        let provider = crypto::ring::default_provider();
        ServerConfig::builder_with_provider(Arc::new(provider))
            .with_protocol_versions(versions)
            .expect("ring supports the versions rustls ships")
            .with_no_client_auth()
            .with_single_cert(
                vec![self.leaf.clone()],
                PrivateKeyDer::Pkcs8(self.key.clone_key()),
            )
            .expect("a valid test certificate")
    }
}

impl Default for TestCertificate {
    fn default() -> Self {
        Self::new()
    }
}

impl ScriptedServer {
    /// [`ScriptedServer::http`] over TLS with `certificate`'s leaf, offering `h2` and `http/1.1`
    /// by ALPN. A failed handshake ends the connection without a request. Needs the cargo
    /// feature `tls`.
    ///
    /// ```
    /// use whop_test_server::{ScriptedServer, TestCertificate, response};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let certificate = TestCertificate::new();
    /// let server = ScriptedServer::https(&certificate, |_, _| response(200, &[], "secure")).await?;
    /// assert!(server.base_url().starts_with("https://127.0.0.1:"));
    /// // ... trust `certificate.ca()` in the client under test ...
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    /// If binding the loopback port fails.
    ///
    /// # Panics
    /// If rustls refuses the certificate, which it does not for a [`TestCertificate`].
    #[cfg_attr(docsrs, doc(cfg(feature = "tls")))]
    pub async fn https(
        certificate: &TestCertificate,
        respond: impl Fn(usize, &request::Parts) -> Response<Bytes> + Send + Sync + 'static,
    ) -> std::io::Result<ScriptedServer> {
        let mut config = certificate.server_config(DEFAULT_VERSIONS);
        config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        let acceptor = TlsAcceptor::from(Arc::new(config));
        let respond: Respond = Arc::new(respond);
        ScriptedServer::start(
            "https",
            Arc::new(move |stream, _index, seen| {
                let (acceptor, respond) = (acceptor.clone(), Arc::clone(&respond));
                Box::pin(async move {
                    if let Ok(stream) = acceptor.accept(stream).await {
                        serve_connection(stream, seen, respond).await;
                    }
                })
            }),
        )
        .await
    }
}
