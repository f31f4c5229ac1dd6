use super::*;
use crate::{Caller, REDACTED, Route};

#[tokio::test]
async fn finds_own_membership_by_id() {
    let mock = world().build();
    let response = call(&mock, me("mem_1", USER_TOKEN)).await;
    assert_eq!(response.status(), 200);
    assert!(!response.headers().contains_key("deprecation"));
    let body = json(&response);
    assert_eq!(body["id"], "mem_1");
    assert_eq!(body["user_id"], "user_1");
}

#[tokio::test]
async fn finds_own_membership_by_license_key() {
    let mock = world().build();
    let body = json(&call(&mock, me("K-1", USER_TOKEN)).await);
    assert_eq!(body["id"], "mem_1");
    assert_eq!(body["license_key"], "K-1");
}

#[tokio::test]
async fn body_has_the_me_membership_keys() {
    let mock = world().build();
    let body = json(&call(&mock, me("mem_1", USER_TOKEN)).await);
    for key in [
        "id",
        "product_id",
        "user_id",
        "plan_id",
        "page_id",
        "created_at",
        "expires_at",
        "renewal_period_start",
        "renewal_period_end",
        "quantity",
        "status",
        "valid",
        "cancel_at_period_end",
        "license_key",
        "metadata",
        "checkout_id",
        "affiliate_username",
        "manage_url",
        "company_buyer_id",
        "marketplace",
    ] {
        assert!(body.get(key).is_some(), "missing key {key}");
    }
    assert!(body["company_buyer_id"].is_null());
    assert!(body["page_id"].as_str().unwrap().starts_with("biz_"));
}

#[tokio::test]
async fn another_users_membership_is_404_by_id_and_by_key() {
    let mock = world().build();
    for segment in ["mem_2", "K-2"] {
        let response = call(&mock, me(segment, USER_TOKEN)).await;
        assert_eq!(response.status(), 404, "{segment}");
        assert!(json(&response)["message"].is_string());
    }
}

#[tokio::test]
async fn hostile_license_key_encoded_as_one_segment_is_found_and_logged_raw() {
    let key = "a/b?c#d%e f/../..\u{e9}\u{1f600}";
    let mock = world()
        .membership(MockMembership::new("mem_h").user("user_1").license_key(key))
        .build();
    let encoded: String =
        percent_encoding::utf8_percent_encode(key, percent_encoding::NON_ALPHANUMERIC).collect();
    let response = call(&mock, me(&encoded, USER_TOKEN)).await;
    assert_eq!(response.status(), 200);
    assert_eq!(json(&response)["id"], "mem_h");
    let logged = &mock.requests()[0];
    assert_eq!(logged.path, format!("/api/v5/me/memberships/{encoded}"));
    assert_eq!(
        logged.path_segments(),
        ["api", "v5", "me", "memberships", encoded.as_str()]
    );
    assert_eq!(
        logged.route,
        Some(Route::RetrieveMyMembership {
            id_or_key: key.to_owned()
        })
    );
}

#[tokio::test]
async fn encoded_dot_segment_is_a_key_like_any_other() {
    let mock = world()
        .membership(
            MockMembership::new("mem_d")
                .user("user_1")
                .license_key(".."),
        )
        .build();
    let response = call(&mock, me("%2E%2E", USER_TOKEN)).await;
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn unencoded_slash_in_a_key_is_a_route_miss() {
    let mock = world()
        .membership(
            MockMembership::new("mem_s")
                .user("user_1")
                .license_key("a/b"),
        )
        .build();
    let response = call(&mock, me("a/b", USER_TOKEN)).await;
    assert_eq!(response.status(), 404);
    assert_eq!(mock.requests()[0].route, None);
}

#[tokio::test]
async fn raw_dot_segments_and_empty_segment_are_route_misses() {
    let mock = world()
        .membership(
            MockMembership::new("mem_d")
                .user("user_1")
                .license_key(".."),
        )
        .build();
    for segment in ["..", ".", ""] {
        let response = call(&mock, me(segment, USER_TOKEN)).await;
        assert_eq!(response.status(), 404, "{segment:?}");
    }
}

#[tokio::test]
async fn invalid_utf8_after_decoding_is_404_not_a_panic() {
    let mock = world().build();
    let response = call(&mock, me("%FF%FE%C3%28", USER_TOKEN)).await;
    assert_eq!(response.status(), 404);
}

#[tokio::test]
async fn missing_token_is_401_in_v5_shape() {
    let mock = world().build();
    let response = call(&mock, request("GET", "/api/v5/me/memberships/mem_1", None)).await;
    assert_eq!(response.status(), 401);
    let body = json(&response);
    assert!(body["message"].is_string());
    assert!(body.get("error").is_none());
}

#[tokio::test]
async fn malformed_authorization_is_401() {
    let mock = world().build();
    let mut req = request("GET", "/api/v5/me/memberships/mem_1", None);
    req.headers_mut()
        .insert("authorization", http::HeaderValue::from_static("Basic abc"));
    assert_eq!(call(&mock, req).await.status(), 401);
    assert_eq!(mock.requests()[0].caller, Caller::Malformed);
}

#[tokio::test]
async fn company_key_on_v5_is_403_in_v5_shape() {
    let mock = world().build();
    let response = call(&mock, me("mem_1", COMPANY_KEY)).await;
    assert_eq!(response.status(), 403);
    assert!(json(&response)["message"].is_string());
}

#[tokio::test]
async fn log_redacts_the_token_and_names_the_caller() {
    let mock = world().build();
    call(&mock, me("mem_1?x=1", USER_TOKEN)).await;
    let logged = &mock.requests()[0];
    assert_eq!(logged.method, http::Method::GET);
    assert_eq!(logged.query.as_deref(), Some("x=1"));
    assert_eq!(logged.headers["authorization"], REDACTED);
    assert_eq!(
        logged.caller,
        Caller::User {
            user_id: "user_1".to_owned()
        }
    );
    assert_eq!(logged.status, Some(200));
    assert!(!format!("{:?}", mock.requests()).contains(USER_TOKEN));
}

#[tokio::test]
async fn non_utf8_authorization_is_401_not_a_panic() {
    let mock = world().build();
    let mut req = request("GET", "/api/v5/me/memberships/mem_1", None);
    req.headers_mut().insert(
        "authorization",
        http::HeaderValue::from_bytes(b"Bearer \xff\xfe").unwrap(),
    );
    assert_eq!(call(&mock, req).await.status(), 401);
}
