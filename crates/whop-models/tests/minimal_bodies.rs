//! Every model decodes from a body holding only its required fields, and reads every other field
//! as absent (`None`, or `null` for raw JSON). This pins down that no optional field, including
//! those with their own deserializer (timestamps, counts, social accounts), needs to be sent.

use std::fmt::Debug;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use whop_models::{
    CustomFieldResponse, Discord, ErrorBody, MeMembership, Membership, Plan, Product, PromoCode,
    SocialAccount, User, V2ErrorBody, V5ErrorBody, decode, v1,
};

/// Decodes `body` as a `T` and checks that, written back, it has the body's fields and nothing
/// else but nulls (fields that skip `None` when written may be left out).
fn assert_decodes_from_only<T>(body: &str)
where
    T: Serialize + DeserializeOwned + Debug,
{
    let value: T = decode(body.as_bytes()).unwrap_or_else(|e| {
        panic!("{} from {body}: {e}", std::any::type_name::<T>());
    });
    let sent: Value = serde_json::from_str(body).unwrap();
    let written = serde_json::to_value(&value).unwrap();
    assert_absent_beyond(&sent, &written, "");
}

fn assert_absent_beyond(sent: &Value, written: &Value, path: &str) {
    let (Value::Object(sent), Value::Object(written)) = (sent, written) else {
        assert_eq!(sent, written, "at `{path}`");
        return;
    };
    for (key, written_value) in written {
        let at = format!("{path}.{key}");
        match sent.get(key) {
            Some(sent_value) => assert_absent_beyond(sent_value, written_value, &at),
            None => assert_eq!(written_value, &Value::Null, "`{at}` was not sent"),
        }
    }
    for key in sent.keys() {
        assert!(written.contains_key(key), "`{path}.{key}` was dropped");
    }
}

macro_rules! minimal_body_tests {
    ($($test:ident: $model:ty = $body:expr;)+) => {
        $(
            #[test]
            fn $test() {
                assert_decodes_from_only::<$model>($body);
            }
        )+
    };
}

minimal_body_tests! {
    membership_needs_only_its_id: Membership = r#"{"id":"mem_1"}"#;
    me_membership_needs_only_the_fields_both_schemas_require: MeMembership = r#"{
        "id":"mem_1","product_id":"prod_1","plan_id":"plan_1","page_id":"page_1",
        "created_at":1700000000,"quantity":1,"valid":true,"manage_url":"https://whop.com/hub/"
    }"#;
    product_needs_only_its_id: Product = r#"{"id":"prod_1"}"#;
    user_needs_only_its_id: User = r#"{"id":"user_1"}"#;
    social_account_needs_only_its_id: SocialAccount = r#"{"id":"1"}"#;
    plan_needs_only_its_id: Plan = r#"{"id":"plan_1"}"#;
    promo_code_needs_only_its_id: PromoCode = r#"{"id":"promo_1"}"#;
    discord_needs_only_its_id: Discord = r#"{"id":"123456789012345678"}"#;
    custom_field_response_needs_only_its_id: CustomFieldResponse = r#"{"id":"cfr_1"}"#;
    v2_error_body_needs_only_an_error_object: V2ErrorBody = r#"{"error":{}}"#;
    v5_error_body_needs_nothing: V5ErrorBody = "{}";
    v1_membership_needs_only_its_id: v1::Membership = r#"{"id":"mem_1"}"#;
    v1_account_needs_only_its_id: v1::Account = r#"{"id":"biz_1"}"#;
    v1_member_needs_nothing: v1::Member = "{}";
    v1_page_info_needs_nothing: v1::PageInfo = "{}";
    v1_error_body_needs_only_an_error_object: v1::ErrorBody = r#"{"error":{}}"#;
    v1_update_membership_needs_nothing: v1::UpdateMembership = "{}";
    v1_cancel_membership_needs_only_cancel_at_period_end: v1::CancelMembership =
        r#"{"cancel_at_period_end":true}"#;
    v1_pause_membership_needs_nothing: v1::PauseMembership = "{}";
}

#[test]
fn v1_membership_page_without_data_or_page_info_is_empty() {
    for body in ["{}", r#"{"data":null,"page_info":null}"#] {
        let page: v1::MembershipPage = decode(body.as_bytes()).unwrap();
        assert_eq!(page, v1::MembershipPage::default(), "{body}");
    }
}

#[test]
fn v1_cancel_without_cancel_at_period_end_does_not_decode() {
    assert!(decode::<v1::CancelMembership>(b"{}").is_err());
}

#[test]
fn error_body_with_only_a_v2_error_object_parses_as_v2() {
    assert!(matches!(
        ErrorBody::parse(br#"{"error":{}}"#),
        Some(ErrorBody::V2(_))
    ));
}
