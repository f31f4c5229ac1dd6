//! [`Secret`]: the webhook signing secret, and the key bytes each scheme derives from it.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD_PAD_INDIFFERENT;

/// The prefix of a Standard Webhooks secret, whose rest is the base64 of the key.
pub const STANDARD_SECRET_PREFIX: &str = "whsec_";

/// A webhook signing secret. Its `Debug` output never shows it.
///
/// # The secret-encoding pitfall
///
/// Whop shows a webhook secret in its dashboard (`ws_…`). Both of Whop's schemes key the
/// HMAC with **the raw bytes of that string**, exactly as shown. Standard Webhooks libraries do
/// something else: they expect a secret written `whsec_<base64>` and **base64-decode** it (after
/// stripping `whsec_`) to get the key. Give such a library Whop's `ws_…` secret as is and every
/// signature fails; Whop's own docs work around it by passing `btoa(secret)`, so that the library's
/// decoding gives back the raw bytes.
///
/// [`Secret::new`] does the right thing for both kinds of secret: a secret that starts with
/// `whsec_` is base64-decoded after the prefix (it was written for a Standard Webhooks library),
/// any other is used as its raw bytes (Whop's `ws_…`). The legacy `X-Whop-Signature` scheme always
/// uses the raw bytes, as Whop's legacy docs do.
///
/// ```
/// use whop_webhooks::Secret;
///
/// let secret = Secret::new("ws_4f9a1c0e2b7d")?;
/// assert_eq!(format!("{secret:?}"), "Secret(<redacted>)");
/// # Ok::<(), whop_webhooks::SecretError>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Secret {
    /// The secret exactly as given: the legacy scheme's key.
    raw: Vec<u8>,
    /// The Standard Webhooks key: `raw`, or the base64-decoded rest of a `whsec_` secret.
    standard: Vec<u8>,
}

impl Secret {
    /// Reads a secret as Whop's dashboard shows it (`ws_…`), or a Standard Webhooks `whsec_…`
    /// secret. See [`Secret`] for how each becomes a key, and why.
    ///
    /// Surrounding whitespace is not trimmed: it would be part of the key.
    ///
    /// # Errors
    ///
    /// [`SecretError::Empty`] for an empty secret, or a `whsec_` secret with nothing after the
    /// prefix; [`SecretError::InvalidBase64`] for a `whsec_` secret whose rest is not base64.
    pub fn new(secret: impl AsRef<str>) -> Result<Self, SecretError> {
        let secret = secret.as_ref();
        if secret.is_empty() {
            return Err(SecretError::Empty);
        }
        let standard = match secret.strip_prefix(STANDARD_SECRET_PREFIX) {
            Some(encoded) => {
                let key = STANDARD_PAD_INDIFFERENT
                    .decode(encoded)
                    .map_err(|_| SecretError::InvalidBase64)?;
                if key.is_empty() {
                    return Err(SecretError::Empty);
                }
                key
            }
            None => secret.as_bytes().to_vec(),
        };
        Ok(Self {
            raw: secret.as_bytes().to_vec(),
            standard,
        })
    }

    /// A secret that is already the key bytes, for both schemes (no `whsec_` handling).
    ///
    /// # Errors
    ///
    /// [`SecretError::Empty`] for an empty key.
    pub fn from_key_bytes(key: impl Into<Vec<u8>>) -> Result<Self, SecretError> {
        let key = key.into();
        if key.is_empty() {
            return Err(SecretError::Empty);
        }
        Ok(Self {
            raw: key.clone(),
            standard: key,
        })
    }

    /// The HMAC key of the legacy `X-Whop-Signature` scheme: the secret's raw bytes.
    pub(crate) fn legacy_key(&self) -> &[u8] {
        &self.raw
    }

    /// The HMAC key of the Standard Webhooks scheme.
    pub(crate) fn standard_key(&self) -> &[u8] {
        &self.standard
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

/// A secret was refused by [`Secret::new`]. Never contains the secret.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SecretError {
    /// The secret (or the key after `whsec_`) is empty: every signature would be forgeable.
    Empty,
    /// The secret starts with `whsec_` but the rest is not base64.
    InvalidBase64,
}

impl fmt::Display for SecretError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Empty => f.write_str("the webhook secret is empty"),
            Self::InvalidBase64 => f.write_str(
                "the webhook secret starts with `whsec_` but the rest is not base64 \
                 (a Whop dashboard secret starts with `ws_` and is used as is)",
            ),
        }
    }
}

impl std::error::Error for SecretError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_whop_secret_is_its_own_raw_bytes_for_both_schemes() {
        let secret = Secret::new("ws_abc").unwrap();
        assert_eq!(secret.legacy_key(), b"ws_abc");
        assert_eq!(secret.standard_key(), b"ws_abc");
    }

    #[test]
    fn a_whsec_secret_is_base64_decoded_for_standard_webhooks_only() {
        // base64 of "key bytes" is "a2V5IGJ5dGVz".
        let secret = Secret::new("whsec_a2V5IGJ5dGVz").unwrap();
        assert_eq!(secret.standard_key(), b"key bytes");
        assert_eq!(secret.legacy_key(), b"whsec_a2V5IGJ5dGVz");
    }

    #[test]
    fn empty_and_undecodable_secrets_are_refused() {
        assert_eq!(Secret::new(""), Err(SecretError::Empty));
        assert_eq!(Secret::new("whsec_"), Err(SecretError::Empty));
        assert_eq!(Secret::new("whsec_!!!"), Err(SecretError::InvalidBase64));
        assert_eq!(Secret::from_key_bytes(Vec::new()), Err(SecretError::Empty));
    }

    #[test]
    fn debug_never_shows_the_secret() {
        let secret = Secret::new("ws_do_not_print").unwrap();
        assert!(!format!("{secret:?}").contains("do_not_print"));
    }
}
