//! The fault matrix: every way the network or a server in front of Whop can misbehave, through
//! the whole default stack over loopback. Each case pins the typed outcome, a bound on the time it
//! takes (asserted), and that nothing is left behind:
//!
//! - raw-socket cases ([`RawServer`]): after the client is dropped, the server sees every
//!   connection closed by the client, and no task is left in the test's runtime;
//! - whop-mock cases: after the client is dropped, only the mock's accept loop is left alive in the
//!   test's runtime (every client connection task ended, and so did every server connection task,
//!   which only ends when its socket closes), and the mock accepted no more connections than the
//!   attempts made.
//!
//! Each test prints its row (`cargo test -p whop-tests --test faults -- --nocapture`). The
//! matrix, with the times measured on a shared 2-core machine and the bound each test asserts
//! (GET lookups, which are retry-safe, with 3 attempts unless said otherwise):
//!
//! | case | outcome | time | bound |
//! | --- | --- | --- | --- |
//! | connection refused (cancel) | `Transport(Connect)`, never sent, applied `No`; 3 attempts | 8 ms | 2 s |
//! | reset before the response | `Transport(Io)`, maybe sent; retried, 3 connections | 8 ms | 2 s |
//! | reset mid-body | `Transport(Body)` with status 200, maybe sent; retried, 3 connections | 74 ms | 2 s |
//! | body shorter than its `Content-Length`, then FIN | `Transport(Body)`, maybe sent | 12 ms | 2 s |
//! | body cut short by the mock (`TruncatedBody`), 1 attempt | `Transport(Body)` | 8 ms | 2 s |
//! | garbage with 200 (`GarbageBody`) | `Decode`, raw body kept, applied `Yes`; not retried | 1 ms | 2 s |
//! | HTML with 200 | `Decode`, the page in the message | 1 ms | 2 s |
//! | HTML 502, persistent | `Api` 502, no message, the page in the message, applied `Maybe`; 3 attempts | 8 ms | 2 s |
//! | storm of 503s, 10 calls, budget of 10 retries | `Api` 503 each; attempts per call `[3, 3, 3, 3, 3, 1, 1, 1, 1, 1]` | 37 ms | 3 s |
//! | headers never finish, 2 attempts of 300 ms | `Timeout(Timeout)`, maybe sent, applied `Maybe`; the client closes both connections | 605 ms | 3 s |
//! | body trickles 1 B / 20 ms, 300 ms attempt timeout | `Timeout(Timeout)`, maybe sent | 304 ms | 3 s |
//! | body over the cap (64 B) | `Transport(BodyTooLarge { limit: 64 })` with status 200; not retried | 1 ms | 2 s |
//! | 301 to another host (cancel) | `Api` 301, applied `No`; not followed: the other host accepted no connection | 1 ms | 2 s |
//! | 429, `Retry-After: 1` | waits 1 s, retries, `Ok` (2 requests) | 1.0 s | 3 s |
//! | 429, `Retry-After:` an HTTP date 2 s ahead | waits until the date (1-2 s), retries, `Ok` | 1.0-2.0 s | 4 s |
//! | 429, `Retry-After: 99999999999999999999999` | `Api` 429 at once, `retry_after()` = `u64::MAX` s; 1 request | 1 ms | 2 s |
//! | 429, `Retry-After: -5`, `soon`, `1.5`, a bad date | `Api` 429 at once, `retry_after()` = `None`; 1 request | 1 ms | 2 s |
//! | 401 (unknown token) | `Api` 401, applied `No`; 1 request | 1 ms | 2 s |
//! | 404 | `Api` 404, applied `No`; 1 request | 1 ms | 2 s |
//! | invalid UTF-8 inside a JSON string | `Decode` with the raw bytes kept; in a 400 body: `Api`, no message | 1 ms | 2 s |
//! | JSON nested 100 000 deep | `Decode` (serde_json's recursion limit), no stack overflow; deep in an ignored field of a 400 body: skipped, message read | 2 ms | 2 s |
//! | unknown fields and enum values (201) | `Ok`: fields ignored, `Unknown("hibernating")`, `Unknown("quantum_pay")` re-encode unchanged | 2 ms | 2 s |

use std::time::{Duration, Instant};

use whop_client::transport::ErrorKind;
use whop_client::{Applied, Client, Error, RequestSent, RetryConfig, Token};
use whop_mock::{Fault, MockMembership, MockServer, MockWhop};
use whop_tests::{
    COMPANY_KEY, RawReply, RawServer, USER_ID, USER_TOKEN, alive_tasks, bounded, eventually,
    mock_builder,
};

const KEY: &str = "K-1";

/// Retries as the default (3 attempts), with waits short enough for tests.
fn quick_retries() -> RetryConfig {
    RetryConfig::default()
        .base_delay(Duration::from_millis(2))
        .max_delay(Duration::from_millis(10))
        .no_budget()
}

fn client(base: &str, token: &str, retry: RetryConfig, attempt: Duration) -> Client {
    Client::builder()
        .transport(|t| {
            t.base_url(base)
                .token(Token::new(token).expect("valid token"))
                .retry(retry)
                .connect_timeout(Duration::from_secs(2))
                .attempt_timeout(attempt)
                .deadline(Duration::from_secs(5))
        })
        .build()
        .expect("client builds")
}

fn mock() -> MockWhop {
    mock_builder()
        .membership(MockMembership::new("mem_1").user(USER_ID).license_key(KEY))
        .build()
}

/// A mock served on loopback, and a user client (GET lookups are retry-safe) pointed at it.
async fn mock_and_client(retry: RetryConfig) -> (MockWhop, MockServer, Client) {
    let mock = mock();
    let server = mock.serve().await.expect("mock serves");
    let client = client(
        &server.base_url(),
        USER_TOKEN,
        retry,
        Duration::from_secs(2),
    );
    (mock, server, client)
}

/// One line of the matrix: asserts the time bound and prints the row.
fn row(case: &str, outcome: &str, elapsed: Duration, bound: Duration) {
    eprintln!("| {case} | {outcome} | {:.0?} |", elapsed);
    assert!(
        elapsed < bound,
        "{case}: took {elapsed:?}, more than {bound:?}"
    );
}

/// A short description of an error for the matrix: variant, transport kind, status, sent, applied.
fn outcome(e: &Error) -> String {
    let variant = match e {
        Error::InvalidInput(_) => "InvalidInput",
        Error::Transport(_) => "Transport",
        Error::Timeout(_) => "Timeout",
        Error::Api(_) => "Api",
        Error::Decode(_) => "Decode",
        _ => "other",
    };
    let kind = transport_kind(e)
        .map(|k| format!("({k:?})"))
        .unwrap_or_default();
    let status = e
        .status()
        .map(|s| format!(" {}", s.as_u16()))
        .unwrap_or_default();
    format!(
        "`Error::{variant}{kind}`{status}, {:?}, applied {:?}",
        e.request_sent(),
        e.applied()
    )
}

fn transport_kind(e: &Error) -> Option<ErrorKind> {
    match e {
        Error::Transport(t) | Error::Timeout(t) => t
            .source_error()
            .downcast_ref::<whop_client::transport::Error>()
            .map(whop_client::transport::Error::kind),
        _ => None,
    }
}

/// After `client` is dropped: only the mock's accept loop is left in this runtime.
async fn assert_mock_left_nothing(client: Client, server: MockServer, max_connections: usize) {
    drop(client);
    let settled = eventually(Duration::from_secs(3), || alive_tasks() == 1).await;
    assert!(
        settled,
        "{} tasks alive after the client was dropped (1 expected: the accept loop)",
        alive_tasks()
    );
    assert!(
        server.connections_accepted() <= max_connections,
        "{} connections for at most {max_connections} attempts",
        server.connections_accepted()
    );
    server.shutdown().await;
    assert!(eventually(Duration::from_secs(3), || alive_tasks() == 0).await);
}

/// After `client` is dropped: the raw server saw every connection closed, and no task is left.
async fn assert_raw_left_nothing(client: Client, server: RawServer) {
    drop(client);
    assert!(
        server.all_closed_within(Duration::from_secs(3)).await,
        "{} connections still open after the client was dropped",
        server.open()
    );
    drop(server);
    assert!(
        eventually(Duration::from_secs(3), || alive_tasks() == 0).await,
        "{} tasks alive",
        alive_tasks()
    );
}

fn requests(mock: &MockWhop) -> usize {
    mock.requests().len()
}

#[tokio::test]
async fn connection_refused_is_never_sent_and_retried_quickly() {
    bounded(async {
        let port = {
            let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            listener.local_addr().unwrap().port()
        };
        let c = client(
            &format!("http://127.0.0.1:{port}"),
            COMPANY_KEY,
            quick_retries(),
            Duration::from_secs(1),
        );
        let start = Instant::now();
        let e = c.cancel_membership("mem_1").await.unwrap_err();
        let elapsed = start.elapsed();
        assert!(matches!(e, Error::Transport(_)), "{e:?}");
        assert_eq!(transport_kind(&e), Some(ErrorKind::Connect));
        assert_eq!(e.request_sent(), RequestSent::NotSent);
        assert_eq!(e.applied(), Applied::No);
        row(
            "connection refused",
            &outcome(&e),
            elapsed,
            Duration::from_secs(2),
        );
        drop(c);
        assert!(eventually(Duration::from_secs(3), || alive_tasks() == 0).await);
    })
    .await;
}

#[tokio::test]
async fn a_reset_before_the_response_may_have_been_sent() {
    bounded(async {
        let server = RawServer::start(RawReply::ResetBeforeResponse).await;
        let c = client(
            &server.base_url(),
            USER_TOKEN,
            quick_retries(),
            Duration::from_secs(2),
        );
        let start = Instant::now();
        let e = c.me_membership(KEY).await.unwrap_err();
        let elapsed = start.elapsed();
        assert!(matches!(e, Error::Transport(_)), "{e:?}");
        assert!(
            matches!(
                transport_kind(&e),
                Some(ErrorKind::ConnectionClosed | ErrorKind::Io)
            ),
            "{e:?}"
        );
        assert_eq!(e.request_sent(), RequestSent::MaybeSent);
        assert_eq!(server.accepted(), 3, "a lookup is retried");
        row(
            "reset before the response",
            &outcome(&e),
            elapsed,
            Duration::from_secs(2),
        );
        assert_raw_left_nothing(c, server).await;
    })
    .await;
}

#[tokio::test]
async fn a_reset_mid_body_is_a_body_error_after_the_status() {
    bounded(async {
        let server = RawServer::start(RawReply::ResetAfter(
            b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 500\r\n\r\n{\"id\":\"mem_1\",",
        ))
        .await;
        let c = client(&server.base_url(), USER_TOKEN, quick_retries(), Duration::from_secs(2));
        let start = Instant::now();
        let e = c.me_membership(KEY).await.unwrap_err();
        let elapsed = start.elapsed();
        assert!(matches!(e, Error::Transport(_)), "{e:?}");
        assert_eq!(transport_kind(&e), Some(ErrorKind::Body), "{e:?}");
        assert_eq!(e.request_sent(), RequestSent::MaybeSent);
        assert_eq!(server.accepted(), 3, "a lookup is retried");
        row("reset mid-body", &outcome(&e), elapsed, Duration::from_secs(2));
        assert_raw_left_nothing(c, server).await;
    })
    .await;
}

#[tokio::test]
async fn a_body_shorter_than_its_content_length_is_a_body_error() {
    bounded(async {
        let server = RawServer::start(RawReply::CloseAfter(
            b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 500\r\n\r\n{\"id\":\"mem_1\"}",
        ))
        .await;
        let c = client(&server.base_url(), USER_TOKEN, quick_retries(), Duration::from_secs(2));
        let start = Instant::now();
        let e = c.me_membership(KEY).await.unwrap_err();
        let elapsed = start.elapsed();
        assert!(matches!(e, Error::Transport(_)), "{e:?}");
        assert_eq!(transport_kind(&e), Some(ErrorKind::Body), "{e:?}");
        assert_eq!(e.request_sent(), RequestSent::MaybeSent);
        row(
            "body shorter than Content-Length (FIN)",
            &outcome(&e),
            elapsed,
            Duration::from_secs(2),
        );
        assert_raw_left_nothing(c, server).await;
    })
    .await;
}

#[tokio::test]
async fn a_truncated_body_from_the_mock_is_a_body_error() {
    bounded(async {
        let (mock, server, c) = mock_and_client(RetryConfig::disabled()).await;
        mock.inject(Fault::TruncatedBody { keep: 10 }, 1);
        let start = Instant::now();
        let e = c.me_membership(KEY).await.unwrap_err();
        let elapsed = start.elapsed();
        assert!(matches!(e, Error::Transport(_)), "{e:?}");
        assert_eq!(transport_kind(&e), Some(ErrorKind::Body), "{e:?}");
        row(
            "body cut short, connection closed (mock `TruncatedBody`)",
            &outcome(&e),
            elapsed,
            Duration::from_secs(2),
        );
        assert_mock_left_nothing(c, server, 1).await;
    })
    .await;
}

#[tokio::test]
async fn garbage_or_html_with_200_is_a_decode_error_that_keeps_the_body() {
    bounded(async {
        let (mock, server, c) = mock_and_client(quick_retries()).await;
        mock.inject(Fault::GarbageBody, 1);
        let start = Instant::now();
        let e = c.me_membership(KEY).await.unwrap_err();
        let elapsed = start.elapsed();
        let Error::Decode(d) = &e else {
            panic!("{e:?}")
        };
        assert_eq!(&d.body()[..], whop_mock::GARBAGE_BODY);
        assert_eq!(e.applied(), Applied::No); // a read changes nothing
        row(
            "garbage with 200",
            &outcome(&e),
            elapsed,
            Duration::from_secs(2),
        );

        mock.inject(
            Fault::Respond {
                status: 200,
                content_type: Some("text/html".into()),
                body: "<html><body>Welcome to nginx!</body></html>".into(),
            },
            1,
        );
        let start = Instant::now();
        let e = c.me_membership(KEY).await.unwrap_err();
        let elapsed = start.elapsed();
        let Error::Decode(d) = &e else {
            panic!("{e:?}")
        };
        assert!(d.body().starts_with(b"<html>"));
        assert!(e.to_string().contains("Welcome to nginx"), "{e}");
        row(
            "HTML with 200",
            &outcome(&e),
            elapsed,
            Duration::from_secs(2),
        );
        assert_eq!(requests(&mock), 2, "a decode failure is not retried");
        assert_mock_left_nothing(c, server, 2).await;
    })
    .await;
}

#[tokio::test]
async fn an_html_502_is_retried_then_an_api_error_with_the_page() {
    bounded(async {
        let (mock, server, c) = mock_and_client(quick_retries()).await;
        mock.inject(Fault::html_502(), 10);
        let start = Instant::now();
        let e = c.me_membership(KEY).await.unwrap_err();
        let elapsed = start.elapsed();
        let Error::Api(api) = &e else { panic!("{e:?}") };
        assert_eq!(api.status().as_u16(), 502);
        assert_eq!(api.message(), None);
        assert!(e.to_string().contains("502 Bad Gateway"), "{e}");
        assert_eq!(e.applied(), Applied::No); // a read changes nothing
        assert_eq!(requests(&mock), 3);
        row(
            "HTML 502 (persistent)",
            &outcome(&e),
            elapsed,
            Duration::from_secs(2),
        );
        assert_mock_left_nothing(c, server, 3).await;
    })
    .await;
}

#[tokio::test]
async fn a_storm_of_503s_spends_the_retry_budget_then_stops_retrying() {
    bounded(async {
        // A reserve of 10 retries (1 a second over 10 s), nothing earned per request.
        let budgeted = quick_retries().budget(Duration::from_secs(10), 1, 0.0);
        let (mock, server, c) = mock_and_client(budgeted).await;
        mock.inject(Fault::Status(503), 1000);
        let start = Instant::now();
        let mut attempts = Vec::new();
        for _ in 0..10 {
            let before = requests(&mock);
            let e = c.me_membership(KEY).await.unwrap_err();
            assert_eq!(e.status().map(|s| s.as_u16()), Some(503), "{e:?}");
            attempts.push(requests(&mock) - before);
        }
        let elapsed = start.elapsed();
        eprintln!("503 storm: attempts per call {attempts:?}");
        assert_eq!(attempts[0], 3, "{attempts:?}");
        assert_eq!(*attempts.last().unwrap(), 1, "{attempts:?}");
        let retries: usize = attempts.iter().map(|a| a - 1).sum();
        assert!((9..=11).contains(&retries), "{attempts:?}");
        row(
            "storm of 503s, 10 calls",
            &format!("`Error::Api` 503 each; attempts per call {attempts:?}: the budget's 10 retries spent, then 1 attempt a call"),
            elapsed,
            Duration::from_secs(3),
        );
        assert_mock_left_nothing(c, server, 20).await;
    })
    .await;
}

#[tokio::test]
async fn headers_that_never_finish_time_out_and_the_connection_is_closed() {
    bounded(async {
        let server = RawServer::start(RawReply::StallAfter(
            b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nx-slow: ",
        ))
        .await;
        let c = client(
            &server.base_url(),
            USER_TOKEN,
            quick_retries().max_attempts(2),
            Duration::from_millis(300),
        );
        let start = Instant::now();
        let e = c.me_membership(KEY).await.unwrap_err();
        let elapsed = start.elapsed();
        assert!(e.is_timeout(), "{e:?}");
        assert_eq!(transport_kind(&e), Some(ErrorKind::Timeout));
        assert_eq!(e.applied(), Applied::No); // a read changes nothing
        assert_eq!(server.accepted(), 2);
        row(
            "headers never finish (2 attempts of 300 ms)",
            &outcome(&e),
            elapsed,
            Duration::from_secs(3),
        );
        assert_raw_left_nothing(c, server).await;
    })
    .await;
}

#[tokio::test]
async fn a_body_that_trickles_slower_than_the_attempt_timeout_times_out() {
    bounded(async {
        let mock = mock();
        let server = mock.serve().await.unwrap();
        let c = client(
            &server.base_url(),
            USER_TOKEN,
            RetryConfig::disabled(),
            Duration::from_millis(300),
        );
        mock.inject(
            Fault::TrickleBody {
                chunk: 1,
                interval: Duration::from_millis(20),
            },
            1,
        );
        let start = Instant::now();
        let e = c.me_membership(KEY).await.unwrap_err();
        let elapsed = start.elapsed();
        assert!(e.is_timeout(), "{e:?}");
        assert_eq!(e.applied(), Applied::No); // a read changes nothing
        row(
            "body trickles 1 byte / 20 ms (300 ms attempt timeout)",
            &outcome(&e),
            elapsed,
            Duration::from_secs(3),
        );
        assert_mock_left_nothing(c, server, 1).await;
    })
    .await;
}

#[tokio::test]
async fn a_body_over_the_cap_is_refused_with_its_status() {
    bounded(async {
        let mock = mock();
        let server = mock.serve().await.unwrap();
        let c = Client::builder()
            .transport(|t| {
                t.base_url(server.base_url())
                    .token(Token::new(USER_TOKEN).expect("valid token"))
                    .retry(quick_retries())
                    .max_body_bytes(64)
            })
            .build()
            .unwrap();
        let start = Instant::now();
        let e = c.me_membership(KEY).await.unwrap_err();
        let elapsed = start.elapsed();
        assert!(matches!(e, Error::Transport(_)), "{e:?}");
        assert_eq!(
            transport_kind(&e),
            Some(ErrorKind::BodyTooLarge { limit: 64 })
        );
        assert!(e.to_string().contains("(status 200)"), "{e}");
        assert_eq!(requests(&mock), 1, "an oversized body is not retried");
        row(
            "body over the cap (64 B)",
            &outcome(&e),
            elapsed,
            Duration::from_secs(2),
        );
        assert_mock_left_nothing(c, server, 1).await;
    })
    .await;
}

#[tokio::test]
async fn a_301_to_another_host_is_not_followed_and_the_token_never_goes_there() {
    bounded(async {
        let elsewhere = RawServer::start(RawReply::CloseAfter(
            b"HTTP/1.1 201 Created\r\ncontent-length: 2\r\n\r\n{}",
        ))
        .await;
        let mock = mock();
        let server = mock.serve().await.unwrap();
        let c = client(
            &server.base_url(),
            COMPANY_KEY,
            quick_retries(),
            Duration::from_secs(2),
        );
        mock.inject(
            Fault::Redirect {
                location: format!("{}/api/v2/memberships/mem_1/cancel", elsewhere.base_url()),
            },
            1,
        );
        let start = Instant::now();
        let e = c.cancel_membership("mem_1").await.unwrap_err();
        let elapsed = start.elapsed();
        let Error::Api(api) = &e else { panic!("{e:?}") };
        assert_eq!(api.status().as_u16(), 301);
        assert_eq!(e.applied(), Applied::No);
        assert_eq!(requests(&mock), 1);
        assert!(!mock.membership("mem_1").unwrap().cancel_at_period_end);
        assert_eq!(elsewhere.accepted(), 0, "the redirect was followed");
        assert!(elsewhere.received().is_empty());
        row(
            "301 to another host",
            &outcome(&e),
            elapsed,
            Duration::from_secs(2),
        );
        drop(elsewhere);
        assert_mock_left_nothing(c, server, 1).await;
    })
    .await;
}

/// A 429 with `Retry-After: value` once, then the mock answers normally.
async fn rate_limited_once(value: &str) -> (Result<(), Error>, Duration, usize) {
    let (mock, server, c) = mock_and_client(quick_retries()).await;
    mock.inject(
        Fault::RateLimited {
            retry_after: Some(value.to_owned()),
        },
        1,
    );
    let start = Instant::now();
    let result = c.me_membership(KEY).await.map(|_| ());
    let elapsed = start.elapsed();
    let made = requests(&mock);
    assert_mock_left_nothing(c, server, 2).await;
    (result, elapsed, made)
}

#[tokio::test]
async fn a_429_with_retry_after_in_seconds_is_waited_out_then_retried() {
    bounded(async {
        let (result, elapsed, made) = rate_limited_once("1").await;
        result.unwrap();
        assert_eq!(made, 2);
        assert!(elapsed >= Duration::from_secs(1), "{elapsed:?}");
        row(
            "429, `Retry-After: 1`",
            "waits 1 s, retries, `Ok` (2 requests)",
            elapsed,
            Duration::from_secs(3),
        );
    })
    .await;
}

#[tokio::test]
async fn a_429_with_retry_after_as_an_http_date_is_waited_out_then_retried() {
    bounded(async {
        let at = std::time::SystemTime::now() + Duration::from_secs(2);
        let (result, elapsed, made) = rate_limited_once(&httpdate::fmt_http_date(at)).await;
        result.unwrap();
        assert_eq!(made, 2);
        // The date has whole seconds: the wait is between 1 and 2 s.
        assert!(elapsed >= Duration::from_millis(900), "{elapsed:?}");
        row(
            "429, `Retry-After: <HTTP date in 2 s>`",
            "waits until the date, retries, `Ok` (2 requests)",
            elapsed,
            Duration::from_secs(4),
        );
    })
    .await;
}

#[tokio::test]
async fn a_429_with_an_absurd_retry_after_is_returned_at_once_with_it() {
    bounded(async {
        let (result, elapsed, made) = rate_limited_once("99999999999999999999999").await;
        let e = result.unwrap_err();
        assert!(e.is_rate_limited(), "{e:?}");
        assert_eq!(e.retry_after(), Some(Duration::from_secs(u64::MAX)));
        assert_eq!(made, 1);
        assert!(!e.to_string().is_empty());
        row(
            "429, `Retry-After: 99999999999999999999999`",
            &format!("{}, retry_after = u64::MAX s, 1 request", outcome(&e)),
            elapsed,
            Duration::from_secs(2),
        );
    })
    .await;
}

#[tokio::test]
async fn a_429_with_a_negative_or_garbage_retry_after_is_returned_at_once_without_it() {
    bounded(async {
        for value in ["-5", "soon", "1.5", "Mon, 99 Foo 2024 99:99:99 GMT"] {
            let (result, elapsed, made) = rate_limited_once(value).await;
            let e = result.unwrap_err();
            assert!(e.is_rate_limited(), "{value}: {e:?}");
            assert_eq!(e.retry_after(), None, "{value}");
            assert_eq!(
                made, 1,
                "{value}: a 429 without a usable Retry-After is not retried"
            );
            row(
                &format!("429, `Retry-After: {value}`"),
                &format!("{}, retry_after None, 1 request", outcome(&e)),
                elapsed,
                Duration::from_secs(2),
            );
        }
    })
    .await;
}

#[tokio::test]
async fn a_401_and_a_404_are_api_errors_not_retried() {
    bounded(async {
        let mock = mock();
        let server = mock.serve().await.unwrap();
        let stranger = client(
            &server.base_url(),
            "not-a-known-token",
            quick_retries(),
            Duration::from_secs(2),
        );
        let start = Instant::now();
        let e = stranger.me_membership(KEY).await.unwrap_err();
        let elapsed = start.elapsed();
        assert!(e.is_unauthorized(), "{e:?}");
        assert_eq!(e.applied(), Applied::No);
        assert_eq!(requests(&mock), 1);
        row("401", &outcome(&e), elapsed, Duration::from_secs(2));
        drop(stranger);

        let c = client(
            &server.base_url(),
            USER_TOKEN,
            quick_retries(),
            Duration::from_secs(2),
        );
        let start = Instant::now();
        let e = c.me_membership("mem_nope").await.unwrap_err();
        let elapsed = start.elapsed();
        assert!(e.is_not_found(), "{e:?}");
        assert_eq!(e.applied(), Applied::No);
        assert_eq!(requests(&mock), 2);
        row("404", &outcome(&e), elapsed, Duration::from_secs(2));
        assert_mock_left_nothing(c, server, 2).await;
    })
    .await;
}

/// Answers the next request with `status` and exactly `body` as JSON.
fn respond_json(mock: &MockWhop, status: u16, body: Vec<u8>) {
    mock.inject(
        Fault::Respond {
            status,
            content_type: Some("application/json".into()),
            body: body.into(),
        },
        1,
    );
}

#[tokio::test]
async fn invalid_utf8_inside_a_json_string_is_a_decode_error() {
    bounded(async {
        let (mock, server, c) = mock_and_client(quick_retries()).await;
        respond_json(
            &mock,
            200,
            b"{\"id\":\"mem_1\",\"license_key\":\"K-\xff\xfe\"}".to_vec(),
        );
        let start = Instant::now();
        let e = c.me_membership(KEY).await.unwrap_err();
        let elapsed = start.elapsed();
        let Error::Decode(d) = &e else {
            panic!("{e:?}")
        };
        assert!(
            d.body().windows(2).any(|w| w == b"\xff\xfe"),
            "the raw body is kept"
        );
        row(
            "invalid UTF-8 inside a JSON string",
            &outcome(&e),
            elapsed,
            Duration::from_secs(2),
        );

        // In an error body: no message, but the error is still typed and shows a lossy snippet.
        respond_json(&mock, 400, b"{\"message\":\"bad \xff key\"}".to_vec());
        let e = c.me_membership(KEY).await.unwrap_err();
        let Error::Api(api) = &e else { panic!("{e:?}") };
        assert_eq!(api.message(), None);
        assert!(e.to_string().contains("bad"), "{e}");
        assert_mock_left_nothing(c, server, 2).await;
    })
    .await;
}

#[tokio::test]
async fn json_nested_thousands_deep_is_refused_without_overflowing_the_stack() {
    bounded(async {
        let (mock, server, c) = mock_and_client(quick_retries()).await;
        let depth = 100_000;
        let nested = |prefix: &str, suffix: &str| {
            let mut body = prefix.as_bytes().to_vec();
            body.extend(std::iter::repeat_n(b'[', depth));
            body.extend(std::iter::repeat_n(b']', depth));
            body.extend_from_slice(suffix.as_bytes());
            body
        };
        respond_json(
            &mock,
            200,
            nested("{\"id\":\"mem_1\",\"metadata\":{\"deep\":", "}}"),
        );
        let start = Instant::now();
        let e = c.me_membership(KEY).await.unwrap_err();
        let elapsed = start.elapsed();
        let Error::Decode(d) = &e else {
            panic!("{e:?}")
        };
        assert!(
            d.decode_error().to_string().contains("recursion limit"),
            "{e}"
        );
        row(
            "JSON nested 100 000 deep (200)",
            &format!("{} (serde_json's recursion limit)", outcome(&e)),
            elapsed,
            Duration::from_secs(2),
        );

        respond_json(&mock, 400, nested("{\"message\":\"m\",\"extra\":", "}"));
        let e = c.me_membership(KEY).await.unwrap_err();
        let Error::Api(api) = &e else { panic!("{e:?}") };
        // serde_json skips an ignored field without recursing: the message is still read.
        assert_eq!(api.message(), Some("m"));
        assert_mock_left_nothing(c, server, 2).await;
    })
    .await;
}

#[tokio::test]
async fn unknown_fields_and_enum_values_decode_and_round_trip() {
    bounded(async {
        let mock = mock();
        let server = mock.serve().await.unwrap();
        let c = client(
            &server.base_url(),
            COMPANY_KEY,
            quick_retries(),
            Duration::from_secs(2),
        );
        respond_json(
            &mock,
            201,
            br#"{"id":"mem_1","status":"hibernating","payment_processor":"quantum_pay",
                "cancel_at_period_end":true,"valid":true,"created_at":1700000000,
                "brand_new_field":{"nested":[1,{"deeper":null}]},"another":"x"}"#
                .to_vec(),
        );
        let start = Instant::now();
        let m = c.cancel_membership("mem_1").await.unwrap().into_inner();
        let elapsed = start.elapsed();
        assert_eq!(m.cancel_at_period_end, Some(true));
        let encoded = String::from_utf8(whop_client::models::encode(&m).unwrap()).unwrap();
        assert!(encoded.contains(r#""status":"hibernating""#), "{encoded}");
        assert!(encoded.contains(r#""payment_processor":"quantum_pay""#), "{encoded}");
        let again: whop_client::Membership =
            whop_client::models::decode(encoded.as_bytes()).unwrap();
        assert_eq!(again, m);
        row(
            "unknown fields and enum values (201)",
            "`Ok(Membership)`: unknown fields ignored, `Unknown(\"hibernating\")` and `Unknown(\"quantum_pay\")` re-encode unchanged",
            elapsed,
            Duration::from_secs(2),
        );
        assert_mock_left_nothing(c, server, 1).await;
    })
    .await;
}
