//! Issue 24's target: 10,000 launches of apps holding 1,000 distinct keys; Whop sees at most one
//! call per key and never a 429.
//!
//! Without the membership sync (`sync(false)`): every key is read singly, once, however many
//! launches ask for it at once (per-key coalescing and the cache). `tests/launches.rs` is the
//! target as deployed (the sync on, Whop's rate limits, the client's pacing, 10,000 launches);
//! this one keeps the single-read path honest: 3,000 launches over 300 keys, all at once. At
//! 10,000 launches the reads share two cores with 20,000 debug-build signatures, and on a loaded
//! machine (load average 6) some activations got `try_later`: a test artefact, not a property.
//!
//! A launch is an activation of a key already bound to the app's machine, then a refresh of the
//! token it got, all launches at once. Whop is whop-mock on loopback, without rate limits (1,000
//! single reads take over 100 s at Whop's 600 a minute), so a 429 could only come from the
//! server's own traffic pattern; the server's client neither retries nor paces, so every request
//! the mock logs is one the server chose to make.

mod support;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use support::{bound_world, launch_all, start};

const KEYS: usize = 300;
const LAUNCHES_PER_KEY: usize = 10;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_sync_concurrent_launches_read_each_key_once() {
    let setup = Arc::new(start(bound_world(KEYS).build(), |b| b).await);
    let started = Instant::now();
    launch_all(&setup, KEYS, LAUNCHES_PER_KEY).await;
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
    eprintln!(
        "{} launches over {KEYS} keys: {} Whop calls, {elapsed:?}",
        KEYS * LAUNCHES_PER_KEY,
        calls.len()
    );
}
