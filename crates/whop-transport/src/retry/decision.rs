//! The retry decision, as a pure function of its inputs.
//!
//! [`decide`] knows nothing of clocks, randomness or budgets: it gets the attempt number, whether
//! the request is retry-safe, what happened, how much of the deadline remains and a jitter sample,
//! and says "retry after this long" or "return this outcome". The machinery in
//! [`Retry`](super::Retry) reads the clock, draws the jitter and asks the budget. That
//! split is what lets a table test pin every case. The rules are listed in the
//! [module docs](super).

use std::time::Duration;

use http::StatusCode;

use super::RetryConfig;
use crate::error::{ErrorKind, RequestSent};

/// What one attempt produced, as the decision needs it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// The server answered.
    Response {
        /// The status.
        status: StatusCode,
        /// The wait its `Retry-After` asks for (already resolved against the clock), if any.
        retry_after: Option<Duration>,
    },
    /// The attempt failed.
    Error {
        /// The kind of failure.
        kind: ErrorKind,
        /// Whether the request may have been sent.
        sent: RequestSent,
    },
}

/// What to do after an attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Decision {
    /// Sleep this long, then try again.
    Retry(Duration),
    /// Return the outcome to the caller, for this reason.
    Return(ReturnReason),
}

/// Why [`decide`] returned the outcome instead of retrying.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub(crate) enum ReturnReason {
    /// The outcome is final: a success, a status or an error that a retry cannot fix.
    Final,
    /// Retrying could help, but the request may have been sent and is not retry-safe.
    NotRetrySafe,
    /// A 429 without `Retry-After` (not retried by default, see the module docs).
    RateLimitedWithoutRetryAfter,
    /// The server asked to wait longer than `max_retry_after`.
    RetryAfterTooLong,
    /// The maximum number of attempts was reached.
    AttemptsExhausted,
    /// The wait would not leave time for another attempt before the deadline.
    DeadlineTooClose,
}

/// Decides whether to retry after attempt number `attempt` (1 for the first) of a request that is
/// `retry_safe`, which produced `outcome`, with `remaining` time before the deadline (`None`: no
/// deadline) and a `jitter` sample in `[0, 1)` (clamped; NaN counts as 0).
pub(crate) fn decide(
    config: &RetryConfig,
    attempt: u32,
    retry_safe: bool,
    outcome: Outcome,
    remaining: Option<Duration>,
    jitter: f64,
) -> Decision {
    let backoff = || full_jitter_backoff(config, attempt, jitter);
    let wait = match outcome {
        Outcome::Response {
            status,
            retry_after,
        } => match status.as_u16() {
            429 => match retry_after {
                Some(wait) if wait > config.max_retry_after => {
                    return Decision::Return(ReturnReason::RetryAfterTooLong);
                }
                Some(wait) => wait,
                None if config.retry_429_without_retry_after => backoff(),
                None => return Decision::Return(ReturnReason::RateLimitedWithoutRetryAfter),
            },
            500 | 502 | 503 | 504 => {
                if !retry_safe {
                    return Decision::Return(ReturnReason::NotRetrySafe);
                }
                match retry_after {
                    Some(wait) if wait > config.max_retry_after => {
                        return Decision::Return(ReturnReason::RetryAfterTooLong);
                    }
                    Some(wait) => wait,
                    None => backoff(),
                }
            }
            _ => return Decision::Return(ReturnReason::Final),
        },
        Outcome::Error { kind, sent } => match kind {
            ErrorKind::Connect if sent == RequestSent::NotSent => backoff(),
            ErrorKind::Connect
            | ErrorKind::Timeout
            | ErrorKind::ConnectionClosed
            | ErrorKind::Io
            | ErrorKind::Body => {
                if !retry_safe {
                    return Decision::Return(ReturnReason::NotRetrySafe);
                }
                backoff()
            }
            _ => return Decision::Return(ReturnReason::Final),
        },
    };
    if attempt >= config.max_attempts {
        return Decision::Return(ReturnReason::AttemptsExhausted);
    }
    if remaining.is_some_and(|remaining| wait >= remaining) {
        return Decision::Return(ReturnReason::DeadlineTooClose);
    }
    Decision::Retry(wait)
}

/// Full jitter (AWS's "exponential backoff and jitter"): a uniform share of
/// `min(max_delay, base_delay * 2^(attempt - 1))`.
fn full_jitter_backoff(config: &RetryConfig, attempt: u32, jitter: f64) -> Duration {
    let factor = 1u32
        .checked_shl(attempt.saturating_sub(1))
        .unwrap_or(u32::MAX);
    let ceiling = config
        .base_delay
        .saturating_mul(factor)
        .min(config.max_delay);
    let jitter = if jitter.is_nan() {
        0.0
    } else {
        jitter.clamp(0.0, 1.0)
    };
    // `Duration::mul_f64` panics when rounding pushes a huge product past `Duration::MAX`; the
    // fallible conversion cannot, and the result never exceeds the ceiling.
    Duration::try_from_secs_f64(ceiling.as_secs_f64() * jitter).map_or(ceiling, |d| d.min(ceiling))
}

#[cfg(test)]
mod tests {
    use super::*;
    use Decision::{Retry, Return};
    use ErrorKind as K;
    use RequestSent::{MaybeSent, NotSent};
    use ReturnReason as R;

    const S: Duration = Duration::from_secs(1);

    fn status(code: u16, retry_after: Option<Duration>) -> Outcome {
        Outcome::Response {
            status: StatusCode::from_u16(code).expect("valid status"),
            retry_after,
        }
    }

    fn error(kind: ErrorKind, sent: RequestSent) -> Outcome {
        Outcome::Error { kind, sent }
    }

    fn config() -> RetryConfig {
        RetryConfig::default()
            .with_max_attempts(3)
            .with_base_delay(Duration::from_millis(100))
            .with_max_delay(Duration::from_millis(400))
            .with_max_retry_after(Duration::from_secs(10))
    }

    /// (name, config, attempt, retry_safe, outcome, remaining, jitter, expected)
    type Case<'a> = (
        &'a str,
        &'a RetryConfig,
        u32,
        bool,
        Outcome,
        Option<Duration>,
        f64,
        Decision,
    );

    #[test]
    fn retry_decision_table() {
        let ms = Duration::from_millis;
        let cfg = config();
        let cfg_429 = config().with_retry_429_without_retry_after(true);
        let disabled = RetryConfig::disabled();
        #[rustfmt::skip]
        let table: Vec<Case<'_>> = vec![
            ("200 is final", &cfg, 1, true, status(200, None), None, 0.5, Return(R::Final)),
            ("201 is final", &cfg, 1, false, status(201, None), None, 0.5, Return(R::Final)),
            ("301 is returned, not followed", &cfg, 1, true, status(301, None), None, 0.5, Return(R::Final)),
            ("404 is final", &cfg, 1, true, status(404, None), None, 0.5, Return(R::Final)),
            ("501 is final", &cfg, 1, true, status(501, None), None, 0.5, Return(R::Final)),
            ("503 safe: backoff with jitter", &cfg, 1, true, status(503, None), None, 0.5, Retry(ms(50))),
            ("500 safe retried", &cfg, 1, true, status(500, None), None, 1.0, Retry(ms(100))),
            ("502 safe retried", &cfg, 1, true, status(502, None), None, 0.0, Retry(ms(0))),
            ("504 safe retried", &cfg, 1, true, status(504, None), None, 0.5, Retry(ms(50))),
            ("backoff doubles", &cfg, 2, true, status(503, None), None, 1.0, Retry(ms(200))),
            ("beyond max attempts returns", &cfg_429, 5, true, status(503, None), None, 1.0, Return(R::AttemptsExhausted)),
            ("503 not safe: one attempt", &cfg, 1, false, status(503, None), None, 0.5, Return(R::NotRetrySafe)),
            ("503 honours Retry-After", &cfg, 1, true, status(503, Some(2 * S)), None, 0.5, Retry(2 * S)),
            ("503 long Retry-After returns", &cfg, 1, true, status(503, Some(11 * S)), None, 0.5, Return(R::RetryAfterTooLong)),
            ("503 on the last attempt returns", &cfg, 3, true, status(503, None), None, 0.5, Return(R::AttemptsExhausted)),
            ("429 with Retry-After waits it", &cfg, 1, false, status(429, Some(S)), None, 0.5, Retry(S)),
            ("429 Retry-After 0 retries at once", &cfg, 1, true, status(429, Some(Duration::ZERO)), None, 0.5, Retry(Duration::ZERO)),
            ("429 long Retry-After returns", &cfg, 1, true, status(429, Some(60 * S)), None, 0.5, Return(R::RetryAfterTooLong)),
            ("429 absurd Retry-After returns", &cfg, 1, true, status(429, Some(Duration::MAX)), None, 0.5, Return(R::RetryAfterTooLong)),
            ("429 without Retry-After returns", &cfg, 1, true, status(429, None), None, 0.5, Return(R::RateLimitedWithoutRetryAfter)),
            ("429 without Retry-After, opted in", &cfg_429, 1, false, status(429, None), None, 0.5, Retry(ms(50))),
            ("429 Retry-After past deadline", &cfg, 1, true, status(429, Some(2 * S)), Some(S), 0.5, Return(R::DeadlineTooClose)),
            ("429 on the last attempt", &cfg, 3, true, status(429, Some(S)), None, 0.5, Return(R::AttemptsExhausted)),
            ("connect refused, POST: retried", &cfg, 1, false, error(K::Connect, NotSent), None, 1.0, Retry(ms(100))),
            ("connect refused, last attempt", &cfg, 3, false, error(K::Connect, NotSent), None, 1.0, Return(R::AttemptsExhausted)),
            ("timeout safe: retried", &cfg, 1, true, error(K::Timeout, MaybeSent), None, 1.0, Retry(ms(100))),
            ("timeout not safe: returned", &cfg, 1, false, error(K::Timeout, MaybeSent), None, 1.0, Return(R::NotRetrySafe)),
            ("dropped after send, safe", &cfg, 2, true, error(K::ConnectionClosed, MaybeSent), None, 0.5, Retry(ms(100))),
            ("dropped after send, not safe", &cfg, 1, false, error(K::ConnectionClosed, MaybeSent), None, 0.5, Return(R::NotRetrySafe)),
            ("io error, safe", &cfg, 1, true, error(K::Io, MaybeSent), None, 0.5, Retry(ms(50))),
            ("body read failed, not safe", &cfg, 1, false, error(K::Body, MaybeSent), None, 0.5, Return(R::NotRetrySafe)),
            ("TLS failure is final", &cfg, 1, true, error(K::Tls, NotSent), None, 0.5, Return(R::Final)),
            ("refused URL is final", &cfg, 1, true, error(K::InvalidRequest, NotSent), None, 0.5, Return(R::Final)),
            ("body too large is final", &cfg, 1, true, error(K::BodyTooLarge { limit: 1 }, MaybeSent), None, 0.5, Return(R::Final)),
            ("deadline exceeded is final", &cfg, 1, true, error(K::DeadlineExceeded, MaybeSent), None, 0.5, Return(R::Final)),
            ("other is final", &cfg, 1, true, error(K::Other, MaybeSent), None, 0.5, Return(R::Final)),
            ("pacing past the deadline is final", &cfg, 1, true, error(K::RateLimitedLocally, NotSent), None, 0.5, Return(R::Final)),
            ("pacing store failure is final", &cfg, 1, true, error(K::PacingUnavailable, NotSent), None, 0.5, Return(R::Final)),
            ("backoff fits the deadline", &cfg, 1, true, status(503, None), Some(S), 1.0, Retry(ms(100))),
            ("backoff past the deadline", &cfg, 1, true, status(503, None), Some(ms(99)), 1.0, Return(R::DeadlineTooClose)),
            ("no time left", &cfg, 1, false, error(K::Connect, NotSent), Some(Duration::ZERO), 0.0, Return(R::DeadlineTooClose)),
            ("disabled: connect not retried", &disabled, 1, true, error(K::Connect, NotSent), None, 0.5, Return(R::AttemptsExhausted)),
            ("disabled: 503 not retried", &disabled, 1, true, status(503, None), None, 0.5, Return(R::AttemptsExhausted)),
            ("jitter NaN counts as zero", &cfg, 1, true, status(503, None), None, f64::NAN, Retry(ms(0))),
            ("jitter above 1 is clamped", &cfg, 1, true, status(503, None), None, 7.0, Retry(ms(100))),
        ];
        for (name, config, attempt, safe, outcome, remaining, jitter, expected) in table {
            assert_eq!(
                decide(config, attempt, safe, outcome, remaining, jitter),
                expected,
                "{name}"
            );
        }
    }

    #[test]
    fn backoff_is_capped_and_never_overflows() {
        let cfg = config().with_max_attempts(u32::MAX);
        for attempt in [3, 4, 31, 32, 33, 1000, u32::MAX - 1] {
            assert_eq!(
                decide(&cfg, attempt, true, status(503, None), None, 1.0),
                Retry(Duration::from_millis(400)),
                "attempt {attempt}"
            );
        }
        let huge = config()
            .with_max_attempts(u32::MAX)
            .with_base_delay(Duration::MAX)
            .with_max_delay(Duration::MAX);
        assert_eq!(
            decide(&huge, 40, true, status(503, None), None, 0.0),
            Retry(Duration::ZERO)
        );
        assert!(matches!(
            decide(&huge, 40, true, status(503, None), None, 1.0),
            Retry(_)
        ));
    }
}
