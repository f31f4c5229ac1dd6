//! `GET /oauth/authorize`.

use super::*;

#[tokio::test]
async fn a_valid_request_redirects_to_the_redirect_uri_with_a_code_and_the_state() {
    let mock = oauth_world().build();
    let response = call(&mock, authorize_request(&Params::authorize())).await;
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.starts_with(&format!("{REDIRECT}?")), "{location}");
    let query = redirected(&response);
    assert_eq!(query["state"], STATE);
    assert!(!query["code"].is_empty());
    assert!(!query.contains_key("error"));
}

#[tokio::test]
async fn a_redirect_uri_with_a_query_keeps_it() {
    let registered = "https://example.com/cb?tenant=a";
    let mock = oauth_world()
        .oauth_app(OAuthApp::public("app_q").redirect_uri(registered))
        .build();
    let params = Params::authorize()
        .set("client_id", "app_q")
        .set("redirect_uri", registered);
    let response = call(&mock, authorize_request(&params)).await;
    let location = response.headers()["location"].to_str().unwrap();
    assert!(
        location.starts_with(&format!("{registered}&code=")),
        "{location}"
    );
}

#[tokio::test]
async fn a_user_who_refuses_is_sent_back_with_access_denied_and_the_state() {
    let mock = oauth_world().oauth_consent(false).build();
    let query = redirected(&call(&mock, authorize_request(&Params::authorize())).await);
    assert_eq!(query["error"], "access_denied");
    assert_eq!(query["state"], STATE);
    assert!(!query.contains_key("code"));
}

#[tokio::test]
async fn consent_can_be_withdrawn_at_run_time() {
    let mock = oauth_world().build();
    mock.set_oauth_consent(false);
    let query = redirected(&call(&mock, authorize_request(&Params::authorize())).await);
    assert_eq!(query["error"], "access_denied");
}

#[tokio::test]
async fn a_custom_scope_enabled_for_the_app_is_granted() {
    let mock = oauth_world().build();
    let params = Params::authorize()
        .set("client_id", CONFIDENTIAL_CLIENT)
        .set("redirect_uri", SERVER_REDIRECT)
        .set("scope", "member:basic:read profile");
    assert!(redirected(&call(&mock, authorize_request(&params)).await).contains_key("code"));
}

/// Refusals sent back to the redirect URI: `(what, request, error)`.
#[tokio::test]
async fn refusals_go_back_to_the_redirect_uri_with_the_error_and_the_state() {
    let mock = oauth_world().build();
    let base = Params::authorize;
    let mut cases = vec![
        (
            "response_type token",
            base().set("response_type", "token"),
            "unsupported_response_type",
        ),
        (
            "no response_type",
            base().without("response_type"),
            "invalid_request",
        ),
        ("no state", base().without("state"), "invalid_request"),
        ("no scope", base().without("scope"), "invalid_request"),
        (
            "an empty scope",
            base().set("scope", " "),
            "invalid_request",
        ),
        (
            "a scope not enabled",
            base().set("scope", "member:basic:read"),
            "invalid_scope",
        ),
        (
            "no code_challenge",
            base().without("code_challenge"),
            "invalid_request",
        ),
        (
            "no code_challenge_method",
            base().without("code_challenge_method"),
            "invalid_request",
        ),
        (
            "method plain",
            base().set("code_challenge_method", "plain"),
            "invalid_request",
        ),
        (
            "a malformed challenge",
            base().set("code_challenge", "abc"),
            "invalid_request",
        ),
        (
            "a parameter twice",
            base().add("scope", "email"),
            "invalid_request",
        ),
    ];
    if cfg!(feature = "oidc") {
        cases.push((
            "openid without a nonce",
            base().set("scope", "openid"),
            "invalid_request",
        ));
    } else {
        let openid = base().set("scope", "openid").set("nonce", NONCE);
        cases.push(("openid without the oidc feature", openid, "invalid_scope"));
    }
    for (what, params, error) in cases {
        let response = call(&mock, authorize_request(&params)).await;
        let location = response.headers()["location"].to_str().unwrap().to_owned();
        assert!(location.starts_with(REDIRECT), "{what}: {location}");
        let query = redirected(&response);
        assert_eq!(
            query.get("error").map(String::as_str),
            Some(error),
            "{what}"
        );
        assert!(query.contains_key("error_description"), "{what}");
        assert!(!query.contains_key("code"), "{what}");
        if params.0.iter().any(|(k, _)| k == "state") {
            assert_eq!(query["state"], STATE, "{what}");
        }
    }
}

/// Refusals answered in place, never redirected (the redirect URI is not trusted yet):
/// `(what, request, error)`.
#[tokio::test]
async fn an_unknown_client_or_redirect_uri_is_refused_without_a_redirect() {
    let mock = oauth_world().build();
    let base = Params::authorize;
    let cases = [
        (
            "an unknown client",
            base().set("client_id", "app_nope"),
            "invalid_client",
        ),
        (
            "no client_id",
            base().without("client_id"),
            "invalid_request",
        ),
        (
            "no redirect_uri",
            base().without("redirect_uri"),
            "invalid_request",
        ),
        (
            "a trailing slash",
            base().set("redirect_uri", &format!("{REDIRECT}/")),
            "invalid_request",
        ),
        (
            "another port",
            base().set("redirect_uri", "http://127.0.0.1:53683/callback"),
            "invalid_request",
        ),
        (
            "another app's URI",
            base().set("redirect_uri", SERVER_REDIRECT),
            "invalid_request",
        ),
    ];
    for (what, params, error) in cases {
        let response = call(&mock, authorize_request(&params)).await;
        assert_eq!(response.status(), 400, "{what}");
        assert!(!response.headers().contains_key("location"), "{what}");
        assert_eq!(oauth_error(&response), error, "{what}");
    }
}

#[tokio::test]
async fn an_app_registered_at_run_time_can_sign_in() {
    let mock = oauth_world().build();
    mock.register_oauth_app(OAuthApp::public("app_late").redirect_uri(REDIRECT));
    let params = Params::authorize().set("client_id", "app_late");
    assert!(redirected(&call(&mock, authorize_request(&params)).await).contains_key("code"));
}

/// With `any_loopback_port`, a registered `http://127.0.0.1:<port>/callback` (or `[::1]`) takes
/// any port, and nothing else: `(what, registered, requested, accepted)`.
#[tokio::test]
async fn any_loopback_port_frees_the_port_of_a_loopback_redirect_only() {
    let cases = [
        (
            "another port",
            REDIRECT,
            "http://127.0.0.1:61000/callback",
            true,
        ),
        ("no port", REDIRECT, "http://127.0.0.1/callback", true),
        (
            "IPv6, another port",
            "http://[::1]:1/cb",
            "http://[::1]:2/cb",
            true,
        ),
        (
            "another path",
            REDIRECT,
            "http://127.0.0.1:61000/other",
            false,
        ),
        (
            "a trailing slash",
            REDIRECT,
            "http://127.0.0.1:61000/callback/",
            false,
        ),
        (
            "another query",
            REDIRECT,
            "http://127.0.0.1:61000/callback?x=1",
            false,
        ),
        (
            "localhost",
            "http://localhost:1/cb",
            "http://localhost:2/cb",
            false,
        ),
        (
            "another loopback host",
            REDIRECT,
            "http://[::1]:53682/callback",
            false,
        ),
        (
            "https",
            "https://127.0.0.1:1/cb",
            "https://127.0.0.1:2/cb",
            false,
        ),
        (
            "not loopback",
            "http://example.com:1/cb",
            "http://example.com:2/cb",
            false,
        ),
    ];
    for (what, registered, requested, accepted) in cases {
        let mock = oauth_world()
            .oauth_app(
                OAuthApp::public("app_native")
                    .redirect_uri(registered)
                    .any_loopback_port(true),
            )
            .build();
        let params = Params::authorize()
            .set("client_id", "app_native")
            .set("redirect_uri", requested);
        let response = call(&mock, authorize_request(&params)).await;
        let status = if accepted { 302 } else { 400 };
        assert_eq!(response.status(), status, "{what}");
    }
}
