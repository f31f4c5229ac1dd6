//! The v1 (Standard Webhooks) envelope, and which membership shape its `data` has.

use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;
use serde_json::{Map, Value};
use time::OffsetDateTime;
use whop_models::{CompanyId, V1Membership};

use super::{EventError, normalized, present, raw_data, typed_data};

/// The newest `api_version_date` whose membership events are known to carry the 2025 Legacy
/// shape (`company`, `renewal_period_end`, …): the date of Whop's Legacy
/// `membership.activated` example, and the pin of Whop's TypeScript SDK whose webhook
/// `Membership` is that shape. A delivery at this date or earlier, or with no date, decodes
/// into [`V1Membership`]; see [`Event`](crate::Event) for the whole rule.
pub const LAST_LEGACY_SHAPE_DATE: &str = "2026-07-20";

/// A v1 (Standard Webhooks) event whose membership is `M`: [`V1Membership`] (the 2025 Legacy
/// shape, [`Event::V1`](crate::Event::V1)) or [`whop_models::v1::Membership`] (the Current
/// API's, [`Event::Current`](crate::Event::Current), named [`CurrentEvent`](crate::CurrentEvent)).
#[derive(Debug, Clone, PartialEq)]
pub struct V1Event<M = V1Membership> {
    /// What happened, with its typed object.
    pub payload: V1Payload<M>,
    /// `id`: the event's ID (`msg_…`; the same as the `webhook-id` header).
    pub id: Option<String>,
    /// `api_version` (`v1`).
    pub api_version: Option<String>,
    /// `api_version_date`: the `Api-Version-Date` the webhook is pinned to (`None` when absent
    /// or `null`: an unpinned webhook, served the 2025-01-01 behaviour). It chooses the shape of
    /// `data`.
    pub api_version_date: Option<String>,
    /// `timestamp`: when the event happened (RFC 3339), not when it was delivered.
    pub timestamp: Option<OffsetDateTime>,
    /// `company_id`: the business the event is about, as webhooks pinned to older dates (and
    /// unpinned ones) name it. See [`business_id`](Self::business_id).
    pub company_id: Option<CompanyId>,
    /// `account_id`: the business the event is about, as webhooks pinned to newer dates name
    /// it. See [`business_id`](Self::business_id).
    pub account_id: Option<CompanyId>,
    /// `previous_attributes`: on `membership.updated`, the attributes that changed, each with
    /// its value before the change, as Whop sent them (the keys are those of `data`'s shape;
    /// `None` when absent or `null`). Kept as raw JSON: which attributes appear depends on the
    /// change, and a typed partial would drop the ones a later version adds.
    pub previous_attributes: Option<Map<String, Value>>,
}

impl<M> V1Event<M> {
    /// The business the event is about: `account_id`, or `company_id` on older envelopes.
    pub fn business_id(&self) -> Option<&CompanyId> {
        self.account_id.as_ref().or(self.company_id.as_ref())
    }
}

/// What a v1 event says happened; `M` is the membership shape.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum V1Payload<M = V1Membership> {
    /// `membership.activated`: the membership now grants access.
    MembershipActivated(Box<M>),
    /// `membership.deactivated`: the membership no longer grants access (failed payment,
    /// cancelled, left).
    MembershipDeactivated(Box<M>),
    /// `membership.updated`: anything about the membership changed (activation,
    /// deactivation, a flip of `cancel_at_period_end`, metadata, a seller's edit). Whop sends
    /// it besides the specific event, so a receiver handling both sees one change twice. What
    /// changed is in the envelope's [`previous_attributes`](V1Event::previous_attributes).
    MembershipUpdated(Box<M>),
    /// `membership.cancel_at_period_end_changed`: the membership was set to end at the close of
    /// its period, or that was undone.
    MembershipCancelAtPeriodEndChanged(Box<M>),
    /// `membership.trial_ending_soon`: the membership's free trial ends soon.
    MembershipTrialEndingSoon(Box<M>),
    /// Any other event, its data as raw JSON (`Null` when absent).
    Unknown {
        /// The `type`, as sent.
        kind: String,
        /// The data, as sent.
        data: Value,
    },
}

/// The v1 event names this crate types.
const ACTIVATED: &str = "membership.activated";
const DEACTIVATED: &str = "membership.deactivated";
const UPDATED: &str = "membership.updated";
const CANCEL_AT_PERIOD_END_CHANGED: &str = "membership.cancel_at_period_end_changed";
const TRIAL_ENDING_SOON: &str = "membership.trial_ending_soon";

impl<M> V1Payload<M> {
    /// The event type: `membership.activated`, …, or the unknown one as sent.
    pub fn kind(&self) -> &str {
        match self {
            Self::MembershipActivated(_) => ACTIVATED,
            Self::MembershipDeactivated(_) => DEACTIVATED,
            Self::MembershipUpdated(_) => UPDATED,
            Self::MembershipCancelAtPeriodEndChanged(_) => CANCEL_AT_PERIOD_END_CHANGED,
            Self::MembershipTrialEndingSoon(_) => TRIAL_ENDING_SOON,
            Self::Unknown { kind, .. } => kind,
        }
    }

    /// The membership, for the typed events.
    pub fn membership(&self) -> Option<&M> {
        match self {
            Self::MembershipActivated(m)
            | Self::MembershipDeactivated(m)
            | Self::MembershipUpdated(m)
            | Self::MembershipCancelAtPeriodEndChanged(m)
            | Self::MembershipTrialEndingSoon(m) => Some(m),
            Self::Unknown { .. } => None,
        }
    }
}

impl<M: DeserializeOwned> V1Payload<M> {
    fn decode(kind: &str, data: Option<&RawValue>) -> Result<Self, EventError> {
        let typed: Option<fn(Box<M>) -> Self> = match normalized(kind).as_ref() {
            ACTIVATED => Some(Self::MembershipActivated),
            DEACTIVATED => Some(Self::MembershipDeactivated),
            UPDATED => Some(Self::MembershipUpdated),
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

/// A v1 envelope's fields other than `type` and `data`, read before the shape is known.
pub(super) struct V1Envelope {
    pub(super) id: Option<String>,
    pub(super) api_version: Option<String>,
    pub(super) api_version_date: Option<String>,
    pub(super) timestamp: Option<OffsetDateTime>,
    pub(super) company_id: Option<CompanyId>,
    pub(super) account_id: Option<CompanyId>,
    pub(super) previous_attributes: Option<Map<String, Value>>,
}

impl<M: DeserializeOwned> V1Event<M> {
    pub(super) fn decode(
        kind: &str,
        data: Option<&RawValue>,
        envelope: V1Envelope,
    ) -> Result<Self, EventError> {
        Ok(Self {
            payload: V1Payload::decode(kind, data)?,
            id: envelope.id,
            api_version: envelope.api_version,
            api_version_date: envelope.api_version_date,
            timestamp: envelope.timestamp,
            company_id: envelope.company_id,
            account_id: envelope.account_id,
            previous_attributes: envelope.previous_attributes,
        })
    }
}

/// Which membership a v1 delivery's `data` is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Shape {
    /// The 2025 Legacy resource: [`V1Membership`].
    Legacy,
    /// The Current API's resource: `whop_models::v1::Membership`.
    Current,
}

/// The keys that tell the two shapes apart, when the date cannot.
#[derive(Deserialize)]
struct ShapeHint<'a> {
    #[serde(borrow, default, deserialize_with = "present")]
    account: Option<&'a RawValue>,
    #[serde(borrow, default, deserialize_with = "present")]
    company: Option<&'a RawValue>,
}

impl Shape {
    /// The rule documented on [`Event`](crate::Event): no date or a date up to
    /// [`LAST_LEGACY_SHAPE_DATE`] is Legacy; after it (or a value that is not a date), the data
    /// decides, because the date of the switch is not documented: `company` set (not `null`)
    /// and `account` not is Legacy, anything else Current. Either shape, encoded again, is
    /// read as the same shape.
    pub(super) fn of(api_version_date: Option<&str>, data: Option<&RawValue>) -> Self {
        let Some(date) = api_version_date else {
            return Self::Legacy;
        };
        if let Some(day) = calendar_day(date)
            && day <= LAST_LEGACY_SHAPE_DATE
        {
            return Self::Legacy;
        }
        // Only an object has keys (serde would read an array into the hint by position).
        let hint = data
            .filter(|raw| raw.get().trim_start().starts_with('{'))
            .and_then(|raw| serde_json::from_str::<ShapeHint<'_>>(raw.get()).ok());
        let set = |value: Option<&RawValue>| value.is_some_and(|raw| raw.get() != "null");
        match hint {
            Some(hint) if set(hint.company) && !set(hint.account) => Self::Legacy,
            _ => Self::Current,
        }
    }
}

/// The `YYYY-MM-DD` a version value starts with (`2026-09-02-2` is a version of 2026-09-02),
/// which compares as text in date order.
fn calendar_day(value: &str) -> Option<&str> {
    let day = value.get(..10)?;
    let digits_where_expected = day.bytes().enumerate().all(|(i, b)| match i {
        4 | 7 => b == b'-',
        _ => b.is_ascii_digit(),
    });
    let rest_is_a_suffix = value.len() == 10 || value[10..].starts_with('-');
    (digits_where_expected && rest_is_a_suffix).then_some(day)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(json: &str) -> Box<RawValue> {
        RawValue::from_string(json.to_owned()).unwrap()
    }

    #[test]
    fn the_shape_follows_the_date_then_the_data() {
        let legacy = r#"{"id":"mem_1","company":{"id":"biz_1"}}"#;
        let current = r#"{"id":"mem_1","account":{"id":"biz_1"}}"#;
        let bare = r#"{"id":"mem_1"}"#;
        let cases = [
            (None, current, Shape::Legacy),
            (Some("2025-01-01"), current, Shape::Legacy),
            (Some("2026-07-20"), current, Shape::Legacy),
            (Some("2026-07-20-2"), bare, Shape::Legacy),
            (Some("2026-07-21"), legacy, Shape::Legacy),
            (Some("2026-07-21"), current, Shape::Current),
            (Some("2026-09-15"), bare, Shape::Current),
            (Some("2026-09-15"), legacy, Shape::Legacy),
            (Some("2026-10-07-2"), current, Shape::Current),
            (Some("latest"), bare, Shape::Current),
            (Some("2026-09-15"), "null", Shape::Current),
            (
                Some("2026-09-15"),
                r#"[null, {"id":"biz_1"}]"#,
                Shape::Current,
            ),
            (
                Some("2026-09-15"),
                r#"{"id":"mem_1","company":null}"#,
                Shape::Current,
            ),
            (
                Some("2026-09-15"),
                r#"{"id":"mem_1","company":{"id":"biz_1"},"account":null}"#,
                Shape::Legacy,
            ),
            (
                Some("2026-09-15"),
                r#"{"id":"mem_1","company":{"id":"biz_1"},"account":{"id":"biz_1"}}"#,
                Shape::Current,
            ),
        ];
        for (date, data, expected) in cases {
            assert_eq!(
                Shape::of(date, Some(&raw(data))),
                expected,
                "{date:?} {data}"
            );
        }
        assert_eq!(Shape::of(Some("2026-09-15"), None), Shape::Current);
    }

    #[test]
    fn only_a_leading_calendar_day_is_a_date() {
        assert_eq!(calendar_day("2026-09-02-2"), Some("2026-09-02"));
        assert_eq!(calendar_day("2026-09-02"), Some("2026-09-02"));
        assert_eq!(calendar_day("2026-09-0"), None);
        assert_eq!(calendar_day("2026-09-02x"), None);
        assert_eq!(calendar_day("2026/09/02"), None);
        assert_eq!(calendar_day("été-09-02"), None);
    }
}
