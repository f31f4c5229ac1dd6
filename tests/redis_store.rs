//! The Redis slot store against a real `redis-server` of the test's own: the script's rule on
//! Redis's clock, the keys and their TTLs, `NOSCRIPT`, and what happens when Redis is not there.

mod redis_server;

use std::time::{Duration, Instant};

use redis::Commands;
use redis_server::RedisServer;
use whop_client::Token;
use whop_client::transport::pacing::{
    BucketKey, PacingLimit, RedisFallback, RedisStore, Reservation, Reserve, SlotStore,
};

fn bucket(token: &str) -> BucketKey {
    BucketKey::new(
        "v2",
        Some(Token::new(token).expect("valid").credential_id()),
    )
}

async fn answer(
    store: &RedisStore,
    key: &BucketKey,
    limit: PacingLimit,
    max_wait: Option<Duration>,
) -> Reservation {
    match store.reserve(key, limit, max_wait) {
        Reserve::Ready(answer) => answer,
        Reserve::Pending(answer) => answer.await,
    }
    .expect("the store answers")
}

fn granted(reservation: Reservation) -> (Duration, u64) {
    match reservation {
        Reservation::Granted { wait, ticket } => (wait, ticket),
        other => panic!("expected a grant, got {other:?}"),
    }
}

fn near(got: Duration, want: Duration) -> bool {
    got <= want && want - got < Duration::from_millis(100)
}

fn redis(server: &RedisServer) -> redis::Connection {
    redis::Client::open(server.url())
        .and_then(|c| c.get_connection())
        .expect("the test connects to its redis-server")
}

async fn bounded<F: std::future::Future>(test: F) -> F::Output {
    tokio::time::timeout(Duration::from_secs(30), test)
        .await
        .expect("test finished within 30 s")
}

#[tokio::test]
async fn the_script_fills_the_window_then_spaces_by_it_and_refuses_past_the_deadline() {
    bounded(async {
        let server = RedisServer::start();
        let store = RedisStore::new(server.url()).expect("valid URL");
        let key = bucket("alice-key");
        let limit = PacingLimit::new(3, Duration::from_secs(2));
        let mut waits = Vec::new();
        for _ in 0..4 {
            waits.push(granted(answer(&store, &key, limit, None).await).0);
        }
        assert!(waits[..3].iter().all(|w| w.is_zero()), "{waits:?}");
        assert!(near(waits[3], Duration::from_secs(2)), "{waits:?}");
        // The next slot is 2 s away: a call with 1 s left is refused and nothing is reserved.
        let refused = answer(&store, &key, limit, Some(Duration::from_secs(1))).await;
        assert!(
            matches!(refused, Reservation::Refused { wait } if near(wait, Duration::from_secs(2)))
        );
        let (wait, ticket) = granted(answer(&store, &key, limit, None).await);
        assert!(near(wait, Duration::from_secs(2)), "{wait:?}");
        // Another credential has its own window.
        assert!(
            granted(answer(&store, &bucket("bob-key"), limit, None).await)
                .0
                .is_zero()
        );
        // A given-back slot is free again: the next reservation takes the same time.
        store.give_back(&key, ticket);
        tokio::time::sleep(Duration::from_millis(50)).await;
        let (again, _) = granted(answer(&store, &key, limit, None).await);
        assert!(near(again, wait), "{again:?} vs {wait:?}");
    })
    .await;
}

#[tokio::test]
async fn a_recorded_cooldown_holds_the_credential_on_redis_and_expires_with_its_keys() {
    bounded(async {
        let server = RedisServer::start();
        let store = RedisStore::new(server.url()).expect("valid URL");
        let key = bucket("alice-key");
        let limit = PacingLimit::new(5, Duration::from_millis(300));
        granted(answer(&store, &key, limit, None).await);
        let recorded = Instant::now();
        store.record_cooldown(&key, Duration::from_millis(1500));
        // The store records it in the background: wait (bounded) until Redis has it, however
        // loaded the machine is.
        let cool = store.key_names(&key)[2].clone();
        let mut con = redis(&server);
        while !con.exists::<_, bool>(&cool).expect("EXISTS") {
            assert!(
                recorded.elapsed() < Duration::from_secs(1),
                "the cooldown never reached Redis"
            );
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        // Another process (another store on the same Redis) sees it.
        let other = RedisStore::new(server.url()).expect("valid URL");
        let (wait, _) = granted(answer(&other, &key, limit, None).await);
        let left = Duration::from_millis(1500).saturating_sub(recorded.elapsed());
        assert!(
            wait <= Duration::from_millis(1500) && wait + Duration::from_millis(100) >= left,
            "{wait:?} vs {left:?}"
        );
        let refused = answer(&other, &key, limit, Some(Duration::from_millis(500))).await;
        assert!(
            matches!(refused, Reservation::Refused { .. }),
            "{refused:?}"
        );
        // Every key has a TTL, and all are gone a second after the last slot's window.
        for name in store.key_names(&key) {
            let ttl: i64 = con.pttl(&name).expect("PTTL");
            assert!(ttl > 0, "{name} has no TTL ({ttl})");
        }
        tokio::time::sleep(Duration::from_millis(3000)).await;
        let left: Vec<String> = con.keys("*").expect("KEYS");
        assert!(left.is_empty(), "keys left behind: {left:?}");
    })
    .await;
}

#[tokio::test]
async fn a_flushed_script_cache_is_reloaded_on_noscript() {
    bounded(async {
        let server = RedisServer::start();
        let store = RedisStore::new(server.url()).expect("valid URL");
        let key = bucket("alice-key");
        let limit = PacingLimit::new(100, Duration::from_secs(1));
        granted(answer(&store, &key, limit, None).await);
        let mut con = redis(&server);
        let _: () = redis::cmd("SCRIPT")
            .arg("FLUSH")
            .query(&mut con)
            .expect("SCRIPT FLUSH");
        let _: () = redis::cmd("CONFIG")
            .arg("RESETSTAT")
            .query(&mut con)
            .expect("RESETSTAT");
        granted(answer(&store, &key, limit, None).await);
        granted(answer(&store, &key, limit, None).await);
        // One EVALSHA refused (NOSCRIPT), one SCRIPT LOAD, then EVALSHA again: never EVAL.
        let stats: String = redis::cmd("INFO")
            .arg("commandstats")
            .query(&mut con)
            .expect("INFO");
        let calls = |command: &str| -> u64 {
            stats
                .lines()
                .find(|l| l.starts_with(&format!("cmdstat_{command}:")))
                .and_then(|l| l.split("calls=").nth(1))
                .and_then(|r| r.split(',').next())
                .map_or(0, |n| n.parse().expect("a count"))
        };
        assert_eq!(calls("evalsha"), 3, "{stats}");
        assert_eq!(calls("script|load"), 1, "{stats}");
        assert_eq!(calls("eval"), 0, "{stats}");
    })
    .await;
}

#[tokio::test]
async fn with_redis_down_the_store_falls_back_at_once_or_fails_unsent_as_configured() {
    bounded(async {
        // A port nothing listens on.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let url = format!("redis://127.0.0.1:{port}/");
        let key = bucket("alice-key");
        let limit = PacingLimit::new(2, Duration::from_secs(1));

        let local = RedisStore::builder(&url)
            .timeout(Duration::from_millis(100))
            .retry_every(Duration::from_secs(60))
            .build()
            .expect("valid URL");
        let started = Instant::now();
        let first = granted(answer(&local, &key, limit, None).await).0;
        // Later calls do not ask Redis again until the retry interval: answered at once.
        let second = local.reserve(&key, limit, None);
        let third = local.reserve(&key, limit, None);
        assert!(first.is_zero());
        assert!(matches!(second, Reserve::Ready(Ok(Reservation::Granted { wait, .. })) if wait.is_zero()));
        assert!(matches!(third, Reserve::Ready(Ok(Reservation::Granted { wait, .. })) if near(wait, Duration::from_secs(1))));
        assert!(started.elapsed() < Duration::from_millis(500), "{:?}", started.elapsed());
        assert!(format!("{local:?}").contains("redis_down: true"), "{local:?}");

        let failing = RedisStore::builder(&url)
            .fallback(RedisFallback::Fail)
            .timeout(Duration::from_millis(100))
            .build()
            .expect("valid URL");
        let refused = match failing.reserve(&key, limit, None) {
            Reserve::Ready(answer) => answer,
            Reserve::Pending(answer) => answer.await,
        };
        assert!(refused.is_err(), "{refused:?}");
        assert!(matches!(failing.reserve(&key, limit, None), Reserve::Ready(Err(_))));
        assert!(RedisStore::new("http://not-redis/").is_err());
    })
    .await;
}

#[tokio::test]
async fn check_answers_when_redis_is_up_and_each_v1_operation_has_its_own_shared_window() {
    bounded(async {
        let server = RedisServer::start();
        let store = RedisStore::new(server.url()).expect("valid URL");
        store
            .check()
            .await
            .expect("the test's redis-server answers PING");
        let credential = Some(Token::new("alice-key").expect("valid").credential_id());
        let cancel = BucketKey::new("POST /v1/memberships/{id}/cancel", credential);
        let update = BucketKey::new("PATCH /v1/memberships/{id}", credential);
        let limit = PacingLimit::new(2, Duration::from_secs(1));
        // Two per operation at once; the third cancel waits a window, an update does not.
        for _ in 0..2 {
            assert!(
                granted(answer(&store, &cancel, limit, None).await)
                    .0
                    .is_zero()
            );
        }
        let third = granted(answer(&store, &cancel, limit, None).await).0;
        assert!(near(third, Duration::from_secs(1)), "{third:?}");
        assert!(
            granted(answer(&store, &update, limit, None).await)
                .0
                .is_zero()
        );
        // The window lives in Redis, under one hash tag per operation.
        let [slots, ..] = store.key_names(&cancel);
        assert!(
            slots.contains("{POST /v1/memberships/<id>/cancel:"),
            "{slots}"
        );
        let count: usize = redis(&server).zcard(&slots).expect("ZCARD");
        assert_eq!(count, 3);
    })
    .await;
}
