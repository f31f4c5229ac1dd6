//! The server's two reads of Whop, their outcomes typed for the decisions that follow.
//!
//! - binding: `whop_client::Client::validate_license` (read, bind if unbound, re-read), run
//!   under the key's [`Store::lock`](crate::store::Store::lock), never answered from cache;
//! - refresh: `client.membership(id)`.
//!
//! A failure that says nothing about the license (Whop's 429 or 5xx, a timeout, no connection)
//! is [`Fetched::Unavailable`]: the caller falls back on the last good state (grace) or answers
//! `try_later`. Anything else (our API key refused, a body that did not decode) is
//! [`Fetched::Failed`]: `internal`.

use std::time::{Duration, SystemTime};

use whop_client::{Client, Error, LicenseBinding};

use crate::cache::MembershipState;
use crate::metrics::Metrics;

/// What a read of Whop found.
#[derive(Debug, Clone)]
pub(crate) enum Fetched {
    /// The membership as it is now.
    Found(MembershipState),
    /// No membership has this key (or ID).
    NotFound,
    /// Whop could not answer; try again after `retry_after` when it said.
    Unavailable { retry_after: Option<Duration> },
    /// A failure that retrying will not fix (logged where it happened).
    Failed,
}

/// Binds `license_key` to `hardware_id` if it is unbound (see `Client::validate_license`), and
/// returns the membership as it is after that.
pub(crate) async fn validate(
    client: &Client,
    metrics: &Metrics,
    license_key: &str,
    hardware_id: &str,
    now: SystemTime,
) -> Fetched {
    metrics.whop_call("validate_license");
    match client.validate_license(license_key, hardware_id).await {
        Ok(LicenseBinding::NotFound) => Fetched::NotFound,
        Ok(binding) => match binding.membership() {
            Some(membership) => Fetched::Found(MembershipState::of(membership, now)),
            None => Fetched::NotFound,
        },
        Err(error) => classify(&error, metrics, "validate_license"),
    }
}

/// Reads membership `id`.
pub(crate) async fn read(client: &Client, metrics: &Metrics, id: &str, now: SystemTime) -> Fetched {
    metrics.whop_call("membership");
    match client.membership(id).optional().await {
        Ok(Some(membership)) => Fetched::Found(MembershipState::of(&membership, now)),
        Ok(None) => Fetched::NotFound,
        Err(error) => classify(&error, metrics, "membership"),
    }
}

pub(crate) fn classify(error: &Error, metrics: &Metrics, operation: &'static str) -> Fetched {
    // Refused before sending: a key no membership can have (`.`, `..`: not a path segment).
    if matches!(error, Error::InvalidInput(_)) {
        return Fetched::NotFound;
    }
    let status = error.status().map(|s| s.as_u16());
    if error.is_rate_limited() {
        metrics.whop_rate_limited();
    }
    let transient = error.is_rate_limited()
        || error.is_timeout()
        || matches!(error, Error::Transport(_) | Error::Unconfirmed(_))
        || status.is_some_and(|s| s >= 500);
    // The client's errors redact credentials, but a license key is a path segment of these
    // requests: log the kind and status only, never the error's text.
    if transient {
        tracing::warn!(
            operation,
            status,
            rate_limited = error.is_rate_limited(),
            "Whop unavailable"
        );
        Fetched::Unavailable {
            retry_after: error.retry_after(),
        }
    } else {
        tracing::error!(operation, status, "Whop read failed");
        Fetched::Failed
    }
}
