//! The slot store: where the slots of every window are kept, behind a small trait.

use std::error::Error as StdError;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use super::{BucketKey, PacingLimit};

/// Keeps the slots of every window: the machinery half of pacing, and its extension point.
///
/// The pacing layer asks the store for a slot ([`reserve`](Self::reserve)) and, when a call that
/// was waiting for one is cancelled, gives it back ([`give_back`](Self::give_back)). The store
/// applies the sliding-window rule and answers with a wait: the [`MemoryStore`](super::MemoryStore)
/// (the default) in this process's memory; a shared store (Redis, for several processes on one
/// key) over the network. The trait is shaped for the second kind:
///
/// - **Slow**: `reserve` returns [`Reserve`], either an answer at hand (`Ready`: the in-memory
///   store, with no allocation) or a boxed future (`Pending`).
/// - **Fallible**: an answer may be a [`StoreError`]; the layer then fails the call, never sent,
///   with [`ErrorKind::PacingUnavailable`](crate::ErrorKind::PacingUnavailable). A store that
///   would rather fall back to in-process pacing does so itself (by holding a `MemoryStore`), so
///   both choices stay open to it.
/// - **Another clock**: answers are waits from now ([`Reservation`]), not instants, so a store
///   may use its server's clock; a slot's ticket is in whatever terms the store likes.
/// - **Shared**: [`BucketKey`] holds no token, only a [`CredentialId`](crate::CredentialId), and
///   displays as `v5:<32 hex digits>`: usable as it is in a key name.
///
/// [`record_cooldown`](Self::record_cooldown) is where the layer reports Whop's 429 cooldown: a
/// no-op by default; the in-memory store holds the credential's window until it ends, and a
/// shared store records "this credential is cooling down" for every process.
///
/// A store answering from somewhere slow returns [`Reserve::Pending`] with a `'static` future
/// (clone what it needs into it):
///
/// ```
/// use std::sync::Arc;
/// use std::time::Duration;
/// use whop_transport::pacing::{
///     BucketKey, MemoryStore, PacingLimit, Reservation, Reserve, SlotStore, StoreError,
/// };
///
/// /// Asks a (pretend) remote service; here, the in-memory store after a short delay.
/// struct Remote {
///     backend: Arc<MemoryStore>,
/// }
///
/// impl SlotStore for Remote {
///     fn reserve(&self, key: &BucketKey, limit: PacingLimit, max_wait: Option<Duration>) -> Reserve {
///         let backend = Arc::clone(&self.backend);
///         let key = *key;
///         Reserve::Pending(Box::pin(async move {
///             tokio::time::sleep(Duration::from_millis(1)).await; // the round trip
///             match backend.reserve(&key, limit, max_wait) {
///                 Reserve::Ready(answer) => answer,
///                 Reserve::Pending(_) => Err(StoreError::new("the backend answers at once")),
///             }
///         }))
///     }
///
///     fn give_back(&self, key: &BucketKey, ticket: u64) {
///         // Called from a destructor: a remote store would send this in the background.
///         self.backend.give_back(key, ticket);
///     }
/// }
/// ```
pub trait SlotStore: Send + Sync + 'static {
    /// Reserves the next slot of the window `key` under `limit` (whose window already includes
    /// the safety margin), applying the sliding-window rule: at most `limit.requests()` slots in
    /// any `limit.window()`, first come, first served.
    ///
    /// `max_wait` is the time left before the call's deadline (`None`: no deadline). A slot that
    /// is not now and is `max_wait` or more away must be refused and not reserved
    /// ([`Reservation::Refused`]).
    ///
    /// A call cancelled while a [`Reserve::Pending`] answer is on its way drops that future: a
    /// slot the store reserved for it is not given back (it costs one slot of throughput).
    ///
    /// # Errors
    ///
    /// A [`StoreError`] if the store cannot answer: the call then fails, never sent.
    fn reserve(&self, key: &BucketKey, limit: PacingLimit, max_wait: Option<Duration>) -> Reserve;

    /// Gives back a slot granted with a wait, whose call was cancelled before the wait ended: the
    /// next request of the window may take it. Called from a destructor, so it must not block (a
    /// remote store sends it in the background, or drops it: a lost give-back costs one slot).
    fn give_back(&self, key: &BucketKey, ticket: u64);

    /// Records that the server asked the credential of `key` to wait `wait` (a 429 and its
    /// cooldown), so reservations for that credential wait until then. The pacing layer calls it
    /// for every 429 of a paced request. Does nothing by default. Called from a future's `poll`,
    /// so it must not block (a remote store sends it in the background).
    fn record_cooldown(&self, key: &BucketKey, wait: Duration) {
        let _ = (key, wait);
    }
}

impl<T: SlotStore + ?Sized> SlotStore for Arc<T> {
    fn reserve(&self, key: &BucketKey, limit: PacingLimit, max_wait: Option<Duration>) -> Reserve {
        (**self).reserve(key, limit, max_wait)
    }

    fn give_back(&self, key: &BucketKey, ticket: u64) {
        (**self).give_back(key, ticket)
    }

    fn record_cooldown(&self, key: &BucketKey, wait: Duration) {
        (**self).record_cooldown(key, wait)
    }
}

/// The future of a store that cannot answer at once.
pub type StoreFuture = Pin<Box<dyn Future<Output = Result<Reservation, StoreError>> + Send>>;

/// What [`SlotStore::reserve`] returns: the answer, or a future of it.
pub enum Reserve {
    /// The answer, at once (the in-memory store: no allocation, no wake-up).
    Ready(Result<Reservation, StoreError>),
    /// The answer will come (a remote store).
    Pending(StoreFuture),
}

impl fmt::Debug for Reserve {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reserve::Ready(answer) => f.debug_tuple("Ready").field(answer).finish(),
            Reserve::Pending(_) => f.write_str("Pending(..)"),
        }
    }
}

/// A store's answer to [`SlotStore::reserve`], in time from now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reservation {
    /// A slot is reserved: send after `wait` (zero: now).
    Granted {
        /// How long from now until the slot.
        wait: Duration,
        /// The store's own name for the slot, handed back to
        /// [`give_back`](SlotStore::give_back) unchanged if the call is cancelled while waiting.
        ticket: u64,
    },
    /// The next slot is `wait` away, at or past the call's deadline: nothing was reserved.
    Refused {
        /// How long from now the slot would have been.
        wait: Duration,
    },
}

type BoxError = Box<dyn StdError + Send + Sync + 'static>;

/// A [`SlotStore`] could not answer (unreachable, timed out, a script error).
#[derive(Debug)]
pub struct StoreError {
    source: BoxError,
}

impl StoreError {
    /// A store error caused by `source`.
    pub fn new(source: impl Into<BoxError>) -> Self {
        Self {
            source: source.into(),
        }
    }
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the pacing store could not reserve a slot")
    }
}

impl StdError for StoreError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        Some(&*self.source)
    }
}
