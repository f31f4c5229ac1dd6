//! The per-attempt timeout: one attempt may take at most this long.
//!
//! Sits inside the retry layer, so each attempt gets its own clock. When the request carries a
//! call deadline ([`CallDeadline`](crate::CallDeadline), set by [`DeadlineLayer`](crate::DeadlineLayer))
//! the attempt also stops at the deadline, and the error then says
//! [`ErrorKind::DeadlineExceeded`] rather than [`ErrorKind::Timeout`], so the retry layer does not
//! try again. Both may have been sent.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use http::Request;
use pin_project_lite::pin_project;
use tokio::time::Instant;
use tower::{Layer, Service};

use crate::error::{Error, ErrorKind};
use crate::extensions::RequestExt;

/// Bounds each attempt by a timeout (and by the request's call deadline, if any).
#[derive(Clone, Copy, Debug)]
pub struct AttemptTimeoutLayer {
    timeout: Duration,
}

impl AttemptTimeoutLayer {
    /// Each attempt may take at most `timeout`.
    pub fn new(timeout: Duration) -> Self {
        Self { timeout }
    }
}

impl<S> Layer<S> for AttemptTimeoutLayer {
    type Service = AttemptTimeout<S>;

    fn layer(&self, inner: S) -> Self::Service {
        AttemptTimeout {
            inner,
            timeout: self.timeout,
        }
    }
}

/// The service made by [`AttemptTimeoutLayer`].
#[derive(Clone, Debug)]
pub struct AttemptTimeout<S> {
    inner: S,
    timeout: Duration,
}

crate::inner_service_accessors!(AttemptTimeout);

impl<S, B> Service<Request<B>> for AttemptTimeout<S>
where
    S: Service<Request<B>, Error = Error>,
{
    type Response = S::Response;
    type Error = Error;
    type Future = AttemptTimeoutFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request<B>) -> Self::Future {
        let now = Instant::now();
        let (until, by_deadline) = match (now.checked_add(self.timeout), req.call_deadline()) {
            (Some(own), Some(deadline)) if deadline <= own => (deadline, true),
            (None, Some(deadline)) => (deadline, true),
            (Some(own), _) => (own, false),
            (None, None) => (now + FOREVER, false),
        };
        AttemptTimeoutFuture {
            inner: tokio::time::timeout_at(until, self.inner.call(req)),
            by_deadline,
        }
    }
}

/// When a wait without a representable timeout or deadline stops: what tokio waits for a
/// timeout of `Duration::MAX`, about 30 years. One `timeout_at` then serves every case, here
/// and in [`Deadline`](crate::Deadline).
pub(crate) const FOREVER: Duration = Duration::from_secs(86400 * 365 * 30);

pin_project! {
    /// The future of [`AttemptTimeout`].
    #[derive(Debug)]
    pub struct AttemptTimeoutFuture<F> {
        #[pin]
        inner: tokio::time::Timeout<F>,
        by_deadline: bool,
    }
}

impl<F, R> Future for AttemptTimeoutFuture<F>
where
    F: Future<Output = Result<R, Error>>,
{
    type Output = Result<R, Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        match std::task::ready!(this.inner.poll(cx)) {
            Ok(result) => Poll::Ready(result),
            Err(elapsed) => {
                let kind = if *this.by_deadline {
                    ErrorKind::DeadlineExceeded
                } else {
                    ErrorKind::Timeout
                };
                Poll::Ready(Err(Error::maybe_sent(kind, Some(Box::new(elapsed)))))
            }
        }
    }
}
