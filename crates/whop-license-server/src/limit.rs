//! The per-client-address limit on the public endpoints: `governor`'s GCRA keyed by IP address
//! (one atomic word per address), the limiter `tower-governor` and most axum servers use.
//!
//! The address is the connection's peer (axum's `ConnectInfo`). Behind a reverse proxy every
//! request comes from the proxy: limit there instead, and turn this one off. `X-Forwarded-For`
//! is never trusted here, since any client can send one.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::extract::ConnectInfo;
use governor::clock::Clock;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::server::PerClientLimit;

/// How many checks between sweeps of addresses whose limit has fully recovered.
const SWEEP_EVERY: u64 = 4096;

pub(crate) struct ClientLimiter {
    limiter: DefaultKeyedRateLimiter<IpAddr>,
    checks: AtomicU64,
}

impl ClientLimiter {
    pub(crate) fn new(limit: PerClientLimit) -> Self {
        let quota = Quota::per_second(limit.per_second).allow_burst(limit.burst);
        Self {
            limiter: RateLimiter::keyed(quota),
            checks: AtomicU64::new(0),
        }
    }

    /// `Ok` when `address` may make one more request; otherwise how long until it may.
    pub(crate) fn check(&self, address: IpAddr) -> Result<(), Duration> {
        if self.checks.fetch_add(1, Ordering::Relaxed) % SWEEP_EVERY == SWEEP_EVERY - 1 {
            self.limiter.retain_recent();
        }
        self.limiter
            .check_key(&address)
            .map_err(|not_until| not_until.wait_time_from(self.limiter.clock().now()))
    }
}

/// The peer address of a request; a request without one (a router called in process, not
/// served) counts as the unspecified address.
pub(crate) fn client_address<B>(request: &http::Request<B>) -> IpAddr {
    request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |info| info.0.ip())
}

#[cfg(test)]
mod tests {
    use std::num::NonZeroU32;

    use super::*;

    #[test]
    fn an_address_over_its_burst_waits_and_others_do_not() {
        let one = NonZeroU32::new(1).unwrap();
        let limiter = ClientLimiter::new(PerClientLimit::new(one, NonZeroU32::new(2).unwrap()));
        let a = IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1));
        let b = IpAddr::V4(Ipv4Addr::new(10, 0, 0, 2));
        assert!(limiter.check(a).is_ok());
        assert!(limiter.check(a).is_ok());
        let wait = limiter.check(a).unwrap_err();
        assert!(
            wait > Duration::ZERO && wait <= Duration::from_secs(1),
            "{wait:?}"
        );
        assert!(limiter.check(b).is_ok());
    }
}
