//! The two ways the API can answer and still fail the call: a status other than success
//! ([`ApiError`]), or a success whose body did not decode ([`DecodeError`]). Both keep the raw body.

use std::error::Error as StdError;
use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use http::StatusCode;
use whop_models::ErrorBody;

/// How much of a response body an error's `Display` shows.
const SNIPPET_LEN: usize = 200;

/// The API answered with a status other than success.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    message: Option<String>,
    code: Option<String>,
    retry_after: Option<Duration>,
    body: Bytes,
    /// For a 404 that is not Whop's error body: the request that found no route.
    unknown_route: Option<String>,
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

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The API's message, when the body was one of Whop's error shapes.
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

    /// The raw response body, whatever it was (JSON, an HTML gateway page, nothing).
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
            Some(message) => write!(f, ": {message}")?,
            None if self.body.is_empty() => f.write_str(" with an empty body")?,
            None => write!(f, ", body: {}", Snippet(&self.body))?,
        }
        if let Some(wait) = self.retry_after {
            write!(f, " (retry after {}s)", wait.as_secs())?;
        }
        Ok(())
    }
}

impl StdError for ApiError {}

/// The API answered with success but its body did not decode.
#[derive(Debug)]
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

    /// The decoder's error.
    pub fn decode_error(&self) -> &whop_models::DecodeError {
        &self.source
    }

    /// The raw response body, kept whole so nothing the API said is lost.
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
            self.source,
            Snippet(&self.body)
        )
    }
}

impl StdError for DecodeError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        Some(&self.source)
    }
}

/// The start of a body, as text, for error messages.
struct Snippet<'a>(&'a [u8]);

impl fmt::Display for Snippet<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let cut = &self.0[..self.0.len().min(SNIPPET_LEN)];
        let text = String::from_utf8_lossy(cut);
        let text = text.trim();
        write!(f, "{text:?}")?;
        if self.0.len() > SNIPPET_LEN {
            write!(f, " ({} bytes in all)", self.0.len())?;
        }
        Ok(())
    }
}
