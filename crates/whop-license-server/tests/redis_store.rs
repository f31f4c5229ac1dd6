//! The Redis store against a real `redis-server` of the test's own (on a free loopback port; a
//! missing `redis-server` fails the test with how to install it): one holder per lock across
//! connections, waiting, expiry, the compare-and-delete unlock, the cache, the names in Redis,
//! and a Redis that is not there; and two license servers on one Redis, of which one lists the
//! memberships a sync period while the other skips its turn.

#[path = "../../../tests/redis_server.rs"]
mod redis_server;
mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use redis::Commands;
use redis_server::RedisServer;
use whop_license_server::store::{RedisStore, Store, cache_name, lock_name};

const TTL: Duration = Duration::from_secs(10);

async fn bounded<F: std::future::Future>(test: F) -> F::Output {
    tokio::time::timeout(Duration::from_secs(30), test)
        .await
        .expect("test finished within 30 s")
}

async fn store(server: &RedisServer) -> RedisStore {
    RedisStore::connect(server.url())
        .await
        .expect("the store connects to the test's redis-server")
}

fn redis(server: &RedisServer) -> redis::Connection {
    redis::Client::open(server.url())
        .and_then(|c| c.get_connection())
        .expect("the test connects to its redis-server")
}

#[tokio::test]
async fn a_held_lock_is_refused_to_others_until_its_holder_releases_it() {
    bounded(async {
        let server = RedisServer::start();
        let (a, b) = (store(&server).await, store(&server).await);
        let name = lock_name("KEY-1");
        let held = a.lock(&name, TTL, Duration::ZERO).await.unwrap();
        let held = held.expect("a free lock is taken at once");
        let started = Instant::now();
        let refused = b
            .lock(&name, TTL, Duration::from_millis(100))
            .await
            .unwrap();
        assert!(refused.is_none(), "two holders of one lock");
        assert!(started.elapsed() >= Duration::from_millis(100));
        assert!(
            b.lock(&lock_name("KEY-2"), TTL, Duration::ZERO)
                .await
                .unwrap()
                .is_some(),
            "another key's lock is its own"
        );
        a.unlock(&name, held).await.unwrap();
        assert!(b.lock(&name, TTL, Duration::ZERO).await.unwrap().is_some());
    })
    .await;
}

#[tokio::test]
async fn a_waiter_gets_the_lock_soon_after_its_holder_releases_it() {
    bounded(async {
        let server = RedisServer::start();
        let (a, b) = (store(&server).await, store(&server).await);
        let name = lock_name("KEY-1");
        let held = a.lock(&name, TTL, Duration::ZERO).await.unwrap().unwrap();
        let waiter = tokio::spawn(async move {
            let got = b.lock(&name, TTL, Duration::from_secs(10)).await;
            (got, Instant::now())
        });
        tokio::time::sleep(Duration::from_millis(200)).await;
        let released = Instant::now();
        a.unlock(&lock_name("KEY-1"), held).await.unwrap();
        let (got, at) = waiter.await.unwrap();
        assert!(got.unwrap().is_some(), "the waiter never got the lock");
        // Polls pause at most 20 ms: well under a second even on a loaded machine.
        assert!(at.duration_since(released) < Duration::from_secs(1));
    })
    .await;
}

#[tokio::test]
async fn an_expired_lock_is_taken_over_and_its_old_holder_cannot_release_the_new_one() {
    bounded(async {
        let server = RedisServer::start();
        let (a, b) = (store(&server).await, store(&server).await);
        let name = lock_name("KEY-1");
        let old = a
            .lock(&name, Duration::from_millis(100), Duration::ZERO)
            .await
            .unwrap()
            .unwrap();
        // Within its wait, the lock's own expiry frees it.
        let new = b.lock(&name, TTL, Duration::from_secs(5)).await.unwrap();
        let new = new.expect("an expired lock is free");
        a.unlock(&name, old).await.unwrap();
        let value: Option<String> = redis(&server).get(&name).unwrap();
        assert_eq!(
            value.as_deref(),
            Some(new.as_str()),
            "the late unlock deleted it"
        );
        b.unlock(&name, new).await.unwrap();
        let gone: bool = redis(&server).exists(&name).unwrap();
        assert!(!gone, "its holder's unlock leaves nothing behind");
    })
    .await;
}

#[tokio::test]
async fn many_tasks_on_two_connections_never_hold_one_lock_together() {
    bounded(async {
        let server = RedisServer::start();
        let stores = [store(&server).await, store(&server).await];
        let inside = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let tasks: Vec<_> = (0..40)
            .map(|i| {
                let store = stores[i % 2].clone();
                let (inside, most) = (Arc::clone(&inside), Arc::clone(&most));
                tokio::spawn(async move {
                    let name = lock_name("KEY-1");
                    let token = store.lock(&name, TTL, Duration::from_secs(20)).await;
                    let token = token.unwrap().expect("every task gets its turn");
                    let now = inside.fetch_add(1, Ordering::SeqCst) + 1;
                    most.fetch_max(now, Ordering::SeqCst);
                    tokio::time::sleep(Duration::from_millis(2)).await;
                    inside.fetch_sub(1, Ordering::SeqCst);
                    store.unlock(&name, token).await.unwrap();
                })
            })
            .collect();
        for task in tasks {
            task.await.unwrap();
        }
        assert_eq!(most.load(Ordering::SeqCst), 1);
    })
    .await;
}

#[tokio::test]
async fn the_cache_keeps_bytes_for_their_ttl_and_evicts_on_demand() {
    bounded(async {
        let server = RedisServer::start();
        let store = store(&server).await;
        let key = cache_name("license:KEY-1");
        assert_eq!(store.get(&key).await.unwrap(), None);
        let bytes = vec![0, 159, 146, 150, 255];
        store.put(&key, bytes.clone(), TTL).await.unwrap();
        assert_eq!(store.get(&key).await.unwrap(), Some(bytes));
        let ttl: i64 = redis(&server).pttl(&key).unwrap();
        assert!(ttl > 0 && ttl <= 10_000, "PTTL {ttl}");
        store.put(&key, b"newer".to_vec(), TTL).await.unwrap();
        assert_eq!(store.get(&key).await.unwrap(), Some(b"newer".to_vec()));
        store.evict(&key).await.unwrap();
        assert_eq!(store.get(&key).await.unwrap(), None);
        store.evict(&key).await.unwrap();

        store
            .put(&key, b"short".to_vec(), Duration::from_millis(50))
            .await
            .unwrap();
        let until = Instant::now() + Duration::from_secs(5);
        while store.get(&key).await.unwrap().is_some() {
            assert!(Instant::now() < until, "a cache entry outlived its ttl");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await;
}

#[tokio::test]
async fn redis_holds_only_hashed_names_with_a_ttl_never_a_license_key() {
    bounded(async {
        let server = RedisServer::start();
        let store = store(&server).await;
        let key = "LIC-SECRET-0042";
        let _held = store.lock(&lock_name(key), TTL, Duration::ZERO).await;
        store
            .put(&cache_name(key), b"{}".to_vec(), TTL)
            .await
            .unwrap();
        let mut redis = redis(&server);
        let names: Vec<String> = redis.keys("*").unwrap();
        assert_eq!(names.len(), 2, "{names:?}");
        for name in names {
            assert!(!name.contains(key), "{name}");
            assert!(name.starts_with("whop-license:"), "{name}");
            let ttl: i64 = redis.pttl(&name).unwrap();
            assert!(ttl > 0, "{name} has no TTL ({ttl})");
        }
    })
    .await;
}

#[tokio::test]
async fn connecting_to_nothing_fails_fast_in_words_without_the_url() {
    bounded(async {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let started = Instant::now();
        let error = RedisStore::connect(format!("redis://:hunter2@127.0.0.1:{port}/"))
            .await
            .expect_err("nothing listens");
        assert!(started.elapsed() < Duration::from_secs(5));
        let message = error.to_string();
        assert!(message.contains("did not answer"), "{message}");
        assert!(!message.contains("hunter2"), "{message}");
        let message = RedisStore::connect("https://127.0.0.1/")
            .await
            .expect_err("not a Redis URL")
            .to_string();
        assert!(message.contains("URL"), "{message}");
    })
    .await;
}

#[tokio::test]
async fn with_redis_gone_every_operation_fails_in_bounded_time_and_check_says_so() {
    bounded(async {
        let mut server = RedisServer::start();
        let store = RedisStore::builder(server.url())
            .timeout(Duration::from_millis(200))
            .connect()
            .await
            .unwrap();
        store.check().await.expect("Redis answers");
        server.kill();
        let name = lock_name("KEY-1");
        let started = Instant::now();
        assert!(store.check().await.is_err());
        assert!(
            store
                .lock(&name, TTL, Duration::from_secs(5))
                .await
                .is_err()
        );
        assert!(store.get(&name).await.is_err());
        let error = store.put(&name, vec![1], TTL).await.unwrap_err();
        assert!(error.to_string().contains("Redis"), "{error}");
        assert!(started.elapsed() < Duration::from_secs(5));
    })
    .await;
}

#[tokio::test]
async fn after_redis_restarts_the_store_reconnects_by_itself() {
    bounded(async {
        let mut server = RedisServer::start();
        let port = server.port();
        let store = RedisStore::builder(server.url())
            .timeout(Duration::from_millis(200))
            .connect()
            .await
            .unwrap();
        server.kill();
        assert!(store.check().await.is_err());
        let _server = RedisServer::start_on(port);
        let until = Instant::now() + Duration::from_secs(10);
        while store.check().await.is_err() {
            assert!(Instant::now() < until, "the store never reconnected");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let name = lock_name("KEY-1");
        assert!(
            store
                .lock(&name, TTL, Duration::ZERO)
                .await
                .unwrap()
                .is_some()
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_servers_on_one_redis_list_the_memberships_once_a_period_and_leave_no_key_in_clear() {
    bounded(async {
        let server = RedisServer::start();
        let first_store: Arc<dyn Store> = Arc::new(store(&server).await);
        let first = support::start(support::bound_world(5).build(), |b| {
            b.sync(true).store(first_store)
        })
        .await;
        let second_store: Arc<dyn Store> = Arc::new(store(&server).await);
        assert_eq!(
            support::sync_turns_beside(&first, second_store).await,
            [
                r#"whop_license_syncs_total{outcome="ok"} 1"#,
                r#"whop_license_syncs_total{outcome="skipped"} 1"#
            ]
        );
        assert_eq!(first.list_calls().len(), 1, "one listing for two instances");

        let mut redis = redis(&server);
        let names: Vec<String> = redis.keys("*").unwrap();
        assert!(names.contains(&"whop-license:sync".to_owned()), "{names:?}");
        for name in names {
            let value: Option<Vec<u8>> = redis.get(&name).unwrap();
            let text = format!(
                "{name} {}",
                String::from_utf8_lossy(&value.unwrap_or_default())
            );
            assert!(!text.contains("KEY-"), "a license key in clear: {text}");
        }
    })
    .await;
}
