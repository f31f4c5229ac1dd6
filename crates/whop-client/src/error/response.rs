//! The two ways the API can answer and still fail the call: a status other than success
//! ([`ApiError`]), or a success whose body did not decode ([`DecodeError`]). Both keep the raw body,
//! and show it only with its secrets redacted (the rule is in the module docs of `error`).

use std::error::Error as StdError;
use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use http::StatusCode;
use serde_json::Value;
use whop_models::ErrorBody;

use super::redact::{redact_json, redact_text};

/// How much of a response body an error's `Display` shows.
const SNIPPET_LEN: usize = 200;

/// The API answered with a status other than success.
///
/// Its `Display` and `Debug` never show a license key or a token from the body or the API's
/// message (see [`Error`](crate::Error)); [`body`](Self::body) and
/// [`message`](Self::message) give them as the API sent them.
pub struct ApiError {
    status: StatusCode,
    message: Option<String>,
    code: Option<String>,
    retry_after: Option<Duration>,
    body: Bytes,
    /// For a 404 that is not Whop's error body: the request that found no route.
    unknown_route: Option<String>,
    /// For a legacy v2 route: the Current API call that replaces it.
    successor: Option<&'static str>,
    pub(super) side_effect: bool,
}

impl ApiError {
    pub(crate) fn new(
        status: StatusCode,
        retry_after: Option<Duration>,
        body: Bytes,
        side_effect: bool,
    ) -> Self {
        let parsed = ErrorBody::parse(&body);
        let (message, code) = match parsed {
            Some(parsed) => (
                parsed.message().map(str::to_owned),
                parsed.code().map(|c| c.to_string()),
            ),
            None => (None, None),
        };
        ApiError {
            status,
            message,
            code,
            retry_after,
            body,
            unknown_route: None,
            successor: None,
            side_effect,
        }
    }

    /// Names the request (`GET <base URL>/v5/me/memberships/{id}`) when this answer says its route
    /// does not exist: a 404 whose body is not one of Whop's error shapes. `requested` is called
    /// only then.
    pub(crate) fn requested(mut self, requested: impl FnOnce() -> String) -> Self {
        if self.status == StatusCode::NOT_FOUND && self.message.is_none() && self.code.is_none() {
            self.unknown_route = Some(requested());
        }
        self
    }

    /// Marks the answer as one from a legacy v2 route, replaced by `successor`: a 404 then says
    /// that the route may be gone (see [`Retired`](crate::Retired)).
    pub(crate) fn retired_successor(mut self, successor: Option<&'static str>) -> Self {
        self.successor = successor;
        self
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The API's message, when the body was one of Whop's error shapes, as the API wrote it: it
    /// may hold a license key (Whop's 404 names the ID it was asked for). The error's `Display`
    /// shows it redacted.
    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }

    /// The API's error code or status field, when the body carried one.
    pub fn code(&self) -> Option<&str> {
        self.code.as_deref()
    }

    /// `Retry-After`, when the response carried a valid one.
    pub fn retry_after(&self) -> Option<Duration> {
        self.retry_after
    }

    /// The raw response body, whatever it was (JSON, an HTML gateway page, nothing). Unredacted:
    /// it may hold a license key or a token, so take care where it ends up.
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// `true` for a 404 that is not Whop's not-found answer (its body is not one of Whop's JSON
    /// error shapes): the route requested does not exist there, so the base URL is almost
    /// certainly wrong (Whop's API root is `https://api.whop.com/api`). Not "no such membership".
    pub fn is_unknown_route(&self) -> bool {
        self.unknown_route.is_some()
    }

    /// The request that found no route, as `METHOD <base URL><route template>`, when
    /// [`is_unknown_route`](Self::is_unknown_route). The path parameter stays a placeholder
    /// (`{id}`): it may be a license key.
    pub fn requested_route(&self) -> Option<&str> {
        self.unknown_route.as_deref()
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(requested) = &self.unknown_route {
            write!(
                f,
                "no such route: {requested} answered {} without Whop's error body, so the base \
                 URL is probably wrong (Whop's API root is {})",
                self.status,
                whop_transport::DEFAULT_BASE_URL
            )?;
            return if self.body.is_empty() {
                f.write_str("; the body was empty")
            } else {
                write!(f, "; body: {}", Snippet(&self.body))
            };
        }
        write!(f, "Whop API answered {}", self.status)?;
        match &self.message {
            Some(message) => write!(f, ": {}", redact_text(message))?,
            None if self.body.is_empty() => f.write_str(" with an empty body")?,
            None => write!(f, ", body: {}", Snippet(&self.body))?,
        }
        if let Some(wait) = self.retry_after {
            write!(f, " (retry after {}s)", wait.as_secs())?;
        }
        if let (Some(successor), StatusCode::NOT_FOUND) = (self.successor, self.status) {
            write!(
                f,
                "; against Whop itself this route is gone: Whop retired API v2 on {}, use the \
                 Current API instead: whop_client::{successor}",
                crate::legacy::V2_RETIRED_ON
            )?;
        }
        Ok(())
    }
}

impl fmt::Debug for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiError")
            .field("status", &self.status)
            .field("message", &self.message.as_deref().map(redact_text))
            .field("code", &self.code.as_deref().map(redact_text))
            .field("retry_after", &self.retry_after)
            .field("body", &format_args!("<{} bytes>", self.body.len()))
            .field("unknown_route", &self.unknown_route)
            .field("successor", &self.successor)
            .field("side_effect", &self.side_effect)
            .finish()
    }
}

impl StdError for ApiError {}

/// The API answered with success but its body did not decode.
///
/// Its `Display` and `Debug` never show a license key or a token from the body (see
/// [`Error`](crate::Error)); [`body`](Self::body) gives the body as the API sent it.
pub struct DecodeError {
    status: StatusCode,
    source: whop_models::DecodeError,
    body: Bytes,
    pub(super) side_effect: bool,
}

impl DecodeError {
    pub(crate) fn new(
        status: StatusCode,
        source: whop_models::DecodeError,
        body: Bytes,
        side_effect: bool,
    ) -> Self {
        DecodeError {
            status,
            source,
            body,
            side_effect,
        }
    }

    /// The (successful) HTTP status the API answered with.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The JSON path of the field that failed, e.g. `product.created_at`.
    pub fn path(&self) -> &str {
        self.source.path()
    }

    /// The decoder's error. Unredacted: serde_json's message quotes a string that sits where
    /// another type belongs, so it may hold a secret if the API sent one in an unexpected field.
    /// It is not in this error's `source()` chain for that reason.
    pub fn decode_error(&self) -> &whop_models::DecodeError {
        &self.source
    }

    /// The raw response body, kept whole so nothing the API said is lost. Unredacted: it may hold
    /// a license key or a token, so take care where it ends up.
    pub fn body(&self) -> &Bytes {
        &self.body
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let outcome = if self.side_effect {
            "the action was applied"
        } else {
            "a read: nothing changed"
        };
        write!(
            f,
            "the API answered {} ({outcome}) but its body did not decode: {}; body: {}",
            self.status,
            redact_text(&self.source.to_string()),
            Snippet(&self.body)
        )
    }
}

impl fmt::Debug for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DecodeError")
            .field("status", &self.status)
            .field("path", &self.source.path())
            .field("message", &redact_text(&self.source.to_string()))
            .field("body", &format_args!("<{} bytes>", self.body.len()))
            .field("side_effect", &self.side_effect)
            .finish()
    }
}

/// No `source()`: the decoder's error quotes a wrongly typed value as it is, and this error's
/// `Display` already says everything it says, redacted. It stays reachable on purpose through
/// [`DecodeError::decode_error`].
impl StdError for DecodeError {}

/// The start of a body, as text, for error messages, its secrets redacted: a JSON body is shown
/// compact, with its secret fields' values and credential-like words replaced; any other body
/// (an HTML gateway page, text, JSON cut short) as text with credential-like words replaced.
struct Snippet<'a>(&'a [u8]);

impl fmt::Display for Snippet<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown = match serde_json::from_slice::<Value>(self.0) {
            Ok(mut json) => {
                redact_json(&mut json);
                json.to_string()
            }
            Err(_) => redact_text(String::from_utf8_lossy(self.0).trim()).into_owned(),
        };
        let cut: String = shown.chars().take(SNIPPET_LEN).collect();
        write!(f, "{cut:?}")?;
        if self.0.len() > SNIPPET_LEN || cut.len() < shown.len() {
            write!(f, " ({} bytes in all)", self.0.len())?;
        }
        Ok(())
    }
}
