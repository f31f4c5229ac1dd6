//! The tracing layer: one span per call, with what an operator needs and nothing secret.
//!
//! The span `whop_request` (level DEBUG) carries the method, the host and the route: the
//! [`Route`](crate::Route) template when the client supplied one, else the path with its last
//! segment redacted, because on v5 that segment can be a customer's license key. The query is
//! never logged. When the call ends the span records the status (or the error kind and whether the
//! request may have been sent), the number of attempts and the latency. Retries inside the span
//! log their attempt number. Headers are never logged, so neither is the token.
//!
//! Field values are formatted only when a subscriber enables the span, so a disabled span costs
//! next to nothing.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Instant;

use http::{Request, Response};
use pin_project_lite::pin_project;
use tower::{Layer, Service};
use tracing::Span;
use tracing::field::Empty;

use crate::error::Error;
use crate::extensions::{Attempts, RouteName};

/// Wraps each call in a `whop_request` span. See the [module docs](self).
#[derive(Clone, Copy, Debug, Default)]
pub struct TraceLayer;

impl TraceLayer {
    /// The layer.
    pub fn new() -> Self {
        Self
    }
}

impl<S> Layer<S> for TraceLayer {
    type Service = TraceService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        TraceService { inner }
    }
}

/// The service made by [`TraceLayer`].
#[derive(Clone, Debug)]
pub struct TraceService<S> {
    inner: S,
}

impl<S, B, RB> Service<Request<B>> for TraceService<S>
where
    S: Service<Request<B>, Response = Response<RB>, Error = Error>,
{
    type Response = S::Response;
    type Error = Error;
    type Future = TraceFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request<B>) -> Self::Future {
        let span = tracing::debug_span!(
            "whop_request",
            method = %req.method(),
            host = req.uri().host().unwrap_or(""),
            route = %RouteName(&req),
            status = Empty,
            error = Empty,
            request_sent = Empty,
            attempts = Empty,
            latency_ms = Empty,
        );
        let start = if span.is_disabled() {
            None
        } else {
            Some(Instant::now())
        };
        let inner = span.in_scope(|| self.inner.call(req));
        TraceFuture { inner, span, start }
    }
}

pin_project! {
    /// The future of [`TraceService`].
    #[derive(Debug)]
    pub struct TraceFuture<F> {
        #[pin]
        inner: F,
        span: Span,
        start: Option<Instant>,
    }
}

impl<F, RB> Future for TraceFuture<F>
where
    F: Future<Output = Result<Response<RB>, Error>>,
{
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let _entered = this.span.enter();
        let result = std::task::ready!(this.inner.poll(cx));
        if let Some(start) = this.start {
            let latency_ms = start.elapsed().as_secs_f64() * 1000.0;
            this.span.record("latency_ms", latency_ms);
            match &result {
                Ok(response) => {
                    let attempts = response.extensions().get::<Attempts>().map_or(1, |a| a.0);
                    this.span.record("status", response.status().as_u16());
                    this.span.record("attempts", attempts);
                    tracing::debug!(
                        status = response.status().as_u16(),
                        attempts,
                        latency_ms,
                        "response"
                    );
                }
                Err(error) => {
                    this.span
                        .record("error", tracing::field::debug(error.kind()));
                    this.span
                        .record("request_sent", tracing::field::debug(error.request_sent()));
                    this.span.record("attempts", error.attempts());
                    tracing::debug!(%error, attempts = error.attempts(), latency_ms, "request failed");
                }
            }
        }
        Poll::Ready(result)
    }
}
