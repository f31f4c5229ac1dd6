//! The bearer token: a secret that never prints.
//!
//! A [`Token`] is validated once, when it is made, and turned into the `Authorization` header
//! value right away, marked [sensitive](http::HeaderValue::set_sensitive) so HTTP/2's HPACK never
//! indexes it and well-behaved loggers skip it. Every request then clones that value (a
//! reference-count bump), so no string is built per call. Its `Debug` and `Display` print
//! `Token(<redacted>)`, so a token inside a config struct cannot leak through `{:?}`.
//!
//! Where a credential must be told apart from another without being kept (pacing counts requests
//! per credential), a [`CredentialId`] stands for it: a hash that is the same in every process and
//! cannot be turned back into the token.

use std::fmt;

use bytes::Bytes;
use http::HeaderValue;

/// A bearer token (a company API key, a user OAuth token or an app-proxy JWT).
#[derive(Clone)]
pub struct Token {
    header: HeaderValue,
}

impl Token {
    /// Validates `token` and prepares its `Authorization: Bearer` header value.
    ///
    /// # Errors
    ///
    /// [`InvalidToken`] if `token` is empty, starts with `Bearer ` (the prefix is added here: pass
    /// the bare token), or contains a byte that has no place in a bearer token: whitespace, CR, LF,
    /// other control characters or non-ASCII. The error never echoes the token.
    pub fn new(token: impl Into<String>) -> Result<Self, InvalidToken> {
        let token = token.into();
        if token.is_empty() {
            return Err(InvalidToken {
                reason: Reason::Empty,
            });
        }
        if has_bearer_prefix(&token) {
            return Err(InvalidToken {
                reason: Reason::BearerPrefix,
            });
        }
        if let Some(position) = token.bytes().position(|b| !b.is_ascii_graphic()) {
            return Err(InvalidToken {
                reason: Reason::InvalidByte { position },
            });
        }
        let mut value = Vec::with_capacity("Bearer ".len() + token.len());
        value.extend_from_slice(b"Bearer ");
        value.extend_from_slice(token.as_bytes());
        let mut header =
            HeaderValue::from_maybe_shared(Bytes::from(value)).map_err(|_| InvalidToken {
                reason: Reason::InvalidByte { position: 0 },
            })?;
        header.set_sensitive(true);
        Ok(Self { header })
    }

    /// The `Authorization` header value (`Bearer <token>`), marked sensitive.
    pub fn header_value(&self) -> HeaderValue {
        self.header.clone()
    }

    /// The [`CredentialId`] of this token: the same as [`CredentialId::from_header_value`] of its
    /// [`header_value`](Self::header_value), so pacing counts a request under its token whether
    /// the token came from here or from a header set by hand.
    pub fn credential_id(&self) -> CredentialId {
        CredentialId::from_header_value(&self.header)
    }
}

/// `Bearer ` (in any case, with any whitespace after it) at the start of `token`: the whole header
/// value passed where the token alone belongs.
fn has_bearer_prefix(token: &str) -> bool {
    let bytes = token.as_bytes();
    bytes.len() > "Bearer".len()
        && bytes[.."Bearer".len()].eq_ignore_ascii_case(b"Bearer")
        && bytes["Bearer".len()].is_ascii_whitespace()
}

/// Stands for a credential where the credential itself must not be kept: 16 bytes of SHA-256 over
/// the `Authorization` header value, prefixed with a domain tag (`whop-rs pacing credential v1`),
/// so the same token gives the same ID in every process and every version of this crate that
/// keeps the tag, and the ID matches no other use of SHA-256 over the same bytes.
///
/// Pacing keys its windows on it, in memory and in a shared store across processes: the token
/// never reaches pacing state, a key name or a log. Debug and Display print 32 hex digits.
/// Recovering a token from its ID means guessing the token: hopeless for a random API key.
///
/// ```
/// use whop_transport::{CredentialId, Token};
///
/// let token = Token::new("sk_live_abc")?;
/// let id = token.credential_id();
/// assert_eq!(id, CredentialId::from_header_value(&token.header_value()));
/// assert_eq!(id.to_string().len(), 32);
/// assert!(!format!("{id:?}").contains("sk_live"));
/// # Ok::<(), whop_transport::InvalidToken>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CredentialId([u8; 16]);

impl CredentialId {
    /// The domain tag hashed before the header value. Changing it changes every ID.
    const DOMAIN: &'static [u8] = b"whop-rs pacing credential v1\0";

    /// The ID of the credential sent as `value` in an `Authorization` header (`Bearer <token>`).
    pub fn from_header_value(value: &HeaderValue) -> Self {
        let mut context = ring::digest::Context::new(&ring::digest::SHA256);
        context.update(Self::DOMAIN);
        context.update(value.as_bytes());
        let digest = context.finish();
        let mut id = [0; 16];
        id.copy_from_slice(&digest.as_ref()[..16]);
        Self(id)
    }

    /// The 16 bytes.
    pub fn as_bytes(&self) -> &[u8; 16] {
        &self.0
    }
}

impl fmt::Display for CredentialId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.iter().try_for_each(|byte| write!(f, "{byte:02x}"))
    }
}

impl fmt::Debug for CredentialId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CredentialId({self})")
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(<redacted>)")
    }
}

impl fmt::Display for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// Why [`Token::new`] refused a token. Never contains the token itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvalidToken {
    reason: Reason,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Reason {
    Empty,
    BearerPrefix,
    InvalidByte { position: usize },
}

impl fmt::Display for InvalidToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.reason {
            Reason::Empty => f.write_str("the token is empty"),
            Reason::BearerPrefix => f.write_str(
                "the token starts with `Bearer `, which is added for you: pass the bare token",
            ),
            Reason::InvalidByte { position } => write!(
                f,
                "the token contains whitespace, a control character or non-ASCII at byte {position}"
            ),
        }
    }
}

impl std::error::Error for InvalidToken {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_header_is_bearer_and_sensitive() {
        let token = Token::new("sk_live_abc").expect("valid token");
        let value = token.header_value();
        assert_eq!(value, "Bearer sk_live_abc");
        assert!(value.is_sensitive());
    }

    #[test]
    fn token_refuses_empty_crlf_control_whitespace_and_non_ascii() {
        for bad in ["", "a\r\nb", "a\nb", "a\0b", "a b", "a\tb", "\x7f", "é"] {
            let err = Token::new(bad).expect_err(bad);
            assert!(!err.to_string().contains(bad) || bad.is_empty());
        }
    }

    #[test]
    fn a_token_with_the_bearer_prefix_is_refused_with_a_hint_to_pass_the_bare_token() {
        for with_prefix in [
            "Bearer sk_live_abc",
            "bearer sk_live_abc",
            "BEARER\tsk_live_abc",
        ] {
            let err = Token::new(with_prefix).expect_err(with_prefix);
            assert_eq!(
                err.to_string(),
                "the token starts with `Bearer `, which is added for you: pass the bare token"
            );
        }
        assert!(Token::new("Bearer_sk_live_abc").is_ok());
        assert!(Token::new("Bearer").is_ok());
    }

    #[test]
    fn token_debug_and_display_are_redacted() {
        let token = Token::new("sk_live_secret").expect("valid token");
        assert_eq!(format!("{token:?}"), "Token(<redacted>)");
        assert_eq!(token.to_string(), "<redacted>");
        assert!(!format!("{:?}", token.header_value()).contains("secret"));
    }

    #[test]
    fn credential_id_of_a_token_is_the_id_of_its_header_value() {
        let token = Token::new("sk_live_abc").expect("valid token");
        let by_hand = HeaderValue::from_static("Bearer sk_live_abc");
        assert_eq!(
            token.credential_id(),
            CredentialId::from_header_value(&by_hand)
        );
        let other = Token::new("sk_live_abd").expect("valid token");
        assert_ne!(token.credential_id(), other.credential_id());
    }

    #[test]
    fn credential_id_is_stable_across_processes_and_versions() {
        // Pinned: a shared pacing store keys on these bytes across processes (and deployments of
        // different builds). A change here splits every credential's window in two.
        let token = Token::new("sk_live_abc").expect("valid token");
        let id = token.credential_id();
        assert_eq!(id.to_string(), PINNED_SK_LIVE_ABC);
        assert_eq!(
            format!("{id:?}"),
            format!("CredentialId({PINNED_SK_LIVE_ABC})")
        );
    }

    // SHA-256("whop-rs pacing credential v1\0Bearer sk_live_abc")[..16], computed with Python's hashlib.
    const PINNED_SK_LIVE_ABC: &str = "422a76b901e741e1f6c0cfd440484419";

    #[test]
    fn credential_id_prints_no_token_bytes() {
        let token = Token::new("sk_live_secret_0123456789").expect("valid token");
        let id = token.credential_id();
        for shown in [format!("{id:?}"), id.to_string()] {
            assert!(!shown.contains("secret"), "{shown}");
            assert!(!shown.contains("sk_live"), "{shown}");
            // Not the token in hex either.
            let token_hex: String = b"sk_live".iter().map(|b| format!("{b:02x}")).collect();
            assert!(!shown.contains(&token_hex), "{shown}");
        }
        // Only a truncated digest: 16 bytes, whatever the token's length.
        assert_eq!(id.as_bytes().len(), 16);
    }
}
