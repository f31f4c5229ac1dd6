//! De-duplicating deliveries: [`SeenIds`], and [`SeenSet`], a bounded in-memory one.

use std::collections::{HashMap, VecDeque};
use std::convert::Infallible;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use crate::Verified;

/// Somewhere to remember which deliveries were handled.
///
/// Whop delivers at least once: a delivery that timed out on Whop's side, or that your server
/// answered with anything but 2xx, is sent again, and a network hiccup can repeat one you
/// already handled. Remembering the keys handled recently catches the repeats; the key of a
/// delivery is [`Verified::dedup_key`]: the `webhook-id` of a Standard Webhooks delivery (the
/// same on every retry of one event), the SHA-256 of the body of a legacy one (which carries
/// no ID; see [`Verified::dedup_key`] for what that key cannot tell apart).
///
/// [`SeenSet`] remembers IDs in this process only, for a bounded time and up to a bounded
/// number: after a restart, or in a second process behind the same URL, a repeat gets through.
/// For more than one process, implement [`SeenIds`] over a shared store (an atomic
/// "set if absent, with expiry", such as Redis `SET key 1 NX EX 600`). Either way, a
/// de-duplication set narrows the window; handlers that are idempotent close it.
///
pub trait SeenIds {
    /// Why the store could not answer.
    type Error;

    /// Records `id` and says whether this is its first sighting: `Ok(true)` the first time
    /// (handle the event), `Ok(false)` for a repeat (acknowledge it and do nothing).
    ///
    /// # Errors
    ///
    /// When the store cannot answer. Whether to handle the event anyway is the caller's call.
    fn first_sighting(&self, id: &str) -> Result<bool, Self::Error>;

    /// [`first_sighting`](Self::first_sighting) of a verified delivery's
    /// [`dedup_key`](Verified::dedup_key): `Ok(false)` for a repeat of a delivery already seen,
    /// legacy or Standard Webhooks.
    ///
    /// # Errors
    ///
    /// As [`first_sighting`](Self::first_sighting).
    fn first_sighting_of(&self, verified: &Verified) -> Result<bool, Self::Error> {
        self.first_sighting(verified.dedup_key())
    }
}

/// An in-memory [`SeenIds`]: at most `capacity` IDs, each forgotten `ttl` after it was first
/// seen (or earlier, oldest first, when full). Thread-safe; share it behind an `Arc`.
///
/// ```
/// use std::time::Duration;
/// use whop_webhooks::{SeenIds, SeenSet};
///
/// let seen = SeenSet::new(10_000, Duration::from_secs(600));
/// assert_eq!(seen.first_sighting("msg_1"), Ok(true));
/// assert_eq!(seen.first_sighting("msg_1"), Ok(false)); // a retry: acknowledge, do nothing
/// ```
#[derive(Debug)]
pub struct SeenSet {
    capacity: usize,
    ttl: Duration,
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    /// ID → when it was first seen.
    seen: HashMap<String, Instant>,
    /// IDs in the order first seen, to forget the oldest first.
    order: VecDeque<(Instant, String)>,
}

impl SeenSet {
    /// Remembers up to `capacity` IDs (at least one) for `ttl` each.
    ///
    /// Choose `ttl` longer than the signature tolerance (a replayed delivery older than that
    /// is refused anyway) and as long as the retries you want to catch.
    pub fn new(capacity: usize, ttl: Duration) -> Self {
        Self {
            capacity: capacity.max(1),
            ttl,
            state: Mutex::new(State::default()),
        }
    }

    /// [`first_sighting`](SeenIds::first_sighting) as if the clock read `now` (for tests).
    pub fn first_sighting_at(&self, id: &str, now: Instant) -> bool {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        state.forget_expired(now, self.ttl);
        if state.seen.contains_key(id) {
            return false;
        }
        while state.seen.len() >= self.capacity {
            let Some((_, oldest)) = state.order.pop_front() else {
                break;
            };
            state.seen.remove(&oldest);
        }
        state.seen.insert(id.to_owned(), now);
        state.order.push_back((now, id.to_owned()));
        true
    }

    /// How many IDs are remembered now.
    pub fn len(&self) -> usize {
        self.state
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .seen
            .len()
    }

    /// Whether no ID is remembered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl State {
    fn forget_expired(&mut self, now: Instant, ttl: Duration) {
        while let Some((at, _)) = self.order.front() {
            if now.saturating_duration_since(*at) < ttl {
                break;
            }
            if let Some((_, id)) = self.order.pop_front() {
                self.seen.remove(&id);
            }
        }
    }
}

impl SeenIds for SeenSet {
    type Error = Infallible;

    fn first_sighting(&self, id: &str) -> Result<bool, Infallible> {
        Ok(self.first_sighting_at(id, Instant::now()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_repeat_within_the_ttl_is_caught() {
        let seen = SeenSet::new(10, Duration::from_secs(60));
        let t0 = Instant::now();
        assert!(seen.first_sighting_at("msg_1", t0));
        assert!(!seen.first_sighting_at("msg_1", t0 + Duration::from_secs(59)));
        assert!(seen.first_sighting_at("msg_2", t0));
    }

    #[test]
    fn an_id_is_forgotten_after_the_ttl() {
        let seen = SeenSet::new(10, Duration::from_secs(60));
        let t0 = Instant::now();
        assert!(seen.first_sighting_at("msg_1", t0));
        assert!(seen.first_sighting_at("msg_1", t0 + Duration::from_secs(60)));
    }

    #[test]
    fn when_full_the_oldest_id_is_forgotten_first() {
        let seen = SeenSet::new(2, Duration::from_secs(60));
        let t0 = Instant::now();
        assert!(seen.first_sighting_at("a", t0));
        assert!(seen.first_sighting_at("b", t0));
        assert!(seen.first_sighting_at("c", t0));
        assert_eq!(seen.len(), 2);
        assert!(!seen.first_sighting_at("c", t0));
        assert!(!seen.first_sighting_at("b", t0));
        assert!(seen.first_sighting_at("a", t0), "a was evicted");
    }

    #[test]
    fn a_redelivered_legacy_body_is_a_repeat_and_another_body_is_not() {
        let seen = SeenSet::new(10, Duration::from_secs(60));
        let cancel =
            br#"{"action":"membership.cancel_at_period_end_changed","data":{"id":"mem_1"}}"#;
        let metadata = br#"{"action":"membership.metadata_updated","data":{"id":"mem_1"}}"#;
        // A retry is signed afresh: another timestamp, the same body.
        assert_eq!(
            seen.first_sighting_of(&Verified::legacy(1_700_000_000, cancel)),
            Ok(true)
        );
        assert_eq!(
            seen.first_sighting_of(&Verified::legacy(1_700_000_060, cancel)),
            Ok(false)
        );
        assert_eq!(
            seen.first_sighting_of(&Verified::legacy(1_700_000_060, metadata)),
            Ok(true)
        );
    }

    #[test]
    fn a_standard_delivery_is_a_repeat_by_its_webhook_id_whatever_its_body() {
        let seen = SeenSet::new(10, Duration::from_secs(60));
        assert_eq!(
            seen.first_sighting_of(&Verified::standard(1, "msg_1")),
            Ok(true)
        );
        assert_eq!(
            seen.first_sighting_of(&Verified::standard(2, "msg_1")),
            Ok(false)
        );
        assert_eq!(
            seen.first_sighting_of(&Verified::standard(2, "msg_2")),
            Ok(true)
        );
    }

    #[test]
    fn memory_stays_bounded_under_many_ids() {
        let seen = SeenSet::new(100, Duration::from_secs(600));
        let t0 = Instant::now();
        for i in 0..10_000 {
            seen.first_sighting_at(&format!("msg_{i}"), t0);
        }
        assert_eq!(seen.len(), 100);
    }
}
