//! How eager the retry layer is: attempts, backoff, budget and `Retry-After` bounds.

use std::time::Duration;

/// Retry settings. Start from [`RetryConfig::default()`] (3 attempts, 100 ms base delay, 5 s cap,
/// `Retry-After` honoured up to 10 s, a retry budget of 20 % plus 10 retries a second) or
/// [`RetryConfig::disabled()`], and adjust with the builder-style `with_*` methods.
///
/// Setters are named `with_*` and take `self`; getters have the plain names
/// ([`max_attempts`](Self::max_attempts), [`base_delay`](Self::base_delay)), as the Rust API
/// guidelines ask (C-GETTER) and as `aws-smithy-types`' `RetryConfig` does. Rust allows one method
/// of a name, so the getter gets the plain one. [`PacingConfig`](crate::PacingConfig) follows the
/// same rule.
///
/// ```
/// use std::time::Duration;
/// let config = whop_transport::RetryConfig::default()
///     .with_max_attempts(5)
///     .with_base_delay(Duration::from_millis(50))
///     .with_retry_429_without_retry_after(false);
/// assert_eq!(config.max_attempts(), 5);
/// ```
#[derive(Clone, Debug)]
pub struct RetryConfig {
    pub(crate) max_attempts: u32,
    pub(crate) base_delay: Duration,
    pub(crate) max_delay: Duration,
    pub(crate) max_retry_after: Duration,
    pub(crate) retry_429_without_retry_after: bool,
    pub(crate) budget: Option<BudgetConfig>,
}

/// The retry budget: retries allowed as a share of recent requests, so a failing API does not see
/// its load multiplied by the number of attempts. Kept by tower's `TpsBudget`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct BudgetConfig {
    pub(crate) ttl: Duration,
    pub(crate) min_per_sec: u32,
    pub(crate) retry_percent: f32,
}

impl Default for RetryConfig {
    fn default() -> Self {
        Self {
            max_attempts: 3,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(5),
            max_retry_after: Duration::from_secs(10),
            retry_429_without_retry_after: false,
            budget: Some(BudgetConfig {
                ttl: Duration::from_secs(10),
                min_per_sec: 10,
                retry_percent: 0.2,
            }),
        }
    }
}

impl RetryConfig {
    /// No retries: every call makes exactly one attempt.
    pub fn disabled() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// The maximum number of attempts, the first included (at least 1; 1 disables retries).
    pub fn with_max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The backoff before the first retry; it doubles for each further retry, up to
    /// [`with_max_delay`](Self::with_max_delay), and the actual wait is a uniformly random share of it (full
    /// jitter).
    pub fn with_base_delay(mut self, delay: Duration) -> Self {
        self.base_delay = delay;
        self
    }

    /// The cap of the exponential backoff.
    pub fn with_max_delay(mut self, delay: Duration) -> Self {
        self.max_delay = delay;
        self
    }

    /// The longest `Retry-After` the layer will sleep for; a longer one returns the response to
    /// the caller at once.
    pub fn with_max_retry_after(mut self, wait: Duration) -> Self {
        self.max_retry_after = wait;
        self
    }

    /// Whether a 429 that names no wait (no `Retry-After`, and for v1 no "Try again in N
    /// seconds." in its message) is retried with the normal backoff. Off by default: on v2 and
    /// v5 Whop answers every request in its 60 s cooldown with 429, so short backoffs only extend
    /// it; on v1 a 429 without a wait is not what Whop documents.
    pub fn with_retry_429_without_retry_after(mut self, retry: bool) -> Self {
        self.retry_429_without_retry_after = retry;
        self
    }

    /// The retry budget: over a window of `ttl` (clamped to 1..=60 s), allow `min_per_sec`
    /// retries a second plus `retry_percent` (clamped to 0..=1000, e.g. `0.2` = 20 %) of the
    /// requests made.
    pub fn with_budget(mut self, ttl: Duration, min_per_sec: u32, retry_percent: f32) -> Self {
        let retry_percent = if retry_percent.is_nan() {
            0.0
        } else {
            retry_percent
        };
        self.budget = Some(BudgetConfig {
            ttl: ttl.clamp(Duration::from_secs(1), Duration::from_secs(60)),
            min_per_sec: min_per_sec.min(i32::MAX as u32 - 1),
            retry_percent: retry_percent.clamp(0.0, 1000.0),
        });
        self
    }

    /// No retry budget: every retryable failure is retried up to
    /// [`max_attempts`](Self::max_attempts).
    pub fn without_budget(mut self) -> Self {
        self.budget = None;
        self
    }

    /// The maximum number of attempts, the first included.
    pub fn max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// The backoff before the first retry (before jitter).
    pub fn base_delay(&self) -> Duration {
        self.base_delay
    }

    /// The cap of the exponential backoff.
    pub fn max_delay(&self) -> Duration {
        self.max_delay
    }

    /// The longest `Retry-After` the layer will sleep for.
    pub fn max_retry_after(&self) -> Duration {
        self.max_retry_after
    }

    /// Whether a 429 without `Retry-After` is retried with the normal backoff.
    pub fn retry_429_without_retry_after(&self) -> bool {
        self.retry_429_without_retry_after
    }

    /// Whether a retry budget is kept.
    pub fn has_budget(&self) -> bool {
        self.budget.is_some()
    }
}
