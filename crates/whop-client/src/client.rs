//! The [`Client`], its builder, and the one path every call takes.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::header::{ACCEPT, AUTHORIZATION};
use http::uri::{Authority, PathAndQuery, Scheme};
use http::{HeaderValue, Method, Request, Uri};
use serde::de::DeserializeOwned;
use tower::{Service, ServiceExt};
use whop_transport::{Endpoint, PacingConfig, RetryConfig, Token, Transport, TransportBuilder};

use crate::error::{ApiError, BoxError, DecodeError, Error, InvalidInput};
use crate::response::Response;

/// Whop's API root. Paths such as `/v2/memberships/{id}/cancel` are appended to it.
pub const DEFAULT_BASE_URL: &str = "https://api.whop.com/api";

/// The environment variable [`Client::from_env`] reads the API key from.
pub const ENV_API_KEY: &str = "WHOP_API_KEY";

/// The environment variable [`Client::from_env`] reads an optional base URL from.
pub const ENV_BASE_URL: &str = "WHOP_BASE_URL";

const APPLICATION_JSON: HeaderValue = HeaderValue::from_static("application/json");

/// What the client needs of a transport: any tower `Service` from `http::Request<Bytes>` to
/// `http::Response<Bytes>`, cloneable and shareable across tasks.
///
/// Implemented for every such service: the default [`Transport`], a `whop_mock::MockWhop`,
/// a service wrapped in your own tower layers, or one of your own over another HTTP stack.
/// Errors that are a [`whop_transport::Error`] keep their detail (was the request sent?); any
/// other error is reported as "may have been sent".
pub trait HttpService:
    Service<
        Request<Bytes>,
        Response = http::Response<Bytes>,
        Error: Into<BoxError>,
        Future: Send + 'static,
    > + Clone
    + Send
    + Sync
    + 'static
{
}

impl<S> HttpService for S where
    S: Service<
            Request<Bytes>,
            Response = http::Response<Bytes>,
            Error: Into<BoxError>,
            Future: Send + 'static,
        > + Clone
        + Send
        + Sync
        + 'static
{
}

/// A client for Whop's membership API.
///
/// Cheap to clone (clones share one connection pool) and safe to use from many tasks at once.
/// The type parameter is the transport; the default, [`Transport`], is hyper over rustls with
/// retries, timeouts and tracing, so user code writes plain `Client`.
///
/// ```no_run
/// # async fn run() -> Result<(), whop_client::Error> {
/// use whop_client::{Client, Expand};
///
/// let client = Client::from_env()?; // WHOP_API_KEY
/// let membership = client
///     .cancel_membership("mem_XXXXXXXXXXXXXX")
///     .expand(Expand::Plan)
///     .send()
///     .await?;
/// assert_eq!(membership.cancel_at_period_end, Some(true));
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client<S = Transport> {
    service: S,
    base: Arc<str>,
    origin: Origin,
    authorization: Option<HeaderValue>,
}

/// The base URL's scheme and authority, parsed once: each request parses only its path.
#[derive(Clone, Debug)]
struct Origin {
    scheme: Scheme,
    authority: Authority,
    /// Where the base URL's path (`/api`, or empty) starts in it.
    path_start: usize,
}

impl<S> fmt::Debug for Client<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.base)
            .field(
                "authorization",
                &self.authorization.as_ref().map(|_| "Bearer <redacted>"),
            )
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A builder for a client with the default transport.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client with the default transport, its API key from `WHOP_API_KEY` and, when set, its base
    /// URL from `WHOP_BASE_URL`.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] when `WHOP_API_KEY` is unset or not a valid token, or
    /// `WHOP_BASE_URL` is not an `https` URL (or `http` to a loopback host).
    pub fn from_env() -> Result<Client, Error> {
        let key = std::env::var(ENV_API_KEY).map_err(|_| {
            InvalidInput::new(
                ENV_API_KEY,
                "is not set: set it to your company API key from the Whop dashboard",
            )
        })?;
        let mut builder = Client::builder().token(key);
        if let Ok(base) = std::env::var(ENV_BASE_URL) {
            builder = builder.base_url(base);
        }
        builder.build()
    }
}

impl<S> Client<S> {
    /// A client that sends requests through `service` instead of the default transport: a mock, a
    /// service wrapped in your own tower layers, or another HTTP stack. `base_url` is Whop's API
    /// root ([`DEFAULT_BASE_URL`] for the real API). No token is set: add one with
    /// [`with_token`](Client::with_token), or let your service authenticate.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] when `base_url` is not an `https` URL (or `http` to loopback).
    pub fn with_service(service: S, base_url: &str) -> Result<Client<S>, Error> {
        let (base, origin) = checked_base_url(base_url)?;
        Ok(Client {
            service,
            base,
            origin,
            authorization: None,
        })
    }

    /// The same client (same connection pool, same settings) with another bearer token: a user's
    /// OAuth token or an app-proxy JWT for the `v5/me` endpoints, while the original keeps the
    /// company key for v2.
    pub fn with_token(&self, token: &Token) -> Client<S>
    where
        S: Clone,
    {
        Client {
            service: self.service.clone(),
            base: Arc::clone(&self.base),
            origin: self.origin.clone(),
            authorization: Some(token.header_value()),
        }
    }

    /// The API root requests go to.
    pub fn base_url(&self) -> &str {
        &self.base
    }

    /// A request to `path` (from [`url`](Self::url)) on the base URL's origin, with this client's
    /// headers and the route's label for tracing.
    pub(crate) fn request(
        &self,
        method: Method,
        path: String,
        endpoint: Endpoint,
    ) -> Result<Request<Bytes>, Error> {
        let invalid = |e: &dyn fmt::Display| {
            InvalidInput::new("request URL", format!("could not be built: {e}"))
        };
        let mut parts = http::uri::Parts::default();
        parts.scheme = Some(self.origin.scheme.clone());
        parts.authority = Some(self.origin.authority.clone());
        parts.path_and_query = Some(PathAndQuery::try_from(path).map_err(|e| invalid(&e))?);
        let uri = Uri::from_parts(parts).map_err(|e| invalid(&e))?;
        let mut request = Request::new(Bytes::new());
        *request.method_mut() = method;
        *request.uri_mut() = uri;
        let headers = request.headers_mut();
        headers.insert(ACCEPT, APPLICATION_JSON);
        if let Some(authorization) = &self.authorization {
            headers.insert(AUTHORIZATION, authorization.clone());
        }
        request.extensions_mut().insert(endpoint);
        Ok(request)
    }

    /// The start of a request's path and query: the base URL's path and `path`, with room for a
    /// segment and more. [`request`](Self::request) puts the base URL's origin in front.
    pub(crate) fn url(&self, path: &str, extra: usize) -> String {
        let base_path = &self.base[self.origin.path_start..];
        let mut url = String::with_capacity(base_path.len() + path.len() + extra);
        url.push_str(base_path);
        url.push_str(path);
        url
    }
}

impl<S: HttpService> Client<S> {
    /// Sends `request` and decodes a success into `T`; anything else becomes an [`Error`].
    pub(crate) async fn execute<T: DeserializeOwned>(
        &self,
        request: Request<Bytes>,
    ) -> Result<Response<T>, Error> {
        let response = self
            .service
            .clone()
            .oneshot(request)
            .await
            .map_err(|e| Error::from_service(e.into()))?;
        let (parts, body) = response.into_parts();
        if parts.status.is_success() {
            match whop_models::decode::<T>(&body) {
                Ok(value) => Ok(Response::new(value, parts.status, &parts.headers)),
                Err(e) => Err(Error::Decode(Box::new(DecodeError::new(
                    parts.status,
                    e,
                    body,
                )))),
            }
        } else {
            let retry_after = whop_transport::retry_after(&parts.headers);
            Err(Error::Api(Box::new(ApiError::new(
                parts.status,
                retry_after,
                body,
            ))))
        }
    }
}

fn checked_base_url(base_url: &str) -> Result<(Arc<str>, Origin), InvalidInput> {
    let trimmed = base_url.trim_end_matches('/');
    let uri: Uri = trimmed
        .parse()
        .map_err(|e| InvalidInput::new("base URL", format!("is not a URL: {e}")))?;
    if uri.query().is_some() {
        return Err(InvalidInput::new("base URL", "must not have a query"));
    }
    whop_transport::check_base_url(&uri)
        .map_err(|e| InvalidInput::new("base URL", format!("is refused: {e}")))?;
    let (Some(scheme), Some(authority)) = (uri.scheme(), uri.authority()) else {
        return Err(InvalidInput::new("base URL", "must be absolute"));
    };
    let origin = Origin {
        scheme: scheme.clone(),
        authority: authority.clone(),
        path_start: scheme.as_str().len() + "://".len() + authority.as_str().len(),
    };
    Ok((Arc::from(trimmed), origin))
}

/// Builds a [`Client`] over the default transport.
///
/// Settings that can be wrong (the token, the base URL) are checked by [`build`](Self::build).
/// Its `Debug` output shows whether a token is set, never the token.
#[derive(Default)]
#[must_use]
pub struct ClientBuilder {
    token: Option<String>,
    base_url: Option<String>,
    transport: TransportBuilder,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("token", &self.token.as_ref().map(|_| "<redacted>"))
            .field("base_url", &self.base_url)
            .field("transport", &self.transport)
            .finish()
    }
}

impl ClientBuilder {
    /// The bearer token sent with every request: your company API key for v2 calls, or a user's
    /// token for `v5/me` calls. Derive a client with another token with [`Client::with_token`].
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(token.into());
        self
    }

    /// The API root, [`DEFAULT_BASE_URL`] unless set: `https` only, or `http` to a loopback host
    /// (a local mock).
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = Some(base_url.into());
        self
    }

    /// How long to wait for a TCP and TLS connection.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.transport = self.transport.connect_timeout(timeout);
        self
    }

    /// How long one attempt may take, from sending to the whole body read.
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.transport = self.transport.attempt_timeout(timeout);
        self
    }

    /// How long a whole call may take, all attempts and waits between them included.
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.transport = self.transport.deadline(deadline);
        self
    }

    /// When and how often to retry. See [`RetryConfig`].
    pub fn retry(mut self, retry: RetryConfig) -> Self {
        self.transport = self.transport.retry(retry);
        self
    }

    /// Client-side pacing under Whop's rate limits (on by default: v2 100 and v5 20 requests per
    /// 10 s). A call waits for a slot rather than trip Whop's 60 s cooldown of 429s; a call whose
    /// slot would come after its deadline fails at once, never sent. Turn it off with
    /// [`PacingConfig::disabled()`] when your application has its own limiter, or when several
    /// processes share one key (each paces only itself). See [`whop_transport::pacing`].
    pub fn pacing(mut self, pacing: PacingConfig) -> Self {
        self.transport = self.transport.pacing(pacing);
        self
    }

    /// Any other transport setting (root certificates, body size cap, pool idle timeout, ...).
    pub fn transport(
        mut self,
        configure: impl FnOnce(TransportBuilder) -> TransportBuilder,
    ) -> Self {
        self.transport = configure(self.transport);
        self
    }

    /// Builds the client and its transport.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for a token that cannot be a header (empty, CR/LF) or a refused base
    /// URL, or transport settings that cannot work (TLS set-up).
    pub fn build(self) -> Result<Client, Error> {
        let (base, origin) =
            checked_base_url(self.base_url.as_deref().unwrap_or(DEFAULT_BASE_URL))?;
        let authorization = match self.token {
            Some(token) => Some(
                Token::new(token)
                    .map_err(|e| InvalidInput::new("API token", format!("is refused: {e}")))?
                    .header_value(),
            ),
            None => None,
        };
        let service = self
            .transport
            .build()
            .map_err(|e| InvalidInput::new("transport settings", format!("are refused: {e}")))?;
        Ok(Client {
            service,
            base,
            origin,
            authorization,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_builder_debug_does_not_show_the_token() {
        let builder = Client::builder().token("sk_live_secret_in_builder");
        let debug = format!("{builder:?}");
        assert!(!debug.contains("secret_in_builder"), "{debug}");
        assert!(debug.contains("<redacted>"), "{debug}");
    }
}
