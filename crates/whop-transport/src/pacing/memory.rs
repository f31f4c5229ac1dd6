//! The default store: every window in this process's memory.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, VecDeque};
use std::fmt;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use tokio::time::Instant;

use super::config::MAX_WINDOW;
use super::schedule::{Slot, schedule};
use super::{BucketKey, PacingLimit, Reservation, Reserve, SlotStore};

/// Sweep idle windows when the map grows past this (and twice the live windows after a sweep).
const MIN_SWEEP_AT: usize = 64;

/// The default [`SlotStore`]: the windows of one process, in memory. Exact, cheap, and blind to
/// other processes. See the [module docs](super) for the rule it applies.
///
/// A `std::sync::Mutex` guards a small map, held only for the decision (never across an
/// `await`); [`reserve`](SlotStore::reserve) answers at once ([`Reserve::Ready`]) and allocates
/// only for the first request of a new window. Idle windows are swept as the map grows.
pub struct MemoryStore {
    /// Tickets are nanoseconds since this instant.
    epoch: Instant,
    windows: Mutex<Windows>,
}

struct Windows {
    map: HashMap<BucketKey, Window>,
    /// Sweep idle windows when the map grows past this.
    sweep_at: usize,
}

/// The slots of one window.
#[derive(Debug, Default)]
struct Window {
    /// The last N slots taken, oldest first.
    recent: VecDeque<Instant>,
    /// Slots given back by cancelled waiters, earliest first.
    vacated: BinaryHeap<Reverse<Instant>>,
    /// The window (with margin) of the last reservation: after it, the window is idle.
    spacing: Duration,
    /// No slot before this: the server asked this credential to cool down (a 429).
    cooldown_until: Option<Instant>,
}

impl Window {
    fn is_idle(&self, now: Instant) -> bool {
        self.vacated.is_empty()
            && self.cooldown_until.is_none_or(|until| until <= now)
            && self
                .recent
                .back()
                .is_none_or(|&last| last + self.spacing <= now)
    }
}

impl Default for MemoryStore {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for MemoryStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MemoryStore")
            .field("windows", &self.lock().map.len())
            .finish()
    }
}

impl MemoryStore {
    /// An empty store. Needs a Tokio runtime's clock only when used.
    pub fn new() -> Self {
        Self {
            epoch: Instant::now(),
            windows: Mutex::new(Windows {
                map: HashMap::new(),
                sweep_at: MIN_SWEEP_AT,
            }),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Windows> {
        // The lock guards plain bookkeeping that is never left half-updated; keep pacing.
        self.windows.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn ticket(&self, at: Instant) -> u64 {
        u64::try_from(at.saturating_duration_since(self.epoch).as_nanos()).unwrap_or(u64::MAX)
    }

    /// The slot for `key` under `limit` at `now`, refused at or after `deadline`.
    fn reserve_at(
        &self,
        key: &BucketKey,
        limit: PacingLimit,
        now: Instant,
        deadline: Option<Instant>,
    ) -> Reservation {
        let spacing = limit.window();
        let mut windows = self.lock();
        if windows.map.len() >= windows.sweep_at && !windows.map.contains_key(key) {
            windows.map.retain(|_, w| !w.is_idle(now));
            windows.sweep_at = (windows.map.len() * 2).max(MIN_SWEEP_AT);
        }
        let window = windows.map.entry(*key).or_default();
        window.spacing = spacing;
        while window.vacated.peek().is_some_and(|Reverse(at)| *at < now) {
            window.vacated.pop();
        }
        let vacated = window.vacated.peek().map(|Reverse(at)| *at);
        let cooldown_until = window.cooldown_until.filter(|until| *until > now);
        match schedule(
            &window.recent,
            vacated,
            limit,
            spacing,
            now,
            cooldown_until,
            deadline,
        ) {
            Slot::Refuse { at } => Reservation::Refused {
                wait: at.saturating_duration_since(now),
            },
            Slot::Take { at, vacated } => {
                if vacated {
                    window.vacated.pop();
                } else {
                    // Slots given back before the cooldown's end can never be used.
                    while window.vacated.peek().is_some_and(|Reverse(v)| *v < at) {
                        window.vacated.pop();
                    }
                    if window.recent.len() >= limit.requests() as usize {
                        window.recent.pop_front();
                    }
                    window.recent.push_back(at);
                }
                drop(windows);
                Reservation::Granted {
                    wait: at.saturating_duration_since(now),
                    ticket: self.ticket(at),
                }
            }
        }
    }

    #[cfg(test)]
    fn window_count(&self) -> usize {
        self.lock().map.len()
    }
}

impl SlotStore for MemoryStore {
    fn reserve(&self, key: &BucketKey, limit: PacingLimit, max_wait: Option<Duration>) -> Reserve {
        let now = Instant::now();
        // A wait too long to add to the clock is no deadline at all.
        let deadline = max_wait.and_then(|wait| now.checked_add(wait));
        Reserve::Ready(Ok(self.reserve_at(key, limit, now, deadline)))
    }

    fn give_back(&self, key: &BucketKey, ticket: u64) {
        let at = self.epoch + Duration::from_nanos(ticket);
        if at <= Instant::now() {
            return;
        }
        if let Some(window) = self.lock().map.get_mut(key) {
            window.vacated.push(Reverse(at));
        }
    }

    /// Holds every later reservation of `key` until `wait` from now (or a later end already
    /// recorded).
    fn record_cooldown(&self, key: &BucketKey, wait: Duration) {
        let now = Instant::now();
        // A wait too long for the clock is clamped by the caller; if it still overflows, the
        // cooldown is as long as the clock allows.
        let until = now.checked_add(wait).unwrap_or(now + MAX_WINDOW);
        let mut windows = self.lock();
        let window = windows.map.entry(*key).or_default();
        window.cooldown_until = Some(window.cooldown_until.map_or(until, |u| u.max(until)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::token::CredentialId;

    fn key(token: &str) -> BucketKey {
        let value = format!("Bearer {token}").parse().expect("valid");
        BucketKey::new("v5", Some(CredentialId::from_header_value(&value)))
    }

    fn granted(store: &MemoryStore, key: &BucketKey, limit: PacingLimit) -> (Duration, u64) {
        match store.reserve(key, limit, None) {
            Reserve::Ready(Ok(Reservation::Granted { wait, ticket })) => (wait, ticket),
            other => panic!("expected a grant, got {other:?}"),
        }
    }

    #[tokio::test(start_paused = true)]
    async fn idle_tokens_are_swept_as_the_map_grows() {
        let store = MemoryStore::new();
        let limit = PacingLimit::new(3, Duration::from_millis(1100));
        for round in 0..10 {
            for i in 0..100 {
                granted(&store, &key(&format!("token-{round}-{i}")), limit);
            }
            tokio::time::advance(Duration::from_secs(2)).await;
        }
        // 1,000 tokens seen, each idle two seconds later: the map holds about two rounds' worth.
        let kept = store.window_count();
        assert!(kept <= 300, "{kept} windows kept");
    }

    #[tokio::test(start_paused = true)]
    async fn a_given_back_ticket_is_the_next_slot_and_a_past_one_is_ignored() {
        let store = MemoryStore::new();
        let limit = PacingLimit::new(1, Duration::from_secs(1));
        let alice = key("alice");
        assert_eq!(granted(&store, &alice, limit).0, Duration::ZERO);
        let (wait, ticket) = granted(&store, &alice, limit);
        assert_eq!(wait, Duration::from_secs(1));
        store.give_back(&alice, ticket);
        // The given-back slot is taken again, at the same time, not one behind it.
        assert_eq!(granted(&store, &alice, limit), (wait, ticket));
        // A ticket whose time has passed is not kept.
        tokio::time::advance(Duration::from_secs(3)).await;
        store.give_back(&alice, ticket);
        assert_eq!(granted(&store, &alice, limit).0, Duration::ZERO);
    }

    #[tokio::test(start_paused = true)]
    async fn a_slot_at_or_past_the_max_wait_is_refused_and_not_reserved() {
        let store = MemoryStore::new();
        let limit = PacingLimit::new(1, Duration::from_secs(1));
        let alice = key("alice");
        granted(&store, &alice, limit);
        let refused = store.reserve(&alice, limit, Some(Duration::from_secs(1)));
        assert!(matches!(
            refused,
            Reserve::Ready(Ok(Reservation::Refused { wait })) if wait == Duration::from_secs(1)
        ));
        // Nothing was reserved: the next slot is still one window away, and no deadline at all
        // (a wait too long for the clock) counts as none.
        let answer = store.reserve(&alice, limit, Some(Duration::MAX));
        assert!(matches!(
            answer,
            Reserve::Ready(Ok(Reservation::Granted { wait, .. })) if wait == Duration::from_secs(1)
        ));
    }

    #[tokio::test(start_paused = true)]
    async fn a_recorded_cooldown_holds_the_credentials_window_and_no_other() {
        let store = MemoryStore::new();
        let limit = PacingLimit::new(3, Duration::from_secs(1));
        let (alice, bob) = (key("alice"), key("bob"));
        store.record_cooldown(&alice, Duration::from_secs(60));
        // A shorter cooldown recorded later does not shorten it.
        store.record_cooldown(&alice, Duration::from_secs(5));
        assert_eq!(granted(&store, &alice, limit).0, Duration::from_secs(60));
        assert_eq!(granted(&store, &bob, limit).0, Duration::ZERO);
        // Past the deadline: refused at once, nothing reserved.
        let refused = store.reserve(&alice, limit, Some(Duration::from_secs(30)));
        assert!(matches!(
            refused,
            Reserve::Ready(Ok(Reservation::Refused { wait })) if wait == Duration::from_secs(60)
        ));
        // After it, the window paces as before (two of its three slots were left at the end).
        tokio::time::advance(Duration::from_secs(61)).await;
        assert_eq!(granted(&store, &alice, limit).0, Duration::ZERO);
        // An absurd cooldown does not overflow the clock.
        store.record_cooldown(&bob, Duration::MAX);
        assert!(granted(&store, &bob, limit).0 >= MAX_WINDOW);
    }
}
