//! Tokens kept, refreshed one at a time, revoked; userinfo. Against a loopback OAuth server.

mod support;

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use support::{CLIENT_ID, OAuthServer, error_body, token_body};
use whop_oauth::{ClientAuth, Error, MemoryTokenStore, TokenSet, TokenSource};

fn expired() -> TokenSet {
    TokenSet::new(
        "at_1",
        Some("rt_1".to_owned()),
        Some(SystemTime::now() - Duration::from_secs(1)),
    )
}

fn fresh() -> TokenSet {
    TokenSet::new(
        "at_1",
        Some("rt_1".to_owned()),
        Some(SystemTime::now() + Duration::from_secs(3600)),
    )
}

/// A server whose token endpoint rotates to `at_2`/`rt_2`, after `delay`.
async fn rotating_server(delay: Duration) -> OAuthServer {
    OAuthServer::start(delay, |r| match r.path.as_str() {
        "/oauth/token" => (200, token_body("at_2", "rt_2", 3600)),
        "/oauth/revoke" => (200, String::new()),
        _ => (404, String::new()),
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_concurrent_calls_on_an_expired_token_make_one_refresh() {
    let server = rotating_server(Duration::from_millis(50)).await;
    let store = MemoryTokenStore::with(expired());
    let source = Arc::new(TokenSource::new(
        server.client(ClientAuth::None),
        store.clone(),
    ));
    let calls: Vec<_> = (0..100)
        .map(|_| {
            let source = Arc::clone(&source);
            tokio::spawn(async move { source.tokens().await })
        })
        .collect();
    for call in calls {
        let tokens = call.await.unwrap().unwrap();
        assert_eq!(tokens.access_token().secret(), "at_2");
    }
    assert_eq!(server.count("/oauth/token"), 1);
    assert_eq!(
        store.get().unwrap().refresh_token().unwrap().secret(),
        "rt_2"
    );
}

#[tokio::test]
async fn a_fresh_token_is_used_without_a_refresh() {
    let server = rotating_server(Duration::ZERO).await;
    let source = TokenSource::new(
        server.client(ClientAuth::None),
        MemoryTokenStore::with(fresh()),
    );
    assert_eq!(
        source.tokens().await.unwrap().access_token().secret(),
        "at_1"
    );
    assert_eq!(server.seen().len(), 0);
}

#[tokio::test]
async fn a_token_within_the_margin_is_refreshed_before_it_expires() {
    let server = rotating_server(Duration::ZERO).await;
    let soon = TokenSet::new(
        "at_1",
        Some("rt_1".to_owned()),
        Some(SystemTime::now() + Duration::from_secs(60)),
    );
    let source = TokenSource::new(
        server.client(ClientAuth::None),
        MemoryTokenStore::with(soon),
    );
    assert_eq!(
        source.tokens().await.unwrap().access_token().secret(),
        "at_2"
    );
}

#[tokio::test]
async fn a_refresh_sends_the_refresh_token_and_the_same_company_id() {
    let server = rotating_server(Duration::ZERO).await;
    let tokens = expired().with_company_id(Some("biz_1".to_owned()));
    let source = TokenSource::new(
        server.client(ClientAuth::None),
        MemoryTokenStore::with(tokens),
    );
    let refreshed = source.tokens().await.unwrap();
    let form = server.seen()[0].form();
    assert_eq!(form["grant_type"], "refresh_token");
    assert_eq!(form["refresh_token"], "rt_1");
    assert_eq!(form["client_id"], CLIENT_ID);
    assert_eq!(form["company_id"], "biz_1");
    assert_eq!(refreshed.company_id(), Some("biz_1"));
}

#[tokio::test]
async fn a_refused_refresh_token_is_sign_in_again_and_forgotten() {
    let server = OAuthServer::start(Duration::ZERO, |_| {
        (
            400,
            error_body("invalid_grant", "refresh token already used"),
        )
    })
    .await;
    let store = MemoryTokenStore::with(expired());
    let source = TokenSource::new(server.client(ClientAuth::None), store.clone());
    let error = source.tokens().await.unwrap_err();
    assert!(matches!(error, Error::SignInAgain { .. }), "{error:?}");
    assert!(error.to_string().starts_with("sign in again"), "{error}");
    assert!(store.get().is_none());
    assert!(matches!(
        source.tokens().await,
        Err(Error::SignInAgain { .. })
    ));
    assert_eq!(
        server.count("/oauth/token"),
        1,
        "a dead grant is not tried twice"
    );
}

#[tokio::test]
async fn no_stored_sign_in_is_sign_in_again() {
    let server = rotating_server(Duration::ZERO).await;
    let source = TokenSource::new(server.client(ClientAuth::None), MemoryTokenStore::new());
    assert!(matches!(
        source.token().await,
        Err(Error::SignInAgain { .. })
    ));
}

#[tokio::test]
async fn an_expired_set_without_a_refresh_token_is_sign_in_again() {
    let server = rotating_server(Duration::ZERO).await;
    let store = MemoryTokenStore::with(TokenSet::new("at_1", None, Some(SystemTime::now())));
    let source = TokenSource::new(server.client(ClientAuth::None), store);
    assert!(matches!(
        source.tokens().await,
        Err(Error::SignInAgain { .. })
    ));
    assert_eq!(server.seen().len(), 0);
}

#[tokio::test]
async fn a_401_on_a_token_already_replaced_does_not_refresh_again() {
    let server = rotating_server(Duration::ZERO).await;
    let source = TokenSource::new(
        server.client(ClientAuth::None),
        MemoryTokenStore::with(fresh()),
    );
    let first = source.token().await.unwrap();
    let replaced = source.refresh_after_unauthorized(&first).await.unwrap();
    let again = source.refresh_after_unauthorized(&first).await.unwrap();
    assert_eq!(replaced.header_value(), again.header_value());
    assert_eq!(server.count("/oauth/token"), 1);
}

#[tokio::test]
async fn sign_out_revokes_the_refresh_token_and_forgets_the_set() {
    let server = rotating_server(Duration::ZERO).await;
    let store = MemoryTokenStore::with(fresh());
    let source = TokenSource::new(server.client(ClientAuth::None), store.clone());
    source.sign_out().await.unwrap();
    let form = server.seen()[0].form();
    assert_eq!(server.seen()[0].path, "/oauth/revoke");
    assert_eq!(form["token"], "rt_1");
    assert_eq!(form["token_type_hint"], "refresh_token");
    assert_eq!(form["client_id"], CLIENT_ID);
    assert!(store.get().is_none());
    assert!(matches!(
        source.token().await,
        Err(Error::SignInAgain { .. })
    ));
}

#[tokio::test]
async fn userinfo_sends_the_bearer_token_and_reads_the_claims() {
    let server = OAuthServer::start(Duration::ZERO, |_| {
        (200, r#"{"sub":"user_1","name":"Ada","email":"ada@example.com","email_verified":true,"locale":"en"}"#.to_owned())
    })
    .await;
    let source = TokenSource::new(
        server.client(ClientAuth::None),
        MemoryTokenStore::with(fresh()),
    );
    let info = source.userinfo().await.unwrap();
    assert_eq!(info.sub, "user_1");
    assert_eq!(info.email.as_deref(), Some("ada@example.com"));
    assert_eq!(info.email_verified, Some(true));
    assert_eq!(info.other["locale"], "en");
    let request = &server.seen()[0];
    assert_eq!(request.path, "/oauth/userinfo");
    assert_eq!(request.headers["authorization"], "Bearer at_1");
}

#[tokio::test]
async fn a_401_after_a_refresh_is_sign_in_again() {
    let server = OAuthServer::start(Duration::ZERO, |r| match r.path.as_str() {
        "/oauth/token" => (200, token_body("at_2", "rt_2", 3600)),
        _ => (401, error_body("invalid_token", "expired")),
    })
    .await;
    let source = TokenSource::new(
        server.client(ClientAuth::None),
        MemoryTokenStore::with(fresh()),
    );
    let error = source.userinfo().await.unwrap_err();
    assert!(matches!(error, Error::SignInAgain { .. }), "{error:?}");
    assert_eq!(server.count("/oauth/token"), 1);
    assert_eq!(server.count("/oauth/userinfo"), 2);
}

#[tokio::test]
async fn revocation_authenticates_the_client_as_the_token_requests_do() {
    use whop_oauth::oauth2::ClientSecret;
    let secret = || ClientSecret::new("sec_1".to_owned());
    // (mode, client_secret in the body, Authorization header)
    let cases = [
        (ClientAuth::None, None, None),
        (ClientAuth::SecretInBody(secret()), Some("sec_1"), None),
        (
            ClientAuth::Basic(secret()),
            None,
            Some("Basic YXBwX3Rlc3Q6c2VjXzE="),
        ),
    ];
    for (mode, body_secret, header) in cases {
        let server = rotating_server(Duration::ZERO).await;
        server.client(mode.clone()).revoke(&fresh()).await.unwrap();
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
    }
}

#[tokio::test]
async fn json_encoding_sends_the_same_fields_as_a_json_object() {
    let server = rotating_server(Duration::ZERO).await;
    let client = server
        .builder()
        .body_encoding(whop_oauth::BodyEncoding::Json)
        .build()
        .unwrap();
    let refreshed = client.refresh(&expired()).await.unwrap();
    client.revoke(&refreshed).await.unwrap();
    let seen = server.seen();
    let bodies: Vec<serde_json::Value> = seen
        .iter()
        .map(|r| serde_json::from_slice(&r.body).unwrap())
        .collect();
    assert!(
        seen.iter()
            .all(|r| r.headers["content-type"] == "application/json")
    );
    assert_eq!(bodies[0]["grant_type"], "refresh_token");
    assert_eq!(bodies[0]["refresh_token"], "rt_1");
    assert_eq!(bodies[0]["client_id"], CLIENT_ID);
    assert_eq!(bodies[1]["token"], "rt_2");
    assert_eq!(bodies[1]["client_id"], CLIENT_ID);
}

/// Every future of a token source is `Send`, so a web handler or a spawned task can await it (a
/// revocation once kept a form serializer across its `.await`, and axum refused `sign_out`).
#[test]
fn the_token_sources_futures_are_send() {
    fn send<T: Send>(_: &T) {}
    let source = TokenSource::new(
        whop_oauth::OAuthClient::builder(CLIENT_ID, "http://127.0.0.1:1/callback")
            .build()
            .expect("a client"),
        MemoryTokenStore::new(),
    );
    let tokens = TokenSet::new("access", None, None);
    send(&source.tokens());
    send(&source.token());
    send(&source.userinfo());
    send(&source.sign_out());
    send(&source.sign_in(tokens.clone()));
    send(&source.client().revoke(&tokens));
    send(&source.client().refresh(&tokens));
}
