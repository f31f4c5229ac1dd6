//! `POST /v1/webhooks/whop`: Whop's membership events evict that membership from the cache at
//! once, so a cancelled customer stops being refreshed (and a reset key can be bound again)
//! without waiting for the cache to expire.
//!
//! Verified with whop-webhooks (both of Whop's signature schemes; the timestamp checked against
//! the server's clock). Events that change access or the binding evict: v1 (Current and 2025
//! shapes) `membership.activated`, `deactivated`, `updated`, `cancel_at_period_end_changed`;
//! legacy `membership.went_valid`, `went_invalid`, `metadata_updated`,
//! `cancel_at_period_end_changed`. Others are acknowledged and ignored. Evicting twice is
//! harmless, so at-least-once redeliveries need no dedup.

use http::StatusCode;
use whop_webhooks::{Event, LegacyPayload, ReceiveError, V1Payload};

use crate::server::Inner;

impl Inner {
    /// The status to answer a delivery with (2xx: received; 4xx: refused).
    pub(crate) async fn webhook(&self, headers: &http::HeaderMap, body: &[u8]) -> StatusCode {
        let Some(verifier) = &self.webhooks else {
            return StatusCode::NOT_FOUND;
        };
        let delivery = match verifier.receive_at(headers, body, self.clock.now()) {
            Ok(delivery) => delivery,
            Err(ReceiveError::Verify(_)) => {
                self.metrics.webhook("refused");
                tracing::warn!("a webhook delivery failed verification");
                return StatusCode::UNAUTHORIZED;
            }
            Err(_) => {
                self.metrics.webhook("refused");
                tracing::warn!("a verified webhook delivery did not decode");
                return StatusCode::BAD_REQUEST;
            }
        };
        let Some(id) = evicting(&delivery.event) else {
            self.metrics.webhook("ignored");
            tracing::debug!(kind = delivery.event.kind(), "webhook ignored");
            return StatusCode::OK;
        };
        match self.cache.evict_changed(id, self.clock.now()).await {
            Ok(()) => {
                self.metrics.webhook("evicted");
                tracing::info!(
                    kind = delivery.event.kind(),
                    membership = id,
                    "webhook evicted a membership"
                );
                StatusCode::OK
            }
            Err(error) => {
                // Whop retries a failed delivery: worth it, the eviction did not happen.
                tracing::error!(%error, "webhook eviction failed");
                StatusCode::SERVICE_UNAVAILABLE
            }
        }
    }
}

/// The membership an event evicts, if it is one that changes access or the binding.
fn evicting(event: &Event) -> Option<&str> {
    let evicts = match event {
        Event::Current(event) => v1_evicts(&event.payload),
        Event::V1(event) => v1_evicts(&event.payload),
        Event::Legacy(event) => matches!(
            event.payload,
            LegacyPayload::MembershipWentValid(_)
                | LegacyPayload::MembershipWentInvalid(_)
                | LegacyPayload::MembershipMetadataUpdated(_)
                | LegacyPayload::MembershipCancelAtPeriodEndChanged(_)
        ),
        _ => false,
    };
    if evicts { event.membership_id() } else { None }
}

fn v1_evicts<M>(payload: &V1Payload<M>) -> bool {
    matches!(
        payload,
        V1Payload::MembershipActivated(_)
            | V1Payload::MembershipDeactivated(_)
            | V1Payload::MembershipUpdated(_)
            | V1Payload::MembershipCancelAtPeriodEndChanged(_)
    )
}
