//! Issue 24's target: 10,000 launches of apps holding 1,000 distinct keys; Whop sees at most one
//! call per key and never a 429.
//!
//! A launch is an activation of a key already bound to the app's machine, then a refresh of the
//! token it got, all launches at once. Whop is whop-mock on loopback, without rate limits, so a
//! 429 could only come from the server's own traffic pattern; the server's client neither
//! retries nor paces, so every request the mock logs is one the server chose to make.

mod support;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use support::{hardware_id, license_key, membership, mock_builder, start};

const KEYS: usize = 1_000;
const LAUNCHES_PER_KEY: usize = 10;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_launches_over_a_thousand_keys_make_at_most_one_whop_call_per_key() {
    let mut world = mock_builder();
    for n in 0..KEYS {
        world = world.membership(membership(n, Some(&hardware_id(n))));
    }
    let setup = Arc::new(start(world.build(), |b| b).await);
    let started = Instant::now();
    let tasks: Vec<_> = (0..KEYS * LAUNCHES_PER_KEY)
        .map(|launch| {
            let setup = Arc::clone(&setup);
            let n = launch % KEYS;
            tokio::spawn(async move {
                let activated = setup.activate(&license_key(n), &hardware_id(n)).await;
                assert_eq!(activated.outcome(), "ok", "activate {n}");
                let refreshed = setup.refresh(&activated.token()).await;
                assert_eq!(refreshed.outcome(), "ok", "refresh {n}");
                // Opening costs as much as signing in a debug build: check a sample.
                if launch % 97 == 0 {
                    assert_eq!(setup.open(&refreshed.token()).hardware_id, hardware_id(n));
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    let elapsed = started.elapsed();

    let calls = setup.whop_calls();
    let mut per_key: HashMap<String, usize> = HashMap::new();
    for call in &calls {
        assert_ne!(
            call.status,
            Some(429),
            "Whop answered 429: {} {}",
            call.method,
            call.path
        );
        *per_key.entry(call.path.clone()).or_default() += 1;
    }
    assert!(
        calls.len() <= KEYS,
        "{} Whop calls for {KEYS} keys",
        calls.len()
    );
    assert!(per_key.values().all(|&n| n == 1), "a key read twice");
    assert!(elapsed < Duration::from_secs(60), "{elapsed:?}");
    eprintln!(
        "{} launches over {KEYS} keys: {} Whop calls, {elapsed:?}",
        KEYS * LAUNCHES_PER_KEY,
        calls.len()
    );
}
