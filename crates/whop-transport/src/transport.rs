//! The default stack and its builder.
//!
//! [`Transport`] is this crate's public layers composed with `tower::ServiceBuilder` around a
//! pooled client, in this order from the outside in (see [`TransportBuilder::build`]):
//!
//! 1. [`BaseUrlLayer`]: a request whose URI is a path (`/v2/memberships/mem_1`) goes under the
//!    [`BaseUrl`] (Whop's API root unless set);
//! 2. [`TraceLayer`]: one span per call (method, host, redacted route, status, attempts, latency);
//! 3. [`DeprecationLayer`]: a warning once per route for `Deprecation` / `Sunset` headers;
//! 4. [`UserAgentLayer`]: `User-Agent: whop-rs/<version>` unless set;
//! 5. [`ApiVersionLayer`]: `Api-Version-Date` on every v1 request that has none (the pin, or
//!    [`TransportBuilder::api_version_date`]; see [`api_version`](crate::api_version));
//! 6. [`IdempotencyLayer`]: a random `Idempotency-Key` on every v1 write that has none, once per
//!    call, outside the retry layer so that every attempt sends the same key (see
//!    [`idempotency`](crate::idempotency));
//! 7. [`AuthLayer`]: `Authorization: Bearer <token>`, the request's own [`Token`] or the default
//!    one, only for the base URL's origin (added once, before retries);
//! 8. [`DeadlineLayer`]: the overall deadline, across attempts and backoffs, stamped on the
//!    request as its [`CallDeadline`](crate::CallDeadline) so that the layers inside never wait
//!    past it;
//! 9. [`RetryLayer`]: tower's `Retry` with backoff and full jitter, a budget, `Retry-After` (and
//!    a v1 429's wait in its message);
//! 10. [`PacingLayer`]: waits for a slot under Whop's rate limits (see [`pacing`](crate::pacing)):
//!     inside the retry layer so that every attempt takes a slot, inside the deadline so that
//!     waiting counts against it, outside the attempt timeout so that waiting does not eat an
//!     attempt's time;
//! 11. [`AttemptTimeoutLayer`]: a timeout for each attempt;
//! 12. [`HttpClient`]: the base URL policy, hyper-util's pooled client over rustls, the body cap.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http::{Request, Response};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioTimer};
use pin_project_lite::pin_project;
use rustls::pki_types::CertificateDer;
use tower::{Service, ServiceBuilder};

use crate::api_version::{ApiVersion, ApiVersionDate, ApiVersionLayer};
use crate::auth::{Auth, AuthLayer};
use crate::base_url::{BaseUrl, BaseUrlLayer, InvalidBaseUrl, WithBaseUrl};
use crate::deadline::{Deadline, DeadlineLayer};
use crate::deprecation::{Deprecation, DeprecationLayer};
use crate::error::{BuildError, Error};
use crate::http_client::HttpClient;
use crate::idempotency::{Idempotency, IdempotencyLayer};
use crate::pacing::{Pacing, PacingConfig, PacingLayer};
use crate::retry::{Retry, RetryConfig, RetryLayer};
use crate::timeout::{AttemptTimeout, AttemptTimeoutLayer};
use crate::token::Token;
use crate::trace::{Trace, TraceLayer};
use crate::user_agent::{UserAgent, UserAgentLayer};

/// The default response-body cap: 4 MiB.
pub const DEFAULT_MAX_BODY_BYTES: usize = 4 * 1024 * 1024;

/// The type [`TransportBuilder::build`]'s `ServiceBuilder` expression makes.
type Stack = WithBaseUrl<
    Trace<
        Deprecation<
            UserAgent<
                ApiVersion<Idempotency<Auth<Deadline<Retry<Pacing<AttemptTimeout<HttpClient>>>>>>>,
            >,
        >,
    >,
>;

/// The future of [`Stack`].
type StackFuture = <Stack as Service<Request<Bytes>>>::Future;

/// The default transport: every layer of this crate around a pooled hyper-util client over rustls,
/// in the order the [module docs](self) list.
///
/// `Clone + Send + Sync + 'static`; clones share the connection pool, the retry budget and the
/// configuration, so clone it freely and call it from many tasks at once.
///
/// ```
/// use std::time::Duration;
/// use tower::ServiceExt;
/// use whop_transport::{RetryConfig, Token, Transport};
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let transport = Transport::builder()
///     .token(Token::new("sk_live_xxx")?)
///     .deadline(Duration::from_secs(30))
///     .retry(RetryConfig::default().with_max_attempts(4))
///     .build()?;
/// let request = http::Request::get("/v2/memberships/mem_1").body(bytes::Bytes::new())?;
/// // Inside an async fn: let response = transport.clone().oneshot(request).await?;
/// # let _ = (transport, request);
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct Transport {
    inner: Stack,
}

impl std::fmt::Debug for Transport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Transport")
            .field("base_url", self.base_url())
            .finish_non_exhaustive()
    }
}

impl Transport {
    /// A builder with the defaults (see [`TransportBuilder`]).
    pub fn builder() -> TransportBuilder {
        TransportBuilder::default()
    }

    /// The API root requests with a path-only URI go to.
    pub fn base_url(&self) -> &BaseUrl {
        self.inner.base_url()
    }
}

impl Service<Request<Bytes>> for Transport {
    type Response = Response<Bytes>;
    type Error = Error;
    type Future = TransportFuture;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request<Bytes>) -> Self::Future {
        TransportFuture {
            inner: self.inner.call(req),
        }
    }
}

pin_project! {
    /// The future of [`Transport`]: the stack's.
    pub struct TransportFuture {
        #[pin]
        inner: StackFuture,
    }
}

impl std::fmt::Debug for TransportFuture {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TransportFuture")
    }
}

impl Future for TransportFuture {
    type Output = Result<Response<Bytes>, Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.project().inner.poll(cx)
    }
}

/// Configures a [`Transport`]. Every setting has a default:
///
/// | setting | default |
/// | --- | --- |
/// | [`base_url`](Self::base_url) | [`BaseUrl::whop()`]: `https://api.whop.com/api` |
/// | [`token`](Self::token) | none: requests must carry their own credential |
/// | [`connect_timeout`](Self::connect_timeout) | 10 s |
/// | [`attempt_timeout`](Self::attempt_timeout) | 30 s |
/// | [`deadline`](Self::deadline) | 60 s |
/// | [`max_body_bytes`](Self::max_body_bytes) | 4 MiB |
/// | [`retry`](Self::retry) | [`RetryConfig::default()`] |
/// | [`pacing`](Self::pacing) | [`PacingConfig::default()`]: Whop's limits |
/// | [`api_version_date`](Self::api_version_date) | [`ApiVersionDate::PINNED`]: `2026-09-15` |
/// | [`pool_idle_timeout`](Self::pool_idle_timeout) | 90 s |
/// | roots | Mozilla's (feature `webpki-roots`), the platform's (feature `native-roots`) |
#[derive(Debug)]
pub struct TransportBuilder {
    token: Option<Token>,
    base_url: Result<BaseUrl, InvalidBaseUrl>,
    connect_timeout: Duration,
    attempt_timeout: Duration,
    deadline: Duration,
    max_body_bytes: usize,
    retry: RetryConfig,
    pacing: PacingConfig,
    api_version_date: ApiVersionDate,
    pool_idle_timeout: Duration,
    user_agent: Option<String>,
    extra_roots: Vec<CertificateDer<'static>>,
    tls_config: Option<rustls::ClientConfig>,
}

impl Default for TransportBuilder {
    fn default() -> Self {
        Self {
            token: None,
            base_url: Ok(BaseUrl::whop()),
            connect_timeout: Duration::from_secs(10),
            attempt_timeout: Duration::from_secs(30),
            deadline: Duration::from_secs(60),
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            retry: RetryConfig::default(),
            pacing: PacingConfig::default(),
            api_version_date: ApiVersionDate::PINNED,
            pool_idle_timeout: Duration::from_secs(90),
            user_agent: None,
            extra_roots: Vec::new(),
            tls_config: None,
        }
    }
}

impl TransportBuilder {
    /// The default credential: your company API key for v2 calls, or a user's token for `v5/me`
    /// calls. A request with a [`Token`] in its extensions uses that one instead.
    pub fn token(mut self, token: Token) -> Self {
        self.token = Some(token);
        self
    }

    /// The API root that requests with a path-only URI go to, and the only origin credentials
    /// are sent to (octocrab-style: a request elsewhere goes without one). A [`BaseUrl`] or text;
    /// text is checked by [`BaseUrl::parse`] when the transport is built.
    pub fn base_url(mut self, base_url: impl AsRef<str>) -> Self {
        self.base_url = BaseUrl::parse(base_url.as_ref());
        self
    }

    /// The TCP connect timeout (a timeout there is [`ErrorKind::Connect`](crate::ErrorKind),
    /// never sent).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// The timeout of each attempt, connect and body included (`Duration::MAX`: none).
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.attempt_timeout = timeout;
        self
    }

    /// The overall deadline of a call, across all attempts and backoffs (`Duration::MAX`: none).
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = deadline;
        self
    }

    /// The largest response body accepted, in bytes.
    pub fn max_body_bytes(mut self, max: usize) -> Self {
        self.max_body_bytes = max;
        self
    }

    /// The retry settings ([`RetryConfig::disabled()`] for none).
    pub fn retry(mut self, retry: RetryConfig) -> Self {
        self.retry = retry;
        self
    }

    /// Client-side pacing under Whop's rate limits ([`PacingConfig::disabled()`] for none). One
    /// transport and its clones share one pacer. See [`pacing`](crate::pacing).
    pub fn pacing(mut self, pacing: PacingConfig) -> Self {
        self.pacing = pacing;
        self
    }

    /// The `Api-Version-Date` sent on every v1 request that carries none (default
    /// [`ApiVersionDate::PINNED`], the date this release's models are written for; see
    /// [`api_version`](crate::api_version)). A request's own header wins.
    ///
    /// ```
    /// use whop_transport::{ApiVersionDate, Transport};
    ///
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let transport = Transport::builder()
    ///     .api_version_date(ApiVersionDate::new("2026-09-29")?)
    ///     .build()?;
    /// # let _ = transport;
    /// # Ok(())
    /// # }
    /// ```
    pub fn api_version_date(mut self, date: ApiVersionDate) -> Self {
        self.api_version_date = date;
        self
    }

    /// How long an idle pooled connection is kept.
    pub fn pool_idle_timeout(mut self, timeout: Duration) -> Self {
        self.pool_idle_timeout = timeout;
        self
    }

    /// Appends `extension` to the `User-Agent`: `whop-rs/<version> <extension>`.
    pub fn user_agent(mut self, extension: impl Into<String>) -> Self {
        self.user_agent = Some(extension.into());
        self
    }

    /// Trusts `der` (a DER-encoded CA certificate) as well as the default roots. Ignored when
    /// [`tls_config`](Self::tls_config) is set.
    pub fn add_root_certificate(mut self, der: CertificateDer<'static>) -> Self {
        self.extra_roots.push(der);
        self
    }

    /// Uses `config` as the rustls configuration, instead of the one built from the roots. Its
    /// ALPN protocols are replaced by `http/1.1` (and `h2` first, with the `http2` feature).
    pub fn tls_config(mut self, config: rustls::ClientConfig) -> Self {
        self.tls_config = Some(config);
        self
    }

    /// Builds only the innermost service: the pooled client with the body cap, no other layer.
    ///
    /// # Errors
    ///
    /// [`BuildError`] if no root certificate is available or an added one is invalid.
    pub fn build_http_client(&self) -> Result<HttpClient, BuildError> {
        let tls = match &self.tls_config {
            Some(config) => config.clone(),
            None => crate::tls::client_config(&self.extra_roots)?,
        };
        let mut http = HttpConnector::new();
        http.enforce_http(false);
        http.set_connect_timeout(Some(self.connect_timeout));
        http.set_nodelay(true);
        let https = hyper_rustls::HttpsConnectorBuilder::new()
            .with_tls_config(tls)
            .https_or_http()
            .enable_http1();
        #[cfg(feature = "http2")]
        let https = https.enable_http2();
        let https = https.wrap_connector(http);
        let client = Client::builder(TokioExecutor::new())
            .pool_timer(TokioTimer::new())
            .timer(TokioTimer::new())
            .pool_idle_timeout(self.pool_idle_timeout)
            .build(https);
        Ok(HttpClient::new(client, self.max_body_bytes))
    }

    /// Builds the [`Transport`]: the layers of the [module docs](self), outermost first, around
    /// the [`HttpClient`]. Needs no runtime; calls need a Tokio runtime.
    ///
    /// # Errors
    ///
    /// [`BuildError`] if the base URL breaks [`BaseUrl::parse`]'s rule, the user-agent extension
    /// is not a valid header value, no root certificate is available or an added one is invalid.
    pub fn build(self) -> Result<Transport, BuildError> {
        let base_url = self.base_url.clone().map_err(BuildError::base_url)?;
        let auth = AuthLayer::optional(self.token.clone()).only_for(base_url.clone());
        let user_agent = match &self.user_agent {
            Some(extension) => UserAgentLayer::with_extension(extension).map_err(|e| {
                BuildError::new(
                    "the user-agent extension is not a valid header value",
                    Some(Box::new(e)),
                )
            })?,
            None => UserAgentLayer::default(),
        };
        let client = self.build_http_client()?;
        let inner = ServiceBuilder::new()
            .layer(BaseUrlLayer::new(base_url))
            .layer(TraceLayer::new())
            .layer(DeprecationLayer::new())
            .layer(user_agent)
            .layer(ApiVersionLayer::new(&self.api_version_date))
            .layer(IdempotencyLayer::new())
            .layer(auth)
            .layer(DeadlineLayer::new(self.deadline))
            .layer(RetryLayer::new(self.retry))
            .layer(PacingLayer::new(self.pacing))
            .layer(AttemptTimeoutLayer::new(self.attempt_timeout))
            .service(client);
        Ok(Transport { inner })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_clone_send_sync_static<T: Clone + Send + Sync + 'static>() {}
    fn assert_send<T: Send + 'static>() {}

    #[test]
    fn transport_is_clone_send_sync_static_and_its_future_is_send() {
        assert_clone_send_sync_static::<Transport>();
        assert_send::<TransportFuture>();
    }

    #[test]
    fn build_refuses_a_base_url_and_says_the_rule() {
        let err = Transport::builder()
            .base_url("http://api.whop.com/api")
            .build()
            .expect_err("refused");
        let invalid = err.invalid_base_url().expect("a base URL error");
        assert_eq!(invalid.input(), "http://api.whop.com/api");
        assert!(err.to_string().contains("only to loopback hosts"), "{err}");
    }

    #[test]
    fn build_refuses_an_invalid_user_agent_extension() {
        assert!(
            Transport::builder()
                .user_agent("bad\r\nua")
                .build()
                .is_err()
        );
    }
}
