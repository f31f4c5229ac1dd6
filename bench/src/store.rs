//! The pacing store's cost per call: one `SlotStore::reserve`, in memory and in Redis on loopback.
//!
//! The Redis side starts its own `redis-server` (the tests' helper, `tests/redis_server.rs`) on a
//! free loopback port; without one installed, its row says so. Both sides reserve under a limit
//! they never reach in the bench's time (100 per 1 ms), so every answer is "now" and the figure is
//! the store's own cost: a mutex and a little arithmetic, or a round trip and a Lua script.

#[path = "../../tests/redis_server.rs"]
mod redis_server;

use std::time::{Duration, Instant};

use whop_client::Token;
use whop_client::transport::pacing::{
    BucketKey, MemoryStore, PacingLimit, RedisStore, Reserve, SlotStore,
};

use crate::stats::percentile;

/// One store's figures.
#[derive(Debug)]
pub(crate) struct StoreSide {
    pub(crate) name: &'static str,
    /// `None`: not measured (`note` says why).
    pub(crate) p50_us: Option<f64>,
    pub(crate) p99_us: Option<f64>,
    pub(crate) calls: usize,
    pub(crate) note: Option<String>,
}

/// `rounds` interleaved rounds of `per_round` sequential reservations in each store.
pub(crate) fn run(rounds: usize, per_round: usize) -> Vec<StoreSide> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let limit = PacingLimit::new(100, Duration::from_millis(1));
    let key = |token: &str| {
        BucketKey::new(
            "v2",
            Some(Token::new(token).expect("valid").credential_id()),
        )
    };
    let server = redis_server::find_redis_server().map(|_| redis_server::RedisServer::start());
    let memory = MemoryStore::new();
    let redis = server
        .as_ref()
        .map(|s| RedisStore::new(s.url()).expect("a valid URL"));
    let (memory_key, redis_key) = (key("bench-memory"), key("bench-redis"));
    let mut memory_us = Vec::new();
    let mut redis_us = Vec::new();
    runtime.block_on(async {
        if let Some(redis) = &redis {
            // Connect and load the script before measuring.
            reserve(redis, &redis_key, limit).await;
        }
        for _ in 0..rounds {
            for _ in 0..per_round {
                let t = Instant::now();
                reserve(&memory, &memory_key, limit).await;
                memory_us.push(t.elapsed().as_secs_f64() * 1e6);
            }
            if let Some(redis) = &redis {
                for _ in 0..per_round {
                    let t = Instant::now();
                    reserve(redis, &redis_key, limit).await;
                    redis_us.push(t.elapsed().as_secs_f64() * 1e6);
                }
            }
        }
    });
    drop(server);
    let side = |name, mut us: Vec<f64>, note: Option<String>| StoreSide {
        name,
        p50_us: (!us.is_empty()).then(|| percentile(&mut us, 0.5)),
        p99_us: (!us.is_empty()).then(|| percentile(&mut us, 0.99)),
        calls: us.len(),
        note,
    };
    vec![
        side("MemoryStore (in process, the default)", memory_us, None),
        side(
            "RedisStore (redis-server on loopback)",
            redis_us,
            redis
                .is_none()
                .then(|| redis_server::INSTALL_HINT.to_owned()),
        ),
    ]
}

async fn reserve(store: &impl SlotStore, key: &BucketKey, limit: PacingLimit) {
    let answer = match store.reserve(key, limit, None) {
        Reserve::Ready(answer) => answer,
        Reserve::Pending(answer) => answer.await,
    };
    answer.expect("the store answers");
}
