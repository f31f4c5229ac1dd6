//! The legacy exchange at `/api/v5/oauth/token`, against a loopback server.

mod support;

use std::time::Duration;

use serde_json::Value;
use support::{CLIENT_ID, OAuthServer, REDIRECT_URI};
use whop_oauth::oauth2::ClientSecret;
use whop_oauth::{ClientAuth, Error};

#[tokio::test]
async fn the_legacy_exchange_posts_five_json_fields_and_reads_the_access_token() {
    // The v5 spec said 201 in one version and 200 in a later one.
    for status in [200, 201] {
        let server = OAuthServer::start(Duration::ZERO, move |_| {
            (status, r#"{"access_token":"at_v5"}"#.to_owned())
        })
        .await;
        let client = server.client(ClientAuth::SecretInBody(ClientSecret::new(
            "sec_1".to_owned(),
        )));
        let tokens = client.legacy_exchange("c_1").await.unwrap();
        assert_eq!(tokens.access_token().secret(), "at_v5");
        assert!(tokens.refresh_token().is_none() && tokens.expires_at().is_none());
        let request = &server.seen()[0];
        assert_eq!(request.path, "/api/v5/oauth/token");
        let body: Value = serde_json::from_slice(&request.body).unwrap();
        assert_eq!(body["grant_type"], "authorization_code");
        assert_eq!(body["code"], "c_1");
        assert_eq!(body["client_id"], CLIENT_ID);
        assert_eq!(body["client_secret"], "sec_1");
        assert_eq!(body["redirect_uri"], REDIRECT_URI);
    }
}

#[tokio::test]
async fn the_legacy_exchange_without_a_secret_sends_nothing() {
    let server = OAuthServer::start(Duration::ZERO, |_| (200, String::new())).await;
    let result = server.client(ClientAuth::None).legacy_exchange("c_1").await;
    assert!(matches!(result, Err(Error::Config(_))), "{result:?}");
    assert_eq!(server.seen().len(), 0);
}

#[tokio::test]
async fn a_refused_legacy_exchange_is_an_error_with_its_status() {
    let server = OAuthServer::start(Duration::ZERO, |_| {
        (400, r#"{"message":"bad grant"}"#.to_owned())
    })
    .await;
    let client = server.client(ClientAuth::Basic(ClientSecret::new("sec_1".to_owned())));
    match client.legacy_exchange("c_1").await {
        Err(Error::Response { status, .. }) => {
            assert_eq!(status, Some(http::StatusCode::BAD_REQUEST))
        }
        other => panic!("{other:?}"),
    }
}
