//! Retrying: when a failed attempt is worth repeating, and how long to wait first.
//!
//! The rules:
//! - a failure that provably happened before sending ([`ErrorKind::Connect`](crate::ErrorKind::Connect))
//!   is retried for any request: repeating it cannot duplicate an effect;
//! - 500, 502, 503 and 504, per-attempt timeouts and connections dropped after sending are retried
//!   only for retry-safe requests (GET, HEAD, an [`Endpoint`](crate::Endpoint) marked
//!   [`retry_safe`](crate::Endpoint::retry_safe), or a request carrying an `Idempotency-Key`,
//!   which the transport gives every v1 write: see [`is_retry_safe`](crate::is_retry_safe));
//! - 429 with a wait is retried for any request (the server refused it without acting), after
//!   exactly that wait; the wait is `Retry-After`, or for a v1 request without it, the one in
//!   the message (`"Try again in 12 seconds."`, see [`retry_after_in_message`]); a 429 without
//!   a wait is returned unless configured otherwise;
//! - a `Retry-After` longer than `max_retry_after`, or any wait that would not leave time before the
//!   deadline, returns the outcome instead of sleeping;
//! - everything else (2xx, 3xx, other 4xx, TLS failures, refused URLs, oversized bodies, pacing
//!   refusals and pacing store failures) is returned at once.
//!
//! The parts:
//! - `decision.rs`: those rules as a pure function, table-tested.
//! - [`RetryLayer`] / [`RetryPolicy`]: tower's [`Retry`](tower::retry::Retry) with a policy that
//!   feeds the decision the clock and jitter, keeps the copy of the request the next attempt
//!   sends, and asks tower's [`TpsBudget`](tower::retry::budget::TpsBudget) before each retry.
//! - [`RetryConfig`]: attempts, full-jitter exponential backoff, the retry budget, and the bounds
//!   on `Retry-After`.
//! - [`RetryAfter`] / [`retry_after`]: parsing the header in both of its forms;
//!   [`retry_after_in_message`]: the Current API's wait in its error message.
//!
//! A retryable status that persists past the last attempt is returned as `Ok(response)`; only
//! transport failures are errors.

mod config;
mod decision;
mod policy;
mod retry_after;

pub use config::RetryConfig;
pub(crate) use decision::{Decision, Outcome, decide};
pub use policy::{Retry, RetryFuture, RetryLayer, RetryPolicy};
pub use retry_after::{RetryAfter, requested_wait, retry_after, retry_after_in_message};
