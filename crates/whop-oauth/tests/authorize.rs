//! The authorization URL and the callback, against a loopback OAuth server.

mod support;

use std::collections::HashMap;
use std::time::Duration;

use support::{CLIENT_ID, OAuthServer, REDIRECT_URI, error_body, token_body};
use whop_oauth::oauth2::ClientSecret;
use whop_oauth::oauth2::url::Url;
use whop_oauth::{Callback, ClientAuth, Error, OAuthErrorCode, PendingAuthorization};

fn query(url: &str) -> HashMap<String, String> {
    Url::parse(url)
        .unwrap()
        .query_pairs()
        .into_owned()
        .collect()
}

async fn token_server() -> OAuthServer {
    OAuthServer::start(Duration::ZERO, |_| (200, token_body("at_1", "rt_1", 3600))).await
}

fn callback_for(pending: &PendingAuthorization, code: &str) -> Callback {
    Callback::from_query(&format!("code={code}&state={}", pending.state()))
}

#[tokio::test]
async fn authorization_url_carries_every_parameter_whop_expects() {
    let server = token_server().await;
    let pending = server
        .client(ClientAuth::None)
        .authorize()
        .company_id("biz_1")
        .start();
    let url = Url::parse(pending.url()).unwrap();
    assert_eq!(url.path(), "/oauth/authorize");
    let q = query(pending.url());
    assert_eq!(q["response_type"], "code");
    assert_eq!(q["client_id"], CLIENT_ID);
    assert_eq!(q["redirect_uri"], REDIRECT_URI);
    assert_eq!(q["scope"], "openid profile email");
    assert_eq!(q["state"], pending.state());
    assert_eq!(Some(q["nonce"].as_str()), pending.nonce());
    assert_eq!(q["code_challenge_method"], "S256");
    assert_eq!(
        q["code_challenge"].len(),
        43,
        "base64url of SHA-256, unpadded"
    );
    assert_eq!(q["company_id"], "biz_1");
}

#[tokio::test]
async fn nonce_and_company_id_are_sent_only_when_they_apply() {
    let server = token_server().await;
    let client = server.client(ClientAuth::None);
    let pending = client.authorize().scopes(["member:basic:read"]).start();
    let q = query(pending.url());
    assert_eq!(q["scope"], "member:basic:read");
    assert!(!q.contains_key("nonce"));
    assert!(!q.contains_key("company_id"));
    assert_eq!(pending.nonce(), None);
}

#[tokio::test]
async fn each_sign_in_has_its_own_state_and_challenge() {
    let server = token_server().await;
    let client = server.client(ClientAuth::None);
    let (a, b) = (client.authorize().start(), client.authorize().start());
    let (qa, qb) = (query(a.url()), query(b.url()));
    assert_ne!(qa["state"], qb["state"]);
    assert_ne!(qa["code_challenge"], qb["code_challenge"]);
    assert_ne!(qa["nonce"], qb["nonce"]);
}

#[tokio::test]
async fn finish_exchanges_the_code_with_the_verifier_and_the_exact_redirect_uri() {
    let server = token_server().await;
    let client = server.client(ClientAuth::None);
    let pending = client.authorize().company_id("biz_1").start();
    let nonce = pending.nonce().map(str::to_owned);
    let callback = callback_for(&pending, "c_1");
    let signed_in = client.finish(pending, &callback).await.unwrap();
    let form = server.seen()[0].form();
    assert_eq!(form["grant_type"], "authorization_code");
    assert_eq!(form["code"], "c_1");
    assert_eq!(form["redirect_uri"], REDIRECT_URI);
    assert_eq!(form["client_id"], CLIENT_ID);
    assert_eq!(form["code_verifier"].len(), 43);
    assert_eq!(signed_in.tokens.access_token().secret(), "at_1");
    assert_eq!(signed_in.tokens.refresh_token().unwrap().secret(), "rt_1");
    assert_eq!(signed_in.tokens.company_id(), Some("biz_1"));
    assert!(signed_in.tokens.expires_at().is_some());
    assert_eq!(signed_in.nonce, nonce);
}

#[tokio::test]
async fn a_wrong_state_is_refused_before_anything_is_sent() {
    let server = token_server().await;
    let client = server.client(ClientAuth::None);
    let cases = ["code=c_1&state=forged", "code=c_1", "state=&code=c_1"];
    for query in cases {
        let pending = client.authorize().start();
        let result = client.finish(pending, &Callback::from_query(query)).await;
        assert!(
            matches!(result, Err(Error::StateMismatch)),
            "{query}: {result:?}"
        );
    }
    assert_eq!(server.seen().len(), 0);
}

#[tokio::test]
async fn an_error_redirect_is_a_typed_authorization_error_with_or_without_state() {
    let server = token_server().await;
    let client = server.client(ClientAuth::None);
    let cases = [
        (
            "error=access_denied&error_description=User+said+no",
            OAuthErrorCode::AccessDenied,
            Some("User said no"),
        ),
        ("error=invalid_scope", OAuthErrorCode::InvalidScope, None),
        (
            "error=brand_new",
            OAuthErrorCode::Other("brand_new".to_owned()),
            None,
        ),
    ];
    for (query, expected_code, expected_description) in cases {
        for with_state in [true, false] {
            let pending = client.authorize().start();
            let query = match with_state {
                true => format!("{query}&state={}", pending.state()),
                false => query.to_owned(),
            };
            match client.finish(pending, &Callback::from_query(&query)).await {
                Err(Error::Authorization { code, description }) => {
                    assert_eq!(code, expected_code, "{query}");
                    assert_eq!(description.as_deref(), expected_description, "{query}");
                }
                other => panic!("{query}: {other:?}"),
            }
        }
    }
    assert_eq!(server.seen().len(), 0);
}

#[tokio::test]
async fn a_callback_with_neither_code_nor_error_is_missing_code() {
    let server = token_server().await;
    let client = server.client(ClientAuth::None);
    let pending = client.authorize().start();
    let callback = Callback::from_query(&format!("state={}", pending.state()));
    assert!(matches!(
        client.finish(pending, &callback).await,
        Err(Error::MissingCode)
    ));
}

#[tokio::test]
async fn a_refused_exchange_is_a_typed_endpoint_error() {
    // A reused or expired code and a wrong verifier all come back from Whop as invalid_grant.
    let cases = [
        (
            400,
            error_body("invalid_grant", "code already used"),
            OAuthErrorCode::InvalidGrant,
        ),
        (
            400,
            error_body("invalid_grant", "PKCE verification failed"),
            OAuthErrorCode::InvalidGrant,
        ),
        (
            401,
            error_body("invalid_client", "client_secret is required"),
            OAuthErrorCode::InvalidClient,
        ),
    ];
    for (status, body, expected) in cases {
        let server = OAuthServer::start(Duration::ZERO, move |_| (status, body.clone())).await;
        let client = server.client(ClientAuth::None);
        let pending = client.authorize().start();
        let callback = callback_for(&pending, "c_1");
        match client.finish(pending, &callback).await {
            Err(Error::Endpoint { code, description }) => {
                assert_eq!(code, expected);
                assert!(description.is_some());
            }
            other => panic!("{expected}: {other:?}"),
        }
    }
}

#[tokio::test]
async fn client_authentication_goes_where_the_mode_says() {
    let secret = || ClientSecret::new("sec_1".to_owned());
    // (mode, client_secret in the body, Authorization header, client_id in the body)
    let cases = [
        (ClientAuth::None, None, None, true),
        (
            ClientAuth::SecretInBody(secret()),
            Some("sec_1"),
            None,
            true,
        ),
        (
            ClientAuth::Basic(secret()),
            None,
            Some("Basic YXBwX3Rlc3Q6c2VjXzE="),
            false,
        ),
    ];
    for (mode, body_secret, header, body_client_id) in cases {
        let server = token_server().await;
        let client = server.client(mode.clone());
        let pending = client.authorize().start();
        let callback = callback_for(&pending, "c_1");
        client.finish(pending, &callback).await.unwrap();
        let request = &server.seen()[0];
        let form = request.form();
        assert_eq!(
            form.get("client_secret").map(String::as_str),
            body_secret,
            "{mode:?}"
        );
        let authorization = request
            .headers
            .get("authorization")
            .map(|v| v.to_str().unwrap());
        assert_eq!(authorization, header, "{mode:?}");
        assert_eq!(form.contains_key("client_id"), body_client_id, "{mode:?}");
    }
}

#[tokio::test]
async fn the_verifier_sent_with_the_code_is_the_one_behind_the_challenge() {
    use base64::Engine as _;
    use sha2::Digest as _;
    let server = token_server().await;
    let client = server.client(ClientAuth::None);
    let pending = client.authorize().start();
    let challenge = query(pending.url())["code_challenge"].clone();
    let callback = callback_for(&pending, "c_1");
    client.finish(pending, &callback).await.unwrap();
    let verifier = server.seen()[0].form()["code_verifier"].clone();
    let digest = sha2::Sha256::digest(verifier.as_bytes());
    let expected = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(digest);
    assert_eq!(challenge, expected);
}

#[tokio::test]
async fn a_pending_sign_in_kept_as_json_finishes_as_the_original_would() {
    let server = token_server().await;
    let client = server.client(ClientAuth::None);
    let pending = client.authorize().start();
    let callback = callback_for(&pending, "c_1");
    let kept = serde_json::to_string(&pending).unwrap();
    let restored: PendingAuthorization = serde_json::from_str(&kept).unwrap();
    assert_eq!(restored.url(), pending.url());
    client.finish(restored, &callback).await.unwrap();
}
