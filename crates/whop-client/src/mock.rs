//! Clients for a [`whop_mock`] server, ready to use in tests (cargo feature `mock`).
//!
//! [`Client::builder_for`] gives a [`ClientBuilder`] set for a running [`MockServer`]: its
//! [`base_url`](MockServer::base_url) (the API root, `/api` included), your token, and pacing
//! matched to the rate limits the mock enforces, **off when it enforces none**. The default
//! pacing follows Whop's real limits (v5: 20 requests per 10 s; v1: 600 a minute per operation),
//! which would make a test of many calls against an unlimited mock wait for nothing.
//!
//! ```
//! use whop_client::{Client, Token};
//! use whop_mock::{DEMO_LICENSE_KEY, DEMO_USER_TOKEN, MockWhop};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let mock = MockWhop::demo_builder().no_rate_limits().build();
//! let server = mock.serve().await?;
//! let client = Client::builder_for(&server, Token::new(DEMO_USER_TOKEN)?).build()?;
//! for _ in 0..25 {
//!     assert!(client.membership(DEMO_LICENSE_KEY).await?.grants_access());
//! }
//! # Ok(())
//! # }
//! ```

use std::time::Duration;

use whop_mock::{Limit, MockServer, RateLimits};
use whop_transport::{PacingConfig, PacingLimit, Token};

use crate::client::{Client, ClientBuilder};

impl Client {
    /// A builder for a client of the mock `server`: its API root as the base URL, `token` as the
    /// credential (one the mock was given: a company key, or a user token), and pacing
    /// matched to the mock's limits when the builder is made ([`pacing_for`]). Adjust anything
    /// else with [`ClientBuilder::transport`].
    pub fn builder_for(server: &MockServer, token: Token) -> ClientBuilder {
        let base_url = server.base_url();
        let pacing = pacing_for(&server.mock().rate_limits());
        Client::builder().transport(|t| t.base_url(base_url).token(token).pacing(pacing))
    }
}

/// Pacing that keeps a client under `limits`, the rate limits of a mock: the same requests per
/// window for each family, with a safety margin of a tenth of the window (at most 1 s, as for
/// Whop); [`PacingConfig::disabled`] when the mock enforces no limit.
pub fn pacing_for(limits: &RateLimits) -> PacingConfig {
    let limit = |limit: Option<Limit>| limit.map(|l| PacingLimit::new(l.requests, l.window));
    let config = PacingConfig::disabled()
        .with_v1(limit(limits.v1))
        .with_v2(limit(limits.v2))
        .with_v5(limit(limits.v5));
    let shortest = [limits.v1, limits.v2, limits.v5]
        .into_iter()
        .flatten()
        .map(|l| l.window)
        .min();
    match shortest {
        Some(window) => config.with_safety_margin((window / 10).min(Duration::from_secs(1))),
        None => PacingConfig::disabled(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mock_without_limits_means_no_pacing() {
        assert!(!pacing_for(&RateLimits::disabled()).is_enabled());
    }

    #[test]
    fn a_mock_with_limits_is_paced_by_the_same_limits() {
        let limits = RateLimits::disabled().v5(Some(Limit::new(2, Duration::from_millis(50))));
        let pacing = pacing_for(&limits);
        assert_eq!(
            pacing.limit(whop_transport::ApiFamily::V5),
            Some(PacingLimit::new(2, Duration::from_millis(50)))
        );
        assert_eq!(pacing.limit(whop_transport::ApiFamily::V2), None);
        assert_eq!(pacing.safety_margin(), Duration::from_millis(5));
    }
}
