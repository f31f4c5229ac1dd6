//! What a new user relies on: terminate, an unmistakable unknown-route answer, the limits in
//! force, one demo world with a key per case.

use std::time::Duration;

use super::{COMPANY_KEY, USER_TOKEN, bounded, call, json, me, request, world};
use crate::{
    DEMO_CANCELING_LICENSE_KEY, DEMO_EXPIRED_LICENSE_KEY, DEMO_LICENSE_KEY, DEMO_LICENSE_KEYS,
    DEMO_USER_TOKEN, Limit, MockWhop, RateLimits, Route, UNKNOWN_ROUTE_BODY,
};

fn terminate(id: &str, token: &str) -> http::Request<bytes::Bytes> {
    request(
        "POST",
        &format!("/api/v2/memberships/{id}/terminate?expand[]=user"),
        Some(token),
    )
}

#[tokio::test]
async fn terminate_ends_the_membership_at_once_and_answers_201() {
    let mock = world().build();
    let response = call(&mock, terminate("mem_1", COMPANY_KEY)).await;
    assert_eq!(response.status(), 201);
    let body = json(&response);
    assert_eq!(body["valid"], false);
    assert_eq!(body["status"], "canceled");
    assert_eq!(body["user"]["id"], "user_1");
    let after = mock.membership("mem_1").expect("seeded");
    assert!(!after.valid);
    assert_eq!(
        mock.requests()[0].route,
        Some(Route::TerminateMembership {
            id: "mem_1".to_owned()
        })
    );
}

#[tokio::test]
async fn terminate_with_a_user_token_is_403_and_changes_nothing() {
    let mock = world().build();
    let response = call(&mock, terminate("mem_1", USER_TOKEN)).await;
    assert_eq!(response.status(), 403);
    assert!(mock.membership("mem_1").expect("seeded").valid);
}

#[tokio::test]
async fn an_unknown_route_is_a_plain_text_404_not_whops_error_body() {
    let mock = world().build();
    for path in [
        "/v5/me/memberships/K-1", // a base URL without /api
        "/api/v5/me",
        "/api/v2/memberships/mem_1/nothing",
    ] {
        let response = call(&mock, request("GET", path, Some(USER_TOKEN))).await;
        assert_eq!(response.status(), 404, "{path}");
        assert_eq!(
            response.body().as_ref(),
            UNKNOWN_ROUTE_BODY.as_bytes(),
            "{path}"
        );
        assert!(serde_json::from_slice::<serde_json::Value>(response.body()).is_err());
    }
    // Whop's own not-found answer stays JSON.
    let response = call(&mock, me("NO-SUCH-KEY", USER_TOKEN)).await;
    assert_eq!(response.status(), 404);
    assert_eq!(json(&response)["message"], "Membership not found");
}

#[tokio::test]
async fn served_base_url_is_the_api_root_a_client_takes() {
    let server = bounded(world().build().serve()).await.expect("serve");
    assert_eq!(server.base_url(), format!("{}/api", server.origin()));
    assert_eq!(
        server.url("/api/v5/me"),
        format!("{}/v5/me", server.base_url())
    );
}

#[test]
fn the_limits_in_force_can_be_read() {
    let limits = RateLimits::whop().v5(Some(Limit::new(2, Duration::from_millis(50))));
    let mock = MockWhop::builder().rate_limits(limits).build();
    assert_eq!(mock.rate_limits(), limits);
    mock.set_rate_limits(RateLimits::disabled());
    assert_eq!(mock.rate_limits(), RateLimits::disabled());
}

#[tokio::test]
async fn the_demo_world_has_a_key_for_each_case() {
    let mock = MockWhop::demo();
    mock.set_rate_limits(RateLimits::disabled());
    let lookup = |key: &str| call(&mock, me(key, DEMO_USER_TOKEN));
    let valid = json(&lookup(DEMO_LICENSE_KEY).await);
    assert_eq!(
        (
            valid["valid"].clone(),
            valid["cancel_at_period_end"].clone()
        ),
        (true.into(), false.into())
    );
    let expired = json(&lookup(DEMO_EXPIRED_LICENSE_KEY).await);
    assert_eq!(
        (expired["valid"].clone(), expired["status"].clone()),
        (false.into(), "expired".into())
    );
    let canceling = json(&lookup(DEMO_CANCELING_LICENSE_KEY).await);
    assert_eq!(
        (
            canceling["valid"].clone(),
            canceling["cancel_at_period_end"].clone()
        ),
        (true.into(), true.into())
    );
    for (key, _) in DEMO_LICENSE_KEYS {
        assert_eq!(lookup(key).await.status(), 200, "{key}");
    }
}
