//! Signing: the headers a delivery would carry, to test a receiver by hand or in a test suite.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use http::{HeaderMap, HeaderValue};

use crate::Scheme;
use crate::mac;
use crate::secret::Secret;
use crate::verify::{
    LEGACY_SIGNATURE, MAX_ID_LEN, WEBHOOK_ID, WEBHOOK_SIGNATURE, WEBHOOK_TIMESTAMP,
};

/// The `X-Whop-Signature` value of a legacy delivery: `t=<timestamp>,v1=<hex HMAC-SHA256>`.
///
/// ```
/// use whop_webhooks::{Secret, sign_legacy};
///
/// let secret = Secret::new("ws_test_secret")?;
/// let header = sign_legacy(&secret, 1_700_000_000, b"{}");
/// assert!(header.starts_with("t=1700000000,v1="));
/// # Ok::<(), whop_webhooks::SecretError>(())
/// ```
pub fn sign_legacy(secret: &Secret, timestamp: u64, body: &[u8]) -> String {
    let timestamp = timestamp.to_string();
    let signature = mac::finish(mac::legacy(secret.legacy_key(), &timestamp, body));
    format!("t={timestamp},v1={}", mac::to_hex(&signature))
}

/// The `webhook-signature` value of a Standard Webhooks delivery: `v1,<base64 HMAC-SHA256>`.
///
/// # Errors
///
/// [`SignError`] if `id` could not be sent as a `webhook-id` (empty, longer than 256 bytes,
/// containing `.` or anything but visible ASCII).
pub fn sign_standard(
    secret: &Secret,
    id: &str,
    timestamp: u64,
    body: &[u8],
) -> Result<String, SignError> {
    check_id(id)?;
    let signature = mac::finish(mac::standard(
        secret.standard_key(),
        id,
        &timestamp.to_string(),
        body,
    ));
    Ok(format!("v1,{}", STANDARD.encode(signature)))
}

/// Every header a delivery signed with `scheme` carries: `x-whop-signature` for
/// [`Scheme::Legacy`]; `webhook-id`, `webhook-timestamp` and `webhook-signature` for
/// [`Scheme::Standard`] (which needs `id`; the legacy scheme ignores it).
///
/// ```
/// use whop_webhooks::{Scheme, Secret, Verifier, signed_headers};
/// use std::time::{Duration, UNIX_EPOCH};
///
/// let secret = Secret::new("ws_test_secret")?;
/// let body = br#"{"action":"membership.went_valid","data":{"id":"mem_1"}}"#;
/// let headers = signed_headers(&secret, Scheme::Legacy, None, 1_700_000_000, body)?;
/// let now = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
/// assert!(Verifier::new(secret).verify_at(&headers, body, now).is_ok());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// [`SignError`] for a Standard Webhooks delivery without an `id`, or with one that
/// [`sign_standard`] refuses.
pub fn signed_headers(
    secret: &Secret,
    scheme: Scheme,
    id: Option<&str>,
    timestamp: u64,
    body: &[u8],
) -> Result<HeaderMap, SignError> {
    let mut headers = HeaderMap::new();
    match scheme {
        Scheme::Legacy => {
            headers.insert(
                LEGACY_SIGNATURE,
                ascii(sign_legacy(secret, timestamp, body)),
            );
        }
        Scheme::Standard => {
            let id = id.ok_or(SignError::MissingId)?;
            let signature = sign_standard(secret, id, timestamp, body)?;
            headers.insert(WEBHOOK_ID, ascii(id.to_owned()));
            headers.insert(WEBHOOK_TIMESTAMP, HeaderValue::from(timestamp));
            headers.insert(WEBHOOK_SIGNATURE, ascii(signature));
        }
    }
    Ok(headers)
}

/// A header value from text this module built (digits, hex, base64, and a checked ID).
fn ascii(text: String) -> HeaderValue {
    HeaderValue::try_from(text).expect("signatures and checked IDs are visible ASCII")
}

fn check_id(id: &str) -> Result<(), SignError> {
    let reason = if id.is_empty() {
        "it is empty"
    } else if id.len() > MAX_ID_LEN {
        "it is longer than 256 bytes"
    } else if id.contains('.') {
        "it contains `.`, which the signed content uses as a separator"
    } else if !id.bytes().all(|b| b.is_ascii_graphic()) {
        "it holds characters other than visible ASCII"
    } else {
        return Ok(());
    };
    Err(SignError::InvalidId { reason })
}

/// A delivery could not be signed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SignError {
    /// A Standard Webhooks delivery needs a message ID.
    MissingId,
    /// The message ID cannot be sent as a `webhook-id`.
    InvalidId {
        /// What is wrong with it.
        reason: &'static str,
    },
}

impl fmt::Display for SignError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MissingId => f.write_str("a Standard Webhooks delivery needs a message ID"),
            Self::InvalidId { reason } => write!(f, "invalid webhook ID: {reason}"),
        }
    }
}

impl std::error::Error for SignError {}
