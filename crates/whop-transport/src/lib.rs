//! A tower `Service` over hyper and rustls for Whop's API.
//!
//! This crate knows HTTP, not Whop's models: its unit is `http::Request<Bytes>` in,
//! `http::Response<Bytes>` out. Requests carry a path relative to the API root
//! (`/v2/memberships/...`), which [`BaseUrlLayer`] puts under the [`BaseUrl`], or an absolute URI.
//! Any status, 5xx and 429 included, comes back as
//! `Ok(response)`; an [`Error`] means no usable response arrived, and says whether the request may
//! have been sent ([`Error::request_sent`]).
//!
//! # The default stack
//!
//! [`Transport`] assembles every layer of this crate around a pooled hyper-util client over rustls
//! (HTTP/1.1, and HTTP/2 by ALPN with the `http2` feature; TLS 1.3 and TLS 1.2, or TLS 1.3 only
//! without the default `tls12` feature; no OpenSSL anywhere):
//!
//! ```
//! use std::time::Duration;
//! use whop_transport::{RetryConfig, Token, Transport};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let transport = Transport::builder()
//!     .token(Token::new("sk_live_xxx")?)
//!     .attempt_timeout(Duration::from_secs(10))
//!     .deadline(Duration::from_secs(30))
//!     .retry(RetryConfig::default().with_max_attempts(3))
//!     .user_agent("my-app/1.0")
//!     .build()?;
//! # let _ = transport;
//! # Ok(())
//! # }
//! ```
//!
//! # Adding your own layer
//!
//! `Transport` is an ordinary `tower::Service`, so any tower layer wraps it:
//!
//! ```
//! use bytes::Bytes;
//! use tower::ServiceBuilder;
//! use tower::util::MapRequestLayer;
//! use whop_transport::Transport;
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let transport = Transport::builder().build()?;
//! let tagged = ServiceBuilder::new()
//!     .layer(MapRequestLayer::new(|mut req: http::Request<Bytes>| {
//!         req.headers_mut().insert("x-request-source", http::HeaderValue::from_static("billing"));
//!         req
//!     }))
//!     .service(transport);
//! # let _ = tagged;
//! # Ok(())
//! # }
//! ```
//!
//! # Using the layers alone
//!
//! Each layer is a public `Layer` + `Service` pair, and [`Transport`] is exactly these layers
//! composed with `tower::ServiceBuilder` (see [`transport`] for the order), so you can build your
//! own stack, or put ours around another HTTP client. The layers that add headers or read the
//! request ([`BaseUrlLayer`], [`TraceLayer`], [`DeprecationLayer`], [`UserAgentLayer`],
//! [`ApiVersionLayer`], [`IdempotencyLayer`], [`AuthLayer`], [`DeadlineLayer`]) accept an inner service whose error is anything
//! `Into<BoxError>`, as tower's own layers do; those that make errors of their own turn it into an
//! [`Error`] (kept as it is when it is one, else [`ErrorKind::Other`] with it as the source).
//! [`RetryLayer`], [`PacingLayer`] and [`AttemptTimeoutLayer`] read the transport's [`Error`]
//! (its kind decides a retry), so they go around a service whose error is one:
//!
//! ```
//! use std::time::Duration;
//! use whop_transport::{
//!     AttemptTimeoutLayer, AuthLayer, DeadlineLayer, RetryConfig, RetryLayer, Token,
//!     Transport, TraceLayer,
//! };
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let client = Transport::builder().build_http_client()?;
//! let service = tower::ServiceBuilder::new()
//!     .layer(TraceLayer::new())
//!     .layer(AuthLayer::new(Token::new("sk_live_xxx")?))
//!     .layer(DeadlineLayer::new(Duration::from_secs(20)))
//!     .layer(RetryLayer::new(RetryConfig::default()))
//!     .layer(AttemptTimeoutLayer::new(Duration::from_secs(5)))
//!     .service(client);
//! # let _ = service;
//! # Ok(())
//! # }
//! ```
//!
//! # Errors, retries and statuses
//!
//! - Connect failures (never sent) are retried for any request; 500/502/503/504, timeouts and
//!   connections dropped after sending only for retry-safe ones (GET, HEAD, an `Endpoint` marked
//!   so, or a request with an `Idempotency-Key`, which every v1 write gets); 429 only with a wait
//!   (`Retry-After`, or a v1 message's "Try again in 12 seconds.") (see [`retry`] for every
//!   rule). A status that persists past the last attempt comes back as `Ok(response)`, with an
//!   [`Attempts`] extension.
//! - Requests are paced under Whop's rate limits by default (v1 600 per minute per operation,
//!   v2 100 and v5 20 per 10 s, each per credential): a request waits for a slot rather than
//!   trip Whop's limit, and one whose slot would come after its deadline fails at once, never
//!   sent ([`ErrorKind::RateLimitedLocally`]). See [`pacing`], and [`TransportBuilder::pacing`]
//!   to configure or disable it.
//! - Every v1 (Current API) request carries `Api-Version-Date`, pinned per release
//!   ([`ApiVersionDate::PINNED`], overridable with [`TransportBuilder::api_version_date`]): see
//!   [`api_version`] for why it must never be absent.
//! - Every [`Error`] has a [`kind`](Error::kind), says whether the request may have been sent
//!   ([`request_sent`](Error::request_sent)) and how many [`attempts`](Error::attempts) were made.
//! - To report how long a 429 asks to wait, read its `Retry-After` with [`retry_after`]:
//!
//! ```
//! use std::time::Duration;
//!
//! let response = http::Response::builder()
//!     .status(429)
//!     .header("retry-after", "60")
//!     .body(bytes::Bytes::new())
//!     .expect("a valid response");
//! assert_eq!(whop_transport::retry_after(response.headers()), Some(Duration::from_secs(60)));
//! ```
//!
//! # What the client puts in requests
//!
//! - An [`Endpoint`] extension names the route template for the tracing span (without it
//!   the span shows the path with its last segment, possibly a license key, redacted), the
//!   [`ApiFamily`] the pacer counts the request under (and, for v1, whether it gets
//!   `Api-Version-Date` and an `Idempotency-Key`), and whether a non-GET request is safe to
//!   repeat (v2's cancel is).
//! - An `Authorization` header overrides the default token for that request.
//! - A [`CallDeadline`] extension (a `tokio::time::Instant`) shortens the
//!   overall deadline for that request.
//!
//! The transport never logs headers (so never the token), never the query, and never the last
//! path segment unless an [`Endpoint`] names the route.

#![cfg_attr(docsrs, feature(doc_cfg))]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

/// `get_ref`, `get_mut` and `into_inner` for a middleware service whose wrapped service is its
/// `inner` field, as every tower middleware has them.
macro_rules! inner_service_accessors {
    ($service:ident) => {
        impl<S> $service<S> {
            /// The wrapped service.
            pub fn get_ref(&self) -> &S {
                &self.inner
            }

            /// The wrapped service, mutably.
            pub fn get_mut(&mut self) -> &mut S {
                &mut self.inner
            }

            /// Consumes this service, returning the wrapped one.
            pub fn into_inner(self) -> S {
                self.inner
            }
        }
    };
}
pub(crate) use inner_service_accessors;

/// The boxed error tower's own layers use. This crate's layers accept an inner service whose
/// error is anything `Into<BoxError>`, as tower's do.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// An inner service's `error` as this crate's [`Error`]: itself when it is one (kind, "sent" and
/// attempts kept), else [`ErrorKind::Other`], may have been sent, with `error` as its source.
pub(crate) fn into_error(error: impl Into<BoxError>) -> Error {
    match error.into().downcast::<Error>() {
        Ok(error) => *error,
        Err(other) => Error::new(ErrorKind::Other, RequestSent::MaybeSent, Some(other)),
    }
}

pub mod api_version;
pub mod auth;
pub mod base_url;
pub mod deadline;
pub mod deprecation;
pub mod error;
pub mod extensions;
pub mod http_client;
pub mod idempotency;
pub mod pacing;
pub mod retry;
pub mod timeout;
mod tls;
pub mod token;
pub mod trace;
pub mod transport;
pub mod url_policy;
pub mod user_agent;

pub use api_version::{
    API_VERSION_DATE, ApiVersion, ApiVersionDate, ApiVersionLayer, InvalidApiVersionDate,
    PINNED_API_VERSION_DATE,
};
pub use auth::{Auth, AuthLayer};
pub use base_url::{
    BaseUrl, BaseUrlLayer, DEFAULT_BASE_URL, InvalidBaseUrl, WithBaseUrl, WithBaseUrlFuture,
};
pub use deadline::{Deadline, DeadlineFuture, DeadlineLayer};
pub use deprecation::{
    DEPRECATION, Deprecation, DeprecationFuture, DeprecationLayer, DeprecationNotice, SUNSET,
};
pub use error::{BuildError, Error, ErrorKind, RequestSent};
pub use extensions::{ApiFamily, Attempts, CallDeadline, Endpoint, RequestExt, is_retry_safe};
pub use http_client::{HttpClient, HttpClientFuture, HyperClient};
pub use idempotency::{IDEMPOTENCY_KEY, Idempotency, IdempotencyLayer};
pub use pacing::{Pacing, PacingConfig, PacingFuture, PacingLayer, PacingLimit};
pub use retry::{
    Retry, RetryAfter, RetryConfig, RetryFuture, RetryLayer, RetryPolicy, requested_wait,
    retry_after, retry_after_in_message,
};
pub use timeout::{AttemptTimeout, AttemptTimeoutFuture, AttemptTimeoutLayer};
pub use token::{CredentialId, InvalidToken, Token};
pub use trace::{RedactedPath, Trace, TraceFuture, TraceLayer};
pub use transport::{DEFAULT_MAX_BODY_BYTES, Transport, TransportBuilder, TransportFuture};
pub use url_policy::check_base_url;
pub use user_agent::{DEFAULT_USER_AGENT, UserAgent, UserAgentLayer};

/// Re-exported so `add_root_certificate` callers need not depend on rustls directly.
pub use rustls::pki_types::CertificateDer;

// The crate README (shown on crates.io) is run as a doctest, so it cannot rot.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
