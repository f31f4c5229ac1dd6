//! The tokens issued, in use: on the API's user routes, at `userinfo`, and revoked.

use std::time::Duration;

use super::super::{NEW, me, v1};
use super::*;

fn bearer(path: &str, token: &str) -> Request<Bytes> {
    Request::get(path)
        .header("authorization", format!("Bearer {token}"))
        .body(Bytes::new())
        .unwrap()
}

fn revoke(token: &str) -> Params {
    Params::new(&[("token", token), ("client_id", PUBLIC_CLIENT)])
}

/// The statuses of the user routes an access token should open: v5 `me`, v1 `user_id=me` and
/// v1 retrieve of the user's own membership.
async fn user_route_statuses(mock: &MockWhop, access_token: &str) -> [u16; 3] {
    let v5 = call(mock, me("mem_1", access_token)).await;
    let list = call(
        mock,
        v1("GET", "/memberships?user_id=me", access_token, NEW, None),
    )
    .await;
    let one = call(
        mock,
        v1("GET", "/memberships/mem_1", access_token, NEW, None),
    )
    .await;
    [v5.status(), list.status(), one.status()].map(|s| s.as_u16())
}

#[tokio::test]
async fn an_issued_access_token_reads_its_users_memberships_on_v5_and_v1() {
    let mock = oauth_world().build();
    let tokens = sign_in(&mock).await;
    let access_token = text(&tokens["access_token"]);
    assert_eq!(
        user_route_statuses(&mock, access_token).await,
        [200, 200, 200]
    );
    let list = call(
        &mock,
        v1("GET", "/memberships?user_id=me", access_token, NEW, None),
    )
    .await;
    let body = json(&list);
    let ids: Vec<&str> = body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["mem_1"]);
}

#[tokio::test]
async fn an_issued_access_token_does_not_read_another_users_membership() {
    let mock = oauth_world().build();
    let tokens = sign_in(&mock).await;
    let response = call(&mock, me("mem_2", text(&tokens["access_token"]))).await;
    assert_eq!(response.status(), 404);
}

#[tokio::test(start_paused = true)]
async fn an_access_token_stops_working_when_it_expires() {
    let mock = oauth_world()
        .oauth_access_token_lifetime(Duration::from_secs(60))
        .build();
    let tokens = sign_in(&mock).await;
    assert_eq!(tokens["expires_in"], 60);
    let access_token = text(&tokens["access_token"]);
    tokio::time::advance(Duration::from_secs(59)).await;
    assert_eq!(
        user_route_statuses(&mock, access_token).await,
        [200, 200, 200]
    );
    tokio::time::advance(Duration::from_secs(1)).await;
    assert_eq!(
        user_route_statuses(&mock, access_token).await,
        [401, 401, 401]
    );
}

#[tokio::test]
async fn a_refreshed_access_token_works_too() {
    let mock = oauth_world().build();
    let first = sign_in(&mock).await;
    let response = call(
        &mock,
        form_post("/oauth/token", &refresh(text(&first["refresh_token"]))),
    )
    .await;
    let second = json(&response);
    let access_token = text(&second["access_token"]);
    assert_eq!(
        user_route_statuses(&mock, access_token).await,
        [200, 200, 200]
    );
}

#[tokio::test]
async fn a_revoked_refresh_token_takes_its_access_tokens_with_it() {
    let mock = oauth_world().build();
    let tokens = sign_in(&mock).await;
    let refresh_token = text(&tokens["refresh_token"]);
    let response = call(&mock, form_post("/oauth/revoke", &revoke(refresh_token))).await;
    assert_eq!(response.status(), 200);
    let access_token = text(&tokens["access_token"]);
    assert_eq!(
        user_route_statuses(&mock, access_token).await,
        [401, 401, 401]
    );
    let refreshed = call(&mock, form_post("/oauth/token", &refresh(refresh_token))).await;
    assert_eq!(oauth_error(&refreshed), "invalid_grant");
}

#[tokio::test]
async fn a_revoked_access_token_stops_working() {
    let mock = oauth_world().build();
    let tokens = sign_in(&mock).await;
    let access_token = text(&tokens["access_token"]);
    let response = call(&mock, form_post("/oauth/revoke", &revoke(access_token))).await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        user_route_statuses(&mock, access_token).await,
        [401, 401, 401]
    );
}

#[tokio::test]
async fn revoking_an_unknown_or_another_clients_token_answers_200_and_changes_nothing() {
    let mock = oauth_world().build();
    let tokens = sign_in(&mock).await;
    let unknown = call(&mock, form_post("/oauth/revoke", &revoke("ort_nope"))).await;
    assert_eq!(unknown.status(), 200);
    let foreign = revoke(text(&tokens["refresh_token"]))
        .set("client_id", CONFIDENTIAL_CLIENT)
        .set("client_secret", SECRET);
    assert_eq!(
        call(&mock, form_post("/oauth/revoke", &foreign))
            .await
            .status(),
        200
    );
    let access_token = text(&tokens["access_token"]);
    assert_eq!(
        user_route_statuses(&mock, access_token).await,
        [200, 200, 200]
    );
}

#[tokio::test]
async fn a_confidential_client_authenticates_to_revoke() {
    let mock = oauth_world().build();
    let unauthenticated = revoke("ort_any").set("client_id", CONFIDENTIAL_CLIENT);
    let response = call(&mock, form_post("/oauth/revoke", &unauthenticated)).await;
    assert_eq!(response.status(), 401);
    assert_eq!(oauth_error(&response), "invalid_client");
}

#[tokio::test]
async fn userinfo_without_a_live_token_is_401_invalid_token() {
    let mock = oauth_world().build();
    for request in [
        bearer("/oauth/userinfo", "oat_nope"),
        Request::get("/oauth/userinfo").body(Bytes::new()).unwrap(),
    ] {
        let response = call(&mock, request).await;
        assert_eq!(response.status(), 401);
        assert_eq!(oauth_error(&response), "invalid_token");
        assert!(response.headers().contains_key("www-authenticate"));
    }
}

#[tokio::test]
async fn userinfo_needs_the_openid_scope() {
    let mock = oauth_world().build();
    let tokens = sign_in(&mock).await;
    let response = call(
        &mock,
        bearer("/oauth/userinfo", text(&tokens["access_token"])),
    )
    .await;
    assert_eq!(response.status(), 403);
    assert_eq!(oauth_error(&response), "insufficient_scope");
}

#[tokio::test]
async fn oauth_paths_are_at_the_origin_not_under_api() {
    let mock = oauth_world().build();
    let response = call(&mock, authorize_request(&Params::authorize())).await;
    assert_eq!(response.status(), 302);
    let misplaced = Request::get(format!(
        "/api/oauth/authorize?{}",
        Params::authorize().encoded()
    ))
    .body(Bytes::new())
    .unwrap();
    assert_eq!(call(&mock, misplaced).await.status(), 404);
}
