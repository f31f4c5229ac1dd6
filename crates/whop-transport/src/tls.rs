//! The rustls client configuration: which roots to trust, with the `ring` provider.
//!
//! The provider is chosen explicitly, so the build never depends on a process-wide default (and
//! never pulls in OpenSSL or aws-lc). Roots: Mozilla's, compiled in (feature `webpki-roots`, the
//! default), the platform's store (feature `native-roots`), plus any certificate added with
//! [`TransportBuilder::add_root_certificate`](crate::TransportBuilder::add_root_certificate).

use std::sync::Arc;

use rustls::pki_types::CertificateDer;
use rustls::{ClientConfig, RootCertStore};

use crate::error::BuildError;

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
            .with_safe_default_protocol_versions()
            .map_err(|e| BuildError::new("the TLS provider is unusable", Some(Box::new(e))))?
            .with_root_certificates(roots)
            .with_no_client_auth();
    Ok(config)
}
