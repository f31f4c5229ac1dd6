//! What can go wrong signing in, refreshing or calling an OAuth endpoint.

use std::fmt;

use crate::http_service::HttpError;

/// An OAuth error code, from the callback's `error` or an endpoint's `{"error": …}`.
///
/// Whop's list (its troubleshooting guide); any other code is kept in [`OAuthErrorCode::Other`].
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum OAuthErrorCode {
    /// A parameter is missing or malformed.
    InvalidRequest,
    /// The code or refresh token is expired, already used or revoked.
    InvalidGrant,
    /// The client is unknown or its authentication failed.
    InvalidClient,
    /// A scope is not recognised.
    InvalidScope,
    /// The token lacks a scope the endpoint needs: add it and ask for consent again.
    InsufficientScope,
    /// The user (or the account) refused.
    AccessDenied,
    /// The response type is not `code`.
    UnsupportedResponseType,
    /// The grant type is neither `authorization_code` nor `refresh_token`.
    UnsupportedGrantType,
    /// Too many requests in a short window.
    RateLimitExceeded,
    /// A code this crate does not know, as sent.
    Other(String),
}

impl OAuthErrorCode {
    /// The code as sent on the wire.
    pub fn as_str(&self) -> &str {
        match self {
            Self::InvalidRequest => "invalid_request",
            Self::InvalidGrant => "invalid_grant",
            Self::InvalidClient => "invalid_client",
            Self::InvalidScope => "invalid_scope",
            Self::InsufficientScope => "insufficient_scope",
            Self::AccessDenied => "access_denied",
            Self::UnsupportedResponseType => "unsupported_response_type",
            Self::UnsupportedGrantType => "unsupported_grant_type",
            Self::RateLimitExceeded => "rate_limit_exceeded",
            Self::Other(code) => code,
        }
    }
}

impl From<&str> for OAuthErrorCode {
    fn from(code: &str) -> Self {
        match code {
            "invalid_request" => Self::InvalidRequest,
            "invalid_grant" => Self::InvalidGrant,
            "invalid_client" => Self::InvalidClient,
            "invalid_scope" => Self::InvalidScope,
            "insufficient_scope" => Self::InsufficientScope,
            "access_denied" => Self::AccessDenied,
            "unsupported_response_type" => Self::UnsupportedResponseType,
            "unsupported_grant_type" => Self::UnsupportedGrantType,
            "rate_limit_exceeded" => Self::RateLimitExceeded,
            other => Self::Other(other.to_owned()),
        }
    }
}

impl fmt::Display for OAuthErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An error of this crate. No variant carries a token, a code or a secret.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The client is set up wrongly (a URL that does not parse, a redirect URI that is not one);
    /// nothing was sent.
    Config(String),
    /// The callback's `state` is not the one this sign-in sent: a forged or crossed redirect. The
    /// code was not exchanged.
    StateMismatch,
    /// The callback has neither `code` nor `error`.
    MissingCode,
    /// Whop redirected back with `error` (and maybe `error_description`): the user refused, or
    /// the request was wrong.
    Authorization {
        /// The `error` code.
        code: OAuthErrorCode,
        /// The `error_description`, if any.
        description: Option<String>,
    },
    /// An OAuth endpoint answered `{"error": …}`.
    Endpoint {
        /// The `error` code.
        code: OAuthErrorCode,
        /// The `error_description`, if any.
        description: Option<String>,
    },
    /// The stored grant no longer works (the refresh token was refused with `invalid_grant`, there
    /// is none, or the API refused a freshly refreshed token): the user must sign in again.
    SignInAgain {
        /// Why, in words.
        reason: String,
    },
    /// The API or `userinfo` refused the access token (401): it expired or was revoked.
    Unauthorized,
    /// No usable response arrived.
    Http(HttpError),
    /// A response arrived but is not what the endpoint should answer (its status and what was
    /// wrong; never the body, which may hold a token).
    Response {
        /// The HTTP status, when known.
        status: Option<http::StatusCode>,
        /// What was wrong.
        message: String,
    },
    /// The `id_token` did not pass its checks: the sign-in is refused.
    IdToken(crate::IdTokenError),
    /// The token store failed to save or load.
    Store(Box<dyn std::error::Error + Send + Sync>),
    /// A native app's loopback redirect failed (no callback in time, a port taken).
    #[cfg(feature = "native")]
    Native(crate::native::NativeError),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Config(message) => write!(f, "OAuth set-up: {message}"),
            Self::StateMismatch => f.write_str(
                "the sign-in callback's state does not match the one sent: the redirect was not \
                 for this sign-in, and its code was not used",
            ),
            Self::MissingCode => {
                f.write_str("the sign-in callback has neither a code nor an error")
            }
            Self::Authorization { code, description } => {
                write!(f, "sign-in refused: {code}")?;
                description.iter().try_for_each(|d| write!(f, ": {d}"))
            }
            Self::Endpoint { code, description } => {
                write!(f, "the OAuth server refused: {code}")?;
                description.iter().try_for_each(|d| write!(f, ": {d}"))
            }
            Self::SignInAgain { reason } => write!(f, "sign in again: {reason}"),
            Self::Unauthorized => f.write_str("the access token was refused (401)"),
            Self::Http(e) => e.fmt(f),
            Self::Response { status, message } => match status {
                Some(status) => write!(f, "unexpected OAuth response ({status}): {message}"),
                None => write!(f, "unexpected OAuth response: {message}"),
            },
            Self::IdToken(e) => write!(f, "sign-in refused: {e}"),
            Self::Store(e) => write!(f, "the token store failed: {e}"),
            #[cfg(feature = "native")]
            Self::Native(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Http(e) => Some(e),
            Self::IdToken(e) => Some(e),
            Self::Store(e) => Some(&**e),
            #[cfg(feature = "native")]
            Self::Native(e) => Some(e),
            _ => None,
        }
    }
}
