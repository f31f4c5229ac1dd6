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
    S: Service<Request<B>, Error = Error>,
{
    type Response = S::Response;
    type Error = Error;
    type Future = DeadlineFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut req: Request<B>) -> Self::Future {
        let until = stamp(&mut req, self.deadline);
        let inner = self.inner.call(req);
        let inner = match until {
            Some(until) => tokio::time::timeout_at(until, inner),
            None => tokio::time::timeout(Duration::MAX, inner),
        };
        DeadlineFuture { inner }
    }
}

/// Stamps the earlier of `now + deadline` and the request's own call deadline on `req`; returns it.
///
/// What the default stack ([`Transport`](crate::Transport)) does instead of a [`Deadline`]: it
/// stamps the deadline but arms no timer of its own, saving one timer per call. That holds only
/// for an inner stack in which every wait is bounded by the stamped deadline, as the
/// transport's is: the retry layer never sleeps past it, pacing refuses a slot past it, and each
/// attempt's timeout ([`AttemptTimeout`](crate::AttemptTimeout)) stops at it, connect and body
/// included. A call that runs into it fails with [`ErrorKind::DeadlineExceeded`] from the
/// attempt's timeout.
pub(crate) fn stamp<B>(req: &mut Request<B>, deadline: Duration) -> Option<Instant> {
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

impl<F, R> Future for DeadlineFuture<F>
where
    F: Future<Output = Result<R, Error>>,
{
    type Output = Result<R, Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match std::task::ready!(self.project().inner.poll(cx)) {
            Ok(result) => Poll::Ready(result),
            Err(elapsed) => Poll::Ready(Err(Error::maybe_sent(
                ErrorKind::DeadlineExceeded,
                Some(Box::new(elapsed)),
            ))),
        }
    }
}
