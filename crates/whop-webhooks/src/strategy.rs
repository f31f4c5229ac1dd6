//! Proptest strategies for the event types (feature `proptest`): both envelopes, every typed
//! event, and unknown ones.

use proptest::option;
use proptest::prelude::*;
use serde_json::Value;
use whop_models::strategy::{company_id, json_value, membership, rfc3339_time, v1_membership};

use crate::{Event, LegacyEvent, LegacyPayload, ObjectKey, V1Event, V1Payload};

/// The event names this crate types, in either envelope, in either spelling.
const TYPED: &[&str] = &[
    "membership.went_valid",
    "membership.went_invalid",
    "membership.metadata_updated",
    "membership.activated",
    "membership.deactivated",
    "membership.cancel_at_period_end_changed",
    "membership.trial_ending_soon",
];

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
        (unknown_kind(), unknown_data())
            .prop_map(|(kind, data)| LegacyPayload::Unknown { kind, data }),
    ]
    .boxed()
}

/// What a v1 event says happened: each typed event, or an unknown one.
pub fn v1_payload() -> BoxedStrategy<V1Payload> {
    prop_oneof![
        boxed_v1_membership().prop_map(|m| V1Payload::MembershipActivated(Box::new(m))),
        boxed_v1_membership().prop_map(|m| V1Payload::MembershipDeactivated(Box::new(m))),
        boxed_v1_membership()
            .prop_map(|m| V1Payload::MembershipCancelAtPeriodEndChanged(Box::new(m))),
        boxed_v1_membership().prop_map(|m| V1Payload::MembershipTrialEndingSoon(Box::new(m))),
        (unknown_kind(), unknown_data()).prop_map(|(kind, data)| V1Payload::Unknown { kind, data }),
    ]
    .boxed()
}

/// The v1 membership strategy behind a box: its value tree is large, and a union of several
/// unboxed ones overflows a test thread's stack in debug builds.
fn boxed_v1_membership() -> BoxedStrategy<whop_models::V1Membership> {
    v1_membership().boxed()
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

prop_compose! {
    /// A v1 event.
    pub fn v1_event()(
        payload in v1_payload(),
        id in option::of("msg_[A-Za-z0-9]{1,27}"),
        api_version in option::of(Just("v1".to_owned())),
        timestamp in option::of(rfc3339_time()),
        company_id in option::of(company_id()),
    ) -> V1Event {
        V1Event { payload, id, api_version, timestamp, company_id }
    }
}

/// An event in either envelope.
pub fn event() -> BoxedStrategy<Event> {
    prop_oneof![
        legacy_event().prop_map(Event::Legacy),
        v1_event().prop_map(Event::V1),
    ]
    .boxed()
}
