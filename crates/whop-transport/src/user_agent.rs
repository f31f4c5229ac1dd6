//! The user-agent layer: `User-Agent: whop-rs/<version>` unless the request names its own.
//!
//! The value is built once (a static string by default) and cloned per request, which costs no
//! allocation.

use std::task::{Context, Poll};

use http::header::{Entry, USER_AGENT};
use http::{HeaderValue, Request};
use tower::{Layer, Service};

/// `whop-rs/<crate version>`.
pub const DEFAULT_USER_AGENT: &str = concat!("whop-rs/", env!("CARGO_PKG_VERSION"));

/// Sets `User-Agent` on requests without one.
#[derive(Clone, Debug)]
pub struct UserAgentLayer {
    value: HeaderValue,
}

impl Default for UserAgentLayer {
    fn default() -> Self {
        Self {
            value: HeaderValue::from_static(DEFAULT_USER_AGENT),
        }
    }
}

impl UserAgentLayer {
    /// Sets `value` as the `User-Agent`.
    pub fn new(value: HeaderValue) -> Self {
        Self { value }
    }

    /// `whop-rs/<version> <extension>`, e.g. `whop-rs/0.1.0 my-app/2.3`.
    ///
    /// # Errors
    ///
    /// [`http::header::InvalidHeaderValue`] if `extension` contains a byte invalid in a header.
    pub fn with_extension(extension: &str) -> Result<Self, http::header::InvalidHeaderValue> {
        let value = format!("{DEFAULT_USER_AGENT} {}", extension.trim());
        Ok(Self {
            value: HeaderValue::from_maybe_shared(bytes::Bytes::from(value))?,
        })
    }
}

/// Sets `User-Agent: value` on `req` unless it has one (one lookup either way).
fn set_unless_present<B>(value: &HeaderValue, req: &mut Request<B>) {
    if let Entry::Vacant(slot) = req.headers_mut().entry(USER_AGENT) {
        slot.insert(value.clone());
    }
}

impl<S> Layer<S> for UserAgentLayer {
    type Service = UserAgent<S>;

    fn layer(&self, inner: S) -> Self::Service {
        UserAgent {
            inner,
            value: self.value.clone(),
        }
    }
}

/// The service made by [`UserAgentLayer`].
#[derive(Clone, Debug)]
pub struct UserAgent<S> {
    inner: S,
    value: HeaderValue,
}

crate::inner_service_accessors!(UserAgent);

impl<S, B> Service<Request<B>> for UserAgent<S>
where
    S: Service<Request<B>>,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = S::Future;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut req: Request<B>) -> Self::Future {
        set_unless_present(&self.value, &mut req);
        self.inner.call(req)
    }
}
