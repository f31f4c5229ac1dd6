//! Client-side pacing: stay under Whop's rate limits by waiting, instead of tripping its cooldown.
//!
//! # Why
//!
//! Whop's limits, each per credential:
//!
//! | family | limit | counted per | over the limit |
//! | --- | --- | --- | --- |
//! | v1 (Current API) | 600 per 60 s | operation (the [`Endpoint`](crate::Endpoint)'s route) | 429 "Try again in N seconds." |
//! | v2 | 100 per 10 s | family | 429 and a 60 s cooldown |
//! | v5 | 20 per 10 s | family | 429 and a 60 s cooldown |
//!
//! On v2 and v5 the request over the limit does not merely fail: it starts a **60 s cooldown** in
//! which every request of that family gets 429. A burst of 21 license checks therefore costs a
//! minute of outage, and retrying 429s only extends it. A client that knows the limits can do
//! better: hold the 21st request back until a slot is free, a few seconds at most, and never see
//! a 429. v1 documents no such lock-out, only the wait in the 429's message, which the retry
//! layer and the cooldown below read.
//!
//! # How
//!
//! Pacing is a policy and a machine:
//!
//! - **The policy** ([`PacingPolicy`], in `policy.rs`) says which window a request counts in and
//!   under which limit. The default, [`WhopLimits`], reads the [`ApiFamily`](crate::ApiFamily) of
//!   the request's [`Endpoint`](crate::Endpoint) (a request without one is not paced) and counts
//!   per credential, as Whop does: an app calling v5 with many users' tokens through one client is
//!   not held to 20 calls per 10 s in total. The window is named by a [`BucketKey`]: the family
//!   (for v1, the operation's route, e.g. `GET /v1/memberships/{id}`) and the
//!   [`CredentialId`](crate::CredentialId), a one-way hash of the `Authorization` value (the
//!   token itself is never stored).
//! - **The store** ([`SlotStore`], in `store.rs`) keeps each window's slots and hands out the
//!   next one. The default, [`MemoryStore`], keeps a log of the last N send times per window and
//!   lets a request go only if at most N sends fall in any window: a sliding window, the
//!   strictest reading of "N per window", which is how `whop-mock` counts, so a client under it
//!   is under a fixed window too. A request with no free slot reserves the next one and sleeps
//!   until then; reservations are first come, first served. Its decision is a pure function,
//!   table-tested in the crate.
//! - **The layer** ([`PacingLayer`], [`Pacing`], [`PacingFuture`]) asks the one, then the other,
//!   and waits.
//!
//! What it guarantees:
//!
//! - **Safety margin.** The server counts *arrivals*, the pacer sees *sends*. The first burst
//!   opens a new connection per request (TCP, TLS), so some of it arrives late, while the next
//!   burst, a window later over pooled connections, arrives at once: counted by arrival, the two
//!   overlap. So the pacer's window is the limit's window plus [`PacingConfig::safety_margin`]
//!   (default 1 s, 10 % of Whop's 10 s windows: room for a few round trips across the internet,
//!   at a tenth of the throughput of a saturated client; a 60 s cooldown costs far more).
//! - **Retries are paced too.** The layer sits inside the retry layer, so every attempt takes a
//!   slot, and outside the per-attempt timeout, so waiting for a slot does not eat an attempt's
//!   time.
//! - **Waiting counts against the deadline.** The wait happens inside the call's overall
//!   call deadline ([`RequestExt::call_deadline`](crate::RequestExt::call_deadline)). A request whose slot would come at or after its
//!   deadline is not held at all: it fails at once with
//!   [`ErrorKind::RateLimitedLocally`](crate::ErrorKind::RateLimitedLocally),
//!   [`RequestSent::NotSent`](crate::RequestSent::NotSent). (A slot just before the deadline is
//!   taken: the request goes, and the deadline may still end its attempt.)
//! - **Cancelled waiters give their slot back.** A dropped call (its caller timed out, or gave up)
//!   returns its reserved slot if that slot is still in the future: the next request to arrive
//!   takes it, at the same time. Later waiters keep their own times (moving them earlier would
//!   need waking them, and they are at most one slot late); a returned slot that nobody takes
//!   before its time is simply unused. So cancelling even thousands of waiters never leaves
//!   future requests queued behind ghosts.
//! - **A 429 cools the credential down.** The layer sees every attempt's answer; on a 429 it
//!   tells the store ([`SlotStore::record_cooldown`]) that the bucket's credential must wait the
//!   `Retry-After` (seconds or a date), else on v2 and v5 Whop's documented 60 s, and on v1 the
//!   wait in the message ("Try again in 12 seconds."), or nothing if there is none (v1 has no
//!   documented lock-out, and its window already holds the next request back); at most 15 min.
//!   No slot of that bucket is handed out before then: a call whose slot would fall past its deadline
//!   fails at once with [`ErrorKind::RateLimitedLocally`](crate::ErrorKind::RateLimitedLocally)
//!   rather than hammer the API inside the cooldown. The in-memory store keeps the cooldown for
//!   this process; a shared store for every process on the key. A call that already held a slot
//!   when the cooldown was recorded elsewhere still goes at its time (a slot is not taken back).
//! - **A failing store holds requests back.** If the store cannot answer, the call fails at once
//!   with [`ErrorKind::PacingUnavailable`](crate::ErrorKind::PacingUnavailable), never sent:
//!   sending unpaced could start the very cooldown pacing exists to avoid. A store that prefers
//!   to fall back to in-process pacing does so itself (see [`SlotStore`]). The in-memory store
//!   never fails.
//! - **Cheap.** The in-memory store answers at once under a `std::sync::Mutex` held only for the
//!   decision (never across an `await`); no allocation per request beyond the first request of
//!   a new window, and, for a request that has to wait, one box and an `Arc` clone. Idle windows
//!   are swept as the map grows.
//!
//! # Plugging in a store
//!
//! The in-memory store sees only its own process (and one [`Transport`](crate::Transport) with
//! its clones). Several processes sharing one key each pace themselves and together can still
//! exceed the limit. [`PacingConfig::with_store`] replaces the store: implement [`SlotStore`]
//! (async and fallible, answering in waits from now, so a remote store's own clock is the one
//! that counts) and every request's slot comes from it. Here, a store that counts reservations
//! and leaves the bookkeeping to a [`MemoryStore`]:
//!
//! ```
//! use std::sync::atomic::{AtomicU64, Ordering};
//! use std::time::Duration;
//! use whop_transport::pacing::{BucketKey, MemoryStore, PacingLimit, Reserve, SlotStore};
//! use whop_transport::{PacingConfig, Transport};
//!
//! #[derive(Default)]
//! struct Counting {
//!     memory: MemoryStore,
//!     reserved: AtomicU64,
//! }
//!
//! impl SlotStore for Counting {
//!     fn reserve(&self, key: &BucketKey, limit: PacingLimit, max_wait: Option<Duration>) -> Reserve {
//!         self.reserved.fetch_add(1, Ordering::Relaxed);
//!         self.memory.reserve(key, limit, max_wait)
//!     }
//!
//!     fn give_back(&self, key: &BucketKey, ticket: u64) {
//!         self.memory.give_back(key, ticket);
//!     }
//! }
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let config = PacingConfig::default().with_store(Counting::default());
//! let transport = Transport::builder().pacing(config).build()?;
//! # let _ = transport;
//! # Ok(())
//! # }
//! ```
//!
//! With the `redis` feature, `pacing::RedisStore` (module `redis_store`) is such a store, shared
//! by every process on one key through Redis, cooldowns included.
//!
//! Whop's 429 cooldown applies to a credential in every process: the layer reports each 429 to
//! [`SlotStore::record_cooldown`], where a shared store records it for all of them (a no-op by
//! default; the in-memory store keeps it for its own process).
//!
//! # When to turn it off
//!
//! When your application has its own limiter, or several processes share one key and no shared
//! store is configured, use [`PacingConfig::disabled()`]:
//!
//! ```
//! use whop_transport::{PacingConfig, Transport};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let transport = Transport::builder().pacing(PacingConfig::disabled()).build()?;
//! # let _ = transport;
//! # Ok(())
//! # }
//! ```

mod config;
mod cooldown;
mod future;
mod layer;
mod memory;
mod policy;
#[cfg(feature = "redis")]
#[cfg_attr(docsrs, doc(cfg(feature = "redis")))]
pub mod redis_store;
mod schedule;
mod service;
mod store;

pub use config::{PacingConfig, PacingLimit};
pub use future::PacingFuture;
pub use layer::PacingLayer;
pub use memory::MemoryStore;
pub use policy::{Bucket, BucketKey, PacingPolicy, RequestHead, WhopLimits};
#[cfg(feature = "redis")]
#[cfg_attr(docsrs, doc(cfg(feature = "redis")))]
pub use redis_store::{
    InvalidRedisUrl, RedisFallback, RedisStore, RedisStoreBuilder, RedisUnreachable,
};
pub use service::Pacing;
pub use store::{Reservation, Reserve, SlotStore, StoreError, StoreFuture};
