//! PKCE with `S256` (RFC 7636): the only method Whop, and OAuth 2.1, accept.

use base64::Engine as _;
use sha2::{Digest, Sha256};

/// Whether `challenge` can be an S256 challenge: 43 characters of unpadded base64url (a SHA-256
/// digest's encoding).
pub(crate) fn is_code_challenge(challenge: &str) -> bool {
    challenge.len() == 43
        && challenge
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Whether `verifier` is well formed (43 to 128 unreserved characters, RFC 7636 §4.1).
pub(crate) fn is_code_verifier(verifier: &str) -> bool {
    (43..=128).contains(&verifier.len())
        && verifier
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
}

/// The S256 challenge of `verifier`.
pub(crate) fn challenge_of(verifier: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}
