//! Property tests for the license-key and listing toolkit's types: request bodies, pagination and
//! list envelopes survive value → JSON → value unchanged, and decode what Whop sends.

mod support;

use proptest::prelude::*;
use serde_json::json;
use support::assert_round_trips;
use whop_models::strategy::*;
use whop_models::{
    MeMembershipPage, MembershipPage, Metadata, V2Pagination, V5Pagination, ValidateLicenseRequest,
    decode, encode,
};

proptest! {
    #[test]
    fn metadata_round_trips(value in metadata()) {
        assert_round_trips(&value)?;
    }

    #[test]
    fn validate_license_request_round_trips(value in validate_license_request()) {
        assert_round_trips(&value)?;
    }

    #[test]
    fn update_membership_request_round_trips(value in update_membership_request()) {
        assert_round_trips(&value)?;
    }

    #[test]
    fn v2_pagination_round_trips(value in v2_pagination()) {
        assert_round_trips(&value)?;
    }

    #[test]
    fn v5_pagination_round_trips(value in v5_pagination()) {
        assert_round_trips(&value)?;
    }

    #[test]
    fn membership_page_round_trips(value in membership_page()) {
        assert_round_trips(&value)?;
    }

    #[test]
    fn me_membership_page_round_trips(value in me_membership_page()) {
        assert_round_trips(&value)?;
    }

    #[test]
    fn a_request_body_is_always_an_object_with_a_metadata_object(value in validate_license_request()) {
        let body: serde_json::Value = serde_json::from_slice(&encode(&value).unwrap()).unwrap();
        prop_assert!(body["metadata"].is_object());
        prop_assert_eq!(body.as_object().unwrap().len(), 1);
    }
}

#[test]
fn metadata_that_is_not_an_object_is_refused() {
    for (value, found) in [
        (json!(null), "null"),
        (json!(true), "a boolean"),
        (json!(1), "a number"),
        (json!("hwid"), "a string"),
        (json!(["hwid"]), "an array"),
    ] {
        let e = Metadata::from_value(value).expect_err("not an object");
        assert_eq!(e.found(), found);
    }
    assert!(decode::<ValidateLicenseRequest>(br#"{"metadata":[]}"#).is_err());
}

#[test]
fn v2_pagination_reads_total_page_singular() {
    let page: MembershipPage =
        decode(br#"{"pagination":{"current_page":2,"total_page":5,"total_count":237},"data":[]}"#)
            .unwrap();
    assert_eq!(
        page.pagination,
        Some(V2Pagination {
            current_page: Some(2),
            total_page: Some(5),
            total_count: Some(237)
        })
    );
}

#[test]
fn v5_pagination_reads_null_ends_and_integral_floats() {
    let page: MeMembershipPage = decode(
        br#"{"pagination":{"current_page":1.0,"total_pages":3,"next_page":2,"prev_page":null,"total_count":25},"data":[]}"#,
    )
    .unwrap();
    assert_eq!(
        page.pagination,
        Some(V5Pagination {
            current_page: Some(1),
            total_pages: Some(3),
            next_page: Some(2),
            prev_page: None,
            total_count: Some(25)
        })
    );
}

#[test]
fn a_page_without_pagination_or_data_decodes_as_empty() {
    let page: MembershipPage = decode(b"{}").unwrap();
    assert_eq!(page, MembershipPage::default());
}
