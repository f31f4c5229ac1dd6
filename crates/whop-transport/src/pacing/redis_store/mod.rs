//! [`RedisStore`]: the slots of every window in Redis, shared by every process on one key
//! (feature `redis`).
//!
//! # Why
//!
//! The [`MemoryStore`] paces one process exactly, and is blind to the others. Whop counts per
//! credential, so four workers on one company key, each under the limit, are together over it,
//! and then every one of them is locked out for Whop's 60 s cooldown. A `RedisStore` keeps the
//! windows in one Redis that all of them share, so together they stay under the limit, and a 429
//! any of them receives holds all of them back until its cooldown ends.
//!
//! ```no_run
//! use whop_transport::pacing::RedisStore;
//! use whop_transport::{PacingConfig, Transport};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let store = RedisStore::builder("redis://127.0.0.1:6379/").key_prefix("billing").build()?;
//! let transport = Transport::builder()
//!     .pacing(PacingConfig::default().with_store(store))
//!     .build()?;
//! # let _ = transport;
//! # Ok(())
//! # }
//! ```
//!
//! # How
//!
//! - **One script, atomic.** A reservation is one Lua script (`reserve.lua`), run by its SHA
//!   (`EVALSHA`): the script is sent once, and again only if the server answers `NOSCRIPT` (a
//!   restarted or flushed Redis), which the `redis` crate's `Script` does by itself. It applies the
//!   in-memory store's rule: the new slot is one window (with the safety margin) after the N-th
//!   most recent slot, or now if later; a slot at or past the call's deadline is refused and not
//!   reserved. Time is Redis's `TIME`, never a caller's clock, so processes whose clocks disagree
//!   still agree on the schedule; the answer is a wait from now, which each process sleeps on its
//!   own clock.
//! - **Keys.** Per bucket (API family, or v1 operation, and credential), three keys under the
//!   prefix (default `whop:pacing`), with the bucket in a hash tag so a script's keys share one
//!   cluster slot: `<prefix>:{v2:<credential id>}:slots` (a sorted set: ticket → slot time in µs;
//!   a v1 bucket's tag is its route with `<id>` for `{id}`, e.g.
//!   `{POST /v1/memberships/<id>/cancel:<credential id>}`),
//!   `...:seq` (the last ticket) and `...:cool` ("cooling down until", in µs). Slots older than a
//!   window are dropped at each reservation; `slots` and `seq` expire a window (and a second)
//!   after their last slot, `cool` a second after its cooldown: an idle credential leaves nothing
//!   behind.
//! - **No token.** The credential is its [`CredentialId`](crate::CredentialId): 16 bytes of
//!   SHA-256 over a domain tag and the `Authorization` value. It is not keyed: anyone holding a
//!   token can compute its ID and so tell which Redis keys are its, but nobody can go from an ID
//!   back to a token without guessing the token itself, hopeless for Whop's random API keys and
//!   OAuth tokens. A keyed HMAC would also hide *which* token a key belongs to, but every process
//!   sharing the store would need the same secret configured, one more thing to deploy and leak,
//!   for no protection of the token itself. Values are times and ticket numbers.
//! - **Cooldowns.** A 429 seen by any process (the pacing layer reports it) sets `cool` to
//!   "now + `Retry-After`, else 60 s" on Redis's clock; every process's next reservation waits
//!   for it, or is refused at once if that is past its deadline.
//! - **Given-back slots.** A waiter cancelled before its slot removes its ticket (`ZREM`, in the
//!   background): removing a slot never puts more than N in any window, and the next
//!   reservation may take the freed time. A give-back that fails is lost: the slot is simply
//!   used up, which is safe.
//!
//! # When Redis fails
//!
//! Never a hang, never a lost call. Each operation has a short timeout (default 250 ms: connect,
//! send and answer). When Redis cannot answer, by default the store falls back to pacing in this
//! process (a [`MemoryStore`] of its own, which also keeps the cooldowns it is told of) and says
//! so once, in a `warn!`; it probes Redis again at most every `retry_every` (default 1 s), one
//! operation at a time, so calls do not each wait on a dead server; the first answer switches
//! back (an `info!` says so). [`RedisFallback::Fail`] fails the calls instead, never sent, with
//! [`ErrorKind::PacingUnavailable`](crate::ErrorKind::PacingUnavailable). While the store
//! falls back, processes pace themselves alone and together may exceed the limit.
//! [`RedisStore::check`] asks Redis now (connect and `PING`), so a program can say at start-up
//! that a configured Redis is unreachable rather than fall back unnoticed.
//!
//! The connection (the `redis` crate's `ConnectionManager`, which reconnects by itself) is made on
//! first use, on the Tokio runtime of that first call; it is tied to that runtime.

mod builder;
mod check;
mod circuit;

use std::fmt;
use std::future::Future;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use tokio::time::Instant;

pub use self::builder::{InvalidRedisUrl, RedisFallback, RedisStoreBuilder};
pub use self::check::RedisUnreachable;
use self::circuit::{Change, Circuit, Route};
use super::{BucketKey, MemoryStore, PacingLimit, Reservation, Reserve, SlotStore, StoreError};

/// The default key prefix.
pub const DEFAULT_KEY_PREFIX: &str = "whop:pacing";

/// Tickets of slots the fallback handed out carry this bit, so a give-back finds its store.
const LOCAL_TICKET: u64 = 1 << 63;

/// A [`SlotStore`] in Redis: pacing shared by every process on one credential. See the
/// [module docs](self) for the rule, the keys, and what happens when Redis fails.
///
/// Cheap to clone (clones share the connection and the fallback); needs a Tokio runtime with the
/// time and I/O drivers when used.
#[derive(Clone)]
pub struct RedisStore {
    inner: Arc<Inner>,
}

struct Inner {
    client: redis::Client,
    /// Made on first use, inside a runtime.
    manager: Mutex<Option<ConnectionManager>>,
    key_prefix: String,
    fallback: RedisFallback,
    timeout: Duration,
    local: MemoryStore,
    circuit: Mutex<Circuit>,
    reserve: redis::Script,
    cooldown: redis::Script,
}

impl fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &self.inner;
        f.debug_struct("RedisStore")
            .field("key_prefix", &inner.key_prefix)
            .field("fallback", &inner.fallback)
            .field("timeout", &inner.timeout)
            .field("redis_down", &inner.circuit().is_down())
            .finish_non_exhaustive()
    }
}

impl RedisStore {
    /// A builder for a store at `url` (`redis://[:password@]host[:port][/db]`), with the
    /// defaults: prefix `whop:pacing`, fall back to local pacing, 250 ms per operation, retry
    /// Redis every second.
    pub fn builder(url: impl Into<String>) -> RedisStoreBuilder {
        RedisStoreBuilder::new(url.into())
    }

    /// A store at `url` with the defaults of [`builder`](Self::builder).
    ///
    /// # Errors
    ///
    /// [`InvalidRedisUrl`] if the URL is refused.
    pub fn new(url: impl Into<String>) -> Result<Self, InvalidRedisUrl> {
        Self::builder(url).build()
    }

    /// The names of the keys of `key`'s window: `slots`, `seq`, `cool`. Public so tests and
    /// operators can find them; the token never appears, only its credential ID.
    pub fn key_names(&self, key: &BucketKey) -> [String; 3] {
        key_names(&self.inner.key_prefix, key)
    }
}

impl Inner {
    fn circuit(&self) -> MutexGuard<'_, Circuit> {
        self.circuit.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The connection manager, made on first use.
    fn manager(&self) -> Result<ConnectionManager, redis::RedisError> {
        let mut slot = self.manager.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(manager) = slot.as_ref() {
            return Ok(manager.clone());
        }
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(self.timeout))
            .set_response_timeout(Some(self.timeout))
            // One connect attempt per operation: the circuit decides when to try again.
            .set_number_of_retries(0);
        let manager = ConnectionManager::new_lazy_with_config(self.client.clone(), config)?;
        *slot = Some(manager.clone());
        Ok(manager)
    }

    fn route(&self) -> Route {
        self.circuit().route(Instant::now())
    }

    fn succeeded(&self) {
        if self.circuit().succeeded() == Change::CameBack {
            tracing::info!("pacing: Redis answers again; pacing is shared across processes again");
        }
    }

    fn failed(&self, error: &dyn std::error::Error) {
        if self.circuit().failed(Instant::now()) == Change::WentDown {
            match self.fallback {
                RedisFallback::Local => tracing::warn!(
                    %error,
                    "pacing: Redis is unreachable; pacing this process alone until it answers"
                ),
                RedisFallback::Fail => tracing::warn!(
                    %error,
                    "pacing: Redis is unreachable; calls fail unsent until it answers"
                ),
            }
        }
    }

    /// The fallback's answer (or the failure), for a call that has waited `elapsed` already.
    fn fall_back(
        &self,
        key: &BucketKey,
        limit: PacingLimit,
        max_wait: Option<Duration>,
        error: StoreError,
    ) -> Result<Reservation, StoreError> {
        match self.fallback {
            RedisFallback::Fail => Err(error),
            RedisFallback::Local => match self.local.reserve(key, limit, max_wait) {
                Reserve::Ready(Ok(Reservation::Granted { wait, ticket })) => {
                    Ok(Reservation::Granted {
                        wait,
                        ticket: ticket | LOCAL_TICKET,
                    })
                }
                Reserve::Ready(answer) => answer,
                Reserve::Pending(_) => Err(error),
            },
        }
    }

    /// Runs `operation` on Redis within the store's timeout.
    async fn bounded<T>(
        &self,
        operation: impl Future<Output = redis::RedisResult<T>>,
    ) -> Result<T, StoreError> {
        match tokio::time::timeout(self.timeout, operation).await {
            Ok(answer) => answer.map_err(StoreError::new),
            Err(elapsed) => Err(StoreError::new(TimedOut(elapsed))),
        }
    }

    async fn reserve_in_redis(
        &self,
        key: &BucketKey,
        limit: PacingLimit,
        max_wait: Option<Duration>,
    ) -> Result<Reservation, StoreError> {
        let mut connection = self.manager().map_err(StoreError::new)?;
        let [slots, seq, cool] = key_names(&self.key_prefix, key);
        let mut invocation = self.reserve.prepare_invoke();
        invocation
            .key(slots)
            .key(seq)
            .key(cool)
            .arg(limit.requests())
            .arg(micros(limit.window()))
            .arg(max_wait.map_or(-1, micros));
        let (granted, wait, ticket) = self
            .bounded(invocation.invoke_async::<(i64, i64, i64)>(&mut connection))
            .await?;
        let wait = Duration::from_micros(u64::try_from(wait).unwrap_or(0));
        Ok(if granted == 1 {
            Reservation::Granted {
                wait,
                ticket: u64::try_from(ticket).unwrap_or(0) & !LOCAL_TICKET,
            }
        } else {
            Reservation::Refused { wait }
        })
    }

    async fn give_back_in_redis(&self, key: &BucketKey, ticket: u64) -> Result<(), StoreError> {
        let mut connection = self.manager().map_err(StoreError::new)?;
        let [slots, ..] = key_names(&self.key_prefix, key);
        let mut remove = redis::cmd("ZREM");
        remove.arg(slots).arg(ticket);
        self.bounded(remove.query_async::<i64>(&mut connection))
            .await
            .map(drop)
    }

    async fn record_cooldown_in_redis(
        &self,
        key: &BucketKey,
        wait: Duration,
    ) -> Result<(), StoreError> {
        let mut connection = self.manager().map_err(StoreError::new)?;
        let [.., cool] = key_names(&self.key_prefix, key);
        let mut invocation = self.cooldown.prepare_invoke();
        invocation.key(cool).arg(micros(wait));
        self.bounded(invocation.invoke_async::<i64>(&mut connection))
            .await
            .map(drop)
    }
}

/// A Redis operation took longer than the store's timeout.
#[derive(Debug)]
struct TimedOut(tokio::time::error::Elapsed);

impl fmt::Display for TimedOut {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Redis did not answer in time ({})", self.0)
    }
}

impl std::error::Error for TimedOut {}

/// The circuit is open: Redis failed recently and is not asked again yet.
#[derive(Debug)]
struct RedisDown;

impl fmt::Display for RedisDown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Redis failed recently; it is retried at intervals")
    }
}

impl std::error::Error for RedisDown {}

fn micros(duration: Duration) -> i64 {
    i64::try_from(duration.as_micros()).unwrap_or(i64::MAX)
}

impl SlotStore for RedisStore {
    fn reserve(&self, key: &BucketKey, limit: PacingLimit, max_wait: Option<Duration>) -> Reserve {
        let inner = &self.inner;
        if inner.route() == Route::Fallback {
            let down = StoreError::new(RedisDown);
            return Reserve::Ready(inner.fall_back(key, limit, max_wait, down));
        }
        let (inner, key, started) = (Arc::clone(inner), *key, Instant::now());
        Reserve::Pending(Box::pin(async move {
            match inner.reserve_in_redis(&key, limit, max_wait).await {
                Ok(answer) => {
                    inner.succeeded();
                    Ok(answer)
                }
                Err(error) => {
                    inner.failed(&error);
                    // The time spent on Redis counts against the deadline.
                    let max_wait = max_wait.map(|w| w.saturating_sub(started.elapsed()));
                    inner.fall_back(&key, limit, max_wait, error)
                }
            }
        }))
    }

    fn give_back(&self, key: &BucketKey, ticket: u64) {
        if ticket & LOCAL_TICKET != 0 {
            self.inner.local.give_back(key, ticket & !LOCAL_TICKET);
            return;
        }
        // Called from a destructor: in the background, and lost if it fails (the slot is then
        // simply used up, which is safe).
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let (inner, key) = (Arc::clone(&self.inner), *key);
        runtime.spawn(async move {
            if let Err(error) = inner.give_back_in_redis(&key, ticket).await {
                tracing::debug!(%error, "pacing: a given-back slot did not reach Redis");
            }
        });
    }

    fn record_cooldown(&self, key: &BucketKey, wait: Duration) {
        // The fallback keeps it too, for when Redis is down (or goes down before it ends).
        self.inner.local.record_cooldown(key, wait);
        if self.inner.route() == Route::Fallback {
            return;
        }
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let (inner, key) = (Arc::clone(&self.inner), *key);
        runtime.spawn(async move {
            match inner.record_cooldown_in_redis(&key, wait).await {
                Ok(()) => inner.succeeded(),
                Err(error) => inner.failed(&error),
            }
        });
    }
}

/// The key names of `key`'s window under `prefix`: `slots`, `seq`, `cool`.
fn key_names(prefix: &str, key: &BucketKey) -> [String; 3] {
    // A v1 bucket is named by its route, whose `{id}` would end the cluster hash tag early.
    let tag = key.to_string().replace('{', "<").replace('}', ">");
    let base = format!("{prefix}:{{{tag}}}");
    [
        format!("{base}:slots"),
        format!("{base}:seq"),
        format!("{base}:cool"),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_v1_buckets_keys_share_one_hash_tag_that_holds_the_whole_bucket() {
        let key = BucketKey::new("POST /v1/memberships/{id}/cancel", None);
        let names = key_names("p", &key);
        for name in &names {
            assert!(
                name.starts_with("p:{POST /v1/memberships/<id>/cancel:anonymous}:"),
                "{name}"
            );
            assert_eq!(name.matches('{').count(), 1, "{name}");
        }
        assert_eq!(
            key_names("p", &BucketKey::new("v2", None))[0],
            "p:{v2:anonymous}:slots"
        );
    }
}
