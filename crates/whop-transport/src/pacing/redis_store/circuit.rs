//! When to ask Redis, and when not to bother: a small circuit breaker, as pure decisions.
//!
//! Healthy, every operation goes to Redis. After a failure the circuit opens: operations go to the
//! fallback at once (no call waits for a connect timeout while Redis is down), and one operation
//! every `retry_every` probes Redis. The first success closes it again.

use std::time::Duration;

use tokio::time::Instant;

/// Where one operation goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Route {
    /// To Redis (healthy, or this operation is the probe).
    Redis,
    /// To the fallback: Redis failed recently.
    Fallback,
}

/// What a result changed, for the log: said once per outage, not once per call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Change {
    /// Nothing new.
    None,
    /// Redis was healthy and has just failed.
    WentDown,
    /// Redis was down and has just answered.
    CameBack,
}

#[derive(Debug)]
pub(super) struct Circuit {
    retry_every: Duration,
    /// `Some`: down, and the next probe may go at this instant.
    down_until: Option<Instant>,
}

impl Circuit {
    pub(super) fn new(retry_every: Duration) -> Self {
        Self {
            retry_every,
            down_until: None,
        }
    }

    /// Where an operation starting at `now` goes. A probe moves the next one `retry_every` on,
    /// so only one operation at a time waits on a Redis that may be down.
    pub(super) fn route(&mut self, now: Instant) -> Route {
        match self.down_until {
            None => Route::Redis,
            Some(retry_at) if now >= retry_at => {
                self.down_until = Some(now + self.retry_every);
                Route::Redis
            }
            Some(_) => Route::Fallback,
        }
    }

    /// Whether Redis is thought to be down.
    pub(super) fn is_down(&self) -> bool {
        self.down_until.is_some()
    }

    /// An operation sent to Redis failed at `now`.
    pub(super) fn failed(&mut self, now: Instant) -> Change {
        let change = if self.down_until.is_none() {
            Change::WentDown
        } else {
            Change::None
        };
        self.down_until = Some(now + self.retry_every);
        change
    }

    /// An operation sent to Redis succeeded.
    pub(super) fn succeeded(&mut self) -> Change {
        match self.down_until.take() {
            Some(_) => Change::CameBack,
            None => Change::None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn after_a_failure_redis_is_probed_once_per_interval_until_it_answers() {
        let t0 = Instant::now();
        let ms = Duration::from_millis;
        let mut circuit = Circuit::new(ms(500));
        assert_eq!(circuit.route(t0), Route::Redis);
        assert_eq!(circuit.failed(t0), Change::WentDown);
        // Concurrent failures of the same outage say nothing new.
        assert_eq!(circuit.failed(t0 + ms(1)), Change::None);
        assert!(circuit.is_down());
        // (time after t0 in ms, expected route): one probe per interval, the rest fall back.
        let steps = [
            (10, Route::Fallback),
            (400, Route::Fallback),
            (501, Route::Redis),
            (502, Route::Fallback),
            (900, Route::Fallback),
            (1001, Route::Redis),
        ];
        for (offset, expected) in steps {
            assert_eq!(circuit.route(t0 + ms(offset)), expected, "at {offset} ms");
        }
        // The probe fails: the next one is an interval after the failure.
        assert_eq!(circuit.failed(t0 + ms(1100)), Change::None);
        assert_eq!(circuit.route(t0 + ms(1599)), Route::Fallback);
        assert_eq!(circuit.route(t0 + ms(1600)), Route::Redis);
        // It succeeds: healthy again, every operation goes to Redis.
        assert_eq!(circuit.succeeded(), Change::CameBack);
        assert_eq!(circuit.succeeded(), Change::None);
        assert!(!circuit.is_down());
        assert_eq!(circuit.route(t0 + ms(1601)), Route::Redis);
    }
}
