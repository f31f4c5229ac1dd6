//! Issue 24's target: 10,000 launches of apps holding 1,000 distinct keys within one minute;
//! Whop sees at most one call per key and never a 429.
//!
//! As deployed: whop-mock with Whop's documented rate limits (v1: 600 requests per 60 s per
//! operation), the server's client with its default pacing and retries, the membership sync on.
//! A cold start: the server is made and all launches come at once. Reading 1,000 keys singly
//! would take over 100 s at 600 a minute; the sync lists them in 10 pages, and the launches
//! that find nothing in the cache wait for that warm-up instead of racing it.
//!
//! A launch is an activation of a key already bound to the app's machine, then a refresh of the
//! token it got. "One call per key": a list page counts as one call for each key it holds, so
//! once the sync has listed every key, any single read of a key would be its second call.

mod support;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use support::{COMPANY_KEY, hardware_id, launch_all, membership, paced_client, start_with};
use whop_mock::{MockWhop, RateLimits};

const KEYS: usize = 1_000;
const LAUNCHES_PER_KEY: usize = 10;
/// Memberships a list page holds (`whop_client::MAX_FIRST`).
const PAGE: usize = 100;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_launches_over_a_thousand_keys_under_whops_rate_limits_make_at_most_one_call_per_key()
 {
    let mut world = MockWhop::builder().company_token(COMPANY_KEY);
    for n in 0..KEYS {
        world = world.membership(membership(n, Some(&hardware_id(n))));
    }
    let mock = world.build();
    assert_eq!(mock.rate_limits(), RateLimits::whop(), "Whop's own limits");

    let started = Instant::now();
    let setup = Arc::new(start_with(mock, paced_client, |b| b.sync(true)).await);
    launch_all(&setup, KEYS, LAUNCHES_PER_KEY).await;
    let elapsed = started.elapsed();

    let every_request = setup.mock.requests();
    let limited: Vec<_> = every_request
        .iter()
        .filter(|r| r.status == Some(429))
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    assert!(limited.is_empty(), "Whop answered 429: {limited:?}");

    let metrics = setup.server.metrics_text();
    assert!(
        metrics.contains(r#"whop_license_syncs_total{outcome="ok"} 1"#),
        "the warm-up sync listed every membership:\n{metrics}"
    );
    let lists = setup.list_calls();
    assert!(
        lists.len() <= KEYS / PAGE + 1,
        "{} list calls for {KEYS} memberships",
        lists.len()
    );
    // Every key was on a list page: that is its one call.
    let mut per_key: HashMap<String, usize> = HashMap::new();
    for call in setup.single_calls() {
        *per_key.entry(call.path).or_default() += 1;
    }
    assert!(
        per_key.is_empty(),
        "keys read singly after the sync listed them: {per_key:?}"
    );
    eprintln!(
        "{} launches over {KEYS} keys under Whop's rate limits: {} Whop calls ({} list pages, \
         {} single reads), {elapsed:?}",
        KEYS * LAUNCHES_PER_KEY,
        every_request.len(),
        lists.len(),
        per_key.len(),
    );
    assert!(elapsed < Duration::from_secs(60), "{elapsed:?}");
}
