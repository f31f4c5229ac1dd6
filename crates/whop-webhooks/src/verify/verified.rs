//! What a verified delivery is: [`Verified`] (what its headers said, and its de-duplication
//! key) and [`Delivery`] (that, with its decoded event).

use sha2::{Digest, Sha256};

use super::Scheme;
use crate::event::Event;
use crate::mac;

/// What a verified delivery's headers said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    scheme: Scheme,
    timestamp: u64,
    webhook_id: Option<String>,
    dedup_key: String,
}

/// The prefix of a legacy delivery's [`Verified::dedup_key`], so that it never equals a
/// `webhook-id`.
const LEGACY_KEY_PREFIX: &str = "legacy-sha256:";

impl Verified {
    pub(crate) fn legacy(timestamp: u64, body: &[u8]) -> Self {
        Self {
            scheme: Scheme::Legacy,
            timestamp,
            webhook_id: None,
            dedup_key: format!("{LEGACY_KEY_PREFIX}{}", mac::to_hex(&Sha256::digest(body))),
        }
    }

    pub(crate) fn standard(timestamp: u64, webhook_id: &str) -> Self {
        Self {
            scheme: Scheme::Standard,
            timestamp,
            webhook_id: Some(webhook_id.to_owned()),
            dedup_key: webhook_id.to_owned(),
        }
    }

    /// The scheme it was signed with.
    pub fn scheme(&self) -> Scheme {
        self.scheme
    }

    /// The signed timestamp, in seconds since the Unix epoch (the time of this delivery
    /// attempt, not of the event).
    pub fn timestamp(&self) -> u64 {
        self.timestamp
    }

    /// The `webhook-id` (Standard Webhooks only): the same on every retry of one event. Legacy
    /// deliveries have none; to de-duplicate either, use [`dedup_key`](Self::dedup_key).
    pub fn webhook_id(&self) -> Option<&str> {
        self.webhook_id.as_deref()
    }

    /// The key that is the same on every delivery of one event, to de-duplicate on (see
    /// [`SeenSet`](crate::SeenSet)):
    ///
    /// - **Standard Webhooks**: the `webhook-id`, which Whop keeps on every retry of one event
    ///   and never gives another event.
    /// - **Legacy**: `legacy-sha256:` and the SHA-256 of the raw body, in hex. A legacy
    ///   delivery carries no event ID, and its signed timestamp changes on every attempt; its
    ///   body is what stays the same when an event is sent again. Everything else was
    ///   considered and refused: the action and the membership ID alone make a cancel and an
    ///   undo of it one event; the body holds no event time to add to them.
    ///
    /// The legacy key's limits, both because a legacy body carries no event identity:
    /// - Two events whose bodies are byte for byte the same share a key: the same action on
    ///   the same membership in the same state, such as a license key bound to machine A,
    ///   reset, and bound to A again while the first key is remembered. The second binding is
    ///   taken for a repeat and not handled. Remember legacy keys no longer than the retries
    ///   you need to catch, or move to v1 webhooks, whose `webhook-id` has no such limit.
    /// - A retry whose body Whop rendered again, differently, is a new key, so it is handled
    ///   twice: handlers must be idempotent anyway.
    pub fn dedup_key(&self) -> &str {
        &self.dedup_key
    }
}

/// A verified and decoded delivery, from [`Verifier::receive`](super::Verifier::receive).
#[derive(Debug, Clone, PartialEq)]
pub struct Delivery {
    /// What the headers said.
    pub verified: Verified,
    /// The event in the body.
    pub event: Event,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_legacy_key_is_the_prefixed_sha256_of_the_body() {
        // SHA-256("abc"), FIPS 180-2 appendix B.1.
        assert_eq!(
            Verified::legacy(1, b"abc").dedup_key(),
            "legacy-sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn a_standard_key_is_the_webhook_id() {
        assert_eq!(Verified::standard(1, "msg_1").dedup_key(), "msg_1");
    }
}
