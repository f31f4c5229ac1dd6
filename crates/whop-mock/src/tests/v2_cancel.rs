use super::*;
use crate::{DEFAULT_DEPRECATION, MockPromoCode};

#[tokio::test]
async fn cancel_answers_201_with_flag_set_and_deprecation_header() {
    let mock = world().build();
    let response = call(&mock, cancel("mem_1/cancel")).await;
    assert_eq!(response.status(), 201);
    assert_eq!(response.headers()["deprecation"], DEFAULT_DEPRECATION);
    let body = json(&response);
    assert_eq!(body["id"], "mem_1");
    assert_eq!(body["cancel_at_period_end"], true);
    assert!(mock.membership("mem_1").unwrap().cancel_at_period_end);
    assert!(!mock.membership("mem_2").unwrap().cancel_at_period_end);
}

#[tokio::test]
async fn cancelling_twice_is_the_same_as_once() {
    let mock = world().build();
    let first = call(&mock, cancel("mem_1/cancel")).await;
    let second = call(&mock, cancel("mem_1/cancel")).await;
    assert_eq!(second.status(), 201);
    assert_eq!(json(&first), json(&second));
    assert!(mock.membership("mem_1").unwrap().cancel_at_period_end);
}

#[tokio::test]
async fn cancel_body_has_the_keys_and_nulls_of_real_bodies() {
    let mock = world().build();
    let body = json(&call(&mock, cancel("mem_1/cancel")).await);
    // Keys of the official docs' v2 membership body (webhook went_valid).
    for key in [
        "id",
        "product",
        "user",
        "plan",
        "email",
        "status",
        "valid",
        "cancel_at_period_end",
        "payment_processor",
        "license_key",
        "metadata",
        "quantity",
        "wallet_address",
        "custom_fields_responses",
        "custom_fields_responses_v2",
        "discord",
        "nft_tokens",
        "expires_at",
        "renewal_period_start",
        "renewal_period_end",
        "created_at",
        "manage_url",
        "affiliate_page_url",
        "checkout_session",
        "access_pass",
        "deliveries",
        "telegram_account_id",
    ] {
        assert!(body.get(key).is_some(), "missing key {key}");
    }
    for null in [
        "wallet_address",
        "discord",
        "expires_at",
        "checkout_session",
        "promo_code",
    ] {
        assert!(body[null].is_null(), "{null} should be null");
    }
    assert_eq!(body["custom_fields_responses"], serde_json::json!({}));
    assert_eq!(body["custom_fields_responses_v2"], serde_json::json!([]));
    assert_eq!(body["nft_tokens"], serde_json::json!([]));
    assert_eq!(body["license_key"], "K-1");
    assert_eq!(body["email"], "user_1@example.com");
}

#[tokio::test]
async fn every_expand_combination_expands_exactly_the_asked_fields() {
    let fields = ["product", "user", "plan", "promo_code"];
    for mask in 0u8..16 {
        let mock = world()
            .membership(
                MockMembership::new("mem_p")
                    .user("user_1")
                    .promo_code("promo_1"),
            )
            .build();
        let asked: Vec<&str> = (0..4)
            .filter(|bit| mask & (1 << bit) != 0)
            .map(|bit| fields[bit])
            .collect();
        let query: Vec<String> = asked.iter().map(|f| format!("expand[]={f}")).collect();
        let response = call(&mock, cancel(&format!("mem_p/cancel?{}", query.join("&")))).await;
        assert_eq!(response.status(), 201, "expand {asked:?}");
        let body = json(&response);
        for field in fields {
            let expanded = asked.contains(&field);
            assert_eq!(body[field].is_object(), expanded, "{field} with {asked:?}");
            assert_eq!(body[field].is_string(), !expanded, "{field} with {asked:?}");
        }
        assert_eq!(
            body["access_pass"].is_object(),
            asked.contains(&"product"),
            "access_pass follows product"
        );
    }
}

#[tokio::test]
async fn expanded_objects_carry_the_documented_fields() {
    let mock = world()
        .membership(
            MockMembership::new("mem_p")
                .user("user_1")
                .promo_code("promo_1"),
        )
        .promo_code(MockPromoCode::new("promo_1"))
        .build();
    let body = json(
        &call(
            &mock,
            cancel("mem_p/cancel?expand[]=product&expand[]=user&expand[]=plan&expand[]=promo_code"),
        )
        .await,
    );
    for key in [
        "id",
        "name",
        "visibility",
        "created_at",
        "experiences",
        "plans",
    ] {
        assert!(body["product"].get(key).is_some(), "product.{key}");
    }
    for key in [
        "id",
        "username",
        "email",
        "profile_pic_url",
        "social_accounts",
        "authorized_user",
    ] {
        assert!(body["user"].get(key).is_some(), "user.{key}");
    }
    for key in [
        "id",
        "plan_type",
        "billing_period",
        "renewal_price",
        "initial_price",
        "base_currency",
    ] {
        assert!(body["plan"].get(key).is_some(), "plan.{key}");
    }
    assert_eq!(body["promo_code"]["id"], "promo_1");
    assert_eq!(body["access_pass"]["id"], body["product"]["id"]);
    assert!(body["access_pass"].get("plans").is_none());
}

#[tokio::test]
async fn expand_accepts_comma_and_encoded_forms() {
    let mock = world().build();
    for query in [
        "expand=plan,user",
        "expand[]=plan,user",
        "expand%5B%5D=plan&expand%5B%5D=user",
        "expand[0]=plan&expand[1]=user&other=1",
    ] {
        let body = json(&call(&mock, cancel(&format!("mem_1/cancel?{query}"))).await);
        assert!(body["plan"].is_object(), "{query}");
        assert!(body["user"].is_object(), "{query}");
        assert!(body["product"].is_string(), "{query}");
    }
}

#[tokio::test]
async fn unknown_expand_value_is_400_in_v2_shape_and_cancels_nothing() {
    let mock = world().build();
    let response = call(&mock, cancel("mem_1/cancel?expand[]=wallet")).await;
    assert_eq!(response.status(), 400);
    assert_eq!(json(&response)["error"]["code"], 400);
    assert!(!mock.membership("mem_1").unwrap().cancel_at_period_end);
}

#[tokio::test]
async fn cancel_of_unknown_membership_is_404_in_v2_shape() {
    let mock = world().build();
    let response = call(&mock, cancel("mem_nope/cancel")).await;
    assert_eq!(response.status(), 404);
    assert!(response.headers().contains_key("deprecation"));
    let body = json(&response);
    assert_eq!(body["error"]["code"], 404);
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("mem_nope")
    );
}

#[tokio::test]
async fn cancel_of_another_companys_membership_is_404() {
    let mock = world()
        .membership(MockMembership::new("mem_x").company("biz_other"))
        .build();
    assert_eq!(call(&mock, cancel("mem_x/cancel")).await.status(), 404);
    assert!(!mock.membership("mem_x").unwrap().cancel_at_period_end);
}

#[tokio::test]
async fn cancel_without_token_is_401_in_v2_shape() {
    let mock = world().build();
    let response = call(
        &mock,
        request("POST", "/api/v2/memberships/mem_1/cancel", None),
    )
    .await;
    assert_eq!(response.status(), 401);
    assert_eq!(
        json(&response),
        serde_json::json!({"error": {"code": 401, "message": "Unauthorized"}})
    );
}

#[tokio::test]
async fn cancel_with_unknown_token_is_401() {
    let mock = world().build();
    let response = call(
        &mock,
        request("POST", "/api/v2/memberships/mem_1/cancel", Some("nope")),
    )
    .await;
    assert_eq!(response.status(), 401);
}

#[tokio::test]
async fn cancel_with_a_user_token_is_403_in_v2_shape() {
    let mock = world().build();
    let response = call(
        &mock,
        request("POST", "/api/v2/memberships/mem_1/cancel", Some(USER_TOKEN)),
    )
    .await;
    assert_eq!(response.status(), 403);
    assert_eq!(json(&response)["error"]["code"], 403);
    assert!(!mock.membership("mem_1").unwrap().cancel_at_period_end);
}

#[tokio::test]
async fn get_on_the_cancel_path_is_a_route_miss() {
    let mock = world().build();
    let response = call(
        &mock,
        request("GET", "/api/v2/memberships/mem_1/cancel", Some(COMPANY_KEY)),
    )
    .await;
    assert_eq!(response.status(), 404);
    assert!(!mock.membership("mem_1").unwrap().cancel_at_period_end);
}

#[tokio::test]
async fn deprecation_header_value_is_configurable() {
    let mock = world().deprecation_header(Some("@1688169599")).build();
    let response = call(&mock, cancel("mem_1/cancel")).await;
    assert_eq!(response.headers()["deprecation"], "@1688169599");
    let mock = world().deprecation_header(None).build();
    let response = call(&mock, cancel("mem_1/cancel")).await;
    assert!(!response.headers().contains_key("deprecation"));
}

#[tokio::test]
async fn absolute_form_uri_is_routed_by_its_path() {
    let mock = world().build();
    let response = call(
        &mock,
        request(
            "POST",
            "http://api.whop.com/api/v2/memberships/mem_1/cancel?expand[]=user",
            Some(COMPANY_KEY),
        ),
    )
    .await;
    assert_eq!(response.status(), 201);
    assert_eq!(mock.requests()[0].path, "/api/v2/memberships/mem_1/cancel");
}

#[tokio::test]
async fn unknown_route_is_404() {
    let mock = world().build();
    for path in [
        "/",
        "/api/v1/accounts",
        // `GET /api/v2/memberships/mem_1` is a route now (retrieve); a sub-path still is not.
        "/api/v2/memberships/mem_1/unknown",
        "/api/v5/me",
    ] {
        let response = call(&mock, request("GET", path, Some(COMPANY_KEY))).await;
        assert_eq!(response.status(), 404, "{path}");
    }
}

#[tokio::test]
async fn demo_world_cancels_and_looks_up_by_license_key() {
    use crate::{DEMO_COMPANY_KEY, DEMO_LICENSE_KEY, DEMO_MEMBERSHIP_ID, DEMO_USER_TOKEN};
    let mock = MockWhop::demo();
    let response = call(
        &mock,
        request(
            "POST",
            &format!("/api/v2/memberships/{DEMO_MEMBERSHIP_ID}/cancel"),
            Some(DEMO_COMPANY_KEY),
        ),
    )
    .await;
    assert_eq!(response.status(), 201);
    let response = call(&mock, me(DEMO_LICENSE_KEY, DEMO_USER_TOKEN)).await;
    assert_eq!(response.status(), 200);
    assert_eq!(json(&response)["id"], DEMO_MEMBERSHIP_ID);
    assert_eq!(json(&response)["cancel_at_period_end"], true);
}
