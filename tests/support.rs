//! Shared set-up for the workspace tests: a `whop-mock` API served on loopback and clients of the
//! default stack pointed at it.

#![forbid(unsafe_code)]
#![deny(missing_docs)]

use std::future::Future;
use std::time::Duration;

use whop_client::transport::TransportBuilder;
use whop_client::{Client, Error, PacingConfig, RetryConfig, Token};
use whop_mock::{MockMembership, MockServer, MockWhop, MockWhopBuilder};

/// The company key every harness's mock accepts.
pub const COMPANY_KEY: &str = "test_company_key";
/// The user token every harness's mock accepts, for [`USER_ID`].
pub const USER_TOKEN: &str = "test_user_token";
/// The user [`USER_TOKEN`] belongs to.
pub const USER_ID: &str = "user_test000000001";

/// A mock served on loopback and two clients over the default transport: one with the company key
/// (v2) and one derived from it with the user's token (v5), sharing its connection pool.
pub struct Harness {
    /// The running mock server; dropped (and stopped) with the harness.
    pub server: MockServer,
    /// The mock's state, for assertions and fault injection.
    pub mock: MockWhop,
    /// A client with [`COMPANY_KEY`].
    pub company: Client,
    /// The same client with [`USER_TOKEN`].
    pub user: Client,
}

/// The membership most tests use: `mem_1`, owned by [`USER_ID`], license key `K-1`.
pub fn sample_membership() -> MockMembership {
    MockMembership::new("mem_1")
        .user(USER_ID)
        .license_key("K-1")
}

/// A mock with the test tokens and no rate limits, for `customise` to seed.
pub fn mock_builder() -> MockWhopBuilder {
    MockWhop::builder()
        .company_token(COMPANY_KEY)
        .user_token(USER_TOKEN, USER_ID)
        .no_rate_limits()
}

/// Retries as the default, with short waits so tests stay fast.
pub fn fast_retries() -> RetryConfig {
    RetryConfig::default()
        .with_base_delay(Duration::from_millis(2))
        .with_max_delay(Duration::from_millis(20))
        .without_budget()
}

/// Builds a client of the default stack for the API at `base_url` (a loopback server's `.../api`)
/// with `token`, its transport configured by `transport`: every workspace test builds its clients
/// here, so a change to `ClientBuilder` changes this one place.
///
/// # Errors
/// As [`ClientBuilder::build`](whop_client::ClientBuilder::build): a refused token or base URL.
pub fn try_client(
    base_url: &str,
    token: &str,
    transport: impl FnOnce(TransportBuilder) -> TransportBuilder,
) -> Result<Client, Error> {
    let token = Token::new(token)?;
    Client::builder()
        .transport(|t| transport(t.base_url(base_url).token(token)))
        .build()
}

/// [`try_client`] for settings that are right.
///
/// # Panics
/// When the client cannot be built: the test cannot run.
pub fn client(
    base_url: &str,
    token: &str,
    transport: impl FnOnce(TransportBuilder) -> TransportBuilder,
) -> Client {
    try_client(base_url, token, transport).expect("client builds")
}

impl Harness {
    /// Serves `mock` on loopback and builds both clients with [`fast_retries`].
    ///
    /// # Panics
    /// When the server cannot start or the client cannot be built: the test cannot run.
    pub async fn start(mock: MockWhop) -> Harness {
        Harness::start_with(mock, fast_retries()).await
    }

    /// Serves `mock` on loopback and builds both clients with `retry`.
    ///
    /// # Panics
    /// When the server cannot start or the client cannot be built: the test cannot run.
    pub async fn start_with(mock: MockWhop, retry: RetryConfig) -> Harness {
        let server = mock.serve().await.expect("mock server starts on loopback");
        let company = client(&server.url("/api"), COMPANY_KEY, |t| {
            t.retry(retry)
                .attempt_timeout(Duration::from_secs(2))
                .deadline(Duration::from_secs(5))
                // Harness mocks enforce no rate limits (see `mock_builder`), or tiny ones a test
                // trips on purpose to see the 429; client pacing at Whop's limits would only slow
                // these tests (200 v5 calls at 20 per 10 s take 90 s). Pacing has its own tests
                // in `pacing.rs`, against a mock that enforces limits.
                .pacing(PacingConfig::disabled())
        });
        let user = company.with_token(&Token::new(USER_TOKEN).expect("valid token"));
        Harness {
            server,
            mock,
            company,
            user,
        }
    }
}

/// Runs a test body with a bound on its time, so a hang fails instead of stalling CI.
///
/// # Panics
/// When `test` takes longer than 10 s.
pub async fn bounded<F: Future>(test: F) -> F::Output {
    tokio::time::timeout(Duration::from_secs(10), test)
        .await
        .expect("test finished within 10 s")
}

/// Polls `condition` every 5 ms until it holds or `limit` passes; `true` if it held.
pub async fn eventually(limit: Duration, mut condition: impl FnMut() -> bool) -> bool {
    let until = tokio::time::Instant::now() + limit;
    loop {
        if condition() {
            return true;
        }
        if tokio::time::Instant::now() >= until {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// Tasks alive in the current Tokio runtime (every spawned task not yet finished), for leak
/// checks: a test's own body is not a task, so a test that has dropped everything it started sees
/// zero.
pub fn alive_tasks() -> usize {
    tokio::runtime::Handle::current()
        .metrics()
        .num_alive_tasks()
}
