//! [`UserAuthLayer`]: API calls made with the signed-in user's token, refreshed as needed.
//!
//! Put it outermost around whop-transport's [`Transport`](whop_transport::Transport) (with
//! whop-client: `Client::builder().layer(UserAuthLayer::new(source))`). Each request gets the
//! [`TokenSource`]'s current token as a [`Token`] extension, which the transport's auth layer
//! puts in the `Authorization` header for the API's origin only (so this layer never decides
//! where a token may go). A 401 refreshes once ([`TokenSource::refresh_after_unauthorized`]: many
//! 401s at once still make one refresh) and resends; a 401 with the new token is
//! [`Error::SignInAgain`]. A request that already carries a token of
//! its own (`Client::with_token`) goes through untouched.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Bytes;
use http::{Request, Response, StatusCode};
use tower::{BoxError, Layer, Service, ServiceExt as _};
use whop_transport::Token;

use crate::{Error, TokenSource};

/// Authenticates requests as the signed-in user of a [`TokenSource`]. See the [module docs](self).
#[derive(Clone, Debug)]
pub struct UserAuthLayer {
    source: Arc<TokenSource>,
}

impl UserAuthLayer {
    /// Requests authenticated with `source`'s tokens.
    pub fn new(source: Arc<TokenSource>) -> Self {
        Self { source }
    }
}

impl<S> Layer<S> for UserAuthLayer {
    type Service = UserAuth<S>;

    fn layer(&self, inner: S) -> UserAuth<S> {
        UserAuth {
            inner,
            source: Arc::clone(&self.source),
        }
    }
}

/// The service of [`UserAuthLayer`].
#[derive(Clone, Debug)]
pub struct UserAuth<S> {
    inner: S,
    source: Arc<TokenSource>,
}

impl<S> UserAuth<S> {
    /// The wrapped service.
    pub fn get_ref(&self) -> &S {
        &self.inner
    }

    /// The wrapped service, mutably.
    pub fn get_mut(&mut self) -> &mut S {
        &mut self.inner
    }

    /// Unwraps the service.
    pub fn into_inner(self) -> S {
        self.inner
    }
}

impl<S> Service<Request<Bytes>> for UserAuth<S>
where
    S: Service<Request<Bytes>, Response = Response<Bytes>> + Clone + Send + 'static,
    S::Error: Into<BoxError>,
    S::Future: Send,
{
    type Response = Response<Bytes>;
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = Result<Response<Bytes>, BoxError>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.inner.poll_ready(cx).map_err(Into::into)
    }

    fn call(&mut self, request: Request<Bytes>) -> Self::Future {
        // The ready service answers this call; a clone (made ready in turn) sends a resend.
        let ready = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, ready);
        let source = Arc::clone(&self.source);
        Box::pin(async move {
            if request.extensions().get::<Token>().is_some() {
                return inner.call(request).await.map_err(Into::into);
            }
            let token = source.token().await?;
            let resend = copy(&request);
            let response = inner
                .call(with_token(request, &token))
                .await
                .map_err(Into::into)?;
            if response.status() != StatusCode::UNAUTHORIZED {
                return Ok(response);
            }
            let fresh = source.refresh_after_unauthorized(&token).await?;
            let response = inner
                .ready()
                .await
                .map_err(Into::into)?
                .call(with_token(resend, &fresh))
                .await
                .map_err(Into::into)?;
            if response.status() == StatusCode::UNAUTHORIZED {
                return Err(Error::SignInAgain {
                    reason: "Whop refused the access token even after a refresh".to_owned(),
                }
                .into());
            }
            Ok(response)
        })
    }
}

fn with_token(mut request: Request<Bytes>, token: &Token) -> Request<Bytes> {
    request.extensions_mut().insert(token.clone());
    request
}

/// The same request again (a body of `Bytes` is cheap to share), for the one resend after a 401,
/// which Whop answers before acting on the request.
fn copy(request: &Request<Bytes>) -> Request<Bytes> {
    let mut copy = Request::new(request.body().clone());
    *copy.method_mut() = request.method().clone();
    *copy.uri_mut() = request.uri().clone();
    *copy.version_mut() = request.version();
    *copy.headers_mut() = request.headers().clone();
    *copy.extensions_mut() = request.extensions().clone();
    copy
}
