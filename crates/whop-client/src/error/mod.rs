//! The one error type of the client, and what each case tells the caller.
//!
//! A caller needs to know three things when a call fails: whether to fix its input, whether to try
//! again, and (for a cancel) whether the action took place. [`Error`] answers all three:
//!
//! | variant | sent? | [`Error::applied`] |
//! | --- | --- | --- |
//! | [`Error::InvalidInput`] | never | [`Applied::No`] |
//! | [`Error::Transport`] / [`Error::Timeout`] | [`Error::request_sent`] says | `No` if never sent, else `Maybe` |
//! | [`Error::Api`] | yes, refused | `No` for 4xx, `Maybe` for 5xx |
//! | [`Error::Decode`] | yes, accepted | [`Applied::Yes`]: the API said yes, the body did not decode |
//! | [`Error::Retired`] | yes, to a legacy v2 route that is gone | [`Applied::No`] |
//! | [`Error::Unconfirmed`] | yes, accepted | [`Applied::Maybe`]: the answer shows the purpose unmet |
//!
//! A read (a `GET`, such as [`Legacy::me_membership`](crate::legacy::Legacy::me_membership)) changes
//! nothing, so its errors always answer [`Applied::No`], and a read whose body did not decode says
//! that nothing changed.
//!
//! # Errors never show a license key or a token
//!
//! Errors get logged (`{error}`, `{error:?}`), and a response body can hold secrets: a membership
//! carries its `license_key`, Whop's 404 names the key it was asked for ("No such Resource found
//! with the provided ID: …"), a gateway's HTML page may echo the requested path. So no error's
//! `Display` or `Debug` shows them:
//!
//! - `Debug` shows a body's length, never the body (as [`Response`](crate::Response)'s does);
//! - `Display` shows the start of the body only redacted: in JSON, the value of every secret field
//!   (any field named like `key`, `license_key`, `token`, `access_token`, `refresh_token`,
//!   `secret`, `client_secret`, `password`, `authorization`) in any object at any depth is
//!   replaced by `[redacted]`; in every text shown (JSON string values, a body that is not JSON,
//!   the API's message), so are what follows "provided ID:" and every word that looks like a
//!   credential: letters mixed with digits over 8 characters or more, any word of 20 or more, or
//!   a license key's shape (groups of capitals and digits joined by `-`). Whop's object IDs
//!   (`mem_…`, `user_…`, `plan_…`, ...) are shown: they name objects and open nothing.
//!
//! The rule errs towards hiding: a date or a long word in a gateway page may show as
//! `[redacted]`. The unredacted body and message stay reachable on purpose, through
//! [`ApiError::body`], [`ApiError::message`] and [`DecodeError::body`]: take care where those end
//! up. The decoded models' own `Debug` redacts their license keys (raw JSON fields such as
//! `metadata` are shown as they are).
//!
//! serde_json's message quotes a string that sits where another type belongs (`invalid type:
//! string "…", expected a boolean`). [`DecodeError`]'s `Display` and `Debug` redact it like any
//! text, and the decoder's own error is kept out of the `source()` chain (a logger that prints
//! the chain would print it as it is); it stays reachable through [`DecodeError::decode_error`].

mod redact;
#[cfg(test)]
mod redaction_tests;
mod response;
mod retired;
mod transport;

use std::error::Error as StdError;
use std::fmt;
use std::time::Duration;

use http::StatusCode;
use whop_transport::{ErrorKind as TransportErrorKind, InvalidBaseUrl, InvalidToken, RequestSent};

/// A boxed error from any transport.
pub type BoxError = Box<dyn StdError + Send + Sync + 'static>;

/// What became of the action a failed call asked for (for a cancel: is the membership now set to
/// cancel at period end?). A read has no action: its errors are always [`Applied::No`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Applied {
    /// The action did not happen: the request was never sent, or the API refused it.
    No,
    /// The action may have happened: the request left, and no answer (or a 5xx) came back.
    /// Retrying a cancel is safe: cancelling twice is the same as once. A terminate is not
    /// retried for you: look the membership up to see whether it ended.
    Maybe,
    /// The action happened: the API answered with success, though its body could not be decoded.
    Yes,
}

/// Everything that can go wrong in a call.
///
/// Marked `#[non_exhaustive]`: match the cases you handle and keep a `_` arm.
///
/// # No license key or token in what an error shows
///
/// An error's `Display` and `Debug` (and those of its [`source`](StdError::source) chain) never
/// show a license key or a token from the response body, so `{error}` can be logged. `Debug`
/// shows a body's length, not the body. `Display` shows the start of the body redacted: in JSON,
/// the value of every field named like a secret (`key`, `license_key`, `token`, `access_token`,
/// `refresh_token`, `secret`, `client_secret`, `password`, `authorization`, at any depth) is
/// `[redacted]`; in any text shown (JSON strings, a body that is not JSON, the API's message),
/// so are what follows Whop's "provided ID:" and every word that looks like a credential. Whop's
/// object IDs (`mem_…`, `user_…`, ...) stay. The raw body and message are there on purpose, and
/// unredacted: [`ApiError::body`], [`ApiError::message`], [`DecodeError::body`].
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The input was refused before anything was sent (an empty ID, a bad base URL, ...).
    InvalidInput(InvalidInput),
    /// The transport failed: no connection, TLS, a connection dropped, a body over the size cap.
    Transport(TransportError),
    /// A per-attempt timeout or the call's overall deadline ran out.
    Timeout(TransportError),
    /// The API answered with a status other than success.
    Api(Box<ApiError>),
    /// The API answered with success, but the body did not decode into the expected type.
    Decode(Box<DecodeError>),
    /// A legacy v2 route answered as a route that is gone: Whop retired API v2 on 2026-11-13.
    /// The message names the Current API call to use; [`is_not_found`](Self::is_not_found) is
    /// `false`. When it is told from "no such membership": see [`Retired`].
    Retired(Box<Retired>),
    /// The API answered a write with success, but its answer shows the call's purpose was not
    /// met (a license reset that left the binding): see [`Unconfirmed`].
    Unconfirmed(Box<Unconfirmed>),
}

impl Error {
    /// Whether the request may have reached the server.
    pub fn request_sent(&self) -> RequestSent {
        match self {
            Error::InvalidInput(_) => RequestSent::NotSent,
            Error::Transport(e) | Error::Timeout(e) => e.request_sent(),
            Error::Api(_) | Error::Decode(_) | Error::Retired(_) | Error::Unconfirmed(_) => {
                RequestSent::MaybeSent
            }
        }
    }

    /// Whether the action the call asked for took place. See [`Applied`].
    pub fn applied(&self) -> Applied {
        match self {
            Error::InvalidInput(_) => Applied::No,
            Error::Transport(e) | Error::Timeout(e) => match e.request_sent() {
                _ if !e.side_effect => Applied::No,
                RequestSent::NotSent => Applied::No,
                _ => Applied::Maybe,
            },
            Error::Api(e) if e.side_effect && e.status().is_server_error() => Applied::Maybe,
            Error::Api(_) => Applied::No,
            Error::Decode(e) if e.side_effect => Applied::Yes,
            Error::Decode(_) | Error::Retired(_) => Applied::No,
            Error::Unconfirmed(_) => Applied::Maybe,
        }
    }

    /// The HTTP status the API answered with, if it answered.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(e) => Some(e.status()),
            Error::Decode(e) => Some(e.status()),
            Error::Retired(e) => Some(e.status()),
            _ => None,
        }
    }

    /// `true` when the API answered 404 with Whop's own not-found answer (its JSON error body):
    /// no such membership (or not one this credential may see).
    ///
    /// A 404 with any other body (an HTML page, an empty body) is not "not found": the route does
    /// not exist at the base URL, which is then almost certainly wrong. That error is an
    /// [`Error::Api`] whose [`ApiError::is_unknown_route`] is `true` and whose message names the
    /// URL path requested.
    pub fn is_not_found(&self) -> bool {
        match self {
            Error::Api(e) => e.status() == StatusCode::NOT_FOUND && !e.is_unknown_route(),
            _ => false,
        }
    }

    /// `true` when the API answered 401: the token itself was refused (missing, mistyped, revoked
    /// or expired). Fix the token.
    pub fn is_unauthorized(&self) -> bool {
        self.status() == Some(StatusCode::UNAUTHORIZED)
    }

    /// `true` when the API answered 403: the token is valid but of the wrong kind, or lacks the
    /// permission, for this endpoint. With Whop that usually means an API key without the
    /// permission the call needs (`member:manage` to update, `membership:cancel` to cancel: give
    /// it in Whop's dashboard), a user's token on a company-only call, or (legacy) a company API
    /// key on a v5 `me` endpoint: use the other credential
    /// ([`Client::with_token`](crate::Client::with_token)).
    pub fn is_forbidden(&self) -> bool {
        self.status() == Some(StatusCode::FORBIDDEN)
    }

    /// `true` when the call was refused for Whop's rate limit, by Whop (429; on v2/v5 Whop then
    /// refuses every request for about 60 s, on the Current API it says how long in its message)
    /// or by the client's own pacing before sending
    /// ([`is_rate_limited_locally`](Self::is_rate_limited_locally) tells them apart). Either way,
    /// [`retry_after`](Self::retry_after) says how long to wait, when it is known.
    pub fn is_rate_limited(&self) -> bool {
        self.status() == Some(StatusCode::TOO_MANY_REQUESTS) || self.is_rate_limited_locally()
    }

    /// `true` for a per-attempt timeout or an exhausted deadline.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Timeout(_))
    }

    /// `true` when the client's own pacing refused the call: waiting for a slot under Whop's rate
    /// limit would have taken it past its deadline. Nothing was sent; try again after
    /// [`retry_after`](Self::retry_after), or give the call a longer deadline.
    pub fn is_rate_limited_locally(&self) -> bool {
        self.paced_out().is_some()
    }

    /// The transport's refusal, when the client's own pacing refused the call.
    fn paced_out(&self) -> Option<&whop_transport::Error> {
        match self {
            Error::Transport(e) => e
                .transport_error()
                .filter(|t| t.kind() == TransportErrorKind::RateLimitedLocally),
            _ => None,
        }
    }

    /// How long to wait before trying again, when it is known: the API's `Retry-After` on a 429,
    /// or, for a call the client's own pacing refused, how far away the next slot was.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Error::Api(e) => e.retry_after(),
            _ => self
                .paced_out()
                .and_then(whop_transport::Error::retry_after),
        }
    }

    /// Maps a failure of the service under the client to an [`Error`]; `side_effect`: the call
    /// could change something (it is not a read).
    ///
    /// A [`whop_transport::Error`] says whether the request left and whether it timed out; any
    /// other error (a user's own transport) is taken as "may have been sent", the only safe
    /// reading.
    pub(crate) fn from_service(error: BoxError, side_effect: bool) -> Self {
        let source = match error.downcast::<whop_transport::Error>() {
            Ok(transport) => Source::Transport(transport),
            Err(other) => Source::Other(other),
        };
        let timeout = matches!(&source, Source::Transport(t) if t.is_timeout());
        let wrapped = TransportError {
            source,
            side_effect,
        };
        if timeout {
            Error::Timeout(wrapped)
        } else {
            Error::Transport(wrapped)
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidInput(e) => write!(f, "refused before any request was made: {e}"),
            Error::Transport(e) if self.is_rate_limited_locally() => {
                write!(
                    f,
                    "rate limited locally, the request was never sent: the client's pacing under \
                     Whop's rate limit would have held the call past its deadline"
                )?;
                match self.retry_after() {
                    Some(wait) => write!(f, "; retry in {} ms", wait.as_millis()),
                    None => match e.source_error().source() {
                        Some(why) => write!(f, " ({why})"),
                        None => Ok(()),
                    },
                }
            }
            Error::Transport(e) => write!(
                f,
                "transport failed ({}): {}",
                sent_words(e.request_sent()),
                e.source_error()
            ),
            Error::Timeout(e) => write!(
                f,
                "timed out ({}): {}",
                sent_words(e.request_sent()),
                e.source_error()
            ),
            Error::Api(e) => fmt::Display::fmt(e, f),
            Error::Decode(e) => fmt::Display::fmt(e, f),
            Error::Retired(e) => fmt::Display::fmt(e, f),
            Error::Unconfirmed(e) => fmt::Display::fmt(e, f),
        }
    }
}

fn sent_words(sent: RequestSent) -> &'static str {
    match sent {
        RequestSent::NotSent => "the request was never sent",
        _ => "the request may have reached the server",
    }
}

impl StdError for Error {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        match self {
            Error::InvalidInput(e) => Some(e),
            Error::Transport(e) | Error::Timeout(e) => Some(e.source_error()),
            Error::Api(_) | Error::Decode(_) | Error::Retired(_) | Error::Unconfirmed(_) => None,
        }
    }
}

impl From<InvalidInput> for Error {
    fn from(e: InvalidInput) -> Self {
        Error::InvalidInput(e)
    }
}

impl From<Unconfirmed> for Error {
    fn from(e: Unconfirmed) -> Self {
        Error::Unconfirmed(Box::new(e))
    }
}

impl From<InvalidToken> for Error {
    fn from(e: InvalidToken) -> Self {
        Error::InvalidInput(InvalidInput::new("API token", format!("is refused: {e}")))
    }
}

impl From<InvalidBaseUrl> for Error {
    fn from(e: InvalidBaseUrl) -> Self {
        let reason = format!("`{}` is refused: {}", e.input(), e.reason());
        Error::InvalidInput(InvalidInput::new("base URL", reason))
    }
}

/// Input refused before anything was sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidInput {
    what: &'static str,
    reason: String,
}

impl InvalidInput {
    pub(crate) fn new(what: &'static str, reason: impl Into<String>) -> Self {
        InvalidInput {
            what,
            reason: reason.into(),
        }
    }

    /// Which input was refused (`"membership ID"`, `"base URL"`, ...).
    pub fn what(&self) -> &str {
        self.what
    }

    /// Why it was refused.
    pub fn reason(&self) -> &str {
        &self.reason
    }
}

impl fmt::Display for InvalidInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.what, self.reason)
    }
}

impl StdError for InvalidInput {}

pub use response::{ApiError, DecodeError};
pub(crate) use retired::means_retired;
pub use retired::{Retired, Unconfirmed};
use transport::Source;
pub use transport::TransportError;

#[cfg(test)]
mod tests {
    use bytes::Bytes;

    use super::*;

    #[test]
    fn an_error_is_small_enough_to_return_cheaply() {
        assert!(
            std::mem::size_of::<Error>() <= 40,
            "{}",
            std::mem::size_of::<Error>()
        );
    }

    #[test]
    fn an_api_error_reads_the_v2_message() {
        let e = ApiError::new(
            StatusCode::NOT_FOUND,
            None,
            Bytes::from_static(br#"{"error":{"code":404,"message":"No such Resource"}}"#),
            true,
        );
        assert_eq!(e.message(), Some("No such Resource"));
        assert_eq!(e.code(), Some("404"));
    }

    #[test]
    fn an_api_error_reads_the_v5_message() {
        let e = ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            Some(Duration::from_secs(60)),
            Bytes::from_static(br#"{"message":"You are being rate limited"}"#),
            true,
        );
        assert_eq!(e.message(), Some("You are being rate limited"));
        assert_eq!(
            e.to_string(),
            "Whop API answered 429 Too Many Requests: You are being rate limited (retry after 60s)"
        );
    }

    #[test]
    fn an_html_gateway_page_is_shown_as_a_snippet() {
        let e = ApiError::new(
            StatusCode::BAD_GATEWAY,
            None,
            Bytes::from_static(b"<html><body>502 Bad Gateway</body></html>"),
            true,
        );
        assert_eq!(e.message(), None);
        assert!(e.to_string().contains("502 Bad Gateway</body>"), "{e}");
    }

    #[test]
    fn a_long_body_snippet_is_cut_and_says_how_long_it_was() {
        let body = Bytes::from(vec![b'x'; 5000]);
        let e = ApiError::new(StatusCode::BAD_GATEWAY, None, body, true);
        let text = e.to_string();
        assert!(text.len() < 400, "{text}");
        assert!(text.contains("5000 bytes in all"), "{text}");
    }

    #[test]
    fn a_server_error_may_have_applied_the_action() {
        let e = Error::Api(Box::new(ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            None,
            Bytes::new(),
            true,
        )));
        assert_eq!(e.applied(), Applied::Maybe);
    }

    #[test]
    fn a_client_error_did_not_apply_the_action() {
        let e = Error::Api(Box::new(ApiError::new(
            StatusCode::NOT_FOUND,
            None,
            Bytes::new(),
            true,
        )));
        assert_eq!(e.applied(), Applied::No);
        assert!(e.is_not_found());
    }

    #[test]
    fn a_local_pacing_refusal_is_told_apart_and_was_never_sent() {
        let paced = whop_transport::Error::new(
            TransportErrorKind::RateLimitedLocally,
            RequestSent::NotSent,
            None,
        );
        let e = Error::from_service(Box::new(paced), true);
        assert!(e.is_rate_limited_locally());
        assert!(e.is_rate_limited());
        assert_eq!(e.applied(), Applied::No);
    }

    #[test]
    fn a_local_pacing_refusal_says_so_and_how_long_to_wait() {
        let paced = whop_transport::Error::new(
            TransportErrorKind::RateLimitedLocally,
            RequestSent::NotSent,
            None,
        )
        .with_retry_after(Duration::from_millis(2500));
        let e = Error::from_service(Box::new(paced), false);
        assert_eq!(e.retry_after(), Some(Duration::from_millis(2500)));
        let text = e.to_string();
        assert!(text.starts_with("rate limited locally"), "{text}");
        assert!(!text.contains("transport failed"), "{text}");
        assert!(text.ends_with("retry in 2500 ms"), "{text}");
    }

    #[test]
    fn a_404_without_whops_error_body_is_an_unknown_route_not_not_found() {
        let e = Error::Api(Box::new(
            ApiError::new(
                StatusCode::NOT_FOUND,
                None,
                Bytes::from_static(b"<html>Not Found</html>"),
                false,
            )
            .requested(|| "GET http://127.0.0.1:9/v5/me/memberships/{id}".to_owned()),
        ));
        assert!(!e.is_not_found());
        let Error::Api(api) = &e else { unreachable!() };
        assert!(api.is_unknown_route());
        let text = e.to_string();
        assert!(
            text.contains("GET http://127.0.0.1:9/v5/me/memberships/{id}"),
            "{text}"
        );
        assert!(text.contains("no such route"), "{text}");
    }

    #[test]
    fn an_unknown_transport_error_may_have_been_sent() {
        let e = Error::from_service("socket closed".into(), true);
        assert_eq!(e.request_sent(), RequestSent::MaybeSent);
        assert_eq!(e.applied(), Applied::Maybe);
    }
}
