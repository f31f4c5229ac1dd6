//! Property tests for the Current API's models (`whop_models::v1`): every type survives
//! value → JSON → value unchanged, unknown enum values included, and fields a newer Whop adds are
//! ignored.

mod support;

use proptest::prelude::*;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use support::assert_round_trips;
use whop_models::strategy::{json_value, v1::*};
use whop_models::{MembershipStatus, decode, encode, v1};

proptest! {
    #[test]
    fn membership_round_trips(value in membership()) {
        assert_round_trips(&value)?;
    }

    #[test]
    fn account_round_trips(value in account()) {
        assert_round_trips(&value)?;
    }

    #[test]
    fn member_round_trips(value in member()) {
        assert_round_trips(&value)?;
    }

    #[test]
    fn access_level_round_trips(value in access_level()) {
        assert_round_trips(&value)?;
    }

    #[test]
    fn page_info_round_trips(value in page_info()) {
        assert_round_trips(&value)?;
    }

    #[test]
    fn membership_page_round_trips(value in membership_page()) {
        assert_round_trips(&value)?;
    }

    #[test]
    fn error_round_trips(value in error()) {
        assert_round_trips(&value)?;
    }

    #[test]
    fn error_body_round_trips(value in error_body()) {
        assert_round_trips(&value)?;
    }

    #[test]
    fn update_membership_round_trips(value in update_membership()) {
        assert_round_trips(&value)?;
    }

    #[test]
    fn cancel_membership_round_trips(value in cancel_membership()) {
        assert_round_trips(&value)?;
    }

    #[test]
    fn pause_membership_round_trips(value in pause_membership()) {
        assert_round_trips(&value)?;
    }

    #[test]
    fn extend_membership_round_trips(value in extend_membership()) {
        assert_round_trips(&value)?;
    }

    /// Any status and access level Whop may add tomorrow (`Unknown`) is written back exactly as
    /// it came, inside the membership as on its own.
    #[test]
    fn unknown_status_and_access_level_round_trip_unchanged(
        mut membership in membership(),
        mut member in member(),
        status in "[a-z][a-z_]{0,15}",
        level in "[a-z][a-z_]{0,15}",
    ) {
        member.access_level = Some(v1::AccessLevel::from(level.as_str()));
        membership.status = Some(MembershipStatus::from(status.as_str()));
        membership.member = Some(member);
        let json: Value = serde_json::from_slice(&encode(&membership).unwrap()).unwrap();
        prop_assert_eq!(&json["status"], &Value::from(status));
        prop_assert_eq!(&json["member"]["access_level"], &Value::from(level));
        assert_round_trips(&membership)?;
    }

    /// A body with fields this crate does not know, at every level, decodes to the same value
    /// as without them.
    #[test]
    fn unknown_fields_are_ignored(
        page in membership_page(),
        extra in proptest::collection::btree_map("x_[a-z_]{1,8}", json_value(), 1..4),
    ) {
        let extra: Map<String, Value> = extra.into_iter().collect();
        assert_ignores_unknown_fields(&page, &extra)?;
        for membership in &page.data {
            assert_ignores_unknown_fields(membership, &extra)?;
        }
    }

    #[test]
    fn unknown_fields_are_ignored_in_nested_objects(
        account in account(),
        member in member(),
        page_info in page_info(),
        error in error_body(),
        extra in proptest::collection::btree_map("x_[a-z_]{1,8}", json_value(), 1..4),
    ) {
        let extra: Map<String, Value> = extra.into_iter().collect();
        assert_ignores_unknown_fields(&account, &extra)?;
        assert_ignores_unknown_fields(&member, &extra)?;
        assert_ignores_unknown_fields(&page_info, &extra)?;
        assert_ignores_unknown_fields(&error, &extra)?;
    }
}

/// Adds `extra` to every object of `value`'s JSON (the top level and every nested one, arrays
/// included) and checks that it still decodes to `value`.
fn assert_ignores_unknown_fields<T>(
    value: &T,
    extra: &Map<String, Value>,
) -> Result<(), TestCaseError>
where
    T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug,
{
    fn add_everywhere(json: &mut Value, extra: &Map<String, Value>, depth: usize) {
        match json {
            Value::Object(object) => {
                for (key, field) in object.iter_mut() {
                    // Metadata is free-form: a key added there is data, not an unknown field.
                    if key != "metadata" && depth < 3 {
                        add_everywhere(field, extra, depth + 1);
                    }
                }
                for (key, field) in extra {
                    object.entry(key.clone()).or_insert_with(|| field.clone());
                }
            }
            Value::Array(items) => {
                for item in items {
                    add_everywhere(item, extra, depth);
                }
            }
            _ => {}
        }
    }
    let mut json: Value = serde_json::from_slice(&encode(value).unwrap()).unwrap();
    add_everywhere(&mut json, extra, 0);
    let body = serde_json::to_vec(&json).unwrap();
    let back: T = decode(&body).map_err(|e| {
        TestCaseError::fail(format!("{e}\nbody: {}", String::from_utf8_lossy(&body)))
    })?;
    prop_assert_eq!(&back, value, "body: {}", String::from_utf8_lossy(&body));
    Ok(())
}
