//! Decoding bodies: Whop's documented legacy examples, the v1 envelope, unknown events, bodies
//! that are not events, and property-tested round trips.

use proptest::prelude::*;
use whop_models::{Expandable, MembershipStatus};
use whop_webhooks::strategy::event;
use whop_webhooks::{Event, EventError, LegacyPayload, ObjectKey, V1Payload};

const WENT_VALID: &[u8] = include_bytes!(
    "../../whop-models/tests/fixtures/example_v2_membership_expanded_webhook_went_valid__official_docs.json"
);
const WENT_INVALID: &[u8] = include_bytes!(
    "../../whop-models/tests/fixtures/example_v2_membership_expanded_webhook_went_invalid__official_docs.json"
);

#[test]
fn whops_went_valid_example_decodes_into_a_typed_event() {
    let Event::Legacy(event) = Event::decode(WENT_VALID).unwrap() else {
        panic!("a legacy envelope");
    };
    assert_eq!(event.object_key, ObjectKey::Body);
    let LegacyPayload::MembershipWentValid(membership) = &event.payload else {
        panic!("went_valid, got {}", event.payload.kind());
    };
    assert_eq!(membership.id.as_str(), "mem_5l6nvhob7ALjRT");
    assert!(membership.is_valid());
    assert_eq!(membership.status, Some(MembershipStatus::Completed));
    assert!(matches!(membership.user, Some(Expandable::Object(_))));
    assert_eq!(
        membership.product_id().unwrap().as_str(),
        "pass_m11FQfj0mJV3p"
    );
}

#[test]
fn whops_went_invalid_example_decodes_into_a_typed_event() {
    let event = Event::decode(WENT_INVALID).unwrap();
    assert_eq!(event.kind(), "membership.went_invalid");
    assert_eq!(event.membership_id(), Some("mem_awUmfLkcJotab0"));
    let Event::Legacy(event) = event else {
        panic!("a legacy envelope");
    };
    let LegacyPayload::MembershipWentInvalid(membership) = event.payload else {
        panic!("went_invalid");
    };
    assert!(!membership.is_valid());
    assert_eq!(membership.status, Some(MembershipStatus::Canceled));
}

#[test]
fn legacy_object_under_data_and_the_underscore_spelling_decode_too() {
    let body = br#"{"action":"membership_metadata_updated","data":{"id":"mem_1","metadata":{"hwid":"abc"}},"company":"biz_1","api_version":"v5"}"#;
    let Event::Legacy(event) = Event::decode(body).unwrap() else {
        panic!("a legacy envelope");
    };
    assert_eq!(event.object_key, ObjectKey::Data);
    assert_eq!(event.company.as_deref(), Some("biz_1"));
    assert_eq!(event.api_version.as_deref(), Some("v5"));
    let LegacyPayload::MembershipMetadataUpdated(membership) = event.payload else {
        panic!("metadata_updated");
    };
    assert_eq!(membership.metadata_value("hwid").unwrap(), "abc");
}

#[test]
fn every_v1_membership_event_decodes_into_the_v1_membership() {
    for (kind, expected) in [
        ("membership.activated", "activated"),
        ("membership.deactivated", "deactivated"),
        ("membership.updated", "updated"),
        ("membership.cancel_at_period_end_changed", "cancel"),
        ("membership.trial_ending_soon", "trial"),
    ] {
        let body = format!(
            r#"{{"id":"msg_1","api_version":"v1","timestamp":"2025-01-31T12:00:00.344522Z","type":"{kind}","data":{{"id":"mem_1","status":"active","cancel_at_period_end":true,"company":{{"id":"biz_1","title":"Acme"}},"created_at":"2025-01-01T00:00:00Z"}},"company_id":"biz_1"}}"#
        );
        let Event::V1(event) = Event::decode(body.as_bytes()).unwrap() else {
            panic!("a v1 envelope");
        };
        let matched = match &event.payload {
            V1Payload::MembershipActivated(_) => "activated",
            V1Payload::MembershipDeactivated(_) => "deactivated",
            V1Payload::MembershipUpdated(_) => "updated",
            V1Payload::MembershipCancelAtPeriodEndChanged(_) => "cancel",
            V1Payload::MembershipTrialEndingSoon(_) => "trial",
            other => panic!("{kind} decoded as {}", other.kind()),
        };
        assert_eq!(matched, expected);
        assert_eq!(event.payload.kind(), kind);
        let membership = event.payload.membership().unwrap();
        assert_eq!(membership.company_id().unwrap().as_str(), "biz_1");
        assert_eq!(membership.cancel_at_period_end, Some(true));
        assert_eq!(event.id.as_deref(), Some("msg_1"));
        assert_eq!(event.timestamp.unwrap().unix_timestamp(), 1_738_324_800);
        assert_eq!(event.company_id.unwrap().as_str(), "biz_1");
    }
}

#[test]
fn a_legacy_cancel_at_period_end_changed_is_a_typed_event() {
    let body = br#"{"action":"membership.cancel_at_period_end_changed","data":{"id":"mem_1","cancel_at_period_end":true,"valid":true}}"#;
    let Event::Legacy(event) = Event::decode(body).unwrap() else {
        panic!("a legacy envelope");
    };
    let LegacyPayload::MembershipCancelAtPeriodEndChanged(membership) = event.payload else {
        panic!("cancel_at_period_end_changed, got {}", event.payload.kind());
    };
    assert_eq!(membership.cancel_at_period_end, Some(true));
}

/// A v1 body of `type` about `mem_1`, its envelope's other fields and its data as given.
fn v1_body(kind: &str, envelope: &str, data: &str) -> Vec<u8> {
    format!(r#"{{"id":"msg_1","api_version":"v1","type":"{kind}"{envelope},"data":{data}}}"#)
        .into_bytes()
}

const LEGACY_DATA: &str = r#"{"id":"mem_1","status":"active","company":{"id":"biz_1","title":"Acme"},"renewal_period_end":"2026-12-01T00:00:00Z"}"#;
const CURRENT_DATA: &str = r#"{"id":"mem_1","status":"canceling","account":{"id":"biz_1","title":"Acme","route":"acme","logo_url":null},"cancel_at_period_end":true,"created_at":"2026-01-01T00:00:00Z","current_period_end":"2026-12-01T00:00:00Z","member":null,"metadata":{},"plan_id":"plan_1","product_id":"prod_1","user_id":"user_1"}"#;

#[test]
fn the_api_version_date_chooses_the_membership_shape() {
    let cases: [(&str, &str, &str); 7] = [
        ("", LEGACY_DATA, "v1"),
        (r#","api_version_date":null"#, LEGACY_DATA, "v1"),
        (r#","api_version_date":"2025-01-01""#, LEGACY_DATA, "v1"),
        (r#","api_version_date":"2026-07-20""#, LEGACY_DATA, "v1"),
        (
            r#","api_version_date":"2026-09-15""#,
            CURRENT_DATA,
            "current",
        ),
        (
            r#","api_version_date":"2026-10-07-2""#,
            CURRENT_DATA,
            "current",
        ),
        // Between the last date known Legacy and the first known Current, the data decides.
        (r#","api_version_date":"2026-08-01""#, LEGACY_DATA, "v1"),
    ];
    for (envelope, data, expected) in cases {
        let event = Event::decode(&v1_body("membership.activated", envelope, data)).unwrap();
        let shape = match &event {
            Event::V1(e) => {
                assert!(matches!(e.payload, V1Payload::MembershipActivated(_)));
                "v1"
            }
            Event::Current(e) => {
                assert!(matches!(e.payload, V1Payload::MembershipActivated(_)));
                "current"
            }
            _ => "other",
        };
        assert_eq!(shape, expected, "{envelope}");
        assert_eq!(event.membership_id(), Some("mem_1"));
    }
}

#[test]
fn a_pinned_event_decodes_into_the_current_membership() {
    let body = v1_body(
        "membership.cancel_at_period_end_changed",
        r#","api_version_date":"2026-09-15","account_id":"biz_1","timestamp":"2026-12-01T10:00:00Z""#,
        CURRENT_DATA,
    );
    let Event::Current(event) = Event::decode(&body).unwrap() else {
        panic!("a Current API event");
    };
    let V1Payload::MembershipCancelAtPeriodEndChanged(membership) = &event.payload else {
        panic!("cancel_at_period_end_changed, got {}", event.payload.kind());
    };
    assert_eq!(membership.cancel_at_period_end, Some(true));
    assert_eq!(membership.status, Some(MembershipStatus::Canceling));
    assert_eq!(membership.account.as_ref().unwrap().id.as_str(), "biz_1");
    assert_eq!(
        membership.current_period_end.unwrap().unix_timestamp(),
        1_796_083_200
    );
    assert_eq!(event.api_version_date.as_deref(), Some("2026-09-15"));
    assert_eq!(event.account_id.as_ref().unwrap().as_str(), "biz_1");
    assert_eq!(event.company_id, None);
}

#[test]
fn the_business_is_the_account_id_or_else_the_company_id() {
    let cases = [
        (r#","account_id":"biz_a""#, Some("biz_a")),
        (r#","company_id":"biz_c""#, Some("biz_c")),
        (
            r#","account_id":"biz_a","company_id":"biz_c""#,
            Some("biz_a"),
        ),
        ("", None),
    ];
    for (envelope, expected) in cases {
        let Event::V1(event) =
            Event::decode(&v1_body("membership.paused", envelope, "{}")).unwrap()
        else {
            panic!("an unpinned v1 event");
        };
        assert_eq!(
            event.business_id().map(|id| id.as_str()),
            expected,
            "{envelope}"
        );
    }
}

#[test]
fn membership_updated_keeps_its_previous_attributes_as_sent() {
    let body = v1_body(
        "membership.updated",
        r#","api_version_date":"2026-09-15","previous_attributes":{"status":"active","cancel_at_period_end":false}"#,
        CURRENT_DATA,
    );
    let Event::Current(event) = Event::decode(&body).unwrap() else {
        panic!("a Current API event");
    };
    assert!(matches!(event.payload, V1Payload::MembershipUpdated(_)));
    let previous = event.previous_attributes.unwrap();
    assert_eq!(previous["status"], "active");
    assert_eq!(previous["cancel_at_period_end"], false);
    assert_eq!(previous.len(), 2);

    let not_an_object = v1_body(
        "membership.updated",
        r#","previous_attributes":[1]"#,
        LEGACY_DATA,
    );
    assert!(matches!(
        Event::decode(&not_an_object),
        Err(EventError::NotAnEnvelope { .. })
    ));
}

#[test]
fn unknown_events_are_kept_not_refused() {
    let cases: [(&[u8], &str); 4] = [
        (
            br#"{"action":"payment.succeeded","body":{"id":"pay_1"}}"#,
            "payment.succeeded",
        ),
        (
            br#"{"type":"membership.paused","data":{"id":"mem_1"}}"#,
            "membership.paused",
        ),
        // A legacy name in a v1 envelope is not the v1 event.
        (
            br#"{"type":"membership.went_valid","data":{"id":"mem_1"}}"#,
            "membership.went_valid",
        ),
        (br#"{"action":"app.ping"}"#, "app.ping"),
    ];
    for (body, kind) in cases {
        let event = Event::decode(body).unwrap();
        assert_eq!(event.kind(), kind);
        let unknown = match &event {
            Event::Legacy(e) => matches!(e.payload, LegacyPayload::Unknown { .. }),
            Event::V1(e) => matches!(e.payload, V1Payload::Unknown { .. }),
            Event::Current(e) => matches!(e.payload, V1Payload::Unknown { .. }),
            _ => false,
        };
        assert!(unknown, "{kind}");
    }
    let event = Event::decode(br#"{"type":"membership.paused","data":{"id":"mem_9"}}"#).unwrap();
    assert_eq!(event.membership_id(), Some("mem_9"));
}

#[test]
fn bodies_that_are_not_events_are_each_a_distinct_error() {
    let not_json: &[&[u8]] = &[b"", b"not json", b"{\"action\":", b"\xff\xfe"];
    for body in not_json {
        let err = Event::decode(body).unwrap_err();
        assert!(matches!(err, EventError::NotJson { .. }), "{body:?}: {err}");
    }
    let not_envelope: &[&[u8]] = &[
        b"[]",
        b"42",
        b"{}",
        br#"{"data":{"id":"mem_1"}}"#,
        br#"{"action":5}"#,
        br#"{"action":"membership.went_valid"}"#,
        br#"{"type":"membership.activated","timestamp":"yesterday","data":{"id":"mem_1"}}"#,
    ];
    for body in not_envelope {
        let err = Event::decode(body).unwrap_err();
        assert!(
            matches!(err, EventError::NotAnEnvelope { .. }),
            "{}: {err}",
            String::from_utf8_lossy(body)
        );
    }
    let err = Event::decode(br#"{"type":"membership.activated","data":{"id":7}}"#).unwrap_err();
    let EventError::Data { kind, error } = err else {
        panic!("a data error");
    };
    assert_eq!(kind, "membership.activated");
    assert_eq!(error.path(), "id");
}

proptest! {
    #[test]
    fn every_event_round_trips(event in event()) {
        let bytes = event.encode().expect("encodes");
        let back = Event::decode(&bytes).map_err(|e| {
            TestCaseError::fail(format!("{e}\nbody: {}", String::from_utf8_lossy(&bytes)))
        })?;
        prop_assert_eq!(back, event);
    }

    #[test]
    fn decoding_arbitrary_bytes_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
        let _ = Event::decode(&bytes);
    }
}
