//! Retrying: when a failed attempt is worth repeating, and how long to wait first.
//!
//! - [`decide`]: the pure decision (see its module for the rules), table-tested.
//! - [`RetryPolicy`]: the [`tower::retry::Policy`] that feeds it the clock, jitter and the budget.
//! - [`RetryConfig`]: attempts, full-jitter exponential backoff, the retry budget, and the bounds
//!   on `Retry-After`.
//! - [`RetryAfter`] / [`retry_after`]: parsing the header in both of its forms.
//!
//! A retryable status that persists past the last attempt is returned as `Ok(response)`; only
//! transport failures are errors.

mod config;
mod decision;
mod policy;
mod retry_after;

pub use config::RetryConfig;
pub use decision::{Decision, Outcome, ReturnReason, decide};
pub use policy::{Retry, RetryLayer, RetryPolicy};
pub use retry_after::{RetryAfter, retry_after};
