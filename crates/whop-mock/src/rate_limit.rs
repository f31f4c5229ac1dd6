//! Whop's rate limits: v2 and v5 per API family, N requests per window, then a cooldown of 429s;
//! v1 per operation, N requests per window, and a 429 that says in its message how long to wait.

use std::collections::{HashMap, VecDeque};
use std::time::Duration;

use tokio::time::Instant;

use crate::route::ApiFamily;

/// One family's limit: at most `requests` in any `window`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    /// Requests allowed in a window.
    pub requests: u32,
    /// The window length.
    pub window: Duration,
}

impl Limit {
    /// `requests` per `window`.
    pub const fn new(requests: u32, window: Duration) -> Self {
        Self { requests, window }
    }
}

/// Rate-limit settings of a [`MockWhop`](crate::MockWhop). [`RateLimits::whop`] (the default) is
/// Whop's documented behaviour.
///
/// How the mock counts on v2 and v5:
/// - per API family and per bearer token (requests without a token share one counter), every
///   request of the family counts (401s and 404s too), except those an injected fault answered
///   in place of the API;
/// - with a sliding window: no more than `requests` in any `window`, the strictest reading of
///   "100 requests per 10 s", so a client that stays under it here stays under it on Whop;
/// - the request over the limit gets 429 and starts the cooldown, in which every request of that
///   family and token gets 429 (`{"message":"You are being rate limited"}`); after it, the
///   counter starts afresh.
///
/// and on v1 (the Current API):
/// - per operation (method and path template: `POST /v1/memberships/{id}/cancel`) and per bearer
///   token, every request of the operation counts (4xx answers too); a request to no known
///   operation counts under the method and raw path;
/// - with the same sliding window, and no cooldown: the request over the limit gets
///   `429 {"error": {"type": "rate_limit_exceeded", "message": "Try again in N seconds."}}`,
///   N the whole seconds (rounded up, at least 1) until the window admits a request again, and
///   does not count. No `Retry-After` header, as Whop documents none (unless
///   [`RateLimits::retry_after_header`] is set).
///
/// Shrink the windows for fast tests:
///
/// ```
/// use std::time::Duration;
/// use whop_mock::{Limit, RateLimits};
///
/// let fast = RateLimits::whop()
///     .v2(Some(Limit::new(3, Duration::from_millis(50))))
///     .v5(Some(Limit::new(2, Duration::from_millis(50))))
///     .cooldown(Duration::from_millis(100));
/// assert_eq!(fast.cooldown, Duration::from_millis(100));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct RateLimits {
    /// The v1 limit per operation; `None` for unlimited. Whop: 600 per 60 s.
    pub v1: Option<Limit>,
    /// The v2 limit; `None` for unlimited. Whop: 100 per 10 s.
    pub v2: Option<Limit>,
    /// The v5 limit; `None` for unlimited. Whop: 20 per 10 s.
    pub v5: Option<Limit>,
    /// How long every request of a family gets 429 once its limit is exceeded (v2 and v5; v1 has
    /// none). Whop: 60 s.
    pub cooldown: Duration,
    /// Send `Retry-After` (whole seconds left in the cooldown, rounded up) on 429s. Off by default:
    /// Whop documents no such header.
    pub retry_after_header: bool,
}

impl RateLimits {
    /// Whop's documented limits: v1 600 per 60 s per operation, v2 100 per 10 s, v5 20 per 10 s,
    /// a 60 s cooldown (v2, v5), no `Retry-After`.
    pub const fn whop() -> Self {
        Self {
            v1: Some(Limit::new(600, Duration::from_secs(60))),
            v2: Some(Limit::new(100, Duration::from_secs(10))),
            v5: Some(Limit::new(20, Duration::from_secs(10))),
            cooldown: Duration::from_secs(60),
            retry_after_header: false,
        }
    }

    /// No limits at all.
    pub const fn disabled() -> Self {
        Self {
            v1: None,
            v2: None,
            v5: None,
            cooldown: Duration::ZERO,
            retry_after_header: false,
        }
    }

    /// Sets the v1 limit, per operation (`None`: unlimited).
    #[must_use]
    pub const fn v1(mut self, limit: Option<Limit>) -> Self {
        self.v1 = limit;
        self
    }

    /// Sets the v2 limit (`None`: unlimited).
    #[must_use]
    pub const fn v2(mut self, limit: Option<Limit>) -> Self {
        self.v2 = limit;
        self
    }

    /// Sets the v5 limit (`None`: unlimited).
    #[must_use]
    pub const fn v5(mut self, limit: Option<Limit>) -> Self {
        self.v5 = limit;
        self
    }

    /// Sets the cooldown.
    #[must_use]
    pub const fn cooldown(mut self, cooldown: Duration) -> Self {
        self.cooldown = cooldown;
        self
    }

    /// Sends (or not) `Retry-After` on 429s.
    #[must_use]
    pub const fn retry_after_header(mut self, send: bool) -> Self {
        self.retry_after_header = send;
        self
    }

    fn limit(&self, family: ApiFamily) -> Option<Limit> {
        match family {
            ApiFamily::V2 => self.v2,
            ApiFamily::V5 => self.v5,
            ApiFamily::V1 => self.v1,
        }
    }
}

impl Default for RateLimits {
    fn default() -> Self {
        Self::whop()
    }
}

#[derive(Debug, Default)]
struct Bucket {
    accepted: VecDeque<Instant>,
    cooldown_until: Option<Instant>,
}

/// The counters. `check` admits a request or says how long the cooldown still lasts;
/// `check_operation` (v1) admits one or says how long until the window admits one.
#[derive(Debug, Default)]
pub(crate) struct Limiter {
    buckets: HashMap<(ApiFamily, String), Bucket>,
    /// v1: per (operation, token).
    operations: HashMap<(String, String), VecDeque<Instant>>,
}

impl Limiter {
    pub(crate) fn check(
        &mut self,
        limits: &RateLimits,
        family: ApiFamily,
        token: &str,
        now: Instant,
    ) -> Result<(), Duration> {
        let Some(limit) = limits.limit(family) else {
            return Ok(());
        };
        let bucket = self.buckets.entry((family, token.to_owned())).or_default();
        if let Some(until) = bucket.cooldown_until {
            if now < until {
                return Err(until - now);
            }
            bucket.cooldown_until = None;
            bucket.accepted.clear();
        }
        while bucket
            .accepted
            .front()
            .is_some_and(|&at| now.saturating_duration_since(at) >= limit.window)
        {
            bucket.accepted.pop_front();
        }
        if bucket.accepted.len() >= limit.requests as usize {
            // A huge configured cooldown must not overflow the clock: cap it at about 30 years.
            let until = now
                .checked_add(limits.cooldown)
                .or_else(|| now.checked_add(Duration::from_secs(30 * 365 * 24 * 3600)))
                .unwrap_or(now);
            bucket.cooldown_until = Some(until);
            return Err(limits.cooldown);
        }
        bucket.accepted.push_back(now);
        Ok(())
    }

    pub(crate) fn check_operation(
        &mut self,
        limits: &RateLimits,
        operation: &str,
        token: &str,
        now: Instant,
    ) -> Result<(), Duration> {
        let Some(limit) = limits.v1 else {
            return Ok(());
        };
        let accepted = self
            .operations
            .entry((operation.to_owned(), token.to_owned()))
            .or_default();
        while accepted
            .front()
            .is_some_and(|&at| now.saturating_duration_since(at) >= limit.window)
        {
            accepted.pop_front();
        }
        if accepted.len() >= limit.requests as usize {
            // A limit of 0 admits nothing and has no oldest request: a whole window then.
            let wait = accepted
                .front()
                .and_then(|&oldest| oldest.checked_add(limit.window))
                .map_or(limit.window, |free| free.saturating_duration_since(now));
            return Err(wait);
        }
        accepted.push_back(now);
        Ok(())
    }

    pub(crate) fn reset(&mut self) {
        self.buckets.clear();
        self.operations.clear();
    }
}
