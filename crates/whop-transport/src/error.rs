//! The transport's error: what went wrong, and whether the request may have left the machine.
//!
//! A caller deciding whether to repeat a non-idempotent call needs one fact above all: could the
//! server have seen the request? [`Error::request_sent`] answers it, conservatively: anything that
//! happens after bytes may have been written is [`RequestSent::MaybeSent`]. Only failures that
//! provably happen before the first byte of the request (a refused URL, a refused TCP connection, a
//! failed TLS handshake) are [`RequestSent::NotSent`].
//!
//! A response with any status, even 5xx or 429, is not an error here: the transport returns it as
//! `Ok(response)` and the client maps statuses to its own errors.

use std::error::Error as StdError;
use std::fmt;
use std::time::Duration;

use http::StatusCode;

use crate::base_url::InvalidBaseUrl;

type BoxError = Box<dyn StdError + Send + Sync + 'static>;

/// What kind of failure an [`Error`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The request was refused before sending: a URL outside the base URL policy (not `https`, or
    /// `http` to a host that is not loopback), or a request hyper cannot send. Never sent.
    InvalidRequest,
    /// The TCP connection could not be established (refused, unreachable, DNS failure, connect
    /// timeout). Never sent.
    Connect,
    /// The TLS handshake failed (for example an untrusted certificate). Never sent.
    Tls,
    /// One attempt took longer than the per-attempt timeout. May have been sent.
    Timeout,
    /// The overall deadline, across all attempts and backoffs, passed. May have been sent.
    DeadlineExceeded,
    /// The connection closed before a complete response arrived. May have been sent.
    ConnectionClosed,
    /// Another I/O error after the connection was established. May have been sent.
    Io,
    /// The server answered with a status, but reading the response body failed. The request was
    /// sent ([`Error::request_sent`] says `MaybeSent`; [`Error::status`] has the status).
    Body,
    /// The response body is larger than the configured cap (`limit` bytes). The request was sent
    /// ([`Error::request_sent`] says `MaybeSent`; [`Error::status`] has the status).
    BodyTooLarge {
        /// The configured cap, in bytes.
        limit: usize,
    },
    /// The client's own rate limiter ([pacing](crate::pacing)) would have held the request past
    /// the call's deadline, so it was not held at all. Never sent: retry later, or with a longer
    /// deadline.
    RateLimitedLocally,
    /// The client's pacing store (see [`SlotStore`](crate::pacing::SlotStore)) failed to answer,
    /// so no slot was reserved and the request was held back rather than risk Whop's cooldown.
    /// Never sent: retry later. (A store that should fall back to in-process pacing instead does
    /// so itself and never reports this.)
    PacingUnavailable,
    /// Anything else. May have been sent.
    Other,
}

impl ErrorKind {
    fn describe(self) -> &'static str {
        match self {
            Self::InvalidRequest => "the request was refused by the base URL policy or is invalid",
            Self::Connect => "could not connect to the server",
            Self::Tls => "the TLS handshake failed",
            Self::Timeout => "the attempt timed out",
            Self::DeadlineExceeded => "the overall deadline passed",
            Self::ConnectionClosed => "the connection closed before the response was complete",
            Self::Io => "an I/O error occurred",
            Self::Body => "reading the response body failed",
            Self::BodyTooLarge { .. } => "the response body is larger than the configured cap",
            Self::RateLimitedLocally => {
                "the local rate limit (pacing) would have delayed the request past its deadline"
            }
            Self::PacingUnavailable => "the pacing store failed, so the request was held back",
            Self::Other => "the request failed",
        }
    }
}

/// Whether the server may have received the request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RequestSent {
    /// The request provably never left: repeating it cannot duplicate an effect.
    NotSent,
    /// The request may have reached the server (or did): repeating a non-idempotent call may
    /// apply it twice.
    MaybeSent,
}

/// A transport failure. See the [module documentation](self).
///
/// Display says what happened and whether the request may have been sent; it never includes the
/// token, headers or the request path.
pub struct Error {
    kind: ErrorKind,
    sent: RequestSent,
    attempts: u32,
    status: Option<StatusCode>,
    retry_after: Option<Duration>,
    source: Option<BoxError>,
}

impl Error {
    /// Builds an error of `kind`, `sent`, with an optional underlying cause.
    pub fn new(kind: ErrorKind, sent: RequestSent, source: Option<BoxError>) -> Self {
        Self {
            kind,
            sent,
            attempts: 1,
            status: None,
            retry_after: None,
            source,
        }
    }

    pub(crate) fn not_sent(kind: ErrorKind, source: impl Into<BoxError>) -> Self {
        Self::new(kind, RequestSent::NotSent, Some(source.into()))
    }

    pub(crate) fn maybe_sent(kind: ErrorKind, source: Option<BoxError>) -> Self {
        Self::new(kind, RequestSent::MaybeSent, source)
    }

    pub(crate) fn with_status(mut self, status: StatusCode) -> Self {
        self.status = Some(status);
        self
    }

    /// Records how long the caller should wait before trying again: for
    /// [`ErrorKind::RateLimitedLocally`], how far away the next pacing slot was.
    #[must_use]
    pub fn with_retry_after(mut self, wait: Duration) -> Self {
        self.retry_after = Some(wait);
        self
    }

    pub(crate) fn set_attempts(&mut self, attempts: u32) {
        self.attempts = attempts;
    }

    /// An earlier attempt of the same call may have reached the server, whatever this one did.
    pub(crate) fn set_maybe_sent(&mut self) {
        self.sent = RequestSent::MaybeSent;
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// Whether the server may have received the request.
    pub fn request_sent(&self) -> RequestSent {
        self.sent
    }

    /// `true` when the request provably never left (shorthand for `request_sent() == NotSent`).
    pub fn is_not_sent(&self) -> bool {
        self.sent == RequestSent::NotSent
    }

    /// How many attempts were made (1 without retries).
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// The response status, when the failure happened after the server answered (for example
    /// [`ErrorKind::BodyTooLarge`]).
    pub fn status(&self) -> Option<StatusCode> {
        self.status
    }

    /// How long to wait before trying again, when the transport knows: for
    /// [`ErrorKind::RateLimitedLocally`], how far away the next pacing slot was when the call was
    /// refused.
    pub fn retry_after(&self) -> Option<Duration> {
        self.retry_after
    }

    /// `true` for [`ErrorKind::Timeout`] and [`ErrorKind::DeadlineExceeded`].
    pub fn is_timeout(&self) -> bool {
        matches!(self.kind, ErrorKind::Timeout | ErrorKind::DeadlineExceeded)
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Error")
            .field("kind", &self.kind)
            .field("request_sent", &self.sent)
            .field("attempts", &self.attempts)
            .field("status", &self.status)
            .field("retry_after", &self.retry_after)
            .field("source", &self.source)
            .finish()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.kind.describe())?;
        let source = self.source.as_deref();
        if let Some(mismatch) = source.and_then(|s| s.downcast_ref::<crate::tls::VersionMismatch>())
        {
            write!(f, ": {mismatch}")?;
        }
        if let ErrorKind::BodyTooLarge { limit } = self.kind {
            write!(f, " ({limit} bytes)")?;
        }
        if let Some(status) = self.status {
            write!(f, " (status {})", status.as_u16())?;
        }
        match self.sent {
            RequestSent::NotSent => f.write_str("; the request was never sent")?,
            RequestSent::MaybeSent => f.write_str("; the request may have been sent")?,
        }
        if self.attempts > 1 {
            write!(f, " (after {} attempts)", self.attempts)?;
        }
        if let Some(wait) = self.retry_after {
            write!(f, "; retry in {} ms", wait.as_millis())?;
        }
        Ok(())
    }
}

impl StdError for Error {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn StdError + 'static))
    }
}

/// Why [`TransportBuilder::build`](crate::TransportBuilder::build) failed.
#[derive(Debug)]
pub struct BuildError {
    message: &'static str,
    source: Option<BoxError>,
    base_url: Option<InvalidBaseUrl>,
}

impl BuildError {
    pub(crate) fn new(message: &'static str, source: Option<BoxError>) -> Self {
        Self {
            message,
            source,
            base_url: None,
        }
    }

    pub(crate) fn base_url(invalid: InvalidBaseUrl) -> Self {
        Self {
            message: "the base URL is refused",
            source: None,
            base_url: Some(invalid),
        }
    }

    /// The refused base URL and the rule it breaks, when that is why the build failed.
    pub fn invalid_base_url(&self) -> Option<&InvalidBaseUrl> {
        self.base_url.as_ref()
    }
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.base_url {
            Some(invalid) => write!(f, "cannot build the transport: {invalid}"),
            None => write!(f, "cannot build the transport: {}", self.message),
        }
    }
}

impl StdError for BuildError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        match &self.base_url {
            Some(invalid) => Some(invalid),
            None => self
                .source
                .as_deref()
                .map(|e| e as &(dyn StdError + 'static)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_says_whether_the_request_may_have_been_sent() {
        let e = Error::not_sent(ErrorKind::Connect, "refused");
        assert_eq!(
            e.to_string(),
            "could not connect to the server; the request was never sent"
        );
        let mut e = Error::maybe_sent(ErrorKind::Timeout, None);
        e.set_attempts(3);
        assert_eq!(
            e.to_string(),
            "the attempt timed out; the request may have been sent (after 3 attempts)"
        );
    }

    #[test]
    fn a_local_pacing_refusal_carries_the_wait_it_expected() {
        let e = Error::not_sent(ErrorKind::RateLimitedLocally, "past the deadline")
            .with_retry_after(Duration::from_millis(1500));
        assert_eq!(e.retry_after(), Some(Duration::from_millis(1500)));
        assert!(e.to_string().ends_with("; retry in 1500 ms"), "{e}");
    }
}
