//! The scheduler: when the next request of one window may go, as a pure function.

use std::collections::VecDeque;
use std::time::Duration;

use tokio::time::Instant;

use super::PacingLimit;

/// When a request may go, as decided by [`schedule`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Slot {
    /// Send at `at` (now, or later after a wait). `vacated`: the slot is one a cancelled waiter
    /// gave back, rather than a new one at the end of the queue.
    Take { at: Instant, vacated: bool },
    /// The slot would come at `at`, at or after the request's deadline: fail now, unsent.
    Refuse { at: Instant },
}

/// Decides when a request may be sent: the pure core of the in-memory store.
///
/// - `recent`: the times of the last (at most `limit.requests()`) slots taken, sent or reserved,
///   oldest first;
/// - `vacated`: the earliest slot a cancelled waiter gave back, if any;
/// - `spacing`: the limit's window plus the safety margin;
/// - `cooldown_until`: the end of a cooldown the server asked for (a 429), if any.
///
/// The rule: a given-back slot still in the future (and not inside the cooldown) is taken first
/// (its time already fits the limit). Otherwise, fewer than N slots ever taken means now; else
/// the new slot is one `spacing` after the N-th most recent one, or now if that is later; and
/// never before the cooldown ends. Slots are handed out in time order, so at most N fall in any
/// `spacing`. A slot after now that is at or after `deadline` is refused.
pub(crate) fn schedule(
    recent: &VecDeque<Instant>,
    vacated: Option<Instant>,
    limit: PacingLimit,
    spacing: Duration,
    now: Instant,
    cooldown_until: Option<Instant>,
    deadline: Option<Instant>,
) -> Slot {
    let earliest = cooldown_until.map_or(now, |until| until.max(now));
    let (at, vacated) = match vacated {
        Some(slot) if slot >= earliest => (slot, true),
        _ => {
            let n = limit.requests() as usize;
            let at = match recent.len().checked_sub(n).and_then(|i| recent.get(i)) {
                Some(&nth_latest) => (nth_latest + spacing).max(earliest),
                None => earliest,
            };
            (at, false)
        }
    };
    match deadline {
        Some(deadline) if at > now && at >= deadline => Slot::Refuse { at },
        _ => Slot::Take { at, vacated },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedule_fills_the_window_then_spaces_by_the_window_plus_margin() {
        let t0 = Instant::now();
        let ms = Duration::from_millis;
        let limit = PacingLimit::new(3, ms(1000));
        let spacing = ms(1100);
        let at = |offset: u64| t0 + ms(offset);
        let take = |offset: u64| Slot::Take {
            at: at(offset),
            vacated: false,
        };
        // (recent slots, vacated slot, now, deadline, expected), times in ms after t0.
        type Case = (Vec<u64>, Option<u64>, u64, Option<u64>, Slot);
        let cases: Vec<Case> = vec![
            // Room in the window: now.
            (vec![], None, 0, None, take(0)),
            (vec![0, 0], None, 5, None, take(5)),
            // Full: one spacing after the oldest of the last three.
            (vec![0, 0, 0], None, 5, None, take(1100)),
            (vec![0, 400, 800], None, 5, None, take(1100)),
            // The oldest has aged out: now.
            (vec![0, 400, 800], None, 1200, None, take(1200)),
            // Reservations in the future queue behind each other.
            (vec![1100, 1100, 1100], None, 10, None, take(2200)),
            // A given-back slot in the future is taken first, at its own time.
            (
                vec![1100, 1100, 1100],
                Some(1100),
                10,
                None,
                Slot::Take {
                    at: at(1100),
                    vacated: true,
                },
            ),
            // A given-back slot in the past is not used.
            (vec![0, 0, 0], Some(3), 5, None, take(1100)),
            // The deadline: before the slot -> refused; after it -> wait.
            (
                vec![0, 0, 0],
                None,
                5,
                Some(1000),
                Slot::Refuse { at: at(1100) },
            ),
            (
                vec![0, 0, 0],
                None,
                5,
                Some(1100),
                Slot::Refuse { at: at(1100) },
            ),
            (vec![0, 0, 0], None, 5, Some(1101), take(1100)),
            // Sending now is never refused, even at the deadline.
            (vec![0], None, 5, Some(5), take(5)),
        ];
        for (recent, vacated, now, deadline, expected) in cases {
            let recent_times: VecDeque<Instant> = recent.iter().map(|&o| at(o)).collect();
            let got = schedule(
                &recent_times,
                vacated.map(at),
                limit,
                spacing,
                at(now),
                None,
                deadline.map(at),
            );
            assert_eq!(
                got, expected,
                "recent {recent:?} vacated {vacated:?} now {now} deadline {deadline:?}"
            );
        }
    }

    #[test]
    fn schedule_holds_every_slot_until_the_cooldown_ends() {
        let t0 = Instant::now();
        let ms = Duration::from_millis;
        let limit = PacingLimit::new(3, ms(1000));
        let spacing = ms(1100);
        let at = |offset: u64| t0 + ms(offset);
        let take = |offset: u64, vacated: bool| Slot::Take {
            at: at(offset),
            vacated,
        };
        // (recent, vacated, now, cooldown until, deadline, expected), times in ms after t0.
        type Case = (Vec<u64>, Option<u64>, u64, Option<u64>, Option<u64>, Slot);
        let cases: Vec<Case> = vec![
            // An empty window still waits for the cooldown.
            (vec![], None, 0, Some(5000), None, take(5000, false)),
            // A cooldown already over changes nothing.
            (vec![], None, 6000, Some(5000), None, take(6000, false)),
            // The window's own next slot is later than the cooldown: the window wins.
            (vec![0, 0, 0], None, 5, Some(500), None, take(1100, false)),
            // A given-back slot inside the cooldown is not used.
            (
                vec![0, 0, 0],
                Some(1100),
                5,
                Some(3000),
                None,
                take(3000, false),
            ),
            (
                vec![0, 0, 0],
                Some(3500),
                5,
                Some(3000),
                None,
                take(3500, true),
            ),
            // A cooldown past the deadline is refused at once.
            (
                vec![],
                None,
                0,
                Some(60_000),
                Some(30_000),
                Slot::Refuse { at: at(60_000) },
            ),
        ];
        for (recent, vacated, now, until, deadline, expected) in cases {
            let recent_times: VecDeque<Instant> = recent.iter().map(|&o| at(o)).collect();
            let got = schedule(
                &recent_times,
                vacated.map(at),
                limit,
                spacing,
                at(now),
                until.map(at),
                deadline.map(at),
            );
            assert_eq!(
                got, expected,
                "recent {recent:?} vacated {vacated:?} now {now} until {until:?}"
            );
        }
    }
}
