//! The rustls client configuration: which roots to trust, with the `ring` provider.
//!
//! The provider is chosen explicitly, so the build never depends on a process-wide default (and
//! never pulls in OpenSSL or aws-lc). Roots: Mozilla's, compiled in (feature `webpki-roots`, the
//! default), the platform's store (feature `native-roots`), plus any certificate added with
//! [`TransportBuilder::add_root_certificate`](crate::TransportBuilder::add_root_certificate).
//!
//! Versions: TLS 1.3 only by default (api.whop.com speaks it), TLS 1.3 and 1.2 with the `tls12`
//! feature, for a proxy that intercepts TLS and speaks only 1.2. The list is explicit rather than
//! rustls's safe defaults, which offer TLS 1.2 whenever any crate in the build turns on rustls's
//! own `tls12` feature: what the client offers follows this crate's features alone.

use std::sync::Arc;

use rustls::pki_types::CertificateDer;
use rustls::{ClientConfig, RootCertStore, SupportedProtocolVersion};

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
    let config =
        ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .with_protocol_versions(PROTOCOL_VERSIONS)
            .map_err(|e| BuildError::new("the TLS provider is unusable", Some(Box::new(e))))?
            .with_root_certificates(roots)
            .with_no_client_auth();
    Ok(config)
}

#[cfg(test)]
mod tests {
    use rustls::ProtocolVersion;

    use super::PROTOCOL_VERSIONS;

    #[test]
    fn offers_tls_1_3_and_tls_1_2_only_with_the_tls12_feature() {
        let offered: Vec<ProtocolVersion> = PROTOCOL_VERSIONS.iter().map(|v| v.version).collect();
        let expected = if cfg!(feature = "tls12") {
            vec![ProtocolVersion::TLSv1_3, ProtocolVersion::TLSv1_2]
        } else {
            vec![ProtocolVersion::TLSv1_3]
        };
        assert_eq!(offered, expected);
    }
}
