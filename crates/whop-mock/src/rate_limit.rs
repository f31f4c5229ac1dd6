//! Whop's rate limits: per API family, N requests per window, then a cooldown of 429s.

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
/// How the mock counts:
/// - per API family and per bearer token (requests without a token share one counter), every
///   request of the family counts (401s and 404s too), except those an injected fault answered
///   in place of the API;
/// - with a sliding window: no more than `requests` in any `window`, the strictest reading of
///   "100 requests per 10 s", so a client that stays under it here stays under it on Whop;
/// - the request over the limit gets 429 and starts the cooldown, in which every request of that
///   family and token gets 429 (`{"message":"You are being rate limited"}`); after it, the
///   counter starts afresh.
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
    /// The v2 limit; `None` for unlimited. Whop: 100 per 10 s.
    pub v2: Option<Limit>,
    /// The v5 limit; `None` for unlimited. Whop: 20 per 10 s.
    pub v5: Option<Limit>,
    /// How long every request of a family gets 429 once its limit is exceeded. Whop: 60 s.
    pub cooldown: Duration,
    /// Send `Retry-After` (whole seconds left in the cooldown, rounded up) on 429s. Off by default:
    /// Whop documents no such header.
    pub retry_after_header: bool,
}

impl RateLimits {
    /// Whop's documented limits: v2 100 per 10 s, v5 20 per 10 s, a 60 s cooldown, no `Retry-After`.
    pub const fn whop() -> Self {
        Self {
            v2: Some(Limit::new(100, Duration::from_secs(10))),
            v5: Some(Limit::new(20, Duration::from_secs(10))),
            cooldown: Duration::from_secs(60),
            retry_after_header: false,
        }
    }

    /// No limits at all.
    pub const fn disabled() -> Self {
        Self {
            v2: None,
            v5: None,
            cooldown: Duration::ZERO,
            retry_after_header: false,
        }
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

/// The counters. `check` admits a request or says how long the cooldown still lasts.
#[derive(Debug, Default)]
pub(crate) struct Limiter {
    buckets: HashMap<(ApiFamily, String), Bucket>,
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

    pub(crate) fn reset(&mut self) {
        self.buckets.clear();
    }
}
