//! The overall deadline: the whole call, all attempts and backoffs included, ends in time.
//!
//! Sits outside the retry layer. It stamps a [`CallDeadline`](crate::CallDeadline) on the
//! request, so the retry layer never
//! sleeps past it and each attempt's timeout stops at it, and it bounds the whole call as a
//! backstop. A request that already carries an earlier call deadline keeps it.

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
use crate::timeout::FOREVER;
use crate::{BoxError, into_error};

/// Bounds the whole call by `deadline` from its start. See the [module docs](self).
#[derive(Clone, Copy, Debug)]
pub struct DeadlineLayer {
    deadline: Duration,
}

impl DeadlineLayer {
    /// Each call, retries included, may take at most `deadline`.
    pub fn new(deadline: Duration) -> Self {
        Self { deadline }
    }
}

impl<S> Layer<S> for DeadlineLayer {
    type Service = Deadline<S>;

    fn layer(&self, inner: S) -> Self::Service {
        Deadline {
            inner,
            deadline: self.deadline,
        }
    }
}

/// The service made by [`DeadlineLayer`].
#[derive(Clone, Debug)]
pub struct Deadline<S> {
    inner: S,
    deadline: Duration,
}

crate::inner_service_accessors!(Deadline);

impl<S, B> Service<Request<B>> for Deadline<S>
where
    S: Service<Request<B>>,
    S::Error: Into<BoxError>,
{
    type Response = S::Response;
    type Error = Error;
    type Future = DeadlineFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx).map_err(into_error)
    }

    fn call(&mut self, mut req: Request<B>) -> Self::Future {
        let until = stamp(&mut req, self.deadline).unwrap_or_else(|| Instant::now() + FOREVER);
        DeadlineFuture {
            inner: tokio::time::timeout_at(until, self.inner.call(req)),
        }
    }
}

/// Stamps the earlier of `now + deadline` and the request's own call deadline on `req`; returns it.
fn stamp<B>(req: &mut Request<B>, deadline: Duration) -> Option<Instant> {
    // A deadline too far to represent (`Duration::MAX`): the request's own, if any, stands.
    let own = Instant::now().checked_add(deadline);
    let until = match (own, req.call_deadline()) {
        (Some(own), Some(set)) => Some(own.min(set)),
        (own, set) => own.or(set),
    };
    if let Some(until) = until {
        req.set_call_deadline(until);
    }
    until
}

pin_project! {
    /// The future of [`Deadline`].
    #[derive(Debug)]
    pub struct DeadlineFuture<F> {
        #[pin]
        inner: tokio::time::Timeout<F>,
    }
}

impl<F, R, E> Future for DeadlineFuture<F>
where
    F: Future<Output = Result<R, E>>,
    E: Into<BoxError>,
{
    type Output = Result<R, Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match std::task::ready!(self.project().inner.poll(cx)) {
            Ok(result) => Poll::Ready(result.map_err(into_error)),
            Err(elapsed) => Poll::Ready(Err(Error::maybe_sent(
                ErrorKind::DeadlineExceeded,
                Some(Box::new(elapsed)),
            ))),
        }
    }
}
