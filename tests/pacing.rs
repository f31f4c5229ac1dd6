//! Client-side pacing against whop-mock enforcing Whop's rate limits, with short windows.
//!
//! The mock counts like Whop: at most N requests of a family in any window, then a cooldown in
//! which every request gets 429. The client is paced to the same N per window. A burst of five
//! times the limit must then complete with no 429 at all, no sooner than the limit allows (proof
//! that the pacer held requests back) and at most 10 % later.
//!
//! The Current API (v1) is paced per operation (method and route) and credential: with a small
//! configured limit and the mock enforcing the same, two operations do not share a window
//! (`v1_operations_are_paced_each_in_its_own_window`), and a message-only 429 (`Try again in N
//! seconds.`) holds back only its own operation (`a_message_only_v1_429_makes_only_that_operation_wait`).

use std::time::{Duration, Instant};

use whop_client::transport::{Error as TransportError, ErrorKind};
use whop_client::{Client, PacingConfig, PacingLimit, RequestSent, Token};
use whop_mock::{Fault, Limit, MockServer, MockWhop, RateLimits};
use whop_tests::{COMPANY_KEY, USER_TOKEN, client, fast_retries, mock_builder, sample_membership};

/// The window of both limits in these tests. The 10 % allowance over the minimum (four windows)
/// must hold four safety margins plus the last burst's latency, so the window cannot shrink much.
const WINDOW: Duration = Duration::from_secs(4);
/// The client's safety margin: covers the spread between when the pacer lets a request go and
/// when the mock counts it. The first burst opens a connection per request, and on a busy
/// machine some of them arrive 100+ ms after the pacer let them go; the next burst, over pooled
/// connections, arrives at once (a 100 ms margin saw 429s with four engineers' builds running).
const MARGIN: Duration = Duration::from_millis(250);
/// Long, so that tripping the limit even once would show as many 429s, not one.
const COOLDOWN: Duration = Duration::from_secs(30);

const V2_LIMIT: u32 = 100;
const V5_LIMIT: u32 = 20;

struct Paced {
    server: MockServer,
    mock: MockWhop,
    company: Client,
    user: Client,
}

async fn paced(deadline: Duration) -> Paced {
    let mock = mock_builder()
        .membership(sample_membership())
        .rate_limits(
            RateLimits::whop()
                .v2(Some(Limit::new(V2_LIMIT, WINDOW)))
                .v5(Some(Limit::new(V5_LIMIT, WINDOW)))
                .cooldown(COOLDOWN),
        )
        .build();
    let server = mock.serve().await.expect("mock server starts on loopback");
    let company = client(&server.url("/api"), COMPANY_KEY, |t| {
        t.retry(fast_retries())
            .attempt_timeout(Duration::from_secs(5))
            .deadline(deadline)
            .pacing(
                PacingConfig::default()
                    .with_v2(Some(PacingLimit::new(V2_LIMIT, WINDOW)))
                    .with_v5(Some(PacingLimit::new(V5_LIMIT, WINDOW)))
                    .with_safety_margin(MARGIN),
            )
    });
    let user = company.with_token(&Token::new(USER_TOKEN).expect("valid token"));
    Paced {
        server,
        mock,
        company,
        user,
    }
}

/// Five bursts' worth: the first limit's worth goes at once, each further one a window later, so
/// the last can start no sooner than four windows after the first.
fn minimum_for_five_times_the_limit() -> Duration {
    WINDOW * 4
}

fn statuses(mock: &MockWhop) -> Vec<Option<u16>> {
    mock.requests().iter().map(|r| r.status).collect()
}

fn assert_paced_burst(name: &str, mock: &MockWhop, calls: u32, elapsed: Duration) {
    let statuses = statuses(mock);
    let too_many = statuses.iter().filter(|s| **s == Some(429)).count();
    let minimum = minimum_for_five_times_the_limit();
    eprintln!(
        "{name}: {calls} calls in {:.3} s; minimum the limit allows {:.3} s (ratio {:.3}); {} requests, {too_many} 429s",
        elapsed.as_secs_f64(),
        minimum.as_secs_f64(),
        elapsed.as_secs_f64() / minimum.as_secs_f64(),
        statuses.len(),
    );
    assert_eq!(too_many, 0, "{name}: no request may hit the limit");
    assert_eq!(
        statuses.len(),
        calls as usize,
        "{name}: one request per call"
    );
    assert!(
        elapsed >= minimum,
        "{name}: {elapsed:?} is faster than the limit allows ({minimum:?}): not paced"
    );
    assert!(
        elapsed <= minimum.mul_f64(1.1),
        "{name}: {elapsed:?} is over 1.1 x the minimum {minimum:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_v5_burst_of_five_times_the_limit_completes_without_a_429_in_near_minimal_time() {
    let p = paced(Duration::from_secs(30)).await;
    let calls = V5_LIMIT * 5;
    let start = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..calls {
        let user = p.user.clone();
        tasks.spawn(async move {
            user.legacy()
                .me_membership("K-1")
                .await
                .map(|m| m.id.to_string())
        });
    }
    while let Some(joined) = tasks.join_next().await {
        assert_eq!(joined.expect("no panic").expect("call succeeds"), "mem_1");
    }
    let elapsed = start.elapsed();
    assert_paced_burst("v5", &p.mock, calls, elapsed);
    p.server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_v2_burst_of_five_times_the_limit_completes_without_a_429_in_near_minimal_time() {
    let p = paced(Duration::from_secs(30)).await;
    let calls = V2_LIMIT * 5;
    let start = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..calls {
        let company = p.company.clone();
        tasks.spawn(async move {
            company
                .legacy()
                .cancel_membership("mem_1")
                .await
                .map(|m| m.id.to_string())
        });
    }
    while let Some(joined) = tasks.join_next().await {
        assert_eq!(joined.expect("no panic").expect("call succeeds"), "mem_1");
    }
    let elapsed = start.elapsed();
    assert_paced_burst("v2", &p.mock, calls, elapsed);
    p.server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_whose_slot_comes_after_its_deadline_fails_at_once_unsent() {
    // A 1 s deadline; after a full window of calls the next slot is over 4 s away.
    let p = paced(Duration::from_secs(1)).await;
    for _ in 0..V5_LIMIT {
        p.user
            .legacy()
            .me_membership("K-1")
            .await
            .expect("within the limit");
    }
    let start = Instant::now();
    let e = p
        .user
        .legacy()
        .me_membership("K-1")
        .await
        .expect_err("refused");
    let elapsed = start.elapsed();
    eprintln!("refused after {elapsed:?}: {e}");
    assert!(
        elapsed < Duration::from_millis(500),
        "refused at once, not after waiting: {elapsed:?}"
    );
    assert_eq!(e.request_sent(), RequestSent::NotSent);
    assert_eq!(e.applied(), whop_client::Applied::No);
    let whop_client::Error::Transport(transport) = &e else {
        panic!("a transport error, got {e:?}");
    };
    let kind = transport
        .source_error()
        .downcast_ref::<TransportError>()
        .map(TransportError::kind);
    assert_eq!(kind, Some(ErrorKind::RateLimitedLocally));
    assert!(e.to_string().contains("never sent"), "{e}");
    assert!(e.to_string().contains("past its deadline"), "{e}");
    // Never sent: the mock saw only the calls within the limit, none of them a 429.
    let statuses = statuses(&p.mock);
    assert_eq!(statuses.len(), V5_LIMIT as usize);
    assert!(statuses.iter().all(|s| *s == Some(200)), "{statuses:?}");
    p.server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retry_refused_by_pacing_still_says_the_call_may_have_been_sent() {
    let p = paced(Duration::from_secs(1)).await;
    // Use up the v2 window but one, so the first attempt goes and its retry has no slot in time.
    for _ in 0..V2_LIMIT - 1 {
        p.company
            .legacy()
            .cancel_membership("mem_1")
            .await
            .expect("within the limit");
    }
    p.mock.inject(Fault::Status(503), 1);
    let e = p
        .company
        .legacy()
        .cancel_membership("mem_1")
        .await
        .expect_err("refused");
    eprintln!("{e}");
    let whop_client::Error::Transport(transport) = &e else {
        panic!("a transport error, got {e:?}");
    };
    let source = transport
        .source_error()
        .downcast_ref::<TransportError>()
        .expect("the default transport's error");
    assert_eq!(source.kind(), ErrorKind::RateLimitedLocally);
    assert_eq!(source.attempts(), 2);
    // The first attempt reached the server (and got 503): the cancel may have been applied.
    assert_eq!(e.request_sent(), RequestSent::MaybeSent);
    assert_eq!(e.applied(), whop_client::Applied::Maybe);
    assert_eq!(p.mock.requests().len(), V2_LIMIT as usize);
    p.server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pacing_is_on_by_default_at_whops_limits() {
    // Whop's real limits on the mock; the client with no pacing setting at all.
    let mock = mock_builder()
        .membership(sample_membership())
        .rate_limits(RateLimits::whop())
        .build();
    let server = mock.serve().await.expect("mock server starts on loopback");
    let user = client(&server.url("/api"), USER_TOKEN, |t| {
        t.deadline(Duration::from_secs(2))
    });
    for _ in 0..20 {
        user.legacy()
            .me_membership("K-1")
            .await
            .expect("within v5's 20 per 10 s");
    }
    // The 21st would wait about 11 s for its slot: past the 2 s deadline, so refused, unsent,
    // instead of a 429 and Whop's 60 s cooldown.
    let e = user
        .legacy()
        .me_membership("K-1")
        .await
        .expect_err("held back");
    assert_eq!(e.request_sent(), RequestSent::NotSent, "{e}");
    assert_eq!(mock.requests().len(), 20);
    assert!(!mock.requests().iter().any(|r| r.status == Some(429)));
    server.shutdown().await;
}

/// The Current API's limit in these tests, per operation: small, so a burst shows it.
const V1_LIMIT: u32 = 5;
/// Its window: long enough that an operation held back by another's window would show.
const V1_WINDOW: Duration = Duration::from_secs(3);

/// A company client paced on v1 at [`V1_LIMIT`] per [`V1_WINDOW`] per operation, against a mock
/// that enforces the same limit (and answers over it with the message-only 429).
async fn paced_v1() -> (MockServer, MockWhop, Client) {
    let mock = mock_builder()
        .membership(sample_membership())
        .rate_limits(RateLimits::whop().v1(Some(Limit::new(V1_LIMIT, V1_WINDOW))))
        .build();
    let server = mock.serve().await.expect("mock server starts on loopback");
    let company = client(&server.url("/api"), COMPANY_KEY, |t| {
        t.retry(fast_retries())
            .attempt_timeout(Duration::from_secs(5))
            .deadline(Duration::from_secs(20))
            .pacing(
                PacingConfig::default()
                    .with_v1(Some(PacingLimit::new(V1_LIMIT, V1_WINDOW)))
                    .with_safety_margin(MARGIN),
            )
    });
    (server, mock, company)
}

/// Twice the limit of retrieves (`GET /v1/memberships/{id}`) and a limit's worth of lists
/// (`GET /v1/memberships`) at once: the retrieves take a second window, the lists do not wait
/// for it (each operation has its own), and the mock sees no 429.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn v1_operations_are_paced_each_in_its_own_window() {
    let (server, mock, company) = paced_v1().await;
    let start = Instant::now();
    let mut retrieves = tokio::task::JoinSet::new();
    for _ in 0..V1_LIMIT * 2 {
        let c = company.clone();
        retrieves.spawn(async move { c.membership("mem_1").await.map(|_| start.elapsed()) });
    }
    let mut lists = tokio::task::JoinSet::new();
    for _ in 0..V1_LIMIT {
        let c = company.clone();
        lists.spawn(async move { c.list_memberships().send().await.map(|_| start.elapsed()) });
    }
    let lists_done = lists
        .join_all()
        .await
        .into_iter()
        .map(|r| r.expect("list succeeds"))
        .max()
        .expect("lists ran");
    let retrieves_done = retrieves
        .join_all()
        .await
        .into_iter()
        .map(|r| r.expect("retrieve succeeds"))
        .max()
        .expect("retrieves ran");
    eprintln!("v1: lists done after {lists_done:?}, retrieves after {retrieves_done:?}");
    let statuses = statuses(&mock);
    assert_eq!(statuses.len(), (V1_LIMIT * 3) as usize, "{statuses:?}");
    assert!(statuses.iter().all(|s| *s == Some(200)), "{statuses:?}");
    assert!(
        retrieves_done >= V1_WINDOW,
        "twice the limit of retrieves in {retrieves_done:?}: not paced"
    );
    assert!(
        lists_done < V1_WINDOW,
        "the lists waited for the retrieves' window: {lists_done:?}"
    );
    server.shutdown().await;
}

/// A message-only 429 (`Try again in 3 seconds.`, no `Retry-After`) on one operation holds back
/// that operation's next call until the wait is over, and no other operation's.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_only_v1_429_makes_only_that_operation_wait() {
    let wait = Duration::from_secs(3);
    let mock = mock_builder().membership(sample_membership()).build();
    let server = mock.serve().await.expect("mock server starts on loopback");
    // Whop's default pacing (600 a minute per operation): no wait but the 429's.
    let company = client(&server.url("/api"), COMPANY_KEY, |t| {
        t.retry(fast_retries()).deadline(Duration::from_secs(20))
    });
    mock.inject(Fault::v1_rate_limited(wait.as_secs()), 1);
    let first = {
        let c = company.clone();
        tokio::spawn(async move { c.membership("mem_1").await.map(drop) })
    };
    let limited = tokio::time::timeout(Duration::from_secs(5), async {
        while !mock.requests().iter().any(|r| r.status == Some(429)) {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    })
    .await;
    assert!(limited.is_ok(), "the first retrieve got its 429");
    // The mock logs the 429 as it answers; give the client time to read it before the next
    // calls start (else a retrieve could leave before the client knew of the wait).
    tokio::time::sleep(Duration::from_millis(500)).await;
    let start = Instant::now();
    let (list, second) = tokio::join!(
        async {
            company.list_memberships().send().await.expect("list");
            start.elapsed()
        },
        async {
            company.membership("mem_1").await.expect("retrieve");
            start.elapsed()
        },
    );
    first
        .await
        .expect("no panic")
        .expect("the first retrieve succeeds after waiting");
    eprintln!("after a v1 429 of {wait:?}: a list took {list:?}, a retrieve {second:?}");
    assert!(
        list < wait / 2,
        "the list waited for another operation's 429: {list:?}"
    );
    assert!(
        second >= wait / 2,
        "the retrieve did not wait for its operation's 429: {second:?}"
    );
    assert!(
        !mock
            .requests()
            .iter()
            .skip(1)
            .any(|r| r.status == Some(429))
    );
    server.shutdown().await;
}
