//! The deprecation layer: a `Deprecation` or `Sunset` response header becomes a warning, once per
//! route.
//!
//! Whop's v2 responses carry `Deprecation` as it moves to a newer API. That is news for the
//! operator, not a failure: the layer logs a `tracing::warn!` the first time each route sees one
//! and leaves the headers on the response, where the caller can read them. The set of routes
//! already warned about is bounded, so paths that vary per call cannot grow it without limit.

use std::collections::HashSet;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use http::{HeaderMap, HeaderName, HeaderValue, Request, Response, Uri};
use pin_project_lite::pin_project;
use tower::{Layer, Service};

use crate::extensions::RequestExt;
use crate::trace::RedactedPath;

/// The `Deprecation` header (RFC 9745).
pub const DEPRECATION: HeaderName = HeaderName::from_static("deprecation");
/// The `Sunset` header (RFC 8594).
pub const SUNSET: HeaderName = HeaderName::from_static("sunset");

const MAX_ROUTES: usize = 256;

/// The `Deprecation` and `Sunset` headers of a response (the first value of each), if any.
///
/// Found in one pass over the header names: a response has a handful of headers, and comparing
/// names is cheaper than hashing two non-standard names to look each up.
///
/// ```
/// use whop_transport::DeprecationNotice;
///
/// let mut headers = http::HeaderMap::new();
/// headers.insert("deprecation", http::HeaderValue::from_static("true"));
/// let notice = DeprecationNotice::of(&headers);
/// assert_eq!(notice.deprecation.map(|v| v.as_bytes()), Some(&b"true"[..]));
/// assert_eq!(notice.sunset, None);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DeprecationNotice<'a> {
    /// The [`DEPRECATION`] header.
    pub deprecation: Option<&'a HeaderValue>,
    /// The [`SUNSET`] header.
    pub sunset: Option<&'a HeaderValue>,
}

impl<'a> DeprecationNotice<'a> {
    /// The notice in `headers`.
    pub fn of(headers: &'a HeaderMap) -> Self {
        let mut notice = Self::default();
        for (name, value) in headers {
            if *name == DEPRECATION {
                notice.deprecation.get_or_insert(value);
            } else if *name == SUNSET {
                notice.sunset.get_or_insert(value);
            }
        }
        notice
    }
}

/// Warns once per route about `Deprecation` / `Sunset` response headers.
#[derive(Clone, Debug, Default)]
pub struct DeprecationLayer {
    warned: Arc<Warned>,
}

/// The routes already warned about, shared by every service of one layer.
#[derive(Debug, Default)]
struct Warned(Mutex<HashSet<String>>);

impl Warned {
    /// Warns if `response` to the call of `route` is the first of its route marked deprecated.
    fn observe<RB>(&self, route: &RouteKey, response: &Response<RB>) {
        let notice = DeprecationNotice::of(response.headers());
        if notice.deprecation.is_none() && notice.sunset.is_none() {
            return;
        }
        let name = match route {
            RouteKey::Template(route) => (*route).to_owned(),
            RouteKey::Path(uri) => RedactedPath(uri).to_string(),
        };
        // A poisoned lock only means another thread panicked mid-insert; the set is still a
        // valid set, so keep using it.
        let mut warned = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if warned.len() < MAX_ROUTES && warned.insert(name.clone()) {
            drop(warned);
            tracing::warn!(
                route = %name,
                deprecation = ?notice.deprecation,
                sunset = ?notice.sunset,
                "Whop marks this endpoint deprecated; it may be removed"
            );
        }
    }
}

impl DeprecationLayer {
    /// A layer with an empty set of warned routes (shared by all services it makes).
    pub fn new() -> Self {
        Self::default()
    }
}

impl<S> Layer<S> for DeprecationLayer {
    type Service = Deprecation<S>;

    fn layer(&self, inner: S) -> Self::Service {
        Deprecation {
            inner,
            warned: self.warned.clone(),
        }
    }
}

/// The service made by [`DeprecationLayer`].
#[derive(Clone, Debug)]
pub struct Deprecation<S> {
    inner: S,
    warned: Arc<Warned>,
}

crate::inner_service_accessors!(Deprecation);

impl<S, B, RB> Service<Request<B>> for Deprecation<S>
where
    S: Service<Request<B>, Response = Response<RB>>,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = DeprecationFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request<B>) -> Self::Future {
        let route = RouteKey::of(&req);
        DeprecationFuture {
            inner: self.inner.call(req),
            route,
            warned: self.warned.clone(),
        }
    }
}

/// What a deprecation warning names: the route template, or the redacted path.
#[derive(Debug)]
enum RouteKey {
    Template(&'static str),
    Path(Uri),
}

impl RouteKey {
    fn of<B>(req: &Request<B>) -> Self {
        match req.endpoint() {
            Some(endpoint) => RouteKey::Template(endpoint.route()),
            None => RouteKey::Path(req.uri().clone()),
        }
    }
}

pin_project! {
    /// The future of [`Deprecation`].
    #[derive(Debug)]
    pub struct DeprecationFuture<F> {
        #[pin]
        inner: F,
        route: RouteKey,
        warned: Arc<Warned>,
    }
}

impl<F, RB, E> Future for DeprecationFuture<F>
where
    F: Future<Output = Result<Response<RB>, E>>,
{
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let result = std::task::ready!(this.inner.poll(cx));
        if let Ok(response) = &result {
            this.warned.observe(this.route, response);
        }
        Poll::Ready(result)
    }
}

#[cfg(test)]
mod tests {
    use std::convert::Infallible;

    use tower::ServiceExt;

    use super::*;

    #[tokio::test]
    async fn deprecation_header_is_kept_and_each_route_is_remembered_once() {
        let layer = DeprecationLayer::new();
        let svc = tower::service_fn(|_req: Request<()>| async {
            Ok::<_, Infallible>(
                Response::builder()
                    .header(DEPRECATION, "true")
                    .body(())
                    .expect("valid"),
            )
        });
        for _ in 0..3 {
            let req = Request::get("https://h/api/v2/memberships/mem_1")
                .body(())
                .expect("valid");
            let resp = layer
                .layer(svc)
                .oneshot(req)
                .await
                .unwrap_or_else(|n| match n {});
            assert_eq!(resp.headers()[DEPRECATION], "true");
        }
        let warned = layer.warned.0.lock().expect("not poisoned");
        assert_eq!(warned.len(), 1);
        assert!(warned.contains("/api/v2/memberships/{redacted}"));
    }
}
