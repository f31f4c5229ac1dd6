//! The mock's bodies against the reference bodies in Whop's docs and specs
//! (`/work/shared/whop-api/reference/`), seeded with the same values.

use serde_json::json;

use super::*;
use crate::{MockUser, Route};

/// `example_v2_membership_validate_license_response__community_redacted.json`, a real v2 body.
fn community_v2_body() -> Value {
    json!({
      "id": "mem_oR1RrIIfrsCcut",
      "product": "prod_0f0r0QsOwrFcx",
      "user": "user_REycSOXwO8Ro5",
      "plan": "plan_8XBGEmK6asLLV",
      "email": "REDACTED@example.com",
      "status": "completed",
      "valid": true,
      "cancel_at_period_end": false,
      "payment_processor": "free",
      "license_key": "REDACTED-LICENSE-KEY",
      "metadata": { "hwid": "New Value" },
      "quantity": 1,
      "wallet_address": null,
      "custom_fields_responses": {},
      "discord": null,
      "nft_tokens": [],
      "expires_at": 1_699_178_770,
      "renewal_period_start": null,
      "renewal_period_end": null,
      "created_at": 1_683_626_770,
      "manage_url": "https://whop.com/hub/mem_oR1RrIIfrsCcut/",
      "affiliate_page_url": "https://whop.com/aqua-io/?a=REDACTED",
      "checkout_session": null,
      "access_pass": "prod_0f0r0QsOwrFcx"
    })
}

/// `example_v5_me_membership__SYNTHETIC_from_spec.json`.
fn synthetic_v5_body() -> Value {
    json!({
      "id": "mem_XXXXXXXXXXXXXX",
      "product_id": "prod_XXXXXXXXXXXXX",
      "user_id": "user_XXXXXXXXXXXXX",
      "plan_id": "plan_XXXXXXXXXXXXX",
      "page_id": "biz_XXXXXXXXXXXXXX",
      "created_at": 1_675_816_599,
      "expires_at": null,
      "renewal_period_start": null,
      "renewal_period_end": null,
      "quantity": 1,
      "status": "completed",
      "valid": true,
      "cancel_at_period_end": false,
      "license_key": "XXXXX-XXXXXX-XXXXXXXX-XXXXXXX",
      "metadata": {},
      "checkout_id": null,
      "affiliate_username": null,
      "manage_url": "https://whop.com/hub/mem_XXXXXXXXXXXXXX/",
      "company_buyer_id": null,
      "marketplace": false
    })
}

#[tokio::test]
async fn v2_body_matches_the_real_community_body_field_for_field() {
    let mock = MockWhop::builder()
        .company_token_for(COMPANY_KEY, "aqua-io")
        .user(MockUser::new("user_REycSOXwO8Ro5").username("REDACTED"))
        .membership(
            MockMembership::new("mem_oR1RrIIfrsCcut")
                .company("aqua-io")
                .product("prod_0f0r0QsOwrFcx")
                .user("user_REycSOXwO8Ro5")
                .plan("plan_8XBGEmK6asLLV")
                .email("REDACTED@example.com")
                .status("completed", true)
                .payment_processor("free")
                .license_key("REDACTED-LICENSE-KEY")
                .metadata(json!({ "hwid": "New Value" }))
                .expires_at(Some(1_699_178_770))
                .renewal_period(None, None)
                .created_at(1_683_626_770),
        )
        .build();
    let mut ours = json(&call(&mock, cancel("mem_oR1RrIIfrsCcut/cancel")).await);
    // The real body predates the cancel.
    assert_eq!(ours["cancel_at_period_end"], true);
    ours["cancel_at_period_end"] = json!(false);
    let reference = community_v2_body();
    for (key, value) in reference.as_object().unwrap() {
        assert_eq!(&ours[key], value, "key {key}");
    }
}

#[tokio::test]
async fn v5_body_equals_the_spec_body_exactly() {
    let mock = MockWhop::builder()
        .user_token(USER_TOKEN, "user_XXXXXXXXXXXXX")
        .membership(
            MockMembership::new("mem_XXXXXXXXXXXXXX")
                .company("biz_XXXXXXXXXXXXXX")
                .product("prod_XXXXXXXXXXXXX")
                .user("user_XXXXXXXXXXXXX")
                .plan("plan_XXXXXXXXXXXXX")
                .status("completed", true)
                .license_key("XXXXX-XXXXXX-XXXXXXXX-XXXXXXX")
                .renewal_period(None, None)
                .created_at(1_675_816_599),
        )
        .build();
    let ours = json(&call(&mock, me("XXXXX-XXXXXX-XXXXXXXX-XXXXXXX", USER_TOKEN)).await);
    assert_eq!(ours, synthetic_v5_body());
}

#[tokio::test]
async fn memberships_added_at_run_time_are_served() {
    let mock = world().build();
    mock.insert_membership(
        MockMembership::new("mem_new")
            .user("user_1")
            .license_key("NEW"),
    );
    assert_eq!(call(&mock, me("NEW", USER_TOKEN)).await.status(), 200);
    assert_eq!(mock.memberships().len(), 3);
}

#[tokio::test]
async fn log_names_company_and_unknown_callers_and_can_be_cleared() {
    let mock = world().build();
    call(&mock, cancel("mem_1/cancel")).await;
    call(&mock, me("mem_1", "who-knows")).await;
    let log = mock.requests();
    assert_eq!(
        log[0].caller,
        crate::Caller::Company {
            company_id: crate::DEFAULT_COMPANY_ID.to_owned()
        }
    );
    assert_eq!(
        log[0].route,
        Some(Route::CancelMembership {
            id: "mem_1".to_owned()
        })
    );
    assert_eq!(log[1].caller, crate::Caller::UnknownToken);
    assert_eq!(log[1].status, Some(401));
    mock.clear_requests();
    assert!(mock.requests().is_empty());
}
