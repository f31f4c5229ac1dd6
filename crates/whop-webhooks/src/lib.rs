//! Verify Whop's webhook signatures and decode its membership events, typed.
//!
//! Pure: no async runtime, no HTTP stack. Give it the headers (`http::HeaderMap`) and the
//! **raw body bytes** your server received; it tells you whether Whop signed them and what
//! happened.
//!
//! - [`Verifier`] checks both of Whop's schemes, detected from the headers or chosen: the legacy
//!   `X-Whop-Signature: t=<unix>,v1=<hex>` (API versions v2 and v5) and Standard Webhooks'
//!   `webhook-id` / `webhook-timestamp` / `webhook-signature` (API version v1). HMAC-SHA256,
//!   constant-time comparison, a timestamp tolerance in both directions (300 s by default), and
//!   [`Verifier::verify_at`] for tests.
//! - [`Secret`] turns the secret into the key each scheme uses. **Whop's `ws_…` secrets are used
//!   as their raw bytes**, while Standard Webhooks libraries base64-decode a `whsec_…` secret; see
//!   [`Secret`] for the pitfall this avoids.
//! - [`Event`] decodes every envelope Whop sends (the table on [`Event`] says which decodes to
//!   what): legacy (webhooks created through v2/v5, which keep sending it)
//!   `membership.went_valid` / `went_invalid` / `metadata_updated` /
//!   `cancel_at_period_end_changed` into the v2 [`Membership`]; v1 `membership.activated` /
//!   `deactivated` / `updated` / `cancel_at_period_end_changed` / `trial_ending_soon` into the
//!   2025 Legacy [`V1Membership`] when the webhook is unpinned (or pinned up to
//!   [`LAST_LEGACY_SHAPE_DATE`]), and into the Current API's [`v1::Membership`] when it is
//!   pinned to a recent `api_version_date` such as `2026-09-15` ([`Event::Current`]); any other
//!   event into `Unknown { kind, data }`, never an error.
//! - [`SeenSet`] remembers recent [`Verified::dedup_key`]s, because deliveries are at least
//!   once: the `webhook-id` of a v1 delivery, the SHA-256 of a legacy body.
//! - [`sign_legacy`], [`sign_standard`] and [`signed_headers`] sign a body, to test a receiver.
//!
//! Every failure is a typed error ([`VerifyError`], [`EventError`], [`SecretError`]); no input
//! makes this crate panic.
//!
//! # Example
//!
//! ```
//! use http::HeaderMap;
//! use whop_webhooks::{Event, LegacyPayload, ReceiveError, Secret, SeenIds, SeenSet, V1Payload, Verifier};
//!
//! /// What a receiver answers: 2xx for "got it" (even for events it ignores), 4xx to refuse.
//! fn handle(verifier: &Verifier, seen: &SeenSet, headers: &HeaderMap, body: &[u8]) -> u16 {
//!     let delivery = match verifier.receive(headers, body) {
//!         Ok(delivery) => delivery,
//!         Err(ReceiveError::Verify(_)) => return 401, // not from Whop (or not this secret)
//!         Err(_) => return 400,                       // from Whop, but not an event we can read
//!     };
//!     if seen.first_sighting_of(&delivery.verified) == Ok(false) {
//!         return 200; // a retry of an event already handled
//!     }
//!     match &delivery.event {
//!         Event::Current(event) => match &event.payload {
//!             V1Payload::MembershipDeactivated(m) => println!("revoke {}", m.id),
//!             V1Payload::MembershipActivated(m) => println!("grant {}", m.id),
//!             _ => {}
//!         },
//!         Event::V1(event) => match &event.payload {
//!             V1Payload::MembershipDeactivated(m) => println!("revoke {}", m.id),
//!             V1Payload::MembershipActivated(m) => println!("grant {}", m.id),
//!             _ => {}
//!         },
//!         Event::Legacy(event) => match &event.payload {
//!             LegacyPayload::MembershipWentInvalid(m) => println!("revoke {}", m.id),
//!             _ => {}
//!         },
//!         _ => {}
//!     }
//!     200
//! }
//!
//! let verifier = Verifier::new(Secret::new("ws_from_the_dashboard")?);
//! let seen = SeenSet::new(10_000, std::time::Duration::from_secs(600));
//! assert_eq!(handle(&verifier, &seen, &HeaderMap::new(), b"{}"), 401);
//! # Ok::<(), whop_webhooks::SecretError>(())
//! ```
//!
//! # Features
//!
//! - `proptest`: exports the `strategy` module, proptest strategies for the event types.
//!
//! [`Membership`]: whop_models::Membership
//! [`V1Membership`]: whop_models::V1Membership
//! [`v1::Membership`]: whop_models::v1::Membership

#![cfg_attr(docsrs, feature(doc_cfg))]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod dedup;
mod error;
mod event;
mod mac;
mod secret;
mod sign;
mod verify;

#[cfg(any(test, feature = "proptest"))]
pub mod strategy;

pub use dedup::{SeenIds, SeenSet};
pub use error::{ReceiveError, SignatureProblem, VerifyError};
pub use event::{
    CurrentEvent, CurrentPayload, Event, EventError, LAST_LEGACY_SHAPE_DATE, LegacyEvent,
    LegacyPayload, ObjectKey, V1Event, V1Payload,
};
pub use secret::{STANDARD_SECRET_PREFIX, Secret, SecretError};
pub use sign::{SignError, sign_legacy, sign_standard, signed_headers};
pub use verify::{
    Delivery, LEGACY_SIGNATURE, MAX_ID_LEN, MAX_SIGNATURE_HEADER_LEN, MAX_TIMESTAMP_LEN, Scheme,
    Verified, Verifier, WEBHOOK_ID, WEBHOOK_SIGNATURE, WEBHOOK_TIMESTAMP,
};

// The crate README (shown on crates.io) is run as a doctest, so it cannot rot.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
