//! A client with whop-client's default features against a server that speaks only TLS 1.2 (as an
//! office's TLS-intercepting proxy may): both seed calls complete.
//!
//! The server is whop-mock on loopback behind a TLS terminator that offers TLS 1.2 alone, with a
//! private CA the client is told to trust.

use std::sync::Arc;
use std::time::Duration;

use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio_rustls::rustls::{ProtocolVersion, ServerConfig, version};
use whop_client::PacingConfig;
use whop_tests::{COMPANY_KEY, USER_TOKEN, bounded, client, mock_builder, sample_membership};

/// A private CA and a certificate for `127.0.0.1` it signed: the CA's DER, and a server config
/// that offers TLS 1.2 only.
fn tls12_only_config() -> (CertificateDer<'static>, ServerConfig) {
    let ca_key = KeyPair::generate().expect("CA key");
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca = ca_params.self_signed(&ca_key).expect("self-signed CA");
    let leaf_key = KeyPair::generate().expect("leaf key");
    let leaf = CertificateParams::new(vec!["127.0.0.1".to_owned()])
        .expect("leaf params")
        .signed_by(&leaf_key, &Issuer::new(ca_params, ca_key))
        .expect("signed leaf");
    // Deprecated since rustls 0.23.48 (no post-quantum key exchange), with no other way to name
    // the ring provider: see whop-transport's tls.rs.
    #[allow(deprecated)]
    let provider = tokio_rustls::rustls::crypto::ring::default_provider();
    let config = ServerConfig::builder_with_provider(Arc::new(provider))
        .with_protocol_versions(&[&version::TLS12])
        .expect("ring speaks TLS 1.2")
        .with_no_client_auth()
        .with_single_cert(
            vec![leaf.der().clone()],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der())),
        )
        .expect("a valid certificate");
    (ca.der().clone(), config)
}

/// Accepts TLS 1.2 on a loopback port and forwards each connection's plain bytes to `backend`;
/// the `https://` origin it listens on.
async fn tls12_terminator(backend: std::net::SocketAddr, config: ServerConfig) -> String {
    let acceptor = TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("binds loopback");
    let origin = format!("https://{}", listener.local_addr().expect("bound"));
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(stream).await else {
                    return;
                };
                assert_eq!(
                    tls.get_ref().1.protocol_version(),
                    Some(ProtocolVersion::TLSv1_2)
                );
                let Ok(mut plain) = TcpStream::connect(backend).await else {
                    return;
                };
                let _ = tokio::io::copy_bidirectional(&mut tls, &mut plain).await;
            });
        }
    });
    origin
}

#[tokio::test]
async fn default_features_complete_both_seed_calls_against_a_tls_1_2_only_server() {
    bounded(async {
        let mock = mock_builder().membership(sample_membership()).build();
        let server = mock.serve().await.expect("mock server starts on loopback");
        let (ca, config) = tls12_only_config();
        let origin = tls12_terminator(server.addr(), config).await;

        let company = client(&format!("{origin}/api"), COMPANY_KEY, |t| {
            t.add_root_certificate(ca)
                .deadline(Duration::from_secs(5))
                .pacing(PacingConfig::disabled())
        });
        let user = company.with_token(&whop_client::Token::new(USER_TOKEN).expect("valid token"));

        let cancelled = company
            .cancel_membership("mem_1")
            .await
            .expect("cancel over TLS 1.2");
        assert_eq!(cancelled.id.as_str(), "mem_1");
        assert_eq!(cancelled.cancel_at_period_end, Some(true));
        let mine = user
            .me_membership("mem_1")
            .await
            .expect("me_membership over TLS 1.2");
        assert_eq!(mine.id.as_str(), "mem_1");
        assert!(
            mock.membership("mem_1")
                .expect("seeded")
                .cancel_at_period_end
        );
    })
    .await;
}
