//! A small harness for the license-key and listing tests (license.rs, listing.rs): whop-mock on
//! loopback and clients through the whole default stack. Kept apart from support.rs on purpose.

#![allow(dead_code, unreachable_pub)] // each test file uses part of it

use std::future::{Future, poll_fn};
use std::pin::Pin;
use std::time::Duration;

use whop_client::Stream;
use whop_client::{Client, PacingConfig, RetryConfig, Token};
use whop_mock::{DEMO_COMPANY_KEY, DEMO_USER_TOKEN, MockServer, MockWhop};

/// Fails the test instead of hanging it.
pub async fn bounded<F: Future>(future: F) -> F::Output {
    tokio::time::timeout(Duration::from_secs(20), future)
        .await
        .expect("test step took longer than 20 s")
}

/// The next item of a stream.
pub async fn next<S: Stream + Unpin>(stream: &mut S) -> Option<S::Item> {
    poll_fn(|cx| Pin::new(&mut *stream).poll_next(cx)).await
}

/// Every item of a stream.
pub async fn collect<S: Stream + Unpin>(mut stream: S) -> Vec<S::Item> {
    let mut items = Vec::new();
    while let Some(item) = next(&mut stream).await {
        items.push(item);
    }
    items
}

/// The mock served on loopback, a company client and a user client (the demo credentials).
pub struct Api {
    pub server: MockServer,
    pub mock: MockWhop,
    pub company: Client,
    pub user: Client,
}

impl Api {
    /// Serves `mock` with the default transport's pacing (Whop's limits) and fast retries.
    pub async fn start(mock: MockWhop) -> Api {
        Api::start_with(mock, PacingConfig::default()).await
    }

    /// Serves `mock`; clients paced by `pacing`.
    pub async fn start_with(mock: MockWhop, pacing: PacingConfig) -> Api {
        let server = mock.serve().await.expect("mock serves on loopback");
        let company = client(&server, DEMO_COMPANY_KEY, pacing.clone());
        let user = client(&server, DEMO_USER_TOKEN, pacing);
        Api {
            mock: server.mock().clone(),
            server,
            company,
            user,
        }
    }
}

fn client(server: &MockServer, token: &str, pacing: PacingConfig) -> Client {
    let token = Token::new(token).expect("valid token");
    Client::builder()
        .transport(|t| {
            t.base_url(server.base_url())
                .token(token)
                .retry(
                    RetryConfig::default()
                        .with_base_delay(Duration::from_millis(5))
                        .with_max_delay(Duration::from_millis(20)),
                )
                .attempt_timeout(Duration::from_secs(5))
                .deadline(Duration::from_secs(15))
                .pacing(pacing)
        })
        .build()
        .expect("client builds")
}
