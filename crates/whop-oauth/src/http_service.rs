//! The HTTP client that `oauth2` sends through: any tower service of ours.
//!
//! `oauth2` builds each request as `http::Request<Vec<u8>>` and hands it to an
//! [`AsyncHttpClient`]; [`HttpService`] sends it through a boxed
//! `tower::Service<http::Request<Bytes>, Response = http::Response<Bytes>>`. By default that is
//! whop-transport's [`HttpClient`](whop_transport::HttpClient) alone: no retry layer (a code is
//! single-use and a refresh token rotates, so a resend would fail or, worse, burn the new token),
//! no auth layer (an API key must never reach the token endpoint).

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use bytes::Bytes;
use oauth2::{AsyncHttpClient, HttpRequest, HttpResponse};
use tower::util::BoxCloneSyncService;
use tower::{BoxError, Layer as _, Service, ServiceExt as _};
use whop_transport::DeadlineLayer;

/// How long [`HttpService::whop`] lets one OAuth request take, connection included.
pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(30);

/// The HTTP service OAuth requests go through. Cheap to clone.
#[derive(Clone)]
pub struct HttpService {
    inner: BoxCloneSyncService<http::Request<Bytes>, http::Response<Bytes>, BoxError>,
}

impl fmt::Debug for HttpService {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpService").finish_non_exhaustive()
    }
}

impl HttpService {
    /// Wraps `service`. Give it no default credential and no retry (see the module docs).
    pub fn new<S>(service: S) -> Self
    where
        S: Service<http::Request<Bytes>, Response = http::Response<Bytes>>
            + Clone
            + Send
            + Sync
            + 'static,
        S::Error: Into<BoxError>,
        S::Future: Send + 'static,
    {
        Self {
            inner: BoxCloneSyncService::new(service.map_err(Into::into)),
        }
    }

    /// whop-transport's pooled client over rustls, with its default settings, each request
    /// bounded by [`DEFAULT_DEADLINE`] (a sign-in must not hang on a silent server).
    ///
    /// # Errors
    /// [`whop_transport::BuildError`] if no root certificate is available.
    pub fn whop() -> Result<Self, whop_transport::BuildError> {
        let client = whop_transport::Transport::builder().build_http_client()?;
        Ok(Self::new(
            DeadlineLayer::new(DEFAULT_DEADLINE).layer(client),
        ))
    }

    /// Sends `request` and returns the response, any status included.
    ///
    /// # Errors
    /// The service's error: no usable response arrived.
    pub async fn send(
        &self,
        request: http::Request<Bytes>,
    ) -> Result<http::Response<Bytes>, HttpError> {
        self.inner.clone().oneshot(request).await.map_err(HttpError)
    }
}

/// The HTTP service failed: no usable response arrived (the source says why, and whether the
/// request may have been sent when it is a [`whop_transport::Error`]).
#[derive(Debug)]
pub struct HttpError(pub BoxError);

impl fmt::Display for HttpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the OAuth request failed: {}", self.0)
    }
}

impl std::error::Error for HttpError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&*self.0)
    }
}

impl<'c> AsyncHttpClient<'c> for HttpService {
    type Error = HttpError;
    type Future = Pin<Box<dyn Future<Output = Result<HttpResponse, HttpError>> + Send + 'c>>;

    fn call(&'c self, request: HttpRequest) -> Self::Future {
        Box::pin(async move {
            let response = self.send(request.map(Bytes::from)).await?;
            Ok(response.map(|body| body.to_vec()))
        })
    }
}
