//! The bearer token: a secret that never prints.
//!
//! A [`Token`] is validated once, when it is made, and turned into the `Authorization` header
//! value right away, marked [sensitive](http::HeaderValue::set_sensitive) so HTTP/2's HPACK never
//! indexes it and well-behaved loggers skip it. Every request then clones that value (a
//! reference-count bump), so no string is built per call. Its `Debug` and `Display` print
//! `Token(<redacted>)`, so a token inside a config struct cannot leak through `{:?}`.

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
    /// [`InvalidToken`] if `token` is empty or contains a byte that has no place in a bearer token:
    /// whitespace, CR, LF, other control characters or non-ASCII. The error never echoes the token.
    pub fn new(token: impl Into<String>) -> Result<Self, InvalidToken> {
        let token = token.into();
        if token.is_empty() {
            return Err(InvalidToken {
                reason: Reason::Empty,
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
    InvalidByte { position: usize },
}

impl fmt::Display for InvalidToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.reason {
            Reason::Empty => f.write_str("the token is empty"),
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
    fn token_debug_and_display_are_redacted() {
        let token = Token::new("sk_live_secret").expect("valid token");
        assert_eq!(format!("{token:?}"), "Token(<redacted>)");
        assert_eq!(token.to_string(), "<redacted>");
        assert!(!format!("{:?}", token.header_value()).contains("secret"));
    }
}
