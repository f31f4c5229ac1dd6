//! The tracing layer: one span per call, with what an operator needs and nothing secret.
//!
//! The span `whop_request` (level DEBUG) carries the method, the host and the route: the
//! [`Endpoint`](crate::Endpoint) route when the client supplied one, else the path with its last
//! segment redacted, because on v5 that segment can be a customer's license key. The query is
//! never logged. When the call ends the span records the status (or the error kind and whether the
//! request may have been sent), the number of attempts and the latency. Retries inside the span
//! log their attempt number. Headers are never logged, so neither is the token.
//!
//! Field values are formatted only when a subscriber enables the span, so a disabled span costs
//! next to nothing.

use std::fmt;
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
use crate::extensions::{Attempts, RequestExt};
use crate::{BoxError, into_error};

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
    type Service = Trace<S>;

    fn layer(&self, inner: S) -> Self::Service {
        Trace { inner }
    }
}

/// The service made by [`TraceLayer`].
#[derive(Clone, Debug)]
pub struct Trace<S> {
    inner: S,
}

crate::inner_service_accessors!(Trace);

impl<S, B, RB> Service<Request<B>> for Trace<S>
where
    S: Service<Request<B>, Response = Response<RB>>,
    S::Error: Into<BoxError>,
{
    type Response = S::Response;
    type Error = Error;
    type Future = TraceFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx).map_err(into_error)
    }

    fn call(&mut self, req: Request<B>) -> Self::Future {
        let call = CallSpan::new(&req);
        let inner = call.span.in_scope(|| self.inner.call(req));
        TraceFuture { inner, call }
    }
}

/// The span of one call, and when the call started (`None` when no subscriber wants the span).
#[derive(Debug)]
struct CallSpan {
    span: Span,
    start: Option<Instant>,
}

impl CallSpan {
    /// The `whop_request` span of `req` (see the [module docs](self)).
    fn new<B>(req: &Request<B>) -> Self {
        let span = tracing::debug_span!(
            "whop_request",
            method = %req.method(),
            host = req.uri().host().unwrap_or(""),
            route = %RouteName(req),
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
        Self { span, start }
    }

    /// Records how the call ended (call it inside the span).
    fn record<RB>(&self, result: &Result<Response<RB>, Error>) {
        let Some(start) = self.start else {
            return;
        };
        let latency_ms = start.elapsed().as_secs_f64() * 1000.0;
        self.span.record("latency_ms", latency_ms);
        match result {
            Ok(response) => {
                let attempts = response.extensions().get::<Attempts>().map_or(1, |a| a.0);
                self.span.record("status", response.status().as_u16());
                self.span.record("attempts", attempts);
                tracing::debug!(
                    status = response.status().as_u16(),
                    attempts,
                    latency_ms,
                    "response"
                );
            }
            Err(error) => {
                self.span
                    .record("error", tracing::field::debug(error.kind()));
                self.span
                    .record("request_sent", tracing::field::debug(error.request_sent()));
                self.span.record("attempts", error.attempts());
                tracing::debug!(%error, attempts = error.attempts(), latency_ms, "request failed");
            }
        }
    }
}

pin_project! {
    /// The future of [`Trace`].
    #[derive(Debug)]
    pub struct TraceFuture<F> {
        #[pin]
        inner: F,
        call: CallSpan,
    }
}

impl<F, RB, E> Future for TraceFuture<F>
where
    F: Future<Output = Result<Response<RB>, E>>,
    E: Into<BoxError>,
{
    type Output = Result<Response<RB>, Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let _entered = this.call.span.enter();
        let result = std::task::ready!(this.inner.poll(cx)).map_err(into_error);
        this.call.record(&result);
        Poll::Ready(result)
    }
}

/// Displays a request path with its last segment replaced by `{redacted}` and the query dropped,
/// e.g. `/api/v5/me/memberships/{redacted}`. Formatting happens only when a log line is written.
pub struct RedactedPath<'a>(pub &'a http::Uri);

impl fmt::Display for RedactedPath<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = self.0.path();
        let trimmed = path.trim_end_matches('/');
        match trimmed.rfind('/') {
            Some(i) if i + 1 < trimmed.len() => {
                f.write_str(&trimmed[..=i])?;
                f.write_str("{redacted}")
            }
            _ => f.write_str(path),
        }
    }
}

/// Displays the [`Endpoint`](crate::Endpoint) route of a request if it has one, else its
/// [`RedactedPath`].
struct RouteName<'a, B>(&'a Request<B>);

impl<B> fmt::Display for RouteName<'_, B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.endpoint() {
            Some(endpoint) => f.write_str(endpoint.route()),
            None => RedactedPath(self.0.uri()).fmt(f),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::fmt::Write as _;
    use std::sync::{Arc, Mutex};

    use bytes::Bytes;
    use http::header::AUTHORIZATION;
    use tower::ServiceExt;
    use tracing::field::{Field, Visit};
    use tracing::span::{Attributes, Id, Record};
    use tracing::{Event, Metadata};

    use super::*;
    use crate::extensions::{ApiFamily, Endpoint};

    /// Writes every span field and event field it sees into one string.
    #[derive(Clone, Default)]
    struct Capture(Arc<Mutex<String>>);

    impl Visit for Capture {
        fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
            let mut out = self.0.lock().expect("not poisoned");
            let _ = write!(out, "{}={:?} ", field.name(), value);
        }
    }

    impl tracing::Subscriber for Capture {
        fn enabled(&self, _: &Metadata<'_>) -> bool {
            true
        }
        fn new_span(&self, span: &Attributes<'_>) -> Id {
            span.record(&mut self.clone());
            Id::from_u64(1)
        }
        fn record(&self, _: &Id, values: &Record<'_>) {
            values.record(&mut self.clone());
        }
        fn record_follows_from(&self, _: &Id, _: &Id) {}
        fn event(&self, event: &Event<'_>) {
            event.record(&mut self.clone());
        }
        fn enter(&self, _: &Id) {}
        fn exit(&self, _: &Id) {}
    }

    async fn traced(req: Request<Bytes>) -> String {
        let capture = Capture::default();
        let _guard = tracing::subscriber::set_default(capture.clone());
        let svc = tower::service_fn(|_req: Request<Bytes>| async {
            let mut response = Response::new(Bytes::new());
            response.extensions_mut().insert(Attempts(2));
            Ok::<_, Error>(response)
        });
        TraceLayer::new().layer(svc).oneshot(req).await.expect("ok");
        capture.0.lock().expect("not poisoned").clone()
    }

    fn request(uri: &str) -> Request<Bytes> {
        let mut req = Request::get(uri).body(Bytes::new()).expect("valid");
        req.headers_mut().insert(
            AUTHORIZATION,
            http::HeaderValue::from_static("Bearer sk_secret"),
        );
        req
    }

    fn redacted(uri: &str) -> String {
        RedactedPath(&uri.parse().expect("test URIs parse")).to_string()
    }

    #[test]
    fn redacted_path_hides_the_last_segment_and_the_query() {
        assert_eq!(
            redacted("https://api.whop.com/api/v5/me/memberships/LICENSE-KEY?x=1"),
            "/api/v5/me/memberships/{redacted}"
        );
        assert_eq!(redacted("https://h/a/b/"), "/a/{redacted}");
        assert_eq!(redacted("https://h/"), "/");
        assert_eq!(redacted("https://h"), "/");
    }

    #[tokio::test(flavor = "current_thread")]
    async fn span_shows_method_host_redacted_route_status_attempts_but_no_key_or_token() {
        let out = traced(request(
            "https://api.whop.com/api/v5/me/memberships/LICENSE-123?x=q",
        ))
        .await;
        assert!(out.contains("method=GET"), "{out}");
        assert!(out.contains("host=\"api.whop.com\""), "{out}");
        assert!(
            out.contains("route=/api/v5/me/memberships/{redacted}"),
            "{out}"
        );
        assert!(out.contains("status=200"), "{out}");
        assert!(out.contains("attempts=2"), "{out}");
        assert!(out.contains("latency_ms="), "{out}");
        assert!(
            !out.contains("LICENSE-123") && !out.contains("x=q"),
            "{out}"
        );
        assert!(!out.contains("sk_secret"), "{out}");
    }

    #[tokio::test(flavor = "current_thread")]
    async fn an_inner_error_of_another_type_is_recorded_as_an_error_of_kind_other() {
        let svc = tower::service_fn(|_req: Request<Bytes>| async {
            Err::<Response<Bytes>, _>(std::io::Error::other("the user's own"))
        });
        let error = TraceLayer::new()
            .layer(svc)
            .oneshot(request("https://api.whop.com/api/v5/me"))
            .await
            .expect_err("fails");
        assert_eq!(error.kind(), crate::ErrorKind::Other);
        assert!(!error.is_not_sent(), "may have been sent");
    }

    #[tokio::test(flavor = "current_thread")]
    async fn span_uses_the_route_template_when_the_request_names_one() {
        let mut req = request("https://api.whop.com/api/v2/memberships/mem_1/cancel");
        req.set_endpoint(Endpoint::new(
            "POST /v2/memberships/{id}/cancel",
            ApiFamily::V2,
        ));
        let out = traced(req).await;
        assert!(
            out.contains("route=POST /v2/memberships/{id}/cancel"),
            "{out}"
        );
    }
}
