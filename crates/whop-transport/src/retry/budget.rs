//! The retry budget: retries allowed as a share of recent calls, so a failing API does not see
//! its load multiplied by the number of attempts.
//!
//! The rule is Finagle's, as tower's `TpsBudget` keeps it: over a window of `ttl`, split into ten
//! slots, a retry may be withdrawn while the reserve (`min_per_sec × ttl` retries) plus
//! `retry_percent` of the calls deposited exceeds the retries already withdrawn; deposits older
//! than `ttl` no longer count.
//!
//! What differs is when the clock is read. Every call deposits, and a deposit here is one atomic
//! add: it does not read the clock nor take the lock. The deposits since the last look are placed
//! in the window's slots when the budget is next examined (a withdrawal, which happens only when
//! a call fails), in the slot of that earlier look. So a deposit may stop counting up to `ttl`
//! sooner than it would have: the budget can only allow fewer retries than tower's, never more.
//! That is the direction a budget may err in, and it takes a lock and two clock reads off every
//! call that succeeds at once.

use std::sync::Mutex;
use std::sync::atomic::{AtomicIsize, Ordering};
use std::time::Duration;

use tokio::time::Instant;

use super::config::BudgetConfig;

/// Slots the window is split into.
const SLOTS: usize = 10;

/// A retry budget shared by every call of one retry layer.
pub(crate) struct RetryBudget {
    /// Which slot deposits go to next, and when that slot started.
    generation: Mutex<Generation>,
    /// Deposits (minus withdrawals) not yet placed in a slot.
    pending: AtomicIsize,
    /// Each slot's committed balance.
    slots: [AtomicIsize; SLOTS],
    /// How long one slot lasts: `ttl / SLOTS`.
    slot_length: Duration,
    /// Always available: `min_per_sec × ttl` retries, in withdrawal units.
    reserve: isize,
    /// What one call deposits, and what one retry withdraws.
    deposit_amount: isize,
    withdraw_amount: isize,
}

struct Generation {
    index: usize,
    started: Instant,
}

impl RetryBudget {
    /// A budget by `config` (whose values [`RetryConfig::with_budget`](super::RetryConfig::with_budget)
    /// has already clamped).
    pub(crate) fn new(config: BudgetConfig) -> Self {
        let (deposit_amount, withdraw_amount) = if config.retry_percent <= 0.0 {
            // Deposits earn nothing: retries come from the reserve only.
            (0, 1)
        } else if config.retry_percent <= 1.0 {
            (1, (1.0 / config.retry_percent) as isize)
        } else {
            (1000, (1000.0 / config.retry_percent) as isize)
        };
        let reserve = (config.min_per_sec as isize)
            .saturating_mul(config.ttl.as_secs() as isize)
            .saturating_mul(withdraw_amount);
        Self {
            generation: Mutex::new(Generation {
                index: 0,
                started: Instant::now(),
            }),
            pending: AtomicIsize::new(0),
            slots: [const { AtomicIsize::new(0) }; SLOTS],
            slot_length: config.ttl / SLOTS as u32,
            reserve,
            deposit_amount,
            withdraw_amount,
        }
    }

    /// Counts one call (see the [module docs](self) for when it is placed in the window).
    pub(crate) fn deposit(&self) {
        self.pending
            .fetch_add(self.deposit_amount, Ordering::Relaxed);
    }

    /// Takes one retry from the budget, if it has one.
    pub(crate) fn withdraw(&self) -> bool {
        let mut generation = self
            .generation
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        self.expire(&mut generation);
        let balance = self
            .slots
            .iter()
            .map(|slot| slot.load(Ordering::Relaxed))
            .fold(self.pending.load(Ordering::Relaxed), isize::saturating_add)
            .saturating_add(self.reserve);
        if balance >= self.withdraw_amount {
            self.pending
                .fetch_sub(self.withdraw_amount, Ordering::Relaxed);
            true
        } else {
            false
        }
    }

    /// Places the pending balance in the current slot and empties the slots whose time is over.
    fn expire(&self, generation: &mut Generation) {
        let now = Instant::now();
        let mut elapsed = now.saturating_duration_since(generation.started);
        if elapsed < self.slot_length {
            return;
        }
        let pending = self.pending.swap(0, Ordering::Relaxed);
        self.slots[generation.index].store(pending, Ordering::Relaxed);
        let mut index = (generation.index + 1) % SLOTS;
        while elapsed > self.slot_length {
            self.slots[index].store(0, Ordering::Relaxed);
            elapsed -= self.slot_length;
            index = (index + 1) % SLOTS;
        }
        generation.index = index;
        generation.started = now;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn budget(ttl_secs: u64, min_per_sec: u32, retry_percent: f32) -> RetryBudget {
        RetryBudget::new(BudgetConfig {
            ttl: Duration::from_secs(ttl_secs),
            min_per_sec,
            retry_percent,
        })
    }

    #[test]
    fn an_empty_budget_without_reserve_allows_no_retry() {
        assert!(!budget(1, 0, 1.0).withdraw());
    }

    #[test]
    fn the_reserve_allows_min_per_sec_times_ttl_retries() {
        let budget = budget(2, 3, 0.0);
        for _ in 0..6 {
            assert!(budget.withdraw());
        }
        assert!(!budget.withdraw());
    }

    #[test]
    fn each_call_deposited_earns_its_share_of_a_retry() {
        let budget = budget(10, 0, 0.5);
        budget.deposit();
        assert!(!budget.withdraw(), "one call earns half a retry");
        budget.deposit();
        assert!(budget.withdraw(), "two calls earn one");
        assert!(!budget.withdraw(), "and only one");
    }

    #[tokio::test(start_paused = true)]
    async fn deposits_older_than_the_window_no_longer_count() {
        let budget = budget(1, 0, 1.0);
        budget.deposit();
        tokio::time::advance(Duration::from_secs(3)).await;
        assert!(!budget.withdraw());
    }

    #[tokio::test(start_paused = true)]
    async fn deposits_still_count_within_the_window() {
        let budget = budget(1, 0, 0.5);
        budget.deposit();
        budget.deposit();
        tokio::time::advance(Duration::from_millis(900)).await;
        assert!(budget.withdraw());
    }

    #[tokio::test(start_paused = true)]
    async fn a_deposit_never_counts_for_longer_than_the_window() {
        // Deposited after a long quiet spell: placed in the slot of the last look, so it may stop
        // counting early, never late.
        let budget = budget(1, 0, 1.0);
        assert!(!budget.withdraw());
        tokio::time::advance(Duration::from_millis(500)).await;
        budget.deposit();
        tokio::time::advance(Duration::from_millis(1_100)).await;
        assert!(
            !budget.withdraw(),
            "1.1 s after the deposit, outside a 1 s window"
        );
    }
}
