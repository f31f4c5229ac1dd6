//! `POST /oauth/token` (and the legacy `POST /api/v5/oauth/token`).

use std::time::Duration;

use base64::Engine as _;

use super::*;
use crate::AUTHORIZATION_CODE_LIFETIME;

fn token(params: &Params) -> Request<Bytes> {
    form_post("/oauth/token", params)
}

/// The confidential app's code exchange, without client authentication.
async fn confidential_exchange(mock: &MockWhop) -> Params {
    let authorize = Params::authorize()
        .set("client_id", CONFIDENTIAL_CLIENT)
        .set("redirect_uri", SERVER_REDIRECT);
    let code = code_for(mock, &authorize).await;
    exchange(&code)
        .set("client_id", CONFIDENTIAL_CLIENT)
        .set("redirect_uri", SERVER_REDIRECT)
}

fn basic(id: &str, secret: &str) -> String {
    let pair = format!("{id}:{secret}");
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(pair)
    )
}

#[tokio::test]
async fn the_code_exchange_answers_bearer_tokens_for_an_hour_that_no_cache_keeps() {
    let mock = oauth_world().build();
    let code = code_for(&mock, &Params::authorize()).await;
    let response = call(&mock, token(&exchange(&code))).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let body = json(&response);
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 3600);
    assert!(!text(&body["access_token"]).is_empty());
    assert!(!text(&body["refresh_token"]).is_empty());
    assert!(body.get("id_token").is_none(), "no openid, no id_token");
}

#[tokio::test]
async fn a_json_body_is_read_as_a_form_is() {
    let mock = oauth_world().build();
    let code = code_for(&mock, &Params::authorize()).await;
    let request = Request::post("/oauth/token")
        .header("content-type", "application/json")
        .body(Bytes::from(exchange(&code).json().to_string()))
        .unwrap();
    assert_eq!(call(&mock, request).await.status(), 200);
}

#[tokio::test]
async fn a_code_works_once() {
    let mock = oauth_world().build();
    let code = code_for(&mock, &Params::authorize()).await;
    assert_eq!(call(&mock, token(&exchange(&code))).await.status(), 200);
    let again = call(&mock, token(&exchange(&code))).await;
    assert_eq!(again.status(), 400);
    assert_eq!(oauth_error(&again), "invalid_grant");
}

#[tokio::test]
async fn a_reused_code_revokes_the_tokens_its_first_exchange_gave() {
    let mock = oauth_world().build();
    let code = code_for(&mock, &Params::authorize()).await;
    let first = json(&call(&mock, token(&exchange(&code))).await);
    call(&mock, token(&exchange(&code))).await;
    let refreshed = call(&mock, token(&refresh(text(&first["refresh_token"])))).await;
    assert_eq!(oauth_error(&refreshed), "invalid_grant");
}

#[tokio::test(start_paused = true)]
async fn a_code_works_until_ten_minutes_after_it_was_issued() {
    let mock = oauth_world().build();
    let code = code_for(&mock, &Params::authorize()).await;
    tokio::time::advance(AUTHORIZATION_CODE_LIFETIME - Duration::from_secs(1)).await;
    assert_eq!(call(&mock, token(&exchange(&code))).await.status(), 200);
}

#[tokio::test(start_paused = true)]
async fn a_code_expires_ten_minutes_after_it_was_issued() {
    let mock = oauth_world().build();
    let code = code_for(&mock, &Params::authorize()).await;
    tokio::time::advance(AUTHORIZATION_CODE_LIFETIME).await;
    let late = call(&mock, token(&exchange(&code))).await;
    assert_eq!(oauth_error(&late), "invalid_grant");
}

/// Exchanges of a valid code, each with one thing wrong: `(what, change, status, error)`.
#[tokio::test]
async fn a_wrong_code_exchange_is_refused_with_the_oauth_error() {
    type Change = fn(Params) -> Params;
    let cases: [(&str, Change, u16, &str); 9] = [
        (
            "a wrong verifier",
            |p| p.set("code_verifier", &"w".repeat(43)),
            400,
            "invalid_grant",
        ),
        (
            "a malformed verifier",
            |p| p.set("code_verifier", "short"),
            400,
            "invalid_request",
        ),
        (
            "no verifier",
            |p| p.without("code_verifier"),
            400,
            "invalid_request",
        ),
        (
            "another redirect_uri",
            |p| p.set("redirect_uri", &format!("{REDIRECT}/")),
            400,
            "invalid_grant",
        ),
        (
            "an unknown code",
            |p| p.set("code", "code_nope"),
            400,
            "invalid_grant",
        ),
        ("no code", |p| p.without("code"), 400, "invalid_request"),
        (
            "grant_type password",
            |p| p.set("grant_type", "password"),
            400,
            "unsupported_grant_type",
        ),
        (
            "an unknown client",
            |p| p.set("client_id", "app_nope"),
            401,
            "invalid_client",
        ),
        (
            "no client_id",
            |p| p.without("client_id"),
            400,
            "invalid_request",
        ),
    ];
    for (what, change, status, error) in cases {
        let mock = oauth_world().build();
        let code = code_for(&mock, &Params::authorize()).await;
        let response = call(&mock, token(&change(exchange(&code)))).await;
        assert_eq!(response.status(), status, "{what}");
        assert_eq!(oauth_error(&response), error, "{what}");
    }
}

#[tokio::test]
async fn a_code_of_another_client_is_refused() {
    let mock = oauth_world().build();
    let code = code_for(&mock, &Params::authorize()).await;
    let stolen = exchange(&code)
        .set("client_id", CONFIDENTIAL_CLIENT)
        .set("client_secret", SECRET);
    assert_eq!(
        oauth_error(&call(&mock, token(&stolen)).await),
        "invalid_grant"
    );
}

#[tokio::test]
async fn a_failed_client_authentication_leaves_the_code_usable() {
    let mock = oauth_world().build();
    let params = confidential_exchange(&mock).await;
    let wrong = params.clone().set("client_secret", "apik_wrong");
    assert_eq!(call(&mock, token(&wrong)).await.status(), 401);
    let right = params.set("client_secret", SECRET);
    assert_eq!(call(&mock, token(&right)).await.status(), 200);
}

/// A confidential app's client authentication: `(what, body secret, Authorization, status,
/// error)`.
#[tokio::test]
async fn a_confidential_client_authenticates_in_the_body_or_with_http_basic() {
    let cases = [
        ("secret in the body", Some(SECRET), None, 200, None),
        (
            "HTTP Basic",
            None,
            Some(basic(CONFIDENTIAL_CLIENT, SECRET)),
            200,
            None,
        ),
        ("no secret", None, None, 401, Some("invalid_client")),
        (
            "a wrong secret in the body",
            Some("apik_wrong"),
            None,
            401,
            Some("invalid_client"),
        ),
        (
            "a wrong secret with Basic",
            None,
            Some(basic(CONFIDENTIAL_CLIENT, "x")),
            401,
            Some("invalid_client"),
        ),
        (
            "Basic for another client",
            None,
            Some(basic(PUBLIC_CLIENT, "")),
            401,
            Some("invalid_client"),
        ),
        (
            "both at once",
            Some(SECRET),
            Some(basic(CONFIDENTIAL_CLIENT, SECRET)),
            400,
            Some("invalid_request"),
        ),
        (
            "malformed Basic",
            None,
            Some("Basic !!!".to_owned()),
            401,
            Some("invalid_client"),
        ),
    ];
    for (what, secret, authorization, status, error) in cases {
        let mock = oauth_world().build();
        let mut params = confidential_exchange(&mock).await;
        if let Some(secret) = secret {
            params = params.set("client_secret", secret);
        }
        let mut request = token(&params);
        if let Some(authorization) = authorization {
            request
                .headers_mut()
                .insert("authorization", authorization.parse().unwrap());
        }
        let response = call(&mock, request).await;
        assert_eq!(response.status(), status, "{what}");
        if let Some(error) = error {
            assert_eq!(oauth_error(&response), error, "{what}");
        }
    }
}

#[tokio::test]
async fn a_public_client_needs_no_secret() {
    let mock = oauth_world().build();
    let code = code_for(&mock, &Params::authorize()).await;
    let without = exchange(&code).without("client_secret");
    assert_eq!(call(&mock, token(&without)).await.status(), 200);
}

#[tokio::test]
async fn a_refresh_gives_a_new_access_and_refresh_token() {
    let mock = oauth_world().build();
    let first = sign_in(&mock).await;
    let response = call(&mock, token(&refresh(text(&first["refresh_token"])))).await;
    assert_eq!(response.status(), 200);
    let second = json(&response);
    assert_ne!(second["access_token"], first["access_token"]);
    assert_ne!(second["refresh_token"], first["refresh_token"]);
    assert_eq!(second["expires_in"], 3600);
}

#[tokio::test]
async fn a_replayed_refresh_token_is_invalid_grant_and_revokes_its_sign_in() {
    let mock = oauth_world().build();
    let first = sign_in(&mock).await;
    let old = text(&first["refresh_token"]);
    let second = json(&call(&mock, token(&refresh(old))).await);
    let replay = call(&mock, token(&refresh(old))).await;
    assert_eq!(oauth_error(&replay), "invalid_grant");
    let rotated = call(&mock, token(&refresh(text(&second["refresh_token"])))).await;
    assert_eq!(oauth_error(&rotated), "invalid_grant");
}

#[tokio::test]
async fn a_refresh_must_repeat_the_company_id_it_was_authorized_with() {
    let mock = oauth_world().build();
    let code = code_for(&mock, &Params::authorize().set("company_id", "biz_1")).await;
    let tokens = json(&call(&mock, token(&exchange(&code))).await);
    let refresh_token = text(&tokens["refresh_token"]);
    for wrong in [
        refresh(refresh_token),
        refresh(refresh_token).set("company_id", "biz_2"),
    ] {
        assert_eq!(
            oauth_error(&call(&mock, token(&wrong)).await),
            "invalid_grant"
        );
    }
    let right = refresh(refresh_token).set("company_id", "biz_1");
    assert_eq!(call(&mock, token(&right)).await.status(), 200);
}

#[tokio::test]
async fn a_refresh_token_of_another_client_is_refused() {
    let mock = oauth_world().build();
    let tokens = sign_in(&mock).await;
    let other = refresh(text(&tokens["refresh_token"]))
        .set("client_id", CONFIDENTIAL_CLIENT)
        .set("client_secret", SECRET);
    assert_eq!(
        oauth_error(&call(&mock, token(&other)).await),
        "invalid_grant"
    );
    let own = refresh(text(&tokens["refresh_token"]));
    assert_eq!(call(&mock, token(&own)).await.status(), 200, "not used up");
}

#[tokio::test]
async fn the_legacy_exchange_answers_an_access_token_only() {
    let mock = oauth_world().build();
    let params = confidential_exchange(&mock)
        .await
        .without("code_verifier")
        .set("client_secret", SECRET);
    let response = call(&mock, form_post("/api/v5/oauth/token", &params)).await;
    assert_eq!(response.status(), 200);
    let body = json(&response);
    assert_eq!(body.as_object().unwrap().len(), 1, "{body}");
    assert!(!text(&body["access_token"]).is_empty());
}

#[tokio::test]
async fn the_legacy_exchange_needs_a_confidential_apps_secret() {
    let mock = oauth_world().build();
    let code = code_for(&mock, &Params::authorize()).await;
    let params = exchange(&code).without("code_verifier");
    for params in [params.clone(), params.set("client_secret", "anything")] {
        let response = call(&mock, form_post("/api/v5/oauth/token", &params)).await;
        assert_eq!(oauth_error(&response), "invalid_client");
    }
}
