//! Load: 10,000 calls at concurrency 256 against whop-mock on loopback, 5 % of requests faulted.
//!
//! This measures the stack under load and faults, not Whop's limits: the mock enforces no rate
//! limits and the client's pacing is off (paced at Whop's limits, 10,000 calls would take 20
//! minutes). Every call must end in success or a typed error within its deadline, memory must stay
//! bounded, connections must not leak, and nothing may panic. Run with `--nocapture` to see the
//! figures.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use whop_client::{PacingConfig, Token};
use whop_mock::Fault;
use whop_tests::{COMPANY_KEY, USER_TOKEN, client, fast_retries, mock_builder, sample_membership};

const CALLS: usize = 10_000;
const CONCURRENCY: usize = 256;
/// One request in 20 is faulted.
const FAULT_PERIOD: usize = 20;
/// The periodic fault changes every this many calls started.
const ROTATE_EVERY: usize = 500;
const ATTEMPT_TIMEOUT: Duration = Duration::from_millis(500);
const DEADLINE: Duration = Duration::from_secs(3);
/// Scheduling slack over the deadline for 256 tasks on a busy machine.
const SLACK: Duration = Duration::from_millis(500);

fn faults() -> [Fault; 4] {
    [
        Fault::Status(503),
        Fault::DropConnection,
        Fault::GarbageBody,
        // Past the attempt timeout: the attempt times out and is retried.
        Fault::Delay(ATTEMPT_TIMEOUT + Duration::from_millis(200)),
    ]
}

fn outcome(result: &Result<(), whop_client::Error>) -> String {
    match result {
        Ok(()) => "ok".to_owned(),
        Err(whop_client::Error::Api(e)) => format!("api {}", e.status().as_u16()),
        Err(whop_client::Error::Decode(_)) => "decode".to_owned(),
        Err(whop_client::Error::Timeout(_)) => "timeout".to_owned(),
        Err(whop_client::Error::Transport(_)) => "transport".to_owned(),
        Err(whop_client::Error::InvalidInput(_)) => "invalid input".to_owned(),
        Err(other) => format!("other: {other}"),
    }
}

/// `VmHWM` (peak resident set) and `VmRSS` (current) of this process, in KiB.
fn memory_kib() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|n| n.parse().ok())
            .unwrap_or(0)
    };
    (field("VmHWM:"), field("VmRSS:"))
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_calls_with_five_percent_faults_end_typed_and_in_time() {
    let wall = Instant::now();
    let (hwm_before, rss_before) = memory_kib();

    let mock = mock_builder().membership(sample_membership()).build();
    let server = mock.serve().await.expect("mock server starts on loopback");
    let company = client(&server.url("/api"), COMPANY_KEY, |t| {
        t.retry(fast_retries())
            .attempt_timeout(ATTEMPT_TIMEOUT)
            .deadline(DEADLINE)
            .pacing(PacingConfig::disabled())
    });
    let user = company.with_token(&Token::new(USER_TOKEN).expect("valid token"));

    let next = Arc::new(AtomicUsize::new(0));
    let mut workers = tokio::task::JoinSet::new();
    for _ in 0..CONCURRENCY {
        let (next, company, user, mock) = (
            Arc::clone(&next),
            company.clone(),
            user.clone(),
            mock.clone(),
        );
        workers.spawn(async move {
            let mut results = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= CALLS {
                    break;
                }
                if i % ROTATE_EVERY == 0 {
                    let faults = faults();
                    let fault = faults[(i / ROTATE_EVERY) % faults.len()].clone();
                    mock.inject_every(fault, FAULT_PERIOD);
                }
                let start = Instant::now();
                let result = if i % 2 == 0 {
                    company
                        .legacy()
                        .cancel_membership("mem_1")
                        .await
                        .map(|_| ())
                } else {
                    user.legacy().me_membership("K-1").await.map(|_| ())
                };
                results.push((start.elapsed(), outcome(&result)));
            }
            results
        });
    }
    let mut latencies = Vec::with_capacity(CALLS);
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    let mut panics = 0;
    while let Some(joined) = workers.join_next().await {
        match joined {
            Ok(results) => {
                for (latency, outcome) in results {
                    latencies.push(latency);
                    *counts.entry(outcome).or_default() += 1;
                }
            }
            Err(_) => panics += 1,
        }
    }
    mock.clear_faults();
    let run = wall.elapsed();

    let requests = mock.requests();
    let faulted = requests.iter().filter(|r| r.fault.is_some()).count();
    let connections = server.connections_accepted();
    let (hwm_after, rss_after) = memory_kib();
    latencies.sort();
    let (p50, p99, max) = (
        percentile(&latencies, 0.50),
        percentile(&latencies, 0.99),
        latencies.last().copied().unwrap_or_default(),
    );
    eprintln!(
        "load: {} calls in {:.2} s at concurrency {CONCURRENCY}",
        latencies.len(),
        run.as_secs_f64()
    );
    eprintln!("load: outcomes {counts:?}");
    eprintln!(
        "load: {} requests received, {faulted} faulted ({:.1} %)",
        requests.len(),
        100.0 * faulted as f64 / requests.len().max(1) as f64
    );
    eprintln!("load: latency p50 {p50:?}, p99 {p99:?}, max {max:?} (deadline {DEADLINE:?})");
    eprintln!(
        "load: memory VmHWM {hwm_before} -> {hwm_after} KiB, VmRSS {rss_before} -> {rss_after} KiB"
    );
    eprintln!("load: {connections} connections accepted");

    assert_eq!(panics, 0, "no worker panicked");
    assert_eq!(latencies.len(), CALLS, "every call ended");
    assert!(
        !counts
            .keys()
            .any(|k| k.starts_with("other") || k == "invalid input"),
        "every outcome is success or a typed error of the fault kinds: {counts:?}"
    );
    assert!(
        counts.get("ok").copied().unwrap_or(0) >= CALLS * 9 / 10,
        "most calls succeed despite 5 % faults: {counts:?}"
    );
    assert!(
        max <= DEADLINE + SLACK,
        "the slowest call took {max:?}, over the deadline {DEADLINE:?} + {SLACK:?}"
    );
    assert!(
        (FAULT_PERIOD / 2..=FAULT_PERIOD * 2).contains(&(requests.len() / faulted.max(1))),
        "about 1 request in {FAULT_PERIOD} is faulted: {faulted} of {}",
        requests.len()
    );
    // At most one connection per concurrent call, plus one for each connection a fault closed
    // (dropped, or abandoned by an attempt timeout), plus hyper-util's connect race: a request
    // that finds no idle connection starts connecting, and if another connection frees up first
    // it takes that one and the new connection joins the pool (at most one per waiting request).
    // A leak would be one per call: 10,000.
    assert!(
        connections <= 2 * CONCURRENCY + faulted,
        "{connections} connections for concurrency {CONCURRENCY} and {faulted} faults: a leak"
    );
    let growth_mib = hwm_after.saturating_sub(rss_before) / 1024;
    assert!(growth_mib < 200, "peak memory grew by {growth_mib} MiB");

    drop((company, user));
    tokio::time::timeout(Duration::from_secs(5), server.shutdown())
        .await
        .expect("the server shuts down cleanly");
    let wall = wall.elapsed();
    eprintln!("load: test wall time {:.2} s", wall.as_secs_f64());
    assert!(wall < Duration::from_secs(60), "the test took {wall:?}");
}
