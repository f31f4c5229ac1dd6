//! The retry machinery: a [`tower::retry::Policy`] that reads the clock, draws jitter, keeps the
//! budget and asks the pure decision (`decision.rs`) what to do.
//!
//! tower's [`Retry`](tower::retry::Retry) service clones the policy for every call, so the attempt
//! counter lives in the clone and needs no lock; the budget is shared by all clones through an
//! `Arc`. When the layer gives up it stamps the attempt count on what it returns: an
//! [`Attempts`] extension on a response, [`Error::attempts`] on an error. An error whose last
//! attempt was never sent (a refused connection, a slot refused by pacing) still says "may have
//! been sent" if an earlier attempt of the call may have reached the server.

use std::hash::{BuildHasher, Hasher};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use bytes::Bytes;
use http::{Request, Response};
use tokio::time::{Instant, Sleep};
use tower::retry::budget::{Budget, TpsBudget};

use super::{Decision, Outcome, RetryConfig, decide, retry_after};
use crate::error::Error;
use crate::extensions::{Attempts, CallDeadline, is_retry_safe};

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
            let remaining = req
                .extensions()
                .get::<CallDeadline>()
                .map(|d| d.0.saturating_duration_since(now));
            (remaining, jitter())
        };
        let decision = decide(
            &self.config,
            self.attempt,
            is_retry_safe(req),
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
            Ok(response) => {
                response.extensions_mut().insert(Attempts(self.attempt));
            }
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
        *clone.headers_mut() = req.headers().clone();
        *clone.extensions_mut() = req.extensions().clone();
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
    use super::*;

    #[test]
    fn jitter_is_in_the_unit_interval_and_varies() {
        let samples: Vec<f64> = (0..100).map(|_| jitter()).collect();
        assert!(samples.iter().all(|j| (0.0..1.0).contains(j)));
        assert!(samples.windows(2).any(|w| w[0] != w[1]));
    }
}
