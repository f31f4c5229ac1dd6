//! The rustls client configuration: which roots to trust, with the `ring` provider.
//!
//! The provider is chosen explicitly, so the build never depends on a process-wide default (and
//! never pulls in OpenSSL or aws-lc). Roots: Mozilla's, compiled in (feature `webpki-roots`, the
//! default), the platform's store (feature `native-roots`), plus any certificate added with
//! [`TransportBuilder::add_root_certificate`](crate::TransportBuilder::add_root_certificate).
//!
//! Versions: TLS 1.3 and TLS 1.2 by default (feature `tls12`, on by default), so a proxy that
//! intercepts TLS and speaks only TLS 1.2 is reached as rustls and browsers reach it; TLS 1.3 only
//! without it (`default-features = false`), 116 kB smaller. The list is explicit rather than
//! rustls's safe defaults, which offer TLS 1.2 whenever any crate in the build turns on rustls's
//! own `tls12` feature: what the client offers follows this crate's features alone. A handshake
//! that fails because the two sides share no version says so in words ([`VersionMismatch`]).
//!
//! The provider's deprecation: rustls 0.23.48 deprecates `crypto::ring::default_provider` because *ring* has no
//! post-quantum key exchange, and names no other way to get the *ring* provider (its alternative
//! is aws-lc-rs, a C library with a far longer cold build). The deprecation is allowed at the one
//! call, [`ring_provider`].

use std::error::Error as StdError;
use std::fmt;
use std::sync::Arc;

use rustls::crypto::CryptoProvider;
use rustls::pki_types::CertificateDer;
use rustls::{
    AlertDescription, ClientConfig, PeerIncompatible, RootCertStore, SupportedProtocolVersion,
};
use tower::BoxError;

use crate::error::BuildError;

/// The TLS versions the client offers, the most preferred first.
#[cfg(not(feature = "tls12"))]
const PROTOCOL_VERSIONS: &[&SupportedProtocolVersion] = &[&rustls::version::TLS13];
#[cfg(feature = "tls12")]
const PROTOCOL_VERSIONS: &[&SupportedProtocolVersion] =
    &[&rustls::version::TLS13, &rustls::version::TLS12];

pub(crate) fn client_config(
    extra_roots: &[CertificateDer<'static>],
) -> Result<ClientConfig, BuildError> {
    #[allow(unused_mut)] // unused when neither root feature is enabled
    let mut roots = RootCertStore::empty();
    #[cfg(feature = "webpki-roots")]
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    #[cfg(feature = "native-roots")]
    {
        let loaded = rustls_native_certs::load_native_certs();
        if !loaded.errors.is_empty() {
            tracing::warn!(
                errors = loaded.errors.len(),
                "some native root certificates failed to load"
            );
        }
        // Individual unparsable platform certificates are skipped, as browsers do.
        let (_added, _ignored) = roots.add_parsable_certificates(loaded.certs);
    }
    for der in extra_roots {
        roots.add(der.clone()).map_err(|e| {
            BuildError::new("an added root certificate is invalid", Some(Box::new(e)))
        })?;
    }
    if roots.is_empty() {
        return Err(BuildError::new(
            "no root certificates: enable the webpki-roots or native-roots feature, or add one",
            None,
        ));
    }
    let config = ClientConfig::builder_with_provider(Arc::new(ring_provider()))
        .with_protocol_versions(PROTOCOL_VERSIONS)
        .map_err(|e| BuildError::new("the TLS provider is unusable", Some(Box::new(e))))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(config)
}

/// rustls's *ring* provider: chosen explicitly, never the process-wide default (see the module
/// docs for why its deprecation is allowed here).
#[allow(deprecated)]
fn ring_provider() -> CryptoProvider {
    rustls::crypto::ring::default_provider()
}

/// A handshake that failed because the server and this client share no TLS version: what each
/// side offered, in words, and which feature changes it. The source of an
/// [`ErrorKind::Tls`](crate::ErrorKind::Tls) error, whose `Display` includes it.
#[derive(Debug)]
pub(crate) struct VersionMismatch {
    server: ServerOffer,
    client_offers_tls12: bool,
    source: BoxError,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ServerOffer {
    /// The server refused the client's hello (a `protocol_version` alert): what it speaks is not
    /// known, only that it is none of the client's versions.
    NoneOfOurs,
    /// The server chose TLS 1.2, which the client does not offer.
    Tls12,
    /// The server chose TLS 1.1 or older, which rustls does not implement.
    Older,
}

impl VersionMismatch {
    /// The mismatch when `tls` is a version failure; `source` is the whole error it was found
    /// in, handed back when it is not.
    pub(crate) fn of(tls: &rustls::Error, source: BoxError) -> Result<Self, BoxError> {
        let server = match tls {
            rustls::Error::AlertReceived(AlertDescription::ProtocolVersion) => {
                ServerOffer::NoneOfOurs
            }
            rustls::Error::PeerIncompatible(
                PeerIncompatible::ServerTlsVersionIsDisabledByOurConfig,
            ) => ServerOffer::Tls12,
            rustls::Error::PeerIncompatible(PeerIncompatible::ServerDoesNotSupportTls12Or13) => {
                ServerOffer::Older
            }
            _ => return Err(source),
        };
        Ok(Self {
            server,
            client_offers_tls12: cfg!(feature = "tls12"),
            source,
        })
    }
}

impl fmt::Display for VersionMismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let client = if self.client_offers_tls12 {
            "this client offers TLS 1.3 and TLS 1.2"
        } else {
            "this client offers TLS 1.3 only, because whop-transport's `tls12` feature is off"
        };
        let upgrade = "rustls implements nothing older, so the server must be upgraded";
        let turn_on = "turn on the `tls12` feature (of whop-transport or whop-client, on by \
                       default in both) to offer TLS 1.2 as well";
        match (self.server, self.client_offers_tls12) {
            (ServerOffer::NoneOfOurs, false) => write!(
                f,
                "the server refused every TLS version this client offers: {client}; the server \
                 likely speaks only TLS 1.2, as many TLS-intercepting proxies do: {turn_on}"
            ),
            (ServerOffer::NoneOfOurs, true) => write!(
                f,
                "the server refused every TLS version this client offers: {client}; the server \
                 likely speaks only TLS 1.1 or older: {upgrade}"
            ),
            (ServerOffer::Tls12, _) => {
                write!(f, "the server offered only TLS 1.2; {client}: {turn_on}")
            }
            (ServerOffer::Older, _) => {
                write!(
                    f,
                    "the server offered only TLS 1.1 or older; {client}: {upgrade}"
                )
            }
        }
    }
}

impl StdError for VersionMismatch {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        Some(&*self.source)
    }
}

#[cfg(test)]
mod tests {
    use rustls::ProtocolVersion;

    use super::*;

    #[test]
    fn offers_tls_1_3_and_tls_1_2_with_the_tls12_feature_and_tls_1_3_alone_without() {
        let offered: Vec<ProtocolVersion> = PROTOCOL_VERSIONS.iter().map(|v| v.version).collect();
        let expected = if cfg!(feature = "tls12") {
            vec![ProtocolVersion::TLSv1_3, ProtocolVersion::TLSv1_2]
        } else {
            vec![ProtocolVersion::TLSv1_3]
        };
        assert_eq!(offered, expected);
    }

    fn mismatch(tls: rustls::Error, client_offers_tls12: bool) -> String {
        let mut mismatch =
            VersionMismatch::of(&tls, Box::new(tls.clone())).expect("a version failure");
        mismatch.client_offers_tls12 = client_offers_tls12;
        mismatch.to_string()
    }

    #[test]
    fn a_version_failure_says_what_each_side_offered_and_which_feature_changes_it() {
        let refused = rustls::Error::AlertReceived(AlertDescription::ProtocolVersion);
        let chose_tls12 = rustls::Error::PeerIncompatible(
            PeerIncompatible::ServerTlsVersionIsDisabledByOurConfig,
        );
        let chose_older =
            rustls::Error::PeerIncompatible(PeerIncompatible::ServerDoesNotSupportTls12Or13);
        let cases = [
            (
                &refused,
                false,
                "the server refused every TLS version this client offers: this client offers \
                 TLS 1.3 only, because whop-transport's `tls12` feature is off; the server likely \
                 speaks only TLS 1.2, as many TLS-intercepting proxies do: turn on the `tls12` \
                 feature (of whop-transport or whop-client, on by default in both) to offer \
                 TLS 1.2 as well",
            ),
            (
                &refused,
                true,
                "the server refused every TLS version this client offers: this client offers \
                 TLS 1.3 and TLS 1.2; the server likely speaks only TLS 1.1 or older: rustls \
                 implements nothing older, so the server must be upgraded",
            ),
            (
                &chose_tls12,
                false,
                "the server offered only TLS 1.2; this client offers TLS 1.3 only, because \
                 whop-transport's `tls12` feature is off: turn on the `tls12` feature (of \
                 whop-transport or whop-client, on by default in both) to offer TLS 1.2 as well",
            ),
            (
                &chose_older,
                true,
                "the server offered only TLS 1.1 or older; this client offers TLS 1.3 and \
                 TLS 1.2: rustls implements nothing older, so the server must be upgraded",
            ),
        ];
        for (tls, offers_tls12, expected) in cases {
            assert_eq!(mismatch(tls.clone(), offers_tls12), expected, "{tls:?}");
        }
    }

    #[test]
    fn other_tls_failures_are_not_version_failures() {
        for tls in [
            rustls::Error::AlertReceived(AlertDescription::HandshakeFailure),
            rustls::Error::PeerIncompatible(PeerIncompatible::NoCipherSuitesInCommon),
        ] {
            assert!(VersionMismatch::of(&tls, Box::new(tls.clone())).is_err());
        }
    }
}
