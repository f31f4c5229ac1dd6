//! The [`Client`], its builder, and the one path every call takes.

use std::fmt;

use bytes::Bytes;
use http::Request;
use serde::de::DeserializeOwned;
use tower::{Service, ServiceExt};
use whop_transport::{BaseUrl, DEFAULT_BASE_URL, Token, Transport, TransportBuilder};

use crate::endpoint::Call;
use crate::error::{ApiError, BoxError, DecodeError, Error, InvalidInput, Retired, means_retired};
use crate::response::Response;

/// The environment variable [`Client::from_env`] reads the API key from.
pub const ENV_API_KEY: &str = "WHOP_API_KEY";

/// The environment variable [`Client::from_env`] reads an optional base URL from.
pub const ENV_BASE_URL: &str = "WHOP_BASE_URL";

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
/// retries, pacing, timeouts and tracing, so user code writes plain `Client`.
///
/// The client itself is thin: it builds each request (its URI under the transport's base URL,
/// the endpoint's description in its extensions) and decodes the answer. Where requests go and which
/// credential they carry is the transport's business: see [`ClientBuilder::transport`].
///
/// ```no_run
/// # async fn run() -> Result<(), whop_client::Error> {
/// use whop_client::Client;
///
/// let client = Client::from_env()?; // WHOP_API_KEY
/// let membership = client
///     .cancel_membership_at_period_end("mem_XXXXXXXXXXXXXX")
///     .await?;
/// assert_eq!(membership.cancel_at_period_end, Some(true));
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client<S = Transport> {
    service: S,
    /// The credential of this client's requests, when it is not the transport's default.
    credential: Option<Token>,
    /// Where the transport sends requests, when known (a client from the builder): named in the
    /// error for a route that does not exist there.
    base_url: Option<BaseUrl>,
}

impl<S> fmt::Debug for Client<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("credential", &self.credential)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A builder for a client with the default transport.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client of Whop's API with the default transport and `token` as its credential.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] when the transport cannot be set up (no TLS root certificates).
    pub fn new(token: Token) -> Result<Client, Error> {
        Client::builder().transport(|t| t.token(token)).build()
    }

    /// A client with the default transport, its API key from `WHOP_API_KEY`, its base URL from
    /// `WHOP_BASE_URL` when set, and its pacing shared through the Redis named by
    /// `WHOP_PACING_REDIS_URL` when set ([`pacing_from_env`](crate::pacing_from_env)).
    ///
    /// # Errors
    /// [`Error::InvalidInput`] when `WHOP_API_KEY` is unset or not a valid token,
    /// `WHOP_BASE_URL` breaks the base URL rule ([`BaseUrl::parse`]), or `WHOP_PACING_REDIS_URL`
    /// is not a Redis URL (or is set in a build without the `redis` feature).
    pub fn from_env() -> Result<Client, Error> {
        let key = std::env::var(ENV_API_KEY).map_err(|_| {
            InvalidInput::new(
                ENV_API_KEY,
                "is not set: set it to your company API key from the Whop dashboard",
            )
        })?;
        let token = Token::new(key)?;
        let base_url = std::env::var(ENV_BASE_URL).unwrap_or_else(|_| DEFAULT_BASE_URL.to_owned());
        let pacing = crate::pacing_from_env()?;
        Client::builder()
            .transport(|t| t.token(token).base_url(base_url).pacing(pacing))
            .build()
    }
}

impl Client<Transport> {
    /// The API root this client's requests go to (the transport's).
    pub fn base_url(&self) -> &whop_transport::BaseUrl {
        self.service.base_url()
    }
}

impl<S> Client<S> {
    /// A client that sends requests through `service` instead of the default transport: a
    /// service wrapped in your own tower layers, a mock, or another HTTP stack.
    ///
    /// Requests reach `service` with a URI that is a path relative to the API root
    /// (`/v1/memberships/mem_1/cancel`), a [`whop_transport::Endpoint`] extension, and, for a
    /// client made with [`with_token`](Client::with_token), a [`Token`] extension. Put
    /// [`whop_transport::BaseUrlLayer`] and [`whop_transport::AuthLayer`] in front of a service that
    /// needs an absolute URI and an `Authorization` header, and
    /// [`whop_transport::ApiVersionLayer`] (and [`whop_transport::IdempotencyLayer`]) in front of
    /// one that talks to Whop's Current API: without its `Api-Version-Date`, Whop answers a v1
    /// request with its older "Legacy" resource, which the Current API's models do not describe. Its error may be any error type
    /// (`Into<BoxError>`): a [`whop_transport::Error`] keeps its detail (was the request sent?),
    /// any other is reported as "may have been sent", with it as the source.
    ///
    /// ```
    /// use bytes::Bytes;
    /// use tower::ServiceBuilder;
    /// use whop_client::{Client, Token};
    /// use whop_transport::{ApiVersionDate, ApiVersionLayer, AuthLayer, BaseUrl, BaseUrlLayer};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let base = BaseUrl::parse("https://api.whop.com/api")?;
    /// let mine = tower::service_fn(|request: http::Request<Bytes>| async move {
    ///     // Your HTTP stack here; it sees the absolute URI and the user's Authorization header.
    ///     assert_eq!(request.uri(), "https://api.whop.com/api/v1/memberships/mem_1");
    ///     assert_eq!(request.headers()["authorization"], "Bearer user_token");
    ///     assert_eq!(request.headers()["api-version-date"], "2026-09-15");
    ///     let body = r#"{"id":"mem_1","status":"active","created_at":"2026-01-01T00:00:00Z"}"#;
    ///     Ok::<_, std::io::Error>(http::Response::new(Bytes::from_static(body.as_bytes())))
    /// });
    /// let service = ServiceBuilder::new()
    ///     .layer(BaseUrlLayer::new(base.clone()))
    ///     .layer(AuthLayer::per_request_only().only_for(base))
    ///     .layer(ApiVersionLayer::new(&ApiVersionDate::PINNED))
    ///     .service(mine);
    /// let client = Client::with_service(service).with_token(&Token::new("user_token")?);
    /// let membership = client.membership("mem_1").await?;
    /// assert_eq!(membership.id.as_str(), "mem_1");
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// To hand such a client around, return `Client<impl HttpService>` from the function that
    /// builds it, or [`boxed`](Client::boxed) it into a [`BoxClient`](crate::BoxClient). Your
    /// service *replaces* the default transport here; to keep the default transport and add a
    /// layer of yours around it instead, use [`ClientBuilder::layer`].
    pub fn with_service(service: S) -> Client<S> {
        Client {
            service,
            credential: None,
            base_url: None,
        }
    }

    /// The same client (same connection pool, same settings) with another credential: a user's
    /// OAuth token or an app-proxy JWT for the `v5/me` endpoints, while the original keeps the
    /// company key for v2. The token rides in each request's extensions; the transport's auth
    /// layer puts it in the `Authorization` header, as it does the default one.
    pub fn with_token(&self, token: &Token) -> Client<S>
    where
        S: Clone,
    {
        Client {
            service: self.service.clone(),
            credential: Some(token.clone()),
            base_url: self.base_url.clone(),
        }
    }

    /// The transport under this client.
    pub fn service(&self) -> &S {
        &self.service
    }

    /// The same client (credential, base URL) over `f(service)`.
    pub(crate) fn map_service<T>(self, f: impl FnOnce(S) -> T) -> Client<T> {
        Client {
            service: f(self.service),
            credential: self.credential,
            base_url: self.base_url,
        }
    }
}

impl<S: HttpService> Client<S> {
    /// Builds `call`, sends it, and decodes a success into `T`; anything else becomes an [`Error`].
    pub(crate) async fn send<T: DeserializeOwned>(&self, call: Call) -> Result<Response<T>, Error> {
        let route = call.route();
        let side_effect = route.has_side_effect();
        let mut request = call.build()?;
        if let Some(token) = &self.credential {
            request.extensions_mut().insert(token.clone());
        }
        let response = ready_then_call(self.service.clone(), request)
            .await
            .map_err(|e| Error::from_service(e, side_effect))?;
        let (parts, body) = response.into_parts();
        let describe = || {
            let base = self.base_url.as_ref().map_or("<base URL>", BaseUrl::as_str);
            route.describe(base)
        };
        if let Some(successor) = route.successor_call()
            && means_retired(parts.status, &body)
        {
            let retired = Retired::new(parts.status, describe(), successor, body);
            return Err(Error::Retired(Box::new(retired)));
        }
        if parts.status.is_success() {
            match whop_models::decode::<T>(&body) {
                Ok(value) => Ok(Response::new(value, parts.status, &parts.headers, body)),
                Err(e) => Err(Error::Decode(Box::new(DecodeError::new(
                    parts.status,
                    e,
                    body,
                    side_effect,
                )))),
            }
        } else {
            // `Retry-After`, or the wait a Current API 429 names in its message: the transport's
            // one rule, as its retry layer and pacer read it.
            let retry_after = whop_transport::requested_wait(
                parts.status,
                &parts.headers,
                &body,
                Some(route.family()),
            );
            let error = ApiError::new(parts.status, retry_after, body, side_effect)
                .requested(describe)
                .retired_successor(route.successor_call());
            Err(Error::Api(Box::new(error)))
        }
    }
}

/// `service.ready().await?.call(request).await`, with the service's error boxed (so the future
/// is `Send` whatever the error type).
async fn ready_then_call<S: HttpService>(
    mut service: S,
    request: Request<Bytes>,
) -> Result<http::Response<Bytes>, BoxError> {
    let ready = service.ready().await.map_err(Into::into)?;
    ready.call(request).await.map_err(Into::into)
}

/// Builds a [`Client`] over the default transport.
///
/// Where requests go, the credential, retries, pacing and timeouts are the transport's settings:
/// set them with [`transport`](Self::transport) on a [`TransportBuilder`], whose docs list each
/// one and its default.
///
/// ```
/// use std::time::Duration;
/// use whop_client::{Client, Token};
///
/// # fn main() -> Result<(), whop_client::Error> {
/// let token = Token::new("test-key")?;
/// let client = Client::builder()
///     .transport(|t| {
///         t.token(token)
///             .base_url("http://127.0.0.1:8080/api") // a local whop-mock
///             .deadline(Duration::from_secs(5))
///     })
///     .build()?;
/// # let _ = client;
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Default)]
#[must_use]
pub struct ClientBuilder {
    transport: TransportBuilder,
}

impl ClientBuilder {
    /// Configures the transport: `configure` gets the builder so far and returns it changed.
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
    /// [`Error::InvalidInput`] for a base URL that breaks the rule of [`BaseUrl::parse`] (it says
    /// which rule, and what to use), or transport settings that cannot work (TLS set-up, a
    /// user-agent extension that is not a header value).
    pub fn build(self) -> Result<Client, Error> {
        let service = self
            .transport
            .build()
            .map_err(|e| match e.invalid_base_url() {
                Some(invalid) => Error::from(invalid.clone()),
                None => InvalidInput::new("transport settings", format!("are refused: {e}")).into(),
            })?;
        let base_url = service.base_url().clone();
        Ok(Client {
            base_url: Some(base_url),
            ..Client::with_service(service)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_debug_does_not_show_its_token() {
        let token = Token::new("sk_live_secret_in_client").expect("valid");
        let client = Client::new(token.clone())
            .expect("builds")
            .with_token(&token);
        let debug = format!("{client:?}");
        assert!(!debug.contains("secret_in_client"), "{debug}");
    }
}
