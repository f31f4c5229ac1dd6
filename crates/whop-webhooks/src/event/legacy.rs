//! The legacy (v2/v5) envelope: `{"action", "data" | "body"}` with the v2 membership.

use serde_json::Value;
use serde_json::value::RawValue;
use whop_models::Membership;

use super::{EventError, normalized, raw_data, typed_data};

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
    /// `membership.cancel_at_period_end_changed`: the membership was set to end at the close of
    /// its period (a cancel), or that was undone; read `cancel_at_period_end`. Whop's v5 app
    /// webhook types list it, and it is what a v2 cancel sends.
    MembershipCancelAtPeriodEndChanged(Box<Membership>),
    /// Any other event, its object as raw JSON (`Null` when absent).
    Unknown {
        /// The `action`, as sent.
        kind: String,
        /// The object, as sent.
        data: Value,
    },
}

/// The legacy event names this crate types.
const WENT_VALID: &str = "membership.went_valid";
const WENT_INVALID: &str = "membership.went_invalid";
const METADATA_UPDATED: &str = "membership.metadata_updated";
const CANCEL_AT_PERIOD_END_CHANGED: &str = "membership.cancel_at_period_end_changed";

impl LegacyPayload {
    /// The event name: `membership.went_valid`, …, or the unknown one as sent.
    pub fn kind(&self) -> &str {
        match self {
            Self::MembershipWentValid(_) => WENT_VALID,
            Self::MembershipWentInvalid(_) => WENT_INVALID,
            Self::MembershipMetadataUpdated(_) => METADATA_UPDATED,
            Self::MembershipCancelAtPeriodEndChanged(_) => CANCEL_AT_PERIOD_END_CHANGED,
            Self::Unknown { kind, .. } => kind,
        }
    }

    /// The membership, for the typed events.
    pub fn membership(&self) -> Option<&Membership> {
        match self {
            Self::MembershipWentValid(m)
            | Self::MembershipWentInvalid(m)
            | Self::MembershipMetadataUpdated(m)
            | Self::MembershipCancelAtPeriodEndChanged(m) => Some(m),
            Self::Unknown { .. } => None,
        }
    }

    pub(super) fn decode(kind: &str, object: Option<&RawValue>) -> Result<Self, EventError> {
        let typed: Option<fn(Box<Membership>) -> Self> = match normalized(kind).as_ref() {
            WENT_VALID => Some(Self::MembershipWentValid),
            WENT_INVALID => Some(Self::MembershipWentInvalid),
            METADATA_UPDATED => Some(Self::MembershipMetadataUpdated),
            CANCEL_AT_PERIOD_END_CHANGED => Some(Self::MembershipCancelAtPeriodEndChanged),
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
