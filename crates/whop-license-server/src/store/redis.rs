//! [`RedisStore`]: the binding locks and the cache in one Redis, shared by every instance of the
//! server (feature `redis`).

use std::fmt;
use std::future::Future;
use std::time::Duration;

use ::redis::aio::{ConnectionManager, ConnectionManagerConfig};
use tokio::time::Instant;

use super::{LockToken, Store, StoreError, StoreFuture};

/// The first pause of a lock waiter; it doubles up to [`MAX_POLL`].
const FIRST_POLL: Duration = Duration::from_millis(1);

/// The longest pause of a lock waiter between two tries. A binding holds the lock for one Whop
/// read (milliseconds), so a longer pause would leave the lock idle; a shorter one would have
/// hundreds of waiters flood Redis.
const MAX_POLL: Duration = Duration::from_millis(20);

/// The default bound on one Redis operation.
const DEFAULT_TIMEOUT: Duration = Duration::from_millis(500);

/// A [`Store`] in Redis, shared by every server instance that connects to it.
///
/// # Why
///
/// [`MemoryStore`](super::MemoryStore) makes one process a single writer per license key. Two
/// instances behind a load balancer each hold their own lock, so two machines racing on one
/// unbound key through different instances could both be bound. With one Redis, there is one
/// lock per key for all of them, and one cache, so a key read by one instance is not read again
/// from Whop by the other.
///
/// # How
///
/// - **Lock**: `SET <name> <token> NX PX <ttl>`, the single-instance Redis lock: whoever sets
///   the key holds the lock, until it deletes it or `ttl` runs out (a crashed holder cannot keep
///   it). A waiter polls with a backoff that doubles from 1 ms up to 20 ms, jittered so waiters
///   spread out, and gives up at `wait`.
/// - **Unlock**: a compare-and-delete script (`unlock.lua`), run by its SHA (`EVALSHA`, loaded
///   again on `NOSCRIPT`): the key is deleted only while it still holds this holder's token, so
///   a holder whose time ran out never releases the lock someone else took since.
/// - **Cache**: `GET`, `SET <name> <bytes> PX <ttl>`, `DEL`. Every entry expires on its own.
/// - **Names**: the server's own ([`lock_name`](super::lock_name),
///   [`cache_name`](super::cache_name)), used as they are: SHA-256 hex under `whop-license:`,
///   never a license key in clear. The same Redis can serve the pacing store too
///   (`whop:pacing:…` keys): the two namespaces do not meet.
///
/// # When Redis fails
///
/// Every operation is bounded by the store's timeout (default 500 ms) and fails with a
/// [`StoreError`] that names the operation and the cause, never a key or a value: the server
/// never binds a key without its lock. The connection (the `redis`
/// crate's `ConnectionManager`) reconnects by itself after a failure; it is tied to the Tokio
/// runtime [`RedisStore::connect`] ran on.
///
/// Cheap to clone: clones share the connection. Needs the Tokio runtime it was connected on.
#[derive(Clone)]
pub struct RedisStore {
    connection: ConnectionManager,
    timeout: Duration,
    unlock: ::redis::Script,
}

// The URL may hold a password: it is not kept, and Debug shows only the settings.
impl fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisStore")
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

/// Configures a [`RedisStore`]; made by [`RedisStore::builder`].
#[derive(Clone)]
#[must_use]
pub struct RedisStoreBuilder {
    url: String,
    timeout: Duration,
}

impl fmt::Debug for RedisStoreBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisStoreBuilder")
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl RedisStoreBuilder {
    /// The longest one Redis operation may take, connecting included (default 500 ms; at least
    /// 1 ms). A lock's `wait` is separate: it bounds the polling, each poll is bounded by this.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout.max(Duration::from_millis(1));
        self
    }

    /// Connects to Redis and checks that it answers (`PING`).
    ///
    /// # Errors
    ///
    /// [`ConnectError`] when the URL is not a Redis URL this build can use (`redis://`,
    /// `redis+unix://`; not `rediss://`), or Redis cannot be reached or does not answer within
    /// the timeout. Its message never repeats the URL.
    pub async fn connect(self) -> Result<RedisStore, ConnectError> {
        let client = ::redis::Client::open(self.url.as_str()).map_err(|e| ConnectError {
            what: "its URL is not one this build can use (redis:// or redis+unix://)",
            cause: e.to_string(),
        })?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(self.timeout))
            .set_response_timeout(Some(self.timeout))
            // One connect attempt per operation: the caller's bound holds, and the manager tries
            // again on the next operation after a failure.
            .set_number_of_retries(0);
        let connecting = ConnectionManager::new_with_config(client, config);
        let connection = match tokio::time::timeout(self.timeout, connecting).await {
            Ok(Ok(connection)) => connection,
            Ok(Err(e)) => return Err(no_answer(e.to_string())),
            Err(_) => return Err(no_answer(format!("no answer within {:?}", self.timeout))),
        };
        let store = RedisStore {
            connection,
            timeout: self.timeout,
            unlock: ::redis::Script::new(include_str!("unlock.lua")),
        };
        store.check().await.map_err(|e| no_answer(e.to_string()))?;
        Ok(store)
    }
}

fn no_answer(cause: String) -> ConnectError {
    ConnectError {
        what: "it did not answer",
        cause,
    }
}

/// [`RedisStore::connect`] failed: a URL it cannot use, or a Redis that does not answer. The
/// message never repeats the URL (it may hold a password).
#[derive(Debug, Clone)]
pub struct ConnectError {
    what: &'static str,
    cause: String,
}

impl fmt::Display for ConnectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the license store's Redis cannot be used: {}: {}",
            self.what, self.cause
        )
    }
}

impl std::error::Error for ConnectError {}

impl RedisStore {
    /// A builder for a store at `url` (`redis://[:password@]host[:port][/db]`), with a 500 ms
    /// bound on each operation.
    pub fn builder(url: impl Into<String>) -> RedisStoreBuilder {
        RedisStoreBuilder {
            url: url.into(),
            timeout: DEFAULT_TIMEOUT,
        }
    }

    /// Connects to the Redis at `url` with the defaults of [`builder`](Self::builder), and
    /// checks that it answers.
    ///
    /// ```no_run
    /// use std::sync::Arc;
    /// use whop_license_server::store::{RedisStore, Store};
    ///
    /// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// let store: Arc<dyn Store> = Arc::new(RedisStore::connect("redis://127.0.0.1:6379/").await?);
    /// # let _ = store;
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    ///
    /// As [`RedisStoreBuilder::connect`].
    pub async fn connect(url: impl Into<String>) -> Result<Self, ConnectError> {
        Self::builder(url).connect().await
    }

    /// Asks Redis now (`PING`, within the store's timeout), so a program can say at start-up,
    /// or in a readiness probe, that its Redis is gone.
    ///
    /// # Errors
    ///
    /// [`StoreError`] when Redis does not answer in time or answers with an error.
    pub async fn check(&self) -> Result<(), StoreError> {
        let mut connection = self.connection.clone();
        let ping = ::redis::cmd("PING");
        self.bounded("PING", ping.query_async::<String>(&mut connection))
            .await
            .map(drop)
    }

    /// Runs `operation` within the store's timeout; a failure names `what` and its cause.
    async fn bounded<T>(
        &self,
        what: &str,
        operation: impl Future<Output = ::redis::RedisResult<T>>,
    ) -> Result<T, StoreError> {
        match tokio::time::timeout(self.timeout, operation).await {
            Ok(Ok(answer)) => Ok(answer),
            Ok(Err(e)) => Err(StoreError::new(format!("Redis {what} failed: {e}"))),
            Err(_) => Err(StoreError::new(format!(
                "Redis {what} got no answer within {:?}",
                self.timeout
            ))),
        }
    }

    /// One `SET NX PX`: `true` when this token now holds the lock.
    async fn try_lock(
        &self,
        name: &str,
        token: &LockToken,
        ttl: Duration,
    ) -> Result<bool, StoreError> {
        let mut connection = self.connection.clone();
        let mut set = ::redis::cmd("SET");
        set.arg(name)
            .arg(token.as_str())
            .arg("NX")
            .arg("PX")
            .arg(millis(ttl));
        let answer = self
            .bounded(
                "SET NX (lock)",
                set.query_async::<Option<String>>(&mut connection),
            )
            .await?;
        Ok(answer.is_some())
    }
}

/// Whole milliseconds for `PX`, at least 1 (Redis refuses 0) and at most what it takes.
fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis())
        .unwrap_or(u64::MAX)
        .clamp(1, i64::MAX as u64 / 2)
}

/// Pauses of one lock waiter: doubling from [`FIRST_POLL`] to [`MAX_POLL`], each between half
/// and all of its step, so waiters that started together do not poll together.
struct Backoff {
    step: Duration,
    state: u64,
}

impl Backoff {
    /// Seeded from the waiter's random lock token: no second random source.
    fn new(token: &LockToken) -> Self {
        let seed = token
            .as_str()
            .get(..16)
            .and_then(|hex| u64::from_str_radix(hex, 16).ok())
            .unwrap_or(0x9E37_79B9_7F4A_7C15);
        Self {
            step: FIRST_POLL,
            state: seed | 1,
        }
    }

    fn next(&mut self) -> Duration {
        // xorshift64: spreading pauses needs no cryptographic quality.
        self.state ^= self.state << 13;
        self.state ^= self.state >> 7;
        self.state ^= self.state << 17;
        let half = self.step / 2;
        let nanos = u64::try_from(half.as_nanos()).unwrap_or(u64::MAX).max(1);
        let pause = half + Duration::from_nanos(self.state % nanos);
        self.step = (self.step * 2).min(MAX_POLL);
        pause
    }
}

impl Store for RedisStore {
    fn lock<'a>(
        &'a self,
        name: &'a str,
        ttl: Duration,
        wait: Duration,
    ) -> StoreFuture<'a, Option<LockToken>> {
        Box::pin(async move {
            let deadline = Instant::now() + wait;
            let token = LockToken::random()?;
            let mut backoff = Backoff::new(&token);
            loop {
                if self.try_lock(name, &token, ttl).await? {
                    return Ok(Some(token));
                }
                let left = deadline.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    return Ok(None);
                }
                tokio::time::sleep(backoff.next().min(left)).await;
            }
        })
    }

    fn unlock<'a>(&'a self, name: &'a str, token: LockToken) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            let mut connection = self.connection.clone();
            let mut invocation = self.unlock.prepare_invoke();
            invocation.key(name).arg(token.as_str());
            self.bounded(
                "unlock script",
                invocation.invoke_async::<i64>(&mut connection),
            )
            .await
            .map(drop)
        })
    }

    fn get<'a>(&'a self, key: &'a str) -> StoreFuture<'a, Option<Vec<u8>>> {
        Box::pin(async move {
            let mut connection = self.connection.clone();
            let mut get = ::redis::cmd("GET");
            get.arg(key);
            self.bounded(
                "GET (cache)",
                get.query_async::<Option<Vec<u8>>>(&mut connection),
            )
            .await
        })
    }

    fn put<'a>(&'a self, key: &'a str, value: Vec<u8>, ttl: Duration) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            let mut connection = self.connection.clone();
            let mut set = ::redis::cmd("SET");
            set.arg(key).arg(value).arg("PX").arg(millis(ttl));
            self.bounded("SET (cache)", set.query_async::<()>(&mut connection))
                .await
        })
    }

    fn evict<'a>(&'a self, key: &'a str) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            let mut connection = self.connection.clone();
            let mut del = ::redis::cmd("DEL");
            del.arg(key);
            self.bounded("DEL (cache)", del.query_async::<i64>(&mut connection))
                .await
                .map(drop)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn px_is_whole_milliseconds_never_zero() {
        for (ttl, want) in [
            (Duration::ZERO, 1),
            (Duration::from_micros(999), 1),
            (Duration::from_millis(1500), 1500),
            (Duration::MAX, i64::MAX as u64 / 2),
        ] {
            assert_eq!(millis(ttl), want, "{ttl:?}");
        }
    }

    #[test]
    fn backoff_pauses_grow_to_the_cap_and_stay_within_half_to_all_of_their_step() {
        let token = LockToken::random().unwrap();
        let mut backoff = Backoff::new(&token);
        let mut step = FIRST_POLL;
        for _ in 0..20 {
            let pause = backoff.next();
            assert!(
                pause >= step / 2 && pause <= step,
                "{pause:?} for step {step:?}"
            );
            step = (step * 2).min(MAX_POLL);
        }
    }
}
