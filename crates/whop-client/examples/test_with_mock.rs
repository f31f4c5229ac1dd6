//! Test your own code with whop-mock: a fake Whop API with state, Whop's error shapes, and
//! faults on demand, served on loopback so your code runs through the real client and transport.
//!
//! ```sh
//! cargo run -p whop-client --example test_with_mock
//! ```
//!
//! `revoke_access` below stands for your code. Each `check_*` function is a test as you would
//! write it in your crate's `tests/` (there: `#[tokio::test]`, with `whop-mock` and `tokio` as
//! dev-dependencies); this example runs them one after another and exits 0 when all pass. It
//! needs no account and ignores `WHOP_*` variables: tests should never reach the real API.

use std::time::Duration;

use whop_client::{Client, RetryConfig, Token};
use whop_mock::{Fault, MockMembership, MockServer, MockWhop, RecordedRequest};

// ---- your code ----

/// What `revoke_access` did.
#[derive(Debug, PartialEq, Eq)]
enum Revoked {
    /// Cancelled at period end (now or earlier: cancelling again changes nothing).
    AtPeriodEnd,
    /// There is no such membership: nothing to revoke.
    NoSuchMembership,
}

/// Your code under test: revoke a customer's access when they ask to leave.
async fn revoke_access(
    client: &Client,
    membership_id: &str,
) -> Result<Revoked, whop_client::Error> {
    match client.cancel_membership_at_period_end(membership_id).await {
        Ok(membership) if membership.cancel_at_period_end == Some(true) => Ok(Revoked::AtPeriodEnd),
        Ok(_) => unreachable!("a cancel at period end answers with cancel_at_period_end: true"),
        Err(e) if e.is_not_found() => Ok(Revoked::NoSuchMembership),
        Err(e) => Err(e),
    }
}

// ---- the test set-up ----

const KEY: &str = "test-company-key";

/// A world of your own: one membership, your test key, no rate limits (they would slow a test
/// suite down; `RateLimits::whop()` turns Whop's on to test your handling of them).
async fn serve() -> MockServer {
    MockWhop::builder()
        .membership(MockMembership::new("mem_test000000001").user("user_test000000001"))
        .company_token(KEY)
        .no_rate_limits()
        .build()
        .serve()
        .await
        .expect("the mock serves on loopback")
}

/// The client your code would get, pointed at the mock, with a short deadline so a test that
/// goes wrong fails fast.
fn client(server: &MockServer) -> Client {
    Client::builder()
        .transport(|t| {
            t.base_url(server.base_url())
                .token(Token::new(KEY).expect("a valid token"))
                .deadline(Duration::from_secs(5))
                .retry(RetryConfig::default().with_max_attempts(3))
        })
        .build()
        .expect("a client")
}

/// Every request the mock received, in order.
fn requests(server: &MockServer) -> Vec<RecordedRequest> {
    server.mock().requests()
}

// ---- the tests ----

/// The happy path: the mock's state changes as Whop's would.
async fn check_revoke_cancels_at_period_end() {
    let server = serve().await;
    let outcome = revoke_access(&client(&server), "mem_test000000001").await;
    assert_eq!(outcome.unwrap(), Revoked::AtPeriodEnd);
    let membership = server.mock().membership("mem_test000000001").unwrap();
    assert!(membership.cancel_at_period_end);
    assert_eq!(requests(&server).len(), 1);
    server.shutdown().await;
}

/// A 404, with Whop's own error body, is "nothing to revoke", not an error.
async fn check_unknown_membership_is_not_an_error() {
    let server = serve().await;
    let outcome = revoke_access(&client(&server), "mem_unknown0000001").await;
    assert_eq!(outcome.unwrap(), Revoked::NoSuchMembership);
    server.shutdown().await;
}

/// A gateway's HTML 502 page: the transport retries (cancel is safe to repeat), your code only
/// sees the success.
async fn check_a_502_is_retried() {
    let server = serve().await;
    server.mock().inject(Fault::html_502(), 1);
    let outcome = revoke_access(&client(&server), "mem_test000000001").await;
    assert_eq!(outcome.unwrap(), Revoked::AtPeriodEnd);
    let statuses: Vec<_> = requests(&server).iter().map(|r| r.status).collect();
    assert_eq!(statuses, [Some(502), Some(200)]);
    server.shutdown().await;
}

/// The answer is lost after Whop applied the cancel: your code gets an error that says the
/// cancel may have happened (so retrying is the right move), and the mock shows it did.
async fn check_a_lost_answer_says_maybe_applied() {
    let server = serve().await;
    // Every attempt is applied, then its connection dropped.
    server
        .mock()
        .inject_after_handling(Fault::DropConnection, 3);
    let error = revoke_access(&client(&server), "mem_test000000001")
        .await
        .expect_err("no answer came back");
    assert_eq!(error.applied(), whop_client::Applied::Maybe, "{error}");
    assert!(
        server
            .mock()
            .membership("mem_test000000001")
            .unwrap()
            .cancel_at_period_end
    );
    server.shutdown().await;
}

/// A rate limit with a long `Retry-After` is handed to your code with the wait, at once.
async fn check_a_rate_limit_reaches_your_code() {
    let server = serve().await;
    server.mock().inject(Fault::rate_limited_for(60), 1);
    let error = revoke_access(&client(&server), "mem_test000000001")
        .await
        .expect_err("rate limited");
    assert!(error.is_rate_limited(), "{error}");
    assert_eq!(error.retry_after(), Some(Duration::from_secs(60)));
    server.shutdown().await;
}

#[tokio::main]
async fn main() {
    check_revoke_cancels_at_period_end().await;
    println!("ok: revoking cancels at period end");
    check_unknown_membership_is_not_an_error().await;
    println!("ok: an unknown membership is nothing to revoke");
    check_a_502_is_retried().await;
    println!("ok: a gateway 502 is retried");
    check_a_lost_answer_says_maybe_applied().await;
    println!("ok: a lost answer says the cancel may have happened");
    check_a_rate_limit_reaches_your_code().await;
    println!("ok: a rate limit reaches your code with its wait");
    // A failed assert panics, and the example exits non-zero.
}
