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
use http::HeaderValue;
use http::header::CONTENT_TYPE;
use oauth2::url::form_urlencoded;
use oauth2::{AsyncHttpClient, HttpRequest, HttpResponse};
use tower::util::BoxCloneSyncService;
use tower::{BoxError, Layer as _, Service, ServiceExt as _};
use whop_transport::DeadlineLayer;

/// How long [`HttpService::whop`] lets one OAuth request take, connection included.
pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(30);

/// How the bodies of the token and revocation requests are encoded.
///
/// RFC 6749 and `oauth2` send a form (`application/x-www-form-urlencoded`); Whop's guide sends
/// the same fields as a JSON object, and community clients report that Whop takes both. Form is
/// the default (the standard, and what every generic OAuth client sends); `Json` re-encodes each
/// form body as a JSON object of the same string fields, for a server that takes only JSON.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum BodyEncoding {
    /// `application/x-www-form-urlencoded` (RFC 6749).
    #[default]
    Form,
    /// `application/json`, as Whop's guide sends it.
    Json,
}

/// The HTTP service OAuth requests go through. Cheap to clone.
#[derive(Clone)]
pub struct HttpService {
    inner: BoxCloneSyncService<http::Request<Bytes>, http::Response<Bytes>, BoxError>,
    encoding: BodyEncoding,
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
            encoding: BodyEncoding::Form,
        }
    }

    /// The same service, encoding request bodies as `encoding` says.
    pub fn body_encoding(mut self, encoding: BodyEncoding) -> Self {
        self.encoding = encoding;
        self
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
        let request = match self.encoding {
            BodyEncoding::Form => request,
            BodyEncoding::Json => form_as_json(request),
        };
        self.inner.clone().oneshot(request).await.map_err(HttpError)
    }
}

/// A form-encoded request with its fields as a JSON object instead; any other request as it is.
fn form_as_json(mut request: http::Request<Bytes>) -> http::Request<Bytes> {
    let is_form = request
        .headers()
        .get(CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(FORM.as_bytes()));
    if !is_form {
        return request;
    }
    let fields: serde_json::Map<String, serde_json::Value> = form_urlencoded::parse(request.body())
        .map(|(name, value)| (name.into_owned(), value.into_owned().into()))
        .collect();
    *request.body_mut() = Bytes::from(serde_json::Value::Object(fields).to_string());
    request
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    request
}

const FORM: &str = "application/x-www-form-urlencoded";

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
