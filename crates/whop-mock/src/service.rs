//! [`MockWhop`] as a `tower::Service`: no network, for unit tests of anything that sends
//! `http::Request<Bytes>` through a Service.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http::{Request, Response};

use crate::error::MockError;
use crate::mock::MockWhop;

/// The future of [`MockWhop`]'s `Service::call`.
pub type ResponseFuture = Pin<Box<dyn Future<Output = Result<Response<Bytes>, MockError>> + Send>>;

/// The path is taken from the request URI's path (origin-form `/api/…` or absolute-form
/// `http://host/api/…` alike); the query from its query. Always ready.
impl tower::Service<Request<Bytes>> for MockWhop {
    type Response = Response<Bytes>;
    type Error = MockError;
    type Future = ResponseFuture;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request<Bytes>) -> Self::Future {
        let mock = self.clone();
        Box::pin(async move { Ok(mock.respond(request).await?.into_response().await) })
    }
}
