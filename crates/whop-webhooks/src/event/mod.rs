//! [`Event`]: the body of a delivery, decoded into typed membership events.

use serde::Deserialize;
use serde_json::Value;
use serde_json::value::RawValue;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use whop_models::{CompanyId, Membership, V1Membership};

/// The body of a delivery, in either envelope.
///
/// Whop has sent two envelopes:
///
/// - **Legacy** (API versions v2 and v5): `{"action": "membership.went_valid", "data": {...}}`.
///   Whop's v2 event examples put the object under `"body"` instead of `"data"`; both are
///   accepted (and [`LegacyEvent::object_key`] remembers which). App webhooks add `"company"`, v5
///   bodies an `"api_version"`. `membership.went_valid`, `membership.went_invalid` and
///   `membership.metadata_updated` decode into the v2 [`Membership`].
/// - **v1** (Standard Webhooks): `{"id", "api_version", "timestamp", "type", "data",
///   "company_id"}`. `membership.activated`, `membership.deactivated`,
///   `membership.cancel_at_period_end_changed` and `membership.trial_ending_soon` decode into the
///   [`V1Membership`].
///
/// A body with `action` is legacy, one with `type` is v1. Every other event type is kept as
/// `Unknown { kind, data }` with its data as raw JSON: Whop adds event types, and a receiver
/// must acknowledge those it does not handle rather than fail (Whop would retry them). Event
/// names are also accepted with an underscore after `membership` (`membership_went_valid`, the
/// spelling Whop uses when registering a webhook), and mean the same event.
///
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Event {
    /// A legacy (v2/v5) envelope: `{"action", "data" | "body"}`.
    Legacy(LegacyEvent),
    /// A v1 (Standard Webhooks) envelope: `{"id", "api_version", "timestamp", "type", "data"}`.
    V1(V1Event),
}

/// A legacy (v2/v5) event.
#[derive(Debug, Clone, PartialEq)]
pub struct LegacyEvent {
    /// What happened, with its typed object.
    pub payload: LegacyPayload,
    /// `company`: the company the event is about, on app webhooks (`None` when absent or
    /// `null`).
    pub company: Option<String>,
    /// `api_version` (`v5` on v5 bodies), if sent.
    pub api_version: Option<String>,
    /// Whether the object came under `data` or `body`.
    pub object_key: ObjectKey,
}

/// Where a legacy envelope keeps its object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum ObjectKey {
    /// `"data"`, as the legacy overview, the v5 events and the v5 spec have it.
    #[default]
    Data,
    /// `"body"`, as Whop's v2 event examples have it.
    Body,
}

impl ObjectKey {
    /// The key as written.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Data => "data",
            Self::Body => "body",
        }
    }
}

/// What a legacy event says happened.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum LegacyPayload {
    /// `membership.went_valid`: the membership now grants access (created, or checked out).
    MembershipWentValid(Box<Membership>),
    /// `membership.went_invalid`: the membership no longer grants access (cancelled, expired).
    MembershipWentInvalid(Box<Membership>),
    /// `membership.metadata_updated`: the membership's metadata changed (a license key bound to
    /// a machine, or reset).
    MembershipMetadataUpdated(Box<Membership>),
    /// Any other event, its object as raw JSON (`Null` when absent).
    Unknown {
        /// The `action`, as sent.
        kind: String,
        /// The object, as sent.
        data: Value,
    },
}

/// A v1 (Standard Webhooks) event.
#[derive(Debug, Clone, PartialEq)]
pub struct V1Event {
    /// What happened, with its typed object.
    pub payload: V1Payload,
    /// `id`: the event's ID (`msg_…`; the same as the `webhook-id` header).
    pub id: Option<String>,
    /// `api_version` (`v1`).
    pub api_version: Option<String>,
    /// `timestamp`: when the event happened (RFC 3339), not when it was delivered.
    pub timestamp: Option<OffsetDateTime>,
    /// `company_id`: the company the event is about, when sent.
    pub company_id: Option<CompanyId>,
}

/// What a v1 event says happened.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum V1Payload {
    /// `membership.activated`: the membership now grants access.
    MembershipActivated(Box<V1Membership>),
    /// `membership.deactivated`: the membership no longer grants access (failed payment,
    /// cancelled, left).
    MembershipDeactivated(Box<V1Membership>),
    /// `membership.cancel_at_period_end_changed`: the membership was set to end at the close of
    /// its period, or that was undone.
    MembershipCancelAtPeriodEndChanged(Box<V1Membership>),
    /// `membership.trial_ending_soon`: the membership's free trial ends soon.
    MembershipTrialEndingSoon(Box<V1Membership>),
    /// Any other event, its data as raw JSON (`Null` when absent).
    Unknown {
        /// The `type`, as sent.
        kind: String,
        /// The data, as sent.
        data: Value,
    },
}

/// The legacy event names this crate types.
const WENT_VALID: &str = "membership.went_valid";
const WENT_INVALID: &str = "membership.went_invalid";
const METADATA_UPDATED: &str = "membership.metadata_updated";
/// The v1 event names this crate types.
const ACTIVATED: &str = "membership.activated";
const DEACTIVATED: &str = "membership.deactivated";
const CANCEL_AT_PERIOD_END_CHANGED: &str = "membership.cancel_at_period_end_changed";
const TRIAL_ENDING_SOON: &str = "membership.trial_ending_soon";

/// `membership_went_valid` (the registration spelling) reads as `membership.went_valid`.
fn normalized(kind: &str) -> std::borrow::Cow<'_, str> {
    match kind.strip_prefix("membership_") {
        Some(rest) => format!("membership.{rest}").into(),
        None => kind.into(),
    }
}

impl LegacyPayload {
    /// The event name: `membership.went_valid`, …, or the unknown one as sent.
    pub fn kind(&self) -> &str {
        match self {
            Self::MembershipWentValid(_) => WENT_VALID,
            Self::MembershipWentInvalid(_) => WENT_INVALID,
            Self::MembershipMetadataUpdated(_) => METADATA_UPDATED,
            Self::Unknown { kind, .. } => kind,
        }
    }

    /// The membership, for the typed events.
    pub fn membership(&self) -> Option<&Membership> {
        match self {
            Self::MembershipWentValid(m)
            | Self::MembershipWentInvalid(m)
            | Self::MembershipMetadataUpdated(m) => Some(m),
            Self::Unknown { .. } => None,
        }
    }

    fn decode(kind: &str, object: Option<&RawValue>) -> Result<Self, EventError> {
        let typed: Option<fn(Box<Membership>) -> Self> = match normalized(kind).as_ref() {
            WENT_VALID => Some(Self::MembershipWentValid),
            WENT_INVALID => Some(Self::MembershipWentInvalid),
            METADATA_UPDATED => Some(Self::MembershipMetadataUpdated),
            _ => None,
        };
        match typed {
            Some(variant) => Ok(variant(Box::new(typed_data(kind, object)?))),
            None => Ok(Self::Unknown {
                kind: kind.to_owned(),
                data: raw_data(object)?,
            }),
        }
    }
}

impl V1Payload {
    /// The event type: `membership.activated`, …, or the unknown one as sent.
    pub fn kind(&self) -> &str {
        match self {
            Self::MembershipActivated(_) => ACTIVATED,
            Self::MembershipDeactivated(_) => DEACTIVATED,
            Self::MembershipCancelAtPeriodEndChanged(_) => CANCEL_AT_PERIOD_END_CHANGED,
            Self::MembershipTrialEndingSoon(_) => TRIAL_ENDING_SOON,
            Self::Unknown { kind, .. } => kind,
        }
    }

    /// The membership, for the typed events.
    pub fn membership(&self) -> Option<&V1Membership> {
        match self {
            Self::MembershipActivated(m)
            | Self::MembershipDeactivated(m)
            | Self::MembershipCancelAtPeriodEndChanged(m)
            | Self::MembershipTrialEndingSoon(m) => Some(m),
            Self::Unknown { .. } => None,
        }
    }

    fn decode(kind: &str, data: Option<&RawValue>) -> Result<Self, EventError> {
        let typed: Option<fn(Box<V1Membership>) -> Self> = match normalized(kind).as_ref() {
            ACTIVATED => Some(Self::MembershipActivated),
            DEACTIVATED => Some(Self::MembershipDeactivated),
            CANCEL_AT_PERIOD_END_CHANGED => Some(Self::MembershipCancelAtPeriodEndChanged),
            TRIAL_ENDING_SOON => Some(Self::MembershipTrialEndingSoon),
            _ => None,
        };
        match typed {
            Some(variant) => Ok(variant(Box::new(typed_data(kind, data)?))),
            None => Ok(Self::Unknown {
                kind: kind.to_owned(),
                data: raw_data(data)?,
            }),
        }
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
    ///   is not RFC 3339).
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
            return Ok(Self::V1(V1Event {
                payload: V1Payload::decode(kind, raw.data)?,
                id: raw.id,
                api_version: raw.api_version,
                timestamp,
                company_id: raw.company_id,
            }));
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

mod encode;
mod error;

pub use error::EventError;
