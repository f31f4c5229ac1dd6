//! The retry machinery: a [`tower::retry::Policy`] that reads the clock, draws jitter, keeps the
//! budget and asks the pure decision (`decision.rs`) what to do.
//!
//! tower's [`Retry`](tower::retry::Retry) service clones the policy for every call, so the attempt
//! counter lives in the clone and needs no lock; the budget is shared by all clones through an
//! `Arc`. When the layer gives up it stamps the attempt count on what it returns: an
//! [`Attempts`] extension on a response that took more than one attempt, [`Error::attempts`] on
//! an error. An error whose last attempt was never sent (a refused connection, a slot refused by
//! pacing) still says "may have been sent" if an earlier attempt of the call may have reached the
//! server.
//!
//! tower keeps a copy of the request for the next attempt, made before each attempt. Most calls
//! succeed at once, so the copy is made cheap and completed only if there is a retry: when the
//! request's extensions hold only what this crate puts there (an [`Endpoint`] and a
//! [`CallDeadline`]) the copy leaves them out and the policy carries those two values instead,
//! and when it has a few headers (the default stack sends three) the policy carries them in place
//! rather than in a copied `HeaderMap`. A copied `http::Extensions` is a map and a box per value,
//! a copied `HeaderMap` two more allocations.

use std::hash::{BuildHasher, Hasher};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue, Request, Response};
use tokio::time::{Instant, Sleep};
use tower::retry::budget::{Budget, TpsBudget};

use super::{Decision, Outcome, RetryConfig, decide, retry_after};
use crate::error::Error;
use crate::extensions::{Attempts, CallDeadline, Endpoint, is_retry_safe, retry_safe};

/// The retry layer: [`tower::retry::RetryLayer`] with our [`RetryPolicy`].
pub type RetryLayer = tower::retry::RetryLayer<RetryPolicy>;

/// The retry service: [`tower::retry::Retry`] with our [`RetryPolicy`].
pub type Retry<S> = tower::retry::Retry<RetryPolicy, S>;

/// The retry policy for `http::Request<Bytes>` → `http::Response<Bytes>` over [`Error`].
#[derive(Clone)]
pub struct RetryPolicy {
    config: Arc<RetryConfig>,
    budget: Option<Arc<TpsBudget>>,
    attempt: u32,
    /// Whether an earlier attempt of this call may have reached the server: then the call's
    /// error must not say "never sent" because its last attempt was (say, refused by pacing).
    maybe_sent_before: bool,
    /// The extensions the request copy left out, when they were only these (see the module docs).
    carried: Option<Carried>,
    /// The headers the request copy left out, when there were few enough to carry in place.
    carried_headers: Option<CarriedHeaders>,
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

    fn put_back(self, headers: &mut HeaderMap) {
        for (name, value) in self.0.into_iter().flatten() {
            headers.append(name, value);
        }
    }
}

/// The request extensions this crate's layers read, carried beside a copy made without them.
#[derive(Clone, Copy, Debug)]
struct Carried {
    endpoint: Option<Endpoint>,
    deadline: Option<CallDeadline>,
}

impl Carried {
    /// The two values when `extensions` holds nothing else; `None` when it does.
    fn only_ours(extensions: &http::Extensions) -> Option<Self> {
        let endpoint = extensions.get::<Endpoint>().copied();
        let deadline = extensions.get::<CallDeadline>().copied();
        let ours = usize::from(endpoint.is_some()) + usize::from(deadline.is_some());
        (extensions.len() == ours).then_some(Carried { endpoint, deadline })
    }

    fn put_back(self, extensions: &mut http::Extensions) {
        if let Some(endpoint) = self.endpoint {
            extensions.insert(endpoint);
        }
        if let Some(deadline) = self.deadline {
            extensions.insert(deadline);
        }
    }
}

impl std::fmt::Debug for RetryPolicy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RetryPolicy")
            .field("config", &self.config)
            .field("attempt", &self.attempt)
            .finish_non_exhaustive()
    }
}

impl RetryPolicy {
    /// A policy with `config` and a fresh retry budget, shared by all clones of the policy.
    pub fn new(config: RetryConfig) -> Self {
        let budget = config
            .budget
            .map(|b| Arc::new(TpsBudget::new(b.ttl, b.min_per_sec, b.retry_percent)));
        Self {
            config: Arc::new(config),
            budget,
            attempt: 0,
            maybe_sent_before: false,
            carried: None,
            carried_headers: None,
        }
    }

    /// The layer that wraps a service in this policy.
    pub fn layer(config: RetryConfig) -> RetryLayer {
        RetryLayer::new(Self::new(config))
    }
}

impl tower::retry::Policy<Request<Bytes>, Response<Bytes>, Error> for RetryPolicy {
    type Future = Sleep;

    fn retry(
        &mut self,
        req: &mut Request<Bytes>,
        result: &mut Result<Response<Bytes>, Error>,
    ) -> Option<Self::Future> {
        self.attempt = self.attempt.saturating_add(1);
        if let (1, Some(budget)) = (self.attempt, &self.budget) {
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
            let deadline = match self.carried {
                Some(carried) => carried.deadline,
                None => req.extensions().get::<CallDeadline>().copied(),
            };
            (
                deadline.map(|d| d.0.saturating_duration_since(now)),
                jitter(),
            )
        };
        let retry_safe = match self.carried {
            Some(carried) => retry_safe(req.method(), carried.endpoint.as_ref()),
            None => is_retry_safe(req),
        };
        let decision = decide(
            &self.config,
            self.attempt,
            retry_safe,
            outcome,
            remaining,
            jitter,
        );
        if let Decision::Retry(wait) = decision {
            if self.budget.as_ref().is_none_or(|b| b.withdraw()) {
                tracing::debug!(
                    attempt = self.attempt,
                    ?outcome,
                    wait_ms = wait.as_millis() as u64,
                    "retrying"
                );
                self.maybe_sent_before |=
                    result.as_ref().map_or_else(|e| !e.is_not_sent(), |_| true);
                if let Some(carried) = self.carried.take() {
                    carried.put_back(req.extensions_mut());
                }
                if let Some(headers) = self.carried_headers.take() {
                    headers.put_back(req.headers_mut());
                }
                return Some(tokio::time::sleep(wait));
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

    fn clone_request(&mut self, req: &Request<Bytes>) -> Option<Request<Bytes>> {
        // tower calls `retry` (which stamps the attempt count) only when it holds a clone, so the
        // last attempt is cloned too; with retries disabled nothing is cloned at all.
        if self.config.max_attempts <= 1 {
            return None;
        }
        let mut clone = Request::new(req.body().clone());
        *clone.method_mut() = req.method().clone();
        *clone.uri_mut() = req.uri().clone();
        *clone.version_mut() = req.version();
        self.carried_headers = CarriedHeaders::of(req.headers());
        if self.carried_headers.is_none() {
            *clone.headers_mut() = req.headers().clone();
        }
        self.carried = Carried::only_ours(req.extensions());
        if self.carried.is_none() {
            *clone.extensions_mut() = req.extensions().clone();
        }
        Some(clone)
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
    use tower::retry::Policy;

    use super::*;
    use crate::extensions::ApiFamily;

    /// A GET with `headers` extra headers, an `Endpoint`, a `CallDeadline` and, if asked, an
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
        req.extensions_mut()
            .insert(Endpoint::new("GET /v5/me/memberships/{id}", ApiFamily::V5));
        req.extensions_mut().insert(CallDeadline(
            Instant::now() + std::time::Duration::from_secs(60),
        ));
        if own_extension {
            req.extensions_mut().insert("the caller's own");
        }
        req
    }

    #[tokio::test(start_paused = true)]
    async fn a_retried_copy_has_the_original_headers_and_extensions_however_it_was_kept() {
        for (headers, own_extension) in [(3, false), (4, false), (7, false), (3, true), (7, true)] {
            let original = request(headers, own_extension);
            let mut policy = RetryPolicy::new(RetryConfig::default());
            let mut copy = policy.clone_request(&original).expect("retries are on");
            let mut unavailable = Ok(Response::builder()
                .status(503)
                .body(Bytes::new())
                .expect("valid"));
            assert!(
                policy.retry(&mut copy, &mut unavailable).is_some(),
                "a 503 to a GET is retried"
            );
            let case = format!("{headers} headers, own extension: {own_extension}");
            assert_eq!(copy.method(), original.method(), "{case}");
            assert_eq!(copy.uri(), original.uri(), "{case}");
            assert_eq!(copy.body(), original.body(), "{case}");
            assert_eq!(copy.headers(), original.headers(), "{case}");
            assert_eq!(
                copy.extensions().get::<Endpoint>(),
                original.extensions().get::<Endpoint>(),
                "{case}"
            );
            assert_eq!(
                copy.extensions().get::<CallDeadline>(),
                original.extensions().get::<CallDeadline>(),
                "{case}"
            );
            assert_eq!(
                copy.extensions().get::<&str>(),
                original.extensions().get::<&str>(),
                "{case}"
            );
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_response_after_one_attempt_carries_no_attempts_and_after_two_it_does() {
        let ok = || {
            Ok::<_, Error>(
                Response::builder()
                    .status(200)
                    .body(Bytes::new())
                    .expect("valid"),
            )
        };
        let mut policy = RetryPolicy::new(RetryConfig::default());
        let mut copy = policy
            .clone_request(&request(3, false))
            .expect("retries are on");
        let mut first = ok();
        assert!(policy.retry(&mut copy, &mut first).is_none());
        assert_eq!(first.expect("ok").extensions().get::<Attempts>(), None);

        let mut policy = RetryPolicy::new(RetryConfig::default());
        let mut copy = policy
            .clone_request(&request(3, false))
            .expect("retries are on");
        let mut unavailable = Ok(Response::builder()
            .status(503)
            .body(Bytes::new())
            .expect("valid"));
        assert!(policy.retry(&mut copy, &mut unavailable).is_some());
        let mut second = ok();
        assert!(policy.retry(&mut copy, &mut second).is_none());
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
