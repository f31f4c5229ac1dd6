//! A client with whop-client's default features against a server that speaks only TLS 1.2 (as an
//! office's TLS-intercepting proxy may): both seed calls complete.
//!
//! The server is whop-mock on loopback behind a TLS terminator that offers TLS 1.2 alone, with a
//! private CA the client is told to trust.

use std::sync::Arc;
use std::time::Duration;

use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::{ProtocolVersion, ServerConfig, version};
use whop_client::PacingConfig;
use whop_test_server::TestCertificate;
use whop_tests::{COMPANY_KEY, USER_TOKEN, bounded, client, mock_builder, sample_membership};

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
        let certificate = TestCertificate::new();
        let origin =
            tls12_terminator(server.addr(), certificate.server_config(&[&version::TLS12])).await;
        let ca = certificate.ca().clone();

        let company = client(&format!("{origin}/api"), COMPANY_KEY, |t| {
            t.add_root_certificate(ca)
                .deadline(Duration::from_secs(5))
                .pacing(PacingConfig::disabled())
        });
        let user = company.with_token(&whop_client::Token::new(USER_TOKEN).expect("valid token"));

        let cancelled = company
            .legacy()
            .cancel_membership("mem_1")
            .await
            .expect("cancel over TLS 1.2");
        assert_eq!(cancelled.id.as_str(), "mem_1");
        assert_eq!(cancelled.cancel_at_period_end, Some(true));
        let mine = user
            .legacy()
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
