//! Proptest strategies for the event types (feature `proptest`): every envelope, every typed
//! event, and unknown ones.

use std::fmt::Debug;

use crate::{
    CurrentEvent, CurrentPayload, Event, LegacyEvent, LegacyPayload, ObjectKey, V1Event, V1Payload,
};
use proptest::option;
use proptest::prelude::*;
use serde_json::Value;
use whop_models::strategy::{
    company_id, json_map, json_value, membership, rfc3339_time, v1_membership,
};

/// The event names this crate types, in either envelope, in either spelling.
const TYPED: &[&str] = &[
    "membership.went_valid",
    "membership.went_invalid",
    "membership.metadata_updated",
    "membership.activated",
    "membership.deactivated",
    "membership.updated",
    "membership.cancel_at_period_end_changed",
    "membership.trial_ending_soon",
];

/// `api_version_date`s whose membership events have the 2025 Legacy shape.
const LEGACY_SHAPE_DATES: &[&str] = &["2025-01-01", "2026-06-09", "2026-07-20"];

/// `api_version_date`s whose membership events have the Current API's shape.
const CURRENT_SHAPE_DATES: &[&str] = &["2026-09-15", "2026-09-29", "2026-10-07-2"];

/// An event name this crate does not type (`payment.succeeded`, `membership.paused`, …).
pub fn unknown_kind() -> impl Strategy<Value = String> {
    "[a-z_]{1,12}(\\.[a-z_]{1,16})?".prop_filter("a typed event name", |kind| {
        let dotted = kind
            .strip_prefix("membership_")
            .map_or_else(|| kind.clone(), |rest| format!("membership.{rest}"));
        !TYPED.contains(&dotted.as_str())
    })
}

prop_compose! {
    /// An unknown event's data: any JSON (`Null` as when absent).
    fn unknown_data()(data in prop_oneof![Just(Value::Null), json_value()]) -> Value {
        data
    }
}

/// What a legacy event says happened: each typed event, or an unknown one.
pub fn legacy_payload() -> BoxedStrategy<LegacyPayload> {
    prop_oneof![
        membership().prop_map(|m| LegacyPayload::MembershipWentValid(Box::new(m))),
        membership().prop_map(|m| LegacyPayload::MembershipWentInvalid(Box::new(m))),
        membership().prop_map(|m| LegacyPayload::MembershipMetadataUpdated(Box::new(m))),
        membership().prop_map(|m| LegacyPayload::MembershipCancelAtPeriodEndChanged(Box::new(m))),
        (unknown_kind(), unknown_data())
            .prop_map(|(kind, data)| LegacyPayload::Unknown { kind, data }),
    ]
    .boxed()
}

/// Each typed v1 event about a membership from `membership`, or an unknown event with data
/// from `unknown_data`. The membership strategies are boxed: their value trees are large, and
/// a union of several unboxed ones overflows a test thread's stack in debug builds.
fn payload_of<M: Debug + Clone + 'static>(
    membership: BoxedStrategy<M>,
    unknown_data: BoxedStrategy<Value>,
) -> BoxedStrategy<V1Payload<M>> {
    prop_oneof![
        membership
            .clone()
            .prop_map(|m| V1Payload::MembershipActivated(Box::new(m))),
        membership
            .clone()
            .prop_map(|m| V1Payload::MembershipDeactivated(Box::new(m))),
        membership
            .clone()
            .prop_map(|m| V1Payload::MembershipUpdated(Box::new(m))),
        membership
            .clone()
            .prop_map(|m| V1Payload::MembershipCancelAtPeriodEndChanged(Box::new(m))),
        membership.prop_map(|m| V1Payload::MembershipTrialEndingSoon(Box::new(m))),
        (unknown_kind(), unknown_data).prop_map(|(kind, data)| V1Payload::Unknown { kind, data }),
    ]
    .boxed()
}

/// What a v1 event with the 2025 Legacy membership says happened.
pub fn v1_payload() -> BoxedStrategy<V1Payload> {
    payload_of(v1_membership().boxed(), unknown_data().boxed())
}

/// What a v1 event with the Current API's membership says happened. An unknown event's data
/// never has a `company` and no `account`: at a date after [`crate::LAST_LEGACY_SHAPE_DATE`]
/// that data is read as the Legacy shape.
pub fn current_payload() -> BoxedStrategy<CurrentPayload> {
    let set = |data: &Value, key: &str| data.get(key).is_some_and(|value| !value.is_null());
    let data = unknown_data().prop_filter("Legacy-shaped data", move |data| {
        !set(data, "company") || set(data, "account")
    });
    payload_of(
        whop_models::strategy::v1::membership().boxed(),
        data.boxed(),
    )
}

/// The fields every v1 envelope has besides its payload, with `api_version_date` from `dates`.
fn v1_event_of<M: Debug + Clone + 'static>(
    payload: BoxedStrategy<V1Payload<M>>,
    dates: BoxedStrategy<Option<String>>,
) -> BoxedStrategy<V1Event<M>> {
    (
        payload,
        option::of("msg_[A-Za-z0-9]{1,27}"),
        option::of(Just("v1".to_owned())),
        dates,
        option::of(rfc3339_time()),
        option::of(company_id()),
        option::of(company_id()),
        option::of(json_map()),
    )
        .prop_map(
            |(
                payload,
                id,
                api_version,
                api_version_date,
                timestamp,
                company_id,
                account_id,
                previous_attributes,
            )| V1Event {
                payload,
                id,
                api_version,
                api_version_date,
                timestamp,
                company_id,
                account_id,
                previous_attributes,
            },
        )
        .boxed()
}

fn one_of(dates: &'static [&'static str]) -> impl Strategy<Value = String> {
    proptest::sample::select(dates).prop_map(str::to_owned)
}

prop_compose! {
    /// A legacy event, its object under `data` or `body`.
    pub fn legacy_event()(
        payload in legacy_payload(),
        company in option::of("biz_[A-Za-z0-9]{1,16}"),
        api_version in option::of(prop_oneof![Just("v2".to_owned()), Just("v5".to_owned())]),
        body_key in any::<bool>(),
    ) -> LegacyEvent {
        let object_key = if body_key { ObjectKey::Body } else { ObjectKey::Data };
        LegacyEvent { payload, company, api_version, object_key }
    }
}

/// A v1 event with the 2025 Legacy membership: unpinned, or pinned to a date up to
/// [`crate::LAST_LEGACY_SHAPE_DATE`].
pub fn v1_event() -> BoxedStrategy<V1Event> {
    v1_event_of(v1_payload(), option::of(one_of(LEGACY_SHAPE_DATES)).boxed())
}

/// A v1 event with the Current API's membership: pinned to a recent date.
pub fn current_event() -> BoxedStrategy<CurrentEvent> {
    v1_event_of(
        current_payload(),
        one_of(CURRENT_SHAPE_DATES).prop_map(Some).boxed(),
    )
}

/// An event in any envelope.
pub fn event() -> BoxedStrategy<Event> {
    prop_oneof![
        legacy_event().prop_map(Event::Legacy),
        v1_event().prop_map(Event::V1),
        current_event().prop_map(Event::Current),
    ]
    .boxed()
}
