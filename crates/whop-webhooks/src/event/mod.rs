//! [`Event`]: the body of a delivery, decoded into typed membership events.

use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{Map, Value};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use whop_models::CompanyId;

mod encode;
mod error;
mod legacy;
mod v1;

pub use error::EventError;
pub use legacy::{LegacyEvent, LegacyPayload, ObjectKey};
pub use v1::{LAST_LEGACY_SHAPE_DATE, V1Event, V1Payload};
use v1::{Shape, V1Envelope};

/// A v1 event at a recent `api_version_date`, its membership the Current API's
/// [`whop_models::v1::Membership`].
pub type CurrentEvent = V1Event<whop_models::v1::Membership>;

/// What a [`CurrentEvent`] says happened.
pub type CurrentPayload = V1Payload<whop_models::v1::Membership>;

/// The body of a delivery, in any of Whop's envelopes.
///
/// | envelope | `data` | variant | typed events |
/// | --- | --- | --- | --- |
/// | legacy (API v2/v5): `{"action", "data" \| "body"}` | v2 [`Membership`] | [`Event::Legacy`] | `membership.went_valid`, `went_invalid`, `metadata_updated`, `cancel_at_period_end_changed` |
/// | v1 (Standard Webhooks), unpinned or pinned up to [`LAST_LEGACY_SHAPE_DATE`] | 2025 Legacy [`V1Membership`] | [`Event::V1`] | `membership.activated`, `deactivated`, `updated`, `cancel_at_period_end_changed`, `trial_ending_soon` |
/// | v1, pinned to a later date (e.g. `2026-09-15`) | Current API [`v1::Membership`] | [`Event::Current`] | the same five |
///
/// - **Legacy** (webhooks created through API v2 or v5, which keep sending this format):
///   `{"action": "membership.went_valid", "data": {...}}`. Whop's v2 event examples put the
///   object under `"body"` instead of `"data"`; both are accepted (and
///   [`LegacyEvent::object_key`] remembers which). App webhooks add `"company"`, v5 bodies an
///   `"api_version"`.
/// - **v1** (Standard Webhooks): `{"id", "api_version", "api_version_date", "timestamp",
///   "type", "data", "company_id" | "account_id", "previous_attributes"}`. The membership in
///   `data` has the shape of the webhook's pinned `api_version_date`, like the API's answers:
///   - no `api_version_date` (absent or `null`: the 2025-01-01 behaviour), or a date up to
///     [`LAST_LEGACY_SHAPE_DATE`]: the 2025 Legacy shape, [`Event::V1`];
///   - a later date: Whop has not documented the date at which membership events switched
///     shape (it lies between 2026-07-20, the last date seen with the Legacy shape, and
///     2026-09-15, the pin of Whop's Rust SDK whose `Membership` is the new one), so the data
///     decides: a `company` (not `null`) and no `account` is the Legacy shape ([`Event::V1`]),
///     anything else the Current API's ([`Event::Current`]). A value that is not a date is read
///     as a later one.
///
/// A body with `action` is legacy, one with `type` is v1. Every other event type is kept as
/// `Unknown { kind, data }` with its data as raw JSON: Whop adds event types, and a receiver
/// must acknowledge those it does not handle rather than fail (Whop would retry them). Event
/// names are also accepted with an underscore after `membership` (`membership_went_valid`, the
/// spelling Whop uses when registering a webhook), and mean the same event.
///
/// [`Membership`]: whop_models::Membership
/// [`V1Membership`]: whop_models::V1Membership
/// [`v1::Membership`]: whop_models::v1::Membership
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Event {
    /// A legacy (v2/v5) envelope: `{"action", "data" | "body"}`.
    Legacy(LegacyEvent),
    /// A v1 (Standard Webhooks) envelope whose membership has the 2025 Legacy shape
    /// ([`whop_models::V1Membership`]).
    V1(V1Event),
    /// A v1 (Standard Webhooks) envelope whose membership is the Current API's
    /// ([`whop_models::v1::Membership`]).
    Current(CurrentEvent),
}

/// `membership_went_valid` (the registration spelling) reads as `membership.went_valid`.
fn normalized(kind: &str) -> std::borrow::Cow<'_, str> {
    match kind.strip_prefix("membership_") {
        Some(rest) => format!("membership.{rest}").into(),
        None => kind.into(),
    }
}

fn typed_data<T: serde::de::DeserializeOwned>(
    kind: &str,
    data: Option<&RawValue>,
) -> Result<T, EventError> {
    let Some(data) = data.filter(|raw| raw.get() != "null") else {
        return Err(EventError::NotAnEnvelope {
            reason: format!("a `{kind}` event has no object"),
        });
    };
    whop_models::decode(data.get().as_bytes()).map_err(|error| EventError::Data {
        kind: kind.to_owned(),
        error,
    })
}

fn raw_data(data: Option<&RawValue>) -> Result<Value, EventError> {
    data.map_or(Ok(Value::Null), |raw| {
        serde_json::from_str(raw.get()).map_err(|e| EventError::NotAnEnvelope {
            reason: format!("its data is not JSON: {e}"),
        })
    })
}

/// The envelope as it arrives, before the event type is looked at.
#[derive(Deserialize)]
struct RawEnvelope<'a> {
    action: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
    #[serde(borrow, default, deserialize_with = "present")]
    data: Option<&'a RawValue>,
    #[serde(borrow, default, deserialize_with = "present")]
    body: Option<&'a RawValue>,
    company: Option<String>,
    api_version: Option<String>,
    id: Option<String>,
    timestamp: Option<String>,
    company_id: Option<CompanyId>,
    account_id: Option<CompanyId>,
    api_version_date: Option<String>,
    previous_attributes: Option<Map<String, Value>>,
}

/// A key that is present, even as `null` (which `Option` alone would read as absent): a legacy
/// envelope must remember whether its object came under `data` or `body`.
fn present<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<&'de RawValue>, D::Error> {
    <&RawValue>::deserialize(deserializer).map(Some)
}

impl Event {
    /// Decodes a delivery's body. Verify the signature first
    /// ([`Verifier::receive`](crate::Verifier::receive) does both).
    ///
    /// ```
    /// use whop_webhooks::{Event, LegacyPayload};
    ///
    /// let body = br#"{"action":"membership.went_invalid","body":{"id":"mem_1","valid":false}}"#;
    /// let Event::Legacy(event) = Event::decode(body)? else { unreachable!() };
    /// let LegacyPayload::MembershipWentInvalid(membership) = event.payload else { unreachable!() };
    /// assert!(!membership.is_valid());
    ///
    /// // A v1 webhook pinned to a recent version: the Current API's membership.
    /// let body = br#"{"type":"membership.updated","api_version_date":"2026-09-15","account_id":"biz_1",
    ///     "data":{"id":"mem_1","account":{"id":"biz_1"},"status":"canceling"},
    ///     "previous_attributes":{"status":"active"}}"#;
    /// let Event::Current(event) = Event::decode(body)? else { unreachable!() };
    /// assert_eq!(event.business_id().unwrap().as_str(), "biz_1");
    /// assert_eq!(event.previous_attributes.unwrap()["status"], "active");
    ///
    /// // An event type this crate does not know is not an error.
    /// let body = br#"{"action":"payment.succeeded","data":{"id":"pay_1"}}"#;
    /// assert_eq!(Event::decode(body)?.kind(), "payment.succeeded");
    /// # Ok::<(), whop_webhooks::EventError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// - [`EventError::NotJson`]: the body is not JSON.
    /// - [`EventError::NotAnEnvelope`]: it is JSON but not a Whop envelope (no `action` or
    ///   `type`, fields of the wrong type, a typed event without its object, a `timestamp` that
    ///   is not RFC 3339, `previous_attributes` that is not an object).
    /// - [`EventError::Data`]: a typed event whose object does not decode; the error says
    ///   where.
    pub fn decode(body: &[u8]) -> Result<Self, EventError> {
        let raw: RawEnvelope<'_> = serde_json::from_slice(body).map_err(|e| {
            if e.is_syntax() || e.is_eof() {
                EventError::NotJson {
                    reason: e.to_string(),
                }
            } else {
                EventError::NotAnEnvelope {
                    reason: e.to_string(),
                }
            }
        })?;
        if let Some(action) = &raw.action {
            let (object_key, object) = match (raw.data, raw.body) {
                (Some(data), _) => (ObjectKey::Data, Some(data)),
                (None, Some(body)) => (ObjectKey::Body, Some(body)),
                (None, None) => (ObjectKey::Data, None),
            };
            return Ok(Self::Legacy(LegacyEvent {
                payload: LegacyPayload::decode(action, object)?,
                company: raw.company,
                api_version: raw.api_version,
                object_key,
            }));
        }
        if let Some(kind) = &raw.kind {
            let timestamp = match &raw.timestamp {
                None => None,
                Some(text) => Some(OffsetDateTime::parse(text, &Rfc3339).map_err(|_| {
                    EventError::NotAnEnvelope {
                        reason: "its `timestamp` is not an RFC 3339 date-time".to_owned(),
                    }
                })?),
            };
            let envelope = V1Envelope {
                id: raw.id,
                api_version: raw.api_version,
                api_version_date: raw.api_version_date,
                timestamp,
                company_id: raw.company_id,
                account_id: raw.account_id,
                previous_attributes: raw.previous_attributes,
            };
            return Ok(
                match Shape::of(envelope.api_version_date.as_deref(), raw.data) {
                    Shape::Legacy => Self::V1(V1Event::decode(kind, raw.data, envelope)?),
                    Shape::Current => Self::Current(V1Event::decode(kind, raw.data, envelope)?),
                },
            );
        }
        Err(EventError::NotAnEnvelope {
            reason: "it has neither `action` (legacy) nor `type` (v1)".to_owned(),
        })
    }

    /// Encodes the event as Whop would send it (compact JSON); [`decode`](Self::decode) reads it
    /// back to an equal value.
    ///
    /// # Errors
    ///
    /// Only if a timestamp cannot be written as RFC 3339 (a year outside 0 to 9999).
    pub fn encode(&self) -> Result<Vec<u8>, serde_json::Error> {
        serde_json::to_vec(self)
    }

    /// The event type: `membership.went_valid`, `membership.activated`, …
    pub fn kind(&self) -> &str {
        match self {
            Self::Legacy(event) => event.payload.kind(),
            Self::V1(event) => event.payload.kind(),
            Self::Current(event) => event.payload.kind(),
        }
    }

    /// The membership's ID: from the typed membership, or for an unknown `membership…` event,
    /// from its object's `id`.
    pub fn membership_id(&self) -> Option<&str> {
        let (typed, unknown) = match self {
            Self::Legacy(event) => match &event.payload {
                LegacyPayload::Unknown { kind, data } => (None, Some((kind, data))),
                payload => (payload.membership().map(|m| m.id.as_str()), None),
            },
            Self::V1(event) => match &event.payload {
                V1Payload::Unknown { kind, data } => (None, Some((kind, data))),
                payload => (payload.membership().map(|m| m.id.as_str()), None),
            },
            Self::Current(event) => match &event.payload {
                V1Payload::Unknown { kind, data } => (None, Some((kind, data))),
                payload => (payload.membership().map(|m| m.id.as_str()), None),
            },
        };
        typed.or_else(|| {
            let (kind, data) = unknown?;
            if kind.starts_with("membership") {
                data.get("id")?.as_str()
            } else {
                None
            }
        })
    }
}
