//! The retry machinery: our own `Service` around the pure decision (`decision.rs`), reading the
//! clock, drawing jitter and keeping the budget.
//!
//! Not `tower::retry::Retry`: tower's service clones its policy and the whole service into every
//! call's future and has the policy copy the request before the first attempt; here the future
//! holds one `Arc` of shared settings, a clone of the inner service and one lean copy of the
//! request, and nothing is cloned again unless there is a retry. When the layer gives up it stamps
//! the attempt count on what it returns: an [`Attempts`] extension on a response that took more
//! than one attempt, [`Error::attempts`] on an error. An error whose last attempt was never sent
//! (a refused connection, a slot refused by pacing) still says "may have been sent" if an earlier
//! attempt of the call may have reached the server.
//!
//! The copy kept for the next attempt is made cheap because most calls succeed at once: when the
//! request's extensions hold only what this crate puts there (its [`Endpoint`] and call deadline,
//! one extension: see [`RequestExt`](crate::RequestExt)) the copy carries that one value instead
//! of a copied `http::Extensions`, and when it has a few headers (the default stack sends three)
//! it carries them in place rather than in a copied `HeaderMap`. A copied
//! `http::Extensions` is a map and a box per value, a copied `HeaderMap` two more allocations.

use std::future::Future;
use std::hash::{BuildHasher, Hasher};
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll, ready};
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue, Method, Request, Response, Uri, Version};
use pin_project_lite::pin_project;
use tokio::time::{Instant, Sleep};
use tower::{Layer, Service};

use super::budget::RetryBudget;
use super::{Decision, Outcome, RetryConfig, decide, retry_after};
use crate::error::Error;
use crate::extensions::{Attempts, CarriedMeta, RequestExt, retry_safe};

/// Retries failed attempts by the rules of the [module docs](super). Made by
/// [`RetryLayer::new`]; every service it makes shares one retry budget.
#[derive(Clone, Debug)]
pub struct RetryLayer {
    shared: Arc<Shared>,
}

/// What every call of a [`Retry`] and its clones reads: the settings and the one budget.
struct Shared {
    config: RetryConfig,
    budget: Option<RetryBudget>,
}

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Retry")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl RetryLayer {
    /// A layer retrying by `config`, with a fresh retry budget shared by every service it makes.
    pub fn new(config: RetryConfig) -> Self {
        let budget = config.budget.map(RetryBudget::new);
        Self {
            shared: Arc::new(Shared { config, budget }),
        }
    }
}

impl<S> Layer<S> for RetryLayer {
    type Service = Retry<S>;

    fn layer(&self, inner: S) -> Self::Service {
        Retry {
            inner,
            shared: Arc::clone(&self.shared),
        }
    }
}

/// The service made by [`RetryLayer`]. Clones share the budget.
#[derive(Clone, Debug)]
pub struct Retry<S> {
    inner: S,
    shared: Arc<Shared>,
}

crate::inner_service_accessors!(Retry);

impl<S> Service<Request<Bytes>> for Retry<S>
where
    S: Service<Request<Bytes>, Response = Response<Bytes>, Error = Error> + Clone,
{
    type Response = Response<Bytes>;
    type Error = Error;
    type Future = RetryFuture<S>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request<Bytes>) -> Self::Future {
        if !self.retries() {
            return RetryFuture::once(self.inner.call(req));
        }
        let copy = RequestCopy::of(&req);
        let future = self.inner.call(req);
        RetryFuture::again(future, self.inner.clone(), &self.shared, copy)
    }
}

impl<S> Retry<S>
where
    S: Service<Request<Bytes>, Response = Response<Bytes>, Error = Error> + Clone,
{
    /// [`call`](Service::call) through `&self`, for a stack whose services are always ready (as
    /// the default transport's are): the clone kept for a retry makes the first attempt too.
    pub(crate) fn call_ready(&self, req: Request<Bytes>) -> RetryFuture<S> {
        let mut service = self.inner.clone();
        if !self.retries() {
            return RetryFuture::once(service.call(req));
        }
        let copy = RequestCopy::of(&req);
        let future = service.call(req);
        RetryFuture::again(future, service, &self.shared, copy)
    }

    /// Whether a call may take more than one attempt. Without retries nothing is copied and
    /// nothing is stamped: one attempt is what a response without `Attempts` and an error's
    /// default count say.
    fn retries(&self) -> bool {
        self.shared.config.max_attempts > 1
    }
}

impl<S: Service<Request<Bytes>>> RetryFuture<S> {
    fn once(future: S::Future) -> Self {
        RetryFuture {
            state: State::Calling { future },
            again: None,
        }
    }

    fn again(future: S::Future, service: S, shared: &Arc<Shared>, copy: RequestCopy) -> Self {
        RetryFuture {
            state: State::Calling { future },
            again: Some(Again {
                service,
                shared: Arc::clone(shared),
                copy,
                tries: Tries::default(),
            }),
        }
    }
}

pin_project! {
    /// The future of [`Retry`].
    pub struct RetryFuture<S>
    where
        S: Service<Request<Bytes>>,
    {
        #[pin]
        state: State<S::Future>,
        // `None` when retries are disabled.
        again: Option<Again<S>>,
    }
}

impl<S: Service<Request<Bytes>>> std::fmt::Debug for RetryFuture<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RetryFuture")
    }
}

pin_project! {
    #[project = StateProj]
    enum State<F> {
        Calling {
            #[pin]
            future: F,
        },
        // Boxed: only a call that retries pays for the timer, and the future every call moves
        // through the stack stays small.
        Waiting {
            sleep: Pin<Box<Sleep>>,
        },
    }
}

/// What a call needs to try again: the service, the settings, the request and the count so far.
struct Again<S> {
    service: S,
    shared: Arc<Shared>,
    copy: RequestCopy,
    tries: Tries,
}

impl<S> Future for RetryFuture<S>
where
    S: Service<Request<Bytes>, Response = Response<Bytes>, Error = Error>,
{
    type Output = Result<Response<Bytes>, Error>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        loop {
            let this = self.as_mut().project();
            let future = match this.state.project() {
                StateProj::Calling { future } => {
                    let mut result = ready!(future.poll(cx));
                    let Some(again) = this.again.as_mut() else {
                        return Poll::Ready(result);
                    };
                    let Some(wait) = again.tries.after(&again.shared, &again.copy, &mut result)
                    else {
                        return Poll::Ready(result);
                    };
                    State::Waiting {
                        sleep: Box::pin(tokio::time::sleep(wait)),
                    }
                }
                StateProj::Waiting { sleep } => {
                    ready!(sleep.as_mut().poll(cx));
                    let again = this.again.as_mut().expect("a call waits only to try again");
                    ready!(again.service.poll_ready(cx))?;
                    State::Calling {
                        future: again.service.call(again.copy.request()),
                    }
                }
            };
            self.as_mut().project().state.set(future);
        }
    }
}

/// The attempts of one call so far.
#[derive(Debug, Default)]
struct Tries {
    attempt: u32,
    /// Whether an earlier attempt of this call may have reached the server: then the call's
    /// error must not say "never sent" because its last attempt was (say, refused by pacing).
    maybe_sent_before: bool,
}

impl Tries {
    /// After an attempt that produced `result`: `Some(wait)` to try again after `wait`, or
    /// `None` to return `result`, stamped with the attempt count.
    fn after(
        &mut self,
        shared: &Shared,
        copy: &RequestCopy,
        result: &mut Result<Response<Bytes>, Error>,
    ) -> Option<Duration> {
        self.attempt = self.attempt.saturating_add(1);
        if let (1, Some(budget)) = (self.attempt, &shared.budget) {
            budget.deposit();
        }
        // A success is final whatever the clock, `Retry-After` and jitter say: skip reading them.
        let success = result.as_ref().is_ok_and(|r| r.status().is_success());
        let outcome = match result {
            Ok(response) => Outcome::Response {
                status: response.status(),
                retry_after: if success {
                    None
                } else {
                    retry_after(response.headers())
                },
            },
            Err(error) => Outcome::Error {
                kind: error.kind(),
                sent: error.request_sent(),
            },
        };
        let (remaining, jitter) = if success {
            (None, 0.0)
        } else {
            let now = Instant::now();
            (
                copy.call_deadline()
                    .map(|d| d.saturating_duration_since(now)),
                jitter(),
            )
        };
        let decision = decide(
            &shared.config,
            self.attempt,
            copy.retry_safe(),
            outcome,
            remaining,
            jitter,
        );
        if let Decision::Retry(wait) = decision {
            if shared.budget.as_ref().is_none_or(|b| b.withdraw()) {
                tracing::debug!(
                    attempt = self.attempt,
                    ?outcome,
                    wait_ms = wait.as_millis() as u64,
                    "retrying"
                );
                self.maybe_sent_before |=
                    result.as_ref().map_or_else(|e| !e.is_not_sent(), |_| true);
                return Some(wait);
            }
            tracing::debug!(
                attempt = self.attempt,
                "retry budget exhausted; not retrying"
            );
        } else {
            tracing::trace!(attempt = self.attempt, ?decision, "not retrying");
        }
        match result {
            // One attempt is the usual case, and what a response without `Attempts` means: an
            // extension on the response would cost it a map of its own.
            Ok(response) if self.attempt > 1 => {
                response.extensions_mut().insert(Attempts(self.attempt));
            }
            Ok(_) => {}
            Err(error) => {
                error.set_attempts(self.attempt);
                if self.maybe_sent_before {
                    error.set_maybe_sent();
                }
            }
        }
        None
    }
}

/// The request as it was before its first attempt, kept for the next one (see the module docs).
#[derive(Debug)]
struct RequestCopy {
    method: Method,
    uri: Uri,
    version: Version,
    body: Bytes,
    headers: CopiedHeaders,
    extensions: CopiedExtensions,
}

impl RequestCopy {
    fn of(req: &Request<Bytes>) -> Self {
        let headers = match CarriedHeaders::of(req.headers()) {
            Some(carried) => CopiedHeaders::Carried(carried),
            None => CopiedHeaders::Map(req.headers().clone()),
        };
        let extensions = match CarriedMeta::only_ours(req.extensions()) {
            Some(carried) => CopiedExtensions::Carried(carried),
            None => CopiedExtensions::Map(req.extensions().clone()),
        };
        Self {
            method: req.method().clone(),
            uri: req.uri().clone(),
            version: req.version(),
            body: req.body().clone(),
            headers,
            extensions,
        }
    }

    /// The request again, for the next attempt.
    fn request(&self) -> Request<Bytes> {
        let mut req = Request::new(self.body.clone());
        *req.method_mut() = self.method.clone();
        *req.uri_mut() = self.uri.clone();
        *req.version_mut() = self.version;
        match &self.headers {
            CopiedHeaders::Carried(carried) => carried.put_back(req.headers_mut()),
            CopiedHeaders::Map(headers) => *req.headers_mut() = headers.clone(),
        }
        match &self.extensions {
            CopiedExtensions::Carried(carried) => carried.put_back(req.extensions_mut()),
            CopiedExtensions::Map(extensions) => *req.extensions_mut() = extensions.clone(),
        }
        req
    }

    fn retry_safe(&self) -> bool {
        let endpoint = match &self.extensions {
            CopiedExtensions::Carried(carried) => carried.endpoint(),
            CopiedExtensions::Map(extensions) => extensions.endpoint(),
        };
        retry_safe(&self.method, endpoint)
    }

    fn call_deadline(&self) -> Option<Instant> {
        match &self.extensions {
            CopiedExtensions::Carried(carried) => carried.call_deadline(),
            CopiedExtensions::Map(extensions) => extensions.call_deadline(),
        }
    }
}

#[derive(Debug)]
enum CopiedHeaders {
    Carried(CarriedHeaders),
    Map(HeaderMap),
}

#[derive(Debug)]
enum CopiedExtensions {
    Carried(CarriedMeta),
    Map(http::Extensions),
}

/// The most headers a request copy carries in place (more, and it copies the `HeaderMap`).
const CARRIED_HEADERS: usize = 4;

/// A request's headers, in place: no allocation to keep them, one `HeaderMap` to put them back.
#[derive(Clone, Debug, Default)]
struct CarriedHeaders([Option<(HeaderName, HeaderValue)>; CARRIED_HEADERS]);

impl CarriedHeaders {
    /// The headers of `headers` when there are at most [`CARRIED_HEADERS`] values.
    fn of(headers: &HeaderMap) -> Option<Self> {
        if headers.len() > CARRIED_HEADERS {
            return None;
        }
        let mut carried = CarriedHeaders::default();
        for (slot, (name, value)) in carried.0.iter_mut().zip(headers) {
            *slot = Some((name.clone(), value.clone()));
        }
        Some(carried)
    }

    fn put_back(&self, headers: &mut HeaderMap) {
        for (name, value) in self.0.iter().flatten() {
            headers.append(name.clone(), value.clone());
        }
    }
}

/// A uniform sample in `[0, 1)`: a per-process random key (std's `RandomState`) hashing a global
/// counter, so concurrent calls get independent jitter without a RNG dependency or a lock.
fn jitter() -> f64 {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    (hasher.finish() >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extensions::{ApiFamily, Endpoint};

    /// A GET with `headers` extra headers, an `Endpoint`, a call deadline and, if asked, an
    /// extension of the caller's own.
    fn request(headers: usize, own_extension: bool) -> Request<Bytes> {
        let mut req = Request::get("https://api.whop.com/api/v5/me/memberships/mem_1")
            .body(Bytes::from_static(b"body"))
            .expect("valid");
        for i in 0..headers {
            req.headers_mut().append(
                HeaderName::from_bytes(format!("x-h{}", i % 2).as_bytes()).expect("valid"),
                HeaderValue::from(i),
            );
        }
        req.set_endpoint(Endpoint::new("GET /v5/me/memberships/{id}", ApiFamily::V5));
        req.set_call_deadline(Instant::now() + std::time::Duration::from_secs(60));
        if own_extension {
            req.extensions_mut().insert("the caller's own");
        }
        req
    }

    fn shared() -> Shared {
        let layer = RetryLayer::new(RetryConfig::default());
        Arc::into_inner(layer.shared).expect("the only reference")
    }

    fn status(code: u16) -> Result<Response<Bytes>, Error> {
        Ok(Response::builder()
            .status(code)
            .body(Bytes::new())
            .expect("valid"))
    }

    #[tokio::test(start_paused = true)]
    async fn a_retried_copy_has_the_original_headers_and_extensions_however_it_was_kept() {
        for (headers, own_extension) in [(3, false), (4, false), (7, false), (3, true), (7, true)] {
            let original = request(headers, own_extension);
            let copy = RequestCopy::of(&original).request();
            let case = format!("{headers} headers, own extension: {own_extension}");
            assert_eq!(copy.method(), original.method(), "{case}");
            assert_eq!(copy.uri(), original.uri(), "{case}");
            assert_eq!(copy.body(), original.body(), "{case}");
            assert_eq!(copy.headers(), original.headers(), "{case}");
            assert_eq!(copy.endpoint(), original.endpoint(), "{case}");
            assert!(copy.endpoint().is_some(), "{case}");
            assert_eq!(copy.call_deadline(), original.call_deadline(), "{case}");
            assert!(copy.call_deadline().is_some(), "{case}");
            assert_eq!(
                copy.extensions().get::<&str>(),
                original.extensions().get::<&str>(),
                "{case}"
            );
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_response_after_one_attempt_carries_no_attempts_and_after_two_it_does() {
        let shared = shared();
        let copy = RequestCopy::of(&request(3, false));
        let mut tries = Tries::default();
        let mut first = status(200);
        assert_eq!(tries.after(&shared, &copy, &mut first), None);
        assert_eq!(first.expect("ok").extensions().get::<Attempts>(), None);

        let mut tries = Tries::default();
        let mut unavailable = status(503);
        assert!(
            tries.after(&shared, &copy, &mut unavailable).is_some(),
            "a 503 to a GET is retried"
        );
        let mut second = status(200);
        assert_eq!(tries.after(&shared, &copy, &mut second), None);
        assert_eq!(
            second.expect("ok").extensions().get::<Attempts>(),
            Some(&Attempts(2))
        );
    }

    #[test]
    fn jitter_is_in_the_unit_interval_and_varies() {
        let samples: Vec<f64> = (0..100).map(|_| jitter()).collect();
        assert!(samples.iter().all(|j| (0.0..1.0).contains(j)));
        assert!(samples.windows(2).any(|w| w[0] != w[1]));
    }
}
