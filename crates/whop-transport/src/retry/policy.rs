//! The retry machinery: tower's [`Retry`](tower::retry::Retry) service with a [`RetryPolicy`]
//! built on the pure decision (`decision.rs`), reading the clock, drawing jitter and keeping
//! tower's [`TpsBudget`].
//!
//! When the policy gives up it stamps the attempt count on what it returns: an [`Attempts`]
//! extension on a response that took more than one attempt, [`Error::attempts`] on an error. An
//! error whose last attempt was never sent (a refused connection, a slot refused by pacing) still
//! says "may have been sent" if an earlier attempt of the call may have reached the server.

use std::hash::{BuildHasher, Hasher};
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use bytes::Bytes;
use http::{Request, Response};
use tokio::time::{Instant, Sleep};
use tower::Layer;
use tower::retry::Policy;
use tower::retry::budget::{Budget, TpsBudget};

use super::{Decision, Outcome, RetryConfig, decide, requested_wait};
use crate::error::Error;
use crate::extensions::{Attempts, Endpoint, RequestExt, retry_safe};

/// The service made by [`RetryLayer`]: tower's `Retry` with a [`RetryPolicy`].
pub type Retry<S> = tower::retry::Retry<RetryPolicy, S>;

/// The future of [`Retry`].
pub type RetryFuture<S> = tower::retry::future::ResponseFuture<RetryPolicy, S, Request<Bytes>>;

/// Retries failed attempts by the rules of the [module docs](super). Made by
/// [`RetryLayer::new`]; every service it makes shares one retry budget.
#[derive(Clone, Debug)]
pub struct RetryLayer {
    policy: RetryPolicy,
}

impl RetryLayer {
    /// A layer retrying by `config`, with a fresh retry budget shared by every service it makes.
    pub fn new(config: RetryConfig) -> Self {
        Self {
            policy: RetryPolicy::new(config),
        }
    }
}

impl<S> Layer<S> for RetryLayer {
    type Service = Retry<S>;

    fn layer(&self, inner: S) -> Self::Service {
        tower::retry::Retry::new(self.policy.clone(), inner)
    }
}

/// The `tower::retry::Policy` of [`RetryLayer`]: the rules of the [module docs](super), a retry
/// budget shared by its clones, and the attempt count of one call.
#[derive(Clone, Debug)]
pub struct RetryPolicy {
    shared: Arc<Shared>,
    tries: Tries,
}

/// What every call of a policy and its clones reads: the settings and the one budget.
struct Shared {
    config: RetryConfig,
    budget: Option<TpsBudget>,
}

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shared")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl RetryPolicy {
    /// A policy retrying by `config`, with a fresh retry budget shared by its clones.
    pub fn new(config: RetryConfig) -> Self {
        // `RetryConfig::with_budget` clamps to exactly the ranges `TpsBudget::new` asserts.
        let budget = config
            .budget
            .map(|b| TpsBudget::new(b.ttl, b.min_per_sec, b.retry_percent));
        Self {
            shared: Arc::new(Shared { config, budget }),
            tries: Tries::default(),
        }
    }
}

impl Policy<Request<Bytes>, Response<Bytes>, Error> for RetryPolicy {
    /// Boxed: only a call that retries pays for the timer.
    type Future = Pin<Box<Sleep>>;

    fn retry(
        &mut self,
        req: &mut Request<Bytes>,
        result: &mut Result<Response<Bytes>, Error>,
    ) -> Option<Self::Future> {
        let wait = self.tries.after(&self.shared, req, result)?;
        Some(Box::pin(tokio::time::sleep(wait)))
    }

    /// A plain copy of the request, kept for the next attempt. Without retries there is none:
    /// nothing is copied and nothing is stamped (one attempt is what a response without
    /// `Attempts` and an error's default count say).
    fn clone_request(&mut self, req: &Request<Bytes>) -> Option<Request<Bytes>> {
        if self.shared.config.max_attempts <= 1 {
            return None;
        }
        let mut copy = Request::new(req.body().clone());
        *copy.method_mut() = req.method().clone();
        *copy.uri_mut() = req.uri().clone();
        *copy.version_mut() = req.version();
        *copy.headers_mut() = req.headers().clone();
        *copy.extensions_mut() = req.extensions().clone();
        Some(copy)
    }
}

/// The attempts of one call so far.
#[derive(Clone, Debug, Default)]
struct Tries {
    attempt: u32,
    /// Whether an earlier attempt of this call may have reached the server: then the call's
    /// error must not say "never sent" because its last attempt was (say, refused by pacing).
    maybe_sent_before: bool,
}

impl Tries {
    /// After an attempt of `req` that produced `result`: `Some(wait)` to try again after `wait`,
    /// or `None` to return `result`, stamped with the attempt count.
    fn after(
        &mut self,
        shared: &Shared,
        req: &Request<Bytes>,
        result: &mut Result<Response<Bytes>, Error>,
    ) -> Option<Duration> {
        self.attempt = self.attempt.saturating_add(1);
        if let (1, Some(budget)) = (self.attempt, &shared.budget) {
            budget.deposit();
        }
        let outcome = match result {
            Ok(response) => Outcome::Response {
                status: response.status(),
                retry_after: requested_wait(
                    response.status(),
                    response.headers(),
                    response.body(),
                    req.endpoint().map(Endpoint::family),
                ),
            },
            Err(error) => Outcome::Error {
                kind: error.kind(),
                sent: error.request_sent(),
            },
        };
        let remaining = req
            .call_deadline()
            .map(|d| d.saturating_duration_since(Instant::now()));
        let safe = retry_safe(req.method(), req.endpoint(), req.headers());
        let decision = decide(
            &shared.config,
            self.attempt,
            safe,
            outcome,
            remaining,
            jitter(),
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
            // One attempt is what a response without `Attempts` means.
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
    use http::HeaderValue;

    use super::*;
    use crate::extensions::{ApiFamily, Endpoint};

    /// A GET with a header, an `Endpoint`, a call deadline and an extension of the caller's own.
    fn request() -> Request<Bytes> {
        let mut req = Request::get("https://api.whop.com/api/v5/me/memberships/mem_1")
            .body(Bytes::from_static(b"body"))
            .expect("valid");
        req.headers_mut()
            .insert("x-h", HeaderValue::from_static("1"));
        req.set_endpoint(Endpoint::new("GET /v5/me/memberships/{id}", ApiFamily::V5));
        req.set_call_deadline(Instant::now() + Duration::from_secs(60));
        req.extensions_mut().insert("the caller's own");
        req
    }

    fn status(code: u16) -> Result<Response<Bytes>, Error> {
        Ok(Response::builder()
            .status(code)
            .body(Bytes::new())
            .expect("valid"))
    }

    #[tokio::test(start_paused = true)]
    async fn the_copy_for_the_next_attempt_has_the_original_parts_and_extensions() {
        let original = request();
        let copy = RetryPolicy::new(RetryConfig::default())
            .clone_request(&original)
            .expect("retries are on");
        assert_eq!(copy.method(), original.method());
        assert_eq!(copy.uri(), original.uri());
        assert_eq!(copy.body(), original.body());
        assert_eq!(copy.headers(), original.headers());
        assert_eq!(copy.endpoint(), original.endpoint());
        assert_eq!(copy.call_deadline(), original.call_deadline());
        assert_eq!(copy.extensions().get::<&str>(), Some(&"the caller's own"));
    }

    #[test]
    fn without_retries_no_copy_is_kept() {
        let mut policy = RetryPolicy::new(RetryConfig::disabled());
        assert!(policy.clone_request(&request()).is_none());
    }

    #[tokio::test(start_paused = true)]
    async fn a_response_after_one_attempt_carries_no_attempts_and_after_two_it_does() {
        let mut req = request();
        let mut policy = RetryPolicy::new(RetryConfig::default());
        let mut first = status(200);
        assert!(policy.retry(&mut req, &mut first).is_none());
        assert_eq!(first.expect("ok").extensions().get::<Attempts>(), None);

        let mut policy = RetryPolicy::new(RetryConfig::default());
        let mut unavailable = status(503);
        assert!(
            policy.retry(&mut req, &mut unavailable).is_some(),
            "a 503 to a GET is retried"
        );
        let mut second = status(200);
        assert!(policy.retry(&mut req, &mut second).is_none());
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
